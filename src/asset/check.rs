//! Checks of items before anything is sent: files readable, URLs well formed, texts not
//! empty.

use super::item::{is_http_url, DataItem};
use crate::{Error, Result};

impl DataItem {
    /// Checks the item without sending anything: a file must exist, be a regular file and
    /// be readable; a URL must be a well-formed `http(s)` URL; a text must not be empty.
    /// Errors are [`Error::InvalidInput`]s naming `argument` and the item.
    pub(crate) fn validate(&self, argument: &str) -> Result<()> {
        match self {
            DataItem::Url(url) => {
                validate_url(url).map_err(|reason| Error::invalid_input(argument, url, reason))
            }
            DataItem::File(path) => {
                let shown = path.display().to_string();
                let meta = std::fs::metadata(path).map_err(|e| {
                    let reason = if e.kind() == std::io::ErrorKind::NotFound {
                        "no such file (a string not starting with http:// or https:// is \
                         taken as a local file path; use DataItem::text for text)"
                            .to_owned()
                    } else {
                        format!("cannot read the file: {e}")
                    };
                    Error::invalid_input(argument, &shown, reason)
                })?;
                if !meta.is_file() {
                    return Err(Error::invalid_input(
                        argument,
                        &shown,
                        "not a regular file (a directory or special file)",
                    ));
                }
                std::fs::File::open(path).map_err(|e| {
                    Error::invalid_input(argument, &shown, format!("cannot read the file: {e}"))
                })?;
                Ok(())
            }
            DataItem::Text(text) => {
                if text.trim().is_empty() {
                    return Err(Error::invalid_input(
                        argument,
                        text,
                        "a text item must not be empty",
                    ));
                }
                Ok(())
            }
        }
    }
}

/// A light syntax check of an `http(s)` URL: scheme, a host, a numeric port if any, and
/// no whitespace or control characters outside the path.
pub(super) fn validate_url(url: &str) -> std::result::Result<(), &'static str> {
    if !is_http_url(url) {
        return Err("not an http:// or https:// URL");
    }
    if url.chars().any(|c| c.is_control()) {
        return Err("URLs must not contain control characters");
    }
    let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(stripped) = host_port.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => return Err("unclosed `[` in the host"),
        }
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("the URL has no host");
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || "<>\"{}|\\^`%".contains(c))
    {
        return Err("the host contains characters a host name cannot have");
    }
    if let Some(p) = port {
        if !p.is_empty() && p.parse::<u16>().is_err() {
            return Err("the port is not a number from 0 to 65535");
        }
    }
    if url.trim() != url {
        return Err("the URL starts or ends with whitespace");
    }
    Ok(())
}

/// Checks every item, naming item `i` `{argument}[i]`.
pub(crate) fn validate_all(argument: &str, items: &[DataItem]) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        item.validate(&format!("{argument}[{i}]"))?;
    }
    Ok(())
}
