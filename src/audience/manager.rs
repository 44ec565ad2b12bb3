//! [`AudienceManager`] and its request builders.

use crate::api::{operations, types};
use crate::flow::find::Find;
use crate::flow::paging::{newest_first, Fetched, PagedOutput, Pages, LIST_PAGE_SIZE};
use crate::flow::reconcile::{create_once, Created, Verdict};
use crate::request::QueryFilter;
use crate::{Client, Error, Result};

use super::filter::{self, Filter};
use super::handle::{Audience, FilteredAudience};
use super::recruit::{DEFAULT_MIN_TASKS, MIN_MIN_TASKS};
use super::UnlistedAudience;

/// Default accuracy labelers must reach on qualification examples (the server's default).
const DEFAULT_TARGET_ACCURACY: f64 = 0.75;

/// Creates, looks up and finds audiences. Get it from [`Client::audience`].
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let manager = client.audience();
/// for audience in manager.find_audiences("prompt").send()? {
///     println!("{} {}", audience.id(), audience.name());
/// }
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AudienceManager {
    client: Client,
}

impl AudienceManager {
    pub(crate) fn new(client: Client) -> AudienceManager {
        AudienceManager { client }
    }

    /// Starts creating a custom audience named `name` (`POST /audience`); finish with
    /// [`CreateAudience::send`].
    ///
    /// A new audience has no members: add qualification examples
    /// ([`Audience::add_compare_example`], …) and assign a job or call
    /// [`Audience::start_recruiting`].
    ///
    /// ```no_run
    /// use rapidata::Filter;
    ///
    /// let client = rapidata::Client::new()?;
    /// let audience = client
    ///     .audience()
    ///     .create_audience("My audience")
    ///     .filters([Filter::country(["US", "CA"]), Filter::language(["en"])])
    ///     .target_accuracy(0.8)
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_audience(&self, name: impl Into<String>) -> CreateAudience {
        CreateAudience {
            client: self.client.clone(),
            name: name.into(),
            description: None,
            filters: Vec::new(),
            target_accuracy: None,
            min_tasks: None,
            max_tasks: None,
        }
    }

    /// The audience with this id (`GET /audience/{id}`): one of your own, a curated one
    /// (ids from the dashboard) or `global`.
    ///
    /// Filtered audiences (`fau_…`) are refused with an [`Error::InvalidInput`] for
    /// `audience_id`: get them with [`get_filtered_audience_by_id`](Self::get_filtered_audience_by_id),
    /// which returns the handle type without examples and recruiting. Unlisted audiences
    /// (`ula_…`) are refused the same way before any request: their handle type comes
    /// from [`get_unlisted_audience_by_id`](Self::get_unlisted_audience_by_id).
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let audience = client.audience().get_audience_by_id("aud_MU1GZYoESyO")?;
    /// println!("{} ({:?})", audience.name(), audience.status());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_audience_by_id(&self, audience_id: impl Into<String>) -> Result<Audience> {
        let id = audience_id.into();
        check_id(&id)?;
        if id.starts_with(super::UNLISTED_PREFIX) {
            return Err(Error::invalid_input(
                "audience_id",
                &id,
                "this is an unlisted audience: use AudienceManager::get_unlisted_audience_by_id",
            ));
        }
        let out = self
            .client
            .send(&operations::GetAudienceByAudienceId::new(id.clone()))?;
        if out.filter.is_some() {
            return Err(Error::invalid_input(
                "audience_id",
                &id,
                "this is a filtered audience: use AudienceManager::get_filtered_audience_by_id",
            ));
        }
        Ok(Audience::from_get(self.client.clone(), id, out))
    }

    /// Creates an unlisted audience (`POST /audience/unlisted {"name"}`): only the people
    /// you share its [link](UnlistedAudience::link) with annotate its jobs. Needs the
    /// "bring your own audience" capability on your organization. A blank name is
    /// refused before any request.
    ///
    /// ```no_run
    /// let team = rapidata::Client::new()?.audience().create_unlisted_audience("Our reviewers")?;
    /// println!("{}", team.link());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_unlisted_audience(&self, name: impl Into<String>) -> Result<UnlistedAudience> {
        super::unlisted::create(&self.client, name.into())
    }

    /// The unlisted audience with this id (`GET /audience/unlisted/{id}`, ids `ula_…`;
    /// other ids are refused before any request).
    ///
    /// ```no_run
    /// let team = rapidata::Client::new()?.audience().get_unlisted_audience_by_id("ula_123")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_unlisted_audience_by_id(
        &self,
        audience_id: impl Into<String>,
    ) -> Result<UnlistedAudience> {
        super::unlisted::get_by_id(&self.client, audience_id.into())
    }

    /// The global audience (id `global`): the broadest pool of labelers, ready at once.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let global = client.audience().global_audience()?;
    /// assert_eq!(global.id(), "global");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn global_audience(&self) -> Result<Audience> {
        self.get_audience_by_id("global")
    }

    /// The filtered audience with this id (`GET /audience/{id}`, ids `fau_…`).
    ///
    /// Refused with an [`Error::InvalidInput`] for `audience_id` when the response shows
    /// an ordinary audience (use [`get_audience_by_id`](Self::get_audience_by_id)).
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let filtered = client.audience().get_filtered_audience_by_id("fau_123")?;
    /// println!("{} narrows {} by {}", filtered.id(), filtered.base_audience_id(), filtered.filter());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_filtered_audience_by_id(
        &self,
        audience_id: impl Into<String>,
    ) -> Result<FilteredAudience> {
        let id = audience_id.into();
        check_id(&id)?;
        let out = self
            .client
            .send(&operations::GetAudienceByAudienceId::new(id.clone()))?;
        FilteredAudience::from_get(self.client.clone(), id, out)
    }

    /// Starts a search for audiences whose name contains `name` (`GET /audiences`,
    /// newest first); finish with [`FindAudiences::send`]. An empty `name` lists all.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let mine = client.audience().find_audiences("Prompt Alignment").amount(20).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn find_audiences(&self, name: impl Into<String>) -> FindAudiences {
        let query = AudiencesQuery {
            name: name.into(),
            public_only: false,
        };
        Find::with_query(self.client.clone(), query)
    }

    /// Starts listing public (curated) audiences: `GET /audiences` with `is_public[eq]=true`,
    /// newest first; finish with [`FindAudiences::send`].
    ///
    /// The official SDK has no such call; that public audiences are the curated ones is
    /// an inference from the API's `isPublic` field. Narrow by name with
    /// [`FindAudiences::name`].
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// for audience in client.audience().curated_audiences().amount(50).send()? {
    ///     println!("{}: {}", audience.id(), audience.name());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn curated_audiences(&self) -> FindAudiences {
        let mut find = self.find_audiences("");
        find.query.public_only = true;
        find
    }
}

fn check_id(id: &str) -> Result<()> {
    crate::error::require_id("audience_id", id)
}

/// Builder for [`AudienceManager::create_audience`]. Nothing is sent before
/// [`send`](CreateAudience::send); [`validate`](CreateAudience::validate) runs its checks
/// alone.
///
/// ```no_run
/// let audience = rapidata::Client::new()?
///     .audience()
///     .create_audience("Careful raters")
///     .description("Qualified on 20 hard examples")
///     .min_tasks(20)
///     .max_tasks(40)
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is called"]
pub struct CreateAudience {
    client: Client,
    name: String,
    description: Option<String>,
    filters: Vec<Filter>,
    target_accuracy: Option<f64>,
    min_tasks: Option<u32>,
    max_tasks: Option<u32>,
}

impl CreateAudience {
    /// A description shown in the dashboard.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// client.audience().create_audience("A").description("for tests").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Who may join: every filter must match (they are sent as the audience's `filters`
    /// list). Replaces filters set before.
    ///
    /// The API guide recommends only country and language filters (and combinations) for
    /// recruiting; apply age, gender and device with [`Audience::filter`].
    ///
    /// ```no_run
    /// use rapidata::Filter;
    /// # let client = rapidata::Client::new()?;
    /// client
    ///     .audience()
    ///     .create_audience("Germans")
    ///     .filters([Filter::country(["DE"]) | Filter::language(["de"])])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn filters(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        self.filters = filters.into_iter().collect();
        self
    }

    /// The accuracy (0 to 1) labelers must reach on the qualification examples to
    /// graduate. Default 0.75 when any admission setting is given, else the server's.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// client.audience().create_audience("Strict").target_accuracy(0.9).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn target_accuracy(mut self, accuracy: f64) -> Self {
        self.target_accuracy = Some(accuracy);
        self
    }

    /// How many qualification examples a labeler answers at least before graduating (at
    /// least [`MIN_MIN_TASKS`](crate::audience::MIN_MIN_TASKS), 3). Default 10 when any
    /// admission setting is given, else the server's (also 10).
    ///
    /// It is also the live API's recruiting rule: [`Audience::start_recruiting`] is refused
    /// until the audience has at least `min_tasks` qualification examples. An audience
    /// taught with fewer examples (the seed guide adds eight) needs a lower `min_tasks`.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// client.audience().create_audience("Thorough").min_tasks(15).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn min_tasks(mut self, tasks: u32) -> Self {
        self.min_tasks = Some(tasks);
        self
    }

    /// The most qualification examples a labeler answers before being graduated or
    /// dropped (at least `min_tasks`). Unlimited when not set.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// client.audience().create_audience("Bounded").min_tasks(10).max_tasks(30).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn max_tasks(mut self, tasks: u32) -> Self {
        self.max_tasks = Some(tasks);
        self
    }

    /// Runs every check of [`send`](Self::send) without sending anything and returns
    /// the body `send` would post.
    ///
    /// Without admission settings the body is `{"name": …, "filters": […]}` (the server
    /// default applies). If any of target accuracy, min tasks or max tasks is given, a
    /// `TaskAccuracy` graduation rule is sent with the missing values filled in (0.75,
    /// 10) and `maxTasks` always present (`null` when unset), like the official SDK.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let body = client.audience().create_audience("Strict").min_tasks(12).validate()?;
    /// assert_eq!(body.name, "Strict");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::CreateAudienceEndpointInput> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid_input(
                "name",
                &self.name,
                "an audience needs a non-empty name",
            ));
        }
        if let Some(a) = self.target_accuracy {
            if !(0.0..=1.0).contains(&a) {
                return Err(Error::invalid_input(
                    "target_accuracy",
                    a,
                    "must be a number from 0 to 1 (e.g. 0.8 for 80 %)",
                ));
            }
        }
        if let Some(m) = self.min_tasks {
            if m < MIN_MIN_TASKS {
                return Err(Error::invalid_input(
                    "min_tasks",
                    m,
                    format!(
                        "must be at least {MIN_MIN_TASKS} (the API's smallest graduation rule)"
                    ),
                ));
            }
            if m > i32::MAX as u32 {
                return Err(Error::invalid_input("min_tasks", m, "is too large"));
            }
        }
        let rule_wanted =
            self.target_accuracy.is_some() || self.min_tasks.is_some() || self.max_tasks.is_some();
        let min_tasks = self.min_tasks.unwrap_or(DEFAULT_MIN_TASKS);
        if let Some(max) = self.max_tasks {
            if max < min_tasks {
                return Err(Error::invalid_input(
                    "max_tasks",
                    max,
                    format!("must be at least min_tasks ({min_tasks})"),
                ));
            }
            if max > i32::MAX as u32 {
                return Err(Error::invalid_input("max_tasks", max, "is too large"));
            }
        }
        filter::validate_all("filters", &self.filters)?;
        let graduation_rule = rule_wanted.then(|| {
            types::IGraduationRuleTaskAccuracyRule {
                max_tasks: Some(self.max_tasks.map(|m| m as i32)),
                ..types::IGraduationRuleTaskAccuracyRule::new(
                    min_tasks as i32,
                    self.target_accuracy.unwrap_or(DEFAULT_TARGET_ACCURACY),
                )
            }
            .into()
        });
        Ok(types::CreateAudienceEndpointInput {
            description: self.description.clone().map(Some),
            filters: Some(Some(self.filters.iter().map(Filter::to_api).collect())),
            graduation_rule,
            ..types::CreateAudienceEndpointInput::new(self.name.clone())
        })
    }

    /// Checks every argument (no request is made if one is invalid), then creates the
    /// audience (`POST /audience`) and returns its handle.
    ///
    /// Errors: [`Error::InvalidInput`] for an empty name, a target accuracy outside 0–1,
    /// `min_tasks` below 3, `max_tasks` below `min_tasks`, or an invalid filter; API
    /// errors otherwise.
    ///
    /// ```no_run
    /// let audience = rapidata::Client::new()?.audience().create_audience("Mine").send()?;
    /// println!("created {}", audience.id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    ///
    /// When the answer to `POST /audience` is lost (the connection dropped after the request
    /// was sent), the audiences of that name listed before and after tell whether it was
    /// created, so a lost answer neither fails the call nor creates a second audience; this
    /// costs one `GET /audiences` per create. A new audience of that name is taken for the
    /// lost one only when its description, filters and graduation rule are the ones sent
    /// (one `GET /audience/{id}` each); one made meanwhile by someone else with other
    /// settings is left alone and ours is sent again. When two match, or one cannot be
    /// read, the call fails with [`Error::UnresolvedCreate`] instead of guessing.
    pub fn send(self) -> Result<Audience> {
        let body = self.validate()?;
        let list = || {
            let mut op = operations::GetAudiences::new();
            op.page = Some(1);
            op.page_size = Some(LIST_PAGE_SIZE);
            op.sort = newest_first();
            op.name = Some(QueryFilter::eq(self.name.as_str()));
            let out = self.client.send(&op)?;
            Ok(out.items.into_iter().map(|a| a.id).collect())
        };
        let judge = |id: &str| {
            let found = self
                .client
                .send(&operations::GetAudienceByAudienceId::new(id))?;
            Ok(same_audience(&body, &found))
        };
        let created = create_once(&self.client, "audience", list, judge, || {
            self.client
                .send(&operations::PostAudience::new(body.clone()))
        })?;
        let audience_id = match created {
            Created::Answered(out) => out.audience_id,
            Created::Found(id) => id,
        };
        Ok(Audience::created(
            self.client,
            audience_id,
            self.name,
            self.description,
            self.filters,
            Some(self.min_tasks.unwrap_or(DEFAULT_MIN_TASKS)),
        ))
    }
}

/// Whether `found` is the audience `sent` would create: same name, description, filters
/// and (when one was sent) graduation rule. Another client creating an audience of the same
/// name while our answer was lost must not be taken for ours.
fn same_audience(
    sent: &types::CreateAudienceEndpointInput,
    found: &types::GetAudienceByIdEndpointOutput,
) -> Verdict {
    if found.name != sent.name {
        return Verdict::NotOurs(format!("it is named {:?}", found.name));
    }
    if found.filter.is_some() {
        return Verdict::NotOurs("it is a filtered audience".into());
    }
    let text = |d: Option<&Option<String>>| d.and_then(Option::as_deref).unwrap_or("").to_owned();
    let (ours, theirs) = (
        text(sent.description.as_ref()),
        text(found.description.as_ref()),
    );
    if ours != theirs {
        return Verdict::NotOurs(format!("its description is {theirs:?}, not {ours:?}"));
    }
    let sent_filters = sent.filters.clone().flatten().unwrap_or_default();
    if comparable(&sent_filters) != comparable(&found.filters) {
        return Verdict::NotOurs("its filters differ".into());
    }
    if let Some(rule) = &sent.graduation_rule {
        if comparable(rule) != comparable(&found.graduation_rule) {
            return Verdict::NotOurs("its graduation rule differs".into());
        }
    }
    Verdict::Ours
}

/// `value` as JSON with `null` members left out (an unset `maxTasks` may be sent as `null`
/// and come back missing).
fn comparable(value: &impl serde::Serialize) -> serde_json::Value {
    fn strip(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(map) => map
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip(v)))
                .collect(),
            serde_json::Value::Array(items) => items.into_iter().map(strip).collect(),
            other => other,
        }
    }
    strip(serde_json::to_value(value).unwrap_or(serde_json::Value::Null))
}

/// Builder for [`AudienceManager::find_audiences`] and
/// [`AudienceManager::curated_audiences`]: one page of audiences, newest first.
///
/// ```no_run
/// let page_two = rapidata::Client::new()?
///     .audience()
///     .find_audiences("")
///     .amount(25)
///     .page(2)
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type FindAudiences = Find<AudiencesQuery>;

/// What a list of audiences filters on: a name and whether only public (curated) ones.
/// The query of [`FindAudiences`].
#[derive(Debug, Clone)]
pub struct AudiencesQuery {
    name: String,
    public_only: bool,
}

impl Find<AudiencesQuery> {
    /// Only audiences whose name contains `name` (replaces the name given before).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let alignment = client.audience().curated_audiences().name("Alignment").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.name = name.into();
        self
    }

    #[cfg(test)]
    fn operation(&self) -> Result<operations::GetAudiences> {
        self.spec.check()?;
        Ok(self.query(i64::from(self.spec.page)))
    }

    fn query(&self, page: i64) -> operations::GetAudiences {
        let mut op = operations::GetAudiences::new();
        op.page = Some(page);
        op.page_size = Some(i64::from(self.spec.amount));
        op.sort = newest_first();
        // The official SDK always sends the `contains` filter, even when empty.
        op.name = Some(QueryFilter::contains(self.query.name.clone()));
        if self.query.public_only {
            op.is_public = Some(QueryFilter::eq("true"));
        }
        op
    }

    /// Every audience from [`page`](Self::page) on, fetched a page at a time as the
    /// iterator is advanced (see [`Pages`]).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// for audience in client.audience().curated_audiences().amount(100).iter() {
    ///     println!("{}", audience?.name());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn iter(self) -> Pages<Audience> {
        Pages::new("audiences", self.spec, move |page| self.fetch(page))
    }

    /// Sends `GET /audiences?page=…&page_size=…&sort=-created_at&name%5Bcontains%5D=…`
    /// (plus `&is_public%5Beq%5D=true` for curated audiences) and returns the page's
    /// audiences.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let found = client.audience().find_audiences("cats").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<Vec<Audience>> {
        self.spec.check()?;
        Ok(self.fetch(i64::from(self.spec.page))?.into_items())
    }

    fn fetch(&self, page: i64) -> Result<Fetched<Audience>> {
        let fetched = self.client.send(&self.query(page))?.into_fetched();
        Ok(fetched.map(|item| Audience::from_query(self.client.clone(), item)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{encode_query, Operation};
    use serde_json::json;

    fn client() -> Client {
        Client::builder()
            .api_url("http://127.0.0.1:9")
            .auth_url("http://127.0.0.1:9")
            .token("t")
            .build()
            .unwrap()
    }

    fn body(b: CreateAudience) -> serde_json::Value {
        serde_json::to_value(b.validate().unwrap()).unwrap()
    }

    fn invalid(b: CreateAudience) -> (String, String) {
        let e = b.validate().unwrap_err();
        let e = e.as_invalid_input().expect("invalid input");
        (e.argument().to_owned(), e.value().to_owned())
    }

    #[test]
    fn create_bodies_match_the_wire_protocol() {
        let m = AudienceManager::new(client());
        assert_eq!(
            body(m.create_audience("My audience")),
            json!({"name": "My audience", "filters": []})
        );
        assert_eq!(
            body(
                m.create_audience("My audience")
                    .filters([Filter::country(["US", "CA"]), Filter::language(["en"])])
                    .target_accuracy(0.8)
            ),
            json!({
                "name": "My audience",
                "filters": [
                    {"_t": "CountryFilter", "countries": ["US", "CA"]},
                    {"_t": "LanguageFilter", "languages": ["en"]}
                ],
                "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.8, "minTasks": 10, "maxTasks": null}
            })
        );
        assert_eq!(
            body(
                m.create_audience("A")
                    .min_tasks(3)
                    .max_tasks(5)
                    .description("d")
            ),
            json!({"name": "A", "description": "d", "filters": [],
                   "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 3, "maxTasks": 5}})
        );
    }

    #[test]
    fn create_arguments_are_checked() {
        let m = AudienceManager::new(client());
        assert_eq!(invalid(m.create_audience(" ")).0, "name");
        assert_eq!(
            invalid(m.create_audience("a").target_accuracy(1.5)).0,
            "target_accuracy"
        );
        assert_eq!(
            invalid(m.create_audience("a").target_accuracy(-0.1)).0,
            "target_accuracy"
        );
        assert_eq!(
            invalid(m.create_audience("a").target_accuracy(f64::NAN)),
            ("target_accuracy".into(), "NaN".into())
        );
        assert_eq!(invalid(m.create_audience("a").min_tasks(0)).0, "min_tasks");
        assert_eq!(
            invalid(m.create_audience("a").min_tasks(5).max_tasks(4)),
            ("max_tasks".into(), "4".into())
        );
        assert_eq!(invalid(m.create_audience("a").max_tasks(9)).0, "max_tasks");
        assert_eq!(
            invalid(
                m.create_audience("a")
                    .filters([Filter::country(Vec::<String>::new())])
            )
            .0,
            "filters[0].countries"
        );
    }

    /// What `GET /audience/{id}` answers for an audience named "A" with `extra` fields.
    fn found(extra: serde_json::Value) -> types::GetAudienceByIdEndpointOutput {
        let mut v = json!({
            "id": "aud_1", "baseAudienceId": "aud_1", "name": "A", "status": "Created",
            "qualifiedUserCount": 0, "filters": [], "createdAt": "2026-07-13T11:07:53+00:00",
            "ownerId": "u", "ownerMail": "me@example.com", "organizationId": "org_1",
            "isPublic": false, "isDistilling": false, "distillingCampaignId": "c",
            "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10},
            "distillingRetrievalMode": "Random", "boostLevel": "None"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_look_alike_audience_is_ours_only_when_everything_sent_matches() {
        let m = AudienceManager::new(client());
        let sent = |b: CreateAudience| b.validate().unwrap();
        let ours = |b: CreateAudience, f| same_audience(&sent(b), &f) == Verdict::Ours;
        // Nothing but the name sent: the server's default rule is not ours to compare.
        assert!(ours(m.create_audience("A"), found(json!({}))));
        assert!(!ours(m.create_audience("B"), found(json!({}))));
        assert!(!ours(
            m.create_audience("A"),
            found(json!({"description": "the other team's"}))
        ));
        assert!(ours(
            m.create_audience("A").description("d"),
            found(json!({"description": "d"}))
        ));
        assert!(!ours(
            m.create_audience("A").description("d"),
            found(json!({}))
        ));
        let us = Filter::country(["US"]);
        assert!(!ours(
            m.create_audience("A").filters([us.clone()]),
            found(json!({}))
        ));
        assert!(ours(
            m.create_audience("A").filters([us]),
            found(json!({"filters": [{"_t": "CountryFilter", "countries": ["US"]}]}))
        ));
        // A rule sent with `maxTasks: null` matches one answered without it …
        assert!(ours(m.create_audience("A").min_tasks(10), found(json!({}))));
        // … but not one with other figures.
        assert!(!ours(m.create_audience("A").min_tasks(8), found(json!({}))));
        assert!(!ours(
            m.create_audience("A").target_accuracy(0.9),
            found(json!({}))
        ));
    }

    #[test]
    fn find_query_matches_the_sdk_byte_for_byte() {
        let m = AudienceManager::new(client());
        let q = |f: FindAudiences| encode_query(&f.operation().unwrap().query());
        assert_eq!(
            q(m.find_audiences("")),
            "page=1&page_size=10&sort=-created_at&name%5Bcontains%5D="
        );
        assert_eq!(
            q(m.find_audiences("cats & dogs").amount(5).page(2)),
            "page=2&page_size=5&sort=-created_at&name%5Bcontains%5D=cats%20%26%20dogs"
        );
        assert_eq!(
            q(m.curated_audiences()),
            "page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=&is_public%5Beq%5D=true"
        );
        assert!(m.find_audiences("").amount(0).operation().is_err());
        assert!(m.find_audiences("").page(0).operation().is_err());
    }
}
