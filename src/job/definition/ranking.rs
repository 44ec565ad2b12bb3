//! Ranking job definitions: each list of items is ranked on its own from pairwise
//! comparisons (a `GroupedRankingWorkflow`: the lists are dataset groups, a pair maker
//! picks the matchups, a Bradley–Terry model turns the votes into scores).
//!
//! Lists of up to [`FULL_PERMUTATION_MAX_ITEMS`] items compare every pair, the budget
//! spread evenly over the pairs; longer lists are matched adaptively within the budget,
//! with a share of random matchups.

use crate::api::{operations, types};
use crate::asset::{self, DataItem};
use crate::{Client, Error, Result};

use super::super::datapoint::{asset_segment, segment, text_segment, DatapointSpec};
use super::super::JobManager;
use super::{create_definition, Common, DefinitionSpec, JobDefinition, TaskSpec};

/// Lists of at most this many items compare every unique pair (the official SDK's rule);
/// longer ones are matched adaptively.
///
/// ```
/// assert_eq!(rapidata::job::FULL_PERMUTATION_MAX_ITEMS, 10);
/// ```
pub const FULL_PERMUTATION_MAX_ITEMS: usize = 10;
/// The Bradley–Terry model's starting score, as the official SDK sends it.
const STARTING_SCORE: i32 = 1200;
/// The default share of random matchups in adaptively matched lists.
const DEFAULT_RANDOM_RATIO: f64 = 0.5;

/// How the matchups of a ranking are made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PairMaker {
    /// Every unique pair of each list.
    FullPermutation,
    /// Adaptive matchups within a total budget, a share of them random.
    Online { budget: i32, random_ratio: f32 },
}

/// The ranking part of a definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RankingTask {
    pub(crate) instruction: String,
    pub(crate) pair_maker: PairMaker,
}

/// One ranking list as a dataset group, with the context shown with its matchups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupSpec {
    pub(crate) name: String,
    pub(crate) context: Option<String>,
    pub(crate) media_context: Option<DataItem>,
}

/// The `GroupedRankingWorkflow` of a ranking.
pub(super) fn workflow(r: &RankingTask) -> types::IOrderWorkflowInput {
    types::IOrderWorkflowInputGroupedRankingWorkflowInput {
        pair_maker_config: Some(match r.pair_maker {
            PairMaker::FullPermutation => {
                types::IPairMakerConfigFullPermutationPairMakerConfig::new().into()
            }
            PairMaker::Online {
                budget,
                random_ratio,
            } => types::IPairMakerConfigOnlinePairMakerConfig {
                random_matches_ratio: Some(random_ratio),
                total_comparison_budget: Some(budget),
                ..types::IPairMakerConfigOnlinePairMakerConfig::new()
            }
            .into(),
        }),
        ranking_config: Some(Some(
            types::IRankingConfigBradleyTerryRankingConfig::new(STARTING_SCORE).into(),
        )),
        ..types::IOrderWorkflowInputGroupedRankingWorkflowInput::new(r.instruction.clone())
    }
    .into()
}

/// Creates the groups (`POST /dataset/{id}/group`), each with its context and uploaded
/// media context as segments (an empty list without them), as the official SDK does.
///
/// `created` counts the groups already created by earlier attempts; they are skipped, and
/// it grows with each group created here, so a `retry()` after a failed group sends only
/// that group and the ones after it. (No operation lists a dataset's groups, so a group
/// whose answer was lost is sent again by the retry.)
pub(super) fn create_groups(
    client: &Client,
    dataset_id: &str,
    groups: &[GroupSpec],
    created: &mut usize,
) -> Result<()> {
    for g in groups.iter().skip(*created) {
        let mut segments = Vec::new();
        if let Some(context) = &g.context {
            segments.push(text_segment(segment::CONTEXT, context));
        }
        if let Some(m) = &g.media_context {
            let names = asset::upload_all(client, std::slice::from_ref(m))
                .into_iter()
                .collect::<Result<Vec<_>>>()?;
            segments.push(asset_segment(
                segment::CONTEXT_ASSET,
                asset::asset_input(std::slice::from_ref(m), &names),
            ));
        }
        client.send(&operations::PostDatasetByDatasetIdGroup::new(
            dataset_id,
            types::CreateDatasetGroupEndpointInput {
                segments: Some(Some(segments)),
                ..types::CreateDatasetGroupEndpointInput::new(g.name.clone())
            },
        ))?;
        *created += 1;
    }
    Ok(())
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
///     .create()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call .create() to create the definition"]
pub struct RankingDefinitionBuilder {
    client: Client,
    name: String,
    instruction: String,
    rankings: Vec<Vec<DataItem>>,
    comparison_budget: u32,
    responses_per_comparison: u32,
    random_comparisons_ratio: f64,
    contexts: Option<Vec<String>>,
    media_contexts: Option<Vec<DataItem>>,
    common: Common,
}

base_setters!(
    RankingDefinitionBuilder,
    "let builder = rapidata::Client::new()?.job().create_ranking_job_definition(\"n\", \"Which is better?\", [[\"a.jpg\", \"b.jpg\"]], 10);"
);

impl RankingDefinitionBuilder {
    /// How many responses each comparison collects (default 1).
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which is better?", [["a.jpg", "b.jpg", "c.jpg"]], 30)
    ///     .responses_per_comparison(3)
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn responses_per_comparison(mut self, n: u32) -> Self {
        self.responses_per_comparison = n;
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
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn random_comparisons_ratio(mut self, ratio: f64) -> Self {
        self.random_comparisons_ratio = ratio;
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
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn contexts<I, S>(mut self, contexts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.contexts = Some(contexts.into_iter().map(Into::into).collect());
        self
    }

    /// One media context (URL or file) per ranking list, shown with each of its matchups.
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which is closer to the reference?", [["a.jpg", "b.jpg"]], 10)
    ///     .media_contexts(["https://example.com/reference.jpg"])
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_contexts<I, D>(mut self, media: I) -> Self
    where
        I: IntoIterator<Item = D>,
        D: Into<DataItem>,
    {
        self.media_contexts = Some(media.into_iter().map(Into::into).collect());
        self
    }

    /// Validates everything (no request on bad input), then creates the dataset, uploads
    /// the items, creates one dataset group per list and the definition.
    ///
    /// Fails with [`Error::InvalidInput`] before any request when an argument is wrong:
    /// a list with fewer than two items, the same item twice in a list (or two items with
    /// one [`identifier`](crate::DataItem::identifier): the results could not tell them
    /// apart), contexts not one per list, a budget or responses per comparison of 0, a
    /// random ratio outside 0–1, …
    ///
    /// ```no_run
    /// let definition = rapidata::Client::new()?
    ///     .job()
    ///     .create_ranking_job_definition("n", "Which is better?", [["a.jpg", "b.jpg"]], 10)
    ///     .create()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create(self) -> Result<JobDefinition> {
        let (spec, datapoints) = self.validate()?;
        create_definition(&self.client, spec, datapoints, self.common.reporter())
    }

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

    pub(crate) fn validate(&self) -> Result<(DefinitionSpec, Vec<DatapointSpec>)> {
        let n = self.rankings.len();
        for (i, list) in self.rankings.iter().enumerate() {
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
        check_len("contexts", self.contexts.as_ref().map(Vec::len))?;
        check_len("media_contexts", self.media_contexts.as_ref().map(Vec::len))?;
        super::check_contexts(self.contexts.as_deref().unwrap_or_default())?;
        super::check_media_contexts(self.media_contexts.as_deref().unwrap_or_default())?;
        if self.comparison_budget == 0 {
            return Err(Error::invalid_input(
                "comparison_budget_per_ranking",
                0,
                "must be at least 1",
            ));
        }
        if self.responses_per_comparison == 0 {
            return Err(Error::invalid_input(
                "responses_per_comparison",
                0,
                "must be at least 1",
            ));
        }
        if !(0.0..=1.0).contains(&self.random_comparisons_ratio) {
            return Err(Error::invalid_input(
                "random_comparisons_ratio",
                self.random_comparisons_ratio,
                "must be a share between 0 and 1",
            ));
        }
        let (pair_maker, responses) = self.pair_maker()?;
        let mut common = self.common.clone();
        common.responses_per_datapoint = responses;
        let items = self
            .rankings
            .iter()
            .flat_map(|list| list.iter().map(|d| vec![d.clone()]))
            .collect();
        let task = TaskSpec::Ranking(RankingTask {
            instruction: self.instruction.clone(),
            pair_maker,
        });
        let (mut spec, mut datapoints) =
            common.validate(&self.name, &self.instruction, items, task)?;
        let group_of: Vec<usize> = self
            .rankings
            .iter()
            .enumerate()
            .flat_map(|(i, list)| std::iter::repeat_n(i, list.len()))
            .collect();
        for dp in &mut datapoints {
            dp.group = Some(group_of[dp.index].to_string());
        }
        spec.groups = (0..n)
            .map(|i| GroupSpec {
                name: i.to_string(),
                context: self.contexts.as_ref().map(|c| c[i].clone()),
                media_context: self.media_contexts.as_ref().map(|m| m[i].clone()),
            })
            .collect();
        Ok((spec, datapoints))
    }
}

impl JobManager {
    /// Starts a ranking job definition: each list in `datapoints` (images, videos, audio
    /// or texts) is ranked on its own from pairwise matchups judged by `instruction`;
    /// `comparison_budget_per_ranking` comparisons are collected per list. Finish it with
    /// [`create`](RankingDefinitionBuilder::create).
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
    ///     .create()?;
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
        RankingDefinitionBuilder {
            client: self.client.clone(),
            name: name.into(),
            instruction: instruction.into(),
            rankings: datapoints
                .into_iter()
                .map(|l| l.into_iter().map(Into::into).collect())
                .collect(),
            comparison_budget: comparison_budget_per_ranking,
            responses_per_comparison: 1,
            random_comparisons_ratio: DEFAULT_RANDOM_RATIO,
            contexts: None,
            media_contexts: None,
            common: Common::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use httpmock::prelude::*;
    use std::time::Duration;

    fn group(name: &str) -> GroupSpec {
        GroupSpec {
            name: name.to_owned(),
            context: None,
            media_context: None,
        }
    }

    #[test]
    fn a_retry_sends_only_the_groups_not_created_yet() {
        let server = MockServer::start();
        let first = server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/group")
                .json_body_includes(r#"{"group":"g1"}"#);
            then.status(204);
        });
        // The second group is refused (an unambiguous error) until the mock is replaced.
        let mut second = server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/group")
                .json_body_includes(r#"{"group":"g2"}"#);
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"title":"not now"}"#);
        });
        let client = Client::builder()
            .api_url(server.base_url())
            .auth_url(server.base_url())
            .token("test-token")
            .env_lookup(|_| None)
            .max_attempts(1)
            .backoff_base(Duration::from_millis(1))
            .build()
            .unwrap();
        let groups = [group("g1"), group("g2")];
        let mut created = 0;
        let err = create_groups(&client, "ds_1", &groups, &mut created).unwrap_err();
        assert_eq!(err.status(), Some(400), "{err:?}");
        assert_eq!(created, 1);

        second.delete();
        second = server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/group")
                .json_body_includes(r#"{"group":"g2"}"#);
            then.status(204);
        });
        create_groups(&client, "ds_1", &groups, &mut created).unwrap();
        assert_eq!(created, 2);
        first.assert_calls(1);
        second.assert_calls(1);
        // Once every group exists, another attempt sends none.
        create_groups(&client, "ds_1", &groups, &mut created).unwrap();
        first.assert_calls(1);
        second.assert_calls(1);
    }
}
