//! The API's models, generated at build time from the same OpenAPI documents (`spec/`, or
//! `RAPIDATA_SPEC_DIR`) and by the same generator (`rapidata-codegen`) as the `rapidata`
//! library's: request bodies are parsed into exactly the types the client serializes.
//!
//! `strict.rs` adds a [`crate::strict::Strict`] impl for every model (see `build.rs`).
// `dead_code`: this private module holds every model of the documents, and the server
// parses only the request bodies with them (it writes responses from its own types), so
// the response models are unused here; the library's public copy needs no such allow.
#![allow(clippy::all, missing_docs, dead_code, non_camel_case_types)]

include!(concat!(env!("OUT_DIR"), "/types.rs"));
include!(concat!(env!("OUT_DIR"), "/strict.rs"));
