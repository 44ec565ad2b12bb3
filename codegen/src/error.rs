//! The generator's error: which file, where in it, what is wrong, and what to do.

use std::fmt;

/// A document the generator cannot turn into Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    /// The document's file name (or a label for in-memory documents).
    pub file: String,
    /// JSON pointer to the offending value (`/paths/~1audience/post`).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What the user can do about it.
    pub hint: String,
}

impl GenError {
    /// Builds an error for `file` at `pointer`.
    pub fn new(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        GenError {
            file: file.into(),
            pointer: pointer.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.pointer.is_empty() {
            write!(f, " at `{}`", self.pointer)?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, " ({})", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for GenError {}

/// Escapes one JSON-pointer token (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
