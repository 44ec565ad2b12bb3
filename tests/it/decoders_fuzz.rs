//! Decoder robustness: every decoder the client runs on server bytes returns `Ok` or `Err`
//! for any input — arbitrary bytes, arbitrary JSON, valid documents with a subtree replaced
//! or a byte flipped, and valid documents cut at any byte — and never panics.
//!
//! Its mocks stay raw JSON (`json!`) on purpose: the point is bytes no model can express.
//!
//! Decoders covered (as the client calls them):
//!
//! | decoder | how | proptest cases |
//! |---|---|---|
//! | `GET /audiences` page (`QueryAudiencesEndpointPagedResultOfOutput`) | `Operation::decode` | 3000 |
//! | `GET /jobs` page (`QueryJobsEndpointPagedResultOfOutput`) | `Operation::decode` | 3000 |
//! | `GET /job/{id}` (`GetJobByIdEndpointOutput`) | `Operation::decode` | 3000 |
//! | `GET /job/{id}/progress` (`GetJobProgressEndpointOutput`) | `Operation::decode` | 3000 |
//! | result files | `JobResults::from_slice` (+ `len`, `Display`, both CSV layouts) | 3000 |
//! | result files from JSON values | `JobResults::from_value` (+ CSV) | 1500 |
//! | error bodies | `ProblemDetails::parse` (+ accessors) | 3000 |
//! | error bodies through the client | `Client::send` against a 4xx/5xx mock | 400 |
//! | success bodies through the client | `Client::send` against a 200 mock | 250 |
//! | token endpoint responses (200/400/401) | `Client::get_token` against a mock `/connect/token` | 400 |
//! | token files | `AccessToken::read_file` | 800 |
//!
//! 21 350 generated cases in all, plus the deterministic tests below (every prefix of every
//! valid document through its decoder, compact and pretty-printed; 100 000-deep nesting).
//! The whole file takes about 3 s on an idle 2-core machine in a debug build. A one-off
//! run with 60 000 cases per local decoder found nothing either.

use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use proptest::prelude::*;
use proptest::sample::Index;
use rapidata::api::operations::{GetAudiences, GetJobByJobId, GetJobByJobIdProgress, GetJobs};
use rapidata::job::JobResults;
use rapidata::request::{decode_json, DecodeError, Method, Operation};
use rapidata::{AccessToken, Client, ProblemDetails};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Valid documents

fn audiences_page() -> Value {
    json!({"total": 2, "page": 1, "pageSize": 10, "totalPages": 1, "items": [{
        "id": "aud_a", "name": "Audience a", "status": "Recruiting",
        "qualifiedUserCount": 7, "filters": [{"_t": "LanguageFilter", "languages": ["en"]},
            {"_t": "AndFilter", "filters": [{"_t": "CountryFilter", "countries": ["US"]}]}],
        "createdAt": "2026-07-13T11:07:53+00:00", "ownerMail": "me@example.com",
        "organizationId": "org_1", "isPublic": false, "isDistilling": true, "isShared": false,
        "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10}}]})
}

fn jobs_page() -> Value {
    json!({"total": 1, "page": 1, "pageSize": 10, "items": [{
        "jobId": "job_1", "name": "Alignment:1", "jobDefinitionId": "def_1",
        "audienceId": "aud_1", "revisionNumber": 1, "pipelineId": "pip_1",
        "state": "Running", "ownerMail": "me@example.com", "organizationId": "org_1",
        "createdAt": "2026-07-13T11:07:53+00:00", "progress": 0.5, "isShared": false}]})
}

fn job() -> Value {
    json!({"jobId": "job_1", "name": "Prompt alignment:1", "definitionId": "jd_1",
           "audienceId": "aud_1", "revisionNumber": 1, "pipelineId": "pl_1", "state": "Running",
           "isPublic": false, "audienceDeleted": false,
           "createdAt": "2026-07-13T11:07:53.577348+00:00",
           "ownerId": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11", "ownerMail": "me@example.com",
           "organizationId": "org_1"})
}

fn progress() -> Value {
    json!({"completionPercentage": 42.5, "total": 10, "completed": 4, "responseCount": 17,
           "state": "Labeling"})
}

fn compare_results() -> Value {
    json!({
      "info": {"createdAt": "2026-07-13T11:07:53.577348+00:00", "version": "4.1.0",
               "type": "Compare", "name": "Example", "instruction": "Which is better?"},
      "results": [{
        "context": "A small blue book sitting on a large red book.",
        "winner": "b.jpg", "winnerIndex": 1, "weightedWinner": "b.jpg",
        "weightedWinnerIndex": 1, "winner_index": 1,
        "assetUrls": {"a.jpg": "https://assets.rapidata.ai/a.jpg",
                      "b.jpg": "https://assets.rapidata.ai/b.jpg"},
        "aggregatedResults": {"a.jpg": 0, "b.jpg": 3, "Both": 1},
        "aggregatedResultsRatios": {"a.jpg": 0.0, "b.jpg": 1.0},
        "summedUserScores": {"a.jpg": 0.0, "b.jpg": 2.552},
        "summedUserScoresRatios": {"a.jpg": 0.0, "b.jpg": 1.0},
        "privateMetadata": {"source": "batch-7"},
        "detailedResults": [{"votedFor": "b.jpg",
          "userDetails": {"country": "EG", "language": "ar", "userScores": {"global": 0.845},
                          "demographics": {"age": "18-29", "gender": "Other"}}}]
      }],
      "summary": {"A_wins_total": 0, "B_wins_total": 1}
    })
}

fn classification_results() -> Value {
    json!({
      "info": {"type": "Classification", "version": "3.0.0"},
      "results": [{
        "identifier": "image1.jpg", "originalFileName": "image1.jpg",
        "assetUrl": "https://assets.rapidata.ai/x.jpg",
        "aggregatedResults": {"Cat": 15, "Dog": 8},
        "aggregatedResultsRatios": {"Cat": 0.6522, "Dog": 0.3478},
        "confidencePerCategory": {"Cat": 0.989, "Dog": 0.011},
        "detailedResults": [{"selectedCategory": "Cat",
          "userDetails": {"country": "US", "language": "en", "userScores": {"global": 0.75}}}]
      }],
      "summary": {"Cat": 15, "Dog": 8}
    })
}

/// The older layout some docs show (`results.data`, `userScore` as a number).
fn old_results() -> Value {
    json!({"info": {"orderType": "Classify"},
           "results": {"globalAggregatedData": {"Cat": 2},
                       "data": [{"aggregatedResults": {"Cat": 2},
                                 "detailedResults": [{"selectedCategory": "Cat",
                                   "userDetails": {"userScore": 0.5}}]}]}})
}

fn problem() -> Value {
    json!({"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
           "title": "One or more validation errors occurred.", "status": 400,
           "detail": "d", "instance": "/audience",
           "errors": {"Name": ["'Name' must not be empty."], "Other": "single"},
           "traceId": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
           "stage": "download", "upstreamHttpStatus": 404, "message": "m", "error": "e"})
}

fn token() -> Value {
    json!({"access_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "token_type": "Bearer",
           "expires_in": 3600, "scope": "openid email api", "expires_at": 4102444800u64})
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

// ---------------------------------------------------------------------------------------
// Decoders

/// Runs an operation's decoder; the output is dropped.
fn op_decode<O: Operation>(input: &[u8]) -> Result<(), DecodeError> {
    O::decode(input).map(drop)
}

/// Parses a result file and walks everything the crate derives from it.
fn results_decode(input: &[u8]) -> Result<(), DecodeError> {
    let r = JobResults::from_slice(input)?;
    walk_results(&r);
    Ok(())
}

fn walk_results(r: &JobResults) {
    let _ = (r.len(), r.is_empty(), r.kind(), r.info(), r.to_string());
    let _ = r.compare().map(|c| c.datapoints.len());
    let _ = r.classification().map(|c| c.totals.len());
    let mut out = Vec::new();
    let _ = r.write_csv(&mut out, false);
    out.clear();
    let _ = r.write_csv(&mut out, true);
}

fn problem_decode(input: &[u8]) -> Result<(), DecodeError> {
    let Some(p) = ProblemDetails::parse(input) else {
        return Err(DecodeError {
            path: String::new(),
            message: "not an object".into(),
        });
    };
    let _ = (
        p.trace_id(),
        p.message(),
        p.stage(),
        p.upstream_http_status(),
    );
    let _ = (p.summary(), format!("{p:?}"));
    Ok(())
}

/// The local decoders, each with its valid documents.
type Decoder = fn(&[u8]) -> Result<(), DecodeError>;

fn decoders() -> Vec<(&'static str, Decoder, Vec<Value>)> {
    vec![
        (
            "audiences page",
            op_decode::<GetAudiences>,
            vec![audiences_page()],
        ),
        ("jobs page", op_decode::<GetJobs>, vec![jobs_page()]),
        ("job", op_decode::<GetJobByJobId>, vec![job()]),
        (
            "progress",
            op_decode::<GetJobByJobIdProgress>,
            vec![progress()],
        ),
        (
            "result file",
            results_decode,
            vec![compare_results(), classification_results(), old_results()],
        ),
        ("problem details", problem_decode, vec![problem()]),
    ]
}

// ---------------------------------------------------------------------------------------
// Strategies

/// Object keys: mostly names the decoders look for, so generated documents get past the
/// first field; sometimes anything.
fn key() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "items",
        "total",
        "page",
        "pageSize",
        "totalPages",
        "id",
        "name",
        "status",
        "state",
        "jobId",
        "audienceId",
        "createdAt",
        "progress",
        "filters",
        "_t",
        "countries",
        "graduationRule",
        "completionPercentage",
        "completed",
        "info",
        "type",
        "orderType",
        "version",
        "results",
        "data",
        "winner",
        "winnerIndex",
        "assetUrls",
        "aggregatedResults",
        "detailedResults",
        "userDetails",
        "userScores",
        "userScore",
        "summary",
        "votedFor",
        "selectedCategory",
        "privateMetadata",
        "context",
        "title",
        "errors",
        "traceId",
        "message",
        "error",
        "stage",
        "upstreamHttpStatus",
        "access_token",
        "token_type",
        "expires_in",
        "expires_at",
        "scope",
        "A",
        "B",
        "Both",
    ];
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ]
}

/// Any JSON value, up to 4 levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        (-2i64..=200).prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
        prop::sample::select(
            &[
                "Running",
                "Completed",
                "Compare",
                "Classification",
                "a.jpg",
                ""
            ][..]
        )
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// How many nodes `v` has (pre-order).
fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Replaces the `n`-th node (pre-order) of `v` with `with`; returns how many nodes were
/// passed.
fn replace_node(v: &mut Value, n: usize, with: &mut Option<Value>) -> usize {
    if n == 0 {
        if let Some(w) = with.take() {
            *v = w;
        }
        return 1;
    }
    let mut seen = 1;
    let children: Vec<&mut Value> = match v {
        Value::Array(a) => a.iter_mut().collect(),
        Value::Object(o) => o.values_mut().collect(),
        _ => Vec::new(),
    };
    for child in children {
        if with.is_none() {
            break;
        }
        seen += replace_node(child, n - seen, with);
        if n < seen {
            break;
        }
    }
    seen
}

/// Every kind of input for a decoder whose valid documents are `valid`.
fn inputs(valid: Vec<Value>) -> BoxedStrategy<Vec<u8>> {
    let docs: Vec<Vec<u8>> = valid.iter().map(bytes).collect();
    let valid = Arc::new(valid);
    let docs = Arc::new(docs);
    let (v1, d1, d2) = (valid.clone(), docs.clone(), docs.clone());
    prop_oneof![
        // Arbitrary bytes.
        prop::collection::vec(any::<u8>(), 0..200),
        // Arbitrary JSON.
        json_value().prop_map(|v| bytes(&v)),
        // A valid document with one subtree replaced by arbitrary JSON.
        (any::<Index>(), any::<Index>(), json_value()).prop_map(move |(doc, node, with)| {
            let mut v = v1[doc.index(v1.len())].clone();
            let n = node.index(count_nodes(&v));
            replace_node(&mut v, n, &mut Some(with));
            bytes(&v)
        }),
        // A valid document cut at any byte.
        (any::<Index>(), any::<Index>()).prop_map(move |(doc, at)| {
            let d = &d1[doc.index(d1.len())];
            d[..at.index(d.len() + 1)].to_vec()
        }),
        // A valid document with one byte changed.
        (any::<Index>(), any::<Index>(), any::<u8>()).prop_map(move |(doc, at, b)| {
            let mut d = d2[doc.index(d2.len())].clone();
            let i = at.index(d.len());
            d[i] = b;
            d
        }),
    ]
    .boxed()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Failures are reported with the shrunk input; nothing is written to the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Local decoders

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn audiences_page_never_panics(input in inputs(vec![audiences_page()])) {
        let _ = op_decode::<GetAudiences>(&input);
    }

    #[test]
    fn jobs_page_never_panics(input in inputs(vec![jobs_page()])) {
        let _ = op_decode::<GetJobs>(&input);
    }

    #[test]
    fn job_never_panics(input in inputs(vec![job()])) {
        let _ = op_decode::<GetJobByJobId>(&input);
    }

    #[test]
    fn progress_never_panics(input in inputs(vec![progress()])) {
        let _ = op_decode::<GetJobByJobIdProgress>(&input);
    }

    #[test]
    fn result_files_never_panic(
        input in inputs(vec![compare_results(), classification_results(), old_results()])
    ) {
        let _ = results_decode(&input);
    }

    #[test]
    fn problem_details_never_panic(input in inputs(vec![problem()])) {
        let _ = problem_decode(&input);
    }
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn result_values_never_panic(value in json_value()) {
        walk_results(&JobResults::from_value(value));
    }
}

proptest! {
    #![proptest_config(config(800))]

    #[test]
    fn token_files_never_panic(input in inputs(vec![token()])) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        std::fs::write(&path, &input).unwrap();
        if let Ok(t) = AccessToken::read_file(&path) {
            prop_assert!(!t.secret().is_empty());
            let _ = (t.expires_at(), t.is_expired(std::time::Duration::from_secs(60)));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Through the client, against a mock server whose answer each case sets

/// A mock server answering every request with the status and body set last.
struct Canned {
    server: MockServer,
    answer: Arc<Mutex<(u16, Vec<u8>)>>,
}

impl Canned {
    fn start() -> Canned {
        let server = MockServer::start();
        let answer = Arc::new(Mutex::new((200u16, Vec::new())));
        let shared = answer.clone();
        server.mock(move |_when, then| {
            then.respond_with(move |_req: &HttpMockRequest| {
                let (status, body) = shared.lock().unwrap().clone();
                HttpMockResponse::builder()
                    .status(status)
                    .body(body)
                    .build()
            });
        });
        Canned { server, answer }
    }

    fn set(&self, status: u16, body: &[u8]) {
        *self.answer.lock().unwrap() = (status, body.to_vec());
    }

    fn builder(&self) -> rapidata::ClientBuilder {
        Client::builder()
            .api_url(self.server.base_url())
            .auth_url(self.server.base_url())
            .env_lookup(|_| None)
            .max_attempts(1)
    }
}

/// `GET /anything`, decoded as the generated job type.
struct AnyGet;

impl Operation for AnyGet {
    type Output = rapidata::api::types::GetJobByIdEndpointOutput;
    const ID: &'static str = "any_get";
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = "/anything";
    fn path(&self) -> String {
        "/anything".into()
    }
    fn decode(bytes: &[u8]) -> Result<Self::Output, DecodeError> {
        decode_json(bytes)
    }
}

fn api_server() -> &'static (Canned, Client) {
    static SERVER: std::sync::OnceLock<(Canned, Client)> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| {
        let canned = Canned::start();
        let client = canned.builder().token("test-token").build().unwrap();
        (canned, client)
    })
}

fn token_server() -> &'static Canned {
    static SERVER: std::sync::OnceLock<Canned> = std::sync::OnceLock::new();
    SERVER.get_or_init(Canned::start)
}

/// Serializes the tests that share a canned server.
static SERIAL: Mutex<()> = Mutex::new(());

fn error_statuses() -> impl Strategy<Value = u16> {
    prop::sample::select(&[400u16, 401, 403, 404, 409, 422, 500, 501][..])
}

fn api_error_case(status: u16, body: &[u8]) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (canned, client) = api_server();
    canned.set(status, body);
    let err = client.send(&AnyGet).expect_err("an error status must fail");
    assert_eq!(err.status(), Some(status));
    let _ = (
        err.to_string(),
        err.problem(),
        err.trace_id(),
        err.is_retryable(),
    );
    let _ = err
        .as_api()
        .map(|a| (a.body().len(), a.field_errors().len()));
}

fn api_success_case(body: &[u8]) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (canned, client) = api_server();
    canned.set(200, body);
    if let Err(e) = client.send(&AnyGet) {
        assert!(matches!(e, rapidata::Error::Decode(_)), "{e:?}");
        let _ = e.to_string();
    }
}

/// One fresh client per case, so every call fetches a token.
fn token_case(status: u16, body: &[u8]) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let canned = token_server();
    canned.set(status, body);
    let client = canned
        .builder()
        .client_credentials("client-id", "client-secret-value")
        .build()
        .unwrap();
    match client.get_token() {
        Ok(t) => {
            assert!((200..300).contains(&status));
            assert!(!t.secret().is_empty());
        }
        Err(e) => {
            assert!(matches!(e, rapidata::Error::Auth(_)), "{e:?}");
            assert!(!e.to_string().contains("client-secret-value"));
        }
    }
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn api_error_bodies_never_panic(status in error_statuses(), body in inputs(vec![problem()])) {
        api_error_case(status, &body);
    }

    #[test]
    fn token_responses_never_panic(
        status in prop_oneof![3 => Just(200u16), 1 => Just(400u16), 1 => Just(401u16)],
        body in inputs(vec![token(), json!({"error": "invalid_client",
            "error_description": "client-secret-value is wrong"})]),
    ) {
        token_case(status, &body);
    }
}

proptest! {
    #![proptest_config(config(250))]

    #[test]
    fn api_success_bodies_never_panic(body in inputs(vec![job()])) {
        api_success_case(&body);
    }
}

// ---------------------------------------------------------------------------------------
// Deterministic

#[test]
fn valid_documents_decode() {
    for (name, decode, docs) in decoders() {
        for doc in docs {
            assert!(decode(&bytes(&doc)).is_ok(), "{name}: {doc}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    std::fs::write(&path, bytes(&token())).unwrap();
    AccessToken::read_file(&path).unwrap();
    token_case(200, &bytes(&token()));
    api_success_case(&bytes(&job()));
}

#[test]
fn every_prefix_of_every_valid_document_is_handled() {
    for (_, decode, docs) in decoders() {
        for doc in docs {
            let full = bytes(&doc);
            // Pretty-printed too, so cuts fall inside whitespace and after newlines.
            let pretty = serde_json::to_vec_pretty(&doc).unwrap();
            for d in [full, pretty] {
                for end in 0..=d.len() {
                    let result = decode(&d[..end]);
                    if end < d.len() {
                        assert!(result.is_err(), "a cut document decoded: {:?}", &d[..end]);
                    }
                }
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    let t = bytes(&token());
    for end in 0..t.len() {
        std::fs::write(&path, &t[..end]).unwrap();
        assert!(AccessToken::read_file(&path).is_err());
    }
    // Through the client: every 7th cut, to keep the request count small.
    for end in (0..t.len()).step_by(7) {
        token_case(200, &t[..end]);
    }
    let e = bytes(&problem());
    for end in (0..=e.len()).step_by(7) {
        api_error_case(400, &e[..end]);
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)).into_bytes();
    let inside = format!(
        "{{\"info\":{{\"type\":\"Compare\"}},\"results\":[{{\"winner\":{}{}}}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
    .into_bytes();
    for (name, decode, _) in decoders() {
        for input in [&arrays, &objects, &inside] {
            assert!(
                decode(input).is_err(),
                "{name} accepted {depth}-deep nesting"
            );
        }
    }
}
