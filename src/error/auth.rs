//! Failures to obtain an access token.

use std::fmt;

use super::shared::{give_up_hint, truncate_chars, BoxError, MAX_VALUE_CHARS};

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
    pub(super) kind: AuthErrorKind,
    pub(super) token_url: String,
    pub(super) status: Option<u16>,
    pub(super) oauth_error: Option<String>,
    pub(super) description: Option<String>,
    pub(super) trace_id: Option<String>,
    pub(super) retryable: bool,
    pub(super) attempts: u32,
    pub(super) source: Option<BoxError>,
    pub(super) location: Option<String>,
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
