//! What a result file says about itself and its labelers: [`ResultKind`], [`ResultInfo`],
//! [`Tally`], [`UserDetails`].

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

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
