//! Revision saves against a mock server: a conflict whose answer does not name the latest
//! revision, and a 409 without `require_latest`.

use crate::support::mock::MockServerExt;
use httpmock::prelude::*;
use serde_json::{json, Value};

use crate::support as common;

fn revision(number: i32) -> Value {
    common::compare_revision(number, "ds_1")
}

#[test]
fn a_conflict_without_the_latest_number_reads_it() {
    let server = MockServer::start();
    let mut definition = common::definition(&server);
    let mut latest = server.get_job_definition_by_definition_id_revision(|when, then| {
        when.definition_id("jd_1");
        then.status(200).json_value(revision(3));
    });
    let save = server.post_job_definition_by_definition_id_revision(|when, then| {
        when.definition_id("jd_1")
            .and(|w| w.json_body_includes(r#"{"baseRevisionNumber": 3, "requireLatest": true}"#));
        then.status(409)
            .json_value(json!({"title": "Conflict", "status": 409}));
    });
    assert_eq!(definition.revision().unwrap(), 3);
    definition.set_responses_per_datapoint(5).unwrap();
    // Someone saves revision 4 meanwhile; the server's answer names no number.
    latest.delete();
    let latest = server.get_job_definition_by_definition_id_revision(|when, then| {
        when.definition_id("jd_1");
        then.status(200).json_value(revision(4));
    });
    let err = definition.save(true).unwrap_err();
    save.assert_calls(1);
    latest.assert_calls(1);
    let rapidata::Error::RevisionConflict(c) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (c.definition_id(), c.base_revision(), c.latest_revision()),
        ("jd_1", 3, 4)
    );
    assert!(
        err.to_string().contains("revision 4 was saved since"),
        "{err}"
    );
    assert!(definition.has_unsaved_changes());
    // Without require_latest a 409 is the server's error as it came.
    server.post_job_definition_by_definition_id_revision(|when, then| {
        when.definition_id("jd_1")
            .and(|w| w.json_body_includes(r#"{"requireLatest": false}"#));
        then.status(409)
            .json_value(json!({"title": "Conflict", "status": 409}));
    });
    let err = definition.save(false).unwrap_err();
    assert_eq!(err.status(), Some(409));
    assert!(matches!(err, rapidata::Error::Api(_)), "{err:?}");
}
