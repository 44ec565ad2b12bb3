//! Each kind of job definition, with its audience and examples, body for body the SDK's.

use rapidata::job::AnswerOptions;

use crate::support::sandboxed;
use sandboxed::{animal_audience, client, compare_audience, custom_audience, sandbox};

use super::*;

#[test]
fn guide_compare_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = client
        .audience()
        .create_audience("Custom Prompt Alignment Audience")
        .min_tasks(8)
        .send()
        .unwrap();
    for (prompt, datapoint) in PROMPTS.iter().zip(DATAPOINTS) {
        audience
            .add_compare_example(INSTRUCTION, datapoint, datapoint[0])
            .context(*prompt)
            .send()
            .unwrap();
    }
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_compare_job_definition(
            "Prompt Alignment Job",
            INSTRUCTION,
            [[
                "https://assets.rapidata.ai/flux_book.jpg",
                "https://assets.rapidata.ai/mj_book.jpg",
            ]],
        )
        .contexts(["A small blue book sitting on a large red book."])
        .send()
        .unwrap();
    results_of(&audience, &definition);
    assert_same(&sb.requests(), &capture("guide_compare"));
}

#[test]
fn classification_with_per_datapoint_options_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Animal Audience");
    let definition = client
        .job()
        .create_classification_job_definition(
            "Animal Job",
            "What animal is shown?",
            AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "dog", "bird"]]),
            [
                "https://assets.rapidata.ai/pet_1.jpg",
                "https://assets.rapidata.ai/pet_2.jpg",
            ],
        )
        .responses_per_datapoint(5)
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    // Every vote is one of its datapoint's own options.
    let c = results.classification().unwrap();
    assert_eq!(c.datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("classification"));
}

#[test]
fn free_text_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Caption Audience");
    let definition = client
        .job()
        .create_free_text_job_definition(
            "Caption Job",
            "Describe the image in one sentence.",
            [
                "https://assets.rapidata.ai/red_car.jpg",
                "https://assets.rapidata.ai/blue_boat.jpg",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["A car on a street.", "A boat on a lake."])
        .settings([rapidata::Setting::free_text_min_characters(10)])
        .private_metadata(ids(["car", "boat"]))
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    let answers = results.free_text().unwrap();
    assert_eq!(answers.datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("free_text"));
}

/// The locate (or draw) scenarios' three examples: one with a context, one with an
/// explanation, one with two boxes.
fn add_glitch_examples(audience: &rapidata::Audience, instruction: &str, draw: bool) {
    use rapidata::audience::BoundingBox;
    let examples = [
        ("glitch_1", vec![BoundingBox::new(0.1, 0.2, 0.3, 0.5)]),
        ("glitch_2", vec![BoundingBox::new(0.5, 0.5, 0.75, 1.0)]),
        (
            "glitch_3",
            vec![
                BoundingBox::new(0.0, 0.0, 0.25, 0.25),
                BoundingBox::new(0.6, 0.6, 0.8, 0.9),
            ],
        ),
    ];
    for (i, (image, boxes)) in examples.into_iter().enumerate() {
        let image = format!("https://assets.rapidata.ai/{image}.jpg");
        let mut example = if draw {
            audience.add_draw_example(instruction, image, boxes)
        } else {
            audience.add_locate_example(instruction, image, boxes)
        };
        example = match i {
            0 => example.context("Look at the left side."),
            1 => example.explanation("The hand has six fingers."),
            _ => example,
        };
        example.send().unwrap();
    }
}

#[test]
fn locate_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Glitch Audience");
    let instruction = "Tap on the glitch in the image.";
    add_glitch_examples(&audience, instruction, false);
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_locate_job_definition(
            "Glitch Job",
            "Tap on any visual glitch in the image.",
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["A portrait.", "A landscape."])
        .settings([rapidata::Setting::locate_max_points(3)])
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    assert_eq!(results.locate().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("locate"));
}

#[test]
fn ranking_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = compare_audience(&client, "Ranking Audience");
    let image = |name: &str| format!("https://assets.rapidata.ai/{name}.jpg");
    let definition = client
        .job()
        .create_ranking_job_definition(
            "Ranking Job",
            "Which image looks better?",
            [
                vec![
                    image("lighthouse_2"),
                    image("lighthouse_1"),
                    image("lighthouse_3"),
                ],
                vec![
                    image("forest_4"),
                    image("forest_1"),
                    image("forest_3"),
                    image("forest_2"),
                ],
            ],
            12,
        )
        .contexts(["A lighthouse at dusk", "A forest in the fog"])
        .media_contexts([image("lighthouse_ref"), image("forest_ref")])
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    assert_eq!(results.ranking().unwrap().rankings.len(), 2);
    assert_same(&sb.requests(), &capture("ranking"));
}

#[test]
fn select_words_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Caption Checkers");
    let instruction = "Select the words not correctly depicted in the image.";
    audience
        .add_select_words_example(
            instruction,
            "https://assets.rapidata.ai/black_cat.jpg",
            "a white cat on a sunny beach [No_mistakes]",
            [1],
        )
        .explanation("The cat in the image is black, not white.")
        .send()
        .unwrap();
    audience
        .add_select_words_example(
            instruction,
            "https://assets.rapidata.ai/red_bus.jpg",
            "a blue car in the snow [No_mistakes]",
            [1, 2],
        )
        .required_completeness(0.5)
        .send()
        .unwrap();
    audience
        .add_select_words_example(
            instruction,
            "https://assets.rapidata.ai/two_dogs.jpg",
            "two dogs playing in a park [No_mistakes]",
            [6],
        )
        .send()
        .unwrap();
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_select_words_job_definition(
            "Caption Check Job",
            instruction,
            [
                "https://assets.rapidata.ai/cat_couch.jpg",
                "https://assets.rapidata.ai/car_rain.jpg",
            ],
            [
                "A cat on a red couch [No_mistakes]",
                "A blue car in the rain [No_mistakes]",
            ],
        )
        .responses_per_datapoint(4)
        .private_metadata(ids(["a", "b"]))
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    assert_eq!(results.select_words().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("select_words"));
}

#[test]
fn draw_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Glitch Painters");
    let instruction = "Color in the glitch in the image.";
    add_glitch_examples(&audience, instruction, true);
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_draw_job_definition(
            "Glitch Drawing Job",
            "Color in any visual glitch in the image.",
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["A portrait.", "A landscape."])
        .private_metadata(ids(["p", "l"]))
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    assert_eq!(results.draw().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("draw"));
}

#[test]
fn timestamp_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Moment Audience");
    let definition = client
        .job()
        .create_timestamp_job_definition(
            "Moment Job",
            "Mark the moment the ball crosses the line.",
            [
                "https://assets.rapidata.ai/match_1.mp4",
                "https://assets.rapidata.ai/match_2.mp4",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["First half.", "Second half."])
        .private_metadata(ids(["1", "2"]))
        .send()
        .unwrap();
    let results = results_of(&audience, &definition);
    assert_eq!(results.timestamp().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("timestamp"));
}
