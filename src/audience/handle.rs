//! The [`Audience`] and [`FilteredAudience`] handles.

use crate::api::{operations, types};
use crate::{Client, Error, Result};

use super::filter::{self, Filter};
use super::{JobTarget, UserMetrics};

/// A custom, curated or the global audience: a pool of labelers.
///
/// A cheap-to-clone handle holding the [`Client`] and the audience's data as last read
/// (from creation, a lookup or [`refresh`](Audience::refresh)). Get one from
/// [`AudienceManager`](crate::AudienceManager).
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// let mut audience = client.audience().create_audience("Raters").send()?;
/// audience.rename("Careful raters")?;
/// audience.refresh()?;
/// println!("{} is {:?}", audience.name(), audience.status());
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Audience {
    client: Client,
    id: String,
    name: String,
    status: types::AudienceStatus,
    filters: Vec<Filter>,
    qualified_labeler_count: u64,
    description: Option<String>,
    /// The graduation rule's `minTasks` as last read (`None` when the rule has none).
    min_tasks: Option<u32>,
}

/// Serialized as its metadata (the client is left out): `id`, `name`, `status`,
/// `filters`, `qualified_labeler_count`, `description`, `min_tasks` — as last read.
impl serde::Serialize for Audience {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Meta<'a> {
            id: &'a str,
            name: &'a str,
            status: &'a types::AudienceStatus,
            filters: &'a [Filter],
            qualified_labeler_count: u64,
            description: Option<&'a str>,
            min_tasks: Option<u32>,
        }
        Meta {
            id: &self.id,
            name: &self.name,
            status: &self.status,
            filters: &self.filters,
            qualified_labeler_count: self.qualified_labeler_count,
            description: self.description.as_deref(),
            min_tasks: self.min_tasks,
        }
        .serialize(serializer)
    }
}

/// The `minTasks` of a graduation rule, when it has one.
fn rule_min_tasks(rule: &types::IGraduationRule) -> Option<u32> {
    match rule {
        types::IGraduationRule::TaskAccuracy(r) => u32::try_from(r.min_tasks).ok(),
        _ => None,
    }
}

impl Audience {
    /// The handle for an audience just created (status `Created`, nobody qualified).
    pub(crate) fn created(
        client: Client,
        id: String,
        name: String,
        description: Option<String>,
        filters: Vec<Filter>,
        min_tasks: Option<u32>,
    ) -> Audience {
        Audience {
            client,
            id,
            name,
            status: types::AudienceStatus::Created,
            filters,
            qualified_labeler_count: 0,
            description,
            min_tasks,
        }
    }

    /// The handle for `GET /audience/{id}` (requested as `id`).
    pub(crate) fn from_get(
        client: Client,
        id: String,
        out: types::GetAudienceByIdEndpointOutput,
    ) -> Audience {
        let mut audience = Audience::created(client, id, String::new(), None, Vec::new(), None);
        audience.apply(out);
        audience
    }

    /// The handle for an item of `GET /audiences`.
    pub(crate) fn from_query(client: Client, out: types::QueryAudiencesEndpointOutput) -> Audience {
        Audience {
            client,
            id: out.id,
            name: out.name,
            status: out.status,
            filters: out.filters.iter().map(Filter::from_api).collect(),
            qualified_labeler_count: out.qualified_user_count.max(0) as u64,
            description: out.description.flatten(),
            min_tasks: rule_min_tasks(&out.graduation_rule),
        }
    }

    /// The client this handle uses.
    pub(crate) fn client_ref(&self) -> &Client {
        &self.client
    }

    fn apply(&mut self, out: types::GetAudienceByIdEndpointOutput) {
        self.name = out.name;
        self.status = out.status;
        self.filters = out.filters.iter().map(Filter::from_api).collect();
        self.qualified_labeler_count = out.qualified_user_count.max(0) as u64;
        self.description = out.description.flatten();
        self.min_tasks = rule_min_tasks(&out.graduation_rule);
    }

    /// The audience id (`aud_…`, or `global`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// println!("{}", audience.id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// println!("{}", audience.name());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The status as last read: `Created` until recruiting starts, then `Pending`,
    /// `Recruiting`, `Ready` (values new to this crate are kept in `Other`).
    ///
    /// ```no_run
    /// use rapidata::api::types::AudienceStatus;
    /// # let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// if audience.status() == &AudienceStatus::Ready {
    ///     println!("ready");
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn status(&self) -> &types::AudienceStatus {
        &self.status
    }

    /// Who may join (every filter must match).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// for f in audience.filters() {
    ///     println!("{f}");
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn filters(&self) -> &[Filter] {
        &self.filters
    }

    /// How many labelers have qualified, as last read.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// println!("{} labelers", audience.qualified_labeler_count());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn qualified_labeler_count(&self) -> u64 {
        self.qualified_labeler_count
    }

    /// The description, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().global_audience()?;
    /// println!("{}", audience.description().unwrap_or("(none)"));
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Reads the audience again (`GET /audience/{id}`) and updates this handle.
    ///
    /// ```no_run
    /// # let mut audience = rapidata::Client::new()?.audience().global_audience()?;
    /// audience.refresh()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn refresh(&mut self) -> Result<()> {
        let out = self
            .client
            .send(&operations::GetAudienceByAudienceId::new(self.id.clone()))?;
        self.apply(out);
        Ok(())
    }

    /// Renames the audience (`PATCH /audience/{id}` with `{"name": …}`).
    ///
    /// ```no_run
    /// # let mut audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.rename("Prompt alignment v2")?;
    /// assert_eq!(audience.name(), "Prompt alignment v2");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn rename(&mut self, name: impl Into<String>) -> Result<()> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(Error::invalid_input(
                "name",
                &name,
                "an audience needs a non-empty name",
            ));
        }
        self.patch(types::UpdateAudienceEndpointInput {
            name: Some(name.clone()),
            ..types::UpdateAudienceEndpointInput::new()
        })?;
        self.name = name;
        Ok(())
    }

    /// Replaces the audience's filters (`PATCH /audience/{id}` with `{"filters": […]}`).
    ///
    /// At least one filter is required: the API reads an empty list as "unchanged", so
    /// filters cannot be removed this way.
    ///
    /// ```no_run
    /// use rapidata::Filter;
    /// # let mut audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_filters([Filter::language(["en", "de"])])?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn update_filters(&mut self, filters: impl IntoIterator<Item = Filter>) -> Result<()> {
        let filters: Vec<Filter> = filters.into_iter().collect();
        if filters.is_empty() {
            return Err(Error::invalid_input(
                "filters",
                &filters,
                "give at least one filter (an empty list would leave the filters unchanged)",
            ));
        }
        filter::validate_all("filters", &filters)?;
        self.patch(types::UpdateAudienceEndpointInput {
            filters: filters.iter().map(Filter::to_api).collect(),
            ..types::UpdateAudienceEndpointInput::new()
        })?;
        self.filters = filters;
        Ok(())
    }

    /// Deletes the audience (`DELETE /audience/{id}`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.delete()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn delete(&self) -> Result<()> {
        self.client
            .send(&operations::DeleteAudienceByAudienceId::new(
                self.id.clone(),
            ))
    }

    /// Starts recruiting labelers into the audience (`POST /audience/{id}/recruit`).
    ///
    /// Recruiting is explicit: adding examples never starts it, and a job assigned before
    /// it started never gets answers. The live API refuses it while the audience has fewer
    /// qualification examples than its graduation rule's `min_tasks` (10 unless the
    /// audience was created with another [`min_tasks`](crate::audience::CreateAudience::min_tasks)).
    /// So this first reads how many examples the audience has (one
    /// `GET /audience/{id}/examples`) and, below `min_tasks`, returns
    /// [`Error::NotEnoughExamples`] naming both numbers without sending the recruit
    /// request. A refusal by the server for the same reason is reported the same way.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.start_recruiting()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn start_recruiting(&self) -> Result<()> {
        if let Some(min_tasks) = self.min_tasks {
            let examples = super::example_count(&self.client, &self.id)?;
            if examples < u64::from(min_tasks) {
                return Err(Error::NotEnoughExamples(Box::new(
                    super::NotEnoughExamples {
                        audience_id: self.id.clone(),
                        examples,
                        min_tasks: u64::from(min_tasks),
                        from_server: false,
                    },
                )));
            }
        }
        // Starting to recruit twice is the same as once, so a lost answer is retried.
        let sent = self.client.send_with(
            &operations::PostAudienceByAudienceIdRecruit::new(self.id.clone()),
            crate::SendOptions::new().retry_mode(crate::RetryMode::Always),
        );
        match sent {
            Err(Error::Api(e)) if e.status() == 400 => {
                match super::recruit::parse_refusal(e.body()) {
                    Some((min_tasks, examples)) => Err(Error::NotEnoughExamples(Box::new(
                        super::NotEnoughExamples {
                            audience_id: self.id.clone(),
                            examples,
                            min_tasks,
                            from_server: true,
                        },
                    ))),
                    None => Err(Error::Api(e)),
                }
            }
            other => other,
        }
    }

    /// The graduation rule's `min_tasks` as last read: how many qualification examples
    /// the audience needs before it can recruit (`None` for rules without one, such as the
    /// global audience's).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// if let Some(n) = audience.min_tasks() {
    ///     println!("needs {n} qualification examples");
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn min_tasks(&self) -> Option<u32> {
        self.min_tasks
    }

    /// How many labelers are in each onboarding state (`GET /audience/{id}/user-metrics`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let metrics = audience.user_metrics()?;
    /// println!("{} graduated", metrics.graduated());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn user_metrics(&self) -> Result<UserMetrics> {
        super::user_metrics(&self.client, &self.id)
    }

    /// Whether this audience can never produce responses, so waiting on a job assigned to
    /// it would never end.
    ///
    /// True when nobody has graduated or is qualifying (`GET /audience/{id}/user-metrics`)
    /// and the audience is `Created` (recruiting never started) or `Ready` with a
    /// non-empty metrics map (its funnel ran dry); `GET /audience/{id}` is only sent when
    /// the metrics show nobody. The global audience and curated audiences (no metrics of
    /// their own) can always answer.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// if audience.can_never_answer()? {
    ///     eprintln!("add qualification examples and start recruiting first");
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn can_never_answer(&self) -> Result<bool> {
        super::can_never_answer(&self.client, &self.id)
    }

    /// Narrows this audience's qualified labelers down with `filter`
    /// (`POST /audience/{id}/filter`). Combine several conditions with `&` into one
    /// filter.
    ///
    /// ```no_run
    /// use rapidata::{AgeGroup, Filter};
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let young_us = audience.filter(
    ///     Filter::country(["US"]) & Filter::age([AgeGroup::Age18To29]),
    /// )?;
    /// println!("{}", young_us.id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn filter(&self, filter: Filter) -> Result<FilteredAudience> {
        filter.validate_as("filter")?;
        let body = types::CreateFilteredAudienceEndpointInput::new(filter.to_api());
        let out = self
            .client
            .send(&operations::PostAudienceByBaseAudienceIdFilter::new(
                self.id.clone(),
                body,
            ))?;
        Ok(FilteredAudience {
            client: self.client.clone(),
            id: out.audience_id,
            base_audience_id: self.id.clone(),
            filter,
        })
    }
}

impl JobTarget for Audience {
    fn audience_id(&self) -> &str {
        &self.id
    }

    fn client(&self) -> &Client {
        &self.client
    }
}

impl Audience {
    /// `PATCH /audience/{id}` with `body`: only its set fields change.
    fn patch(&self, body: types::UpdateAudienceEndpointInput) -> Result<()> {
        self.client
            .send(&operations::PatchAudienceByAudienceId::new(
                self.id.clone(),
                body,
            ))
            .map(drop)
    }
}

/// An audience narrowed down by a filter (`fau_…`): the qualified labelers of its base
/// audience who match the filter.
///
/// Jobs can be assigned to it like to any audience, but it has no qualification examples
/// and no recruiting of its own, so this type has no such methods. Get one from
/// [`Audience::filter`] or
/// [`AudienceManager::get_filtered_audience_by_id`](crate::AudienceManager::get_filtered_audience_by_id).
///
/// ```no_run
/// use rapidata::{Filter, Gender};
/// let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// let women = audience.filter(Filter::gender([Gender::Female]))?;
/// assert_eq!(women.base_audience_id(), audience.id());
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FilteredAudience {
    client: Client,
    id: String,
    base_audience_id: String,
    filter: Filter,
}

/// Serialized as its metadata (the client is left out): `id`, `base_audience_id`,
/// `filter`.
impl serde::Serialize for FilteredAudience {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Meta<'a> {
            id: &'a str,
            base_audience_id: &'a str,
            filter: &'a Filter,
        }
        Meta {
            id: &self.id,
            base_audience_id: &self.base_audience_id,
            filter: &self.filter,
        }
        .serialize(serializer)
    }
}

impl FilteredAudience {
    /// The handle for `GET /audience/{id}`; refused unless the response has a `filter`.
    pub(crate) fn from_get(
        client: Client,
        id: String,
        out: types::GetAudienceByIdEndpointOutput,
    ) -> Result<FilteredAudience> {
        let Some(filter) = out.filter.as_ref() else {
            return Err(Error::invalid_input(
                "audience_id",
                &id,
                "this is not a filtered audience: use AudienceManager::get_audience_by_id",
            ));
        };
        let base_audience_id = if out.base_audience_id.is_empty() {
            out.id.clone()
        } else {
            out.base_audience_id.clone()
        };
        Ok(FilteredAudience {
            client,
            id,
            base_audience_id,
            filter: Filter::from_api(filter),
        })
    }

    /// The filtered audience's id (`fau_…`).
    ///
    /// ```no_run
    /// # let f = rapidata::Client::new()?.audience().get_filtered_audience_by_id("fau_1")?;
    /// println!("{}", f.id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id of the audience whose labelers are filtered.
    ///
    /// ```no_run
    /// # let f = rapidata::Client::new()?.audience().get_filtered_audience_by_id("fau_1")?;
    /// println!("{}", f.base_audience_id());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn base_audience_id(&self) -> &str {
        &self.base_audience_id
    }

    /// The filter applied to the base audience.
    ///
    /// ```no_run
    /// # let f = rapidata::Client::new()?.audience().get_filtered_audience_by_id("fau_1")?;
    /// println!("{}", f.filter());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Reads the filtered audience again (`GET /audience/{id}`) and updates this handle.
    ///
    /// ```no_run
    /// # let mut f = rapidata::Client::new()?.audience().get_filtered_audience_by_id("fau_1")?;
    /// f.refresh()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn refresh(&mut self) -> Result<()> {
        let out = self
            .client
            .send(&operations::GetAudienceByAudienceId::new(self.id.clone()))?;
        *self = FilteredAudience::from_get(self.client.clone(), self.id.clone(), out)?;
        Ok(())
    }

    /// Deletes the filtered audience (`DELETE /audience/{id}`; the base audience stays).
    ///
    /// ```no_run
    /// # let f = rapidata::Client::new()?.audience().get_filtered_audience_by_id("fau_1")?;
    /// f.delete()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn delete(&self) -> Result<()> {
        self.client
            .send(&operations::DeleteAudienceByAudienceId::new(
                self.id.clone(),
            ))
    }
}

impl JobTarget for FilteredAudience {
    fn audience_id(&self) -> &str {
        &self.id
    }

    fn client(&self) -> &Client {
        &self.client
    }
}
