//! `,disasm PROC`: a listing of a closure's bytecode — one instruction per line with
//! its index, the source line:column where a new span starts, the instruction, and a
//! comment naming what an operand refers to (global names, constants, jump targets,
//! nested procedures). Nested procedures are listed after their parent.

use eta_compiler::{Op, Prototype, SourceMap};
use std::fmt::Write;

/// Longest constant text shown in a comment.
const MAX_CONST: usize = 60;

/// Lists `proto` and its nested prototypes. `global_name` names a global slot.
pub fn render(
    proto: &Prototype,
    sources: &SourceMap,
    global_name: &dyn Fn(u32) -> String,
) -> String {
    let mut out = String::new();
    render_one(&mut out, proto, None, sources, global_name);
    out
}

fn render_one(
    out: &mut String,
    proto: &Prototype,
    parent: Option<&str>,
    sources: &SourceMap,
    global_name: &dyn Fn(u32) -> String,
) {
    let name = proto.display_name();
    let locals = match proto.nlocals {
        1 => "1 local".to_string(),
        n => format!("{n} locals"),
    };
    let _ = write!(out, "{name}: {}, {locals}", arity(proto));
    if !proto.span.is_dummy() {
        let _ = write!(
            out,
            ", at {}:{}:{}",
            sources.name(proto.span.file),
            proto.span.start.line,
            proto.span.start.col
        );
    }
    if let Some(p) = parent {
        let _ = write!(out, " (inside {p})");
    }
    out.push('\n');
    let width = proto.code.len().saturating_sub(1).to_string().len().max(2);
    let mut spans = proto.spans.iter().peekable();
    for (pc, op) in proto.code.iter().enumerate() {
        let mut loc = String::new();
        while let Some((p, s)) = spans.peek() {
            if *p as usize > pc {
                break;
            }
            if *p as usize == pc && !s.is_dummy() {
                loc = format!("{}:{}", s.start.line, s.start.col);
            }
            spans.next();
        }
        let text = format!("{op:?}");
        let note = comment(proto, pc, op, global_name);
        let line = if note.is_empty() {
            format!("  {pc:>width$}  {loc:<7} {text}")
        } else {
            format!("  {pc:>width$}  {loc:<7} {text:<22} ; {note}")
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for child in &proto.children {
        out.push('\n');
        render_one(out, child, Some(&name), sources, global_name);
    }
}

/// `2 arguments`, `1 argument + rest`, `1 required + 2 optional`.
fn arity(proto: &Prototype) -> String {
    let n = proto.nreq;
    let mut s = if proto.nopt > 0 {
        format!("{n} required + {} optional", proto.nopt)
    } else if n == 1 {
        "1 argument".to_string()
    } else {
        format!("{n} arguments")
    };
    if proto.rest {
        s.push_str(" + rest");
    }
    s
}

/// What an operand refers to (a global, a constant, a child procedure), then the jump
/// target if the instruction jumps.
fn comment(proto: &Prototype, pc: usize, op: &Op, global_name: &dyn Fn(u32) -> String) -> String {
    let what = match *op {
        Op::GlobalRef(g) | Op::GlobalSet(g) | Op::GlobalDef(g) => global_name(g),
        Op::Const(k) | Op::PrimSC(_, k) => constant(proto, k),
        Op::JumpIfFalseSC(_, k, _) => constant(proto, u32::from(k)),
        Op::JumpIfFalseLC(_, _, k, _) => constant(proto, u32::from(k)),
        Op::Closure(i) => proto
            .children
            .get(i as usize)
            .map(|c| c.display_name())
            .unwrap_or_default(),
        _ => String::new(),
    };
    match op.jump_offset() {
        Some(off) => {
            let target = pc as i64 + 1 + i64::from(off);
            if what.is_empty() {
                format!("-> {target}")
            } else {
                format!("{what}, -> {target}")
            }
        }
        None => what,
    }
}

/// Constant `k` of `proto`, written and truncated.
fn constant(proto: &Prototype, k: u32) -> String {
    proto
        .consts
        .get(k as usize)
        .map(|c| {
            let mut s = String::new();
            super::literal::write_literal(&mut s, c, MAX_CONST * 4);
            truncate(s)
        })
        .unwrap_or_default()
}

fn truncate(s: String) -> String {
    if s.chars().count() <= MAX_CONST {
        return s;
    }
    let mut t: String = s.chars().take(MAX_CONST).collect();
    t.push_str("...");
    t
}
