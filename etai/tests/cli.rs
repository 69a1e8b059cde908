//! The `etai` command as users meet it: command line, exit statuses, `-e`, programs on
//! standard input, diagnostics, and the REPL driven through a pipe and through a real
//! terminal (tmux, when it is installed).

#[path = "reliability/support.rs"]
mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// How long one `etai` run may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `support::etai()` without a history file.
fn etai() -> Command {
    let mut c = support::etai();
    c.env("ETAI_HISTORY", "");
    c
}

/// Runs `etai ARGS` with `input` on standard input; kills it after [`DEADLINE`].
fn run_in(
    dir: Option<&Path>,
    args: &[&str],
    input: &str,
) -> Result<Run, Box<dyn std::error::Error>> {
    let mut cmd = etai();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        // The program may stop reading early; a broken pipe is not a test failure.
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let mut err = child.stderr.take().ok_or("no stderr")?;
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = wait_within_deadline(&mut child, &format!("etai {args:?}"))?;
    let _ = writer.join();
    let stdout = out_reader.join().map_err(|_| "stdout reader panicked")?;
    let stderr = err_reader.join().map_err(|_| "stderr reader panicked")?;
    Ok(Run {
        status: status.code(),
        stdout: String::from_utf8(stdout)?,
        stderr: String::from_utf8(stderr)?,
    })
}

/// Waits for `child` to end; kills it and fails after [`DEADLINE`].
fn wait_within_deadline(
    child: &mut std::process::Child,
    what: &str,
) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait()? {
            return Ok(st);
        }
        if start.elapsed() > DEADLINE {
            child.kill()?;
            return Err(format!("{what} did not finish within {DEADLINE:?}").into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn run(args: &[&str], input: &str) -> Result<Run, Box<dyn std::error::Error>> {
    run_in(None, args, input)
}

/// A fresh directory under the target directory for files a test writes; removed
/// when dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Result<Scratch, Box<dyn std::error::Error>> {
    // The process id keeps concurrent runs of the suite (several checkouts sharing a
    // target directory) apart.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{name}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(Scratch(dir))
}

// ---------------------------------------------------------------------------
// Command line

#[test]
fn version_names_the_interpreter() -> TestResult {
    let r = run(&["--version"], "")?;
    assert_eq!(r.status, Some(0));
    assert!(
        r.stdout
            .starts_with(&format!("etai {} (Eta", env!("CARGO_PKG_VERSION"))),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 1);
    Ok(())
}

#[test]
fn help_goes_to_stdout_with_examples() -> TestResult {
    for flag in ["--help", "-h"] {
        let r = run(&[flag], "")?;
        assert_eq!(r.status, Some(0));
        assert!(r.stdout.contains("Examples:"), "{}", r.stdout);
        assert!(r.stdout.contains("etai -e"), "{}", r.stdout);
        assert!(!r.stdout.contains("--mailbox"), "internal option shown");
        assert_eq!(r.stderr, "");
    }
    Ok(())
}

#[test]
fn unknown_option_is_a_usage_error() -> TestResult {
    let r = run(&["--bogus"], "")?;
    assert_eq!(r.status, Some(2));
    assert_eq!(r.stdout, "");
    let first = r.stderr.lines().next().unwrap_or("");
    assert_eq!(first, "etai: unexpected argument '--bogus' found");
    assert!(r.stderr.contains("Usage: etai"), "{}", r.stderr);
    Ok(())
}

#[test]
fn missing_option_value_is_a_usage_error() -> TestResult {
    let r = run(&["-e"], "")?;
    assert_eq!(r.status, Some(2));
    assert!(r.stderr.starts_with("etai: "), "{}", r.stderr);
    let r = run(&["-I"], "")?;
    assert_eq!(r.status, Some(2));
    Ok(())
}

#[test]
fn missing_script_reports_and_exits_1() -> TestResult {
    let r = run(&["no-such-script.eta"], "")?;
    assert_eq!(r.status, Some(1));
    assert_eq!(
        r.stderr,
        "etai: cannot read no-such-script.eta: No such file or directory\n"
    );
    Ok(())
}

#[test]
fn mailbox_that_cannot_connect_is_reported() -> TestResult {
    let endpoint = "ipc:///nonexistent-etai-dir/x.sock";
    let r = run(&["--mailbox", endpoint, "-"], "(display 1)")?;
    assert_eq!(r.status, Some(1));
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.starts_with(&format!(
            "etai: cannot connect to parent mailbox {endpoint}: "
        )),
        "{}",
        r.stderr
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// -e

#[test]
fn eval_runs_the_expression() -> TestResult {
    let r = run(&["-e", "(display (+ 1 2))"], "")?;
    assert_eq!((r.status, r.stdout.as_str()), (Some(0), "3"));
    Ok(())
}

#[test]
fn eval_prints_the_last_value_in_write_form() -> TestResult {
    let r = run(&["-e", "(string-append \"a\" \"b\")"], "")?;
    assert_eq!(r.stdout, "\"ab\"\n");
    let r = run(&["-e", "(define x 20)", "--eval", "(+ x 22)"], "")?;
    assert_eq!(r.stdout, "42\n");
    let r = run(&["-e", "(values 1 'two)"], "")?;
    assert_eq!(r.stdout, "1\ntwo\n");
    let r = run(&["-e", "(define y 1)"], "")?;
    assert_eq!(r.stdout, "");
    let r = run(&["-e", "(display \"hi\") 5"], "")?;
    assert_eq!(r.stdout, "hi\n5\n");
    Ok(())
}

#[test]
fn arguments_after_eval_reach_the_program() -> TestResult {
    let r = run(
        &["-e", "(command-line-arguments)", "--flag", "-e", "x", "-h"],
        "",
    )?;
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "(\"--flag\" \"-e\" \"x\" \"-h\")\n");
    Ok(())
}

// ---------------------------------------------------------------------------
// Scripts and exit statuses

#[test]
fn arguments_after_the_script_reach_the_program_untouched() -> TestResult {
    let dir = scratch("args")?;
    std::fs::write(dir.join("args.eta"), "(write (command-line-arguments))\n")?;
    let r = run_in(
        Some(&*dir),
        &[
            "args.eta",
            "--path",
            "x",
            "-e",
            "(exit 9)",
            "--",
            "--version",
        ],
        "",
    )?;
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "(\"--path\" \"x\" \"-e\" \"(exit 9)\" \"--\" \"--version\")"
    );
    Ok(())
}

#[test]
fn exit_statuses() -> TestResult {
    let cases: &[(&str, i32)] = &[
        ("(display 1)", 0),
        ("(exit 3)", 3),
        ("(exit #f)", 1),
        ("(exit)", 0),
        ("(car 1)", 1),
        ("(raise 'oops)", 1),
        ("(if)", 65),
        ("(display \"open", 65),
        ("(import no.such.module)", 65),
        ("undefined-name", 65),
    ];
    for (src, want) in cases {
        let r = run(&["-e", src], "")?;
        assert_eq!(r.status, Some(*want), "etai -e {src:?}: {}", r.stderr);
    }
    Ok(())
}

#[test]
fn program_from_stdin() -> TestResult {
    let r = run(&["-"], "(display 42)\n")?;
    assert_eq!((r.status, r.stdout.as_str()), (Some(0), "42"));
    // Not a REPL: values are not echoed and the first error ends the program.
    let r = run(&["-"], "(+ 1 2)\n(car 1)\n(display \"after\")\n")?;
    assert_eq!(r.status, Some(1));
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("--> <stdin>:2:1"), "{}", r.stderr);
    Ok(())
}

#[test]
fn runtime_error_in_a_call_chain() -> TestResult {
    let dir = scratch("chain")?;
    let src = "(define (first-entry entries)\n  (car entries))\n\n(define (describe data)\n  (list 'first (first-entry data)))\n\n(define (report)\n  (display (describe 42)))\n\n(report)\n";
    std::fs::write(dir.join("report.eta"), src)?;
    let r = run_in(Some(&*dir), &["report.eta"], "")?;
    assert_eq!(r.status, Some(1));
    let expected = "\
error[runtime.type-error]: car: expected a pair, got 42
  --> report.eta:2:3
   |
 2 |   (car entries))
   |   ^^^^^^^^^^^^^
stack trace (innermost first):
  0: first-entry  report.eta:2:3
  1: describe     report.eta:5:16
  2: report       report.eta:8:12
  3: <script>     report.eta:10:1
";
    assert_eq!(r.stderr, expected);
    Ok(())
}

#[test]
fn compile_error_has_no_trace() -> TestResult {
    let r = run(&["-e", "(define (f) (if))"], "")?;
    assert_eq!(r.status, Some(65));
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("  --> <eval>:1:13\n"), "{}", r.stderr);
    assert!(r.stderr.contains("^^^^"), "{}", r.stderr);
    assert!(!r.stderr.contains("stack trace"), "{}", r.stderr);
    Ok(())
}

#[test]
fn procedures_beyond_the_bytecode_limits_are_compile_errors() -> TestResult {
    // 16-bit operands: more locals or call arguments are refused, not wrapped around.
    let bindings: Vec<String> = (0..70_000).map(|i| format!("(v{i} {i})")).collect();
    let locals = format!("(let ({}) (display v69999))", bindings.join(" "));
    let numbers: Vec<String> = (0..70_000).map(|i| i.to_string()).collect();
    let args = format!(
        "(define (f . xs) (length xs))\n(display (f {}))",
        numbers.join(" ")
    );
    for (program, what, at) in [
        (locals, "65535 local variables", "<stdin>:1:1\n"),
        (args, "65535 arguments in one call", "<stdin>:2:10\n"),
    ] {
        let r = run(&["-"], &program)?;
        assert_eq!(
            r.status,
            Some(65),
            "{}",
            &r.stderr[..r.stderr.len().min(300)]
        );
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr
                .starts_with(&format!("error: procedure too large: more than {what}\n")),
            "{}",
            &r.stderr[..r.stderr.len().min(300)]
        );
        assert!(
            r.stderr.contains(at),
            "{}",
            &r.stderr[..r.stderr.len().min(300)]
        );
    }
    // Just under the limit still runs.
    let numbers: Vec<String> = (0..65_535).map(|i| i.to_string()).collect();
    let r = run(
        &["-"],
        &format!("(display (length (list {})))", numbers.join(" ")),
    )?;
    assert_eq!(
        r.stdout,
        "65535",
        "{}",
        &r.stderr[..r.stderr.len().min(300)]
    );
    Ok(())
}

/// Runs `etai -e PROGRAM`, reads the first two bytes of its output, closes the pipe and
/// waits for it to end: its status and standard error.
fn run_with_output_closed(
    program: &str,
) -> Result<(Option<i32>, String), Box<dyn std::error::Error>> {
    let mut child = etai()
        .args(["-e", program])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let mut first = [0u8; 2];
    out.read_exact(&mut first)?;
    assert_eq!(&first, b"0\n");
    drop(out);
    let mut err = child.stderr.take().ok_or("no stderr")?;
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = wait_within_deadline(&mut child, "etai with its output closed")?;
    let stderr = err_reader.join().map_err(|_| "stderr reader panicked")?;
    Ok((status.code(), stderr))
}

#[test]
fn a_closed_standard_output_stops_the_program() -> TestResult {
    // `etai prog | head -1`: once the reader is gone, writing raises a file error
    // instead of the program printing forever into nothing.
    let (status, stderr) =
        run_with_output_closed("(let loop ((i 0)) (display i) (newline) (loop (+ i 1)))")?;
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error[runtime.file-error]: display: standard output: Broken pipe"),
        "{stderr}"
    );
    // The error is catchable, and every later write raises it again.
    let (status, stderr) = run_with_output_closed(
        "(define (say s) (write-string s (current-error-port)))
         (let loop ((i 0))
           (if (pair? (catch 'runtime.file-error (begin (display i) (newline) #f)))
               (begin (say \"caught\n\")
                      (if (pair? (catch 'runtime.file-error (display 1))) (say \"again\n\"))
                      (exit 3))
               (loop (+ i 1))))",
    )?;
    assert_eq!((status, stderr.as_str()), (Some(3), "caught\nagain\n"));
    Ok(())
}

#[test]
fn no_colour_when_stderr_is_not_a_terminal() -> TestResult {
    let mut cmd = etai();
    cmd.env_remove("NO_COLOR").args(["-e", "(car 1)"]);
    let out = cmd.output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.starts_with("error[runtime.type-error]"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    Ok(())
}

// ---------------------------------------------------------------------------
// The REPL through a pipe

#[test]
fn repl_acceptance_from_the_issue() -> TestResult {
    let r = run(&[], "(define (f x)\n  (* x 2))\n(f 21)\n(car '())\n(f 1)\n")?;
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "42\n2\n");
    assert!(
        r.stderr.starts_with(
            "error[runtime.type-error]: car: expected a pair, got ()\n  --> <repl>:1:1\n"
        ),
        "{}",
        r.stderr
    );
    Ok(())
}

#[test]
fn repl_piped_has_no_banner_or_prompt() -> TestResult {
    let r = run(&[], "(+ 1 2)\n")?;
    assert_eq!(r.stdout, "3\n");
    assert_eq!(r.stderr, "");
    let r = run(&[], "")?;
    assert_eq!((r.status, r.stdout.as_str()), (Some(0), ""));
    Ok(())
}

#[test]
fn repl_multi_line_forms_and_several_forms_per_line() -> TestResult {
    let r = run(
        &[],
        "(define (g x)\n  (+ x\n     1))\n(g 1) (g 2)\n\"a (string\nover lines\"\n#| a block\n comment |# 'done\n",
    )?;
    assert_eq!(r.stdout, "2\n3\n\"a (string\\nover lines\"\ndone\n");
    Ok(())
}

#[test]
fn repl_results_in_write_form() -> TestResult {
    let r = run(
        &[],
        "'()\n\"hi\"\n#\\a\n(values 1 'two)\n(values)\n(if #f #f)\n(define z 1)\n",
    )?;
    assert_eq!(r.stdout, "()\n\"hi\"\n#\\a\n1\ntwo\n");
    Ok(())
}

#[test]
fn repl_redefinition_is_seen_by_earlier_procedures() -> TestResult {
    let r = run(
        &[],
        "(define (h) 1)\n(define (k) (h))\n(k)\n(define (h) 2)\n(k)\n(define v 1)\n(define v (+ v 1))\nv\n",
    )?;
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "1\n2\n2\n");
    Ok(())
}

#[test]
fn repl_error_then_more_input() -> TestResult {
    let r = run(
        &[],
        "(car 1)\n(+ 1 1)\n(undefined-thing)\n(define-syntax)\n(+ 2 2)\n",
    )?;
    assert_eq!(r.status, Some(0));
    assert_eq!(r.stdout, "2\n4\n");
    let headers = r.stderr.lines().filter(|l| l.starts_with("error")).count();
    assert_eq!(headers, 3, "{}", r.stderr);
    Ok(())
}

#[test]
fn repl_status_is_1_when_the_last_form_failed() -> TestResult {
    let r = run(&[], "(+ 1 1)\n(car 1)\n; a comment\n\n")?;
    assert_eq!(r.status, Some(1));
    let r = run(&[], "(define (f)\n")?;
    assert_eq!(r.status, Some(1));
    assert!(r.stderr.contains("unterminated list"), "{}", r.stderr);
    Ok(())
}

#[test]
fn repl_exit_leaves_with_its_status() -> TestResult {
    let r = run(
        &[],
        "(display \"bye\")\n(exit 7)\n(display \"not reached\")\n",
    )?;
    assert_eq!((r.status, r.stdout.as_str()), (Some(7), "bye"));
    Ok(())
}

#[test]
fn repl_output_without_newline_is_ended_before_a_result() -> TestResult {
    let r = run(&[], "(display \"hi\")\n(+ 1 2)\n(display \"x\")\n")?;
    assert_eq!(r.stdout, "hi\n3\nx\n");
    Ok(())
}

#[test]
fn repl_after_thunks_run_after_an_error() -> TestResult {
    let r = run(
        &[],
        "(dynamic-wind (lambda () #f) (lambda () (car 1)) (lambda () (display \"after\")))\n(+ 1 2)\n",
    )?;
    assert_eq!(r.stdout, "after\n3\n");
    Ok(())
}

#[test]
fn repl_imports_and_modules() -> TestResult {
    let r = run(
        &[],
        "(module m (export twice) (define (twice x) (* 2 x)))\n(import m)\n(twice 4)\n(module m (export twice) (define (twice x) (* 3 x)))\n",
    )?;
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "8\n");
    Ok(())
}

#[test]
fn repl_commands() -> TestResult {
    let r = run(&[], ",help\n")?;
    assert!(r.stdout.contains(",time EXPR"), "{}", r.stdout);
    let r = run(&[], ",frobnicate\n(+ 1 1)\n")?;
    assert_eq!(r.stderr, "unknown command ,frobnicate (try ,help)\n");
    assert_eq!(r.stdout, "2\n");
    let r = run(&[], ",time (+ 1\n 2)\n")?;
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"3"), "{}", r.stdout);
    let elapsed = lines.get(1).copied().unwrap_or("");
    assert!(
        elapsed.starts_with("; elapsed: ") && elapsed.ends_with(" ms"),
        "{elapsed}"
    );
    let r = run(&[], "(define a 1)\n,reset\na\n")?;
    assert!(r.stderr.contains("undefined variable: a"), "{}", r.stderr);
    let r = run(&[], "(define a 1)\n,history\n")?;
    assert!(
        r.stdout.contains("1  (define a 1)\n2  ,history\n"),
        "{}",
        r.stdout
    );
    let r = run(&[], ",quit\n(display \"not reached\")\n")?;
    assert_eq!((r.status, r.stdout.as_str()), (Some(0), ""));
    Ok(())
}

#[test]
fn repl_load_command() -> TestResult {
    let dir = scratch("load")?;
    std::fs::write(
        dir.join("lib.eta"),
        "(define (triple x) (* 3 x))\n(+ 1 1)\n",
    )?;
    let r = run_in(
        Some(&*dir),
        &[],
        ",load lib.eta\n(triple 5)\n,load missing.eta\n",
    )?;
    assert_eq!(r.stdout, "15\n");
    assert_eq!(
        r.stderr,
        "etai: cannot read missing.eta: No such file or directory\n"
    );
    Ok(())
}

#[test]
fn repl_expand_command() -> TestResult {
    let r = run(
        &[],
        "(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))\n,expand (swap! x y)\n,expand '(swap! x y)\n",
    )?;
    assert_eq!(r.status, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "(let ((tmp x)) (set! x y) (set! y tmp))\n'(swap! x y)\n"
    );
    Ok(())
}

#[test]
fn repl_disasm_command() -> TestResult {
    let r = run(
        &[],
        "(define (sq x) (* x x))\n,disasm sq\n,disasm car\n,disasm 5\n",
    )?;
    assert!(r.stdout.starts_with("sq: 1 argument"), "{}", r.stdout);
    assert!(r.stdout.contains("Return"), "{}", r.stdout);
    assert!(r.stdout.contains("; car is a builtin"), "{}", r.stdout);
    assert!(r.stderr.contains("not a procedure: 5"), "{}", r.stderr);
    Ok(())
}

#[test]
fn repl_module_command() -> TestResult {
    let r = run(
        &[],
        "(module counter (export next) (define n 0) (define (next) (set! n (+ n 1)) n))\n,module counter\nn\n(next)\nn\n,module\n(import counter)\n(next)\n,module no.such.module\n",
    )?;
    assert_eq!(r.stdout, "0\n1\n1\n2\n", "{}", r.stderr);
    assert!(r.stderr.contains(",module"), "{}", r.stderr);
    Ok(())
}

// ---------------------------------------------------------------------------
// The REPL in a real terminal (tmux)

/// A tmux server of our own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()?;
        if !out.status.success() {
            return Err(format!("tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    fn screen(&self) -> Result<String, Box<dyn std::error::Error>> {
        self.cmd(&["capture-pane", "-p", "-t", "repl"])
    }

    /// Waits until the screen satisfies `ok`; returns it.
    fn wait_for(
        &self,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let start = Instant::now();
        loop {
            let s = self.screen()?;
            if ok(&s) {
                return Ok(s);
            }
            if start.elapsed() > Duration::from_secs(30) {
                return Err(format!("timed out waiting for {what}; screen:\n{s}").into());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn keys(&self, keys: &[&str]) -> TestResult {
        let mut args = vec!["send-keys", "-t", "repl"];
        args.extend_from_slice(keys);
        self.cmd(&args)?;
        Ok(())
    }

    fn literal(&self, text: &str) -> TestResult {
        self.cmd(&["send-keys", "-t", "repl", "-l", text])?;
        Ok(())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The last non-blank line of the screen (an empty prompt shows as `eta>`).
fn last_line(screen: &str) -> &str {
    screen.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("")
}

/// Prompts on the screen (tmux drops the trailing blank of an empty prompt line).
fn prompts(screen: &str) -> usize {
    screen.lines().filter(|l| l.starts_with("eta>")).count()
}

#[test]
fn repl_in_a_real_terminal() -> TestResult {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED repl_in_a_real_terminal: tmux is not installed");
        return Ok(());
    }
    let dir = scratch("tmux")?;
    let history = dir.join("history");
    let tmux = Tmux {
        socket: format!("etai-test-{}", std::process::id()),
    };
    // The shell records etai's exit status in a file: tmux's own pane status is not
    // always filled in on a loaded machine.
    let status_file = dir.join("status");
    let command = format!(
        "env ETAI_HISTORY='{}' NO_COLOR=1 TERM=xterm '{}'; echo $? > '{}'",
        history.display(),
        env!("CARGO_BIN_EXE_etai"),
        status_file.display()
    );
    tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "repl",
        "-x",
        "100",
        "-y",
        "40",
        &command,
    ])?;
    tmux.cmd(&["set-option", "-t", "repl", "remain-on-exit", "on"])?;
    let s = tmux.wait_for("the banner and prompt", |s| {
        s.contains("Eta REPL.") && prompts(s) == 1
    })?;
    assert!(s.contains(",help for help"), "{s}");

    // A multi-line definition: the continuation prompt, then the result.
    tmux.literal("(define (square x)")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("the continuation prompt", |s| {
        s.lines().any(|l| l.starts_with("...>"))
    })?;
    tmux.literal("  (* x x))")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("the next prompt", |s| prompts(s) == 2)?;
    tmux.literal("(square 12)")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("144", |s| s.lines().any(|l| l == "144"))?;

    // Tab after `(str`: completes the common prefix, a second Tab lists candidates.
    tmux.literal("(str")?;
    tmux.keys(&["Tab"])?;
    tmux.wait_for("the common prefix", |s| s.contains("eta> (string"))?;
    tmux.keys(&["Tab"])?;
    let s = tmux.wait_for("the candidate list", |s| {
        s.contains("string-append") && s.contains("string-length")
    })?;
    assert!(s.contains("string?"), "{s}");
    // Ctrl-C discards the line being typed. (Keys typed before the next prompt shows
    // would be read together with the Ctrl-C and dropped by rustyline: wait for it.)
    let shown = prompts(&tmux.screen()?);
    tmux.keys(&["C-c"])?;
    tmux.wait_for("a fresh prompt", |s| {
        prompts(s) > shown && last_line(s) == "eta>"
    })?;
    let shown = prompts(&tmux.screen()?);
    tmux.literal("(+ 1 2)")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("3 after the discarded line", |s| {
        s.lines().any(|l| l == "3") && prompts(s) > shown
    })?;

    // Ctrl-C interrupts a running loop and returns to the prompt.
    tmux.literal("(let loop () (loop))")?;
    tmux.keys(&["Enter"])?;
    let before = tmux.wait_for("the loop to be entered", |s| {
        s.contains("eta> (let loop () (loop))")
    })?;
    let shown = prompts(&before);
    tmux.keys(&["C-c"])?;
    tmux.wait_for("interrupted and a new prompt", |s| {
        s.contains("interrupted") && prompts(s) > shown
    })?;
    tmux.literal("(square 3)")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("9 and a fresh prompt", |s| {
        s.lines().any(|l| l == "9") && last_line(s) == "eta>"
    })?;

    // Ctrl-D on an empty line leaves with status 0.
    tmux.keys(&["C-d"])?;
    let start = Instant::now();
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if text.ends_with('\n') {
                break text.trim().to_string();
            }
        }
        if start.elapsed() > Duration::from_secs(30) {
            return Err(format!(
                "etai did not exit after Ctrl-D; screen:\n{}",
                tmux.screen()?
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    assert_eq!(status, "0");

    // The multi-line definition is one history entry.
    let saved = std::fs::read_to_string(&history)?;
    assert!(
        saved.contains("(define (square x)\\n  (* x x))"),
        "history file:\n{saved}"
    );
    Ok(())
}
