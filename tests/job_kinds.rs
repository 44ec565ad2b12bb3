//! The job kinds beyond compare and classification, end to end against the offline
//! sandbox: a custom audience (qualified with the kind's own examples where the kind has
//! them), the definition, assignment, waiting, typed results, the table and the CSV.

use std::collections::BTreeMap;

use rapidata::api::types::DefinitionType;
use rapidata::audience::BoundingBox;
use rapidata::job::ResultKind;
use rapidata::DataItem;

#[path = "common/sandboxed.rs"]
mod sandboxed;
use sandboxed::{animal_audience, client, compare_audience, fast, sandbox};

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
        .responses_per_datapoint(6)
        .contexts(["[sandbox:a red car parked on a street]", "", ""])
        .private_metadata(vec![
            BTreeMap::from([("row".to_owned(), "1".to_owned())]),
            BTreeMap::new(),
            BTreeMap::new(),
        ])
        .create()
        .unwrap();
    assert_eq!(
        definition.definition_type(),
        Some(&DefinitionType::FreeText)
    );
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.kind(), &ResultKind::FreeText);
    let free = results.free_text().unwrap();
    assert_eq!(free.datapoints.len(), 3);
    for dp in &free.datapoints {
        assert_eq!(dp.answers().len(), 6, "{dp:?}");
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
    assert!(right >= 3, "{:?}", car.answers());
    assert!(free.datapoints[1].answers().contains(&"It shows blue boat"));
    let table = results.to_string();
    assert!(
        table.starts_with("Free text results \"Captions\": 3 datapoints"),
        "{table}"
    );
    assert!(table.contains("red_car.jpg"), "{table}");
    let (header, rows) = csv(&results, true);
    assert_eq!(rows, 18);
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
    let audience = client
        .audience()
        .create_audience("Glitch finders")
        .min_tasks(3)
        .create()
        .unwrap();
    for (i, b) in [
        BoundingBox::new(0.1, 0.2, 0.3, 0.5),
        BoundingBox::new(0.5, 0.5, 0.75, 1.0),
        BoundingBox::new(0.0, 0.0, 0.25, 0.25),
    ]
    .into_iter()
    .enumerate()
    {
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
        .responses_per_datapoint(10)
        .contexts(["[sandbox:25,75]", "A landscape."])
        .settings([rapidata::Setting::locate_max_points(3)])
        .create()
        .unwrap();
    assert_eq!(definition.definition_type(), Some(&DefinitionType::Locate));
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.kind(), &ResultKind::Locate);
    let locate = results.locate().unwrap();
    assert_eq!(locate.datapoints.len(), 2);
    let hinted = &locate.datapoints[0];
    assert_eq!(hinted.responses.len(), 10);
    let points = hinted.points();
    assert!(points
        .iter()
        .all(|p| (0.0..=100.0).contains(&p.x) && (0.0..=100.0).contains(&p.y)));
    let near = points
        .iter()
        .filter(|p| (p.x - 25.0).abs() <= 3.0 && (p.y - 75.0).abs() <= 3.0)
        .count();
    assert!(near >= 5, "{points:?}");
    let table = results.to_string();
    assert!(
        table.starts_with("Locate results \"Glitches\": 2 datapoints"),
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
        .responses_per_comparison(3)
        .contexts(["Short list", "Long list"])
        .create()
        .unwrap();
    assert_eq!(
        definition.definition_type(),
        Some(&DefinitionType::GroupedRanking)
    );
    let job = audience.assign_job(&definition).unwrap();
    let results = job.get_results_with((), fast()).unwrap();
    assert_eq!(results.kind(), &ResultKind::Ranking);
    let ranking = results.ranking().unwrap();
    assert_eq!(ranking.rankings.len(), 2);
    let short = &ranking.rankings[0];
    assert_eq!(short.context.as_deref(), Some("Short list"));
    // The longest list has more than 10 items, so the definition matches adaptively
    // (as the official SDK decides, over all lists): the 4-item list's 6 pairs fit in the
    // budget of 60, 3 responses each.
    assert_eq!(short.responses.len(), 6 * 3);
    let order = short.order();
    assert_eq!(order.len(), 4);
    assert!(order[0].ends_with("short_1.jpg"), "{order:?}");
    assert!(order[3].ends_with("short_4.jpg"), "{order:?}");
    let scores: Vec<f64> = short.items.iter().map(|i| i.score.unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // 60 matchups of the 12-item list's 66 pairs, 3 responses each.
    let long = &ranking.rankings[1];
    assert_eq!(long.items.len(), 12);
    assert_eq!(long.responses.len(), 60 * 3);
    assert!(long.order()[0].ends_with("long_1.jpg") || long.order()[1].ends_with("long_1.jpg"));
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
