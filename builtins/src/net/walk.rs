//! The walk shared by both encoders (networking spec §7.3, §8.1): it visits a value in
//! print order with an explicit stack, enforces the sendability rules (kinds, cycles,
//! the depth limit, `max-message-size`) with the exact error texts and PATHs, and drives
//! an [`Emit`] implementation that writes the bytes of one format.
//!
//! Cycle detection is linear: every pair and vector on the current path — the spine
//! pairs already walked of each list being written, and each vector being written — is
//! in a pointer set; meeting one of them again is a cycle. A spine's pairs leave the set
//! when its list is finished, so shared (acyclic) substructure is written once per
//! occurrence. Depth counts containers entered through a car or a vector element; a cdr
//! (including a vector in the tail of an improper list) adds none.

use super::error::{too_big, WireError};
use eta_vm::{article, Pair, Value};
use gc_arena::{Gc, RefLock};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// Deepest container nesting accepted on either side of the wire.
pub const MAX_DEPTH: usize = 10_000;

/// Walk steps allowed after the size limit was passed, to report the exact size of
/// ordinary messages without letting a huge shared DAG run for ever.
const COUNT_BUDGET: u64 = 1 << 24;

/// Paths longer than this many segments are shown with their middle elided.
const PATH_SEGMENTS_SHOWN: usize = 16;

/// One output format. Every method only appends (or, once over the size limit, only
/// counts); the walker decides what is sendable.
pub(crate) trait Emit {
    /// Whether the format writes the empty list with brackets that a reader counts as
    /// one more nesting level (the text format's `()`), so that it may not sit deeper
    /// than [`MAX_DEPTH`] either.
    const NIL_NESTS: bool = false;
    /// Writes an atom: `()`, a boolean, an integer, a flonum, a character, a string, a
    /// symbol or a bytevector. `Err(text)` when the format cannot hold it (too long).
    fn atom(&mut self, v: Value<'_>) -> Result<(), String>;
    /// Starts a pair: the first of a list (`first`) or a later one.
    fn pair(&mut self, first: bool);
    /// Ends a proper list.
    fn list_end(&mut self);
    /// Starts the final cdr of an improper list.
    fn tail_start(&mut self);
    /// Ends an improper list after its final cdr.
    fn tail_end(&mut self);
    /// Starts a vector of `len` elements; `Err(text)` when the format cannot hold it.
    fn vector_start(&mut self, len: usize) -> Result<(), String>;
    /// Before element `index` of a vector.
    fn vector_elem(&mut self, index: usize);
    /// Ends a vector.
    fn vector_end(&mut self);
    /// Bytes of the message so far (also counted once over the limit).
    fn size(&self) -> u64;
    /// True once the size limit has been passed (the emitter then only counts).
    fn over(&self) -> bool;
}

/// A hasher for pointer keys: one multiplication, no DoS concern (keys are addresses).
#[derive(Default)]
pub(crate) struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = ((n as u64) >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 ^= self.0 >> 29;
    }
}

type PtrSet = HashSet<usize, BuildHasherDefault<PtrHasher>>;

/// Sets kept with their capacity for the next walk on this thread (growing a fresh
/// table for every message was a third of the cost of encoding a long list).
const KEPT_CAPACITY: usize = 1 << 16;

thread_local! {
    static SPARE_SET: std::cell::RefCell<Option<PtrSet>> = const { std::cell::RefCell::new(None) };
}

fn take_set() -> PtrSet {
    SPARE_SET
        .try_with(|s| s.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn give_back_set(mut set: PtrSet) {
    if set.capacity() <= KEPT_CAPACITY {
        set.clear();
        let _ = SPARE_SET.try_with(|s| *s.borrow_mut() = Some(set));
    }
}

fn pair_key(p: Gc<'_, Pair<'_>>) -> usize {
    Gc::as_ptr(p) as usize
}

fn vector_key(v: Gc<'_, RefLock<eta_vm::Tracked<Vec<Value<'_>>>>>) -> usize {
    Gc::as_ptr(v) as *const u8 as usize
}

enum ListState {
    /// The car of the current pair is next.
    Car,
    /// Inside the car of the current pair; its cdr is next.
    Cdr,
    /// Inside the final cdr of an improper list.
    Tail,
}

enum Kind<'gc> {
    List {
        start: Gc<'gc, Pair<'gc>>,
        cur: Gc<'gc, Pair<'gc>>,
        /// Spine pairs in the path set (from `start`).
        count: usize,
        /// Index of the current pair's car in the list.
        index: usize,
        state: ListState,
    },
    Vector {
        vec: Gc<'gc, RefLock<eta_vm::Tracked<Vec<Value<'gc>>>>>,
        /// Index of the next element.
        next: usize,
    },
}

struct Frame<'gc> {
    depth: usize,
    kind: Kind<'gc>,
}

struct Walker<'gc> {
    stack: Vec<Frame<'gc>>,
    on_path: PtrSet,
}

impl<'gc> Walker<'gc> {
    /// The PATH of the value being entered, with `extra` appended (`[i]` for a cdr that
    /// closes a cycle).
    fn path(&self, extra: Option<usize>) -> String {
        let mut segs: Vec<String> = Vec::with_capacity(self.stack.len() + 1);
        for f in &self.stack {
            segs.push(match &f.kind {
                Kind::List {
                    state: ListState::Tail,
                    ..
                } => ".tail".to_string(),
                Kind::List { index, .. } => format!("[{index}]"),
                Kind::Vector { next, .. } => format!("[{}]", next.saturating_sub(1)),
            });
        }
        if let Some(i) = extra {
            // The cycle-closing cdr replaces the current element of the innermost list.
            segs.pop();
            segs.push(format!("[{i}]"));
        }
        let mut out = String::from("message");
        if segs.len() > 2 * PATH_SEGMENTS_SHOWN {
            for s in &segs[..PATH_SEGMENTS_SHOWN] {
                out.push_str(s);
            }
            out.push_str("...");
            for s in &segs[segs.len() - PATH_SEGMENTS_SHOWN..] {
                out.push_str(s);
            }
        } else {
            for s in &segs {
                out.push_str(s);
            }
        }
        out
    }

    fn circular(&self, extra: Option<usize>) -> WireError {
        WireError::new(format!(
            "cannot send a circular structure (at {})",
            self.path(extra)
        ))
    }

    fn too_deep(&self) -> WireError {
        WireError::new(format!(
            "structure nested deeper than {MAX_DEPTH} levels (at {})",
            self.path(None)
        ))
    }

    /// Checks a container about to be entered and puts it on the path.
    fn check_container(&mut self, key: usize, depth: usize) -> Result<(), WireError> {
        if depth > MAX_DEPTH && !self.on_path.contains(&key) {
            return Err(self.too_deep());
        }
        if !self.on_path.insert(key) {
            return Err(self.circular(None));
        }
        Ok(())
    }

    /// Writes `v`, a value at the current position whose container depth (if it is a
    /// container) is `depth`; containers push a frame instead of recursing.
    fn enter<E: Emit>(&mut self, v: Value<'gc>, depth: usize, e: &mut E) -> Result<(), WireError> {
        match v {
            Value::Pair(p) => {
                let key = pair_key(p);
                self.check_container(key, depth)?;
                e.pair(true);
                self.stack.push(Frame {
                    depth,
                    kind: Kind::List {
                        start: p,
                        cur: p,
                        count: 1,
                        index: 0,
                        state: ListState::Car,
                    },
                });
                Ok(())
            }
            Value::Vector(vec) => {
                let key = vector_key(vec);
                self.check_container(key, depth)?;
                let len = vec.borrow().len();
                e.vector_start(len)
                    .map_err(|m| WireError::new(format!("{m} (at {})", self.path(None))))?;
                self.stack.push(Frame {
                    depth,
                    kind: Kind::Vector { vec, next: 0 },
                });
                Ok(())
            }
            Value::Nil if E::NIL_NESTS && depth > MAX_DEPTH => Err(self.too_deep()),
            v if v.is_atomic_datum() => e
                .atom(v)
                .map_err(|m| WireError::new(format!("{m} (at {})", self.path(None)))),
            other => Err(WireError::new(format!(
                "cannot send {} (at {})",
                article(other.kind_name()),
                self.path(None)
            ))),
        }
    }

    /// Removes a finished list's spine from the path set.
    fn unmark_spine(&mut self, start: Gc<'gc, Pair<'gc>>, count: usize) {
        let mut cur = start;
        for i in 0..count {
            self.on_path.remove(&pair_key(cur));
            if i + 1 < count {
                match cur.cdr.get() {
                    Value::Pair(p) => cur = p,
                    _ => break,
                }
            }
        }
    }

    /// One step of the walk: advances the innermost container. `false` when done.
    fn step<E: Emit>(&mut self, e: &mut E) -> Result<bool, WireError> {
        let Some(top) = self.stack.last_mut() else {
            return Ok(false);
        };
        let depth = top.depth;
        match &mut top.kind {
            Kind::List {
                cur,
                state: state @ ListState::Car,
                ..
            } => {
                *state = ListState::Cdr;
                let car = cur.car.get();
                self.enter(car, depth + 1, e)?;
            }
            Kind::List {
                start,
                cur,
                count,
                index,
                state: state @ ListState::Cdr,
            } => match cur.cdr.get() {
                Value::Nil => {
                    let (start, count) = (*start, *count);
                    e.list_end();
                    self.stack.pop();
                    self.unmark_spine(start, count);
                }
                Value::Pair(p) => {
                    if !self.on_path.insert(pair_key(p)) {
                        let next = *index + 1;
                        return Err(self.circular(Some(next)));
                    }
                    *cur = p;
                    *count += 1;
                    *index += 1;
                    *state = ListState::Car;
                    e.pair(false);
                }
                other => {
                    *state = ListState::Tail;
                    e.tail_start();
                    self.enter(other, depth, e)?;
                }
            },
            Kind::List {
                start,
                count,
                state: ListState::Tail,
                ..
            } => {
                let (start, count) = (*start, *count);
                e.tail_end();
                self.stack.pop();
                self.unmark_spine(start, count);
            }
            Kind::Vector { vec, next } => {
                let vec = *vec;
                let item = vec.borrow().get(*next).copied();
                match item {
                    Some(item) => {
                        e.vector_elem(*next);
                        *next += 1;
                        self.enter(item, depth + 1, e)?;
                    }
                    None => {
                        e.vector_end();
                        self.stack.pop();
                        self.on_path.remove(&vector_key(vec));
                    }
                }
            }
        }
        Ok(true)
    }
}

/// Walks `root`, emitting it through `e`, with every §7.3 rule enforced. `max_size` is
/// the message size limit in bytes (`0` = unlimited); the emitter stops writing once
/// it is passed, and the walk goes on counting for a bounded number of steps so the
/// error can give the exact size.
pub(crate) fn walk<'gc, E: Emit>(
    root: Value<'gc>,
    e: &mut E,
    max_size: usize,
) -> Result<(), WireError> {
    let mut w = Walker {
        stack: Vec::new(),
        on_path: take_set(),
    };
    let mut counted = 0u64;
    let mut result = w.enter(root, 1, e);
    while result.is_ok() {
        if e.over() {
            counted += 1;
            if counted > COUNT_BUDGET {
                return Err(too_big(e.size(), false, max_size));
            }
        }
        match w.step(e) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => result = Err(err),
        }
    }
    give_back_set(w.on_path);
    if e.over() {
        return Err(too_big(e.size(), result.is_ok(), max_size));
    }
    result
}
