//! Request types: one plain struct per operation, implementing `crate::request::Operation`.
//!
//! [`generate`] walks the operations; each one's fields come from its parameters
//! ([`params`]) and request body ([`body`]), its output from its success response
//! ([`response`], with the JSON types of [`json`]), and [`emit`] turns the fields into
//! the struct, its constructor and the `Operation` impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::{pointer_token, GenError};
use crate::load::OperationEntry;
use crate::naming;

mod body;
mod context;
mod emit;
mod fields;
mod json;
mod params;
mod response;
mod signature;
#[cfg(test)]
mod tests;

pub use context::Context;
use fields::{Fields, Place};
pub use signature::{OutputKind, Param, Signature};

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

/// The request type of one operation, and its signature for the other emitters.
fn operation(
    op: &OperationEntry,
    cx: &Context<'_>,
    warnings: &mut Vec<String>,
) -> Result<(TokenStream, Signature), GenError> {
    let ptr = format!("/paths/{}/{}", pointer_token(&op.path), op.method);
    let struct_name = format_ident!("{}", naming::pascal(&op.id));
    let mut fields = Fields::default();
    params::collect(op, cx, &ptr, warnings, &mut fields)?;
    body::collect(op, cx, &ptr, &mut fields)?;
    let fields = fields.list;
    let response::Success {
        output,
        decode,
        accept,
        kind: output_kind,
        status: success_status,
    } = response::success(op, cx);

    let method = method_tokens(&op.method);
    let id = &op.id;
    let template = &op.path;

    let path_stmts = emit::path_stmts(op, &ptr, &fields)?;
    let decls = emit::decls(&fields);
    let (ctor_args, ctor_inits) = emit::ctor(&fields);
    let query_fn = emit::query_fn(&fields);
    let headers_fn = emit::headers_fn(&fields);
    let json_field = fields.iter().find(|f| matches!(f.place, Place::Json));
    let body_fn = body::body_fn(&fields);

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

/// The runtime's `Method` variant for a lowercase HTTP method.
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
