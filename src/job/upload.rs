//! Uploading a job definition's datapoints: batch URL upload (§5.4), file uploads, and
//! exactly-once datapoint creation (§6.2, §3.4).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::api::{operations, types};
use crate::asset::DataItem;
use crate::paging::{PageCounts, Pager};
use crate::parallel::parallel_map;
use crate::request::{self, DecodeError, Method, Operation};
use crate::{Client, Error, Result};

use super::definition::{datapoint_body, DatapointSpec};
use super::errors::{FailedDatapoint, FailureStage};
use super::progress::{SharedReporter, Stage, StageReport};

/// URLs per `POST /asset/batch-upload` request.
const BATCH_SIZE: usize = 1000;
/// Pause after the first batch status poll; it doubles after every poll up to
/// [`BATCH_POLL_MAX`], so small batches are collected soon after they finish and long ones
/// are not polled more often than every 0.5 s.
const BATCH_POLL_FIRST: Duration = Duration::from_millis(50);
/// The longest pause between two batch status polls.
const BATCH_POLL_MAX: Duration = Duration::from_millis(500);
/// Attempts in total to create one datapoint.
const DATAPOINT_ATTEMPTS: u32 = 3;
/// Page size used when listing a dataset's datapoints to reconcile.
const LIST_PAGE_SIZE: i64 = 100;
/// The most datapoints a dataset listing walks through (at most 10,000 pages).
const MAX_LISTED_DATAPOINTS: u64 = 1_000_000;

/// A random UUID version 4 string (one correlation id per upload session).
pub(crate) fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    for byte in &mut b {
        *byte = fastrand::u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The uploaded assets of some datapoints: item → server file name, or why it failed.
#[derive(Debug, Default)]
pub(crate) struct Media {
    names: HashMap<DataItem, String>,
    errors: HashMap<DataItem, String>,
}

/// Uploads the assets of `todo`: URLs through the batch endpoint, files in parallel (both
/// through the client's upload cache). Needs no dataset, so it can run while the dataset
/// is created. Reports [`Stage::Assets`] (distinct media items) when there are any.
pub(crate) fn upload_media(
    client: &Client,
    todo: &[(&DatapointSpec, bool)],
    upload_timeout: Duration,
    reporter: &SharedReporter,
) -> Media {
    let mut names: HashMap<DataItem, String> = HashMap::new();
    let mut errors: HashMap<DataItem, String> = HashMap::new();

    // Distinct media, in first-seen order.
    let mut seen = HashSet::new();
    let mut urls = Vec::new();
    let mut files = Vec::new();
    for (dp, _) in todo {
        for item in dp.media() {
            if seen.insert(item.clone()) {
                match item {
                    DataItem::Url(_) => urls.push(item.clone()),
                    _ => files.push(item.clone()),
                }
            }
        }
    }

    if urls.is_empty() && files.is_empty() {
        return Media { names, errors };
    }
    let stage = reporter.start(Stage::Assets, Some((urls.len() + files.len()) as u64));

    // URLs: cached ones are reused, the others go through the batch endpoint.
    let mut to_batch = Vec::new();
    for item in &urls {
        match client.asset_cache().get(item) {
            Some(name) => {
                names.insert(item.clone(), name);
            }
            None => to_batch.push(item.clone()),
        }
    }
    stage.done((urls.len() - to_batch.len()) as u64);
    if !to_batch.is_empty() {
        let raw: Vec<String> = to_batch
            .iter()
            .map(|i| match i {
                DataItem::Url(u) => u.clone(),
                other => other.to_string(),
            })
            .collect();
        let outcome = batch_upload(client, &raw, upload_timeout, Some(&stage));
        for (item, url) in to_batch.iter().zip(&raw) {
            match outcome.get(url) {
                Some(Ok(name)) => {
                    client.asset_cache().insert(item, name.clone());
                    names.insert(item.clone(), name.clone());
                }
                Some(Err(reason)) => {
                    errors.insert(item.clone(), reason.clone());
                }
                None => {
                    errors.insert(item.clone(), "no outcome from the batch upload".into());
                }
            }
        }
    }

    // Files: in parallel, through the client's upload cache; each reported as it ends.
    if !files.is_empty() {
        let results = parallel_map(client.max_workers(), &files, |item| {
            let result = crate::asset::upload(client, item);
            match &result {
                Ok(_) => stage.done(1),
                Err(_) => stage.failed(1),
            }
            result
        });
        for (item, result) in files.iter().zip(results) {
            match result {
                Ok(Some(name)) => {
                    names.insert(item.clone(), name);
                }
                Ok(None) => {}
                Err(e) => {
                    errors.insert(item.clone(), e.to_string());
                }
            }
        }
    }

    stage.finish();
    Media { names, errors }
}

/// Creates the datapoints of `todo` in `dataset_id` from their uploaded `media`; returns
/// the datapoints that failed (their upload or their creation). The flag next to each
/// datapoint says that an earlier attempt may have created it, so its existence is checked
/// before it is sent again. Every datapoint's final outcome is reported to `stage` as it
/// is known (the caller starts and finishes it).
pub(crate) fn create_datapoints(
    client: &Client,
    dataset_id: &str,
    todo: &[(&DatapointSpec, bool)],
    media: &Media,
    stage: &StageReport,
) -> Vec<FailedDatapoint> {
    let Media { names, errors } = media;
    let mut failures = Vec::new();
    let mut ready = Vec::new();
    for &(dp, ambiguous) in todo {
        let failed: Vec<String> = dp
            .media()
            .filter_map(|item| errors.get(item).map(|r| format!("{item}: {r}")))
            .collect();
        if failed.is_empty() {
            ready.push((dp, ambiguous));
        } else {
            failures.push(FailedDatapoint {
                index: dp.index,
                items: dp.items.clone(),
                stage: FailureStage::Upload,
                reason: failed.join("; "),
                ambiguous,
            });
        }
    }
    stage.failed(failures.len() as u64);

    // Rounds: send in parallel; list the dataset once for every datapoint whose request
    // may have been processed although it failed; send again those it does not hold.
    let bodies: HashMap<usize, types::CreateDatapointEndpointInput> = ready
        .iter()
        .map(|(dp, _)| (dp.index, datapoint_body(dp, names)))
        .collect();
    let mut sends_made: HashMap<usize, u32> = HashMap::new();
    let mut to_send: Vec<&DatapointSpec> = Vec::new();
    let mut uncertain: Vec<(&DatapointSpec, String)> = Vec::new();
    // Created in this call (answered, or found in a listing): each claims one listed item
    // of its content before an uncertain one may, so duplicates are counted.
    let mut created: Vec<usize> = Vec::new();
    for &(dp, ambiguous) in &ready {
        if ambiguous {
            uncertain.push((dp, "an earlier attempt may have created it".to_owned()));
        } else {
            to_send.push(dp);
        }
    }
    for round in 0u32.. {
        if round > 0 {
            // The datapoints to send again failed a moment ago: back off as a retry would.
            std::thread::sleep(backoff(client, round));
        }
        let workers = client.max_workers();
        let outcomes = parallel_map(workers, &to_send, |dp| {
            let made = sends_made.get(&dp.index).copied().unwrap_or(0);
            let sent = send_datapoint(client, dataset_id, dp, &bodies[&dp.index], made);
            // Uncertain ones are reported once the listing tells.
            match sent.0 {
                Sent::Created => stage.done(1),
                Sent::Failed(_) => stage.failed(1),
                Sent::Uncertain(_) => {}
            }
            sent
        });
        for (dp, (outcome, made)) in to_send.iter().zip(outcomes) {
            sends_made.insert(dp.index, made);
            match outcome {
                Sent::Created => created.push(dp.index),
                Sent::Uncertain(reason) => uncertain.push((dp, reason)),
                Sent::Failed(reason) => failures.push(failed_datapoint(dp, reason, false)),
            }
        }
        to_send = Vec::new();
        if uncertain.is_empty() {
            break;
        }
        match DatasetListing::fetch(client, dataset_id) {
            Err(e) => {
                for (dp, reason) in uncertain.drain(..) {
                    let reason = format!(
                        "{reason}; could not check whether it was created nevertheless: {e}"
                    );
                    failures.push(failed_datapoint(dp, reason, true));
                    stage.failed(1);
                }
            }
            Ok(mut listing) => {
                for index in &created {
                    listing.claim(*index, &bodies[index]);
                }
                for (dp, reason) in uncertain.drain(..) {
                    if listing.claim(dp.index, &bodies[&dp.index]) {
                        created.push(dp.index);
                        stage.done(1);
                        log::debug!(
                            "datapoint {} was created although its request failed ({reason})",
                            dp.index
                        );
                    } else if sends_made.get(&dp.index).copied().unwrap_or(0) < DATAPOINT_ATTEMPTS {
                        to_send.push(dp);
                    } else {
                        failures.push(failed_datapoint(dp, reason, false));
                        stage.failed(1);
                    }
                }
            }
        }
        if to_send.is_empty() {
            break;
        }
    }
    failures.sort_by_key(|f| f.index);
    failures
}

fn failed_datapoint(dp: &DatapointSpec, reason: String, ambiguous: bool) -> FailedDatapoint {
    FailedDatapoint {
        index: dp.index,
        items: dp.items.clone(),
        stage: FailureStage::Datapoint,
        reason,
        ambiguous,
    }
}

/// Whether sending the same datapoint again may succeed.
fn worth_retrying(e: &Error) -> bool {
    match e.status() {
        Some(s) if (400..500).contains(&s) => s == 408 || s == 429,
        Some(_) => true,
        // A 2xx whose body did not decode was carried out; local errors do not go away.
        None => matches!(e, Error::Transport(_)),
    }
}

/// The pause before attempt `attempt + 1` of a datapoint: twice the client's backoff base,
/// doubling per attempt, capped at its backoff maximum.
fn backoff(client: &Client, attempt: u32) -> Duration {
    let policy = client.retry_policy();
    (policy.backoff_base() * 2)
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(policy.backoff_max())
}

/// How sending one datapoint ended.
enum Sent {
    Created,
    /// The last request failed in a way that may still have created it: the dataset must
    /// be checked before it is sent again.
    Uncertain(String),
    /// Failed, and certainly not created.
    Failed(String),
}

/// Sends one datapoint until it is created, fails for good, or fails in a way that may
/// have created it; at most [`DATAPOINT_ATTEMPTS`] requests counting the `made` ones of
/// earlier rounds. Returns the outcome and the requests made so far.
fn send_datapoint(
    client: &Client,
    dataset_id: &str,
    dp: &DatapointSpec,
    body: &types::CreateDatapointEndpointInput,
    mut made: u32,
) -> (Sent, u32) {
    let op = operations::PostDatasetByDatasetIdDatapoint::new(dataset_id, body.clone());
    loop {
        made += 1;
        let e = match client.send(&op) {
            Ok(_) => return (Sent::Created, made),
            Err(e) => e,
        };
        if e.may_have_been_processed() {
            return (Sent::Uncertain(e.to_string()), made);
        }
        if made >= DATAPOINT_ATTEMPTS || !worth_retrying(&e) {
            return (Sent::Failed(e.to_string()), made);
        }
        let delay = backoff(client, made);
        log::debug!(
            "datapoint {} failed ({e}); attempt {} of {DATAPOINT_ATTEMPTS} in {delay:?}",
            dp.index,
            made + 1
        );
        std::thread::sleep(delay);
    }
}

/// `GET /dataset/{id}/datapoints` decoded loosely, so fields the API description does
/// not list (`sortIndex`) are kept.
struct ListDatapointsRaw {
    dataset_id: String,
    page: i64,
}

impl Operation for ListDatapointsRaw {
    type Output = Value;
    const ID: &'static str = operations::GetDatasetByDatasetIdDatapoints::ID;
    const METHOD: Method = Method::Get;
    const PATH_TEMPLATE: &'static str = operations::GetDatasetByDatasetIdDatapoints::PATH_TEMPLATE;

    fn path(&self) -> String {
        format!(
            "/dataset/{}/datapoints",
            request::encode_path_segment(&self.dataset_id)
        )
    }

    fn query(&self) -> Vec<(String, String)> {
        vec![
            ("page".to_owned(), self.page.to_string()),
            ("page_size".to_owned(), LIST_PAGE_SIZE.to_string()),
        ]
    }

    fn decode(bytes: &[u8]) -> std::result::Result<Value, DecodeError> {
        request::decode_json(bytes)
    }
}

/// What a dataset holds, as far as telling whether a datapoint was created: the sort
/// indices it reports, and, only while it reports none, how many datapoints of each
/// content (its segments) it holds. The 2026.10.25 listing reports segments only, so
/// the content is what is compared there.
struct DatasetListing {
    /// Whether any item has a `sortIndex` (then only sort indices are compared).
    indexed: bool,
    sort_indexes: HashSet<u64>,
    /// Listed datapoints per content key, not yet claimed by a datapoint of ours.
    by_content: HashMap<String, usize>,
}

impl DatasetListing {
    /// Lists every page of the dataset (one pass, whatever the number of datapoints to
    /// check).
    fn fetch(client: &Client, dataset_id: &str) -> Result<DatasetListing> {
        let mut listing = DatasetListing {
            indexed: false,
            sort_indexes: HashSet::new(),
            by_content: HashMap::new(),
        };
        let mut pager = Pager::new("datapoints", LIST_PAGE_SIZE, MAX_LISTED_DATAPOINTS);
        loop {
            let out = client.send(&ListDatapointsRaw {
                dataset_id: dataset_id.to_owned(),
                page: pager.page(),
            })?;
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
    /// claimed yet (so two datapoints with the same content need two listed items).
    fn claim(&mut self, index: usize, body: &types::CreateDatapointEndpointInput) -> bool {
        if self.indexed {
            return self.sort_indexes.contains(&(index as u64));
        }
        match self.by_content.get_mut(&sent_content(body)) {
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
fn content_key(mut parts: Vec<(String, String)>) -> String {
    parts.sort();
    parts
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

fn sent_content(body: &types::CreateDatapointEndpointInput) -> String {
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

fn sent_asset(sent: &types::IAssetInput) -> String {
    match sent {
        types::IAssetInput::ExistingAssetInput { name, .. } => format!("file:{name}"),
        types::IAssetInput::TextAssetInput { text, .. } => format!("text:{text}"),
        types::IAssetInput::MultiAssetInput { assets, .. } => format!(
            "multi[{}]",
            assets.iter().map(sent_asset).collect::<Vec<_>>().join(",")
        ),
        // `Unknown`, or a kind added to the documents later (its JSON, as `Unknown` holds
        // it): matches nothing listed.
        other => format!(
            "unknown-sent:{}",
            serde_json::to_value(other).unwrap_or_default()
        ),
    }
}

fn options_key<'a>(options: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let parts: Vec<String> = options.map(|(l, v)| format!("{l}:{v}")).collect();
    format!("options[{}]", parts.join(","))
}

/// The content key of a listed datapoint (`None` when it has no segments to compare).
fn listed_content(item: &Value) -> Option<String> {
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

fn listed_asset(listed: &Value) -> String {
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

/// Uploads `urls` through the batch endpoint; each URL's outcome is reported to `stage` as
/// its batch is collected.
pub(crate) fn batch_upload(
    client: &Client,
    urls: &[String],
    timeout: Duration,
    stage: Option<&StageReport>,
) -> HashMap<String, std::result::Result<String, String>> {
    // Reports the outcomes of `urls` (each of ours once: only the URLs asked for count).
    let tally = |urls: &[String],
                 results: &HashMap<String, std::result::Result<String, String>>| {
        if let Some(stage) = stage {
            let ok = urls
                .iter()
                .filter(|u| matches!(results.get(*u), Some(Ok(_))))
                .count();
            stage.done(ok as u64);
            stage.failed((urls.len() - ok) as u64);
        }
    };
    let start = Instant::now();
    let correlation_id = uuid_v4();
    let mut outcome: HashMap<String, std::result::Result<String, String>> = HashMap::new();
    // batch id → its URLs, for the batches still to collect.
    let mut open: Vec<(String, Vec<String>)> = Vec::new();
    let chunks: Vec<&[String]> = urls.chunks(BATCH_SIZE).collect();
    // The batches are created (and later collected) in parallel, not one after the other.
    let created = parallel_map(client.max_workers(), &chunks, |chunk| {
        let body = types::CreateBatchUploadEndpointInput {
            correlation_id: Some(Some(correlation_id.clone())),
            ..types::CreateBatchUploadEndpointInput::new(chunk.to_vec())
        };
        // Repeating a batch whose answer was lost at worst ingests its URLs twice; the
        // results are read from the batch id that came back.
        client.send_with(
            &operations::PostAssetBatchUpload::new(body),
            crate::SendOptions::new().retry_mode(crate::RetryMode::Always),
        )
    });
    for (chunk, result) in chunks.iter().zip(created) {
        match result {
            Ok(out) => open.push((out.batch_upload_id, chunk.to_vec())),
            Err(e) => {
                for url in chunk.iter() {
                    outcome.insert(
                        url.clone(),
                        Err(format!("batch upload request failed: {e}")),
                    );
                }
                tally(chunk, &outcome);
            }
        }
    }
    // One finished batch's outcome per URL.
    let collect = |(id, batch_urls): &(String, Vec<String>)| {
        let mut out: HashMap<String, std::result::Result<String, String>> = HashMap::new();
        match client.send(&operations::GetAssetBatchUploadByBatchUploadId::new(id)) {
            Ok(res) => {
                for item in res.items {
                    let result = match (&item.status, item.file_name.clone().flatten()) {
                        (types::BatchUploadUrlStatus::Completed, Some(name)) => {
                            for w in &item.warnings {
                                log::warn!("upload of {}: {w}", item.url);
                            }
                            Ok(name)
                        }
                        (status, _) => Err(describe_failed_item(&item, status)),
                    };
                    out.insert(item.url.clone(), result);
                }
                for url in batch_urls {
                    out.entry(url.clone())
                        .or_insert_with(|| Err("missing from the batch upload result".into()));
                }
            }
            Err(e) => {
                for url in batch_urls {
                    out.insert(
                        url.clone(),
                        Err(format!("could not read the batch upload result: {e}")),
                    );
                }
            }
        }
        tally(batch_urls, &out);
        out
    };
    let fail_open = |open: &mut Vec<(String, Vec<String>)>,
                     outcome: &mut HashMap<String, std::result::Result<String, String>>,
                     reason: &str| {
        for (_, batch_urls) in open.drain(..) {
            for url in &batch_urls {
                outcome.insert(url.clone(), Err(reason.to_owned()));
            }
            tally(&batch_urls, outcome);
        }
    };
    let mut pause = BATCH_POLL_FIRST;
    while !open.is_empty() {
        let mut status_op = operations::GetAssetBatchUploadStatus::new();
        status_op.correlation_id = Some(correlation_id.clone());
        let status = match client.send(&status_op) {
            Ok(s) => s,
            Err(e) => {
                let reason = format!("could not poll the batch upload status: {e}");
                fail_open(&mut open, &mut outcome, &reason);
                break;
            }
        };
        let finished = matches!(
            status.status,
            types::BatchUploadStatus::Completed | types::BatchUploadStatus::Aborted
        );
        let (done, still_open): (Vec<_>, Vec<_>) = open
            .drain(..)
            .partition(|(id, _)| finished || status.completed_batches.contains(id));
        for results in parallel_map(client.max_workers(), &done, collect) {
            outcome.extend(results);
        }
        open = still_open;
        if open.is_empty() {
            break;
        }
        let waited = start.elapsed();
        if waited >= timeout {
            for (id, _) in &open {
                if let Err(e) = client.send(
                    &operations::PostAssetBatchUploadByBatchUploadIdAbort::new(id),
                ) {
                    log::warn!("could not abort batch upload {id}: {e}");
                }
            }
            let reason = format!(
                "the batch upload did not finish within {:.1} s",
                timeout.as_secs_f64()
            );
            fail_open(&mut open, &mut outcome, &reason);
            break;
        }
        std::thread::sleep(pause.min(timeout - waited));
        pause = (pause * 2).min(BATCH_POLL_MAX);
    }
    outcome
}

fn describe_failed_item(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let a = uuid_v4();
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
        assert_ne!(a, uuid_v4());
    }

    #[test]
    fn content_match_compares_segments_and_counts_duplicates() {
        let names: HashMap<DataItem, String> =
            HashMap::from([(DataItem::url("https://e.com/a.png"), "a.png".to_owned())]);
        let dp = DatapointSpec {
            index: 0,
            items: vec![DataItem::url("https://e.com/a.png"), DataItem::text("t")],
            context: Some("c".into()),
            media_context: None,
            answer_options: None,
            private_metadata: None,
            group: None,
            sentence: None,
        };
        let body = datapoint_body(&dp, &names);
        let listed = serde_json::json!({"id": "d1", "datasetId": "ds", "segments": [
            {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAsset", "assets": [
                {"_t": "FileAsset", "fileName": "a.png"}, {"_t": "TextAsset", "text": "t"}]}},
            {"key": "context", "kind": "Text", "originalText": "c", "englishText": null}]});
        assert_eq!(listed_content(&listed).unwrap(), sent_content(&body));
        let other = serde_json::json!({"segments": [listed["segments"][0].clone()]});
        assert_ne!(listed_content(&other).unwrap(), sent_content(&body));

        // Without sort indices, the listing is searched by content, one listed item per
        // datapoint: a second datapoint of the same content is not there.
        let mut unindexed = DatasetListing {
            indexed: false,
            sort_indexes: HashSet::new(),
            by_content: HashMap::from([(listed_content(&listed).unwrap(), 1)]),
        };
        assert!(unindexed.claim(0, &body));
        assert!(!unindexed.claim(1, &body));
        // Once the server reports any sort index, only sort indices count.
        let mut indexed = DatasetListing {
            indexed: true,
            sort_indexes: HashSet::from([1]),
            by_content: HashMap::new(),
        };
        assert!(!indexed.claim(0, &body));
        assert!(indexed.claim(1, &body));
    }

    #[test]
    fn answer_options_are_part_of_the_content() {
        let names = HashMap::from([(DataItem::url("https://e.com/a.png"), "a.png".to_owned())]);
        let mut dp = DatapointSpec {
            index: 0,
            items: vec![DataItem::url("https://e.com/a.png")],
            context: None,
            media_context: None,
            answer_options: Some(vec!["cat".into(), "dog".into()]),
            private_metadata: None,
            group: None,
            sentence: None,
        };
        let two = sent_content(&datapoint_body(&dp, &names));
        dp.answer_options = Some(vec!["cat".into(), "dog".into(), "bird".into()]);
        let three = sent_content(&datapoint_body(&dp, &names));
        assert_ne!(two, three);
        let listed = serde_json::json!({"segments": [
            {"key": "asset", "kind": "Asset", "asset": {"_t": "FileAsset", "fileName": "a.png"}},
            {"key": "answer_options", "kind": "OptionList", "options": [
                {"label": "cat", "value": "cat"}, {"label": "dog", "value": "dog"}]}]});
        assert_eq!(listed_content(&listed).unwrap(), two);
    }
}
