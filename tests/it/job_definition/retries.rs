//! Retries of a definition whose datapoints or definition failed: exactly-once datapoints
//! across retries, concurrent retries, lost answers and unexpected bodies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::api::types::CreateJobDefinitionEndpointOutput;
use rapidata::job::JobDefinition;
use rapidata::DataItem;
use serde_json::{json, Value};

use super::*;

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
        .send()
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
