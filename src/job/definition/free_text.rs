//! Free-text job definitions: labelers answer the instruction in their own words.
//!
//! A free-text answer has no right or wrong, so there are no free-text qualification
//! examples (the API cannot grade them; the official SDK has none either) and no early
//! stopping: every datapoint collects its full number of responses. Qualify the audience
//! with another kind's examples if it needs training.

use crate::api::types;
use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::single::SingleItem;
use super::{
    asset_binding, literal, Common, DatapointSpec, DefinitionSpec, JobDefinition, TaskSpec,
};

/// The `FreeText` rapid: the datapoint's asset and the instruction as its question. No
/// automatic answer check (`validationSystemPrompt` sent as null, as the official SDK does).
pub(super) fn rapid_spec(instruction: &str) -> types::IRapidSpec {
    types::IRapidSpecFreeTextRapidSpec {
        validation_system_prompt: Some(None),
        ..types::IRapidSpecFreeTextRapidSpec::new(asset_binding(), literal(instruction))
    }
    .into()
}

/// Builder for a free-text job definition; from
/// [`JobManager::create_free_text_job_definition`].
///
/// It has no [`confidence_threshold`](super::CompareDefinitionBuilder::confidence_threshold)
/// or quorum: free-text answers never agree exactly, so every datapoint gets
/// [`responses_per_datapoint`](Self::responses_per_datapoint) answers.
///
/// ```no_run
/// use rapidata::Setting;
/// let definition = rapidata::Client::new()?
///     .job()
///     .create_free_text_job_definition(
///         "Prompt Collection",
///         "What would you like to ask an AI about this image?",
///         ["https://assets.rapidata.ai/red_car.jpg"],
///     )
///     .responses_per_datapoint(15)
///     .settings([Setting::free_text_min_characters(10)])
///     .create()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct FreeTextDefinitionBuilder {
    base: SingleItem,
    common: Common,
}

context_setters!(
    FreeTextDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_free_text_job_definition(\"n\", \"Describe it.\", [\"a.jpg\"]);"
);
responses_setter!(
    FreeTextDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_free_text_job_definition(\"n\", \"Describe it.\", [\"a.jpg\"]);"
);
metadata_setter!(
    FreeTextDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_free_text_job_definition(\"n\", \"Describe it.\", [\"a.jpg\"]);"
);
base_setters!(
    FreeTextDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_free_text_job_definition(\"n\", \"Describe it.\", [\"a.jpg\"]);"
);

impl FreeTextDefinitionBuilder {
    /// Validates everything (no request on bad input), then creates the dataset, uploads
    /// the assets and datapoints, and creates the definition.
    ///
    /// Fails with [`Error::InvalidInput`](crate::Error::InvalidInput) before any request
    /// when an argument is wrong (empty name or instruction, an instruction over 250
    /// characters, no datapoints, contexts or metadata not one per datapoint, …), and with
    /// [`Error::UploadFailed`](crate::Error::UploadFailed) (resumable) when more
    /// datapoints failed to upload than the failure tolerance allows.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_free_text_job_definition("n", "Describe the image.", ["a.jpg"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let checked = self.validate()?;
        self.base.create(&self.common, checked)
    }

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        let task = TaskSpec::FreeText {
            instruction: self.base.instruction(),
        };
        self.base.validate(&self.common, task)
    }
}

impl JobManager {
    /// Starts a free-text job definition: labelers see each datapoint (an image, video,
    /// audio or text) and answer `instruction` in their own words. Finish it with
    /// [`create`](FreeTextDefinitionBuilder::create).
    ///
    /// Free text cannot be graded, so there are no free-text qualification examples; a
    /// custom audience for it is trained with another kind's examples.
    ///
    /// ```no_run
    /// use rapidata::DataItem;
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_free_text_job_definition(
    ///         "Translations",
    ///         "Translate the text into French.",
    ///         [DataItem::text("The cat sleeps."), DataItem::text("It is raining.")],
    ///     )
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_free_text_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> FreeTextDefinitionBuilder {
        FreeTextDefinitionBuilder {
            base: SingleItem::new(self, name, instruction, datapoints),
            common: Common::default(),
        }
    }
}
