//! The create flow: the dataset, the uploads alongside the listing of same-named
//! definitions, then the definition itself (through a pending definition).

use std::sync::{Arc, Mutex};

use crate::api::operations;
use crate::sync::lock;
use crate::{Client, Result, RetryMode, SendOptions};

use super::super::datapoint::DatapointSpec;
use super::super::progress::SharedReporter;
use super::super::upload;
use super::handle::JobDefinition;
use super::lookup::{existing_definitions, listed};
use super::pending::PendingDefinition;
use super::spec::{dataset_body, DefinitionSpec};

/// Creates the dataset, uploads every datapoint and creates the definition.
pub(super) fn create_definition(
    client: &Client,
    spec: DefinitionSpec,
    datapoints: Vec<DatapointSpec>,
    reporter: SharedReporter,
) -> Result<JobDefinition> {
    let datapoints = Arc::new(datapoints);
    let todo: Vec<(&DatapointSpec, bool)> = datapoints.iter().map(|d| (d, false)).collect();
    // The dataset is created, and the definitions of this name are listed (see `finish`),
    // as tasks of the upload pipeline: datapoints whose assets are ready wait only for the
    // dataset, and neither request adds a thread beyond `max_workers`.
    let existing = Mutex::new(None);
    let create_dataset = || {
        // Repeating `POST /dataset` after a lost answer at worst leaves an empty dataset
        // that nothing refers to, so every transient failure is retried.
        client
            .send_with(
                &operations::PostDataset::new(dataset_body(&spec)),
                SendOptions::new().retry_mode(RetryMode::Always),
            )
            .map(|out| out.dataset_id)
    };
    let list = || *lock(&existing) = Some(existing_definitions(client, &spec.name));
    let uploaded = upload::upload_datapoints(
        client,
        upload::Dataset::Create(Box::new(create_dataset)),
        &todo,
        spec.upload_timeout,
        &reporter,
        Some(Box::new(list)),
    )?;
    let existing = listed(existing);
    let pending = PendingDefinition {
        client: client.clone(),
        spec: Arc::new(spec),
        dataset_id: uploaded.dataset_id,
        datapoints: datapoints.clone(),
        todo: Arc::new(Mutex::new(None)),
        attempts: Arc::default(),
        reporter,
    };
    let mut attempts = pending.attempts();
    pending.finish(&mut attempts, uploaded.failures, existing)
}
