//! Embeds every `std/*.eta` file: generates a table of (module name, source text).
use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("std");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<String> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()) == Some("eta") {
                println!("cargo:rerun-if-changed={}", p.display());
                if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
                    entries.push(stem.to_string());
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from("/// Embedded standard library: (module name, source).\npub static MODULES: &[(&str, &str)] = &[\n");
    for stem in entries {
        let path = dir.join(format!("{stem}.eta"));
        let _ = writeln!(
            out,
            "    (\"std.{stem}\", include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("embedded.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
