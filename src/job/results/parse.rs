//! Reading the parts every result file shares: its `info`, its entries, tallies and
//! labeler details, and how its task type is told.

use std::collections::BTreeMap;

use super::super::json::Json;
use super::{ResultInfo, ResultKind, Tally, UserDetails};

pub(super) fn opt_string(item: &Json, key: &str) -> Option<String> {
    item.get_non_null(key).and_then(Json::as_text)
}

pub(super) fn parse_info(tree: &Json) -> ResultInfo {
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
pub(super) fn result_items(tree: &Json) -> &[Json] {
    match tree.get("results") {
        Some(Json::Array(items)) => items,
        Some(obj @ Json::Object(_)) => obj.get("data").and_then(Json::as_array).unwrap_or(&[]),
        _ => &[],
    }
}

pub(super) fn detect_kind(info: &ResultInfo, items: &[Json]) -> ResultKind {
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

pub(super) fn number_map<'a>(item: &'a Json, key: &str) -> Vec<(String, &'a Json)> {
    item.get(key)
        .and_then(Json::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

/// Builds the per-option tallies of one entry, keeping the options' first-seen order.
pub(super) fn tallies(item: &Json) -> Vec<(String, Tally)> {
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

pub(super) fn string_map(value: Option<&Json>) -> BTreeMap<String, String> {
    value
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_text().map(|t| (k.clone(), t)))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn parse_user(value: Option<&Json>) -> UserDetails {
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

pub(super) fn details(item: &Json) -> &[Json] {
    item.get("detailedResults")
        .and_then(Json::as_array)
        .unwrap_or(&[])
}
