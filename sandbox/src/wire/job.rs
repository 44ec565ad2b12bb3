//! The bodies of the job service.

use serde::Serialize;

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
