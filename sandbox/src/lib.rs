//! An offline server that speaks the Rapidata HTTP API, with a simulated crowd of labelers.
//!
//! It serves the API paths and the OAuth2 token endpoint (`POST /connect/token`) on one
//! loopback address, so a client pointed at [`Sandbox::url`] runs the whole custom-audience
//! workflow — token, audience, qualification examples, uploads, dataset, job definition, job,
//! progress, results — without a network or an account.
//!
//! ```no_run
//! let sandbox = rapidata_sandbox::Sandbox::start()?;
//! println!("API and auth at {}", sandbox.url());
//! println!("client id {} / secret {}", sandbox.client_id(), sandbox.client_secret());
//! // … run the client against it …
//! let stats = sandbox.stats();
//! println!("{} datasets", stats.datasets.len());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! It speaks one API generation, [`API_GENERATION`] (the date of the `spec/` documents'
//! `info.version`, 2026.10.25): datapoints are segment lists, a `SimpleWorkflow` carries a
//! `rapid` spec bound to literals or segments, and request properties the models do not
//! declare (such as the previous generation's `blueprint`) are refused with a 400 naming them.
//! Recruiting follows the live rule: `POST /audience/{id}/recruit` is refused while the
//! audience has fewer examples than its graduation rule's `minTasks` (default 10), and
//! nothing else starts recruiting.
//!
//! Everything random (the crowd, qualification answers, votes, fault injection, ids, file
//! names) is drawn from the seed and the content of the requests, so the same seed and the
//! same client inputs give the same results. See the crate's README for the simulated rules.
#![warn(missing_docs)]
// A union member without properties is matched as `Member { .. }`, so the match still
// compiles when the API gives it a property.
#![allow(clippy::unneeded_struct_pattern)]

mod api;
mod api_types;
mod app;
mod config;
mod exchange;
mod http;
mod items;
mod journal;
mod kinds;
mod results;
mod rng;
mod routes;
mod sim;
mod stats;
mod store;
mod strict;
mod util;
mod wire;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::config::Config;

pub use crate::stats::{AudienceStats, DatasetStats, FaultStats, JobStats, Stats};

/// The API generation the sandbox speaks: the date part of the `info.version` of the OpenAPI
/// documents it was built from (e.g. `"2026.10.25"`). It appears in the message for an
/// undeclared request property: `'blueprint' is not a property of SimpleWorkflow in API
/// 2026.10.25`.
pub const API_GENERATION: &str = api_types::API_GENERATION;

/// The seed used when none is set.
pub const DEFAULT_SEED: u64 = 42;
/// The client id accepted when none is set.
pub const DEFAULT_CLIENT_ID: &str = "sandbox-client";
/// The client secret accepted when none is set.
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-secret";

/// A running sandbox server. It stops (threads joined, connections closed) when dropped.
pub struct Sandbox {
    server: Option<http::Server>,
    app: Arc<App>,
    url: String,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url)
            .field("seed", &self.app.cfg.seed)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox with the default settings on `127.0.0.1` and a free port.
    pub fn start() -> io::Result<Sandbox> {
        SandboxBuilder::default().start()
    }

    /// A builder for a sandbox with other settings.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL, `http://127.0.0.1:PORT`: API paths are served at its root and the token
    /// endpoint at `/connect/token`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.server.as_ref().expect("running").addr()
    }

    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.app.cfg.client_id
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> &str {
        &self.app.cfg.client_secret
    }

    /// The seed of this sandbox.
    pub fn seed(&self) -> u64 {
        self.app.cfg.seed
    }

    /// Every API request so far, in arrival order: the same document as
    /// `GET /_sandbox/requests`. Each entry is
    /// `{"method", "path", "query", "status", "body", "response"}`:
    ///
    /// * `path` is the raw (still percent-encoded) path, `query` the raw query string (`""`
    ///   when there is none);
    /// * `status` is what the client got: a faulted request shows its 429 or 503, a dropped
    ///   connection `0` (also when it was dropped after being carried out);
    /// * `body` and `response` are the parsed JSON when the body is JSON (result files
    ///   included), `null` when it is empty, the text otherwise; a multipart body is
    ///   `{"multipart": [{"name", "filename", "content_type", "size"}]}`; the body of
    ///   `POST /connect/token` is always `null` (credentials are not recorded), and the
    ///   `clientSecret` answered by `POST /client` reads `"***"`.
    ///
    /// `/_sandbox/*` requests are not journaled, nor are requests still being handled.
    /// Memory is bounded: the journal keeps the latest 100,000 requests, and a body larger
    /// than 1 MiB is recorded as `{"omitted": true, "size": n}`.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.app.requests()
    }

    /// Blocks a job, as the live API does when one of its rapids is flagged (the control
    /// behind `POST /_sandbox/jobs/{jobId}/block`): from now on `GET /job/{jobId}` reports
    /// state `Blocked` with `reason` (or a default text) as its `failureMessage`, its
    /// progress stops (progress state `Paused`) and it gets no more responses; resume does
    /// not unblock it. Returns `false` when there is no such job or it already completed,
    /// failed or was blocked.
    pub fn block_job(&self, job_id: &str, reason: Option<&str>) -> bool {
        self.app.block_job(job_id, reason).is_ok()
    }

    /// Simulates `annotators` people opening a link of an unlisted audience: the audience's
    /// link (`…/label/{ula_id}`) makes them annotators of all
    /// its jobs, a job link (`…/label/{ula_id}/job/{jobId}`) of that job only. Only people
    /// who came through a link ever answer an unlisted audience's jobs; the sandbox stands
    /// them in with labelers of its pool not there yet. Returns `false` when the link is
    /// not one of an existing unlisted audience (or of a job assigned to it).
    pub fn open_link(&self, link: &str, annotators: usize) -> bool {
        self.app.open_link(link, annotators)
    }

    /// The current counters (the same document as `GET /_sandbox/stats`).
    pub fn stats(&self) -> Stats {
        let now = std::time::Instant::now();
        let mut st = self.app.lock();
        st.advance(&self.app.cfg, &self.app.pool, now);
        self.app.stats_of(&st)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Stops the accept thread and the workers, closes open connections.
        self.server.take();
    }
}

/// Settings of a [`Sandbox`]; finish with [`SandboxBuilder::start`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    addr: Result<Vec<SocketAddr>, String>,
    seed: u64,
    labelers: usize,
    response_interval: Duration,
    qualification_delay: Option<Duration>,
    cost_estimate_delay: Duration,
    latency: Duration,
    rate_429: f64,
    retry_after_secs: u64,
    rate_503: f64,
    rate_drop: f64,
    token_lifetime: Duration,
    client_id: String,
    client_secret: String,
    threads: usize,
    balance: f64,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            addr: Ok(vec![SocketAddr::from(([127, 0, 0, 1], 0))]),
            seed: DEFAULT_SEED,
            labelers: 300,
            response_interval: Duration::from_millis(200),
            qualification_delay: None,
            cost_estimate_delay: Duration::from_secs(1),
            latency: Duration::ZERO,
            rate_429: 0.0,
            retry_after_secs: 1,
            rate_503: 0.0,
            rate_drop: 0.0,
            token_lifetime: Duration::from_secs(3600),
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            threads: 64,
            balance: 1000.0,
        }
    }
}

impl SandboxBuilder {
    /// The address to bind (default `127.0.0.1:0`, a free port). Accepts a `SocketAddr` or a
    /// string such as `"127.0.0.1:8080"`. Keep it on loopback.
    pub fn addr(mut self, addr: impl ToSocketAddrs) -> Self {
        self.addr = addr
            .to_socket_addrs()
            .map(Iterator::collect)
            .map_err(|e| e.to_string());
        self
    }

    /// The seed of every random draw (default [`DEFAULT_SEED`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Size of the simulated crowd (default 300).
    pub fn labelers(mut self, n: usize) -> Self {
        self.labelers = n;
        self
    }

    /// Simulated speed: every running job gives each unfinished datapoint one vote per
    /// interval (default 200 ms, so a 10-vote job finishes about 2.5 s after it is created).
    /// Also sets the pace of the other simulated delays unless they are set explicitly: a job
    /// starts one interval after creation, batch uploads finish after half an interval, and
    /// qualification takes two intervals.
    pub fn response_interval(mut self, interval: Duration) -> Self {
        self.response_interval = interval;
        self
    }

    /// How long a custom audience's qualification takes once recruiting started and it has an
    /// example (default: two response intervals).
    pub fn qualification_delay(mut self, delay: Duration) -> Self {
        self.qualification_delay = Some(delay);
        self
    }

    /// How long the cost-estimate endpoints answer 409 after a definition or job is created
    /// (default 1 s).
    pub fn cost_estimate_delay(mut self, delay: Duration) -> Self {
        self.cost_estimate_delay = delay;
        self
    }

    /// Added to every request except `/_sandbox/*` (default 0).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Share of requests answered `429 Too Many Requests` (default 0).
    pub fn rate_429(mut self, rate: f64) -> Self {
        self.rate_429 = rate;
        self
    }

    /// The `Retry-After` seconds sent with a 429 (default 1).
    pub fn retry_after_secs(mut self, secs: u64) -> Self {
        self.retry_after_secs = secs;
        self
    }

    /// Share of requests answered `503 Service Unavailable` (default 0).
    pub fn rate_503(mut self, rate: f64) -> Self {
        self.rate_503 = rate;
        self
    }

    /// Share of requests whose connection is closed without an answer (default 0). Half of
    /// them (by a deterministic draw) are dropped before the request is carried out (the
    /// request is lost), the other half after (the answer is lost although the request
    /// took effect), so clients must reconcile instead of blindly sending again.
    pub fn rate_drop(mut self, rate: f64) -> Self {
        self.rate_drop = rate;
        self
    }

    /// Lifetime of issued access tokens (default 3600 s).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The client id and secret the token endpoint accepts (default
    /// `sandbox-client` / `sandbox-secret`).
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    /// Worker threads handling requests (default 64, enough for 25 concurrent uploads with
    /// latency). Connections are read and written by their own threads.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }

    /// The account balance: `POST /job` returns a `costWarning` when the job's estimated cost
    /// exceeds it (default 1000.0; responses cost 0.05 each).
    pub fn balance(mut self, balance: f64) -> Self {
        self.balance = balance;
        self
    }

    /// Binds the address and starts serving.
    pub fn start(self) -> io::Result<Sandbox> {
        let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
        let addrs = self.addr.map_err(invalid)?;
        for (name, rate) in [
            ("rate_429", self.rate_429),
            ("rate_503", self.rate_503),
            ("rate_drop", self.rate_drop),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(invalid(format!(
                    "{name} must be between 0 and 1, got {rate}"
                )));
            }
        }
        if self.rate_429 + self.rate_503 + self.rate_drop > 1.0 {
            return Err(invalid("the fault rates add up to more than 1".into()));
        }
        let cfg = Config {
            seed: self.seed,
            labelers: self.labelers,
            response_interval: self.response_interval,
            qualification_delay: self
                .qualification_delay
                .unwrap_or(self.response_interval * 2),
            cost_estimate_delay: self.cost_estimate_delay,
            latency: self.latency,
            rate_429: self.rate_429,
            retry_after_secs: self.retry_after_secs,
            rate_503: self.rate_503,
            rate_drop: self.rate_drop,
            token_lifetime: self.token_lifetime,
            client_id: self.client_id,
            client_secret: self.client_secret,
            balance: self.balance,
            cost_per_response: 0.05,
        };
        let app = Arc::new(App::new(cfg));
        let handler_app = Arc::clone(&app);
        let handler: http::Handler = Arc::new(move |req| handler_app.handle(req));
        let server = http::Server::start(&addrs[..], self.threads, handler)?;
        let addr = server.addr();
        let host = match addr {
            SocketAddr::V4(a) if a.ip().is_unspecified() => "127.0.0.1".to_string(),
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) if a.ip().is_unspecified() => "[::1]".to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        Ok(Sandbox {
            server: Some(server),
            app,
            url: format!("http://{host}:{}", addr.port()),
        })
    }
}
