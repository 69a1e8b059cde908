//! Command-line parsing (clap) and dispatch to the runner or the REPL.

use crate::runner;
use clap::Parser;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  etai hello.eta               run a program
  etai server.eta 8080 --debug pass arguments to the program
  etai -e '(display (+ 1 2))'  evaluate an expression
  echo '(display 42)' | etai - run a program read from standard input
  etai                         start the REPL";

/// The Eta interpreter.
#[derive(Parser, Debug)]
#[command(
    name = "etai",
    about = "The Eta interpreter: a Scheme with Erlang-style concurrency over nng",
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
    /// Add a ':'-separated list of directories to the module search path
    #[arg(long = "path", value_name = "DIRS")]
    pub path: Vec<String>,
    /// Run as a spawned process actor whose mailbox dials ENDPOINT (internal)
    #[arg(long = "mailbox", value_name = "ENDPOINT", hide = true)]
    pub mailbox: Option<String>,
    /// Print the version and exit
    #[arg(long = "version")]
    pub version: bool,
    /// The program file (`-` for standard input), then its arguments
    #[arg(
        value_name = "SCRIPT [ARG]...",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub rest: Vec<String>,
}

/// Parses the command line and runs; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return if code == 0 { 0 } else { 2 };
        }
    };
    if cli.version {
        println!("etai {} (Eta)", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    let mut search: Vec<PathBuf> = cli.include.clone();
    for p in &cli.path {
        search.extend(p.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    if let Ok(env) = std::env::var("ETA_MODULE_PATH") {
        search.extend(env.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let search: Vec<PathBuf> = search
        .into_iter()
        .map(|p| if p.is_absolute() { p } else { cwd.join(p) })
        .collect();
    if !cli.eval.is_empty() {
        return runner::run_eval(&cli.eval, cli.rest.clone(), search);
    }
    match cli.rest.split_first() {
        Some((script, args)) => runner::run_file(script, args.to_vec(), search),
        None => runner::run_repl(search),
    }
}
