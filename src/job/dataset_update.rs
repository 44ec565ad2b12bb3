//! A new dataset for a job definition: [`JobDefinition::set_datapoints`] checks a
//! [`NewDatapoints`] against the kind of the loaded revision, uploads it as a new dataset
//! (through the same pipeline that creates definitions, `upload.rs`) and stages it, so that
//! [`JobDefinition::save`] sends it as the new revision's `datasetId`;
//! [`JobDefinition::update_dataset`] does both in one call.
//!
//! Jobs assigned on the new revision label the new datapoints; jobs of earlier revisions
//! keep theirs.
//!
//! Nothing done is lost to a failure halfway, and nothing is uploaded twice where that can
//! be avoided:
//! * some datapoints failed to upload: the call fails with
//!   [`Error::DatasetUploadFailed`], nothing is staged, and the handle remembers the
//!   dataset and which datapoints are missing; calling `set_datapoints` again with the
//!   same datapoints sends only the missing ones, into that dataset (a datapoint whose
//!   request may have gone through is looked up before it is sent again);
//! * the save failed (a revision conflict, a lost connection): the dataset stays staged;
//!   `save` again, or the same `set_datapoints` / `update_dataset` again, uploads nothing.
//!
//! Other datapoints than the remembered ones start a new dataset.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::api::{operations, types};
use crate::asset::DataItem;
use crate::{Error, Result, RetryMode, SendOptions};

use super::datapoint::{segment, DatapointSpec};
use super::definition::{
    check_pairs, check_sentences, datapoint_specs, require_media, schema_with_segments,
    AnswerOptions, JobDefinition, DEFAULT_UPLOAD_TIMEOUT,
};
use super::progress::{Reporter, SharedReporter};
use super::revision::{
    to_value, with_answer_options, workflow_kind, PartialDataset, Plan, StagedDataset,
};
use super::upload;
use crate::error::DatasetUploadFailure;

/// The datapoints themselves: single items, or pairs for a compare definition.
#[derive(Debug, Clone, PartialEq)]
enum Items {
    Single(Vec<DataItem>),
    Pairs(Vec<[DataItem; 2]>),
}

impl Items {
    fn len(&self) -> usize {
        match self {
            Items::Single(i) => i.len(),
            Items::Pairs(p) => p.len(),
        }
    }
}

/// The datapoints of a new dataset for an existing job definition, with what goes with
/// each of them; given to [`JobDefinition::set_datapoints`] or
/// [`JobDefinition::update_dataset`], which check it against the definition's kind before
/// anything is uploaded:
///
/// | definition | datapoints | also |
/// |---|---|---|
/// | compare | [`pairs`](Self::pairs) of two different items | contexts, media contexts |
/// | classification | [`new`](Self::new): one item each | [`answer_options`](Self::answer_options) (required unless the definition shows the same options for every datapoint) |
/// | free text | `new` | contexts, media contexts |
/// | locate, draw, timestamp | `new`, media only (no texts) | contexts, media contexts |
/// | select words | `new` | [`sentences`](Self::sentences) (required; no contexts) |
///
/// Ranking definitions (datapoints in groups) cannot take a new dataset this way.
/// Private metadata goes with every kind. Every list given must hold one entry per
/// datapoint.
///
/// ```
/// use rapidata::job::NewDatapoints;
///
/// let pets = NewDatapoints::new(["https://example.com/1.jpg", "https://example.com/2.jpg"])
///     .answer_options(["cat", "dog"])
///     .contexts(["On a sofa.", "In a garden."]);
/// let jokes = NewDatapoints::texts(["A joke.", "Another joke."]);
/// let pairs = NewDatapoints::pairs([["https://example.com/a.jpg", "https://example.com/b.jpg"]]);
/// assert_eq!((pets.len(), jokes.len(), pairs.len()), (2, 2, 1));
/// ```
#[derive(Debug, Clone)]
#[must_use = "pass it to JobDefinition::set_datapoints or update_dataset"]
pub struct NewDatapoints {
    items: Items,
    contexts: Option<Vec<String>>,
    media_contexts: Option<Vec<DataItem>>,
    private_metadata: Option<Vec<BTreeMap<String, String>>>,
    sentences: Option<Vec<String>>,
    answer_options: Option<AnswerOptions>,
    upload_timeout: Duration,
    reporter: Option<SharedReporter>,
}

impl NewDatapoints {
    fn with_items(items: Items) -> Self {
        NewDatapoints {
            items,
            contexts: None,
            media_contexts: None,
            private_metadata: None,
            sentences: None,
            answer_options: None,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            reporter: None,
        }
    }

    /// One item per datapoint (media by URL or file, or [`DataItem::text`]), for every kind
    /// but compare and ranking.
    ///
    /// ```
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/1.jpg", "photos/2.png"]);
    /// assert_eq!(new.len(), 2);
    /// ```
    pub fn new(items: impl IntoIterator<Item = impl Into<DataItem>>) -> Self {
        Self::with_items(Items::Single(items.into_iter().map(Into::into).collect()))
    }

    /// One text per datapoint (what the official SDK's `data_type="text"` sends).
    ///
    /// ```
    /// let new = rapidata::job::NewDatapoints::texts(["The first joke.", "The second joke."]);
    /// assert_eq!(new.len(), 2);
    /// ```
    pub fn texts(texts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self::with_items(Items::Single(
            texts.into_iter().map(|t| DataItem::text(t)).collect(),
        ))
    }

    /// Two items per datapoint, for a compare definition.
    ///
    /// ```
    /// use rapidata::DataItem;
    /// let new = rapidata::job::NewDatapoints::pairs([[DataItem::text("A"), DataItem::text("B")]]);
    /// assert_eq!(new.len(), 1);
    /// ```
    pub fn pairs(pairs: impl IntoIterator<Item = [impl Into<DataItem>; 2]>) -> Self {
        Self::with_items(Items::Pairs(
            pairs
                .into_iter()
                .map(|[a, b]| [a.into(), b.into()])
                .collect(),
        ))
    }

    /// The number of datapoints.
    ///
    /// ```
    /// assert_eq!(rapidata::job::NewDatapoints::texts(["a b"]).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no datapoints (refused by `set_datapoints`).
    ///
    /// ```
    /// assert!(rapidata::job::NewDatapoints::texts(Vec::<String>::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One text context per datapoint, shown next to it (at most
    /// [`MAX_CONTEXT_CHARS`](super::MAX_CONTEXT_CHARS) characters each).
    ///
    /// ```
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/1.jpg"])
    ///     .contexts(["A sunny day."]);
    /// ```
    pub fn contexts(mut self, contexts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.contexts = Some(contexts.into_iter().map(Into::into).collect());
        self
    }

    /// One media context (a URL or a file) per datapoint, shown next to it.
    ///
    /// ```
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/1.jpg"])
    ///     .media_contexts(["https://example.com/reference.jpg"]);
    /// ```
    pub fn media_contexts(mut self, media: impl IntoIterator<Item = impl Into<DataItem>>) -> Self {
        self.media_contexts = Some(media.into_iter().map(Into::into).collect());
        self
    }

    /// One map of private metadata per datapoint (kept with it, never shown to labelers;
    /// an empty map is sent as `null`).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/1.jpg"])
    ///     .private_metadata(vec![BTreeMap::from([("id".to_owned(), "1".to_owned())])]);
    /// ```
    pub fn private_metadata(mut self, metadata: Vec<BTreeMap<String, String>>) -> Self {
        self.private_metadata = Some(metadata);
        self
    }

    /// One sentence per datapoint, for a select-words definition (at least two words each).
    ///
    /// ```
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/cat.jpg"])
    ///     .sentences(["A cat on a red couch [No_mistakes]"]);
    /// ```
    pub fn sentences(mut self, sentences: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.sentences = Some(sentences.into_iter().map(Into::into).collect());
        self
    }

    /// The answer options of a classification definition's datapoints: the same for each
    /// (a list) or one list per datapoint ([`AnswerOptions::per_datapoint`]).
    ///
    /// ```
    /// use rapidata::job::{AnswerOptions, NewDatapoints};
    /// let new = NewDatapoints::new(["https://example.com/1.jpg", "https://example.com/2.jpg"])
    ///     .answer_options(AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "bird"]]));
    /// ```
    pub fn answer_options(mut self, options: impl Into<AnswerOptions>) -> Self {
        self.answer_options = Some(options.into());
        self
    }

    /// How long uploading the URL assets may take in all (default 30 minutes); URLs still
    /// pending then count as failed datapoints.
    ///
    /// ```
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/1.jpg"])
    ///     .upload_timeout(std::time::Duration::from_secs(600));
    /// ```
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// Where the upload reports its progress ([`Stage::Assets`](super::Stage::Assets),
    /// [`Stage::Datapoints`](super::Stage::Datapoints)); by default the definition's own
    /// reporter, else bars on a terminal.
    ///
    /// ```
    /// let (tx, rx) = std::sync::mpsc::channel::<rapidata::job::ProgressEvent>();
    /// let new = rapidata::job::NewDatapoints::new(["https://example.com/1.jpg"]).progress(tx);
    /// ```
    pub fn progress(mut self, reporter: impl Reporter + 'static) -> Self {
        self.reporter = Some(SharedReporter::new(reporter));
        self
    }

    /// The checks that do not depend on the definition's kind, and the datapoint specs.
    fn specs(&self) -> Result<Vec<DatapointSpec>> {
        if let Items::Pairs(pairs) = &self.items {
            check_pairs(pairs)?;
        }
        let items = match &self.items {
            Items::Single(items) => items.iter().map(|i| vec![i.clone()]).collect(),
            Items::Pairs(pairs) => pairs.iter().map(|p| p.to_vec()).collect(),
        };
        datapoint_specs(
            items,
            self.contexts.as_deref(),
            self.media_contexts.as_deref(),
            self.private_metadata.as_deref(),
        )
    }

    /// Checks the datapoints (`specs`, from [`specs`](Self::specs)) against `workflow` (the
    /// loaded revision's, with staged answer options applied) and returns what to upload:
    /// the specs completed with options and sentences, and the dataset schema.
    fn plan(&self, mut specs: Vec<DatapointSpec>, workflow: &Value) -> Result<Plan> {
        let kind = workflow_kind(workflow).to_owned();
        let n = specs.len();
        let shape = match &self.items {
            Items::Single(_) => format!("{n} single items"),
            Items::Pairs(_) => format!("{n} pairs"),
        };
        let refuse = |argument: &str, value: &str, reason: String| {
            Err(Error::invalid_input(argument, value, reason))
        };
        match (kind.as_str(), &self.items) {
            ("Compare", Items::Pairs(_)) => {}
            ("Compare", Items::Single(_)) => {
                return refuse(
                    "datapoints",
                    &shape,
                    "a compare definition takes pairs of items: use NewDatapoints::pairs".into(),
                )
            }
            (
                "Classify" | "FreeText" | "Transcription" | "Locate" | "Line" | "Scrub",
                Items::Pairs(_),
            ) => {
                return refuse(
                    "datapoints",
                    &shape,
                    format!(
                        "a `{kind}` definition takes one item per datapoint: use \
                         NewDatapoints::new, not pairs"
                    ),
                )
            }
            ("Classify" | "FreeText" | "Transcription", Items::Single(_)) => {}
            ("Locate" | "Line" | "Scrub", Items::Single(items)) => {
                let task = match kind.as_str() {
                    "Locate" => "a locate task",
                    "Line" => "a draw task",
                    _ => "a timestamp task",
                };
                require_media("datapoints", items, task)?;
            }
            _ => {
                return refuse(
                    "datapoints",
                    &shape,
                    format!(
                        "a `{kind}` job definition cannot take a new dataset through \
                         set_datapoints (only compare, classification, free text, locate, \
                         draw, timestamp and select-words definitions can)"
                    ),
                )
            }
        }
        // The segments the workflow reads from each datapoint (the official SDK's rule).
        let bound = bound_segments(workflow);
        let mut required: Vec<&str> = Vec::new();
        match (&self.answer_options, kind.as_str()) {
            (Some(_), k) if k != "Classify" => {
                return refuse(
                    "answer_options",
                    &format!("for a `{kind}` definition"),
                    format!(
                        "a `{kind}` definition has no answer options (only classification \
                         definitions do)"
                    ),
                )
            }
            (Some(options), _) => {
                options.validate(n)?;
                for dp in &mut specs {
                    dp.answer_options = options.for_datapoint(dp.index).map(<[String]>::to_vec);
                }
                required.push(segment::ANSWER_OPTIONS);
            }
            (None, _) if bound.contains(&segment::ANSWER_OPTIONS) => {
                return refuse(
                    "answer_options",
                    &format!("for a `{kind}` definition"),
                    "this definition reads its answer options from each datapoint: give them \
                     with NewDatapoints::answer_options (or stage shared ones first with \
                     set_answer_options)"
                        .into(),
                )
            }
            (None, _) => {}
        }
        match (&self.sentences, bound.contains(&segment::TRANSCRIPTION)) {
            (Some(_), false) => {
                return refuse(
                    "sentences",
                    &format!("for a `{kind}` definition"),
                    format!(
                        "a `{kind}` definition has no sentences (only select-words definitions do)"
                    ),
                )
            }
            (None, true) => {
                return refuse(
                    "sentences",
                    &format!("for a `{kind}` definition"),
                    "a select-words definition needs one sentence per datapoint: give them \
                     with NewDatapoints::sentences"
                        .into(),
                )
            }
            (Some(sentences), true) => {
                if self.contexts.is_some() {
                    return refuse(
                        "contexts",
                        &format!("{n} contexts"),
                        "a select-words datapoint shows its sentence in place of a context: \
                         leave the contexts out"
                            .into(),
                    );
                }
                check_sentences(sentences, n)?;
                for dp in &mut specs {
                    dp.sentence = Some(sentences[dp.index].clone());
                }
                required.push(segment::TRANSCRIPTION);
            }
            (None, false) => {}
        }
        let schema = schema_with_segments(&required);
        Ok(Plan { specs, schema })
    }
}

/// The workflow segments (`answer_options`, `transcription`) a workflow's rapid spec binds.
fn bound_segments(workflow: &Value) -> Vec<&'static str> {
    let Some(rapid) = workflow["rapid"].as_object() else {
        return Vec::new();
    };
    [segment::ANSWER_OPTIONS, segment::TRANSCRIPTION]
        .into_iter()
        .filter(|key| rapid.values().any(|v| v["segment"] == *key))
        .collect()
}

impl JobDefinition {
    /// Uploads `datapoints` as a new dataset and stages it: the next
    /// [`save`](Self::save) makes it the new revision's dataset, so jobs assigned on that
    /// revision label these datapoints (jobs of earlier revisions keep theirs);
    /// [`discard_changes`](Self::discard_changes) drops it.
    ///
    /// The datapoints are checked first: everything that does not depend on the
    /// definition before any request, then (after reading the loaded revision, if the
    /// handle has not yet) their shape against its kind (see [`NewDatapoints`]); a
    /// mismatch is an [`Error::InvalidInput`] naming the argument and index, and nothing is
    /// created. Then the dataset is created (`POST /dataset`, named like the definition's
    /// own) and filled through the same pipeline as a new definition's.
    ///
    /// When some datapoints fail, [`Error::DatasetUploadFailed`] lists them and nothing is
    /// staged; the same datapoints set again go into the same dataset, only the failed
    /// ones. The same datapoints as the staged ones upload nothing.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// use rapidata::job::NewDatapoints;
    /// let new = NewDatapoints::new(["https://example.com/3.jpg", "https://example.com/4.jpg"])
    ///     .answer_options(["cat", "dog"]);
    /// d.set_datapoints(new)?;
    /// assert!(d.has_unsaved_changes());
    /// let revision = d.save(true)?;
    /// # Ok(()) }
    /// ```
    pub fn set_datapoints(&mut self, datapoints: NewDatapoints) -> Result<&mut Self> {
        // What does not depend on the definition is checked before any request.
        let specs = datapoints.specs()?;
        let loaded = self.loaded()?;
        let mut workflow = to_value(&loaded.workflow);
        if let Some(options) = self.edit.pending.answer_options.clone() {
            workflow = with_answer_options(workflow.clone(), &options).unwrap_or(workflow);
        }
        let plan = datapoints.plan(specs, &workflow)?;
        if let Some(staged) = &self.edit.pending.dataset {
            if *staged.plan == plan {
                log::debug!(
                    "dataset {} already holds these datapoints; nothing uploaded",
                    staged.dataset_id
                );
                return Ok(self);
            }
        }
        let plan = Arc::new(plan);
        let partial = self.edit.partial.clone().filter(|p| *p.plan == *plan);
        let todo: Vec<(&DatapointSpec, bool)> = match &partial {
            Some(p) => p
                .missing
                .iter()
                .filter_map(|f| plan.specs.get(f.index).map(|d| (d, f.ambiguous)))
                .collect(),
            None => plan.specs.iter().map(|d| (d, false)).collect(),
        };
        let reporter = datapoints
            .reporter
            .clone()
            .or_else(|| self.reporter.clone())
            .unwrap_or_else(SharedReporter::default_bars);
        let client = self.client.clone();
        let name = format!("{}_dataset", self.name);
        let schema = plan.schema.clone();
        let create_dataset = move || {
            // A repeated `POST /dataset` after a lost answer leaves at worst an empty
            // dataset nothing refers to, so every transient failure is retried.
            client
                .send_with(
                    &operations::PostDataset::new(types::CreateDatasetEndpointInput {
                        schema: Some(schema),
                        ..types::CreateDatasetEndpointInput::new(name)
                    }),
                    SendOptions::new().retry_mode(RetryMode::Always),
                )
                .map(|out| out.dataset_id)
        };
        let dataset = match &partial {
            Some(p) => upload::Dataset::Existing(&p.dataset_id),
            None => upload::Dataset::Create(Box::new(create_dataset)),
        };
        let uploaded = upload::upload_datapoints(
            &self.client,
            dataset,
            &todo,
            datapoints.upload_timeout,
            &reporter,
            None,
        )?;
        if !uploaded.failures.is_empty() {
            let failure = DatasetUploadFailure {
                definition_id: self.id.clone(),
                dataset_id: uploaded.dataset_id.clone(),
                failures: uploaded.failures.clone(),
                total: plan.specs.len(),
            };
            self.edit.partial = Some(PartialDataset {
                dataset_id: uploaded.dataset_id,
                plan,
                missing: uploaded.failures,
            });
            return Err(Error::DatasetUploadFailed(Box::new(failure)));
        }
        log::info!(
            "uploaded {} datapoints into dataset {} for job definition {}; staged for the next save",
            plan.specs.len(),
            uploaded.dataset_id,
            self.id
        );
        self.edit.partial = None;
        self.edit.pending.dataset = Some(StagedDataset {
            dataset_id: uploaded.dataset_id,
            plan,
        });
        Ok(self)
    }

    /// [`set_datapoints`](Self::set_datapoints), then [`save(false)`](Self::save) (as the
    /// official SDK's `update_dataset` does): the new dataset becomes the definition's
    /// latest revision, whose number is returned. Other staged changes are saved with it.
    ///
    /// When the save fails the dataset stays staged: calling `update_dataset` again with
    /// the same datapoints (or [`save`](Self::save)) uploads nothing again.
    ///
    /// ```no_run
    /// # fn demo(mut d: rapidata::JobDefinition, audience: rapidata::Audience) -> rapidata::Result<()> {
    /// use rapidata::job::NewDatapoints;
    /// let revision = d.update_dataset(NewDatapoints::texts(["joke 1", "joke 2", "joke 3"]))?;
    /// let job = audience.assign_job(&d)?; // runs `revision`, on the three new datapoints
    /// # Ok(()) }
    /// ```
    pub fn update_dataset(&mut self, datapoints: NewDatapoints) -> Result<i32> {
        self.set_datapoints(datapoints)?.save(false)
    }

    /// The id of the dataset staged by [`set_datapoints`](Self::set_datapoints) and not
    /// saved yet.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) { println!("{:?}", d.staged_dataset_id()); }
    /// ```
    pub fn staged_dataset_id(&self) -> Option<&str> {
        self.edit
            .pending
            .dataset
            .as_ref()
            .map(|d| d.dataset_id.as_str())
    }
}
