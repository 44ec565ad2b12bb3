//! The progress contract of long calls (issue 19), against the offline sandbox: the
//! events of a definition's create and retry, a cost estimate, and the reporters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rapidata::job::{EventKind, ProgressBars, ProgressEvent, Reporter, Stage, WaitOptions};
use rapidata::{Client, DataItem, Error};
use rapidata_sandbox::Sandbox;

fn sandbox() -> Sandbox {
    Sandbox::builder()
        .cost_estimate_delay(Duration::from_millis(150))
        .start()
        .unwrap()
}

/// The shared sandbox client with four workers.
fn client(sb: &Sandbox, config_dir: &std::path::Path) -> Client {
    crate::support::sandbox::builder(sb, config_dir)
        .max_workers(4)
        .build()
        .unwrap()
}

/// Collects every event.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<ProgressEvent>>>);

impl Reporter for Recorder {
    fn report(&self, event: &ProgressEvent) {
        self.0.lock().unwrap().push(*event);
    }
}

impl Recorder {
    /// The events so far, emptied.
    fn take(&self) -> Vec<ProgressEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// One stage from its `Start`: the last counts and whether it finished.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    stage: Stage,
    total: Option<u64>,
    done: u64,
    failed: u64,
    finished: bool,
}

/// Checks the documented order and guarantees and returns the stage runs in the order
/// they started: each stage's events are `Start`, `Progress`…, at most one `Finish`
/// (last, only with nothing failed and everything done); counts never decrease and never
/// pass the total.
fn runs(events: &[ProgressEvent]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut open: HashMap<Stage, usize> = HashMap::new();
    for e in events {
        if e.kind == EventKind::Start {
            assert_eq!((e.done, e.failed), (0, 0), "{e:?}");
            open.insert(e.stage, runs.len());
            runs.push(Run {
                stage: e.stage,
                total: e.total,
                done: 0,
                failed: 0,
                finished: false,
            });
            continue;
        }
        let i = *open
            .get(&e.stage)
            .unwrap_or_else(|| panic!("{e:?} before its Start"));
        let run = &mut runs[i];
        assert!(!run.finished, "{e:?} after the stage's Finish");
        assert_eq!(e.total, run.total, "{e:?}");
        assert!(
            e.done >= run.done && e.failed >= run.failed,
            "counts went back: {e:?}"
        );
        if let Some(total) = e.total {
            assert!(e.done + e.failed <= total, "{e:?}");
        }
        run.done = e.done;
        run.failed = e.failed;
        if e.kind == EventKind::Finish {
            assert_eq!(e.failed, 0, "Finish of a stage that failed: {e:?}");
            if let Some(total) = e.total {
                assert_eq!(e.done, total, "{e:?}");
            }
            run.finished = true;
        }
    }
    runs
}

fn run(stage: Stage, total: u64, done: u64, failed: u64, finished: bool) -> Run {
    Run {
        stage,
        total: Some(total),
        done,
        failed,
        finished,
    }
}

fn write_file(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, b"\x89PNG\r\n\x1a\n fake").unwrap();
    p
}

#[test]
fn a_definition_with_files_and_urls_reports_its_stages_in_order_also_when_it_fails() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let a = write_file(dir.path(), "a.png");
    let b = write_file(dir.path(), "b.png");
    let recorder = Recorder::default();
    // The sandbox fails to download URLs under `.invalid`.
    let err = client
        .job()
        .create_compare_job_definition(
            "Progress",
            "Which is better?",
            [
                [
                    DataItem::file(&a),
                    DataItem::url("https://cdn.example.com/1.jpg"),
                ],
                [
                    DataItem::file(&b),
                    DataItem::url("https://img.invalid/missing.jpg"),
                ],
                [
                    DataItem::url("https://cdn.example.com/2.jpg"),
                    DataItem::url("https://cdn.example.com/3.jpg"),
                ],
            ],
        )
        .failure_tolerance(0.0)
        .progress(recorder.clone())
        .send()
        .unwrap_err();
    let Error::UploadFailed(failure) = err else {
        panic!("expected UploadFailed, got {err:?}");
    };
    assert_eq!(failure.pending().failed_indices(), [1]);
    // Six distinct media, one of which fails: the assets stage does not finish; two of
    // three datapoints are created, one fails: no finish either; no definition stage.
    assert_eq!(
        runs(&recorder.take()),
        [
            run(Stage::Assets, 6, 5, 1, false),
            run(Stage::Datapoints, 3, 2, 1, false),
        ]
    );

    // The retry reports to the same reporter: only the failed datapoint's two items (the
    // file is cached) and that datapoint, which fails again.
    let err = failure.retry().unwrap_err();
    assert!(matches!(err, Error::UploadFailed(_)), "{err:?}");
    assert_eq!(
        runs(&recorder.take()),
        [
            run(Stage::Assets, 2, 1, 1, false),
            run(Stage::Datapoints, 1, 0, 1, false),
        ]
    );
}

#[test]
fn a_successful_definition_finishes_every_stage_and_its_estimate_reports_the_wait() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let a = write_file(dir.path(), "a.png");
    let recorder = Recorder::default();
    let definition = client
        .job()
        .create_classification_job_definition(
            "Progress ok",
            "What is it?",
            ["Cat", "Dog"],
            [
                DataItem::file(&a),
                DataItem::url("https://cdn.example.com/cat.jpg"),
                DataItem::text("a text"),
            ],
        )
        .progress(recorder.clone())
        .send()
        .unwrap();
    assert_eq!(
        runs(&recorder.take()),
        [
            run(Stage::Assets, 2, 2, 0, true),
            run(Stage::Datapoints, 3, 3, 0, true),
            run(Stage::Definition, 1, 1, 0, true),
        ]
    );

    // The estimate is not ready at first: the definition's reporter sees the wait.
    let opts = WaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(30));
    definition.cost_estimate_with(opts).unwrap();
    let events = recorder.take();
    let estimating = runs(&events);
    assert_eq!(estimating.len(), 1, "{events:?}");
    assert_eq!(estimating[0].stage, Stage::Estimating);
    assert!(estimating[0].finished, "{events:?}");
    assert_eq!(estimating[0].total, None);
    // Ready now: no stage at all.
    definition.cost_estimate_with(opts).unwrap();
    assert!(recorder.take().is_empty());
}

#[test]
fn a_channel_receives_every_event() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let (tx, rx) = std::sync::mpsc::channel::<ProgressEvent>();
    client
        .job()
        .create_compare_job_definition(
            "Channel",
            "Which?",
            [
                [DataItem::text("a"), DataItem::text("b")],
                [DataItem::text("c"), DataItem::text("d")],
            ],
        )
        .progress(tx)
        .send()
        .unwrap();
    // The sender went with the builder's reporter: the channel is closed and drained.
    let events: Vec<ProgressEvent> = rx.iter().collect();
    // Texts have no media: no assets stage.
    assert_eq!(
        runs(&events),
        [
            run(Stage::Datapoints, 2, 2, 0, true),
            run(Stage::Definition, 1, 1, 0, true),
        ]
    );
    let kinds: Vec<(Stage, EventKind)> = events.iter().map(|e| (e.stage, e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (Stage::Datapoints, EventKind::Start),
            (Stage::Datapoints, EventKind::Progress),
            (Stage::Datapoints, EventKind::Progress),
            (Stage::Datapoints, EventKind::Finish),
            (Stage::Definition, EventKind::Start),
            (Stage::Definition, EventKind::Progress),
            (Stage::Definition, EventKind::Finish),
        ]
    );
}

#[test]
fn a_closure_is_called_from_the_workers_in_order() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let files: Vec<DataItem> = (0..12)
        .map(|i| DataItem::file(write_file(dir.path(), &format!("f{i}.png"))))
        .collect();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (c, s) = (calls.clone(), seen.clone());
    client
        .job()
        .create_classification_job_definition("Closure", "What?", ["A", "B"], files)
        .progress(move |e: &ProgressEvent| {
            c.fetch_add(1, Ordering::SeqCst);
            s.lock().unwrap().push(*e);
        })
        .send()
        .unwrap();
    let events = seen.lock().unwrap().clone();
    assert_eq!(calls.load(Ordering::SeqCst), events.len());
    assert_eq!(
        runs(&events),
        [
            run(Stage::Assets, 12, 12, 0, true),
            run(Stage::Datapoints, 12, 12, 0, true),
            run(Stage::Definition, 1, 1, 0, true),
        ]
    );
    // One progress event per item, counting up by one.
    let assets: Vec<u64> = events
        .iter()
        .filter(|e| e.stage == Stage::Assets && e.kind == EventKind::Progress)
        .map(|e| e.done)
        .collect();
    assert_eq!(assets, (1..=12).collect::<Vec<_>>());
}

/// Hands every event to two reporters.
struct Tee<A, B>(A, B);

impl<A: Reporter, B: Reporter> Reporter for Tee<A, B> {
    fn report(&self, event: &ProgressEvent) {
        self.0.report(event);
        self.1.report(event);
    }
}

#[test]
fn bars_draw_nothing_off_a_terminal_and_end_at_the_final_counts() {
    use std::io::IsTerminal;
    // The default bars are hidden when standard error is not a terminal (as under CI).
    assert_eq!(
        ProgressBars::new().is_hidden(),
        !std::io::stderr().is_terminal()
    );
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let client = client(&sb, dir.path());
    let bars = Arc::new(ProgressBars::hidden());
    let recorder = Recorder::default();
    client
        .job()
        .create_compare_job_definition(
            "Bars",
            "Which?",
            [[
                DataItem::url("https://cdn.example.com/x.jpg"),
                DataItem::url("https://cdn.example.com/y.jpg"),
            ]],
        )
        .progress(Tee(bars.clone(), recorder.clone()))
        .send()
        .unwrap();
    assert!(bars.is_hidden());
    assert_eq!(runs(&recorder.take()).len(), 3);
    assert_eq!(bars.position(Stage::Assets), Some(2));
    assert_eq!(bars.position(Stage::Datapoints), Some(1));
    assert_eq!(bars.position(Stage::Definition), Some(1));
    assert_eq!(bars.position(Stage::Waiting), None);
}
