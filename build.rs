//! Generates `rapidata::api::{types, operations}` from the OpenAPI documents in `spec/`,
//! or in the folder named by `RAPIDATA_SPEC_DIR`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=RAPIDATA_SPEC_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = match std::env::var_os("RAPIDATA_SPEC_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_relative() {
                manifest.join(d)
            } else {
                d
            }
        }
        _ => manifest.join("spec"),
    };
    // A folder as `rerun-if-changed` makes cargo rerun when any file in it changes.
    println!("cargo:rerun-if-changed={}", dir.display());

    let generated = match rapidata_codegen::generate_dir(&dir) {
        Ok(g) => g,
        Err(e) => {
            eprintln!(
                "error: cannot generate the Rapidata API bindings from {}",
                dir.display()
            );
            eprintln!("  {e}");
            std::process::exit(1);
        }
    };
    for w in &generated.warnings {
        println!("cargo:warning={w}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    write_if_changed(&out.join("types.rs"), &generated.types);
    write_if_changed(&out.join("operations.rs"), &generated.operations);
    // Where the bindings came from, for `rapidata::api::SPEC_DIR` and the tests.
    println!("cargo:rustc-env=RAPIDATA_SPEC_DIR_USED={}", dir.display());
}

/// Leaves the file (and its mtime) alone when the content is the same.
fn write_if_changed(path: &std::path::Path, content: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(content) {
        return;
    }
    if let Err(e) = std::fs::write(path, content) {
        eprintln!("error: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}
