//! Iterating on jobs against the offline sandbox (issue 15): paging through lists, final
//! progress, preliminary results, queued jobs, definition revisions.

use std::time::Duration;

use rapidata::api::types::AudienceJobState;
use rapidata::job::{Progress, ProgressSink, WaitOptions};
use rapidata::{Client, DataItem, JobDefinition};
use rapidata_sandbox::Sandbox;

use crate::support as common;
use common::sandbox::{bodies, fx};

/// A text compare definition of `pairs` datapoints asking for `votes` responses each.
fn text_definition(client: &Client, name: &str, pairs: usize, votes: u32) -> JobDefinition {
    let datapoints = (0..pairs).map(|i| {
        [
            DataItem::text(format!("joke {}", 2 * i + 1)),
            DataItem::text(format!("joke {}", 2 * i + 2)),
        ]
    });
    client
        .job()
        .create_compare_job_definition(name, "Which is funnier?", datapoints)
        .responses_per_datapoint(votes)
        .send()
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
    let fx = fx();
    let (sb, client, audience) = (&fx.sb, &fx.client, &fx.global);
    let definition = text_definition(client, "Paged", 1, 1);
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(audience.assign_job(&definition).unwrap().id().to_owned());
    }
    ids.reverse(); // newest first, as listed

    // Two jobs a page: three pages, read only as the iterator gets there.
    let before = gets(sb, "/jobs").len();
    let mut walk = client.job().find_jobs("Paged").amount(2).iter();
    let first = walk.next().unwrap().unwrap();
    assert_eq!(first.id(), ids[0]);
    assert_eq!(walk.pages_read(), 1);
    assert_eq!(gets(sb, "/jobs").len(), before + 1, "one page so far");
    let rest: Vec<String> = walk.by_ref().map(|j| j.unwrap().id().to_owned()).collect();
    assert_eq!(rest, ids[1..]);
    assert_eq!(walk.pages_read(), 3);
    let queries = gets(sb, "/jobs");
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
        client.audience().create_audience(name).send().unwrap();
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

/// Every reading a wait handed over.
#[derive(Default)]
struct Readings {
    updates: Vec<Progress>,
    finished: Option<Progress>,
}

impl ProgressSink for Readings {
    fn update(&mut self, p: &Progress) {
        self.updates.push(p.clone());
    }
    fn finish(&mut self, p: &Progress) {
        self.finished = Some(p.clone());
    }
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
}

/// Waits until the sandbox reports the job completed, without the client's wait.
fn until_completed(job: &rapidata::Job) {
    let start = std::time::Instant::now();
    while job.state().unwrap() != AudienceJobState::Completed {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "job never completed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_completed_job_reports_its_final_counts_completion_time_pipeline_and_cost() {
    let fx = fx();
    let (client, audience) = (&fx.client, &fx.global);
    let definition = text_definition(client, "Final counts", 3, 2);
    let job = audience.assign_job(&definition).unwrap();
    assert_eq!(job.completed_at().unwrap(), None);
    let cost = job.cost_estimate_with(fast()).unwrap();
    assert_eq!((cost.datapoint_count, cost.required_responses), (3, 6));

    // The job completes before anyone waits on it: the wait's only reading and the bar's
    // last one must still show the final counts, not 0/0.
    until_completed(&job);
    let mut readings = Readings::default();
    let done = job.wait_with(&mut readings, fast()).unwrap();
    assert_eq!(done.state, AudienceJobState::Completed);
    assert_eq!((done.completed, done.total, done.percentage), (3, 3, 100.0));
    assert_eq!(done.responses, 6);
    // What a progress bar draws at the end ("3/3 · Completed").
    assert_eq!(readings.finished.as_ref(), Some(&done));
    assert!(readings.updates.iter().all(|p| p.completed <= 3));
    let p = job.get_progress().unwrap();
    assert_eq!((p.completed, p.total, p.responses), (3, 3, 6));
    assert!(p.is_completed());

    let at = job.completed_at().unwrap().expect("completed");
    assert!(at.starts_with("20"), "{at}");
    let listed = client.job().find_jobs("Final counts").send().unwrap();
    let pipeline = job.pipeline_id().unwrap();
    assert!(!pipeline.is_empty());
    assert_eq!(listed[0].pipeline_id().unwrap(), pipeline);
    // The job runs on a pipeline of its own, not on the definition's preview pipeline.
    assert_ne!(definition.pipeline_id(), Some(pipeline.as_str()));
}

/// Votes in a compare result file.
fn votes_of(results: &rapidata::JobResults) -> u64 {
    results
        .compare()
        .unwrap()
        .datapoints
        .iter()
        .flat_map(|dp| dp.tallies.values())
        .filter_map(|t| t.votes)
        .sum()
}

#[test]
fn preliminary_results_hold_fewer_votes_than_the_final_ones() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let definition = text_definition(client, "Preliminary", 2, 40);
    let job = fx.global.assign_job(&definition).unwrap();
    // Until some votes came in.
    let start = std::time::Instant::now();
    while job.get_progress().unwrap().responses < 4 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no votes came in"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let quick = WaitOptions::new()
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(10));
    let early = job.preliminary_results_with(quick).unwrap();
    let early_votes = votes_of(&early);
    assert!(early_votes >= 4, "{early_votes}");

    // Asked of the job's own pipeline with the SDK's body
    // (`RapidataJob._get_preliminary_results`: StartPreliminaryDownloadEndpointInput(sendEmail=False)),
    // then polled through the 202 until the snapshot was ready.
    let pipeline = job.pipeline_id().unwrap();
    let journal = sb.requests();
    let start_req = journal
        .iter()
        .find(|r| {
            r["method"] == "POST"
                && r["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("/preliminary-download")
        })
        .expect("a snapshot was asked for");
    assert_eq!(
        start_req["path"],
        format!("/pipeline/{pipeline}/preliminary-download")
    );
    assert_eq!(start_req["body"], serde_json::json!({"sendEmail": false}));
    let polls: Vec<i64> = journal
        .iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"]
                    .as_str()
                    .unwrap()
                    .starts_with("/pipeline/preliminary-download/")
        })
        .map(|r| r["status"].as_i64().unwrap())
        .collect();
    assert_eq!(polls, [202, 200]);

    let last = job.get_results_with((), fast()).unwrap();
    assert_eq!(votes_of(&last), 80);
    assert!(early_votes < votes_of(&last), "{early_votes} of 80");
    // Once completed, the preliminary results are the final ones.
    assert_eq!(votes_of(&job.preliminary_results().unwrap()), 80);
}

#[test]
fn a_queued_job_starts_only_after_its_predecessor_completed() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let first_definition = text_definition(client, "First", 2, 15);
    let second_definition = text_definition(client, "Second", 1, 2);
    let first = fx.global.assign_job(&first_definition).unwrap();
    let second = fx
        .global
        .assign(&second_definition)
        .run_after(&first)
        .send()
        .unwrap();

    // The body of `_AudienceBase._create_job` (SDK 3.27.1) for run_after=first:
    // CreateJobEndpointInput(audienceId, jobDefinitionId, revisionNumber,
    // checkForExplicitContent=None, experimentId=None, precedingJobId=first.id).
    let created = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/job")
        .map(|r| r["body"].clone())
        .collect::<Vec<_>>();
    assert_eq!(
        created[1],
        serde_json::json!({
            "audienceId": "global",
            "jobDefinitionId": second_definition.id(),
            "revisionNumber": 1,
            "checkForExplicitContent": null,
            "experimentId": null,
            "precedingJobId": first.id(),
        })
    );
    assert_eq!(created[0]["precedingJobId"], serde_json::Value::Null);

    // While the first one runs, the second waits queued, without responses.
    let mut saw_queued_while_first_ran = false;
    while first.state().unwrap() != AudienceJobState::Completed {
        let p = second.get_progress().unwrap();
        assert_eq!(p.responses, 0, "the queued job got responses early");
        if p.state == AudienceJobState::Queued {
            saw_queued_while_first_ran = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(saw_queued_while_first_ran);
    let done = second.wait_with((), fast()).unwrap();
    assert_eq!((done.completed, done.responses), (1, 2));
    let first_done = first.completed_at().unwrap().unwrap();
    let second_done = second.completed_at().unwrap().unwrap();
    assert!(first_done < second_done, "{first_done} !< {second_done}");
}

#[test]
fn an_unlisted_audience_gets_annotators_only_through_its_links() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let team = client
        .audience()
        .create_unlisted_audience("Our reviewers")
        .unwrap();
    assert!(team.id().starts_with("ula_"), "{}", team.id());
    // `RapidataAudienceManager.create_unlisted_audience` (SDK 3.27.1):
    // CreateUnlistedAudienceEndpointInput(name=name).
    let create = sb
        .requests()
        .into_iter()
        .find(|r| r["method"] == "POST" && r["path"] == "/audience/unlisted")
        .unwrap();
    assert_eq!(create["body"], serde_json::json!({"name": "Our reviewers"}));
    let again = client
        .audience()
        .get_unlisted_audience_by_id(team.id())
        .unwrap();
    assert_eq!(again.name(), "Our reviewers");
    let err = client.audience().get_audience_by_id(team.id()).unwrap_err();
    assert_eq!(err.as_invalid_input().unwrap().argument(), "audience_id");
    assert_eq!(
        team.link(),
        format!("https://app.rapidata.ai/label/{}", team.id())
    );

    let first = team
        .assign_job(&text_definition(client, "Via job link", 1, 2))
        .unwrap();
    let second = team
        .assign_job(&text_definition(client, "Via audience link", 1, 2))
        .unwrap();
    assert_eq!(
        team.job_link(&first),
        format!("{}/job/{}", team.link(), first.id())
    );
    // Nobody from the crowd ever comes.
    std::thread::sleep(Duration::from_millis(150));
    for job in [&first, &second] {
        let p = job.get_progress().unwrap();
        assert_eq!((p.responses, p.started), (0, false), "{p:?}");
    }
    // Two people open the first job's link: only that job gets their answers.
    assert!(sb.open_link(&team.job_link(&first), 2));
    let done = first.wait_with((), fast()).unwrap();
    assert_eq!(done.responses, 2);
    let p = second.get_progress().unwrap();
    assert_eq!(p.responses, 0, "{p:?}");
    // The audience's link brings people to every job of it.
    assert!(sb.open_link(&team.link(), 3));
    assert_eq!(second.wait_with((), fast()).unwrap().responses, 2);
    // Links of other things lead nowhere.
    assert!(!sb.open_link("https://app.rapidata.ai/label/ula_unknown", 1));
    let listed: Vec<String> = team
        .find_jobs()
        .iter()
        .map(|j| j.unwrap().id().to_owned())
        .collect();
    assert_eq!(listed, [second.id(), first.id()]);
}

#[test]
fn a_definition_iterates_through_revisions_with_a_conflict_and_a_job_on_each() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let mut mine = text_definition(client, "Revised", 2, 2);
    let id = mine.id().to_owned();
    // A second handle, loaded at revision 1 before anyone saves (someone else's session).
    let mut theirs = client.job().get_job_definition_by_id(&id).unwrap();
    assert_eq!(theirs.revision().unwrap(), 1);
    assert_eq!(mine.revision().unwrap(), 1);
    assert_eq!(mine.base_revision().unwrap(), None);
    assert_eq!(
        mine.instruction().unwrap().as_deref(),
        Some("Which is funnier?")
    );
    assert_eq!(mine.responses_per_datapoint().unwrap(), 2);

    mine.set_instruction("Which joke is better?")
        .unwrap()
        .set_responses_per_datapoint(3)
        .unwrap();
    assert!(mine.has_unsaved_changes());
    let err = fx.global.assign_job(&mine).unwrap_err();
    assert_eq!(err.as_invalid_input().unwrap().argument(), "definition");
    assert_eq!(mine.save(true).unwrap(), 2);
    assert!(!mine.has_unsaved_changes());
    assert_eq!(mine.revision().unwrap(), 2);
    assert_eq!(mine.base_revision().unwrap(), Some(1));

    // The body equals what `RapidataJobDefinition.save(require_latest=True)` builds
    // (`_revision_body._full_body`, SDK 3.27.1): the loaded revision's workflow with the
    // instruction binding replaced by a literal, the referee's vote member changed, every
    // other field copied from the loaded revision and sent explicitly.
    let journal = sb.requests();
    let loaded = journal
        .iter()
        .find(|r| r["method"] == "GET" && r["path"] == format!("/job/definition/{id}/revision/1"))
        .map(|r| r["response"].clone())
        .expect("revision 1 was loaded");
    let saves: Vec<&serde_json::Value> = journal
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == format!("/job/definition/{id}/revision"))
        .collect();
    let mut workflow = loaded["workflow"].clone();
    workflow["rapid"]["criteria"] = serde_json::json!({"literal": "Which joke is better?"});
    let mut referee = loaded["referee"].clone();
    let votes = if referee["_t"] == "NaiveReferee" {
        "totalVotes"
    } else {
        "maxVotes"
    };
    referee[votes] = serde_json::json!(3);
    assert_eq!(
        saves[0]["body"],
        serde_json::json!({
            "workflow": workflow,
            "referee": referee,
            "datasetId": loaded["datasetId"],
            "rapidFeatureFlags": loaded["featureFlags"],
            "campaignFeatureFlags": loaded["campaignFeatureFlags"],
            "aggregatorType": loaded.get("aggregatorType").cloned().unwrap_or_default(),
            "validationSetId": null,
            "baseRevisionNumber": 1,
            "requireLatest": true,
        })
    );

    // The other session saves on top of revision 1: refused, with both numbers.
    theirs.set_responses_per_datapoint(4).unwrap();
    let err = theirs.save(true).unwrap_err();
    let rapidata::Error::RevisionConflict(conflict) = &err else {
        panic!("expected a revision conflict, got {err:?}");
    };
    assert_eq!(
        (conflict.base_revision(), conflict.latest_revision()),
        (1, 2)
    );
    assert_eq!(err.status(), Some(409));
    assert!(theirs.has_unsaved_changes(), "the changes stay staged");
    let refused = theirs.reload(None).unwrap_err();
    assert_eq!(refused.as_invalid_input().unwrap().argument(), "reload");
    theirs.discard_changes().reload(None).unwrap();
    assert_eq!(theirs.revision().unwrap(), 2);
    assert_eq!(theirs.responses_per_datapoint().unwrap(), 3);

    // A new revision is Pending until its preview is built.
    assert_eq!(
        mine.wait_until_ready_with(fast()).unwrap(),
        rapidata::api::types::JobDefinitionRevisionState::Completed
    );
    let revisions = mine.revisions().send().unwrap();
    assert_eq!(
        revisions
            .iter()
            .map(|r| (r.revision, r.base_revision))
            .collect::<Vec<_>>(),
        [(1, None), (2, Some(1))]
    );

    // A job on each revision runs exactly that revision.
    let first = client
        .job()
        .get_job_definition_revision(&id, Some(1))
        .unwrap();
    let old = fx.global.assign_job(&first).unwrap();
    let new = fx.global.assign_job(&mine).unwrap();
    let created: Vec<serde_json::Value> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/job")
        .map(|r| r["body"]["revisionNumber"].clone())
        .collect();
    assert_eq!(created, [serde_json::json!(1), serde_json::json!(2)]);
    let old_results = old.get_results_with((), fast()).unwrap();
    let new_results = new.get_results_with((), fast()).unwrap();
    assert_eq!(
        old_results.info().instruction.as_deref(),
        Some("Which is funnier?")
    );
    assert_eq!(
        new_results.info().instruction.as_deref(),
        Some("Which joke is better?")
    );
    assert_eq!((votes_of(&old_results), votes_of(&new_results)), (4, 6));
}

#[test]
fn progress_carries_the_recruiting_funnel_of_a_custom_audience() {
    let fx = fx();
    let client = &fx.client;
    let audience = client
        .audience()
        .create_audience("Funnel")
        .min_tasks(8)
        .send()
        .unwrap();
    common::sandbox::add_seed_examples(&audience);
    let definition = text_definition(client, "Funnel job", 1, 2);
    // Nobody qualifying yet: the assignment warns, and the funnel shows nobody graduated.
    let job = audience.assign_job(&definition).unwrap();
    assert!(
        matches!(
            job.warnings(),
            [rapidata::job::JobWarning::NoGraduatedLabelers {
                recruiting: false,
                ..
            }]
        ),
        "{:?}",
        job.warnings()
    );
    let before = job.get_progress().unwrap();
    let funnel = before.recruiting.expect("a custom audience has a funnel");
    assert_eq!(funnel.graduated(), 0);
    audience.start_recruiting().unwrap();
    let start = std::time::Instant::now();
    let graduated = loop {
        let funnel = job.get_progress().unwrap().recruiting.unwrap();
        if funnel.graduated() > 0 {
            break funnel;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{funnel:?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(graduated, audience.user_metrics().unwrap());
    // The global audience has no funnel of its own.
    let global_job = fx.global.assign_job(&definition).unwrap();
    assert_eq!(global_job.get_progress().unwrap().recruiting, None);
}

#[test]
fn a_definition_pinned_to_a_validation_set_runs_on_it() {
    let fx = fx();
    let (sb, client) = (&fx.sb, &fx.client);
    let mut set = client
        .validation()
        .create_validation_set("Alignment checks")
        .dimensions(["alignment"])
        .send()
        .unwrap();
    let path = format!("/validation-set/{}", set.id());
    // `ValidationSetManager._submit` (SDK 3.27.1): CreateValidationSetEndpointInput(name=name);
    // `RapidataValidationSet.update_dimensions`: UpdateValidationSetEndpointInput(dimensions=…).
    assert_eq!(
        bodies(sb, "POST", "/validation-set"),
        [serde_json::json!({"name": "Alignment checks"})]
    );
    let read = client
        .validation()
        .get_validation_set_by_id(set.id())
        .unwrap();
    assert_eq!(
        (read.name(), read.dimensions()),
        ("Alignment checks", &["alignment".to_owned()][..])
    );
    set.update_should_alert(false).unwrap();
    set.update_can_be_flagged(false).unwrap();
    set.update_dimensions(Vec::<String>::new()).unwrap();
    // `update_should_alert(False)`: shouldAlert=False; `update_can_be_flagged(False)`:
    // isFlagOverruled=not False; `update_dimensions([])`: dimensions=[].
    assert_eq!(
        bodies(sb, "PATCH", &path),
        [
            serde_json::json!({"dimensions": ["alignment"]}),
            serde_json::json!({"shouldAlert": false}),
            serde_json::json!({"isFlagOverruled": true}),
            serde_json::json!({"dimensions": []}),
        ]
    );
    assert!(client
        .validation()
        .get_validation_set_by_id(set.id())
        .unwrap()
        .dimensions()
        .is_empty());
    let found: Vec<String> = client
        .validation()
        .find_validation_sets("Alignment")
        .iter()
        .map(|s| s.unwrap().id().to_owned())
        .collect();
    assert_eq!(found, [set.id()]);

    // Pinned on a new revision; the job of that revision runs with it.
    let mut definition = text_definition(client, "Pinned", 1, 2);
    definition.set_validation_set_id(Some(set.id())).unwrap();
    assert_eq!(definition.save(true).unwrap(), 2);
    let mut again = client
        .job()
        .get_job_definition_by_id(definition.id())
        .unwrap();
    assert_eq!(again.revision().unwrap(), 2);
    assert_eq!(
        again.validation_set_id().unwrap().as_deref(),
        Some(set.id())
    );
    let saved = bodies(
        sb,
        "POST",
        &format!("/job/definition/{}/revision", definition.id()),
    );
    assert_eq!(saved[0]["validationSetId"], set.id());
    let job = fx.global.assign_job(&definition).unwrap();
    assert_eq!(job.wait_with((), fast()).unwrap().responses, 2);
    // A pinned set cannot be deleted; an unknown one cannot be pinned.
    assert_eq!(set.delete().unwrap_err().status(), Some(409));
    definition
        .set_validation_set_id(Some("vs_missing"))
        .unwrap();
    assert_eq!(definition.save(false).unwrap_err().status(), Some(404));
    definition.discard_changes();
    // Unpinned again (`validationSetId: null`), the set can go.
    definition.set_validation_set_id(None::<String>).unwrap();
    assert_eq!(definition.save(false).unwrap(), 3);
    assert_eq!(definition.validation_set_id().unwrap(), None);
    let other = client
        .validation()
        .create_validation_set("Unused")
        .send()
        .unwrap();
    other.delete().unwrap();
    assert_eq!(
        client
            .validation()
            .get_validation_set_by_id(other.id())
            .unwrap_err()
            .status(),
        Some(404)
    );
}
