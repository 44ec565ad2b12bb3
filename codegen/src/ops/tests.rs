//! Tests of the operation emitter on small documents.

use crate::{generate_documents, Document};
use serde_json::json;

fn gen(paths: serde_json::Value, schemas: serde_json::Value) -> String {
    let doc = Document {
        file: "t.openapi.json".into(),
        value: json!({"openapi": "3.0.4", "paths": paths, "components": {"schemas": schemas}}),
    };
    generate_documents(vec![doc]).unwrap().operations
}

#[test]
fn deep_object_parameters_become_query_filters() {
    let out = gen(
        json!({"/things": {"get": {"parameters": [
            {"name": "name", "in": "query", "style": "deepObject", "explode": true,
             "schema": {"type": "object", "properties": {"eq": {"type": "string"}}}},
            {"name": "sort", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}}
        ], "responses": {"200": {"description": "ok"}}}}}),
        json!({}),
    );
    assert!(out.contains("pub name: Option<__rt::QueryFilter>"), "{out}");
    assert!(out.contains("f.encode(\"name\", &mut q)"), "{out}");
    assert!(out.contains("pub sort: Vec<String>"), "{out}");
    assert!(out.contains("pub page: Option<i64>"), "{out}");
}

#[test]
fn multipart_bodies_become_file_parts() {
    let out = gen(
        json!({"/upload": {"post": {"requestBody": {"required": true, "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                "properties": {"file": {"$ref": "#/components/schemas/IFormFile"}}}}}},
            "responses": {"200": {"description": "ok"}}}}}),
        json!({"IFormFile": {"type": "string", "format": "binary"}}),
    );
    assert!(out.contains("pub file: __rt::FilePart"), "{out}");
    assert!(out.contains("__rt::RequestBody::Multipart(parts)"), "{out}");
}

#[test]
fn only_the_success_response_is_typed() {
    let out = gen(
        json!({"/x/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
            "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            "409": {"description": "conflict", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Other"}}}},
            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
        }}}}),
        json!({
            "Problem": {"type": "object", "properties": {"title": {"type": "string"}}},
            "Other": {"type": "object", "properties": {"x": {"type": "string"}}},
            "Thing": {"type": "object", "properties": {"id": {"type": "string"}}}
        }),
    );
    assert!(out.contains("type Output = super::types::Thing;"), "{out}");
    assert!(out.contains("pub struct GetXById"), "{out}");
    assert!(out.contains("__rt::encode_path_segment"), "{out}");
    assert!(out.contains("use crate::request as __rt;"), "{out}");
}

#[test]
fn binary_responses_decode_to_bytes() {
    let out = gen(
        json!({"/file": {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}}}),
        json!({}),
    );
    assert!(out.contains("type Output = Vec<u8>;"), "{out}");
    assert!(
        out.contains("const ACCEPT: &'static str = \"application/octet-stream\";"),
        "{out}"
    );
}

#[test]
fn any_3_0_version_is_accepted() {
    for v in ["3.0.0", "3.0.1", "3.0.3", "3.0.4"] {
        let doc = Document {
            file: "v.json".into(),
            value: json!({"openapi": v, "paths": {"/a": {"get": {"responses": {}}}}}),
        };
        assert_eq!(generate_documents(vec![doc]).unwrap().operation_count, 1);
    }
}

#[test]
fn undeclared_path_parameters_are_reported() {
    let doc = Document {
        file: "p.json".into(),
        value: json!({"openapi": "3.0.4", "paths": {"/a/{id}": {"get": {"responses": {}}}}}),
    };
    let g = generate_documents(vec![doc]).unwrap();
    let (name, e) = &g.skipped[0];
    assert_eq!(name, "GetAById");
    assert!(e.message.contains("`id`"), "{e}");
    assert_eq!(e.pointer, "/paths/~1a~1{id}/get");
    assert_eq!(g.operation_count, 0);
}

#[test]
fn unsupported_request_media_types_are_reported() {
    let doc = Document {
        file: "m.json".into(),
        value: json!({"openapi": "3.0.4", "paths": {"/a": {"post": {
            "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}},
            "responses": {}}}}}),
    };
    let g = generate_documents(vec![doc]).unwrap();
    let (_, e) = &g.skipped[0];
    assert!(e.to_string().contains("application/xml"), "{e}");
    assert!(
        g.warnings[0].contains("application/xml"),
        "{:?}",
        g.warnings
    );
}
