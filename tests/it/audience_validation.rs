//! Every argument check happens before any request: each test makes an invalid call and
//! asserts a typed `InvalidInput` error naming the argument, and that a catch-all mock saw
//! no request at all (so nothing was uploaded either).

use std::path::PathBuf;

use httpmock::prelude::*;
use httpmock::Mock;
use rapidata::{Audience, DataItem, Error, Filter, Result};

use crate::support as common;
use common::client;

/// A mock that answers every request (with an error), to count stray requests.
fn catch_all(server: &MockServer) -> Mock<'_> {
    server.mock(|_when, then| {
        then.status(599).body("no request was expected");
    })
}

/// An audience handle, then a fresh server state with only the catch-all mock.
fn setup(server: &MockServer) -> (Audience, Mock<'_>) {
    let audience = common::audience(server);
    (audience, catch_all(server))
}

/// Asserts an `InvalidInput` for `argument` and no request on the server.
fn assert_rejected<T: std::fmt::Debug>(
    result: Result<T>,
    argument: &str,
    mock: &Mock<'_>,
) -> String {
    let err: Error = result.expect_err("the call must be refused");
    let e = err
        .as_invalid_input()
        .unwrap_or_else(|| panic!("expected InvalidInput, got {err:?}"));
    assert_eq!(e.argument(), argument, "{err}");
    assert_eq!(mock.calls(), 0, "no request may be sent for invalid input");
    format!("{} | {}", e.value(), e.reason())
}

const URL_A: &str = "https://example.com/a.jpg";
const URL_B: &str = "https://example.com/b.jpg";

#[test]
fn empty_audience_name_is_refused() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let r = client(&server).audience().create_audience("  ").send();
    assert_rejected(r, "name", &any);
}

#[test]
fn empty_name_on_rename_is_refused() {
    let server = MockServer::start();
    let (mut audience, any) = setup(&server);
    assert_rejected(audience.rename(""), "name", &any);
}

#[test]
fn target_accuracy_outside_zero_to_one_is_refused() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let m = client(&server).audience();
    assert_rejected(
        m.create_audience("a").target_accuracy(1.01).send(),
        "target_accuracy",
        &any,
    );
    assert_rejected(
        m.create_audience("a").target_accuracy(-0.5).send(),
        "target_accuracy",
        &any,
    );
    let text = assert_rejected(
        m.create_audience("a").target_accuracy(f64::NAN).send(),
        "target_accuracy",
        &any,
    );
    assert!(text.starts_with("NaN"), "{text}");
}

#[test]
fn min_tasks_below_three_is_refused() {
    let server = MockServer::start();
    let any = catch_all(&server);
    for n in [0, 1, 2] {
        let r = client(&server)
            .audience()
            .create_audience("a")
            .min_tasks(n)
            .send();
        let text = assert_rejected(r, "min_tasks", &any);
        assert!(text.contains("at least 3"), "{text}");
    }
}

#[test]
fn max_tasks_below_min_tasks_is_refused() {
    let server = MockServer::start();
    let any = catch_all(&server);
    let m = client(&server).audience();
    let text = assert_rejected(
        m.create_audience("a").min_tasks(8).max_tasks(7).send(),
        "max_tasks",
        &any,
    );
    assert!(text.contains("min_tasks (8)"), "{text}");
    // Against the default min_tasks of 10 as well.
    assert_rejected(
        m.create_audience("a").max_tasks(5).send(),
        "max_tasks",
        &any,
    );
}

#[test]
fn empty_filter_lists_are_refused() {
    let server = MockServer::start();
    let (mut audience, any) = setup(&server);
    let m = client(&server).audience();
    assert_rejected(
        m.create_audience("a")
            .filters([Filter::language(Vec::<String>::new())])
            .send(),
        "filters[0].languages",
        &any,
    );
    assert_rejected(
        m.create_audience("a")
            .filters([Filter::country(["US"]) & Filter::all([])])
            .send(),
        "filters[0].filters[1].filters",
        &any,
    );
    assert_rejected(audience.update_filters([]), "filters", &any);
    assert_rejected(audience.filter(Filter::any([])), "filter.filters", &any);
    assert_rejected(audience.filter(Filter::age([])), "filter.age", &any);
}

#[test]
fn bad_country_codes_are_refused() {
    let server = MockServer::start();
    let (mut audience, any) = setup(&server);
    let m = client(&server).audience();
    let text = assert_rejected(
        m.create_audience("a")
            .filters([Filter::country(["US", "ca"])])
            .send(),
        "filters[0].countries[1]",
        &any,
    );
    assert!(text.contains("upper case"), "{text}");
    assert_rejected(
        audience.update_filters([Filter::country(["USA"])]),
        "filters[0].countries[0]",
        &any,
    );
    assert_rejected(
        audience.filter(!Filter::country(["ZZ"])),
        "filter.filter.countries[0]",
        &any,
    );
}

#[test]
fn bad_language_codes_are_refused() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let m = client(&server).audience();
    let text = assert_rejected(
        m.create_audience("a")
            .filters([Filter::language(["EN"])])
            .send(),
        "filters[0].languages[0]",
        &any,
    );
    assert!(text.contains("lower case"), "{text}");
    assert_rejected(
        audience.filter(Filter::language(["en-US"])),
        "filter.languages[0]",
        &any,
    );
}

#[test]
fn over_long_instruction_is_refused() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let long = "x".repeat(251);
    let text = assert_rejected(
        audience
            .add_compare_example(&long, [URL_A, URL_B], URL_A)
            .send(),
        "instruction",
        &any,
    );
    assert!(text.contains("251"), "{text}");
    assert_rejected(
        audience
            .add_classification_example(&long, ["a", "b"], URL_A, ["a"])
            .send(),
        "instruction",
        &any,
    );
    assert_rejected(
        audience.update_example("ex_1").instruction(long).send(),
        "instruction",
        &any,
    );
    assert_rejected(
        audience
            .add_compare_example("", [URL_A, URL_B], URL_A)
            .send(),
        "instruction",
        &any,
    );
}

#[test]
fn compare_datapoint_needs_exactly_two_items() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A], URL_A)
            .send(),
        "datapoint",
        &any,
    );
    assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A, URL_B, "https://example.com/c.jpg"], URL_A)
            .send(),
        "datapoint",
        &any,
    );
}

#[test]
fn compare_datapoint_items_must_differ() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let text = assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A, URL_A], URL_A)
            .send(),
        "datapoint",
        &any,
    );
    assert!(text.contains("different"), "{text}");
}

#[test]
fn compare_truth_must_be_one_of_the_items() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    // The items are valid URLs: still nothing is uploaded.
    assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A, URL_B], "https://example.com/c.jpg")
            .send(),
        "truth",
        &any,
    );
    // A text truth against media items.
    assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A, URL_B], DataItem::text("a"))
            .send(),
        "truth",
        &any,
    );
}

#[test]
fn classification_truth_must_be_among_the_options() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let text = assert_rejected(
        audience
            .add_classification_example("Animal?", ["Cat", "Dog"], URL_A, ["Cat", "Bird"])
            .send(),
        "truth[1]",
        &any,
    );
    assert!(text.contains("Bird"), "{text}");
}

#[test]
fn classification_options_and_truth_must_not_be_empty() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    assert_rejected(
        audience
            .add_classification_example("Animal?", Vec::<String>::new(), URL_A, ["Cat"])
            .send(),
        "answer_options",
        &any,
    );
    assert_rejected(
        audience
            .add_classification_example("Animal?", ["Cat", "Dog"], URL_A, Vec::<String>::new())
            .send(),
        "truth",
        &any,
    );
    assert_rejected(
        audience
            .add_classification_example("Animal?", ["Cat", "Cat"], URL_A, ["Cat"])
            .send(),
        "answer_options[1]",
        &any,
    );
    assert_rejected(
        audience
            .update_example("ex_1")
            .classification_truth(Vec::<String>::new())
            .send(),
        "truth",
        &any,
    );
}

#[test]
fn missing_local_file_is_refused() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let dir = tempfile::tempdir().unwrap();
    let present = dir.path().join("present.png");
    std::fs::write(&present, "x").unwrap();
    let missing = dir.path().join("missing.png");
    let text = assert_rejected(
        audience
            .add_compare_example(
                "Which?",
                [present.clone(), missing.clone()],
                present.clone(),
            )
            .send(),
        "datapoint[1]",
        &any,
    );
    assert!(
        text.contains("missing.png") && text.contains("no such file"),
        "{text}"
    );
    assert_rejected(
        audience
            .add_classification_example("Animal?", ["Cat"], missing, ["Cat"])
            .send(),
        "datapoint",
        &any,
    );
}

#[test]
fn unreadable_local_file_is_refused() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    // A directory cannot be read as a file (permission bits do not stop root, who may
    // run these tests).
    let dir = tempfile::tempdir().unwrap();
    let text = assert_rejected(
        audience
            .add_compare_example(
                "Which?",
                [PathBuf::from(dir.path()), PathBuf::from("x.png")],
                "x.png",
            )
            .send(),
        "datapoint[0]",
        &any,
    );
    assert!(text.contains("not a regular file"), "{text}");
}

#[test]
fn invalid_url_is_refused() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let text = assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A, "https://exa mple.com/b.jpg"], URL_A)
            .send(),
        "datapoint[1]",
        &any,
    );
    assert!(text.contains("host"), "{text}");
    assert_rejected(
        audience
            .add_classification_example("Animal?", ["Cat"], "https://", ["Cat"])
            .send(),
        "datapoint",
        &any,
    );
}

#[test]
fn bad_media_context_stops_every_upload() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    // Valid datapoint, invalid media context: not even the datapoint is uploaded.
    assert_rejected(
        audience
            .add_compare_example("Which?", [URL_A, URL_B], URL_A)
            .media_context(["https://example.com/ok.jpg", "/nonexistent/ctx.jpg"])
            .send(),
        "media_context[1]",
        &any,
    );
    assert_rejected(
        audience
            .add_classification_example("Animal?", ["Cat"], URL_A, ["Cat"])
            .media_context([DataItem::text("not media")])
            .send(),
        "media_context[0]",
        &any,
    );
    assert_rejected(
        audience
            .update_example("ex_1")
            .media_context(["ftp.example.com/x.jpg"])
            .send(),
        "media_context[0]",
        &any,
    );
}

#[test]
fn paging_arguments_are_checked() {
    let server = MockServer::start();
    let (audience, any) = setup(&server);
    let m = client(&server).audience();
    assert_rejected(m.find_audiences("").amount(0).send(), "amount", &any);
    assert_rejected(m.curated_audiences().page(0).send(), "page", &any);
    assert_rejected(audience.find_jobs().amount(0).send(), "amount", &any);
    assert_rejected(m.get_audience_by_id(""), "audience_id", &any);
    assert_rejected(audience.delete_example(" "), "example_id", &any);
    assert_rejected(
        audience
            .update_example("ex_1")
            .random_correct_probability(2.0)
            .send(),
        "random_correct_probability",
        &any,
    );
}
