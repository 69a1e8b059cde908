//! eta-stdlib: the `std.*` modules, written in Eta and embedded in the binary.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The embedded modules as a map from module name to source text.
pub fn embedded() -> std::collections::HashMap<String, &'static str> {
    MODULES.iter().map(|(n, s)| (n.to_string(), *s)).collect()
}
