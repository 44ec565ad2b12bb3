//! Job progress: every job brought up to the present (started once its audience is ready
//! and its preceding job finished, vote rounds run), its states, and blocking.

use std::time::Instant;

use crate::config::Config;
use crate::sim::{Labeler, Task};
use crate::wire::{JobState, LabelingState};

use super::records::JobRec;
use super::validation::screen;
use super::{State, DEFAULT_BLOCK_REASON};

impl State {
    /// Brings every job up to `now`: starts the ones whose audience is ready and runs the vote
    /// rounds that are due.
    pub fn advance(&mut self, cfg: &Config, pool: &[Labeler], now: Instant) {
        let mut order: Vec<(u64, String)> = self
            .jobs
            .values()
            .filter(|j| !j.sim.finished())
            .map(|j| (j.seq, j.id.clone()))
            .collect();
        order.sort();
        for (_, id) in order {
            let (audience, preceding, earliest, unsupported, started, paused) = {
                let j = &self.jobs[&id];
                (
                    j.audience_id.clone(),
                    j.preceding.clone(),
                    j.sim.earliest_start,
                    matches!(j.sim.task, Task::Unsupported { .. }),
                    j.sim.started,
                    j.sim.paused,
                )
            };
            if unsupported {
                if now >= earliest {
                    let job = self.jobs.get_mut(&id).expect("job");
                    if let Task::Unsupported { workflow } = &job.sim.task {
                        job.sim.failure_message = Some(format!(
                            "The sandbox does not simulate {workflow} jobs (only Compare, Classify, FreeText, Locate, Line, Scrub and Transcription rapids and GroupedRanking workflows)."
                        ));
                    }
                    job.sim.failed_at = Some(earliest);
                }
                continue;
            }
            let mut view = self.audience_view(cfg, pool, &audience, now);
            self.add_job_link_visitors(&mut view, &audience, &id);
            if !started && !paused {
                let after = match &preceding {
                    None => Some(earliest),
                    Some(p) => self
                        .jobs
                        .get(p)
                        .and_then(|p| p.sim.completed_at.or(p.sim.failed_at))
                        .map(|t| t.max(earliest)),
                };
                let anyone = view.eligible.as_ref().is_some_and(|e| !e.is_empty());
                if let (Some(after), Some(ready), true) = (after, view.ready_at, anyone) {
                    let at = after.max(ready);
                    if at <= now {
                        self.jobs.get_mut(&id).expect("job").sim.start(at);
                    }
                }
            }
            let mut eligible = view.eligible.unwrap_or_default();
            if let Some(set) = self.pinned_validation_set(&id) {
                eligible = screen(
                    &mut self.validation_sets,
                    cfg.seed,
                    pool,
                    &set,
                    &id,
                    eligible,
                );
            }
            let job = self.jobs.get_mut(&id).expect("job");
            job.sim
                .advance(now, cfg.response_interval, cfg.seed, pool, &eligible);
        }
    }

    /// The validation set pinned by the revision job `job_id` runs on, if any.
    fn pinned_validation_set(&self, job_id: &str) -> Option<String> {
        let job = self.jobs.get(job_id)?;
        self.definitions
            .get(&job.definition_id)?
            .revisions
            .iter()
            .find(|r| r.number == job.revision)?
            .validation_set_id
            .clone()
    }

    /// The `AudienceJobState` of a job.
    pub fn job_state(&self, job: &JobRec) -> JobState {
        let s = &job.sim;
        if s.failed_at.is_some() {
            JobState::Failed
        } else if s.completed_at.is_some() {
            JobState::Completed
        } else if s.blocked.is_some() {
            JobState::Blocked
        } else if s.paused {
            JobState::Paused
        } else if s.started {
            JobState::Running
        } else if job
            .preceding
            .as_ref()
            .and_then(|p| self.jobs.get(p))
            .is_some_and(|p| !p.sim.finished())
        {
            JobState::Queued
        } else {
            JobState::Submitted
        }
    }

    /// The `LabelingState` of a job that started.
    pub fn labeling_state(&self, job: &JobRec) -> LabelingState {
        let s = &job.sim;
        if s.failed_at.is_some() {
            LabelingState::Failed
        } else if s.completed_at.is_some() {
            LabelingState::Done
        } else if s.paused || s.blocked.is_some() {
            // (LabelingState has no Blocked: the labelling is halted.)
            LabelingState::Paused
        } else if s.vote_count() == 0 {
            LabelingState::Started
        } else {
            LabelingState::Labeling
        }
    }

    /// Blocks a job (the control behind `POST /_sandbox/jobs/{jobId}/block`): `Err` with a
    /// reason when it does not exist or already finished or was blocked.
    pub fn block_job(
        &mut self,
        cfg: &Config,
        pool: &[Labeler],
        id: &str,
        reason: Option<&str>,
        now: Instant,
    ) -> Result<(), String> {
        self.advance(cfg, pool, now);
        let state = match self.jobs.get(id) {
            None => return Err(format!("Job '{id}' was not found.")),
            Some(j) => self.job_state(j),
        };
        let job = self.jobs.get_mut(id).expect("checked");
        let reason = reason
            .filter(|r| !r.trim().is_empty())
            .unwrap_or(DEFAULT_BLOCK_REASON)
            .to_string();
        if job.sim.block(now, reason) {
            Ok(())
        } else {
            Err(format!(
                "Job '{id}' is {} and cannot be blocked.",
                state.as_str()
            ))
        }
    }
}
