//! The crate's error type.
//!
//! Every fallible function in this crate returns [`Result<T>`](Result), whose error is the
//! single, `#[non_exhaustive]` [`Error`] enum. Each variant carries a struct with the
//! context a caller needs to react (HTTP status, trace id, the server's
//! [`ProblemDetails`], the operation, the number of attempts made …), and the top-level
//! [`Error`] offers shortcuts that work across variants:
//!
//! * [`Error::status`]: the HTTP status of a failed API call (`Some(404)` …);
//! * [`Error::trace_id`]: the backend trace id to quote to Rapidata support;
//! * [`Error::is_retryable`]: whether trying again later may succeed;
//! * [`Error::may_have_been_processed`]: whether a failed request may still have taken
//!   effect on the server (so look before repeating it);
//! * [`Error::problem`]: the parsed error body;
//! * [`Error::as_invalid_input`]: details of input rejected before any request was sent
//!   (build such errors with [`Error::invalid_input`]).
//!
//! `Display` texts say what went wrong and what to do about it, and never repeat their
//! cause: [`std::error::Error::source`] leads to it (an I/O error, the HTTP library's
//! error, a decode error naming the field), so an error reporter that walks the chain
//! prints each cause once. `{err:?}` is such a report: the text, then a `Caused by:` line
//! per cause (`{err:#?}` gives the structured form).
//! No error ever contains a client secret or an access token.
//!
//! ```
//! use rapidata::Error;
//!
//! fn describe(err: &Error) -> String {
//!     match err.status() {
//!         Some(404) => "not there (yet)".to_owned(),
//!         Some(409) => "not ready yet, ask again later".to_owned(),
//!         _ if err.is_retryable() => format!("temporary failure: {err}"),
//!         _ => format!("failed: {err}"),
//!     }
//! }
//! # let err = Error::invalid_input("name", "", "must not be empty");
//! # assert!(describe(&err).starts_with("failed: invalid `name`"));
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::request::{DecodeError, Method};

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A boxed, thread-safe error used as the `source` of transport and auth failures.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The longest response body (in characters) kept inside an [`ApiError`].
const MAX_BODY_CHARS: usize = 4096;
/// The longest body excerpt shown in a `Display` text.
const MAX_DISPLAY_BODY_CHARS: usize = 300;
/// The longest rendering of a rejected value in [`InvalidInput`].
const MAX_VALUE_CHARS: usize = 200;

/// Everything that can go wrong in this crate.
///
/// Match on the variant for details, or use the methods that work across variants
/// ([`status`](Error::status), [`trace_id`](Error::trace_id),
/// [`is_retryable`](Error::is_retryable),
/// [`may_have_been_processed`](Error::may_have_been_processed), …). New variants may be
/// added in minor releases, so a `match` needs a wildcard arm.
///
/// # `Debug` prints the message
///
/// `{:?}` prints the same text as `Display`, followed by the chain of
/// [`source`](std::error::Error::source)s (`Caused by:` lines; a cause whose text the
/// message already contains is left out). So `fn main() -> rapidata::Result<()>`, which
/// prints a returned error with `Debug` (`Error: …`), and `.unwrap()` show the helpful
/// text, not a struct dump. The structured form — variant, fields, nested errors — is
/// `{:#?}` (alternate `Debug`).
///
/// ```
/// let err = rapidata::Error::invalid_input("max_votes", 0, "must be at least 1");
/// assert_eq!(format!("{err:?}"), "invalid `max_votes` (0): must be at least 1");
/// assert!(format!("{err:#?}").starts_with("InvalidInput("));
/// ```
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success HTTP status (after any retries).
    Api(Box<ApiError>),
    /// No usable HTTP response: connection, timeout, TLS or protocol failure (after any
    /// retries).
    Transport(Box<TransportError>),
    /// A success response whose body did not have the expected shape.
    Decode(Box<ResponseDecodeError>),
    /// No access token could be obtained from the token endpoint.
    Auth(Box<AuthError>),
    /// The client is misconfigured: missing credentials, bad environment, insecure URL,
    /// invalid builder value, unreadable credentials or token file.
    Config(Box<ConfigError>),
    /// A local file could not be read or written.
    Io(IoError),
    /// An argument was rejected before any request was sent.
    InvalidInput(InvalidInput),
    /// A job will not finish without someone acting (paused, spend-limited, waiting for
    /// manual approval, blocked, failed, or its audience can never answer).
    JobStuck(Box<crate::job::JobStuck>),
    /// Waiting (for a job, a cost estimate, …) took longer than the caller allowed.
    Timeout(Box<crate::job::WaitTimeout>),
    /// Too many datapoints of a new job definition failed, so it was not created; the
    /// detail holds every failure and a resumable [`crate::job::PendingDefinition`].
    UploadFailed(Box<crate::job::UploadFailure>),
    /// The server answered with a redirect (3xx). The API never redirects, so redirects
    /// are not followed and nothing is sent again.
    Redirect(Box<RedirectError>),
    /// A success response was larger than the operation's answers can legitimately be;
    /// it was not read any further.
    ResponseTooLarge(Box<ResponseTooLarge>),
    /// The server refused a file upload as too large (HTTP 413).
    FileTooLarge(Box<FileTooLarge>),
    /// A custom audience has fewer qualification examples than its graduation rule's
    /// `min_tasks`, so it cannot start recruiting (checked before the recruit request, and
    /// recognised in the server's refusal).
    NotEnoughExamples(Box<crate::audience::NotEnoughExamples>),
    /// The answer to a create (`POST /audience`, `POST /job/definition`, `POST /job`) was
    /// lost, and what the server holds now cannot tell whether it was carried out: a new
    /// look-alike could not be checked, or several match what was sent. Nothing was sent
    /// again and nothing was adopted; [`may_have_been_processed`](Error::may_have_been_processed)
    /// is `true`.
    UnresolvedCreate(Box<UnresolvedCreate>),
    /// Saving a job definition with `require_latest` found that another revision was saved
    /// since the one the handle was loaded at (HTTP 409): nothing was created and the
    /// staged changes are kept. Carries both revision numbers.
    RevisionConflict(Box<crate::job::RevisionConflict>),
    /// Some datapoints of a new dataset for a job definition (`set_datapoints`,
    /// `update_dataset`) failed to upload: nothing was staged; the same call again sends
    /// only the failed ones, into the same dataset.
    DatasetUploadFailed(Box<crate::job::DatasetUploadFailure>),
}

impl Error {
    /// An [`Error::InvalidInput`] for an argument rejected before any request was sent.
    ///
    /// `value` is rendered with its `Debug` form (shortened when long). Never pass a
    /// secret as `value`.
    ///
    /// ```
    /// let err = rapidata::Error::invalid_input("max_votes", 0, "must be at least 1");
    /// assert_eq!(err.to_string(), "invalid `max_votes` (0): must be at least 1");
    /// ```
    pub fn invalid_input(
        argument: impl Into<String>,
        value: impl fmt::Debug,
        reason: impl Into<String>,
    ) -> Error {
        Error::InvalidInput(InvalidInput {
            argument: argument.into(),
            value: truncate_chars(&format!("{value:?}"), MAX_VALUE_CHARS),
            reason: reason.into(),
        })
    }

    /// An [`Error::Io`]: `action` failed on `path` (`action` reads like "read the token
    /// file").
    ///
    /// ```
    /// let err = rapidata::Error::io(
    ///     "read the image",
    ///     "/tmp/missing.png",
    ///     std::io::Error::from(std::io::ErrorKind::NotFound),
    /// );
    /// assert!(err.to_string().starts_with("could not read the image `/tmp/missing.png`"));
    /// ```
    pub fn io(action: impl Into<String>, path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io(IoError {
            action: action.into(),
            path: path.into(),
            source,
        })
    }

    /// The HTTP status of the API response behind this error, for [`Error::Api`] (and
    /// [`Error::FileTooLarge`], always 413). A redirect's status is in
    /// [`RedirectError::status`].
    ///
    /// Use it for statuses that mean "not ready yet" rather than failure, e.g. 404 from a
    /// job's progress before labeling starts or 409 from a cost estimate.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::FileTooLarge(e) => Some(e.api.status),
            Error::RevisionConflict(_) => Some(409),
            _ => None,
        }
    }

    /// The backend trace id (response header `x-trace-id`, else the body's `traceId`),
    /// when the failure came with a response. Quote it when contacting Rapidata support.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.trace_id(),
            Error::Decode(e) => e.trace_id(),
            Error::Auth(e) => e.trace_id(),
            Error::FileTooLarge(e) => e.api.trace_id(),
            Error::UnresolvedCreate(e) => e.lost.as_ref().and_then(|l| l.trace_id()),
            _ => None,
        }
    }

    /// Whether the same request may succeed when tried again later: HTTP 429, 502, 503,
    /// 504 and transport failures other than TLS errors. (These have already been retried
    /// as far as the client's [`RetryPolicy`](crate::RetryPolicy) allows.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport(e) => e.is_retryable(),
            Error::Auth(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Whether a failed request may nevertheless have been carried out by the server.
    ///
    /// `true` for non-`GET` requests that reached (or may have reached) the server and
    /// whose outcome is unknown: a read timeout or a connection lost after sending, an
    /// HTTP 500/502/504 answer, or a success status whose body could not be decoded (the
    /// server said it acted, but not in the expected words). Before repeating such a
    /// request — above all a `POST` that creates something — look up whether it took
    /// effect, so nothing is created twice. `false` when the request provably was not
    /// processed (no connection, HTTP 429/503, validation errors) and for errors that
    /// involve no request.
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Error::Api(e) => e.may_have_been_processed(),
            Error::Transport(e) => e.may_have_been_processed(),
            Error::Decode(e) => e.operation().method() != Method::Get,
            Error::ResponseTooLarge(e) => e.operation().method() != Method::Get,
            Error::UnresolvedCreate(_) => true,
            _ => false,
        }
    }

    /// The server's parsed error body (RFC 7807 `ProblemDetails`), for [`Error::Api`].
    pub fn problem(&self) -> Option<&ProblemDetails> {
        match self {
            Error::Api(e) => e.problem(),
            _ => None,
        }
    }

    /// Details of an argument rejected before sending, for [`Error::InvalidInput`].
    pub fn as_invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            Error::InvalidInput(e) => Some(e),
            _ => None,
        }
    }

    /// The API failure, for [`Error::Api`].
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// How many HTTP requests were made before giving up (0 when none was made).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts,
            Error::Transport(e) => e.attempts,
            Error::Decode(e) => e.attempts,
            Error::Auth(e) => e.attempts,
            Error::Redirect(e) => e.attempts,
            Error::ResponseTooLarge(e) => e.attempts,
            Error::FileTooLarge(e) => e.api.attempts,
            Error::UnresolvedCreate(e) => e.lost.as_ref().map_or(0, |l| l.attempts()),
            _ => 0,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
            Error::Io(e) => e.fmt(f),
            Error::InvalidInput(e) => e.fmt(f),
            Error::JobStuck(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::UploadFailed(e) => e.fmt(f),
            Error::Redirect(e) => e.fmt(f),
            Error::ResponseTooLarge(e) => e.fmt(f),
            Error::FileTooLarge(e) => e.fmt(f),
            Error::NotEnoughExamples(e) => e.fmt(f),
            Error::UnresolvedCreate(e) => e.fmt(f),
            Error::RevisionConflict(e) => e.fmt(f),
            Error::DatasetUploadFailed(e) => e.fmt(f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return self.fmt_structured(f);
        }
        let message = self.to_string();
        f.write_str(&message)?;
        write_causes(f, &message, std::error::Error::source(self))
    }
}

/// Writes `source` and its sources as `Caused by:` lines, leaving out those whose text is
/// already part of the text shown before them.
fn write_causes(
    f: &mut fmt::Formatter<'_>,
    message: &str,
    mut source: Option<&(dyn std::error::Error + 'static)>,
) -> fmt::Result {
    let mut shown = message.to_owned();
    let mut header = false;
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !shown.contains(&text) {
            if !header {
                f.write_str("\n\nCaused by:")?;
                header = true;
            }
            write!(f, "\n    {}", text.replace('\n', "\n    "))?;
            shown.push('\n');
            shown.push_str(&text);
        }
        source = cause.source();
    }
    Ok(())
}

impl Error {
    /// The structured `Debug` form (`{:#?}`): the variant and its detail struct.
    fn fmt_structured(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, detail): (&str, &dyn fmt::Debug) = match self {
            Error::Api(e) => ("Api", e),
            Error::Transport(e) => ("Transport", e),
            Error::Decode(e) => ("Decode", e),
            Error::Auth(e) => ("Auth", e),
            Error::Config(e) => ("Config", e),
            Error::Io(e) => ("Io", e),
            Error::InvalidInput(e) => ("InvalidInput", e),
            Error::JobStuck(e) => ("JobStuck", e),
            Error::Timeout(e) => ("Timeout", e),
            Error::UploadFailed(e) => ("UploadFailed", e),
            Error::Redirect(e) => ("Redirect", e),
            Error::ResponseTooLarge(e) => ("ResponseTooLarge", e),
            Error::FileTooLarge(e) => ("FileTooLarge", e),
            Error::NotEnoughExamples(e) => ("NotEnoughExamples", e),
            Error::UnresolvedCreate(e) => ("UnresolvedCreate", e),
            Error::RevisionConflict(e) => ("RevisionConflict", e),
            Error::DatasetUploadFailed(e) => ("DatasetUploadFailed", e),
        };
        f.debug_tuple(name).field(detail).finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Decode(e) => e.source(),
            Error::Auth(e) => e.source(),
            Error::Config(e) => e.source(),
            Error::Io(e) => e.source(),
            Error::InvalidInput(e) => e.source(),
            Error::FileTooLarge(e) => Some(&e.api),
            Error::UnresolvedCreate(e) => e.lost.as_deref().map(|l| l as _),
            Error::JobStuck(_)
            | Error::Timeout(_)
            | Error::UploadFailed(_)
            | Error::Redirect(_)
            | Error::ResponseTooLarge(_)
            | Error::NotEnoughExamples(_)
            | Error::RevisionConflict(_)
            | Error::DatasetUploadFailed(_) => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(Box::new(e))
    }
}

impl From<ResponseDecodeError> for Error {
    fn from(e: ResponseDecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth(Box::new(e))
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(Box::new(e))
    }
}

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        Error::Io(e)
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidInput(e)
    }
}

impl From<RedirectError> for Error {
    fn from(e: RedirectError) -> Self {
        Error::Redirect(Box::new(e))
    }
}

impl From<ResponseTooLarge> for Error {
    fn from(e: ResponseTooLarge) -> Self {
        Error::ResponseTooLarge(Box::new(e))
    }
}

impl From<FileTooLarge> for Error {
    fn from(e: FileTooLarge) -> Self {
        Error::FileTooLarge(Box::new(e))
    }
}

/// A create whose answer was lost and whose outcome cannot be decided; see
/// [`Error::UnresolvedCreate`].
///
/// ```no_run
/// # fn demo(err: rapidata::Error) {
/// if let rapidata::Error::UnresolvedCreate(u) = &err {
///     eprintln!("check these {}s before creating again: {:?}", u.what(), u.candidates());
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct UnresolvedCreate {
    pub(crate) what: String,
    pub(crate) candidates: Vec<(String, String)>,
    pub(crate) reason: String,
    pub(crate) lost: Option<Box<Error>>,
}

impl UnresolvedCreate {
    /// What was being created (`"audience"`, `"job definition"`, `"job"`).
    pub fn what(&self) -> &str {
        &self.what
    }

    /// The ids that appeared while the create was in flight and could be ours, each with
    /// why it could not be decided.
    pub fn candidates(&self) -> &[(String, String)] {
        &self.candidates
    }

    /// The failure of the create request whose answer was lost (`None` when an earlier
    /// call reported it, e.g. a [`PendingDefinition::retry`](crate::job::PendingDefinition::retry)
    /// after a lost `POST /job/definition`).
    pub fn lost_request(&self) -> Option<&Error> {
        self.lost.as_deref()
    }
}

impl fmt::Display for UnresolvedCreate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the answer to creating the {} was lost", self.what)?;
        if let Some(lost) = &self.lost {
            write!(f, " ({lost})")?;
        }
        write!(
            f,
            ", and whether it was created cannot be decided: {}",
            self.reason
        )?;
        for (i, (id, why)) in self.candidates.iter().enumerate() {
            write!(f, "{} {id} ({why})", if i == 0 { ":" } else { ";" })?;
        }
        write!(
            f,
            ". Nothing was sent again and none of them was taken for ours: look at them \
             (and delete the one that is yours, if any) before creating it again."
        )
    }
}

/// The hint of an error that gave up after retrying: which setting allows more attempts.
fn give_up_hint(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    write!(
        f,
        " The client gave up after {attempts} attempts (ClientBuilder::max_attempts, or \
         SendOptions::max_attempts for one call): raise it to ride out a longer outage."
    )
}

// ---------------------------------------------------------------------------------------
// Operation

/// Which API operation a failure belongs to: operation id, method and (filled-in) path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    id: Cow<'static, str>,
    method: Method,
    path: String,
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
    operation: OperationInfo,
    status: u16,
    trace_id: Option<String>,
    problem: Option<ProblemDetails>,
    body: String,
    retry_after: Option<Duration>,
    attempts: u32,
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
    /// a gateway) may have carried it out. See [`Error::may_have_been_processed`].
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

// ---------------------------------------------------------------------------------------
// TransportError

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS failure, connection refused, unreachable host,
    /// connect timeout). The request was not sent.
    Connect,
    /// The server did not answer in time (after the connection was made).
    Timeout,
    /// The connection broke while sending the request or reading the response.
    ConnectionLost,
    /// TLS failed (certificate verification, handshake). Never retried.
    Tls,
    /// The server's answer was not valid HTTP (or its compression was corrupt).
    Protocol,
    /// The exchange did not finish within the client's deadline
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)): the server answered
    /// too slowly, or sent the answer too slowly. Not retried.
    Deadline,
    /// Anything else (an invalid request).
    Other,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "could not connect to the server",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::ConnectionLost => "the connection was lost",
            TransportErrorKind::Tls => "TLS failed",
            TransportErrorKind::Protocol => "the server's answer was malformed",
            TransportErrorKind::Deadline => "the deadline passed",
            TransportErrorKind::Other => "the request failed",
        }
    }
}

/// No usable HTTP response was received.
#[derive(Debug)]
pub struct TransportError {
    operation: OperationInfo,
    kind: TransportErrorKind,
    request_sent: bool,
    retryable: bool,
    attempts: u32,
    source: BoxError,
}

impl TransportError {
    pub(crate) fn new(
        operation: OperationInfo,
        kind: TransportErrorKind,
        request_sent: bool,
        retryable: bool,
        attempts: u32,
        source: BoxError,
    ) -> TransportError {
        TransportError {
            operation,
            kind,
            request_sent,
            retryable,
            attempts,
            source,
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> &OperationInfo {
        &self.operation
    }

    /// What kind of failure it was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether (part of) the request may have reached the server. `false` only when the
    /// connection could not even be established.
    pub fn request_sent(&self) -> bool {
        self.request_sent
    }

    /// How many HTTP requests were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether trying again later may help (everything but TLS and local failures).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The request may have reached the server and it is not a `GET`; see
    /// [`Error::may_have_been_processed`].
    pub fn may_have_been_processed(&self) -> bool {
        self.request_sent && self.operation.method != Method::Get
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.kind.describe())?;
        if self.attempts > 1 {
            write!(f, "; failed after {} attempts", self.attempts)?;
        }
        write!(f, ".")?;
        let hint = match self.kind {
            TransportErrorKind::Connect => {
                " Check the network connection and the API URL or environment."
            }
            TransportErrorKind::Timeout => {
                " Try again later, or allow more time with ClientBuilder::timeout."
            }
            TransportErrorKind::Deadline => {
                " Try again later, or allow more time for the whole exchange with \
                 ClientBuilder::deadline (large uploads and downloads on a slow link need more)."
            }
            TransportErrorKind::ConnectionLost | TransportErrorKind::Protocol => {
                " Try again later; a proxy or unstable network can cause this."
            }
            TransportErrorKind::Tls => {
                " Check the system clock and any TLS-intercepting proxy or firewall; a \
                 private CA must be given with ClientBuilder::add_root_certificate_pem."
            }
            TransportErrorKind::Other => "",
        };
        f.write_str(hint)?;
        if self.retryable && self.attempts > 1 {
            give_up_hint(f, self.attempts)?;
        }
        if self.may_have_been_processed() {
            write!(
                f,
                " The server may have carried out the request: check before repeating it."
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

// ---------------------------------------------------------------------------------------
// ResponseDecodeError

/// A success response whose body did not fit the operation's output type.
#[derive(Debug, Clone)]
pub struct ResponseDecodeError {
    operation: OperationInfo,
    status: u16,
    trace_id: Option<String>,
    attempts: u32,
    source: DecodeError,
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
// AuthError

/// What went wrong while obtaining an access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// The token endpoint refused to issue a token (an OAuth error such as
    /// `invalid_client`, or an unexpected HTTP status).
    Rejected,
    /// The token endpoint could not be reached.
    Transport,
    /// The token endpoint answered success with an unusable body.
    InvalidResponse,
    /// The token endpoint answered with a redirect (3xx), which is not followed: the
    /// credentials would be sent elsewhere. See [`AuthError::location`].
    Redirected,
}

/// No access token could be obtained from the token endpoint (`<auth>/connect/token`).
///
/// Never contains the client secret or a token.
#[derive(Debug)]
pub struct AuthError {
    kind: AuthErrorKind,
    token_url: String,
    status: Option<u16>,
    oauth_error: Option<String>,
    description: Option<String>,
    trace_id: Option<String>,
    retryable: bool,
    attempts: u32,
    source: Option<BoxError>,
    location: Option<String>,
}

impl AuthError {
    /// The token endpoint answered with a redirect.
    pub(crate) fn redirected(
        token_url: &str,
        status: u16,
        location: Option<String>,
        trace_id: Option<String>,
        attempts: u32,
    ) -> AuthError {
        AuthError {
            kind: AuthErrorKind::Redirected,
            token_url: token_url.to_owned(),
            status: Some(status),
            oauth_error: None,
            description: None,
            trace_id,
            retryable: false,
            attempts,
            source: None,
            location: location.map(|l| truncate_chars(&l, MAX_VALUE_CHARS)),
        }
    }

    /// Where a redirect pointed to (the `Location` header), for
    /// [`AuthErrorKind::Redirected`].
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The token endpoint answered with an error status.
    pub(crate) fn rejected(
        token_url: &str,
        status: u16,
        oauth_error: Option<String>,
        description: Option<String>,
        trace_id: Option<String>,
        attempts: u32,
    ) -> AuthError {
        AuthError {
            kind: AuthErrorKind::Rejected,
            token_url: token_url.to_owned(),
            status: Some(status),
            oauth_error,
            description,
            trace_id,
            retryable: matches!(status, 429 | 500..=599),
            attempts,
            source: None,
            location: None,
        }
    }

    /// The token endpoint could not be reached.
    pub(crate) fn transport(
        token_url: &str,
        retryable: bool,
        attempts: u32,
        source: BoxError,
    ) -> AuthError {
        AuthError {
            kind: AuthErrorKind::Transport,
            token_url: token_url.to_owned(),
            status: None,
            oauth_error: None,
            description: None,
            trace_id: None,
            retryable,
            attempts,
            source: Some(source),
            location: None,
        }
    }

    /// The token endpoint answered success with a body that is not a usable token.
    pub(crate) fn invalid_response(
        token_url: &str,
        status: u16,
        reason: String,
        trace_id: Option<String>,
    ) -> AuthError {
        AuthError {
            kind: AuthErrorKind::InvalidResponse,
            token_url: token_url.to_owned(),
            status: Some(status),
            oauth_error: None,
            description: Some(reason),
            trace_id,
            retryable: false,
            attempts: 1,
            source: None,
            location: None,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> AuthErrorKind {
        self.kind
    }

    /// The token endpoint URL.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The token endpoint's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The OAuth error code (`invalid_client`, `invalid_scope`, …), when given.
    pub fn oauth_error(&self) -> Option<&str> {
        self.oauth_error.as_deref()
    }

    /// The OAuth `error_description`, or why the response was unusable.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The response's `x-trace-id` header.
    pub fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }

    /// Whether trying again later may help (transport failures, 429, 5xx).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            AuthErrorKind::Rejected => {
                write!(
                    f,
                    "the token endpoint {} refused to issue a token",
                    self.token_url
                )?;
                if let Some(code) = &self.oauth_error {
                    write!(f, ": OAuth error `{code}`")?;
                }
                if let Some(d) = &self.description {
                    write!(f, " ({d})")?;
                }
                if let Some(s) = self.status {
                    write!(f, ", HTTP {s}")?;
                }
            }
            AuthErrorKind::Transport => {
                write!(f, "could not reach the token endpoint {}", self.token_url)?;
            }
            AuthErrorKind::Redirected => {
                write!(
                    f,
                    "the token endpoint {} answered with a redirect, HTTP {}",
                    self.token_url,
                    self.status.unwrap_or(0)
                )?;
                match &self.location {
                    Some(l) => write!(f, " to {l:?}")?,
                    None => write!(f, " without a Location")?,
                }
                write!(
                    f,
                    "; it was not followed, so the credentials were not sent elsewhere. Check                      auth_url (or the environment) and any proxy in between"
                )?;
            }
            AuthErrorKind::InvalidResponse => {
                write!(
                    f,
                    "the token endpoint {} returned an unusable response",
                    self.token_url
                )?;
                if let Some(s) = self.status {
                    write!(f, " (HTTP {s})")?;
                }
                if let Some(d) = &self.description {
                    write!(f, ": {d}")?;
                }
            }
        }
        if self.attempts > 1 {
            write!(f, "; failed after {} attempts", self.attempts)?;
        }
        write!(f, ".")?;
        if let Some(t) = &self.trace_id {
            write!(f, " Trace id: {t}.")?;
        }
        let credentials_rejected = matches!(
            self.oauth_error.as_deref(),
            Some("invalid_client" | "unauthorized_client")
        ) || (self.oauth_error.is_none()
            && matches!(self.status, Some(400 | 401)));
        if credentials_rejected {
            write!(
                f,
                " The client id or secret is wrong, revoked, or for another environment: check \
                 RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET (or the values passed to \
                 ClientBuilder::client_credentials), or create a new API key in the Rapidata \
                 dashboard."
            )?;
        } else if self.kind == AuthErrorKind::Transport {
            write!(
                f,
                " Check the network connection and the auth URL or environment."
            )?;
        }
        if self.retryable && self.attempts > 1 {
            give_up_hint(f, self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.source {
            Some(s) => Some(&**s),
            None => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// ConfigError

/// The client is misconfigured: which way is [`kind`](ConfigError::kind), the details
/// come through the accessors.
///
/// ```
/// use rapidata::error::ConfigErrorKind;
/// let err = rapidata::Client::builder()
///     .api_url("http://api.example.com")
///     .token("t")
///     .build()
///     .unwrap_err();
/// let rapidata::Error::Config(config) = &err else { panic!("{err:?}") };
/// assert_eq!(config.kind(), ConfigErrorKind::InsecureUrl);
/// assert_eq!(config.setting(), Some("api_url"));
/// assert_eq!(config.value(), Some("http://api.example.com"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(ConfigProblem);

/// The ways a client can be misconfigured ([`ConfigError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// No credentials were found in any of the places looked at
    /// ([`tried`](ConfigError::tried) lists them).
    MissingCredentials,
    /// The environment name is not a domain like `rapidata.ai`.
    InvalidEnvironment,
    /// A plain `http://` URL to a host that is not loopback.
    InsecureUrl,
    /// A URL that cannot be used as a base URL.
    InvalidUrl,
    /// A builder setting or environment variable with a value that cannot be used.
    InvalidSetting,
    /// The credentials file exists but cannot be used.
    InvalidCredentialsFile,
    /// The token file exists but does not hold a token.
    InvalidTokenFile,
}

impl ConfigError {
    /// Which way the client is misconfigured.
    pub fn kind(&self) -> ConfigErrorKind {
        match &self.0 {
            ConfigProblem::MissingCredentials { .. } => ConfigErrorKind::MissingCredentials,
            ConfigProblem::InvalidEnvironment { .. } => ConfigErrorKind::InvalidEnvironment,
            ConfigProblem::InsecureUrl { .. } => ConfigErrorKind::InsecureUrl,
            ConfigProblem::InvalidUrl { .. } => ConfigErrorKind::InvalidUrl,
            ConfigProblem::InvalidSetting { .. } => ConfigErrorKind::InvalidSetting,
            ConfigProblem::InvalidCredentialsFile { .. } => ConfigErrorKind::InvalidCredentialsFile,
            ConfigProblem::InvalidTokenFile { .. } => ConfigErrorKind::InvalidTokenFile,
        }
    }

    /// The builder setting (`api_url`, `max_workers`, …) or environment variable
    /// (`RAPIDATA_API_URL`, …) that gave the rejected value, for
    /// [`InsecureUrl`](ConfigErrorKind::InsecureUrl),
    /// [`InvalidUrl`](ConfigErrorKind::InvalidUrl) and
    /// [`InvalidSetting`](ConfigErrorKind::InvalidSetting).
    pub fn setting(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::InsecureUrl { setting, .. }
            | ConfigProblem::InvalidUrl { setting, .. } => Some(setting),
            ConfigProblem::InvalidSetting { setting, .. } => Some(setting),
            _ => None,
        }
    }

    /// The rejected value: the environment name, the URL (user info removed) or the
    /// setting's value.
    pub fn value(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::InvalidEnvironment { value, .. }
            | ConfigProblem::InvalidSetting { value, .. } => Some(value),
            ConfigProblem::InsecureUrl { url, .. } | ConfigProblem::InvalidUrl { url, .. } => {
                Some(url)
            }
            _ => None,
        }
    }

    /// Why the value or file was rejected, when there is more to say than the kind.
    pub fn reason(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::InvalidEnvironment { reason, .. }
            | ConfigProblem::InvalidUrl { reason, .. }
            | ConfigProblem::InvalidSetting { reason, .. }
            | ConfigProblem::InvalidCredentialsFile { reason, .. }
            | ConfigProblem::InvalidTokenFile { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The credentials or token file that cannot be used.
    pub fn path(&self) -> Option<&Path> {
        match &self.0 {
            ConfigProblem::InvalidCredentialsFile { path, .. }
            | ConfigProblem::InvalidTokenFile { path, .. } => Some(path),
            _ => None,
        }
    }

    /// For [`MissingCredentials`](ConfigErrorKind::MissingCredentials): each source that
    /// was tried, in order, with why it gave nothing; empty otherwise.
    pub fn tried(&self) -> &[String] {
        match &self.0 {
            ConfigProblem::MissingCredentials { tried, .. } => tried,
            _ => &[],
        }
    }

    /// For [`MissingCredentials`](ConfigErrorKind::MissingCredentials): the dashboard
    /// where API keys are created.
    pub fn dashboard_url(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::MissingCredentials { dashboard_url, .. } => Some(dashboard_url),
            _ => None,
        }
    }
}

impl From<ConfigProblem> for ConfigError {
    fn from(p: ConfigProblem) -> Self {
        ConfigError(p)
    }
}

impl From<ConfigProblem> for Error {
    fn from(p: ConfigProblem) -> Self {
        Error::from(ConfigError(p))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The details of a [`ConfigError`], one variant per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConfigProblem {
    /// No credentials were found in any of the places looked at.
    MissingCredentials {
        /// Each source that was tried, in order, with why it gave nothing.
        tried: Vec<String>,
        /// The dashboard where API keys are created.
        dashboard_url: String,
    },
    /// The environment name is not a domain like `rapidata.ai`.
    InvalidEnvironment {
        /// The rejected value.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A plain `http://` URL to a host that is not loopback.
    InsecureUrl {
        /// The builder setting (`api_url`, `auth_url`, `app_url`) or environment variable
        /// (`RAPIDATA_API_URL`, …) that gave it.
        setting: &'static str,
        /// The rejected URL.
        url: String,
    },
    /// A URL that cannot be used as a base URL.
    InvalidUrl {
        /// The builder setting (`api_url`, `auth_url`, `app_url`) or environment variable
        /// (`RAPIDATA_API_URL`, …) that gave it.
        setting: &'static str,
        /// The rejected URL (with any user info removed).
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A builder value or environment variable out of range or unparsable.
    InvalidSetting {
        /// The setting or environment variable.
        setting: String,
        /// The rejected value.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The credentials file exists but cannot be used.
    InvalidCredentialsFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The token file exists but does not hold a token.
    InvalidTokenFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::MissingCredentials {
                tried,
                dashboard_url,
            } => {
                write!(f, "no Rapidata credentials found; tried, in order:")?;
                for (i, t) in tried.iter().enumerate() {
                    write!(f, " ({}) {t}", i + 1)?;
                    if i + 1 < tried.len() {
                        write!(f, ";")?;
                    }
                }
                write!(
                    f,
                    ". To fix: create an API key (client id and secret) in the Rapidata \
                     dashboard ({dashboard_url}, API keys), then set RAPIDATA_CLIENT_ID and \
                     RAPIDATA_CLIENT_SECRET or pass them to ClientBuilder::client_credentials; \
                     or give an access token with ClientBuilder::token or RAPIDATA_TOKEN_FILE."
                )
            }
            ConfigProblem::InvalidEnvironment { value, reason } => write!(
                f,
                "invalid Rapidata environment {value:?}: {reason}. Use a domain such as \
                 `rapidata.ai`, or set api_url/auth_url for a custom server."
            ),
            ConfigProblem::InsecureUrl { setting, url } => write!(
                f,
                "refusing plain-HTTP {setting} {url:?}: credentials would travel unencrypted. \
                 Use https://, or http:// only for a loopback host (localhost, 127.0.0.1, ::1)."
            ),
            ConfigProblem::InvalidUrl {
                setting,
                url,
                reason,
            } => write!(f, "invalid {setting} {url:?}: {reason}."),
            ConfigProblem::InvalidSetting {
                setting,
                value,
                reason,
            } => write!(f, "invalid {setting} ({value}): {reason}."),
            ConfigProblem::InvalidCredentialsFile { path, reason } => write!(
                f,
                "cannot use the credentials file {}: {reason}. Fix or delete it, or set \
                 RAPIDATA_CLIENT_ID and RAPIDATA_CLIENT_SECRET.",
                path.display()
            ),
            ConfigProblem::InvalidTokenFile { path, reason } => write!(
                f,
                "cannot use the token file {}: {reason}. It must hold JSON like \
                 {{\"access_token\": \"…\", \"token_type\": \"Bearer\", \"expires_at\": <epoch seconds>}}, \
                 as written by Client::write_token_file.",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

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
    operation: OperationInfo,
    status: u16,
    location: Option<String>,
    attempts: u32,
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
    operation: OperationInfo,
    limit: u64,
    attempts: u32,
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
    path: PathBuf,
    size: u64,
    api: ApiError,
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

/// `1536` → `1.5 KiB`.
pub(crate) fn human_bytes(n: u64) -> String {
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

// ---------------------------------------------------------------------------------------
// IoError

/// A local file could not be read or written.
#[derive(Debug)]
pub struct IoError {
    action: String,
    path: PathBuf,
    source: io::Error,
}

impl IoError {
    /// What was being done ("read the token file").
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The file or directory involved.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kind of the underlying I/O error.
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not {} `{}`", self.action, self.path.display())
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

// ---------------------------------------------------------------------------------------
// InvalidInput

/// An argument rejected before any request was sent. Build it with
/// [`Error::invalid_input`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    argument: String,
    value: String,
    reason: String,
}

impl InvalidInput {
    /// The argument's name as the caller knows it (`max_votes`, `options[2]`).
    ///
    /// ```
    /// let err = rapidata::Error::invalid_input("options[2]", "", "must not be empty");
    /// assert_eq!(err.as_invalid_input().unwrap().argument(), "options[2]");
    /// ```
    pub fn argument(&self) -> &str {
        &self.argument
    }

    /// The rejected value, in its `Debug` form (shortened when long).
    ///
    /// ```
    /// let err = rapidata::Error::invalid_input("max_votes", 0, "must be at least 1");
    /// assert_eq!(err.as_invalid_input().unwrap().value(), "0");
    /// ```
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Why it was rejected, phrased so the caller knows what is allowed.
    ///
    /// ```
    /// let err = rapidata::Error::invalid_input("max_votes", 0, "must be at least 1");
    /// assert_eq!(err.as_invalid_input().unwrap().reason(), "must be at least 1");
    /// ```
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid `{}` ({}): {}",
            self.argument, self.value, self.reason
        )
    }
}

impl std::error::Error for InvalidInput {}

// ---------------------------------------------------------------------------------------

/// Checks an id argument (`audience_id`, `job_id`, …) of a public method: an empty or
/// blank id would make a request to the wrong path (`GET /job/` instead of
/// `GET /job/{id}`), so it is an [`Error::InvalidInput`] before any request.
pub(crate) fn require_id(argument: &str, id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid_input(argument, id, "must not be empty"));
    }
    Ok(())
}

/// Checks a page size (`amount`) against [`MAX_PAGE_SIZE`](crate::request::MAX_PAGE_SIZE).
pub(crate) fn check_page_size(argument: &str, amount: u32) -> Result<()> {
    let max = crate::request::MAX_PAGE_SIZE;
    if amount < 1 {
        return Err(Error::invalid_input(argument, amount, "must be at least 1"));
    }
    if amount > max {
        return Err(Error::invalid_input(
            argument,
            amount,
            format!("must be at most {max} per page; ask for further pages with .page(n)"),
        ));
    }
    Ok(())
}

/// Cuts `text` after `max` characters, marking the cut with `…`.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((idx, _)) => format!("{}…", &text[..idx]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_thread_safe_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert!(std::mem::size_of::<Error>() <= 88);
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 2), "hé…");
        assert_eq!(truncate_chars("hi", 2), "hi");
    }

    #[test]
    fn problem_details_keep_unknown_members() {
        let p = ProblemDetails::parse(
            br#"{"title":"t","status":400,"stage":"download","upstreamHttpStatus":404,
                "errors":{"a":"single"},"message":"m"}"#,
        )
        .unwrap();
        assert_eq!(p.errors["a"], ["single"]);
        assert_eq!(p.stage(), Some("download"));
        assert_eq!(p.upstream_http_status(), Some(404));
        assert_eq!(p.message(), Some("m"));
        assert_eq!(p.status, Some(400));
        assert!(ProblemDetails::parse(b"\"plain string\"").is_none());
    }

    #[test]
    fn api_error_text_names_status_fields_trace_and_attempts() {
        let op = OperationInfo::new("create_audience", Method::Post, "/audience");
        let e = ApiError::new(
            op,
            502,
            Some("trace-1".into()),
            b"<html>bad gateway</html>",
            None,
            1,
        );
        let text = e.to_string();
        assert!(text.contains("POST /audience failed with HTTP 502 Bad Gateway"));
        assert!(text.contains("<html>bad gateway</html>"));
        assert!(text.contains("Trace id: trace-1"));
        assert!(e.may_have_been_processed());
        let op = OperationInfo::new("get_audience", Method::Get, "/audience/x");
        let e = ApiError::new(op, 503, None, b"", None, 4);
        assert!(e.to_string().contains("Failed after 4 attempts"));
        assert!(!e.may_have_been_processed());
    }
}
