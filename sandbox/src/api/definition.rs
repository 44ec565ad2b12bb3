//! Job definitions: their workflow and referee checks, rapid bindings against the dataset's
//! segments, and create/get/delete/list.

use crate::api_types::{
    AssetBinding, CreateJobDefinitionEndpointInput, FeatureFlag, IAssetInput,
    IAssetInputMultiAssetInput, IOrderWorkflowInput,
    IOrderWorkflowInputGroupedRankingWorkflowInput, IOrderWorkflowInputSimpleWorkflowInput,
    IPairMakerConfig, IPairMakerConfigOnlinePairMakerConfig, IRapidSpec,
    IRapidSpecClassifyRapidSpec, IRapidSpecCompareRapidSpec, IRapidSpecFreeTextRapidSpec,
    IRapidSpecLineRapidSpec, IRapidSpecLocateRapidSpec, IRapidSpecScrubRapidSpec,
    IRapidSpecTranscriptionRapidSpec, IReferee, IRefereeBudgetReferee,
    IRefereeEarlyStoppingReferee, IRefereeNaiveReferee, IRefereeQuorumReferee, OptionsBinding,
    TextBinding,
};
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::sim::{OptionsSource, Task, TextSource};
use crate::store::records::{DatasetRec, DefinitionRec, RevisionRec, SegmentKind};
use crate::store::{State, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL};
use crate::util::iso_time;
use crate::wire::*;

use super::checks::{check_text, not_found, now_system, Errors, MAX_INSTRUCTION};
use super::dataset::check_options;

/// The `_t` of a rapid spec.
fn rapid_kind(rapid: &IRapidSpec) -> String {
    serde_json::to_value(rapid)
        .ok()
        .and_then(|v| v.get("_t").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_else(|| "Unknown".into())
}

fn definition_type(workflow: &IOrderWorkflowInput) -> DefinitionType {
    use IRapidSpec as R;
    match workflow {
        IOrderWorkflowInput::EvaluationWorkflow(_) => DefinitionType::Evaluation,
        IOrderWorkflowInput::GroupedRankingWorkflow(_) => DefinitionType::GroupedRanking,
        IOrderWorkflowInput::SimpleWorkflow(IOrderWorkflowInputSimpleWorkflowInput {
            rapid,
            ..
        }) => match rapid.as_ref().and_then(Option::as_ref) {
            None => DefinitionType::Unknown,
            Some(rapid) => match rapid {
                R::Classify(_) => DefinitionType::Classify,
                R::BoundingBox(_) => DefinitionType::BoundingBox,
                R::Compare(_) => DefinitionType::Compare,
                R::FreeText(_) => DefinitionType::FreeText,
                R::Line(_) => DefinitionType::Line,
                R::Locate(_) => DefinitionType::Locate,
                R::NamedEntity(_) => DefinitionType::NamedEntity,
                R::Polygon(_) => DefinitionType::Polygon,
                R::Scrub(_) => DefinitionType::Scrub,
                R::Transcription(_) => DefinitionType::Transcription,
                _ => DefinitionType::Unknown,
            },
        },
        _ => DefinitionType::Unknown,
    }
}

/// Checks a segment key bound at `path` (`….segment`): in the schema, of `kind`.
fn check_bound_key(errors: &mut Errors, ds: &DatasetRec, key: &str, kind: SegmentKind, path: &str) {
    match ds.segment_def(key) {
        None => errors.add(
            path,
            format!(
                "The dataset has no segment '{key}'; its schema has: {}.",
                ds.schema
                    .iter()
                    .map(|d| d.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Some(d) if d.kind != kind => errors.add(
            path,
            format!(
                "The segment '{key}' is a {} segment; a {} one is needed here.",
                d.kind.as_str(),
                kind.as_str()
            ),
        ),
        Some(_) => {}
    }
}

/// An asset binding: its segment is an Asset segment that every datapoint has (when
/// `every` is set).
fn check_asset_binding(
    errors: &mut Errors,
    ds: &DatasetRec,
    binding: &AssetBinding,
    path: &str,
    every: bool,
) {
    let before = errors.0.len();
    check_bound_key(
        errors,
        ds,
        &binding.segment,
        SegmentKind::Asset,
        &format!("{path}.segment"),
    );
    if every && errors.0.len() == before {
        if let Some(bad) = ds
            .datapoints
            .iter()
            .find(|d| d.asset(&binding.segment).is_none())
        {
            errors.add(
                "datasetId",
                format!(
                    "Datapoint '{}' (sortIndex {}) has no '{}' segment.",
                    bad.id, bad.sort_index, binding.segment
                ),
            );
        }
    }
}

/// A text binding: exactly one of `literal` (checked as an instruction when `label` is set)
/// and `segment` (a Text segment).
fn check_text_binding(
    errors: &mut Errors,
    ds: &DatasetRec,
    binding: &TextBinding,
    path: &str,
    label: Option<&str>,
) -> TextSource {
    let literal = binding.literal.clone().flatten();
    let segment = binding.segment.clone().flatten();
    match (literal, segment) {
        (Some(l), None) => {
            if let Some(label) = label {
                check_text(
                    errors,
                    &format!("{path}.literal"),
                    label,
                    &l,
                    MAX_INSTRUCTION,
                );
            }
            TextSource::Literal(l)
        }
        (None, Some(k)) => {
            check_bound_key(
                errors,
                ds,
                &k,
                SegmentKind::Text,
                &format!("{path}.segment"),
            );
            TextSource::Segment(k)
        }
        _ => {
            errors.add(path, "Exactly one of 'literal' and 'segment' must be set.");
            TextSource::Literal(String::new())
        }
    }
}

/// An options binding: exactly one of `literal` (2–8 unique options) and `segment` (an
/// OptionList segment).
fn check_options_binding(
    errors: &mut Errors,
    ds: &DatasetRec,
    binding: &OptionsBinding,
    path: &str,
) -> OptionsSource {
    let literal = binding.literal.clone().flatten();
    let segment = binding.segment.clone().flatten();
    match (literal, segment) {
        (Some(l), None) => {
            check_options(
                errors,
                &format!("{path}.literal"),
                l.iter().map(|o| (o.label.as_str(), o.value.as_str())),
            );
            OptionsSource::Literal(l.into_iter().map(|o| o.label).collect())
        }
        (None, Some(k)) => {
            check_bound_key(
                errors,
                ds,
                &k,
                SegmentKind::OptionList,
                &format!("{path}.segment"),
            );
            OptionsSource::Segment(k)
        }
        _ => {
            errors.add(path, "Exactly one of 'literal' and 'segment' must be set.");
            OptionsSource::Literal(Vec::new())
        }
    }
}

/// The context of a rapid: its `context` binding, else the datapoint's `context` segment.
fn context_source(
    errors: &mut Errors,
    ds: &DatasetRec,
    context: Option<&TextBinding>,
    path: &str,
) -> TextSource {
    match context {
        Some(b) => check_text_binding(errors, ds, b, path, None),
        None => TextSource::Segment("context".into()),
    }
}

/// The task (and instruction) a workflow asks of the crowd, validated against the dataset's
/// schema and datapoints into `errors`.
pub(crate) fn workflow_task(
    errors: &mut Errors,
    ds: &DatasetRec,
    workflow: &IOrderWorkflowInput,
) -> (Task, String) {
    let p = "workflow.rapid";
    let rapid = match workflow {
        IOrderWorkflowInput::SimpleWorkflow(IOrderWorkflowInputSimpleWorkflowInput {
            rapid,
            ..
        }) => match rapid.as_ref().and_then(Option::as_ref) {
            Some(rapid) => rapid,
            None => {
                errors.add(p, "A SimpleWorkflow needs 'rapid' (the rapid spec).");
                return (
                    Task::Unsupported {
                        workflow: "SimpleWorkflow without a rapid".into(),
                    },
                    String::new(),
                );
            }
        },
        IOrderWorkflowInput::GroupedRankingWorkflow(
            IOrderWorkflowInputGroupedRankingWorkflowInput {
                criteria,
                pair_maker_config,
                ..
            },
        ) => {
            return (
                ranking_task(errors, ds, criteria, pair_maker_config.as_ref()),
                criteria.clone(),
            )
        }
        IOrderWorkflowInput::EvaluationWorkflow(_) => {
            return (
                Task::Unsupported {
                    workflow: "EvaluationWorkflow".into(),
                },
                String::new(),
            )
        }
        // Rejected when the request is parsed.
        _ => {
            return (
                Task::Unsupported {
                    workflow: "unknown".into(),
                },
                String::new(),
            )
        }
    };
    let literal = |t: &TextSource| match t {
        TextSource::Literal(l) => l.clone(),
        TextSource::Segment(_) => String::new(),
    };
    match rapid {
        IRapidSpec::Compare(IRapidSpecCompareRapidSpec {
            asset,
            context,
            context_assets,
            criteria,
            index_identifiers,
            ..
        }) => {
            let (_, context) = rapid_bindings(errors, ds, asset, context, context_assets);
            let criteria = check_text_binding(
                errors,
                ds,
                criteria,
                &format!("{p}.criteria"),
                Some("Criteria"),
            );
            if index_identifiers
                .as_ref()
                .and_then(Option::as_ref)
                .is_some_and(|i| i.len() != 2)
            {
                errors.add(
                    format!("{p}.indexIdentifiers"),
                    "'Index Identifiers' must have exactly 2 entries.",
                );
            }
            if let Some(bad) = ds.datapoints.iter().find(|d| {
                d.asset(&asset.segment).is_some_and(|a| {
                    !matches!(a, IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) if assets.len() == 2)
                })
            }) {
                errors.add(
                    "datasetId",
                    format!(
                        "Datapoint '{}' (sortIndex {}): its '{}' segment is not a MultiAssetInput with exactly 2 assets, which a compare rapid needs.",
                        bad.id, bad.sort_index, asset.segment
                    ),
                );
            }
            let instruction = literal(&criteria);
            (
                Task::Compare {
                    asset: asset.segment.clone(),
                    context,
                },
                instruction,
            )
        }
        IRapidSpec::Classify(IRapidSpecClassifyRapidSpec {
            asset,
            context,
            context_assets,
            title,
            categories,
            ..
        }) => {
            let (_, context) = rapid_bindings(errors, ds, asset, context, context_assets);
            let title = check_text_binding(errors, ds, title, &format!("{p}.title"), Some("Title"));
            let categories =
                check_options_binding(errors, ds, categories, &format!("{p}.categories"));
            if let OptionsSource::Segment(k) = &categories {
                if let Some(bad) = ds.datapoints.iter().find(|d| d.options(k).is_none()) {
                    errors.add(
                        "datasetId",
                        format!(
                            "Datapoint '{}' (sortIndex {}) has no '{k}' segment.",
                            bad.id, bad.sort_index
                        ),
                    );
                }
            }
            (
                Task::Classify {
                    asset: asset.segment.clone(),
                    context,
                    categories,
                },
                literal(&title),
            )
        }
        IRapidSpec::FreeText(IRapidSpecFreeTextRapidSpec {
            asset,
            context,
            context_assets,
            question,
            ..
        }) => {
            let (asset, context) = rapid_bindings(errors, ds, asset, context, context_assets);
            let question = check_text_binding(
                errors,
                ds,
                question,
                &format!("{p}.question"),
                Some("Question"),
            );
            (Task::FreeText { asset, context }, literal(&question))
        }
        IRapidSpec::Transcription(IRapidSpecTranscriptionRapidSpec {
            asset,
            context,
            context_assets,
            title,
            transcription,
            ..
        }) => {
            let (asset, _) = rapid_bindings(errors, ds, asset, context, context_assets);
            let title = check_text_binding(errors, ds, title, &format!("{p}.title"), Some("Title"));
            let words = check_text_binding(
                errors,
                ds,
                transcription,
                &format!("{p}.transcription"),
                None,
            );
            if let TextSource::Segment(k) = &words {
                if let Some(bad) = ds.datapoints.iter().find(|d| d.text(k).is_none()) {
                    errors.add(
                        "datasetId",
                        format!(
                            "Datapoint '{}' (sortIndex {}) has no '{k}' segment.",
                            bad.id, bad.sort_index
                        ),
                    );
                }
            }
            (Task::SelectWords { asset, words }, literal(&title))
        }
        IRapidSpec::Line(IRapidSpecLineRapidSpec {
            asset,
            context,
            context_assets,
            target,
            ..
        })
        | IRapidSpec::Scrub(IRapidSpecScrubRapidSpec {
            asset,
            context,
            context_assets,
            target,
            ..
        })
        | IRapidSpec::Locate(IRapidSpecLocateRapidSpec {
            asset,
            context,
            context_assets,
            target,
            ..
        }) => {
            let (asset, context) = rapid_bindings(errors, ds, asset, context, context_assets);
            let target =
                check_text_binding(errors, ds, target, &format!("{p}.target"), Some("Target"));
            let task = match rapid {
                IRapidSpec::Line(_) => Task::Draw { asset, context },
                IRapidSpec::Scrub(_) => Task::Timestamp { asset, context },
                _ => Task::Locate { asset, context },
            };
            (task, literal(&target))
        }
        other => {
            let kind = rapid_kind(other);
            errors.add(
                format!("{p}._t"),
                format!("{kind} rapids are not supported by the sandbox yet (Compare, Classify, FreeText, Locate, Line, Scrub and Transcription are simulated)."),
            );
            (Task::Unsupported { workflow: kind }, String::new())
        }
    }
}

/// A `GroupedRankingWorkflow`'s task: the criteria checked as an instruction, every
/// datapoint in a group with an `asset` segment; the pair maker (every pair by default).
fn ranking_task(
    errors: &mut Errors,
    ds: &DatasetRec,
    criteria: &str,
    pair_maker: Option<&IPairMakerConfig>,
) -> Task {
    check_text(
        errors,
        "workflow.criteria",
        "Criteria",
        criteria,
        MAX_INSTRUCTION,
    );
    if let Some(bad) = ds
        .datapoints
        .iter()
        .find(|d| d.group.is_none() || d.asset("asset").is_none())
    {
        errors.add(
            "datasetId",
            format!(
                "Datapoint '{}' (sortIndex {}) needs a group and an 'asset' segment for a grouped ranking.",
                bad.id, bad.sort_index
            ),
        );
    }
    match pair_maker {
        None | Some(IPairMakerConfig::FullPermutationPairMaker(_)) => Task::Ranking {
            full_permutation: true,
            budget: 0,
        },
        Some(IPairMakerConfig::OnlinePairMaker(IPairMakerConfigOnlinePairMakerConfig {
            total_comparison_budget,
            random_matches_ratio,
            ..
        })) => {
            if random_matches_ratio.is_some_and(|r| !(0.0..=1.0).contains(&r)) {
                errors.add(
                    "workflow.pairMakerConfig.randomMatchesRatio",
                    "'Random Matches Ratio' must be between 0 and 1.",
                );
            }
            let budget = total_comparison_budget.unwrap_or(0);
            if budget < 1 {
                errors.add(
                    "workflow.pairMakerConfig.totalComparisonBudget",
                    "'Total Comparison Budget' must be at least 1.",
                );
            }
            Task::Ranking {
                full_permutation: false,
                budget: budget.max(0) as usize,
            }
        }
        // Unknown ones are rejected when the request is parsed; pair makers added to the
        // documents later are not simulated.
        Some(_) => Task::Unsupported {
            workflow: "an unknown pair maker's".into(),
        },
    }
}

/// The bindings every rapid shares (its asset on every datapoint, optional context assets
/// and context), checked: the asset segment and where the context comes from.
fn rapid_bindings(
    errors: &mut Errors,
    ds: &DatasetRec,
    asset: &AssetBinding,
    context: &Option<Option<TextBinding>>,
    context_assets: &Option<Option<Vec<AssetBinding>>>,
) -> (String, TextSource) {
    let p = "workflow.rapid";
    check_asset_binding(errors, ds, asset, &format!("{p}.asset"), true);
    for (i, a) in context_assets.iter().flatten().flatten().enumerate() {
        check_asset_binding(errors, ds, a, &format!("{p}.contextAssets[{i}]"), false);
    }
    let context = context_source(
        errors,
        ds,
        context.as_ref().and_then(Option::as_ref),
        &format!("{p}.context"),
    );
    (asset.segment.clone(), context)
}

fn check_referee(errors: &mut Errors, referee: &IReferee) {
    match referee {
        IReferee::NaiveReferee(IRefereeNaiveReferee { total_votes, .. }) if *total_votes < 1 => {
            errors.add("referee.totalVotes", "'Total Votes' must be at least 1.");
        }
        IReferee::EarlyStoppingReferee(IRefereeEarlyStoppingReferee {
            max_votes,
            threshold,
            ..
        }) => {
            if *max_votes < 1 {
                errors.add("referee.maxVotes", "'Max Votes' must be at least 1.");
            }
            if !(*threshold > 0.0 && *threshold <= 1.0) {
                errors.add(
                    "referee.threshold",
                    "'Threshold' must be greater than 0 and at most 1.",
                );
            }
        }
        IReferee::QuorumReferee(IRefereeQuorumReferee {
            max_votes,
            threshold,
            ..
        }) => {
            if *max_votes < 1 {
                errors.add("referee.maxVotes", "'Max Votes' must be at least 1.");
            }
            if *threshold < 1 || threshold > max_votes {
                errors.add(
                    "referee.threshold",
                    "'Threshold' must be between 1 and 'Max Votes'.",
                );
            }
        }
        IReferee::BudgetReferee(IRefereeBudgetReferee { total_budget, .. })
            if *total_budget < 1 =>
        {
            errors.add("referee.totalBudget", "'Total Budget' must be at least 1.");
        }
        _ => {}
    }
}

/// Validates a workflow + referee against the dataset they will run on.
pub(crate) fn check_definition(
    st: &State,
    errors: &mut Errors,
    workflow: &IOrderWorkflowInput,
    referee: &IReferee,
    dataset_id: &str,
) {
    check_referee(errors, referee);
    let Some(ds) = st.datasets.get(dataset_id) else {
        return;
    };
    if ds.datapoints.is_empty() {
        errors.add("datasetId", "The dataset has no datapoints.");
    }
    workflow_task(errors, ds, workflow);
}

/// Feature flags of a new revision: the given ones, else (the spec's lists cannot tell absent
/// from empty) the previous revision's.
pub(crate) fn flags(given: Vec<FeatureFlag>, previous: &[FeatureFlag]) -> Vec<FeatureFlag> {
    if given.is_empty() {
        previous.to_vec()
    } else {
        given
    }
}

pub(crate) fn create_definition(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateJobDefinitionEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.definition_name.trim().is_empty() {
        errors.add("definitionName", "'Definition Name' must not be empty.");
    }
    if !st.datasets.contains_key(&input.dataset_id) {
        return Err(not_found("Dataset", &input.dataset_id));
    }
    check_definition(
        st,
        &mut errors,
        &input.workflow,
        &input.referee,
        &input.dataset_id,
    );
    errors.done()?;
    let (id, seq) = st.new_id(c.cfg);
    let (pipeline_id, _) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    st.definitions.insert(
        id.clone(),
        DefinitionRec {
            id: id.clone(),
            seq,
            name: input.definition_name,
            created_at,
            created: c.now,
            revisions: vec![RevisionRec {
                number: 1,
                pipeline_id: pipeline_id.clone(),
                dataset_id: input.dataset_id,
                workflow: input.workflow,
                referee: input.referee,
                rapid_flags: input.rapid_feature_flags,
                campaign_flags: input.campaign_feature_flags,
                validation_set_id: None,
                base_revision_number: None,
                aggregator: input.aggregator_type.flatten(),
                created_at,
                created: c.now,
            }],
        },
    );
    json(&CreateJobDefinitionOutput {
        definition_id: id,
        pipeline_id,
    })
}

pub(crate) fn definition<'a>(st: &'a State, id: &str) -> Result<&'a DefinitionRec, ApiError> {
    st.definitions
        .get(id)
        .ok_or_else(|| not_found("Job definition", id))
}

pub(crate) fn get_definition(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    let latest = d.revisions.last().expect("a definition has revisions");
    json(&GetJobDefinitionOutput {
        definition_id: d.id.clone(),
        name: d.name.clone(),
        definition_type: definition_type(&latest.workflow),
        is_public: false,
        created_at: iso_time(d.created_at),
        owner_id: OWNER_ID.into(),
        owner_mail: OWNER_MAIL.into(),
        organization_id: ORGANIZATION_ID.into(),
    })
}

pub(crate) fn delete_definition(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    st.definitions
        .remove(id)
        .ok_or_else(|| not_found("Job definition", id))?;
    Ok(Reply::NoContent)
}

const DEFINITION_LIST: ListSpec = ListSpec {
    sorts: &["name", "-name", "created_at", "-created_at"],
    filters: &[
        "id",
        "name",
        "definition_type",
        "created_at",
        "owner_id",
        "owner_mail",
    ],
    default_sort: "-created_at",
};

pub(crate) fn list_definitions(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let rows = st
        .definitions
        .values()
        .map(|d| {
            let kind = definition_type(&d.revisions.last().expect("revisions").workflow);
            let created_at = iso_time(d.created_at);
            Row {
                fields: vec![
                    ("id", d.id.clone()),
                    ("name", d.name.clone()),
                    ("definition_type", kind.as_str().to_string()),
                    ("created_at", created_at.clone()),
                    ("owner_id", OWNER_ID.to_string()),
                    ("owner_mail", OWNER_MAIL.to_string()),
                ],
                seq: d.seq,
                item: JobDefinitionItem {
                    definition_id: d.id.clone(),
                    name: d.name.clone(),
                    definition_type: kind,
                    created_at,
                    revision_count: d.revisions.len() as i32,
                    owner_id: OWNER_ID.into(),
                    owner_mail: OWNER_MAIL.into(),
                    organization_id: ORGANIZATION_ID.into(),
                },
            }
        })
        .collect();
    list(&c.query, &DEFINITION_LIST, rows)
}
