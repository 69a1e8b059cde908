//! Codegen: core IR to [`Prototype`]s. Assigns frame slots, decides boxing from the
//! capture/mutation analysis, emits tail calls in tail position and a span per call.

use crate::error::{CompileError, CompileErrorKind};
use crate::ir::{Expr, IrUnit, LambdaId, VarId};
use crate::proto::{Capture, Literal, Op, Prim, Prototype};
use crate::span::Span;
use std::collections::HashMap;
use std::sync::Arc;

/// Generates the prototype of the unit's top-level lambda (index 0) and its children,
/// or reports a procedure beyond the bytecode's limits (65,535 local variables, call
/// arguments or captured variables).
pub fn generate(unit: &IrUnit, hidden: bool) -> Result<Arc<Prototype>, CompileError> {
    Gen::lambda(unit, 0, hidden)
}

/// The most local slots, call arguments or captured variables a procedure may have (the
/// bytecode's operands are 16 bits).
const MAX_OPERAND: usize = u16::MAX as usize;

struct Gen<'u> {
    unit: &'u IrUnit,
    id: LambdaId,
    code: Vec<Op>,
    consts: Vec<Literal>,
    children: Vec<Arc<Prototype>>,
    slots: HashMap<VarId, u16>,
    next_slot: u16,
    spans: Vec<(u32, Span)>,
    checked_names: Vec<(u32, Arc<str>)>,
    hidden: bool,
    /// The first limit exceeded, reported once the procedure is generated.
    error: Option<CompileError>,
}

impl<'u> Gen<'u> {
    fn lambda(
        unit: &'u IrUnit,
        id: LambdaId,
        hidden: bool,
    ) -> Result<Arc<Prototype>, CompileError> {
        let info = &unit.lambdas[id as usize];
        let mut g = Gen {
            unit,
            id,
            code: Vec::new(),
            consts: Vec::new(),
            children: Vec::new(),
            slots: HashMap::new(),
            next_slot: 0,
            spans: Vec::new(),
            checked_names: Vec::new(),
            hidden,
            error: None,
        };
        if info.captures.len() > MAX_OPERAND {
            g.limit("captured variables", info.span);
        }
        let mut boxed_params = Vec::new();
        for &p in &info.params {
            let s = g.alloc(p);
            if unit.vars[p as usize].boxed() {
                boxed_params.push(s);
            }
        }
        g.expr(&info.body, true);
        let nreq = if info.rest {
            info.params.len() - 1
        } else {
            info.params.len()
        };
        if let Some(e) = g.error {
            return Err(e);
        }
        Ok(Arc::new(Prototype {
            name: info.name.as_ref().map(|n| Arc::from(&**n)),
            nreq: nreq as u16,
            nopt: 0,
            rest: info.rest,
            nlocals: g.next_slot,
            code: g.code,
            consts: g.consts,
            children: g.children,
            captures: Vec::new(),
            capture_names: info
                .captures
                .iter()
                .map(|v| Arc::from(&*unit.vars[*v as usize].name))
                .collect(),
            boxed_params,
            spans: g.spans,
            checked_names: g.checked_names,
            span: info.span,
            kind: info.kind.clone(),
            hidden,
            transparent: info.transparent,
        }))
    }

    /// Records that this procedure has more `what` than the bytecode allows.
    fn limit(&mut self, what: &str, span: Span) {
        if self.error.is_none() {
            self.error = Some(CompileError::new(
                CompileErrorKind::Limit,
                format!("procedure too large: more than {MAX_OPERAND} {what}"),
                span,
            ));
        }
    }

    fn alloc(&mut self, v: VarId) -> u16 {
        let s = self.next_slot;
        match s.checked_add(1) {
            Some(next) => self.next_slot = next,
            None => self.limit("local variables", self.unit.lambdas[self.id as usize].span),
        }
        self.slots.insert(v, s);
        s
    }

    fn emit(&mut self, op: Op) {
        self.code.push(op);
    }

    fn emit_spanned(&mut self, op: Op, span: Span) {
        let pc = self.code.len() as u32;
        if self.spans.last().map(|(_, s)| *s) != Some(span) {
            self.spans.push((pc, span));
        }
        self.code.push(op);
    }

    /// Marks the end of a spanned region so later ops do not inherit the span.
    fn const_op(&mut self, lit: &Literal) {
        match lit {
            Literal::Nil => self.emit(Op::Nil),
            Literal::Bool(true) => self.emit(Op::True),
            Literal::Bool(false) => self.emit(Op::False),
            Literal::Unspecified => self.emit(Op::Unspec),
            Literal::Int(i) if *i >= i32::MIN as i64 && *i <= i32::MAX as i64 => {
                self.emit(Op::Fixnum(*i as i32))
            }
            other => {
                let k = self.constant(other);
                self.emit(Op::Const(k));
            }
        }
    }

    fn ret_if(&mut self, tail: bool) {
        if tail {
            self.emit(Op::Return);
        }
    }

    /// Where variable `v` lives from this lambda's point of view.
    fn locate(&self, v: VarId) -> Loc {
        if let Some(s) = self.slots.get(&v) {
            return Loc::Slot(*s);
        }
        let caps = &self.unit.lambdas[self.id as usize].captures;
        let i = caps.iter().position(|c| *c == v).unwrap_or(0);
        Loc::Upval(i as u16)
    }

    fn var_ref(&mut self, v: VarId, span: Span) {
        let info = &self.unit.vars[v as usize];
        let boxed = info.boxed();
        let checked = info.checked;
        let name: Arc<str> = Arc::from(&*info.name);
        let op = match (self.locate(v), boxed, checked) {
            (Loc::Slot(s), false, _) => Op::LocalRef(s),
            (Loc::Slot(s), true, false) => Op::BoxRef(s),
            (Loc::Slot(s), true, true) => Op::BoxRefChecked(s),
            (Loc::Upval(u), false, _) => Op::UpvalRef(u),
            (Loc::Upval(u), true, false) => Op::UpvalBoxRef(u),
            (Loc::Upval(u), true, true) => Op::UpvalBoxRefChecked(u),
        };
        if checked && boxed {
            self.checked_names.push((self.code.len() as u32, name));
            self.emit_spanned(op, span);
        } else {
            self.emit(op);
        }
    }

    fn var_set(&mut self, v: VarId) {
        let boxed = self.unit.vars[v as usize].boxed();
        let op = match (self.locate(v), boxed) {
            (Loc::Slot(s), false) => Op::LocalSet(s),
            (Loc::Slot(s), true) => Op::BoxSet(s),
            (Loc::Upval(u), _) => Op::UpvalBoxSet(u),
        };
        self.emit(op);
    }

    /// Compiles `e` for its effect only.
    fn effect(&mut self, e: &Expr) {
        match e {
            Expr::SetLocal(v, x) => {
                self.expr(x, false);
                self.var_set(*v);
            }
            Expr::SetGlobal(g, x, span) => {
                self.expr(x, false);
                self.emit_spanned(Op::GlobalSet(*g), *span);
            }
            Expr::DefGlobal(g, x) => {
                self.expr(x, false);
                self.emit(Op::GlobalDef(*g));
            }
            Expr::Const(_) | Expr::Lambda(_) | Expr::Local(..) | Expr::SelfRef(..) => {}
            Expr::Seq(es) => {
                for x in es {
                    self.effect(x);
                }
            }
            _ => {
                self.expr(e, false);
                self.emit(Op::Pop);
            }
        }
    }

    /// Compiles `e`, leaving its value on the stack, or returning it when `tail`.
    fn expr(&mut self, e: &Expr, tail: bool) {
        match e {
            Expr::Const(l) => {
                self.const_op(l);
                self.ret_if(tail);
            }
            Expr::Local(v, span) => {
                self.var_ref(*v, *span);
                match self.code.last() {
                    Some(&Op::LocalRef(s)) if tail => {
                        self.code.pop();
                        self.emit(Op::ReturnLocal(s));
                    }
                    _ => self.ret_if(tail),
                }
            }
            Expr::SelfRef(v, span) => {
                if self.unit.vars[*v as usize].mutated {
                    // Assigned somewhere: the value may no longer be this closure (the
                    // expander then captured the variable here).
                    self.var_ref(*v, *span);
                } else {
                    self.emit(Op::SelfRef);
                }
                self.ret_if(tail);
            }
            Expr::Global(g, span) => {
                self.emit_spanned(Op::GlobalRef(*g), *span);
                self.ret_if(tail);
            }
            Expr::SetLocal(..) | Expr::SetGlobal(..) | Expr::DefGlobal(..) => {
                self.effect(e);
                self.emit(Op::Unspec);
                self.ret_if(tail);
            }
            Expr::If(c, t, f) => {
                // `(if (not c) t f)` is `(if c f t)`: `not` here is the builtin.
                let (mut c, mut t, mut f) = (&**c, &**t, &**f);
                while let Expr::Prim(Prim::Not, args, _) = c {
                    let [inner] = &args[..] else { break };
                    (c, t, f) = (inner, f, t);
                }
                let jf = self.test(c);
                self.expr(t, tail);
                if tail {
                    self.patch_jump(jf);
                    self.expr(f, true);
                } else {
                    let jend = self.code.len();
                    self.emit(Op::Jump(0));
                    self.patch_jump(jf);
                    self.expr(f, false);
                    self.patch_jump(jend);
                }
            }
            Expr::Seq(es) => {
                if let Some((last, init)) = es.split_last() {
                    for x in init {
                        self.effect(x);
                    }
                    self.expr(last, tail);
                } else {
                    self.emit(Op::Unspec);
                    self.ret_if(tail);
                }
            }
            Expr::Lambda(id) => {
                let child = self.child(*id);
                self.emit(Op::Closure(child));
                self.ret_if(tail);
            }
            Expr::Call(f, args, span) => {
                self.expr(f, false);
                for a in args {
                    self.expr(a, false);
                }
                if args.len() > MAX_OPERAND {
                    self.limit("arguments in one call", *span);
                }
                let n = args.len() as u16;
                self.emit_spanned(if tail { Op::TailCall(n) } else { Op::Call(n) }, *span);
                if tail {
                    // Reached only when a builtin turns the tail call into a genuine
                    // call (`raise` keeps its caller in the trace).
                    self.emit(Op::Return);
                }
            }
            Expr::Prim(p, args, span) => {
                if let Some(op) = self.prim_on_operands(*p, args) {
                    self.emit_spanned(op, *span);
                } else if let Some(op) = self.second_operand_form(*p, args, false) {
                    self.expr(&args[0], false);
                    self.emit_spanned(op, *span);
                } else {
                    for a in args {
                        self.expr(a, false);
                    }
                    self.emit_spanned(Op::Prim(*p, args.len() as u8), *span);
                }
                self.ret_if(tail);
            }
            Expr::Let(vars, inits, body) => {
                for i in inits {
                    self.expr(i, false);
                }
                let slots: Vec<u16> = vars.iter().map(|v| self.alloc(*v)).collect();
                for s in slots.iter().rev() {
                    self.emit(Op::LocalSet(*s));
                }
                for (v, s) in vars.iter().zip(&slots) {
                    if self.unit.vars[*v as usize].boxed() {
                        self.emit(Op::MakeBox(*s));
                    }
                }
                self.expr(body, tail);
            }
            Expr::Declare(vars, body) => {
                for v in vars {
                    let s = self.alloc(*v);
                    if self.unit.vars[*v as usize].boxed() {
                        self.emit(Op::MakeBox(s));
                    }
                }
                self.expr(body, tail);
            }
        }
    }

    /// Compiles the test of an `if` and a jump taken when it is false, as one instruction
    /// when the test is a primitive on plain locals. Returns the jump's index.
    fn test(&mut self, c: &Expr) -> usize {
        if let Expr::Prim(p, args, span) = c {
            let fused = match self.branch_on_operands(*p, args) {
                Some(op) => Some(op),
                None => {
                    let op = self.second_operand_form(*p, args, true);
                    if op.is_some() {
                        self.expr(&args[0], false);
                    }
                    op
                }
            };
            if let Some(op) = fused {
                let at = self.code.len();
                self.emit_spanned(op, *span);
                return at;
            }
        }
        self.expr(c, false);
        let at = self.code.len();
        self.emit(Op::JumpIfFalse(0));
        at
    }

    /// Points the jump at index `at` to the next instruction to be emitted.
    fn patch_jump(&mut self, at: usize) {
        let off = (self.code.len() - at - 1) as i32;
        self.code[at] = self.code[at].with_jump_offset(off);
    }

    /// The fused test-and-jump for a primitive on operands that `prim_on_operands` takes,
    /// when they fit the fused instruction's narrower fields.
    fn branch_on_operands(&mut self, p: Prim, args: &[Expr]) -> Option<Op> {
        match args {
            [a] => Some(Op::JumpIfFalseL(p, self.plain_slot(a)?, 0)),
            [a, b] => {
                let a = u8::try_from(self.plain_slot(a)?).ok()?;
                if let Some(b) = self.plain_slot(b) {
                    return Some(Op::JumpIfFalseLL(p, a, u8::try_from(b).ok()?, 0));
                }
                match b {
                    Expr::Const(Literal::Int(n)) if i8::try_from(*n).is_ok() => {
                        Some(Op::JumpIfFalseLI(p, a, *n as i8, 0))
                    }
                    Expr::Const(lit) if self.consts.len() < 256 => {
                        let k = self.constant(lit);
                        Some(Op::JumpIfFalseLC(p, a, u8::try_from(k).ok()?, 0))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The instruction for a two-operand primitive whose first operand is computed onto
    /// the stack and whose second is a plain local or a constant (the caller compiles
    /// the first operand, then emits it); `test` asks for the fused test-and-jump form.
    /// Reading the second operand after computing the first keeps the evaluation order.
    fn second_operand_form(&mut self, p: Prim, args: &[Expr], test: bool) -> Option<Op> {
        let [_, b] = args else { return None };
        if let Some(j) = self.plain_slot(b) {
            return Some(if test {
                Op::JumpIfFalseSL(p, j, 0)
            } else {
                Op::PrimSL(p, j)
            });
        }
        let Expr::Const(lit) = b else { return None };
        if test {
            if self.consts.len() > usize::from(u16::MAX) {
                return None;
            }
            let k = self.constant(lit);
            Some(Op::JumpIfFalseSC(p, u16::try_from(k).ok()?, 0))
        } else {
            Some(Op::PrimSC(p, self.constant(lit)))
        }
    }

    /// Adds `lit` to the constant table and returns its index.
    fn constant(&mut self, lit: &Literal) -> u32 {
        self.consts.push(lit.clone());
        (self.consts.len() - 1) as u32
    }

    /// The frame slot of `e` if it reads an unboxed local of this frame (such a read has
    /// no effect and cannot fail).
    fn plain_slot(&self, e: &Expr) -> Option<u16> {
        match e {
            Expr::Local(v, _) if !self.unit.vars[*v as usize].boxed() => match self.locate(*v) {
                Loc::Slot(s) => Some(s),
                Loc::Upval(_) => None,
            },
            _ => None,
        }
    }

    /// One instruction for a primitive whose operands are plain locals or a small fixnum
    /// (`(car l)`, `(cons x acc)`, `(- n 1)`), instead of pushing each operand first.
    fn prim_on_operands(&self, p: Prim, args: &[Expr]) -> Option<Op> {
        match args {
            [a] => Some(Op::PrimL(p, self.plain_slot(a)?)),
            [a, b] => {
                let a = self.plain_slot(a)?;
                if let Some(b) = self.plain_slot(b) {
                    return Some(Op::PrimLL(p, a, b));
                }
                match b {
                    Expr::Const(Literal::Int(n)) => Some(Op::PrimLI(p, a, i32::try_from(*n).ok()?)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn child(&mut self, id: LambdaId) -> u32 {
        let mut proto = match Gen::lambda(self.unit, id, self.hidden) {
            Ok(p) => p,
            Err(e) => {
                // The whole unit fails: no child is needed.
                self.error.get_or_insert(e);
                return 0;
            }
        };
        let caps: Vec<Capture> = self.unit.lambdas[id as usize]
            .captures
            .iter()
            .map(|v| match self.locate(*v) {
                Loc::Slot(s) => Capture::Local(s),
                Loc::Upval(u) => Capture::Upval(u),
            })
            .collect();
        if let Some(p) = Arc::get_mut(&mut proto) {
            p.captures = caps;
        }
        self.children.push(proto);
        (self.children.len() - 1) as u32
    }
}

enum Loc {
    Slot(u16),
    Upval(u16),
}
