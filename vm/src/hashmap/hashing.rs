//! `hash`: a deterministic 64-bit hash of a key, consistent with `equal?` (equal values
//! hash equal). No random seed, so the result is stable from run to run for a given etai
//! version. The walk is iterative; only the first [`MIX_LIMIT`] nodes of a structure are
//! mixed into the hash (equal structures have equal prefixes), while the rest is still
//! visited — with a cycle check — to reject unhashable parts.

use crate::value::Value;
use gc_arena::Gc;
use std::collections::HashSet;

/// How many nodes of a key are mixed into its hash.
const MIX_LIMIT: usize = 1024;

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;
const SEED: u64 = 0x243F_6A88_85A3_08D3;

// Kind tags, so that e.g. the string "a" and the symbol a hash differently.
const T_NIL: u64 = 1;
const T_FALSE: u64 = 2;
const T_TRUE: u64 = 3;
const T_INT: u64 = 4;
const T_BIG: u64 = 5;
const T_FLOAT: u64 = 6;
const T_CHAR: u64 = 7;
const T_STR: u64 = 8;
const T_SYM: u64 = 9;
const T_PAIR: u64 = 10;
const T_VECTOR: u64 = 11;
const T_BYTES: u64 = 12;
const T_RECORD: u64 = 13;

/// A small word-at-a-time mixing state with a fixed key.
struct Mixer(u64);

impl Mixer {
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(26) ^ w).wrapping_mul(MUL);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.word(b.len() as u64);
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w));
        }
    }

    /// The final avalanche (the MurmurHash3 64-bit finaliser).
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 33;
        h
    }
}

/// The hash of `v`, or `None` if `v` is not an allowed key (it contains a procedure, a
/// port, a hash map, ...). Allowed: booleans, numbers, characters, strings, symbols, `()`,
/// and pairs, vectors, bytevectors and records built from allowed keys.
pub fn hash(v: Value<'_>) -> Option<u64> {
    let mut m = Mixer(SEED);
    // Atoms (the usual keys) need no work list.
    if !matches!(v, Value::Pair(_) | Value::Vector(_) | Value::Record(_)) {
        mix_atom(&mut m, v)?;
        return Some(m.finish());
    }
    let mut stack = vec![v];
    let mut visited = 0usize;
    // Containers already walked past the mixing limit: stops cycles.
    let mut seen: HashSet<usize> = HashSet::new();
    while let Some(x) = stack.pop() {
        visited += 1;
        let mix = visited <= MIX_LIMIT;
        let first_visit = |seen: &mut HashSet<usize>, p: usize| mix || seen.insert(p);
        match x {
            Value::Pair(p) => {
                if first_visit(&mut seen, Gc::as_ptr(p) as usize) {
                    if mix {
                        m.word(T_PAIR);
                    }
                    stack.push(p.cdr.get());
                    stack.push(p.car.get());
                }
            }
            Value::Vector(vec) => {
                if first_visit(&mut seen, Gc::as_ptr(vec) as *const u8 as usize) {
                    let items = vec.borrow();
                    if mix {
                        m.word(T_VECTOR);
                        m.word(items.len() as u64);
                    }
                    stack.extend(items.iter().rev().copied());
                }
            }
            Value::Record(r) => {
                if first_visit(&mut seen, Gc::as_ptr(r) as *const u8 as usize) {
                    if mix {
                        m.word(T_RECORD);
                        m.bytes(r.rtype.name.as_bytes());
                    }
                    stack.extend(r.fields.borrow().iter().rev().copied());
                }
            }
            atom => {
                if mix {
                    mix_atom(&mut m, atom)?;
                } else if !atom.is_atomic_datum() {
                    return None;
                }
            }
        }
    }
    Some(m.finish())
}

/// Mixes a non-container value; `None` if it is not an allowed key.
fn mix_atom(m: &mut Mixer, v: Value<'_>) -> Option<()> {
    match v {
        Value::Nil => m.word(T_NIL),
        Value::Bool(b) => m.word(if b { T_TRUE } else { T_FALSE }),
        Value::Int(i) => {
            m.word(T_INT);
            m.word(i as u64);
        }
        Value::Big(b) => {
            m.word(T_BIG);
            m.bytes(&b.to_signed_bytes_le());
        }
        Value::Float(f) => {
            m.word(T_FLOAT);
            m.word(f.to_bits());
        }
        Value::Char(c) => {
            m.word(T_CHAR);
            m.word(c as u64);
        }
        Value::Str(s) => {
            m.word(T_STR);
            m.bytes(s.text.borrow().as_str().as_bytes());
        }
        Value::Sym(s) => {
            m.word(T_SYM);
            m.bytes(s.name().as_bytes());
        }
        Value::Bytevector(b) => {
            m.word(T_BYTES);
            m.bytes(&b.borrow());
        }
        _ => return None,
    }
    Some(())
}
