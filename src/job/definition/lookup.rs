//! Telling, after a lost answer, whether `POST /job/definition` created our definition: the
//! same-named definitions listed before, and the dataset of a new one.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use crate::api::operations;
use crate::flow::paging::{newest_first, LIST_PAGE_SIZE};
use crate::flow::reconcile::Verdict;
use crate::request::QueryFilter;
use crate::{Client, Error, Result};

/// What the listing run alongside the upload found (it always runs: the pipeline runs
/// every queued task).
pub(super) fn listed(slot: Mutex<Option<Result<HashSet<String>>>>) -> Result<HashSet<String>> {
    slot.into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(|| {
            Err(Error::invalid_input(
                "job definition",
                "",
                "the listing of definitions did not run",
            ))
        })
}

/// The ids of the newest job definitions named `name`: taken before `POST /job/definition`
/// so that, if its answer is lost, listing them again tells whether it was created (see
/// `crate::reconcile`).
pub(super) fn existing_definitions(client: &Client, name: &str) -> Result<HashSet<String>> {
    let mut op = operations::GetJobDefinitions::new();
    op.page = Some(1);
    op.page_size = Some(LIST_PAGE_SIZE);
    op.sort = newest_first();
    op.name = Some(QueryFilter::eq(name));
    let out = client.send(&op)?;
    Ok(out.items.into_iter().map(|d| d.definition_id).collect())
}

/// Whether the definition `id` (found by name after a lost `POST /job/definition`) is the
/// one we created: its first revision must hold our dataset. Another client creating a
/// definition of the same name meanwhile has its own dataset.
pub(super) fn judge_definition(client: &Client, id: &str, dataset_id: &str) -> Result<Verdict> {
    let revision = client
        .send(&operations::GetJobDefinitionByDefinitionIdRevisionByRevisionNumber::new(id, 1))?;
    Ok(if revision.dataset_id == dataset_id {
        Verdict::Ours
    } else {
        Verdict::NotOurs(format!(
            "its dataset is {}, not ours ({dataset_id})",
            revision.dataset_id
        ))
    })
}
