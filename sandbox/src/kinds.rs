//! The task kinds beyond compare and classify that the sandbox simulates (free text,
//! locate): what a datapoint's hidden answer is, what a labeler's response looks like, and
//! the layout of their result files.
//!
//! Votes stay `(labeler, choice)` like every other kind; the response a choice stands for
//! (an answer text, tap coordinates) is derived from the datapoint and the vote's position,
//! so the result file is a pure function of the votes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rng::Mix;
use crate::sim::{self, Item, Labeler};
use crate::store::{base_name, ASSET_BASE};
use crate::wire::{ResultInfo, UserDetails};

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

/// Where a locate datapoint's target is: the `sandbox` private-metadata value or context
/// marker `x,y` (percent), else a point drawn from the datapoint (within 20–80 %).
pub(crate) fn locate_target(item: &Item) -> Point {
    let hint = item
        .private_metadata
        .as_ref()
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_lowercase())
        .or_else(|| sim::marker(item.context.as_deref()));
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
            x: sim::round((t.x + 6.0 * draw("tap-x") - 3.0).clamp(0.0, 100.0), 2),
            y: sim::round((t.y + 6.0 * draw("tap-y") - 3.0).clamp(0.0, 100.0), 2),
        }
    } else {
        Point {
            x: sim::round(100.0 * draw("stray-x"), 2),
            y: sim::round(100.0 * draw("stray-y"), 2),
        }
    }
}

/// One free-text response.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FreeTextDetail {
    pub answer: String,
    pub user_details: UserDetails,
}

/// One locate response: the points the labeler tapped.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LocateDetail {
    pub coordinates: Vec<Point>,
    pub user_details: UserDetails,
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

fn file<D: Serialize>(
    info: ResultInfo,
    items: &[Item],
    detail: impl Fn(&Item, usize, &sim::Vote) -> D,
) -> Vec<u8> {
    let results: Vec<AssetResult<D>> = items
        .iter()
        .map(|item| {
            let asset = item.assets.first();
            AssetResult {
                identifier: asset.map(|a| a.identifier.clone()).unwrap_or_default(),
                original_file_name: asset
                    .and_then(|a| a.file_name.as_ref().map(|_| base_name(&a.identifier))),
                asset_url: asset
                    .and_then(|a| a.file_name.as_ref())
                    .map(|f| format!("{ASSET_BASE}{f}")),
                context: item.context.clone(),
                detailed_results: item
                    .votes
                    .iter()
                    .enumerate()
                    .map(|(n, v)| detail(item, n, v))
                    .collect(),
                private_metadata: item.private_metadata.clone(),
            }
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

/// The result file of a free-text job (`info.type` `FreeText`).
pub(crate) fn free_text_file(
    info: ResultInfo,
    items: &[Item],
    pool: &[Labeler],
    user: impl Fn(&Labeler) -> UserDetails,
) -> Vec<u8> {
    file(info, items, |item, _, v| FreeTextDetail {
        answer: item.labels.get(v.choice).cloned().unwrap_or_default(),
        user_details: user(&pool[v.labeler]),
    })
}

/// The result file of a locate job (`info.type` `Locate`): one tap per response.
pub(crate) fn locate_file(
    info: ResultInfo,
    items: &[Item],
    pool: &[Labeler],
    user: impl Fn(&Labeler) -> UserDetails,
) -> Vec<u8> {
    file(info, items, |item, n, v| LocateDetail {
        coordinates: vec![tap(item, n, v.choice)],
        user_details: user(&pool[v.labeler]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Leaning, OptionRef};

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
