//! Unlisted audiences (`POST /audience/unlisted`, `GET /audience/unlisted/{id}`, ids
//! `ula_…`): audiences of the customer's own annotators, who come only through a link.
//!
//! Nobody of the crowd is ever eligible. [`crate::Sandbox::open_link`] simulates people
//! opening a shared link: `…/label/{ula_id}` makes them annotators of every job of that
//! audience, `…/label/{ula_id}/job/{jobId}` of that one job. The sandbox stands them in with
//! labelers of its pool (the next ones not yet there, in pool order).

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use serde::Serialize;

use crate::api_types::CreateUnlistedAudienceEndpointInput;
use crate::exchange::{json, ApiError, Ctx, Reply};
use crate::store::{AudienceView, State, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL};
use crate::util::iso_time;
use crate::wire::AudienceStatus;

/// An unlisted audience.
#[derive(Debug, Clone)]
pub(crate) struct UnlistedRec {
    pub name: String,
    created_at: SystemTime,
    /// People who opened the audience's link, and when the first did.
    visitors: Vec<usize>,
    first_visit: Option<Instant>,
    /// People who opened one job's link, by job id.
    job_visitors: BTreeMap<String, (Vec<usize>, Instant)>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutput {
    audience_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetOutput<'a> {
    id: &'a str,
    name: &'a str,
    created_at: String,
    owner_id: &'a str,
    owner_mail: &'a str,
    organization_id: &'a str,
}

/// `POST /audience/unlisted`.
pub(crate) fn create(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateUnlistedAudienceEndpointInput = c.body()?;
    if input.name.trim().is_empty() {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }
    let (id, _) = st.new_prefixed(c.cfg, "ula_");
    let created_at = st.system_at(c.now);
    st.unlisted.insert(
        id.clone(),
        UnlistedRec {
            name: input.name,
            created_at,
            visitors: Vec::new(),
            first_visit: None,
            job_visitors: BTreeMap::new(),
        },
    );
    json(&CreateOutput { audience_id: id })
}

/// `GET /audience/unlisted/{audienceId}`.
pub(crate) fn get(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let u = st
        .unlisted
        .get(id)
        .ok_or_else(|| ApiError::NotFound(format!("Unlisted audience '{id}' was not found.")))?;
    json(&GetOutput {
        id,
        name: &u.name,
        created_at: iso_time(u.created_at),
        owner_id: OWNER_ID,
        owner_mail: OWNER_MAIL,
        organization_id: ORGANIZATION_ID,
    })
}

/// Where a shared link leads: the audience, and one job of it when it is a job link.
fn parse_link(link: &str) -> Option<(String, Option<String>)> {
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

impl State {
    /// The view of an unlisted audience: ready, with the people who opened its link.
    pub(crate) fn unlisted_view(&self, id: &str) -> Option<AudienceView> {
        let u = self.unlisted.get(id)?;
        Some(AudienceView {
            status: AudienceStatus::Ready,
            graduated: u.visitors.len(),
            dropped: 0,
            distilling: 0,
            eligible: (!u.visitors.is_empty()).then(|| u.visitors.clone()),
            ready_at: u.first_visit,
        })
    }

    /// Adds the people who opened the link of job `job_id` to `view` (its audience's).
    pub(crate) fn add_job_link_visitors(
        &self,
        view: &mut AudienceView,
        audience: &str,
        job_id: &str,
    ) {
        let Some((people, at)) = self
            .unlisted
            .get(audience)
            .and_then(|u| u.job_visitors.get(job_id))
        else {
            return;
        };
        let mut eligible = view.eligible.take().unwrap_or_default();
        eligible.extend(people.iter().copied());
        eligible.sort_unstable();
        eligible.dedup();
        view.eligible = Some(eligible);
        view.ready_at = Some(view.ready_at.map_or(*at, |r| r.min(*at)));
    }

    /// `annotators` more people open `link`; `false` when it is not the link of an existing
    /// unlisted audience (or of a job of it).
    pub(crate) fn open_link(
        &mut self,
        link: &str,
        annotators: usize,
        pool: usize,
        now: Instant,
    ) -> bool {
        let Some((audience, job)) = parse_link(link) else {
            return false;
        };
        if let Some(job) = &job {
            if self.jobs.get(job).is_none_or(|j| j.audience_id != audience) {
                return false;
            }
        }
        let Some(u) = self.unlisted.get_mut(&audience) else {
            return false;
        };
        let there: Vec<usize> = match &job {
            None => u.visitors.clone(),
            Some(j) => u
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
                u.visitors.extend(newcomers);
                u.visitors.sort_unstable();
                u.first_visit.get_or_insert(now);
            }
            Some(j) => {
                let entry = u.job_visitors.entry(j).or_insert_with(|| (Vec::new(), now));
                entry.0.extend(newcomers);
                entry.0.sort_unstable();
            }
        }
        true
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
