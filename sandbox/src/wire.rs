//! Request parsing and the response bodies of the Rapidata API.
//!
//! Request bodies are parsed into the models generated from the spec
//! ([`crate::api_types`]) by [`parse`], strictly: required fields are required, types must
//! match, an unknown or missing `_t` and an unknown enum value are errors
//! ([`crate::strict`]), and every error names the JSON path of the offending field. Unknown
//! properties are ignored, as the ASP.NET backend does.
//!
//! The response bodies below are written by hand (they say exactly what the sandbox answers,
//! `null` versus absent included); where they echo what a client sent (filters, graduation
//! rules, example payloads and truths, workflows, referees) they hold the generated models.
// The response enums mirror the spec's completely, members the simulation never produces
// included.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::api_types::{
    AggregatorType, ExampleVisibility, FeatureFlag, IAudienceFilter, IExamplePayload,
    IExampleTruth, IGraduationRule, IOrderWorkflowInput, IReferee, RetrievalMode,
};
// Strict parsing lives in `strict`; its entry points are used through this module too.
pub(crate) use crate::strict::{parse, FieldError};

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/// `IAsset` (response side). `metadata` is always an empty map here.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "_t")]
pub(crate) enum Asset {
    #[serde(rename = "FileAsset", rename_all = "camelCase")]
    File {
        file_name: String,
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
    #[serde(rename = "MultiAsset", rename_all = "camelCase")]
    Multi {
        assets: Vec<Asset>,
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
    #[serde(rename = "TextAsset", rename_all = "camelCase")]
    Text {
        text: String,
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
    #[serde(rename = "NullAsset", rename_all = "camelCase")]
    Null {
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Audiences
// ---------------------------------------------------------------------------------------------

/// `CreateAudienceEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateAudienceOutput {
    pub audience_id: String,
}

/// `UpdateAudienceEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateAudienceOutput {
    pub recalculation_id: Option<String>,
    pub inactivity_sync_id: Option<String>,
}

/// `AudienceStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum AudienceStatus {
    Created,
    Pending,
    Recruiting,
    Ready,
}

impl AudienceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AudienceStatus::Created => "Created",
            AudienceStatus::Pending => "Pending",
            AudienceStatus::Recruiting => "Recruiting",
            AudienceStatus::Ready => "Ready",
        }
    }
}

/// `BoostLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) enum BoostLevel {
    None,
    Stable,
    Distilling,
    Global,
}

/// `GetAudienceByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetAudienceOutput {
    pub id: String,
    pub base_audience_id: String,
    pub filter: Option<IAudienceFilter>,
    pub name: String,
    pub description: Option<String>,
    pub status: AudienceStatus,
    pub qualified_user_count: i64,
    pub filters: Vec<IAudienceFilter>,
    pub logo: Option<String>,
    pub created_at: String,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
    pub is_public: bool,
    pub is_distilling: bool,
    pub distilling_campaign_id: String,
    pub min_graduated_for_distilling_boost: Option<i32>,
    pub min_distilling_for_global_boost: Option<i32>,
    pub graduation_rule: IGraduationRule,
    pub max_distilling_responses: Option<u32>,
    pub drop_min_responses: Option<u32>,
    pub drop_score: Option<f64>,
    pub max_distilling_sessions: Option<u32>,
    pub inactivity_drop_days: Option<u32>,
    pub min_submission_rate: Option<f64>,
    pub min_sessions_for_submission_rate: Option<u32>,
    pub min_submission_rate_graduated: Option<f64>,
    pub distilling_retrieval_mode: RetrievalMode,
    pub boost_level: BoostLevel,
    pub random_admission_probability: Option<f64>,
    pub health: Option<f64>,
    pub graduated: i64,
    pub dropped: i64,
}

/// `QueryAudiencesEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QueryAudiencesItem {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: AudienceStatus,
    pub qualified_user_count: i64,
    pub filters: Vec<IAudienceFilter>,
    pub logo: Option<String>,
    pub created_at: String,
    pub owner_mail: String,
    pub organization_id: String,
    pub is_public: bool,
    pub is_distilling: bool,
    pub graduation_rule: IGraduationRule,
    pub random_admission_probability: Option<f64>,
    pub health: Option<f64>,
    pub graduated: i64,
    pub dropped: i64,
    /// Owned by another organisation and shared with the caller (never, in the sandbox).
    pub is_shared: bool,
}

/// `GetAudienceUserStateMetricsResult`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserStateMetrics {
    pub users_per_state: BTreeMap<String, i32>,
    /// `AudienceCapacity`: `None`, `Low`, `Sufficient`.
    pub capacity: Option<&'static str>,
}

/// `QueryAudienceJobsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AudienceJobItem {
    pub job_id: String,
    pub name: String,
    pub definition_id: String,
    pub audience_id: String,
    pub revision_number: i32,
    pub pipeline_id: String,
    pub state: JobState,
    pub created_at: String,
}

// ---------------------------------------------------------------------------------------------
// Qualification examples
// ---------------------------------------------------------------------------------------------

/// `AddExampleToAudienceEndpoint_Output` / `DeleteAudienceExampleEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecalculationOutput {
    pub recalculation_id: Option<String>,
}

/// `QueryExamplesForAudienceEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExampleItem {
    pub id: String,
    pub rapid_id: Option<String>,
    pub asset: Asset,
    pub payload: IExamplePayload,
    pub correct_count: i32,
    pub incorrect_count: i32,
    pub truth: Option<IExampleTruth>,
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_asset: Option<Asset>,
    pub explanation: Option<String>,
    pub random_correct_probability: f64,
    pub is_common_sense: Option<bool>,
    pub flag_if_incorrect: Option<bool>,
    pub sort_index: i32,
    pub visibility: ExampleVisibility,
}

// ---------------------------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------------------------

/// `UploadFileEndpoint_Output` / `UploadFileFromUrlEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadOutput {
    pub file_name: String,
    pub warnings: Vec<String>,
    pub was_compressed: bool,
    pub original_size_bytes: Option<i64>,
    pub final_size_bytes: Option<i64>,
}

/// `CreateBatchUploadEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateBatchUploadOutput {
    pub batch_upload_id: String,
}

/// `BatchUploadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum BatchUploadStatus {
    Processing,
    Completed,
    Aborted,
}

/// `BatchUploadUrlStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum BatchUploadUrlStatus {
    Pending,
    Completed,
    Failed,
}

/// `GetBatchUploadStatusEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUploadStatusOutput {
    pub status: BatchUploadStatus,
    pub total_count: i32,
    pub completed_count: i32,
    pub failed_count: i32,
    pub completed_batches: Vec<String>,
}

/// `GetBatchUploadResultEndpoint_UrlOutput`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUploadUrlOutput {
    pub url: String,
    pub file_name: Option<String>,
    pub warnings: Vec<String>,
    pub status: BatchUploadUrlStatus,
    pub error_message: Option<String>,
    pub stage: Option<String>,
    pub upstream_http_status: Option<i32>,
}

/// `GetBatchUploadResultEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUploadResultOutput {
    pub batch_upload_id: String,
    pub status: BatchUploadStatus,
    pub total_count: i32,
    pub completed_count: i32,
    pub failed_count: i32,
    pub items: Vec<BatchUploadUrlOutput>,
}

// ---------------------------------------------------------------------------------------------
// Datasets
// ---------------------------------------------------------------------------------------------

/// `ShortenContextEndpoint_OutputItem`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortenedContext {
    pub shortened_context: String,
}

/// `ShortenContextEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortenContextOutput {
    pub items: Vec<ShortenedContext>,
}

/// `CreateDatasetEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatasetOutput {
    pub dataset_id: String,
}

/// `GetDatasetByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetDatasetOutput {
    pub name: String,
    pub schema: Vec<SegmentDefOutput>,
}

/// `DatasetSegmentDefinition` (response side).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SegmentDefOutput {
    pub key: String,
    pub kind: &'static str,
    pub label: Option<String>,
    pub required: bool,
    pub max_length: Option<i64>,
}

/// `CreateDatapointEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatapointOutput {
    pub datapoint_id: String,
}

/// `QueryDatapointsByDatasetIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DatapointItem {
    pub id: String,
    pub dataset_id: String,
    pub segments: Vec<SegmentOutput>,
}

/// `DatasetSegment` (response side): a Text segment has `originalText`/`englishText` (the
/// sandbox translates nothing: both are the text), an Asset segment `asset`, an OptionList
/// segment `options`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SegmentOutput {
    pub key: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub english_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset: Option<Asset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<SegmentOptionOutput>>,
}

/// `DatasetSegmentOption`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SegmentOptionOutput {
    pub label: String,
    pub value: String,
}

/// `GetDatasetProgressEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DatasetProgressOutput {
    pub total: i32,
    pub ready: i32,
    pub pending: i32,
    pub failed: i32,
}

// ---------------------------------------------------------------------------------------------
// Workflows, referees, job definitions
// ---------------------------------------------------------------------------------------------

/// `CreateJobDefinitionEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobDefinitionOutput {
    pub definition_id: String,
    pub pipeline_id: String,
}

/// `DefinitionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum DefinitionType {
    Unknown,
    Classify,
    Compare,
    BoundingBox,
    Line,
    Polygon,
    Locate,
    Transcription,
    NamedEntity,
    FreeText,
    Scrub,
    Ranking,
    GroupedRanking,
    Evaluation,
}

impl DefinitionType {
    pub fn as_str(self) -> &'static str {
        match self {
            DefinitionType::Unknown => "Unknown",
            DefinitionType::Classify => "Classify",
            DefinitionType::Compare => "Compare",
            DefinitionType::BoundingBox => "BoundingBox",
            DefinitionType::Line => "Line",
            DefinitionType::Polygon => "Polygon",
            DefinitionType::Locate => "Locate",
            DefinitionType::Transcription => "Transcription",
            DefinitionType::NamedEntity => "NamedEntity",
            DefinitionType::FreeText => "FreeText",
            DefinitionType::Scrub => "Scrub",
            DefinitionType::Ranking => "Ranking",
            DefinitionType::GroupedRanking => "GroupedRanking",
            DefinitionType::Evaluation => "Evaluation",
        }
    }
}

/// `GetJobDefinitionByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetJobDefinitionOutput {
    pub definition_id: String,
    pub name: String,
    pub definition_type: DefinitionType,
    pub is_public: bool,
    pub created_at: String,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
}

/// `QueryJobDefinitionsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobDefinitionItem {
    pub definition_id: String,
    pub name: String,
    pub definition_type: DefinitionType,
    pub created_at: String,
    pub revision_count: i32,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
}

/// `CreateJobRevisionEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobRevisionOutput {
    pub revision_number: i32,
    pub pipeline_id: String,
}

/// `JobDefinitionRevisionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum RevisionState {
    Pending,
    Completed,
    Failed,
}

/// `GetJobRevisionEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetJobRevisionOutput {
    pub definition_id: String,
    pub revision_number: i32,
    pub state: RevisionState,
    pub pipeline_id: String,
    pub dataset_id: String,
    pub aggregator_type: Option<AggregatorType>,
    pub workflow: IOrderWorkflowInput,
    pub referee: IReferee,
    pub feature_flags: Vec<FeatureFlag>,
    pub campaign_feature_flags: Vec<FeatureFlag>,
    pub validation_set_id: Option<String>,
    pub base_revision_number: Option<i32>,
    pub created_at: String,
    pub created_by_id: String,
    pub created_by_mail: String,
    pub is_instruction_complex: Option<bool>,
    pub instruction_complexity_reason: Option<String>,
}

/// `QueryJobRevisionsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobRevisionItem {
    pub definition_id: String,
    pub revision_number: i32,
    pub created_at: String,
    pub state: RevisionState,
    pub base_revision_number: Option<i32>,
}

/// `GetJobDefinitionCostEstimateEndpoint_Output` / `GetJobCostEstimateEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CostEstimateOutput {
    pub estimated_cost: f64,
    pub cost_per_response: f64,
    pub datapoint_count: i64,
    pub required_responses: i64,
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/// `CreateJobEndpoint_CostWarning`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CostWarning {
    pub estimated_cost: f64,
    pub available_balance: f64,
    pub shortfall: f64,
}

/// `CreateJobEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobOutput {
    pub job_id: String,
    pub experiment_id: Option<String>,
    pub recruiting_started: bool,
    pub content_check_skip_denied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_warning: Option<CostWarning>,
}

/// `AudienceJobState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum JobState {
    Submitted,
    Running,
    Completed,
    Failed,
    ManualApproval,
    Queued,
    Paused,
    StaleResults,
    SpendLimited,
    Blocked,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Submitted => "Submitted",
            JobState::Running => "Running",
            JobState::Completed => "Completed",
            JobState::Failed => "Failed",
            JobState::ManualApproval => "ManualApproval",
            JobState::Queued => "Queued",
            JobState::Paused => "Paused",
            JobState::StaleResults => "StaleResults",
            JobState::SpendLimited => "SpendLimited",
            JobState::Blocked => "Blocked",
        }
    }
}

/// `GetJobByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetJobOutput {
    pub job_id: String,
    pub name: String,
    pub definition_id: String,
    pub audience_id: String,
    pub revision_number: i32,
    pub pipeline_id: String,
    pub campaign_id: Option<String>,
    pub audience_name: Option<String>,
    pub state: JobState,
    pub is_public: bool,
    pub audience_deleted: bool,
    pub completed_at: Option<String>,
    pub result_file_name: Option<String>,
    pub failed_at: Option<String>,
    pub failure_message: Option<String>,
    pub review_reason: Option<String>,
    pub experiment_id: Option<String>,
    pub created_at: String,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
}

/// `LabelingState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum LabelingState {
    Created,
    Started,
    Labeling,
    Paused,
    Done,
    Failed,
}

/// `GetJobProgressEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobProgressOutput {
    pub completion_percentage: f64,
    pub total: i64,
    pub completed: i64,
    pub state: LabelingState,
    /// Responses collected so far (API 2026.10.25).
    pub response_count: i64,
}

/// `QueryJobsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobItem {
    pub job_id: String,
    pub name: String,
    pub job_definition_id: String,
    pub audience_id: String,
    pub revision_number: i32,
    pub pipeline_id: String,
    pub state: JobState,
    pub owner_mail: String,
    pub organization_id: String,
    pub created_at: String,
    pub progress: Option<f64>,
    pub campaign_id: Option<String>,
    pub is_shared: bool,
}

// ---------------------------------------------------------------------------------------------
// Paging, errors, auth
// ---------------------------------------------------------------------------------------------

/// `*_PagedResultOfOutput`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Paged<T> {
    pub total: i64,
    pub page: i32,
    pub page_size: i32,
    pub items: Vec<T>,
    pub total_pages: i32,
}

/// `ValidationProblemDetails` (plus the `traceId` extension the backend adds).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValidationProblemDetails {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub errors: BTreeMap<String, Vec<String>>,
    pub trace_id: String,
}

/// `ProblemDetails` (404, 409, 429, 503 …).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProblemDetails {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub trace_id: String,
}

/// The OAuth2 token response of `POST /connect/token`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    pub scope: String,
}

/// An OAuth2 error response (`{"error":"invalid_client"}`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OAuthError {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Result files (GET /job/{jobId}/download-results; no schema in the spec; layouts as the SDK's results reader expects them)
// ---------------------------------------------------------------------------------------------

/// A JSON object whose keys keep their insertion order (A before B, categories as defined).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    /// Sets `key` (keeps the position of an existing key).
    pub fn set(&mut self, key: &str, value: V) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// `info` of a result file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResultInfo {
    pub created_at: String,
    pub version: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub instruction: String,
}

/// `userScores`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserScores {
    pub global: f64,
}

/// `demographics`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Demographics {
    pub age: &'static str,
    pub gender: &'static str,
    pub occupation: &'static str,
}

/// `userDetails` of one vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDetails {
    pub country: &'static str,
    pub language: &'static str,
    pub user_scores: UserScores,
    pub demographics: Demographics,
}

/// One compare vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareDetail {
    pub voted_for: String,
    pub user_details: UserDetails,
}

/// One compare datapoint's result (aggregator 4.1.0).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareResult {
    pub context: Option<String>,
    pub winner: Option<String>,
    pub winner_index: Option<usize>,
    pub weighted_winner: Option<String>,
    pub weighted_winner_index: Option<usize>,
    /// Deprecated alias of `winnerIndex`.
    #[serde(rename = "winner_index")]
    pub winner_index_alias: Option<usize>,
    pub asset_urls: Ordered<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    pub detailed_results: Vec<CompareDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// Compare `summary`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompareSummary {
    #[serde(rename = "A_wins_total")]
    pub a_wins_total: usize,
    #[serde(rename = "B_wins_total")]
    pub b_wins_total: usize,
}

/// One classification vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyDetail {
    pub selected_category: String,
    pub user_details: UserDetails,
}

/// One classification datapoint's result (aggregator 3.0.0).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyResult {
    pub identifier: String,
    pub original_file_name: Option<String>,
    pub asset_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_per_category: Option<Ordered<f64>>,
    pub detailed_results: Vec<ClassifyDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// A whole result file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResultFile<R, S> {
    pub info: ResultInfo,
    pub results: Vec<R>,
    pub summary: S,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_types::{
        AddExampleToAudienceEndpointInput, CreateAudienceEndpointInput,
        CreateDatapointEndpointInput, CreateJobDefinitionEndpointInput, ExistingAssetInput,
        IAssetInput, UpdateAudienceEndpointInput,
    };
    use crate::strict::Strict;
    use serde::de::DeserializeOwned;

    fn err<T: DeserializeOwned + Strict + std::fmt::Debug>(json: &str) -> FieldError {
        parse::<T>(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn unions_round_trip_with_tag_first() {
        let json = r#"{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput","name":"a.jpg"},{"_t":"TextAssetInput","text":"hi"}]}"#;
        let asset: IAssetInput = parse(json.as_bytes()).unwrap();
        let IAssetInput::MultiAssetInput(multi) = &asset else {
            panic!()
        };
        assert_eq!(multi.assets.len(), 2);
        assert_eq!(serde_json::to_string(&asset).unwrap(), json);
    }

    #[test]
    fn errors_name_the_nested_field() {
        let e = err::<CreateDatapointEndpointInput>(
            r#"{"segments":[{"key":"asset","kind":"Asset","asset":{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput"}]}}]}"#,
        );
        assert_eq!(e.path, "segments[0].asset.assets[0].name");
        assert_eq!(e.message, "The name field is required.");

        let e = err::<CreateDatapointEndpointInput>(
            r#"{"segments":[{"key":"asset","kind":"Asset","asset":{"_t":"MultiAssetInput","assets":[{"_t":"Nope","name":"x"}]}}]}"#,
        );
        assert_eq!(e.path, "segments[0].asset.assets[0]._t");
        assert!(e.message.contains("Nope"), "{}", e.message);

        let e = err::<CreateDatapointEndpointInput>(r#"{"segments":[],"sortIndex":"one"}"#);
        assert_eq!(e.path, "sortIndex");

        let e = err::<CreateAudienceEndpointInput>(
            r#"{"name":"x","filters":[{"_t":"NotFilter","filter":{"_t":"CountryFilter","countries":[1]}}]}"#,
        );
        assert_eq!(e.path, "filters[0].filter.countries[0]");

        let e = err::<CreateAudienceEndpointInput>(r#"{"filters":[]}"#);
        assert_eq!(e.path, "name");

        let e = err::<CreateAudienceEndpointInput>(r#"{"name": "#);
        assert_eq!(e.path, "$");

        let e = err::<CreateJobDefinitionEndpointInput>(
            r#"{"definitionName":"d","datasetId":"x","referee":{"_t":"NaiveReferee","totalVotes":3},"workflow":{"_t":"SimpleWorkflow","rapid":{"_t":"Compare","asset":{"segment":"asset"}}}}"#,
        );
        assert_eq!(e.path, "workflow.rapid.criteria");

        let e = err::<CreateJobDefinitionEndpointInput>(
            r#"{"definitionName":"d","datasetId":"x","referee":{"totalVotes":3},"workflow":{"_t":"SimpleWorkflow"}}"#,
        );
        assert_eq!(e.path, "referee._t");

        let e = err::<CreateJobDefinitionEndpointInput>(
            r#"{"definitionName":"d","datasetId":"x","referee":null,"workflow":{"_t":"SimpleWorkflow"}}"#,
        );
        assert_eq!(e.path, "referee");
    }

    #[test]
    fn unknown_enum_values_are_errors() {
        let e = err::<CreateAudienceEndpointInput>(
            r#"{"name":"x","filters":[{"_t":"OrFilter","filters":[{"_t":"DeviceFilter","deviceTypes":["Phone","Laptop"]}]}]}"#,
        );
        assert_eq!(e.path, "filters[0].filters[0].deviceTypes[1]");
        assert!(e.message.contains("\"Laptop\""), "{}", e.message);
        assert!(e.message.contains("Tablet"), "{}", e.message);

        let e = err::<UpdateAudienceEndpointInput>(r#"{"distillingRetrievalMode":"Backwards"}"#);
        assert_eq!(e.path, "distillingRetrievalMode");

        let e = err::<AddExampleToAudienceEndpointInput>(
            r#"{"asset":{"_t":"TextAssetInput","text":"x"},"payload":{"_t":"CompareExamplePayload","criteria":"c"},"randomCorrectProbability":0.5,"visibility":"Secret"}"#,
        );
        assert_eq!(e.path, "visibility");
    }

    #[test]
    fn patch_fields_have_three_states() {
        let u: UpdateAudienceEndpointInput = parse(br#"{"description":null}"#).unwrap();
        assert_eq!(u.description, Some(None));
        assert_eq!(u.drop_score, None);
        let u: UpdateAudienceEndpointInput = parse(br#"{"dropScore":0.5}"#).unwrap();
        assert_eq!(u.drop_score, Some(Some(0.5)));
    }

    #[test]
    fn required_nullable_must_be_present() {
        let e = err::<ExistingAssetInput>(
            r#"{"name":"a","metadata":{"k":{"_t":"TextMetadataInput","visibilities":[]}}}"#,
        );
        assert_eq!(e.path, "metadata.k.text");
    }
}
