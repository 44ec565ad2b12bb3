//! Revisions of a job definition: reading the loaded revision, staging changes on it,
//! saving them as a new revision (optionally only when nobody saved in between), reloading
//! another revision, and listing them.
//!
//! A [`JobDefinition`] handle holds one revision. Reading (`instruction()`,
//! `responses_per_datapoint()` …) returns the loaded revision's value or the change staged
//! on it; the first read loads the revision (`GET /job/definition/{id}/revision[/{n}]`).
//! Setters check their argument before any request and stage it; [`JobDefinition::save`]
//! sends the complete revision — the loaded one with the staged changes — as
//! `POST /job/definition/{id}/revision`, with every field given explicitly (a field left out
//! would be inherited from the *latest* revision, which may not be the loaded one), and
//! moves the handle to the new revision. Jobs assigned from the handle run the revision it
//! holds; a handle with unsaved changes cannot be assigned. A new dataset is staged the
//! same way, by `set_datapoints` (see `dataset_update.rs`), and saved as `datasetId`.

mod edit;
mod find;
mod state;
#[cfg(test)]
mod tests;
mod workflow;

pub use find::{FindRevisions, RevisionInfo, RevisionsQuery};
pub(crate) use state::{PartialDataset, Plan, RevisionEdit, StagedDataset};
pub(crate) use workflow::{to_value, with_answer_options, workflow_kind};
