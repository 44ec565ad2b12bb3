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

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::json::Json;
use crate::request::DecodeError;
use crate::{Error, Result};

mod classification;
mod compare;
#[cfg(any(feature = "csv", test))]
mod csv;
mod display;
mod info;
mod kinds;
mod parse;
mod text;

#[cfg(test)]
mod tests;

use classification::parse_classification;
use compare::parse_compare;
use parse::{detect_kind, parse_info, result_items};

pub use classification::{ClassificationDatapoint, ClassificationResponse, ClassificationResults};
pub use compare::{CompareDatapoint, CompareResponse, CompareResults, CompareSummary};
pub use info::{ResultInfo, ResultKind, Tally, UserDetails};
pub use kinds::{
    DrawDatapoint, DrawResponse, DrawResults, TimestampDatapoint, TimestampResponse,
    TimestampResults,
};
pub use kinds::{
    FreeTextDatapoint, FreeTextResponse, FreeTextResults, LocateDatapoint, LocateResponse,
    LocateResults, Point, RankedItem, RankingList, RankingResponse, RankingResults, ResultAsset,
    SelectWordsDatapoint, SelectWordsResponse, SelectWordsResults, WordCount,
};

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
}
