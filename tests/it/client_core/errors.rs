//! Error mapping: problem details, invalid input, and secrets kept out of every output.

use std::net::TcpListener;

use httpmock::prelude::*;
use rapidata::{Client, Error};
use serde_json::json;

use super::*;

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
