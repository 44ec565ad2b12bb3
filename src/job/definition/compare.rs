//! Compare (A/B) definitions: each datapoint is a pair of items shown side by side.

use crate::asset::DataItem;
use crate::{Client, Error, Result};

use super::builder::{sealed, Contextual, DefinitionBuilder, Kind, PerDatapoint, Votes};
use super::checks::check_pairs;
use super::spec::{TaskSpec, ValidatedDefinition};

/// The compare kind: its pairs and the names of its two sides. See
/// [`CompareDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct Compare {
    datapoints: Vec<[DataItem; 2]>,
    a_b_names: Option<[String; 2]>,
}

impl Kind for Compare {}
impl PerDatapoint for Compare {}
impl Contextual for Compare {}
impl Votes for Compare {}

impl sealed::Sealed for Compare {
    /// Besides the shared checks: each side name not empty, each pair two items the results
    /// can tell apart.
    fn check(b: &DefinitionBuilder<Compare>) -> Result<ValidatedDefinition> {
        if let Some(names) = &b.kind.a_b_names {
            for (i, n) in names.iter().enumerate() {
                if n.trim().is_empty() {
                    return Err(Error::invalid_input(
                        format!("a_b_names[{i}]"),
                        n,
                        "must not be empty",
                    ));
                }
            }
        }
        check_pairs(&b.kind.datapoints)?;
        let items = b.kind.datapoints.iter().map(|p| p.to_vec()).collect();
        b.common.validate(
            &b.name,
            &b.instruction,
            items,
            TaskSpec::Compare {
                instruction: b.instruction.clone(),
                a_b_names: b.kind.a_b_names.clone(),
            },
        )
    }
}

/// Builder for a compare (A/B) job definition; from
/// [`JobManager::create_compare_job_definition`](crate::job::JobManager::create_compare_job_definition).
///
/// Besides the shared checks, [`send`](DefinitionBuilder::send) refuses a pair whose two
/// items have the same [`identifier`](crate::DataItem::identifier), such as
/// `model_a/0001.png` against `model_b/0001.png`, since the results could not tell A from
/// B (rename or copy one).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let definition = client
///     .job()
///     .create_compare_job_definition(
///         "Prompt Alignment Job",
///         "Which image follows the prompt more accurately?",
///         [["https://assets.rapidata.ai/flux_book.jpg", "https://assets.rapidata.ai/mj_book.jpg"]],
///     )
///     .contexts(["A small blue book sitting on a large red book."])
///     .send()?;
/// definition.preview();
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type CompareDefinitionBuilder = DefinitionBuilder<Compare>;

impl DefinitionBuilder<Compare> {
    pub(crate) fn new(
        client: Client,
        name: String,
        instruction: String,
        datapoints: Vec<[DataItem; 2]>,
    ) -> Self {
        let kind = Compare {
            datapoints,
            a_b_names: None,
        };
        DefinitionBuilder::with_kind(client, name, instruction, kind)
    }

    /// Names for the two sides (e.g. the two models), used in the results summary
    /// (`indexIdentifiers`).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_compare_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]])
    ///     .a_b_names(["Model A", "Model B"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn a_b_names(mut self, names: [impl Into<String>; 2]) -> Self {
        let [a, b] = names;
        self.kind.a_b_names = Some([a.into(), b.into()]);
        self
    }
}
