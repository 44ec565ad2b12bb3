//! A clock for [`rapidata::ClientBuilder::clock`] that never blocks: `sleep` moves its
//! `now` forward and records the pause, so a test can wait ten minutes in no real time
//! and read exactly how long the client paused.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Clones share one time line: hand one to the client, keep one to read.
#[derive(Debug, Clone)]
pub struct FakeClock {
    inner: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    now: Instant,
    pauses: Vec<Duration>,
}

impl FakeClock {
    /// A clock that starts at the real now.
    pub fn new() -> FakeClock {
        FakeClock {
            inner: Arc::new(Mutex::new(State {
                now: Instant::now(),
                pauses: Vec::new(),
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every pause taken on this clock, in order.
    pub fn pauses(&self) -> Vec<Duration> {
        self.state().pauses.clone()
    }

    /// The sum of the pauses: how far this clock has moved.
    pub fn slept(&self) -> Duration {
        self.state().pauses.iter().sum()
    }
}

impl rapidata::Clock for FakeClock {
    fn now(&self) -> Instant {
        self.state().now
    }

    fn sleep(&self, d: Duration) {
        let mut state = self.state();
        state.now += d;
        state.pauses.push(d);
    }
}
