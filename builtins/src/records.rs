//! Records (`define-record-type`): the type descriptor and instance operations the
//! expander's generated definitions call.

use crate::args;
use eta_vm::{natives, Ctx, Error, Gc, NResult, Record, RecordType, Value};
use gc_arena::RefLock;

/// `(%make-record-type 'name '(field ...))`
fn make_record_type<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let name = args::symbol("define-record-type", a[0])?;
    let fields = args::list("define-record-type", a[1])?
        .into_iter()
        .map(|f| args::symbol("define-record-type", f).map(Box::from))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::RecordType(Gc::new(
        ctx.mc,
        RecordType {
            name: name.into(),
            fields,
        },
    )))
}

/// `(%make-record rtd v ...)`
fn make_record<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let Value::RecordType(t) = a[0] else {
        return Err(Error::type_error("%make-record", "record type", a[0]));
    };
    Ok(Value::Record(Gc::new(
        ctx.mc,
        Record {
            rtype: t,
            fields: RefLock::new(a[1..].to_vec()),
        },
    )))
}

fn instance<'gc>(
    who: Value<'gc>,
    r: Value<'gc>,
    t: Value<'gc>,
) -> Result<Gc<'gc, Record<'gc>>, Error<'gc>> {
    match (r, t) {
        (Value::Record(rec), Value::RecordType(rt)) if Gc::ptr_eq(rec.rtype, rt) => Ok(rec),
        (_, Value::RecordType(rt)) => {
            let name = who.as_symbol().unwrap_or("record accessor");
            Err(Error::type_error(name, rt.short_name(), r))
        }
        _ => Err(Error::type_error("record accessor", "record type", t)),
    }
}

/// `(%record-is? obj rtd)`
fn record_is<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(match (a[0], a[1]) {
        (Value::Record(r), Value::RecordType(t)) => Gc::ptr_eq(r.rtype, t),
        _ => false,
    }))
}

/// `(%record-ref obj rtd index 'accessor-name)`
fn record_ref<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let r = instance(a[3], a[0], a[1])?;
    let i = args::index("record accessor", a[2])?;
    let v = r.fields.borrow().get(i).copied();
    v.ok_or_else(|| Error::range("record accessor", a[2], r.fields.borrow().len()))
}

/// `(%record-set! obj rtd index value 'modifier-name)`
fn record_set<'gc>(ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    let r = instance(a[4], a[0], a[1])?;
    let i = args::index("record modifier", a[2])?;
    let mut f = gc_arena::barrier::unlock!(Gc::write(ctx.mc, r), Record, fields).borrow_mut();
    match f.get_mut(i) {
        Some(slot) => {
            *slot = a[3];
            Ok(Value::Unspecified)
        }
        None => Err(Error::range("record modifier", a[2], 0)),
    }
}

/// `(record? x)` ;; `(record? (make-point 1 2))` => #t
fn is_record<'gc>(_ctx: &mut Ctx<'_, 'gc>, a: &[Value<'gc>]) -> NResult<'gc> {
    Ok(Value::Bool(matches!(a[0], Value::Record(_))))
}

/// The record builtins.
pub static NATIVES: &[eta_vm::Native] = natives![
    "%make-record-type", 2, Some(2), Simple(make_record_type);
    "%make-record", 1, None, Simple(make_record);
    "%record-is?", 2, Some(2), Simple(record_is);
    "%record-ref", 4, Some(4), Simple(record_ref);
    "%record-set!", 5, Some(5), Simple(record_set);
    "record?", 1, Some(1), Simple(is_record);
];
