//! Job definitions: builders, validation, request bodies and the [`JobDefinition`] handle.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::api::{operations, types};
use crate::asset::DataItem;
use crate::flow::reconcile::{create_once_from, resolve, Created, Verdict};
use crate::request::{self, DecodeError, Decoder, Operation, QueryFilter, WithDecoder};
use crate::settings::{split_feature_flags, Setting};
use crate::sync::lock;
use crate::{Client, Error, Result, RetryMode, SendOptions};

use super::datapoint::{segment, DatapointSpec};
use super::poll::poll_until;
use super::progress::{Reporter, SharedReporter, Stage, WaitOptions};
use super::upload;
use crate::error::FailedDatapoint;

/// The longest instruction the API accepts (characters).
///
/// ```
/// assert_eq!(rapidata::job::MAX_INSTRUCTION_CHARS, 250);
/// ```
pub const MAX_INSTRUCTION_CHARS: usize = 250;
/// The longest datapoint context the API accepts (characters).
///
/// ```
/// assert_eq!(rapidata::job::MAX_CONTEXT_CHARS, 400);
/// ```
pub const MAX_CONTEXT_CHARS: usize = 400;
/// The default number of responses collected per datapoint.
///
/// ```
/// assert_eq!(rapidata::job::DEFAULT_RESPONSES_PER_DATAPOINT, 10);
/// ```
pub const DEFAULT_RESPONSES_PER_DATAPOINT: u32 = 10;
/// The default overall time allowed for uploading a definition's URL assets.
///
/// ```
/// assert_eq!(rapidata::job::DEFAULT_UPLOAD_TIMEOUT.as_secs(), 1800);
/// ```
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Definitions listed to tell whether a create whose answer was lost was carried out.
const RECONCILE_PAGE_SIZE: i64 = 100;

/// What kind of task a definition asks for, with its task-specific fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TaskSpec {
    Compare {
        instruction: String,
        a_b_names: Option<[String; 2]>,
    },
    /// The answer options travel with each datapoint (`answer_options` segment).
    Classification { instruction: String },
    /// A free-text answer to `instruction` (see `free_text`).
    FreeText { instruction: String },
    /// Taps on what `instruction` names (see `media_kinds`).
    Locate { instruction: String },
    /// Lines drawn over what `instruction` names (see `media_kinds`).
    Draw { instruction: String },
    /// Moments of a video or audio that `instruction` names (see `media_kinds`).
    Timestamp { instruction: String },
    /// Pairwise comparisons within groups (see `ranking`): a `GroupedRankingWorkflow`.
    Ranking(ranking::RankingTask),
    /// Words of each datapoint's sentence picked by `instruction` (see `select_words`).
    SelectWords { instruction: String },
}

/// Everything `POST /job/definition` needs besides the dataset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DefinitionSpec {
    pub(crate) name: String,
    pub(crate) task: TaskSpec,
    pub(crate) referee: types::IReferee,
    pub(crate) rapid_flags: Vec<types::FeatureFlag>,
    pub(crate) campaign_flags: Vec<types::FeatureFlag>,
    pub(crate) failure_tolerance: f64,
    pub(crate) upload_timeout: Duration,
    /// The datapoint groups to create (`POST /dataset/{id}/group`) before the definition:
    /// a ranking's lists, with their contexts. Empty for the other kinds.
    pub(crate) groups: Vec<ranking::GroupSpec>,
}

/// The dataset schema of `POST /dataset`: `None` (sent as null) when the task needs only
/// the default segments, else the default ones (asset, context, media context) plus the
/// task's own (`answer_options` for classification, `transcription` for select words),
/// as the official SDK declares them.
pub(crate) fn dataset_schema(task: &TaskSpec) -> Option<Vec<types::DatasetSegmentDefinition>> {
    let key = match task {
        TaskSpec::Compare { .. }
        | TaskSpec::FreeText { .. }
        | TaskSpec::Locate { .. }
        | TaskSpec::Draw { .. }
        | TaskSpec::Timestamp { .. }
        | TaskSpec::Ranking(_) => return None,
        TaskSpec::Classification { .. } => segment::ANSWER_OPTIONS,
        TaskSpec::SelectWords { .. } => segment::TRANSCRIPTION,
    };
    schema_with_segments(&[key])
}

/// The dataset schema declaring the default segments plus `required` (workflow segment
/// keys: `answer_options`, `transcription`; sorted, each required), `None` when `required`
/// is empty, as the official SDK builds it. Unknown keys are left out.
pub(crate) fn schema_with_segments(
    required: &[&str],
) -> Option<Vec<types::DatasetSegmentDefinition>> {
    let definition = |key: &str, label: &str, kind, required, max_length: Option<i32>| {
        types::DatasetSegmentDefinition {
            label: Some(Some(label.to_owned())),
            max_length: max_length.map(Some),
            ..types::DatasetSegmentDefinition::new(key.to_owned(), kind, required)
        }
    };
    if required.is_empty() {
        return None;
    }
    let mut keys = required.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let mut schema = vec![
        definition(
            segment::ASSET,
            "Asset",
            types::DatasetSegmentKind::Asset,
            true,
            None,
        ),
        definition(
            segment::CONTEXT,
            "Context",
            types::DatasetSegmentKind::Text,
            false,
            Some(MAX_CONTEXT_CHARS as i32),
        ),
        definition(
            segment::CONTEXT_ASSET,
            "Context asset",
            types::DatasetSegmentKind::Asset,
            false,
            None,
        ),
    ];
    for key in keys {
        let (label, kind) = match key {
            segment::ANSWER_OPTIONS => ("Answer options", types::DatasetSegmentKind::OptionList),
            segment::TRANSCRIPTION => ("Transcription", types::DatasetSegmentKind::Text),
            _ => continue,
        };
        schema.push(definition(key, label, kind, true, None));
    }
    Some(schema)
}

/// A text bound to a literal.
fn literal(text: &str) -> types::TextBinding {
    types::TextBinding {
        literal: Some(Some(text.to_owned())),
        ..types::TextBinding::new()
    }
}

/// The binding of a rapid's asset to the datapoint's `asset` segment.
fn asset_binding() -> types::AssetBinding {
    types::AssetBinding::new(segment::ASSET.to_owned())
}

/// The definition's workflow: a `SimpleWorkflow` whose `rapid` spec binds its fields to
/// literals (the instruction) or to dataset segments (the asset, the answer options), or
/// a ranking's `GroupedRankingWorkflow`.
pub(crate) fn workflow(task: &TaskSpec) -> types::IOrderWorkflowInput {
    let rapid = match task {
        TaskSpec::Compare {
            instruction,
            a_b_names,
        } => types::IRapidSpecCompareRapidSpec {
            index_identifiers: Some(a_b_names.as_ref().map(|n| n.to_vec())),
            ..types::IRapidSpecCompareRapidSpec::new(asset_binding(), literal(instruction))
        }
        .into(),
        TaskSpec::Classification { instruction } => types::IRapidSpecClassifyRapidSpec::new(
            asset_binding(),
            types::OptionsBinding {
                segment: Some(Some(segment::ANSWER_OPTIONS.to_owned())),
                ..types::OptionsBinding::new()
            },
            literal(instruction),
        )
        .into(),
        TaskSpec::FreeText { instruction } => free_text::rapid_spec(instruction),
        TaskSpec::Locate { .. } | TaskSpec::Draw { .. } | TaskSpec::Timestamp { .. } => {
            media_kinds::rapid_spec(task).expect("a media kind")
        }
        TaskSpec::Ranking(r) => return ranking::workflow(r),
        TaskSpec::SelectWords { instruction } => select_words::rapid_spec(instruction),
    };
    types::IOrderWorkflowInputSimpleWorkflowInput {
        rapid: Some(Some(rapid)),
        ..types::IOrderWorkflowInputSimpleWorkflowInput::new()
    }
    .into()
}

/// The body of `POST /job/definition`: the task's [`workflow`], referee and flags.
pub(crate) fn definition_body(
    spec: &DefinitionSpec,
    dataset_id: &str,
) -> types::CreateJobDefinitionEndpointInput {
    types::CreateJobDefinitionEndpointInput {
        campaign_feature_flags: spec.campaign_flags.clone(),
        rapid_feature_flags: spec.rapid_flags.clone(),
        ..types::CreateJobDefinitionEndpointInput::new(
            dataset_id.to_owned(),
            spec.name.clone(),
            spec.referee.clone(),
            workflow(&spec.task),
        )
    }
}

/// Options shared by both definition builders.
#[derive(Debug, Clone)]
struct Common {
    contexts: Option<Vec<String>>,
    media_contexts: Option<Vec<DataItem>>,
    responses_per_datapoint: u32,
    confidence_threshold: Option<f64>,
    quorum_threshold: Option<u32>,
    settings: Vec<Setting>,
    private_metadata: Option<Vec<BTreeMap<String, String>>>,
    failure_tolerance: f64,
    upload_timeout: Duration,
    /// Where creating reports its progress; `None`: bars on a terminal, nothing elsewhere.
    reporter: Option<SharedReporter>,
}

impl Default for Common {
    fn default() -> Self {
        Common {
            contexts: None,
            media_contexts: None,
            responses_per_datapoint: DEFAULT_RESPONSES_PER_DATAPOINT,
            confidence_threshold: None,
            quorum_threshold: None,
            settings: Vec::new(),
            private_metadata: None,
            failure_tolerance: 0.0,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            reporter: None,
        }
    }
}

impl Common {
    /// The reporter of the create: the one set, or bars when standard error is a terminal.
    fn reporter(&self) -> SharedReporter {
        self.reporter
            .clone()
            .unwrap_or_else(SharedReporter::default_bars)
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

impl Common {
    /// Checks everything that does not depend on the task type and builds the referee,
    /// the feature flags and the datapoint specs.
    fn validate(
        &self,
        name: &str,
        instruction: &str,
        items: Vec<Vec<DataItem>>,
        task: TaskSpec,
    ) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("name", name, "must not be empty"));
        }
        if instruction.trim().is_empty() {
            return Err(Error::invalid_input(
                "instruction",
                instruction,
                "must not be empty",
            ));
        }
        if chars(instruction) > MAX_INSTRUCTION_CHARS {
            return Err(Error::invalid_input(
                "instruction",
                instruction,
                format!(
                    "is {} characters long; the API accepts at most {MAX_INSTRUCTION_CHARS}",
                    chars(instruction)
                ),
            ));
        }
        let datapoints = datapoint_specs(
            items,
            self.contexts.as_deref(),
            self.media_contexts.as_deref(),
            self.private_metadata.as_deref(),
        )?;
        if self.responses_per_datapoint == 0 || self.responses_per_datapoint > i32::MAX as u32 {
            return Err(Error::invalid_input(
                "responses_per_datapoint",
                self.responses_per_datapoint,
                "must be at least 1",
            ));
        }
        let max_votes = self.responses_per_datapoint as i32;
        let referee = match (self.confidence_threshold, self.quorum_threshold) {
            (Some(c), Some(q)) => {
                return Err(Error::invalid_input(
                    "confidence_threshold",
                    (c, q),
                    "confidence_threshold and quorum_threshold are mutually exclusive; set \
                     one of them",
                ))
            }
            (Some(t), None) => {
                if !(t > 0.0 && t < 1.0) {
                    return Err(Error::invalid_input(
                        "confidence_threshold",
                        t,
                        "must be between 0 and 1 (exclusive), e.g. 0.99",
                    ));
                }
                types::IRefereeEarlyStoppingReferee::new(max_votes, t).into()
            }
            (None, Some(q)) => {
                if q == 0 || q > self.responses_per_datapoint {
                    return Err(Error::invalid_input(
                        "quorum_threshold",
                        q,
                        format!(
                            "must be between 1 and responses_per_datapoint ({})",
                            self.responses_per_datapoint
                        ),
                    ));
                }
                types::IRefereeQuorumReferee::new(max_votes, q as i32).into()
            }
            (None, None) => types::IRefereeNaiveReferee::new(max_votes).into(),
        };
        if !(0.0..=1.0).contains(&self.failure_tolerance) {
            return Err(Error::invalid_input(
                "failure_tolerance",
                self.failure_tolerance,
                "must be a share between 0 and 1",
            ));
        }
        let (rapid_flags, campaign_flags) = split_feature_flags(&self.settings);
        let spec = DefinitionSpec {
            name: name.to_owned(),
            task,
            referee,
            rapid_flags,
            campaign_flags,
            failure_tolerance: self.failure_tolerance,
            upload_timeout: self.upload_timeout,
            groups: Vec::new(),
        };
        Ok((spec, datapoints))
    }
}

/// Checks the datapoints and their per-datapoint inputs that every kind shares (at least
/// one datapoint, one context / media context / metadata map per datapoint, contexts at
/// most 400 characters, media contexts media, every item valid) and builds their specs.
/// Used by the definition builders and by `JobDefinition::set_datapoints`.
pub(crate) fn datapoint_specs(
    items: Vec<Vec<DataItem>>,
    contexts: Option<&[String]>,
    media_contexts: Option<&[DataItem]>,
    private_metadata: Option<&[BTreeMap<String, String>]>,
) -> Result<Vec<DatapointSpec>> {
    let n = items.len();
    if n == 0 {
        return Err(Error::invalid_input(
            "datapoints",
            "[]",
            "at least one datapoint is needed",
        ));
    }
    let check_len = |argument: &str, len: Option<usize>| -> Result<()> {
        match len {
            Some(len) if len != n => Err(Error::invalid_input(
                argument,
                format!("{len} entries"),
                format!("needs exactly one entry per datapoint ({n})"),
            )),
            _ => Ok(()),
        }
    };
    check_len("contexts", contexts.map(<[_]>::len))?;
    check_len("media_contexts", media_contexts.map(<[_]>::len))?;
    check_len("private_metadata", private_metadata.map(<[_]>::len))?;
    check_contexts(contexts.unwrap_or_default())?;
    check_media_contexts(media_contexts.unwrap_or_default())?;
    for (i, dp) in items.iter().enumerate() {
        for (j, item) in dp.iter().enumerate() {
            let argument = if dp.len() == 1 {
                format!("datapoints[{i}]")
            } else {
                format!("datapoints[{i}][{j}]")
            };
            item.validate(&argument)?;
        }
    }
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, items)| DatapointSpec {
            index: i,
            items,
            context: contexts.map(|c| c[i].clone()),
            media_context: media_contexts.map(|m| m[i].clone()),
            answer_options: None,
            private_metadata: private_metadata.map(|m| m[i].clone()),
            group: None,
            sentence: None,
        })
        .collect())
}

/// Checks the text contexts (argument `contexts[i]`): at most 400 characters each.
fn check_contexts(contexts: &[String]) -> Result<()> {
    for (i, c) in contexts.iter().enumerate() {
        if chars(c) > MAX_CONTEXT_CHARS {
            return Err(Error::invalid_input(
                format!("contexts[{i}]"),
                c,
                format!(
                    "is {} characters long; the API accepts at most \
                     {MAX_CONTEXT_CHARS}. Shorten it yourself, or have the server \
                     do it with JobManager::shorten_contexts before creating the \
                     definition",
                    chars(c)
                ),
            ));
        }
    }
    Ok(())
}

/// Checks the media contexts (argument `media_contexts[i]`): media only, each valid.
fn check_media_contexts(media: &[DataItem]) -> Result<()> {
    for (i, m) in media.iter().enumerate() {
        let argument = format!("media_contexts[{i}]");
        if !m.is_media() {
            return Err(Error::invalid_input(
                argument,
                m.to_string(),
                "a media context must be a URL or a file, not a text (use contexts)",
            ));
        }
        m.validate(&argument)?;
    }
    Ok(())
}

/// Refuses text datapoints for a kind whose labelers work on media (`task` names it in
/// the error): locate and draw need something to tap or draw on.
pub(crate) fn require_media(argument: &str, items: &[DataItem], task: &str) -> Result<()> {
    match items.iter().position(|d| !d.is_media()) {
        Some(i) => Err(Error::invalid_input(
            format!("{argument}[{i}]"),
            items[i].to_string(),
            format!("{task} needs media (an image, video or audio: a URL or a file), not a text"),
        )),
        None => Ok(()),
    }
}

/// Creates the dataset, uploads every datapoint and creates the definition.
fn create_definition(
    client: &Client,
    spec: DefinitionSpec,
    datapoints: Vec<DatapointSpec>,
    reporter: SharedReporter,
) -> Result<JobDefinition> {
    let datapoints = Arc::new(datapoints);
    let todo: Vec<(&DatapointSpec, bool)> = datapoints.iter().map(|d| (d, false)).collect();
    // The dataset is created, and the definitions of this name are listed (see `finish`),
    // as tasks of the upload pipeline: datapoints whose assets are ready wait only for the
    // dataset, and neither request adds a thread beyond `max_workers`.
    let existing = Mutex::new(None);
    let create_dataset = || {
        // Repeating `POST /dataset` after a lost answer at worst leaves an empty dataset
        // that nothing refers to, so every transient failure is retried.
        client
            .send_with(
                &operations::PostDataset::new(types::CreateDatasetEndpointInput {
                    schema: Some(dataset_schema(&spec.task)),
                    ..types::CreateDatasetEndpointInput::new(format!("{}_dataset", spec.name))
                }),
                SendOptions::new().retry_mode(RetryMode::Always),
            )
            .map(|out| out.dataset_id)
    };
    let list = || *lock(&existing) = Some(existing_definitions(client, &spec.name));
    let uploaded = upload::upload_datapoints(
        client,
        upload::Dataset::Create(Box::new(create_dataset)),
        &todo,
        spec.upload_timeout,
        &reporter,
        Some(Box::new(list)),
    )?;
    let existing = listed(existing);
    let pending = PendingDefinition {
        client: client.clone(),
        spec: Arc::new(spec),
        dataset_id: uploaded.dataset_id,
        datapoints: datapoints.clone(),
        todo: Arc::new(Mutex::new(None)),
        attempts: Arc::default(),
        reporter,
    };
    let mut attempts = pending.attempts();
    pending.finish(&mut attempts, uploaded.failures, existing)
}

/// What the listing run alongside the upload found (it always runs: the pipeline runs
/// every queued task).
fn listed(slot: Mutex<Option<Result<HashSet<String>>>>) -> Result<HashSet<String>> {
    slot.into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(|| {
            Err(Error::invalid_input(
                "job definition",
                "",
                "the listing of definitions did not run",
            ))
        })
}

/// The ids of the newest job definitions named `name`: taken before `POST /job/definition`
/// so that, if its answer is lost, listing them again tells whether it was created (see
/// `crate::reconcile`).
fn existing_definitions(client: &Client, name: &str) -> Result<HashSet<String>> {
    let mut op = operations::GetJobDefinitions::new();
    op.page = Some(1);
    op.page_size = Some(RECONCILE_PAGE_SIZE);
    op.sort = vec!["-created_at".to_owned()];
    op.name = Some(QueryFilter::eq(name));
    let out = client.send(&op)?;
    Ok(out.items.into_iter().map(|d| d.definition_id).collect())
}

/// Whether the definition `id` (found by name after a lost `POST /job/definition`) is the
/// one we created: its first revision must hold our dataset. Another client creating a
/// definition of the same name meanwhile has its own dataset.
fn judge_definition(client: &Client, id: &str, dataset_id: &str) -> Result<Verdict> {
    let revision = client
        .send(&operations::GetJobDefinitionByDefinitionIdRevisionByRevisionNumber::new(id, 1))?;
    Ok(if revision.dataset_id == dataset_id {
        Verdict::Ours
    } else {
        Verdict::NotOurs(format!(
            "its dataset is {}, not ours ({dataset_id})",
            revision.dataset_id
        ))
    })
}

/// Setters of the text and media contexts shown next to each datapoint.
macro_rules! context_setters {
    ($builder:ident, $setup:literal) => {
        impl $builder {
            #[doc = "One text context per datapoint, shown next to it (at most 400 characters each)."]
            ///
            /// A context over the limit is refused before any request is sent; use
            /// [`JobManager::shorten_contexts`](crate::job::JobManager::shorten_contexts) to have
            /// the server shorten long contexts first.
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder
            ///     .contexts(vec!["A small blue book sitting on a large red book.".to_owned()])
            ///     .create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn contexts<I, S>(mut self, contexts: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.common.contexts = Some(contexts.into_iter().map(Into::into).collect());
                self
            }
            /// One media context (image, video, audio: URL or file) per datapoint, shown
            /// next to it. Sent as `contextAsset`.
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder
            ///     .media_contexts(["https://example.com/reference.jpg"])
            ///     .create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn media_contexts<I, D>(mut self, media: I) -> Self
            where
                I: IntoIterator<Item = D>,
                D: Into<$crate::DataItem>,
            {
                self.common.media_contexts = Some(media.into_iter().map(Into::into).collect());
                self
            }
        }
    };
}

/// The setter of the number of responses per datapoint.
macro_rules! responses_setter {
    ($builder:ident, $setup:literal) => {
        impl $builder {
            /// How many responses to collect per datapoint (default 10). With a
            /// confidence or quorum threshold this is the maximum.
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder.responses_per_datapoint(25).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn responses_per_datapoint(mut self, n: u32) -> Self {
                self.common.responses_per_datapoint = n;
                self
            }
        }
    };
}

/// Setters of the early-stopping rules (only for kinds whose answers can agree).
macro_rules! referee_setters {
    ($builder:ident, $setup:literal) => {
        impl $builder {
            /// Stop collecting responses for a datapoint once the answer is this certain
            /// (0 < t < 1, e.g. 0.99): an `EarlyStoppingReferee`. Cannot be combined with
            /// [`quorum_threshold`](Self::quorum_threshold).
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder.responses_per_datapoint(20).confidence_threshold(0.99).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn confidence_threshold(mut self, threshold: f64) -> Self {
                self.common.confidence_threshold = Some(threshold);
                self
            }
            /// Stop collecting responses for a datapoint once this many agree (1 ≤ q ≤
            /// responses per datapoint): a `QuorumReferee`. Cannot be combined with
            /// [`confidence_threshold`](Self::confidence_threshold).
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder.responses_per_datapoint(10).quorum_threshold(7).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn quorum_threshold(mut self, quorum: u32) -> Self {
                self.common.quorum_threshold = Some(quorum);
                self
            }
        }
    };
}

/// The setter of per-datapoint private metadata.
macro_rules! metadata_setter {
    ($builder:ident, $setup:literal) => {
        impl $builder {
            /// One map of private metadata per datapoint: kept with the datapoint and
            /// returned in the results, never shown to labelers. An empty map is sent as
            /// `null`.
            ///
            /// ```no_run
            #[doc = $setup]
            /// use std::collections::BTreeMap;
            /// let meta = BTreeMap::from([("source".to_owned(), "batch-7".to_owned())]);
            /// let definition = builder.private_metadata(vec![meta]).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn private_metadata(
                mut self,
                metadata: Vec<::std::collections::BTreeMap<String, String>>,
            ) -> Self {
                self.common.private_metadata = Some(metadata);
                self
            }
        }
    };
}

/// Setters every definition builder has: settings, failure tolerance, upload timeout, progress.
macro_rules! base_setters {
    ($builder:ident, $setup:literal) => {
        impl $builder {
            /// Settings that change how the task is shown (sent as feature flags).
            ///
            /// ```no_run
            #[doc = $setup]
            /// use rapidata::Setting;
            /// let definition = builder.settings([Setting::no_shuffle()]).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn settings(mut self, settings: impl IntoIterator<Item = $crate::Setting>) -> Self {
                self.common.settings = settings.into_iter().collect();
                self
            }
            /// The largest share of datapoints (0–1, default 0) that may fail to upload
            /// while the definition is still created without them.
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder.failure_tolerance(0.05).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn failure_tolerance(mut self, share: f64) -> Self {
                self.common.failure_tolerance = share;
                self
            }
            /// How long uploading the URL assets may take in all (default 30 minutes);
            /// URLs still pending then count as failed datapoints.
            ///
            /// ```no_run
            #[doc = $setup]
            /// use std::time::Duration;
            /// let definition = builder.upload_timeout(Duration::from_secs(600)).create()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn upload_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.common.upload_timeout = timeout;
                self
            }
            /// Where creating the definition reports its progress (stages
            /// [`Stage::Assets`](crate::job::Stage::Assets), [`Stage::Datapoints`](crate::job::Stage::Datapoints), [`Stage::Definition`](crate::job::Stage::Definition); see
            /// [`ProgressEvent`](crate::job::ProgressEvent) for the order of the events). The
            /// reporter is kept: [`PendingDefinition::retry`](crate::job::PendingDefinition::retry) and the definition's
            /// [`cost_estimate`](crate::job::JobDefinition::cost_estimate) report to it too.
            ///
            /// By default, one bar per stage on standard error when it is a terminal
            /// ([`ProgressBars`](crate::job::ProgressBars)), nothing otherwise; `()` reports
            /// nothing anywhere.
            ///
            /// ```no_run
            #[doc = $setup]
            /// let (tx, rx) = std::sync::mpsc::channel::<rapidata::job::ProgressEvent>();
            /// let definition = builder.progress(tx).create()?;
            /// for event in rx.try_iter() {
            ///     println!("{} {:?} {}/{:?}", event.stage, event.kind, event.done, event.total);
            /// }
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn progress(mut self, reporter: impl $crate::job::Reporter + 'static) -> Self {
                self.common.reporter = Some($crate::job::progress::SharedReporter::new(reporter));
                self
            }
        }
    };
}

/// Every setter: the compare and classification builders have them all.
macro_rules! common_setters {
    ($builder:ident, $setup:literal) => {
        context_setters!($builder, $setup);
        responses_setter!($builder, $setup);
        referee_setters!($builder, $setup);
        metadata_setter!($builder, $setup);
        base_setters!($builder, $setup);
    };
}

// The other kinds' builders, each in its own file; declared after the setter macros so
// they can use them.
mod free_text;
mod media_kinds;
mod ranking;
mod select_words;
mod single;

pub use free_text::FreeTextDefinitionBuilder;
pub use media_kinds::{DrawDefinitionBuilder, LocateDefinitionBuilder, TimestampDefinitionBuilder};
pub use ranking::{RankingDefinitionBuilder, FULL_PERMUTATION_MAX_ITEMS};
pub(crate) use select_words::check_sentences;
pub use select_words::SelectWordsDefinitionBuilder;

/// Builder for a compare (A/B) job definition; from
/// [`JobManager::create_compare_job_definition`](super::JobManager::create_compare_job_definition).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let definition = client
///     .job()
///     .create_compare_job_definition(
///         "Prompt Alignment Job",
///         "Which image follows the prompt more accurately?",
///         [["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]],
///     )
///     .contexts(["A small blue book sitting on a large red book."])
///     .create()?;
/// definition.preview();
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct CompareDefinitionBuilder {
    client: Client,
    name: String,
    instruction: String,
    datapoints: Vec<[DataItem; 2]>,
    a_b_names: Option<[String; 2]>,
    common: Common,
}

common_setters!(
    CompareDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_compare_job_definition(\"n\", \"Which is better?\", [[\"a.jpg\", \"b.jpg\"]]);"
);

impl CompareDefinitionBuilder {
    pub(crate) fn new(
        client: Client,
        name: String,
        instruction: String,
        datapoints: Vec<[DataItem; 2]>,
    ) -> Self {
        CompareDefinitionBuilder {
            client,
            name,
            instruction,
            datapoints,
            a_b_names: None,
            common: Common::default(),
        }
    }

    /// Names for the two sides (e.g. the two models), used in the results summary
    /// (`indexIdentifiers`).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]])
    ///     .a_b_names(["Model A", "Model B"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn a_b_names(mut self, names: [impl Into<String>; 2]) -> Self {
        let [a, b] = names;
        self.a_b_names = Some([a.into(), b.into()]);
        self
    }

    /// Validates everything (no request on bad input), then creates the dataset, uploads
    /// the assets and datapoints, and creates the definition.
    ///
    /// Fails with [`Error::InvalidInput`] before any request when an argument is wrong
    /// (among others: a pair whose two items have the same
    /// [`identifier`](crate::DataItem::identifier), such as `model_a/0001.png` against
    /// `model_b/0001.png`, since the results could not tell A from B; rename or copy one),
    /// and with [`Error::UploadFailed`] (no definition created, resumable) when more
    /// datapoints failed than the failure tolerance allows.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]])
    ///     .create()?;
    /// println!("{}", definition.id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let (spec, datapoints) = self.validate()?;
        create_definition(&self.client, spec, datapoints, self.common.reporter())
    }

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        if let Some(names) = &self.a_b_names {
            for (i, n) in names.iter().enumerate() {
                if n.trim().is_empty() {
                    return Err(Error::invalid_input(
                        format!("a_b_names[{i}]"),
                        n,
                        "must not be empty",
                    ));
                }
            }
        }
        check_pairs(&self.datapoints)?;
        let items = self.datapoints.iter().map(|p| p.to_vec()).collect();
        self.common.validate(
            &self.name,
            &self.instruction,
            items,
            TaskSpec::Compare {
                instruction: self.instruction.clone(),
                a_b_names: self.a_b_names.clone(),
            },
        )
    }
}

/// Checks compare pairs (argument `datapoints[i]`): two different items that the results
/// can tell apart (different [`identifier`](DataItem::identifier)s).
pub(crate) fn check_pairs(pairs: &[[DataItem; 2]]) -> Result<()> {
    for (i, [a, b]) in pairs.iter().enumerate() {
        if a == b {
            return Err(Error::invalid_input(
                format!("datapoints[{i}]"),
                a.to_string(),
                "a compare datapoint needs two different items",
            ));
        }
        // The results key each side's votes by its identifier (a file's base name), so
        // `model_a/0001.png` against `model_b/0001.png` would pool both sides' votes
        // under `0001.png`, and the winner could not be told.
        let id = a.identifier();
        if id == b.identifier() {
            return Err(Error::invalid_input(
                format!("datapoints[{i}]"),
                format!("{a} / {b}"),
                format!(
                    "both items are identified as {id:?} in the results (files by their \
                     base name), so the results could not tell A from B: rename or copy \
                     one of them to a file with another name (e.g. a_{id} and b_{id})"
                ),
            ));
        }
    }
    Ok(())
}

/// The answer options of a classification definition: the same for every datapoint, or
/// one list per datapoint (matched by position). Each datapoint needs 2 to
/// [`MAX_ANSWER_OPTIONS`] unique, non-empty options.
///
/// Arrays, vectors and slices of strings convert into shared options; build per-datapoint
/// options with [`AnswerOptions::per_datapoint`].
///
/// ```
/// use rapidata::job::AnswerOptions;
///
/// let shared: AnswerOptions = ["Cat", "Dog"].into();
/// let own = AnswerOptions::per_datapoint([vec!["Cat", "Dog"], vec!["Cat", "Dog", "Bird"]]);
/// assert_eq!(shared.for_datapoint(1), Some(&["Cat".to_owned(), "Dog".to_owned()][..]));
/// assert_eq!(own.for_datapoint(1).map(|o| o.len()), Some(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOptions {
    /// The same options for every datapoint.
    Shared(Vec<String>),
    /// One list of options per datapoint, in datapoint order.
    PerDatapoint(Vec<Vec<String>>),
}

/// The most answer options a classification datapoint may have.
///
/// ```
/// assert_eq!(rapidata::job::MAX_ANSWER_OPTIONS, 8);
/// ```
pub const MAX_ANSWER_OPTIONS: usize = 8;

impl AnswerOptions {
    /// One list of options per datapoint, matched by position.
    ///
    /// ```
    /// let options = rapidata::job::AnswerOptions::per_datapoint([["Yes", "No"], ["Red", "Blue"]]);
    /// assert!(matches!(options, rapidata::job::AnswerOptions::PerDatapoint(_)));
    /// ```
    pub fn per_datapoint<L, O>(lists: L) -> AnswerOptions
    where
        L: IntoIterator<Item = O>,
        O: IntoIterator,
        O::Item: Into<String>,
    {
        AnswerOptions::PerDatapoint(
            lists
                .into_iter()
                .map(|l| l.into_iter().map(Into::into).collect())
                .collect(),
        )
    }

    /// The options of the datapoint at `index` (`None` past the end of per-datapoint
    /// lists).
    ///
    /// ```
    /// let options: rapidata::job::AnswerOptions = vec!["A", "B"].into();
    /// assert_eq!(options.for_datapoint(7).unwrap().len(), 2);
    /// ```
    pub fn for_datapoint(&self, index: usize) -> Option<&[String]> {
        match self {
            AnswerOptions::Shared(o) => Some(o),
            AnswerOptions::PerDatapoint(lists) => lists.get(index).map(Vec::as_slice),
        }
    }

    /// Checks the options for `n` datapoints (argument `answer_options`).
    pub(super) fn validate(&self, n: usize) -> Result<()> {
        let check = |argument: String, options: &[String]| -> Result<()> {
            if options.len() < 2 || options.len() > MAX_ANSWER_OPTIONS {
                return Err(Error::invalid_input(
                    argument,
                    options,
                    format!(
                        "needs between 2 and {MAX_ANSWER_OPTIONS} answer options, got {}",
                        options.len()
                    ),
                ));
            }
            for (i, o) in options.iter().enumerate() {
                if o.trim().is_empty() {
                    return Err(Error::invalid_input(
                        format!("{argument}[{i}]"),
                        o,
                        "must not be empty",
                    ));
                }
                if options[..i].contains(o) {
                    return Err(Error::invalid_input(
                        format!("{argument}[{i}]"),
                        o,
                        "answer options must be unique",
                    ));
                }
            }
            Ok(())
        };
        match self {
            AnswerOptions::Shared(o) => check("answer_options".to_owned(), o),
            AnswerOptions::PerDatapoint(lists) => {
                if lists.len() != n {
                    return Err(Error::invalid_input(
                        "answer_options",
                        format!("{} lists", lists.len()),
                        format!(
                            "per-datapoint answer options need exactly one list per datapoint ({n})"
                        ),
                    ));
                }
                lists
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, o)| check(format!("answer_options[{i}]"), o))
            }
        }
    }
}

impl<S: Into<String>, const N: usize> From<[S; N]> for AnswerOptions {
    fn from(options: [S; N]) -> Self {
        AnswerOptions::Shared(options.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>> From<Vec<S>> for AnswerOptions {
    fn from(options: Vec<S>) -> Self {
        AnswerOptions::Shared(options.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String> + Clone> From<&[S]> for AnswerOptions {
    fn from(options: &[S]) -> Self {
        AnswerOptions::Shared(options.iter().cloned().map(Into::into).collect())
    }
}

/// Builder for a classification job definition; from
/// [`JobManager::create_classification_job_definition`](super::JobManager::create_classification_job_definition).
///
/// The answer options travel with each datapoint (the API's `answer_options` segment), so
/// they may differ per datapoint: see [`AnswerOptions`].
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let definition = client
///     .job()
///     .create_classification_job_definition(
///         "Animals",
///         "What animal is in the image?",
///         ["Cat", "Dog"],
///         ["https://example.com/1.jpg", "https://example.com/2.jpg"],
///     )
///     .confidence_threshold(0.99)
///     .create()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct ClassificationDefinitionBuilder {
    client: Client,
    name: String,
    instruction: String,
    options: AnswerOptions,
    datapoints: Vec<DataItem>,
    common: Common,
}

common_setters!(
    ClassificationDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_classification_job_definition(\"n\", \"What is it?\", [\"Cat\", \"Dog\"], [\"a.jpg\"]);"
);

impl ClassificationDefinitionBuilder {
    pub(crate) fn new(
        client: Client,
        name: String,
        instruction: String,
        options: AnswerOptions,
        datapoints: Vec<DataItem>,
    ) -> Self {
        ClassificationDefinitionBuilder {
            client,
            name,
            instruction,
            options,
            datapoints,
            common: Common::default(),
        }
    }

    /// Validates everything (no request on bad input), then creates the dataset, uploads
    /// the assets and datapoints, and creates the definition.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_classification_job_definition("n", "What is it?", ["Cat", "Dog"], ["a.jpg"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let (spec, datapoints) = self.validate()?;
        create_definition(&self.client, spec, datapoints, self.common.reporter())
    }

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        self.options.validate(self.datapoints.len())?;
        let items = self.datapoints.iter().map(|d| vec![d.clone()]).collect();
        let (spec, mut datapoints) = self.common.validate(
            &self.name,
            &self.instruction,
            items,
            TaskSpec::Classification {
                instruction: self.instruction.clone(),
            },
        )?;
        for dp in &mut datapoints {
            dp.answer_options = self.options.for_datapoint(dp.index).map(<[String]>::to_vec);
        }
        Ok((spec, datapoints))
    }
}

/// Too many datapoints of a new job definition failed, so no definition was created.
///
/// Holds every failure and a [`PendingDefinition`] that re-sends only the failed
/// datapoints into the same dataset and then creates the definition.
///
/// ```no_run
/// # fn demo(client: rapidata::Client) -> rapidata::Result<()> {
/// let result = client
///     .job()
///     .create_compare_job_definition(
///         "Prompt alignment",
///         "Which image follows the prompt more accurately?",
///         [["https://example.com/a1.jpg", "https://example.com/b1.jpg"]],
///     )
///     .create();
/// let definition = match result {
///     Ok(d) => d,
///     Err(rapidata::Error::UploadFailed(failure)) => {
///         for f in failure.failures() {
///             eprintln!("{f}");
///         }
///         failure.retry()?
///     }
///     Err(e) => return Err(e),
/// };
/// # Ok(()) }
/// ```
pub struct UploadFailure {
    pub(crate) failures: Vec<FailedDatapoint>,
    pub(crate) total: usize,
    pub(crate) tolerance: f64,
    pub(crate) pending: PendingDefinition,
}

impl UploadFailure {
    /// Every failed datapoint, by index.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) {
    /// for failed in f.failures() { println!("{} {}", failed.index, failed.reason); }
    /// # }
    /// ```
    pub fn failures(&self) -> &[FailedDatapoint] {
        &self.failures
    }

    /// Number of datapoints in the definition.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) { println!("{}/{}", f.failures().len(), f.total()); }
    /// ```
    pub fn total(&self) -> usize {
        self.total
    }

    /// The dataset the successful datapoints are in (reused by [`UploadFailure::retry`]).
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) { println!("{}", f.dataset_id()); }
    /// ```
    pub fn dataset_id(&self) -> &str {
        self.pending.dataset_id()
    }

    /// The unfinished definition.
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) { println!("{:?}", f.pending()); }
    /// ```
    pub fn pending(&self) -> &PendingDefinition {
        &self.pending
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
        self.pending
    }

    /// Sends the failed datapoints again (into the same dataset), then creates the
    /// definition; see [`PendingDefinition::retry`].
    ///
    /// ```no_run
    /// # fn demo(f: &rapidata::job::UploadFailure) -> rapidata::Result<()> {
    /// let definition = f.retry()?;
    /// # Ok(()) }
    /// ```
    pub fn retry(&self) -> crate::Result<super::JobDefinition> {
        self.pending.retry()
    }
}

impl fmt::Debug for UploadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFailure")
            .field("failures", &self.failures)
            .field("total", &self.total)
            .field("tolerance", &self.tolerance)
            .field("dataset_id", &self.pending.dataset_id())
            .finish()
    }
}

impl fmt::Display for UploadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} datapoints of job definition `{}` failed (tolerance {}), so the \
             definition was not created; retry() re-sends only the failed ones into dataset {}",
            self.failures.len(),
            self.total,
            self.pending.name(),
            self.tolerance,
            self.pending.dataset_id()
        )?;
        for (i, failure) in self.failures.iter().enumerate() {
            if i == 5 {
                write!(f, "; …")?;
                break;
            }
            write!(f, "; {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UploadFailure {}

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

    fn attempts(&self) -> std::sync::MutexGuard<'_, Attempts> {
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
    fn finish(
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
            return Err(Error::UploadFailed(Box::new(UploadFailure {
                failures,
                total,
                tolerance: self.spec.failure_tolerance,
                pending: self.clone(),
            })));
        }
        for f in &failures {
            log::warn!("{f} (within the failure tolerance; left out of the definition)");
        }
        ranking::create_groups(
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

/// The cost estimate of a job definition.
///
/// ```no_run
/// # fn demo(d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
/// let e = d.cost_estimate(std::time::Duration::from_secs(300))?;
/// println!("{:.2} ({} datapoints × {:.3} per response)", e.estimated_cost, e.datapoint_count, e.cost_per_response);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct CostEstimate {
    /// The estimated total cost.
    pub estimated_cost: f64,
    /// The cost of one response.
    pub cost_per_response: f64,
    /// Number of datapoints.
    pub datapoint_count: i64,
    /// Number of responses to collect.
    pub required_responses: i64,
}

/// The answer of either cost-estimate endpoint (`GET /job/definition/{id}/cost-estimate`,
/// `GET /job/{id}/cost-estimate`), where an empty 200 body means "not ready". Both answer
/// the same four figures.
pub(super) struct EstimateOrNotReady;

impl Decoder for EstimateOrNotReady {
    type Output = Option<CostEstimate>;

    fn decode(bytes: &[u8]) -> std::result::Result<Self::Output, DecodeError> {
        if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
            return Ok(None);
        }
        // The job's answer (`GetJobCostEstimateEndpoint_Output`) has the same members.
        let out: types::GetJobDefinitionCostEstimateEndpointOutput = request::decode_json(bytes)?;
        Ok(Some(CostEstimate {
            estimated_cost: out.estimated_cost,
            cost_per_response: out.cost_per_response,
            datapoint_count: out.datapoint_count,
            required_responses: out.required_responses,
        }))
    }
}

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
    pub(crate) edit: super::revision::RevisionEdit,
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
        JobDefinition {
            client,
            id: out.definition_id,
            name: out.name,
            dataset_id: None,
            pipeline_id: None,
            definition_type: Some(out.definition_type),
            revision: None,
            reporter: None,
            edit: Default::default(),
        }
    }

    pub(crate) fn from_list_item(
        client: Client,
        out: types::QueryJobDefinitionsEndpointOutput,
    ) -> Self {
        JobDefinition {
            client,
            id: out.definition_id,
            name: out.name,
            dataset_id: None,
            pipeline_id: None,
            definition_type: Some(out.definition_type),
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
    /// [`cost_estimate`](Self::cost_estimate) ([`Stage::Estimating`]) to `reporter`.
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
    /// [`Error::Timeout`] when it is not ready in time.
    ///
    /// While it waits, it reports [`Stage::Estimating`] (no counts; `Finish` once the
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

/// Polls a cost-estimate endpoint until it answers, reporting [`Stage::Estimating`] to
/// `reporter` (bars on a terminal when `None`) once it had to wait; `what` names the
/// estimate's owner in a timeout.
pub(super) fn poll_cost_estimate<O: Operation>(
    client: &Client,
    op: &WithDecoder<O, EstimateOrNotReady>,
    what: &str,
    reporter: Option<SharedReporter>,
    options: WaitOptions,
) -> Result<CostEstimate> {
    // Started at the first answer that is not ready: no stage when none is waited for.
    let mut stage: Option<super::progress::StageReport> = None;
    let what = format!("the cost estimate of {what}");
    let estimate = poll_until(client, &options, &what, "not ready", || {
        match client.send(op) {
            Ok(Some(estimate)) => return Ok(Some(estimate)),
            Ok(None) => {}
            Err(e) if e.status() == Some(409) => {}
            Err(e) => return Err(e),
        }
        match &stage {
            None => {
                let reporter = reporter
                    .clone()
                    .unwrap_or_else(SharedReporter::default_bars);
                stage = Some(reporter.start(Stage::Estimating, None));
            }
            Some(stage) => stage.tick(),
        }
        Ok(None)
    })?;
    if let Some(stage) = &stage {
        stage.finish();
    }
    Ok(estimate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(task: TaskSpec, referee: types::IReferee, settings: &[Setting]) -> DefinitionSpec {
        let (rapid_flags, campaign_flags) = split_feature_flags(settings);
        DefinitionSpec {
            name: "n".into(),
            task,
            referee,
            rapid_flags,
            campaign_flags,
            failure_tolerance: 0.0,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            groups: Vec::new(),
        }
    }

    #[test]
    fn compare_definition_body_matches_the_wire_reference() {
        let s = spec(
            TaskSpec::Compare {
                instruction: "Which image matches the description better?".into(),
                a_b_names: None,
            },
            types::IRefereeEarlyStoppingReferee::new(10, 0.99).into(),
            &[Setting::allow_neither_both()],
        );
        let body = serde_json::to_value(definition_body(&s, "ds_1")).unwrap();
        assert_eq!(
            body,
            json!({
                "definitionName": "n",
                "workflow": {"_t": "SimpleWorkflow",
                    "rapid": {"_t": "Compare",
                        "asset": {"segment": "asset"},
                        "criteria": {"literal": "Which image matches the description better?"},
                        "indexIdentifiers": null}},
                "referee": {"_t": "EarlyStoppingReferee", "maxVotes": 10, "threshold": 0.99},
                "datasetId": "ds_1",
                "rapidFeatureFlags": [{"key": "compare_unsure", "value": "5000"}]
            })
        );
        let text = serde_json::to_string(&definition_body(&s, "ds_1")).unwrap();
        assert!(text.contains(r#"{"_t":"SimpleWorkflow""#), "{text}");
    }

    #[test]
    fn classification_body_without_flags_leaves_them_out() {
        let s = spec(
            TaskSpec::Classification {
                instruction: "What animal?".into(),
            },
            types::IRefereeQuorumReferee::new(10, 7).into(),
            &[],
        );
        let body = serde_json::to_value(definition_body(&s, "ds")).unwrap();
        assert_eq!(
            body,
            json!({
                "definitionName": "n",
                "workflow": {"_t": "SimpleWorkflow",
                    "rapid": {"_t": "Classify",
                        "asset": {"segment": "asset"},
                        "title": {"literal": "What animal?"},
                        "categories": {"segment": "answer_options"}}},
                "referee": {"_t": "QuorumReferee", "maxVotes": 10, "threshold": 7},
                "datasetId": "ds"
            })
        );
    }

    #[test]
    fn dataset_schema_declares_answer_options_for_classification_only() {
        let compare = TaskSpec::Compare {
            instruction: "i".into(),
            a_b_names: None,
        };
        assert_eq!(dataset_schema(&compare), None);
        let schema = dataset_schema(&TaskSpec::Classification {
            instruction: "i".into(),
        });
        assert_eq!(
            serde_json::to_value(schema).unwrap(),
            json!([
                {"key": "asset", "kind": "Asset", "label": "Asset", "required": true},
                {"key": "context", "kind": "Text", "label": "Context", "required": false,
                 "maxLength": 400},
                {"key": "context_asset", "kind": "Asset", "label": "Context asset",
                 "required": false},
                {"key": "answer_options", "kind": "OptionList", "label": "Answer options",
                 "required": true}
            ])
        );
    }

    #[test]
    fn answer_options_are_checked_per_datapoint() {
        let err = |o: AnswerOptions, n: usize| o.validate(n).unwrap_err().to_string();
        assert!(err(["a"].into(), 1).contains("between 2 and 8"));
        assert!(err(vec!["a"; 9].into(), 1).contains("between 2 and 8"));
        assert!(err(["a", "a"].into(), 1).contains("unique"));
        assert!(err(["a", " "].into(), 1).contains("answer_options[1]"));
        let per = AnswerOptions::per_datapoint([vec!["a", "b"], vec!["c"]]);
        let text = err(per, 2);
        assert!(text.contains("answer_options[1]"), "{text}");
        let short = AnswerOptions::per_datapoint([vec!["a", "b"]]);
        assert!(err(short, 2).contains("one list per datapoint (2)"));
        AnswerOptions::per_datapoint([vec!["a", "b"], vec!["c", "d", "e"]])
            .validate(2)
            .unwrap();
    }
}
