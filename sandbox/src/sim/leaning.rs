//! How a datapoint leans: the answer its context, private metadata or file names point to,
//! and the text helpers behind it.

/// Which answer the crowd leans to for one datapoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leaning {
    /// Labelers pick this option with probability = skill (else a random other one).
    Option(usize),
    /// Votes alternate between the two options (A on even votes): an exact tie on an even
    /// number of votes.
    Tie,
}

/// Case-insensitive search for `needle` as a whole word (bounded by non-alphanumerics).
pub(crate) fn contains_word(haystack: &str, needle: &str) -> bool {
    let hay = haystack.to_lowercase();
    let needle = needle.to_lowercase();
    if needle.is_empty() {
        return false;
    }
    let mut start = 0;
    while let Some(pos) = hay[start..].find(&needle) {
        let at = start + pos;
        let end = at + needle.len();
        let before = hay[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        start = at + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The `[sandbox:…]` marker of a context, if any (lower-cased content).
pub(crate) fn marker(context: Option<&str>) -> Option<String> {
    let lower = context?.to_lowercase();
    let start = lower.find("[sandbox:")? + "[sandbox:".len();
    let end = lower[start..].find(']')? + start;
    Some(lower[start..end].trim().to_string())
}

/// The documented rule for which compare option is better: the `sandbox` key of
/// `privateMetadata`, else a `[sandbox:A]` / `[sandbox:B]` / `[sandbox:tie]` marker in the
/// context, else A.
pub(crate) fn compare_leaning(
    context: Option<&str>,
    private_metadata: Option<&std::collections::BTreeMap<String, String>>,
) -> Leaning {
    let hint = private_metadata
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_lowercase())
        .or_else(|| marker(context));
    match hint.as_deref() {
        Some("b") => Leaning::Option(1),
        Some("tie") => Leaning::Tie,
        _ => Leaning::Option(0),
    }
}

/// The documented rule for which category is right: the `sandbox` key of `privateMetadata`
/// or a `[sandbox:<label>]` context marker naming a category, else the first category whose
/// label occurs as a word in the asset's identifier (file name, URL or text), else the first
/// category.
pub(crate) fn classify_leaning(
    context: Option<&str>,
    private_metadata: Option<&std::collections::BTreeMap<String, String>>,
    identifier: &str,
    categories: &[String],
) -> Leaning {
    let hint = private_metadata
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_lowercase())
        .or_else(|| marker(context));
    if let Some(hint) = hint {
        if hint == "tie" {
            return Leaning::Tie;
        }
        if let Some(i) = categories.iter().position(|c| c.to_lowercase() == hint) {
            return Leaning::Option(i);
        }
    }
    let found = categories.iter().position(|c| contains_word(identifier, c));
    Leaning::Option(found.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert!(contains_word("https://x/dog_1.jpg", "Dog"));
        assert!(!contains_word("https://x/dogma.jpg", "dog"));
        assert!(contains_word("A cat.", "cat"));
    }

    #[test]
    fn leanings() {
        assert_eq!(compare_leaning(None, None), Leaning::Option(0));
        assert_eq!(
            compare_leaning(Some("x [Sandbox:B] y"), None),
            Leaning::Option(1)
        );
        assert_eq!(compare_leaning(Some("[sandbox:tie]"), None), Leaning::Tie);
        let cats = vec!["Cat".to_string(), "Dog".to_string()];
        assert_eq!(
            classify_leaning(None, None, "dog.jpg", &cats),
            Leaning::Option(1)
        );
        assert_eq!(
            classify_leaning(Some("[sandbox:cat]"), None, "dog.jpg", &cats),
            Leaning::Option(0)
        );
        assert_eq!(
            classify_leaning(None, None, "x.jpg", &cats),
            Leaning::Option(0)
        );
    }
}
