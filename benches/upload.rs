//! Upload benchmark: `cargo bench --bench upload -- [--n N[,N...]] [--latency-ms L]
//! [--workers C[,C...]] [--file-size-kib K] [--inputs files,urls,text] [--in-process |
//! --sandbox-bin PATH]`.
//!
//! Creates compare job definitions with N datapoints of local files, URLs and texts (for
//! each N and worker count; by default N = 100, 1,000 and 10,000 with 25 workers) against a
//! sandbox that adds L to every request, and prints wall time, requests by route, the
//! latency bound and the floor the dependencies allow, client CPU, peak memory and heap per
//! datapoint, with a MET/MISSED line per target. A measurement, not a test: it exits 0
//! whether or not the targets are met (non-zero only when the run itself fails, e.g. the
//! datapoints' sort indexes are not exactly 0..N). The logic lives in `support/upload.rs`,
//! shared with `tests/bench_smoke.rs`.

#[path = "support/heap.rs"]
mod heap;
#[path = "support/upload.rs"]
mod upload;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

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
