//! Ports: standard streams, string ports and byte ports. A port is a foreign heap object
//! (no GC pointers inside) with interior mutability.

use crate::value::{Foreign, ForeignObj, Value};
use gc_arena::{Gc, Mutation};
use std::cell::RefCell;

/// What a port reads from or writes to.
pub enum PortData {
    /// The process's standard output (buffered in the VM host).
    Stdout,
    /// The process's standard error (unbuffered).
    Stderr,
    /// The process's standard input, with a buffer of not-yet-consumed text.
    Stdin(String),
    /// Accumulates text.
    StringOut(String),
    /// Reads text from a string; `pos` is a byte offset.
    StringIn {
        /// The text.
        text: String,
        /// Byte offset of the next character.
        pos: usize,
    },
    /// Accumulates bytes.
    BytesOut(Vec<u8>),
    /// Reads bytes.
    BytesIn {
        /// The bytes.
        data: Vec<u8>,
        /// Next byte index.
        pos: usize,
    },
    /// A file opened for writing.
    FileOut(std::io::BufWriter<std::fs::File>),
    /// A file opened for reading (read fully on open).
    FileIn {
        /// Contents.
        data: Vec<u8>,
        /// Next byte index.
        pos: usize,
    },
}

/// A port object.
pub struct Port {
    /// Its data, or `None` once closed.
    pub data: RefCell<Option<PortData>>,
    /// Input (true) or output.
    pub input: bool,
    /// Textual (true) or binary.
    pub textual: bool,
    /// Name for printing (`stdin`, `string`, `"log.txt"`).
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
        let closed = if self.data.borrow().is_none() {
            " (closed)"
        } else {
            ""
        };
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
}
