//! The custom-audience workflow of the seed document, end to end against the offline
//! sandbox server: audience, qualification examples, compare and classification job
//! definitions, assignment, waiting with progress, results.

use std::time::Duration;

use rapidata::api::types::AudienceJobState;
use rapidata::job::{Progress, ProgressSink, ResultKind, WaitOptions};
use rapidata::DataItem;

// INSTRUCTION, and the eight DATAPOINTS and PROMPTS of the seed guide.
include!("../../examples/custom_audience/seed.rs");

use crate::support as common;
use common::sandbox::{add_seed_examples, client, quick as sandbox};

#[derive(Default)]
struct Readings(Vec<Progress>, Option<Progress>);

impl ProgressSink for Readings {
    fn update(&mut self, p: &Progress) {
        self.0.push(p.clone());
    }
    fn finish(&mut self, p: &Progress) {
        self.1 = Some(p.clone());
    }
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
}

#[test]
fn seed_workflow_compare_end_to_end() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());

    let audience = client
        .audience()
        .create_audience("Custom Prompt Alignment Audience")
        .min_tasks(8)
        .send()
        .unwrap();
    add_seed_examples(&audience);
    audience.start_recruiting().unwrap();

    let definition = client
        .job()
        .create_compare_job_definition("Prompt Alignment Job", INSTRUCTION, DATAPOINTS)
        .contexts(PROMPTS)
        .send()
        .unwrap();
    assert!(definition
        .preview_url()
        .ends_with(&format!("/definitions/{}", definition.id())));
    let estimate = definition
        .cost_estimate_with(fast())
        .expect("the sandbox computes an estimate");
    assert_eq!(estimate.datapoint_count, 8);

    let found = client
        .job()
        .find_job_definitions("Prompt Alignment")
        .send()
        .unwrap();
    assert!(found.iter().any(|d| d.id() == definition.id()));

    let job = audience.assign_job(&definition).unwrap();
    let mut readings = Readings::default();
    job.wait_with(&mut readings, fast()).unwrap();
    let last = readings.1.expect("finished");
    assert_eq!(last.state, AudienceJobState::Completed);
    assert!(readings
        .0
        .windows(2)
        .all(|w| w[0].percentage <= w[1].percentage));

    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.kind(), &ResultKind::Compare);
    let compare = results.compare().unwrap();
    assert_eq!(compare.datapoints.len(), 8);
    for (dp, (pair, prompt)) in compare
        .datapoints
        .iter()
        .zip(DATAPOINTS.iter().zip(PROMPTS))
    {
        assert_eq!(dp.context.as_deref(), Some(prompt));
        assert_eq!(dp.asset_a(), Some(pair[0]), "{dp:?}");
        assert_eq!(dp.asset_b(), Some(pair[1]));
        let votes: u64 = dp.tallies.values().filter_map(|t| t.votes).sum();
        assert!(votes > 0);
        assert_eq!(dp.responses.len() as u64, votes);
    }
    assert_eq!(
        compare.summary.a_wins + compare.summary.b_wins + compare.summary.no_winner,
        8
    );
    // The sandbox's crowd prefers the first image; most datapoints must have a winner.
    assert!(compare.summary.a_wins >= 5, "{:?}", compare.summary);
    assert!(compare
        .datapoints
        .iter()
        .any(|dp| dp.winner.as_deref() == Some(dp.asset_a().unwrap())));
    // Every example and datapoint was created exactly once.
    let stats = sb.stats();
    assert_eq!(stats.audiences[audience.id()].examples, 8);
    let dataset = definition.dataset_id().unwrap();
    assert_eq!(stats.datasets[dataset].datapoints, 8);
    let csv_path = dir.path().join("results.csv");
    results.to_csv(&csv_path).unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(text.lines().count(), 9);
    assert!(text.lines().next().unwrap().contains("assetA,assetB"));

    let jobs = client.job().find_jobs_for(&audience).send().unwrap();
    assert!(jobs.iter().any(|j| j.id() == job.id()));
}

#[test]
fn classification_with_files_and_texts_end_to_end() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let image = dir.path().join("cat.png");
    std::fs::write(&image, b"\x89PNG\r\n\x1a\n fake image").unwrap();

    let audience = client.audience().global_audience().unwrap();
    let definition = client
        .job()
        .create_classification_job_definition(
            "Animals",
            "What animal is it?",
            ["Cat", "Dog"],
            [
                DataItem::from(image.as_path()),
                DataItem::text("It purrs."),
                DataItem::url("https://assets.rapidata.ai/dog.jpg"),
            ],
        )
        .responses_per_datapoint(5)
        .send()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.kind(), &ResultKind::Classification);
    let c = results.classification().unwrap();
    assert_eq!(c.datapoints.len(), 3);
    for dp in &c.datapoints {
        let votes: u64 = dp.tallies.values().filter_map(|t| t.votes).sum();
        assert!((1..=5).contains(&votes), "{dp:?}");
    }
}

#[test]
fn pausing_a_sandbox_job_ends_the_wait_and_resuming_lets_it_finish() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let audience = client.audience().global_audience().unwrap();
    let definition = client
        .job()
        .create_compare_job_definition(
            "Pause me",
            "Which is funnier?",
            [[DataItem::text("a joke"), DataItem::text("another joke")]],
        )
        .responses_per_datapoint(50)
        .send()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    job.pause().unwrap();
    let err = job.wait_with((), fast()).unwrap_err();
    match err {
        rapidata::Error::JobStuck(s) => {
            assert_eq!(s.cause(), &rapidata::job::StuckCause::Paused)
        }
        other => panic!("expected JobStuck, got {other:?}"),
    }
    job.resume().unwrap();
    job.wait_with((), fast()).unwrap();
    assert_eq!(job.state().unwrap(), AudienceJobState::Completed);
}

#[test]
fn filtered_global_audience_answers_the_seed_job() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let global = client.audience().global_audience().unwrap();
    let filtered = global
        .filter(rapidata::Filter::country(["US", "DE"]) | rapidata::Filter::language(["en"]))
        .unwrap();
    assert!(filtered.id().starts_with("fau_"), "{}", filtered.id());
    let definition = client
        .job()
        .create_compare_job_definition(
            "Prompt Alignment Job",
            INSTRUCTION,
            [[
                "https://assets.rapidata.ai/flux_book.jpg",
                "https://assets.rapidata.ai/mj_book.jpg",
            ]],
        )
        .contexts(["A small blue book sitting on a large red book."])
        .send()
        .unwrap();
    let job = filtered.assign_job(&definition).unwrap();
    assert_eq!(job.audience_id(), filtered.id());
    let results = job.get_results_with((), fast()).unwrap();
    let compare = results.compare().unwrap();
    assert_eq!(compare.datapoints.len(), 1);
    let dp = &compare.datapoints[0];
    assert_eq!(
        dp.asset_a(),
        Some("https://assets.rapidata.ai/flux_book.jpg")
    );
    assert!(dp.tallies.values().filter_map(|t| t.votes).sum::<u64>() > 0);
}

#[test]
fn the_live_recruiting_rule_end_to_end() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    // Default min_tasks (10) with the guide's eight examples: refused before the request.
    let audience = client
        .audience()
        .create_audience("Too few examples")
        .send()
        .unwrap();
    assert_eq!(
        audience.min_tasks(),
        Some(rapidata::audience::DEFAULT_MIN_TASKS)
    );
    add_seed_examples(&audience);
    let before = sb.stats().route("POST /audience/{audienceId}/recruit");
    let err = audience.start_recruiting().unwrap_err();
    let rapidata::Error::NotEnoughExamples(e) = &err else {
        panic!("expected NotEnoughExamples, got {err:?}");
    };
    assert_eq!((e.examples(), e.min_tasks()), (8, 10));
    assert_eq!(
        sb.stats().route("POST /audience/{audienceId}/recruit"),
        before,
        "no recruit request below min_tasks"
    );

    // The server enforces the same rule, with its own message, for a caller that skips
    // the check (the generated operation, sent as it is).
    let raw = client
        .send(
            &rapidata::api::operations::PostAudienceByAudienceIdRecruit::new(
                audience.id().to_owned(),
            ),
        )
        .unwrap_err();
    assert_eq!(raw.status(), Some(400), "{raw:?}");
    let body = raw.as_api().unwrap().body().to_owned();
    assert!(
        body.contains("The graduation rule needs 10 validation tasks, but the audience only has 8"),
        "{body}"
    );

    // A job on this audience (nobody graduated, nobody recruited): a warning at
    // assignment, and the wait ends with the reason instead of waiting forever.
    let definition = client
        .job()
        .create_compare_job_definition(
            "Never answered",
            INSTRUCTION,
            [[
                "https://assets.rapidata.ai/flux_book.jpg",
                "https://assets.rapidata.ai/mj_book.jpg",
            ]],
        )
        .send()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    assert!(
        job.warnings().iter().any(|w| matches!(
            w,
            rapidata::job::JobWarning::NoGraduatedLabelers {
                recruiting: false,
                ..
            }
        )),
        "{:?}",
        job.warnings()
    );
    match job.wait_with((), fast()).unwrap_err() {
        rapidata::Error::JobStuck(s) => {
            assert_eq!(s.cause(), &rapidata::job::StuckCause::AudienceCannotAnswer)
        }
        other => panic!("expected JobStuck, got {other:?}"),
    }

    // With min_tasks(8) the same eight examples are enough.
    let enough = client
        .audience()
        .create_audience("Eight are enough")
        .min_tasks(8)
        .send()
        .unwrap();
    add_seed_examples(&enough);
    enough.start_recruiting().unwrap();
}

#[test]
fn a_blocked_job_ends_the_wait_with_its_reason() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let audience = client.audience().global_audience().unwrap();
    let definition = client
        .job()
        .create_compare_job_definition(
            "Block me",
            "Which is funnier?",
            [[DataItem::text("a joke"), DataItem::text("another joke")]],
        )
        .responses_per_datapoint(50)
        .send()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    assert!(sb.block_job(job.id(), Some("a task was flagged as offensive")));
    match job.wait_with((), fast()).unwrap_err() {
        rapidata::Error::JobStuck(s) => {
            assert_eq!(s.cause(), &rapidata::job::StuckCause::Blocked);
            assert_eq!(s.state(), &AudienceJobState::Blocked);
            assert!(
                s.reason().contains("flagged as offensive"),
                "{}",
                s.reason()
            );
        }
        other => panic!("expected JobStuck, got {other:?}"),
    }
    // Progress reports the responses collected so far.
    let p = job.get_progress().unwrap();
    assert!(p.responses <= 50, "{p:?}");
}
