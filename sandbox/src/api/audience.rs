//! The audience service: custom, curated, global and filtered audiences, recruiting, user
//! metrics and an audience's jobs.

use std::collections::BTreeMap;

use crate::api_types::{
    CreateAudienceEndpointInput, CreateFilteredAudienceEndpointInput, ExistingAssetInput,
    IAudienceFilter, IAudienceFilterAndAudienceFilter, IAudienceFilterCountryAudienceFilter,
    IAudienceFilterDemographicAudienceFilter, IAudienceFilterNotAudienceFilter,
    IAudienceFilterOrAudienceFilter, IGraduationRule, IGraduationRuleAcceptedFreeTextRule,
    IGraduationRuleTaskAccuracyRule, UpdateAudienceEndpointInput,
};
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::sim;
use crate::store::records::{AudienceKind, AudienceRec, FilteredRec};
use crate::store::{State, ASSET_BASE, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL, RAPIDATA_MAIL};
use crate::util::iso_time;
use crate::wire::*;

use super::checks::{check_metadata, not_found, now_system, Errors};

fn check_filter(errors: &mut Errors, f: &IAudienceFilter, path: &str) {
    match f {
        IAudienceFilter::AndFilter(IAudienceFilterAndAudienceFilter { filters, .. })
        | IAudienceFilter::OrFilter(IAudienceFilterOrAudienceFilter { filters, .. }) => {
            for (i, f) in filters.iter().enumerate() {
                check_filter(errors, f, &format!("{path}.filters[{i}]"));
            }
        }
        IAudienceFilter::NotFilter(IAudienceFilterNotAudienceFilter { filter, .. }) => {
            check_filter(errors, filter, &format!("{path}.filter"));
        }
        IAudienceFilter::CountryFilter(IAudienceFilterCountryAudienceFilter {
            countries, ..
        }) => {
            for (i, code) in countries.iter().enumerate() {
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                    errors.add(
                        format!("{path}.countries[{i}]"),
                        format!("'{code}' is not an ISO 3166-1 alpha-2 country code (two upper-case letters)."),
                    );
                }
            }
        }
        // (Language codes are an enum of the spec: the strict parse refuses unknown ones.)
        IAudienceFilter::LanguageFilter(_) => {}
        IAudienceFilter::DemographicFilter(IAudienceFilterDemographicAudienceFilter {
            identifier,
            ..
        }) if identifier.trim().is_empty() => {
            errors.add(
                format!("{path}.identifier"),
                "'Identifier' must not be empty.",
            );
        }
        // Valid demographics, device filters, unknown kinds and kinds added to the
        // documents later.
        _ => {}
    }
}

/// The fewest qualification tasks a graduation rule may ask for (the live API's bound).
const MIN_TASKS: i32 = 3;

fn check_rule(errors: &mut Errors, rule: &IGraduationRule, path: &str) {
    match rule {
        IGraduationRule::TaskAccuracy(IGraduationRuleTaskAccuracyRule {
            target_accuracy,
            min_tasks,
            max_tasks,
            ..
        }) => {
            if !(0.0..=1.0).contains(target_accuracy) {
                errors.add(
                    format!("{path}.targetAccuracy"),
                    "'Target Accuracy' must be between 0 and 1.",
                );
            }
            if *min_tasks < MIN_TASKS {
                errors.add(
                    format!("{path}.minTasks"),
                    format!("'Min Tasks' must be at least {MIN_TASKS}."),
                );
            }
            if max_tasks.flatten().is_some_and(|m| m < *min_tasks) {
                errors.add(
                    format!("{path}.maxTasks"),
                    "'Max Tasks' must be greater than or equal to 'Min Tasks'.",
                );
            }
        }
        IGraduationRule::AcceptedFreeText(IGraduationRuleAcceptedFreeTextRule {
            min_accepted_ratio,
            ..
        }) if !(0.0..=1.0).contains(min_accepted_ratio) => {
            errors.add(
                format!("{path}.minAcceptedRatio"),
                "'Min Accepted Ratio' must be between 0 and 1.",
            );
        }
        // Valid free-text rules, score thresholds, unknown rules and rules added to the
        // documents later.
        _ => {}
    }
}

fn check_logo(st: &State, errors: &mut Errors, logo: &ExistingAssetInput) -> Option<String> {
    check_metadata(errors, &logo.metadata, "logo");
    if st.original_of(&logo.name).is_none() {
        errors.add(
            "logo.name",
            format!("Asset '{}' does not exist.", logo.name),
        );
        None
    } else {
        Some(format!("{ASSET_BASE}{}", logo.name))
    }
}

pub(crate) fn create_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.name.trim().is_empty() {
        errors.add("name", "'Name' must not be empty.");
    }
    let filters = input.filters.flatten().unwrap_or_default();
    for (i, f) in filters.iter().enumerate() {
        check_filter(&mut errors, f, &format!("filters[{i}]"));
    }
    if let Some(rule) = &input.graduation_rule {
        check_rule(&mut errors, rule, "graduationRule");
    }
    let logo = input
        .logo
        .as_ref()
        .and_then(|l| check_logo(st, &mut errors, l));
    errors.done()?;

    let (id, seq) = st.new_prefixed(c.cfg, "aud_");
    let mut aud = AudienceRec::new(
        id.clone(),
        seq,
        AudienceKind::Custom,
        &input.name,
        now_system(st, c),
    );
    aud.description = input.description.flatten();
    aud.logo = logo;
    aud.filters = filters;
    if let Some(rule) = input.graduation_rule {
        aud.rule = rule;
    }
    aud.min_size = input.minimum_size_for_activation.flatten();
    if let Some(mode) = input.distilling_retrieval_mode {
        aud.retrieval_mode = mode;
    }
    let t = &mut aud.tuning;
    t.max_distilling_responses = input.max_distilling_responses.flatten();
    t.drop_min_responses = input.drop_min_responses.flatten();
    t.drop_score = input.drop_score.flatten();
    t.max_distilling_sessions = input.max_distilling_sessions.flatten();
    t.inactivity_drop_days = input.inactivity_drop_days.flatten();
    t.min_submission_rate = input.min_submission_rate.flatten();
    t.min_sessions_for_submission_rate = input.min_sessions_for_submission_rate.flatten();
    t.min_submission_rate_graduated = input.min_submission_rate_graduated.flatten();
    t.min_distilling_for_global_boost = input.min_distilling_for_global_boost.flatten();
    t.min_graduated_for_distilling_boost = input.min_graduated_for_distilling_boost.flatten();
    st.audiences.insert(id.clone(), aud);
    json(&CreateAudienceOutput { audience_id: id })
}

/// A live (not deleted) regular audience, or 404.
fn regular<'a>(st: &'a State, id: &str) -> Result<&'a AudienceRec, ApiError> {
    st.audiences
        .get(id)
        .filter(|a| !a.deleted)
        .ok_or_else(|| not_found("Audience", id))
}

/// A live custom audience: 404 if unknown, 400 if it is `global` or curated.
pub(crate) fn custom<'a>(
    st: &'a mut State,
    id: &str,
    what: &str,
) -> Result<&'a mut AudienceRec, ApiError> {
    match st.audiences.get_mut(id).filter(|a| !a.deleted) {
        None if st.filtered.contains_key(id) => Err(ApiError::field(
            "audienceId",
            format!("'{id}' is a filtered audience; {what} needs a regular audience of your own."),
        )),
        None => Err(not_found("Audience", id)),
        Some(a) if a.kind != AudienceKind::Custom => Err(ApiError::field(
            "audienceId",
            format!("The audience '{id}' is not one of your own audiences; {what} is not allowed."),
        )),
        Some(a) => Ok(a),
    }
}

fn audience_output(st: &mut State, c: &Ctx<'_>, id: &str) -> Result<GetAudienceOutput, ApiError> {
    let (base_id, filter) = match st.filtered.get(id) {
        Some(f) => (f.base.clone(), Some(f.filter.clone())),
        None => (id.to_string(), None),
    };
    let aud = regular(st, &base_id)?.clone();
    let view = st.audience_view(c.cfg, c.pool, &base_id, c.now);
    let custom = aud.kind == AudienceKind::Custom;
    Ok(GetAudienceOutput {
        id: id.to_string(),
        base_audience_id: base_id,
        filter,
        name: aud.name.clone(),
        description: aud.description.clone(),
        status: view.status,
        qualified_user_count: view.graduated as i64,
        filters: aud.filters.clone(),
        logo: aud.logo.clone(),
        created_at: iso_time(aud.created_at),
        owner_id: OWNER_ID.into(),
        owner_mail: if custom { OWNER_MAIL } else { RAPIDATA_MAIL }.into(),
        organization_id: ORGANIZATION_ID.into(),
        is_public: !custom,
        is_distilling: custom && view.status == AudienceStatus::Recruiting,
        distilling_campaign_id: aud.distilling_campaign_id.clone(),
        min_graduated_for_distilling_boost: aud.tuning.min_graduated_for_distilling_boost,
        min_distilling_for_global_boost: aud.tuning.min_distilling_for_global_boost,
        graduation_rule: aud.rule.clone(),
        max_distilling_responses: aud.tuning.max_distilling_responses,
        drop_min_responses: aud.tuning.drop_min_responses,
        drop_score: aud.tuning.drop_score,
        max_distilling_sessions: aud.tuning.max_distilling_sessions,
        inactivity_drop_days: aud.tuning.inactivity_drop_days,
        min_submission_rate: aud.tuning.min_submission_rate,
        min_sessions_for_submission_rate: aud.tuning.min_sessions_for_submission_rate,
        min_submission_rate_graduated: aud.tuning.min_submission_rate_graduated,
        distilling_retrieval_mode: aud.retrieval_mode.clone(),
        boost_level: match aud.kind {
            AudienceKind::Global => BoostLevel::Global,
            AudienceKind::Curated => BoostLevel::Stable,
            AudienceKind::Custom if view.status == AudienceStatus::Recruiting => {
                BoostLevel::Distilling
            }
            AudienceKind::Custom => BoostLevel::None,
        },
        random_admission_probability: None,
        health: None,
        graduated: view.graduated as i64,
        dropped: view.dropped as i64,
    })
}

pub(crate) fn get_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    json(&audience_output(st, c, c.param(0))?)
}

pub(crate) fn patch_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    custom(st, &id, "updating it")?;
    let input: UpdateAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        errors.add("name", "'Name' must not be empty.");
    }
    for (i, f) in input.filters.iter().enumerate() {
        check_filter(&mut errors, f, &format!("filters[{i}]"));
    }
    if let Some(rule) = &input.graduation_rule {
        check_rule(&mut errors, rule, "graduationRule");
    }
    let logo = match &input.logo {
        Some(Some(l)) => Some(check_logo(st, &mut errors, l)),
        Some(None) => Some(None),
        None => None,
    };
    errors.done()?;
    // `filters` is a plain list in the spec: absent and empty both leave the filters alone.
    let recalc = !input.filters.is_empty() || input.graduation_rule.is_some();
    let recalculation_id = recalc.then(|| st.new_id(c.cfg).0);
    let aud = custom(st, &id, "updating it")?;
    if let Some(name) = input.name {
        aud.name = name;
    }
    if let Some(d) = input.description {
        aud.description = d;
    }
    if let Some(l) = logo {
        aud.logo = l;
    }
    if !input.filters.is_empty() {
        aud.filters = input.filters;
    }
    if let Some(r) = input.graduation_rule {
        aud.rule = r;
    }
    if let Some(m) = input.distilling_retrieval_mode {
        aud.retrieval_mode = m;
    }
    let t = &mut aud.tuning;
    macro_rules! patch {
        ($($field:ident),*) => { $( if let Some(v) = input.$field { t.$field = v; } )* };
    }
    patch!(
        min_graduated_for_distilling_boost,
        min_distilling_for_global_boost,
        max_distilling_responses,
        drop_min_responses,
        drop_score,
        max_distilling_sessions,
        inactivity_drop_days,
        min_submission_rate,
        min_sessions_for_submission_rate,
        min_submission_rate_graduated
    );
    if recalc {
        aud.version += 1;
    }
    json(&UpdateAudienceOutput {
        recalculation_id,
        inactivity_sync_id: None,
    })
}

pub(crate) fn delete_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if st.filtered.remove(id).is_some() {
        return Ok(Reply::NoContent);
    }
    custom(st, id, "deleting it")?.deleted = true;
    Ok(Reply::NoContent)
}

const AUDIENCE_LIST: ListSpec = ListSpec {
    sorts: &[
        "name",
        "-name",
        "created_at",
        "-created_at",
        "status",
        "-status",
        "qualified_user_count",
        "-qualified_user_count",
    ],
    filters: &[
        "name",
        "status",
        "is_public",
        "is_distilling",
        "owner_mail",
        "created_at",
    ],
    default_sort: "-created_at",
};

/// The `scope` query parameter of the lists (`Owned`, `Shared`, `All`): whether the caller's
/// own entities are listed. Nothing is shared with the sandbox client, so `Shared` lists
/// nothing.
pub(crate) fn owned_in_scope(c: &Ctx<'_>) -> Result<bool, ApiError> {
    match c.query.get("scope") {
        None | Some("Owned") | Some("All") => Ok(true),
        Some("Shared") => Ok(false),
        Some(other) => Err(ApiError::field(
            "scope",
            format!("The value '{other}' is not valid; expected one of: Owned, Shared, All."),
        )),
    }
}

pub(crate) fn list_audiences(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let owned = owned_in_scope(c)?;
    let ids: Vec<String> = st
        .audiences
        .values()
        .filter(|a| owned && !a.deleted && a.kind != AudienceKind::Global)
        .map(|a| a.id.clone())
        .collect();
    let mut rows = Vec::new();
    for id in ids {
        let seq = st.audiences[&id].seq;
        let a = audience_output(st, c, &id)?;
        let fields = vec![
            ("name", a.name.clone()),
            ("status", a.status.as_str().to_string()),
            ("is_public", a.is_public.to_string()),
            ("is_distilling", a.is_distilling.to_string()),
            ("owner_mail", a.owner_mail.clone()),
            ("created_at", a.created_at.clone()),
            ("qualified_user_count", a.qualified_user_count.to_string()),
        ];
        rows.push(Row {
            item: QueryAudiencesItem {
                id: a.id,
                name: a.name,
                description: a.description,
                status: a.status,
                qualified_user_count: a.qualified_user_count,
                filters: a.filters,
                logo: a.logo,
                created_at: a.created_at,
                owner_mail: a.owner_mail,
                organization_id: a.organization_id,
                is_public: a.is_public,
                is_distilling: a.is_distilling,
                graduation_rule: a.graduation_rule,
                random_admission_probability: a.random_admission_probability,
                health: a.health,
                graduated: a.graduated,
                dropped: a.dropped,
                is_shared: false,
            },
            seq,
            fields,
        });
    }
    list(&c.query, &AUDIENCE_LIST, rows)
}

pub(crate) fn filter_audience(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let base = c.param(0).to_string();
    if st.filtered.contains_key(&base) {
        return Err(ApiError::field(
            "baseAudienceId",
            "A filtered audience cannot be the base of another filter.",
        ));
    }
    regular(st, &base)?;
    let input: CreateFilteredAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    check_filter(&mut errors, &input.filter, "filter");
    errors.done()?;
    let (id, _) = st.new_prefixed(c.cfg, "fau_");
    st.filtered.insert(
        id.clone(),
        FilteredRec {
            base,
            filter: input.filter,
        },
    );
    json(&CreateAudienceOutput { audience_id: id })
}

/// `POST /audience/{id}/recruit`: starts recruiting for a custom audience, which the live API
/// refuses while the audience has fewer examples than its graduation rule needs
/// ([`sim::required_examples`]). Built-in and filtered audiences: nothing to do.
pub(crate) fn recruit(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.audience_exists(id) {
        return Err(not_found("Audience", id));
    }
    if let Some(a) = st.audiences.get_mut(id) {
        if a.kind == AudienceKind::Custom && a.recruit_at.is_none() {
            let min = sim::required_examples(&a.rule);
            if a.examples.len() < min {
                return Err(ApiError::Rule {
                    field: "audienceId".into(),
                    message: format!(
                        "The graduation rule needs {min} validation tasks, but the audience only has {}",
                        a.examples.len()
                    ),
                });
            }
            a.recruit_at = Some(c.now);
        }
    }
    Ok(Reply::NoContent)
}

pub(crate) fn user_metrics(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.audience_exists(id) {
        return Err(not_found("Audience", id));
    }
    let mut users_per_state = BTreeMap::new();
    let v = st.audience_view(c.cfg, c.pool, id, c.now);
    if st
        .audiences
        .get(id)
        .is_some_and(|a| a.kind == AudienceKind::Custom)
    {
        users_per_state.insert("Graduated".to_string(), v.graduated as i32);
        users_per_state.insert("Distilling".to_string(), v.distilling as i32);
        users_per_state.insert("Dropped".to_string(), v.dropped as i32);
    }
    // Who can vote now: nobody → None, fewer than 10 → Low.
    let voters = v.eligible.as_ref().map_or(0, Vec::len);
    json(&UserStateMetrics {
        users_per_state,
        capacity: Some(match voters {
            0 => "None",
            1..=9 => "Low",
            _ => "Sufficient",
        }),
    })
}

const AUDIENCE_JOBS_LIST: ListSpec = ListSpec {
    sorts: &[
        "name",
        "-name",
        "created_at",
        "-created_at",
        "status",
        "-status",
    ],
    filters: &["job_id", "name", "definition_id", "status", "created_at"],
    default_sort: "-created_at",
};

pub(crate) fn audience_jobs(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.audience_exists(id) {
        return Err(not_found("Audience", id));
    }
    let rows = st
        .jobs
        .values()
        .filter(|j| j.audience_id == id)
        .map(|j| {
            let state = st.job_state(j);
            let created_at = iso_time(j.created_at);
            Row {
                fields: vec![
                    ("job_id", j.id.clone()),
                    ("name", j.name.clone()),
                    ("definition_id", j.definition_id.clone()),
                    ("status", state.as_str().to_string()),
                    ("created_at", created_at.clone()),
                ],
                seq: j.seq,
                item: AudienceJobItem {
                    job_id: j.id.clone(),
                    name: j.name.clone(),
                    definition_id: j.definition_id.clone(),
                    audience_id: j.audience_id.clone(),
                    revision_number: j.revision,
                    pipeline_id: j.pipeline_id.clone(),
                    state,
                    created_at,
                },
            }
        })
        .collect();
    list(&c.query, &AUDIENCE_JOBS_LIST, rows)
}
