//! Judging a run: exit status and golden files (`NAME.out`, `NAME.stderr`,
//! `NAME.status`), blessing them on request, and readable diffs.

use crate::discover::{Case, Kind};
use crate::run::Output;
use std::fs;
use std::path::Path;

/// The outcome of checking one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything matched.
    Pass,
    /// Something did not: a one-line `summary` (used as the wishlist reason)
    /// and the full `details` (diffs, the script's stderr).
    Fail { summary: String, details: String },
}

/// How many lines of each side a diff shows before cutting.
const MAX_DIFF_LINES: usize = 60;

/// Checks `output` against what `case` expects. With `bless`, the golden
/// files the case owns are rewritten from `output` first (an abnormal end,
/// a timeout or a crash, is never blessed).
pub fn check(case: &Case, output: &Output, bless: bool) -> Verdict {
    if let Some(abnormal) = &output.abnormal {
        return fail(abnormal.clone(), stderr_section(output));
    }
    let status = output.status.unwrap_or(-1);
    let output = &normalised(case, output);
    if bless {
        if let Err(e) = bless_goldens(case, output, status) {
            return fail(format!("cannot bless golden files: {e}"), String::new());
        }
    }
    let mut failures: Vec<(String, String)> = Vec::new();

    let expected_status = match read_status(case) {
        Ok(s) => s,
        Err(e) => return fail(e, String::new()),
    };
    if status != expected_status {
        failures.push((
            format!(
                "exit status {status} (expected {expected_status}){}",
                first_line_of(&output.stderr)
            ),
            String::new(),
        ));
    }
    if case.kind == Kind::Diagnostic {
        compare_with_file(
            &case.sibling("stderr"),
            "stderr",
            &output.stderr,
            &mut failures,
        );
    }
    if case.kind == Kind::Tap {
        if let Some(line) = output.stdout.lines().find(|l| l.starts_with("not ok")) {
            failures.push((format!("TAP failure: {line}"), output.stdout.clone()));
        }
    }
    let out_file = case.sibling("out");
    if case.kind == Kind::Golden || out_file.is_file() {
        compare_with_file(&out_file, "stdout", &output.stdout, &mut failures);
    }

    if failures.is_empty() {
        return Verdict::Pass;
    }
    let summary = failures
        .iter()
        .map(|(s, _)| s.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut details = String::new();
    for (_, d) in &failures {
        details.push_str(d);
    }
    if case.kind != Kind::Diagnostic {
        details.push_str(&stderr_section(output));
    }
    fail(summary, details)
}

/// The output with the script's absolute directory replaced by `$DIR`, so
/// goldens that mention it (the module search path of `unknown module`) do
/// not depend on where the workspace is checked out.
fn normalised(case: &Case, output: &Output) -> Output {
    let mut output = output.clone();
    let Some(dir) = case.script.parent() else {
        return output;
    };
    // The interpreter may report the directory as given or with symlinks resolved.
    let mut spellings = vec![dir.to_path_buf()];
    spellings.extend(fs::canonicalize(dir).ok());
    for dir in spellings {
        let dir = dir.display().to_string();
        if !dir.is_empty() {
            output.stdout = output.stdout.replace(&dir, "$DIR");
            output.stderr = output.stderr.replace(&dir, "$DIR");
        }
    }
    output
}

fn fail(summary: String, details: String) -> Verdict {
    Verdict::Fail { summary, details }
}

/// The expected status: `NAME.status` if present, else the kind's default.
fn read_status(case: &Case) -> Result<i32, String> {
    let path = case.sibling("status");
    match fs::read_to_string(&path) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{}: not an exit status: {:?}", path.display(), text.trim())),
        Err(_) => Ok(case.default_status()),
    }
}

fn compare_with_file(path: &Path, what: &str, actual: &str, failures: &mut Vec<(String, String)>) {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match fs::read_to_string(path) {
        Err(e) => failures.push((
            format!("cannot read {file}: {e} (run with ETA_BLESS=1 to create it)"),
            format!("\n--- actual {what}\n{}", numbered(actual)),
        )),
        Ok(expected) => {
            if let Some(d) = diff(&expected, actual) {
                let first = d.lines().next().unwrap_or_default().to_string();
                let rest = d.split_once('\n').map(|(_, r)| r).unwrap_or_default();
                failures.push((
                    format!("{what} differs from {file}: {first}"),
                    format!("\n{what} differs from {file}:\n{rest}"),
                ));
            }
        }
    }
}

/// Rewrites the golden files from the actual output. Diagnostic tests own
/// their `.stderr`, `.status` (only when not the default) and `.out` (only
/// when there is output); other tests only refresh an existing `.out`.
fn bless_goldens(case: &Case, output: &Output, status: i32) -> std::io::Result<()> {
    let out = case.sibling("out");
    match case.kind {
        Kind::Diagnostic => {
            fs::write(case.sibling("stderr"), &output.stderr)?;
            let status_file = case.sibling("status");
            if status != case.default_status() {
                fs::write(&status_file, format!("{status}\n"))?;
            } else if status_file.is_file() {
                fs::remove_file(&status_file)?;
            }
            if !output.stdout.is_empty() || out.is_file() {
                fs::write(&out, &output.stdout)?;
            }
        }
        Kind::Assertion | Kind::Golden | Kind::Tap => {
            if out.is_file() {
                fs::write(&out, &output.stdout)?;
            }
        }
    }
    Ok(())
}

/// `None` when the texts are equal; otherwise a report naming the first
/// differing line (written with escapes, so whitespace differences show)
/// followed by a line diff with a little context.
pub fn diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let act: Vec<&str> = actual.split_inclusive('\n').collect();
    let index = exp
        .iter()
        .zip(&act)
        .position(|(e, a)| e != a)
        .unwrap_or(exp.len().min(act.len()));
    let show = |line: Option<&&str>| match line {
        Some(l) => format!("{l:?}"),
        None => "<end of output>".to_string(),
    };
    let mut report = format!(
        "first difference at line {}: expected {}, got {}\n",
        index + 1,
        show(exp.get(index)),
        show(act.get(index)),
    );
    if exp.len() * act.len() <= MAX_LCS_CELLS {
        report.push_str("(- expected, + actual)\n");
        report.push_str(&line_diff(&exp, &act));
    } else {
        report.push_str(&format!(
            "--- expected\n{}+++ actual\n{}",
            numbered(expected),
            numbered(actual)
        ));
    }
    Some(report)
}

/// Texts larger than this (lines x lines) are shown whole instead of diffed.
const MAX_LCS_CELLS: usize = 4_000_000;

/// Lines of context kept around each change in a line diff.
const CONTEXT: usize = 3;

/// A line diff from a longest-common-subsequence table: `- ` lines only in
/// `exp`, `+ ` lines only in `act`, and up to [`CONTEXT`] common lines
/// around each change (`  ...` marks the lines left out).
fn line_diff(exp: &[&str], act: &[&str]) -> String {
    let (n, m) = (exp.len(), act.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if exp[i] == act[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Each entry: (marker, line); ' ' marks a common line.
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && exp[i] == act[j] {
            ops.push((' ', exp[i]));
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', exp[i]));
            i += 1;
        } else {
            ops.push(('+', act[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let near_change = |k: usize| changed.iter().any(|&c| c.abs_diff(k) <= CONTEXT);
    let mut out = String::new();
    let mut skipping = false;
    for (k, (marker, line)) in ops.iter().enumerate() {
        if *marker == ' ' && !near_change(k) {
            if !skipping {
                out.push_str("  ...\n");
                skipping = true;
            }
            continue;
        }
        skipping = false;
        out.push(*marker);
        out.push(' ');
        out.push_str(line.strip_suffix('\n').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The text with line numbers, cut after [`MAX_DIFF_LINES`] lines.
fn numbered(text: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().take(MAX_DIFF_LINES).enumerate() {
        out.push_str(&format!("{:>4} | {line}\n", i + 1));
    }
    if lines.len() > MAX_DIFF_LINES {
        out.push_str(&format!(
            "     ... {} more lines\n",
            lines.len() - MAX_DIFF_LINES
        ));
    }
    if !text.is_empty() && !text.ends_with('\n') {
        out.push_str("     (no newline at end)\n");
    }
    if text.is_empty() {
        out.push_str("     (empty)\n");
    }
    out
}

fn stderr_section(output: &Output) -> String {
    if output.stderr.is_empty() {
        return String::new();
    }
    let mut section = String::from("\n--- stderr\n");
    for line in output.stderr.lines().take(MAX_DIFF_LINES) {
        section.push_str("    ");
        section.push_str(line);
        section.push('\n');
    }
    section
}

/// `": FIRST-LINE"` of a non-empty stderr, to make one-line summaries useful.
fn first_line_of(stderr: &str) -> String {
    match stderr.lines().next() {
        Some(line) if !line.trim().is_empty() => format!(": {}", truncate(line, 160)),
        _ => String::new(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(diff("a\nb\n", "a\nb\n"), None);
    }

    #[test]
    fn diff_names_first_differing_line() -> Result<(), String> {
        let d = diff("a\nb\nc\n", "a\nB\nc\n").ok_or("texts differ")?;
        let first = d.lines().next().ok_or("empty diff")?;
        assert_eq!(
            first,
            r#"first difference at line 2: expected "b\n", got "B\n""#
        );
        Ok(())
    }

    #[test]
    fn diff_reports_missing_final_newline() -> Result<(), String> {
        let d = diff("a\n", "a").ok_or("texts differ")?;
        assert!(d.starts_with(r#"first difference at line 1: expected "a\n", got "a""#));
        Ok(())
    }

    #[test]
    fn diff_shows_changed_lines_with_context() -> Result<(), String> {
        let expected = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let actual = "1\n2\n3\n4\n5\n6\n7\nx\n9\n";
        let d = diff(expected, actual).ok_or("texts differ")?;
        let body: Vec<&str> = d.lines().skip(2).collect();
        assert_eq!(body, ["  ...", "  5", "  6", "  7", "- 8", "+ x", "  9"]);
        Ok(())
    }

    #[test]
    fn diff_reports_extra_lines() -> Result<(), String> {
        let d = diff("a\n", "a\nb\n").ok_or("texts differ")?;
        assert!(d.starts_with(r#"first difference at line 2: expected <end of output>, got "b\n""#));
        Ok(())
    }
}
