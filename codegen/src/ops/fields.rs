//! The fields of a request struct: where each goes on the wire, and unique Rust names.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::format_ident;

use crate::naming;

/// Where a field of the request struct goes.
pub(super) enum Place {
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

/// One field of the request struct.
pub(super) struct Field {
    pub wire: String,
    pub ident: syn::Ident,
    pub ty: TokenStream,
    pub required: bool,
    pub place: Place,
    pub doc: String,
}

/// The fields of one request struct in declaration order; each gets a Rust name no
/// earlier field has (`_` appended until it is free).
#[derive(Default)]
pub(super) struct Fields {
    pub list: Vec<Field>,
    taken: BTreeSet<String>,
}

impl Fields {
    /// Adds the field sent as `wire`, named after it.
    pub fn push(&mut self, wire: &str, ty: TokenStream, required: bool, place: Place, doc: String) {
        let mut s = naming::snake(wire);
        while !self.taken.insert(s.clone()) {
            s.push('_');
        }
        self.list.push(Field {
            wire: wire.to_owned(),
            ident: format_ident!("{}", s),
            ty,
            required,
            place,
            doc,
        });
    }
}
