//! Input checks shared by the builders of tasks with a known answer: qualification examples
//! (`audience::example`) and validation rapids (`validation::rapid`). Each check names the
//! argument it refuses the way the caller of that builder knows it, so the same check
//! reports `truth[1]` on an example and `truths[3][1]` on a validation set.

use std::collections::HashSet;

use crate::asset::{self, DataItem};
use crate::{Error, Result};

/// Checks media-context items: media only (URLs or files), each valid.
pub(crate) fn media_context(argument: &str, items: &[DataItem]) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        if !item.is_media() {
            return Err(Error::invalid_input(
                format!("{argument}[{i}]"),
                item,
                "media context must be a URL or a local file, not a text (use the text context for text)",
            ));
        }
    }
    asset::validate_all(argument, items)
}

/// Which of the compared items `truth` names: an equal item, or else the single item
/// whose text, URL or path is the truth's.
pub(crate) fn compare_truth_index(datapoint: &[DataItem], truth: &DataItem) -> Option<usize> {
    if let Some(i) = datapoint.iter().position(|d| d == truth) {
        return Some(i);
    }
    let raw = truth.raw();
    let matches: Vec<usize> = (0..datapoint.len())
        .filter(|&i| datapoint[i].raw() == raw)
        .collect();
    (matches.len() == 1).then(|| matches[0])
}

/// Checks a comparison: exactly two different, valid items and a truth that is one of
/// them; returns the truth's index.
pub(crate) fn compare(
    datapoint_arg: &str,
    datapoint: &[DataItem],
    truth_arg: &str,
    truth: &DataItem,
) -> Result<usize> {
    if datapoint.len() != 2 {
        return Err(Error::invalid_input(
            datapoint_arg,
            datapoint,
            format!(
                "a comparison needs exactly 2 items, got {}",
                datapoint.len()
            ),
        ));
    }
    if datapoint[0] == datapoint[1] {
        return Err(Error::invalid_input(
            datapoint_arg,
            datapoint,
            "the two items must be different",
        ));
    }
    let index = compare_truth_index(datapoint, truth).ok_or_else(|| {
        Error::invalid_input(truth_arg, truth, "must be one of the two datapoint items")
    })?;
    asset::validate_all(datapoint_arg, datapoint)?;
    Ok(index)
}

/// Checks classification answer options (at least one, none blank, no repeats) and a
/// truth of at least one option, each listed once.
pub(crate) fn options_and_truth(
    options_arg: &str,
    options: &[String],
    truth_arg: &str,
    truth: &[String],
) -> Result<()> {
    if options.is_empty() {
        return Err(Error::invalid_input(
            options_arg,
            options,
            "give at least one answer option",
        ));
    }
    let mut seen = HashSet::new();
    for (i, option) in options.iter().enumerate() {
        if option.trim().is_empty() {
            return Err(Error::invalid_input(
                format!("{options_arg}[{i}]"),
                option,
                "answer options must not be empty",
            ));
        }
        if !seen.insert(option.as_str()) {
            return Err(Error::invalid_input(
                format!("{options_arg}[{i}]"),
                option,
                "appears twice; answer options must be unique",
            ));
        }
    }
    if truth.is_empty() {
        return Err(Error::invalid_input(
            truth_arg,
            truth,
            "give at least one correct answer option",
        ));
    }
    let mut seen_truth = HashSet::new();
    for (i, t) in truth.iter().enumerate() {
        if !seen.contains(t.as_str()) {
            return Err(Error::invalid_input(
                format!("{truth_arg}[{i}]"),
                t,
                format!("is not one of the answer options {options:?}"),
            ));
        }
        if !seen_truth.insert(t.as_str()) {
            return Err(Error::invalid_input(
                format!("{truth_arg}[{i}]"),
                t,
                "appears twice; list each correct option once",
            ));
        }
    }
    Ok(())
}

/// The words of a select-words sentence: split at single spaces, as the labeler sees them.
pub(crate) fn words(sentence: &str) -> Vec<&str> {
    sentence.split(' ').collect()
}

/// Checks a select-words sentence (not blank) and its truth word indices (at least one,
/// each inside the sentence, none twice).
pub(crate) fn word_truths(
    sentence_arg: &str,
    sentence: &str,
    truths_arg: &str,
    truths: &[usize],
) -> Result<()> {
    if sentence.trim().is_empty() {
        return Err(Error::invalid_input(
            sentence_arg,
            sentence,
            "must not be empty",
        ));
    }
    if truths.is_empty() {
        return Err(Error::invalid_input(
            truths_arg,
            "[]",
            "select words needs at least one truth word index",
        ));
    }
    let count = words(sentence).len();
    let mut seen = HashSet::new();
    for (i, &t) in truths.iter().enumerate() {
        if t >= count {
            return Err(Error::invalid_input(
                format!("{truths_arg}[{i}]"),
                t,
                format!(
                    "word indices start at 0 and the sentence has {count} words \
                     (split at spaces), so the last index is {}",
                    count - 1
                ),
            ));
        }
        if !seen.insert(t) {
            return Err(Error::invalid_input(
                format!("{truths_arg}[{i}]"),
                t,
                "appears twice; list each truth word once",
            ));
        }
    }
    Ok(())
}

/// Checks a share (a required precision or completeness): a number from 0 to 1.
pub(crate) fn share(argument: &str, value: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&value) {
        return Err(Error::invalid_input(
            argument,
            value,
            "must be a share between 0 and 1",
        ));
    }
    Ok(())
}
