//! Client core: credentials, token handling, transport, retries, errors.
//!
//! Everything talks to loopback servers only: httpmock where request matchers matter, and a
//! tiny scripted TCP server (`Script`) where a test needs a sequence of answers, a dropped
//! connection or a server that never answers. No test reads or changes the process
//! environment: environment variables are injected with `ClientBuilder::env_lookup`.
//! Most operations here are hand-written test operations (`/thing`), so their mocks are
//! plain httpmock with JSON; the generated operations' mocks use `support::mock`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::Duration;

use base64::Engine as _;
use rapidata::request::{
    decode_bytes, decode_empty, decode_json, encode_json, encode_path_segment, DecodeError,
    FilePart, Method, MultipartPart, Operation, QueryFilter, RequestBody,
};
use rapidata::{Client, ClientBuilder};
use serde_json::{json, Value};

mod credentials;
mod errors;
mod requests;
mod retries;
mod settings;
mod tokens;

use crate::support::script::{respond, respond_with, Recorded, Reply, Script};

// ---------------------------------------------------------------------------------------
// Secrets that must never show up in any output.

const SECRET: &str = "s3cr3t-CLIENT-SECRET-value";
const TOKEN: &str = "tok-ACCESS-TOKEN-value";
const CLIENT_ID: &str = "my-client-id";

fn assert_no_secrets(what: &str, text: &str) {
    for s in [SECRET, TOKEN, "tok-FILE-TOKEN-value", "98765432123456789"] {
        assert!(!text.contains(s), "{what} leaks a secret: {text}");
    }
}

// ---------------------------------------------------------------------------------------
// A logger that keeps every record, to check that logs never hold secrets.

struct CaptureLogger;

static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static LOGGER: CaptureLogger = CaptureLogger;
static INIT_LOGGER: Once = Once::new();

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        // Ours and the HTTP library's; the mock server logs what it receives.
        let target = record.target();
        if !(target.starts_with("rapidata") || target.starts_with("ureq")) {
            return;
        }
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        LOGS.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }
    fn flush(&self) {}
}

fn init_logger() {
    INIT_LOGGER.call_once(|| {
        let _ = log::set_logger(&LOGGER);
        // Debug, not trace: at trace level ureq-proto dumps raw HTTP bytes (see the
        // Client docs).
        log::set_max_level(log::LevelFilter::Debug);
    });
}

// ---------------------------------------------------------------------------------------
// Hand-written operations.

struct GetThing(&'static str);

impl Operation for GetThing {
    type Output = Value;
    const ID: &'static str = "get_thing";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/thing/{thingId}";
    fn path(&self) -> String {
        format!("/thing/{}", encode_path_segment(self.0))
    }
    fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
        decode_json(bytes)
    }
}

struct ListThings;

impl Operation for ListThings {
    type Output = Value;
    const ID: &'static str = "list_things";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/things";
    fn path(&self) -> String {
        "/things".to_owned()
    }
    fn query(&self) -> Vec<(String, String)> {
        let mut q = vec![
            ("page".to_owned(), "1".to_owned()),
            ("page_size".to_owned(), "10".to_owned()),
        ];
        QueryFilter::contains("a b").encode("name", &mut q);
        q
    }
    fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
        decode_json(bytes)
    }
}

struct CreateThing;

impl Operation for CreateThing {
    type Output = Value;
    const ID: &'static str = "create_thing";
    const METHOD: Method = Method::Post;
    const PATH_TEMPLATE: &'static str = "/thing";
    fn path(&self) -> String {
        "/thing".to_owned()
    }
    fn body(&self) -> RequestBody {
        encode_json(&json!({"name": "pets"}))
    }
    fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
        decode_json(bytes)
    }
}

struct PutThing;

impl Operation for PutThing {
    type Output = ();
    const ID: &'static str = "put_thing";
    const METHOD: Method = Method::Put;
    const PATH_TEMPLATE: &'static str = "/thing/1";
    fn path(&self) -> String {
        "/thing/1".to_owned()
    }
    fn body(&self) -> RequestBody {
        encode_json(&json!({"name": "pets"}))
    }
    fn decode(bytes: &[u8]) -> Result<(), DecodeError> {
        decode_empty(bytes)
    }
}

/// A bodiless POST (`/audience/{id}/recruit` style).
struct Recruit;

impl Operation for Recruit {
    type Output = ();
    const ID: &'static str = "recruit";
    const METHOD: Method = Method::Post;
    const PATH_TEMPLATE: &'static str = "/audience/{audienceId}/recruit";
    fn path(&self) -> String {
        "/audience/a1/recruit".to_owned()
    }
    fn decode(bytes: &[u8]) -> Result<(), DecodeError> {
        decode_empty(bytes)
    }
}

struct Download;

impl Operation for Download {
    type Output = Vec<u8>;
    const ID: &'static str = "download";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/job/{jobId}/download-results";
    const ACCEPT: &'static str = "application/octet-stream";
    fn path(&self) -> String {
        "/job/j1/download-results".to_owned()
    }
    fn decode(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        decode_bytes(bytes)
    }
}

struct Upload(PathBuf);

impl Operation for Upload {
    type Output = Value;
    const ID: &'static str = "upload";
    const METHOD: Method = Method::Post;
    const PATH_TEMPLATE: &'static str = "/asset/file";
    fn path(&self) -> String {
        "/asset/file".to_owned()
    }
    fn body(&self) -> RequestBody {
        RequestBody::Multipart(vec![MultipartPart {
            name: "file".to_owned(),
            content: FilePart::from_path(&self.0),
        }])
    }
    fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
        decode_json(bytes)
    }
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Typed {
    items: Vec<TypedItem>,
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct TypedItem {
    count: u32,
}

struct GetTyped;

impl Operation for GetTyped {
    type Output = Typed;
    const ID: &'static str = "get_typed";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/typed";
    fn path(&self) -> String {
        "/typed".to_owned()
    }
    fn decode(bytes: &[u8]) -> Result<Typed, DecodeError> {
        decode_json(bytes)
    }
}

// ---------------------------------------------------------------------------------------
// Builders and environments.

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

/// A builder isolated from the process environment and the real home directory, pointed
/// at `url` for both API and auth, with fast retries.
fn isolated(url: &str) -> ClientBuilder {
    Client::builder()
        .env_lookup(|_| None)
        .config_dir("/nonexistent/rapidata-tests")
        .api_url(url)
        .auth_url(url)
        .backoff_base(ms(1))
        .backoff_max(ms(5))
        .retry_after_cap(ms(60))
}

fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

fn token_body(token: &str, expires_in: u64) -> Value {
    json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": "openid email api"})
}

fn write_credentials_file(dir: &Path, key: &str, entries: Value) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("credentials.json");
    let mut map = serde_json::Map::new();
    map.insert(key.to_owned(), entries);
    map.insert(
        "https://auth.other.example".to_owned(),
        json!([{"display_name": "other", "client_id": "other-id", "client_secret": "other-secret",
                "endpoint": "https://auth.other.example", "created_at": "2026-01-01T00:00:00Z",
                "last_used": "2030-01-01T00:00:00Z"}]),
    );
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&Value::Object(map)).unwrap(),
    )
    .unwrap();
    path
}

fn entry(id: &str, secret: &str, last_used: &str) -> Value {
    json!({"display_name": format!("{id} - Python API Client"), "client_id": id,
           "client_secret": secret, "endpoint": "https://auth.rapidata.ai",
           "created_at": "2026-08-21T10:00:00.123456Z", "last_used": last_used})
}

/// Token endpoint answers for `Script` servers: `tokens[n]` for the n-th token request.
fn token_reply(tokens: &'static [&'static str], n: usize) -> Reply {
    let t = tokens[n.min(tokens.len() - 1)];
    respond(200, &token_body(t, 3600).to_string())
}

fn script_with_token(api: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Script {
    Script::start(move |req, n| {
        if req.path() == "/connect/token" {
            token_reply(&[TOKEN], n)
        } else {
            api(req, n)
        }
    })
}

fn cc_client(url: &str) -> ClientBuilder {
    isolated(url).client_credentials(CLIENT_ID, SECRET)
}
