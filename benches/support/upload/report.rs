//! The report: targets, and the text printed for a run.

use std::fmt::Write as _;

use super::config::{Config, Input, SandboxMode};
use super::measurement::{Measurement, Report};

/// The target for wall / bound.
const RATIO_TARGET: f64 = 1.05;
const CPU_TARGET: f64 = 0.10;
const MEMORY_TARGET_KIB: u64 = 64 * 1024;
/// Client heap per datapoint beyond the caller's inputs.
const HEAP_TARGET_BYTES: f64 = 1024.0;

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn list(values: &[usize]) -> String {
    values
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn ratio(r: Option<f64>) -> String {
    r.map_or("n/a".to_owned(), |r| format!("{r:.3}"))
}

impl Measurement {
    fn label(&self) -> String {
        format!(
            "{} N={} workers={}",
            self.input.name(),
            self.n,
            self.workers
        )
    }
}

/// The report as text: settings, one table row per run, requests by route, and one line
/// per target (MET or MISSED, with the reason where the dependencies alone miss it).
pub fn render(config: &Config, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "upload benchmark");
    let _ = writeln!(
        out,
        "  N = {} datapoints (compare pairs), L = {} ms per request, workers = {} (max_workers), files of {} KiB",
        list(&config.ns),
        config.latency.as_millis(),
        list(&config.workers),
        config.file_size_kib
    );
    let _ = writeln!(out, "  sandbox: {}", report.sandbox);
    let _ = writeln!(
        out,
        "  sandbox response interval: {} ms (its batch uploads finish P = {} ms after creation)",
        config.response_interval.as_millis(),
        (config.response_interval / 2).as_millis()
    );
    let _ = writeln!(
        out,
        "  machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let _ = writeln!(
        out,
        "  bound = requests x L / workers; floor = the least the dependencies allow: the work \
         ((requests - 1) x L / workers + L for the definition), or the lead before the first \
         datapoint (L; URLs: P + 2L) + ceil(N / workers) x L + L"
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<6} {:>6} {:>7} {:>8} {:>8} {:>8} {:>10} {:>8} {:>11} {:>10} {:>6} {:>8} {:>8} {:>11}",
        "input",
        "N",
        "workers",
        "wall s",
        "requests",
        "bound s",
        "wall/bound",
        "floor s",
        "floor/bound",
        "client CPU",
        "CPU %",
        "peak MiB",
        "heap MiB",
        "sandbox CPU"
    );
    for m in &report.measurements {
        let _ = writeln!(
            out,
            "{:<6} {:>6} {:>7} {:>8.3} {:>8} {:>8.3} {:>10} {:>8.3} {:>11} {:>9.3}s {:>5.1}% {:>8} {:>8} {:>11}",
            m.input.name(),
            m.n,
            m.workers,
            m.wall.as_secs_f64(),
            m.requests,
            m.bound.as_secs_f64(),
            ratio(m.ratio()),
            m.floor.as_secs_f64(),
            ratio(m.floor_ratio()),
            m.cpu.as_secs_f64(),
            100.0 * m.cpu_share(),
            match m.peak_rss_kib {
                Some((kib, true)) => format!("{:.1}", mib(kib)),
                Some((kib, false)) => format!("{:.1}*", mib(kib)),
                None => "?".to_owned(),
            },
            m.heap_peak_bytes
                .map_or("?".to_owned(), |b| format!("{:.1}", b as f64 / (1024.0 * 1024.0))),
            m.server_cpu.map_or("(included)".to_owned(), |c| format!(
                "{:.3}s",
                c.as_secs_f64()
            ))
        );
    }
    let _ = writeln!(
        out,
        "  heap MiB: the client's heap at its peak above what it held when the clock started \
         (a counting allocator); peak MiB: resident memory"
    );
    if report
        .measurements
        .iter()
        .any(|m| matches!(m.peak_rss_kib, Some((_, false))))
    {
        let _ = writeln!(
            out,
            "  * peak of the whole process so far (the kernel's peak mark could not be reset)"
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "requests by route (measured part only):");
    for m in &report.measurements {
        let routes: Vec<String> = m.routes.iter().map(|(r, n)| format!("{n} {r}")).collect();
        let _ = writeln!(out, "  {}: {}", m.label(), routes.join(", "));
    }
    let _ = writeln!(out);
    let in_process = matches!(config.sandbox, SandboxMode::InProcess);
    let server_note = if in_process {
        " [includes the in-process sandbox]"
    } else {
        ""
    };
    for m in &report.measurements {
        let (Some(r), Some(f)) = (m.ratio(), m.floor_ratio()) else {
            let _ = writeln!(out, "n/a: {} wall/bound (no latency)", m.label());
            continue;
        };
        let reason = if r <= RATIO_TARGET {
            String::new()
        } else if f > RATIO_TARGET {
            format!("; unreachable here: the dependencies alone need {f:.3} x the bound")
        } else {
            format!(
                "; {:.3} x the floor",
                m.wall.as_secs_f64() / m.floor.as_secs_f64()
            )
        };
        let _ = writeln!(
            out,
            "{}: {} wall/bound = {r:.3} (target <= {RATIO_TARGET}{reason})",
            if r <= RATIO_TARGET { "MET" } else { "MISSED" },
            m.label()
        );
    }
    // Per datapoint. At its peak the heap also holds a fixed part that does not grow
    // with N (each worker's connection and its buffers): divided by a small N it looks
    // large, so the target is judged on the growth between the smallest and the largest N.
    for m in &report.measurements {
        if let Some(b) = m.heap_per_datapoint() {
            let _ = writeln!(
                out,
                "info: {} client heap peak / N = {b:.0} B per datapoint (the fixed part included){server_note}",
                m.label()
            );
        }
    }
    for &workers in &config.workers {
        for &input in &config.inputs {
            let runs: Vec<&Measurement> = report
                .measurements
                .iter()
                .filter(|m| m.input == input && m.workers == workers)
                .collect();
            let (Some(small), Some(large)) = (
                runs.iter().min_by_key(|m| m.n),
                runs.iter().max_by_key(|m| m.n),
            ) else {
                continue;
            };
            if let (true, Some(a), Some(b)) = (
                large.n > small.n,
                small.heap_peak_bytes,
                large.heap_peak_bytes,
            ) {
                let marginal = (b as f64 - a as f64) / (large.n - small.n) as f64;
                let _ = writeln!(
                    out,
                    "{}: {} workers={workers} client heap = {marginal:.0} B per datapoint (growth of the heap peak from N={} to N={}; target <= {HEAP_TARGET_BYTES:.0} B){server_note}",
                    if marginal <= HEAP_TARGET_BYTES { "MET" } else { "MISSED" },
                    input.name(),
                    small.n,
                    large.n
                );
            }
        }
    }
    for m in &report.measurements {
        let share = m.cpu_share();
        let _ = writeln!(
            out,
            "{}: {} client CPU = {:.1}% of wall (target <= {:.0}%){server_note}",
            if share <= CPU_TARGET { "MET" } else { "MISSED" },
            m.label(),
            100.0 * share,
            100.0 * CPU_TARGET,
        );
    }
    for m in &report.measurements {
        if m.input == Input::Files {
            if let Some((kib, _)) = m.peak_rss_kib {
                let _ = writeln!(
                    out,
                    "{}: {} peak memory = {:.1} MiB for {} files totalling {:.0} MiB (target <= {} MiB){server_note}",
                    if kib <= MEMORY_TARGET_KIB { "MET" } else { "MISSED" },
                    m.label(),
                    mib(kib),
                    2 * m.n,
                    m.file_bytes as f64 / (1024.0 * 1024.0),
                    MEMORY_TARGET_KIB / 1024,
                );
            }
        }
    }
    out
}
