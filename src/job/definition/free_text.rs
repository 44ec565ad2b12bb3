//! Free-text job definitions: labelers answer the instruction in their own words.
//!
//! A free-text answer has no right or wrong, so there are no free-text qualification
//! examples (the API cannot grade them; the official SDK has none either) and no early
//! stopping: every datapoint collects its full number of responses. Qualify the audience
//! with another kind's examples if it needs training.

use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::builder::{sealed, Contextual, DefinitionBuilder, Kind, PerDatapoint};
use super::checks::single_items;
use super::spec::{TaskSpec, ValidatedDefinition};

/// The free-text kind: its items. See [`FreeTextDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct FreeText {
    datapoints: Vec<DataItem>,
}

impl Kind for FreeText {}
impl PerDatapoint for FreeText {}
impl Contextual for FreeText {}

impl sealed::Sealed for FreeText {
    fn check(b: &DefinitionBuilder<FreeText>) -> Result<ValidatedDefinition> {
        let task = TaskSpec::FreeText {
            instruction: b.instruction.clone(),
        };
        let items = single_items(&b.kind.datapoints);
        b.common.validate(&b.name, &b.instruction, items, task)
    }
}

/// Builder for a free-text job definition; from
/// [`JobManager::create_free_text_job_definition`].
///
/// It has no [`confidence_threshold`](DefinitionBuilder::confidence_threshold)
/// or quorum: free-text answers never agree exactly, so every datapoint gets
/// [`responses_per_datapoint`](DefinitionBuilder::responses_per_datapoint) answers.
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
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type FreeTextDefinitionBuilder = DefinitionBuilder<FreeText>;

impl JobManager {
    /// Starts a free-text job definition: labelers see each datapoint (an image, video,
    /// audio or text) and answer `instruction` in their own words. Finish it with
    /// [`send`](DefinitionBuilder::send).
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
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_free_text_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> FreeTextDefinitionBuilder {
        let kind = FreeText {
            datapoints: datapoints.into_iter().map(Into::into).collect(),
        };
        DefinitionBuilder::with_kind(self.client.clone(), name.into(), instruction.into(), kind)
    }
}
