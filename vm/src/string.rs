//! `EtaString`: a Unicode string indexed by character. ASCII strings (the common case)
//! index in O(1); other strings keep a sparse table of byte offsets so that `string-ref`
//! never scans more than a block of characters.

/// How many characters separate two entries of the offset table.
const BLOCK: usize = 32;

/// A mutable Unicode string with character indexing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EtaString {
    text: String,
    nchars: usize,
    /// Byte offset of every BLOCK-th character; empty for ASCII text.
    offsets: Vec<usize>,
}

impl EtaString {
    fn reindex(&mut self) {
        self.nchars = self.text.chars().count();
        self.offsets.clear();
        if self.nchars != self.text.len() {
            for (i, (b, _)) in self.text.char_indices().enumerate() {
                if i % BLOCK == 0 {
                    self.offsets.push(b);
                }
            }
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        self.nchars
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.nchars == 0
    }

    /// Byte offset of character `k` (`k <= len`).
    pub fn byte_offset(&self, k: usize) -> usize {
        if self.offsets.is_empty() || k >= self.nchars {
            return if k >= self.nchars { self.text.len() } else { k };
        }
        let start = self.offsets[k / BLOCK];
        let skip = k % BLOCK;
        self.text[start..]
            .char_indices()
            .nth(skip)
            .map(|(b, _)| start + b)
            .unwrap_or(self.text.len())
    }

    /// Character `k`, if in range.
    pub fn char_at(&self, k: usize) -> Option<char> {
        if k >= self.nchars {
            return None;
        }
        if self.offsets.is_empty() {
            return self.text.as_bytes().get(k).map(|b| *b as char);
        }
        self.text[self.byte_offset(k)..].chars().next()
    }

    /// Replaces character `k` (must be in range). Costs O(1) when the byte length of the
    /// character does not change, and a shift of the later block offsets otherwise.
    pub fn set_char(&mut self, k: usize, c: char) {
        let b = self.byte_offset(k);
        let e = self.byte_offset(k + 1);
        let mut buf = [0u8; 4];
        let enc = c.encode_utf8(&mut buf);
        let was_ascii = self.offsets.is_empty();
        self.text.replace_range(b..e, enc);
        if was_ascii {
            if !c.is_ascii() {
                self.reindex();
            }
            return;
        }
        let delta = enc.len() as isize - (e - b) as isize;
        if delta != 0 {
            for o in self.offsets.iter_mut().skip(k / BLOCK + 1) {
                *o = (*o as isize + delta) as usize;
            }
        }
    }

    /// The substring of characters `start..end` (must be in range).
    pub fn substring(&self, start: usize, end: usize) -> &str {
        &self.text[self.byte_offset(start)..self.byte_offset(end)]
    }

    /// Appends text.
    pub fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
        self.reindex();
    }

    /// Replaces the whole content.
    pub fn set(&mut self, s: String) {
        self.text = s;
        self.reindex();
    }
}

impl From<&str> for EtaString {
    fn from(s: &str) -> Self {
        EtaString::from(s.to_string())
    }
}

impl From<String> for EtaString {
    fn from(text: String) -> Self {
        let mut e = EtaString {
            text,
            nchars: 0,
            offsets: Vec::new(),
        };
        e.reindex();
        e
    }
}

impl crate::payload::Footprint for EtaString {
    fn footprint(&self) -> usize {
        self.text.capacity() + self.offsets.capacity() * std::mem::size_of::<usize>()
    }
}
