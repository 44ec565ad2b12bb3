//! A draw job on an audience trained with draw examples: labelers colour in the glitches
//! of generated images.
//!
//! ```text
//! cargo run --example draw
//! ```
//!
//! Against the real API (credentials in `RAPIDATA_CLIENT_ID` / `RAPIDATA_CLIENT_SECRET`)
//! it spends money; without them it runs against the offline sandbox.

use std::error::Error;

use rapidata::audience::BoundingBox;

#[path = "../common/connect.rs"]
mod connect;

const INSTRUCTION: &str = "Color in any visual glitch in the image.";

fn main() -> Result<(), Box<dyn Error>> {
    let (client, _sandbox) = connect::connect()?;
    let audience = client
        .audience()
        .create_audience("Glitch Painters")
        .min_tasks(3)
        .send()?;
    // Labelers pass when their lines fall within a box (ratios of the image size, 0–1).
    for (n, truth) in [
        BoundingBox::new(0.1, 0.2, 0.3, 0.5),
        BoundingBox::new(0.5, 0.5, 0.75, 1.0),
        BoundingBox::new(0.0, 0.0, 0.25, 0.25),
    ]
    .into_iter()
    .enumerate()
    {
        audience
            .add_draw_example(
                INSTRUCTION,
                format!("https://assets.rapidata.ai/glitch_{n}.jpg"),
                [truth],
            )
            .send()?;
    }
    audience.start_recruiting()?;
    let definition = client
        .job()
        .create_draw_job_definition(
            "Glitch Drawing",
            INSTRUCTION,
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(10)
        .send()?;
    connect::run_job(&audience, &definition)?;
    Ok(())
}
