//! The `rapidata-sandbox` binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_rapidata-sandbox");

#[test]
fn binary_prints_the_listening_line_first_and_serves() {
    let mut child = Command::new(BIN)
        .args([
            "--seed",
            "3",
            "--response-interval-ms=10",
            "--labelers",
            "50",
            "--latency-ms",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);

    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET /_sandbox/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(out.ends_with("ok"));

    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn binary_help_and_bad_flags() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--addr",
        "--seed",
        "--labelers",
        "--latency-ms",
        "--rate-429",
        "--rate-503",
        "--rate-drop",
        "--token-lifetime-secs",
        "--response-interval-ms",
    ] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["--rate-429", "lots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["--rate-429", "0.8", "--rate-503", "0.8"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
