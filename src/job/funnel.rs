//! The recruiting funnel behind a job's progress.

use crate::audience::UserMetrics;

use super::Job;

impl Job {
    /// The recruiting funnel of the job's audience, or `None` when it has none of its own
    /// (an unlisted audience never has one; global and curated audiences answer an empty
    /// map) or it could not be read (a failure here must not fail a progress reading).
    pub(crate) fn recruiting_funnel(&self) -> Option<UserMetrics> {
        if self
            .audience_id
            .starts_with(crate::audience::UNLISTED_PREFIX)
        {
            return None;
        }
        match crate::audience::user_metrics(&self.client, &self.audience_id) {
            Ok(m) if m.is_empty() => None,
            Ok(m) => Some(m),
            Err(e) => {
                log::debug!("recruiting funnel of job {} unavailable: {e}", self.id);
                None
            }
        }
    }
}
