//! Blocking Rust client for the Rapidata human-labeling API.
#![warn(missing_docs)]

pub mod api;
pub mod request;

mod error;
pub use error::{Error, Result};

mod auth;
mod client;
mod credentials;
mod retry;
mod transport;
pub use client::{Client, ClientBuilder};
