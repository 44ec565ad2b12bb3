//! A ranking job: two lists of images, each ranked on its own from pairwise matchups, on
//! an audience trained with compare examples.
//!
//! ```text
//! cargo run --example ranking
//! ```
//!
//! Against the real API (credentials in `RAPIDATA_CLIENT_ID` / `RAPIDATA_CLIENT_SECRET`)
//! it spends money; without them it runs against the offline sandbox (whose labelers
//! prefer the lower number in a file name).

use std::error::Error;

#[path = "../common/connect.rs"]
mod connect;

const INSTRUCTION: &str = "Which image looks better?";

fn main() -> Result<(), Box<dyn Error>> {
    let (client, _sandbox) = connect::connect()?;
    let audience = client
        .audience()
        .create_audience("Image Rankers")
        .min_tasks(3)
        .send()?;
    for n in 1..=3 {
        let good = format!("https://assets.rapidata.ai/good_{n}.jpg");
        let bad = format!("https://assets.rapidata.ai/bad_{n}.jpg");
        audience
            .add_compare_example(INSTRUCTION, [&good, &bad], &good)
            .send()?;
    }
    audience.start_recruiting()?;
    let image = |name: &str| format!("https://assets.rapidata.ai/{name}.jpg");
    let definition = client
        .job()
        .create_ranking_job_definition(
            "Image Quality Ranking",
            INSTRUCTION,
            [
                vec![
                    image("lighthouse_2"),
                    image("lighthouse_1"),
                    image("lighthouse_3"),
                ],
                vec![image("forest_3"), image("forest_1"), image("forest_2")],
            ],
            // Three items make three pairs: 9 comparisons is three per pair.
            9,
        )
        .contexts(["A lighthouse at dusk", "A forest in the fog"])
        .send()?;
    let results = connect::run_job(&audience, &definition)?;
    for (i, list) in results
        .ranking()
        .ok_or("not ranking results")?
        .rankings
        .iter()
        .enumerate()
    {
        println!("ranking {i}: {}", list.order().join(" > "));
    }
    Ok(())
}
