//! The one shape of every list builder: [`Find<Q>`], the `amount` and `page` options it
//! shares, and how the generated paged answers are read as pages.
//!
//! `Q` holds what one list filters on (a name, an audience, a definition); `Find<Q>`
//! adds the client and the paging options, written once here. Each list's own setters
//! and its `send()` / `iter()` are in an `impl Find<ThatQuery>` next to its query.

use crate::api::types;
use crate::flow::paging::{Fetched, PageSpec, PagedOutput, Pages};
use crate::{Client, Result};

/// Reads one page of the list `Q` names: the page number, 1-based.
pub(crate) type FetchPage<Q, T> = fn(&Find<Q>, i64) -> Result<Fetched<T>>;

/// Builder of a list request, with the query `Q` of one list: jobs
/// ([`FindJobs`](crate::job::FindJobs)), job definitions
/// ([`FindJobDefinitions`](crate::job::FindJobDefinitions)), revisions
/// ([`FindRevisions`](crate::job::FindRevisions)), audiences
/// ([`FindAudiences`](crate::audience::FindAudiences)), validation sets
/// ([`FindValidationSets`](crate::validation::FindValidationSets)) and a set's rapids
/// ([`FindRapids`](crate::validation::FindRapids)).
///
/// It owns a [`Client`] clone and the query, so it can be kept and sent later. `send()`
/// returns one page; `iter()` walks lazily from that page on (see [`Pages`]). Nothing is
/// sent before either.
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let second_page = client.job().find_jobs("Prompt").amount(25).page(2).send()?;
/// for audience in client.audience().find_audiences("").amount(100).iter() {
///     println!("{}", audience?.name());
/// }
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() or .iter() is called"]
pub struct Find<Q> {
    pub(crate) client: Client,
    pub(crate) query: Q,
    pub(crate) spec: PageSpec,
}

impl<Q> Find<Q> {
    /// A list of `query` through `client`, 10 a page from page 1.
    pub(crate) fn with_query(client: Client, query: Q) -> Find<Q> {
        Find {
            client,
            query,
            spec: PageSpec::default(),
        }
    }

    /// How many items per page (default 10, revisions 100; 1 to
    /// [`MAX_PAGE_SIZE`](crate::request::MAX_PAGE_SIZE), checked before any request).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let page = client.job().find_jobs("").amount(100).send()?;
    /// let sets = client.validation().find_validation_sets("").amount(50).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn amount(mut self, amount: u32) -> Self {
        self.spec.amount = amount;
        self
    }

    /// Which page, from 1 (default 1); `iter()` starts there.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let older = client.audience().find_audiences("").page(2).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn page(mut self, page: u32) -> Self {
        self.spec.page = page;
        self
    }

    /// The page asked for, after checking `amount` and `page`.
    pub(crate) fn first_page<T>(self, fetch: FetchPage<Q, T>) -> Result<Vec<T>> {
        self.spec.check()?;
        Ok(fetch(&self, i64::from(self.spec.page))?.into_items())
    }

    /// Every page from the one asked for on, lazily; `what` names the items in the log.
    pub(crate) fn all_pages<T>(self, what: &'static str, fetch: FetchPage<Q, T>) -> Pages<T>
    where
        Q: Send + 'static,
        T: 'static,
    {
        let spec = self.spec;
        Pages::new(what, spec, move |page| fetch(&self, page))
    }
}

/// A page of a generated paged answer: `items` with the id each is told apart by, and
/// the counts every `…PagedResultOfOutput` carries.
fn fetched<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> String,
    page_size: i32,
    total: i64,
    total_pages: Option<i32>,
) -> Fetched<T> {
    Fetched {
        items: items.into_iter().map(|i| (id(&i), i)).collect(),
        page_size: Some(i64::from(page_size)),
        total: Some(total),
        total_pages: total_pages.map(i64::from),
    }
}

// One impl per generated paged answer: the generator makes each a struct of its own, so
// only the item type and the id field differ.
impl PagedOutput for types::QueryJobsEndpointPagedResultOfOutput {
    type Item = types::QueryJobsEndpointOutput;
    fn into_fetched(self) -> Fetched<Self::Item> {
        let id = |i: &Self::Item| i.job_id.to_string();
        fetched(self.items, id, self.page_size, self.total, self.total_pages)
    }
}

impl PagedOutput for types::QueryJobDefinitionsEndpointPagedResultOfOutput {
    type Item = types::QueryJobDefinitionsEndpointOutput;
    fn into_fetched(self) -> Fetched<Self::Item> {
        let id = |i: &Self::Item| i.definition_id.to_string();
        fetched(self.items, id, self.page_size, self.total, self.total_pages)
    }
}

impl PagedOutput for types::QueryAudiencesEndpointPagedResultOfOutput {
    type Item = types::QueryAudiencesEndpointOutput;
    fn into_fetched(self) -> Fetched<Self::Item> {
        let id = |i: &Self::Item| i.id.to_string();
        fetched(self.items, id, self.page_size, self.total, self.total_pages)
    }
}

impl PagedOutput for types::QueryJobRevisionsEndpointPagedResultOfOutput {
    type Item = types::QueryJobRevisionsEndpointOutput;
    fn into_fetched(self) -> Fetched<Self::Item> {
        let id = |i: &Self::Item| i.revision_number.to_string();
        fetched(self.items, id, self.page_size, self.total, self.total_pages)
    }
}

impl PagedOutput for types::QueryValidationSetsEndpointPagedResultOfOutput {
    type Item = types::QueryValidationSetsEndpointOutput;
    fn into_fetched(self) -> Fetched<Self::Item> {
        let id = |i: &Self::Item| i.id.to_string();
        fetched(self.items, id, self.page_size, self.total, self.total_pages)
    }
}

impl PagedOutput for types::GetValidationRapidsEndpointPagedResultOfOutput {
    type Item = types::GetValidationRapidsEndpointOutput;
    fn into_fetched(self) -> Fetched<Self::Item> {
        let id = |i: &Self::Item| i.id.to_string();
        fetched(self.items, id, self.page_size, self.total, self.total_pages)
    }
}
