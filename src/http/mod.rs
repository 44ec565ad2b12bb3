//! The HTTP stack below the [`Client`](crate::Client): one `ureq` agent, the retry loop
//! around attempts, and what the agent is built from.
//!
//! * [`transport`]: sending one request, and retrying it;
//! * [`retry`]: which failures are retried and how long to wait (public as
//!   `rapidata::retry`);
//! * [`tls`]: the root certificates the agent trusts;
//! * [`resolver`]: host lookups, cached for a minute;
//! * [`tcp`]: the TCP layer, which coalesces small writes;
//! * [`multipart`]: `multipart/form-data` bodies streamed from files.
//!
//! Nothing here imports the client: tokens, operations and their output types are the
//! client's business. Pauses go through the [`Clock`](crate::Clock) the transport is
//! given.

pub(crate) mod multipart;
pub(crate) mod resolver;
pub mod retry;
pub(crate) mod tcp;
pub(crate) mod tls;
pub(crate) mod transport;
