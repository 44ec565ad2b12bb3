//! Revisions of a job definition: reading the loaded revision, staging changes on it,
//! saving them as a new revision (optionally only when nobody saved in between), reloading
//! another revision, and listing them.
//!
//! A [`JobDefinition`] handle holds one revision. Reading (`instruction()`,
//! `responses_per_datapoint()` …) returns the loaded revision's value or the change staged
//! on it; the first read loads the revision (`GET /job/definition/{id}/revision[/{n}]`).
//! Setters check their argument before any request and stage it; [`JobDefinition::save`]
//! sends the complete revision — the loaded one with the staged changes — as
//! `POST /job/definition/{id}/revision`, with every field given explicitly (a field left out
//! would be inherited from the *latest* revision, which may not be the loaded one), and
//! moves the handle to the new revision. Jobs assigned from the handle run the revision it
//! holds; a handle with unsaved changes cannot be assigned. A new dataset is staged the
//! same way, by `set_datapoints` (see `dataset_update.rs`), and saved as `datasetId`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::api::operations;
use crate::api::types::{self, JobDefinitionRevisionState};
use crate::error::RevisionConflict;
use crate::flow::paging::{page_setters, Fetched, PageSpec, PagedOutput, Pages};
use crate::request::WithJsonBody;
use crate::settings::{split_feature_flags, Setting};
use crate::{Client, Error, Result};

use super::dataset_update::{PartialDataset, StagedDataset};
use super::poll::poll_until;
use super::{AnswerOptions, JobDefinition, JobManager, WaitOptions};

/// The instruction's member in each rapid spec (`rapid.<member>`), as the official SDK
/// edits it.
const INSTRUCTION_MEMBERS: &[(&str, &str)] = &[
    ("Classify", "title"),
    ("Transcription", "title"),
    ("Compare", "criteria"),
    ("FreeText", "question"),
    ("BoundingBox", "target"),
    ("Line", "target"),
    ("Locate", "target"),
    ("NamedEntity", "target"),
    ("Polygon", "target"),
    ("Scrub", "target"),
];

/// The member holding the responses per datapoint in each referee.
const VOTES_MEMBERS: &[(&str, &str)] = &[
    ("NaiveReferee", "totalVotes"),
    ("QuorumReferee", "maxVotes"),
    ("EarlyStoppingReferee", "maxVotes"),
];

/// The revision a [`JobDefinition`] handle has loaded and what is staged on it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RevisionEdit {
    loaded: Option<Arc<types::GetJobRevisionEndpointOutput>>,
    pub(super) pending: Pending,
    /// A dataset that `set_datapoints` created and filled only in part (see
    /// `dataset_update.rs`): the same datapoints set again go into it, only the failed ones.
    pub(super) partial: Option<PartialDataset>,
}

/// Changes staged for the next save.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Pending {
    instruction: Option<String>,
    pub(super) answer_options: Option<Vec<String>>,
    responses_per_datapoint: Option<u32>,
    settings: Option<Vec<Setting>>,
    validation_set_id: Option<Option<String>>,
    /// A new dataset, uploaded by `set_datapoints`.
    pub(super) dataset: Option<StagedDataset>,
}

impl Pending {
    /// The names of the staged changes.
    fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut add = |set: bool, name| {
            if set {
                names.push(name);
            }
        };
        add(self.instruction.is_some(), "instruction");
        add(self.answer_options.is_some(), "answer_options");
        add(
            self.responses_per_datapoint.is_some(),
            "responses_per_datapoint",
        );
        add(self.settings.is_some(), "settings");
        add(self.validation_set_id.is_some(), "validation_set_id");
        add(self.dataset.is_some(), "datapoints");
        names
    }
}

/// One revision of a job definition, as listed by [`JobDefinition::revisions`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct RevisionInfo {
    /// Its number (1 for the first).
    pub revision: i32,
    /// The revision it was edited from, when recorded.
    pub base_revision: Option<i32>,
    /// `Pending` until its preview has been built, then `Completed` (or `Failed`).
    pub state: JobDefinitionRevisionState,
    /// When it was saved (ISO 8601).
    pub created_at: String,
}

pub(super) fn to_value(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).expect("API models always serialize")
}

/// The rapid spec's `_t` of a `SimpleWorkflow`, or the workflow's own `_t`.
pub(super) fn workflow_kind(workflow: &Value) -> &str {
    let t = workflow["_t"].as_str().unwrap_or_default();
    if t == "SimpleWorkflow" {
        workflow["rapid"]["_t"].as_str().unwrap_or(t)
    } else {
        t
    }
}

fn member(table: &[(&str, &'static str)], kind: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == kind).map(|(_, m)| *m)
}

fn instruction_of(workflow: &Value) -> Option<String> {
    if workflow["_t"] == "GroupedRankingWorkflow" {
        return workflow["criteria"].as_str().map(str::to_owned);
    }
    let m = member(INSTRUCTION_MEMBERS, workflow_kind(workflow))?;
    workflow["rapid"][m]["literal"].as_str().map(str::to_owned)
}

/// `workflow` with `text` as its instruction: the binding replaced by a literal, as the
/// official SDK does; `None` when this kind of workflow has no instruction.
fn with_instruction(mut workflow: Value, text: &str) -> Option<Value> {
    if workflow["_t"] == "GroupedRankingWorkflow" {
        workflow["criteria"] = json!(text);
        return Some(workflow);
    }
    if workflow["_t"] != "SimpleWorkflow" {
        return None;
    }
    let m = member(INSTRUCTION_MEMBERS, workflow_kind(&workflow))?;
    workflow["rapid"][m] = json!({ "literal": text });
    Some(workflow)
}

fn answer_options_of(workflow: &Value) -> Option<Vec<String>> {
    if workflow_kind(workflow) != "Classify" {
        return None;
    }
    let literal = workflow["rapid"]["categories"]["literal"].as_array()?;
    Some(
        literal
            .iter()
            .filter_map(|o| o["label"].as_str().map(str::to_owned))
            .collect(),
    )
}

/// `workflow` showing `options` for every datapoint; `None` unless it classifies.
pub(super) fn with_answer_options(mut workflow: Value, options: &[String]) -> Option<Value> {
    if workflow_kind(&workflow) != "Classify" {
        return None;
    }
    let literal: Vec<Value> = options
        .iter()
        .map(|o| json!({ "label": o, "value": o }))
        .collect();
    workflow["rapid"]["categories"] = json!({ "literal": literal });
    Some(workflow)
}

fn responses_of(referee: &Value) -> Option<u32> {
    let m = member(VOTES_MEMBERS, referee["_t"].as_str().unwrap_or_default())?;
    referee[m].as_u64().and_then(|n| u32::try_from(n).ok())
}

fn with_responses(mut referee: Value, n: u32) -> Option<Value> {
    let m = member(VOTES_MEMBERS, referee["_t"].as_str().unwrap_or_default())?;
    referee[m] = json!(n);
    Some(referee)
}

/// The refusal of a change a definition of this kind cannot take.
fn not_applicable(argument: &str, value: impl fmt::Debug, kind: &str, what: &str) -> Error {
    Error::invalid_input(
        argument,
        value,
        format!("a `{kind}` job definition has no {what} to change"),
    )
}

/// The body of a save: the loaded revision with the staged changes, every field explicit
/// (the official SDK's `_full_body`).
fn save_body(
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
fn fetch_revision(
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
    pub(super) fn loaded(&mut self) -> Result<Arc<types::GetJobRevisionEndpointOutput>> {
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
    /// [`MAX_INSTRUCTION_CHARS`](super::MAX_INSTRUCTION_CHARS) characters, checked before
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
    /// [`create_classification_job_definition`](super::JobManager::create_classification_job_definition)
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
    /// (2 to [`MAX_ANSWER_OPTIONS`](super::MAX_ANSWER_OPTIONS) unique, non-empty options,
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
        FindRevisions {
            client: self.client.clone(),
            definition_id: self.id.clone(),
            spec: PageSpec {
                amount: 100,
                page: 1,
            },
        }
    }
}

fn check_revision_number(n: i32) -> Result<()> {
    if n < 1 {
        return Err(Error::invalid_input(
            "revision",
            n,
            "revisions are numbered from 1",
        ));
    }
    Ok(())
}

/// Builder for [`JobDefinition::revisions`].
///
/// ```no_run
/// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
/// let first_ten = d.revisions().amount(10).send()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() or .iter() is called"]
pub struct FindRevisions {
    client: Client,
    definition_id: String,
    spec: PageSpec,
}

impl FindRevisions {
    page_setters!(
        "revisions",
        "client.job().get_job_definition_by_id(\"jd_1\")?.revisions()"
    );

    fn fetch(&self, page: i64) -> Result<Fetched<RevisionInfo>> {
        let mut op = operations::GetJobDefinitionByDefinitionIdRevisions::new(&self.definition_id);
        op.page = Some(page);
        op.page_size = Some(i64::from(self.spec.amount));
        op.sort = vec!["revision_number".to_owned()];
        let fetched = self.client.send(&op)?.into_fetched();
        Ok(fetched.map(|item| RevisionInfo {
            revision: item.revision_number,
            base_revision: item.base_revision_number.flatten(),
            state: item.state,
            created_at: item.created_at,
        }))
    }

    /// Sends one page of the list and returns its revisions.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let revisions = d.revisions().send()?;
    /// # Ok(()) }
    /// ```
    pub fn send(self) -> Result<Vec<RevisionInfo>> {
        self.spec.check()?;
        Ok(self.fetch(i64::from(self.spec.page))?.into_items())
    }

    /// Every revision from [`page`](Self::page) on, a page at a time.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let count = d.revisions().iter().count();
    /// # Ok(()) }
    /// ```
    pub fn iter(self) -> Pages<RevisionInfo> {
        Pages::new("revisions", self.spec, move |page| self.fetch(page))
    }
}

impl JobManager {
    /// A job definition at revision `revision` (the latest when `None`):
    /// `GET /job/definition/{id}` for its name and type, then the revision. Jobs assigned
    /// from the handle run that revision.
    ///
    /// ```no_run
    /// let mut first = rapidata::Client::new()?.job().get_job_definition_revision("jd_123", Some(1))?;
    /// println!("{:?}", first.instruction()?);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_job_definition_revision(
        &self,
        id: &str,
        revision: Option<i32>,
    ) -> Result<JobDefinition> {
        crate::error::require_id("definition_id", id)?;
        if let Some(n) = revision {
            check_revision_number(n)?;
        }
        let mut definition = self.get_job_definition_by_id(id)?;
        definition.reload(revision)?;
        Ok(definition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instruction_and_options_are_edited_as_the_sdk_edits_them() {
        let compare = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Compare",
            "criteria": {"literal": "Which?"}, "asset": {"segment": "asset"}}});
        assert_eq!(instruction_of(&compare).as_deref(), Some("Which?"));
        let edited = with_instruction(compare, "Better?").unwrap();
        assert_eq!(edited["rapid"]["criteria"], json!({"literal": "Better?"}));
        assert!(with_answer_options(edited, &["a".into(), "b".into()]).is_none());

        let classify = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Classify",
            "title": {"segment": "title"}, "categories": {"segment": "answer_options"}}});
        assert_eq!(instruction_of(&classify), None);
        assert_eq!(answer_options_of(&classify), None);
        let edited = with_answer_options(classify, &["Cat".into(), "Dog".into()]).unwrap();
        assert_eq!(
            edited["rapid"]["categories"],
            json!({"literal": [{"label": "Cat", "value": "Cat"}, {"label": "Dog", "value": "Dog"}]})
        );
        assert_eq!(
            answer_options_of(&edited),
            Some(vec!["Cat".into(), "Dog".into()])
        );
        let ranking = json!({"_t": "GroupedRankingWorkflow", "criteria": "Rank"});
        assert_eq!(
            with_instruction(ranking, "Order")
                .unwrap()
                .get("criteria")
                .unwrap(),
            "Order"
        );
        assert!(with_instruction(json!({"_t": "EvaluationWorkflow"}), "x").is_none());
    }

    #[test]
    fn responses_live_in_the_referees_own_member() {
        let naive = json!({"_t": "NaiveReferee", "totalVotes": 3});
        assert_eq!(responses_of(&naive), Some(3));
        assert_eq!(with_responses(naive, 9).unwrap()["totalVotes"], 9);
        let early = json!({"_t": "EarlyStoppingReferee", "maxVotes": 10, "threshold": 0.99});
        assert_eq!(with_responses(early, 4).unwrap()["maxVotes"], 4);
        assert!(with_responses(json!({"_t": "Other"}), 4).is_none());
    }
}
