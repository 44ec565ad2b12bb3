//! What the builders of one-item-per-datapoint kinds (free text, locate, …) share: the
//! arguments of the call and how they are validated and created.

use crate::asset::DataItem;
use crate::{Client, Result};

use super::super::JobManager;
use super::{create_definition, Common, DatapointSpec, DefinitionSpec, JobDefinition, TaskSpec};

/// The required arguments of a one-item-per-datapoint definition.
#[derive(Debug, Clone)]
pub(super) struct SingleItem {
    client: Client,
    name: String,
    instruction: String,
    datapoints: Vec<DataItem>,
}

impl SingleItem {
    pub(super) fn new(
        manager: &JobManager,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = impl Into<DataItem>>,
    ) -> SingleItem {
        SingleItem {
            client: manager.client.clone(),
            name: name.into(),
            instruction: instruction.into(),
            datapoints: datapoints.into_iter().map(Into::into).collect(),
        }
    }

    pub(super) fn instruction(&self) -> String {
        self.instruction.clone()
    }

    pub(super) fn datapoints(&self) -> &[DataItem] {
        &self.datapoints
    }

    /// Checks every argument and option for `task`.
    pub(super) fn validate(
        &self,
        common: &Common,
        task: TaskSpec,
    ) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        let items = self.datapoints.iter().map(|d| vec![d.clone()]).collect();
        common.validate(&self.name, &self.instruction, items, task)
    }

    /// [`validate`](Self::validate) for a kind whose labelers work on images or videos
    /// (`task_name` names it in the error for a text datapoint).
    pub(super) fn validate_media(
        &self,
        common: &Common,
        task: TaskSpec,
        task_name: &str,
    ) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        super::require_media("datapoints", &self.datapoints, task_name)?;
        self.validate(common, task)
    }

    /// Creates what `validate` accepted.
    pub(super) fn create(
        &self,
        common: &Common,
        checked: (DefinitionSpec, Vec<DatapointSpec>),
    ) -> Result<JobDefinition> {
        let (spec, datapoints) = checked;
        create_definition(&self.client, spec, datapoints, common.reporter())
    }
}
