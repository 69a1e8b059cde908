//! The script test harness of `etai`.
//!
//! Eta behaviour is tested with Eta files, one behaviour per file. This crate
//! finds them ([`discover`]), runs each one through the `etai` binary in its
//! own process ([`execute`]), and judges the result against the exit status
//! and the golden files next to the script ([`check`]). The integration test
//! `etai/tests/scripts.rs` hands it the path of the binary and calls [`run`];
//! everything is reported through `libtest-mimic`, one trial per file, so
//! `cargo test -p etai --test scripts -- counter` runs just the matching ones.
//!
//! Suites (paths relative to the workspace root):
//!
//! | files | pass when |
//! |---|---|
//! | `tests/lang/**/*.eta`, `tests/limits/**/*.eta`, `tests/net/**/*.eta` | exit status 0 (or `NAME.status`), and stdout equals `NAME.out` if that exists |
//! | `tests/errors/**/*.eta` | stderr equals `NAME.stderr`, status equals `NAME.status` (default 1), stdout equals `NAME.out` if it exists |
//! | `cookbook/**/*.eta` with a sibling `NAME.out` | exit status 0 (or `NAME.status`) and stdout equals `NAME.out` |
//! | `stdlib/tests/*.test.eta` (`std.test` suites printing TAP) | exit status 0 and no `not ok` line |
//! | `tests/wishlist/**/*.eta` | as above (a diagnostic test when `NAME.stderr` exists); a failure is reported as *ignored* with the reason, never fatal |
//!
//! A sibling `NAME.env` (`KEY=VALUE` lines) adds environment variables for
//! that script; `ETA_MODULE_PATH`, `ETA_MAX_DEPTH`, `ETA_HEAP_SOFT_LIMIT`
//! and `ETAI_HISTORY` are otherwise removed, and `NO_COLOR=1` is always set.
//! Before comparing, the script's absolute directory is replaced by `$DIR`
//! in both streams, so goldens do not depend on the checkout location.
//!
//! Files under a directory named `support` are helpers (modules imported by
//! tests), not tests. Setting `ETA_BLESS=1` rewrites the golden files from
//! the actual output instead of comparing (never for wishlist tests, whose
//! goldens say what the output *should* be). `ETA_TEST_TIMEOUT` overrides the
//! per-script timeout in seconds (default 60), globally or in a `NAME.env`.

mod discover;
mod golden;
mod run;

pub use discover::{discover, Case, Kind};
pub use golden::{check, diff, Verdict};
pub use run::{execute, script_env, Output};

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Default time one script may run before it is killed and reported failed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Discovers every script suite under the workspace root, runs them with the
/// `etai` binary at `etai`, reports through libtest-mimic and exits the
/// process with its status.
pub fn run(etai: &str) -> ! {
    let args = Arguments::from_args();
    let root = workspace_root();
    let cases = match discover(&root) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!(
                "eta-tests: cannot discover scripts under {}: {e}",
                root.display()
            );
            std::process::exit(101);
        }
    };
    let settings = Settings::from_env(PathBuf::from(etai));
    let trials = cases
        .into_iter()
        .map(|case| trial(case, settings.clone()))
        .collect();
    libtest_mimic::run(&args, trials).exit()
}

/// The workspace root: the parent of this crate's directory (`tests/`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// How every trial runs: which binary, for how long, and whether to bless.
#[derive(Clone, Debug)]
struct Settings {
    etai: PathBuf,
    timeout: Duration,
    bless: bool,
}

impl Settings {
    fn from_env(etai: PathBuf) -> Settings {
        let timeout = std::env::var(TIMEOUT_VAR)
            .ok()
            .and_then(|v| parse_timeout(&v))
            .unwrap_or(DEFAULT_TIMEOUT);
        let bless = std::env::var("ETA_BLESS").is_ok_and(|v| !v.is_empty() && v != "0");
        Settings {
            etai,
            timeout,
            bless,
        }
    }
}

/// The variable (in the environment or a script's `NAME.env`) that sets the
/// timeout in seconds.
const TIMEOUT_VAR: &str = "ETA_TEST_TIMEOUT";

fn parse_timeout(seconds: &str) -> Option<Duration> {
    seconds.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Wraps one case as a libtest-mimic trial. Wishlist cases turn a failure
/// into "ignored" with a one-line reason, so they stay visible in every run.
fn trial(case: Case, settings: Settings) -> Trial {
    let name = case.name.clone();
    Trial::ignorable_test(name, move || {
        let cannot_run = |e| Failed::from(format!("cannot run {}: {e}", case.script.display()));
        let env = script_env(&case.script).map_err(cannot_run)?;
        let timeout = env
            .iter()
            .find(|(key, _)| key == TIMEOUT_VAR)
            .and_then(|(_, seconds)| parse_timeout(seconds))
            .unwrap_or(settings.timeout);
        let output = execute(&settings.etai, &case.script, &env, timeout).map_err(cannot_run)?;
        let bless = settings.bless && !case.wishlist;
        match check(&case, &output, bless) {
            Verdict::Pass => Ok(Completion::Completed),
            Verdict::Fail { summary, .. } if case.wishlist => {
                Ok(Completion::ignored_with(format!("wishlist: {summary}")))
            }
            Verdict::Fail { summary, details } => {
                let script = case.script.display();
                Err(format!("{summary}\nscript: {script}\n{details}").into())
            }
        }
    })
}
