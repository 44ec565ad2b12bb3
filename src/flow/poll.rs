//! Asking the API again until there is an answer or a deadline has passed: the job wait,
//! the cost estimates, the preliminary results and the revision wait. The loop itself is
//! [`crate::clock::poll`] (which the browser login, below this layer, uses directly); this
//! is its face for the crate's operations, whose timeout is an [`Error::Timeout`](crate::Error::Timeout).

use std::time::Duration;

use crate::clock::{self, Clock, Started, Step};
use crate::error::{Result, WaitTimeout};

/// Waits for `what` (e.g. "job j1 to complete"): calls `attempt` until it returns
/// [`Step::Done`], pausing on `clock` in between as each [`Step::Again`] asks. After
/// `timeout` (`None`: no limit), checked after each attempt so that one always runs, the
/// poll ends with an [`Error::Timeout`](crate::Error::Timeout) naming `what`, how long it waited and the last
/// state seen. An error of `attempt` ends the poll with that error.
pub(crate) fn poll<T>(
    clock: &dyn Clock,
    what: &str,
    timeout: Option<Duration>,
    attempt: impl FnMut(Started<'_>) -> Result<Step<T>>,
) -> Result<T> {
    clock::poll(clock, timeout, attempt)?.map_err(|timed_out| WaitTimeout::of_poll(what, timed_out))
}

/// [`poll`] at a fixed `interval`, for attempts that answer `None` while the answer is not
/// ready (`not_yet` then names that state).
pub(crate) fn poll_every<T>(
    clock: &dyn Clock,
    what: &str,
    timeout: Option<Duration>,
    interval: Duration,
    not_yet: &str,
    mut attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    poll(clock, what, timeout, |_| {
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
    use crate::Error;
    use std::sync::Mutex;
    use std::time::Instant;

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
        let every_3s = Duration::from_secs(3);
        let answer = poll_every(&clock, "an answer", None, every_3s, "pending", || {
            calls += 1;
            Ok((calls == 4).then_some(calls))
        })
        .unwrap();
        assert_eq!(answer, 4);
        assert_eq!(
            *clock.pauses.lock().unwrap(),
            vec![Duration::from_secs(3); 3]
        );
    }

    #[test]
    fn the_deadline_cuts_the_last_pause_and_reports_the_last_state() {
        let clock = Ticking::new();
        let mut calls = 0u32;
        let err = poll(
            &clock,
            "the thing",
            Some(Duration::from_secs(10)),
            |started| {
                calls += 1;
                // Asked at 0 s, 4 s, 8 s and — the last pause cut to what was left — 10 s.
                let expected = [0, 4, 8, 10][calls as usize - 1];
                assert_eq!(started.elapsed(), Duration::from_secs(expected));
                Ok(Step::<()>::Again {
                    state: format!("seen {calls}"),
                    pause: Duration::from_secs(4),
                })
            },
        )
        .unwrap_err();
        let Error::Timeout(t) = err else {
            panic!("expected Timeout, got {err:?}");
        };
        assert_eq!(t.what(), "the thing");
        assert_eq!(t.waited(), Duration::from_secs(10));
        assert_eq!(t.last_state(), Some("seen 4"));
        assert_eq!(
            *clock.pauses.lock().unwrap(),
            [4, 4, 2].map(Duration::from_secs).to_vec()
        );
    }

    #[test]
    fn an_error_ends_the_poll_at_once() {
        let clock = Ticking::new();
        let every_1s = Duration::from_secs(1);
        let out = poll_every::<()>(&clock, "x", None, every_1s, "x", || {
            Err(Error::invalid_input("thing", "", "broken"))
        });
        assert!(out.is_err());
        assert!(clock.pauses.lock().unwrap().is_empty());
    }
}
