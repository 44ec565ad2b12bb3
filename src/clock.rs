//! Time as the client sees it: what "now" is and how a pause is taken.
//!
//! Every wait of the crate — the backoff between retries, the pause between two polls of
//! a job or a login ([`poll`], the one poll loop), the pause before a create is sent
//! again — asks the client's
//! [`Clock`] instead of the operating system, so a test can hand the client a clock whose
//! [`sleep`](Clock::sleep) only moves its own [`now`](Clock::now) forward: a ten-minute
//! wait then takes no real time, and the test can read how long the client paused.
//!
//! This file sits at the bottom of the crate and imports only `std`.

use std::fmt::Debug;
use std::time::{Duration, Instant};

/// The source of the current time and of pauses for a [`Client`](crate::Client).
///
/// The default, [`SystemClock`], is the real one. Pass another to
/// [`ClientBuilder::clock`](crate::ClientBuilder::clock), e.g. in tests: a clock whose
/// `sleep` advances the instant `now` returns instead of blocking makes every wait and
/// backoff of the client take no real time.
///
/// The two methods must agree: after `sleep(d)` returns, `now()` is at least `d` later
/// than before it, or waits with a timeout never end.
///
/// ```
/// use std::sync::Mutex;
/// use std::time::{Duration, Instant};
///
/// /// A clock that never blocks: sleeping moves its "now" forward.
/// #[derive(Debug)]
/// struct Ticking(Mutex<Instant>);
///
/// impl rapidata::Clock for Ticking {
///     fn now(&self) -> Instant {
///         *self.0.lock().unwrap()
///     }
///     fn sleep(&self, d: Duration) {
///         *self.0.lock().unwrap() += d;
///     }
/// }
///
/// let client = rapidata::Client::builder()
///     .token("a-token")
///     .api_url("http://127.0.0.1:9")
///     .clock(Ticking(Mutex::new(Instant::now())))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub trait Clock: Send + Sync + Debug {
    /// The current instant.
    fn now(&self) -> Instant;

    /// Pauses the calling thread for `d` (as this clock counts time).
    fn sleep(&self, d: Duration);
}

/// What one attempt of [`poll`] found.
#[derive(Debug)]
pub(crate) enum Step<T> {
    /// The answer: the poll ends with it.
    Done(T),
    /// No answer yet: ask again after `pause` (shortened to what is left of the
    /// deadline). `state` describes what was seen, for the timeout's error.
    Again { state: String, pause: Duration },
}

/// The deadline of a [`poll`] passed with no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TimedOut {
    /// How long the poll ran (on its clock).
    pub(crate) waited: Duration,
    /// The `state` of the last [`Step::Again`].
    pub(crate) last_state: String,
}

/// The time since a poll started, for attempts that pace themselves by it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Started<'c> {
    clock: &'c dyn Clock,
    at: Instant,
}

impl Started<'_> {
    /// How long ago the poll started (on its clock).
    pub(crate) fn elapsed(&self) -> Duration {
        self.clock.now().saturating_duration_since(self.at)
    }
}

/// The one poll loop of the crate: calls `attempt` until it returns [`Step::Done`],
/// pausing on `clock` in between as each [`Step::Again`] asks. After `timeout` (`None`: no
/// limit), checked after each attempt so that one always runs, it ends with
/// `Ok(Err(TimedOut))`. An error of `attempt` ends it with that error. Generic over the
/// error so that it stays at the bottom of the crate: the API's polls go through
/// `crate::flow::poll`, which turns a timeout into `Error::Timeout`; the browser login
/// uses it directly.
pub(crate) fn poll<T, E>(
    clock: &dyn Clock,
    timeout: Option<Duration>,
    mut attempt: impl FnMut(Started<'_>) -> Result<Step<T>, E>,
) -> Result<Result<T, TimedOut>, E> {
    let started = Started {
        clock,
        at: clock.now(),
    };
    loop {
        let (state, pause) = match attempt(started)? {
            Step::Done(answer) => return Ok(Ok(answer)),
            Step::Again { state, pause } => (state, pause),
        };
        let waited = started.elapsed();
        let remaining = match timeout {
            Some(t) if waited >= t => {
                return Ok(Err(TimedOut {
                    waited,
                    last_state: state,
                }))
            }
            Some(t) => t - waited,
            None => Duration::MAX,
        };
        clock.sleep(pause.min(remaining));
    }
}

/// The real clock: [`Instant::now`] and [`std::thread::sleep`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, d: Duration) {
        // The one place of the crate that blocks a thread for a while on purpose.
        std::thread::sleep(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_really_sleeps() {
        let clock = SystemClock;
        let before = clock.now();
        clock.sleep(Duration::from_millis(20));
        assert!(clock.now().duration_since(before) >= Duration::from_millis(20));
    }
}
