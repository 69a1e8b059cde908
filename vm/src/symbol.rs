//! Symbols and their per-VM intern table. Symbols are heap objects compared by identity;
//! the table holds them weakly so that symbols nobody references any more (for example
//! names received from the network) are collected.

use gc_arena::{Collect, Gc, GcWeak, Mutation};
use std::collections::HashMap;

/// An interned symbol.
#[derive(Collect)]
#[collect(require_static)]
pub struct Symbol {
    name: Box<str>,
}

impl Symbol {
    /// The symbol's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The intern table of one VM.
#[derive(Collect, Default)]
#[collect(no_drop)]
pub struct SymbolTable<'gc> {
    map: HashMap<Box<str>, GcWeak<'gc, Symbol>>,
    /// Table size after the last pruning of dead entries.
    pruned_at: usize,
}

impl<'gc> SymbolTable<'gc> {
    /// Returns the unique symbol named `name`, creating it if needed.
    pub fn intern(&mut self, mc: &Mutation<'gc>, name: &str) -> Gc<'gc, Symbol> {
        if let Some(w) = self.map.get(name) {
            if let Some(s) = w.upgrade(mc) {
                return s;
            }
        }
        if self.map.len() >= 2 * self.pruned_at.max(1024) {
            self.map.retain(|_, w| w.upgrade(mc).is_some());
            self.pruned_at = self.map.len();
        }
        let sym = Gc::new(mc, Symbol { name: name.into() });
        self.map.insert(name.into(), Gc::downgrade(sym));
        sym
    }
}
