//! Preliminary results: a snapshot of what a running job has collected so far
//! (`POST /pipeline/{pipelineId}/preliminary-download`, then
//! `GET /pipeline/preliminary-download/{id}` until the snapshot is ready).

use std::time::Duration;

use crate::api::operations;
use crate::api::types::{self, AudienceJobState};
use crate::request::{self, DecodeError, Decoder, WithDecoder};
use crate::Result;

use super::poll::poll_until;
use super::{Job, JobResults, WaitOptions};

/// How often the snapshot is asked for by default (the official SDK: every second, 60
/// times).
const DEFAULT_POLL: Duration = Duration::from_secs(1);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The answer of `GET /pipeline/preliminary-download/{id}`: the result file, or `None`
/// while the server answers 202 (an empty body) because the snapshot is being prepared.
struct SnapshotOrNotReady;

impl Decoder for SnapshotOrNotReady {
    type Output = Option<JobResults>;
    /// A snapshot is a whole result file.
    const MAX_RESPONSE_BYTES: Option<u64> = Some(request::MAX_FILE_RESPONSE_BYTES);

    fn decode(bytes: &[u8]) -> std::result::Result<Option<JobResults>, DecodeError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        JobResults::from_slice(bytes).map(Some)
    }
}

impl Job {
    /// The results collected so far, without waiting for the job to complete: a snapshot
    /// of a running job's result file (it may lack datapoints and holds fewer responses
    /// than the final one), or the final results when the job has already completed.
    ///
    /// Reads the job (`GET /job/{id}`); when it has not completed, asks its pipeline for a
    /// snapshot (`POST /pipeline/{pipelineId}/preliminary-download` `{"sendEmail": false}`)
    /// and fetches it every second until it is ready, for at most 60 s
    /// ([`Error::Timeout`](crate::Error::Timeout) after); see
    /// [`preliminary_results_with`](Self::preliminary_results_with) to choose.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// let so_far = job.preliminary_results()?;
    /// println!("{so_far}");
    /// # Ok(()) }
    /// ```
    pub fn preliminary_results(&self) -> Result<JobResults> {
        self.preliminary_results_with(
            WaitOptions::new()
                .poll_interval(DEFAULT_POLL)
                .timeout(DEFAULT_TIMEOUT),
        )
    }

    /// [`preliminary_results`](Self::preliminary_results), polling the snapshot with
    /// `options`' interval and giving up after its timeout (none: as long as it takes).
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// use rapidata::job::WaitOptions;
    /// let opts = WaitOptions::new().poll_interval(Duration::from_millis(250)).timeout(Duration::from_secs(30));
    /// let so_far = job.preliminary_results_with(opts)?;
    /// # Ok(()) }
    /// ```
    pub fn preliminary_results_with(&self, options: WaitOptions) -> Result<JobResults> {
        let details = self.details()?;
        if details.state == AudienceJobState::Completed {
            log::info!("job {} has completed: returning its final results", self.id);
            return self.download_results();
        }
        // (Set on a constructed value: a property added later stays unset.)
        let mut body = types::StartPreliminaryDownloadEndpointInput::new();
        body.send_email = Some(false);
        let started = self.client.send(
            &operations::PostPipelineByPipelineIdPreliminaryDownload::new(
                &details.pipeline_id,
                body,
            ),
        )?;
        let op = WithDecoder::<_, SnapshotOrNotReady>::new(
            operations::GetPipelinePreliminaryDownloadByPreliminaryDownloadId::new(
                started.download_id,
            ),
        );
        poll_until(
            &self.client,
            &options,
            &format!("the preliminary results of job {}", self.id),
            "being prepared",
            || self.client.send(&op),
        )
    }
}
