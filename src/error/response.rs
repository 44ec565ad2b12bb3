//! Success responses that could not be used: undecodable, redirected, too large.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::request::DecodeError;

use super::api::{ApiError, OperationInfo};
use super::shared::{human_bytes, truncate_chars, MAX_VALUE_CHARS};

// ---------------------------------------------------------------------------------------
// ResponseDecodeError

/// A success response whose body did not fit the operation's output type.
#[derive(Debug, Clone)]
pub struct ResponseDecodeError {
    pub(super) operation: OperationInfo,
    pub(super) status: u16,
    pub(super) trace_id: Option<String>,
    pub(super) attempts: u32,
    pub(super) source: DecodeError,
}

impl ResponseDecodeError {
    pub(crate) fn new(
        operation: OperationInfo,
        status: u16,
        trace_id: Option<String>,
        attempts: u32,
        source: DecodeError,
    ) -> ResponseDecodeError {
        ResponseDecodeError {
            operation,
            status,
            trace_id,
            attempts,
            source,
        }
    }

    /// The operation whose response could not be decoded.
    pub fn operation(&self) -> &OperationInfo {
        &self.operation
    }

    /// The (successful) HTTP status of the response.
    pub fn http_status(&self) -> u16 {
        self.status
    }

    /// The response's `x-trace-id` header.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// The decode failure, with the JSON path of the offending value.
    pub fn decode_error(&self) -> &DecodeError {
        &self.source
    }
}

impl fmt::Display for ResponseDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (operation `{}`): could not decode the HTTP {} response.",
            self.operation,
            self.operation.id(),
            self.status
        )?;
        if let Some(t) = &self.trace_id {
            write!(f, " Trace id: {t}.")?;
        }
        write!(
            f,
            " The API probably changed: update the rapidata crate, or report this with the trace id."
        )
    }
}

impl std::error::Error for ResponseDecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

// ---------------------------------------------------------------------------------------
// RedirectError

/// The server answered with a redirect (HTTP 3xx).
///
/// The Rapidata API never redirects. A redirect comes from something in between (a proxy,
/// a captive portal) or a wrong base URL, and following it would send the request
/// elsewhere — a `POST` turned into a `GET` without credentials — so it is not followed
/// and nothing is sent again.
#[derive(Debug, Clone)]
pub struct RedirectError {
    pub(super) operation: OperationInfo,
    pub(super) status: u16,
    pub(super) location: Option<String>,
    pub(super) attempts: u32,
}

impl RedirectError {
    pub(crate) fn new(
        operation: OperationInfo,
        status: u16,
        location: Option<String>,
        attempts: u32,
    ) -> RedirectError {
        RedirectError {
            operation,
            status,
            location: location.map(|l| truncate_chars(&l, MAX_VALUE_CHARS)),
            attempts,
        }
    }

    /// The operation that was redirected.
    pub fn operation(&self) -> &OperationInfo {
        &self.operation
    }

    /// The redirect's HTTP status (301, 302, 303, 307, 308, …).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Where the server pointed to (the `Location` header), when given.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} was answered with a redirect, HTTP {}",
            self.operation, self.status
        )?;
        match &self.location {
            Some(l) => write!(f, " to {l:?}")?,
            None => write!(f, " without a Location")?,
        }
        write!(
            f,
            ". The Rapidata API never redirects, so it was not followed and nothing was sent \
             again. Check api_url/auth_url (or the environment) and any proxy in between."
        )
    }
}

impl std::error::Error for RedirectError {}

// ---------------------------------------------------------------------------------------
// ResponseTooLarge

/// A success response longer than its operation's limit (counted after decompression):
/// [`request::MAX_JSON_RESPONSE_BYTES`](crate::request::MAX_JSON_RESPONSE_BYTES) for JSON
/// documents, [`request::MAX_FILE_RESPONSE_BYTES`](crate::request::MAX_FILE_RESPONSE_BYTES)
/// for result files (see [`Operation::MAX_RESPONSE_BYTES`](crate::request::Operation::MAX_RESPONSE_BYTES)).
/// Reading stopped at the limit, so memory stays bounded. Not retried.
#[derive(Debug, Clone)]
pub struct ResponseTooLarge {
    pub(super) operation: OperationInfo,
    pub(super) limit: u64,
    pub(super) attempts: u32,
}

impl ResponseTooLarge {
    pub(crate) fn new(operation: OperationInfo, limit: u64, attempts: u32) -> ResponseTooLarge {
        ResponseTooLarge {
            operation,
            limit,
            attempts,
        }
    }

    /// The operation whose answer was too large.
    pub fn operation(&self) -> &OperationInfo {
        &self.operation
    }

    /// The limit in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (operation `{}`): the answer is larger than the {} this operation's answers \
             may have (counted after decompression); it was not read further. The server or \
             something in between sent far more than expected: report it with the path above.",
            self.operation,
            self.operation.id(),
            human_bytes(self.limit)
        )
    }
}

impl std::error::Error for ResponseTooLarge {}

// ---------------------------------------------------------------------------------------
// FileTooLarge

/// The server refused a file upload with HTTP 413 (Payload Too Large). Not retried; the
/// answer was read before the file was streamed whenever the server gave it early.
#[derive(Debug, Clone)]
pub struct FileTooLarge {
    pub(super) path: PathBuf,
    pub(super) size: u64,
    pub(super) api: ApiError,
}

impl FileTooLarge {
    pub(crate) fn new(path: PathBuf, size: u64, api: ApiError) -> FileTooLarge {
        FileTooLarge { path, size, api }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's size in bytes when it was sent.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The server's answer.
    pub fn api_error(&self) -> &ApiError {
        &self.api
    }
}

impl fmt::Display for FileTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the server refused to accept the file `{}` ({} bytes, {}) as too large: {} \
             Upload a smaller file (compress or scale it down).",
            self.path.display(),
            self.size,
            human_bytes(self.size),
            self.api
        )
    }
}

impl std::error::Error for FileTooLarge {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.api)
    }
}
