//! Locate job definitions: labelers tap the points of each image that match the
//! instruction (how many taps: [`Setting::locate_min_points`](crate::Setting::locate_min_points)
//! and [`Setting::locate_max_points`](crate::Setting::locate_max_points)).
//!
//! The audience can be trained with locate examples
//! ([`Audience::add_locate_example`](crate::audience::Audience::add_locate_example)).

use crate::api::types;
use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::single::SingleItem;
use super::{
    asset_binding, literal, Common, DatapointSpec, DefinitionSpec, JobDefinition, TaskSpec,
};

/// The `Locate` rapid: the datapoint's asset and the instruction as its target.
pub(super) fn rapid_spec(instruction: &str) -> types::IRapidSpec {
    types::IRapidSpec::Locate {
        asset: asset_binding(),
        context: None,
        context_assets: None,
        target: literal(instruction),
    }
}

/// Builder for a locate job definition; from
/// [`JobManager::create_locate_job_definition`].
///
/// Like the official SDK's, it has no confidence or quorum threshold (taps are not
/// votes that can agree): every datapoint gets
/// [`responses_per_datapoint`](Self::responses_per_datapoint) responses.
///
/// ```no_run
/// use rapidata::Setting;
/// let definition = rapidata::Client::new()?
///     .job()
///     .create_locate_job_definition(
///         "Artifact Detection",
///         "Tap on any visual glitches or errors in the image.",
///         ["https://assets.rapidata.ai/render_1.jpg"],
///     )
///     .responses_per_datapoint(35)
///     .settings([Setting::locate_max_points(5)])
///     .create()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct LocateDefinitionBuilder {
    base: SingleItem,
    common: Common,
}

context_setters!(
    LocateDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_locate_job_definition(\"n\", \"Tap the glitch.\", [\"a.jpg\"]);"
);
responses_setter!(
    LocateDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_locate_job_definition(\"n\", \"Tap the glitch.\", [\"a.jpg\"]);"
);
metadata_setter!(
    LocateDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_locate_job_definition(\"n\", \"Tap the glitch.\", [\"a.jpg\"]);"
);
base_setters!(
    LocateDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_locate_job_definition(\"n\", \"Tap the glitch.\", [\"a.jpg\"]);"
);

impl LocateDefinitionBuilder {
    /// Validates everything (no request on bad input), then creates the dataset, uploads
    /// the assets and datapoints, and creates the definition.
    ///
    /// Fails with [`Error::InvalidInput`](crate::Error::InvalidInput) before any request
    /// when an argument is wrong: among others a datapoint that is a text (taps need an
    /// image or video), and with [`Error::UploadFailed`](crate::Error::UploadFailed)
    /// (resumable) when more datapoints failed to upload than the failure tolerance allows.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_locate_job_definition("n", "Tap the glitch.", ["a.jpg"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let checked = self.validate()?;
        self.base.create(&self.common, checked)
    }

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        let task = TaskSpec::Locate {
            instruction: self.base.instruction(),
        };
        self.base
            .validate_media(&self.common, task, "a locate task")
    }
}

impl JobManager {
    /// Starts a locate job definition: labelers see each image (URL or file) and tap the
    /// points that match `instruction`. Finish it with
    /// [`create`](LocateDefinitionBuilder::create).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_locate_job_definition(
    ///         "Defects",
    ///         "Tap on every scratch.",
    ///         ["https://example.com/part_1.jpg", "photos/part_2.jpg"],
    ///     )
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_locate_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> LocateDefinitionBuilder {
        LocateDefinitionBuilder {
            base: SingleItem::new(self, name, instruction, datapoints),
            common: Common::default(),
        }
    }
}
