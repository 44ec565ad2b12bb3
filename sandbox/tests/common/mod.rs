//! A tiny HTTP helper over ureq 3 for the sandbox's own tests.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use rapidata_sandbox::Sandbox;
use serde_json::{json, Value};

/// A response: status, `x-trace-id`, parsed JSON body (`Null` when empty or not JSON), raw text.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub trace: Option<String>,
    pub content_type: Option<String>,
    pub json: Value,
    pub text: String,
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn finish(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut resp = resp.expect("transport error");
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let trace = header("x-trace-id");
    let content_type = header("content-type");
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        trace,
        content_type,
        json,
        text,
    }
}

/// Fetches a token with HTTP Basic client authentication.
pub fn token(agent: &ureq::Agent, sb: &Sandbox) -> String {
    let basic = base64(&format!("{}:{}", sb.client_id(), sb.client_secret()));
    let r = finish(
        agent
            .post(format!("{}/connect/token", sb.url()))
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send("grant_type=client_credentials&scope=openid+email+api"),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["access_token"].as_str().unwrap().to_string()
}

pub fn base64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An authenticated client for one sandbox.
pub struct Api {
    pub agent: ureq::Agent,
    pub base: String,
    pub token: String,
}

impl Api {
    pub fn new(sb: &Sandbox) -> Api {
        let agent = agent();
        let token = token(&agent, sb);
        Api {
            agent,
            base: sb.url(),
            token,
        }
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn get(&self, path: &str) -> Resp {
        finish(
            self.agent
                .get(format!("{}{path}", self.base))
                .header("Authorization", self.auth())
                .call(),
        )
    }

    pub fn delete(&self, path: &str) -> Resp {
        finish(
            self.agent
                .delete(format!("{}{path}", self.base))
                .header("Authorization", self.auth())
                .call(),
        )
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.post_raw(path, &body.to_string())
    }

    pub fn post_raw(&self, path: &str, body: &str) -> Resp {
        finish(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", self.auth())
                .header("Content-Type", "application/json")
                .send(body),
        )
    }

    pub fn post_empty(&self, path: &str) -> Resp {
        finish(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", self.auth())
                .send_empty(),
        )
    }

    pub fn patch(&self, path: &str, body: &Value) -> Resp {
        finish(
            self.agent
                .patch(format!("{}{path}", self.base))
                .header("Authorization", self.auth())
                .header("Content-Type", "application/json")
                .send(body.to_string()),
        )
    }

    pub fn upload_file(&self, name: &str, bytes: &[u8]) -> Resp {
        let boundary = "----sandboxtestboundary7MA4YWxk";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        finish(
            self.agent
                .post(format!("{}/asset/file", self.base))
                .header("Authorization", self.auth())
                .header(
                    "Content-Type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .send(&body[..]),
        )
    }

    /// `POST /asset/url?url=…` → fileName.
    pub fn upload_url(&self, url: &str) -> String {
        let r = self.post_empty(&format!("/asset/url?url={}", encode(url)));
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["fileName"].as_str().unwrap().to_string()
    }

    /// Polls `GET /job/{id}` until `Completed` (or panics after `limit`).
    pub fn wait_completed(&self, job_id: &str, limit: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let r = self.get(&format!("/job/{job_id}"));
            assert_eq!(r.status, 200, "{}", r.text);
            match r.json["state"].as_str().unwrap() {
                "Completed" => return start.elapsed(),
                "Failed" => panic!("job failed: {}", r.text),
                _ => {}
            }
            assert!(
                start.elapsed() < limit,
                "job not completed in time: {}",
                r.text
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Python `quote(s, safe='/')`.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub const FLUX_BOOK: &str = "https://assets.rapidata.ai/flux_book.jpg";
pub const MJ_BOOK: &str = "https://assets.rapidata.ai/mj_book.jpg";

/// The seed's qualification examples (first three pairs).
pub const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "https://assets.rapidata.ai/flux_sign_diffusion.jpg",
        "https://assets.rapidata.ai/mj_sign_diffusion.jpg",
        "A sign that says 'Diffusion'.",
    ),
    (
        "https://assets.rapidata.ai/flux_duck.jpg",
        "https://assets.rapidata.ai/mj_duck.jpg",
        "A psychedelic duck with glasses",
    ),
    (
        "https://assets.rapidata.ai/flux_flower.jpg",
        "https://assets.rapidata.ai/mj_flower.jpg",
        "A yellow flower sticking out of a bright green pot.",
    ),
];

pub const INSTRUCTION: &str = "Which image follows the prompt more accurately?";

pub fn existing(name: &str) -> Value {
    json!({"_t": "ExistingAssetInput", "name": name})
}

pub fn pair(a: &str, b: &str) -> Value {
    json!({"_t": "MultiAssetInput", "assets": [existing(a), existing(b)]})
}

/// The graduation rule of [`audience_with_examples`]: 0.75 accuracy over 3 tasks, which its
/// three examples satisfy (the default rule needs 10).
pub fn three_task_rule() -> Value {
    json!({"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 3, "maxTasks": null})
}

/// Creates a custom audience with the seed's three examples (and [`three_task_rule`], so that
/// it may recruit) → audience id. Recruiting is not started.
pub fn audience_with_examples(api: &Api, name: &str) -> String {
    let r = api.post(
        "/audience",
        &json!({"name": name, "filters": [], "graduationRule": three_task_rule()}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let audience = r.json["audienceId"].as_str().unwrap().to_string();
    for (a, b, prompt) in EXAMPLES {
        let fa = api.upload_url(a);
        let fb = api.upload_url(b);
        let r = api.post(
            &format!("/audience/{audience}/example"),
            &json!({
                "asset": pair(&fa, &fb),
                "payload": {"_t": "CompareExamplePayload", "criteria": INSTRUCTION},
                "truth": {"_t": "CompareExampleTruth", "winnerId": fa},
                "randomCorrectProbability": 0.5,
                "explanation": null,
                "context": prompt,
                "featureFlags": null
            }),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    audience
}

/// The `asset` segment of a datapoint (API 2026.10.25).
pub fn asset_segment(asset: Value) -> Value {
    json!({"key": "asset", "kind": "Asset", "asset": asset})
}

/// The `context` segment of a datapoint.
pub fn context_segment(text: &str) -> Value {
    json!({"key": "context", "kind": "Text", "text": text})
}

/// The `answer_options` segment of a datapoint (label = value).
pub fn options_segment(labels: &[&str]) -> Value {
    let options: Vec<Value> = labels
        .iter()
        .map(|l| json!({"label": l, "value": l}))
        .collect();
    json!({"key": "answer_options", "kind": "OptionList", "options": options})
}

/// A datapoint body: an asset, an optional context, a sort index.
pub fn datapoint(asset: Value, context: Option<&str>, sort_index: usize) -> Value {
    let mut segments = vec![asset_segment(asset)];
    if let Some(c) = context {
        segments.push(context_segment(c));
    }
    json!({"segments": segments, "sortIndex": sort_index, "group": null, "privateMetadata": null})
}

/// A compare `SimpleWorkflow` (criteria as a literal, the asset from the `asset` segment).
pub fn compare_workflow(criteria: &str) -> Value {
    json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Compare", "asset": {"segment": "asset"},
           "criteria": {"literal": criteria}, "indexIdentifiers": null}})
}

/// A classification `SimpleWorkflow` whose categories are each datapoint's `answer_options`.
pub fn classify_workflow(title: &str) -> Value {
    json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Classify", "asset": {"segment": "asset"},
           "title": {"literal": title}, "categories": {"segment": "answer_options"}}})
}

/// The schema the SDK sends for classification datasets: the default segments plus a
/// required `answer_options`.
pub fn classify_schema() -> Value {
    json!([
        {"key": "asset", "kind": "Asset", "label": "Asset", "required": true},
        {"key": "context", "kind": "Text", "label": "Context", "required": false, "maxLength": 400},
        {"key": "context_asset", "kind": "Asset", "label": "Context asset", "required": false},
        {"key": "answer_options", "kind": "OptionList", "label": "Answer options", "required": true}
    ])
}

/// Dataset + datapoints + compare definition → definition id. Each datapoint is
/// (A url, B url, context).
pub fn compare_definition(
    api: &Api,
    name: &str,
    datapoints: &[(&str, &str, Option<&str>)],
    votes: i32,
) -> String {
    let r = api.post(
        "/dataset",
        &json!({"name": format!("{name}_dataset"), "schema": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let dataset = r.json["datasetId"].as_str().unwrap().to_string();
    for (i, (a, b, ctx)) in datapoints.iter().enumerate() {
        let fa = api.upload_url(a);
        let fb = api.upload_url(b);
        let r = api.post(
            &format!("/dataset/{dataset}/datapoint"),
            &datapoint(pair(&fa, &fb), *ctx, i),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = api.post(
        "/job/definition",
        &json!({
            "definitionName": name,
            "workflow": compare_workflow(INSTRUCTION),
            "referee": {"_t": "NaiveReferee", "totalVotes": votes},
            "datasetId": dataset
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["definitionId"].as_str().unwrap().to_string()
}

/// `POST /audience/{id}/recruit`, which must succeed.
pub fn recruit(api: &Api, audience: &str) {
    let r = api.post_empty(&format!("/audience/{audience}/recruit"));
    assert_eq!(r.status, 204, "{}", r.text);
}

/// `POST /job` → job id.
pub fn assign(api: &Api, definition: &str, audience: &str) -> String {
    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": definition, "audienceId": audience, "checkForExplicitContent": null,
                "revisionNumber": null, "precedingJobId": null, "experimentId": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["jobId"].as_str().unwrap().to_string()
}

/// Downloads the results of a job as JSON.
pub fn results(api: &Api, job: &str) -> Value {
    let r = api.get(&format!("/job/{job}/download-results"));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type.as_deref(), Some("application/octet-stream"));
    r.json
}

/// A fast sandbox for tests.
pub fn fast() -> rapidata_sandbox::SandboxBuilder {
    Sandbox::builder()
        .response_interval(Duration::from_millis(10))
        .cost_estimate_delay(Duration::from_millis(200))
}
