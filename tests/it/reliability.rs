//! Hostile servers: redirects, a trickling answer, a gzip bomb, a pager with absurd
//! totals, an early 413 on a large upload, and a server that never recovers. Each is a
//! std `TcpListener` thread on 127.0.0.1 that serves one request per connection.
//! Their answers are raw bytes and JSON on purpose (malformed, oversized, absurd), not
//! the typed `support::mock` helpers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rapidata::error::{AuthErrorKind, TransportErrorKind};
use rapidata::request::{decode_json, DecodeError, Method, Operation, RequestBody};
use rapidata::{Client, ClientBuilder, DataItem, Error};
use serde_json::{json, Value};

const TOKEN: &str = "token-1";

/// The head of a request as the server read it.
#[derive(Debug, Clone)]
struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    fn query(&self) -> &str {
        self.target.split_once('?').map(|(_, q)| q).unwrap_or("")
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn content_length(&self) -> usize {
        self.header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

type Handler = dyn Fn(&Head, &mut BufReader<TcpStream>) + Send + Sync;

/// A loopback server: `handler` gets each request's head and the connection (body unread)
/// and answers as it likes. Every head is logged.
struct Hostile {
    url: String,
    log: Arc<Mutex<Vec<Head>>>,
}

impl Hostile {
    fn start(handler: impl Fn(&Head, &mut BufReader<TcpStream>) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Head>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = log.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, handler) = (log2.clone(), handler.clone());
                thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    if let Some(head) = read_head(&mut reader) {
                        log.lock().unwrap().push(head.clone());
                        handler(&head, &mut reader);
                    }
                });
            }
        });
        Hostile { url, log }
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.method == method && h.path() == path)
            .count()
    }

    fn heads(&self) -> Vec<Head> {
        self.log.lock().unwrap().clone()
    }
}

fn read_head(reader: &mut BufReader<TcpStream>) -> Option<Head> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Some(Head {
        method,
        target,
        headers,
    })
}

/// Reads (and drops) the request body.
fn drain_body(head: &Head, reader: &mut BufReader<TcpStream>) {
    let mut body = vec![0; head.content_length()];
    let _ = reader.read_exact(&mut body);
}

/// Answers with `status`, extra header lines and a JSON (or any) body, then closes.
fn answer(reader: &mut BufReader<TcpStream>, status: u16, headers: &str, body: &[u8]) {
    let stream = reader.get_mut();
    let head = format!(
        "HTTP/1.1 {status} Hostile\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // Let the client read everything before the socket goes away.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.read(&mut [0u8; 64]);
}

fn json_answer(reader: &mut BufReader<TcpStream>, status: u16, body: &Value) {
    answer(
        reader,
        status,
        "Content-Type: application/json\r\n",
        body.to_string().as_bytes(),
    );
}

fn token_answer(reader: &mut BufReader<TcpStream>) {
    json_answer(
        reader,
        200,
        &json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}),
    );
}

fn isolated(url: &str) -> ClientBuilder {
    Client::builder()
        .api_url(url)
        .auth_url(url)
        .env_lookup(|_| None)
        .config_dir("/nonexistent/rapidata-test")
        .backoff_base(Duration::from_millis(1))
        .backoff_max(Duration::from_millis(5))
}

fn audience_json() -> Value {
    json!({
        "id": "aud_1", "baseAudienceId": "aud_1", "name": "A", "status": "Created",
        "qualifiedUserCount": 0, "filters": [], "createdAt": "2026-07-13T11:07:53+00:00",
        "ownerId": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11", "ownerMail": "me@example.com",
        "organizationId": "org_1", "isPublic": false, "isDistilling": false,
        "distillingCampaignId": "c",
        "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10},
        "distillingRetrievalMode": "Random", "boostLevel": "None"})
}

fn example_item(id: &str) -> Value {
    json!({
        "id": id,
        "asset": {"_t": "MultiAsset", "identifier": "x", "metadata": {}, "assets": [
            {"_t": "FileAsset", "fileName": "a.jpg", "identifier": "a", "metadata": {}},
            {"_t": "FileAsset", "fileName": "b.jpg", "identifier": "b", "metadata": {}}]},
        "payload": {"_t": "CompareExamplePayload", "criteria": "Which?"},
        "truth": {"_t": "CompareExampleTruth", "winnerId": "a.jpg"},
        "correctCount": 3, "incorrectCount": 1,
        "context": "ctx", "explanation": null, "randomCorrectProbability": 0.5, "sortIndex": 2
    })
}

/// `POST /thing` with a JSON body.
struct CreateThing;

impl Operation for CreateThing {
    type Output = Value;
    const ID: &'static str = "create_thing";
    const METHOD: Method = Method::Post;
    const PATH_TEMPLATE: &'static str = "/thing";
    fn path(&self) -> String {
        "/thing".into()
    }
    fn body(&self) -> RequestBody {
        RequestBody::Json(br#"{"name":"x"}"#.to_vec())
    }
    fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
        decode_json(bytes)
    }
}

/// `GET /thing`.
struct GetThing;

impl Operation for GetThing {
    type Output = Value;
    const ID: &'static str = "get_thing";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/thing";
    fn path(&self) -> String {
        "/thing".into()
    }
    fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
        decode_json(bytes)
    }
}

// =======================================================================================
// 3. Redirects are not followed

#[test]
fn a_redirected_post_is_an_error_and_is_sent_once() {
    for status in [301u16, 302, 303, 307, 308] {
        let server = Hostile::start(move |head, reader| match head.path() {
            "/connect/token" => {
                drain_body(head, reader);
                token_answer(reader)
            }
            "/thing" => {
                drain_body(head, reader);
                answer(reader, status, "Location: /elsewhere\r\n", b"");
            }
            // What a redirect target answers a request without the bearer token.
            _ => json_answer(reader, 401, &json!({"title": "Unauthorized"})),
        });
        let client = isolated(&server.url)
            .client_credentials("id", "secret")
            .build()
            .unwrap();
        let err = client.send(&CreateThing).unwrap_err();
        let Error::Redirect(redirect) = &err else {
            panic!("HTTP {status}: expected a redirect error, got {err:?}")
        };
        assert_eq!(redirect.status(), status);
        assert_eq!(redirect.location(), Some("/elsewhere"));
        assert_eq!(redirect.operation().method(), Method::Post);
        let text = err.to_string();
        assert!(
            text.contains(&status.to_string()) && text.contains("/elsewhere"),
            "{text}"
        );
        assert!(!text.contains("client id or secret"), "{text}");
        assert_eq!(
            server.count("POST", "/thing"),
            1,
            "HTTP {status}: sent again"
        );
        assert_eq!(
            server.count("GET", "/elsewhere"),
            0,
            "HTTP {status}: followed"
        );
        assert_eq!(
            server.count("POST", "/connect/token"),
            1,
            "HTTP {status}: a new token was fetched"
        );
        assert!(!err.may_have_been_processed());
        assert!(!err.is_retryable());
        assert_eq!(err.attempts(), 1);
    }
}

#[test]
fn a_redirecting_token_endpoint_is_an_auth_error() {
    let server = Hostile::start(|head, reader| {
        drain_body(head, reader);
        match head.path() {
            "/connect/token" => answer(
                reader,
                302,
                "Location: https://login.example.com/connect/token\r\n",
                b"",
            ),
            _ => json_answer(reader, 200, &json!({})),
        }
    });
    let client = isolated(&server.url)
        .client_credentials("id", "secret")
        .build()
        .unwrap();
    let err = client.send(&CreateThing).unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}")
    };
    assert_eq!(auth.kind(), AuthErrorKind::Redirected);
    assert_eq!(auth.status(), Some(302));
    assert_eq!(
        auth.location(),
        Some("https://login.example.com/connect/token")
    );
    assert!(err.to_string().contains("login.example.com"), "{err}");
    assert_eq!(server.count("POST", "/connect/token"), 1);
    assert_eq!(server.heads().len(), 1, "the redirect was followed");
    assert_eq!(server.count("POST", "/thing"), 0);
}

// =======================================================================================
// 4. A deadline for the whole exchange

#[test]
fn a_trickling_answer_ends_at_the_deadline() {
    let server = Hostile::start(|head, reader| {
        drain_body(head, reader);
        let stream = reader.get_mut();
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        );
        // One byte a second: every read makes progress, so no per-read timeout fires.
        for _ in 0..1000 {
            if stream.write_all(b" ").is_err() {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    let client = isolated(&server.url)
        .token(TOKEN)
        .timeout(Duration::from_secs(3))
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(&GetThing).unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(10),
        "returned after {elapsed:?}"
    );
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Deadline);
    assert_eq!(err.attempts(), 1, "a missed deadline is not retried");
    assert_eq!(server.count("GET", "/thing"), 1);
    let text = err.to_string();
    // The deadline is named by the error's source, which a report (`{:?}`) shows.
    let report = format!("{err:?}");
    assert!(report.contains("2s"), "the deadline is not named: {report}");
    assert!(
        text.contains("ClientBuilder::deadline"),
        "the setting is not named: {text}"
    );
}

// =======================================================================================
// 5. Bounded response bodies

/// A gzip body of `inflated` bytes of JSON whitespace inside `{"items":[ … ]}`.
fn gzip_bomb(inflated: usize) -> Vec<u8> {
    use flate2::write::GzEncoder;
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(br#"{"items":["#).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(chunk.len());
        gz.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    gz.write_all(b"]}").unwrap();
    gz.finish().unwrap()
}

#[test]
fn a_gzip_bomb_is_cut_at_the_json_limit() {
    let bomb = Arc::new(gzip_bomb(64 << 20));
    assert!(bomb.len() < 1 << 20, "the bomb is {} bytes", bomb.len());
    let served = bomb.clone();
    let server = Hostile::start(move |head, reader| {
        drain_body(head, reader);
        answer(
            reader,
            200,
            "Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
            &served,
        );
    });
    let client = isolated(&server.url).token(TOKEN).build().unwrap();
    let err = client.send(&GetThing).unwrap_err();
    let Error::ResponseTooLarge(big) = &err else {
        panic!("expected ResponseTooLarge, got {err:?}")
    };
    assert_eq!(big.limit(), rapidata::request::MAX_JSON_RESPONSE_BYTES);
    assert_eq!(big.limit(), 16 << 20);
    assert_eq!(big.operation().path(), "/thing");
    let text = err.to_string();
    assert!(
        text.contains("16 MiB") && text.contains("GET /thing"),
        "{text}"
    );
    assert_eq!(
        server.count("GET", "/thing"),
        1,
        "a bomb is not fetched again"
    );
    assert!(!err.is_retryable());
}

#[test]
fn a_body_within_the_limit_is_read() {
    // Just under the limit after decompression: still fine.
    let body = Arc::new(gzip_bomb((16 << 20) - 64));
    let served = body.clone();
    let server = Hostile::start(move |head, reader| {
        drain_body(head, reader);
        answer(
            reader,
            200,
            "Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
            &served,
        );
    });
    let client = isolated(&server.url).token(TOKEN).build().unwrap();
    assert_eq!(client.send(&GetThing).unwrap(), json!({"items": []}));
}

// =======================================================================================
// 6. Pagers follow what the server sends

/// A server holding audience `aud_1` whose examples endpoint claims a billion examples:
/// `page(n)` gives each page's items. After 50 example requests it answers 500, so a
/// client that keeps paging fails instead of running forever.
fn absurd_examples(page: impl Fn(u64) -> Vec<Value> + Send + Sync + 'static) -> Hostile {
    let served = Arc::new(Mutex::new(0u64));
    Hostile::start(move |head, reader| match head.path() {
        "/audience/aud_1" => json_answer(reader, 200, &audience_json()),
        "/audience/aud_1/examples" => {
            let n = {
                let mut served = served.lock().unwrap();
                *served += 1;
                *served
            };
            if n > 50 {
                return json_answer(reader, 500, &json!({"title": "enough"}));
            }
            let number: u64 = head
                .query()
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            json_answer(
                reader,
                200,
                &json!({"total": 1_000_000_000i64, "page": number, "pageSize": 100,
                        "totalPages": 10_000_000, "items": page(number)}),
            )
        }
        _ => json_answer(reader, 404, &json!({})),
    })
}

#[test]
fn examples_stop_at_a_short_page_whatever_the_total() {
    let server = absurd_examples(|n| vec![example_item(&format!("ex_{n}"))]);
    let client = isolated(&server.url)
        .token(TOKEN)
        .max_attempts(1)
        .build()
        .unwrap();
    let audience = client.audience().get_audience_by_id("aud_1").unwrap();
    let examples = audience.examples().unwrap();
    assert_eq!(examples.len(), 1);
    assert_eq!(server.count("GET", "/audience/aud_1/examples"), 1);
}

#[test]
fn examples_stop_when_the_server_repeats_a_page() {
    // A full page, the same whatever page is asked for.
    let server = absurd_examples(|_| (0..100).map(|i| example_item(&format!("ex_{i}"))).collect());
    let client = isolated(&server.url)
        .token(TOKEN)
        .max_attempts(1)
        .build()
        .unwrap();
    let audience = client.audience().get_audience_by_id("aud_1").unwrap();
    let examples = audience.examples().unwrap();
    assert_eq!(examples.len(), 100);
    assert_eq!(server.count("GET", "/audience/aud_1/examples"), 2);
}

// =======================================================================================
// 9. An early answer to a large upload is read, not lost

/// Writes a file of `len` bytes.
fn file_of(path: &Path, len: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0x5au8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
}

#[test]
fn an_early_413_names_the_file_and_is_not_retried() {
    const LIMIT: usize = 1 << 20;
    let server = Hostile::start(|head, reader| match head.path() {
        "/audience/aud_1" => json_answer(reader, 200, &audience_json()),
        "/asset/file" if head.content_length() > LIMIT => {
            // Like the sandbox and many proxies: refuse on the announced length, before
            // reading the body, and close.
            let body = json!({"title": "Payload Too Large", "status": 413}).to_string();
            let stream = reader.get_mut();
            let _ = write!(
                stream,
                "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.flush();
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        "/asset/file" => {
            drain_body(head, reader);
            json_answer(reader, 200, &json!({"fileName": "small.png"}))
        }
        _ => json_answer(reader, 404, &json!({})),
    });
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.png");
    let small = dir.path().join("small.png");
    file_of(&big, 16 << 20);
    file_of(&small, 1000);
    let client = isolated(&server.url).token(TOKEN).build().unwrap();
    let audience = client.audience().get_audience_by_id("aud_1").unwrap();
    let started = Instant::now();
    let err = audience
        .add_compare_example(
            "Which is sharper?",
            [DataItem::file(&big), DataItem::file(&small)],
            DataItem::file(&big),
        )
        .send()
        .unwrap_err();
    let Error::FileTooLarge(too_large) = &err else {
        panic!("expected FileTooLarge, got {err:?}")
    };
    assert_eq!(too_large.path(), big.as_path());
    assert_eq!(too_large.size(), 16 << 20);
    assert_eq!(err.status(), Some(413));
    let text = err.to_string();
    assert!(
        text.contains("big.png") && text.contains("16777216"),
        "{text}"
    );
    let big_uploads: Vec<Head> = server
        .heads()
        .into_iter()
        .filter(|h| h.path() == "/asset/file" && h.content_length() > LIMIT)
        .collect();
    assert_eq!(big_uploads.len(), 1, "the refused upload was sent again");
    assert_eq!(
        big_uploads[0].header("expect"),
        Some("100-continue"),
        "a large upload waits for the server's go-ahead"
    );
    assert_eq!(err.attempts(), 1);
    assert!(started.elapsed() < Duration::from_secs(10));
}

// =======================================================================================
// Giving up tells which setting to raise

#[test]
fn giving_up_names_the_attempts_setting() {
    let server = Hostile::start(|head, reader| {
        drain_body(head, reader);
        json_answer(reader, 503, &json!({"title": "busy"}));
    });
    let client = isolated(&server.url)
        .token(TOKEN)
        .max_attempts(3)
        .build()
        .unwrap();
    let err = client.send(&GetThing).unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.count("GET", "/thing"), 3);
    let text = err.to_string();
    assert!(text.contains("ClientBuilder::max_attempts"), "{text}");

    // A connection that keeps dropping, likewise.
    let server = Hostile::start(|head, reader| {
        drain_body(head, reader);
        let _ = reader.get_mut().shutdown(std::net::Shutdown::Both);
    });
    let client = isolated(&server.url)
        .token(TOKEN)
        .max_attempts(2)
        .build()
        .unwrap();
    let err = client.send(&GetThing).unwrap_err();
    assert_eq!(err.attempts(), 2);
    assert!(
        err.to_string().contains("ClientBuilder::max_attempts"),
        "{err}"
    );
}
