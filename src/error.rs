//! (in progress)
/// The crate's error type.
#[derive(Debug)]
pub enum Error {}
/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
