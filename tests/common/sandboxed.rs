//! Helpers of the tests that run whole workflows against an in-process sandbox
//! (`#[path = "common/sandboxed.rs"] mod sandboxed;`).

use std::time::Duration;

use rapidata::job::WaitOptions;
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

/// A custom audience `name` (3 qualification tasks) with three classification examples
/// (cat, dog, bird), recruiting.
pub fn animal_audience(client: &Client, name: &str) -> Audience {
    let audience = client
        .audience()
        .create_audience(name)
        .min_tasks(3)
        .create()
        .unwrap();
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
