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
    workflow(&client)?;
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

/// The guide's three steps, from a new audience to the job's results.
fn workflow(client: &rapidata::Client) -> Result<rapidata::job::JobResults, Box<dyn Error>> {
    // Step 1: a new, empty audience. The live API only starts recruiting once an
    // audience has `min_tasks` qualification examples (10 by default); the guide adds
    // eight, so the audience asks for eight.
    let audience = client
        .audience()
        .create_audience("Custom Prompt Alignment Audience")
        .min_tasks(PROMPTS.len() as u32)
        .send()?;
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
        .send()?;
    definition.preview();

    connect::run_job(&audience, &definition)
}

#[cfg(test)]
mod tests {
    /// The requests the workflow takes, route by route: one for each step the guide asks
    /// for, plus the listings that make a rerun find what the last run created, and
    /// four polls of a job that the sandbox finishes in about two seconds.
    #[test]
    fn the_guide_workflow_takes_at_most_45_requests() {
        // Always the sandbox, whatever credentials the environment holds.
        let (client, sandbox) = super::connect::sandbox_client().unwrap();
        let results = super::workflow(&client).unwrap();
        assert_eq!(results.compare().unwrap().datapoints.len(), 1);
        let routes = sandbox.stats().routes;
        let n = |route: &str| routes.get(route).copied().unwrap_or(0);
        let total: u64 = routes.values().sum();
        assert!(total <= 45, "{total} requests: {routes:#?}");
        assert_eq!(n("POST /audience/{audienceId}/example"), 8, "{routes:#?}");
        assert_eq!(
            n("POST /asset/url"),
            16,
            "one per distinct image: {routes:#?}"
        );
        assert_eq!(n("POST /job/definition"), 1);
        assert_eq!(n("POST /job"), 1);
        assert_eq!(n("GET /job/{jobId}/download-results"), 1);
        // `get_results` after the progress bar downloads at once: no second wait.
        assert!(n("GET /job/{jobId}") <= 4, "{routes:#?}");
        assert!(n("GET /job/{jobId}/progress") <= 5, "{routes:#?}");
    }
}
