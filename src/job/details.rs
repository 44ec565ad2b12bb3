//! What a [`Job`] can tell about itself beyond its state: when it completed, the pipeline
//! running it, and what it will cost.

use std::time::Duration;

use crate::api::operations;
use crate::request::WithDecoder;
use crate::Result;

use super::definition::{poll_cost_estimate, EstimateOrNotReady};
use super::{CostEstimate, Job, WaitOptions};

impl Job {
    /// When the job completed (`completedAt` of `GET /job/{id}`, ISO 8601), `None` while
    /// it has not.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// if let Some(at) = job.completed_at()? {
    ///     println!("done at {at}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn completed_at(&self) -> Result<Option<String>> {
        Ok(self.details()?.completed_at.flatten())
    }

    /// The id of the pipeline that runs the job: known to a handle that was read from
    /// the server (looked up, listed or [refreshed](Job::refresh)), otherwise read with
    /// `GET /job/{id}`.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// println!("{}", job.pipeline_id()?);
    /// # Ok(()) }
    /// ```
    pub fn pipeline_id(&self) -> Result<String> {
        match &self.pipeline_id {
            Some(id) => Ok(id.clone()),
            None => Ok(self.details()?.pipeline_id),
        }
    }

    /// The job's own cost estimate (`GET /job/{id}/cost-estimate`: the revision and
    /// audience it runs on), waiting up to `timeout` while the server answers 409 or an
    /// empty body (not computed yet); [`Error::Timeout`](crate::Error::Timeout) after.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// let cost = job.cost_estimate(Duration::from_secs(120))?;
    /// println!("about {:.2} for {} responses", cost.estimated_cost, cost.required_responses);
    /// # Ok(()) }
    /// ```
    pub fn cost_estimate(&self, timeout: Duration) -> Result<CostEstimate> {
        self.cost_estimate_with(WaitOptions::default().timeout(timeout))
    }

    /// [`cost_estimate`](Self::cost_estimate) with a chosen poll interval and timeout (no
    /// timeout: as long as it takes). While it waits it reports
    /// [`Stage::Estimating`](super::Stage::Estimating) to progress bars on a terminal.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// use rapidata::job::WaitOptions;
    /// let cost = job.cost_estimate_with(WaitOptions::new().poll_interval(Duration::from_secs(1)))?;
    /// # Ok(()) }
    /// ```
    pub fn cost_estimate_with(&self, options: WaitOptions) -> Result<CostEstimate> {
        poll_cost_estimate(
            &self.client,
            &WithDecoder::<_, EstimateOrNotReady>::new(operations::GetJobByJobIdCostEstimate::new(
                &self.id,
            )),
            &format!("job {}", self.id),
            None,
            options,
        )
    }
}
