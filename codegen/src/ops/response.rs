//! The success response of an operation: its status, media type and decoded type.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::context::{json_content, Context};
use super::json::response_type;
use super::signature::OutputKind;
use crate::load::OperationEntry;

/// How an operation's success response is typed and decoded.
pub(super) struct Success {
    /// `Operation::Output`.
    pub output: TokenStream,
    /// The body of `Operation::decode`.
    pub decode: TokenStream,
    /// The media type asked for.
    pub accept: String,
    /// How the body is decoded.
    pub kind: OutputKind,
    /// The lowest 2xx status (200 when none is numeric).
    pub status: u16,
}

/// The success response of `op`: the lowest 2xx status.
pub(super) fn success(op: &OperationEntry, cx: &Context<'_>) -> Success {
    let responses = op.op.get("responses").and_then(Value::as_object);
    let success_code = responses.and_then(|r| {
        let mut codes: Vec<&String> = r.keys().filter(|k| k.starts_with('2')).collect();
        codes.sort();
        codes.first().map(|c| c.as_str())
    });
    let success = success_code.and_then(|c| responses.map(|r| &r[c]));
    let status = success_code.and_then(|c| c.parse().ok()).unwrap_or(200u16);
    let content = success
        .and_then(|s| s.get("content"))
        .and_then(Value::as_object)
        // A HEAD response has no body, whatever its `content` says.
        .filter(|_| op.method != "head");
    let (output, decode, accept, kind) = match content {
        Some(c) if json_content(c).is_some() => {
            let (media, entry) = json_content(c).expect("checked");
            let schema = entry.get("schema").cloned().unwrap_or(Value::Null);
            let t = response_type(&schema, cx);
            (
                t,
                quote!(__rt::decode_json(bytes)),
                media.clone(),
                OutputKind::Json,
            )
        }
        Some(c) if !c.is_empty() => {
            let media = c.keys().next().expect("non-empty").clone();
            (
                quote!(Vec<u8>),
                quote!(__rt::decode_bytes(bytes)),
                media,
                OutputKind::Bytes,
            )
        }
        _ => (
            quote!(()),
            quote!(__rt::decode_empty(bytes)),
            "application/json".to_owned(),
            OutputKind::Empty,
        ),
    };
    Success {
        output,
        decode,
        accept,
        kind,
        status,
    }
}
