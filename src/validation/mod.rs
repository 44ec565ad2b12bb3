//! Validation sets: collections of tasks with known answers that check labelers while they
//! work. A job definition revision can pin one
//! ([`JobDefinition::set_validation_set_id`](crate::JobDefinition::set_validation_set_id)),
//! so its jobs draw their validation tasks from it instead of the audience's examples.
//!
//! Start from [`Client::validation`](crate::Client::validation), which returns the [`ValidationSetManager`].
//!
//! This crate creates sets of every kind with their validation tasks (rapids:
//! [`ValidationSetManager::create_classification_set`], `create_compare_set`,
//! `create_select_words_set`, `create_locate_set`, `create_draw_set`,
//! `create_timestamp_set`, and `create_mixed_set` from [`Rapid`]s built one by one) or
//! empty ([`ValidationSetManager::create_validation_set`]), adds rapids
//! ([`ValidationSet::add_rapid`]), lists them ([`ValidationSet::rapids`]), and finds,
//! reads, updates (name, dimensions, alerting, flagging) and deletes sets.
//!
//! ```no_run
//! use rapidata::validation::Rapid;
//! let client = rapidata::Client::new()?;
//! let set = client
//!     .validation()
//!     .create_compare_set(
//!         "Prompt alignment checks",
//!         "Which image follows the prompt better?",
//!         [["https://example.com/good.jpg", "https://example.com/bad.jpg"]],
//!         ["https://example.com/good.jpg"],
//!     )
//!     .contexts(["A red bus in the snow"])
//!     .dimensions(["alignment"])
//!     .send()?;
//! set.add_rapid(
//!     Rapid::compare("Which image follows the prompt better?", ["a.jpg", "b.jpg"], "b.jpg")
//!         .context("A cat wearing a hat"),
//! )?;
//! for rapid in set.rapids().iter() {
//!     let rapid = rapid?;
//!     println!("{}: {} right, {} wrong", rapid.id(), rapid.correct_count(), rapid.incorrect_count());
//! }
//! let mut definition = client.job().get_job_definition_by_id("jd_123")?;
//! definition.set_validation_set_id(Some(set.id()))?.save(false)?;
//! # Ok::<(), rapidata::Error>(())
//! ```

mod create;
mod rapid;
mod set;

pub use create::{CreateRapidSet, FindRapids, RapidsQuery};
pub use rapid::{Rapid, ValidationRapid};
pub use set::{
    CreateValidationSet, FindValidationSets, ValidationSet, ValidationSetManager,
    ValidationSetsQuery,
};
