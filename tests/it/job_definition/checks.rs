//! Input checked before any request: invalid definitions and contexts over the limit.

use httpmock::prelude::*;
use rapidata::DataItem;
use serde_json::{json, Value};

use super::*;

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
                .send(),
        ),
        (
            "datapoints[0]",
            compare(vec![[DataItem::from(U1), DataItem::from(U1)]]).send(),
        ),
        ("contexts", compare(ok_pair()).contexts(["a", "b"]).send()),
        (
            "contexts[0]",
            compare(ok_pair()).contexts(["y".repeat(401)]).send(),
        ),
        (
            "confidence_threshold",
            compare(ok_pair())
                .confidence_threshold(0.9)
                .quorum_threshold(3)
                .send(),
        ),
        (
            "confidence_threshold",
            compare(ok_pair()).confidence_threshold(1.5).send(),
        ),
        (
            "quorum_threshold",
            compare(ok_pair()).quorum_threshold(11).send(),
        ),
        (
            "responses_per_datapoint",
            compare(ok_pair()).responses_per_datapoint(0).send(),
        ),
        (
            "failure_tolerance",
            compare(ok_pair()).failure_tolerance(1.5).send(),
        ),
        (
            "datapoints[0][1]",
            compare(vec![[
                DataItem::from(U1),
                DataItem::from(missing.as_path()),
            ]])
            .send(),
        ),
        (
            "datapoints[0][0]",
            compare(vec![[DataItem::url("https://"), DataItem::from(U1)]]).send(),
        ),
        (
            "media_contexts[0]",
            compare(ok_pair())
                .media_contexts([DataItem::text("not media")])
                .send(),
        ),
        (
            "private_metadata",
            compare(ok_pair()).private_metadata(vec![]).send(),
        ),
        (
            "a_b_names[1]",
            compare(ok_pair()).a_b_names(["A", " "]).send(),
        ),
        (
            "answer_options",
            jobs.create_classification_job_definition("n", "What?", ["Cat"], [U1])
                .send(),
        ),
        (
            "answer_options[1]",
            jobs.create_classification_job_definition("n", "What?", ["Cat", "Cat"], [U1])
                .send(),
        ),
        (
            "datapoints",
            jobs.create_classification_job_definition(
                "n",
                "What?",
                ["Cat", "Dog"],
                Vec::<DataItem>::new(),
            )
            .send(),
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
        .send()
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
