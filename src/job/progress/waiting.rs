//! [`WaitingStage`]: a job's wait reported as [`Stage::Waiting`] events.

use super::{EventKind, Progress, ProgressEvent, ProgressSink, Reporter, Stage};

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
