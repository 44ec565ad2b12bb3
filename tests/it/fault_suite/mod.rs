//! The seed's complete custom-audience workflow against a faulty sandbox: 10 % of requests
//! answered 503, 5 % answered 429 with `Retry-After: 1`, 2 % of connections dropped without
//! an answer (half of them before the request is carried out, half after, so that the
//! answer is lost although the request took effect), and access tokens that live 5
//! seconds. Every one of 20 seeded runs must succeed, and the sandbox must hold every
//! qualification example and every datapoint exactly once.
//!
//! Each run lasts about 6 s (jobs get a vote every 400 ms), so its first token expires and
//! is renewed mid-run. To keep the suite fast the client is tuned for a loopback server:
//! 10 ms backoff base,
//! `Retry-After` capped at 100 ms (the sandbox asks for 1 s; honouring it in full would
//! make the suite take minutes without testing anything more), 8 attempts, and the
//! progress polled every 50 ms. The 20 seeds run in parallel, each with its own sandbox.

use std::time::{Duration, Instant};

use rapidata::api::types::AudienceJobState;
use rapidata::job::{ResultKind, WaitOptions};
use rapidata::{Client, Error};
use rapidata_sandbox::{Sandbox, Stats};

mod lost_answers;
mod same_name;
mod seeded;

use crate::support::losing_proxy::{Lose, LosingProxy, Meanwhile};

// INSTRUCTION, and the eight DATAPOINTS and PROMPTS of the seed guide.
include!("../../../examples/custom_audience/seed.rs");

const SEEDS: std::ops::RangeInclusive<u64> = 1..=20;
const MAX_ATTEMPTS: u32 = 8;

/// The seed's job: one datapoint with its context.
const JOB_DATAPOINT: [&str; 2] = [
    "https://assets.rapidata.ai/flux_book.jpg",
    "https://assets.rapidata.ai/mj_book.jpg",
];
const JOB_CONTEXT: &str = "A small blue book sitting on a large red book.";

/// The seed's audience and job names: a second team using the same ones must never get
/// mixed up with ours.
const AUDIENCE_NAME: &str = "Custom Prompt Alignment Audience";
const DEFINITION_NAME: &str = "Prompt Alignment Job";

/// Who runs a workflow: the seed's team, or another one using the same names with its own
/// audience description and its own datapoint.
struct Team {
    description: Option<&'static str>,
    datapoint: [&'static str; 2],
    context: &'static str,
}

const SEED_TEAM: Team = Team {
    description: None,
    datapoint: JOB_DATAPOINT,
    context: JOB_CONTEXT,
};

const OTHER_TEAM: Team = Team {
    description: Some("the other team's raters"),
    datapoint: [
        "https://assets.rapidata.ai/dalle_cat.jpg",
        "https://assets.rapidata.ai/sd_cat.jpg",
    ],
    context: "A cat wearing a tiny hat.",
};

fn faulty_sandbox(seed: u64) -> Sandbox {
    Sandbox::builder()
        .seed(seed)
        // The job takes about 12 intervals (qualification, then 10 votes): ~5 s, so every
        // run outlives its first 5-second token and must renew it under faults.
        .response_interval(Duration::from_millis(400))
        .cost_estimate_delay(Duration::from_millis(50))
        .rate_503(0.10)
        .rate_429(0.05)
        .retry_after_secs(1)
        .rate_drop(0.02)
        .token_lifetime(Duration::from_secs(5))
        .threads(8)
        .start()
        .expect("the sandbox starts")
}

fn client(sb: &Sandbox, config_dir: &std::path::Path) -> Client {
    client_at(&sb.url(), sb, config_dir)
}

/// A client of `sb` that sends its requests to `url` (the sandbox, or a proxy before it).
fn client_at(url: &str, sb: &Sandbox, config_dir: &std::path::Path) -> Client {
    Client::builder()
        .api_url(url)
        .auth_url(url)
        .client_credentials(sb.client_id(), sb.client_secret())
        .config_dir(config_dir)
        .env_lookup(|_| None)
        .max_attempts(MAX_ATTEMPTS)
        .backoff_base(Duration::from_millis(10))
        .backoff_max(Duration::from_millis(200))
        .retry_after_cap(Duration::from_millis(100))
        .build()
        .expect("the client builds")
}

fn wait_options() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(50))
        .timeout(Duration::from_secs(90))
}

/// Everything one run created, for the exactly-once checks.
struct Created {
    audience_id: String,
    definition_id: String,
    dataset_id: String,
    job_id: String,
}

/// The seed's complete workflow.
fn workflow(client: &Client) -> Result<Created, String> {
    workflow_of(client, &SEED_TEAM)
}

/// The seed's complete workflow, run by `team`.
fn workflow_of(client: &Client, team: &Team) -> Result<Created, String> {
    let step = |what: &'static str| move |e: Error| format!("{what}: {e}");
    let mut create = client
        .audience()
        .create_audience(AUDIENCE_NAME)
        .min_tasks(8);
    if let Some(d) = team.description {
        create = create.description(d);
    }
    let audience = create.send().map_err(step("create the audience"))?;
    for (prompt, datapoint) in PROMPTS.iter().zip(DATAPOINTS) {
        audience
            .add_compare_example(INSTRUCTION, datapoint, datapoint[0])
            .context(*prompt)
            .send()
            .map_err(step("add a compare example"))?;
    }
    audience
        .start_recruiting()
        .map_err(step("start recruiting"))?;

    let definition = client
        .job()
        .create_compare_job_definition(DEFINITION_NAME, INSTRUCTION, [team.datapoint])
        .contexts([team.context])
        .send()
        .map_err(step("create the job definition"))?;
    definition.preview();

    let job = audience
        .assign_job(&definition)
        .map_err(step("assign the job"))?;
    let last = job
        .wait_with((), wait_options())
        .map_err(step("wait for the job"))?;
    if last.state != AudienceJobState::Completed {
        return Err(format!("the job ended in state {:?}", last.state));
    }
    let results = job
        .get_results_with((), wait_options())
        .map_err(step("get the results"))?;
    if results.kind() != &ResultKind::Compare {
        return Err(format!("results of kind {:?}", results.kind()));
    }
    let compare = results.compare().ok_or("no compare results")?;
    let [dp] = compare.datapoints.as_slice() else {
        return Err(format!("{} result datapoints", compare.datapoints.len()));
    };
    if dp.context.as_deref() != Some(team.context) {
        return Err(format!("result context {:?}", dp.context));
    }
    if dp.asset_a() != Some(team.datapoint[0]) || dp.asset_b() != Some(team.datapoint[1]) {
        return Err(format!(
            "result assets {:?} / {:?}",
            dp.asset_a(),
            dp.asset_b()
        ));
    }
    match dp.winner.as_deref() {
        Some(winner) if !team.datapoint.contains(&winner) => {
            return Err(format!(
                "the winner {winner:?} is not one of the two images"
            ));
        }
        Some(_) => {}
        // A tie has no winner: both sides got the same number of votes.
        None => {
            let votes: Vec<Option<u64>> = dp.tallies.values().map(|t| t.votes).collect();
            if votes.len() != 2 || votes[0] != votes[1] || votes[0].unwrap_or(0) == 0 {
                return Err(format!("no winner without a tie: {:?}", dp.tallies));
            }
        }
    }
    Ok(Created {
        audience_id: audience.id().to_owned(),
        definition_id: definition.id().to_owned(),
        dataset_id: definition
            .dataset_id()
            .ok_or("the new definition has no dataset id")?
            .to_owned(),
        job_id: job.id().to_owned(),
    })
}

/// Every example and datapoint exists exactly once and nothing else was created: one
/// audience with 8 examples, one dataset whose sort indexes are exactly `[0]`, one job, and
/// each create route processed exactly as often as there are things to create (faulted
/// requests never reach the handlers, so a re-sent request that was processed twice shows
/// here).
fn check_exactly_once(stats: &Stats, created: &Created) -> Result<(), String> {
    let mut problems = Vec::new();
    let audiences: Vec<_> = stats.audiences.keys().collect();
    if audiences != [&created.audience_id] {
        problems.push(format!(
            "audiences {audiences:?}, expected only {}",
            created.audience_id
        ));
    }
    match stats.audiences.get(&created.audience_id) {
        Some(a) if a.examples == PROMPTS.len() => {}
        Some(a) => problems.push(format!("{} examples, expected 8", a.examples)),
        None => problems.push("the audience is missing from the stats".into()),
    }
    // A `POST /dataset` whose answer was lost is sent again (datasets can be neither listed
    // nor found by name), leaving an empty dataset nothing refers to: allowed, as long as
    // it stays empty.
    for (id, ds) in &stats.datasets {
        if id != &created.dataset_id && ds.datapoints != 0 {
            problems.push(format!(
                "dataset {id} (not the definition's) holds {} datapoints",
                ds.datapoints
            ));
        }
    }
    match stats.datasets.get(&created.dataset_id) {
        Some(d) if d.datapoints == 1 && d.sort_indexes == [0] => {}
        Some(d) => problems.push(format!(
            "dataset: {} datapoints, sort indexes {:?}; expected 1, [0]",
            d.datapoints, d.sort_indexes
        )),
        None => problems.push("the dataset is missing from the stats".into()),
    }
    let jobs: Vec<_> = stats.jobs.keys().collect();
    if jobs != [&created.job_id] {
        problems.push(format!("jobs {jobs:?}, expected only {}", created.job_id));
    }
    for (route, expected) in [
        ("POST /audience", 1),
        ("POST /audience/{audienceId}/example", 8),
        ("POST /dataset/{datasetId}/datapoint", 1),
        ("POST /job/definition", 1),
        ("POST /job", 1),
    ] {
        let n = stats.route(route);
        if n != expected {
            problems.push(format!("{route} processed {n} times, expected {expected}"));
        }
    }
    if stats.route("POST /dataset") != stats.datasets.len() as u64 {
        problems.push(format!(
            "POST /dataset processed {} times for {} datasets",
            stats.route("POST /dataset"),
            stats.datasets.len()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

struct RunReport {
    seed: u64,
    took: Duration,
    faults: String,
    outcome: Result<(), String>,
}

fn run(seed: u64) -> RunReport {
    let started = Instant::now();
    let sb = faulty_sandbox(seed);
    let dir = tempfile::tempdir().expect("a temp dir");
    let client = client(&sb, dir.path());
    let outcome = workflow(&client)
        .and_then(|created| check_exactly_once(&sb.stats(), &created))
        .and_then(|()| {
            let tokens = sb.stats().tokens_issued;
            if tokens >= 2 {
                Ok(())
            } else {
                Err(format!(
                    "{tokens} token(s) issued: the token never expired during the run"
                ))
            }
        });
    let stats = sb.stats();
    RunReport {
        seed,
        took: started.elapsed(),
        faults: format!(
            "429: {}, 503: {}, dropped: {} ({} after processing), tokens issued: {}, \
             datapoint listings (reconciliation): {}",
            stats.faults.too_many_requests,
            stats.faults.service_unavailable,
            stats.faults.dropped,
            stats.faults.dropped_after_processing,
            stats.tokens_issued,
            stats.route("GET /dataset/{datasetId}/datapoints")
        ),
        outcome,
    }
}
