//! The argument checks every kind of qualification example shares.

use crate::asset::DataItem;
use crate::{Error, Result};

/// The longest instruction the API accepts, in characters.
pub(crate) const MAX_INSTRUCTION_CHARS: usize = 250;

/// Checks an instruction: not empty, at most 250 characters.
pub(crate) fn validate_instruction(argument: &str, instruction: &str) -> Result<()> {
    if instruction.trim().is_empty() {
        return Err(Error::invalid_input(
            argument,
            instruction,
            "must not be empty",
        ));
    }
    let chars = instruction.chars().count();
    if chars > MAX_INSTRUCTION_CHARS {
        return Err(Error::invalid_input(
            argument,
            instruction,
            format!("is {chars} characters long; the API accepts at most {MAX_INSTRUCTION_CHARS}"),
        ));
    }
    Ok(())
}

/// Checks media-context items (argument `media_context`): media only, each valid.
pub(super) fn validate_media_context(items: &[DataItem]) -> Result<()> {
    crate::task_checks::media_context("media_context", items)
}
