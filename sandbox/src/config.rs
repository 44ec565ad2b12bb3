//! How a sandbox is configured (set by `SandboxBuilder`).

use std::time::Duration;

/// Everything the builder configures.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub seed: u64,
    pub labelers: usize,
    pub response_interval: Duration,
    pub qualification_delay: Duration,
    pub cost_estimate_delay: Duration,
    pub latency: Duration,
    pub rate_429: f64,
    pub retry_after_secs: u64,
    pub rate_503: f64,
    pub rate_drop: f64,
    pub token_lifetime: Duration,
    pub client_id: String,
    pub client_secret: String,
    pub balance: f64,
    pub cost_per_response: f64,
}
