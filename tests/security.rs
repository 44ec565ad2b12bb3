//! Security checks: private, atomic files; no secret in any log record of this crate;
//! TLS verification that cannot be switched off, and an explicit custom CA.
//!
//! Finding recorded here (see `ureq_proto_trace_dump_is_the_known_exception`): ureq's
//! protocol crate `ureq_proto` hex-dumps every byte sent and received at `trace` level —
//! `Authorization` headers and token responses included — and offers no switch to stop
//! it. This crate's own records are clean at every level; the exception is documented on
//! `Client` and in the README, and `ClientBuilder::build` warns when such a logger is on.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread::ThreadId;
use std::time::Duration;

use base64::Engine as _;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::error::{ConfigErrorKind, TransportErrorKind};
use rapidata::request::{decode_json, DecodeError, Method, Operation};
use rapidata::{AccessToken, Client, Error};

// ---------------------------------------------------------------------------------------
// A capturing logger for the whole test binary

struct Captured {
    level: log::Level,
    target: String,
    message: String,
    thread: ThreadId,
}

static RECORDS: Mutex<Vec<Captured>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let captured = Captured {
            level: record.level(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
            thread: std::thread::current().id(),
        };
        RECORDS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(captured);
    }

    fn flush(&self) {}
}

static CAPTURE: Capture = Capture;

/// Installs the capturing logger at `trace` for every target (once per process). Every
/// test calls it first, so it is in place before any client exists.
fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_logger(&CAPTURE).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

// ---------------------------------------------------------------------------------------
// 1. Files the client writes

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
#[cfg(unix)]
fn token_files_are_private_and_their_new_folders_too() {
    capture_logs();
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("new/nested/token.json");
    let client = Client::builder()
        .token(AccessToken::new("file-token").with_lifetime(Duration::from_secs(3600)))
        .env_lookup(|_| None)
        .build()
        .unwrap();
    client.write_token_file(&path).unwrap();

    assert_eq!(mode(&path), 0o600, "token file mode");
    assert_eq!(
        mode(&root.path().join("new/nested")),
        0o700,
        "created folder mode"
    );
    assert_eq!(
        mode(&root.path().join("new")),
        0o700,
        "created parent folder mode"
    );
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["token.json"], "a temporary file was left behind");
    let read = AccessToken::read_file(&path).unwrap();
    assert_eq!(read.secret(), "file-token");
    assert!(read.expires_at().is_some());

    // Replacing a file someone made world-readable leaves a private file.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    AccessToken::new("second").write_file(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(AccessToken::read_file(&path).unwrap().secret(), "second");
}

#[test]
#[cfg(unix)]
fn a_symlink_at_the_token_path_is_replaced_not_followed() {
    capture_logs();
    let root = tempfile::tempdir().unwrap();
    let victim = root.path().join("victim.txt");
    std::fs::write(&victim, "do not touch").unwrap();
    let path = root.path().join("token.json");
    std::os::unix::fs::symlink(&victim, &path).unwrap();

    AccessToken::new("t").write_file(&path).unwrap();

    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch");
    assert!(!std::fs::symlink_metadata(&path)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn concurrent_readers_never_see_a_partial_token_file() {
    capture_logs();
    let root = tempfile::tempdir().unwrap();
    let path = Arc::new(root.path().join("token.json"));
    // Long enough that a non-atomic write would be caught half-way.
    let token = |i: usize| format!("{i:04}-{}", "x".repeat(4096));
    AccessToken::new(token(0)).write_file(&*path).unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (path, done, reads) = (path.clone(), done.clone(), reads.clone());
        std::thread::spawn(move || {
            let mut last = 0;
            while !done.load(Ordering::SeqCst) {
                let t = AccessToken::read_file(&*path).expect("a complete token file");
                let i: usize = t.secret()[..4].parse().unwrap();
                assert_eq!(t.secret(), token(i), "a torn token");
                assert!(i >= last, "went back from {last} to {i}");
                last = i;
                reads.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    for i in 1..=200 {
        AccessToken::new(token(i)).write_file(&*path).unwrap();
    }
    // Let the reader see the last version at least once.
    while reads.load(Ordering::SeqCst) < 10 {
        std::thread::yield_now();
    }
    done.store(true, Ordering::SeqCst);
    reader.join().expect("the reader saw a partial file");
    assert_eq!(AccessToken::read_file(&*path).unwrap().secret(), token(200));
    let left: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["token.json"], "temporary files were left behind");
}

// ---------------------------------------------------------------------------------------
// 2. No secret in the logs

const CLIENT_ID: &str = "log-test-client";
const CLIENT_SECRET: &str = "S3cr3t-Cl13nt-Value-7f9a";
const TOKEN_1: &str = "tok1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const TOKEN_2: &str = "tok2-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

fn basic_credentials() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
}

/// Every form a secret could take in a log line: as is, and hex in both cases.
fn forms(secret: &str) -> Vec<String> {
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    vec![secret.to_owned(), hex.to_uppercase(), hex]
}

fn secret_forms() -> Vec<String> {
    [CLIENT_SECRET, TOKEN_1, TOKEN_2, &basic_credentials()]
        .iter()
        .flat_map(|s| forms(s))
        .collect()
}

/// `GET <path>`, any JSON answer.
struct Get(&'static str);

impl Operation for Get {
    type Output = serde_json::Value;
    const ID: &'static str = "get";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/{path}";
    fn path(&self) -> String {
        self.0.to_owned()
    }
    fn decode(bytes: &[u8]) -> Result<Self::Output, DecodeError> {
        decode_json(bytes)
    }
}

fn json_response(status: u16, body: &str) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .build()
}

/// Token fetch, an API call, a 401 answered by a new token, a retried 503, an API error,
/// a rejected token request (whose answer echoes the secret) and an unreachable server.
/// Returns the thread it ran on.
fn run_logged_scenario() -> ThreadId {
    let server = MockServer::start();
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    server.mock(move |when, then| {
        when.method(POST).path("/connect/token");
        then.respond_with(move |req: &HttpMockRequest| {
            let auth = req.headers().get("authorization").cloned();
            let expected = format!("Basic {}", basic_credentials());
            if auth.as_ref().and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
                return json_response(401, r#"{"error":"invalid_client"}"#);
            }
            let token = if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                TOKEN_1
            } else {
                TOKEN_2
            };
            json_response(
                200,
                &format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":3600}}"#),
            )
        });
    });
    server.mock(|when, then| {
        when.method(POST).path("/echo/connect/token");
        // Echoes the secret, as a careless server might.
        then.status(401).body(format!(
            r#"{{"error":"invalid_client","error_description":"secret {CLIENT_SECRET} is wrong"}}"#
        ));
    });
    server.mock(|when, then| {
        when.method(GET).path("/guarded");
        then.respond_with(|req: &HttpMockRequest| {
            let auth = req.headers().get("authorization").cloned();
            if auth.and_then(|v| v.to_str().ok().map(str::to_owned))
                == Some(format!("Bearer {TOKEN_2}"))
            {
                json_response(200, r#"{"ok":true}"#)
            } else {
                json_response(401, "")
            }
        });
    });
    let flaky_calls = Arc::new(AtomicUsize::new(0));
    let flaky = flaky_calls.clone();
    server.mock(move |when, then| {
        when.method(GET).path("/flaky");
        then.respond_with(move |_req: &HttpMockRequest| {
            if flaky.fetch_add(1, Ordering::SeqCst) == 0 {
                HttpMockResponse::builder()
                    .status(503)
                    .header("retry-after", "0")
                    .build()
            } else {
                json_response(200, "{}")
            }
        });
    });
    server.mock(|when, then| {
        when.method(GET).path("/broken");
        then.status(400).header("x-trace-id", "trace-1").body(
            r#"{"title":"One or more validation errors occurred.","errors":{"Name":["bad"]}}"#,
        );
    });

    let builder = || {
        Client::builder()
            .api_url(server.base_url())
            .auth_url(server.base_url())
            .env_lookup(|_| None)
            .backoff_base(Duration::from_millis(1))
            .max_attempts(3)
    };
    let client = builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();

    assert_eq!(client.get_token().unwrap().secret(), TOKEN_1);
    // Rejected with 401, refreshed, then accepted.
    assert_eq!(
        client.send(&Get("/guarded")).unwrap(),
        serde_json::json!({"ok": true})
    );
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    client.send(&Get("/flaky")).unwrap();
    assert_eq!(flaky_calls.load(Ordering::SeqCst), 2);
    let err = client.send(&Get("/broken")).unwrap_err();
    assert_eq!(err.status(), Some(400));

    // A token endpoint that echoes the secret back: the error text must not carry it.
    let echo = builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .auth_url(server.url("/echo"))
        .build()
        .unwrap();
    let err = echo.get_token().unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    for form in secret_forms() {
        assert!(!err.to_string().contains(&form), "error text leaks: {err}");
        assert!(!format!("{err:?}").contains(&form), "error Debug leaks");
    }

    // Nothing listens on the port of a server that was stopped.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let unreachable = Client::builder()
        .api_url(format!("http://127.0.0.1:{closed}"))
        .auth_url(format!("http://127.0.0.1:{closed}"))
        .token(TOKEN_1)
        .env_lookup(|_| None)
        .backoff_base(Duration::from_millis(1))
        .max_attempts(2)
        .build()
        .unwrap();
    let err = unreachable.send(&Get("/x")).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    for form in secret_forms() {
        assert!(!format!("{client:?}").contains(&form), "client Debug leaks");
    }
    std::thread::current().id()
}

/// Reassembles the bytes `ureq_proto` dumped on `thread` from its hex rows
/// (`"4745 5420 ... GET /..."`: 16 bytes per row, `--` for padding).
fn wire_dump(records: &[Captured], thread: ThreadId) -> Vec<u8> {
    let mut bytes = Vec::new();
    for r in records {
        if r.thread != thread || !r.target.starts_with("ureq_proto") {
            continue;
        }
        let hex: String = r.message.chars().take(40).filter(|c| *c != ' ').collect();
        if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            continue;
        }
        for pair in hex.as_bytes().chunks(2) {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16) {
                bytes.push(b);
            }
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn ureq_proto_trace_dump_is_the_known_exception() {
    capture_logs();
    let thread = run_logged_scenario();
    let records = RECORDS.lock().unwrap_or_else(|e| e.into_inner());
    assert!(
        records.iter().any(|r| r.level == log::Level::Trace),
        "trace records were not captured"
    );
    assert!(
        records.iter().any(|r| r.level == log::Level::Warn
            && r.target.starts_with("rapidata")
            && r.message.contains("retrying")),
        "the retry was not logged"
    );

    // Our records, and every other crate's except ureq_proto, at every level: clean. The
    // mock server's own records (`httpmock`, the receiving end, which logs whole requests)
    // are not the client's.
    let forms = secret_forms();
    let mut leaks = Vec::new();
    for r in records.iter() {
        if r.target.starts_with("ureq_proto") || r.target.starts_with("httpmock") {
            continue;
        }
        for form in &forms {
            if r.message.contains(form.as_str()) || r.target.contains(form.as_str()) {
                leaks.push(format!("[{} {}] {}", r.level, r.target, r.message));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "secrets in log records:\n{}",
        leaks.join("\n")
    );

    // ureq_proto: the raw bytes, reassembled, hold the credentials and tokens. If this
    // starts failing because ureq stopped dumping them, drop the caveat from the docs.
    let dump = wire_dump(&records, thread);
    assert!(!dump.is_empty(), "no ureq_proto wire dump at trace level");
    for secret in [
        format!("Basic {}", basic_credentials()),
        format!("Bearer {TOKEN_1}"),
        format!("Bearer {TOKEN_2}"),
        // The token endpoint's answer.
        format!(r#""access_token":"{TOKEN_1}""#),
    ] {
        assert!(
            contains(&dump, &secret),
            "{secret} not in the ureq_proto dump"
        );
    }
    // And the client says so when such a logger is installed.
    assert!(
        records.iter().any(|r| r.level == log::Level::Warn
            && r.target.starts_with("rapidata")
            && r.message.contains("ureq_proto")),
        "no warning about ureq_proto trace logging"
    );
}

#[test]
fn debug_output_hides_secrets() {
    capture_logs();
    let builder = Client::builder()
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .env_lookup(|_| None);
    let shown = format!("{builder:?}");
    assert!(shown.contains(CLIENT_ID));
    let client = builder.build().unwrap();
    let token = AccessToken::new(TOKEN_1);
    for form in secret_forms() {
        assert!(!shown.contains(&form));
        assert!(!format!("{client:?}").contains(&form));
        assert!(!format!("{token:?} {token}").contains(&form));
        assert!(!client.credential_source().to_string().contains(&form));
    }
}

/// A server that echoes the request's `Authorization` header in its error body (as some
/// proxies and debug endpoints do): neither the API error nor the token error may show it.
#[test]
fn echoed_authorization_headers_do_not_reach_error_texts() {
    capture_logs();
    let server = MockServer::start();
    let echo = |req: &HttpMockRequest| {
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (
            auth.clone(),
            format!(r#"{{"title":"bad header {auth}","detail":"got {auth}"}}"#),
        )
    };
    server.mock(move |when, then| {
        when.method(GET).path("/plain");
        then.respond_with(move |req: &HttpMockRequest| {
            let (auth, _) = echo(req);
            HttpMockResponse::builder()
                .status(400)
                .header("content-type", "text/plain")
                .body(format!("rejected header: Authorization: {auth}"))
                .build()
        });
    });
    server.mock(move |when, then| {
        when.method(GET).path("/problem");
        then.respond_with(move |req: &HttpMockRequest| json_response(400, &echo(req).1));
    });
    server.mock(move |when, then| {
        when.method(POST).path("/connect/token");
        then.respond_with(move |req: &HttpMockRequest| {
            let (auth, _) = echo(req);
            json_response(
                401,
                &format!(r#"{{"error":"invalid_client","error_description":"bad {auth}"}}"#),
            )
        });
    });
    let client = Client::builder()
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .token(TOKEN_1)
        .env_lookup(|_| None)
        .build()
        .unwrap();
    for path in ["/plain", "/problem"] {
        let err = client.send(&Get(path)).unwrap_err();
        assert_eq!(err.status(), Some(400));
        let body = err.as_api().unwrap().body().to_owned();
        for form in secret_forms() {
            assert!(
                !err.to_string().contains(&form),
                "{path}: error text leaks: {err}"
            );
            assert!(
                !format!("{err:?}").contains(&form),
                "{path}: error Debug leaks"
            );
            assert!(!body.contains(&form), "{path}: ApiError::body leaks");
        }
    }
    let cc = Client::builder()
        .auth_url(server.base_url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .env_lookup(|_| None)
        .build()
        .unwrap();
    let err = cc.get_token().unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    for form in secret_forms() {
        assert!(
            !err.to_string().contains(&form),
            "token error text leaks: {err}"
        );
        assert!(
            !format!("{err:?}").contains(&form),
            "token error Debug leaks"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 3. TLS

/// A test CA (EC P-256, valid 2020–2120) and a `localhost`/`127.0.0.1` certificate it
/// signed, with that certificate's key. Made with `openssl ca`; test material only.
const TEST_CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBcDCCARagAwIBAgICEAAwCgYIKoZIzj0EAwIwHjEcMBoGA1UEAwwTcmFwaWRh
dGEtcnMgdGVzdCBDQTAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAwMDAwMFow
HjEcMBoGA1UEAwwTcmFwaWRhdGEtcnMgdGVzdCBDQTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABFGt3WLnn3xewVte7lNv/GIeNU1K0+nlOaC4yGn1ar3Xi6jkHp9A
OC2JlzSmM9WXK4/upu5snvGdrExd5aU5uAKjQjBAMA8GA1UdEwEB/wQFMAMBAf8w
DgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBRGH591a7+/AeFcRntA837ptt+HkDAK
BggqhkjOPQQDAgNIADBFAiALqhBs7qXtQ4R/G+NuNoYg4q2X6Slm2e1NM1oSoei/
iwIhALpE4DpGMHv97SGfvyMezgtO8TSc+5Xd5Geg+dI5vLk2
-----END CERTIFICATE-----
";

const LOCALHOST_CERT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBtzCCAV2gAwIBAgICEAEwCgYIKoZIzj0EAwIwHjEcMBoGA1UEAwwTcmFwaWRh
dGEtcnMgdGVzdCBDQTAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAwMDAwMFow
FDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
A7Q9zX5kLalurHIVwkmajRiCN7NR5YKcuQqpvgSrL8u4Jrl2708Qorn5oAKE6mYJ
DwyCKhn4ltyk+VWB8Qi/2qOBkjCBjzAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQE
AwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAaBgNVHREEEzARgglsb2NhbGhvc3SH
BH8AAAEwHwYDVR0jBBgwFoAURh+fdWu/vwHhXEZ7QPN+6bbfh5AwHQYDVR0OBBYE
FKiVFZfesQNmOb5RmFwN2Dr188U9MAoGCCqGSM49BAMCA0gAMEUCIQC85npJ+APJ
6PVqLASvRjU2s2qKM08nc+qxwpLJCgA8mgIgL0NgyYvgyF+yH+Ph6gRBTEZVlDmk
svGJOC7z4m042Uk=
-----END CERTIFICATE-----
";

const LOCALHOST_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/dxc7IsiLn2Ec/oB
ed9sStqU7lPBf6v26iH8jYAdTbGhRANCAAQDtD3NfmQtqW6schXCSZqNGII3s1Hl
gpy5Cqm+BKsvy7gmuXbvTxCiufmgAoTqZgkPDIIqGfiW3KT5VYHxCL/a
-----END PRIVATE KEY-----
";

/// An HTTPS server on 127.0.0.1 presenting the `localhost` certificate; answers every
/// request `{}` and closes. Serves `connections` connections, then stops.
fn tls_server(connections: usize) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(LOCALHOST_CERT_PEM.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(LOCALHOST_KEY_PEM.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            let complete = loop {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
                if head.windows(4).any(|w| w == b"\r\n\r\n") {
                    break true;
                }
            };
            if complete {
                // Echo a request body (read in full, as its Content-Length says); `{}`
                // for none.
                let end = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let length = String::from_utf8_lossy(&head[..end])
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let mut body = head[end..].to_vec();
                while body.len() < length {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => body.extend_from_slice(&buf[..n]),
                    }
                }
                if body.is_empty() {
                    body = b"{}".to_vec();
                }
                let mut response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                response.extend_from_slice(&body);
                let _ = tls.write_all(&response);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    port
}

fn https_client(port: u16, root: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .api_url(format!("https://localhost:{port}"))
        .auth_url(format!("https://localhost:{port}"))
        .token("tls-test-token")
        .env_lookup(|_| None)
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .backoff_base(Duration::from_millis(1));
    if let Some(pem) = root {
        builder = builder.add_root_certificate_pem(pem);
    }
    builder.build().unwrap()
}

#[test]
fn certificates_are_verified_and_a_custom_ca_is_trusted_only_when_given() {
    capture_logs();
    let port = tls_server(10);

    // The default trust store (Mozilla roots) refuses the private CA: verification is on.
    let err = https_client(port, None).send(&Get("/x")).unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Tls, "{err}");
    assert!(
        err.to_string().contains("add_root_certificate_pem"),
        "{err}"
    );
    assert!(
        !t.is_retryable(),
        "a certificate failure must not be retried"
    );
    assert_eq!(t.attempts(), 1, "a certificate failure must not be retried");
    assert!(!t.request_sent());

    // Trusting a different CA (the server's own leaf is no CA) does not help either.
    let err = https_client(port, Some(LOCALHOST_CERT_PEM))
        .send(&Get("/x"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );

    // With the CA given explicitly, the same server is accepted.
    let ok = https_client(port, Some(TEST_CA_PEM))
        .send(&Get("/x"))
        .unwrap();
    assert_eq!(ok, serde_json::json!({}));

    // Bodies go through TLS intact, small ones (held back and sent with their header) and
    // ones larger than a TLS record.
    let client = https_client(port, Some(TEST_CA_PEM));
    for size in [10, 20_000, 70_000] {
        let body = serde_json::json!({ "text": "x".repeat(size) });
        let echoed = client.send(&Post("/echo", body.clone())).unwrap();
        assert_eq!(echoed, body, "a body of {size} characters");
    }
}

/// A POST of a JSON body.
struct Post(&'static str, serde_json::Value);

impl Operation for Post {
    type Output = serde_json::Value;
    const ID: &'static str = "post";
    const METHOD: Method = Method::Post;
    const PATH_TEMPLATE: &'static str = "/{path}";
    fn path(&self) -> String {
        self.0.to_owned()
    }
    fn body(&self) -> rapidata::request::RequestBody {
        rapidata::request::RequestBody::Json(serde_json::to_vec(&self.1).unwrap())
    }
    fn decode(bytes: &[u8]) -> Result<Self::Output, DecodeError> {
        decode_json(bytes)
    }
}

#[test]
fn root_certificates_are_checked_at_build() {
    capture_logs();
    let der_of_hello = base64::engine::general_purpose::STANDARD.encode("hello");
    let not_der =
        format!("-----BEGIN CERTIFICATE-----\n{der_of_hello}\n-----END CERTIFICATE-----\n");
    let bad: BTreeMap<&str, String> = BTreeMap::from([
        ("empty", String::new()),
        ("not PEM", "certificate, trust me".to_owned()),
        (
            "bad base64",
            "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n".to_owned(),
        ),
        ("only a private key", LOCALHOST_KEY_PEM.to_owned()),
        ("not DER", not_der),
        ("cut off", TEST_CA_PEM[..TEST_CA_PEM.len() / 2].to_owned()),
    ]);
    for (what, pem) in &bad {
        let err = Client::builder()
            .token("t")
            .env_lookup(|_| None)
            .add_root_certificate_pem(TEST_CA_PEM)
            .add_root_certificate_pem(pem)
            .build()
            .unwrap_err();
        let Error::Config(config) = &err else {
            panic!("{what}: expected a Config error, got {err:?}")
        };
        assert!(
            config.kind() == ConfigErrorKind::InvalidSetting
                && config.setting() == Some("add_root_certificate_pem"),
            "{what}: {config:?}"
        );
        assert!(
            err.to_string().contains("add_root_certificate_pem"),
            "{what}: {err}"
        );
    }

    // A CA, a bundle with a certificate and its key, and bytes all build.
    for pem in [
        TEST_CA_PEM.to_owned(),
        format!("{LOCALHOST_CERT_PEM}{LOCALHOST_KEY_PEM}{TEST_CA_PEM}"),
    ] {
        Client::builder()
            .token("t")
            .env_lookup(|_| None)
            .add_root_certificate_pem(pem.as_bytes())
            .build()
            .unwrap();
    }
    let builder = Client::builder().add_root_certificate_pem(TEST_CA_PEM);
    assert!(format!("{builder:?}").contains("root_certificates: 1"));
}
