//! One reading of a job's progress ([`Progress`]) and the trait that receives the readings
//! while a job is waited for ([`ProgressSink`]).

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
    /// Where the labelers of the job's custom audience stand in its recruiting funnel
    /// (graduated, distilling, dropped, inactive), as read by
    /// [`Job::get_progress`](crate::job::Job::get_progress); `None` for audiences without a
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
