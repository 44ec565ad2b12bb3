//! The votes a running job receives: the task, its items, the referee's stopping rule, and
//! the job simulation that runs vote rounds.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::api_types::{
    IReferee, IRefereeBudgetReferee, IRefereeEarlyStoppingReferee, IRefereeNaiveReferee,
    IRefereeQuorumReferee,
};
use crate::rng::Mix;
use crate::util::round;

use super::crowd::Labeler;
use super::leaning::Leaning;

/// When a datapoint stops receiving votes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Stop {
    /// Only at `max_votes`.
    Never,
    /// As soon as one option has this many votes.
    Quorum(usize),
    /// As soon as one option's posterior confidence reaches this.
    Confidence(f64),
}

/// A referee reduced to what the simulation needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RefereeRule {
    pub max_votes: usize,
    pub stop: Stop,
    pub early_stopping: bool,
}

impl RefereeRule {
    pub fn from_wire(referee: &IReferee, datapoints: usize) -> RefereeRule {
        match referee {
            IReferee::NaiveReferee(IRefereeNaiveReferee { total_votes, .. }) => RefereeRule {
                max_votes: (*total_votes).max(1) as usize,
                stop: Stop::Never,
                early_stopping: false,
            },
            IReferee::EarlyStoppingReferee(IRefereeEarlyStoppingReferee {
                max_votes,
                threshold,
                ..
            }) => RefereeRule {
                max_votes: (*max_votes).max(1) as usize,
                stop: Stop::Confidence(*threshold),
                early_stopping: true,
            },
            IReferee::QuorumReferee(IRefereeQuorumReferee {
                max_votes,
                threshold,
                ..
            }) => RefereeRule {
                max_votes: (*max_votes).max(1) as usize,
                stop: Stop::Quorum((*threshold).max(1) as usize),
                early_stopping: false,
            },
            IReferee::BudgetReferee(IRefereeBudgetReferee { total_budget, .. }) => RefereeRule {
                max_votes: (((*total_budget).max(1) as usize) / datapoints.max(1)).max(1),
                stop: Stop::Never,
                early_stopping: false,
            },
            // Rejected when the request is parsed; never stored.
            _ => RefereeRule {
                max_votes: 1,
                stop: Stop::Never,
                early_stopping: false,
            },
        }
    }
}

/// What the job asks labelers to do, read from its rapid spec.
#[derive(Debug, Clone)]
pub(crate) enum Task {
    /// Pick the better of the two assets of a datapoint's bound asset segment.
    Compare {
        /// The asset segment (a 2-item `MultiAssetInput`).
        asset: String,
        /// Where the context comes from.
        context: TextSource,
    },
    /// Pick one of the datapoint's options.
    Classify {
        asset: String,
        context: TextSource,
        categories: OptionsSource,
    },
    /// Answer a question in free text: a vote's choice indexes the datapoint's candidate
    /// answers (`Item::labels`; the first is the hidden right one).
    FreeText { asset: String, context: TextSource },
    /// Tap the target: a vote's choice is 0 for a tap near the hidden target (see
    /// `kinds::locate_target`), 1 for a stray tap.
    Locate { asset: String, context: TextSource },
    /// Draw over the target: like `Locate`, each response a short line (see
    /// `kinds::line`).
    Draw { asset: String, context: TextSource },
    /// Mark the moment (a `Scrub` rapid): like `Locate` on a timeline (see
    /// `kinds::moment`).
    Timestamp { asset: String, context: TextSource },
    /// Select words of the datapoint's sentence (`Item::labels` = its words): a vote's
    /// choice is 0 for the hidden right words, 1 for a selection one word off (see
    /// `kinds::selected_words`).
    SelectWords { asset: String, words: TextSource },
    /// Rank each dataset group from pairwise votes (a `GroupedRankingWorkflow`): every
    /// item is one matchup of two datapoints of a group (`Item::labels` = `[group]`), a
    /// vote's choice the better one (see `kinds::ranking_items`).
    Ranking {
        /// Every unique pair of each group, else at most `budget` pairs per group.
        full_permutation: bool,
        budget: usize,
    },
    /// A workflow the sandbox cannot simulate (evaluation): the job fails.
    Unsupported { workflow: String },
}

/// A text binding resolved against nothing yet: a literal, or a segment key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TextSource {
    Literal(String),
    Segment(String),
}

/// An options binding: the same labels for every datapoint, or a segment of each.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OptionsSource {
    Literal(Vec<String>),
    Segment(String),
}

/// One option of a datapoint, as results show it.
#[derive(Debug, Clone)]
pub(crate) struct OptionRef {
    /// Original file name, source URL or text.
    pub identifier: String,
    /// Server file name, for `assetUrls` (`None` for text).
    pub file_name: Option<String>,
}

/// One vote.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vote {
    pub labeler: usize,
    pub choice: usize,
}

/// A datapoint inside a job, with the votes it received so far.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The assets (compare: A and B; classify: the one asset).
    pub assets: Vec<OptionRef>,
    pub context: Option<String>,
    /// The answer options' labels (classify: this datapoint's options; compare: empty).
    pub labels: Vec<String>,
    pub private_metadata: Option<std::collections::BTreeMap<String, String>>,
    pub key: u64,
    pub leaning: Leaning,
    pub votes: Vec<Vote>,
    pub done: bool,
}

impl Item {
    /// Number of answer options (compare: 2; classify: the datapoint's options).
    fn options(&self, task: &Task) -> usize {
        match task {
            Task::Compare { .. } => 2,
            Task::Classify { .. } | Task::FreeText { .. } => self.labels.len().max(1),
            Task::Locate { .. }
            | Task::Draw { .. }
            | Task::Timestamp { .. }
            | Task::Ranking { .. }
            | Task::SelectWords { .. } => 2,
            Task::Unsupported { .. } => 1,
        }
    }

    /// Votes per option.
    pub fn counts(&self, options: usize) -> Vec<usize> {
        let mut c = vec![0; options];
        for v in &self.votes {
            if v.choice < options {
                c[v.choice] += 1;
            }
        }
        c
    }
}

/// Posterior probability of each option being right, given the votes and voter skills
/// (uniform prior; a voter picks the right option with p = skill, each wrong one with
/// (1 − skill)/(K − 1)).
pub(crate) fn confidence(votes: &[Vote], pool: &[Labeler], options: usize) -> Vec<f64> {
    if options < 2 {
        return vec![1.0; options];
    }
    let mut logp = vec![0.0f64; options];
    for v in votes {
        let s = pool[v.labeler].skill.clamp(0.5, 0.99);
        let wrong = (1.0 - s) / (options - 1) as f64;
        for (c, lp) in logp.iter_mut().enumerate() {
            *lp += if c == v.choice { s.ln() } else { wrong.ln() };
        }
    }
    let max = logp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = logp.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

/// The timing and votes of one job.
#[derive(Debug, Clone)]
pub(crate) struct JobSim {
    pub task: Task,
    pub referee: RefereeRule,
    pub items: Vec<Item>,
    /// No labelling before this (creation + one response interval).
    pub earliest_start: Instant,
    /// Start of the current running stretch, once labelling started.
    pub run_from: Option<Instant>,
    /// Running time accumulated before `run_from` (pauses excluded).
    pub active_before: Duration,
    pub started: bool,
    pub paused: bool,
    pub ticks: u64,
    pub completed_at: Option<Instant>,
    pub failed_at: Option<Instant>,
    pub failure_message: Option<String>,
    /// Set when the job was blocked (a flagged rapid): the reason. A blocked job gets no
    /// more responses.
    pub blocked: Option<String>,
}

impl JobSim {
    pub fn new(
        task: Task,
        referee: RefereeRule,
        items: Vec<Item>,
        earliest_start: Instant,
    ) -> JobSim {
        JobSim {
            task,
            referee,
            items,
            earliest_start,
            run_from: None,
            active_before: Duration::ZERO,
            started: false,
            paused: false,
            ticks: 0,
            completed_at: None,
            failed_at: None,
            failure_message: None,
            blocked: None,
        }
    }

    pub fn finished(&self) -> bool {
        self.completed_at.is_some() || self.failed_at.is_some()
    }

    /// Completion in percent (a datapoint counts votes/maxVotes until it is done).
    pub fn percentage(&self) -> f64 {
        if self.items.is_empty() {
            return if self.completed_at.is_some() {
                100.0
            } else {
                0.0
            };
        }
        let max = self.referee.max_votes as f64;
        let sum: f64 = self
            .items
            .iter()
            .map(|i| {
                if i.done {
                    1.0
                } else {
                    (i.votes.len() as f64 / max).min(1.0)
                }
            })
            .sum();
        round(100.0 * sum / self.items.len() as f64, 2)
    }

    pub fn completed_items(&self) -> usize {
        self.items.iter().filter(|i| i.done).count()
    }

    pub fn vote_count(&self) -> usize {
        self.items.iter().map(|i| i.votes.len()).sum()
    }

    /// Starts labelling at `at` (the later of the earliest start and audience readiness).
    pub fn start(&mut self, at: Instant) {
        if !self.started && !self.paused && self.blocked.is_none() {
            self.started = true;
            self.run_from = Some(at.max(self.earliest_start));
        }
    }

    /// Runs every vote round due by `now`. `eligible` lists the labelers who may vote
    /// (sorted by index); an empty list means no votes happen in those rounds.
    pub fn advance(
        &mut self,
        now: Instant,
        interval: Duration,
        seed: u64,
        pool: &[Labeler],
        eligible: &[usize],
    ) {
        let Some(run_from) = self.run_from else {
            return;
        };
        if self.paused || self.blocked.is_some() || self.finished() || now < run_from {
            return;
        }
        let interval = interval.max(Duration::from_micros(100));
        let active = self.active_before + (now - run_from);
        let due = (active.as_nanos() / interval.as_nanos()) as u64;
        while self.ticks < due {
            self.ticks += 1;
            let tick_active = interval * self.ticks as u32;
            let at = run_from + tick_active.saturating_sub(self.active_before);
            let (complete, any_vote) = self.vote_round(seed, pool, eligible);
            if complete {
                self.completed_at = Some(at);
                return;
            }
            if !any_vote {
                // Nobody could vote, and `eligible` is fixed for this call: skip ahead.
                self.ticks = due;
            }
        }
    }

    /// One vote round: every unfinished datapoint gets one vote. Returns whether the job is
    /// complete afterwards, and whether anybody voted.
    fn vote_round(&mut self, seed: u64, pool: &[Labeler], eligible: &[usize]) -> (bool, bool) {
        let task = self.task.clone();
        let referee = self.referee;
        let mut any_vote = false;
        for item in self.items.iter_mut().filter(|i| !i.done) {
            let k = item.options(&task);
            let n = item.votes.len() as u64;
            let voted: HashSet<usize> = item.votes.iter().map(|v| v.labeler).collect();
            let available: Vec<usize> = eligible
                .iter()
                .copied()
                .filter(|l| !voted.contains(l))
                .collect();
            if available.is_empty() {
                continue;
            }
            let who = available[Mix::new(seed, "voter")
                .num(item.key)
                .num(n)
                .below(available.len())];
            let skill = pool[who].skill;
            let choice = match item.leaning {
                Leaning::Tie => (n % 2) as usize,
                Leaning::Option(right) => {
                    if k < 2 || Mix::new(seed, "vote").num(item.key).num(n).unit() < skill {
                        right
                    } else {
                        let other = Mix::new(seed, "other").num(item.key).num(n).below(k - 1);
                        if other >= right {
                            other + 1
                        } else {
                            other
                        }
                    }
                }
            };
            item.votes.push(Vote {
                labeler: who,
                choice,
            });
            any_vote = true;
            item.done = item.votes.len() >= referee.max_votes
                || match referee.stop {
                    Stop::Never => false,
                    Stop::Quorum(q) => item.counts(k).iter().any(|&c| c >= q),
                    Stop::Confidence(t) => confidence(&item.votes, pool, k).iter().any(|&p| p >= t),
                };
        }
        (self.items.iter().all(|i| i.done), any_vote)
    }

    /// Pauses at `now` (after running the rounds due).
    pub fn pause(&mut self, now: Instant) {
        if self.paused || self.finished() {
            return;
        }
        if let Some(run_from) = self.run_from.take() {
            if now > run_from {
                self.active_before += now - run_from;
            }
        }
        self.paused = true;
    }

    /// Blocks the job at `now` (after running the rounds due): it stops receiving
    /// responses for good. `false` if it already finished or was blocked.
    pub fn block(&mut self, now: Instant, reason: String) -> bool {
        if self.blocked.is_some() || self.finished() {
            return false;
        }
        if let Some(run_from) = self.run_from.take() {
            if now > run_from {
                self.active_before += now - run_from;
            }
        }
        self.blocked = Some(reason);
        true
    }

    /// Resumes at `now` (not a blocked job: it stays blocked).
    pub fn resume(&mut self, now: Instant) {
        if !self.paused || self.blocked.is_some() {
            return;
        }
        self.paused = false;
        if self.started {
            self.run_from = Some(now);
        } else {
            self.earliest_start = self.earliest_start.max(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::crowd::labelers;

    #[test]
    fn confidence_grows_with_agreement() {
        let pool = labelers(1, 10);
        let votes: Vec<Vote> = (0..5)
            .map(|l| Vote {
                labeler: l,
                choice: 0,
            })
            .collect();
        let c = confidence(&votes, &pool, 2);
        assert!(c[0] > 0.9 && (c[0] + c[1] - 1.0).abs() < 1e-9);
    }
}
