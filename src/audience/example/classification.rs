//! Classification qualification examples: labelers choose among answer options and every
//! option of the truth counts as right.

use crate::api::types;
use crate::asset::{self, DataItem};
use crate::Result;

use super::super::handle::Audience;
use super::add::{AddExample, Body, TakesContext};
use super::checks::{validate_instruction, validate_media_context};

/// What only a classification example has: the answer options, the item and the right
/// options. The kind of [`AddClassificationExample`].
#[derive(Debug)]
pub struct ClassificationKind {
    options: Vec<String>,
    datapoint: DataItem,
    truth: Vec<String>,
}

impl TakesContext for ClassificationKind {}

/// Builder for [`Audience::add_classification_example`]. Nothing is checked or sent
/// before [`send`](AddExample::<ClassificationKind>::send).
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .add_classification_example("What animal is this?", ["Cat", "Dog"], "cat.jpg", ["Cat"])
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type AddClassificationExample = AddExample<ClassificationKind>;

/// The name this builder had before it owned its audience; the same builder.
pub type ClassificationExample<'a> = AddClassificationExample;

impl Audience {
    /// Starts adding a classification example (`POST /audience/{id}/example`): labelers
    /// see `datapoint` and must choose among `answer_options`; every option in `truth`
    /// counts as correct. Finish with [`send`](AddExample::<ClassificationKind>::send).
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
    ) -> AddClassificationExample
    where
        O: IntoIterator,
        O::Item: Into<String>,
        T: IntoIterator,
        T::Item: Into<String>,
    {
        let kind = ClassificationKind {
            options: answer_options.into_iter().map(Into::into).collect(),
            datapoint: datapoint.into(),
            truth: truth.into_iter().map(Into::into).collect(),
        };
        AddExample::new(self, instruction, kind)
    }
}

impl AddExample<ClassificationKind> {
    fn items(&self) -> Vec<DataItem> {
        self.with_media_context(std::slice::from_ref(&self.kind.datapoint))
    }

    fn body(&self, names: &[Option<String>]) -> Result<Body> {
        validate_instruction("instruction", &self.instruction)?;
        let k = &self.kind;
        crate::task_checks::options_and_truth("answer_options", &k.options, "truth", &k.truth)?;
        k.datapoint.validate("datapoint")?;
        validate_media_context(&self.common.media_context)?;
        let categories = k
            .options
            .iter()
            .map(|o| types::ExampleCategory::new(o.clone(), o.clone()))
            .collect();
        Ok(self.common.body(
            asset::asset_input(std::slice::from_ref(&k.datapoint), &names[..1]),
            types::IExamplePayloadClassifyExamplePayload::new(categories, self.instruction.clone())
                .into(),
            types::IExampleTruthClassifyExampleTruth::new(k.truth.clone()).into(),
            k.truth.len() as f64 / k.options.len() as f64,
            &names[1..],
        ))
    }

    /// Runs every check of [`send`](Self::send) without uploading or sending anything,
    /// and returns the body `send` would post, with a media datapoint or media context
    /// item named by its [`identifier`](DataItem::identifier) where `send` puts the
    /// server name its upload returns.
    ///
    /// ```no_run
    /// use rapidata::DataItem;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let body = audience
    ///     .add_classification_example("True?", ["Yes", "No"], DataItem::text("2 + 2 = 4"), ["Yes"])
    ///     .validate()?;
    /// assert_eq!(body.random_correct_probability, 0.5);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::AddExampleToAudienceEndpointInput> {
        self.planned(&self.items(), Self::body)
    }

    /// Checks every argument (nothing is uploaded or sent if one is invalid), uploads
    /// the datapoint (unless text) and media context in parallel, then adds the example.
    ///
    /// The categories are the answer options (label = value); `correctCategories` is the
    /// truth; `randomCorrectProbability` is `truth.len() / answer_options.len()`.
    ///
    /// Errors: [`Error::InvalidInput`](crate::Error::InvalidInput) for an empty or
    /// over-long (> 250 characters) instruction, empty or duplicate answer options, an
    /// empty truth or one not among the options, a missing or unreadable file, an invalid
    /// URL, or text in the media context; upload and API errors otherwise.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_classification_example("Which fruits?", ["Apple", "Pear", "Plum"], "bowl.jpg", ["Apple", "Pear"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<()> {
        self.upload_and_add(&self.items(), Self::body)
    }
}
