//! eta-vm: the Eta virtual machine — a gc-arena heap with one arena per thread, values,
//! a stackless fuel-sliced dispatch loop, errors and conditions, the printer and loader.

pub mod closure;
pub mod condition;
pub mod condition_builder;
pub mod continuation;
pub mod datum_value;
pub mod equal;
pub mod error;
pub mod frame;
pub mod hashmap;
pub mod host;
pub mod interp;
pub mod loader;
pub mod natives;
pub mod payload;
pub mod port;
pub mod printer;
pub mod record;
pub mod string;
pub mod symbol;
pub mod transfer;
pub mod value;
pub mod value_datum;
pub mod vm;

pub use closure::{Closure, Native, NativeFn, Parameter, Promise, ProtoObj};
pub use condition::{Condition, ErrorInfo, TraceFrame};
pub use datum_value::datum_to_value;
pub use equal::equal;
pub use error::{article, tags, Error, NResult, RuntimeError};
pub use gc_arena::{Gc, Mutation};
pub use hashmap::HashMapObj;
pub use host::Host;
pub use interp::{Action, Ctx};
pub use payload::Tracked;
pub use port::{BytesIn, FileSink, Port, PortData, TextIn};
pub use printer::{display_string, write_string, write_truncated, Mode};
pub use record::{Record, RecordType};
pub use string::EtaString;
pub use value::{Foreign, ForeignObj, Pair, StrObj, Value};
pub use vm::{Outcome, Uncaught, Vm};
