//! The one definition builder, [`DefinitionBuilder`], with the options the kinds share,
//! and the traits that say which kind has which of them.
//!
//! A kind type ([`Compare`](crate::job::kind::Compare), [`Ranking`](crate::job::kind::Ranking), …)
//! holds the kind's own inputs and turns them, with the shared options, into what is sent
//! (the crate-sealed [`Kind`]). The setters every kind has are written once below; the ones
//! only some kinds have are in blocks bounded by [`PerDatapoint`], [`Contextual`] and
//! [`Votes`]; the kind-specific ones sit with their kind.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::asset::DataItem;
use crate::settings::Setting;
use crate::{Client, Result};

use super::super::progress::{Reporter, SharedReporter};
use super::create::create_definition;
use super::handle::JobDefinition;
use super::spec::ValidatedDefinition;

/// The default number of responses collected per datapoint.
///
/// ```
/// assert_eq!(rapidata::job::DEFAULT_RESPONSES_PER_DATAPOINT, 10);
/// ```
pub const DEFAULT_RESPONSES_PER_DATAPOINT: u32 = 10;
/// The default overall time allowed for uploading a definition's URL assets.
///
/// ```
/// assert_eq!(rapidata::job::DEFAULT_UPLOAD_TIMEOUT.as_secs(), 1800);
/// ```
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The options every kind shares, as set on the builder.
#[derive(Debug, Clone)]
pub(crate) struct Common {
    pub(super) contexts: Option<Vec<String>>,
    pub(super) media_contexts: Option<Vec<DataItem>>,
    pub(super) responses_per_datapoint: u32,
    pub(super) confidence_threshold: Option<f64>,
    pub(super) quorum_threshold: Option<u32>,
    pub(super) settings: Vec<Setting>,
    pub(super) private_metadata: Option<Vec<BTreeMap<String, String>>>,
    pub(super) failure_tolerance: f64,
    pub(super) upload_timeout: Duration,
    /// Where creating reports its progress; `None`: bars on a terminal, nothing elsewhere.
    pub(super) reporter: Option<SharedReporter>,
}

impl Default for Common {
    fn default() -> Self {
        Common {
            contexts: None,
            media_contexts: None,
            responses_per_datapoint: DEFAULT_RESPONSES_PER_DATAPOINT,
            confidence_threshold: None,
            quorum_threshold: None,
            settings: Vec::new(),
            private_metadata: None,
            failure_tolerance: 0.0,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            reporter: None,
        }
    }
}

impl Common {
    /// The reporter of the create: the one set, or bars when standard error is a terminal.
    pub(super) fn reporter(&self) -> SharedReporter {
        self.reporter
            .clone()
            .unwrap_or_else(SharedReporter::default_bars)
    }
}

/// The crate-private half of [`Kind`]: outside this crate it cannot be named, so no other
/// type can be a kind.
pub(super) mod sealed {
    /// Checks a builder of this kind and builds what it would send.
    pub trait Sealed: Sized {
        /// Runs every check of the kind's inputs and of the shared options (no request)
        /// and returns the checked definition.
        fn check(
            builder: &super::DefinitionBuilder<Self>,
        ) -> crate::Result<super::ValidatedDefinition>;
    }
}

/// A kind of job definition: the type parameter of [`DefinitionBuilder`]. It holds the
/// kind's own inputs (the datapoints, the answer options, …). Implemented by the kinds in
/// [`kind`](crate::job::kind) only (sealed).
///
/// ```
/// fn takes_any_builder<K: rapidata::job::Kind>(b: rapidata::job::DefinitionBuilder<K>) -> rapidata::job::DefinitionBuilder<K> {
///     b.failure_tolerance(0.1)
/// }
/// ```
pub trait Kind: sealed::Sealed {}

/// Kinds whose unit is the datapoint: a number of responses per datapoint and private
/// metadata per datapoint. Every kind but ranking (whose unit is the matchup), so a
/// ranking builder has no `responses_per_datapoint`:
///
/// ```compile_fail
/// # let client = rapidata::Client::new()?;
/// let builder = client
///     .job()
///     .create_ranking_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]], 10)
///     .responses_per_datapoint(3);
/// # Ok::<(), rapidata::Error>(())
/// ```
pub trait PerDatapoint: Kind {}

/// Kinds whose datapoints can be shown with a text or media context: compare,
/// classification, free text, locate, draw and timestamp. (A ranking's contexts are one
/// per list, set with its own setters; select words shows the sentence instead.)
///
/// ```compile_fail
/// # let client = rapidata::Client::new()?;
/// let builder = client
///     .job()
///     .create_select_words_job_definition("n", "Select the wrong words.", ["a.jpg"], ["A red car"])
///     .contexts(["a context"]);
/// # Ok::<(), rapidata::Error>(())
/// ```
pub trait Contextual: PerDatapoint {}

/// Kinds whose responses are votes that can agree, so that collecting can stop early
/// (confidence or quorum threshold): compare and classification. Free text, locate, draw,
/// timestamp and select words collect every response, so they have no thresholds:
///
/// ```compile_fail
/// # let client = rapidata::Client::new()?;
/// let builder = client
///     .job()
///     .create_free_text_job_definition("n", "Describe it.", ["a.jpg"])
///     .confidence_threshold(0.9);
/// # Ok::<(), rapidata::Error>(())
/// ```
pub trait Votes: PerDatapoint {}

/// The builder of a job definition of kind `K`; from the `create_…_job_definition`
/// methods of [`JobManager`](crate::job::JobManager). Set options, then
/// [`send`](Self::send) it (or just [`validate`](Self::validate) it: no request).
///
/// Every kind's builder is this type: [`CompareDefinitionBuilder`](crate::job::CompareDefinitionBuilder)
/// is `DefinitionBuilder<Compare>`, and so on. Which setters a kind has follows from the
/// traits its kind type implements ([`PerDatapoint`], [`Contextual`], [`Votes`]) and from
/// its own setters (e.g. [`a_b_names`](Self::a_b_names) for compare).
///
/// ```no_run
/// use rapidata::Setting;
/// let definition = rapidata::Client::new()?
///     .job()
///     .create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]])
///     .responses_per_datapoint(15)
///     .settings([Setting::no_shuffle()])
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .send() to create the definition"]
pub struct DefinitionBuilder<K> {
    pub(super) client: Client,
    pub(super) name: String,
    pub(super) instruction: String,
    pub(super) kind: K,
    pub(super) common: Common,
}

impl<K: Kind> DefinitionBuilder<K> {
    /// A builder with the default options.
    pub(super) fn with_kind(client: Client, name: String, instruction: String, kind: K) -> Self {
        DefinitionBuilder {
            client,
            name,
            instruction,
            kind,
            common: Common::default(),
        }
    }

    /// Settings that change how the task is shown (sent as feature flags).
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// use rapidata::Setting;
    /// let definition = builder.settings([Setting::no_shuffle()]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn settings(mut self, settings: impl IntoIterator<Item = Setting>) -> Self {
        self.common.settings = settings.into_iter().collect();
        self
    }

    /// The largest share of datapoints (0–1, default 0) that may fail to upload while the
    /// definition is still created without them.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let definition = builder.failure_tolerance(0.05).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn failure_tolerance(mut self, share: f64) -> Self {
        self.common.failure_tolerance = share;
        self
    }

    /// How long uploading the URL assets may take in all (default 30 minutes); URLs still
    /// pending then count as failed datapoints.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// use std::time::Duration;
    /// let definition = builder.upload_timeout(Duration::from_secs(600)).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.common.upload_timeout = timeout;
        self
    }

    /// Where creating the definition reports its progress (stages
    /// [`Stage::Assets`](crate::job::Stage::Assets), [`Stage::Datapoints`](crate::job::Stage::Datapoints),
    /// [`Stage::Definition`](crate::job::Stage::Definition); see
    /// [`ProgressEvent`](crate::job::ProgressEvent) for the order of the events). The
    /// reporter is kept: [`PendingDefinition::retry`](crate::job::PendingDefinition::retry)
    /// and the definition's [`cost_estimate`](crate::job::JobDefinition::cost_estimate)
    /// report to it too.
    ///
    /// By default, one bar per stage on standard error when it is a terminal
    /// ([`ProgressBars`](crate::job::ProgressBars)), nothing otherwise; `()` reports
    /// nothing anywhere.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let (tx, rx) = std::sync::mpsc::channel::<rapidata::job::ProgressEvent>();
    /// let definition = builder.progress(tx).send()?;
    /// for event in rx.try_iter() {
    ///     println!("{} {:?} {}/{:?}", event.stage, event.kind, event.done, event.total);
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn progress(mut self, reporter: impl Reporter + 'static) -> Self {
        self.common.reporter = Some(SharedReporter::new(reporter));
        self
    }

    /// Runs every check that [`send`](Self::send) runs, without any request, and returns
    /// what it would send: the dataset and definition bodies and the datapoints.
    ///
    /// Fails with [`Error::InvalidInput`](crate::Error::InvalidInput), naming the argument,
    /// when an input is wrong: an empty name or instruction, an instruction over
    /// [`MAX_INSTRUCTION_CHARS`](crate::job::MAX_INSTRUCTION_CHARS) characters, no
    /// datapoints, contexts or metadata not one per datapoint, a context over
    /// [`MAX_CONTEXT_CHARS`](crate::job::MAX_CONTEXT_CHARS) characters, an invalid item, a
    /// threshold out of range, and the kind's own checks (a compare pair whose two items
    /// the results cannot tell apart, answer options not 2 to 8 unique ones, a text
    /// datapoint for locate, draw or timestamp, a sentence of fewer than two words, a
    /// ranking list of fewer than two items, …).
    ///
    /// ```
    /// let client = rapidata::Client::builder().token("t").env_lookup(|_| None).build()?;
    /// let builder = client
    ///     .job()
    ///     .create_compare_job_definition("Quality", "Which is better?", [["https://example.com/a.jpg", "https://example.com/b.jpg"]]);
    /// let checked = builder.validate()?;
    /// assert_eq!(checked.datapoint_count(), 1);
    /// assert_eq!(checked.dataset_body().name, "Quality_dataset");
    /// let body = checked.definition_body("dataset_id");
    /// assert_eq!(body.definition_name, "Quality");
    ///
    /// let empty = client.job().create_compare_job_definition("Quality", " ", [["https://example.com/a.jpg", "https://example.com/b.jpg"]]);
    /// assert!(empty.validate().unwrap_err().to_string().contains("instruction"));
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<ValidatedDefinition> {
        K::check(self)
    }

    /// Validates everything (no request on bad input, see [`validate`](Self::validate)),
    /// then creates the dataset, uploads the assets and datapoints (and, for a ranking,
    /// creates one dataset group per list) and creates the definition.
    ///
    /// Fails with [`Error::InvalidInput`](crate::Error::InvalidInput) before any request
    /// when an argument is wrong, and with [`Error::UploadFailed`](crate::Error::UploadFailed)
    /// (no definition created, resumable) when more datapoints failed to upload than the
    /// failure tolerance allows.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]])
    ///     .send()?;
    /// println!("{}", definition.id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<JobDefinition> {
        let checked = self.validate()?;
        create_definition(
            &self.client,
            checked.spec,
            checked.datapoints,
            self.common.reporter(),
        )
    }
}

impl<K: PerDatapoint> DefinitionBuilder<K> {
    /// How many responses to collect per datapoint (default 10). With a confidence or
    /// quorum threshold this is the maximum.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let definition = builder.responses_per_datapoint(25).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn responses_per_datapoint(mut self, n: u32) -> Self {
        self.common.responses_per_datapoint = n;
        self
    }

    /// One map of private metadata per datapoint: kept with the datapoint and returned in
    /// the results, never shown to labelers. An empty map is sent as `null`.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// use std::collections::BTreeMap;
    /// let meta = BTreeMap::from([("source".to_owned(), "batch-7".to_owned())]);
    /// let definition = builder.private_metadata(vec![meta]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn private_metadata(mut self, metadata: Vec<BTreeMap<String, String>>) -> Self {
        self.common.private_metadata = Some(metadata);
        self
    }
}

impl<K: Contextual> DefinitionBuilder<K> {
    /// One text context per datapoint, shown next to it (at most 400 characters each).
    ///
    /// A context over the limit is refused before any request is sent; use
    /// [`JobManager::shorten_contexts`](crate::job::JobManager::shorten_contexts) to have
    /// the server shorten long contexts first.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let definition = builder
    ///     .contexts(vec!["A small blue book sitting on a large red book.".to_owned()])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn contexts<I, S>(mut self, contexts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.common.contexts = Some(contexts.into_iter().map(Into::into).collect());
        self
    }

    /// One media context (image, video, audio: URL or file) per datapoint, shown next to
    /// it. Sent as `contextAsset`.
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let definition = builder
    ///     .media_contexts(["https://example.com/reference.jpg"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_contexts<I, D>(mut self, media: I) -> Self
    where
        I: IntoIterator<Item = D>,
        D: Into<DataItem>,
    {
        self.common.media_contexts = Some(media.into_iter().map(Into::into).collect());
        self
    }
}

impl<K: Votes> DefinitionBuilder<K> {
    /// Stop collecting responses for a datapoint once the answer is this certain
    /// (0 < t < 1, e.g. 0.99): an `EarlyStoppingReferee`. Cannot be combined with
    /// [`quorum_threshold`](Self::quorum_threshold).
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let definition = builder.responses_per_datapoint(20).confidence_threshold(0.99).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn confidence_threshold(mut self, threshold: f64) -> Self {
        self.common.confidence_threshold = Some(threshold);
        self
    }

    /// Stop collecting responses for a datapoint once this many agree (1 ≤ q ≤ responses
    /// per datapoint): a `QuorumReferee`. Cannot be combined with
    /// [`confidence_threshold`](Self::confidence_threshold).
    ///
    /// ```no_run
    /// # let builder = rapidata::Client::new()?.job().create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]]);
    /// let definition = builder.responses_per_datapoint(10).quorum_threshold(7).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn quorum_threshold(mut self, quorum: u32) -> Self {
        self.common.quorum_threshold = Some(quorum);
        self
    }
}
