//! `Value<'gc>`: the small `Copy` enum every Eta value is, plus the heap object kinds it
//! points to. Immediate kinds (fixnums, flonums, characters, booleans, ...) never allocate.

use crate::closure::{Closure, Native, Parameter, Promise};
use crate::condition::Condition;
use crate::continuation::Continuation;
use crate::hashmap::HashMapObj;
use crate::payload::Tracked;
use crate::record::{Record, RecordType};
use crate::string::EtaString;
use crate::symbol::Symbol;
use gc_arena::{Collect, Gc, Lock, Mutation, RefLock};
use num_bigint::BigInt;

// A value is two words, and an absent one (`None`) costs no more.
const _: () = assert!(std::mem::size_of::<Value<'static>>() == 16);
const _: () = assert!(std::mem::size_of::<Option<Value<'static>>>() == 16);

/// A pair: two mutable cells.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Pair<'gc> {
    /// The car.
    pub car: Lock<Value<'gc>>,
    /// The cdr.
    pub cdr: Lock<Value<'gc>>,
}

impl<'gc> Pair<'gc> {
    /// `set-car!` with the write barrier.
    pub fn set_car(mc: &Mutation<'gc>, p: Gc<'gc, Pair<'gc>>, v: Value<'gc>) {
        gc_arena::barrier::unlock!(Gc::write(mc, p), Pair, car).set(v);
    }

    /// `set-cdr!` with the write barrier.
    #[inline]
    pub fn set_cdr(mc: &Mutation<'gc>, p: Gc<'gc, Pair<'gc>>, v: Value<'gc>) {
        gc_arena::barrier::unlock!(Gc::write(mc, p), Pair, cdr).set(v);
    }
}

/// A string object: the text plus whether it may be mutated (literals may not).
#[derive(Collect)]
#[collect(no_drop)]
pub struct StrObj {
    /// The characters.
    #[collect(require_static)]
    pub text: RefLock<Tracked<EtaString>>,
    /// False for string literals and `symbol->string` results.
    pub mutable: bool,
}

/// Objects that live outside the VM's knowledge (sockets, ports...): defined by
/// other crates through the [`Foreign`] trait.
pub trait Foreign: std::any::Any {
    /// The kind name used in error messages (`"port"`, `"nng-socket"`).
    fn kind_name(&self) -> &'static str;
    /// The printed form (`#<...>`).
    fn print(&self) -> String;
    /// Access for downcasting.
    fn as_any(&self) -> &dyn std::any::Any;
    /// `equal?` against another foreign object (identity is checked before).
    fn equal(&self, _other: &dyn Foreign) -> bool {
        false
    }
}

/// A box holding a foreign object.
pub struct ForeignObj(pub Box<dyn Foreign>);
gc_arena::static_collect!(ForeignObj);

/// Every Eta value.
///
/// `repr(u64)`: an eight-byte tag puts every payload at offset 8, so a value is copied as
/// two aligned words. With the default one-byte tag, payloads sat at offsets 1, 4 and 8
/// and the dispatch loop copied values through the stack in overlapping pieces
/// (bytes 0, 1..9, 8..16) that the CPU could not forward to the next load: 12% of deriv's
/// time, 10% of pipeline's.
#[derive(Copy, Clone, Collect)]
#[collect(no_drop)]
#[repr(u64)]
pub enum Value<'gc> {
    /// `()`.
    Nil,
    /// `#t` / `#f`.
    Bool(bool),
    /// Exact integer in the i64 range.
    Int(i64),
    /// Flonum.
    Float(f64),
    /// Character.
    Char(char),
    /// The unspecified value.
    Unspecified,
    /// The eof object.
    Eof,
    /// Marker for a variable whose definition has not run yet; never visible to programs.
    Undefined,
    /// Exact integer outside the i64 range (always normalised).
    Big(Gc<'gc, BigInt>),
    /// String.
    Str(Gc<'gc, StrObj>),
    /// Symbol (interned per VM: equal names are the same object).
    Sym(Gc<'gc, Symbol>),
    /// Pair.
    Pair(Gc<'gc, Pair<'gc>>),
    /// Vector.
    Vector(Gc<'gc, RefLock<Tracked<Vec<Value<'gc>>>>>),
    /// Bytevector.
    Bytevector(Gc<'gc, RefLock<Tracked<Vec<u8>>>>),
    /// A closure (procedure written in Eta).
    Closure(Gc<'gc, Closure<'gc>>),
    /// A builtin procedure.
    Native(&'static Native),
    /// A mutable cell for captured-and-assigned variables; never visible to programs.
    Cell(Gc<'gc, Lock<Value<'gc>>>),
    /// A continuation (callable).
    Continuation(Gc<'gc, Continuation<'gc>>),
    /// A parameter object (callable).
    Parameter(Gc<'gc, Parameter<'gc>>),
    /// A promise.
    Promise(Gc<'gc, Promise<'gc>>),
    /// Zero or several values where one was expected.
    Values(Gc<'gc, Vec<Value<'gc>>>),
    /// A record instance.
    Record(Gc<'gc, Record<'gc>>),
    /// A record type descriptor.
    RecordType(Gc<'gc, RecordType>),
    /// A condition (raised error or tagged raise).
    Condition(Gc<'gc, Condition<'gc>>),
    /// A persistent hash map.
    HashMap(Gc<'gc, HashMapObj<'gc>>),
    /// A persistent hash set (a map whose values are all `#t`).
    HashSet(Gc<'gc, HashMapObj<'gc>>),
    /// An object defined outside the VM crate.
    Foreign(Gc<'gc, ForeignObj>),
}

impl<'gc> Value<'gc> {
    /// The boolean false.
    pub const FALSE: Value<'static> = Value::Bool(false);

    /// Scheme truth: everything but `#f` is true.
    #[inline]
    pub fn is_true(self) -> bool {
        !matches!(self, Value::Bool(false))
    }

    /// Makes a fresh pair.
    #[inline]
    pub fn cons(mc: &Mutation<'gc>, car: Value<'gc>, cdr: Value<'gc>) -> Value<'gc> {
        Value::Pair(Gc::new(
            mc,
            Pair {
                car: Lock::new(car),
                cdr: Lock::new(cdr),
            },
        ))
    }

    /// Makes a fresh mutable string.
    pub fn string(mc: &Mutation<'gc>, s: &str) -> Value<'gc> {
        Value::Str(Gc::new(
            mc,
            StrObj {
                text: RefLock::new(Tracked::new(EtaString::from(s))),
                mutable: true,
            },
        ))
    }

    /// Makes a fresh immutable string (literals, `symbol->string`).
    pub fn immutable_string(mc: &Mutation<'gc>, s: &str) -> Value<'gc> {
        Value::Str(Gc::new(
            mc,
            StrObj {
                text: RefLock::new(Tracked::new(EtaString::from(s))),
                mutable: false,
            },
        ))
    }

    /// Makes a fresh vector.
    pub fn vector(mc: &Mutation<'gc>, items: Vec<Value<'gc>>) -> Value<'gc> {
        Value::Vector(Gc::new(mc, RefLock::new(Tracked::new(items))))
    }

    /// Makes a fresh bytevector.
    pub fn bytevector(mc: &Mutation<'gc>, bytes: Vec<u8>) -> Value<'gc> {
        Value::Bytevector(Gc::new(mc, RefLock::new(Tracked::new(bytes))))
    }

    /// An exact integer from a bignum, normalised to a fixnum when it fits.
    pub fn integer(mc: &Mutation<'gc>, n: BigInt) -> Value<'gc> {
        use num_traits::ToPrimitive;
        match n.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::Big(Gc::new_static(mc, n)),
        }
    }

    /// A proper list of `items`.
    pub fn list(
        mc: &Mutation<'gc>,
        items: impl DoubleEndedIterator<Item = Value<'gc>>,
    ) -> Value<'gc> {
        Self::list_with_tail(mc, items, Value::Nil)
    }

    /// A list of `items` ending in `tail`.
    pub fn list_with_tail(
        mc: &Mutation<'gc>,
        items: impl DoubleEndedIterator<Item = Value<'gc>>,
        tail: Value<'gc>,
    ) -> Value<'gc> {
        let mut acc = tail;
        for v in items.rev() {
            acc = Value::cons(mc, v, acc);
        }
        acc
    }

    /// Car and cdr of a pair.
    #[inline]
    pub fn as_pair(self) -> Option<(Value<'gc>, Value<'gc>)> {
        match self {
            Value::Pair(p) => Some((p.car.get(), p.cdr.get())),
            _ => None,
        }
    }

    /// The length of a proper list without copying it; `None` if it is improper or
    /// circular (Floyd's check: a slow pointer one cell behind every two steps).
    pub fn list_length(self) -> Option<usize> {
        let mut n = 0usize;
        let mut cur = self;
        let mut slow = self;
        loop {
            match cur {
                Value::Nil => return Some(n),
                Value::Pair(p) => {
                    cur = p.cdr.get();
                    n += 1;
                    if n.is_multiple_of(2) {
                        if let Value::Pair(s) = slow {
                            slow = s.cdr.get();
                        }
                        if let (Value::Pair(a), Value::Pair(b)) = (cur, slow) {
                            if Gc::ptr_eq(a, b) {
                                return None;
                            }
                        }
                    }
                }
                _ => return None,
            }
        }
    }

    /// Collects a proper list into a vector; `None` if it is improper or circular.
    pub fn list_to_vec(self) -> Option<Vec<Value<'gc>>> {
        let mut out = Vec::with_capacity(self.list_length()?);
        let mut cur = self;
        while let Value::Pair(p) = cur {
            out.push(p.car.get());
            cur = p.cdr.get();
        }
        Some(out)
    }

    /// Whether this is a non-container datum: `()`, a boolean, number, character, string,
    /// symbol or bytevector (what both the wire format and hash keys accept as leaves).
    pub fn is_atomic_datum(self) -> bool {
        matches!(
            self,
            Value::Nil
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Big(_)
                | Value::Float(_)
                | Value::Char(_)
                | Value::Str(_)
                | Value::Sym(_)
                | Value::Bytevector(_)
        )
    }

    /// Whether this value is a procedure.
    pub fn is_procedure(self) -> bool {
        matches!(
            self,
            Value::Closure(_) | Value::Native(_) | Value::Continuation(_) | Value::Parameter(_)
        )
    }

    /// The kind name used in error messages (spec §5.1).
    pub fn kind_name(self) -> &'static str {
        match self {
            Value::Nil => "empty list",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Big(_) => "integer",
            Value::Float(_) => "real",
            Value::Char(_) => "char",
            Value::Unspecified | Value::Undefined => "unspecified",
            Value::Eof => "eof",
            Value::Str(_) => "string",
            Value::Sym(_) => "symbol",
            Value::Pair(_) => "pair",
            Value::Vector(_) => "vector",
            Value::Bytevector(_) => "bytevector",
            Value::Closure(_) | Value::Native(_) => "procedure",
            Value::Cell(_) => "cell",
            Value::Continuation(_) => "continuation",
            Value::Parameter(_) => "parameter",
            Value::Promise(_) => "promise",
            Value::Values(_) => "values",
            Value::Record(_) => "record",
            Value::RecordType(_) => "record type",
            Value::Condition(_) => "condition",
            Value::HashMap(_) => "hash-map",
            Value::HashSet(_) => "hash-set",
            Value::Foreign(f) => f.0.kind_name(),
        }
    }

    /// Whether two values are `eq?`.
    #[inline(always)]
    pub fn is_eq(self, other: Value<'gc>) -> bool {
        // Values of different kinds are never `eq?`; symbols, pairs and fixnums, the
        // common operands, are decided inline.
        if std::mem::discriminant(&self) != std::mem::discriminant(&other) {
            return false;
        }
        match (self, other) {
            (Value::Sym(a), Value::Sym(b)) => Gc::ptr_eq(a, b),
            (Value::Pair(a), Value::Pair(b)) => Gc::ptr_eq(a, b),
            (Value::Int(a), Value::Int(b)) => a == b,
            _ => self.is_eq_same_kind(other),
        }
    }

    /// `eq?` on two values of the same kind (the general case of [`Value::is_eq`]).
    #[inline(never)]
    fn is_eq_same_kind(self, other: Value<'gc>) -> bool {
        use Value::*;
        match (self, other) {
            (Nil, Nil) | (Unspecified, Unspecified) | (Eof, Eof) | (Undefined, Undefined) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Char(a), Char(b)) => a == b,
            (Big(a), Big(b)) => Gc::ptr_eq(a, b),
            (Str(a), Str(b)) => Gc::ptr_eq(a, b),
            (Sym(a), Sym(b)) => Gc::ptr_eq(a, b),
            (Pair(a), Pair(b)) => Gc::ptr_eq(a, b),
            (Vector(a), Vector(b)) => Gc::ptr_eq(a, b),
            (Bytevector(a), Bytevector(b)) => Gc::ptr_eq(a, b),
            (Closure(a), Closure(b)) => Gc::ptr_eq(a, b),
            (Native(a), Native(b)) => std::ptr::eq(a, b),
            (Cell(a), Cell(b)) => Gc::ptr_eq(a, b),
            (Continuation(a), Continuation(b)) => Gc::ptr_eq(a, b),
            (Parameter(a), Parameter(b)) => Gc::ptr_eq(a, b),
            (Promise(a), Promise(b)) => Gc::ptr_eq(a, b),
            (Values(a), Values(b)) => Gc::ptr_eq(a, b),
            (Record(a), Record(b)) => Gc::ptr_eq(a, b),
            (RecordType(a), RecordType(b)) => Gc::ptr_eq(a, b),
            (Condition(a), Condition(b)) => Gc::ptr_eq(a, b),
            (HashMap(a), HashMap(b)) | (HashSet(a), HashSet(b)) => Gc::ptr_eq(a, b),
            (Foreign(a), Foreign(b)) => Gc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Whether two values are `eqv?` (adds numeric equality of bignums).
    #[inline]
    pub fn is_eqv(self, other: Value<'gc>) -> bool {
        match (self, other) {
            (Value::Big(a), Value::Big(b)) => *a == *b,
            _ => self.is_eq(other),
        }
    }

    /// The symbol name, if a symbol.
    pub fn as_symbol(self) -> Option<&'gc str> {
        match self {
            Value::Sym(s) => Some(Gc::as_ref(s).name()),
            _ => None,
        }
    }
}
