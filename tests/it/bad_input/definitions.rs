//! Bad input to a loaded job definition: new revisions and new datasets.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- definitions: revisions -----------------------------------------------------
        Case {
            name: "revision: an empty instruction",
            run: |fx| fx.definition.clone().set_instruction(" ").map(drop),
            expect: Invalid("instruction"),
        },
        Case {
            name: "revision: an instruction over the limit",
            run: |fx| {
                fx.definition
                    .clone()
                    .set_instruction("x".repeat(251))
                    .map(drop)
            },
            expect: Invalid("instruction"),
        },
        Case {
            name: "revision: zero responses per datapoint",
            run: |fx| {
                fx.definition
                    .clone()
                    .set_responses_per_datapoint(0)
                    .map(drop)
            },
            expect: Invalid("responses_per_datapoint"),
        },
        Case {
            name: "revision: one answer option",
            run: |fx| fx.definition.clone().set_answer_options(["only"]).map(drop),
            expect: Invalid("answer_options"),
        },
        Case {
            name: "revision: repeated answer options",
            run: |fx| {
                fx.definition
                    .clone()
                    .set_answer_options(["a", "a"])
                    .map(drop)
            },
            expect: Invalid("answer_options[1]"),
        },
        Case {
            name: "revision: an empty validation set id",
            run: |fx| {
                fx.definition
                    .clone()
                    .set_validation_set_id(Some(""))
                    .map(drop)
            },
            expect: Invalid("validation_set_id"),
        },
        // ---- definitions: a new dataset (checks that do not need the loaded revision) ----
        Case {
            name: "set_datapoints: no datapoints",
            run: |fx| {
                let none: [&str; 0] = [];
                fx.definition
                    .clone()
                    .set_datapoints(NewDatapoints::new(none))
                    .map(drop)
            },
            expect: Invalid("datapoints"),
        },
        Case {
            name: "set_datapoints: fewer contexts than datapoints",
            run: |fx| {
                let new = NewDatapoints::new([URL_A, URL_B]).contexts(["one"]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("contexts"),
        },
        Case {
            name: "set_datapoints: a context over the limit",
            run: |fx| {
                let new = NewDatapoints::new([URL_A, URL_B]).contexts(["ok", &long(401)]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("contexts[1]"),
        },
        Case {
            name: "set_datapoints: more media contexts than datapoints",
            run: |fx| {
                let new = NewDatapoints::new([URL_A]).media_contexts([URL_A, URL_B]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("media_contexts"),
        },
        Case {
            name: "set_datapoints: a text as media context",
            run: |fx| {
                let new = NewDatapoints::new([URL_A]).media_contexts([DataItem::text("t")]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("media_contexts[0]"),
        },
        Case {
            name: "set_datapoints: private metadata not one per datapoint",
            run: |fx| {
                let new = NewDatapoints::new([URL_A, URL_B]).private_metadata(vec![]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("private_metadata"),
        },
        Case {
            name: "set_datapoints: a missing file",
            run: |fx| {
                let new = NewDatapoints::new([fx.path("missing.png")]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        Case {
            name: "set_datapoints: an empty text datapoint",
            run: |fx| {
                let new = NewDatapoints::texts(["a joke", " "]);
                fx.definition.clone().set_datapoints(new).map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            name: "set_datapoints: a pair of one item twice",
            run: |fx| {
                let new = NewDatapoints::pairs([[URL_A, URL_B], [URL_B, URL_B]]);
                fx.definition.clone().update_dataset(new).map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            name: "revision: reload revision 0",
            run: |fx| fx.definition.clone().reload(Some(0)).map(drop),
            expect: Invalid("revision"),
        },
        Case {
            name: "revision: reload with staged changes",
            run: |fx| {
                let mut d = fx.definition.clone();
                d.set_settings([rapidata::Setting::no_shuffle()]);
                d.reload(None).map(drop)
            },
            expect: Invalid("reload"),
        },
        Case {
            name: "revision: look up revision -1",
            run: |fx| {
                fx.client
                    .job()
                    .get_job_definition_revision("jd_1", Some(-1))
                    .map(drop)
            },
            expect: Invalid("revision"),
        },
        Case {
            name: "revision: assign a definition with staged changes",
            run: |fx| {
                let mut d = fx.definition.clone();
                d.set_settings([]);
                fx.audience.assign_job(&d).map(drop)
            },
            expect: Invalid("definition"),
        },
        Case {
            name: "revision: list 0 a page",
            run: |fx| fx.definition.revisions().amount(0).send().map(drop),
            expect: Invalid("amount"),
        },
    ]
}
