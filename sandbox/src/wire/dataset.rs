//! The bodies of the dataset service.

use serde::Serialize;

use super::asset::Asset;

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
