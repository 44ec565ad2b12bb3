//! Job definitions: the builder of every kind, the checks of its inputs, the bodies it
//! sends, the create flow, and the [`JobDefinition`] handle.
//!
//! Every kind is built by one [`DefinitionBuilder<K>`](DefinitionBuilder), `K` being the
//! kind type from [`kind`] (`Compare`, `Classification`, …); the old builder names
//! ([`CompareDefinitionBuilder`], …) are aliases of it.

mod answer_options;
mod builder;
mod checks;
mod classification;
mod compare;
mod create;
mod estimate;
mod free_text;
mod groups;
mod handle;
mod lookup;
mod media_kinds;
mod pending;
mod ranking;
mod select_words;
mod spec;

#[cfg(test)]
mod tests;

pub use answer_options::{AnswerOptions, MAX_ANSWER_OPTIONS};
pub use builder::{
    Contextual, DefinitionBuilder, Kind, PerDatapoint, Votes, DEFAULT_RESPONSES_PER_DATAPOINT,
    DEFAULT_UPLOAD_TIMEOUT,
};
pub use classification::ClassificationDefinitionBuilder;
pub use compare::CompareDefinitionBuilder;
pub use estimate::CostEstimate;
pub use free_text::FreeTextDefinitionBuilder;
pub use handle::JobDefinition;
pub use media_kinds::{DrawDefinitionBuilder, LocateDefinitionBuilder, TimestampDefinitionBuilder};
pub use pending::PendingDefinition;
pub use ranking::{RankingDefinitionBuilder, FULL_PERMUTATION_MAX_ITEMS};
pub use select_words::SelectWordsDefinitionBuilder;
pub use spec::{ValidatedDefinition, MAX_CONTEXT_CHARS, MAX_INSTRUCTION_CHARS};

// What the rest of `job` uses (dataset updates, revisions, cost estimates of jobs).
pub(crate) use checks::{check_pairs, check_sentences, datapoint_specs, require_media};
pub(crate) use estimate::{poll_cost_estimate, EstimateOrNotReady};
pub(crate) use spec::schema_with_segments;

/// The kind types, the type parameter of [`DefinitionBuilder`]: each holds its kind's own
/// inputs, and the traits it implements say which shared setters its builder has.
///
/// ```
/// use rapidata::job::{kind, DefinitionBuilder};
/// fn name_sides(b: DefinitionBuilder<kind::Compare>) -> DefinitionBuilder<kind::Compare> {
///     b.a_b_names(["left", "right"])
/// }
/// ```
pub mod kind {
    pub use super::classification::Classification;
    pub use super::compare::Compare;
    pub use super::free_text::FreeText;
    pub use super::media_kinds::{Draw, Locate, Timestamp};
    pub use super::ranking::Ranking;
    pub use super::select_words::SelectWords;
}
