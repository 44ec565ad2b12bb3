//! What every error kind shares: text limits, truncation, the retry hint and the boxed
//! source type.

use std::fmt;

/// A boxed, thread-safe error used as the `source` of transport and auth failures.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The longest response body (in characters) kept inside an [`ApiError`](super::ApiError).
pub(super) const MAX_BODY_CHARS: usize = 4096;

/// The longest body excerpt shown in a `Display` text.
pub(super) const MAX_DISPLAY_BODY_CHARS: usize = 300;

/// The longest rendering of a rejected value in [`InvalidInput`](super::InvalidInput).
pub(super) const MAX_VALUE_CHARS: usize = 200;

/// The hint of an error that gave up after retrying: which setting allows more attempts.
pub(super) fn give_up_hint(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    write!(
        f,
        " The client gave up after {attempts} attempts (ClientBuilder::max_attempts, or \
         SendOptions::max_attempts for one call): raise it to ride out a longer outage."
    )
}

/// Cuts `text` after `max` characters, marking the cut with `…`.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((idx, _)) => format!("{}…", &text[..idx]),
        None => text.to_owned(),
    }
}

/// `1536` → `1.5 KiB`.
pub(super) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else if value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
