//! Jobs: job definitions, jobs running on audiences, progress and results.
//!
//! Start from [`Client::job`](crate::Client::job), which returns the [`JobManager`]:
//!
//! 1. [`JobManager::create_compare_job_definition`] /
//!    [`JobManager::create_classification_job_definition`] build a [`JobDefinition`]: the
//!    builder validates everything first (no request on bad input), then creates a
//!    dataset, uploads the assets (URLs through the batch endpoint, files in parallel),
//!    adds the datapoints (in parallel, each at most once) and creates the definition.
//!    When more datapoints fail than the failure tolerance allows, no definition is made
//!    and [`Error::UploadFailed`](crate::Error::UploadFailed) holds every failure and a
//!    [`PendingDefinition`] that re-sends only the failed ones.
//! 2. `audience.assign_job(&definition)` starts a [`Job`].
//! 3. [`Job::display_progress_bar`], [`Job::wait_with`] and [`Job::get_progress`] follow
//!    it; states that never finish on their own end the wait with
//!    [`Error::JobStuck`](crate::Error::JobStuck).
//! 4. [`Job::get_results`] returns typed [`JobResults`] (with CSV and JSON export).
//!
//! **Long contexts.** The API refuses contexts over 400 characters. The builders refuse
//! them too, before any request, with an [`Error::InvalidInput`](crate::Error::InvalidInput)
//! naming the datapoint. They never rewrite a caller's text behind their back: to have the
//! server shorten long contexts (what the official SDK does silently), call
//! [`JobManager::shorten_contexts`] explicitly and pass its output to `.contexts(…)`.
//!
//! ```no_run
//! use rapidata::Client;
//!
//! let client = Client::new()?;
//! let audience = client.audience().get_audience_by_id("aud_123")?;
//! let definition = client
//!     .job()
//!     .create_compare_job_definition(
//!         "Prompt Alignment Job",
//!         "Which image follows the prompt more accurately?",
//!         [["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]],
//!     )
//!     .contexts(["A small blue book sitting on a large red book."])
//!     .send()?;
//! definition.preview();
//! let job = audience.assign_job(&definition)?;
//! job.display_progress_bar()?;
//! let results = job.get_results()?;
//! println!("{results}");
//! # Ok::<(), rapidata::Error>(())
//! ```

mod assign;
mod datapoint;
mod dataset_update;
mod definition;
mod details;
mod find;
mod funnel;
mod handle;
mod json;
mod manager;
mod poll;
mod preliminary;
mod progress;
mod results;
mod revision;
mod upload;

pub use crate::error::{
    DatasetUploadFailure, FailedDatapoint, FailureStage, JobStuck, RevisionConflict, StuckCause,
    UploadFailure, WaitTimeout,
};
pub use assign::AssignJob;
pub use dataset_update::NewDatapoints;
pub use definition::{
    kind, AnswerOptions, ClassificationDefinitionBuilder, CompareDefinitionBuilder, Contextual,
    CostEstimate, DefinitionBuilder, DrawDefinitionBuilder, FreeTextDefinitionBuilder,
    JobDefinition, Kind, LocateDefinitionBuilder, PendingDefinition, PerDatapoint,
    RankingDefinitionBuilder, SelectWordsDefinitionBuilder, TimestampDefinitionBuilder,
    ValidatedDefinition, Votes, DEFAULT_RESPONSES_PER_DATAPOINT, DEFAULT_UPLOAD_TIMEOUT,
    FULL_PERMUTATION_MAX_ITEMS, MAX_ANSWER_OPTIONS, MAX_CONTEXT_CHARS, MAX_INSTRUCTION_CHARS,
};
pub use find::{FindJobDefinitions, FindJobs, JobDefinitionsQuery, JobsQuery};
pub use handle::{Job, JobWarning};
pub use manager::JobManager;
pub use progress::{
    EventKind, Progress, ProgressEvent, ProgressSink, Reporter, Stage, WaitOptions, WaitingStage,
};
#[cfg(feature = "progress-bar")]
pub use progress::{ProgressBarSink, ProgressBars};
pub use results::{
    ClassificationDatapoint, ClassificationResponse, ClassificationResults, CompareDatapoint,
    CompareResponse, CompareResults, CompareSummary, JobResults, ResultInfo, ResultKind, Tally,
    UserDetails,
};
pub use results::{
    DrawDatapoint, DrawResponse, DrawResults, TimestampDatapoint, TimestampResponse,
    TimestampResults,
};
pub use results::{
    FreeTextDatapoint, FreeTextResponse, FreeTextResults, LocateDatapoint, LocateResponse,
    LocateResults, Point, RankedItem, RankingList, RankingResponse, RankingResults, ResultAsset,
    SelectWordsDatapoint, SelectWordsResponse, SelectWordsResults, WordCount,
};
pub use revision::{FindRevisions, RevisionInfo, RevisionsQuery};

use crate::audience::{Audience, FilteredAudience, JobTarget};
use crate::Result;

impl Audience {
    /// Runs `definition` on this audience: `POST /job`
    /// `{"jobDefinitionId", "audienceId", "checkForExplicitContent": null}`. The server's
    /// warnings (cost above balance, content-check skip denied) are logged and kept in
    /// [`Job::warnings`].
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let audience = client.audience().get_audience_by_id("aud_123")?;
    /// let definition = client.job().get_job_definition_by_id("jd_123")?;
    /// let job = audience.assign_job(&definition)?;
    /// println!("{}", job.view_url());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn assign_job(&self, definition: &JobDefinition) -> Result<Job> {
        handle::assign(self.client(), self.audience_id(), definition)
    }
}

impl FilteredAudience {
    /// Runs `definition` on this filtered audience (`POST /job` with its `fau_…` id).
    ///
    /// ```no_run
    /// use rapidata::Filter;
    /// let client = rapidata::Client::new()?;
    /// let audience = client.audience().get_audience_by_id("aud_123")?;
    /// let filtered = audience.filter(Filter::country(["US"]))?;
    /// let definition = client.job().get_job_definition_by_id("jd_123")?;
    /// let job = filtered.assign_job(&definition)?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn assign_job(&self, definition: &JobDefinition) -> Result<Job> {
        handle::assign(self.client(), self.audience_id(), definition)
    }
}
