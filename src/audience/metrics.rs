//! Who is in an audience's onboarding funnel, and whether it can ever answer.

use std::collections::BTreeMap;

use crate::api::{operations, types};
use crate::{Client, Result};

/// How many labelers of an audience are in each onboarding state
/// (`GET /audience/{id}/user-metrics`).
///
/// An empty map means the audience has no onboarding funnel of its own (the global
/// audience and curated audiences).
///
/// ```no_run
/// let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_123")?;
/// let metrics = audience.user_metrics()?;
/// println!(
///     "{} graduated, {} still qualifying, {} dropped",
///     metrics.graduated(),
///     metrics.distilling(),
///     metrics.dropped()
/// );
/// # Ok::<(), rapidata::Error>(())
/// ```
///
/// Serialized as the map of state name to labeler count.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(transparent)]
pub struct UserMetrics {
    users_per_state: BTreeMap<String, i64>,
}

impl UserMetrics {
    /// Metrics from a map of state name to labeler count (as the API returns it).
    ///
    /// ```
    /// let m = rapidata::UserMetrics::from_counts([("Graduated", 3), ("DroppedLowScore", 2)]);
    /// assert_eq!((m.graduated(), m.dropped()), (3, 2));
    /// ```
    pub fn from_counts<I, S>(counts: I) -> UserMetrics
    where
        I: IntoIterator<Item = (S, i64)>,
        S: Into<String>,
    {
        UserMetrics {
            users_per_state: counts.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        }
    }

    fn sum(&self, matches: impl Fn(&str) -> bool) -> u64 {
        self.users_per_state
            .iter()
            .filter(|(k, _)| matches(k))
            .map(|(_, &v)| v.max(0) as u64)
            .sum()
    }

    /// Labelers who passed the qualification (state `Graduated`).
    ///
    /// ```
    /// let m = rapidata::UserMetrics::from_counts([("Graduated", 7)]);
    /// assert_eq!(m.graduated(), 7);
    /// ```
    pub fn graduated(&self) -> u64 {
        self.sum(|k| k == "Graduated")
    }

    /// Labelers still answering qualification examples (state `Distilling`).
    ///
    /// ```
    /// let m = rapidata::UserMetrics::from_counts([("Distilling", 4)]);
    /// assert_eq!(m.distilling(), 4);
    /// ```
    pub fn distilling(&self) -> u64 {
        self.sum(|k| k == "Distilling")
    }

    /// Labelers who failed the qualification (every state starting with `Dropped`).
    ///
    /// ```
    /// let m = rapidata::UserMetrics::from_counts([("Dropped", 1), ("DroppedInactive", 2)]);
    /// assert_eq!(m.dropped(), 3);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.sum(|k| k.starts_with("Dropped"))
    }

    /// Labelers who stopped working (every state starting with `Inactive`).
    ///
    /// ```
    /// let m = rapidata::UserMetrics::from_counts([("Inactive", 5)]);
    /// assert_eq!(m.inactive(), 5);
    /// ```
    pub fn inactive(&self) -> u64 {
        self.sum(|k| k.starts_with("Inactive"))
    }

    /// The raw counts per state, as the API sent them.
    ///
    /// ```
    /// let m = rapidata::UserMetrics::from_counts([("Graduated", 1)]);
    /// assert_eq!(m.users_per_state()["Graduated"], 1);
    /// ```
    pub fn users_per_state(&self) -> &BTreeMap<String, i64> {
        &self.users_per_state
    }

    /// Whether the API reported no states at all (global and curated audiences).
    ///
    /// ```
    /// assert!(rapidata::UserMetrics::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.users_per_state.is_empty()
    }
}

impl From<types::GetAudienceUserStateMetricsResult> for UserMetrics {
    fn from(r: types::GetAudienceUserStateMetricsResult) -> Self {
        UserMetrics {
            users_per_state: r
                .users_per_state
                .into_iter()
                .map(|(k, v)| (k, i64::from(v)))
                .collect(),
        }
    }
}

/// `GET /audience/{id}/user-metrics`.
pub(crate) fn user_metrics(client: &Client, audience_id: &str) -> Result<UserMetrics> {
    client
        .send(&operations::GetAudienceByAudienceIdUserMetrics::new(
            audience_id,
        ))
        .map(UserMetrics::from)
}

/// How many qualification examples the audience has: the `total` of one
/// `GET /audience/{id}/examples` page of one item.
pub(crate) fn example_count(client: &Client, audience_id: &str) -> Result<u64> {
    let mut op = operations::GetAudienceByAudienceIdExamples::new(audience_id);
    op.page = Some(1);
    op.page_size = Some(1);
    let out = client.send(&op)?;
    Ok(out.total.max(0) as u64)
}

/// For a custom audience nobody has graduated into: `Some((distilling, recruiting))`, with
/// `recruiting` false when it can never answer (see [`can_never_answer`]). `None` when
/// someone graduated, and for audiences without a funnel of their own (global, curated).
pub(crate) fn graduation_outlook(
    client: &Client,
    audience_id: &str,
) -> Result<Option<(u64, bool)>> {
    let metrics = user_metrics(client, audience_id)?;
    if metrics.graduated() > 0 {
        return Ok(None);
    }
    if metrics.distilling() > 0 {
        return Ok(Some((metrics.distilling(), true)));
    }
    let audience = client.send(&operations::GetAudienceByAudienceId::new(audience_id))?;
    Ok(match audience.status {
        types::AudienceStatus::Ready if metrics.is_empty() => None,
        status => Some((0, !never_answers(&status, &metrics))),
    })
}

/// Whether the audience `audience_id` can never produce responses, so waiting for a job
/// assigned to it would wait forever (the official SDK's check before waiting on a job).
///
/// Nobody has graduated and nobody is qualifying (`GET /audience/{id}/user-metrics`),
/// and `GET /audience/{id}` says the audience is `Created` (recruiting never started) or
/// `Ready` with a non-empty metrics map (its funnel ran dry). The second request is only
/// made when the first shows nobody. Global and curated audiences (empty metrics, status
/// `Ready`) can always answer.
pub(crate) fn can_never_answer(client: &Client, audience_id: &str) -> Result<bool> {
    let metrics = user_metrics(client, audience_id)?;
    if metrics.graduated() > 0 || metrics.distilling() > 0 {
        return Ok(false);
    }
    let audience = client.send(&operations::GetAudienceByAudienceId::new(audience_id))?;
    Ok(never_answers(&audience.status, &metrics))
}

/// With nobody graduated or qualifying: whether an audience in `status` stays without
/// answers (recruiting never started, or its funnel ran dry).
fn never_answers(status: &types::AudienceStatus, metrics: &UserMetrics) -> bool {
    match status {
        types::AudienceStatus::Created => true,
        types::AudienceStatus::Ready => !metrics.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_count_state_families() {
        let m = UserMetrics::from(types::GetAudienceUserStateMetricsResult::new(
            [
                ("Graduated".to_owned(), 5),
                ("Distilling".to_owned(), 2),
                ("DroppedLowAccuracy".to_owned(), 3),
                ("Dropped".to_owned(), 1),
                ("InactiveGraduated".to_owned(), 4),
                ("SomethingNew".to_owned(), 9),
            ]
            .into_iter()
            .collect(),
        ));
        assert_eq!(m.graduated(), 5);
        assert_eq!(m.distilling(), 2);
        assert_eq!(m.dropped(), 4);
        assert_eq!(m.inactive(), 4);
        assert_eq!(m.users_per_state().len(), 6);
        assert!(!m.is_empty());
    }
}
