//! Bad input to the job definition builders of every kind.

use super::*;

/// A case of a compare definition of one valid pair ([`Fx::compare`]) with one setting
/// spoiled by `$spoil`, refused naming `$argument`.
macro_rules! spoiled_compare {
    ($what:literal, |$b:ident| $spoil:expr, $argument:literal) => {
        Case {
            name: concat!("compare definition: ", $what),
            run: |fx| {
                let $b = fx.compare();
                $spoil.send().map(drop)
            },
            expect: Expect::Invalid($argument),
        }
    };
}

/// A case of a classification definition `Job` of these answer options and datapoints,
/// refused naming `$argument`.
macro_rules! classification {
    ($what:literal, $instruction:literal, $options:expr, $datapoints:expr, $argument:literal) => {
        Case {
            name: concat!("classification definition: ", $what),
            run: |fx| {
                let job = fx.client.job();
                let b = job.create_classification_job_definition(
                    "Job",
                    $instruction,
                    $options,
                    $datapoints,
                );
                b.send().map(drop)
            },
            expect: Expect::Invalid($argument),
        }
    };
}

pub(super) fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- job definitions: compare ----------------------------------------------
        Case {
            name: "compare definition: same item twice in a datapoint",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B], [URL_B, URL_B]],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            // Issue 16, defect 2: the results key votes by base name, so both sides would
            // pool under `0001.png`.
            name: "compare definition: two files with the same base name",
            run: |fx| {
                let (a, b) = same_base_name_pair(fx);
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B], [a.as_str(), b.as_str()]],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        spoiled_compare!(
            "contexts length mismatch",
            |b| b.contexts(["one", "two"]),
            "contexts"
        ),
        spoiled_compare!(
            "context of 401 characters",
            |b| b.contexts([long(401)]),
            "contexts[0]"
        ),
        spoiled_compare!(
            "media contexts length mismatch",
            |b| b.media_contexts([URL_A, URL_B]),
            "media_contexts"
        ),
        spoiled_compare!(
            "private metadata length mismatch",
            |b| b.private_metadata(vec![]),
            "private_metadata"
        ),
        spoiled_compare!(
            "confidence and quorum together",
            |b| b.confidence_threshold(0.9).quorum_threshold(3),
            "confidence_threshold"
        ),
        spoiled_compare!(
            "confidence threshold 1",
            |b| b.confidence_threshold(1.0),
            "confidence_threshold"
        ),
        spoiled_compare!(
            "confidence threshold NaN",
            |b| b.confidence_threshold(f64::NAN),
            "confidence_threshold"
        ),
        spoiled_compare!("quorum 0", |b| b.quorum_threshold(0), "quorum_threshold"),
        spoiled_compare!(
            "quorum above responses",
            |b| b.responses_per_datapoint(5).quorum_threshold(6),
            "quorum_threshold"
        ),
        spoiled_compare!(
            "failure tolerance above 1",
            |b| b.failure_tolerance(1.5),
            "failure_tolerance"
        ),
        spoiled_compare!(
            "failure tolerance NaN",
            |b| b.failure_tolerance(f64::NAN),
            "failure_tolerance"
        ),
        spoiled_compare!(
            "0 responses per datapoint",
            |b| b.responses_per_datapoint(0),
            "responses_per_datapoint"
        ),
        spoiled_compare!(
            "empty A/B name",
            |b| b.a_b_names(["Model A", " "]),
            "a_b_names[1]"
        ),
        Case {
            name: "compare definition: missing file",
            run: |fx| {
                let missing = fx.path("missing-b.png").display().to_string();
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[fx.image(), missing]],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[0][1]"),
        },
        Case {
            name: "compare definition: a directory as file",
            run: |fx| {
                let dir = fx.dir.path().display().to_string();
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[dir, fx.image()]],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[0][0]"),
        },
        Case {
            name: "compare definition: URL with a bad port",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, "https://assets.rapidata.ai:99999/b.jpg"]],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[0][1]"),
        },
        Case {
            name: "compare definition: empty name",
            run: |fx| {
                let b =
                    fx.client
                        .job()
                        .create_compare_job_definition("", "Which?", [[URL_A, URL_B]]);
                b.send().map(drop)
            },
            expect: Invalid("name"),
        },
        Case {
            name: "compare definition: no datapoints",
            run: |fx| {
                let none: Vec<[&str; 2]> = Vec::new();
                let b = fx
                    .client
                    .job()
                    .create_compare_job_definition("Job", "Which?", none);
                b.send().map(drop)
            },
            expect: Invalid("datapoints"),
        },
        Case {
            name: "compare definition: instruction of 251 characters",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    long(251),
                    [[URL_A, URL_B]],
                );
                b.send().map(drop)
            },
            expect: Invalid("instruction"),
        },
        // ---- job definitions: classification ----------------------------------------
        classification!("one option", "Animal?", ["Cat"], [URL_A], "answer_options"),
        classification!(
            "duplicate option",
            "Animal?",
            ["Cat", "Dog", "Cat"],
            [URL_A],
            "answer_options[2]"
        ),
        classification!(
            "nine options",
            "Which digit?",
            ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
            [URL_A],
            "answer_options"
        ),
        classification!(
            "per-datapoint options, one list short",
            "Animal?",
            AnswerOptions::per_datapoint([["Cat", "Dog"]]),
            [URL_A, URL_B],
            "answer_options"
        ),
        classification!(
            "per-datapoint options, one option",
            "Animal?",
            AnswerOptions::per_datapoint([vec!["Cat", "Dog"], vec!["Cat"]]),
            [URL_A, URL_B],
            "answer_options[1]"
        ),
        classification!(
            "per-datapoint options, duplicate",
            "Animal?",
            AnswerOptions::per_datapoint([vec!["Cat", "Dog"], vec!["Cat", "Dog", "Cat"]]),
            [URL_A, URL_B],
            "answer_options[1][2]"
        ),
        Case {
            name: "classification definition: missing file",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    ["Cat", "Dog"],
                    [fx.image(), fx.path("missing-dog.png").display().to_string()],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        classification!(
            "empty text datapoint",
            "True?",
            ["Yes", "No"],
            [DataItem::text("")],
            "datapoints[0]"
        ),
        // ---- job definitions: free text -------------------------------------------
        Case {
            name: "free text definition: empty instruction",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_free_text_job_definition("Job", " ", [URL_A]);
                b.send().map(drop)
            },
            expect: Invalid("instruction"),
        },
        Case {
            name: "free text definition: no datapoints",
            run: |fx| {
                let none: [&str; 0] = [];
                let b =
                    fx.client
                        .job()
                        .create_free_text_job_definition("Job", "Describe it.", none);
                b.send().map(drop)
            },
            expect: Invalid("datapoints"),
        },
        Case {
            name: "free text definition: contexts not one per datapoint",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_free_text_job_definition("Job", "Describe it.", [URL_A, URL_B])
                    .contexts(["only one"]);
                b.send().map(drop)
            },
            expect: Invalid("contexts"),
        },
        Case {
            name: "free text definition: zero responses per datapoint",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_free_text_job_definition("Job", "Describe it.", [URL_A])
                    .responses_per_datapoint(0);
                b.send().map(drop)
            },
            expect: Invalid("responses_per_datapoint"),
        },
        Case {
            name: "free text definition: private metadata not one per datapoint",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_free_text_job_definition("Job", "Describe it.", [URL_A])
                    .private_metadata(vec![Default::default(), Default::default()]);
                b.send().map(drop)
            },
            expect: Invalid("private_metadata"),
        },
        // ---- job definitions: locate ----------------------------------------------
        Case {
            name: "locate definition: a text datapoint",
            run: |fx| {
                let b = fx.client.job().create_locate_job_definition(
                    "Job",
                    "Tap the glitch.",
                    [DataItem::from(URL_A), DataItem::text("no image")],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            name: "locate definition: instruction of 251 characters",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_locate_job_definition("Job", long(251), [URL_A]);
                b.send().map(drop)
            },
            expect: Invalid("instruction"),
        },
        Case {
            name: "locate definition: failure tolerance above 1",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_locate_job_definition("Job", "Tap the glitch.", [URL_A])
                    .failure_tolerance(1.5);
                b.send().map(drop)
            },
            expect: Invalid("failure_tolerance"),
        },
        // ---- job definitions: ranking ---------------------------------------------
        Case {
            name: "ranking definition: a list of one item",
            run: |fx| {
                let b = fx.client.job().create_ranking_job_definition(
                    "Job",
                    "Which is better?",
                    [vec![URL_A, URL_B], vec![URL_A]],
                    10,
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            name: "ranking definition: the same item twice in a list",
            run: |fx| {
                let b = fx.client.job().create_ranking_job_definition(
                    "Job",
                    "Which is better?",
                    [[URL_A, URL_B, URL_A]],
                    10,
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[0][2]"),
        },
        Case {
            name: "ranking definition: contexts not one per list",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_ranking_job_definition("Job", "Which?", [[URL_A, URL_B]], 10)
                    .contexts(["one", "two"]);
                b.send().map(drop)
            },
            expect: Invalid("contexts"),
        },
        Case {
            name: "ranking definition: a text as media context",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_ranking_job_definition("Job", "Which?", [[URL_A, URL_B]], 10)
                    .media_contexts([DataItem::text("not media")]);
                b.send().map(drop)
            },
            expect: Invalid("media_contexts[0]"),
        },
        Case {
            name: "ranking definition: a comparison budget of 0",
            run: |fx| {
                let b = fx.client.job().create_ranking_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                    0,
                );
                b.send().map(drop)
            },
            expect: Invalid("comparison_budget_per_ranking"),
        },
        Case {
            name: "ranking definition: zero responses per comparison",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_ranking_job_definition("Job", "Which?", [[URL_A, URL_B]], 10)
                    .responses_per_comparison(0);
                b.send().map(drop)
            },
            expect: Invalid("responses_per_comparison"),
        },
        Case {
            name: "ranking definition: random comparisons ratio above 1",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_ranking_job_definition("Job", "Which?", [[URL_A, URL_B]], 10)
                    .random_comparisons_ratio(1.5);
                b.send().map(drop)
            },
            expect: Invalid("random_comparisons_ratio"),
        },
        Case {
            name: "ranking definition: no lists",
            run: |fx| {
                let none: Vec<Vec<&str>> = Vec::new();
                let b = fx
                    .client
                    .job()
                    .create_ranking_job_definition("Job", "Which?", none, 10);
                b.send().map(drop)
            },
            expect: Invalid("datapoints"),
        },
        // ---- job definitions: select words ----------------------------------------
        Case {
            name: "select words definition: sentences not one per datapoint",
            run: |fx| {
                let b = fx.client.job().create_select_words_job_definition(
                    "Job",
                    "Select the wrong words.",
                    [URL_A, URL_B],
                    ["a red car"],
                );
                b.send().map(drop)
            },
            expect: Invalid("sentences"),
        },
        Case {
            name: "select words definition: a one-word sentence",
            run: |fx| {
                let b = fx.client.job().create_select_words_job_definition(
                    "Job",
                    "Select the wrong words.",
                    [URL_A, URL_B],
                    ["a red car", "car"],
                );
                b.send().map(drop)
            },
            expect: Invalid("sentences[1]"),
        },
        Case {
            name: "select words definition: empty instruction",
            run: |fx| {
                let b = fx.client.job().create_select_words_job_definition(
                    "Job",
                    "",
                    [URL_A],
                    ["a red car"],
                );
                b.send().map(drop)
            },
            expect: Invalid("instruction"),
        },
        // ---- job definitions: draw and timestamp -----------------------------------
        Case {
            name: "draw definition: a text datapoint",
            run: |fx| {
                let b = fx.client.job().create_draw_job_definition(
                    "Job",
                    "Color in the glitch.",
                    [DataItem::text("no image")],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        Case {
            name: "draw definition: media contexts not one per datapoint",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_draw_job_definition("Job", "Color in the glitch.", [URL_A])
                    .media_contexts([URL_A, URL_B]);
                b.send().map(drop)
            },
            expect: Invalid("media_contexts"),
        },
        Case {
            name: "timestamp definition: a text datapoint",
            run: |fx| {
                let b = fx.client.job().create_timestamp_job_definition(
                    "Job",
                    "Mark the goal.",
                    [DataItem::text("no video")],
                );
                b.send().map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        Case {
            name: "timestamp definition: contexts not one per datapoint",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_timestamp_job_definition("Job", "Mark the goal.", [URL_A])
                    .contexts(["a", "b"]);
                b.send().map(drop)
            },
            expect: Invalid("contexts"),
        },
    ]
}
