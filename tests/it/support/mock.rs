//! Typed httpmock helpers for every operation of the API: `server.post_audience(|when,
//! then| …)`, generated from `spec/` by `rapidata_codegen::Builder::mocks` in the same
//! build-script pass as `rapidata::api` (so both always come from the same documents).
//!
//! A method per operation, named like its request type in snake case, matches the
//! operation's HTTP method and path. Its `When` has a setter per path parameter and per
//! scalar query parameter and `body(&Model)`; its `Then` answers `ok(&Output)` in the
//! operation's output type, or `status(code)` / `json_value(Value)` for an error or a
//! deliberately malformed answer; `into_inner()` gives the plain httpmock builder.
//!
//! They live in the tests, not in a crate of their own, so that no package of the
//! workspace has httpmock (and its async runtime) as a normal dependency.

// The generated module names the models as `super::types` and the runtime as
// `crate::request` (the test crate's root re-exports `rapidata::request` under that name).
use rapidata::api::types;

#[allow(dead_code)] // one method per operation; each test module uses a few
mod generated {
    include!(concat!(env!("OUT_DIR"), "/mock.rs"));
}

pub use generated::*;
