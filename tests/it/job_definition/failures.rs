//! Datapoints that fail: partial failure and the retry, the failure tolerance, ambiguous
//! answers reconciled, and the three-attempt limit; with the progress reported meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::job::{EventKind, FailureStage, ProgressEvent, Reporter, Stage};
use rapidata::{DataItem, Error};
use serde_json::json;

use super::*;

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
        .send()
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
        .send()
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
        .send()
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
        .send()
        .unwrap_err();
    let Error::UploadFailed(f) = err else {
        panic!("expected UploadFailed, got {err:?}");
    };
    assert_eq!(f.failures()[0].stage, FailureStage::Datapoint);
    dp.assert_calls(3);
    definition.assert_calls(0);
}
