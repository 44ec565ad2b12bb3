//! The result file of a completed job (`GET /job/{id}/download-results`, and the
//! snapshots of preliminary downloads), in the layouts the client's `src/job/results`
//! reads.

use crate::exchange::{ApiError, Ctx};
use crate::sim::{self, Task};
use crate::store::records::JobRec;
use crate::store::{base_name, State, ASSET_BASE};
use crate::util::round;
use crate::wire::{
    ClassifyDetail, ClassifyResult, CompareDetail, CompareResult, CompareSummary, Demographics,
    Ordered, ResultFile, ResultInfo, UserDetails, UserScores,
};

fn user_details(l: &sim::Labeler) -> UserDetails {
    UserDetails {
        country: l.country,
        language: l.language,
        user_scores: UserScores { global: l.score() },
        demographics: Demographics {
            age: l.age,
            gender: l.gender,
            occupation: l.occupation,
        },
    }
}

fn ratio(part: f64, total: f64) -> f64 {
    if total > 0.0 {
        round(part / total, 4)
    } else {
        0.0
    }
}

/// The winner index of two totals (`None` on a tie).
fn winner(a: f64, b: f64) -> Option<usize> {
    if (a - b).abs() < 1e-9 {
        None
    } else if a > b {
        Some(0)
    } else {
        Some(1)
    }
}

/// Builds the result file of a completed job (the layouts `src/job/results` reads).
pub(crate) fn results_file(st: &State, c: &Ctx<'_>, j: &JobRec) -> Result<Vec<u8>, ApiError> {
    let info = |version: &'static str, kind: &'static str| ResultInfo {
        created_at: st.iso_at(j.sim.completed_at.unwrap_or(c.now)),
        version,
        kind,
        name: j.definition_name.clone(),
        instruction: j.instruction.clone(),
    };
    let pretty = |v: serde_json::Result<Vec<u8>>| v.expect("result files always serialize");
    match &j.sim.task {
        Task::Compare { .. } => {
            let mut summary = CompareSummary {
                a_wins_total: 0,
                b_wins_total: 0,
            };
            let mut results = Vec::new();
            for item in &j.sim.items {
                let mut names: Vec<String> =
                    item.assets.iter().map(|a| a.identifier.clone()).collect();
                // (Validated to be 2; a datapoint added after the check may lack the asset.)
                names.resize(2, String::new());
                let counts = item.counts(2);
                let mut scores = [0.0f64; 2];
                for v in &item.votes {
                    scores[v.choice.min(1)] += c.pool[v.labeler].score();
                }
                let total = item.votes.len() as f64;
                let score_total = scores[0] + scores[1];
                let win = winner(counts[0] as f64, counts[1] as f64);
                let weighted = winner(scores[0], scores[1]);
                match win {
                    Some(0) => summary.a_wins_total += 1,
                    Some(_) => summary.b_wins_total += 1,
                    None => {}
                }
                let mut r = CompareResult {
                    context: item.context.clone(),
                    winner: win.map(|i| names[i].clone()),
                    winner_index: win,
                    weighted_winner: weighted.map(|i| names[i].clone()),
                    weighted_winner_index: weighted,
                    winner_index_alias: win,
                    asset_urls: Ordered::default(),
                    aggregated_results: Ordered::default(),
                    aggregated_results_ratios: Ordered::default(),
                    summed_user_scores: Ordered::default(),
                    summed_user_scores_ratios: Ordered::default(),
                    detailed_results: item
                        .votes
                        .iter()
                        .map(|v| CompareDetail {
                            voted_for: names[v.choice.min(1)].clone(),
                            user_details: user_details(&c.pool[v.labeler]),
                        })
                        .collect(),
                    private_metadata: item.private_metadata.clone(),
                };
                for (i, a) in item.assets.iter().enumerate().take(2) {
                    if let Some(f) = &a.file_name {
                        r.asset_urls.set(&names[i], format!("{ASSET_BASE}{f}"));
                    }
                    r.aggregated_results.set(&names[i], counts[i]);
                    r.aggregated_results_ratios
                        .set(&names[i], ratio(counts[i] as f64, total));
                    r.summed_user_scores.set(&names[i], round(scores[i], 4));
                    r.summed_user_scores_ratios
                        .set(&names[i], ratio(scores[i], score_total));
                }
                results.push(r);
            }
            Ok(pretty(serde_json::to_vec_pretty(&ResultFile {
                info: info("4.1.0", "Compare"),
                results,
                summary,
            })))
        }
        Task::Classify { .. } => {
            // Every option of every datapoint, in first-seen order.
            let mut summary: Ordered<usize> = Ordered::default();
            for item in &j.sim.items {
                for label in &item.labels {
                    if summary.get(label).is_none() {
                        summary.set(label, 0);
                    }
                }
            }
            let mut results = Vec::new();
            for item in &j.sim.items {
                let categories = &item.labels;
                let k = categories.len();
                let missing = sim::OptionRef {
                    identifier: String::new(),
                    file_name: None,
                };
                let asset = item.assets.first().unwrap_or(&missing);
                let counts = item.counts(k);
                let mut scores = vec![0.0f64; k];
                for v in &item.votes {
                    scores[v.choice] += c.pool[v.labeler].score();
                }
                let total = item.votes.len() as f64;
                let score_total: f64 = scores.iter().sum();
                let mut r = ClassifyResult {
                    identifier: asset.identifier.clone(),
                    original_file_name: asset
                        .file_name
                        .as_ref()
                        .map(|_| base_name(&asset.identifier)),
                    asset_url: asset.file_name.as_ref().map(|f| format!("{ASSET_BASE}{f}")),
                    context: item.context.clone(),
                    aggregated_results: Ordered::default(),
                    aggregated_results_ratios: Ordered::default(),
                    summed_user_scores: Ordered::default(),
                    summed_user_scores_ratios: Ordered::default(),
                    confidence_per_category: None,
                    detailed_results: item
                        .votes
                        .iter()
                        .map(|v| ClassifyDetail {
                            selected_category: categories
                                .get(v.choice)
                                .cloned()
                                .unwrap_or_default(),
                            user_details: user_details(&c.pool[v.labeler]),
                        })
                        .collect(),
                    private_metadata: item.private_metadata.clone(),
                };
                for (i, label) in categories.iter().enumerate() {
                    r.aggregated_results.set(label, counts[i]);
                    r.aggregated_results_ratios
                        .set(label, ratio(counts[i] as f64, total));
                    r.summed_user_scores.set(label, round(scores[i], 4));
                    r.summed_user_scores_ratios
                        .set(label, ratio(scores[i], score_total));
                    let so_far = summary.get(label).copied().unwrap_or(0);
                    summary.set(label, so_far + counts[i]);
                }
                if j.sim.referee.early_stopping {
                    let conf = sim::confidence(&item.votes, c.pool, k);
                    let mut map = Ordered::default();
                    for (i, label) in categories.iter().enumerate() {
                        map.set(label, round(conf[i], 4));
                    }
                    r.confidence_per_category = Some(map);
                }
                results.push(r);
            }
            Ok(pretty(serde_json::to_vec_pretty(&ResultFile {
                info: info("3.0.0", "Classification"),
                results,
                summary,
            })))
        }
        task @ (Task::FreeText { .. }
        | Task::Locate { .. }
        | Task::Draw { .. }
        | Task::Timestamp { .. }) => Ok(crate::kinds::one_asset_file(
            task,
            |kind| info("1.0.0", kind),
            &j.sim.items,
            c.pool,
            user_details,
        )
        .expect("a one-asset task")),
        Task::SelectWords { .. } => Ok(crate::kinds::select_words_file(
            info("1.0.0", "SelectWords"),
            &j.sim.items,
            c.pool,
            user_details,
        )),
        Task::Ranking { .. } => Ok(crate::kinds::ranking_file(
            info("1.0.0", "Ranking"),
            &j.sim.items,
            c.pool,
            user_details,
        )),
        Task::Unsupported { workflow } => Err(ApiError::Conflict(format!(
            "No results: the sandbox does not simulate {workflow} jobs."
        ))),
    }
}
