//! Asking the server again until it has an answer: the loop behind the cost estimates and
//! the preliminary results.

use std::time::{Duration, Instant};

use crate::{Error, Result};

use super::WaitOptions;
use crate::error::WaitTimeout;

/// Calls `attempt` until it returns `Some`, sleeping `options`' poll interval in between;
/// after `options`' timeout, [`Error::Timeout`] for `what` whose last state was
/// `not_yet`. An error of `attempt` ends the loop.
pub(crate) fn poll_until<T>(
    options: &WaitOptions,
    what: &str,
    not_yet: &str,
    mut attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let start = Instant::now();
    loop {
        if let Some(answer) = attempt()? {
            return Ok(answer);
        }
        let waited = start.elapsed();
        let remaining = match options.get_timeout() {
            Some(t) if waited >= t => {
                return Err(Error::Timeout(Box::new(WaitTimeout {
                    what: what.to_owned(),
                    waited,
                    last_state: Some(not_yet.to_owned()),
                })))
            }
            Some(t) => t - waited,
            None => Duration::MAX,
        };
        std::thread::sleep(options.get_poll_interval().min(remaining));
    }
}
