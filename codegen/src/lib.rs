//! Code generator for rapidata-rs: turns the Rapidata API's OpenAPI 3.0 documents into
//! serde models (through typify) and one request type per operation.
//!
//! The documents are normalized in memory first (they are never edited): missing operation
//! ids are synthesized from method and path, schemas shared by several documents are
//! merged (or kept apart, with a warning, when they differ), deepObject query filters and
//! multipart bodies get request fields of their own, only the success response is typed,
//! and `_t`-discriminated unions become internally tagged enums with one newtype variant
//! per discriminator mapping key, over the member's struct (which has no `_t` field: the
//! enum writes and reads the tag), plus an `Unknown(serde_json::Value)` catch-all. Every
//! generated struct gets `new(required fields)` (in alphabetical order of the field names,
//! optional fields `None`), and every union `From` of each member struct, so code that
//! builds models as `T { field: Some(x), ..T::new(..) }` survives new optional properties.
//!
//! A construct the generator cannot express in a schema is an error naming the file, the
//! JSON pointer and what to do; in an operation, that operation is skipped with a warning
//! ([`Generated::skipped`]), unless [`Builder::require_operations`] names it. The
//! repository's README lists the constructs of each kind.
//!
//! A crate of your own generates bindings of any documents with [`Builder`] in its
//! `build.rs` and sends them with `rapidata::Client` (see [`Builder`]); the `rapidata`
//! crate itself uses [`generate_dir`]:
//!
//! ```no_run
//! let out = rapidata_codegen::generate_dir(std::path::Path::new("spec")).unwrap();
//! std::fs::write("types.rs", &out.types).unwrap();
//! std::fs::write("operations.rs", &out.operations).unwrap();
//! ```

mod attrs;
mod builder;
mod construct;
mod error;
mod generate;
mod load;
mod mock;
mod naming;
mod ops;
pub mod require;
mod schema;
mod types;
mod unions;

pub use builder::{Builder, DEFAULT_RUNTIME};
pub use error::GenError;
pub use generate::{
    generate_dir, generate_documents, generate_documents_with, read_document, Generated,
};
pub use load::Document;
pub use naming::synthesize_operation_id;
