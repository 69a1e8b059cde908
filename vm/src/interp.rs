//! The dispatch loop: runs bytecode for a slice of fuel, then returns to the driver so the
//! arena can collect. Calls to Eta procedures push a frame record; builtins that need to
//! call back into Eta return an [`Action`] instead of recursing on the Rust stack.

use crate::closure::{Closure, NativeFn, ProtoObj};
use crate::condition::{Condition, TraceFrame};
use crate::continuation::{Continuation, Escape};
use crate::error::{tags, Error, RuntimeError};
use crate::frame::Frame;
use crate::host::Host;
use crate::payload;
use crate::symbol::SymbolTable;
use crate::value::Value;
use eta_compiler::proto::{Op, Prim};
use eta_compiler::Span;
use gc_arena::{Collect, Gc, Lock, Mutation, Static};

/// What a control builtin asks the VM to do.
pub enum Action<'gc> {
    /// Return this value.
    Return(Value<'gc>),
    /// Call `f` with `args` in place of the builtin (a tail call from its caller's view).
    TailCall(Value<'gc>, Vec<Value<'gc>>),
    /// Call `f` with `args` keeping the caller's frame even in tail position (so that it
    /// stays in stack traces; used by `raise`).
    Call(Value<'gc>, Vec<Value<'gc>>),
    /// Capture the current continuation and tail-call `f` with it.
    CallCC(Value<'gc>),
    /// Like `CallCC` with an escape-only continuation (valid while its frame is live).
    CallEC(Value<'gc>),
    /// Restore a continuation and deliver values to it.
    Throw(Gc<'gc, Continuation<'gc>>, Vec<Value<'gc>>),
    /// Abort the current run: the value was raised and nobody handled it.
    Uncaught(Value<'gc>),
    /// End the program (or thread actor) with a status.
    Exit(i32),
}

/// VM state other than the two stacks: what builtins may see and change.
#[derive(Collect)]
#[collect(no_drop)]
pub struct State<'gc> {
    /// The symbol intern table.
    pub symbols: SymbolTable<'gc>,
    /// Global variable slots (builtins, module and script globals).
    pub globals: Vec<Value<'gc>>,
    /// The dynamic-wind list: `((before . after) ...)`, innermost first.
    pub winders: Value<'gc>,
    /// The exception handler stack, innermost first.
    pub handlers: Value<'gc>,
    /// The value of the last finished run.
    pub result: Value<'gc>,
    /// A pending uncaught raise (set when a run aborts).
    pub uncaught: Option<Value<'gc>>,
    /// Values kept alive for the host (REPL results, ...).
    pub keep: Vec<Value<'gc>>,
    /// The actor's mailbox socket (`current-mailbox`), `'()` outside an actor; a GC root
    /// for the VM's life.
    pub mailbox: Value<'gc>,
    /// Everything without GC pointers: linker, sources, options, I/O buffers.
    pub host: Static<Box<Host>>,
}

impl<'gc> State<'gc> {
    /// The value in global slot `slot` (undefined when the slot does not exist).
    pub fn global(&self, slot: u32) -> Value<'gc> {
        self.globals
            .get(slot as usize)
            .copied()
            .unwrap_or(Value::Undefined)
    }

    /// The value of the builtin named `name`, if there is one.
    pub fn builtin(&self, name: &str) -> Option<Value<'gc>> {
        self.host.linker.builtin_slot(name).map(|s| self.global(s))
    }
}

/// The arena root: the value stack, the frame stack and the state.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Root<'gc> {
    /// The value stack (locals and temporaries of every frame).
    pub stack: Vec<Value<'gc>>,
    /// Active calls, outermost first.
    pub frames: Vec<Frame<'gc>>,
    /// Everything else.
    pub st: State<'gc>,
}

/// Access given to builtins.
pub struct Ctx<'a, 'gc> {
    /// The arena mutation handle (for allocation and write barriers).
    pub mc: &'a Mutation<'gc>,
    /// The VM state.
    pub st: &'a mut State<'gc>,
}

impl<'a, 'gc> Ctx<'a, 'gc> {
    /// Interns a symbol.
    pub fn sym(&mut self, name: &str) -> Value<'gc> {
        Value::Sym(self.st.symbols.intern(self.mc, name))
    }
}

/// How a slice ended.
pub enum Slice {
    /// Out of fuel; call again.
    Yield,
    /// The run finished; its value is in `State::result`.
    Done,
    /// A raise was not handled; it is in `State::uncaught`.
    Uncaught,
    /// `(exit n)` was called.
    Exit(i32),
}

enum Flow {
    /// Keep executing the current frame (its pc is in the local variable).
    Continue,
    /// The frame stack changed: reload the top frame.
    Reload,
    /// The run is over.
    End(Slice),
}

/// Fuel units charged per call and backward jump.
const CALL_COST: i64 = 1;

/// The fixnum fast path of a two-operand primitive, written out per primitive so that
/// each result is stored straight where it goes: evaluates `$done` with the result bound
/// to `$v` (it must leave the block), or falls through when the builtin must decide
/// (overflow, or a primitive without a fixnum case).
macro_rules! fixnum2 {
    ($p:expr, $x:expr, $y:expr, |$v:ident| $done:block) => {
        match $p {
            Prim::Add => {
                if let Some(r) = $x.checked_add($y) {
                    let $v = Value::Int(r);
                    $done
                }
            }
            Prim::Sub => {
                if let Some(r) = $x.checked_sub($y) {
                    let $v = Value::Int(r);
                    $done
                }
            }
            Prim::Mul => {
                if let Some(r) = $x.checked_mul($y) {
                    let $v = Value::Int(r);
                    $done
                }
            }
            _ => {
                if let Some(t) = fixnum_test($p, $x, $y) {
                    let $v = Value::Bool(t);
                    $done
                }
            }
        }
    };
}

/// The body of a two-operand primitive instruction with operands `$a` and `$b` in hand:
/// the fixnum fast path, else the general fast path, else the builtin; the result is
/// pushed. Leaves the arm (`continue`) or the loop as the outcome requires.
macro_rules! prim2_arm {
    ($self:ident, $mc:ident, $p:ident, $a:ident, $b:ident, $pc:ident, $reload:lifetime) => {
        if let (Value::Int(x), Value::Int(y)) = ($a, $b) {
            fixnum2!($p, x, y, |v| {
                $self.push_fast(v);
                continue;
            });
        }
        match $self.prim2_on($mc, $p, $a, $b, $pc) {
            Flow::Continue => {}
            Flow::End(s) => return s,
            Flow::Reload => continue $reload,
        }
    };
}

/// The body of a fused two-operand test-and-jump with operands `$a` and `$b` in hand:
/// jumps by `$off` when the primitive's value is `#f`.
macro_rules! test2_arm {
    ($self:ident, $mc:ident, $p:ident, $a:ident, $b:ident, $pc:ident, $off:ident, $reload:lifetime) => {
        if let (Value::Int(x), Value::Int(y)) = ($a, $b) {
            if let Some(t) = fixnum_test($p, x, y) {
                if !t {
                    $pc = ($pc as i64 + $off as i64) as usize;
                }
                continue;
            }
        }
        let v = match $self.test2_on($mc, $p, $a, $b, $pc) {
            Ok(v) => v,
            Err(Flow::End(s)) => return s,
            Err(_) => continue $reload,
        };
        if let Value::Bool(false) = v {
            $pc = ($pc as i64 + $off as i64) as usize;
        }
    };
}

impl<'gc> Root<'gc> {
    /// Starts a run: calls `proc` with no arguments.
    pub fn start(
        &mut self,
        mc: &Mutation<'gc>,
        proc: Value<'gc>,
        args: &[Value<'gc>],
    ) -> Option<Slice> {
        self.stack.clear();
        self.frames.clear();
        self.st.uncaught = None;
        self.stack.push(proc);
        self.stack.extend_from_slice(args);
        match self.call(mc, args.len(), false) {
            Flow::End(s) => Some(s),
            _ => None,
        }
    }

    /// Runs until `fuel` is spent or the run ends.
    pub fn run(&mut self, mc: &Mutation<'gc>, mut fuel: i64) -> Slice {
        'reload: loop {
            let Some(frame) = self.frames.last().copied() else {
                return Slice::Done;
            };
            // The running frame's closure, code and position, kept in locals; the inline
            // call and return paths set them directly instead of going through 'reload.
            // Constants, upvalues and children are read through `closure` by the few
            // instructions that need them (fewer live values in the loop).
            let mut closure = frame.closure;
            let mut code: &'gc [Op] = &Gc::as_ref(closure.proto).proto.code;
            let mut base = frame.base as usize;
            let mut pc = frame.pc as usize;
            // Room for the frame's temporaries from here on (see `push_fast`).
            self.reserve_to(self.stack.len() + Gc::as_ref(closure.proto).max_temps as usize);
            loop {
                debug_assert!(pc < code.len());
                // SAFETY: the prototype was verified when it was loaded (loader.rs): a
                // frame starts at pc 0 of non-empty code, and every jump target and every
                // instruction after a non-terminating one is inside the code, so pc (the
                // entry point, a saved resume point or a successor) is in range.
                let op = unsafe { *code.get_unchecked(pc) };
                pc += 1;
                match op {
                    Op::Const(i) => self.push_fast(constant(closure, i as usize)),
                    Op::Fixnum(n) => self.push_fast(Value::Int(n as i64)),
                    Op::Nil => self.push_fast(Value::Nil),
                    Op::True => self.push_fast(Value::Bool(true)),
                    Op::False => self.push_fast(Value::Bool(false)),
                    Op::Unspec => self.push_fast(Value::Unspecified),
                    Op::LocalRef(i) => {
                        let v = self.slot(base + i as usize);
                        self.push_fast(v);
                    }
                    Op::LocalSet(i) => {
                        let v = self.pop_fast();
                        self.set_slot(base + i as usize, v);
                    }
                    Op::MakeBox(i) => {
                        let v = self.slot(base + i as usize);
                        self.set_slot(base + i as usize, Value::Cell(Gc::new(mc, Lock::new(v))));
                    }
                    Op::BoxRef(i) => {
                        let v = cell_get(self.slot(base + i as usize));
                        self.push_fast(v);
                    }
                    Op::BoxRefChecked(i) | Op::UpvalBoxRefChecked(i) => {
                        let cell = match op {
                            Op::BoxRefChecked(_) => self.slot(base + i as usize),
                            _ => upvals(closure)[i as usize],
                        };
                        let v = cell_get(cell);
                        if let Value::Undefined = v {
                            self.save_pc(pc);
                            let e = self.undefined_local_error(closure, pc);
                            match self.raise_error(mc, e, self.stack.len()) {
                                Flow::End(s) => return s,
                                _ => continue 'reload,
                            }
                        }
                        self.push_fast(v);
                    }
                    Op::BoxSet(i) => {
                        let v = self.pop_fast();
                        cell_set(mc, self.slot(base + i as usize), v);
                    }
                    Op::UpvalRef(i) => self.push_fast(upvals(closure)[i as usize]),
                    Op::SelfRef => self.push_fast(Value::Closure(closure)),
                    Op::UpvalBoxRef(i) => self.push_fast(cell_get(upvals(closure)[i as usize])),
                    Op::UpvalBoxSet(i) => {
                        let v = self.pop_fast();
                        cell_set(mc, upvals(closure)[i as usize], v);
                    }
                    Op::GlobalRef(g) => {
                        let v = self.st.globals[g as usize];
                        if let Value::Undefined = v {
                            self.save_pc(pc);
                            let e = self.undefined_global_error(g);
                            match self.raise_error(mc, e, self.stack.len()) {
                                Flow::End(s) => return s,
                                _ => continue 'reload,
                            }
                        }
                        self.push_fast(v);
                    }
                    Op::GlobalSet(g) => {
                        let v = self.pop_fast();
                        if let Value::Undefined = self.st.globals[g as usize] {
                            self.save_pc(pc);
                            let e = self.undefined_global_error(g);
                            match self.raise_error(mc, e, self.stack.len()) {
                                Flow::End(s) => return s,
                                _ => continue 'reload,
                            }
                        }
                        self.st.globals[g as usize] = v;
                    }
                    Op::GlobalDef(g) => {
                        let v = self.pop_fast();
                        self.st.globals[g as usize] = v;
                    }
                    Op::Pop => {
                        self.stack.pop();
                    }
                    Op::Jump(off) => {
                        if off < 0 {
                            fuel -= CALL_COST;
                            if fuel <= 0 {
                                pc = (pc as i64 + off as i64) as usize;
                                self.save_pc(pc);
                                return Slice::Yield;
                            }
                        }
                        pc = (pc as i64 + off as i64) as usize;
                    }
                    Op::MapArgs(f, l) => {
                        let fv = self.slot(base + f as usize);
                        match self.slot(base + l as usize) {
                            Value::Pair(p) => {
                                self.push_fast(fv);
                                self.push_fast(p.car.get());
                                self.set_slot(base + l as usize, p.cdr.get());
                            }
                            other => {
                                // The loops that use this test `pair?` first; other code
                                // gets `car`'s error, raised where the verifier counted
                                // the second value so that the depth stays as counted.
                                self.push_fast(fv);
                                self.save_pc(pc);
                                let e = Error::type_error("car", "pair", other);
                                match self.raise_error(mc, e, self.stack.len()) {
                                    Flow::End(s) => return s,
                                    _ => continue 'reload,
                                }
                            }
                        }
                    }
                    Op::MapCollect(acc, off) => {
                        let v = self.pop_fast();
                        let at = base + acc as usize;
                        let list = Value::cons(mc, v, self.slot(at));
                        self.set_slot(at, list);
                        pc = (pc as i64 + off as i64) as usize;
                        fuel -= CALL_COST;
                        if fuel <= 0 {
                            self.save_pc(pc);
                            return Slice::Yield;
                        }
                    }
                    Op::JumpIfFalse(off) => {
                        if let Value::Bool(false) = self.pop_fast() {
                            pc = (pc as i64 + off as i64) as usize;
                        }
                    }
                    Op::Closure(i) => {
                        let child = Gc::as_ref(closure.proto).children[i as usize];
                        let upvals = upvals(closure);
                        let caps = &child.proto.captures;
                        let mut vals = Vec::with_capacity(caps.len());
                        for c in caps {
                            vals.push(match *c {
                                eta_compiler::proto::Capture::Local(s) => {
                                    self.slot(base + s as usize)
                                }
                                eta_compiler::proto::Capture::Upval(u) => upvals[u as usize],
                            });
                        }
                        let clo = Closure {
                            proto: child,
                            upvals: vals.into_boxed_slice(),
                        };
                        self.push_fast(Value::Closure(Gc::new(mc, clo)));
                    }
                    Op::Call(n) => {
                        fuel -= CALL_COST;
                        let argc = n as usize;
                        let callee_at = self.stack.len() - argc - 1;
                        // Fast path: a closure with fixed arity and no boxed parameter,
                        // called with the right number of arguments below the depth limit.
                        if let Value::Closure(c) = self.slot(callee_at) {
                            let cpo: &'gc ProtoObj<'gc> = Gc::as_ref(c.proto);
                            let depth = self.frames.len();
                            // Also a rest parameter with no argument for it (`(map f l)`):
                            // the rest list is empty, nothing to allocate.
                            let fixed = cpo.fast_argc as usize == argc;
                            if (fixed || cpo.rest_argc as usize == argc)
                                && depth < self.st.host.depth_limit
                            {
                                self.save_pc(pc);
                                if !fixed {
                                    // (Beyond the caller's room: checked.)
                                    self.stack.push(Value::Nil);
                                }
                                base = callee_at + 1;
                                self.push_frame(c, base, false);
                                if fuel <= 0 {
                                    return Slice::Yield;
                                }
                                closure = c;
                                code = &cpo.proto.code;
                                pc = 0;
                                continue;
                            }
                        }
                        self.save_pc(pc);
                        let flow = self.call(mc, n as usize, false);
                        // A builtin that allocated a lot of payload ends the slice so that
                        // the driver can collect (payload.rs).
                        if payload::pressure() {
                            fuel = 0;
                        }
                        match flow {
                            Flow::Continue => {
                                if fuel <= 0 {
                                    return Slice::Yield;
                                }
                            }
                            Flow::Reload => {
                                if fuel <= 0 {
                                    return Slice::Yield;
                                }
                                continue 'reload;
                            }
                            Flow::End(s) => return s,
                        }
                    }
                    Op::TailCall(n) => {
                        fuel -= CALL_COST;
                        let argc = n as usize;
                        let callee_at = self.stack.len() - argc - 1;
                        if let Value::Closure(c) = self.slot(callee_at) {
                            let cpo: &'gc ProtoObj<'gc> = Gc::as_ref(c.proto);
                            // The caller's frame is replaced: the depth does not change.
                            // A rest parameter with no argument for it gets '().
                            let fixed = cpo.fast_argc as usize == argc;
                            if (fixed || cpo.rest_argc as usize == argc)
                                && self.frames.len() <= self.st.host.depth_limit
                            {
                                // Move the callee and arguments down over the frame
                                // (a loop: memmove's call costs more for a few values).
                                for k in 0..=argc {
                                    let v = self.slot(callee_at + k);
                                    self.set_slot(base - 1 + k, v);
                                }
                                self.stack.truncate(base + argc);
                                if !fixed {
                                    self.stack.push(Value::Nil);
                                }
                                self.push_frame(c, base, true);
                                if fuel <= 0 {
                                    return Slice::Yield;
                                }
                                closure = c;
                                code = &cpo.proto.code;
                                pc = 0;
                                continue;
                            }
                        }
                        self.save_pc(pc);
                        let flow = self.call(mc, n as usize, true);
                        if payload::pressure() {
                            fuel = 0;
                        }
                        match flow {
                            Flow::End(s) => return s,
                            _ => {
                                if fuel <= 0 {
                                    return Slice::Yield;
                                }
                                continue 'reload;
                            }
                        }
                    }
                    Op::Return | Op::ReturnLocal(_) => {
                        let v = match op {
                            Op::ReturnLocal(i) => self.slot(base + i as usize),
                            _ => self.pop_fast(),
                        };
                        // Returning into another frame: the value replaces the callee slot.
                        if self.frames.len() > 1 {
                            let at = base - 1;
                            self.frames.pop();
                            self.stack.truncate(at + 1);
                            self.set_slot(at, v);
                            if let Some(f) = self.frames.last() {
                                closure = f.closure;
                                let cpo: &'gc ProtoObj<'gc> = Gc::as_ref(closure.proto);
                                code = &cpo.proto.code;
                                base = f.base as usize;
                                pc = f.pc as usize;
                                self.reserve_to(self.stack.len() + cpo.max_temps as usize);
                            }
                            continue;
                        }
                        match self.do_return(v) {
                            Some(s) => return s,
                            None => continue 'reload,
                        }
                    }
                    Op::Prim(p, argc) => {
                        // The verifier guarantees `argc` operands on the stack.
                        let n = argc as usize;
                        let len = self.stack.len();
                        match n {
                            2 => {
                                let (a, b) = (self.slot(len - 2), self.slot(len - 1));
                                if let (Value::Int(x), Value::Int(y)) = (a, b) {
                                    fixnum2!(p, x, y, |v| {
                                        self.stack.truncate(len - 1);
                                        self.set_slot(len - 2, v);
                                        continue;
                                    });
                                }
                                if let Some(v) = prim2(mc, p, a, b) {
                                    self.stack.truncate(len - 1);
                                    self.set_slot(len - 2, v);
                                    continue;
                                }
                            }
                            1 => {
                                if let Some(v) = prim1(mc, p, self.slot(len - 1)) {
                                    self.set_slot(len - 1, v);
                                    continue;
                                }
                            }
                            _ if n > 0 && p == Prim::List => {
                                let mut acc = Value::Nil;
                                for k in (len - n..len).rev() {
                                    acc = Value::cons(mc, self.slot(k), acc);
                                }
                                self.stack.truncate(len - n + 1);
                                self.set_slot(len - n, acc);
                                continue;
                            }
                            _ => {}
                        }
                        self.save_pc(pc);
                        match self.prim_slow(mc, p, n) {
                            Flow::Continue => {}
                            Flow::End(s) => return s,
                            Flow::Reload => continue 'reload,
                        }
                    }
                    Op::PrimL(p, i) => {
                        let a = self.slot(base + i as usize);
                        if let Some(v) = prim1(mc, p, a) {
                            self.push_fast(v);
                            continue;
                        }
                        self.push_fast(a);
                        self.save_pc(pc);
                        match self.prim_slow(mc, p, 1) {
                            Flow::Continue => {}
                            Flow::End(s) => return s,
                            Flow::Reload => continue 'reload,
                        }
                    }
                    Op::PrimLL(p, i, j) => {
                        let a = self.slot(base + i as usize);
                        let b = self.slot(base + j as usize);
                        prim2_arm!(self, mc, p, a, b, pc, 'reload);
                    }
                    Op::PrimSL(p, j) => {
                        let a = self.pop_fast();
                        let b = self.slot(base + j as usize);
                        prim2_arm!(self, mc, p, a, b, pc, 'reload);
                    }
                    Op::PrimSC(p, k) => {
                        let a = self.pop_fast();
                        let b = constant(closure, k as usize);
                        prim2_arm!(self, mc, p, a, b, pc, 'reload);
                    }
                    Op::PrimLI(p, i, k) => {
                        let a = self.slot(base + i as usize);
                        let b = Value::Int(k as i64);
                        prim2_arm!(self, mc, p, a, b, pc, 'reload);
                    }
                    Op::JumpIfFalseL(p, i, off) => {
                        let a = self.slot(base + i as usize);
                        let v = match prim1(mc, p, a) {
                            Some(v) => v,
                            None => {
                                // One past the verified depth: checked.
                                self.stack.push(a);
                                self.save_pc(pc);
                                match self.prim_slow(mc, p, 1) {
                                    Flow::Continue => self.pop_fast(),
                                    Flow::End(s) => return s,
                                    Flow::Reload => continue 'reload,
                                }
                            }
                        };
                        if let Value::Bool(false) = v {
                            pc = (pc as i64 + off as i64) as usize;
                        }
                    }
                    Op::JumpIfFalseLL(p, i, j, off) => {
                        let a = self.slot(base + i as usize);
                        let b = self.slot(base + j as usize);
                        test2_arm!(self, mc, p, a, b, pc, off, 'reload);
                    }
                    Op::JumpIfFalseSL(p, j, off) => {
                        let a = self.pop_fast();
                        let b = self.slot(base + j as usize);
                        test2_arm!(self, mc, p, a, b, pc, off, 'reload);
                    }
                    Op::JumpIfFalseSC(p, k, off) => {
                        let a = self.pop_fast();
                        let b = constant(closure, k as usize);
                        test2_arm!(self, mc, p, a, b, pc, off, 'reload);
                    }
                    Op::JumpIfFalseLC(p, i, k, off) => {
                        let a = self.slot(base + i as usize);
                        let b = constant(closure, k as usize);
                        test2_arm!(self, mc, p, a, b, pc, off, 'reload);
                    }
                    Op::JumpIfFalseLI(p, i, k, off) => {
                        let a = self.slot(base + i as usize);
                        let b = Value::Int(k as i64);
                        test2_arm!(self, mc, p, a, b, pc, off, 'reload);
                    }
                }
            }
        }
    }

    /// A two-operand primitive on operands read in place, its result pushed (the
    /// instruction's one verified push).
    #[inline(always)]
    fn prim2_on(
        &mut self,
        mc: &Mutation<'gc>,
        p: Prim,
        a: Value<'gc>,
        b: Value<'gc>,
        pc: usize,
    ) -> Flow {
        match self.test2_on(mc, p, a, b, pc) {
            Ok(v) => {
                self.push_fast(v);
                Flow::Continue
            }
            Err(flow) => flow,
        }
    }

    /// A two-operand primitive on operands read in place: its value (the fast path, else
    /// the operands go on the stack for the builtin), or how the run goes on when the
    /// builtin raised (the error is not resumable).
    #[inline(always)]
    fn test2_on(
        &mut self,
        mc: &Mutation<'gc>,
        p: Prim,
        a: Value<'gc>,
        b: Value<'gc>,
        pc: usize,
    ) -> Result<Value<'gc>, Flow> {
        if let Some(v) = prim2(mc, p, a, b) {
            return Ok(v);
        }
        self.stack.push(a);
        self.stack.push(b);
        self.save_pc(pc);
        match self.prim_slow(mc, p, 2) {
            Flow::Continue => Ok(self.pop()),
            other => Err(other),
        }
    }

    /// A primitive's general case: calls the builtin behind it on the `n` operands on
    /// top of the stack and replaces them with the result, or raises its error.
    #[inline(never)]
    fn prim_slow(&mut self, mc: &Mutation<'gc>, p: Prim, n: usize) -> Flow {
        let args_start = self.stack.len() - n;
        let slot = self
            .st
            .host
            .prim_slots
            .get(p as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let r = match self.st.global(slot) {
            Value::Native(n) => match n.func {
                NativeFn::Simple(f) => {
                    let (_, args) = self.stack.split_at(args_start);
                    let mut ctx = Ctx {
                        mc,
                        st: &mut self.st,
                    };
                    f(&mut ctx, args)
                }
                NativeFn::Control(_) => Err(Error::new(tags::INTERNAL, "primitive is not simple")),
            },
            _ => Err(Error::new(
                tags::INTERNAL,
                format!("missing builtin {}", eta_compiler::prim_name(p)),
            )),
        };
        match r {
            Ok(v) => {
                self.stack.truncate(args_start);
                self.stack.push(v);
                Flow::Continue
            }
            Err(e) => self.raise_error(mc, e, args_start),
        }
    }

    // The dispatch loop's stack access without bounds or capacity checks. What makes it
    // sound: every prototype is verified before it runs (eta_compiler::verify), so an
    // instruction finds the operands it takes on the stack and addresses only the frame's
    // local slots, and a frame never holds more than its prototype's `max_temps`
    // temporaries above its locals. Room for those is reserved whenever control enters
    // or comes back to a frame (`push_frame`, and `reserve_to` at 'reload and after an
    // inline return). A raise that returns into a frame can leave one value more than the
    // verifier counted (a failed test, `set!` of an undefined global, the heap limit);
    // since control always comes back through one of those points, the room reserved
    // there covers it. Nothing ever truncates the stack below the top frame's locals.

    /// Makes sure the stack can hold `need` values without reallocating.
    #[inline(always)]
    fn reserve_to(&mut self, need: usize) {
        if self.stack.capacity() < need {
            self.reserve_stack(need);
        }
    }

    /// Pushes onto the reserved room of the running frame.
    #[inline(always)]
    fn push_fast(&mut self, v: Value<'gc>) {
        let len = self.stack.len();
        debug_assert!(len < self.stack.capacity());
        // SAFETY: the frame's room is reserved (see above), so `len < capacity`; Value is
        // Copy, so writing it and growing the length is all a push does.
        unsafe {
            self.stack.as_mut_ptr().add(len).write(v);
            self.stack.set_len(len + 1);
        }
    }

    /// Pops an operand the verifier guarantees is there.
    #[inline(always)]
    fn pop_fast(&mut self) -> Value<'gc> {
        debug_assert!(!self.stack.is_empty());
        // SAFETY: verified code pops only temporaries it pushed, so the stack is not
        // empty and the slot below the length is initialised; Value is Copy.
        unsafe {
            let len = self.stack.len() - 1;
            self.stack.set_len(len);
            *self.stack.as_ptr().add(len)
        }
    }

    /// Reads stack slot `i`: a local of the running frame or one of its operands.
    #[inline(always)]
    fn slot(&self, i: usize) -> Value<'gc> {
        debug_assert!(i < self.stack.len());
        // SAFETY: verified code addresses only the frame's locals (below `base +
        // nlocals`, which the stack never drops below while the frame runs) and the
        // operands it pushed, so `i < len`.
        unsafe { *self.stack.get_unchecked(i) }
    }

    /// Writes stack slot `i` (see [`Root::slot`]).
    #[inline(always)]
    fn set_slot(&mut self, i: usize, v: Value<'gc>) {
        debug_assert!(i < self.stack.len());
        // SAFETY: as for `slot`.
        unsafe { *self.stack.get_unchecked_mut(i) = v }
    }

    #[inline]
    fn pop(&mut self) -> Value<'gc> {
        self.stack.pop().unwrap_or(Value::Unspecified)
    }

    #[inline]
    fn save_pc(&mut self, pc: usize) {
        if let Some(f) = self.frames.last_mut() {
            f.pc = pc as u32;
        }
    }

    /// Pushes a frame for closure `c` whose arguments (already checked against its arity)
    /// start at stack index `base`, with room for `nlocals` locals.
    #[inline(always)]
    fn push_frame(&mut self, c: Gc<'gc, Closure<'gc>>, base: usize, replace: bool) {
        // Restore the configured limit once a handled limit error has unwound.
        let host = &mut self.st.host;
        if host.depth_limit != host.max_depth {
            restore_depth_limit(host, self.frames.len());
        }
        let cpo: &ProtoObj<'gc> = Gc::as_ref(c.proto);
        // Room for the frame's locals and temporaries, so that the dispatch loop can
        // push without checking.
        let top = base + cpo.nlocals as usize;
        self.reserve_to(top + cpo.max_temps as usize);
        // The arguments are already in place: only extra locals need slots.
        while self.stack.len() < top {
            self.push_fast(Value::Undefined);
        }
        let f = Frame {
            closure: c,
            pc: 0,
            base: base as u32,
        };
        match self.frames.last_mut() {
            Some(t) if replace => *t = f,
            _ => self.frames.push(f),
        }
    }

    /// Grows the value stack's capacity to at least `need` values.
    #[cold]
    #[inline(never)]
    fn reserve_stack(&mut self, need: usize) {
        self.stack.reserve(need.saturating_sub(self.stack.len()));
    }

    /// Returns `v` from the top frame. `Some` when the run is over.
    fn do_return(&mut self, v: Value<'gc>) -> Option<Slice> {
        let Some(f) = self.frames.pop() else {
            self.st.result = v;
            return Some(Slice::Done);
        };
        self.stack.truncate(f.base as usize - 1);
        if self.frames.is_empty() {
            self.stack.clear();
            self.st.result = v;
            return Some(Slice::Done);
        }
        self.stack.push(v);
        None
    }

    /// Delivers a builtin's result at the callee slot `at`.
    fn deliver(&mut self, at: usize, v: Value<'gc>, tail: bool) -> Flow {
        self.stack.truncate(at);
        if tail {
            return match self.do_return(v) {
                Some(s) => Flow::End(s),
                None => Flow::Reload,
            };
        }
        if self.frames.is_empty() {
            self.stack.clear();
            self.st.result = v;
            return Flow::End(Slice::Done);
        }
        self.stack.push(v);
        Flow::Continue
    }

    /// Moves the callee and its `argc` arguments down over the current frame and pops the
    /// frame (the first half of a tail call).
    fn shift_for_tail(&mut self, argc: usize) {
        if let Some(f) = self.frames.pop() {
            let src = self.stack.len() - argc - 1;
            let dst = f.base as usize - 1;
            if src != dst {
                self.stack.copy_within(src.., dst);
                self.stack.truncate(dst + argc + 1);
            }
        }
    }

    /// Calls the procedure at `stack[len - argc - 1]` with the `argc` values above it.
    fn call(&mut self, mc: &Mutation<'gc>, argc: usize, tail: bool) -> Flow {
        let mut argc = argc;
        let mut tail = tail;
        loop {
            let callee_at = self.stack.len() - argc - 1;
            let callee = self.stack[callee_at];
            match callee {
                Value::Closure(c) => {
                    if tail {
                        // Report an arity error where the failing call is, before the
                        // caller's frame is replaced.
                        let p = &c.proto.proto;
                        if argc < p.nreq as usize || (!p.rest && argc > p.nreq as usize) {
                            if let Err(e) = self.enter(mc, c, argc, callee_at) {
                                return self.raise_error(mc, e, callee_at);
                            }
                        }
                        self.shift_for_tail(argc);
                    }
                    let callee_at = self.stack.len() - argc - 1;
                    return match self.enter(mc, c, argc, callee_at) {
                        Ok(()) => Flow::Reload,
                        Err(e) => self.raise_error(mc, e, callee_at),
                    };
                }
                Value::Native(n) => {
                    let ok = argc >= n.min as usize && n.max.is_none_or(|m| argc <= m as usize);
                    if !ok {
                        let e = Error::arity(n.name, &n.arity_text(), argc);
                        return self.raise_error(mc, e, callee_at);
                    }
                    match n.func {
                        NativeFn::Simple(f) => {
                            let r = {
                                let (_, args) = self.stack.split_at(callee_at + 1);
                                let mut ctx = Ctx {
                                    mc,
                                    st: &mut self.st,
                                };
                                f(&mut ctx, args)
                            };
                            return match r {
                                Ok(v) => self.deliver(callee_at, v, tail),
                                Err(e) => self.raise_error(mc, e, callee_at),
                            };
                        }
                        NativeFn::Control(f) => {
                            let r = {
                                let (_, args) = self.stack.split_at(callee_at + 1);
                                let mut ctx = Ctx {
                                    mc,
                                    st: &mut self.st,
                                };
                                f(&mut ctx, args)
                            };
                            match r {
                                Err(e) => return self.raise_error(mc, e, callee_at),
                                Ok(Action::Return(v)) => return self.deliver(callee_at, v, tail),
                                Ok(Action::TailCall(f, args)) => {
                                    self.stack.truncate(callee_at);
                                    self.stack.push(f);
                                    argc = args.len();
                                    self.stack.extend(args);
                                    continue;
                                }
                                Ok(Action::Call(f, args)) => {
                                    // A genuine call: the caller's frame stays (its next
                                    // instruction after a tail call is a Return).
                                    self.stack.truncate(callee_at);
                                    self.stack.push(f);
                                    argc = args.len();
                                    self.stack.extend(args);
                                    tail = false;
                                    continue;
                                }
                                Ok(act @ (Action::CallCC(_) | Action::CallEC(_))) => {
                                    let (f, escape) = match act {
                                        Action::CallEC(f) => (f, true),
                                        Action::CallCC(f) => (f, false),
                                        _ => (Value::Unspecified, false),
                                    };
                                    self.stack.truncate(callee_at + 1);
                                    if tail {
                                        self.shift_for_tail(0);
                                        tail = false;
                                    }
                                    let at = self.stack.len() - 1;
                                    self.stack.truncate(at);
                                    let k = if escape {
                                        self.capture_escape(mc)
                                    } else {
                                        self.capture(mc)
                                    };
                                    self.stack.push(f);
                                    self.stack.push(k);
                                    argc = 1;
                                    continue;
                                }
                                Ok(Action::Throw(k, vals)) => {
                                    return self.throw(mc, k, vals);
                                }
                                Ok(Action::Uncaught(v)) => {
                                    self.st.uncaught = Some(v);
                                    return Flow::End(Slice::Uncaught);
                                }
                                Ok(Action::Exit(code)) => return Flow::End(Slice::Exit(code)),
                            }
                        }
                    }
                }
                Value::Continuation(_) => {
                    // Unwind/rewind through the prelude's %continue, which ends in %throw.
                    let f = self.st.global(self.st.host.continue_slot);
                    self.stack.insert(callee_at, f);
                    argc += 1;
                    continue;
                }
                Value::Parameter(p) => {
                    if argc != 0 {
                        let e = Error::arity("#<parameter>", "0", argc);
                        return self.raise_error(mc, e, callee_at);
                    }
                    return self.deliver(callee_at, p.value.get(), tail);
                }
                other => {
                    let e = Error::new(
                        tags::TYPE,
                        format!(
                            "attempt to call a non-procedure: {}",
                            crate::printer::write_truncated(other, 200)
                        ),
                    )
                    .with_irritants(vec![other]);
                    return self.raise_error(mc, e, callee_at);
                }
            }
        }
    }

    /// Pushes a frame for closure `c` whose callee slot is `callee_at`.
    fn enter(
        &mut self,
        mc: &Mutation<'gc>,
        c: Gc<'gc, Closure<'gc>>,
        argc: usize,
        callee_at: usize,
    ) -> Result<(), Error<'gc>> {
        let proto = &c.proto.proto;
        let nreq = proto.nreq as usize;
        if argc < nreq || (!proto.rest && argc > nreq) {
            let name = match &proto.name {
                Some(n) => n.to_string(),
                None => "#<procedure>".to_string(),
            };
            return Err(Error::arity(&name, &proto.arity_text(), argc));
        }
        if self.frames.len() >= self.st.host.depth_limit {
            let host = &mut self.st.host;
            let limit = host.max_depth;
            if host.depth_limit == limit {
                // Leave room for the handlers: with a handler or guard at every level,
                // passing the error outwards takes up to twice as many frames again.
                host.depth_limit = limit + (2 * limit).min(4_000_000) + 1000;
                return Err(Error::new(
                    tags::LIMIT,
                    format!("recursion depth limit exceeded ({limit} frames)"),
                ));
            }
            // The handlers overran the room too: handling this one could only recurse
            // again, so it ends the program instead (never a native stack overflow or
            // an endless cascade of limit errors).
            host.depth_fatal = true;
            return Err(Error::new(
                tags::LIMIT,
                format!(
                    "recursion depth limit exceeded ({limit} frames), and again while \
                     handling that error"
                ),
            ));
        }
        let base = callee_at + 1;
        if proto.rest {
            let extra = Value::list(mc, self.stack[base + nreq..].iter().copied());
            self.stack.truncate(base + nreq);
            self.stack.push(extra);
        }
        self.push_frame(c, base, false);
        for &i in &proto.boxed_params {
            let slot = base + i as usize;
            self.stack[slot] = Value::Cell(Gc::new(mc, Lock::new(self.stack[slot])));
        }
        Ok(())
    }

    /// Captures the current continuation (the stack is already cut at the result slot).
    fn capture(&mut self, mc: &Mutation<'gc>) -> Value<'gc> {
        self.st.host.captures = self.st.host.captures.wrapping_add(1);
        let k = Continuation {
            frames: self.frames.clone(),
            stack: self.stack.clone(),
            winders: self.st.winders,
            handlers: self.st.handlers,
            run_id: self.st.host.run_id,
            escape: None,
        };
        Value::Continuation(Gc::new(mc, k))
    }

    /// Captures an escape-only continuation: just the heights to cut back to.
    fn capture_escape(&mut self, mc: &Mutation<'gc>) -> Value<'gc> {
        let top = self.frames.last();
        let k = Continuation {
            frames: Vec::new(),
            stack: Vec::new(),
            winders: self.st.winders,
            handlers: self.st.handlers,
            run_id: self.st.host.run_id,
            escape: Some(Escape {
                frames: self.frames.len() as u32,
                stack: self.stack.len() as u32,
                base: top.map(|f| f.base).unwrap_or(0),
                closure: top.map(|f| Gc::as_ptr(f.closure) as usize).unwrap_or(0),
            }),
        };
        Value::Continuation(Gc::new(mc, k))
    }

    fn throw(
        &mut self,
        mc: &Mutation<'gc>,
        k: Gc<'gc, Continuation<'gc>>,
        vals: Vec<Value<'gc>>,
    ) -> Flow {
        if let Some(e) = k.escape {
            let (nf, ns) = (e.frames as usize, e.stack as usize);
            let live = self.frames.len() >= nf
                && self.stack.len() >= ns
                && (nf == 0
                    || (self.frames[nf - 1].base == e.base
                        && Gc::as_ptr(self.frames[nf - 1].closure) as usize == e.closure));
            if !live {
                let err = Error::new(tags::TYPE, "escape continuation called outside its extent");
                let at = self.stack.len();
                return self.raise_error(mc, err, at);
            }
            self.frames.truncate(nf);
            self.stack.truncate(ns);
        } else {
            self.frames.clear();
            self.frames.extend_from_slice(&k.frames);
            self.stack.clear();
            self.stack.extend_from_slice(&k.stack);
        }
        self.st.handlers = k.handlers;
        self.st.winders = k.winders;
        let v = if vals.len() == 1 {
            vals[0]
        } else {
            Value::Values(Gc::new(mc, vals))
        };
        if self.frames.is_empty() {
            self.stack.clear();
            self.st.result = v;
            return Flow::End(Slice::Done);
        }
        self.stack.push(v);
        Flow::Reload
    }

    /// Turns an error into a condition and calls `raise` with it in place of the failed
    /// operation, whose operands start at stack index `at`.
    fn raise_error(&mut self, mc: &Mutation<'gc>, e: Error<'gc>, at: usize) -> Flow {
        let obj = match e {
            Error::Raise(v) => v,
            Error::Runtime(r) => self.make_condition(mc, *r),
        };
        self.stack.truncate(at);
        let raise = self.st.globals[self.st.host.raise_slot as usize];
        if std::mem::take(&mut self.st.host.depth_fatal) || matches!(raise, Value::Undefined) {
            self.st.uncaught = Some(obj);
            return Flow::End(Slice::Uncaught);
        }
        self.stack.push(raise);
        self.stack.push(obj);
        self.call(mc, 1, false)
    }

    /// Raises `e` in the running program at the point where its last slice stopped (the
    /// driver's heap limit). `None` means the run goes on (a handler was called).
    pub fn raise_now(&mut self, mc: &Mutation<'gc>, e: Error<'gc>) -> Option<Slice> {
        let at = self.stack.len();
        match self.raise_error(mc, e, at) {
            Flow::End(s) => Some(s),
            _ => None,
        }
    }

    /// The location of the innermost frame's current call and the trace of all frames.
    pub fn trace(&self) -> (Option<Span>, Vec<TraceFrame>, u64) {
        let mut out: Vec<TraceFrame> = Vec::new();
        let mut omitted = 0u64;
        const KEEP: usize = 64;
        // The location inside a transparent frame (a thunk written by `catch`, `guard`
        // ...) is shown on the next visible frame outwards.
        let mut carry: Option<Span> = None;
        for f in self.frames.iter().rev() {
            let proto = &f.closure.proto.proto;
            if proto.hidden {
                continue;
            }
            let here = proto.span_at((f.pc as usize).saturating_sub(1));
            if proto.transparent {
                carry.get_or_insert(here);
                continue;
            }
            let span = carry.take().unwrap_or(here);
            let name = proto.display_name();
            if let Some(last) = out.last_mut() {
                if last.span == span && last.name == name {
                    last.repeat += 1;
                    continue;
                }
            }
            if out.len() >= KEEP {
                omitted += 1;
                continue;
            }
            out.push(TraceFrame {
                name,
                span,
                repeat: 1,
            });
        }
        // Keep the outermost frames visible when the middle was cut.
        if omitted > 0 {
            let outer: Vec<TraceFrame> = self
                .frames
                .iter()
                .filter(|f| !f.closure.proto.proto.hidden && !f.closure.proto.proto.transparent)
                .take(5)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .map(|f| {
                    let proto = &f.closure.proto.proto;
                    TraceFrame {
                        name: proto.display_name(),
                        span: proto.span_at((f.pc as usize).saturating_sub(1)),
                        repeat: 1,
                    }
                })
                .collect();
            out.truncate(KEEP - outer.len());
            out.extend(outer);
        }
        let span = out.first().map(|t| t.span);
        (span, out, omitted)
    }

    /// Builds an error condition for a runtime error at the current position.
    pub fn make_condition(&mut self, mc: &Mutation<'gc>, r: RuntimeError<'gc>) -> Value<'gc> {
        let (span, trace, omitted) = self.trace();
        let mut ctx = Ctx {
            mc,
            st: &mut self.st,
        };
        crate::condition_builder::error_condition(&mut ctx, r, span, trace, omitted)
    }

    fn undefined_global_error(&self, g: u32) -> Error<'gc> {
        let name = self.st.host.global_name(g);
        Error::new(
            tags::UNDEFINED,
            format!("{name}: variable used before its definition"),
        )
    }

    fn undefined_local_error(&self, c: Gc<'gc, Closure<'gc>>, pc: usize) -> Error<'gc> {
        let proto = &c.proto.proto;
        let name = proto
            .checked_name(pc.saturating_sub(1))
            .unwrap_or_else(|| "variable".into());
        Error::new(
            tags::UNDEFINED,
            format!("{name}: variable used before its definition"),
        )
    }
}

/// The fixnum fast path of a two-operand comparison: `None` for other primitives.
#[inline(always)]
fn fixnum_test(p: Prim, x: i64, y: i64) -> Option<bool> {
    match p {
        Prim::Lt => Some(x < y),
        Prim::Gt => Some(x > y),
        Prim::Le => Some(x <= y),
        Prim::Ge => Some(x >= y),
        Prim::NumEq | Prim::Eq | Prim::Eqv => Some(x == y),
        _ => None,
    }
}

/// The fast path of a one-operand primitive: `None` when the builtin must decide.
#[inline(always)]
fn prim1<'gc>(mc: &Mutation<'gc>, p: Prim, a: Value<'gc>) -> Option<Value<'gc>> {
    match p {
        Prim::IsZero => match a {
            Value::Int(x) => Some(Value::Bool(x == 0)),
            _ => None,
        },
        Prim::Car => a.as_pair().map(|p| p.0),
        Prim::Cdr => a.as_pair().map(|p| p.1),
        Prim::IsNull => Some(Value::Bool(matches!(a, Value::Nil))),
        Prim::IsPair => Some(Value::Bool(matches!(a, Value::Pair(_)))),
        Prim::Not => Some(Value::Bool(matches!(a, Value::Bool(false)))),
        Prim::List => Some(Value::cons(mc, a, Value::Nil)),
        _ => None,
    }
}

/// The fast path of a two-operand primitive: fixnum and flonum arithmetic without
/// overflow, fixnum comparisons, `cons`, `list`, `eq?`, `eqv?`, in-range `vector-ref`.
#[inline(always)]
fn prim2<'gc>(mc: &Mutation<'gc>, p: Prim, a: Value<'gc>, b: Value<'gc>) -> Option<Value<'gc>> {
    match p {
        Prim::Add => match (a, b) {
            (Value::Int(x), Value::Int(y)) => x.checked_add(y).map(Value::Int),
            (Value::Float(x), Value::Float(y)) => Some(Value::Float(x + y)),
            _ => None,
        },
        Prim::Sub => match (a, b) {
            (Value::Int(x), Value::Int(y)) => x.checked_sub(y).map(Value::Int),
            (Value::Float(x), Value::Float(y)) => Some(Value::Float(x - y)),
            _ => None,
        },
        Prim::Mul => match (a, b) {
            (Value::Int(x), Value::Int(y)) => x.checked_mul(y).map(Value::Int),
            (Value::Float(x), Value::Float(y)) => Some(Value::Float(x * y)),
            _ => None,
        },
        Prim::Lt => match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(Value::Bool(x < y)),
            _ => None,
        },
        Prim::Gt => match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(Value::Bool(x > y)),
            _ => None,
        },
        Prim::Le => match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(Value::Bool(x <= y)),
            _ => None,
        },
        Prim::Ge => match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(Value::Bool(x >= y)),
            _ => None,
        },
        Prim::NumEq => match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(Value::Bool(x == y)),
            _ => None,
        },
        Prim::Eq => Some(Value::Bool(a.is_eq(b))),
        Prim::Eqv => Some(Value::Bool(a.is_eqv(b))),
        Prim::VectorRef => match (a, b) {
            (Value::Vector(v), Value::Int(i)) if i >= 0 => v.borrow().get(i as usize).copied(),
            _ => None,
        },
        Prim::Cons => Some(Value::cons(mc, a, b)),
        Prim::List => Some(Value::cons(mc, a, Value::cons(mc, b, Value::Nil))),
        _ => None,
    }
}

/// Puts the depth limit back to the configured one once the frames of a handled limit
/// error have unwound (out of line: the limit is raised only while one is handled).
#[cold]
#[inline(never)]
fn restore_depth_limit(host: &mut Host, depth: usize) {
    if depth + 1000 < host.max_depth {
        host.depth_limit = host.max_depth;
    }
}

/// Constant `i` of a running closure's code.
#[inline(always)]
fn constant<'gc>(c: Gc<'gc, Closure<'gc>>, i: usize) -> Value<'gc> {
    let consts = &Gc::as_ref(Gc::as_ref(c).proto).consts;
    debug_assert!(i < consts.len());
    // SAFETY: the prototype was verified (every constant operand is below the length of
    // its constant table) and the loader made one value per entry of that table.
    unsafe { *consts.get_unchecked(i) }
}

/// The captured values of a running closure.
#[inline(always)]
fn upvals<'gc>(c: Gc<'gc, Closure<'gc>>) -> &'gc [Value<'gc>] {
    &Gc::as_ref(c).upvals
}

#[inline]
fn cell_get(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Cell(c) => c.get(),
        other => other,
    }
}

#[inline]
fn cell_set<'gc>(mc: &Mutation<'gc>, cell: Value<'gc>, v: Value<'gc>) {
    if let Value::Cell(c) = cell {
        c.set(mc, v);
    }
}

/// Builds a tagged (non-error) condition.
pub fn tagged_condition<'gc>(ctx: &mut Ctx<'_, 'gc>, tag: &str, payload: Value<'gc>) -> Value<'gc> {
    let tag = ctx.st.symbols.intern(ctx.mc, tag);
    Value::Condition(Gc::new(
        ctx.mc,
        Condition {
            tag,
            payload,
            error: None,
        },
    ))
}
