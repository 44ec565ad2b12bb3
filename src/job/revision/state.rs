//! What a definition handle has loaded and what is staged on it for the next save.

use std::sync::Arc;

use crate::api::types::{self};
use crate::settings::Setting;

use crate::error::FailedDatapoint;
use crate::job::datapoint::DatapointSpec;

/// The revision a [`JobDefinition`] handle has loaded and what is staged on it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RevisionEdit {
    pub(crate) loaded: Option<Arc<types::GetJobRevisionEndpointOutput>>,
    pub(crate) pending: Pending,
    /// A dataset that `set_datapoints` created and filled only in part (see
    /// `dataset_update.rs`): the same datapoints set again go into it, only the failed ones.
    pub(crate) partial: Option<PartialDataset>,
}

/// Changes staged for the next save.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Pending {
    pub(crate) instruction: Option<String>,
    pub(crate) answer_options: Option<Vec<String>>,
    pub(crate) responses_per_datapoint: Option<u32>,
    pub(crate) settings: Option<Vec<Setting>>,
    pub(crate) validation_set_id: Option<Option<String>>,
    /// A new dataset, uploaded by `set_datapoints`.
    pub(crate) dataset: Option<StagedDataset>,
}

impl Pending {
    /// The names of the staged changes.
    pub(super) fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut add = |set: bool, name| {
            if set {
                names.push(name);
            }
        };
        add(self.instruction.is_some(), "instruction");
        add(self.answer_options.is_some(), "answer_options");
        add(
            self.responses_per_datapoint.is_some(),
            "responses_per_datapoint",
        );
        add(self.settings.is_some(), "settings");
        add(self.validation_set_id.is_some(), "validation_set_id");
        add(self.dataset.is_some(), "datapoints");
        names
    }
}

/// What a checked [`NewDatapoints`] comes to: the datapoints to upload and the schema of
/// their dataset. Two calls with equal plans would upload the same dataset.
#[derive(Debug, PartialEq)]
pub(crate) struct Plan {
    pub(crate) specs: Vec<DatapointSpec>,
    pub(crate) schema: Option<Vec<types::DatasetSegmentDefinition>>,
}

/// A dataset uploaded in full and staged for the next save.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StagedDataset {
    pub(crate) dataset_id: String,
    pub(crate) plan: Arc<Plan>,
}

/// A dataset a `set_datapoints` call created and filled only in part.
#[derive(Debug, Clone)]
pub(crate) struct PartialDataset {
    pub(crate) dataset_id: String,
    pub(crate) plan: Arc<Plan>,
    /// The datapoints not (known to be) in it, by index.
    pub(crate) missing: Vec<FailedDatapoint>,
}
