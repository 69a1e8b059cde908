//! Pairs and lists (spec §10.3): constructors, accessors, the 28 c[ad]r compositions,
//! `length`, `append`, `reverse`, `list-tail`, `memq`/`assq` and friends.

use crate::args;
use crate::equivalence::equal;
use eta_vm::{natives, tags, Action, Ctx, Error, NResult, Pair, Value};

/// `(cons a b)` ;; `(cons 1 '(2))` => (1 2)
fn cons<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::cons(ctx.mc, a[0], a[1]))
}

/// `(car p)` ;; `(car '(1 2))` => 1
fn car<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    a[0].as_pair()
        .map(|p| p.0)
        .ok_or_else(|| Error::type_error("car", "pair", a[0]))
}

/// `(cdr p)` ;; `(cdr '(1 2))` => (2)
fn cdr<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    a[0].as_pair()
        .map(|p| p.1)
        .ok_or_else(|| Error::type_error("cdr", "pair", a[0]))
}

/// `(set-car! p v)` ;; `(set-car! p 0)`
fn set_car<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match a[0] {
        Value::Pair(p) => {
            Pair::set_car(ctx.mc, p, a[1]);
            Ok(Value::Unspecified)
        }
        v => Err(Error::type_error("set-car!", "pair", v)),
    }
}

/// `(set-cdr! p v)` ;; `(set-cdr! p '())`
fn set_cdr<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match a[0] {
        Value::Pair(p) => {
            Pair::set_cdr(ctx.mc, p, a[1]);
            Ok(Value::Unspecified)
        }
        v => Err(Error::type_error("set-cdr!", "pair", v)),
    }
}

/// Applies a c[ad]+r path (read right to left, as in the name).
fn cxr<'gc>(name: &str, path: &str, v: Value<'gc>) -> NResult<'gc> {
    let mut cur = v;
    for c in path.chars().rev() {
        let (a, d) = cur
            .as_pair()
            .ok_or_else(|| Error::type_error(name, "pair", cur))?;
        cur = if c == 'a' { a } else { d };
    }
    Ok(cur)
}

macro_rules! cxrs {
    ($($f:ident $name:literal $path:literal;)*) => {
        $(
            #[doc = concat!("`(", $name, " p)`")]
            fn $f<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
                cxr($name, $path, a[0])
            }
        )*
    };
}

cxrs! {
    caar "caar" "aa"; cadr "cadr" "ad"; cdar "cdar" "da"; cddr "cddr" "dd";
    caaar "caaar" "aaa"; caadr "caadr" "aad"; cadar "cadar" "ada"; caddr "caddr" "add";
    cdaar "cdaar" "daa"; cdadr "cdadr" "dad"; cddar "cddar" "dda"; cdddr "cdddr" "ddd";
    caaaar "caaaar" "aaaa"; caaadr "caaadr" "aaad"; caadar "caadar" "aada"; caaddr "caaddr" "aadd";
    cadaar "cadaar" "adaa"; cadadr "cadadr" "adad"; caddar "caddar" "adda"; cadddr "cadddr" "addd";
    cdaaar "cdaaar" "daaa"; cdaadr "cdaadr" "daad"; cdadar "cdadar" "dada"; cdaddr "cdaddr" "dadd";
    cddaar "cddaar" "ddaa"; cddadr "cddadr" "ddad"; cdddar "cdddar" "ddda"; cddddr "cddddr" "dddd";
}

/// `(list x ...)` ;; `(list 1 2)` => (1 2)
fn list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::list(ctx.mc, a.iter().copied()))
}

/// `(make-list k [fill])` ;; `(make-list 2 'x)` => (x x)
fn make_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let n = crate::vectors::count("make-list", a[0])?;
    let fill = a.get(1).copied().unwrap_or(Value::Unspecified);
    let mut acc = Value::Nil;
    for _ in 0..n {
        acc = Value::cons(ctx.mc, fill, acc);
    }
    Ok(acc)
}

/// `(length list)` ;; `(length '(1 2 3))` => 3
fn length<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match a[0].list_length() {
        Some(n) => Ok(Value::Int(n as i64)),
        None => Err(Error::type_error("length", "proper list", a[0])),
    }
}

/// `(list? x)` ;; `(list? '(1 . 2))` => #f
fn is_list<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(a[0].list_length().is_some()))
}

/// `(append list ... obj)` ;; `(append '(1) '(2) 3)` => (1 2 . 3)
fn append<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Some((last, init)) = a.split_last() else {
        return Ok(Value::Nil);
    };
    let mut items = Vec::new();
    for l in init {
        items.extend(args::list("append", *l)?);
    }
    Ok(Value::list_with_tail(ctx.mc, items.into_iter(), *last))
}

/// Elements `reverse` conses in one go: longer lists are reversed a chunk at a time.
const REVERSE_CHUNK: usize = 4096;

/// Conses at most `REVERSE_CHUNK` elements of `list` onto `acc`, reversed. Returns the
/// rest of the list (`'()` at the end, the improper tail if there is one) and the new
/// accumulator.
fn reverse_onto<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    list: Value<'gc>,
    mut acc: Value<'gc>,
) -> (Value<'gc>, Value<'gc>) {
    let mut cur = list;
    let mut n = 0;
    while n < REVERSE_CHUNK {
        let Value::Pair(p) = cur else { break };
        acc = Value::cons(ctx.mc, p.car.get(), acc);
        cur = p.cdr.get();
        n += 1;
    }
    eta_vm::payload::note_objects(n);
    (cur, acc)
}

/// `(reverse list)` ;; `(reverse '(1 2))` => (2 1)
///
/// A list longer than a chunk is checked to be proper first, then reversed a chunk at a
/// time by the prelude's `%reverse-long` (which calls `%reverse-chunk`): between chunks
/// the collector can run and reclaim the consumed part of an input nobody else holds,
/// so reversing a long temporary list needs little more than one list's memory.
fn reverse<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> Result<Action<'gc>, Error<'gc>> {
    let (rest, acc) = reverse_onto(ctx, a[0], Value::Nil);
    match rest {
        Value::Nil => Ok(Action::Return(acc)),
        Value::Pair(_) if a[0].list_length().is_some() => match ctx.st.builtin("%reverse-long") {
            Some(f) => Ok(Action::TailCall(f, vec![rest, acc])),
            None => Err(Error::new(tags::INTERNAL, "missing builtin %reverse-long")),
        },
        _ => Err(Error::type_error("reverse", "proper list", a[0])),
    }
}

/// `(%reverse-chunk list acc)`: one chunk of a long `reverse` (the list is known to be
/// proper) ;; => (rest . acc)
fn reverse_chunk<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let (rest, acc) = reverse_onto(ctx, a[0], a[1]);
    Ok(Value::cons(ctx.mc, rest, acc))
}

/// `(reverse! list)`: reverses in place (used by the prelude) ;; => reversed list
fn reverse_in_place<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut cur = a[0];
    let mut acc = Value::Nil;
    while let Value::Pair(p) = cur {
        let next = p.cdr.get();
        Pair::set_cdr(ctx.mc, p, acc);
        acc = cur;
        cur = next;
    }
    Ok(acc)
}

/// `(%map-begin l)`: checks `map`'s list argument and returns a mark for [`map_end`]
/// (the count of continuations captured so far).
fn map_begin<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    if a[0].list_length().is_none() {
        return Err(Error::type_error("map", "proper list", a[0]));
    }
    Ok(Value::Int(ctx.st.host.captures as i64))
}

/// `(%map-end acc mark)`: the reverse of `acc`, a list `map` built since `mark` was taken
/// by [`map_begin`]. When no continuation was captured since, no one else can hold its
/// pairs and it is reversed in place; otherwise a continuation may re-enter `map`'s loop
/// and return again, and earlier results must stay intact (R7RS 6.10), so it is copied.
fn map_end<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    if matches!(a[1], Value::Int(mark) if mark == ctx.st.host.captures as i64) {
        reverse_in_place(ctx, &a[..1])
    } else {
        // A fresh reversed copy in one go (this case is rare: a continuation was captured
        // while `map` ran).
        let (mut rest, mut acc) = (a[0], Value::Nil);
        while let Value::Pair(_) = rest {
            (rest, acc) = reverse_onto(ctx, rest, acc);
        }
        Ok(acc)
    }
}

/// `(list-copy obj)` ;; `(list-copy '(1 2))` => (1 2)
fn list_copy<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut items = Vec::new();
    let mut cur = a[0];
    let mut n = 0usize;
    while let Value::Pair(p) = cur {
        items.push(p.car.get());
        cur = p.cdr.get();
        n += 1;
        if n > 1 << 40 {
            break;
        }
    }
    if items.is_empty() {
        return Ok(a[0]);
    }
    if a[0].list_length().is_none() && !matches!(cur, Value::Nil) && matches!(cur, Value::Pair(_)) {
        return Err(Error::type_error("list-copy", "list", a[0]));
    }
    Ok(Value::list_with_tail(ctx.mc, items.into_iter(), cur))
}

fn tail<'gc>(who: &str, l: Value<'gc>, k: Value<'gc>) -> NResult<'gc> {
    let n = args::index(who, k)?;
    let mut cur = l;
    for _ in 0..n {
        match cur {
            Value::Pair(p) => cur = p.cdr.get(),
            _ => return Err(Error::range(who, k, n.min(list_len_hint(l)))),
        }
    }
    Ok(cur)
}

fn list_len_hint(l: Value<'_>) -> usize {
    let mut n = 0;
    let mut cur = l;
    while let Value::Pair(p) = cur {
        n += 1;
        cur = p.cdr.get();
        if n > 1 << 32 {
            break;
        }
    }
    n
}

/// `(list-tail list k)` ;; `(list-tail '(1 2 3) 1)` => (2 3)
fn list_tail<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    tail("list-tail", a[0], a[1])
}

/// `(list-ref list k)` ;; `(list-ref '(a b) 1)` => b
fn list_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match tail("list-ref", a[0], a[1])? {
        Value::Pair(p) => Ok(p.car.get()),
        _ => Err(Error::range("list-ref", a[1], list_len_hint(a[0]))),
    }
}

/// `(list-set! list k v)` ;; `(list-set! l 0 'x)`
fn list_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    match tail("list-set!", a[0], a[1])? {
        Value::Pair(p) => {
            Pair::set_car(ctx.mc, p, a[2]);
            Ok(Value::Unspecified)
        }
        _ => Err(Error::range("list-set!", a[1], list_len_hint(a[0]))),
    }
}

fn mem<'gc>(
    who: &str,
    x: Value<'gc>,
    l: Value<'gc>,
    same: impl Fn(Value<'gc>, Value<'gc>) -> bool,
) -> NResult<'gc> {
    let mut cur = l;
    let mut steps = 0usize;
    loop {
        match cur {
            Value::Pair(p) => {
                if same(x, p.car.get()) {
                    return Ok(cur);
                }
                cur = p.cdr.get();
            }
            Value::Nil => return Ok(Value::Bool(false)),
            _ => return Err(Error::type_error(who, "proper list", l)),
        }
        steps += 1;
        if steps.is_multiple_of(1_000_000) && l.list_length().is_none() {
            return Err(Error::type_error(who, "proper list", l));
        }
    }
}

/// `(memq x list)` ;; `(memq 'b '(a b c))` => (b c)
fn memq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    mem("memq", a[0], a[1], |x, y| x.is_eq(y))
}

/// `(memv x list)` ;; `(memv 2 '(1 2))` => (2)
fn memv<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    mem("memv", a[0], a[1], |x, y| x.is_eqv(y))
}

/// `(%member x list)`: `member` with `equal?`.
fn member_equal<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    mem("member", a[0], a[1], equal)
}

fn ass<'gc>(
    who: &str,
    k: Value<'gc>,
    l: Value<'gc>,
    same: impl Fn(Value<'gc>, Value<'gc>) -> bool,
) -> NResult<'gc> {
    let items = args::list(who, l)?;
    for e in items {
        match e.as_pair() {
            Some((key, _)) => {
                if same(k, key) {
                    return Ok(e);
                }
            }
            None => return Err(Error::type_error(who, "pair", e)),
        }
    }
    Ok(Value::Bool(false))
}

/// `(assq k alist)` ;; `(assq 'b '((a 1) (b 2)))` => (b 2)
fn assq<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    ass("assq", a[0], a[1], |x, y| x.is_eq(y))
}

/// `(assv k alist)` ;; `(assv 2 '((1 . a) (2 . b)))` => (2 . b)
fn assv<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    ass("assv", a[0], a[1], |x, y| x.is_eqv(y))
}

/// `(%assoc k alist)`: `assoc` with `equal?`.
fn assoc_equal<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    ass("assoc", a[0], a[1], equal)
}

/// `(null? x)` ;; `(null? '())` => #t
fn is_null<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Nil)))
}

/// `(pair? x)` ;; `(pair? '(1))` => #t
fn is_pair<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Pair(_))))
}

/// The pair and list builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "cons", 2, Some(2), Simple(cons);
    "car", 1, Some(1), Simple(car);
    "cdr", 1, Some(1), Simple(cdr);
    "set-car!", 2, Some(2), Simple(set_car);
    "set-cdr!", 2, Some(2), Simple(set_cdr);
    "caar", 1, Some(1), Simple(caar);
    "cadr", 1, Some(1), Simple(cadr);
    "cdar", 1, Some(1), Simple(cdar);
    "cddr", 1, Some(1), Simple(cddr);
    "caaar", 1, Some(1), Simple(caaar);
    "caadr", 1, Some(1), Simple(caadr);
    "cadar", 1, Some(1), Simple(cadar);
    "caddr", 1, Some(1), Simple(caddr);
    "cdaar", 1, Some(1), Simple(cdaar);
    "cdadr", 1, Some(1), Simple(cdadr);
    "cddar", 1, Some(1), Simple(cddar);
    "cdddr", 1, Some(1), Simple(cdddr);
    "caaaar", 1, Some(1), Simple(caaaar);
    "caaadr", 1, Some(1), Simple(caaadr);
    "caadar", 1, Some(1), Simple(caadar);
    "caaddr", 1, Some(1), Simple(caaddr);
    "cadaar", 1, Some(1), Simple(cadaar);
    "cadadr", 1, Some(1), Simple(cadadr);
    "caddar", 1, Some(1), Simple(caddar);
    "cadddr", 1, Some(1), Simple(cadddr);
    "cdaaar", 1, Some(1), Simple(cdaaar);
    "cdaadr", 1, Some(1), Simple(cdaadr);
    "cdadar", 1, Some(1), Simple(cdadar);
    "cdaddr", 1, Some(1), Simple(cdaddr);
    "cddaar", 1, Some(1), Simple(cddaar);
    "cddadr", 1, Some(1), Simple(cddadr);
    "cdddar", 1, Some(1), Simple(cdddar);
    "cddddr", 1, Some(1), Simple(cddddr);
    "list", 0, None, Simple(list);
    "make-list", 1, Some(2), Simple(make_list);
    "length", 1, Some(1), Simple(length);
    "list?", 1, Some(1), Simple(is_list);
    "append", 0, None, Simple(append);
    "reverse", 1, Some(1), Control(reverse);
    "%reverse-chunk", 2, Some(2), Simple(reverse_chunk);
    "reverse!", 1, Some(1), Simple(reverse_in_place);
    "list-copy", 1, Some(1), Simple(list_copy);
    "%map-begin", 1, Some(1), Simple(map_begin);
    "%map-end", 2, Some(2), Simple(map_end);
    "list-tail", 2, Some(2), Simple(list_tail);
    "list-ref", 2, Some(2), Simple(list_ref);
    "list-set!", 3, Some(3), Simple(list_set);
    "memq", 2, Some(2), Simple(memq);
    "memv", 2, Some(2), Simple(memv);
    "%member", 2, Some(2), Simple(member_equal);
    "assq", 2, Some(2), Simple(assq);
    "assv", 2, Some(2), Simple(assv);
    "%assoc", 2, Some(2), Simple(assoc_equal);
    "null?", 1, Some(1), Simple(is_null);
    "pair?", 1, Some(1), Simple(is_pair);
];
