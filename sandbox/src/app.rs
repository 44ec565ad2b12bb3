//! Request handling: latency and fault injection, routing, authentication, error bodies,
//! list queries, and the token endpoint.

use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use crate::config::Config;
use crate::exchange::*;
use crate::http::{Outcome, Request, Response};
use crate::journal::{self, Journal};
use crate::rng::{self, Mix};
use crate::routes::*;
use crate::sim::{self, Labeler};
use crate::store::State;
use crate::util::{base64_decode, parse_pairs, percent_decode};
use crate::wire::TokenResponse;

/// The server application: configuration, labeler pool and state.
pub(crate) struct App {
    pub cfg: Config,
    pub pool: Vec<Labeler>,
    state: Mutex<State>,
    journal: Mutex<Journal>,
    traces: AtomicU64,
    /// API requests being handled now, and the most at one moment.
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

/// Counts one API request as in flight until it is dropped.
struct InFlight<'a>(&'a App);

impl<'a> InFlight<'a> {
    fn new(app: &'a App) -> InFlight<'a> {
        let now = app.in_flight.fetch_add(1, AtomicOrdering::SeqCst) + 1;
        app.max_in_flight.fetch_max(now, AtomicOrdering::SeqCst);
        InFlight(app)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, AtomicOrdering::SeqCst);
    }
}

impl App {
    pub fn new(cfg: Config) -> App {
        let pool = sim::labelers(cfg.seed, cfg.labelers);
        let state = Mutex::new(State::new(&cfg));
        App {
            cfg,
            pool,
            state,
            journal: Mutex::new(Journal::default()),
            traces: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn trace_id(&self) -> String {
        let n = self.traces.fetch_add(1, AtomicOrdering::Relaxed);
        rng::hex(Mix::new(self.cfg.seed, "trace").num(n), 32)
    }

    /// Handles one request (the server's worker threads call this).
    pub fn handle(&self, req: Request) -> Outcome {
        let trace = self.trace_id();
        if req.path == "/_sandbox" || req.path.starts_with("/_sandbox/") {
            let response = self.sandbox_route(&req, &trace);
            return Outcome::Respond(response.with_header("x-trace-id", trace));
        }
        let slot = self.journal().reserve();
        let outcome = self.handle_api(&req, &trace);
        let entry = journal::entry(&req, &outcome);
        self.journal().fill(slot, entry);
        outcome
    }

    fn journal(&self) -> MutexGuard<'_, Journal> {
        self.journal
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Blocks a job (a flagged rapid): it reports `Blocked` and gets no more responses.
    pub fn block_job(&self, id: &str, reason: Option<&str>) -> Result<(), BlockError> {
        let now = Instant::now();
        let mut st = self.lock();
        if !st.jobs.contains_key(id) {
            return Err(BlockError::NotFound(format!("Job '{id}' was not found.")));
        }
        st.block_job(&self.cfg, &self.pool, id, reason, now)
            .map_err(BlockError::Finished)
    }

    /// People open a shared link of an unlisted audience (see `store/unlisted.rs`).
    pub fn open_link(&self, link: &str, annotators: usize) -> bool {
        let now = Instant::now();
        let mut st = self.lock();
        st.advance(&self.cfg, &self.pool, now);
        st.open_link(link, annotators, self.pool.len(), now)
    }

    /// The journal's finished entries, in arrival order.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.journal().entries()
    }

    /// The counters of `st`, with the most requests this sandbox handled at once.
    pub(crate) fn stats_of(&self, st: &State) -> crate::stats::Stats {
        crate::stats::Stats {
            max_in_flight: self.max_in_flight.load(AtomicOrdering::SeqCst),
            ..st.stats()
        }
    }

    fn handle_api(&self, req: &Request, trace: &str) -> Outcome {
        // From receipt (the added latency included) to the answer.
        let _in_flight = InFlight::new(self);
        if !self.cfg.latency.is_zero() {
            std::thread::sleep(self.cfg.latency);
        }
        match self.fault(req, trace) {
            Some(Fault::Reply(outcome)) => return outcome,
            Some(Fault::DropAfterProcessing) => {
                // Carry the request out, then lose the answer.
                let _ = self.dispatch(req);
                return Outcome::Drop;
            }
            None => {}
        }
        let response = match self.dispatch(req) {
            Ok(reply) => reply.into_response(),
            Err(e) => e.into_response(trace),
        };
        Outcome::Respond(response.with_header("x-trace-id", trace))
    }

    fn sandbox_route(&self, req: &Request, trace: &str) -> Response {
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/_sandbox/stats") => {
                let now = Instant::now();
                let mut st = self.lock();
                st.advance(&self.cfg, &self.pool, now);
                json_response(200, "application/json; charset=utf-8", &self.stats_of(&st))
            }
            ("GET", "/_sandbox/requests") => {
                json_response(200, "application/json; charset=utf-8", &self.requests())
            }
            ("GET", "/_sandbox/health") => {
                Response::new(200).with_body("text/plain; charset=utf-8", b"ok".to_vec())
            }
            ("POST", path) if block_target(path).is_some() => {
                let id = block_target(path).expect("matched");
                let reason = if req.body.iter().all(u8::is_ascii_whitespace) {
                    None
                } else {
                    match serde_json::from_slice::<serde_json::Value>(&req.body) {
                        Ok(serde_json::Value::Object(o)) => match o.get("reason") {
                            None | Some(serde_json::Value::Null) => None,
                            Some(serde_json::Value::String(r)) => Some(r.clone()),
                            Some(_) => {
                                return ApiError::field("reason", "'reason' must be a string.")
                                    .into_response(trace)
                            }
                        },
                        _ => {
                            return ApiError::field(
                                "$",
                                "The body must be a JSON object such as {\"reason\": \"…\"}.",
                            )
                            .into_response(trace)
                        }
                    }
                };
                match self.block_job(&id, reason.as_deref()) {
                    Ok(()) => Response::new(204),
                    Err(BlockError::NotFound(m)) => ApiError::NotFound(m).into_response(trace),
                    Err(BlockError::Finished(m)) => {
                        ApiError::field("jobId", m).into_response(trace)
                    }
                }
            }
            _ => ApiError::NoRoute.into_response(trace),
        }
    }

    /// Decides (deterministically) whether this request is faulted. The draw is a hash of the
    /// seed, the request (method, path, query, body) and how many identical requests came
    /// before, so a sequential client sees the same faults on every run.
    fn fault(&self, req: &Request, trace: &str) -> Option<Fault> {
        let cfg = &self.cfg;
        if cfg.rate_drop + cfg.rate_429 + cfg.rate_503 <= 0.0 {
            return None;
        }
        let key = Mix::new(0, "request")
            .str(&req.method)
            .str(&req.path)
            .str(&req.query)
            .bytes(&req.body)
            .u64();
        let mut st = self.lock();
        let n = st.fault_seen.entry(key).or_insert(0);
        let seen = *n;
        *n += 1;
        let u = Mix::new(cfg.seed, "fault").num(key).num(seen).unit();
        if u < cfg.rate_drop {
            st.faults.dropped += 1;
            // Half the drops come after the request was carried out.
            if Mix::new(cfg.seed, "drop-after").num(key).num(seen).unit() < 0.5 {
                st.faults.dropped_after_processing += 1;
                Some(Fault::DropAfterProcessing)
            } else {
                Some(Fault::Reply(Outcome::Drop))
            }
        } else if u < cfg.rate_drop + cfg.rate_429 {
            st.faults.too_many_requests += 1;
            Some(Fault::Reply(Outcome::Respond(
                problem(
                    429,
                    "https://tools.ietf.org/html/rfc6585#section-4",
                    "Too Many Requests",
                    Some("Simulated rate limit (sandbox fault injection).".into()),
                    trace,
                )
                .with_header("Retry-After", cfg.retry_after_secs.to_string())
                .with_header("x-trace-id", trace),
            )))
        } else if u < cfg.rate_drop + cfg.rate_429 + cfg.rate_503 {
            st.faults.service_unavailable += 1;
            Some(Fault::Reply(Outcome::Respond(
                problem(
                    503,
                    "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                    "Service Unavailable",
                    Some("Simulated outage (sandbox fault injection).".into()),
                    trace,
                )
                .with_header("x-trace-id", trace),
            )))
        } else {
            None
        }
    }

    fn dispatch(&self, req: &Request) -> Result<Reply, ApiError> {
        let matched = match_route(&req.method, &req.path)?;
        let now = Instant::now();
        let mut st = self.lock();
        *st.routes.entry(matched.key.clone()).or_insert(0) += 1;
        match matched.route {
            Route::Token => return self.token(&mut st, req, now),
            Route::BridgeCreate | Route::BridgeRead | Route::AuthorizeExternal => {
                return self.bridge(matched.route, &mut st, req, now)
            }
            _ => {}
        }
        let token = req
            .header("authorization")
            .and_then(|h| {
                let (scheme, token) = h.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .unwrap_or("");
        if token.is_empty() || !st.token_valid(token, now) {
            return Err(ApiError::Unauthorized);
        }
        if matched.route == Route::CreateClient {
            return self.create_client(&mut st, req);
        }
        if matched.route == Route::UserInfo {
            return json(&serde_json::json!({
                "sub": crate::store::OWNER_ID,
                "email": crate::store::OWNER_MAIL,
                "email_verified": true,
                "name": crate::store::OWNER_NAME,
            }));
        }
        st.advance(&self.cfg, &self.pool, now);
        let ctx = Ctx {
            cfg: &self.cfg,
            pool: &self.pool,
            now,
            req,
            params: matched.params,
            query: Query::parse(&req.query),
        };
        dispatch(matched.route, &mut st, &ctx)
    }

    /// `POST /connect/token` (OAuth2 client credentials; client authentication by HTTP Basic
    /// or by `client_id`/`client_secret` form fields). Wrong credentials → 400
    /// `{"error":"invalid_client"}` (IdentityServer's behaviour).
    fn token(&self, st: &mut State, req: &Request, now: Instant) -> Result<Reply, ApiError> {
        let content_type = req
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(ApiError::OAuth(
                "invalid_request",
                "The token request must be application/x-www-form-urlencoded.".into(),
            ));
        }
        let form = Query(parse_pairs(&String::from_utf8_lossy(&req.body)));
        match form.get("grant_type") {
            Some("client_credentials") => {}
            None => {
                return Err(ApiError::OAuth(
                    "invalid_request",
                    "grant_type is missing.".into(),
                ));
            }
            Some(other) => {
                return Err(ApiError::OAuth(
                    "unsupported_grant_type",
                    format!("Grant type '{other}' is not supported."),
                ));
            }
        }
        let basic = req.header("authorization").and_then(|h| {
            let (scheme, value) = h.trim().split_once(' ')?;
            if !scheme.eq_ignore_ascii_case("basic") {
                return None;
            }
            let decoded = String::from_utf8(base64_decode(value.trim())?).ok()?;
            let (id, secret) = decoded.split_once(':')?;
            Some((id.to_string(), secret.to_string()))
        });
        let (id, secret) = match basic {
            Some(pair) => pair,
            None => (
                form.get("client_id").unwrap_or("").to_string(),
                form.get("client_secret").unwrap_or("").to_string(),
            ),
        };
        let cfg = &self.cfg;
        let clients = &st.clients;
        let matches = |id: &str, secret: &str| {
            (id == cfg.client_id && secret == cfg.client_secret)
                || clients.get(id).is_some_and(|s| s == secret)
        };
        // RFC 6749 §2.3.1 says Basic credentials are form-urlencoded first; accept both.
        if !(matches(&id, &secret)
            || matches(&percent_decode(&id, true), &percent_decode(&secret, true)))
        {
            return Err(ApiError::OAuth(
                "invalid_client",
                "Unknown client or wrong client secret.".into(),
            ));
        }
        const ALLOWED: &[&str] = &["openid", "email", "api", "profile", "offline_access"];
        let scope = form.get("scope").unwrap_or("").trim().to_string();
        let scope = if scope.is_empty() {
            "openid email api".to_string()
        } else {
            if let Some(bad) = scope.split_whitespace().find(|s| !ALLOWED.contains(s)) {
                return Err(ApiError::OAuth(
                    "invalid_scope",
                    format!("Scope '{bad}' is not allowed for this client."),
                ));
            }
            scope.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let token = st.issue_token(cfg, now);
        json(&TokenResponse {
            access_token: token,
            token_type: "Bearer".into(),
            expires_in: cfg.token_lifetime.as_secs(),
            scope,
        })
    }
}

impl App {
    /// The bridge-token login, no authentication:
    ///
    /// * `POST /identity/bridge-token?clientId=…` → `{"readKey", "writeKey"}`;
    /// * `GET /connect/authorize/external?…&writeKey=W` is the simulated browser: visiting it
    ///   approves the login at once (the user "logs in") and answers a small HTML page;
    /// * `GET /identity/bridge-token?readKey=R` → 202 `{"message"}` until approved, then 200
    ///   with a new access token (once: the keys are then used up, and a further read is 404).
    fn bridge(
        &self,
        route: Route,
        st: &mut State,
        req: &Request,
        now: Instant,
    ) -> Result<Reply, ApiError> {
        let query = Query::parse(&req.query);
        match route {
            Route::BridgeCreate => {
                if query.get("clientId").unwrap_or("").is_empty() {
                    return Err(ApiError::Rule {
                        field: "clientId".into(),
                        message: "'Client Id' must not be empty.".into(),
                    });
                }
                let (read_key, _) = st.new_id(&self.cfg);
                let (write_key, _) = st.new_id(&self.cfg);
                st.bridges.insert(
                    read_key.clone(),
                    crate::store::records::BridgeRec {
                        write_key: write_key.clone(),
                        approved: false,
                    },
                );
                json(&serde_json::json!({"readKey": read_key, "writeKey": write_key}))
            }
            Route::AuthorizeExternal => {
                let write_key = query.get("writeKey").unwrap_or("");
                let bridge = st
                    .bridges
                    .values_mut()
                    .find(|b| !write_key.is_empty() && b.write_key == write_key)
                    .ok_or_else(|| ApiError::NotFound("Unknown or used writeKey.".into()))?;
                bridge.approved = true;
                Ok(Reply::Other {
                    status: 200,
                    content_type: "text/html; charset=utf-8",
                    body: b"<!doctype html><title>Rapidata sandbox</title>\
                            <p>Logged in (simulated). You can close this window.</p>\n"
                        .to_vec(),
                })
            }
            Route::BridgeRead => {
                let read_key = query.get("readKey").unwrap_or("").to_string();
                match st.bridges.get(&read_key).map(|b| b.approved) {
                    None => Err(ApiError::NotFound("Unknown or used readKey.".into())),
                    Some(false) => Ok(Reply::Other {
                        status: 202,
                        content_type: "application/json; charset=utf-8",
                        body: br#"{"message":"The login has not been completed yet."}"#.to_vec(),
                    }),
                    Some(true) => {
                        st.bridges.remove(&read_key);
                        let token = st.issue_token(&self.cfg, now);
                        json(&serde_json::json!({
                            "accessToken": token,
                            "expiresIn": self.cfg.token_lifetime.as_secs(),
                            "refreshToken": null,
                            "idToken": null,
                            "tokenType": "Bearer",
                            "scope": "openid profile email api",
                        }))
                    }
                }
            }
            _ => Err(ApiError::NoRoute),
        }
    }

    /// `POST /client` (bearer token): a new client id and secret, which the token endpoint
    /// accepts from then on.
    fn create_client(&self, st: &mut State, req: &Request) -> Result<Reply, ApiError> {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let display_name = body
            .get("displayName")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        if display_name.trim().is_empty() {
            return Err(ApiError::Rule {
                field: "displayName".into(),
                message: "'Display Name' must not be empty.".into(),
            });
        }
        let (id, _) = st.new_id(&self.cfg);
        let (secret, _) = st.new_id(&self.cfg);
        let client_id = format!("sbx-client-{id}");
        let client_secret = format!("sbx-secret-{secret}");
        st.clients.insert(client_id.clone(), client_secret.clone());
        json(&serde_json::json!({
            "clientId": client_id,
            "clientSecret": client_secret,
            "displayName": display_name,
        }))
    }
}

/// Why a job could not be blocked.
#[derive(Debug)]
pub(crate) enum BlockError {
    NotFound(String),
    Finished(String),
}

/// The job id of `/_sandbox/jobs/{jobId}/block`.
fn block_target(path: &str) -> Option<String> {
    let id = path
        .strip_prefix("/_sandbox/jobs/")?
        .strip_suffix("/block")?;
    (!id.is_empty() && !id.contains('/')).then(|| percent_decode(id, false))
}

/// An injected fault.
enum Fault {
    /// Answer this instead of carrying the request out (a 429, a 503, or a dropped
    /// connection: the request is lost).
    Reply(Outcome),
    /// Carry the request out, then close the connection without answering (the answer is
    /// lost).
    DropAfterProcessing,
}
