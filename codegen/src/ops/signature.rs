//! An operation's wire shape as the emitters other than the request types see it.

use proc_macro2::TokenStream;

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
