//! The API's models, generated at build time from the same OpenAPI documents (`spec/`, or
//! `RAPIDATA_SPEC_DIR`) and by the same generator (`rapidata-codegen`) as the `rapidata`
//! library's: request bodies are parsed into exactly the types the client serializes.
//!
//! `strict.rs` adds a [`crate::strict::Strict`] impl for every model (see `build.rs`).
#![allow(
    clippy::all,
    missing_docs,
    dead_code,
    unused_imports,
    unused_mut,
    non_camel_case_types
)]

include!(concat!(env!("OUT_DIR"), "/types.rs"));
include!(concat!(env!("OUT_DIR"), "/strict.rs"));
