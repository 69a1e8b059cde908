//! The command line (language spec §13): options are recognised only before the script
//! path or the `-e` forms; everything after them is handed to the program untouched,
//! even if it looks like an option. [`split`] finds that boundary, clap parses the
//! options in front of it, and [`main`] dispatches to the runner or the REPL.

use crate::{repl, runner};
use clap::Parser;
use std::ffi::OsString;
use std::path::PathBuf;

/// The version of the linked nng library (the `nng` crate 1.0.1 bundles nng 1.4.0):
/// `etai --version` prints `etai VERSION (Eta; nng NNG-VERSION)`.
pub const NNG_VERSION: Option<&str> = Some("1.4.0");

/// Exit status for an invalid command line.
pub const EXIT_USAGE: i32 = 2;

const USAGE: &str =
    "etai [OPTIONS] [SCRIPT [ARG]...]\n       etai [OPTIONS] -e EXPR [-e EXPR]... [ARG]...";

const TEMPLATE: &str = "\
{about-with-newline}
{usage-heading} {usage}

Arguments:
  SCRIPT             The program file; `-` reads the program from standard input
  ARG...             Passed to the program untouched, even if they look like options

Options:
{options}

{after-help}";

const EXAMPLES: &str = "\
Examples:
  etai hello.eta                 run a program
  etai server.eta 8080 --debug   run a program; `8080 --debug` are its arguments
  etai -e '(display (+ 1 2))'    evaluate an expression
  etai -e '(+ 1 2)'              evaluate and print the value: 3
  echo '(display 42)' | etai -   run a program read from standard input
  etai -I lib app.eta            also search lib/ for modules
  etai                           start the REPL (,help lists its commands)

Environment:
  ETA_MODULE_PATH      ':'-separated module directories, searched after -I/--path
  ETA_MAX_DEPTH        maximum call depth
  ETA_HEAP_SOFT_LIMIT  heap limit in bytes (or K/M/G), checked after a full collection
  ETAI_HISTORY         REPL history file (default ~/.etai_history; empty: none)
  NO_COLOR             disable coloured diagnostics

Exit status: 0 success, 1 uncaught error, 2 usage error, 65 syntax or compile
error, 70 internal error, or the program's own (exit n).";

/// The options `etai` understands (clap sees only the part of the command line in
/// front of the script or the `-e` forms; see [`split`]).
#[derive(Parser, Debug)]
#[command(
    name = "etai",
    about = "The Eta interpreter: a Scheme with Erlang-style concurrency over nng",
    override_usage = USAGE,
    help_template = TEMPLATE,
    after_help = EXAMPLES,
    disable_version_flag = true
)]
pub struct Cli {
    /// Evaluate the forms in EXPR (repeatable); the last value is printed
    #[arg(short = 'e', long = "eval", value_name = "EXPR")]
    pub eval: Vec<String>,
    /// Add DIR to the module search path (repeatable)
    #[arg(short = 'I', value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Add a ':'-separated list of directories to the module search path (repeatable)
    #[arg(long = "path", value_name = "DIRS")]
    pub path: Vec<String>,
    /// Run as a spawned process actor whose mailbox dials ENDPOINT (internal)
    #[arg(long = "mailbox", value_name = "ENDPOINT", hide = true)]
    pub mailbox: Option<String>,
    /// Print the version and exit
    #[arg(long = "version")]
    pub version: bool,
    /// The program file (`-` reads it from standard input), then its arguments
    #[arg(value_name = "SCRIPT", trailing_var_arg = true, hide = true)]
    pub rest: Vec<String>,
}

/// What the command line asks for, with the search path resolved.
#[derive(Debug)]
pub struct Invocation {
    /// Module search path: `-I` and `--path` in order, then `ETA_MODULE_PATH`.
    pub search: Vec<PathBuf>,
    /// `-e` forms, in order.
    pub eval: Vec<String>,
    /// The script (`-` for standard input), if any.
    pub script: Option<String>,
    /// Arguments for the program.
    pub args: Vec<String>,
    /// `--mailbox ENDPOINT` (the child side of a process actor).
    pub mailbox: Option<String>,
}

/// Options that take their value from the next argument.
fn takes_value(arg: &str) -> bool {
    matches!(arg, "-e" | "--eval" | "-I" | "--path" | "--mailbox")
}

/// `-e`/`--eval`, separate (`-e X`) or attached (`-eX`, `--eval=X`).
fn is_eval(arg: &str) -> bool {
    arg == "-e" || arg == "--eval" || arg.starts_with("--eval=") || arg.starts_with("-e")
}

/// Rewrites the arguments (without the program name) so that clap sees the options,
/// then `--`, then the script and the program's arguments. The boundary is the first
/// argument that is not an option (the script), an explicit `--`, or, once `-e` forms
/// have started, the first argument that is not another `-e`.
pub fn split(args: Vec<OsString>) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::with_capacity(args.len() + 1);
    let mut it = args.into_iter().peekable();
    let mut in_eval = false;
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy().into_owned();
        let option = text.starts_with('-') && text != "-";
        if text == "--" || !option || (in_eval && !is_eval(&text)) {
            out.push(OsString::from("--"));
            if text != "--" {
                out.push(arg);
            }
            out.extend(it);
            return out;
        }
        in_eval |= is_eval(&text);
        out.push(arg);
        if takes_value(&text) {
            if let Some(value) = it.next() {
                out.push(value);
            }
        }
    }
    out
}

/// Parses the process's command line. `Err` carries the exit status after help,
/// version or usage errors have been printed.
pub fn parse() -> Result<Invocation, i32> {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    let program = if argv.is_empty() {
        OsString::from("etai")
    } else {
        argv.remove(0)
    };
    let mut full = vec![program];
    full.extend(split(argv));
    let cli = match Cli::try_parse_from(full) {
        Ok(c) => c,
        Err(e) => return Err(report_clap_error(e)),
    };
    if cli.version {
        let text = match NNG_VERSION {
            Some(nng) => format!("etai {} (Eta; nng {nng})\n", env!("CARGO_PKG_VERSION")),
            None => format!("etai {} (Eta)\n", env!("CARGO_PKG_VERSION")),
        };
        print_stdout(&text);
        return Err(0);
    }
    let mut search: Vec<PathBuf> = cli.include.clone();
    for p in &cli.path {
        search.extend(p.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    if let Ok(env) = std::env::var("ETA_MODULE_PATH") {
        search.extend(env.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let search = search
        .into_iter()
        .map(|p| if p.is_absolute() { p } else { cwd.join(p) })
        .collect();
    let mut rest = cli.rest.into_iter();
    let script = if cli.eval.is_empty() {
        rest.next()
    } else {
        None
    };
    Ok(Invocation {
        search,
        eval: cli.eval,
        script,
        args: rest.collect(),
        mailbox: cli.mailbox,
    })
}

/// Prints help (stdout, status 0) or a usage error: one line, then the usage hint, on
/// standard error, status 2.
fn report_clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print_stdout(&e.render().to_string());
            0
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid command line");
            let message = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("etai: {message}");
            eprintln!("Usage: {USAGE}");
            eprintln!("Try 'etai --help' for more information.");
            EXIT_USAGE
        }
    }
}

fn print_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Parses the command line and runs; returns the exit status.
pub fn main() -> i32 {
    let inv = match parse() {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    if let Some(endpoint) = &inv.mailbox {
        let Some(script) = inv.script else {
            eprintln!("etai: --mailbox needs a program file");
            return runner::EXIT_ERROR;
        };
        return runner::run_actor_file(endpoint, &script, inv.args, inv.search);
    }
    if !inv.eval.is_empty() {
        return runner::run_eval(&inv.eval, inv.args, inv.search);
    }
    match inv.script {
        Some(script) => runner::run_file(&script, inv.args, inv.search),
        None => repl::run(inv.search),
    }
}

#[cfg(test)]
mod tests {
    use super::split;
    use std::ffi::OsString;

    fn run(args: &[&str]) -> Vec<String> {
        split(args.iter().map(OsString::from).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn arguments_after_the_script_are_the_programs() {
        assert_eq!(
            run(&["-I", "lib", "app.eta", "--path", "x", "-e"]),
            ["-I", "lib", "--", "app.eta", "--path", "x", "-e"]
        );
    }

    #[test]
    fn arguments_after_the_last_eval_are_the_programs() {
        assert_eq!(
            run(&["-e", "(a)", "--eval=(b)", "-eC", "--flag", "-e", "x"]),
            ["-e", "(a)", "--eval=(b)", "-eC", "--", "--flag", "-e", "x"]
        );
    }

    #[test]
    fn double_dash_and_stdin_end_the_options() {
        assert_eq!(run(&["--", "-x.eta", "a"]), ["--", "-x.eta", "a"]);
        assert_eq!(run(&["-", "--help"]), ["--", "-", "--help"]);
    }

    #[test]
    fn options_alone_are_left_to_clap() {
        assert_eq!(run(&["--version"]), ["--version"]);
        assert_eq!(run(&["--bogus"]), ["--bogus"]);
        assert_eq!(run(&["-e"]), ["-e"]);
    }
}
