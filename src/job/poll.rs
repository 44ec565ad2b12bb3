//! The job module's side of [`crate::flow::poll`]: a poll paced and bounded by
//! [`WaitOptions`]. Used by the cost estimates, the preliminary results and the revision
//! wait.

use crate::flow::poll::poll_every;
use crate::{Client, Result};

use super::WaitOptions;

/// Calls `attempt` until it returns `Some`, pausing `options`' poll interval on the
/// client's clock in between; after `options`' timeout,
/// [`Error::Timeout`](crate::Error::Timeout) for `what` whose last state was `not_yet`.
/// An error of `attempt` ends the wait.
pub(crate) fn poll_until<T>(
    client: &Client,
    options: &WaitOptions,
    what: &str,
    not_yet: &str,
    attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let (timeout, interval) = (options.get_timeout(), options.get_poll_interval());
    poll_every(client.clock(), what, timeout, interval, not_yet, attempt)
}
