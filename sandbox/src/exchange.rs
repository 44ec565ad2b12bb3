//! What handlers exchange with the server: the context they get (`Ctx`), what they answer
//! (`Reply`, `ApiError` and the error bodies), and the query strings and paged lists of
//! the list endpoints.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use crate::config::Config;
use crate::http::{Request, Response};
use crate::sim::Labeler;
use crate::util::parse_pairs;
use crate::wire::{self, FieldError, OAuthError, Paged, ProblemDetails, ValidationProblemDetails};

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

pub(crate) fn traceparent(trace: &str) -> String {
    format!("00-{trace}-{}-00", &trace[..16])
}

pub(crate) fn json_response<T: Serialize>(status: u16, content_type: &str, value: &T) -> Response {
    Response::new(status).with_body(
        content_type,
        serde_json::to_vec(value).expect("wire types always serialize"),
    )
}

pub(crate) fn problem(
    status: u16,
    kind: &str,
    title: &str,
    detail: Option<String>,
    trace: &str,
) -> Response {
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
    pub(crate) fn into_response(self, trace: &str) -> Response {
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
    pub(crate) fn into_response(self) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_operators() {
        assert!(test_op(Some("Cats"), "contains", "at"));
        assert!(test_op(Some("true"), "eq", "True"));
        assert!(test_op(Some("10"), "gt", "9"));
        assert!(!test_op(None, "eq", "x"));
        assert!(test_op(None, "neq", "x"));
    }
}
