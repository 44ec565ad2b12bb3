//! Qualification examples against a mock server: uploads first, then the exact bodies of
//! `POST /audience/{id}/example`.

use std::path::Path;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::api::types::AddExampleToAudienceEndpointOutput;
use rapidata::api::types::IAsset;
use rapidata::{DataItem, Setting};
use serde_json::{json, Value};

const URL_A: &str = "https://assets.rapidata.ai/flux_sign_diffusion.jpg";
const URL_B: &str = "https://assets.rapidata.ai/mj_sign_diffusion.jpg";

use crate::support as common;
use common::audience;

fn upload_response(file_name: &str) -> Value {
    json!({"fileName": file_name, "warnings": [], "wasCompressed": false,
           "originalSizeBytes": 10, "finalSizeBytes": 10})
}

/// `POST /asset/url?url=<url>` with no body, answering `file_name`.
fn url_upload<'a>(server: &'a MockServer, url: &str, file_name: &str) -> httpmock::Mock<'a> {
    let expected_query = format!("url={}", rapidata::request::encode_query_component(url));
    let response = upload_response(file_name);
    server.mock(move |when, then| {
        when.method(POST)
            .path("/asset/url")
            .is_true(move |req| req.uri().query() == Some(expected_query.as_str()))
            .header_missing("content-type")
            .body("");
        then.status(200).json_body(response);
    })
}

/// Multipart `POST /asset/file` whose `file` part carries `base_name`.
fn file_upload<'a>(
    server: &'a MockServer,
    base_name: &str,
    content: &str,
    file_name: &str,
) -> httpmock::Mock<'a> {
    let disposition = format!("name=\"file\"; filename=\"{base_name}\"");
    let content = content.to_owned();
    let response = upload_response(file_name);
    server.mock(move |when, then| {
        when.method(POST)
            .path("/asset/file")
            .header_includes("content-type", "multipart/form-data; boundary=")
            .body_includes(disposition)
            .body_includes("Content-Type: image/png")
            .body_includes(content);
        then.status(200).json_body(response);
    })
}

fn example_mock<'a>(server: &'a MockServer, body: Value) -> httpmock::Mock<'a> {
    server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1")
            .json_value(body)
            .and(|w| w.header("content-type", "application/json"));
        then.ok(&AddExampleToAudienceEndpointOutput::new());
    })
}

fn write_file(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn compare_example_with_urls_matches_the_sdk_body() {
    let server = MockServer::start();
    let audience = audience(&server);
    let a = url_upload(&server, URL_A, "a1b2.jpg");
    let b = url_upload(&server, URL_B, "c3d4.jpg");
    let example = example_mock(
        &server,
        json!({
            "asset": {"_t": "MultiAssetInput", "assets": [
                {"_t": "ExistingAssetInput", "name": "a1b2.jpg"},
                {"_t": "ExistingAssetInput", "name": "c3d4.jpg"}]},
            "payload": {"_t": "CompareExamplePayload", "criteria": "Which image follows the prompt more accurately?"},
            "truth": {"_t": "CompareExampleTruth", "winnerId": "a1b2.jpg"},
            "randomCorrectProbability": 0.5,
            "explanation": null,
            "context": "A sign that says 'Diffusion'.",
            "featureFlags": null
        }),
    );
    audience
        .add_compare_example(
            "Which image follows the prompt more accurately?",
            [URL_A, URL_B],
            URL_A,
        )
        .context("A sign that says 'Diffusion'.")
        .send()
        .unwrap();
    a.assert();
    b.assert();
    example.assert();
}

#[test]
fn compare_example_with_files_names_the_uploaded_winner() {
    let server = MockServer::start();
    let audience = audience(&server);
    let dir = tempfile::tempdir().unwrap();
    let left = write_file(dir.path(), "left.png", "LEFT-BYTES");
    let right = write_file(dir.path(), "right.png", "RIGHT-BYTES");
    let l = file_upload(&server, "left.png", "LEFT-BYTES", "srv-left.png");
    let r = file_upload(&server, "right.png", "RIGHT-BYTES", "srv-right.png");
    let example = example_mock(
        &server,
        json!({
            "asset": {"_t": "MultiAssetInput", "assets": [
                {"_t": "ExistingAssetInput", "name": "srv-left.png"},
                {"_t": "ExistingAssetInput", "name": "srv-right.png"}]},
            "payload": {"_t": "CompareExamplePayload", "criteria": "Which is sharper?"},
            "truth": {"_t": "CompareExampleTruth", "winnerId": "srv-right.png"},
            "randomCorrectProbability": 0.5,
            "explanation": "The right one has crisp edges.",
            "context": null,
            "featureFlags": [{"key": "compare_unsure", "value": "5000"}]
        }),
    );
    audience
        .add_compare_example("Which is sharper?", [&left, &right], right.as_path())
        .explanation("The right one has crisp edges.")
        .setting(Setting::allow_neither_both())
        .send()
        .unwrap();
    l.assert();
    r.assert();
    example.assert();
}

#[test]
fn compare_example_with_texts_uploads_nothing() {
    let server = MockServer::start();
    let audience = audience(&server);
    let uploads = server.mock(|when, then| {
        when.path_prefix("/asset");
        then.status(500);
    });
    let example = example_mock(
        &server,
        json!({
            "asset": {"_t": "MultiAssetInput", "assets": [
                {"_t": "TextAssetInput", "text": "Please sit down."},
                {"_t": "TextAssetInput", "text": "Sit."}]},
            "payload": {"_t": "CompareExamplePayload", "criteria": "Which text is more polite?"},
            "truth": {"_t": "CompareExampleTruth", "winnerId": "Please sit down."},
            "randomCorrectProbability": 0.5,
            "explanation": null,
            "context": null,
            "featureFlags": null
        }),
    );
    audience
        .add_compare_example(
            "Which text is more polite?",
            [DataItem::text("Please sit down."), DataItem::text("Sit.")],
            // A plain string matches the text item with that text.
            "Please sit down.",
        )
        .send()
        .unwrap();
    example.assert();
    assert_eq!(uploads.calls(), 0);
}

#[test]
fn classification_example_with_text_media_context_and_setting() {
    let server = MockServer::start();
    let audience = audience(&server);
    let ctx = url_upload(&server, "https://example.com/ctx.jpg", "ctx9.jpg");
    let example = example_mock(
        &server,
        json!({
            "asset": {"_t": "TextAssetInput", "text": "The sky is green."},
            "payload": {"_t": "ClassifyExamplePayload",
                        "categories": [{"label": "True", "value": "True"}, {"label": "False", "value": "False"}],
                        "title": "Is the statement true?"},
            "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["False"]},
            "randomCorrectProbability": 0.5,
            "explanation": "Grass is green, not the sky.",
            "context": "Some context",
            "contextAsset": {"_t": "ExistingAssetInput", "name": "ctx9.jpg"},
            "featureFlags": [{"key": "no_shuffle", "value": "true"}]
        }),
    );
    audience
        .add_classification_example(
            "Is the statement true?",
            ["True", "False"],
            DataItem::text("The sky is green."),
            ["False"],
        )
        .explanation("Grass is green, not the sky.")
        .context("Some context")
        .media_context(["https://example.com/ctx.jpg"])
        .settings([Setting::no_shuffle()])
        .send()
        .unwrap();
    ctx.assert();
    example.assert();
}

#[test]
fn classification_example_with_file_and_multi_media_context() {
    let server = MockServer::start();
    let audience = audience(&server);
    let dir = tempfile::tempdir().unwrap();
    let bowl = write_file(dir.path(), "bowl.png", "BOWL");
    let file = file_upload(&server, "bowl.png", "BOWL", "srv-bowl.png");
    let c1 = url_upload(&server, "https://example.com/1.jpg", "c1.jpg");
    let c2 = url_upload(&server, "https://example.com/2.jpg", "c2.jpg");
    let example = example_mock(
        &server,
        json!({
            "asset": {"_t": "ExistingAssetInput", "name": "srv-bowl.png"},
            "payload": {"_t": "ClassifyExamplePayload",
                        "categories": [{"label": "Apple", "value": "Apple"},
                                       {"label": "Pear", "value": "Pear"},
                                       {"label": "Plum", "value": "Plum"}],
                        "title": "Which fruits are in the bowl?"},
            "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["Apple", "Pear"]},
            "randomCorrectProbability": 2.0 / 3.0,
            "explanation": null,
            "context": null,
            "contextAsset": {"_t": "MultiAssetInput", "assets": [
                {"_t": "ExistingAssetInput", "name": "c1.jpg"},
                {"_t": "ExistingAssetInput", "name": "c2.jpg"}]},
            "featureFlags": null
        }),
    );
    audience
        .add_classification_example(
            "Which fruits are in the bowl?",
            ["Apple", "Pear", "Plum"],
            bowl.to_str().unwrap(),
            ["Apple", "Pear"],
        )
        .media_context(["https://example.com/1.jpg", "https://example.com/2.jpg"])
        .send()
        .unwrap();
    file.assert();
    c1.assert();
    c2.assert();
    example.assert();
}

#[test]
fn classification_example_with_url() {
    let server = MockServer::start();
    let audience = audience(&server);
    let up = url_upload(&server, "https://example.com/cat.jpg", "cat1.jpg");
    let example = example_mock(
        &server,
        json!({
            "asset": {"_t": "ExistingAssetInput", "name": "cat1.jpg"},
            "payload": {"_t": "ClassifyExamplePayload",
                        "categories": [{"label": "Cat", "value": "Cat"}, {"label": "Dog", "value": "Dog"},
                                       {"label": "Bird", "value": "Bird"}, {"label": "Fish", "value": "Fish"}],
                        "title": "What animal is this?"},
            "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["Cat"]},
            "randomCorrectProbability": 0.25,
            "explanation": null,
            "context": null,
            "featureFlags": null
        }),
    );
    audience
        .add_classification_example(
            "What animal is this?",
            ["Cat", "Dog", "Bird", "Fish"],
            "https://example.com/cat.jpg",
            ["Cat"],
        )
        .send()
        .unwrap();
    up.assert();
    example.assert();
}

#[test]
fn the_same_file_in_two_examples_is_uploaded_once() {
    let server = MockServer::start();
    let audience = audience(&server);
    let dir = tempfile::tempdir().unwrap();
    let shared = write_file(dir.path(), "shared.png", "SHARED");
    let one = write_file(dir.path(), "one.png", "ONE");
    let two = write_file(dir.path(), "two.png", "TWO");
    let s = file_upload(&server, "shared.png", "SHARED", "srv-shared.png");
    let o = file_upload(&server, "one.png", "ONE", "srv-one.png");
    let t = file_upload(&server, "two.png", "TWO", "srv-two.png");
    let examples = server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.body_includes(r#"{"_t":"ExistingAssetInput","name":"srv-shared.png"}"#));
        then.ok(&AddExampleToAudienceEndpointOutput::new());
    });
    audience
        .add_compare_example("Which is nicer?", [&shared, &one], shared.as_path())
        .send()
        .unwrap();
    // The same file spelled differently, through a clone of the handle (same client).
    let spelled_differently = dir.path().join(".").join("shared.png");
    audience
        .clone()
        .add_compare_example(
            "Which is nicer?",
            [two.clone(), spelled_differently.clone()],
            spelled_differently,
        )
        .send()
        .unwrap();
    assert_eq!(s.calls(), 1, "the shared file is uploaded once");
    o.assert();
    t.assert();
    examples.assert_calls(2);
}

#[test]
fn an_item_repeated_in_media_context_is_uploaded_once() {
    let server = MockServer::start();
    let audience = audience(&server);
    let a = url_upload(&server, URL_A, "a.jpg");
    let b = url_upload(&server, URL_B, "b.jpg");
    let example = server.post_audience_by_audience_id_example(|when, then| {
when.audience_id("aud_1").and(|w| w.body_includes(
            r#""contextAsset":{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput","name":"a.jpg"},{"_t":"ExistingAssetInput","name":"b.jpg"}]}"#,
        ));
then.ok(&AddExampleToAudienceEndpointOutput::new());
});
    audience
        .add_compare_example("Which?", [URL_A, URL_B], URL_B)
        .media_context([URL_A, URL_B])
        .send()
        .unwrap();
    assert_eq!(a.calls(), 1);
    assert_eq!(b.calls(), 1);
    example.assert();
}

#[test]
fn a_failed_upload_stops_before_the_example() {
    let server = MockServer::start();
    let audience = audience(&server);
    let up = server.post_asset_url(|_, then| {
        then.status(400).json_value(json!({
            "title": "Asset download failed", "status": 400, "stage": "download",
            "upstreamHttpStatus": 404}));
    });
    let example = server.mock(|when, then| {
        when.path("/audience/aud_1/example");
        then.status(200).json_body(json!({}));
    });
    let err = audience
        .add_compare_example("Which?", [URL_A, URL_B], URL_A)
        .send()
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.problem().unwrap().stage(), Some("download"));
    assert_eq!(up.calls(), 2);
    assert_eq!(example.calls(), 0);
}

fn example_item(id: &str) -> Value {
    json!({
        "id": id,
        "asset": {"_t": "MultiAsset", "identifier": "x", "metadata": {}, "assets": [
            {"_t": "FileAsset", "fileName": "a.jpg", "identifier": "a", "metadata": {}},
            {"_t": "FileAsset", "fileName": "b.jpg", "identifier": "b", "metadata": {}}]},
        "payload": {"_t": "CompareExamplePayload", "criteria": "Which?"},
        "truth": {"_t": "CompareExampleTruth", "winnerId": "a.jpg"},
        "correctCount": 3, "incorrectCount": 1,
        "context": "ctx", "explanation": null, "randomCorrectProbability": 0.5, "sortIndex": 2
    })
}

#[test]
fn examples_fetches_every_page() {
    let server = MockServer::start();
    let audience = audience(&server);
    let page1 = server.mock(|when, then| {
        when.method(GET)
            .path("/audience/aud_1/examples")
            .is_true(|req| req.uri().query() == Some("page=1&page_size=100"));
        // A full page: there may be more.
        let items: Vec<Value> = (1..=100)
            .map(|i| example_item(&format!("ex_{i}")))
            .collect();
        then.status(200).json_body(
            json!({"total": 101, "page": 1, "pageSize": 100, "totalPages": 2, "items": items}),
        );
    });
    let page2 = server.get_audience_by_audience_id_examples(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.is_true(|req| req.uri().query() == Some("page=2&page_size=100")));
        then.status(200).json_value(
            json!({"total": 101, "page": 2, "pageSize": 100, "totalPages": 2,
            "items": [example_item("ex_101")]}),
        );
    });
    let examples = audience.examples().unwrap();
    page1.assert();
    page2.assert();
    let ids: Vec<&str> = examples.iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 101);
    assert_eq!((ids[0], ids[99], ids[100]), ("ex_1", "ex_100", "ex_101"));
    let e = &examples[0];
    assert_eq!(e.instruction(), Some("Which?"));
    assert_eq!(e.context(), Some("ctx"));
    assert_eq!(e.explanation(), None);
    assert_eq!((e.correct_count(), e.incorrect_count()), (3, 1));
    assert_eq!(e.random_correct_probability(), Some(0.5));
    assert_eq!(e.sort_index(), Some(2));
    assert!(matches!(e.asset(), IAsset::MultiAsset(m) if m.assets.len() == 2));
    assert!(e.truth().is_some());
    assert!(e.context_asset().is_none());
}

#[test]
fn examples_survive_an_absurd_total_without_total_pages() {
    let server = MockServer::start();
    let audience = audience(&server);
    // `totalPages` is optional, and `total` may be absurd: a short page is the last one,
    // whatever the server claims (and the count must not overflow).
    let page1 = server.get_audience_by_audience_id_examples(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.query_param("page", "1"));
        then.status(200)
            .json_value(json!({"total": i64::MAX, "page": 1, "pageSize": 100,
            "items": [example_item("ex_1")]}));
    });
    let page2 = server.get_audience_by_audience_id_examples(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.query_param("page", "2"));
        then.status(200)
            .json_value(json!({"total": i64::MAX, "page": 2, "pageSize": 100, "items": []}));
    });
    let examples = audience.examples().unwrap();
    assert_eq!(examples.len(), 1);
    page1.assert();
    page2.assert_calls(0);
}

#[test]
fn update_example_sends_only_the_fields_set() {
    let server = MockServer::start();
    let audience = audience(&server);
    let patch = server.patch_audience_by_audience_id_example_by_example_id(|when, then| {
        when.audience_id("aud_1")
            .example_id("ex_1")
            .json_value(json!({
                "truth": {"_t": "CompareExampleTruth", "winnerId": "a.jpg"},
                "explanation": "Look at the letters.",
                "context": null,
                "sortIndex": 0
            }));
        then.ok();
    });
    audience
        .update_example("ex_1")
        .compare_truth("a.jpg")
        .explanation("Look at the letters.")
        .clear_context()
        .sort_index(0)
        .send()
        .unwrap();
    patch.assert();
}

#[test]
fn update_example_uploads_new_media_context() {
    let server = MockServer::start();
    let audience = audience(&server);
    let up = url_upload(&server, "https://example.com/ref.jpg", "ref1.jpg");
    let patch = server.patch_audience_by_audience_id_example_by_example_id(|when, then| {
        when.audience_id("aud_1")
            .example_id("ex_2")
            .json_value(json!({
                "contextAsset": {"_t": "ExistingAssetInput", "name": "ref1.jpg"},
                "instructionText": "What animal?",
                "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["Dog"]},
                "randomCorrectProbability": 0.5,
                "explanation": null
            }));
        then.ok();
    });
    audience
        .update_example("ex_2")
        .media_context(["https://example.com/ref.jpg"])
        .instruction("What animal?")
        .classification_truth(["Dog"])
        .random_correct_probability(0.5)
        .clear_explanation()
        .send()
        .unwrap();
    up.assert();
    patch.assert();

    let clear = server.patch_audience_by_audience_id_example_by_example_id(|when, then| {
        when.audience_id("aud_1")
            .example_id("ex_3")
            .json_value(json!({"contextAsset": null}));
        then.ok();
    });
    audience
        .update_example("ex_3")
        .clear_media_context()
        .send()
        .unwrap();
    clear.assert();
}

#[test]
fn delete_example_has_no_audience_id_in_the_path() {
    let server = MockServer::start();
    let audience = audience(&server);
    let delete = server.delete_audience_example_by_example_id(|when, then| {
        when.example_id("ex_1");
        then.status(200)
            .json_value(json!({"recalculationId": "rc_1"}));
    });
    audience.delete_example("ex_1").unwrap();
    delete.assert();
}
