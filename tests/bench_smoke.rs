//! Smoke test of the upload benchmark (`benches/upload.rs`): the same code, with N = 20
//! datapoints per input and no added latency, so CI proves the benchmark still works. No
//! timing is asserted; the run itself checks that every dataset's sort indexes are exactly
//! 0..N.

use std::time::Duration;

#[path = "../benches/support/heap.rs"]
mod heap;
#[path = "../benches/support/upload.rs"]
mod upload;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

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
    assert_eq!(config.ns, [20]);
    assert_eq!(config.latency, Duration::ZERO);
    assert_eq!(config.workers, [rapidata::DEFAULT_MAX_WORKERS]);
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
        assert_eq!((m.n, m.workers), (20, rapidata::DEFAULT_MAX_WORKERS));
        // The counting allocator is installed: the client's heap grew while it ran.
        assert!(m.heap_peak_bytes.unwrap() > 0, "{:?}", m.heap_peak_bytes);
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
        "floor/bound",
        "heap MiB",
        "B per datapoint",
        "files N=20 workers=25",
        "urls N=20 workers=25",
        "text N=20 workers=25",
        "client CPU",
        "peak memory",
    ] {
        assert!(rendered.contains(needle), "{needle}: {rendered}");
    }
}

#[test]
fn lists_of_sizes_and_workers_are_parsed_and_the_floor_follows_the_dependencies() {
    let config = Config::from_args(
        ["--n", "100,1000", "--workers=50", "--inputs", "urls"].map(String::from),
    )
    .unwrap();
    assert_eq!(config.ns, [100, 1000]);
    assert_eq!(config.workers, [50]);
    assert_eq!(Config::from_args([]).unwrap().ns, [100, 1000, 10_000]);
    let ms = Duration::from_millis;
    // 107 requests on 25 workers at 25 ms: work 106 x 1 ms + 25 ms; URLs wait P + 2L =
    // 150 ms for their batch, then 4 rounds of datapoints and the definition: 275 ms.
    let urls = upload::Measurement::floor(Input::Urls, 100, 25, 107, ms(25), ms(100));
    assert_eq!(urls, ms(275));
    // Texts: the dataset, 4 rounds, the definition.
    assert_eq!(
        upload::Measurement::floor(Input::Text, 100, 25, 103, ms(25), ms(100)),
        ms(150)
    );
    // Files: the work dominates (302 x 1 ms + 25 ms).
    assert_eq!(
        upload::Measurement::floor(Input::Files, 100, 25, 303, ms(25), ms(100)),
        ms(327)
    );
}

#[test]
fn bad_flags_are_refused_with_the_usage() {
    for args in [
        &["--n", "0"][..],
        &["--workers", "25,0"],
        &["--n", "10,x"],
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
