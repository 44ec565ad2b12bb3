//! [`UnlistedAudience`]: an audience of your own annotators, reached only through its link.

use crate::api::{operations, types};
use crate::{Client, Error, Result};

use super::JobTarget;

/// The id prefix of unlisted audiences.
pub(crate) const UNLISTED_PREFIX: &str = "ula_";

/// An audience made of the people you share its link with: Rapidata's labelers never see
/// it. Jobs run on it as on any audience ([`assign_job`](Self::assign_job),
/// [`assign`](Self::assign), [`find_jobs`](Self::find_jobs)); it has no filters,
/// qualification examples or recruiting.
///
/// Cheap to clone. Get one from
/// [`AudienceManager::create_unlisted_audience`](super::AudienceManager::create_unlisted_audience)
/// or [`get_unlisted_audience_by_id`](super::AudienceManager::get_unlisted_audience_by_id).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let team = client.audience().create_unlisted_audience("Our reviewers")?;
/// let definition = client.job().get_job_definition_by_id("jd_123")?;
/// let job = team.assign_job(&definition)?;
/// println!("share {} (or {} for this job only)", team.link(), team.job_link(&job));
/// # Ok::<(), rapidata::Error>(())
/// ```
///
/// Serialized as its metadata, `id` and `name` (never the client).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnlistedAudience {
    #[serde(skip)]
    pub(crate) client: Client,
    id: String,
    name: String,
}

impl UnlistedAudience {
    /// The audience's id (`ula_…`).
    ///
    /// ```no_run
    /// # fn demo(a: &rapidata::UnlistedAudience) { assert!(a.id().starts_with("ula_")); }
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The audience's name.
    ///
    /// ```no_run
    /// # fn demo(a: &rapidata::UnlistedAudience) { println!("{}", a.name()); }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The page to share with your annotators, `https://app.<env>/label/{id}`: it lists
    /// the audience's running jobs; they annotate without an account.
    ///
    /// ```no_run
    /// # fn demo(a: &rapidata::UnlistedAudience) { println!("{}", a.link()); }
    /// ```
    pub fn link(&self) -> String {
        format!(
            "{}/label/{}",
            self.client.app_url().trim_end_matches('/'),
            crate::request::encode_path_segment(&self.id)
        )
    }

    /// [`job_link`](Self::job_link) by job id: the page that takes your annotators
    /// straight into that job of this audience, [`link`](Self::link)` + /job/{jobId}`.
    ///
    /// ```no_run
    /// # fn demo(a: &rapidata::UnlistedAudience) { println!("{}", a.job_link_id("job_123")); }
    /// ```
    pub fn job_link_id(&self, job_id: &str) -> String {
        format!(
            "{}/job/{}",
            self.link(),
            crate::request::encode_path_segment(job_id)
        )
    }

    /// Reloads the name (`GET /audience/unlisted/{id}`).
    ///
    /// ```no_run
    /// # fn demo(mut a: rapidata::UnlistedAudience) -> rapidata::Result<()> {
    /// a.refresh()?;
    /// # Ok(()) }
    /// ```
    pub fn refresh(&mut self) -> Result<()> {
        self.name = get(&self.client, &self.id)?.name;
        Ok(())
    }
}

impl JobTarget for UnlistedAudience {
    fn audience_id(&self) -> &str {
        &self.id
    }

    fn client(&self) -> &Client {
        &self.client
    }
}

fn get(client: &Client, id: &str) -> Result<types::GetUnlistedAudienceByIdEndpointOutput> {
    client.send(&operations::GetAudienceUnlistedByAudienceId::new(id))
}

/// `POST /audience/unlisted {"name"}`, after checking the name.
pub(crate) fn create(client: &Client, name: String) -> Result<UnlistedAudience> {
    if name.trim().is_empty() {
        return Err(Error::invalid_input("name", &name, "must not be empty"));
    }
    let body = types::CreateUnlistedAudienceEndpointInput::new(name.clone());
    let out = client.send(&operations::PostAudienceUnlisted::new(body))?;
    Ok(UnlistedAudience {
        client: client.clone(),
        id: out.audience_id,
        name,
    })
}

/// `GET /audience/unlisted/{id}`, after checking the id is one.
pub(crate) fn get_by_id(client: &Client, id: String) -> Result<UnlistedAudience> {
    crate::error::require_id("audience_id", &id)?;
    if !id.starts_with(UNLISTED_PREFIX) {
        return Err(Error::invalid_input(
            "audience_id",
            &id,
            "unlisted audience ids start with `ula_`; use AudienceManager::get_audience_by_id",
        ));
    }
    let out = get(client, &id)?;
    Ok(UnlistedAudience {
        client: client.clone(),
        id: out.id,
        name: out.name,
    })
}
