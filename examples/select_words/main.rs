//! A select-words job on an audience trained with select-words examples: labelers mark
//! the words of a caption that the image does not show.
//!
//! ```text
//! cargo run --example select_words
//! ```
//!
//! Against the real API (credentials in `RAPIDATA_CLIENT_ID` / `RAPIDATA_CLIENT_SECRET`)
//! it spends money; without them it runs against the offline sandbox.

use std::error::Error;

#[path = "../common/connect.rs"]
mod connect;

const INSTRUCTION: &str = "Select the words not correctly depicted in the image.";

fn main() -> Result<(), Box<dyn Error>> {
    let (client, _sandbox) = connect::connect()?;
    let audience = client
        .audience()
        .create_audience("Caption Checkers")
        .min_tasks(3)
        .send()?;
    // Truths are 0-based word indices; `[No_mistakes]` is selected when nothing is wrong.
    for (image, sentence, truth) in [
        ("black_cat", "a white cat on a sunny beach [No_mistakes]", 1),
        ("red_bus", "a blue bus in the snow [No_mistakes]", 1),
        ("two_dogs", "two dogs playing in a park [No_mistakes]", 6),
    ] {
        audience
            .add_select_words_example(
                INSTRUCTION,
                format!("https://assets.rapidata.ai/{image}.jpg"),
                sentence,
                [truth],
            )
            .send()?;
    }
    audience.start_recruiting()?;
    let definition = client
        .job()
        .create_select_words_job_definition(
            "Caption Check",
            INSTRUCTION,
            [
                "https://assets.rapidata.ai/cat_couch.jpg",
                "https://assets.rapidata.ai/car_rain.jpg",
            ],
            [
                "A cat on a red couch [No_mistakes]",
                "A blue car in the rain [No_mistakes]",
            ],
        )
        .responses_per_datapoint(10)
        .send()?;
    let results = connect::run_job(&audience, &definition)?;
    for dp in &results
        .select_words()
        .ok_or("not select-words results")?
        .datapoints
    {
        let majority: Vec<&str> = dp
            .selected_by(0.5)
            .into_iter()
            .filter_map(|i| dp.words.iter().find(|w| w.index == i))
            .map(|w| w.word.as_str())
            .collect();
        println!(
            "{}: {}",
            dp.asset.identifier.as_deref().unwrap_or("?"),
            majority.join(" ")
        );
    }
    Ok(())
}
