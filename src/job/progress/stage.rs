//! The stages of a long call and their events: [`Stage`], [`ProgressEvent`], the
//! [`Reporter`] that receives them, and the crate's shared reporter and running stage.

use std::sync::{Arc, Mutex};

use crate::sync::lock;

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
///   tried again (for example by [`PendingDefinition::retry`](crate::job::PendingDefinition::retry),
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
/// builders' `progress` setter), [`PendingDefinition::retry`](crate::job::PendingDefinition::retry),
/// [`JobDefinition::cost_estimate`](crate::job::JobDefinition::cost_estimate), and waiting for a
/// job through [`WaitingStage`](crate::job::WaitingStage).
///
/// `report` may be called from any worker thread, and must return quickly: the calls of
/// one stage are serialized, so a slow reporter slows the workers down. The provided
/// reporters never block:
///
/// * `()` ignores every event;
/// * any closure `Fn(&ProgressEvent) + Send + Sync`;
/// * [`std::sync::mpsc::Sender<ProgressEvent>`](std::sync::mpsc::Sender) sends a copy of
///   each event (an unbounded channel; a closed receiver is ignored);
/// * [`ProgressBars`](crate::job::ProgressBars) draws one bar per stage on standard error when it is a terminal
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
