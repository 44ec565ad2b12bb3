//! Indicatif bars on standard error (the `progress-bar` feature): one for a job's wait
//! ([`ProgressBarSink`]) and one per stage of a long call ([`ProgressBars`]).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::sync::lock;

use super::{EventKind, Progress, ProgressEvent, ProgressSink, Reporter, Stage};

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
#[derive(Debug)]
pub struct ProgressBarSink {
    bar: ProgressBar,
    highest: u64,
}

impl Default for ProgressBarSink {
    fn default() -> Self {
        ProgressBarSink::new()
    }
}

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

/// One indicatif bar per stage, on standard error when it is a terminal (hidden
/// otherwise). Uploads show their rate and an ETA; a bar never moves backwards, and a
/// stage that ends without `Finish` leaves its bar as it was (abandoned).
///
/// This is what the definition builders report to by default.
///
/// ```
/// use std::io::IsTerminal;
/// use rapidata::job::{EventKind, ProgressBars, ProgressEvent, Reporter, Stage};
///
/// let bars = ProgressBars::new();
/// assert_eq!(bars.is_hidden(), !std::io::stderr().is_terminal());
/// bars.report(&ProgressEvent::new(Stage::Assets, EventKind::Start, 0, Some(2)));
/// bars.report(&ProgressEvent::new(Stage::Assets, EventKind::Finish, 2, Some(2)));
/// assert_eq!(bars.position(Stage::Assets), Some(2));
/// ```
pub struct ProgressBars {
    multi: MultiProgress,
    bars: Mutex<Vec<(Stage, ProgressBar)>>,
}

impl std::fmt::Debug for ProgressBars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressBars")
            .field("hidden", &self.is_hidden())
            .finish()
    }
}

impl Default for ProgressBars {
    fn default() -> Self {
        ProgressBars::new()
    }
}

impl ProgressBars {
    /// Bars on standard error when it is a terminal, hidden otherwise.
    ///
    /// ```
    /// # use std::io::IsTerminal;
    /// let bars = rapidata::job::ProgressBars::new();
    /// assert_eq!(bars.is_hidden(), !std::io::stderr().is_terminal());
    /// ```
    pub fn new() -> ProgressBars {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        ProgressBars::with_draw_target(target)
    }

    /// Bars that draw to `target`.
    ///
    /// ```
    /// use indicatif::ProgressDrawTarget;
    /// let bars = rapidata::job::ProgressBars::with_draw_target(ProgressDrawTarget::hidden());
    /// assert!(bars.is_hidden());
    /// ```
    pub fn with_draw_target(target: ProgressDrawTarget) -> ProgressBars {
        ProgressBars {
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(Vec::new()),
        }
    }

    /// Bars that are never drawn (they still keep their positions).
    ///
    /// ```
    /// assert!(rapidata::job::ProgressBars::hidden().is_hidden());
    /// ```
    pub fn hidden() -> ProgressBars {
        ProgressBars::with_draw_target(ProgressDrawTarget::hidden())
    }

    /// Whether nothing is drawn.
    ///
    /// ```
    /// assert!(rapidata::job::ProgressBars::hidden().is_hidden());
    /// ```
    pub fn is_hidden(&self) -> bool {
        self.multi.is_hidden()
    }

    /// The position (items ended) of the newest bar of `stage`, if it started.
    ///
    /// ```
    /// let bars = rapidata::job::ProgressBars::hidden();
    /// assert_eq!(bars.position(rapidata::job::Stage::Assets), None);
    /// ```
    pub fn position(&self, stage: Stage) -> Option<u64> {
        let bars = lock(&self.bars);
        bars.iter()
            .rev()
            .find(|(s, _)| *s == stage)
            .map(|(_, b)| b.position())
    }

    fn new_bar(&self, event: &ProgressEvent) -> ProgressBar {
        let template = match (event.stage, event.total) {
            (Stage::Assets | Stage::Datapoints, Some(_)) => {
                "{spinner} {prefix:<11} [{elapsed_precise}] {wide_bar} {pos}/{len} \
                 {per_sec} ETA {eta} {msg}"
            }
            (_, Some(_)) => {
                "{spinner} {prefix:<11} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}"
            }
            (_, None) => "{spinner} {prefix:<11} [{elapsed_precise}] {msg}",
        };
        let bar = ProgressBar::new(event.total.unwrap_or(0));
        bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_prefix(event.stage.as_str());
        let bar = self.multi.add(bar);
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(250));
        }
        bar
    }
}

impl Reporter for ProgressBars {
    fn report(&self, event: &ProgressEvent) {
        let mut bars = lock(&self.bars);
        let bar = match (
            event.kind,
            bars.iter().rposition(|(s, _)| *s == event.stage),
        ) {
            (EventKind::Start, old) => {
                // A stage tried again gets a new bar; the old one stays as it ended.
                if let Some(i) = old {
                    if !bars[i].1.is_finished() {
                        bars[i].1.abandon();
                    }
                }
                let bar = self.new_bar(event);
                bars.push((event.stage, bar.clone()));
                bar
            }
            (_, Some(i)) => bars[i].1.clone(),
            // No start seen: nothing to draw on.
            (_, None) => return,
        };
        drop(bars);
        if bar.is_finished() {
            return;
        }
        let pos = event.ended();
        if pos > bar.position() {
            bar.set_position(pos);
        }
        if event.failed > 0 {
            bar.set_message(format!("{} failed", event.failed));
        }
        if event.kind == EventKind::Finish {
            bar.finish();
        }
    }
}
