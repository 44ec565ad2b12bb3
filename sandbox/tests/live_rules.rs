//! Rules of the live API that the sandbox models: explicit recruiting with enough examples,
//! unknown properties refused, `/connect/userinfo`, and the request journal.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use rapidata_sandbox::Sandbox;
use serde_json::{json, Value};

fn sandbox_get(sb: &Sandbox, path: &str) -> Resp {
    let agent = agent();
    let mut r = agent
        .get(format!("{}{path}", sb.url()))
        .call()
        .expect("transport");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    Resp {
        status,
        trace: None,
        content_type: None,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

fn compare_example(api: &Api, audience: &str, i: usize) -> Resp {
    let (a, b) = (
        api.upload_url(&format!("https://e.example/a{i}.jpg")),
        api.upload_url(&format!("https://e.example/b{i}.jpg")),
    );
    api.post(
        &format!("/audience/{audience}/example"),
        &json!({"asset": pair(&a, &b), "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
                "truth": {"_t": "CompareExampleTruth", "winnerId": a}, "randomCorrectProbability": 0.5}),
    )
}

#[test]
fn recruiting_needs_as_many_examples_as_the_rule_asks() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);

    // Default rule (10 tasks), 8 examples: refused with the live API's message.
    let r = api.post("/audience", &json!({"name": "eight", "filters": []}));
    let aud = r.json["audienceId"].as_str().unwrap().to_string();
    for i in 0..8 {
        assert_eq!(compare_example(&api, &aud, i).status, 200);
    }
    // Adding examples does not start recruiting.
    assert_eq!(
        api.get(&format!("/audience/{aud}")).json["status"],
        "Created"
    );
    let r = api.post_empty(&format!("/audience/{aud}/recruit"));
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("application/problem+json"));
    let msg = "The graduation rule needs 10 validation tasks, but the audience only has 8";
    assert_eq!(r.json["title"], msg);
    assert_eq!(r.json["detail"], msg);
    assert_eq!(r.json["status"], 400);
    let errors: Vec<&Value> = r.json["errors"].as_object().unwrap().values().collect();
    assert_eq!(errors, vec![&json!([msg])], "{}", r.text);
    assert!(r.json["traceId"].as_str().unwrap().starts_with("00-"));
    assert_eq!(
        api.get(&format!("/audience/{aud}")).json["status"],
        "Created"
    );

    // Two more examples, and it may recruit.
    for i in 8..10 {
        assert_eq!(compare_example(&api, &aud, i).status, 200);
    }
    recruit(&api, &aud);
    assert_eq!(
        api.get(&format!("/audience/{aud}")).json["status"],
        "Recruiting"
    );
    // Again: still fine (it is recruiting already).
    recruit(&api, &aud);

    // An explicit minTasks counts; no examples at all is refused too.
    let r = api.post(
        "/audience",
        &json!({"name": "four", "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.5, "minTasks": 4}}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let four = r.json["audienceId"].as_str().unwrap().to_string();
    let r = api.post_empty(&format!("/audience/{four}/recruit"));
    assert_eq!(
        r.json["title"],
        "The graduation rule needs 4 validation tasks, but the audience only has 0"
    );

    // minTasks below 3 is refused, on create and on update.
    for min in [0, 1, 2] {
        let r = api.post(
            "/audience",
            &json!({"name": "few", "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.5, "minTasks": min}}),
        );
        assert_eq!(r.status, 400, "{}", r.text);
        assert!(
            r.json["errors"]["graduationRule.minTasks"][0]
                .as_str()
                .unwrap()
                .contains("at least 3"),
            "{}",
            r.text
        );
    }
    let r = api.patch(
        &format!("/audience/{four}"),
        &json!({"graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.5, "minTasks": 2}}),
    );
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json["errors"]["graduationRule.minTasks"].is_array());

    // Built-in audiences have nothing to recruit.
    assert_eq!(api.post_empty("/audience/global/recruit").status, 204);
}

#[test]
fn a_job_on_an_audience_nobody_recruits_for_never_gets_responses() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let aud = audience_with_examples(&api, "idle");
    let def = compare_definition(&api, "idle", &[(FLUX_BOOK, MJ_BOOK, None)], 3);
    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": def, "audienceId": aud, "checkForExplicitContent": null}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json["recruitingStarted"], false);
    let job = r.json["jobId"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        api.get(&format!("/audience/{aud}")).json["status"],
        "Created"
    );
    assert_eq!(
        api.get(&format!("/audience/{aud}/user-metrics")).json,
        json!({"usersPerState": {"Distilling": 0, "Dropped": 0, "Graduated": 0}, "capacity": "None"})
    );
    assert_eq!(api.get(&format!("/job/{job}")).json["state"], "Submitted");
    assert_eq!(api.get(&format!("/job/{job}/progress")).status, 404);
    assert_eq!(sb.stats().jobs[&job].votes, 0);
}

#[test]
fn unknown_properties_are_refused_with_their_path() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let gen = "2026.";
    // Top level.
    let r = api.post("/dataset", &json!({"name": "d", "colour": "red"}));
    assert_eq!(r.status, 400, "{}", r.text);
    let m = r.json["errors"]["colour"][0].as_str().unwrap();
    assert!(
        m.starts_with("'colour' is not a property of ") && m.contains(" in API "),
        "{m}"
    );
    assert!(m.contains(gen), "{m}");
    // Inside a union member: named by its tag.
    let r = api.post(
        "/audience",
        &json!({"name": "x", "filters": [{"_t": "CountryFilter", "countries": ["US"], "regions": []}]}),
    );
    assert_eq!(r.status, 400, "{}", r.text);
    let m = r.json["errors"]["filters[0].regions"][0].as_str().unwrap();
    assert!(
        m.starts_with("'regions' is not a property of CountryFilter in API "),
        "{m}"
    );
    // Inside a nested object of a union member.
    let r = api.post(
        "/audience",
        &json!({"name": "x", "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.5, "minTasks": 3, "bonus": 1}}),
    );
    assert!(
        r.json["errors"]["graduationRule.bonus"][0]
            .as_str()
            .unwrap()
            .starts_with("'bonus' is not a property of TaskAccuracy"),
        "{}",
        r.text
    );
    // What the client of today sends is fine.
    let r = api.post("/dataset", &json!({"name": "d"}));
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn userinfo_answers_for_a_valid_token_only() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let r = api.get("/connect/userinfo");
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json["sub"].is_string());
    assert!(r.json["email"].as_str().unwrap().contains('@'));
    assert!(r.json["name"].is_string());
    let r = agent()
        .get(format!("{}/connect/userinfo", sb.url()))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = agent()
        .get(format!("{}/connect/userinfo", sb.url()))
        .header("Authorization", "Bearer sbx_nope")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[test]
fn the_journal_lists_every_api_request_in_order() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    api.post("/dataset", &json!({"name": "journal"}));
    api.upload_file("cat.jpg", b"\xff\xd8\xff");
    api.get("/job/nope?x=1&y=%5B");
    api.post_raw("/dataset", "not json");
    sandbox_get(&sb, "/_sandbox/stats");
    let _ = agent().get(format!("{}/audiences", sb.url())).call(); // 401

    let j = sandbox_get(&sb, "/_sandbox/requests");
    assert_eq!(j.status, 200);
    let entries = j.json.as_array().unwrap();
    assert_eq!(entries, &sb.requests());
    let summary: Vec<(String, String, u64)> = entries
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_string(),
                e["path"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = [
        ("POST", "/connect/token", 200),
        ("POST", "/dataset", 200),
        ("POST", "/asset/file", 200),
        ("GET", "/job/nope", 404),
        ("POST", "/dataset", 400),
        ("GET", "/audiences", 401),
    ]
    .iter()
    .map(|(m, p, s)| (m.to_string(), p.to_string(), *s))
    .collect();
    assert_eq!(summary, expected);
    // Token: body null (credentials are not recorded), response the token.
    assert_eq!(entries[0]["body"], Value::Null);
    assert_eq!(entries[0]["query"], "");
    assert!(entries[0]["response"]["access_token"].is_string());
    assert_eq!(entries[1]["body"], json!({"name": "journal"}));
    assert!(entries[1]["response"]["datasetId"].is_string());
    assert_eq!(
        entries[2]["body"],
        json!({"multipart": [{"name": "file", "filename": "cat.jpg", "content_type": "image/jpeg", "size": 3}]})
    );
    assert_eq!(entries[3]["query"], "x=1&y=%5B");
    assert_eq!(entries[3]["body"], Value::Null);
    assert_eq!(entries[3]["response"]["title"], "Not Found");
    assert_eq!(entries[4]["body"], "not json");
    assert!(entries[4]["response"]["errors"]["$"].is_array());
    assert_eq!(entries[5]["response"], Value::Null);
}

#[test]
fn the_journal_records_faults_and_dropped_connections() {
    let sb = fast().rate_drop(1.0).start().unwrap();
    // A raw request: the connection is closed without an answer.
    let mut s = TcpStream::connect(sb.addr()).unwrap();
    write!(
        s,
        "GET /audiences HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert!(buf.is_empty());
    let j = sb.requests();
    assert_eq!(j.len(), 1, "{j:?}");
    assert_eq!(j[0]["status"], 0);
    assert_eq!(j[0]["response"], Value::Null);

    let sb = fast().rate_503(1.0).start().unwrap();
    let _ = agent().get(format!("{}/audiences?page=1", sb.url())).call();
    let j = sb.requests();
    assert_eq!(j[0]["status"], 503);
    assert_eq!(j[0]["query"], "page=1");
    assert_eq!(j[0]["response"]["status"], 503);
}

#[test]
fn blocked_jobs_report_it_and_stop_receiving_responses() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let def = compare_definition(&api, "flagged", &[(FLUX_BOOK, MJ_BOOK, None)], 1000);
    let job = assign(&api, &def, "global");
    // Let it collect some responses.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while sb.stats().jobs[&job].votes < 3 {
        assert!(std::time::Instant::now() < deadline, "no votes");
        std::thread::sleep(Duration::from_millis(10));
    }
    let agent = agent();
    let r = agent
        .post(format!("{}/_sandbox/jobs/{job}/block", sb.url()))
        .header("Content-Type", "application/json")
        .send(r#"{"reason": "Rapid 1 was flagged as explicit."}"#)
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let votes = sb.stats().jobs[&job].votes;
    assert_eq!(sb.stats().jobs[&job].state, "Blocked");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(sb.stats().jobs[&job].votes, votes, "votes after blocking");

    let r = api.get(&format!("/job/{job}"));
    assert_eq!(r.json["state"], "Blocked");
    assert_eq!(r.json["failureMessage"], "Rapid 1 was flagged as explicit.");
    assert_eq!(r.json["completedAt"], Value::Null);
    let p = api.get(&format!("/job/{job}/progress"));
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.json["state"], "Paused");
    assert!(p.json["completionPercentage"].as_f64().unwrap() < 100.0);
    // Resume does not unblock; results are not available.
    assert_eq!(api.post_empty(&format!("/job/{job}/resume")).status, 204);
    assert_eq!(api.get(&format!("/job/{job}")).json["state"], "Blocked");
    assert_eq!(api.get(&format!("/job/{job}/download-results")).status, 409);
    let r = api.get("/jobs?state[eq]=Blocked");
    assert_eq!(r.json["total"], 1, "{}", r.text);

    // The library call; a second block, an unknown job.
    let job2 = assign(&api, &def, "global");
    assert!(sb.block_job(&job2, None));
    let r = api.get(&format!("/job/{job2}"));
    assert_eq!(r.json["state"], "Blocked");
    assert!(r.json["failureMessage"]
        .as_str()
        .unwrap()
        .contains("flagged"));
    assert!(!sb.block_job(&job2, None));
    assert!(!sb.block_job("nope", Some("x")));
    let r = agent
        .post(format!("{}/_sandbox/jobs/nope/block", sb.url()))
        .send_empty()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // Not journaled.
    assert!(sb
        .requests()
        .iter()
        .all(|e| !e["path"].as_str().unwrap().starts_with("/_sandbox")));
}
