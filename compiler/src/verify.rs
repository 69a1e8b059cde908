//! The bytecode verifier: checks that a [`Prototype`] is safe to run without the VM's
//! run-time bounds checks. Every operand indexes something that exists (local slots,
//! captured values, constants, children, jump targets), the stack never underflows, every
//! reachable instruction is reached with one stack depth whatever the path, and no path
//! runs past the last instruction. It also computes how many temporaries a frame needs,
//! so that the VM can reserve them when it pushes the frame.
//!
//! The verifier trusts nothing in its input (prototypes may come from bincode): it never
//! panics, never overflows, runs in time linear in the size of the prototype tree and
//! walks nested prototypes with an explicit stack. Global slots are not checked here:
//! the VM checks those at run time.

use crate::proto::{Capture, Op, Prototype};
use crate::span::Span;

#[cfg(test)]
mod tests;

/// How deeply prototypes may nest before [`verify_tree`] refuses them. The expander
/// stops at an expression depth of 10,000, so compiled code never comes near; the bound
/// protects code that walks the tree recursively (the VM's loader, `Drop`).
pub const MAX_PROTO_NESTING: usize = 10_000;

/// What verification found out about one prototype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The largest number of temporaries the frame holds above its local slots after any
    /// reachable instruction (0 for code that never pushes).
    pub max_temps: u32,
}

/// What verification found out about a prototype and, in the same order as
/// [`Prototype::children`], about each of its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedTree {
    /// The prototype itself.
    pub proto: Verified,
    /// Its children, index for index.
    pub children: Vec<VerifiedTree>,
}

/// What is wrong with a prototype.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyErrorKind {
    /// The prototype has no instructions.
    #[error("the code is empty")]
    EmptyCode,
    /// The parameters need more slots than the frame has.
    #[error("{nparams} parameter slots do not fit in {nlocals} local slots")]
    ParamsExceedLocals {
        /// Required parameters, plus one for the rest list.
        nparams: u32,
        /// The frame's local slots.
        nlocals: u16,
    },
    /// A `boxed_params` entry is not a parameter slot.
    #[error("boxed parameter slot {slot} is not one of the {nparams} parameter slots")]
    BoxedParamOutOfRange {
        /// The slot.
        slot: u16,
        /// Required parameters, plus one for the rest list.
        nparams: u32,
    },
    /// A child captures a local slot this prototype does not have.
    #[error("child {child} captures local slot {slot}, but there are {nlocals} local slots")]
    ChildCapturesMissingLocal {
        /// The child's index in `children`.
        child: usize,
        /// The captured slot.
        slot: u16,
        /// This prototype's local slots.
        nlocals: u16,
    },
    /// A child captures an upvalue this prototype does not have.
    #[error("child {child} captures upvalue {index}, but there are {ncaptures} upvalues")]
    ChildCapturesMissingUpval {
        /// The child's index in `children`.
        child: usize,
        /// The captured upvalue.
        index: u16,
        /// This prototype's captures.
        ncaptures: usize,
    },
    /// A jump lands outside the code.
    #[error("jump target {target} is outside the code (0..{len})")]
    JumpOutOfRange {
        /// `pc + 1 + offset`.
        target: i128,
        /// The number of instructions.
        len: usize,
    },
    /// A local slot operand is out of range.
    #[error("local slot {slot} out of range ({nlocals} local slots)")]
    LocalOutOfRange {
        /// The slot.
        slot: u16,
        /// The frame's local slots.
        nlocals: u16,
    },
    /// An upvalue operand is out of range.
    #[error("upvalue {index} out of range ({ncaptures} upvalues)")]
    UpvalOutOfRange {
        /// The upvalue index.
        index: u16,
        /// The prototype's captures.
        ncaptures: usize,
    },
    /// A constant operand is out of range.
    #[error("constant {index} out of range ({nconsts} constants)")]
    ConstOutOfRange {
        /// The constant index.
        index: u32,
        /// The prototype's constants.
        nconsts: usize,
    },
    /// A `Closure` operand is out of range.
    #[error("child {index} out of range ({nchildren} children)")]
    ChildOutOfRange {
        /// The child index.
        index: u32,
        /// The prototype's children.
        nchildren: usize,
    },
    /// A reachable instruction other than a return can run past the last instruction.
    #[error("execution runs past the last instruction")]
    FallsOffEnd,
    /// An instruction takes more values than the stack holds.
    #[error("takes {needs} values from the stack, which holds {depth}")]
    StackUnderflow {
        /// What the instruction pops.
        needs: u32,
        /// The stack depth before it.
        depth: u32,
    },
    /// Two paths reach an instruction with different stack depths.
    #[error("reached with stack depth {depth} on one path and {other} on another")]
    DepthMismatch {
        /// The depth first recorded here.
        depth: u32,
        /// The depth along another path.
        other: u32,
    },
    /// The stack depth does not fit in a `u32`.
    #[error("the stack depth overflows")]
    DepthOverflow,
    /// Prototypes nest deeper than [`MAX_PROTO_NESTING`].
    #[error("prototypes nest deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// A prototype that failed verification: which one, where and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("invalid bytecode in {proto}{}: {kind}", location(.pc, .op))]
pub struct VerifyError {
    /// The prototype's display name.
    pub proto: String,
    /// The faulty instruction, or `None` for a fault in the prototype's header (its
    /// parameters, boxed parameters or its children's captures).
    pub pc: Option<usize>,
    /// The instruction at `pc`.
    pub op: Option<Op>,
    /// What is wrong.
    pub kind: VerifyErrorKind,
    /// The source span recorded for `pc` (the whole lambda for header faults).
    pub span: Span,
}

fn location(pc: &Option<usize>, op: &Option<Op>) -> String {
    match (pc, op) {
        (Some(pc), Some(op)) => format!(" at pc {pc} ({op:?})"),
        (Some(pc), None) => format!(" at pc {pc}"),
        _ => String::new(),
    }
}

impl VerifyError {
    fn header(proto: &Prototype, kind: VerifyErrorKind) -> Self {
        VerifyError {
            proto: proto.display_name(),
            pc: None,
            op: None,
            kind,
            span: proto.span,
        }
    }

    fn at(proto: &Prototype, pc: usize, kind: VerifyErrorKind) -> Self {
        VerifyError {
            proto: proto.display_name(),
            pc: Some(pc),
            op: proto.code.get(pc).copied(),
            kind,
            span: proto.span_at(pc),
        }
    }
}

/// Verifies one prototype: its header, every instruction's operands (reachable or not),
/// the stack discipline of the reachable code, and the captures of its children (which
/// refer to this prototype's slots and upvalues). Children's own code is not verified:
/// [`verify_tree`] does that.
///
/// A prototype that passes runs without out-of-range access to its code, local slots,
/// constants, upvalues (given a closure with one upvalue per capture) or children, and
/// between instructions its frame holds at most `nlocals + max_temps` values. The model
/// is each instruction's net effect: scratch values an instruction pushes while it runs
/// (the operands the fused primitives copy to the stack for their general case) are the
/// VM's to account for.
pub fn verify(proto: &Prototype) -> Result<Verified, VerifyError> {
    check_header(proto)?;
    for (pc, op) in proto.code.iter().enumerate() {
        check_operands(proto, pc, *op)?;
    }
    let max_temps = check_stack(proto)?;
    Ok(Verified { max_temps })
}

/// Verifies `proto` and every prototype nested in it (see [`verify`]), refusing nesting
/// deeper than [`MAX_PROTO_NESTING`]. Returns the results in the shape of the tree.
pub fn verify_tree(proto: &Prototype) -> Result<VerifiedTree, VerifyError> {
    verify_tree_within(proto, MAX_PROTO_NESTING)
}

/// [`verify_tree`] with a nesting limit of `limit` prototypes.
fn verify_tree_within(proto: &Prototype, limit: usize) -> Result<VerifiedTree, VerifyError> {
    /// A prototype whose children are being verified.
    struct Open<'p> {
        proto: &'p Prototype,
        verified: Verified,
        children: Vec<VerifiedTree>,
    }
    impl<'p> Open<'p> {
        fn new(proto: &'p Prototype) -> Result<Self, VerifyError> {
            Ok(Open {
                proto,
                verified: verify(proto)?,
                children: Vec::with_capacity(proto.children.len()),
            })
        }
    }

    // The ancestors of `cur`, outermost first: an explicit stack instead of recursion.
    let mut path: Vec<Open> = Vec::new();
    let mut cur = Open::new(proto)?;
    loop {
        if let Some(child) = cur.proto.children.get(cur.children.len()) {
            // `cur` is at depth path.len() + 1, so the child is one deeper.
            if path.len() + 2 > limit {
                return Err(VerifyError::header(
                    child,
                    VerifyErrorKind::TooDeep { limit },
                ));
            }
            let next = Open::new(child)?;
            path.push(std::mem::replace(&mut cur, next));
        } else {
            let done = VerifiedTree {
                proto: cur.verified,
                children: std::mem::take(&mut cur.children),
            };
            match path.pop() {
                Some(parent) => {
                    cur = parent;
                    cur.children.push(done);
                }
                None => return Ok(done),
            }
        }
    }
}

/// Parameters, boxed parameters and the children's captures.
fn check_header(proto: &Prototype) -> Result<(), VerifyError> {
    if proto.code.is_empty() {
        return Err(VerifyError::header(proto, VerifyErrorKind::EmptyCode));
    }
    let nparams = u32::from(proto.nreq) + u32::from(proto.rest);
    if nparams > u32::from(proto.nlocals) {
        return Err(VerifyError::header(
            proto,
            VerifyErrorKind::ParamsExceedLocals {
                nparams,
                nlocals: proto.nlocals,
            },
        ));
    }
    if let Some(&slot) = proto
        .boxed_params
        .iter()
        .find(|&&s| u32::from(s) >= nparams)
    {
        return Err(VerifyError::header(
            proto,
            VerifyErrorKind::BoxedParamOutOfRange { slot, nparams },
        ));
    }
    for (child, c) in proto.children.iter().enumerate() {
        for cap in &c.captures {
            let bad = match *cap {
                Capture::Local(slot) if slot >= proto.nlocals => {
                    Some(VerifyErrorKind::ChildCapturesMissingLocal {
                        child,
                        slot,
                        nlocals: proto.nlocals,
                    })
                }
                Capture::Upval(index) if usize::from(index) >= proto.captures.len() => {
                    Some(VerifyErrorKind::ChildCapturesMissingUpval {
                        child,
                        index,
                        ncaptures: proto.captures.len(),
                    })
                }
                _ => None,
            };
            if let Some(kind) = bad {
                return Err(VerifyError::header(proto, kind));
            }
        }
    }
    Ok(())
}

/// The jump target of `op` at `pc`, if it is a jump; an error if it lands outside the code.
fn jump_target(proto: &Prototype, pc: usize, op: Op) -> Result<Option<usize>, VerifyError> {
    let Some(off) = op.jump_offset() else {
        return Ok(None);
    };
    let len = proto.code.len();
    // i128 holds any usize plus any i32 exactly.
    let target = pc as i128 + 1 + i128::from(off);
    match usize::try_from(target) {
        Ok(t) if t < len => Ok(Some(t)),
        _ => Err(VerifyError::at(
            proto,
            pc,
            VerifyErrorKind::JumpOutOfRange { target, len },
        )),
    }
}

/// The index operands of the instruction at `pc`, and its jump target.
fn check_operands(proto: &Prototype, pc: usize, op: Op) -> Result<(), VerifyError> {
    // An index within its bound, or the error `kind` at this instruction.
    let check = |ok: bool, kind: VerifyErrorKind| {
        if ok {
            Ok(())
        } else {
            Err(VerifyError::at(proto, pc, kind))
        }
    };
    let local = |slot: u16| {
        let nlocals = proto.nlocals;
        check(
            slot < nlocals,
            VerifyErrorKind::LocalOutOfRange { slot, nlocals },
        )
    };
    let upval = |index: u16| {
        let ncaptures = proto.captures.len();
        check(
            usize::from(index) < ncaptures,
            VerifyErrorKind::UpvalOutOfRange { index, ncaptures },
        )
    };
    let constant = |index: u32| {
        let nconsts = proto.consts.len();
        check(
            usize::try_from(index).is_ok_and(|i| i < nconsts),
            VerifyErrorKind::ConstOutOfRange { index, nconsts },
        )
    };
    jump_target(proto, pc, op)?;
    match op {
        Op::LocalRef(s)
        | Op::LocalSet(s)
        | Op::MakeBox(s)
        | Op::BoxRef(s)
        | Op::BoxRefChecked(s)
        | Op::BoxSet(s)
        | Op::ReturnLocal(s)
        | Op::PrimL(_, s)
        | Op::PrimLI(_, s, _)
        | Op::JumpIfFalseL(_, s, _)
        | Op::PrimSL(_, s)
        | Op::JumpIfFalseSL(_, s, _)
        | Op::MapCollect(s, _) => local(s),
        Op::PrimSC(_, k) => constant(k),
        Op::JumpIfFalseSC(_, k, _) => constant(k.into()),
        Op::JumpIfFalseLC(_, s, k, _) => local(s.into()).and_then(|()| constant(k.into())),
        Op::PrimLL(_, a, b) | Op::MapArgs(a, b) => local(a).and_then(|()| local(b)),
        Op::JumpIfFalseLL(_, a, b, _) => local(a.into()).and_then(|()| local(b.into())),
        Op::JumpIfFalseLI(_, s, _, _) => local(s.into()),
        Op::UpvalRef(i) | Op::UpvalBoxRef(i) | Op::UpvalBoxRefChecked(i) | Op::UpvalBoxSet(i) => {
            upval(i)
        }
        Op::Const(index) => constant(index),
        Op::Closure(index) => {
            let nchildren = proto.children.len();
            check(
                usize::try_from(index).is_ok_and(|i| i < nchildren),
                VerifyErrorKind::ChildOutOfRange { index, nchildren },
            )
        }
        Op::Fixnum(_)
        | Op::Nil
        | Op::True
        | Op::False
        | Op::Unspec
        | Op::SelfRef
        | Op::GlobalRef(_)
        | Op::GlobalSet(_)
        | Op::GlobalDef(_)
        | Op::Pop
        | Op::Jump(_)
        | Op::JumpIfFalse(_)
        | Op::Call(_)
        | Op::TailCall(_)
        | Op::Return
        | Op::Prim(..) => Ok(()),
    }
}

/// Where control goes after an instruction.
enum Flow {
    /// To the next instruction.
    Next,
    /// To the jump target only.
    Jump,
    /// To the next instruction or the jump target.
    Branch,
    /// Nowhere in this frame.
    Stop,
}

/// What an instruction pops, pushes and where control goes next.
fn effect(op: Op) -> (u32, u32, Flow) {
    match op {
        Op::Const(_)
        | Op::Fixnum(_)
        | Op::Nil
        | Op::True
        | Op::False
        | Op::Unspec
        | Op::LocalRef(_)
        | Op::BoxRef(_)
        | Op::BoxRefChecked(_)
        | Op::UpvalRef(_)
        | Op::SelfRef
        | Op::UpvalBoxRef(_)
        | Op::UpvalBoxRefChecked(_)
        | Op::GlobalRef(_)
        | Op::Closure(_)
        | Op::PrimL(..)
        | Op::PrimLL(..)
        | Op::PrimLI(..) => (0, 1, Flow::Next),
        // The first operand on the stack is replaced by the result.
        Op::PrimSL(..) | Op::PrimSC(..) => (1, 1, Flow::Next),
        Op::JumpIfFalseSL(..) | Op::JumpIfFalseSC(..) => (1, 0, Flow::Branch),
        Op::LocalSet(_)
        | Op::BoxSet(_)
        | Op::UpvalBoxSet(_)
        | Op::GlobalSet(_)
        | Op::GlobalDef(_)
        | Op::Pop => (1, 0, Flow::Next),
        Op::JumpIfFalse(_) => (1, 0, Flow::Branch),
        Op::MakeBox(_) => (0, 0, Flow::Next),
        Op::Jump(_) => (0, 0, Flow::Jump),
        Op::MapArgs(..) => (0, 2, Flow::Next),
        Op::MapCollect(..) => (1, 0, Flow::Jump),
        Op::JumpIfFalseL(..)
        | Op::JumpIfFalseLL(..)
        | Op::JumpIfFalseLI(..)
        | Op::JumpIfFalseLC(..) => (0, 0, Flow::Branch),
        Op::Call(n) => (u32::from(n) + 1, 1, Flow::Next),
        // A tail call usually replaces the frame, but the VM keeps it when a control
        // builtin asks for a genuine call (`raise`, to report where it was raised) or
        // when the call itself raises: if that call returns, the frame resumes after the
        // tail call with the result on the stack, as after `Call`.
        Op::TailCall(n) => (u32::from(n) + 1, 1, Flow::Next),
        Op::Prim(_, n) => (u32::from(n), 1, Flow::Next),
        Op::Return => (1, 0, Flow::Stop),
        Op::ReturnLocal(_) => (0, 0, Flow::Stop),
    }
}

/// The stack depth on entry to each instruction reached so far, and the instructions
/// whose successors are still to be visited.
struct Depths<'p> {
    proto: &'p Prototype,
    at: Vec<Option<u32>>,
    work: Vec<usize>,
}

impl Depths<'_> {
    /// Records that control reaches `to` from `from` with `depth` values on the stack.
    fn reach(&mut self, from: usize, to: usize, depth: u32) -> Result<(), VerifyError> {
        let Some(slot) = self.at.get_mut(to) else {
            return Err(VerifyError::at(
                self.proto,
                from,
                VerifyErrorKind::FallsOffEnd,
            ));
        };
        match *slot {
            None => {
                *slot = Some(depth);
                self.work.push(to);
                Ok(())
            }
            Some(d) if d == depth => Ok(()),
            Some(d) => Err(VerifyError::at(
                self.proto,
                to,
                VerifyErrorKind::DepthMismatch {
                    depth: d,
                    other: depth,
                },
            )),
        }
    }
}

/// Abstract interpretation of the stack depth over the reachable code, from pc 0 with an
/// empty stack. Each instruction is visited once: linear time. Returns `max_temps`.
fn check_stack(proto: &Prototype) -> Result<u32, VerifyError> {
    let mut depths = Depths {
        proto,
        at: vec![None; proto.code.len()],
        work: Vec::new(),
    };
    let mut max_temps = 0u32;
    depths.reach(0, 0, 0)?;
    while let Some(pc) = depths.work.pop() {
        let (Some(&op), Some(&Some(depth))) = (proto.code.get(pc), depths.at.get(pc)) else {
            continue;
        };
        let (pops, pushes, flow) = effect(op);
        let Some(after_pop) = depth.checked_sub(pops) else {
            return Err(VerifyError::at(
                proto,
                pc,
                VerifyErrorKind::StackUnderflow { needs: pops, depth },
            ));
        };
        let Some(after) = after_pop.checked_add(pushes) else {
            return Err(VerifyError::at(proto, pc, VerifyErrorKind::DepthOverflow));
        };
        max_temps = max_temps.max(after);
        // pc < code.len() <= isize::MAX: no overflow.
        let next = pc + 1;
        match flow {
            Flow::Next => depths.reach(pc, next, after)?,
            Flow::Stop => {}
            Flow::Jump | Flow::Branch => {
                if let Flow::Branch = flow {
                    depths.reach(pc, next, after)?;
                }
                if let Some(target) = jump_target(proto, pc, op)? {
                    depths.reach(pc, target, after)?;
                }
            }
        }
    }
    Ok(max_temps)
}
