//! The checks of a definition's inputs, run before any request: lengths, counts, pairs,
//! media, sentences, and the shared options that become the referee and the flags.

use std::collections::BTreeMap;

use crate::api::types;
use crate::asset::DataItem;
use crate::settings::split_feature_flags;
use crate::{Error, Result};

use super::super::datapoint::DatapointSpec;
use super::builder::Common;
use super::spec::{
    DefinitionSpec, TaskSpec, ValidatedDefinition, MAX_CONTEXT_CHARS, MAX_INSTRUCTION_CHARS,
};

/// One datapoint per item (the kinds other than compare and ranking).
pub(super) fn single_items(items: &[DataItem]) -> Vec<Vec<DataItem>> {
    items.iter().map(|d| vec![d.clone()]).collect()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

impl Common {
    /// Checks everything that does not depend on the task type and builds the referee,
    /// the feature flags and the datapoint specs.
    pub(super) fn validate(
        &self,
        name: &str,
        instruction: &str,
        items: Vec<Vec<DataItem>>,
        task: TaskSpec,
    ) -> Result<ValidatedDefinition> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("name", name, "must not be empty"));
        }
        if instruction.trim().is_empty() {
            return Err(Error::invalid_input(
                "instruction",
                instruction,
                "must not be empty",
            ));
        }
        if chars(instruction) > MAX_INSTRUCTION_CHARS {
            return Err(Error::invalid_input(
                "instruction",
                instruction,
                format!(
                    "is {} characters long; the API accepts at most {MAX_INSTRUCTION_CHARS}",
                    chars(instruction)
                ),
            ));
        }
        let datapoints = datapoint_specs(
            items,
            self.contexts.as_deref(),
            self.media_contexts.as_deref(),
            self.private_metadata.as_deref(),
        )?;
        if self.responses_per_datapoint == 0 || self.responses_per_datapoint > i32::MAX as u32 {
            return Err(Error::invalid_input(
                "responses_per_datapoint",
                self.responses_per_datapoint,
                "must be at least 1",
            ));
        }
        let max_votes = self.responses_per_datapoint as i32;
        let referee = match (self.confidence_threshold, self.quorum_threshold) {
            (Some(c), Some(q)) => {
                return Err(Error::invalid_input(
                    "confidence_threshold",
                    (c, q),
                    "confidence_threshold and quorum_threshold are mutually exclusive; set \
                     one of them",
                ))
            }
            (Some(t), None) => {
                if !(t > 0.0 && t < 1.0) {
                    return Err(Error::invalid_input(
                        "confidence_threshold",
                        t,
                        "must be between 0 and 1 (exclusive), e.g. 0.99",
                    ));
                }
                types::IRefereeEarlyStoppingReferee::new(max_votes, t).into()
            }
            (None, Some(q)) => {
                if q == 0 || q > self.responses_per_datapoint {
                    return Err(Error::invalid_input(
                        "quorum_threshold",
                        q,
                        format!(
                            "must be between 1 and responses_per_datapoint ({})",
                            self.responses_per_datapoint
                        ),
                    ));
                }
                types::IRefereeQuorumReferee::new(max_votes, q as i32).into()
            }
            (None, None) => types::IRefereeNaiveReferee::new(max_votes).into(),
        };
        if !(0.0..=1.0).contains(&self.failure_tolerance) {
            return Err(Error::invalid_input(
                "failure_tolerance",
                self.failure_tolerance,
                "must be a share between 0 and 1",
            ));
        }
        let (rapid_flags, campaign_flags) = split_feature_flags(&self.settings);
        let spec = DefinitionSpec {
            name: name.to_owned(),
            task,
            referee,
            rapid_flags,
            campaign_flags,
            failure_tolerance: self.failure_tolerance,
            upload_timeout: self.upload_timeout,
            groups: Vec::new(),
        };
        Ok(ValidatedDefinition { spec, datapoints })
    }
}

/// Checks the datapoints and their per-datapoint inputs that every kind shares (at least
/// one datapoint, one context / media context / metadata map per datapoint, contexts at
/// most 400 characters, media contexts media, every item valid) and builds their specs.
/// Used by the definition builders and by `JobDefinition::set_datapoints`.
pub(crate) fn datapoint_specs(
    items: Vec<Vec<DataItem>>,
    contexts: Option<&[String]>,
    media_contexts: Option<&[DataItem]>,
    private_metadata: Option<&[BTreeMap<String, String>]>,
) -> Result<Vec<DatapointSpec>> {
    let n = items.len();
    if n == 0 {
        return Err(Error::invalid_input(
            "datapoints",
            "[]",
            "at least one datapoint is needed",
        ));
    }
    let check_len = |argument: &str, len: Option<usize>| -> Result<()> {
        match len {
            Some(len) if len != n => Err(Error::invalid_input(
                argument,
                format!("{len} entries"),
                format!("needs exactly one entry per datapoint ({n})"),
            )),
            _ => Ok(()),
        }
    };
    check_len("contexts", contexts.map(<[_]>::len))?;
    check_len("media_contexts", media_contexts.map(<[_]>::len))?;
    check_len("private_metadata", private_metadata.map(<[_]>::len))?;
    check_contexts(contexts.unwrap_or_default())?;
    check_media_contexts(media_contexts.unwrap_or_default())?;
    for (i, dp) in items.iter().enumerate() {
        for (j, item) in dp.iter().enumerate() {
            let argument = if dp.len() == 1 {
                format!("datapoints[{i}]")
            } else {
                format!("datapoints[{i}][{j}]")
            };
            item.validate(&argument)?;
        }
    }
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, items)| DatapointSpec {
            index: i,
            items,
            context: contexts.map(|c| c[i].clone()),
            media_context: media_contexts.map(|m| m[i].clone()),
            answer_options: None,
            private_metadata: private_metadata.map(|m| m[i].clone()),
            group: None,
            sentence: None,
        })
        .collect())
}

/// Checks the text contexts (argument `contexts[i]`): at most 400 characters each.
pub(super) fn check_contexts(contexts: &[String]) -> Result<()> {
    for (i, c) in contexts.iter().enumerate() {
        if chars(c) > MAX_CONTEXT_CHARS {
            return Err(Error::invalid_input(
                format!("contexts[{i}]"),
                c,
                format!(
                    "is {} characters long; the API accepts at most \
                     {MAX_CONTEXT_CHARS}. Shorten it yourself, or have the server \
                     do it with JobManager::shorten_contexts before creating the \
                     definition",
                    chars(c)
                ),
            ));
        }
    }
    Ok(())
}

/// Checks the media contexts (argument `media_contexts[i]`): media only, each valid.
pub(super) fn check_media_contexts(media: &[DataItem]) -> Result<()> {
    for (i, m) in media.iter().enumerate() {
        let argument = format!("media_contexts[{i}]");
        if !m.is_media() {
            return Err(Error::invalid_input(
                argument,
                m.to_string(),
                "a media context must be a URL or a file, not a text (use contexts)",
            ));
        }
        m.validate(&argument)?;
    }
    Ok(())
}

/// Refuses text datapoints for a kind whose labelers work on media (`task` names it in
/// the error): locate and draw need something to tap or draw on.
pub(crate) fn require_media(argument: &str, items: &[DataItem], task: &str) -> Result<()> {
    match items.iter().position(|d| !d.is_media()) {
        Some(i) => Err(Error::invalid_input(
            format!("{argument}[{i}]"),
            items[i].to_string(),
            format!("{task} needs media (an image, video or audio: a URL or a file), not a text"),
        )),
        None => Ok(()),
    }
}

/// Checks compare pairs (argument `datapoints[i]`): two different items that the results
/// can tell apart (different [`identifier`](DataItem::identifier)s).
pub(crate) fn check_pairs(pairs: &[[DataItem; 2]]) -> Result<()> {
    for (i, [a, b]) in pairs.iter().enumerate() {
        if a == b {
            return Err(Error::invalid_input(
                format!("datapoints[{i}]"),
                a.to_string(),
                "a compare datapoint needs two different items",
            ));
        }
        // The results key each side's votes by its identifier (a file's base name), so
        // `model_a/0001.png` against `model_b/0001.png` would pool both sides' votes
        // under `0001.png`, and the winner could not be told.
        let id = a.identifier();
        if id == b.identifier() {
            return Err(Error::invalid_input(
                format!("datapoints[{i}]"),
                format!("{a} / {b}"),
                format!(
                    "both items are identified as {id:?} in the results (files by their \
                     base name), so the results could not tell A from B: rename or copy \
                     one of them to a file with another name (e.g. a_{id} and b_{id})"
                ),
            ));
        }
    }
    Ok(())
}

/// Checks select-words sentences (argument `sentences`): one per datapoint (`n`), each of
/// at least two words. Shared with `JobDefinition::set_datapoints`.
pub(crate) fn check_sentences(sentences: &[String], n: usize) -> Result<()> {
    if sentences.len() != n {
        return Err(Error::invalid_input(
            "sentences",
            format!("{} entries", sentences.len()),
            format!("needs exactly one sentence per datapoint ({n})"),
        ));
    }
    for (i, s) in sentences.iter().enumerate() {
        if s.split_whitespace().count() < 2 {
            return Err(Error::invalid_input(
                format!("sentences[{i}]"),
                s,
                "a sentence needs at least two words (words are split at whitespace)",
            ));
        }
    }
    Ok(())
}
