//! Staging changes on a loaded revision, saving them as a new one, reloading another.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::api::operations;
use crate::api::types::{self, JobDefinitionRevisionState};
use crate::error::RevisionConflict;
use crate::request::WithJsonBody;
use crate::settings::{split_feature_flags, Setting};
use crate::{Client, Error, Result};

use crate::job::poll::poll_until;
use crate::job::{AnswerOptions, JobDefinition, WaitOptions};

use super::find::{check_revision_number, FindRevisions};
use super::state::{Pending, RevisionEdit};
use super::workflow::{
    answer_options_of, instruction_of, responses_of, to_value, with_answer_options,
    with_instruction, with_responses, workflow_kind,
};

/// The refusal of a change a definition of this kind cannot take.
pub(super) fn not_applicable(
    argument: &str,
    value: impl fmt::Debug,
    kind: &str,
    what: &str,
) -> Error {
    Error::invalid_input(
        argument,
        value,
        format!("a `{kind}` job definition has no {what} to change"),
    )
}

/// The body of a save: the loaded revision with the staged changes, every field explicit
/// (the official SDK's `_full_body`).
pub(super) fn save_body(
    loaded: &types::GetJobRevisionEndpointOutput,
    pending: &Pending,
    require_latest: bool,
) -> Value {
    let mut workflow = to_value(&loaded.workflow);
    if let Some(text) = &pending.instruction {
        workflow = with_instruction(workflow.clone(), text).unwrap_or(workflow);
    }
    if let Some(options) = &pending.answer_options {
        workflow = with_answer_options(workflow.clone(), options).unwrap_or(workflow);
    }
    let mut referee = to_value(&loaded.referee);
    if let Some(n) = pending.responses_per_datapoint {
        referee = with_responses(referee.clone(), n).unwrap_or(referee);
    }
    let (rapid_flags, campaign_flags) = match &pending.settings {
        Some(settings) => split_feature_flags(settings),
        None => (
            loaded.feature_flags.clone(),
            loaded.campaign_feature_flags.clone(),
        ),
    };
    let validation_set_id = match &pending.validation_set_id {
        Some(v) => v.clone(),
        None => loaded.validation_set_id.clone().flatten(),
    };
    json!({
        "workflow": workflow,
        "referee": referee,
        "datasetId": pending.dataset.as_ref().map_or(&loaded.dataset_id, |d| &d.dataset_id),
        "rapidFeatureFlags": to_value(&rapid_flags),
        "campaignFeatureFlags": to_value(&campaign_flags),
        "aggregatorType": to_value(&loaded.aggregator_type.clone().flatten()),
        "validationSetId": validation_set_id,
        "baseRevisionNumber": loaded.revision_number,
        "requireLatest": require_latest,
    })
}

/// Reads revision `number` of a definition, the latest when `None`.
pub(super) fn fetch_revision(
    client: &Client,
    definition_id: &str,
    number: Option<i32>,
) -> Result<types::GetJobRevisionEndpointOutput> {
    match number {
        None => client.send(&operations::GetJobDefinitionByDefinitionIdRevision::new(
            definition_id,
        )),
        Some(n) => client.send(
            &operations::GetJobDefinitionByDefinitionIdRevisionByRevisionNumber::new(
                definition_id,
                n,
            ),
        ),
    }
}

impl JobDefinition {
    /// The loaded revision, read from the server the first time it is needed.
    pub(crate) fn loaded(&mut self) -> Result<Arc<types::GetJobRevisionEndpointOutput>> {
        if let Some(l) = &self.edit.loaded {
            return Ok(l.clone());
        }
        let out = Arc::new(fetch_revision(&self.client, &self.id, self.revision)?);
        self.revision = Some(out.revision_number);
        self.dataset_id = Some(out.dataset_id.clone());
        self.edit.loaded = Some(out.clone());
        Ok(out)
    }

    /// The revision this handle holds (loading it when the handle does not know which):
    /// jobs assigned from it run exactly this revision.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("revision {}", d.revision()?);
    /// # Ok(()) }
    /// ```
    pub fn revision(&mut self) -> Result<i32> {
        match self.revision {
            Some(n) => Ok(n),
            None => Ok(self.loaded()?.revision_number),
        }
    }

    /// The revision the loaded one was edited from, when the server recorded it.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("{:?}", d.base_revision()?);
    /// # Ok(()) }
    /// ```
    pub fn base_revision(&mut self) -> Result<Option<i32>> {
        Ok(self.loaded()?.base_revision_number.flatten())
    }

    /// The state of the held revision, read now: `Pending` until its preview is built,
    /// then `Completed` (or `Failed`).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("{}", d.state()?.as_str());
    /// # Ok(()) }
    /// ```
    pub fn state(&mut self) -> Result<JobDefinitionRevisionState> {
        let revision = self.revision()?;
        let out = Arc::new(fetch_revision(&self.client, &self.id, Some(revision))?);
        let state = out.state.clone();
        self.edit.loaded = Some(out);
        Ok(state)
    }

    /// Waits until the held revision is no longer `Pending` (polled every 2 s, at most
    /// `timeout`; [`Error::Timeout`] after) and returns the state it settled in,
    /// `Completed` or `Failed`.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// use rapidata::api::types::JobDefinitionRevisionState;
    /// let state = d.wait_until_ready(std::time::Duration::from_secs(300))?;
    /// assert_eq!(state, JobDefinitionRevisionState::Completed);
    /// # Ok(()) }
    /// ```
    pub fn wait_until_ready(&mut self, timeout: Duration) -> Result<JobDefinitionRevisionState> {
        let options = WaitOptions::new()
            .poll_interval(Duration::from_secs(2))
            .timeout(timeout);
        self.wait_until_ready_with(options)
    }

    /// [`wait_until_ready`](Self::wait_until_ready) with a chosen poll interval and timeout.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// use std::time::Duration;
    /// let opts = rapidata::job::WaitOptions::new().poll_interval(Duration::from_millis(500));
    /// d.wait_until_ready_with(opts)?;
    /// # Ok(()) }
    /// ```
    pub fn wait_until_ready_with(
        &mut self,
        options: WaitOptions,
    ) -> Result<JobDefinitionRevisionState> {
        let what = format!("revision of job definition {} to be ready", self.id);
        let client = self.client.clone();
        poll_until(&client, &options, &what, "Pending", || {
            Ok(match self.state()? {
                JobDefinitionRevisionState::Pending => None,
                settled => Some(settled),
            })
        })
    }

    /// The instruction labelers see (the staged one, if any): `None` when it is bound to
    /// each datapoint or the kind of job has none.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("{:?}", d.instruction()?);
    /// # Ok(()) }
    /// ```
    pub fn instruction(&mut self) -> Result<Option<String>> {
        if let Some(text) = &self.edit.pending.instruction {
            return Ok(Some(text.clone()));
        }
        Ok(instruction_of(&to_value(&self.loaded()?.workflow)))
    }

    /// Stages a new instruction (non-empty, at most
    /// [`MAX_INSTRUCTION_CHARS`](crate::job::MAX_INSTRUCTION_CHARS) characters, checked before
    /// any request; a kind of job without an instruction is refused too).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// d.set_instruction("Which image matches the prompt better?")?.save(false)?;
    /// # Ok(()) }
    /// ```
    pub fn set_instruction(&mut self, text: impl Into<String>) -> Result<&mut Self> {
        let text = text.into();
        crate::audience::validate_instruction("instruction", &text)?;
        let workflow = to_value(&self.loaded()?.workflow);
        if with_instruction(workflow.clone(), &text).is_none() {
            let kind = workflow_kind(&workflow).to_owned();
            return Err(not_applicable("instruction", &text, &kind, "instruction"));
        }
        self.edit.pending.instruction = Some(text);
        Ok(self)
    }

    /// The answer options of a classification definition shown for every datapoint (the
    /// staged ones, if any); `None` when they are set per datapoint (how
    /// [`create_classification_job_definition`](crate::job::JobManager::create_classification_job_definition)
    /// makes them) or the job has none.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("{:?}", d.answer_options()?);
    /// # Ok(()) }
    /// ```
    pub fn answer_options(&mut self) -> Result<Option<Vec<String>>> {
        if let Some(o) = &self.edit.pending.answer_options {
            return Ok(Some(o.clone()));
        }
        Ok(answer_options_of(&to_value(&self.loaded()?.workflow)))
    }

    /// Stages answer options shown for every datapoint of a classification definition
    /// (2 to [`MAX_ANSWER_OPTIONS`](crate::job::MAX_ANSWER_OPTIONS) unique, non-empty options,
    /// checked before any request).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// d.set_answer_options(["Cat", "Dog", "Neither"])?;
    /// # Ok(()) }
    /// ```
    pub fn set_answer_options<I, S>(&mut self, options: I) -> Result<&mut Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let options: Vec<String> = options.into_iter().map(Into::into).collect();
        AnswerOptions::Shared(options.clone()).validate(1)?;
        let workflow = to_value(&self.loaded()?.workflow);
        if with_answer_options(workflow.clone(), &options).is_none() {
            let kind = workflow_kind(&workflow).to_owned();
            return Err(not_applicable(
                "answer_options",
                &options,
                &kind,
                "answer options (only classification definitions have them)",
            ));
        }
        self.edit.pending.answer_options = Some(options);
        Ok(self)
    }

    /// The most responses collected per datapoint (the staged number, if any).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("{}", d.responses_per_datapoint()?);
    /// # Ok(()) }
    /// ```
    pub fn responses_per_datapoint(&mut self) -> Result<u32> {
        if let Some(n) = self.edit.pending.responses_per_datapoint {
            return Ok(n);
        }
        let referee = to_value(&self.loaded()?.referee);
        responses_of(&referee).ok_or_else(|| {
            Error::invalid_input(
                "responses_per_datapoint",
                referee["_t"].as_str().unwrap_or_default(),
                "this referee has no responses per datapoint",
            )
        })
    }

    /// Stages the most responses collected per datapoint (at least 1, checked before any
    /// request).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// d.set_responses_per_datapoint(25)?;
    /// # Ok(()) }
    /// ```
    pub fn set_responses_per_datapoint(&mut self, n: u32) -> Result<&mut Self> {
        if n < 1 {
            return Err(Error::invalid_input(
                "responses_per_datapoint",
                n,
                "must be at least 1",
            ));
        }
        let referee = to_value(&self.loaded()?.referee);
        if with_responses(referee.clone(), n).is_none() {
            let kind = referee["_t"].as_str().unwrap_or_default().to_owned();
            return Err(not_applicable(
                "responses_per_datapoint",
                n,
                &kind,
                "responses per datapoint",
            ));
        }
        self.edit.pending.responses_per_datapoint = Some(n);
        Ok(self)
    }

    /// The settings of the revision (the staged ones, if any), as custom settings with
    /// their targets.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// for s in d.settings()? { println!("{} = {}", s.key(), s.value()); }
    /// # Ok(()) }
    /// ```
    pub fn settings(&mut self) -> Result<Vec<Setting>> {
        if let Some(s) = &self.edit.pending.settings {
            return Ok(s.clone());
        }
        let loaded = self.loaded()?;
        let rapid = loaded
            .feature_flags
            .iter()
            .map(|f| Setting::custom(&f.key, &f.value));
        let campaign = loaded
            .campaign_feature_flags
            .iter()
            .map(|f| Setting::custom_campaign(&f.key, &f.value));
        Ok(rapid.chain(campaign).collect())
    }

    /// Stages `settings` to replace every setting of the revision (both targets).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// use rapidata::Setting;
    /// d.set_settings([Setting::no_shuffle()]).save(false)?;
    /// # Ok(()) }
    /// ```
    pub fn set_settings(&mut self, settings: impl IntoIterator<Item = Setting>) -> &mut Self {
        self.edit.pending.settings = Some(settings.into_iter().collect());
        self
    }

    /// The validation set pinned on the revision (the staged choice, if any).
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// println!("{:?}", d.validation_set_id()?);
    /// # Ok(()) }
    /// ```
    pub fn validation_set_id(&mut self) -> Result<Option<String>> {
        if let Some(v) = &self.edit.pending.validation_set_id {
            return Ok(v.clone());
        }
        Ok(self.loaded()?.validation_set_id.clone().flatten())
    }

    /// Stages a validation set to pin (`Some(id)`: jobs of the saved revision take their
    /// validation tasks from it instead of the audience's examples) or no pinned set
    /// (`None`). An empty id is refused before any request.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// d.set_validation_set_id(Some("vs_123"))?.save(false)?;
    /// # Ok(()) }
    /// ```
    pub fn set_validation_set_id(&mut self, id: Option<impl Into<String>>) -> Result<&mut Self> {
        let id = id.map(Into::into);
        if let Some(id) = &id {
            crate::error::require_id("validation_set_id", id)?;
        }
        self.edit.pending.validation_set_id = Some(id);
        Ok(self)
    }

    /// Whether changes are staged that [`save`](Self::save) has not sent (a dataset from
    /// [`set_datapoints`](Self::set_datapoints) among them).
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) { assert!(!d.has_unsaved_changes()); }
    /// ```
    pub fn has_unsaved_changes(&self) -> bool {
        self.edit.pending != Pending::default()
    }

    /// Drops every staged change (a dataset staged by
    /// [`set_datapoints`](Self::set_datapoints) too, and one it filled only in part); the
    /// handle keeps its loaded revision. Nothing is sent.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) { d.discard_changes(); }
    /// ```
    pub fn discard_changes(&mut self) -> &mut Self {
        self.edit.pending = Pending::default();
        self.edit.partial = None;
        self
    }

    /// Saves the loaded revision with the staged changes as a new revision
    /// (`POST /job/definition/{id}/revision`, every field given, `baseRevisionNumber` the
    /// loaded revision) and moves the handle to it; returns the new revision number.
    ///
    /// Changes someone else saved since the handle was loaded are not merged in. With
    /// `require_latest` the server saves only if the loaded revision is still the latest;
    /// otherwise [`Error::RevisionConflict`] carries both revision numbers, nothing is
    /// created and the changes stay staged.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// d.set_responses_per_datapoint(20)?;
    /// let revision = d.save(true)?;
    /// # Ok(()) }
    /// ```
    pub fn save(&mut self, require_latest: bool) -> Result<i32> {
        let loaded = self.loaded()?;
        // Built as JSON, so that the empty flag lists and the `null`s go out explicitly
        // (the generated model leaves empty lists out, and the server would then inherit
        // them from the latest revision).
        let body = save_body(&loaded, &self.edit.pending, require_latest);
        let dataset_id = body["datasetId"].as_str().map(str::to_owned);
        let op = WithJsonBody::new(
            operations::PostJobDefinitionByDefinitionIdRevision::new(
                &self.id,
                types::CreateJobRevisionEndpointInput::new(),
            ),
            body,
        );
        let out = match self.client.send(&op) {
            Ok(out) => out,
            Err(e) if require_latest && e.status() == Some(409) => {
                let latest = match e
                    .problem()
                    .and_then(|p| p.extensions.get("latestRevisionNumber"))
                    .and_then(Value::as_i64)
                {
                    Some(n) => n as i32,
                    None => fetch_revision(&self.client, &self.id, None)?.revision_number,
                };
                return Err(Error::RevisionConflict(Box::new(RevisionConflict {
                    definition_id: self.id.clone(),
                    base_revision: loaded.revision_number,
                    latest_revision: latest,
                })));
            }
            Err(e) => return Err(e),
        };
        log::info!(
            "saved job definition {} as revision {} (from {})",
            self.id,
            out.revision_number,
            loaded.revision_number
        );
        self.revision = Some(out.revision_number);
        self.pipeline_id = Some(out.pipeline_id);
        self.dataset_id = dataset_id;
        self.edit = RevisionEdit::default();
        Ok(out.revision_number)
    }

    /// Loads revision `revision` (the latest when `None`) into the handle. Refused before
    /// any request while changes are staged: [`save`](Self::save) or
    /// [`discard_changes`](Self::discard_changes) first.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// d.reload(Some(1))?;
    /// assert_eq!(d.revision()?, 1);
    /// # Ok(()) }
    /// ```
    pub fn reload(&mut self, revision: Option<i32>) -> Result<&mut Self> {
        let staged = self.edit.pending.names();
        if !staged.is_empty() {
            return Err(Error::invalid_input(
                "reload",
                staged.join(", "),
                "changes are staged on the loaded revision: save() or discard_changes() first",
            ));
        }
        if let Some(n) = revision {
            check_revision_number(n)?;
        }
        let out = Arc::new(fetch_revision(&self.client, &self.id, revision)?);
        self.revision = Some(out.revision_number);
        self.dataset_id = Some(out.dataset_id.clone());
        self.pipeline_id = Some(out.pipeline_id.clone());
        self.edit.loaded = Some(out);
        Ok(self)
    }

    /// The definition's revisions, oldest first, 100 a page
    /// (`GET /job/definition/{id}/revisions?sort=revision_number`): one page with
    /// [`send`](FindRevisions::send), all with [`iter`](FindRevisions::iter).
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// for r in d.revisions().iter() {
    ///     let r = r?;
    ///     println!("{} from {:?}: {}", r.revision, r.base_revision, r.state.as_str());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn revisions(&self) -> FindRevisions {
        FindRevisions::new(self.client.clone(), self.id.clone())
    }
}
