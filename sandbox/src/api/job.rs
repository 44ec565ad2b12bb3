//! The job service: jobs created from a revision, read, listed, paused, resumed, retried,
//! deleted, their progress, cost and result file.

use crate::api_types::CreateJobEndpointInput;
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::items::job_items;
use crate::results::results_file;
use crate::sim::{JobSim, RefereeRule, Task};
use crate::store::records::JobRec;
use crate::store::{elapsed, State, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL};
use crate::util::{iso_time, round};
use crate::wire::*;

use super::audience::owned_in_scope;
use super::checks::{not_found, now_system, Errors};
use super::definition::{definition, workflow_task};
use super::revision::estimate;

pub(crate) fn create_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateJobEndpointInput = c.body()?;
    let revision_number = input.revision_number.flatten();
    let name = input.name.flatten();
    let preceding_job_id = input.preceding_job_id.flatten();
    let experiment_id = input.experiment_id.flatten();
    let def = definition(st, &input.job_definition_id)?.clone();
    let rev = match revision_number {
        None => def.revisions.last(),
        Some(n) => def.revisions.iter().find(|r| r.number == n),
    }
    .cloned()
    .ok_or_else(|| {
        ApiError::NotFound(format!(
            "Revision {} of job definition '{}' was not found.",
            revision_number.unwrap_or_default(),
            def.id
        ))
    })?;
    if !st.audience_exists(&input.audience_id) {
        return Err(not_found("Audience", &input.audience_id));
    }
    if let Some(p) = &preceding_job_id {
        if !st.jobs.contains_key(p) {
            return Err(not_found("Job", p));
        }
    }
    if name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }

    // (Validated when the revision was created.)
    let (task, instruction) = match st.datasets.get(&rev.dataset_id) {
        Some(ds) => workflow_task(&mut Errors::default(), ds, &rev.workflow),
        None => (
            Task::Unsupported {
                workflow: "a deleted dataset's".into(),
            },
            String::new(),
        ),
    };
    let items = job_items(st, &rev.dataset_id, &task);
    let rule = RefereeRule::from_wire(&rev.referee, items.len());
    let cost = estimate(c, items.len(), &rule);

    // The live API never starts recruiting by itself: a job on a custom audience that is not
    // recruiting waits (without responses) until someone calls recruit.
    let recruiting_started = false;

    let (job_id, seq) = st.new_id(c.cfg);
    let (campaign_id, _) = st.new_id(c.cfg);
    // A job runs on a pipeline of its own (the definition's is its preview pipeline).
    let (pipeline_id, _) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    let name = name.unwrap_or_else(|| format!("{}:{}", def.name, rev.number));
    st.jobs.insert(
        job_id.clone(),
        JobRec {
            id: job_id.clone(),
            seq,
            name,
            definition_id: def.id.clone(),
            definition_name: def.name.clone(),
            instruction,
            revision: rev.number,
            pipeline_id,
            campaign_id,
            audience_id: input.audience_id.clone(),
            preceding: preceding_job_id,
            experiment_id: experiment_id.clone(),
            created_at,
            created: c.now,
            sim: JobSim::new(task, rule, items, c.now + c.cfg.response_interval),
        },
    );
    // Jobs whose audience is already ready start on the next request.
    st.advance(c.cfg, c.pool, c.now);
    json(&CreateJobOutput {
        job_id,
        experiment_id,
        recruiting_started,
        content_check_skip_denied: input.check_for_explicit_content == Some(Some(false)),
        cost_warning: (cost.estimated_cost > c.cfg.balance).then(|| CostWarning {
            estimated_cost: cost.estimated_cost,
            available_balance: c.cfg.balance,
            shortfall: round(cost.estimated_cost - c.cfg.balance, 2),
        }),
    })
}

fn job<'a>(st: &'a State, id: &str) -> Result<&'a JobRec, ApiError> {
    st.jobs.get(id).ok_or_else(|| not_found("Job", id))
}

pub(crate) fn get_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    let audience_name = {
        let base = st
            .filtered
            .get(&j.audience_id)
            .map_or(j.audience_id.as_str(), |f| f.base.as_str());
        st.audiences.get(base).map(|a| a.name.clone())
    };
    let state = st.job_state(j);
    json(&GetJobOutput {
        job_id: j.id.clone(),
        name: j.name.clone(),
        definition_id: j.definition_id.clone(),
        audience_id: j.audience_id.clone(),
        revision_number: j.revision,
        pipeline_id: j.pipeline_id.clone(),
        campaign_id: Some(j.campaign_id.clone()),
        audience_name,
        state,
        is_public: false,
        audience_deleted: !st.audience_exists(&j.audience_id),
        completed_at: j.sim.completed_at.map(|t| st.iso_at(t)),
        result_file_name: j.sim.completed_at.map(|_| format!("{}_results.json", j.id)),
        failed_at: j.sim.failed_at.map(|t| st.iso_at(t)),
        failure_message: j
            .sim
            .failure_message
            .clone()
            .or_else(|| j.sim.blocked.clone()),
        review_reason: None,
        experiment_id: j.experiment_id.clone(),
        created_at: iso_time(j.created_at),
        owner_id: OWNER_ID.into(),
        owner_mail: OWNER_MAIL.into(),
        organization_id: ORGANIZATION_ID.into(),
    })
}

pub(crate) fn delete_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    st.jobs.remove(id).ok_or_else(|| not_found("Job", id))?;
    Ok(Reply::NoContent)
}

pub(crate) fn job_progress(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    if !j.sim.started && j.sim.failed_at.is_none() && j.sim.blocked.is_none() {
        return Err(ApiError::NotFound(format!(
            "Job '{}' has no labeling progress yet.",
            j.id
        )));
    }
    json(&JobProgressOutput {
        completion_percentage: j.sim.percentage(),
        total: j.sim.items.len() as i64,
        completed: j.sim.completed_items() as i64,
        state: st.labeling_state(j),
        response_count: j.sim.vote_count() as i64,
    })
}

pub(crate) fn job_cost(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    if elapsed(j.created, c.now) < c.cfg.cost_estimate_delay {
        return Err(ApiError::Conflict(
            "The cost estimate is not ready yet; try again shortly.".into(),
        ));
    }
    json(&estimate(c, j.sim.items.len(), &j.sim.referee))
}

pub(crate) fn pause_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let state = st.job_state(job(st, &id)?);
    if matches!(state, JobState::Completed | JobState::Failed) {
        return Err(ApiError::field(
            "jobId",
            format!("The job is {} and cannot be paused.", state.as_str()),
        ));
    }
    st.jobs.get_mut(&id).expect("checked").sim.pause(c.now);
    Ok(Reply::NoContent)
}

pub(crate) fn resume_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    job(st, &id)?;
    st.jobs.get_mut(&id).expect("checked").sim.resume(c.now);
    st.advance(c.cfg, c.pool, c.now);
    Ok(Reply::NoContent)
}

pub(crate) fn retry_job(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    job(st, c.param(0))?;
    Ok(Reply::NoContent)
}

pub(crate) fn download_results(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let j = job(st, c.param(0))?;
    if j.sim.completed_at.is_none() {
        if let Some(message) = &j.sim.failure_message {
            return Err(ApiError::Conflict(format!(
                "No results: the job failed. {message}"
            )));
        }
        return Err(ApiError::Conflict(format!(
            "The results of job '{}' are not available yet (state {}).",
            j.id,
            st.job_state(j).as_str()
        )));
    }
    Ok(Reply::File {
        body: results_file(st, c, j)?,
        name: format!("{}_results.json", j.id),
    })
}

const JOB_LIST: ListSpec = ListSpec {
    sorts: &[
        "name",
        "-name",
        "created_at",
        "-created_at",
        "state",
        "-state",
        "owner_mail",
        "-owner_mail",
        "progress",
        "-progress",
    ],
    filters: &[
        "id",
        "name",
        "job_definition_id",
        "audience_id",
        "campaign_id",
        "state",
        "owner_mail",
        "created_at",
    ],
    default_sort: "-created_at",
};

pub(crate) fn list_jobs(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let owned = owned_in_scope(c)?;
    let rows = st
        .jobs
        .values()
        .filter(|_| owned)
        .map(|j| {
            let state = st.job_state(j);
            let progress = round(j.sim.percentage() / 100.0, 4);
            let created_at = iso_time(j.created_at);
            Row {
                fields: vec![
                    ("id", j.id.clone()),
                    ("name", j.name.clone()),
                    ("job_definition_id", j.definition_id.clone()),
                    ("audience_id", j.audience_id.clone()),
                    ("campaign_id", j.campaign_id.clone()),
                    ("state", state.as_str().to_string()),
                    ("owner_mail", OWNER_MAIL.to_string()),
                    ("created_at", created_at.clone()),
                    ("progress", progress.to_string()),
                ],
                seq: j.seq,
                item: JobItem {
                    job_id: j.id.clone(),
                    name: j.name.clone(),
                    job_definition_id: j.definition_id.clone(),
                    audience_id: j.audience_id.clone(),
                    revision_number: j.revision,
                    pipeline_id: j.pipeline_id.clone(),
                    state,
                    owner_mail: OWNER_MAIL.into(),
                    organization_id: ORGANIZATION_ID.into(),
                    created_at,
                    progress: Some(progress),
                    campaign_id: Some(j.campaign_id.clone()),
                    is_shared: false,
                },
            }
        })
        .collect();
    list(&c.query, &JOB_LIST, rows)
}
