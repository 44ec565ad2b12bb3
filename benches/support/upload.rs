//! The upload benchmark, shared by `benches/upload.rs` (`cargo bench --bench upload`) and
//! its smoke test `tests/bench_smoke.rs` (the same code path with N = 20 and no latency).
//!
//! For each input kind — local image files, URLs (batch endpoint), texts — each N and each
//! worker count, it creates one compare job definition with N datapoints against a sandbox
//! that adds a latency L to every request, and measures: wall time, requests by route (the
//! sandbox's own counters, diffed around the measured part), the latency bound
//! `requests × L / workers`, the floor the requests' dependencies allow (see
//! [`Measurement::floor`]), client CPU time (getrusage), the client's peak resident memory,
//! and its heap growth per datapoint (a counting allocator, `heap.rs`, which the binary
//! including this file installs).
//!
//! The sandbox runs as a separate process by default — this benchmark's own binary started
//! again with `--serve-sandbox` (same flags and `listening on …` line as the
//! `rapidata-sandbox` binary), or the `rapidata-sandbox` binary itself with
//! `--sandbox-bin PATH` — so that getrusage and the peak RSS of this process are the
//! client's alone. `--in-process` runs it on threads of this process instead (then CPU and
//! memory include the server; the report says so).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use rapidata::Client;
use rapidata_sandbox::Stats;

#[path = "upload/config.rs"]
mod config;
#[path = "upload/inputs.rs"]
mod inputs;
#[path = "upload/measurement.rs"]
mod measurement;
#[path = "upload/report.rs"]
mod report;
#[path = "upload/resources.rs"]
mod resources;
#[path = "upload/server.rs"]
mod server;

#[allow(unused_imports)] // named by the smoke test, not by the benchmark's main
pub use config::SandboxMode;
pub use config::{Config, Input};
use inputs::datapoints;
pub use measurement::{Measurement, Report};
pub use report::render;
use resources::{peak_rss_kib, reset_peak_rss, usage};
#[allow(unused_imports)] // the smoke test serves no sandbox of its own
pub use server::serve_sandbox;
use server::Server;

const INSTRUCTION: &str = "Which image follows the prompt more accurately?";

fn route_diff(before: &Stats, after: &Stats) -> BTreeMap<String, u64> {
    after
        .routes
        .iter()
        .filter_map(|(route, &n)| {
            let d = n - before.routes.get(route).copied().unwrap_or(0);
            (d > 0).then(|| (route.clone(), d))
        })
        .collect()
}

fn measure(
    server: &Server,
    config: &Config,
    (input, n, workers): (Input, usize, usize),
    scratch: &Path,
) -> Result<Measurement, String> {
    // Everything but the definition's creation happens before the clock starts: the
    // files, the client, and its access token (so the token request is not measured).
    let dir = scratch.join(input.name());
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let items = datapoints(input, n, config.file_size_kib * 1024, &dir)?;
    let file_bytes = if input == Input::Files {
        (2 * n * config.file_size_kib * 1024) as u64
    } else {
        0
    };
    let (id, secret) = server.credentials();
    let config_dir = scratch.join("config");
    let client = Client::builder()
        .api_url(server.url())
        .auth_url(server.url())
        .client_credentials(id, secret)
        .config_dir(&config_dir)
        .env_lookup(|_| None)
        .max_workers(workers)
        .build()
        .map_err(|e| e.to_string())?;
    client.get_token().map_err(|e| e.to_string())?;
    let name = format!("Upload benchmark ({})", input.name());
    let builder = client
        .job()
        .create_compare_job_definition(name, INSTRUCTION, items);
    let before = server.stats()?;
    let hwm_reset = reset_peak_rss();
    let heap_start = crate::heap::reset_peak();
    let start_server_cpu = server.cpu();
    let start_usage = usage();
    let started = Instant::now();

    let definition = builder
        .send()
        .map_err(|e| format!("{}: creating the definition failed: {e}", input.name()))?;

    let wall = started.elapsed();
    let end_usage = usage();
    let heap_peak_bytes =
        crate::heap::installed().then(|| crate::heap::peak().saturating_sub(heap_start) as u64);
    let server_cpu = match (start_server_cpu, server.cpu()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    let peak_rss_kib = match (hwm_reset, peak_rss_kib()) {
        (true, Some(kib)) => Some((kib, true)),
        _ => Some((end_usage.max_rss_kib, false)),
    };
    let after = server.stats()?;

    // Datapoints keep their order whatever the completion order: exactly 0..N.
    let dataset = definition
        .dataset_id()
        .ok_or_else(|| format!("{}: the definition has no dataset id", input.name()))?;
    let ds = after
        .datasets
        .get(dataset)
        .ok_or_else(|| format!("{}: the sandbox has no dataset {dataset}", input.name()))?;
    let mut sort_indexes = ds.sort_indexes.clone();
    sort_indexes.sort_unstable();
    let expected: Vec<i64> = (0..n as i64).collect();
    if sort_indexes != expected || ds.datapoints != n {
        return Err(format!(
            "{}: the dataset's sortIndexes are not exactly 0..{n} ({} datapoints, first {:?})",
            input.name(),
            ds.datapoints,
            &sort_indexes[..sort_indexes.len().min(10)]
        ));
    }

    let routes = route_diff(&before, &after);
    let requests = routes.values().sum::<u64>();
    let bound = config.latency.mul_f64(requests as f64 / workers as f64);
    let floor = Measurement::floor(
        input,
        n,
        workers,
        requests,
        config.latency,
        config.response_interval / 2,
    );
    // The files are not needed any more; free the disk before the next input.
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Measurement {
        input,
        n,
        workers,
        wall,
        routes,
        requests,
        bound,
        floor,
        cpu: (end_usage.user + end_usage.sys).saturating_sub(start_usage.user + start_usage.sys),
        cpu_sys: end_usage.sys.saturating_sub(start_usage.sys),
        server_cpu,
        peak_rss_kib,
        heap_peak_bytes,
        file_bytes,
    })
}

/// Runs every configured input against one sandbox.
pub fn run(config: &Config) -> Result<Report, String> {
    let server = Server::start(&config.sandbox, config.latency, config.response_interval)?;
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut measurements = Vec::new();
    for &workers in &config.workers {
        for &n in &config.ns {
            for &input in &config.inputs {
                measurements.push(measure(
                    &server,
                    config,
                    (input, n, workers),
                    scratch.path(),
                )?);
            }
        }
    }
    Ok(Report {
        sandbox: server.description(),
        measurements,
    })
}
