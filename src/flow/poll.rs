//! Asking again until there is an answer or a deadline has passed: the one poll loop of
//! the crate, behind the job wait, the cost estimates, the preliminary results and the
//! browser login.
//!
//! Time is the [`Clock`]'s: the deadline is counted on its `now`, and the pauses between
//! two attempts are its `sleep`s, so a test clock makes a long wait instant.

use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::Result;

/// What one attempt of [`poll`] found.
#[derive(Debug)]
pub(crate) enum Step<T> {
    /// The answer: the poll ends with it.
    Done(T),
    /// No answer yet: ask again after `pause` (shortened to what is left of the
    /// deadline). `state` describes what was seen, for the timeout's error.
    Again { state: String, pause: Duration },
}

/// The deadline passed with no answer.
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

/// Calls `attempt` until it returns [`Step::Done`], pausing on `clock` in between as each
/// [`Step::Again`] asks. After `timeout` (`None`: no limit) the poll ends with
/// `Ok(Err(TimedOut))`, checked after each attempt, so an attempt always runs first. An
/// error of `attempt` ends the poll with that error.
pub(crate) fn poll<T>(
    clock: &dyn Clock,
    timeout: Option<Duration>,
    mut attempt: impl FnMut(Started<'_>) -> Result<Step<T>>,
) -> Result<std::result::Result<T, TimedOut>> {
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

/// [`poll`] at a fixed `interval`, for attempts that answer `None` while the answer is not
/// ready (`not_yet` then names that state).
pub(crate) fn poll_every<T>(
    clock: &dyn Clock,
    timeout: Option<Duration>,
    interval: Duration,
    not_yet: &str,
    mut attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<std::result::Result<T, TimedOut>> {
    poll(clock, timeout, |_| {
        Ok(match attempt()? {
            Some(answer) => Step::Done(answer),
            None => Step::Again {
                state: not_yet.to_owned(),
                pause: interval,
            },
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A clock that never blocks and records its pauses.
    #[derive(Debug)]
    struct Ticking {
        now: Mutex<Instant>,
        pauses: Mutex<Vec<Duration>>,
    }

    impl Ticking {
        fn new() -> Ticking {
            Ticking {
                now: Mutex::new(Instant::now()),
                pauses: Mutex::new(Vec::new()),
            }
        }
    }

    impl Clock for Ticking {
        fn now(&self) -> Instant {
            *self.now.lock().unwrap()
        }
        fn sleep(&self, d: Duration) {
            *self.now.lock().unwrap() += d;
            self.pauses.lock().unwrap().push(d);
        }
    }

    #[test]
    fn an_answer_ends_the_poll_and_pauses_are_taken_on_the_clock() {
        let clock = Ticking::new();
        let mut calls = 0;
        let answer = poll_every(&clock, None, Duration::from_secs(3), "pending", || {
            calls += 1;
            Ok((calls == 4).then_some(calls))
        })
        .unwrap();
        assert_eq!(answer, Ok(4));
        assert_eq!(
            *clock.pauses.lock().unwrap(),
            vec![Duration::from_secs(3); 3]
        );
    }

    #[test]
    fn the_deadline_cuts_the_last_pause_and_reports_the_last_state() {
        let clock = Ticking::new();
        let mut calls = 0u32;
        let out = poll(&clock, Some(Duration::from_secs(10)), |started| {
            calls += 1;
            // Asked at 0 s, 4 s, 8 s and — the last pause cut to what was left — 10 s.
            let expected = [0, 4, 8, 10][calls as usize - 1];
            assert_eq!(started.elapsed(), Duration::from_secs(expected));
            Ok(Step::<()>::Again {
                state: format!("seen {calls}"),
                pause: Duration::from_secs(4),
            })
        })
        .unwrap();
        assert_eq!(
            out,
            Err(TimedOut {
                waited: Duration::from_secs(10),
                last_state: "seen 4".to_owned()
            })
        );
        assert_eq!(
            *clock.pauses.lock().unwrap(),
            [4, 4, 2].map(Duration::from_secs).to_vec()
        );
    }

    #[test]
    fn an_error_ends_the_poll_at_once() {
        let clock = Ticking::new();
        let out = poll_every::<()>(&clock, None, Duration::from_secs(1), "x", || {
            Err(crate::Error::invalid_input("thing", "", "broken"))
        });
        assert!(out.is_err());
        assert!(clock.pauses.lock().unwrap().is_empty());
    }
}
