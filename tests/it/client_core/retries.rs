//! Retries: which statuses and connection failures are retried, and after how long.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rapidata::error::TransportErrorKind;
use rapidata::{Error, RetryMode, SendOptions};
use serde_json::json;

use super::*;

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
