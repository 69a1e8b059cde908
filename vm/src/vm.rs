//! The driver: owns the arena, runs compiled units slice by slice with garbage collection
//! between slices, and reports how a run ended.

use crate::closure::{Closure, Native};
use crate::condition::TraceFrame;
use crate::host::Host;
use crate::interp::{Ctx, Root, Slice, State};
use crate::loader::load_proto;
use crate::printer::write_truncated;
use crate::symbol::SymbolTable;
use crate::value::Value;
use eta_compiler::{Linker, Span, Unit};
use gc_arena::metrics::Pacing;
use gc_arena::{Arena, Gc, Rootable, Static};

/// Instructions (calls and backward jumps) per slice.
const FUEL: i64 = 20_000;

/// Collector pacing. gc-arena's default work factors let a cycle run alongside roughly
/// half a live heap's worth of new allocations, on top of the sleep before it starts; an
/// allocation-heavy program then peaks near twice its live size (about 235 MB for three
/// rounds of building, reversing and summing a million-element list). With the factors
/// a tenth of the default the collector does about eighteen units of work per allocation,
/// stays incremental (a slice's debt is paid between slices) and that program peaks at
/// 130 MB with glibc's malloc (105 MB with the binary's mimalloc), close to its live
/// data.
const PACING: Pacing = Pacing {
    sleep_factor: 0.5,
    min_sleep: 4096,
    mark_factor: 0.01,
    trace_factor: 0.04,
    keep_factor: 0.005,
    drop_factor: 0.02,
    free_factor: 0.03,
};

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Finished normally.
    Done,
    /// `(exit n)`.
    Exit(i32),
    /// An unhandled raise.
    Uncaught(Uncaught),
    /// Interrupted (Ctrl-C).
    Interrupted,
}

/// An unhandled raise, copied out of the heap for reporting.
#[derive(Debug, Clone)]
pub struct Uncaught {
    /// The condition tag, if the raised object was a condition.
    pub tag: Option<String>,
    /// The first line of the diagnostic (`car: expected a pair, got 42` / `unhandled raise: ...`).
    pub message: String,
    /// Whether the raised object was an error object (vs a tagged raise or plain value).
    pub is_error: bool,
    /// Location of the failing call.
    pub span: Option<Span>,
    /// Active frames, innermost first.
    pub trace: Vec<TraceFrame>,
    /// Frames left out of `trace`.
    pub omitted: u64,
}

/// One Eta virtual machine (one heap, one thread).
pub struct Vm {
    arena: Arena<Rootable![Root<'_>]>,
}

impl Vm {
    /// A VM with the VM-level builtins registered.
    pub fn new(linker: Linker) -> Vm {
        let arena = Arena::<Rootable![Root<'_>]>::new(|_mc| Root {
            stack: Vec::with_capacity(1024),
            frames: Vec::with_capacity(256),
            st: State {
                symbols: SymbolTable::default(),
                globals: Vec::new(),
                winders: Value::Nil,
                handlers: Value::Nil,
                result: Value::Unspecified,
                uncaught: None,
                keep: Vec::new(),
                mailbox: Value::Nil,
                host: Static(Box::new(Host::new(linker))),
            },
        });
        arena.metrics().set_pacing(PACING);
        let mut vm = Vm { arena };
        vm.register(crate::natives::VM_NATIVES);
        vm
    }

    /// Registers builtins under their names.
    pub fn register(&mut self, natives: &'static [Native]) {
        self.arena.mutate_root(|_mc, root| {
            for n in natives {
                let slot = root.st.host.linker.define_builtin(n.name) as usize;
                if root.st.globals.len() <= slot {
                    root.st.globals.resize(slot + 1, Value::Undefined);
                }
                root.st.globals[slot] = Value::Native(n);
            }
        });
    }

    /// Runs `f` with the host state.
    pub fn with_host<R>(&mut self, f: impl FnOnce(&mut Host) -> R) -> R {
        self.arena.mutate_root(|_mc, root| f(&mut root.st.host))
    }

    /// Runs `f` inside the arena with a builtin context.
    pub fn with_ctx<R>(&mut self, f: impl for<'a, 'gc> FnOnce(&mut Ctx<'a, 'gc>) -> R) -> R {
        self.arena.mutate_root(|mc, root| {
            let mut ctx = Ctx {
                mc,
                st: &mut root.st,
            };
            f(&mut ctx)
        })
    }

    /// Looks up the well-known prelude slots (call after the prelude has run).
    pub fn bind_well_known(&mut self) {
        self.with_host(|h| {
            if let Some(s) = h.linker.builtin_slot("raise") {
                h.raise_slot = s;
            }
            if let Some(s) = h.linker.builtin_slot("%continue") {
                h.continue_slot = s;
            }
            h.prim_slots = eta_compiler::Prim::ALL
                .iter()
                .map(|p| {
                    h.linker
                        .builtin_slot(eta_compiler::prim_name(*p))
                        .unwrap_or(u32::MAX)
                })
                .collect();
        });
    }

    fn sync_globals(&mut self) {
        self.arena.mutate_root(|_mc, root| {
            let n = root.st.host.linker.global_count();
            if root.st.globals.len() < n {
                root.st.globals.resize(n, Value::Undefined);
            }
        });
    }

    /// Runs compiled units in order; stops at the first that does not finish normally.
    pub fn run_units(&mut self, units: &[Unit]) -> Outcome {
        self.sync_globals();
        for unit in units {
            let proto = unit.proto.clone();
            let started = self.arena.mutate_root(|mc, root| {
                let mut ctx = Ctx {
                    mc,
                    st: &mut root.st,
                };
                let po = load_proto(&mut ctx, &proto);
                let clo = Value::Closure(Gc::new(
                    mc,
                    Closure {
                        proto: po,
                        upvals: Box::new([]),
                    },
                ));
                root.st.host.run_id += 1;
                root.start(mc, clo, &[])
            });
            let outcome = self.finish(started);
            if !matches!(outcome, Outcome::Done) {
                return outcome;
            }
            if let Some(main) = unit.main {
                let started = self.arena.mutate_root(|mc, root| {
                    let f = root.st.globals[main as usize];
                    root.start(mc, f, &[])
                });
                let outcome = self.finish(started);
                if !matches!(outcome, Outcome::Done) {
                    return outcome;
                }
            }
        }
        Outcome::Done
    }

    /// Calls the value left in the result register (for example a rebuilt thunk) with
    /// no arguments.
    pub fn call_result(&mut self) -> Outcome {
        let started = self.arena.mutate_root(|mc, root| {
            let f = root.st.result;
            root.start(mc, f, &[])
        });
        self.finish(started)
    }

    /// Calls the global procedure named `name` (a builtin) with no arguments.
    pub fn call_builtin(&mut self, name: &str) -> Outcome {
        let Some(slot) = self.with_host(|h| h.linker.builtin_slot(name)) else {
            return Outcome::Done;
        };
        let started = self.arena.mutate_root(|mc, root| {
            let f = root.st.globals[slot as usize];
            root.start(mc, f, &[])
        });
        self.finish(started)
    }

    fn finish(&mut self, started: Option<Slice>) -> Outcome {
        let mut slice = started.unwrap_or(Slice::Yield);
        loop {
            match slice {
                Slice::Yield => {}
                Slice::Done => return Outcome::Done,
                Slice::Exit(n) => return Outcome::Exit(n),
                Slice::Uncaught => return Outcome::Uncaught(self.take_uncaught()),
            }
            self.arena.collect_debt();
            if self.with_host(|h| h.take_interrupt()) {
                return Outcome::Interrupted;
            }
            slice = self.arena.mutate_root(|mc, root| root.run(mc, FUEL));
        }
    }

    fn take_uncaught(&mut self) -> Uncaught {
        self.arena.mutate_root(|_mc, root| {
            let v = root.st.uncaught.take().unwrap_or(Value::Unspecified);
            describe_uncaught(v, root)
        })
    }

    /// Flushes buffered standard output and open output file ports.
    pub fn flush(&mut self) {
        self.with_host(|h| h.flush_all());
    }

    /// Runs a full collection (tests, memory measurements).
    pub fn collect_all(&mut self) {
        self.arena.finish_cycle();
    }

    /// Number of live heap objects.
    pub fn heap_objects(&self) -> usize {
        self.arena.metrics().total_gc_count()
    }

    /// Evaluates `f` on the last run's result inside the arena.
    pub fn with_result<R>(&mut self, f: impl for<'gc> FnOnce(Value<'gc>) -> R) -> R {
        self.arena.mutate_root(|_mc, root| f(root.st.result))
    }
}

fn describe_uncaught<'gc>(v: Value<'gc>, root: &Root<'gc>) -> Uncaught {
    match v {
        Value::Condition(c) => match &c.error {
            Some(info) => Uncaught {
                tag: Some(c.tag.name().to_string()),
                message: info_report(info),
                is_error: true,
                span: info.span,
                trace: info.trace.clone(),
                omitted: info.omitted,
            },
            None => {
                let (span, trace, omitted) = root.trace();
                Uncaught {
                    tag: Some(c.tag.name().to_string()),
                    message: format!(
                        "unhandled raise, payload: {}",
                        write_truncated(c.payload, 200)
                    ),
                    is_error: false,
                    span,
                    trace,
                    omitted,
                }
            }
        },
        other => {
            let (span, trace, omitted) = root.trace();
            Uncaught {
                tag: None,
                message: format!("unhandled raise: {}", write_truncated(other, 200)),
                is_error: false,
                span,
                trace,
                omitted,
            }
        }
    }
}

fn info_report(info: &crate::condition::ErrorInfo<'_>) -> String {
    info.report.clone()
}
