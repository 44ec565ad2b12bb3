//! Blocking Rust client for the Rapidata human-labeling API.
#![warn(missing_docs)]

pub mod api;
pub mod request;

pub mod error;
pub use error::{Error, ProblemDetails, Result};

mod auth;
mod client;
mod credentials;
pub mod retry;
mod transport;
pub use auth::AccessToken;
pub use client::{Client, ClientBuilder, SendOptions, DEFAULT_ENVIRONMENT, DEFAULT_MAX_WORKERS};
pub use credentials::CredentialSource;
pub use retry::{RetryMode, RetryPolicy};

pub mod asset;
pub mod audience;
pub mod job;
pub use job::{Job, JobDefinition, JobManager, JobResults};
pub mod settings;
pub use asset::DataItem;
pub use audience::{
    AgeGroup, Audience, AudienceManager, Device, Example, Filter, FilteredAudience, Gender,
    JobTarget, UserMetrics,
};
pub use settings::{Setting, SettingTarget};
