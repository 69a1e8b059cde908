//! The interactive REPL: rustyline line editing with history, completion and bracket
//! highlighting; `eta> ` and `...> ` prompts; Ctrl-C discards the input being typed or
//! interrupts a running evaluation (a SIGINT handler sets the VM's interrupt flag, which
//! the VM checks between instruction slices); Ctrl-D on an empty line leaves.

use super::helper::EtaHelper;
use super::session::{OnError, Session, Status};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{CompletionType, Config, EditMode, Editor};
use std::io::Write;
use std::path::PathBuf;

/// At most this many history entries are kept (spec §14.1).
const HISTORY_SIZE: usize = 1000;

/// The history file: `$ETAI_HISTORY`, else `~/.etai_history`; none if `ETAI_HISTORY`
/// is empty or `HOME` is unset.
pub fn history_path() -> Option<PathBuf> {
    match std::env::var_os("ETAI_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".etai_history")),
    }
}

/// `eta> `, or `eta[NAME]> ` inside a module entered with `,module`.
fn prompt(session: &Session) -> String {
    match session.module_name() {
        Some(m) => format!("eta[{m}]> "),
        None => "eta> ".to_string(),
    }
}

/// `...> `, right-aligned under the main prompt.
fn continuation_prompt(main: &str) -> String {
    format!("{:>width$}", "...> ", width = main.chars().count())
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Runs the interactive REPL; returns the exit status.
pub fn run(mut session: Session) -> i32 {
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| {
            b.completion_type(CompletionType::List)
                .edit_mode(EditMode::Emacs)
                .auto_add_history(false)
                .build()
        });
    let editor = config.and_then(Editor::<EtaHelper, FileHistory>::with_config);
    let mut rl = match editor {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("etai: cannot use the terminal ({e}); reading forms without line editing");
            return super::piped::run(session);
        }
    };
    let modules = super::module_names(&mut session);
    rl.set_helper(Some(EtaHelper::new(session.scope(), modules)));
    let history = history_path();
    if let Some(p) = &history {
        // A missing or unreadable history file just means an empty history.
        let _ = rl.load_history(p);
    }
    if let Err(e) = super::catch_interrupts(&session) {
        eprintln!("etai: Ctrl-C will not interrupt evaluations: {e}");
    }

    print(&format!(
        "etai {} \u{2014} Eta REPL. ,help for help, ,quit or Ctrl-D to leave.\n",
        env!("CARGO_PKG_VERSION")
    ));
    let mut inputs: Vec<String> = Vec::new();
    let code = loop {
        session.end_output_line();
        let main = prompt(&session);
        let text = match read_input(&mut rl, &main) {
            Input::Text(t) => t,
            Input::Discarded => continue,
            Input::End => {
                print("\n");
                break 0;
            }
            Input::Failed(e) => {
                eprintln!("etai: cannot read from the terminal: {e}");
                break 1;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(text.as_str());
        inputs.push(text.clone());
        let status = super::run_input(&mut session, &text, &inputs, OnError::Stop);
        if let Status::Exit(n) = status {
            break n;
        }
        let modules = super::module_names(&mut session);
        let scope = session.scope();
        if let Some(h) = rl.helper_mut() {
            h.update(scope, modules);
        }
    };
    session.end_output_line();
    if let Some(p) = &history {
        if rl.history().len() > 0 {
            if let Err(e) = rl.save_history(p) {
                eprintln!("etai: cannot save history to {}: {e}", p.display());
            }
        }
    }
    code
}

/// One input read from the terminal.
enum Input {
    /// A complete input (possibly several lines).
    Text(String),
    /// Ctrl-C: the input was thrown away.
    Discarded,
    /// Ctrl-D on an empty first line.
    End,
    /// The terminal failed.
    Failed(ReadlineError),
}

/// Reads lines until the reader says the input is complete.
fn read_input(rl: &mut Editor<EtaHelper, FileHistory>, main: &str) -> Input {
    let mut text = match read_line(rl, main) {
        Ok(l) => l,
        Err(ReadlineError::Interrupted) => return Input::Discarded,
        Err(ReadlineError::Eof) => return Input::End,
        Err(e) => return Input::Failed(e),
    };
    let more = continuation_prompt(main);
    while !super::is_complete(&text) {
        match read_line(rl, &more) {
            Ok(l) => {
                text.push('\n');
                text.push_str(&l);
            }
            Err(ReadlineError::Interrupted) => return Input::Discarded,
            // Ctrl-D inside an unfinished input: hand it over as it is, so the reader
            // reports what is missing.
            Err(ReadlineError::Eof) => {
                print("\n");
                break;
            }
            Err(e) => return Input::Failed(e),
        }
    }
    Input::Text(text)
}

/// One line; a terminal resize is not an answer, so it retries.
fn read_line(
    rl: &mut Editor<EtaHelper, FileHistory>,
    prompt: &str,
) -> Result<String, ReadlineError> {
    loop {
        match rl.readline(prompt) {
            Err(ReadlineError::Signal(_)) => continue,
            other => return other,
        }
    }
}
