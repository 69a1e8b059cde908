//! Closure transfer: the self-contained image of a value (usually a thunk) that crosses
//! to a thread actor's fresh VM. Capturing walks every root — the value itself, then
//! each module or script global that reachable code uses — validating as it goes, and
//! names the first unsupported value by its root and path. The image keeps sharing and
//! cycles (objects are numbered once), carries the reachable prototypes and the source
//! files their spans refer to, and is encoded with bincode 2.
//!
//! Rebuilding in the new VM allocates the globals by name, rewrites global slots in
//! the transferred code, and recreates the objects in three phases (containers as
//! placeholders, immutable objects, then container contents) so cycles close.

use crate::closure::{Closure, ProtoObj};
use crate::hashmap::{hashing, HashMapObj};
use crate::interp::Ctx;
use crate::loader::load_proto;
use crate::record::{Record, RecordType};
use crate::value::{Pair, Value};
use bincode::{Decode, Encode};
use eta_compiler::proto::{Op, Prototype};
use eta_compiler::FileId;
use gc_arena::{Gc, Lock, RefLock};
use num_bigint::{BigInt, Sign};
use std::collections::HashMap;
use std::sync::Arc;

/// Largest image accepted when decoding (bincode is always given a limit).
pub const MAX_IMAGE: usize = 1 << 30;

/// A value reference inside an image.
#[derive(Clone, Debug, Encode, Decode)]
pub enum Val {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Char(u32),
    Unspecified,
    Eof,
    Undefined,
    /// A builtin, by name.
    Native(String),
    /// A heap object by index.
    Obj(u32),
}

/// A heap object inside an image.
#[derive(Clone, Debug, Encode, Decode)]
pub enum Obj {
    Big {
        negative: bool,
        magnitude: Vec<u8>,
    },
    Str {
        text: String,
        mutable: bool,
    },
    Sym(String),
    Pair(Val, Val),
    Vector(Vec<Val>),
    Bytevector(Vec<u8>),
    /// A closure: prototype index and captured values.
    Closure {
        proto: u32,
        upvals: Vec<Val>,
    },
    /// A variable box (a captured, assigned variable): fresh and unshared in the thread.
    Cell(Val),
    RecordType {
        name: String,
        fields: Vec<String>,
    },
    Record {
        rtype: u32,
        fields: Vec<Val>,
    },
    HashMap(Vec<(Val, Val)>),
    HashSet(Vec<Val>),
}

/// Where a global slot of the sending VM goes.
#[derive(Clone, Debug, Encode, Decode)]
pub enum SlotTarget {
    /// A builtin with this name (same builtin in the receiving VM).
    Builtin(String),
    /// The i-th transferred global.
    Global(u32),
}

/// A transfer image.
#[derive(Clone, Debug, Encode, Decode)]
pub struct Image {
    /// Source files referenced by spans: (old id, name, text).
    pub sources: Vec<(u32, String, String)>,
    /// Prototypes referenced by closures (each with its children).
    pub protos: Vec<Prototype>,
    /// Heap objects.
    pub objects: Vec<Obj>,
    /// Transferred globals: name and current value.
    pub globals: Vec<(String, Val)>,
    /// Old global slot -> target.
    pub slots: Vec<(u32, SlotTarget)>,
    /// The transferred value.
    pub root: Val,
}

/// Why a capture failed: root, path and kind (spec networking §10.1).
#[derive(Debug, Clone)]
pub struct CaptureError {
    /// `upvalue[0] (variable log)` or `global[config]`.
    pub root: String,
    /// `[2]`, `.tail`, `.upvalue[1]`, `.field[x]`, `.key[0]` ...
    pub path: String,
    /// The kind name of the unsupported value.
    pub kind: String,
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}: unsupported kind {}",
            self.root, self.path, self.kind
        )
    }
}

struct Capturer<'gc> {
    objects: Vec<Obj>,
    seen: HashMap<usize, u32>,
    protos: Vec<Prototype>,
    proto_ids: HashMap<usize, u32>,
    slots: HashMap<u32, SlotTarget>,
    globals: Vec<(String, Val)>,
    pending_globals: Vec<u32>,
    files: Vec<FileId>,
    _marker: std::marker::PhantomData<&'gc ()>,
}

/// Walk work item: the value, where its result goes, and its path.
struct Item<'gc> {
    value: Value<'gc>,
    dest: Dest,
    path: String,
}

#[derive(Clone, Copy)]
enum Dest {
    Root,
    Global(u32),
    /// Field `i` of object `obj` (pair car = 0, cdr = 1; list/vector index; closure
    /// upvalue; record field; cell content; map key 2i / value 2i+1; set element).
    Field(u32, usize),
}

fn ptr_key<T: ?Sized>(g: Gc<'_, T>) -> usize {
    Gc::as_ptr(g) as *const u8 as usize
}

/// Captures `root` (whose first-level label is produced by `root_label`) and every
/// global its code uses.
pub fn capture<'gc>(
    ctx: &mut Ctx<'_, 'gc>,
    root: Value<'gc>,
    root_label: &dyn Fn(usize) -> String,
) -> Result<Image, CaptureError> {
    let mut c = Capturer {
        objects: Vec::new(),
        seen: HashMap::new(),
        protos: Vec::new(),
        proto_ids: HashMap::new(),
        slots: HashMap::new(),
        globals: Vec::new(),
        pending_globals: Vec::new(),
        files: Vec::new(),
        _marker: std::marker::PhantomData,
    };
    let mut root_val = Val::Unspecified;
    // The root closure's upvalues are roots of their own (`upvalue[i] (variable x)`).
    let mut stack: Vec<Item<'gc>> = Vec::new();
    match root {
        Value::Closure(cl) => {
            let proto = c.proto_index(ctx, &cl.proto.proto);
            let idx = c.objects.len() as u32;
            c.objects.push(Obj::Closure {
                proto,
                upvals: vec![Val::Unspecified; cl.upvals.len()],
            });
            c.seen.insert(ptr_key(cl), idx);
            root_val = Val::Obj(idx);
            for (i, v) in cl.upvals.iter().enumerate().rev() {
                stack.push(Item {
                    value: *v,
                    dest: Dest::Field(idx, i),
                    path: root_label(i),
                });
            }
        }
        other => {
            stack.push(Item {
                value: other,
                dest: Dest::Root,
                path: root_label(usize::MAX),
            });
        }
    }
    loop {
        while let Some(item) = stack.pop() {
            let v = c.walk(ctx, item.value, &item.path, &mut stack)?;
            match item.dest {
                Dest::Root => root_val = v,
                Dest::Global(g) => c.globals[g as usize].1 = v,
                Dest::Field(obj, i) => c.set_field(obj, i, v),
            }
        }
        // Globals used by the code captured so far, in order of first use.
        let Some(slot) = c.pending_globals.pop() else {
            break;
        };
        let name = ctx.st.host.linker.global_name(slot).to_string();
        let gi = c.globals.len() as u32;
        c.globals.push((name.clone(), Val::Undefined));
        c.slots.insert(slot, SlotTarget::Global(gi));
        let value = ctx.st.global(slot);
        stack.push(Item {
            value,
            dest: Dest::Global(gi),
            path: format!("global[{name}]"),
        });
    }
    let mut sources = Vec::new();
    for f in &c.files {
        if let Some(src) = ctx.st.host.linker.sources.get(*f) {
            sources.push((f.0, src.name.clone(), src.text.to_string()));
        }
    }
    let mut slots: Vec<(u32, SlotTarget)> = c.slots.into_iter().collect();
    slots.sort_by_key(|(s, _)| *s);
    Ok(Image {
        sources,
        protos: c.protos,
        objects: c.objects,
        globals: c.globals,
        slots,
        root: root_val,
    })
}

impl<'gc> Capturer<'gc> {
    fn set_field(&mut self, obj: u32, i: usize, v: Val) {
        match &mut self.objects[obj as usize] {
            Obj::Pair(a, d) => {
                if i == 0 {
                    *a = v
                } else {
                    *d = v
                }
            }
            Obj::Vector(items) | Obj::HashSet(items) => items[i] = v,
            Obj::Closure { upvals, .. } => upvals[i] = v,
            Obj::Record { fields, .. } => fields[i] = v,
            Obj::Cell(c) => *c = v,
            Obj::HashMap(entries) => {
                if i.is_multiple_of(2) {
                    entries[i / 2].0 = v
                } else {
                    entries[i / 2].1 = v
                }
            }
            _ => {}
        }
    }

    /// Registers a prototype (and the globals and files its code uses).
    fn proto_index(&mut self, ctx: &Ctx<'_, 'gc>, p: &Arc<Prototype>) -> u32 {
        let key = Arc::as_ptr(p) as usize;
        if let Some(i) = self.proto_ids.get(&key) {
            return *i;
        }
        let i = self.protos.len() as u32;
        self.proto_ids.insert(key, i);
        self.protos.push((**p).clone());
        let mut work = vec![p.clone()];
        while let Some(q) = work.pop() {
            if !q.span.is_dummy() && !self.files.contains(&q.span.file) {
                self.files.push(q.span.file);
            }
            for (_, s) in &q.spans {
                if !s.is_dummy() && !self.files.contains(&s.file) {
                    self.files.push(s.file);
                }
            }
            for op in &q.code {
                if let Op::GlobalRef(g) | Op::GlobalSet(g) | Op::GlobalDef(g) = op {
                    self.note_slot(ctx, *g);
                }
            }
            work.extend(q.children.iter().cloned());
        }
        i
    }

    fn note_slot(&mut self, ctx: &Ctx<'_, 'gc>, g: u32) {
        if self.slots.contains_key(&g) || self.pending_globals.contains(&g) {
            return;
        }
        let name = ctx.st.host.linker.global_name(g);
        if ctx.st.host.linker.builtin_slot(name) == Some(g) {
            self.slots.insert(g, SlotTarget::Builtin(name.to_string()));
        } else {
            // Pending globals are processed last-in first-out; insert at the front so
            // they come out in order of first use.
            self.pending_globals.insert(0, g);
        }
    }

    fn new_obj(&mut self, key: usize, obj: Obj) -> u32 {
        let i = self.objects.len() as u32;
        self.objects.push(obj);
        self.seen.insert(key, i);
        i
    }

    /// Converts one value, pushing its children as work items.
    fn walk(
        &mut self,
        ctx: &Ctx<'_, 'gc>,
        v: Value<'gc>,
        path: &str,
        stack: &mut Vec<Item<'gc>>,
    ) -> Result<Val, CaptureError> {
        let unsupported = |kind: &str| {
            let (root, rest) = split_root(path);
            Err(CaptureError {
                root,
                path: rest,
                kind: kind.to_string(),
            })
        };
        Ok(match v {
            Value::Nil => Val::Nil,
            Value::Bool(b) => Val::Bool(b),
            Value::Int(i) => Val::Int(i),
            Value::Float(f) => Val::Float(f.to_bits()),
            Value::Char(c) => Val::Char(c as u32),
            Value::Unspecified => Val::Unspecified,
            Value::Eof => Val::Eof,
            Value::Undefined => Val::Undefined,
            Value::Native(n) => Val::Native(n.name.to_string()),
            Value::Big(b) => {
                let (sign, magnitude) = b.to_bytes_le();
                Val::Obj(self.new_obj(
                    ptr_key(b),
                    Obj::Big {
                        negative: sign == Sign::Minus,
                        magnitude,
                    },
                ))
            }
            Value::Sym(s) => Val::Obj(self.new_obj(ptr_key(s), Obj::Sym(s.name().to_string()))),
            Value::Str(s) => {
                if let Some(i) = self.seen.get(&ptr_key(s)) {
                    return Ok(Val::Obj(*i));
                }
                let text = s.text.borrow().as_str().to_string();
                Val::Obj(self.new_obj(
                    ptr_key(s),
                    Obj::Str {
                        text,
                        mutable: s.mutable,
                    },
                ))
            }
            Value::Bytevector(b) => {
                if let Some(i) = self.seen.get(&ptr_key(b)) {
                    return Ok(Val::Obj(*i));
                }
                let bytes = b.borrow().clone();
                Val::Obj(self.new_obj(ptr_key(b), Obj::Bytevector(bytes)))
            }
            Value::Pair(first) => {
                // Walk a list spine iteratively: element paths are `[i]`, the final cdr
                // `.tail`.
                if let Some(i) = self.seen.get(&ptr_key(first)) {
                    return Ok(Val::Obj(*i));
                }
                let mut cur = v;
                let mut index = 0usize;
                let mut head: Option<u32> = None;
                let mut prev: Option<u32> = None;
                loop {
                    match cur {
                        Value::Pair(p) => {
                            if let Some(i) = self.seen.get(&ptr_key(p)).copied() {
                                if let Some(pr) = prev {
                                    self.set_field(pr, 1, Val::Obj(i));
                                }
                                break;
                            }
                            let idx = self.new_obj(ptr_key(p), Obj::Pair(Val::Nil, Val::Nil));
                            if head.is_none() {
                                head = Some(idx);
                            }
                            if let Some(pr) = prev {
                                self.set_field(pr, 1, Val::Obj(idx));
                            }
                            stack.push(Item {
                                value: p.car.get(),
                                dest: Dest::Field(idx, 0),
                                path: format!("{path}[{index}]"),
                            });
                            prev = Some(idx);
                            index += 1;
                            cur = p.cdr.get();
                        }
                        Value::Nil => break,
                        tail => {
                            if let Some(pr) = prev {
                                stack.push(Item {
                                    value: tail,
                                    dest: Dest::Field(pr, 1),
                                    path: format!("{path}.tail"),
                                });
                            }
                            break;
                        }
                    }
                }
                Val::Obj(head.unwrap_or(0))
            }
            Value::Vector(vec) => {
                if let Some(i) = self.seen.get(&ptr_key(vec)) {
                    return Ok(Val::Obj(*i));
                }
                let items = vec.borrow().clone();
                let idx = self.new_obj(ptr_key(vec), Obj::Vector(vec![Val::Nil; items.len()]));
                for (i, x) in items.into_iter().enumerate().rev() {
                    stack.push(Item {
                        value: x,
                        dest: Dest::Field(idx, i),
                        path: format!("{path}[{i}]"),
                    });
                }
                Val::Obj(idx)
            }
            Value::Cell(cell) => {
                if let Some(i) = self.seen.get(&ptr_key(cell)) {
                    return Ok(Val::Obj(*i));
                }
                let idx = self.new_obj(ptr_key(cell), Obj::Cell(Val::Undefined));
                stack.push(Item {
                    value: cell.get(),
                    dest: Dest::Field(idx, 0),
                    path: path.to_string(),
                });
                Val::Obj(idx)
            }
            Value::Closure(cl) => {
                if let Some(i) = self.seen.get(&ptr_key(cl)) {
                    return Ok(Val::Obj(*i));
                }
                let proto = self.proto_index(ctx, &cl.proto.proto);
                let idx = self.new_obj(
                    ptr_key(cl),
                    Obj::Closure {
                        proto,
                        upvals: vec![Val::Unspecified; cl.upvals.len()],
                    },
                );
                for (i, x) in cl.upvals.iter().enumerate().rev() {
                    stack.push(Item {
                        value: *x,
                        dest: Dest::Field(idx, i),
                        path: format!("{path}.upvalue[{i}]"),
                    });
                }
                Val::Obj(idx)
            }
            Value::RecordType(t) => {
                if let Some(i) = self.seen.get(&ptr_key(t)) {
                    return Ok(Val::Obj(*i));
                }
                Val::Obj(self.new_obj(
                    ptr_key(t),
                    Obj::RecordType {
                        name: t.name.to_string(),
                        fields: t.fields.iter().map(|f| f.to_string()).collect(),
                    },
                ))
            }
            Value::Record(r) => {
                if let Some(i) = self.seen.get(&ptr_key(r)) {
                    return Ok(Val::Obj(*i));
                }
                let rt = match self.walk(ctx, Value::RecordType(r.rtype), path, stack)? {
                    Val::Obj(i) => i,
                    _ => 0,
                };
                let fields = r.fields.borrow().clone();
                let idx = self.new_obj(
                    ptr_key(r),
                    Obj::Record {
                        rtype: rt,
                        fields: vec![Val::Nil; fields.len()],
                    },
                );
                for (i, x) in fields.into_iter().enumerate().rev() {
                    let fname = r
                        .rtype
                        .fields
                        .get(i)
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| i.to_string());
                    stack.push(Item {
                        value: x,
                        dest: Dest::Field(idx, i),
                        path: format!("{path}.field[{fname}]"),
                    });
                }
                Val::Obj(idx)
            }
            Value::HashMap(m) | Value::HashSet(m) => {
                if let Some(i) = self.seen.get(&ptr_key(m)) {
                    return Ok(Val::Obj(*i));
                }
                let is_set = matches!(v, Value::HashSet(_));
                let entries = m.entries();
                if is_set {
                    let idx = self.new_obj(ptr_key(m), Obj::HashSet(vec![Val::Nil; entries.len()]));
                    for (i, (k, _)) in entries.into_iter().enumerate().rev() {
                        stack.push(Item {
                            value: k,
                            dest: Dest::Field(idx, i),
                            path: format!("{path}.key[{i}]"),
                        });
                    }
                    Val::Obj(idx)
                } else {
                    let idx = self.new_obj(
                        ptr_key(m),
                        Obj::HashMap(vec![(Val::Nil, Val::Nil); entries.len()]),
                    );
                    for (i, (k, x)) in entries.into_iter().enumerate().rev() {
                        stack.push(Item {
                            value: x,
                            dest: Dest::Field(idx, 2 * i + 1),
                            path: format!("{path}.value[{i}]"),
                        });
                        stack.push(Item {
                            value: k,
                            dest: Dest::Field(idx, 2 * i),
                            path: format!("{path}.key[{i}]"),
                        });
                    }
                    Val::Obj(idx)
                }
            }
            other => return unsupported(other.kind_name()),
        })
    }
}

/// Splits `upvalue[0] (variable x)[2].tail` into root and the rest of the path.
fn split_root(path: &str) -> (String, String) {
    let end = if let Some(i) = path.find(')') {
        if path.starts_with("upvalue[") {
            i + 1
        } else {
            path.find(']').map(|j| j + 1).unwrap_or(path.len())
        }
    } else {
        path.find(']').map(|j| j + 1).unwrap_or(path.len())
    };
    (path[..end].to_string(), path[end..].to_string())
}

/// Encodes an image with bincode.
pub fn encode(image: &Image) -> Result<Vec<u8>, String> {
    bincode::encode_to_vec(image, bincode::config::standard()).map_err(|e| e.to_string())
}

/// Decodes an image with bincode, with a size limit.
pub fn decode(bytes: &[u8]) -> Result<Image, String> {
    let config = bincode::config::standard().with_limit::<MAX_IMAGE>();
    bincode::decode_from_slice(bytes, config)
        .map(|(img, _)| img)
        .map_err(|e| e.to_string())
}

/// Rebuilds an image in this VM and returns the root value.
pub fn rebuild<'gc>(ctx: &mut Ctx<'_, 'gc>, image: Image) -> Result<Value<'gc>, String> {
    // Sources: register and map file ids.
    let mut file_map: HashMap<u32, FileId> = HashMap::new();
    for (old, name, text) in &image.sources {
        let id = ctx.st.host.linker.sources.add(name.clone(), text.as_str());
        file_map.insert(*old, id);
    }
    // Globals: allocate by name; builtins by name.
    let mut new_global_slots = Vec::with_capacity(image.globals.len());
    for (name, _) in &image.globals {
        new_global_slots.push(ctx.st.host.linker.alloc_global(name));
    }
    let n = ctx.st.host.linker.global_count();
    if ctx.st.globals.len() < n {
        ctx.st.globals.resize(n, Value::Undefined);
    }
    let mut slot_map: HashMap<u32, u32> = HashMap::new();
    for (old, target) in &image.slots {
        let new = match target {
            SlotTarget::Builtin(name) => ctx
                .st
                .host
                .linker
                .builtin_slot(name)
                .ok_or_else(|| format!("unknown builtin {name}"))?,
            SlotTarget::Global(i) => *new_global_slots
                .get(*i as usize)
                .ok_or_else(|| "bad global index".to_string())?,
        };
        slot_map.insert(*old, new);
    }
    // Prototypes: rewrite global slots and file ids, then load.
    let mut protos: Vec<Gc<'gc, ProtoObj<'gc>>> = Vec::with_capacity(image.protos.len());
    for p in image.protos {
        let p = rewrite(p, &slot_map, &file_map)?;
        let po = load_proto(ctx, &Arc::new(p)).map_err(|e| e.to_string())?;
        protos.push(po);
    }
    let mut b = Builder {
        objects: image.objects,
        made: Vec::new(),
        protos,
    };
    b.made = vec![None; b.objects.len()];
    // Phase 1: mutable containers and atoms.
    for i in 0..b.objects.len() {
        let v = match &b.objects[i] {
            Obj::Big {
                negative,
                magnitude,
            } => {
                let sign = if *negative { Sign::Minus } else { Sign::Plus };
                Some(Value::integer(
                    ctx.mc,
                    BigInt::from_bytes_le(sign, magnitude),
                ))
            }
            Obj::Str { text, mutable } => Some(if *mutable {
                Value::string(ctx.mc, text)
            } else {
                Value::immutable_string(ctx.mc, text)
            }),
            Obj::Sym(s) => Some(ctx.sym(s)),
            Obj::Pair(..) => Some(Value::cons(ctx.mc, Value::Nil, Value::Nil)),
            Obj::Vector(items) => Some(Value::vector(ctx.mc, vec![Value::Nil; items.len()])),
            Obj::Bytevector(bytes) => Some(Value::bytevector(ctx.mc, bytes.clone())),
            Obj::Cell(_) => Some(Value::Cell(Gc::new(ctx.mc, Lock::new(Value::Undefined)))),
            Obj::RecordType { name, fields } => Some(Value::RecordType(Gc::new(
                ctx.mc,
                RecordType {
                    name: name.as_str().into(),
                    fields: fields.iter().map(|f| f.as_str().into()).collect(),
                },
            ))),
            _ => None,
        };
        b.made[i] = v;
    }
    // Records need their type; they are containers too.
    for i in 0..b.objects.len() {
        if let Obj::Record { rtype, fields } = &b.objects[i] {
            let rt = match b.made.get(*rtype as usize).copied().flatten() {
                Some(Value::RecordType(t)) => t,
                _ => return Err("bad record type".into()),
            };
            b.made[i] = Some(Value::Record(Gc::new(
                ctx.mc,
                Record {
                    rtype: rt,
                    fields: RefLock::new(vec![Value::Nil; fields.len()]),
                },
            )));
        }
    }
    // Phase 2: closures and hash maps (immutable; created depth-first on demand).
    for i in 0..b.objects.len() {
        b.make(ctx, i as u32, 0)?;
    }
    // Phase 3: fill containers.
    for i in 0..b.objects.len() {
        let target = b.made[i];
        match (&b.objects[i].clone(), target) {
            (Obj::Pair(a, d), Some(Value::Pair(p))) => {
                let a = b.val(ctx, a)?;
                let d = b.val(ctx, d)?;
                Pair::set_car(ctx.mc, p, a);
                Pair::set_cdr(ctx.mc, p, d);
            }
            (Obj::Vector(items), Some(Value::Vector(vec))) => {
                let vals = items
                    .iter()
                    .map(|x| b.val(ctx, x))
                    .collect::<Result<Vec<_>, _>>()?;
                vec.borrow_mut(ctx.mc).replace(vals);
            }
            (Obj::Cell(x), Some(Value::Cell(c))) => {
                let v = b.val(ctx, x)?;
                c.set(ctx.mc, v);
            }
            (Obj::Record { fields, .. }, Some(Value::Record(r))) => {
                let vals = fields
                    .iter()
                    .map(|x| b.val(ctx, x))
                    .collect::<Result<Vec<_>, _>>()?;
                *gc_arena::barrier::unlock!(Gc::write(ctx.mc, r), Record, fields).borrow_mut() =
                    vals;
            }
            _ => {}
        }
    }
    // Globals.
    for (i, (_, v)) in image.globals.iter().enumerate() {
        let value = b.val(ctx, v)?;
        ctx.st.globals[new_global_slots[i] as usize] = value;
    }
    b.val(ctx, &image.root)
}

struct Builder<'gc> {
    objects: Vec<Obj>,
    made: Vec<Option<Value<'gc>>>,
    protos: Vec<Gc<'gc, ProtoObj<'gc>>>,
}

impl<'gc> Builder<'gc> {
    fn val(&mut self, ctx: &mut Ctx<'_, 'gc>, v: &Val) -> Result<Value<'gc>, String> {
        Ok(match v {
            Val::Nil => Value::Nil,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::Int(*i),
            Val::Float(bits) => Value::Float(f64::from_bits(*bits)),
            Val::Char(c) => Value::Char(char::from_u32(*c).ok_or("bad char")?),
            Val::Unspecified => Value::Unspecified,
            Val::Eof => Value::Eof,
            Val::Undefined => Value::Undefined,
            Val::Native(name) => ctx
                .st
                .builtin(name)
                .ok_or_else(|| format!("unknown builtin {name}"))?,
            Val::Obj(i) => self.make(ctx, *i, 0)?,
        })
    }

    /// The value of object `i`, creating immutable objects on demand.
    fn make(&mut self, ctx: &mut Ctx<'_, 'gc>, i: u32, depth: usize) -> Result<Value<'gc>, String> {
        if let Some(Some(v)) = self.made.get(i as usize) {
            return Ok(*v);
        }
        if depth > 100_000 {
            return Err("transfer image too deep".into());
        }
        let obj = self
            .objects
            .get(i as usize)
            .cloned()
            .ok_or("bad object index")?;
        let v = match obj {
            Obj::Closure { proto, upvals } => {
                let po = *self
                    .protos
                    .get(proto as usize)
                    .ok_or("bad prototype index")?;
                // The dispatch loop reads captured values unchecked, by the verified
                // prototype's capture count.
                if upvals.len() != po.proto.captures.len() {
                    return Err("closure's captured values do not match its code".into());
                }
                let mut vals = Vec::with_capacity(upvals.len());
                for u in &upvals {
                    vals.push(match u {
                        Val::Obj(j) => self.make(ctx, *j, depth + 1)?,
                        other => self.val(ctx, other)?,
                    });
                }
                Value::Closure(Gc::new(
                    ctx.mc,
                    Closure {
                        proto: po,
                        upvals: vals.into_boxed_slice(),
                    },
                ))
            }
            Obj::HashMap(entries) => {
                let mut m = HashMapObj::new();
                for (k, x) in &entries {
                    let k = self.make_val(ctx, k, depth)?;
                    let x = self.make_val(ctx, x, depth)?;
                    let h = hashing::hash(k).ok_or("unhashable key")?;
                    m = m.assoc(ctx.mc, k, h, x);
                }
                Value::HashMap(Gc::new(ctx.mc, m))
            }
            Obj::HashSet(items) => {
                let mut m = HashMapObj::new();
                for k in &items {
                    let k = self.make_val(ctx, k, depth)?;
                    let h = hashing::hash(k).ok_or("unhashable key")?;
                    m = m.assoc(ctx.mc, k, h, Value::Bool(true));
                }
                Value::HashSet(Gc::new(ctx.mc, m))
            }
            _ => return Err("object used before creation".into()),
        };
        self.made[i as usize] = Some(v);
        Ok(v)
    }

    fn make_val(
        &mut self,
        ctx: &mut Ctx<'_, 'gc>,
        v: &Val,
        depth: usize,
    ) -> Result<Value<'gc>, String> {
        match v {
            Val::Obj(j) => self.make(ctx, *j, depth + 1),
            other => self.val(ctx, other),
        }
    }
}

/// Rewrites global slots and file ids in a prototype tree.
fn rewrite(
    mut p: Prototype,
    slots: &HashMap<u32, u32>,
    files: &HashMap<u32, FileId>,
) -> Result<Prototype, String> {
    let map_slot = |g: u32| {
        slots
            .get(&g)
            .copied()
            .ok_or_else(|| format!("unmapped global slot {g}"))
    };
    for op in &mut p.code {
        match op {
            Op::GlobalRef(g) => *g = map_slot(*g)?,
            Op::GlobalSet(g) => *g = map_slot(*g)?,
            Op::GlobalDef(g) => *g = map_slot(*g)?,
            _ => {}
        }
    }
    let fix = |s: &mut eta_compiler::Span| {
        if let Some(f) = files.get(&s.file.0) {
            s.file = *f;
        }
    };
    fix(&mut p.span);
    for (_, s) in &mut p.spans {
        fix(s);
    }
    let children = std::mem::take(&mut p.children);
    for c in children {
        let c = rewrite((*c).clone(), slots, files)?;
        p.children.push(Arc::new(c));
    }
    Ok(p)
}
