//! What goes on the wire: headers, query strings, bodies and multipart uploads.

use std::io::Write;
use std::thread;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::Error;
use serde_json::json;

use super::*;

#[test]
fn requests_carry_client_auth_accept_and_content_headers() {
    let server = MockServer::start();
    let x_client = format!("RapidataRustSDK/{}", env!("CARGO_PKG_VERSION"));
    let list = server.mock(|when, then| {
        when.method(GET)
            .path("/things")
            .query_param("page", "1")
            .query_param("page_size", "10")
            .query_param("name[contains]", "a b")
            .header("x-client", x_client.clone())
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("accept", "application/json");
        then.status(200).json_body(json!({"items": []}));
    });
    let create = server.mock(|when, then| {
        when.method(POST)
            .path("/thing")
            .header("x-client", x_client.clone())
            .header("content-type", "application/json")
            .json_body(json!({"name": "pets"}));
        then.status(201).json_body(json!({"id": "t1"}));
    });
    let recruit = server.post_audience_by_audience_id_recruit(|when, then| {
        when.audience_id("a1").and(|w| {
            w.header("x-client", x_client.clone())
                .header_missing("content-type")
                .body("")
        });
        then.ok();
    });
    let download = server.mock(|when, then| {
        when.method(GET)
            .path("/job/j1/download-results")
            .header("accept", "application/octet-stream");
        then.status(200).body([0u8, 1, 2, 255]);
    });
    let put = server.mock(|when, then| {
        when.method(PUT).path("/thing/1");
        then.status(200);
    });
    let client = isolated(&server.base_url()).token(TOKEN).build().unwrap();
    assert_eq!(client.send(&ListThings).unwrap(), json!({"items": []}));
    assert_eq!(client.send(&CreateThing).unwrap(), json!({"id": "t1"}));
    client.send(&Recruit).unwrap();
    assert_eq!(client.send(&Download).unwrap(), vec![0u8, 1, 2, 255]);
    client.send(&PutThing).unwrap();
    for m in [&list, &create, &recruit, &download, &put] {
        m.assert_calls(1);
    }
}

#[test]
fn query_strings_use_the_official_encoding_and_bodiless_posts_send_nothing() {
    let server = script_with_token(|_, _| respond(200, "{}"));
    let client = cc_client(&server.url).build().unwrap();
    client.send(&ListThings).unwrap();
    client.send(&Recruit).unwrap();
    let reqs = server.requests();
    let list = reqs.iter().find(|r| r.path() == "/things").unwrap();
    assert_eq!(
        list.target,
        "/things?page=1&page_size=10&name%5Bcontains%5D=a%20b"
    );
    let recruit = reqs
        .iter()
        .find(|r| r.path() == "/audience/a1/recruit")
        .unwrap();
    assert_eq!(recruit.method, "POST");
    assert!(recruit.body.is_empty());
    assert!(recruit.header("content-type").is_none());
    assert!(recruit.header("transfer-encoding").is_none());
    assert_eq!(recruit.header("content-length"), Some("0"));
    assert!(list.body.is_empty());
    assert!(list.header("content-length").is_none());
    assert!(list.header("transfer-encoding").is_none());
    assert!(list.header("content-type").is_none());
}

#[test]
fn multipart_uploads_stream_the_file_with_its_name_and_type() {
    let server = script_with_token(|_, _| respond(200, r#"{"fileName":"f.png"}"#));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo.png");
    std::fs::write(&file, b"\x89PNG fake image bytes").unwrap();
    let client = cc_client(&server.url).build().unwrap();
    assert_eq!(
        client.send(&Upload(file.clone())).unwrap(),
        json!({"fileName": "f.png"})
    );
    let req = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/asset/file")
        .unwrap();
    let ct = req.header("content-type").unwrap().to_owned();
    let boundary = ct
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("bad content type {ct}"));
    let body = String::from_utf8_lossy(&req.body).into_owned();
    assert!(body.starts_with(&format!("--{boundary}\r\n")), "{body}");
    assert!(
        body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/png"), "{body}");
    assert!(body.contains("PNG fake image bytes"), "{body}");
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");

    // A missing file fails before anything is sent.
    let before = server.count("/asset/file");
    let err = client
        .send(&Upload(dir.path().join("missing.png")))
        .unwrap_err();
    assert!(matches!(&err, Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound));
    assert_eq!(server.count("/asset/file"), before);
}

/// A file whose content does not match its size when sent (here a FIFO, whose size reads
/// as 0 but which delivers bytes) fails with a local I/O error naming it, not with a lost
/// connection that is retried.
#[cfg(unix)]
#[test]
fn a_file_that_changes_while_uploaded_is_a_local_error() {
    let server = script_with_token(|_, _| respond(200, r#"{"fileName":"f.png"}"#));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("growing.png");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    {
        // Feeds every reader that opens the FIFO (a retry would open it again); the thread
        // is left blocked in `open` when the test ends.
        let fifo = fifo.clone();
        thread::spawn(move || loop {
            let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
                return;
            };
            let _ = w.write_all(b"bytes the size did not announce");
        });
    }
    let client = cc_client(&server.url).build().unwrap();
    let err = client.send(&Upload(fifo.clone())).unwrap_err();
    let Error::Io(io) = &err else {
        panic!("expected a local I/O error, got {err:?}")
    };
    assert_eq!(io.path(), fifo.as_path());
    // The cause is the error's source, shown once by a report (`{:?}`), not in `Display`.
    assert!(
        format!("{err:?}").contains("changed while it was being uploaded"),
        "{err:?}"
    );
    assert!(
        !err.to_string()
            .contains("changed while it was being uploaded"),
        "{err}"
    );
    assert!(!err.may_have_been_processed());
    // The body failed before its first byte left (the request head was still held back).
    assert_eq!(server.count("/asset/file"), 0);
}
