//! The one builder shape (issue 13): every create/add builder has `validate()`, which runs
//! the checks of `send()` with no request and returns the body `send()` then posts.
//!
//! For each builder: a bad one is refused by `validate()` with the very `InvalidInput`
//! `send()` returns, and neither makes a request; a good one's `validate()` body is the
//! body a mock server receives from `send()` (the mock matches exactly that JSON).
//! Uploads in these tests answer each URL as its own server name, so the names
//! `validate()` plans (each item's identifier) are the names `send()` puts in the body.

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::api::types::{AddExampleToAudienceEndpointOutput, CreateAudienceEndpointOutput};
use rapidata::api::types::{CreateValidationSetEndpointOutput, IAssetInput};
use rapidata::audience::BoundingBox;
use rapidata::{DataItem, Error, JobTarget, Result};
use serde_json::{json, Value};

use crate::support as common;
use common::client;

const PICTURE: &str = "https://assets.rapidata.ai/builder_shape.jpg";
const OTHER_PICTURE: &str = "https://assets.rapidata.ai/builder_shape_2.jpg";

/// A mock that answers every request `500`: a test asserts it was never hit.
fn any_request(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_when, then| {
        then.status(500);
    })
}

/// Checks that `validate` and `send` of one bad builder fail alike, before any request,
/// naming `argument` (or one of its entries, `argument[i]…`).
fn same_refusal<T: std::fmt::Debug, U: std::fmt::Debug>(
    server: &MockServer,
    validated: Result<T>,
    sent: impl FnOnce() -> Result<U>,
    argument: &str,
) {
    let any = any_request(server);
    let validated = validated.expect_err("validate() accepts a bad builder");
    let sent = sent().expect_err("send() accepts a bad builder");
    let (v, s) = (
        validated
            .as_invalid_input()
            .expect("validate(): InvalidInput"),
        sent.as_invalid_input().expect("send(): InvalidInput"),
    );
    assert!(v.argument().starts_with(argument), "{validated}");
    assert_eq!((v.argument(), v.reason()), (s.argument(), s.reason()));
    assert_eq!(validated.to_string(), sent.to_string());
    assert!(matches!(sent, Error::InvalidInput(_)));
    assert_eq!(any.calls(), 0, "a refused builder sent a request");
}

/// `POST /asset/url?url=<url>` answering `url` itself as the server name.
fn echo_upload<'a>(server: &'a MockServer, url: &str) -> httpmock::Mock<'a> {
    let query = format!("url={}", rapidata::request::encode_query_component(url));
    let answer = json!({"fileName": url, "warnings": [], "wasCompressed": false,
                        "originalSizeBytes": 10, "finalSizeBytes": 10});
    server.mock(move |when, then| {
        when.method(POST)
            .path("/asset/url")
            .is_true(move |req| req.uri().query() == Some(query.as_str()));
        then.status(200).json_body(answer);
    })
}

/// A mock of `POST /audience/aud_1/example` that matches exactly `body`.
fn example_mock(server: &MockServer, body: Value) -> httpmock::Mock<'_> {
    server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1").json_value(body);
        then.ok(&AddExampleToAudienceEndpointOutput::new());
    })
}

fn to_json(body: &impl serde::Serialize) -> Value {
    serde_json::to_value(body).unwrap()
}

/// Sends an example whose `validate()` returned `body`, with uploads of `urls` that answer
/// each URL as its server name, and checks that the server received exactly `body`.
fn sends_validated(
    server: &MockServer,
    body: &impl serde::Serialize,
    urls: &[&str],
    send: impl FnOnce() -> Result<()>,
) {
    let uploads: Vec<_> = urls.iter().map(|url| echo_upload(server, url)).collect();
    let add = example_mock(server, to_json(body));
    send().unwrap();
    for upload in uploads {
        upload.assert();
    }
    add.assert();
}

#[test]
fn create_audience_validate_returns_the_body_send_posts() {
    let server = MockServer::start();
    let manager = client(&server).audience();
    let bad = manager.create_audience("Strict").min_tasks(2);
    same_refusal(&server, bad.validate(), || bad.clone().send(), "min_tasks");

    let server = MockServer::start();
    let manager = client(&server).audience();
    let good = manager
        .create_audience("Strict")
        .description("d")
        .target_accuracy(0.9)
        .min_tasks(4);
    let body = to_json(&good.validate().unwrap());
    assert_eq!(body["graduationRule"]["minTasks"], 4);
    let create = server.post_audience(|when, then| {
        when.json_value(body);
        then.ok(&CreateAudienceEndpointOutput::new("aud_new".into()));
    });
    assert_eq!(good.send().unwrap().id(), "aud_new");
    create.assert();
}

#[test]
fn create_validation_set_validate_returns_the_body_send_posts() {
    let server = MockServer::start();
    let validation = client(&server).validation();
    let bad = validation.create_validation_set("Checks").dimensions([" "]);
    same_refusal(
        &server,
        bad.validate(),
        || bad.clone().send(),
        "dimensions[0]",
    );

    let server = MockServer::start();
    let good = client(&server).validation().create_validation_set("Checks");
    let body = to_json(&good.validate().unwrap());
    assert_eq!(body, json!({"name": "Checks"}));
    let create = server.post_validation_set(|when, then| {
        when.json_value(body);
        then.ok(&CreateValidationSetEndpointOutput::new("vs_1".into()));
    });
    assert_eq!(good.send().unwrap().id(), "vs_1");
    create.assert();
}

#[test]
fn create_rapid_set_validate_returns_the_rapid_bodies_send_posts() {
    let server = MockServer::start();
    let validation = client(&server).validation();
    let bad = validation.create_classification_set(
        "Maths",
        "True?",
        ["Yes", "No"],
        [DataItem::text("1 + 1 = 2"), DataItem::text("1 + 1 = 3")],
        [vec!["Yes"]],
    );
    same_refusal(&server, bad.validate(), || bad.clone().send(), "truths");

    let server = MockServer::start();
    let good = client(&server)
        .validation()
        .create_compare_set(
            "Sharpness",
            "Which is sharper?",
            [[PICTURE, OTHER_PICTURE]],
            [OTHER_PICTURE],
        )
        .contexts(["a context"]);
    let bodies = good.validate().unwrap();
    assert_eq!(bodies.len(), 1);
    let body = to_json(&bodies[0]);
    let upload = echo_upload(&server, PICTURE);
    let other = echo_upload(&server, OTHER_PICTURE);
    let set = server.post_validation_set(|when, then| {
        when.json_value(json!({"name": "Sharpness"}));
        then.ok(&CreateValidationSetEndpointOutput::new("vs_2".into()));
    });
    let rapid = server.post_validation_set_by_validation_set_id_rapid(|when, then| {
        when.validation_set_id("vs_2").json_value(body);
        then.ok();
    });
    good.send().unwrap();
    upload.assert();
    other.assert();
    set.assert();
    rapid.assert();
}

#[test]
fn compare_example_validate_returns_the_body_send_posts() {
    let server = MockServer::start();
    let audience = common::audience(&server);
    let bad = || audience.add_compare_example("Which?", [DataItem::text("a")], "a");
    same_refusal(&server, bad().validate(), || bad().send(), "datapoint");

    let server = MockServer::start();
    let audience = common::audience(&server);
    let good = audience
        .add_compare_example(
            "Which?",
            [DataItem::url(PICTURE), DataItem::text("b")],
            PICTURE,
        )
        .context("a prompt")
        .explanation("the picture");
    let body = good.validate().unwrap();
    assert!(matches!(body.asset, IAssetInput::MultiAssetInput(_)));
    sends_validated(&server, &body, &[PICTURE], || good.send());
}

#[test]
fn classification_example_validate_returns_the_body_send_posts() {
    let server = MockServer::start();
    let audience = common::audience(&server);
    let bad = || {
        audience.add_classification_example("True?", ["Yes", "No"], DataItem::text("x"), ["Maybe"])
    };
    same_refusal(&server, bad().validate(), || bad().send(), "truth");

    let server = MockServer::start();
    let audience = common::audience(&server);
    let good = audience
        .add_classification_example("Animal?", ["Cat", "Dog"], PICTURE, ["Cat"])
        .media_context([OTHER_PICTURE]);
    let body = good.validate().unwrap();
    assert_eq!(body.random_correct_probability, 0.5);
    sends_validated(&server, &body, &[PICTURE, OTHER_PICTURE], || good.send());
}

#[test]
fn locate_and_draw_example_validate_returns_the_body_send_posts() {
    let boxes = [BoundingBox::new(0.0, 0.0, 0.5, 0.5)];
    let server = MockServer::start();
    let audience = common::audience(&server);
    let bad = || audience.add_locate_example("Tap it.", DataItem::text("no image"), boxes);
    same_refusal(&server, bad().validate(), || bad().send(), "datapoint");
    let bad = || audience.add_draw_example("Draw it.", PICTURE, []);
    same_refusal(&server, bad().validate(), || bad().send(), "truths");

    for draw in [false, true] {
        let server = MockServer::start();
        let audience = common::audience(&server);
        let good = if draw {
            audience.add_draw_example("Draw it.", PICTURE, boxes)
        } else {
            audience.add_locate_example("Tap it.", PICTURE, boxes)
        };
        let body = good.validate().unwrap();
        assert_eq!(body.random_correct_probability, 0.25);
        sends_validated(&server, &body, &[PICTURE], || good.send());
    }
}

#[test]
fn select_words_example_validate_returns_the_body_send_posts() {
    let server = MockServer::start();
    let audience = common::audience(&server);
    let bad = || audience.add_select_words_example("Select.", PICTURE, "a red car", [3]);
    same_refusal(&server, bad().validate(), || bad().send(), "truths");
    let bad = || {
        audience
            .add_select_words_example("Select.", PICTURE, "a red car", [1])
            .required_precision(1.5)
    };
    same_refusal(
        &server,
        bad().validate(),
        || bad().send(),
        "required_precision",
    );

    let server = MockServer::start();
    let audience = common::audience(&server);
    let good = audience
        .add_select_words_example("Select the wrong words.", PICTURE, "a red car", [1])
        .required_completeness(0.5);
    let body = good.validate().unwrap();
    assert_eq!(to_json(&body)["context"], Value::Null);
    sends_validated(&server, &body, &[PICTURE], || good.send());
}

#[test]
fn builders_own_their_audience_and_old_names_still_name_them() {
    let server = MockServer::start();
    let example: rapidata::audience::CompareExample<'static> = {
        let audience = common::audience(&server);
        audience.add_compare_example("Which?", [DataItem::text("a"), DataItem::text("b")], "a")
    };
    // The audience handle is gone; the builder holds its own and can cross threads.
    let body = to_json(&example.validate().unwrap());
    let add = example_mock(&server, body);
    std::thread::spawn(move || example.send())
        .join()
        .unwrap()
        .unwrap();
    add.assert();
}

#[test]
fn update_example_validate_returns_the_body_send_patches() {
    let server = MockServer::start();
    let audience = common::audience(&server);
    let bad = || {
        audience
            .update_example("ex_1")
            .random_correct_probability(2.0)
    };
    same_refusal(
        &server,
        bad().validate(),
        || bad().send(),
        "random_correct_probability",
    );

    let server = MockServer::start();
    let audience = common::audience(&server);
    let good = audience
        .update_example("ex_1")
        .explanation("Count the fingers.")
        .clear_context()
        .media_context([PICTURE]);
    let body = good.validate().unwrap();
    assert_eq!(body.sort_index, None);
    let upload = echo_upload(&server, PICTURE);
    let patch = server.patch_audience_by_audience_id_example_by_example_id(|when, then| {
        when.audience_id("aud_1")
            .example_id("ex_1")
            .json_value(to_json(&body));
        then.ok();
    });
    good.send().unwrap();
    upload.assert();
    patch.assert();
}

#[test]
fn assign_job_validate_returns_the_body_send_posts() {
    let server = MockServer::start();
    let audience = common::audience(&server);
    let definition = common::definition_of(audience.client(), &server);
    let bad = || audience.assign(&definition).run_after_id(" ");
    same_refusal(&server, bad().validate(), || bad().send(), "run_after");

    let server = MockServer::start();
    let audience = common::audience(&server);
    let definition = common::definition_of(audience.client(), &server);
    let good = audience.assign(&definition).run_after_id("job_0");
    let body = good.validate().unwrap();
    assert_eq!(body.preceding_job_id, Some(Some("job_0".to_owned())));
    let create = server.post_job(|when, then| {
        when.json_value(to_json(&body));
        then.status(200)
            .json_value(json!({"jobId": "job_1", "recruitingStarted": false}));
    });
    let job = good.send().unwrap();
    create.assert_calls(1);
    assert_eq!(job.id(), "job_1");
}
