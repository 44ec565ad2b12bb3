//! Details of the job-specific variants of [`Error`](crate::Error): a stuck job, a wait that
//! timed out, datapoints that failed, a revision conflict.

use std::fmt;
use std::time::Duration;

use crate::api::types::AudienceJobState;
use crate::asset::DataItem;

/// Why a job will not finish on its own.
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) {
/// use rapidata::job::StuckCause;
/// if let Err(rapidata::Error::JobStuck(s)) = job.wait() {
///     if *s.cause() == StuckCause::SpendLimited {
///         eprintln!("add funds, then wait again");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StuckCause {
    /// The job waits for a manual review by Rapidata (`ManualApproval`).
    ManualApproval,
    /// The job is paused until the account has funds (`SpendLimited`).
    SpendLimited,
    /// The job was paused (`Paused`); resume it with [`Job::resume`](crate::job::Job::resume).
    Paused,
    /// The job was blocked (`Blocked`).
    Blocked,
    /// The job failed (`Failed`); the reason holds the server's failure message.
    Failed,
    /// The job's audience has nobody who could ever answer (no qualified and no
    /// qualifying labelers, and recruiting has not started or is over).
    AudienceCannotAnswer,
}

/// A job that will not finish without someone acting: the wait was ended.
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) {
/// use rapidata::job::StuckCause;
///
/// match job.wait() {
///     Err(rapidata::Error::JobStuck(stuck)) if stuck.cause() == &StuckCause::Paused => {
///         job.resume().unwrap();
///     }
///     other => println!("{other:?}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JobStuck {
    pub(crate) job_id: String,
    pub(crate) state: AudienceJobState,
    pub(crate) cause: StuckCause,
    pub(crate) reason: String,
}

impl JobStuck {
    /// The job's id.
    ///
    /// ```no_run
    /// # fn demo(stuck: &rapidata::job::JobStuck) {
    /// println!("job {}", stuck.job_id());
    /// # }
    /// ```
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The job's state when the wait ended.
    ///
    /// ```no_run
    /// # fn demo(stuck: &rapidata::job::JobStuck) {
    /// println!("state {}", stuck.state());
    /// # }
    /// ```
    pub fn state(&self) -> &AudienceJobState {
        &self.state
    }

    /// Why the job will not finish.
    ///
    /// ```no_run
    /// # fn demo(stuck: &rapidata::job::JobStuck) {
    /// println!("{:?}", stuck.cause());
    /// # }
    /// ```
    pub fn cause(&self) -> &StuckCause {
        &self.cause
    }

    /// A readable reason (for `Failed`, the server's failure message).
    ///
    /// ```no_run
    /// # fn demo(stuck: &rapidata::job::JobStuck) {
    /// eprintln!("{}", stuck.reason());
    /// # }
    /// ```
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for JobStuck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "job {} will not finish on its own (state {}): {}",
            self.job_id, self.state, self.reason
        )
    }
}

impl std::error::Error for JobStuck {}

/// Waiting took longer than the caller allowed.
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) {
/// use std::time::Duration;
/// use rapidata::job::WaitOptions;
///
/// let opts = WaitOptions::default().timeout(Duration::from_secs(600));
/// if let Err(rapidata::Error::Timeout(t)) = job.wait_with(&mut (), opts) {
///     println!("still {} after {:?}", t.last_state().unwrap_or("?"), t.waited());
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitTimeout {
    pub(crate) what: String,
    pub(crate) waited: Duration,
    pub(crate) last_state: Option<String>,
}

impl WaitTimeout {
    /// What was awaited ("job j_123 to complete", "the cost estimate of …").
    ///
    /// ```no_run
    /// # fn demo(t: &rapidata::job::WaitTimeout) { println!("{}", t.what()); }
    /// ```
    pub fn what(&self) -> &str {
        &self.what
    }

    /// How long was waited.
    ///
    /// ```no_run
    /// # fn demo(t: &rapidata::job::WaitTimeout) { println!("{:?}", t.waited()); }
    /// ```
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// The last state seen, when there is one.
    ///
    /// ```no_run
    /// # fn demo(t: &rapidata::job::WaitTimeout) { println!("{:?}", t.last_state()); }
    /// ```
    pub fn last_state(&self) -> Option<&str> {
        self.last_state.as_deref()
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timed out after {:.1} s waiting for {}",
            self.waited.as_secs_f64(),
            self.what
        )?;
        if let Some(s) = &self.last_state {
            write!(f, " (last state: {s})")?;
        }
        write!(f, "; wait longer, or check it in the dashboard")
    }
}

impl std::error::Error for WaitTimeout {}

/// At which step a datapoint failed.
///
/// ```
/// use rapidata::job::FailureStage;
/// assert_eq!(FailureStage::Upload.to_string(), "upload");
/// assert_eq!(FailureStage::Datapoint.to_string(), "datapoint");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureStage {
    /// Uploading one of its assets (batch URL upload or file upload).
    Upload,
    /// Creating the datapoint (`POST /dataset/{id}/datapoint`).
    Datapoint,
}

impl fmt::Display for FailureStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureStage::Upload => "upload",
            FailureStage::Datapoint => "datapoint",
        })
    }
}

/// One datapoint that could not be added to a job definition's dataset.
///
/// ```no_run
/// # fn demo(f: &rapidata::job::UploadFailure) {
/// for failed in f.failures() {
///     eprintln!("#{} at {}: {} ({:?})", failed.index, failed.stage, failed.reason, failed.items);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FailedDatapoint {
    /// Position in the caller's list of datapoints (its `sortIndex`).
    pub index: usize,
    /// The datapoint's items (two for a comparison, one for a classification).
    pub items: Vec<DataItem>,
    /// Where it failed.
    pub stage: FailureStage,
    /// What went wrong.
    pub reason: String,
    /// Whether the last attempt may nevertheless have created the datapoint (checked
    /// before it is sent again).
    pub(crate) ambiguous: bool,
}

impl fmt::Display for FailedDatapoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self.items.iter().map(ToString::to_string).collect();
        write!(
            f,
            "datapoint {} [{}] failed at {}: {}",
            self.index,
            items.join(", "),
            self.stage,
            self.reason
        )
    }
}

/// Saving with `require_latest` found a newer revision than the one the handle was loaded
/// at: someone saved in between. Nothing was created; the handle keeps its loaded revision
/// and its staged changes. Found in [`Error::RevisionConflict`](crate::Error::RevisionConflict).
///
/// ```no_run
/// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
/// match d.save(true) {
///     Err(rapidata::Error::RevisionConflict(c)) => {
///         eprintln!("revision {} is outdated: {} is the latest", c.base_revision(), c.latest_revision());
///     }
///     other => { other?; }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionConflict {
    pub(crate) definition_id: String,
    pub(crate) base_revision: i32,
    pub(crate) latest_revision: i32,
}

impl RevisionConflict {
    /// The job definition.
    ///
    /// ```no_run
    /// # fn demo(c: &rapidata::job::RevisionConflict) { println!("{}", c.definition_id()); }
    /// ```
    pub fn definition_id(&self) -> &str {
        &self.definition_id
    }

    /// The revision the handle was loaded at, which the changes were made on.
    ///
    /// ```no_run
    /// # fn demo(c: &rapidata::job::RevisionConflict) { println!("{}", c.base_revision()); }
    /// ```
    pub fn base_revision(&self) -> i32 {
        self.base_revision
    }

    /// The revision that is the latest now.
    ///
    /// ```no_run
    /// # fn demo(c: &rapidata::job::RevisionConflict) { println!("{}", c.latest_revision()); }
    /// ```
    pub fn latest_revision(&self) -> i32 {
        self.latest_revision
    }
}

impl fmt::Display for RevisionConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "job definition {}: the changes were made on revision {}, but revision {} was \
             saved since, so nothing was saved (require_latest); your changes are still \
             staged: discard_changes() and reload() to start from revision {}, or save(false) \
             to save over it",
            self.definition_id, self.base_revision, self.latest_revision, self.latest_revision
        )
    }
}

/// Some datapoints of a new dataset (from [`JobDefinition::set_datapoints`](crate::job::JobDefinition::set_datapoints) or
/// [`JobDefinition::update_dataset`](crate::job::JobDefinition::update_dataset)) could not be uploaded. Nothing was staged or saved;
/// the handle remembers the dataset, and calling the same method again with the same
/// datapoints sends only the failed ones into it. Found in
/// [`Error::DatasetUploadFailed`](crate::Error::DatasetUploadFailed).
///
/// ```no_run
/// # fn demo(mut d: rapidata::JobDefinition, new: rapidata::job::NewDatapoints) -> rapidata::Result<()> {
/// match d.update_dataset(new.clone()) {
///     Err(rapidata::Error::DatasetUploadFailed(failure)) => {
///         for f in failure.failures() { eprintln!("{f}"); }
///         d.update_dataset(new)?; // sends only the failed datapoints
///     }
///     other => { other?; }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DatasetUploadFailure {
    pub(crate) definition_id: String,
    pub(crate) dataset_id: String,
    pub(crate) failures: Vec<FailedDatapoint>,
    pub(crate) total: usize,
}

impl DatasetUploadFailure {
    /// Every failed datapoint, by index.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::DatasetUploadFailure) {
    /// for failed in f.failures() { println!("{} {}", failed.index, failed.reason); }
    /// # }
    /// ```
    pub fn failures(&self) -> &[FailedDatapoint] {
        &self.failures
    }

    /// The number of datapoints of the new dataset.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::DatasetUploadFailure) { println!("{}/{}", f.failures().len(), f.total()); }
    /// ```
    pub fn total(&self) -> usize {
        self.total
    }

    /// The dataset the other datapoints are in (the one the next attempt fills up).
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::DatasetUploadFailure) { println!("{}", f.dataset_id()); }
    /// ```
    pub fn dataset_id(&self) -> &str {
        &self.dataset_id
    }

    /// The job definition the dataset was for.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::DatasetUploadFailure) { println!("{}", f.definition_id()); }
    /// ```
    pub fn definition_id(&self) -> &str {
        &self.definition_id
    }
}

impl fmt::Display for DatasetUploadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} datapoints of the new dataset of job definition {} failed to upload, so \
             nothing was staged; set the same datapoints again to send only the failed ones \
             into dataset {}",
            self.failures.len(),
            self.total,
            self.definition_id,
            self.dataset_id
        )?;
        for (i, failure) in self.failures.iter().enumerate() {
            if i == 5 {
                return write!(f, "; …");
            }
            write!(f, "; {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DatasetUploadFailure {}

/// Too many datapoints of a new job definition failed, so no definition was created.
///
/// Holds every failure and a [`PendingDefinition`](crate::job::PendingDefinition) that re-sends only the failed
/// datapoints into the same dataset and then creates the definition.
///
/// ```no_run
/// # fn demo(client: rapidata::Client) -> rapidata::Result<()> {
/// let result = client
///     .job()
///     .create_compare_job_definition(
///         "Prompt alignment",
///         "Which image follows the prompt more accurately?",
///         [["https://example.com/a1.jpg", "https://example.com/b1.jpg"]],
///     )
///     .send();
/// let definition = match result {
///     Ok(d) => d,
///     Err(rapidata::Error::UploadFailed(failure)) => {
///         for f in failure.failures() {
///             eprintln!("{f}");
///         }
///         failure.retry()?
///     }
///     Err(e) => return Err(e),
/// };
/// # Ok(()) }
/// ```
pub struct UploadFailure {
    pub(crate) failures: Vec<FailedDatapoint>,
    pub(crate) total: usize,
    pub(crate) tolerance: f64,
    /// The definition's name and dataset, for the texts.
    pub(crate) name: String,
    pub(crate) dataset_id: String,
    /// The resumable `job::PendingDefinition`, typed where it is defined (its accessors
    /// live in `job/definition/pending.rs`), so that errors need not import jobs.
    pub(crate) pending: Box<dyn std::any::Any + Send + Sync>,
}

impl UploadFailure {
    /// Every failed datapoint, by index.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) {
    /// for failed in f.failures() { println!("{} {}", failed.index, failed.reason); }
    /// # }
    /// ```
    pub fn failures(&self) -> &[FailedDatapoint] {
        &self.failures
    }

    /// Number of datapoints in the definition.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) { println!("{}/{}", f.failures().len(), f.total()); }
    /// ```
    pub fn total(&self) -> usize {
        self.total
    }

    /// The dataset the successful datapoints are in (reused by [`UploadFailure::retry`](crate::job::UploadFailure::retry)).
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) { println!("{}", f.dataset_id()); }
    /// ```
    pub fn dataset_id(&self) -> &str {
        &self.dataset_id
    }
}

impl fmt::Debug for UploadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFailure")
            .field("failures", &self.failures)
            .field("total", &self.total)
            .field("tolerance", &self.tolerance)
            .field("dataset_id", &self.dataset_id)
            .finish()
    }
}

impl fmt::Display for UploadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} datapoints of job definition `{}` failed (tolerance {}), so the \
             definition was not created; retry() re-sends only the failed ones into dataset {}",
            self.failures.len(),
            self.total,
            self.name,
            self.tolerance,
            self.dataset_id
        )?;
        for (i, failure) in self.failures.iter().enumerate() {
            if i == 5 {
                write!(f, "; …")?;
                break;
            }
            write!(f, "; {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UploadFailure {}
