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

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::request::Method;

mod api;
mod auth;
mod config;
mod input;
mod job;
mod response;
mod shared;
#[cfg(test)]
mod tests;
mod transport;

pub use api::{ApiError, OperationInfo, ProblemDetails};
pub use auth::{AuthError, AuthErrorKind};
pub(crate) use config::ConfigProblem;
pub use config::{ConfigError, ConfigErrorKind};
pub use input::{InvalidInput, IoError};
pub use job::{
    DatasetUploadFailure, FailedDatapoint, FailureStage, JobStuck, RevisionConflict, StuckCause,
    UploadFailure, WaitTimeout,
};
pub use response::{FileTooLarge, RedirectError, ResponseDecodeError, ResponseTooLarge};
use shared::MAX_VALUE_CHARS;
pub(crate) use shared::{truncate_chars, BoxError};
pub use transport::{TransportError, TransportErrorKind};

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    JobStuck(Box<JobStuck>),
    /// Waiting (for a job, a cost estimate, …) took longer than the caller allowed.
    Timeout(Box<WaitTimeout>),
    /// Too many datapoints of a new job definition failed, so it was not created; the
    /// detail holds every failure and a resumable [`crate::job::PendingDefinition`].
    UploadFailed(Box<UploadFailure>),
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
    RevisionConflict(Box<RevisionConflict>),
    /// Some datapoints of a new dataset for a job definition (`set_datapoints`,
    /// `update_dataset`) failed to upload: nothing was staged; the same call again sends
    /// only the failed ones, into the same dataset.
    DatasetUploadFailed(Box<DatasetUploadFailure>),
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

impl From<ConfigProblem> for Error {
    fn from(p: ConfigProblem) -> Self {
        Error::from(ConfigError::from(p))
    }
}

impl WaitTimeout {
    /// The [`Error::Timeout`] of a poll for `what` that ran out of time: the one place a
    /// poll's timeout becomes an error (here, beside [`Error`], so that `job.rs` does not
    /// import this file).
    pub(crate) fn of_poll(what: &str, timed_out: crate::clock::TimedOut) -> Error {
        Error::Timeout(Box::new(WaitTimeout {
            what: what.to_owned(),
            waited: timed_out.waited,
            last_state: Some(timed_out.last_state),
        }))
    }
}
