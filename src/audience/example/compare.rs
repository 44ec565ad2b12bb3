//! Comparison qualification examples: labelers see two items and must pick the truth.

use crate::api::types;
use crate::asset::{self, DataItem};
use crate::Result;

use super::super::handle::Audience;
use super::add::{AddExample, Body, TakesContext};
use super::checks::{validate_instruction, validate_media_context};

/// What only a comparison example has: the two items and the one that wins. The kind of
/// [`AddCompareExample`].
#[derive(Debug)]
pub struct CompareKind {
    datapoint: Vec<DataItem>,
    truth: DataItem,
}

impl TakesContext for CompareKind {}

/// Builder for [`Audience::add_compare_example`]. Nothing is checked or sent before
/// [`send`](AddExample::<CompareKind>::send).
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
pub type AddCompareExample = AddExample<CompareKind>;

/// The name this builder had before it owned its audience; the same builder.
pub type CompareExample<'a> = AddCompareExample;

impl Audience {
    /// Starts adding a comparison example (`POST /audience/{id}/example`): labelers see
    /// the two `datapoint` items and must pick `truth`. Finish with
    /// [`send`](AddExample::<CompareKind>::send).
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
    ) -> AddCompareExample
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        let kind = CompareKind {
            datapoint: datapoint.into_iter().map(Into::into).collect(),
            truth: truth.into(),
        };
        AddExample::new(self, instruction, kind)
    }
}

impl AddExample<CompareKind> {
    fn items(&self) -> Vec<DataItem> {
        self.with_media_context(&self.kind.datapoint)
    }

    fn body(&self, names: &[Option<String>]) -> Result<Body> {
        validate_instruction("instruction", &self.instruction)?;
        let k = &self.kind;
        let truth = crate::task_checks::compare("datapoint", &k.datapoint, "truth", &k.truth)?;
        validate_media_context(&self.common.media_context)?;
        let winner_id = match &k.datapoint[truth] {
            DataItem::Text(text) => text.clone(),
            _ => names[truth].clone().expect("media items have names"),
        };
        Ok(self.common.body(
            asset::asset_input(&k.datapoint, &names[..2]),
            types::IExamplePayloadCompareExamplePayload::new(self.instruction.clone()).into(),
            types::IExampleTruthCompareExampleTruth::new(winner_id).into(),
            0.5,
            &names[2..],
        ))
    }

    /// Runs every check of [`send`](Self::send) without uploading or sending anything,
    /// and returns the body `send` would post, with each media item (URL or file) named
    /// by its [`identifier`](DataItem::identifier) where `send` puts the server name its
    /// upload returns (in `asset` and in the truth's `winnerId`).
    ///
    /// ```no_run
    /// use rapidata::DataItem;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let example = audience.add_compare_example(
    ///     "Which text is more polite?",
    ///     [DataItem::text("Please sit down."), DataItem::text("Sit.")],
    ///     "Please sit down.",
    /// );
    /// let body = example.validate()?;
    /// assert_eq!(body.random_correct_probability, 0.5);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::AddExampleToAudienceEndpointInput> {
        self.planned(&self.items(), Self::body)
    }

    /// Checks every argument (nothing is uploaded or sent if one is invalid), uploads
    /// the media items and media context in parallel, then adds the example.
    ///
    /// The body follows the official SDK: `asset` is a two-item `MultiAssetInput` in the
    /// given order, the truth's `winnerId` is the uploaded file name of the truth item (or
    /// the text itself for text items), `randomCorrectProbability` is 0.5.
    ///
    /// Errors: [`Error::InvalidInput`](crate::Error::InvalidInput) for an empty or
    /// over-long (> 250 characters) instruction, a datapoint without exactly two
    /// different items, a truth that is not one of them, a missing or unreadable file, an
    /// invalid URL, or text in the media context; upload and API errors otherwise.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_compare_example("Which image is sharper?", ["a.png", "b.png"], "b.png")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<()> {
        self.upload_and_add(&self.items(), Self::body)
    }
}
