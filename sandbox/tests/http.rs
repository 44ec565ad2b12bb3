//! HTTP/1.1 details of the built-in server: keep-alive, chunked bodies, `Expect`,
//! HTTP/1.0, malformed requests.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use rapidata_sandbox::Sandbox;

/// Reads one response (head + Content-Length body) from a keep-alive connection.
fn read_response(r: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, String) {
    let mut status_line = String::new();
    r.read_line(&mut status_line).unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':').unwrap();
        headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (status, headers, String::from_utf8(body).unwrap())
}

fn connect(sb: &Sandbox) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(sb.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let r = BufReader::new(s.try_clone().unwrap());
    (s, r)
}

#[test]
fn keep_alive_and_chunked_bodies() {
    let sb = Sandbox::start().unwrap();
    let token = common::token(&common::agent(), &sb);
    let (mut s, mut r) = connect(&sb);
    write!(
        s,
        "GET /audience/global HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let (status, headers, body) = read_response(&mut r);
    assert_eq!(status, 200);
    assert!(headers.iter().any(|(k, _)| k == "x-trace-id"));
    assert!(headers
        .iter()
        .any(|(k, v)| k == "content-type" && v.starts_with("application/json")));
    assert!(body.contains("\"id\":\"global\""));
    // Second request on the same connection, body in chunks.
    let json = br#"{"name": "chunked dataset"}"#;
    write!(
        s,
        "POST /dataset HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    for part in json.chunks(7) {
        write!(s, "{:x};ext=1\r\n", part.len()).unwrap();
        s.write_all(part).unwrap();
        s.write_all(b"\r\n").unwrap();
    }
    s.write_all(b"0\r\nX-Trailer: t\r\n\r\n").unwrap();
    let (status, _, body) = read_response(&mut r);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("datasetId"));
    // A 204 carries no body and keeps the connection usable.
    write!(s, "POST /audience/global/recruit HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n").unwrap();
    let (status, headers, body) = read_response(&mut r);
    assert_eq!((status, body.as_str()), (204, ""));
    assert!(!headers.iter().any(|(k, _)| k == "content-length"));
    write!(
        s,
        "GET /_sandbox/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let (status, headers, _) = read_response(&mut r);
    assert_eq!(status, 200);
    assert!(headers
        .iter()
        .any(|(k, v)| k == "connection" && v == "close"));
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}

#[test]
fn expect_continue_http10_and_malformed_requests() {
    let sb = Sandbox::start().unwrap();
    let token = common::token(&common::agent(), &sb);

    let (mut s, mut r) = connect(&sb);
    let json = r#"{"name":"d"}"#;
    write!(
        s,
        "POST /dataset HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        json.len()
    )
    .unwrap();
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 100 Continue\r\n");
    r.read_line(&mut line).unwrap();
    s.write_all(json.as_bytes()).unwrap();
    assert_eq!(read_response(&mut r).0, 200);

    // HTTP/1.0 without keep-alive: answered, then closed.
    let (mut s, mut r) = connect(&sb);
    s.write_all(b"GET /_sandbox/health HTTP/1.0\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r).0, 200);
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());

    // Garbage: 400 and closed.
    let (mut s, mut r) = connect(&sb);
    s.write_all(b"THIS IS NOT HTTP\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut r).0, 400);
    let (mut s, mut r) = connect(&sb);
    s.write_all(b"GET / HTTP/2.0\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut r).0, 505);
    let (mut s, mut r) = connect(&sb);
    s.write_all(b"POST /dataset HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r).0, 400);
    // Absolute-form targets are accepted.
    let (mut s, mut r) = connect(&sb);
    s.write_all(b"GET http://sandbox/_sandbox/health HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r).0, 200);
}

#[test]
fn dropping_the_sandbox_closes_connections_and_the_port() {
    let sb = Sandbox::start().unwrap();
    let addr = sb.addr();
    let (_s, mut r) = connect(&sb);
    drop(sb);
    let mut buf = Vec::new();
    // The idle keep-alive connection is closed by the server.
    assert_eq!(r.read_to_end(&mut buf).unwrap_or(0), 0);
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}
