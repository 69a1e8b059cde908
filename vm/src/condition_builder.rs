//! Builds condition objects for runtime errors: the error-object details and the
//! `(runtime-error TAG "MESSAGE" (span ...) TRACE)` payload that `catch` returns.

use crate::condition::{Condition, ErrorInfo, TraceFrame};
use crate::error::RuntimeError;
use crate::interp::Ctx;
use crate::printer::write_truncated;
use crate::value::Value;
use eta_compiler::Span;
use gc_arena::Gc;

/// `(span FILE-ID L1 C1 L2 C2)`.
pub fn span_list<'gc>(ctx: &mut Ctx<'_, 'gc>, span: Span) -> Value<'gc> {
    let head = ctx.sym("span");
    let items = [
        head,
        Value::Int(span.file.0 as i64),
        Value::Int(span.start.line as i64),
        Value::Int(span.start.col as i64),
        Value::Int(span.end.line as i64),
        Value::Int(span.end.col as i64),
    ];
    Value::list(ctx.mc, items.into_iter())
}

/// The full report text of an error: message followed by written irritants.
pub fn report_text(message: &str, irritants: &[Value<'_>]) -> String {
    let mut s = message.to_string();
    for v in irritants {
        s.push(' ');
        s.push_str(&write_truncated(*v, 200));
    }
    s
}

/// Builds the condition for a runtime error raised at `span` with `trace`.
pub fn error_condition<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    r: RuntimeError<'gc>,
    span: Option<Span>,
    trace: Vec<TraceFrame>,
    omitted: u64,
) -> Value<'gc> {
    let tag = ctx.st.symbols.intern(ctx.mc, r.tag);
    let irritants = Value::list(ctx.mc, r.irritants.iter().copied());
    let (message, full) = if r.user {
        (r.message.clone(), report_text(&r.message, &r.irritants))
    } else {
        (r.message.clone(), r.message.clone())
    };
    let payload = if let Some(short) = &r.short {
        Value::string(ctx.mc, short)
    } else {
        let head = ctx.sym("runtime-error");
        let tagv = Value::Sym(tag);
        let msg = Value::string(ctx.mc, &full);
        let sp = span_list(ctx, span.unwrap_or(Span::DUMMY));
        let mut frames = Vec::new();
        let frame_sym = ctx.sym("frame");
        for t in &trace {
            let name = Value::string(ctx.mc, &t.name);
            let s = span_list(ctx, t.span);
            let f = Value::list(ctx.mc, [frame_sym, name, s].into_iter());
            for _ in 0..t.repeat.min(1) {
                frames.push(f);
            }
        }
        let tr = Value::list(ctx.mc, frames.into_iter());
        Value::list(ctx.mc, [head, tagv, msg, sp, tr].into_iter())
    };
    let info = ErrorInfo {
        message,
        report: full,
        irritants,
        span,
        trace,
        omitted,
    };
    Value::Condition(Gc::new(
        ctx.mc,
        Condition {
            tag,
            payload,
            error: Some(info),
        },
    ))
}
