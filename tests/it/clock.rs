//! Waits on an injected clock (`ClientBuilder::clock`): a clock whose `sleep` only moves
//! its `now` makes long waits, backoffs and resends take no real time, and its record of
//! pauses shows that every one of them went through it.

use std::time::{Duration, Instant};

use crate::support::clock::FakeClock;
use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::api::types::AudienceJobState;
use rapidata::job::WaitOptions;
use rapidata::{BrowserLogin, Client, ClientBuilder, DataItem, Error};
use serde_json::json;

use crate::support::models;

/// Real time a test on the fake clock may take: far below any of the waits it runs.
const REAL_LIMIT: Duration = Duration::from_secs(20);

/// `GET /audiences` answers that there are none.
fn no_audiences(server: &MockServer) -> httpmock::Mock<'_> {
    server.get_audiences(|_, then| {
        then.status(200)
            .json_value(json!({"total": 0, "page": 1, "pageSize": 10, "items": []}));
    })
}

/// A client for `server` (the support builder, then `configure`) on a new fake clock,
/// and that clock.
fn on_fake_clock(
    server: &MockServer,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Client, FakeClock) {
    let clock = FakeClock::new();
    let client = configure(crate::support::builder(server))
        .clock(clock.clone())
        .build()
        .unwrap();
    (client, clock)
}

#[test]
fn a_ten_minute_job_wait_times_out_on_the_fake_clock() {
    let server = MockServer::start();
    let (client, clock) = on_fake_clock(&server, |b| b);
    let get = server.get_job_by_job_id(|when, then| {
        when.job_id("job_1");
        then.ok(&models::job(AudienceJobState::Running));
    });
    server.get_audience_by_audience_id_user_metrics(|when, then| {
        when.audience_id("aud_1");
        then.status(200)
            .json_value(json!({"usersPerState": {"Graduated": 3}}));
    });
    server.get_job_by_job_id_progress(|when, then| {
        when.job_id("job_1");
        then.status(200)
            .json_value(json!({"completionPercentage": 30.0,
            "responseCount": 9, "total": 10, "completed": 3, "state": "Labeling"}));
    });
    let job = client.job().get_job_by_id("job_1").unwrap();
    let real = Instant::now();
    let ten_minutes = Duration::from_secs(600);
    let options = WaitOptions::new()
        .poll_interval(Duration::from_secs(20))
        .timeout(ten_minutes);
    let err = job.wait_with((), options).unwrap_err();
    let Error::Timeout(t) = err else {
        panic!("expected Timeout, got {err:?}");
    };
    assert_eq!(
        t.waited(),
        ten_minutes,
        "the wait is counted on the fake clock"
    );
    assert_eq!(t.last_state(), Some("Running"));
    assert_eq!(t.what(), "job job_1 to complete");
    assert_eq!(
        clock.slept(),
        ten_minutes,
        "every pause went through the clock, the last one cut to the deadline"
    );
    assert!(clock.pauses().iter().all(|p| *p <= Duration::from_secs(20)));
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
    // One reading per pause, plus the one that found the deadline passed.
    assert!(get.calls() >= 2);
}

#[test]
fn transport_backoffs_sleep_on_the_fake_clock() {
    let server = MockServer::start();
    let (client, clock) = on_fake_clock(&server, |b| {
        b.max_attempts(4).retry_after_cap(Duration::from_secs(600))
    });
    let get = server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.status(503).header("retry-after", "120");
    });
    let real = Instant::now();
    let err = client.audience().get_audience_by_id("aud_1").unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:#?}");
    get.assert_calls(4);
    assert_eq!(clock.pauses(), vec![Duration::from_secs(120); 3]);
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
}

#[test]
fn exponential_backoff_without_retry_after_sleeps_on_the_fake_clock() {
    let server = MockServer::start();
    let (client, clock) = on_fake_clock(&server, |b| {
        b.max_attempts(3)
            .backoff_base(Duration::from_secs(100))
            .backoff_max(Duration::from_secs(1000))
    });
    server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.status(502);
    });
    let real = Instant::now();
    client.audience().get_audience_by_id("aud_1").unwrap_err();
    let pauses = clock.pauses();
    assert_eq!(pauses.len(), 2, "{pauses:?}");
    // Equal jitter: half the ceiling up to the ceiling (100 s, then 200 s).
    assert!((50..=100).contains(&pauses[0].as_secs()), "{pauses:?}");
    assert!((100..=200).contains(&pauses[1].as_secs()), "{pauses:?}");
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
}

#[test]
fn a_create_whose_answers_are_lost_is_resent_after_pauses_on_the_fake_clock() {
    let server = MockServer::start();
    let (client, clock) = on_fake_clock(&server, |b| b.backoff_base(Duration::from_secs(45)));
    // Nothing of that name exists, before or after: every lost create was not carried out.
    let list = no_audiences(&server);
    // 504: the answer is lost, the request may have been carried out.
    let create = server.post_audience(|_, then| {
        then.status(504);
    });
    let real = Instant::now();
    let err = client
        .audience()
        .create_audience("Clock test")
        .send()
        .unwrap_err();
    assert!(err.may_have_been_processed(), "{err:#?}");
    create.assert_calls(3);
    // Once before the first send, once after each lost one.
    list.assert_calls(4);
    assert_eq!(clock.pauses(), vec![Duration::from_secs(45); 2]);
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
}

#[test]
fn an_hour_long_browser_login_times_out_on_the_fake_clock() {
    let sb = rapidata_sandbox::Sandbox::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::new();
    let real = Instant::now();
    let hour = Duration::from_secs(3600);
    let err = Client::builder()
        .env_lookup(|_| None)
        .config_dir(dir.path())
        .api_url(sb.url())
        .auth_url(sb.url())
        .clock(clock.clone())
        .login_in_browser(
            &BrowserLogin::new()
                .poll_interval(Duration::from_secs(50))
                .timeout(hour),
            |_| {},
        )
        .unwrap_err();
    let Error::Timeout(t) = err else {
        panic!("expected Timeout, got {err:?}");
    };
    assert_eq!(t.waited(), hour);
    assert_eq!(t.last_state(), Some("not logged in yet"));
    assert_eq!(t.what(), "the browser login to complete");
    assert_eq!(clock.slept(), hour);
    assert_eq!(clock.pauses().len(), 72, "3600 s in pauses of 50 s");
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
}

#[test]
fn an_example_whose_answers_are_lost_is_resent_after_pauses_on_the_fake_clock() {
    let server = MockServer::start();
    let (client, clock) = on_fake_clock(&server, |b| b.backoff_base(Duration::from_secs(30)));
    no_audiences(&server);
    server.post_audience(|_, then| {
        then.status(200).json_value(json!({"audienceId": "aud_1"}));
    });
    let audience = client
        .audience()
        .create_audience("Clock test")
        .send()
        .unwrap();
    assert!(
        clock.pauses().is_empty(),
        "the audience was answered at once"
    );
    // Every add is lost, and the audience never shows the example.
    let add = server.post_audience_by_audience_id_example(|when, then| {
        when.audience_id("aud_1");
        then.status(504);
    });
    let listed = server.get_audience_by_audience_id_examples(|when, then| {
        when.audience_id("aud_1");
        then.status(200)
            .json_value(json!({"total": 0, "page": 1, "pageSize": 100, "items": []}));
    });
    let real = Instant::now();
    let err = audience
        .add_compare_example(
            "Which text is more polite?",
            [DataItem::text("Please sit down."), DataItem::text("Sit.")],
            "Please sit down.",
        )
        .send()
        .unwrap_err();
    assert!(err.may_have_been_processed(), "{err:#?}");
    add.assert_calls(3);
    listed.assert_calls(3);
    assert_eq!(clock.pauses(), vec![Duration::from_secs(30); 2]);
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
}

#[test]
fn an_hour_long_cost_estimate_wait_times_out_on_the_fake_clock() {
    let server = MockServer::start();
    let (client, clock) = on_fake_clock(&server, |b| b);
    let definition = crate::support::definition_of(&client, &server);
    let estimate = server.get_job_definition_by_definition_id_cost_estimate(|when, then| {
        when.definition_id("jd_1");
        then.status(409).json_value(json!({"title": "not ready"}));
    });
    let real = Instant::now();
    let hour = Duration::from_secs(3600);
    let err = definition
        .cost_estimate_with(
            WaitOptions::new()
                .poll_interval(Duration::from_secs(60))
                .timeout(hour),
        )
        .unwrap_err();
    let Error::Timeout(t) = err else {
        panic!("expected Timeout, got {err:?}");
    };
    assert_eq!(t.waited(), hour);
    assert_eq!(t.last_state(), Some("not ready"));
    assert!(
        t.what().starts_with("the cost estimate of "),
        "{}",
        t.what()
    );
    assert_eq!(clock.pauses(), vec![Duration::from_secs(60); 60]);
    // The first ask, one after each pause.
    estimate.assert_calls(61);
    assert!(real.elapsed() < REAL_LIMIT, "took {:?}", real.elapsed());
}
