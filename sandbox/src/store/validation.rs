//! Validation-set records, and the check of labelers against a pinned set.
//!
//! **Checking labelers.** The official SDK documents that labelers answer validation tasks
//! in the same session as a job's tasks, and that a pinned set is run alongside the flow.
//! The sandbox models it so: while a job whose revision pins a set with rapids runs, every
//! labeler who may vote on it is first shown one of the set's rapids (picked from the seed,
//! the labeler and the job) and answers it rightly with the probability of their hidden
//! skill; the rapid's `correctValidationCount` or `invalidValidationCount` goes up by one.
//! Only labelers who answered rightly vote on that job. A pinned set without rapids
//! changes nothing.

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::api_types::{IAssetInput, IRapidPayload, IValidationTruth};
use crate::rng::Mix;
use crate::sim::Labeler;

/// A validation set.
#[derive(Debug, Clone)]
pub(crate) struct ValidationSetRec {
    pub seq: u64,
    pub name: String,
    pub dimensions: Vec<String>,
    pub should_alert: bool,
    pub is_public: bool,
    pub flag_overruled: bool,
    pub created_at: SystemTime,
    pub rapids: Vec<RapidRec>,
    /// Labelers already shown one of its rapids, per job: (job id, labeler) → answered
    /// rightly.
    pub checked: BTreeMap<(String, usize), bool>,
}

/// A validation task of a set.
#[derive(Debug, Clone)]
pub(crate) struct RapidRec {
    pub id: String,
    pub seq: u64,
    pub asset: IAssetInput,
    pub payload: IRapidPayload,
    pub truth: Option<IValidationTruth>,
    pub context: Option<String>,
    pub context_asset: Option<IAssetInput>,
    pub explanation: Option<String>,
    pub random_correct_probability: Option<f64>,
    pub correct: u64,
    pub invalid: u64,
}

/// Validation sets by id.
pub(crate) type ValidationSets = BTreeMap<String, ValidationSetRec>;

/// The labelers of `eligible` who may vote on job `job_id`, whose revision pins
/// validation set `set_id`: each is shown one of the set's rapids the first time (see the
/// module docs), and only those who answered it rightly remain. Without rapids (or an
/// unknown set) everyone remains.
pub(crate) fn screen(
    sets: &mut ValidationSets,
    seed: u64,
    pool: &[Labeler],
    set_id: &str,
    job_id: &str,
    eligible: Vec<usize>,
) -> Vec<usize> {
    match sets.get_mut(set_id) {
        Some(set) => screen_set(set, seed, pool, job_id, eligible),
        None => eligible,
    }
}

/// [`screen`] on one set.
fn screen_set(
    set: &mut ValidationSetRec,
    seed: u64,
    pool: &[Labeler],
    job_id: &str,
    eligible: Vec<usize>,
) -> Vec<usize> {
    if set.rapids.is_empty() {
        return eligible;
    }
    let mut passed = Vec::with_capacity(eligible.len());
    for labeler in eligible {
        let key = (job_id.to_string(), labeler);
        let right = match set.checked.get(&key) {
            Some(&right) => right,
            None => {
                let mix = Mix::new(seed, "validation").str(job_id).num(labeler as u64);
                let pick = mix.below(set.rapids.len());
                let rapid = &mut set.rapids[pick];
                let right = Mix::new(seed, "validation-answer")
                    .str(job_id)
                    .str(&rapid.id)
                    .num(labeler as u64)
                    .unit()
                    < pool[labeler].skill;
                if right {
                    rapid.correct += 1;
                } else {
                    rapid.invalid += 1;
                }
                set.checked.insert(key, right);
                right
            }
        };
        if right {
            passed.push(labeler);
        }
    }
    passed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_with(rapids: usize) -> ValidationSetRec {
        let rapid = |i: usize| RapidRec {
            id: format!("r{i}"),
            seq: i as u64,
            asset: serde_json::from_value(serde_json::json!({"_t": "TextAssetInput", "text": "t"}))
                .unwrap(),
            payload: serde_json::from_value(
                serde_json::json!({"_t": "ComparePayload", "criteria": "Which?"}),
            )
            .unwrap(),
            truth: None,
            context: None,
            context_asset: None,
            explanation: None,
            random_correct_probability: None,
            correct: 0,
            invalid: 0,
        };
        ValidationSetRec {
            seq: 0,
            name: "s".into(),
            dimensions: Vec::new(),
            should_alert: true,
            is_public: false,
            flag_overruled: false,
            created_at: SystemTime::UNIX_EPOCH,
            rapids: (0..rapids).map(rapid).collect(),
            checked: BTreeMap::new(),
        }
    }

    #[test]
    fn labelers_who_miss_their_validation_rapid_do_not_vote() {
        let pool = crate::sim::labelers(7, 200);
        let everyone: Vec<usize> = (0..pool.len()).collect();
        let mut set = set_with(3);
        let passed = screen_set(&mut set, 7, &pool, "job1", everyone.clone());
        let (right, wrong): (u64, u64) = set
            .rapids
            .iter()
            .fold((0, 0), |(r, w), x| (r + x.correct, w + x.invalid));
        // Everyone answered exactly once; those who answered rightly are the ones left.
        assert_eq!(right + wrong, pool.len() as u64);
        assert_eq!(passed.len() as u64, right);
        assert!(wrong > 0 && right > wrong, "right {right}, wrong {wrong}");
        assert!(set.rapids.iter().all(|r| r.correct + r.invalid > 0));
        // Asked again for the same job: nobody answers twice, the verdicts stand.
        assert_eq!(
            screen_set(&mut set, 7, &pool, "job1", everyone.clone()),
            passed
        );
        let total: u64 = set.rapids.iter().map(|r| r.correct + r.invalid).sum();
        assert_eq!(total, pool.len() as u64);
        // Another job shows them a rapid again.
        screen_set(&mut set, 7, &pool, "job2", everyone);
        let total: u64 = set.rapids.iter().map(|r| r.correct + r.invalid).sum();
        assert_eq!(total, 2 * pool.len() as u64);
    }

    #[test]
    fn a_set_without_rapids_lets_everyone_vote() {
        let pool = crate::sim::labelers(7, 20);
        let everyone: Vec<usize> = (0..pool.len()).collect();
        let mut set = set_with(0);
        assert_eq!(
            screen_set(&mut set, 7, &pool, "job1", everyone.clone()),
            everyone
        );
        assert!(set.checked.is_empty());
    }
}
