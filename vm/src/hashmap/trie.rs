//! A persistent hash array mapped trie (HAMT) keyed by 64-bit hashes, built from
//! immutable GC nodes. Each level consumes 5 bits of the hash; a node stores a 32-bit
//! bitmap of occupied slots and only those slots. An update copies the nodes on the path
//! from the root to the changed leaf (at most 13, about 4 for 100,000 keys) and shares
//! everything else, so old versions stay valid and unchanged. Nodes are never mutated
//! after creation, so no write barriers are needed.
//!
//! Leaves hold every entry whose key has one full 64-bit hash (more than one only on a
//! hash collision). Recursion is bounded by the trie depth (13), never by user data.

use crate::equal::equal;
use crate::value::Value;
use gc_arena::{Collect, Gc, Mutation};

const BITS: u32 = 5;
const MASK: u64 = (1 << BITS) - 1;

/// One key/value entry.
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

/// The entries whose keys share one full hash.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Leaf<'gc> {
    hash: u64,
    first: Entry<'gc>,
    /// Further entries on a hash collision (rare).
    rest: Box<[Entry<'gc>]>,
}

impl<'gc> Leaf<'gc> {
    fn entries(&self) -> impl Iterator<Item = &Entry<'gc>> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }

    fn find(&self, key: Value<'gc>) -> Option<Entry<'gc>> {
        self.entries().find(|e| equal(e.key, key)).copied()
    }

    fn build(
        mc: &Mutation<'gc>,
        hash: u64,
        mut all: Vec<Entry<'gc>>,
    ) -> Option<Gc<'gc, Leaf<'gc>>> {
        if all.is_empty() {
            return None;
        }
        let first = all.remove(0);
        Some(Gc::new(
            mc,
            Leaf {
                hash,
                first,
                rest: all.into_boxed_slice(),
            },
        ))
    }

    /// This leaf with `e` replacing the entry whose key is `equal?` to `e.key`, or added.
    fn with(&self, mc: &Mutation<'gc>, e: Entry<'gc>) -> Gc<'gc, Leaf<'gc>> {
        if self.rest.is_empty() && equal(self.first.key, e.key) {
            return single(mc, self.hash, e);
        }
        let mut all: Vec<Entry<'gc>> = self.entries().copied().collect();
        match all.iter_mut().find(|x| equal(x.key, e.key)) {
            Some(slot) => *slot = e,
            None => all.push(e),
        }
        Leaf::build(mc, self.hash, all).unwrap_or_else(|| single(mc, self.hash, e))
    }
}

fn single<'gc>(mc: &Mutation<'gc>, hash: u64, e: Entry<'gc>) -> Gc<'gc, Leaf<'gc>> {
    Gc::new(
        mc,
        Leaf {
            hash,
            first: e,
            rest: Box::new([]),
        },
    )
}

/// A slot of a node: a leaf or a subtrie.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub enum Slot<'gc> {
    /// Entries with one hash.
    Leaf(Gc<'gc, Leaf<'gc>>),
    /// A deeper node.
    Node(Gc<'gc, Node<'gc>>),
}

/// An interior node: a bitmap of occupied slots and the occupied slots in index order.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Node<'gc> {
    bitmap: u32,
    slots: Box<[Slot<'gc>]>,
}

/// The slot index of `hash` at the level starting at bit `shift`.
fn chunk(hash: u64, shift: u32) -> u32 {
    (hash.checked_shr(shift).unwrap_or(0) & MASK) as u32
}

impl<'gc> Node<'gc> {
    /// Position in `slots` of the slot for index `i`, if occupied.
    fn pos(&self, i: u32) -> (bool, usize) {
        let bit = 1u32 << i;
        (
            self.bitmap & bit != 0,
            (self.bitmap & (bit - 1)).count_ones() as usize,
        )
    }

    fn new(mc: &Mutation<'gc>, bitmap: u32, slots: Vec<Slot<'gc>>) -> Gc<'gc, Node<'gc>> {
        Gc::new(
            mc,
            Node {
                bitmap,
                slots: slots.into_boxed_slice(),
            },
        )
    }

    /// A copy with slot `pos` replaced.
    fn replaced(&self, mc: &Mutation<'gc>, pos: usize, s: Slot<'gc>) -> Gc<'gc, Node<'gc>> {
        let mut slots = self.slots.to_vec();
        slots[pos] = s;
        Node::new(mc, self.bitmap, slots)
    }
}

/// A node holding two leaves with different hashes, splitting from bit `shift` on.
fn two_leaves<'gc>(
    mc: &Mutation<'gc>,
    shift: u32,
    a: Gc<'gc, Leaf<'gc>>,
    b: Gc<'gc, Leaf<'gc>>,
) -> Gc<'gc, Node<'gc>> {
    let (ia, ib) = (chunk(a.hash, shift), chunk(b.hash, shift));
    if ia == ib && shift + BITS < 64 {
        let sub = two_leaves(mc, shift + BITS, a, b);
        return Node::new(mc, 1 << ia, vec![Slot::Node(sub)]);
    }
    // Hashes differ, so some 5-bit chunk differs before the bits run out.
    let slots = if ia < ib {
        vec![Slot::Leaf(a), Slot::Leaf(b)]
    } else {
        vec![Slot::Leaf(b), Slot::Leaf(a)]
    };
    Node::new(mc, (1 << ia) | (1 << ib), slots)
}

/// The entry for `key` (whose hash is `hash`) in the trie rooted at `root`.
pub fn get<'gc>(
    root: Option<Gc<'gc, Node<'gc>>>,
    hash: u64,
    key: Value<'gc>,
) -> Option<Entry<'gc>> {
    let mut node = root?;
    let mut shift = 0;
    loop {
        let (present, pos) = node.pos(chunk(hash, shift));
        if !present {
            return None;
        }
        match node.slots[pos] {
            Slot::Leaf(l) => return if l.hash == hash { l.find(key) } else { None },
            Slot::Node(n) => {
                node = n;
                shift += BITS;
            }
        }
    }
}

/// A new trie with entry `e` stored for its key (whose hash is `hash`), replacing any
/// entry with an `equal?` key.
pub fn insert<'gc>(
    mc: &Mutation<'gc>,
    root: Option<Gc<'gc, Node<'gc>>>,
    hash: u64,
    e: Entry<'gc>,
) -> Gc<'gc, Node<'gc>> {
    match root {
        None => Node::new(
            mc,
            1 << chunk(hash, 0),
            vec![Slot::Leaf(single(mc, hash, e))],
        ),
        Some(n) => insert_in(mc, n, 0, hash, e),
    }
}

fn insert_in<'gc>(
    mc: &Mutation<'gc>,
    node: Gc<'gc, Node<'gc>>,
    shift: u32,
    hash: u64,
    e: Entry<'gc>,
) -> Gc<'gc, Node<'gc>> {
    let i = chunk(hash, shift);
    let (present, pos) = node.pos(i);
    if !present {
        let mut slots = Vec::with_capacity(node.slots.len() + 1);
        slots.extend_from_slice(&node.slots[..pos]);
        slots.push(Slot::Leaf(single(mc, hash, e)));
        slots.extend_from_slice(&node.slots[pos..]);
        return Node::new(mc, node.bitmap | (1 << i), slots);
    }
    let new_slot = match node.slots[pos] {
        Slot::Leaf(l) if l.hash == hash => Slot::Leaf(l.with(mc, e)),
        Slot::Leaf(l) => Slot::Node(two_leaves(mc, shift + BITS, l, single(mc, hash, e))),
        Slot::Node(n) => Slot::Node(insert_in(mc, n, shift + BITS, hash, e)),
    };
    node.replaced(mc, pos, new_slot)
}

/// What is left of a subtrie after a removal.
enum Removed<'gc> {
    /// The key was absent: nothing changed.
    Absent,
    /// The subtrie became empty.
    Empty,
    /// The subtrie is now this slot (a lone leaf is pulled up into its parent).
    Slot(Slot<'gc>),
}

/// A new trie without `key` (whose hash is `hash`); `None` when the key is absent (the
/// trie is unchanged), `Some(None)` when the trie becomes empty.
pub fn remove<'gc>(
    mc: &Mutation<'gc>,
    root: Option<Gc<'gc, Node<'gc>>>,
    hash: u64,
    key: Value<'gc>,
) -> Option<Option<Gc<'gc, Node<'gc>>>> {
    match remove_in(mc, root?, 0, hash, key) {
        Removed::Absent => None,
        Removed::Empty => Some(None),
        Removed::Slot(Slot::Node(n)) => Some(Some(n)),
        // The root keeps a lone leaf in its own node.
        Removed::Slot(Slot::Leaf(l)) => Some(Some(Node::new(
            mc,
            1 << chunk(l.hash, 0),
            vec![Slot::Leaf(l)],
        ))),
    }
}

fn remove_in<'gc>(
    mc: &Mutation<'gc>,
    node: Gc<'gc, Node<'gc>>,
    shift: u32,
    hash: u64,
    key: Value<'gc>,
) -> Removed<'gc> {
    let i = chunk(hash, shift);
    let (present, pos) = node.pos(i);
    if !present {
        return Removed::Absent;
    }
    let outcome = match node.slots[pos] {
        Slot::Leaf(l) => {
            if l.hash != hash || l.find(key).is_none() {
                return Removed::Absent;
            }
            let rest: Vec<Entry<'gc>> = l
                .entries()
                .filter(|e| !equal(e.key, key))
                .copied()
                .collect();
            match Leaf::build(mc, hash, rest) {
                Some(nl) => Removed::Slot(Slot::Leaf(nl)),
                None => Removed::Empty,
            }
        }
        Slot::Node(n) => remove_in(mc, n, shift + BITS, hash, key),
    };
    match outcome {
        Removed::Absent => Removed::Absent,
        Removed::Slot(s) => {
            if node.slots.len() == 1 && matches!(s, Slot::Leaf(_)) {
                // A node whose only content is one leaf is replaced by the leaf.
                Removed::Slot(s)
            } else {
                Removed::Slot(Slot::Node(node.replaced(mc, pos, s)))
            }
        }
        Removed::Empty => {
            let bitmap = node.bitmap & !(1 << i);
            if bitmap == 0 {
                return Removed::Empty;
            }
            let mut slots = node.slots.to_vec();
            slots.remove(pos);
            if let [Slot::Leaf(l)] = slots[..] {
                return Removed::Slot(Slot::Leaf(l));
            }
            Removed::Slot(Slot::Node(Node::new(mc, bitmap, slots)))
        }
    }
}

/// Calls `f` on every entry, in trie (not insertion) order. Iterative.
pub fn for_each<'gc>(root: Option<Gc<'gc, Node<'gc>>>, mut f: impl FnMut(&Entry<'gc>)) {
    let mut stack: Vec<Gc<'gc, Node<'gc>>> = root.into_iter().collect();
    while let Some(n) = stack.pop() {
        for s in n.slots.iter() {
            match s {
                Slot::Leaf(l) => l.entries().for_each(&mut f),
                Slot::Node(m) => stack.push(*m),
            }
        }
    }
}

/// Checks the trie invariants (bitmaps match slots, leaves sit on their hash path,
/// no non-root node is a lone leaf) and returns the number of entries; used by tests.
pub fn check<'gc>(root: Option<Gc<'gc, Node<'gc>>>) -> Result<usize, String> {
    let mut count = 0;
    let mut stack: Vec<(Gc<'gc, Node<'gc>>, u32, u64)> =
        root.into_iter().map(|n| (n, 0, 0)).collect();
    while let Some((n, shift, prefix)) = stack.pop() {
        if n.bitmap.count_ones() as usize != n.slots.len() || n.slots.is_empty() {
            return Err("bitmap does not match slots".into());
        }
        if shift > 0 && n.slots.len() == 1 && matches!(n.slots[0], Slot::Leaf(_)) {
            return Err("lone leaf below the root".into());
        }
        let mut bits = n.bitmap;
        for s in n.slots.iter() {
            let i = bits.trailing_zeros();
            bits &= bits - 1;
            let p = prefix | (u64::from(i) << shift);
            let mask = if shift + BITS >= 64 {
                u64::MAX
            } else {
                (1u64 << (shift + BITS)) - 1
            };
            match s {
                Slot::Leaf(l) => {
                    if l.hash & mask != p {
                        return Err(format!("leaf {:x} off its path", l.hash));
                    }
                    count += l.entries().count();
                }
                Slot::Node(m) => stack.push((*m, shift + BITS, p)),
            }
        }
    }
    Ok(count)
}
