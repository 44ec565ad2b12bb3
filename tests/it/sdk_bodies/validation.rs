//! Validation sets of each kind with their rapids, and a definition pinned to one.

use crate::support::sandboxed;
use sandboxed::{client, fast, sandbox};

use super::*;

/// `conformance/scenarios/validation_sets.py` with this crate: a set of each kind (and a
/// mixed one), their rapids, dimensions, and a definition pinned to one of them through a
/// saved revision. Every create and update body equals the SDK's for the same inputs.
#[test]
fn validation_set_bodies_equal_the_sdks() {
    use rapidata::audience::BoundingBox;
    use rapidata::validation::Rapid;
    use rapidata::DataItem;

    let img = |name: &str| format!("https://assets.rapidata.ai/{name}");
    let texts = |items: [&str; 2]| items.map(DataItem::text);
    let sb = sandbox();
    let client = client(&sb);
    let validation = client.validation();
    validation
        .create_classification_set(
            "Animal checks",
            "What animal is this?",
            ["Cat", "Dog", "Bird"],
            [img("cat.jpg"), img("dog.jpg")],
            [vec!["Cat"], vec!["Dog", "Bird"]],
        )
        .contexts(["Look closely", "A pet"])
        .media_contexts([
            vec![img("ref1.jpg")],
            vec![img("ref2.jpg"), img("ref3.jpg")],
        ])
        .explanations([Some("Whiskers."), None])
        .dimensions(["animals"])
        .send()
        .unwrap();
    let compare_set = validation
        .create_compare_set(
            "Joke checks",
            "Which joke is funnier?",
            [texts(["joke a", "joke b"]), texts(["joke c", "joke d"])],
            ["joke b", "joke c"].map(DataItem::text),
        )
        .contexts(["Two jokes", "Two more"])
        .send()
        .unwrap();
    validation
        .create_select_words_set(
            "Caption checks",
            "Select the words the image does not show.",
            [img("black_cat.jpg"), img("red_bus.jpg")],
            ["a white cat on a beach", "a blue car in the snow"],
            [vec![1], vec![1, 2]],
        )
        .required_completeness(0.5)
        .explanations([None, Some("The bus is red.")])
        .send()
        .unwrap();
    validation
        .create_locate_set(
            "Glitch checks",
            "Tap the glitch.",
            [img("glitch1.jpg"), img("glitch2.jpg")],
            [
                vec![BoundingBox::new(0.1, 0.2, 0.3, 0.4)],
                vec![
                    BoundingBox::new(0.0, 0.0, 0.5, 0.5),
                    BoundingBox::new(0.25, 0.25, 0.75, 0.75),
                ],
            ],
        )
        .contexts(["A render", "Another render"])
        .send()
        .unwrap();
    validation
        .create_draw_set(
            "Outline checks",
            "Draw over the cat.",
            [img("cat.jpg")],
            [[BoundingBox::new(0.2, 0.2, 0.6, 0.8)]],
        )
        .media_contexts([[img("ref1.jpg")]])
        .send()
        .unwrap();
    validation
        .create_timestamp_set(
            "Goal checks",
            "Stop when the ball crosses the line.",
            [img("goal1.mp4"), img("goal2.mp4")],
            [vec![(1200, 1900)], vec![(0, 500), (4000, 4500)]],
        )
        .explanations([None, Some("There are two goals.")])
        .send()
        .unwrap();
    validation
        .create_mixed_set(
            "Mixed checks",
            [
                Rapid::classification(
                    "Is the statement true?",
                    ["True", "False"],
                    DataItem::text("Fish can fly."),
                    ["False"],
                ),
                Rapid::compare(
                    "Which image is sharper?",
                    [img("sharp.jpg"), img("blurry.jpg")],
                    img("sharp.jpg"),
                )
                .context("Same scene"),
                Rapid::timestamp("Stop at the goal.", img("goal1.mp4"), [(10, 20)])
                    .explanation("The ball crosses the line early."),
            ],
        )
        .dimensions(["mixed"])
        .send()
        .unwrap();

    let mut definition = client
        .job()
        .create_compare_job_definition(
            "Joke Job",
            "Which joke is funnier?",
            [texts(["joke e", "joke f"])],
        )
        .responses_per_datapoint(3)
        .send()
        .unwrap();
    definition
        .set_validation_set_id(Some(compare_set.id()))
        .unwrap();
    definition.save(false).unwrap();
    let job = client
        .audience()
        .global_audience()
        .unwrap()
        .assign_job(&definition)
        .unwrap();
    job.get_results_with((), fast()).unwrap();

    // (The revision that pins the set is left out: the SDK sends the workflow back as it
    // read it, its unset members as `null`; this crate leaves them out.)
    let mut routes = CREATE_ROUTES.to_vec();
    routes.extend([
        "POST /validation-set",
        "POST /validation-set/{id}/rapid",
        "PATCH /validation-set/{id}",
    ]);
    let sdk_routes = assert_same_on(&sb.requests(), &capture("validation_sets"), &routes);
    assert!(
        sdk_routes
            .iter()
            .any(|r| r == "POST /validation-set/{id}/rapid"),
        "the SDK capture must add rapids: {sdk_routes:?}"
    );
}
