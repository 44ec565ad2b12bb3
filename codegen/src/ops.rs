//! Request types: one plain struct per operation, implementing `crate::request::Operation`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::{pointer_token, GenError};
use crate::load::OperationEntry;
use crate::naming;
use crate::schema::{kind_of, Kind};

const SCHEMA_REF: &str = "#/components/schemas/";

/// Where a field of the request struct goes.
enum Place {
    Path,
    Query,
    DeepObject,
    QueryArray,
    /// A query parameter given with `content: application/json`: sent as JSON text.
    QueryJson,
    /// A header parameter; lists are sent comma-separated (OpenAPI `simple` style).
    Header,
    HeaderArray,
    Json,
    Multipart,
}

struct Field {
    wire: String,
    ident: syn::Ident,
    ty: TokenStream,
    required: bool,
    place: Place,
    doc: String,
}

/// Everything the emitter needs to know about the model module.
pub struct Context<'a> {
    /// Rust name of each schema.
    pub names: &'a BTreeMap<String, String>,
    /// Merged schemas, to tell enums apart.
    pub schemas: &'a BTreeMap<String, crate::load::SchemaEntry>,
    /// The path of the runtime module the generated code implements and calls
    /// (`crate::request` inside rapidata, `::rapidata::request` in a user's crate).
    pub runtime: TokenStream,
}

impl Context<'_> {
    fn model(&self, r: &str) -> TokenStream {
        let name = r.trim_start_matches(SCHEMA_REF);
        let rust = self
            .names
            .get(name)
            .cloned()
            .unwrap_or_else(|| naming::pascal(name));
        let path: syn::Path = syn::parse_str(&rust).expect("type names parse");
        quote!(super::types::#path)
    }

    fn component(&self, r: &str) -> Option<&Value> {
        let name = r.trim_start_matches(SCHEMA_REF);
        self.schemas.get(name).map(|s| &s.schema)
    }
}

/// Whether a media type is JSON: `application/json` with or without parameters
/// (`; charset=utf-8`), and any `+json` type (`application/problem+json`,
/// `application/vnd.github+json`).
pub fn is_json_media(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The first JSON media type of a `content` map, with its entry.
fn json_content(content: &serde_json::Map<String, Value>) -> Option<(&String, &Value)> {
    content.iter().find(|(k, _)| is_json_media(k))
}

/// Header parameters OpenAPI 3.0 says to ignore (the transport sets them itself).
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// A valid HTTP header name (RFC 9110 token).
fn is_header_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The result of emitting every operation.
pub struct Emitted {
    /// The operations module.
    pub tokens: TokenStream,
    /// Operations left out: (Rust name, why).
    pub skipped: Vec<(String, GenError)>,
    /// Things the user should know (ignored optional parameters).
    pub warnings: Vec<String>,
    /// What the mock emitter needs of each emitted operation, in the same order.
    pub signatures: Vec<Signature>,
}

/// How the success response of an operation is decoded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A JSON model (`decode_json`).
    Json,
    /// Raw bytes of another media type.
    Bytes,
    /// No body.
    Empty,
}

/// A parameter of an operation as the mock emitter sees it.
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Rust name (as in the request struct).
    pub ident: syn::Ident,
    /// Rust type of the value.
    pub ty: TokenStream,
}

/// An operation's wire shape, for emitters other than the request types (`crate::mock`).
pub struct Signature {
    /// Rust name of the request type (`PostAudience`).
    pub name: String,
    /// Operation id.
    pub id: String,
    /// Lowercase HTTP method.
    pub method: String,
    /// Path template (`/audience/{audienceId}`).
    pub path: String,
    /// Path parameters, in the order of the struct's fields.
    pub path_params: Vec<Param>,
    /// Scalar query parameters (lists, filters and JSON parameters are left out).
    pub query_params: Vec<Param>,
    /// Type of the JSON request body, if any.
    pub body: Option<TokenStream>,
    /// Type of the decoded success response (`Operation::Output`).
    pub output: TokenStream,
    /// How the success response is decoded.
    pub output_kind: OutputKind,
    /// Media type of the success response.
    pub accept: String,
    /// Status code of the success response (the lowest 2xx; 200 when none is numeric).
    pub success: u16,
}

/// Emits the operations module; an operation the generator cannot express is left out
/// and reported in [`Emitted::skipped`].
pub fn generate(ops: &[OperationEntry], cx: &Context<'_>) -> Emitted {
    let mut items = Vec::new();
    let mut index = Vec::new();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    let mut signatures = Vec::new();
    for op in ops {
        match operation(op, cx, &mut warnings) {
            Ok((tokens, signature)) => {
                items.push(tokens);
                signatures.push(signature);
            }
            Err(e) => {
                skipped.push((naming::pascal(&op.id), e));
                continue;
            }
        }
        let id = &op.id;
        let path = &op.path;
        let method = method_tokens(&op.method);
        index.push(quote!((#id, #method, #path)));
    }
    let runtime = &cx.runtime;
    let tokens = quote! {
        // The runtime's items are named through `__rt::` only, so an operation called
        // `Method` or `Operation` cannot clash with them.
        use #runtime as __rt;

        /// Every generated operation as (operation id, method, path template), sorted by path.
        pub const OPERATIONS: &[(&str, __rt::Method, &str)] = &[#(#index),*];

        #(#items)*
    };
    Emitted {
        tokens,
        skipped,
        warnings,
        signatures,
    }
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

fn operation(
    op: &OperationEntry,
    cx: &Context<'_>,
    warnings: &mut Vec<String>,
) -> Result<(TokenStream, Signature), GenError> {
    let ptr = format!("/paths/{}/{}", pointer_token(&op.path), op.method);
    let struct_name = format_ident!("{}", naming::pascal(&op.id));
    let mut fields: Vec<Field> = Vec::new();
    let mut taken = std::collections::BTreeSet::new();
    let ident_for = |wire: &str, taken: &mut std::collections::BTreeSet<String>| {
        let mut s = naming::snake(wire);
        while !taken.insert(s.clone()) {
            s.push('_');
        }
        format_ident!("{}", s)
    };

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
        fields.push(Field {
            wire: name.to_owned(),
            ident: ident_for(name, &mut taken),
            ty,
            required,
            place,
            doc,
        });
    }

    if let Some(body) = op.op.get("requestBody") {
        let content = body.get("content").and_then(Value::as_object);
        let required = body.get("required") == Some(&Value::Bool(true));
        if let Some(schema) = content
            .and_then(json_content)
            .map(|(_, c)| c.get("schema").unwrap_or(&Value::Null))
        {
            let (ty, nullable) = json_body_type(schema, cx);
            fields.push(Field {
                wire: "body".into(),
                ident: ident_for("body", &mut taken),
                ty,
                required: required && !nullable,
                place: Place::Json,
                doc: body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("The JSON body.")
                    .to_owned(),
            });
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
                fields.push(Field {
                    wire: name.clone(),
                    ident: ident_for(name, &mut taken),
                    ty,
                    required: req.contains(&name.as_str()),
                    place: Place::Multipart,
                    doc: format!("The `{name}` form part."),
                });
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
    }

    // Success response: the lowest 2xx status.
    let responses = op.op.get("responses").and_then(Value::as_object);
    let success_code = responses.and_then(|r| {
        let mut codes: Vec<&String> = r.keys().filter(|k| k.starts_with('2')).collect();
        codes.sort();
        codes.first().map(|c| c.as_str())
    });
    let success = success_code.and_then(|c| responses.map(|r| &r[c]));
    let success_status = success_code.and_then(|c| c.parse().ok()).unwrap_or(200u16);
    let content = success
        .and_then(|s| s.get("content"))
        .and_then(Value::as_object)
        // A HEAD response has no body, whatever its `content` says.
        .filter(|_| op.method != "head");
    let (output, decode, accept, output_kind) = match content {
        Some(c) if json_content(c).is_some() => {
            let (media, entry) = json_content(c).expect("checked");
            let schema = entry.get("schema").cloned().unwrap_or(Value::Null);
            let t = response_type(&schema, cx);
            (
                t,
                quote!(__rt::decode_json(bytes)),
                media.clone(),
                OutputKind::Json,
            )
        }
        Some(c) if !c.is_empty() => {
            let media = c.keys().next().expect("non-empty").clone();
            (
                quote!(Vec<u8>),
                quote!(__rt::decode_bytes(bytes)),
                media,
                OutputKind::Bytes,
            )
        }
        _ => (
            quote!(()),
            quote!(__rt::decode_empty(bytes)),
            "application/json".to_owned(),
            OutputKind::Empty,
        ),
    };

    let method = method_tokens(&op.method);
    let id = &op.id;
    let template = &op.path;

    // Path: substitute each `{param}` with its encoded value.
    let mut path_stmts = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e).ok_or_else(|| {
            GenError::new(
                &op.file,
                &ptr,
                "unbalanced `{` in the path",
                "fix the path template",
            )
        })?;
        let lit = &rest[..start];
        if !lit.is_empty() {
            path_stmts.push(quote!(p.push_str(#lit);));
        }
        let pname = &rest[start + 1..end];
        let f = fields
            .iter()
            .find(|f| matches!(f.place, Place::Path) && f.wire == pname)
            .ok_or_else(|| {
                GenError::new(
                    &op.file,
                    &ptr,
                    format!("path parameter `{pname}` is not declared"),
                    "declare it under `parameters` with `in: path`",
                )
            })?;
        let ident = &f.ident;
        path_stmts.push(quote!(p.push_str(&__rt::encode_path_segment(&self.#ident.to_string()));));
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        path_stmts.push(quote!(p.push_str(#rest);));
    }

    let decls = fields.iter().map(|f| {
        let ident = &f.ident;
        let ty = &f.ty;
        let doc = if f.doc.is_empty() {
            format!("`{}`", f.wire)
        } else {
            format!("`{}`: {}", f.wire, f.doc)
        };
        let ty = match (&f.place, f.required) {
            (Place::QueryArray, _) => quote!(#ty),
            (_, true) => quote!(#ty),
            (_, false) => quote!(Option<#ty>),
        };
        quote! { #[doc = #doc] pub #ident: #ty, }
    });

    let ctor_args: Vec<_> = fields
        .iter()
        .filter(|f| f.required && !matches!(f.place, Place::QueryArray))
        .map(|f| {
            let ident = &f.ident;
            let ty = &f.ty;
            if matches!(f.place, Place::Path | Place::Query | Place::Header)
                && ty.to_string() == "String"
            {
                quote!(#ident: impl Into<String>)
            } else {
                quote!(#ident: #ty)
            }
        })
        .collect();
    let ctor_inits = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.required && !matches!(f.place, Place::QueryArray) {
            if matches!(f.place, Place::Path | Place::Query | Place::Header)
                && f.ty.to_string() == "String"
            {
                quote!(#ident: #ident.into(),)
            } else {
                quote!(#ident,)
            }
        } else {
            quote!(#ident: Default::default(),)
        }
    });

    let query_stmts: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let ident = &f.ident;
            let wire = &f.wire;
            match (&f.place, f.required) {
                (Place::Query, true) => {
                    Some(quote! { q.push((#wire.to_owned(), self.#ident.to_string())); })
                }
                (Place::Query, false) => Some(quote! {
                    if let Some(v) = &self.#ident { q.push((#wire.to_owned(), v.to_string())); }
                }),
                (Place::QueryArray, _) => Some(quote! {
                    for v in &self.#ident { q.push((#wire.to_owned(), v.to_string())); }
                }),
                (Place::QueryJson, true) => Some(quote! {
                    q.push((#wire.to_owned(), ::serde_json::to_string(&self.#ident).expect("request models always serialize")));
                }),
                (Place::QueryJson, false) => Some(quote! {
                    if let Some(v) = &self.#ident {
                        q.push((#wire.to_owned(), ::serde_json::to_string(v).expect("request models always serialize")));
                    }
                }),
                (Place::DeepObject, true) => Some(quote! { self.#ident.encode(#wire, &mut q); }),
                (Place::DeepObject, false) => Some(quote! {
                    if let Some(f) = &self.#ident { f.encode(#wire, &mut q); }
                }),
                _ => None,
            }
        })
        .collect();
    let query_fn = if query_stmts.is_empty() {
        quote!()
    } else {
        quote! {
            fn query(&self) -> Vec<(String, String)> {
                let mut q = Vec::new();
                #(#query_stmts)*
                q
            }
        }
    };

    let header_stmts: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let ident = &f.ident;
            let wire = &f.wire;
            let join = quote!(v
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","));
            match (&f.place, f.required) {
                (Place::Header, true) => Some(quote! { h.push((#wire, self.#ident.to_string())); }),
                (Place::Header, false) => Some(quote! {
                    if let Some(v) = &self.#ident { h.push((#wire, v.to_string())); }
                }),
                (Place::HeaderArray, true) => Some(quote! {
                    { let v = &self.#ident; h.push((#wire, #join)); }
                }),
                (Place::HeaderArray, false) => Some(quote! {
                    if let Some(v) = &self.#ident { h.push((#wire, #join)); }
                }),
                _ => None,
            }
        })
        .collect();
    let headers_fn = if header_stmts.is_empty() {
        quote!()
    } else {
        quote! {
            fn headers(&self) -> Vec<(&'static str, String)> {
                let mut h = Vec::new();
                #(#header_stmts)*
                h
            }
        }
    };

    let json_field = fields.iter().find(|f| matches!(f.place, Place::Json));
    let parts: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.place, Place::Multipart))
        .collect();
    let body_fn = if let Some(f) = json_field {
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
    };

    let summary = op
        .op
        .get("summary")
        .or_else(|| op.op.get("description"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let mut doc = Vec::new();
    for l in naming::doc_lines(&summary) {
        doc.push(quote!(#[doc = #l]));
    }
    let headline = format!(
        "`{} {}` (operation `{}`, from `{}`).",
        op.method.to_ascii_uppercase(),
        op.path,
        op.id,
        op.file
    );
    if !doc.is_empty() {
        doc.push(quote!(#[doc = ""]));
    }
    doc.push(quote!(#[doc = #headline]));
    let accept_const = if accept == "application/json" {
        quote!()
    } else {
        quote!(const ACCEPT: &'static str = #accept;)
    };

    let params_in = |place: fn(&Place) -> bool| -> Vec<Param> {
        fields
            .iter()
            .filter(|f| place(&f.place))
            .map(|f| Param {
                wire: f.wire.clone(),
                ident: f.ident.clone(),
                ty: f.ty.clone(),
            })
            .collect()
    };
    let signature = Signature {
        name: struct_name.to_string(),
        id: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
        path_params: params_in(|p| matches!(p, Place::Path)),
        query_params: params_in(|p| matches!(p, Place::Query)),
        body: json_field.map(|f| f.ty.clone()),
        output: output.clone(),
        output_kind,
        accept: accept.clone(),
        success: success_status,
    };

    let tokens = quote! {
        #(#doc)*
        #[derive(Debug, Clone, PartialEq)]
        pub struct #struct_name {
            #(#decls)*
        }

        impl #struct_name {
            /// A request with the required parameters; optional ones start unset.
            pub fn new(#(#ctor_args),*) -> Self {
                #struct_name { #(#ctor_inits)* }
            }
        }

        impl __rt::Operation for #struct_name {
            type Output = #output;
            const ID: &'static str = #id;
            const METHOD: __rt::Method = #method;
            const PATH_TEMPLATE: &'static str = #template;
            #accept_const

            fn path(&self) -> String {
                let mut p = String::new();
                #(#path_stmts)*
                p
            }

            #query_fn
            #headers_fn
            #body_fn

            fn decode(bytes: &[u8]) -> Result<Self::Output, __rt::DecodeError> {
                #decode
            }
        }
    };
    Ok((tokens, signature))
}

fn method_tokens(method: &str) -> TokenStream {
    match method {
        "get" => quote!(__rt::Method::Get),
        "post" => quote!(__rt::Method::Post),
        "put" => quote!(__rt::Method::Put),
        "patch" => quote!(__rt::Method::Patch),
        "head" => quote!(__rt::Method::Head),
        "options" => quote!(__rt::Method::Options),
        _ => quote!(__rt::Method::Delete),
    }
}

/// Whether a reference names a component that declares itself nullable.
fn nullable_ref(r: &str, cx: &Context<'_>) -> bool {
    cx.component(r)
        .is_some_and(crate::schema::declares_nullable)
}

/// The Rust type of an inline JSON body or response schema, and whether it is nullable:
/// a model for a reference (also inside a one-element `allOf`/`oneOf`), `Vec` of the items'
/// type for an array, the scalar for a scalar, `serde_json::Value` for anything else
/// (inline objects have no model of their own).
fn json_type(schema: &Value, cx: &Context<'_>) -> (TokenStream, bool) {
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

fn json_body_type(schema: &Value, cx: &Context<'_>) -> (TokenStream, bool) {
    json_type(schema, cx)
}

fn response_type(schema: &Value, cx: &Context<'_>) -> TokenStream {
    match json_type(schema, cx) {
        (t, true) => quote!(Option<#t>),
        (t, false) => t,
    }
}

#[cfg(test)]
mod tests {
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
}
