//! Iterating on jobs against the offline sandbox (issue 15): paging through lists, final
//! progress, preliminary results, queued jobs, definition revisions.

use rapidata::{Client, DataItem, JobDefinition};
use rapidata_sandbox::Sandbox;

mod common;
use common::sandbox::{client, quick as sandbox};

/// A one-datapoint text compare definition asking for `votes` responses.
fn small_definition(client: &Client, name: &str, votes: u32) -> JobDefinition {
    client
        .job()
        .create_compare_job_definition(
            name,
            "Which is funnier?",
            [[DataItem::text("a joke"), DataItem::text("another joke")]],
        )
        .responses_per_datapoint(votes)
        .create()
        .unwrap()
}

/// The `GET` requests the sandbox saw on `path` (query strings left out).
fn gets(sb: &Sandbox, path: &str) -> Vec<String> {
    sb.requests()
        .into_iter()
        .filter(|r| r["method"] == "GET" && r["path"] == path)
        .map(|r| r["query"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn iterating_jobs_reads_every_page_lazily() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let audience = client.audience().global_audience().unwrap();
    let definition = small_definition(&client, "Paged", 1);
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(audience.assign_job(&definition).unwrap().id().to_owned());
    }
    ids.reverse(); // newest first, as listed

    // Two jobs a page: three pages, read only as the iterator gets there.
    let before = gets(&sb, "/jobs").len();
    let mut walk = client.job().find_jobs("Paged").amount(2).iter();
    let first = walk.next().unwrap().unwrap();
    assert_eq!(first.id(), ids[0]);
    assert_eq!(walk.pages_read(), 1);
    assert_eq!(gets(&sb, "/jobs").len(), before + 1, "one page so far");
    let rest: Vec<String> = walk.by_ref().map(|j| j.unwrap().id().to_owned()).collect();
    assert_eq!(rest, ids[1..]);
    assert_eq!(walk.pages_read(), 3);
    let queries = gets(&sb, "/jobs");
    assert_eq!(queries.len(), before + 3);
    assert!(
        queries[before + 2].starts_with("page=3&page_size=2&"),
        "{queries:?}"
    );

    // From page 2 on, and a single page with send().
    let from_two: Vec<String> = client
        .job()
        .find_jobs("Paged")
        .amount(2)
        .page(2)
        .iter()
        .map(|j| j.unwrap().id().to_owned())
        .collect();
    assert_eq!(from_two, ids[2..]);
    let page_two = client
        .job()
        .find_jobs("Paged")
        .amount(2)
        .page(2)
        .send()
        .unwrap();
    assert_eq!(
        page_two.iter().map(|j| j.id()).collect::<Vec<_>>(),
        ids[2..4].iter().map(String::as_str).collect::<Vec<_>>()
    );

    // The same mechanism on an audience's jobs, definitions and audiences.
    let of_audience = audience.find_jobs().amount(4).iter().count();
    assert_eq!(of_audience, 5);
    let definitions: Vec<_> = client
        .job()
        .find_job_definitions("Paged")
        .amount(1)
        .iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(definitions.len(), 1);
    assert_eq!(definitions[0].id(), definition.id());
    for name in ["Team A", "Team B", "Team C"] {
        client.audience().create_audience(name).create().unwrap();
    }
    let teams: Vec<String> = client
        .audience()
        .find_audiences("Team")
        .amount(2)
        .iter()
        .map(|a| a.unwrap().name().to_owned())
        .collect();
    assert_eq!(teams, ["Team C", "Team B", "Team A"]);
}
