//! Persistent, insertion-ordered hash maps (`#hashmap{...}`), also used for hash sets.
//!
//! A map is a persistent hash trie ([`trie`]) from key hashes to entries
//! `(key, value, seq)`, plus its size and the next sequence number. Every new key takes
//! the next sequence number; replacing a value keeps the key's number (and so its
//! position); removal deletes the entry. An update therefore costs O(log n) new nodes
//! (about 4 levels for 100,000 keys) and leaves the previous version untouched.
//!
//! Insertion order is recovered when iterating, by sorting the entries on their sequence
//! numbers: O(n log n) for a walk that is O(n) anyway, and it keeps every update down to
//! a single trie path instead of maintaining a second ordered index.
//!
//! Keys are compared with `equal?` ([`crate::equal::equal`]) and hashed with [`hash`];
//! callers pass the hash in, so that an unhashable key is reported with their own name.

pub mod hashing;
pub mod trie;

use gc_arena::{Collect, Mutation};
use trie::{Entry, Node};

use crate::value::Value;
pub use hashing::hash;

/// A persistent insertion-ordered hash map. Hash sets use the same structure with `#t`
/// as every value. Immutable: updates return a new map.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub struct HashMapObj<'gc> {
    root: Option<Node<'gc>>,
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
            root: None,
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

    /// The value for `key` (whose [`hash`] is `h`).
    pub fn get(&self, key: Value<'gc>, h: u64) -> Option<Value<'gc>> {
        trie::get(self.root, h, key).map(|e| e.value)
    }

    /// Whether `key` (whose hash is `h`) is present.
    pub fn contains(&self, key: Value<'gc>, h: u64) -> bool {
        trie::get(self.root, h, key).is_some()
    }

    /// A map with `key` (whose hash is `h`) set to `value`. A new key goes last in the
    /// iteration order; an existing key keeps its position and its first key object.
    pub fn assoc(&self, mc: &Mutation<'gc>, key: Value<'gc>, h: u64, value: Value<'gc>) -> Self {
        let (entry, len, next_seq) = match trie::get(self.root, h, key) {
            Some(old) => (Entry { value, ..old }, self.len, self.next_seq),
            None => (
                Entry {
                    key,
                    value,
                    seq: self.next_seq,
                },
                self.len + 1,
                self.next_seq + 1,
            ),
        };
        HashMapObj {
            root: Some(trie::insert(mc, self.root, h, entry)),
            len,
            next_seq,
        }
    }

    /// A map without `key` (whose hash is `h`); `None` when the key is absent (the map
    /// would be unchanged).
    pub fn dissoc(&self, mc: &Mutation<'gc>, key: Value<'gc>, h: u64) -> Option<Self> {
        let root = trie::remove(mc, self.root, h, key)?;
        Some(HashMapObj {
            root,
            len: self.len - 1,
            next_seq: self.next_seq,
        })
    }

    /// The entries `(key, value)` in insertion order.
    pub fn entries(&self) -> Vec<(Value<'gc>, Value<'gc>)> {
        let mut all: Vec<Entry<'gc>> = Vec::with_capacity(self.len);
        trie::for_each(self.root, |e| all.push(*e));
        all.sort_unstable_by_key(|e| e.seq);
        all.into_iter().map(|e| (e.key, e.value)).collect()
    }

    /// Calls `f` with every `(key, value)`, in no particular order (cheaper than
    /// [`entries`](Self::entries) when order does not matter).
    pub fn for_each_unordered(&self, mut f: impl FnMut(Value<'gc>, Value<'gc>)) {
        trie::for_each(self.root, |e| f(e.key, e.value));
    }

    /// Checks internal invariants; used by tests.
    pub fn check(&self) -> Result<(), String> {
        let n = trie::check(self.root)?;
        if n != self.len {
            return Err(format!("length {} but {n} entries", self.len));
        }
        let mut seqs = Vec::with_capacity(n);
        trie::for_each(self.root, |e| seqs.push(e.seq));
        seqs.sort_unstable();
        if seqs.windows(2).any(|w| w[0] == w[1]) || seqs.last().is_some_and(|s| *s >= self.next_seq)
        {
            return Err("bad sequence numbers".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
