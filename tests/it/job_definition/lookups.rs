//! Definitions found, refreshed and deleted, and cost estimates waited for.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::job::WaitOptions;
use rapidata::Error;
use serde_json::{json, Value};

use crate::support::models;

use super::*;

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
    let def = looked_up(&server);
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
    let def = looked_up(&server);
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
    let def = looked_up(&server);
    let err = def.cost_estimate(Duration::from_secs(30)).unwrap_err();
    assert_eq!(err.status(), Some(403));
}

/// Definition `jd_1` looked up through a client of `server` (which answers the lookup).
fn looked_up(server: &MockServer) -> rapidata::JobDefinition {
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "n"));
    });
    client(server)
        .job()
        .get_job_definition_by_id("jd_1")
        .unwrap()
}
