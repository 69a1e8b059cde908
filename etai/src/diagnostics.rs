//! Rendering of diagnostics: compile errors and uncaught runtime errors with the file,
//! line and column, the source line with a caret under the span, and the stack trace.

use eta_compiler::{CompileError, SourceMap, Span};
use eta_vm::{TraceFrame, Uncaught};
use std::fmt::Write;
use std::io::IsTerminal;

struct Style {
    color: bool,
}

impl Style {
    fn detect() -> Style {
        Style {
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn location(sources: &SourceMap, span: Span) -> String {
    if span.is_dummy() {
        return "<unknown>".into();
    }
    format!(
        "{}:{}:{}",
        sources.name(span.file),
        span.start.line,
        span.start.col
    )
}

/// The ` --> file:line:col`, source line and caret lines for a span.
fn snippet(out: &mut String, sources: &SourceMap, span: Span, st: &Style) {
    if span.is_dummy() {
        return;
    }
    let _ = writeln!(
        out,
        "  {} {}",
        st.paint("34;1", "-->"),
        location(sources, span)
    );
    let Some(file) = sources.get(span.file) else {
        return;
    };
    let Some(line) = file.text.lines().nth(span.start.line as usize - 1) else {
        return;
    };
    let num = span.start.line.to_string();
    let pad = " ".repeat(num.len());
    let bar = st.paint("34;1", "|");
    let _ = writeln!(out, " {pad} {bar}");
    let _ = writeln!(out, " {} {bar} {line}", st.paint("34;1", &num));
    // Caret line: keep tabs so the carets line up under the source.
    let mut lead = String::new();
    for (i, c) in line.chars().enumerate() {
        if i + 1 >= span.start.col as usize {
            break;
        }
        lead.push(if c == '\t' { '\t' } else { ' ' });
    }
    let line_len = line.chars().count() as u32;
    let end_col = if span.end.line == span.start.line {
        span.end.col
    } else {
        line_len + 1
    };
    let width = end_col.saturating_sub(span.start.col).max(1) as usize;
    let _ = writeln!(
        out,
        " {pad} {bar} {lead}{}",
        st.paint("31;1", &"^".repeat(width))
    );
}

/// Renders a compile error.
pub fn compile_error(sources: &SourceMap, e: &CompileError) -> String {
    let st = Style::detect();
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", st.paint("31;1", "error"), e.message);
    snippet(&mut out, sources, e.span, &st);
    out
}

/// Renders an uncaught runtime error.
pub fn uncaught(sources: &SourceMap, u: &Uncaught) -> String {
    let st = Style::detect();
    let mut out = String::new();
    let head = match (&u.tag, u.is_error) {
        (Some(tag), _) => format!("error[{tag}]"),
        (None, _) => "error".to_string(),
    };
    let _ = writeln!(out, "{}: {}", st.paint("31;1", &head), u.message);
    if let Some(span) = u.span {
        snippet(&mut out, sources, span, &st);
    }
    if !u.trace.is_empty() {
        let _ = writeln!(out, "stack trace (innermost first):");
        render_trace(&mut out, sources, &u.trace, u.omitted);
    }
    out
}

fn render_trace(out: &mut String, sources: &SourceMap, trace: &[TraceFrame], omitted: u64) {
    let lines: Vec<String> = trace
        .iter()
        .map(|t| {
            let rep = if t.repeat > 1 {
                format!(" (repeated {} times)", t.repeat)
            } else {
                String::new()
            };
            (t.name.clone(), location(sources, t.span), rep)
        })
        .enumerate()
        .map(|(i, (n, l, r))| format!("{i}: {n:<12} {l}{r}"))
        .collect();
    let total = lines.len();
    if total <= 20 && omitted == 0 {
        for l in &lines {
            let _ = writeln!(out, "  {l}");
        }
        return;
    }
    let head = 15.min(total);
    for l in &lines[..head] {
        let _ = writeln!(out, "  {l}");
    }
    let tail_start = total.saturating_sub(5).max(head);
    let hidden = (tail_start - head) as u64 + omitted;
    let _ = writeln!(out, "  ... {hidden} more frames ...");
    for l in &lines[tail_start..] {
        let _ = writeln!(out, "  {l}");
    }
}
