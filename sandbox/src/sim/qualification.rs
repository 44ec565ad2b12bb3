//! Qualification (graduation) of custom audiences: which labelers answer the examples well
//! enough for the graduation rule.

use crate::api_types::{
    IAudienceFilter, IGraduationRule, IGraduationRuleAcceptedFreeTextRule,
    IGraduationRuleScoreThresholdRule, IGraduationRuleTaskAccuracyRule,
};
use crate::rng::Mix;

use super::crowd::{matches, Labeler};

/// A qualification example as the simulation sees it: its content key.
pub(crate) struct ExampleView {
    pub key: u64,
}

/// The outcome of running an audience's qualification over its candidates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Qualification {
    pub graduated: Vec<usize>,
    pub dropped: Vec<usize>,
    /// Per example (in the order given): (correct, incorrect) answers.
    pub per_example: Vec<(i32, i32)>,
}

/// How many of the (sorted) examples a candidate answers, and whether a score passes.
fn admission(
    rule: &IGraduationRule,
    examples: usize,
) -> (usize, Box<dyn Fn(usize, usize) -> bool>) {
    match rule {
        IGraduationRule::TaskAccuracy(IGraduationRuleTaskAccuracyRule {
            min_tasks,
            target_accuracy,
            ..
        }) => {
            let n = ((*min_tasks).max(1) as usize).min(examples);
            let target = *target_accuracy;
            (
                n,
                Box::new(move |ok, n| ok as f64 >= target * n as f64 - 1e-9),
            )
        }
        IGraduationRule::ScoreThreshold(IGraduationRuleScoreThresholdRule {
            graduation_score,
            ..
        }) => {
            let n = examples.min(10);
            let target = *graduation_score;
            (
                n,
                Box::new(move |ok, n| ok as f64 >= target * n as f64 - 1e-9),
            )
        }
        IGraduationRule::AcceptedFreeText(IGraduationRuleAcceptedFreeTextRule {
            min_accepted_responses,
            min_accepted_ratio,
            ..
        }) => {
            let n = examples.min(10);
            let min_ok = *min_accepted_responses as usize;
            let ratio = *min_accepted_ratio;
            (
                n,
                Box::new(move |ok, n| ok >= min_ok.min(n) && ok as f64 >= ratio * n as f64 - 1e-9),
            )
        }
        // Rejected when the request is parsed; never stored.
        _ => (0, Box::new(|_, _| false)),
    }
}

/// How many qualification examples an audience needs before recruiting may start: a
/// `TaskAccuracy` rule's `minTasks`; `ScoreThreshold`'s `minResponsesToGraduate` and
/// `AcceptedFreeText`'s `minAcceptedResponses`, at least 3 (the live API never asks for
/// fewer).
pub(crate) fn required_examples(rule: &IGraduationRule) -> usize {
    let n = match rule {
        IGraduationRule::TaskAccuracy(IGraduationRuleTaskAccuracyRule { min_tasks, .. }) => {
            i64::from(*min_tasks)
        }
        IGraduationRule::ScoreThreshold(IGraduationRuleScoreThresholdRule {
            min_responses_to_graduate,
            ..
        }) => min_responses_to_graduate.flatten().map_or(3, i64::from),
        IGraduationRule::AcceptedFreeText(IGraduationRuleAcceptedFreeTextRule {
            min_accepted_responses,
            ..
        }) => i64::from(*min_accepted_responses),
        _ => 10,
    };
    n.max(3) as usize
}

/// Runs qualification: every candidate (labelers matching all `filters`) answers the first
/// `n` examples (by sort index), each correctly with probability = skill, and graduates when
/// the rule's bar is met (TaskAccuracy: correct/n ≥ targetAccuracy with n = min(minTasks,
/// #examples)).
pub(crate) fn qualify(
    seed: u64,
    pool: &[Labeler],
    filters: &[IAudienceFilter],
    rule: &IGraduationRule,
    examples: &[ExampleView],
) -> Qualification {
    let candidates: Vec<&Labeler> = pool
        .iter()
        .filter(|l| filters.iter().all(|f| matches(f, l)))
        .collect();
    let mut q = Qualification {
        per_example: vec![(0, 0); examples.len()],
        ..Qualification::default()
    };
    if examples.is_empty() {
        return q;
    }
    let (n, passes) = admission(rule, examples.len());
    for l in candidates {
        let mut ok = 0;
        for (i, e) in examples.iter().take(n).enumerate() {
            let correct = Mix::new(seed, "answer")
                .num(l.index as u64)
                .num(e.key)
                .unit()
                < l.skill;
            if correct {
                ok += 1;
                q.per_example[i].0 += 1;
            } else {
                q.per_example[i].1 += 1;
            }
        }
        if passes(ok, n) {
            q.graduated.push(l.index);
        } else {
            q.dropped.push(l.index);
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::crowd::labelers;

    #[test]
    fn qualification_admits_a_reasonable_share() {
        let pool = labelers(1, 300);
        let examples: Vec<ExampleView> = (0..3).map(|k| ExampleView { key: k }).collect();
        let rule = IGraduationRule::from(crate::api_types::IGraduationRuleTaskAccuracyRule::new(
            10, 0.75,
        ));
        let q = qualify(1, &pool, &[], &rule, &examples);
        assert!(
            (90..200).contains(&q.graduated.len()),
            "{}",
            q.graduated.len()
        );
        assert_eq!(q.graduated.len() + q.dropped.len(), 300);
    }
}
