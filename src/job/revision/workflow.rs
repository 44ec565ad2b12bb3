//! Reading and rewriting a saved workflow and referee (JSON as the server returned them):
//! the instruction, the answer options, the votes per datapoint.

use serde_json::{json, Value};

/// The instruction's member in each rapid spec (`rapid.<member>`), as the official SDK
/// edits it.
pub(super) const INSTRUCTION_MEMBERS: &[(&str, &str)] = &[
    ("Classify", "title"),
    ("Transcription", "title"),
    ("Compare", "criteria"),
    ("FreeText", "question"),
    ("BoundingBox", "target"),
    ("Line", "target"),
    ("Locate", "target"),
    ("NamedEntity", "target"),
    ("Polygon", "target"),
    ("Scrub", "target"),
];

/// The member holding the responses per datapoint in each referee.
pub(super) const VOTES_MEMBERS: &[(&str, &str)] = &[
    ("NaiveReferee", "totalVotes"),
    ("QuorumReferee", "maxVotes"),
    ("EarlyStoppingReferee", "maxVotes"),
];

pub(crate) fn to_value(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).expect("API models always serialize")
}

/// The rapid spec's `_t` of a `SimpleWorkflow`, or the workflow's own `_t`.
pub(crate) fn workflow_kind(workflow: &Value) -> &str {
    let t = workflow["_t"].as_str().unwrap_or_default();
    if t == "SimpleWorkflow" {
        workflow["rapid"]["_t"].as_str().unwrap_or(t)
    } else {
        t
    }
}

pub(super) fn member(table: &[(&str, &'static str)], kind: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == kind).map(|(_, m)| *m)
}

pub(super) fn instruction_of(workflow: &Value) -> Option<String> {
    if workflow["_t"] == "GroupedRankingWorkflow" {
        return workflow["criteria"].as_str().map(str::to_owned);
    }
    let m = member(INSTRUCTION_MEMBERS, workflow_kind(workflow))?;
    workflow["rapid"][m]["literal"].as_str().map(str::to_owned)
}

/// `workflow` with `text` as its instruction: the binding replaced by a literal, as the
/// official SDK does; `None` when this kind of workflow has no instruction.
pub(super) fn with_instruction(mut workflow: Value, text: &str) -> Option<Value> {
    if workflow["_t"] == "GroupedRankingWorkflow" {
        workflow["criteria"] = json!(text);
        return Some(workflow);
    }
    if workflow["_t"] != "SimpleWorkflow" {
        return None;
    }
    let m = member(INSTRUCTION_MEMBERS, workflow_kind(&workflow))?;
    workflow["rapid"][m] = json!({ "literal": text });
    Some(workflow)
}

pub(super) fn answer_options_of(workflow: &Value) -> Option<Vec<String>> {
    if workflow_kind(workflow) != "Classify" {
        return None;
    }
    let literal = workflow["rapid"]["categories"]["literal"].as_array()?;
    Some(
        literal
            .iter()
            .filter_map(|o| o["label"].as_str().map(str::to_owned))
            .collect(),
    )
}

/// `workflow` showing `options` for every datapoint; `None` unless it classifies.
pub(crate) fn with_answer_options(mut workflow: Value, options: &[String]) -> Option<Value> {
    if workflow_kind(&workflow) != "Classify" {
        return None;
    }
    let literal: Vec<Value> = options
        .iter()
        .map(|o| json!({ "label": o, "value": o }))
        .collect();
    workflow["rapid"]["categories"] = json!({ "literal": literal });
    Some(workflow)
}

pub(super) fn responses_of(referee: &Value) -> Option<u32> {
    let m = member(VOTES_MEMBERS, referee["_t"].as_str().unwrap_or_default())?;
    referee[m].as_u64().and_then(|n| u32::try_from(n).ok())
}

pub(super) fn with_responses(mut referee: Value, n: u32) -> Option<Value> {
    let m = member(VOTES_MEMBERS, referee["_t"].as_str().unwrap_or_default())?;
    referee[m] = json!(n);
    Some(referee)
}
