//! The task kinds beyond compare and classify that the sandbox simulates (free text,
//! locate, grouped ranking): what a datapoint's hidden answer is, what a labeler's response looks like, and
//! the layout of their result files.
//!
//! Votes stay `(labeler, choice)` like every other kind; the response a choice stands for
//! (an answer text, tap coordinates) is derived from the datapoint and the vote's position,
//! so the result file is a pure function of the votes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rng::Mix;
use crate::sim::{self, Item, Labeler, Leaning, OptionRef, Task};
use crate::store::records::{DatapointRec, DatasetRec, SegmentValue};
use crate::store::{base_name, State, ASSET_BASE};
use crate::util::round;
use crate::wire::{Ordered, ResultInfo, UserDetails};

/// The answer a datapoint's hidden truth gives: its `sandbox` private-metadata value, else
/// a `[sandbox:…]` context marker, else a sentence naming the asset (its file's base name
/// without extension, or the text).
fn hidden_answer(
    identifier: &str,
    context: Option<&str>,
    private_metadata: Option<&BTreeMap<String, String>>,
) -> String {
    if let Some(hint) = private_metadata
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| sim::marker(context))
    {
        return hint;
    }
    let name = base_name(identifier);
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    let words = stem.replace(['_', '-'], " ");
    format!("It shows {}", words.trim())
}

/// A free-text datapoint's candidate answers: the right one first (given with probability
/// = the labeler's skill), then the vaguer answers less careful labelers write.
pub(crate) fn free_text_answers(
    identifier: &str,
    context: Option<&str>,
    private_metadata: Option<&BTreeMap<String, String>>,
) -> Vec<String> {
    vec![
        hidden_answer(identifier, context, private_metadata),
        "I am not sure.".to_string(),
        "Something else.".to_string(),
    ]
}

/// A point in percent of the image (0–100 on both axes, origin top left).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
}

/// A datapoint's hint for its hidden truth: its `sandbox` private-metadata value, else a
/// `[sandbox:…]` context marker (lower-cased).
fn hint(item: &Item) -> Option<String> {
    item.private_metadata
        .as_ref()
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_lowercase())
        .or_else(|| sim::marker(item.context.as_deref()))
}

/// Where a locate datapoint's target is: the `sandbox` private-metadata value or context
/// marker `x,y` (percent), else a point drawn from the datapoint (within 20–80 %).
pub(crate) fn locate_target(item: &Item) -> Point {
    let hint = hint(item);
    if let Some((x, y)) = hint.as_deref().and_then(|h| h.split_once(',')) {
        if let (Ok(x), Ok(y)) = (x.trim().parse::<f64>(), y.trim().parse::<f64>()) {
            return Point {
                x: x.clamp(0.0, 100.0),
                y: y.clamp(0.0, 100.0),
            };
        }
    }
    Point {
        x: 20.0 + 60.0 * Mix::new(0, "locate-x").num(item.key).unit(),
        y: 20.0 + 60.0 * Mix::new(0, "locate-y").num(item.key).unit(),
    }
}

/// The tap of the `n`-th vote on `item`: within 3 percentage points of the target when the
/// labeler found it (choice 0), anywhere otherwise.
pub(crate) fn tap(item: &Item, n: usize, choice: usize) -> Point {
    let draw = |axis: &str| Mix::new(0, axis).num(item.key).num(n as u64).unit();
    if choice == 0 {
        let t = locate_target(item);
        Point {
            x: round((t.x + 6.0 * draw("tap-x") - 3.0).clamp(0.0, 100.0), 2),
            y: round((t.y + 6.0 * draw("tap-y") - 3.0).clamp(0.0, 100.0), 2),
        }
    } else {
        Point {
            x: round(100.0 * draw("stray-x"), 2),
            y: round(100.0 * draw("stray-y"), 2),
        }
    }
}

/// The line the `n`-th vote on `item` draws: three points along a short stroke through
/// the tap [`tap`] would make (near the target, or stray).
pub(crate) fn line(item: &Item, n: usize, choice: usize) -> Vec<Point> {
    let p = tap(item, n, choice);
    [-2.0, 0.0, 2.0]
        .iter()
        .map(|d| Point {
            x: round((p.x + d).clamp(0.0, 100.0), 2),
            y: round((p.y + d / 2.0).clamp(0.0, 100.0), 2),
        })
        .collect()
}

/// The moment (milliseconds) a timestamp datapoint's truth marks: the `sandbox`
/// private-metadata value or context marker in seconds, else one drawn from the datapoint
/// (1–60 s).
pub(crate) fn moment_target(item: &Item) -> f64 {
    let hint = hint(item);
    match hint.as_deref().and_then(|h| h.parse::<f64>().ok()) {
        Some(seconds) if seconds >= 0.0 => seconds * 1000.0,
        _ => 1000.0 + 59_000.0 * Mix::new(0, "moment").num(item.key).unit(),
    }
}

/// The moment the `n`-th vote on `item` marks: within half a second of the truth when the
/// labeler found it (choice 0), anywhere in the first minute otherwise.
pub(crate) fn moment(item: &Item, n: usize, choice: usize) -> u64 {
    let draw = Mix::new(0, "moment-vote")
        .num(item.key)
        .num(n as u64)
        .unit();
    let ms = if choice == 0 {
        (moment_target(item) + 1000.0 * draw - 500.0).max(0.0)
    } else {
        60_000.0 * draw
    };
    ms.round() as u64
}

/// One datapoint's result of a free-text or locate job.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssetResult<D> {
    pub identifier: String,
    pub original_file_name: Option<String>,
    pub asset_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub detailed_results: Vec<D>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// `summary` of a free-text or locate file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResponseSummary {
    pub datapoints: usize,
    pub total_responses: usize,
}

/// A whole free-text or locate result file.
#[derive(Debug, Clone, Serialize)]
struct File<D> {
    info: ResultInfo,
    results: Vec<AssetResult<D>>,
    summary: ResponseSummary,
}

/// One response of a free-text, locate, draw or timestamp job, as its result file has it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Response {
    /// Free text: what the labeler wrote.
    Answer { answer: String },
    /// Locate: the points tapped.
    Taps { coordinates: Vec<Point> },
    /// Draw: the lines drawn.
    Lines { lines: Vec<Vec<Point>> },
    /// Timestamp: the moments marked (milliseconds).
    Moments { timestamps: Vec<u64> },
}

/// The response of the `n`-th vote (with its choice) on an item.
type Responder = fn(&Item, usize, usize) -> Response;

/// One response with who gave it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    #[serde(flatten)]
    response: Response,
    user_details: UserDetails,
}

/// The result file of a free-text, locate, draw or timestamp job (`None` for other
/// tasks): `info` from the task's type name (`FreeText`, `Locate`, `Line`, `Scrub`), one
/// entry per datapoint, one response per vote.
pub(crate) fn one_asset_file(
    task: &Task,
    info: impl Fn(&'static str) -> ResultInfo,
    items: &[Item],
    pool: &[Labeler],
    user: impl Fn(&Labeler) -> UserDetails,
) -> Option<Vec<u8>> {
    let (kind, respond): (&'static str, Responder) = match task {
        Task::FreeText { .. } => ("FreeText", |item, _, choice| Response::Answer {
            answer: item.labels.get(choice).cloned().unwrap_or_default(),
        }),
        Task::Locate { .. } => ("Locate", |item, n, choice| Response::Taps {
            coordinates: vec![tap(item, n, choice)],
        }),
        Task::Draw { .. } => ("Line", |item, n, choice| Response::Lines {
            lines: vec![line(item, n, choice)],
        }),
        Task::Timestamp { .. } => ("Scrub", |item, n, choice| Response::Moments {
            timestamps: vec![moment(item, n, choice)],
        }),
        _ => return None,
    };
    Some(file(info(kind), items, |item, n, v| Detail {
        response: respond(item, n, v.choice),
        user_details: user(&pool[v.labeler]),
    }))
}

/// The entry of a one-asset datapoint with its responses.
fn asset_result<D>(item: &Item, detailed_results: Vec<D>) -> AssetResult<D> {
    let asset = item.assets.first();
    AssetResult {
        identifier: asset.map(|a| a.identifier.clone()).unwrap_or_default(),
        original_file_name: asset
            .and_then(|a| a.file_name.as_ref().map(|_| base_name(&a.identifier))),
        asset_url: asset
            .and_then(|a| a.file_name.as_ref())
            .map(|f| format!("{ASSET_BASE}{f}")),
        context: item.context.clone(),
        detailed_results,
        private_metadata: item.private_metadata.clone(),
    }
}

fn file<D: Serialize>(
    info: ResultInfo,
    items: &[Item],
    detail: impl Fn(&Item, usize, &sim::Vote) -> D,
) -> Vec<u8> {
    let results: Vec<AssetResult<D>> = items
        .iter()
        .map(|item| {
            let details = item
                .votes
                .iter()
                .enumerate()
                .map(|(n, v)| detail(item, n, v))
                .collect();
            asset_result(item, details)
        })
        .collect();
    let summary = ResponseSummary {
        datapoints: results.len(),
        total_responses: items.iter().map(|i| i.votes.len()).sum(),
    };
    serde_json::to_vec_pretty(&File {
        info,
        results,
        summary,
    })
    .expect("result files always serialize")
}

/// The 0-based indices of the words a select-words datapoint's truth selects: its
/// `sandbox` private-metadata value (indices separated by spaces or commas), else the
/// last word (such as a `[No_mistakes]` marker).
pub(crate) fn truth_words(item: &Item) -> Vec<usize> {
    let n = item.labels.len();
    let hinted: Vec<usize> = item
        .private_metadata
        .as_ref()
        .and_then(|m| m.get("sandbox"))
        .map(|s| {
            s.split([' ', ','])
                .filter_map(|p| p.trim().parse::<usize>().ok())
                .filter(|&i| i < n)
                .collect()
        })
        .unwrap_or_default();
    if hinted.is_empty() {
        vec![n.saturating_sub(1)]
    } else {
        hinted
    }
}

/// The words the `n`-th vote on `item` selects: the truth (choice 0), else the truth with
/// one word added or left out.
pub(crate) fn selected_words(item: &Item, n: usize, choice: usize) -> Vec<usize> {
    let mut words = truth_words(item);
    if choice != 0 && !item.labels.is_empty() {
        let w = Mix::new(0, "select")
            .num(item.key)
            .num(n as u64)
            .below(item.labels.len());
        match words.iter().position(|&x| x == w) {
            Some(i) if words.len() > 1 => {
                words.remove(i);
            }
            Some(_) => words = vec![(w + 1) % item.labels.len()],
            None => words.push(w),
        }
        words.sort_unstable();
    }
    words
}

/// A word of a select-words sentence.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Word {
    pub word: String,
    pub word_index: usize,
}

/// A word with how many responses selected it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WordCount {
    pub word: String,
    pub word_index: usize,
    pub count: usize,
}

/// One select-words response.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SelectWordsDetail {
    pub selected_words: Vec<Word>,
    pub user_details: UserDetails,
}

/// One select-words datapoint's result: the asset's entry plus each word's count.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SelectWordsEntry {
    #[serde(flatten)]
    asset: AssetResult<SelectWordsDetail>,
    word_counts: Vec<WordCount>,
}

/// A whole select-words result file.
#[derive(Debug, Clone, Serialize)]
struct SelectWordsFile {
    info: ResultInfo,
    results: Vec<SelectWordsEntry>,
    summary: ResponseSummary,
}

/// The result file of a select-words job (`info.type` `SelectWords`): per datapoint its
/// words with the number of responses that selected each, and every response.
pub(crate) fn select_words_file(
    info: ResultInfo,
    items: &[Item],
    pool: &[Labeler],
    user: impl Fn(&Labeler) -> UserDetails,
) -> Vec<u8> {
    let results: Vec<SelectWordsEntry> = items
        .iter()
        .map(|item| {
            let mut counts = vec![0usize; item.labels.len()];
            let mut details = Vec::with_capacity(item.votes.len());
            for (n, v) in item.votes.iter().enumerate() {
                let picked = selected_words(item, n, v.choice);
                for &w in &picked {
                    counts[w] += 1;
                }
                details.push(SelectWordsDetail {
                    selected_words: picked
                        .iter()
                        .map(|&w| Word {
                            word: item.labels[w].clone(),
                            word_index: w,
                        })
                        .collect(),
                    user_details: user(&pool[v.labeler]),
                });
            }
            SelectWordsEntry {
                asset: asset_result(item, details),
                word_counts: item
                    .labels
                    .iter()
                    .zip(counts)
                    .enumerate()
                    .map(|(i, (w, count))| WordCount {
                        word: w.clone(),
                        word_index: i,
                        count,
                    })
                    .collect(),
            }
        })
        .collect();
    let summary = ResponseSummary {
        datapoints: results.len(),
        total_responses: items.iter().map(|i| i.votes.len()).sum(),
    };
    serde_json::to_vec_pretty(&SelectWordsFile {
        info,
        results,
        summary,
    })
    .expect("result files always serialize")
}

/// The hidden quality of a ranking item (lower is better): the last number in its base
/// name (`img_1.jpg` beats `img_2.jpg`), else a value drawn from its identifier (after
/// every numbered item).
pub(crate) fn ranking_quality(identifier: &str) -> f64 {
    let name = base_name(identifier);
    let digits: String = name
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .unwrap_or("")
        .to_string();
    match digits.parse::<f64>() {
        Ok(n) => n,
        Err(_) => 1e9 + Mix::new(0, "ranking").str(identifier).unit(),
    }
}

/// The matchups of a grouped ranking: per group (in name order, items by sort index),
/// every unique pair, or the first `budget` pairs of a fixed shuffle of them. The better
/// item of each pair by [`ranking_quality`] is what skilled labelers pick.
pub(crate) fn ranking_items(
    st: &State,
    ds: &DatasetRec,
    full_permutation: bool,
    budget: usize,
) -> Vec<Item> {
    let mut groups: BTreeMap<&str, Vec<&DatapointRec>> = BTreeMap::new();
    for dp in &ds.datapoints {
        if let Some(g) = &dp.group {
            groups.entry(g.as_str()).or_default().push(dp);
        }
    }
    let mut items = Vec::new();
    for (group, mut dps) in groups {
        dps.sort_by_key(|d| (d.sort_index, d.seq));
        let context = ds.groups.get(group).and_then(|segments| {
            segments.iter().find_map(|s| match (&s.key[..], &s.value) {
                ("context", SegmentValue::Text(t)) => Some(t.clone()),
                _ => None,
            })
        });
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for a in 0..dps.len() {
            for b in a + 1..dps.len() {
                pairs.push((a, b));
            }
        }
        if !full_permutation {
            pairs.sort_by_key(|&(a, b)| {
                Mix::new(0, "pairs")
                    .str(group)
                    .num(a as u64)
                    .num(b as u64)
                    .u64()
            });
            pairs.truncate(budget);
        }
        for (a, b) in pairs {
            let assets: Vec<OptionRef> = [dps[a], dps[b]]
                .iter()
                .filter_map(|d| d.asset("asset").map(|x| st.option_ref(x)))
                .collect();
            let better = match &assets[..] {
                [x, y] if ranking_quality(&y.identifier) < ranking_quality(&x.identifier) => 1,
                _ => 0,
            };
            let key = Mix::new(0, "matchup")
                .str(group)
                .num(dps[a].seq)
                .num(dps[b].seq)
                .u64();
            items.push(Item {
                done: assets.len() != 2,
                assets,
                context: context.clone(),
                labels: vec![group.to_string()],
                private_metadata: None,
                key,
                leaning: Leaning::Option(better),
                votes: Vec::new(),
            });
        }
    }
    items
}

/// One ranking vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RankingDetail {
    pub voted_for: String,
    pub voted_against: String,
    pub user_details: UserDetails,
}

/// One ranking list's result: the items best first with their Bradley–Terry scores, wins
/// and weighted wins per item, and every vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RankingResult {
    pub group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub ranking: Vec<String>,
    pub scores: Ordered<f64>,
    pub asset_urls: Ordered<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    pub detailed_results: Vec<RankingDetail>,
}

/// Bradley–Terry strengths from `wins[i][j]` (times i beat j) by the usual minorise–
/// maximise iterations, with half a win each way between every compared pair so that an
/// undefeated item stays finite; as scores around `start` on the Elo scale.
fn bradley_terry(wins: &[Vec<f64>], start: f64) -> Vec<f64> {
    let n = wins.len();
    let mut p = vec![1.0f64; n];
    for _ in 0..200 {
        let mut next = vec![0.0f64; n];
        for i in 0..n {
            let (mut w, mut d) = (0.0, 0.0);
            for j in 0..n {
                let games = wins[i][j] + wins[j][i];
                if i == j || games == 0.0 {
                    continue;
                }
                w += wins[i][j] + 0.5;
                d += (games + 1.0) / (p[i] + p[j]);
            }
            next[i] = if d > 0.0 { w / d } else { p[i] };
        }
        let mean = next.iter().map(|x| x.ln()).sum::<f64>() / n.max(1) as f64;
        p = next.iter().map(|x| (x.ln() - mean).exp()).collect();
    }
    p.iter()
        .map(|x| round(start + 400.0 * x.log10(), 2))
        .collect()
}

/// The result file of a grouped ranking (`info.type` `Ranking`): one entry per group.
pub(crate) fn ranking_file(
    info: ResultInfo,
    items: &[Item],
    pool: &[Labeler],
    user: impl Fn(&Labeler) -> UserDetails,
) -> Vec<u8> {
    let mut groups: Vec<(String, Vec<&Item>)> = Vec::new();
    for item in items {
        let g = item.labels.first().cloned().unwrap_or_default();
        match groups.iter_mut().find(|(name, _)| *name == g) {
            Some((_, list)) => list.push(item),
            None => groups.push((g, vec![item])),
        }
    }
    let mut results = Vec::new();
    for (group, matchups) in groups {
        let mut names: Vec<String> = Vec::new();
        let mut urls: Vec<Option<String>> = Vec::new();
        for a in matchups.iter().flat_map(|m| m.assets.iter()) {
            if !names.contains(&a.identifier) {
                names.push(a.identifier.clone());
                urls.push(a.file_name.as_ref().map(|f| format!("{ASSET_BASE}{f}")));
            }
        }
        let idx = |id: &str| names.iter().position(|n| n == id).unwrap_or(0);
        let n = names.len();
        let mut wins = vec![vec![0.0f64; n]; n];
        let mut counts = vec![0usize; n];
        let mut played = vec![0usize; n];
        let mut scores = vec![0.0f64; n];
        let mut details = Vec::new();
        for m in &matchups {
            if m.assets.len() != 2 {
                continue;
            }
            for v in &m.votes {
                let (w, l) = (
                    idx(&m.assets[v.choice.min(1)].identifier),
                    idx(&m.assets[1 - v.choice.min(1)].identifier),
                );
                wins[w][l] += 1.0;
                counts[w] += 1;
                played[w] += 1;
                played[l] += 1;
                scores[w] += pool[v.labeler].score();
                details.push(RankingDetail {
                    voted_for: names[w].clone(),
                    voted_against: names[l].clone(),
                    user_details: user(&pool[v.labeler]),
                });
            }
        }
        let bt = bradley_terry(&wins, 1200.0);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| bt[b].total_cmp(&bt[a]));
        let score_total: f64 = scores.iter().sum();
        let mut r = RankingResult {
            group,
            context: matchups.first().and_then(|m| m.context.clone()),
            ranking: order.iter().map(|&i| names[i].clone()).collect(),
            scores: Ordered::default(),
            asset_urls: Ordered::default(),
            aggregated_results: Ordered::default(),
            aggregated_results_ratios: Ordered::default(),
            summed_user_scores: Ordered::default(),
            summed_user_scores_ratios: Ordered::default(),
            detailed_results: details,
        };
        for &i in &order {
            let name = &names[i];
            r.scores.set(name, bt[i]);
            if let Some(u) = &urls[i] {
                r.asset_urls.set(name, u.clone());
            }
            r.aggregated_results.set(name, counts[i]);
            let ratio = |part: f64, total: f64| {
                if total > 0.0 {
                    round(part / total, 4)
                } else {
                    0.0
                }
            };
            r.aggregated_results_ratios
                .set(name, ratio(counts[i] as f64, played[i] as f64));
            r.summed_user_scores.set(name, round(scores[i], 4));
            r.summed_user_scores_ratios
                .set(name, ratio(scores[i], score_total));
        }
        results.push(r);
    }
    let summary = ResponseSummary {
        datapoints: results.len(),
        total_responses: items.iter().map(|i| i.votes.len()).sum(),
    };
    serde_json::to_vec_pretty(&RankingFile {
        info,
        results,
        summary,
    })
    .expect("result files always serialize")
}

#[derive(Debug, Clone, Serialize)]
struct RankingFile {
    info: ResultInfo,
    results: Vec<RankingResult>,
    summary: ResponseSummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(context: Option<&str>) -> Item {
        Item {
            assets: vec![OptionRef {
                identifier: "https://x/red_car.jpg".into(),
                file_name: Some("f.jpg".into()),
            }],
            context: context.map(str::to_string),
            labels: Vec::new(),
            private_metadata: None,
            key: 7,
            leaning: Leaning::Option(0),
            votes: Vec::new(),
            done: false,
        }
    }

    #[test]
    fn answers_and_targets_follow_the_hints() {
        assert_eq!(
            free_text_answers("https://x/red_car.jpg", None, None)[0],
            "It shows red car"
        );
        assert_eq!(
            free_text_answers("a.jpg", Some("[sandbox:a dog]"), None)[0],
            "a dog"
        );
        let t = locate_target(&item(Some("[sandbox:10,90]")));
        assert_eq!((t.x, t.y), (10.0, 90.0));
        let free = locate_target(&item(None));
        assert!((20.0..=80.0).contains(&free.x) && (20.0..=80.0).contains(&free.y));
        for n in 0..20 {
            let p = tap(&item(Some("[sandbox:10,90]")), n, 0);
            assert!(
                (p.x - 10.0).abs() <= 3.0 && (p.y - 90.0).abs() <= 3.0,
                "{p:?}"
            );
        }
    }
}
