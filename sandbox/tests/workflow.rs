//! The custom-audience workflow at HTTP level, results layouts, determinism, job control.

mod common;

use std::time::{Duration, Instant};

use common::*;
use rapidata_sandbox::Sandbox;
use serde_json::{json, Value};

#[test]
fn seed_compare_workflow_end_to_end_with_default_timing() {
    let sb = Sandbox::start().unwrap();
    let api = Api::new(&sb);

    let audience = audience_with_examples(&api, "Custom Prompt Alignment Audience");
    let r = api.get(&format!("/audience/{audience}"));
    assert_eq!(r.json["status"], "Created");
    assert_eq!(r.json["id"], audience.as_str());
    assert_eq!(r.json["baseAudienceId"], audience.as_str());
    assert_eq!(r.json["filter"], Value::Null);
    assert_eq!(r.json["graduationRule"]["_t"], "TaskAccuracy");
    assert_eq!(
        api.post_empty(&format!("/audience/{audience}/recruit"))
            .status,
        204
    );

    let definition = compare_definition(
        &api,
        "Prompt Alignment Job",
        &[(
            FLUX_BOOK,
            MJ_BOOK,
            Some("A small blue book sitting on a large red book."),
        )],
        10,
    );
    let created = Instant::now();
    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": definition, "audienceId": audience, "checkForExplicitContent": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["recruitingStarted"], false);
    assert_eq!(r.json["contentCheckSkipDenied"], false);
    assert!(r.json.get("costWarning").is_none());
    let job = r.json["jobId"].as_str().unwrap().to_string();

    // Not labelling yet.
    assert_eq!(api.get(&format!("/job/{job}/progress")).status, 404);
    assert_eq!(api.get(&format!("/job/{job}")).json["state"], "Submitted");

    // Poll progress to 100 %.
    let mut last = -1.0;
    loop {
        let r = api.get(&format!("/job/{job}/progress"));
        if r.status == 200 {
            let pct = r.json["completionPercentage"].as_f64().unwrap();
            assert!(pct >= last, "progress went down");
            last = pct;
            assert_eq!(r.json["total"], 1);
            if pct >= 100.0 {
                assert_eq!(r.json["state"], "Done");
                assert_eq!(r.json["completed"], 1);
                break;
            }
            assert!(["Started", "Labeling"].contains(&r.json["state"].as_str().unwrap()));
        }
        assert!(created.elapsed() < Duration::from_secs(6), "too slow");
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = created.elapsed();
    eprintln!("seed job: created → 100 % in {took:?}");
    assert!(took < Duration::from_millis(3500), "seed job took {took:?}");
    let r = api.get(&format!("/job/{job}"));
    assert_eq!(r.json["state"], "Completed");
    assert!(r.json["completedAt"].is_string());
    assert_eq!(r.json["audienceName"], "Custom Prompt Alignment Audience");
    assert_eq!(r.json["audienceDeleted"], false);

    let m = api.get(&format!("/audience/{audience}/user-metrics"));
    let graduated = m.json["usersPerState"]["Graduated"].as_i64().unwrap();
    let dropped = m.json["usersPerState"]["Dropped"].as_i64().unwrap();
    assert!(graduated > 20, "{}", m.text);
    assert_eq!(graduated + dropped, 300);
    assert_eq!(
        api.get(&format!("/audience/{audience}")).json["status"],
        "Ready"
    );

    let res = results(&api, &job);
    assert_eq!(res["info"]["type"], "Compare");
    assert_eq!(res["info"]["version"], "4.1.0");
    assert_eq!(res["info"]["name"], "Prompt Alignment Job");
    assert_eq!(res["info"]["instruction"], INSTRUCTION);
    let r0 = &res["results"][0];
    assert_eq!(
        r0["context"],
        "A small blue book sitting on a large red book."
    );
    assert_eq!(r0["winner"], FLUX_BOOK);
    assert_eq!(r0["winnerIndex"], 0);
    assert_eq!(r0["winner_index"], 0);
    assert_eq!(r0["weightedWinner"], FLUX_BOOK);
    let keys: Vec<&String> = r0["assetUrls"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2);
    assert!(r0["assetUrls"][FLUX_BOOK]
        .as_str()
        .unwrap()
        .starts_with("https://assets.rapidata.ai/"));
    let a = r0["aggregatedResults"][FLUX_BOOK].as_u64().unwrap();
    let b = r0["aggregatedResults"][MJ_BOOK].as_u64().unwrap();
    assert_eq!(a + b, 10);
    assert!(a > b);
    let ratio = r0["aggregatedResultsRatios"][FLUX_BOOK].as_f64().unwrap();
    assert!((ratio - a as f64 / 10.0).abs() < 1e-9);
    assert!(r0["summedUserScores"][FLUX_BOOK].as_f64().unwrap() > 0.0);
    let details = r0["detailedResults"].as_array().unwrap();
    assert_eq!(details.len(), 10);
    for d in details {
        assert!([FLUX_BOOK, MJ_BOOK].contains(&d["votedFor"].as_str().unwrap()));
        let u = &d["userDetails"];
        assert_eq!(u["country"].as_str().unwrap().len(), 2);
        assert_eq!(u["language"].as_str().unwrap().len(), 2);
        let score = u["userScores"]["global"].as_f64().unwrap();
        assert!((0.5..=1.0).contains(&score));
        assert!(u["demographics"]["age"].is_string());
        assert!(u["demographics"]["gender"].is_string());
    }
    assert_eq!(
        res["summary"],
        json!({"A_wins_total": 1, "B_wins_total": 0})
    );

    // The job is listed for the audience, both ways.
    let r = api.get(&format!(
        "/jobs?page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=&audience_id%5Beq%5D={audience}"
    ));
    assert_eq!(r.json["total"], 1, "{}", r.text);
    assert_eq!(r.json["items"][0]["jobId"], job.as_str());
    assert_eq!(r.json["items"][0]["progress"], 1.0);
    assert_eq!(r.json["items"][0]["jobDefinitionId"], definition.as_str());
    let r = api.get(&format!("/audience/{audience}/jobs"));
    assert_eq!(r.json["items"][0]["state"], "Completed");
    let r = api.get("/jobs?audience_id[eq]=global");
    assert_eq!(r.json["total"], 0);
}

#[test]
fn a_job_on_an_audience_that_is_not_recruiting_waits_for_recruit() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let audience = audience_with_examples(&api, "manual");
    let definition = compare_definition(&api, "manual", &[(FLUX_BOOK, MJ_BOOK, None)], 5);
    let r = api.post("/job", &json!({"jobDefinitionId": definition, "audienceId": audience, "checkForExplicitContent": false}));
    assert_eq!(r.status, 200, "{}", r.text);
    // Assigning a job never starts recruiting (the live API's rule).
    assert_eq!(r.json["recruitingStarted"], false);
    assert_eq!(r.json["contentCheckSkipDenied"], true);
    let job = r.json["jobId"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        api.get(&format!("/audience/{audience}")).json["status"],
        "Created"
    );
    assert_eq!(api.get(&format!("/job/{job}")).json["state"], "Submitted");
    assert_eq!(api.get(&format!("/job/{job}/progress")).status, 404);
    assert_eq!(sb.stats().jobs[&job].votes, 0);
    // Once recruiting starts, it runs.
    recruit(&api, &audience);
    assert_eq!(
        api.get(&format!("/audience/{audience}")).json["status"],
        "Recruiting"
    );
    api.wait_completed(&job, Duration::from_secs(5));
    assert_eq!(results(&api, &job)["results"][0]["winner"], FLUX_BOOK);
}

fn classification_run(sb: &Sandbox) -> (Value, String) {
    let api = Api::new(sb);
    let files: Vec<String> = ["cat_1.jpg", "dog_2.jpg", "cat_3.jpg", "bird.png"]
        .iter()
        .map(|n| {
            let r = api.upload_file(n, b"\xff\xd8\xff\xe0fake jpeg bytes");
            assert_eq!(r.status, 200, "{}", r.text);
            assert_eq!(r.json["originalSizeBytes"], 19);
            r.json["fileName"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(files[0].ends_with(".jpg") && files[3].ends_with(".png"));
    let ds = api
        .post("/dataset", &json!({"name": "animals_dataset"}))
        .json["datasetId"]
        .as_str()
        .unwrap()
        .to_string();
    for (i, f) in files.iter().enumerate() {
        let mut body = datapoint(existing(f), None, i);
        if i == 3 {
            body["privateMetadata"] = json!({"sandbox": "Dog"});
        }
        let r = api.post(&format!("/dataset/{ds}/datapoint"), &body);
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = api.post(
        &format!("/dataset/{ds}/datapoint"),
        &json!({"segments": [asset_segment(json!({"_t": "TextAssetInput", "text": "A small dog barking"}))],
                "sortIndex": 4}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // Literal categories (the same for every datapoint).
    let r = api.post(
        "/job/definition",
        &json!({"definitionName": "animals",
                "workflow": {"_t": "SimpleWorkflow", "rapid": {"_t": "Classify", "asset": {"segment": "asset"},
                    "title": {"literal": "What animal?"},
                    "categories": {"literal": [{"label": "Cat", "value": "Cat"}, {"label": "Dog", "value": "Dog"}, {"label": "Bird", "value": "Bird"}]}}},
                "referee": {"_t": "EarlyStoppingReferee", "maxVotes": 15, "threshold": 0.99},
                "datasetId": ds,
                "rapidFeatureFlags": [{"key": "no_shuffle", "value": "true"}]}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let def = r.json["definitionId"].as_str().unwrap().to_string();
    assert_eq!(
        api.get(&format!("/job/definition/{def}")).json["definitionType"],
        "Classify"
    );
    let job = assign(&api, &def, "global");
    api.wait_completed(&job, Duration::from_secs(10));
    let raw = api.get(&format!("/job/{job}/download-results")).text;
    (results(&api, &job), raw)
}

#[test]
fn classification_results_layout() {
    let sb = fast().start().unwrap();
    let (res, raw) = classification_run(&sb);
    // Categories keep their definition order in every map (checked on the raw text, since
    // serde_json::Value sorts keys).
    let agg = &raw[raw.find("\"aggregatedResults\"").unwrap()..];
    let agg = &agg[..agg.find('}').unwrap()];
    let pos = |k: &str| agg.find(&format!("\"{k}\"")).unwrap();
    assert!(pos("Cat") < pos("Dog") && pos("Dog") < pos("Bird"), "{agg}");
    assert_eq!(res["info"]["type"], "Classification");
    assert_eq!(res["info"]["version"], "3.0.0");
    let results = res["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let expected = ["Cat", "Dog", "Cat", "Dog", "Dog"];
    let mut summary_total = 0;
    for (r, want) in results.iter().zip(expected) {
        let agg = r["aggregatedResults"].as_object().unwrap();
        assert_eq!(agg.len(), 3);
        let votes: u64 = agg.values().map(|v| v.as_u64().unwrap()).sum();
        assert!((1..=15).contains(&votes));
        summary_total += votes;
        assert_eq!(r["detailedResults"].as_array().unwrap().len() as u64, votes);
        let top = agg
            .iter()
            .max_by_key(|(_, v)| v.as_u64().unwrap())
            .unwrap()
            .0;
        assert_eq!(top, want, "{r}");
        let conf = r["confidencePerCategory"].as_object().unwrap();
        assert_eq!(conf.len(), 3);
        assert!(r["detailedResults"][0]["selectedCategory"].is_string());
        assert!(r["summedUserScoresRatios"][want].as_f64().unwrap() > 0.5);
    }
    assert_eq!(results[0]["identifier"], "cat_1.jpg");
    assert_eq!(results[0]["originalFileName"], "cat_1.jpg");
    assert!(results[0]["assetUrl"].as_str().unwrap().ends_with(".jpg"));
    assert_eq!(results[3]["privateMetadata"]["sandbox"], "Dog");
    assert_eq!(results[4]["identifier"], "A small dog barking");
    assert_eq!(results[4]["assetUrl"], Value::Null);
    let summary: u64 = res["summary"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(summary, summary_total);
}

/// The full compare workflow, returning the results without `info.createdAt`.
fn compare_run(sb: &Sandbox) -> Value {
    let api = Api::new(sb);
    let audience = audience_with_examples(&api, "det");
    api.post_empty(&format!("/audience/{audience}/recruit"));
    let definition = compare_definition(
        &api,
        "det",
        &[
            (
                FLUX_BOOK,
                MJ_BOOK,
                Some("A small blue book sitting on a large red book."),
            ),
            (
                "https://x.example/a1.jpg",
                "https://x.example/b1.jpg",
                Some("[sandbox:B]"),
            ),
            ("https://x.example/a2.jpg", "https://x.example/b2.jpg", None),
        ],
        9,
    );
    let job = assign(&api, &definition, &audience);
    api.wait_completed(&job, Duration::from_secs(10));
    let mut res = results(&api, &job);
    res["info"].as_object_mut().unwrap().remove("createdAt");
    res
}

#[test]
fn same_seed_gives_the_same_results() {
    let a = compare_run(&fast().seed(7).start().unwrap());
    let b = compare_run(&fast().seed(7).start().unwrap());
    assert_eq!(a, b);
    assert_eq!(a["results"][1]["winner"], "https://x.example/b1.jpg");
    let c = compare_run(&fast().seed(8).start().unwrap());
    assert_ne!(a["results"], c["results"]);
    // File names are drawn from the seed and the original name too.
    assert_eq!(a["results"][0]["assetUrls"], b["results"][0]["assetUrls"]);
}

#[test]
fn ties_render_null_winners_and_markers_steer_the_crowd() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let (a, b) = (
        api.upload_url("https://t.example/a.jpg"),
        api.upload_url("https://t.example/b.jpg"),
    );
    // One single-datapoint job per case: an even vote count for the tie, an odd one for B.
    let run = |ctx: Value, meta: Value, votes: i32| {
        let ds = api.post("/dataset", &json!({"name": "ties"})).json["datasetId"]
            .as_str()
            .unwrap()
            .to_string();
        let mut body = datapoint(pair(&a, &b), ctx.as_str(), 0);
        body["privateMetadata"] = meta;
        let r = api.post(&format!("/dataset/{ds}/datapoint"), &body);
        assert_eq!(r.status, 200, "{}", r.text);
        let r = api.post(
            "/job/definition",
            &json!({"definitionName": "ties",
                    "workflow": {"_t": "SimpleWorkflow", "rapid": {"_t": "Compare", "asset": {"segment": "asset"},
                                 "criteria": {"literal": "Better?"}, "indexIdentifiers": ["Model A", "Model B"]}},
                    "referee": {"_t": "NaiveReferee", "totalVotes": votes}, "datasetId": ds}),
        );
        let def = r.json["definitionId"].as_str().unwrap().to_string();
        let job = assign(&api, &def, "aud_curated_alignment");
        api.wait_completed(&job, Duration::from_secs(5));
        results(&api, &job)
    };
    let res = run(json!("[sandbox:tie]"), Value::Null, 6);
    let tie = &res["results"][0];
    assert_eq!(tie["winner"], Value::Null);
    assert_eq!(tie["winnerIndex"], Value::Null);
    assert_eq!(tie["winner_index"], Value::Null);
    assert_eq!(tie["aggregatedResults"]["https://t.example/a.jpg"], 3);
    assert_eq!(tie["aggregatedResults"]["https://t.example/b.jpg"], 3);
    assert_eq!(
        tie["aggregatedResultsRatios"]["https://t.example/a.jpg"],
        0.5
    );
    assert!(tie.get("privateMetadata").is_none());
    assert_eq!(
        res["summary"],
        json!({"A_wins_total": 0, "B_wins_total": 0})
    );

    let res = run(Value::Null, json!({"sandbox": "B", "source": "batch-7"}), 9);
    let b_res = &res["results"][0];
    assert_eq!(b_res["winner"], "https://t.example/b.jpg");
    assert_eq!(b_res["winnerIndex"], 1);
    assert_eq!(b_res["privateMetadata"]["source"], "batch-7");
    assert_eq!(b_res["context"], Value::Null);
    assert_eq!(
        res["summary"],
        json!({"A_wins_total": 0, "B_wins_total": 1})
    );
}

#[test]
fn pause_and_resume() {
    let sb = Sandbox::builder()
        .response_interval(Duration::from_millis(20))
        .start()
        .unwrap();
    let api = Api::new(&sb);
    let def = compare_definition(&api, "p", &[(FLUX_BOOK, MJ_BOOK, None)], 40);
    let job = assign(&api, &def, "global");
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(api.post_empty(&format!("/job/{job}/pause")).status, 204);
    let r = api.get(&format!("/job/{job}"));
    assert_eq!(r.json["state"], "Paused");
    let votes = sb.stats().jobs[&job].votes;
    assert!(votes > 0 && votes < 40, "{votes}");
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(sb.stats().jobs[&job].votes, votes);
    assert_eq!(
        api.get(&format!("/job/{job}/progress")).json["state"],
        "Paused"
    );
    assert_eq!(api.post_empty(&format!("/job/{job}/resume")).status, 204);
    api.wait_completed(&job, Duration::from_secs(5));
    assert_eq!(sb.stats().jobs[&job].votes, 40);
    // A completed job cannot be paused; retry is accepted.
    assert_eq!(api.post_empty(&format!("/job/{job}/pause")).status, 400);
    assert_eq!(api.post_empty(&format!("/job/{job}/retry")).status, 204);
    assert_eq!(api.delete(&format!("/job/{job}")).status, 204);
    assert_eq!(api.get(&format!("/job/{job}")).status, 404);
}

#[test]
fn custom_audience_without_graduates_never_progresses() {
    let sb = fast().start().unwrap();
    let api = Api::new(&sb);
    let audience = api
        .post("/audience", &json!({"name": "empty", "filters": []}))
        .json["audienceId"]
        .as_str()
        .unwrap()
        .to_string();
    let def = compare_definition(&api, "stuck", &[(FLUX_BOOK, MJ_BOOK, None)], 3);
    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": def, "audienceId": audience, "checkForExplicitContent": null}),
    );
    assert_eq!(r.json["recruitingStarted"], false);
    let job = r.json["jobId"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(api.get(&format!("/job/{job}")).json["state"], "Submitted");
    assert_eq!(api.get(&format!("/job/{job}/progress")).status, 404);
    // What the client checks: status Created and no graduated or distilling users.
    assert_eq!(
        api.get(&format!("/audience/{audience}")).json["status"],
        "Created"
    );
    assert_eq!(
        api.get(&format!("/audience/{audience}/user-metrics")).json,
        json!({"usersPerState": {"Distilling": 0, "Dropped": 0, "Graduated": 0}, "capacity": "None"})
    );
    // Global and curated audiences have no funnel of their own.
    assert_eq!(
        api.get("/audience/global/user-metrics").json,
        json!({"usersPerState": {}, "capacity": "Sufficient"})
    );
    assert_eq!(
        api.get("/audience/aud_curated_alignment/user-metrics").json,
        json!({"usersPerState": {}, "capacity": "Sufficient"})
    );
    // Recruiting filters that match nobody: qualification ends with zero graduates, the
    // audience stays Recruiting and its job never starts.
    let r = api.post(
        "/audience",
        &json!({"name": "nobody", "filters": [{"_t": "CountryFilter", "countries": ["ZZ"]}],
                "graduationRule": three_task_rule()}),
    );
    let nobody = r.json["audienceId"].as_str().unwrap().to_string();
    let (a, b) = (api.upload_url(FLUX_BOOK), api.upload_url(MJ_BOOK));
    for _ in 0..3 {
        let r = api.post(
            &format!("/audience/{nobody}/example"),
            &json!({"asset": pair(&a, &b), "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
                    "truth": {"_t": "CompareExampleTruth", "winnerId": a}, "randomCorrectProbability": 0.5}),
        );
        assert_eq!(r.status, 200);
    }
    recruit(&api, &nobody);
    let job = assign(&api, &def, &nobody);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        api.get(&format!("/audience/{nobody}")).json["status"],
        "Recruiting"
    );
    assert_eq!(
        api.get(&format!("/audience/{nobody}/user-metrics")).json,
        json!({"usersPerState": {"Distilling": 0, "Dropped": 0, "Graduated": 0}, "capacity": "None"})
    );
    assert_eq!(api.get(&format!("/job/{job}")).json["state"], "Submitted");
    assert_eq!(api.get(&format!("/job/{job}/progress")).status, 404);
}

#[test]
fn audience_funnel_filters_and_listing() {
    let sb = fast()
        .qualification_delay(Duration::from_millis(400))
        .start()
        .unwrap();
    let api = Api::new(&sb);
    // Recruiting filters restrict the candidate pool.
    let r = api.post(
        "/audience",
        &json!({"name": "US cats", "filters": [{"_t": "CountryFilter", "countries": ["US", "CA"]}],
                "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.5, "minTasks": 3, "maxTasks": null}}),
    );
    let aud = r.json["audienceId"].as_str().unwrap().to_string();
    assert!(aud.starts_with("aud_"));
    let (a, b) = (
        api.upload_url("https://c.example/a.jpg"),
        api.upload_url("https://c.example/b.jpg"),
    );
    for _ in 0..3 {
        let r = api.post(
            &format!("/audience/{aud}/example"),
            &json!({"asset": pair(&a, &b), "payload": {"_t": "CompareExamplePayload", "criteria": "c"},
                    "truth": {"_t": "CompareExampleTruth", "winnerId": b}, "randomCorrectProbability": 0.5,
                    "explanation": null, "context": null, "featureFlags": null}),
        );
        assert_eq!(r.status, 200);
        assert!(r.json["recalculationId"].is_string());
    }
    assert_eq!(
        api.post_empty(&format!("/audience/{aud}/recruit")).status,
        204
    );
    let r = api.get(&format!("/audience/{aud}"));
    assert_eq!(r.json["status"], "Recruiting");
    assert_eq!(r.json["isDistilling"], true);
    let m = api.get(&format!("/audience/{aud}/user-metrics")).json;
    let candidates = m["usersPerState"]["Distilling"].as_i64().unwrap();
    assert!(candidates > 10 && candidates < 150, "{m}");
    std::thread::sleep(Duration::from_millis(450));
    let m = api.get(&format!("/audience/{aud}/user-metrics")).json;
    let g = m["usersPerState"]["Graduated"].as_i64().unwrap();
    let d = m["usersPerState"]["Dropped"].as_i64().unwrap();
    assert_eq!(g + d, candidates);
    assert_eq!(m["usersPerState"]["Distilling"], 0);
    let r = api.get(&format!("/audience/{aud}"));
    assert_eq!(r.json["status"], "Ready");
    assert_eq!(r.json["qualifiedUserCount"], g);

    // Examples list with correct/incorrect counts.
    let ex = api.get(&format!("/audience/{aud}/examples?page=1&page_size=10"));
    assert_eq!(ex.json["total"], 3);
    let item = &ex.json["items"][0];
    assert_eq!(item["asset"]["_t"], "MultiAsset");
    assert_eq!(
        item["asset"]["assets"][0]["identifier"],
        "https://c.example/a.jpg"
    );
    assert_eq!(
        item["correctCount"].as_i64().unwrap() + item["incorrectCount"].as_i64().unwrap(),
        candidates
    );
    // Update and delete an example.
    let ex_id = item["id"].as_str().unwrap().to_string();
    let r = api.patch(
        &format!("/audience/{aud}/example/{ex_id}"),
        &json!({"truth": {"_t": "CompareExampleTruth", "winnerId": a}, "explanation": "A is right"}),
    );
    assert_eq!(r.status, 204, "{}", r.text);
    let r = api.delete(&format!("/audience/example/{ex_id}"));
    assert_eq!(r.status, 200);
    assert_eq!(sb.stats().audiences[&aud].examples, 2);

    // Filtered audience on the curated one.
    let r = api.post(
        "/audience/aud_curated_alignment/filter",
        &json!({"filter": {"_t": "AndFilter", "filters": [
            {"_t": "CountryFilter", "countries": ["US"]},
            {"_t": "DemographicFilter", "identifier": "age", "values": ["18-29", "30-39"]}]}}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let fau = r.json["audienceId"].as_str().unwrap().to_string();
    assert!(fau.starts_with("fau_"));
    let r = api.get(&format!("/audience/{fau}"));
    assert_eq!(r.json["id"], fau.as_str());
    assert_eq!(r.json["baseAudienceId"], "aud_curated_alignment");
    assert_eq!(r.json["name"], "Alignment");
    assert_eq!(r.json["filter"]["_t"], "AndFilter");
    let def = compare_definition(&api, "fau", &[(FLUX_BOOK, MJ_BOOK, None)], 3);
    let job = assign(&api, &def, &fau);
    api.wait_completed(&job, Duration::from_secs(5));
    for d in results(&api, &job)["results"][0]["detailedResults"]
        .as_array()
        .unwrap()
    {
        assert_eq!(d["userDetails"]["country"], "US");
        assert!(
            ["18-29", "30-39"].contains(&d["userDetails"]["demographics"]["age"].as_str().unwrap())
        );
    }

    // Listing: percent-encoded deepObject keys, booleans as strings, paging.
    let r = api.get("/audiences?page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=");
    assert_eq!(r.json["total"], 2, "{}", r.text);
    assert_eq!(r.json["items"][0]["id"], aud.as_str());
    let r = api.get("/audiences?is_public%5Beq%5D=true");
    assert_eq!(r.json["total"], 1);
    assert_eq!(r.json["items"][0]["id"], "aud_curated_alignment");
    let r = api.get("/audiences?name[contains]=cats&page_size=1");
    assert_eq!(
        (r.json["total"].as_i64(), r.json["totalPages"].as_i64()),
        (Some(1), Some(1))
    );
    let r = api.get("/audiences?status[in]=Created&status[in]=Ready&sort=name");
    assert_eq!(r.json["items"][0]["name"], "Alignment");
    let r = api.get("/audiences?name[contains]=nothing&logic=or&is_public[eq]=false");
    assert_eq!(r.json["total"], 1);
    assert_eq!(api.get("/audiences?sort=size").status, 400);
    assert_eq!(api.get("/audiences?page=zero").status, 400);
    // PATCH and DELETE.
    let r = api.patch(
        &format!("/audience/{aud}"),
        &json!({"name": "Renamed", "description": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api.get(&format!("/audience/{aud}")).json["name"], "Renamed");
    assert_eq!(
        api.patch("/audience/global", &json!({"name": "x"})).status,
        400
    );
    assert_eq!(api.delete(&format!("/audience/{aud}")).status, 204);
    assert_eq!(api.get(&format!("/audience/{aud}")).status, 404);
}

#[test]
fn uploads_batches_and_datasets() {
    let sb = Sandbox::builder()
        .response_interval(Duration::from_millis(600))
        .start()
        .unwrap();
    let api = Api::new(&sb);
    let r = api.post(
        "/asset/batch-upload",
        &json!({"urls": ["https://b.example/one.jpg", "https://b.example/two.webp?sig=1", "https://broken.invalid/x.jpg"],
                "correlationId": "c0ffee"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let batch = r.json["batchUploadId"].as_str().unwrap().to_string();
    let r = api.get("/asset/batch-upload/status?correlationId=c0ffee");
    assert_eq!(r.json["status"], "Processing");
    assert_eq!(r.json["totalCount"], 3);
    std::thread::sleep(Duration::from_millis(350));
    let r = api.get("/asset/batch-upload/status?correlationId=c0ffee");
    assert_eq!(r.json["status"], "Completed", "{}", r.text);
    assert_eq!(
        (
            r.json["completedCount"].as_i64(),
            r.json["failedCount"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(r.json["completedBatches"], json!([batch]));
    let r = api.get(&format!("/asset/batch-upload/{batch}"));
    let items = r.json["items"].as_array().unwrap();
    assert_eq!(items[0]["status"], "Completed");
    assert!(items[1]["fileName"].as_str().unwrap().ends_with(".webp"));
    assert_eq!(items[2]["status"], "Failed");
    assert_eq!(items[2]["stage"], "download");
    assert_eq!(items[2]["upstreamHttpStatus"], 404);
    assert_eq!(
        api.post_empty(&format!("/asset/batch-upload/{batch}/abort"))
            .status,
        204
    );

    let r = api.post_empty(&format!(
        "/asset/url?url={}",
        encode("https://nope.invalid/a.jpg")
    ));
    assert_eq!(r.status, 400);
    assert_eq!(r.json["stage"], "download");
    assert_eq!(r.json["upstreamHttpStatus"], 404);
    assert_eq!(api.post_empty("/asset/url").status, 400);
    assert_eq!(api.post_empty("/asset/url?url=not-a-url").status, 400);
    let r = api.post_empty(&format!(
        "/asset/url?url={}&quality=500",
        encode("https://a.example/x.png")
    ));
    assert_eq!(r.status, 400);
    let r = api.post_empty(&format!(
        "/asset/url?url={}&compress=true",
        encode("https://a.example/x.png")
    ));
    assert_eq!(r.json["wasCompressed"], true);
    assert_eq!(r.json["warnings"], json!([]));

    // Multipart without a `file` part.
    let r = api
        .agent
        .post(format!("{}/asset/file", sb.url()))
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Content-Type", "multipart/form-data; boundary=XX")
        .send("--XX\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--XX--\r\n")
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // Dataset endpoints.
    let ds = api.post("/dataset", &json!({"name": "d"})).json["datasetId"]
        .as_str()
        .unwrap()
        .to_string();
    let r = api.get(&format!("/dataset/{ds}"));
    assert_eq!(r.json["name"], "d");
    // The default schema.
    let keys: Vec<&str> = r.json["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["asset", "context", "context_asset"]);
    assert_eq!(r.json["schema"][0]["required"], true);
    assert_eq!(r.json["schema"][1]["maxLength"], 400);
    let f = api.upload_file("photo.JPG", b"abc").json["fileName"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(f.ends_with(".jpg"));
    for i in 0..3 {
        let r = api.post(
            &format!("/dataset/{ds}/datapoint"),
            &datapoint(existing(&f), Some(&format!("c{i}")), i),
        );
        assert!(r.json["datapointId"].is_string(), "{}", r.text);
    }
    let r = api.get(&format!("/dataset/{ds}/datapoints?page=2&page_size=2"));
    assert_eq!(
        (r.json["total"].as_i64(), r.json["totalPages"].as_i64()),
        (Some(3), Some(2))
    );
    // The segment form.
    let segments = r.json["items"][0]["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 2, "{}", r.text);
    assert_eq!(segments[0]["key"], "asset");
    assert_eq!(segments[0]["kind"], "Asset");
    assert_eq!(segments[0]["asset"]["identifier"], "photo.JPG");
    assert_eq!(segments[1]["key"], "context");
    assert_eq!(segments[1]["kind"], "Text");
    assert_eq!(segments[1]["originalText"], "c2");
    assert_eq!(
        api.get(&format!("/dataset/{ds}/progress")).json,
        json!({"total": 3, "ready": 3, "pending": 0, "failed": 0})
    );
    assert_eq!(
        api.post(
            &format!("/dataset/{ds}/group"),
            &json!({"group": "g1", "segments": [context_segment("x")]})
        )
        .status,
        204
    );
    let r = api.post(
        "/datasets/shorten-context",
        &json!({"items": [{"context": "word ".repeat(120), "question": "q"}, {"context": "short", "question": "q"}]}),
    );
    let items = r.json["items"].as_array().unwrap();
    assert!(
        items[0]["shortenedContext"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 400
    );
    assert_eq!(items[1]["shortenedContext"], "short");
    let st = sb.stats();
    assert_eq!(st.datasets[&ds].sort_indexes, vec![0, 1, 2]);
}

#[test]
fn definitions_revisions_and_cost_estimates() {
    let sb = fast().balance(0.2).start().unwrap();
    let api = Api::new(&sb);
    let def = compare_definition(&api, "costly", &[(FLUX_BOOK, MJ_BOOK, None)], 10);
    let r = api.get(&format!("/job/definition/{def}/cost-estimate"));
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["status"], 409);
    std::thread::sleep(Duration::from_millis(250));
    let r = api.get(&format!("/job/definition/{def}/cost-estimate"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json["datapointCount"], 1);
    assert_eq!(r.json["requiredResponses"], 10);
    assert!(r.json["estimatedCost"].as_f64().unwrap() > 0.2);

    let r = api.get(&format!("/job/definition/{def}/revision"));
    assert_eq!(r.json["revisionNumber"], 1);
    assert_eq!(r.json["workflow"]["rapid"]["_t"], "Compare");
    assert_eq!(
        r.json["workflow"]["rapid"]["criteria"]["literal"],
        INSTRUCTION
    );
    assert_eq!(
        r.json["referee"],
        json!({"_t": "NaiveReferee", "totalVotes": 10})
    );
    let r = api.post(
        &format!("/job/definition/{def}/revision"),
        &json!({"workflow": compare_workflow("v2")}),
    );
    assert_eq!(r.status, 400);
    let r = api.post(
        &format!("/job/definition/{def}/revision"),
        &json!({"referee": {"_t": "QuorumReferee", "maxVotes": 6, "threshold": 4},
                "workflow": compare_workflow("v2")}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["revisionNumber"], 2);
    assert_eq!(
        api.get(&format!("/job/definition/{def}/revision/2")).json["referee"]["_t"],
        "QuorumReferee"
    );
    assert_eq!(
        api.get(&format!("/job/definition/{def}/revision/9")).status,
        404
    );
    assert_eq!(
        api.get(&format!("/job/definition/{def}/revisions")).json["total"],
        2
    );
    let r =
        api.get("/job/definitions?page=1&page_size=10&sort=-created_at&name%5Bcontains%5D=cost");
    assert_eq!(r.json["items"][0]["revisionCount"], 2);

    let r = api.post(
        "/job",
        &json!({"jobDefinitionId": def, "audienceId": "global", "checkForExplicitContent": null}),
    );
    let warning = &r.json["costWarning"];
    assert_eq!(warning["availableBalance"], 0.2);
    assert!(warning["shortfall"].as_f64().unwrap() > 0.0);
    let job = r.json["jobId"].as_str().unwrap().to_string();
    assert_eq!(api.get(&format!("/job/{job}")).json["revisionNumber"], 2);
    assert_eq!(api.get(&format!("/job/{job}/cost-estimate")).status, 409);
    api.wait_completed(&job, Duration::from_secs(5));
    let res = results(&api, &job);
    // Quorum 4 of max 6: stops once an option has 4 votes.
    let agg = &res["results"][0]["aggregatedResults"];
    let max = agg
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .max()
        .unwrap();
    assert_eq!(max, 4);
    assert_eq!(res["info"]["instruction"], "v2");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        api.get(&format!("/job/{job}/cost-estimate")).json["requiredResponses"],
        6
    );

    // Rapid kinds the crowd does not answer yet: refused at definition creation.
    let ds = api.get(&format!("/job/definition/{def}/revision")).json["datasetId"]
        .as_str()
        .unwrap()
        .to_string();
    let r = api.post(
        "/job/definition",
        &json!({"definitionName": "boxes", "datasetId": ds,
                "workflow": {"_t": "SimpleWorkflow", "rapid": {"_t": "Polygon", "asset": {"segment": "asset"},
                             "target": {"literal": "the cat"}}},
                "referee": {"_t": "NaiveReferee", "totalVotes": 3}}),
    );
    assert_eq!(r.status, 400, "{}", r.text);
    let m = r.json["errors"]["workflow.rapid._t"][0].as_str().unwrap();
    assert!(
        m.contains("Polygon") && m.contains("not supported by the sandbox yet"),
        "{m}"
    );
}
