//! The typed view of a classification result file and how it is read.

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::json::Json;
use super::parse::{details, opt_string, parse_user, string_map, tallies};
use super::{Tally, UserDetails};

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

pub(super) fn parse_classification(tree: &Json, items: &[Json]) -> ClassificationResults {
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
