//! Fixtures for the tests that run against the offline sandbox server.

use std::time::Duration;

use rapidata::Client;
use rapidata_sandbox::Sandbox;

/// A sandbox with quick votes (every 20 ms) and a cost estimate ready after 50 ms.
pub fn quick() -> Sandbox {
    Sandbox::builder()
        .response_interval(Duration::from_millis(20))
        .cost_estimate_delay(Duration::from_millis(50))
        .start()
        .unwrap()
}

/// The bodies of the `method` requests the sandbox saw on `path`, in order.
pub fn bodies(sb: &Sandbox, method: &str, path: &str) -> Vec<serde_json::Value> {
    sb.requests()
        .into_iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .map(|r| r["body"].clone())
        .collect()
}

/// A client of `sb` with its client credentials, isolated from the process environment
/// (credentials stored under `config_dir`).
pub fn client(sb: &Sandbox, config_dir: &std::path::Path) -> Client {
    Client::builder()
        .api_url(sb.url())
        .auth_url(sb.url())
        .client_credentials(sb.client_id(), sb.client_secret())
        .config_dir(config_dir)
        .env_lookup(|_| None)
        .build()
        .unwrap()
}

/// A sandbox ([`quick`]), a client of it (credentials in a scratch folder) and the global
/// audience.
#[allow(dead_code)] // not every test file that includes this module needs it
pub struct Fx {
    pub sb: Sandbox,
    pub client: Client,
    pub global: rapidata::Audience,
    _dir: tempfile::TempDir,
}

/// A new [`Fx`].
#[allow(dead_code)]
pub fn fx() -> Fx {
    let sb = quick();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let global = client.audience().global_audience().unwrap();
    Fx {
        sb,
        client,
        global,
        _dir: dir,
    }
}

// INSTRUCTION, and the eight DATAPOINTS and PROMPTS of the seed guide.
include!("../../examples/custom_audience/seed.rs");

/// The seed guide's eight compare examples, the first image being the truth.
pub fn add_seed_examples(audience: &rapidata::Audience) {
    for (prompt, datapoint) in PROMPTS.iter().zip(DATAPOINTS) {
        audience
            .add_compare_example(INSTRUCTION, datapoint, datapoint[0])
            .context(*prompt)
            .send()
            .unwrap();
    }
}
