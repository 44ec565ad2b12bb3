//! The bodies of the audience service and of its qualification examples.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api_types::{
    ExampleVisibility, IAudienceFilter, IExamplePayload, IExampleTruth, IGraduationRule,
    RetrievalMode,
};

use super::asset::Asset;
use super::job::JobState;

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
