//! Bytecode: the [`Op`] instruction set and the GC-free [`Prototype`] produced by codegen.
//! Prototypes are `Send` so that compiled code can be shared between thread VMs.

use crate::span::Span;
use bincode::{Decode, Encode};
use num_bigint::{BigInt, Sign};
use std::sync::Arc;

/// A bignum literal; serialised as a sign and little-endian magnitude bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct BigLit(pub BigInt);

impl Encode for BigLit {
    fn encode<E: bincode::enc::Encoder>(
        &self,
        e: &mut E,
    ) -> Result<(), bincode::error::EncodeError> {
        let (sign, bytes) = self.0.to_bytes_le();
        (sign == Sign::Minus).encode(e)?;
        bytes.encode(e)
    }
}

impl<C> Decode<C> for BigLit {
    fn decode<D: bincode::de::Decoder<Context = C>>(
        d: &mut D,
    ) -> Result<Self, bincode::error::DecodeError> {
        let neg = bool::decode(d)?;
        let bytes = Vec::<u8>::decode(d)?;
        let sign = if neg { Sign::Minus } else { Sign::Plus };
        Ok(BigLit(BigInt::from_bytes_le(sign, &bytes)))
    }
}

bincode::impl_borrow_decode!(BigLit);

/// A quoted constant, GC-free. The VM turns it into a heap value when it loads the prototype.
#[derive(Clone, Debug, PartialEq, Encode, Decode)]
pub enum Literal {
    /// `()`.
    Nil,
    /// A boolean.
    Bool(bool),
    /// A fixnum.
    Int(i64),
    /// A bignum.
    Big(BigLit),
    /// A flonum.
    Float(f64),
    /// A character.
    Char(char),
    /// An (immutable) string literal.
    Str(Arc<str>),
    /// A symbol.
    Sym(Arc<str>),
    /// A non-empty list with an optional improper tail.
    List(Vec<Literal>, Option<Box<Literal>>),
    /// A vector.
    Vector(Vec<Literal>),
    /// A bytevector.
    Bytevector(Vec<u8>),
    /// `#n=` datum label.
    Label(u32, Box<Literal>),
    /// `#n#` reference.
    LabelRef(u32),
    /// The unspecified value.
    Unspecified,
}

/// Where a closure gets one captured value from, relative to the frame that creates it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Capture {
    /// The creating frame's local slot (the value, or the box if the variable is boxed).
    Local(u16),
    /// The creating closure's own captured value.
    Upval(u16),
}

/// Inline-able primitive operations: calls to known builtins with a fixed argument count.
/// Each has a slow path in the VM with exactly the builtin's semantics and errors.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Encode, Decode)]
pub enum Prim {
    Add,
    Sub,
    Mul,
    Div,
    NumEq,
    Lt,
    Gt,
    Le,
    Ge,
    Car,
    Cdr,
    Cons,
    IsNull,
    IsPair,
    Not,
    Eq,
    Eqv,
    VectorRef,
    VectorSet,
    IsZero,
    /// `list` with one or more arguments (up to 255, the operand count of `Op::Prim`).
    List,
    /// The prelude's `%map-begin` (checks `map`'s list, returns a mark).
    MapBegin,
    /// The prelude's `%map-end` (turns `map`'s reversed results around).
    MapEnd,
}

impl Prim {
    /// Every primitive, in declaration order (`p as usize` indexes this table).
    pub const ALL: [Prim; 23] = [
        Prim::Add,
        Prim::Sub,
        Prim::Mul,
        Prim::Div,
        Prim::NumEq,
        Prim::Lt,
        Prim::Gt,
        Prim::Le,
        Prim::Ge,
        Prim::Car,
        Prim::Cdr,
        Prim::Cons,
        Prim::IsNull,
        Prim::IsPair,
        Prim::Not,
        Prim::Eq,
        Prim::Eqv,
        Prim::VectorRef,
        Prim::VectorSet,
        Prim::IsZero,
        Prim::List,
        Prim::MapBegin,
        Prim::MapEnd,
    ];
}

/// One bytecode instruction. Operands are slot, constant or jump indexes.
#[derive(Copy, Clone, Debug, PartialEq, Encode, Decode)]
pub enum Op {
    /// Push constant `i` of the prototype.
    Const(u32),
    /// Push a small fixnum.
    Fixnum(i32),
    /// Push `()`.
    Nil,
    /// Push `#t`.
    True,
    /// Push `#f`.
    False,
    /// Push the unspecified value.
    Unspec,
    /// Push the value of local slot `i`.
    LocalRef(u16),
    /// Pop into local slot `i`.
    LocalSet(u16),
    /// Wrap local slot `i` in a fresh box (a captured, mutated variable).
    MakeBox(u16),
    /// Push the content of the box in local slot `i`.
    BoxRef(u16),
    /// Like `BoxRef`, but raise "used before its definition" if still undefined.
    BoxRefChecked(u16),
    /// Pop into the box in local slot `i`.
    BoxSet(u16),
    /// Push captured value `i`.
    UpvalRef(u16),
    /// Push the running closure (a procedure referring to itself by its own name).
    SelfRef,
    /// Push the content of captured box `i`.
    UpvalBoxRef(u16),
    /// Like `UpvalBoxRef`, with the undefined check.
    UpvalBoxRefChecked(u16),
    /// Pop into captured box `i`.
    UpvalBoxSet(u16),
    /// Push global slot `i` (raises if undefined).
    GlobalRef(u32),
    /// Pop into global slot `i` (which must be defined).
    GlobalSet(u32),
    /// Pop into global slot `i`, defining it.
    GlobalDef(u32),
    /// Pop and discard.
    Pop,
    /// Relative jump (from the next instruction).
    Jump(i32),
    /// Pop; jump if it is `#f`.
    JumpIfFalse(i32),
    /// Create a closure from child prototype `i` (captures listed in the child).
    Closure(u32),
    /// Call with `n` arguments (callee below the arguments).
    Call(u16),
    /// Tail call with `n` arguments.
    TailCall(u16),
    /// Return the top of the stack.
    Return,
    /// Return the value of local slot `i` (unboxed): `LocalRef(i)` then `Return`.
    ReturnLocal(u16),
    /// A primitive with `argc` arguments on the stack (fast path inline, slow path in the
    /// VM's number/list kernels with the builtin's exact semantics).
    Prim(Prim, u8),
    /// A one-argument primitive applied to local slot `i` (unboxed): `LocalRef(i)` then
    /// `Prim(p, 1)` in one instruction.
    PrimL(Prim, u16),
    /// A two-argument primitive applied to local slots `a` and `b` (both unboxed).
    PrimLL(Prim, u16, u16),
    /// A two-argument primitive applied to local slot `i` (unboxed) and the fixnum `n`.
    PrimLI(Prim, u16, i32),
    /// The test of an `if`: `PrimL(p, i)` then `JumpIfFalse(off)` in one instruction,
    /// without pushing the result.
    JumpIfFalseL(Prim, u16, i32),
    /// `PrimLL(p, a, b)` then `JumpIfFalse(off)` (slots below 256).
    JumpIfFalseLL(Prim, u8, u8, i32),
    /// `PrimLI(p, i, n)` then `JumpIfFalse(off)` (slot below 256, `n` in `i8`).
    JumpIfFalseLI(Prim, u8, i8, i32),
    /// A two-argument primitive whose first operand is on top of the stack (replaced by
    /// the result) and whose second is local slot `i` (unboxed): `(cons (f x) acc)`.
    PrimSL(Prim, u16),
    /// A two-argument primitive on the top of the stack (replaced by the result) and
    /// constant `k`: `(eq? (car e) '+)`.
    PrimSC(Prim, u32),
    /// `PrimSL(p, i)` then `JumpIfFalse(off)`: pops the first operand.
    JumpIfFalseSL(Prim, u16, i32),
    /// `PrimSC(p, k)` then `JumpIfFalse(off)`: pops the first operand.
    JumpIfFalseSC(Prim, u16, i32),
    /// A two-argument primitive on local slot `i` (unboxed) and constant `k`, then
    /// `JumpIfFalse(off)` (slot and constant below 256): `(eq? x 'done)`.
    JumpIfFalseLC(Prim, u8, u8, i32),
    /// The step of a loop over a list: pushes local `f`, then the car of the pair in local
    /// `l`, and sets `l` to its cdr (a `Call(1)` follows). Used by the hand-assembled
    /// loops of `map` and `for-each` (builtins' loops.rs).
    MapArgs(u16, u16),
    /// Pops a value, conses it onto local `acc` and jumps by `off` (back to the loop's
    /// test): the collecting end of `map`'s loop.
    MapCollect(u16, i32),
}

impl Op {
    /// The relative offset of a jump instruction (from the next instruction).
    pub fn jump_offset(&self) -> Option<i32> {
        match *self {
            Op::Jump(off)
            | Op::JumpIfFalse(off)
            | Op::JumpIfFalseL(_, _, off)
            | Op::JumpIfFalseLL(_, _, _, off)
            | Op::JumpIfFalseLI(_, _, _, off)
            | Op::JumpIfFalseSL(_, _, off)
            | Op::JumpIfFalseSC(_, _, off)
            | Op::JumpIfFalseLC(_, _, _, off)
            | Op::MapCollect(_, off) => Some(off),
            _ => None,
        }
    }

    /// The same jump instruction with offset `off`; other instructions are unchanged.
    pub fn with_jump_offset(self, off: i32) -> Op {
        match self {
            Op::Jump(_) => Op::Jump(off),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(off),
            Op::JumpIfFalseL(p, i, _) => Op::JumpIfFalseL(p, i, off),
            Op::JumpIfFalseLL(p, a, b, _) => Op::JumpIfFalseLL(p, a, b, off),
            Op::JumpIfFalseLI(p, i, n, _) => Op::JumpIfFalseLI(p, i, n, off),
            Op::JumpIfFalseSL(p, i, _) => Op::JumpIfFalseSL(p, i, off),
            Op::JumpIfFalseSC(p, k, _) => Op::JumpIfFalseSC(p, k, off),
            Op::JumpIfFalseLC(p, i, k, _) => Op::JumpIfFalseLC(p, i, k, off),
            Op::MapCollect(acc, _) => Op::MapCollect(acc, off),
            other => other,
        }
    }
}

/// A compiled procedure body.
#[derive(Clone, Debug, Encode, Decode)]
pub struct Prototype {
    /// The name given by `define`, named `let`, ..., or `None` for anonymous lambdas.
    pub name: Option<Arc<str>>,
    /// Number of required parameters.
    pub nreq: u16,
    /// Number of optional parameters (case-lambda helpers do not use them; reserved).
    pub nopt: u16,
    /// Whether a rest list is accepted.
    pub rest: bool,
    /// Total local slots (parameters first).
    pub nlocals: u16,
    /// The instructions.
    pub code: Vec<Op>,
    /// Constants referenced by `Op::Const`.
    pub consts: Vec<Literal>,
    /// Nested prototypes referenced by `Op::Closure`.
    pub children: Vec<Arc<Prototype>>,
    /// What this prototype's closures capture, in upvalue order.
    pub captures: Vec<Capture>,
    /// Names of captured variables (for transfer error messages), in upvalue order.
    pub capture_names: Vec<Arc<str>>,
    /// Which parameters must be boxed on entry (captured and mutated).
    pub boxed_params: Vec<u16>,
    /// Source spans: `(first pc, span)` runs, sorted by pc.
    pub spans: Vec<(u32, Span)>,
    /// Names of variables read by `*Checked` instructions, by pc (for error messages).
    pub checked_names: Vec<(u32, Arc<str>)>,
    /// The span of the whole lambda.
    pub span: Span,
    /// What kind of frame this is in stack traces.
    pub kind: ProtoKind,
    /// Frames of hidden prototypes (the prelude) are left out of stack traces.
    pub hidden: bool,
    /// Frames of transparent prototypes (thunks written by derived forms) are left out
    /// of stack traces, but their current location is shown on the enclosing frame.
    pub transparent: bool,
}

/// The role of a prototype, for frame names in stack traces.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ProtoKind {
    /// An ordinary procedure.
    Lambda,
    /// The body of a module (`<module NAME>`).
    Module(Arc<str>),
    /// Script forms (`<script>`).
    Script,
}

impl Prototype {
    /// A procedure named `name` with `nreq` required parameters and `nlocals` local
    /// slots running `code`, with nothing else (no constants, children, captures or
    /// spans): for hand-assembled code.
    pub fn with_code(name: &str, nreq: u16, nlocals: u16, code: Vec<Op>) -> Prototype {
        Prototype {
            name: Some(Arc::from(name)),
            nreq,
            nopt: 0,
            rest: false,
            nlocals,
            code,
            consts: Vec::new(),
            children: Vec::new(),
            captures: Vec::new(),
            capture_names: Vec::new(),
            boxed_params: Vec::new(),
            spans: Vec::new(),
            checked_names: Vec::new(),
            span: Span::DUMMY,
            kind: ProtoKind::Lambda,
            hidden: false,
            transparent: false,
        }
    }

    /// The span recorded for instruction `pc`.
    pub fn span_at(&self, pc: usize) -> Span {
        let pc = pc as u32;
        match self.spans.binary_search_by(|(p, _)| p.cmp(&pc)) {
            Ok(i) => self.spans[i].1,
            Err(0) => self.span,
            Err(i) => self.spans[i - 1].1,
        }
    }

    /// The variable name of the checked read at `pc`.
    pub fn checked_name(&self, pc: usize) -> Option<String> {
        self.checked_names
            .iter()
            .find(|(p, _)| *p as usize == pc)
            .map(|(_, n)| n.to_string())
    }

    /// The name shown in stack traces.
    pub fn display_name(&self) -> String {
        match &self.kind {
            ProtoKind::Module(m) => format!("<module {m}>"),
            ProtoKind::Script => "<script>".to_string(),
            ProtoKind::Lambda => match &self.name {
                Some(n) => n.to_string(),
                None => "<lambda>".to_string(),
            },
        }
    }

    /// Human-readable arity for error messages ("2", "at least 1").
    pub fn arity_text(&self) -> String {
        if self.rest {
            format!("at least {}", self.nreq)
        } else {
            format!("{}", self.nreq)
        }
    }
}
