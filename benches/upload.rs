//! Upload benchmark: `cargo bench --bench upload -- [--n N] [--latency-ms L]
//! [--concurrency C] [--file-size-kib K] [--inputs files,urls,text] [--in-process |
//! --sandbox-bin PATH]`.
//!
//! Creates a compare job definition with N datapoints of local files, URLs and texts
//! against a sandbox that adds L to every request, and prints wall time, requests by route,
//! the latency bound, client CPU and peak memory, with a PASS/FAIL line per target. A
//! measurement, not a test: it exits 0 whether or not the targets are met (non-zero only
//! when the run itself fails, e.g. the datapoints' sort indexes are not exactly 0..N). The
//! logic lives in `support/upload.rs`, shared with `tests/bench_smoke.rs`.

#[path = "support/upload.rs"]
mod upload;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--serve-sandbox") {
        args.next();
        if let Err(e) = upload::serve_sandbox(args) {
            eprintln!("upload benchmark sandbox: {e}");
            std::process::exit(2);
        }
        return;
    }
    let config = match upload::Config::from_args(args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match upload::run(&config) {
        Ok(report) => print!("{}", upload::render(&config, &report)),
        Err(e) => {
            eprintln!("upload benchmark failed: {e}");
            std::process::exit(1);
        }
    }
}
