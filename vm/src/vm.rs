//! The driver: owns the arena, runs compiled units slice by slice with garbage collection
//! between slices, and reports how a run ended.

use crate::closure::{Closure, Native};
use crate::condition::TraceFrame;
use crate::error::{tags, Error};
use crate::host::Host;
use crate::interp::{Ctx, Root, Slice, State};
use crate::loader::load_proto;
use crate::payload;
use crate::printer::write_truncated;
use crate::symbol::SymbolTable;
use crate::value::Value;
use eta_compiler::{Linker, Span, Unit};
use gc_arena::arena::CollectionPhase;
use gc_arena::metrics::Pacing;
use gc_arena::{Arena, Gc, Rootable, Static};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

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

/// A collection cycle that starts while the heap holds at most this many objects runs to
/// its end in one go instead of through `collect_debt`. The result is the same (with the
/// factors above a cycle on a heap this small is paid within one slice anyway), but
/// `collect_debt` recomputes the debt, a dozen float operations, after every object it
/// marks or sweeps: on a program whose live heap is small and whose garbage is large that
/// was a third of the collector's time (deriv). A cycle on this many objects takes a few
/// milliseconds.
const ATOMIC_CYCLE_OBJECTS: usize = 150_000;

/// Estimated bytes of one `Gc` object: gc-arena's two-word header plus a typical body
/// (a pair is two 16-byte values). gc-arena 0.7 counts objects, not bytes.
const GC_OBJECT_BYTES: usize = 48;

/// Payload bytes allocated since the last full collection that force the next one when
/// the heap is small; above it, half the heap estimated after the last full collection.
const MIN_PAYLOAD_TRIGGER: usize = 4 << 20;

/// Objects above which a heap counts as large (about 25 MB of pairs).
const LARGE_HEAP_OBJECTS: usize = 1 << 19;

/// Number of VMs (one per thread) whose heap is currently large.
static LARGE_HEAPS: AtomicUsize = AtomicUsize::new(0);

/// Told the number of large heaps each time it changes (see [`set_large_heap_hook`]).
static LARGE_HEAP_HOOK: OnceLock<fn(usize)> = OnceLock::new();

/// Registers the function told how many VMs of the process have a large heap, each time
/// that number changes. `etai` uses it to tune its allocator: freed memory is returned
/// to the system at once while a heap is large (the cons benchmark peaked at 100 MB
/// instead of 82 MB otherwise), and kept a few milliseconds for reuse while every heap
/// is small (returning it at once made collection-heavy small-heap programs 25% slower,
/// in page faults). The first registration wins.
pub fn set_large_heap_hook(hook: fn(usize)) {
    let _ = LARGE_HEAP_HOOK.set(hook);
}

fn large_heap_changed(large: bool) {
    let n = if large {
        LARGE_HEAPS.fetch_add(1, Ordering::Relaxed) + 1
    } else {
        LARGE_HEAPS
            .fetch_sub(1, Ordering::Relaxed)
            .saturating_sub(1)
    };
    if let Some(hook) = LARGE_HEAP_HOOK.get() {
        hook(n);
    }
}

/// What the driver knows about the heap's size, beyond gc-arena's own pacing: payload
/// bytes (vectors', strings', bytevectors' buffers, see `payload.rs`) allocated since the
/// last full collection, and the soft limit.
#[derive(Debug, Default)]
struct HeapWatch {
    /// Whether this VM's heap counts among the large ones ([`LARGE_HEAPS`]).
    large: bool,
    /// Payload bytes allocated since the last full collection.
    payload_since_full: usize,
    /// Estimated heap bytes right after the last full collection.
    after_full: usize,
    /// `ETA_HEAP_SOFT_LIMIT`.
    limit: Option<usize>,
    /// The estimate above which the limit is next checked: the limit, raised by half the
    /// limit after each heap-error until a full collection finds the heap under the limit
    /// again (so that the handler and the unwinding can run).
    check_above: usize,
}

/// Parses `ETA_HEAP_SOFT_LIMIT`: bytes, or a number with a `K`, `M` or `G` suffix
/// (powers of 1024). Anything else (or zero) means no limit.
pub fn parse_heap_limit(text: &str) -> Option<usize> {
    let t = text.trim();
    let (digits, scale) = match t.chars().last()?.to_ascii_uppercase() {
        'K' => (&t[..t.len() - 1], 1usize << 10),
        'M' => (&t[..t.len() - 1], 1 << 20),
        'G' => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    let n: usize = digits.trim().parse().ok()?;
    n.checked_mul(scale).filter(|n| *n > 0)
}

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
    heap: HeapWatch,
}

impl Drop for Vm {
    fn drop(&mut self) {
        if self.heap.large {
            large_heap_changed(false);
        }
    }
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
        let limit = std::env::var("ETA_HEAP_SOFT_LIMIT")
            .ok()
            .and_then(|t| parse_heap_limit(&t));
        let heap = HeapWatch {
            limit,
            check_above: limit.unwrap_or(usize::MAX),
            ..HeapWatch::default()
        };
        let mut vm = Vm { arena, heap };
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
                let po = match load_proto(&mut ctx, &proto) {
                    Ok(po) => po,
                    Err(e) => {
                        // Compiled code always verifies: this is a compiler bug.
                        let e = Error::new(tags::INTERNAL, format!("invalid bytecode: {e}"));
                        if let Error::Runtime(r) = e {
                            root.st.uncaught = Some(root.make_condition(mc, *r));
                        }
                        return Some(Slice::Uncaught);
                    }
                };
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
            self.collect();
            if self.with_host(|h| h.take_interrupt()) {
                return Outcome::Interrupted;
            }
            if let Some(limit) = self.over_heap_limit() {
                let raised = self.arena.mutate_root(|mc, root| {
                    let e = Error::new(tags::HEAP, format!("heap limit of {limit} bytes exceeded"));
                    root.raise_now(mc, e)
                });
                if let Some(s) = raised {
                    slice = s;
                    continue;
                }
            }
            slice = self.arena.mutate_root(|mc, root| root.run(mc, FUEL));
        }
    }

    /// Pays the arena's allocation debt: a cycle due on a small heap runs whole (see
    /// [`ATOMIC_CYCLE_OBJECTS`]), anything else goes incrementally through gc-arena's pacing.
    fn collect(&mut self) {
        let metrics = self.arena.metrics();
        if metrics.allocation_debt() <= 0.0 {
            return;
        }
        let large = metrics.total_gc_count() > LARGE_HEAP_OBJECTS;
        if large != self.heap.large {
            self.heap.large = large;
            large_heap_changed(large);
        }
        if metrics.total_gc_count() <= ATOMIC_CYCLE_OBJECTS
            && matches!(self.arena.collection_phase(), CollectionPhase::Sleeping)
        {
            self.arena.finish_cycle();
        } else {
            self.arena.collect_debt();
        }
    }

    /// The estimated heap size: objects times their typical size, plus payload buffers.
    fn heap_estimate(&self) -> usize {
        self.arena.metrics().total_gc_count() * GC_OBJECT_BYTES + payload::live_bytes()
    }

    fn full_collection(&mut self) {
        self.arena.finish_cycle();
        self.heap.payload_since_full = 0;
        self.heap.after_full = self.heap_estimate();
        if let Some(limit) = self.heap.limit {
            if self.heap.after_full <= limit {
                self.heap.check_above = limit;
            }
        }
    }

    /// Runs between slices: forces a full collection when enough payload bytes (which
    /// gc-arena's pacing does not see) were allocated since the last one, and checks the
    /// soft limit. Returns the limit when the heap exceeds it after a full collection.
    fn over_heap_limit(&mut self) -> Option<usize> {
        let h = &mut self.heap;
        h.payload_since_full = h
            .payload_since_full
            .saturating_add(payload::take_allocated());
        if h.payload_since_full > MIN_PAYLOAD_TRIGGER.max(h.after_full / 2) {
            self.full_collection();
        }
        let limit = self.heap.limit?;
        if self.heap_estimate() <= self.heap.check_above {
            return None;
        }
        self.full_collection();
        let size = self.heap.after_full;
        if size <= limit {
            return None;
        }
        self.heap.check_above = size.saturating_add(limit / 2);
        Some(limit)
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

#[cfg(test)]
mod tests {
    use super::parse_heap_limit;

    #[test]
    fn heap_limit_suffixes() {
        assert_eq!(parse_heap_limit("32M"), Some(32 << 20));
        assert_eq!(parse_heap_limit("512k"), Some(512 << 10));
        assert_eq!(parse_heap_limit("2G"), Some(2 << 30));
        assert_eq!(parse_heap_limit(" 1000 "), Some(1000));
        assert_eq!(parse_heap_limit("0"), None);
        assert_eq!(parse_heap_limit("lots"), None);
        assert_eq!(parse_heap_limit(""), None);
        assert_eq!(parse_heap_limit("99999999999999999999G"), None);
    }
}
