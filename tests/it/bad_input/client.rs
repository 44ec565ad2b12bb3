//! Bad client configuration, credentials and token files, and output written to bad paths.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- results and token files written to bad paths ----------------------------
        Case {
            name: "results: CSV into a missing folder",
            run: |fx| fx.results().to_csv(fx.path("no-such-folder/results.csv")),
            expect: Io("no-such-folder"),
        },
        Case {
            name: "results: detailed CSV onto a folder",
            run: |fx| {
                let dir = fx.path("results-folder.csv");
                std::fs::create_dir_all(&dir).unwrap();
                fx.results().to_csv_detailed(dir)
            },
            expect: Io("results-folder.csv"),
        },
        Case {
            name: "results: JSON onto a folder",
            run: |fx| {
                let dir = fx.path("results-folder.json");
                std::fs::create_dir_all(&dir).unwrap();
                fx.results().to_json(dir)
            },
            expect: Io("results-folder.json"),
        },
        Case {
            name: "token file: written onto a folder",
            run: |fx| {
                let dir = fx.path("token-folder.json");
                std::fs::create_dir_all(dir.join("inside")).unwrap();
                fx.client.write_token_file(dir)
            },
            expect: Io("token-folder.json"),
        },
        Case {
            name: "token file: a path that names no file",
            run: |fx| fx.client.write_token_file(fx.dir.path().join("..")),
            expect: Invalid("path"),
        },
        // ---- client configuration ---------------------------------------------------
        Case {
            name: "config: plain-HTTP API URL to a remote host",
            run: |fx| build_and_call(fx.builder().token("t").api_url("http://api.example.com")),
            expect: Config(insecure, &["api_url", "http://api.example.com"]),
        },
        Case {
            name: "config: plain-HTTP auth URL to a private address",
            run: |fx| {
                let b = fx.builder().client_credentials("id", "secret");
                build_and_call(b.auth_url("http://10.0.0.1"))
            },
            expect: Config(insecure, &["auth_url"]),
        },
        Case {
            name: "config: FTP API URL",
            run: |fx| build_and_call(fx.builder().token("t").api_url("ftp://example.com")),
            expect: Config(invalid_url, &["api_url"]),
        },
        Case {
            name: "config: API URL with a query",
            run: |fx| build_and_call(fx.builder().token("t").api_url("https://example.com/?a=1")),
            expect: Config(invalid_url, &["api_url", "query"]),
        },
        Case {
            name: "config: max_workers 0",
            run: |fx| build_and_call(fx.builder().token("t").max_workers(0)),
            expect: Config(setting, &["max_workers"]),
        },
        Case {
            name: "config: max_attempts 0",
            run: |fx| build_and_call(fx.builder().token("t").max_attempts(0)),
            expect: Config(setting, &["max_attempts"]),
        },
        Case {
            name: "config: zero timeout",
            run: |fx| build_and_call(fx.builder().token("t").timeout(Default::default())),
            expect: Config(setting, &["timeout"]),
        },
        Case {
            name: "config: environment given as URL",
            run: |fx| {
                let b = Client::builder().token("t").env_lookup(|_| None);
                let _ = fx;
                build_and_call(b.environment("https://rapidata.ai"))
            },
            expect: Config(environment, &["environment", "https://rapidata.ai"]),
        },
        Case {
            name: "config: RAPIDATA_ENVIRONMENT with a space",
            run: |_| {
                let b = Client::builder().token("t").env_lookup(|name| {
                    (name == "RAPIDATA_ENVIRONMENT").then(|| "rapi data.ai".to_owned())
                });
                build_and_call(b)
            },
            expect: Config(environment, &["environment", "rapi data.ai"]),
        },
        Case {
            name: "config: RAPIDATA_maxWorkers not a number",
            run: |fx| {
                let b = fx
                    .builder()
                    .token("t")
                    .env_lookup(|name| (name == "RAPIDATA_maxWorkers").then(|| "abc".to_owned()));
                build_and_call(b)
            },
            expect: Config(setting, &["RAPIDATA_maxWorkers", "abc"]),
        },
        Case {
            name: "config: RAPIDATA_maxWorkers 0",
            run: |fx| {
                let b = fx
                    .builder()
                    .token("t")
                    .env_lookup(|name| (name == "RAPIDATA_maxWorkers").then(|| "0".to_owned()));
                build_and_call(b)
            },
            expect: Config(setting, &["max_workers"]),
        },
        Case {
            name: "config: root certificate that is not PEM",
            run: |fx| build_and_call(fx.builder().token("t").add_root_certificate_pem("nope")),
            expect: Config(setting, &["add_root_certificate_pem"]),
        },
        Case {
            name: "config: empty access token",
            run: |fx| build_and_call(fx.builder().token("")),
            expect: Config(setting, &["token", "must not be empty"]),
        },
        Case {
            name: "config: empty client secret",
            run: |fx| build_and_call(fx.builder().client_credentials("client-id", "")),
            expect: Config(setting, &["client_secret"]),
        },
        Case {
            name: "config: empty client id",
            run: |fx| build_and_call(fx.builder().client_credentials(" ", "secret")),
            expect: Config(setting, &["client_id"]),
        },
        Case {
            name: "config: only RAPIDATA_CLIENT_ID set",
            run: |fx| {
                let b = fx.builder().env_lookup(|name| {
                    (name == "RAPIDATA_CLIENT_ID").then(|| "client-id".to_owned())
                });
                build_and_call(b)
            },
            expect: Config(missing, &["only RAPIDATA_CLIENT_ID is set"]),
        },
        // ---- credentials.json ------------------------------------------------------
        Case {
            name: "credentials file: not JSON",
            run: |fx| {
                let dir = fx.credentials_dir("creds-not-json", "{\"https://auth");
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(
                credentials_file,
                &["creds-not-json", "credentials.json", "JSON"],
            ),
        },
        Case {
            name: "credentials file: a list, not a map",
            run: |fx| {
                let dir = fx.credentials_dir("creds-list", "[]");
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(credentials_file, &["creds-list", "credentials.json"]),
        },
        Case {
            name: "credentials file: no entry for this environment",
            run: |fx| {
                let content = json!({"https://auth.rabbitdata.ch": [
                    {"client_id": "id", "client_secret": "secret"}]});
                let dir = fx.credentials_dir("creds-other-env", &content.to_string());
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(
                missing,
                &["creds-other-env", "credentials.json", "no entry"],
            ),
        },
        Case {
            name: "credentials file: entry with empty secret",
            run: |fx| {
                let key = fx.server.base_url();
                let content = json!({ key: [{"client_id": "id", "client_secret": ""}] });
                let dir = fx.credentials_dir("creds-empty-secret", &content.to_string());
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(
                missing,
                &["creds-empty-secret", "credentials.json", "client_secret"],
            ),
        },
        Case {
            name: "credentials file: entry is not a list",
            run: |fx| {
                let key = fx.server.base_url();
                let content = json!({ key: {"client_id": "id", "client_secret": "s"} });
                let dir = fx.credentials_dir("creds-not-list", &content.to_string());
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(credentials_file, &["creds-not-list", "not a list"]),
        },
        // ---- token files -----------------------------------------------------------
        Case {
            name: "token file: missing",
            run: |fx| build_and_call(fx.builder().token_file(fx.path("missing-token.json"))),
            expect: Io("missing-token.json"),
        },
        Case {
            name: "token file: RAPIDATA_TOKEN_FILE names a missing file",
            run: |fx| {
                let path = fx.path("missing-env-token.json").display().to_string();
                let b = fx
                    .builder()
                    .env_lookup(move |name| (name == "RAPIDATA_TOKEN_FILE").then(|| path.clone()));
                build_and_call(b)
            },
            expect: Io("missing-env-token.json"),
        },
        Case {
            name: "token file: not JSON",
            run: |fx| {
                let path = fx.path("token-not-json.json");
                std::fs::write(&path, "access_token=abc").unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-not-json.json", "JSON"]),
        },
        Case {
            name: "token file: no access_token",
            run: |fx| {
                let path = fx.path("token-without-token.json");
                std::fs::write(&path, r#"{"token_type": "Bearer"}"#).unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-without-token.json", "access_token"]),
        },
        Case {
            name: "token file: empty access_token",
            run: |fx| {
                let path = fx.path("token-empty.json");
                std::fs::write(&path, r#"{"access_token": ""}"#).unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-empty.json", "access_token"]),
        },
        Case {
            name: "token file: access_token not a string",
            run: |fx| {
                let path = fx.path("token-number.json");
                std::fs::write(&path, r#"{"access_token": 12345}"#).unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-number.json", "access_token"]),
        },
    ]
}
