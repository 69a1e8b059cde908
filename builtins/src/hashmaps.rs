//! Hash maps and hash sets (spec §10.10): persistent, insertion-ordered collections built
//! on `eta_vm::HashMapObj`, plus `hash`. `hash-map-fold` calls Eta code, so it lives in
//! the prelude.

use crate::args;
use eta_vm::hashmap::hash;
use eta_vm::{natives, tags, write_truncated, Ctx, Error, Gc, HashMapObj, NResult, Value};

/// The error for a key that cannot be hashed.
fn unhashable<'gc>(who: &str, key: Value<'gc>) -> Error<'gc> {
    Error::msg(format!(
        "{who}: unhashable key {}",
        write_truncated(key, 200)
    ))
    .with_irritants(vec![key])
}

/// The hash of an allowed key, or the `T` error naming `who`.
fn key_hash<'gc>(who: &str, key: Value<'gc>) -> Result<u64, Error<'gc>> {
    hash(key).ok_or_else(|| unhashable(who, key))
}

/// A hash map argument.
fn map_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Gc<'gc, HashMapObj<'gc>>, Error<'gc>> {
    match v {
        Value::HashMap(m) => Ok(m),
        _ => Err(Error::type_error(who, "hash-map", v)),
    }
}

/// A hash set argument.
fn set_arg<'gc>(who: &str, v: Value<'gc>) -> Result<Gc<'gc, HashMapObj<'gc>>, Error<'gc>> {
    match v {
        Value::HashSet(s) => Ok(s),
        _ => Err(Error::type_error(who, "hash-set", v)),
    }
}

fn new_map<'gc>(ctx: &Ctx<'_, 'gc>, m: HashMapObj<'gc>) -> Value<'gc> {
    Value::HashMap(Gc::new(ctx.mc, m))
}

fn new_set<'gc>(ctx: &Ctx<'_, 'gc>, s: HashMapObj<'gc>) -> Value<'gc> {
    Value::HashSet(Gc::new(ctx.mc, s))
}

/// Adds key/value pairs in order (later duplicates replace earlier values).
fn assoc_all<'gc>(
    ctx: &Ctx<'_, 'gc>,
    who: &str,
    mut m: HashMapObj<'gc>,
    entries: impl Iterator<Item = (Value<'gc>, Value<'gc>)>,
) -> Result<HashMapObj<'gc>, Error<'gc>> {
    for (k, v) in entries {
        m = m.assoc(ctx.mc, k, key_hash(who, k)?, v);
    }
    Ok(m)
}

/// Adds elements to a set in order.
fn add_all<'gc>(
    ctx: &Ctx<'_, 'gc>,
    who: &str,
    s: HashMapObj<'gc>,
    items: impl Iterator<Item = Value<'gc>>,
) -> Result<HashMapObj<'gc>, Error<'gc>> {
    assoc_all(ctx, who, s, items.map(|x| (x, Value::Bool(true))))
}

/// `(hash-map k1 v1 k2 v2 ...)` ;; `(hash-map 'a 1 'b 2)` => #hashmap{a 1, b 2}
fn hash_map<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    if !a.len().is_multiple_of(2) {
        return Err(Error::new(
            tags::ARITY,
            "hash-map: expected an even number of arguments",
        ));
    }
    let m = assoc_all(
        ctx,
        "hash-map",
        HashMapObj::new(),
        a.chunks_exact(2).map(|kv| (kv[0], kv[1])),
    )?;
    Ok(new_map(ctx, m))
}

/// `(make-hash-map)` ;; `(make-hash-map)` => #hashmap{}
fn make_hash_map<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(new_map(ctx, HashMapObj::new()))
}

/// `(hash-map? x)` ;; `(hash-map? (hash-map))` => #t
fn is_hash_map<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::HashMap(_))))
}

/// `(hash-map-ref m k [default])` ;; `(hash-map-ref (hash-map 'a 1) 'b 0)` => 0
fn hash_map_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let m = map_arg("hash-map-ref", a[0])?;
    let h = key_hash("hash-map-ref", a[1])?;
    match (m.get(a[1], h), a.get(2)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(*default),
        (None, None) => Err(Error::new(
            tags::USER,
            format!(
                "hash-map-ref: key not found: {}",
                write_truncated(a[1], 200)
            ),
        )
        .with_irritants(vec![a[1]])),
    }
}

/// `(hash-map-assoc m k v)` ;; `(hash-map-assoc (hash-map) 'a 1)` => #hashmap{a 1}
fn hash_map_assoc<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let m = map_arg("hash-map-assoc", a[0])?;
    let h = key_hash("hash-map-assoc", a[1])?;
    Ok(new_map(ctx, m.assoc(ctx.mc, a[1], h, a[2])))
}

/// `(hash-map-dissoc m k)` ;; `(hash-map-dissoc (hash-map 'a 1) 'a)` => #hashmap{}
fn hash_map_dissoc<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let m = map_arg("hash-map-dissoc", a[0])?;
    let h = key_hash("hash-map-dissoc", a[1])?;
    Ok(match m.dissoc(ctx.mc, a[1], h) {
        Some(n) => new_map(ctx, n),
        None => a[0],
    })
}

/// `(hash-map-keys m)` ;; `(hash-map-keys (hash-map 'a 1 'b 2))` => (a b)
fn hash_map_keys<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let m = map_arg("hash-map-keys", a[0])?;
    let keys: Vec<Value<'gc>> = m.entries().into_iter().map(|(k, _)| k).collect();
    Ok(Value::list(ctx.mc, keys.into_iter()))
}

/// `(hash-map-values m)` ;; `(hash-map-values (hash-map 'a 1 'b 2))` => (1 2)
fn hash_map_values<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let m = map_arg("hash-map-values", a[0])?;
    let values: Vec<Value<'gc>> = m.entries().into_iter().map(|(_, v)| v).collect();
    Ok(Value::list(ctx.mc, values.into_iter()))
}

/// `(hash-map->list m)` ;; `(hash-map->list (hash-map 'a 1))` => ((a . 1))
fn hash_map_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let m = map_arg("hash-map->list", a[0])?;
    let pairs: Vec<Value<'gc>> = m
        .entries()
        .into_iter()
        .map(|(k, v)| Value::cons(ctx.mc, k, v))
        .collect();
    Ok(Value::list(ctx.mc, pairs.into_iter()))
}

/// `(hash-map-size m)` ;; `(hash-map-size (hash-map 'a 1))` => 1
fn hash_map_size<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Int(map_arg("hash-map-size", a[0])?.len() as i64))
}

/// `(list->hash-map list)` ;; `(list->hash-map '((a . 1) (b 2)))` => #hashmap{a 1, b 2}
///
/// Alist elements `(k . v)` map `k` to `v`, except that `(k v)` maps `k` to `v`; a list
/// with any non-pair element is read as a flat `k v k v ...` list.
fn list_to_hash_map<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "list->hash-map";
    let items = args::list(WHO, a[0])?;
    let m = if items.iter().all(|x| matches!(x, Value::Pair(_))) {
        let entries =
            items
                .iter()
                .filter_map(|x| x.as_pair())
                .map(|(k, rest)| match rest.as_pair() {
                    Some((v, Value::Nil)) => (k, v),
                    _ => (k, rest),
                });
        assoc_all(ctx, WHO, HashMapObj::new(), entries)?
    } else {
        if !items.len().is_multiple_of(2) {
            return Err(Error::type_error(WHO, "list of even length", a[0]));
        }
        assoc_all(
            ctx,
            WHO,
            HashMapObj::new(),
            items.chunks_exact(2).map(|kv| (kv[0], kv[1])),
        )?
    };
    Ok(new_map(ctx, m))
}

/// `(hash x)` ;; `(= (hash "ab") (hash (string #\a #\b)))` => #t
fn hash_value<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let h = key_hash("hash", a[0])?;
    // Keep 62 bits: a non-negative fixnum on every platform.
    Ok(Value::Int((h >> 2) as i64))
}

/// `(make-hash-set)` ;; `(make-hash-set)` => #hashset{}
fn make_hash_set<'gc>(ctx: &mut Ctx<'_, 'gc>, _a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(new_set(ctx, HashMapObj::new()))
}

/// `(hash-set x ...)` ;; `(hash-set 1 2 1)` => #hashset{1 2}
fn hash_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = add_all(ctx, "hash-set", HashMapObj::new(), a.iter().copied())?;
    Ok(new_set(ctx, s))
}

/// `(hash-set? x)` ;; `(hash-set? (hash-set))` => #t
fn is_hash_set<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::HashSet(_))))
}

/// `(hash-set-add s x)` ;; `(hash-set-add (hash-set 1) 2)` => #hashset{1 2}
fn hash_set_add<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = set_arg("hash-set-add", a[0])?;
    let h = key_hash("hash-set-add", a[1])?;
    if s.contains(a[1], h) {
        return Ok(a[0]);
    }
    Ok(new_set(ctx, s.assoc(ctx.mc, a[1], h, Value::Bool(true))))
}

/// `(hash-set-remove s x)` ;; `(hash-set-remove (hash-set 1 2) 1)` => #hashset{2}
fn hash_set_remove<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = set_arg("hash-set-remove", a[0])?;
    let h = key_hash("hash-set-remove", a[1])?;
    Ok(match s.dissoc(ctx.mc, a[1], h) {
        Some(n) => new_set(ctx, n),
        None => a[0],
    })
}

/// `(hash-set-contains? s x)` ;; `(hash-set-contains? (hash-set 1) 1)` => #t
fn hash_set_contains<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = set_arg("hash-set-contains?", a[0])?;
    let h = key_hash("hash-set-contains?", a[1])?;
    Ok(Value::Bool(s.contains(a[1], h)))
}

/// Elements of a set with their hashes. Set elements were hashable when added; one made
/// unhashable since (by mutating a pair inside it) is reported like any other key.
fn elements<'gc>(who: &str, s: &HashMapObj<'gc>) -> Result<Vec<(Value<'gc>, u64)>, Error<'gc>> {
    s.entries()
        .into_iter()
        .map(|(x, _)| Ok((x, key_hash(who, x)?)))
        .collect()
}

/// `(hash-set-union a b)` ;; `(hash-set-union (hash-set 1 2) (hash-set 3 1))` => #hashset{1 2 3}
fn hash_set_union<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "hash-set-union";
    let (s, t) = (set_arg(WHO, a[0])?, set_arg(WHO, a[1])?);
    let mut out = *s;
    for (x, h) in elements(WHO, &t)? {
        if !out.contains(x, h) {
            out = out.assoc(ctx.mc, x, h, Value::Bool(true));
        }
    }
    Ok(new_set(ctx, out))
}

/// `(hash-set-intersect a b)` ;; `(hash-set-intersect (hash-set 1 2) (hash-set 2 3))` => #hashset{2}
fn hash_set_intersect<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "hash-set-intersect";
    let (s, t) = (set_arg(WHO, a[0])?, set_arg(WHO, a[1])?);
    // Removing from `a` keeps its order.
    let mut out = *s;
    for (x, h) in elements(WHO, &s)? {
        if !t.contains(x, h) {
            if let Some(n) = out.dissoc(ctx.mc, x, h) {
                out = n;
            }
        }
    }
    Ok(new_set(ctx, out))
}

/// `(hash-set-diff a b)` ;; `(hash-set-diff (hash-set 1 2) (hash-set 2))` => #hashset{1}
fn hash_set_diff<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "hash-set-diff";
    let (s, t) = (set_arg(WHO, a[0])?, set_arg(WHO, a[1])?);
    let mut out = *s;
    if t.len() <= s.len() {
        for (x, h) in elements(WHO, &t)? {
            if let Some(n) = out.dissoc(ctx.mc, x, h) {
                out = n;
            }
        }
    } else {
        for (x, h) in elements(WHO, &s)? {
            if t.contains(x, h) {
                if let Some(n) = out.dissoc(ctx.mc, x, h) {
                    out = n;
                }
            }
        }
    }
    Ok(new_set(ctx, out))
}

/// `(hash-set->list s)` ;; `(hash-set->list (hash-set 'a 'b))` => (a b)
fn hash_set_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = set_arg("hash-set->list", a[0])?;
    let items: Vec<Value<'gc>> = s.entries().into_iter().map(|(x, _)| x).collect();
    Ok(Value::list(ctx.mc, items.into_iter()))
}

/// `(list->hash-set list)` ;; `(list->hash-set '(1 2 1))` => #hashset{1 2}
fn list_to_hash_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let items = args::list("list->hash-set", a[0])?;
    let s = add_all(ctx, "list->hash-set", HashMapObj::new(), items.into_iter())?;
    Ok(new_set(ctx, s))
}

/// The hash map and hash set builtins (`hash-map-fold` is in the prelude).
pub static NATIVES: &[eta_vm::Native] = natives![
    "hash-map", 0, None, Simple(hash_map);
    "make-hash-map", 0, Some(0), Simple(make_hash_map);
    "hash-map?", 1, Some(1), Simple(is_hash_map);
    "hash-map-ref", 2, Some(3), Simple(hash_map_ref);
    "hash-map-assoc", 3, Some(3), Simple(hash_map_assoc);
    "hash-map-dissoc", 2, Some(2), Simple(hash_map_dissoc);
    "hash-map-keys", 1, Some(1), Simple(hash_map_keys);
    "hash-map-values", 1, Some(1), Simple(hash_map_values);
    "hash-map->list", 1, Some(1), Simple(hash_map_to_list);
    "hash-map-size", 1, Some(1), Simple(hash_map_size);
    "list->hash-map", 1, Some(1), Simple(list_to_hash_map);
    "hash", 1, Some(1), Simple(hash_value);
    "make-hash-set", 0, Some(0), Simple(make_hash_set);
    "hash-set", 0, None, Simple(hash_set);
    "hash-set?", 1, Some(1), Simple(is_hash_set);
    "hash-set-add", 2, Some(2), Simple(hash_set_add);
    "hash-set-remove", 2, Some(2), Simple(hash_set_remove);
    "hash-set-contains?", 2, Some(2), Simple(hash_set_contains);
    "hash-set-union", 2, Some(2), Simple(hash_set_union);
    "hash-set-intersect", 2, Some(2), Simple(hash_set_intersect);
    "hash-set-diff", 2, Some(2), Simple(hash_set_diff);
    "hash-set->list", 1, Some(1), Simple(hash_set_to_list);
    "list->hash-set", 1, Some(1), Simple(list_to_hash_set);
];
