//! The request body: a JSON model or multipart form parts, as fields and as the
//! `Operation::body` that encodes them.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::context::{json_content, Context};
use super::fields::{Field, Fields, Place};
use super::json::json_body_type;
use crate::error::GenError;
use crate::load::OperationEntry;

/// Adds the fields of `op`'s request body, if it has one, to `fields`.
pub(super) fn collect(
    op: &OperationEntry,
    cx: &Context<'_>,
    ptr: &str,
    fields: &mut Fields,
) -> Result<(), GenError> {
    let Some(body) = op.op.get("requestBody") else {
        return Ok(());
    };
    let content = body.get("content").and_then(Value::as_object);
    let required = body.get("required") == Some(&Value::Bool(true));
    if let Some(schema) = content
        .and_then(json_content)
        .map(|(_, c)| c.get("schema").unwrap_or(&Value::Null))
    {
        let (ty, nullable) = json_body_type(schema, cx);
        let doc = body
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("The JSON body.")
            .to_owned();
        fields.push("body", ty, required && !nullable, Place::Json, doc);
    } else if let Some(schema) = content
        .and_then(|c| c.get("multipart/form-data"))
        .and_then(|c| c.get("schema"))
    {
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                GenError::new(
                    &op.file,
                    format!("{ptr}/requestBody/content/multipart~1form-data/schema"),
                    "a multipart body without `properties`",
                    "describe each form part as a property",
                )
            })?;
        let req: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, s) in props {
            let is_file = s.get("$ref").is_some()
                || s.get("format").and_then(Value::as_str) == Some("binary");
            let ty = if is_file {
                quote!(__rt::FilePart)
            } else {
                quote!(String)
            };
            let required = req.contains(&name.as_str());
            let doc = format!("The `{name}` form part.");
            fields.push(name, ty, required, Place::Multipart, doc);
        }
    } else if let Some(c) = content {
        let kinds: Vec<&String> = c.keys().collect();
        return Err(GenError::new(
            &op.file,
            format!("{ptr}/requestBody/content"),
            format!("unsupported request content type(s) {kinds:?}"),
            "the generator supports JSON (application/json, also with parameters, and application/*+json) and multipart/form-data bodies",
        ));
    }
    Ok(())
}

/// `Operation::body` for the JSON or multipart fields (nothing without a body).
pub(super) fn body_fn(fields: &[Field]) -> TokenStream {
    let json_field = fields.iter().find(|f| matches!(f.place, Place::Json));
    let parts: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.place, Place::Multipart))
        .collect();
    if let Some(f) = json_field {
        let ident = &f.ident;
        if f.required {
            quote! { fn body(&self) -> __rt::RequestBody { __rt::encode_json(&self.#ident) } }
        } else {
            quote! {
                fn body(&self) -> __rt::RequestBody {
                    match &self.#ident {
                        Some(b) => __rt::encode_json(b),
                        None => __rt::RequestBody::Empty,
                    }
                }
            }
        }
    } else if !parts.is_empty() {
        let pushes = parts.iter().map(|f| {
            let ident = &f.ident;
            let wire = &f.wire;
            let to_part = if f.ty.to_string() == quote!(__rt::FilePart).to_string() {
                quote!(v.clone())
            } else {
                quote!(__rt::FilePart {
                    source: __rt::FileSource::Bytes(v.as_bytes().to_vec()),
                    file_name: String::new(),
                    content_type: "text/plain".into(),
                })
            };
            if f.required {
                quote! { { let v = &self.#ident; parts.push(__rt::MultipartPart { name: #wire.to_owned(), content: #to_part }); } }
            } else {
                quote! { if let Some(v) = &self.#ident { parts.push(__rt::MultipartPart { name: #wire.to_owned(), content: #to_part }); } }
            }
        });
        quote! {
            fn body(&self) -> __rt::RequestBody {
                let mut parts = Vec::new();
                #(#pushes)*
                __rt::RequestBody::Multipart(parts)
            }
        }
    } else {
        quote!()
    }
}
