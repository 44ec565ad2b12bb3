//! The kinds whose labelers mark things on media, one datapoint per image, video or audio,
//! with the same options: locate (taps; a `Locate` rapid), draw (lines; `Line`) and
//! timestamp (moments; `Scrub`). Each rapid binds the datapoint's asset and takes the
//! instruction as its target.
//!
//! Like the official SDK's, these builders have no confidence or quorum threshold (taps,
//! lines and moments are not votes that can agree): every datapoint gets its full number
//! of responses. Text datapoints are refused: there is nothing to mark on them.

use crate::asset::DataItem;
use crate::Result;

use super::super::JobManager;
use super::builder::{sealed, Contextual, DefinitionBuilder, Kind, PerDatapoint};
use super::checks::{require_media, single_items};
use super::spec::{TaskSpec, ValidatedDefinition};

/// The checks of a media kind: the shared ones, and no text datapoint (`task_name` names
/// the kind in the error).
fn check_media<K: Kind>(
    b: &DefinitionBuilder<K>,
    datapoints: &[DataItem],
    task: TaskSpec,
    task_name: &str,
) -> Result<ValidatedDefinition> {
    require_media("datapoints", datapoints, task_name)?;
    b.common
        .validate(&b.name, &b.instruction, single_items(datapoints), task)
}

/// The locate kind: its items. See [`LocateDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct Locate {
    datapoints: Vec<DataItem>,
}

impl Kind for Locate {}
impl PerDatapoint for Locate {}
impl Contextual for Locate {}

impl sealed::Sealed for Locate {
    fn check(b: &DefinitionBuilder<Locate>) -> Result<ValidatedDefinition> {
        let task = TaskSpec::Locate {
            instruction: b.instruction.clone(),
        };
        check_media(b, &b.kind.datapoints, task, "a locate task")
    }
}

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
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type LocateDefinitionBuilder = DefinitionBuilder<Locate>;

/// The draw kind: its items. See [`DrawDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct Draw {
    datapoints: Vec<DataItem>,
}

impl Kind for Draw {}
impl PerDatapoint for Draw {}
impl Contextual for Draw {}

impl sealed::Sealed for Draw {
    fn check(b: &DefinitionBuilder<Draw>) -> Result<ValidatedDefinition> {
        let task = TaskSpec::Draw {
            instruction: b.instruction.clone(),
        };
        check_media(b, &b.kind.datapoints, task, "a draw task")
    }
}

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
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type DrawDefinitionBuilder = DefinitionBuilder<Draw>;

/// The timestamp kind: its items. See [`TimestampDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct Timestamp {
    datapoints: Vec<DataItem>,
}

impl Kind for Timestamp {}
impl PerDatapoint for Timestamp {}
impl Contextual for Timestamp {}

impl sealed::Sealed for Timestamp {
    fn check(b: &DefinitionBuilder<Timestamp>) -> Result<ValidatedDefinition> {
        let task = TaskSpec::Timestamp {
            instruction: b.instruction.clone(),
        };
        check_media(b, &b.kind.datapoints, task, "a timestamp task")
    }
}

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
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type TimestampDefinitionBuilder = DefinitionBuilder<Timestamp>;

impl JobManager {
    /// Starts a locate job definition: labelers see each image (URL or file) and tap the
    /// points that match `instruction`. Finish it with
    /// [`send`](DefinitionBuilder::send).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_locate_job_definition(
    ///         "Defects",
    ///         "Tap on every scratch.",
    ///         ["https://example.com/part_1.jpg", "photos/part_2.jpg"],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_locate_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> LocateDefinitionBuilder {
        let kind = Locate {
            datapoints: datapoints.into_iter().map(Into::into).collect(),
        };
        DefinitionBuilder::with_kind(self.client.clone(), name.into(), instruction.into(), kind)
    }

    /// Starts a draw job definition: labelers see each image (URL or file) and draw over
    /// the regions that match `instruction`. Finish it with
    /// [`send`](DefinitionBuilder::send).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_draw_job_definition("Cracks", "Trace every crack.", ["https://example.com/wall.jpg"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_draw_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> DrawDefinitionBuilder {
        let kind = Draw {
            datapoints: datapoints.into_iter().map(Into::into).collect(),
        };
        DefinitionBuilder::with_kind(self.client.clone(), name.into(), instruction.into(), kind)
    }

    /// Starts a timestamp job definition: labelers play each video or audio (URL or file)
    /// and mark the moments that match `instruction`. Finish it with
    /// [`send`](DefinitionBuilder::send).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_timestamp_job_definition("Goals", "Mark every goal.", ["https://example.com/match.mp4"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_timestamp_job_definition(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> TimestampDefinitionBuilder {
        let kind = Timestamp {
            datapoints: datapoints.into_iter().map(Into::into).collect(),
        };
        DefinitionBuilder::with_kind(self.client.clone(), name.into(), instruction.into(), kind)
    }
}
