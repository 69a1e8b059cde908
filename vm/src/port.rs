//! Ports: standard streams, string and bytevector ports, and file ports. A port is a
//! foreign heap object (no GC pointers inside) with interior mutability; closing it
//! drops its data. The procedures that use ports live in the builtins crate.

use crate::value::{Foreign, ForeignObj, Value};
use gc_arena::{Gc, Mutation};
use std::cell::RefCell;
use std::fs::File;
use std::io::BufWriter;
use std::sync::{Arc, Mutex};

/// A file opened for writing. It is shared with the host's registry of open output
/// files ([`crate::Host::flush_all`]) so that `exit` can flush it; the port owns the
/// only strong reference, so closing or collecting the port closes the file.
pub type FileSink = Arc<Mutex<BufWriter<File>>>;

/// Text being read: the characters not consumed yet start at byte offset `pos`.
#[derive(Default)]
pub struct TextIn {
    /// The text (for standard input: what has been read from the process so far).
    pub text: String,
    /// Byte offset of the next character.
    pub pos: usize,
}

impl TextIn {
    /// Text input over a whole string.
    pub fn new(text: String) -> Self {
        TextIn { text, pos: 0 }
    }

    /// The characters not consumed yet.
    pub fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// The next character, without consuming it.
    pub fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Consumes and returns the next character.
    pub fn read_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes `n` bytes (clamped to what is left).
    pub fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.text.len());
    }

    /// Consumes a line: the characters up to a line feed, which is removed along with a
    /// carriage return just before it. `None` when nothing is left.
    pub fn read_line(&mut self) -> Option<String> {
        let rest = self.rest();
        if rest.is_empty() {
            return None;
        }
        let (line, used) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        let line = if used > line.len() {
            line.strip_suffix('\r').unwrap_or(line)
        } else {
            line
        };
        let line = line.to_string();
        self.advance(used);
        Some(line)
    }

    /// Consumes up to `k` characters; `None` when nothing is left (and `k > 0`).
    pub fn read_chars(&mut self, k: usize) -> Option<String> {
        let rest = self.rest();
        if rest.is_empty() && k > 0 {
            return None;
        }
        let end = rest.char_indices().nth(k).map_or(rest.len(), |(i, _)| i);
        let s = rest[..end].to_string();
        self.advance(end);
        Some(s)
    }

    /// Number of characters left (stops counting at `limit`).
    pub fn chars_left(&self, limit: usize) -> usize {
        self.rest().chars().take(limit).count()
    }

    /// Appends text (standard input), first dropping the consumed prefix.
    pub fn append(&mut self, more: &str) {
        if self.pos > 0 {
            self.text.drain(..self.pos);
            self.pos = 0;
        }
        self.text.push_str(more);
    }
}

/// Bytes being read: the bytes not consumed yet start at index `pos`.
#[derive(Default)]
pub struct BytesIn {
    /// The bytes.
    pub data: Vec<u8>,
    /// Index of the next byte.
    pub pos: usize,
}

impl BytesIn {
    /// The bytes not consumed yet.
    pub fn rest(&self) -> &[u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }
}

/// What a port reads from or writes to.
pub enum PortData {
    /// The process's standard output (buffered in the VM host).
    Stdout,
    /// The process's standard error (unbuffered).
    Stderr,
    /// The process's standard input, read lazily as it becomes available.
    Stdin {
        /// Text read from the process and not consumed yet.
        buf: TextIn,
        /// True once the process's standard input reported end of file.
        eof: bool,
        /// Bytes of a UTF-8 sequence cut by the last read, waiting for the rest.
        partial: Vec<u8>,
    },
    /// Accumulates text (`open-output-string`).
    StringOut(String),
    /// Reads text: a string port or a textual input file (read fully on open).
    StringIn(TextIn),
    /// Accumulates bytes (`open-output-bytevector`).
    BytesOut(Vec<u8>),
    /// Reads bytes: a bytevector port or a binary input file (read fully on open).
    BytesIn(BytesIn),
    /// A file opened for writing (textual or binary).
    FileOut(FileSink),
}

/// A port object.
pub struct Port {
    /// Its data, or `None` once closed.
    pub data: RefCell<Option<PortData>>,
    /// Input (true) or output.
    pub input: bool,
    /// Textual (true) or binary.
    pub textual: bool,
    /// Name for printing: `stdin`, `string`, `bytevector`, or a file path written as
    /// a string literal (`"log.txt"`).
    pub name: String,
}

impl Foreign for Port {
    fn kind_name(&self) -> &'static str {
        "port"
    }
    fn print(&self) -> String {
        let dir = if self.input {
            "input-port"
        } else {
            "output-port"
        };
        let closed = if self.is_open() { "" } else { " (closed)" };
        format!("#<{dir} {}{closed}>", self.name)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Port {
    /// Makes a port value.
    pub fn new_value<'gc>(
        mc: &Mutation<'gc>,
        data: PortData,
        input: bool,
        textual: bool,
        name: &str,
    ) -> Value<'gc> {
        let p = Port {
            data: RefCell::new(Some(data)),
            input,
            textual,
            name: name.to_string(),
        };
        Value::Foreign(Gc::new(mc, ForeignObj(Box::new(p))))
    }

    /// The port inside a value, if it is one.
    pub fn from_value<'a>(v: &'a Value<'_>) -> Option<&'a Port> {
        match v {
            Value::Foreign(f) => f.0.as_any().downcast_ref::<Port>(),
            _ => None,
        }
    }

    /// False once the port has been closed.
    pub fn is_open(&self) -> bool {
        self.data.borrow().is_some()
    }
}
