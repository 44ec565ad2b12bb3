//! Request handling: latency and fault injection, routing, authentication, error bodies,
//! list queries, and the token endpoint.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::api;
use crate::http::{Outcome, Request, Response};
use crate::journal::{self, Journal};
use crate::rng::{self, Mix};
use crate::sim::{self, Labeler};
use crate::store::State;
use crate::util::{base64_decode, parse_pairs, percent_decode};
use crate::wire::{
    self, FieldError, OAuthError, Paged, ProblemDetails, TokenResponse, ValidationProblemDetails,
};

/// Everything the builder configures.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub seed: u64,
    pub labelers: usize,
    pub response_interval: Duration,
    pub qualification_delay: Duration,
    pub cost_estimate_delay: Duration,
    pub latency: Duration,
    pub rate_429: f64,
    pub retry_after_secs: u64,
    pub rate_503: f64,
    pub rate_drop: f64,
    pub token_lifetime: Duration,
    pub client_id: String,
    pub client_secret: String,
    pub balance: f64,
    pub cost_per_response: f64,
}

/// The server application: configuration, labeler pool and state.
pub(crate) struct App {
    pub cfg: Config,
    pub pool: Vec<Labeler>,
    state: Mutex<State>,
    journal: Mutex<Journal>,
    traces: AtomicU64,
    /// API requests being handled now, and the most at one moment.
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

/// Counts one API request as in flight until it is dropped.
struct InFlight<'a>(&'a App);

impl<'a> InFlight<'a> {
    fn new(app: &'a App) -> InFlight<'a> {
        let now = app.in_flight.fetch_add(1, AtomicOrdering::SeqCst) + 1;
        app.max_in_flight.fetch_max(now, AtomicOrdering::SeqCst);
        InFlight(app)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, AtomicOrdering::SeqCst);
    }
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

/// Every endpoint the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Token,
    UserInfo,
    CreateAudience,
    GetAudience,
    PatchAudience,
    DeleteAudience,
    ListAudiences,
    FilterAudience,
    Recruit,
    UserMetrics,
    AudienceJobs,
    AddExample,
    ListExamples,
    PatchExample,
    DeleteExample,
    UploadUrl,
    UploadFile,
    CreateBatch,
    BatchStatus,
    BatchResult,
    AbortBatch,
    ShortenContext,
    CreateDataset,
    GetDataset,
    CreateDatapoint,
    ListDatapoints,
    DatasetProgress,
    CreateGroup,
    CreateDefinition,
    GetDefinition,
    DeleteDefinition,
    ListDefinitions,
    CreateRevision,
    GetLatestRevision,
    GetRevision,
    ListRevisions,
    DefinitionCost,
    CreateJob,
    GetJob,
    DeleteJob,
    JobProgress,
    JobCost,
    PauseJob,
    ResumeJob,
    RetryJob,
    DownloadResults,
    ListJobs,
    StartPreliminaryDownload,
    GetPreliminaryDownload,
    CreateUnlistedAudience,
    GetUnlistedAudience,
    CreateValidationSet,
    GetValidationSet,
    PatchValidationSet,
    DeleteValidationSet,
    ListValidationSets,
    AddValidationRapid,
    ListValidationRapids,
    BridgeCreate,
    BridgeRead,
    AuthorizeExternal,
    CreateClient,
}

/// (method, path template, route).
type RouteEntry = (&'static str, &'static str, Route);

/// Every route. Templates use the spec's parameter names.
pub(crate) const ROUTES: &[RouteEntry] = &[
    ("POST", "/connect/token", Route::Token),
    // The browser (bridge-token) login: see `bridge` below.
    ("POST", "/identity/bridge-token", Route::BridgeCreate),
    ("GET", "/identity/bridge-token", Route::BridgeRead),
    (
        "GET",
        "/connect/authorize/external",
        Route::AuthorizeExternal,
    ),
    ("POST", "/client", Route::CreateClient),
    // The official SDK spells it `/Client`.
    ("POST", "/Client", Route::CreateClient),
    ("GET", "/connect/userinfo", Route::UserInfo),
    ("POST", "/audience", Route::CreateAudience),
    ("GET", "/audience/{audienceId}", Route::GetAudience),
    ("PATCH", "/audience/{audienceId}", Route::PatchAudience),
    ("DELETE", "/audience/{audienceId}", Route::DeleteAudience),
    ("GET", "/audiences", Route::ListAudiences),
    (
        "POST",
        "/audience/{baseAudienceId}/filter",
        Route::FilterAudience,
    ),
    ("POST", "/audience/{audienceId}/recruit", Route::Recruit),
    (
        "GET",
        "/audience/{audienceId}/user-metrics",
        Route::UserMetrics,
    ),
    ("GET", "/audience/{audienceId}/jobs", Route::AudienceJobs),
    ("POST", "/audience/{audienceId}/example", Route::AddExample),
    (
        "GET",
        "/audience/{audienceId}/examples",
        Route::ListExamples,
    ),
    (
        "PATCH",
        "/audience/{audienceId}/example/{exampleId}",
        Route::PatchExample,
    ),
    (
        "DELETE",
        "/audience/example/{exampleId}",
        Route::DeleteExample,
    ),
    ("POST", "/asset/url", Route::UploadUrl),
    ("POST", "/asset/file", Route::UploadFile),
    ("POST", "/asset/batch-upload", Route::CreateBatch),
    ("GET", "/asset/batch-upload/status", Route::BatchStatus),
    (
        "GET",
        "/asset/batch-upload/{batchUploadId}",
        Route::BatchResult,
    ),
    (
        "POST",
        "/asset/batch-upload/{batchUploadId}/abort",
        Route::AbortBatch,
    ),
    ("POST", "/datasets/shorten-context", Route::ShortenContext),
    ("POST", "/dataset", Route::CreateDataset),
    ("GET", "/dataset/{datasetId}", Route::GetDataset),
    (
        "POST",
        "/dataset/{datasetId}/datapoint",
        Route::CreateDatapoint,
    ),
    (
        "GET",
        "/dataset/{datasetId}/datapoints",
        Route::ListDatapoints,
    ),
    (
        "GET",
        "/dataset/{datasetId}/progress",
        Route::DatasetProgress,
    ),
    ("POST", "/dataset/{datasetId}/group", Route::CreateGroup),
    ("POST", "/job/definition", Route::CreateDefinition),
    (
        "GET",
        "/job/definition/{definitionId}",
        Route::GetDefinition,
    ),
    (
        "DELETE",
        "/job/definition/{definitionId}",
        Route::DeleteDefinition,
    ),
    ("GET", "/job/definitions", Route::ListDefinitions),
    (
        "POST",
        "/job/definition/{definitionId}/revision",
        Route::CreateRevision,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/revision",
        Route::GetLatestRevision,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/revision/{revisionNumber}",
        Route::GetRevision,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/revisions",
        Route::ListRevisions,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/cost-estimate",
        Route::DefinitionCost,
    ),
    ("POST", "/job", Route::CreateJob),
    ("GET", "/job/{jobId}", Route::GetJob),
    ("DELETE", "/job/{jobId}", Route::DeleteJob),
    ("GET", "/job/{jobId}/progress", Route::JobProgress),
    ("GET", "/job/{jobId}/cost-estimate", Route::JobCost),
    ("POST", "/job/{jobId}/pause", Route::PauseJob),
    ("POST", "/job/{jobId}/resume", Route::ResumeJob),
    ("POST", "/job/{jobId}/retry", Route::RetryJob),
    (
        "GET",
        "/job/{jobId}/download-results",
        Route::DownloadResults,
    ),
    ("GET", "/jobs", Route::ListJobs),
    (
        "POST",
        "/pipeline/{pipelineId}/preliminary-download",
        Route::StartPreliminaryDownload,
    ),
    (
        "GET",
        "/pipeline/preliminary-download/{preliminaryDownloadId}",
        Route::GetPreliminaryDownload,
    ),
    ("POST", "/audience/unlisted", Route::CreateUnlistedAudience),
    (
        "GET",
        "/audience/unlisted/{audienceId}",
        Route::GetUnlistedAudience,
    ),
    ("POST", "/validation-set", Route::CreateValidationSet),
    (
        "GET",
        "/validation-set/{validationSetId}",
        Route::GetValidationSet,
    ),
    (
        "PATCH",
        "/validation-set/{validationSetId}",
        Route::PatchValidationSet,
    ),
    (
        "DELETE",
        "/validation-set/{validationSetId}",
        Route::DeleteValidationSet,
    ),
    (
        "POST",
        "/validation-set/{validationSetId}/rapid",
        Route::AddValidationRapid,
    ),
    (
        "GET",
        "/validation-set/{validationSetId}/rapids",
        Route::ListValidationRapids,
    ),
    ("GET", "/validation-sets", Route::ListValidationSets),
];

/// A matched route.
pub(crate) struct Matched {
    pub route: Route,
    /// `"POST /audience/{audienceId}/example"`.
    pub key: String,
    /// Decoded path parameters, in template order.
    pub params: Vec<String>,
}

/// Finds the most specific route for a path (literal segments beat parameters).
pub(crate) fn match_route(method: &str, raw_path: &str) -> Result<Matched, ApiError> {
    let trimmed = if raw_path.len() > 1 {
        raw_path.strip_suffix('/').unwrap_or(raw_path)
    } else {
        raw_path
    };
    let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
    let mut best: Option<(usize, &RouteEntry, Vec<String>)> = None;
    let mut allowed: Vec<&str> = Vec::new();
    for entry in ROUTES {
        let template: Vec<&str> = entry.1.split('/').skip(1).collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut literals = 0;
        let mut params = Vec::new();
        let ok = template.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') {
                let decoded = percent_decode(s, false);
                params.push(decoded);
                !s.is_empty()
            } else {
                literals += 1;
                t == s
            }
        });
        if !ok {
            continue;
        }
        if entry.0 != method {
            allowed.push(entry.0);
            continue;
        }
        if best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
            best = Some((literals, entry, params));
        }
    }
    match best {
        Some((_, entry, params)) => Ok(Matched {
            route: entry.2,
            key: format!("{} {}", entry.0, entry.1),
            params,
        }),
        None if !allowed.is_empty() => {
            allowed.dedup();
            Err(ApiError::MethodNotAllowed(allowed.join(", ")))
        }
        None => Err(ApiError::NoRoute),
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and replies
// ---------------------------------------------------------------------------------------------

/// Everything a handler can answer besides success.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// 400 `ValidationProblemDetails`: (field path, message) pairs.
    Validation(Vec<(String, String)>),
    /// 400 `ValidationProblemDetails` of a business rule: the message is the title, the
    /// detail and the one error of `field`.
    Rule { field: String, message: String },
    /// 404 `ProblemDetails`.
    NotFound(String),
    /// 409 `ProblemDetails` (e.g. cost estimate not ready).
    Conflict(String),
    /// 409 `ProblemDetails` of a `requireLatest` revision save, with `latestRevisionNumber`.
    RevisionConflict { detail: String, latest: i32 },
    /// 401, no body.
    Unauthorized,
    /// 415, no body.
    UnsupportedMediaType,
    /// 405 with `Allow`.
    MethodNotAllowed(String),
    /// 404 with no body: no such path.
    NoRoute,
    /// An OAuth2 error of the token endpoint (always 400).
    OAuth(&'static str, String),
    /// 400 from asset ingestion, with `stage` and `upstreamHttpStatus`.
    AssetDownload {
        detail: String,
        stage: &'static str,
        upstream: Option<i32>,
    },
}

impl ApiError {
    /// A 400 naming one field.
    pub fn field(path: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![(path.into(), message.into())])
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::field(e.path, e.message)
    }
}

/// A successful answer.
pub(crate) enum Reply {
    /// 200 with a JSON body.
    Json(Vec<u8>),
    /// 204.
    NoContent,
    /// 200 `application/octet-stream` attachment.
    File { body: Vec<u8>, name: String },
    /// Any other status with a body (202 of a bridge token not yet approved, the HTML page
    /// of the simulated login).
    Other {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
}

/// A 200 JSON reply.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<Reply, ApiError> {
    Ok(Reply::Json(
        serde_json::to_vec(value).expect("wire types always serialize"),
    ))
}

fn traceparent(trace: &str) -> String {
    format!("00-{trace}-{}-00", &trace[..16])
}

fn json_response<T: Serialize>(status: u16, content_type: &str, value: &T) -> Response {
    Response::new(status).with_body(
        content_type,
        serde_json::to_vec(value).expect("wire types always serialize"),
    )
}

fn problem(status: u16, kind: &str, title: &str, detail: Option<String>, trace: &str) -> Response {
    json_response(
        status,
        "application/problem+json; charset=utf-8",
        &ProblemDetails {
            kind: kind.to_string(),
            title: title.to_string(),
            status: i32::from(status),
            detail,
            trace_id: traceparent(trace),
        },
    )
}

impl ApiError {
    fn into_response(self, trace: &str) -> Response {
        match self {
            ApiError::Validation(errors) => {
                let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for (k, v) in errors {
                    map.entry(k).or_default().push(v);
                }
                json_response(
                    400,
                    "application/problem+json; charset=utf-8",
                    &ValidationProblemDetails {
                        kind: "https://tools.ietf.org/html/rfc9110#section-15.5.1".into(),
                        title: "One or more validation errors occurred.".into(),
                        status: 400,
                        detail: None,
                        errors: map,
                        trace_id: traceparent(trace),
                    },
                )
            }
            ApiError::Rule { field, message } => json_response(
                400,
                "application/problem+json; charset=utf-8",
                &ValidationProblemDetails {
                    kind: "https://tools.ietf.org/html/rfc9110#section-15.5.1".into(),
                    title: message.clone(),
                    status: 400,
                    detail: Some(message.clone()),
                    errors: BTreeMap::from([(field, vec![message])]),
                    trace_id: traceparent(trace),
                },
            ),
            ApiError::AssetDownload {
                detail,
                stage,
                upstream,
            } => {
                let body = serde_json::json!({
                    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                    "title": "The asset could not be ingested.",
                    "status": 400,
                    "detail": detail,
                    "errors": {"url": [detail]},
                    "stage": stage,
                    "upstreamHttpStatus": upstream,
                    "traceId": traceparent(trace),
                });
                json_response(400, "application/problem+json; charset=utf-8", &body)
            }
            ApiError::NotFound(detail) => problem(
                404,
                "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                "Not Found",
                Some(detail),
                trace,
            ),
            ApiError::Conflict(detail) => problem(
                409,
                "https://tools.ietf.org/html/rfc9110#section-15.5.10",
                "Conflict",
                Some(detail),
                trace,
            ),
            ApiError::RevisionConflict { detail, latest } => {
                let body = serde_json::json!({
                    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.10",
                    "title": "Conflict",
                    "status": 409,
                    "detail": detail,
                    "latestRevisionNumber": latest,
                    "traceId": traceparent(trace),
                });
                json_response(409, "application/problem+json; charset=utf-8", &body)
            }
            ApiError::Unauthorized => Response::new(401).with_header("WWW-Authenticate", "Bearer"),
            ApiError::UnsupportedMediaType => Response::new(415),
            ApiError::MethodNotAllowed(allow) => Response::new(405).with_header("Allow", allow),
            ApiError::NoRoute => Response::new(404),
            ApiError::OAuth(error, description) => json_response(
                400,
                "application/json; charset=utf-8",
                &OAuthError {
                    error: error.to_string(),
                    error_description: Some(description),
                },
            )
            .with_header("Cache-Control", "no-store"),
        }
    }
}

impl Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Json(body) => {
                Response::new(200).with_body("application/json; charset=utf-8", body)
            }
            Reply::NoContent => Response::new(204),
            Reply::File { body, name } => Response::new(200)
                .with_body("application/octet-stream", body)
                .with_header(
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ),
            Reply::Other {
                status,
                content_type,
                body,
            } => Response::new(status).with_body(content_type, body),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Query strings and list endpoints
// ---------------------------------------------------------------------------------------------

/// A decoded query string (keys like `name[contains]` are decoded from `name%5Bcontains%5D`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(raw: &str) -> Query {
        Query(parse_pairs(raw))
    }

    /// The first value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a (repeated) key.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// An optional integer parameter; a non-integer is a 400 naming it.
    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::field(key, format!("The value '{v}' is not valid."))),
        }
    }

    /// An optional boolean parameter.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::field(
                key,
                format!("The value '{v}' is not valid."),
            )),
        }
    }
}

/// What a list endpoint accepts.
pub(crate) struct ListSpec {
    /// Allowed `sort` values (with and without `-`).
    pub sorts: &'static [&'static str],
    /// Filterable fields.
    pub filters: &'static [&'static str],
    /// Sort used when none is given.
    pub default_sort: &'static str,
}

/// One row of a list: the output item plus its filterable/sortable fields as text.
pub(crate) struct Row<T> {
    pub item: T,
    pub seq: u64,
    pub fields: Vec<(&'static str, String)>,
}

impl<T> Row<T> {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

const OPERATORS: &[&str] = &[
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "starts_with",
    "ends_with",
    "not_contains",
    "in",
];

fn compare_text(a: &str, b: &str) -> Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

fn test_op(value: Option<&str>, op: &str, operand: &str) -> bool {
    let Some(value) = value else {
        return matches!(op, "neq" | "not_contains");
    };
    let lv = value.to_lowercase();
    let lo = operand.to_lowercase();
    match op {
        "eq" | "in" => compare_text(value, operand) == Ordering::Equal,
        "neq" => compare_text(value, operand) != Ordering::Equal,
        "gt" => compare_text(value, operand) == Ordering::Greater,
        "gte" => compare_text(value, operand) != Ordering::Less,
        "lt" => compare_text(value, operand) == Ordering::Less,
        "lte" => compare_text(value, operand) != Ordering::Greater,
        "contains" => lv.contains(&lo),
        "not_contains" => !lv.contains(&lo),
        "starts_with" => lv.starts_with(&lo),
        "ends_with" => lv.ends_with(&lo),
        _ => false,
    }
}

/// Filters, sorts and pages `rows` as the query asks → a paged JSON reply.
pub(crate) fn list<T: Serialize>(
    query: &Query,
    spec: &ListSpec,
    rows: Vec<Row<T>>,
) -> Result<Reply, ApiError> {
    let page = query.int("page")?.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::field(
            "page",
            "'Page' must be greater than or equal to 1.",
        ));
    }
    let page_size = query.int("page_size")?.unwrap_or(10);
    if !(1..=1000).contains(&page_size) {
        return Err(ApiError::field(
            "page_size",
            "'Page Size' must be between 1 and 1000.",
        ));
    }
    let mut sorts: Vec<&str> = query.all("sort");
    for s in &sorts {
        if !spec.sorts.contains(s) {
            return Err(ApiError::field(
                "sort",
                format!(
                    "The value '{s}' is not valid. Allowed: {}.",
                    spec.sorts.join(", ")
                ),
            ));
        }
    }
    if sorts.is_empty() {
        sorts.push(spec.default_sort);
    }
    let or = match query.get("logic") {
        None | Some("") => false,
        Some(l) if l.eq_ignore_ascii_case("and") => false,
        Some(l) if l.eq_ignore_ascii_case("or") => true,
        Some(l) => {
            return Err(ApiError::field(
                "logic",
                format!("The value '{l}' is not valid."),
            ));
        }
    };

    // field → [(op, operand)]
    let mut conditions: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for (key, value) in &query.0 {
        let Some((field, rest)) = key.split_once('[') else {
            continue;
        };
        let Some(op) = rest.strip_suffix(']') else {
            continue;
        };
        let Some(&field) = spec.filters.iter().find(|f| **f == field) else {
            continue;
        };
        if !OPERATORS.contains(&op) {
            return Err(ApiError::field(
                field,
                format!("Unknown filter operator '{op}'."),
            ));
        }
        conditions
            .entry(field)
            .or_default()
            .push((op.to_string(), value.clone()));
    }

    let keep = |row: &Row<T>| -> bool {
        if conditions.is_empty() {
            return true;
        }
        let mut results = conditions.iter().map(|(field, ops)| {
            let value = row.field(field);
            let ins: Vec<&str> = ops
                .iter()
                .filter(|(op, _)| op == "in")
                .map(|(_, v)| v.as_str())
                .collect();
            let others = ops
                .iter()
                .filter(|(op, _)| op != "in")
                .all(|(op, v)| test_op(value, op, v));
            others && (ins.is_empty() || ins.iter().any(|v| test_op(value, "in", v)))
        });
        if or {
            results.any(|r| r)
        } else {
            results.all(|r| r)
        }
    };
    let mut rows: Vec<Row<T>> = rows.into_iter().filter(|r| keep(r)).collect();

    let first_desc = sorts[0].starts_with('-');
    rows.sort_by(|a, b| {
        for s in &sorts {
            let (desc, name) = match s.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, *s),
            };
            let ord = match (a.field(name), b.field(name)) {
                (Some(x), Some(y)) => compare_text(x, y),
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            let ord = if desc { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        if first_desc {
            b.seq.cmp(&a.seq)
        } else {
            a.seq.cmp(&b.seq)
        }
    });

    let total = rows.len() as i64;
    let total_pages = ((total + page_size - 1) / page_size) as i32;
    let start = ((page - 1) * page_size).min(total) as usize;
    let items: Vec<T> = rows
        .into_iter()
        .skip(start)
        .take(page_size as usize)
        .map(|r| r.item)
        .collect();
    json(&Paged {
        total,
        page: page as i32,
        page_size: page_size as i32,
        items,
        total_pages,
    })
}

// ---------------------------------------------------------------------------------------------
// Handling
// ---------------------------------------------------------------------------------------------

/// What a handler gets.
pub(crate) struct Ctx<'a> {
    pub cfg: &'a Config,
    pub pool: &'a [Labeler],
    pub now: Instant,
    pub req: &'a Request,
    pub params: Vec<String>,
    pub query: Query,
}

impl Ctx<'_> {
    /// Path parameter `i`.
    pub fn param(&self, i: usize) -> &str {
        &self.params[i]
    }

    /// The JSON body parsed strictly into `T` (415 unless the content type is JSON).
    pub fn body<T: serde::de::DeserializeOwned + crate::strict::Strict>(
        &self,
    ) -> Result<T, ApiError> {
        let content_type = self.req.header("content-type").unwrap_or("");
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime != "application/json" && !mime.ends_with("+json") {
            return Err(ApiError::UnsupportedMediaType);
        }
        Ok(wire::parse(&self.req.body)?)
    }
}

impl App {
    pub fn new(cfg: Config) -> App {
        let pool = sim::labelers(cfg.seed, cfg.labelers);
        let state = Mutex::new(State::new(&cfg));
        App {
            cfg,
            pool,
            state,
            journal: Mutex::new(Journal::default()),
            traces: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn trace_id(&self) -> String {
        let n = self.traces.fetch_add(1, AtomicOrdering::Relaxed);
        rng::hex(Mix::new(self.cfg.seed, "trace").num(n), 32)
    }

    /// Handles one request (the server's worker threads call this).
    pub fn handle(&self, req: Request) -> Outcome {
        let trace = self.trace_id();
        if req.path == "/_sandbox" || req.path.starts_with("/_sandbox/") {
            let response = self.sandbox_route(&req, &trace);
            return Outcome::Respond(response.with_header("x-trace-id", trace));
        }
        let slot = self.journal().reserve();
        let outcome = self.handle_api(&req, &trace);
        let entry = journal::entry(&req, &outcome);
        self.journal().fill(slot, entry);
        outcome
    }

    fn journal(&self) -> MutexGuard<'_, Journal> {
        self.journal
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Blocks a job (a flagged rapid): it reports `Blocked` and gets no more responses.
    pub fn block_job(&self, id: &str, reason: Option<&str>) -> Result<(), BlockError> {
        let now = Instant::now();
        let mut st = self.lock();
        if !st.jobs.contains_key(id) {
            return Err(BlockError::NotFound(format!("Job '{id}' was not found.")));
        }
        st.block_job(&self.cfg, &self.pool, id, reason, now)
            .map_err(BlockError::Finished)
    }

    /// People open a shared link of an unlisted audience (see `unlisted.rs`).
    pub fn open_link(&self, link: &str, annotators: usize) -> bool {
        let now = Instant::now();
        let mut st = self.lock();
        st.advance(&self.cfg, &self.pool, now);
        st.open_link(link, annotators, self.pool.len(), now)
    }

    /// The journal's finished entries, in arrival order.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.journal().entries()
    }

    /// The counters of `st`, with the most requests this sandbox handled at once.
    pub(crate) fn stats_of(&self, st: &State) -> crate::Stats {
        crate::Stats {
            max_in_flight: self.max_in_flight.load(AtomicOrdering::SeqCst),
            ..st.stats()
        }
    }

    fn handle_api(&self, req: &Request, trace: &str) -> Outcome {
        // From receipt (the added latency included) to the answer.
        let _in_flight = InFlight::new(self);
        if !self.cfg.latency.is_zero() {
            std::thread::sleep(self.cfg.latency);
        }
        match self.fault(req, trace) {
            Some(Fault::Reply(outcome)) => return outcome,
            Some(Fault::DropAfterProcessing) => {
                // Carry the request out, then lose the answer.
                let _ = self.dispatch(req);
                return Outcome::Drop;
            }
            None => {}
        }
        let response = match self.dispatch(req) {
            Ok(reply) => reply.into_response(),
            Err(e) => e.into_response(trace),
        };
        Outcome::Respond(response.with_header("x-trace-id", trace))
    }

    fn sandbox_route(&self, req: &Request, trace: &str) -> Response {
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/_sandbox/stats") => {
                let now = Instant::now();
                let mut st = self.lock();
                st.advance(&self.cfg, &self.pool, now);
                json_response(200, "application/json; charset=utf-8", &self.stats_of(&st))
            }
            ("GET", "/_sandbox/requests") => {
                json_response(200, "application/json; charset=utf-8", &self.requests())
            }
            ("GET", "/_sandbox/health") => {
                Response::new(200).with_body("text/plain; charset=utf-8", b"ok".to_vec())
            }
            ("POST", path) if block_target(path).is_some() => {
                let id = block_target(path).expect("matched");
                let reason = if req.body.iter().all(u8::is_ascii_whitespace) {
                    None
                } else {
                    match serde_json::from_slice::<serde_json::Value>(&req.body) {
                        Ok(serde_json::Value::Object(o)) => match o.get("reason") {
                            None | Some(serde_json::Value::Null) => None,
                            Some(serde_json::Value::String(r)) => Some(r.clone()),
                            Some(_) => {
                                return ApiError::field("reason", "'reason' must be a string.")
                                    .into_response(trace)
                            }
                        },
                        _ => {
                            return ApiError::field(
                                "$",
                                "The body must be a JSON object such as {\"reason\": \"…\"}.",
                            )
                            .into_response(trace)
                        }
                    }
                };
                match self.block_job(&id, reason.as_deref()) {
                    Ok(()) => Response::new(204),
                    Err(BlockError::NotFound(m)) => ApiError::NotFound(m).into_response(trace),
                    Err(BlockError::Finished(m)) => {
                        ApiError::field("jobId", m).into_response(trace)
                    }
                }
            }
            _ => ApiError::NoRoute.into_response(trace),
        }
    }

    /// Decides (deterministically) whether this request is faulted. The draw is a hash of the
    /// seed, the request (method, path, query, body) and how many identical requests came
    /// before, so a sequential client sees the same faults on every run.
    fn fault(&self, req: &Request, trace: &str) -> Option<Fault> {
        let cfg = &self.cfg;
        if cfg.rate_drop + cfg.rate_429 + cfg.rate_503 <= 0.0 {
            return None;
        }
        let key = Mix::new(0, "request")
            .str(&req.method)
            .str(&req.path)
            .str(&req.query)
            .bytes(&req.body)
            .u64();
        let mut st = self.lock();
        let n = st.fault_seen.entry(key).or_insert(0);
        let seen = *n;
        *n += 1;
        let u = Mix::new(cfg.seed, "fault").num(key).num(seen).unit();
        if u < cfg.rate_drop {
            st.faults.dropped += 1;
            // Half the drops come after the request was carried out.
            if Mix::new(cfg.seed, "drop-after").num(key).num(seen).unit() < 0.5 {
                st.faults.dropped_after_processing += 1;
                Some(Fault::DropAfterProcessing)
            } else {
                Some(Fault::Reply(Outcome::Drop))
            }
        } else if u < cfg.rate_drop + cfg.rate_429 {
            st.faults.too_many_requests += 1;
            Some(Fault::Reply(Outcome::Respond(
                problem(
                    429,
                    "https://tools.ietf.org/html/rfc6585#section-4",
                    "Too Many Requests",
                    Some("Simulated rate limit (sandbox fault injection).".into()),
                    trace,
                )
                .with_header("Retry-After", cfg.retry_after_secs.to_string())
                .with_header("x-trace-id", trace),
            )))
        } else if u < cfg.rate_drop + cfg.rate_429 + cfg.rate_503 {
            st.faults.service_unavailable += 1;
            Some(Fault::Reply(Outcome::Respond(
                problem(
                    503,
                    "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                    "Service Unavailable",
                    Some("Simulated outage (sandbox fault injection).".into()),
                    trace,
                )
                .with_header("x-trace-id", trace),
            )))
        } else {
            None
        }
    }

    fn dispatch(&self, req: &Request) -> Result<Reply, ApiError> {
        let matched = match_route(&req.method, &req.path)?;
        let now = Instant::now();
        let mut st = self.lock();
        *st.routes.entry(matched.key.clone()).or_insert(0) += 1;
        match matched.route {
            Route::Token => return self.token(&mut st, req, now),
            Route::BridgeCreate | Route::BridgeRead | Route::AuthorizeExternal => {
                return self.bridge(matched.route, &mut st, req, now)
            }
            _ => {}
        }
        let token = req
            .header("authorization")
            .and_then(|h| {
                let (scheme, token) = h.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .unwrap_or("");
        if token.is_empty() || !st.token_valid(token, now) {
            return Err(ApiError::Unauthorized);
        }
        if matched.route == Route::CreateClient {
            return self.create_client(&mut st, req);
        }
        if matched.route == Route::UserInfo {
            return json(&serde_json::json!({
                "sub": crate::store::OWNER_ID,
                "email": crate::store::OWNER_MAIL,
                "email_verified": true,
                "name": crate::store::OWNER_NAME,
            }));
        }
        st.advance(&self.cfg, &self.pool, now);
        let ctx = Ctx {
            cfg: &self.cfg,
            pool: &self.pool,
            now,
            req,
            params: matched.params,
            query: Query::parse(&req.query),
        };
        api::dispatch(matched.route, &mut st, &ctx)
    }

    /// `POST /connect/token` (OAuth2 client credentials; client authentication by HTTP Basic
    /// or by `client_id`/`client_secret` form fields). Wrong credentials → 400
    /// `{"error":"invalid_client"}` (IdentityServer's behaviour).
    fn token(&self, st: &mut State, req: &Request, now: Instant) -> Result<Reply, ApiError> {
        let content_type = req
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(ApiError::OAuth(
                "invalid_request",
                "The token request must be application/x-www-form-urlencoded.".into(),
            ));
        }
        let form = Query(parse_pairs(&String::from_utf8_lossy(&req.body)));
        match form.get("grant_type") {
            Some("client_credentials") => {}
            None => {
                return Err(ApiError::OAuth(
                    "invalid_request",
                    "grant_type is missing.".into(),
                ));
            }
            Some(other) => {
                return Err(ApiError::OAuth(
                    "unsupported_grant_type",
                    format!("Grant type '{other}' is not supported."),
                ));
            }
        }
        let basic = req.header("authorization").and_then(|h| {
            let (scheme, value) = h.trim().split_once(' ')?;
            if !scheme.eq_ignore_ascii_case("basic") {
                return None;
            }
            let decoded = String::from_utf8(base64_decode(value.trim())?).ok()?;
            let (id, secret) = decoded.split_once(':')?;
            Some((id.to_string(), secret.to_string()))
        });
        let (id, secret) = match basic {
            Some(pair) => pair,
            None => (
                form.get("client_id").unwrap_or("").to_string(),
                form.get("client_secret").unwrap_or("").to_string(),
            ),
        };
        let cfg = &self.cfg;
        let clients = &st.clients;
        let matches = |id: &str, secret: &str| {
            (id == cfg.client_id && secret == cfg.client_secret)
                || clients.get(id).is_some_and(|s| s == secret)
        };
        // RFC 6749 §2.3.1 says Basic credentials are form-urlencoded first; accept both.
        if !(matches(&id, &secret)
            || matches(&percent_decode(&id, true), &percent_decode(&secret, true)))
        {
            return Err(ApiError::OAuth(
                "invalid_client",
                "Unknown client or wrong client secret.".into(),
            ));
        }
        const ALLOWED: &[&str] = &["openid", "email", "api", "profile", "offline_access"];
        let scope = form.get("scope").unwrap_or("").trim().to_string();
        let scope = if scope.is_empty() {
            "openid email api".to_string()
        } else {
            if let Some(bad) = scope.split_whitespace().find(|s| !ALLOWED.contains(s)) {
                return Err(ApiError::OAuth(
                    "invalid_scope",
                    format!("Scope '{bad}' is not allowed for this client."),
                ));
            }
            scope.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let token = st.issue_token(cfg, now);
        json(&TokenResponse {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: cfg.token_lifetime.as_secs(),
            scope,
        })
    }
}

impl App {
    /// The bridge-token login, no authentication:
    ///
    /// * `POST /identity/bridge-token?clientId=…` → `{"readKey", "writeKey"}`;
    /// * `GET /connect/authorize/external?…&writeKey=W` is the simulated browser: visiting it
    ///   approves the login at once (the user "logs in") and answers a small HTML page;
    /// * `GET /identity/bridge-token?readKey=R` → 202 `{"message"}` until approved, then 200
    ///   with a new access token (once: the keys are then used up, and a further read is 404).
    fn bridge(
        &self,
        route: Route,
        st: &mut State,
        req: &Request,
        now: Instant,
    ) -> Result<Reply, ApiError> {
        let query = Query::parse(&req.query);
        match route {
            Route::BridgeCreate => {
                if query.get("clientId").unwrap_or("").is_empty() {
                    return Err(ApiError::Rule {
                        field: "clientId".into(),
                        message: "'Client Id' must not be empty.".into(),
                    });
                }
                let (read_key, _) = st.new_id(&self.cfg);
                let (write_key, _) = st.new_id(&self.cfg);
                st.bridges.insert(
                    read_key.clone(),
                    crate::store::BridgeRec {
                        write_key: write_key.clone(),
                        approved: false,
                    },
                );
                json(&serde_json::json!({"readKey": read_key, "writeKey": write_key}))
            }
            Route::AuthorizeExternal => {
                let write_key = query.get("writeKey").unwrap_or("");
                let bridge = st
                    .bridges
                    .values_mut()
                    .find(|b| !write_key.is_empty() && b.write_key == write_key)
                    .ok_or_else(|| ApiError::NotFound("Unknown or used writeKey.".into()))?;
                bridge.approved = true;
                Ok(Reply::Other {
                    status: 200,
                    content_type: "text/html; charset=utf-8",
                    body: b"<!doctype html><title>Rapidata sandbox</title>\
                            <p>Logged in (simulated). You can close this window.</p>\n"
                        .to_vec(),
                })
            }
            Route::BridgeRead => {
                let read_key = query.get("readKey").unwrap_or("").to_string();
                match st.bridges.get(&read_key).map(|b| b.approved) {
                    None => Err(ApiError::NotFound("Unknown or used readKey.".into())),
                    Some(false) => Ok(Reply::Other {
                        status: 202,
                        content_type: "application/json; charset=utf-8",
                        body: br#"{"message":"The login has not been completed yet."}"#.to_vec(),
                    }),
                    Some(true) => {
                        st.bridges.remove(&read_key);
                        let token = st.issue_token(&self.cfg, now);
                        json(&serde_json::json!({
                            "accessToken": token,
                            "expiresIn": self.cfg.token_lifetime.as_secs(),
                            "refreshToken": null,
                            "idToken": null,
                            "tokenType": "Bearer",
                            "scope": "openid profile email api",
                        }))
                    }
                }
            }
            _ => Err(ApiError::NoRoute),
        }
    }

    /// `POST /client` (bearer token): a new client id and secret, which the token endpoint
    /// accepts from then on.
    fn create_client(&self, st: &mut State, req: &Request) -> Result<Reply, ApiError> {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let display_name = body
            .get("displayName")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        if display_name.trim().is_empty() {
            return Err(ApiError::Rule {
                field: "displayName".into(),
                message: "'Display Name' must not be empty.".into(),
            });
        }
        let (id, _) = st.new_id(&self.cfg);
        let (secret, _) = st.new_id(&self.cfg);
        let client_id = format!("sbx-client-{id}");
        let client_secret = format!("sbx-secret-{secret}");
        st.clients.insert(client_id.clone(), client_secret.clone());
        json(&serde_json::json!({
            "clientId": client_id,
            "clientSecret": client_secret,
            "displayName": display_name,
        }))
    }
}

/// Why a job could not be blocked.
#[derive(Debug)]
pub(crate) enum BlockError {
    NotFound(String),
    Finished(String),
}

/// The job id of `/_sandbox/jobs/{jobId}/block`.
fn block_target(path: &str) -> Option<String> {
    let id = path
        .strip_prefix("/_sandbox/jobs/")?
        .strip_suffix("/block")?;
    (!id.is_empty() && !id.contains('/')).then(|| percent_decode(id, false))
}

/// An injected fault.
enum Fault {
    /// Answer this instead of carrying the request out (a 429, a 503, or a dropped
    /// connection: the request is lost).
    Reply(Outcome),
    /// Carry the request out, then close the connection without answering (the answer is
    /// lost).
    DropAfterProcessing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win() {
        assert_eq!(
            match_route("GET", "/job/definitions").unwrap().route,
            Route::ListDefinitions
        );
        assert_eq!(match_route("GET", "/job/abc").unwrap().route, Route::GetJob);
        assert_eq!(
            match_route("GET", "/asset/batch-upload/status")
                .unwrap()
                .route,
            Route::BatchStatus
        );
        let m = match_route("POST", "/audience/aud%5Fx/example").unwrap();
        assert_eq!(m.route, Route::AddExample);
        assert_eq!(m.params, vec!["aud_x".to_string()]);
        assert_eq!(m.key, "POST /audience/{audienceId}/example");
        assert!(matches!(
            match_route("PUT", "/audience/x"),
            Err(ApiError::MethodNotAllowed(_))
        ));
        assert!(matches!(
            match_route("GET", "/nope"),
            Err(ApiError::NoRoute)
        ));
        assert_eq!(
            match_route("DELETE", "/audience/example/e1").unwrap().route,
            Route::DeleteExample
        );
    }

    #[test]
    fn filter_operators() {
        assert!(test_op(Some("Cats"), "contains", "at"));
        assert!(test_op(Some("true"), "eq", "True"));
        assert!(test_op(Some("10"), "gt", "9"));
        assert!(!test_op(None, "eq", "x"));
        assert!(test_op(None, "neq", "x"));
    }
}
