//! Typed access to a job's result file (`GET /job/{jobId}/download-results`).
//!
//! The result file has no schema in the API description; it is JSON whose shape depends on
//! the task type and on the aggregator version. [`JobResults`] reads it loosely: every
//! field is optional, unknown fields are ignored (and kept in [`JobResults::raw`]), and
//! nothing panics on unexpected input. Two layouts are understood:
//!
//! * the current list layout, `{"info": {…}, "results": [{…}, …], "summary": {…}}`;
//! * the older layout, `{"info": {…}, "results": {"globalAggregatedData": {…}, "data": [{…}]}}`,
//!   where `userDetails.userScore` is a single number.
//!
//! The task type is read from `info.type`, then the older `info.orderType`, and is
//! otherwise guessed from the entries (`votedFor` → compare, `selectedCategory` →
//! classification).

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::json::Json;
use crate::request::DecodeError;
use crate::{Error, Result};

mod kinds;

pub use kinds::{
    DrawDatapoint, DrawResponse, DrawResults, TimestampDatapoint, TimestampResponse,
    TimestampResults,
};
pub use kinds::{
    FreeTextDatapoint, FreeTextResponse, FreeTextResults, LocateDatapoint, LocateResponse,
    LocateResults, Point, RankedItem, RankingList, RankingResponse, RankingResults, ResultAsset,
    SelectWordsDatapoint, SelectWordsResponse, SelectWordsResults, WordCount,
};

/// The task type of a result file.
///
/// ```
/// use rapidata::job::{JobResults, ResultKind};
/// let r = JobResults::from_slice(br#"{"info": {"type": "Compare"}}"#).unwrap();
/// assert_eq!(r.kind(), &ResultKind::Compare);
/// assert_eq!(r.kind().to_string(), "Compare");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResultKind {
    /// A/B comparison (`info.type == "Compare"`).
    Compare,
    /// Classification (`info.type == "Classification"`, older files say `Classify`).
    Classification,
    /// Free text (`info.type == "FreeText"`).
    FreeText,
    /// Locate (`info.type == "Locate"`).
    Locate,
    /// Ranking (`info.type == "Ranking"`).
    Ranking,
    /// Select words (`info.type == "SelectWords"`).
    SelectWords,
    /// Draw (`info.type == "Line"`, the rapid's name, or `"Draw"`).
    Draw,
    /// Timestamp (`info.type == "Scrub"`, the rapid's name, or `"Timestamp"`).
    Timestamp,
    /// Any other task type, named as in the file (empty when the file names none and the
    /// entries give no hint).
    Other(String),
}

/// Serialized as its name: `"Compare"`, `"Classification"`, or the other type's name.
impl Serialize for ResultKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ResultKind::Compare => serializer.serialize_str("Compare"),
            ResultKind::Classification => serializer.serialize_str("Classification"),
            ResultKind::FreeText => serializer.serialize_str("FreeText"),
            ResultKind::Locate => serializer.serialize_str("Locate"),
            ResultKind::Ranking => serializer.serialize_str("Ranking"),
            ResultKind::SelectWords => serializer.serialize_str("SelectWords"),
            ResultKind::Draw => serializer.serialize_str("Line"),
            ResultKind::Timestamp => serializer.serialize_str("Scrub"),
            ResultKind::Other(s) => serializer.serialize_str(s),
        }
    }
}

impl fmt::Display for ResultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultKind::Compare => f.write_str("Compare"),
            ResultKind::Classification => f.write_str("Classification"),
            ResultKind::FreeText => f.write_str("FreeText"),
            ResultKind::Locate => f.write_str("Locate"),
            ResultKind::Ranking => f.write_str("Ranking"),
            ResultKind::SelectWords => f.write_str("SelectWords"),
            ResultKind::Draw => f.write_str("Line"),
            ResultKind::Timestamp => f.write_str("Scrub"),
            ResultKind::Other(s) if s.is_empty() => f.write_str("unknown"),
            ResultKind::Other(s) => f.write_str(s),
        }
    }
}

/// The `info` block of a result file.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"name": "Job", "version": "4.1.0"}}"#).unwrap();
/// assert_eq!(r.info().name.as_deref(), Some("Job"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResultInfo {
    /// `info.createdAt`: when the file was produced.
    pub created_at: Option<String>,
    /// `info.version`: the aggregator version (`4.1.0`, `3.0.0`, …).
    pub version: Option<String>,
    /// `info.type`, else `info.orderType`, as written in the file.
    pub result_type: Option<String>,
    /// `info.name`: the job's name.
    pub name: Option<String>,
    /// `info.instruction`: the question labelers saw.
    pub instruction: Option<String>,
}

/// The aggregated figures for one answer option (an asset, a category, `Both`, `Neither`).
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Classification"}, "results": [
///   {"aggregatedResults": {"Cat": 3}, "aggregatedResultsRatios": {"Cat": 1.0}}]}"#).unwrap();
/// let cat = &r.classification().unwrap().datapoints[0].tallies["Cat"];
/// assert_eq!((cat.votes, cat.ratio, cat.confidence), (Some(3), Some(1.0), None));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Tally {
    /// `aggregatedResults`: number of votes.
    pub votes: Option<u64>,
    /// `aggregatedResultsRatios`: share of the votes (0–1).
    pub ratio: Option<f64>,
    /// `summedUserScores`: votes weighted by each labeler's trust score.
    pub summed_user_score: Option<f64>,
    /// `summedUserScoresRatios`: share of the weighted votes (0–1).
    pub summed_user_score_ratio: Option<f64>,
    /// `confidencePerCategory`: present only for classifications stopped by confidence.
    pub confidence: Option<f64>,
}

/// Who gave one response.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Compare"}, "results": [{"detailedResults": [
///   {"votedFor": "a", "userDetails": {"country": "US", "userScores": {"global": 0.8}}}]}]}"#).unwrap();
/// let user = &r.compare().unwrap().datapoints[0].responses[0].user;
/// assert_eq!(user.country.as_deref(), Some("US"));
/// assert_eq!(user.user_scores["global"], 0.8);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UserDetails {
    /// Two-letter country code.
    pub country: Option<String>,
    /// Two-letter language code.
    pub language: Option<String>,
    /// `userScores`: the labeler's trust score per dimension (`global`, …).
    pub user_scores: BTreeMap<String, f64>,
    /// `userScore`: the single score of the older layout.
    pub user_score: Option<f64>,
    /// `demographics` (`age`, `gender`, `occupation`, …); older files put these keys
    /// directly in `userDetails`, and they are collected here too.
    pub demographics: BTreeMap<String, String>,
}

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

/// One response to a classification.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Classification"},
///   "results": [{"detailedResults": [{"selectedCategory": "Dog"}]}]}"#).unwrap();
/// let resp = &r.classification().unwrap().datapoints[0].responses[0];
/// assert_eq!(resp.selected_category.as_deref(), Some("Dog"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClassificationResponse {
    /// The category the labeler chose.
    pub selected_category: Option<String>,
    /// Who answered.
    pub user: UserDetails,
}

/// The result for one classification datapoint.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Classification"},
///   "results": [{"originalFileName": "x.jpg", "aggregatedResults": {"Cat": 1}}]}"#).unwrap();
/// let dp = &r.classification().unwrap().datapoints[0];
/// assert_eq!(dp.identifier.as_deref(), Some("x.jpg"));
/// assert_eq!(dp.categories, ["Cat"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClassificationDatapoint {
    /// `identifier`, else `originalFileName`, else `assetUrl`.
    pub identifier: Option<String>,
    /// `originalFileName`.
    pub original_file_name: Option<String>,
    /// `assetUrl`: where the asset is served.
    pub asset_url: Option<String>,
    /// The context shown with the asset.
    pub context: Option<String>,
    /// Categories in the file's order.
    pub categories: Vec<String>,
    /// Figures per category.
    pub tallies: BTreeMap<String, Tally>,
    /// `privateMetadata` given when the datapoint was created.
    pub private_metadata: BTreeMap<String, String>,
    /// Every single response (`detailedResults`).
    pub responses: Vec<ClassificationResponse>,
}

impl ClassificationDatapoint {
    /// The category with the most votes; `None` on a tie or without votes.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Classification"},
    ///   "results":[{"identifier":"x.jpg","aggregatedResults":{"Cat":3,"Dog":1}}]}"#).unwrap();
    /// assert_eq!(r.classification().unwrap().datapoints[0].top_category(), Some("Cat"));
    /// ```
    pub fn top_category(&self) -> Option<&str> {
        let mut best: Option<(&str, u64)> = None;
        let mut tie = false;
        for cat in &self.categories {
            let votes = self.tallies.get(cat).and_then(|t| t.votes).unwrap_or(0);
            match best {
                Some((_, b)) if votes == b => tie = true,
                Some((_, b)) if votes < b => {}
                _ => {
                    best = Some((cat, votes));
                    tie = false;
                }
            }
        }
        match best {
            Some((cat, v)) if v > 0 && !tie => Some(cat),
            _ => None,
        }
    }
}

/// The results of a classification job.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Classification"},
///   "results": [{"aggregatedResults": {"Cat": 1}}, {"aggregatedResults": {"Cat": 2}}]}"#).unwrap();
/// assert_eq!(r.classification().unwrap().totals["Cat"], 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClassificationResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<ClassificationDatapoint>,
    /// Votes per category over all datapoints (`summary`, or the older
    /// `globalAggregatedData`, else summed from the datapoints).
    pub totals: BTreeMap<String, u64>,
}

/// A job's result file, typed where the task type is known, raw JSON always available.
///
/// ```
/// use rapidata::job::{JobResults, ResultKind};
///
/// let bytes = br#"{
///   "info": {"type": "Compare", "version": "4.1.0"},
///   "results": [{
///     "context": "A small blue book on a large red book.",
///     "winner": "b.jpg",
///     "assetUrls": {"a.jpg": "https://assets.rapidata.ai/1.jpg", "b.jpg": "https://assets.rapidata.ai/2.jpg"},
///     "aggregatedResults": {"a.jpg": 0, "b.jpg": 3}
///   }],
///   "summary": {"A_wins_total": 0, "B_wins_total": 1}
/// }"#;
/// let results = JobResults::from_slice(bytes)?;
/// assert_eq!(results.kind(), &ResultKind::Compare);
/// let compare = results.compare().unwrap();
/// assert_eq!(compare.datapoints[0].winner.as_deref(), Some("b.jpg"));
/// assert_eq!(compare.summary.b_wins, 1);
/// println!("{results}");
/// # Ok::<(), rapidata::request::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JobResults {
    tree: Json,
    raw: Value,
    kind: ResultKind,
    info: ResultInfo,
    compare: Option<CompareResults>,
    classification: Option<ClassificationResults>,
    free_text: Option<FreeTextResults>,
    locate: Option<LocateResults>,
    ranking: Option<RankingResults>,
    select_words: Option<SelectWordsResults>,
    draw: Option<DrawResults>,
    timestamp: Option<TimestampResults>,
}

/// Serialized as the result file as received (its key order kept), the same JSON as
/// [`to_json`](JobResults::to_json) writes; [`from_value`](JobResults::from_value) reads
/// it back. Serialize [`compare`](JobResults::compare) or
/// [`classification`](JobResults::classification) for the typed view (field names as in
/// Rust, `snake_case`).
impl Serialize for JobResults {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.tree.serialize(serializer)
    }
}

impl JobResults {
    /// Parses a result file. Fails only when the bytes are not JSON.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(b"{}").unwrap();
    /// assert_eq!(r.len(), 0);
    /// assert!(rapidata::job::JobResults::from_slice(b"not json").is_err());
    /// ```
    pub fn from_slice(bytes: &[u8]) -> std::result::Result<JobResults, DecodeError> {
        let tree: Json = serde_json::from_slice(bytes).map_err(|e| DecodeError {
            path: String::new(),
            message: format!("the result file is not JSON: {e}"),
        })?;
        Ok(JobResults::from_tree(tree))
    }

    /// Builds results from a JSON value (object key order is then the value's order).
    ///
    /// ```
    /// let v = serde_json::json!({"info": {"orderType": "Classify"}, "results": []});
    /// let r = rapidata::job::JobResults::from_value(v);
    /// assert_eq!(r.kind(), &rapidata::job::ResultKind::Classification);
    /// ```
    pub fn from_value(value: Value) -> JobResults {
        JobResults::from_tree(Json::from_value(&value))
    }

    fn from_tree(tree: Json) -> JobResults {
        let raw = tree.to_value();
        let info = parse_info(&tree);
        let items = result_items(&tree);
        let kind = detect_kind(&info, items);
        let compare = (kind == ResultKind::Compare).then(|| parse_compare(&tree, items));
        let classification =
            (kind == ResultKind::Classification).then(|| parse_classification(&tree, items));
        let free_text = (kind == ResultKind::FreeText).then(|| kinds::parse_free_text(items));
        let locate = (kind == ResultKind::Locate).then(|| kinds::parse_locate(items));
        let ranking = (kind == ResultKind::Ranking).then(|| kinds::parse_ranking(items));
        let select_words =
            (kind == ResultKind::SelectWords).then(|| kinds::parse_select_words(items));
        let draw = (kind == ResultKind::Draw).then(|| kinds::parse_draw(items));
        let timestamp = (kind == ResultKind::Timestamp).then(|| kinds::parse_timestamp(items));
        JobResults {
            tree,
            raw,
            kind,
            info,
            compare,
            classification,
            free_text,
            locate,
            ranking,
            select_words,
            draw,
            timestamp,
        }
    }

    /// The task type.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Locate"}}"#).unwrap();
    /// assert_eq!(r.kind(), &rapidata::job::ResultKind::Locate);
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Polygon"}}"#).unwrap();
    /// assert_eq!(r.kind(), &rapidata::job::ResultKind::Other("Polygon".into()));
    /// ```
    pub fn kind(&self) -> &ResultKind {
        &self.kind
    }

    /// The `info` block.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"version":"3.0.0"}}"#).unwrap();
    /// assert_eq!(r.info().version.as_deref(), Some("3.0.0"));
    /// ```
    pub fn info(&self) -> &ResultInfo {
        &self.info
    }

    /// The typed compare results, for [`ResultKind::Compare`].
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},"results":[]}"#).unwrap();
    /// assert!(r.compare().unwrap().datapoints.is_empty());
    /// assert!(r.classification().is_none());
    /// ```
    pub fn compare(&self) -> Option<&CompareResults> {
        self.compare.as_ref()
    }

    /// The typed classification results, for [`ResultKind::Classification`].
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(
    ///     br#"{"info":{"type":"Classification"},"results":[{"aggregatedResults":{"Cat":1}}]}"#).unwrap();
    /// assert_eq!(r.classification().unwrap().totals["Cat"], 1);
    /// ```
    pub fn classification(&self) -> Option<&ClassificationResults> {
        self.classification.as_ref()
    }

    /// The typed view of free-text results (`None` for other kinds).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "FreeText"},
    ///   "results": [{"identifier": "car.jpg", "detailedResults": [{"answer": "A red car"}]}]}"#).unwrap();
    /// assert_eq!(r.free_text().unwrap().datapoints[0].answers(), ["A red car"]);
    /// assert!(r.locate().is_none());
    /// ```
    pub fn free_text(&self) -> Option<&FreeTextResults> {
        self.free_text.as_ref()
    }

    /// The typed view of locate results (`None` for other kinds).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Locate"},
    ///   "results": [{"detailedResults": [{"coordinates": [{"x": 40.0, "y": 55.5}]}]}]}"#).unwrap();
    /// assert_eq!(r.locate().unwrap().datapoints[0].points()[0].y, 55.5);
    /// ```
    pub fn locate(&self) -> Option<&LocateResults> {
        self.locate.as_ref()
    }

    /// The typed view of ranking results (`None` for other kinds).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Ranking"}, "results": [
    ///   {"group": "0", "ranking": ["b.jpg", "a.jpg"], "scores": {"a.jpg": 1150.0, "b.jpg": 1250.0}}]}"#).unwrap();
    /// let list = &r.ranking().unwrap().rankings[0];
    /// assert_eq!(list.order(), ["b.jpg", "a.jpg"]);
    /// assert_eq!(list.items[0].score, Some(1250.0));
    /// ```
    pub fn ranking(&self) -> Option<&RankingResults> {
        self.ranking.as_ref()
    }

    /// The typed view of select-words results (`None` for other kinds).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "SelectWords"}, "results": [
    ///   {"wordCounts": [{"word": "a", "wordIndex": 0, "count": 0}, {"word": "dog", "wordIndex": 1, "count": 3}]}]}"#).unwrap();
    /// assert_eq!(r.select_words().unwrap().datapoints[0].words[1].count, 3);
    /// ```
    pub fn select_words(&self) -> Option<&SelectWordsResults> {
        self.select_words.as_ref()
    }

    /// The typed view of draw results (`None` for other kinds).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Line"}, "results": [
    ///   {"detailedResults": [{"lines": [[{"x": 1, "y": 2}, {"x": 3, "y": 4}]]}]}]}"#).unwrap();
    /// assert_eq!(r.draw().unwrap().datapoints[0].responses[0].lines[0].len(), 2);
    /// ```
    pub fn draw(&self) -> Option<&DrawResults> {
        self.draw.as_ref()
    }

    /// The typed view of timestamp results (`None` for other kinds).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Scrub"}, "results": [
    ///   {"detailedResults": [{"timestamps": [12500]}]}]}"#).unwrap();
    /// assert_eq!(r.timestamp().unwrap().datapoints[0].responses[0].timestamps_ms, [12500]);
    /// ```
    pub fn timestamp(&self) -> Option<&TimestampResults> {
        self.timestamp.as_ref()
    }

    /// The whole file as JSON.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"custom":1}}"#).unwrap();
    /// assert_eq!(r.raw()["info"]["custom"], 1);
    /// ```
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// Consumes the results and returns the raw JSON.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(b"[]").unwrap();
    /// assert!(r.into_raw().is_array());
    /// ```
    pub fn into_raw(self) -> Value {
        self.raw
    }

    /// Number of datapoint entries in the file.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"results":{"data":[{},{}]}}"#).unwrap();
    /// assert_eq!(r.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        result_items(&self.tree).len()
    }

    /// Whether the file holds no datapoint entries.
    ///
    /// ```
    /// assert!(rapidata::job::JobResults::from_slice(b"{}").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the JSON file as received (key order kept, pretty-printed) to `path`.
    ///
    /// ```no_run
    /// # fn demo(results: rapidata::job::JobResults) -> rapidata::Result<()> {
    /// results.to_json("results.json")?;
    /// # Ok(()) }
    /// ```
    pub fn to_json(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let write = || -> io::Result<()> {
            let mut out = BufWriter::new(File::create(path)?);
            serde_json::to_writer_pretty(&mut out, &self.tree)?;
            out.write_all(b"\n")?;
            out.flush()
        };
        write().map_err(|e| Error::io("write the results JSON file", path, e))
    }

    /// Writes one CSV row per datapoint to `path` (the official SDK's `to_pandas()`
    /// columns; see [`JobResults::write_csv`]). Only with the `csv` feature (on by default).
    ///
    /// ```no_run
    /// # fn demo(results: rapidata::job::JobResults) -> rapidata::Result<()> {
    /// results.to_csv("results.csv")?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "csv")]
    pub fn to_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        self.csv_to_path(path.as_ref(), false)
    }

    /// Writes one CSV row per single response to `path` (the SDK's
    /// `to_pandas(split_details=True)`). Only with the `csv` feature (on by default).
    ///
    /// ```no_run
    /// # fn demo(results: rapidata::job::JobResults) -> rapidata::Result<()> {
    /// results.to_csv_detailed("responses.csv")?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "csv")]
    pub fn to_csv_detailed(&self, path: impl AsRef<Path>) -> Result<()> {
        self.csv_to_path(path.as_ref(), true)
    }

    #[cfg(feature = "csv")]
    fn csv_to_path(&self, path: &Path, detailed: bool) -> Result<()> {
        let file = File::create(path).map_err(|e| Error::io("create the CSV file", path, e))?;
        self.write_csv_inner(BufWriter::new(file), detailed)
            .map_err(|e| Error::io("write the CSV file", path, e))
    }

    /// Writes the results as CSV to any writer. Only with the `csv` feature (on by
    /// default).
    ///
    /// Columns follow the official SDK's `to_pandas()`:
    ///
    /// * **Compare**: the entry's scalar fields (`context`, `winner`, `winnerIndex`, …) in
    ///   the file's order, then `assetA`, `assetB`, then for every object keyed by asset
    ///   identifier (`assetUrls`, `aggregatedResults`, `aggregatedResultsRatios`,
    ///   `summedUserScores`, `summedUserScoresRatios`, …) the columns `A_<field>`,
    ///   `B_<field>` (and `Both_<field>`, `Neither_<field>` when present); other objects
    ///   (`privateMetadata`) are flattened as `<field>_<key>`; lists are left out. With more
    ///   than two assets (ranking) the columns are `<asset>_<field>`.
    /// * **Classification and other types**: scalar fields, then every object flattened as
    ///   `<field>_<key>` (`aggregatedResults_Cat`, `confidencePerCategory_Dog`, …).
    /// * `detailed = true`: one row per `detailedResults` entry, the datapoint's columns
    ///   repeated, followed by the entry flattened (`votedFor` / `selectedCategory`,
    ///   `userDetails_country`, `userDetails_userScores_global`, …).
    ///
    /// Columns are the union over all rows in order of first appearance; missing values are
    /// empty cells. Unlike the SDK, a compare entry with fewer than two assets is kept (with
    /// empty `assetA`/`assetB`) rather than dropped.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},
    ///   "results":[{"context":"c","aggregatedResults":{"a":2,"b":1}}]}"#).unwrap();
    /// let mut out = Vec::new();
    /// r.write_csv(&mut out, false)?;
    /// assert_eq!(String::from_utf8(out).unwrap(),
    ///            "context,assetA,assetB,A_aggregatedResults,B_aggregatedResults\nc,a,b,2,1\n");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    #[cfg(feature = "csv")]
    pub fn write_csv<W: Write>(&self, writer: W, detailed: bool) -> Result<()> {
        self.write_csv_inner(writer, detailed)
            .map_err(|e| Error::io("write CSV", "<writer>", e))
    }

    #[cfg(feature = "csv")]
    fn write_csv_inner<W: Write>(&self, writer: W, detailed: bool) -> io::Result<()> {
        let (header, rows) = self.csv_table(detailed);
        let mut w = csv::Writer::from_writer(writer);
        if !header.is_empty() {
            w.write_record(&header)?;
        }
        for row in rows {
            w.write_record(&row)?;
        }
        w.flush()
    }

    #[cfg(any(feature = "csv", test))]
    /// The CSV content as a header and rows of cells.
    fn csv_table(&self, detailed: bool) -> (Vec<String>, Vec<Vec<String>>) {
        let items = result_items(&self.tree);
        let mut rows: Vec<Row> = Vec::new();
        for item in items {
            // The SDK reads rankings as compares of more than two assets.
            let base = if matches!(self.kind, ResultKind::Compare | ResultKind::Ranking) {
                compare_row(item)
            } else {
                generic_row(item)
            };
            if detailed {
                if let Some(details) = item
                    .get("detailedResults")
                    .and_then(Json::as_array)
                    .filter(|d| !d.is_empty())
                {
                    for d in details {
                        let mut row = base.clone();
                        flatten_into(&mut row, "", d, true);
                        rows.push(row);
                    }
                    continue;
                }
            }
            rows.push(base);
        }
        let mut header: Vec<String> = Vec::new();
        for row in &rows {
            for (k, _) in &row.0 {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
        let table = rows
            .into_iter()
            .map(|row| {
                header
                    .iter()
                    .map(|h| row.get(h).unwrap_or_default().to_owned())
                    .collect()
            })
            .collect();
        (header, table)
    }
}

#[cfg(any(feature = "csv", test))]
/// One CSV row: ordered column → cell, a later `set` replacing an earlier value.
#[derive(Debug, Clone, Default)]
struct Row(Vec<(String, String)>);

#[cfg(any(feature = "csv", test))]
impl Row {
    fn set(&mut self, key: impl Into<String>, value: String) {
        let key = key.into();
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        } else {
            self.0.push((key, value));
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(any(feature = "csv", test))]
fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}_{key}")
    }
}

#[cfg(any(feature = "csv", test))]
/// Flattens `value` into `row` under `prefix`; arrays become JSON text when
/// `keep_lists`, else are left out.
fn flatten_into(row: &mut Row, prefix: &str, value: &Json, keep_lists: bool) {
    match value {
        Json::Object(members) => {
            for (k, v) in members {
                flatten_into(row, &join_key(prefix, k), v, keep_lists);
            }
        }
        Json::Array(_) if !keep_lists => {}
        other => {
            if !prefix.is_empty() {
                row.set(prefix, other.cell());
            }
        }
    }
}

#[cfg(any(feature = "csv", test))]
fn compare_row(item: &Json) -> Row {
    let mut row = Row::default();
    let members = item.as_object().unwrap_or(&[]);
    for (k, v) in members {
        if v.is_scalar() {
            row.set(k.as_str(), v.cell());
        }
    }
    let assets = compare_assets(item);
    let pairwise = assets.len() <= 2;
    if pairwise {
        row.set("assetA", assets.first().cloned().unwrap_or_default());
        row.set("assetB", assets.get(1).cloned().unwrap_or_default());
    } else {
        for (i, a) in assets.iter().enumerate() {
            row.set(format!("asset_{}", i + 1), a.clone());
        }
    }
    for (k, v) in members {
        let Some(obj) = v.as_object().filter(|o| !o.is_empty()) else {
            continue;
        };
        let keyed_by_asset = obj.iter().any(|(key, _)| assets.contains(key));
        if !keyed_by_asset {
            flatten_into(&mut row, k, v, false);
            continue;
        }
        let cell = |name: &str| v.get(name).map(Json::cell).unwrap_or_default();
        if pairwise {
            row.set(
                format!("A_{k}"),
                assets.first().map(|a| cell(a)).unwrap_or_default(),
            );
            row.set(
                format!("B_{k}"),
                assets.get(1).map(|a| cell(a)).unwrap_or_default(),
            );
            for extra in ["Both", "Neither"] {
                if v.get(extra).is_some() {
                    row.set(format!("{extra}_{k}"), cell(extra));
                }
            }
        } else {
            for a in &assets {
                row.set(format!("{a}_{k}"), cell(a));
            }
        }
    }
    row
}

#[cfg(any(feature = "csv", test))]
fn generic_row(item: &Json) -> Row {
    let mut row = Row::default();
    match item {
        Json::Object(_) => flatten_into(&mut row, "", item, false),
        other => row.set("value", other.cell()),
    }
    row
}

const BOTH: &str = "Both";
const NEITHER: &str = "Neither";

/// A/B identifiers: keys of `assetUrls`, else of `aggregatedResults`, minus Both/Neither.
fn compare_assets(item: &Json) -> Vec<String> {
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

fn opt_string(item: &Json, key: &str) -> Option<String> {
    item.get_non_null(key).and_then(Json::as_text)
}

fn parse_info(tree: &Json) -> ResultInfo {
    let Some(info) = tree.get("info") else {
        return ResultInfo::default();
    };
    ResultInfo {
        created_at: opt_string(info, "createdAt"),
        version: opt_string(info, "version"),
        result_type: opt_string(info, "type").or_else(|| opt_string(info, "orderType")),
        name: opt_string(info, "name"),
        instruction: opt_string(info, "instruction"),
    }
}

/// The datapoint entries: `results` (list layout) or `results.data` (older layout).
fn result_items(tree: &Json) -> &[Json] {
    match tree.get("results") {
        Some(Json::Array(items)) => items,
        Some(obj @ Json::Object(_)) => obj.get("data").and_then(Json::as_array).unwrap_or(&[]),
        _ => &[],
    }
}

fn detect_kind(info: &ResultInfo, items: &[Json]) -> ResultKind {
    if let Some(t) = &info.result_type {
        return match t.as_str() {
            "Compare" => ResultKind::Compare,
            "Classification" | "Classify" => ResultKind::Classification,
            "FreeText" => ResultKind::FreeText,
            "Locate" => ResultKind::Locate,
            "Ranking" => ResultKind::Ranking,
            "SelectWords" => ResultKind::SelectWords,
            "Line" | "Draw" => ResultKind::Draw,
            "Scrub" | "Timestamp" => ResultKind::Timestamp,
            other => ResultKind::Other(other.to_owned()),
        };
    }
    for item in items {
        if item.get("ranking").is_some() || item.get("scores").is_some() {
            return ResultKind::Ranking;
        }
        let first_detail = item
            .get("detailedResults")
            .and_then(Json::as_array)
            .and_then(|d| d.first());
        if item.get("assetUrls").is_some()
            || item.get("winner").is_some()
            || item.get("winner_index").is_some()
            || first_detail.is_some_and(|d| d.get("votedFor").is_some())
        {
            return ResultKind::Compare;
        }
        if first_detail.is_some_and(|d| d.get("selectedCategory").is_some())
            || item.get("confidencePerCategory").is_some()
        {
            return ResultKind::Classification;
        }
        if first_detail.is_some_and(|d| d.get("answer").is_some()) {
            return ResultKind::FreeText;
        }
        if first_detail.is_some_and(|d| d.get("coordinates").is_some()) {
            return ResultKind::Locate;
        }
        if first_detail.is_some_and(|d| d.get("selectedWords").is_some()) {
            return ResultKind::SelectWords;
        }
        if first_detail.is_some_and(|d| d.get("lines").is_some()) {
            return ResultKind::Draw;
        }
        if first_detail.is_some_and(|d| d.get("timestamps").is_some()) {
            return ResultKind::Timestamp;
        }
    }
    ResultKind::Other(String::new())
}

fn number_map<'a>(item: &'a Json, key: &str) -> Vec<(String, &'a Json)> {
    item.get(key)
        .and_then(Json::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

/// Builds the per-option tallies of one entry, keeping the options' first-seen order.
fn tallies(item: &Json) -> Vec<(String, Tally)> {
    let mut out: Vec<(String, Tally)> = Vec::new();
    type Apply = fn(&mut Tally, &Json);
    let fields: [(&str, Apply); 5] = [
        ("aggregatedResults", |t, v| t.votes = v.as_u64()),
        ("aggregatedResultsRatios", |t, v| t.ratio = v.as_f64()),
        ("summedUserScores", |t, v| t.summed_user_score = v.as_f64()),
        ("summedUserScoresRatios", |t, v| {
            t.summed_user_score_ratio = v.as_f64()
        }),
        ("confidencePerCategory", |t, v| t.confidence = v.as_f64()),
    ];
    for (field, apply) in fields {
        for (k, v) in number_map(item, field) {
            let idx = match out.iter().position(|(name, _)| *name == k) {
                Some(i) => i,
                None => {
                    out.push((k, Tally::default()));
                    out.len() - 1
                }
            };
            apply(&mut out[idx].1, v);
        }
    }
    out
}

fn string_map(value: Option<&Json>) -> BTreeMap<String, String> {
    value
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_text().map(|t| (k.clone(), t)))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_user(value: Option<&Json>) -> UserDetails {
    let Some(u) = value.filter(|v| v.as_object().is_some()) else {
        return UserDetails::default();
    };
    let mut demographics = BTreeMap::new();
    for (k, v) in u.as_object().unwrap_or(&[]) {
        if !matches!(
            k.as_str(),
            "country" | "language" | "userScore" | "userScores" | "demographics"
        ) {
            if let Some(t) = v.as_text() {
                demographics.insert(k.clone(), t);
            }
        }
    }
    demographics.extend(string_map(u.get("demographics")));
    UserDetails {
        country: opt_string(u, "country"),
        language: opt_string(u, "language"),
        user_scores: u
            .get("userScores")
            .and_then(Json::as_object)
            .map(|o| {
                o.iter()
                    .filter_map(|(k, v)| v.as_f64().map(|f| (k.clone(), f)))
                    .collect()
            })
            .unwrap_or_default(),
        user_score: u.get("userScore").and_then(Json::as_f64),
        demographics,
    }
}

fn details(item: &Json) -> &[Json] {
    item.get("detailedResults")
        .and_then(Json::as_array)
        .unwrap_or(&[])
}

fn parse_compare(tree: &Json, items: &[Json]) -> CompareResults {
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

fn parse_classification(tree: &Json, items: &[Json]) -> ClassificationResults {
    let mut datapoints = Vec::with_capacity(items.len());
    for item in items {
        let original_file_name = opt_string(item, "originalFileName");
        let asset_url = opt_string(item, "assetUrl");
        let tallies = tallies(item);
        datapoints.push(ClassificationDatapoint {
            identifier: opt_string(item, "identifier")
                .or_else(|| original_file_name.clone())
                .or_else(|| asset_url.clone()),
            original_file_name,
            asset_url,
            context: opt_string(item, "context"),
            categories: tallies.iter().map(|(k, _)| k.clone()).collect(),
            tallies: tallies.into_iter().collect(),
            private_metadata: string_map(item.get("privateMetadata")),
            responses: details(item)
                .iter()
                .map(|d| ClassificationResponse {
                    selected_category: opt_string(d, "selectedCategory"),
                    user: parse_user(d.get("userDetails")),
                })
                .collect(),
        });
    }
    let declared = tree
        .get("summary")
        .or_else(|| {
            tree.get("results")
                .and_then(|r| r.get("globalAggregatedData"))
        })
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_u64().map(|n| (k.clone(), n)))
                .collect::<BTreeMap<_, _>>()
        })
        .filter(|m| !m.is_empty());
    let totals = declared.unwrap_or_else(|| {
        let mut m = BTreeMap::new();
        for dp in &datapoints {
            for (k, t) in &dp.tallies {
                *m.entry(k.clone()).or_insert(0) += t.votes.unwrap_or(0);
            }
        }
        m
    });
    ClassificationResults { datapoints, totals }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Keeps the end of a name: asset identifiers (URLs, paths) differ in their last segment.
fn shorten_name(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        text.to_owned()
    } else {
        let tail: String = text.chars().skip(n - max.saturating_sub(1)).collect();
        format!("…{tail}")
    }
}

fn fmt_opt_u64(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

impl fmt::Display for JobResults {
    /// A readable table: one line per datapoint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self
            .info
            .name
            .as_deref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        if let Some(c) = &self.compare {
            writeln!(
                f,
                "Compare results{name}: {} datapoints (A wins {}, B wins {}, no winner {})",
                c.datapoints.len(),
                c.summary.a_wins,
                c.summary.b_wins,
                c.summary.no_winner
            )?;
            writeln!(
                f,
                "{:>4}  {:<28}  {:<28}  {:>6}  {:>6}  {:>5}  {:>7}  winner",
                "#", "A", "B", "votesA", "votesB", "both", "neither"
            )?;
            for (i, dp) in c.datapoints.iter().enumerate() {
                let votes = |a: Option<&str>| {
                    fmt_opt_u64(a.and_then(|a| dp.tally(a)).and_then(|t| t.votes))
                };
                let winner = match (&dp.winner, dp.is_tie()) {
                    (Some(w), _) => shorten_name(w, 28),
                    (None, true) => "(tie)".to_owned(),
                    (None, false) => "(no votes)".to_owned(),
                };
                writeln!(
                    f,
                    "{:>4}  {:<28}  {:<28}  {:>6}  {:>6}  {:>5}  {:>7}  {}",
                    i,
                    shorten_name(dp.asset_a().unwrap_or("-"), 28),
                    shorten_name(dp.asset_b().unwrap_or("-"), 28),
                    votes(dp.asset_a()),
                    votes(dp.asset_b()),
                    fmt_opt_u64(dp.both.as_ref().and_then(|t| t.votes)),
                    fmt_opt_u64(dp.neither.as_ref().and_then(|t| t.votes)),
                    winner
                )?;
                if let Some(ctx) = &dp.context {
                    writeln!(f, "      context: {}", shorten(ctx, 70))?;
                }
            }
            return Ok(());
        }
        if let Some(c) = &self.classification {
            writeln!(
                f,
                "Classification results{name}: {} datapoints",
                c.datapoints.len()
            )?;
            writeln!(f, "{:>4}  {:<32}  {:<16}  votes", "#", "datapoint", "top")?;
            for (i, dp) in c.datapoints.iter().enumerate() {
                let votes: Vec<String> = dp
                    .categories
                    .iter()
                    .map(|cat| {
                        format!(
                            "{cat} {}",
                            fmt_opt_u64(dp.tallies.get(cat).and_then(|t| t.votes))
                        )
                    })
                    .collect();
                writeln!(
                    f,
                    "{:>4}  {:<32}  {:<16}  {}",
                    i,
                    shorten_name(dp.identifier.as_deref().unwrap_or("-"), 32),
                    shorten(dp.top_category().unwrap_or("(none)"), 16),
                    votes.join(", ")
                )?;
            }
            let totals: Vec<String> = c.totals.iter().map(|(k, v)| format!("{k} {v}")).collect();
            return writeln!(f, "totals: {}", totals.join(", "));
        }
        if let Some(r) = &self.free_text {
            return kinds::fmt_free_text(f, &name, r);
        }
        if let Some(r) = &self.locate {
            return kinds::fmt_locate(f, &name, r);
        }
        if let Some(r) = &self.ranking {
            return kinds::fmt_ranking(f, &name, r);
        }
        if let Some(r) = &self.select_words {
            return kinds::fmt_select_words(f, &name, r);
        }
        if let Some(r) = &self.draw {
            return kinds::fmt_draw(f, &name, r);
        }
        if let Some(r) = &self.timestamp {
            return kinds::fmt_timestamp(f, &name, r);
        }
        writeln!(
            f,
            "{} results{name}: {} entries (see raw() for the content)",
            self.kind,
            self.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_keep_their_end() {
        assert_eq!(
            shorten_name("https://a.example/flux_book.jpg", 12),
            "…ux_book.jpg"
        );
        assert_eq!(shorten_name("short.jpg", 12), "short.jpg");
    }

    #[test]
    fn compare_assets_keep_file_order() {
        let r = JobResults::from_slice(
            br#"{"info":{"type":"Compare"},"results":[{"assetUrls":{"z.jpg":"u1","a.jpg":"u2"},
            "aggregatedResults":{"a.jpg":1,"z.jpg":2,"Both":1}}]}"#,
        )
        .unwrap();
        let dp = &r.compare().unwrap().datapoints[0];
        assert_eq!(dp.assets, ["z.jpg", "a.jpg"]);
        assert_eq!(dp.both.as_ref().unwrap().votes, Some(1));
        assert!(!dp.tallies.contains_key("Both"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "null",
            "1",
            "[]",
            r#"{"results":5}"#,
            r#"{"results":[1,"x",null,[]]}"#,
            r#"{"info":{"type":"Compare"},"results":[1,{"detailedResults":[1,{"userDetails":7}]}]}"#,
            r#"{"info":{"type":"Classification"},"results":{"data":[{"aggregatedResults":[1]}]}}"#,
            r#"{"info":{"type":5},"summary":"x"}"#,
        ] {
            let r = JobResults::from_slice(text.as_bytes()).unwrap();
            let _ = r.to_string();
            let _ = r.csv_table(true);
            let _ = r.csv_table(false);
        }
    }
}
