//! The figures of one run: per input, and for the whole run.

use std::collections::BTreeMap;
use std::time::Duration;

use super::config::Input;

/// One input's figures.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub input: Input,
    /// Datapoints.
    pub n: usize,
    /// The client's `max_workers`.
    pub workers: usize,
    pub wall: Duration,
    /// Requests by route made during the measured part.
    pub routes: BTreeMap<String, u64>,
    pub requests: u64,
    /// `requests × L / workers`.
    pub bound: Duration,
    /// The least wall time the requests' dependencies allow (see [`Measurement::floor`]).
    pub floor: Duration,
    /// Client CPU (user + system) during the measured part.
    pub cpu: Duration,
    /// The system part of `cpu`.
    pub cpu_sys: Duration,
    /// The sandbox process's CPU time during the measured part (`None` in-process).
    pub server_cpu: Option<Duration>,
    /// Peak resident memory during the measured part (KiB), and whether it is the peak of
    /// that part alone (`true`) or of the whole process so far.
    pub peak_rss_kib: Option<(u64, bool)>,
    /// The client's heap at its peak during the measured part, above what it held when the
    /// clock started (the definition builder with the caller's items); `None` without the
    /// counting allocator.
    pub heap_peak_bytes: Option<u64>,
    pub file_bytes: u64,
}

impl Measurement {
    /// wall / bound (`None` without latency).
    pub fn ratio(&self) -> Option<f64> {
        (!self.bound.is_zero()).then(|| self.wall.as_secs_f64() / self.bound.as_secs_f64())
    }

    /// floor / bound: above 1, even a perfect schedule misses the bound.
    pub fn floor_ratio(&self) -> Option<f64> {
        (!self.bound.is_zero()).then(|| self.floor.as_secs_f64() / self.bound.as_secs_f64())
    }

    /// Heap bytes per datapoint at the peak.
    pub fn heap_per_datapoint(&self) -> Option<f64> {
        self.heap_peak_bytes.map(|b| b as f64 / self.n as f64)
    }

    /// The least wall time any schedule of these requests could take with `workers`
    /// requests in flight, each taking L:
    ///
    /// * the work: `(requests − 1) × L / workers`, plus L for `POST /job/definition`,
    ///   which must wait for every datapoint and so runs alone;
    /// * the chain: a lead before the first datapoint can be sent — L for the dataset
    ///   (texts and files; files upload in parallel with it), and for URLs the batch's
    ///   creation (L, the sandbox handles a request after its latency), its processing time
    ///   `P` on the server, a status poll that sees it done and the result request (L
    ///   each, so `P + 2L` from the start) — then `⌈N / workers⌉ × L` of datapoints and
    ///   L for the definition.
    pub fn floor(
        input: Input,
        n: usize,
        workers: usize,
        requests: u64,
        latency: Duration,
        batch_processing: Duration,
    ) -> Duration {
        let l = latency;
        let work = l.mul_f64(requests.saturating_sub(1) as f64 / workers as f64) + l;
        let lead = match input {
            Input::Urls => batch_processing + 2 * l,
            Input::Files | Input::Text => l,
        };
        let chain = lead + l * n.div_ceil(workers) as u32 + l;
        work.max(chain)
    }

    /// CPU time as a share of the wall time.
    pub fn cpu_share(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct Report {
    pub sandbox: String,
    pub measurements: Vec<Measurement>,
}
