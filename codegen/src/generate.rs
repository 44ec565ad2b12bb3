//! Generating the bindings of a set of documents: reading them, emitting types and
//! operations, rendering the code.

use std::path::Path;

use crate::error::GenError;
use crate::load::{self, Document};
use crate::{mock, ops, types};

/// The generated source code and what was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The models module (`types.rs`).
    pub types: String,
    /// The request-types module (`operations.rs`); it refers to the models as
    /// `super::types` and to the `Operation` contract as `crate::request`.
    pub operations: String,
    /// The typed httpmock helpers (module `mock`: trait `MockServerExt` and a `When`/`Then`
    /// pair per operation), when asked for with [`Builder::mocks`](crate::Builder::mocks); it refers to the
    /// models as `super::types`, like the operations.
    pub mocks: Option<String>,
    /// Number of operations generated (= number of request types).
    pub operation_count: usize,
    /// Number of component schemas after merging.
    pub schema_count: usize,
    /// Problems worth telling the user about (schema clashes, renamed ids, skipped
    /// operations); [`Builder::write_to_out_dir`](crate::Builder::write_to_out_dir) prints each as a `cargo:warning`.
    pub warnings: Vec<String>,
    /// Operations left out because the generator cannot express them, each as the Rust
    /// name it would have had and the reason (file, JSON pointer, what, what to do). Also
    /// in [`warnings`](Self::warnings).
    pub skipped: Vec<(String, GenError)>,
    /// The files read, in order.
    pub files: Vec<String>,
}

/// Reads every `*.json` document in `dir` and generates code from all of them together.
pub fn generate_dir(dir: &Path) -> Result<Generated, GenError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        GenError::new(
            dir.display().to_string(),
            "",
            format!("cannot read the spec folder: {e}"),
            "point RAPIDATA_SPEC_DIR at a folder of OpenAPI *.json documents",
        )
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(GenError::new(
            dir.display().to_string(),
            "",
            "no *.json documents found",
            "put the OpenAPI documents (e.g. audience.openapi.json) in this folder",
        ));
    }
    let mut docs = Vec::new();
    for p in &paths {
        docs.push(read_document(p)?);
    }
    generate_documents(docs)
}

/// Reads and parses one document.
pub fn read_document(path: &Path) -> Result<Document, GenError> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| {
        GenError::new(
            &file,
            "",
            format!("cannot read: {e}"),
            "check the file's permissions",
        )
    })?;
    let value = serde_json::from_str(&text).map_err(|e| {
        GenError::new(
            &file,
            "",
            format!("not valid JSON: {e}"),
            "the generator reads OpenAPI documents in JSON form",
        )
    })?;
    Ok(Document { file, value })
}

/// Generates code from documents already in memory, for the `rapidata` crate itself: the
/// operations refer to the runtime as `crate::request`. A user's crate uses [`Builder`](crate::Builder)
/// (or [`generate_documents_with`]) instead.
pub fn generate_documents(docs: Vec<Document>) -> Result<Generated, GenError> {
    generate_documents_with(docs, "crate::request")
}

/// Generates code from documents already in memory, with the operations calling the
/// runtime module at `runtime` (a Rust path such as [`DEFAULT_RUNTIME`](crate::DEFAULT_RUNTIME)).
pub fn generate_documents_with(docs: Vec<Document>, runtime: &str) -> Result<Generated, GenError> {
    generate_requiring(docs, runtime, &[], false)
}

/// [`generate_documents_with`], where an operation the generator would skip is an error
/// when its Rust name (`PostJobDefinition`) is in `required`: the code that calls it would
/// not compile. With `mocks`, also the typed httpmock helpers ([`Generated::mocks`]).
pub(crate) fn generate_requiring(
    docs: Vec<Document>,
    runtime: &str,
    required: &[String],
    mocks: bool,
) -> Result<Generated, GenError> {
    let runtime_path: syn::Path = syn::parse_str(runtime).map_err(|e| {
        GenError::new(
            "(options)",
            "",
            format!("the runtime path `{runtime}` is not a Rust path: {e}"),
            "pass a path such as ::rapidata::request",
        )
    })?;
    let mut files: Vec<String> = docs.iter().map(|d| d.file.clone()).collect();
    files.sort();
    let mut merged = load::merge(docs)?;
    // A component named like a type typify makes of an inline schema is renamed and the
    // models generated again (a rename can clash anew, hence a few rounds).
    let mut rounds = 0;
    let models = loop {
        let models = types::generate(&merged)?;
        if models.clashes.is_empty() {
            break models;
        }
        rounds += 1;
        if rounds > 8 {
            return Err(GenError::new(
                files.first().cloned().unwrap_or_default(),
                "/components/schemas",
                format!(
                    "schema names keep clashing with typify's names of inline types: {:?}",
                    models.clashes
                ),
                "rename those schemas",
            ));
        }
        for name in &models.clashes {
            load::rename_schema(&mut merged, name);
        }
    };
    let cx = ops::Context {
        names: &models.names,
        schemas: &merged.schemas,
        runtime: quote::quote!(#runtime_path),
    };
    let emitted = ops::generate(&merged.operations, &cx);
    let operation_count = merged.operations.len() - emitted.skipped.len();
    let mut warnings = merged.warnings;
    warnings.extend(emitted.warnings);
    let mut skipped = merged.skipped;
    skipped.extend(emitted.skipped);
    skipped.sort_by(|a, b| (&a.1.file, &a.1.pointer).cmp(&(&b.1.file, &b.1.pointer)));
    for (name, e) in &skipped {
        if required.contains(name) {
            return Err(GenError::new(
                &e.file,
                &e.pointer,
                format!(
                    "operation `{name}` is required but cannot be generated: {}",
                    e.message
                ),
                e.hint.clone(),
            ));
        }
        warnings.push(format!("operation `{name}` skipped: {e}"));
    }
    let mocks = if mocks {
        let tokens = mock::generate(&emitted.signatures, &cx.runtime);
        Some(render(tokens, "mock")?)
    } else {
        None
    };
    Ok(Generated {
        types: render(models.tokens, "types")?,
        operations: render(emitted.tokens, "operations")?,
        mocks,
        operation_count,
        schema_count: merged.schemas.len(),
        warnings,
        skipped,
        files,
    })
}

fn render(tokens: proc_macro2::TokenStream, what: &str) -> Result<String, GenError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        GenError::new(
            "(generated)",
            what,
            format!("generated code does not parse: {e}"),
            "report this to the rapidata-rs maintainers with the spec that caused it",
        )
    })?;
    Ok(prettyplease::unparse(&file))
}
