//! The hardened binary decoder (networking spec §7.4): a validating parser that treats
//! every message as hostile. It is iterative (an explicit stack of open lists and
//! vectors), checks every fixed-width field and every length against the bytes that
//! remain before allocating anything, and reports each problem with the byte offset.
//! It is generic over [`Build`], so the same parser makes VM heap values or plain
//! Rust trees.

use super::tag;
use super::MAGIC;
use crate::net::error::{too_big, WireError};
use crate::net::walk::MAX_DEPTH;

/// Makes values out of decoded pieces. The parser calls these in order of the bytes;
/// containers are assembled when they end, from the values already built.
pub trait Build {
    /// The value type built.
    type Out;
    /// `()`.
    fn nil(&mut self) -> Self::Out;
    /// `#t` or `#f`.
    fn boolean(&mut self, b: bool) -> Self::Out;
    /// An exact integer in the i64 range.
    fn int(&mut self, i: i64) -> Self::Out;
    /// An exact integer outside the i64 range (already checked to be canonical):
    /// sign and magnitude, least significant byte first.
    fn big(&mut self, negative: bool, magnitude_le: &[u8]) -> Self::Out;
    /// A flonum (bit pattern as received).
    fn float(&mut self, x: f64) -> Self::Out;
    /// A character.
    fn char(&mut self, c: char) -> Self::Out;
    /// A string.
    fn string(&mut self, s: &str) -> Self::Out;
    /// A symbol.
    fn symbol(&mut self, s: &str) -> Self::Out;
    /// A bytevector.
    fn bytevector(&mut self, b: &[u8]) -> Self::Out;
    /// A list of the (non-empty) `items` ending in `tail` (`()` for a proper list).
    fn list(&mut self, items: Vec<Self::Out>, tail: Self::Out) -> Self::Out;
    /// A vector.
    fn vector(&mut self, items: Vec<Self::Out>) -> Self::Out;
}

/// The most element slots reserved ahead of decoding them: a hostile count cannot make
/// the decoder allocate more than its input justifies.
const RESERVE_CAP: usize = 4096;

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl<'a> Cursor<'a> {
    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Takes a fixed-width field of `n` bytes named `what` (rule 5).
    fn field(&mut self, n: usize, what: &str) -> Result<&'a [u8], WireError> {
        let left = self.left();
        let end = self.pos.saturating_add(n);
        match self.bytes.get(self.pos..end) {
            Some(b) if n <= left => {
                self.pos = end;
                Ok(b)
            }
            _ => Err(WireError::new(format!(
                "truncated {what} at byte {} ({} needed, {left} left)",
                self.pos,
                plural(n, "byte")
            ))),
        }
    }

    fn u8(&mut self, what: &str) -> Result<u8, WireError> {
        let b = self.field(1, what)?;
        Ok(b.first().copied().unwrap_or(0))
    }

    fn u32(&mut self, what: &str) -> Result<u32, WireError> {
        let b = self.field(4, what)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_le_bytes(a))
    }

    fn u64(&mut self, what: &str) -> Result<u64, WireError> {
        let b = self.field(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// Reads a u32 length or count named `what` and checks it against the bytes that
    /// follow (rule 6): every counted unit needs at least one byte.
    fn count(&mut self, what: &str) -> Result<usize, WireError> {
        let at = self.pos;
        let n = self.u32(what)?;
        let left = self.left();
        match usize::try_from(n) {
            Ok(n) if n <= left => Ok(n),
            _ => Err(WireError::new(format!(
                "{what} {n} at byte {at} exceeds the {left} bytes that follow"
            ))),
        }
    }

    /// A length-prefixed UTF-8 text (string or symbol).
    fn text(&mut self, kind: &str) -> Result<&'a str, WireError> {
        let len = self.count(&format!("{kind} length"))?;
        let start = self.pos;
        let raw = self.field(len, kind)?;
        std::str::from_utf8(raw).map_err(|e| {
            WireError::new(format!(
                "invalid UTF-8 in {kind} at byte {}",
                start + e.valid_up_to()
            ))
        })
    }
}

enum Open<O> {
    /// A list: the cars read so far; `in_car` while the next value is a car.
    List {
        cars: Vec<O>,
        depth: usize,
        in_car: bool,
    },
    /// A vector: the elements read so far and how many are still to come.
    Vector {
        items: Vec<O>,
        left: usize,
        depth: usize,
    },
}

/// Parses a whole binary message (`EA` + one value) with `b`, enforcing §7.4 rules 1, 2
/// and 4–10. `max_size` is the size limit in bytes (`0` = unlimited).
///
/// ```
/// use eta_builtins::net::wire::{parse, tree::{Tree, TreeBuilder}};
/// let t = parse(&mut TreeBuilder, &[0xEA, 0x01], 0).unwrap();
/// assert_eq!(t, Tree::Bool(true));
/// assert_eq!(parse(&mut TreeBuilder, &[0xEA, 0x07], 0).unwrap_err().message(),
///            "unknown tag 0x07 at byte 1");
/// ```
pub fn parse<B: Build>(b: &mut B, bytes: &[u8], max_size: usize) -> Result<B::Out, WireError> {
    if max_size != 0 && bytes.len() > max_size {
        return Err(too_big(bytes.len() as u64, true, max_size));
    }
    match bytes.first() {
        None => return Err(WireError::new("empty message")),
        Some(&MAGIC) => {}
        Some(other) => {
            return Err(WireError::new(format!(
                "not a binary message (first byte 0x{other:02X})"
            )))
        }
    }
    let mut cur = Cursor { bytes, pos: 1 };
    let mut stack: Vec<Open<B::Out>> = Vec::new();
    loop {
        // Where the next value goes: its parent's depth, and whether it is a cdr.
        let (parent_depth, in_cdr) = match stack.last() {
            None => (0, false),
            Some(Open::List { depth, in_car, .. }) => (*depth, !*in_car),
            Some(Open::Vector { depth, .. }) => (*depth, false),
        };
        let at = cur.pos;
        let t = cur.u8("tag")?;
        let value = match t {
            tag::NIL => b.nil(),
            tag::TRUE => b.boolean(true),
            tag::FALSE => b.boolean(false),
            tag::INT => {
                let n = cur.u64("integer")?;
                b.int(n as i64)
            }
            tag::FLOAT => {
                let n = cur.u64("flonum")?;
                b.float(f64::from_bits(n))
            }
            tag::CHAR => {
                let field = cur.pos;
                let n = cur.u32("character")?;
                match char::from_u32(n) {
                    Some(c) => b.char(c),
                    None => {
                        return Err(WireError::new(format!(
                            "invalid character U+{n:04X} at byte {field}"
                        )))
                    }
                }
            }
            tag::STRING => {
                let s = cur.text("string")?;
                b.string(s)
            }
            tag::SYMBOL => {
                let s = cur.text("symbol")?;
                b.symbol(s)
            }
            tag::BYTEVECTOR => {
                let n = cur.count("bytevector length")?;
                let raw = cur.field(n, "bytevector")?;
                b.bytevector(raw)
            }
            tag::BIGNUM => {
                let sign = cur.u8("bignum sign")?;
                let n = cur.count("bignum length")?;
                let mag = cur.field(n, "bignum")?;
                if !canonical_big(sign, mag) {
                    return Err(WireError::new(format!(
                        "non-canonical integer at byte {at}"
                    )));
                }
                b.big(sign == 1, mag)
            }
            tag::PAIR => {
                if in_cdr {
                    // The next pair of the same list: no depth is added.
                    if let Some(Open::List { in_car, .. }) = stack.last_mut() {
                        *in_car = true;
                    }
                } else {
                    let depth = parent_depth + 1;
                    check_depth(depth, at)?;
                    stack.push(Open::List {
                        cars: Vec::new(),
                        depth,
                        in_car: true,
                    });
                }
                continue;
            }
            tag::VECTOR => {
                let depth = if in_cdr {
                    parent_depth
                } else {
                    parent_depth + 1
                };
                check_depth(depth, at)?;
                let n = cur.count("vector count")?;
                if n == 0 {
                    b.vector(Vec::new())
                } else {
                    stack.push(Open::Vector {
                        items: Vec::with_capacity(n.min(RESERVE_CAP)),
                        left: n,
                        depth,
                    });
                    continue;
                }
            }
            other => {
                return Err(WireError::new(format!(
                    "unknown tag 0x{other:02X} at byte {at}"
                )))
            }
        };
        // Deliver the value to its container, closing every container it completes.
        let mut v = value;
        loop {
            match stack.pop() {
                None => {
                    let left = cur.left();
                    if left > 0 {
                        return Err(WireError::new(format!(
                            "{} after the value at byte {}",
                            plural(left, "trailing byte"),
                            cur.pos
                        )));
                    }
                    return Ok(v);
                }
                Some(Open::List {
                    mut cars,
                    depth,
                    in_car: true,
                }) => {
                    cars.push(v);
                    stack.push(Open::List {
                        cars,
                        depth,
                        in_car: false,
                    });
                    break;
                }
                Some(Open::List { cars, .. }) => v = b.list(cars, v),
                Some(Open::Vector {
                    mut items,
                    left,
                    depth,
                }) => {
                    items.push(v);
                    if left > 1 {
                        stack.push(Open::Vector {
                            items,
                            left: left - 1,
                            depth,
                        });
                        break;
                    }
                    v = b.vector(items);
                }
            }
        }
    }
}

fn check_depth(depth: usize, at: usize) -> Result<(), WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::new(format!(
            "nesting deeper than {MAX_DEPTH} levels at byte {at}"
        )));
    }
    Ok(())
}

/// Rule 8: sign `00`/`01`, a non-empty magnitude whose last byte is non-zero, and a
/// value outside the i64 range.
fn canonical_big(sign: u8, mag: &[u8]) -> bool {
    if sign > 1 {
        return false;
    }
    match mag.last() {
        None | Some(0) => return false,
        Some(_) => {}
    }
    if mag.len() > 8 {
        return true;
    }
    if mag.len() < 8 {
        return false;
    }
    let mut a = [0u8; 8];
    a.copy_from_slice(mag);
    let m = u64::from_le_bytes(a);
    if sign == 0 {
        m > i64::MAX as u64
    } else {
        m > 1u64 << 63
    }
}
