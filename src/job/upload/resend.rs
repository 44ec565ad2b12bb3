//! Datapoints whose creation may or may not have happened: listed, then sent again.

use std::time::Duration;

use crate::api::{operations, types};
use crate::flow::parallel::parallel_map;
use crate::{Client, Error};

use crate::error::{FailedDatapoint, FailureStage};
use crate::job::datapoint::DatapointSpec;
use crate::job::progress::StageReport;

use super::listing::DatasetListing;
use super::tuning::DATAPOINT_ATTEMPTS;

/// The datapoints known to be created (positions in the pipeline's list) and those that
/// failed.
pub(super) struct Outcomes {
    pub(super) created: Vec<u32>,
    pub(super) failures: Vec<FailedDatapoint>,
}

/// Rounds for the datapoints whose creation may have been carried out: list the dataset
/// once for all of them, send again those it does not hold (up to
/// [`DATAPOINT_ATTEMPTS`] requests each), until none is uncertain.
pub(super) fn reconcile(
    client: &Client,
    dataset_id: &str,
    todo: &[(&DatapointSpec, bool)],
    body: impl Fn(u32) -> types::CreateDatapointEndpointInput + Sync,
    state: &mut Outcomes,
    mut uncertain: Vec<Uncertain>,
    stage: &StageReport,
) {
    for round in 1u32.. {
        if uncertain.is_empty() {
            break;
        }
        let mut to_send: Vec<(u32, u32)> = Vec::new();
        match DatasetListing::fetch(client, dataset_id) {
            Err(e) => {
                for u in uncertain.drain(..) {
                    let reason = format!(
                        "{}; could not check whether it was created nevertheless: {e}",
                        u.reason
                    );
                    state
                        .failures
                        .push(failed_datapoint(todo[u.pos as usize].0, reason, true));
                    stage.failed(1);
                }
            }
            Ok(mut listing) => {
                // Those created claim one listed item of their content before an
                // uncertain one may, so duplicates are counted.
                for &pos in &state.created {
                    listing.claim(todo[pos as usize].0.index, || body(pos));
                }
                for u in uncertain.drain(..) {
                    let dp = todo[u.pos as usize].0;
                    if listing.claim(dp.index, || body(u.pos)) {
                        state.created.push(u.pos);
                        stage.done(1);
                        log::debug!(
                            "datapoint {} was created although its request failed ({})",
                            dp.index,
                            u.reason
                        );
                    } else if u.made < DATAPOINT_ATTEMPTS {
                        to_send.push((u.pos, u.made));
                    } else {
                        state.failures.push(failed_datapoint(dp, u.reason, false));
                        stage.failed(1);
                    }
                }
            }
        }
        if to_send.is_empty() {
            break;
        }
        // They failed a moment ago: back off as a retry would.
        client.clock().sleep(backoff(client, round));
        let outcomes = parallel_map(client.max_workers(), &to_send, |&(pos, made)| {
            let dp = todo[pos as usize].0;
            let sent = send_until_settled(client, dataset_id, dp, || body(pos), made);
            match sent.0 {
                Attempt::Created => stage.done(1),
                Attempt::Failed(_) => stage.failed(1),
                // Reported once the listing tells.
                Attempt::Uncertain(_) | Attempt::Again(_) => {}
            }
            sent
        });
        for (&(pos, _), (outcome, made)) in to_send.iter().zip(outcomes) {
            match outcome {
                Attempt::Created => state.created.push(pos),
                Attempt::Uncertain(reason) => uncertain.push(Uncertain { pos, reason, made }),
                Attempt::Failed(reason) => {
                    state
                        .failures
                        .push(failed_datapoint(todo[pos as usize].0, reason, false))
                }
                // `send_until_settled` waits out every pause itself.
                Attempt::Again(_) => {}
            }
        }
    }
}
pub(super) fn failed_datapoint(
    dp: &DatapointSpec,
    reason: String,
    ambiguous: bool,
) -> FailedDatapoint {
    FailedDatapoint {
        index: dp.index,
        items: dp.items.clone(),
        stage: FailureStage::Datapoint,
        reason,
        ambiguous,
    }
}

/// Whether sending the same datapoint again may succeed.
pub(super) fn worth_retrying(e: &Error) -> bool {
    match e.status() {
        Some(s) if (400..500).contains(&s) => s == 408 || s == 429,
        Some(_) => true,
        // A 2xx whose body did not decode was carried out; local errors do not go away.
        None => matches!(e, Error::Transport(_)),
    }
}

/// The pause before attempt `attempt + 1` of a datapoint: twice the client's backoff base,
/// doubling per attempt, capped at its backoff maximum.
pub(super) fn backoff(client: &Client, attempt: u32) -> Duration {
    let policy = client.retry_policy();
    (policy.backoff_base() * 2)
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(policy.backoff_max())
}

/// How one request to create a datapoint ended.
pub(super) enum Attempt {
    Created,
    /// It failed in a way that may still have created it: the dataset must be checked
    /// before it is sent again.
    Uncertain(String),
    /// Failed, and certainly not created.
    Failed(String),
    /// Failed, certainly not created, worth sending again after this pause.
    Again(Duration),
}

/// Sends `body` as request number `made` for datapoint `dp`.
pub(super) fn attempt(
    client: &Client,
    dataset_id: &str,
    dp: &DatapointSpec,
    body: types::CreateDatapointEndpointInput,
    made: u32,
) -> Attempt {
    let e = match client.send(&operations::PostDatasetByDatasetIdDatapoint::new(
        dataset_id, body,
    )) {
        Ok(_) => return Attempt::Created,
        Err(e) => e,
    };
    if e.may_have_been_processed() {
        return Attempt::Uncertain(e.to_string());
    }
    if made >= DATAPOINT_ATTEMPTS || !worth_retrying(&e) {
        return Attempt::Failed(e.to_string());
    }
    let pause = backoff(client, made);
    log::debug!(
        "datapoint {} failed ({e}); attempt {} of {DATAPOINT_ATTEMPTS} in {pause:?}",
        dp.index,
        made + 1
    );
    Attempt::Again(pause)
}

/// Sends one datapoint until it is created, fails for good, or fails in a way that may
/// have created it, pausing between attempts; at most [`DATAPOINT_ATTEMPTS`] requests
/// counting the `made` ones of earlier rounds. Returns the outcome (never
/// [`Attempt::Again`]) and the requests made so far.
pub(super) fn send_until_settled(
    client: &Client,
    dataset_id: &str,
    dp: &DatapointSpec,
    body: impl Fn() -> types::CreateDatapointEndpointInput,
    mut made: u32,
) -> (Attempt, u32) {
    loop {
        made += 1;
        match attempt(client, dataset_id, dp, body(), made) {
            Attempt::Again(pause) => client.clock().sleep(pause),
            settled => return (settled, made),
        }
    }
}

/// A datapoint whose creation may have been carried out although its request failed.
pub(super) struct Uncertain {
    pub(super) pos: u32,
    pub(super) reason: String,
    /// Requests made for it so far.
    pub(super) made: u32,
}
