//! A free-text job: labelers describe each image in their own words.
//!
//! ```text
//! cargo run --example free_text
//! ```
//!
//! Free text cannot be graded, so there are no free-text qualification examples: this
//! example uses the ready-to-go global audience. Against the real API (credentials in
//! `RAPIDATA_CLIENT_ID` / `RAPIDATA_CLIENT_SECRET`) it spends money; without them it runs
//! against the offline sandbox.

use std::error::Error;

use rapidata::Setting;

#[path = "../common/connect.rs"]
mod connect;

fn main() -> Result<(), Box<dyn Error>> {
    let (client, _sandbox) = connect::connect()?;
    let audience = client.audience().get_audience_by_id("global")?;
    let definition = client
        .job()
        .create_free_text_job_definition(
            "Image Captions",
            "Describe the image in one sentence.",
            [
                "https://assets.rapidata.ai/red_car.jpg",
                "https://assets.rapidata.ai/blue_boat.jpg",
            ],
        )
        .responses_per_datapoint(5)
        .settings([Setting::free_text_min_characters(10)])
        .send()?;
    let results = connect::run_job(&audience, &definition)?;
    for dp in &results
        .free_text()
        .ok_or("not free-text results")?
        .datapoints
    {
        let name = dp.asset.identifier.as_deref().unwrap_or("?");
        println!("{name}:");
        for answer in dp.answers() {
            println!("  - {answer}");
        }
    }
    Ok(())
}
