//! One test per OpenAPI construct the generator handles differently from Rapidata's own
//! documents: it generates the right wire type, or it refuses (or skips the operation)
//! with the file, the JSON pointer, the schema or operation, and what to do.
//!
//! The documents that generate are in `tests/fixtures/docs/`; the crate in
//! `tests/fixtures/wire/` (a workspace member, so `cargo test` builds it) compiles their
//! output against `rapidata::request` and checks what it sends and decodes. Here every
//! output is also parsed by `syn` (the generator renders through it), and the refusals use
//! small documents written inline.
//!
//! Why a fixture crate and not a `cargo check` of a temporary crate in an `#[ignore]`d
//! test: as a workspace member it is built by the `cargo test` CI already runs, with the
//! workspace's lock file and target folder (the generated code of all documents compiles
//! in seconds against the already built `rapidata`), and it can run tests of the output.
//!
//! The documents are valid OpenAPI 3.0 (per openapi-spec-validator) except
//! `skipped_operation` (malformed on purpose) and `type_null` (JSON Schema type lists,
//! which documents in the wild use under 3.0).

use std::path::{Path, PathBuf};

use rapidata_codegen::{generate_documents_with, Builder, Document, GenError, Generated};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docs")
        .join(format!("{name}.openapi.json"))
}

/// Generates a fixture document on its own, as a user's build script would.
fn generate(name: &str) -> Generated {
    let g = Builder::new()
        .input(fixture(name))
        .generate()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    // Both modules are valid Rust (they went through syn and prettyplease).
    for text in [&g.types, &g.operations] {
        syn::parse_file(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    g
}

fn inline(file: &str, paths: Value, schemas: Value) -> Result<Generated, GenError> {
    inline_doc(
        file,
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
               "paths": paths, "components": {"schemas": schemas}}),
    )
}

fn inline_doc(file: &str, value: Value) -> Result<Generated, GenError> {
    generate_documents_with(
        vec![Document {
            file: file.into(),
            value,
        }],
        "::rapidata::request",
    )
}

/// Asserts an error names the file, the pointer, and a hint, and its message says `what`.
fn assert_names(e: &GenError, file: &str, pointer: &str, what: &str) {
    assert_eq!(e.file, file, "{e}");
    assert_eq!(e.pointer, pointer, "{e}");
    assert!(e.message.contains(what), "{e}");
    assert!(!e.hint.is_empty(), "{e}");
}

/// The text between `pub struct Name {` (or enum) and its closing brace.
fn item<'a>(code: &'a str, head: &str) -> &'a str {
    let start = code
        .find(head)
        .unwrap_or_else(|| panic!("no `{head}` in\n{code}"));
    let end = code[start..].find("\n}").map_or(code.len(), |e| start + e);
    &code[start..end]
}

#[test]
fn integer_boolean_and_number_enums_keep_their_type() {
    let g = generate("int_enum");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    let size = item(&g.types, "pub enum Size {");
    assert!(
        size.contains("V512,") && size.contains("Other(i64),"),
        "{size}"
    );
    assert!(g.types.contains("s.serialize_i64(self.value())"));
    assert!(
        g.types.contains("pub struct Flag(pub bool);"),
        "{}",
        g.types
    );
    assert!(
        g.types.contains("pub struct Ratio(pub f64);"),
        "{}",
        g.types
    );
    let holder = item(&g.types, "pub struct Holder {");
    assert!(holder.contains("pub size: Size,"), "{holder}");
    assert!(
        holder.contains("pub level: ::std::option::Option<i64>,"),
        "{holder}"
    );
    assert!(
        holder.contains("pub untyped: ::std::option::Option<i64>,"),
        "{holder}"
    );
    assert!(
        holder.contains("pub strict: ::std::option::Option<bool>,"),
        "{holder}"
    );
    assert!(!holder.contains("String"), "{holder}");
    assert!(g.operations.contains("pub size: super::types::Size,"));
}

#[test]
fn enums_mixing_value_types_are_refused() {
    let e = inline(
        "mixed.json",
        json!({}),
        json!({"A": {"type": "object", "properties": {"v": {"enum": [1, "one"]}}}}),
    )
    .unwrap_err();
    assert_names(
        &e,
        "mixed.json",
        "/components/schemas/A/properties/v/enum",
        "mixing values",
    );
    let e = inline(
        "typed.json",
        json!({}),
        json!({"A": {"type": "object", "properties": {"v": {"type": "string", "enum": [1, 2]}}}}),
    )
    .unwrap_err();
    assert!(
        e.message.contains("integers") && e.message.contains("`string`"),
        "{e}"
    );
}

#[test]
fn type_arrays_with_null_are_nullable() {
    let g = generate("type_null");
    let holder = item(&g.types, "pub struct Holder {");
    assert!(
        holder.contains("pub name: ::std::option::Option<::std::string::String>,"),
        "{holder}"
    );
    assert!(
        holder.contains("pub count: ::std::option::Option<i32>,"),
        "{holder}"
    );
    assert!(
        holder.contains("pub note: ::std::option::Option<::std::option::Option<MaybeText>>,"),
        "{holder}"
    );
    assert!(g
        .types
        .contains("pub struct MaybeText(pub ::std::string::String);"));
    assert!(!g.types.contains("serde_json::Value"), "{}", g.types);
}

#[test]
fn type_arrays_with_several_types_are_refused() {
    let e = inline(
        "multi.json",
        json!({}),
        json!({"A": {"type": "object", "properties": {"v": {"type": ["string", "integer"]}}}}),
    )
    .unwrap_err();
    assert_names(
        &e,
        "multi.json",
        "/components/schemas/A/properties/v/type",
        "several types",
    );
    assert!(e.hint.contains("oneOf"), "{e}");
}

#[test]
fn nullable_object_components_are_one_type_with_nullable_references() {
    let g = generate("nullable_object");
    assert_eq!(
        g.types.matches("pub struct Owner {").count(),
        1,
        "{}",
        g.types
    );
    assert!(!g.types.contains("pub struct Owner(pub"), "{}", g.types);
    let repo = item(&g.types, "pub struct Repo {");
    assert!(
        repo.contains("pub owner: ::std::option::Option<Owner>,"),
        "{repo}"
    );
    assert!(
        repo.contains("pub previous_owner: ::std::option::Option<::std::option::Option<Owner>>,"),
        "{repo}"
    );
    assert!(g
        .operations
        .contains("type Output = Option<super::types::Owner>;"));
}

#[test]
fn schema_names_equal_in_rust_get_a_numeric_suffix() {
    let g = generate("name_collision");
    assert_eq!(
        g.warnings,
        ["schema `foo_bar` has the same Rust name as another schema (`FooBar`); generated as `FooBar2`"]
    );
    let holder = item(&g.types, "pub struct Holder {");
    assert!(
        holder.contains("pub x: FooBar,") && holder.contains("pub y: FooBar2,"),
        "{holder}"
    );
    assert_eq!(g.types.matches("pub struct FooBar {").count(), 1);
    // The same on every run: the order is by schema name, not by hash or file order.
    assert_eq!(generate("name_collision").types, g.types);
    // Errors in a renamed schema point at it as the document names it.
    let e = inline(
        "c.json",
        json!({}),
        json!({"FooBar": {"type": "string"},
               "foo_bar": {"type": "object", "properties": {"v": {"enum": [1, "x"]}}}}),
    )
    .unwrap_err();
    assert_names(
        &e,
        "c.json",
        "/components/schemas/foo_bar/properties/v/enum",
        "mixing",
    );
}

#[test]
fn dollar_ref_as_a_property_name_or_in_data_is_not_a_reference() {
    let g = generate("dollar_ref");
    let pointer = item(&g.types, "pub struct Pointer {");
    assert!(pointer.contains("#[serde(rename = \"$ref\")]"), "{pointer}");
    assert!(
        pointer.contains("pub ref_: ::std::string::String,"),
        "{pointer}"
    );
    assert!(
        g.types.contains("Ref,"),
        "the enum value `$ref`: {}",
        g.types
    );
    // A real reference that is not to a schema is still refused, naming where it is.
    let e = inline(
        "ext.json",
        json!({}),
        json!({"A": {"type": "object", "properties": {"b": {"$ref": "other.json#/B"}}}}),
    )
    .unwrap_err();
    assert_names(
        &e,
        "ext.json",
        "/components/schemas/A/properties/b/$ref",
        "other.json#/B",
    );
}

#[test]
fn parameter_response_and_request_body_references_are_resolved() {
    let g = generate("component_refs");
    assert!(g.skipped.is_empty(), "{:?}", g.skipped);
    let op = item(&g.operations, "pub struct PutItem {");
    assert!(op.contains("pub id: i64,"), "{op}");
    assert!(op.contains("pub verbose: Option<bool>,"), "{op}");
    assert!(op.contains("pub body: super::types::Item,"), "{op}");
    assert!(g.operations.contains("type Output = super::types::Item;"));
}

#[test]
fn cyclic_and_dangling_component_references_skip_the_operation() {
    let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"get": {"parameters": [{"$ref": "#/components/parameters/A"}], "responses": {}}},
            "/b": {"get": {"responses": {"200": {"$ref": "#/components/responses/Missing"}}}}},
        "components": {"parameters": {
            "A": {"$ref": "#/components/parameters/B"}, "B": {"$ref": "#/components/parameters/A"}}}});
    let g = inline_doc("cycle.json", doc).unwrap();
    assert_eq!(g.operation_count, 0);
    let (name, e) = &g.skipped[0];
    assert_eq!(name, "GetA");
    assert_eq!(e.file, "cycle.json");
    assert!(e.message.contains("cycle"), "{e}");
    let (name, e) = &g.skipped[1];
    assert_eq!(name, "GetB");
    assert_names(
        e,
        "cycle.json",
        "/paths/~1b/get/responses/200/$ref",
        "#/components/responses/Missing",
    );
}

#[test]
fn json_media_types_with_parameters_and_suffixes_are_json() {
    let g = generate("json_media");
    assert!(g.skipped.is_empty(), "{:?}", g.skipped);
    let create = item(&g.operations, "pub struct CreateIssue {");
    assert!(
        create.contains("pub body: super::types::Issue,"),
        "{create}"
    );
    assert!(g
        .operations
        .contains("const ACCEPT: &'static str = \"application/vnd.github+json\";"));
    assert!(g
        .operations
        .contains("type Output = Vec<super::types::Issue>;"));
    assert_eq!(g.operations.matches("__rt::decode_json(bytes)").count(), 3);
}

#[test]
fn header_parameters_are_fields_sent_as_headers() {
    let g = generate("header_params");
    let op = item(&g.operations, "pub struct GetRepo {");
    assert!(op.contains("pub x_api_version: String,"), "{op}");
    assert!(op.contains("pub x_page_hint: Option<i32>,"), "{op}");
    assert!(op.contains("pub x_features: Option<Vec<String>>,"), "{op}");
    // OpenAPI 3.0: an `Authorization` header parameter is ignored (the client sends it).
    assert!(!op.contains("authorization"), "{op}");
    assert!(g
        .operations
        .contains("pub fn new(owner: impl Into<String>, x_api_version: impl Into<String>)"));
    assert!(g
        .operations
        .contains("h.push((\"X-Api-Version\", self.x_api_version.to_string()));"));
    let e = inline(
        "h.json",
        json!({"/a": {"get": {"parameters": [
            {"name": "Bad Header", "in": "header", "schema": {"type": "string"}}], "responses": {}}}}),
        json!({}),
    )
    .unwrap();
    assert_names(
        &e.skipped[0].1,
        "h.json",
        "/paths/~1a/get/parameters/0/name",
        "Bad Header",
    );
}

#[test]
fn json_content_query_parameters_are_sent_as_json_text() {
    let g = generate("query_json");
    let op = item(&g.operations, "pub struct Search {");
    assert!(op.contains("pub filter: super::types::Filter,"), "{op}");
    assert!(
        op.contains("pub extra: Option<::serde_json::Value>,"),
        "{op}"
    );
    assert!(g
        .operations
        .contains("::serde_json::to_string(&self.filter)"));
    // Other content types, and object values without `content`, are not guessed at.
    let g = inline(
        "q.json",
        json!({
            "/xml": {"get": {"parameters": [{"name": "f", "in": "query",
                "content": {"application/xml": {"schema": {"type": "string"}}}}], "responses": {}}},
            "/obj": {"get": {"parameters": [{"name": "o", "in": "query",
                "schema": {"$ref": "#/components/schemas/O"}}], "responses": {}}}}),
        json!({"O": {"type": "object", "properties": {"a": {"type": "string"}}}}),
    )
    .unwrap();
    let names: Vec<&str> = g.skipped.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["GetObj", "GetXml"]);
    assert_names(
        &g.skipped[0].1,
        "q.json",
        "/paths/~1obj/get/parameters/0/schema",
        "`object`",
    );
    assert_names(
        &g.skipped[1].1,
        "q.json",
        "/paths/~1xml/get/parameters/0/content",
        "application/xml",
    );
}

#[test]
fn unsupported_operations_are_skipped_with_a_warning() {
    let g = generate("skipped_operation");
    assert_eq!(g.operation_count, 1);
    let skipped: Vec<(&str, &str)> = g
        .skipped
        .iter()
        .map(|(n, e)| (n.as_str(), e.pointer.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("GetBroken", "/paths/~1broken/get"),
            ("PostReport", "/paths/~1report/post/requestBody/content"),
            ("GetSession", "/paths/~1session/get/parameters/0"),
        ]
    );
    for (name, _) in &g.skipped {
        assert!(
            g.warnings.iter().any(|w| w.starts_with(&format!(
                "operation `{name}` skipped: skipped_operation.openapi.json at `"
            ))),
            "{name}: {:?}",
            g.warnings
        );
    }
    assert!(
        g.warnings.iter().any(|w| w.contains("`/paths/~1listed`")),
        "{:?}",
        g.warnings
    );
    assert!(g
        .warnings
        .iter()
        .any(|w| w.contains("optional cookie parameter `trace`")));
    assert!(g.operations.contains("pub struct Ping {}"));
}

#[test]
fn a_required_operation_that_cannot_be_generated_is_an_error() {
    let e = Builder::new()
        .input(fixture("skipped_operation"))
        .require_operations(["Ping", "PostReport"])
        .generate()
        .unwrap_err();
    assert_names(
        &e,
        "skipped_operation.openapi.json",
        "/paths/~1report/post/requestBody/content",
        "operation `PostReport` is required but cannot be generated",
    );
    assert!(e.message.contains("application/xml"), "{e}");
}

#[test]
fn malformed_path_items_never_panic() {
    let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/null": null,
        "/number": 3,
        "/shared-not-a-list": {"parameters": {"name": "q"}, "get": {"responses": {}}},
        "/op-is-a-list": {"parameters": [{"name": "q", "in": "query"}], "post": [1, 2]},
        "/params-not-a-list": {"parameters": [{"name": "q", "in": "query"}],
                               "get": {"parameters": "q", "responses": {}}},
        "/nameless": {"get": {"parameters": [{"in": "query"}], "responses": {}}},
        "/ref": {"$ref": "#/x"},
        "/ok": {"get": {"responses": {}}}}});
    let g = inline_doc("broken.json", doc).unwrap();
    assert_eq!(g.operation_count, 1);
    let pointers: Vec<&str> = g.skipped.iter().map(|(_, e)| e.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1nameless/get/parameters/0",
            "/paths/~1op-is-a-list/post",
            "/paths/~1params-not-a-list/get/parameters",
            "/paths/~1shared-not-a-list/parameters",
        ]
    );
    for what in [
        "`/paths/~1null`",
        "`/paths/~1number`",
        "`/paths/~1ref/$ref`",
    ] {
        assert!(
            g.warnings.iter().any(|w| w.contains(what)),
            "{what}: {:?}",
            g.warnings
        );
    }
    let e = inline_doc("p.json", json!({"openapi": "3.0.3", "paths": []})).unwrap_err();
    assert_names(&e, "p.json", "/paths", "not a map");
}

#[test]
fn head_and_options_operations_are_generated() {
    let g = generate("head_options");
    assert!(g
        .operations
        .contains("const METHOD: __rt::Method = __rt::Method::Head;"));
    assert!(g
        .operations
        .contains("const METHOD: __rt::Method = __rt::Method::Options;"));
    // A HEAD response has no body, whatever the document says it contains.
    let head = item(&g.operations, "impl __rt::Operation for HeadFile {");
    assert!(
        head.contains("type Output = ();") && head.contains("decode_empty"),
        "{head}"
    );
    let trace = inline(
        "t.json",
        json!({"/a": {"trace": {"responses": {}}}}),
        json!({}),
    )
    .unwrap();
    assert_eq!(trace.operation_count, 0);
    assert!(trace.warnings[0].contains("TRACE"), "{:?}", trace.warnings);
}

#[test]
fn typify_errors_name_the_schema_and_its_file() {
    let ok = Document {
        file: "a.json".into(),
        value: json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "Fine": {"type": "object", "properties": {"a": {"type": "string"}}}}}}),
    };
    let bad = Document {
        file: "b.json".into(),
        value: json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "Good": {"type": "string"},
            "Tuple": {"type": "object", "properties": {"t": {"$ref": "#/components/schemas/TupleItems"}}},
            "TupleItems": {"type": "array", "items": [{"type": "string"}]}}}}),
    };
    let e = generate_documents_with(vec![ok, bad], "::rapidata::request").unwrap_err();
    assert_eq!(e.file, "b.json", "{e}");
    // `Tuple` fails only through `TupleItems`: the first failing schema on its own.
    assert_eq!(e.pointer, "/components/schemas/TupleItems", "{e}");
    assert!(e.message.contains("schema `TupleItems`"), "{e}");
    assert!(!e.message.contains('\n'), "one line: {e}");
}

#[test]
fn names_that_clash_with_rust_or_the_runtime_still_compile() {
    let g = generate("hostile_names");
    let schema_renames: Vec<&String> = g
        .warnings
        .iter()
        .filter(|w| w.starts_with("schema `"))
        .collect();
    assert_eq!(schema_renames.len(), 7, "{schema_renames:?}");
    assert!(g.warnings.contains(
        &"schema `Default` would shadow Rust's `Default`; generated as `Default2`".to_owned()
    ));
    assert!(g.types.contains("pub enum Default2 {"));
    assert_eq!(
        g.warnings[7..],
        [
            "hostile_names.openapi.json at `/paths/~1option/get`: a request type `Option` would shadow Rust's `Option`; generated as `OptionRequest`",
            "hostile_names.openapi.json at `/paths/~1string/get`: a request type `String` would shadow Rust's `String`; generated as `StringRequest`",
        ]
    );
    // The runtime's items are named by path, so `Method` and `Operation` are free.
    assert!(g.operations.contains("pub struct Method {}"));
    assert!(g
        .operations
        .contains("impl __rt::Operation for Operation {"));
    assert!(!g.operations.contains("use ::rapidata::request::{"));
    assert!(g.types.contains("pub struct Self_ {"), "{}", g.types);
    assert!(g.types.contains("Other(::std::string::String),"));
}

#[test]
fn properties_equal_in_rust_get_a_numeric_suffix() {
    let g = generate("field_collision");
    let r = item(&g.types, "pub struct Reactions {");
    // In property name order: `a-b` keeps `a_b`; `a_b_2` is taken by a property of that
    // name, so `a.b` is `a_b_3` and `a_b` is `a_b_4`, each renamed to its property.
    assert!(
        r.contains("rename = \"a-b\"") && r.contains("pub a_b: "),
        "{r}"
    );
    assert!(
        r.contains("rename = \"a.b\"") && r.contains("pub a_b_3: "),
        "{r}"
    );
    assert!(
        r.contains("#[serde(rename = \"a_b\")]\n    pub a_b_4: ::std::string::String,"),
        "{r}"
    );
    assert!(r.contains("pub a_b_2: ::std::option::Option<bool>,"), "{r}");
}

#[test]
fn odd_but_valid_shapes_generate() {
    let g = generate("odd_shapes");
    assert!(g.skipped.is_empty(), "{:?}", g.skipped);
    assert!(
        g.operations.contains("pub struct X {"),
        "an id of no ASCII letters"
    );
    assert!(g.operations.contains("pub ids: Vec<super::types::One>,"));
    assert!(g
        .operations
        .contains("pub body: Option<Vec<super::types::Node>>,"));
    assert!(g.operations.contains("pub meta_data: Option<String>,"));
    assert!(g
        .operations
        .contains("const ACCEPT: &'static str = \"*/*\";"));
    assert!(g
        .types
        .contains("pub child: ::std::boxed::Box<::std::option::Option<Node>>,"));
    // String formats stay strings: the generated code needs no chrono or uuid.
    let formats = item(&g.types, "pub struct Formats {");
    assert!(
        !formats.contains("chrono") && !formats.contains("uuid"),
        "{formats}"
    );
}

#[test]
fn components_named_like_an_inline_type_are_renamed() {
    let g = generate("inline_name_clash");
    assert_eq!(
        g.warnings,
        ["schema `RepoTemplate` (inline_name_clash.openapi.json at `/components/schemas/RepoTemplate`) has the Rust name of a type made of an inline schema (`RepoTemplate`); generated as `RepoTemplate2`"]
    );
    assert_eq!(g.types.matches("pub struct RepoTemplate {").count(), 1);
    assert!(g.types.contains("pub struct RepoTemplate2 {"));
    assert!(g
        .operations
        .contains("type Output = super::types::RepoTemplate2;"));
}
