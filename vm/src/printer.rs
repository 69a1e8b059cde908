//! The printer: `display` and `write` text for every value (spec §8). Iterative, so deep
//! structures never touch the native stack limit; cycles are printed with datum labels.

use crate::value::Value;
use gc_arena::Gc;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Printing mode.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Human-readable (`display`).
    Display,
    /// Readable back (`write`): labels for cycles only.
    Write,
    /// `write-shared`: labels for every shared pair, vector or string.
    Shared,
    /// `write-simple`: no labels at all.
    Simple,
}

/// `write` text of `v`.
pub fn write_string(v: Value<'_>) -> String {
    print(v, Mode::Write, usize::MAX)
}

/// `display` text of `v`.
pub fn display_string(v: Value<'_>) -> String {
    print(v, Mode::Display, usize::MAX)
}

/// `write` text cut to about `limit` characters (with `...`).
pub fn write_truncated(v: Value<'_>, limit: usize) -> String {
    print(v, Mode::Write, limit)
}

/// Text of a flonum per spec §8.2.
pub fn format_flonum(x: f64) -> String {
    if x.is_nan() {
        "+nan.0".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "+inf.0".into()
        } else {
            "-inf.0".into()
        }
    } else {
        format!("{x:?}")
    }
}

fn heap_key(v: Value<'_>) -> Option<usize> {
    match v {
        Value::Pair(p) => Some(Gc::as_ptr(p) as usize),
        Value::Vector(p) => Some(Gc::as_ptr(p) as *const u8 as usize),
        Value::Str(p) => Some(Gc::as_ptr(p) as *const u8 as usize),
        Value::Record(p) => Some(Gc::as_ptr(p) as *const u8 as usize),
        Value::HashMap(p) | Value::HashSet(p) => Some(Gc::as_ptr(p) as *const u8 as usize),
        _ => None,
    }
}

/// Children of a container, for the cycle search.
fn children<'gc>(v: Value<'gc>, out: &mut Vec<Value<'gc>>) {
    match v {
        Value::Pair(p) => {
            out.push(p.cdr.get());
            out.push(p.car.get());
        }
        Value::Vector(vec) => out.extend(vec.borrow().iter().rev().copied()),
        Value::Record(r) => out.extend(r.fields.borrow().iter().rev().copied()),
        Value::Values(vs) => out.extend(vs.iter().rev().copied()),
        Value::HashMap(m) => {
            let start = out.len();
            for (k, v) in m.entries() {
                out.push(k);
                out.push(v);
            }
            out[start..].reverse();
        }
        Value::HashSet(m) => {
            let start = out.len();
            out.extend(m.entries().into_iter().map(|(k, _)| k));
            out[start..].reverse();
        }
        _ => {}
    }
}

/// Finds the objects that need a datum label: those on a cycle (`Write`/`Display`) or
/// reached more than once (`Shared`). Iterative depth-first search.
fn find_labels(root: Value<'_>, mode: Mode) -> HashMap<usize, Option<usize>> {
    let mut labels = HashMap::new();
    if mode == Mode::Simple {
        return labels;
    }
    // state: 1 = on the current path (gray), 2 = finished (black)
    let mut state: HashMap<usize, u8> = HashMap::new();
    enum Step<'gc> {
        Enter(Value<'gc>),
        Leave(usize),
    }
    let mut stack = vec![Step::Enter(root)];
    let mut kids = Vec::new();
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(k) => {
                state.insert(k, 2);
            }
            Step::Enter(v) => {
                let Some(k) = heap_key(v) else {
                    if let Value::Values(_) = v {
                        kids.clear();
                        children(v, &mut kids);
                        stack.extend(kids.drain(..).map(Step::Enter));
                    }
                    continue;
                };
                match state.get(&k) {
                    Some(1) => {
                        labels.insert(k, None);
                        continue;
                    }
                    Some(_) => {
                        if mode == Mode::Shared {
                            labels.insert(k, None);
                        }
                        continue;
                    }
                    None => {}
                }
                if mode == Mode::Shared {
                    state.insert(k, 2);
                } else {
                    state.insert(k, 1);
                    stack.push(Step::Leave(k));
                }
                kids.clear();
                children(v, &mut kids);
                stack.extend(kids.drain(..).map(Step::Enter));
            }
        }
    }
    labels
}

struct Printer {
    out: String,
    mode: Mode,
    limit: usize,
    labels: HashMap<usize, Option<usize>>,
    next_label: usize,
}

enum Task<'gc> {
    Val(Value<'gc>),
    Text(&'static str),
    Owned(String),
    /// The rest of a list after its first element.
    Rest(Value<'gc>),
    /// Remaining vector elements starting at an index.
    VecFrom(Value<'gc>, usize),
}

impl Printer {
    /// Emits a label definition or reference; returns true if the value was a reference
    /// (and so must not be printed again).
    fn label(&mut self, v: Value<'_>) -> bool {
        let Some(k) = heap_key(v) else { return false };
        match self.labels.get(&k).copied() {
            None => false,
            Some(Some(n)) => {
                let _ = write!(self.out, "#{n}#");
                true
            }
            Some(None) => {
                let n = self.next_label;
                self.next_label += 1;
                self.labels.insert(k, Some(n));
                let _ = write!(self.out, "#{n}=");
                false
            }
        }
    }

    fn is_labelled(&self, v: Value<'_>) -> bool {
        heap_key(v).is_some_and(|k| self.labels.contains_key(&k))
    }

    fn run(&mut self, root: Value<'_>) {
        let mut tasks = vec![Task::Val(root)];
        while let Some(t) = tasks.pop() {
            if self.out.len() > self.limit {
                break;
            }
            match t {
                Task::Text(s) => self.out.push_str(s),
                Task::Owned(s) => self.out.push_str(&s),
                Task::Rest(v) => match v {
                    Value::Nil => self.out.push(')'),
                    Value::Pair(p) if !self.is_labelled(v) => {
                        self.out.push(' ');
                        tasks.push(Task::Rest(p.cdr.get()));
                        tasks.push(Task::Val(p.car.get()));
                    }
                    _ => {
                        self.out.push_str(" . ");
                        tasks.push(Task::Text(")"));
                        tasks.push(Task::Val(v));
                    }
                },
                Task::VecFrom(v, i) => {
                    if let Value::Vector(vec) = v {
                        let items = vec.borrow();
                        if i >= items.len() {
                            self.out.push(')');
                        } else {
                            if i > 0 {
                                self.out.push(' ');
                            }
                            tasks.push(Task::VecFrom(v, i + 1));
                            tasks.push(Task::Val(items[i]));
                        }
                    }
                }
                Task::Val(v) => {
                    if self.label(v) {
                        continue;
                    }
                    match v {
                        Value::Pair(p) => {
                            self.out.push('(');
                            tasks.push(Task::Rest(p.cdr.get()));
                            tasks.push(Task::Val(p.car.get()));
                        }
                        Value::Vector(_) => {
                            self.out.push_str("#(");
                            tasks.push(Task::VecFrom(v, 0));
                        }
                        Value::Record(r) => {
                            let fields = r.fields.borrow();
                            let _ = write!(self.out, "#<{}", r.rtype.short_name());
                            tasks.push(Task::Text(">"));
                            for (i, name) in r.rtype.fields.iter().enumerate().rev() {
                                if let Some(f) = fields.get(i) {
                                    tasks.push(Task::Val(*f));
                                    tasks.push(Task::Owned(format!(" {name}=")));
                                }
                            }
                        }
                        Value::HashMap(m) => {
                            self.out.push_str("#hashmap{");
                            tasks.push(Task::Text("}"));
                            for (i, (k, v)) in m.entries().into_iter().enumerate().rev() {
                                tasks.push(Task::Val(v));
                                tasks.push(Task::Text(" "));
                                tasks.push(Task::Val(k));
                                if i > 0 {
                                    tasks.push(Task::Text(", "));
                                }
                            }
                        }
                        Value::HashSet(m) => {
                            self.out.push_str("#hashset{");
                            tasks.push(Task::Text("}"));
                            for (i, (k, _)) in m.entries().into_iter().enumerate().rev() {
                                tasks.push(Task::Val(k));
                                if i > 0 {
                                    tasks.push(Task::Text(" "));
                                }
                            }
                        }
                        Value::Values(vs) => {
                            self.out.push_str("#<values");
                            tasks.push(Task::Text(">"));
                            for x in vs.iter().rev() {
                                tasks.push(Task::Val(*x));
                                tasks.push(Task::Text(" "));
                            }
                        }
                        Value::Condition(c) => {
                            let _ = write!(self.out, "#<condition {}", c.tag.name());
                            tasks.push(Task::Text(">"));
                            match &c.error {
                                Some(info) => {
                                    self.out.push(' ');
                                    if self.mode == Mode::Display {
                                        self.out.push_str(&info.message);
                                    } else {
                                        write_string_literal(&mut self.out, &info.message);
                                    }
                                }
                                None => {
                                    tasks.push(Task::Val(c.payload));
                                    tasks.push(Task::Text(" "));
                                }
                            }
                        }
                        _ => self.atom(v),
                    }
                }
            }
        }
        if self.out.len() > self.limit {
            let mut cut = self.limit.min(self.out.len());
            while !self.out.is_char_boundary(cut) {
                cut -= 1;
            }
            self.out.truncate(cut);
            self.out.push_str("...");
        }
    }

    fn atom(&mut self, v: Value<'_>) {
        let write = self.mode != Mode::Display;
        match v {
            Value::Nil => self.out.push_str("()"),
            Value::Bool(true) => self.out.push_str("#t"),
            Value::Bool(false) => self.out.push_str("#f"),
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::Big(b) => {
                let _ = write!(self.out, "{}", *b);
            }
            Value::Float(x) => self.out.push_str(&format_flonum(x)),
            Value::Char(c) => {
                if write {
                    write_char_literal(&mut self.out, c);
                } else {
                    self.out.push(c);
                }
            }
            Value::Str(s) => {
                let text = s.text.borrow();
                if write {
                    write_string_literal(&mut self.out, text.as_str());
                } else {
                    self.out.push_str(text.as_str());
                }
            }
            Value::Sym(s) => {
                if write {
                    write_symbol(&mut self.out, s.name());
                } else {
                    self.out.push_str(s.name());
                }
            }
            Value::Bytevector(b) => {
                self.out.push_str("#u8(");
                for (i, x) in b.borrow().iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    let _ = write!(self.out, "{x}");
                }
                self.out.push(')');
            }
            Value::Closure(c) => match &c.proto.proto.name {
                Some(n) => {
                    let _ = write!(self.out, "#<procedure {n}>");
                }
                None => self.out.push_str("#<procedure>"),
            },
            Value::Native(n) => {
                let _ = write!(self.out, "#<procedure {}>", n.name);
            }
            Value::Continuation(_) => self.out.push_str("#<continuation>"),
            Value::Parameter(p) => match &p.name {
                Some(n) => {
                    let _ = write!(self.out, "#<parameter {n}>");
                }
                None => self.out.push_str("#<parameter>"),
            },
            Value::Promise(_) => self.out.push_str("#<promise>"),
            Value::Eof => self.out.push_str("#<eof>"),
            Value::Unspecified | Value::Undefined => self.out.push_str("#<unspecified>"),
            Value::Cell(_) => self.out.push_str("#<cell>"),
            Value::RecordType(t) => {
                let _ = write!(self.out, "#<record-type {}>", t.short_name());
            }
            Value::Foreign(f) => self.out.push_str(&f.0.print()),
            Value::Pair(_) | Value::Vector(_) | Value::Record(_) | Value::Values(_) => {}
            Value::Condition(_) | Value::HashMap(_) | Value::HashSet(_) => {}
        }
    }
}

/// Prints `v` in `mode`, stopping after about `limit` bytes.
pub fn print(v: Value<'_>, mode: Mode, limit: usize) -> String {
    let labels = match v {
        Value::Pair(_)
        | Value::Vector(_)
        | Value::Record(_)
        | Value::Values(_)
        | Value::HashMap(_)
        | Value::HashSet(_) => find_labels(v, mode),
        _ => HashMap::new(),
    };
    let mut p = Printer {
        out: String::new(),
        mode,
        limit,
        labels,
        next_label: 0,
    };
    p.run(v);
    p.out
}

/// Writes a character in `#\` notation.
pub fn write_char_literal(out: &mut String, c: char) {
    let name = match c {
        ' ' => "space",
        '\n' => "newline",
        '\t' => "tab",
        '\r' => "return",
        '\0' => "null",
        '\x07' => "alarm",
        '\x08' => "backspace",
        '\x7f' => "delete",
        '\x1b' => "escape",
        _ => "",
    };
    out.push_str("#\\");
    if !name.is_empty() {
        out.push_str(name);
    } else if c.is_control() || (c.is_whitespace() && c != ' ') {
        let _ = write!(out, "x{:x}", c as u32);
    } else {
        out.push(c);
    }
}

/// Writes a string literal with escapes.
pub fn write_string_literal(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether a symbol name needs `|...|` to read back as the same symbol.
pub fn symbol_needs_bars(name: &str) -> bool {
    if name.is_empty() || name == "." || name == "Nil" || name.starts_with('#') {
        return true;
    }
    if name.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '(' | ')' | '[' | ']' | '"' | ';' | '\'' | '`' | ',' | '|' | '{' | '}' | '\\'
            )
    }) {
        return true;
    }
    !eta_compiler::reads_as_symbol(name)
}

/// Writes a symbol, bar-quoted if needed.
pub fn write_symbol(out: &mut String, name: &str) {
    if symbol_needs_bars(name) {
        write_barred_symbol(out, name);
    } else {
        out.push_str(name);
    }
}

/// Writes a symbol in `|...|` form, escaping bars, backslashes and control characters.
pub fn write_barred_symbol(out: &mut String, name: &str) {
    out.push('|');
    for c in name.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('|');
}
