//! Jobs against a mock server: assignment, control (pause, resume, delete), progress and
//! waiting with every state that never finishes on its own, and results.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use rapidata::api::types::AudienceJobState;
use rapidata::api::types::CreateJobEndpointOutput;
use rapidata::job::{
    JobWarning, Progress, ProgressBarSink, ProgressSink, ResultKind, StuckCause, WaitOptions,
};
use rapidata::{Client, Error, JobTarget};
use serde_json::{json, Value};

use crate::support::client;

fn fast() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(10))
}

use crate::support::models::{self, job_json};

fn audience_json(status: &str) -> Value {
    json!({
        "id": "aud_1", "baseAudienceId": "aud_1", "name": "Prompt alignment",
        "description": null, "status": status, "qualifiedUserCount": 0, "filters": [],
        "createdAt": "2026-07-13T11:07:53.577348+00:00",
        "ownerId": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11", "ownerMail": "me@example.com",
        "organizationId": "org_1", "isPublic": false, "isDistilling": true,
        "distillingCampaignId": "camp_1",
        "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10, "maxTasks": null},
        "distillingRetrievalMode": "Random", "boostLevel": "None"
    })
}

/// Answers the bodies in turn, repeating the last one.
fn sequence(bodies: Vec<Value>) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync {
    let n = AtomicUsize::new(0);
    move |_req: &HttpMockRequest| {
        let i = n.fetch_add(1, Ordering::SeqCst).min(bodies.len() - 1);
        HttpMockResponse::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(bodies[i].to_string())
            .build()
    }
}

fn graduated_metrics(server: &MockServer) -> httpmock::Mock<'_> {
    server.get_audience_by_audience_id_user_metrics(|when, then| {
        when.audience_id("aud_1");
        then.status(200)
            .json_value(json!({"usersPerState": {"Graduated": 3, "Dropped": 1}}));
    })
}

fn progress_mock(server: &MockServer, percentage: f64, completed: i64) -> httpmock::Mock<'_> {
    server.get_job_by_job_id_progress(|when, then| {
        when.job_id("job_1");
        then.status(200).json_value(
            json!({"completionPercentage": percentage, "responseCount": completed * 3,
            "total": 10, "completed": completed, "state": "Labeling"}),
        );
    })
}

/// Records every reading.
#[derive(Default)]
struct Recorder {
    updates: Vec<Progress>,
    finished: Option<Progress>,
}

impl ProgressSink for Recorder {
    fn update(&mut self, p: &Progress) {
        self.updates.push(p.clone());
    }
    fn finish(&mut self, p: &Progress) {
        self.finished = Some(p.clone());
    }
}

fn job(server: &MockServer) -> rapidata::job::Job {
    let get = server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&models::job(AudienceJobState::Running));
    });
    let job = client(server).job().get_job_by_id("job_1").unwrap();
    let mut get = get;
    get.delete();
    job
}

#[test]
fn assign_job_posts_the_exact_body_and_keeps_warnings() {
    let server = MockServer::start();
    server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.status(200).json_value(audience_json("Ready"));
    });
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "Prompt alignment"));
    });
    let create = server.post_job(|when, then| {
        when.json_value(json!({"jobDefinitionId": "jd_1", "audienceId": "aud_1",
                              "checkForExplicitContent": null, "experimentId": null,
                              "precedingJobId": null, "revisionNumber": null}))
            .and(|w| w.header("content-type", "application/json"));
        then.status(200)
            .json_value(json!({"jobId": "job_1", "recruitingStarted": false,
            "contentCheckSkipDenied": true,
            "costWarning": {"estimatedCost": 120.5, "availableBalance": 80.0, "shortfall": 40.5}}));
    });
    let c = client(&server);
    let audience = c.audience().get_audience_by_id("aud_1").unwrap();
    let definition = c.job().get_job_definition_by_id("jd_1").unwrap();
    let job = audience.assign_job(&definition).unwrap();
    create.assert_calls(1);
    assert_eq!(job.id(), "job_1");
    assert_eq!(job.name(), "Prompt alignment");
    assert_eq!(job.audience_id(), "aud_1");
    assert_eq!(job.definition_id(), Some("jd_1"));
    assert_eq!(
        job.warnings(),
        [
            JobWarning::InsufficientBalance {
                estimated_cost: 120.5,
                available_balance: 80.0,
                shortfall: 40.5
            },
            JobWarning::ContentCheckSkipDenied
        ]
    );
    assert!(job.warnings()[0].to_string().contains("40.50"));
    assert_eq!(
        job.view_url(),
        "https://app.rapidata.ai/audiences/aud_1/job/job_1"
    );
    assert_eq!(job.view(), job.view_url());
}

struct Filtered(Client);

impl JobTarget for Filtered {
    fn audience_id(&self) -> &str {
        "fau_1"
    }
    fn client(&self) -> &Client {
        &self.0
    }
}

#[test]
fn any_job_target_can_be_assigned_and_jobs_are_found() {
    let server = MockServer::start();
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "Prompt alignment"));
    });
    let create = server.post_job(|when, then| {
        when.json_value(json!({"jobDefinitionId": "jd_1",
            "audienceId": "fau_1", "checkForExplicitContent": null, "experimentId": null,
                              "precedingJobId": null, "revisionNumber": null}));
        then.ok(&CreateJobEndpointOutput::new("job_2".into(), true));
    });
    let item = |id: &str| {
        json!({"jobId": id, "name": "n", "jobDefinitionId": "jd_1", "audienceId": "fau_1",
               "revisionNumber": 1, "pipelineId": "p", "state": "Running",
               "ownerMail": "me@example.com", "organizationId": "org_1",
               "createdAt": "2026-07-13T11:07:53.577348+00:00", "progress": 0.5, "isShared": false})
    };
    let find = server.get_jobs(|when, then| {
        when.and(|w| {
            w.is_true(|req| {
                req.uri().query()
                    == Some("page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=Prompt")
            })
        });
        then.status(200)
            .json_value(json!({"total": 1, "page": 1, "pageSize": 10,
            "items": [item("job_2")]}));
    });
    let find_for = server.get_jobs(|when, then| {
when.and(|w| w.is_true(|req| {
            req.uri().query()
                == Some("page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=&audience_id%5Beq%5D=fau_1")
        }));
then.status(200).json_value(json!({"total": 1, "page": 1, "pageSize": 10,
            "items": [item("job_3")]}));
});
    let c = client(&server);
    let definition = c.job().get_job_definition_by_id("jd_1").unwrap();
    let target = Filtered(c.clone());
    let job = c.job().assign(&target, &definition).unwrap();
    create.assert_calls(1);
    assert_eq!(job.id(), "job_2");
    assert!(job.warnings().is_empty());
    let found = c.job().find_jobs("Prompt").send().unwrap();
    assert_eq!(found[0].id(), "job_2");
    assert_eq!(found[0].cached_state(), Some(&AudienceJobState::Running));
    let found = c.job().find_jobs_for(&target).send().unwrap();
    assert_eq!(found[0].id(), "job_3");
    find.assert_calls(1);
    find_for.assert_calls(1);
}

#[test]
fn pause_resume_delete_and_refresh() {
    let server = MockServer::start();
    let mut job = job(&server);
    let pause = server.post_job_by_job_id_pause(|when, then| {
        when.job_id("job_1");
        then.ok();
    });
    let resume = server.post_job_by_job_id_resume(|when, then| {
        when.job_id("job_1");
        then.ok();
    });
    let delete = server.delete_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok();
    });
    let get = server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&models::job(AudienceJobState::Paused));
    });
    job.pause().unwrap();
    pause.assert_calls(1);
    job.refresh().unwrap();
    assert_eq!(job.cached_state(), Some(&AudienceJobState::Paused));
    assert_eq!(job.state().unwrap(), AudienceJobState::Paused);
    job.resume().unwrap();
    resume.assert_calls(1);
    job.delete().unwrap();
    delete.assert_calls(1);
    get.assert_calls(2);
}

#[test]
fn progress_reads_state_and_percentage_and_404_means_not_started() {
    let server = MockServer::start();
    let job = job(&server);
    server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&models::job(AudienceJobState::Running));
    });
    let mut progress = progress_mock(&server, 40.0, 4);
    let p = job.get_progress().unwrap();
    assert_eq!(p.state, AudienceJobState::Running);
    assert_eq!(p.responses, 12, "responseCount");
    assert_eq!(
        (p.percentage, p.completed, p.total, p.started),
        (40.0, 4, 10, true)
    );
    progress.delete();
    let missing = server.get_job_by_job_id_progress(|when, then| {
        when.job_id("job_1");
        then.status(404);
    });
    let p = job.get_progress().unwrap();
    assert_eq!((p.percentage, p.started), (0.0, false));
    missing.assert_calls(1);
}

#[test]
fn waiting_polls_until_completed() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.respond_with(sequence(vec![
            job_json("Submitted"),
            job_json("Running"),
            job_json("Completed"),
        ]));
    });
    let metrics = graduated_metrics(&server);
    let progress = progress_mock(&server, 50.0, 5);
    let mut sink = Recorder::default();
    let last = job.wait_with(&mut sink, fast()).unwrap();
    // The job is read on polls 1, 3 and 6 (every third poll while labeling runs); the
    // progress on every poll, and once more for the final counts because the reading
    // of poll 6 (still "Labeling") came before the job said it had completed.
    get.assert_calls(3);
    metrics.assert_calls(1); // the audience is checked once
    progress.assert_calls(7);
    assert_eq!(sink.updates.len(), 5);
    assert_eq!(sink.updates[0].percentage, 50.0);
    assert_eq!(sink.updates[0].state, AudienceJobState::Submitted);
    assert_eq!(sink.updates[1].state, AudienceJobState::Submitted);
    assert_eq!(sink.updates[2].state, AudienceJobState::Running);
    let finished = sink.finished.unwrap();
    assert_eq!(finished.state, AudienceJobState::Completed);
    assert_eq!(finished.percentage, 100.0);
    assert_eq!((finished.completed, finished.total), (10, 10));
    assert_eq!(finished.responses, 15);
    assert_eq!(last, finished);
}

#[test]
fn a_finished_labeling_reading_makes_the_wait_read_the_job_at_once() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.respond_with(sequence(vec![job_json("Running"), job_json("Completed")]));
    });
    let metrics = graduated_metrics(&server);
    let progress = server.mock(|when, then| {
        when.method(GET).path("/job/job_1/progress");
        then.respond_with(sequence(vec![
            json!({"completionPercentage": 20.0, "responseCount": 6, "total": 10,
                   "completed": 2, "state": "Labeling"}),
            json!({"completionPercentage": 100.0, "responseCount": 31, "total": 10,
                   "completed": 10, "state": "Done"}),
        ]));
    });
    let mut sink = Recorder::default();
    let last = job.wait_with(&mut sink, fast()).unwrap();
    // Poll 1: job + progress; poll 2: progress says done, so the job is read at once
    // and that reading is the final one (no third progress request).
    get.assert_calls(2);
    metrics.assert_calls(1);
    progress.assert_calls(2);
    assert_eq!(sink.updates.len(), 1);
    assert_eq!(sink.updates[0].percentage, 20.0);
    let finished = sink.finished.unwrap();
    assert_eq!(finished.state, AudienceJobState::Completed);
    assert_eq!(
        (finished.percentage, finished.completed, finished.total),
        (100.0, 10, 10)
    );
    assert_eq!(finished.responses, 31);
    assert_eq!(last, finished);
}

#[test]
fn a_job_that_stops_while_labeling_runs_is_noticed_on_the_third_poll() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.respond_with(sequence(vec![
            job_json("Running"),
            job_json("SpendLimited"),
        ]));
    });
    graduated_metrics(&server);
    let progress = progress_mock(&server, 30.0, 3);
    let err = job.wait_with((), fast()).unwrap_err();
    let Error::JobStuck(stuck) = err else {
        panic!("expected JobStuck, got {err:?}");
    };
    assert_eq!(stuck.cause(), &StuckCause::SpendLimited);
    get.assert_calls(2);
    // Polls 1, 2 and 3 read the progress; poll 3 reads the job as well.
    progress.assert_calls(3);
}

fn stuck_case(state: Value, expected: StuckCause, reason_part: &str) {
    let server = MockServer::start();
    let job = job(&server);
    server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.status(200).json_value(state);
    });
    graduated_metrics(&server);
    progress_mock(&server, 10.0, 1);
    let mut sink = Recorder::default();
    let err = job.wait_with(&mut sink, fast()).unwrap_err();
    let Error::JobStuck(stuck) = err else {
        panic!("expected JobStuck, got {err:?}");
    };
    assert_eq!(stuck.cause(), &expected);
    assert_eq!(stuck.job_id(), "job_1");
    assert!(
        stuck.reason().contains(reason_part),
        "{}: {}",
        stuck.state(),
        stuck.reason()
    );
    assert!(stuck.to_string().contains(stuck.state().as_str()));
    assert!(sink.finished.is_some(), "the sink is told the wait is over");
}

#[test]
fn states_that_never_finish_end_the_wait_with_their_reason() {
    stuck_case(
        job_json("ManualApproval"),
        StuckCause::ManualApproval,
        "manual review",
    );
    let mut flagged = job_json("ManualApproval");
    flagged["reviewReason"] = json!("ContentFlagged");
    stuck_case(flagged, StuckCause::ManualApproval, "ContentFlagged");
    stuck_case(job_json("SpendLimited"), StuckCause::SpendLimited, "funds");
    stuck_case(job_json("Paused"), StuckCause::Paused, "resume");
    stuck_case(job_json("Blocked"), StuckCause::Blocked, "blocked");
    let mut failed = job_json("Failed");
    failed["failureMessage"] = json!("the pipeline crashed");
    stuck_case(failed, StuckCause::Failed, "the pipeline crashed");
}

#[test]
fn an_audience_that_can_never_answer_ends_the_wait() {
    let server = MockServer::start();
    let job = job(&server);
    server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&models::job(AudienceJobState::Running));
    });
    let metrics = server.get_audience_by_audience_id_user_metrics(|when, then| {
        when.audience_id("aud_1");
        then.status(200)
            .json_value(json!({"usersPerState": {"DroppedLowAccuracy": 4}}));
    });
    let audience = server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.status(200).json_value(audience_json("Ready"));
    });
    let progress = progress_mock(&server, 0.0, 0);
    let err = job.wait_with((), fast()).unwrap_err();
    let Error::JobStuck(stuck) = err else {
        panic!("expected JobStuck, got {err:?}");
    };
    assert_eq!(stuck.cause(), &StuckCause::AudienceCannotAnswer);
    assert!(stuck.reason().contains("aud_1"));
    metrics.assert_calls(1);
    audience.assert_calls(1);
    progress.assert_calls(0);
}

#[test]
fn stale_results_are_rebuilt_and_the_wait_goes_on() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.respond_with(sequence(vec![
            job_json("StaleResults"),
            job_json("StaleResults"),
            job_json("Completed"),
        ]));
    });
    let retry = server.post_job_by_job_id_retry(|when, then| {
        when.job_id("job_1");
        then.ok();
    });
    job.wait_with((), fast()).unwrap();
    retry.assert_calls(1);
    get.assert_calls(3);
}

#[test]
fn the_wait_times_out() {
    let server = MockServer::start();
    let job = job(&server);
    server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&models::job(AudienceJobState::Running));
    });
    graduated_metrics(&server);
    progress_mock(&server, 30.0, 3);
    let opts = WaitOptions::new()
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_millis(80));
    let err = job.wait_with((), opts).unwrap_err();
    let Error::Timeout(t) = err else {
        panic!("expected Timeout, got {err:?}");
    };
    assert_eq!(t.last_state(), Some("Running"));
    assert!(t.waited() >= Duration::from_millis(80));
    assert!(t.what().contains("job_1"));
}

const COMPARE_RESULTS: &str = r#"{"info": {"type": "Compare", "version": "4.1.0"},
  "results": [{"context": "c", "winner": "b.jpg",
    "assetUrls": {"a.jpg": "https://assets.rapidata.ai/1.jpg", "b.jpg": "https://assets.rapidata.ai/2.jpg"},
    "aggregatedResults": {"a.jpg": 1, "b.jpg": 4}}],
  "summary": {"A_wins_total": 0, "B_wins_total": 1}}"#;

#[test]
fn get_results_waits_then_downloads() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.respond_with(sequence(vec![job_json("Running"), job_json("Completed")]));
    });
    graduated_metrics(&server);
    progress_mock(&server, 90.0, 9);
    let download = server.mock(|when, then| {
        when.method(GET)
            .path("/job/job_1/download-results")
            .header("accept", "application/octet-stream");
        then.status(200)
            .header("content-type", "application/octet-stream")
            .header("content-disposition", "attachment; filename=results.json")
            .body(COMPARE_RESULTS);
    });
    let results = job.get_results_with((), fast()).unwrap();
    get.assert_calls(2);
    download.assert_calls(1);
    assert_eq!(results.kind(), &ResultKind::Compare);
    let dp = &results.compare().unwrap().datapoints[0];
    assert_eq!(dp.asset_a(), Some("a.jpg"));
    assert_eq!(dp.winner.as_deref(), Some("b.jpg"));
}

#[test]
fn results_after_a_finished_wait_are_downloaded_without_waiting_again() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.status(200).json_body(job_json("Completed"));
    });
    let progress = progress_mock(&server, 100.0, 10);
    let download = server.mock(|when, then| {
        when.method(GET).path("/job/job_1/download-results");
        then.status(200)
            .header("content-type", "application/octet-stream")
            .body(COMPARE_RESULTS);
    });
    job.wait_with((), fast()).unwrap();
    assert_eq!((get.calls(), progress.calls()), (1, 1));
    // A clone shares what the wait saw; its sink is told the final counts.
    let mut sink = Recorder::default();
    let results = job.clone().get_results_with(&mut sink, fast()).unwrap();
    assert_eq!(results.kind(), &ResultKind::Compare);
    assert_eq!((get.calls(), progress.calls(), download.calls()), (1, 1, 1));
    let finished = sink.finished.expect("the sink is finished");
    assert_eq!((finished.completed, finished.total), (10, 10));
    assert!(sink.updates.is_empty());
}

#[test]
fn results_gone_stale_after_a_finished_wait_are_waited_for_again() {
    let server = MockServer::start();
    let job = job(&server);
    let get = server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.status(200).json_body(job_json("Completed"));
    });
    progress_mock(&server, 100.0, 10);
    job.wait_with((), fast()).unwrap();
    let mut gone = server.mock(|when, then| {
        when.method(GET).path("/job/job_1/download-results");
        then.status(409)
            .json_body(json!({"title": "Conflict", "status": 409}));
    });
    // The first download finds no file: the handle waits again (one more read of the
    // job), then downloads again — and reports the conflict, the file being still gone.
    let err = job.get_results_with((), fast()).unwrap_err();
    assert_eq!(err.status(), Some(409), "{err:?}");
    assert_eq!((get.calls(), gone.calls()), (2, 2));
    gone.delete();
    // A failure other than a missing file is returned as it is, without waiting.
    let broken = server.mock(|when, then| {
        when.method(GET).path("/job/job_1/download-results");
        then.status(400)
            .json_body(json!({"title": "Bad Request", "status": 400}));
    });
    job.wait_with((), fast()).unwrap();
    let before = get.calls();
    let err = job.get_results_with((), fast()).unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");
    assert_eq!((get.calls(), broken.calls()), (before, 1));
}

#[test]
fn a_result_file_that_is_not_json_is_a_decode_error() {
    let server = MockServer::start();
    let job = job(&server);
    server.mock(|when, then| {
        when.method(GET).path("/job/job_1/download-results");
        then.status(200).body("<html>");
    });
    let err = job.download_results().unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[test]
fn the_progress_bar_stays_silent_off_a_terminal() {
    let sink = ProgressBarSink::new();
    assert_eq!(sink.is_hidden(), !std::io::stderr().is_terminal());
    // Under `cargo test` stderr is captured or piped in CI: nothing is drawn there.
    if !std::io::stderr().is_terminal() {
        assert!(sink.is_hidden());
    }
    let mut sink = ProgressBarSink::with_draw_target(indicatif::ProgressDrawTarget::hidden());
    sink.update(&Progress::new(AudienceJobState::Running, 30.0, 3, 10));
    assert_eq!(sink.bar().position(), 30);
    sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
    assert_eq!(sink.bar().position(), 100);
    assert!(sink.is_hidden());
}

#[test]
fn waiting_with_a_bar_sink_works_off_a_terminal() {
    let server = MockServer::start();
    let job = job(&server);
    server.mock(|when, then| {
        when.method(GET).path("/job/job_1");
        then.respond_with(sequence(vec![job_json("Running"), job_json("Completed")]));
    });
    graduated_metrics(&server);
    progress_mock(&server, 60.0, 6);
    let mut bar = ProgressBarSink::with_draw_target(indicatif::ProgressDrawTarget::hidden());
    job.wait_with(&mut bar, fast()).unwrap();
    assert_eq!(bar.bar().position(), 100);
    assert!(bar.bar().is_finished());
}

#[test]
fn filtered_audiences_are_assigned_by_their_own_id() {
    let server = MockServer::start();
    let mut filtered = audience_json("Ready");
    filtered["id"] = json!("fau_1");
    filtered["filter"] = json!({"_t": "CountryFilter", "countries": ["US"]});
    server.get_audience_by_audience_id(|when, then| {
        when.audience_id("fau_1");
        then.status(200).json_value(filtered);
    });
    server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "Prompt alignment"));
    });
    let create = server.post_job(|when, then| {
        when.json_value(json!({"jobDefinitionId": "jd_1",
            "audienceId": "fau_1", "checkForExplicitContent": null, "experimentId": null,
                              "precedingJobId": null, "revisionNumber": null}));
        then.ok(&CreateJobEndpointOutput::new("job_9".into(), false));
    });
    let c = client(&server);
    let audience = c.audience().get_filtered_audience_by_id("fau_1").unwrap();
    let definition = c.job().get_job_definition_by_id("jd_1").unwrap();
    let job = audience.assign_job(&definition).unwrap();
    create.assert_calls(1);
    assert_eq!(job.id(), "job_9");
    assert_eq!(job.audience_id(), "fau_1");
}
