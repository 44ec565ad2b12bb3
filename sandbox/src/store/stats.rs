//! The counters behind `GET /_sandbox/stats`.

use crate::stats::{AudienceStats, DatasetStats, JobStats, Stats};

use super::records::AudienceKind;
use super::State;

impl State {
    /// The counters behind `GET /_sandbox/stats`.
    pub fn stats(&self) -> Stats {
        Stats {
            routes: self.routes.clone(),
            datasets: self
                .datasets
                .iter()
                .map(|(id, ds)| {
                    let mut sort_indexes: Vec<i64> =
                        ds.datapoints.iter().map(|d| d.sort_index).collect();
                    sort_indexes.sort_unstable();
                    (
                        id.clone(),
                        DatasetStats {
                            datapoints: ds.datapoints.len(),
                            sort_indexes,
                        },
                    )
                })
                .collect(),
            audiences: self
                .audiences
                .values()
                .filter(|a| a.kind == AudienceKind::Custom)
                .map(|a| {
                    (
                        a.id.clone(),
                        AudienceStats {
                            examples: a.examples.len(),
                        },
                    )
                })
                .collect(),
            jobs: self
                .jobs
                .values()
                .map(|j| {
                    (
                        j.id.clone(),
                        JobStats {
                            state: self.job_state(j).as_str().to_string(),
                            votes: j.sim.vote_count(),
                            completion_percentage: j.sim.percentage(),
                        },
                    )
                })
                .collect(),
            tokens_issued: self.tokens_issued,
            faults: self.faults.clone(),
            // Known to the server around the state (`App::stats_of`).
            max_in_flight: 0,
        }
    }
}
