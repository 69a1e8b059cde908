//! Time (spec §10.14): wall-clock and monotonic clocks, sleeping, broken-down UTC and
//! local time, ISO 8601 formatting, and R7RS `current-second` / `current-jiffy`. UTC
//! dates are computed with the proleptic Gregorian calendar; local time comes from the
//! C library (`localtime_r`), which knows the time zone rules.

use eta_vm::{natives, write_truncated, Ctx, Error, NResult, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `NAME: VALUE out of range` (spec §10.0 `R`).
pub(crate) fn out_of_range<'gc>(who: &str, v: Value<'gc>) -> Error<'gc> {
    Error::msg(format!("{who}: {} out of range", write_truncated(v, 60))).with_irritants(vec![v])
}

/// Sleeps `ms` milliseconds after flushing standard output. Sleeps in short steps so
/// that an interrupt (Ctrl-C) is noticed promptly; the VM then stops the program.
pub(crate) fn sleep_ms(ctx: &mut Ctx<'_, '_>, ms: f64) {
    ctx.st.host.flush_out();
    let total = Duration::from_secs_f64((ms / 1000.0).min(1e12));
    let step = Duration::from_millis(50);
    let start = std::time::Instant::now();
    loop {
        let elapsed = start.elapsed();
        if elapsed >= total || ctx.st.host.interrupt.load(Ordering::SeqCst) {
            return;
        }
        std::thread::sleep((total - elapsed).min(step));
    }
}

/// Nanoseconds since the Unix epoch (negative before it).
fn now_ns() -> i128 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// An exact integer from an i128.
fn exact<'gc>(ctx: &mut Ctx<'_, 'gc>, n: i128) -> Value<'gc> {
    match i64::try_from(n) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::integer(ctx.mc, n.into()),
    }
}

/// Nanoseconds of a monotonic clock. On Unix it is `CLOCK_MONOTONIC`, shared by every
/// process on the machine, so actors can compare readings.
#[cfg(unix)]
fn monotonic_ns() -> i128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    if rc != 0 {
        return fallback_monotonic_ns();
    }
    i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec)
}

#[cfg(not(unix))]
fn monotonic_ns() -> i128 {
    fallback_monotonic_ns()
}

/// Nanoseconds since the first reading in this process.
fn fallback_monotonic_ns() -> i128 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as i128
}

/// `(%time-now-ms)` ;; => 1700000000000
fn time_now_ms<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(exact(ctx, now_ns().div_euclid(1_000_000)))
}

/// `(%time-now-us)` ;; => 1700000000000000
fn time_now_us<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(exact(ctx, now_ns().div_euclid(1_000)))
}

/// `(%time-now-ns)` ;; => 1700000000000000000
fn time_now_ns<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(exact(ctx, now_ns()))
}

/// `(%time-monotonic-ms)` ;; => 83457123 (only differences are meaningful)
fn time_monotonic_ms<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(exact(ctx, monotonic_ns() / 1_000_000))
}

/// `(%time-sleep-ms ms)` ;; `(%time-sleep-ms 5)` sleeps 5 milliseconds
fn time_sleep_ms<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let who = "%time-sleep-ms";
    let ms = match a[0] {
        Value::Int(n) if n >= 0 => n as f64,
        Value::Float(x) if x >= 0.0 && x.is_finite() && x.fract() == 0.0 => x,
        v @ (Value::Int(_) | Value::Big(_)) => return Err(out_of_range(who, v)),
        v @ Value::Float(x) if x.is_finite() && x.fract() == 0.0 => {
            return Err(out_of_range(who, v))
        }
        v => return Err(Error::type_error(who, "non-negative integer", v)),
    };
    sleep_ms(ctx, ms);
    Ok(Value::Unspecified)
}

/// A millisecond timestamp argument: an exact integer, or a flonum (floored).
fn ms_arg<'gc>(who: &str, v: Value<'gc>) -> Result<i64, Error<'gc>> {
    match v {
        Value::Int(n) => Ok(n),
        Value::Float(x) if x.is_finite() && x.abs() < 9.0e18 => Ok(x.floor() as i64),
        Value::Float(_) | Value::Big(_) => Err(out_of_range(who, v)),
        _ => Err(Error::type_error(who, "integer", v)),
    }
}

/// A broken-down time (spec §10.14 field names and ranges).
struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    weekday: i64,
    yearday: i64,
    is_dst: bool,
    offset_minutes: i64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// UTC parts of a millisecond timestamp (seconds floored).
fn utc_parts(ms: i64) -> Parts {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: sod / 3600,
        minute: sod % 3600 / 60,
        second: sod % 60,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7),
        yearday: days - days_from_civil(year, 1, 1),
        is_dst: false,
        offset_minutes: 0,
    }
}

/// Local parts of a millisecond timestamp, from the C library's time zone rules (which
/// follow `TZ`, re-read at every call so `setenv!` of `TZ` takes effect).
#[cfg(unix)]
fn local_parts(ms: i64) -> Option<Parts> {
    extern "C" {
        fn tzset();
    }
    let t = libc::time_t::try_from(ms.div_euclid(1000)).ok()?;
    // SAFETY: an all-zero `tm` is a valid value (integers and a null zone pointer).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: tzset takes no arguments and only reads the environment; `t` and `tm`
    // are valid for the duration of localtime_r, which writes only into `tm`.
    let ok = unsafe {
        tzset();
        !libc::localtime_r(&t, &mut tm).is_null()
    };
    if !ok {
        return None;
    }
    Some(Parts {
        year: i64::from(tm.tm_year) + 1900,
        month: i64::from(tm.tm_mon) + 1,
        day: i64::from(tm.tm_mday),
        hour: i64::from(tm.tm_hour),
        minute: i64::from(tm.tm_min),
        second: i64::from(tm.tm_sec),
        weekday: i64::from(tm.tm_wday),
        yearday: i64::from(tm.tm_yday),
        is_dst: tm.tm_isdst > 0,
        #[allow(clippy::unnecessary_cast)]
        offset_minutes: (tm.tm_gmtoff as i64).div_euclid(60),
    })
}

/// Without a C library time zone database, local time is UTC.
#[cfg(not(unix))]
fn local_parts(ms: i64) -> Option<Parts> {
    Some(utc_parts(ms))
}

fn parts_alist<'gc>(ctx: &mut Ctx<'_, 'gc>, p: &Parts) -> Value<'gc> {
    let fields = [
        ("year", Value::Int(p.year)),
        ("month", Value::Int(p.month)),
        ("day", Value::Int(p.day)),
        ("hour", Value::Int(p.hour)),
        ("minute", Value::Int(p.minute)),
        ("second", Value::Int(p.second)),
        ("weekday", Value::Int(p.weekday)),
        ("yearday", Value::Int(p.yearday)),
        ("is-dst", Value::Bool(p.is_dst)),
        ("offset-minutes", Value::Int(p.offset_minutes)),
    ];
    let pairs: Vec<Value<'gc>> = fields
        .into_iter()
        .map(|(k, v)| {
            let k = ctx.sym(k);
            Value::cons(ctx.mc, k, v)
        })
        .collect();
    Value::list(ctx.mc, pairs.into_iter())
}

fn local_or_range<'gc>(who: &str, v: Value<'gc>) -> Result<Parts, Error<'gc>> {
    let ms = ms_arg(who, v)?;
    local_parts(ms).ok_or_else(|| out_of_range(who, v))
}

/// `(%time-utc-parts ms)` ;; `(%time-utc-parts 0)` => ((year . 1970) (month . 1) ...)
fn time_utc_parts<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let parts = utc_parts(ms_arg("%time-utc-parts", a[0])?);
    Ok(parts_alist(ctx, &parts))
}

/// `(%time-local-parts ms)` ;; like `%time-utc-parts` in the local time zone
fn time_local_parts<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let parts = local_or_range("%time-local-parts", a[0])?;
    Ok(parts_alist(ctx, &parts))
}

/// `YYYY-MM-DDTHH:MM:SS` (years outside 0..9999 keep their sign and all digits).
fn iso_date_time(p: &Parts) -> String {
    let year = if p.year < 0 {
        format!("-{:04}", -p.year)
    } else {
        format!("{:04}", p.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}",
        p.month, p.day, p.hour, p.minute, p.second
    )
}

/// `(%time-format-iso8601-utc ms)` ;; `(%time-format-iso8601-utc 86400000)` => "1970-01-02T00:00:00Z"
fn time_format_iso8601_utc<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let parts = utc_parts(ms_arg("%time-format-iso8601-utc", a[0])?);
    Ok(Value::string(
        ctx.mc,
        &format!("{}Z", iso_date_time(&parts)),
    ))
}

/// `(%time-format-iso8601-local ms)` ;; => "1970-01-02T01:00:00+01:00" in Paris
fn time_format_iso8601_local<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let parts = local_or_range("%time-format-iso8601-local", a[0])?;
    let off = parts.offset_minutes;
    let sign = if off < 0 { '-' } else { '+' };
    let text = format!(
        "{}{sign}{:02}:{:02}",
        iso_date_time(&parts),
        off.abs() / 60,
        off.abs() % 60
    );
    Ok(Value::string(ctx.mc, &text))
}

/// `(current-second)` ;; => 1700000000.123456
fn current_second<'gc>(_ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Float(now_ns() as f64 / 1e9))
}

/// `(current-jiffy)` ;; => 83457123456 (microseconds of a monotonic clock)
fn current_jiffy<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(exact(ctx, monotonic_ns() / 1000))
}

/// `(jiffies-per-second)` ;; => 1000000
fn jiffies_per_second<'gc>(_ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Int(1_000_000))
}

/// The time builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "%time-now-ms", 0, Some(0), Simple(time_now_ms);
    "%time-now-us", 0, Some(0), Simple(time_now_us);
    "%time-now-ns", 0, Some(0), Simple(time_now_ns);
    "%time-monotonic-ms", 0, Some(0), Simple(time_monotonic_ms);
    "%time-sleep-ms", 1, Some(1), Simple(time_sleep_ms);
    "%time-utc-parts", 1, Some(1), Simple(time_utc_parts);
    "%time-local-parts", 1, Some(1), Simple(time_local_parts);
    "%time-format-iso8601-utc", 1, Some(1), Simple(time_format_iso8601_utc);
    "%time-format-iso8601-local", 1, Some(1), Simple(time_format_iso8601_local);
    "current-second", 0, Some(0), Simple(current_second);
    "current-jiffy", 0, Some(0), Simple(current_jiffy);
    "jiffies-per-second", 0, Some(0), Simple(jiffies_per_second);
];
