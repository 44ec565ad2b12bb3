//! Ranking job definitions: each list of items is ranked on its own from pairwise
//! comparisons (a `GroupedRankingWorkflow`: the lists are dataset groups, a pair maker
//! picks the matchups, a Bradley–Terry model turns the votes into scores).
//!
//! Lists of up to [`FULL_PERMUTATION_MAX_ITEMS`] items compare every pair, the budget
//! spread evenly over the pairs; longer lists are matched adaptively within the budget,
//! with a share of random matchups.

use crate::asset::DataItem;
use crate::{Error, Result};

use super::super::JobManager;
use super::builder::{sealed, DefinitionBuilder, Kind};
use super::checks::{check_contexts, check_media_contexts};
use super::spec::{GroupSpec, PairMaker, RankingTask, TaskSpec, ValidatedDefinition};

/// Lists of at most this many items compare every unique pair (the official SDK's rule);
/// longer ones are matched adaptively.
///
/// ```
/// assert_eq!(rapidata::job::FULL_PERMUTATION_MAX_ITEMS, 10);
/// ```
pub const FULL_PERMUTATION_MAX_ITEMS: usize = 10;
/// The default share of random matchups in adaptively matched lists.
const DEFAULT_RANDOM_RATIO: f64 = 0.5;

/// The ranking kind: its lists, the comparison budget and how it is spent, and the
/// contexts of the lists. See [`RankingDefinitionBuilder`].
#[derive(Debug, Clone)]
pub struct Ranking {
    rankings: Vec<Vec<DataItem>>,
    comparison_budget: u32,
    responses_per_comparison: u32,
    random_comparisons_ratio: f64,
    contexts: Option<Vec<String>>,
    media_contexts: Option<Vec<DataItem>>,
}

impl Kind for Ranking {}

impl Ranking {
    /// The pair maker, and the responses each datapoint (item) collects.
    fn pair_maker(&self) -> Result<(PairMaker, u32)> {
        let largest = self.rankings.iter().map(Vec::len).max().unwrap_or(0);
        if largest <= FULL_PERMUTATION_MAX_ITEMS {
            let pairs = (largest * largest.saturating_sub(1) / 2).max(1) as u32;
            let per_pair = self.comparison_budget / pairs;
            if per_pair == 0 {
                log::warn!(
                    "comparison_budget_per_ranking={} is below the {pairs} pairs of a \
                     {largest}-item ranking: every pair is compared once, so the budget \
                     is exceeded",
                    self.comparison_budget
                );
            }
            let responses = per_pair
                .max(1)
                .saturating_mul(self.responses_per_comparison);
            Ok((PairMaker::FullPermutation, responses))
        } else {
            let budget = i32::try_from(self.comparison_budget).map_err(|_| {
                Error::invalid_input(
                    "comparison_budget_per_ranking",
                    self.comparison_budget,
                    format!("must be at most {}", i32::MAX),
                )
            })?;
            let online = PairMaker::Online {
                budget,
                random_ratio: self.random_comparisons_ratio as f32,
            };
            Ok((online, self.responses_per_comparison))
        }
    }
}

impl sealed::Sealed for Ranking {
    /// Besides the shared checks: lists of at least two unique items, contexts one per
    /// list, a budget and responses per comparison of at least 1, a ratio within 0–1. The
    /// lists become dataset groups.
    fn check(b: &DefinitionBuilder<Ranking>) -> Result<ValidatedDefinition> {
        let r = &b.kind;
        let n = r.rankings.len();
        for (i, list) in r.rankings.iter().enumerate() {
            if list.len() < 2 {
                return Err(Error::invalid_input(
                    format!("datapoints[{i}]"),
                    format!("{} items", list.len()),
                    "each ranking needs at least two items",
                ));
            }
            for (j, item) in list.iter().enumerate() {
                if let Some(k) = list[..j]
                    .iter()
                    .position(|o| o.identifier() == item.identifier())
                {
                    return Err(Error::invalid_input(
                        format!("datapoints[{i}][{j}]"),
                        item.to_string(),
                        format!(
                            "items {k} and {j} of ranking {i} are both identified as {:?} in \
                             the results; every item of a ranking must be unique",
                            item.identifier()
                        ),
                    ));
                }
            }
        }
        let check_len = |argument: &str, len: Option<usize>| match len {
            Some(len) if len != n => Err(Error::invalid_input(
                argument,
                format!("{len} entries"),
                format!("needs exactly one entry per ranking ({n})"),
            )),
            _ => Ok(()),
        };
        check_len("contexts", r.contexts.as_ref().map(Vec::len))?;
        check_len("media_contexts", r.media_contexts.as_ref().map(Vec::len))?;
        check_contexts(r.contexts.as_deref().unwrap_or_default())?;
        check_media_contexts(r.media_contexts.as_deref().unwrap_or_default())?;
        if r.comparison_budget == 0 {
            return Err(Error::invalid_input(
                "comparison_budget_per_ranking",
                0,
                "must be at least 1",
            ));
        }
        if r.responses_per_comparison == 0 {
            return Err(Error::invalid_input(
                "responses_per_comparison",
                0,
                "must be at least 1",
            ));
        }
        if !(0.0..=1.0).contains(&r.random_comparisons_ratio) {
            return Err(Error::invalid_input(
                "random_comparisons_ratio",
                r.random_comparisons_ratio,
                "must be a share between 0 and 1",
            ));
        }
        let (pair_maker, responses) = r.pair_maker()?;
        let mut common = b.common.clone();
        common.responses_per_datapoint = responses;
        let items = r
            .rankings
            .iter()
            .flat_map(|list| list.iter().map(|d| vec![d.clone()]))
            .collect();
        let task = TaskSpec::Ranking(RankingTask {
            instruction: b.instruction.clone(),
            pair_maker,
        });
        let mut checked = common.validate(&b.name, &b.instruction, items, task)?;
        let group_of: Vec<usize> = r
            .rankings
            .iter()
            .enumerate()
            .flat_map(|(i, list)| std::iter::repeat_n(i, list.len()))
            .collect();
        for dp in &mut checked.datapoints {
            dp.group = Some(group_of[dp.index].to_string());
        }
        checked.spec.groups = (0..n)
            .map(|i| GroupSpec {
                name: i.to_string(),
                context: r.contexts.as_ref().map(|c| c[i].clone()),
                media_context: r.media_contexts.as_ref().map(|m| m[i].clone()),
            })
            .collect();
        Ok(checked)
    }
}

/// Builder for a ranking job definition; from
/// [`JobManager::create_ranking_job_definition`].
///
/// It has no per-datapoint options (responses per datapoint, thresholds, private
/// metadata): a ranking's unit is the matchup. Contexts are one per list.
///
/// ```no_run
/// let definition = rapidata::Client::new()?
///     .job()
///     .create_ranking_job_definition(
///         "Image Quality Ranking",
///         "Which image looks better?",
///         [["img1.jpg", "img2.jpg", "img3.jpg"]],
///         50,
///     )
///     .responses_per_comparison(1)
///     .contexts(["A lighthouse at dusk"])
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type RankingDefinitionBuilder = DefinitionBuilder<Ranking>;

impl DefinitionBuilder<Ranking> {
    /// How many responses each comparison collects (default 1).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which is better?", [["a.jpg", "b.jpg", "c.jpg"]], 30)
    ///     .responses_per_comparison(3)
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn responses_per_comparison(mut self, n: u32) -> Self {
        self.kind.responses_per_comparison = n;
        self
    }

    /// The share (0–1, default 0.5) of random matchups among all comparisons. Only lists
    /// of more than [`FULL_PERMUTATION_MAX_ITEMS`] items use it; shorter ones compare
    /// every pair.
    ///
    /// ```no_run
    /// let items: Vec<String> = (0..20).map(|i| format!("img{i}.jpg")).collect();
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which is better?", [items], 200)
    ///     .random_comparisons_ratio(0.3)
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn random_comparisons_ratio(mut self, ratio: f64) -> Self {
        self.kind.random_comparisons_ratio = ratio;
        self
    }

    /// One text context per ranking list (at most 400 characters), shown with each of its
    /// matchups.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which fits the prompt?", [["a.jpg", "b.jpg"]], 10)
    ///     .contexts(["A cat wearing a hat"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn contexts<I, S>(mut self, contexts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.kind.contexts = Some(contexts.into_iter().map(Into::into).collect());
        self
    }

    /// One media context (URL or file) per ranking list, shown with each of its matchups.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which is closer to the reference?", [["a.jpg", "b.jpg"]], 10)
    ///     .media_contexts(["https://example.com/reference.jpg"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_contexts<I, D>(mut self, media: I) -> Self
    where
        I: IntoIterator<Item = D>,
        D: Into<DataItem>,
    {
        self.kind.media_contexts = Some(media.into_iter().map(Into::into).collect());
        self
    }
}

impl JobManager {
    /// Starts a ranking job definition: each list in `datapoints` (images, videos, audio
    /// or texts) is ranked on its own from pairwise matchups judged by `instruction`;
    /// `comparison_budget_per_ranking` comparisons are collected per list. Finish it with
    /// [`send`](DefinitionBuilder::send).
    ///
    /// Lists of up to [`FULL_PERMUTATION_MAX_ITEMS`] items compare every unique pair,
    /// spreading the budget evenly (rounded down to a multiple of the pair count, at least
    /// once per pair); longer lists are matched adaptively within the budget.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition(
    ///         "Model outputs",
    ///         "Which answer is more helpful?",
    ///         [
    ///             vec!["https://example.com/q1/a.png", "https://example.com/q1/b.png", "https://example.com/q1/c.png"],
    ///             vec!["https://example.com/q2/a.png", "https://example.com/q2/b.png"],
    ///         ],
    ///         30,
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_ranking_job_definition<L>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: impl IntoIterator<Item = L>,
        comparison_budget_per_ranking: u32,
    ) -> RankingDefinitionBuilder
    where
        L: IntoIterator,
        L::Item: Into<DataItem>,
    {
        let kind = Ranking {
            rankings: datapoints
                .into_iter()
                .map(|l| l.into_iter().map(Into::into).collect())
                .collect(),
            comparison_budget: comparison_budget_per_ranking,
            responses_per_comparison: 1,
            random_comparisons_ratio: DEFAULT_RANDOM_RATIO,
            contexts: None,
            media_contexts: None,
        };
        DefinitionBuilder::with_kind(self.client.clone(), name.into(), instruction.into(), kind)
    }
}
