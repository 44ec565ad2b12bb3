//! [`AssignJob`]: assigning a definition with options, such as queueing the new job behind
//! another one.

use crate::api::types;
use crate::audience::{Audience, FilteredAudience, JobTarget, UnlistedAudience};
use crate::{Client, Result};

use super::{handle, Job, JobDefinition};

/// Builder for [`Audience::assign`] and [`FilteredAudience::assign`]: a job of a
/// definition on an audience, created by [`send`](Self::send) (`POST /job`).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let audience = client.audience().get_audience_by_id("aud_123")?;
/// let definition = client.job().get_job_definition_by_id("jd_123")?;
/// let first = audience.assign_job(&definition)?;
/// // Starts only once `first` has completed (or failed); `Queued` until then.
/// let second = audience.assign(&definition).run_after(&first).send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is called"]
pub struct AssignJob {
    client: Client,
    audience_id: String,
    definition: JobDefinition,
    run_after: Option<String>,
}

impl AssignJob {
    fn new(target: &impl JobTarget, definition: &JobDefinition) -> AssignJob {
        AssignJob {
            client: target.client().clone(),
            audience_id: target.audience_id().to_owned(),
            definition: definition.clone(),
            run_after: None,
        }
    }

    /// Queues the new job behind `job` (`precedingJobId`): it waits in the `Queued` state
    /// and starts once `job` has completed or failed.
    ///
    /// ```no_run
    /// # fn demo(audience: rapidata::Audience, d: rapidata::JobDefinition, first: rapidata::Job) -> rapidata::Result<()> {
    /// let next = audience.assign(&d).run_after(&first).send()?;
    /// # Ok(()) }
    /// ```
    pub fn run_after(self, job: &Job) -> Self {
        self.run_after_id(job.id())
    }

    /// [`run_after`](Self::run_after) by job id (checked not to be empty before any
    /// request).
    ///
    /// ```no_run
    /// # fn demo(audience: rapidata::Audience, d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let next = audience.assign(&d).run_after_id("job_123").send()?;
    /// # Ok(()) }
    /// ```
    pub fn run_after_id(mut self, job_id: impl Into<String>) -> Self {
        self.run_after = Some(job_id.into());
        self
    }

    /// Creates the job: `POST /job` with `precedingJobId` set when queued (`null`
    /// otherwise, as the official SDK sends it). Warnings are as with
    /// [`Audience::assign_job`].
    ///
    /// ```no_run
    /// # fn demo(audience: rapidata::Audience, d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let job = audience.assign(&d).send()?;
    /// # Ok(()) }
    /// ```
    pub fn send(self) -> Result<Job> {
        let body = self.validate()?;
        handle::create_job(&self.client, &self.definition, body)
    }

    /// Checks the assignment with no request (the `run_after` id is not empty, the
    /// definition has no unsaved changes) and returns the `POST /job` body
    /// [`send`](Self::send) would post.
    ///
    /// ```no_run
    /// # fn demo(audience: rapidata::Audience, d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let body = audience.assign(&d).run_after_id("job_123").validate()?;
    /// assert_eq!(body.preceding_job_id, Some(Some("job_123".to_owned())));
    /// # Ok(()) }
    /// ```
    pub fn validate(&self) -> Result<types::CreateJobEndpointInput> {
        if let Some(id) = &self.run_after {
            crate::error::require_id("run_after", id)?;
        }
        handle::assign_body(
            &self.audience_id,
            &self.definition,
            self.run_after.as_deref(),
        )
    }
}

impl Audience {
    /// Starts assigning `definition` to this audience with options (see [`AssignJob`]);
    /// [`assign_job`](Self::assign_job) is the same without options.
    ///
    /// ```no_run
    /// # fn demo(audience: rapidata::Audience, d: rapidata::JobDefinition, first: rapidata::Job) -> rapidata::Result<()> {
    /// let queued = audience.assign(&d).run_after(&first).send()?;
    /// # Ok(()) }
    /// ```
    pub fn assign(&self, definition: &JobDefinition) -> AssignJob {
        AssignJob::new(self, definition)
    }
}

impl FilteredAudience {
    /// Starts assigning `definition` to this filtered audience with options (see
    /// [`AssignJob`]).
    ///
    /// ```no_run
    /// # fn demo(audience: rapidata::FilteredAudience, d: rapidata::JobDefinition, first: rapidata::Job) -> rapidata::Result<()> {
    /// let queued = audience.assign(&d).run_after(&first).send()?;
    /// # Ok(()) }
    /// ```
    pub fn assign(&self, definition: &JobDefinition) -> AssignJob {
        AssignJob::new(self, definition)
    }
}

impl UnlistedAudience {
    /// The page that takes your annotators straight into one job of this audience,
    /// [`link`](Self::link)` + /job/{jobId}`. (A job action, so it lives in the job
    /// module: the audience module never needs the job module.)
    ///
    /// ```no_run
    /// # fn demo(a: &rapidata::UnlistedAudience, job: &rapidata::Job) { println!("{}", a.job_link(job)); }
    /// ```
    pub fn job_link(&self, job: &Job) -> String {
        self.job_link_id(job.id())
    }

    /// Runs `definition` on this unlisted audience (`POST /job`); only people who open
    /// its [link](Self::link) or the job's [link](Self::job_link) annotate it.
    ///
    /// ```no_run
    /// # fn demo(team: rapidata::UnlistedAudience, d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let job = team.assign_job(&d)?;
    /// println!("share {}", team.job_link(&job));
    /// # Ok(()) }
    /// ```
    pub fn assign_job(&self, definition: &JobDefinition) -> Result<Job> {
        self.assign(definition).send()
    }

    /// Starts assigning `definition` to this unlisted audience with options (see
    /// [`AssignJob`]).
    ///
    /// ```no_run
    /// # fn demo(team: rapidata::UnlistedAudience, d: rapidata::JobDefinition, first: rapidata::Job) -> rapidata::Result<()> {
    /// let queued = team.assign(&d).run_after(&first).send()?;
    /// # Ok(()) }
    /// ```
    pub fn assign(&self, definition: &JobDefinition) -> AssignJob {
        AssignJob::new(self, definition)
    }
}
