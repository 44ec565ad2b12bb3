//! Asset uploads: the wire form of URL and file uploads, the per-client cache, and the
//! bound on parallel uploads.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::api::types::{
    AddExampleToAudienceEndpointOutput, CreateAudienceEndpointOutput, UploadFileEndpointOutput,
    UploadFileFromUrlEndpointOutput,
};
use rapidata::{Client, DataItem};
use serde_json::json;

fn client_for(base_url: &str, workers: usize) -> Client {
    Client::builder()
        .api_url(base_url)
        .auth_url(base_url)
        .token("test-token")
        .env_lookup(|_| None)
        .max_attempts(1)
        .max_workers(workers)
        .build()
        .unwrap()
}

/// A tiny HTTP/1.1 server that answers every request after `delay` and records how many
/// requests were being handled at the same time.
struct CountingServer {
    base_url: String,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl CountingServer {
    fn start(delay: Duration) -> CountingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (f, m, r) = (in_flight.clone(), max_in_flight.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (f, m, r) = (f.clone(), m.clone(), r.clone());
                std::thread::spawn(move || handle(stream, delay, &f, &m, &r));
            }
        });
        CountingServer {
            base_url,
            in_flight,
            max_in_flight,
            requests,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn handle(
    stream: TcpStream,
    delay: Duration,
    in_flight: &AtomicUsize,
    max_in_flight: &AtomicUsize,
    requests: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).unwrap();
    let target = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    requests.lock().unwrap().push(format!(
        "{} {target}",
        request_line.split(' ').next().unwrap_or("")
    ));

    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    max_in_flight.fetch_max(now, Ordering::SeqCst);
    std::thread::sleep(delay);
    in_flight.fetch_sub(1, Ordering::SeqCst);

    let response_body = if target.starts_with("/asset/") {
        let n = requests.lock().unwrap().len();
        json!({"fileName": format!("srv-{n}.jpg"), "warnings": [], "wasCompressed": false})
    } else if target == "/audience" {
        json!({"audienceId": "aud_1"})
    } else {
        json!({"recalculationId": null})
    }
    .to_string();
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        response_body.len(),
        response_body
    );
    let _ = stream.flush();
}

fn many_urls(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://example.com/img-{i}.jpg"))
        .collect()
}

#[test]
fn parallel_uploads_respect_the_worker_bound() {
    let server = CountingServer::start(Duration::from_millis(100));
    let client = client_for(&server.base_url, 3);
    let audience = client.audience().create_audience("A").send().unwrap();
    let urls = many_urls(10);
    // Ten distinct items, two of them repeated: each distinct item is uploaded once.
    let mut context: Vec<&str> = urls[1..].iter().map(String::as_str).collect();
    context.extend([urls[1].as_str(), urls[2].as_str()]);
    audience
        .add_classification_example("Which animal?", ["Cat", "Dog"], urls[0].as_str(), ["Cat"])
        .media_context(context)
        .send()
        .unwrap();
    let requests = server.requests();
    let uploads = requests
        .iter()
        .filter(|r| r.starts_with("POST /asset/url?url="))
        .count();
    assert_eq!(uploads, 10, "{requests:#?}");
    assert_eq!(requests.last().unwrap(), "POST /audience/aud_1/example");
    let max = server.max_in_flight.load(Ordering::SeqCst);
    assert!(max <= 3, "at most max_workers uploads at once, saw {max}");
    assert!(max >= 2, "uploads run in parallel, saw {max}");
    assert_eq!(server.in_flight.load(Ordering::SeqCst), 0);
}

#[test]
fn one_worker_uploads_one_at_a_time() {
    let server = CountingServer::start(Duration::from_millis(20));
    let client = client_for(&server.base_url, 1);
    let audience = client.audience().create_audience("A").send().unwrap();
    let urls = many_urls(5);
    audience
        .add_compare_example(
            "Which?",
            [urls[0].as_str(), urls[1].as_str()],
            urls[0].as_str(),
        )
        .media_context(urls[2..].iter().map(String::as_str))
        .send()
        .unwrap();
    assert_eq!(server.max_in_flight.load(Ordering::SeqCst), 1);
    // GET /audiences (listed before creating, to recover a lost answer), POST /audience,
    // five uploads, the example.
    assert_eq!(server.requests().len(), 1 + 1 + 5 + 1);
}

#[test]
fn url_uploads_percent_encode_the_url_like_the_sdk() {
    let server = MockServer::start();
    let upload = server.post_asset_url(|when, then| {
        when.and(|w| {
            w.is_true(|req| {
                req.uri().query() == Some("url=https%3A//example.com/a%20b.png%3Fx%3D1")
            })
        });
        then.ok(&UploadFileFromUrlEndpointOutput::new(
            "srv.png".into(),
            vec!["slow".into()],
            false,
        ));
    });
    let create = server.post_audience(|_, then| {
        then.ok(&CreateAudienceEndpointOutput::new("aud_1".into()));
    });
    let example = server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1")
            .and(|w| w.body_includes(r#""asset":{"_t":"ExistingAssetInput","name":"srv.png"}"#));
        then.ok(&AddExampleToAudienceEndpointOutput::new());
    });
    let client = client_for(&server.base_url(), 4);
    let audience = client.audience().create_audience("A").send().unwrap();
    audience
        .add_classification_example(
            "Animal?",
            ["Cat", "Dog"],
            DataItem::url("https://example.com/a b.png?x=1"),
            ["Dog"],
        )
        .send()
        .unwrap();
    create.assert();
    upload.assert();
    example.assert();
}

#[test]
fn an_edited_file_is_uploaded_again() {
    let server = MockServer::start();
    let uploads = server.post_asset_file(|when, then| {
        when.and(|w| w.body_includes("filename=\"pic.png\""));
        then.ok(&UploadFileEndpointOutput::new(
            "srv.png".into(),
            vec![],
            false,
        ));
    });
    let _create = server.post_audience(|_, then| {
        then.ok(&CreateAudienceEndpointOutput::new("aud_1".into()));
    });
    let examples = server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1");
        then.ok(&AddExampleToAudienceEndpointOutput::new());
    });
    let dir = tempfile::tempdir().unwrap();
    let pic = dir.path().join("pic.png");
    std::fs::write(&pic, "first").unwrap();
    let client = client_for(&server.base_url(), 4);
    let audience = client.audience().create_audience("A").send().unwrap();
    let send = || {
        audience
            .add_classification_example("Animal?", ["Cat"], pic.as_path(), ["Cat"])
            .send()
            .unwrap()
    };
    send();
    send();
    assert_eq!(uploads.calls(), 1, "unchanged file: cached");
    std::fs::write(&pic, "second, longer").unwrap();
    send();
    assert_eq!(uploads.calls(), 2, "changed file: uploaded again");
    examples.assert_calls(3);
}

#[test]
fn clients_do_not_share_caches() {
    let server = MockServer::start();
    let upload = server.post_asset_url(|_, then| {
        then.ok(&UploadFileFromUrlEndpointOutput::new(
            "srv.png".into(),
            vec![],
            false,
        ));
    });
    let _create = server.post_audience(|_, then| {
        then.ok(&CreateAudienceEndpointOutput::new("aud_1".into()));
    });
    let _examples = server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1");
        then.ok(&AddExampleToAudienceEndpointOutput::new());
    });
    for _ in 0..2 {
        let client = client_for(&server.base_url(), 4);
        let audience = client.audience().create_audience("A").send().unwrap();
        audience
            .add_classification_example("Animal?", ["Cat"], "https://example.com/x.png", ["Cat"])
            .send()
            .unwrap();
        // A clone of the same client shares its cache.
        let again = client.audience().create_audience("B").send().unwrap();
        again
            .add_classification_example("Animal?", ["Cat"], "https://example.com/x.png", ["Cat"])
            .send()
            .unwrap();
    }
    assert_eq!(upload.calls(), 2, "one upload per client");
}
