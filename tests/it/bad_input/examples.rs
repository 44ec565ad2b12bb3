//! Bad input to qualification examples of every kind.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- qualification examples: compare ---------------------------------------
        Case {
            name: "compare example: one item",
            run: |fx| {
                let e = fx.audience.add_compare_example("Which?", [URL_A], URL_A);
                e.send()
            },
            expect: Invalid("datapoint"),
        },
        Case {
            name: "compare example: three items",
            run: |fx| {
                let items = [URL_A, URL_B, "https://assets.rapidata.ai/c.jpg"];
                fx.audience
                    .add_compare_example("Which?", items, URL_A)
                    .send()
            },
            expect: Invalid("datapoint"),
        },
        Case {
            name: "compare example: equal items",
            run: |fx| {
                let e = fx
                    .audience
                    .add_compare_example("Which?", [URL_A, URL_A], URL_A);
                e.send()
            },
            expect: Invalid("datapoint"),
        },
        Case {
            name: "compare example: truth not among the items",
            run: |fx| {
                let truth = "https://assets.rapidata.ai/other.jpg";
                let e = fx
                    .audience
                    .add_compare_example("Which?", [URL_A, URL_B], truth);
                e.send()
            },
            expect: Invalid("truth"),
        },
        Case {
            name: "compare example: instruction of 251 characters",
            run: |fx| {
                let e = fx
                    .audience
                    .add_compare_example(long(251), [URL_A, URL_B], URL_A);
                e.send()
            },
            expect: Invalid("instruction"),
        },
        Case {
            name: "compare example: empty instruction",
            run: |fx| {
                let e = fx.audience.add_compare_example("", [URL_A, URL_B], URL_A);
                e.send()
            },
            expect: Invalid("instruction"),
        },
        Case {
            name: "compare example: missing file",
            run: |fx| {
                let missing = fx.path("missing.png").display().to_string();
                let items = [missing.clone(), URL_B.to_owned()];
                fx.audience
                    .add_compare_example("Which?", items, URL_B)
                    .send()
            },
            expect: Invalid("datapoint[0]"),
        },
        Case {
            name: "compare example: URL without host",
            run: |fx| {
                let e = fx
                    .audience
                    .add_compare_example("Which?", [URL_A, "https://"], URL_A);
                e.send()
            },
            expect: Invalid("datapoint[1]"),
        },
        Case {
            name: "compare example: URL with a space in the host",
            run: |fx| {
                let items = [fx.image(), "https://exa mple.com/b.png".to_owned()];
                let e = fx.audience.add_compare_example("Which?", items, fx.image());
                e.send()
            },
            expect: Invalid("datapoint[1]"),
        },
        Case {
            name: "compare example: text as media context",
            run: |fx| {
                let e = fx
                    .audience
                    .add_compare_example("Which?", [URL_A, URL_B], URL_A);
                e.media_context([DataItem::text("not media")]).send()
            },
            expect: Invalid("media_context[0]"),
        },
        // ---- qualification examples: classification ---------------------------------
        Case {
            name: "classification example: truth not an option",
            run: |fx| {
                let e = fx.audience.add_classification_example(
                    "Animal?",
                    ["Cat", "Dog"],
                    URL_A,
                    ["Bird"],
                );
                e.send()
            },
            expect: Invalid("truth[0]"),
        },
        Case {
            name: "classification example: no options",
            run: |fx| {
                let options: [&str; 0] = [];
                let e = fx
                    .audience
                    .add_classification_example("Animal?", options, URL_A, ["Cat"]);
                e.send()
            },
            expect: Invalid("answer_options"),
        },
        Case {
            name: "classification example: duplicate option",
            run: |fx| {
                let e = fx.audience.add_classification_example(
                    "Animal?",
                    ["Cat", "Cat"],
                    URL_A,
                    ["Cat"],
                );
                e.send()
            },
            expect: Invalid("answer_options[1]"),
        },
        Case {
            name: "classification example: empty truth",
            run: |fx| {
                let truth: [&str; 0] = [];
                let e =
                    fx.audience
                        .add_classification_example("Animal?", ["Cat", "Dog"], URL_A, truth);
                e.send()
            },
            expect: Invalid("truth"),
        },
        Case {
            name: "classification example: missing file",
            run: |fx| {
                let e = fx.audience.add_classification_example(
                    "Animal?",
                    ["Cat", "Dog"],
                    fx.path("missing-cat.png"),
                    ["Cat"],
                );
                e.send()
            },
            expect: Invalid("datapoint"),
        },
        Case {
            name: "example update: empty id",
            run: |fx| fx.audience.update_example("").sort_index(1).send(),
            expect: Invalid("example_id"),
        },
        Case {
            name: "example update: probability above 1",
            run: |fx| {
                let u = fx.audience.update_example("ex_1");
                u.random_correct_probability(2.0).send()
            },
            expect: Invalid("random_correct_probability"),
        },
        Case {
            name: "example delete: empty id",
            run: |fx| fx.audience.delete_example(""),
            expect: Invalid("example_id"),
        },
        Case {
            name: "example update: empty winner id",
            run: |fx| fx.audience.update_example("ex_1").compare_truth("").send(),
            expect: Invalid("winner_id"),
        },
        // ---- qualification examples: select words --------------------------------
        Case {
            name: "select words example: no truth index",
            run: |fx| {
                let e = fx
                    .audience
                    .add_select_words_example("Select.", URL_A, "a red car", []);
                e.send()
            },
            expect: Invalid("truths"),
        },
        Case {
            name: "select words example: index past the last word",
            run: |fx| {
                let e = fx
                    .audience
                    .add_select_words_example("Select.", URL_A, "a red car", [0, 3]);
                e.send()
            },
            expect: Invalid("truths[1]"),
        },
        Case {
            name: "select words example: the same index twice",
            run: |fx| {
                let e = fx
                    .audience
                    .add_select_words_example("Select.", URL_A, "a red car", [1, 1]);
                e.send()
            },
            expect: Invalid("truths[1]"),
        },
        Case {
            name: "select words example: required precision above 1",
            run: |fx| {
                let e = fx
                    .audience
                    .add_select_words_example("Select.", URL_A, "a red car", [1])
                    .required_precision(2.0);
                e.send()
            },
            expect: Invalid("required_precision"),
        },
        Case {
            name: "select words example: empty sentence",
            run: |fx| {
                let e = fx
                    .audience
                    .add_select_words_example("Select.", URL_A, " ", [0]);
                e.send()
            },
            expect: Invalid("sentence"),
        },
        // ---- qualification examples: draw -------------------------------------------
        Case {
            name: "draw example: no truth box",
            run: |fx| {
                let e = fx.audience.add_draw_example("Color in.", URL_A, []);
                e.send()
            },
            expect: Invalid("truths"),
        },
        Case {
            name: "draw example: negative box edge",
            run: |fx| {
                let b = BoundingBox::new(-0.1, 0.1, 0.2, 0.2);
                let e = fx.audience.add_draw_example("Color in.", URL_A, [b]);
                e.send()
            },
            expect: Invalid("truths[0].x_min"),
        },
        // ---- qualification examples: locate ---------------------------------------
        Case {
            name: "locate example: no truth box",
            run: |fx| locate_example(fx, &[]),
            expect: Invalid("truths"),
        },
        Case {
            name: "locate example: box edge beyond the image (ratio above 1)",
            run: |fx| locate_example(fx, &[BoundingBox::new(0.5, 0.1, 1.5, 0.2)]),
            expect: Invalid("truths[0].x_max"),
        },
        Case {
            name: "locate example: box given in percent instead of ratios",
            run: |fx| {
                let ok = BoundingBox::new(0.1, 0.1, 0.2, 0.2);
                let percent = BoundingBox::new(10.0, 10.0, 20.0, 20.0);
                locate_example(fx, &[ok, percent])
            },
            expect: Invalid("truths[1].x_min"),
        },
        Case {
            name: "locate example: box with y_min not below y_max",
            run: |fx| locate_example(fx, &[BoundingBox::new(0.1, 0.4, 0.2, 0.4)]),
            expect: Invalid("truths[0].y_min"),
        },
        Case {
            name: "locate example: a text datapoint",
            run: |fx| {
                let b = BoundingBox::new(0.1, 0.1, 0.2, 0.2);
                let e = fx
                    .audience
                    .add_locate_example("Tap the glitch.", DataItem::text("x"), [b]);
                e.send()
            },
            expect: Invalid("datapoint"),
        },
        Case {
            name: "locate example: empty instruction",
            run: |fx| {
                let b = BoundingBox::new(0.1, 0.1, 0.2, 0.2);
                let e = fx.audience.add_locate_example("", URL_A, [b]);
                e.send()
            },
            expect: Invalid("instruction"),
        },
    ]
}

/// Adds a locate example of `URL_A` with these truth boxes.
fn locate_example(fx: &Fx, truths: &[BoundingBox]) -> rapidata::Result<()> {
    let truths = truths.to_vec();
    let example = fx
        .audience
        .add_locate_example("Tap the glitch.", URL_A, truths);
    example.send()
}
