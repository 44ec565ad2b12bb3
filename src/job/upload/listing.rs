//! What a dataset already holds, compared by sort index or by content.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::api::{operations, types};
use crate::flow::paging::{PageCounts, Pager};
use crate::request::{self, DecodeError, Decoder, WithDecoder};
use crate::{Client, Result};

use super::tuning::MAX_LISTED_DATAPOINTS;
use crate::flow::paging::LIST_PAGE_SIZE;

/// `GET /dataset/{id}/datapoints` decoded loosely, so fields the API description does
/// not list (`sortIndex`) are kept.
pub(super) struct LooseJson;

impl Decoder for LooseJson {
    type Output = Value;

    fn decode(bytes: &[u8]) -> std::result::Result<Value, DecodeError> {
        request::decode_json(bytes)
    }
}

/// What a dataset holds, as far as telling whether a datapoint was created: the sort
/// indices it reports, and, only while it reports none, how many datapoints of each
/// content (its segments) it holds. The 2026.10.25 listing reports segments only, so
/// the content is what is compared there.
pub(super) struct DatasetListing {
    /// Whether any item has a `sortIndex` (then only sort indices are compared).
    pub(super) indexed: bool,
    pub(super) sort_indexes: HashSet<u64>,
    /// Listed datapoints per content key, not yet claimed by a datapoint of ours.
    pub(super) by_content: HashMap<String, usize>,
}

impl DatasetListing {
    /// Lists every page of the dataset (one pass, whatever the number of datapoints to
    /// check).
    pub(super) fn fetch(client: &Client, dataset_id: &str) -> Result<DatasetListing> {
        let mut listing = DatasetListing {
            indexed: false,
            sort_indexes: HashSet::new(),
            by_content: HashMap::new(),
        };
        let mut pager = Pager::new("datapoints", LIST_PAGE_SIZE, MAX_LISTED_DATAPOINTS);
        loop {
            let out = client.send(&WithDecoder::<_, LooseJson>::new(
                operations::GetDatasetByDatasetIdDatapoints {
                    page: Some(pager.page()),
                    page_size: Some(LIST_PAGE_SIZE),
                    ..operations::GetDatasetByDatasetIdDatapoints::new(dataset_id)
                },
            ))?;
            let items = match out.get("items") {
                Some(Value::Array(items)) => items.as_slice(),
                _ => &[],
            };
            let mut new_items = 0;
            for item in items {
                // Items without an id cannot be compared: each counts as new.
                if let Some(id) = item.get("id").and_then(Value::as_str) {
                    if !pager.is_new(id) {
                        continue;
                    }
                }
                new_items += 1;
                match item.get("sortIndex").filter(|v| !v.is_null()) {
                    Some(si) => {
                        listing.indexed = true;
                        // An index that is not a whole number matches no datapoint.
                        if let Some(si) = si.as_u64() {
                            listing.sort_indexes.insert(si);
                        }
                    }
                    None if !listing.indexed => {
                        if let Some(key) = listed_content(item) {
                            *listing.by_content.entry(key).or_default() += 1;
                        }
                    }
                    None => {}
                }
            }
            if listing.indexed {
                listing.by_content.clear();
            }
            let more = pager.advance(PageCounts {
                items: items.len(),
                new_items,
                page_size: out.get("pageSize").and_then(Value::as_i64),
                // No `total` counts as 0, as before: nothing more to list.
                total: Some(out.get("total").and_then(Value::as_i64).unwrap_or(0)),
                total_pages: out.get("totalPages").and_then(Value::as_i64),
            });
            if !more {
                break;
            }
        }
        Ok(listing)
    }

    /// Whether the datapoint at `index` is there: an item with that `sortIndex`, or, when
    /// the server reports no sort indices at all, a listed item of the same content not
    /// claimed yet (so two datapoints with the same content need two listed items). The
    /// datapoint's `body` is built only for the content comparison.
    pub(super) fn claim(
        &mut self,
        index: usize,
        body: impl FnOnce() -> types::CreateDatapointEndpointInput,
    ) -> bool {
        if self.indexed {
            return self.sort_indexes.contains(&(index as u64));
        }
        match self.by_content.get_mut(&sent_content(&body())) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// A datapoint's content as one comparable string: each segment's key with its asset,
/// text or options, in key order. Sent and listed forms of the same datapoint give the
/// same string.
pub(super) fn content_key(mut parts: Vec<(String, String)>) -> String {
    parts.sort();
    parts
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

pub(super) fn sent_content(body: &types::CreateDatapointEndpointInput) -> String {
    let segments = body.segments.clone().flatten().unwrap_or_default();
    content_key(
        segments
            .iter()
            .map(|seg| {
                let value = if let Some(Some(asset)) = &seg.asset {
                    sent_asset(asset)
                } else if let Some(Some(text)) = &seg.text {
                    format!("text:{text}")
                } else if let Some(Some(options)) = &seg.options {
                    options_key(options.iter().map(|o| (o.label.as_str(), o.value.as_str())))
                } else {
                    String::new()
                };
                (seg.key.clone(), value)
            })
            .collect(),
    )
}

pub(super) fn sent_asset(sent: &types::IAssetInput) -> String {
    match sent {
        types::IAssetInput::ExistingAssetInput(a) => format!("file:{}", a.name),
        types::IAssetInput::TextAssetInput(a) => format!("text:{}", a.text),
        types::IAssetInput::MultiAssetInput(a) => format!(
            "multi[{}]",
            a.assets
                .iter()
                .map(sent_asset)
                .collect::<Vec<_>>()
                .join(",")
        ),
        // `Unknown`, or a kind added to the documents later (its JSON, as `Unknown` holds
        // it): matches nothing listed.
        other => format!(
            "unknown-sent:{}",
            serde_json::to_value(other).unwrap_or_default()
        ),
    }
}

pub(super) fn options_key<'a>(options: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let parts: Vec<String> = options.map(|(l, v)| format!("{l}:{v}")).collect();
    format!("options[{}]", parts.join(","))
}

/// The content key of a listed datapoint (`None` when it has no segments to compare).
pub(super) fn listed_content(item: &Value) -> Option<String> {
    let segments = item.get("segments")?.as_array()?;
    Some(content_key(
        segments
            .iter()
            .map(|seg| {
                let key = seg
                    .get("key")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let value = if let Some(asset) = seg.get("asset").filter(|a| !a.is_null()) {
                    listed_asset(asset)
                } else if let Some(text) = seg.get("originalText").and_then(Value::as_str) {
                    format!("text:{text}")
                } else if let Some(options) = seg.get("options").and_then(Value::as_array) {
                    options_key(options.iter().map(|o| {
                        (
                            o.get("label").and_then(Value::as_str).unwrap_or(""),
                            o.get("value").and_then(Value::as_str).unwrap_or(""),
                        )
                    }))
                } else {
                    String::new()
                };
                (key, value)
            })
            .collect(),
    ))
}

pub(super) fn listed_asset(listed: &Value) -> String {
    let field = |name: &str| listed.get(name).and_then(Value::as_str).unwrap_or("");
    match listed.get("_t").and_then(Value::as_str) {
        Some("FileAsset") => format!("file:{}", field("fileName")),
        Some("TextAsset") => format!("text:{}", field("text")),
        Some("MultiAsset") => format!(
            "multi[{}]",
            listed
                .get("assets")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(listed_asset).collect::<Vec<_>>().join(","))
                .unwrap_or_default()
        ),
        // Matches nothing sent.
        other => format!("unknown-listed:{other:?}"),
    }
}

/// Why one URL of a batch upload failed, with the stage and upstream status when known.
pub(super) fn describe_failed_item(
    item: &types::GetBatchUploadResultEndpointUrlOutput,
    status: &types::BatchUploadUrlStatus,
) -> String {
    let mut reason = item
        .error_message
        .clone()
        .flatten()
        .unwrap_or_else(|| format!("upload {}", status.as_str().to_lowercase()));
    if let Some(stage) = item.stage.clone().flatten() {
        reason.push_str(&format!(" (stage {stage}"));
        if let Some(code) = item.upstream_http_status.flatten() {
            reason.push_str(&format!(", upstream HTTP {code}"));
        }
        reason.push(')');
    }
    reason
}
