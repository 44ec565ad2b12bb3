//! Select-words job definitions: labelers see each datapoint with a sentence (split at
//! whitespace into words) and select the words the instruction asks for, e.g. the words
//! an image does not depict.
//!
//! The audience can be trained with select-words examples
//! ([`Audience::add_select_words_example`](crate::audience::Audience::add_select_words_example)).

use crate::api::types;
use crate::asset::DataItem;
use crate::{Error, Result};

use super::super::JobManager;
use super::single::SingleItem;
use super::{
    asset_binding, literal, segment, Common, DatapointSpec, DefinitionSpec, JobDefinition, TaskSpec,
};

/// The `Transcription` rapid: the asset, the instruction as title, and the words from the
/// datapoint's `transcription` segment.
pub(super) fn rapid_spec(instruction: &str) -> types::IRapidSpec {
    let words = types::TextBinding {
        segment: Some(Some(segment::TRANSCRIPTION.to_owned())),
        ..types::TextBinding::new()
    };
    types::IRapidSpecTranscriptionRapidSpec::new(asset_binding(), literal(instruction), words)
        .into()
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
///     .create()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct SelectWordsDefinitionBuilder {
    base: SingleItem,
    sentences: Vec<String>,
    common: Common,
}

responses_setter!(
    SelectWordsDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_select_words_job_definition(\"n\", \"Select the wrong words.\", [\"a.jpg\"], [\"A red car\"]);"
);
metadata_setter!(
    SelectWordsDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_select_words_job_definition(\"n\", \"Select the wrong words.\", [\"a.jpg\"], [\"A red car\"]);"
);
base_setters!(
    SelectWordsDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_select_words_job_definition(\"n\", \"Select the wrong words.\", [\"a.jpg\"], [\"A red car\"]);"
);

impl SelectWordsDefinitionBuilder {
    /// Validates everything (no request on bad input), then creates the dataset, uploads
    /// the assets and datapoints, and creates the definition.
    ///
    /// Fails with [`Error::InvalidInput`] before any request when an argument is wrong:
    /// among others sentences not one per datapoint, or a sentence of fewer than two words.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_select_words_job_definition("n", "Select the wrong words.", ["a.jpg"], ["A blue car"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let checked = self.validate()?;
        self.base.create(&self.common, checked)
    }

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        check_sentences(&self.sentences, self.base.datapoints().len())?;
        let task = TaskSpec::SelectWords {
            instruction: self.base.instruction(),
        };
        let (spec, mut datapoints) = self.base.validate(&self.common, task)?;
        for dp in &mut datapoints {
            dp.sentence = Some(self.sentences[dp.index].clone());
        }
        Ok((spec, datapoints))
    }
}

impl JobManager {
    /// Starts a select-words job definition: labelers see each datapoint (image, video,
    /// audio) with its sentence from `sentences` (one per datapoint, split at whitespace)
    /// and select the words `instruction` asks for. Finish it with
    /// [`create`](SelectWordsDefinitionBuilder::create).
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
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_select_words_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
        sentences: impl IntoIterator<Item = impl Into<String>>,
    ) -> SelectWordsDefinitionBuilder {
        SelectWordsDefinitionBuilder {
            base: SingleItem::new(self, name, instruction, datapoints),
            sentences: sentences.into_iter().map(Into::into).collect(),
            common: Common::default(),
        }
    }
}

/// Checks select-words sentences (argument `sentences`): one per datapoint (`n`), each of
/// at least two words. Shared with `JobDefinition::set_datapoints`.
pub(crate) fn check_sentences(sentences: &[String], n: usize) -> Result<()> {
    if sentences.len() != n {
        return Err(Error::invalid_input(
            "sentences",
            format!("{} entries", sentences.len()),
            format!("needs exactly one sentence per datapoint ({n})"),
        ));
    }
    for (i, s) in sentences.iter().enumerate() {
        if s.split_whitespace().count() < 2 {
            return Err(Error::invalid_input(
                format!("sentences[{i}]"),
                s,
                "a sentence needs at least two words (words are split at whitespace)",
            ));
        }
    }
    Ok(())
}
