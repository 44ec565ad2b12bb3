//! A timestamp job: labelers mark the moment of each video that matches the instruction.
//! (The official SDK has this kind only as a private, unfinished method.)
//!
//! ```text
//! cargo run --example timestamp
//! ```
//!
//! There are no timestamp qualification examples: this example uses the ready-to-go
//! global audience. Against the real API (credentials in `RAPIDATA_CLIENT_ID` /
//! `RAPIDATA_CLIENT_SECRET`) it spends money; without them it runs against the offline
//! sandbox.

use std::error::Error;

#[path = "../common/connect.rs"]
mod connect;

fn main() -> Result<(), Box<dyn Error>> {
    let (client, _sandbox) = connect::connect()?;
    let audience = client.audience().get_audience_by_id("global")?;
    let definition = client
        .job()
        .create_timestamp_job_definition(
            "Goal Moments",
            "Mark the moment the ball crosses the line.",
            [
                "https://assets.rapidata.ai/match_1.mp4",
                "https://assets.rapidata.ai/match_2.mp4",
            ],
        )
        .responses_per_datapoint(10)
        .send()?;
    let results = connect::run_job(&audience, &definition)?;
    for dp in &results
        .timestamp()
        .ok_or("not timestamp results")?
        .datapoints
    {
        if let Some(ms) = dp.median_ms() {
            let name = dp.asset.identifier.as_deref().unwrap_or("?");
            println!("{name}: {:.1} s", ms as f64 / 1000.0);
        }
    }
    Ok(())
}
