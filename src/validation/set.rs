//! The [`ValidationSetManager`] and the [`ValidationSet`] handle: creating an empty set,
//! finding, reading, updating and deleting sets.

use serde_json::{json, Value};

use crate::api::{operations, types};
use crate::flow::find::Find;
use crate::flow::paging::{newest_first, Fetched, PagedOutput, Pages};
use crate::request::{self, QueryFilter, WithJsonBody};
use crate::{Client, Error, Result};

impl Client {
    /// Validation sets: create, find, read, update and delete them.
    ///
    /// ```no_run
    /// let sets = rapidata::Client::new()?.validation().find_validation_sets("").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validation(&self) -> ValidationSetManager {
        ValidationSetManager {
            client: self.clone(),
        }
    }
}

/// Creates, finds and reads validation sets; from [`Client::validation`].
///
/// ```no_run
/// let manager = rapidata::Client::new()?.validation();
/// let set = manager.get_validation_set_by_id("vs_123")?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ValidationSetManager {
    pub(super) client: Client,
}

/// A validation set. Cheap to clone; serialized as its metadata (`id`, `name`,
/// `dimensions`), never the client.
///
/// ```no_run
/// let mut set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_123")?;
/// set.update_dimensions(["alignment", "quality"])?;
/// println!("{} {:?}", set.name(), set.dimensions());
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone, serde::Serialize)]
pub struct ValidationSet {
    #[serde(skip)]
    pub(super) client: Client,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) dimensions: Vec<String>,
}

fn check_dimensions(dimensions: &[String]) -> Result<()> {
    for (i, d) in dimensions.iter().enumerate() {
        if d.trim().is_empty() {
            return Err(Error::invalid_input(
                format!("dimensions[{i}]"),
                d,
                "must not be empty",
            ));
        }
    }
    Ok(())
}

/// Checks the name (not blank) and dimensions of a set about to be created.
pub(super) fn check_new_set(name: &str, dimensions: &[String]) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid_input("name", name, "must not be empty"));
    }
    check_dimensions(dimensions)
}

/// Creates an empty set named `name` (`POST /validation-set {"name"}`), without
/// dimensions.
pub(super) fn post_new_set(client: Client, name: String) -> Result<ValidationSet> {
    let body = types::CreateValidationSetEndpointInput::new(name.clone());
    let out = client.send(&operations::PostValidationSet::new(body))?;
    Ok(ValidationSet {
        client,
        id: out.validation_set_id,
        name,
        dimensions: Vec::new(),
    })
}

impl ValidationSetManager {
    /// Starts creating an empty validation set named `name`; finish with
    /// [`CreateValidationSet::send`].
    ///
    /// ```no_run
    /// let set = rapidata::Client::new()?.validation().create_validation_set("Checks").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_validation_set(&self, name: impl Into<String>) -> CreateValidationSet {
        CreateValidationSet {
            client: self.client.clone(),
            name: name.into(),
            dimensions: Vec::new(),
        }
    }

    /// The validation set with this id (`GET /validation-set/{id}`).
    ///
    /// ```no_run
    /// let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_123")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_validation_set_by_id(&self, id: impl Into<String>) -> Result<ValidationSet> {
        let id = id.into();
        crate::error::require_id("validation_set_id", &id)?;
        let out = self
            .client
            .send(&operations::GetValidationSetByValidationSetId::new(&id))?;
        Ok(ValidationSet {
            client: self.client.clone(),
            id: out.id,
            name: out.name,
            dimensions: out.dimensions,
        })
    }

    /// Validation sets whose name contains `name`, newest first (`GET /validation-sets`;
    /// an empty `name` lists all): 10 a page from page 1 unless told otherwise; one page
    /// with [`send`](FindValidationSets::send), all with [`iter`](FindValidationSets::iter).
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// for set in client.validation().find_validation_sets("alignment").iter() {
    ///     println!("{}", set?.name());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn find_validation_sets(&self, name: impl Into<String>) -> FindValidationSets {
        let query = ValidationSetsQuery { name: name.into() };
        Find::with_query(self.client.clone(), query)
    }
}

/// Builder for [`ValidationSetManager::create_validation_set`]. Nothing is sent before
/// [`send`](Self::send); [`validate`](Self::validate) runs its checks alone.
///
/// ```no_run
/// let set = rapidata::Client::new()?
///     .validation()
///     .create_validation_set("Checks")
///     .dimensions(["alignment"])
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is called"]
pub struct CreateValidationSet {
    client: Client,
    name: String,
    dimensions: Vec<String>,
}

impl CreateValidationSet {
    /// The score dimensions a labeler's answers to the set's tasks count towards (set
    /// right after creating it).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_validation_set("Checks").dimensions(["quality"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn dimensions<I, S>(mut self, dimensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.dimensions = dimensions.into_iter().map(Into::into).collect();
        self
    }

    /// Runs every check of [`send`](Self::send) without sending anything and returns
    /// the body of its `POST /validation-set` (the dimensions follow in a `PATCH`).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let body = client.validation().create_validation_set("Checks").validate()?;
    /// assert_eq!(body.name, "Checks");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::CreateValidationSetEndpointInput> {
        check_new_set(&self.name, &self.dimensions)?;
        Ok(types::CreateValidationSetEndpointInput::new(
            self.name.clone(),
        ))
    }

    /// `POST /validation-set {"name"}`, then `PATCH … {"dimensions"}` when dimensions were
    /// given. A blank name or dimension is refused before any request.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_validation_set("Checks").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<ValidationSet> {
        self.validate()?;
        let mut set = post_new_set(self.client, self.name)?;
        if !self.dimensions.is_empty() {
            set.update_dimensions(self.dimensions)?;
        }
        Ok(set)
    }
}

impl ValidationSet {
    /// The set's id.
    ///
    /// ```no_run
    /// # fn demo(set: &rapidata::validation::ValidationSet) { println!("{}", set.id()); }
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The set's name.
    ///
    /// ```no_run
    /// # fn demo(set: &rapidata::validation::ValidationSet) { println!("{}", set.name()); }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The score dimensions its tasks count towards.
    ///
    /// ```no_run
    /// # fn demo(set: &rapidata::validation::ValidationSet) { println!("{:?}", set.dimensions()); }
    /// ```
    pub fn dimensions(&self) -> &[String] {
        &self.dimensions
    }

    /// The set's page in the Rapidata app, `https://app.<env>/validation-set/detail/{id}`.
    ///
    /// ```no_run
    /// # fn demo(set: &rapidata::validation::ValidationSet) { println!("{}", set.view_url()); }
    /// ```
    pub fn view_url(&self) -> String {
        format!(
            "{}/validation-set/detail/{}",
            self.client.app_url().trim_end_matches('/'),
            request::encode_path_segment(&self.id)
        )
    }

    fn patch(&self, body: Value) -> Result<()> {
        // As JSON, so that `"dimensions": []` (clearing them) goes out: the generated
        // model leaves an empty list out.
        self.client.send(&WithJsonBody::new(
            operations::PatchValidationSetByValidationSetId::new(
                &self.id,
                types::UpdateValidationSetEndpointInput::new(),
            ),
            body,
        ))
    }

    /// Replaces the score dimensions (`PATCH /validation-set/{id} {"dimensions"}`; an
    /// empty list clears them; a blank dimension is refused before any request).
    ///
    /// ```no_run
    /// # fn demo(mut set: rapidata::validation::ValidationSet) -> rapidata::Result<()> {
    /// set.update_dimensions(["alignment"])?;
    /// # Ok(()) }
    /// ```
    pub fn update_dimensions<I, S>(&mut self, dimensions: I) -> Result<&mut Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let dimensions: Vec<String> = dimensions.into_iter().map(Into::into).collect();
        check_dimensions(&dimensions)?;
        self.patch(json!({ "dimensions": dimensions }))?;
        self.dimensions = dimensions;
        Ok(self)
    }

    /// Whether labelers are told when they answer one of its tasks wrongly
    /// (`{"shouldAlert"}`; their scores count either way).
    ///
    /// ```no_run
    /// # fn demo(set: rapidata::validation::ValidationSet) -> rapidata::Result<()> {
    /// set.update_should_alert(false)?;
    /// # Ok(()) }
    /// ```
    pub fn update_should_alert(&self, should_alert: bool) -> Result<&Self> {
        self.patch(json!({ "shouldAlert": should_alert }))?;
        Ok(self)
    }

    /// Whether its tasks may be flagged for low accuracy (`{"isFlagOverruled": !can}`).
    ///
    /// ```no_run
    /// # fn demo(set: rapidata::validation::ValidationSet) -> rapidata::Result<()> {
    /// set.update_can_be_flagged(false)?;
    /// # Ok(()) }
    /// ```
    pub fn update_can_be_flagged(&self, can_be_flagged: bool) -> Result<&Self> {
        self.patch(json!({ "isFlagOverruled": !can_be_flagged }))?;
        Ok(self)
    }

    /// Renames the set (`{"name"}`; a blank name is refused before any request).
    ///
    /// ```no_run
    /// # fn demo(mut set: rapidata::validation::ValidationSet) -> rapidata::Result<()> {
    /// set.rename("Stricter checks")?;
    /// # Ok(()) }
    /// ```
    pub fn rename(&mut self, name: impl Into<String>) -> Result<&mut Self> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(Error::invalid_input("name", &name, "must not be empty"));
        }
        self.patch(json!({ "name": name }))?;
        self.name = name;
        Ok(self)
    }

    /// Deletes the set (`DELETE /validation-set/{id}`).
    ///
    /// ```no_run
    /// # fn demo(set: rapidata::validation::ValidationSet) -> rapidata::Result<()> {
    /// set.delete()?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self) -> Result<()> {
        self.client
            .send(&operations::DeleteValidationSetByValidationSetId::new(
                &self.id,
            ))
    }
}

/// What a list of validation sets filters on: a name. The query of
/// [`FindValidationSets`].
#[derive(Debug, Clone)]
pub struct ValidationSetsQuery {
    name: String,
}

/// Builder for [`ValidationSetManager::find_validation_sets`]: 10 a page from page 1
/// unless told otherwise ([`amount`](Find::amount), [`page`](Find::page)).
///
/// ```no_run
/// let sets = rapidata::Client::new()?.validation().find_validation_sets("").amount(50).send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type FindValidationSets = Find<ValidationSetsQuery>;

impl Find<ValidationSetsQuery> {
    fn fetch(&self, page: i64) -> Result<Fetched<ValidationSet>> {
        let mut op = operations::GetValidationSets::new();
        op.page = Some(page);
        op.page_size = Some(i64::from(self.spec.amount));
        op.sort = newest_first();
        op.name = Some(QueryFilter::contains(self.query.name.as_str()));
        let fetched = self.client.send(&op)?.into_fetched();
        Ok(fetched.map(|item| ValidationSet {
            client: self.client.clone(),
            id: item.id,
            name: item.name,
            dimensions: item.dimensions.unwrap_or_default(),
        }))
    }

    /// Sends `GET /validation-sets?page=…&page_size=…&sort=-created_at&name%5Bcontains%5D=…`
    /// and returns that page's sets.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let sets = client.validation().find_validation_sets("checks").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<Vec<ValidationSet>> {
        self.first_page(Self::fetch)
    }

    /// Every set from [`page`](Find::page) on, a page at a time.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let count = client.validation().find_validation_sets("").iter().count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn iter(self) -> Pages<ValidationSet> {
        self.all_pages("validation sets", Self::fetch)
    }
}
