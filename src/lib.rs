//! Blocking Rust client for the [Rapidata](https://rapidata.ai) human-labeling API.
//!
//! Create audiences of human labelers, qualify them with examples, send them labeling
//! jobs and read the answers — from plain synchronous Rust: no async runtime, one
//! [`ureq`](https://docs.rs/ureq) agent per [`Client`], worker threads where work runs in
//! parallel.
//!
//! The crate has two layers:
//! * [`api`]: request types and serde models **generated at build time** from the
//!   OpenAPI documents in `spec/` (or `$RAPIDATA_SPEC_DIR`). Every operation of the API is
//!   there and can be sent with [`Client::send`].
//! * the handwritten layer: [`Client`], [`audience`], [`job`], [`asset`], [`settings`] —
//!   builders that check their input before anything is sent, and handles
//!   ([`Audience`], [`JobDefinition`], [`Job`]) that read like the official Python SDK.
//!
//! # The custom-audience workflow
//!
//! ```no_run
//! use rapidata::Client;
//!
//! # fn main() -> rapidata::Result<()> {
//! // Credentials: RAPIDATA_CLIENT_ID/RAPIDATA_CLIENT_SECRET, a token file, or the
//! // Python SDK's ~/.config/rapidata/credentials.json.
//! let client = Client::new()?;
//!
//! // A new, empty audience. Labelers join by passing its qualification examples.
//! // Recruiting needs at least `min_tasks` examples (10 unless set; 3 at the least).
//! let audience = client
//!     .audience()
//!     .create_audience("Custom Prompt Alignment Audience")
//!     .min_tasks(3)
//!     .send()?;
//!
//! const DATAPOINTS: [[&str; 2]; 3] = [
//!     ["https://assets.rapidata.ai/flux_sign_diffusion.jpg",
//!      "https://assets.rapidata.ai/mj_sign_diffusion.jpg"],
//!     ["https://assets.rapidata.ai/flux_duck.jpg",
//!      "https://assets.rapidata.ai/mj_duck.jpg"],
//!     ["https://assets.rapidata.ai/flux_book.jpg",
//!      "https://assets.rapidata.ai/mj_book.jpg"],
//! ];
//! const PROMPTS: [&str; 3] = [
//!     "A sign that says 'Diffusion'.",
//!     "A psychedelic duck with glasses",
//!     "A small blue book sitting on a large red book.",
//! ];
//!
//! for (prompt, datapoint) in PROMPTS.iter().zip(DATAPOINTS) {
//!     audience
//!         .add_compare_example(
//!             "Which image follows the prompt more accurately?",
//!             datapoint,    // the items to compare: URLs, local paths or texts
//!             datapoint[0], // the correct answer: one of the items
//!         )
//!         .context(*prompt)
//!         .send()?;
//! }
//! // Recruiting is explicit: adding examples never starts it.
//! audience.start_recruiting()?;
//!
//! let job_definition = client
//!     .job()
//!     .create_compare_job_definition(
//!         "Prompt Alignment Job",
//!         "Which image follows the prompt more accurately?",
//!         [["https://assets.rapidata.ai/flux_book.jpg",
//!           "https://assets.rapidata.ai/mj_book.jpg"]],
//!     )
//!     .contexts(["A small blue book sitting on a large red book."])
//!     .send()?;
//!
//! job_definition.preview();
//!
//! let job = audience.assign_job(&job_definition)?;
//! job.display_progress_bar()?;
//! let results = job.get_results()?;
//! println!("{results}");
//!
//! // Reusing audiences: by name or by id; the global and curated audiences too.
//! let audiences = client.audience().find_audiences("Custom Prompt Alignment Audience").send()?;
//! let same = client.audience().get_audience_by_id(audience.id())?;
//! let global = client.audience().global_audience()?;
//! let curated = client.audience().curated_audiences().send()?;
//! # let _ = (audiences, same, global, curated);
//! # Ok(())
//! # }
//! ```
//!
//! `cargo run --example custom_audience` runs this workflow with all eight of the seed's
//! examples — against the offline sandbox (the `rapidata-sandbox` crate) when no
//! credentials are set.
//!
//! # Cargo features
//!
//! Both on by default; a server-side user can turn them off with
//! `default-features = false`:
//!
//! * `progress-bar`: [`job::ProgressBarSink`], [`Job::display_progress_bar`] and the
//!   [`indicatif`] re-export (the indicatif dependency);
//! * `csv`: [`JobResults::to_csv`], [`JobResults::to_csv_detailed`] and
//!   [`JobResults::write_csv`] (the csv dependency).
//!
//! Without them waiting works through [`Job::wait`] / [`Job::wait_with`] and any
//! [`job::ProgressSink`], and results still decode and export with
//! [`JobResults::to_json`].
//!
//! # Errors returned from `main`
//!
//! Every fallible call returns [`Result`], whose [`Error`] is built to be returned from
//! `fn main() -> rapidata::Result<()>` as it is: Rust prints a returned error with its
//! `Debug` form, and `Error`'s `Debug` is its message (the same as `Display`) followed by
//! its chain of causes, so the program ends with e.g.
//!
//! ```text
//! Error: could not reach the token endpoint https://auth.rapidata.ai/connect/token: …
//!
//! Caused by:
//!     …
//! ```
//!
//! rather than a struct dump. The structured form (variant, fields, nested errors) is the
//! alternate `Debug`, `{:#?}`; the fields themselves have accessors (see [`error`]).
#![warn(missing_docs)]
// Generated models are built as `T { field: x, ..T::new(..) }` even where every field is
// set today, so that a property the API adds later does not break the build.
#![allow(clippy::needless_update)]

pub mod api;
pub mod request;

pub mod error;
pub use error::{Error, ProblemDetails, Result};

mod clock;
pub use clock::{Clock, SystemClock};
mod http;
pub use http::retry;
mod sync;

mod auth;
mod client;
pub use auth::credentials::CredentialSource;
pub use auth::token::{AccessToken, DEFAULT_OAUTH_SCOPE};
pub use client::BrowserLogin;
pub use client::{Client, ClientBuilder, SendOptions, DEFAULT_ENVIRONMENT, DEFAULT_MAX_WORKERS};
pub use http::retry::{RetryMode, RetryPolicy};

mod flow;
pub use flow::paging::Pages;

pub use flow::find::Find;

pub mod asset;
pub mod audience;
pub mod job;
pub use job::{Job, JobDefinition, JobManager, JobResults};
pub mod settings;
mod task_checks;
pub mod validation;
pub use asset::DataItem;
pub use audience::{
    AgeGroup, Audience, AudienceManager, Device, Example, Filter, FilteredAudience, Gender,
    JobTarget, UnlistedAudience, UserMetrics,
};
pub use settings::{Setting, SettingTarget};

/// Re-exported because its types are part of this crate's API: [`JobResults::raw`] and
/// [`ProblemDetails::extensions`] hand out [`serde_json::Value`]s, and the generated
/// models in [`api`] hold them for free-form members. Use `rapidata::serde_json` to get
/// the very version these are built with.
///
/// ```
/// use rapidata::serde_json::{json, Value};
///
/// let results = rapidata::JobResults::from_value(json!({"info": {}, "results": []}));
/// let raw: &Value = results.raw();
/// assert!(raw["results"].is_array());
/// ```
pub use serde_json;

/// Re-exported because its types are part of this crate's API:
/// [`ProgressBarSink::with_draw_target`](job::ProgressBarSink::with_draw_target) takes an
/// [`indicatif::ProgressDrawTarget`] and [`ProgressBarSink::bar`](job::ProgressBarSink::bar)
/// returns the [`indicatif::ProgressBar`]. Use `rapidata::indicatif` to get the very
/// version these are built with. Only with the `progress-bar` feature (on by default).
#[cfg(feature = "progress-bar")]
pub use indicatif;

/// The README's code blocks, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
