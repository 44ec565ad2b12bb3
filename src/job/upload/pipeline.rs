//! The pipeline: which request runs next, what is known of each datapoint, the result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::asset::DataItem;
use crate::flow::parallel::{run_queue, TaskQueue};
use crate::sync::lock;
use crate::{Client, Error, Result};

use crate::error::{FailedDatapoint, FailureStage};
use crate::job::datapoint::{datapoint_body, AssetNames, DatapointSpec};
use crate::job::progress::{SharedReporter, Stage, StageReport};

use super::resend::{attempt, failed_datapoint, reconcile, Attempt, Outcomes, Uncertain};
use super::tuning::{BATCHES_IN_FLIGHT, BATCH_SIZE, LANES, LANE_CONTROL, LANE_DATAPOINT};

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
pub(super) enum Task {
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
    pub(super) fn datapoint(pos: u32) -> Task {
        Task::Datapoint { pos, made: 0 }
    }
}

/// A batch created and not collected yet.
pub(super) struct OpenBatch {
    pub(super) id: String,
    pub(super) chunk: usize,
    pub(super) created: Instant,
}

/// A medium's server file name (shared with the client's upload cache), or why it could
/// not be uploaded.
pub(super) type Named = std::result::Result<Arc<str>, String>;

/// The shared state of one pipeline run. Per datapoint it holds a few counters (its
/// position in lists, the media it still waits for), per distinct medium a reference to
/// the caller's item, its server name once known, and the datapoints waiting for it;
/// request bodies are built when they are sent.
pub(super) struct Pipeline<'a> {
    pub(super) client: &'a Client,
    pub(super) todo: &'a [(&'a DatapointSpec, bool)],
    /// Distinct media, in first-seen order, and their names once known.
    pub(super) media: Vec<&'a DataItem>,
    pub(super) names: Vec<OnceLock<Named>>,
    /// The media of datapoint `pos` (positions in `media`, in `DatapointSpec::media`
    /// order): `occurrences[media_start[pos]..media_start[pos + 1]]`.
    pub(super) media_start: Vec<u32>,
    pub(super) occurrences: Vec<u32>,
    /// The datapoints (positions in `todo`) waiting for medium `m`:
    /// `waiters[waiter_start[m]..waiter_start[m + 1]]`.
    pub(super) waiter_start: Vec<u32>,
    pub(super) waiters: Vec<u32>,
    /// Media to upload through the batch endpoint, in chunks of [`BATCH_SIZE`].
    pub(super) urls: Vec<u32>,
    /// The next URL chunk to create a batch of.
    pub(super) next_chunk: AtomicUsize,
    /// Media to upload as files, and the next one to start.
    pub(super) files: Vec<u32>,
    pub(super) next_file: AtomicUsize,
    pub(super) create_dataset: Mutex<Option<CreateDataset<'a>>>,
    pub(super) alongside: Mutex<Option<Alongside<'a>>>,
    pub(super) dataset_id: OnceLock<String>,
    /// Set when the dataset could not be created: nothing more is started.
    pub(super) stopped: AtomicBool,
    pub(super) state: Mutex<State>,
    pub(super) assets: Option<StageReport>,
    pub(super) datapoints: StageReport,
    pub(super) correlation_id: String,
    pub(super) started: Instant,
    pub(super) upload_timeout: Duration,
}

/// What changes while the pipeline runs.
pub(super) struct State {
    /// Per datapoint: media not resolved yet.
    pub(super) pending: Vec<u32>,
    /// Datapoints whose media are resolved, waiting for the dataset.
    pub(super) parked: Vec<u32>,
    /// Media not resolved yet (the assets stage ends at 0).
    pub(super) media_left: usize,
    pub(super) open: Vec<OpenBatch>,
    /// Finished batches whose results are still to read, one at a time: a result holds
    /// every URL of its batch decoded, so reading all of them at once would hold every URL
    /// of the definition again.
    pub(super) to_collect: std::collections::VecDeque<OpenBatch>,
    pub(super) collecting: bool,
    /// Whether a status poll is queued or running.
    pub(super) polling: bool,
    pub(super) created: Vec<u32>,
    pub(super) uncertain: Vec<Uncertain>,
    pub(super) failures: Vec<FailedDatapoint>,
    pub(super) dataset_error: Option<Error>,
}

/// The file names of one datapoint's media, for [`datapoint_body`].
pub(super) struct PipelineNames<'p, 'a> {
    pub(super) pipeline: &'p Pipeline<'a>,
    pub(super) pos: u32,
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
    pub(super) fn new(
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

    pub(super) fn with_alongside(self, alongside: Option<Alongside<'a>>) -> Self {
        *self.lock_alongside() = alongside;
        self
    }

    /// The positions in `media` of datapoint `pos`'s media.
    pub(super) fn media_of(&self, pos: u32) -> &[u32] {
        let pos = pos as usize;
        &self.occurrences[self.media_start[pos] as usize..self.media_start[pos + 1] as usize]
    }

    /// The position in `media` of `item`, one of datapoint `pos`'s media (the same
    /// reference, or an equal item).
    pub(super) fn medium_of(&self, pos: u32, item: &DataItem) -> Option<u32> {
        let own = || self.todo[pos as usize].0.media().zip(self.media_of(pos));
        own()
            .find(|(i, _)| std::ptr::eq(*i, item))
            .or_else(|| own().find(|(i, _)| *i == item))
            .map(|(_, &m)| m)
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(super) fn lock_alongside(&self) -> MutexGuard<'_, Option<Alongside<'a>>> {
        lock(&self.alongside)
    }

    pub(super) fn chunks(&self) -> std::slice::Chunks<'_, u32> {
        self.urls.chunks(BATCH_SIZE)
    }

    pub(super) fn chunk(&self, k: usize) -> &[u32] {
        self.chunks().nth(k).unwrap_or(&[])
    }

    pub(super) fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// The next file upload, when nothing else is queued.
    pub(super) fn next_file(&self) -> Option<Task> {
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
    pub(super) fn resolve(
        &self,
        outcomes: impl IntoIterator<Item = (u32, Named)>,
        cache: bool,
    ) -> Vec<u32> {
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
    pub(super) fn dispatch(&self, ready: Vec<u32>) -> Vec<u32> {
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

    pub(super) fn queue_datapoints(&self, ready: Vec<u32>, queue: &TaskQueue<Task>) {
        for pos in self.dispatch(ready) {
            queue.push(LANE_DATAPOINT, Task::datapoint(pos));
        }
    }

    pub(super) fn run(&self, task: Task, queue: &TaskQueue<Task>) {
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

    pub(super) fn create_dataset(&self, queue: &TaskQueue<Task>) {
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

    /// Why a datapoint whose media are resolved cannot be created: its failed uploads.
    pub(super) fn failed_media(&self, pos: u32) -> Option<String> {
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

    pub(super) fn send_datapoint(&self, pos: u32, made: u32, queue: &TaskQueue<Task>) {
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
    pub(super) fn finish(&self) -> Result<Uploaded> {
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
