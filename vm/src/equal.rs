//! Structural equality (`equal?`, spec §5.2): iterative, so deep structures never touch
//! the native stack, and terminating on circular structures.

use crate::hashmap::{hash, HashMapObj};
use crate::value::Value;
use gc_arena::Gc;
use std::collections::HashSet;

/// Structural equality (`equal?`): iterative, cycle-safe.
pub fn equal<'gc>(a: Value<'gc>, b: Value<'gc>) -> bool {
    // Fast paths without the work list: atoms (hash map key comparisons) and strings.
    if a.is_eqv(b) {
        return true;
    }
    match (a, b) {
        (Value::Str(s), Value::Str(t)) => {
            return s.text.borrow().as_str() == t.text.borrow().as_str();
        }
        (Value::Pair(_), Value::Pair(_))
        | (Value::Vector(_), Value::Vector(_))
        | (Value::Bytevector(_), Value::Bytevector(_))
        | (Value::Record(_), Value::Record(_))
        | (Value::HashMap(_), Value::HashMap(_))
        | (Value::HashSet(_), Value::HashSet(_))
        | (Value::Foreign(_), Value::Foreign(_)) => {}
        _ => return false,
    }
    let mut work: Vec<(Value<'gc>, Value<'gc>)> = vec![(a, b)];
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut steps = 0usize;
    while let Some((x, y)) = work.pop() {
        if x.is_eqv(y) {
            continue;
        }
        steps += 1;
        // Only remember visited pairs once the structure is large: cheap for small data,
        // terminating for circular data.
        let track = steps > 4096;
        let mut first_visit = |p: *const u8, q: *const u8| -> bool {
            !track || seen.insert((p as usize, q as usize))
        };
        match (x, y) {
            (Value::Pair(p), Value::Pair(q)) => {
                if !first_visit(Gc::as_ptr(p) as *const u8, Gc::as_ptr(q) as *const u8) {
                    continue;
                }
                work.push((p.cdr.get(), q.cdr.get()));
                work.push((p.car.get(), q.car.get()));
            }
            (Value::Str(s), Value::Str(t)) => {
                if s.text.borrow().as_str() != t.text.borrow().as_str() {
                    return false;
                }
            }
            (Value::Vector(v), Value::Vector(w)) => {
                if !first_visit(Gc::as_ptr(v) as *const u8, Gc::as_ptr(w) as *const u8) {
                    continue;
                }
                let (v, w) = (v.borrow(), w.borrow());
                if v.len() != w.len() {
                    return false;
                }
                work.extend(v.iter().copied().zip(w.iter().copied()).rev());
            }
            (Value::Bytevector(v), Value::Bytevector(w)) => {
                if **v.borrow() != **w.borrow() {
                    return false;
                }
            }
            (Value::Record(r), Value::Record(s)) => {
                if !Gc::ptr_eq(r.rtype, s.rtype) {
                    return false;
                }
                if !first_visit(Gc::as_ptr(r) as *const u8, Gc::as_ptr(s) as *const u8) {
                    continue;
                }
                let (f, g) = (r.fields.borrow(), s.fields.borrow());
                work.extend(f.iter().copied().zip(g.iter().copied()).rev());
            }
            (Value::HashMap(m), Value::HashMap(n)) | (Value::HashSet(m), Value::HashSet(n)) => {
                if !first_visit(Gc::as_ptr(m) as *const u8, Gc::as_ptr(n) as *const u8) {
                    continue;
                }
                if !same_keys(&m, &n, &mut work) {
                    return false;
                }
            }
            (Value::Foreign(f), Value::Foreign(g)) => {
                if !f.0.equal(&*g.0) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// Whether `m` and `n` have the same keys (by `equal?`, in any order); queues the pairs
/// of values to compare.
fn same_keys<'gc>(
    m: &HashMapObj<'gc>,
    n: &HashMapObj<'gc>,
    work: &mut Vec<(Value<'gc>, Value<'gc>)>,
) -> bool {
    if m.len() != n.len() {
        return false;
    }
    let mut same = true;
    m.for_each_unordered(|k, v| {
        if !same {
            return;
        }
        // Keys never contain maps, so this nested `equal` (inside `get`) cannot come back
        // here: the Rust recursion is at most one level deep.
        match hash(k).and_then(|h| n.get(k, h)) {
            Some(w) => work.push((v, w)),
            None => same = false,
        }
    });
    same
}
