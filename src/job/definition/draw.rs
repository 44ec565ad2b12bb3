//! Draw job definitions: labelers draw (colour in) the regions of each image that match
//! the instruction; each response is a set of lines.
//!
//! The audience can be trained with draw examples
//! ([`Audience::add_draw_example`](crate::audience::Audience::add_draw_example)).

use crate::api::types;
use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::single::SingleItem;
use super::{
    asset_binding, literal, Common, DatapointSpec, DefinitionSpec, JobDefinition, TaskSpec,
};

/// The `Line` rapid: the datapoint's asset and the instruction as its target.
pub(super) fn rapid_spec(instruction: &str) -> types::IRapidSpec {
    types::IRapidSpec::Line {
        asset: asset_binding(),
        context: None,
        context_assets: None,
        target: literal(instruction),
    }
}

/// Builder for a draw job definition; from [`JobManager::create_draw_job_definition`].
///
/// Like the official SDK's, it has no confidence or quorum threshold: every datapoint
/// gets [`responses_per_datapoint`](Self::responses_per_datapoint) responses.
///
/// ```no_run
/// let definition = rapidata::Client::new()?
///     .job()
///     .create_draw_job_definition(
///         "Artifact Drawing",
///         "Color in any visual glitches or errors in the image.",
///         ["https://assets.rapidata.ai/render_1.jpg"],
///     )
///     .responses_per_datapoint(35)
///     .create()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct DrawDefinitionBuilder {
    base: SingleItem,
    common: Common,
}

context_setters!(
    DrawDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_draw_job_definition(\"n\", \"Color in the glitch.\", [\"a.jpg\"]);"
);
responses_setter!(
    DrawDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_draw_job_definition(\"n\", \"Color in the glitch.\", [\"a.jpg\"]);"
);
metadata_setter!(
    DrawDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_draw_job_definition(\"n\", \"Color in the glitch.\", [\"a.jpg\"]);"
);
base_setters!(
    DrawDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_draw_job_definition(\"n\", \"Color in the glitch.\", [\"a.jpg\"]);"
);

impl DrawDefinitionBuilder {
    /// Validates everything (no request on bad input, among others a text datapoint:
    /// lines need an image or video), then creates the dataset, uploads the assets and
    /// datapoints, and creates the definition.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_draw_job_definition("n", "Color in the glitch.", ["a.jpg"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let checked = self.validate()?;
        self.base.create(&self.common, checked)
    }

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        let task = TaskSpec::Draw {
            instruction: self.base.instruction(),
        };
        self.base.validate_media(&self.common, task, "a draw task")
    }
}

impl JobManager {
    /// Starts a draw job definition: labelers see each image (URL or file) and draw over
    /// the regions that match `instruction`. Finish it with
    /// [`create`](DrawDefinitionBuilder::create).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_draw_job_definition("Cracks", "Trace every crack.", ["https://example.com/wall.jpg"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_draw_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> DrawDefinitionBuilder {
        DrawDefinitionBuilder {
            base: SingleItem::new(self, name, instruction, datapoints),
            common: Common::default(),
        }
    }
}
