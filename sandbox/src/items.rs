//! The datapoints of a dataset as the items a job's simulation asks about: the rapid's
//! bindings resolved against each datapoint's segments, with the deterministic leaning of
//! each.

use crate::kinds;
use crate::rng::Mix;
use crate::sim::{self, Item, Leaning, OptionRef, OptionsSource, Task, TextSource};
use crate::store::records::DatapointRec;
use crate::store::{base_name, State};

/// The datapoints of a dataset as job items (sorted by sort index), with the deterministic
/// leaning of each: the task's bindings resolved against each datapoint's segments.
pub(crate) fn job_items(st: &State, dataset_id: &str, task: &Task) -> Vec<Item> {
    let Some(ds) = st.datasets.get(dataset_id) else {
        return Vec::new();
    };
    if let Task::Ranking {
        full_permutation,
        budget,
    } = task
    {
        return kinds::ranking_items(st, ds, *full_permutation, *budget);
    }
    let mut dps: Vec<&DatapointRec> = ds.datapoints.iter().collect();
    dps.sort_by_key(|d| (d.sort_index, d.seq));
    let text = |dp: &DatapointRec, source: &TextSource| -> Option<String> {
        match source {
            TextSource::Literal(l) => Some(l.clone()),
            TextSource::Segment(k) => dp.text(k).map(str::to_string),
        }
    };
    dps.into_iter()
        .map(|dp| {
            let (assets, context, labels) = match task {
                Task::Compare { asset, context } => (
                    dp.asset(asset)
                        .map(|a| st.option_refs(a))
                        .unwrap_or_default(),
                    text(dp, context),
                    Vec::new(),
                ),
                Task::Classify {
                    asset,
                    context,
                    categories,
                } => (
                    dp.asset(asset)
                        .map(|a| vec![st.option_ref(a)])
                        .unwrap_or_default(),
                    text(dp, context),
                    match categories {
                        OptionsSource::Literal(labels) => labels.clone(),
                        OptionsSource::Segment(k) => dp
                            .options(k)
                            .map(|o| o.iter().map(|(label, _)| label.clone()).collect())
                            .unwrap_or_default(),
                    },
                ),
                Task::FreeText { asset, context }
                | Task::Locate { asset, context }
                | Task::Draw { asset, context }
                | Task::Timestamp { asset, context } => {
                    let assets: Vec<OptionRef> = dp
                        .asset(asset)
                        .map(|a| vec![st.option_ref(a)])
                        .unwrap_or_default();
                    let context = text(dp, context);
                    let labels = match (task, assets.first()) {
                        (Task::FreeText { .. }, Some(a)) => kinds::free_text_answers(
                            &a.identifier,
                            context.as_deref(),
                            dp.private_metadata.as_ref(),
                        ),
                        _ => Vec::new(),
                    };
                    (assets, context, labels)
                }
                Task::SelectWords { asset, words } => (
                    dp.asset(asset)
                        .map(|a| vec![st.option_ref(a)])
                        .unwrap_or_default(),
                    None,
                    text(dp, words)
                        .map(|t| t.split_whitespace().map(str::to_string).collect())
                        .unwrap_or_default(),
                ),
                Task::Ranking { .. } | Task::Unsupported { .. } => (Vec::new(), None, Vec::new()),
            };
            let names: Vec<&str> = assets.iter().map(|a| a.identifier.as_str()).collect();
            let key = Mix::new(0, "datapoint")
                .str(&names.join("\u{0}"))
                .str(context.as_deref().unwrap_or(""))
                .str(&labels.join("\u{0}"))
                .num(dp.sort_index as u64)
                .u64();
            let leaning = match task {
                Task::Compare { .. } => {
                    sim::compare_leaning(context.as_deref(), dp.private_metadata.as_ref())
                }
                Task::Classify { .. } => {
                    // Match labels against the file name part of files and URLs, and
                    // against the whole text of text assets.
                    let hay: Vec<String> = assets
                        .iter()
                        .map(|a| match a.file_name {
                            Some(_) => base_name(&a.identifier),
                            None => a.identifier.clone(),
                        })
                        .collect();
                    sim::classify_leaning(
                        context.as_deref(),
                        dp.private_metadata.as_ref(),
                        &hay.join(" "),
                        &labels,
                    )
                }
                // The first candidate answer, and the tap near the target.
                Task::FreeText { .. }
                | Task::Locate { .. }
                | Task::Draw { .. }
                | Task::Timestamp { .. }
                | Task::SelectWords { .. } => Leaning::Option(0),
                Task::Ranking { .. } | Task::Unsupported { .. } => Leaning::Option(0),
            };
            // A datapoint added after the definition was checked may lack what the rapid
            // binds: nothing to ask, so it is done without votes.
            let done = match task {
                Task::Compare { .. } => assets.len() != 2,
                Task::Classify { .. } => assets.is_empty() || labels.len() < 2,
                Task::FreeText { .. }
                | Task::Locate { .. }
                | Task::Draw { .. }
                | Task::Timestamp { .. } => assets.is_empty(),
                Task::SelectWords { .. } => assets.is_empty() || labels.len() < 2,
                Task::Ranking { .. } | Task::Unsupported { .. } => false,
            };
            Item {
                assets,
                context,
                labels,
                private_metadata: dp.private_metadata.clone(),
                key,
                leaning,
                votes: Vec::new(),
                done,
            }
        })
        .collect()
}
