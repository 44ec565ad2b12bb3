//! What a definition sends: the task spec, the dataset schema, the workflow with its rapid
//! spec, the referee and the flags, and the checked definition a builder would send.

use std::time::Duration;

use crate::api::types;
use crate::asset::DataItem;

use super::super::datapoint::{segment, DatapointSpec};

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
    Ranking(RankingTask),
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
    pub(crate) groups: Vec<GroupSpec>,
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
        TaskSpec::FreeText { instruction } => free_text_rapid(instruction),
        TaskSpec::Locate { instruction } => {
            types::IRapidSpecLocateRapidSpec::new(asset_binding(), literal(instruction)).into()
        }
        TaskSpec::Draw { instruction } => {
            types::IRapidSpecLineRapidSpec::new(asset_binding(), literal(instruction)).into()
        }
        TaskSpec::Timestamp { instruction } => {
            types::IRapidSpecScrubRapidSpec::new(asset_binding(), literal(instruction)).into()
        }
        TaskSpec::Ranking(r) => return ranking_workflow(r),
        TaskSpec::SelectWords { instruction } => select_words_rapid(instruction),
    };
    types::IOrderWorkflowInputSimpleWorkflowInput {
        rapid: Some(Some(rapid)),
        ..types::IOrderWorkflowInputSimpleWorkflowInput::new()
    }
    .into()
}

/// The body of `POST /dataset`: the dataset named after the definition, with the task's
/// [`dataset_schema`].
pub(super) fn dataset_body(spec: &DefinitionSpec) -> types::CreateDatasetEndpointInput {
    types::CreateDatasetEndpointInput {
        schema: Some(dataset_schema(&spec.task)),
        ..types::CreateDatasetEndpointInput::new(format!("{}_dataset", spec.name))
    }
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

/// The `FreeText` rapid: the datapoint's asset and the instruction as its question. No
/// automatic answer check (`validationSystemPrompt` sent as null, as the official SDK does).
fn free_text_rapid(instruction: &str) -> types::IRapidSpec {
    types::IRapidSpecFreeTextRapidSpec {
        validation_system_prompt: Some(None),
        ..types::IRapidSpecFreeTextRapidSpec::new(asset_binding(), literal(instruction))
    }
    .into()
}

/// The `Transcription` rapid: the asset, the instruction as title, and the words from the
/// datapoint's `transcription` segment.
fn select_words_rapid(instruction: &str) -> types::IRapidSpec {
    let words = types::TextBinding {
        segment: Some(Some(segment::TRANSCRIPTION.to_owned())),
        ..types::TextBinding::new()
    };
    types::IRapidSpecTranscriptionRapidSpec::new(asset_binding(), literal(instruction), words)
        .into()
}

/// The Bradley–Terry model's starting score, as the official SDK sends it.
const STARTING_SCORE: i32 = 1200;
/// How the matchups of a ranking are made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PairMaker {
    /// Every unique pair of each list.
    FullPermutation,
    /// Adaptive matchups within a total budget, a share of them random.
    Online { budget: i32, random_ratio: f32 },
}

/// The ranking part of a definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RankingTask {
    pub(crate) instruction: String,
    pub(crate) pair_maker: PairMaker,
}

/// One ranking list as a dataset group, with the context shown with its matchups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupSpec {
    pub(crate) name: String,
    pub(crate) context: Option<String>,
    pub(crate) media_context: Option<DataItem>,
}

/// The `GroupedRankingWorkflow` of a ranking.
fn ranking_workflow(r: &RankingTask) -> types::IOrderWorkflowInput {
    types::IOrderWorkflowInputGroupedRankingWorkflowInput {
        pair_maker_config: Some(match r.pair_maker {
            PairMaker::FullPermutation => {
                types::IPairMakerConfigFullPermutationPairMakerConfig::new().into()
            }
            PairMaker::Online {
                budget,
                random_ratio,
            } => types::IPairMakerConfigOnlinePairMakerConfig {
                random_matches_ratio: Some(random_ratio),
                total_comparison_budget: Some(budget),
                ..types::IPairMakerConfigOnlinePairMakerConfig::new()
            }
            .into(),
        }),
        ranking_config: Some(Some(
            types::IRankingConfigBradleyTerryRankingConfig::new(STARTING_SCORE).into(),
        )),
        ..types::IOrderWorkflowInputGroupedRankingWorkflowInput::new(r.instruction.clone())
    }
    .into()
}

/// A definition that passed every check of its builder
/// ([`DefinitionBuilder::validate`](crate::job::DefinitionBuilder::validate)): what
/// [`send`](crate::job::DefinitionBuilder::send) would send, built without any request.
///
/// ```
/// let client = rapidata::Client::builder().token("t").env_lookup(|_| None).build()?;
/// let checked = client
///     .job()
///     .create_classification_job_definition("Pets", "What is it?", ["Cat", "Dog"], ["https://example.com/a.jpg", "https://example.com/b.jpg"])
///     .validate()?;
/// assert_eq!(checked.name(), "Pets");
/// assert_eq!(checked.datapoint_count(), 2);
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedDefinition {
    pub(crate) spec: DefinitionSpec,
    pub(crate) datapoints: Vec<DatapointSpec>,
}

impl ValidatedDefinition {
    /// The definition's name.
    ///
    /// ```
    /// # let client = rapidata::Client::builder().token("t").env_lookup(|_| None).build()?;
    /// let checked = client.job().create_free_text_job_definition("Notes", "Describe it.", ["https://example.com/a.jpg"]).validate()?;
    /// assert_eq!(checked.name(), "Notes");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// How many datapoints would be uploaded (a ranking: its items of every list).
    ///
    /// ```
    /// # let client = rapidata::Client::builder().token("t").env_lookup(|_| None).build()?;
    /// let checked = client
    ///     .job()
    ///     .create_ranking_job_definition("r", "Which is better?", [["https://example.com/a.jpg", "https://example.com/b.jpg", "https://example.com/c.jpg"]], 10)
    ///     .validate()?;
    /// assert_eq!(checked.datapoint_count(), 3);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn datapoint_count(&self) -> usize {
        self.datapoints.len()
    }

    /// The body of `POST /dataset`, the first request sent: the dataset's name
    /// (`{name}_dataset`) and its schema.
    ///
    /// ```
    /// # let client = rapidata::Client::builder().token("t").env_lookup(|_| None).build()?;
    /// let checked = client.job().create_compare_job_definition("c", "Which?", [["https://example.com/a.jpg", "https://example.com/b.jpg"]]).validate()?;
    /// assert_eq!(checked.dataset_body().name, "c_dataset");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn dataset_body(&self) -> types::CreateDatasetEndpointInput {
        dataset_body(&self.spec)
    }

    /// The body of `POST /job/definition`, the last request sent, for the dataset
    /// `dataset_id` (the server names it when the dataset is created).
    ///
    /// ```
    /// # let client = rapidata::Client::builder().token("t").env_lookup(|_| None).build()?;
    /// let checked = client
    ///     .job()
    ///     .create_compare_job_definition("c", "Which?", [["https://example.com/a.jpg", "https://example.com/b.jpg"]])
    ///     .confidence_threshold(0.99)
    ///     .validate()?;
    /// let body = serde_json::to_value(checked.definition_body("ds_1")).unwrap();
    /// assert_eq!(body["referee"]["_t"], "EarlyStoppingReferee");
    /// assert_eq!(body["datasetId"], "ds_1");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn definition_body(&self, dataset_id: &str) -> types::CreateJobDefinitionEndpointInput {
        definition_body(&self.spec, dataset_id)
    }
}
