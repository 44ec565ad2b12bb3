//! Time as the client sees it: what "now" is and how a pause is taken.
//!
//! Every wait of the crate — the backoff between retries, the pause between two polls of
//! a job or a login, the pause before a create is sent again — asks the client's
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
