//! Fixtures shared by the test modules: a client pointed at an httpmock server with a
//! static token, and an `Audience` handle read from a mocked `GET /audience/aud_1`;
//! `sandbox` and `sandboxed` for the modules that run against the offline sandbox.

pub mod clock;
pub mod losing_proxy;
pub mod mock;
pub mod models;
#[allow(dead_code)] // used by the sandbox test modules only
pub mod sandbox;
pub mod sandboxed;
pub mod script;

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use rapidata::{Audience, Client, ClientBuilder};
use serde_json::json;

/// The dashboard the mock clients link to.
pub const APP_URL: &str = "https://app.rapidata.ai";

/// The builder of [`client`], for a test that needs one more option.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .app_url(APP_URL)
        .token("test-token")
        .env_lookup(|_| None)
        .max_attempts(1)
}

/// A client for `server`: static token, no environment, no retries, links to [`APP_URL`].
pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// The handle of audience `aud_1`, fetched through a mock that is removed afterwards, so
/// the server holds no mocks of its own when the test goes on.
#[allow(dead_code)] // not every test file that includes this module needs it
pub fn audience(server: &MockServer) -> Audience {
    // JSON: the graduation rule is a union, whose generated shape this fixture leaves alone.
    let mut get = server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.json_value(json!({
            "id": "aud_1", "baseAudienceId": "aud_1", "name": "A", "status": "Created",
            "qualifiedUserCount": 0, "filters": [], "createdAt": "2026-07-13T11:07:53+00:00",
            "ownerId": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11", "ownerMail": "me@example.com",
            "organizationId": "org_1", "isPublic": false, "isDistilling": false,
            "distillingCampaignId": "c", "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.75, "minTasks": 10},
            "distillingRetrievalMode": "Random", "boostLevel": "None"}));
    });
    let audience = client(server)
        .audience()
        .get_audience_by_id("aud_1")
        .unwrap();
    get.assert();
    get.delete();
    audience
}

/// The handle of job definition `jd_1`, fetched through a mock that is removed afterwards.
#[allow(dead_code)] // not every test file that includes this module needs it
pub fn definition(server: &MockServer) -> rapidata::JobDefinition {
    definition_of(&client(server), server)
}

/// [`definition`] read through `client` (a client for `server` with options of its own).
#[allow(dead_code)] // not every test file that includes this module needs it
pub fn definition_of(client: &Client, server: &MockServer) -> rapidata::JobDefinition {
    let mut get = server.get_job_definition_by_definition_id(|when, then| {
        when.definition_id("jd_1");
        then.ok(&models::definition("jd_1", "Prompt alignment"));
    });
    let definition = client.job().get_job_definition_by_id("jd_1").unwrap();
    get.assert();
    get.delete();
    definition
}

/// Revision `number` of the text compare definition `jd_1` on dataset `dataset_id`, as
/// `GET /job/definition/jd_1/revision[/{n}]` answers it.
#[allow(dead_code)] // not every test file that includes this module needs it
pub fn compare_revision(number: i32, dataset_id: &str) -> serde_json::Value {
    let workflow = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Compare",
        "criteria": {"literal": "Which?"}, "asset": {"segment": "asset"}}});
    revision_with(number, dataset_id, workflow)
}

/// Revision `number` of definition `jd_1` on dataset `dataset_id` with `workflow`.
#[allow(dead_code)]
pub fn revision_with(
    number: i32,
    dataset_id: &str,
    workflow: serde_json::Value,
) -> serde_json::Value {
    json!({
        "definitionId": "jd_1", "revisionNumber": number, "state": "Completed",
        "pipelineId": "pl_1", "datasetId": dataset_id,
        "workflow": workflow,
        "referee": {"_t": "NaiveReferee", "totalVotes": 3},
        "featureFlags": [], "campaignFeatureFlags": [],
        "createdAt": "2026-07-13T11:07:53+00:00",
        "createdById": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11", "createdByMail": "me@example.com"
    })
}
