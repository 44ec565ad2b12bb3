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
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rapidata::Client;
use rapidata_sandbox::Stats;

#[path = "upload/inputs.rs"]
mod inputs;
#[path = "upload/report.rs"]
mod report;
#[path = "upload/resources.rs"]
mod resources;
#[path = "upload/server.rs"]
mod server;

use inputs::datapoints;
pub use report::render;
use resources::{peak_rss_kib, reset_peak_rss, usage};
#[allow(unused_imports)] // the smoke test serves no sandbox of its own
pub use server::serve_sandbox;
use server::Server;

/// The sandbox's own default.
const DEFAULT_RESPONSE_INTERVAL: Duration = Duration::from_millis(200);

const INSTRUCTION: &str = "Which image follows the prompt more accurately?";

/// What the datapoints are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Distinct local `.jpg` files of `file_size_kib` each, uploaded with `POST /asset/file`.
    Files,
    /// Distinct `https://` URLs, uploaded through the batch endpoint.
    Urls,
    /// Texts, sent inline (no upload).
    Text,
}

impl Input {
    fn name(self) -> &'static str {
        match self {
            Input::Files => "files",
            Input::Urls => "urls",
            Input::Text => "text",
        }
    }

    fn parse(s: &str) -> Result<Input, String> {
        match s.trim() {
            "files" | "file" => Ok(Input::Files),
            "urls" | "url" => Ok(Input::Urls),
            "text" | "texts" => Ok(Input::Text),
            other => Err(format!(
                "unknown input {other:?} (expected files, urls, text)"
            )),
        }
    }
}

/// Where the sandbox runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxMode {
    /// On threads of this process (CPU and memory figures include the server).
    InProcess,
    /// This benchmark's binary again, with `--serve-sandbox`.
    OwnBinary,
    /// The `rapidata-sandbox` binary at this path.
    Binary(PathBuf),
}

/// The benchmark's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Datapoints per definition; each N is measured.
    pub ns: Vec<usize>,
    /// Latency the sandbox adds to every request.
    pub latency: Duration,
    /// The client's `max_workers`; each count is measured.
    pub workers: Vec<usize>,
    /// Size of each generated file.
    pub file_size_kib: usize,
    /// Which inputs to measure, in order.
    pub inputs: Vec<Input>,
    /// Where the sandbox runs.
    pub sandbox: SandboxMode,
    /// The sandbox's simulated speed; its batch uploads finish half of it after creation.
    pub response_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ns: vec![100, 1000, 10_000],
            latency: Duration::from_millis(25),
            workers: vec![rapidata::DEFAULT_MAX_WORKERS],
            file_size_kib: 200,
            inputs: vec![Input::Files, Input::Urls, Input::Text],
            sandbox: SandboxMode::OwnBinary,
            response_interval: DEFAULT_RESPONSE_INTERVAL,
        }
    }
}

pub const USAGE: &str = "\
cargo bench --bench upload -- [--n N[,N...]] [--latency-ms L] [--workers C[,C...]]
                              [--file-size-kib K] [--inputs files,urls,text]
                              [--response-interval-ms MS] [--in-process | --sandbox-bin PATH]
defaults: N = 100,1000,10000, L = 25 ms, C = the library's default max_workers (25),
K = 200, all three inputs, the sandbox in a separate process (this binary with
--serve-sandbox); --concurrency is another name for --workers";

impl Config {
    /// Parses the benchmark's flags (`--flag value` or `--flag=value`). `--bench`, which
    /// `cargo bench` passes, is ignored.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let mut config = Config::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            let number = |v: String| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("invalid value {v:?} for {flag}"))
            };
            let list = |v: String| {
                v.split(',')
                    .map(|x| number(x.to_owned()).map(|n| n as usize))
                    .collect::<Result<Vec<usize>, String>>()
            };
            match flag.as_str() {
                "--bench" => {}
                "--n" => {
                    config.ns = list(value()?)?;
                }
                "--latency-ms" => config.latency = Duration::from_millis(number(value()?)?),
                "--response-interval-ms" => {
                    config.response_interval = Duration::from_millis(number(value()?)?)
                }
                "--workers" | "--concurrency" => {
                    config.workers = list(value()?)?;
                }
                "--file-size-kib" => config.file_size_kib = number(value()?)? as usize,
                "--inputs" => {
                    config.inputs = value()?
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(Input::parse)
                        .collect::<Result<_, _>>()?
                }
                "--in-process" => config.sandbox = SandboxMode::InProcess,
                "--sandbox-bin" => config.sandbox = SandboxMode::Binary(value()?.into()),
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
            }
        }
        let zero = |v: &[usize]| v.is_empty() || v.contains(&0);
        if zero(&config.ns) || zero(&config.workers) || config.inputs.is_empty() {
            return Err(format!(
                "--n, --workers and --inputs must not be zero or empty\n{USAGE}"
            ));
        }
        Ok(config)
    }
}

// ---------------------------------------------------------------------------------------
// Measuring

/// One input's figures.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub input: Input,
    /// Datapoints.
    pub n: usize,
    /// The client's `max_workers`.
    pub workers: usize,
    pub wall: Duration,
    /// Requests by route made during the measured part.
    pub routes: BTreeMap<String, u64>,
    pub requests: u64,
    /// `requests × L / workers`.
    pub bound: Duration,
    /// The least wall time the requests' dependencies allow (see [`Measurement::floor`]).
    pub floor: Duration,
    /// Client CPU (user + system) during the measured part.
    pub cpu: Duration,
    /// The system part of `cpu`.
    pub cpu_sys: Duration,
    /// The sandbox process's CPU time during the measured part (`None` in-process).
    pub server_cpu: Option<Duration>,
    /// Peak resident memory during the measured part (KiB), and whether it is the peak of
    /// that part alone (`true`) or of the whole process so far.
    pub peak_rss_kib: Option<(u64, bool)>,
    /// The client's heap at its peak during the measured part, above what it held when the
    /// clock started (the definition builder with the caller's items); `None` without the
    /// counting allocator.
    pub heap_peak_bytes: Option<u64>,
    pub file_bytes: u64,
}

impl Measurement {
    /// wall / bound (`None` without latency).
    pub fn ratio(&self) -> Option<f64> {
        (!self.bound.is_zero()).then(|| self.wall.as_secs_f64() / self.bound.as_secs_f64())
    }

    /// floor / bound: above 1, even a perfect schedule misses the bound.
    pub fn floor_ratio(&self) -> Option<f64> {
        (!self.bound.is_zero()).then(|| self.floor.as_secs_f64() / self.bound.as_secs_f64())
    }

    /// Heap bytes per datapoint at the peak.
    pub fn heap_per_datapoint(&self) -> Option<f64> {
        self.heap_peak_bytes.map(|b| b as f64 / self.n as f64)
    }

    /// The least wall time any schedule of these requests could take with `workers`
    /// requests in flight, each taking L:
    ///
    /// * the work: `(requests − 1) × L / workers`, plus L for `POST /job/definition`,
    ///   which must wait for every datapoint and so runs alone;
    /// * the chain: a lead before the first datapoint can be sent — L for the dataset
    ///   (texts and files; files upload in parallel with it), and for URLs the batch's
    ///   creation (L, the sandbox handles a request after its latency), its processing time
    ///   `P` on the server, a status poll that sees it done and the result request (L
    ///   each, so `P + 2L` from the start) — then `⌈N / workers⌉ × L` of datapoints and
    ///   L for the definition.
    pub fn floor(
        input: Input,
        n: usize,
        workers: usize,
        requests: u64,
        latency: Duration,
        batch_processing: Duration,
    ) -> Duration {
        let l = latency;
        let work = l.mul_f64(requests.saturating_sub(1) as f64 / workers as f64) + l;
        let lead = match input {
            Input::Urls => batch_processing + 2 * l,
            Input::Files | Input::Text => l,
        };
        let chain = lead + l * n.div_ceil(workers) as u32 + l;
        work.max(chain)
    }

    /// CPU time as a share of the wall time.
    pub fn cpu_share(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct Report {
    pub sandbox: String,
    pub measurements: Vec<Measurement>,
}

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
        .create()
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
