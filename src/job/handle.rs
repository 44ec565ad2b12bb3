//! The [`Job`] handle: a job definition running on an audience.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::api::types::AudienceJobState;
use crate::api::{operations, types};
use crate::clock::Step;
use crate::flow::paging::{newest_first, LIST_PAGE_SIZE};
use crate::flow::poll::poll;
use crate::flow::reconcile::{create_once, Created, Verdict};
use crate::request::{self, DecodeError, Decoder, QueryFilter, WithDecoder};
use crate::sync::lock;
use crate::{Client, Error, Result};

#[cfg(feature = "progress-bar")]
use super::progress::ProgressBarSink;
use super::progress::{Progress, ProgressSink, WaitOptions};
use super::results::JobResults;
use crate::error::{JobStuck, StuckCause};

/// While a job's labeling runs, the wait reads the job itself (`GET /job/{id}`) only on
/// every this many polls; the polls in between read the progress alone.
const DETAILS_EVERY: u32 = 3;

/// One progress reading and whether the labeling behind it has stopped running.
struct LabelingReading {
    progress: Progress,
    /// Done, failed, paused, every task completed, or a state unknown to this crate.
    settled: bool,
}

/// Something the server said when the job was created.
///
/// ```no_run
/// # fn demo(job: rapidata::job::Job) {
/// use rapidata::job::JobWarning;
/// for w in job.warnings() {
///     if let JobWarning::InsufficientBalance { shortfall, .. } = w {
///         eprintln!("top up at least {shortfall:.2}");
///     }
/// }
/// # }
/// ```
///
/// Serialized tagged by `kind` (`{"kind": "insufficient_balance", "estimated_cost": …}`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum JobWarning {
    /// The estimated cost exceeds the account balance: the job was created but may pause
    /// (`SpendLimited`) until funds are added.
    InsufficientBalance {
        /// The estimated cost of the job.
        estimated_cost: f64,
        /// The account balance.
        available_balance: f64,
        /// What is missing.
        shortfall: f64,
    },
    /// Skipping the explicit-content check was asked for but is not allowed for this
    /// account; the check runs.
    ContentCheckSkipDenied,
    /// Nobody has graduated into the job's custom audience yet, so the job gets no
    /// responses until someone does. When `recruiting` is false, nobody is qualifying
    /// either and recruiting has not started (or ran dry): the job will never get
    /// responses unless the audience gets enough qualification examples and
    /// [`Audience::start_recruiting`](crate::Audience::start_recruiting) is called, and
    /// waiting on it ends with [`StuckCause::AudienceCannotAnswer`](super::StuckCause).
    NoGraduatedLabelers {
        /// Labelers still qualifying.
        distilling: u64,
        /// Whether the audience is recruiting (someone could still graduate).
        recruiting: bool,
    },
}

impl fmt::Display for JobWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobWarning::InsufficientBalance {
                estimated_cost,
                available_balance,
                shortfall,
            } => write!(
                f,
                "the estimated cost ({estimated_cost:.2}) exceeds the available balance \
                 ({available_balance:.2}) by {shortfall:.2}; the job may pause until funds are added"
            ),
            JobWarning::ContentCheckSkipDenied => f.write_str(
                "skipping the explicit-content check is not allowed for this account; the check runs",
            ),
            JobWarning::NoGraduatedLabelers {
                distilling,
                recruiting: true,
            } => write!(
                f,
                "nobody has graduated into the audience yet ({distilling} still qualifying): the \
                 job gets responses once labelers graduate"
            ),
            JobWarning::NoGraduatedLabelers {
                recruiting: false, ..
            } => f.write_str(
                "nobody has graduated into the audience and nobody is being recruited: the job \
                 will get no responses until the audience has at least min_tasks qualification \
                 examples and start_recruiting() is called (or assign it to the global audience)",
            ),
        }
    }
}

/// A job: a job definition assigned to an audience.
///
/// Cheap to clone. Get one from `audience.assign_job(&definition)`,
/// [`JobManager::get_job_by_id`](super::JobManager::get_job_by_id) or
/// [`JobManager::find_jobs`](super::JobManager::find_jobs).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let job = client.job().get_job_by_id("job_123")?;
/// job.display_progress_bar()?;
/// let results = job.get_results()?;
/// println!("{results}");
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Job {
    pub(crate) client: Client,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) definition_id: Option<String>,
    pub(crate) audience_id: String,
    pub(crate) state: Option<AudienceJobState>,
    pub(crate) warnings: Vec<JobWarning>,
    /// The pipeline running it, when a read of the job told it.
    pub(crate) pipeline_id: Option<String>,
    /// The final progress, once a wait on this handle (or a clone of it) has seen the
    /// job complete: [`Job::get_results`] then downloads at once instead of waiting again.
    pub(crate) completed: Arc<Mutex<Option<Progress>>>,
}

/// Serialized as its metadata (the client is left out): `id`, `name`, `definition_id`,
/// `audience_id`, `state` (as last read), `warnings`, `view_url`.
impl serde::Serialize for Job {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Meta<'a> {
            id: &'a str,
            name: &'a str,
            definition_id: Option<&'a str>,
            audience_id: &'a str,
            state: Option<&'a AudienceJobState>,
            warnings: &'a [JobWarning],
            view_url: String,
        }
        Meta {
            id: &self.id,
            name: &self.name,
            definition_id: self.definition_id.as_deref(),
            audience_id: &self.audience_id,
            state: self.state.as_ref(),
            warnings: &self.warnings,
            view_url: self.view_url(),
        }
        .serialize(serializer)
    }
}

/// A result file (`GET /job/{id}/download-results`) read straight into [`JobResults`].
struct ResultFile;

impl Decoder for ResultFile {
    type Output = JobResults;

    fn decode(bytes: &[u8]) -> std::result::Result<JobResults, DecodeError> {
        JobResults::from_slice(bytes)
    }
}

impl Job {
    pub(crate) fn from_details(client: Client, out: types::GetJobByIdEndpointOutput) -> Job {
        Job {
            client,
            id: out.job_id,
            name: out.name,
            definition_id: Some(out.definition_id),
            audience_id: out.audience_id,
            state: Some(out.state),
            warnings: Vec::new(),
            pipeline_id: Some(out.pipeline_id),
            completed: Arc::default(),
        }
    }

    pub(crate) fn from_list_item(client: Client, out: types::QueryJobsEndpointOutput) -> Job {
        Job {
            client,
            id: out.job_id,
            name: out.name,
            definition_id: Some(out.job_definition_id),
            audience_id: out.audience_id,
            state: Some(out.state),
            warnings: Vec::new(),
            pipeline_id: Some(out.pipeline_id),
            completed: Arc::default(),
        }
    }

    /// The job's id.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { println!("{}", job.id()); }
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The job's name (for a job just assigned, the definition's name until
    /// [`refresh`](Self::refresh)).
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { println!("{}", job.name()); }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The audience the job runs on.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { println!("{}", job.audience_id()); }
    /// ```
    pub fn audience_id(&self) -> &str {
        &self.audience_id
    }

    /// The job definition it runs.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { println!("{:?}", job.definition_id()); }
    /// ```
    pub fn definition_id(&self) -> Option<&str> {
        self.definition_id.as_deref()
    }

    /// What the server warned about when the job was created (also logged with
    /// `log::warn!`). Empty for jobs looked up by id or name.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) {
    /// for w in job.warnings() { eprintln!("warning: {w}"); }
    /// # }
    /// ```
    pub fn warnings(&self) -> &[JobWarning] {
        &self.warnings
    }

    /// The state seen by the last request about this job, without asking the server.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { println!("{:?}", job.cached_state()); }
    /// ```
    pub fn cached_state(&self) -> Option<&AudienceJobState> {
        self.state.as_ref()
    }

    /// The job's current state (`GET /job/{id}`).
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) -> rapidata::Result<()> {
    /// use rapidata::api::types::AudienceJobState;
    /// if job.state()? == AudienceJobState::Completed { println!("done"); }
    /// # Ok(()) }
    /// ```
    pub fn state(&self) -> Result<AudienceJobState> {
        Ok(self.details()?.state)
    }

    pub(crate) fn details(&self) -> Result<types::GetJobByIdEndpointOutput> {
        self.client.send(&operations::GetJobByJobId::new(&self.id))
    }

    /// Reloads name, definition and state (`GET /job/{id}`).
    ///
    /// ```no_run
    /// # fn demo(mut job: rapidata::job::Job) -> rapidata::Result<()> {
    /// job.refresh()?;
    /// println!("{} is {:?}", job.name(), job.cached_state());
    /// # Ok(()) }
    /// ```
    pub fn refresh(&mut self) -> Result<()> {
        let out = self.details()?;
        self.name = out.name;
        self.definition_id = Some(out.definition_id);
        self.audience_id = out.audience_id;
        self.state = Some(out.state);
        self.pipeline_id = Some(out.pipeline_id);
        Ok(())
    }

    /// Pauses the job (`POST /job/{id}/pause`).
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// job.pause()?;
    /// # Ok(()) }
    /// ```
    pub fn pause(&self) -> Result<()> {
        self.client
            .send(&operations::PostJobByJobIdPause::new(&self.id))
    }

    /// Resumes a paused job (`POST /job/{id}/resume`).
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// job.resume()?;
    /// # Ok(()) }
    /// ```
    pub fn resume(&self) -> Result<()> {
        self.client
            .send(&operations::PostJobByJobIdResume::new(&self.id))
    }

    /// Deletes the job (`DELETE /job/{id}`).
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// job.delete()?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self) -> Result<()> {
        self.client
            .send(&operations::DeleteJobByJobId::new(&self.id))
    }

    /// The job's dashboard page, `https://app.<env>/audiences/{audienceId}/job/{jobId}`.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { println!("{}", job.view_url()); }
    /// ```
    pub fn view_url(&self) -> String {
        format!(
            "{}/audiences/{}/job/{}",
            self.client.app_url().trim_end_matches('/'),
            request::encode_path_segment(&self.audience_id),
            request::encode_path_segment(&self.id)
        )
    }

    /// Prints the dashboard link (see [`view_url`](Self::view_url)) and returns it. A
    /// [quiet](crate::ClientBuilder::quiet) client prints nothing (the link goes to the log
    /// at `info` level); either way the link is returned.
    ///
    /// ```no_run
    /// # fn demo(job: &rapidata::job::Job) { let url = job.view(); }
    /// ```
    pub fn view(&self) -> String {
        let url = self.view_url();
        self.client
            .announce(format_args!("Job `{}`: {url}", self.name));
        url
    }

    /// One progress reading: `GET /job/{id}` for the state, then `GET /job/{id}/progress`
    /// (a 404 there means labeling has not started: 0 %). A completed job reads 100 %
    /// with the final counts the server reports. For a custom audience,
    /// [`recruiting`](Progress::recruiting) holds its recruiting funnel
    /// (`GET /audience/{id}/user-metrics`), telling a job waiting for labelers to graduate
    /// from one that stalled.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// let p = job.get_progress()?;
    /// println!("{}: {:.0}% ({}/{})", p.state, p.percentage, p.completed, p.total);
    /// # Ok(()) }
    /// ```
    pub fn get_progress(&self) -> Result<Progress> {
        let state = self.state()?;
        let mut progress = self.progress_for(state)?;
        progress.recruiting = self.recruiting_funnel();
        Ok(progress)
    }

    fn progress_for(&self, state: AudienceJobState) -> Result<Progress> {
        if state == AudienceJobState::Completed {
            return Ok(self.final_progress(&Progress::not_started(state)));
        }
        self.read_progress(state)
    }

    /// The reading of a completed job: its final counts read again (the last reading
    /// before completion may be old, or there may have been none), at 100 %. When they
    /// cannot be read, the counts of `last`.
    fn final_progress(&self, last: &Progress) -> Progress {
        let state = AudienceJobState::Completed;
        let read = match self.read_progress(state.clone()) {
            Ok(p) if p.started => Some(p),
            Ok(_) => None,
            Err(e) => {
                log::debug!("final progress of job {} unavailable: {e}", self.id);
                None
            }
        };
        let (completed, total, responses) = match read {
            Some(p) => (p.total.max(p.completed), p.total, p.responses),
            None => (last.total.max(last.completed), last.total, last.responses),
        };
        Progress::new(state, 100.0, completed, total).with_responses(responses)
    }

    fn read_progress(&self, state: AudienceJobState) -> Result<Progress> {
        self.read_labeling(state).map(|r| r.progress)
    }

    /// Reads the labeling progress (`GET /job/{id}/progress`) together with the
    /// labeling work's own state, which tells the wait when the job itself is worth
    /// reading again.
    fn read_labeling(&self, state: AudienceJobState) -> Result<LabelingReading> {
        match self
            .client
            .send(&operations::GetJobByJobIdProgress::new(&self.id))
        {
            Ok(p) => {
                let progress = Progress::new(
                    state,
                    p.completion_percentage,
                    p.completed.max(0) as u64,
                    p.total.max(0) as u64,
                )
                .with_responses(p.response_count.max(0) as u64);
                // Anything but "still labeling" (done, failed, paused, or a state this
                // crate does not know yet) is a reason to look at the job itself.
                let settled = !matches!(
                    p.state,
                    types::LabelingState::Created
                        | types::LabelingState::Started
                        | types::LabelingState::Labeling
                ) || (p.total > 0 && p.completed >= p.total);
                Ok(LabelingReading { progress, settled })
            }
            Err(e) if e.status() == Some(404) => Ok(LabelingReading {
                progress: Progress::not_started(state),
                settled: false,
            }),
            Err(e) => Err(e),
        }
    }

    fn stuck(&self, state: AudienceJobState, cause: StuckCause, reason: String) -> Error {
        Error::JobStuck(Box::new(JobStuck {
            job_id: self.id.clone(),
            state,
            cause,
            reason,
        }))
    }

    /// Waits until the job completes, polling every 5 s without a timeout; see
    /// [`wait_with`](Self::wait_with).
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// job.wait()?;
    /// # Ok(()) }
    /// ```
    pub fn wait(&self) -> Result<Progress> {
        self.wait_with((), WaitOptions::default())
    }

    /// Waits until the job completes, handing every progress reading to `sink`.
    ///
    /// The first poll reads the job (`GET /job/{id}`) and, while it runs, its progress
    /// (`GET /job/{id}/progress`). Later polls read the progress alone and the job as well
    /// on every third poll or as soon as the progress shows the labeling done, failed or
    /// paused; a job that completes is therefore seen with one request more than its
    /// final progress, and the last reading handed to `sink` shows its final counts. The
    /// wait ends with:
    ///
    /// * `Ok` when the job is `Completed`;
    /// * [`Error::JobStuck`] when it will not finish without someone acting:
    ///   `ManualApproval`, `SpendLimited`, `Paused`, `Blocked`, `Failed` (with the
    ///   server's failure message), or an audience that can never answer (checked once,
    ///   before the first progress reading: `GET /audience/{id}/user-metrics`, then
    ///   `GET /audience/{id}` if nobody is qualified or qualifying);
    /// * [`Error::Timeout`] after `options`' timeout.
    ///
    /// `StaleResults` makes it ask the server to rebuild the results
    /// (`POST /job/{id}/retry`) and keep waiting.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// use rapidata::job::{ProgressBarSink, WaitOptions};
    ///
    /// let opts = WaitOptions::new().poll_interval(Duration::from_secs(10)).timeout(Duration::from_secs(7200));
    /// job.wait_with(ProgressBarSink::new(), opts)?;
    /// # Ok(()) }
    /// ```
    pub fn wait_with(&self, mut sink: impl ProgressSink, options: WaitOptions) -> Result<Progress> {
        let mut last =
            Progress::not_started(self.state.clone().unwrap_or(AudienceJobState::Submitted));
        // Assigning this job already found labelers qualifying for its audience: no need
        // to ask again whether it can ever answer.
        // (An unlisted audience has no recruiting funnel to check: its people come
        // through its link.)
        let mut audience_checked = self
            .audience_id
            .starts_with(crate::audience::UNLISTED_PREFIX)
            || self.warnings.iter().any(|w| {
                matches!(
                    w,
                    JobWarning::NoGraduatedLabelers {
                        recruiting: true,
                        ..
                    }
                )
            });
        let mut retried_stale = false;
        let mut polls: u32 = 0;
        let mut recent: Vec<super::progress::Reading> = Vec::new();
        let what = format!("job {} to complete", self.id);
        let result = poll(
            self.client.clock(),
            &what,
            options.get_timeout(),
            |started| {
                polls = polls.saturating_add(1);
                // While labeling runs, a poll reads only the progress; the job itself is read
                // on the first poll, every DETAILS_EVERY-th poll (to notice reviews, spend
                // limits and failures that the progress does not show) and as soon as the
                // labeling has settled.
                let reading = if polls == 1 {
                    None
                } else {
                    match self.read_labeling(last.state.clone()) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            log::debug!("progress of job {} unavailable: {e}", self.id);
                            None
                        }
                    }
                };
                let read_job = match &reading {
                    None => true,
                    Some(r) => r.settled || polls % DETAILS_EVERY == 0,
                };
                if !read_job {
                    if let Some(r) = reading {
                        last = r.progress;
                    }
                } else {
                    let details = self.details()?;
                    let state = details.state.clone();
                    last.state = state.clone();
                    let stuck = |cause: StuckCause, reason: String| {
                        self.stuck(state.clone(), cause, reason)
                    };
                    match &state {
                        AudienceJobState::Completed => {
                            // A reading taken just before that already showed every task
                            // done is the final one; otherwise read it once more.
                            last = match reading {
                                Some(r) if r.settled && r.progress.started => {
                                    let p = r.progress;
                                    Progress::new(
                                        state.clone(),
                                        100.0,
                                        p.total.max(p.completed),
                                        p.total,
                                    )
                                    .with_responses(p.responses)
                                }
                                _ => self.final_progress(&last),
                            };
                            *lock(&self.completed) = Some(last.clone());
                            return Ok(Step::Done(last.clone()));
                        }
                        AudienceJobState::Failed => {
                            let message = details
                                .failure_message
                                .clone()
                                .flatten()
                                .unwrap_or_else(|| "no failure message given".to_owned());
                            return Err(stuck(
                                StuckCause::Failed,
                                format!("the job failed: {message}"),
                            ));
                        }
                        AudienceJobState::ManualApproval => {
                            let why = details
                                .review_reason
                                .clone()
                                .flatten()
                                .map(|r| format!(" (review reason: {})", r.as_str()))
                                .unwrap_or_default();
                            return Err(stuck(
                                StuckCause::ManualApproval,
                                format!("the job waits for a manual review by Rapidata{why}"),
                            ));
                        }
                        AudienceJobState::SpendLimited => {
                            return Err(stuck(
                                StuckCause::SpendLimited,
                                "the account's spend limit is reached; add funds to continue"
                                    .to_owned(),
                            ))
                        }
                        AudienceJobState::Paused => {
                            return Err(stuck(
                                StuckCause::Paused,
                                "the job is paused; resume it with Job::resume".to_owned(),
                            ))
                        }
                        AudienceJobState::Blocked => {
                            let why = details
                                .failure_message
                                .clone()
                                .flatten()
                                .map(|m| format!(": {m}"))
                                .unwrap_or_default();
                            return Err(stuck(
                                StuckCause::Blocked,
                                format!(
                                    "the job is blocked by a flagged task{why}; unflag it on the \
                                 job's page in the Rapidata app (Job::view_url), then wait again"
                                ),
                            ));
                        }
                        AudienceJobState::StaleResults => {
                            if !retried_stale {
                                retried_stale = true;
                                log::info!(
                                    "job {} has stale results; asking to rebuild them",
                                    self.id
                                );
                                self.client
                                    .send(&operations::PostJobByJobIdRetry::new(&self.id))?;
                            }
                        }
                        _ => {
                            if !audience_checked {
                                audience_checked = true;
                                match crate::audience::can_never_answer(
                                    &self.client,
                                    &details.audience_id,
                                ) {
                                    Ok(true) => {
                                        return Err(stuck(
                                            StuckCause::AudienceCannotAnswer,
                                            format!(
                                                "audience {} has no qualified or qualifying \
                                             labelers and none can join (add qualification \
                                             examples and start recruiting)",
                                                details.audience_id
                                            ),
                                        ))
                                    }
                                    Ok(false) => {}
                                    Err(e) => log::debug!(
                                        "could not check audience {}: {e}",
                                        details.audience_id
                                    ),
                                }
                            }
                            let reading = match reading {
                                Some(r) => Ok(r),
                                None => self.read_labeling(state.clone()),
                            };
                            match reading {
                                Ok(r) => {
                                    last = r.progress;
                                    last.state = state.clone();
                                }
                                Err(e) => {
                                    log::debug!("progress of job {} unavailable: {e}", self.id)
                                }
                            }
                        }
                    }
                }
                sink.update(&last);
                if last.started {
                    recent.push(super::progress::Reading {
                        at: started.elapsed(),
                        percentage: last.percentage,
                    });
                    if recent.len() > 2 {
                        recent.remove(0);
                    }
                }
                let pause = super::progress::next_poll_interval(&options, polls, &recent);
                Ok(Step::Again {
                    state: last.state.to_string(),
                    pause,
                })
            },
        );
        sink.finish(&last);
        result
    }

    /// Waits for the job with a progress bar on standard error (drawn only when it is a
    /// terminal), polling quickly at first and every 5 s at most. Only with the
    /// `progress-bar` feature (on by default); without it, [`wait`](Self::wait) or
    /// [`wait_with`](Self::wait_with) a sink of your own.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// job.display_progress_bar()?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "progress-bar")]
    pub fn display_progress_bar(&self) -> Result<()> {
        self.wait_with(ProgressBarSink::new(), WaitOptions::default())
            .map(|_| ())
    }

    /// Waits for the job (as [`wait`](Self::wait)) and downloads its results.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// let results = job.get_results()?;
    /// results.to_csv("results.csv")?;
    /// # Ok(()) }
    /// ```
    pub fn get_results(&self) -> Result<JobResults> {
        self.get_results_with((), WaitOptions::default())
    }

    /// Waits for the job (as [`wait_with`](Self::wait_with)) and downloads its results.
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// use rapidata::job::{ProgressBarSink, WaitOptions};
    /// let results = job.get_results_with(ProgressBarSink::new(), WaitOptions::new().timeout(Duration::from_secs(3600)))?;
    /// # Ok(()) }
    /// ```
    pub fn get_results_with(
        &self,
        mut sink: impl ProgressSink,
        options: WaitOptions,
    ) -> Result<JobResults> {
        // A wait on this handle already saw the job complete (the guide's
        // `display_progress_bar` then `get_results`): download at once. Results that
        // went stale since have no file; then wait (which asks for them to be rebuilt)
        // and download again.
        let seen = lock(&self.completed).clone();
        if let Some(done) = seen {
            match self.download_results() {
                Ok(results) => {
                    sink.finish(&done);
                    return Ok(results);
                }
                Err(e) if matches!(e.status(), Some(404 | 409 | 410)) => {
                    log::debug!(
                        "results of completed job {} unavailable ({e}); waiting",
                        self.id
                    );
                    *lock(&self.completed) = None;
                }
                Err(e) => return Err(e),
            }
        }
        self.wait_with(sink, options)?;
        self.download_results()
    }

    /// Downloads the result file now, without waiting
    /// (`GET /job/{id}/download-results`).
    ///
    /// ```no_run
    /// # fn demo(job: rapidata::job::Job) -> rapidata::Result<()> {
    /// let results = job.download_results()?;
    /// # Ok(()) }
    /// ```
    pub fn download_results(&self) -> Result<JobResults> {
        self.client.send(&WithDecoder::<_, ResultFile>::new(
            operations::GetJobByJobIdDownloadResults::new(&self.id),
        ))
    }
}

/// Creates a job (`POST /job`) and logs the server's warnings.
pub(crate) fn assign(
    client: &Client,
    audience_id: &str,
    definition: &super::JobDefinition,
) -> Result<Job> {
    assign_after(client, audience_id, definition, None)
}

/// [`assign`], queued behind `preceding_job_id` when given (`precedingJobId`).
pub(crate) fn assign_after(
    client: &Client,
    audience_id: &str,
    definition: &super::JobDefinition,
    preceding_job_id: Option<&str>,
) -> Result<Job> {
    let body = assign_body(audience_id, definition, preceding_job_id)?;
    create_job(client, definition, body)
}

/// The `POST /job` body that runs `definition` (at the revision its handle holds) on
/// `audience_id`, queued behind `preceding_job_id` when given; refused before any request
/// when the handle has unsaved changes.
pub(crate) fn assign_body(
    audience_id: &str,
    definition: &super::JobDefinition,
    preceding_job_id: Option<&str>,
) -> Result<types::CreateJobEndpointInput> {
    if definition.has_unsaved_changes() {
        return Err(Error::invalid_input(
            "definition",
            definition.id(),
            "has unsaved changes: save() them to run them, or discard_changes() to run the \
             loaded revision",
        ));
    }
    let body = types::CreateJobEndpointInput {
        check_for_explicit_content: Some(None),
        experiment_id: Some(None),
        preceding_job_id: Some(preceding_job_id.map(str::to_owned)),
        revision_number: Some(definition.revision_number()),
        ..types::CreateJobEndpointInput::new(audience_id.to_owned(), definition.id().to_owned())
    };
    Ok(body)
}

/// Creates the job `body` (from [`assign_body`] for `definition`) describes, exactly once
/// although an answer can be lost.
pub(crate) fn create_job(
    client: &Client,
    definition: &super::JobDefinition,
    body: types::CreateJobEndpointInput,
) -> Result<Job> {
    let audience_id = body.audience_id.as_str();
    // A lost answer must neither fail the call nor start a second (paid) job: the jobs of
    // this definition on this audience listed before and after tell whether it was created.
    let list = || {
        let mut op = operations::GetJobs::new();
        op.page = Some(1);
        op.page_size = Some(LIST_PAGE_SIZE);
        op.sort = newest_first();
        op.job_definition_id = Some(QueryFilter::eq(definition.id()));
        op.audience_id = Some(QueryFilter::eq(audience_id));
        let out = client.send(&op)?;
        Ok(out.items.into_iter().map(|j| j.job_id).collect())
    };
    // The listing is filtered by both, but a job is taken for ours only when the server
    // says so itself.
    let judge = |id: &str| {
        let job = client.send(&operations::GetJobByJobId::new(id))?;
        Ok(if job.definition_id != definition.id() {
            Verdict::NotOurs(format!("it runs definition {}", job.definition_id))
        } else if job.audience_id != audience_id {
            Verdict::NotOurs(format!("it runs on audience {}", job.audience_id))
        } else {
            Verdict::Ours
        })
    };
    let out = match create_once(client, "job", list, judge, || {
        client.send(&operations::PostJob::new(body.clone()))
    })? {
        Created::Answered(out) => out,
        Created::Found(job_id) => types::CreateJobEndpointOutput::new(job_id, false),
    };
    let mut warnings = Vec::new();
    if let Some(w) = out.cost_warning {
        warnings.push(JobWarning::InsufficientBalance {
            estimated_cost: w.estimated_cost,
            available_balance: w.available_balance,
            shortfall: w.shortfall,
        });
    }
    if out.content_check_skip_denied == Some(true) {
        warnings.push(JobWarning::ContentCheckSkipDenied);
    }
    // Advisory, as in the official SDK: a custom audience nobody graduated into yet. A
    // failure to read the funnel must not fail an assignment that has happened.
    if audience_id.starts_with("aud_") {
        match crate::audience::graduation_outlook(client, audience_id) {
            Ok(Some((distilling, recruiting))) => warnings.push(JobWarning::NoGraduatedLabelers {
                distilling,
                recruiting,
            }),
            Ok(None) => {}
            Err(e) => log::debug!("could not read the recruiting funnel of {audience_id}: {e}"),
        }
    }
    for w in &warnings {
        log::warn!("job {}: {w}", out.job_id);
    }
    if audience_id.starts_with(crate::audience::UNLISTED_PREFIX) {
        client.announce(format_args!(
            "Only people you share a link with annotate job `{}`: {}/label/{}/job/{}",
            definition.name(),
            client.app_url().trim_end_matches('/'),
            request::encode_path_segment(audience_id),
            request::encode_path_segment(&out.job_id)
        ));
    }
    Ok(Job {
        client: client.clone(),
        id: out.job_id,
        name: definition.name().to_owned(),
        definition_id: Some(definition.id().to_owned()),
        audience_id: audience_id.to_owned(),
        state: None,
        warnings,
        pipeline_id: None,
        completed: Arc::default(),
    })
}
