//! What the emitter knows of the model module, and which media types are JSON.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::naming;

/// Where the generated operations module finds the models: its sibling module `types`.
/// (A path of the generated code, kept as text: it names nothing of this crate.)
const MODELS: &str = "super::types";

const SCHEMA_REF: &str = "#/components/schemas/";

/// Everything the emitter needs to know about the model module.
pub struct Context<'a> {
    /// Rust name of each schema.
    pub names: &'a BTreeMap<String, String>,
    /// Merged schemas, to tell enums apart.
    pub schemas: &'a BTreeMap<String, crate::load::SchemaEntry>,
    /// The path of the runtime module the generated code implements and calls
    /// (`crate::request` inside rapidata, `::rapidata::request` in a user's crate).
    pub runtime: TokenStream,
}

impl Context<'_> {
    pub(super) fn model(&self, r: &str) -> TokenStream {
        let name = r.trim_start_matches(SCHEMA_REF);
        let rust = self
            .names
            .get(name)
            .cloned()
            .unwrap_or_else(|| naming::pascal(name));
        let path: syn::Path =
            syn::parse_str(&format!("{MODELS}::{rust}")).expect("type names parse");
        quote!(#path)
    }

    pub(super) fn component(&self, r: &str) -> Option<&Value> {
        let name = r.trim_start_matches(SCHEMA_REF);
        self.schemas.get(name).map(|s| &s.schema)
    }
}

/// Whether a media type is JSON: `application/json` with or without parameters
/// (`; charset=utf-8`), and any `+json` type (`application/problem+json`,
/// `application/vnd.github+json`).
pub fn is_json_media(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The first JSON media type of a `content` map, with its entry.
pub(super) fn json_content(content: &serde_json::Map<String, Value>) -> Option<(&String, &Value)> {
    content.iter().find(|(k, _)| is_json_media(k))
}
