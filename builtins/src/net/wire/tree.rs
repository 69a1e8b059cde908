//! A plain Rust tree of wire values, built by the decoder without a VM: used by unit
//! tests and by the `wire_decode` fuzz target, which checks that every accepted message
//! re-encodes ([`encode_tree`]) to exactly its own bytes. Dropping, comparing and
//! encoding are iterative, so deep trees never touch the native stack limit.

use super::decode::Build;
use super::{tag, MAGIC};

/// A decoded wire value.
#[derive(Debug)]
pub enum Tree {
    /// `()`.
    Nil,
    /// `#t` / `#f`.
    Bool(bool),
    /// Exact integer in the i64 range.
    Int(i64),
    /// Exact integer outside the i64 range: sign and minimal little-endian magnitude.
    Big {
        /// True when negative.
        negative: bool,
        /// Magnitude, least significant byte first.
        magnitude: Vec<u8>,
    },
    /// Flonum (compared by bit pattern).
    Float(f64),
    /// Character.
    Char(char),
    /// String.
    Str(String),
    /// Symbol.
    Sym(String),
    /// A non-empty list: its elements and, for an improper list, its final cdr.
    List {
        /// The cars along the spine.
        items: Vec<Tree>,
        /// The final cdr when it is not `()`.
        tail: Option<Box<Tree>>,
    },
    /// Vector.
    Vector(Vec<Tree>),
    /// Bytevector.
    Bytevector(Vec<u8>),
}

impl Tree {
    /// Moves this node's children into `out`, leaving it childless.
    fn take_children(&mut self, out: &mut Vec<Tree>) {
        match self {
            Tree::List { items, tail } => {
                out.append(items);
                if let Some(t) = tail.take() {
                    out.push(*t);
                }
            }
            Tree::Vector(items) => out.append(items),
            _ => {}
        }
    }

    /// A proper list.
    pub fn list(items: Vec<Tree>) -> Tree {
        if items.is_empty() {
            Tree::Nil
        } else {
            Tree::List { items, tail: None }
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        self.take_children(&mut pending);
        while let Some(mut t) = pending.pop() {
            t.take_children(&mut pending);
        }
    }
}

impl PartialEq for Tree {
    fn eq(&self, other: &Tree) -> bool {
        let mut work: Vec<(&Tree, &Tree)> = vec![(self, other)];
        while let Some((a, b)) = work.pop() {
            let same = match (a, b) {
                (Tree::Nil, Tree::Nil) => true,
                (Tree::Bool(x), Tree::Bool(y)) => x == y,
                (Tree::Int(x), Tree::Int(y)) => x == y,
                (
                    Tree::Big {
                        negative: n1,
                        magnitude: m1,
                    },
                    Tree::Big {
                        negative: n2,
                        magnitude: m2,
                    },
                ) => n1 == n2 && m1 == m2,
                (Tree::Float(x), Tree::Float(y)) => x.to_bits() == y.to_bits(),
                (Tree::Char(x), Tree::Char(y)) => x == y,
                (Tree::Str(x), Tree::Str(y)) | (Tree::Sym(x), Tree::Sym(y)) => x == y,
                (Tree::Bytevector(x), Tree::Bytevector(y)) => x == y,
                (
                    Tree::List {
                        items: i1,
                        tail: t1,
                    },
                    Tree::List {
                        items: i2,
                        tail: t2,
                    },
                ) => {
                    if i1.len() != i2.len() {
                        return false;
                    }
                    match (t1, t2) {
                        (None, None) => {}
                        (Some(x), Some(y)) => work.push((x, y)),
                        _ => return false,
                    }
                    work.extend(i1.iter().zip(i2.iter()));
                    true
                }
                (Tree::Vector(i1), Tree::Vector(i2)) => {
                    if i1.len() != i2.len() {
                        return false;
                    }
                    work.extend(i1.iter().zip(i2.iter()));
                    true
                }
                _ => false,
            };
            if !same {
                return false;
            }
        }
        true
    }
}

/// Builds [`Tree`]s.
pub struct TreeBuilder;

impl Build for TreeBuilder {
    type Out = Tree;

    fn nil(&mut self) -> Tree {
        Tree::Nil
    }
    fn boolean(&mut self, b: bool) -> Tree {
        Tree::Bool(b)
    }
    fn int(&mut self, i: i64) -> Tree {
        Tree::Int(i)
    }
    fn big(&mut self, negative: bool, magnitude_le: &[u8]) -> Tree {
        Tree::Big {
            negative,
            magnitude: magnitude_le.to_vec(),
        }
    }
    fn float(&mut self, x: f64) -> Tree {
        Tree::Float(x)
    }
    fn char(&mut self, c: char) -> Tree {
        Tree::Char(c)
    }
    fn string(&mut self, s: &str) -> Tree {
        Tree::Str(s.to_string())
    }
    fn symbol(&mut self, s: &str) -> Tree {
        Tree::Sym(s.to_string())
    }
    fn bytevector(&mut self, b: &[u8]) -> Tree {
        Tree::Bytevector(b.to_vec())
    }
    fn list(&mut self, items: Vec<Tree>, tail: Tree) -> Tree {
        let tail = match tail {
            Tree::Nil => None,
            t => Some(Box::new(t)),
        };
        Tree::List { items, tail }
    }
    fn vector(&mut self, items: Vec<Tree>) -> Tree {
        Tree::Vector(items)
    }
}

fn counted(out: &mut Vec<u8>, t: u8, len: usize) {
    out.push(t);
    out.extend_from_slice(&(len as u32).to_le_bytes());
}

/// Encodes a tree as a binary message exactly as the value encoder would (flonums keep
/// their bit pattern, so a decoded tree re-encodes to the bytes it came from). Lengths
/// beyond u32 are not checked: trees come from the decoder or from tests.
pub fn encode_tree(t: &Tree) -> Vec<u8> {
    enum Task<'a> {
        Val(&'a Tree),
        Byte(u8),
    }
    let mut out = vec![MAGIC];
    let mut work = vec![Task::Val(t)];
    while let Some(task) = work.pop() {
        let t = match task {
            Task::Byte(b) => {
                out.push(b);
                continue;
            }
            Task::Val(t) => t,
        };
        match t {
            Tree::Nil => out.push(tag::NIL),
            Tree::Bool(true) => out.push(tag::TRUE),
            Tree::Bool(false) => out.push(tag::FALSE),
            Tree::Int(i) => {
                out.push(tag::INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Tree::Big {
                negative,
                magnitude,
            } => {
                out.push(tag::BIGNUM);
                out.push(u8::from(*negative));
                out.extend_from_slice(&(magnitude.len() as u32).to_le_bytes());
                out.extend_from_slice(magnitude);
            }
            Tree::Float(x) => {
                out.push(tag::FLOAT);
                out.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            Tree::Char(c) => {
                out.push(tag::CHAR);
                out.extend_from_slice(&u32::from(*c).to_le_bytes());
            }
            Tree::Str(s) => {
                counted(&mut out, tag::STRING, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            Tree::Sym(s) => {
                counted(&mut out, tag::SYMBOL, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            Tree::Bytevector(b) => {
                counted(&mut out, tag::BYTEVECTOR, b.len());
                out.extend_from_slice(b);
            }
            Tree::List { items, tail } => {
                // 08 item0 08 item1 ... 08 itemN tail, pushed in reverse.
                match tail {
                    Some(t) => work.push(Task::Val(t)),
                    None => work.push(Task::Byte(tag::NIL)),
                }
                for item in items.iter().rev() {
                    work.push(Task::Val(item));
                    work.push(Task::Byte(tag::PAIR));
                }
            }
            Tree::Vector(items) => {
                counted(&mut out, tag::VECTOR, items.len());
                for item in items.iter().rev() {
                    work.push(Task::Val(item));
                }
            }
        }
    }
    out
}
