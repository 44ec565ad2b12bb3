//! Listing jobs and job definitions: [`FindJobs`] and [`FindJobDefinitions`], one page with
//! `send()` or every page from there on with `iter()` (see [`Pages`]).

use crate::api::operations;
use crate::flow::find::Find;
use crate::flow::paging::{newest_first, Fetched, PagedOutput, Pages};
use crate::request::QueryFilter;
use crate::{Client, Result};

use crate::audience::{Audience, JobTarget, UnlistedAudience};

use super::{Job, JobDefinition};

// Listing an audience's jobs is a job action, so it lives here (as assigning does, in
// `assign.rs`): the audience module never needs the job module.
impl Audience {
    /// Starts listing the jobs assigned to this audience (`GET /jobs` filtered by
    /// audience id, newest first); finish with [`send`](FindJobs::send) for one page or
    /// [`iter`](FindJobs::iter) for every page.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for job in audience.find_jobs().send()? {
    ///     println!("{} {:?}", job.id(), job.cached_state());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn find_jobs(&self) -> FindJobs {
        jobs_of(self)
    }
}

impl UnlistedAudience {
    /// The jobs assigned to this audience (`GET /jobs` filtered on its id), one page with
    /// [`send`](FindJobs::send) or all with [`iter`](FindJobs::iter).
    ///
    /// ```no_run
    /// # fn demo(a: rapidata::UnlistedAudience) -> rapidata::Result<()> {
    /// for job in a.find_jobs().iter() { println!("{}", job?.id()); }
    /// # Ok(()) }
    /// ```
    pub fn find_jobs(&self) -> FindJobs {
        jobs_of(self)
    }
}

fn jobs_of(target: &impl JobTarget) -> FindJobs {
    FindJobs::new(
        target.client().clone(),
        String::new(),
        Some(target.audience_id().to_owned()),
    )
}

/// What a list of jobs filters on: a name and, for an audience's jobs, the audience.
/// The query of [`FindJobs`].
#[derive(Debug, Clone)]
pub struct JobsQuery {
    name: String,
    audience_id: Option<String>,
}

/// Builder for [`JobManager::find_jobs`](super::JobManager::find_jobs),
/// [`JobManager::find_jobs_for`](super::JobManager::find_jobs_for) and
/// [`Audience::find_jobs`](crate::Audience::find_jobs): jobs newest first
/// (`GET /jobs?sort=-created_at`), 10 a page from page 1 unless told otherwise
/// ([`amount`](Find::amount), [`page`](Find::page)).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let newest = client.job().find_jobs("Prompt").amount(25).send()?;
/// for job in client.job().find_jobs("").iter() {
///     println!("{}", job?.id());
/// }
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type FindJobs = Find<JobsQuery>;

impl Find<JobsQuery> {
    pub(crate) fn new(client: Client, name: String, audience_id: Option<String>) -> FindJobs {
        Find::with_query(client, JobsQuery { name, audience_id })
    }

    /// Only jobs whose name contains `name` (replaces the name given before; empty
    /// matches all).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let jobs = client.job().find_jobs("").name("v2").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.name = name.into();
        self
    }

    fn fetch(&self, page: i64) -> Result<Fetched<Job>> {
        let q = &self.query;
        let op = jobs_query(&q.name, q.audience_id.as_deref(), page, self.spec.amount);
        let fetched = self.client.send(&op)?.into_fetched();
        Ok(fetched.map(|item| Job::from_list_item(self.client.clone(), item)))
    }

    /// Sends `GET /jobs?page=…&page_size=…&sort=-created_at&name%5Bcontains%5D=…` (plus
    /// `&audience_id%5Beq%5D=…` for an audience's jobs) and returns that page's jobs.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// for job in client.job().find_jobs("Prompt").send()? {
    ///     println!("{} {:?}", job.id(), job.cached_state());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<Vec<Job>> {
        self.first_page(Self::fetch)
    }

    /// Every job from [`page`](Find::page) on, fetched a page at a time as the iterator
    /// is advanced; it ends where the server's list ends.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let all: Vec<rapidata::Job> = client.job().find_jobs("").amount(100).iter().collect::<Result<_, _>>()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn iter(self) -> Pages<Job> {
        self.all_pages("jobs", Self::fetch)
    }
}

/// What a list of job definitions filters on: a name. The query of
/// [`FindJobDefinitions`].
#[derive(Debug, Clone)]
pub struct JobDefinitionsQuery {
    name: String,
}

/// Builder for [`JobManager::find_job_definitions`](super::JobManager::find_job_definitions):
/// job definitions newest first (`GET /job/definitions?sort=-created_at`), 10 a page from
/// page 1 unless told otherwise ([`amount`](Find::amount), [`page`](Find::page)).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// for definition in client.job().find_job_definitions("Prompt").amount(50).iter() {
///     let definition = definition?;
///     println!("{} {}", definition.id(), definition.name());
/// }
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type FindJobDefinitions = Find<JobDefinitionsQuery>;

impl Find<JobDefinitionsQuery> {
    pub(crate) fn new(client: Client, name: String) -> FindJobDefinitions {
        Find::with_query(client, JobDefinitionsQuery { name })
    }

    fn fetch(&self, page: i64) -> Result<Fetched<JobDefinition>> {
        let mut op = operations::GetJobDefinitions::new();
        op.page = Some(page);
        op.page_size = Some(i64::from(self.spec.amount));
        op.sort = newest_first();
        op.name = Some(QueryFilter::contains(self.query.name.as_str()));
        let fetched = self.client.send(&op)?.into_fetched();
        Ok(fetched.map(|i| JobDefinition::from_list_item(self.client.clone(), i)))
    }

    /// Sends `GET /job/definitions?page=…&page_size=…&sort=-created_at&name%5Bcontains%5D=…`
    /// and returns that page's definitions.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let found = client.job().find_job_definitions("Prompt").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<Vec<JobDefinition>> {
        self.first_page(Self::fetch)
    }

    /// Every definition from [`page`](Find::page) on, fetched a page at a time as the
    /// iterator is advanced.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let count = client.job().find_job_definitions("").iter().count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn iter(self) -> Pages<JobDefinition> {
        self.all_pages("job definitions", Self::fetch)
    }
}

/// `GET /jobs` newest first, with the official SDK's name filter (always sent, even
/// empty) and an optional audience filter.
fn jobs_query(
    name: &str,
    audience_id: Option<&str>,
    page: i64,
    amount: u32,
) -> operations::GetJobs {
    let mut op = operations::GetJobs::new();
    op.page = Some(page);
    op.page_size = Some(i64::from(amount));
    op.sort = newest_first();
    op.name = Some(QueryFilter::contains(name));
    op.audience_id = audience_id.map(QueryFilter::eq);
    op
}
