//! Turning byte offsets into line/column positions.
//!
//! The reader asks for positions in increasing order, so a cursor that only walks
//! forward converts every offset in linear total time, even on one very long line
//! (a text-format message). Columns count characters, as spec §2.12 requires.

use crate::span::{FileId, Pos, Span};

/// A byte offset with its line/column position; the parser's location type.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Loc {
    /// Byte offset into the text.
    pub off: u32,
    /// 1-based line and character column.
    pub pos: Pos,
}

impl Loc {
    /// The span from `lo` to `hi` in `file`.
    pub fn span_to(self, hi: Loc, file: FileId) -> Span {
        Span {
            file,
            lo: self.off,
            hi: hi.off,
            start: self.pos,
            end: hi.pos,
        }
    }
}

/// Converts a usize to u32, saturating (texts over 4 GiB get clamped offsets).
pub(crate) fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A forward-walking offset -> position converter over one text.
#[derive(Clone, Debug)]
pub(crate) struct LineCursor<'a> {
    text: &'a str,
    /// Where line 1, column 1 is (after a byte-order mark).
    origin: usize,
    off: usize,
    line: u32,
    col: u32,
}

impl<'a> LineCursor<'a> {
    /// A cursor whose line 1, column 1 is at byte `origin`.
    pub fn new(text: &'a str, origin: usize) -> Self {
        LineCursor {
            text,
            origin,
            off: origin,
            line: 1,
            col: 1,
        }
    }

    /// The location of byte `off` (clamped to the text and to a character boundary).
    pub fn loc(&mut self, off: usize) -> Loc {
        let mut target = off.min(self.text.len()).max(self.origin);
        while !self.text.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.off {
            // Only error paths look backwards; restarting is fine there.
            self.off = self.origin;
            self.line = 1;
            self.col = 1;
        }
        if let Some(between) = self.text.get(self.off..target) {
            for c in between.chars() {
                if c == '\n' {
                    self.line = self.line.saturating_add(1);
                    self.col = 1;
                } else {
                    self.col = self.col.saturating_add(1);
                }
            }
            self.off = target;
        }
        Loc {
            off: clamp_u32(target),
            pos: Pos {
                line: self.line,
                col: self.col,
            },
        }
    }

    /// The span of bytes `lo..hi`.
    pub fn span(&mut self, lo: usize, hi: usize, file: FileId) -> Span {
        let lo = self.loc(lo);
        let hi = self.loc(hi.max(lo.off as usize));
        lo.span_to(hi, file)
    }
}
