//! The timing flags shared by `send!`, `recv!` and `recv-result!` (networking spec
//! §3): `'noblock`, `'wait` or a timeout in ms, at most one of them, and the limit each
//! one puts on a call.

use super::wait::deadline_after;
use eta_vm::{write_truncated, Error, Value};
use std::time::Instant;

/// How long one call may wait.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Timing {
    /// No timing flag: the socket's `recv-timeout` / `send-timeout`.
    Default,
    /// `'noblock`: do not wait.
    NoBlock,
    /// `'wait`: no time limit.
    Forever,
    /// An exact non-negative integer: at most that many milliseconds.
    Ms(u64),
}

impl Timing {
    /// The limit of a call starting now; `default_ms` is the socket's timeout option
    /// (`-1` = no limit, `0` = do not wait).
    pub fn limit(self, default_ms: i64) -> Limit {
        match self {
            Timing::Default if default_ms < 0 => Limit::Never,
            Timing::Default => Limit::after(default_ms.unsigned_abs()),
            Timing::NoBlock => Limit::Now,
            Timing::Forever => Limit::Never,
            Timing::Ms(ms) => Limit::after(ms),
        }
    }

    /// Collects the timing flag among a call's flags.
    pub fn parser<'gc>(who: &str) -> TimingParser<'_, 'gc> {
        TimingParser { who, seen: None }
    }
}

/// When a wait must end.
#[derive(Copy, Clone, Debug)]
pub enum Limit {
    /// Do not wait at all.
    Now,
    /// Wait until this instant.
    At(Instant),
    /// Wait without limit.
    Never,
}

impl Limit {
    /// A limit `ms` milliseconds from now (`0` = do not wait).
    pub fn after(ms: u64) -> Limit {
        if ms == 0 {
            return Limit::Now;
        }
        match deadline_after(ms) {
            Some(d) => Limit::At(d),
            None => Limit::Never,
        }
    }

    /// Whether the time is up.
    pub fn expired(self) -> bool {
        match self {
            Limit::Now => true,
            Limit::At(d) => Instant::now() >= d,
            Limit::Never => false,
        }
    }

    /// The deadline for a wait (`None` = no limit).
    pub fn deadline(self) -> Option<Instant> {
        match self {
            Limit::Now => Some(Instant::now()),
            Limit::At(d) => Some(d),
            Limit::Never => None,
        }
    }

    /// This limit, but no later than `end`.
    pub fn at_most(self, end: Instant) -> Limit {
        match self {
            Limit::Now => Limit::Now,
            Limit::At(d) => Limit::At(d.min(end)),
            Limit::Never => Limit::At(end),
        }
    }
}

/// Accumulates the (single) timing flag of a call.
pub struct TimingParser<'w, 'gc> {
    who: &'w str,
    /// The flag taken and its value (printed only for a conflict: this runs on every
    /// `send!` and `recv!`).
    seen: Option<(Timing, Value<'gc>)>,
}

impl<'gc> TimingParser<'_, 'gc> {
    /// Takes `f` if it is a timing flag (`Ok(true)`); two timing flags are a type error.
    pub fn take(&mut self, f: Value<'gc>) -> Result<bool, Error<'gc>> {
        let t = match f {
            Value::Int(ms) if ms >= 0 => Timing::Ms(ms.unsigned_abs()),
            _ => match f.as_symbol() {
                Some("noblock") => Timing::NoBlock,
                Some("wait") => Timing::Forever,
                _ => return Ok(false),
            },
        };
        if let Some((_, prev)) = self.seen {
            return Err(Error::msg(format!(
                "{}: conflicting flags {} and {} (at most one of noblock, wait and a timeout)",
                self.who,
                write_truncated(prev, 60),
                write_truncated(f, 60)
            ))
            .with_irritants(vec![f]));
        }
        self.seen = Some((t, f));
        Ok(true)
    }

    /// The timing flag given, or [`Timing::Default`].
    pub fn finish(self) -> Timing {
        self.seen.map_or(Timing::Default, |(t, _)| t)
    }
}

/// `WHO: unknown flag F (expected EXPECTED)`: a type error.
pub fn unknown_flag<'gc>(who: &str, f: Value<'gc>, expected: &str) -> Error<'gc> {
    Error::msg(format!(
        "{who}: unknown flag {} (expected {expected})",
        write_truncated(f, 60)
    ))
    .with_irritants(vec![f])
}
