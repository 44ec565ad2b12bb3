//! The exact request sequence and bodies of new definitions (compare, classification, text
//! compare), and batch uploads polled until done or aborted at the upload timeout.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::api::types::CreateDatapointEndpointOutput;
use rapidata::job::FailureStage;
use rapidata::{DataItem, Error, Setting};
use serde_json::{json, Value};

use super::*;

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
        .send()
        .unwrap();

    assert_each_called_once(
        &unexpected,
        &batch_status,
        &[
            &dataset,
            &batch_post,
            &batch_result,
            &upload_a,
            &upload_b,
            &dp0,
            &dp1,
            &dp2,
            &definition,
        ],
    );
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
        .send()
        .unwrap();
    assert_each_called_once(
        &unexpected,
        &batch_status,
        &[
            &dataset,
            &batch_post,
            &batch_result,
            &upload,
            &dp0,
            &dp1,
            &dp2,
            &definition,
        ],
    );
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
        .send()
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
        .send()
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
        .send()
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

/// Nothing reached `unexpected`, the batch status was polled (at least once: polls overlap
/// by design when a round trip takes longer than the pause between polls, 10 ms at least,
/// as on a loaded machine), and every mock of `once` was called exactly once.
fn assert_each_called_once(
    unexpected: &httpmock::Mock<'_>,
    batch_status: &httpmock::Mock<'_>,
    once: &[&httpmock::Mock<'_>],
) {
    unexpected.assert_calls(0);
    assert!(batch_status.calls() >= 1);
    for m in once {
        m.assert_calls(1);
    }
}
