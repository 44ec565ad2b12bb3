//! The integration tests of rapidata, one module per area, in one test binary (one link
//! of the dependency tree instead of one per file). Helpers shared by the modules are in
//! `support`. Run one area with `cargo test --test it AREA::`, e.g. `audience_api::`.
//!
//! A new test file becomes a module here: `git mv tests/foo.rs tests/it/foo.rs`, add
//! `mod foo;` below, write `use crate::support as common;` for `mod common;` (and
//! `use crate::support::sandboxed;` for `#[path = "common/sandboxed.rs"] mod sandboxed;`),
//! and give `include!`d paths one more `../`. Mocks of one operation use the typed
//! helpers of `support::mock` (`use crate::support::mock::MockServerExt;`).

mod support;

// The generated mock helpers (`support::mock`) name the runtime `crate::request`, as the
// library's own generated code does.
use rapidata::request;

mod asset_upload;
mod audience_api;
mod audience_examples;
mod audience_validation;
mod bad_input;
mod browser_login;
mod builder_shape;
mod client_core;
mod clock;
mod codegen_models;
mod codegen_operations;
mod conventions;
mod dataset_update;
mod decoders_fuzz;
mod fault_suite;
mod iterate_sandbox;
mod job_definition;
mod job_kinds;
mod job_lifecycle;
mod job_progress;
mod job_sandbox;
mod mock_helpers;
mod reliability;
mod required_api;
mod results_parsing;
mod revisions_mock;
mod sdk_bodies;
mod upload_pipeline;
mod validation_sets;
