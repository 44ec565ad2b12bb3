//! Writers of the same names under dropped connections: creates lost before processing do
//! not adopt another writer's resources, and concurrent writers each get their own.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rapidata::Client;
use rapidata_sandbox::Sandbox;

use super::*;

/// The processed creates in `sb`'s journal: per definition id the dataset it was created
/// with, and per job id its (definition, audience).
#[allow(clippy::type_complexity)]
fn journal_links(sb: &Sandbox) -> (BTreeMap<String, String>, BTreeMap<String, (String, String)>) {
    let mut definitions = BTreeMap::new();
    let mut jobs = BTreeMap::new();
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or("").to_owned();
    for r in sb.requests() {
        // A connection dropped after processing shows status 0 and no response, so those
        // are looked up through the server's own listings below.
        if r["method"] != "POST" || !(200..300).contains(&r["status"].as_u64().unwrap_or(0)) {
            continue;
        }
        match r["path"].as_str().unwrap_or("") {
            "/job/definition" => {
                definitions.insert(
                    text(&r["response"], "definitionId"),
                    text(&r["body"], "datasetId"),
                );
            }
            "/job" => {
                jobs.insert(
                    text(&r["response"], "jobId"),
                    (
                        text(&r["body"], "jobDefinitionId"),
                        text(&r["body"], "audienceId"),
                    ),
                );
            }
            _ => {}
        }
    }
    (definitions, jobs)
}

/// What `client` (any client of `sb`) reads back about each team's resources: the
/// dataset of each definition's first revision, the definition and audience of each job.
fn check_links(client: &Client, teams: &[&Created]) -> Result<(), String> {
    let mut problems = Vec::new();
    for t in teams {
        let revision = client
            .send(
                &rapidata::api::operations::GetJobDefinitionByDefinitionIdRevisionByRevisionNumber::new(
                    t.definition_id.as_str(),
                    1,
                ),
            )
            .map_err(|e| e.to_string())?;
        if revision.dataset_id != t.dataset_id {
            problems.push(format!(
                "definition {} holds dataset {}, the workflow's is {}",
                t.definition_id, revision.dataset_id, t.dataset_id
            ));
        }
        let job = client
            .send(&rapidata::api::operations::GetJobByJobId::new(
                t.job_id.as_str(),
            ))
            .map_err(|e| e.to_string())?;
        if job.definition_id != t.definition_id || job.audience_id != t.audience_id {
            problems.push(format!(
                "job {} runs {} on {}, the workflow's are {} on {}",
                t.job_id, job.definition_id, job.audience_id, t.definition_id, t.audience_id
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Several teams used the same names on one sandbox: each created its audience (with
/// `examples` examples), dataset (one datapoint, sort index 0), definition and job exactly
/// once, each in its own resources, and nothing else holds data.
fn check_teams_exactly_once(
    sb: &Sandbox,
    client: &Client,
    teams: &[(&Created, usize)],
) -> Result<(), String> {
    let stats = sb.stats();
    let mut problems = Vec::new();
    let mut audiences: Vec<&String> = teams.iter().map(|(t, _)| &t.audience_id).collect();
    audiences.sort();
    audiences.dedup();
    if audiences.len() != teams.len() {
        problems.push(format!("the teams share audiences: {audiences:?}"));
    }
    if stats.audiences.keys().collect::<Vec<_>>() != audiences {
        problems.push(format!(
            "audiences {:?}, expected {audiences:?}",
            stats.audiences.keys().collect::<Vec<_>>()
        ));
    }
    let mut total_examples = 0;
    for (t, examples) in teams {
        total_examples += *examples as u64;
        match stats.audiences.get(&t.audience_id) {
            Some(a) if a.examples == *examples => {}
            other => problems.push(format!(
                "audience {}: {other:?}, expected {examples} examples",
                t.audience_id
            )),
        }
        match stats.datasets.get(&t.dataset_id) {
            Some(d) if d.datapoints == 1 && d.sort_indexes == [0] => {}
            other => problems.push(format!(
                "dataset {}: {other:?}, expected one datapoint at 0",
                t.dataset_id
            )),
        }
        if !stats.jobs.contains_key(&t.job_id) {
            problems.push(format!("job {} is missing", t.job_id));
        }
    }
    for (id, ds) in &stats.datasets {
        if !teams.iter().any(|(t, _)| &t.dataset_id == id) && ds.datapoints != 0 {
            problems.push(format!(
                "dataset {id} (no team's) holds {} datapoints",
                ds.datapoints
            ));
        }
    }
    if stats.jobs.len() != teams.len() {
        problems.push(format!(
            "{} jobs for {} teams",
            stats.jobs.len(),
            teams.len()
        ));
    }
    let n = teams.len() as u64;
    for (route, expected) in [
        ("POST /audience", n),
        ("POST /audience/{audienceId}/example", total_examples),
        ("POST /dataset/{datasetId}/datapoint", n),
        ("POST /job/definition", n),
        ("POST /job", n),
    ] {
        let got = stats.route(route);
        if got != expected {
            problems.push(format!(
                "{route} processed {got} times, expected {expected}"
            ));
        }
    }
    // The journal's answered creates agree with what each team was handed back.
    let (definitions, jobs) = journal_links(sb);
    for (t, _) in teams {
        if let Some(dataset) = definitions.get(&t.definition_id) {
            if dataset != &t.dataset_id {
                problems.push(format!(
                    "definition {} was created with dataset {dataset}, not {}",
                    t.definition_id, t.dataset_id
                ));
            }
        }
        if let Some((definition, audience)) = jobs.get(&t.job_id) {
            if definition != &t.definition_id || audience != &t.audience_id {
                problems.push(format!(
                    "job {} was created for {definition} on {audience}",
                    t.job_id
                ));
            }
        }
    }
    if let Err(e) = check_links(client, &teams.iter().map(|(t, _)| *t).collect::<Vec<_>>()) {
        problems.push(e);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Issue 16, defect 1. The first `POST /audience`, `POST /job/definition` and `POST /job`
/// of our workflow are lost before they reach the sandbox, and just then another team
/// creates an audience and a definition with the same names (and assigns its job). Before
/// the fix, the other team's audience and definition were taken for ours (the only new
/// ones of that name): our examples went into their audience and our job labelled their
/// datapoint. Now each look-alike is checked (audience settings, the definition's
/// dataset, the job's definition and audience), found not ours, and ours is sent again.
#[test]
fn creates_lost_before_processing_do_not_adopt_a_same_name_writers_resources() {
    let sb = Sandbox::builder()
        .seed(11)
        .response_interval(Duration::from_millis(20))
        .threads(8)
        .start()
        .unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = client(&sb, other_dir.path());
    #[derive(Default)]
    struct Theirs {
        audience: Option<rapidata::Audience>,
        definition: Option<rapidata::JobDefinition>,
        job_id: Option<String>,
    }
    let theirs = Arc::new(Mutex::new(Theirs::default()));
    let state = theirs.clone();
    let meanwhile: Meanwhile = Arc::new(move |what: &str| {
        let mut st = state.lock().unwrap();
        match what {
            "POST /audience" => {
                let audience = other
                    .audience()
                    .create_audience(AUDIENCE_NAME)
                    .description(OTHER_TEAM.description.unwrap())
                    .min_tasks(8)
                    .send()
                    .expect("the other team's audience");
                st.audience = Some(audience);
            }
            "POST /job/definition" => {
                let definition = other
                    .job()
                    .create_compare_job_definition(
                        DEFINITION_NAME,
                        INSTRUCTION,
                        [OTHER_TEAM.datapoint],
                    )
                    .contexts([OTHER_TEAM.context])
                    .send()
                    .expect("the other team's definition");
                st.definition = Some(definition);
            }
            "POST /job" => {
                let (Some(a), Some(d)) = (&st.audience, &st.definition) else {
                    panic!("the other team has no audience or definition yet");
                };
                st.job_id = Some(
                    a.assign_job(d)
                        .expect("the other team's job")
                        .id()
                        .to_owned(),
                );
            }
            other => panic!("unexpected lost request {other}"),
        }
    });
    let lose = |path: fn(&str) -> bool| Lose {
        method: "POST",
        path,
        nth: 1,
        forward: false,
    };
    let proxy = LosingProxy::start_with(
        sb.addr(),
        vec![
            lose(|p| p == "/audience"),
            lose(|p| p == "/job/definition"),
            lose(|p| p == "/job"),
        ],
        meanwhile,
    );
    let dir = tempfile::tempdir().unwrap();
    let ours_client = client_at(&proxy.url, &sb, dir.path());
    let ours = workflow(&ours_client).unwrap();
    let lost = proxy.lost.lock().unwrap().clone();
    assert_eq!(lost.len(), 3, "{lost:?}");

    let st = theirs.lock().unwrap();
    let theirs = Created {
        audience_id: st.audience.as_ref().unwrap().id().to_owned(),
        definition_id: st.definition.as_ref().unwrap().id().to_owned(),
        dataset_id: st
            .definition
            .as_ref()
            .unwrap()
            .dataset_id()
            .unwrap()
            .to_owned(),
        job_id: st.job_id.clone().unwrap(),
    };
    assert_ne!(ours.audience_id, theirs.audience_id);
    assert_ne!(ours.definition_id, theirs.definition_id);
    check_teams_exactly_once(&sb, &ours_client, &[(&ours, PROMPTS.len()), (&theirs, 0)]).unwrap();
}

/// Two teams run the whole seed workflow at once with the same audience and definition
/// names against a sandbox that drops a fifth of all connections (half of them before the
/// request is carried out), with 5 ms latency so that one team's creates are in flight
/// while the other's are lost. Over 4 seeds, each team ends with its own audience holding
/// its 8 examples, its own dataset and definition, and a job running that definition on
/// that audience, each created exactly once.
#[test]
fn concurrent_same_name_writers_under_drops_each_get_their_own_resources() {
    let reports: Vec<(u64, Result<(), String>, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..=4u64)
            .map(|seed| {
                scope.spawn(move || {
                    let sb = Sandbox::builder()
                        .seed(100 + seed)
                        .response_interval(Duration::from_millis(20))
                        .latency(Duration::from_millis(5))
                        .rate_drop(0.2)
                        .threads(8)
                        .start()
                        .unwrap();
                    let (dir_a, dir_b) =
                        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
                    let (a, b) = (client(&sb, dir_a.path()), client(&sb, dir_b.path()));
                    let barrier = std::sync::Barrier::new(2);
                    let (ours, theirs) = std::thread::scope(|s| {
                        let ours = s.spawn(|| {
                            barrier.wait();
                            workflow_of(&a, &SEED_TEAM)
                        });
                        let theirs = s.spawn(|| {
                            barrier.wait();
                            workflow_of(&b, &OTHER_TEAM)
                        });
                        (ours.join().unwrap(), theirs.join().unwrap())
                    });
                    let outcome = match (ours, theirs) {
                        (Ok(ours), Ok(theirs)) => check_teams_exactly_once(
                            &sb,
                            &a,
                            &[(&ours, PROMPTS.len()), (&theirs, PROMPTS.len())],
                        ),
                        (ours, theirs) => Err(format!(
                            "ours: {:?}; theirs: {:?}",
                            ours.err(),
                            theirs.err()
                        )),
                    };
                    (seed, outcome, sb.stats().faults.dropped)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (seed, outcome, dropped) in &reports {
        eprintln!("seed {seed}: {dropped} drops -> {outcome:?}");
    }
    for (seed, outcome, dropped) in &reports {
        assert!(*dropped > 0, "seed {seed}: no connection was dropped");
        assert!(
            outcome.is_ok(),
            "seed {seed} ({dropped} drops): {outcome:?}"
        );
    }
}
