use super::*;

#[test]
fn errors_are_thread_safe_and_small() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Error>();
    assert!(std::mem::size_of::<Error>() <= 88);
}

#[test]
fn truncation_respects_char_boundaries() {
    assert_eq!(truncate_chars("héllo", 2), "hé…");
    assert_eq!(truncate_chars("hi", 2), "hi");
}

#[test]
fn problem_details_keep_unknown_members() {
    let p = ProblemDetails::parse(
        br#"{"title":"t","status":400,"stage":"download","upstreamHttpStatus":404,
            "errors":{"a":"single"},"message":"m"}"#,
    )
    .unwrap();
    assert_eq!(p.errors["a"], ["single"]);
    assert_eq!(p.stage(), Some("download"));
    assert_eq!(p.upstream_http_status(), Some(404));
    assert_eq!(p.message(), Some("m"));
    assert_eq!(p.status, Some(400));
    assert!(ProblemDetails::parse(b"\"plain string\"").is_none());
}

#[test]
fn api_error_text_names_status_fields_trace_and_attempts() {
    let op = OperationInfo::new("create_audience", Method::Post, "/audience");
    let e = ApiError::new(
        op,
        502,
        Some("trace-1".into()),
        b"<html>bad gateway</html>",
        None,
        1,
    );
    let text = e.to_string();
    assert!(text.contains("POST /audience failed with HTTP 502 Bad Gateway"));
    assert!(text.contains("<html>bad gateway</html>"));
    assert!(text.contains("Trace id: trace-1"));
    assert!(e.may_have_been_processed());
    let op = OperationInfo::new("get_audience", Method::Get, "/audience/x");
    let e = ApiError::new(op, 503, None, b"", None, 4);
    assert!(e.to_string().contains("Failed after 4 attempts"));
    assert!(!e.may_have_been_processed());
}
