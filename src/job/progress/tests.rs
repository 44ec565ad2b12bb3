use std::io::IsTerminal;
use std::time::Duration;

use indicatif::ProgressDrawTarget;

use crate::api::types::AudienceJobState;

use super::*;

fn reading(secs: f64, percentage: f64) -> Reading {
    Reading {
        at: Duration::from_secs_f64(secs),
        percentage,
    }
}

#[test]
fn polls_start_quick_and_double_up_to_the_poll_interval() {
    let o = WaitOptions::new();
    let pauses: Vec<u128> = (1..=6)
        .map(|n| next_poll_interval(&o, n, &[]).as_millis())
        .collect();
    assert_eq!(pauses, [500, 1000, 2000, 4000, 5000, 5000]);
    // A poll interval below the first one caps it.
    let fixed = WaitOptions::new().poll_interval(Duration::from_millis(20));
    assert_eq!(next_poll_interval(&fixed, 1, &[]).as_millis(), 20);
    assert_eq!(next_poll_interval(&fixed, 9, &[]).as_millis(), 20);
    assert_eq!(next_poll_interval(&o, u32::MAX, &[]).as_secs(), 5);
}

#[test]
fn moving_progress_aims_the_next_poll_at_the_expected_end() {
    let o = WaitOptions::new();
    // 40 % in 1 s: 60 % to go take 1.5 s; aimed 10 % later.
    let p = next_poll_interval(&o, 2, &[reading(0.5, 0.0), reading(1.5, 40.0)]);
    assert_eq!(p.as_millis(), 1650);
    // A slow job is polled at the poll interval, a nearly done one after the first
    // interval at the earliest.
    let slow = next_poll_interval(&o, 2, &[reading(0.0, 1.0), reading(5.0, 2.0)]);
    assert_eq!(slow.as_secs(), 5);
    let near = next_poll_interval(&o, 2, &[reading(0.0, 10.0), reading(1.0, 99.9)]);
    assert_eq!(near.as_millis(), 500);
    // No progress, or going backwards: the doubling schedule.
    let still = next_poll_interval(&o, 3, &[reading(0.0, 10.0), reading(1.0, 10.0)]);
    assert_eq!(still.as_millis(), 2000);
}
use std::io;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<String>>);

impl indicatif::TermLike for Recorder {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.0.lock().unwrap().push_str(s);
        self.0.lock().unwrap().push('\n');
        Ok(())
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        self.0.lock().unwrap().push_str(s);
        Ok(())
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn bar_draws_on_a_terminal_and_never_goes_back() {
    let rec = Recorder::default();
    let mut sink =
        ProgressBarSink::with_draw_target(ProgressDrawTarget::term_like(Box::new(rec.clone())));
    assert!(!sink.is_hidden());
    sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
    sink.update(&Progress::new(AudienceJobState::Running, 20.0, 2, 10));
    assert_eq!(sink.bar().position(), 40);
    sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
    assert_eq!(sink.bar().position(), 100);
    let out = rec.0.lock().unwrap().clone();
    assert!(out.contains("100%"), "{out}");
    assert!(out.contains("10/10"), "{out}");
}

fn event(stage: Stage, kind: EventKind, done: u64, total: Option<u64>) -> ProgressEvent {
    ProgressEvent::new(stage, kind, done, total)
}

#[test]
fn stage_bars_never_go_back_and_show_final_counts() {
    let rec = Recorder::default();
    let bars = ProgressBars::with_draw_target(ProgressDrawTarget::term_like(Box::new(rec.clone())));
    assert!(!bars.is_hidden());
    bars.report(&event(Stage::Assets, EventKind::Start, 0, Some(4)));
    bars.report(&event(Stage::Assets, EventKind::Progress, 3, Some(4)));
    // An older reading arriving late does not move the bar back.
    bars.report(&event(Stage::Assets, EventKind::Progress, 1, Some(4)));
    assert_eq!(bars.position(Stage::Assets), Some(3));
    bars.report(&event(Stage::Assets, EventKind::Finish, 4, Some(4)));
    assert_eq!(bars.position(Stage::Assets), Some(4));
    // A stage without counts, and events of a stage never started (ignored).
    bars.report(&event(Stage::Estimating, EventKind::Start, 0, None));
    bars.report(&event(Stage::Definition, EventKind::Finish, 1, Some(1)));
    assert_eq!(bars.position(Stage::Definition), None);
    // A failed item shows; a stage tried again gets a bar of its own.
    bars.report(&event(Stage::Datapoints, EventKind::Start, 0, Some(2)));
    bars.report(&event(Stage::Datapoints, EventKind::Progress, 1, Some(2)).with_failed(1));
    bars.report(&event(Stage::Datapoints, EventKind::Start, 0, Some(1)));
    bars.report(&event(Stage::Datapoints, EventKind::Finish, 1, Some(1)));
    assert_eq!(bars.position(Stage::Datapoints), Some(1));
    let out = rec.0.lock().unwrap().clone();
    assert!(out.contains("4/4"), "{out}");
    assert!(out.contains("1 failed"), "{out}");
    assert!(out.contains("datapoints"), "{out}");
}

#[test]
fn hidden_stage_bars_draw_nothing() {
    let bars = ProgressBars::hidden();
    bars.report(&event(Stage::Assets, EventKind::Start, 0, Some(1)));
    bars.report(&event(Stage::Assets, EventKind::Finish, 1, Some(1)));
    assert!(bars.is_hidden());
    assert_eq!(bars.position(Stage::Assets), Some(1));
    // The default: hidden unless standard error is a terminal.
    assert_eq!(
        ProgressBars::new().is_hidden(),
        !std::io::stderr().is_terminal()
    );
}

#[test]
fn a_stage_reports_in_order_from_many_threads_and_finishes_only_without_failures() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let reporter = SharedReporter::new(move |e: &ProgressEvent| {
        // A slow handler would let events overtake each other if they were not
        // serialized.
        std::thread::yield_now();
        seen.lock().unwrap().push(*e);
    });
    let stage = reporter.start(Stage::Datapoints, Some(400));
    std::thread::scope(|scope| {
        for t in 0..8 {
            let stage = &stage;
            scope.spawn(move || {
                for i in 0..50 {
                    if t == 0 && i == 0 {
                        stage.failed(1);
                    } else {
                        stage.done(1);
                    }
                }
            });
        }
    });
    stage.finish();
    let events = events.lock().unwrap().clone();
    assert_eq!(events.len(), 401);
    assert_eq!(events[0].kind, EventKind::Start);
    for pair in events.windows(2) {
        assert!(pair[1].done >= pair[0].done && pair[1].failed >= pair[0].failed);
        assert_eq!(pair[1].ended(), pair[0].ended() + 1);
    }
    // One failure: no finish.
    assert!(events.iter().all(|e| e.kind != EventKind::Finish));
    assert_eq!((events[400].done, events[400].failed), (399, 1));

    // Without failures: one finish, and nothing after it.
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let r = recorded.clone();
    let reporter = SharedReporter::new(move |e: &ProgressEvent| r.lock().unwrap().push(*e));
    let stage = reporter.start(Stage::Assets, Some(2));
    stage.done(1);
    stage.done(5); // more than announced: capped at the total
    stage.finish();
    stage.done(1);
    stage.finish();
    let kinds: Vec<(EventKind, u64)> = recorded
        .lock()
        .unwrap()
        .iter()
        .map(|e| (e.kind, e.done))
        .collect();
    assert_eq!(
        kinds,
        [
            (EventKind::Start, 0),
            (EventKind::Progress, 1),
            (EventKind::Progress, 2),
            (EventKind::Finish, 2)
        ]
    );
}

#[test]
fn a_wait_maps_onto_the_waiting_stage() {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut sink = WaitingStage::new(tx);
    sink.update(&Progress::not_started(AudienceJobState::Submitted));
    sink.update(&Progress::new(AudienceJobState::Running, 50.0, 5, 10));
    // A lower reading does not lower the count.
    sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
    sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
    let events: Vec<ProgressEvent> = rx.try_iter().collect();
    let seen: Vec<(EventKind, u64, Option<u64>)> =
        events.iter().map(|e| (e.kind, e.done, e.total)).collect();
    assert_eq!(
        seen,
        [
            (EventKind::Start, 0, None),
            (EventKind::Progress, 0, None),
            (EventKind::Progress, 5, Some(10)),
            (EventKind::Progress, 5, Some(10)),
            (EventKind::Progress, 10, Some(10)),
            (EventKind::Finish, 10, Some(10)),
        ]
    );
    assert!(events.iter().all(|e| e.stage == Stage::Waiting));
    // A wait that fails: no finish.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut sink = WaitingStage::new(tx);
    sink.update(&Progress::new(AudienceJobState::Running, 50.0, 1, 2));
    sink.finish(&Progress::new(AudienceJobState::Paused, 50.0, 1, 2));
    assert!(rx.try_iter().all(|e| e.kind != EventKind::Finish));
}

#[test]
fn hidden_bar_draws_nothing() {
    let mut sink = ProgressBarSink::with_draw_target(ProgressDrawTarget::hidden());
    sink.update(&Progress::new(AudienceJobState::Running, 40.0, 4, 10));
    sink.finish(&Progress::new(AudienceJobState::Completed, 100.0, 10, 10));
    assert!(sink.is_hidden());
}
