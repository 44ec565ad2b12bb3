//! Audiences: pools of labelers, their filters and their qualification examples.
//!
//! Start from [`Client::audience`], which returns the [`AudienceManager`]:
//!
//! * [`AudienceManager::create_audience`] makes a custom audience;
//!   [`Audience::add_compare_example`] and [`Audience::add_classification_example`] add
//!   the qualification examples labelers must answer correctly to join it;
//! * [`AudienceManager::get_audience_by_id`], [`AudienceManager::global_audience`] and
//!   [`AudienceManager::find_audiences`] look existing audiences up;
//! * [`Audience::filter`] narrows an audience's qualified labelers down by country,
//!   language, age, gender or device into a [`FilteredAudience`];
//! * [`AudienceManager::create_unlisted_audience`] makes an [`UnlistedAudience`] of your own
//!   annotators, who reach its jobs through its link.
//!
//! Jobs are assigned to anything implementing [`JobTarget`] (both handles do).
//!
//! ```no_run
//! use rapidata::{Client, Filter};
//!
//! let client = Client::new()?;
//! let audience = client
//!     .audience()
//!     .create_audience("Custom Prompt Alignment Audience")
//!     .filters([Filter::country(["US", "CA"])])
//!     .send()?;
//! audience
//!     .add_compare_example(
//!         "Which image follows the prompt more accurately?",
//!         [
//!             "https://assets.rapidata.ai/flux_sign_diffusion.jpg",
//!             "https://assets.rapidata.ai/mj_sign_diffusion.jpg",
//!         ],
//!         "https://assets.rapidata.ai/flux_sign_diffusion.jpg",
//!     )
//!     .context("A sign that says 'Diffusion'.")
//!     .send()?;
//! # Ok::<(), rapidata::Error>(())
//! ```

pub(crate) mod example;
pub mod filter;
mod handle;
mod manager;
mod recruit;
mod unlisted;

/// Instruction check shared with job definitions (non-empty, at most 250 characters).
#[allow(unused_imports)]
pub(crate) use example::{validate_instruction, MAX_INSTRUCTION_CHARS};
pub use example::{
    AddClassificationExample, AddCompareExample, AddDrawExample, AddExample, AddLocateExample,
    AddSelectWordsExample, BoundingBox, BoxKind, ClassificationExample, ClassificationKind,
    CompareExample, CompareKind, DrawExample, Example, LocateExample, SelectWordsExample,
    SelectWordsKind, TakesContext, UpdateExample,
};
pub use filter::{AgeGroup, Device, Filter, Gender};
pub use handle::{Audience, FilteredAudience};
pub use manager::{AudienceManager, AudiencesQuery, CreateAudience, FindAudiences};
pub use recruit::{NotEnoughExamples, DEFAULT_MIN_TASKS, MIN_MIN_TASKS};
pub use unlisted::UnlistedAudience;
pub(crate) use unlisted::UNLISTED_PREFIX;

mod metrics;
mod target;

pub use metrics::UserMetrics;
pub(crate) use metrics::{can_never_answer, example_count, graduation_outlook, user_metrics};
pub use target::JobTarget;

use crate::Client;

impl Client {
    /// Audiences: create, look up and find them.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let global = client.audience().global_audience()?;
    /// println!("{} labelers", global.qualified_labeler_count());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn audience(&self) -> AudienceManager {
        AudienceManager::new(self.clone())
    }
}
