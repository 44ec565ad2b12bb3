//! The [`JobDefinition`] handle: metadata, preview, refresh, delete, cost estimate.

use std::time::Duration;

use crate::api::{operations, types};
use crate::request::{self, WithDecoder};
use crate::{Client, Result};

use super::super::progress::{Reporter, SharedReporter, WaitOptions};
use super::super::revision::RevisionEdit;
use super::estimate::{poll_cost_estimate, CostEstimate, EstimateOrNotReady};

/// A job definition: what to ask, about which datapoints, how many times. Assign it to
/// an audience to run it as a job.
///
/// Cheap to clone.
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let definition = client.job().get_job_definition_by_id("jd_123")?;
/// println!("{} ({})", definition.name(), definition.preview_url());
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JobDefinition {
    pub(crate) client: Client,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) dataset_id: Option<String>,
    pub(crate) pipeline_id: Option<String>,
    pub(crate) definition_type: Option<types::DefinitionType>,
    /// The revision this handle stands for: 1 for a definition it created, unknown
    /// (`None`: the newest) for one it looked up until a revision is loaded or saved.
    pub(crate) revision: Option<i32>,
    /// Where its cost estimate reports waiting: the builder's reporter for a definition it
    /// created, `None` (bars on a terminal) otherwise.
    pub(crate) reporter: Option<SharedReporter>,
    /// The loaded revision and the changes staged on it (see `revision.rs`).
    pub(crate) edit: RevisionEdit,
}

/// Serialized as its metadata (the client is left out): `id`, `name`, `dataset_id`,
/// `pipeline_id`, `definition_type`, `revision`, `preview_url`.
impl serde::Serialize for JobDefinition {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Meta<'a> {
            id: &'a str,
            name: &'a str,
            dataset_id: Option<&'a str>,
            pipeline_id: Option<&'a str>,
            definition_type: Option<&'a types::DefinitionType>,
            revision: Option<i32>,
            preview_url: String,
        }
        Meta {
            id: &self.id,
            name: &self.name,
            dataset_id: self.dataset_id.as_deref(),
            pipeline_id: self.pipeline_id.as_deref(),
            definition_type: self.definition_type.as_ref(),
            revision: self.revision,
            preview_url: self.preview_url(),
        }
        .serialize(serializer)
    }
}

impl JobDefinition {
    pub(crate) fn from_details(
        client: Client,
        out: types::GetJobDefinitionByIdEndpointOutput,
    ) -> Self {
        JobDefinition::looked_up(client, out.definition_id, out.name, out.definition_type)
    }

    pub(crate) fn from_list_item(
        client: Client,
        out: types::QueryJobDefinitionsEndpointOutput,
    ) -> Self {
        JobDefinition::looked_up(client, out.definition_id, out.name, out.definition_type)
    }

    /// A definition found by a lookup, which tells its id, name and type only.
    fn looked_up(
        client: Client,
        id: String,
        name: String,
        definition_type: types::DefinitionType,
    ) -> Self {
        JobDefinition {
            client,
            id,
            name,
            dataset_id: None,
            pipeline_id: None,
            definition_type: Some(definition_type),
            revision: None,
            reporter: None,
            edit: Default::default(),
        }
    }

    /// The revision a job assigned from this handle runs (`revisionNumber` of `POST /job`):
    /// 1 for a definition this handle created, `None` (the newest) for one looked up until
    /// it loads a revision ([`revision`](Self::revision), a getter, `reload`, `save`), which
    /// then sets it. Without a request.
    ///
    /// ```no_run
    /// # let definition = rapidata::Client::new()?.job().get_job_definition_by_id("jd_1")?;
    /// assert_eq!(definition.revision_number(), None);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn revision_number(&self) -> Option<i32> {
        self.revision
    }

    /// The same definition, reporting the wait of
    /// [`cost_estimate`](Self::cost_estimate) ([`Stage::Estimating`](crate::job::Stage::Estimating)) to `reporter`.
    /// By default a definition reports to the reporter it was created with, a looked-up one
    /// to a bar on standard error when it is a terminal.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// let estimate = d.progress(()).cost_estimate(Duration::from_secs(60))?;
    /// # Ok(()) }
    /// ```
    pub fn progress(mut self, reporter: impl Reporter + 'static) -> JobDefinition {
        self.reporter = Some(SharedReporter::new(reporter));
        self
    }

    /// The definition's id.
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) { println!("{}", d.id()); }
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The definition's name.
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) { println!("{}", d.name()); }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The dataset holding the datapoints; known for definitions created through this
    /// handle's builder, `None` for definitions looked up by id or name (the lookup
    /// endpoints do not return it).
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) { println!("{:?}", d.dataset_id()); }
    /// ```
    pub fn dataset_id(&self) -> Option<&str> {
        self.dataset_id.as_deref()
    }

    /// The id of the preview pipeline the server made (only right after creation).
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) { println!("{:?}", d.pipeline_id()); }
    /// ```
    pub fn pipeline_id(&self) -> Option<&str> {
        self.pipeline_id.as_deref()
    }

    /// The task type, when known.
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) { println!("{:?}", d.definition_type()); }
    /// ```
    pub fn definition_type(&self) -> Option<&types::DefinitionType> {
        self.definition_type.as_ref()
    }

    /// The dashboard page that previews the definition:
    /// `https://app.<env>/definitions/{id}`.
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) { println!("{}", d.preview_url()); }
    /// ```
    pub fn preview_url(&self) -> String {
        format!(
            "{}/definitions/{}",
            self.client.app_url().trim_end_matches('/'),
            request::encode_path_segment(&self.id)
        )
    }

    /// Prints the preview link (see [`preview_url`](Self::preview_url)) and returns it.
    /// No request is made and no browser is opened. A [quiet](crate::ClientBuilder::quiet)
    /// client prints nothing (the link goes to the log at `info` level); either way the
    /// link is returned.
    ///
    /// ```no_run
    /// # fn demo(d: &rapidata::job::JobDefinition) {
    /// let url = d.preview();
    /// # }
    /// ```
    pub fn preview(&self) -> String {
        let url = self.preview_url();
        self.client.announce(format_args!(
            "Preview job definition `{}`: {url}",
            self.name
        ));
        url
    }

    /// Reloads name and type (`GET /job/definition/{id}`).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
    /// d.refresh()?;
    /// # Ok(()) }
    /// ```
    pub fn refresh(&mut self) -> Result<()> {
        let out = self
            .client
            .send(&operations::GetJobDefinitionByDefinitionId::new(&self.id))?;
        self.name = out.name;
        self.definition_type = Some(out.definition_type);
        Ok(())
    }

    /// Deletes the definition with all its revisions (`DELETE /job/definition/{id}`).
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
    /// d.delete()?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self) -> Result<()> {
        self.client
            .send(&operations::DeleteJobDefinitionByDefinitionId::new(
                &self.id,
            ))
    }

    /// The cost estimate, waiting up to `timeout` for the server to compute it (it
    /// answers 409 or an empty body until then; polled every 5 s). Fails with
    /// [`Error::Timeout`](crate::Error::Timeout) when it is not ready in time.
    ///
    /// While it waits, it reports [`Stage::Estimating`](crate::job::Stage::Estimating) (no counts; `Finish` once the
    /// estimate arrived) to the definition's reporter (see [`progress`](Self::progress));
    /// an estimate ready at the first request reports nothing.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// let estimate = d.cost_estimate(Duration::from_secs(300))?;
    /// println!("about {:.2} for {} responses", estimate.estimated_cost, estimate.required_responses);
    /// # Ok(()) }
    /// ```
    pub fn cost_estimate(&self, timeout: Duration) -> Result<CostEstimate> {
        self.cost_estimate_with(WaitOptions::default().timeout(timeout))
    }

    /// [`cost_estimate`](Self::cost_estimate) with a chosen poll interval and timeout
    /// (no timeout = wait as long as it takes).
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// use rapidata::job::WaitOptions;
    /// let opts = WaitOptions::new().poll_interval(Duration::from_secs(2)).timeout(Duration::from_secs(60));
    /// let estimate = d.cost_estimate_with(opts)?;
    /// # Ok(()) }
    /// ```
    pub fn cost_estimate_with(&self, options: WaitOptions) -> Result<CostEstimate> {
        poll_cost_estimate(
            &self.client,
            &WithDecoder::<_, EstimateOrNotReady>::new(
                operations::GetJobDefinitionByDefinitionIdCostEstimate::new(&self.id),
            ),
            &format!("job definition {}", self.id),
            self.reporter.clone(),
            options,
        )
    }
}
