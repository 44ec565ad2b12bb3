//! [`Builder`]: the generator as a user's `build.rs` calls it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::generate::{generate_requiring, read_document, Generated};
use crate::GenError;

/// Where generated operations find the runtime they implement and call by default: the
/// `request` module of the `rapidata` crate, so that `rapidata::Client::send` executes
/// them with its authentication, retries and errors.
pub const DEFAULT_RUNTIME: &str = "::rapidata::request";

/// Generates bindings for any set of OpenAPI documents, for a crate of your own that sends
/// them with `rapidata::Client`.
///
/// In `build.rs` (with `rapidata-codegen` as a build-dependency):
///
/// ```no_run
/// // build.rs: fn main() { … }
/// rapidata_codegen::Builder::new()
///     .input("openapi") // a folder of *.json documents, or one document
///     .write_to_out_dir("rapidata_api.rs")
///     .unwrap_or_else(|e| panic!("{e}"));
/// ```
///
/// and in the crate, one line brings in the modules `types` and `operations`:
///
/// ```ignore
/// include!(concat!(env!("OUT_DIR"), "/rapidata_api.rs"));
///
/// let out = client.send(&operations::GetLeaderboards::new())?;
/// ```
///
/// The generated code refers to `serde` and `serde_json` by absolute paths (add both as
/// dependencies, serde with `derive`) and to the runtime at [`DEFAULT_RUNTIME`] (add
/// `rapidata`), or wherever [`runtime`](Builder::runtime) says.
#[derive(Debug, Clone)]
#[must_use = "call .generate() or .write_to_out_dir(..)"]
pub struct Builder {
    inputs: Vec<PathBuf>,
    runtime: String,
    required: Vec<String>,
    mocks: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// No inputs yet; the runtime at [`DEFAULT_RUNTIME`].
    ///
    /// ```
    /// let b = rapidata_codegen::Builder::new();
    /// assert!(b.generate().is_err(), "no inputs");
    /// ```
    pub fn new() -> Builder {
        Builder {
            inputs: Vec::new(),
            runtime: DEFAULT_RUNTIME.to_owned(),
            required: Vec::new(),
            mocks: false,
        }
    }

    /// Adds a folder (every `*.json` document in it) or a single document. Documents of
    /// several inputs are generated together, as one API.
    ///
    /// ```no_run
    /// rapidata_codegen::Builder::new().input("openapi/leaderboard.openapi.json").generate()?;
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn input(mut self, path: impl Into<PathBuf>) -> Builder {
        self.inputs.push(path.into());
        self
    }

    /// The Rust path of the runtime module the generated operations implement and call
    /// (default [`DEFAULT_RUNTIME`]); for example `crate::request` when the crate re-exports
    /// it under that name.
    ///
    /// ```no_run
    /// rapidata_codegen::Builder::new().input("openapi").runtime("crate::rt").generate()?;
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn runtime(mut self, path: impl Into<String>) -> Builder {
        self.runtime = path.into();
        self
    }

    /// Operations (by Rust name, `PostJobDefinition`) that your code calls: if the
    /// generator cannot express one of them, generation fails with the reason instead of
    /// skipping it with a warning (which would leave your code with a missing type).
    ///
    /// An operation the generator cannot express (an unsupported request content type, a
    /// required cookie, …) is otherwise left out and reported in
    /// [`Generated::skipped`] and as a warning.
    ///
    /// ```no_run
    /// rapidata_codegen::Builder::new()
    ///     .input("openapi")
    ///     .require_operations(["GetBenchmarks"])
    ///     .generate()?;
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn require_operations<I, S>(mut self, names: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required.extend(names.into_iter().map(Into::into));
        self
    }

    /// Also generates typed [httpmock](https://docs.rs/httpmock) helpers
    /// ([`Generated::mocks`]; a third module `mock` in [`write_to`](Builder::write_to)'s
    /// file): a trait `MockServerExt` on `httpmock::MockServer` with one method per
    /// operation (`server.post_audience(|when, then| …)`), whose `When` matches the
    /// operation's method and path and has typed setters for its path and scalar query
    /// parameters and its JSON body, and whose `Then` answers with the operation's output
    /// type. The crate that includes them needs `httpmock` as a dependency (usually a
    /// dev-dependency); `rapidata`'s build script emits them for its own integration tests.
    ///
    /// ```no_run
    /// let out = rapidata_codegen::Builder::new().input("openapi").mocks(true).generate()?;
    /// assert!(out.mocks.unwrap().contains("pub trait MockServerExt"));
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn mocks(mut self, yes: bool) -> Builder {
        self.mocks = yes;
        self
    }

    /// The document files the inputs stand for, sorted per input.
    fn files(&self) -> Result<Vec<PathBuf>, GenError> {
        if self.inputs.is_empty() {
            return Err(GenError::new(
                "(builder)",
                "",
                "no input documents",
                "add a folder or a document with Builder::input",
            ));
        }
        let mut files = Vec::new();
        for input in &self.inputs {
            if input.is_dir() {
                let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                    .map_err(|e| {
                        GenError::new(
                            input.display().to_string(),
                            "",
                            format!("cannot read the folder: {e}"),
                            "check the path given to Builder::input",
                        )
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect();
                found.sort();
                if found.is_empty() {
                    return Err(GenError::new(
                        input.display().to_string(),
                        "",
                        "no *.json documents in this folder",
                        "put the OpenAPI documents (JSON) in it, or name one document",
                    ));
                }
                files.extend(found);
            } else {
                files.push(input.clone());
            }
        }
        Ok(files)
    }

    /// Generates the bindings in memory.
    ///
    /// ```no_run
    /// let out = rapidata_codegen::Builder::new().input("openapi").generate()?;
    /// println!("{} operations", out.operation_count);
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn generate(&self) -> Result<Generated, GenError> {
        let docs = self
            .files()?
            .iter()
            .map(|p| read_document(p))
            .collect::<Result<Vec<_>, _>>()?;
        generate_requiring(docs, &self.runtime, &self.required, self.mocks)
    }

    /// Generates the bindings and writes them, as the modules `types` and `operations`,
    /// to one file (left untouched when its content is the same).
    ///
    /// ```no_run
    /// rapidata_codegen::Builder::new().input("openapi").write_to("/tmp/api.rs")?;
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn write_to(&self, file: impl AsRef<Path>) -> Result<Generated, GenError> {
        let generated = self.generate()?;
        let file = file.as_ref();
        let text = one_file(&generated);
        if std::fs::read_to_string(file).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(file, text).map_err(|e| {
                GenError::new(
                    file.display().to_string(),
                    "",
                    format!("cannot write the generated bindings: {e}"),
                    "check that the folder exists and is writable",
                )
            })?;
        }
        Ok(generated)
    }

    /// For a `build.rs`: writes the bindings to `$OUT_DIR/<file_name>`, tells cargo to
    /// rerun when an input changes, and passes the generator's warnings on as
    /// `cargo:warning` lines.
    ///
    /// ```no_run
    /// rapidata_codegen::Builder::new().input("openapi").write_to_out_dir("rapidata_api.rs")?;
    /// # Ok::<(), rapidata_codegen::GenError>(())
    /// ```
    pub fn write_to_out_dir(&self, file_name: &str) -> Result<Generated, GenError> {
        let out = std::env::var_os("OUT_DIR").ok_or_else(|| {
            GenError::new(
                "(builder)",
                "",
                "OUT_DIR is not set",
                "call write_to_out_dir from a build script, or use write_to",
            )
        })?;
        for input in &self.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let generated = self.write_to(Path::new(&out).join(file_name))?;
        for w in &generated.warnings {
            println!("cargo:warning={w}");
        }
        Ok(generated)
    }
}

/// The two generated modules as one file for `include!`.
fn one_file(g: &Generated) -> String {
    let allow = "#[allow(clippy::all, missing_docs, rustdoc::all)]";
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by rapidata-codegen from {}; do not edit.",
        g.files.join(", ")
    );
    let _ = writeln!(
        s,
        "/// Serde models of every schema.\n{allow}\npub mod types {{"
    );
    s.push_str(&g.types);
    let _ = writeln!(
        s,
        "}}\n\n/// One request type per operation.\n{allow}\npub mod operations {{"
    );
    s.push_str(&g.operations);
    s.push_str("}\n");
    if let Some(mocks) = &g.mocks {
        let _ = writeln!(
            s,
            "\n/// Typed httpmock helpers, one method per operation on `MockServer`.\n{allow}\npub mod mock {{"
        );
        s.push_str(mocks);
        s.push_str("}\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_doc() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/own-bindings/openapi")
    }

    #[test]
    fn a_folder_generates_with_the_runtime_path_given() {
        let out = Builder::new()
            .input(example_doc())
            .runtime("::my_crate::rt")
            .generate()
            .unwrap();
        assert_eq!(out.operation_count, 2);
        assert!(
            out.operations.contains("use ::my_crate::rt as __rt;"),
            "{}",
            out.operations
        );
        assert!(!out.operations.contains("crate::request"));
        let default = Builder::new().input(example_doc()).generate().unwrap();
        assert!(default
            .operations
            .contains("use ::rapidata::request as __rt;"));
    }

    #[test]
    fn one_file_holds_both_modules_and_is_rewritten_only_when_changed() {
        let dir = std::env::temp_dir().join(format!("codegen-builder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("api.rs");
        let doc = example_doc().join("benchmark.openapi.json");
        Builder::new().input(&doc).write_to(&file).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("pub mod types {") && text.contains("pub mod operations {"));
        assert!(text.contains("pub struct GetBenchmarks"), "{text}");
        let before = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        Builder::new().input(&doc).write_to(&file).unwrap();
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            before
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_inputs_and_runtime_paths_are_reported() {
        let none = Builder::new().generate().unwrap_err().to_string();
        assert!(none.contains("Builder::input"), "{none}");
        let empty = std::env::temp_dir().join(format!("codegen-empty-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        let err = Builder::new()
            .input(&empty)
            .generate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("no *.json"), "{err}");
        std::fs::remove_dir_all(&empty).unwrap();
        let err = Builder::new()
            .input(example_doc())
            .runtime("not a path!")
            .generate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a Rust path"), "{err}");
    }
}
