//! Source positions: files registered in a [`SourceMap`], and the [`Span`] every datum,
//! compile error and bytecode instruction carries.

use std::rc::Rc;

/// Identifies a source file inside a [`SourceMap`]. Id 0 means "no file" (synthetic code).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default, bincode::Encode, bincode::Decode)]
pub struct FileId(pub u32);

/// A line/column position; both 1-based, columns counted in Unicode scalar values.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    bincode::Encode,
    bincode::Decode,
)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// A half-open source range: byte offsets `lo..hi` into the file text plus the
/// corresponding line/column positions (end exclusive).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default, bincode::Encode, bincode::Decode)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub lo: u32,
    /// Byte offset one past the last byte.
    pub hi: u32,
    /// Position of the first character.
    pub start: Pos,
    /// Position just after the last character.
    pub end: Pos,
}

impl Span {
    /// A span that points nowhere (synthetic code).
    pub const DUMMY: Span = Span {
        file: FileId(0),
        lo: 0,
        hi: 0,
        start: Pos { line: 0, col: 0 },
        end: Pos { line: 0, col: 0 },
    };

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// True for [`Span::DUMMY`]-like spans that carry no location.
    pub fn is_dummy(&self) -> bool {
        self.start.line == 0
    }
}

/// One registered source file.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (as given on the command line, `<repl>`, `<eval>`...).
    pub name: String,
    /// The full text.
    pub text: Rc<str>,
}

/// All source files known to one VM; file ids are indexes + 1. Internal files (the
/// prelude) get ids with the top bit set so user files are numbered from 1.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    hidden: Vec<SourceFile>,
}

const HIDDEN_BIT: u32 = 1 << 31;

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file and returns its id (ids start at 1).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Rc<str>>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        FileId(self.files.len() as u32)
    }

    /// Registers an internal file (not counted in user file ids).
    pub fn add_hidden(&mut self, name: impl Into<String>, text: impl Into<Rc<str>>) -> FileId {
        self.hidden.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        FileId(HIDDEN_BIT | self.hidden.len() as u32)
    }

    /// The file with this id, if any.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        if id.0 == 0 {
            None
        } else if id.0 & HIDDEN_BIT != 0 {
            self.hidden.get((id.0 & !HIDDEN_BIT) as usize - 1)
        } else {
            self.files.get(id.0 as usize - 1)
        }
    }

    /// The display name of a file (`"?"` for unknown ids).
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("?")
    }

    /// Number of registered files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file is registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
