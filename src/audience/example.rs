//! Qualification examples: tasks with a known answer that labelers must get right to join
//! an audience.

use crate::api::{operations, types};
use crate::asset::{self, DataItem};
use crate::flow::paging::{PageCounts, Pager};
use crate::flow::reconcile::{resend, AfterLoss};
use crate::settings::Setting;
use crate::{Error, Result};

use super::handle::Audience;

/// The longest instruction the API accepts, in characters.
pub(crate) const MAX_INSTRUCTION_CHARS: usize = 250;
/// Examples fetched per page by [`Audience::examples`].
const EXAMPLES_PAGE_SIZE: i64 = 100;
/// The most examples [`Audience::examples`] lists (so at most 1,000 pages): far more than
/// an audience's qualification needs.
const MAX_EXAMPLES: u64 = 100_000;

/// Checks an instruction: not empty, at most 250 characters.
pub(crate) fn validate_instruction(argument: &str, instruction: &str) -> Result<()> {
    if instruction.trim().is_empty() {
        return Err(Error::invalid_input(
            argument,
            instruction,
            "must not be empty",
        ));
    }
    let chars = instruction.chars().count();
    if chars > MAX_INSTRUCTION_CHARS {
        return Err(Error::invalid_input(
            argument,
            instruction,
            format!("is {chars} characters long; the API accepts at most {MAX_INSTRUCTION_CHARS}"),
        ));
    }
    Ok(())
}

/// Checks media-context items (argument `media_context`): media only, each valid.
fn validate_media_context(items: &[DataItem]) -> Result<()> {
    crate::task_checks::media_context("media_context", items)
}

/// Uploads `items` (in parallel) and returns their server names, or the first failure.
fn upload_names(audience: &Audience, items: &[DataItem]) -> Result<Vec<Option<String>>> {
    asset::upload_all(audience.client_ref(), items)
        .into_iter()
        .collect()
}

/// Adds an example (`POST /audience/{id}/example`) exactly once.
///
/// The create answers no id, so after a failure that may have been carried out (the
/// answer was lost) the audience's examples are listed: an example with the same asset
/// (uploaded file names or texts), context, instruction and truth means it was created;
/// otherwise the request is sent again, up to
/// [`CREATE_ATTEMPTS`](crate::flow::reconcile::CREATE_ATTEMPTS) times. (An identical
/// example that was already there is taken for this one: the audience holds it either way.)
fn add_example(audience: &Audience, body: types::AddExampleToAudienceEndpointInput) -> Result<()> {
    let client = audience.client_ref();
    let op = operations::PostAudienceByAudienceIdExample::new(audience.id(), body.clone());
    resend(
        client,
        "example",
        || client.send(&op).map(drop),
        |err| match audience.examples() {
            Ok(existing) if existing.iter().any(|e| is_same_example(&e.raw, &body)) => {
                log::debug!("the example was added although its answer was lost ({err})");
                AfterLoss::Created(())
            }
            Ok(_) => AfterLoss::NotCreated(err),
            Err(list_err) => {
                log::warn!("could not check whether the example was added ({list_err})");
                AfterLoss::Give(err)
            }
        },
    )
}

/// Whether a listed example is the one `body` describes.
fn is_same_example(
    listed: &types::QueryExamplesForAudienceEndpointOutput,
    body: &types::AddExampleToAudienceEndpointInput,
) -> bool {
    listed.context.clone().flatten() == body.context.clone().flatten()
        && payload_instruction(&listed.payload) == payload_instruction(&body.payload)
        && (listed.truth.is_none() || listed.truth == body.truth)
        && same_asset(&listed.asset, &body.asset)
}

/// The instruction of an example payload (criteria, title or target).
fn payload_instruction(payload: &types::IExamplePayload) -> Option<&str> {
    use types::IExamplePayload as P;
    match payload {
        P::ClassifyExamplePayload(p) => Some(&p.title),
        P::TranscriptionExamplePayload(p) => Some(&p.title),
        P::CompareExamplePayload(p) => Some(&p.criteria),
        P::LineExamplePayload(p) => Some(&p.target),
        P::LocateExamplePayload(p) => Some(&p.target),
        P::ScrubExamplePayload(p) => Some(&p.target),
        // `Unknown`, or a kind added to the documents later: no instruction we can read.
        _ => None,
    }
}

/// Whether a listed asset is the one sent as `sent`.
pub(crate) fn same_asset(listed: &types::IAsset, sent: &types::IAssetInput) -> bool {
    use types::{IAsset as L, IAssetInput as S};
    match (listed, sent) {
        (L::FileAsset(l), S::ExistingAssetInput(s)) => l.file_name == s.name,
        (L::TextAsset(l), S::TextAssetInput(s)) => l.text == s.text,
        (L::MultiAsset(l), S::MultiAssetInput(s)) => {
            l.assets.len() == s.assets.len()
                && l.assets
                    .iter()
                    .zip(&s.assets)
                    .all(|(l, s)| same_asset(l, s))
        }
        _ => false,
    }
}

/// The fields every example body shares.
struct Common {
    context: Option<String>,
    media_context: Vec<DataItem>,
    explanation: Option<String>,
    settings: Vec<Setting>,
}

impl Common {
    fn new() -> Common {
        Common {
            context: None,
            media_context: Vec::new(),
            explanation: None,
            settings: Vec::new(),
        }
    }

    /// The body: `explanation`, `context` and `featureFlags` always present (`null` when
    /// unset), `contextAsset` only with media context.
    fn body(
        &self,
        asset: types::IAssetInput,
        payload: types::IExamplePayload,
        truth: types::IExampleTruth,
        random_correct_probability: f64,
        context_names: &[Option<String>],
    ) -> types::AddExampleToAudienceEndpointInput {
        let feature_flags = if self.settings.is_empty() {
            None
        } else {
            Some(self.settings.iter().map(Setting::to_feature_flag).collect())
        };
        types::AddExampleToAudienceEndpointInput {
            truth: Some(truth),
            explanation: Some(self.explanation.clone()),
            context: Some(self.context.clone()),
            context_asset: (!self.media_context.is_empty())
                .then(|| asset::asset_input(&self.media_context, context_names)),
            feature_flags: Some(feature_flags),
            ..types::AddExampleToAudienceEndpointInput::new(
                asset,
                payload,
                random_correct_probability,
            )
        }
    }
}

impl Common {
    /// Uploads a one-item example's `datapoint` and media context (in parallel), then adds
    /// the example with the body of [`Common::body`].
    fn send_single(
        &self,
        audience: &Audience,
        datapoint: &DataItem,
        payload: types::IExamplePayload,
        truth: types::IExampleTruth,
        random_correct_probability: f64,
    ) -> Result<()> {
        let mut items = vec![datapoint.clone()];
        items.extend(self.media_context.iter().cloned());
        let names = upload_names(audience, &items)?;
        let body = self.body(
            asset::asset_input(std::slice::from_ref(datapoint), &names[..1]),
            payload,
            truth,
            random_correct_probability,
            &names[1..],
        );
        add_example(audience, body)
    }
}

/// The context setters of an example builder: text and media shown with the task.
macro_rules! context_setters {
    ($builder:ident, $example:literal) => {
        impl $builder<'_> {
            /// Text shown with the task (for example the prompt the images were made from).
            ///
            /// ```no_run
            /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
            #[doc = $example]
            ///     .context("A small blue book sitting on a large red book.")
            ///     .send()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn context(mut self, context: impl Into<String>) -> Self {
                self.common.context = Some(context.into());
                self
            }

            /// Images, videos or audio shown with the task (URLs or local files, uploaded
            /// when sending; text is not allowed here). One item is sent as a single asset,
            /// several as a multi-asset.
            ///
            /// ```no_run
            /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
            #[doc = $example]
            ///     .media_context(["https://example.com/reference.jpg"])
            ///     .send()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn media_context<I>(mut self, items: I) -> Self
            where
                I: IntoIterator,
                I::Item: Into<DataItem>,
            {
                self.common.media_context = items.into_iter().map(Into::into).collect();
                self
            }
        }
    };
}

/// The setters every example builder has: explanation and settings.
macro_rules! base_setters {
    ($builder:ident, $example:literal) => {
        impl $builder<'_> {
            /// Why the truth is correct, shown to labelers who answer wrongly.
            ///
            /// ```no_run
            /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
            #[doc = $example]
            ///     .explanation("Only the first image shows the text.")
            ///     .send()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn explanation(mut self, explanation: impl Into<String>) -> Self {
                self.common.explanation = Some(explanation.into());
                self
            }

            /// Settings for how the task is shown (replaces settings given before).
            ///
            /// ```no_run
            /// use rapidata::Setting;
            /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
            #[doc = $example]
            ///     .settings([Setting::no_shuffle(), Setting::mute_video()])
            ///     .send()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn settings(mut self, settings: impl IntoIterator<Item = Setting>) -> Self {
                self.common.settings = settings.into_iter().collect();
                self
            }

            /// Adds one setting.
            ///
            /// ```no_run
            /// use rapidata::Setting;
            /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
            #[doc = $example]
            ///     .setting(Setting::no_shuffle())
            ///     .send()?;
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn setting(mut self, setting: Setting) -> Self {
                self.common.settings.push(setting);
                self
            }
        }
    };
}

/// Every example setter: the compare, classification and locate examples have them all.
macro_rules! common_setters {
    ($builder:ident, $example:literal) => {
        context_setters!($builder, $example);
        base_setters!($builder, $example);
    };
}

// The other example kinds, each in its own file (after the setter macro, which they use).
mod locate;
mod select_words;

pub(crate) use locate::coverage;
pub use locate::{BoundingBox, DrawExample, LocateExample};
pub use select_words::SelectWordsExample;

impl Audience {
    /// Starts adding a comparison example (`POST /audience/{id}/example`): labelers see
    /// the two `datapoint` items and must pick `truth`. Finish with
    /// [`CompareExample::send`].
    ///
    /// Items are URLs, local files (both uploaded) or texts ([`DataItem::text`]); strings
    /// are URLs when they start with `http(s)://`, file paths otherwise. `truth` must be
    /// one of the two items (a plain string also matches a text item with that text).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let datapoint = [
    ///     "https://assets.rapidata.ai/flux_duck.jpg",
    ///     "https://assets.rapidata.ai/mj_duck.jpg",
    /// ];
    /// audience
    ///     .add_compare_example("Which image follows the prompt more accurately?", datapoint, datapoint[0])
    ///     .context("A psychedelic duck with glasses")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn add_compare_example<I>(
        &self,
        instruction: impl Into<String>,
        datapoint: I,
        truth: impl Into<DataItem>,
    ) -> CompareExample<'_>
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        CompareExample {
            audience: self,
            instruction: instruction.into(),
            datapoint: datapoint.into_iter().map(Into::into).collect(),
            truth: truth.into(),
            common: Common::new(),
        }
    }

    /// Starts adding a classification example (`POST /audience/{id}/example`): labelers
    /// see `datapoint` and must choose among `answer_options`; every option in `truth`
    /// counts as correct. Finish with [`ClassificationExample::send`].
    ///
    /// ```no_run
    /// use rapidata::DataItem;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_classification_example(
    ///         "Is the statement true?",
    ///         ["True", "False"],
    ///         DataItem::text("The sky is green."),
    ///         ["False"],
    ///     )
    ///     .explanation("Grass is green, not the sky.")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn add_classification_example<O, T>(
        &self,
        instruction: impl Into<String>,
        answer_options: O,
        datapoint: impl Into<DataItem>,
        truth: T,
    ) -> ClassificationExample<'_>
    where
        O: IntoIterator,
        O::Item: Into<String>,
        T: IntoIterator,
        T::Item: Into<String>,
    {
        ClassificationExample {
            audience: self,
            instruction: instruction.into(),
            options: answer_options.into_iter().map(Into::into).collect(),
            datapoint: datapoint.into(),
            truth: truth.into_iter().map(Into::into).collect(),
            common: Common::new(),
        }
    }

    /// Every qualification example of the audience (`GET /audience/{id}/examples`, all
    /// pages).
    ///
    /// Paging follows what the server sends, not what it claims: it stops at the first
    /// empty, short or repeated page whatever `total` and `totalPages` say, and after at
    /// most 1,000 pages of 100.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for example in audience.examples()? {
    ///     println!("{}: {} right, {} wrong", example.id(), example.correct_count(), example.incorrect_count());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn examples(&self) -> Result<Vec<Example>> {
        let mut examples = Vec::new();
        let mut pager = Pager::new("examples", EXAMPLES_PAGE_SIZE, MAX_EXAMPLES);
        loop {
            let mut op = operations::GetAudienceByAudienceIdExamples::new(self.id());
            op.page = Some(pager.page());
            op.page_size = Some(EXAMPLES_PAGE_SIZE);
            let out = self.client_ref().send(&op)?;
            let items = out.items.len();
            let before = examples.len();
            for raw in out.items {
                if pager.is_new(&raw.id) {
                    examples.push(Example { raw });
                }
            }
            let more = pager.advance(PageCounts {
                items,
                new_items: examples.len() - before,
                page_size: Some(i64::from(out.page_size)),
                total: Some(out.total),
                total_pages: out.total_pages.map(i64::from),
            });
            if !more {
                break;
            }
        }
        Ok(examples)
    }

    /// Starts changing the example `example_id` (`PATCH /audience/{id}/example/{exampleId}`);
    /// only the fields set on the builder are sent. Finish with [`UpdateExample::send`].
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .update_example("ex_1")
    ///     .explanation("Look at the lettering.")
    ///     .clear_context()
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn update_example(&self, example_id: impl Into<String>) -> UpdateExample<'_> {
        UpdateExample {
            audience: self,
            example_id: example_id.into(),
            body: types::UpdateAudienceExampleEndpointInput::new(),
            media_context: None,
        }
    }

    /// Deletes the example `example_id` (`DELETE /audience/example/{exampleId}`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.delete_example("ex_1")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn delete_example(&self, example_id: impl Into<String>) -> Result<()> {
        let id = example_id.into();
        crate::error::require_id("example_id", &id)?;
        self.client_ref()
            .send(&operations::DeleteAudienceExampleByExampleId::new(id))?;
        Ok(())
    }
}

/// Builder for [`Audience::add_compare_example`]. Nothing is checked or sent before
/// [`send`](CompareExample::send).
///
/// ```no_run
/// use rapidata::DataItem;
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .add_compare_example(
///         "Which text is more polite?",
///         [DataItem::text("Please sit down."), DataItem::text("Sit.")],
///         "Please sit down.",
///     )
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is called"]
pub struct CompareExample<'a> {
    audience: &'a Audience,
    instruction: String,
    datapoint: Vec<DataItem>,
    truth: DataItem,
    common: Common,
}

common_setters!(
    CompareExample,
    " audience.add_compare_example(\"Which is better?\", [\"a.jpg\", \"b.jpg\"], \"a.jpg\")"
);

impl CompareExample<'_> {
    fn validate(&self) -> Result<usize> {
        validate_instruction("instruction", &self.instruction)?;
        let truth =
            crate::task_checks::compare("datapoint", &self.datapoint, "truth", &self.truth)?;
        validate_media_context(&self.common.media_context)?;
        Ok(truth)
    }

    /// Checks every argument (nothing is uploaded or sent if one is invalid), uploads
    /// the media items and media context in parallel, then adds the example.
    ///
    /// The body follows the official SDK: `asset` is a two-item `MultiAssetInput` in the
    /// given order, the truth's `winnerId` is the uploaded file name of the truth item (or
    /// the text itself for text items), `randomCorrectProbability` is 0.5.
    ///
    /// Errors: [`Error::InvalidInput`] for an empty or over-long (> 250 characters)
    /// instruction, a datapoint without exactly two different items, a truth that is not
    /// one of them, a missing or unreadable file, an invalid URL, or text in the media
    /// context; upload and API errors otherwise.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_compare_example("Which image is sharper?", ["a.png", "b.png"], "b.png")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<()> {
        let truth = self.validate()?;
        let mut items = self.datapoint.clone();
        items.extend(self.common.media_context.iter().cloned());
        let names = upload_names(self.audience, &items)?;
        let winner_id = match &self.datapoint[truth] {
            DataItem::Text(text) => text.clone(),
            _ => names[truth].clone().expect("media items have names"),
        };
        let body = self.common.body(
            asset::asset_input(&self.datapoint, &names[..2]),
            types::IExamplePayloadCompareExamplePayload::new(self.instruction.clone()).into(),
            types::IExampleTruthCompareExampleTruth::new(winner_id).into(),
            0.5,
            &names[2..],
        );
        add_example(self.audience, body)
    }
}

/// Builder for [`Audience::add_classification_example`]. Nothing is checked or sent before
/// [`send`](ClassificationExample::send).
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .add_classification_example("What animal is this?", ["Cat", "Dog"], "cat.jpg", ["Cat"])
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is called"]
pub struct ClassificationExample<'a> {
    audience: &'a Audience,
    instruction: String,
    options: Vec<String>,
    datapoint: DataItem,
    truth: Vec<String>,
    common: Common,
}

common_setters!(
    ClassificationExample,
    " audience.add_classification_example(\"Animal?\", [\"Cat\", \"Dog\"], \"cat.jpg\", [\"Cat\"])"
);

impl ClassificationExample<'_> {
    fn validate(&self) -> Result<()> {
        validate_instruction("instruction", &self.instruction)?;
        crate::task_checks::options_and_truth(
            "answer_options",
            &self.options,
            "truth",
            &self.truth,
        )?;
        self.datapoint.validate("datapoint")?;
        validate_media_context(&self.common.media_context)
    }

    /// Checks every argument (nothing is uploaded or sent if one is invalid), uploads
    /// the datapoint (unless text) and media context in parallel, then adds the example.
    ///
    /// The categories are the answer options (label = value); `correctCategories` is the
    /// truth; `randomCorrectProbability` is `truth.len() / answer_options.len()`.
    ///
    /// Errors: [`Error::InvalidInput`] for an empty or over-long (> 250 characters)
    /// instruction, empty or duplicate answer options, an empty truth or one not among the
    /// options, a missing or unreadable file, an invalid URL, or text in the media
    /// context; upload and API errors otherwise.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_classification_example("Which fruits?", ["Apple", "Pear", "Plum"], "bowl.jpg", ["Apple", "Pear"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<()> {
        self.validate()?;
        self.common.send_single(
            self.audience,
            &self.datapoint,
            types::IExamplePayloadClassifyExamplePayload::new(
                self.options
                    .iter()
                    .map(|o| types::ExampleCategory::new(o.clone(), o.clone()))
                    .collect(),
                self.instruction.clone(),
            )
            .into(),
            types::IExampleTruthClassifyExampleTruth::new(self.truth.clone()).into(),
            self.truth.len() as f64 / self.options.len() as f64,
        )
    }
}

impl std::fmt::Debug for Common {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Common")
            .field("context", &self.context)
            .field("media_context", &self.media_context)
            .field("explanation", &self.explanation)
            .field("settings", &self.settings)
            .finish()
    }
}

/// Builder for [`Audience::update_example`]: a `PATCH` that changes only the fields set.
///
/// Fields the API lets you clear have `clear_*` setters that send an explicit `null`.
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .update_example("ex_1")
///     .classification_truth(["Cat"])
///     .random_correct_probability(0.5)
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is called"]
pub struct UpdateExample<'a> {
    audience: &'a Audience,
    example_id: String,
    body: types::UpdateAudienceExampleEndpointInput,
    media_context: Option<Vec<DataItem>>,
}

impl UpdateExample<'_> {
    /// A new instruction (at most 250 characters; sent as `instructionText`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").instruction("Which image is sharper?").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn instruction(mut self, instruction: impl Into<String>) -> Self {
        self.body.instruction_text = Some(instruction.into());
        self
    }

    /// A new truth for a comparison: the winner's server file name (see
    /// [`Example::asset`]) or, for text comparisons, the winning text.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").compare_truth("e8563fc4.jpg").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn compare_truth(mut self, winner_id: impl Into<String>) -> Self {
        self.body.truth = Some(Some(
            types::IExampleTruthCompareExampleTruth::new(winner_id.into()).into(),
        ));
        self
    }

    /// A new truth for a classification: the correct categories (at least one).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").classification_truth(["Dog"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn classification_truth<I>(mut self, categories: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.body.truth = Some(Some(
            types::IExampleTruthClassifyExampleTruth::new(
                categories.into_iter().map(Into::into).collect(),
            )
            .into(),
        ));
        self
    }

    /// A new truth of any kind, in the API's form.
    ///
    /// ```no_run
    /// use rapidata::api::types::{IExampleTruth, IExampleTruthCompareExampleTruth};
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let truth = IExampleTruth::from(IExampleTruthCompareExampleTruth::new("a.jpg".into()));
    /// audience.update_example("ex_1").truth(truth).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn truth(mut self, truth: types::IExampleTruth) -> Self {
        self.body.truth = Some(Some(truth));
        self
    }

    /// A new explanation.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").explanation("Count the fingers.").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn explanation(mut self, explanation: impl Into<String>) -> Self {
        self.body.explanation = Some(Some(explanation.into()));
        self
    }

    /// Removes the explanation (sends `"explanation": null`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").clear_explanation().send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn clear_explanation(mut self) -> Self {
        self.body.explanation = Some(None);
        self
    }

    /// A new context text.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").context("A red car.").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.body.context = Some(Some(context.into()));
        self
    }

    /// Removes the context text (sends `"context": null`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").clear_context().send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn clear_context(mut self) -> Self {
        self.body.context = Some(None);
        self
    }

    /// New media context (URLs or files, uploaded when sending).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").media_context(["ref.jpg"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_context<I>(mut self, items: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        self.media_context = Some(items.into_iter().map(Into::into).collect());
        self.body.context_asset = None;
        self
    }

    /// Removes the media context (sends `"contextAsset": null`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").clear_media_context().send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn clear_media_context(mut self) -> Self {
        self.media_context = None;
        self.body.context_asset = Some(None);
        self
    }

    /// The chance (0 to 1) of answering correctly by guessing.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").random_correct_probability(0.25).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn random_correct_probability(mut self, probability: f64) -> Self {
        self.body.random_correct_probability = Some(Some(probability));
        self
    }

    /// The example's position in the order examples are shown.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").sort_index(0).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn sort_index(mut self, index: i32) -> Self {
        self.body.sort_index = Some(index);
        self
    }

    fn validate(&self) -> Result<()> {
        crate::error::require_id("example_id", &self.example_id)?;
        if let Some(Some(types::IExampleTruth::CompareExampleTruth(t))) = &self.body.truth {
            crate::error::require_id("winner_id", &t.winner_id)?;
        }
        if let Some(instruction) = &self.body.instruction_text {
            validate_instruction("instruction", instruction)?;
        }
        if let Some(Some(types::IExampleTruth::ClassifyExampleTruth(t))) = &self.body.truth {
            if t.correct_categories.is_empty() {
                return Err(Error::invalid_input(
                    "truth",
                    &t.correct_categories,
                    "give at least one correct category",
                ));
            }
        }
        if let Some(Some(p)) = self.body.random_correct_probability {
            if !(0.0..=1.0).contains(&p) {
                return Err(Error::invalid_input(
                    "random_correct_probability",
                    p,
                    "must be a number from 0 to 1",
                ));
            }
        }
        if let Some(items) = &self.media_context {
            if items.is_empty() {
                return Err(Error::invalid_input(
                    "media_context",
                    items,
                    "give at least one item (use clear_media_context to remove it)",
                ));
            }
            validate_media_context(items)?;
        }
        Ok(())
    }

    /// Checks the values (nothing is uploaded or sent if one is invalid), uploads new
    /// media context, then sends the `PATCH`.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").sort_index(3).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(mut self) -> Result<()> {
        self.validate()?;
        if let Some(items) = &self.media_context {
            let names = upload_names(self.audience, items)?;
            self.body.context_asset = Some(Some(asset::asset_input(items, &names)));
        }
        self.audience.client_ref().send(
            &operations::PatchAudienceByAudienceIdExampleByExampleId::new(
                self.audience.id(),
                self.example_id,
                self.body,
            ),
        )
    }
}

/// A qualification example as read from the API ([`Audience::examples`]).
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// let examples = audience.examples()?;
/// let hardest = examples.iter().max_by_key(|e| e.incorrect_count());
/// # Ok::<(), rapidata::Error>(())
/// ```
///
/// Serialized as the API's example record (camelCase, as `GET /audience/{id}/examples`
/// returns it).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Example {
    raw: types::QueryExamplesForAudienceEndpointOutput,
}

impl Example {
    /// The example id (for [`Audience::update_example`] and [`Audience::delete_example`]).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{}", e.id());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.raw.id
    }

    /// The instruction: a comparison's criteria, a classification's title, or the target
    /// of locate/line/scrub examples.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{}", e.instruction().unwrap_or("?"));
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn instruction(&self) -> Option<&str> {
        payload_instruction(&self.raw.payload)
    }

    /// The asset shown (files carry their server `fileName`; its URL is
    /// `https://assets.<environment>/<fileName>`).
    ///
    /// ```no_run
    /// use rapidata::api::types::IAsset;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     if let IAsset::MultiAsset(multi) = e.asset() {
    ///         println!("{} items", multi.assets.len());
    ///     }
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn asset(&self) -> &types::IAsset {
        &self.raw.asset
    }

    /// The task shown (`CompareExamplePayload`, `ClassifyExamplePayload`, …).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.payload());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn payload(&self) -> &types::IExamplePayload {
        &self.raw.payload
    }

    /// The correct answer, if the API returned it.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.truth());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn truth(&self) -> Option<&types::IExampleTruth> {
        self.raw.truth.as_ref()
    }

    /// The context text, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{}", e.context().unwrap_or(""));
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context(&self) -> Option<&str> {
        self.raw.context.as_ref().and_then(|c| c.as_deref())
    }

    /// The media context, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let with_media = audience.examples()?.iter().filter(|e| e.context_asset().is_some()).count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context_asset(&self) -> Option<&types::IAsset> {
        self.raw.context_asset.as_ref()
    }

    /// The explanation, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let unexplained = audience.examples()?.iter().filter(|e| e.explanation().is_none()).count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn explanation(&self) -> Option<&str> {
        self.raw.explanation.as_ref().and_then(|e| e.as_deref())
    }

    /// How often labelers answered correctly.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let answers: u64 = audience.examples()?.iter().map(|e| e.correct_count()).sum();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn correct_count(&self) -> u64 {
        self.raw.correct_count.max(0) as u64
    }

    /// How often labelers answered wrongly.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let mistakes: u64 = audience.examples()?.iter().map(|e| e.incorrect_count()).sum();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn incorrect_count(&self) -> u64 {
        self.raw.incorrect_count.max(0) as u64
    }

    /// The chance of answering correctly by guessing, if returned.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.random_correct_probability());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn random_correct_probability(&self) -> Option<f64> {
        self.raw.random_correct_probability
    }

    /// The position in the order examples are shown, if returned.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let mut examples = audience.examples()?;
    /// examples.sort_by_key(|e| e.sort_index());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn sort_index(&self) -> Option<i32> {
        self.raw.sort_index
    }

    /// Everything the API returned for this example.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.as_api().visibility);
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn as_api(&self) -> &types::QueryExamplesForAudienceEndpointOutput {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_example_is_recognised_by_asset_context_instruction_and_truth() {
        let listed = |context: &str, a: &str, criteria: &str, winner: &str| {
            serde_json::from_value::<types::QueryExamplesForAudienceEndpointOutput>(
                serde_json::json!({
                    "id": "ex_1", "correctCount": 0, "incorrectCount": 0, "context": context,
                    "asset": {"_t": "MultiAsset", "identifier": "", "metadata": {}, "assets": [
                        {"_t": "FileAsset", "fileName": a, "identifier": "x", "metadata": {}},
                        {"_t": "TextAsset", "text": "t", "identifier": "t", "metadata": {}}]},
                    "payload": {"_t": "CompareExamplePayload", "criteria": criteria},
                    "truth": {"_t": "CompareExampleTruth", "winnerId": winner}
                }),
            )
            .unwrap()
        };
        let mut common = Common::new();
        common.context = Some("prompt".into());
        let body = common.body(
            asset::asset_input(
                &[DataItem::url("https://e.com/a.jpg"), DataItem::text("t")],
                &[Some("srv_a.jpg".into()), None],
            ),
            types::IExamplePayloadCompareExamplePayload::new("Which?".into()).into(),
            types::IExampleTruthCompareExampleTruth::new("srv_a.jpg".into()).into(),
            0.5,
            &[],
        );
        assert!(is_same_example(
            &listed("prompt", "srv_a.jpg", "Which?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("other", "srv_a.jpg", "Which?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("prompt", "srv_b.jpg", "Which?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("prompt", "srv_a.jpg", "Which not?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("prompt", "srv_a.jpg", "Which?", "t"),
            &body
        ));
    }

    #[test]
    fn instructions_are_limited_to_250_characters() {
        assert!(validate_instruction("instruction", &"é".repeat(250)).is_ok());
        let err = validate_instruction("instruction", &"é".repeat(251)).unwrap_err();
        let e = err.as_invalid_input().unwrap();
        assert_eq!(e.argument(), "instruction");
        assert!(e.reason().contains("251"));
        assert!(validate_instruction("instruction", "  ").is_err());
    }
}
