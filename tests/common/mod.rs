//! Fixtures shared by the audience test files: a client pointed at an httpmock server
//! with a static token, and an `Audience` handle read from a mocked `GET /audience/aud_1`.

#[allow(dead_code)] // used by the sandbox test files only
pub mod sandbox;

use httpmock::prelude::*;
use rapidata::{Audience, Client};
use serde_json::json;

/// A client for `server`: static token, no environment, no retries.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .token("test-token")
        .env_lookup(|_| None)
        .max_attempts(1)
        .build()
        .unwrap()
}

/// The handle of audience `aud_1`, fetched through a mock that is removed afterwards, so
/// the server holds no mocks of its own when the test goes on.
#[allow(dead_code)] // not every test file that includes this module needs it
pub fn audience(server: &MockServer) -> Audience {
    let mut get = server.mock(|when, then| {
        when.method(GET).path("/audience/aud_1");
        then.status(200).json_body(json!({
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
    let mut get = server.mock(|when, then| {
        when.method(GET).path("/job/definition/jd_1");
        then.status(200).json_body(json!({
            "definitionId": "jd_1", "name": "Prompt alignment", "definitionType": "Compare",
            "isPublic": false, "createdAt": "2026-07-13T11:07:53+00:00",
            "ownerId": "7d1f7c4e-2b8a-4a39-9f0e-0d5f3f1d2c11", "ownerMail": "me@example.com",
            "organizationId": "org_1"}));
    });
    let definition = client(server)
        .job()
        .get_job_definition_by_id("jd_1")
        .unwrap();
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
