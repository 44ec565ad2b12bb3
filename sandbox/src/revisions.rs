//! Revision behaviour of job definitions beyond storing them: a new revision is `Pending`
//! while its preview is built (the sandbox's `cost_estimate_delay`), and a save with
//! `requireLatest` that is based on an older revision is refused with 409 and the latest
//! revision number (`latestRevisionNumber`, as the official SDK reads it).

use std::time::Instant;

use crate::config::Config;
use crate::exchange::ApiError;
use crate::store::RevisionRec;
use crate::wire::RevisionState;

/// The state of a revision at `now`.
pub(crate) fn state(rev: &RevisionRec, cfg: &Config, now: Instant) -> RevisionState {
    if now.saturating_duration_since(rev.created) < cfg.cost_estimate_delay {
        RevisionState::Pending
    } else {
        RevisionState::Completed
    }
}

/// The refusal of a `requireLatest` save based on `base` while `latest` is the latest.
pub(crate) fn conflict(base: i32, latest: i32) -> ApiError {
    ApiError::RevisionConflict {
        detail: format!(
            "The revision is based on revision {base}, but the latest revision is {latest}."
        ),
        latest,
    }
}
