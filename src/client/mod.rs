//! The [`Client`] and how it is built and sends:
//!
//! * [`handle`]: [`Client`] itself, what a built client holds and tells;
//! * [`builder`]: [`ClientBuilder`], every setting checked when the client is built, and
//!   the browser login;
//! * [`send`]: [`Client::send`] and [`Client::send_with`] with their [`SendOptions`];
//! * [`login`]: the browser login's steps ([`BrowserLogin`]).
//!
//! This file only declares and re-exports, so the three import one another in one
//! direction only (`builder` and `send` use `handle`).

mod builder;
mod handle;
mod login;
mod send;

pub use builder::{ClientBuilder, DEFAULT_ENVIRONMENT, DEFAULT_MAX_WORKERS};
pub use handle::Client;
pub use login::BrowserLogin;
pub use send::SendOptions;
