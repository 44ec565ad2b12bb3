//! Listing a definition's revisions, and opening one.

use crate::api::operations;
use crate::api::types::JobDefinitionRevisionState;
use crate::flow::find::Find;
use crate::flow::paging::{Fetched, PagedOutput, Pages};
use crate::{Client, Error, Result};

use crate::job::{JobDefinition, JobManager};

/// One revision of a job definition, as listed by [`JobDefinition::revisions`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct RevisionInfo {
    /// Its number (1 for the first).
    pub revision: i32,
    /// The revision it was edited from, when recorded.
    pub base_revision: Option<i32>,
    /// `Pending` until its preview has been built, then `Completed` (or `Failed`).
    pub state: JobDefinitionRevisionState,
    /// When it was saved (ISO 8601).
    pub created_at: String,
}

/// What a list of revisions filters on: the definition. The query of [`FindRevisions`].
#[derive(Debug, Clone)]
pub struct RevisionsQuery {
    definition_id: String,
}

/// Builder for [`JobDefinition::revisions`]: oldest first, 100 a page from page 1 unless
/// told otherwise ([`amount`](Find::amount), [`page`](Find::page)).
///
/// ```no_run
/// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
/// let first_ten = d.revisions().amount(10).send()?;
/// # Ok(()) }
/// ```
pub type FindRevisions = Find<RevisionsQuery>;

impl Find<RevisionsQuery> {
    /// The revisions of definition `definition_id`, 100 a page.
    pub(super) fn new(client: Client, definition_id: String) -> FindRevisions {
        Find::with_query(client, RevisionsQuery { definition_id }).amount(100)
    }

    fn fetch(&self, page: i64) -> Result<Fetched<RevisionInfo>> {
        let mut op =
            operations::GetJobDefinitionByDefinitionIdRevisions::new(&self.query.definition_id);
        op.page = Some(page);
        op.page_size = Some(i64::from(self.spec.amount));
        op.sort = vec!["revision_number".to_owned()];
        let fetched = self.client.send(&op)?.into_fetched();
        Ok(fetched.map(|item| RevisionInfo {
            revision: item.revision_number,
            base_revision: item.base_revision_number.flatten(),
            state: item.state,
            created_at: item.created_at,
        }))
    }

    /// Sends one page of the list and returns its revisions.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let revisions = d.revisions().send()?;
    /// # Ok(()) }
    /// ```
    pub fn send(self) -> Result<Vec<RevisionInfo>> {
        self.first_page(Self::fetch)
    }

    /// Every revision from [`page`](Find::page) on, a page at a time.
    ///
    /// ```no_run
    /// # fn demo(d: rapidata::JobDefinition) -> rapidata::Result<()> {
    /// let count = d.revisions().iter().count();
    /// # Ok(()) }
    /// ```
    pub fn iter(self) -> Pages<RevisionInfo> {
        self.all_pages("revisions", Self::fetch)
    }
}

impl JobManager {
    /// A job definition at revision `revision` (the latest when `None`):
    /// `GET /job/definition/{id}` for its name and type, then the revision. Jobs assigned
    /// from the handle run that revision.
    ///
    /// ```no_run
    /// let mut first = rapidata::Client::new()?.job().get_job_definition_revision("jd_123", Some(1))?;
    /// println!("{:?}", first.instruction()?);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_job_definition_revision(
        &self,
        id: &str,
        revision: Option<i32>,
    ) -> Result<JobDefinition> {
        crate::error::require_id("definition_id", id)?;
        if let Some(n) = revision {
            check_revision_number(n)?;
        }
        let mut definition = self.get_job_definition_by_id(id)?;
        definition.reload(revision)?;
        Ok(definition)
    }
}

pub(super) fn check_revision_number(n: i32) -> Result<()> {
    if n < 1 {
        return Err(Error::invalid_input(
            "revision",
            n,
            "revisions are numbered from 1",
        ));
    }
    Ok(())
}
