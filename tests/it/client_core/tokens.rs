//! Access tokens: the token request, caching, renewal, refresh on 401 and token files.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use httpmock::prelude::*;
use rapidata::error::AuthErrorKind;
use rapidata::{AccessToken, Client, CredentialSource, Error};
use serde_json::{json, Value};

use super::*;

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
