//! Strings (spec §7, §10.5): construction, character-indexed access and mutation,
//! copying, conversions to and from lists, vectors and UTF-8, comparisons and the
//! full Unicode case mappings. String literals and `symbol->string` results are
//! immutable; every procedure that returns a string returns a fresh mutable one.
//! `string-map` and `string-for-each` are in the prelude.

use crate::args;
use crate::chars::{char_arg, full_foldcase};
use crate::vectors::{count, heap_error, index, position, range};
use eta_vm::{natives, Ctx, Error, EtaString, Gc, Mutation, NResult, StrObj, Tracked, Value};
use gc_arena::RefLock;
use std::cmp::Ordering;

type StrRef<'gc> = Gc<'gc, StrObj>;

/// A fresh mutable string holding `text` (taken, not copied).
pub fn new_string<'gc>(mc: &Mutation<'gc>, text: String) -> Value<'gc> {
    Value::Str(Gc::new(
        mc,
        StrObj {
            text: RefLock::new(Tracked::new(EtaString::from(text))),
            mutable: true,
        },
    ))
}

/// The full case folding of `s` (what `string-foldcase` returns).
pub fn foldcase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        full_foldcase(c, &mut out);
    }
    out
}

fn str_arg<'gc>(who: &str, v: Value<'gc>) -> Result<StrRef<'gc>, Error<'gc>> {
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(Error::type_error(who, "string", v)),
    }
}

/// A string argument that the procedure is about to mutate (`I` if it is immutable).
fn mutable_str_arg<'gc>(who: &str, v: Value<'gc>) -> Result<StrRef<'gc>, Error<'gc>> {
    let s = str_arg(who, v)?;
    if s.mutable {
        Ok(s)
    } else {
        Err(Error::msg(format!("{who}: string is immutable")).with_irritants(vec![v]))
    }
}

/// Write access to a string's text, through the write barrier.
fn edit_text<'gc>(mc: &Mutation<'gc>, s: StrRef<'gc>, f: impl FnOnce(&mut EtaString)) {
    let mut text = gc_arena::barrier::unlock!(Gc::write(mc, s), StrObj, text).borrow_mut();
    f(&mut text);
    // The byte length changes when a character's encoded length does.
    text.resync();
}

/// The character count of a string argument.
fn char_len(s: StrRef<'_>) -> usize {
    s.text.borrow().len()
}

/// Replaces the `n` characters of `text` at `at` (in range) by `chunk`, which holds
/// `n` characters.
fn replace_chars(text: &mut EtaString, at: usize, chunk: &str, n: usize) {
    if text.len() == text.as_str().len() && chunk.is_ascii() {
        // ASCII over ASCII: byte-for-byte replacement, no reindexing.
        for (i, c) in chunk.chars().enumerate() {
            text.set_char(at + i, c);
        }
        return;
    }
    let (b0, b1) = (text.byte_offset(at), text.byte_offset(at + n));
    let old = text.as_str();
    let mut new = String::with_capacity(old.len() - (b1 - b0) + chunk.len());
    new.push_str(&old[..b0]);
    new.push_str(chunk);
    new.push_str(&old[b1..]);
    text.set(new);
}

/// `(make-string k [char])`: `k` copies of `char` (default: space).
///
/// `(make-string 3 #\é)` ;; => "ééé"
fn make_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "make-string";
    let n = count(WHO, a[0])?;
    let c = match a.get(1) {
        Some(v) => char_arg(WHO, *v)?,
        None => ' ',
    };
    let mut text = String::new();
    n.checked_mul(c.len_utf8())
        .and_then(|bytes| text.try_reserve_exact(bytes).ok())
        .ok_or_else(|| heap_error(WHO, &n.to_string()))?;
    text.extend(std::iter::repeat_n(c, n));
    Ok(new_string(ctx.mc, text))
}

/// `(string char ...)`: a fresh string of the arguments.
///
/// `(string #\a #\ñ)` ;; => "añ"
fn string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let text = a
        .iter()
        .map(|v| char_arg("string", *v))
        .collect::<Result<String, _>>()?;
    Ok(new_string(ctx.mc, text))
}

/// `(string-length s)`: the number of characters.
///
/// `(string-length "héllo")` ;; => 5
fn string_length<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Int(char_len(str_arg("string-length", a[0])?) as i64))
}

/// `(string-ref s k)`: character `k`.
///
/// `(string-ref "héllo" 1)` ;; => #\é
fn string_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = str_arg("string-ref", a[0])?;
    let text = s.text.borrow();
    let k = index("string-ref", a[1], text.len())?;
    text.char_at(k)
        .map(Value::Char)
        .ok_or_else(|| Error::range("string-ref", a[1], text.len()))
}

/// `(string-set! s k c)`: replaces character `k` of a mutable string.
///
/// `(let ((s (make-string 2 #\a))) (string-set! s 1 #\é) s)` ;; => "aé"
fn string_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "string-set!";
    let s = mutable_str_arg(WHO, a[0])?;
    let k = index(WHO, a[1], char_len(s))?;
    let c = char_arg(WHO, a[2])?;
    edit_text(ctx.mc, s, |t| t.set_char(k, c));
    Ok(Value::Unspecified)
}

/// `(substring s start [end])`: a fresh string of the characters `start..end`.
///
/// `(substring "héllo" 1 3)` ;; => "él"
fn substring<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    copy_range(ctx, "substring", a)
}

/// `(string-copy s [start [end]])`: a fresh (mutable) copy of the characters in range.
///
/// `(string-copy "héllo" 1)` ;; => "éllo"
fn string_copy<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    copy_range(ctx, "string-copy", a)
}

fn copy_range<'gc>(ctx: &mut Ctx<'_, 'gc>, who: &str, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = str_arg(who, a[0])?;
    let copy = {
        let text = s.text.borrow();
        let (st, en) = range(who, a, 1, text.len())?;
        text.substring(st, en).to_string()
    };
    Ok(new_string(ctx.mc, copy))
}

/// `(string-append s ...)`: a fresh string of every argument's characters.
///
/// `(string-append "a" "ñ")` ;; => "añ"
fn string_append<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let mut out = String::new();
    for v in a {
        out.push_str(str_arg("string-append", *v)?.text.borrow().as_str());
    }
    Ok(new_string(ctx.mc, out))
}

/// `(string-copy! to at from [start [end]])`: copies `from[start..end]` into the
/// mutable string `to` at `at`; `to` and `from` may be the same string.
///
/// `(let ((s (string-copy "abcd"))) (string-copy! s 1 "XY") s)` ;; => "aXYd"
fn string_copy_to<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "string-copy!";
    let to = mutable_str_arg(WHO, a[0])?;
    let to_len = char_len(to);
    let at = position(WHO, a[1], to_len)?;
    let from = str_arg(WHO, a[2])?;
    // Copied out first so that `to` and `from` may be the same string.
    let (chunk, n) = {
        let text = from.text.borrow();
        let (st, en) = range(WHO, a, 3, text.len())?;
        (text.substring(st, en).to_string(), en - st)
    };
    if n > to_len - at {
        return Err(
            Error::msg(format!("{WHO}: bad range {at}..{}", at + n)).with_irritants(vec![a[1]])
        );
    }
    edit_text(ctx.mc, to, |t| replace_chars(t, at, &chunk, n));
    Ok(Value::Unspecified)
}

/// `(string-fill! s c [start [end]])`: stores `c` in every position of the range.
///
/// `(let ((s (make-string 3 #\a))) (string-fill! s #\é 1) s)` ;; => "aéé"
fn string_fill<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "string-fill!";
    let s = mutable_str_arg(WHO, a[0])?;
    let c = char_arg(WHO, a[1])?;
    let (st, en) = range(WHO, a, 2, char_len(s))?;
    let chunk: String = std::iter::repeat_n(c, en - st).collect();
    edit_text(ctx.mc, s, |t| replace_chars(t, st, &chunk, en - st));
    Ok(Value::Unspecified)
}

/// `(string->list s [start [end]])`: the characters as a fresh list.
///
/// `(string->list "añb")` ;; => (#\a #\ñ #\b)
fn string_to_list<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let chars = range_chars("string->list", a)?;
    Ok(Value::list(ctx.mc, chars.into_iter()))
}

/// `(string->vector s [start [end]])`: the characters as a fresh vector.
///
/// `(string->vector "añ")` ;; => #(#\a #\ñ)
fn string_to_vector<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let chars = range_chars("string->vector", a)?;
    Ok(Value::vector(ctx.mc, chars))
}

/// The characters of string `a[0]` in the range given by `a[1]`, `a[2]`.
fn range_chars<'gc>(who: &str, a: &[Value<'gc>]) -> Result<Vec<Value<'gc>>, Error<'gc>> {
    let s = str_arg(who, a[0])?;
    let text = s.text.borrow();
    let (st, en) = range(who, a, 1, text.len())?;
    Ok(text.substring(st, en).chars().map(Value::Char).collect())
}

/// `(list->string list)`: a fresh string of the list's characters.
///
/// `(list->string '(#\a #\ñ))` ;; => "añ"
fn list_to_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let text = args::list("list->string", a[0])?
        .into_iter()
        .map(|v| char_arg("list->string", v))
        .collect::<Result<String, _>>()?;
    Ok(new_string(ctx.mc, text))
}

/// `(vector->string v [start [end]])`: a fresh string of the vector's characters.
///
/// `(vector->string #(#\a #\ñ #\b) 1)` ;; => "ñb"
fn vector_to_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "vector->string";
    let Value::Vector(v) = a[0] else {
        return Err(Error::type_error(WHO, "vector", a[0]));
    };
    let text = {
        let items = v.borrow();
        let (st, en) = range(WHO, a, 1, items.len())?;
        items[st..en]
            .iter()
            .map(|x| char_arg(WHO, *x))
            .collect::<Result<String, _>>()?
    };
    Ok(new_string(ctx.mc, text))
}

/// Checks every argument, then whether each adjacent pair (case-folded first when
/// `fold`) is ordered as `ok` requires. Code-point order is UTF-8 byte order.
fn compare<'gc>(who: &str, a: &[Value<'gc>], fold: bool, ok: fn(Ordering) -> bool) -> NResult<'gc> {
    let strs = a
        .iter()
        .map(|v| str_arg(who, *v))
        .collect::<Result<Vec<_>, _>>()?;
    let result = if fold {
        let folded: Vec<String> = strs
            .iter()
            .map(|s| foldcase(s.text.borrow().as_str()))
            .collect();
        folded.windows(2).all(|w| ok(w[0].cmp(&w[1])))
    } else {
        strs.windows(2)
            .all(|w| ok(w[0].text.borrow().as_str().cmp(w[1].text.borrow().as_str())))
    };
    Ok(Value::Bool(result))
}

macro_rules! comparisons {
    ($($f:ident $name:literal $fold:literal $ok:expr, $example:literal;)*) => {
        $(
            #[doc = concat!("`(", $name, " s1 s2 ...)`: code-point comparison of adjacent",
                " arguments (the `-ci` forms after `string-foldcase`).\n\n", $example)]
            fn $f<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
                compare($name, a, $fold, $ok)
            }
        )*
    };
}

comparisons! {
    string_eq "string=?" false Ordering::is_eq, "`(string=? \"añ\" \"añ\")` ;; => #t";
    string_lt "string<?" false Ordering::is_lt, "`(string<? \"a\" \"ab\" \"b\")` ;; => #t";
    string_gt "string>?" false Ordering::is_gt, "`(string>? \"b\" \"a\")` ;; => #t";
    string_le "string<=?" false Ordering::is_le, "`(string<=? \"a\" \"a\" \"b\")` ;; => #t";
    string_ge "string>=?" false Ordering::is_ge, "`(string>=? \"b\" \"b\" \"a\")` ;; => #t";
    string_ci_eq "string-ci=?" true Ordering::is_eq, "`(string-ci=? \"Straße\" \"STRASSE\")` ;; => #t";
    string_ci_lt "string-ci<?" true Ordering::is_lt, "`(string-ci<? \"a\" \"B\")` ;; => #t";
    string_ci_gt "string-ci>?" true Ordering::is_gt, "`(string-ci>? \"b\" \"A\")` ;; => #t";
    string_ci_le "string-ci<=?" true Ordering::is_le, "`(string-ci<=? \"a\" \"A\")` ;; => #t";
    string_ci_ge "string-ci>=?" true Ordering::is_ge, "`(string-ci>=? \"B\" \"a\")` ;; => #t";
}

/// `(string-upcase s)`: a fresh string with the full uppercase mapping.
///
/// `(string-upcase "straße")` ;; => "STRASSE"
fn string_upcase<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let up = str_arg("string-upcase", a[0])?
        .text
        .borrow()
        .as_str()
        .to_uppercase();
    Ok(new_string(ctx.mc, up))
}

/// `(string-downcase s)`: a fresh string with the full lowercase mapping (a final
/// capital sigma becomes ς).
///
/// `(string-downcase "ΟΔΟΣ")` ;; => "οδος"
fn string_downcase<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let down = str_arg("string-downcase", a[0])?
        .text
        .borrow()
        .as_str()
        .to_lowercase();
    Ok(new_string(ctx.mc, down))
}

/// `(string-foldcase s)`: a fresh string with the full case folding.
///
/// `(string-foldcase "Straße")` ;; => "strasse"
fn string_foldcase<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let folded = foldcase(str_arg("string-foldcase", a[0])?.text.borrow().as_str());
    Ok(new_string(ctx.mc, folded))
}

/// `(string->utf8 s [start [end]])`: the UTF-8 encoding of the characters in range.
///
/// `(string->utf8 "é")` ;; => #u8(195 169)
fn string_to_utf8<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let s = str_arg("string->utf8", a[0])?;
    let bytes = {
        let text = s.text.borrow();
        let (st, en) = range("string->utf8", a, 1, text.len())?;
        text.substring(st, en).as_bytes().to_vec()
    };
    Ok(Value::bytevector(ctx.mc, bytes))
}

/// `(utf8->string bv [start [end]])`: decodes the bytes in range as UTF-8
/// (`utf8->string: invalid UTF-8 at byte N` otherwise).
///
/// `(utf8->string #u8(195 169))` ;; => "é"
fn utf8_to_string<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    const WHO: &str = "utf8->string";
    let Value::Bytevector(b) = a[0] else {
        return Err(Error::type_error(WHO, "bytevector", a[0]));
    };
    let text = {
        let bytes = b.borrow();
        let (st, en) = range(WHO, a, 1, bytes.len())?;
        match std::str::from_utf8(&bytes[st..en]) {
            Ok(t) => t.to_string(),
            Err(e) => {
                return Err(Error::msg(format!(
                    "{WHO}: invalid UTF-8 at byte {}",
                    st + e.valid_up_to()
                ))
                .with_irritants(vec![a[0]]))
            }
        }
    };
    Ok(new_string(ctx.mc, text))
}

/// The string builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "make-string", 1, Some(2), Simple(make_string);
    "string", 0, None, Simple(string);
    "string-length", 1, Some(1), Simple(string_length);
    "string-ref", 2, Some(2), Simple(string_ref);
    "string-set!", 3, Some(3), Simple(string_set);
    "substring", 2, Some(3), Simple(substring);
    "string-append", 0, None, Simple(string_append);
    "string-copy", 1, Some(3), Simple(string_copy);
    "string-copy!", 3, Some(5), Simple(string_copy_to);
    "string-fill!", 2, Some(4), Simple(string_fill);
    "string->list", 1, Some(3), Simple(string_to_list);
    "list->string", 1, Some(1), Simple(list_to_string);
    "string->vector", 1, Some(3), Simple(string_to_vector);
    "vector->string", 1, Some(3), Simple(vector_to_string);
    "string=?", 1, None, Simple(string_eq);
    "string<?", 1, None, Simple(string_lt);
    "string>?", 1, None, Simple(string_gt);
    "string<=?", 1, None, Simple(string_le);
    "string>=?", 1, None, Simple(string_ge);
    "string-ci=?", 1, None, Simple(string_ci_eq);
    "string-ci<?", 1, None, Simple(string_ci_lt);
    "string-ci>?", 1, None, Simple(string_ci_gt);
    "string-ci<=?", 1, None, Simple(string_ci_le);
    "string-ci>=?", 1, None, Simple(string_ci_ge);
    "string-upcase", 1, Some(1), Simple(string_upcase);
    "string-downcase", 1, Some(1), Simple(string_downcase);
    "string-foldcase", 1, Some(1), Simple(string_foldcase);
    "string->utf8", 1, Some(3), Simple(string_to_utf8);
    "utf8->string", 1, Some(3), Simple(utf8_to_string);
];
