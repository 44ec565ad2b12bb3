//! Audience endpoints against a mock server: exact method, path, query and body of every
//! call.
//!
//! The mocks are the typed helpers of `support::mock`. Request bodies stay JSON
//! (`when.json_value`) where the test pins the wire form itself (which fields a patch
//! sends, explicit `null`s, `_t` tags), and so do answers holding unions (filters,
//! graduation rules), so these fixtures do not depend on the generated union shape.

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::api::types::{
    AudienceStatus, CreateAudienceEndpointOutput, CreateFilteredAudienceEndpointOutput,
    UpdateAudienceEndpointOutput,
};
use rapidata::{AgeGroup, Filter, JobTarget};
use serde_json::{json, Value};

use crate::support as common;
use common::client;

fn audience_json(id: &str, status: &str, filter: Option<Value>) -> Value {
    let mut v = json!({
        "id": id,
        "baseAudienceId": id,
        "name": "Prompt alignment",
        "description": "careful raters",
        "status": status,
        "qualifiedUserCount": 42,
        "filters": [{"_t": "CountryFilter", "countries": ["US"]},
                    {"_t": "DemographicFilter", "identifier": "age", "values": ["18-29"]}],
        "createdAt": "2026-07-13T11:07:53.577348+00:00",
        "ownerId": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11",
        "ownerMail": "me@example.com",
        "organizationId": "org_1",
        "isPublic": false,
        "isDistilling": true,
        "distillingCampaignId": "camp_1",
        "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10, "maxTasks": null},
        "distillingRetrievalMode": "Random",
        "boostLevel": "None"
    });
    if let Some(f) = filter {
        v["filter"] = f;
    }
    v
}

fn get_audience_mock<'a>(server: &'a MockServer, id: &str, body: Value) -> httpmock::Mock<'a> {
    server.get_audience_by_audience_id(|when, then| {
        when.audience_id(id);
        then.json_value(body);
    })
}

#[test]
fn create_without_filters_sends_name_and_empty_filters() {
    let server = MockServer::start();
    let create = server.post_audience(|when, then| {
        when.json_value(json!({"name": "My audience", "filters": []}))
            .and(|w| {
                w.header("authorization", "Bearer test-token")
                    .header("content-type", "application/json")
            });
        then.ok(&CreateAudienceEndpointOutput::new("aud_new".into()));
    });
    let audience = client(&server)
        .audience()
        .create_audience("My audience")
        .send()
        .unwrap();
    create.assert();
    assert_eq!(audience.id(), "aud_new");
    assert_eq!(audience.name(), "My audience");
    assert_eq!(audience.status(), &AudienceStatus::Created);
    assert!(audience.filters().is_empty());
    assert_eq!(audience.qualified_labeler_count(), 0);
    assert_eq!(audience.audience_id(), "aud_new");
}

#[test]
fn create_with_filters_and_admission_bar_sends_the_graduation_rule() {
    let server = MockServer::start();
    let create = server.post_audience(|when, then| {
        when.json_value(json!({
            "name": "My audience",
            "filters": [
                {"_t": "CountryFilter", "countries": ["US", "CA"]},
                {"_t": "LanguageFilter", "languages": ["en"]}
            ],
            "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.8, "minTasks": 10, "maxTasks": null}
        }));
        then.ok(&CreateAudienceEndpointOutput::new("aud_f".into()));
    });
    let audience = client(&server)
        .audience()
        .create_audience("My audience")
        .filters([Filter::country(["US", "CA"]), Filter::language(["en"])])
        .target_accuracy(0.8)
        .send()
        .unwrap();
    create.assert();
    assert_eq!(
        audience.filters(),
        &[Filter::country(["US", "CA"]), Filter::language(["en"])]
    );
}

#[test]
fn create_with_min_and_max_tasks_fills_the_default_accuracy() {
    let server = MockServer::start();
    let create = server.post_audience(|when, then| {
        when.json_value(json!({
            "name": "Bounded",
            "description": "d",
            "filters": [],
            "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 5, "maxTasks": 20}
        }));
        then.ok(&CreateAudienceEndpointOutput::new("aud_b".into()));
    });
    let audience = client(&server)
        .audience()
        .create_audience("Bounded")
        .description("d")
        .min_tasks(5)
        .max_tasks(20)
        .send()
        .unwrap();
    create.assert();
    assert_eq!(audience.description(), Some("d"));
}

#[test]
fn get_audience_by_id_reads_every_field() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Ready", None));
    let audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    get.assert();
    assert_eq!(audience.id(), "aud_1");
    assert_eq!(audience.name(), "Prompt alignment");
    assert_eq!(audience.status(), &AudienceStatus::Ready);
    assert_eq!(audience.qualified_labeler_count(), 42);
    assert_eq!(audience.description(), Some("careful raters"));
    assert_eq!(
        audience.filters(),
        &[Filter::country(["US"]), Filter::age([AgeGroup::Age18To29])]
    );
}

#[test]
fn global_audience_is_the_id_global() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "global", audience_json("global", "Ready", None));
    let global = client(&server).audience().global_audience().unwrap();
    get.assert();
    assert_eq!(global.id(), "global");
}

#[test]
fn get_audience_by_id_refuses_a_filtered_audience() {
    let server = MockServer::start();
    let filter = json!({"_t": "CountryFilter", "countries": ["DE"]});
    let get = get_audience_mock(
        &server,
        "fau_1",
        audience_json("aud_1", "Ready", Some(filter)),
    );
    let err = client(&server)
        .audience()
        .get_audience_by_id("fau_1")
        .unwrap_err();
    get.assert();
    let e = err.as_invalid_input().expect("typed error");
    assert_eq!(e.argument(), "audience_id");
    assert!(
        e.reason().contains("get_filtered_audience_by_id"),
        "{}",
        e.reason()
    );
}

#[test]
fn get_filtered_audience_by_id_reads_the_filter() {
    let server = MockServer::start();
    let filter = json!({"_t": "AndFilter", "filters": [
        {"_t": "CountryFilter", "countries": ["US"]},
        {"_t": "DemographicFilter", "identifier": "age", "values": ["18-29"]}]});
    let get = get_audience_mock(
        &server,
        "fau_1",
        audience_json("aud_1", "Ready", Some(filter)),
    );
    let mut filtered = client(&server)
        .audience()
        .get_filtered_audience_by_id("fau_1")
        .unwrap();
    assert_eq!(filtered.id(), "fau_1");
    assert_eq!(filtered.audience_id(), "fau_1");
    assert_eq!(filtered.base_audience_id(), "aud_1");
    assert_eq!(
        filtered.filter(),
        &(Filter::country(["US"]) & Filter::age([AgeGroup::Age18To29]))
    );
    filtered.refresh().unwrap();
    get.assert_calls(2);

    let plain = get_audience_mock(&server, "aud_2", audience_json("aud_2", "Ready", None));
    let err = client(&server)
        .audience()
        .get_filtered_audience_by_id("aud_2")
        .unwrap_err();
    plain.assert();
    assert_eq!(err.as_invalid_input().unwrap().argument(), "audience_id");
}

fn query_item(id: &str) -> Value {
    json!({
        "id": id, "name": format!("Audience {id}"), "status": "Recruiting",
        "qualifiedUserCount": 7, "filters": [{"_t": "LanguageFilter", "languages": ["en"]}],
        "createdAt": "2026-07-13T11:07:53+00:00", "ownerMail": "me@example.com",
        "organizationId": "org_1", "isPublic": false, "isDistilling": true, "isShared": false,
        "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10}
    })
}

#[test]
fn find_audiences_sends_the_sdk_query_byte_for_byte() {
    let server = MockServer::start();
    let find = server.get_audiences(|when, then| {
        when.and(|w| {
            w.is_true(|req| {
                req.uri().query()
                    == Some("page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=cats")
            })
        });
        then.status(200).json_value(json!({
            "total": 2, "page": 1, "pageSize": 10, "totalPages": 1,
            "items": [query_item("aud_a"), query_item("aud_b")]
        }));
    });
    let found = client(&server)
        .audience()
        .find_audiences("cats")
        .send()
        .unwrap();
    find.assert();
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].id(), "aud_b");
    assert_eq!(found[0].status(), &AudienceStatus::Recruiting);
    assert_eq!(found[0].filters(), &[Filter::language(["en"])]);
    assert_eq!(found[0].qualified_labeler_count(), 7);
}

#[test]
fn find_audiences_always_sends_the_empty_contains_filter() {
    let server = MockServer::start();
    let find = server.get_audiences(|when, then| {
        when.and(|w| {
            w.is_true(|req| {
                req.uri().query()
                    == Some("page=3&page_size=25&sort=-created_at&name%5Bcontains%5D=")
            })
        });
        then.status(200)
            .json_value(json!({"total": 0, "page": 3, "pageSize": 25, "items": []}));
    });
    let found = client(&server)
        .audience()
        .find_audiences("")
        .amount(25)
        .page(3)
        .send()
        .unwrap();
    find.assert();
    assert!(found.is_empty());
}

#[test]
fn curated_audiences_filter_on_is_public() {
    let server = MockServer::start();
    let find = server.get_audiences(|when, then| {
when.and(|w| w.is_true(|req| {
            req.uri().query()
                == Some(
                    "page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=&is_public%5Beq%5D=true",
                )
        }));
then.status(200).json_value(
            json!({"total": 1, "page": 1, "pageSize": 10, "items": [query_item("aud_MU1GZYoESyO")]}),
        );
});
    let found = client(&server)
        .audience()
        .curated_audiences()
        .send()
        .unwrap();
    find.assert();
    assert_eq!(found[0].id(), "aud_MU1GZYoESyO");
}

#[test]
fn rename_and_update_filters_send_one_field_patches() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Ready", None));
    let rename = server.patch_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1")
            .json_value(json!({"name": "New name"}));
        then.ok(&UpdateAudienceEndpointOutput::new());
    });
    let refilter = server.patch_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1").json_value(json!({"filters": [
            {"_t": "OrFilter", "filters": [
                {"_t": "CountryFilter", "countries": ["US"]},
                {"_t": "LanguageFilter", "languages": ["en"]}]}]}));
        then.ok(&UpdateAudienceEndpointOutput::new());
    });
    let mut audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    audience.rename("New name").unwrap();
    assert_eq!(audience.name(), "New name");
    let f = Filter::country(["US"]) | Filter::language(["en"]);
    audience.update_filters([f.clone()]).unwrap();
    assert_eq!(audience.filters(), &[f]);
    get.assert();
    rename.assert();
    refilter.assert();
}

#[test]
fn refresh_delete_and_recruit() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Pending", None));
    let recruit = server.post_audience_by_audience_id_recruit(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.header_missing("content-type").body(""));
        then.ok();
    });
    let delete = server.delete_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.ok();
    });
    let count = examples_total_mock(&server, 10);
    let mut audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    audience.refresh().unwrap();
    assert_eq!(audience.status(), &AudienceStatus::Pending);
    assert_eq!(audience.min_tasks(), Some(10));
    audience.start_recruiting().unwrap();
    audience.delete().unwrap();
    get.assert_calls(2);
    count.assert();
    recruit.assert();
    delete.assert();
}

/// `GET /audience/aud_1/examples?page=1&page_size=1` answering `total` examples.
fn examples_total_mock(server: &MockServer, total: i64) -> httpmock::Mock<'_> {
    server.get_audience_by_audience_id_examples(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.query_param("page", "1").query_param("page_size", "1"));
        then.status(200).json_value(json!({
            "total": total, "page": 1, "pageSize": 1, "items": [], "totalPages": total
        }));
    })
}

#[test]
fn recruiting_below_min_tasks_is_refused_before_the_recruit_request() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Created", None));
    let count = examples_total_mock(&server, 8);
    let recruit = server.post_audience_by_audience_id_recruit(|when, then| {
        when.audience_id("aud_1");
        then.ok();
    });
    let audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    let err = audience.start_recruiting().unwrap_err();
    let rapidata::Error::NotEnoughExamples(e) = &err else {
        panic!("expected NotEnoughExamples, got {err:?}");
    };
    assert_eq!((e.examples(), e.min_tasks(), e.missing()), (8, 10, 2));
    assert!(!e.refused_by_server());
    let text = err.to_string();
    for part in [
        "needs 10",
        "has 8",
        "Add 2 more",
        "lower min_tasks",
        "min_tasks(8)",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }
    get.assert();
    count.assert();
    recruit.assert_calls(0);
}

#[test]
fn the_servers_recruiting_refusal_is_the_same_typed_error() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Created", None));
    // The listing says 10, but by the time recruit arrives someone deleted two.
    let count = examples_total_mock(&server, 10);
    let recruit = server.post_audience_by_audience_id_recruit(|when, then| {
        when.audience_id("aud_1");
        then.status(400).json_value(json!({
            "title": "One or more validation errors occurred.", "status": 400,
            "errors": {"audienceId": ["The graduation rule needs 10 validation tasks, but the audience only has 8"]}
        }));
    });
    let audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    let err = audience.start_recruiting().unwrap_err();
    let rapidata::Error::NotEnoughExamples(e) = &err else {
        panic!("expected NotEnoughExamples, got {err:?}");
    };
    assert_eq!((e.examples(), e.min_tasks()), (8, 10));
    assert!(e.refused_by_server());
    get.assert();
    count.assert();
    recruit.assert();
}

#[test]
fn user_metrics_count_the_state_families() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Ready", None));
    let metrics = server.get_audience_by_audience_id_user_metrics(|when, then| {
        when.audience_id("aud_1");
        then.json_value(json!({"usersPerState": {
            "Graduated": 5, "Distilling": 3, "DroppedLowAccuracy": 2, "Dropped": 1,
            "InactiveGraduated": 4, "Inactive": 1}}));
    });
    let audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    let m = audience.user_metrics().unwrap();
    get.assert();
    metrics.assert();
    assert_eq!(
        (m.graduated(), m.distilling(), m.dropped(), m.inactive()),
        (5, 3, 3, 5)
    );
    assert_eq!(m.users_per_state()["DroppedLowAccuracy"], 2);
}

#[test]
fn find_jobs_sends_the_sdk_query() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Ready", None));
    let jobs = server.get_jobs(|when, then| {
when.and(|w| w.is_true(|req| {
            req.uri().query()
                == Some(
                    "page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=&audience_id%5Beq%5D=aud_1",
                )
        }));
then.status(200).json_value(json!({"total": 1, "page": 1, "pageSize": 10, "items": [{
            "jobId": "job_1", "name": "Alignment:1", "jobDefinitionId": "def_1",
            "audienceId": "aud_1", "revisionNumber": 1, "pipelineId": "pip_1",
            "state": "Running", "ownerMail": "me@example.com", "organizationId": "org_1",
            "createdAt": "2026-07-13T11:07:53+00:00", "progress": 0.5, "isShared": false}]}));
});
    let audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    let found = audience.find_jobs().send().unwrap();
    get.assert();
    jobs.assert();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id(), "job_1");
    assert_eq!(found[0].audience_id(), "aud_1");
    assert_eq!(
        found[0].cached_state(),
        Some(&rapidata::api::types::AudienceJobState::Running)
    );
}

#[test]
fn filter_creates_a_filtered_audience() {
    let server = MockServer::start();
    let get = get_audience_mock(&server, "aud_1", audience_json("aud_1", "Ready", None));
    let create = server.post_audience_by_base_audience_id_filter(|when, then| {
        when.base_audience_id("aud_1").json_value(
            json!({"filter": {"_t": "AndFilter", "filters": [
                {"_t": "CountryFilter", "countries": ["US"]},
                {"_t": "DemographicFilter", "identifier": "age", "values": ["18-29"]}]}}),
        );
        then.ok(&CreateFilteredAudienceEndpointOutput::new("fau_9".into()));
    });
    let delete = server.delete_audience_by_audience_id(|when, then| {
        when.audience_id("fau_9");
        then.ok();
    });
    let audience = client(&server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    let filtered = audience
        .filter(Filter::country(["US"]) & Filter::age([AgeGroup::Age18To29]))
        .unwrap();
    assert_eq!(filtered.id(), "fau_9");
    assert_eq!(filtered.base_audience_id(), "aud_1");
    assert_eq!(filtered.client().api_url(), server.base_url());
    filtered.delete().unwrap();
    get.assert();
    create.assert();
    delete.assert();
}

fn metrics_mock<'a>(server: &'a MockServer, id: &str, states: Value) -> httpmock::Mock<'a> {
    server.get_audience_by_audience_id_user_metrics(|when, then| {
        when.audience_id(id);
        then.json_value(json!({ "usersPerState": states }));
    })
}

#[test]
fn can_never_answer_follows_the_sdk_check() {
    let server = MockServer::start();
    let c = client(&server);
    // Someone graduated: answerable, and the audience itself is not read.
    let m = metrics_mock(&server, "aud_g", json!({"Graduated": 1}));
    let g = get_audience_mock(&server, "aud_g", audience_json("aud_g", "Created", None));
    let mut a = c.audience().get_audience_by_id("aud_g").unwrap();
    assert!(!a.can_never_answer().unwrap());
    m.assert();
    g.assert_calls(1);

    // Nobody, recruiting never started: never.
    let m = metrics_mock(&server, "aud_c", json!({"Dropped": 3}));
    let g = get_audience_mock(&server, "aud_c", audience_json("aud_c", "Created", None));
    a = c.audience().get_audience_by_id("aud_c").unwrap();
    assert!(a.can_never_answer().unwrap());
    m.assert();
    g.assert_calls(2);

    // Nobody and a funnel that ran dry: never.
    let _m = metrics_mock(&server, "aud_r", json!({"Graduated": 0, "Distilling": 0}));
    let _g = get_audience_mock(&server, "aud_r", audience_json("aud_r", "Ready", None));
    a = c.audience().get_audience_by_id("aud_r").unwrap();
    assert!(a.can_never_answer().unwrap());

    // Curated/global: no metrics of its own, Ready: answerable.
    let _m = metrics_mock(&server, "global", json!({}));
    let _g = get_audience_mock(&server, "global", audience_json("global", "Ready", None));
    a = c.audience().global_audience().unwrap();
    assert!(!a.can_never_answer().unwrap());

    // Recruiting: answerable.
    let _m = metrics_mock(&server, "aud_p", json!({}));
    let _g = get_audience_mock(&server, "aud_p", audience_json("aud_p", "Recruiting", None));
    a = c.audience().get_audience_by_id("aud_p").unwrap();
    assert!(!a.can_never_answer().unwrap());
}

#[test]
fn api_errors_come_back_with_their_status() {
    let server = MockServer::start();
    let get = server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_missing");
        then.status(404)
            .header("x-trace-id", "trace-404")
            .json_value(json!({"title": "Not Found", "status": 404}));
    });
    let err = client(&server)
        .audience()
        .get_audience_by_id("aud_missing")
        .unwrap_err();
    get.assert();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.trace_id(), Some("trace-404"));
}
