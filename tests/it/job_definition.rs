//! Job definitions against a mock server: the exact request sequence and bodies (URL
//! batches, dataset, datapoints, definition), validation before any request, partial failure and
//! resume, exactly-once datapoints, lookups and cost estimates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::api::types::{CreateDatapointEndpointOutput, CreateJobDefinitionEndpointOutput};
use rapidata::job::{
    EventKind, FailureStage, JobDefinition, ProgressEvent, Reporter, Stage, WaitOptions,
};
use rapidata::{Client, DataItem, Error, Setting};
use serde_json::{json, Value};

use crate::support::models;

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

#[test]
fn compare_definition_request_sequence_and_bodies() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let dir = tempfile::tempdir().unwrap();
    let file_a = write_file(dir.path(), "a.png");
    let file_b = write_file(dir.path(), "b.png");
    let correlation = Arc::new(Mutex::new(None));

    let dataset = dataset_mock(&server, &log, "Prompt Alignment Job");
    let batch_post = batch_post_mock(&server, &log, &[U1, U2, U3], "b1", &correlation);
    let batch_status = batch_status_mock(&server, &log, &["b1"], &correlation);
    let batch_result = batch_result_mock(
        &server,
        &log,
        "b1",
        json!([
            ok_item(U1, "srv_u1.jpg"),
            ok_item(U2, "srv_u2.jpg"),
            ok_item(U3, "srv_u3.jpg")
        ]),
    );
    let upload_a = file_mock(&server, &log, "a.png", "srv_a.png");
    let upload_b = file_mock(&server, &log, "b.png", "srv_b.png");
    let dp0 = datapoint_mock(
        &server,
        &log,
        json!({"asset": pair(existing("srv_u1.jpg"), existing("srv_u2.jpg")),
               "context": "ctx 0", "contextAsset": existing("srv_u3.jpg"), "sortIndex": 0,
               "group": null, "privateMetadata": null}),
        200,
    );
    let dp1 = datapoint_mock(
        &server,
        &log,
        json!({"asset": pair(existing("srv_a.png"), existing("srv_u1.jpg")),
               "context": "ctx 1", "contextAsset": existing("srv_b.png"), "sortIndex": 1,
               "group": null, "privateMetadata": {"source": "batch-7"}}),
        200,
    );
    let dp2 = datapoint_mock(
        &server,
        &log,
        json!({"asset": pair(json!({"_t": "TextAssetInput", "text": "left"}),
                             json!({"_t": "TextAssetInput", "text": "right"})),
               "context": "ctx 2", "contextAsset": existing("srv_u3.jpg"), "sortIndex": 2,
               "group": null, "privateMetadata": null}),
        200,
    );
    let definition = definition_mock(
        &server,
        &log,
        json!({
            "definitionName": "Prompt Alignment Job",
            "workflow": {"_t": "SimpleWorkflow",
                "rapid": {"_t": "Compare", "asset": {"segment": "asset"},
                    "criteria": {"literal": "Which image follows the prompt more accurately?"},
                    "indexIdentifiers": ["Model A", "Model B"]}},
            "referee": {"_t": "EarlyStoppingReferee", "maxVotes": 20, "threshold": 0.99},
            "datasetId": "ds_1",
            "rapidFeatureFlags": [{"key": "no_shuffle", "value": "true"},
                                  {"key": "compare_unsure", "value": "5000"}],
            "campaignFeatureFlags": [{"key": "campaign_key", "value": "v"}]
        }),
    );
    definitions_list(&server);
    let unexpected = catch_all(&server);

    let c = client(&server);
    let def = c
        .job()
        .create_compare_job_definition(
            "Prompt Alignment Job",
            "Which image follows the prompt more accurately?",
            [
                [DataItem::from(U1), DataItem::from(U2)],
                [DataItem::from(&file_a), DataItem::from(U1)],
                [DataItem::text("left"), DataItem::text("right")],
            ],
        )
        .contexts(["ctx 0", "ctx 1", "ctx 2"])
        .media_contexts([
            DataItem::from(U3),
            DataItem::from(&file_b),
            DataItem::from(U3),
        ])
        .a_b_names(["Model A", "Model B"])
        .responses_per_datapoint(20)
        .confidence_threshold(0.99)
        .settings([
            Setting::no_shuffle(),
            Setting::allow_neither_both(),
            Setting::custom_campaign("campaign_key", "v"),
        ])
        .private_metadata(vec![
            BTreeMap::new(),
            BTreeMap::from([("source".to_owned(), "batch-7".to_owned())]),
            BTreeMap::new(),
        ])
        .create()
        .unwrap();

    unexpected.assert_calls(0);
    // Status polls overlap by design when a round trip takes longer than the pause
    // between polls (10 ms at least), as on a loaded machine: at least one is needed.
    assert!(batch_status.calls() >= 1);
    for m in [
        &dataset,
        &batch_post,
        &batch_result,
        &upload_a,
        &upload_b,
        &dp0,
        &dp1,
        &dp2,
        &definition,
    ] {
        m.assert_calls(1);
    }
    assert_eq!(def.id(), "jd_1");
    assert_eq!(def.name(), "Prompt Alignment Job");
    assert_eq!(def.dataset_id(), Some("ds_1"));
    assert_eq!(def.pipeline_id(), Some("pl_1"));
    assert_eq!(
        def.preview_url(),
        "https://app.rapidata.ai/definitions/jd_1"
    );
    assert_eq!(def.preview(), "https://app.rapidata.ai/definitions/jd_1");

    // Order: the dataset, the batch upload and the file uploads (concurrently), then the
    // datapoints, then the definition.
    let log = log.lock().unwrap().clone();
    let pos = |entry: &str| log.iter().position(|e| e == entry).unwrap();
    let last = |entry: &str| log.iter().rposition(|e| e == entry).unwrap();
    assert!(pos("POST /dataset") < pos("POST /dataset/ds_1/datapoint"));
    assert!(pos("POST /asset/batch-upload") < pos("GET /asset/batch-upload/status"));
    assert!(pos("GET /asset/batch-upload/status") < pos("GET /asset/batch-upload/b1"));
    assert!(last("POST /asset/file") < pos("POST /dataset/ds_1/datapoint"));
    assert!(last("GET /asset/batch-upload/b1") < pos("POST /dataset/ds_1/datapoint"));
    assert_eq!(log.last().unwrap(), "POST /job/definition");
    // Ten requests, plus any status poll that overlapped another (see above).
    let polls = log
        .iter()
        .filter(|e| *e == "GET /asset/batch-upload/status")
        .count();
    assert!(polls >= 1, "{log:?}");
    assert_eq!(log.len() - polls, 9, "{log:?}");
}

#[test]
fn classification_definition_request_sequence_and_bodies() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let dir = tempfile::tempdir().unwrap();
    let file_a = write_file(dir.path(), "cat.png");
    let correlation = Arc::new(Mutex::new(None));

    let dataset = dataset_mock_with_schema(&server, &log, "Animals", classification_schema());
    let batch_post = batch_post_mock(&server, &log, &[U1], "b1", &correlation);
    let batch_status = batch_status_mock(&server, &log, &["b1"], &correlation);
    let batch_result = batch_result_mock(&server, &log, "b1", json!([ok_item(U1, "srv_u1.jpg")]));
    let upload = file_mock(&server, &log, "cat.png", "srv_cat.png");
    let common = json!({"context": null, "group": null, "privateMetadata": null,
                        "answerOptions": ["Cat", "Dog"]});
    let with = |asset: Value, i: u32| {
        let mut b = common.clone();
        b["asset"] = asset;
        b["sortIndex"] = json!(i);
        b
    };
    let dp0 = datapoint_mock(&server, &log, with(existing("srv_u1.jpg"), 0), 200);
    let dp1 = datapoint_mock(&server, &log, with(existing("srv_cat.png"), 1), 200);
    let dp2 = datapoint_mock(
        &server,
        &log,
        with(
            json!({"_t": "TextAssetInput", "text": "A purring animal."}),
            2,
        ),
        200,
    );
    let definition = definition_mock(
        &server,
        &log,
        json!({
            "definitionName": "Animals",
            "workflow": {"_t": "SimpleWorkflow",
                "rapid": {"_t": "Classify", "asset": {"segment": "asset"},
                    "title": {"literal": "What animal is it?"},
                    "categories": {"segment": "answer_options"}}},
            "referee": {"_t": "QuorumReferee", "maxVotes": 10, "threshold": 7},
            "datasetId": "ds_1"
        }),
    );
    definitions_list(&server);
    let unexpected = catch_all(&server);

    let def = client(&server)
        .job()
        .create_classification_job_definition(
            "Animals",
            "What animal is it?",
            ["Cat", "Dog"],
            [
                DataItem::from(U1),
                DataItem::from(file_a.as_path()),
                DataItem::text("A purring animal."),
            ],
        )
        .quorum_threshold(7)
        .create()
        .unwrap();
    unexpected.assert_calls(0);
    // Status polls overlap by design when a round trip takes longer than the pause
    // between polls (10 ms at least), as on a loaded machine: at least one is needed.
    assert!(batch_status.calls() >= 1);
    for m in [
        &dataset,
        &batch_post,
        &batch_result,
        &upload,
        &dp0,
        &dp1,
        &dp2,
        &definition,
    ] {
        m.assert_calls(1);
    }
    assert_eq!(def.id(), "jd_1");
}

#[test]
fn text_compare_uses_naive_referee_and_sends_no_uploads() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let dataset = dataset_mock(&server, &log, "Texts");
    let dp0 = datapoint_mock(
        &server,
        &log,
        json!({"asset": pair(json!({"_t": "TextAssetInput", "text": "a"}),
                             json!({"_t": "TextAssetInput", "text": "b"})),
               "context": null, "sortIndex": 0, "group": null,
               "privateMetadata": null}),
        200,
    );
    let definition = definition_mock(
        &server,
        &log,
        json!({
            "definitionName": "Texts",
            "workflow": {"_t": "SimpleWorkflow",
                "rapid": {"_t": "Compare", "asset": {"segment": "asset"},
                          "criteria": {"literal": "Which is funnier?"}, "indexIdentifiers": null}},
            "referee": {"_t": "NaiveReferee", "totalVotes": 10},
            "datasetId": "ds_1"
        }),
    );
    definitions_list(&server);
    let unexpected = catch_all(&server);
    client(&server)
        .job()
        .create_compare_job_definition(
            "Texts",
            "Which is funnier?",
            [[DataItem::text("a"), DataItem::text("b")]],
        )
        .create()
        .unwrap();
    unexpected.assert_calls(0);
    dataset.assert_calls(1);
    dp0.assert_calls(1);
    definition.assert_calls(1);
    assert_eq!(
        *log.lock().unwrap(),
        [
            "POST /dataset",
            "POST /dataset/ds_1/datapoint",
            "POST /job/definition"
        ]
    );
}

/// Collects every progress event.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<ProgressEvent>>>);

impl Reporter for Recorder {
    fn report(&self, event: &ProgressEvent) {
        self.0.lock().unwrap().push(*event);
    }
}

impl Recorder {
    fn take(&self) -> Vec<ProgressEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The stages of `events` in the order they started, each as (stage, total, done, failed,
/// finished), after checking the contract: `Start` first, counts never decreasing,
/// `Finish` last and only with nothing failed.
fn stage_runs(events: &[ProgressEvent]) -> Vec<(Stage, u64, u64, u64, bool)> {
    let mut runs: Vec<(Stage, u64, u64, u64, bool)> = Vec::new();
    for e in events {
        if e.kind == EventKind::Start {
            runs.push((e.stage, e.total.unwrap(), 0, 0, false));
            continue;
        }
        let run = runs
            .iter_mut()
            .rev()
            .find(|r| r.0 == e.stage)
            .unwrap_or_else(|| panic!("{e:?} before its Start"));
        assert!(!run.4, "{e:?} after Finish");
        assert!(
            e.done >= run.2 && e.failed >= run.3,
            "counts went back: {e:?}"
        );
        assert!(e.done + e.failed <= run.1, "{e:?}");
        (run.2, run.3) = (e.done, e.failed);
        if e.kind == EventKind::Finish {
            assert_eq!((e.done, e.failed), (run.1, 0), "{e:?}");
            run.4 = true;
        }
    }
    runs
}

#[test]
fn partial_failure_creates_nothing_and_retry_resends_only_the_failed_datapoints() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let correlation = Arc::new(Mutex::new(None));
    let dataset = dataset_mock(&server, &log, "Partial");
    let mut batch_post = batch_post_mock(&server, &log, &[U1, U2, U3, U4], "b1", &correlation);
    let mut batch_status = batch_status_mock(&server, &log, &["b1"], &correlation);
    let mut batch_result = batch_result_mock(
        &server,
        &log,
        "b1",
        json!([
            ok_item(U1, "srv_u1.jpg"),
            ok_item(U2, "srv_u2.jpg"),
            {"url": U3, "fileName": null, "status": "Failed", "errorMessage": "upstream answered 404",
             "stage": "download", "upstreamHttpStatus": 404},
            ok_item(U4, "srv_u4.jpg")
        ]),
    );
    let dp0 = datapoint_mock(
        &server,
        &log,
        json!({"asset": pair(existing("srv_u1.jpg"), existing("srv_u2.jpg")), "context": null,
               "sortIndex": 0, "group": null, "privateMetadata": null}),
        200,
    );
    let dp1_body = json!({"asset": pair(existing("srv_u3.jpg"), existing("srv_u4.jpg")),
        "context": null, "sortIndex": 1, "group": null, "privateMetadata": null});
    let dp2_body = json!({"asset": pair(json!({"_t": "TextAssetInput", "text": "x"}),
                                        json!({"_t": "TextAssetInput", "text": "y"})),
        "context": null, "sortIndex": 2, "group": null, "privateMetadata": null});
    let mut dp2_fail = datapoint_mock(&server, &log, dp2_body.clone(), 400);
    let def_body = json!({
        "definitionName": "Partial",
        "workflow": {"_t": "SimpleWorkflow",
            "rapid": {"_t": "Compare", "asset": {"segment": "asset"},
                      "criteria": {"literal": "Which?"}, "indexIdentifiers": null}},
        "referee": {"_t": "NaiveReferee", "totalVotes": 10},
        "datasetId": "ds_1"
    });
    let definition = definition_mock(&server, &log, def_body);
    definitions_list(&server);
    let mut unexpected = catch_all(&server);

    let recorder = Recorder::default();
    let c = client(&server);
    let err = c
        .job()
        .create_compare_job_definition(
            "Partial",
            "Which?",
            [
                [DataItem::from(U1), DataItem::from(U2)],
                [DataItem::from(U3), DataItem::from(U4)],
                [DataItem::text("x"), DataItem::text("y")],
            ],
        )
        .failure_tolerance(0.5)
        .progress(recorder.clone())
        .create()
        .unwrap_err();
    let failure = upload_failure(err);
    // Four URLs, U3 fails: the assets stage does not finish. Datapoint 0 is created, 1
    // (its upload failed) and 2 (400) are not: no finish either, and no definition stage.
    assert_eq!(
        stage_runs(&recorder.take()),
        [
            (Stage::Assets, 4, 3, 1, false),
            (Stage::Datapoints, 3, 1, 2, false),
        ]
    );
    // 2 of 3 failed > 50 %: nothing was created.
    definition.assert_calls(0);
    unexpected.assert_calls(0);
    assert_eq!(failure.total(), 3);
    assert_eq!(failure.dataset_id(), "ds_1");
    let f = failure.failures();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].index, 1);
    assert_eq!(f[0].stage, FailureStage::Upload);
    assert_eq!(f[0].items, [DataItem::from(U3), DataItem::from(U4)]);
    assert!(
        f[0].reason.contains("upstream answered 404"),
        "{}",
        f[0].reason
    );
    assert!(f[0].reason.contains("download"), "{}", f[0].reason);
    assert_eq!(f[1].index, 2);
    assert_eq!(f[1].stage, FailureStage::Datapoint);
    assert!(f[1].reason.contains("400"), "{}", f[1].reason);
    assert_eq!(failure.pending().failed_indices(), [1, 2]);
    let text = failure.to_string();
    assert!(text.contains("2 of 3 datapoints"), "{text}");
    // A 400 is not worth repeating: one attempt only.
    dp2_fail.assert_calls(1);
    dp0.assert_calls(1);

    // The server recovers: only U3 is uploaded again (U4 is cached), only datapoints 1
    // and 2 are sent again, into the same dataset.
    batch_post.delete();
    batch_status.delete();
    batch_result.delete();
    dp2_fail.delete();
    let batch_post2 = batch_post_mock(&server, &log, &[U3], "b2", &correlation);
    let batch_status2 = batch_status_mock(&server, &log, &["b2"], &correlation);
    let batch_result2 = batch_result_mock(&server, &log, "b2", json!([ok_item(U3, "srv_u3.jpg")]));
    let dp1 = datapoint_mock(&server, &log, dp1_body, 200);
    let dp2 = datapoint_mock(&server, &log, dp2_body, 200);
    // The catch-all must stay the last mock (the first match wins).
    unexpected.delete();
    definitions_list(&server);
    let unexpected = catch_all(&server);

    let def = failure.retry().unwrap();
    // The retry reports to the same reporter: U3 uploaded and U4 from the cache, the two
    // datapoints, the definition; every stage finishes.
    assert_eq!(
        stage_runs(&recorder.take()),
        [
            (Stage::Assets, 2, 2, 0, true),
            (Stage::Datapoints, 2, 2, 0, true),
            (Stage::Definition, 1, 1, 0, true),
        ]
    );
    assert_eq!(def.id(), "jd_1");
    assert_eq!(def.dataset_id(), Some("ds_1"));
    unexpected.assert_calls(0);
    dataset.assert_calls(1);
    dp0.assert_calls(1);
    dp1.assert_calls(1);
    dp2.assert_calls(1);
    batch_post2.assert_calls(1);
    // Overlapping status polls are allowed (see above); one is needed.
    assert!(batch_status2.calls() >= 1);
    batch_result2.assert_calls(1);
    definition.assert_calls(1);
}

#[test]
fn failures_within_tolerance_still_create_the_definition() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let dataset = dataset_mock(&server, &log, "Tolerant");
    let text = |a: &str, b: &str, i: u32| {
        json!({"asset": pair(json!({"_t": "TextAssetInput", "text": a}),
                             json!({"_t": "TextAssetInput", "text": b})),
               "context": null, "sortIndex": i, "group": null,
               "privateMetadata": null})
    };
    let ok = datapoint_mock(&server, &log, text("a", "b", 0), 200);
    let bad = datapoint_mock(&server, &log, text("c", "d", 1), 422);
    let definition = server.mock(|when, then| {
        when.method(POST).path("/job/definition");
        then.respond_with(reply(
            &log,
            200,
            json!({"definitionId": "jd_9", "pipelineId": "p"}),
        ));
    });
    let def = client(&server)
        .job()
        .create_compare_job_definition(
            "Tolerant",
            "Which?",
            [
                [DataItem::text("a"), DataItem::text("b")],
                [DataItem::text("c"), DataItem::text("d")],
            ],
        )
        .failure_tolerance(0.5)
        .create()
        .unwrap();
    assert_eq!(def.id(), "jd_9");
    dataset.assert_calls(1);
    ok.assert_calls(1);
    bad.assert_calls(1);
    definition.assert_calls(1);
}

#[test]
fn ambiguous_datapoint_failures_are_reconciled_not_duplicated() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let dataset = dataset_mock(&server, &log, "Once");
    let body = text_datapoint;
    // Datapoint 0: the server stored it but answered 500; the listing shows it.
    let dp0 = datapoint_mock(&server, &log, body("a", 0), 500);
    // Datapoint 1: 500 and not stored; the second attempt succeeds.
    let calls = Arc::new(AtomicUsize::new(0));
    let dp1 = {
        let calls = calls.clone();
        let log = log.clone();
        server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/datapoint")
                .json_body(body("b", 1));
            then.respond_with(move |req: &HttpMockRequest| {
                log.lock()
                    .unwrap()
                    .push(format!("{} {}", req.method_str(), req.uri().path()));
                let n = calls.fetch_add(1, Ordering::SeqCst);
                let (status, b) = if n == 0 {
                    (500, json!({"title": "boom"}))
                } else {
                    (200, json!({"datapointId": "dp_1"}))
                };
                HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(b.to_string())
                    .build()
            });
        })
    };
    let listing = server.mock(|when, then| {
        when.method(GET)
            .path("/dataset/ds_1/datapoints")
            .query_param("page", "1")
            .query_param("page_size", "100");
        then.respond_with(reply(
            &log,
            200,
            json!({"total": 1, "page": 1, "pageSize": 100, "totalPages": 1, "items": [
                {"id": "dp_0", "datasetId": "ds_1", "segments": [
                    {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAsset", "assets": [
                        {"_t": "TextAsset", "text": "a"}, {"_t": "TextAsset", "text": "z"}]}}]}]}),
        ));
    });
    let definition = server.mock(|when, then| {
        when.method(POST).path("/job/definition");
        then.respond_with(reply(
            &log,
            200,
            json!({"definitionId": "jd_1", "pipelineId": "p"}),
        ));
    });
    definitions_list(&server);
    let unexpected = catch_all(&server);
    let def = client(&server)
        .job()
        .create_compare_job_definition(
            "Once",
            "Which?",
            [
                [DataItem::text("a"), DataItem::text("z")],
                [DataItem::text("b"), DataItem::text("z")],
            ],
        )
        .create()
        .unwrap();
    assert_eq!(def.id(), "jd_1");
    unexpected.assert_calls(0);
    dataset.assert_calls(1);
    dp0.assert_calls(1); // never sent twice
    dp1.assert_calls(2); // checked, then sent again
    listing.assert_calls(1); // one listing answers for both uncertain datapoints
    definition.assert_calls(1);
}

#[test]
fn a_datapoint_is_tried_three_times_at_most() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Flaky");
    let dp = server.mock(|when, then| {
        when.method(POST).path("/dataset/ds_1/datapoint");
        then.respond_with(reply(&log, 503, json!({"title": "busy"})));
    });
    let definition = server.post_job_definition(|_, then| {
        then.status(200);
    });
    let err = client(&server)
        .job()
        .create_compare_job_definition(
            "Flaky",
            "Which?",
            [[DataItem::text("a"), DataItem::text("b")]],
        )
        .create()
        .unwrap_err();
    let Error::UploadFailed(f) = err else {
        panic!("expected UploadFailed, got {err:?}");
    };
    assert_eq!(f.failures()[0].stage, FailureStage::Datapoint);
    dp.assert_calls(3);
    definition.assert_calls(0);
}

#[test]
fn invalid_input_is_refused_before_any_request() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let c = client(&server);
    let jobs = c.job();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.png");
    let compare =
        |dps: Vec<[DataItem; 2]>| jobs.create_compare_job_definition("n", "Which is better?", dps);
    let ok_pair = || vec![[DataItem::text("a"), DataItem::text("b")]];
    let cases: Vec<(&str, rapidata::Result<rapidata::job::JobDefinition>)> = vec![
        (
            "instruction",
            jobs.create_compare_job_definition("n", "x".repeat(251), ok_pair())
                .create(),
        ),
        (
            "datapoints[0]",
            compare(vec![[DataItem::from(U1), DataItem::from(U1)]]).create(),
        ),
        ("contexts", compare(ok_pair()).contexts(["a", "b"]).create()),
        (
            "contexts[0]",
            compare(ok_pair()).contexts(["y".repeat(401)]).create(),
        ),
        (
            "confidence_threshold",
            compare(ok_pair())
                .confidence_threshold(0.9)
                .quorum_threshold(3)
                .create(),
        ),
        (
            "confidence_threshold",
            compare(ok_pair()).confidence_threshold(1.5).create(),
        ),
        (
            "quorum_threshold",
            compare(ok_pair()).quorum_threshold(11).create(),
        ),
        (
            "responses_per_datapoint",
            compare(ok_pair()).responses_per_datapoint(0).create(),
        ),
        (
            "failure_tolerance",
            compare(ok_pair()).failure_tolerance(1.5).create(),
        ),
        (
            "datapoints[0][1]",
            compare(vec![[
                DataItem::from(U1),
                DataItem::from(missing.as_path()),
            ]])
            .create(),
        ),
        (
            "datapoints[0][0]",
            compare(vec![[DataItem::url("https://"), DataItem::from(U1)]]).create(),
        ),
        (
            "media_contexts[0]",
            compare(ok_pair())
                .media_contexts([DataItem::text("not media")])
                .create(),
        ),
        (
            "private_metadata",
            compare(ok_pair()).private_metadata(vec![]).create(),
        ),
        (
            "a_b_names[1]",
            compare(ok_pair()).a_b_names(["A", " "]).create(),
        ),
        (
            "answer_options",
            jobs.create_classification_job_definition("n", "What?", ["Cat"], [U1])
                .create(),
        ),
        (
            "answer_options[1]",
            jobs.create_classification_job_definition("n", "What?", ["Cat", "Cat"], [U1])
                .create(),
        ),
        (
            "datapoints",
            jobs.create_classification_job_definition(
                "n",
                "What?",
                ["Cat", "Dog"],
                Vec::<DataItem>::new(),
            )
            .create(),
        ),
    ];
    for (argument, result) in cases {
        let err = result.unwrap_err();
        let invalid = err
            .as_invalid_input()
            .unwrap_or_else(|| panic!("{argument}: expected InvalidInput, got {err:?}"));
        assert_eq!(invalid.argument(), argument, "{err}");
    }
    any.assert_calls(0);
}

#[test]
fn long_contexts_are_refused_and_shortening_is_explicit() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let c = client(&server);
    let err = c
        .job()
        .create_compare_job_definition("n", "Which?", [[DataItem::text("a"), DataItem::text("b")]])
        .contexts(["x".repeat(401)])
        .create()
        .unwrap_err();
    assert!(err.to_string().contains("shorten_contexts"), "{err}");

    let long: Vec<String> = (0..12)
        .map(|i| format!("{i} {}", "word ".repeat(90)))
        .collect();
    let mut contexts = long.clone();
    contexts.insert(5, "short".to_owned());
    let first = server.mock(|when, then| {
        let items: Vec<Value> = long[..10]
            .iter()
            .map(|c| json!({"context": c, "question": "Which?"}))
            .collect();
        when.method(POST)
            .path("/datasets/shorten-context")
            .json_body(json!({ "items": items }));
        let out: Vec<Value> = (0..10)
            .map(|i| json!({"shortenedContext": if i == 3 { String::new() } else { format!("s{i}") }}))
            .collect();
        then.respond_with(reply(&log, 200, json!({ "items": out })));
    });
    let second = server.mock(|when, then| {
        let items: Vec<Value> = long[10..]
            .iter()
            .map(|c| json!({"context": c, "question": "Which?"}))
            .collect();
        when.method(POST)
            .path("/datasets/shorten-context")
            .json_body(json!({ "items": items }));
        then.respond_with(reply(
            &log,
            200,
            json!({"items": [{"shortenedContext": "s10"}, {"shortenedContext": "s11"}]}),
        ));
    });
    let out = c.job().shorten_contexts("Which?", &contexts).unwrap();
    first.assert_calls(1);
    second.assert_calls(1);
    assert_eq!(out.len(), 13);
    assert_eq!(out[0], "s0");
    assert_eq!(out[3], long[3], "an empty answer keeps the original");
    assert_eq!(out[5], "short");
    assert_eq!(out[12], "s11");
}

fn definition_json(id: &str, name: &str) -> Value {
    serde_json::to_value(models::definition(id, name)).expect("models serialize")
}

#[test]
fn definitions_are_found_refreshed_and_deleted() {
    let server = MockServer::start();
    let get = server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "Prompt alignment"));
    });
    let find = server.mock(|when, then| {
        when.method(GET)
            .path("/job/definitions")
            .query_param("page", "1")
            .query_param("page_size", "10")
            .query_param("sort", "-created_at")
            .query_param("name[contains]", "Prompt al")
            .is_true(|req| {
                req.uri().query()
                    == Some("page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=Prompt%20al")
            });
        let mut item = definition_json("jd_2", "Prompt alignment 2");
        item["revisionCount"] = json!(1);
        item.as_object_mut().unwrap().remove("isPublic");
        then.status(200)
            .json_body(json!({"total": 1, "page": 1, "pageSize": 10, "items": [item]}));
    });
    let delete = server.delete_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok();
    });
    let c = client(&server);
    let mut def = c.job().get_job_definition_by_id("jd_1").unwrap();
    assert_eq!(def.name(), "Prompt alignment");
    assert_eq!(def.dataset_id(), None);
    assert_eq!(
        def.definition_type(),
        Some(&rapidata::api::types::DefinitionType::Compare)
    );
    def.refresh().unwrap();
    get.assert_calls(2);
    let found = c.job().find_job_definitions("Prompt al").send().unwrap();
    find.assert_calls(1);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id(), "jd_2");
    def.delete().unwrap();
    delete.assert_calls(1);
}

#[test]
fn cost_estimate_waits_while_not_ready() {
    let server = MockServer::start();
    let calls = Arc::new(AtomicUsize::new(0));
    let estimate = {
        let calls = calls.clone();
        server.mock(|when, then| {
            when.method(GET).path("/job/definition/jd_1/cost-estimate");
            then.respond_with(move |_req: &HttpMockRequest| {
                let (status, body) = match calls.fetch_add(1, Ordering::SeqCst) {
                    0 => (409, r#"{"title":"not ready"}"#.to_owned()),
                    1 => (200, String::new()),
                    _ => (
                        200,
                        json!({"estimatedCost": 12.5, "costPerResponse": 0.05,
                               "datapointCount": 25, "requiredResponses": 250})
                        .to_string(),
                    ),
                };
                HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(body)
                    .build()
            });
        })
    };
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "n"));
    });
    let c = client(&server);
    let def = c.job().get_job_definition_by_id("jd_1").unwrap();
    let opts = WaitOptions::new()
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(5));
    let e = def.cost_estimate_with(opts).unwrap();
    estimate.assert_calls(3);
    assert_eq!(e.estimated_cost, 12.5);
    assert_eq!(e.cost_per_response, 0.05);
    assert_eq!(e.datapoint_count, 25);
    assert_eq!(e.required_responses, 250);
}

#[test]
fn cost_estimate_times_out() {
    let server = MockServer::start();
    let estimate = server.get_job_definition_by_definition_id_cost_estimate(|when, then| {
        when.definition_id("jd_1");
        then.status(409).json_value(json!({"title": "not ready"}));
    });
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "n"));
    });
    let def = client(&server)
        .job()
        .get_job_definition_by_id("jd_1")
        .unwrap();
    let err = def
        .cost_estimate_with(
            WaitOptions::new()
                .poll_interval(Duration::from_millis(10))
                .timeout(Duration::from_millis(60)),
        )
        .unwrap_err();
    let Error::Timeout(t) = err else {
        panic!("expected Timeout, got {err:?}");
    };
    assert!(t.what().contains("jd_1"));
    assert!(t.waited() >= Duration::from_millis(60));
    assert!(estimate.calls() >= 2);
    // Other errors end the wait at once.
    let server = MockServer::start();
    server.get_job_definition_by_definition_id_cost_estimate(|when, then| {
        when.definition_id("jd_1");
        then.status(403);
    });
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "n"));
    });
    let def = client(&server)
        .job()
        .get_job_definition_by_id("jd_1")
        .unwrap();
    let err = def.cost_estimate(Duration::from_secs(30)).unwrap_err();
    assert_eq!(err.status(), Some(403));
}

#[test]
fn batch_upload_is_polled_until_its_batch_completes() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let correlation = Arc::new(Mutex::new(None));
    dataset_mock(&server, &log, "Polled");
    batch_post_mock(&server, &log, &[U1, U2], "b1", &correlation);
    let status = server.mock(|when, then| {
        when.method(GET).path("/asset/batch-upload/status");
        let bodies = [
            json!({"status": "Processing", "totalCount": 2, "completedCount": 0,
                   "failedCount": 0, "completedBatches": []}),
            json!({"status": "Processing", "totalCount": 2, "completedCount": 2,
                   "failedCount": 0, "completedBatches": ["b1"]}),
        ];
        let n = AtomicUsize::new(0);
        then.respond_with(move |_req: &HttpMockRequest| {
            let i = n.fetch_add(1, Ordering::SeqCst).min(1);
            HttpMockResponse::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(bodies[i].to_string())
                .build()
        });
    });
    let result = batch_result_mock(
        &server,
        &log,
        "b1",
        json!([ok_item(U1, "srv_u1.jpg"), ok_item(U2, "srv_u2.jpg")]),
    );
    let dp = datapoint_mock(
        &server,
        &log,
        json!({"asset": pair(existing("srv_u1.jpg"), existing("srv_u2.jpg")), "context": null,
               "sortIndex": 0, "group": null, "privateMetadata": null}),
        200,
    );
    server.mock(|when, then| {
        when.method(POST).path("/job/definition");
        then.respond_with(reply(
            &log,
            200,
            json!({"definitionId": "jd_1", "pipelineId": "p"}),
        ));
    });
    let started = std::time::Instant::now();
    client(&server)
        .job()
        .create_compare_job_definition("Polled", "Which?", [[U1, U2]])
        .create()
        .unwrap();
    // "Processing", then "Completed": two polls at least (a third may overlap the second
    // on a loaded machine, when its round trip outlasts the pause).
    assert!(status.calls() >= 2, "{} status polls", status.calls());
    result.assert_calls(1);
    dp.assert_calls(1);
    // The first poll 20 ms after the batch's creation, the second at least 10 ms later
    // (later ones a sixth of the batch's age, up to 0.5 s apart).
    assert!(started.elapsed() >= Duration::from_millis(30));
}

#[test]
fn a_batch_upload_that_never_finishes_is_aborted_at_the_upload_timeout() {
    let server = MockServer::start();
    let log: Log = Log::default();
    let correlation = Arc::new(Mutex::new(None));
    dataset_mock(&server, &log, "Slow");
    batch_post_mock(&server, &log, &[U1, U2], "b1", &correlation);
    server.get_asset_batch_upload_status(|_, then| {
        then.status(200)
            .json_value(json!({"status": "Processing", "totalCount": 2,
            "completedCount": 0, "failedCount": 0, "completedBatches": []}));
    });
    let abort = server.post_asset_batch_upload_by_batch_upload_id_abort(|when, then| {
        when.batch_upload_id("b1");
        then.ok();
    });
    let datapoints = server.post_dataset_by_dataset_id_datapoint(|when, then| {
        when.dataset_id("ds_1");
        then.ok(&CreateDatapointEndpointOutput::new("x".into()));
    });
    let err = client(&server)
        .job()
        .create_compare_job_definition("Slow", "Which?", [[U1, U2]])
        .upload_timeout(Duration::from_millis(50))
        .create()
        .unwrap_err();
    let Error::UploadFailed(f) = err else {
        panic!("expected UploadFailed, got {err:?}");
    };
    assert_eq!(f.failures()[0].stage, FailureStage::Upload);
    assert!(
        f.failures()[0].reason.contains("did not finish"),
        "{}",
        f.failures()[0].reason
    );
    abort.assert_calls(1);
    datapoints.assert_calls(0);
}

/// `POST` of datapoint (b, z) at index 1: refused once (400), then accepted.
fn datapoint_refused_once(server: &MockServer) -> httpmock::Mock<'_> {
    let calls = Arc::new(AtomicUsize::new(0));
    server.mock(|when, then| {
        when.method(POST)
            .path("/dataset/ds_1/datapoint")
            .json_body(text_datapoint("b", 1));
        then.respond_with(first_then(
            &calls,
            (400, json!({"title": "refused"})),
            (200, json!({"datapointId": "dp_1"})),
        ));
    })
}

/// `POST /job/definition` answered with the definition `jd_1`.
fn definition_jd_1(server: &MockServer) -> httpmock::Mock<'_> {
    server.post_job_definition(|_, then| {
        then.ok(&CreateJobDefinitionEndpointOutput::new(
            "jd_1".into(),
            "p".into(),
        ));
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

/// Creates the definition `name` of the text pairs (a, z) and (b, z).
fn create_two_texts(server: &MockServer, name: &str) -> rapidata::Result<JobDefinition> {
    client(server)
        .job()
        .create_compare_job_definition(
            name,
            "Which?",
            [
                [DataItem::text("a"), DataItem::text("z")],
                [DataItem::text("b"), DataItem::text("z")],
            ],
        )
        .create()
}

/// A responder answering `first` on its first call and `then` afterwards (JSON bodies).
fn first_then(
    calls: &Arc<AtomicUsize>,
    first: (u16, Value),
    then: (u16, Value),
) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
    let calls = calls.clone();
    move |_req: &HttpMockRequest| {
        let (status, body) = if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            first.clone()
        } else {
            then.clone()
        };
        HttpMockResponse::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
            .build()
    }
}

#[test]
fn a_second_retry_does_not_resend_datapoints_an_earlier_retry_created() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Again");
    let dp0 = datapoint_mock(&server, &log, text_datapoint("a", 0), 200);
    // Datapoint 1 is refused once (not worth repeating at once), then accepted.
    let dp1 = datapoint_refused_once(&server);
    // The definition is refused once (an unambiguous error), then created.
    let def_calls = Arc::new(AtomicUsize::new(0));
    let definition = server.mock(|when, then| {
        when.method(POST).path("/job/definition");
        then.respond_with(first_then(
            &def_calls,
            (400, json!({"title": "not now"})),
            (200, json!({"definitionId": "jd_1", "pipelineId": "p"})),
        ));
    });
    definitions_list(&server);
    let unexpected = catch_all(&server);

    let err = create_two_texts(&server, "Again").unwrap_err();
    let failure = upload_failure(err);
    assert_eq!(failure.pending().failed_indices(), [1]);
    dp1.assert_calls(1);

    // First retry: datapoint 1 is created, but the definition request fails.
    let err = failure.retry().unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");
    dp1.assert_calls(2);
    assert!(failure.pending().failed_indices().is_empty());

    // Second retry: datapoint 1 is already in the dataset and must not be sent again.
    let def = failure.retry().unwrap();
    assert_eq!(def.id(), "jd_1");
    dp0.assert_calls(1);
    dp1.assert_calls(2);
    definition.assert_calls(2);
    unexpected.assert_calls(0);
}

#[test]
fn concurrent_retries_send_each_datapoint_once_and_make_one_definition() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Together");
    let dp0 = datapoint_mock(&server, &log, text_datapoint("a", 0), 200);
    let mut refused = server.post_dataset_by_dataset_id_datapoint(|when, then| {
        when.dataset_id("ds_1").json_value(text_datapoint("b", 1));
        then.status(400).json_value(json!({"title": "refused"}));
    });
    definitions_list(&server);
    let mut unexpected = catch_all(&server);

    let err = create_two_texts(&server, "Together").unwrap_err();
    let failure = upload_failure(err);
    refused.assert_calls(1);
    unexpected.assert_calls(0);
    refused.delete();
    unexpected.delete();
    // From now on datapoint 1 is accepted, slowly, so that the retries overlap.
    let accepted = server.mock(|when, then| {
        when.method(POST)
            .path("/dataset/ds_1/datapoint")
            .json_body(text_datapoint("b", 1));
        then.status(200)
            .json_body(json!({"datapointId": "dp_1"}))
            .delay(Duration::from_millis(300));
    });
    let definition = definition_jd_1(&server);
    let unexpected = catch_all(&server);

    let pending = failure.into_pending();
    let start = std::sync::Barrier::new(4);
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let pending = pending.clone();
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    pending.retry().map(|d| d.id().to_owned())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    assert_eq!(ids, ["jd_1"; 4]);
    accepted.assert_calls(1);
    definition.assert_calls(1);
    dp0.assert_calls(1);
    // A later retry returns the same definition without a request.
    assert_eq!(pending.retry().unwrap().id(), "jd_1");
    definition.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn an_uncertain_datapoint_that_cannot_be_checked_is_checked_again_on_retry() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Unsure");
    // Datapoint 0 is stored, but every answer is lost in a 500.
    let dp0 = datapoint_mock(&server, &log, text_datapoint("a", 0), 500);
    let dp1 = datapoint_mock(&server, &log, text_datapoint("b", 1), 200);
    // The first listing fails; the second shows datapoint 0, without sort indices (so it
    // is recognised by its content).
    let listing_calls = Arc::new(AtomicUsize::new(0));
    let listing = server.mock(|when, then| {
        when.method(GET).path("/dataset/ds_1/datapoints");
        then.respond_with(first_then(
            &listing_calls,
            (503, json!({"title": "busy"})),
            (
                200,
                json!({"total": 2, "page": 1, "pageSize": 100, "totalPages": 1, "items": [
                    {"id": "dp_x", "datasetId": "ds_1", "segments": [
                        {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAsset", "assets": [
                            {"_t": "TextAsset", "text": "b"}, {"_t": "TextAsset", "text": "z"}]}}]},
                    {"id": "dp_0", "datasetId": "ds_1", "segments": [
                        {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAsset", "assets": [
                            {"_t": "TextAsset", "text": "a"}, {"_t": "TextAsset", "text": "z"}]}}]}]}),
            ),
        ));
    });
    let definition = definition_jd_1(&server);
    definitions_list(&server);
    let unexpected = catch_all(&server);

    let err = create_two_texts(&server, "Unsure").unwrap_err();
    let failure = upload_failure(err);
    let failed = failure.failures();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].index, 0);
    assert!(
        failed[0]
            .reason
            .contains("could not check whether it was created nevertheless"),
        "{}",
        failed[0].reason
    );
    dp0.assert_calls(1);
    dp1.assert_calls(1);
    definition.assert_calls(0);

    // The retry checks first, finds datapoint 0 by its content and does not send it again.
    let def = failure.retry().unwrap();
    assert_eq!(def.id(), "jd_1");
    dp0.assert_calls(1);
    dp1.assert_calls(1);
    listing.assert_calls(2);
    definition.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_datapoint_whose_requests_keep_failing_ambiguously_gets_three_requests() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Lost");
    // Not stored, and every answer is a 500: checked after each, sent three times.
    let dp0 = datapoint_mock(&server, &log, text_datapoint("a", 0), 500);
    let dp1 = datapoint_mock(&server, &log, text_datapoint("b", 1), 200);
    let listing = server.get_dataset_by_dataset_id_datapoints(|when, then| {
        when.dataset_id("ds_1");
        then.status(200).json_value(json!({
            "total": 1, "page": 1, "pageSize": 100, "totalPages": 1,
            "items": [{"id": "dp_1", "sortIndex": 1}]}));
    });
    definitions_list(&server);
    let unexpected = catch_all(&server);

    let err = create_two_texts(&server, "Lost").unwrap_err();
    let failure = upload_failure(err);
    assert_eq!(failure.pending().failed_indices(), [0]);
    assert!(failure.failures()[0].reason.contains("500"), "{failure:?}");
    dp0.assert_calls(3);
    dp1.assert_calls(1);
    listing.assert_calls(3);
    unexpected.assert_calls(0);
}

#[test]
fn a_datapoint_answered_2xx_with_an_unexpected_body_is_not_sent_again() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Odd answer");
    // Created (201), but the body lacks `datapointId`: the request was carried out.
    let dp0 = server.post_dataset_by_dataset_id_datapoint(|when, then| {
        when.dataset_id("ds_1").json_value(text_datapoint("a", 0));
        then.status(201).json_value(json!({"id": "dp_0"}));
    });
    let dp1 = datapoint_mock(&server, &log, text_datapoint("b", 1), 200);
    // The dataset shows both datapoints.
    let listing = server.get_dataset_by_dataset_id_datapoints(|when, then| {
        when.dataset_id("ds_1");
        then.status(200).json_value(json!({
            "total": 2, "page": 1, "pageSize": 100, "totalPages": 1,
            "items": [{"id": "dp_0", "sortIndex": 0}, {"id": "dp_1", "sortIndex": 1}]}));
    });
    let definition = definition_jd_1(&server);
    definitions_list(&server);
    let unexpected = catch_all(&server);

    // The odd answer makes datapoint 0 uncertain: the listing shows it, so it is not sent
    // again.
    let def = create_two_texts(&server, "Odd answer").unwrap();
    assert_eq!(def.id(), "jd_1");
    dp0.assert_calls(1);
    dp1.assert_calls(1);
    listing.assert_calls(1);
    definition.assert_calls(1);
    unexpected.assert_calls(0);
}

#[test]
fn a_definition_whose_answer_and_check_were_lost_is_found_by_the_next_retry() {
    let server = MockServer::start();
    let log: Log = Log::default();
    dataset_mock(&server, &log, "Lost answer");
    datapoint_mock(&server, &log, text_datapoint("a", 0), 200);
    // Datapoint 1 is refused once, so the first attempt stops before the definition.
    datapoint_refused_once(&server);
    // The server's definitions: every POST creates one; the first answer is lost (504).
    let stored = Arc::new(AtomicUsize::new(0));
    let posts = {
        let stored = stored.clone();
        let calls = AtomicUsize::new(0);
        server.mock(|when, then| {
            when.method(POST).path("/job/definition");
            then.respond_with(move |_req: &HttpMockRequest| {
                let id = stored.fetch_add(1, Ordering::SeqCst) + 1;
                let (status, body) = if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    (504, json!({"title": "gateway timeout"}))
                } else {
                    (
                        200,
                        json!({"definitionId": format!("jd_{id}"), "pipelineId": "p"}),
                    )
                };
                json_response(status, body)
            });
        })
    };
    // Listings show what is stored, except the one right after the lost answer, which fails.
    let listings = AtomicUsize::new(0);
    let stored_for_list = stored.clone();
    server.mock(|when, then| {
        when.method(GET).path("/job/definitions");
        then.respond_with(move |_req: &HttpMockRequest| {
            let n = listings.fetch_add(1, Ordering::SeqCst);
            let count = stored_for_list.load(Ordering::SeqCst);
            if n == 1 && count == 1 {
                return json_response(500, json!({"title": "listing down"}));
            }
            let items: Vec<Value> = (1..=count)
                .map(|i| {
                    json!({"definitionId": format!("jd_{i}"), "name": "Lost answer",
                           "definitionType": "Compare", "createdAt": "2026-01-01T00:00:00Z",
                           "organizationId": "o", "ownerId": "u", "ownerMail": "m",
                           "revisionCount": 1})
                })
                .collect();
            json_response(
                200,
                json!({"items": items, "page": 1, "pageSize": 100,
                       "total": count, "totalPages": 1}),
            )
        });
    });
    // The definition found is checked to hold our dataset before it is taken for ours.
    let revision = revision_mock(&server, "jd_1", "ds_1");
    let unexpected = catch_all(&server);

    let err = create_two_texts(&server, "Lost answer").unwrap_err();
    let failure = upload_failure(err);
    // First retry: the definition is created, its answer lost, and the check fails.
    let err = failure.retry().unwrap_err();
    assert!(err.may_have_been_processed(), "{err:?}");
    assert_eq!(stored.load(Ordering::SeqCst), 1);
    // Second retry: compared with the definitions from before the first POST, jd_1 is
    // new, so it is the one; no second definition is created.
    let def = failure.retry().unwrap();
    assert_eq!(def.id(), "jd_1");
    posts.assert_calls(1);
    revision.assert_calls(1);
    assert_eq!(stored.load(Ordering::SeqCst), 1);
    unexpected.assert_calls(0);
}

/// `GET /job/definition/{id}/revision/1` of a definition whose first revision holds
/// `dataset_id`.
fn revision_mock<'a>(server: &'a MockServer, id: &str, dataset_id: &str) -> httpmock::Mock<'a> {
    let body = json!({
        "definitionId": id, "revisionNumber": 1, "state": "Completed", "pipelineId": "p",
        "datasetId": dataset_id,
        "workflow": {"_t": "SimpleWorkflow",
            "rapid": {"_t": "Compare", "asset": {"segment": "asset"},
                "criteria": {"literal": "Which?"}, "indexIdentifiers": ["A", "B"]}},
        "referee": {"_t": "EarlyStoppingReferee", "maxVotes": 20, "threshold": 0.99},
        "featureFlags": [], "campaignFeatureFlags": [], "createdAt": "2026-01-01T00:00:00Z",
        "createdById": "u", "createdByMail": "m"
    });
    server.mock(|when, then| {
        when.method(GET)
            .path(format!("/job/definition/{id}/revision/1"));
        then.status(200)
            .header("content-type", "application/json")
            .body(body.to_string());
    })
}

fn json_response(status: u16, body: Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
