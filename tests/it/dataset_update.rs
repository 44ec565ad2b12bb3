//! A new dataset on a job definition (issue 15): `set_datapoints` stages an uploaded
//! dataset for the next save, `update_dataset` uploads and saves at once. Jobs on the new
//! revision label the new datapoints, jobs of the old one keep theirs; nothing is sent
//! twice after a conflict or a partly failed upload.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use httpmock::prelude::*;
use rapidata::job::{AnswerOptions, NewDatapoints, WaitOptions};
use rapidata::{Client, DataItem, JobDefinition};
use rapidata_sandbox::Sandbox;
use serde_json::{json, Value};

use crate::support as common;
use common::sandbox::fx;

fn fast() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
}

/// `n` text pairs `(tag 1, tag 2)`, `(tag 3, tag 4)`, ….
fn pairs(tag: &str, n: usize) -> Vec<[DataItem; 2]> {
    (0..n)
        .map(|i| {
            [
                DataItem::text(format!("{tag} {}", 2 * i + 1)),
                DataItem::text(format!("{tag} {}", 2 * i + 2)),
            ]
        })
        .collect()
}

/// A text compare definition of 2 pairs, 2 responses each.
fn two_pairs(client: &Client, name: &str) -> JobDefinition {
    client
        .job()
        .create_compare_job_definition(name, "Which is funnier?", pairs("joke", 2))
        .responses_per_datapoint(2)
        .send()
        .unwrap()
}

/// Requests of the journal on `method path` (path exact).
fn requests(sb: &Sandbox, method: &str, path: &str) -> Vec<Value> {
    sb.requests()
        .into_iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .collect()
}

/// Datapoint creations and dataset creations seen so far.
fn upload_counts(sb: &Sandbox) -> (usize, usize) {
    let journal = sb.requests();
    let datasets = journal
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/dataset")
        .count();
    let datapoints = journal
        .iter()
        .filter(|r| {
            r["method"] == "POST"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/dataset/") && p.ends_with("/datapoint"))
        })
        .count();
    (datasets, datapoints)
}

fn compared(results: &rapidata::JobResults) -> usize {
    results.compare().unwrap().datapoints.len()
}

#[test]
fn update_dataset_runs_new_jobs_on_the_new_datapoints_and_old_jobs_on_theirs() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let mut definition = two_pairs(client, "Jokes");
    let id = definition.id().to_owned();
    let first_dataset = definition.dataset_id().unwrap().to_owned();
    let old = fx.global.assign_job(&definition).unwrap();

    let revision = definition
        .update_dataset(NewDatapoints::pairs(pairs("pun", 3)))
        .unwrap();
    assert_eq!(revision, 2);
    assert!(!definition.has_unsaved_changes());
    let new_dataset = definition.dataset_id().unwrap().to_owned();
    assert_ne!(new_dataset, first_dataset);

    // The new dataset is created as the official SDK's `set_datapoints` creates it (named
    // after the definition, no schema for a compare workflow), filled with the three
    // pairs, and the save carries its id and nothing else changed.
    let created = requests(sb, "POST", "/dataset");
    assert_eq!(created.len(), 2);
    assert_eq!(
        created[1]["body"],
        json!({"name": "Jokes_dataset", "schema": null})
    );
    assert_eq!(created[1]["response"]["datasetId"], new_dataset.as_str());
    let filled = requests(sb, "POST", &format!("/dataset/{new_dataset}/datapoint"));
    assert_eq!(filled.len(), 3);
    let saves = requests(sb, "POST", &format!("/job/definition/{id}/revision"));
    assert_eq!(saves.len(), 1);
    let loaded = requests(sb, "GET", &format!("/job/definition/{id}/revision/1"));
    let loaded = &loaded[0]["response"];
    assert_eq!(
        saves[0]["body"],
        json!({
            "workflow": loaded["workflow"],
            "referee": loaded["referee"],
            "datasetId": new_dataset,
            "rapidFeatureFlags": loaded["featureFlags"],
            "campaignFeatureFlags": loaded["campaignFeatureFlags"],
            "aggregatorType": loaded.get("aggregatorType").cloned().unwrap_or_default(),
            "validationSetId": null,
            "baseRevisionNumber": 1,
            "requireLatest": false,
        })
    );

    let new = fx.global.assign_job(&definition).unwrap();
    let new_results = new.get_results_with((), fast()).unwrap();
    let old_results = old.get_results_with((), fast()).unwrap();
    assert_eq!((compared(&old_results), compared(&new_results)), (2, 3));
    // Every datapoint of the new job is one of the new pairs.
    let text = serde_json::to_string(&new_results.raw()).unwrap();
    assert!(text.contains("pun 5") && !text.contains("joke 1"), "{text}");

    // A handle loaded afresh sees the new dataset on revision 2, the old one on revision 1.
    let mut first = client
        .job()
        .get_job_definition_revision(&id, Some(1))
        .unwrap();
    first.revision().unwrap();
    assert_eq!(first.dataset_id(), Some(first_dataset.as_str()));
    let mut latest = client.job().get_job_definition_by_id(&id).unwrap();
    latest.revision().unwrap();
    assert_eq!(latest.dataset_id(), Some(new_dataset.as_str()));
}

#[test]
fn set_datapoints_then_discard_changes_saves_nothing() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let mut definition = two_pairs(client, "Discarded");
    let id = definition.id().to_owned();
    definition
        .set_datapoints(NewDatapoints::pairs(pairs("pun", 3)))
        .unwrap();
    assert!(definition.has_unsaved_changes());
    let staged = definition.staged_dataset_id().unwrap().to_owned();
    // Staged, so not assignable, and a reload is refused, naming what is staged.
    let err = fx.global.assign_job(&definition).unwrap_err();
    assert_eq!(err.as_invalid_input().unwrap().argument(), "definition");
    let err = definition.reload(None).unwrap_err();
    assert!(err.to_string().contains("datapoints"), "{err}");

    let before = sb.requests().len();
    definition.discard_changes();
    assert_eq!(sb.requests().len(), before, "discarding sends nothing");
    assert!(!definition.has_unsaved_changes());
    assert_eq!(definition.staged_dataset_id(), None);
    assert!(requests(sb, "POST", &format!("/job/definition/{id}/revision")).is_empty());
    assert_eq!(definition.revisions().send().unwrap().len(), 1);

    // The job runs revision 1 on its two datapoints, not on the discarded dataset.
    let job = fx.global.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(compared(&results), 2);
    assert_ne!(definition.dataset_id(), Some(staged.as_str()));
}

#[test]
fn a_conflicting_save_keeps_the_staged_dataset_and_the_retry_uploads_nothing() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let mut mine = two_pairs(client, "Contested");
    let id = mine.id().to_owned();
    mine.revision().unwrap();
    // Someone else saves revision 2 after this handle was loaded.
    let mut theirs = client.job().get_job_definition_by_id(&id).unwrap();
    theirs.set_responses_per_datapoint(3).unwrap();
    assert_eq!(theirs.save(false).unwrap(), 2);

    let new = NewDatapoints::pairs(pairs("pun", 3));
    mine.set_datapoints(new.clone()).unwrap();
    let staged = mine.staged_dataset_id().unwrap().to_owned();
    let uploads = upload_counts(sb);
    let err = mine.save(true).unwrap_err();
    let rapidata::Error::RevisionConflict(c) = &err else {
        panic!("expected a revision conflict, got {err:?}");
    };
    assert_eq!((c.base_revision(), c.latest_revision()), (1, 2));
    assert_eq!(mine.staged_dataset_id(), Some(staged.as_str()));

    // Setting the same datapoints again, and saving them, uploads nothing.
    mine.set_datapoints(new.clone()).unwrap();
    assert_eq!(mine.update_dataset(new).unwrap(), 3);
    assert_eq!(upload_counts(sb), uploads, "the staged dataset was reused");
    assert_eq!(mine.dataset_id(), Some(staged.as_str()));
    let saves = requests(sb, "POST", &format!("/job/definition/{id}/revision"));
    let datasets: Vec<&Value> = saves.iter().map(|s| &s["body"]["datasetId"]).collect();
    assert_eq!(datasets.last().unwrap().as_str(), Some(staged.as_str()));

    let job = fx.global.assign_job(&mine).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(compared(&results), 3);
}

#[test]
fn a_classification_dataset_carries_its_answer_options_and_schema() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let mut definition = client
        .job()
        .create_classification_job_definition(
            "Pets",
            "What animal is shown?",
            AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "dog", "bird"]]),
            [
                "https://assets.rapidata.ai/pet_1.jpg",
                "https://assets.rapidata.ai/pet_2.jpg",
            ],
        )
        .responses_per_datapoint(2)
        .send()
        .unwrap();
    let images = [
        "https://assets.rapidata.ai/pet_3.jpg",
        "https://assets.rapidata.ai/pet_4.jpg",
        "https://assets.rapidata.ai/pet_5.jpg",
    ];
    // The options are read from each datapoint: leaving them out is refused before the
    // dataset is created.
    let err = definition
        .set_datapoints(NewDatapoints::new(images))
        .unwrap_err();
    assert_eq!(err.as_invalid_input().unwrap().argument(), "answer_options");
    assert_eq!(upload_counts(sb).0, 1);

    definition
        .update_dataset(NewDatapoints::new(images).answer_options(["cat", "dog", "bird"]))
        .unwrap();
    let created = requests(sb, "POST", "/dataset");
    assert_eq!(created[1]["body"], created[0]["body"]);
    assert_eq!(created[1]["body"]["schema"][3]["key"], "answer_options");
    let dataset = definition.dataset_id().unwrap().to_owned();
    let bodies = requests(sb, "POST", &format!("/dataset/{dataset}/datapoint"));
    assert_eq!(bodies.len(), 3);
    for body in &bodies {
        let segments = body["body"]["segments"].as_array().unwrap();
        assert_eq!(
            segments.last().unwrap(),
            &json!({"key": "answer_options", "kind": "OptionList", "options": [
                {"label": "cat", "value": "cat"}, {"label": "dog", "value": "dog"},
                {"label": "bird", "value": "bird"}]})
        );
    }
    let job = fx.global.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.classification().unwrap().datapoints.len(), 3);
}

#[test]
fn local_files_and_a_media_context_go_up_through_the_same_pipeline() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<std::path::PathBuf> = ["street.png", "lake.png"]
        .iter()
        .map(|name| {
            let path = dir.path().join(name);
            std::fs::write(&path, [&b"\x89PNG\r\n\x1a\n"[..], name.as_bytes()].concat()).unwrap();
            path
        })
        .collect();
    let mut definition = client
        .job()
        .create_free_text_job_definition(
            "Captions",
            "Describe the image in one sentence.",
            ["https://assets.rapidata.ai/red_car.jpg"],
        )
        .responses_per_datapoint(2)
        .send()
        .unwrap();
    let reference = "https://assets.rapidata.ai/reference.jpg";
    definition
        .update_dataset(NewDatapoints::new(&files).media_contexts([reference, reference]))
        .unwrap();
    assert_eq!(requests(sb, "POST", "/asset/file").len(), 2);
    let dataset = definition.dataset_id().unwrap().to_owned();
    let bodies = requests(sb, "POST", &format!("/dataset/{dataset}/datapoint"));
    assert_eq!(bodies.len(), 2);
    for body in &bodies {
        let keys: Vec<&str> = body["body"]["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["asset", "context_asset"]);
    }
    let job = fx.global.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.free_text().unwrap().datapoints.len(), 2);
}

/// The sandbox checks a revision's dataset against its workflow as it checks a new
/// definition's: a compare workflow cannot run on a dataset of single images.
#[test]
fn the_sandbox_refuses_a_revision_whose_dataset_does_not_fit_its_workflow() {
    use rapidata::api::{operations, types};
    let fx = fx();
    let client = &fx.client;
    let definition = two_pairs(client, "Mismatch");
    let images = client
        .job()
        .create_free_text_job_definition(
            "Singles",
            "Describe it.",
            ["https://assets.rapidata.ai/red_car.jpg"],
        )
        .send()
        .unwrap();
    let body = types::CreateJobRevisionEndpointInput {
        dataset_id: images.dataset_id().map(str::to_owned),
        ..types::CreateJobRevisionEndpointInput::new()
    };
    let err = client
        .send(&operations::PostJobDefinitionByDefinitionIdRevision::new(
            definition.id(),
            body,
        ))
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(definition.revisions().send().unwrap().len(), 1);
}

// -------------------------------------------------------------------------------------
// A partly failed upload, against a mock server.

fn revision_one() -> Value {
    common::compare_revision(1, "ds_old")
}

#[test]
fn a_partly_failed_upload_is_resumed_into_the_same_dataset() {
    let server = MockServer::start();
    let mut definition = common::definition(&server);
    let loaded = server.mock(|when, then| {
        when.method(GET).path("/job/definition/jd_1/revision");
        then.status(200).json_body(revision_one());
    });
    let dataset = server.mock(|when, then| {
        when.method(POST)
            .path("/dataset")
            .json_body(json!({"name": "Prompt alignment_dataset", "schema": null}));
        then.status(200).json_body(json!({"datasetId": "ds_new"}));
    });
    let first = server.mock(|when, then| {
        when.method(POST)
            .path("/dataset/ds_new/datapoint")
            .json_body_includes(r#"{"sortIndex": 0}"#);
        then.status(200).json_body(json!({"datapointId": "dp_0"}));
    });
    // The second datapoint is refused once (a definite failure), then accepted.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let second = server.mock(|when, then| {
        when.method(POST)
            .path("/dataset/ds_new/datapoint")
            .json_body_includes(r#"{"sortIndex": 1}"#);
        then.respond_with(move |_req: &HttpMockRequest| {
            let (status, body) = if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                (400, json!({"title": "Bad Request", "status": 400}))
            } else {
                (200, json!({"datapointId": "dp_1"}))
            };
            HttpMockResponse::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(body.to_string())
                .build()
        });
    });
    let save = server.mock(|when, then| {
        when.method(POST)
            .path("/job/definition/jd_1/revision")
            .json_body_includes(r#"{"datasetId": "ds_new", "baseRevisionNumber": 1}"#);
        then.status(200)
            .json_body(json!({"revisionNumber": 2, "pipelineId": "pl_2"}));
    });
    let new = NewDatapoints::pairs([
        [DataItem::text("a"), DataItem::text("b")],
        [DataItem::text("c"), DataItem::text("d")],
    ])
    .progress(());

    let err = definition.update_dataset(new.clone()).unwrap_err();
    let rapidata::Error::DatasetUploadFailed(failure) = &err else {
        panic!("expected a dataset upload failure, got {err:?}");
    };
    assert_eq!(
        (
            failure.dataset_id(),
            failure.total(),
            failure.failures()[0].index
        ),
        ("ds_new", 2, 1)
    );
    assert_eq!(failure.failures().len(), 1);
    assert!(err.to_string().contains("ds_new"), "{err}");
    assert!(!definition.has_unsaved_changes(), "nothing staged");
    save.assert_calls(0);

    // The same datapoints again: only the failed one is sent, into the same dataset.
    assert_eq!(definition.update_dataset(new).unwrap(), 2);
    dataset.assert_calls(1);
    first.assert_calls(1);
    second.assert_calls(2);
    save.assert_calls(1);
    loaded.assert_calls(1);
    assert_eq!(definition.dataset_id(), Some("ds_new"));
}

#[test]
fn other_datapoints_after_a_failed_upload_start_a_new_dataset() {
    let server = MockServer::start();
    let mut definition = common::definition(&server);
    server.mock(|when, then| {
        when.method(GET).path("/job/definition/jd_1/revision");
        then.status(200).json_body(revision_one());
    });
    let dataset = server.mock(|when, then| {
        when.method(POST).path("/dataset");
        then.status(200).json_body(json!({"datasetId": "ds_new"}));
    });
    let refused = server.mock(|when, then| {
        when.method(POST)
            .path("/dataset/ds_new/datapoint")
            .json_body_includes(r#"{"sortIndex": 0}"#);
        then.status(400)
            .json_body(json!({"title": "Bad Request", "status": 400}));
    });
    let pair = |a: &str| NewDatapoints::pairs([[DataItem::text(a), DataItem::text("z")]]);
    let err = definition
        .set_datapoints(pair("a").progress(()))
        .unwrap_err();
    assert!(matches!(err, rapidata::Error::DatasetUploadFailed(_)));
    let err = definition
        .set_datapoints(pair("b").progress(()))
        .unwrap_err();
    assert!(matches!(err, rapidata::Error::DatasetUploadFailed(_)));
    dataset.assert_calls(2);
    refused.assert_calls(2);
}
