//! What a job can be assigned to.

use crate::Client;

/// Something a job can be assigned to: an [`Audience`](crate::audience::Audience), a [`FilteredAudience`](crate::audience::FilteredAudience) or an
/// [`UnlistedAudience`](crate::audience::UnlistedAudience).
///
/// ```
/// use rapidata::JobTarget;
///
/// fn describe(target: &impl JobTarget) -> String {
///     format!("audience {} via {}", target.audience_id(), target.client().api_url())
/// }
/// ```
pub trait JobTarget {
    /// The id jobs are assigned to (`aud_…`, `fau_…`, `global`).
    ///
    /// ```no_run
    /// use rapidata::JobTarget;
    /// let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// assert_eq!(audience.audience_id(), "global");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    fn audience_id(&self) -> &str;

    /// The client the target belongs to.
    ///
    /// ```no_run
    /// use rapidata::JobTarget;
    /// let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// println!("{}", audience.client().api_url());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    fn client(&self) -> &Client;
}
