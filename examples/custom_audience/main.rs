//! The custom-audience workflow, end to end: create an audience, teach it with eight
//! qualification examples, start recruiting, define a compare job, preview it, assign it,
//! watch its progress and print the results.
//!
//! ```text
//! cargo run --example custom_audience
//! ```
//!
//! With `RAPIDATA_CLIENT_ID` and `RAPIDATA_CLIENT_SECRET` set it talks to the real API
//! (and spends money). Without them it starts the offline sandbox in this process and runs
//! everything against it: no account, no network.

use std::error::Error;

// The seed guide's instruction, image pairs and prompts (shared with the tests).
include!("seed.rs");

#[path = "../common/connect.rs"]
mod connect;

fn main() -> Result<(), Box<dyn Error>> {
    // Keep the sandbox alive (it stops when dropped) for as long as the client is used.
    let (client, sandbox) = connect::connect()?;

    // Step 1: a new, empty audience. The live API only starts recruiting once an
    // audience has `min_tasks` qualification examples (10 by default); the guide adds
    // eight, so the audience asks for eight.
    let audience = client
        .audience()
        .create_audience("Custom Prompt Alignment Audience")
        .min_tasks(PROMPTS.len() as u32)
        .create()?;
    println!("Created audience {} ({}).", audience.name(), audience.id());

    // Step 2: qualification examples with known answers; the first image is the truth.
    for (prompt, datapoint) in PROMPTS.iter().zip(DATAPOINTS) {
        audience
            .add_compare_example(INSTRUCTION, datapoint, datapoint[0])
            .context(*prompt)
            .send()?;
    }
    println!("Added {} qualification examples.", PROMPTS.len());
    audience.start_recruiting()?;
    println!("Recruiting started.");

    // Step 3: a job definition, previewed, then assigned to the audience.
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
        .create()?;
    definition.preview();

    connect::run_job(&audience, &definition)?;
    if let Some(sandbox) = &sandbox {
        let stats = sandbox.stats();
        let requests: u64 = stats.routes.values().sum();
        println!("The sandbox answered {requests} requests.");
        if std::env::var_os("RAPIDATA_EXAMPLE_ROUTES").is_some() {
            for (route, n) in &stats.routes {
                println!("  {n:>3}  {route}");
            }
        }
    }
    Ok(())
}
