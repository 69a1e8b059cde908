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
    Node(Node<'gc>),
    /// Padding after the occupied slots of a node; never reached through the bitmap.
    Empty,
}

/// An interior node with room for `N` slots: a bitmap of occupied indexes and the
/// occupied slots in index order, padded with [`Slot::Empty`]. Nodes come in a few
/// capacities so that each one is a single allocation.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Fixed<'gc, const N: usize> {
    bitmap: u32,
    slots: [Slot<'gc>; N],
}

/// A reference to an interior node, whatever its capacity.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
pub enum Node<'gc> {
    /// Up to 1 slot.
    N1(Gc<'gc, Fixed<'gc, 1>>),
    /// Up to 2 slots.
    N2(Gc<'gc, Fixed<'gc, 2>>),
    /// Up to 4 slots.
    N4(Gc<'gc, Fixed<'gc, 4>>),
    /// Up to 8 slots.
    N8(Gc<'gc, Fixed<'gc, 8>>),
    /// Up to 16 slots.
    N16(Gc<'gc, Fixed<'gc, 16>>),
    /// Up to 32 slots.
    N32(Gc<'gc, Fixed<'gc, 32>>),
}

fn fixed<'gc, const N: usize>(
    mc: &Mutation<'gc>,
    bitmap: u32,
    slots: &[Slot<'gc>],
) -> Gc<'gc, Fixed<'gc, N>> {
    Gc::new(
        mc,
        Fixed {
            bitmap,
            slots: std::array::from_fn(|i| slots.get(i).copied().unwrap_or(Slot::Empty)),
        },
    )
}

/// The slot index of `hash` at the level starting at bit `shift`.
fn chunk(hash: u64, shift: u32) -> u32 {
    (hash.checked_shr(shift).unwrap_or(0) & MASK) as u32
}

impl<'gc> Node<'gc> {
    /// The bitmap of occupied indexes.
    fn bitmap(self) -> u32 {
        match self {
            Node::N1(n) => n.bitmap,
            Node::N2(n) => n.bitmap,
            Node::N4(n) => n.bitmap,
            Node::N8(n) => n.bitmap,
            Node::N16(n) => n.bitmap,
            Node::N32(n) => n.bitmap,
        }
    }

    /// The occupied slots, in index order.
    fn slots(self) -> &'gc [Slot<'gc>] {
        let all: &'gc [Slot<'gc>] = match self {
            Node::N1(n) => &Gc::as_ref(n).slots,
            Node::N2(n) => &Gc::as_ref(n).slots,
            Node::N4(n) => &Gc::as_ref(n).slots,
            Node::N8(n) => &Gc::as_ref(n).slots,
            Node::N16(n) => &Gc::as_ref(n).slots,
            Node::N32(n) => &Gc::as_ref(n).slots,
        };
        let len = self.bitmap().count_ones() as usize;
        all.get(..len).unwrap_or(all)
    }

    /// Position in `slots` of the slot for index `i`, and the slot if occupied.
    fn find(self, i: u32) -> (Option<Slot<'gc>>, usize) {
        let bit = 1u32 << i;
        let bitmap = self.bitmap();
        let pos = (bitmap & (bit - 1)).count_ones() as usize;
        if bitmap & bit == 0 {
            (None, pos)
        } else {
            (self.slots().get(pos).copied(), pos)
        }
    }

    /// A node of the smallest capacity that holds `slots`.
    fn new(mc: &Mutation<'gc>, bitmap: u32, slots: &[Slot<'gc>]) -> Node<'gc> {
        match slots.len() {
            0..=1 => Node::N1(fixed(mc, bitmap, slots)),
            2 => Node::N2(fixed(mc, bitmap, slots)),
            3..=4 => Node::N4(fixed(mc, bitmap, slots)),
            5..=8 => Node::N8(fixed(mc, bitmap, slots)),
            9..=16 => Node::N16(fixed(mc, bitmap, slots)),
            _ => Node::N32(fixed(mc, bitmap, slots)),
        }
    }

    /// A copy with slot `pos` replaced.
    fn replaced(self, mc: &Mutation<'gc>, pos: usize, s: Slot<'gc>) -> Node<'gc> {
        let mut buf = [Slot::Empty; 32];
        let slots = self.slots();
        buf[..slots.len()].copy_from_slice(slots);
        if let Some(x) = buf.get_mut(pos) {
            *x = s;
        }
        Node::new(mc, self.bitmap(), &buf[..slots.len()])
    }
}

/// A node holding two leaves with different hashes, splitting from bit `shift` on.
fn two_leaves<'gc>(
    mc: &Mutation<'gc>,
    shift: u32,
    a: Gc<'gc, Leaf<'gc>>,
    b: Gc<'gc, Leaf<'gc>>,
) -> Node<'gc> {
    let (ia, ib) = (chunk(a.hash, shift), chunk(b.hash, shift));
    if ia == ib && shift + BITS < 64 {
        let sub = two_leaves(mc, shift + BITS, a, b);
        return Node::new(mc, 1 << ia, &[Slot::Node(sub)]);
    }
    // Hashes differ, so some 5-bit chunk differs before the bits run out.
    let slots = if ia < ib {
        [Slot::Leaf(a), Slot::Leaf(b)]
    } else {
        [Slot::Leaf(b), Slot::Leaf(a)]
    };
    Node::new(mc, (1 << ia) | (1 << ib), &slots)
}

/// The entry for `key` (whose hash is `hash`) in the trie rooted at `root`.
pub fn get<'gc>(root: Option<Node<'gc>>, hash: u64, key: Value<'gc>) -> Option<Entry<'gc>> {
    let mut node = root?;
    let mut shift = 0;
    loop {
        match node.find(chunk(hash, shift)).0? {
            Slot::Leaf(l) => return if l.hash == hash { l.find(key) } else { None },
            Slot::Node(n) => {
                node = n;
                shift += BITS;
            }
            Slot::Empty => return None,
        }
    }
}

/// A new trie with entry `e` stored for its key (whose hash is `hash`), replacing any
/// entry with an `equal?` key.
pub fn insert<'gc>(
    mc: &Mutation<'gc>,
    root: Option<Node<'gc>>,
    hash: u64,
    e: Entry<'gc>,
) -> Node<'gc> {
    match root {
        None => Node::new(mc, 1 << chunk(hash, 0), &[Slot::Leaf(single(mc, hash, e))]),
        Some(n) => insert_in(mc, n, 0, hash, e),
    }
}

fn insert_in<'gc>(
    mc: &Mutation<'gc>,
    node: Node<'gc>,
    shift: u32,
    hash: u64,
    e: Entry<'gc>,
) -> Node<'gc> {
    let i = chunk(hash, shift);
    let (slot, pos) = node.find(i);
    let new_slot = match slot {
        None | Some(Slot::Empty) => {
            let slots = node.slots();
            let mut buf = [Slot::Empty; 33];
            let n = slots.len().min(32);
            let pos = pos.min(n);
            buf[..pos].copy_from_slice(&slots[..pos]);
            buf[pos] = Slot::Leaf(single(mc, hash, e));
            buf[pos + 1..n + 1].copy_from_slice(&slots[pos..n]);
            return Node::new(mc, node.bitmap() | (1 << i), &buf[..n + 1]);
        }
        Some(Slot::Leaf(l)) if l.hash == hash => Slot::Leaf(l.with(mc, e)),
        Some(Slot::Leaf(l)) => Slot::Node(two_leaves(mc, shift + BITS, l, single(mc, hash, e))),
        Some(Slot::Node(n)) => Slot::Node(insert_in(mc, n, shift + BITS, hash, e)),
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
    root: Option<Node<'gc>>,
    hash: u64,
    key: Value<'gc>,
) -> Option<Option<Node<'gc>>> {
    match remove_in(mc, root?, 0, hash, key) {
        Removed::Absent => None,
        Removed::Empty | Removed::Slot(Slot::Empty) => Some(None),
        Removed::Slot(Slot::Node(n)) => Some(Some(n)),
        // The root keeps a lone leaf in its own node.
        Removed::Slot(Slot::Leaf(l)) => {
            Some(Some(Node::new(mc, 1 << chunk(l.hash, 0), &[Slot::Leaf(l)])))
        }
    }
}

fn remove_in<'gc>(
    mc: &Mutation<'gc>,
    node: Node<'gc>,
    shift: u32,
    hash: u64,
    key: Value<'gc>,
) -> Removed<'gc> {
    let i = chunk(hash, shift);
    let (slot, pos) = node.find(i);
    let outcome = match slot {
        None | Some(Slot::Empty) => return Removed::Absent,
        Some(Slot::Leaf(l)) => {
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
        Some(Slot::Node(n)) => remove_in(mc, n, shift + BITS, hash, key),
    };
    let slots = node.slots();
    match outcome {
        Removed::Absent => Removed::Absent,
        Removed::Slot(s) => {
            if slots.len() == 1 && matches!(s, Slot::Leaf(_)) {
                // A node whose only content is one leaf is replaced by the leaf.
                Removed::Slot(s)
            } else {
                Removed::Slot(Slot::Node(node.replaced(mc, pos, s)))
            }
        }
        Removed::Empty => {
            let bitmap = node.bitmap() & !(1 << i);
            let rest: Vec<Slot<'gc>> = slots
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != pos)
                .map(|(_, s)| *s)
                .collect();
            match rest[..] {
                [] => Removed::Empty,
                [Slot::Leaf(l)] => Removed::Slot(Slot::Leaf(l)),
                _ => Removed::Slot(Slot::Node(Node::new(mc, bitmap, &rest))),
            }
        }
    }
}

/// Calls `f` on every entry, in trie (not insertion) order. Iterative.
pub fn for_each<'gc>(root: Option<Node<'gc>>, mut f: impl FnMut(&Entry<'gc>)) {
    let mut stack: Vec<Node<'gc>> = root.into_iter().collect();
    while let Some(n) = stack.pop() {
        for s in n.slots() {
            match s {
                Slot::Leaf(l) => l.entries().for_each(&mut f),
                Slot::Node(m) => stack.push(*m),
                Slot::Empty => {}
            }
        }
    }
}

/// Checks the trie invariants (bitmaps match slots, leaves sit on their hash path,
/// no non-root node is a lone leaf) and returns the number of entries; used by tests.
pub fn check(root: Option<Node<'_>>) -> Result<usize, String> {
    let mut count = 0;
    let mut stack: Vec<(Node<'_>, u32, u64)> = root.into_iter().map(|n| (n, 0, 0)).collect();
    while let Some((n, shift, prefix)) = stack.pop() {
        let slots = n.slots();
        if n.bitmap().count_ones() as usize != slots.len() || slots.is_empty() {
            return Err("bitmap does not match slots".into());
        }
        if shift > 0 && slots.len() == 1 && matches!(slots[0], Slot::Leaf(_)) {
            return Err("lone leaf below the root".into());
        }
        let capacity = match n {
            Node::N1(_) => 1,
            Node::N2(_) => 2,
            Node::N4(_) => 4,
            Node::N8(_) => 8,
            Node::N16(_) => 16,
            Node::N32(_) => 32,
        };
        if slots.len() * 2 <= capacity && capacity > 1 {
            return Err("node larger than needed".into());
        }
        let mut bits = n.bitmap();
        for s in slots {
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
                Slot::Empty => return Err("empty slot below the bitmap count".into()),
            }
        }
    }
    Ok(count)
}
