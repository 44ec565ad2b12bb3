//! Generates the typed httpmock helpers of every operation in `../spec` (or in the folder
//! named by `RAPIDATA_SPEC_DIR`, as rapidata's own build script does, so that the helpers
//! and `rapidata::api` always come from the same documents) into `$OUT_DIR/mock.rs`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=RAPIDATA_SPEC_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    // rapidata's build script refuses a relative RAPIDATA_SPEC_DIR with an explanation;
    // this one only has to agree with it on the folder.
    let dir = match std::env::var_os("RAPIDATA_SPEC_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => manifest.join("../spec"),
    };
    println!("cargo:rerun-if-changed={}", dir.display());
    let generated = rapidata_codegen::Builder::new()
        .input(&dir)
        .runtime("::rapidata::request")
        .mocks(true)
        .generate()
        .unwrap_or_else(|e| {
            eprintln!(
                "error: cannot generate the mock helpers from {}: {e}",
                dir.display()
            );
            std::process::exit(1);
        });
    let text = generated.mocks.expect("asked for with .mocks(true)");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("mock.rs");
    if std::fs::read_to_string(&out).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&out, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    }
}
