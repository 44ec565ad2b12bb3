//! The kinds whose labelers mark things on media, one datapoint per image, video or audio,
//! with the same options: locate (taps; a `Locate` rapid), draw (lines; `Line`) and
//! timestamp (moments; `Scrub`). Each rapid binds the datapoint's asset and takes the
//! instruction as its target.
//!
//! Like the official SDK's, these builders have no confidence or quorum threshold (taps,
//! lines and moments are not votes that can agree): every datapoint gets its full number
//! of responses. Text datapoints are refused: there is nothing to mark on them.

use crate::api::types;
use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::single::SingleItem;
use super::{
    asset_binding, literal, Common, DatapointSpec, DefinitionSpec, JobDefinition, TaskSpec,
};

/// The rapid of a media kind: `Locate`, `Line` (draw) or `Scrub` (timestamp), bound to the
/// datapoint's asset with the instruction as target.
pub(super) fn rapid_spec(task: &TaskSpec) -> Option<types::IRapidSpec> {
    Some(match task {
        TaskSpec::Locate { instruction } => {
            types::IRapidSpecLocateRapidSpec::new(asset_binding(), literal(instruction)).into()
        }
        TaskSpec::Draw { instruction } => {
            types::IRapidSpecLineRapidSpec::new(asset_binding(), literal(instruction)).into()
        }
        TaskSpec::Timestamp { instruction } => {
            types::IRapidSpecScrubRapidSpec::new(asset_binding(), literal(instruction)).into()
        }
        _ => return None,
    })
}

/// A media kind's builder: its struct, setters, `create` and `JobManager` method.
macro_rules! media_kind {
    (
        $(#[$builder_doc:meta])*
        builder $builder:ident;
        $(#[$method_doc:meta])*
        method $method:ident;
        task $task:ident, $task_name:literal;
        setup $setup:literal;
    ) => {
        $(#[$builder_doc])*
        #[derive(Debug, Clone)]
        #[must_use = "call .create() to create the definition"]
        pub struct $builder {
            base: SingleItem,
            common: Common,
        }

        context_setters!($builder, $setup);
        responses_setter!($builder, $setup);
        metadata_setter!($builder, $setup);
        base_setters!($builder, $setup);

        impl $builder {
            /// Validates everything (no request on bad input: among others a text
            /// datapoint), then creates the dataset, uploads the assets and datapoints,
            /// and creates the definition. Fails with
            /// [`Error::UploadFailed`](crate::Error::UploadFailed) (resumable) when more
            /// datapoints failed to upload than the failure tolerance allows.
            ///
            /// ```no_run
            #[doc = $setup]
            /// let definition = builder.create()?;
            /// println!("{}", definition.id());
            /// # Ok::<(), rapidata::Error>(())
            /// ```
            pub fn create(self) -> Result<JobDefinition> {
                let checked = self.validate()?;
                self.base.create(&self.common, checked)
            }

            pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
                let task = TaskSpec::$task {
                    instruction: self.base.instruction(),
                };
                self.base.validate_media(&self.common, task, $task_name)
            }
        }

        impl JobManager {
            $(#[$method_doc])*
            pub fn $method(
                &self,
                name: impl Into<String>,
                instruction: impl Into<String>,
                datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
            ) -> $builder {
                $builder {
                    base: SingleItem::new(self, name, instruction, datapoints),
                    common: Common::default(),
                }
            }
        }
    };
}

media_kind! {
    /// Builder for a locate job definition (labelers tap the points of each image that
    /// match the instruction; how many: [`Setting::locate_min_points`](crate::Setting::locate_min_points)
    /// and [`Setting::locate_max_points`](crate::Setting::locate_max_points)); from
    /// [`JobManager::create_locate_job_definition`]. The audience can be trained with
    /// [`Audience::add_locate_example`](crate::audience::Audience::add_locate_example).
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
    builder LocateDefinitionBuilder;
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
    method create_locate_job_definition;
    task Locate, "a locate task";
    setup "let builder = rapidata::Client::new()?.job().create_locate_job_definition(\"n\", \"Tap the glitch.\", [\"a.jpg\"]);";
}

media_kind! {
    /// Builder for a draw job definition (labelers draw over the regions of each image
    /// that match the instruction; each response is a set of lines); from
    /// [`JobManager::create_draw_job_definition`]. The audience can be trained with
    /// [`Audience::add_draw_example`](crate::audience::Audience::add_draw_example).
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
    builder DrawDefinitionBuilder;
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
    method create_draw_job_definition;
    task Draw, "a draw task";
    setup "let builder = rapidata::Client::new()?.job().create_draw_job_definition(\"n\", \"Color in the glitch.\", [\"a.jpg\"]);";
}

media_kind! {
    /// Builder for a timestamp job definition (labelers mark the moments of each video or
    /// audio that match the instruction); from
    /// [`JobManager::create_timestamp_job_definition`]. The official SDK 3.27.1 has this
    /// kind only as a private method marked "not fully supported"; the request is its.
    /// There are no timestamp examples.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_timestamp_job_definition(
    ///         "Goals",
    ///         "Mark the moment the ball crosses the line.",
    ///         ["https://example.com/match.mp4"],
    ///     )
    ///     .responses_per_datapoint(35)
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    builder TimestampDefinitionBuilder;
    /// Starts a timestamp job definition: labelers play each video or audio (URL or file)
    /// and mark the moments that match `instruction`. Finish it with
    /// [`create`](TimestampDefinitionBuilder::create).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_timestamp_job_definition("Goals", "Mark every goal.", ["https://example.com/match.mp4"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    method create_timestamp_job_definition;
    task Timestamp, "a timestamp task";
    setup "let builder = rapidata::Client::new()?.job().create_timestamp_job_definition(\"n\", \"Mark the goal.\", [\"a.mp4\"]);";
}
