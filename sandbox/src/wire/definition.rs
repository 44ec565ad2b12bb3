//! The bodies of job definitions, their revisions and cost estimates.

use serde::Serialize;

use crate::api_types::{AggregatorType, FeatureFlag, IOrderWorkflowInput, IReferee};

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
