//! Rendering of diagnostics (language spec §9.7): compile errors and uncaught runtime
//! errors as `error[TAG]: MESSAGE`, the `-->` location, the source line with a caret
//! line under the span (drawn by `codespan-reporting` with ASCII borders), then, for
//! runtime errors, the Eta stack trace, innermost frame first, with long recursions
//! folded and at most 20 lines.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Ansi, Color, ColorSpec, NoColor};
use codespan_reporting::term::{self, Chars, Config, Styles, StylesWriter};
use eta_compiler::{CompileError, SourceMap, Span};
use eta_vm::{TraceFrame, Uncaught};
use std::fmt::Write;
use std::io::IsTerminal;

/// Innermost trace lines shown before the elision line.
const TRACE_HEAD: usize = 15;
/// Outermost trace lines shown after the elision line.
const TRACE_TAIL: usize = 5;
/// At most this many trace lines are shown.
const TRACE_MAX: usize = 20;

/// Whether diagnostics are coloured: standard error is a terminal and `NO_COLOR` is
/// unset.
pub fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Renders a compile error (read, syntax, module errors): same layout as a runtime
/// error, without a stack trace.
pub fn compile_error(sources: &SourceMap, e: &CompileError) -> String {
    render(sources, None, &e.message, Some(e.span), use_color())
}

/// Renders an uncaught runtime error or raise with its stack trace.
pub fn uncaught(sources: &SourceMap, u: &Uncaught) -> String {
    let mut out = render(sources, u.tag.as_deref(), &u.message, u.span, use_color());
    if !u.trace.is_empty() {
        out.push_str("stack trace (innermost first):\n");
        render_trace(&mut out, sources, &u.trace, u.omitted);
    }
    out
}

/// The header, location and source snippet of one diagnostic.
fn render(
    sources: &SourceMap,
    tag: Option<&str>,
    message: &str,
    span: Option<Span>,
    color: bool,
) -> String {
    let span = span.filter(|s| !s.is_dummy());
    if let Some(span) = span {
        if let Some(text) = snippet(sources, tag, message, span, color) {
            return text;
        }
    }
    // No source to show: the header and, if known, the location.
    let mut out = header(tag, message, color);
    if let Some(span) = span {
        let _ = writeln!(out, "  --> {}", location(sources, span));
    }
    out
}

/// The one-line header, for diagnostics without a source snippet.
fn header(tag: Option<&str>, message: &str, color: bool) -> String {
    let head = match tag {
        Some(t) => format!("error[{t}]"),
        None => "error".to_string(),
    };
    if color {
        format!("\x1b[1;31m{head}\x1b[0m\x1b[1m: {message}\x1b[0m\n")
    } else {
        format!("{head}: {message}\n")
    }
}

/// The full diagnostic drawn by codespan-reporting, or `None` when the span does not
/// point into a known source text (the caller falls back to a location line).
fn snippet(
    sources: &SourceMap,
    tag: Option<&str>,
    message: &str,
    span: Span,
    color: bool,
) -> Option<String> {
    let file = sources.get(span.file)?;
    // The reader gives a leading byte-order mark no column; hide it from the renderer
    // so both count columns the same way.
    let (text, origin) = match file.text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (&*file.text, 0),
    };
    let lo = (span.lo as usize).checked_sub(origin)?;
    let hi = (span.hi as usize).checked_sub(origin)?.max(lo);
    let range = caret_range(text, lo, hi)?;
    let (text, range) = clip_long_line(text, range);
    let clipped = matches!(text, std::borrow::Cow::Owned(_));

    let mut diagnostic = Diagnostic::error()
        .with_message(message)
        .with_labels(vec![Label::primary((), range)]);
    if let Some(t) = tag {
        diagnostic = diagnostic.with_code(t);
    }
    let files = SimpleFile::new(file.name.as_str(), text.as_ref());
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let bytes = if color {
        let styles = styles();
        let mut buf = Ansi::new(Vec::new());
        let mut w = StylesWriter::new(&mut buf, &styles);
        term::emit_to_write_style(&mut w, &config, &files, &diagnostic).ok()?;
        buf.into_inner()
    } else {
        let mut w = NoColor::new(Vec::new());
        term::emit_to_write_style(&mut w, &config, &files, &diagnostic).ok()?;
        w.into_inner()
    };
    let mut out = spec_gutter(&String::from_utf8(bytes).ok()?);
    if clipped {
        // codespan located the span in the clipped text: put the real column back.
        // (In colour the arrow is followed by an escape sequence before the space.)
        let from = out
            .find("-->")
            .and_then(|a| out[a..].find(' ').map(|i| a + i + 1));
        if let Some(from) = from {
            let end = out[from..].find('\n').map_or(out.len(), |i| from + i);
            out.replace_range(from..end, &location(sources, span));
        }
    }
    Some(out)
}

/// Adapts codespan's layout to spec §9.7: the gutter lines under the `-->` line get one
/// more leading space (` 7 |` rather than `7 |`), and the empty line codespan ends a
/// diagnostic with is dropped (the trace follows directly).
fn spec_gutter(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut lines = text.lines();
    for line in lines.by_ref().take(2) {
        out.push_str(line);
        out.push('\n');
    }
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        out.push(' ');
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The byte range to underline: the span clipped to the end of its first line (spec
/// §9.7: "to the end of the line if the span continues on later lines"), at least one
/// character wide. `None` if the span does not fit the text.
fn caret_range(text: &str, lo: usize, hi: usize) -> Option<std::ops::Range<usize>> {
    if lo > text.len() || !text.is_char_boundary(lo) {
        return None;
    }
    let line = text[lo..].split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut end = lo + line.len();
    if hi < end && text.is_char_boundary(hi) {
        end = hi;
    }
    if end <= lo {
        end = lo + line.chars().next().map_or(0, char::len_utf8);
    }
    Some(lo..end)
}

/// Source lines longer than this many characters are shown as an excerpt.
const LONG_LINE: usize = 200;
/// Characters of a long line shown around the start of the span.
const EXCERPT: usize = 160;
/// Characters of the excerpt shown before the span's start.
const EXCERPT_LEFT: usize = 40;

/// The text to draw and the range to underline, with the span's line cut down to an
/// excerpt around the span (`...` marking the cuts) when it is longer than
/// [`LONG_LINE`] characters: a generated one-line program must not fill the terminal.
/// The other lines are kept, so line numbers do not change.
fn clip_long_line(
    text: &str,
    range: std::ops::Range<usize>,
) -> (std::borrow::Cow<'_, str>, std::ops::Range<usize>) {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.start..]
        .find('\n')
        .map_or(text.len(), |i| range.start + i);
    let line = &text[line_start..line_end];
    if line.chars().count() <= LONG_LINE {
        return (std::borrow::Cow::Borrowed(text), range);
    }
    // Character positions of the span within the line.
    let lo_char = text[line_start..range.start].chars().count();
    let hi_char = lo_char + text[range.start..range.end].chars().count();
    let first = lo_char.saturating_sub(EXCERPT_LEFT);
    let last = (first + EXCERPT).min(line.chars().count());
    let mut excerpt = String::new();
    if first > 0 {
        excerpt.push_str("...");
    }
    let shown_from = excerpt.len();
    let mut caret = shown_from..shown_from;
    for (i, c) in line.chars().enumerate().skip(first).take(last - first) {
        if i == lo_char {
            caret.start = excerpt.len();
        }
        excerpt.push(c);
        if i < hi_char {
            caret.end = excerpt.len();
        }
    }
    if last < line.chars().count() {
        excerpt.push_str("...");
    }
    let caret = caret.start..caret.end.max(caret.start + 1).min(excerpt.len());
    let clipped = format!("{}{excerpt}{}", &text[..line_start], &text[line_end..]);
    let caret = line_start + caret.start..line_start + caret.end;
    (std::borrow::Cow::Owned(clipped), caret)
}

/// Spec colours: bold red `error`, blue gutter, red carets.
fn styles() -> Styles {
    let blue = ColorSpec::new()
        .set_fg(Some(Color::Blue))
        .set_bold(true)
        .clone();
    let red = ColorSpec::new()
        .set_fg(Some(Color::Red))
        .set_bold(true)
        .clone();
    Styles {
        header_error: red.clone(),
        header_message: ColorSpec::new().set_bold(true).clone(),
        primary_label_error: red,
        line_number: blue.clone(),
        source_border: blue.clone(),
        note_bullet: blue,
        ..Styles::default()
    }
}

/// `FILE:LINE:COL` of the start of a span.
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

/// One line per frame, `  N: NAME  FILE:LINE:COL`, names padded to a common width;
/// consecutive identical frames arrive folded from the VM (`repeat`). Long traces show
/// the innermost 15 and the outermost 5 lines around `... N more frames ...`.
fn render_trace(out: &mut String, sources: &SourceMap, trace: &[TraceFrame], omitted: u64) {
    let total = trace.len();
    let elide = total > TRACE_MAX || omitted > 0;
    let (head, tail_start) = if elide {
        let head = TRACE_HEAD.min(total);
        (head, total.saturating_sub(TRACE_TAIL).max(head))
    } else {
        (total, total)
    };
    // Frame numbers count the frames the VM left out of `trace` too.
    let number = |i: usize| -> u64 {
        if i >= tail_start {
            i as u64 + omitted
        } else {
            i as u64
        }
    };
    let shown = || (0..head).chain(tail_start..total);
    let name_width = shown()
        .map(|i| trace[i].name.chars().count())
        .max()
        .unwrap_or(0);
    let index_width = shown().last().map_or(1, |i| number(i).to_string().len());
    let line = |out: &mut String, i: usize| {
        let t = &trace[i];
        let repeat = if t.repeat > 1 {
            format!(" (repeated {} times)", t.repeat)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:>iw$}: {:<nw$}  {}{repeat}",
            number(i),
            t.name,
            location(sources, t.span),
            iw = index_width,
            nw = name_width,
        );
    };
    for i in 0..head {
        line(out, i);
    }
    if elide {
        let hidden = (tail_start - head) as u64 + omitted;
        let _ = writeln!(out, "  ... {hidden} more frames ...");
    }
    for i in tail_start..total {
        line(out, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(name: &str, text: &str) -> (SourceMap, eta_compiler::FileId) {
        let mut map = SourceMap::new();
        let id = map.add(name, text);
        (map, id)
    }

    fn span_of(file: eta_compiler::FileId, text: &str, needle: &str) -> Span {
        let lo = text.find(needle).unwrap_or(0);
        let hi = lo + needle.len();
        let pos = |off: usize| {
            let before = &text[..off];
            let line = before.matches('\n').count() as u32 + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            eta_compiler::Pos { line, col }
        };
        Span {
            file,
            lo: lo as u32,
            hi: hi as u32,
            start: pos(lo),
            end: pos(hi),
        }
    }

    #[test]
    fn long_lines_are_shown_as_an_excerpt_around_the_span() {
        // A generated one-line program: the caret still points at the call.
        let text = format!("(list {} (car 5) {})\n", "1 ".repeat(300), "2 ".repeat(300));
        let (map, id) = sources("long.eta", &text);
        let span = span_of(id, &text, "(car 5)");
        let out = render(&map, None, "car: bad", Some(span), false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "  --> long.eta:1:608");
        let shown = format!(
            "...{} (car 5) {}...",
            &"1 ".repeat(20)[1..],
            &"2 ".repeat(60)[..112]
        );
        assert_eq!(lines[3], format!(" 1 | {shown}"));
        assert_eq!(lines[4], format!("   | {}^^^^^^^", " ".repeat(3 + 40)));
        assert_eq!(lines.len(), 5, "{out}");
        let coloured = render(&map, None, "car: bad", Some(span), true);
        assert!(coloured.contains("long.eta:1:608\n"), "{coloured}");
        // Short lines are untouched, and so is a span near the start of a long line.
        let text = format!("(car 5) {}\n", "1 ".repeat(300));
        let (map, id) = sources("start.eta", &text);
        let out = render(
            &map,
            None,
            "car: bad",
            Some(span_of(id, &text, "(car 5)")),
            false,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[3],
            format!(" 1 | (car 5) {}...", &"1 ".repeat(77)[..152])
        );
        assert_eq!(lines[4], "   | ^^^^^^^");
    }

    #[test]
    fn snippet_has_spec_layout() {
        let text = "(define (f x)\n  (car x))\n(f 42)\n";
        let (map, id) = sources("t.eta", text);
        let span = span_of(id, text, "(car x)");
        let out = render(
            &map,
            Some("runtime.type-error"),
            "car: bad",
            Some(span),
            false,
        );
        assert_eq!(
            out,
            "error[runtime.type-error]: car: bad\n  --> t.eta:2:3\n   |\n 2 |   (car x))\n   |   ^^^^^^^\n"
        );
    }

    #[test]
    fn multi_line_span_is_clipped_to_its_first_line() {
        let text = "(foo\n  bar)\n";
        let (map, id) = sources("t.eta", text);
        let span = span_of(id, text, "(foo\n  bar)");
        let out = render(&map, None, "boom", Some(span), false);
        assert!(out.ends_with(" 1 | (foo\n   | ^^^^\n"), "{out}");
    }

    #[test]
    fn span_without_source_falls_back_to_a_location_line() {
        let map = SourceMap::new();
        let mut span = Span::DUMMY;
        span.file = eta_compiler::FileId(7);
        span.start = eta_compiler::Pos { line: 3, col: 4 };
        let out = render(&map, None, "boom", Some(span), false);
        assert_eq!(out, "error: boom\n  --> ?:3:4\n");
    }

    fn frames(n: usize) -> Vec<TraceFrame> {
        (0..n)
            .map(|i| TraceFrame {
                name: format!("f{i}"),
                span: Span::DUMMY,
                repeat: 1,
            })
            .collect()
    }

    #[test]
    fn long_traces_keep_fifteen_inner_and_five_outer_frames() {
        let map = SourceMap::new();
        let mut out = String::new();
        render_trace(&mut out, &map, &frames(30), 0);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[15], "  ... 10 more frames ...");
        assert!(lines[16].starts_with("  25: f25"), "{}", lines[16]);
    }

    #[test]
    fn short_traces_are_shown_whole() {
        let map = SourceMap::new();
        let mut out = String::new();
        render_trace(&mut out, &map, &frames(3), 0);
        assert_eq!(
            out,
            "  0: f0  <unknown>\n  1: f1  <unknown>\n  2: f2  <unknown>\n"
        );
    }
}
