//! The job module's side of [`crate::flow::poll`]: a poll paced and bounded by
//! [`WaitOptions`], whose timeout is the [`Error::Timeout`] of a [`WaitTimeout`]. Used by
//! the cost estimates, the preliminary results, the revision wait and the job wait.

use crate::flow::poll::{poll_every, TimedOut};
use crate::{Client, Error, Result};

use super::WaitOptions;
use crate::error::WaitTimeout;

/// Calls `attempt` until it returns `Some`, pausing `options`' poll interval on the
/// client's clock in between; after `options`' timeout, [`Error::Timeout`] for `what`
/// whose last state was `not_yet`. An error of `attempt` ends the wait.
pub(crate) fn poll_until<T>(
    client: &Client,
    options: &WaitOptions,
    what: &str,
    not_yet: &str,
    attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    poll_every(
        client.clock(),
        options.get_timeout(),
        options.get_poll_interval(),
        not_yet,
        attempt,
    )?
    .map_err(|t| timeout_error(what, t))
}

/// The [`Error::Timeout`] of a wait for `what` that timed out.
pub(crate) fn timeout_error(what: &str, timed_out: TimedOut) -> Error {
    Error::Timeout(Box::new(WaitTimeout {
        what: what.to_owned(),
        waited: timed_out.waited,
        last_state: Some(timed_out.last_state),
    }))
}
