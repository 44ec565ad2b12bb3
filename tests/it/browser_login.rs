//! The browser (bridge-token) login against the sandbox, whose
//! `/connect/authorize/external` page stands in for the person logging in.

use std::time::{Duration, Instant};

use rapidata::{BrowserLogin, Client, CredentialSource, Error};
use rapidata_sandbox::Sandbox;
use serde_json::Value;

fn builder(sb: &Sandbox, dir: &std::path::Path) -> rapidata::ClientBuilder {
    Client::builder()
        .env_lookup(|_| None)
        .config_dir(dir)
        .api_url(sb.url())
        .auth_url(sb.url())
}

fn fast() -> BrowserLogin {
    BrowserLogin::new()
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(20))
}

/// The person "opens the page" a little later, from another thread.
fn open_later(url: &str) -> std::thread::JoinHandle<()> {
    let url = url.to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        let mut page = ureq::get(&url).call().expect("the login page");
        let html = page.body_mut().read_to_string().unwrap();
        assert!(html.contains("Logged in"), "{html}");
    })
}

#[test]
fn browser_login_creates_saves_and_uses_a_client() {
    let sb = Sandbox::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut shown = None;
    let mut opener = None;
    let client = builder(&sb, dir.path())
        .login_in_browser(&fast().display_name("test host - Rust"), |url| {
            shown = Some(url.to_owned());
            opener = Some(open_later(url));
        })
        .unwrap();
    opener.unwrap().join().unwrap();
    let url = shown.unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/connect/authorize/external?clientId=rapidata-cli&scope=openid%20profile%20email%20api&writeKey=",
            sb.url()
        )),
        "{url}"
    );

    // The new client works, and is in the credentials file under the auth URL.
    let CredentialSource::ClientCredentials { client_id } = client.credential_source().clone()
    else {
        panic!(
            "expected client credentials, got {:?}",
            client.credential_source()
        );
    };
    assert!(client.get_token().is_ok());
    let stored: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("credentials.json")).unwrap())
            .unwrap();
    let entries = stored[sb.url().as_str()].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["client_id"], client_id.as_str());
    assert_eq!(entries[0]["display_name"], "test host - Rust");
    assert_eq!(entries[0]["endpoint"], sb.url().as_str());

    // Client::new() on this machine now finds them.
    let again = builder(&sb, dir.path()).build().unwrap();
    assert!(matches!(
        again.credential_source(),
        CredentialSource::CredentialsFile { client_id: id, .. } if *id == client_id
    ));
    again.get_token().unwrap();

    // The sandbox saw the SDK's requests.
    let stats = sb.stats();
    assert_eq!(stats.route("POST /identity/bridge-token"), 1);
    assert!(stats.route("GET /identity/bridge-token") >= 2, "{stats:?}");
    assert_eq!(stats.route("POST /client"), 1);
    // The journal keeps the new client's secret out.
    let create = sb
        .requests()
        .into_iter()
        .find(|r| r["path"] == "/client")
        .unwrap();
    assert_eq!(create["response"]["clientSecret"], "***");
}

#[test]
fn a_login_nobody_completes_times_out() {
    let sb = Sandbox::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let err = builder(&sb, dir.path())
        .login_in_browser(&fast().timeout(Duration::from_millis(200)), |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:#?}");
    assert!(err.to_string().contains("browser login"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(!dir.path().join("credentials.json").exists());
}
