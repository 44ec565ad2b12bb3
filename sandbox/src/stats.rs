//! The counters a running sandbox reports (`GET /_sandbox/stats`, [`crate::Sandbox::stats`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Counters of a running sandbox, as `GET /_sandbox/stats` returns them.
///
/// Lets a test prove, for example, that every datapoint and example was created exactly
/// once even when faults forced the client to retry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Requests processed per route, keyed `"METHOD /template"` (e.g.
    /// `"POST /audience/{audienceId}/example"`). Faulted requests and `/_sandbox/*` are not
    /// counted; requests answered with 4xx are.
    pub routes: BTreeMap<String, u64>,
    /// Per dataset id: its datapoints.
    pub datasets: BTreeMap<String, DatasetStats>,
    /// Per custom audience id: its examples.
    pub audiences: BTreeMap<String, AudienceStats>,
    /// Per job id: state and votes so far.
    pub jobs: BTreeMap<String, JobStats>,
    /// Access tokens issued by `POST /connect/token`.
    pub tokens_issued: u64,
    /// Faults injected.
    pub faults: FaultStats,
    /// The most API requests the sandbox was handling at one moment (from receipt,
    /// its added latency included, to the answer; faulted ones too): a client that keeps
    /// to `max_workers` never shows more.
    #[serde(default)]
    pub max_in_flight: u64,
}

impl Stats {
    /// Processed requests of one route key, e.g. `stats.route("POST /dataset")`.
    pub fn route(&self, key: &str) -> u64 {
        self.routes.get(key).copied().unwrap_or(0)
    }
}

/// Datapoints of one dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetStats {
    /// Number of datapoints.
    pub datapoints: usize,
    /// Their sort indexes, ascending (a duplicate shows a datapoint created twice).
    pub sort_indexes: Vec<i64>,
}

/// Examples of one audience.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudienceStats {
    /// Number of qualification examples it has now.
    pub examples: usize,
}

/// Progress of one job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStats {
    /// `AudienceJobState` (`Submitted`, `Running`, `Completed`, …).
    pub state: String,
    /// Votes received so far.
    pub votes: usize,
    /// Completion, 0–100.
    pub completion_percentage: f64,
}

/// Counts of injected faults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultStats {
    /// Requests answered 429 Too Many Requests.
    #[serde(rename = "429")]
    pub too_many_requests: u64,
    /// Requests answered 503 Service Unavailable.
    #[serde(rename = "503")]
    pub service_unavailable: u64,
    /// Connections closed without an answer (both kinds below).
    pub dropped: u64,
    /// Of those, the ones closed after the request was carried out: the client's answer
    /// is lost although the request took effect.
    #[serde(default, rename = "droppedAfterProcessing")]
    pub dropped_after_processing: u64,
}
