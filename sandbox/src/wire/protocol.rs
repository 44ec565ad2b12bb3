//! The bodies every service shares: paged lists, problem details, and the token endpoint's
//! answer and error.

use std::collections::BTreeMap;

use serde::Serialize;

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
