//! 400 ValidationProblemDetails for malformed and invalid bodies; 404 ProblemDetails.

mod common;

use common::{asset_segment, compare_workflow, datapoint, existing, pair, Api, INSTRUCTION};
use rapidata_sandbox::Sandbox;
use serde_json::{json, Value};

/// Asserts a ValidationProblemDetails naming `field`; returns its messages.
fn assert_400(r: &common::Resp, field: &str) -> Vec<String> {
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json["title"], "One or more validation errors occurred.");
    assert_eq!(r.json["status"], 400);
    assert!(r.json["type"].is_string());
    let trace = r.json["traceId"].as_str().unwrap();
    let parts: Vec<&str> = trace.split('-').collect();
    assert_eq!(parts.len(), 4, "{trace}");
    assert_eq!(
        (parts[0], parts[1].len(), parts[2].len(), parts[3]),
        ("00", 32, 16, "00")
    );
    assert_eq!(parts[1], r.trace.as_deref().unwrap());
    let errors = r.json["errors"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no error for {field}: {}", r.text));
    errors
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn malformed_json_missing_fields_and_wrong_types() {
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);
    assert_400(&api.post_raw("/audience", "{\"name\": "), "$");
    assert_400(&api.post_raw("/audience", ""), "$");
    assert_400(&api.post("/audience", &json!({"filters": []})), "name");
    assert_400(&api.post("/audience", &json!({"name": 5})), "name");
    assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": "high", "minTasks": 3}}),
        ),
        "graduationRule.targetAccuracy",
    );
    assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.8}}),
        ),
        "graduationRule.minTasks",
    );
    // Nested recursion keeps the path.
    assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "filters": [{"_t": "AndFilter", "filters": [
                {"_t": "NotFilter", "filter": {"_t": "LanguageFilter", "languages": [7]}}]}]}),
        ),
        "filters[0].filters[0].filter.languages[0]",
    );
    // Semantic: country codes.
    assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "filters": [{"_t": "CountryFilter", "countries": ["usa"]}]}),
        ),
        "filters[0].countries[0]",
    );
    // Wrong content type → 415.
    let r = api
        .agent
        .post(format!("{}/audience", sb.url()))
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Content-Type", "text/plain")
        .send("{\"name\":\"x\"}")
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
}

#[test]
fn unknown_or_missing_discriminators() {
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);
    let msgs = assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "filters": [{"_t": "PlanetFilter", "planets": []}]}),
        ),
        "filters[0]._t",
    );
    assert!(msgs[0].contains("PlanetFilter"), "{msgs:?}");
    assert!(msgs[0].contains("CountryFilter"), "{msgs:?}");
    assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "filters": [{"countries": ["US"]}]}),
        ),
        "filters[0]._t",
    );
    let r = api.post("/dataset", &json!({"name": "d"}));
    let ds = r.json["datasetId"].as_str().unwrap().to_string();
    assert_400(
        &api.post(
            &format!("/dataset/{ds}/datapoint"),
            &json!({"segments": [asset_segment(json!({"_t": "MultiAssetInput", "assets": [{"_t": "ImageAssetInput", "name": "a"}]}))]}),
        ),
        "segments[0].asset.assets[0]._t",
    );
    assert_400(
        &api.post(
            "/job/definition",
            &json!({"definitionName": "d", "datasetId": ds,
                    "workflow": compare_workflow("c"),
                    "referee": {"_t": "MajorityReferee", "totalVotes": 3}}),
        ),
        "referee._t",
    );
}

#[test]
fn unknown_enum_values_and_absent_required_nullables() {
    // The generated models accept unknown enum values (open enums) and fill an absent
    // required nullable field with null; the server rejects both, as the real API does.
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);
    let msgs = assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "distillingRetrievalMode": "Backwards"}),
        ),
        "distillingRetrievalMode",
    );
    assert!(
        msgs[0].contains("Backwards") && msgs[0].contains("Shuffled"),
        "{msgs:?}"
    );
    assert_400(
        &api.post(
            "/audience",
            &json!({"name": "x", "filters": [{"_t": "NotFilter", "filter":
                {"_t": "DeviceFilter", "deviceTypes": ["Phone", "Laptop"]}}]}),
        ),
        "filters[0].filter.deviceTypes[1]",
    );
    let a = api.upload_url("https://example.com/a.jpg");
    let r = api.post("/dataset", &json!({"name": "d"}));
    let ds = r.json["datasetId"].as_str().unwrap().to_string();
    let asset = |metadata: Value| json!({"segments": [asset_segment(json!({"_t": "ExistingAssetInput", "name": a, "metadata": metadata}))]});
    assert_400(
        &api.post(
            &format!("/dataset/{ds}/datapoint"),
            &asset(json!({"k": {"_t": "TextMetadataInput", "visibilities": ["All"]}})),
        ),
        "segments[0].asset.metadata.k.text",
    );
    assert_400(
        &api.post(
            &format!("/dataset/{ds}/datapoint"),
            &asset(json!({"k": {"_t": "TextMetadataInput", "text": "t", "visibilities": ["Everyone"]}})),
        ),
        "segments[0].asset.metadata.k.visibilities[0]",
    );
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &asset(json!({"k": {"_t": "TextMetadataInput", "text": null, "visibilities": ["Users", "All"]}})),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_400(
        &api.post(
            "/job/definition",
            &json!({"definitionName": "d", "datasetId": ds, "aggregatorType": "Median",
                    "workflow": compare_workflow("c"),
                    "referee": {"_t": "NaiveReferee", "totalVotes": 3}}),
        ),
        "aggregatorType",
    );
}

#[test]
fn semantic_violations() {
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);
    let a = api.upload_url("https://example.com/a.jpg");
    let b = api.upload_url("https://example.com/b.jpg");
    let aud = api.post("/audience", &json!({"name": "a"})).json["audienceId"]
        .as_str()
        .unwrap()
        .to_string();
    let example = |truth: &str, criteria: &str| {
        json!({
            "asset": pair(&a, &b),
            "payload": {"_t": "CompareExamplePayload", "criteria": criteria},
            "truth": {"_t": "CompareExampleTruth", "winnerId": truth},
            "randomCorrectProbability": 0.5, "explanation": null, "context": null, "featureFlags": null
        })
    };
    let msgs = assert_400(
        &api.post(
            &format!("/audience/{aud}/example"),
            &example("https://example.com/a.jpg", INSTRUCTION),
        ),
        "truth.winnerId",
    );
    assert!(msgs[0].contains("not one of"), "{msgs:?}");
    assert_400(
        &api.post(
            &format!("/audience/{aud}/example"),
            &example(&a, &"x".repeat(251)),
        ),
        "payload.criteria",
    );
    // Unknown asset names are rejected.
    assert_400(
        &api.post(
            &format!("/audience/{aud}/example"),
            &json!({"asset": pair(&a, "nope.jpg"),
                    "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
                    "truth": {"_t": "CompareExampleTruth", "winnerId": a},
                    "randomCorrectProbability": 0.5}),
        ),
        "asset.assets[1].name",
    );
    // Classification truth must be among the categories.
    assert_400(
        &api.post(
            &format!("/audience/{aud}/example"),
            &json!({"asset": {"_t": "TextAssetInput", "text": "The sky is green."},
                    "payload": {"_t": "ClassifyExamplePayload", "title": "True?",
                                "categories": [{"label": "True", "value": "True"}, {"label": "False", "value": "False"}]},
                    "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["Maybe"]},
                    "randomCorrectProbability": 0.5}),
        ),
        "truth.correctCategories[0]",
    );
    // Truth kind must match the payload kind.
    assert_400(
        &api.post(
            &format!("/audience/{aud}/example"),
            &json!({"asset": pair(&a, &b),
                    "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
                    "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["x"]},
                    "randomCorrectProbability": 0.5}),
        ),
        "truth._t",
    );
    assert_eq!(sb.stats().audiences[&aud].examples, 0);

    let ds = api.post("/dataset", &json!({"name": "d"})).json["datasetId"]
        .as_str()
        .unwrap()
        .to_string();
    let msgs = assert_400(
        &api.post(
            &format!("/dataset/{ds}/datapoint"),
            &datapoint(pair(&a, &b), Some(&"c".repeat(401)), 0),
        ),
        "segments[1].text",
    );
    assert!(msgs[0].contains("400"), "{msgs:?}");
    assert_eq!(
        api.post(
            &format!("/dataset/{ds}/datapoint"),
            &datapoint(pair(&a, &b), Some(&"c".repeat(400)), 0),
        )
        .status,
        200
    );
    // Definition: instruction too long; compare needs 2-asset datapoints.
    let def = |criteria: &str, ds: &str| {
        json!({"definitionName": "d", "datasetId": ds,
               "workflow": compare_workflow(criteria),
               "referee": {"_t": "NaiveReferee", "totalVotes": 3}})
    };
    assert_400(
        &api.post("/job/definition", &def(&"y".repeat(251), &ds)),
        "workflow.rapid.criteria.literal",
    );
    let single = api.post("/dataset", &json!({"name": "single"})).json["datasetId"]
        .as_str()
        .unwrap()
        .to_string();
    api.post(
        &format!("/dataset/{single}/datapoint"),
        &json!({"segments": [asset_segment(existing(&a))]}),
    );
    assert_400(
        &api.post("/job/definition", &def("ok", &single)),
        "datasetId",
    );
    let r = api.post(
        "/job/definition",
        &json!({"definitionName": "d", "datasetId": ds,
                "workflow": compare_workflow("c"),
                "referee": {"_t": "QuorumReferee", "maxVotes": 3, "threshold": 5}}),
    );
    assert_400(&r, "referee.threshold");
}

#[test]
fn unknown_ids_are_404_problem_details() {
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);
    for path in [
        "/audience/aud_missing",
        "/audience/aud_missing/user-metrics",
        "/dataset/0000/progress",
        "/job/definition/0000",
        "/job/0000",
        "/job/0000/progress",
        "/asset/batch-upload/0000",
    ] {
        let r = api.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.text);
        assert_eq!(r.json["status"], 404);
        assert_eq!(r.json["title"], "Not Found");
        assert!(
            r.json["detail"].as_str().unwrap().contains("0000") || path.contains("aud_missing")
        );
        assert!(r.json["traceId"].as_str().unwrap().starts_with("00-"));
    }
    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": "nope", "audienceId": "global", "checkForExplicitContent": null}),
    );
    assert_eq!(r.status, 404);
    // No such path: 404 without a body; wrong method: 405.
    let r = api.get("/audiencez");
    assert_eq!((r.status, r.text.as_str()), (404, ""));
    assert_eq!(api.delete("/audiences").status, 405);
    assert_eq!(Value::Null, api.get("/nowhere").json);
}
