//! Select-words qualification examples: labelers must select exactly the truth words of a
//! sentence (by default; see the precision and completeness setters).

use crate::api::types;
use crate::asset::{self, DataItem};
use crate::task_checks;
use crate::Result;

use super::super::handle::Audience;
use super::add::{AddExample, Body};
use super::checks::validate_instruction;

/// What only a select-words example has: the item, the sentence, the truth words and
/// how strictly they are scored. The kind of [`AddSelectWordsExample`].
#[derive(Debug)]
pub struct SelectWordsKind {
    datapoint: DataItem,
    sentence: String,
    truths: Vec<usize>,
    required_precision: f64,
    required_completeness: f64,
}

/// Builder for [`Audience::add_select_words_example`]. Nothing is checked or sent before
/// [`send`](AddExample::<SelectWordsKind>::send).
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .add_select_words_example(
///         "Select the words not correctly depicted in the image.",
///         "https://assets.rapidata.ai/black_cat.jpg",
///         "a white cat on a sunny beach [No_mistakes]",
///         [1],
///     )
///     .explanation("The cat in the image is black, not white.")
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type AddSelectWordsExample = AddExample<SelectWordsKind>;

/// The name this builder had before it owned its audience; the same builder.
pub type SelectWordsExample<'a> = AddSelectWordsExample;

impl AddExample<SelectWordsKind> {
    /// The least share (0–1, default 1: no wrong word) of the selected words that must be
    /// truth words for the answer to count as right.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_select_words_example("Select the colours.", "a.jpg", "a red and blue car", [1, 3])
    ///     .required_precision(0.5)
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn required_precision(mut self, share: f64) -> Self {
        self.kind.required_precision = share;
        self
    }

    /// The least share (0–1, default 1: every truth word) of the truth words that must be
    /// selected for the answer to count as right.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_select_words_example("Select the colours.", "a.jpg", "a red and blue car", [1, 3])
    ///     .required_completeness(0.5)
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn required_completeness(mut self, share: f64) -> Self {
        self.kind.required_completeness = share;
        self
    }

    fn items(&self) -> Vec<DataItem> {
        vec![self.kind.datapoint.clone()]
    }

    fn body(&self, names: &[Option<String>]) -> Result<Body> {
        let k = &self.kind;
        validate_instruction("instruction", &self.instruction)?;
        task_checks::word_truths("sentence", &k.sentence, "truths", &k.truths)?;
        task_checks::share("required_precision", k.required_precision)?;
        task_checks::share("required_completeness", k.required_completeness)?;
        k.datapoint.validate("datapoint")?;
        // The sentence's words, split at single spaces as the official SDK splits them.
        let words: Vec<types::ExampleTranscriptionWord> = task_checks::words(&k.sentence)
            .iter()
            .enumerate()
            .map(|(i, w)| types::ExampleTranscriptionWord::new(w.to_string(), i as i32))
            .collect();
        let correct: Vec<types::ExampleTranscriptionWord> =
            k.truths.iter().map(|&t| words[t].clone()).collect();
        let probability = correct.len() as f64 / words.len() as f64;
        let mut body = self.common.body(
            asset::asset_input(std::slice::from_ref(&k.datapoint), names),
            types::IExamplePayloadTranscriptionExamplePayload::new(self.instruction.clone(), words)
                .into(),
            types::IExampleTruthTranscriptionExampleTruth {
                required_completeness: Some(Some(k.required_completeness)),
                required_precision: Some(Some(k.required_precision)),
                ..types::IExampleTruthTranscriptionExampleTruth::new(correct)
            }
            .into(),
            probability,
            &[],
        );
        // The official SDK sends no context with this kind.
        body.context = None;
        Ok(body)
    }

    /// Runs every check of [`send`](Self::send) without uploading or sending anything,
    /// and returns the body `send` would post, with a media datapoint named by its
    /// [`identifier`](DataItem::identifier) where `send` puts the server name its upload
    /// returns.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let body = audience
    ///     .add_select_words_example("Select the wrong words.", "https://example.com/dog.jpg", "a sleeping cat", [2])
    ///     .validate()?;
    /// assert!((body.random_correct_probability - 1.0 / 3.0).abs() < 1e-12);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::AddExampleToAudienceEndpointInput> {
        self.planned(&self.items(), Self::body)
    }

    /// Checks every argument (nothing is uploaded or sent if one is invalid), uploads the
    /// datapoint, then adds the example.
    ///
    /// The body follows the official SDK: payload `TranscriptionExamplePayload` with the
    /// instruction as title and the words with their 0-based indices, truth
    /// `TranscriptionExampleTruth` with the truth words and the required precision and
    /// completeness, `randomCorrectProbability` the truth words' share of all words, and
    /// no context.
    ///
    /// Errors: [`Error::InvalidInput`](crate::Error::InvalidInput) for an empty or over-long instruction, an empty
    /// sentence, no truth index, an index past the sentence's last word or given twice, a
    /// precision or completeness outside 0–1, a missing or unreadable file, an invalid
    /// URL; upload and API errors otherwise.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_select_words_example("Select the wrong words.", "dog.jpg", "a sleeping cat", [2])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<()> {
        self.upload_and_add(&self.items(), Self::body)
    }
}

impl Audience {
    /// Starts adding a select-words example (`POST /audience/{id}/example`): labelers see
    /// `datapoint` with `sentence` (split at spaces into words) and must select the words
    /// at the 0-based indices `truths`. Finish with
    /// [`send`](AddExample::<SelectWordsKind>::send).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_select_words_example(
    ///         "Select the words that do not match the image.",
    ///         "https://example.com/dog_on_grass.jpg",
    ///         "a dog on the snow [No_mistakes]",
    ///         [4],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn add_select_words_example(
        &self,
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        sentence: impl Into<String>,
        truths: impl IntoIterator<Item = usize>,
    ) -> AddSelectWordsExample {
        let kind = SelectWordsKind {
            datapoint: datapoint.into(),
            sentence: sentence.into(),
            truths: truths.into_iter().collect(),
            required_precision: 1.0,
            required_completeness: 1.0,
        };
        AddExample::new(self, instruction, kind)
    }
}
