//! Result files (`GET /job/{jobId}/download-results`; no schema in the spec; the layouts
//! the SDK's results reader expects).

use std::collections::BTreeMap;

use serde::Serialize;

/// A JSON object whose keys keep their insertion order (A before B, categories as defined).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    /// Sets `key` (keeps the position of an existing key).
    pub fn set(&mut self, key: &str, value: V) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// `info` of a result file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResultInfo {
    pub created_at: String,
    pub version: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub instruction: String,
}

/// `userScores`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserScores {
    pub global: f64,
}

/// `demographics`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Demographics {
    pub age: &'static str,
    pub gender: &'static str,
    pub occupation: &'static str,
}

/// `userDetails` of one vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDetails {
    pub country: &'static str,
    pub language: &'static str,
    pub user_scores: UserScores,
    pub demographics: Demographics,
}

/// One compare vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareDetail {
    pub voted_for: String,
    pub user_details: UserDetails,
}

/// One compare datapoint's result (aggregator 4.1.0).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareResult {
    pub context: Option<String>,
    pub winner: Option<String>,
    pub winner_index: Option<usize>,
    pub weighted_winner: Option<String>,
    pub weighted_winner_index: Option<usize>,
    /// Deprecated alias of `winnerIndex`.
    #[serde(rename = "winner_index")]
    pub winner_index_alias: Option<usize>,
    pub asset_urls: Ordered<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    pub detailed_results: Vec<CompareDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// Compare `summary`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompareSummary {
    #[serde(rename = "A_wins_total")]
    pub a_wins_total: usize,
    #[serde(rename = "B_wins_total")]
    pub b_wins_total: usize,
}

/// One classification vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyDetail {
    pub selected_category: String,
    pub user_details: UserDetails,
}

/// One classification datapoint's result (aggregator 3.0.0).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyResult {
    pub identifier: String,
    pub original_file_name: Option<String>,
    pub asset_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_per_category: Option<Ordered<f64>>,
    pub detailed_results: Vec<ClassifyDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// A whole result file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResultFile<R, S> {
    pub info: ResultInfo,
    pub results: Vec<R>,
    pub summary: S,
}
