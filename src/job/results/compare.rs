//! The typed view of a compare result file and how it is read.

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::json::Json;
use super::parse::{details, opt_string, parse_user, string_map, tallies};
use super::{Tally, UserDetails};

/// One response to a comparison.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Compare"}, "results": [{"detailedResults": [{"votedFor": "Both"}]}]}"#).unwrap();
/// assert_eq!(r.compare().unwrap().datapoints[0].responses[0].voted_for.as_deref(), Some("Both"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CompareResponse {
    /// The identifier the labeler chose (or `Both` / `Neither`).
    pub voted_for: Option<String>,
    /// Who answered.
    pub user: UserDetails,
}

/// The result for one compare datapoint.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Compare"}, "results": [
///   {"aggregatedResults": {"a.png": 1, "b.png": 1, "Neither": 2}, "winner": null}]}"#).unwrap();
/// let dp = &r.compare().unwrap().datapoints[0];
/// assert!(dp.is_tie());
/// assert_eq!(dp.neither.as_ref().unwrap().votes, Some(2));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CompareDatapoint {
    /// The context shown with the pair.
    pub context: Option<String>,
    /// The two identifiers in A/B order: the keys of `assetUrls`, else of
    /// `aggregatedResults` without `Both`/`Neither`. Identifiers are original file names,
    /// source URLs or texts.
    pub assets: Vec<String>,
    /// `assetUrls`: identifier → CDN URL.
    pub asset_urls: BTreeMap<String, String>,
    /// The winning identifier; `None` on a tie or when nobody voted.
    pub winner: Option<String>,
    /// `winnerIndex` (or the deprecated `winner_index`): 0 = A, 1 = B.
    pub winner_index: Option<i64>,
    /// The winner by trust-weighted votes (aggregator 4.1.0 and later).
    pub weighted_winner: Option<String>,
    /// Figures per asset identifier.
    pub tallies: BTreeMap<String, Tally>,
    /// Figures for the "both are good" option, when offered.
    pub both: Option<Tally>,
    /// Figures for the "neither is good" option, when offered.
    pub neither: Option<Tally>,
    /// `privateMetadata` given when the datapoint was created.
    pub private_metadata: BTreeMap<String, String>,
    /// Every single response (`detailedResults`).
    pub responses: Vec<CompareResponse>,
}

impl CompareDatapoint {
    /// Identifier of asset A.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},
    ///   "results":[{"aggregatedResults":{"a.png":2,"b.png":1},"winner":"a.png"}]}"#).unwrap();
    /// let dp = &r.compare().unwrap().datapoints[0];
    /// assert_eq!(dp.asset_a(), Some("a.png"));
    /// assert_eq!(dp.asset_b(), Some("b.png"));
    /// ```
    pub fn asset_a(&self) -> Option<&str> {
        self.assets.first().map(String::as_str)
    }

    /// Identifier of asset B.
    ///
    /// ```
    /// # let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},
    /// #   "results":[{"aggregatedResults":{"a.png":2,"b.png":1}}]}"#).unwrap();
    /// # let dp = &r.compare().unwrap().datapoints[0];
    /// assert_eq!(dp.asset_b(), Some("b.png"));
    /// ```
    pub fn asset_b(&self) -> Option<&str> {
        self.assets.get(1).map(String::as_str)
    }

    /// The figures for one asset identifier.
    ///
    /// ```
    /// # let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},
    /// #   "results":[{"aggregatedResults":{"a.png":2,"b.png":1}}]}"#).unwrap();
    /// # let dp = &r.compare().unwrap().datapoints[0];
    /// assert_eq!(dp.tally("a.png").unwrap().votes, Some(2));
    /// ```
    pub fn tally(&self, asset: &str) -> Option<&Tally> {
        self.tallies.get(asset)
    }

    /// Whether the datapoint got votes but no winner.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},
    ///   "results":[{"aggregatedResults":{"a":1,"b":1},"winner":null}]}"#).unwrap();
    /// assert!(r.compare().unwrap().datapoints[0].is_tie());
    /// ```
    pub fn is_tie(&self) -> bool {
        let votes: u64 = self.tallies.values().filter_map(|t| t.votes).sum();
        self.winner.is_none() && votes > 0
    }
}

/// Wins per side over all compare datapoints.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Compare"},
///   "results": [{"aggregatedResults": {"a": 2, "b": 0}, "winner": "a"}]}"#).unwrap();
/// let s = r.compare().unwrap().summary;
/// assert_eq!((s.a_wins, s.b_wins, s.no_winner), (1, 0, 0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CompareSummary {
    /// Datapoints won by A (`summary.A_wins_total`, else counted).
    pub a_wins: u64,
    /// Datapoints won by B (`summary.B_wins_total`, else counted).
    pub b_wins: u64,
    /// Datapoints without a winner (ties and datapoints without votes).
    pub no_winner: u64,
}

/// The results of a compare job.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Compare"}, "results": [{}, {}]}"#).unwrap();
/// assert_eq!(r.compare().unwrap().datapoints.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CompareResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<CompareDatapoint>,
    /// The A/B summary.
    pub summary: CompareSummary,
}

pub(super) const BOTH: &str = "Both";
pub(super) const NEITHER: &str = "Neither";

/// A/B identifiers: keys of `assetUrls`, else of `aggregatedResults`, minus Both/Neither.
pub(super) fn compare_assets(item: &Json) -> Vec<String> {
    for field in ["assetUrls", "aggregatedResults"] {
        if let Some(obj) = item.get(field).and_then(Json::as_object) {
            let keys: Vec<String> = obj
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| k != BOTH && k != NEITHER)
                .collect();
            if !keys.is_empty() {
                return keys;
            }
        }
    }
    Vec::new()
}

pub(super) fn parse_compare(tree: &Json, items: &[Json]) -> CompareResults {
    let mut datapoints = Vec::with_capacity(items.len());
    for item in items {
        let assets = compare_assets(item);
        let mut dp = CompareDatapoint {
            context: opt_string(item, "context"),
            asset_urls: string_map(item.get("assetUrls")),
            winner: opt_string(item, "winner"),
            winner_index: item
                .get_non_null("winnerIndex")
                .or_else(|| item.get_non_null("winner_index"))
                .and_then(Json::as_i64),
            weighted_winner: opt_string(item, "weightedWinner"),
            private_metadata: string_map(item.get("privateMetadata")),
            responses: details(item)
                .iter()
                .map(|d| CompareResponse {
                    voted_for: opt_string(d, "votedFor"),
                    user: parse_user(d.get("userDetails")),
                })
                .collect(),
            ..CompareDatapoint::default()
        };
        for (name, tally) in tallies(item) {
            match name.as_str() {
                BOTH => dp.both = Some(tally),
                NEITHER => dp.neither = Some(tally),
                _ => {
                    dp.tallies.insert(name, tally);
                }
            }
        }
        dp.assets = assets;
        datapoints.push(dp);
    }
    let counted = |side: usize| {
        datapoints
            .iter()
            .filter(|dp| dp.winner.is_some() && dp.winner.as_ref() == dp.assets.get(side))
            .count() as u64
    };
    let summary = tree.get("summary");
    let from_summary = |key: &str| summary.and_then(|s| s.get(key)).and_then(Json::as_u64);
    let summary = CompareSummary {
        a_wins: from_summary("A_wins_total").unwrap_or_else(|| counted(0)),
        b_wins: from_summary("B_wins_total").unwrap_or_else(|| counted(1)),
        no_winner: datapoints.iter().filter(|dp| dp.winner.is_none()).count() as u64,
    };
    CompareResults {
        datapoints,
        summary,
    }
}
