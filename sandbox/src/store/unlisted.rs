//! Unlisted audiences (ids `ula_…`): audiences of the customer's own annotators, who come
//! only through a link.
//!
//! Nobody of the crowd is ever eligible. [`crate::Sandbox::open_link`] simulates people
//! opening a shared link: `…/label/{ula_id}` makes them annotators of every job of that
//! audience, `…/label/{ula_id}/job/{jobId}` of that one job. The sandbox stands them in with
//! labelers of its pool (the next ones not yet there, in pool order).

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use crate::wire::AudienceStatus;

use super::records::AudienceView;

/// An unlisted audience.
#[derive(Debug, Clone)]
pub(crate) struct UnlistedRec {
    pub name: String,
    pub created_at: SystemTime,
    /// People who opened the audience's link, and when the first did.
    pub visitors: Vec<usize>,
    pub first_visit: Option<Instant>,
    /// People who opened one job's link, by job id.
    pub job_visitors: BTreeMap<String, (Vec<usize>, Instant)>,
}

/// Where a shared link leads: the audience, and one job of it when it is a job link.
pub(crate) fn parse_link(link: &str) -> Option<(String, Option<String>)> {
    let (_, rest) = link.split_once("/label/")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let mut parts = rest.trim_end_matches('/').split('/');
    let audience = parts.next().filter(|a| !a.is_empty())?.to_string();
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => Some((audience, None)),
        (Some("job"), Some(job), None) if !job.is_empty() => {
            Some((audience, Some(job.to_string())))
        }
        _ => None,
    }
}

impl UnlistedRec {
    /// A new unlisted audience nobody visited yet.
    pub(crate) fn new(name: String, created_at: SystemTime) -> UnlistedRec {
        UnlistedRec {
            name,
            created_at,
            visitors: Vec::new(),
            first_visit: None,
            job_visitors: BTreeMap::new(),
        }
    }

    /// The audience's view: ready, with the people who opened its link.
    pub(crate) fn view(&self) -> AudienceView {
        AudienceView {
            status: AudienceStatus::Ready,
            graduated: self.visitors.len(),
            dropped: 0,
            distilling: 0,
            eligible: (!self.visitors.is_empty()).then(|| self.visitors.clone()),
            ready_at: self.first_visit,
        }
    }

    /// Adds the people who opened the link of job `job_id` to `view` (this audience's).
    pub(crate) fn add_job_link_visitors(&self, view: &mut AudienceView, job_id: &str) {
        let Some((people, at)) = self.job_visitors.get(job_id) else {
            return;
        };
        let mut eligible = view.eligible.take().unwrap_or_default();
        eligible.extend(people.iter().copied());
        eligible.sort_unstable();
        eligible.dedup();
        view.eligible = Some(eligible);
        view.ready_at = Some(view.ready_at.map_or(*at, |r| r.min(*at)));
    }

    /// `annotators` more people of a pool of `pool` open the audience's link (`job`: the
    /// link of that job of it).
    pub(crate) fn open(
        &mut self,
        job: Option<String>,
        annotators: usize,
        pool: usize,
        now: Instant,
    ) {
        let there: Vec<usize> = match &job {
            None => self.visitors.clone(),
            Some(j) => self
                .job_visitors
                .get(j)
                .map(|(p, _)| p.clone())
                .unwrap_or_default(),
        };
        let newcomers: Vec<usize> = (0..pool)
            .filter(|p| !there.contains(p))
            .take(annotators)
            .collect();
        match job {
            None => {
                self.visitors.extend(newcomers);
                self.visitors.sort_unstable();
                self.first_visit.get_or_insert(now);
            }
            Some(j) => {
                let entry = self
                    .job_visitors
                    .entry(j)
                    .or_insert_with(|| (Vec::new(), now));
                entry.0.extend(newcomers);
                entry.0.sort_unstable();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_link;

    #[test]
    fn links() {
        assert_eq!(
            parse_link("https://app.rapidata.ai/label/ula_1"),
            Some(("ula_1".into(), None))
        );
        assert_eq!(
            parse_link("http://127.0.0.1:1/label/ula_1/job/j2/"),
            Some(("ula_1".into(), Some("j2".into())))
        );
        assert_eq!(parse_link("https://app.rapidata.ai/label/"), None);
        assert_eq!(
            parse_link("https://app.rapidata.ai/label/ula_1/other/x"),
            None
        );
        assert_eq!(parse_link("https://app.rapidata.ai/audiences/ula_1"), None);
    }
}
