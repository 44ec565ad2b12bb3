//! Credential sources: explicit tokens, the environment, credentials files and their precedence.

use httpmock::prelude::*;
use rapidata::error::ConfigErrorKind;
use rapidata::{AccessToken, Client, ClientBuilder, CredentialSource, Error};
use serde_json::json;

use super::*;

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
