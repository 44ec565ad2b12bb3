//! Smoke test of the upload benchmark (`benches/upload.rs`): the same code, with N = 20
//! datapoints per input and no added latency, so CI proves the benchmark still works. No
//! timing is asserted; the run itself checks that every dataset's sort indexes are exactly
//! 0..N.

use std::time::Duration;

#[path = "../benches/support/upload.rs"]
mod upload;

use upload::{Config, Input, SandboxMode};

#[test]
fn the_upload_benchmark_runs_every_input() {
    let config = Config::from_args(
        [
            "--bench",
            "--n",
            "20",
            "--latency-ms=0",
            "--inputs",
            "files,urls,text",
        ]
        .map(String::from),
    )
    .unwrap();
    assert_eq!(config.n, 20);
    assert_eq!(config.latency, Duration::ZERO);
    assert_eq!(config.concurrency, rapidata::DEFAULT_MAX_WORKERS);
    assert_eq!(config.file_size_kib, 200);
    // The test harness cannot serve as the sandbox process, so the sandbox runs on threads.
    let config = Config {
        sandbox: SandboxMode::InProcess,
        ..config
    };
    let report = upload::run(&config).unwrap();
    let inputs: Vec<Input> = report.measurements.iter().map(|m| m.input).collect();
    assert_eq!(inputs, [Input::Files, Input::Urls, Input::Text]);
    for m in &report.measurements {
        let datapoints = m.routes["POST /dataset/{datasetId}/datapoint"];
        assert_eq!(datapoints, 20, "{:?}: {:?}", m.input, m.routes);
        assert_eq!(m.requests, m.routes.values().sum::<u64>());
        assert!(m.ratio().is_none(), "no latency, no bound");
        assert!(
            !m.routes.contains_key("POST /connect/token"),
            "token fetched before the clock"
        );
    }
    let files = &report.measurements[0];
    assert_eq!(files.routes["POST /asset/file"], 40, "{:?}", files.routes);
    assert_eq!(files.file_bytes, 40 * 200 * 1024);
    let urls = &report.measurements[1];
    assert_eq!(
        urls.routes["POST /asset/batch-upload"], 1,
        "{:?}",
        urls.routes
    );
    assert!(
        !urls.routes.contains_key("POST /asset/url"),
        "{:?}",
        urls.routes
    );
    let text = &report.measurements[2];
    assert!(
        text.routes.keys().all(|r| !r.contains("/asset/")),
        "{:?}",
        text.routes
    );

    let rendered = upload::render(&config, &report);
    for needle in [
        "wall/bound",
        "files",
        "urls",
        "text",
        "client CPU",
        "peak memory",
    ] {
        assert!(rendered.contains(needle), "{needle}: {rendered}");
    }
}

#[test]
fn bad_flags_are_refused_with_the_usage() {
    for args in [
        &["--n", "0"][..],
        &["--inputs", "videos"],
        &["--frobnicate"],
        &["--n"],
    ] {
        let err = Config::from_args(args.iter().map(|s| s.to_string())).unwrap_err();
        assert!(!err.is_empty(), "{args:?}");
    }
    assert!(Config::from_args(["--help".to_owned()])
        .unwrap_err()
        .contains("cargo bench --bench upload"));
}
