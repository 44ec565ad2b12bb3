//! A definition whose datapoints failed to upload beyond the tolerance: the error's detail
//! ([`UploadFailure`]) and the resumable [`PendingDefinition`].

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::api::{operations, types};
use crate::flow::reconcile::{create_once_from, resolve, Created};
use crate::sync::lock;
use crate::{Client, Error, Result};

use super::super::datapoint::DatapointSpec;
use super::super::progress::{SharedReporter, Stage};
use super::super::upload;
use super::groups::create_groups;
use super::handle::JobDefinition;
use super::lookup::{existing_definitions, judge_definition, listed};
use super::spec::{definition_body, DefinitionSpec, TaskSpec};
use crate::error::{FailedDatapoint, UploadFailure};

impl UploadFailure {
    /// The failure of `pending`'s upload: `failures` of `total` datapoints.
    pub(crate) fn new(
        failures: Vec<FailedDatapoint>,
        total: usize,
        tolerance: f64,
        pending: PendingDefinition,
    ) -> Self {
        UploadFailure {
            failures,
            total,
            tolerance,
            name: pending.name().to_owned(),
            dataset_id: pending.dataset_id().to_owned(),
            pending: Box::new(pending),
        }
    }

    /// The unfinished definition.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) { println!("{:?}", f.pending()); }
    /// ```
    pub fn pending(&self) -> &PendingDefinition {
        self.pending
            .downcast_ref()
            .expect("an upload failure always holds a pending definition")
    }

    /// Takes the unfinished definition out, to retry later.
    ///
    /// ```no_run
    /// # fn demo(f: rapidata::job::UploadFailure) -> rapidata::Result<()> {
    /// let pending = f.into_pending();
    /// let definition = pending.retry()?;
    /// # Ok(()) }
    /// ```
    pub fn into_pending(self) -> PendingDefinition {
        *self
            .pending
            .downcast()
            .expect("an upload failure always holds a pending definition")
    }

    /// Sends the failed datapoints again (into the same dataset), then creates the
    /// definition; see [`PendingDefinition::retry`].
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) -> rapidata::Result<()> {
    /// let definition = f.retry()?;
    /// # Ok(()) }
    /// ```
    pub fn retry(&self) -> crate::Result<JobDefinition> {
        self.pending().retry()
    }
}

/// A job definition whose dataset is (partly) uploaded but which was not created because
/// too many datapoints failed. Found inside [`Error::UploadFailed`].
///
/// [`retry`](PendingDefinition::retry) sends only the failed datapoints again, into the
/// same dataset, then creates the definition.
///
/// ```no_run
/// # fn demo(err: rapidata::Error) -> rapidata::Result<()> {
/// if let rapidata::Error::UploadFailed(failure) = err {
///     let pending = failure.into_pending();
///     println!("{} datapoints still to send", pending.failed_indices().len());
///     let definition = pending.retry()?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PendingDefinition {
    pub(crate) client: Client,
    pub(crate) spec: Arc<DefinitionSpec>,
    pub(crate) dataset_id: String,
    pub(crate) datapoints: Arc<Vec<DatapointSpec>>,
    /// The datapoints still to send (`None` = all of them, first run). Shared by every
    /// clone and updated as soon as datapoints are sent, so a retry that fails after
    /// creating some of them (e.g. at `POST /job/definition`) does not make the next
    /// retry send them into the dataset a second time.
    pub(crate) todo: Arc<Mutex<Option<Vec<FailedDatapoint>>>>,
    /// What the attempts share. Its lock is held for the whole of an attempt, so retries
    /// of clones run one after the other (never sending the same datapoints at once).
    pub(crate) attempts: Arc<Mutex<Attempts>>,
    /// Where the create and its retries report progress.
    pub(crate) reporter: SharedReporter,
}

/// The state of a pending definition's attempts at `POST /job/definition`.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    /// The definition once one was created: later retries return it.
    created: Option<JobDefinition>,
    /// The definitions of this name that existed before the first `POST /job/definition`
    /// (once a listing succeeded). Kept for every later attempt: a definition whose answer
    /// was lost shows up as new against it, where a fresh listing would count it as old
    /// and a second one would be created.
    definitions_before: Option<HashSet<String>>,
    /// A `POST /job/definition` failed in a way that may have created it: the next attempt
    /// looks for that definition before sending again.
    maybe_created: bool,
    /// How many of the datapoint groups (ranking lists) were created, in order: a retry
    /// sends only the ones after them.
    groups_created: usize,
}

impl fmt::Debug for PendingDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingDefinition")
            .field("name", &self.spec.name)
            .field("dataset_id", &self.dataset_id)
            .field("total", &self.datapoints.len())
            .field("failed", &self.failed_indices())
            .finish()
    }
}

impl PendingDefinition {
    /// The definition's name.
    ///
    /// ```no_run
    /// # fn demo(p: &rapidata::job::PendingDefinition) { println!("{}", p.name()); }
    /// ```
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The dataset the datapoints go into.
    ///
    /// ```no_run
    /// # fn demo(p: &rapidata::job::PendingDefinition) { println!("{}", p.dataset_id()); }
    /// ```
    pub fn dataset_id(&self) -> &str {
        &self.dataset_id
    }

    /// Indices of the datapoints still to send.
    ///
    /// ```no_run
    /// # fn demo(p: &rapidata::job::PendingDefinition) { println!("{:?}", p.failed_indices()); }
    /// ```
    pub fn failed_indices(&self) -> Vec<usize> {
        match &*self.todo() {
            Some(t) => t.iter().map(|f| f.index).collect(),
            None => (0..self.datapoints.len()).collect(),
        }
    }

    /// Sends the failed datapoints again (only those, into the same dataset), checks the
    /// failure tolerance over all datapoints, and creates the definition.
    ///
    /// Fails again with [`Error::UploadFailed`] (holding a new pending definition) when
    /// still too many datapoints fail.
    ///
    /// Safe to call from several threads and clones: retries run one at a time, each
    /// sending only what is still missing, and once one has created the definition the
    /// others return that same definition without sending anything.
    ///
    /// ```no_run
    /// # fn demo(p: rapidata::job::PendingDefinition) -> rapidata::Result<()> {
    /// let definition = p.retry()?;
    /// definition.preview();
    /// # Ok(()) }
    /// ```
    pub fn retry(&self) -> Result<JobDefinition> {
        let mut attempts = self.attempts();
        if let Some(definition) = &attempts.created {
            return Ok(definition.clone());
        }
        let todo: Vec<(&DatapointSpec, bool)> = match &*self.todo() {
            None => self.datapoints.iter().map(|d| (d, false)).collect(),
            Some(failed) => failed
                .iter()
                .filter_map(|f| self.datapoints.get(f.index).map(|d| (d, f.ambiguous)))
                .collect(),
        };
        // The definitions of this name are listed alongside the uploads unless an
        // earlier attempt did so.
        let existing = Mutex::new(attempts.definitions_before.clone().map(Ok));
        let list = || *lock(&existing) = Some(existing_definitions(&self.client, &self.spec.name));
        let needs_listing = lock(&existing).is_none();
        let uploaded = upload::upload_datapoints(
            &self.client,
            upload::Dataset::Existing(&self.dataset_id),
            &todo,
            self.spec.upload_timeout,
            &self.reporter,
            needs_listing.then(|| Box::new(list) as upload::Alongside<'_>),
        )?;
        self.finish(&mut attempts, uploaded.failures, listed(existing))
    }

    pub(super) fn attempts(&self) -> std::sync::MutexGuard<'_, Attempts> {
        lock(&self.attempts)
    }

    fn todo(&self) -> std::sync::MutexGuard<'_, Option<Vec<FailedDatapoint>>> {
        lock(&self.todo)
    }

    /// After an earlier `POST /job/definition` whose outcome is unknown: the definition it
    /// created, if a listing shows exactly one definition of this name that was not there
    /// before and holds our dataset. `None` when no such POST was made or it created
    /// nothing (new definitions of this name with other datasets are someone else's). A
    /// failed listing is an error (sending again could make a second definition), and so
    /// is a new definition that cannot be checked or several of ours
    /// ([`Error::UnresolvedCreate`]).
    fn definition_from_lost_answer(
        &self,
        attempts: &mut Attempts,
        list: impl Fn() -> Result<HashSet<String>>,
    ) -> Result<Option<String>> {
        let Some(before) = attempts
            .definitions_before
            .as_ref()
            .filter(|_| attempts.maybe_created)
        else {
            return Ok(None);
        };
        let now = list()?;
        let judge = |id: &str| judge_definition(&self.client, id, &self.dataset_id);
        let found = resolve("job definition", before, &now, judge)
            .map_err(|undecided| undecided.into_error("job definition", None))?;
        attempts.maybe_created = false;
        if let Some(id) = &found {
            log::debug!(
                "job definition {id} was created by an earlier attempt whose answer was lost"
            );
        }
        Ok(found)
    }

    /// Unless too many datapoints failed (`failures`, sorted by index), creates the
    /// definition (recorded in `attempts`). `existing`: the definitions of this name listed
    /// before.
    pub(super) fn finish(
        &self,
        attempts: &mut Attempts,
        failures: Vec<FailedDatapoint>,
        existing: Result<HashSet<String>>,
    ) -> Result<JobDefinition> {
        if let Ok(ids) = &existing {
            attempts
                .definitions_before
                .get_or_insert_with(|| ids.clone());
        }
        *self.todo() = Some(failures.clone());
        let total = self.datapoints.len();
        let failed = failures.len();
        let too_many = failed as f64 / total as f64 > self.spec.failure_tolerance;
        if failed > 0 && (too_many || failed == total) {
            return Err(Error::UploadFailed(Box::new(UploadFailure::new(
                failures,
                total,
                self.spec.failure_tolerance,
                self.clone(),
            ))));
        }
        for f in &failures {
            log::warn!("{f} (within the failure tolerance; left out of the definition)");
        }
        create_groups(
            &self.client,
            &self.dataset_id,
            &self.spec.groups,
            &mut attempts.groups_created,
        )?;
        let stage = self.reporter.start(Stage::Definition, Some(1));
        let body = definition_body(&self.spec, &self.dataset_id);
        // A lost answer neither fails the call nor makes a second definition.
        let list = || existing_definitions(&self.client, &self.spec.name);
        let judge = |id: &str| judge_definition(&self.client, id, &self.dataset_id);
        let created = match self.definition_from_lost_answer(attempts, list)? {
            Some(id) => Created::Found(id),
            None => create_once_from(
                &self.client,
                "job definition",
                existing,
                list,
                judge,
                || {
                    self.client
                        .send(&operations::PostJobDefinition::new(body.clone()))
                },
            )
            .inspect_err(|e| attempts.maybe_created |= e.may_have_been_processed())?,
        };
        let (id, pipeline_id) = match created {
            Created::Answered(out) => (out.definition_id, Some(out.pipeline_id)),
            Created::Found(id) => (id, None),
        };
        let definition = JobDefinition {
            client: self.client.clone(),
            id,
            name: self.spec.name.clone(),
            dataset_id: Some(self.dataset_id.clone()),
            pipeline_id,
            definition_type: Some(match self.spec.task {
                TaskSpec::Compare { .. } => types::DefinitionType::Compare,
                TaskSpec::Classification { .. } => types::DefinitionType::Classify,
                TaskSpec::FreeText { .. } => types::DefinitionType::FreeText,
                TaskSpec::Locate { .. } => types::DefinitionType::Locate,
                TaskSpec::Draw { .. } => types::DefinitionType::Line,
                TaskSpec::Timestamp { .. } => types::DefinitionType::Scrub,
                TaskSpec::Ranking(_) => types::DefinitionType::GroupedRanking,
                TaskSpec::SelectWords { .. } => types::DefinitionType::Transcription,
            }),
            revision: Some(1),
            reporter: Some(self.reporter.clone()),
            edit: Default::default(),
        };
        stage.done(1);
        stage.finish();
        log::info!(
            "created job definition {} ({}); preview: {}",
            definition.id,
            definition.name,
            definition.preview_url()
        );
        attempts.created = Some(definition.clone());
        Ok(definition)
    }
}
