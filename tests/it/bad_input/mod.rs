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

use crate::support as common;

mod audience;
mod client;
mod definitions;
mod examples;
mod jobs;
mod validation;

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

    /// A compare definition of one valid pair (`URL_A`, `URL_B`), for the cases that
    /// spoil one setting of it.
    fn compare(&self) -> rapidata::job::CompareDefinitionBuilder {
        let pair = [[URL_A, URL_B]];
        self.client
            .job()
            .create_compare_job_definition("Job", "Which?", pair)
    }

    /// A mock answering every request with HTTP 599, so that a request that slips
    /// through is counted (and fails the call).
    fn catch_all(&self) -> httpmock::Mock<'_> {
        self.server.mock(|_when, then| {
            then.status(599).body("a request reached the server");
        })
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
    [
        audience::cases(),
        definitions::cases(),
        validation::cases(),
        jobs::cases(),
        examples::cases(),
        client::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
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
    let catch_all = fx.catch_all();

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
    let catch_all = fx.catch_all();
    let (a, b) = same_base_name_pair(&fx);
    let err = fx
        .client
        .job()
        .create_compare_job_definition("Job", "Which?", [[a, b]])
        .send()
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
        let catch_all = fx.catch_all();
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
