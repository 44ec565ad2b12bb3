//! Input rejected before any request, and local file errors.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// IoError

/// A local file could not be read or written.
#[derive(Debug)]
pub struct IoError {
    pub(super) action: String,
    pub(super) path: PathBuf,
    pub(super) source: io::Error,
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
/// [`Error::invalid_input`](crate::Error::invalid_input).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    pub(super) argument: String,
    pub(super) value: String,
    pub(super) reason: String,
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
