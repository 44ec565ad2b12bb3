//! The upload pipeline against a faulty sandbox: files, URL pairs (batch upload), mixed
//! pairs and an item shared between datapoints, with 8 % of requests answered 503, 4 %
//! answered 429 and 4 % of connections dropped (half of them after the request was
//! carried out, so datapoints are created although their answer is lost). For several
//! seeds the definition must be created with every datapoint exactly once, each under its
//! own `sortIndex` with its own assets, and the sandbox must never have handled more
//! requests at once than the client's `max_workers`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rapidata::{Client, DataItem};
use rapidata_sandbox::Sandbox;
use serde_json::Value;

const WORKERS: usize = 4;
const DATAPOINTS: usize = 30;

fn sandbox(seed: u64) -> Sandbox {
    Sandbox::builder()
        .seed(seed)
        // Enough that requests overlap, so the bound on them is tested.
        .latency(Duration::from_millis(5))
        // Batches finish 50 ms after their creation.
        .response_interval(Duration::from_millis(100))
        .rate_503(0.08)
        .rate_429(0.04)
        .retry_after_secs(1)
        .rate_drop(0.04)
        .threads(32)
        .start()
        .expect("the sandbox starts")
}

/// The shared sandbox client with the pipeline's workers and quick retries.
fn client(sb: &Sandbox, dir: &Path) -> Client {
    crate::support::sandbox::builder(sb, dir)
        .max_workers(WORKERS)
        .max_attempts(8)
        .backoff_base(Duration::from_millis(5))
        .backoff_max(Duration::from_millis(50))
        .retry_after_cap(Duration::from_millis(20))
        .build()
        .expect("the client builds")
}

/// Datapoint `i`: two files, two URLs, or a file and a URL; every tenth one shares its
/// first URL with datapoint 1.
fn datapoints(dir: &Path) -> Vec<[DataItem; 2]> {
    let file = |name: String| {
        let path = dir.join(name);
        std::fs::write(&path, b"\x89PNG\r\n\x1a\n pipeline test").unwrap();
        DataItem::file(path)
    };
    let url =
        |i: usize, side: &str| DataItem::url(format!("https://cdn.example.com/{i}/{side}.jpg"));
    (0..DATAPOINTS)
        .map(|i| match i % 3 {
            _ if i % 10 == 9 => [url(1, "a"), url(i, "b")],
            0 => [file(format!("f{i}-a.png")), file(format!("f{i}-b.png"))],
            1 => [url(i, "a"), url(i, "b")],
            _ => [file(format!("f{i}-a.png")), url(i, "b")],
        })
        .collect()
}

/// What the caller wrote for an item, as the sandbox's journal shows it: a file's base
/// name (the multipart file name) or the URL.
fn shown(item: &DataItem) -> String {
    match item {
        DataItem::File(p) => p.file_name().unwrap().to_string_lossy().into_owned(),
        other => other.identifier(),
    }
}

/// Server file name → what was uploaded as it, from the journal's upload answers.
fn originals(journal: &[Value]) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for e in journal.iter().filter(|e| e["status"] == 200) {
        let path = e["path"].as_str().unwrap_or("");
        if e["method"] == "POST" && path == "/asset/file" {
            let original = e["body"]["multipart"][0]["filename"].as_str().unwrap();
            let name = e["response"]["fileName"].as_str().unwrap();
            names.insert(name.to_owned(), original.to_owned());
        } else if e["method"] == "GET"
            && path.starts_with("/asset/batch-upload/")
            && path != "/asset/batch-upload/status"
        {
            for item in e["response"]["items"].as_array().unwrap() {
                if let Some(name) = item["fileName"].as_str() {
                    names.insert(name.to_owned(), item["url"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    names
}

fn segment<'a>(body: &'a Value, key: &str) -> &'a Value {
    body["segments"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["key"] == key))
        .unwrap_or_else(|| panic!("no {key} segment in {body}"))
}

#[test]
fn the_pipeline_keeps_order_exactly_once_and_the_worker_bound_under_faults() {
    let mut faults = 0;
    let mut lost_answers = 0;
    for seed in 1..=3u64 {
        let sb = sandbox(seed);
        let dir = tempfile::tempdir().unwrap();
        let client = client(&sb, dir.path());
        let items = datapoints(dir.path());
        let contexts: Vec<String> = (0..DATAPOINTS).map(|i| format!("datapoint {i}")).collect();
        let definition = client
            .job()
            .create_compare_job_definition("Pipeline", "Which is better?", items.clone())
            .contexts(contexts)
            .progress(())
            .send()
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));

        let stats = sb.stats();
        faults += stats.faults.service_unavailable + stats.faults.too_many_requests;
        faults += stats.faults.dropped;
        lost_answers += stats.faults.dropped_after_processing;
        // Exactly once: the dataset holds each sort index once, and only those.
        let ds = &stats.datasets[definition.dataset_id().unwrap()];
        assert_eq!(ds.datapoints, DATAPOINTS, "seed {seed}");
        assert_eq!(
            ds.sort_indexes,
            (0..DATAPOINTS as i64).collect::<Vec<_>>(),
            "seed {seed}"
        );
        // Never more requests at once than max_workers, and more than one at a time.
        assert!(
            stats.max_in_flight <= WORKERS as u64,
            "seed {seed}: {} requests at once with max_workers {WORKERS}",
            stats.max_in_flight
        );
        assert!(stats.max_in_flight >= 2, "seed {seed}: no parallelism");

        // Order: every datapoint request ever sent (answered or not) carries the sort
        // index of the caller's position, with the assets of that position's items.
        let journal = sb.requests();
        let names = originals(&journal);
        let datapoint_path = format!("/dataset/{}/datapoint", definition.dataset_id().unwrap());
        let sent: Vec<&Value> = journal
            .iter()
            .filter(|e| e["method"] == "POST" && e["path"] == datapoint_path)
            .map(|e| &e["body"])
            .collect();
        assert!(sent.len() >= DATAPOINTS, "seed {seed}: {} sent", sent.len());
        for body in sent {
            let context = segment(body, "context")["text"].as_str().unwrap();
            let i: usize = context.strip_prefix("datapoint ").unwrap().parse().unwrap();
            assert_eq!(body["sortIndex"], i as u64, "seed {seed}: {body}");
            let assets: Vec<&str> = segment(body, "asset")["asset"]["assets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| names[a["name"].as_str().unwrap()].as_str())
                .collect();
            let expected: Vec<String> = items[i].iter().map(shown).collect();
            assert_eq!(assets, expected, "seed {seed}, datapoint {i}");
        }
    }
    // The runs were faulty, and some answers to carried-out requests were lost.
    assert!(
        faults > 0 && lost_answers > 0,
        "{faults} faults, {lost_answers} lost"
    );
}
