//! Records from `define-record-type`: a type descriptor and instances with mutable fields.

use crate::value::Value;
use gc_arena::{Collect, Gc, RefLock};

/// A record type descriptor.
#[derive(Collect)]
#[collect(require_static)]
pub struct RecordType {
    /// The type name as written (`<point>`).
    pub name: Box<str>,
    /// Field names in definition order.
    pub fields: Vec<Box<str>>,
}

impl RecordType {
    /// The name used in printing and messages: one pair of angle brackets removed.
    pub fn short_name(&self) -> &str {
        self.name
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .unwrap_or(&self.name)
    }
}

/// A record instance.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Record<'gc> {
    /// Its type.
    pub rtype: Gc<'gc, RecordType>,
    /// Field values in definition order.
    pub fields: RefLock<Vec<Value<'gc>>>,
}
