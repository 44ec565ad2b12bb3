use serde_json::json;

use crate::api::types;
use crate::settings::{split_feature_flags, Setting};

use super::answer_options::AnswerOptions;
use super::builder::DEFAULT_UPLOAD_TIMEOUT;
use super::spec::{dataset_schema, definition_body, DefinitionSpec, TaskSpec};

fn spec(task: TaskSpec, referee: types::IReferee, settings: &[Setting]) -> DefinitionSpec {
    let (rapid_flags, campaign_flags) = split_feature_flags(settings);
    DefinitionSpec {
        name: "n".into(),
        task,
        referee,
        rapid_flags,
        campaign_flags,
        failure_tolerance: 0.0,
        upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
        groups: Vec::new(),
    }
}

#[test]
fn compare_definition_body_matches_the_wire_reference() {
    let s = spec(
        TaskSpec::Compare {
            instruction: "Which image matches the description better?".into(),
            a_b_names: None,
        },
        types::IRefereeEarlyStoppingReferee::new(10, 0.99).into(),
        &[Setting::allow_neither_both()],
    );
    let body = serde_json::to_value(definition_body(&s, "ds_1")).unwrap();
    assert_eq!(
        body,
        json!({
            "definitionName": "n",
            "workflow": {"_t": "SimpleWorkflow",
                "rapid": {"_t": "Compare",
                    "asset": {"segment": "asset"},
                    "criteria": {"literal": "Which image matches the description better?"},
                    "indexIdentifiers": null}},
            "referee": {"_t": "EarlyStoppingReferee", "maxVotes": 10, "threshold": 0.99},
            "datasetId": "ds_1",
            "rapidFeatureFlags": [{"key": "compare_unsure", "value": "5000"}]
        })
    );
    let text = serde_json::to_string(&definition_body(&s, "ds_1")).unwrap();
    assert!(text.contains(r#"{"_t":"SimpleWorkflow""#), "{text}");
}

#[test]
fn classification_body_without_flags_leaves_them_out() {
    let s = spec(
        TaskSpec::Classification {
            instruction: "What animal?".into(),
        },
        types::IRefereeQuorumReferee::new(10, 7).into(),
        &[],
    );
    let body = serde_json::to_value(definition_body(&s, "ds")).unwrap();
    assert_eq!(
        body,
        json!({
            "definitionName": "n",
            "workflow": {"_t": "SimpleWorkflow",
                "rapid": {"_t": "Classify",
                    "asset": {"segment": "asset"},
                    "title": {"literal": "What animal?"},
                    "categories": {"segment": "answer_options"}}},
            "referee": {"_t": "QuorumReferee", "maxVotes": 10, "threshold": 7},
            "datasetId": "ds"
        })
    );
}

#[test]
fn dataset_schema_declares_answer_options_for_classification_only() {
    let compare = TaskSpec::Compare {
        instruction: "i".into(),
        a_b_names: None,
    };
    assert_eq!(dataset_schema(&compare), None);
    let schema = dataset_schema(&TaskSpec::Classification {
        instruction: "i".into(),
    });
    assert_eq!(
        serde_json::to_value(schema).unwrap(),
        json!([
            {"key": "asset", "kind": "Asset", "label": "Asset", "required": true},
            {"key": "context", "kind": "Text", "label": "Context", "required": false,
             "maxLength": 400},
            {"key": "context_asset", "kind": "Asset", "label": "Context asset",
             "required": false},
            {"key": "answer_options", "kind": "OptionList", "label": "Answer options",
             "required": true}
        ])
    );
}

#[test]
fn answer_options_are_checked_per_datapoint() {
    let err = |o: AnswerOptions, n: usize| o.validate(n).unwrap_err().to_string();
    assert!(err(["a"].into(), 1).contains("between 2 and 8"));
    assert!(err(vec!["a"; 9].into(), 1).contains("between 2 and 8"));
    assert!(err(["a", "a"].into(), 1).contains("unique"));
    assert!(err(["a", " "].into(), 1).contains("answer_options[1]"));
    let per = AnswerOptions::per_datapoint([vec!["a", "b"], vec!["c"]]);
    let text = err(per, 2);
    assert!(text.contains("answer_options[1]"), "{text}");
    let short = AnswerOptions::per_datapoint([vec!["a", "b"]]);
    assert!(err(short, 2).contains("one list per datapoint (2)"));
    AnswerOptions::per_datapoint([vec!["a", "b"], vec!["c", "d", "e"]])
        .validate(2)
        .unwrap();
}

/// A client that is never asked anything: `validate` sends no request.
fn offline() -> crate::Client {
    crate::Client::builder()
        .token("t")
        .env_lookup(|_| None)
        .build()
        .unwrap()
}

/// The `_t` of the rapid (or of the workflow, for a ranking) a validated definition sends.
fn rapid_type(checked: &super::ValidatedDefinition) -> String {
    let body = serde_json::to_value(checked.definition_body("ds")).unwrap();
    let workflow = &body["workflow"];
    match workflow.get("rapid") {
        Some(rapid) => rapid["_t"].as_str().unwrap().to_owned(),
        None => workflow["_t"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn every_kind_validates_into_its_own_rapid_without_a_request() {
    let jobs = offline().job();
    let (a, b) = ("https://example.com/a.jpg", "https://example.com/b.jpg");
    let video = "https://example.com/v.mp4";
    let kinds = [
        (
            jobs.create_compare_job_definition("n", "i", [[a, b]])
                .validate(),
            "Compare",
        ),
        (
            jobs.create_classification_job_definition("n", "i", ["x", "y"], [a])
                .validate(),
            "Classify",
        ),
        (
            jobs.create_free_text_job_definition("n", "i", [a])
                .validate(),
            "FreeText",
        ),
        (
            jobs.create_locate_job_definition("n", "i", [a]).validate(),
            "Locate",
        ),
        (
            jobs.create_draw_job_definition("n", "i", [a]).validate(),
            "Line",
        ),
        (
            jobs.create_timestamp_job_definition("n", "i", [video])
                .validate(),
            "Scrub",
        ),
        (
            jobs.create_select_words_job_definition("n", "i", [a], ["two words"])
                .validate(),
            "Transcription",
        ),
        (
            jobs.create_ranking_job_definition("n", "i", [[a, b]], 4)
                .validate(),
            "GroupedRankingWorkflow",
        ),
    ];
    for (checked, expected) in kinds {
        let checked = checked.unwrap();
        assert_eq!(rapid_type(&checked), expected);
        assert_eq!(checked.name(), "n");
    }
}

#[test]
fn validate_runs_the_kind_checks_and_the_shared_ones() {
    let jobs = offline().job();
    let (a, b) = ("https://example.com/x/1.jpg", "https://example.com/y/1.jpg");
    // Compare: the same item on both sides.
    let err = jobs
        .create_compare_job_definition("n", "i", [[a, a]])
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("two different items"), "{err}");
    // Shared: a confidence threshold out of range, on a classification.
    let err = jobs
        .create_classification_job_definition("n", "i", ["x", "y"], [a])
        .confidence_threshold(1.5)
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("confidence_threshold"), "{err}");
    // Locate: a text datapoint has nothing to tap on.
    let err = jobs
        .create_locate_job_definition("n", "i", [crate::DataItem::text("words")])
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("a locate task"), "{err}");
    // Ranking: one group per list, each item a datapoint of its group.
    let checked = jobs
        .create_ranking_job_definition(
            "n",
            "i",
            [
                [a, "https://example.com/z.jpg"],
                [b, "https://example.com/w.jpg"],
            ],
            4,
        )
        .contexts(["first", "second"])
        .validate()
        .unwrap();
    assert_eq!(checked.spec.groups.len(), 2);
    assert_eq!(checked.spec.groups[1].context.as_deref(), Some("second"));
    let groups: Vec<_> = checked.datapoints.iter().map(|d| d.group.clone()).collect();
    let expected = ["0", "0", "1", "1"].map(|g| Some(g.to_owned()));
    assert_eq!(groups, expected);
}
