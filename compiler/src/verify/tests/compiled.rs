//! Compiled code: every prototype of the prelude, of representative programs and of
//! every script under `stdlib/`, `tests/` and `cookbook/` verifies.

use super::*;
use crate::linker::{Linker, Unit};
use crate::CompileErrorKind;
use std::path::{Path, PathBuf};

const PRELUDE: &str = include_str!("../../../../builtins/src/prelude.eta");

/// The workspace root (the compiler crate's parent directory).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Compiles programs the way the VM does (builtins, then the prelude, then the program).
/// The compiler crate does not know the VM's builtins: a name it reports undefined is
/// declared a builtin and the compilation retried.
struct Compiler {
    builtins: Vec<String>,
}

/// A compile result: the units, or an error that is not about an undefined name.
enum Compiled {
    Units(Vec<Unit>),
    Failed(String),
}

impl Compiler {
    fn linker(&self) -> Linker {
        let mut linker = Linker::new();
        linker.search_path = vec![workspace().join("stdlib")];
        for b in &self.builtins {
            linker.define_builtin(b);
        }
        linker
    }

    /// Learns the undefined name of `e` (a variable, or a builtin a module re-exports);
    /// an error when it is something else.
    fn learn(&mut self, e: &crate::CompileError) -> Result<(), String> {
        let name = match e.kind {
            CompileErrorKind::UndefinedVariable => e.message.strip_prefix("undefined variable: "),
            _ => e.message.strip_prefix("export of unknown name "),
        }
        .and_then(|rest| rest.split(' ').next())
        .ok_or_else(|| e.message.clone())?;
        if self.builtins.iter().any(|b| b == name) {
            return Err(format!("{name} stays undefined"));
        }
        self.builtins.push(name.to_string());
        Ok(())
    }

    /// Compiles the prelude and then `text` (when given) with a fresh linker.
    fn compile(&mut self, name: &str, text: Option<&str>, dir: Option<PathBuf>) -> Compiled {
        loop {
            let mut linker = self.linker();
            let mut units = match linker.compile_prelude("<prelude>", PRELUDE) {
                Ok(u) => u,
                Err(e) => match self.learn(&e) {
                    Ok(()) => continue,
                    Err(m) => return Compiled::Failed(format!("prelude: {m}")),
                },
            };
            let Some(text) = text else {
                return Compiled::Units(units);
            };
            match linker.compile_program(name, text, dir.clone(), true) {
                Ok(u) => {
                    units.extend(u);
                    return Compiled::Units(units);
                }
                Err(e) => {
                    if let Err(m) = self.learn(&e) {
                        return Compiled::Failed(m);
                    }
                }
            }
        }
    }
}

/// Verifies every prototype tree of `units`; counts the prototypes.
fn verify_units(what: &str, units: &[Unit]) -> Result<usize, String> {
    let mut count = 0;
    for u in units {
        if !u.proto.captures.is_empty() {
            return Err(format!("{what}: a top-level unit captures variables"));
        }
        let tree = verify_tree(&u.proto).map_err(|e| format!("{what}: {e}"))?;
        let mut open = vec![&tree];
        while let Some(t) = open.pop() {
            count += 1;
            open.extend(&t.children);
        }
    }
    Ok(count)
}

#[test]
fn the_prelude_verifies() -> TestResult {
    let mut c = Compiler {
        builtins: Vec::new(),
    };
    let units = match c.compile("<prelude>", None, None) {
        Compiled::Units(u) => u,
        Compiled::Failed(m) => return Err(m),
    };
    let protos = verify_units("prelude", &units)?;
    assert!(protos > 50, "only {protos} prototypes in the prelude");
    Ok(())
}

/// Programs using every construct with its own code shape.
const PROGRAMS: &[(&str, &str)] = &[
    (
        "named-let",
        "(define (sum n) (let loop ((i 0) (acc 0)) (if (> i n) acc (loop (+ i 1) (+ acc i)))))
         (sum 10)",
    ),
    (
        "closures",
        "(define (counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))
         (define c (counter)) (c) (c)
         (define (adder x) (lambda (y) (lambda (z) (+ x y z))))
         (((adder 1) 2) 3)
         (define (make) (define a 1) (define (get) a) (define (put! v) (set! a v)) (cons get put!))",
    ),
    (
        "do-loops",
        "(do ((i 0 (+ i 1)) (acc '() (cons i acc))) ((= i 5) acc))
         (let ((v (make-vector 3 0)))
           (do ((i 0 (+ i 1))) ((= i 3)) (vector-set! v i (* i i))) v)",
    ),
    (
        "case-and-cond",
        "(define (kind x)
           (case x ((1 2 3) 'small) ((a b) => (lambda (s) s)) (else 'other)))
         (define (sign x) (cond ((< x 0) 'neg) ((= x 0) 'zero) ((assv x '((1 . one))) => cdr)
                                (else 'pos)))
         (and (kind 1) (or (sign 0) #f) (when #t 1) (unless #f 2))",
    ),
    (
        "exceptions",
        "(guard (e ((symbol? e) (list 'sym e)) ((string? e) => string-length))
           (raise 'boom))
         (guard (e (#f 'never)) (+ 1 (raise-continuable 2)))
         (catch (error \"x\"))
         (with-exception-handler (lambda (c) 42) (lambda () (+ (raise-continuable 'c) 1)))",
    ),
    (
        "records",
        "(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y))
         (let ((p (make-point 1 2))) (set-point-x! p 3) (+ (point-x p) (point-y p)))",
    ),
    (
        "quasiquote",
        "(define (f x xs) `(a ,x ,@xs (nested ,(car xs) ,@(cdr xs)) #(v ,x) . tail))
         (f 1 '(2 3))
         `(1 `(2 ,(3 ,(+ 1 2))))",
    ),
    (
        "varargs",
        "(define (f a . rest) (cons a rest))
         (define (g . all) all)
         (define h (case-lambda ((a) a) ((a b) (+ a b)) ((a b . more) (apply + a b more))))
         (list (f 1 2 3) (g) (h 1) (h 1 2) (h 1 2 3 4) (apply f 1 '(2)))",
    ),
    (
        "continuations",
        "(define k2 #f)
         (+ 1 (call/cc (lambda (k) (set! k2 k) (k 1))))
         (call-with-current-continuation (lambda (k) (for-each (lambda (x) (if (> x 1) (k x))) '(1 2 3))))
         (dynamic-wind (lambda () 'in) (lambda () (call/cc (lambda (k) (k 'body)))) (lambda () 'out))",
    ),
    (
        "values-and-parameters",
        "(define-values (q r) (floor/ 7 2))
         (let-values (((a b) (values 1 2)) ((c . d) (values 3 4 5))) (list a b c d))
         (let*-values (((a) (values 1)) ((b) (values a))) b)
         (define p (make-parameter 1))
         (parameterize ((p 2)) (p))
         (force (delay (+ 1 2)))
         (force (delay-force (delay 3)))",
    ),
    (
        "deep-nesting",
        "(define (f a)
           (lambda (b)
             (let ((c (+ a b)))
               (lambda (d)
                 (set! a (+ a d))
                 (letrec ((even? (lambda (n) (if (= n 0) #t (odd? (- n 1)))))
                          (odd? (lambda (n) (if (= n 0) #f (even? (- n 1))))))
                   (lambda () (list a b c d (even? 10))))))))
         ((((f 1) 2) 3))",
    ),
    (
        "macros-and-modules",
        "(define-syntax swap! (syntax-rules () ((_ a b) (let ((t a)) (set! a b) (set! b t)))))
         (define x 1) (define y 2) (swap! x y)
         (module m (export twice) (define (twice f) (lambda (x) (f (f x)))))
         (import m)
         ((twice (lambda (n) (* n 2))) 5)
         (let loop ((i 0)) (when (< i 3) (loop (+ i 1))))",
    ),
];

#[test]
fn representative_programs_verify() -> TestResult {
    let mut c = Compiler {
        builtins: Vec::new(),
    };
    for (name, text) in PROGRAMS {
        match c.compile(name, Some(text), None) {
            Compiled::Units(units) => {
                verify_units(name, &units)?;
            }
            Compiled::Failed(m) => return Err(format!("{name} does not compile: {m}")),
        }
    }
    Ok(())
}

/// Every `.eta` file under `dir`, sorted.
fn eta_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            eta_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "eta") {
            out.push(p);
        }
    }
    Ok(())
}

#[test]
fn script_suites_and_stdlib_verify() -> TestResult {
    let root = workspace();
    let mut files = Vec::new();
    for d in ["stdlib/std", "tests", "cookbook"] {
        eta_files(&root.join(d), &mut files)?;
    }
    let mut c = Compiler {
        builtins: Vec::new(),
    };
    let (mut compiled, mut protos) = (0, 0);
    let mut failed = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let name = f.display().to_string();
        match c.compile(&name, Some(&text), f.parent().map(Path::to_path_buf)) {
            Compiled::Units(units) => {
                compiled += 1;
                protos += verify_units(&name, &units)?;
            }
            Compiled::Failed(m) => failed.push(format!("{name}: {m}")),
        }
    }
    // Only the programs that are meant not to compile may fail.
    let unexpected: Vec<&String> = failed
        .iter()
        .filter(|m| !m.contains("/tests/errors/") && !m.contains("/tests/wishlist/"))
        .collect();
    assert!(unexpected.is_empty(), "failed to compile: {unexpected:#?}");
    assert!(compiled >= 400, "only {compiled} of {} files", files.len());
    assert!(protos > 40_000, "only {protos} prototypes");
    Ok(())
}
