//! A persistent AVL tree keyed by `u64`, built from immutable GC nodes. Updates copy the
//! path from the root to the changed node (O(log n) new nodes) and share everything else,
//! so old versions stay valid and unchanged. Nodes are never mutated after creation, so no
//! write barriers are needed.
//!
//! Recursion in `insert`/`remove` is bounded by the tree height (at most about
//! 1.44·log2(n)), never by the shape of user data.

use gc_arena::{Collect, Gc, Mutation};

/// A (possibly empty) tree: the root node or `None`.
pub type Link<'gc, P> = Option<Gc<'gc, Node<'gc, P>>>;

/// One immutable tree node.
#[derive(Collect)]
#[collect(no_drop, bound = "where P: Collect<'gc> + 'gc")]
pub struct Node<'gc, P> {
    /// The ordering key.
    key: u64,
    /// Height of the subtree rooted here (a leaf has height 1).
    height: u8,
    /// The data stored under `key`.
    payload: P,
    left: Link<'gc, P>,
    right: Link<'gc, P>,
}

fn height<P>(t: Link<'_, P>) -> u8 {
    t.map_or(0, |n| n.height)
}

fn node<'gc, P: Collect<'gc> + Copy + 'gc>(
    mc: &Mutation<'gc>,
    key: u64,
    payload: P,
    left: Link<'gc, P>,
    right: Link<'gc, P>,
) -> Gc<'gc, Node<'gc, P>> {
    Gc::new(
        mc,
        Node {
            key,
            height: height(left).max(height(right)) + 1,
            payload,
            left,
            right,
        },
    )
}

/// Builds a node from two subtrees whose heights differ by at most 2, rotating as needed.
fn balance<'gc, P: Collect<'gc> + Copy + 'gc>(
    mc: &Mutation<'gc>,
    key: u64,
    payload: P,
    left: Link<'gc, P>,
    right: Link<'gc, P>,
) -> Gc<'gc, Node<'gc, P>> {
    let (hl, hr) = (height(left), height(right));
    if hl > hr + 1 {
        if let Some(l) = left {
            if height(l.left) >= height(l.right) {
                // single right rotation
                let new_right = node(mc, key, payload, l.right, right);
                return node(mc, l.key, l.payload, l.left, Some(new_right));
            }
            if let Some(lr) = l.right {
                // left-right double rotation
                let a = node(mc, l.key, l.payload, l.left, lr.left);
                let b = node(mc, key, payload, lr.right, right);
                return node(mc, lr.key, lr.payload, Some(a), Some(b));
            }
        }
    } else if hr > hl + 1 {
        if let Some(r) = right {
            if height(r.right) >= height(r.left) {
                let new_left = node(mc, key, payload, left, r.left);
                return node(mc, r.key, r.payload, Some(new_left), r.right);
            }
            if let Some(rl) = r.left {
                let a = node(mc, key, payload, left, rl.left);
                let b = node(mc, r.key, r.payload, rl.right, r.right);
                return node(mc, rl.key, rl.payload, Some(a), Some(b));
            }
        }
    }
    node(mc, key, payload, left, right)
}

/// The payload stored under `key`.
pub fn get<'gc, P: Copy>(mut t: Link<'gc, P>, key: u64) -> Option<P> {
    while let Some(n) = t {
        if key < n.key {
            t = n.left;
        } else if key > n.key {
            t = n.right;
        } else {
            return Some(n.payload);
        }
    }
    None
}

/// A new tree with `key` mapped to `payload` (replacing any previous payload).
pub fn insert<'gc, P: Collect<'gc> + Copy + 'gc>(
    mc: &Mutation<'gc>,
    t: Link<'gc, P>,
    key: u64,
    payload: P,
) -> Gc<'gc, Node<'gc, P>> {
    match t {
        None => node(mc, key, payload, None, None),
        Some(n) => {
            if key < n.key {
                let l = insert(mc, n.left, key, payload);
                balance(mc, n.key, n.payload, Some(l), n.right)
            } else if key > n.key {
                let r = insert(mc, n.right, key, payload);
                balance(mc, n.key, n.payload, n.left, Some(r))
            } else {
                node(mc, key, payload, n.left, n.right)
            }
        }
    }
}

/// Removes the smallest node of a non-empty tree: (its key, its payload, the rest).
fn remove_min<'gc, P: Collect<'gc> + Copy + 'gc>(
    mc: &Mutation<'gc>,
    n: Gc<'gc, Node<'gc, P>>,
) -> (u64, P, Link<'gc, P>) {
    match n.left {
        None => (n.key, n.payload, n.right),
        Some(l) => {
            let (k, p, rest) = remove_min(mc, l);
            (k, p, Some(balance(mc, n.key, n.payload, rest, n.right)))
        }
    }
}

/// A new tree without `key`. Returns `None` when `key` is absent (the tree is unchanged),
/// otherwise `Some(new_tree)`.
pub fn remove<'gc, P: Collect<'gc> + Copy + 'gc>(
    mc: &Mutation<'gc>,
    t: Link<'gc, P>,
    key: u64,
) -> Option<Link<'gc, P>> {
    let n = t?;
    if key < n.key {
        let l = remove(mc, n.left, key)?;
        Some(Some(balance(mc, n.key, n.payload, l, n.right)))
    } else if key > n.key {
        let r = remove(mc, n.right, key)?;
        Some(Some(balance(mc, n.key, n.payload, n.left, r)))
    } else {
        Some(match (n.left, n.right) {
            (None, r) => r,
            (l, None) => l,
            (l, Some(r)) => {
                let (k, p, rest) = remove_min(mc, r);
                Some(balance(mc, k, p, l, rest))
            }
        })
    }
}

/// The first entry with a key strictly greater than `after` (or the first entry at all
/// when `after` is `None`).
pub fn next_after<'gc, P: Copy>(mut t: Link<'gc, P>, after: Option<u64>) -> Option<(u64, P)> {
    let mut best = None;
    while let Some(n) = t {
        if after.is_none_or(|a| n.key > a) {
            best = Some((n.key, n.payload));
            t = n.left;
        } else {
            t = n.right;
        }
    }
    best
}

/// In-order iterator over a tree (ascending keys), with an explicit stack.
pub struct Iter<'gc, P> {
    stack: Vec<Gc<'gc, Node<'gc, P>>>,
}

impl<'gc, P: Copy> Iter<'gc, P> {
    /// Starts an iteration over `t`.
    pub fn new(t: Link<'gc, P>) -> Self {
        let mut it = Iter {
            stack: Vec::with_capacity(height(t) as usize),
        };
        it.push_left(t);
        it
    }

    fn push_left(&mut self, mut t: Link<'gc, P>) {
        while let Some(n) = t {
            self.stack.push(n);
            t = n.left;
        }
    }
}

impl<'gc, P: Copy> Iterator for Iter<'gc, P> {
    type Item = (u64, P);

    fn next(&mut self) -> Option<(u64, P)> {
        let n = self.stack.pop()?;
        self.push_left(n.right);
        Some((n.key, n.payload))
    }
}

/// Checks the AVL invariants (ordering, stored heights, balance) and returns the number of
/// nodes; used by tests.
pub fn check<P>(t: Link<'_, P>) -> Result<usize, String> {
    // Iterative post-order would be longer; the recursion is bounded by the height.
    fn go<P>(t: Link<'_, P>, lo: Option<u64>, hi: Option<u64>) -> Result<(u8, usize), String> {
        let Some(n) = t else { return Ok((0, 0)) };
        if lo.is_some_and(|lo| n.key <= lo) || hi.is_some_and(|hi| n.key >= hi) {
            return Err(format!("key {} out of order", n.key));
        }
        let (hl, cl) = go(n.left, lo, Some(n.key))?;
        let (hr, cr) = go(n.right, Some(n.key), hi)?;
        if hl.abs_diff(hr) > 1 {
            return Err(format!("unbalanced at {}: {hl} vs {hr}", n.key));
        }
        if n.height != hl.max(hr) + 1 {
            return Err(format!("wrong height at {}", n.key));
        }
        Ok((n.height, cl + cr + 1))
    }
    go(t, None, None).map(|(_, c)| c)
}
