//! Request parsing and the response bodies of the Rapidata API.
//!
//! Request bodies are parsed into the models generated from the spec
//! ([`crate::api_types`]) by [`parse`], strictly: required fields are required, types must
//! match, an unknown or missing `_t` and an unknown enum value are errors
//! ([`crate::strict`]), and every error names the JSON path of the offending field. Unknown
//! properties are ignored, as the ASP.NET backend does.
//!
//! The response bodies below are written by hand (they say exactly what the sandbox answers,
//! `null` versus absent included); where they echo what a client sent (filters, graduation
//! rules, example payloads and truths, workflows, referees) they hold the generated models.
// The response enums mirror the spec's completely, members the simulation never produces
// included.
#![allow(dead_code)]

mod asset;
mod audience;
mod dataset;
mod definition;
mod job;
mod protocol;
mod results;
#[cfg(test)]
mod tests;

pub(crate) use asset::*;
pub(crate) use audience::*;
pub(crate) use dataset::*;
pub(crate) use definition::*;
pub(crate) use job::*;
pub(crate) use protocol::*;
pub(crate) use results::*;

// Strict parsing lives in `strict`; its entry points are used through this module too.
pub(crate) use crate::strict::{parse, FieldError};
