//! Procedures: loaded prototypes, closures, builtins (natives), parameters and promises.

use crate::error::Error;
use crate::interp::{Action, Ctx};
use crate::value::Value;
use eta_compiler::proto::Prototype;
use gc_arena::{Collect, Gc, Lock};
use std::sync::Arc;

/// A prototype loaded into the heap: its constants are heap values.
#[derive(Collect)]
#[collect(no_drop)]
pub struct ProtoObj<'gc> {
    /// The compiled code.
    #[collect(require_static)]
    pub proto: Arc<Prototype>,
    /// Constants, loaded.
    pub consts: Box<[Value<'gc>]>,
    /// Nested prototypes, loaded.
    pub children: Box<[Gc<'gc, ProtoObj<'gc>>]>,
    /// The argument count the VM's fast call path accepts: `nreq` when the procedure
    /// takes no rest list and boxes no parameter, `u16::MAX` (never matches) otherwise.
    pub fast_argc: u16,
    /// The argument count for which the fast call path passes an empty rest list:
    /// `nreq` when the procedure takes a rest list and boxes no parameter, `u16::MAX`
    /// otherwise.
    pub rest_argc: u16,
    /// Total local slots (copied from the prototype for the call path).
    pub nlocals: u16,
    /// The most temporaries a frame holds at once above its locals (from the verifier):
    /// room for them is reserved when control enters or comes back to a frame, so that
    /// the dispatch loop pushes without checking.
    pub max_temps: u32,
}

impl<'gc> ProtoObj<'gc> {
    /// Wraps a verified prototype with its loaded constants and children; `max_temps`
    /// is the verifier's count of temporaries its frames need (`loader::load_proto`).
    pub fn new(
        proto: Arc<Prototype>,
        consts: Box<[Value<'gc>]>,
        children: Box<[Gc<'gc, ProtoObj<'gc>>]>,
        max_temps: u32,
    ) -> Self {
        let fast_argc = if proto.rest || !proto.boxed_params.is_empty() {
            u16::MAX
        } else {
            proto.nreq
        };
        let rest_argc = if proto.rest && proto.boxed_params.is_empty() {
            proto.nreq
        } else {
            u16::MAX
        };
        ProtoObj {
            nlocals: proto.nlocals,
            max_temps,
            fast_argc,
            rest_argc,
            proto,
            consts,
            children,
        }
    }
}

/// A closure: a prototype plus its captured values (flat closure).
#[derive(Collect)]
#[collect(no_drop)]
pub struct Closure<'gc> {
    /// The code.
    pub proto: Gc<'gc, ProtoObj<'gc>>,
    /// Captured values; boxed variables are captured as their `Cell`.
    pub upvals: Box<[Value<'gc>]>,
}

/// A builtin returning one value.
pub type SimpleFn =
    for<'a, 'gc> fn(&mut Ctx<'a, 'gc>, &[Value<'gc>]) -> Result<Value<'gc>, Error<'gc>>;
/// A builtin that may ask the VM to call a procedure or transfer control.
pub type ControlFn =
    for<'a, 'gc> fn(&mut Ctx<'a, 'gc>, &[Value<'gc>]) -> Result<Action<'gc>, Error<'gc>>;

/// The Rust function behind a builtin.
#[derive(Copy, Clone)]
pub enum NativeFn {
    /// Computes a value.
    Simple(SimpleFn),
    /// Returns an [`Action`] (tail call, continuation jump, ...).
    Control(ControlFn),
}

/// A builtin procedure: name, arity and function, declared in one place per domain.
pub struct Native {
    /// The Eta name.
    pub name: &'static str,
    /// Minimum number of arguments.
    pub min: u16,
    /// Maximum number of arguments, `None` for variadic.
    pub max: Option<u16>,
    /// The implementation.
    pub func: NativeFn,
}

impl Native {
    /// Arity text for error messages ("2", "at least 1", "1 to 3").
    pub fn arity_text(&self) -> String {
        match self.max {
            Some(m) if m == self.min => format!("{m}"),
            Some(m) => format!("{} to {}", self.min, m),
            None => format!("at least {}", self.min),
        }
    }
}

/// A parameter object (`make-parameter`).
#[derive(Collect)]
#[collect(no_drop)]
pub struct Parameter<'gc> {
    /// The current value.
    pub value: Lock<Value<'gc>>,
    /// The converter procedure, or `#f`.
    pub converter: Value<'gc>,
    /// Optional name for printing.
    #[collect(require_static)]
    pub name: Option<Box<str>>,
}

/// A promise (`delay`, `make-promise`): a shared cell holding `(done? . value-or-thunk)`,
/// as in the R7RS reference implementation, so that `delay-force` chains run iteratively.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Promise<'gc> {
    /// A pair `(done . value)`; replaced when promises are merged.
    pub state: Lock<Value<'gc>>,
}
