//! `fn main() -> rapidata::Result<()>` prints a returned error's message and causes, not a
//! struct dump. This test is its own binary (`harness = false`): run plainly, it runs
//! itself again as the "program" and checks that run's standard error.

use std::net::TcpListener;
use std::process::Command;

const CHILD: &str = "RAPIDATA_TEST_ERROR_FROM_MAIN_CHILD";

fn main() -> rapidata::Result<()> {
    if std::env::var_os(CHILD).is_some() {
        return program();
    }
    let out = Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD, "1")
        .output()
        .expect("run the child");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the program should fail");
    assert!(
        stderr.starts_with("Error: could not reach the token endpoint http://127.0.0.1:"),
        "stderr shows the message: {stderr}"
    );
    assert!(
        !stderr.contains("AuthError {") && !stderr.contains("Auth("),
        "stderr shows no Debug struct: {stderr}"
    );
    // The structured form is still there for those who ask for it.
    let err = failing_client().get_token().unwrap_err();
    let structured = format!("{err:#?}");
    assert!(
        structured.starts_with("Auth(\n    AuthError {"),
        "{structured}"
    );
    assert!(structured.contains("kind: Transport"), "{structured}");
    println!(
        "ok: main's error printed as `{}`",
        stderr.lines().next().unwrap_or("")
    );
    Ok(())
}

/// The program under test: a token request to a closed loopback port.
fn program() -> rapidata::Result<()> {
    failing_client().get_token()?;
    Ok(())
}

fn failing_client() -> rapidata::Client {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    rapidata::Client::builder()
        .env_lookup(|_| None)
        .config_dir("/nonexistent")
        .client_credentials("id", "secret")
        .auth_url(format!("http://127.0.0.1:{port}"))
        .api_url(format!("http://127.0.0.1:{port}"))
        .max_attempts(1)
        .build()
        .expect("build")
}
