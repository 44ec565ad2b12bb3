//! Classification definitions: each datapoint is one item sorted into one of its answer
//! options.

use crate::asset::DataItem;
use crate::{Client, Result};

use super::answer_options::AnswerOptions;
use super::builder::{sealed, Contextual, DefinitionBuilder, Kind, PerDatapoint, Votes};
use super::spec::{TaskSpec, ValidatedDefinition};

/// The classification kind: its items and their answer options. See
/// [`ClassificationDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct Classification {
    options: AnswerOptions,
    datapoints: Vec<DataItem>,
}

impl Kind for Classification {}
impl PerDatapoint for Classification {}
impl Contextual for Classification {}
impl Votes for Classification {}

impl sealed::Sealed for Classification {
    /// Besides the shared checks: 2 to 8 unique options for each datapoint, which then
    /// travel with it.
    fn check(b: &DefinitionBuilder<Classification>) -> Result<ValidatedDefinition> {
        let options = &b.kind.options;
        options.validate(b.kind.datapoints.len())?;
        let items = b.kind.datapoints.iter().map(|d| vec![d.clone()]).collect();
        let mut checked = b.common.validate(
            &b.name,
            &b.instruction,
            items,
            TaskSpec::Classification {
                instruction: b.instruction.clone(),
            },
        )?;
        for dp in &mut checked.datapoints {
            dp.answer_options = options.for_datapoint(dp.index).map(<[String]>::to_vec);
        }
        Ok(checked)
    }
}

/// Builder for a classification job definition; from
/// [`JobManager::create_classification_job_definition`](crate::job::JobManager::create_classification_job_definition).
///
/// The answer options travel with each datapoint (the API's `answer_options` segment), so
/// they may differ per datapoint: see [`AnswerOptions`].
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let definition = client
///     .job()
///     .create_classification_job_definition(
///         "Animals",
///         "What animal is in the image?",
///         ["Cat", "Dog"],
///         ["https://example.com/1.jpg", "https://example.com/2.jpg"],
///     )
///     .confidence_threshold(0.99)
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type ClassificationDefinitionBuilder = DefinitionBuilder<Classification>;

impl DefinitionBuilder<Classification> {
    pub(crate) fn new(
        client: Client,
        name: String,
        instruction: String,
        options: AnswerOptions,
        datapoints: Vec<DataItem>,
    ) -> Self {
        let kind = Classification {
            options,
            datapoints,
        };
        DefinitionBuilder::with_kind(client, name, instruction, kind)
    }
}
