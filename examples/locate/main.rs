//! A locate job on an audience trained with locate examples: labelers tap the glitches in
//! generated images.
//!
//! ```text
//! cargo run --example locate
//! ```
//!
//! Against the real API (credentials in `RAPIDATA_CLIENT_ID` / `RAPIDATA_CLIENT_SECRET`)
//! it spends money; without them it runs against the offline sandbox.

use std::error::Error;

use rapidata::audience::BoundingBox;
use rapidata::Setting;

#[path = "../common/connect.rs"]
mod connect;

const INSTRUCTION: &str = "Tap on any visual glitch in the image.";

fn main() -> Result<(), Box<dyn Error>> {
    let (client, _sandbox) = connect::connect()?;
    let audience = client
        .audience()
        .create_audience("Glitch Finders")
        .min_tasks(3)
        .send()?;
    // Boxes are ratios of the image size (0–1): where a right tap lands.
    let examples = [
        (
            "https://assets.rapidata.ai/glitch_1.jpg",
            BoundingBox::new(0.1, 0.2, 0.3, 0.5),
        ),
        (
            "https://assets.rapidata.ai/glitch_2.jpg",
            BoundingBox::new(0.5, 0.5, 0.75, 1.0),
        ),
        (
            "https://assets.rapidata.ai/glitch_3.jpg",
            BoundingBox::new(0.0, 0.0, 0.25, 0.25),
        ),
    ];
    for (image, truth) in examples {
        audience
            .add_locate_example(INSTRUCTION, image, [truth])
            .explanation("The glitch is inside the marked region.")
            .send()?;
    }
    audience.start_recruiting()?;
    let definition = client
        .job()
        .create_locate_job_definition(
            "Glitch Detection",
            INSTRUCTION,
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(10)
        .settings([Setting::locate_max_points(3)])
        .send()?;
    connect::run_job(&audience, &definition)?;
    Ok(())
}
