//! Configuration conventions: URLs from the environment, the OAuth scope, quiet previews,
//! serializable results, and the credentials file written in the official SDK's format.

use std::collections::HashMap;
use std::sync::Arc;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::api::types::{AudienceJobState, GetJobByIdEndpointOutput};
use rapidata::error::ConfigErrorKind;
use rapidata::{Client, Error};
use serde_json::{json, Value};

use crate::support::models;

const TOKEN: &str = "tok-conventions-1";

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: Arc<HashMap<String, String>> = Arc::new(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    move |name| map.get(name).cloned()
}

fn token_body() -> Value {
    json!({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})
}

#[test]
fn urls_come_from_the_environment_variables() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST).path("/connect/token");
        then.status(200).json_body(token_body());
    });
    let client = Client::builder()
        .env_lookup(env_of(&[
            ("RAPIDATA_CLIENT_ID", "id"),
            ("RAPIDATA_CLIENT_SECRET", "secret"),
            ("RAPIDATA_API_URL", "http://127.0.0.1:9/api/"),
            ("RAPIDATA_AUTH_URL", &server.base_url()),
            ("RAPIDATA_APP_URL", "https://dashboard.example.com"),
        ]))
        .config_dir("/nonexistent/rapidata-tests")
        .build()
        .unwrap();
    assert_eq!(client.api_url(), "http://127.0.0.1:9/api");
    assert_eq!(client.auth_url(), server.base_url());
    assert_eq!(client.app_url(), "https://dashboard.example.com");
    // The environment is still the default; only the URLs moved.
    assert_eq!(client.environment(), "rapidata.ai");
    // The token request goes to the auth URL from the environment.
    assert_eq!(client.get_token().unwrap().secret(), TOKEN);
    token.assert_calls(1);
}

#[test]
fn builder_urls_win_over_the_environment_variables_and_empty_ones_are_unset() {
    let client = Client::builder()
        .env_lookup(env_of(&[
            ("RAPIDATA_API_URL", "https://api.from-env.example"),
            ("RAPIDATA_AUTH_URL", ""),
            ("RAPIDATA_ENVIRONMENT", "rapidata.dev"),
        ]))
        .token("t")
        .api_url("https://api.from-builder.example")
        .build()
        .unwrap();
    assert_eq!(client.api_url(), "https://api.from-builder.example");
    assert_eq!(client.auth_url(), "https://auth.rapidata.dev");
    assert_eq!(client.app_url(), "https://app.rapidata.dev");
}

#[test]
fn plain_http_from_the_environment_is_only_for_loopback() {
    for (variable, url) in [
        ("RAPIDATA_API_URL", "http://api.example.com"),
        ("RAPIDATA_AUTH_URL", "http://10.0.0.1:8080"),
        ("RAPIDATA_APP_URL", "http://app.example.com"),
    ] {
        let err = Client::builder()
            .env_lookup(env_of(&[(variable, url)]))
            .token("t")
            .build()
            .unwrap_err();
        match &err {
            Error::Config(c) if c.kind() == ConfigErrorKind::InsecureUrl => {
                assert_eq!(c.setting(), Some(variable))
            }
            other => panic!("expected a config error, got {other:#?}"),
        }
        assert!(err.to_string().contains(variable), "{err}");
    }
    let err = Client::builder()
        .env_lookup(env_of(&[("RAPIDATA_API_URL", "not a url")]))
        .token("t")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("RAPIDATA_API_URL"), "{err}");
    for url in [
        "http://localhost:8080",
        "http://[::1]:1",
        "https://api.example.com",
    ] {
        Client::builder()
            .env_lookup(env_of(&[("RAPIDATA_API_URL", url)]))
            .token("t")
            .build()
            .unwrap();
    }
}

fn credentials_client(server: &MockServer) -> rapidata::ClientBuilder {
    Client::builder()
        .env_lookup(|_| None)
        .config_dir("/nonexistent/rapidata-tests")
        .client_credentials("id", "secret")
        .api_url(server.base_url())
        .auth_url(server.base_url())
}

#[test]
fn the_default_oauth_scope_is_the_sdks() {
    assert_eq!(rapidata::DEFAULT_OAUTH_SCOPE, "openid email api");
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .body("grant_type=client_credentials&scope=openid+email+api");
        then.status(200).json_body(token_body());
    });
    let client = credentials_client(&server).build().unwrap();
    assert_eq!(client.get_token().unwrap().secret(), TOKEN);
    token.assert_calls(1);
}

#[test]
fn the_oauth_scope_is_settable() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=UTF-8",
            )
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("scope", "openid api offline_access");
        then.status(200).json_body(token_body());
    });
    let client = credentials_client(&server)
        .oauth_scope("openid api offline_access")
        .build()
        .unwrap();
    assert_eq!(client.get_token().unwrap().secret(), TOKEN);
    token.assert_calls(1);

    let err = credentials_client(&server)
        .oauth_scope("  ")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("oauth_scope"), "{err}");
}

const PRINT_CHILD: &str = "RAPIDATA_TEST_PRINT_LINKS_CHILD";

/// Runs in a child process (see `quiet_clients_print_no_links`): previews a definition and
/// views a job, with a quiet client when the variable says so.
#[test]
fn print_links_child() {
    let Some(mode) = std::env::var_os(PRINT_CHILD) else {
        return;
    };
    let server = job_server();
    let client = Client::builder()
        .env_lookup(|_| None)
        .token("t")
        .api_url(server.base_url())
        .app_url("https://app.rapidata.ai")
        .quiet(mode == "quiet")
        .build()
        .unwrap();
    assert_eq!(client.is_quiet(), mode == "quiet");
    let definition = client.job().get_job_definition_by_id("jd_1").unwrap();
    assert_eq!(
        definition.preview(),
        "https://app.rapidata.ai/definitions/jd_1"
    );
    let job = client.job().get_job_by_id("job_1").unwrap();
    assert_eq!(
        job.view(),
        "https://app.rapidata.ai/audiences/aud_1/job/job_1"
    );
}

#[test]
fn handles_serialize_as_their_metadata() {
    let server = job_server();
    let client = Client::builder()
        .env_lookup(|_| None)
        .token("t")
        .api_url(server.base_url())
        .app_url("https://app.rapidata.ai")
        .build()
        .unwrap();
    let definition = client.job().get_job_definition_by_id("jd_1").unwrap();
    let v = serde_json::to_value(&definition).unwrap();
    assert_eq!(v["id"], "jd_1");
    assert_eq!(v["name"], "Prompt alignment");
    assert_eq!(v["definition_type"], "Compare");
    assert_eq!(v["preview_url"], "https://app.rapidata.ai/definitions/jd_1");
    let job = client.job().get_job_by_id("job_1").unwrap();
    let v = serde_json::to_value(&job).unwrap();
    assert_eq!(
        v,
        json!({"id": "job_1", "name": "Prompt alignment", "definition_id": "jd_1",
               "audience_id": "aud_1", "state": "Running", "warnings": [],
               "view_url": "https://app.rapidata.ai/audiences/aud_1/job/job_1"})
    );
}

fn job_server() -> MockServer {
    let server = MockServer::start();
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "Prompt alignment"));
    });
    server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&GetJobByIdEndpointOutput {
            name: "Prompt alignment".into(),
            ..models::job(AudienceJobState::Running)
        });
    });
    server
}

#[test]
fn quiet_clients_print_no_links() {
    // The test's name in the harness: its module path without the crate's name.
    let child = module_path!()
        .split_once("::")
        .map_or(String::new(), |(_, m)| format!("{m}::"))
        + "print_links_child";
    let run = |mode: &str| {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", child.as_str(), "--nocapture", "--test-threads=1"])
            .env(PRINT_CHILD, mode)
            .output()
            .unwrap();
        assert!(out.status.success(), "{mode} child failed: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let loud = run("loud");
    assert!(
        loud.contains(
            "Preview job definition `Prompt alignment`: https://app.rapidata.ai/definitions/jd_1"
        ),
        "{loud}"
    );
    assert!(
        loud.contains("Job `Prompt alignment`: https://app.rapidata.ai/audiences/aud_1/job/job_1"),
        "{loud}"
    );
    let quiet = run("quiet");
    assert!(quiet.contains("1 passed"), "the child ran: {quiet}");
    assert!(!quiet.contains("https://app.rapidata.ai"), "{quiet}");
}

const COMPARE: &str = r#"{
  "info": {"createdAt": "2026-07-13T11:07:53.577348+00:00", "version": "4.1.0", "type": "Compare",
           "name": "Alignment", "instruction": "Which image matches the description better?"},
  "results": [{
    "context": "A small blue book sitting on a large red book.",
    "winner": "b.jpg", "winnerIndex": 1,
    "assetUrls": {"a.jpg": "https://assets.rapidata.ai/a.jpg", "b.jpg": "https://assets.rapidata.ai/b.jpg"},
    "aggregatedResults": {"a.jpg": 0, "b.jpg": 3},
    "aggregatedResultsRatios": {"a.jpg": 0.0, "b.jpg": 1.0},
    "detailedResults": [{"votedFor": "b.jpg",
      "userDetails": {"country": "EG", "language": "ar", "userScores": {"global": 0.845}}}]
  }]
}"#;

#[test]
fn results_serialize_to_json() {
    let results = rapidata::JobResults::from_slice(COMPARE.as_bytes()).unwrap();
    // The whole results: the file as received, key order kept.
    let whole = serde_json::to_string(&results).unwrap();
    assert!(whole.starts_with(r#"{"info":{"createdAt":"#), "{whole}");
    assert_eq!(
        serde_json::from_str::<Value>(&whole).unwrap(),
        serde_json::from_str::<Value>(COMPARE).unwrap()
    );
    let again = rapidata::JobResults::from_slice(whole.as_bytes()).unwrap();
    assert_eq!(again, results);

    // The typed view.
    let compare = serde_json::to_value(results.compare().unwrap()).unwrap();
    let dp = &compare["datapoints"][0];
    assert_eq!(dp["winner"], "b.jpg");
    assert_eq!(dp["assets"], json!(["a.jpg", "b.jpg"]));
    assert_eq!(dp["tallies"]["b.jpg"]["votes"], 3);
    assert_eq!(dp["tallies"]["b.jpg"]["ratio"], 1.0);
    assert_eq!(dp["responses"][0]["voted_for"], "b.jpg");
    assert_eq!(dp["responses"][0]["user"]["country"], "EG");
    assert_eq!(dp["responses"][0]["user"]["user_scores"]["global"], 0.845);
    assert_eq!(
        compare["summary"],
        json!({"a_wins": 0, "b_wins": 1, "no_winner": 0})
    );
    assert_eq!(
        serde_json::to_value(results.kind()).unwrap(),
        json!("Compare")
    );
    assert_eq!(
        serde_json::to_value(results.info()).unwrap()["instruction"],
        "Which image matches the description better?"
    );

    let classification = rapidata::JobResults::from_value(json!({
        "info": {"type": "Classification"},
        "results": [{"identifier": "x.jpg", "aggregatedResults": {"Cat": 2, "Dog": 1}}]
    }));
    let c = serde_json::to_value(classification.classification().unwrap()).unwrap();
    assert_eq!(c["datapoints"][0]["identifier"], "x.jpg");
    assert_eq!(c["datapoints"][0]["tallies"]["Cat"]["votes"], 2);
    assert_eq!(c["totals"], json!({"Cat": 2, "Dog": 1}));
}

#[test]
fn progress_filters_and_metrics_serialize() {
    use rapidata::api::types::AudienceJobState;
    use rapidata::job::Progress;
    use rapidata::{AgeGroup, Device, Filter, Gender, UserMetrics};

    let p = Progress::new(AudienceJobState::Running, 50.0, 2, 4).with_responses(6);
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["state"], "Running");
    assert_eq!(v["percentage"], 50.0);
    assert_eq!(
        (v["completed"].as_u64(), v["total"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(v["responses"], 6);

    let f = Filter::country(["US"])
        & !Filter::age([AgeGroup::Age0To17])
        & Filter::gender([Gender::Female])
        & Filter::device([Device::Phone]);
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        json!({"and": [{"country": ["US"]}, {"not": {"age": ["0-17"]}},
                       {"gender": ["Female"]}, {"device": ["Phone"]}]})
    );
    let m = UserMetrics::from_counts([("Graduated", 3)]);
    assert_eq!(serde_json::to_value(&m).unwrap(), json!({"Graduated": 3}));
}

// ---------------------------------------------------------------------------------------
// credentials.json, written in the official SDK's format

fn store_client(dir: &std::path::Path) -> rapidata::ClientBuilder {
    Client::builder().env_lookup(|_| None).config_dir(dir)
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn is_sdk_timestamp(v: &Value) -> bool {
    // `2026-08-22T08:15:02.000001Z`, as the SDK (pydantic, UTC) writes them.
    let s = v.as_str().unwrap_or("");
    s.len() == 27 && s.as_bytes()[10] == b'T' && s.ends_with('Z') && s.as_bytes()[19] == b'.'
}

#[test]
fn saved_credentials_use_the_sdks_layout_and_permissions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rapidata");
    let client = store_client(&dir)
        .client_credentials("cid-1", "secret-1")
        .build()
        .unwrap();
    assert_eq!(
        client.credentials_file(),
        Some(dir.join("credentials.json").as_path())
    );
    let path = client.save_credentials("host - Rust client").unwrap();
    assert_eq!(path, dir.join("credentials.json"));

    let v = read_json(&path);
    let map = v.as_object().unwrap();
    assert_eq!(map.keys().collect::<Vec<_>>(), ["https://auth.rapidata.ai"]);
    let entries = map["https://auth.rapidata.ai"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let e = entries[0].as_object().unwrap();
    let mut keys: Vec<&str> = e.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "client_id",
            "client_secret",
            "created_at",
            "display_name",
            "endpoint",
            "last_used"
        ]
    );
    assert_eq!(e["client_id"], "cid-1");
    assert_eq!(e["client_secret"], "secret-1");
    assert_eq!(e["display_name"], "host - Rust client");
    assert_eq!(e["endpoint"], "https://auth.rapidata.ai");
    assert!(is_sdk_timestamp(&e["created_at"]), "{}", e["created_at"]);
    assert!(is_sdk_timestamp(&e["last_used"]), "{}", e["last_used"]);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
    }
    // Written through a temporary file that was renamed: nothing else is left.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["credentials.json"]);

    // Saving the same client id again updates the entry rather than adding one.
    let created = e["created_at"].clone();
    std::thread::sleep(std::time::Duration::from_millis(5));
    store_client(&dir)
        .client_credentials("cid-1", "secret-2")
        .build()
        .unwrap()
        .save_credentials("renamed")
        .unwrap();
    let v = read_json(&path);
    let entries = v["https://auth.rapidata.ai"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["client_secret"], "secret-2");
    assert_eq!(entries[0]["display_name"], "renamed");
    assert_eq!(entries[0]["created_at"], created);
    assert!(entries[0]["last_used"].as_str() > created.as_str());

    // A client without explicit credentials now finds them.
    let found = store_client(&dir).build().unwrap();
    match found.credential_source() {
        rapidata::CredentialSource::CredentialsFile {
            client_id,
            display_name,
            ..
        } => {
            assert_eq!(client_id, "cid-1");
            assert_eq!(display_name.as_deref(), Some("renamed"));
        }
        other => panic!("expected the credentials file, got {other:?}"),
    }
}

#[test]
fn using_stored_credentials_updates_last_used_and_keeps_everything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials.json");
    let old = "2026-01-01T00:00:00.000001Z";
    let original = json!({
        "https://auth.rapidata.ai": [
            {"display_name": "a", "client_id": "old-id", "client_secret": "s1",
             "endpoint": "https://auth.rapidata.ai", "created_at": old, "last_used": old},
            {"display_name": "b", "client_id": "new-id", "client_secret": "s2",
             "endpoint": "https://auth.rapidata.ai", "created_at": old,
             "last_used": "2026-02-01T00:00:00Z", "extra": {"kept": true}}
        ],
        "https://auth.rapidata.dev": [
            {"display_name": "dev", "client_id": "dev-id", "client_secret": "s3",
             "endpoint": "https://auth.rapidata.dev", "created_at": old, "last_used": old}
        ]
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&original).unwrap()).unwrap();
    let client = store_client(tmp.path()).build().unwrap();
    assert!(matches!(
        client.credential_source(),
        rapidata::CredentialSource::CredentialsFile { client_id, .. } if client_id == "new-id"
    ));
    let v = read_json(&path);
    let prod = v["https://auth.rapidata.ai"].as_array().unwrap();
    assert_eq!(
        prod[0], original["https://auth.rapidata.ai"][0],
        "other entry untouched"
    );
    assert!(is_sdk_timestamp(&prod[1]["last_used"]));
    assert!(prod[1]["last_used"].as_str().unwrap() > "2026-02-01T00:00:00Z");
    assert_eq!(prod[1]["extra"], json!({"kept": true}));
    assert_eq!(prod[1]["client_secret"], "s2");
    assert_eq!(
        v["https://auth.rapidata.dev"],
        original["https://auth.rapidata.dev"]
    );
}

#[test]
fn reset_credentials_removes_only_this_auth_urls_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials.json");
    let client = store_client(tmp.path())
        .client_credentials("cid", "secret")
        .build()
        .unwrap();
    // No file yet: nothing to remove.
    assert!(!client.reset_credentials().unwrap());
    client.save_credentials("mine").unwrap();
    store_client(tmp.path())
        .environment("rapidata.dev")
        .client_credentials("dev-cid", "dev-secret")
        .build()
        .unwrap()
        .save_credentials("dev")
        .unwrap();
    assert!(client.reset_credentials().unwrap());
    let v = read_json(&path);
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["https://auth.rapidata.dev"]
    );
    assert!(!client.reset_credentials().unwrap());
    // Gone for Client::new() too.
    let err = store_client(tmp.path()).build().unwrap_err();
    assert!(
        err.to_string()
            .contains("has no entry for https://auth.rapidata.ai"),
        "{err}"
    );
}

#[test]
fn a_broken_credentials_file_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials.json");
    std::fs::write(&path, b"{ not json").unwrap();
    let client = store_client(tmp.path())
        .client_credentials("cid", "secret")
        .build()
        .unwrap();
    let err = client.save_credentials("mine").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:#?}");
    assert!(client.reset_credentials().is_err());
    assert_eq!(std::fs::read(&path).unwrap(), b"{ not json");

    // A token is not client credentials: nothing to save.
    let token_client = store_client(tmp.path()).token("t").build().unwrap();
    let err = token_client.save_credentials("mine").unwrap_err();
    assert!(err.as_invalid_input().is_some(), "{err:#?}");
    assert!(!err.to_string().contains("\"t\""));
}
