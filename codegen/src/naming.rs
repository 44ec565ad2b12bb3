//! Rust names from OpenAPI names.

/// Splits a name into words at non-alphanumerics and lower→upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = !cur.is_empty()
            && c.is_ascii_uppercase()
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_ascii_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `create_audience`, `audienceId` → `CreateAudience`, `AudienceId`.
pub fn pascal(name: &str) -> String {
    let mut s: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'X');
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// Names of the Rust prelude that generated code uses unqualified (`String`, `Option`,
/// `Vec`, `Default`, …): a request type or model of that name would shadow them.
pub fn shadows_prelude(rust_name: &str) -> bool {
    matches!(
        rust_name,
        "Option"
            | "Some"
            | "None"
            | "Result"
            | "Ok"
            | "Err"
            | "String"
            | "Vec"
            | "Box"
            | "Default"
            | "ToString"
            | "ToOwned"
            | "Into"
            | "From"
            | "Clone"
            | "Copy"
            | "Send"
            | "Sync"
            | "Sized"
            | "Drop"
            | "Fn"
            | "FnMut"
            | "FnOnce"
            | "Iterator"
            | "IntoIterator"
            | "Extend"
            | "AsRef"
            | "AsMut"
            | "PartialEq"
            | "Eq"
            | "PartialOrd"
            | "Ord"
            | "Debug"
    )
}

/// `audienceId`, `page_size` → `audience_id`, `page_size`; Rust keywords get a `r#`-free suffix.
pub fn snake(name: &str) -> String {
    let mut s = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "x_");
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// The operation id synthesized from method and path when the spec gives none.
///
/// Literal segments are kept, `{param}` becomes `by_param`:
/// `GET /audience/{audienceId}/examples` → `get_audience_by_audience_id_examples`.
/// Only the method and path feed the name, so it stays the same as long as the path does.
pub fn synthesize_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_ascii_lowercase()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(p) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by_{}", snake(p)));
        } else {
            parts.push(snake(seg));
        }
    }
    parts.join("_")
}

/// Description text made safe for rustdoc: no indentation that would start a code block,
/// and every fenced block marked as `text`, so rustdoc never runs a description as a test.
pub fn clean_doc(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim();
            if let Some(rest) = l.strip_prefix("```") {
                if rest.is_empty() || rest.starts_with("rust") {
                    return "```text".to_owned();
                }
            }
            l.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A doc comment body made safe for `///` lines.
pub fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end().replace("*/", "* /"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(
            pascal("CreateAudienceEndpoint_Input"),
            "CreateAudienceEndpointInput"
        );
        assert_eq!(
            pascal("get_audience_by_audience_id"),
            "GetAudienceByAudienceId"
        );
        assert_eq!(snake("audienceId"), "audience_id");
        assert_eq!(snake("page_size"), "page_size");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("HTTPStatus"), "http_status");
        assert_eq!(pascal("-created_at"), "CreatedAt");
        assert_eq!(pascal("3d"), "X3d");
    }

    #[test]
    fn docs_lose_indentation_and_fences_become_text() {
        assert_eq!(
            clean_doc("    a\n        b\n```\nx\n```"),
            "a\nb\n```text\nx\n```text"
        );
        assert_eq!(clean_doc("```json\n{}"), "```json\n{}");
    }

    #[test]
    fn synthesized_ids_use_method_and_path_only() {
        assert_eq!(
            synthesize_operation_id("get", "/audience/{audienceId}/examples"),
            "get_audience_by_audience_id_examples"
        );
        assert_eq!(
            synthesize_operation_id("POST", "/asset/batch-upload/{batchUploadId}/abort"),
            "post_asset_batch_upload_by_batch_upload_id_abort"
        );
        assert_eq!(synthesize_operation_id("get", "/jobs"), "get_jobs");
    }
}
