//! Client core: credentials, token handling, transport, retries, errors.
//!
//! Everything talks to loopback servers only: httpmock where request matchers matter, and a
//! tiny scripted TCP server (`Script`) where a test needs a sequence of answers, a dropped
//! connection or a server that never answers. No test reads or changes the process
//! environment: environment variables are injected with `ClientBuilder::env_lookup`.
//! Most operations here are hand-written test operations (`/thing`), so their mocks are
//! plain httpmock with JSON; the generated operations' mocks use `support::mock`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::mock::MockServerExt;
use base64::Engine as _;
use httpmock::prelude::*;
use rapidata::error::{AuthErrorKind, ConfigErrorKind, TransportErrorKind};
use rapidata::request::{
    decode_bytes, decode_empty, decode_json, encode_json, encode_path_segment, DecodeError,
    FilePart, Method, MultipartPart, Operation, QueryFilter, RequestBody,
};
use rapidata::{
    AccessToken, Client, ClientBuilder, CredentialSource, Error, RetryMode, SendOptions,
};
use serde_json::{json, Value};

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

// ---------------------------------------------------------------------------------------
// A scripted loopback HTTP/1.1 server: one answer per request, chosen by a handler that
// sees the request and how many earlier requests went to the same path.

#[derive(Clone)]
enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request, then close the connection without answering.
    Close,
    /// Read the request and never answer.
    Hang,
}

fn respond(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: Vec::new(),
        body: body.to_owned(),
    }
}

fn respond_with(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_owned(),
    }
}

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

struct Script {
    url: String,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl Script {
    fn start(handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Script {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = log.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, handler) = (log2.clone(), handler.clone());
                thread::spawn(move || serve(stream, &log, &*handler));
            }
        });
        Script { url, log }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path() == path).count()
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Recorded>>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let req = Recorded {
        method,
        target,
        headers,
        body,
    };
    let n = {
        let mut log = log.lock().unwrap();
        let n = log.iter().filter(|r| r.path() == req.path()).count();
        log.push(req.clone());
        n
    };
    let mut stream = stream;
    match handler(&req, n) {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                head.push_str("Content-Type: application/json\r\n");
            }
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            let _ = stream.flush();
            let _ = stream.shutdown(Shutdown::Write);
            // Let the client read everything before the socket goes away.
            let mut sink = [0u8; 64];
            let _ = stream.set_read_timeout(Some(ms(500)));
            let _ = stream.read(&mut sink);
        }
        Reply::Close => {
            let _ = stream.shutdown(Shutdown::Both);
        }
        Reply::Hang => {
            thread::sleep(Duration::from_secs(5));
        }
    }
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

// =======================================================================================
// Credentials

#[test]
fn explicit_token_is_used_without_a_token_request() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.path("/connect/token");
        then.status(500);
    });
    let api = server.mock(|when, then| {
        when.method(GET)
            .path("/thing/1")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(json!({"id": "1"}));
    });
    let client = isolated(&server.base_url())
        .token(TOKEN)
        .client_credentials(CLIENT_ID, SECRET)
        .build()
        .unwrap();
    assert_eq!(client.credential_source(), &CredentialSource::Token);
    assert_eq!(client.send(&GetThing("1")).unwrap(), json!({"id": "1"}));
    api.assert();
    token.assert_calls(0);
}

#[test]
fn credential_sources_follow_the_documented_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let builder_file = dir.path().join("builder-token.json");
    let env_file = dir.path().join("env-token.json");
    AccessToken::new("a").write_file(&builder_file).unwrap();
    AccessToken::new("b").write_file(&env_file).unwrap();
    let config = dir.path().join("config");
    write_credentials_file(
        &config,
        "https://auth.rapidata.ai",
        json!([entry(
            "file-id",
            "file-secret",
            "2026-08-22T08:15:02.000001Z"
        )]),
    );
    let env_file_s = env_file.to_str().unwrap().to_owned();
    let full_env = [
        ("RAPIDATA_TOKEN_FILE", env_file_s.as_str()),
        ("RAPIDATA_CLIENT_ID", "env-id"),
        ("RAPIDATA_CLIENT_SECRET", "env-secret"),
    ];
    let base = |env: &[(&str, &str)]| {
        Client::builder()
            .env_lookup(env_of(env))
            .config_dir(&config)
    };
    let source = |b: ClientBuilder| b.build().unwrap().credential_source().clone();

    // 1. explicit token beats everything
    let all = base(&full_env)
        .token("explicit")
        .token_file(&builder_file)
        .client_credentials("explicit-id", "explicit-secret");
    assert_eq!(source(all), CredentialSource::Token);
    // 2. builder token file beats RAPIDATA_TOKEN_FILE and client credentials
    let b = base(&full_env)
        .token_file(&builder_file)
        .client_credentials("explicit-id", "explicit-secret");
    assert_eq!(source(b), CredentialSource::TokenFile(builder_file.clone()));
    // 3. RAPIDATA_TOKEN_FILE beats client credentials (the official SDK's order)
    let b = base(&full_env).client_credentials("explicit-id", "explicit-secret");
    assert_eq!(
        source(b),
        CredentialSource::TokenFileFromEnv(env_file.clone())
    );
    // 4. explicit client credentials beat the environment variables
    let b = base(&full_env[1..]).client_credentials("explicit-id", "explicit-secret");
    assert_eq!(
        source(b),
        CredentialSource::ClientCredentials {
            client_id: "explicit-id".into()
        }
    );
    // 5. environment variables beat the credentials file
    assert_eq!(
        source(base(&full_env[1..])),
        CredentialSource::Environment {
            client_id: "env-id".into()
        }
    );
    // Empty values count as unset.
    let empty = [
        ("RAPIDATA_TOKEN_FILE", ""),
        ("RAPIDATA_CLIENT_ID", ""),
        ("RAPIDATA_CLIENT_SECRET", ""),
    ];
    // 6. the credentials file comes last
    match source(base(&empty)) {
        CredentialSource::CredentialsFile {
            client_id, path, ..
        } => {
            assert_eq!(client_id, "file-id");
            assert_eq!(path, config.join("credentials.json"));
        }
        other => panic!("unexpected source {other:?}"),
    }
}

#[test]
fn environment_client_credentials_are_exchanged_for_a_token() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header("authorization", basic("env-id", "env-secret"));
        then.status(200).json_body(token_body(TOKEN, 3600));
    });
    let api = server.mock(|when, then| {
        when.path("/thing/1")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(json!({}));
    });
    let client = Client::builder()
        .env_lookup(env_of(&[
            ("RAPIDATA_CLIENT_ID", "env-id"),
            ("RAPIDATA_CLIENT_SECRET", "env-secret"),
        ]))
        .config_dir("/nonexistent/rapidata-tests")
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .build()
        .unwrap();
    client.send(&GetThing("1")).unwrap();
    token.assert_calls(1);
    api.assert_calls(1);
}

#[test]
fn credentials_file_in_the_official_layout_uses_the_latest_last_used() {
    let server = MockServer::start();
    let dir = tempfile::tempdir().unwrap();
    // The key is the auth base URL; a trailing slash on the key does not matter.
    write_credentials_file(
        dir.path(),
        &format!("{}/", server.base_url()),
        json!([
            entry("old-id", "old-secret", "2026-08-20T08:15:02.000001Z"),
            entry("new-id", "new-secret", "2026-08-22T08:15:02.000001+00:00"),
            entry("mid-id", "mid-secret", "2026-08-21T23:59:59Z"),
        ]),
    );
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header("authorization", basic("new-id", "new-secret"));
        then.status(200).json_body(token_body(TOKEN, 3600));
    });
    let api = server.mock(|when, then| {
        when.path("/thing/1");
        then.status(200).json_body(json!({}));
    });
    let client = Client::builder()
        .env_lookup(|_| None)
        .config_dir(dir.path())
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .build()
        .unwrap();
    match client.credential_source() {
        CredentialSource::CredentialsFile {
            client_id,
            display_name,
            ..
        } => {
            assert_eq!(client_id, "new-id");
            assert_eq!(display_name.as_deref(), Some("new-id - Python API Client"));
        }
        other => panic!("unexpected source {other:?}"),
    }
    client.send(&GetThing("1")).unwrap();
    token.assert_calls(1);
    api.assert_calls(1);
    // As in the SDK, the entry used gets a new `last_used`; the others keep theirs.
    let text = std::fs::read_to_string(dir.path().join("credentials.json")).unwrap();
    assert!(!text.contains("2026-08-22T08:15:02.000001+00:00"));
    assert!(text.contains("2026-08-20T08:15:02.000001Z"));
    assert!(text.contains("2026-08-21T23:59:59Z"));
}

/// A file holding the auth URL both with and without a trailing slash (written by
/// different tools): the latest `last_used` across both lists wins, whichever key sorts first.
#[test]
fn credentials_under_both_spellings_of_the_auth_url_are_compared() {
    let dir = tempfile::tempdir().unwrap();
    let auth = "https://auth.example.test";
    for (plain_used, slash_used, expected) in [
        ("2026-08-20T00:00:00Z", "2026-08-22T00:00:00Z", "slash-id"),
        ("2026-08-22T00:00:00Z", "2026-08-20T00:00:00Z", "plain-id"),
    ] {
        let file = json!({
            auth: [entry("plain-id", "plain-secret", plain_used)],
            format!("{auth}/"): [entry("slash-id", "slash-secret", slash_used)],
        });
        std::fs::write(dir.path().join("credentials.json"), file.to_string()).unwrap();
        let client = Client::builder()
            .env_lookup(|_| None)
            .config_dir(dir.path())
            .auth_url(auth)
            .build()
            .unwrap();
        match client.credential_source() {
            CredentialSource::CredentialsFile { client_id, .. } => {
                assert_eq!(
                    client_id, expected,
                    "plain {plain_used}, slash {slash_used}"
                )
            }
            other => panic!("unexpected source {other:?}"),
        }
    }
}

#[test]
fn credentials_file_is_found_under_home() {
    let home = tempfile::tempdir().unwrap();
    write_credentials_file(
        &home.path().join(".config").join("rapidata"),
        "https://auth.rapidata.ai",
        json!([entry("only-id", "only-secret", "not a date")]),
    );
    let home_s = home.path().to_str().unwrap().to_owned();
    let client = Client::builder()
        .env_lookup(env_of(&[("HOME", home_s.as_str())]))
        .build()
        .unwrap();
    match client.credential_source() {
        CredentialSource::CredentialsFile {
            client_id, path, ..
        } => {
            assert_eq!(client_id, "only-id");
            assert!(path.starts_with(home.path()));
        }
        other => panic!("unexpected source {other:?}"),
    }
    // Another environment has no entry in the file.
    let err = Client::builder()
        .env_lookup(env_of(&[("HOME", home_s.as_str())]))
        .environment("rapidata.dev")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("has no entry for https://auth.rapidata.dev"),
        "{err}"
    );
}

#[test]
fn missing_credentials_error_lists_every_source_tried() {
    let home = tempfile::tempdir().unwrap();
    let home_s = home.path().to_str().unwrap().to_owned();
    let err = Client::builder()
        .env_lookup(env_of(&[
            ("HOME", home_s.as_str()),
            ("RAPIDATA_CLIENT_ID", "only-the-id"),
            ("RAPIDATA_CLIENT_SECRET", ""),
        ]))
        .build()
        .unwrap_err();
    let Error::Config(config) = &err else {
        panic!("expected a config error, got {err:?}")
    };
    assert_eq!(
        config.kind(),
        ConfigErrorKind::MissingCredentials,
        "{config:?}"
    );
    let tried = config.tried();
    assert_eq!(tried.len(), 5, "{tried:?}");
    let text = err.to_string();
    for needle in [
        "ClientBuilder::token",
        "RAPIDATA_TOKEN_FILE",
        "ClientBuilder::client_credentials",
        "only RAPIDATA_CLIENT_ID is set",
        "credentials.json: does not exist",
        "Rapidata dashboard (https://app.rapidata.ai",
        "API keys",
        "set RAPIDATA_CLIENT_ID and RAPIDATA_CLIENT_SECRET",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in: {text}");
    }
    assert!(text.contains(&*home_s), "{text}");
    assert!(std::error::Error::source(&err).is_none());
}

#[test]
fn unusable_credentials_and_token_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("credentials.json"), "{not json").unwrap();
    let err = Client::builder()
        .env_lookup(|_| None)
        .config_dir(dir.path())
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.kind() == ConfigErrorKind::InvalidCredentialsFile),
        "{err:?}"
    );

    let missing = dir.path().join("missing-token.json");
    let err = isolated("https://api.example.com")
        .token_file(&missing)
        .build()
        .unwrap_err();
    match &err {
        Error::Io(io) => {
            assert_eq!(io.path(), missing);
            assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
}

// =======================================================================================
// Environment, URLs, settings

#[test]
fn environment_sets_api_auth_and_app_urls() {
    let c = isolated("https://x.example").token(TOKEN).build().unwrap();
    assert_eq!(c.environment(), "rapidata.ai");
    assert_eq!(c.api_url(), "https://x.example");
    assert_eq!(c.app_url(), "https://app.rapidata.ai");

    let c = Client::builder()
        .env_lookup(env_of(&[("RAPIDATA_ENVIRONMENT", "rabbitdata.ch")]))
        .token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(c.environment(), "rabbitdata.ch");
    assert_eq!(c.api_url(), "https://api.rabbitdata.ch");
    assert_eq!(c.auth_url(), "https://auth.rabbitdata.ch");
    assert_eq!(c.app_url(), "https://app.rabbitdata.ch");

    let c = Client::builder()
        .env_lookup(env_of(&[("RAPIDATA_ENVIRONMENT", "rabbitdata.ch")]))
        .environment("rapidata.dev")
        .app_url("https://dashboard.example.com///")
        .api_url("https://api.example.com/v1/")
        .token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(c.environment(), "rapidata.dev");
    assert_eq!(c.api_url(), "https://api.example.com/v1");
    assert_eq!(c.auth_url(), "https://auth.rapidata.dev");
    assert_eq!(c.app_url(), "https://dashboard.example.com");

    let err = Client::builder()
        .env_lookup(|_| None)
        .environment("https://rapidata.ai")
        .token(TOKEN)
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.kind() == ConfigErrorKind::InvalidEnvironment),
        "{err:?}"
    );
}

#[test]
fn plain_http_is_refused_unless_loopback() {
    for (setting, b) in [
        (
            "api_url",
            Client::builder().api_url("http://api.example.com"),
        ),
        (
            "auth_url",
            Client::builder().auth_url("http://auth.example.com/"),
        ),
        ("app_url", Client::builder().app_url("http://10.0.0.1:8080")),
    ] {
        let err = b.env_lookup(|_| None).token(TOKEN).build().unwrap_err();
        match &err {
            Error::Config(c) if c.kind() == ConfigErrorKind::InsecureUrl => {
                assert_eq!(c.setting(), Some(setting))
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("refusing plain-HTTP"), "{err}");
    }
    for ok in [
        "http://localhost:9",
        "http://127.0.0.1:9/",
        "http://127.5.5.5",
        "http://[::1]:9",
    ] {
        let c = isolated(ok).token(TOKEN).build().unwrap();
        assert!(!c.api_url().ends_with('/'));
    }
}

#[test]
fn max_workers_come_from_builder_environment_or_default() {
    let with_env = |env: &[(&str, &str)]| Client::builder().env_lookup(env_of(env)).token(TOKEN);
    assert_eq!(with_env(&[]).build().unwrap().max_workers(), 25);
    assert_eq!(
        with_env(&[("RAPIDATA_maxWorkers", "7")])
            .build()
            .unwrap()
            .max_workers(),
        7
    );
    // The variable name is case-sensitive, like the official SDK's.
    assert_eq!(
        with_env(&[("RAPIDATA_MAXWORKERS", "7")])
            .build()
            .unwrap()
            .max_workers(),
        25
    );
    assert_eq!(
        with_env(&[("RAPIDATA_maxWorkers", "7")])
            .max_workers(3)
            .build()
            .unwrap()
            .max_workers(),
        3
    );
    for bad in [
        with_env(&[("RAPIDATA_maxWorkers", "0")]),
        with_env(&[("RAPIDATA_maxWorkers", "many")]),
        with_env(&[]).max_workers(0),
    ] {
        let err = bad.build().unwrap_err();
        assert!(
            matches!(&err, Error::Config(c) if c.kind() == ConfigErrorKind::InvalidSetting),
            "{err:?}"
        );
    }
}

/// `Duration::MAX` ("as long as it takes") must not overflow the deadline arithmetic.
#[test]
fn huge_timeouts_do_not_panic() {
    let server = Script::start(|_, _| respond(200, "{}"));
    let client = isolated(&server.url)
        .token(TOKEN)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .build()
        .unwrap();
    assert_eq!(client.send(&GetThing("1")).unwrap(), json!({}));
}

#[test]
fn invalid_builder_values_are_rejected() {
    for b in [
        isolated("https://x.example").max_attempts(0),
        isolated("https://x.example").timeout(Duration::ZERO),
        isolated("https://x.example").connect_timeout(Duration::ZERO),
    ] {
        let err = b.token(TOKEN).build().unwrap_err();
        assert!(
            matches!(&err, Error::Config(c) if c.kind() == ConfigErrorKind::InvalidSetting),
            "{err:?}"
        );
    }
    let c = isolated("https://x.example")
        .token(TOKEN)
        .max_attempts(2)
        .backoff_base(ms(7))
        .backoff_max(ms(9))
        .retry_after_cap(ms(11))
        .build()
        .unwrap();
    let p = c.retry_policy();
    assert_eq!(
        (
            p.max_attempts(),
            p.backoff_base(),
            p.backoff_max(),
            p.retry_after_cap()
        ),
        (2, ms(7), ms(9), ms(11))
    );
}

// =======================================================================================
// Tokens

#[test]
fn token_request_sends_the_exact_form_and_basic_auth() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header("authorization", basic(CLIENT_ID, SECRET))
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=UTF-8",
            )
            .header("accept", "application/json")
            .body("grant_type=client_credentials&scope=openid+email+api");
        then.status(200).json_body(token_body(TOKEN, 3600));
    });
    let client = cc_client(&server.base_url()).build().unwrap();
    let t = client.get_token().unwrap();
    token.assert();
    assert_eq!(t.secret(), TOKEN);
    assert_eq!(t.token_type(), "Bearer");
    assert_eq!(t.scope(), Some("openid email api"));
    assert_eq!(t.expires_in(), Some(3600));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = t.expires_at().unwrap();
    assert!(at >= now + 3590 && at <= now + 3610, "{at} vs {now}");
}

#[test]
fn tokens_are_cached_and_refreshed_within_the_leeway() {
    let server = MockServer::start();
    let api = server.mock(|when, then| {
        when.path("/thing/1");
        then.status(200).json_body(json!({}));
    });
    // Valid for an hour: fetched once.
    let long = server.mock(|when, then| {
        when.path("/connect/token")
            .header("authorization", basic("long", "s"));
        then.status(200).json_body(token_body("long-lived", 3600));
    });
    let c = isolated(&server.base_url())
        .client_credentials("long", "s")
        .build()
        .unwrap();
    c.send(&GetThing("1")).unwrap();
    c.send(&GetThing("1")).unwrap();
    long.assert_calls(1);

    // Lives shorter than the 60 s leeway: renewed at half its lifetime, not before every
    // request (it would otherwise count as expired the moment it arrives).
    let short = server.mock(|when, then| {
        when.path("/connect/token")
            .header("authorization", basic("short", "s"));
        then.status(200).json_body(token_body("short-lived", 30));
    });
    let c = isolated(&server.base_url())
        .client_credentials("short", "s")
        .build()
        .unwrap();
    c.send(&GetThing("1")).unwrap();
    c.send(&GetThing("1")).unwrap();
    short.assert_calls(1);

    // The same token with a smaller leeway is reused too.
    let c = isolated(&server.base_url())
        .client_credentials("short", "s")
        .token_leeway(ms(0))
        .build()
        .unwrap();
    c.send(&GetThing("1")).unwrap();
    c.send(&GetThing("1")).unwrap();
    short.assert_calls(2);

    // Already expired when it arrives: fetched before every request.
    let dead = server.mock(|when, then| {
        when.path("/connect/token")
            .header("authorization", basic("dead", "s"));
        then.status(200).json_body(token_body("dead-on-arrival", 0));
    });
    let c = isolated(&server.base_url())
        .client_credentials("dead", "s")
        .build()
        .unwrap();
    c.send(&GetThing("1")).unwrap();
    c.send(&GetThing("1")).unwrap();
    dead.assert_calls(2);
    api.assert_calls(8);
}

#[test]
fn concurrent_first_use_makes_exactly_one_token_request() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200)
            .delay(ms(200))
            .json_body(token_body(TOKEN, 3600));
    });
    let api = server.mock(|when, then| {
        when.path("/thing/1")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(json!({}));
    });
    let client = cc_client(&server.base_url()).build().unwrap();
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                client.send(&GetThing("1")).unwrap();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    token.assert_calls(1);
    api.assert_calls(8);
}

/// A renewal that starts while the token is still valid (inside the leeway) must not make
/// every other request wait for the token endpoint: they go on with the valid token.
#[test]
fn a_slow_renewal_does_not_block_requests_while_the_token_is_still_valid() {
    let server = Script::start(|req, _| match req.path() {
        "/connect/token" => {
            thread::sleep(ms(1500));
            respond(200, &token_body("renewed", 3600).to_string())
        }
        _ => respond(200, "{}"),
    });
    let client = cc_client(&server.url).build().unwrap();
    // Valid for 30 s more, inside the 60 s leeway: due for renewal, still usable.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    client.set_token(AccessToken::new("still-valid").with_expires_at(now + 30));
    let renewing = {
        let client = client.clone();
        thread::spawn(move || client.send(&GetThing("1")).unwrap())
    };
    // Wait until the renewal is under way.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.count("/connect/token") == 0 {
        assert!(Instant::now() < deadline, "no token request");
        thread::sleep(ms(5));
    }
    let started = Instant::now();
    client.send(&GetThing("2")).unwrap();
    let waited = started.elapsed();
    renewing.join().unwrap();
    assert!(
        waited < ms(1000),
        "a request waited {waited:?} for another thread's token renewal"
    );
    let auth_of = |path: &str| {
        server
            .requests()
            .iter()
            .find(|r| r.path() == path)
            .and_then(|r| r.header("authorization").map(str::to_owned))
    };
    assert_eq!(auth_of("/thing/2").as_deref(), Some("Bearer still-valid"));
    assert_eq!(auth_of("/thing/1").as_deref(), Some("Bearer renewed"));
    assert_eq!(server.count("/connect/token"), 1);
    assert_eq!(client.get_token().unwrap().secret(), "renewed");
}

#[test]
fn unauthorized_triggers_one_refresh_and_one_retry() {
    let server = Script::start(|req, n| match req.path() {
        "/connect/token" => token_reply(&["first-token", "second-token"], n),
        _ if req.header("authorization") == Some("Bearer second-token") => {
            respond(200, r#"{"ok":true}"#)
        }
        _ => respond(401, ""),
    });
    let client = cc_client(&server.url).build().unwrap();
    assert_eq!(client.send(&CreateThing).unwrap(), json!({"ok": true}));
    assert_eq!(server.count("/connect/token"), 2);
    assert_eq!(server.count("/thing"), 2);
    assert_eq!(client.get_token().unwrap().secret(), "second-token");

    // A server that keeps refusing: one refresh, one retry, then the 401 is returned.
    let server = Script::start(|req, n| match req.path() {
        "/connect/token" => token_reply(&["a", "b", "c"], n),
        _ => respond(401, ""),
    });
    let client = cc_client(&server.url).build().unwrap();
    let err = client.send(&GetThing("1")).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.count("/connect/token"), 2);
    assert_eq!(server.count("/thing/1"), 2);
    assert!(err.to_string().contains("check the credentials"), "{err}");

    // A fixed token cannot be refreshed: no retry.
    let server = Script::start(|_, _| respond(401, ""));
    let client = isolated(&server.url).token(TOKEN).build().unwrap();
    let err = client.send(&GetThing("1")).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(server.count("/thing/1"), 1);
}

#[test]
fn token_endpoint_errors_are_typed_and_secret_free() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(400).json_body(json!({
            "error": "invalid_client",
            "error_description": format!("client secret {SECRET} is not valid"),
        }));
    });
    let client = cc_client(&server.base_url()).build().unwrap();
    let err = client.send(&GetThing("1")).unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}")
    };
    assert_eq!(auth.kind(), AuthErrorKind::Rejected);
    assert_eq!(auth.oauth_error(), Some("invalid_client"));
    assert_eq!(auth.status(), Some(400));
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("invalid_client"), "{text}");
    assert!(text.contains("create a new API key"), "{text}");
    assert_no_secrets("auth error Display", &text);
    assert_no_secrets("auth error Debug", &format!("{err:?}"));

    // A success answer without a token.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200)
            .json_body(json!({"access_token": 98765432123456789u64}));
    });
    let err = cc_client(&server.base_url())
        .build()
        .unwrap()
        .get_token()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth(a) if a.kind() == AuthErrorKind::InvalidResponse),
        "{err:?}"
    );
    assert_no_secrets("invalid token response", &format!("{err} {err:?}"));
}

#[test]
fn set_token_replaces_the_cached_token() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(token_body("fetched", 3600));
    });
    let api = server.mock(|when, then| {
        when.path("/thing/1")
            .header("authorization", "Bearer replaced");
        then.status(200).json_body(json!({}));
    });
    let client = cc_client(&server.base_url()).build().unwrap();
    client.set_token(AccessToken::new("replaced").with_lifetime(Duration::from_secs(600)));
    client.send(&GetThing("1")).unwrap();
    api.assert_calls(1);
    token.assert_calls(0);
    // An expired replacement is replaced by a fetched one.
    client.set_token(AccessToken::new("replaced").with_expires_at(1));
    assert_eq!(client.get_token().unwrap().secret(), "fetched");
    token.assert_calls(1);
}

#[cfg(unix)]
#[test]
fn write_token_file_is_private_and_usable_by_other_clients() {
    use std::os::unix::fs::PermissionsExt;
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(token_body(TOKEN, 3600));
    });
    let api = server.mock(|when, then| {
        when.path("/thing/1")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).json_body(json!({"id": 1}));
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("shared")
        .join("rapidata")
        .join("token.json");
    let client = cc_client(&server.base_url()).build().unwrap();
    client.write_token_file(&path).unwrap();
    let file_mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(file_mode, 0o600);
    assert_eq!(dir_mode, 0o700);
    let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(written["access_token"], TOKEN);
    assert_eq!(written["token_type"], "Bearer");
    assert_eq!(written["expires_in"], 3600);
    assert!(written["expires_at"].is_u64());
    // No temporary files are left behind.
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );
    // Overwriting works too.
    client.write_token_file(&path).unwrap();

    // A worker using the file (explicitly, then through RAPIDATA_TOKEN_FILE).
    let worker = isolated(&server.base_url())
        .token_file(&path)
        .build()
        .unwrap();
    assert_eq!(worker.send(&GetThing("1")).unwrap(), json!({"id": 1}));
    let path_s = path.to_str().unwrap().to_owned();
    let worker = Client::builder()
        .env_lookup(env_of(&[("RAPIDATA_TOKEN_FILE", path_s.as_str())]))
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .build()
        .unwrap();
    assert_eq!(
        worker.credential_source(),
        &CredentialSource::TokenFileFromEnv(path.clone())
    );
    worker.send(&GetThing("1")).unwrap();
    token.assert_calls(1);
    api.assert_calls(2);
}

#[test]
fn token_files_are_reread_when_the_token_expires() {
    let server = MockServer::start();
    let old = server.mock(|when, then| {
        when.path("/thing/1").header("authorization", "Bearer old");
        then.status(200).json_body(json!({"token": "old"}));
    });
    let new = server.mock(|when, then| {
        when.path("/thing/1").header("authorization", "Bearer new");
        then.status(200).json_body(json!({"token": "new"}));
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");

    // Valid for an hour: not re-read.
    AccessToken::new("old")
        .with_lifetime(Duration::from_secs(3600))
        .write_file(&path)
        .unwrap();
    let client = isolated(&server.base_url())
        .token_file(&path)
        .build()
        .unwrap();
    client.send(&GetThing("1")).unwrap();
    AccessToken::new("new").write_file(&path).unwrap();
    assert_eq!(
        client.send(&GetThing("1")).unwrap(),
        json!({"token": "old"})
    );

    // Without an integer expires_at the file is re-read for every request.
    std::fs::write(&path, r#"{"access_token":"old","token_type":"Bearer"}"#).unwrap();
    let client = isolated(&server.base_url())
        .token_file(&path)
        .build()
        .unwrap();
    assert_eq!(
        client.send(&GetThing("1")).unwrap(),
        json!({"token": "old"})
    );
    std::fs::write(&path, r#"{"access_token":"new","expires_at":1.5e10}"#).unwrap();
    assert_eq!(
        client.send(&GetThing("1")).unwrap(),
        json!({"token": "new"})
    );
    old.assert_calls(3);
    new.assert_calls(1);
}

// =======================================================================================
// Requests and headers

#[test]
fn requests_carry_client_auth_accept_and_content_headers() {
    let server = MockServer::start();
    let x_client = format!("RapidataRustSDK/{}", env!("CARGO_PKG_VERSION"));
    let list = server.mock(|when, then| {
        when.method(GET)
            .path("/things")
            .query_param("page", "1")
            .query_param("page_size", "10")
            .query_param("name[contains]", "a b")
            .header("x-client", x_client.clone())
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("accept", "application/json");
        then.status(200).json_body(json!({"items": []}));
    });
    let create = server.mock(|when, then| {
        when.method(POST)
            .path("/thing")
            .header("x-client", x_client.clone())
            .header("content-type", "application/json")
            .json_body(json!({"name": "pets"}));
        then.status(201).json_body(json!({"id": "t1"}));
    });
    let recruit = server.post_audience_by_audience_id_recruit(|when, then| {
        when.audience_id("a1").and(|w| {
            w.header("x-client", x_client.clone())
                .header_missing("content-type")
                .body("")
        });
        then.ok();
    });
    let download = server.mock(|when, then| {
        when.method(GET)
            .path("/job/j1/download-results")
            .header("accept", "application/octet-stream");
        then.status(200).body([0u8, 1, 2, 255]);
    });
    let put = server.mock(|when, then| {
        when.method(PUT).path("/thing/1");
        then.status(200);
    });
    let client = isolated(&server.base_url()).token(TOKEN).build().unwrap();
    assert_eq!(client.send(&ListThings).unwrap(), json!({"items": []}));
    assert_eq!(client.send(&CreateThing).unwrap(), json!({"id": "t1"}));
    client.send(&Recruit).unwrap();
    assert_eq!(client.send(&Download).unwrap(), vec![0u8, 1, 2, 255]);
    client.send(&PutThing).unwrap();
    for m in [&list, &create, &recruit, &download, &put] {
        m.assert_calls(1);
    }
}

#[test]
fn query_strings_use_the_official_encoding_and_bodiless_posts_send_nothing() {
    let server = script_with_token(|_, _| respond(200, "{}"));
    let client = cc_client(&server.url).build().unwrap();
    client.send(&ListThings).unwrap();
    client.send(&Recruit).unwrap();
    let reqs = server.requests();
    let list = reqs.iter().find(|r| r.path() == "/things").unwrap();
    assert_eq!(
        list.target,
        "/things?page=1&page_size=10&name%5Bcontains%5D=a%20b"
    );
    let recruit = reqs
        .iter()
        .find(|r| r.path() == "/audience/a1/recruit")
        .unwrap();
    assert_eq!(recruit.method, "POST");
    assert!(recruit.body.is_empty());
    assert!(recruit.header("content-type").is_none());
    assert!(recruit.header("transfer-encoding").is_none());
    assert_eq!(recruit.header("content-length"), Some("0"));
    assert!(list.body.is_empty());
    assert!(list.header("content-length").is_none());
    assert!(list.header("transfer-encoding").is_none());
    assert!(list.header("content-type").is_none());
}

#[test]
fn multipart_uploads_stream_the_file_with_its_name_and_type() {
    let server = script_with_token(|_, _| respond(200, r#"{"fileName":"f.png"}"#));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo.png");
    std::fs::write(&file, b"\x89PNG fake image bytes").unwrap();
    let client = cc_client(&server.url).build().unwrap();
    assert_eq!(
        client.send(&Upload(file.clone())).unwrap(),
        json!({"fileName": "f.png"})
    );
    let req = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/asset/file")
        .unwrap();
    let ct = req.header("content-type").unwrap().to_owned();
    let boundary = ct
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("bad content type {ct}"));
    let body = String::from_utf8_lossy(&req.body).into_owned();
    assert!(body.starts_with(&format!("--{boundary}\r\n")), "{body}");
    assert!(
        body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/png"), "{body}");
    assert!(body.contains("PNG fake image bytes"), "{body}");
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");

    // A missing file fails before anything is sent.
    let before = server.count("/asset/file");
    let err = client
        .send(&Upload(dir.path().join("missing.png")))
        .unwrap_err();
    assert!(matches!(&err, Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound));
    assert_eq!(server.count("/asset/file"), before);
}

/// A file whose content does not match its size when sent (here a FIFO, whose size reads
/// as 0 but which delivers bytes) fails with a local I/O error naming it, not with a lost
/// connection that is retried.
#[cfg(unix)]
#[test]
fn a_file_that_changes_while_uploaded_is_a_local_error() {
    let server = script_with_token(|_, _| respond(200, r#"{"fileName":"f.png"}"#));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("growing.png");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    {
        // Feeds every reader that opens the FIFO (a retry would open it again); the thread
        // is left blocked in `open` when the test ends.
        let fifo = fifo.clone();
        thread::spawn(move || loop {
            let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
                return;
            };
            let _ = w.write_all(b"bytes the size did not announce");
        });
    }
    let client = cc_client(&server.url).build().unwrap();
    let err = client.send(&Upload(fifo.clone())).unwrap_err();
    let Error::Io(io) = &err else {
        panic!("expected a local I/O error, got {err:?}")
    };
    assert_eq!(io.path(), fifo.as_path());
    // The cause is the error's source, shown once by a report (`{:?}`), not in `Display`.
    assert!(
        format!("{err:?}").contains("changed while it was being uploaded"),
        "{err:?}"
    );
    assert!(
        !err.to_string()
            .contains("changed while it was being uploaded"),
        "{err}"
    );
    assert!(!err.may_have_been_processed());
    // The body failed before its first byte left (the request head was still held back).
    assert_eq!(server.count("/asset/file"), 0);
}

// =======================================================================================
// Retries

#[test]
fn http_429_is_retried_after_the_retry_after_delay() {
    let server = script_with_token(|_, n| {
        if n == 0 {
            // Asks for 30 s; the cap in `isolated` is 60 ms.
            respond_with(429, &[("Retry-After", "30")], "")
        } else {
            respond(200, r#"{"ok":1}"#)
        }
    });
    let client = cc_client(&server.url).build().unwrap();
    let started = Instant::now();
    assert_eq!(client.send(&CreateThing).unwrap(), json!({"ok": 1}));
    let elapsed = started.elapsed();
    assert_eq!(server.count("/thing"), 2);
    assert!(elapsed >= ms(60), "waited only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
}

#[test]
fn http_503_is_retried_even_for_posts() {
    let server = script_with_token(|_, n| {
        if n < 2 {
            respond(503, "")
        } else {
            respond(201, r#"{"id":"t1"}"#)
        }
    });
    let client = cc_client(&server.url).build().unwrap();
    assert_eq!(client.send(&CreateThing).unwrap(), json!({"id": "t1"}));
    assert_eq!(server.count("/thing"), 3);
}

#[test]
fn posts_are_not_retried_on_502_but_gets_are() {
    let server = script_with_token(|_, _| respond(502, "<html>bad gateway</html>"));
    let client = cc_client(&server.url).build().unwrap();

    let err = client.send(&CreateThing).unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(server.count("/thing"), 1);
    assert!(err.may_have_been_processed());
    assert!(err.is_retryable());
    assert!(
        err.to_string().contains("check before repeating it"),
        "{err}"
    );

    let err = client.send(&GetThing("1")).unwrap_err();
    assert_eq!(server.count("/thing/1"), 4);
    assert_eq!(err.attempts(), 4);
    assert!(!err.may_have_been_processed());
    assert!(err.to_string().contains("Failed after 4 attempts"), "{err}");

    // PUT is idempotent: retried too.
    let _ = client.send(&PutThing).unwrap_err();
    assert_eq!(server.count("/thing/1"), 8);

    // RetryMode::Always for a POST the caller made safe to repeat; Never disables retries.
    let _ = client
        .send_with(
            &CreateThing,
            SendOptions::new()
                .retry_mode(RetryMode::Always)
                .max_attempts(3),
        )
        .unwrap_err();
    assert_eq!(server.count("/thing"), 4);
    let _ = client
        .send_with(
            &GetThing("1"),
            SendOptions::new().retry_mode(RetryMode::Never),
        )
        .unwrap_err();
    assert_eq!(server.count("/thing/1"), 9);
}

#[test]
fn client_errors_and_500_are_not_retried() {
    let server = script_with_token(|req, _| match req.path() {
        "/thing/400" => respond(400, r#"{"title":"bad"}"#),
        "/thing/404" => respond(404, ""),
        _ => respond(500, r#"{"title":"boom"}"#),
    });
    let client = cc_client(&server.url).build().unwrap();
    for (id, status) in [("400", 400), ("404", 404), ("500", 500)] {
        let err = client.send(&GetThing(id)).unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.attempts(), 1);
        assert!(!err.is_retryable());
        assert_eq!(server.count(&format!("/thing/{id}")), 1);
    }
    let err = client.send(&CreateThing).unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.may_have_been_processed());
    assert_eq!(server.count("/thing"), 1);
}

#[test]
fn a_dropped_connection_is_retried_for_gets() {
    // A bare listener: the first connection is accepted and closed, the second answered.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(Mutex::new(0usize));
    let served2 = served.clone();
    thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            if i == 0 {
                drop(stream);
                continue;
            }
            let body = r#"{"second":true}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            *served2.lock().unwrap() += 1;
        }
    });
    let client = isolated(&url).token(TOKEN).build().unwrap();
    assert_eq!(
        client.send(&GetThing("1")).unwrap(),
        json!({"second": true})
    );
    assert_eq!(*served.lock().unwrap(), 1);
}

#[test]
fn a_post_whose_connection_drops_after_sending_is_not_retried() {
    let server = script_with_token(|_, _| Reply::Close);
    let client = cc_client(&server.url).build().unwrap();
    let err = client.send(&CreateThing).unwrap_err();
    assert_eq!(server.count("/thing"), 1);
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(t.request_sent());
    assert!(err.may_have_been_processed());
    assert!(err.is_retryable());
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn posts_are_retried_when_no_connection_could_be_made() {
    // A port nobody listens on: connection refused.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = isolated(&format!("http://127.0.0.1:{port}"))
        .token(TOKEN)
        .max_attempts(3)
        .build()
        .unwrap();
    let err = client.send(&CreateThing).unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Connect);
    assert!(!t.request_sent());
    assert_eq!(err.attempts(), 3);
    assert!(!err.may_have_been_processed());
    assert!(err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("could not connect"), "{text}");
    assert!(text.contains("failed after 3 attempts"), "{text}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = script_with_token(|_, _| Reply::Hang);
    let client = cc_client(&server.url).timeout(ms(300)).build().unwrap();
    let started = Instant::now();
    let err = client.send(&CreateThing).unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= ms(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
    assert!(err.may_have_been_processed());
    assert!(err.is_retryable());
    assert_eq!(server.count("/thing"), 1);
    assert!(err.to_string().contains("timed out"), "{err}");

    // A GET is retried after a timeout.
    let err = client
        .send_with(&GetThing("1"), SendOptions::new().max_attempts(2))
        .unwrap_err();
    assert_eq!(server.count("/thing/1"), 2);
    assert!(!err.may_have_been_processed());
}

// =======================================================================================
// Error mapping

#[test]
fn validation_problem_details_are_mapped() {
    let server = MockServer::start();
    let body = json!({
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": {"Name": ["'Name' must not be empty."], "MaxVotes": ["Must be positive.", "Too small."]},
        "traceId": "00-body0trace-span-01"
    });
    server.mock(|when, then| {
        when.path("/thing");
        then.status(400)
            .header("x-trace-id", "header-trace-id")
            .json_body(body.clone());
    });
    server.mock(|when, then| {
        when.path("/thing/1");
        then.status(400).json_body(body.clone());
    });
    server.mock(|when, then| {
        when.path("/typed");
        then.status(200)
            .json_body(json!({"items": [{"count": 1}, {"count": "x"}]}));
    });
    let client = isolated(&server.base_url()).token(TOKEN).build().unwrap();

    let err = client.send(&CreateThing).unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.trace_id(), Some("header-trace-id"));
    assert!(!err.may_have_been_processed());
    let problem = err.problem().unwrap();
    assert_eq!(
        problem.title.as_deref(),
        Some("One or more validation errors occurred.")
    );
    assert_eq!(problem.status, Some(400));
    assert_eq!(problem.errors["Name"], ["'Name' must not be empty."]);
    assert_eq!(problem.errors["MaxVotes"].len(), 2);
    let api = err.as_api().unwrap();
    assert_eq!(api.operation().id(), "create_thing");
    assert_eq!(api.operation().path(), "/thing");
    assert!(api.body().contains("validation errors"));
    let text = err.to_string();
    for needle in [
        "POST /thing failed with HTTP 400 Bad Request",
        "One or more validation errors occurred.",
        "`Name`: 'Name' must not be empty.",
        "`MaxVotes`: Must be positive. Too small.",
        "Trace id: header-trace-id",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }

    // Without the header, the body's traceId is used.
    let err = client.send(&GetThing("1")).unwrap_err();
    assert_eq!(err.trace_id(), Some("00-body0trace-span-01"));

    // A body that does not fit the output type names operation and JSON path.
    let err = client.send(&GetTyped).unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.decode_error().path, "items[1].count");
    assert_eq!(d.operation().id(), "get_typed");
    // A GET changes nothing; a success status to anything else means it was carried out.
    assert!(!err.may_have_been_processed());
    let text = err.to_string();
    assert!(text.contains("get_typed"), "{text}");
    // The JSON path is the source's; `Display` leaves it to the source, a report shows it once.
    assert!(!text.contains("items[1].count"), "{text}");
    let report = format!("{err:?}");
    assert_eq!(report.matches("items[1].count").count(), 1, "{report}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn invalid_input_errors_are_built_by_other_modules() {
    let err = Error::invalid_input("options", vec!["a"; 3], "needs 2 to 8 unique options");
    assert_eq!(
        err.to_string(),
        r#"invalid `options` (["a", "a", "a"]): needs 2 to 8 unique options"#
    );
    let details = err.as_invalid_input().unwrap();
    assert_eq!(details.argument(), "options");
    assert_eq!(details.reason(), "needs 2 to 8 unique options");
    assert_eq!(err.status(), None);
    assert!(!err.is_retryable());
    let long = Error::invalid_input("text", "x".repeat(10_000), "too long");
    assert!(long.to_string().len() < 400);
}

#[test]
fn secrets_never_appear_in_debug_display_or_logs() {
    init_logger();
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/connect/token");
        then.status(200).json_body(token_body(TOKEN, 3600));
    });
    server.mock(|when, then| {
        when.path("/thing/1");
        then.status(401).header("x-trace-id", "t-401");
    });
    server.mock(|when, then| {
        when.path("/typed");
        then.status(200).json_body(json!({"items": 1}));
    });

    let builder = cc_client(&server.base_url()).token(TOKEN);
    assert_no_secrets("builder Debug", &format!("{builder:?}"));
    let builder = cc_client(&server.base_url());
    assert_no_secrets("builder Debug", &format!("{builder:?} {builder:#?}"));
    let client = builder.build().unwrap();
    let token = client.get_token().unwrap();
    assert_no_secrets("client Debug", &format!("{client:?} {client:#?}"));
    assert_no_secrets("token Debug/Display", &format!("{token:?} {token}"));
    assert_no_secrets("source", &client.credential_source().to_string());

    let mut errors = vec![
        client.send(&GetThing("1")).unwrap_err(),
        client.send(&GetTyped).unwrap_err(),
        Error::invalid_input("x", 1, "bad"),
    ];
    // Transport error.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    errors.push(
        isolated(&format!("http://127.0.0.1:{port}"))
            .token(TOKEN)
            .max_attempts(1)
            .build()
            .unwrap()
            .send(&GetThing("1"))
            .unwrap_err(),
    );
    // Auth error with the secret echoed by the server.
    let bad = MockServer::start();
    bad.mock(|when, then| {
        when.path("/connect/token");
        then.status(401)
            .json_body(json!({"error": "invalid_client", "error_description": SECRET}));
    });
    errors.push(
        cc_client(&bad.base_url())
            .build()
            .unwrap()
            .get_token()
            .unwrap_err(),
    );
    // Config errors: missing credentials, a token file with a numeric token, a broken one.
    errors.push(isolated("https://x.example").build().unwrap_err());
    let numeric = dir.path().join("numeric.json");
    std::fs::write(&numeric, r#"{"access_token": 98765432123456789}"#).unwrap();
    errors.push(
        isolated("https://x.example")
            .token_file(&numeric)
            .build()
            .unwrap_err(),
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"access_token": "tok-FILE-TOKEN-value""#).unwrap();
    errors.push(
        isolated("https://x.example")
            .token_file(&broken)
            .build()
            .unwrap_err(),
    );
    // I/O error.
    errors.push(
        isolated("https://x.example")
            .token_file(dir.path().join("absent.json"))
            .build()
            .unwrap_err(),
    );
    // Insecure URL.
    errors.push(
        Client::builder()
            .api_url("http://example.com")
            .token(TOKEN)
            .build()
            .unwrap_err(),
    );

    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Api(_) => "api",
            Error::Transport(_) => "transport",
            Error::Decode(_) => "decode",
            Error::Auth(_) => "auth",
            Error::Config(_) => "config",
            Error::Io(_) => "io",
            Error::InvalidInput(_) => "invalid_input",
            _ => "other",
        })
        .collect();
    for k in [
        "api",
        "transport",
        "decode",
        "auth",
        "config",
        "io",
        "invalid_input",
    ] {
        assert!(kinds.contains(&k), "no {k} error in {kinds:?}");
    }
    for e in &errors {
        let mut text = format!("{e} {e:?} {e:#?}");
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        assert_no_secrets("error output", &text);
    }
    let logs = LOGS.lock().unwrap().join("\n");
    assert!(logs.contains("GET /thing/1"), "nothing logged: {logs}");
    assert_no_secrets("logs", &logs);
}
