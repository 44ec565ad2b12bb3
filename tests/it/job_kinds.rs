//! The job kinds beyond compare and classification, end to end against the offline
//! sandbox: a custom audience (qualified with the kind's own examples where the kind has
//! them), the definition, assignment, waiting, typed results, the table and the CSV.

use std::collections::BTreeMap;

use rapidata::api::types::DefinitionType;
use rapidata::audience::BoundingBox;
use rapidata::job::ResultKind;
use rapidata::DataItem;

use crate::support::sandboxed;
use sandboxed::{animal_audience, client, compare_audience, custom_audience, fast, sandbox};

/// The truths of the locate and draw tests' three examples.
const GLITCH_BOXES: [BoundingBox; 3] = [
    BoundingBox {
        x_min: 0.1,
        y_min: 0.2,
        x_max: 0.3,
        y_max: 0.5,
    },
    BoundingBox {
        x_min: 0.5,
        y_min: 0.5,
        x_max: 0.75,
        y_max: 1.0,
    },
    BoundingBox {
        x_min: 0.0,
        y_min: 0.0,
        x_max: 0.25,
        y_max: 0.25,
    },
];

/// Assigns `definition` (of type `definition_type`) to `audience` and waits for its
/// results, of kind `kind`.
fn run(
    audience: &rapidata::Audience,
    definition: &rapidata::job::JobDefinition,
    definition_type: DefinitionType,
    kind: ResultKind,
) -> rapidata::job::JobResults {
    assert_eq!(definition.definition_type(), Some(&definition_type));
    let job = audience.assign_job(definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.kind(), &kind);
    results
}

fn csv(results: &rapidata::job::JobResults, detailed: bool) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    results.write_csv(&mut out, detailed).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    (header, lines.count())
}

#[test]
fn free_text_job_on_a_custom_audience_returns_answers_per_datapoint() {
    let sb = sandbox();
    let client = client(&sb);
    // Free text has no examples of its own: the audience is trained on classification.
    let audience = animal_audience(&client, "Describers");
    let definition = client
        .job()
        .create_free_text_job_definition(
            "Captions",
            "Describe the image in one sentence.",
            [
                DataItem::from("https://assets.rapidata.ai/red_car.jpg"),
                DataItem::from("https://assets.rapidata.ai/blue_boat.jpg"),
                DataItem::text("The quick brown fox."),
            ],
        )
        .responses_per_datapoint(12)
        .contexts(["[sandbox:a red car parked on a street]", "", ""])
        .private_metadata(vec![
            BTreeMap::from([("row".to_owned(), "1".to_owned())]),
            BTreeMap::new(),
            BTreeMap::new(),
        ])
        .send()
        .unwrap();
    let results = run(
        &audience,
        &definition,
        DefinitionType::FreeText,
        ResultKind::FreeText,
    );
    let free = results.free_text().unwrap();
    assert_eq!(free.datapoints.len(), 3);
    for dp in &free.datapoints {
        assert_eq!(dp.answers().len(), 12, "{dp:?}");
        assert!(dp.responses.iter().all(|r| r.user.country.is_some()));
    }
    let car = &free.datapoints[0];
    assert_eq!(car.asset.private_metadata["row"], "1");
    assert_eq!(car.asset.original_file_name.as_deref(), Some("red_car.jpg"));
    // Most labelers write the hidden answer; the rest are vaguer.
    let right = car
        .answers()
        .iter()
        .filter(|a| **a == "a red car parked on a street")
        .count();
    assert!(right >= 5, "{:?}", car.answers());
    assert!(free.datapoints[1].answers().contains(&"It shows blue boat"));
    let table = results.to_string();
    assert!(
        table.starts_with("Free text results \"Captions\": 3 datapoints"),
        "{table}"
    );
    assert!(table.contains("red_car.jpg"), "{table}");
    let (header, rows) = csv(&results, true);
    assert_eq!(rows, 36);
    for column in [
        "identifier",
        "originalFileName",
        "answer",
        "userDetails_country",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
}

#[test]
fn locate_job_on_an_audience_qualified_with_locate_examples_returns_taps_near_the_target() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Glitch finders");
    for (i, b) in GLITCH_BOXES.into_iter().enumerate() {
        audience
            .add_locate_example(
                "Tap on the glitch in the image.",
                format!("https://assets.rapidata.ai/glitch_{i}.jpg"),
                [b],
            )
            .send()
            .unwrap();
    }
    assert_eq!(audience.examples().unwrap().len(), 3);
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_locate_job_definition(
            "Glitches",
            "Tap on any visual glitch in the image.",
            [
                "https://assets.rapidata.ai/render_1.jpg",
                "https://assets.rapidata.ai/render_2.jpg",
            ],
        )
        .responses_per_datapoint(20)
        .contexts(["[sandbox:25,75]", "A landscape."])
        .settings([rapidata::Setting::locate_max_points(3)])
        .send()
        .unwrap();
    let results = run(
        &audience,
        &definition,
        DefinitionType::Locate,
        ResultKind::Locate,
    );
    let locate = results.locate().unwrap();
    assert_eq!(locate.datapoints.len(), 2);
    let hinted = &locate.datapoints[0];
    assert_eq!(hinted.responses.len(), 20);
    let points = hinted.points();
    assert!(points
        .iter()
        .all(|p| (0.0..=100.0).contains(&p.x) && (0.0..=100.0).contains(&p.y)));
    let near = points
        .iter()
        .filter(|p| (p.x - 25.0).abs() <= 3.0 && (p.y - 75.0).abs() <= 3.0)
        .count();
    // Labelers find the target with probability = their skill (0.5–1).
    assert!(near >= 10, "{points:?}");
    let table = results.to_string();
    assert!(
        table.starts_with("Locate results \"Glitches\": 2 datapoints"),
        "{table}"
    );
    let (header, rows) = csv(&results, true);
    assert_eq!(rows, 40);
    assert!(
        header.iter().any(|h| h == "userDetails_country"),
        "{header:?}"
    );
}

#[test]
fn ranking_job_on_an_audience_qualified_with_compare_examples_recovers_the_hidden_order() {
    let sb = sandbox();
    let client = client(&sb);
    // A ranking is judged in pairwise matchups: compare examples train for it.
    let audience = compare_audience(&client, "Rankers");
    // The sandbox's hidden order: the lower the number in the file name, the better.
    let short: Vec<String> = [3, 1, 4, 2]
        .iter()
        .map(|n| format!("https://assets.rapidata.ai/short_{n}.jpg"))
        .collect();
    let long: Vec<String> = (1..=12)
        .rev()
        .map(|n| format!("https://assets.rapidata.ai/long_{n}.jpg"))
        .collect();
    let definition = client
        .job()
        .create_ranking_job_definition(
            "Quality ranking",
            "Which image looks better?",
            [short, long],
            60,
        )
        .responses_per_comparison(5)
        .contexts(["Short list", "Long list"])
        .send()
        .unwrap();
    let results = run(
        &audience,
        &definition,
        DefinitionType::GroupedRanking,
        ResultKind::Ranking,
    );
    let ranking = results.ranking().unwrap();
    assert_eq!(ranking.rankings.len(), 2);
    let short = &ranking.rankings[0];
    assert_eq!(short.context.as_deref(), Some("Short list"));
    // The longest list has more than 10 items, so the definition matches adaptively
    // (as the official SDK decides, over all lists): the 4-item list's 6 pairs fit in the
    // budget of 60, 5 responses each.
    assert_eq!(short.responses.len(), 6 * 5);
    // Labelers are noisy (skill 0.5–1, who answers depends on timing), so the recovered
    // order is close to the hidden one rather than equal: the best above the worst.
    let order = short.order();
    assert_eq!(order.len(), 4);
    let at = |order: &[&str], name: &str| order.iter().position(|id| id.ends_with(name)).unwrap();
    assert!(
        at(&order, "short_1.jpg") < at(&order, "short_4.jpg"),
        "{order:?}"
    );
    let scores: Vec<f64> = short.items.iter().map(|i| i.score.unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // 60 matchups of the 12-item list's 66 pairs, 5 responses each.
    let long = &ranking.rankings[1];
    assert_eq!(long.items.len(), 12);
    assert_eq!(long.responses.len(), 60 * 5);
    // Noisy labelers and an incomplete schedule: the order is close to, not equal to, the
    // hidden one. The better half (1–6) ranks above the worse half on average.
    let position = |n: usize| {
        let name = format!("long_{n}.jpg");
        long.order()
            .iter()
            .position(|id| id.ends_with(&name))
            .unwrap()
    };
    let better: usize = (1..=6).map(position).sum();
    let worse: usize = (7..=12).map(position).sum();
    assert!(better < worse, "{:?}", long.order());
    let table = results.to_string();
    assert!(
        table.starts_with("Ranking results \"Quality ranking\": 2 rankings"),
        "{table}"
    );
    let (header, rows) = csv(&results, false);
    assert_eq!(rows, 2);
    assert!(
        header
            .iter()
            .any(|h| h == "https://assets.rapidata.ai/short_1.jpg_scores"),
        "{header:?}"
    );
}

#[test]
fn select_words_job_on_an_audience_qualified_with_select_words_examples_finds_the_words() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Caption checkers");
    let instruction = "Select the words not correctly depicted in the image.";
    for (image, sentence, truth) in [
        ("black_cat", "a white cat on a beach [No_mistakes]", 1),
        ("red_bus", "a blue bus in the snow [No_mistakes]", 1),
        ("two_dogs", "two dogs in a park [No_mistakes]", 5),
    ] {
        audience
            .add_select_words_example(
                instruction,
                format!("https://assets.rapidata.ai/{image}.jpg"),
                sentence,
                [truth],
            )
            .send()
            .unwrap();
    }
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_select_words_job_definition(
            "Caption check",
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
        .responses_per_datapoint(10)
        .private_metadata(vec![
            // The sandbox's hidden truth: "red" is wrong; the other sentence is right.
            BTreeMap::from([("sandbox".to_owned(), "4".to_owned())]),
            BTreeMap::new(),
        ])
        .send()
        .unwrap();
    let results = run(
        &audience,
        &definition,
        DefinitionType::Transcription,
        ResultKind::SelectWords,
    );
    let sw = results.select_words().unwrap();
    assert_eq!(sw.datapoints.len(), 2);
    let couch = &sw.datapoints[0];
    assert_eq!(couch.responses.len(), 10);
    assert_eq!(couch.words.len(), 7);
    assert_eq!(couch.words[4].word, "red");
    assert_eq!(couch.selected_by(0.5), [4], "{:?}", couch.words);
    assert_eq!(sw.datapoints[1].selected_by(0.5), [6]);
    let table = results.to_string();
    assert!(
        table.starts_with("Select words results \"Caption check\": 2 datapoints"),
        "{table}"
    );
    let (header, rows) = csv(&results, true);
    assert_eq!(rows, 20);
    assert!(
        header.iter().any(|h| h == "userDetails_country"),
        "{header:?}"
    );
}

#[test]
fn draw_job_on_an_audience_qualified_with_draw_examples_returns_lines_near_the_target() {
    let sb = sandbox();
    let client = client(&sb);
    let audience = custom_audience(&client, "Glitch painters");
    for (i, b) in GLITCH_BOXES.into_iter().enumerate() {
        audience
            .add_draw_example(
                "Color in the glitch in the image.",
                format!("https://assets.rapidata.ai/glitch_{i}.jpg"),
                [b],
            )
            .send()
            .unwrap();
    }
    audience.start_recruiting().unwrap();
    let definition = client
        .job()
        .create_draw_job_definition(
            "Glitch lines",
            "Color in any visual glitch in the image.",
            ["https://assets.rapidata.ai/render_1.jpg"],
        )
        .responses_per_datapoint(20)
        .contexts(["[sandbox:60,40]"])
        .send()
        .unwrap();
    let results = run(
        &audience,
        &definition,
        DefinitionType::Line,
        ResultKind::Draw,
    );
    let draw = results.draw().unwrap();
    let dp = &draw.datapoints[0];
    assert_eq!(dp.responses.len(), 20);
    assert!(dp
        .responses
        .iter()
        .all(|r| r.lines.len() == 1 && r.lines[0].len() == 3));
    // A labeler draws over the target with probability = their skill (0.5–1).
    let near = dp
        .responses
        .iter()
        .filter(|r| {
            r.lines[0]
                .iter()
                .all(|p| (p.x - 60.0).abs() <= 5.0 && (p.y - 40.0).abs() <= 5.0)
        })
        .count();
    assert!(near >= 10, "{:?}", dp.responses);
    assert!(results
        .to_string()
        .starts_with("Draw results \"Glitch lines\": 1 datapoints"));
}

#[test]
fn timestamp_job_returns_moments_near_the_hidden_one() {
    let sb = sandbox();
    let client = client(&sb);
    // No timestamp examples exist: the audience is trained on classification.
    let audience = animal_audience(&client, "Moment markers");
    let definition = client
        .job()
        .create_timestamp_job_definition(
            "Goals",
            "Mark the moment the ball crosses the line.",
            ["https://assets.rapidata.ai/match_1.mp4"],
        )
        .responses_per_datapoint(30)
        .contexts(["[sandbox:12.5]"])
        .send()
        .unwrap();
    let results = run(
        &audience,
        &definition,
        DefinitionType::Scrub,
        ResultKind::Timestamp,
    );
    let dp = &results.timestamp().unwrap().datapoints[0];
    assert_eq!(dp.responses.len(), 30);
    // Labelers who find it mark within half a second; the median is theirs.
    let median = dp.median_ms().unwrap();
    assert!((12_000..=13_000).contains(&median), "{median}");
    assert!(results
        .to_string()
        .starts_with("Timestamp results \"Goals\": 1 datapoints"));
}
