//! The binary wire format (networking spec §7): `0xEA` then one tagged value, byte
//! compatible with the C++ Eta. Encoding walks the value iteratively
//! ([`super::walk`]); decoding is a hardened, iterative validating parser generic over a
//! [`Build`] trait, which builds heap values here ([`decode`]) and plain Rust trees
//! ([`tree::Tree`]) for tests and fuzzing. Also: heartbeat frames, the first-byte
//! classifier and the pub/sub topic name read from a message's first bytes (§4).

mod decode;
pub mod tree;

pub use decode::{parse, Build};

use super::error::WireError;
use super::walk::{walk, Emit};
use eta_vm::{Ctx, Value};
use num_bigint::{BigInt, Sign};
use num_traits::ToPrimitive;

/// First byte of every binary message.
pub const MAGIC: u8 = 0xEA;
/// First byte of a heartbeat frame.
pub const HEARTBEAT: u8 = 0xEB;
/// The heartbeat ping frame.
pub const PING: [u8; 2] = [0xEB, 0x00];
/// The heartbeat pong frame.
pub const PONG: [u8; 2] = [0xEB, 0x01];

/// Value tags (§7.1).
pub mod tag {
    /// `()`.
    pub const NIL: u8 = 0x00;
    /// `#t`.
    pub const TRUE: u8 = 0x01;
    /// Exact integer in the i64 range: 8 bytes little-endian.
    pub const INT: u8 = 0x02;
    /// Flonum: 8 bytes, IEEE-754 bits little-endian.
    pub const FLOAT: u8 = 0x03;
    /// Character: u32 code point.
    pub const CHAR: u8 = 0x04;
    /// String: u32 byte length, UTF-8 bytes.
    pub const STRING: u8 = 0x05;
    /// Symbol: u32 byte length, UTF-8 name.
    pub const SYMBOL: u8 = 0x06;
    /// Pair: car value, cdr value.
    pub const PAIR: u8 = 0x08;
    /// Vector: u32 count, elements.
    pub const VECTOR: u8 = 0x09;
    /// `#f`.
    pub const FALSE: u8 = 0x0C;
    /// Bytevector: u32 count, bytes.
    pub const BYTEVECTOR: u8 = 0x0D;
    /// Exact integer outside the i64 range (our extension): sign byte, u32 length,
    /// magnitude least significant byte first, minimal.
    pub const BIGNUM: u8 = 0x10;
}

/// The bit pattern every NaN is sent as.
pub const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;

/// What kind of frame a received message is, from its first bytes (§7.4 rule 3).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// Starts with `EA`: a binary value.
    Binary,
    /// Exactly `EB 00` (ping, `true`) or `EB 01` (pong, `false`).
    Heartbeat(bool),
    /// Anything else (including the empty message): the text format.
    Text,
}

impl Frame {
    /// Classifies a received message.
    pub fn of(bytes: &[u8]) -> Frame {
        match bytes {
            [MAGIC, ..] => Frame::Binary,
            [HEARTBEAT, 0x00] => Frame::Heartbeat(true),
            [HEARTBEAT, 0x01] => Frame::Heartbeat(false),
            _ => Frame::Text,
        }
    }
}

/// The binary emitter: appends to `out` until the size limit is passed, then only
/// counts.
pub(crate) struct Binary {
    out: Vec<u8>,
    size: u64,
    limit: u64,
    over: bool,
    /// Longest string/symbol/bytevector/vector the format holds (u32 lengths).
    max_len: u64,
}

impl Binary {
    pub(crate) fn new(max_size: usize) -> Self {
        Binary::with_max_len(max_size, u64::from(u32::MAX))
    }

    /// An emitter whose length limit is `max_len` (lowered by tests).
    pub(crate) fn with_max_len(max_size: usize, max_len: u64) -> Self {
        Binary {
            out: Vec::new(),
            size: 0,
            limit: max_size as u64,
            over: false,
            max_len,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        if self.over {
            return;
        }
        if self.limit != 0 && self.size > self.limit {
            self.over = true;
            self.out = Vec::new();
        } else {
            self.out.extend_from_slice(bytes);
        }
    }

    fn byte(&mut self, b: u8) {
        self.put(&[b]);
    }

    fn counted(&mut self, tag: u8, what: &str, unit: &str, len: usize) -> Result<(), String> {
        let len64 = len as u64;
        if len64 > self.max_len {
            return Err(format!(
                "{what} of {len} {unit} too long for the wire format"
            ));
        }
        let n = u32::try_from(len).map_err(|_| format!("{what} too long for the wire format"))?;
        let mut head = [tag, 0, 0, 0, 0];
        head[1..].copy_from_slice(&n.to_le_bytes());
        self.put(&head);
        Ok(())
    }

    fn text(&mut self, tag: u8, what: &str, s: &str) -> Result<(), String> {
        self.counted(tag, what, "bytes", s.len())?;
        self.put(s.as_bytes());
        Ok(())
    }

    fn int(&mut self, i: i64) {
        let mut b = [tag::INT, 0, 0, 0, 0, 0, 0, 0, 0];
        b[1..].copy_from_slice(&i.to_le_bytes());
        self.put(&b);
    }

    fn big(&mut self, n: &BigInt) -> Result<(), String> {
        if let Some(i) = n.to_i64() {
            self.int(i);
            return Ok(());
        }
        let (sign, mag) = n.to_bytes_le();
        let len = u32::try_from(mag.len())
            .map_err(|_| "integer too long for the wire format".to_string())?;
        let mut head = [tag::BIGNUM, u8::from(sign == Sign::Minus), 0, 0, 0, 0];
        head[2..].copy_from_slice(&len.to_le_bytes());
        self.put(&head);
        self.put(&mag);
        Ok(())
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.out
    }
}

impl Emit for Binary {
    fn atom(&mut self, v: Value<'_>) -> Result<(), String> {
        match v {
            Value::Nil => self.byte(tag::NIL),
            Value::Bool(true) => self.byte(tag::TRUE),
            Value::Bool(false) => self.byte(tag::FALSE),
            Value::Int(i) => self.int(i),
            Value::Big(b) => self.big(&b)?,
            Value::Float(x) => {
                let bits = if x.is_nan() {
                    CANONICAL_NAN
                } else {
                    x.to_bits()
                };
                let mut b = [tag::FLOAT, 0, 0, 0, 0, 0, 0, 0, 0];
                b[1..].copy_from_slice(&bits.to_le_bytes());
                self.put(&b);
            }
            Value::Char(c) => {
                let mut b = [tag::CHAR, 0, 0, 0, 0];
                b[1..].copy_from_slice(&u32::from(c).to_le_bytes());
                self.put(&b);
            }
            Value::Str(s) => self.text(tag::STRING, "string", s.text.borrow().as_str())?,
            Value::Sym(s) => self.text(tag::SYMBOL, "symbol", s.name())?,
            Value::Bytevector(b) => {
                let b = b.borrow();
                self.counted(tag::BYTEVECTOR, "bytevector", "bytes", b.len())?;
                self.put(&b);
            }
            // The walker only passes atoms.
            _ => return Err(format!("cannot send a {}", v.kind_name())),
        }
        Ok(())
    }

    fn pair(&mut self, _first: bool) {
        self.byte(tag::PAIR);
    }

    fn list_end(&mut self) {
        self.byte(tag::NIL);
    }

    fn tail_start(&mut self) {}

    fn tail_end(&mut self) {}

    fn vector_start(&mut self, len: usize) -> Result<(), String> {
        self.counted(tag::VECTOR, "vector", "elements", len)
    }

    fn vector_elem(&mut self, _index: usize) {}

    fn vector_end(&mut self) {}

    fn size(&self) -> u64 {
        self.size
    }

    fn over(&self) -> bool {
        self.over
    }
}

/// Encodes `v` as a binary message (`EA` + value). `max_size` is the socket's
/// `max-message-size` in bytes (`0` = unlimited).
///
/// `(send! sock '(task 7))` sends `EA 08 06 04 00 00 00 74 61 73 6B 08 02 07 ... 00`.
pub fn encode(v: Value<'_>, max_size: usize) -> Result<Vec<u8>, WireError> {
    let mut e = Binary::new(max_size);
    e.put(&[MAGIC]);
    walk(v, &mut e, max_size)?;
    Ok(e.finish())
}

/// Builds heap values in a VM.
struct Heap<'c, 'a, 'gc> {
    ctx: &'c mut Ctx<'a, 'gc>,
}

impl<'gc> Build for Heap<'_, '_, 'gc> {
    type Out = Value<'gc>;

    fn nil(&mut self) -> Value<'gc> {
        Value::Nil
    }
    fn boolean(&mut self, b: bool) -> Value<'gc> {
        Value::Bool(b)
    }
    fn int(&mut self, i: i64) -> Value<'gc> {
        Value::Int(i)
    }
    fn big(&mut self, negative: bool, magnitude_le: &[u8]) -> Value<'gc> {
        let sign = if negative { Sign::Minus } else { Sign::Plus };
        Value::integer(self.ctx.mc, BigInt::from_bytes_le(sign, magnitude_le))
    }
    fn float(&mut self, x: f64) -> Value<'gc> {
        Value::Float(x)
    }
    fn char(&mut self, c: char) -> Value<'gc> {
        Value::Char(c)
    }
    fn string(&mut self, s: &str) -> Value<'gc> {
        Value::string(self.ctx.mc, s)
    }
    fn symbol(&mut self, s: &str) -> Value<'gc> {
        self.ctx.sym(s)
    }
    fn bytevector(&mut self, b: &[u8]) -> Value<'gc> {
        Value::bytevector(self.ctx.mc, b.to_vec())
    }
    fn list(&mut self, items: Vec<Value<'gc>>, tail: Value<'gc>) -> Value<'gc> {
        Value::list_with_tail(self.ctx.mc, items.into_iter(), tail)
    }
    fn vector(&mut self, items: Vec<Value<'gc>>) -> Value<'gc> {
        Value::vector(self.ctx.mc, items)
    }
}

/// Decodes a binary message (starting with `EA`) into a fresh heap value, enforcing
/// every §7.4 rule; `max_size` is the receiving socket's `max-message-size`
/// (`0` = unlimited). Strings come out mutable, symbols interned (weakly, §7.4 rule 11).
pub fn decode<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    bytes: &[u8],
    max_size: usize,
) -> Result<Value<'gc>, WireError> {
    parse(&mut Heap { ctx }, bytes, max_size)
}

/// The topic name of a binary message (§4): the text of a string or symbol value, or of
/// the first element of a list starting with one, read from the first bytes
/// (`EA 05|06 len text` or `EA 08 05|06 len text`). `None` for anything else, including
/// a truncated name.
pub fn topic_name(bytes: &[u8]) -> Option<&[u8]> {
    let rest = match bytes {
        [MAGIC, tag::STRING | tag::SYMBOL, rest @ ..] => rest,
        [MAGIC, tag::PAIR, tag::STRING | tag::SYMBOL, rest @ ..] => rest,
        _ => return None,
    };
    let (len, text) = rest.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
    text.get(..len)
}

/// Whether a received message matches a subscription topic (§4): the empty topic
/// matches everything; a binary message matches when its topic name starts with the
/// topic's bytes; any other message when its raw bytes do.
pub fn topic_matches(msg: &[u8], topic: &[u8]) -> bool {
    if topic.is_empty() {
        return true;
    }
    match msg.first() {
        Some(&MAGIC) => topic_name(msg).is_some_and(|name| name.starts_with(topic)),
        _ => msg.starts_with(topic),
    }
}
