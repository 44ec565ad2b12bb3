//! The entry point for job definitions and jobs: [`Client::job`].

use crate::api::{operations, types};
use crate::asset::DataItem;
use crate::audience::JobTarget;
use crate::{Client, Error, Result};

use super::definition::{
    AnswerOptions, ClassificationDefinitionBuilder, CompareDefinitionBuilder, JobDefinition,
    MAX_CONTEXT_CHARS,
};
use super::find::{FindJobDefinitions, FindJobs};
use super::handle::{self, Job};

/// Contexts per `POST /datasets/shorten-context` request.
const SHORTEN_BATCH: usize = 10;

impl Client {
    /// Job definitions and jobs.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// for definition in client.job().find_job_definitions("Prompt").send()? {
    ///     println!("{} {}", definition.id(), definition.name());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn job(&self) -> JobManager {
        JobManager {
            client: self.clone(),
        }
    }
}

/// Creates and finds job definitions and jobs; from [`Client::job`].
///
/// ```no_run
/// let jobs = rapidata::Client::new()?.job();
/// let job = jobs.get_job_by_id("job_123")?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JobManager {
    pub(super) client: Client,
}

impl JobManager {
    /// Starts a compare job definition: each datapoint is a pair of items (URLs, files or
    /// texts) shown side by side as A and B. Finish it with
    /// [`send`](CompareDefinitionBuilder::send).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_compare_job_definition(
    ///         "Prompt Alignment Job",
    ///         "Which image follows the prompt more accurately?",
    ///         [
    ///             ["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"],
    ///             ["https://assets.rapidata.ai/flux_duck.jpg", "https://assets.rapidata.ai/mj_duck.jpg"],
    ///         ],
    ///     )
    ///     .contexts(["A small blue book sitting on a large red book.", "A psychedelic duck with glasses"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_compare_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = [impl Into<DataItem>; 2]>,
    ) -> CompareDefinitionBuilder {
        let datapoints = datapoints
            .into_iter()
            .map(|[a, b]| [a.into(), b.into()])
            .collect();
        CompareDefinitionBuilder::new(
            self.client.clone(),
            name.into(),
            instruction.into(),
            datapoints,
        )
    }

    /// Starts a classification job definition: each datapoint is one item labelers sort
    /// into one of `answer_options`. Finish it with
    /// [`send`](ClassificationDefinitionBuilder::send).
    ///
    /// `answer_options` is one list for every datapoint (an array, vector or slice of
    /// strings), or [`AnswerOptions::per_datapoint`] with one list per datapoint; each
    /// datapoint needs 2 to 8 unique options, checked before any request.
    ///
    /// ```no_run
    /// use rapidata::job::AnswerOptions;
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_classification_job_definition(
    ///         "Pets",
    ///         "What animal is shown?",
    ///         AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "dog", "bird"]]),
    ///         ["https://example.com/1.jpg", "https://example.com/2.jpg"],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_classification_job_definition(
    ///         "Animals",
    ///         "What animal is in the image?",
    ///         ["Cat", "Dog", "Neither"],
    ///         ["https://example.com/1.jpg", "photos/2.jpg"],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_classification_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        answer_options: impl Into<AnswerOptions>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> ClassificationDefinitionBuilder {
        ClassificationDefinitionBuilder::new(
            self.client.clone(),
            name.into(),
            instruction.into(),
            answer_options.into(),
            datapoints.into_iter().map(Into::into).collect(),
        )
    }

    /// Looks a job definition up by id (`GET /job/definition/{id}`).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?.job().get_job_definition_by_id("jd_123")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_job_definition_by_id(&self, id: &str) -> Result<JobDefinition> {
        crate::error::require_id("definition_id", id)?;
        let out = self
            .client
            .send(&operations::GetJobDefinitionByDefinitionId::new(id))?;
        Ok(JobDefinition::from_details(self.client.clone(), out))
    }

    /// Job definitions whose name contains `name` (`GET /job/definitions`, newest first;
    /// an empty `name` matches all): 10 a page from page 1 unless
    /// [`amount`](FindJobDefinitions::amount) and [`page`](FindJobDefinitions::page) say
    /// otherwise; [`send`](FindJobDefinitions::send) returns one page,
    /// [`iter`](FindJobDefinitions::iter) every page from there on.
    ///
    /// ```no_run
    /// let found = rapidata::Client::new()?.job().find_job_definitions("Prompt").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn find_job_definitions(&self, name: impl Into<String>) -> FindJobDefinitions {
        FindJobDefinitions::new(self.client.clone(), name.into())
    }

    /// Looks a job up by id (`GET /job/{id}`).
    ///
    /// ```no_run
    /// let job = rapidata::Client::new()?.job().get_job_by_id("job_123")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_job_by_id(&self, id: &str) -> Result<Job> {
        crate::error::require_id("job_id", id)?;
        let out = self.client.send(&operations::GetJobByJobId::new(id))?;
        Ok(Job::from_details(self.client.clone(), out))
    }

    /// Jobs whose name contains `name` (`GET /jobs`, newest first; an empty `name`
    /// matches all): 10 a page from page 1 unless [`amount`](FindJobs::amount) and
    /// [`page`](FindJobs::page) say otherwise; [`send`](FindJobs::send) returns one page,
    /// [`iter`](FindJobs::iter) every page from there on.
    ///
    /// ```no_run
    /// let jobs = rapidata::Client::new()?.job().find_jobs("Prompt").amount(20).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn find_jobs(&self, name: impl Into<String>) -> FindJobs {
        FindJobs::new(self.client.clone(), name.into(), None)
    }

    /// The jobs of an audience or filtered audience (`GET /jobs` filtered on
    /// `audience_id`), paged like [`find_jobs`](Self::find_jobs).
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let audience = client.audience().get_audience_by_id("aud_123")?;
    /// let jobs = client.job().find_jobs_for(&audience).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn find_jobs_for(&self, audience: &impl JobTarget) -> FindJobs {
        FindJobs::new(
            self.client.clone(),
            String::new(),
            Some(audience.audience_id().to_owned()),
        )
    }

    /// Assigns a definition to an audience (or filtered audience): `POST /job`. Same as
    /// `audience.assign_job(&definition)`.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let audience = client.audience().get_audience_by_id("aud_123")?;
    /// let definition = client.job().get_job_definition_by_id("jd_123")?;
    /// let job = client.job().assign(&audience, &definition)?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn assign(&self, target: &impl JobTarget, definition: &JobDefinition) -> Result<Job> {
        handle::assign(&self.client, target.audience_id(), definition)
    }

    /// Has the server shorten contexts for `instruction` (`POST /datasets/shorten-context`,
    /// at most 10 per request): keeps what matters for the question. Only contexts over
    /// [`MAX_CONTEXT_CHARS`] are sent; the others are returned unchanged, as is a context
    /// the server returns empty. The builders never call this on their own.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let instruction = "Which image follows the prompt more accurately?";
    /// let long_prompts: Vec<String> = vec!["A very long prompt …".repeat(30)];
    /// let contexts = client.job().shorten_contexts(instruction, &long_prompts)?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn shorten_contexts(
        &self,
        instruction: &str,
        contexts: &[impl AsRef<str>],
    ) -> Result<Vec<String>> {
        let mut out: Vec<String> = contexts.iter().map(|c| c.as_ref().to_owned()).collect();
        let long: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].chars().count() > MAX_CONTEXT_CHARS)
            .collect();
        for chunk in long.chunks(SHORTEN_BATCH) {
            let body = types::ShortenContextEndpointInput::new(
                chunk
                    .iter()
                    .map(|&i| {
                        types::ShortenContextEndpointInputItem::new(
                            out[i].clone(),
                            instruction.to_owned(),
                        )
                    })
                    .collect(),
            );
            let res = self
                .client
                .send(&operations::PostDatasetsShortenContext::new(body))?;
            if res.items.len() != chunk.len() {
                return Err(Error::invalid_input(
                    "contexts",
                    format!("{} contexts", chunk.len()),
                    format!(
                        "the server returned {} shortened contexts for {}",
                        res.items.len(),
                        chunk.len()
                    ),
                ));
            }
            for (&i, item) in chunk.iter().zip(res.items) {
                if !item.shortened_context.trim().is_empty() {
                    out[i] = item.shortened_context;
                }
            }
        }
        Ok(out)
    }
}
