//! URL assets uploaded in batches: `POST /asset/url/batch` and the polling of its status.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crate::api::{operations, types};
use crate::asset::DataItem;
use crate::flow::parallel::TaskQueue;

use super::pipeline::{Named, OpenBatch, Pipeline, Task};

use super::listing::describe_failed_item;
use super::tuning::{
    BATCH_POLL_DIVISOR, BATCH_POLL_FIRST, BATCH_POLL_MAX, BATCH_POLL_MIN, LANE_CONTROL,
};

impl<'a> Pipeline<'a> {
    pub(super) fn create_batch(&self, k: usize, queue: &TaskQueue<Task>) {
        if self.is_stopped() {
            return;
        }
        let chunk = self.chunk(k);
        let urls = chunk
            .iter()
            .map(|&m| self.media[m as usize].raw().into_owned())
            .collect();
        let body = types::CreateBatchUploadEndpointInput {
            correlation_id: Some(Some(self.correlation_id.clone())),
            ..types::CreateBatchUploadEndpointInput::new(urls)
        };
        // Repeating a batch whose answer was lost at worst ingests its URLs twice; the
        // results are read from the batch id that came back.
        let sent = self.client.send_with(
            &operations::PostAssetBatchUpload::new(body),
            crate::SendOptions::new().retry_mode(crate::RetryMode::Always),
        );
        match sent {
            Ok(out) => {
                let mut state = self.lock();
                state.open.push(OpenBatch {
                    id: out.batch_upload_id,
                    chunk: k,
                    created: Instant::now(),
                });
                if !state.polling {
                    state.polling = true;
                    drop(state);
                    queue.push_at(Instant::now() + BATCH_POLL_FIRST, LANE_CONTROL, Task::Poll);
                }
            }
            Err(e) => {
                let reason = format!("batch upload request failed: {e}");
                self.fail_chunk(k, &reason, queue);
            }
        }
    }

    pub(super) fn fail_chunk(&self, k: usize, reason: &str, queue: &TaskQueue<Task>) {
        let outcomes = self.chunk(k).iter().map(|&m| (m, Err(reason.to_owned())));
        let ready = self.resolve(outcomes, false);
        self.queue_datapoints(ready, queue);
    }

    /// One status poll for every open batch: queues the next poll first (so polls overlap
    /// when the pause is shorter than a round trip, and a quick batch is seen within a
    /// pause of its end rather than a round trip), then the results of the batches the
    /// answer lists as done. At the upload timeout, aborts the open batches instead.
    pub(super) fn poll(&self, queue: &TaskQueue<Task>) {
        let mut state = self.lock();
        let oldest = state.open.iter().map(|b| b.created).min();
        let Some(oldest) = oldest.filter(|_| !self.is_stopped()) else {
            // Nothing open: the next batch created starts polling again.
            state.polling = false;
            return;
        };
        let now = Instant::now();
        let deadline = self.started + self.upload_timeout;
        if now >= deadline {
            let open = std::mem::take(&mut state.open);
            state.polling = false;
            drop(state);
            let reason = format!(
                "the batch upload did not finish within {:.1} s",
                self.upload_timeout.as_secs_f64()
            );
            for batch in open {
                let abort = operations::PostAssetBatchUploadByBatchUploadIdAbort::new(&batch.id);
                if let Err(e) = self.client.send(&abort) {
                    log::warn!("could not abort batch upload {}: {e}", batch.id);
                }
                self.fail_chunk(batch.chunk, &reason, queue);
            }
            return;
        }
        // Only batches created before the poll is sent can be judged by its answer.
        let asked: HashSet<String> = state.open.iter().map(|b| b.id.clone()).collect();
        drop(state);
        let pause = (now.saturating_duration_since(oldest) / BATCH_POLL_DIVISOR)
            .clamp(BATCH_POLL_MIN, BATCH_POLL_MAX);
        queue.push_at((now + pause).min(deadline), LANE_CONTROL, Task::Poll);

        let mut status_op = operations::GetAssetBatchUploadStatus::new();
        status_op.correlation_id = Some(self.correlation_id.clone());
        let status = match self.client.send(&status_op) {
            Ok(status) => status,
            Err(e) => {
                // The next poll finds nothing open and ends the polling.
                let open = std::mem::take(&mut self.lock().open);
                let reason = format!("could not poll the batch upload status: {e}");
                for batch in open {
                    self.fail_chunk(batch.chunk, &reason, queue);
                }
                return;
            }
        };
        let finished = matches!(
            status.status,
            types::BatchUploadStatus::Completed | types::BatchUploadStatus::Aborted
        );
        let mut state = self.lock();
        let (done, open): (Vec<_>, Vec<_>) =
            std::mem::take(&mut state.open).into_iter().partition(|b| {
                asked.contains(&b.id) && (finished || status.completed_batches.contains(&b.id))
            });
        state.open = open;
        state.to_collect.extend(done);
        if !state.collecting {
            if let Some(next) = state.to_collect.pop_front() {
                state.collecting = true;
                queue.push(LANE_CONTROL, Task::Collect(next));
            }
        }
    }

    /// Reads a finished batch's result: each URL's file name (cached) or why it failed.
    pub(super) fn collect(&self, batch: OpenBatch, queue: &TaskQueue<Task>) {
        let chunk = self.chunk(batch.chunk);
        let op = operations::GetAssetBatchUploadByBatchUploadId::new(&batch.id);
        let outcomes: Vec<(u32, Named)> = match self.client.send(&op) {
            Ok(res) => {
                let by_url: HashMap<&str, u32> = chunk
                    .iter()
                    .filter_map(|&m| match self.media[m as usize] {
                        DataItem::Url(url) => Some((url.as_str(), m)),
                        _ => None,
                    })
                    .collect();
                let mut outcomes = Vec::with_capacity(chunk.len());
                for item in &res.items {
                    let Some(&m) = by_url.get(item.url.as_str()) else {
                        continue;
                    };
                    let outcome = match (&item.status, item.file_name.clone().flatten()) {
                        (types::BatchUploadUrlStatus::Completed, Some(name)) => {
                            for w in &item.warnings {
                                log::warn!("upload of {}: {w}", item.url);
                            }
                            Ok(name.into())
                        }
                        (status, _) => Err(describe_failed_item(item, status)),
                    };
                    outcomes.push((m, outcome));
                }
                // Those the result leaves out (listed ones resolve first, so these are
                // only the missing).
                outcomes.extend(
                    chunk
                        .iter()
                        .map(|&m| (m, Err("missing from the batch upload result".to_owned()))),
                );
                outcomes
            }
            Err(e) => {
                let reason = format!("could not read the batch upload result: {e}");
                chunk.iter().map(|&m| (m, Err(reason.clone()))).collect()
            }
        };
        let ready = self.resolve(outcomes, true);
        self.queue_datapoints(ready, queue);
    }
}
