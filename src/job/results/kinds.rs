//! Typed results of the kinds whose responses are not votes among options: free text
//! (answers) and locate (tapped points). Parsed loosely like the others: a missing field
//! is `None` or empty, unknown fields stay in [`JobResults::raw`](super::JobResults::raw).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::super::json::Json;
use super::{details, opt_string, parse_user, shorten, shorten_name, string_map, UserDetails};

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
