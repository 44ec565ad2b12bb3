//! A definition's dataset replaced through a new revision.

use std::collections::BTreeMap;

use rapidata::job::{AnswerOptions, NewDatapoints};

use crate::support::sandboxed;
use sandboxed::{animal_audience, client, fast, sandbox};

use super::*;

#[test]
fn dataset_update_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Pet Audience");
    let image = |name: &str| format!("https://assets.rapidata.ai/{name}.jpg");
    let mut pets = client
        .job()
        .create_classification_job_definition(
            "Pet Job",
            "What animal is shown?",
            AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "dog", "bird"]]),
            [image("pet_1"), image("pet_2")],
        )
        .responses_per_datapoint(3)
        .send()
        .unwrap();
    let first = audience.assign_job(&pets).unwrap();
    pets.set_datapoints(
        NewDatapoints::new([image("pet_3"), image("pet_4"), image("pet_5")])
            .contexts(["On a sofa.", "In a garden.", "On a roof."])
            .answer_options(["cat", "dog", "bird"]),
    )
    .unwrap();
    assert_eq!(pets.save(false).unwrap(), 2);
    let second = audience.assign_job(&pets).unwrap();
    let mut captions = client
        .job()
        .create_free_text_job_definition(
            "Caption Job",
            "Describe the image in one sentence.",
            [image("red_car"), image("blue_boat")],
        )
        .responses_per_datapoint(3)
        .send()
        .unwrap();
    let meta = |id: &str| BTreeMap::from([("id".to_owned(), id.to_owned())]);
    captions
        .update_dataset(
            NewDatapoints::texts(["A red car.", "A blue boat.", "A green tree."])
                .private_metadata(vec![meta("car"), meta("boat"), meta("tree")]),
        )
        .unwrap();
    let third = audience.assign_job(&captions).unwrap();
    let counts: Vec<usize> = [first, second, third]
        .iter()
        .map(|job| job.get_results_with((), fast()).unwrap().len())
        .collect();
    assert_eq!(counts, [2, 3, 3]);
    assert_same(&sb.requests(), &capture("dataset_update"));
}
