//! Compile-time environments: chains of scopes mapping identifiers to [`Binding`]s, and
//! the renaming table that makes `syntax-rules` hygienic.
//!
//! Hygiene works by renaming: every identifier a macro template inserts becomes a fresh
//! *alias* symbol that remembers its original name and the environment of the macro's
//! definition. An alias bound by a binding form in the expansion is an ordinary (and
//! therefore private) variable; a free alias resolves in the macro's environment.

use crate::ir::VarId;
use crate::syntax_rules::Macro;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Core special forms implemented by the expander.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Special {
    Quote,
    Quasiquote,
    Unquote,
    UnquoteSplicing,
    If,
    Define,
    Defun,
    Set,
    Lambda,
    /// A lambda written by a derived form (`catch`, `guard`, ...): its frames do not
    /// appear in stack traces; their location is shown on the enclosing frame.
    TransparentLambda,
    Begin,
    Let,
    LetStar,
    Letrec,
    LetrecStar,
    DefineSyntax,
    LetSyntax,
    LetrecSyntax,
    SyntaxRules,
    Cond,
    Case,
    And,
    Or,
    When,
    Unless,
    Do,
    Module,
    Import,
    Export,
    DefineRecordType,
    Include,
    IncludeCi,
    CondExpand,
    CaseLambda,
    SyntaxError,
    DefineValues,
    LetValues,
    LetStarValues,
    Parameterize,
    Delay,
    DelayForce,
    Guard,
    Catch,
    /// `else`, `=>`, `_`, `...` — auxiliary syntax that is only meaningful inside forms.
    Aux(&'static str),
}

/// What an identifier means in a scope.
#[derive(Clone, Debug)]
pub enum Binding {
    /// A local variable of some lambda.
    Local(VarId),
    /// A module or script global in a slot; `owner` names the scope that defined it.
    Global { slot: u32, owner: Rc<str> },
    /// A global imported from another module (read-only).
    Imported { slot: u32, from: Rc<str> },
    /// A builtin procedure (read-only).
    Builtin(u32),
    /// A special form.
    Special(Special),
    /// A macro.
    Macro(Rc<Macro>),
}

impl PartialEq for Binding {
    fn eq(&self, other: &Binding) -> bool {
        match (self, other) {
            (Binding::Local(a), Binding::Local(b)) => a == b,
            (Binding::Global { slot: a, .. }, Binding::Global { slot: b, .. })
            | (Binding::Imported { slot: a, .. }, Binding::Imported { slot: b, .. })
            | (Binding::Global { slot: a, .. }, Binding::Imported { slot: b, .. })
            | (Binding::Imported { slot: a, .. }, Binding::Global { slot: b, .. })
            | (Binding::Builtin(a), Binding::Builtin(b)) => a == b,
            (Binding::Special(a), Binding::Special(b)) => a == b,
            (Binding::Macro(a), Binding::Macro(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// What kind of scope a [`Scope`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The base environment: special forms and builtins.
    Base,
    /// A module's or script's global scope (name for messages).
    Global(Rc<str>),
    /// A lambda body or block.
    Local,
}

/// One scope.
#[derive(Debug)]
pub struct Scope {
    /// The bindings made in this scope.
    pub vars: RefCell<HashMap<Rc<str>, Binding>>,
    /// The enclosing scope.
    pub parent: Option<Env>,
    /// What kind of scope.
    pub kind: ScopeKind,
}

/// A shared pointer to a scope.
pub type Env = Rc<Scope>;

impl Scope {
    /// A new scope under `parent`.
    pub fn new(parent: Option<Env>, kind: ScopeKind) -> Env {
        Rc::new(Scope {
            vars: RefCell::new(HashMap::new()),
            parent,
            kind,
        })
    }

    /// Binds `name` here.
    pub fn bind(&self, name: Rc<str>, b: Binding) {
        self.vars.borrow_mut().insert(name, b);
    }

    /// The binding of `name` made directly in this scope.
    pub fn get_here(&self, name: &str) -> Option<Binding> {
        self.vars.borrow().get(name).cloned()
    }

    /// The innermost global scope (module/script) above this one.
    pub fn global_scope(self: &Rc<Self>) -> Option<Env> {
        let mut cur = Some(self.clone());
        while let Some(s) = cur {
            if let ScopeKind::Global(_) = s.kind {
                return Some(s);
            }
            cur = s.parent.clone();
        }
        None
    }
}

/// An alias introduced by a macro expansion.
#[derive(Clone, Debug)]
pub struct Alias {
    /// The identifier it renames (may itself be an alias).
    pub orig: Rc<str>,
    /// Where the macro was defined.
    pub env: Env,
}

/// The table of aliases, shared by a whole compilation session.
#[derive(Default, Debug)]
pub struct Aliases {
    map: HashMap<Rc<str>, Alias>,
    counter: u64,
}

/// The character that separates an alias's base name from its stamp. It cannot appear in
/// identifiers the reader produces except inside `|...|`, where it would be pathological.
pub const ALIAS_MARK: char = '\u{1}';

impl Aliases {
    /// A fresh alias for `orig` closing over `env`.
    pub fn fresh(&mut self, orig: &Rc<str>, env: &Env) -> Rc<str> {
        self.counter += 1;
        let base = base_name(orig);
        let name: Rc<str> = Rc::from(format!("{base}{ALIAS_MARK}{}", self.counter));
        self.map.insert(
            name.clone(),
            Alias {
                orig: orig.clone(),
                env: env.clone(),
            },
        );
        name
    }

    /// The alias record of `name`, if it is an alias.
    pub fn get(&self, name: &str) -> Option<&Alias> {
        if name.contains(ALIAS_MARK) {
            self.map.get(name)
        } else {
            None
        }
    }

    /// Resolves `name` in `env`, following aliases into macro definition environments.
    pub fn lookup(&self, env: &Env, name: &str) -> Option<Binding> {
        let mut env = env.clone();
        let mut name: Rc<str> = Rc::from(name);
        loop {
            let mut cur = Some(env.clone());
            while let Some(s) = cur {
                if let Some(b) = s.get_here(&name) {
                    return Some(b);
                }
                cur = s.parent.clone();
            }
            match self.get(&name) {
                Some(a) => {
                    env = a.env.clone();
                    name = a.orig.clone();
                }
                None => return None,
            }
        }
    }
}

/// The user-visible name of an identifier (aliases stripped).
pub fn base_name(name: &str) -> &str {
    match name.find(ALIAS_MARK) {
        Some(i) => &name[..i],
        None => name,
    }
}
