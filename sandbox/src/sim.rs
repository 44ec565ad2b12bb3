//! The simulated crowd: labelers, qualification (graduation) of custom audiences, and the
//! votes a running job receives.
//!
//! Every draw is a pure function of the seed and of content (labeler index, example and
//! datapoint contents, vote number), so the same seed and the same inputs give the same
//! audiences and the same results, whatever the timing or order of the client's requests.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::api_types::{
    DeviceType, IAudienceFilter, IAudienceFilterAndAudienceFilter,
    IAudienceFilterCountryAudienceFilter, IAudienceFilterDemographicAudienceFilter,
    IAudienceFilterDeviceAudienceFilter, IAudienceFilterLanguageAudienceFilter,
    IAudienceFilterNotAudienceFilter, IAudienceFilterOrAudienceFilter, IGraduationRule,
    IGraduationRuleAcceptedFreeTextRule, IGraduationRuleScoreThresholdRule,
    IGraduationRuleTaskAccuracyRule, IReferee, IRefereeBudgetReferee, IRefereeEarlyStoppingReferee,
    IRefereeNaiveReferee, IRefereeQuorumReferee,
};
use crate::rng::Mix;

// ---------------------------------------------------------------------------------------------
// Labelers
// ---------------------------------------------------------------------------------------------

/// One simulated labeler. `skill` is hidden: the probability of answering correctly.
#[derive(Debug, Clone)]
pub(crate) struct Labeler {
    pub index: usize,
    pub skill: f64,
    pub country: &'static str,
    pub language: &'static str,
    pub age: &'static str,
    pub gender: &'static str,
    pub occupation: &'static str,
    pub device: DeviceType,
}

impl Labeler {
    /// The `userScores.global` value shown in results.
    pub fn score(&self) -> f64 {
        round(self.skill, 4)
    }
}

fn pick<T: Clone>(mix: Mix, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = (mix.u64() % u64::from(total)) as u32;
    for (v, w) in table {
        if x < *w {
            return v.clone();
        }
        x -= w;
    }
    table[table.len() - 1].0.clone()
}

const COUNTRIES: &[(&str, u32)] = &[
    ("US", 20),
    ("IN", 12),
    ("DE", 8),
    ("BR", 8),
    ("GB", 7),
    ("PH", 6),
    ("NG", 5),
    ("EG", 5),
    ("FR", 5),
    ("MX", 5),
    ("ID", 5),
    ("CA", 4),
    ("ES", 4),
    ("JP", 3),
    ("KE", 3),
];
const AGES: &[(&str, u32)] = &[
    ("18-29", 40),
    ("30-39", 28),
    ("40-49", 16),
    ("50-64", 12),
    ("65+", 4),
];
const GENDERS: &[(&str, u32)] = &[("Male", 49), ("Female", 48), ("Other", 3)];
const OCCUPATIONS: &[(&str, u32)] = &[
    ("Student", 25),
    ("Employed full-time", 35),
    ("Employed part-time", 12),
    ("Self-employed", 10),
    ("Not currently working", 13),
    ("Retired", 5),
];
const DEVICES: &[(DeviceType, u32)] = &[
    (DeviceType::Phone, 80),
    (DeviceType::Tablet, 12),
    (DeviceType::Unknown, 8),
];

fn language_of(country: &str, mix: Mix) -> &'static str {
    let u = mix.unit();
    match country {
        "IN" if u < 0.3 => "hi",
        "CA" if u < 0.2 => "fr",
        "US" if u < 0.1 => "es",
        "US" | "IN" | "GB" | "PH" | "NG" | "CA" | "KE" => "en",
        "DE" => "de",
        "BR" => "pt",
        "EG" => "ar",
        "FR" => "fr",
        "MX" | "ES" => "es",
        "ID" => "id",
        "JP" => "ja",
        _ => "en",
    }
}

/// The labeler pool of a seed: skill uniform in [0.5, 1.0), attributes from fixed weights.
pub(crate) fn labelers(seed: u64, n: usize) -> Vec<Labeler> {
    (0..n)
        .map(|i| {
            let m = |field: &str| Mix::new(seed, "labeler").num(i as u64).str(field);
            let country = pick(m("country"), COUNTRIES);
            Labeler {
                index: i,
                skill: 0.5 + 0.5 * m("skill").unit(),
                country,
                language: language_of(country, m("language")),
                age: pick(m("age"), AGES),
                gender: pick(m("gender"), GENDERS),
                occupation: pick(m("occupation"), OCCUPATIONS),
                device: pick(m("device"), DEVICES),
            }
        })
        .collect()
}

/// Whether a labeler passes an audience filter.
pub(crate) fn matches(filter: &IAudienceFilter, l: &Labeler) -> bool {
    match filter {
        IAudienceFilter::AndFilter(IAudienceFilterAndAudienceFilter { filters, .. }) => {
            filters.iter().all(|f| matches(f, l))
        }
        IAudienceFilter::OrFilter(IAudienceFilterOrAudienceFilter { filters, .. }) => {
            filters.iter().any(|f| matches(f, l))
        }
        IAudienceFilter::NotFilter(IAudienceFilterNotAudienceFilter { filter, .. }) => {
            !matches(filter, l)
        }
        IAudienceFilter::CountryFilter(IAudienceFilterCountryAudienceFilter {
            countries, ..
        }) => countries.iter().any(|c| c.eq_ignore_ascii_case(l.country)),
        IAudienceFilter::LanguageFilter(IAudienceFilterLanguageAudienceFilter {
            languages,
            ..
        }) => languages
            .iter()
            .any(|c| c.as_str().eq_ignore_ascii_case(l.language)),
        IAudienceFilter::DeviceFilter(IAudienceFilterDeviceAudienceFilter {
            device_types, ..
        }) => device_types.contains(&l.device),
        IAudienceFilter::DemographicFilter(IAudienceFilterDemographicAudienceFilter {
            identifier,
            values,
            ..
        }) => {
            let value = match identifier.to_ascii_lowercase().as_str() {
                "age" => l.age,
                "gender" => l.gender,
                "occupation" => l.occupation,
                _ => return false,
            };
            values.iter().any(|v| v.eq_ignore_ascii_case(value))
        }
        // Rejected when the request is parsed; never stored.
        _ => false,
    }
}

/// The curated "Alignment" audience: labelers with skill ≥ 0.7.
pub(crate) const CURATED_MIN_SKILL: f64 = 0.7;

// ---------------------------------------------------------------------------------------------
// Qualification
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

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

/// Which answer the crowd leans to for one datapoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leaning {
    /// Labelers pick this option with probability = skill (else a random other one).
    Option(usize),
    /// Votes alternate between the two options (A on even votes): an exact tie on an even
    /// number of votes.
    Tie,
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

/// Rounds to `digits` decimals.
pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Case-insensitive search for `needle` as a whole word (bounded by non-alphanumerics).
pub(crate) fn contains_word(haystack: &str, needle: &str) -> bool {
    let hay = haystack.to_lowercase();
    let needle = needle.to_lowercase();
    if needle.is_empty() {
        return false;
    }
    let mut start = 0;
    while let Some(pos) = hay[start..].find(&needle) {
        let at = start + pos;
        let end = at + needle.len();
        let before = hay[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        start = at + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The `[sandbox:…]` marker of a context, if any (lower-cased content).
pub(crate) fn marker(context: Option<&str>) -> Option<String> {
    let lower = context?.to_lowercase();
    let start = lower.find("[sandbox:")? + "[sandbox:".len();
    let end = lower[start..].find(']')? + start;
    Some(lower[start..end].trim().to_string())
}

/// The documented rule for which compare option is better: the `sandbox` key of
/// `privateMetadata`, else a `[sandbox:A]` / `[sandbox:B]` / `[sandbox:tie]` marker in the
/// context, else A.
pub(crate) fn compare_leaning(
    context: Option<&str>,
    private_metadata: Option<&std::collections::BTreeMap<String, String>>,
) -> Leaning {
    let hint = private_metadata
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_lowercase())
        .or_else(|| marker(context));
    match hint.as_deref() {
        Some("b") => Leaning::Option(1),
        Some("tie") => Leaning::Tie,
        _ => Leaning::Option(0),
    }
}

/// The documented rule for which category is right: the `sandbox` key of `privateMetadata`
/// or a `[sandbox:<label>]` context marker naming a category, else the first category whose
/// label occurs as a word in the asset's identifier (file name, URL or text), else the first
/// category.
pub(crate) fn classify_leaning(
    context: Option<&str>,
    private_metadata: Option<&std::collections::BTreeMap<String, String>>,
    identifier: &str,
    categories: &[String],
) -> Leaning {
    let hint = private_metadata
        .and_then(|m| m.get("sandbox"))
        .map(|s| s.trim().to_lowercase())
        .or_else(|| marker(context));
    if let Some(hint) = hint {
        if hint == "tie" {
            return Leaning::Tie;
        }
        if let Some(i) = categories.iter().position(|c| c.to_lowercase() == hint) {
            return Leaning::Option(i);
        }
    }
    let found = categories.iter().position(|c| contains_word(identifier, c));
    Leaning::Option(found.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_is_deterministic_and_in_range() {
        let a = labelers(42, 300);
        let b = labelers(42, 300);
        assert_eq!(a.len(), 300);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.skill, y.skill);
            assert_eq!(x.country, y.country);
            assert!((0.5..1.0).contains(&x.skill));
        }
        assert_ne!(labelers(43, 1)[0].skill, a[0].skill);
    }

    #[test]
    fn words() {
        assert!(contains_word("https://x/dog_1.jpg", "Dog"));
        assert!(!contains_word("https://x/dogma.jpg", "dog"));
        assert!(contains_word("A cat.", "cat"));
    }

    #[test]
    fn leanings() {
        assert_eq!(compare_leaning(None, None), Leaning::Option(0));
        assert_eq!(
            compare_leaning(Some("x [Sandbox:B] y"), None),
            Leaning::Option(1)
        );
        assert_eq!(compare_leaning(Some("[sandbox:tie]"), None), Leaning::Tie);
        let cats = vec!["Cat".to_string(), "Dog".to_string()];
        assert_eq!(
            classify_leaning(None, None, "dog.jpg", &cats),
            Leaning::Option(1)
        );
        assert_eq!(
            classify_leaning(Some("[sandbox:cat]"), None, "dog.jpg", &cats),
            Leaning::Option(0)
        );
        assert_eq!(
            classify_leaning(None, None, "x.jpg", &cats),
            Leaning::Option(0)
        );
    }

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
