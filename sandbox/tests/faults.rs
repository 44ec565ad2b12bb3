//! Fault injection, latency, concurrency and the stats document.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{agent, datapoint, existing, pair, Api};
use rapidata_sandbox::{Sandbox, Stats};
use serde_json::json;

/// One request on a fresh connection (`Connection: close`): `None` when the server closed the
/// connection without answering, else (status, head, body).
fn raw(
    sb: &Sandbox,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect(sb.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    match s.read_to_end(&mut out) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return None,
        Err(e) => panic!("{e}"),
    }
    if out.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Some((status, head.to_string(), body.to_string()))
}

/// A token despite faults (retries the token request).
fn token_despite_faults(sb: &Sandbox) -> String {
    for _ in 0..50 {
        let mut s = TcpStream::connect(sb.addr()).unwrap();
        let body = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            sb.client_id(),
            sb.client_secret()
        );
        let req = format!(
            "POST /connect/token HTTP/1.1\r\nHost: s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        if out.starts_with("HTTP/1.1 200") {
            let json: serde_json::Value =
                serde_json::from_str(out.split_once("\r\n\r\n").unwrap().1).unwrap();
            return json["access_token"].as_str().unwrap().to_string();
        }
    }
    panic!("no token after 50 tries");
}

fn outcomes(sb: &Sandbox, n: usize) -> Vec<Option<u16>> {
    let token = token_despite_faults(sb);
    (0..n)
        .map(|_| {
            raw(sb, "GET", "/audience/global", &token, "").map(|(s, head, _)| {
                if s == 429 {
                    assert!(head.contains("Retry-After: 2"), "{head}");
                }
                assert!(head.to_ascii_lowercase().contains("x-trace-id: "), "{head}");
                s
            })
        })
        .collect()
}

#[test]
fn fault_rates_are_roughly_honoured_and_repeat_for_a_seed() {
    let build = || {
        Sandbox::builder()
            .seed(11)
            .rate_429(0.2)
            .retry_after_secs(2)
            .rate_503(0.1)
            .rate_drop(0.1)
            .start()
            .unwrap()
    };
    let sb = build();
    let n = 400;
    let got = outcomes(&sb, n);
    let count = |x: Option<u16>| got.iter().filter(|o| **o == x).count();
    let (c429, c503, dropped, ok) = (
        count(Some(429)),
        count(Some(503)),
        count(None),
        count(Some(200)),
    );
    assert_eq!(c429 + c503 + dropped + ok, n);
    assert!((50..=110).contains(&c429), "429: {c429}");
    assert!((20..=60).contains(&c503), "503: {c503}");
    assert!((20..=60).contains(&dropped), "dropped: {dropped}");
    let stats = sb.stats();
    // The counters include the faults the token requests met.
    assert!(stats.faults.too_many_requests >= c429 as u64);
    assert!(stats.faults.service_unavailable >= c503 as u64);
    assert!(stats.faults.dropped >= dropped as u64);
    // About half the drops come after the request was carried out; routes count the
    // requests carried out: the answered ones and those.
    let after = stats.faults.dropped_after_processing;
    assert!(after > 0 && after < dropped as u64, "{after} of {dropped}");
    assert_eq!(stats.route("POST /connect/token"), 1);
    assert_eq!(stats.route("GET /audience/{audienceId}"), ok as u64 + after);

    // Same seed, same sequential requests → the same faults.
    let again = outcomes(&build(), n);
    assert_eq!(got, again);
}

#[test]
fn sandbox_routes_are_never_faulted_and_rates_are_checked() {
    let sb = Sandbox::builder().rate_drop(1.0).start().unwrap();
    assert!(raw(&sb, "GET", "/audience/global", "x", "").is_none());
    let (status, _, body) = raw(&sb, "GET", "/_sandbox/stats", "", "").unwrap();
    assert_eq!(status, 200);
    let stats: Stats = serde_json::from_str(&body).unwrap();
    assert_eq!(stats.faults.dropped, 1);
    assert!(stats.routes.is_empty());
    assert_eq!(raw(&sb, "GET", "/_sandbox/health", "", "").unwrap().0, 200);

    let err = Sandbox::builder()
        .rate_429(0.7)
        .rate_503(0.5)
        .start()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(Sandbox::builder().rate_drop(-0.1).start().is_err());
}

#[test]
fn dropped_connections_close_at_once() {
    let sb = Sandbox::builder().rate_drop(1.0).start().unwrap();
    let start = Instant::now();
    for _ in 0..5 {
        assert!(raw(&sb, "POST", "/dataset", "t", "{\"name\":\"x\"}").is_none());
    }
    assert!(start.elapsed() < Duration::from_secs(2));
    // A ureq client sees a transport error.
    let r = agent().get(format!("{}/audience/global", sb.url())).call();
    assert!(r.is_err());
}

#[test]
fn stats_count_every_datapoint_and_example_once_despite_retries() {
    let sb = Sandbox::builder().seed(5).rate_503(0.3).start().unwrap();
    let token = token_despite_faults(&sb);
    // A client that retries on 503 (and on dropped connections).
    let call = |method: &str, path: &str, body: &str| -> serde_json::Value {
        for _ in 0..30 {
            if let Some((status, _, body)) = raw(&sb, method, path, &token, body) {
                if status != 503 {
                    assert!(status < 300, "{status} {body}");
                    return serde_json::from_str(&body).unwrap_or_default();
                }
            }
        }
        panic!("too many faults");
    };
    let a = call("POST", "/asset/url?url=https%3A//s.example/a.jpg", "")["fileName"]
        .as_str()
        .unwrap()
        .to_string();
    let b = call("POST", "/asset/url?url=https%3A//s.example/b.jpg", "")["fileName"]
        .as_str()
        .unwrap()
        .to_string();
    let aud = call("POST", "/audience", r#"{"name":"s","filters":[]}"#)["audienceId"]
        .as_str()
        .unwrap()
        .to_string();
    for i in 0..3 {
        let body = json!({"asset": pair(&a, &b), "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
            "truth": {"_t": "CompareExampleTruth", "winnerId": a}, "randomCorrectProbability": 0.5,
            "context": format!("example {i}")});
        call(
            "POST",
            &format!("/audience/{aud}/example"),
            &body.to_string(),
        );
    }
    let ds = call("POST", "/dataset", r#"{"name":"d"}"#)["datasetId"]
        .as_str()
        .unwrap()
        .to_string();
    for i in 0..8 {
        let body = datapoint(existing(&a), None, i);
        call(
            "POST",
            &format!("/dataset/{ds}/datapoint"),
            &body.to_string(),
        );
    }
    let stats = sb.stats();
    assert_eq!(stats.route("POST /audience/{audienceId}/example"), 3);
    assert_eq!(stats.route("POST /dataset/{datasetId}/datapoint"), 8);
    assert_eq!(stats.audiences[&aud].examples, 3);
    assert_eq!(stats.datasets[&ds].datapoints, 8);
    assert_eq!(
        stats.datasets[&ds].sort_indexes,
        (0..8).collect::<Vec<i64>>()
    );
    assert!(stats.faults.service_unavailable > 0);
    assert_eq!(stats.faults.too_many_requests + stats.faults.dropped, 0);

    // The HTTP document is the same, and has the documented shape.
    let (status, _, body) = raw(&sb, "GET", "/_sandbox/stats", "", "").unwrap();
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        doc["datasets"][&ds]["sortIndexes"],
        json!([0, 1, 2, 3, 4, 5, 6, 7])
    );
    assert_eq!(doc["audiences"][&aud]["examples"], 3);
    assert!(doc["faults"]["503"].as_u64().unwrap() > 0);
    assert_eq!(doc["faults"]["429"], 0);
    assert_eq!(doc["tokensIssued"], 1);
    let http: Stats = serde_json::from_value(doc).unwrap();
    assert_eq!(http, sb.stats());
}

#[test]
fn latency_and_concurrent_uploads() {
    let sb = Sandbox::builder()
        .latency(Duration::from_millis(50))
        .start()
        .unwrap();
    let api = Api::new(&sb);
    let start = Instant::now();
    assert_eq!(api.get("/audience/global").status, 200);
    assert!(start.elapsed() >= Duration::from_millis(50));

    // 25 concurrent uploaders × 4 files; serially that would be ≥ 5 s of latency.
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..25 {
            let api = &api;
            s.spawn(move || {
                for i in 0..4 {
                    let r = api.upload_file(&format!("img_{t}_{i}.jpg"), b"data");
                    assert_eq!(r.status, 200, "{}", r.text);
                }
            });
        }
    });
    let took = start.elapsed();
    assert!(took < Duration::from_millis(2500), "{took:?}");
    assert_eq!(sb.stats().route("POST /asset/file"), 100);
}
