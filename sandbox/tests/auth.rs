//! Token endpoint and bearer authentication.

mod common;

use std::time::Duration;

use common::{agent, base64, Api};
use rapidata_sandbox::Sandbox;

fn is_trace(s: &Option<String>) -> bool {
    s.as_deref()
        .is_some_and(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn token_request(sb: &Sandbox, basic: Option<(&str, &str)>, form: &str) -> common::Resp {
    let agent = agent();
    let mut req = agent
        .post(format!("{}/connect/token", sb.url()))
        .header(
            "Content-Type",
            "application/x-www-form-urlencoded;charset=UTF-8",
        )
        .header("Accept", "application/json");
    if let Some((id, secret)) = basic {
        req = req.header(
            "Authorization",
            format!("Basic {}", base64(&format!("{id}:{secret}"))),
        );
    }
    let resp = req.send(form.to_string()).unwrap();
    let status = resp.status().as_u16();
    let trace = resp
        .headers()
        .get("x-trace-id")
        .map(|v| v.to_str().unwrap().to_string());
    let mut resp = resp;
    let text = resp.body_mut().read_to_string().unwrap();
    common::Resp {
        status,
        trace,
        content_type: None,
        json: serde_json::from_str(&text).unwrap_or_default(),
        text,
    }
}

#[test]
fn token_via_basic_and_via_form_fields() {
    let sb = Sandbox::start().unwrap();
    let r = token_request(
        &sb,
        Some(("sandbox-client", "sandbox-secret")),
        "grant_type=client_credentials&scope=openid+email+api",
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(is_trace(&r.trace));
    let token = r.json["access_token"].as_str().unwrap();
    assert!(token.starts_with("sbx_") && token.len() > 20);
    assert_eq!(r.json["token_type"], "Bearer");
    assert_eq!(r.json["expires_in"], 3600);
    assert_eq!(r.json["scope"], "openid email api");

    let r = token_request(
        &sb,
        None,
        "grant_type=client_credentials&scope=openid%20email%20api&client_id=sandbox-client&client_secret=sandbox-secret",
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_ne!(r.json["access_token"].as_str().unwrap(), token);
    assert_eq!(sb.stats().tokens_issued, 2);
    assert_eq!(sb.stats().route("POST /connect/token"), 2);
}

#[test]
fn custom_credentials_and_invalid_client() {
    let sb = Sandbox::builder()
        .client_credentials("my-id", "my-secret")
        .start()
        .unwrap();
    assert_eq!(sb.client_id(), "my-id");
    assert_eq!(sb.client_secret(), "my-secret");
    let ok = token_request(
        &sb,
        Some(("my-id", "my-secret")),
        "grant_type=client_credentials",
    );
    assert_eq!(ok.status, 200);

    for r in [
        token_request(
            &sb,
            Some(("my-id", "wrong")),
            "grant_type=client_credentials",
        ),
        token_request(
            &sb,
            None,
            "grant_type=client_credentials&client_id=my-id&client_secret=nope",
        ),
        token_request(&sb, None, "grant_type=client_credentials"),
    ] {
        assert_eq!(r.status, 400, "{}", r.text);
        assert_eq!(r.json["error"], "invalid_client");
        assert!(is_trace(&r.trace));
    }
    let r = token_request(&sb, Some(("my-id", "my-secret")), "grant_type=password");
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"], "unsupported_grant_type");
    let r = token_request(
        &sb,
        Some(("my-id", "my-secret")),
        "grant_type=client_credentials&scope=admin",
    );
    assert_eq!(r.json["error"], "invalid_scope");
    assert_eq!(sb.stats().tokens_issued, 1);
}

#[test]
fn missing_or_unknown_token_is_401_without_body() {
    let sb = Sandbox::start().unwrap();
    let agent = agent();
    for auth in [None, Some("Bearer sbx_not_a_token"), Some("Basic abc")] {
        let mut req = agent.get(format!("{}/audience/global", sb.url()));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let mut resp = req.call().unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        let trace = resp
            .headers()
            .get("x-trace-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(is_trace(&Some(trace)));
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "");
    }
    // Counted as processed requests of the route.
    assert_eq!(sb.stats().route("GET /audience/{audienceId}"), 3);
}

#[test]
fn expired_token_is_401() {
    let sb = Sandbox::builder()
        .token_lifetime(Duration::from_secs(1))
        .start()
        .unwrap();
    let api = Api::new(&sb);
    assert_eq!(api.get("/audience/global").status, 200);
    std::thread::sleep(Duration::from_millis(1100));
    let r = api.get("/audience/global");
    assert_eq!(r.status, 401);
    assert!(r.text.is_empty());
    // A fresh token works again.
    let api = Api::new(&sb);
    assert_eq!(api.get("/audience/global").status, 200);
}

#[test]
fn every_response_carries_a_trace_id() {
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);
    for r in [
        api.get("/audience/global"),
        api.get("/audience/aud_nope"),
        api.get("/no/such/route"),
        api.post_raw("/audience", "{"),
        api.post_empty("/audience/global/recruit"),
    ] {
        assert!(is_trace(&r.trace), "{r:?}");
    }
}
