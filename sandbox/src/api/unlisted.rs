//! Unlisted audiences (`POST /audience/unlisted`, `GET /audience/unlisted/{id}`, ids
//! `ula_…`): created and read. Who comes through their link is simulated in
//! [`crate::store::unlisted`].

use serde::Serialize;

use crate::api_types::CreateUnlistedAudienceEndpointInput;
use crate::exchange::{json, ApiError, Ctx, Reply};
use crate::store::unlisted::UnlistedRec;
use crate::store::{State, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL};
use crate::util::iso_time;

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
    st.unlisted
        .insert(id.clone(), UnlistedRec::new(input.name, created_at));
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
