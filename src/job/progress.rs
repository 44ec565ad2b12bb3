//! Job progress as data, and where to show it.
//!
//! [`Progress`] is one reading of a job's state and completion. While waiting, a
//! [`Job`](super::Job) hands every reading to a [`ProgressSink`]: `()` ignores them,
//! [`ProgressBarSink`] draws an indicatif bar on standard error when it is a terminal (and
//! nothing otherwise), and any type of your own can log or forward them.

#[cfg(feature = "progress-bar")]
use std::io::IsTerminal;
use std::time::Duration;

#[cfg(feature = "progress-bar")]
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::types::AudienceJobState;

/// One reading of a job's progress.
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
/// let p = job.get_progress()?;
/// if p.started {
///     println!("{:.0}% ({}/{})", p.percentage, p.completed, p.total);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Progress {
    /// The job's state (`GET /job/{id}`).
    pub state: AudienceJobState,
    /// Completion in percent, 0–100, as computed by the server.
    pub percentage: f64,
    /// Finished tasks.
    pub completed: u64,
    /// All tasks.
    pub total: u64,
    /// `false` while the job has no labeling task yet (the progress endpoint answers 404);
    /// the figures are then 0.
    pub started: bool,
    /// Responses collected so far (`responseCount`; several per task).
    pub responses: u64,
}

impl Progress {
    /// A reading; `percentage` is clamped to 0–100.
    ///
    /// ```
    /// use rapidata::api::types::AudienceJobState;
    /// use rapidata::job::Progress;
    ///
    /// let p = Progress::new(AudienceJobState::Running, 150.0, 3, 4);
    /// assert_eq!(p.percentage, 100.0);
    /// assert!(p.started);
    /// ```
    pub fn new(state: AudienceJobState, percentage: f64, completed: u64, total: u64) -> Progress {
        let percentage = if percentage.is_finite() {
            percentage.clamp(0.0, 100.0)
        } else {
            0.0
        };
        Progress {
            state,
            percentage,
            completed,
            total,
            started: true,
            responses: 0,
        }
    }

    /// The same reading with `responses` collected so far.
    ///
    /// ```
    /// use rapidata::api::types::AudienceJobState;
    /// let p = rapidata::job::Progress::new(AudienceJobState::Running, 50.0, 1, 2).with_responses(7);
    /// assert_eq!(p.responses, 7);
    /// ```
    pub fn with_responses(mut self, responses: u64) -> Progress {
        self.responses = responses;
        self
    }

    /// A reading for a job whose labeling has not started (0 %).
    ///
    /// ```
    /// use rapidata::api::types::AudienceJobState;
    /// let p = rapidata::job::Progress::not_started(AudienceJobState::Submitted);
    /// assert_eq!((p.percentage, p.started), (0.0, false));
    /// ```
    pub fn not_started(state: AudienceJobState) -> Progress {
        Progress {
            state,
            percentage: 0.0,
            completed: 0,
            total: 0,
            started: false,
            responses: 0,
        }
    }

    /// Whether the job has completed.
    ///
    /// ```
    /// use rapidata::api::types::AudienceJobState;
    /// assert!(rapidata::job::Progress::new(AudienceJobState::Completed, 100.0, 1, 1).is_completed());
    /// ```
    pub fn is_completed(&self) -> bool {
        self.state == AudienceJobState::Completed
    }
}

/// Receives progress readings while a job is awaited.
///
/// ```
/// use rapidata::job::{Progress, ProgressSink};
///
/// /// Logs every reading.
/// struct LogSink;
///
/// impl ProgressSink for LogSink {
///     fn update(&mut self, p: &Progress) {
///         log::info!("{} {:.0}% ({}/{})", p.state, p.percentage, p.completed, p.total);
///     }
/// }
/// ```
pub trait ProgressSink {
    /// A new reading.
    fn update(&mut self, progress: &Progress);

    /// The last reading: the wait is over (the job completed, or waiting failed).
    fn finish(&mut self, progress: &Progress) {
        self.update(progress);
    }
}

/// Ignores every reading.
impl ProgressSink for () {
    fn update(&mut self, _progress: &Progress) {}
}

impl<S: ProgressSink + ?Sized> ProgressSink for &mut S {
    fn update(&mut self, progress: &Progress) {
        (**self).update(progress);
    }

    fn finish(&mut self, progress: &Progress) {
        (**self).finish(progress);
    }
}

impl<S: ProgressSink + ?Sized> ProgressSink for Box<S> {
    fn update(&mut self, progress: &Progress) {
        (**self).update(progress);
    }

    fn finish(&mut self, progress: &Progress) {
        (**self).finish(progress);
    }
}

/// An indicatif bar: percentage, completed/total, elapsed time and the job's state. Only
/// with the `progress-bar` feature (on by default).
///
/// [`ProgressBarSink::new`] draws on standard error only when it is a terminal; in logs,
/// pipes and CI it draws nothing. The bar never moves backwards.
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
/// use rapidata::job::{ProgressBarSink, WaitOptions};
///
/// job.wait_with(&mut ProgressBarSink::new(), WaitOptions::default())?;
/// # Ok(()) }
/// ```
#[cfg(feature = "progress-bar")]
#[derive(Debug)]
pub struct ProgressBarSink {
    bar: ProgressBar,
    highest: u64,
}

#[cfg(feature = "progress-bar")]
impl Default for ProgressBarSink {
    fn default() -> Self {
        ProgressBarSink::new()
    }
}

#[cfg(feature = "progress-bar")]
impl ProgressBarSink {
    /// A bar on standard error when it is a terminal, hidden otherwise.
    ///
    /// ```
    /// use std::io::IsTerminal;
    /// let sink = rapidata::job::ProgressBarSink::new();
    /// assert_eq!(sink.is_hidden(), !std::io::stderr().is_terminal());
    /// ```
    pub fn new() -> ProgressBarSink {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        ProgressBarSink::with_draw_target(target)
    }

    /// A bar that draws to `target` (for example `ProgressDrawTarget::term_like(…)` in
    /// tests, or `ProgressDrawTarget::hidden()`).
    ///
    /// ```
    /// use rapidata::indicatif::ProgressDrawTarget;
    /// let sink = rapidata::job::ProgressBarSink::with_draw_target(ProgressDrawTarget::hidden());
    /// assert!(sink.is_hidden());
    /// ```
    pub fn with_draw_target(target: ProgressDrawTarget) -> ProgressBarSink {
        let bar = ProgressBar::with_draw_target(Some(100), target);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(250));
        }
        ProgressBarSink { bar, highest: 0 }
    }

    /// Whether the bar draws nothing.
    ///
    /// ```
    /// # use rapidata::indicatif::ProgressDrawTarget;
    /// let sink = rapidata::job::ProgressBarSink::with_draw_target(ProgressDrawTarget::hidden());
    /// assert!(sink.is_hidden());
    /// ```
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// The underlying indicatif bar.
    ///
    /// ```
    /// # use rapidata::indicatif::ProgressDrawTarget;
    /// let sink = rapidata::job::ProgressBarSink::with_draw_target(ProgressDrawTarget::hidden());
    /// assert_eq!(sink.bar().length(), Some(100));
    /// ```
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }

    fn show(&mut self, p: &Progress) {
        let pos = (p.percentage.floor() as u64).min(100);
        if pos > self.highest {
            self.highest = pos;
        }
        self.bar.set_position(self.highest);
        let msg = if p.started {
            format!("{}/{} · {}", p.completed, p.total, p.state)
        } else {
            format!("not started · {}", p.state)
        };
        self.bar.set_message(msg);
    }
}

#[cfg(feature = "progress-bar")]
impl ProgressSink for ProgressBarSink {
    fn update(&mut self, progress: &Progress) {
        self.show(progress);
    }

    fn finish(&mut self, progress: &Progress) {
        if progress.is_completed() {
            self.highest = 100;
        }
        self.show(progress);
        if progress.is_completed() {
            self.bar.finish();
        } else {
            self.bar.abandon();
        }
    }
}

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

#[cfg(all(test, feature = "progress-bar"))]
mod tests {
    use super::*;

    fn reading(secs: f64, percentage: f64) -> Reading {
        Reading {
            at: Duration::from_secs_f64(secs),
            percentage,
        }
    }

    #[test]
    fn polls_start_quick_and_double_up_to_the_poll_interval() {
        let o = WaitOptions::new();
        let pauses: Vec<u128> = (1..=6)
            .map(|n| next_poll_interval(&o, n, &[]).as_millis())
            .collect();
        assert_eq!(pauses, [500, 1000, 2000, 4000, 5000, 5000]);
        // A poll interval below the first one caps it.
        let fixed = WaitOptions::new().poll_interval(Duration::from_millis(20));
        assert_eq!(next_poll_interval(&fixed, 1, &[]).as_millis(), 20);
        assert_eq!(next_poll_interval(&fixed, 9, &[]).as_millis(), 20);
        assert_eq!(next_poll_interval(&o, u32::MAX, &[]).as_secs(), 5);
    }

    #[test]
    fn moving_progress_aims_the_next_poll_at_the_expected_end() {
        let o = WaitOptions::new();
        // 40 % in 1 s: 60 % to go take 1.5 s; aimed 10 % later.
        let p = next_poll_interval(&o, 2, &[reading(0.5, 0.0), reading(1.5, 40.0)]);
        assert_eq!(p.as_millis(), 1650);
        // A slow job is polled at the poll interval, a nearly done one after the first
        // interval at the earliest.
        let slow = next_poll_interval(&o, 2, &[reading(0.0, 1.0), reading(5.0, 2.0)]);
        assert_eq!(slow.as_secs(), 5);
        let near = next_poll_interval(&o, 2, &[reading(0.0, 10.0), reading(1.0, 99.9)]);
        assert_eq!(near.as_millis(), 500);
        // No progress, or going backwards: the doubling schedule.
        let still = next_poll_interval(&o, 3, &[reading(0.0, 10.0), reading(1.0, 10.0)]);
        assert_eq!(still.as_millis(), 2000);
    }
    use std::io;
    use std::sync::{Arc, Mutex};

    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<String>>);

    impl indicatif::TermLike for Recorder {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            self.0.lock().unwrap().push('\n');
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn bar_draws_on_a_terminal_and_never_goes_back() {
        let rec = Recorder::default();
        let mut sink =
            ProgressBarSink::with_draw_target(ProgressDrawTarget::term_like(Box::new(rec.clone())));
        assert!(!sink.is_hidden());
        sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
        sink.update(&Progress::new(AudienceJobState::Running, 20.0, 2, 10));
        assert_eq!(sink.bar().position(), 40);
        sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
        assert_eq!(sink.bar().position(), 100);
        let out = rec.0.lock().unwrap().clone();
        assert!(out.contains("100%"), "{out}");
        assert!(out.contains("10/10"), "{out}");
    }

    #[test]
    fn hidden_bar_draws_nothing() {
        let mut sink = ProgressBarSink::with_draw_target(ProgressDrawTarget::hidden());
        sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
        sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
        assert!(sink.is_hidden());
    }
}
