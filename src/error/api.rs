//! Failures the API answered with: the operation, the problem body, the status.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::request::Method;

use super::shared::{give_up_hint, truncate_chars, MAX_BODY_CHARS, MAX_DISPLAY_BODY_CHARS};

// ---------------------------------------------------------------------------------------
// Operation

/// Which API operation a failure belongs to: operation id, method and (filled-in) path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    pub(super) id: Cow<'static, str>,
    pub(super) method: Method,
    pub(super) path: String,
}

impl OperationInfo {
    /// Describes an operation.
    ///
    /// ```
    /// use rapidata::error::OperationInfo;
    /// use rapidata::request::Method;
    ///
    /// let op = OperationInfo::new("get_audience", Method::Get, "/audience/a1");
    /// assert_eq!(op.to_string(), "GET /audience/a1");
    /// ```
    pub fn new(id: impl Into<Cow<'static, str>>, method: Method, path: impl Into<String>) -> Self {
        OperationInfo {
            id: id.into(),
            method,
            path: path.into(),
        }
    }

    /// The operation id (from the spec, or synthesized from method and path).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The request path with its parameters filled in (no query string).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

// ---------------------------------------------------------------------------------------
// ProblemDetails

/// The server's error body: an RFC 7807 / ASP.NET `ValidationProblemDetails`.
///
/// Every member is optional on the wire; members the API adds beyond the standard ones
/// (`traceId`, `message`, `error`, `stage`, `upstreamHttpStatus`, …) are kept in
/// [`extensions`](ProblemDetails::extensions) and have accessors.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ProblemDetails {
    /// `type`: a URI identifying the kind of problem.
    pub r#type: Option<String>,
    /// `title`: a short summary of the problem.
    pub title: Option<String>,
    /// `status`: the HTTP status the server meant.
    pub status: Option<u16>,
    /// `detail`: an explanation specific to this occurrence.
    pub detail: Option<String>,
    /// `instance`: a URI identifying this occurrence.
    pub instance: Option<String>,
    /// `errors`: validation messages per request field.
    pub errors: BTreeMap<String, Vec<String>>,
    /// Every other member of the body.
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl ProblemDetails {
    /// Parses an error body; `None` unless it is a JSON object.
    ///
    /// ```
    /// let body = br#"{"title":"One or more validation errors occurred.","status":400,
    ///                 "errors":{"Name":["'Name' must not be empty."]},"traceId":"00-abc-01-00"}"#;
    /// let problem = rapidata::ProblemDetails::parse(body).unwrap();
    /// assert_eq!(problem.errors["Name"], ["'Name' must not be empty."]);
    /// assert_eq!(problem.trace_id(), Some("00-abc-01-00"));
    /// ```
    pub fn parse(body: &[u8]) -> Option<ProblemDetails> {
        let serde_json::Value::Object(mut map) = serde_json::from_slice(body).ok()? else {
            return None;
        };
        let mut take_string = |key: &str| match map.remove(key) {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => {
                map.insert(key.to_owned(), other);
                None
            }
            None => None,
        };
        let r#type = take_string("type");
        let title = take_string("title");
        let detail = take_string("detail");
        let instance = take_string("instance");
        let status = match map.get("status").and_then(|v| v.as_u64()) {
            Some(s) if s <= u64::from(u16::MAX) => {
                map.remove("status");
                Some(s as u16)
            }
            _ => None,
        };
        let mut errors = BTreeMap::new();
        if let Some(serde_json::Value::Object(fields)) = map.get("errors") {
            for (field, messages) in fields {
                let list = match messages {
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|m| match m {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect(),
                    serde_json::Value::String(s) => vec![s.clone()],
                    other => vec![other.to_string()],
                };
                errors.insert(field.clone(), list);
            }
            map.remove("errors");
        }
        Some(ProblemDetails {
            r#type,
            title,
            status,
            detail,
            instance,
            errors,
            extensions: map,
        })
    }

    fn ext_str(&self, key: &str) -> Option<&str> {
        self.extensions.get(key).and_then(|v| v.as_str())
    }

    /// The `traceId` member (a W3C traceparent, `00-<trace>-<span>-<flags>`).
    pub fn trace_id(&self) -> Option<&str> {
        self.ext_str("traceId")
    }

    /// The `message` member, else the `error` member.
    pub fn message(&self) -> Option<&str> {
        self.ext_str("message").or_else(|| self.ext_str("error"))
    }

    /// For asset ingestion failures: the `stage` that failed (`download`, `content_type`,
    /// `timeout`, `size`, `internal`).
    pub fn stage(&self) -> Option<&str> {
        self.ext_str("stage")
    }

    /// For asset ingestion failures: the HTTP status the asset's own server answered.
    pub fn upstream_http_status(&self) -> Option<u16> {
        self.extensions
            .get("upstreamHttpStatus")
            .and_then(|v| v.as_u64())
            .and_then(|v| u16::try_from(v).ok())
    }

    /// The best one-line summary: `title`, else `message`/`error`, else `detail`.
    pub fn summary(&self) -> Option<&str> {
        self.title
            .as_deref()
            .or_else(|| self.message())
            .or(self.detail.as_deref())
    }
}

// ---------------------------------------------------------------------------------------
// ApiError

/// The API answered with a non-success HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(super) operation: OperationInfo,
    pub(super) status: u16,
    pub(super) trace_id: Option<String>,
    pub(super) problem: Option<ProblemDetails>,
    pub(super) body: String,
    pub(super) retry_after: Option<Duration>,
    pub(super) attempts: u32,
}

impl ApiError {
    /// Builds the error from a response: the trace id comes from the `x-trace-id` header
    /// when given, else from the body's `traceId`.
    pub(crate) fn new(
        operation: OperationInfo,
        status: u16,
        header_trace_id: Option<String>,
        body: &[u8],
        retry_after: Option<Duration>,
        attempts: u32,
    ) -> ApiError {
        let problem = ProblemDetails::parse(body);
        let trace_id = header_trace_id
            .filter(|t| !t.is_empty())
            .or_else(|| problem.as_ref()?.trace_id().map(str::to_owned));
        ApiError {
            operation,
            status,
            trace_id,
            problem,
            body: truncate_chars(&String::from_utf8_lossy(body), MAX_BODY_CHARS),
            retry_after,
            attempts,
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> &OperationInfo {
        &self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The backend trace id (`x-trace-id` header, else the body's `traceId`).
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// The parsed error body, when it was a JSON object.
    pub fn problem(&self) -> Option<&ProblemDetails> {
        self.problem.as_ref()
    }

    /// Validation messages per request field (empty when the body had none).
    pub fn field_errors(&self) -> &BTreeMap<String, Vec<String>> {
        static EMPTY: BTreeMap<String, Vec<String>> = BTreeMap::new();
        self.problem.as_ref().map(|p| &p.errors).unwrap_or(&EMPTY)
    }

    /// The response body as text (lossy UTF-8, cut after 4096 characters).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The delay the server asked for with a numeric `Retry-After` header.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How many HTTP requests were made for this operation.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// HTTP 429, 502, 503 or 504.
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 502 | 503 | 504)
    }

    /// A non-`GET` request answered with 500, 502 or 504: the server (or a backend behind
    /// a gateway) may have carried it out. See [`Error::may_have_been_processed`](crate::Error::may_have_been_processed).
    pub fn may_have_been_processed(&self) -> bool {
        self.operation.method != Method::Get && matches!(self.status, 500 | 502 | 504)
    }

    fn hint(&self) -> &'static str {
        match self.status {
            400 | 422 => "Check the request values named above.",
            401 => {
                "The access token was rejected: check the credentials (client id and secret, \
                 or the token) and that they belong to this environment."
            }
            403 => "These credentials are not allowed to do this: check the account's permissions.",
            404 => "It does not exist or is not visible to these credentials: check the id.",
            408 => "The server gave up waiting for the request: try again.",
            409 => "It is in a conflicting state or not ready yet: try again later.",
            429 => "Too many requests: wait and try again, or lower the concurrency (max_workers).",
            500..=599 => {
                "The server failed: try again later, and if it persists contact Rapidata \
                 support with the trace id."
            }
            _ => "",
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
        if let Some(reason) = reason_phrase(self.status) {
            write!(f, " {reason}")?;
        }
        let summary = self.problem.as_ref().and_then(ProblemDetails::summary);
        match summary {
            Some(s) => write!(f, ": {s}")?,
            None if !self.body.trim().is_empty() => {
                let one_line: String = self.body.split_whitespace().collect::<Vec<_>>().join(" ");
                write!(f, ": {}", truncate_chars(&one_line, MAX_DISPLAY_BODY_CHARS))?
            }
            None => {}
        }
        if let Some(p) = &self.problem {
            if let Some(detail) = p.detail.as_deref() {
                if Some(detail) != summary {
                    write!(f, " ({detail})")?;
                }
            }
            if let Some(stage) = p.stage() {
                write!(f, " [stage: {stage}")?;
                if let Some(up) = p.upstream_http_status() {
                    write!(f, ", upstream HTTP {up}")?;
                }
                write!(f, "]")?;
            }
        }
        let errors = self.field_errors();
        if !errors.is_empty() {
            write!(f, ". Field errors:")?;
            for (i, (field, messages)) in errors.iter().enumerate() {
                let sep = if i == 0 { " " } else { "; " };
                write!(f, "{sep}`{field}`: {}", messages.join(" "))?;
            }
        }
        write!(f, ".")?;
        if let Some(t) = &self.trace_id {
            write!(f, " Trace id: {t}.")?;
        }
        if self.attempts > 1 {
            write!(f, " Failed after {} attempts.", self.attempts)?;
        }
        let hint = self.hint();
        if !hint.is_empty() {
            write!(f, " {hint}")?;
        }
        if self.is_retryable() && self.attempts > 1 {
            give_up_hint(f, self.attempts)?;
        }
        if self.may_have_been_processed() {
            write!(
                f,
                " The request may have been carried out anyway: check before repeating it."
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}
