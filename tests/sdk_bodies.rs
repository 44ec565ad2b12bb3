//! The create requests of the guide's workflow are the official SDK 3.27.1's, body for body.
//!
//! `tests/fixtures/sdk-3.27.1/*.json` are captures of what the official Python SDK sent
//! when `conformance/run.sh` ran its scenarios against our sandbox (see
//! `conformance/README.md`); `.ci/run` captures them afresh and points
//! `RAPIDATA_SDK_CAPTURE_DIR` at the new files, so the comparison is always with what the
//! SDK sends today. These tests run the same scenarios with this crate against an
//! in-process sandbox, read the sandbox's request journal, and compare the two after the
//! same normalisation: every id the server minted, and every uploaded file name, is
//! replaced by a placeholder naming where it came from. The bodies of every request that
//! creates or changes something (audience, examples, recruit, dataset, datapoints,
//! definition, job) must then be equal as multisets per route.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rapidata::job::{AnswerOptions, NewDatapoints};
use serde_json::Value;

include!("../examples/custom_audience/seed.rs");

#[path = "common/sandboxed.rs"]
mod sandboxed;
use sandboxed::{animal_audience, client, compare_audience, custom_audience, fast, sandbox};

/// The routes compared: every create request of the workflow.
const CREATE_ROUTES: &[&str] = &[
    "POST /audience",
    "POST /audience/{id}/example",
    "POST /audience/{id}/recruit",
    "POST /dataset",
    "POST /dataset/{id}/datapoint",
    "POST /dataset/{id}/group",
    "POST /job/definition",
    REVISION_ROUTE,
    "POST /job",
];

fn capture(name: &str) -> Vec<Value> {
    let dir = std::env::var_os("RAPIDATA_SDK_CAPTURE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdk-3.27.1")
        });
    let path = dir.join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the SDK capture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// `/dataset/6650…/datapoint` → `/dataset/{id}/datapoint`: a segment is an id when it holds
/// a digit, `_` or `%` (the same rule as `conformance/summarize.py`).
fn template(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg
                .chars()
                .any(|c| c.is_ascii_digit() || c == '_' || c == '%')
            {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `{url, fileName}` pair in a response (batch upload results).
fn url_file_pairs(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(u)), Some(Value::String(f))) =
                (m.get("url"), m.get("fileName"))
            {
                out.push((u.clone(), f.clone()));
            }
            m.values().for_each(|x| url_file_pairs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| url_file_pairs(x, out)),
        _ => {}
    }
}

/// The create requests of a journal as `route → sorted bodies`, with server-minted ids and
/// file names replaced by placeholders.
fn normalized(journal: &[Value], routes: &[&str]) -> BTreeMap<String, Vec<String>> {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut minted: HashMap<String, usize> = HashMap::new();
    for e in journal {
        let method = e["method"].as_str().unwrap_or("");
        let path = e["path"].as_str().unwrap_or("");
        let query = e["query"].as_str().unwrap_or("");
        let response = &e["response"];
        if let Some(Value::String(file)) = response.get("fileName") {
            let original = query_param(query, "url").unwrap_or_else(|| "file".to_owned());
            names.insert(file.clone(), format!("<file {original}>"));
        }
        let mut pairs = Vec::new();
        url_file_pairs(response, &mut pairs);
        for (url, file) in pairs {
            names.insert(file, format!("<file {url}>"));
        }
        if method == "POST" {
            if let Value::Object(m) = response {
                for (k, v) in m {
                    if let Value::String(id) = v {
                        if (k == "id" || k.ends_with("Id")) && !names.contains_key(id) {
                            let route = format!("{method} {}", template(path));
                            let n = minted.entry(format!("{route}.{k}")).or_default();
                            *n += 1;
                            names.insert(id.clone(), format!("<{route}.{k}#{n}>"));
                        }
                    }
                }
            }
        }
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in journal {
        let method = e["method"].as_str().unwrap_or("");
        let path = e["path"].as_str().unwrap_or("");
        let route = format!("{method} {}", template(path));
        if !routes.contains(&route.as_str()) {
            continue;
        }
        let status = e["status"].as_u64().unwrap_or(0);
        if !(200..300).contains(&status) {
            continue;
        }
        let mut body = e["body"].clone();
        replace(&mut body, &names);
        if route == REVISION_ROUTE {
            for member in ["workflow", "referee"] {
                if let Some(v) = body.get_mut(member) {
                    drop_nulls(v);
                }
            }
        }
        let mut p = path.to_owned();
        for (id, placeholder) in &names {
            p = p.replace(id.as_str(), placeholder);
        }
        out.entry(route)
            .or_default()
            .push(format!("{p} {}", serde_json::to_string(&body).unwrap()));
    }
    for bodies in out.values_mut() {
        bodies.sort();
    }
    out
}

/// The route of a revision save.
const REVISION_ROUTE: &str = "POST /job/definition/{id}/revision";

/// Removes every `null` member of the objects in `v`, at any depth.
///
/// Used on the workflow and referee of a revision save only: the official SDK sends back
/// the loaded revision's workflow through its generated models, whose `from_dict` marks
/// every member as set, so every nullable member it did not receive goes out as `null`
/// (`"batchSize": null`, `"title": {"language": null, …}`), where this crate sends the
/// members it received. Inside the workflow and referee the API reads a `null` member as
/// a missing one; the top-level members of the body (`validationSetId`, `aggregatorType`,
/// where `null` and missing differ) are still compared as sent.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn replace(v: &mut Value, names: &HashMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(p) = names.get(s.as_str()) {
                *s = p.clone();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| replace(x, names)),
        Value::Object(m) => m.values_mut().for_each(|x| replace(x, names)),
        // JSON has one number type: Python writes the float 1 as `1` where Rust writes
        // `1.0`. Whole numbers are compared as integers, every other number exactly.
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15) {
                *v = Value::from(f as i64);
            }
        }
        _ => {}
    }
}

/// Requests per route of a journal, for the comparison's report.
fn route_counts(journal: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for e in journal {
        let route = format!(
            "{} {}",
            e["method"].as_str().unwrap_or(""),
            template(e["path"].as_str().unwrap_or(""))
        );
        *counts.entry(route).or_default() += 1;
    }
    counts
}

fn assert_same(ours: &[Value], sdk: &[Value]) {
    let sdk_routes = assert_same_on(ours, sdk, CREATE_ROUTES);
    assert!(
        sdk_routes.iter().any(|r| r == "POST /job"),
        "the SDK capture must reach POST /job: {sdk_routes:?}"
    );
}

/// Compares the bodies of `routes` and returns the routes the SDK capture used.
fn assert_same_on(ours: &[Value], sdk: &[Value], routes: &[&str]) -> Vec<String> {
    let (a, b) = (route_counts(ours), route_counts(sdk));
    eprintln!(
        "requests: rapidata-rs {}, official SDK {}",
        ours.len(),
        sdk.len()
    );
    for route in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        eprintln!(
            "  {:>3} {:>3}  {route}",
            a.get(route).copied().unwrap_or(0),
            b.get(route).copied().unwrap_or(0)
        );
    }
    let ours = normalized(ours, routes);
    let sdk = normalized(sdk, routes);
    for route in routes {
        let a = ours.get(*route).cloned().unwrap_or_default();
        let b = sdk.get(*route).cloned().unwrap_or_default();
        if a != b {
            panic!(
                "{route} differs from the official SDK 3.27.1\n--- ours ({}):\n{}\n--- SDK ({}):\n{}",
                a.len(),
                a.join("\n"),
                b.len(),
                b.join("\n")
            );
        }
    }
    b.into_keys().collect()
}

#[test]
fn guide_compare_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = client
        .audience()
        .create_audience("Custom Prompt Alignment Audience")
        .min_tasks(8)
        .create()
        .unwrap();
    for (prompt, datapoint) in PROMPTS.iter().zip(DATAPOINTS) {
        audience
            .add_compare_example(INSTRUCTION, datapoint, datapoint[0])
            .context(*prompt)
            .send()
            .unwrap();
    }
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_compare_job_definition(
            "Prompt Alignment Job",
            INSTRUCTION,
            [[
                "https://assets.rapidata.ai/flux_book.jpg",
                "https://assets.rapidata.ai/mj_book.jpg",
            ]],
        )
        .contexts(["A small blue book sitting on a large red book."])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    job.get_results_with((), fast()).unwrap();
    assert_same(&sb.requests(), &capture("guide_compare"));
}

#[test]
fn classification_with_per_datapoint_options_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Animal Audience");
    let definition = client
        .job()
        .create_classification_job_definition(
            "Animal Job",
            "What animal is shown?",
            AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "dog", "bird"]]),
            [
                "https://assets.rapidata.ai/pet_1.jpg",
                "https://assets.rapidata.ai/pet_2.jpg",
            ],
        )
        .responses_per_datapoint(5)
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    // Every vote is one of its datapoint's own options.
    let c = results.classification().unwrap();
    assert_eq!(c.datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("classification"));
}

#[test]
fn normalisation_maps_minted_ids_and_file_names() {
    let journal: Vec<Value> = serde_json::from_str(
        r#"[
        {"method":"POST","path":"/audience","query":"","status":200,"body":{"name":"A"},"response":{"audienceId":"aud_X1"}},
        {"method":"POST","path":"/asset/url","query":"url=https%3A//e.com/a.jpg","status":200,"body":null,"response":{"fileName":"f-1.jpg"}},
        {"method":"POST","path":"/audience/aud_X1/example","query":"","status":200,"body":{"asset":{"name":"f-1.jpg"}},"response":{"id":"ex_1"}},
        {"method":"POST","path":"/dataset","query":"","status":500,"body":{"name":"lost"},"response":null}
    ]"#,
    )
    .unwrap();
    let n = normalized(&journal, CREATE_ROUTES);
    assert_eq!(
        n["POST /audience/{id}/example"],
        vec![
            "/audience/<POST /audience.audienceId#1>/example {\"asset\":{\"name\":\"<file https://e.com/a.jpg>\"}}"
                .to_owned()
        ]
    );
    assert!(
        !n.contains_key("POST /dataset"),
        "failed requests are not compared"
    );
}

#[test]
fn revision_saves_drop_nulls_inside_the_workflow_only() {
    let save = |body: &str| -> Vec<String> {
        let journal: Vec<Value> = serde_json::from_str(&format!(
            r#"[{{"method":"POST","path":"/job/definition/jd_1/revision","query":"","status":200,"body":{body},"response":{{"revisionNumber":2}}}}]"#
        ))
        .unwrap();
        normalized(&journal, CREATE_ROUTES)[REVISION_ROUTE].clone()
    };
    let sdk = save(
        r#"{"workflow":{"_t":"W","batchSize":null,"rapid":{"title":{"literal":"x","segment":null}}},"validationSetId":null}"#,
    );
    let ours =
        save(r#"{"workflow":{"_t":"W","rapid":{"title":{"literal":"x"}}},"validationSetId":null}"#);
    assert_eq!(sdk, ours);
    let without_top_level_null =
        save(r#"{"workflow":{"_t":"W","rapid":{"title":{"literal":"x"}}}}"#);
    assert_ne!(sdk, without_top_level_null);
}

#[test]
fn free_text_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Caption Audience");
    let definition = client
        .job()
        .create_free_text_job_definition(
            "Caption Job",
            "Describe the image in one sentence.",
            [
                "https://assets.rapidata.ai/red_car.jpg",
                "https://assets.rapidata.ai/blue_boat.jpg",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["A car on a street.", "A boat on a lake."])
        .settings([rapidata::Setting::free_text_min_characters(10)])
        .private_metadata(vec![
            BTreeMap::from([("id".to_owned(), "car".to_owned())]),
            BTreeMap::from([("id".to_owned(), "boat".to_owned())]),
        ])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    let answers = results.free_text().unwrap();
    assert_eq!(answers.datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("free_text"));
}

/// The locate (or draw) scenarios' three examples: one with a context, one with an
/// explanation, one with two boxes.
fn add_glitch_examples(audience: &rapidata::Audience, instruction: &str, draw: bool) {
    use rapidata::audience::BoundingBox;
    let examples = [
        ("glitch_1", vec![BoundingBox::new(0.1, 0.2, 0.3, 0.5)]),
        ("glitch_2", vec![BoundingBox::new(0.5, 0.5, 0.75, 1.0)]),
        (
            "glitch_3",
            vec![
                BoundingBox::new(0.0, 0.0, 0.25, 0.25),
                BoundingBox::new(0.6, 0.6, 0.8, 0.9),
            ],
        ),
    ];
    for (i, (image, boxes)) in examples.into_iter().enumerate() {
        let image = format!("https://assets.rapidata.ai/{image}.jpg");
        let mut example = if draw {
            audience.add_draw_example(instruction, image, boxes)
        } else {
            audience.add_locate_example(instruction, image, boxes)
        };
        example = match i {
            0 => example.context("Look at the left side."),
            1 => example.explanation("The hand has six fingers."),
            _ => example,
        };
        example.send().unwrap();
    }
}

#[test]
fn locate_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Glitch Audience");
    let instruction = "Tap on the glitch in the image.";
    add_glitch_examples(&audience, instruction, false);
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_locate_job_definition(
            "Glitch Job",
            "Tap on any visual glitch in the image.",
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["A portrait.", "A landscape."])
        .settings([rapidata::Setting::locate_max_points(3)])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.locate().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("locate"));
}

#[test]
fn ranking_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = compare_audience(&client, "Ranking Audience");
    let image = |name: &str| format!("https://assets.rapidata.ai/{name}.jpg");
    let definition = client
        .job()
        .create_ranking_job_definition(
            "Ranking Job",
            "Which image looks better?",
            [
                vec![
                    image("lighthouse_2"),
                    image("lighthouse_1"),
                    image("lighthouse_3"),
                ],
                vec![
                    image("forest_4"),
                    image("forest_1"),
                    image("forest_3"),
                    image("forest_2"),
                ],
            ],
            12,
        )
        .contexts(["A lighthouse at dusk", "A forest in the fog"])
        .media_contexts([image("lighthouse_ref"), image("forest_ref")])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.ranking().unwrap().rankings.len(), 2);
    assert_same(&sb.requests(), &capture("ranking"));
}

#[test]
fn select_words_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Caption Checkers");
    let instruction = "Select the words not correctly depicted in the image.";
    audience
        .add_select_words_example(
            instruction,
            "https://assets.rapidata.ai/black_cat.jpg",
            "a white cat on a sunny beach [No_mistakes]",
            [1],
        )
        .explanation("The cat in the image is black, not white.")
        .send()
        .unwrap();
    audience
        .add_select_words_example(
            instruction,
            "https://assets.rapidata.ai/red_bus.jpg",
            "a blue car in the snow [No_mistakes]",
            [1, 2],
        )
        .required_completeness(0.5)
        .send()
        .unwrap();
    audience
        .add_select_words_example(
            instruction,
            "https://assets.rapidata.ai/two_dogs.jpg",
            "two dogs playing in a park [No_mistakes]",
            [6],
        )
        .send()
        .unwrap();
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_select_words_job_definition(
            "Caption Check Job",
            instruction,
            [
                "https://assets.rapidata.ai/cat_couch.jpg",
                "https://assets.rapidata.ai/car_rain.jpg",
            ],
            [
                "A cat on a red couch [No_mistakes]",
                "A blue car in the rain [No_mistakes]",
            ],
        )
        .responses_per_datapoint(4)
        .private_metadata(vec![
            BTreeMap::from([("id".to_owned(), "a".to_owned())]),
            BTreeMap::from([("id".to_owned(), "b".to_owned())]),
        ])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.select_words().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("select_words"));
}

#[test]
fn draw_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Glitch Painters");
    let instruction = "Color in the glitch in the image.";
    add_glitch_examples(&audience, instruction, true);
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_draw_job_definition(
            "Glitch Drawing Job",
            "Color in any visual glitch in the image.",
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["A portrait.", "A landscape."])
        .private_metadata(vec![
            BTreeMap::from([("id".to_owned(), "p".to_owned())]),
            BTreeMap::from([("id".to_owned(), "l".to_owned())]),
        ])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.draw().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("draw"));
}

#[test]
fn timestamp_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Moment Audience");
    let definition = client
        .job()
        .create_timestamp_job_definition(
            "Moment Job",
            "Mark the moment the ball crosses the line.",
            [
                "https://assets.rapidata.ai/match_1.mp4",
                "https://assets.rapidata.ai/match_2.mp4",
            ],
        )
        .responses_per_datapoint(4)
        .contexts(["First half.", "Second half."])
        .private_metadata(vec![
            BTreeMap::from([("id".to_owned(), "1".to_owned())]),
            BTreeMap::from([("id".to_owned(), "2".to_owned())]),
        ])
        .create()
        .unwrap();
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.timestamp().unwrap().datapoints.len(), 2);
    assert_same(&sb.requests(), &capture("timestamp"));
}

/// `conformance/scenarios/validation_sets.py` with this crate: a set of each kind (and a
/// mixed one), their rapids, dimensions, and a definition pinned to one of them through a
/// saved revision. Every create and update body equals the SDK's for the same inputs.
#[test]
fn validation_set_bodies_equal_the_sdks() {
    use rapidata::audience::BoundingBox;
    use rapidata::validation::Rapid;
    use rapidata::DataItem;

    let img = |name: &str| format!("https://assets.rapidata.ai/{name}");
    let texts = |items: [&str; 2]| items.map(DataItem::text);
    let sb = sandbox();
    let client = client(&sb);
    let validation = client.validation();
    validation
        .create_classification_set(
            "Animal checks",
            "What animal is this?",
            ["Cat", "Dog", "Bird"],
            [img("cat.jpg"), img("dog.jpg")],
            [vec!["Cat"], vec!["Dog", "Bird"]],
        )
        .contexts(["Look closely", "A pet"])
        .media_contexts([
            vec![img("ref1.jpg")],
            vec![img("ref2.jpg"), img("ref3.jpg")],
        ])
        .explanations([Some("Whiskers."), None])
        .dimensions(["animals"])
        .create()
        .unwrap();
    let compare_set = validation
        .create_compare_set(
            "Joke checks",
            "Which joke is funnier?",
            [texts(["joke a", "joke b"]), texts(["joke c", "joke d"])],
            ["joke b", "joke c"].map(DataItem::text),
        )
        .contexts(["Two jokes", "Two more"])
        .create()
        .unwrap();
    validation
        .create_select_words_set(
            "Caption checks",
            "Select the words the image does not show.",
            [img("black_cat.jpg"), img("red_bus.jpg")],
            ["a white cat on a beach", "a blue car in the snow"],
            [vec![1], vec![1, 2]],
        )
        .required_completeness(0.5)
        .explanations([None, Some("The bus is red.")])
        .create()
        .unwrap();
    validation
        .create_locate_set(
            "Glitch checks",
            "Tap the glitch.",
            [img("glitch1.jpg"), img("glitch2.jpg")],
            [
                vec![BoundingBox::new(0.1, 0.2, 0.3, 0.4)],
                vec![
                    BoundingBox::new(0.0, 0.0, 0.5, 0.5),
                    BoundingBox::new(0.25, 0.25, 0.75, 0.75),
                ],
            ],
        )
        .contexts(["A render", "Another render"])
        .create()
        .unwrap();
    validation
        .create_draw_set(
            "Outline checks",
            "Draw over the cat.",
            [img("cat.jpg")],
            [[BoundingBox::new(0.2, 0.2, 0.6, 0.8)]],
        )
        .media_contexts([[img("ref1.jpg")]])
        .create()
        .unwrap();
    validation
        .create_timestamp_set(
            "Goal checks",
            "Stop when the ball crosses the line.",
            [img("goal1.mp4"), img("goal2.mp4")],
            [vec![(1200, 1900)], vec![(0, 500), (4000, 4500)]],
        )
        .explanations([None, Some("There are two goals.")])
        .create()
        .unwrap();
    validation
        .create_mixed_set(
            "Mixed checks",
            [
                Rapid::classification(
                    "Is the statement true?",
                    ["True", "False"],
                    DataItem::text("Fish can fly."),
                    ["False"],
                ),
                Rapid::compare(
                    "Which image is sharper?",
                    [img("sharp.jpg"), img("blurry.jpg")],
                    img("sharp.jpg"),
                )
                .context("Same scene"),
                Rapid::timestamp("Stop at the goal.", img("goal1.mp4"), [(10, 20)])
                    .explanation("The ball crosses the line early."),
            ],
        )
        .dimensions(["mixed"])
        .create()
        .unwrap();

    let mut definition = client
        .job()
        .create_compare_job_definition(
            "Joke Job",
            "Which joke is funnier?",
            [texts(["joke e", "joke f"])],
        )
        .responses_per_datapoint(3)
        .create()
        .unwrap();
    definition
        .set_validation_set_id(Some(compare_set.id()))
        .unwrap();
    definition.save(false).unwrap();
    let job = client
        .audience()
        .global_audience()
        .unwrap()
        .assign_job(&definition)
        .unwrap();
    job.get_results_with((), fast()).unwrap();

    // (The revision that pins the set is left out: the SDK sends the workflow back as it
    // read it, its unset members as `null`; this crate leaves them out.)
    let mut routes = CREATE_ROUTES.to_vec();
    routes.extend([
        "POST /validation-set",
        "POST /validation-set/{id}/rapid",
        "PATCH /validation-set/{id}",
    ]);
    let sdk_routes = assert_same_on(&sb.requests(), &capture("validation_sets"), &routes);
    assert!(
        sdk_routes
            .iter()
            .any(|r| r == "POST /validation-set/{id}/rapid"),
        "the SDK capture must add rapids: {sdk_routes:?}"
    );
}

#[test]
fn dataset_update_bodies_equal_the_sdks() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = animal_audience(&client, "Pet Audience");
    let image = |name: &str| format!("https://assets.rapidata.ai/{name}.jpg");
    let mut pets = client
        .job()
        .create_classification_job_definition(
            "Pet Job",
            "What animal is shown?",
            AnswerOptions::per_datapoint([vec!["cat", "dog"], vec!["cat", "dog", "bird"]]),
            [image("pet_1"), image("pet_2")],
        )
        .responses_per_datapoint(3)
        .create()
        .unwrap();
    let first = audience.assign_job(&pets).unwrap();
    pets.set_datapoints(
        NewDatapoints::new([image("pet_3"), image("pet_4"), image("pet_5")])
            .contexts(["On a sofa.", "In a garden.", "On a roof."])
            .answer_options(["cat", "dog", "bird"]),
    )
    .unwrap();
    assert_eq!(pets.save(false).unwrap(), 2);
    let second = audience.assign_job(&pets).unwrap();
    let mut captions = client
        .job()
        .create_free_text_job_definition(
            "Caption Job",
            "Describe the image in one sentence.",
            [image("red_car"), image("blue_boat")],
        )
        .responses_per_datapoint(3)
        .create()
        .unwrap();
    let meta = |id: &str| BTreeMap::from([("id".to_owned(), id.to_owned())]);
    captions
        .update_dataset(
            NewDatapoints::texts(["A red car.", "A blue boat.", "A green tree."])
                .private_metadata(vec![meta("car"), meta("boat"), meta("tree")]),
        )
        .unwrap();
    let third = audience.assign_job(&captions).unwrap();
    let counts: Vec<usize> = [first, second, third]
        .iter()
        .map(|job| job.get_results_with((), fast()).unwrap().len())
        .collect();
    assert_eq!(counts, [2, 3, 3]);
    assert_same(&sb.requests(), &capture("dataset_update"));
}
