//! Job definitions against a mock server: the exact request sequence and bodies (URL
//! batches, dataset, datapoints, definition), validation before any request, partial failure and
//! resume, exactly-once datapoints, lookups and cost estimates.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::{Client, Error};
use serde_json::{json, Value};

mod checks;
mod failures;
mod lookups;
mod requests;
mod retries;

const U1: &str = "https://cdn.example.com/flux_book.jpg";
const U2: &str = "https://cdn.example.com/mj_book.jpg";
const U3: &str = "https://cdn.example.com/reference.jpg";
const U4: &str = "https://cdn.example.com/other.jpg";

type Log = Arc<Mutex<Vec<String>>>;

/// The shared mock client with quick polls and four workers.
fn client(server: &MockServer) -> Client {
    crate::support::builder(server)
        .backoff_base(Duration::from_millis(1))
        .max_workers(4)
        .build()
        .unwrap()
}

/// A responder that records `METHOD path` in `log`, then answers `status` with `body`.
fn reply(
    log: &Log,
    status: u16,
    body: Value,
) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
    let log = log.clone();
    move |req: &HttpMockRequest| {
        log.lock()
            .unwrap()
            .push(format!("{} {}", req.method_str(), req.uri().path()));
        let mut b = HttpMockResponse::builder().status(status);
        if !body.is_null() {
            b = b
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        b.build()
    }
}

fn body_json(req: &HttpMockRequest) -> Value {
    serde_json::from_slice(&req.body().to_vec()).unwrap_or(Value::Null)
}

fn is_uuid_v4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts[2].starts_with('4')
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

fn write_file(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, b"\x89PNG fake").unwrap();
    p
}

fn existing(name: &str) -> Value {
    json!({"_t": "ExistingAssetInput", "name": name})
}

fn pair(a: Value, b: Value) -> Value {
    json!({"_t": "MultiAssetInput", "assets": [a, b]})
}

/// Mocks `POST /asset/batch-upload` for exactly `urls`, remembering the correlation id.
fn batch_post_mock<'a>(
    server: &'a MockServer,
    log: &Log,
    urls: &[&str],
    batch_id: &str,
    correlation: &Arc<Mutex<Option<String>>>,
) -> httpmock::Mock<'a> {
    let expected: Vec<String> = urls.iter().map(|u| u.to_string()).collect();
    let correlation = correlation.clone();
    server.mock(|when, then| {
        when.method(POST)
            .path("/asset/batch-upload")
            .header("content-type", "application/json")
            .is_true(move |req| {
                let body = body_json(req);
                let urls: Vec<String> = body["urls"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|u| u.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                let id = body["correlationId"].as_str().unwrap_or("").to_owned();
                let keys = body.as_object().map_or(0, |o| o.len());
                let ok = urls == expected && is_uuid_v4(&id) && keys == 2;
                if ok {
                    *correlation.lock().unwrap() = Some(id);
                }
                ok
            });
        then.respond_with(reply(log, 200, json!({"batchUploadId": batch_id})));
    })
}

fn batch_status_mock<'a>(
    server: &'a MockServer,
    log: &Log,
    completed: &[&str],
    correlation: &Arc<Mutex<Option<String>>>,
) -> httpmock::Mock<'a> {
    let correlation = correlation.clone();
    server.mock(|when, then| {
        when.method(GET)
            .path("/asset/batch-upload/status")
            .is_true(move |req| {
                let sent = req.query_params_map().get("correlationId").cloned();
                sent.is_some() && sent == *correlation.lock().unwrap()
            });
        then.respond_with(reply(
            log,
            200,
            json!({"status": "Completed", "totalCount": 3, "completedCount": 3, "failedCount": 0,
                   "completedBatches": completed}),
        ));
    })
}

fn batch_result_mock<'a>(
    server: &'a MockServer,
    log: &Log,
    batch_id: &str,
    items: Value,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(format!("/asset/batch-upload/{batch_id}"));
        then.respond_with(reply(
            log,
            200,
            json!({"batchUploadId": batch_id, "status": "Completed", "totalCount": 1,
                   "completedCount": 1, "failedCount": 0, "items": items}),
        ));
    })
}

fn ok_item(url: &str, name: &str) -> Value {
    json!({"url": url, "fileName": name, "status": "Completed", "warnings": []})
}

fn dataset_mock<'a>(server: &'a MockServer, log: &Log, name: &str) -> httpmock::Mock<'a> {
    dataset_mock_with_schema(server, log, name, Value::Null)
}

/// The dataset schema the official SDK declares for a classification definition.
fn classification_schema() -> Value {
    json!([
        {"key": "asset", "kind": "Asset", "label": "Asset", "required": true},
        {"key": "context", "kind": "Text", "label": "Context", "required": false, "maxLength": 400},
        {"key": "context_asset", "kind": "Asset", "label": "Context asset", "required": false},
        {"key": "answer_options", "kind": "OptionList", "label": "Answer options", "required": true}
    ])
}

fn dataset_mock_with_schema<'a>(
    server: &'a MockServer,
    log: &Log,
    name: &str,
    schema: Value,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/dataset")
            .json_body(json!({"name": format!("{name}_dataset"), "schema": schema}));
        then.respond_with(reply(log, 200, json!({"datasetId": "ds_1"})));
    })
}

/// A datapoint body written in the flat form (`asset`, `context`, `contextAsset`,
/// `answerOptions`, …) as the segments of API 2026.10.25: asset, then context, media
/// context and answer options where given; `transcription` is no longer sent.
fn segments(flat: Value) -> Value {
    let mut segments = vec![json!({"key": "asset", "kind": "Asset", "asset": flat["asset"]})];
    if let Some(c) = flat.get("context").filter(|c| !c.is_null()) {
        segments.push(json!({"key": "context", "kind": "Text", "text": c}));
    }
    if let Some(a) = flat.get("contextAsset").filter(|a| !a.is_null()) {
        segments.push(json!({"key": "context_asset", "kind": "Asset", "asset": a}));
    }
    if let Some(Value::Array(options)) = flat.get("answerOptions") {
        let options: Vec<Value> = options
            .iter()
            .map(|o| json!({"label": o, "value": o}))
            .collect();
        segments.push(json!({"key": "answer_options", "kind": "OptionList", "options": options}));
    }
    json!({
        "segments": segments,
        "sortIndex": flat["sortIndex"],
        "group": flat["group"],
        "privateMetadata": flat["privateMetadata"],
    })
}

fn datapoint_mock<'a>(
    server: &'a MockServer,
    log: &Log,
    body: Value,
    status: u16,
) -> httpmock::Mock<'a> {
    let reply_body = if status == 200 {
        json!({"datapointId": format!("dp_{}", body["sortIndex"])})
    } else {
        json!({"title": "One or more validation errors occurred.", "status": status})
    };
    let body = if body.get("segments").is_some() {
        body
    } else {
        segments(body)
    };
    server.mock(|when, then| {
        when.method(POST)
            .path("/dataset/ds_1/datapoint")
            .json_body(body);
        then.respond_with(reply(log, status, reply_body));
    })
}

fn file_mock<'a>(
    server: &'a MockServer,
    log: &Log,
    file_name: &str,
    server_name: &str,
) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/asset/file")
            .body_includes(format!("filename=\"{file_name}\""));
        then.respond_with(reply(
            log,
            200,
            json!({"fileName": server_name, "warnings": [], "wasCompressed": false}),
        ));
    })
}

fn definition_mock<'a>(server: &'a MockServer, log: &Log, body: Value) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(POST).path("/job/definition").json_body(body);
        then.respond_with(reply(
            log,
            200,
            json!({"definitionId": "jd_1", "pipelineId": "pl_1"}),
        ));
    })
}

/// `GET /job/definitions` (no definitions yet): the list the client takes before creating
/// a definition, to recover from a lost answer without creating it twice.
fn definitions_list(server: &MockServer) -> httpmock::Mock<'_> {
    server.get_job_definitions(|_, then| {
        then.status(200).json_value(
            json!({"items": [], "page": 1, "pageSize": 100, "total": 0, "totalPages": 0}),
        );
    })
}

fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(599).body("unexpected request");
    })
}

/// The failure inside an [`Error::UploadFailed`].
fn upload_failure(err: Error) -> Box<rapidata::job::UploadFailure> {
    match err {
        Error::UploadFailed(failure) => failure,
        other => panic!("expected UploadFailed, got {other:?}"),
    }
}

/// The body of compare datapoint `i` made of the texts `a` and `z`.
fn text_datapoint(a: &str, i: u32) -> Value {
    segments(
        json!({"asset": pair(json!({"_t": "TextAssetInput", "text": a}),
                                  json!({"_t": "TextAssetInput", "text": "z"})),
                    "context": null, "sortIndex": i, "group": null, "privateMetadata": null}),
    )
}
