//! Bad input, table-driven: every builder refuses wrong arguments with a typed error that
//! names the argument, file or setting, and before any request reaches the server.
//!
//! One mock server answers every method and path (a catch-all mock, HTTP 599); after each
//! case its hit count must still be 0.

use std::path::{Path, PathBuf};

use httpmock::prelude::*;
use rapidata::audience::BoundingBox;
use rapidata::error::{ConfigError, ConfigErrorKind};
use rapidata::job::{AnswerOptions, JobResults, NewDatapoints};
use rapidata::validation::Rapid;
use rapidata::{Audience, Client, DataItem, Error, Filter, JobDefinition};
use serde_json::json;

mod common;

const URL_A: &str = "https://assets.rapidata.ai/a.jpg";
const URL_B: &str = "https://assets.rapidata.ai/b.jpg";

/// What a case shares: the server, a client and an audience handle pointing at it, and a
/// scratch folder with two real image files.
struct Fx {
    server: MockServer,
    client: Client,
    audience: Audience,
    /// Definition `jd_1` as looked up (revision unknown: the newest).
    definition: JobDefinition,
    dir: tempfile::TempDir,
}

impl Fx {
    /// A mock server, a client with a static token, audience `aud_1`, definition `jd_1`
    /// (both read through mocks removed afterwards) and a folder with `a.png`.
    fn new() -> Fx {
        let server = MockServer::start();
        let client = common::client(&server);
        let audience = common::audience(&server);
        let definition = common::definition(&server);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), b"\x89PNG fake").unwrap();
        Fx {
            server,
            client,
            audience,
            definition,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn image(&self) -> String {
        self.path("a.png").display().to_string()
    }

    /// A builder aimed at the mock server, isolated from the process environment.
    fn builder(&self) -> rapidata::ClientBuilder {
        Client::builder()
            .api_url(self.server.base_url())
            .auth_url(self.server.base_url())
            .env_lookup(|_| None)
            .config_dir(self.path("no-config"))
            .max_attempts(1)
    }

    /// A folder holding `credentials.json` with `content`.
    fn credentials_dir(&self, name: &str, content: &str) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("credentials.json"), content).unwrap();
        dir
    }

    fn results(&self) -> JobResults {
        JobResults::from_slice(
            br#"{"info":{"type":"Compare"},"results":[{"context":"c","aggregatedResults":{"a":1,"b":2}}]}"#,
        )
        .unwrap()
    }
}

/// The expected error.
#[derive(Clone, Copy)]
enum Expect {
    /// `Error::InvalidInput` whose `argument` is exactly this; the message names it too.
    Invalid(&'static str),
    /// `Error::Config` of the kind `kind`, whose message contains every needle.
    Config(fn(&ConfigError) -> bool, &'static [&'static str]),
    /// `Error::Io` whose path and message contain this.
    Io(&'static str),
}

/// The first item of a list walk (the error of a walk refused before any request).
fn first_of<T>(mut pages: rapidata::Pages<T>) -> rapidata::Result<()> {
    pages.next().map_or(Ok(()), |r| r.map(drop))
}

struct Case {
    name: &'static str,
    run: fn(&Fx) -> rapidata::Result<()>,
    expect: Expect,
}

fn insecure(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::InsecureUrl
}
fn invalid_url(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::InvalidUrl
}
fn setting(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::InvalidSetting
}
fn environment(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::InvalidEnvironment
}
fn credentials_file(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::InvalidCredentialsFile
}
fn missing(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::MissingCredentials
}
fn token_file(c: &ConfigError) -> bool {
    c.kind() == ConfigErrorKind::InvalidTokenFile
}

/// Builds the client and, should that succeed, makes one call, so that a missing check
/// shows up as a request on the server.
fn build_and_call(builder: rapidata::ClientBuilder) -> rapidata::Result<()> {
    let client = builder.build()?;
    client.get_token()?;
    client.audience().get_audience_by_id("aud_1").map(drop)
}

/// `model_a/0001.png` and `model_b/0001.png` in the scratch folder (both real files).
fn same_base_name_pair(fx: &Fx) -> (String, String) {
    let pair: Vec<String> = ["model_a", "model_b"]
        .iter()
        .map(|dir| {
            let dir = fx.path(dir);
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("0001.png");
            std::fs::write(&file, b"\x89PNG fake").unwrap();
            file.display().to_string()
        })
        .collect();
    (pair[0].clone(), pair[1].clone())
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- audience: create --------------------------------------------------------
        Case {
            name: "audience: empty name",
            run: |fx| fx.client.audience().create_audience("").create().map(drop),
            expect: Invalid("name"),
        },
        Case {
            name: "audience: blank name",
            run: |fx| {
                fx.client
                    .audience()
                    .create_audience(" \t")
                    .create()
                    .map(drop)
            },
            expect: Invalid("name"),
        },
        Case {
            name: "audience: accuracy above 1",
            run: |fx| {
                let b = fx
                    .client
                    .audience()
                    .create_audience("A")
                    .target_accuracy(1.5);
                b.create().map(drop)
            },
            expect: Invalid("target_accuracy"),
        },
        Case {
            name: "audience: negative accuracy",
            run: |fx| {
                let b = fx
                    .client
                    .audience()
                    .create_audience("A")
                    .target_accuracy(-0.01);
                b.create().map(drop)
            },
            expect: Invalid("target_accuracy"),
        },
        Case {
            name: "audience: NaN accuracy",
            run: |fx| {
                let b = fx
                    .client
                    .audience()
                    .create_audience("A")
                    .target_accuracy(f64::NAN);
                b.create().map(drop)
            },
            expect: Invalid("target_accuracy"),
        },
        Case {
            name: "audience: min tasks 0",
            run: |fx| {
                let b = fx.client.audience().create_audience("A").min_tasks(0);
                b.create().map(drop)
            },
            expect: Invalid("min_tasks"),
        },
        Case {
            name: "audience: min tasks 2 (the API's floor is 3)",
            run: |fx| {
                let b = fx.client.audience().create_audience("A").min_tasks(2);
                b.create().map(drop)
            },
            expect: Invalid("min_tasks"),
        },
        Case {
            name: "audience: max tasks below min tasks",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.min_tasks(10).max_tasks(5).create().map(drop)
            },
            expect: Invalid("max_tasks"),
        },
        Case {
            name: "audience: max tasks below the default min tasks",
            run: |fx| {
                let b = fx.client.audience().create_audience("A").max_tasks(3);
                b.create().map(drop)
            },
            expect: Invalid("max_tasks"),
        },
        Case {
            name: "audience: rename to blank",
            run: |fx| fx.audience.clone().rename("  "),
            expect: Invalid("name"),
        },
        Case {
            name: "audience: update to no filters",
            run: |fx| fx.audience.clone().update_filters([]),
            expect: Invalid("filters"),
        },
        Case {
            name: "audience: lookup with empty id",
            run: |fx| fx.client.audience().get_audience_by_id("").map(drop),
            expect: Invalid("audience_id"),
        },
        Case {
            name: "audience: find with page size 0",
            run: |fx| {
                fx.client
                    .audience()
                    .find_audiences("")
                    .amount(0)
                    .send()
                    .map(drop)
            },
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: find page 0",
            run: |fx| {
                fx.client
                    .audience()
                    .find_audiences("")
                    .page(0)
                    .send()
                    .map(drop)
            },
            expect: Invalid("page"),
        },
        Case {
            name: "audience: jobs page 0",
            run: |fx| fx.audience.find_jobs().page(0).send().map(drop),
            expect: Invalid("page"),
        },
        Case {
            name: "audience: find with page size u32::MAX",
            run: |fx| {
                fx.client
                    .audience()
                    .find_audiences("")
                    .amount(u32::MAX)
                    .send()
                    .map(drop)
            },
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: curated with page size 1001",
            run: |fx| {
                fx.client
                    .audience()
                    .curated_audiences()
                    .amount(1001)
                    .send()
                    .map(drop)
            },
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: jobs page size u32::MAX",
            run: |fx| fx.audience.find_jobs().amount(u32::MAX).send().map(drop),
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: filtered lookup with empty id",
            run: |fx| {
                fx.client
                    .audience()
                    .get_filtered_audience_by_id("")
                    .map(drop)
            },
            expect: Invalid("audience_id"),
        },
        // ---- jobs: queueing ------------------------------------------------------------
        Case {
            name: "jobs: queued behind an empty job id",
            run: |fx| {
                fx.audience
                    .assign(&fx.definition)
                    .run_after_id(" ")
                    .send()
                    .map(drop)
            },
            expect: Invalid("run_after"),
        },
        // ---- unlisted audiences ----------------------------------------------------------
        Case {
            name: "unlisted: create with a blank name",
            run: |fx| fx.client.audience().create_unlisted_audience(" ").map(drop),
            expect: Invalid("name"),
        },
        Case {
            name: "unlisted: look up an id that is not `ula_…`",
            run: |fx| {
                fx.client
                    .audience()
                    .get_unlisted_audience_by_id("aud_1")
                    .map(drop)
            },
            expect: Invalid("audience_id"),
        },
        Case {
            name: "unlisted: an `ula_…` id given to get_audience_by_id",
            run: |fx| fx.client.audience().get_audience_by_id("ula_1").map(drop),
            expect: Invalid("audience_id"),
        },
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
        // ---- validation sets -------------------------------------------------------------
        Case {
            name: "validation set: create with a blank name",
            run: |fx| {
                fx.client
                    .validation()
                    .create_validation_set("")
                    .create()
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
                    .create()
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
            run: |fx| {
                fx.client
                    .validation()
                    .create_classification_set(
                        "S",
                        "Animal?",
                        ["Cat", "Dog"],
                        [URL_A, URL_B],
                        [["Cat"]],
                    )
                    .create()
                    .map(drop)
            },
            expect: Invalid("truths"),
        },
        Case {
            name: "classification set: a truth that is not an option",
            run: |fx| {
                fx.client
                    .validation()
                    .create_classification_set(
                        "S",
                        "Animal?",
                        ["Cat", "Dog"],
                        [URL_A, URL_B],
                        [vec!["Cat"], vec!["Dog", "Bird"]],
                    )
                    .create()
                    .map(drop)
            },
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
                    .map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        Case {
            name: "select-words set: a word index past the sentence",
            run: |fx| {
                fx.client
                    .validation()
                    .create_select_words_set(
                        "S",
                        "Wrong words?",
                        [URL_A, URL_B],
                        ["a cat", "a red dog"],
                        [vec![1], vec![0, 3]],
                    )
                    .create()
                    .map(drop)
            },
            expect: Invalid("truths[1][1]"),
        },
        Case {
            name: "select-words set: sentences of another length",
            run: |fx| {
                fx.client
                    .validation()
                    .create_select_words_set(
                        "S",
                        "Wrong words?",
                        [URL_A, URL_B],
                        ["a cat"],
                        [vec![1], vec![0]],
                    )
                    .create()
                    .map(drop)
            },
            expect: Invalid("sentences"),
        },
        Case {
            name: "select-words set: a precision above 1",
            run: |fx| {
                fx.client
                    .validation()
                    .create_select_words_set("S", "Wrong words?", [URL_A], ["a cat"], [vec![1]])
                    .required_precision(1.5)
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
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
                    .create()
                    .map(drop)
            },
            expect: Invalid("rapids[0].datapoint"),
        },
        // ---- lists: paging --------------------------------------------------------------
        Case {
            name: "jobs: find with page size 0",
            run: |fx| fx.client.job().find_jobs("").amount(0).send().map(drop),
            expect: Invalid("amount"),
        },
        Case {
            name: "jobs: iterate from page 0",
            run: |fx| first_of(fx.client.job().find_jobs("").page(0).iter()),
            expect: Invalid("page"),
        },
        Case {
            name: "jobs: an audience's jobs iterated 1001 a page",
            run: |fx| first_of(fx.audience.find_jobs().amount(1001).iter()),
            expect: Invalid("amount"),
        },
        Case {
            name: "definitions: find page 0",
            run: |fx| {
                fx.client
                    .job()
                    .find_job_definitions("")
                    .page(0)
                    .send()
                    .map(drop)
            },
            expect: Invalid("page"),
        },
        Case {
            name: "definitions: iterate with page size 0",
            run: |fx| first_of(fx.client.job().find_job_definitions("").amount(0).iter()),
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: iterate with page size 0",
            run: |fx| first_of(fx.client.audience().find_audiences("").amount(0).iter()),
            expect: Invalid("amount"),
        },
        // ---- jobs: ids ---------------------------------------------------------------
        Case {
            name: "job: lookup with empty id",
            run: |fx| fx.client.job().get_job_by_id("").map(drop),
            expect: Invalid("job_id"),
        },
        Case {
            name: "job: lookup with blank id",
            run: |fx| fx.client.job().get_job_by_id(" ").map(drop),
            expect: Invalid("job_id"),
        },
        Case {
            name: "job definition: lookup with empty id",
            run: |fx| fx.client.job().get_job_definition_by_id("").map(drop),
            expect: Invalid("definition_id"),
        },
        Case {
            name: "generated operation: empty path parameter",
            run: |fx| {
                fx.client
                    .send(&rapidata::api::operations::GetJobByJobIdProgress::new(""))
                    .map(drop)
            },
            expect: Invalid("jobId"),
        },
        // ---- filters ---------------------------------------------------------------
        Case {
            name: "filter: three-letter country",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["USA"])]).create().map(drop)
            },
            expect: Invalid("filters[0].countries[0]"),
        },
        Case {
            name: "filter: lower-case country",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["US", "de"])])
                    .create()
                    .map(drop)
            },
            expect: Invalid("filters[0].countries[1]"),
        },
        Case {
            name: "filter: unassigned country code",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["ZZ"])]).create().map(drop)
            },
            expect: Invalid("filters[0].countries[0]"),
        },
        Case {
            name: "filter: upper-case language",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::language(["EN"])]).create().map(drop)
            },
            expect: Invalid("filters[0].languages[0]"),
        },
        Case {
            name: "filter: language name instead of code",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["US"]), Filter::language(["english"])])
                    .create()
                    .map(drop)
            },
            expect: Invalid("filters[1].languages[0]"),
        },
        Case {
            name: "filter: empty country list",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(Vec::<String>::new())])
                    .create()
                    .map(drop)
            },
            expect: Invalid("filters[0].countries"),
        },
        Case {
            name: "filter: empty language list",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::language(Vec::<String>::new())])
                    .create()
                    .map(drop)
            },
            expect: Invalid("filters[0].languages"),
        },
        Case {
            name: "filter: empty age list",
            run: |fx| fx.audience.filter(Filter::age([])).map(drop),
            expect: Invalid("filter.age"),
        },
        Case {
            name: "filter: empty AND",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::all([])]).create().map(drop)
            },
            expect: Invalid("filters[0].filters"),
        },
        Case {
            name: "filter: bad code nested in AND",
            run: |fx| {
                let f = Filter::country(["US"]) & Filter::language(["xx"]);
                fx.audience.filter(f).map(drop)
            },
            expect: Invalid("filter.filters[1].languages[0]"),
        },
        Case {
            name: "filter: demographic without identifier",
            run: |fx| {
                let f = Filter::demographic(" ", ["student"]);
                fx.audience.clone().update_filters([f])
            },
            expect: Invalid("filters[0].identifier"),
        },
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
        // ---- job definitions: compare ----------------------------------------------
        Case {
            name: "compare definition: same item twice in a datapoint",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B], [URL_B, URL_B]],
                );
                b.create().map(drop)
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
                b.create().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            name: "compare definition: contexts length mismatch",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.contexts(["one", "two"]).create().map(drop)
            },
            expect: Invalid("contexts"),
        },
        Case {
            name: "compare definition: context of 401 characters",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.contexts([long(401)]).create().map(drop)
            },
            expect: Invalid("contexts[0]"),
        },
        Case {
            name: "compare definition: media contexts length mismatch",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.media_contexts([URL_A, URL_B]).create().map(drop)
            },
            expect: Invalid("media_contexts"),
        },
        Case {
            name: "compare definition: private metadata length mismatch",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.private_metadata(vec![]).create().map(drop)
            },
            expect: Invalid("private_metadata"),
        },
        Case {
            name: "compare definition: confidence and quorum together",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.confidence_threshold(0.9)
                    .quorum_threshold(3)
                    .create()
                    .map(drop)
            },
            expect: Invalid("confidence_threshold"),
        },
        Case {
            name: "compare definition: confidence threshold 1",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.confidence_threshold(1.0).create().map(drop)
            },
            expect: Invalid("confidence_threshold"),
        },
        Case {
            name: "compare definition: confidence threshold NaN",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.confidence_threshold(f64::NAN).create().map(drop)
            },
            expect: Invalid("confidence_threshold"),
        },
        Case {
            name: "compare definition: quorum 0",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.quorum_threshold(0).create().map(drop)
            },
            expect: Invalid("quorum_threshold"),
        },
        Case {
            name: "compare definition: quorum above responses",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.responses_per_datapoint(5)
                    .quorum_threshold(6)
                    .create()
                    .map(drop)
            },
            expect: Invalid("quorum_threshold"),
        },
        Case {
            name: "compare definition: failure tolerance above 1",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.failure_tolerance(1.5).create().map(drop)
            },
            expect: Invalid("failure_tolerance"),
        },
        Case {
            name: "compare definition: failure tolerance NaN",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.failure_tolerance(f64::NAN).create().map(drop)
            },
            expect: Invalid("failure_tolerance"),
        },
        Case {
            name: "compare definition: 0 responses per datapoint",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.responses_per_datapoint(0).create().map(drop)
            },
            expect: Invalid("responses_per_datapoint"),
        },
        Case {
            name: "compare definition: empty A/B name",
            run: |fx| {
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[URL_A, URL_B]],
                );
                b.a_b_names(["Model A", " "]).create().map(drop)
            },
            expect: Invalid("a_b_names[1]"),
        },
        Case {
            name: "compare definition: missing file",
            run: |fx| {
                let missing = fx.path("missing-b.png").display().to_string();
                let b = fx.client.job().create_compare_job_definition(
                    "Job",
                    "Which?",
                    [[fx.image(), missing]],
                );
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
            },
            expect: Invalid("instruction"),
        },
        // ---- job definitions: classification ----------------------------------------
        Case {
            name: "classification definition: one option",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    ["Cat"],
                    [URL_A],
                );
                b.create().map(drop)
            },
            expect: Invalid("answer_options"),
        },
        Case {
            name: "classification definition: duplicate option",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    ["Cat", "Dog", "Cat"],
                    [URL_A],
                );
                b.create().map(drop)
            },
            expect: Invalid("answer_options[2]"),
        },
        Case {
            name: "classification definition: nine options",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Which digit?",
                    ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
                    [URL_A],
                );
                b.create().map(drop)
            },
            expect: Invalid("answer_options"),
        },
        Case {
            name: "classification definition: per-datapoint options, one list short",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    AnswerOptions::per_datapoint([["Cat", "Dog"]]),
                    [URL_A, URL_B],
                );
                b.create().map(drop)
            },
            expect: Invalid("answer_options"),
        },
        Case {
            name: "classification definition: per-datapoint options, one option",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    AnswerOptions::per_datapoint([vec!["Cat", "Dog"], vec!["Cat"]]),
                    [URL_A, URL_B],
                );
                b.create().map(drop)
            },
            expect: Invalid("answer_options[1]"),
        },
        Case {
            name: "classification definition: per-datapoint options, duplicate",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    AnswerOptions::per_datapoint([vec!["Cat", "Dog"], vec!["Cat", "Dog", "Cat"]]),
                    [URL_A, URL_B],
                );
                b.create().map(drop)
            },
            expect: Invalid("answer_options[1][2]"),
        },
        Case {
            name: "classification definition: missing file",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "Animal?",
                    ["Cat", "Dog"],
                    [fx.image(), fx.path("missing-dog.png").display().to_string()],
                );
                b.create().map(drop)
            },
            expect: Invalid("datapoints[1]"),
        },
        Case {
            name: "classification definition: empty text datapoint",
            run: |fx| {
                let b = fx.client.job().create_classification_job_definition(
                    "Job",
                    "True?",
                    ["Yes", "No"],
                    [DataItem::text("")],
                );
                b.create().map(drop)
            },
            expect: Invalid("datapoints[0]"),
        },
        // ---- results and token files written to bad paths ----------------------------
        Case {
            name: "results: CSV into a missing folder",
            run: |fx| fx.results().to_csv(fx.path("no-such-folder/results.csv")),
            expect: Io("no-such-folder"),
        },
        Case {
            name: "results: detailed CSV onto a folder",
            run: |fx| {
                let dir = fx.path("results-folder.csv");
                std::fs::create_dir_all(&dir).unwrap();
                fx.results().to_csv_detailed(dir)
            },
            expect: Io("results-folder.csv"),
        },
        Case {
            name: "results: JSON onto a folder",
            run: |fx| {
                let dir = fx.path("results-folder.json");
                std::fs::create_dir_all(&dir).unwrap();
                fx.results().to_json(dir)
            },
            expect: Io("results-folder.json"),
        },
        Case {
            name: "token file: written onto a folder",
            run: |fx| {
                let dir = fx.path("token-folder.json");
                std::fs::create_dir_all(dir.join("inside")).unwrap();
                fx.client.write_token_file(dir)
            },
            expect: Io("token-folder.json"),
        },
        Case {
            name: "token file: a path that names no file",
            run: |fx| fx.client.write_token_file(fx.dir.path().join("..")),
            expect: Invalid("path"),
        },
        // ---- client configuration ---------------------------------------------------
        Case {
            name: "config: plain-HTTP API URL to a remote host",
            run: |fx| build_and_call(fx.builder().token("t").api_url("http://api.example.com")),
            expect: Config(insecure, &["api_url", "http://api.example.com"]),
        },
        Case {
            name: "config: plain-HTTP auth URL to a private address",
            run: |fx| {
                let b = fx.builder().client_credentials("id", "secret");
                build_and_call(b.auth_url("http://10.0.0.1"))
            },
            expect: Config(insecure, &["auth_url"]),
        },
        Case {
            name: "config: FTP API URL",
            run: |fx| build_and_call(fx.builder().token("t").api_url("ftp://example.com")),
            expect: Config(invalid_url, &["api_url"]),
        },
        Case {
            name: "config: API URL with a query",
            run: |fx| build_and_call(fx.builder().token("t").api_url("https://example.com/?a=1")),
            expect: Config(invalid_url, &["api_url", "query"]),
        },
        Case {
            name: "config: max_workers 0",
            run: |fx| build_and_call(fx.builder().token("t").max_workers(0)),
            expect: Config(setting, &["max_workers"]),
        },
        Case {
            name: "config: max_attempts 0",
            run: |fx| build_and_call(fx.builder().token("t").max_attempts(0)),
            expect: Config(setting, &["max_attempts"]),
        },
        Case {
            name: "config: zero timeout",
            run: |fx| build_and_call(fx.builder().token("t").timeout(Default::default())),
            expect: Config(setting, &["timeout"]),
        },
        Case {
            name: "config: environment given as URL",
            run: |fx| {
                let b = Client::builder().token("t").env_lookup(|_| None);
                let _ = fx;
                build_and_call(b.environment("https://rapidata.ai"))
            },
            expect: Config(environment, &["environment", "https://rapidata.ai"]),
        },
        Case {
            name: "config: RAPIDATA_ENVIRONMENT with a space",
            run: |_| {
                let b = Client::builder().token("t").env_lookup(|name| {
                    (name == "RAPIDATA_ENVIRONMENT").then(|| "rapi data.ai".to_owned())
                });
                build_and_call(b)
            },
            expect: Config(environment, &["environment", "rapi data.ai"]),
        },
        Case {
            name: "config: RAPIDATA_maxWorkers not a number",
            run: |fx| {
                let b = fx
                    .builder()
                    .token("t")
                    .env_lookup(|name| (name == "RAPIDATA_maxWorkers").then(|| "abc".to_owned()));
                build_and_call(b)
            },
            expect: Config(setting, &["RAPIDATA_maxWorkers", "abc"]),
        },
        Case {
            name: "config: RAPIDATA_maxWorkers 0",
            run: |fx| {
                let b = fx
                    .builder()
                    .token("t")
                    .env_lookup(|name| (name == "RAPIDATA_maxWorkers").then(|| "0".to_owned()));
                build_and_call(b)
            },
            expect: Config(setting, &["max_workers"]),
        },
        Case {
            name: "config: root certificate that is not PEM",
            run: |fx| build_and_call(fx.builder().token("t").add_root_certificate_pem("nope")),
            expect: Config(setting, &["add_root_certificate_pem"]),
        },
        Case {
            name: "config: empty access token",
            run: |fx| build_and_call(fx.builder().token("")),
            expect: Config(setting, &["token", "must not be empty"]),
        },
        Case {
            name: "config: empty client secret",
            run: |fx| build_and_call(fx.builder().client_credentials("client-id", "")),
            expect: Config(setting, &["client_secret"]),
        },
        Case {
            name: "config: empty client id",
            run: |fx| build_and_call(fx.builder().client_credentials(" ", "secret")),
            expect: Config(setting, &["client_id"]),
        },
        Case {
            name: "config: only RAPIDATA_CLIENT_ID set",
            run: |fx| {
                let b = fx.builder().env_lookup(|name| {
                    (name == "RAPIDATA_CLIENT_ID").then(|| "client-id".to_owned())
                });
                build_and_call(b)
            },
            expect: Config(missing, &["only RAPIDATA_CLIENT_ID is set"]),
        },
        // ---- credentials.json ------------------------------------------------------
        Case {
            name: "credentials file: not JSON",
            run: |fx| {
                let dir = fx.credentials_dir("creds-not-json", "{\"https://auth");
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(
                credentials_file,
                &["creds-not-json", "credentials.json", "JSON"],
            ),
        },
        Case {
            name: "credentials file: a list, not a map",
            run: |fx| {
                let dir = fx.credentials_dir("creds-list", "[]");
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(credentials_file, &["creds-list", "credentials.json"]),
        },
        Case {
            name: "credentials file: no entry for this environment",
            run: |fx| {
                let content = json!({"https://auth.rabbitdata.ch": [
                    {"client_id": "id", "client_secret": "secret"}]});
                let dir = fx.credentials_dir("creds-other-env", &content.to_string());
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(
                missing,
                &["creds-other-env", "credentials.json", "no entry"],
            ),
        },
        Case {
            name: "credentials file: entry with empty secret",
            run: |fx| {
                let key = fx.server.base_url();
                let content = json!({ key: [{"client_id": "id", "client_secret": ""}] });
                let dir = fx.credentials_dir("creds-empty-secret", &content.to_string());
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(
                missing,
                &["creds-empty-secret", "credentials.json", "client_secret"],
            ),
        },
        Case {
            name: "credentials file: entry is not a list",
            run: |fx| {
                let key = fx.server.base_url();
                let content = json!({ key: {"client_id": "id", "client_secret": "s"} });
                let dir = fx.credentials_dir("creds-not-list", &content.to_string());
                build_and_call(fx.builder().config_dir(dir))
            },
            expect: Config(credentials_file, &["creds-not-list", "not a list"]),
        },
        // ---- token files -----------------------------------------------------------
        Case {
            name: "token file: missing",
            run: |fx| build_and_call(fx.builder().token_file(fx.path("missing-token.json"))),
            expect: Io("missing-token.json"),
        },
        Case {
            name: "token file: RAPIDATA_TOKEN_FILE names a missing file",
            run: |fx| {
                let path = fx.path("missing-env-token.json").display().to_string();
                let b = fx
                    .builder()
                    .env_lookup(move |name| (name == "RAPIDATA_TOKEN_FILE").then(|| path.clone()));
                build_and_call(b)
            },
            expect: Io("missing-env-token.json"),
        },
        Case {
            name: "token file: not JSON",
            run: |fx| {
                let path = fx.path("token-not-json.json");
                std::fs::write(&path, "access_token=abc").unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-not-json.json", "JSON"]),
        },
        Case {
            name: "token file: no access_token",
            run: |fx| {
                let path = fx.path("token-without-token.json");
                std::fs::write(&path, r#"{"token_type": "Bearer"}"#).unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-without-token.json", "access_token"]),
        },
        Case {
            name: "token file: empty access_token",
            run: |fx| {
                let path = fx.path("token-empty.json");
                std::fs::write(&path, r#"{"access_token": ""}"#).unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-empty.json", "access_token"]),
        },
        Case {
            name: "token file: access_token not a string",
            run: |fx| {
                let path = fx.path("token-number.json");
                std::fs::write(&path, r#"{"access_token": 12345}"#).unwrap();
                build_and_call(fx.builder().token_file(path))
            },
            expect: Config(token_file, &["token-number.json", "access_token"]),
        },
        // ---- job definitions: free text -------------------------------------------
        Case {
            name: "free text definition: empty instruction",
            run: |fx| {
                let b = fx
                    .client
                    .job()
                    .create_free_text_job_definition("Job", " ", [URL_A]);
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
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
                b.create().map(drop)
            },
            expect: Invalid("instruction"),
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
        // ---- job definitions and examples: draw ------------------------------------
        Case {
            name: "draw definition: a text datapoint",
            run: |fx| {
                let b = fx.client.job().create_draw_job_definition(
                    "Job",
                    "Color in the glitch.",
                    [DataItem::text("no image")],
                );
                b.create().map(drop)
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
                b.create().map(drop)
            },
            expect: Invalid("media_contexts"),
        },
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
        Case {
            name: "timestamp definition: a text datapoint",
            run: |fx| {
                let b = fx.client.job().create_timestamp_job_definition(
                    "Job",
                    "Mark the goal.",
                    [DataItem::text("no video")],
                );
                b.create().map(drop)
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
                b.create().map(drop)
            },
            expect: Invalid("contexts"),
        },
        // ---- qualification examples: locate ---------------------------------------
        Case {
            name: "locate example: no truth box",
            run: |fx| {
                let e = fx.audience.add_locate_example("Tap the glitch.", URL_A, []);
                e.send()
            },
            expect: Invalid("truths"),
        },
        Case {
            name: "locate example: box edge beyond the image (ratio above 1)",
            run: |fx| {
                let b = BoundingBox::new(0.5, 0.1, 1.5, 0.2);
                let e = fx
                    .audience
                    .add_locate_example("Tap the glitch.", URL_A, [b]);
                e.send()
            },
            expect: Invalid("truths[0].x_max"),
        },
        Case {
            name: "locate example: box given in percent instead of ratios",
            run: |fx| {
                let ok = BoundingBox::new(0.1, 0.1, 0.2, 0.2);
                let percent = BoundingBox::new(10.0, 10.0, 20.0, 20.0);
                let e = fx
                    .audience
                    .add_locate_example("Tap the glitch.", URL_A, [ok, percent]);
                e.send()
            },
            expect: Invalid("truths[1].x_min"),
        },
        Case {
            name: "locate example: box with y_min not below y_max",
            run: |fx| {
                let b = BoundingBox::new(0.1, 0.4, 0.2, 0.4);
                let e = fx
                    .audience
                    .add_locate_example("Tap the glitch.", URL_A, [b]);
                e.send()
            },
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

fn check(case: &Case, result: rapidata::Result<()>) -> Result<(), String> {
    let err = match result {
        Ok(()) => return Err("succeeded".to_owned()),
        Err(e) => e,
    };
    let text = err.to_string();
    match case.expect {
        Expect::Invalid(argument) => {
            let Some(invalid) = err.as_invalid_input() else {
                return Err(format!("expected InvalidInput, got {err:?}"));
            };
            if invalid.argument() != argument {
                return Err(format!(
                    "argument {:?}, expected {argument:?} ({text})",
                    invalid.argument()
                ));
            }
            if !text.contains(&format!("`{argument}`")) {
                return Err(format!("message does not name `{argument}`: {text}"));
            }
        }
        Expect::Config(kind, needles) => {
            let Error::Config(config) = &err else {
                return Err(format!("expected Config, got {err:?}"));
            };
            if !kind(config) {
                return Err(format!("wrong kind of Config error: {config:?}"));
            }
            for needle in needles {
                if !text.contains(needle) {
                    return Err(format!("message lacks {needle:?}: {text}"));
                }
            }
        }
        Expect::Io(needle) => {
            let Error::Io(io) = &err else {
                return Err(format!("expected Io, got {err:?}"));
            };
            if !io.path().to_string_lossy().contains(needle) {
                return Err(format!("path {:?} lacks {needle:?}", io.path()));
            }
            if !text.contains(needle) {
                return Err(format!("message lacks {needle:?}: {text}"));
            }
        }
    }
    if err.attempts() != 0 {
        return Err(format!("{} request attempts reported", err.attempts()));
    }
    Ok(())
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let fx = Fx::new();
    // Answers anything, so a request that slips through is counted (and fails the call).
    let catch_all = fx.server.mock(|_when, then| {
        then.status(599).body("a request reached the server");
    });

    let cases = cases();
    let mut failures = Vec::new();
    let mut seen = 0;
    for case in &cases {
        let result = (case.run)(&fx);
        if let Err(why) = check(case, result) {
            failures.push(format!("{}: {why}", case.name));
        }
        let hits = catch_all.calls() - seen;
        if hits != 0 {
            failures.push(format!(
                "{}: {hits} request(s) reached the server",
                case.name
            ));
            seen += hits;
        }
    }
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(catch_all.calls(), 0, "requests reached the server");
    assert!(Path::new(&fx.image()).exists());
}

/// The same-base-name refusal says why and how to fix it, and sends nothing.
#[test]
fn a_compare_pair_with_one_base_name_is_refused_with_how_to_fix_it() {
    let fx = Fx::new();
    let catch_all = fx.server.mock(|_when, then| {
        then.status(599).body("a request reached the server");
    });
    let (a, b) = same_base_name_pair(&fx);
    let err = fx
        .client
        .job()
        .create_compare_job_definition("Job", "Which?", [[a, b]])
        .create()
        .unwrap_err();
    let invalid = err.as_invalid_input().expect("InvalidInput");
    assert_eq!(invalid.argument(), "datapoints[0]");
    let text = err.to_string();
    for needle in ["\"0001.png\"", "could not tell A from B", "rename or copy"] {
        assert!(text.contains(needle), "{needle:?} missing from: {text}");
    }
    assert_eq!(catch_all.calls(), 0);
}

/// A new dataset that does not fit the loaded revision's kind is refused after the
/// revision is read (the only request) and before anything is created.
#[test]
fn a_new_dataset_that_does_not_fit_the_definition_is_refused_before_anything_is_written() {
    let compare = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Compare",
        "criteria": {"literal": "Which?"}, "asset": {"segment": "asset"}}});
    let classify = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Classify",
        "asset": {"segment": "asset"}, "categories": {"segment": "answer_options"},
        "title": {"literal": "What is it?"}}});
    let select_words = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Transcription",
        "asset": {"segment": "asset"}, "title": {"literal": "Pick the wrong words."},
        "transcription": {"segment": "transcription"}}});
    let locate = json!({"_t": "SimpleWorkflow", "rapid": {"_t": "Locate",
        "asset": {"segment": "asset"}, "target": {"literal": "Tap the glitch."}}});
    let ranking = json!({"_t": "GroupedRankingWorkflow", "criteria": "Which is better?",
        "pairMakerConfig": {"_t": "FullPermutationPairMaker"},
        "rankingConfig": {"_t": "BradleyTerryRankingConfig", "startingScore": 1200}});
    let sentence = "a cat on a couch";
    let cases: Vec<(&str, &serde_json::Value, NewDatapoints, &str)> = vec![
        (
            "compare: single items",
            &compare,
            NewDatapoints::new([URL_A]),
            "datapoints",
        ),
        (
            "compare: answer options",
            &compare,
            NewDatapoints::pairs([[URL_A, URL_B]]).answer_options(["a", "b"]),
            "answer_options",
        ),
        (
            "compare: sentences",
            &compare,
            NewDatapoints::pairs([[URL_A, URL_B]]).sentences([sentence]),
            "sentences",
        ),
        (
            "classification: options left out though read per datapoint",
            &classify,
            NewDatapoints::new([URL_A]),
            "answer_options",
        ),
        (
            "classification: pairs",
            &classify,
            NewDatapoints::pairs([[URL_A, URL_B]]).answer_options(["a", "b"]),
            "datapoints",
        ),
        (
            "classification: one list of options for two datapoints",
            &classify,
            NewDatapoints::new([URL_A, URL_B])
                .answer_options(AnswerOptions::per_datapoint([["a", "b"]])),
            "answer_options",
        ),
        (
            "classification: a single option",
            &classify,
            NewDatapoints::new([URL_A]).answer_options(["only"]),
            "answer_options",
        ),
        (
            "select words: no sentences",
            &select_words,
            NewDatapoints::new([URL_A]),
            "sentences",
        ),
        (
            "select words: a one-word sentence",
            &select_words,
            NewDatapoints::new([URL_A]).sentences(["cat"]),
            "sentences[0]",
        ),
        (
            "select words: contexts next to the sentences",
            &select_words,
            NewDatapoints::new([URL_A])
                .sentences([sentence])
                .contexts(["c"]),
            "contexts",
        ),
        (
            "locate: a text datapoint",
            &locate,
            NewDatapoints::texts(["no image"]),
            "datapoints[0]",
        ),
        (
            "ranking: any datapoints",
            &ranking,
            NewDatapoints::new([URL_A]),
            "datapoints",
        ),
    ];
    let fx = Fx::new();
    let mut failures = Vec::new();
    for (name, workflow, new, argument) in cases {
        let mut revision = fx.server.mock(|when, then| {
            when.method(GET).path("/job/definition/jd_1/revision");
            then.status(200)
                .json_body(common::revision_with(1, "ds_1", workflow.clone()));
        });
        let mut definition = fx.definition.clone();
        definition.revision().unwrap();
        revision.delete();
        let catch_all = fx.server.mock(|_when, then| {
            then.status(599).body("a request reached the server");
        });
        let case = Case {
            name,
            run: |_| Ok(()),
            expect: Expect::Invalid(argument),
        };
        if let Err(why) = check(&case, definition.set_datapoints(new).map(drop)) {
            failures.push(format!("{name}: {why}"));
        }
        if catch_all.calls() != 0 {
            failures.push(format!(
                "{name}: {} request(s) reached the server",
                catch_all.calls()
            ));
        }
        assert!(
            !definition.has_unsaved_changes(),
            "{name}: something was staged"
        );
        let mut catch_all = catch_all;
        catch_all.delete();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
