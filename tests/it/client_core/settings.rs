//! Settings from the builder and the environment: API, auth and app URLs, plain HTTP, workers, timeouts.

use std::time::Duration;

use rapidata::error::ConfigErrorKind;
use rapidata::{Client, Error};
use serde_json::json;

use super::*;

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
