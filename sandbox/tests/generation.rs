//! API 2026.10.25: `rapid` specs with bindings, datapoints as segments, per-datapoint answer
//! options, `responseCount`; the previous generation's shapes are refused.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const GENERATION: &str = "in API 2026.10.25";

/// Asserts a 400 whose error for `field` says it is not a property (of `model`, if given).
fn assert_not_a_property(r: &Resp, field: &str, model: Option<&str>) {
    assert_eq!(r.status, 400, "{}", r.text);
    let m = r.json["errors"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no error for {field}: {}", r.text));
    let name = field.rsplit('.').next().unwrap();
    assert!(
        m.starts_with(&format!("'{name}' is not a property of ")),
        "{m}"
    );
    assert!(m.ends_with(GENERATION), "{m}");
    if let Some(model) = model {
        assert_eq!(
            m,
            format!("'{name}' is not a property of {model} {GENERATION}")
        );
    }
}

fn dataset(api: &Api, schema: Value) -> String {
    let r = api.post("/dataset", &json!({"name": "gen", "schema": schema}));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["datasetId"].as_str().unwrap().to_string()
}

fn definition(api: &Api, ds: &str, workflow: Value, votes: i32) -> Resp {
    api.post(
        "/job/definition",
        &json!({"definitionName": "gen", "datasetId": ds, "workflow": workflow,
                "referee": {"_t": "NaiveReferee", "totalVotes": votes}}),
    )
}

#[test]
fn the_previous_generation_shapes_are_refused() {
    assert_eq!(rapidata_sandbox::API_GENERATION, "2026.10.25");
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let (a, b) = (
        api.upload_url("https://o.example/a.jpg"),
        api.upload_url("https://o.example/b.jpg"),
    );
    let ds = dataset(&api, Value::Null);

    // A datapoint's flat fields.
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &json!({"asset": pair(&a, &b), "sortIndex": 0}),
    );
    assert_not_a_property(&r, "asset", None);
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &json!({"segments": [asset_segment(pair(&a, &b))], "context": "A prompt", "sortIndex": 0}),
    );
    assert_not_a_property(&r, "context", None);
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &json!({"segments": [asset_segment(pair(&a, &b))], "contextAsset": existing(&a)}),
    );
    assert_not_a_property(&r, "contextAsset", None);
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &json!({"segments": [asset_segment(pair(&a, &b))], "transcription": null}),
    );
    assert_not_a_property(&r, "transcription", None);
    let r = api.post(
        &format!("/dataset/{ds}/group"),
        &json!({"group": "g", "context": "x"}),
    );
    assert_not_a_property(&r, "context", None);
    assert_eq!(sb.stats().datasets[&ds].datapoints, 0);

    // A workflow's blueprint, with or without a rapid next to it.
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &datapoint(pair(&a, &b), None, 0),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let old = json!({"_t": "SimpleWorkflow",
                     "blueprint": {"_t": "CompareBlueprint", "criteria": "Better?", "indexIdentifiers": null}});
    assert_not_a_property(
        &definition(&api, &ds, old.clone(), 3),
        "workflow.blueprint",
        Some("SimpleWorkflow"),
    );
    let mut both = compare_workflow("Better?");
    both["blueprint"] = old["blueprint"].clone();
    assert_not_a_property(
        &definition(&api, &ds, both, 3),
        "workflow.blueprint",
        Some("SimpleWorkflow"),
    );
    // The same in a revision.
    let r = definition(&api, &ds, compare_workflow("Better?"), 3);
    assert_eq!(r.status, 200, "{}", r.text);
    let def = r.json["definitionId"].as_str().unwrap().to_string();
    let r = api.post(
        &format!("/job/definition/{def}/revision"),
        &json!({"workflow": old, "referee": {"_t": "NaiveReferee", "totalVotes": 3}}),
    );
    assert_not_a_property(&r, "workflow.blueprint", Some("SimpleWorkflow"));
    // An old rapid field inside a new spec.
    let mut spec = compare_workflow("Better?");
    spec["rapid"]["contextAsset"] = json!({"segment": "context_asset"});
    assert_not_a_property(
        &definition(&api, &ds, spec, 3),
        "workflow.rapid.contextAsset",
        Some("Compare"),
    );
}

#[test]
fn segments_follow_the_schema() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let a = api.upload_url("https://s.example/a.jpg");
    let default = dataset(&api, Value::Null);
    let post = |ds: &str, segments: Value| {
        api.post(
            &format!("/dataset/{ds}/datapoint"),
            &json!({"segments": segments, "sortIndex": 0}),
        )
    };
    let error = |r: &Resp, field: &str| -> String {
        assert_eq!(r.status, 400, "{}", r.text);
        r.json["errors"][field][0]
            .as_str()
            .unwrap_or_else(|| panic!("no error for {field}: {}", r.text))
            .to_string()
    };
    // Default schema: asset (required), context (Text ≤ 400), context_asset.
    let m = error(&post(&default, json!([context_segment("x")])), "segments");
    assert!(m.contains("'asset'") && m.contains("required"), "{m}");
    let m = error(
        &post(
            &default,
            json!([asset_segment(existing(&a)), options_segment(&["A", "B"])]),
        ),
        "segments[1].key",
    );
    assert!(m.contains("answer_options"), "{m}");
    let m = error(
        &post(
            &default,
            json!([{"key": "asset", "kind": "Text", "text": "hello"}]),
        ),
        "segments[0].kind",
    );
    assert!(m.contains("Asset"), "{m}");
    error(
        &post(&default, json!([{"key": "asset", "kind": "Asset"}])),
        "segments[0].asset",
    );
    error(
        &post(
            &default,
            json!([asset_segment(existing(&a)), asset_segment(existing(&a))]),
        ),
        "segments[1].key",
    );
    error(
        &post(&default, json!([asset_segment(existing("nope.jpg"))])),
        "segments[0].asset.name",
    );
    let r = post(
        &default,
        json!([asset_segment(existing(&a)), context_segment("c"),
               {"key": "context_asset", "kind": "Asset", "asset": existing(&a)}]),
    );
    assert_eq!(r.status, 200, "{}", r.text);

    // A classification schema: answer_options required, 2–8 unique options.
    let ds = dataset(&api, classify_schema());
    error(&post(&ds, json!([asset_segment(existing(&a))])), "segments");
    for bad in [vec!["Only"], (0..9).map(|_| "x").collect::<Vec<_>>()] {
        error(
            &post(
                &ds,
                json!([asset_segment(existing(&a)), options_segment(&bad)]),
            ),
            "segments[1].options",
        );
    }
    let m = error(
        &post(
            &ds,
            json!([
                asset_segment(existing(&a)),
                options_segment(&["Yes", "Yes"])
            ]),
        ),
        "segments[1].options",
    );
    assert!(m.contains("unique"), "{m}");
    let r = post(
        &ds,
        json!([asset_segment(existing(&a)), options_segment(&["Yes", "No"])]),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(sb.stats().datasets[&ds].datapoints, 1);

    // Schema definitions themselves.
    let r = api.post(
        "/dataset",
        &json!({"name": "bad", "schema": [{"key": "asset", "kind": "Asset", "required": true},
                                          {"key": "asset", "kind": "Text", "required": false}]}),
    );
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json["errors"]["schema[1].key"].is_array(), "{}", r.text);

    // Groups take segments.
    let r = api.post(
        &format!("/dataset/{default}/group"),
        &json!({"group": "g1", "segments": [context_segment("shared")]}),
    );
    assert_eq!(r.status, 204, "{}", r.text);
}

#[test]
fn bindings_refer_to_the_schema() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let (a, b) = (
        api.upload_url("https://b.example/a.jpg"),
        api.upload_url("https://b.example/b.jpg"),
    );
    let ds = dataset(&api, Value::Null);
    api.post(
        &format!("/dataset/{ds}/datapoint"),
        &datapoint(pair(&a, &b), None, 0),
    );
    let error = |workflow: Value, field: &str| -> String {
        let r = definition(&api, &ds, workflow, 3);
        assert_eq!(r.status, 400, "{}", r.text);
        r.json["errors"][field][0]
            .as_str()
            .unwrap_or_else(|| panic!("no error for {field}: {}", r.text))
            .to_string()
    };
    // Per-datapoint options need an answer_options segment in the schema.
    let m = error(
        classify_workflow("What?"),
        "workflow.rapid.categories.segment",
    );
    assert!(m.contains("answer_options"), "{m}");
    let mut w = compare_workflow("Better?");
    w["rapid"]["asset"] = json!({"segment": "image"});
    error(w, "workflow.rapid.asset.segment");
    // A text binding to an asset segment, or with neither or both of literal/segment.
    let mut w = compare_workflow("Better?");
    w["rapid"]["criteria"] = json!({"segment": "asset"});
    error(w, "workflow.rapid.criteria.segment");
    let mut w = compare_workflow("Better?");
    w["rapid"]["criteria"] = json!({});
    error(w, "workflow.rapid.criteria");
    let mut w = compare_workflow("Better?");
    w["rapid"]["criteria"] = json!({"literal": "x", "segment": "context"});
    error(w, "workflow.rapid.criteria");
    // Literal categories: 2–8 unique.
    let mut w = classify_workflow("What?");
    w["rapid"]["categories"] = json!({"literal": [{"label": "A", "value": "A"}]});
    error(w, "workflow.rapid.categories.literal");
    // Compare needs 2-asset datapoints.
    let single = dataset(&api, Value::Null);
    api.post(
        &format!("/dataset/{single}/datapoint"),
        &datapoint(existing(&a), None, 0),
    );
    let r = definition(&api, &single, compare_workflow("Better?"), 3);
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json["errors"]["datasetId"].is_array(), "{}", r.text);
    // Fine: context bound to the context segment, criteria literal.
    let mut w = compare_workflow("Better?");
    w["rapid"]["context"] = json!({"segment": "context", "language": "Original"});
    let r = definition(&api, &ds, w, 3);
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn compare_end_to_end_with_the_new_bodies() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let audience = audience_with_examples(&api, "gen compare");
    recruit(&api, &audience);
    let ds = dataset(&api, Value::Null);
    let pairs = [
        ("https://c.example/a0.jpg", "https://c.example/b0.jpg", None),
        (
            "https://c.example/a1.jpg",
            "https://c.example/b1.jpg",
            Some("[sandbox:B] two cats"),
        ),
    ];
    for (i, (x, y, ctx)) in pairs.iter().enumerate() {
        let (fx, fy) = (api.upload_url(x), api.upload_url(y));
        let r = api.post(
            &format!("/dataset/{ds}/datapoint"),
            &datapoint(pair(&fx, &fy), *ctx, i),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = definition(&api, &ds, compare_workflow("Which is better?"), 7);
    assert_eq!(r.status, 200, "{}", r.text);
    let def = r.json["definitionId"].as_str().unwrap().to_string();
    assert_eq!(
        api.get(&format!("/job/definition/{def}")).json["definitionType"],
        "Compare"
    );
    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": def, "audienceId": audience, "checkForExplicitContent": null,
                "revisionNumber": 1, "precedingJobId": null, "experimentId": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["experimentId"], Value::Null);
    let job = r.json["jobId"].as_str().unwrap().to_string();
    api.wait_completed(&job, Duration::from_secs(10));
    let p = api.get(&format!("/job/{job}/progress"));
    assert_eq!(p.json["responseCount"], 14, "{}", p.text);
    assert_eq!(p.json["state"], "Done");

    let res = results(&api, &job);
    assert_eq!(res["info"]["type"], "Compare");
    assert_eq!(res["info"]["instruction"], "Which is better?");
    let results = res["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for (r, (x, y, ctx)) in results.iter().zip(&pairs) {
        let allowed = [*x, *y];
        let keys: Vec<&str> = r["aggregatedResults"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys.iter().copied().collect::<BTreeSet<_>>(),
            allowed.iter().copied().collect()
        );
        for d in r["detailedResults"].as_array().unwrap() {
            assert!(allowed.contains(&d["votedFor"].as_str().unwrap()), "{d}");
        }
        assert_eq!(r["detailedResults"].as_array().unwrap().len(), 7);
        assert_eq!(r["context"], ctx.map_or(Value::Null, Value::from));
    }
    assert_eq!(results[0]["winner"], pairs[0].0);
    assert_eq!(results[1]["winner"], pairs[1].1);
    assert_eq!(
        res["summary"],
        json!({"A_wins_total": 1, "B_wins_total": 1})
    );
}

#[test]
fn classification_with_per_datapoint_options_end_to_end() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let ds = dataset(&api, classify_schema());
    // (file, options, the option the crowd leans to)
    let cases: [(&str, &[&str], &str); 4] = [
        ("dog_1.jpg", &["Cat", "Dog"], "Dog"),
        ("blue_car.jpg", &["Red", "Green", "Blue"], "Blue"),
        ("bird.png", &["Yes", "No", "Maybe", "Unsure"], "Yes"),
        ("fish.jpg", &["Salmon", "Trout"], "Trout"),
    ];
    for (i, (file, options, _)) in cases.iter().enumerate() {
        let f = api.upload_file(file, b"\xff\xd8\xff").json["fileName"]
            .as_str()
            .unwrap()
            .to_string();
        let mut segments = vec![asset_segment(existing(&f)), options_segment(options)];
        if i == 3 {
            segments.push(context_segment("[sandbox:Trout] which fish?"));
        }
        let r = api.post(
            &format!("/dataset/{ds}/datapoint"),
            &json!({"segments": segments, "sortIndex": i, "group": null, "privateMetadata": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // The listing shows the options segment.
    let r = api.get(&format!("/dataset/{ds}/datapoints?page=1&page_size=10"));
    let seg = &r.json["items"][1]["segments"];
    let opts = seg
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "answer_options")
        .unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!(opts["kind"], "OptionList");
    assert_eq!(
        opts["options"][2],
        json!({"label": "Blue", "value": "Blue"})
    );

    let r = definition(&api, &ds, classify_workflow("What is it?"), 9);
    assert_eq!(r.status, 200, "{}", r.text);
    let def = r.json["definitionId"].as_str().unwrap().to_string();
    assert_eq!(
        api.get(&format!("/job/definition/{def}")).json["definitionType"],
        "Classify"
    );
    let rev = api.get(&format!("/job/definition/{def}/revision")).json;
    assert_eq!(
        rev["workflow"]["rapid"]["categories"],
        json!({"segment": "answer_options"})
    );
    let job = assign(&api, &def, "global");
    // responseCount grows with the votes.
    let mut last = 0;
    loop {
        let p = api.get(&format!("/job/{job}/progress"));
        if p.status == 200 {
            let n = p.json["responseCount"].as_u64().unwrap();
            assert!(n >= last);
            last = n;
            if p.json["state"] == "Done" {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(last, 36);
    api.wait_completed(&job, Duration::from_secs(10));
    let res = results(&api, &job);
    assert_eq!(res["info"]["type"], "Classification");
    assert_eq!(res["info"]["instruction"], "What is it?");
    let results = res["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let mut all = BTreeSet::new();
    for (r, (file, options, want)) in results.iter().zip(&cases) {
        assert_eq!(r["identifier"], *file);
        let agg = r["aggregatedResults"].as_object().unwrap();
        let keys: Vec<&str> = agg.keys().map(String::as_str).collect();
        assert_eq!(
            keys.iter().copied().collect::<BTreeSet<_>>(),
            options.iter().copied().collect(),
            "{r}"
        );
        let details = r["detailedResults"].as_array().unwrap();
        assert_eq!(details.len(), 9);
        for d in details {
            let c = d["selectedCategory"].as_str().unwrap();
            assert!(options.contains(&c), "{c} not in {options:?}");
        }
        let top = agg
            .iter()
            .max_by_key(|(_, v)| v.as_u64().unwrap())
            .unwrap()
            .0;
        assert_eq!(top, want, "{r}");
        all.extend(options.iter().copied());
    }
    // The summary counts every option of every datapoint.
    let summary: BTreeSet<&str> = res["summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(summary, all);
    let total: u64 = res["summary"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 36);
}

#[test]
fn revisions_scopes_capacity_and_example_flags() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let def = compare_definition(&api, "rev", &[(FLUX_BOOK, MJ_BOOK, None)], 3);
    let body = |base: Value, latest: bool| {
        json!({"workflow": compare_workflow("v2"), "referee": {"_t": "NaiveReferee", "totalVotes": 3},
               "rapidFeatureFlags": [], "campaignFeatureFlags": [{"key": "priority", "value": "high"}],
               "aggregatorType": null, "validationSetId": null,
               "baseRevisionNumber": base, "requireLatest": latest})
    };
    let path = format!("/job/definition/{def}/revision");
    assert_eq!(api.post(&path, &body(json!(7), true)).status, 409);
    let r = api.post(&path, &body(Value::Null, true));
    assert_eq!(r.status, 400);
    assert!(r.json["errors"]["baseRevisionNumber"].is_array());
    let r = api.post(&path, &body(json!(1), true));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["revisionNumber"], 2);
    let r = api.get(&format!("/job/definition/{def}/revision/2"));
    assert_eq!(r.json["baseRevisionNumber"], 1);
    assert_eq!(
        r.json["campaignFeatureFlags"],
        json!([{"key": "priority", "value": "high"}])
    );
    assert_eq!(r.json["workflow"]["rapid"]["criteria"]["literal"], "v2");
    let r = api.get(&format!("/job/definition/{def}/revisions"));
    assert_eq!(r.json["items"][1]["baseRevisionNumber"], 1);

    // Scopes: nothing is shared with the sandbox client.
    let job = assign(&api, &def, "global");
    assert_eq!(api.get("/jobs?scope=All").json["total"], 1);
    assert_eq!(
        api.get("/jobs?scope=Owned").json["items"][0]["jobId"],
        job.as_str()
    );
    assert_eq!(
        api.get("/jobs?scope=Owned").json["items"][0]["isShared"],
        false
    );
    assert_eq!(api.get("/jobs?scope=Shared").json["total"], 0);
    assert_eq!(api.get("/jobs?scope=Mine").status, 400);
    assert_eq!(api.get("/audiences?scope=Shared").json["total"], 0);
    assert_eq!(api.get("/audiences").json["items"][0]["isShared"], false);

    // Capacity and flagIfIncorrect.
    assert_eq!(
        api.get("/audience/global/user-metrics").json["capacity"],
        "Sufficient"
    );
    let aud = api.post("/audience", &json!({"name": "flags"})).json["audienceId"]
        .as_str()
        .unwrap()
        .to_string();
    let (a, b) = (api.upload_url(FLUX_BOOK), api.upload_url(MJ_BOOK));
    let r = api.post(
        &format!("/audience/{aud}/example"),
        &json!({"asset": pair(&a, &b), "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
                "truth": {"_t": "CompareExampleTruth", "winnerId": a}, "randomCorrectProbability": 0.5,
                "flagIfIncorrect": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api.get(&format!(
        "/audience/{aud}/examples?flag_if_incorrect[eq]=true"
    ));
    assert_eq!(r.json["total"], 1, "{}", r.text);
    assert_eq!(r.json["items"][0]["flagIfIncorrect"], true);
    assert_eq!(
        api.get(&format!("/audience/{aud}/user-metrics")).json["capacity"],
        "None"
    );

    // A dataset shows its schema.
    let r = api.post(
        "/dataset",
        &json!({"name": "s", "schema": classify_schema()}),
    );
    let ds = r.json["datasetId"].as_str().unwrap().to_string();
    let r = api.get(&format!("/dataset/{ds}"));
    assert_eq!(r.json["schema"][3]["key"], "answer_options");
    assert_eq!(r.json["schema"][3]["kind"], "OptionList");
    assert_eq!(r.json["schema"][3]["label"], "Answer options");
}

#[test]
fn a_datapoint_added_later_without_what_the_rapid_binds_gets_no_votes() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let mut schema = classify_schema();
    schema[3]["required"] = json!(false);
    let ds = dataset(&api, schema);
    let f = api.upload_url("https://l.example/cat.jpg");
    let post = |segments: Value, i: usize| {
        let r = api.post(
            &format!("/dataset/{ds}/datapoint"),
            &json!({"segments": segments, "sortIndex": i}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    };
    post(
        json!([
            asset_segment(existing(&f)),
            options_segment(&["Cat", "Dog"])
        ]),
        0,
    );
    let r = definition(&api, &ds, classify_workflow("Which?"), 3);
    assert_eq!(r.status, 200, "{}", r.text);
    let def = r.json["definitionId"].as_str().unwrap().to_string();
    post(json!([asset_segment(existing(&f))]), 1);
    let job = assign(&api, &def, "global");
    api.wait_completed(&job, Duration::from_secs(5));
    let res = results(&api, &job);
    assert_eq!(
        res["results"][0]["detailedResults"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(res["results"][1]["detailedResults"], json!([]));
    assert_eq!(res["results"][1]["aggregatedResults"], json!({}));
}
