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
