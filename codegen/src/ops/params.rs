//! Parameters (path, query, header, cookie): their Rust types and places on the wire.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::context::{json_content, Context};
use super::fields::{Fields, Place};
use super::json::json_body_type;
use crate::error::GenError;
use crate::load::OperationEntry;
use crate::schema::{kind_of, Kind};

/// Header parameters OpenAPI 3.0 says to ignore (the transport sets them itself).
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// A valid HTTP header name (RFC 9110 token).
fn is_header_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The Rust type of a path, query or header value (`is_list`: an array of scalars).
struct ScalarType {
    ty: TokenStream,
    is_list: bool,
}

/// The type of a parameter's value: a scalar, an enum model, or a list of those.
/// References are followed to the component (an enum stays its model type; a scalar or
/// array component becomes its Rust scalar type). Objects are refused.
fn scalar_type(
    schema: &Value,
    cx: &Context<'_>,
    file: &str,
    ptr: &str,
    allow_list: bool,
) -> Result<ScalarType, GenError> {
    let schema = crate::schema::normalize_type(schema, file, ptr)?;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = cx.component(r).ok_or_else(|| {
            GenError::new(
                file,
                format!("{ptr}/$ref"),
                format!("dangling reference `{r}`"),
                "point the reference at a schema of the document",
            )
        })?;
        if let Kind::Enum { .. } | Kind::IntEnum { .. } = kind_of(target) {
            return Ok(ScalarType {
                ty: cx.model(r),
                is_list: false,
            });
        }
        return scalar_type(target, cx, file, ptr, allow_list);
    }
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string");
    let fmt = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let values = schema.get("enum").and_then(Value::as_array);
    let ty = match (ty, values) {
        // An inline enum without a type takes the type of its values.
        ("string", Some(v)) if schema.get("type").is_none() && v.iter().all(Value::is_i64) => {
            "integer"
        }
        (t, _) => t,
    };
    let t = match (ty, fmt) {
        ("integer", "int32") => quote!(i32),
        ("integer", "uint32") => quote!(u32),
        ("integer", _) => quote!(i64),
        ("number", "float") => quote!(f32),
        ("number", _) => quote!(f64),
        ("boolean", _) => quote!(bool),
        ("string", _) => quote!(String),
        ("array", _) if allow_list => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let inner = scalar_type(&items, cx, file, &format!("{ptr}/items"), false)?;
            return Ok(ScalarType {
                ty: inner.ty,
                is_list: true,
            });
        }
        (other, _) => {
            return Err(GenError::new(
                file,
                ptr,
                format!("a parameter of type `{other}` (only scalars{} can be sent here)", if allow_list { " and lists of scalars" } else { "" }),
                "send structured values in the body, or as a deepObject or `content: application/json` query parameter",
            ))
        }
    };
    Ok(ScalarType {
        ty: t,
        is_list: false,
    })
}

/// Adds a field for each parameter of `op` (at `ptr`) to `fields`; optional cookie
/// parameters are left out with a warning, and ignored headers silently.
pub(super) fn collect(
    op: &OperationEntry,
    cx: &Context<'_>,
    ptr: &str,
    warnings: &mut Vec<String>,
    fields: &mut Fields,
) -> Result<(), GenError> {
    let params = match op.op.get("parameters") {
        None => Vec::new(),
        Some(Value::Array(p)) => p.clone(),
        Some(_) => {
            return Err(GenError::new(
                &op.file,
                format!("{ptr}/parameters"),
                "`parameters` is not a list",
                "write the parameters as a list of Parameter Objects",
            ))
        }
    };
    for (i, p) in params.iter().enumerate() {
        let pptr = format!("{ptr}/parameters/{i}");
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let loc = p.get("in").and_then(Value::as_str).unwrap_or_default();
        if name.is_empty() {
            return Err(GenError::new(
                &op.file,
                pptr,
                "a parameter without a `name`",
                "give every parameter a `name` and an `in`",
            ));
        }
        let schema = p.get("schema").cloned().unwrap_or(Value::Null);
        let required = p.get("required") == Some(&Value::Bool(true)) || loc == "path";
        let doc = p
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let style = p.get("style").and_then(Value::as_str).unwrap_or("");
        let sptr = format!("{pptr}/schema");
        let content = p.get("content").and_then(Value::as_object);
        let (ty, place) = match (loc, content) {
            ("query", Some(c)) => {
                let (media, entry) = json_content(c).ok_or_else(|| {
                    GenError::new(
                        &op.file,
                        format!("{pptr}/content"),
                        format!("query parameter `{name}` has content of type(s) {:?}", c.keys().collect::<Vec<_>>()),
                        "the generator sends `content` query parameters as JSON text only (application/json)",
                    )
                })?;
                let _ = media;
                let s = entry.get("schema").cloned().unwrap_or(Value::Null);
                (json_body_type(&s, cx).0, Place::QueryJson)
            }
            (_, Some(_)) => {
                return Err(GenError::new(
                    &op.file,
                    format!("{pptr}/content"),
                    format!("{loc} parameter `{name}` is given with `content`"),
                    "give it a `schema` instead (only query parameters may use `content: application/json`)",
                ))
            }
            ("path", None) => (
                scalar_type(&schema, cx, &op.file, &sptr, false)?.ty,
                Place::Path,
            ),
            ("query", None) if style == "deepObject" => (quote!(__rt::QueryFilter), Place::DeepObject),
            ("query", None) => {
                let t = scalar_type(&schema, cx, &op.file, &sptr, true)?;
                let ty = t.ty;
                if t.is_list {
                    (quote!(Vec<#ty>), Place::QueryArray)
                } else {
                    (ty, Place::Query)
                }
            }
            ("header", None) => {
                if IGNORED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                    // OpenAPI 3.0: such header parameters "SHALL be ignored"; the
                    // transport sets these headers itself.
                    continue;
                }
                if !is_header_token(name) {
                    return Err(GenError::new(
                        &op.file,
                        format!("{pptr}/name"),
                        format!("`{name}` is not a valid HTTP header name"),
                        "use letters, digits and `-` in header names",
                    ));
                }
                let t = scalar_type(&schema, cx, &op.file, &sptr, true)?;
                let ty = t.ty;
                if t.is_list {
                    (quote!(Vec<#ty>), Place::HeaderArray)
                } else {
                    (ty, Place::Header)
                }
            }
            ("cookie", None) if required => {
                return Err(GenError::new(
                    &op.file,
                    pptr,
                    format!("required cookie parameter `{name}`"),
                    "the generator does not send cookies; make the parameter optional or send the operation by hand",
                ))
            }
            ("cookie", None) => {
                warnings.push(format!(
                    "{} at `{pptr}`: optional cookie parameter `{name}` of {} {} is not generated (cookies are not sent)",
                    op.file,
                    op.method.to_ascii_uppercase(),
                    op.path
                ));
                continue;
            }
            (other, None) => {
                return Err(GenError::new(
                    &op.file,
                    format!("{pptr}/in"),
                    format!("unsupported parameter location `{other}`"),
                    "parameters may be in path, query, header or cookie",
                ))
            }
        };
        if matches!(place, Place::DeepObject) && schema.get("properties").is_none() {
            return Err(GenError::new(
                &op.file,
                format!("{pptr}/schema"),
                "a deepObject parameter without `properties`",
                "give the filter object its operator properties (eq, contains, in, …)",
            ));
        }
        fields.push(name, ty, required, place, doc);
    }
    Ok(())
}
