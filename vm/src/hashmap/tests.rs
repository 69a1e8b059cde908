//! Tests of the persistent map against a simple `Vec` model.

use super::{hash, HashMapObj};
use crate::equal::equal;
use crate::value::Value;
use gc_arena::{Arena, Mutation, Rootable};

/// A fixed-seed pseudo-random sequence (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Insertion-ordered reference model: `(key, value)` pairs.
type Model = Vec<(i64, i64)>;

fn model_assoc(m: &mut Model, k: i64, v: i64) {
    match m.iter_mut().find(|e| e.0 == k) {
        Some(e) => e.1 = v,
        None => m.push((k, v)),
    }
}

fn model_dissoc(m: &mut Model, k: i64) {
    m.retain(|e| e.0 != k);
}

/// How a test turns integer keys into key values and hashes.
#[derive(Copy, Clone)]
enum Keys {
    /// Fixnum keys, real hash.
    Ints,
    /// Fixnum keys, hash `k % 5`: almost everything collides.
    Colliding,
    /// Fixnum keys whose hashes share their low 58 bits (deep tries) and collide fully
    /// for keys equal modulo 16.
    SharedPrefix,
    /// Fresh string objects for every use (lookups go through `equal?`), real hash.
    Strings,
}

fn key<'gc>(mc: &Mutation<'gc>, keys: Keys, k: i64) -> (Value<'gc>, u64) {
    match keys {
        Keys::Ints => {
            let v = Value::Int(k);
            (v, hash(v).unwrap_or(0))
        }
        Keys::Colliding => (Value::Int(k), (k % 5) as u64),
        Keys::SharedPrefix => (Value::Int(k), ((k % 16) as u64) << 58 | 0x00AB_CDEF),
        Keys::Strings => {
            let v = Value::string(mc, &format!("key-{k}"));
            (v, hash(v).unwrap_or(0))
        }
    }
}

fn key_number(v: Value<'_>) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Str(s) => s
            .text
            .borrow()
            .as_str()
            .strip_prefix("key-")
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| "bad string key".to_string()),
        _ => Err("bad key kind".into()),
    }
}

fn contents(m: &HashMapObj<'_>) -> Result<Model, String> {
    m.entries()
        .into_iter()
        .map(|(k, v)| match v {
            Value::Int(v) => Ok((key_number(k)?, v)),
            _ => Err("bad value kind".to_string()),
        })
        .collect()
}

fn run_model(keys: Keys, ops: usize, key_range: u64) -> Result<(), String> {
    let arena = Arena::<Rootable![()]>::new(|_| ());
    arena.mutate(|mc, _| {
        let mut rng = Lcg(0x5eed_1234);
        let mut map = HashMapObj::new();
        let mut model: Model = Vec::new();
        let mut saved: Vec<(HashMapObj<'_>, Model)> = Vec::new();
        for step in 0..ops {
            let k = rng.next(key_range) as i64;
            let (kv, h) = key(mc, keys, k);
            if rng.next(10) < 6 {
                let v = rng.next(1_000_000) as i64;
                map = map.assoc(mc, kv, h, Value::Int(v));
                model_assoc(&mut model, k, v);
            } else {
                let present = model.iter().any(|e| e.0 == k);
                match map.dissoc(mc, kv, h) {
                    Some(m) => map = m,
                    None if present => return Err(format!("step {step}: dissoc missed {k}")),
                    None => {}
                }
                model_dissoc(&mut model, k);
            }
            if map.len() != model.len() {
                return Err(format!(
                    "step {step}: length {} vs {}",
                    map.len(),
                    model.len()
                ));
            }
            if contents(&map)? != model {
                return Err(format!("step {step}: contents differ"));
            }
            let probe = rng.next(key_range) as i64;
            let (pv, ph) = key(mc, keys, probe);
            let expected = model.iter().find(|e| e.0 == probe).map(|e| e.1);
            let got = match map.get(pv, ph) {
                Some(Value::Int(v)) => Some(v),
                Some(_) => return Err("bad value kind".into()),
                None => None,
            };
            if got != expected || map.contains(pv, ph) != expected.is_some() {
                return Err(format!("step {step}: lookup of {probe}"));
            }
            if step % 97 == 0 {
                map.check().map_err(|e| format!("step {step}: {e}"))?;
            }
            if step % 997 == 0 {
                saved.push((map, model.clone()));
            }
        }
        // Old versions are unchanged by every later update.
        for (i, (old, snapshot)) in saved.iter().enumerate() {
            old.check()?;
            if contents(old)? != *snapshot {
                return Err(format!("saved version {i} changed"));
            }
        }
        Ok(())
    })
}

#[test]
fn random_operations_match_model() -> Result<(), String> {
    run_model(Keys::Ints, 20_000, 300)
}

#[test]
fn random_operations_with_colliding_hashes() -> Result<(), String> {
    run_model(Keys::Colliding, 20_000, 60)
}

#[test]
fn random_operations_with_deep_tries() -> Result<(), String> {
    run_model(Keys::SharedPrefix, 20_000, 100)
}

#[test]
fn random_operations_with_string_keys() -> Result<(), String> {
    run_model(Keys::Strings, 20_000, 500)
}

#[test]
fn replacing_keeps_position_and_removal_forgets_it() -> Result<(), String> {
    let arena = Arena::<Rootable![()]>::new(|_| ());
    arena.mutate(|mc, _| {
        let mut m = HashMapObj::new();
        for k in [3, 1, 2] {
            m = m.assoc(
                mc,
                Value::Int(k),
                hash(Value::Int(k)).unwrap_or(0),
                Value::Int(k),
            );
        }
        let h1 = hash(Value::Int(1)).unwrap_or(0);
        let replaced = m.assoc(mc, Value::Int(1), h1, Value::Int(10));
        if contents(&replaced)? != vec![(3, 3), (1, 10), (2, 2)] {
            return Err("replace moved the key".into());
        }
        let removed = replaced
            .dissoc(mc, Value::Int(1), h1)
            .ok_or("not removed")?;
        let readded = removed.assoc(mc, Value::Int(1), h1, Value::Int(5));
        if contents(&readded)? != vec![(3, 3), (2, 2), (1, 5)] {
            return Err("re-added key not last".into());
        }
        if contents(&m)? != vec![(3, 3), (1, 1), (2, 2)] {
            return Err("original changed".into());
        }
        Ok(())
    })
}

#[test]
fn large_map_after_many_removals() -> Result<(), String> {
    let arena = Arena::<Rootable![()]>::new(|_| ());
    arena.mutate(|mc, _| {
        let mut m = HashMapObj::new();
        for k in 0..50_000 {
            m = m.assoc(
                mc,
                Value::Int(k),
                hash(Value::Int(k)).unwrap_or(0),
                Value::Nil,
            );
        }
        for k in (0..50_000).step_by(2) {
            m = m
                .dissoc(mc, Value::Int(k), hash(Value::Int(k)).unwrap_or(0))
                .ok_or("missing key")?;
        }
        m.check()?;
        if m.len() != 25_000 || m.entries().first().map(|e| e.0.is_eq(Value::Int(1))) != Some(true)
        {
            return Err("wrong contents".into());
        }
        Ok(())
    })
}

#[test]
fn hash_is_consistent_with_equal() -> Result<(), String> {
    let arena = Arena::<Rootable![()]>::new(|_| ());
    arena.mutate(|mc, _| {
        let a = Value::list(
            mc,
            [Value::Int(1), Value::string(mc, "x"), Value::Float(2.5)].into_iter(),
        );
        let b = Value::list(
            mc,
            [Value::Int(1), Value::string(mc, "x"), Value::Float(2.5)].into_iter(),
        );
        if !equal(a, b) || hash(a) != hash(b) || hash(a).is_none() {
            return Err("equal lists hash differently".into());
        }
        // Long lists: only a prefix is mixed, but equal lists still agree.
        let long = |mc| Value::list(mc, (0..5000).map(Value::Int));
        if hash(long(mc)) != hash(long(mc)) {
            return Err("long lists hash differently".into());
        }
        if hash(Value::Int(1)) == hash(Value::Float(1.0)) {
            return Err("1 and 1.0 collide (allowed, but unexpected)".into());
        }
        let bad = Value::list(mc, [Value::Int(1), Value::Unspecified].into_iter());
        if hash(bad).is_some() {
            return Err("unhashable part accepted".into());
        }
        // A circular list terminates.
        let cyc = Value::cons(mc, Value::Int(1), Value::Nil);
        if let Value::Pair(p) = cyc {
            crate::value::Pair::set_cdr(mc, p, cyc);
        }
        if hash(cyc).is_none() {
            return Err("circular list rejected".into());
        }
        Ok(())
    })
}
