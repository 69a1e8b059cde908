//! Finding the test scripts: which files are tests, what kind of check each
//! one gets, and the trial name it is reported (and filtered) under.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a script is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An assertion script: passes when it exits 0; stdout must equal
    /// `NAME.out` when that file exists.
    Assertion,
    /// A golden diagnostic: stderr must equal `NAME.stderr`, the exit status
    /// the number in `NAME.status` (1 when absent), stdout `NAME.out` if present.
    Diagnostic,
    /// A cookbook demo: stdout must equal `NAME.out` (which exists), and the
    /// status `NAME.status` (0 when absent).
    Golden,
    /// A `std.test` suite (`stdlib/tests/*.test.eta`): exits 0 and prints no TAP
    /// `not ok` line.
    Tap,
}

/// One test script.
#[derive(Clone, Debug)]
pub struct Case {
    /// Trial name, e.g. `lang::closures::counter` or `errors::car-of-number`.
    pub name: String,
    /// Absolute path of the `.eta` file.
    pub script: PathBuf,
    /// How its result is judged.
    pub kind: Kind,
    /// A known failure: reported as ignored when it fails, never fatal.
    pub wishlist: bool,
}

impl Case {
    /// The sibling file `NAME.<ext>` next to the script.
    pub fn sibling(&self, ext: &str) -> PathBuf {
        self.script.with_extension(ext)
    }

    /// The exit status the script must end with when no `NAME.status` says otherwise.
    pub fn default_status(&self) -> i32 {
        match self.kind {
            Kind::Diagnostic => 1,
            Kind::Assertion | Kind::Golden | Kind::Tap => 0,
        }
    }
}

/// Directories with this name hold helpers (modules imported by tests), not tests.
const SUPPORT_DIR: &str = "support";

/// Finds every test script under the workspace `root`, sorted by name.
pub fn discover(root: &Path) -> io::Result<Vec<Case>> {
    let tests = root.join("tests");
    let mut cases = Vec::new();
    for suite in ["lang", "limits", "net", "actors"] {
        for script in eta_files(&tests.join(suite))? {
            cases.push(case(&tests, script, Kind::Assertion, false));
        }
    }
    for script in eta_files(&tests.join("errors"))? {
        cases.push(case(&tests, script, Kind::Diagnostic, false));
    }
    for script in eta_files(&tests.join("wishlist"))? {
        // A wishlist test keeps the shape it will have once it passes: a
        // diagnostic test if it has a golden stderr, an assertion otherwise.
        let kind = if script.with_extension("stderr").is_file() {
            Kind::Diagnostic
        } else {
            Kind::Assertion
        };
        cases.push(case(&tests, script, kind, true));
    }
    for script in eta_files(&root.join("stdlib").join("tests"))? {
        cases.push(case(root, script, Kind::Tap, false));
    }
    for script in eta_files(&root.join("cookbook"))? {
        if script.with_extension("out").is_file() {
            cases.push(case(root, script, Kind::Golden, false));
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

fn case(base: &Path, script: PathBuf, kind: Kind, wishlist: bool) -> Case {
    Case {
        name: trial_name(base, &script),
        script,
        kind,
        wishlist,
    }
}

/// `base/lang/closures/counter.eta` → `lang::closures::counter`.
pub fn trial_name(base: &Path, script: &Path) -> String {
    let relative = script
        .strip_prefix(base)
        .unwrap_or(script)
        .with_extension("");
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("::")
}

/// Every `*.eta` file below `dir` (recursively, skipping `support/`
/// directories), in a deterministic order. A missing `dir` has none.
fn eta_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != SUPPORT_DIR) {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "eta") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_path_components() {
        let base = Path::new("/w/tests");
        let name = trial_name(base, Path::new("/w/tests/lang/closures/counter.eta"));
        assert_eq!(name, "lang::closures::counter");
        let name = trial_name(base, Path::new("/w/tests/errors/car-of-number.eta"));
        assert_eq!(name, "errors::car-of-number");
    }
}
