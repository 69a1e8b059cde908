//! The linker: the compile-time world of one VM — the base environment of special forms
//! and builtins, global slot names, the module registry, the module search path and the
//! embedded standard library. It turns source text into [`Unit`]s to run in order.

use crate::env::{Aliases, Binding, Env, Scope, ScopeKind, Special};
use crate::error::{CResult, CompileError, CompileErrorKind};
use crate::proto::Prototype;
use crate::span::{FileId, SourceMap, Span};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// A compiled thunk to run, in order.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The code (a zero-argument prototype).
    pub proto: Arc<Prototype>,
    /// After it runs, call the global in this slot with no arguments (`main`).
    pub main: Option<u32>,
}

/// A module known to the linker.
#[derive(Debug)]
pub struct Module {
    /// Its name.
    pub name: Rc<str>,
    /// Exported names and what they denote.
    pub exports: HashMap<Rc<str>, Binding>,
    /// Its global scope.
    pub scope: Env,
}

/// The compile-time state of one VM.
pub struct Linker {
    /// All source files read so far.
    pub sources: SourceMap,
    /// Macro renaming table.
    pub aliases: Aliases,
    /// The base environment (special forms, builtins, base macros).
    pub base: Env,
    globals: Vec<Rc<str>>,
    builtins: HashMap<Rc<str>, u32>,
    /// Modules defined so far.
    pub modules: HashMap<Rc<str>, Rc<Module>>,
    /// Directories searched for `a/b/c.eta`, in order.
    pub search_path: Vec<PathBuf>,
    embedded: HashMap<String, &'static str>,
    /// Modules being loaded (cycle detection).
    pub loading: Vec<Rc<str>>,
    /// Files loaded as libraries.
    pub loaded_files: HashSet<PathBuf>,
    /// Units of libraries loaded while compiling (they run first).
    pub pending: Vec<Unit>,
    file_dirs: HashMap<FileId, PathBuf>,
    /// Module names defined later in the file being compiled.
    pub later_modules: Vec<Rc<str>>,
    /// REPL mode: modules may be redefined.
    pub repl: bool,
    /// Global scopes that runtime environment objects refer to, by id.
    envs: Vec<Env>,
}

const SPECIALS: &[(&str, Special)] = &[
    ("quote", Special::Quote),
    ("quasiquote", Special::Quasiquote),
    ("unquote", Special::Unquote),
    ("unquote-splicing", Special::UnquoteSplicing),
    ("if", Special::If),
    ("define", Special::Define),
    ("def", Special::Define),
    ("defun", Special::Defun),
    ("set!", Special::Set),
    ("lambda", Special::Lambda),
    ("%transparent-lambda", Special::TransparentLambda),
    ("begin", Special::Begin),
    ("progn", Special::Begin),
    ("let", Special::Let),
    ("let*", Special::LetStar),
    ("letrec", Special::Letrec),
    ("letrec*", Special::LetrecStar),
    ("define-syntax", Special::DefineSyntax),
    ("let-syntax", Special::LetSyntax),
    ("letrec-syntax", Special::LetrecSyntax),
    ("syntax-rules", Special::SyntaxRules),
    ("cond", Special::Cond),
    ("case", Special::Case),
    ("and", Special::And),
    ("or", Special::Or),
    ("when", Special::When),
    ("unless", Special::Unless),
    ("do", Special::Do),
    ("module", Special::Module),
    ("import", Special::Import),
    ("export", Special::Export),
    ("define-record-type", Special::DefineRecordType),
    ("include", Special::Include),
    ("include-ci", Special::IncludeCi),
    ("cond-expand", Special::CondExpand),
    ("case-lambda", Special::CaseLambda),
    ("syntax-error", Special::SyntaxError),
    ("define-values", Special::DefineValues),
    ("let-values", Special::LetValues),
    ("let*-values", Special::LetStarValues),
    ("parameterize", Special::Parameterize),
    ("delay", Special::Delay),
    ("delay-force", Special::DelayForce),
    ("guard", Special::Guard),
    ("catch", Special::Catch),
    ("else", Special::Aux("else")),
    ("=>", Special::Aux("=>")),
    ("_", Special::Aux("_")),
    ("...", Special::Aux("...")),
];

impl Default for Linker {
    fn default() -> Self {
        Self::new()
    }
}

impl Linker {
    /// A linker whose base environment holds the special forms.
    pub fn new() -> Self {
        let base = Scope::new(None, ScopeKind::Base);
        for (name, s) in SPECIALS {
            base.bind(Rc::from(*name), Binding::Special(*s));
        }
        Linker {
            sources: SourceMap::new(),
            aliases: Aliases::default(),
            base,
            globals: Vec::new(),
            builtins: HashMap::new(),
            modules: HashMap::new(),
            search_path: Vec::new(),
            embedded: HashMap::new(),
            loading: Vec::new(),
            loaded_files: HashSet::new(),
            pending: Vec::new(),
            file_dirs: HashMap::new(),
            later_modules: Vec::new(),
            repl: false,
            envs: Vec::new(),
        }
    }

    /// Allocates a fresh global slot named `name`.
    pub fn alloc_global(&mut self, name: &str) -> u32 {
        self.globals.push(Rc::from(name));
        (self.globals.len() - 1) as u32
    }

    /// Defines (or finds) the builtin `name` and returns its slot.
    pub fn define_builtin(&mut self, name: &str) -> u32 {
        if let Some(s) = self.builtins.get(name) {
            return *s;
        }
        let slot = self.alloc_global(name);
        let n: Rc<str> = Rc::from(name);
        self.builtins.insert(n.clone(), slot);
        self.base.bind(n, Binding::Builtin(slot));
        slot
    }

    /// The slot of builtin `name`.
    pub fn builtin_slot(&self, name: &str) -> Option<u32> {
        self.builtins.get(name).copied()
    }

    /// Names of all builtins (for completion).
    pub fn builtin_names(&self) -> Vec<String> {
        self.builtins.keys().map(|k| k.to_string()).collect()
    }

    /// Number of global slots.
    pub fn global_count(&self) -> usize {
        self.globals.len()
    }

    /// The name of global slot `slot`.
    pub fn global_name(&self, slot: u32) -> &str {
        self.globals.get(slot as usize).map(|s| &**s).unwrap_or("?")
    }

    /// Registers the embedded standard library sources (`"std.io"` -> text).
    pub fn set_embedded(&mut self, lib: HashMap<String, &'static str>) {
        self.embedded = lib;
    }

    /// Names of embedded modules.
    pub fn embedded_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.embedded.keys().cloned().collect();
        v.sort();
        v
    }

    /// Registers a source file and remembers its directory.
    pub fn add_source(&mut self, name: &str, text: &str, dir: Option<PathBuf>) -> FileId {
        let id = self.sources.add(name, text);
        if let Some(d) = dir {
            self.file_dirs.insert(id, d);
        }
        id
    }

    /// The directory of a source file (the current directory if unknown).
    pub fn dir_of(&self, file: FileId) -> PathBuf {
        self.file_dirs
            .get(&file)
            .cloned()
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))
    }

    /// Whether `(library NAME)` can be found (for `cond-expand`).
    pub fn library_exists(&self, name: &crate::datum::Datum) -> bool {
        match name.as_symbol() {
            Some(n) => self.modules.contains_key(n) || self.find_module_source(n, None).is_some(),
            None => name
                .as_list()
                .is_some_and(|l| l.len() == 2 && l[0].as_symbol() == Some("scheme")),
        }
    }

    /// Finds the source of module `name`: a file on the search path, or the embedded
    /// library. Returns `(display name, text, directory)`.
    pub fn find_module_source(
        &self,
        name: &str,
        importer_dir: Option<&Path>,
    ) -> Option<(String, String, Option<PathBuf>)> {
        let rel: PathBuf = name.split('.').collect::<PathBuf>().with_extension("eta");
        let mut dirs: Vec<PathBuf> = self.search_path.clone();
        if let Some(d) = importer_dir {
            dirs.push(d.to_path_buf());
        }
        for d in dirs {
            let p = d.join(&rel);
            if p.is_file() {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    let dir = p.parent().map(|x| x.to_path_buf());
                    return Some((p.display().to_string(), text, dir));
                }
            }
        }
        self.embedded
            .get(name)
            .map(|t| (format!("<embedded>/{}", rel.display()), t.to_string(), None))
    }

    /// The search locations, for "unknown module" messages.
    pub fn search_description(&self) -> String {
        let mut parts: Vec<String> = self
            .search_path
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        parts.push("<embedded>".into());
        parts.join(", ")
    }

    /// Registers source text and reads all its forms.
    pub fn read_source(
        &mut self,
        name: &str,
        text: &str,
        dir: Option<PathBuf>,
    ) -> CResult<Vec<crate::datum::Datum>> {
        let file = self.add_source(name, text, dir);
        self.read_file(file)
    }

    /// Reads all forms of a registered file.
    fn read_file(&self, file: FileId) -> CResult<Vec<crate::datum::Datum>> {
        let text = self
            .sources
            .get(file)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        Ok(crate::reader::read_all(&text, file)?)
    }

    /// Compiles forms in `scope`; the units of libraries they import come first.
    fn compile_with_pending(
        &mut self,
        forms: Vec<crate::datum::Datum>,
        scope: &Env,
        entry: bool,
        prelude: bool,
    ) -> CResult<Vec<Unit>> {
        self.pending.clear();
        let units = crate::expand::toplevel::compile_forms(self, forms, scope, entry, prelude)?;
        let mut all = std::mem::take(&mut self.pending);
        all.extend(units);
        Ok(all)
    }

    /// Compiles a whole program file (the entry file when `entry`).
    pub fn compile_program(
        &mut self,
        name: &str,
        text: &str,
        dir: Option<PathBuf>,
        entry: bool,
    ) -> CResult<Vec<Unit>> {
        let forms = self.read_source(name, text, dir)?;
        let scope = self.new_script_scope();
        self.compile_with_pending(forms, &scope, entry, false)
    }

    /// Compiles the prelude: its definitions become builtins.
    pub fn compile_prelude(&mut self, name: &str, text: &str) -> CResult<Vec<Unit>> {
        let file = self.sources.add_hidden(name, text);
        let forms = self.read_file(file)?;
        let base = self.base.clone();
        self.compile_with_pending(forms, &base, false, true)
    }

    /// A fresh script scope (REPL sessions, `-e`).
    pub fn new_script_scope(&self) -> Env {
        Scope::new(
            Some(self.base.clone()),
            ScopeKind::Global(Rc::from("<script>")),
        )
    }

    /// Compiles already-read forms in an existing script scope (REPL, `eval`).
    pub fn compile_in_scope(
        &mut self,
        forms: Vec<crate::datum::Datum>,
        scope: &Env,
    ) -> CResult<Vec<Unit>> {
        self.compile_with_pending(forms, scope, false, false)
    }

    /// The id of a global scope for runtime environment objects (registered once).
    pub fn register_env(&mut self, env: &Env) -> u32 {
        if let Some(i) = self.envs.iter().position(|e| Rc::ptr_eq(e, env)) {
            return i as u32;
        }
        self.envs.push(env.clone());
        (self.envs.len() - 1) as u32
    }

    /// The global scope registered under `id`.
    pub fn env(&self, id: u32) -> Option<Env> {
        self.envs.get(id as usize).cloned()
    }

    /// Error for a module that cannot be found.
    pub fn unknown_module(&self, name: &str, span: Span) -> CompileError {
        CompileError::new(
            CompileErrorKind::Module,
            format!(
                "unknown module {name} (searched: {})",
                self.search_description()
            ),
            span,
        )
    }
}
