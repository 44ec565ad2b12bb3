//! The asset echo shared by responses, and the bodies of the upload services.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

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
