//! The endpoint handlers. Each takes the locked [`State`] and the request context and answers
//! with a [`Reply`] or an [`ApiError`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use crate::api_types::{
    AddExampleToAudienceEndpointInput, AssetBinding, CreateAudienceEndpointInput,
    CreateBatchUploadEndpointInput, CreateDatapointEndpointInput, CreateDatasetEndpointInput,
    CreateDatasetGroupEndpointInput, CreateFilteredAudienceEndpointInput,
    CreateJobDefinitionEndpointInput, CreateJobEndpointInput, CreateJobRevisionEndpointInput,
    DatasetSegmentInput, DatasetSegmentKind, ExampleBoxShape, ExampleVisibility,
    ExistingAssetInput, FeatureFlag, IAssetInput, IAssetInputExistingAssetInput,
    IAssetInputMultiAssetInput, IAssetInputTextAssetInput, IAudienceFilter,
    IAudienceFilterAndAudienceFilter, IAudienceFilterCountryAudienceFilter,
    IAudienceFilterDemographicAudienceFilter, IAudienceFilterNotAudienceFilter,
    IAudienceFilterOrAudienceFilter, IExamplePayload, IExamplePayloadClassifyExamplePayload,
    IExamplePayloadCompareExamplePayload, IExamplePayloadLineExamplePayload,
    IExamplePayloadLocateExamplePayload, IExamplePayloadScrubExamplePayload,
    IExamplePayloadTranscriptionExamplePayload, IExampleTruth, IExampleTruthClassifyExampleTruth,
    IExampleTruthCompareExampleTruth, IExampleTruthLineExampleTruth,
    IExampleTruthLocateExampleTruth, IGraduationRule, IGraduationRuleAcceptedFreeTextRule,
    IGraduationRuleTaskAccuracyRule, IMetadataInput, IMetadataInputTextMetadataInput,
    IOrderWorkflowInput, IOrderWorkflowInputGroupedRankingWorkflowInput,
    IOrderWorkflowInputSimpleWorkflowInput, IPairMakerConfig,
    IPairMakerConfigOnlinePairMakerConfig, IRapidSpec, IRapidSpecClassifyRapidSpec,
    IRapidSpecCompareRapidSpec, IRapidSpecFreeTextRapidSpec, IRapidSpecLineRapidSpec,
    IRapidSpecLocateRapidSpec, IRapidSpecScrubRapidSpec, IRapidSpecTranscriptionRapidSpec,
    IReferee, IRefereeBudgetReferee, IRefereeEarlyStoppingReferee, IRefereeNaiveReferee,
    IRefereeQuorumReferee, MetadataInputCollection, OptionsBinding, ShortenContextEndpointInput,
    TextBinding, UpdateAudienceEndpointInput, UpdateAudienceExampleEndpointInput,
};
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::results::results_file;
use crate::routes::Route;
use crate::sim::{self, JobSim, OptionsSource, RefereeRule, Task, TextSource};
use crate::store::{
    base_name, default_schema, elapsed, AudienceKind, AudienceRec, BatchItem, BatchRec,
    DatapointRec, DatasetRec, DefinitionRec, ExampleRec, FilteredRec, JobRec, RevisionRec, Segment,
    SegmentDef, SegmentKind, SegmentValue, State, ASSET_BASE, ORGANIZATION_ID, OWNER_ID,
    OWNER_MAIL, RAPIDATA_MAIL,
};
use crate::util::{iso_time, parse_multipart};
use crate::wire::*;

/// Routes a matched request to its handler.
pub(crate) fn dispatch(route: Route, st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    match route {
        Route::Token
        | Route::UserInfo
        | Route::BridgeCreate
        | Route::BridgeRead
        | Route::AuthorizeExternal
        | Route::CreateClient => Err(ApiError::NoRoute),
        Route::CreateAudience => create_audience(st, c),
        Route::GetAudience => get_audience(st, c),
        Route::PatchAudience => patch_audience(st, c),
        Route::DeleteAudience => delete_audience(st, c),
        Route::ListAudiences => list_audiences(st, c),
        Route::FilterAudience => filter_audience(st, c),
        Route::Recruit => recruit(st, c),
        Route::UserMetrics => user_metrics(st, c),
        Route::AudienceJobs => audience_jobs(st, c),
        Route::AddExample => add_example(st, c),
        Route::ListExamples => list_examples(st, c),
        Route::PatchExample => patch_example(st, c),
        Route::DeleteExample => delete_example(st, c),
        Route::UploadUrl => upload_url(st, c),
        Route::UploadFile => upload_file(st, c),
        Route::CreateBatch => create_batch(st, c),
        Route::BatchStatus => batch_status(st, c),
        Route::BatchResult => batch_result(st, c),
        Route::AbortBatch => abort_batch(st, c),
        Route::ShortenContext => shorten_context(c),
        Route::CreateDataset => create_dataset(st, c),
        Route::GetDataset => get_dataset(st, c),
        Route::CreateDatapoint => create_datapoint(st, c),
        Route::ListDatapoints => list_datapoints(st, c),
        Route::DatasetProgress => dataset_progress(st, c),
        Route::CreateGroup => create_group(st, c),
        Route::CreateDefinition => create_definition(st, c),
        Route::GetDefinition => get_definition(st, c),
        Route::DeleteDefinition => delete_definition(st, c),
        Route::ListDefinitions => list_definitions(st, c),
        Route::CreateRevision => create_revision(st, c),
        Route::GetLatestRevision => get_revision(st, c, None),
        Route::GetRevision => {
            let n = c.param(1).parse::<i32>().map_err(|_| {
                ApiError::field(
                    "revisionNumber",
                    format!("The value '{}' is not valid.", c.param(1)),
                )
            })?;
            get_revision(st, c, Some(n))
        }
        Route::ListRevisions => list_revisions(st, c),
        Route::DefinitionCost => definition_cost(st, c),
        Route::CreateJob => create_job(st, c),
        Route::GetJob => get_job(st, c),
        Route::DeleteJob => delete_job(st, c),
        Route::JobProgress => job_progress(st, c),
        Route::JobCost => job_cost(st, c),
        Route::PauseJob => pause_job(st, c),
        Route::ResumeJob => resume_job(st, c),
        Route::RetryJob => retry_job(st, c),
        Route::DownloadResults => download_results(st, c),
        Route::ListJobs => list_jobs(st, c),
        Route::StartPreliminaryDownload => crate::preliminary::start(st, c),
        Route::CreateUnlistedAudience => crate::unlisted::create(st, c),
        Route::GetUnlistedAudience => crate::unlisted::get(st, c),
        Route::CreateValidationSet => crate::validation::create(st, c),
        Route::GetValidationSet => crate::validation::get(st, c),
        Route::PatchValidationSet => crate::validation::patch(st, c),
        Route::DeleteValidationSet => crate::validation::delete(st, c),
        Route::ListValidationSets => crate::validation::list_sets(st, c),
        Route::AddValidationRapid => crate::validation::add_rapid(st, c),
        Route::ListValidationRapids => crate::validation::list_rapids(st, c),
        Route::GetPreliminaryDownload => crate::preliminary::get(st, c),
    }
}

/// Collected validation errors.
#[derive(Default)]
pub(crate) struct Errors(Vec<(String, String)>);

impl Errors {
    pub(crate) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push((path.into(), message.into()));
    }

    pub(crate) fn done(&mut self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(std::mem::take(&mut self.0)))
        }
    }
}

/// Maximum length of instructions, criteria, titles and targets.
pub(crate) const MAX_INSTRUCTION: usize = 250;
/// Maximum length of a datapoint context.
const MAX_CONTEXT: usize = 400;

pub(crate) fn check_text(errors: &mut Errors, path: &str, label: &str, text: &str, max: usize) {
    let n = text.chars().count();
    if text.trim().is_empty() {
        errors.add(path, format!("'{label}' must not be empty."));
    } else if n > max {
        errors.add(
            path,
            format!("The length of '{label}' must be {max} characters or fewer. You entered {n} characters."),
        );
    }
}

fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::NotFound(format!("{what} '{id}' was not found."))
}

fn now_system(st: &State, c: &Ctx<'_>) -> SystemTime {
    st.system_at(c.now)
}

/// The members of the spec's `MetadataVisibilities` item enum. (The generated model holds
/// them as plain strings, so the strict parse cannot reject unknown ones.)
const METADATA_VISIBILITIES: &[&str] =
    &["None", "Users", "Customers", "Admins", "Dashboard", "All"];

/// Checks the visibilities of an asset's metadata entries.
fn check_metadata(
    errors: &mut Errors,
    metadata: &Option<Option<MetadataInputCollection>>,
    path: &str,
) {
    let Some(Some(MetadataInputCollection(entries))) = metadata else {
        return;
    };
    let mut keys: Vec<&String> = entries.keys().collect();
    keys.sort();
    for key in keys {
        if let IMetadataInput::TextMetadataInput(IMetadataInputTextMetadataInput {
            visibilities,
            ..
        }) = &entries[key]
        {
            for (i, v) in visibilities.iter().enumerate() {
                if !METADATA_VISIBILITIES.contains(&v.as_str()) {
                    let e = crate::strict::unknown_value(
                        &format!("{path}.metadata.{key}.visibilities[{i}]"),
                        "MetadataVisibilities item",
                        v,
                        METADATA_VISIBILITIES,
                    );
                    errors.add(e.path, e.message);
                }
            }
        }
    }
}

/// Checks that every `ExistingAssetInput` names an uploaded asset.
pub(crate) fn check_asset(st: &State, errors: &mut Errors, asset: &IAssetInput, path: &str) {
    match asset {
        IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput {
            name, metadata, ..
        }) => {
            if st.original_of(name).is_none() {
                errors.add(
                    format!("{path}.name"),
                    format!(
                        "Asset '{name}' does not exist. Upload it first (POST /asset/url or /asset/file) and use the returned fileName."
                    ),
                );
            }
            check_metadata(errors, metadata, path);
        }
        IAssetInput::TextAssetInput(IAssetInputTextAssetInput { text, metadata, .. }) => {
            if text.is_empty() {
                errors.add(format!("{path}.text"), "'Text' must not be empty.");
            }
            check_metadata(errors, metadata, path);
        }
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput {
            assets, metadata, ..
        }) => {
            if assets.is_empty() {
                errors.add(format!("{path}.assets"), "'Assets' must not be empty.");
            }
            for (i, a) in assets.iter().enumerate() {
                check_asset(st, errors, a, &format!("{path}.assets[{i}]"));
            }
            check_metadata(errors, metadata, path);
        }
        // Rejected when the request is parsed.
        _ => {}
    }
}

/// The response-side form of an asset.
pub(crate) fn asset_output(st: &State, asset: &IAssetInput) -> Asset {
    match asset {
        IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput {
            name, identifier, ..
        }) => Asset::File {
            file_name: name.clone(),
            metadata: BTreeMap::new(),
            identifier: identifier
                .clone()
                .flatten()
                .or_else(|| st.original_of(name).map(str::to_string))
                .unwrap_or_else(|| name.clone()),
        },
        IAssetInput::TextAssetInput(IAssetInputTextAssetInput {
            text, identifier, ..
        }) => Asset::Text {
            text: text.clone(),
            metadata: BTreeMap::new(),
            identifier: identifier.clone().flatten().unwrap_or_else(|| text.clone()),
        },
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput {
            assets, identifier, ..
        }) => Asset::Multi {
            assets: assets.iter().map(|a| asset_output(st, a)).collect(),
            metadata: BTreeMap::new(),
            identifier: identifier.clone().flatten().unwrap_or_default(),
        },
        // Rejected when the request is parsed; never stored.
        _ => Asset::Null {
            metadata: BTreeMap::new(),
            identifier: String::new(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Audiences
// ---------------------------------------------------------------------------------------------

fn check_filter(errors: &mut Errors, f: &IAudienceFilter, path: &str) {
    match f {
        IAudienceFilter::AndFilter(IAudienceFilterAndAudienceFilter { filters, .. })
        | IAudienceFilter::OrFilter(IAudienceFilterOrAudienceFilter { filters, .. }) => {
            for (i, f) in filters.iter().enumerate() {
                check_filter(errors, f, &format!("{path}.filters[{i}]"));
            }
        }
        IAudienceFilter::NotFilter(IAudienceFilterNotAudienceFilter { filter, .. }) => {
            check_filter(errors, filter, &format!("{path}.filter"));
        }
        IAudienceFilter::CountryFilter(IAudienceFilterCountryAudienceFilter {
            countries, ..
        }) => {
            for (i, code) in countries.iter().enumerate() {
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                    errors.add(
                        format!("{path}.countries[{i}]"),
                        format!("'{code}' is not an ISO 3166-1 alpha-2 country code (two upper-case letters)."),
                    );
                }
            }
        }
        // (Language codes are an enum of the spec: the strict parse refuses unknown ones.)
        IAudienceFilter::LanguageFilter(_) => {}
        IAudienceFilter::DemographicFilter(IAudienceFilterDemographicAudienceFilter {
            identifier,
            ..
        }) if identifier.trim().is_empty() => {
            errors.add(
                format!("{path}.identifier"),
                "'Identifier' must not be empty.",
            );
        }
        // Valid demographics, device filters, unknown kinds and kinds added to the
        // documents later.
        _ => {}
    }
}

/// The fewest qualification tasks a graduation rule may ask for (the live API's bound).
const MIN_TASKS: i32 = 3;

fn check_rule(errors: &mut Errors, rule: &IGraduationRule, path: &str) {
    match rule {
        IGraduationRule::TaskAccuracy(IGraduationRuleTaskAccuracyRule {
            target_accuracy,
            min_tasks,
            max_tasks,
            ..
        }) => {
            if !(0.0..=1.0).contains(target_accuracy) {
                errors.add(
                    format!("{path}.targetAccuracy"),
                    "'Target Accuracy' must be between 0 and 1.",
                );
            }
            if *min_tasks < MIN_TASKS {
                errors.add(
                    format!("{path}.minTasks"),
                    format!("'Min Tasks' must be at least {MIN_TASKS}."),
                );
            }
            if max_tasks.flatten().is_some_and(|m| m < *min_tasks) {
                errors.add(
                    format!("{path}.maxTasks"),
                    "'Max Tasks' must be greater than or equal to 'Min Tasks'.",
                );
            }
        }
        IGraduationRule::AcceptedFreeText(IGraduationRuleAcceptedFreeTextRule {
            min_accepted_ratio,
            ..
        }) if !(0.0..=1.0).contains(min_accepted_ratio) => {
            errors.add(
                format!("{path}.minAcceptedRatio"),
                "'Min Accepted Ratio' must be between 0 and 1.",
            );
        }
        // Valid free-text rules, score thresholds, unknown rules and rules added to the
        // documents later.
        _ => {}
    }
}

fn check_logo(st: &State, errors: &mut Errors, logo: &ExistingAssetInput) -> Option<String> {
    check_metadata(errors, &logo.metadata, "logo");
    if st.original_of(&logo.name).is_none() {
        errors.add(
            "logo.name",
            format!("Asset '{}' does not exist.", logo.name),
        );
        None
    } else {
        Some(format!("{ASSET_BASE}{}", logo.name))
    }
}

fn create_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.name.trim().is_empty() {
        errors.add("name", "'Name' must not be empty.");
    }
    let filters = input.filters.flatten().unwrap_or_default();
    for (i, f) in filters.iter().enumerate() {
        check_filter(&mut errors, f, &format!("filters[{i}]"));
    }
    if let Some(rule) = &input.graduation_rule {
        check_rule(&mut errors, rule, "graduationRule");
    }
    let logo = input
        .logo
        .as_ref()
        .and_then(|l| check_logo(st, &mut errors, l));
    errors.done()?;

    let (id, seq) = st.new_prefixed(c.cfg, "aud_");
    let mut aud = AudienceRec::new(
        id.clone(),
        seq,
        AudienceKind::Custom,
        &input.name,
        now_system(st, c),
    );
    aud.description = input.description.flatten();
    aud.logo = logo;
    aud.filters = filters;
    if let Some(rule) = input.graduation_rule {
        aud.rule = rule;
    }
    aud.min_size = input.minimum_size_for_activation.flatten();
    if let Some(mode) = input.distilling_retrieval_mode {
        aud.retrieval_mode = mode;
    }
    let t = &mut aud.tuning;
    t.max_distilling_responses = input.max_distilling_responses.flatten();
    t.drop_min_responses = input.drop_min_responses.flatten();
    t.drop_score = input.drop_score.flatten();
    t.max_distilling_sessions = input.max_distilling_sessions.flatten();
    t.inactivity_drop_days = input.inactivity_drop_days.flatten();
    t.min_submission_rate = input.min_submission_rate.flatten();
    t.min_sessions_for_submission_rate = input.min_sessions_for_submission_rate.flatten();
    t.min_submission_rate_graduated = input.min_submission_rate_graduated.flatten();
    t.min_distilling_for_global_boost = input.min_distilling_for_global_boost.flatten();
    t.min_graduated_for_distilling_boost = input.min_graduated_for_distilling_boost.flatten();
    st.audiences.insert(id.clone(), aud);
    json(&CreateAudienceOutput { audience_id: id })
}

/// A live (not deleted) regular audience, or 404.
fn regular<'a>(st: &'a State, id: &str) -> Result<&'a AudienceRec, ApiError> {
    st.audiences
        .get(id)
        .filter(|a| !a.deleted)
        .ok_or_else(|| not_found("Audience", id))
}

/// A live custom audience: 404 if unknown, 400 if it is `global` or curated.
fn custom<'a>(st: &'a mut State, id: &str, what: &str) -> Result<&'a mut AudienceRec, ApiError> {
    match st.audiences.get_mut(id).filter(|a| !a.deleted) {
        None if st.filtered.contains_key(id) => Err(ApiError::field(
            "audienceId",
            format!("'{id}' is a filtered audience; {what} needs a regular audience of your own."),
        )),
        None => Err(not_found("Audience", id)),
        Some(a) if a.kind != AudienceKind::Custom => Err(ApiError::field(
            "audienceId",
            format!("The audience '{id}' is not one of your own audiences; {what} is not allowed."),
        )),
        Some(a) => Ok(a),
    }
}

fn audience_output(st: &mut State, c: &Ctx<'_>, id: &str) -> Result<GetAudienceOutput, ApiError> {
    let (base_id, filter) = match st.filtered.get(id) {
        Some(f) => (f.base.clone(), Some(f.filter.clone())),
        None => (id.to_string(), None),
    };
    let aud = regular(st, &base_id)?.clone();
    let view = st.audience_view(c.cfg, c.pool, &base_id, c.now);
    let custom = aud.kind == AudienceKind::Custom;
    Ok(GetAudienceOutput {
        id: id.to_string(),
        base_audience_id: base_id,
        filter,
        name: aud.name.clone(),
        description: aud.description.clone(),
        status: view.status,
        qualified_user_count: view.graduated as i64,
        filters: aud.filters.clone(),
        logo: aud.logo.clone(),
        created_at: iso_time(aud.created_at),
        owner_id: OWNER_ID.into(),
        owner_mail: if custom { OWNER_MAIL } else { RAPIDATA_MAIL }.into(),
        organization_id: ORGANIZATION_ID.into(),
        is_public: !custom,
        is_distilling: custom && view.status == AudienceStatus::Recruiting,
        distilling_campaign_id: aud.distilling_campaign_id.clone(),
        min_graduated_for_distilling_boost: aud.tuning.min_graduated_for_distilling_boost,
        min_distilling_for_global_boost: aud.tuning.min_distilling_for_global_boost,
        graduation_rule: aud.rule.clone(),
        max_distilling_responses: aud.tuning.max_distilling_responses,
        drop_min_responses: aud.tuning.drop_min_responses,
        drop_score: aud.tuning.drop_score,
        max_distilling_sessions: aud.tuning.max_distilling_sessions,
        inactivity_drop_days: aud.tuning.inactivity_drop_days,
        min_submission_rate: aud.tuning.min_submission_rate,
        min_sessions_for_submission_rate: aud.tuning.min_sessions_for_submission_rate,
        min_submission_rate_graduated: aud.tuning.min_submission_rate_graduated,
        distilling_retrieval_mode: aud.retrieval_mode.clone(),
        boost_level: match aud.kind {
            AudienceKind::Global => BoostLevel::Global,
            AudienceKind::Curated => BoostLevel::Stable,
            AudienceKind::Custom if view.status == AudienceStatus::Recruiting => {
                BoostLevel::Distilling
            }
            AudienceKind::Custom => BoostLevel::None,
        },
        random_admission_probability: None,
        health: None,
        graduated: view.graduated as i64,
        dropped: view.dropped as i64,
    })
}

fn get_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    json(&audience_output(st, c, c.param(0))?)
}

fn patch_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    custom(st, &id, "updating it")?;
    let input: UpdateAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        errors.add("name", "'Name' must not be empty.");
    }
    for (i, f) in input.filters.iter().enumerate() {
        check_filter(&mut errors, f, &format!("filters[{i}]"));
    }
    if let Some(rule) = &input.graduation_rule {
        check_rule(&mut errors, rule, "graduationRule");
    }
    let logo = match &input.logo {
        Some(Some(l)) => Some(check_logo(st, &mut errors, l)),
        Some(None) => Some(None),
        None => None,
    };
    errors.done()?;
    // `filters` is a plain list in the spec: absent and empty both leave the filters alone.
    let recalc = !input.filters.is_empty() || input.graduation_rule.is_some();
    let recalculation_id = recalc.then(|| st.new_id(c.cfg).0);
    let aud = custom(st, &id, "updating it")?;
    if let Some(name) = input.name {
        aud.name = name;
    }
    if let Some(d) = input.description {
        aud.description = d;
    }
    if let Some(l) = logo {
        aud.logo = l;
    }
    if !input.filters.is_empty() {
        aud.filters = input.filters;
    }
    if let Some(r) = input.graduation_rule {
        aud.rule = r;
    }
    if let Some(m) = input.distilling_retrieval_mode {
        aud.retrieval_mode = m;
    }
    let t = &mut aud.tuning;
    macro_rules! patch {
        ($($field:ident),*) => { $( if let Some(v) = input.$field { t.$field = v; } )* };
    }
    patch!(
        min_graduated_for_distilling_boost,
        min_distilling_for_global_boost,
        max_distilling_responses,
        drop_min_responses,
        drop_score,
        max_distilling_sessions,
        inactivity_drop_days,
        min_submission_rate,
        min_sessions_for_submission_rate,
        min_submission_rate_graduated
    );
    if recalc {
        aud.version += 1;
    }
    json(&UpdateAudienceOutput {
        recalculation_id,
        inactivity_sync_id: None,
    })
}

fn delete_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if st.filtered.remove(id).is_some() {
        return Ok(Reply::NoContent);
    }
    custom(st, id, "deleting it")?.deleted = true;
    Ok(Reply::NoContent)
}

const AUDIENCE_LIST: ListSpec = ListSpec {
    sorts: &[
        "name",
        "-name",
        "created_at",
        "-created_at",
        "status",
        "-status",
        "qualified_user_count",
        "-qualified_user_count",
    ],
    filters: &[
        "name",
        "status",
        "is_public",
        "is_distilling",
        "owner_mail",
        "created_at",
    ],
    default_sort: "-created_at",
};

/// The `scope` query parameter of the lists (`Owned`, `Shared`, `All`): whether the caller's
/// own entities are listed. Nothing is shared with the sandbox client, so `Shared` lists
/// nothing.
fn owned_in_scope(c: &Ctx<'_>) -> Result<bool, ApiError> {
    match c.query.get("scope") {
        None | Some("Owned") | Some("All") => Ok(true),
        Some("Shared") => Ok(false),
        Some(other) => Err(ApiError::field(
            "scope",
            format!("The value '{other}' is not valid; expected one of: Owned, Shared, All."),
        )),
    }
}

fn list_audiences(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let owned = owned_in_scope(c)?;
    let ids: Vec<String> = st
        .audiences
        .values()
        .filter(|a| owned && !a.deleted && a.kind != AudienceKind::Global)
        .map(|a| a.id.clone())
        .collect();
    let mut rows = Vec::new();
    for id in ids {
        let seq = st.audiences[&id].seq;
        let a = audience_output(st, c, &id)?;
        let fields = vec![
            ("name", a.name.clone()),
            ("status", a.status.as_str().to_string()),
            ("is_public", a.is_public.to_string()),
            ("is_distilling", a.is_distilling.to_string()),
            ("owner_mail", a.owner_mail.clone()),
            ("created_at", a.created_at.clone()),
            ("qualified_user_count", a.qualified_user_count.to_string()),
        ];
        rows.push(Row {
            item: QueryAudiencesItem {
                id: a.id,
                name: a.name,
                description: a.description,
                status: a.status,
                qualified_user_count: a.qualified_user_count,
                filters: a.filters,
                logo: a.logo,
                created_at: a.created_at,
                owner_mail: a.owner_mail,
                organization_id: a.organization_id,
                is_public: a.is_public,
                is_distilling: a.is_distilling,
                graduation_rule: a.graduation_rule,
                random_admission_probability: a.random_admission_probability,
                health: a.health,
                graduated: a.graduated,
                dropped: a.dropped,
                is_shared: false,
            },
            seq,
            fields,
        });
    }
    list(&c.query, &AUDIENCE_LIST, rows)
}

fn filter_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let base = c.param(0).to_string();
    if st.filtered.contains_key(&base) {
        return Err(ApiError::field(
            "baseAudienceId",
            "A filtered audience cannot be the base of another filter.",
        ));
    }
    regular(st, &base)?;
    let input: CreateFilteredAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    check_filter(&mut errors, &input.filter, "filter");
    errors.done()?;
    let (id, _) = st.new_prefixed(c.cfg, "fau_");
    st.filtered.insert(
        id.clone(),
        FilteredRec {
            base,
            filter: input.filter,
        },
    );
    json(&CreateAudienceOutput { audience_id: id })
}

/// `POST /audience/{id}/recruit`: starts recruiting for a custom audience, which the live API
/// refuses while the audience has fewer examples than its graduation rule needs
/// ([`sim::required_examples`]). Built-in and filtered audiences: nothing to do.
fn recruit(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.audience_exists(id) {
        return Err(not_found("Audience", id));
    }
    if let Some(a) = st.audiences.get_mut(id) {
        if a.kind == AudienceKind::Custom && a.recruit_at.is_none() {
            let min = sim::required_examples(&a.rule);
            if a.examples.len() < min {
                return Err(ApiError::Rule {
                    field: "audienceId".into(),
                    message: format!(
                        "The graduation rule needs {min} validation tasks, but the audience only has {}",
                        a.examples.len()
                    ),
                });
            }
            a.recruit_at = Some(c.now);
        }
    }
    Ok(Reply::NoContent)
}

fn user_metrics(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.audience_exists(id) {
        return Err(not_found("Audience", id));
    }
    let mut users_per_state = BTreeMap::new();
    let v = st.audience_view(c.cfg, c.pool, id, c.now);
    if st
        .audiences
        .get(id)
        .is_some_and(|a| a.kind == AudienceKind::Custom)
    {
        users_per_state.insert("Graduated".to_string(), v.graduated as i32);
        users_per_state.insert("Distilling".to_string(), v.distilling as i32);
        users_per_state.insert("Dropped".to_string(), v.dropped as i32);
    }
    // Who can vote now: nobody → None, fewer than 10 → Low.
    let voters = v.eligible.as_ref().map_or(0, Vec::len);
    json(&UserStateMetrics {
        users_per_state,
        capacity: Some(match voters {
            0 => "None",
            1..=9 => "Low",
            _ => "Sufficient",
        }),
    })
}

const AUDIENCE_JOBS_LIST: ListSpec = ListSpec {
    sorts: &[
        "name",
        "-name",
        "created_at",
        "-created_at",
        "status",
        "-status",
    ],
    filters: &["job_id", "name", "definition_id", "status", "created_at"],
    default_sort: "-created_at",
};

fn audience_jobs(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.audience_exists(id) {
        return Err(not_found("Audience", id));
    }
    let rows = st
        .jobs
        .values()
        .filter(|j| j.audience_id == id)
        .map(|j| {
            let state = st.job_state(j);
            let created_at = iso_time(j.created_at);
            Row {
                fields: vec![
                    ("job_id", j.id.clone()),
                    ("name", j.name.clone()),
                    ("definition_id", j.definition_id.clone()),
                    ("status", state.as_str().to_string()),
                    ("created_at", created_at.clone()),
                ],
                seq: j.seq,
                item: AudienceJobItem {
                    job_id: j.id.clone(),
                    name: j.name.clone(),
                    definition_id: j.definition_id.clone(),
                    audience_id: j.audience_id.clone(),
                    revision_number: j.revision,
                    pipeline_id: j.pipeline_id.clone(),
                    state,
                    created_at,
                },
            }
        })
        .collect();
    list(&c.query, &AUDIENCE_JOBS_LIST, rows)
}

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

/// The names a compare truth may use for an option: the file name, or the text.
pub(crate) fn option_names(asset: &IAssetInput) -> Vec<String> {
    match asset {
        IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput { name, .. }) => {
            vec![name.clone()]
        }
        IAssetInput::TextAssetInput(IAssetInputTextAssetInput { text, .. }) => vec![text.clone()],
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) => {
            assets.iter().flat_map(option_names).collect()
        }
        _ => Vec::new(),
    }
}

fn check_payload(errors: &mut Errors, payload: &IExamplePayload, path: &str) {
    match payload {
        IExamplePayload::CompareExamplePayload(IExamplePayloadCompareExamplePayload {
            criteria,
            ..
        }) => check_text(
            errors,
            &format!("{path}.criteria"),
            "Criteria",
            criteria,
            MAX_INSTRUCTION,
        ),
        IExamplePayload::ClassifyExamplePayload(IExamplePayloadClassifyExamplePayload {
            categories,
            title,
            ..
        }) => {
            check_text(
                errors,
                &format!("{path}.title"),
                "Title",
                title,
                MAX_INSTRUCTION,
            );
            if categories.len() < 2 {
                errors.add(
                    format!("{path}.categories"),
                    "At least 2 categories are required.",
                );
            }
        }
        IExamplePayload::LocateExamplePayload(IExamplePayloadLocateExamplePayload {
            target,
            ..
        })
        | IExamplePayload::LineExamplePayload(IExamplePayloadLineExamplePayload {
            target, ..
        })
        | IExamplePayload::ScrubExamplePayload(IExamplePayloadScrubExamplePayload {
            target, ..
        }) => {
            check_text(
                errors,
                &format!("{path}.target"),
                "Target",
                target,
                MAX_INSTRUCTION,
            );
        }
        IExamplePayload::TranscriptionExamplePayload(
            IExamplePayloadTranscriptionExamplePayload { title, .. },
        ) => {
            check_text(
                errors,
                &format!("{path}.title"),
                "Title",
                title,
                MAX_INSTRUCTION,
            );
        }
        _ => {}
    }
}

fn check_truth(
    errors: &mut Errors,
    asset: &IAssetInput,
    payload: &IExamplePayload,
    truth: Option<&IExampleTruth>,
) {
    use IExamplePayload as P;
    use IExampleTruth as T;
    let Some(truth) = truth else {
        errors.add("truth", "The truth field is required.");
        return;
    };
    let kind_ok = matches!(
        (payload, truth),
        (P::CompareExamplePayload(_), T::CompareExampleTruth(_))
            | (P::ClassifyExamplePayload(_), T::ClassifyExampleTruth(_))
            | (P::LocateExamplePayload(_), T::LocateExampleTruth(_))
            | (P::LineExamplePayload(_), T::LineExampleTruth(_))
            | (P::ScrubExamplePayload(_), T::ScrubExampleTruth(_))
            | (
                P::TranscriptionExamplePayload(_),
                T::TranscriptionExampleTruth(_)
            )
    );
    if !kind_ok {
        errors.add("truth._t", "The truth does not match the payload kind.");
        return;
    }
    match (payload, truth) {
        (_, T::CompareExampleTruth(IExampleTruthCompareExampleTruth { winner_id, .. })) => {
            let names = option_names(asset);
            let two = matches!(asset, IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) if assets.len() == 2);
            if !two {
                errors.add(
                    "asset",
                    "A compare example needs a MultiAssetInput with exactly 2 assets.",
                );
            } else if !names.contains(winner_id) {
                errors.add(
                    "truth.winnerId",
                    format!(
                        "The winner '{}' is not one of the example's assets ({}).",
                        winner_id,
                        names.join(", ")
                    ),
                );
            }
        }
        (
            P::ClassifyExamplePayload(IExamplePayloadClassifyExamplePayload { categories, .. }),
            T::ClassifyExampleTruth(IExampleTruthClassifyExampleTruth {
                correct_categories, ..
            }),
        ) => {
            if correct_categories.is_empty() {
                errors.add(
                    "truth.correctCategories",
                    "At least one correct category is required.",
                );
            }
            for (i, cat) in correct_categories.iter().enumerate() {
                if !categories
                    .iter()
                    .any(|c| &c.label == cat || &c.value == cat)
                {
                    errors.add(
                        format!("truth.correctCategories[{i}]"),
                        format!("'{cat}' is not one of the payload's categories."),
                    );
                }
            }
        }
        (_, T::LocateExampleTruth(IExampleTruthLocateExampleTruth { bounding_boxes, .. })) => {
            check_boxes(errors, bounding_boxes, "truth.boundingBoxes");
        }
        (_, T::LineExampleTruth(IExampleTruthLineExampleTruth { bounding_boxes, .. })) => {
            check_boxes(
                errors,
                bounding_boxes
                    .as_ref()
                    .and_then(|b| b.as_deref())
                    .unwrap_or(&[]),
                "truth.boundingBoxes",
            );
        }
        _ => {}
    }
}

fn check_boxes(errors: &mut Errors, boxes: &[ExampleBoxShape], path: &str) {
    for (i, b) in boxes.iter().enumerate() {
        for (name, v) in [
            ("xMin", b.x_min.flatten()),
            ("yMin", b.y_min.flatten()),
            ("xMax", b.x_max.flatten()),
            ("yMax", b.y_max.flatten()),
        ] {
            if v.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                errors.add(
                    format!("{path}[{i}].{name}"),
                    "Coordinates are percentages and must be between 0 and 100.",
                );
            }
        }
    }
}

fn add_example(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    custom(st, &id, "adding examples")?;
    let input: AddExampleToAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    check_asset(st, &mut errors, &input.asset, "asset");
    if let Some(ca) = &input.context_asset {
        check_asset(st, &mut errors, ca, "contextAsset");
    }
    check_payload(&mut errors, &input.payload, "payload");
    check_truth(
        &mut errors,
        &input.asset,
        &input.payload,
        input.truth.as_ref(),
    );
    if !(0.0..=1.0).contains(&input.random_correct_probability) {
        errors.add(
            "randomCorrectProbability",
            "'Random Correct Probability' must be between 0 and 1.",
        );
    }
    errors.done()?;
    let (example_id, seq) = st.new_id(c.cfg);
    let (recalculation_id, _) = st.new_id(c.cfg);
    let aud = custom(st, &id, "adding examples")?;
    let sort_index = input.sort_index.flatten().unwrap_or_else(|| {
        aud.examples
            .iter()
            .map(|e| e.sort_index + 1)
            .max()
            .unwrap_or(0)
    });
    let mut example = ExampleRec {
        id: example_id,
        seq,
        asset: input.asset,
        payload: input.payload,
        truth: input.truth,
        random_correct_probability: input.random_correct_probability,
        explanation: input.explanation.flatten(),
        context: input.context.flatten(),
        context_asset: input.context_asset,
        sort_index,
        is_common_sense: input.is_common_sense.flatten(),
        flag_if_incorrect: input.flag_if_incorrect.flatten(),
        visibility: input.visibility.unwrap_or(ExampleVisibility::Private),
        created: c.now,
        key: 0,
    };
    example.rekey();
    aud.examples.push(example);
    aud.version += 1;
    json(&RecalculationOutput {
        recalculation_id: Some(recalculation_id),
    })
}

const EXAMPLE_LIST: ListSpec = ListSpec {
    sorts: &["sort_index", "-sort_index"],
    filters: &["visibility", "is_common_sense", "flag_if_incorrect"],
    default_sort: "sort_index",
};

fn list_examples(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    if !st.audience_exists(&id) {
        return Err(not_found("Audience", &id));
    }
    let counts = if st
        .audiences
        .get(&id)
        .is_some_and(|a| a.kind == AudienceKind::Custom)
    {
        st.example_counts(c.cfg, c.pool, &id, c.now)
    } else {
        Default::default()
    };
    let examples = st
        .audiences
        .get(&id)
        .map(|a| a.examples.clone())
        .unwrap_or_default();
    let rows = examples
        .iter()
        .map(|e| {
            let (correct, incorrect) = counts.get(&e.id).copied().unwrap_or((0, 0));
            Row {
                fields: vec![
                    ("visibility", e.visibility.as_str().to_string()),
                    (
                        "is_common_sense",
                        e.is_common_sense.map(|b| b.to_string()).unwrap_or_default(),
                    ),
                    (
                        "flag_if_incorrect",
                        e.flag_if_incorrect
                            .map(|b| b.to_string())
                            .unwrap_or_default(),
                    ),
                    ("sort_index", e.sort_index.to_string()),
                ],
                seq: e.seq,
                item: ExampleItem {
                    id: e.id.clone(),
                    rapid_id: None,
                    asset: asset_output(st, &e.asset),
                    payload: e.payload.clone(),
                    correct_count: correct,
                    incorrect_count: incorrect,
                    truth: e.truth.clone(),
                    context: e.context.clone(),
                    context_asset: e.context_asset.as_ref().map(|a| asset_output(st, a)),
                    explanation: e.explanation.clone(),
                    random_correct_probability: e.random_correct_probability,
                    is_common_sense: e.is_common_sense,
                    flag_if_incorrect: e.flag_if_incorrect,
                    sort_index: e.sort_index,
                    visibility: e.visibility.clone(),
                },
            }
        })
        .collect();
    list(&c.query, &EXAMPLE_LIST, rows)
}

fn patch_example(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let example_id = c.param(1).to_string();
    let aud = custom(st, &id, "updating examples")?;
    let Some(current) = aud.examples.iter().find(|e| e.id == example_id).cloned() else {
        return Err(not_found("Example", &example_id));
    };
    let input: UpdateAudienceExampleEndpointInput = c.body()?;
    let mut updated = current;
    let mut errors = Errors::default();
    if let Some(text) = &input.instruction_text {
        check_text(
            &mut errors,
            "instructionText",
            "Instruction Text",
            text,
            MAX_INSTRUCTION,
        );
        match &mut updated.payload {
            IExamplePayload::CompareExamplePayload(IExamplePayloadCompareExamplePayload {
                criteria,
                ..
            }) => *criteria = text.clone(),
            IExamplePayload::ClassifyExamplePayload(IExamplePayloadClassifyExamplePayload {
                title,
                ..
            })
            | IExamplePayload::TranscriptionExamplePayload(
                IExamplePayloadTranscriptionExamplePayload { title, .. },
            ) => *title = text.clone(),
            IExamplePayload::LocateExamplePayload(IExamplePayloadLocateExamplePayload {
                target,
                ..
            })
            | IExamplePayload::LineExamplePayload(IExamplePayloadLineExamplePayload {
                target,
                ..
            })
            | IExamplePayload::ScrubExamplePayload(IExamplePayloadScrubExamplePayload {
                target,
                ..
            }) => *target = text.clone(),
            _ => {}
        }
    }
    if let Some(truth) = input.truth {
        if truth.is_some() {
            check_truth(
                &mut errors,
                &updated.asset,
                &updated.payload,
                truth.as_ref(),
            );
        }
        updated.truth = truth;
    }
    if let Some(ca) = input.context_asset {
        if let Some(ca) = &ca {
            check_asset(st, &mut errors, ca, "contextAsset");
        }
        updated.context_asset = ca;
    }
    if let Some(Some(p)) = input.random_correct_probability {
        if !(0.0..=1.0).contains(&p) {
            errors.add(
                "randomCorrectProbability",
                "'Random Correct Probability' must be between 0 and 1.",
            );
        }
        updated.random_correct_probability = p;
    }
    errors.done()?;
    if let Some(e) = input.explanation {
        updated.explanation = e;
    }
    if let Some(ctx) = input.context {
        updated.context = ctx;
    }
    if let Some(b) = input.is_common_sense {
        updated.is_common_sense = b;
    }
    if let Some(b) = input.flag_if_incorrect {
        updated.flag_if_incorrect = b;
    }
    if let Some(i) = input.sort_index {
        updated.sort_index = i;
    }
    if let Some(v) = input.visibility {
        updated.visibility = v;
    }
    updated.rekey();
    let aud = custom(st, &id, "updating examples")?;
    if let Some(slot) = aud.examples.iter_mut().find(|e| e.id == example_id) {
        *slot = updated;
    }
    aud.version += 1;
    Ok(Reply::NoContent)
}

fn delete_example(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let example_id = c.param(0).to_string();
    let (recalculation_id, _) = st.new_id(c.cfg);
    for aud in st.audiences.values_mut().filter(|a| !a.deleted) {
        if let Some(pos) = aud.examples.iter().position(|e| e.id == example_id) {
            aud.examples.remove(pos);
            aud.version += 1;
            return json(&RecalculationOutput {
                recalculation_id: Some(recalculation_id),
            });
        }
    }
    Err(not_found("Example", &example_id))
}

// ---------------------------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------------------------

/// The host of an absolute http(s) URL, lower-cased; `None` if it is not one.
fn url_host(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_string()
    } else {
        host_port.split(':').next()?.to_string()
    };
    (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host)
}

/// The simulated download outcome of a URL: hosts under `.invalid` (RFC 2606) and URLs that
/// contain `sandbox-fail` fail with an upstream 404.
fn download_fails(url: &str) -> Option<(String, &'static str, i32)> {
    let host = url_host(url)?;
    (host.ends_with(".invalid") || host == "invalid" || url.contains("sandbox-fail")).then(|| {
        (
            format!("Downloading '{url}' failed: the upstream server answered 404 Not Found."),
            "download",
            404,
        )
    })
}

fn check_compression_query(c: &Ctx<'_>) -> Result<bool, ApiError> {
    let compress = c.query.bool("compress")?;
    if let Some(q) = c.query.int("quality")? {
        if !(1..=100).contains(&q) {
            return Err(ApiError::field(
                "quality",
                "'quality' must be between 1 and 100.",
            ));
        }
    }
    if let Some(d) = c.query.int("maxdim")? {
        if d < 1 {
            return Err(ApiError::field("maxdim", "'maxdim' must be at least 1."));
        }
    }
    Ok(compress.unwrap_or(false))
}

fn upload_url(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let url = match c.query.get("url") {
        None | Some("") => return Err(ApiError::field("url", "The url field is required.")),
        Some(u) => u.to_string(),
    };
    if url_host(&url).is_none() {
        return Err(ApiError::field(
            "url",
            format!("'{url}' is not an absolute http(s) URL."),
        ));
    }
    let compressed = check_compression_query(c)?;
    if let Some((detail, stage, upstream)) = download_fails(&url) {
        return Err(ApiError::AssetDownload {
            detail,
            stage,
            upstream: Some(upstream),
        });
    }
    let file_name = st.register_asset(c.cfg, &url);
    json(&UploadOutput {
        file_name,
        warnings: Vec::new(),
        was_compressed: compressed,
        original_size_bytes: None,
        final_size_bytes: None,
    })
}

fn upload_file(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let content_type = c.req.header("content-type").unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(ApiError::UnsupportedMediaType);
    }
    let compressed = check_compression_query(c)?;
    let parts =
        parse_multipart(content_type, &c.req.body).map_err(|e| ApiError::field("file", e))?;
    let Some(part) = parts.into_iter().find(|p| p.name == "file") else {
        return Err(ApiError::field("file", "The file field is required."));
    };
    let Some(filename) = part
        .filename
        .as_deref()
        .map(base_name)
        .filter(|f| !f.is_empty())
    else {
        return Err(ApiError::field("file", "The file part has no file name."));
    };
    if part.data.is_empty() {
        return Err(ApiError::field("file", "The file is empty."));
    }
    let file_name = st.register_asset(c.cfg, &filename);
    let size = part.data.len() as i64;
    json(&UploadOutput {
        file_name,
        warnings: Vec::new(),
        was_compressed: compressed,
        original_size_bytes: Some(size),
        final_size_bytes: Some(size),
    })
}

fn create_batch(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateBatchUploadEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.urls.is_empty() {
        errors.add("urls", "'Urls' must not be empty.");
    }
    for (i, u) in input.urls.iter().enumerate() {
        if url_host(u).is_none() {
            errors.add(
                format!("urls[{i}]"),
                format!("'{u}' is not an absolute http(s) URL."),
            );
        }
    }
    if let Some(q) = input.compression.as_ref().and_then(|c| c.quality.flatten()) {
        if !(1..=100).contains(&q) {
            errors.add(
                "compression.quality",
                "'Quality' must be between 1 and 100.",
            );
        }
    }
    errors.done()?;
    let (id, seq) = st.new_id(c.cfg);
    let items = input
        .urls
        .iter()
        .map(|url| match download_fails(url) {
            Some((msg, stage, status)) => BatchItem {
                url: url.clone(),
                file_name: None,
                error: Some((msg, stage.to_string(), status)),
            },
            None => BatchItem {
                url: url.clone(),
                file_name: Some(st.register_asset(c.cfg, url)),
                error: None,
            },
        })
        .collect();
    st.batches.insert(
        id.clone(),
        BatchRec {
            id: id.clone(),
            seq,
            correlation_id: input.correlation_id.flatten(),
            done_at: c.now + c.cfg.response_interval / 2,
            aborted: false,
            items,
        },
    );
    json(&CreateBatchUploadOutput {
        batch_upload_id: id,
    })
}

fn batch_status(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let correlation = c.query.get("correlationId").filter(|s| !s.is_empty());
    let ids = c.query.all("batchUploadIds");
    if correlation.is_none() && ids.is_empty() {
        return Err(ApiError::field(
            "correlationId",
            "Either correlationId or batchUploadIds is required.",
        ));
    }
    let mut batches: Vec<&BatchRec> = st
        .batches
        .values()
        .filter(|b| {
            correlation.is_some_and(|cid| b.correlation_id.as_deref() == Some(cid))
                || ids.contains(&b.id.as_str())
        })
        .collect();
    batches.sort_by_key(|b| b.seq);
    let mut out = BatchUploadStatusOutput {
        status: BatchUploadStatus::Completed,
        total_count: 0,
        completed_count: 0,
        failed_count: 0,
        completed_batches: Vec::new(),
    };
    let mut processing = false;
    let mut aborted = false;
    for b in batches {
        out.total_count += b.items.len() as i32;
        if b.aborted {
            aborted = true;
        } else if c.now >= b.done_at {
            out.completed_count += b.items.iter().filter(|i| i.error.is_none()).count() as i32;
            out.failed_count += b.items.iter().filter(|i| i.error.is_some()).count() as i32;
            out.completed_batches.push(b.id.clone());
        } else {
            processing = true;
        }
    }
    out.status = if processing {
        BatchUploadStatus::Processing
    } else if aborted {
        BatchUploadStatus::Aborted
    } else {
        BatchUploadStatus::Completed
    };
    json(&out)
}

fn batch_result(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let b = st
        .batches
        .get(id)
        .ok_or_else(|| not_found("Batch upload", id))?;
    let done = !b.aborted && c.now >= b.done_at;
    let items: Vec<BatchUploadUrlOutput> = b
        .items
        .iter()
        .map(|i| {
            let (status, file_name, error) = if b.aborted {
                (
                    BatchUploadUrlStatus::Failed,
                    None,
                    Some((
                        "The batch upload was aborted.".to_string(),
                        "internal".to_string(),
                        None,
                    )),
                )
            } else if !done {
                (BatchUploadUrlStatus::Pending, None, None)
            } else if let Some((msg, stage, status)) = &i.error {
                (
                    BatchUploadUrlStatus::Failed,
                    None,
                    Some((msg.clone(), stage.clone(), Some(*status))),
                )
            } else {
                (BatchUploadUrlStatus::Completed, i.file_name.clone(), None)
            };
            BatchUploadUrlOutput {
                url: i.url.clone(),
                file_name,
                warnings: Vec::new(),
                status,
                error_message: error.as_ref().map(|e| e.0.clone()),
                stage: error.as_ref().map(|e| e.1.clone()),
                upstream_http_status: error.and_then(|e| e.2),
            }
        })
        .collect();
    let completed = items
        .iter()
        .filter(|i| i.status == BatchUploadUrlStatus::Completed)
        .count() as i32;
    let failed = items
        .iter()
        .filter(|i| i.status == BatchUploadUrlStatus::Failed)
        .count() as i32;
    json(&BatchUploadResultOutput {
        batch_upload_id: b.id.clone(),
        status: if b.aborted {
            BatchUploadStatus::Aborted
        } else if done {
            BatchUploadStatus::Completed
        } else {
            BatchUploadStatus::Processing
        },
        total_count: items.len() as i32,
        completed_count: completed,
        failed_count: failed,
        items,
    })
}

fn abort_batch(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let b = st
        .batches
        .get_mut(id)
        .ok_or_else(|| not_found("Batch upload", id))?;
    if c.now < b.done_at {
        b.aborted = true;
    }
    Ok(Reply::NoContent)
}

// ---------------------------------------------------------------------------------------------
// Datasets
// ---------------------------------------------------------------------------------------------

/// Shortens a context to at most 400 characters (cut at a word boundary, `…` appended).
fn shorten(context: &str) -> String {
    if context.chars().count() <= MAX_CONTEXT {
        return context.to_string();
    }
    let cut: String = context.chars().take(MAX_CONTEXT - 1).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > MAX_CONTEXT / 2 => cut[..i].trim_end().to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

fn shorten_context(c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: ShortenContextEndpointInput = c.body()?;
    let mut errors = Errors::default();
    for (i, item) in input.items.iter().enumerate() {
        if item.context.is_empty() {
            errors.add(
                format!("items[{i}].context"),
                "'Context' must not be empty.",
            );
        }
    }
    errors.done()?;
    json(&ShortenContextOutput {
        items: input
            .items
            .iter()
            .map(|i| ShortenedContext {
                shortened_context: shorten(&i.context),
            })
            .collect(),
    })
}

/// Most and fewest options of an OptionList segment or a literal options binding.
const MIN_OPTIONS: usize = 2;
const MAX_OPTIONS: usize = 8;

fn segment_kind(kind: &DatasetSegmentKind) -> SegmentKind {
    match kind {
        DatasetSegmentKind::Text => SegmentKind::Text,
        DatasetSegmentKind::Asset => SegmentKind::Asset,
        // (Unknown kinds are refused when the request is parsed.)
        _ => SegmentKind::OptionList,
    }
}

/// Checks 2–8 options with unique labels and values (`what` names them in messages).
fn check_options<'a>(
    errors: &mut Errors,
    path: &str,
    options: impl ExactSizeIterator<Item = (&'a str, &'a str)>,
) {
    let n = options.len();
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&n) {
        errors.add(
            path,
            format!("Between {MIN_OPTIONS} and {MAX_OPTIONS} options are required; got {n}."),
        );
        return;
    }
    let mut labels = BTreeSet::new();
    let mut values = BTreeSet::new();
    for (label, value) in options {
        if label.trim().is_empty() {
            errors.add(path, "Option labels must not be empty.");
            return;
        }
        if !labels.insert(label) || !values.insert(value) {
            errors.add(
                path,
                format!("Options must be unique; '{label}' is given twice."),
            );
            return;
        }
    }
}

fn create_dataset(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateDatasetEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.name.trim().is_empty() {
        errors.add("name", "'Name' must not be empty.");
    }
    let schema = match input.schema.flatten() {
        None => default_schema(),
        Some(defs) => {
            if defs.is_empty() {
                errors.add("schema", "A schema needs at least one segment.");
            }
            let mut keys = BTreeSet::new();
            let mut schema = Vec::new();
            for (i, d) in defs.iter().enumerate() {
                let key = d.key.trim();
                if key.is_empty() {
                    errors.add(format!("schema[{i}].key"), "'Key' must not be empty.");
                } else if !keys.insert(key.to_string()) {
                    errors.add(
                        format!("schema[{i}].key"),
                        format!("The segment key '{key}' is defined twice."),
                    );
                }
                let max_length = d.max_length.flatten();
                if max_length.is_some_and(|m| m < 1) {
                    errors.add(
                        format!("schema[{i}].maxLength"),
                        "'Max Length' must be at least 1.",
                    );
                }
                schema.push(SegmentDef {
                    key: key.to_string(),
                    kind: segment_kind(&d.kind),
                    label: d.label.clone().flatten(),
                    required: d.required,
                    max_length: max_length.map(|m| m.max(0) as usize),
                });
            }
            schema
        }
    };
    errors.done()?;
    let (id, _) = st.new_id(c.cfg);
    st.datasets.insert(
        id.clone(),
        DatasetRec {
            name: input.name,
            schema,
            datapoints: Vec::new(),
            groups: BTreeMap::new(),
        },
    );
    json(&CreateDatasetOutput { dataset_id: id })
}

fn dataset<'a>(st: &'a State, id: &str) -> Result<&'a DatasetRec, ApiError> {
    st.datasets.get(id).ok_or_else(|| not_found("Dataset", id))
}

fn get_dataset(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let ds = dataset(st, c.param(0))?;
    json(&GetDatasetOutput {
        name: ds.name.clone(),
        schema: ds
            .schema
            .iter()
            .map(|d| SegmentDefOutput {
                key: d.key.clone(),
                kind: d.kind.as_str(),
                label: d.label.clone(),
                required: d.required,
                max_length: d.max_length.map(|m| m as i64),
            })
            .collect(),
    })
}

/// Checks segments against a dataset's schema (keys known and not repeated, kinds right, the
/// kind's value present and valid; with `all_required`, every required segment present) and
/// returns them in stored form.
fn check_segments(
    st: &State,
    errors: &mut Errors,
    ds: &DatasetRec,
    segments: &[DatasetSegmentInput],
    all_required: bool,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let known = || {
        ds.schema
            .iter()
            .map(|d| d.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, seg) in segments.iter().enumerate() {
        let p = format!("segments[{i}]");
        if !seen.insert(seg.key.as_str()) {
            errors.add(
                format!("{p}.key"),
                format!("The segment '{}' is given twice.", seg.key),
            );
            continue;
        }
        let Some(def) = ds.segment_def(&seg.key) else {
            errors.add(
                format!("{p}.key"),
                format!(
                    "Unknown segment '{}'; the dataset's schema has: {}.",
                    seg.key,
                    known()
                ),
            );
            continue;
        };
        let kind = segment_kind(&seg.kind);
        if kind != def.kind {
            errors.add(
                format!("{p}.kind"),
                format!(
                    "The segment '{}' is a {} segment, not {}.",
                    def.key,
                    def.kind.as_str(),
                    kind.as_str()
                ),
            );
            continue;
        }
        let text = seg.text.clone().flatten();
        let asset = seg.asset.clone().flatten();
        let options = seg.options.clone().flatten();
        let stray = [
            ("text", text.is_some() && kind != SegmentKind::Text),
            ("asset", asset.is_some() && kind != SegmentKind::Asset),
            (
                "options",
                options.is_some() && kind != SegmentKind::OptionList,
            ),
        ];
        for (field, bad) in stray {
            if bad {
                errors.add(
                    format!("{p}.{field}"),
                    format!("A {} segment has no '{field}'.", kind.as_str()),
                );
            }
        }
        let value = match kind {
            SegmentKind::Text => match text {
                None => {
                    errors.add(format!("{p}.text"), "A Text segment needs 'text'.");
                    continue;
                }
                Some(t) => {
                    let n = t.chars().count();
                    if let Some(max) = def.max_length.filter(|&m| n > m) {
                        errors.add(
                            format!("{p}.text"),
                            format!("The length of '{}' must be {max} characters or fewer. You entered {n} characters.", def.key),
                        );
                    }
                    SegmentValue::Text(t)
                }
            },
            SegmentKind::Asset => match asset {
                None => {
                    errors.add(format!("{p}.asset"), "An Asset segment needs 'asset'.");
                    continue;
                }
                Some(a) => {
                    check_asset(st, errors, &a, &format!("{p}.asset"));
                    SegmentValue::Asset(a)
                }
            },
            SegmentKind::OptionList => match options {
                None => {
                    errors.add(
                        format!("{p}.options"),
                        "An OptionList segment needs 'options'.",
                    );
                    continue;
                }
                Some(o) => {
                    check_options(
                        errors,
                        &format!("{p}.options"),
                        o.iter().map(|o| (o.label.as_str(), o.value.as_str())),
                    );
                    SegmentValue::Options(o.into_iter().map(|o| (o.label, o.value)).collect())
                }
            },
        };
        out.push(Segment {
            key: seg.key.clone(),
            value,
        });
    }
    if all_required {
        for def in ds.schema.iter().filter(|d| d.required) {
            if !seen.contains(def.key.as_str()) {
                errors.add(
                    "segments",
                    format!("The segment '{}' is required.", def.key),
                );
            }
        }
    }
    out
}

fn create_datapoint(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    dataset(st, &id)?;
    let input: CreateDatapointEndpointInput = c.body()?;
    let sort_index = input.sort_index.flatten();
    let mut errors = Errors::default();
    let segments = check_segments(
        st,
        &mut errors,
        &st.datasets[&id],
        &input.segments.flatten().unwrap_or_default(),
        true,
    );
    if sort_index.is_some_and(|i| i < 0) {
        errors.add(
            "sortIndex",
            "'Sort Index' must be greater than or equal to 0.",
        );
    }
    errors.done()?;
    let (datapoint_id, seq) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    let ds = st.datasets.get_mut(&id).expect("checked above");
    let sort_index = sort_index.unwrap_or(ds.datapoints.len() as i64);
    ds.datapoints.push(DatapointRec {
        id: datapoint_id.clone(),
        seq,
        sort_index,
        segments,
        private_metadata: input
            .private_metadata
            .flatten()
            .map(|m| m.into_iter().collect()),
        group: input.group.flatten(),
        created_at,
    });
    json(&CreateDatapointOutput { datapoint_id })
}

const DATAPOINT_LIST: ListSpec = ListSpec {
    sorts: &["id", "-id", "created_at", "-created_at"],
    filters: &["id", "created_at"],
    default_sort: "created_at",
};

/// The response form of a datapoint's segments.
fn segments_output(st: &State, ds: &DatasetRec, segments: &[Segment]) -> Vec<SegmentOutput> {
    segments
        .iter()
        .map(|seg| {
            let kind = ds
                .segment_def(&seg.key)
                .map_or(SegmentKind::Text, |d| d.kind);
            let mut out = SegmentOutput {
                key: seg.key.clone(),
                kind: kind.as_str(),
                original_text: None,
                english_text: None,
                asset: None,
                options: None,
            };
            match &seg.value {
                SegmentValue::Text(t) => {
                    out.original_text = Some(t.clone());
                    out.english_text = Some(t.clone());
                }
                SegmentValue::Asset(a) => out.asset = Some(asset_output(st, a)),
                SegmentValue::Options(o) => {
                    out.options = Some(
                        o.iter()
                            .map(|(label, value)| SegmentOptionOutput {
                                label: label.clone(),
                                value: value.clone(),
                            })
                            .collect(),
                    );
                }
            }
            out
        })
        .collect()
}

fn list_datapoints(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let ds = dataset(st, id)?;
    let rows = ds
        .datapoints
        .iter()
        .map(|d| Row {
            fields: vec![("id", d.id.clone()), ("created_at", iso_time(d.created_at))],
            seq: d.seq,
            item: DatapointItem {
                id: d.id.clone(),
                dataset_id: id.to_string(),
                segments: segments_output(st, ds, &d.segments),
            },
        })
        .collect();
    list(&c.query, &DATAPOINT_LIST, rows)
}

fn dataset_progress(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let n = dataset(st, c.param(0))?.datapoints.len() as i32;
    json(&DatasetProgressOutput {
        total: n,
        ready: n,
        pending: 0,
        failed: 0,
    })
}

/// `POST /dataset/{id}/group`: validated (segments against the schema, none required) and
/// kept (a ranking list's context comes from its group).
fn create_group(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    dataset(st, &id)?;
    let input: CreateDatasetGroupEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.group.trim().is_empty() {
        errors.add("group", "'Group' must not be empty.");
    }
    let segments = check_segments(
        st,
        &mut errors,
        &st.datasets[&id],
        &input.segments.flatten().unwrap_or_default(),
        false,
    );
    errors.done()?;
    let ds = st.datasets.get_mut(&id).expect("checked above");
    ds.groups.insert(input.group, segments);
    Ok(Reply::NoContent)
}

// ---------------------------------------------------------------------------------------------
// Job definitions
// ---------------------------------------------------------------------------------------------

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
fn workflow_task(
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
fn check_definition(
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
fn flags(given: Vec<FeatureFlag>, previous: &[FeatureFlag]) -> Vec<FeatureFlag> {
    if given.is_empty() {
        previous.to_vec()
    } else {
        given
    }
}

fn create_definition(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
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

fn definition<'a>(st: &'a State, id: &str) -> Result<&'a DefinitionRec, ApiError> {
    st.definitions
        .get(id)
        .ok_or_else(|| not_found("Job definition", id))
}

fn get_definition(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
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

fn delete_definition(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
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

fn list_definitions(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
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

fn create_revision(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let latest = definition(st, &id)?
        .revisions
        .last()
        .expect("revisions")
        .clone();
    let input: CreateJobRevisionEndpointInput = c.body()?;
    let mut errors = Errors::default();
    match (&input.workflow, &input.referee) {
        (Some(_), None) => errors.add(
            "referee",
            "'workflow' and 'referee' must be given together.",
        ),
        (None, Some(_)) => errors.add(
            "workflow",
            "'workflow' and 'referee' must be given together.",
        ),
        _ => {}
    }
    errors.done()?;
    let base_revision_number = input.base_revision_number.flatten();
    if input.require_latest == Some(true) {
        let Some(base) = base_revision_number else {
            return Err(ApiError::field(
                "baseRevisionNumber",
                "'requireLatest' needs 'baseRevisionNumber'.",
            ));
        };
        if base != latest.number {
            return Err(crate::revisions::conflict(base, latest.number));
        }
    }
    let dataset_id = input.dataset_id.unwrap_or(latest.dataset_id.clone());
    if !st.datasets.contains_key(&dataset_id) {
        return Err(not_found("Dataset", &dataset_id));
    }
    if let Some(Some(set)) = &input.validation_set_id {
        if !crate::validation::exists(st, set) {
            return Err(crate::validation::unknown(set));
        }
    }
    let workflow = input.workflow.unwrap_or(latest.workflow.clone());
    let referee = input.referee.unwrap_or(latest.referee.clone());
    check_definition(st, &mut errors, &workflow, &referee, &dataset_id);
    errors.done()?;
    let (pipeline_id, _) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    let rapid_flags = flags(input.rapid_feature_flags, &latest.rapid_flags);
    let campaign_flags = flags(input.campaign_feature_flags, &latest.campaign_flags);
    let d = st.definitions.get_mut(&id).expect("checked above");
    let number = latest.number + 1;
    d.revisions.push(RevisionRec {
        number,
        pipeline_id: pipeline_id.clone(),
        dataset_id,
        workflow,
        referee,
        rapid_flags,
        campaign_flags,
        validation_set_id: input
            .validation_set_id
            .unwrap_or(latest.validation_set_id.clone()),
        base_revision_number,
        aggregator: input.aggregator_type.unwrap_or(latest.aggregator.clone()),
        created_at,
        created: c.now,
    });
    json(&CreateJobRevisionOutput {
        revision_number: number,
        pipeline_id,
    })
}

fn get_revision(st: &mut State, c: &Ctx<'_>, number: Option<i32>) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    let rev = match number {
        None => d.revisions.last(),
        Some(n) => d.revisions.iter().find(|r| r.number == n),
    }
    .ok_or_else(|| {
        ApiError::NotFound(format!(
            "Revision {} of job definition '{}' was not found.",
            number.unwrap_or_default(),
            d.id
        ))
    })?;
    json(&GetJobRevisionOutput {
        definition_id: d.id.clone(),
        revision_number: rev.number,
        state: crate::revisions::state(rev, c.cfg, c.now),
        pipeline_id: rev.pipeline_id.clone(),
        dataset_id: rev.dataset_id.clone(),
        aggregator_type: rev.aggregator.clone(),
        workflow: rev.workflow.clone(),
        referee: rev.referee.clone(),
        feature_flags: rev.rapid_flags.clone(),
        campaign_feature_flags: rev.campaign_flags.clone(),
        validation_set_id: rev.validation_set_id.clone(),
        base_revision_number: rev.base_revision_number,
        created_at: iso_time(rev.created_at),
        created_by_id: OWNER_ID.into(),
        created_by_mail: OWNER_MAIL.into(),
        is_instruction_complex: None,
        instruction_complexity_reason: None,
    })
}

const REVISION_LIST: ListSpec = ListSpec {
    sorts: &[
        "revision_number",
        "-revision_number",
        "created_at",
        "-created_at",
    ],
    filters: &["revision_number", "created_at", "state"],
    default_sort: "revision_number",
};

fn list_revisions(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    let rows = d
        .revisions
        .iter()
        .map(|r| {
            let created_at = iso_time(r.created_at);
            Row {
                fields: vec![
                    ("revision_number", r.number.to_string()),
                    ("created_at", created_at.clone()),
                    (
                        "state",
                        format!("{:?}", crate::revisions::state(r, c.cfg, c.now)),
                    ),
                ],
                seq: r.number as u64,
                item: JobRevisionItem {
                    definition_id: d.id.clone(),
                    revision_number: r.number,
                    created_at,
                    state: crate::revisions::state(r, c.cfg, c.now),
                    base_revision_number: r.base_revision_number,
                },
            }
        })
        .collect();
    list(&c.query, &REVISION_LIST, rows)
}

fn estimate(c: &Ctx<'_>, datapoints: usize, rule: &RefereeRule) -> CostEstimateOutput {
    let required = (datapoints * rule.max_votes) as i64;
    CostEstimateOutput {
        estimated_cost: sim::round(required as f64 * c.cfg.cost_per_response, 2),
        cost_per_response: c.cfg.cost_per_response,
        datapoint_count: datapoints as i64,
        required_responses: required,
    }
}

fn definition_cost(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    if elapsed(d.created, c.now) < c.cfg.cost_estimate_delay {
        return Err(ApiError::Conflict(
            "The cost estimate is not ready yet; try again shortly.".into(),
        ));
    }
    let rev = d.revisions.last().expect("revisions");
    let n = st
        .datasets
        .get(&rev.dataset_id)
        .map_or(0, |d| d.datapoints.len());
    json(&estimate(c, n, &RefereeRule::from_wire(&rev.referee, n)))
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

fn create_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateJobEndpointInput = c.body()?;
    let revision_number = input.revision_number.flatten();
    let name = input.name.flatten();
    let preceding_job_id = input.preceding_job_id.flatten();
    let experiment_id = input.experiment_id.flatten();
    let def = definition(st, &input.job_definition_id)?.clone();
    let rev = match revision_number {
        None => def.revisions.last(),
        Some(n) => def.revisions.iter().find(|r| r.number == n),
    }
    .cloned()
    .ok_or_else(|| {
        ApiError::NotFound(format!(
            "Revision {} of job definition '{}' was not found.",
            revision_number.unwrap_or_default(),
            def.id
        ))
    })?;
    if !st.audience_exists(&input.audience_id) {
        return Err(not_found("Audience", &input.audience_id));
    }
    if let Some(p) = &preceding_job_id {
        if !st.jobs.contains_key(p) {
            return Err(not_found("Job", p));
        }
    }
    if name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }

    // (Validated when the revision was created.)
    let (task, instruction) = match st.datasets.get(&rev.dataset_id) {
        Some(ds) => workflow_task(&mut Errors::default(), ds, &rev.workflow),
        None => (
            Task::Unsupported {
                workflow: "a deleted dataset's".into(),
            },
            String::new(),
        ),
    };
    let items = st.job_items(&rev.dataset_id, &task);
    let rule = RefereeRule::from_wire(&rev.referee, items.len());
    let cost = estimate(c, items.len(), &rule);

    // The live API never starts recruiting by itself: a job on a custom audience that is not
    // recruiting waits (without responses) until someone calls recruit.
    let recruiting_started = false;

    let (job_id, seq) = st.new_id(c.cfg);
    let (campaign_id, _) = st.new_id(c.cfg);
    // A job runs on a pipeline of its own (the definition's is its preview pipeline).
    let (pipeline_id, _) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    let name = name.unwrap_or_else(|| format!("{}:{}", def.name, rev.number));
    st.jobs.insert(
        job_id.clone(),
        JobRec {
            id: job_id.clone(),
            seq,
            name,
            definition_id: def.id.clone(),
            definition_name: def.name.clone(),
            instruction,
            revision: rev.number,
            pipeline_id,
            campaign_id,
            audience_id: input.audience_id.clone(),
            preceding: preceding_job_id,
            experiment_id: experiment_id.clone(),
            created_at,
            created: c.now,
            sim: JobSim::new(task, rule, items, c.now + c.cfg.response_interval),
        },
    );
    // Jobs whose audience is already ready start on the next request.
    st.advance(c.cfg, c.pool, c.now);
    json(&CreateJobOutput {
        job_id,
        experiment_id,
        recruiting_started,
        content_check_skip_denied: input.check_for_explicit_content == Some(Some(false)),
        cost_warning: (cost.estimated_cost > c.cfg.balance).then(|| CostWarning {
            estimated_cost: cost.estimated_cost,
            available_balance: c.cfg.balance,
            shortfall: sim::round(cost.estimated_cost - c.cfg.balance, 2),
        }),
    })
}

fn job<'a>(st: &'a State, id: &str) -> Result<&'a JobRec, ApiError> {
    st.jobs.get(id).ok_or_else(|| not_found("Job", id))
}

fn get_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    let audience_name = {
        let base = st
            .filtered
            .get(&j.audience_id)
            .map_or(j.audience_id.as_str(), |f| f.base.as_str());
        st.audiences.get(base).map(|a| a.name.clone())
    };
    let state = st.job_state(j);
    json(&GetJobOutput {
        job_id: j.id.clone(),
        name: j.name.clone(),
        definition_id: j.definition_id.clone(),
        audience_id: j.audience_id.clone(),
        revision_number: j.revision,
        pipeline_id: j.pipeline_id.clone(),
        campaign_id: Some(j.campaign_id.clone()),
        audience_name,
        state,
        is_public: false,
        audience_deleted: !st.audience_exists(&j.audience_id),
        completed_at: j.sim.completed_at.map(|t| st.iso_at(t)),
        result_file_name: j.sim.completed_at.map(|_| format!("{}_results.json", j.id)),
        failed_at: j.sim.failed_at.map(|t| st.iso_at(t)),
        failure_message: j
            .sim
            .failure_message
            .clone()
            .or_else(|| j.sim.blocked.clone()),
        review_reason: None,
        experiment_id: j.experiment_id.clone(),
        created_at: iso_time(j.created_at),
        owner_id: OWNER_ID.into(),
        owner_mail: OWNER_MAIL.into(),
        organization_id: ORGANIZATION_ID.into(),
    })
}

fn delete_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    st.jobs.remove(id).ok_or_else(|| not_found("Job", id))?;
    Ok(Reply::NoContent)
}

fn job_progress(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    if !j.sim.started && j.sim.failed_at.is_none() && j.sim.blocked.is_none() {
        return Err(ApiError::NotFound(format!(
            "Job '{}' has no labeling progress yet.",
            j.id
        )));
    }
    json(&JobProgressOutput {
        completion_percentage: j.sim.percentage(),
        total: j.sim.items.len() as i64,
        completed: j.sim.completed_items() as i64,
        state: st.labeling_state(j),
        response_count: j.sim.vote_count() as i64,
    })
}

fn job_cost(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    if elapsed(j.created, c.now) < c.cfg.cost_estimate_delay {
        return Err(ApiError::Conflict(
            "The cost estimate is not ready yet; try again shortly.".into(),
        ));
    }
    json(&estimate(c, j.sim.items.len(), &j.sim.referee))
}

fn pause_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let state = st.job_state(job(st, &id)?);
    if matches!(state, JobState::Completed | JobState::Failed) {
        return Err(ApiError::field(
            "jobId",
            format!("The job is {} and cannot be paused.", state.as_str()),
        ));
    }
    st.jobs.get_mut(&id).expect("checked").sim.pause(c.now);
    Ok(Reply::NoContent)
}

fn resume_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    job(st, &id)?;
    st.jobs.get_mut(&id).expect("checked").sim.resume(c.now);
    st.advance(c.cfg, c.pool, c.now);
    Ok(Reply::NoContent)
}

fn retry_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    job(st, c.param(0))?;
    Ok(Reply::NoContent)
}

fn download_results(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    if j.sim.completed_at.is_none() {
        if let Some(message) = &j.sim.failure_message {
            return Err(ApiError::Conflict(format!(
                "No results: the job failed. {message}"
            )));
        }
        return Err(ApiError::Conflict(format!(
            "The results of job '{}' are not available yet (state {}).",
            j.id,
            st.job_state(j).as_str()
        )));
    }
    Ok(Reply::File {
        body: results_file(st, c, j)?,
        name: format!("{}_results.json", j.id),
    })
}

const JOB_LIST: ListSpec = ListSpec {
    sorts: &[
        "name",
        "-name",
        "created_at",
        "-created_at",
        "state",
        "-state",
        "owner_mail",
        "-owner_mail",
        "progress",
        "-progress",
    ],
    filters: &[
        "id",
        "name",
        "job_definition_id",
        "audience_id",
        "campaign_id",
        "state",
        "owner_mail",
        "created_at",
    ],
    default_sort: "-created_at",
};

fn list_jobs(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let owned = owned_in_scope(c)?;
    let rows = st
        .jobs
        .values()
        .filter(|_| owned)
        .map(|j| {
            let state = st.job_state(j);
            let progress = sim::round(j.sim.percentage() / 100.0, 4);
            let created_at = iso_time(j.created_at);
            Row {
                fields: vec![
                    ("id", j.id.clone()),
                    ("name", j.name.clone()),
                    ("job_definition_id", j.definition_id.clone()),
                    ("audience_id", j.audience_id.clone()),
                    ("campaign_id", j.campaign_id.clone()),
                    ("state", state.as_str().to_string()),
                    ("owner_mail", OWNER_MAIL.to_string()),
                    ("created_at", created_at.clone()),
                    ("progress", progress.to_string()),
                ],
                seq: j.seq,
                item: JobItem {
                    job_id: j.id.clone(),
                    name: j.name.clone(),
                    job_definition_id: j.definition_id.clone(),
                    audience_id: j.audience_id.clone(),
                    revision_number: j.revision,
                    pipeline_id: j.pipeline_id.clone(),
                    state,
                    owner_mail: OWNER_MAIL.into(),
                    organization_id: ORGANIZATION_ID.into(),
                    created_at,
                    progress: Some(progress),
                    campaign_id: Some(j.campaign_id.clone()),
                    is_shared: false,
                },
            }
        })
        .collect();
    list(&c.query, &JOB_LIST, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            url_host("https://Assets.Rapidata.ai/a.jpg").as_deref(),
            Some("assets.rapidata.ai")
        );
        assert_eq!(url_host("http://u:p@h.x:8080/a").as_deref(), Some("h.x"));
        assert!(url_host("ftp://x/a").is_none());
        assert!(url_host("/local/file.jpg").is_none());
        assert!(download_fails("https://img.invalid/a.jpg").is_some());
        assert!(download_fails("https://ok.example/a.jpg").is_none());
    }

    #[test]
    fn shortening() {
        let long = "word ".repeat(200);
        let s = shorten(&long);
        assert!(s.chars().count() <= MAX_CONTEXT, "{}", s.chars().count());
        assert_eq!(shorten("short"), "short");
    }
}
