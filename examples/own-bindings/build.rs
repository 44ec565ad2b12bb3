//! Generates the bindings of `openapi/` (or of the folder in `OWN_BINDINGS_DOCS`, which
//! CI points at a full set of upstream documents) into `$OUT_DIR/rapidata_api.rs`.

fn main() {
    println!("cargo:rerun-if-env-changed=OWN_BINDINGS_DOCS");
    let docs = std::env::var_os("OWN_BINDINGS_DOCS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "openapi".into());
    if let Err(e) = rapidata_codegen::Builder::new()
        .input(&docs)
        .write_to_out_dir("rapidata_api.rs")
    {
        eprintln!(
            "error: cannot generate bindings from {}: {e}",
            docs.display()
        );
        std::process::exit(1);
    }
}
