//! Validation sets (`/validation-set…`): created empty, read, listed, renamed, given score
//! dimensions and flags, deleted. A job definition revision may pin one
//! (`validationSetId`); pinning an id that does not exist is refused with 404, and a set
//! pinned by a revision cannot be deleted (409).
//!
//! The sandbox holds no validation tasks (adding rapids is not simulated), so a set is
//! listed with empty asset types, modalities and prompt types.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Serialize;

use crate::api_types::{CreateValidationSetEndpointInput, UpdateValidationSetEndpointInput};
use crate::app::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::store::{State, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL};
use crate::util::iso_time;

/// A validation set.
#[derive(Debug, Clone)]
pub(crate) struct ValidationSetRec {
    seq: u64,
    name: String,
    dimensions: Vec<String>,
    should_alert: bool,
    is_public: bool,
    flag_overruled: bool,
    created_at: SystemTime,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutput {
    validation_set_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetOutput {
    id: String,
    name: String,
    is_public: bool,
    owner_mail: &'static str,
    organization_id: &'static str,
    owner_id: &'static str,
    dimensions: Vec<String>,
    created_at: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    id: String,
    name: String,
    asset_type: Vec<String>,
    modality: Vec<String>,
    prompt_type: Vec<String>,
    dimensions: Option<Vec<String>>,
    is_public: bool,
    owner_id: &'static str,
    owner_mail: &'static str,
    organization_id: &'static str,
    created_at: String,
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("Validation set '{id}' was not found."))
}

/// Whether validation set `id` exists (for pinning it on a revision).
pub(crate) fn exists(st: &State, id: &str) -> bool {
    st.validation_sets.contains_key(id)
}

/// The refusal of pinning a validation set that does not exist.
pub(crate) fn unknown(id: &str) -> ApiError {
    not_found(id)
}

/// `POST /validation-set`.
pub(crate) fn create(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateValidationSetEndpointInput = c.body()?;
    if input.name.trim().is_empty() {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }
    let (id, seq) = st.new_id(c.cfg);
    let created_at = st.system_at(c.now);
    st.validation_sets.insert(
        id.clone(),
        ValidationSetRec {
            seq,
            name: input.name,
            dimensions: Vec::new(),
            should_alert: true,
            is_public: false,
            flag_overruled: false,
            created_at,
        },
    );
    json(&CreateOutput {
        validation_set_id: id,
    })
}

/// `GET /validation-set/{id}`.
pub(crate) fn get(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let v = st.validation_sets.get(id).ok_or_else(|| not_found(id))?;
    json(&GetOutput {
        id: id.to_string(),
        name: v.name.clone(),
        is_public: v.is_public,
        owner_mail: OWNER_MAIL,
        organization_id: ORGANIZATION_ID,
        owner_id: OWNER_ID,
        dimensions: v.dimensions.clone(),
        created_at: iso_time(v.created_at),
    })
}

/// `PATCH /validation-set/{id}`: every member given replaces the stored one.
pub(crate) fn patch(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let input: UpdateValidationSetEndpointInput = c.body()?;
    // (The model cannot tell `"dimensions": []`, which clears them, from no member.)
    let raw: serde_json::Value = serde_json::from_slice(&c.req.body).unwrap_or_default();
    let dimensions = raw.get("dimensions").map(|_| input.dimensions.clone());
    if input.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }
    let v = st
        .validation_sets
        .get_mut(&id)
        .ok_or_else(|| not_found(&id))?;
    if let Some(name) = input.name {
        v.name = name;
    }
    if let Some(dimensions) = dimensions {
        v.dimensions = dimensions;
    }
    if let Some(alert) = input.should_alert {
        v.should_alert = alert;
    }
    if let Some(public) = input.is_public {
        v.is_public = public;
    }
    if let Some(overruled) = input.is_flag_overruled {
        v.flag_overruled = overruled;
    }
    Ok(Reply::NoContent)
}

/// `DELETE /validation-set/{id}`; 409 while a revision pins it.
pub(crate) fn delete(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.validation_sets.contains_key(id) {
        return Err(not_found(id));
    }
    let pinned_by = st.definitions.values().find(|d| {
        d.revisions
            .iter()
            .any(|r| r.validation_set_id.as_deref() == Some(id))
    });
    if let Some(d) = pinned_by {
        return Err(ApiError::Conflict(format!(
            "Validation set '{id}' is pinned by job definition '{}'.",
            d.id
        )));
    }
    st.validation_sets.remove(id);
    Ok(Reply::NoContent)
}

const VALIDATION_SET_LIST: ListSpec = ListSpec {
    sorts: &["name", "-name", "created_at", "-created_at"],
    filters: &["id", "name", "is_public", "owner_mail", "created_at"],
    default_sort: "-created_at",
};

/// `GET /validation-sets`.
pub(crate) fn list_sets(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let rows = st
        .validation_sets
        .iter()
        .map(|(id, v)| {
            let created_at = iso_time(v.created_at);
            Row {
                fields: vec![
                    ("id", id.clone()),
                    ("name", v.name.clone()),
                    ("is_public", v.is_public.to_string()),
                    ("owner_mail", OWNER_MAIL.to_string()),
                    ("created_at", created_at.clone()),
                ],
                seq: v.seq,
                item: ListItem {
                    id: id.clone(),
                    name: v.name.clone(),
                    asset_type: Vec::new(),
                    modality: Vec::new(),
                    prompt_type: Vec::new(),
                    dimensions: Some(v.dimensions.clone()),
                    is_public: v.is_public,
                    owner_id: OWNER_ID,
                    owner_mail: OWNER_MAIL,
                    organization_id: ORGANIZATION_ID,
                    created_at,
                },
            }
        })
        .collect();
    list(&c.query, &VALIDATION_SET_LIST, rows)
}

/// Validation sets by id.
pub(crate) type ValidationSets = BTreeMap<String, ValidationSetRec>;
