//! Bad input to validation sets, with and without rapids.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- validation sets -------------------------------------------------------------
        Case {
            name: "validation set: create with a blank name",
            run: |fx| {
                fx.client
                    .validation()
                    .create_validation_set("")
                    .send()
                    .map(drop)
            },
            expect: Invalid("name"),
        },
        Case {
            name: "validation set: a blank dimension",
            run: |fx| {
                fx.client
                    .validation()
                    .create_validation_set("Checks")
                    .dimensions(["quality", " "])
                    .send()
                    .map(drop)
            },
            expect: Invalid("dimensions[1]"),
        },
        Case {
            name: "validation set: look up an empty id",
            run: |fx| {
                fx.client
                    .validation()
                    .get_validation_set_by_id("")
                    .map(drop)
            },
            expect: Invalid("validation_set_id"),
        },
        Case {
            name: "validation set: find page 0",
            run: |fx| {
                first_of(
                    fx.client
                        .validation()
                        .find_validation_sets("")
                        .page(0)
                        .iter(),
                )
            },
            expect: Invalid("page"),
        },
        // ---- validation sets with rapids ------------------------------------------------
        Case {
            name: "classification set: fewer truths than datapoints",
            run: |fx| cat_dog_set(fx, vec![vec!["Cat"]]),
            expect: Invalid("truths"),
        },
        Case {
            name: "classification set: a truth that is not an option",
            run: |fx| cat_dog_set(fx, vec![vec!["Cat"], vec!["Dog", "Bird"]]),
            expect: Invalid("truths[1][1]"),
        },
        Case {
            name: "classification set: no datapoints",
            run: |fx| {
                fx.client
                    .validation()
                    .create_classification_set(
                        "S",
                        "Animal?",
                        ["Cat"],
                        Vec::<String>::new(),
                        Vec::<Vec<String>>::new(),
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("datapoints"),
        },
        Case {
            name: "classification set: contexts of another length",
            run: |fx| {
                fx.client
                    .validation()
                    .create_classification_set("S", "Animal?", ["Cat", "Dog"], [URL_A], [["Cat"]])
                    .contexts(["one", "two"])
                    .send()
                    .map(drop)
            },
            expect: Invalid("contexts"),
        },
        Case {
            name: "classification set: text as media context",
            run: |fx| {
                fx.client
                    .validation()
                    .create_classification_set("S", "Animal?", ["Cat", "Dog"], [URL_A], [["Cat"]])
                    .media_contexts([[DataItem::text("not media")]])
                    .send()
                    .map(drop)
            },
            expect: Invalid("media_contexts[0][0]"),
        },
        Case {
            name: "validation set with rapids: a blank name",
            run: |fx| {
                fx.client
                    .validation()
                    .create_classification_set(" ", "Animal?", ["Cat", "Dog"], [URL_A], [["Cat"]])
                    .send()
                    .map(drop)
            },
            expect: Invalid("name"),
        },
        Case {
            name: "compare set: a truth that is not in its pair",
            run: |fx| {
                fx.client
                    .validation()
                    .create_compare_set(
                        "S",
                        "Sharper?",
                        [[URL_A, URL_B], [URL_B, URL_A]],
                        [URL_A, "c.jpg"],
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("truths[1]"),
        },
        Case {
            name: "compare set: three items in a pair",
            run: |fx| {
                fx.client
                    .validation()
                    .create_compare_set("S", "Sharper?", [vec![URL_A, URL_B, URL_A]], [URL_A])
                    .send()
                    .map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        Case {
            name: "select-words set: a word index past the sentence",
            run: |fx| {
                two_image_select_words_set(fx, &["a cat", "a red dog"], vec![vec![1], vec![0, 3]])
            },
            expect: Invalid("truths[1][1]"),
        },
        Case {
            name: "select-words set: sentences of another length",
            run: |fx| two_image_select_words_set(fx, &["a cat"], vec![vec![1], vec![0]]),
            expect: Invalid("sentences"),
        },
        Case {
            name: "select-words set: a precision above 1",
            run: |fx| {
                fx.client
                    .validation()
                    .create_select_words_set("S", "Wrong words?", [URL_A], ["a cat"], [vec![1]])
                    .required_precision(1.5)
                    .send()
                    .map(drop)
            },
            expect: Invalid("required_precision"),
        },
        Case {
            name: "select-words set: contexts are not taken",
            run: |fx| {
                fx.client
                    .validation()
                    .create_select_words_set("S", "Wrong words?", [URL_A], ["a cat"], [vec![1]])
                    .contexts(["shown instead of the sentence"])
                    .send()
                    .map(drop)
            },
            expect: Invalid("contexts[0]"),
        },
        Case {
            name: "locate set: a box past the image",
            run: |fx| {
                fx.client
                    .validation()
                    .create_locate_set(
                        "S",
                        "Tap the cat.",
                        [URL_A, URL_B],
                        [
                            vec![BoundingBox::new(0.1, 0.1, 0.2, 0.2)],
                            vec![BoundingBox::new(0.5, 0.5, 1.2, 0.9)],
                        ],
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("truths[1][0].x_max"),
        },
        Case {
            name: "draw set: no truth box",
            run: |fx| {
                fx.client
                    .validation()
                    .create_draw_set("S", "Draw the cat.", [URL_A], [Vec::<BoundingBox>::new()])
                    .send()
                    .map(drop)
            },
            expect: Invalid("truths[0]"),
        },
        Case {
            name: "locate set: a text datapoint",
            run: |fx| {
                fx.client
                    .validation()
                    .create_locate_set(
                        "S",
                        "Tap the cat.",
                        [DataItem::text("a cat")],
                        [[BoundingBox::new(0.1, 0.1, 0.2, 0.2)]],
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        Case {
            name: "timestamp set: a range that ends before it starts",
            run: |fx| {
                fx.client
                    .validation()
                    .create_timestamp_set(
                        "S",
                        "Stop at the goal.",
                        [URL_A],
                        [vec![(0, 10), (500, 100)]],
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("truths[0][1]"),
        },
        Case {
            name: "timestamp set: explanations of another length",
            run: |fx| {
                fx.client
                    .validation()
                    .create_timestamp_set("S", "Stop at the goal.", [URL_A], [vec![(0, 10)]])
                    .explanations([Some("one"), None])
                    .send()
                    .map(drop)
            },
            expect: Invalid("explanations"),
        },
        Case {
            name: "mixed set: no rapids",
            run: |fx| {
                fx.client
                    .validation()
                    .create_mixed_set("S", Vec::<Rapid>::new())
                    .send()
                    .map(drop)
            },
            expect: Invalid("rapids"),
        },
        Case {
            name: "mixed set: a bad rapid is named by its index",
            run: |fx| {
                fx.client
                    .validation()
                    .create_mixed_set(
                        "S",
                        [
                            Rapid::compare("Sharper?", [URL_A, URL_B], URL_B),
                            Rapid::classification("Animal?", ["Cat", "Cat"], URL_A, ["Cat"]),
                        ],
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("rapids[1].answer_options[1]"),
        },
        Case {
            name: "mixed set: precision on a rapid that is not select words",
            run: |fx| {
                fx.client
                    .validation()
                    .create_mixed_set(
                        "S",
                        [
                            Rapid::compare("Sharper?", [URL_A, URL_B], URL_B)
                                .required_precision(0.5),
                        ],
                    )
                    .send()
                    .map(drop)
            },
            expect: Invalid("rapids[0].required_precision"),
        },
        Case {
            name: "mixed set: per-datapoint lists are not taken",
            run: |fx| {
                fx.client
                    .validation()
                    .create_mixed_set("S", [Rapid::compare("Sharper?", [URL_A, URL_B], URL_B)])
                    .contexts(["c"])
                    .send()
                    .map(drop)
            },
            expect: Invalid("contexts"),
        },
        Case {
            name: "mixed set: a missing file",
            run: |fx| {
                let missing = fx.path("missing.png");
                fx.client
                    .validation()
                    .create_mixed_set("S", [Rapid::timestamp("Goal?", missing, [(0, 1)])])
                    .send()
                    .map(drop)
            },
            expect: Invalid("rapids[0].datapoint"),
        },
    ]
}

/// Creates a cat-or-dog classification set of `URL_A` and `URL_B` with these truths.
fn cat_dog_set(fx: &Fx, truths: Vec<Vec<&str>>) -> rapidata::Result<()> {
    let set = fx.client.validation().create_classification_set(
        "S",
        "Animal?",
        ["Cat", "Dog"],
        [URL_A, URL_B],
        truths,
    );
    set.send().map(drop)
}

/// Creates a select-words set of `URL_A` and `URL_B` with these sentences and truths.
fn two_image_select_words_set(
    fx: &Fx,
    sentences: &[&str],
    truths: Vec<Vec<usize>>,
) -> rapidata::Result<()> {
    let set = fx.client.validation().create_select_words_set(
        "S",
        "Wrong words?",
        [URL_A, URL_B],
        sentences.to_vec(),
        truths,
    );
    set.send().map(drop)
}
