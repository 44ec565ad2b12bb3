//! The generated request types: one per operation of the input documents, with the
//! official query encoding.

use rapidata::api::operations::{self, GetAudiences, OPERATIONS};
use rapidata::request::{encode_query, Method, Operation, QueryFilter, RequestBody};

/// (method, path) of every operation in the documents the crate was built from.
fn operations_in_documents() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(rapidata::api::SPEC_DIR)
        .expect("spec dir readable")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in files {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for m in ["get", "post", "put", "patch", "delete"] {
                if item.get(m).is_some() {
                    out.push((m.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn one_request_type_per_operation() {
    let docs = operations_in_documents();
    assert!(!docs.is_empty());
    assert_eq!(
        OPERATIONS.len(),
        docs.len(),
        "generated vs. documented operations"
    );
    let mut generated: Vec<(String, String)> = OPERATIONS
        .iter()
        .map(|(_, m, p)| (m.as_str().to_owned(), (*p).to_owned()))
        .collect();
    generated.sort();
    assert_eq!(generated, docs);
    let mut ids: Vec<&str> = OPERATIONS.iter().map(|(id, _, _)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), OPERATIONS.len(), "operation ids are unique");
}

#[test]
fn find_audiences_query_matches_the_official_sdk() {
    let mut op = GetAudiences::new();
    op.page = Some(1);
    op.page_size = Some(10);
    op.sort = vec!["-created_at".into()];
    op.name = Some(QueryFilter::contains(""));
    assert_eq!(
        encode_query(&op.query()),
        "page=1&page_size=10&sort=-created_at&name%5Bcontains%5D="
    );
    assert_eq!(op.path(), "/audiences");
    assert_eq!(GetAudiences::METHOD, Method::Get);
}

#[test]
fn path_parameters_are_percent_encoded() {
    let op = operations::GetAudienceByAudienceId::new("aud/1 2");
    assert_eq!(op.path(), "/audience/aud%2F1%202");
    assert_eq!(
        operations::GetAudienceByAudienceId::PATH_TEMPLATE,
        "/audience/{audienceId}"
    );
}

#[test]
fn bodiless_posts_send_nothing_and_urls_go_in_the_query() {
    let op = operations::PostAudienceByAudienceIdRecruit::new("aud_1");
    assert_eq!(op.body(), RequestBody::Empty);
    let mut up = operations::PostAssetUrl::new("https://example.com/a b.png?x=1");
    up.compress = None;
    assert_eq!(op.path(), "/audience/aud_1/recruit");
    assert_eq!(up.body(), RequestBody::Empty);
    assert_eq!(
        encode_query(&up.query()),
        "url=https%3A//example.com/a%20b.png%3Fx%3D1"
    );
}

#[test]
fn file_uploads_are_multipart_with_a_file_part() {
    let part = rapidata::request::FilePart::from_path("/tmp/photo.jpg");
    let op = operations::PostAssetFile::new(part.clone());
    match op.body() {
        RequestBody::Multipart(parts) => {
            assert_eq!(parts.len(), 1);
            assert_eq!(parts[0].name, "file");
            assert_eq!(parts[0].content, part);
        }
        other => panic!("expected multipart, got {other:?}"),
    }
}

#[test]
fn results_download_is_raw_bytes() {
    assert_eq!(
        operations::GetJobByJobIdDownloadResults::ACCEPT,
        "application/octet-stream"
    );
    let bytes = operations::GetJobByJobIdDownloadResults::decode(b"{\"a\":1}").unwrap();
    assert_eq!(bytes, b"{\"a\":1}");
}

#[test]
fn in_filters_and_booleans_encode_as_strings() {
    let mut op = operations::GetJobs::new();
    op.state = Some(QueryFilter::one_of(["Running", "Paused"]));
    op.audience_id = Some(QueryFilter::eq("aud_1"));
    let q = encode_query(&op.query());
    assert!(
        q.contains("state%5Bin%5D=Running&state%5Bin%5D=Paused"),
        "{q}"
    );
    assert!(q.contains("audience_id%5Beq%5D=aud_1"), "{q}");
}
