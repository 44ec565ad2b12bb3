//! Helpers of the tests that run whole workflows against an in-process sandbox
//! (`use crate::support::sandboxed;`).

use std::time::Duration;

use rapidata::job::{JobResults, WaitOptions};
use rapidata::{Audience, Client};
use rapidata_sandbox::Sandbox;

/// A sandbox whose labelers answer every 10 ms and qualify within 20 ms.
pub fn sandbox() -> Sandbox {
    Sandbox::builder()
        .response_interval(Duration::from_millis(10))
        .qualification_delay(Duration::from_millis(20))
        .start()
        .unwrap()
}

/// A client of `sb`, isolated from the process environment.
pub fn client(sb: &Sandbox) -> Client {
    Client::builder()
        .api_url(sb.url())
        .auth_url(sb.url())
        .app_url(sb.url())
        .client_credentials(sb.client_id(), sb.client_secret())
        .env_lookup(|_| None)
        .build()
        .unwrap()
}

/// Polls every 20 ms, for at most a minute.
pub fn fast() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
}

/// Assigns `definition` to `audience` and waits (as [`fast`]) for the results.
pub fn results_of(audience: &Audience, definition: &rapidata::JobDefinition) -> JobResults {
    let job = audience.assign_job(definition).unwrap();
    job.get_results_with((), fast()).unwrap()
}

/// A custom audience `name` (3 qualification tasks) with three classification examples
/// (cat, dog, bird), recruiting.
pub fn animal_audience(client: &Client, name: &str) -> Audience {
    let audience = custom_audience(client, name);
    for animal in ["cat", "dog", "bird"] {
        audience
            .add_classification_example(
                "What animal is shown?",
                ["cat", "dog", "bird"],
                format!("https://assets.rapidata.ai/{animal}.jpg"),
                [animal],
            )
            .send()
            .unwrap();
    }
    audience.start_recruiting().unwrap();
    audience
}

/// A custom audience `name` (3 qualification tasks) with three compare examples (the
/// `good_n` image beats `bad_n`), recruiting: what rankings are trained with.
pub fn compare_audience(client: &Client, name: &str) -> Audience {
    let audience = custom_audience(client, name);
    for n in 1..=3 {
        let good = format!("https://assets.rapidata.ai/good_{n}.jpg");
        let bad = format!("https://assets.rapidata.ai/bad_{n}.jpg");
        audience
            .add_compare_example("Which image looks better?", [&good, &bad], &good)
            .send()
            .unwrap();
    }
    audience.start_recruiting().unwrap();
    audience
}

/// A new custom audience `name` that needs 3 qualification tasks.
pub fn custom_audience(client: &Client, name: &str) -> Audience {
    client
        .audience()
        .create_audience(name)
        .min_tasks(3)
        .send()
        .unwrap()
}
