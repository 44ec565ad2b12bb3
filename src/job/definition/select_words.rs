//! Select-words job definitions: labelers see each datapoint with a sentence (split at
//! whitespace into words) and select the words the instruction asks for, e.g. the words
//! an image does not depict.
//!
//! The audience can be trained with select-words examples
//! ([`Audience::add_select_words_example`](crate::audience::Audience::add_select_words_example)).

use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::builder::{sealed, DefinitionBuilder, Kind, PerDatapoint};
use super::checks::{check_sentences, single_items};
use super::spec::{TaskSpec, ValidatedDefinition};

/// The select-words kind: its items and their sentences. See
/// [`SelectWordsDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct SelectWords {
    datapoints: Vec<DataItem>,
    sentences: Vec<String>,
}

impl Kind for SelectWords {}
impl PerDatapoint for SelectWords {}

impl sealed::Sealed for SelectWords {
    /// Besides the shared checks: one sentence of at least two words per datapoint, which
    /// then travels with it.
    fn check(b: &DefinitionBuilder<SelectWords>) -> Result<ValidatedDefinition> {
        let sentences = &b.kind.sentences;
        check_sentences(sentences, b.kind.datapoints.len())?;
        let task = TaskSpec::SelectWords {
            instruction: b.instruction.clone(),
        };
        let items = single_items(&b.kind.datapoints);
        let mut checked = b.common.validate(&b.name, &b.instruction, items, task)?;
        for dp in &mut checked.datapoints {
            dp.sentence = Some(sentences[dp.index].clone());
        }
        Ok(checked)
    }
}

/// Builder for a select-words job definition; from
/// [`JobManager::create_select_words_job_definition`].
///
/// Like the official SDK's, it has no contexts (the sentence takes their place) and no
/// confidence or quorum threshold.
///
/// ```no_run
/// let definition = rapidata::Client::new()?
///     .job()
///     .create_select_words_job_definition(
///         "Image-Text Alignment",
///         "Select the words not correctly depicted in the image.",
///         ["https://assets.rapidata.ai/cat_couch.jpg"],
///         ["A cat on a red couch [No_mistakes]"],
///     )
///     .responses_per_datapoint(15)
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type SelectWordsDefinitionBuilder = DefinitionBuilder<SelectWords>;

impl JobManager {
    /// Starts a select-words job definition: labelers see each datapoint (image, video,
    /// audio) with its sentence from `sentences` (one per datapoint, split at whitespace)
    /// and select the words `instruction` asks for. Finish it with
    /// [`send`](DefinitionBuilder::send).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_select_words_job_definition(
    ///         "Caption check",
    ///         "Select the words that do not match the image.",
    ///         ["https://example.com/1.jpg", "https://example.com/2.jpg"],
    ///         ["A dog on a beach [No_mistakes]", "Two red apples [No_mistakes]"],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_select_words_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
        sentences: impl IntoIterator<Item = impl Into<String>>,
    ) -> SelectWordsDefinitionBuilder {
        let kind = SelectWords {
            datapoints: datapoints.into_iter().map(Into::into).collect(),
            sentences: sentences.into_iter().map(Into::into).collect(),
        };
        DefinitionBuilder::with_kind(self.client.clone(), name.into(), instruction.into(), kind)
    }
}
