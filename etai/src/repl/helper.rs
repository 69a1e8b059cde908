//! The rustyline helper of the interactive REPL: Tab completion (identifiers visible in
//! the session, `std.*` module names after `(import `, `,commands` at the start of a
//! line) and highlighting of the bracket matching the one at the cursor. Both use a
//! light lexical scan that knows strings, comments, `|symbols|` and `#\(` characters;
//! whether an input is complete is decided by the real reader elsewhere.

use eta_compiler::env::{Env, ALIAS_MARK};
use rustyline::completion::Completer;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeSet;

/// REPL commands offered after `,` at the start of a line.
pub const COMMANDS: &[&str] = &[
    ",disasm", ",exit", ",expand", ",help", ",history", ",load", ",module", ",q", ",quit",
    ",reset", ",time",
];

/// Heads of import sets whose first operand is a module name.
const IMPORT_SET_HEADS: &[&str] = &["only", "except", "prefix", "rename"];

/// Completion and highlighting for the line editor.
pub struct EtaHelper {
    /// The scope whose names (and whose ancestors' names) complete identifiers.
    scope: Env,
    /// Module names offered after `(import `.
    modules: Vec<String>,
    /// Byte index of the bracket highlighted in the current line, if any.
    highlighted: Cell<Option<usize>>,
    /// Highlight escape sequence.
    style: &'static str,
}

impl EtaHelper {
    /// A helper completing names from `scope` and the given module names.
    pub fn new(scope: Env, modules: Vec<String>) -> EtaHelper {
        let style = if std::env::var_os("NO_COLOR").is_some() {
            "\x1b[1m"
        } else {
            "\x1b[1;34m"
        };
        EtaHelper {
            scope,
            modules,
            highlighted: Cell::new(None),
            style,
        }
    }

    /// Follows the session: new scope (`,module`, `,reset`) and known modules.
    pub fn update(&mut self, scope: Env, modules: Vec<String>) {
        self.scope = scope;
        self.modules = modules;
    }

    /// Names bound in the scope chain, without macro renames and internal `%` names.
    fn names(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut cur = Some(self.scope.clone());
        while let Some(s) = cur {
            if let Ok(vars) = s.vars.try_borrow() {
                for name in vars.keys() {
                    if !name.contains(ALIAS_MARK) && !name.starts_with('%') {
                        out.insert(name.to_string());
                    }
                }
            }
            cur = s.parent.clone();
        }
        out
    }

    /// Candidates for the text before the cursor: the byte offset where the completed
    /// word starts, and the replacements.
    pub fn candidates(&self, before: &str) -> (usize, Vec<String>) {
        let trimmed = before.trim_start();
        if trimmed.starts_with(',') && !trimmed.contains(char::is_whitespace) {
            let start = before.len() - trimmed.len();
            let found = COMMANDS
                .iter()
                .filter(|c| c.starts_with(trimmed))
                .map(|c| c.to_string())
                .collect();
            return (start, found);
        }
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_identifier_char(*c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        let word = &before[start..];
        if in_import_spec(&before[..start]) {
            let mut found: Vec<String> = self
                .modules
                .iter()
                .filter(|m| m.starts_with(word))
                .cloned()
                .collect();
            found.sort();
            found.dedup();
            return (start, found);
        }
        if word.is_empty() {
            return (start, Vec::new());
        }
        let found = self
            .names()
            .into_iter()
            .filter(|n| n.starts_with(word))
            .collect();
        (start, found)
    }
}

/// Characters that can be part of an identifier being typed.
fn is_identifier_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\'' | '`' | ',' | ';' | '|'
        )
}

/// A bracket outside strings, comments, `|symbols|` and character literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bracket {
    at: usize,
    open: bool,
}

/// The real brackets of `text`, in order.
fn brackets(text: &str) -> Vec<Bracket> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_delimited(bytes, i + 1, b'"'),
            b'|' => i = skip_delimited(bytes, i + 1, b'|'),
            b';' => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p + 1);
            }
            b'#' if bytes.get(i + 1) == Some(&b'|') => i = skip_block_comment(bytes, i + 2),
            b'#' if bytes.get(i + 1) == Some(&b'\\') => {
                // `#\(` is a character: skip the backslash and the (UTF-8) character.
                let mut j = i + 3;
                while j < bytes.len() && (bytes[j] & 0xC0) == 0x80 {
                    j += 1;
                }
                i = j;
            }
            b'(' | b'[' => {
                out.push(Bracket { at: i, open: true });
                i += 1;
            }
            b')' | b']' => {
                out.push(Bracket { at: i, open: false });
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Index after the closing `end` byte (backslash escapes honoured), or the end.
fn skip_delimited(bytes: &[u8], mut i: usize, end: u8) -> usize {
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i] == end {
            return i + 1;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Index after the `|#` closing a (nestable) block comment, or the end.
fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    while i < bytes.len() {
        if bytes[i] == b'|' && bytes.get(i + 1) == Some(&b'#') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else if bytes[i] == b'#' && bytes.get(i + 1) == Some(&b'|') {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Byte offsets of the brackets still open at the end of `text`, outermost first.
fn open_brackets(text: &str) -> Vec<usize> {
    let mut stack = Vec::new();
    for b in brackets(text) {
        if b.open {
            stack.push(b.at);
        } else {
            stack.pop();
        }
    }
    stack
}

/// Whether the word being typed after `before` is a module name of an import spec:
/// directly inside `(import ...`, or the first operand of `(only ...` and friends
/// inside an import.
fn in_import_spec(before: &str) -> bool {
    let open = open_brackets(before);
    let Some(&inner) = open.last() else {
        return false;
    };
    let words: Vec<&str> = before[inner + 1..].split_whitespace().collect();
    match words.first() {
        Some(&"import") => true,
        Some(head) if IMPORT_SET_HEADS.contains(head) && words.len() == 1 => open
            .len()
            .checked_sub(2)
            .and_then(|i| open.get(i))
            .is_some_and(|&outer| before[outer + 1..].split_whitespace().next() == Some("import")),
        _ => false,
    }
}

/// The bracket matching the one at `pos` (or just before it, for a closing bracket).
fn matching_bracket(line: &str, pos: usize) -> Option<usize> {
    let all = brackets(line);
    let mut partner = vec![None; all.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (k, b) in all.iter().enumerate() {
        if b.open {
            stack.push(k);
        } else if let Some(o) = stack.pop() {
            partner[o] = Some(all[k].at);
            partner[k] = Some(all[o].at);
        }
    }
    let find = |at: usize| all.iter().position(|b| b.at == at);
    if let Some(k) = find(pos) {
        return partner[k];
    }
    let k = find(pos.checked_sub(1)?)?;
    if all[k].open {
        None
    } else {
        partner[k]
    }
}

impl Completer for EtaHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let pos = pos.min(line.len());
        if !line.is_char_boundary(pos) {
            return Ok((pos, Vec::new()));
        }
        Ok(self.candidates(&line[..pos]))
    }
}

impl Highlighter for EtaHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        let Some(at) = self.highlighted.get() else {
            return Cow::Borrowed(line);
        };
        match line.get(at..at + 1) {
            Some(b @ ("(" | ")" | "[" | "]")) => {
                let mut s = String::with_capacity(line.len() + 12);
                s.push_str(&line[..at]);
                s.push_str(self.style);
                s.push_str(b);
                s.push_str("\x1b[0m");
                s.push_str(&line[at + 1..]);
                Cow::Owned(s)
            }
            _ => Cow::Borrowed(line),
        }
    }

    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        let before = self.highlighted.get();
        let now = if kind == CmdKind::ForcedRefresh {
            None
        } else {
            matching_bracket(line, pos)
        };
        self.highlighted.set(now);
        now.is_some() || before.is_some()
    }
}

impl Hinter for EtaHelper {
    type Hint = String;
}

impl Validator for EtaHelper {}

impl Helper for EtaHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_chars_and_comments_are_ignored() {
        let text = "(a \"(\" #\\( ; (\n #| ( |# |(| [b])";
        let found: Vec<usize> = brackets(text).iter().map(|b| b.at).collect();
        let expected: Vec<usize> = vec![
            0,
            text.find('[').unwrap_or(0),
            text.find(']').unwrap_or(0),
            text.len() - 1,
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn matching_bracket_under_and_after_the_cursor() {
        let line = "(f (g x))";
        assert_eq!(matching_bracket(line, 0), Some(8));
        assert_eq!(matching_bracket(line, 9), Some(0));
        assert_eq!(matching_bracket(line, 8), Some(0));
        assert_eq!(matching_bracket(line, 5), None);
    }

    #[test]
    fn import_positions() {
        assert!(in_import_spec("(import "));
        assert!(in_import_spec("(import std.io "));
        assert!(in_import_spec("(import (only "));
        assert!(!in_import_spec("(import (only std.io "));
        assert!(!in_import_spec("(display "));
        assert!(!in_import_spec("(display \"(import \" "));
    }
}
