//! The create requests of the guide's workflow are the official SDK 3.27.1's, body for body.
//!
//! `tests/fixtures/sdk-3.27.1/*.json` are captures of what the official Python SDK sent
//! when `conformance/run.sh` ran its scenarios against our sandbox (see
//! `conformance/README.md`); `.ci/run` captures them afresh and points
//! `RAPIDATA_SDK_CAPTURE_DIR` at the new files, so the comparison is always with what the
//! SDK sends today. These tests run the same scenarios with this crate against an
//! in-process sandbox, read the sandbox's request journal, and compare the two after the
//! same normalisation: every id the server minted, and every uploaded file name, is
//! replaced by a placeholder naming where it came from. The bodies of every request that
//! creates or changes something (audience, examples, recruit, dataset, datapoints,
//! definition, job) must then be equal as multisets per route.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::Value;

use crate::support::sandboxed;
use sandboxed::results_of;

mod dataset_update;
mod jobs;
mod validation;

include!("../../../examples/custom_audience/seed.rs");

/// The routes compared: every create request of the workflow.
const CREATE_ROUTES: &[&str] = &[
    "POST /audience",
    "POST /audience/{id}/example",
    "POST /audience/{id}/recruit",
    "POST /dataset",
    "POST /dataset/{id}/datapoint",
    "POST /dataset/{id}/group",
    "POST /job/definition",
    REVISION_ROUTE,
    "POST /job",
];

fn capture(name: &str) -> Vec<Value> {
    let dir = std::env::var_os("RAPIDATA_SDK_CAPTURE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdk-3.27.1")
        });
    let path = dir.join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the SDK capture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// `/dataset/6650…/datapoint` → `/dataset/{id}/datapoint`: a segment is an id when it holds
/// a digit, `_` or `%` (the same rule as `conformance/summarize.py`).
fn template(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg
                .chars()
                .any(|c| c.is_ascii_digit() || c == '_' || c == '%')
            {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `{url, fileName}` pair in a response (batch upload results).
fn url_file_pairs(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(u)), Some(Value::String(f))) =
                (m.get("url"), m.get("fileName"))
            {
                out.push((u.clone(), f.clone()));
            }
            m.values().for_each(|x| url_file_pairs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| url_file_pairs(x, out)),
        _ => {}
    }
}

/// The create requests of a journal as `route → sorted bodies`, with server-minted ids and
/// file names replaced by placeholders.
fn normalized(journal: &[Value], routes: &[&str]) -> BTreeMap<String, Vec<String>> {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut minted: HashMap<String, usize> = HashMap::new();
    for e in journal {
        let method = e["method"].as_str().unwrap_or("");
        let path = e["path"].as_str().unwrap_or("");
        let query = e["query"].as_str().unwrap_or("");
        let response = &e["response"];
        if let Some(Value::String(file)) = response.get("fileName") {
            let original = query_param(query, "url").unwrap_or_else(|| "file".to_owned());
            names.insert(file.clone(), format!("<file {original}>"));
        }
        let mut pairs = Vec::new();
        url_file_pairs(response, &mut pairs);
        for (url, file) in pairs {
            names.insert(file, format!("<file {url}>"));
        }
        if method == "POST" {
            if let Value::Object(m) = response {
                for (k, v) in m {
                    if let Value::String(id) = v {
                        if (k == "id" || k.ends_with("Id")) && !names.contains_key(id) {
                            let route = format!("{method} {}", template(path));
                            let n = minted.entry(format!("{route}.{k}")).or_default();
                            *n += 1;
                            names.insert(id.clone(), format!("<{route}.{k}#{n}>"));
                        }
                    }
                }
            }
        }
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in journal {
        let method = e["method"].as_str().unwrap_or("");
        let path = e["path"].as_str().unwrap_or("");
        let route = format!("{method} {}", template(path));
        if !routes.contains(&route.as_str()) {
            continue;
        }
        let status = e["status"].as_u64().unwrap_or(0);
        if !(200..300).contains(&status) {
            continue;
        }
        let mut body = e["body"].clone();
        replace(&mut body, &names);
        if route == REVISION_ROUTE {
            for member in ["workflow", "referee"] {
                if let Some(v) = body.get_mut(member) {
                    drop_nulls(v);
                }
            }
        }
        let mut p = path.to_owned();
        for (id, placeholder) in &names {
            p = p.replace(id.as_str(), placeholder);
        }
        out.entry(route)
            .or_default()
            .push(format!("{p} {}", serde_json::to_string(&body).unwrap()));
    }
    for bodies in out.values_mut() {
        bodies.sort();
    }
    out
}

/// The route of a revision save.
const REVISION_ROUTE: &str = "POST /job/definition/{id}/revision";

/// Removes every `null` member of the objects in `v`, at any depth.
///
/// Used on the workflow and referee of a revision save only: the official SDK sends back
/// the loaded revision's workflow through its generated models, whose `from_dict` marks
/// every member as set, so every nullable member it did not receive goes out as `null`
/// (`"batchSize": null`, `"title": {"language": null, …}`), where this crate sends the
/// members it received. Inside the workflow and referee the API reads a `null` member as
/// a missing one; the top-level members of the body (`validationSetId`, `aggregatorType`,
/// where `null` and missing differ) are still compared as sent.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn replace(v: &mut Value, names: &HashMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(p) = names.get(s.as_str()) {
                *s = p.clone();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| replace(x, names)),
        Value::Object(m) => m.values_mut().for_each(|x| replace(x, names)),
        // JSON has one number type: Python writes the float 1 as `1` where Rust writes
        // `1.0`. Whole numbers are compared as integers, every other number exactly.
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15) {
                *v = Value::from(f as i64);
            }
        }
        _ => {}
    }
}

/// Requests per route of a journal, for the comparison's report.
fn route_counts(journal: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for e in journal {
        let route = format!(
            "{} {}",
            e["method"].as_str().unwrap_or(""),
            template(e["path"].as_str().unwrap_or(""))
        );
        *counts.entry(route).or_default() += 1;
    }
    counts
}

fn assert_same(ours: &[Value], sdk: &[Value]) {
    let sdk_routes = assert_same_on(ours, sdk, CREATE_ROUTES);
    assert!(
        sdk_routes.iter().any(|r| r == "POST /job"),
        "the SDK capture must reach POST /job: {sdk_routes:?}"
    );
}

/// Compares the bodies of `routes` and returns the routes the SDK capture used.
fn assert_same_on(ours: &[Value], sdk: &[Value], routes: &[&str]) -> Vec<String> {
    let (a, b) = (route_counts(ours), route_counts(sdk));
    eprintln!(
        "requests: rapidata-rs {}, official SDK {}",
        ours.len(),
        sdk.len()
    );
    for route in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        eprintln!(
            "  {:>3} {:>3}  {route}",
            a.get(route).copied().unwrap_or(0),
            b.get(route).copied().unwrap_or(0)
        );
    }
    let ours = normalized(ours, routes);
    let sdk = normalized(sdk, routes);
    for route in routes {
        let a = ours.get(*route).cloned().unwrap_or_default();
        let b = sdk.get(*route).cloned().unwrap_or_default();
        if a != b {
            panic!(
                "{route} differs from the official SDK 3.27.1\n--- ours ({}):\n{}\n--- SDK ({}):\n{}",
                a.len(),
                a.join("\n"),
                b.len(),
                b.join("\n")
            );
        }
    }
    b.into_keys().collect()
}

#[test]
fn normalisation_maps_minted_ids_and_file_names() {
    let journal: Vec<Value> = serde_json::from_str(
        r#"[
        {"method":"POST","path":"/audience","query":"","status":200,"body":{"name":"A"},"response":{"audienceId":"aud_X1"}},
        {"method":"POST","path":"/asset/url","query":"url=https%3A//e.com/a.jpg","status":200,"body":null,"response":{"fileName":"f-1.jpg"}},
        {"method":"POST","path":"/audience/aud_X1/example","query":"","status":200,"body":{"asset":{"name":"f-1.jpg"}},"response":{"id":"ex_1"}},
        {"method":"POST","path":"/dataset","query":"","status":500,"body":{"name":"lost"},"response":null}
    ]"#,
    )
    .unwrap();
    let n = normalized(&journal, CREATE_ROUTES);
    assert_eq!(
        n["POST /audience/{id}/example"],
        vec![
            "/audience/<POST /audience.audienceId#1>/example {\"asset\":{\"name\":\"<file https://e.com/a.jpg>\"}}"
                .to_owned()
        ]
    );
    assert!(
        !n.contains_key("POST /dataset"),
        "failed requests are not compared"
    );
}

#[test]
fn revision_saves_drop_nulls_inside_the_workflow_only() {
    let save = |body: &str| -> Vec<String> {
        let journal: Vec<Value> = serde_json::from_str(&format!(
            r#"[{{"method":"POST","path":"/job/definition/jd_1/revision","query":"","status":200,"body":{body},"response":{{"revisionNumber":2}}}}]"#
        ))
        .unwrap();
        normalized(&journal, CREATE_ROUTES)[REVISION_ROUTE].clone()
    };
    let sdk = save(
        r#"{"workflow":{"_t":"W","batchSize":null,"rapid":{"title":{"literal":"x","segment":null}}},"validationSetId":null}"#,
    );
    let ours =
        save(r#"{"workflow":{"_t":"W","rapid":{"title":{"literal":"x"}}},"validationSetId":null}"#);
    assert_eq!(sdk, ours);
    let without_top_level_null =
        save(r#"{"workflow":{"_t":"W","rapid":{"title":{"literal":"x"}}}}"#);
    assert_ne!(sdk, without_top_level_null);
}

/// Private metadata of one `id` entry per datapoint.
fn ids<const N: usize>(ids: [&str; N]) -> Vec<BTreeMap<String, String>> {
    ids.iter()
        .map(|id| BTreeMap::from([("id".to_owned(), (*id).to_owned())]))
        .collect()
}
