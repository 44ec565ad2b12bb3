// How every example gets its client: the real API when `RAPIDATA_CLIENT_ID` and
// `RAPIDATA_CLIENT_SECRET` are set, else an offline sandbox started in this process.
// Included with `#[path = "../common/connect.rs"] mod connect;`.

use rapidata::Client;
use rapidata_sandbox::Sandbox;

fn has_credentials() -> bool {
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty());
    set("RAPIDATA_CLIENT_ID") && set("RAPIDATA_CLIENT_SECRET")
}

/// The client, and the sandbox it talks to when there are no credentials (keep it alive:
/// it stops when dropped).
pub fn connect() -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    if has_credentials() {
        let client = Client::new()?;
        println!(
            "Using the Rapidata API at {} (credentials from RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET).",
            client.api_url()
        );
        return Ok((client, None));
    }
    let (client, sandbox) = sandbox_client()?;
    println!(
        "No RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET set: running against the offline sandbox at {}.",
        sandbox.url()
    );
    Ok((client, Some(sandbox)))
}

/// A new offline sandbox and a client talking to it, whatever credentials are set.
pub fn sandbox_client() -> Result<(Client, Sandbox), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start()?;
    let client = Client::builder()
        .api_url(sandbox.url())
        .auth_url(sandbox.url())
        .app_url(sandbox.url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()?;
    Ok((client, sandbox))
}

/// Assigns `definition` to `audience`, shows the progress until the job is done and
/// prints the results' table.
pub fn run_job(
    audience: &rapidata::Audience,
    definition: &rapidata::job::JobDefinition,
) -> Result<rapidata::job::JobResults, Box<dyn std::error::Error>> {
    let job = audience.assign_job(definition)?;
    for warning in job.warnings() {
        println!("warning: {warning}");
    }
    println!("Job {} assigned; follow it at {}", job.id(), job.view_url());
    job.display_progress_bar()?;
    let results = job.get_results()?;
    println!("{results}");
    Ok(results)
}
