//! Cutting texts to a column width for the result tables.

pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Keeps the end of a name: asset identifiers (URLs, paths) differ in their last segment.
pub(super) fn shorten_name(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        text.to_owned()
    } else {
        let tail: String = text.chars().skip(n - max.saturating_sub(1)).collect();
        format!("…{tail}")
    }
}
