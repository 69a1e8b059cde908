//! Persistent, insertion-ordered hash maps (`#hashmap{...}`), also used for hash sets.
//!
//! A map is two persistent AVL trees (see [`avl`]) sharing structure between versions:
//! * `by_hash`: key hash → bucket of entries `(key, value, seq)` (a bucket holds more than
//!   one entry only on a 64-bit hash collision); used for lookups.
//! * `by_seq`: insertion sequence number → `(key, value)`; used for ordered iteration.
//!
//! Every new key takes the next sequence number, replacing a value keeps the key's number
//! (and so its position), removal deletes it from both trees. Each update therefore costs
//! O(log n) new nodes and leaves the previous version untouched.
//!
//! Keys are compared with `equal?` ([`crate::equal::equal`]) and hashed with [`hash`];
//! callers pass the hash in, so that an unhashable key is reported with their own name.

pub mod avl;
pub mod hashing;

use crate::equal::equal;
use crate::value::Value;
use avl::Link;
use gc_arena::{Collect, Gc, Mutation};

pub use hashing::hash;

/// One entry of the hash index.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub struct Entry<'gc> {
    /// The key.
    pub key: Value<'gc>,
    /// The value.
    pub value: Value<'gc>,
    /// Insertion sequence number (position in iteration order).
    pub seq: u64,
}

/// The entries whose keys share one hash.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub struct Bucket<'gc> {
    /// The first entry.
    first: Entry<'gc>,
    /// Further entries on a hash collision (rare); immutable once built.
    rest: Option<Gc<'gc, Vec<Entry<'gc>>>>,
}

impl<'gc> Bucket<'gc> {
    fn find(&self, key: Value<'gc>) -> Option<Entry<'gc>> {
        if equal(self.first.key, key) {
            return Some(self.first);
        }
        self.rest
            .and_then(|r| r.iter().find(|e| equal(e.key, key)).copied())
    }

    fn entries(&self) -> impl Iterator<Item = Entry<'gc>> + '_ {
        std::iter::once(self.first).chain(
            self.rest
                .into_iter()
                .flat_map(|r| Gc::as_ref(r).iter().copied()),
        )
    }

    /// The bucket with `e` in place of the entry whose key is `equal?` to `e.key`, or
    /// with `e` added.
    fn with(&self, mc: &Mutation<'gc>, e: Entry<'gc>) -> Bucket<'gc> {
        let mut all: Vec<Entry<'gc>> = self.entries().collect();
        match all.iter_mut().find(|x| equal(x.key, e.key)) {
            Some(slot) => *slot = e,
            None => all.push(e),
        }
        Bucket::from_vec(mc, all).unwrap_or(Bucket {
            first: e,
            rest: None,
        })
    }

    /// The bucket without the entry for `key`; `None` if it becomes empty.
    fn without(&self, mc: &Mutation<'gc>, key: Value<'gc>) -> Option<Bucket<'gc>> {
        let all: Vec<Entry<'gc>> = self.entries().filter(|e| !equal(e.key, key)).collect();
        Bucket::from_vec(mc, all)
    }

    fn from_vec(mc: &Mutation<'gc>, mut all: Vec<Entry<'gc>>) -> Option<Bucket<'gc>> {
        if all.is_empty() {
            return None;
        }
        let first = all.remove(0);
        let rest = if all.is_empty() {
            None
        } else {
            Some(Gc::new(mc, all))
        };
        Some(Bucket { first, rest })
    }
}

/// A key and its value in the order index.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub struct Slot<'gc> {
    /// The key.
    pub key: Value<'gc>,
    /// The value.
    pub value: Value<'gc>,
}

/// A persistent insertion-ordered hash map. Hash sets use the same structure with `#t`
/// as every value. Immutable: updates return a new map.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub struct HashMapObj<'gc> {
    by_hash: Link<'gc, Bucket<'gc>>,
    by_seq: Link<'gc, Slot<'gc>>,
    len: usize,
    next_seq: u64,
}

impl Default for HashMapObj<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'gc> HashMapObj<'gc> {
    /// The empty map.
    pub fn new() -> Self {
        HashMapObj {
            by_hash: None,
            by_seq: None,
            len: 0,
            next_seq: 0,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn entry(&self, key: Value<'gc>, h: u64) -> Option<Entry<'gc>> {
        avl::get(self.by_hash, h).and_then(|b| b.find(key))
    }

    /// The value for `key` (whose [`hash`] is `h`).
    pub fn get(&self, key: Value<'gc>, h: u64) -> Option<Value<'gc>> {
        self.entry(key, h).map(|e| e.value)
    }

    /// Whether `key` (whose hash is `h`) is present.
    pub fn contains(&self, key: Value<'gc>, h: u64) -> bool {
        self.entry(key, h).is_some()
    }

    /// A map with `key` (whose hash is `h`) set to `value`. A new key goes last in the
    /// iteration order; an existing key keeps its position.
    pub fn assoc(&self, mc: &Mutation<'gc>, key: Value<'gc>, h: u64, value: Value<'gc>) -> Self {
        let bucket = avl::get(self.by_hash, h);
        let old = bucket.and_then(|b| b.find(key));
        let (seq, len, next_seq) = match old {
            Some(e) => (e.seq, self.len, self.next_seq),
            None => (self.next_seq, self.len + 1, self.next_seq + 1),
        };
        // An existing key keeps the key object it was first stored with.
        let key = old.map_or(key, |e| e.key);
        let entry = Entry { key, value, seq };
        let bucket = match bucket {
            None => Bucket {
                first: entry,
                rest: None,
            },
            Some(b) if b.rest.is_none() && old.is_some() => Bucket {
                first: entry,
                rest: None,
            },
            Some(b) => b.with(mc, entry),
        };
        HashMapObj {
            by_hash: Some(avl::insert(mc, self.by_hash, h, bucket)),
            by_seq: Some(avl::insert(mc, self.by_seq, seq, Slot { key, value })),
            len,
            next_seq,
        }
    }

    /// A map without `key` (whose hash is `h`); `None` when the key is absent (the map
    /// would be unchanged).
    pub fn dissoc(&self, mc: &Mutation<'gc>, key: Value<'gc>, h: u64) -> Option<Self> {
        let bucket = avl::get(self.by_hash, h)?;
        let old = bucket.find(key)?;
        let by_hash = match bucket.without(mc, key) {
            Some(b) => Some(avl::insert(mc, self.by_hash, h, b)),
            None => avl::remove(mc, self.by_hash, h)?,
        };
        let by_seq = avl::remove(mc, self.by_seq, old.seq)?;
        Some(HashMapObj {
            by_hash,
            by_seq,
            len: self.len - 1,
            next_seq: self.next_seq,
        })
    }

    /// The entries `(key, value)` in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (Value<'gc>, Value<'gc>)> {
        avl::Iter::new(self.by_seq).map(|(_, s)| (s.key, s.value))
    }

    /// The first entry after position `after` (`None`: the first entry), with its
    /// position, for step-by-step iteration (the printer).
    pub fn entry_after(&self, after: Option<u64>) -> Option<(u64, Value<'gc>, Value<'gc>)> {
        avl::next_after(self.by_seq, after).map(|(seq, s)| (seq, s.key, s.value))
    }

    /// Checks internal invariants; used by tests.
    pub fn check(&self) -> Result<(), String> {
        let n_seq = avl::check(self.by_seq)?;
        avl::check(self.by_hash)?;
        let n_hash: usize = avl::Iter::new(self.by_hash)
            .map(|(_, b)| b.entries().count())
            .sum();
        if n_seq != self.len || n_hash != self.len {
            return Err(format!(
                "length {} but {n_seq} ordered and {n_hash} hashed entries",
                self.len
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
