//! Job progress as data, and where to show it.
//!
//! [`Progress`] is one reading of a job's state and completion. While waiting, a
//! [`Job`](super::Job) hands every reading to a [`ProgressSink`]: `()` ignores them,
//! [`ProgressBarSink`] draws an indicatif bar on standard error when it is a terminal (and
//! nothing otherwise), and any type of your own can log or forward them.

#[cfg(feature = "progress-bar")]
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[cfg(feature = "progress-bar")]
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::types::AudienceJobState;
use crate::sync::lock;

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
    /// Where the labelers of the job's custom audience stand in its recruiting funnel
    /// (graduated, distilling, dropped, inactive), as read by
    /// [`Job::get_progress`](super::Job::get_progress); `None` for audiences without a
    /// funnel of their own (global, curated, unlisted), when it could not be read, and in
    /// the readings of a wait.
    pub recruiting: Option<crate::UserMetrics>,
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
            recruiting: None,
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
            recruiting: None,
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

/// A long call's stage, as reported to a [`Reporter`].
///
/// ```
/// use rapidata::job::Stage;
/// assert_eq!(Stage::Assets.to_string(), "assets");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Stage {
    /// Uploading a definition's media (files and URLs); counts distinct items.
    Assets,
    /// Creating a definition's datapoints in its dataset; counts datapoints.
    Datapoints,
    /// `POST /job/definition`; one item.
    Definition,
    /// Waiting for a job to complete; counts its finished tasks.
    Waiting,
    /// Waiting for a definition's cost estimate; no counts.
    Estimating,
}

impl Stage {
    /// The stage's name in lower case.
    ///
    /// ```
    /// assert_eq!(rapidata::job::Stage::Datapoints.as_str(), "datapoints");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::Assets => "assets",
            Stage::Datapoints => "datapoints",
            Stage::Definition => "definition",
            Stage::Waiting => "waiting",
            Stage::Estimating => "estimating",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a [`ProgressEvent`] says about its stage.
///
/// ```
/// use rapidata::job::EventKind;
/// assert_ne!(EventKind::Start, EventKind::Finish);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The stage begins (counts at 0 or where an earlier attempt left them).
    Start,
    /// Items of the stage ended (or, for stages without counts, it is still going on).
    Progress,
    /// The stage ended and every item in it succeeded.
    Finish,
}

/// One event of a long call, handed to a [`Reporter`].
///
/// # Order and guarantees
///
/// For each stage, the events of one call come in the order `Start`, any number of
/// `Progress`, then `Finish`, and:
///
/// * `Finish` comes only when the stage ended and none of its items failed. A stage in
///   which something failed, or that the call's error interrupted, ends with no `Finish`
///   (its last event tells how far it got). With a failure tolerance, the call may go on
///   (and succeed) after such a stage.
/// * [`done`](Self::done) and [`failed`](Self::failed) never decrease within a stage, and
///   `done + failed` never exceeds [`total`](Self::total) when it is known. The events of
///   one stage are handed over one at a time (under a lock), so concurrent workers never
///   report out of order.
/// * Stages may overlap; events of different stages can interleave. A stage that is
///   tried again (for example by [`PendingDefinition::retry`](super::PendingDefinition::retry),
///   which sends only what is still missing) starts again with a new `Start`.
/// * A definition's stages, in order: [`Stage::Assets`] (skipped when it has no media),
///   [`Stage::Datapoints`], [`Stage::Definition`]. [`Stage::Estimating`] only when a cost
///   estimate has to be waited for.
///
/// ```
/// use rapidata::job::{EventKind, ProgressEvent, Stage};
///
/// fn describe(e: &ProgressEvent) -> String {
///     match (e.kind, e.total) {
///         (EventKind::Finish, _) => format!("{} done", e.stage),
///         (_, Some(total)) => format!("{}: {}/{total}", e.stage, e.done),
///         (_, None) => format!("{}…", e.stage),
///     }
/// }
/// let e = ProgressEvent::new(Stage::Assets, EventKind::Progress, 3, Some(10));
/// assert_eq!(describe(&e), "assets: 3/10");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ProgressEvent {
    /// The stage the event is about.
    pub stage: Stage,
    /// Start, progress or finish.
    pub kind: EventKind,
    /// Items of the stage that succeeded so far.
    pub done: u64,
    /// Items of the stage that failed so far.
    pub failed: u64,
    /// All items of the stage, when known.
    pub total: Option<u64>,
}

impl ProgressEvent {
    /// An event with no failed items.
    ///
    /// ```
    /// use rapidata::job::{EventKind, ProgressEvent, Stage};
    /// let e = ProgressEvent::new(Stage::Definition, EventKind::Start, 0, Some(1));
    /// assert_eq!((e.done, e.failed, e.total), (0, 0, Some(1)));
    /// ```
    pub fn new(stage: Stage, kind: EventKind, done: u64, total: Option<u64>) -> ProgressEvent {
        ProgressEvent {
            stage,
            kind,
            done,
            failed: 0,
            total,
        }
    }

    /// The same event with `failed` items.
    ///
    /// ```
    /// use rapidata::job::{EventKind, ProgressEvent, Stage};
    /// let e = ProgressEvent::new(Stage::Assets, EventKind::Progress, 2, Some(3)).with_failed(1);
    /// assert_eq!(e.ended(), 3);
    /// ```
    pub fn with_failed(mut self, failed: u64) -> ProgressEvent {
        self.failed = failed;
        self
    }

    /// Items that ended, successfully or not (`done + failed`).
    ///
    /// ```
    /// use rapidata::job::{EventKind, ProgressEvent, Stage};
    /// assert_eq!(ProgressEvent::new(Stage::Assets, EventKind::Progress, 2, None).ended(), 2);
    /// ```
    pub fn ended(&self) -> u64 {
        self.done.saturating_add(self.failed)
    }
}

/// Receives the [`ProgressEvent`]s of long calls: creating a job definition (see the
/// builders' `progress` setter), [`PendingDefinition::retry`](super::PendingDefinition::retry),
/// [`JobDefinition::cost_estimate`](super::JobDefinition::cost_estimate), and waiting for a
/// job through [`WaitingStage`].
///
/// `report` may be called from any worker thread, and must return quickly: the calls of
/// one stage are serialized, so a slow reporter slows the workers down. The provided
/// reporters never block:
///
/// * `()` ignores every event;
/// * any closure `Fn(&ProgressEvent) + Send + Sync`;
/// * [`std::sync::mpsc::Sender<ProgressEvent>`](std::sync::mpsc::Sender) sends a copy of
///   each event (an unbounded channel; a closed receiver is ignored);
/// * [`ProgressBars`] draws one bar per stage on standard error when it is a terminal
///   (the default of the definition builders);
/// * `Arc<R>` of a reporter, including `Arc<dyn Reporter>` (to keep a handle on a
///   reporter you pass, pass a clone of its `Arc`).
///
/// ```
/// use std::sync::Mutex;
/// use rapidata::job::{EventKind, ProgressEvent, Reporter, Stage};
///
/// let seen = Mutex::new(Vec::new());
/// let reporter = |e: &ProgressEvent| seen.lock().unwrap().push(*e);
/// reporter.report(&ProgressEvent::new(Stage::Assets, EventKind::Start, 0, Some(2)));
/// assert_eq!(seen.lock().unwrap().len(), 1);
/// ```
pub trait Reporter: Send + Sync {
    /// One event.
    fn report(&self, event: &ProgressEvent);
}

/// Ignores every event.
impl Reporter for () {
    fn report(&self, _event: &ProgressEvent) {}
}

impl<F: Fn(&ProgressEvent) + Send + Sync> Reporter for F {
    fn report(&self, event: &ProgressEvent) {
        self(event)
    }
}

/// Sends every event; an event sent after the receiver is gone is dropped.
///
/// ```
/// use rapidata::job::{EventKind, ProgressEvent, Reporter, Stage};
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// tx.report(&ProgressEvent::new(Stage::Waiting, EventKind::Start, 0, None));
/// assert_eq!(rx.recv().unwrap().stage, Stage::Waiting);
/// ```
impl Reporter for std::sync::mpsc::Sender<ProgressEvent> {
    fn report(&self, event: &ProgressEvent) {
        let _ = self.send(*event);
    }
}

impl<R: Reporter + ?Sized> Reporter for std::sync::Arc<R> {
    fn report(&self, event: &ProgressEvent) {
        (**self).report(event)
    }
}

/// A reporter shared by the calls of one definition (its create, retries, estimate).
#[derive(Clone)]
pub(crate) struct SharedReporter(pub(crate) Arc<dyn Reporter>);

impl std::fmt::Debug for SharedReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reporter")
    }
}

impl SharedReporter {
    pub(crate) fn new(reporter: impl Reporter + 'static) -> SharedReporter {
        SharedReporter(Arc::new(reporter))
    }

    /// The default: bars on standard error when it is a terminal, nothing otherwise
    /// (and nothing at all without the `progress-bar` feature).
    pub(crate) fn default_bars() -> SharedReporter {
        #[cfg(feature = "progress-bar")]
        return SharedReporter::new(ProgressBars::new());
        #[cfg(not(feature = "progress-bar"))]
        return SharedReporter::new(());
    }

    /// Starts `stage` with `total` items (reported at once).
    pub(crate) fn start(&self, stage: Stage, total: Option<u64>) -> StageReport {
        let report = StageReport {
            reporter: self.0.clone(),
            stage,
            total,
            state: Mutex::new(StageState::default()),
        };
        report.emit(EventKind::Start, |_| {});
        report
    }
}

#[derive(Debug, Default)]
struct StageState {
    done: u64,
    failed: u64,
    closed: bool,
}

/// One running stage: its counts, and the lock that serializes its events.
pub(crate) struct StageReport {
    reporter: Arc<dyn Reporter>,
    stage: Stage,
    total: Option<u64>,
    state: Mutex<StageState>,
}

impl StageReport {
    fn emit(&self, kind: EventKind, change: impl FnOnce(&mut StageState)) {
        let mut state = lock(&self.state);
        if state.closed {
            return;
        }
        change(&mut state);
        if let Some(total) = self.total {
            // Never past the total: extra items (which should not happen) are not shown.
            state.done = state.done.min(total);
            state.failed = state.failed.min(total - state.done);
        }
        if kind == EventKind::Finish {
            state.closed = true;
        }
        let event = ProgressEvent {
            stage: self.stage,
            kind,
            done: state.done,
            failed: state.failed,
            total: self.total,
        };
        // Reported under the lock: the events of a stage stay in order.
        self.reporter.report(&event);
    }

    /// `n` more items succeeded.
    pub(crate) fn done(&self, n: u64) {
        if n > 0 {
            self.emit(EventKind::Progress, |s| s.done = s.done.saturating_add(n));
        }
    }

    /// `n` more items failed.
    pub(crate) fn failed(&self, n: u64) {
        if n > 0 {
            self.emit(EventKind::Progress, |s| {
                s.failed = s.failed.saturating_add(n)
            });
        }
    }

    /// A progress event without new counts (a stage without items still going on).
    pub(crate) fn tick(&self) {
        self.emit(EventKind::Progress, |_| {});
    }

    /// Whether any item failed.
    pub(crate) fn any_failed(&self) -> bool {
        lock(&self.state).failed > 0
    }

    /// Ends the stage: `Finish` when no item failed, nothing otherwise.
    pub(crate) fn finish(&self) {
        if !self.any_failed() {
            self.emit(EventKind::Finish, |_| {});
        }
    }
}

#[cfg(feature = "progress-bar")]
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

#[cfg(feature = "progress-bar")]
impl std::fmt::Debug for ProgressBars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressBars")
            .field("hidden", &self.is_hidden())
            .finish()
    }
}

#[cfg(feature = "progress-bar")]
impl Default for ProgressBars {
    fn default() -> Self {
        ProgressBars::new()
    }
}

#[cfg(feature = "progress-bar")]
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

#[cfg(feature = "progress-bar")]
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

/// A [`ProgressSink`] that maps a wait's readings onto [`Stage::Waiting`] events: `Start`
/// at the first reading, `Progress` with the finished tasks (never decreasing) at each
/// one, and `Finish` when the job completed (nothing when the wait failed).
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
/// use rapidata::job::{ProgressEvent, WaitOptions, WaitingStage};
///
/// let (tx, rx) = std::sync::mpsc::channel::<ProgressEvent>();
/// job.wait_with(WaitingStage::new(tx), WaitOptions::default())?;
/// for event in rx.try_iter() {
///     println!("{:?} {}/{:?}", event.kind, event.done, event.total);
/// }
/// # Ok(()) }
/// ```
pub struct WaitingStage<R: Reporter> {
    reporter: R,
    started: bool,
    done: u64,
    total: Option<u64>,
    finished: bool,
}

impl<R: Reporter> WaitingStage<R> {
    /// Reports the wait to `reporter`.
    ///
    /// ```
    /// use rapidata::api::types::AudienceJobState;
    /// use rapidata::job::{EventKind, Progress, ProgressSink, WaitingStage};
    ///
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let mut sink = WaitingStage::new(tx);
    /// sink.update(&Progress::new(AudienceJobState::Running, 50.0, 1, 2));
    /// sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 2, 2));
    /// let kinds: Vec<EventKind> = rx.try_iter().map(|e| e.kind).collect();
    /// assert_eq!(kinds, [EventKind::Start, EventKind::Progress, EventKind::Progress, EventKind::Finish]);
    /// ```
    pub fn new(reporter: R) -> WaitingStage<R> {
        WaitingStage {
            reporter,
            started: false,
            done: 0,
            total: None,
            finished: false,
        }
    }

    fn event(&self, kind: EventKind) -> ProgressEvent {
        ProgressEvent::new(Stage::Waiting, kind, self.done, self.total)
    }

    fn read(&mut self, p: &Progress) {
        if self.finished {
            return;
        }
        if !self.started {
            self.started = true;
            self.reporter.report(&self.event(EventKind::Start));
        }
        if p.started {
            // The total is the largest seen, and the count never goes back.
            let total = self.total.unwrap_or(0).max(p.total);
            self.total = Some(total);
            self.done = self.done.max(p.completed.min(total));
        }
        self.reporter.report(&self.event(EventKind::Progress));
    }
}

impl<R: Reporter> ProgressSink for WaitingStage<R> {
    fn update(&mut self, progress: &Progress) {
        self.read(progress);
    }

    fn finish(&mut self, progress: &Progress) {
        self.read(progress);
        if progress.is_completed() && !self.finished {
            if let Some(total) = self.total {
                self.done = total;
            }
            self.finished = true;
            self.reporter.report(&self.event(EventKind::Finish));
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

    fn event(stage: Stage, kind: EventKind, done: u64, total: Option<u64>) -> ProgressEvent {
        ProgressEvent::new(stage, kind, done, total)
    }

    #[test]
    fn stage_bars_never_go_back_and_show_final_counts() {
        let rec = Recorder::default();
        let bars =
            ProgressBars::with_draw_target(ProgressDrawTarget::term_like(Box::new(rec.clone())));
        assert!(!bars.is_hidden());
        bars.report(&event(Stage::Assets, EventKind::Start, 0, Some(4)));
        bars.report(&event(Stage::Assets, EventKind::Progress, 3, Some(4)));
        // An older reading arriving late does not move the bar back.
        bars.report(&event(Stage::Assets, EventKind::Progress, 1, Some(4)));
        assert_eq!(bars.position(Stage::Assets), Some(3));
        bars.report(&event(Stage::Assets, EventKind::Finish, 4, Some(4)));
        assert_eq!(bars.position(Stage::Assets), Some(4));
        // A stage without counts, and events of a stage never started (ignored).
        bars.report(&event(Stage::Estimating, EventKind::Start, 0, None));
        bars.report(&event(Stage::Definition, EventKind::Finish, 1, Some(1)));
        assert_eq!(bars.position(Stage::Definition), None);
        // A failed item shows; a stage tried again gets a bar of its own.
        bars.report(&event(Stage::Datapoints, EventKind::Start, 0, Some(2)));
        bars.report(&event(Stage::Datapoints, EventKind::Progress, 1, Some(2)).with_failed(1));
        bars.report(&event(Stage::Datapoints, EventKind::Start, 0, Some(1)));
        bars.report(&event(Stage::Datapoints, EventKind::Finish, 1, Some(1)));
        assert_eq!(bars.position(Stage::Datapoints), Some(1));
        let out = rec.0.lock().unwrap().clone();
        assert!(out.contains("4/4"), "{out}");
        assert!(out.contains("1 failed"), "{out}");
        assert!(out.contains("datapoints"), "{out}");
    }

    #[test]
    fn hidden_stage_bars_draw_nothing() {
        let bars = ProgressBars::hidden();
        bars.report(&event(Stage::Assets, EventKind::Start, 0, Some(1)));
        bars.report(&event(Stage::Assets, EventKind::Finish, 1, Some(1)));
        assert!(bars.is_hidden());
        assert_eq!(bars.position(Stage::Assets), Some(1));
        // The default: hidden unless standard error is a terminal.
        assert_eq!(
            ProgressBars::new().is_hidden(),
            !std::io::stderr().is_terminal()
        );
    }

    #[test]
    fn a_stage_reports_in_order_from_many_threads_and_finishes_only_without_failures() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        let reporter = SharedReporter::new(move |e: &ProgressEvent| {
            // A slow handler would let events overtake each other if they were not
            // serialized.
            std::thread::yield_now();
            seen.lock().unwrap().push(*e);
        });
        let stage = reporter.start(Stage::Datapoints, Some(400));
        std::thread::scope(|scope| {
            for t in 0..8 {
                let stage = &stage;
                scope.spawn(move || {
                    for i in 0..50 {
                        if t == 0 && i == 0 {
                            stage.failed(1);
                        } else {
                            stage.done(1);
                        }
                    }
                });
            }
        });
        stage.finish();
        let events = events.lock().unwrap().clone();
        assert_eq!(events.len(), 401);
        assert_eq!(events[0].kind, EventKind::Start);
        for pair in events.windows(2) {
            assert!(pair[1].done >= pair[0].done && pair[1].failed >= pair[0].failed);
            assert_eq!(pair[1].ended(), pair[0].ended() + 1);
        }
        // One failure: no finish.
        assert!(events.iter().all(|e| e.kind != EventKind::Finish));
        assert_eq!((events[400].done, events[400].failed), (399, 1));

        // Without failures: one finish, and nothing after it.
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let r = recorded.clone();
        let reporter = SharedReporter::new(move |e: &ProgressEvent| r.lock().unwrap().push(*e));
        let stage = reporter.start(Stage::Assets, Some(2));
        stage.done(1);
        stage.done(5); // more than announced: capped at the total
        stage.finish();
        stage.done(1);
        stage.finish();
        let kinds: Vec<(EventKind, u64)> = recorded
            .lock()
            .unwrap()
            .iter()
            .map(|e| (e.kind, e.done))
            .collect();
        assert_eq!(
            kinds,
            [
                (EventKind::Start, 0),
                (EventKind::Progress, 1),
                (EventKind::Progress, 2),
                (EventKind::Finish, 2)
            ]
        );
    }

    #[test]
    fn a_wait_maps_onto_the_waiting_stage() {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut sink = WaitingStage::new(tx);
        sink.update(&Progress::not_started(AudienceJobState::Submitted));
        sink.update(&Progress::new(AudienceJobState::Running, 50.0, 5, 10));
        // A lower reading does not lower the count.
        sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
        sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
        let events: Vec<ProgressEvent> = rx.try_iter().collect();
        let seen: Vec<(EventKind, u64, Option<u64>)> =
            events.iter().map(|e| (e.kind, e.done, e.total)).collect();
        assert_eq!(
            seen,
            [
                (EventKind::Start, 0, None),
                (EventKind::Progress, 0, None),
                (EventKind::Progress, 5, Some(10)),
                (EventKind::Progress, 5, Some(10)),
                (EventKind::Progress, 10, Some(10)),
                (EventKind::Finish, 10, Some(10)),
            ]
        );
        assert!(events.iter().all(|e| e.stage == Stage::Waiting));
        // A wait that fails: no finish.
        let (tx, rx) = std::sync::mpsc::channel();
        let mut sink = WaitingStage::new(tx);
        sink.update(&Progress::new(AudienceJobState::Running, 50.0, 1, 2));
        sink.finish(&Progress::new(AudienceJobState::Paused, 50.0, 1, 2));
        assert!(rx.try_iter().all(|e| e.kind != EventKind::Finish));
    }

    #[test]
    fn hidden_bar_draws_nothing() {
        let mut sink = ProgressBarSink::with_draw_target(ProgressDrawTarget::hidden());
        sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
        sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
        assert!(sink.is_hidden());
    }
}
