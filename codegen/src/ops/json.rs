//! The Rust types of JSON bodies and responses.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::context::Context;

/// Whether a reference names a component that declares itself nullable.
fn nullable_ref(r: &str, cx: &Context<'_>) -> bool {
    cx.component(r)
        .is_some_and(crate::schema::declares_nullable)
}

/// The Rust type of an inline JSON body or response schema, and whether it is nullable:
/// a model for a reference (also inside a one-element `allOf`/`oneOf`), `Vec` of the items'
/// type for an array, the scalar for a scalar, `serde_json::Value` for anything else
/// (inline objects have no model of their own).
pub(super) fn json_type(schema: &Value, cx: &Context<'_>) -> (TokenStream, bool) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return (cx.model(r), nullable_ref(r, cx));
    }
    let schema = match crate::schema::normalize_type(schema, "", "") {
        Ok(s) => s.into_owned(),
        // Several types: any JSON value.
        Err(_) => return (quote!(::serde_json::Value), false),
    };
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    for key in ["oneOf", "allOf"] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            if items.len() == 1 {
                if let Some(r) = items[0].get("$ref").and_then(Value::as_str) {
                    return (cx.model(r), nullable || nullable_ref(r, cx));
                }
            }
        }
    }
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let (inner, inner_nullable) = json_type(&items, cx);
            if inner_nullable {
                quote!(Vec<Option<#inner>>)
            } else {
                quote!(Vec<#inner>)
            }
        }
        Some("string")
            if schema.get("enum").is_none_or(|e| {
                e.as_array()
                    .is_some_and(|v| v.iter().all(|x| x.is_string() || x.is_null()))
            }) =>
        {
            quote!(String)
        }
        _ => quote!(::serde_json::Value),
    };
    (ty, nullable)
}

/// The type of a JSON request body (or JSON query parameter), and whether it is nullable.
pub(super) fn json_body_type(schema: &Value, cx: &Context<'_>) -> (TokenStream, bool) {
    json_type(schema, cx)
}

/// The type of a decoded JSON response: `Option` of the type when it is nullable.
pub(super) fn response_type(schema: &Value, cx: &Context<'_>) -> TokenStream {
    match json_type(schema, cx) {
        (t, true) => quote!(Option<#t>),
        (t, false) => t,
    }
}
