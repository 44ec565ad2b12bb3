//! How to wait for a job ([`WaitOptions`]) and when to poll next.

use std::time::Duration;

/// How to wait for a job.
///
/// ```
/// use std::time::Duration;
/// use rapidata::job::WaitOptions;
///
/// let opts = WaitOptions::default()
///     .poll_interval(Duration::from_secs(10))
///     .timeout(Duration::from_secs(3600));
/// assert_eq!(opts.get_timeout(), Some(Duration::from_secs(3600)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    poll_interval: Duration,
    first_poll_interval: Duration,
    timeout: Option<Duration>,
}

impl Default for WaitOptions {
    /// Polls quickly at first (0.5 s), then every 5 s at most; no overall timeout.
    fn default() -> Self {
        WaitOptions {
            poll_interval: WaitOptions::DEFAULT_POLL_INTERVAL,
            first_poll_interval: WaitOptions::DEFAULT_FIRST_POLL_INTERVAL,
            timeout: None,
        }
    }
}

/// One progress reading of a wait: when it was taken and the completion in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reading {
    pub(crate) at: Duration,
    pub(crate) percentage: f64,
}

/// The pause before poll number `polls + 1` of a wait (`polls` readings so far, the last
/// two in `recent`).
///
/// Once two readings show progress, the next poll is aimed just past the moment the job
/// should complete at that rate; before that, the pauses double from the first interval.
/// Either way they stay between the first interval and the poll interval, so a job that
/// finishes in two seconds is seen about then, and a job of hours costs one poll per poll
/// interval after the first few.
pub(crate) fn next_poll_interval(
    options: &WaitOptions,
    polls: u32,
    recent: &[Reading],
) -> Duration {
    let max = options.poll_interval;
    let first = options.first_poll_interval.min(max);
    if let [.., a, b] = recent {
        let gained = b.percentage - a.percentage;
        let elapsed = b.at.saturating_sub(a.at).as_secs_f64();
        if gained > 0.0 && elapsed > 0.0 && b.percentage < 100.0 {
            let eta = (100.0 - b.percentage) / (gained / elapsed);
            let aim = Duration::try_from_secs_f64(eta * 1.1).unwrap_or(max);
            return aim.clamp(first, max);
        }
    }
    first
        .checked_mul(1u32 << polls.saturating_sub(1).min(16))
        .unwrap_or(max)
        .min(max)
}

impl WaitOptions {
    /// The default time between two polls.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::DEFAULT_POLL_INTERVAL.as_secs(), 5);
    /// ```
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
    /// The shortest time between two polls that is honoured.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::MIN_POLL_INTERVAL.as_millis(), 10);
    /// ```
    pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);
    /// The default pause before the second poll; later pauses grow from it up to the
    /// poll interval.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::DEFAULT_FIRST_POLL_INTERVAL.as_millis(), 500);
    /// ```
    pub const DEFAULT_FIRST_POLL_INTERVAL: Duration = Duration::from_millis(500);

    /// Poll quickly at first (0.5 s), then every 5 s at most; no overall timeout.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::new(), rapidata::job::WaitOptions::default());
    /// ```
    pub fn new() -> WaitOptions {
        WaitOptions::default()
    }

    /// The longest time between two polls (at least [`WaitOptions::MIN_POLL_INTERVAL`]; the
    /// server updates progress every few seconds, so intervals under a second only make
    /// sense in tests). The first pauses are shorter (see
    /// [`first_poll_interval`](WaitOptions::first_poll_interval)); set both to the same
    /// value for a fixed interval.
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = rapidata::job::WaitOptions::new().poll_interval(Duration::ZERO);
    /// assert_eq!(o.get_poll_interval(), rapidata::job::WaitOptions::MIN_POLL_INTERVAL);
    /// ```
    pub fn poll_interval(mut self, interval: Duration) -> WaitOptions {
        self.poll_interval = interval.max(WaitOptions::MIN_POLL_INTERVAL);
        self
    }

    /// The pause before the second poll (default 0.5 s, at most the poll interval). The
    /// pauses after it double up to the poll interval, or, once progress is moving, aim
    /// at the moment the job should complete at its current rate.
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = rapidata::job::WaitOptions::new().first_poll_interval(Duration::from_secs(2));
    /// assert_eq!(o.get_first_poll_interval(), Duration::from_secs(2));
    /// ```
    pub fn first_poll_interval(mut self, interval: Duration) -> WaitOptions {
        self.first_poll_interval = interval.max(WaitOptions::MIN_POLL_INTERVAL);
        self
    }

    /// The pause before the second poll.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::new().get_first_poll_interval().as_millis(), 500);
    /// ```
    pub fn get_first_poll_interval(&self) -> Duration {
        self.first_poll_interval
    }

    /// Give up with [`Error::Timeout`](crate::Error::Timeout) after this long.
    ///
    /// ```
    /// use std::time::Duration;
    /// let o = rapidata::job::WaitOptions::new().timeout(Duration::from_secs(60));
    /// assert_eq!(o.get_timeout(), Some(Duration::from_secs(60)));
    /// ```
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> WaitOptions {
        self.timeout = timeout.into();
        self
    }

    /// The time between two polls.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::new().get_poll_interval().as_secs(), 5);
    /// ```
    pub fn get_poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// The overall timeout, if any.
    ///
    /// ```
    /// assert_eq!(rapidata::job::WaitOptions::new().get_timeout(), None);
    /// ```
    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }
}
