//! The parts of a request type made from its fields: the struct's declarations and
//! constructor, and the `path`, `query` and `headers` of its `Operation` impl.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{Field, Place};
use crate::error::GenError;
use crate::load::OperationEntry;

/// The statements of `Operation::path`: each `{param}` of the template substituted with
/// its encoded value.
pub(super) fn path_stmts(
    op: &OperationEntry,
    ptr: &str,
    fields: &[Field],
) -> Result<Vec<TokenStream>, GenError> {
    let mut path_stmts = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e).ok_or_else(|| {
            GenError::new(
                &op.file,
                ptr,
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
                    ptr,
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
    Ok(path_stmts)
}

/// The struct's field declarations (optional fields are `Option`s, lists are not).
pub(super) fn decls(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
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
        })
        .collect()
}

/// Whether a required field is taken as `impl Into<String>` by the constructor.
fn takes_into_string(f: &Field) -> bool {
    matches!(f.place, Place::Path | Place::Query | Place::Header) && f.ty.to_string() == "String"
}

/// The constructor's arguments (the required fields) and its field initialisers.
pub(super) fn ctor(fields: &[Field]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let ctor_args: Vec<_> = fields
        .iter()
        .filter(|f| f.required && !matches!(f.place, Place::QueryArray))
        .map(|f| {
            let ident = &f.ident;
            let ty = &f.ty;
            if takes_into_string(f) {
                quote!(#ident: impl Into<String>)
            } else {
                quote!(#ident: #ty)
            }
        })
        .collect();
    let ctor_inits = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.required && !matches!(f.place, Place::QueryArray) {
            if takes_into_string(f) {
                quote!(#ident: #ident.into(),)
            } else {
                quote!(#ident,)
            }
        } else {
            quote!(#ident: Default::default(),)
        }
    });
    (ctor_args, ctor_inits.collect())
}

/// `Operation::query`, when some field goes in the query string.
pub(super) fn query_fn(fields: &[Field]) -> TokenStream {
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
    if query_stmts.is_empty() {
        quote!()
    } else {
        quote! {
            fn query(&self) -> Vec<(String, String)> {
                let mut q = Vec::new();
                #(#query_stmts)*
                q
            }
        }
    }
}

/// `Operation::headers`, when some field is a header.
pub(super) fn headers_fn(fields: &[Field]) -> TokenStream {
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
    if header_stmts.is_empty() {
        quote!()
    } else {
        quote! {
            fn headers(&self) -> Vec<(&'static str, String)> {
                let mut h = Vec::new();
                #(#header_stmts)*
                h
            }
        }
    }
}
