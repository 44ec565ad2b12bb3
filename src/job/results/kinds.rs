//! Typed results of the kinds whose responses are not votes among options: free text
//! (answers) and locate (tapped points). Parsed loosely like the others: a missing field
//! is `None` or empty, unknown fields stay in [`JobResults::raw`](super::JobResults::raw).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::super::json::Json;
use super::parse::{details, opt_string, parse_user, string_map};
use super::text::{shorten, shorten_name};
use super::UserDetails;

/// The asset a free-text or locate result entry is about.
///
/// ```
/// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "FreeText"},
///   "results": [{"identifier": "https://x/car.jpg", "originalFileName": "car.jpg",
///                "context": "A street.", "privateMetadata": {"id": "7"}}]}"#).unwrap();
/// let a = &r.free_text().unwrap().datapoints[0].asset;
/// assert_eq!(a.original_file_name.as_deref(), Some("car.jpg"));
/// assert_eq!(a.private_metadata["id"], "7");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResultAsset {
    /// `identifier`, else `originalFileName`, else `assetUrl`.
    pub identifier: Option<String>,
    /// `originalFileName`.
    pub original_file_name: Option<String>,
    /// `assetUrl`: where the asset is served.
    pub asset_url: Option<String>,
    /// The context shown with the asset.
    pub context: Option<String>,
    /// `privateMetadata` given when the datapoint was created.
    pub private_metadata: BTreeMap<String, String>,
}

fn parse_asset(item: &Json) -> ResultAsset {
    let original_file_name = opt_string(item, "originalFileName");
    let asset_url = opt_string(item, "assetUrl");
    ResultAsset {
        identifier: opt_string(item, "identifier")
            .or_else(|| original_file_name.clone())
            .or_else(|| asset_url.clone()),
        original_file_name,
        asset_url,
        context: opt_string(item, "context"),
        private_metadata: string_map(item.get("privateMetadata")),
    }
}

/// One free-text answer (`detailedResults[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FreeTextResponse {
    /// `answer`: what the labeler wrote.
    pub answer: Option<String>,
    /// Who answered.
    pub user: UserDetails,
}

/// The answers to one free-text datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FreeTextDatapoint {
    /// The asset asked about.
    pub asset: ResultAsset,
    /// Every answer, in the file's order.
    pub responses: Vec<FreeTextResponse>,
}

impl FreeTextDatapoint {
    /// The answers' texts (responses without an answer left out).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "FreeText"},
    ///   "results": [{"detailedResults": [{"answer": "A red car"}, {"answer": "A car"}]}]}"#).unwrap();
    /// assert_eq!(r.free_text().unwrap().datapoints[0].answers(), ["A red car", "A car"]);
    /// ```
    pub fn answers(&self) -> Vec<&str> {
        self.responses
            .iter()
            .filter_map(|r| r.answer.as_deref())
            .collect()
    }
}

/// The results of a free-text job: the answers per datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FreeTextResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<FreeTextDatapoint>,
}

/// A tapped point in percent of the image (0–100, origin top left).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Point {
    /// From the left edge, in percent of the width.
    pub x: f64,
    /// From the top edge, in percent of the height.
    pub y: f64,
}

/// One locate response: the points a labeler tapped (`detailedResults[].coordinates`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LocateResponse {
    /// Every tap (entries without both numbers left out).
    pub points: Vec<Point>,
    /// Who answered.
    pub user: UserDetails,
}

/// The taps on one locate datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LocateDatapoint {
    /// The asset tapped on.
    pub asset: ResultAsset,
    /// Every response, in the file's order.
    pub responses: Vec<LocateResponse>,
}

impl LocateDatapoint {
    /// Every tap of every response.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Locate"}, "results": [
    ///   {"detailedResults": [{"coordinates": [{"x": 10.5, "y": 20}]}, {"coordinates": [{"x": 11, "y": 21}]}]}]}"#).unwrap();
    /// let dp = &r.locate().unwrap().datapoints[0];
    /// assert_eq!(dp.points().len(), 2);
    /// assert_eq!(dp.points()[0].x, 10.5);
    /// ```
    pub fn points(&self) -> Vec<Point> {
        self.responses
            .iter()
            .flat_map(|r| r.points.iter().copied())
            .collect()
    }

    /// The mean of every tap (`None` without taps): where the crowd located the target
    /// when there is one.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Locate"}, "results": [
    ///   {"detailedResults": [{"coordinates": [{"x": 10, "y": 20}]}, {"coordinates": [{"x": 12, "y": 22}]}]}]}"#).unwrap();
    /// let c = r.locate().unwrap().datapoints[0].centroid().unwrap();
    /// assert_eq!((c.x, c.y), (11.0, 21.0));
    /// ```
    pub fn centroid(&self) -> Option<Point> {
        let points = self.points();
        if points.is_empty() {
            return None;
        }
        let n = points.len() as f64;
        Some(Point {
            x: points.iter().map(|p| p.x).sum::<f64>() / n,
            y: points.iter().map(|p| p.y).sum::<f64>() / n,
        })
    }
}

/// The results of a locate job: the taps per datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LocateResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<LocateDatapoint>,
}

pub(super) fn parse_free_text(items: &[Json]) -> FreeTextResults {
    FreeTextResults {
        datapoints: items
            .iter()
            .map(|item| FreeTextDatapoint {
                asset: parse_asset(item),
                responses: details(item)
                    .iter()
                    .map(|d| FreeTextResponse {
                        answer: opt_string(d, "answer"),
                        user: parse_user(d.get("userDetails")),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn parse_point(p: &Json) -> Option<Point> {
    Some(Point {
        x: p.get_non_null("x")?.as_f64()?,
        y: p.get_non_null("y")?.as_f64()?,
    })
}

pub(super) fn parse_locate(items: &[Json]) -> LocateResults {
    LocateResults {
        datapoints: items
            .iter()
            .map(|item| LocateDatapoint {
                asset: parse_asset(item),
                responses: details(item)
                    .iter()
                    .map(|d| LocateResponse {
                        points: d
                            .get("coordinates")
                            .and_then(Json::as_array)
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(parse_point)
                            .collect(),
                        user: parse_user(d.get("userDetails")),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The free-text table: one line per datapoint with its answer count and first answers.
pub(super) fn fmt_free_text(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    r: &FreeTextResults,
) -> fmt::Result {
    writeln!(
        f,
        "Free text results{name}: {} datapoints",
        r.datapoints.len()
    )?;
    writeln!(
        f,
        "{:>4}  {:<32}  {:>7}  answers",
        "#", "datapoint", "count"
    )?;
    for (i, dp) in r.datapoints.iter().enumerate() {
        let answers = dp.answers();
        let shown: Vec<String> = answers
            .iter()
            .take(3)
            .map(|a| format!("{:?}", shorten(a, 40)))
            .collect();
        let more = answers.len().saturating_sub(3);
        writeln!(
            f,
            "{:>4}  {:<32}  {:>7}  {}{}",
            i,
            shorten_name(dp.asset.identifier.as_deref().unwrap_or("-"), 32),
            answers.len(),
            shown.join(", "),
            if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

/// The locate table: one line per datapoint with its response and tap counts and the taps'
/// mean point.
pub(super) fn fmt_locate(f: &mut fmt::Formatter<'_>, name: &str, r: &LocateResults) -> fmt::Result {
    writeln!(f, "Locate results{name}: {} datapoints", r.datapoints.len())?;
    writeln!(
        f,
        "{:>4}  {:<32}  {:>9}  {:>5}  mean tap (x%, y%)",
        "#", "datapoint", "responses", "taps"
    )?;
    for (i, dp) in r.datapoints.iter().enumerate() {
        let centroid = dp
            .centroid()
            .map_or_else(|| "-".to_owned(), |c| format!("({:.1}, {:.1})", c.x, c.y));
        writeln!(
            f,
            "{:>4}  {:<32}  {:>9}  {:>5}  {}",
            i,
            shorten_name(dp.asset.identifier.as_deref().unwrap_or("-"), 32),
            dp.responses.len(),
            dp.points().len(),
            centroid
        )?;
    }
    Ok(())
}

/// One item of a ranking list, in rank order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RankedItem {
    /// The item's identifier (file name, URL or text), as the file keys it.
    pub identifier: String,
    /// `scores`: its Bradley–Terry score (higher is better).
    pub score: Option<f64>,
    /// `aggregatedResults`: matchups it won.
    pub wins: Option<u64>,
    /// `assetUrls`: where the asset is served.
    pub asset_url: Option<String>,
}

/// One ranking vote (`detailedResults[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RankingResponse {
    /// The item the labeler preferred.
    pub voted_for: Option<String>,
    /// The other item of the matchup.
    pub voted_against: Option<String>,
    /// Who answered.
    pub user: UserDetails,
}

/// One ranked list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RankingList {
    /// `group`: the list's position among the lists given (`"0"`, `"1"`, …).
    pub group: Option<String>,
    /// The context shown with its matchups.
    pub context: Option<String>,
    /// The items best first: the file's `ranking`, else by score, else by wins.
    pub items: Vec<RankedItem>,
    /// Every vote.
    pub responses: Vec<RankingResponse>,
}

impl RankingList {
    /// The items' identifiers, best first.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Ranking"}, "results": [
    ///   {"scores": {"a.jpg": 1150.0, "b.jpg": 1250.0}}]}"#).unwrap();
    /// assert_eq!(r.ranking().unwrap().rankings[0].order(), ["b.jpg", "a.jpg"]);
    /// ```
    pub fn order(&self) -> Vec<&str> {
        self.items.iter().map(|i| i.identifier.as_str()).collect()
    }
}

/// The results of a ranking job: one ranked list per list given.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RankingResults {
    /// One entry per ranking list, in the file's order.
    pub rankings: Vec<RankingList>,
}

fn number_of(item: &Json, field: &str, key: &str) -> Option<f64> {
    item.get(field)?.get_non_null(key)?.as_f64()
}

pub(super) fn parse_ranking(items: &[Json]) -> RankingResults {
    let parse = |item: &Json| {
        // Every identifier the entry names, first seen first.
        let mut ids: Vec<String> = Vec::new();
        let listed = item.get("ranking").and_then(Json::as_array).unwrap_or(&[]);
        let from_list = listed.iter().filter_map(Json::as_text);
        let keyed = ["scores", "aggregatedResults", "assetUrls"]
            .into_iter()
            .flat_map(|f| item.get(f).and_then(Json::as_object).unwrap_or(&[]))
            .map(|(k, _)| k.clone());
        for id in from_list.chain(keyed) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let mut ranked: Vec<RankedItem> = ids
            .into_iter()
            .map(|id| RankedItem {
                score: number_of(item, "scores", &id),
                wins: number_of(item, "aggregatedResults", &id).map(|w| w as u64),
                asset_url: item
                    .get("assetUrls")
                    .and_then(|u| u.get_non_null(&id))
                    .and_then(Json::as_text),
                identifier: id,
            })
            .collect();
        if listed.is_empty() {
            // Stable: ties keep the file's order.
            ranked.sort_by(|a, b| {
                let key = |r: &RankedItem| (r.score.unwrap_or(f64::MIN), r.wins.unwrap_or(0));
                let (ka, kb) = (key(a), key(b));
                kb.0.total_cmp(&ka.0).then(kb.1.cmp(&ka.1))
            });
        }
        RankingList {
            group: opt_string(item, "group"),
            context: opt_string(item, "context"),
            items: ranked,
            responses: details(item)
                .iter()
                .map(|d| RankingResponse {
                    voted_for: opt_string(d, "votedFor"),
                    voted_against: opt_string(d, "votedAgainst"),
                    user: parse_user(d.get("userDetails")),
                })
                .collect(),
        }
    };
    RankingResults {
        rankings: items.iter().map(parse).collect(),
    }
}

/// The ranking table: one block per list, its items best first with score and wins.
pub(super) fn fmt_ranking(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    r: &RankingResults,
) -> fmt::Result {
    writeln!(f, "Ranking results{name}: {} rankings", r.rankings.len())?;
    for (i, list) in r.rankings.iter().enumerate() {
        let context = list
            .context
            .as_deref()
            .map(|c| format!(" ({})", shorten(c, 50)))
            .unwrap_or_default();
        writeln!(f, "ranking {i}{context}: {} votes", list.responses.len())?;
        writeln!(
            f,
            "{:>6}  {:<40}  {:>8}  {:>5}",
            "rank", "item", "score", "wins"
        )?;
        for (rank, item) in list.items.iter().enumerate() {
            writeln!(
                f,
                "{:>6}  {:<40}  {:>8}  {:>5}",
                rank + 1,
                shorten_name(&item.identifier, 40),
                item.score
                    .map_or_else(|| "-".to_owned(), |s| format!("{s:.1}")),
                item.wins.map_or_else(|| "-".to_owned(), |w| w.to_string())
            )?;
        }
    }
    Ok(())
}

/// A word of a select-words sentence with how many responses selected it
/// (`wordCounts[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WordCount {
    /// The word.
    pub word: String,
    /// Its 0-based position in the sentence.
    pub index: usize,
    /// Responses that selected it.
    pub count: u64,
}

/// One select-words response: the words the labeler selected.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SelectWordsResponse {
    /// The selected words' 0-based indices, in the file's order.
    pub indices: Vec<usize>,
    /// The selected words.
    pub words: Vec<String>,
    /// Who answered.
    pub user: UserDetails,
}

/// The selections on one select-words datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SelectWordsDatapoint {
    /// The asset shown with the sentence.
    pub asset: ResultAsset,
    /// Every word of the sentence with its count (`wordCounts`, else counted from the
    /// responses).
    pub words: Vec<WordCount>,
    /// Every response, in the file's order.
    pub responses: Vec<SelectWordsResponse>,
}

impl SelectWordsDatapoint {
    /// The indices of the words at least `share` (0–1) of the responses selected.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "SelectWords"}, "results": [
    ///   {"detailedResults": [{"selectedWords": [{"word": "white", "wordIndex": 1}]},
    ///                        {"selectedWords": [{"word": "white", "wordIndex": 1}, {"word": "cat", "wordIndex": 2}]}]}]}"#).unwrap();
    /// let dp = &r.select_words().unwrap().datapoints[0];
    /// assert_eq!(dp.selected_by(0.5), [1, 2]);
    /// assert_eq!(dp.selected_by(0.75), [1]);
    /// ```
    pub fn selected_by(&self, share: f64) -> Vec<usize> {
        let n = self.responses.len() as f64;
        self.words
            .iter()
            .filter(|w| n > 0.0 && w.count as f64 / n >= share)
            .map(|w| w.index)
            .collect()
    }
}

/// The results of a select-words job.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SelectWordsResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<SelectWordsDatapoint>,
}

fn parse_word(w: &Json) -> Option<(String, usize)> {
    let index = w.get_non_null("wordIndex")?.as_u64()? as usize;
    Some((opt_string(w, "word").unwrap_or_default(), index))
}

pub(super) fn parse_select_words(items: &[Json]) -> SelectWordsResults {
    let parse = |item: &Json| {
        let responses: Vec<SelectWordsResponse> = details(item)
            .iter()
            .map(|d| {
                let picked: Vec<(String, usize)> = d
                    .get("selectedWords")
                    .and_then(Json::as_array)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(parse_word)
                    .collect();
                SelectWordsResponse {
                    indices: picked.iter().map(|(_, i)| *i).collect(),
                    words: picked.into_iter().map(|(w, _)| w).collect(),
                    user: parse_user(d.get("userDetails")),
                }
            })
            .collect();
        let listed: Vec<WordCount> = item
            .get("wordCounts")
            .and_then(Json::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(|w| {
                let (word, index) = parse_word(w)?;
                let count = w.get_non_null("count").and_then(Json::as_u64).unwrap_or(0);
                Some(WordCount { word, index, count })
            })
            .collect();
        let words = if listed.is_empty() {
            // Counted from the responses: the words seen, by index.
            let mut counted: Vec<WordCount> = Vec::new();
            for r in &responses {
                for (w, &i) in r.words.iter().zip(&r.indices) {
                    match counted.iter_mut().find(|c| c.index == i) {
                        Some(c) => c.count += 1,
                        None => counted.push(WordCount {
                            word: w.clone(),
                            index: i,
                            count: 1,
                        }),
                    }
                }
            }
            counted.sort_by_key(|c| c.index);
            counted
        } else {
            listed
        };
        SelectWordsDatapoint {
            asset: parse_asset(item),
            words,
            responses,
        }
    };
    SelectWordsResults {
        datapoints: items.iter().map(parse).collect(),
    }
}

/// The select-words table: per datapoint, its words with their counts.
pub(super) fn fmt_select_words(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    r: &SelectWordsResults,
) -> fmt::Result {
    writeln!(
        f,
        "Select words results{name}: {} datapoints",
        r.datapoints.len()
    )?;
    writeln!(
        f,
        "{:>4}  {:<32}  {:>9}  word counts",
        "#", "datapoint", "responses"
    )?;
    for (i, dp) in r.datapoints.iter().enumerate() {
        let words: Vec<String> = dp
            .words
            .iter()
            .map(|w| format!("{}:{} {}", w.index, shorten(&w.word, 16), w.count))
            .collect();
        writeln!(
            f,
            "{:>4}  {:<32}  {:>9}  {}",
            i,
            shorten_name(dp.asset.identifier.as_deref().unwrap_or("-"), 32),
            dp.responses.len(),
            words.join(", ")
        )?;
    }
    Ok(())
}

/// One draw response: the lines a labeler drew, each a list of points
/// (`detailedResults[].lines`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DrawResponse {
    /// Every line (points without both numbers left out).
    pub lines: Vec<Vec<Point>>,
    /// Who answered.
    pub user: UserDetails,
}

/// The lines drawn on one datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DrawDatapoint {
    /// The asset drawn on.
    pub asset: ResultAsset,
    /// Every response, in the file's order.
    pub responses: Vec<DrawResponse>,
}

impl DrawDatapoint {
    /// Every point of every line of every response.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Line"}, "results": [
    ///   {"detailedResults": [{"lines": [[{"x": 10, "y": 20}, {"x": 12, "y": 21}]]}]}]}"#).unwrap();
    /// assert_eq!(r.draw().unwrap().datapoints[0].points().len(), 2);
    /// ```
    pub fn points(&self) -> Vec<Point> {
        self.responses
            .iter()
            .flat_map(|r| r.lines.iter().flatten().copied())
            .collect()
    }
}

/// The results of a draw job: the lines per datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DrawResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<DrawDatapoint>,
}

pub(super) fn parse_draw(items: &[Json]) -> DrawResults {
    let points = |line: &Json| -> Vec<Point> {
        line.as_array()
            .unwrap_or(&[])
            .iter()
            .filter_map(parse_point)
            .collect()
    };
    DrawResults {
        datapoints: items
            .iter()
            .map(|item| DrawDatapoint {
                asset: parse_asset(item),
                responses: details(item)
                    .iter()
                    .map(|d| DrawResponse {
                        lines: d
                            .get("lines")
                            .and_then(Json::as_array)
                            .unwrap_or(&[])
                            .iter()
                            .map(points)
                            .collect(),
                        user: parse_user(d.get("userDetails")),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The draw table: one line per datapoint with its response, line and point counts.
pub(super) fn fmt_draw(f: &mut fmt::Formatter<'_>, name: &str, r: &DrawResults) -> fmt::Result {
    writeln!(f, "Draw results{name}: {} datapoints", r.datapoints.len())?;
    writeln!(
        f,
        "{:>4}  {:<32}  {:>9}  {:>5}  {:>6}",
        "#", "datapoint", "responses", "lines", "points"
    )?;
    for (i, dp) in r.datapoints.iter().enumerate() {
        writeln!(
            f,
            "{:>4}  {:<32}  {:>9}  {:>5}  {:>6}",
            i,
            shorten_name(dp.asset.identifier.as_deref().unwrap_or("-"), 32),
            dp.responses.len(),
            dp.responses.iter().map(|r| r.lines.len()).sum::<usize>(),
            dp.points().len()
        )?;
    }
    Ok(())
}

/// One timestamp response: the moments a labeler marked (`detailedResults[].timestamps`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TimestampResponse {
    /// The moments, in milliseconds from the start.
    pub timestamps_ms: Vec<u64>,
    /// Who answered.
    pub user: UserDetails,
}

/// The moments marked on one datapoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TimestampDatapoint {
    /// The video or audio.
    pub asset: ResultAsset,
    /// Every response, in the file's order.
    pub responses: Vec<TimestampResponse>,
}

impl TimestampDatapoint {
    /// The median of every marked moment (milliseconds; `None` without any).
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info": {"type": "Scrub"}, "results": [
    ///   {"detailedResults": [{"timestamps": [1200]}, {"timestamps": [1000]}, {"timestamps": [9000]}]}]}"#).unwrap();
    /// assert_eq!(r.timestamp().unwrap().datapoints[0].median_ms(), Some(1200));
    /// ```
    pub fn median_ms(&self) -> Option<u64> {
        let mut all: Vec<u64> = self
            .responses
            .iter()
            .flat_map(|r| r.timestamps_ms.iter().copied())
            .collect();
        all.sort_unstable();
        all.get(all.len() / 2).copied()
    }
}

/// The results of a timestamp job.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TimestampResults {
    /// One entry per datapoint, in the file's order.
    pub datapoints: Vec<TimestampDatapoint>,
}

pub(super) fn parse_timestamp(items: &[Json]) -> TimestampResults {
    TimestampResults {
        datapoints: items
            .iter()
            .map(|item| TimestampDatapoint {
                asset: parse_asset(item),
                responses: details(item)
                    .iter()
                    .map(|d| TimestampResponse {
                        timestamps_ms: d
                            .get("timestamps")
                            .and_then(Json::as_array)
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(|t| t.as_f64())
                            .filter(|t| *t >= 0.0)
                            .map(|t| t.round() as u64)
                            .collect(),
                        user: parse_user(d.get("userDetails")),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The timestamp table: one line per datapoint with its response count and median moment.
pub(super) fn fmt_timestamp(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    r: &TimestampResults,
) -> fmt::Result {
    writeln!(
        f,
        "Timestamp results{name}: {} datapoints",
        r.datapoints.len()
    )?;
    writeln!(
        f,
        "{:>4}  {:<32}  {:>9}  median (s)",
        "#", "datapoint", "responses"
    )?;
    for (i, dp) in r.datapoints.iter().enumerate() {
        writeln!(
            f,
            "{:>4}  {:<32}  {:>9}  {}",
            i,
            shorten_name(dp.asset.identifier.as_deref().unwrap_or("-"), 32),
            dp.responses.len(),
            dp.median_ms()
                .map_or_else(|| "-".to_owned(), |m| format!("{:.2}", m as f64 / 1000.0))
        )?;
    }
    Ok(())
}
