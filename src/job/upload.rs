//! Uploading a job definition's datapoints as one pipeline: URL assets through the batch
//! endpoint (`POST /asset/url/batch`), files one by one (`POST /asset/file`), and each
//! datapoint created (`POST /dataset/{id}/datapoint`) as soon as
//! its own assets exist, while the dataset is created and other requests run alongside;
//! everything on at most `max_workers` threads. A datapoint whose creation failed in a way
//! that may still have created it is looked up in a listing of the dataset before it is
//! sent again, so each is created exactly once (see `src/reconcile.rs`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::api::{operations, types};
use crate::asset::DataItem;
use crate::paging::{PageCounts, Pager};
use crate::parallel::{parallel_map, run_queue, TaskQueue};
use crate::request::{self, DecodeError, Decoder, WithDecoder};
use crate::sync::lock;
use crate::{Client, Error, Result};

use super::datapoint::{datapoint_body, AssetNames, DatapointSpec};
use super::progress::{SharedReporter, Stage, StageReport};
use crate::error::{FailedDatapoint, FailureStage};

/// URLs per `POST /asset/batch-upload` request.
const BATCH_SIZE: usize = 1000;
/// The pause between a batch's creation and the first status poll.
const BATCH_POLL_FIRST: Duration = Duration::from_millis(20);
/// The shortest pause between two batch status polls.
const BATCH_POLL_MIN: Duration = Duration::from_millis(10);
/// The longest pause between two batch status polls.
const BATCH_POLL_MAX: Duration = Duration::from_millis(500);
/// Between two polls, the wait is this fraction (1 / n) of how long the oldest open batch
/// has taken so far: a batch is seen done at most about a sixth of its own duration after
/// it finished, and the number of polls grows with the logarithm of the duration (about
/// 8 for 0.1 s, 30 for 5 s, then one every [`BATCH_POLL_MAX`]). Quick batches are seen
/// quickly, slow ones cost few requests.
const BATCH_POLL_DIVISOR: u32 = 6;
/// Batch creations in flight at once (each one's body holds its URLs once more): the
/// first batches start at once, the others as those are created, long before the
/// datapoints of the first ones are done.
const BATCHES_IN_FLIGHT: usize = 2;
/// Attempts in total to create one datapoint.
const DATAPOINT_ATTEMPTS: u32 = 3;
/// Page size used when listing a dataset's datapoints to reconcile.
const LIST_PAGE_SIZE: i64 = 100;
/// The most datapoints a dataset listing walks through (at most 10,000 pages).
const MAX_LISTED_DATAPOINTS: u64 = 1_000_000;

/// The pipeline's queue lanes, the lower served first: what everything else waits for
/// (the dataset, batch creation, polls and results, the listing run alongside), then
/// datapoints whose assets exist; file uploads are drawn when both lanes are empty.
const LANE_CONTROL: usize = 0;
const LANE_DATAPOINT: usize = 1;
const LANES: usize = 2;
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

/// Creates the dataset and returns its id.
pub(crate) type CreateDataset<'a> = Box<dyn FnOnce() -> Result<String> + Send + 'a>;
/// A request run alongside the uploads (its result goes where the closure puts it).
pub(crate) type Alongside<'a> = Box<dyn FnOnce() + Send + 'a>;

/// The dataset the datapoints go into.
pub(crate) enum Dataset<'a> {
    /// An existing dataset (a retry into the same dataset).
    Existing(&'a str),
    /// Created by the pipeline's first task, while the assets upload; datapoints whose
    /// assets are ready wait for it. Its error ends the upload once the requests already
    /// under way have ended.
    Create(CreateDataset<'a>),
}

/// What uploading a definition's datapoints came to.
pub(crate) struct Uploaded {
    pub(crate) dataset_id: String,
    /// The datapoints that failed (their upload or their creation), by index.
    pub(crate) failures: Vec<FailedDatapoint>,
}

/// Uploads the assets of `todo` and creates its datapoints in `dataset`, as one pipeline
/// on at most `client.max_workers()` threads, with `alongside` (if any) run on one of them
/// early on. The flag next to each datapoint says that an earlier attempt may have created
/// it, so its existence is checked before it is sent again. Reports [`Stage::Assets`]
/// (distinct media, when there are any) and [`Stage::Datapoints`], each item as it ends.
pub(crate) fn upload_datapoints<'a>(
    client: &'a Client,
    dataset: Dataset<'a>,
    todo: &'a [(&'a DatapointSpec, bool)],
    upload_timeout: Duration,
    reporter: &SharedReporter,
    alongside: Option<Alongside<'a>>,
) -> Result<Uploaded> {
    let (pipeline, ready) = Pipeline::new(client, dataset, todo, upload_timeout, reporter);
    let pipeline = pipeline.with_alongside(alongside);
    let mut initial: Vec<(usize, Task)> = Vec::new();
    if pipeline.dataset_id.get().is_none() {
        initial.push((LANE_CONTROL, Task::Dataset));
    }
    let batches = pipeline.chunks().count().min(BATCHES_IN_FLIGHT);
    pipeline.next_chunk.store(batches, Ordering::Relaxed);
    initial.extend((0..batches).map(|k| (LANE_CONTROL, Task::CreateBatch(k))));
    if pipeline.lock_alongside().is_some() {
        initial.push((LANE_CONTROL, Task::Alongside));
    }
    initial.extend(
        ready
            .into_iter()
            .map(|pos| (LANE_DATAPOINT, Task::datapoint(pos))),
    );
    // Every task is one request at most: more threads than tasks would only wait.
    let tasks = initial.len() + pipeline.files.len() + todo.len();
    let workers = client.max_workers().max(1).min(tasks.max(1));
    run_queue(
        workers,
        LANES,
        initial,
        || pipeline.next_file(),
        |task, queue| pipeline.run(task, queue),
    );
    pipeline.finish()
}

/// One request-sized piece of the pipeline.
enum Task {
    /// `POST /dataset`.
    Dataset,
    /// The caller's request run alongside the uploads.
    Alongside,
    /// `POST /asset/batch-upload` of URL chunk `k`.
    CreateBatch(usize),
    /// `GET /asset/batch-upload/status` for every open batch.
    Poll,
    /// `GET /asset/batch-upload/{id}` of a batch the status lists as done.
    Collect(OpenBatch),
    /// `POST /asset/file` (or the cache) of one medium.
    File(u32),
    /// `POST /dataset/{id}/datapoint` of `todo[pos]`, after `made` earlier attempts.
    Datapoint { pos: u32, made: u32 },
}

impl Task {
    fn datapoint(pos: u32) -> Task {
        Task::Datapoint { pos, made: 0 }
    }
}

/// A batch created and not collected yet.
struct OpenBatch {
    id: String,
    chunk: usize,
    created: Instant,
}

/// A datapoint whose creation may have been carried out although its request failed.
struct Uncertain {
    pos: u32,
    reason: String,
    /// Requests made for it so far.
    made: u32,
}

/// A medium's server file name (shared with the client's upload cache), or why it could
/// not be uploaded.
type Named = std::result::Result<Arc<str>, String>;

/// The shared state of one pipeline run. Per datapoint it holds a few counters (its
/// position in lists, the media it still waits for), per distinct medium a reference to
/// the caller's item, its server name once known, and the datapoints waiting for it;
/// request bodies are built when they are sent.
struct Pipeline<'a> {
    client: &'a Client,
    todo: &'a [(&'a DatapointSpec, bool)],
    /// Distinct media, in first-seen order, and their names once known.
    media: Vec<&'a DataItem>,
    names: Vec<OnceLock<Named>>,
    /// The media of datapoint `pos` (positions in `media`, in `DatapointSpec::media`
    /// order): `occurrences[media_start[pos]..media_start[pos + 1]]`.
    media_start: Vec<u32>,
    occurrences: Vec<u32>,
    /// The datapoints (positions in `todo`) waiting for medium `m`:
    /// `waiters[waiter_start[m]..waiter_start[m + 1]]`.
    waiter_start: Vec<u32>,
    waiters: Vec<u32>,
    /// Media to upload through the batch endpoint, in chunks of [`BATCH_SIZE`].
    urls: Vec<u32>,
    /// The next URL chunk to create a batch of.
    next_chunk: AtomicUsize,
    /// Media to upload as files, and the next one to start.
    files: Vec<u32>,
    next_file: AtomicUsize,
    create_dataset: Mutex<Option<CreateDataset<'a>>>,
    alongside: Mutex<Option<Alongside<'a>>>,
    dataset_id: OnceLock<String>,
    /// Set when the dataset could not be created: nothing more is started.
    stopped: AtomicBool,
    state: Mutex<State>,
    assets: Option<StageReport>,
    datapoints: StageReport,
    correlation_id: String,
    started: Instant,
    upload_timeout: Duration,
}

/// What changes while the pipeline runs.
struct State {
    /// Per datapoint: media not resolved yet.
    pending: Vec<u32>,
    /// Datapoints whose media are resolved, waiting for the dataset.
    parked: Vec<u32>,
    /// Media not resolved yet (the assets stage ends at 0).
    media_left: usize,
    open: Vec<OpenBatch>,
    /// Finished batches whose results are still to read, one at a time: a result holds
    /// every URL of its batch decoded, so reading all of them at once would hold every URL
    /// of the definition again.
    to_collect: std::collections::VecDeque<OpenBatch>,
    collecting: bool,
    /// Whether a status poll is queued or running.
    polling: bool,
    created: Vec<u32>,
    uncertain: Vec<Uncertain>,
    failures: Vec<FailedDatapoint>,
    dataset_error: Option<Error>,
}

/// The file names of one datapoint's media, for [`datapoint_body`].
struct PipelineNames<'p, 'a> {
    pipeline: &'p Pipeline<'a>,
    pos: u32,
}

impl AssetNames for PipelineNames<'_, '_> {
    fn name_of(&self, item: &DataItem) -> Option<String> {
        let m = self.pipeline.medium_of(self.pos, item)?;
        self.pipeline.names[m as usize]
            .get()?
            .as_ref()
            .ok()
            .map(|name| name.to_string())
    }
}

impl<'a> Pipeline<'a> {
    /// The pipeline for `todo`, and the datapoints ready at once (no media to wait for,
    /// or only cached ones) when the dataset exists already.
    fn new(
        client: &'a Client,
        dataset: Dataset<'a>,
        todo: &'a [(&'a DatapointSpec, bool)],
        upload_timeout: Duration,
        reporter: &SharedReporter,
    ) -> (Pipeline<'a>, Vec<u32>) {
        // Sized for every occurrence up front: growing a table holds the old one and the
        // new one at once, which is most of a table's peak.
        let occurrences: usize = todo.iter().map(|(dp, _)| dp.media().count()).sum();
        let mut index: HashMap<&DataItem, u32> = HashMap::with_capacity(occurrences);
        let mut media: Vec<&DataItem> = Vec::with_capacity(occurrences);
        let mut waiting: Vec<u32> = Vec::with_capacity(occurrences);
        let mut media_start = Vec::with_capacity(todo.len() + 1);
        let mut occurrence_list = Vec::with_capacity(occurrences);
        for (dp, _) in todo {
            media_start.push(occurrence_list.len() as u32);
            for item in dp.media() {
                let m = *index.entry(item).or_insert_with(|| {
                    media.push(item);
                    waiting.push(0);
                    (media.len() - 1) as u32
                });
                waiting[m as usize] += 1;
                occurrence_list.push(m);
            }
        }
        media_start.push(occurrence_list.len() as u32);
        // Only needed to find the distinct media: the datapoints' own lists say the rest.
        drop(index);
        // The waiting lists, one after the other (each datapoint once per occurrence).
        let mut waiter_start = Vec::with_capacity(media.len() + 1);
        let mut sum = 0u32;
        for n in &waiting {
            waiter_start.push(sum);
            sum += n;
        }
        waiter_start.push(sum);
        let mut waiters = vec![0u32; sum as usize];
        let mut fill: Vec<u32> = waiter_start[..media.len()].to_vec();
        let mut pending = Vec::with_capacity(todo.len());
        for pos in 0..todo.len() {
            let own = &occurrence_list[media_start[pos] as usize..media_start[pos + 1] as usize];
            for &m in own {
                let m = m as usize;
                waiters[fill[m] as usize] = pos as u32;
                fill[m] += 1;
            }
            pending.push(own.len() as u32);
        }
        drop((fill, waiting));

        let assets =
            (!media.is_empty()).then(|| reporter.start(Stage::Assets, Some(media.len() as u64)));
        let datapoints = reporter.start(Stage::Datapoints, Some(todo.len() as u64));
        let names: Vec<OnceLock<Named>> = media.iter().map(|_| OnceLock::new()).collect();
        let (mut urls, mut files) = (Vec::new(), Vec::new());
        let mut cached = Vec::new();
        for (m, item) in media.iter().enumerate() {
            match item {
                // Cached URLs are reused, the others go through the batch endpoint.
                DataItem::Url(_) => match client.asset_cache().get(item) {
                    Some(name) => cached.push((m as u32, Ok(name))),
                    None => urls.push(m as u32),
                },
                // Files go through the cache one by one (it is keyed by file identity).
                _ => files.push(m as u32),
            }
        }
        client.asset_cache().reserve(urls.len() + files.len());
        let (create_dataset, dataset_id) = match dataset {
            Dataset::Existing(id) => (None, OnceLock::from(id.to_owned())),
            Dataset::Create(create) => (Some(create), OnceLock::new()),
        };
        let pipeline = Pipeline {
            client,
            todo,
            state: Mutex::new(State {
                pending,
                parked: Vec::new(),
                media_left: media.len(),
                open: Vec::new(),
                to_collect: Default::default(),
                collecting: false,
                polling: false,
                created: Vec::new(),
                uncertain: Vec::new(),
                failures: Vec::new(),
                dataset_error: None,
            }),
            media,
            names,
            media_start,
            occurrences: occurrence_list,
            waiter_start,
            waiters,
            urls,
            files,
            next_chunk: AtomicUsize::new(0),
            next_file: AtomicUsize::new(0),
            create_dataset: Mutex::new(create_dataset),
            alongside: Mutex::new(None),
            dataset_id,
            stopped: AtomicBool::new(false),
            assets,
            datapoints,
            correlation_id: uuid_v4(),
            started: Instant::now(),
            upload_timeout,
        };
        let mut ready = pipeline.resolve(cached, false);
        {
            // Datapoints without media are ready from the start.
            let state = pipeline.lock();
            ready.extend((0..todo.len() as u32).filter(|&pos| {
                state.pending[pos as usize] == 0 && todo[pos as usize].0.media().next().is_none()
            }));
        }
        let ready = pipeline.dispatch(ready);
        (pipeline, ready)
    }

    fn with_alongside(self, alongside: Option<Alongside<'a>>) -> Self {
        *self.lock_alongside() = alongside;
        self
    }

    /// The positions in `media` of datapoint `pos`'s media.
    fn media_of(&self, pos: u32) -> &[u32] {
        let pos = pos as usize;
        &self.occurrences[self.media_start[pos] as usize..self.media_start[pos + 1] as usize]
    }

    /// The position in `media` of `item`, one of datapoint `pos`'s media (the same
    /// reference, or an equal item).
    fn medium_of(&self, pos: u32, item: &DataItem) -> Option<u32> {
        let own = || self.todo[pos as usize].0.media().zip(self.media_of(pos));
        own()
            .find(|(i, _)| std::ptr::eq(*i, item))
            .or_else(|| own().find(|(i, _)| *i == item))
            .map(|(_, &m)| m)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn lock_alongside(&self) -> MutexGuard<'_, Option<Alongside<'a>>> {
        lock(&self.alongside)
    }

    fn chunks(&self) -> std::slice::Chunks<'_, u32> {
        self.urls.chunks(BATCH_SIZE)
    }

    fn chunk(&self, k: usize) -> &[u32] {
        self.chunks().nth(k).unwrap_or(&[])
    }

    fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// The next file upload, when nothing else is queued.
    fn next_file(&self) -> Option<Task> {
        if self.is_stopped() {
            return None;
        }
        let i = self.next_file.fetch_add(1, Ordering::Relaxed);
        match self.files.get(i) {
            Some(&m) => Some(Task::File(m)),
            None => {
                // Stay at the end (no wrap-around however often it is asked).
                self.next_file.store(self.files.len(), Ordering::Relaxed);
                None
            }
        }
    }

    /// Records the outcome of media (`cache`: also in the client's upload cache) and
    /// returns the datapoints that now have all theirs.
    fn resolve(&self, outcomes: impl IntoIterator<Item = (u32, Named)>, cache: bool) -> Vec<u32> {
        let mut resolved = Vec::new();
        let (mut ok, mut failed) = (0, 0);
        for (m, outcome) in outcomes {
            // A medium resolves once (a URL listed twice in a result counts once).
            if self.names[m as usize].set(outcome).is_err() {
                continue;
            }
            match self.names[m as usize].get() {
                Some(Ok(name)) => {
                    if cache {
                        self.client
                            .asset_cache()
                            .insert(self.media[m as usize], name.clone());
                    }
                    ok += 1;
                }
                _ => failed += 1,
            }
            resolved.push(m);
        }
        let mut ready = Vec::new();
        let mut state = self.lock();
        for &m in &resolved {
            let m = m as usize;
            for &pos in
                &self.waiters[self.waiter_start[m] as usize..self.waiter_start[m + 1] as usize]
            {
                let pending = &mut state.pending[pos as usize];
                *pending -= 1;
                if *pending == 0 {
                    ready.push(pos);
                }
            }
        }
        state.media_left -= resolved.len();
        let all_resolved = state.media_left == 0;
        drop(state);
        if let Some(assets) = &self.assets {
            assets.done(ok);
            assets.failed(failed);
            if all_resolved {
                assets.finish();
            }
        }
        ready
    }

    /// Of `ready` datapoints, those to queue now: all once the dataset exists; until then
    /// they are parked and queued by the dataset's task.
    fn dispatch(&self, ready: Vec<u32>) -> Vec<u32> {
        if ready.is_empty() {
            return ready;
        }
        let mut state = self.lock();
        // Checked under the lock the dataset's task takes to unpark: none is left behind.
        if self.dataset_id.get().is_some() {
            return ready;
        }
        state.parked.extend(ready);
        Vec::new()
    }

    fn queue_datapoints(&self, ready: Vec<u32>, queue: &TaskQueue<Task>) {
        for pos in self.dispatch(ready) {
            queue.push(LANE_DATAPOINT, Task::datapoint(pos));
        }
    }

    fn run(&self, task: Task, queue: &TaskQueue<Task>) {
        match task {
            Task::Dataset => self.create_dataset(queue),
            Task::Alongside => {
                let alongside = self.lock_alongside().take();
                if let Some(run) = alongside {
                    run();
                }
            }
            Task::CreateBatch(k) => {
                self.create_batch(k, queue);
                let next = self.next_chunk.fetch_add(1, Ordering::Relaxed);
                if next < self.chunks().count() {
                    queue.push(LANE_CONTROL, Task::CreateBatch(next));
                }
            }
            Task::Poll => self.poll(queue),
            Task::Collect(batch) => {
                self.collect(batch, queue);
                let mut state = self.lock();
                match state.to_collect.pop_front() {
                    Some(next) => queue.push(LANE_CONTROL, Task::Collect(next)),
                    None => state.collecting = false,
                }
            }
            Task::File(m) => {
                let outcome = match crate::asset::upload_shared(self.client, self.media[m as usize])
                {
                    Ok(Some(name)) => Ok(name),
                    Ok(None) => Err("a text is not uploaded".to_owned()),
                    Err(e) => Err(e.to_string()),
                };
                // The upload cache has it already.
                let ready = self.resolve([(m, outcome)], false);
                self.queue_datapoints(ready, queue);
            }
            Task::Datapoint { pos, made } => self.send_datapoint(pos, made, queue),
        }
    }

    fn create_dataset(&self, queue: &TaskQueue<Task>) {
        let create = lock(&self.create_dataset).take();
        let Some(create) = create else { return };
        match create() {
            Ok(id) => {
                let _ = self.dataset_id.set(id);
                let parked = std::mem::take(&mut self.lock().parked);
                for pos in parked {
                    queue.push(LANE_DATAPOINT, Task::datapoint(pos));
                }
            }
            Err(e) => {
                self.stopped.store(true, Ordering::SeqCst);
                self.lock().dataset_error = Some(e);
            }
        }
    }

    fn create_batch(&self, k: usize, queue: &TaskQueue<Task>) {
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

    fn fail_chunk(&self, k: usize, reason: &str, queue: &TaskQueue<Task>) {
        let outcomes = self.chunk(k).iter().map(|&m| (m, Err(reason.to_owned())));
        let ready = self.resolve(outcomes, false);
        self.queue_datapoints(ready, queue);
    }

    /// One status poll for every open batch: queues the next poll first (so polls overlap
    /// when the pause is shorter than a round trip, and a quick batch is seen within a
    /// pause of its end rather than a round trip), then the results of the batches the
    /// answer lists as done. At the upload timeout, aborts the open batches instead.
    fn poll(&self, queue: &TaskQueue<Task>) {
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
    fn collect(&self, batch: OpenBatch, queue: &TaskQueue<Task>) {
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

    /// Why a datapoint whose media are resolved cannot be created: its failed uploads.
    fn failed_media(&self, pos: u32) -> Option<String> {
        let dp = self.todo[pos as usize].0;
        let failed: Vec<String> = dp
            .media()
            .zip(self.media_of(pos))
            .filter_map(|(item, &m)| match self.names[m as usize].get() {
                Some(Err(reason)) => Some(format!("{item}: {reason}")),
                _ => None,
            })
            .collect();
        (!failed.is_empty()).then(|| failed.join("; "))
    }

    fn send_datapoint(&self, pos: u32, made: u32, queue: &TaskQueue<Task>) {
        let (dp, ambiguous) = self.todo[pos as usize];
        if made == 0 {
            if let Some(reason) = self.failed_media(pos) {
                self.lock().failures.push(FailedDatapoint {
                    index: dp.index,
                    items: dp.items.clone(),
                    stage: FailureStage::Upload,
                    reason,
                    ambiguous,
                });
                self.datapoints.failed(1);
                return;
            }
            if ambiguous {
                // Reported once the listing tells.
                self.lock().uncertain.push(Uncertain {
                    pos,
                    reason: "an earlier attempt may have created it".to_owned(),
                    made: 0,
                });
                return;
            }
        }
        let Some(dataset_id) = self.dataset_id.get() else {
            return;
        };
        let body = datapoint_body(
            dp,
            &PipelineNames {
                pipeline: self,
                pos,
            },
        );
        let made = made + 1;
        match attempt(self.client, dataset_id, dp, body, made) {
            Attempt::Created => {
                self.lock().created.push(pos);
                self.datapoints.done(1);
            }
            Attempt::Uncertain(reason) => {
                self.lock().uncertain.push(Uncertain { pos, reason, made })
            }
            Attempt::Failed(reason) => {
                self.lock()
                    .failures
                    .push(failed_datapoint(dp, reason, false));
                self.datapoints.failed(1);
            }
            // Waits without holding a worker.
            Attempt::Again(pause) => queue.push_at(
                Instant::now() + pause,
                LANE_DATAPOINT,
                Task::Datapoint { pos, made },
            ),
        }
    }

    /// After the queue ran dry: the dataset's error, or the uncertain datapoints
    /// reconciled and every failure.
    fn finish(&self) -> Result<Uploaded> {
        let (created, uncertain, failures, dataset_error) = {
            let mut state = self.lock();
            (
                std::mem::take(&mut state.created),
                std::mem::take(&mut state.uncertain),
                std::mem::take(&mut state.failures),
                state.dataset_error.take(),
            )
        };
        if let Some(e) = dataset_error {
            return Err(e);
        }
        let dataset_id = self.dataset_id.get().cloned().ok_or_else(|| {
            Error::invalid_input("dataset", "", "no dataset to create the datapoints in")
        })?;
        let mut outcomes = Outcomes { created, failures };
        reconcile(
            self.client,
            &dataset_id,
            self.todo,
            |pos| {
                let dp = self.todo[pos as usize].0;
                datapoint_body(
                    dp,
                    &PipelineNames {
                        pipeline: self,
                        pos,
                    },
                )
            },
            &mut outcomes,
            uncertain,
            &self.datapoints,
        );
        self.datapoints.finish();
        let mut failures = outcomes.failures;
        failures.sort_by_key(|f| f.index);
        Ok(Uploaded {
            dataset_id,
            failures,
        })
    }
}

/// The datapoints known to be created (positions in the pipeline's list) and those that
/// failed.
struct Outcomes {
    created: Vec<u32>,
    failures: Vec<FailedDatapoint>,
}

/// Rounds for the datapoints whose creation may have been carried out: list the dataset
/// once for all of them, send again those it does not hold (up to
/// [`DATAPOINT_ATTEMPTS`] requests each), until none is uncertain.
fn reconcile(
    client: &Client,
    dataset_id: &str,
    todo: &[(&DatapointSpec, bool)],
    body: impl Fn(u32) -> types::CreateDatapointEndpointInput + Sync,
    state: &mut Outcomes,
    mut uncertain: Vec<Uncertain>,
    stage: &StageReport,
) {
    for round in 1u32.. {
        if uncertain.is_empty() {
            break;
        }
        let mut to_send: Vec<(u32, u32)> = Vec::new();
        match DatasetListing::fetch(client, dataset_id) {
            Err(e) => {
                for u in uncertain.drain(..) {
                    let reason = format!(
                        "{}; could not check whether it was created nevertheless: {e}",
                        u.reason
                    );
                    state
                        .failures
                        .push(failed_datapoint(todo[u.pos as usize].0, reason, true));
                    stage.failed(1);
                }
            }
            Ok(mut listing) => {
                // Those created claim one listed item of their content before an
                // uncertain one may, so duplicates are counted.
                for &pos in &state.created {
                    listing.claim(todo[pos as usize].0.index, || body(pos));
                }
                for u in uncertain.drain(..) {
                    let dp = todo[u.pos as usize].0;
                    if listing.claim(dp.index, || body(u.pos)) {
                        state.created.push(u.pos);
                        stage.done(1);
                        log::debug!(
                            "datapoint {} was created although its request failed ({})",
                            dp.index,
                            u.reason
                        );
                    } else if u.made < DATAPOINT_ATTEMPTS {
                        to_send.push((u.pos, u.made));
                    } else {
                        state.failures.push(failed_datapoint(dp, u.reason, false));
                        stage.failed(1);
                    }
                }
            }
        }
        if to_send.is_empty() {
            break;
        }
        // They failed a moment ago: back off as a retry would.
        std::thread::sleep(backoff(client, round));
        let outcomes = parallel_map(client.max_workers(), &to_send, |&(pos, made)| {
            let dp = todo[pos as usize].0;
            let sent = send_until_settled(client, dataset_id, dp, || body(pos), made);
            match sent.0 {
                Attempt::Created => stage.done(1),
                Attempt::Failed(_) => stage.failed(1),
                // Reported once the listing tells.
                Attempt::Uncertain(_) | Attempt::Again(_) => {}
            }
            sent
        });
        for (&(pos, _), (outcome, made)) in to_send.iter().zip(outcomes) {
            match outcome {
                Attempt::Created => state.created.push(pos),
                Attempt::Uncertain(reason) => uncertain.push(Uncertain { pos, reason, made }),
                Attempt::Failed(reason) => {
                    state
                        .failures
                        .push(failed_datapoint(todo[pos as usize].0, reason, false))
                }
                // `send_until_settled` waits out every pause itself.
                Attempt::Again(_) => {}
            }
        }
    }
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

/// How one request to create a datapoint ended.
enum Attempt {
    Created,
    /// It failed in a way that may still have created it: the dataset must be checked
    /// before it is sent again.
    Uncertain(String),
    /// Failed, and certainly not created.
    Failed(String),
    /// Failed, certainly not created, worth sending again after this pause.
    Again(Duration),
}

/// Sends `body` as request number `made` for datapoint `dp`.
fn attempt(
    client: &Client,
    dataset_id: &str,
    dp: &DatapointSpec,
    body: types::CreateDatapointEndpointInput,
    made: u32,
) -> Attempt {
    let e = match client.send(&operations::PostDatasetByDatasetIdDatapoint::new(
        dataset_id, body,
    )) {
        Ok(_) => return Attempt::Created,
        Err(e) => e,
    };
    if e.may_have_been_processed() {
        return Attempt::Uncertain(e.to_string());
    }
    if made >= DATAPOINT_ATTEMPTS || !worth_retrying(&e) {
        return Attempt::Failed(e.to_string());
    }
    let pause = backoff(client, made);
    log::debug!(
        "datapoint {} failed ({e}); attempt {} of {DATAPOINT_ATTEMPTS} in {pause:?}",
        dp.index,
        made + 1
    );
    Attempt::Again(pause)
}

/// Sends one datapoint until it is created, fails for good, or fails in a way that may
/// have created it, pausing between attempts; at most [`DATAPOINT_ATTEMPTS`] requests
/// counting the `made` ones of earlier rounds. Returns the outcome (never
/// [`Attempt::Again`]) and the requests made so far.
fn send_until_settled(
    client: &Client,
    dataset_id: &str,
    dp: &DatapointSpec,
    body: impl Fn() -> types::CreateDatapointEndpointInput,
    mut made: u32,
) -> (Attempt, u32) {
    loop {
        made += 1;
        match attempt(client, dataset_id, dp, body(), made) {
            Attempt::Again(pause) => std::thread::sleep(pause),
            settled => return (settled, made),
        }
    }
}

/// `GET /dataset/{id}/datapoints` decoded loosely, so fields the API description does
/// not list (`sortIndex`) are kept.
struct LooseJson;

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
    fn claim(
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

/// Why one URL of a batch upload failed, with the stage and upstream status when known.
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
        assert!(unindexed.claim(0, || body.clone()));
        assert!(!unindexed.claim(1, || body.clone()));
        // Once the server reports any sort index, only sort indices count.
        let mut indexed = DatasetListing {
            indexed: true,
            sort_indexes: HashSet::from([1]),
            by_content: HashMap::new(),
        };
        assert!(!indexed.claim(0, || body.clone()));
        assert!(indexed.claim(1, || body.clone()));
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
