//! The list of what the handwritten layer needs from the documents
//! (`src/api_requirements.rs`, checked by `build.rs`) is exactly what `src/` uses, and a
//! build against documents that lack an item stops in `build.rs` with a message in the
//! documents' terms, before rustc sees any code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

include!("../../src/api_requirements.rs");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs")
            && !path.ends_with("api_requirements.rs")
        {
            out.push(path);
        }
    }
}

/// Every `<module>::Name` in the library's sources.
fn used(module: &str) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let needle = format!("{module}::");
    let mut names = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices(&needle) {
            // `api::operations::X` and `operations::X` both count; `my_operations::` not.
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[i + needle.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                names.insert(name);
            }
        }
    }
    names
}

fn listed(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_required_operations_are_the_ones_src_uses() {
    let (used, listed) = (used("operations"), listed(REQUIRED_OPERATIONS));
    assert_eq!(
        used.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "used in src/ but not in src/api_requirements.rs"
    );
    assert_eq!(
        listed.difference(&used).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in src/api_requirements.rs but no longer used in src/"
    );
}

#[test]
fn the_required_schemas_are_the_ones_src_uses() {
    let (used, listed) = (used("types"), listed(REQUIRED_SCHEMAS));
    assert_eq!(
        used.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "used in src/ but not in src/api_requirements.rs"
    );
    assert_eq!(
        listed.difference(&used).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in src/api_requirements.rs but no longer used in src/"
    );
}

/// `cargo build` of the library with `RAPIDATA_SPEC_DIR=spec_dir`, in a target directory
/// of its own (so the normal build is left alone).
fn build_with_spec_dir(spec_dir: &std::ffi::OsStr) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(["build", "-p", "rapidata", "--lib"])
        .current_dir(root())
        .env("RAPIDATA_SPEC_DIR", spec_dir)
        .env("CARGO_TARGET_DIR", root().join("target/spec-requirements"))
        .output()
        .unwrap()
}

/// A copy of `spec/` with `edit` applied to each document.
fn edited_spec(edit: impl Fn(&mut serde_json::Value)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("spec")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let mut doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            edit(&mut doc);
            std::fs::write(
                tmp.path().join(path.file_name().unwrap()),
                serde_json::to_string_pretty(&doc).unwrap(),
            )
            .unwrap();
        }
    }
    tmp
}

/// Builds against `spec_dir`, which must fail with every one of `parts` and no rustc error.
fn assert_build_stops_with(spec_dir: &Path, parts: &[&str]) {
    let out = build_with_spec_dir(spec_dir.as_os_str());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    for part in parts {
        assert!(stderr.contains(part), "{part:?} missing from:\n{stderr}");
    }
    assert!(
        !stderr.contains("error[E"),
        "a rustc error reached the user:\n{stderr}"
    );
}

/// Builds the crate against a copy of `spec/` without `POST /job/definition` and without
/// the datapoint's `segments` property; then against one where that operation's body has
/// a media type the generator cannot encode. Slow (its own target directory, so the normal
/// build is left alone): `.ci/run` runs it with `--ignored`.
#[test]
#[ignore = "builds the crate's build dependencies in a separate target directory (about a minute)"]
fn a_build_against_documents_lacking_an_item_names_it_and_no_rustc_error() {
    let lacking = edited_spec(|doc| {
        if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
            if let Some(item) = paths.get_mut("/job/definition") {
                item.as_object_mut().unwrap().remove("post");
            }
        }
        if let Some(props) =
            doc.pointer_mut("/components/schemas/CreateDatapointEndpoint_Input/properties")
        {
            props.as_object_mut().unwrap().remove("segments");
        }
    });
    assert_build_stops_with(
        lacking.path(),
        &[
            "lack 2 item(s) that rapidata's handwritten layer uses",
            "order.openapi.json: operation POST /job/definition (`PostJobDefinition`) is missing",
            "dataset.openapi.json: schema CreateDatapointEndpoint_Input has no property `segments`",
            "rapidata_codegen::Builder",
        ],
    );

    // An operation the handwritten layer calls that the generator cannot express stops the
    // build with the generator's reason, instead of being skipped with a warning and
    // leaving rustc a missing type.
    let unsupported = edited_spec(|doc| {
        if let Some(body) = doc.pointer_mut("/paths/~1job~1definition/post/requestBody") {
            body["content"] =
                serde_json::json!({"application/xml": {"schema": {"type": "string"}}});
        }
    });
    assert_build_stops_with(
        unsupported.path(),
        &[
            "order.openapi.json at `/paths/~1job~1definition/post/requestBody/content`",
            "operation `PostJobDefinition` is required but cannot be generated",
            "application/xml",
        ],
    );

    // A relative folder is refused with the reason (cargo runs build scripts in the
    // package folder, so it would not mean what the user typed).
    let out = build_with_spec_dir("spec".as_ref());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("RAPIDATA_SPEC_DIR must be an absolute path, got `spec`"),
        "{stderr}"
    );
}
