//! Typed answers shared by the mock tests, built with the generated constructors (required
//! fields only; the rest `None`), for the typed mock helpers' `then.ok(..)`.

use rapidata::api::types::{
    AudienceJobState, DefinitionType, GetJobByIdEndpointOutput, GetJobDefinitionByIdEndpointOutput,
};

/// When every fixture was created.
pub const CREATED_AT: &str = "2026-07-13T11:07:53.577348+00:00";
/// The owner of every fixture.
pub const OWNER_ID: &str = "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11";

/// Compare definition `id` called `name`, private, of organisation `org_1`.
pub fn definition(id: &str, name: &str) -> GetJobDefinitionByIdEndpointOutput {
    GetJobDefinitionByIdEndpointOutput::new(
        CREATED_AT.into(),
        id.into(),
        DefinitionType::Compare,
        false,
        name.into(),
        "org_1".into(),
        OWNER_ID.into(),
        "me@example.com".into(),
    )
}

/// Job `job_1` "Prompt alignment:1" of definition `jd_1` on audience `aud_1`, in `state`.
pub fn job(state: AudienceJobState) -> GetJobByIdEndpointOutput {
    GetJobByIdEndpointOutput::new(
        false,
        "aud_1".into(),
        CREATED_AT.into(),
        "jd_1".into(),
        false,
        "job_1".into(),
        "Prompt alignment:1".into(),
        "org_1".into(),
        OWNER_ID.into(),
        "me@example.com".into(),
        "pl_1".into(),
        1,
        state,
    )
}

/// [`job`] as the JSON a test feeds to a hand-written responder; `state` is the wire name
/// (an unknown one stays as given).
pub fn job_json(state: &str) -> serde_json::Value {
    let state = state.parse().expect("AudienceJobState parses any string");
    serde_json::to_value(job(state)).expect("models serialize")
}
