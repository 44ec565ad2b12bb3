//! The generated helpers against the real client: each mock matches the request it speaks
//! for and nothing else (another path parameter, body or query value goes unanswered:
//! httpmock then answers 404).

use httpmock::MockServer;
use rapidata::api::operations::{
    DeleteAudienceByAudienceId, GetAudienceByAudienceId, GetAudiences, PatchAudienceByAudienceId,
    PostAudience,
};
use rapidata::api::types::{
    CreateAudienceEndpointInput, CreateAudienceEndpointOutput, UpdateAudienceEndpointInput,
    UpdateAudienceEndpointOutput,
};
use rapidata::{Client, Error};

use crate::support::mock::MockServerExt;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_url(server.base_url())
        .auth_url(server.base_url())
        .token("test-token")
        .env_lookup(|_| None)
        .max_attempts(1)
        .build()
        .unwrap()
}

/// The status of an API error (httpmock's 404 for a request no mock matched).
fn status(e: Error) -> u16 {
    e.status()
        .unwrap_or_else(|| panic!("expected an API error, got {e:?}"))
}

fn renamed(name: &str) -> UpdateAudienceEndpointInput {
    UpdateAudienceEndpointInput {
        name: Some(name.to_owned()),
        ..UpdateAudienceEndpointInput::new()
    }
}

#[test]
fn a_typed_body_and_answer_round_trip_through_the_client() {
    let server = MockServer::start();
    let input = CreateAudienceEndpointInput {
        description: Some(Some("Cat people".into())),
        ..CreateAudienceEndpointInput::new("Cats".into())
    };
    let mock = server.post_audience(|when, then| {
        when.body(&input);
        then.ok(&CreateAudienceEndpointOutput::new("aud_9".into()));
    });
    let out = client(&server).send(&PostAudience::new(input)).unwrap();
    assert_eq!(out.audience_id, "aud_9");
    mock.assert();
}

#[test]
fn another_body_does_not_match() {
    let server = MockServer::start();
    let mock = server.patch_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1").body(&renamed("A"));
        then.ok(&UpdateAudienceEndpointOutput::new());
    });
    let c = client(&server);
    let e = c
        .send(&PatchAudienceByAudienceId::new("aud_1", renamed("B")))
        .unwrap_err();
    assert_eq!(status(e), 404);
    assert_eq!(mock.calls(), 0);
    c.send(&PatchAudienceByAudienceId::new("aud_1", renamed("A")))
        .unwrap();
    mock.assert();
}

#[test]
fn another_path_parameter_does_not_match() {
    let server = MockServer::start();
    let mock = server.delete_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.ok();
    });
    let c = client(&server);
    let e = c
        .send(&DeleteAudienceByAudienceId::new("aud_10"))
        .unwrap_err();
    assert_eq!(status(e), 404, "a longer id is another segment");
    assert_eq!(mock.calls(), 0);
    c.send(&DeleteAudienceByAudienceId::new("aud_1")).unwrap();
    mock.assert();
}

#[test]
fn without_a_path_parameter_set_any_one_segment_matches() {
    let server = MockServer::start();
    let mock = server.delete_audience_by_audience_id(|_, then| {
        then.ok();
    });
    let c = client(&server);
    c.send(&DeleteAudienceByAudienceId::new("aud_1")).unwrap();
    c.send(&DeleteAudienceByAudienceId::new("aud_2")).unwrap();
    mock.assert_calls(2);
    // Another operation on a longer path is not this one.
    let e = c.send(&GetAudienceByAudienceId::new("aud_1")).unwrap_err();
    assert_eq!(status(e), 404);
}

#[test]
fn path_parameters_match_as_the_client_encodes_them() {
    let server = MockServer::start();
    let mock = server.delete_audience_by_audience_id(|when, then| {
        when.audience_id("a b.c");
        then.ok();
    });
    let c = client(&server);
    c.send(&DeleteAudienceByAudienceId::new("a b.c")).unwrap();
    mock.assert();
    // `.` is a literal in the pattern, not "any character".
    let e = c
        .send(&DeleteAudienceByAudienceId::new("a bxc"))
        .unwrap_err();
    assert_eq!(status(e), 404);
}

#[test]
fn query_parameters_are_typed_and_matched() {
    let server = MockServer::start();
    let mock = server.get_audiences(|when, then| {
        when.page(2).page_size(50);
        then.json_value(serde_json::json!({"items": [], "page": 2, "pageSize": 50, "totalCount": 0, "totalPages": 0}));
    });
    let c = client(&server);
    let wrong = GetAudiences {
        page: Some(3),
        page_size: Some(50),
        ..GetAudiences::new()
    };
    assert_eq!(status(c.send(&wrong).unwrap_err()), 404);
    let right = GetAudiences {
        page: Some(2),
        ..wrong
    };
    let _ = c.send(&right);
    mock.assert();
}

#[test]
fn json_value_sends_what_the_output_type_cannot_express() {
    let server = MockServer::start();
    server.post_audience(|_, then| {
        // Deliberately malformed: the id is a number.
        then.json_value(serde_json::json!({"audienceId": 7}));
    });
    let e = client(&server)
        .send(&PostAudience::new(CreateAudienceEndpointInput::new(
            "Cats".into(),
        )))
        .unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e:?}");
}

#[test]
fn status_and_json_value_make_an_error_answer() {
    let server = MockServer::start();
    server.get_audience_by_audience_id(|when, then| {
        when.audience_id("aud_1");
        then.status(409)
            .json_value(serde_json::json!({"title": "Conflict", "status": 409}));
    });
    let e = client(&server)
        .send(&GetAudienceByAudienceId::new("aud_1"))
        .unwrap_err();
    assert_eq!(status(e), 409);
}
