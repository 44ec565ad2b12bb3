//! Generates `rapidata::api::{types, operations}` from the OpenAPI documents in `spec/`,
//! or in the folder named by `RAPIDATA_SPEC_DIR`.
//!
//! Before generating from other documents, it checks that they provide every operation,
//! schema, property, `_t` member and enum value the handwritten layer uses (the list is in
//! `src/api_requirements.rs`), and stops with one line per missing item otherwise.

use std::path::{Path, PathBuf};

// REQUIRED_OPERATIONS, REQUIRED_SCHEMAS
include!("src/api_requirements.rs");

fn main() {
    println!("cargo:rerun-if-env-changed=RAPIDATA_SPEC_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/api_requirements.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let own = manifest.join("spec");
    let dir = match std::env::var_os("RAPIDATA_SPEC_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_relative() {
                // Cargo runs build scripts in the package's folder, not where it was
                // invoked, so a relative path could name a folder the user never meant.
                fail(&[
                    format!(
                        "RAPIDATA_SPEC_DIR must be an absolute path, got `{}`",
                        d.display()
                    ),
                    format!(
                        "  write it out in full, e.g. RAPIDATA_SPEC_DIR=\"$PWD/{}\"",
                        d.display()
                    ),
                ]);
            }
            d
        }
        _ => own.clone(),
    };
    // A folder as `rerun-if-changed` makes cargo rerun when any file in it changes.
    println!("cargo:rerun-if-changed={}", dir.display());

    check_requirements(&dir, &own);

    // An operation the handwritten layer calls must be generated, not skipped.
    let generated = match rapidata_codegen::Builder::new()
        .input(&dir)
        .runtime("crate::request")
        .require_operations(REQUIRED_OPERATIONS.iter().copied())
        // The typed httpmock helpers of tests/it (`tests/it/support/mock.rs` includes
        // them); emitted in the same pass, they cost the library's build nothing more
        // than writing one file, and the library itself never compiles them.
        .mocks(true)
        .generate()
    {
        Ok(g) => g,
        Err(e) => fail(&[
            format!(
                "cannot generate the Rapidata API bindings from {}",
                dir.display()
            ),
            format!("  {e}"),
        ]),
    };
    for w in &generated.warnings {
        println!("cargo:warning={w}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    write_if_changed(&out.join("types.rs"), &generated.types);
    write_if_changed(&out.join("operations.rs"), &generated.operations);
    let mocks = generated
        .mocks
        .as_ref()
        .expect("asked for with .mocks(true)");
    write_if_changed(&out.join("mock.rs"), mocks);
    // Where the bindings came from, for `rapidata::api::SPEC_DIR` and the tests.
    println!("cargo:rustc-env=RAPIDATA_SPEC_DIR_USED={}", dir.display());
}

/// Stops the build unless the documents in `dir` provide what `src/` uses, measured
/// against this crate's own documents in `own` (always checked, so the list in
/// `src/api_requirements.rs` cannot name something the generator does not produce).
fn check_requirements(dir: &Path, own: &Path) {
    let inventory = |d: &Path| {
        let docs = std::fs::read_dir(d)
            .map_err(|e| format!("cannot read {}: {e}", d.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| rapidata_codegen::read_document(&p).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        rapidata_codegen::require::Inventory::of(docs).map_err(|e| e.to_string())
    };
    let reference = inventory(own).unwrap_or_else(|e| fail(&[e]));
    let docs = if dir == own {
        reference.clone()
    } else {
        match inventory(dir) {
            Ok(i) => i,
            // The generator reports unreadable documents with more detail below.
            Err(_) => return,
        }
    };
    let missing = rapidata_codegen::require::missing(
        &docs,
        &reference,
        REQUIRED_OPERATIONS,
        REQUIRED_SCHEMAS,
    );
    if missing.is_empty() {
        return;
    }
    let mut lines = vec![format!(
        "the OpenAPI documents in {} lack {} item(s) that rapidata's handwritten layer uses \
         (it is written for the API generation of its own spec/):",
        dir.display(),
        missing.len()
    )];
    lines.extend(missing.iter().map(|m| format!("  - {m}")));
    lines.push(
        "what to do: build against documents of the same generation (or unset \
         RAPIDATA_SPEC_DIR to use the crate's own spec/), or generate bindings for these \
         documents in a crate of your own with rapidata_codegen::Builder and send them with \
         rapidata::Client (README: \"Regenerating from a new spec\")"
            .to_owned(),
    );
    fail(&lines);
}

/// Prints `lines` as the build's error and stops it.
fn fail(lines: &[String]) -> ! {
    eprintln!("error: {}", lines.join("\n"));
    std::process::exit(1);
}

/// Leaves the file (and its mtime) alone when the content is the same.
fn write_if_changed(path: &Path, content: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(content) {
        return;
    }
    if let Err(e) = std::fs::write(path, content) {
        fail(&[format!("cannot write {}: {e}", path.display())]);
    }
}
