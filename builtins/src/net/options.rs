//! Socket options (networking spec §6): `nng-set-option` and `nng-get-option` over the
//! option table, with the spec's checks (type errors for unknown options and wrong
//! value kinds, `"Not supported"` for an option the protocol does not have,
//! `"Invalid argument"` for values out of range).

use super::nng_error::{closed, from_nng};
use super::socket::{socket_arg, CachedOptions, Protocol, SocketShared, State};
use eta_vm::{write_truncated, Error, NResult, Value};
use nng::options::protocol::reqrep::ResendTime;
use nng::options::transport::tcp::{KeepAlive, NoDelay};
use nng::options::{
    Options as _, ReconnectMaxTime, ReconnectMinTime, RecvBufferSize, RecvMaxSize, SendBufferSize,
};
use std::time::Duration;

/// The options of the table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Opt {
    RecvTimeout,
    SendTimeout,
    RecvBufSize,
    SendBufSize,
    MaxMessageSize,
    SurveyTime,
    ResendTime,
    ReconnectMinTime,
    ReconnectMaxTime,
    DialTimeout,
    TcpNoDelay,
    TcpKeepAlive,
    BoundPort,
}

/// What values an option takes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// Milliseconds, `-1` = no limit.
    MsOrForever,
    /// Milliseconds, non-negative.
    Ms,
    /// A buffer size in messages, 0–8192.
    Buffer,
    /// A size in bytes.
    Bytes,
    /// A boolean.
    Bool,
    /// Read-only.
    ReadOnly,
}

impl Opt {
    fn from_name(name: &str) -> Option<Opt> {
        Some(match name {
            "recv-timeout" => Opt::RecvTimeout,
            "send-timeout" => Opt::SendTimeout,
            "recv-buf-size" => Opt::RecvBufSize,
            "send-buf-size" => Opt::SendBufSize,
            "max-message-size" => Opt::MaxMessageSize,
            "survey-time" => Opt::SurveyTime,
            "resend-time" => Opt::ResendTime,
            "reconnect-min-time" => Opt::ReconnectMinTime,
            "reconnect-max-time" => Opt::ReconnectMaxTime,
            "dial-timeout" => Opt::DialTimeout,
            "tcp-nodelay" => Opt::TcpNoDelay,
            "tcp-keepalive" => Opt::TcpKeepAlive,
            "bound-port" => Opt::BoundPort,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Opt::RecvTimeout => "recv-timeout",
            Opt::SendTimeout => "send-timeout",
            Opt::RecvBufSize => "recv-buf-size",
            Opt::SendBufSize => "send-buf-size",
            Opt::MaxMessageSize => "max-message-size",
            Opt::SurveyTime => "survey-time",
            Opt::ResendTime => "resend-time",
            Opt::ReconnectMinTime => "reconnect-min-time",
            Opt::ReconnectMaxTime => "reconnect-max-time",
            Opt::DialTimeout => "dial-timeout",
            Opt::TcpNoDelay => "tcp-nodelay",
            Opt::TcpKeepAlive => "tcp-keepalive",
            Opt::BoundPort => "bound-port",
        }
    }

    fn kind(self) -> Kind {
        match self {
            Opt::RecvTimeout | Opt::SendTimeout | Opt::ResendTime | Opt::DialTimeout => {
                Kind::MsOrForever
            }
            Opt::SurveyTime | Opt::ReconnectMinTime | Opt::ReconnectMaxTime => Kind::Ms,
            Opt::RecvBufSize | Opt::SendBufSize => Kind::Buffer,
            Opt::MaxMessageSize => Kind::Bytes,
            Opt::TcpNoDelay | Opt::TcpKeepAlive => Kind::Bool,
            Opt::BoundPort => Kind::ReadOnly,
        }
    }

    /// Whether the option exists on sockets of protocol `p` (§6 "Applies to").
    fn applies(self, p: Protocol) -> bool {
        match self {
            Opt::RecvTimeout | Opt::RecvBufSize => p.receives(),
            Opt::SendTimeout | Opt::SendBufSize => p.sends(),
            Opt::SurveyTime => p == Protocol::Surveyor,
            Opt::ResendTime => p == Protocol::Req,
            _ => true,
        }
    }
}

/// A checked option value.
#[derive(Copy, Clone, Debug)]
enum Setting {
    Int(i64),
    Bool(bool),
}

fn option_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Opt, Error<'gc>> {
    let name = v
        .as_symbol()
        .ok_or_else(|| Error::type_error(who, "symbol", v))?;
    Opt::from_name(name).ok_or_else(|| {
        Error::msg(format!("{who}: unknown option {}", write_truncated(v, 60)))
            .with_irritants(vec![v])
    })
}

/// Checks the kind of a value (type errors); the range is checked later.
fn setting_arg<'gc>(who: &str, opt: Opt, v: Value<'gc>) -> Result<Setting, Error<'gc>> {
    match opt.kind() {
        Kind::ReadOnly => Err(Error::msg(format!(
            "{who}: option {} is read-only",
            opt.name()
        ))),
        Kind::Bool => match v {
            Value::Bool(b) => Ok(Setting::Bool(b)),
            _ => Err(Error::type_error(who, "boolean", v)),
        },
        _ => match v {
            Value::Int(n) => Ok(Setting::Int(n)),
            // An exact integer, just out of any range.
            Value::Big(_) => Ok(Setting::Int(i64::MIN)),
            _ => Err(Error::type_error(who, "exact integer", v)),
        },
    }
}

/// The range check: `None` means "Invalid argument".
fn in_range(kind: Kind, s: Setting) -> Option<Setting> {
    let ok = match (kind, s) {
        (Kind::Bool, Setting::Bool(_)) => true,
        (Kind::MsOrForever, Setting::Int(n)) => (-1..=i64::from(i32::MAX)).contains(&n),
        (Kind::Ms, Setting::Int(n)) => (0..=i64::from(i32::MAX)).contains(&n),
        (Kind::Buffer, Setting::Int(n)) => (0..=8192).contains(&n),
        (Kind::Bytes, Setting::Int(n)) => n >= 0 && usize::try_from(n).is_ok(),
        _ => false,
    };
    ok.then_some(s)
}

fn duration(ms: i64) -> Option<Duration> {
    u64::try_from(ms).ok().map(Duration::from_millis)
}

/// Applies a checked setting to nng and to the cached values.
fn apply(st: &mut State, opt: Opt, s: Setting) -> Result<(), nng::Error> {
    let sock = st.socket().ok_or(nng::Error::Closed)?.clone();
    let o: &mut CachedOptions = &mut st.options;
    match (opt, s) {
        (Opt::RecvTimeout, Setting::Int(n)) => o.recv_timeout = n,
        (Opt::SendTimeout, Setting::Int(n)) => o.send_timeout = n,
        (Opt::DialTimeout, Setting::Int(n)) => o.dial_timeout = n,
        (Opt::RecvBufSize, Setting::Int(n)) => {
            sock.set_opt::<RecvBufferSize>(i32::try_from(n).map_err(|_| nng::Error::InvalidInput)?)?
        }
        (Opt::SendBufSize, Setting::Int(n)) => {
            sock.set_opt::<SendBufferSize>(i32::try_from(n).map_err(|_| nng::Error::InvalidInput)?)?
        }
        (Opt::MaxMessageSize, Setting::Int(n)) => {
            let size = usize::try_from(n).map_err(|_| nng::Error::InvalidInput)?;
            sock.set_opt::<RecvMaxSize>(size)?;
            o.max_message_size = size;
        }
        // Enforced by `send!`/`recv!` themselves (see `SocketShared::open`).
        (Opt::SurveyTime, Setting::Int(n)) => o.survey_time = n,
        (Opt::ResendTime, Setting::Int(n)) => {
            sock.set_opt::<ResendTime>(duration(n))?;
            o.resend_time = n;
        }
        (Opt::ReconnectMinTime, Setting::Int(n)) => {
            sock.set_opt::<ReconnectMinTime>(duration(n))?;
            o.reconnect_min = n;
        }
        (Opt::ReconnectMaxTime, Setting::Int(n)) => {
            sock.set_opt::<ReconnectMaxTime>(duration(n))?;
            o.reconnect_max = n;
        }
        (Opt::TcpNoDelay, Setting::Bool(b)) => {
            sock.set_opt::<NoDelay>(b)?;
            o.tcp_nodelay = b;
        }
        (Opt::TcpKeepAlive, Setting::Bool(b)) => {
            sock.set_opt::<KeepAlive>(b)?;
            o.tcp_keepalive = b;
        }
        _ => return Err(nng::Error::InvalidInput),
    }
    Ok(())
}

/// Sets an option on an open socket (§6); used by `nng-set-option`.
pub(crate) fn set_option<'gc>(
    who: &str,
    shared: &SocketShared,
    option: Value<'gc>,
    value: Value<'gc>,
) -> Result<(), Error<'gc>> {
    let opt = option_arg(who, option)?;
    let setting = setting_arg(who, opt, value)?;
    let mut st = shared.lock();
    if st.is_closed() {
        return Err(closed(who));
    }
    if !opt.applies(shared.protocol) {
        return Err(from_nng(who, nng::Error::NotSupported, None));
    }
    let setting = in_range(opt.kind(), setting)
        .ok_or_else(|| from_nng(who, nng::Error::InvalidInput, None))?;
    apply(&mut st, opt, setting).map_err(|e| from_nng(who, e, None))
}

/// `(nng-set-option sock option value)` ;; `(nng-set-option s 'recv-timeout 250)`
pub(crate) fn nng_set_option<'gc>(
    _ctx: &mut eta_vm::Ctx<'_, 'gc>,
    a: &[Value<'gc>],
) -> NResult<'gc> {
    const WHO: &str = "nng-set-option";
    let shared = socket_arg(WHO, a[0])?;
    set_option(WHO, &shared, a[1], a[2])?;
    Ok(Value::Unspecified)
}

/// `(nng-get-option sock option)` ;; `(nng-get-option s 'bound-port)` => 40123
pub(crate) fn nng_get_option<'gc>(
    _ctx: &mut eta_vm::Ctx<'_, 'gc>,
    a: &[Value<'gc>],
) -> NResult<'gc> {
    const WHO: &str = "nng-get-option";
    let shared = socket_arg(WHO, a[0])?;
    let opt = option_arg(WHO, a[1])?;
    let st = shared.lock();
    let Some(sock) = st.socket() else {
        return Err(closed(WHO));
    };
    if !opt.applies(shared.protocol) {
        return Err(from_nng(WHO, nng::Error::NotSupported, None));
    }
    let o = &st.options;
    let int = |n: i64| Ok(Value::Int(n));
    let nng_err = |e| from_nng(WHO, e, None);
    match opt {
        Opt::RecvTimeout => int(o.recv_timeout),
        Opt::SendTimeout => int(o.send_timeout),
        Opt::DialTimeout => int(o.dial_timeout),
        Opt::SurveyTime => int(o.survey_time),
        Opt::ResendTime => int(o.resend_time),
        Opt::ReconnectMinTime => int(o.reconnect_min),
        Opt::ReconnectMaxTime => int(o.reconnect_max),
        Opt::MaxMessageSize => int(i64::try_from(o.max_message_size).unwrap_or(i64::MAX)),
        Opt::TcpNoDelay => Ok(Value::Bool(o.tcp_nodelay)),
        Opt::TcpKeepAlive => Ok(Value::Bool(o.tcp_keepalive)),
        Opt::RecvBufSize => sock
            .get_opt::<RecvBufferSize>()
            .map(|n| Value::Int(i64::from(n)))
            .map_err(nng_err),
        Opt::SendBufSize => sock
            .get_opt::<SendBufferSize>()
            .map(|n| Value::Int(i64::from(n)))
            .map_err(nng_err),
        Opt::BoundPort => st
            .bound_port
            .map(|p| Value::Int(i64::from(p)))
            .ok_or_else(|| from_nng(WHO, nng::Error::IncorrectState, None)),
    }
}
