//! The `rapidata` binary (feature `cli`) against the sandbox: status, login through the
//! (simulated) browser, status again, logout. `cargo test -p rapidata --features cli --test cli`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use rapidata_sandbox::Sandbox;

/// The binary with a private HOME, pointed at the sandbox; no browser is ever opened.
fn rapidata(home: &Path, sb: &Sandbox) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rapidata"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RAPIDATA_") {
            c.env_remove(name);
        }
    }
    c.env("HOME", home)
        .env_remove("USERPROFILE")
        .env("RAPIDATA_API_URL", sb.url())
        .env("RAPIDATA_AUTH_URL", sb.url())
        .env("RAPIDATA_APP_URL", sb.url());
    c
}

fn run(home: &Path, sb: &Sandbox, args: &[&str]) -> Output {
    rapidata(home, sb).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn login_status_logout() {
    let sb = Sandbox::start().unwrap();
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join(".config/rapidata/credentials.json");

    let out = run(home.path(), &sb, &["status"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text(&out.stdout).contains("Not logged in"), "{out:?}");

    // login: read the URL from standard error, "log in" by opening it.
    let mut child = rapidata(home.path(), &sb)
        .args(["login", "--no-browser", "--name", "ci - Rust CLI"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut url = None;
    let mut shown = String::new();
    for _ in 0..10 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        shown.push_str(&line);
        if let Some(u) = line.trim().strip_prefix(&format!("{}/connect/", sb.url())) {
            url = Some(format!("{}/connect/{u}", sb.url()));
            break;
        }
    }
    assert!(
        shown.starts_with("Open this URL in your browser"),
        "{shown}"
    );
    let url = url.unwrap_or_else(|| panic!("no login URL in {shown:?}"));
    ureq::get(&url).call().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(text(&out.stdout).starts_with("Logged in to "), "{out:?}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&store).unwrap()).unwrap();
    assert_eq!(saved[sb.url().as_str()][0]["display_name"], "ci - Rust CLI");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&store).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let out = run(home.path(), &sb, &["status"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text(&out.stdout).contains("via credentials file"),
        "{out:?}"
    );
    // Logged in already: login does nothing.
    let out = run(home.path(), &sb, &["login", "--no-browser"]);
    assert!(
        text(&out.stdout).starts_with("Already authenticated"),
        "{out:?}"
    );

    let out = run(home.path(), &sb, &["logout"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text(&out.stdout).contains("Removed the saved credentials"),
        "{out:?}"
    );
    let out = run(home.path(), &sb, &["status"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");

    let out = run(home.path(), &sb, &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("usage: rapidata"), "{out:?}");
}
