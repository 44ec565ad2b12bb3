//! Revisions of job definitions and their cost estimate. A new revision is `Pending`
//! while its preview is built (the sandbox's `cost_estimate_delay`), and a save with
//! `requireLatest` that is based on an older revision is refused with 409 and the latest
//! revision number (`latestRevisionNumber`, as the official SDK reads it).

use std::time::Instant;

use crate::api_types::CreateJobRevisionEndpointInput;
use crate::config::Config;
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::sim::RefereeRule;
use crate::store::records::RevisionRec;
use crate::store::{elapsed, State, OWNER_ID, OWNER_MAIL};
use crate::util::{iso_time, round};
use crate::wire::*;

use super::checks::{not_found, now_system, Errors};
use super::definition::{check_definition, definition, flags};

pub(crate) fn create_revision(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let latest = definition(st, &id)?
        .revisions
        .last()
        .expect("revisions")
        .clone();
    let input: CreateJobRevisionEndpointInput = c.body()?;
    let mut errors = Errors::default();
    match (&input.workflow, &input.referee) {
        (Some(_), None) => errors.add(
            "referee",
            "'workflow' and 'referee' must be given together.",
        ),
        (None, Some(_)) => errors.add(
            "workflow",
            "'workflow' and 'referee' must be given together.",
        ),
        _ => {}
    }
    errors.done()?;
    let base_revision_number = input.base_revision_number.flatten();
    if input.require_latest == Some(true) {
        let Some(base) = base_revision_number else {
            return Err(ApiError::field(
                "baseRevisionNumber",
                "'requireLatest' needs 'baseRevisionNumber'.",
            ));
        };
        if base != latest.number {
            return Err(conflict(base, latest.number));
        }
    }
    let dataset_id = input.dataset_id.unwrap_or(latest.dataset_id.clone());
    if !st.datasets.contains_key(&dataset_id) {
        return Err(not_found("Dataset", &dataset_id));
    }
    if let Some(Some(set)) = &input.validation_set_id {
        if !super::validation::exists(st, set) {
            return Err(super::validation::unknown(set));
        }
    }
    let workflow = input.workflow.unwrap_or(latest.workflow.clone());
    let referee = input.referee.unwrap_or(latest.referee.clone());
    check_definition(st, &mut errors, &workflow, &referee, &dataset_id);
    errors.done()?;
    let (pipeline_id, _) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    let rapid_flags = flags(input.rapid_feature_flags, &latest.rapid_flags);
    let campaign_flags = flags(input.campaign_feature_flags, &latest.campaign_flags);
    let d = st.definitions.get_mut(&id).expect("checked above");
    let number = latest.number + 1;
    d.revisions.push(RevisionRec {
        number,
        pipeline_id: pipeline_id.clone(),
        dataset_id,
        workflow,
        referee,
        rapid_flags,
        campaign_flags,
        validation_set_id: input
            .validation_set_id
            .unwrap_or(latest.validation_set_id.clone()),
        base_revision_number,
        aggregator: input.aggregator_type.unwrap_or(latest.aggregator.clone()),
        created_at,
        created: c.now,
    });
    json(&CreateJobRevisionOutput {
        revision_number: number,
        pipeline_id,
    })
}

pub(crate) fn get_revision(
    st: &mut State,
    c: &Ctx<'_>,
    number: Option<i32>,
) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    let rev = match number {
        None => d.revisions.last(),
        Some(n) => d.revisions.iter().find(|r| r.number == n),
    }
    .ok_or_else(|| {
        ApiError::NotFound(format!(
            "Revision {} of job definition '{}' was not found.",
            number.unwrap_or_default(),
            d.id
        ))
    })?;
    json(&GetJobRevisionOutput {
        definition_id: d.id.clone(),
        revision_number: rev.number,
        state: state(rev, c.cfg, c.now),
        pipeline_id: rev.pipeline_id.clone(),
        dataset_id: rev.dataset_id.clone(),
        aggregator_type: rev.aggregator.clone(),
        workflow: rev.workflow.clone(),
        referee: rev.referee.clone(),
        feature_flags: rev.rapid_flags.clone(),
        campaign_feature_flags: rev.campaign_flags.clone(),
        validation_set_id: rev.validation_set_id.clone(),
        base_revision_number: rev.base_revision_number,
        created_at: iso_time(rev.created_at),
        created_by_id: OWNER_ID.into(),
        created_by_mail: OWNER_MAIL.into(),
        is_instruction_complex: None,
        instruction_complexity_reason: None,
    })
}

const REVISION_LIST: ListSpec = ListSpec {
    sorts: &[
        "revision_number",
        "-revision_number",
        "created_at",
        "-created_at",
    ],
    filters: &["revision_number", "created_at", "state"],
    default_sort: "revision_number",
};

pub(crate) fn list_revisions(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    let rows = d
        .revisions
        .iter()
        .map(|r| {
            let created_at = iso_time(r.created_at);
            Row {
                fields: vec![
                    ("revision_number", r.number.to_string()),
                    ("created_at", created_at.clone()),
                    ("state", format!("{:?}", state(r, c.cfg, c.now))),
                ],
                seq: r.number as u64,
                item: JobRevisionItem {
                    definition_id: d.id.clone(),
                    revision_number: r.number,
                    created_at,
                    state: state(r, c.cfg, c.now),
                    base_revision_number: r.base_revision_number,
                },
            }
        })
        .collect();
    list(&c.query, &REVISION_LIST, rows)
}

pub(crate) fn estimate(c: &Ctx<'_>, datapoints: usize, rule: &RefereeRule) -> CostEstimateOutput {
    let required = (datapoints * rule.max_votes) as i64;
    CostEstimateOutput {
        estimated_cost: round(required as f64 * c.cfg.cost_per_response, 2),
        cost_per_response: c.cfg.cost_per_response,
        datapoint_count: datapoints as i64,
        required_responses: required,
    }
}

pub(crate) fn definition_cost(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let d = definition(st, c.param(0))?;
    if elapsed(d.created, c.now) < c.cfg.cost_estimate_delay {
        return Err(ApiError::Conflict(
            "The cost estimate is not ready yet; try again shortly.".into(),
        ));
    }
    let rev = d.revisions.last().expect("revisions");
    let n = st
        .datasets
        .get(&rev.dataset_id)
        .map_or(0, |d| d.datapoints.len());
    json(&estimate(c, n, &RefereeRule::from_wire(&rev.referee, n)))
}

/// The state of a revision at `now`.
fn state(rev: &RevisionRec, cfg: &Config, now: Instant) -> RevisionState {
    if now.saturating_duration_since(rev.created) < cfg.cost_estimate_delay {
        RevisionState::Pending
    } else {
        RevisionState::Completed
    }
}

/// The refusal of a `requireLatest` save based on `base` while `latest` is the latest.
fn conflict(base: i32, latest: i32) -> ApiError {
    ApiError::RevisionConflict {
        detail: format!(
            "The revision is based on revision {base}, but the latest revision is {latest}."
        ),
        latest,
    }
}
