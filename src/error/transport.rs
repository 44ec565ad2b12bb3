//! No usable HTTP response.

use std::fmt;

use crate::request::Method;

use super::api::OperationInfo;
use super::shared::{give_up_hint, BoxError};

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
    pub(super) operation: OperationInfo,
    pub(super) kind: TransportErrorKind,
    pub(super) request_sent: bool,
    pub(super) retryable: bool,
    pub(super) attempts: u32,
    pub(super) source: BoxError,
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
    /// [`Error::may_have_been_processed`](crate::Error::may_have_been_processed).
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
