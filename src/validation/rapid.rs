//! Validation rapids: one task with a known answer, as a value ([`Rapid`]) built by one
//! constructor per kind and sent to a set with
//! [`ValidationSet::add_rapid`](super::ValidationSet::add_rapid) or as part of a
//! `create_*_set` builder, and the tasks a set holds as the server lists them
//! ([`ValidationRapid`]).
//!
//! A rapid is close to a qualification example: the same asset forms, the same task kinds
//! and the same checks (`crate::task_checks`), but its own payload and truth types
//! (`IRapidPayload`, `IValidationTruth`).

use crate::api::types;
use crate::asset::{self, DataItem};
use crate::audience::example::validate_instruction;
use crate::audience::BoundingBox;
use crate::settings::Setting;
use crate::task_checks;
use crate::{Error, Result};

/// What a rapid asks: the kind and its inputs.
#[derive(Debug, Clone, PartialEq)]
enum Task {
    Classification {
        options: Vec<String>,
        datapoint: DataItem,
        truths: Vec<String>,
    },
    Compare {
        datapoint: Vec<DataItem>,
        truth: DataItem,
    },
    SelectWords {
        datapoint: DataItem,
        sentence: String,
        truths: Vec<usize>,
    },
    Boxes {
        draw: bool,
        datapoint: DataItem,
        truths: Vec<BoundingBox>,
    },
    Timestamp {
        datapoint: DataItem,
        truths: Vec<(u64, u64)>,
    },
}

/// One validation task with its correct answer, to add to a validation set. Build it with
/// the constructor of its kind, add what it shows besides with the setters; nothing is
/// checked until it is added (then every input is, before any upload or request).
///
/// ```
/// use rapidata::validation::Rapid;
/// use rapidata::audience::BoundingBox;
///
/// let rapids = vec![
///     Rapid::classification("What animal is this?", ["Cat", "Dog"], "https://example.com/cat.jpg", ["Cat"])
///         .explanation("It has whiskers and pointy ears."),
///     Rapid::locate("Tap the cat.", "https://example.com/cat.jpg", [BoundingBox::new(0.1, 0.2, 0.5, 0.9)]),
/// ];
/// assert_eq!(rapids.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rapid {
    instruction: String,
    task: Task,
    context: Option<String>,
    media_context: Vec<DataItem>,
    explanation: Option<String>,
    settings: Vec<Setting>,
    required_precision: Option<f64>,
    required_completeness: Option<f64>,
}

/// Where a rapid's inputs came from, for naming them in errors: a rapid on its own
/// (`truths[1]`), the `i`th datapoint of a `create_*_set` builder (`truths[3][1]`), or the
/// `i`th rapid of a mixed set (`rapids[3].truths[1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    One,
    Set(usize),
    Mixed(usize),
}

impl At {
    /// The caller's name for the rapid's input `field`.
    pub(crate) fn arg(self, field: &str) -> String {
        match self {
            At::One => field.to_owned(),
            At::Mixed(i) => format!("rapids[{i}].{field}"),
            At::Set(i) => match field {
                // Shared by every datapoint of the set.
                "instruction"
                | "answer_options"
                | "required_precision"
                | "required_completeness" => field.to_owned(),
                "datapoint" => format!("datapoints[{i}]"),
                "truth" | "truths" => format!("truths[{i}]"),
                "sentence" => format!("sentences[{i}]"),
                "context" => format!("contexts[{i}]"),
                "media_context" => format!("media_contexts[{i}]"),
                "explanation" => format!("explanations[{i}]"),
                other => format!("{other}[{i}]"),
            },
        }
    }
}

impl Rapid {
    fn new(instruction: impl Into<String>, task: Task) -> Rapid {
        Rapid {
            instruction: instruction.into(),
            task,
            context: None,
            media_context: Vec::new(),
            explanation: None,
            settings: Vec::new(),
            required_precision: None,
            required_completeness: None,
        }
    }

    /// A classification task: labelers see `datapoint` and choose among `answer_options`;
    /// every option in `truths` counts as right. `randomCorrectProbability` is
    /// `truths / answer_options`.
    ///
    /// ```
    /// use rapidata::{validation::Rapid, DataItem};
    /// let rapid = Rapid::classification("Is it true?", ["Yes", "No"], DataItem::text("Fish can fly."), ["No"]);
    /// ```
    pub fn classification<O, T>(
        instruction: impl Into<String>,
        answer_options: O,
        datapoint: impl Into<DataItem>,
        truths: T,
    ) -> Rapid
    where
        O: IntoIterator,
        O::Item: Into<String>,
        T: IntoIterator,
        T::Item: Into<String>,
    {
        Rapid::new(
            instruction,
            Task::Classification {
                options: answer_options.into_iter().map(Into::into).collect(),
                datapoint: datapoint.into(),
                truths: truths.into_iter().map(Into::into).collect(),
            },
        )
    }

    /// A comparison: labelers see the two `datapoint` items and must pick `truth` (one of
    /// them; a plain string also matches a text item with that text).
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let pair = ["https://example.com/sharp.jpg", "https://example.com/blurry.jpg"];
    /// let rapid = Rapid::compare("Which image is sharper?", pair, pair[0]);
    /// ```
    pub fn compare<I>(
        instruction: impl Into<String>,
        datapoint: I,
        truth: impl Into<DataItem>,
    ) -> Rapid
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        Rapid::new(
            instruction,
            Task::Compare {
                datapoint: datapoint.into_iter().map(Into::into).collect(),
                truth: truth.into(),
            },
        )
    }

    /// A select-words task: labelers see `datapoint` and `sentence` (split at spaces) and
    /// must select the words at the indices `truths` (from 0). All of them and nothing
    /// else by default; see [`required_precision`](Self::required_precision) and
    /// [`required_completeness`](Self::required_completeness).
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::select_words("Select the wrong words.", "https://example.com/cat.jpg", "a white dog", [1, 2]);
    /// ```
    pub fn select_words(
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        sentence: impl Into<String>,
        truths: impl IntoIterator<Item = usize>,
    ) -> Rapid {
        Rapid::new(
            instruction,
            Task::SelectWords {
                datapoint: datapoint.into(),
                sentence: sentence.into(),
                truths: truths.into_iter().collect(),
            },
        )
    }

    /// A locate task: labelers tap where the instruction says; a tap inside any of the
    /// `truths` boxes counts as right. `randomCorrectProbability` is the share of the
    /// image the boxes cover.
    ///
    /// ```
    /// use rapidata::{audience::BoundingBox, validation::Rapid};
    /// let rapid = Rapid::locate("Tap the glitch.", "https://example.com/a.jpg", [BoundingBox::new(0.1, 0.1, 0.3, 0.4)]);
    /// ```
    pub fn locate(
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = BoundingBox>,
    ) -> Rapid {
        Rapid::boxes(false, instruction, datapoint, truths)
    }

    /// A draw task: labelers draw over what the instruction names; lines inside the
    /// `truths` boxes count as right.
    ///
    /// ```
    /// use rapidata::{audience::BoundingBox, validation::Rapid};
    /// let rapid = Rapid::draw("Draw over the cat.", "https://example.com/a.jpg", [BoundingBox::new(0.2, 0.2, 0.6, 0.8)]);
    /// ```
    pub fn draw(
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = BoundingBox>,
    ) -> Rapid {
        Rapid::boxes(true, instruction, datapoint, truths)
    }

    fn boxes(
        draw: bool,
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = BoundingBox>,
    ) -> Rapid {
        Rapid::new(
            instruction,
            Task::Boxes {
                draw,
                datapoint: datapoint.into(),
                truths: truths.into_iter().collect(),
            },
        )
    }

    /// A timestamp task: labelers stop a video or audio at the moment the instruction
    /// names; a stop inside any of the `truths` ranges (start and end in milliseconds)
    /// counts as right.
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::timestamp("Stop when the ball lands.", "https://example.com/a.mp4", [(1200, 1900)]);
    /// ```
    pub fn timestamp(
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = (u64, u64)>,
    ) -> Rapid {
        Rapid::new(
            instruction,
            Task::Timestamp {
                datapoint: datapoint.into(),
                truths: truths.into_iter().collect(),
            },
        )
    }

    /// Text shown with the task (not for select words, whose sentence is its context).
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::compare("Which fits the prompt?", ["a.jpg", "b.jpg"], "a.jpg").context("A red bus");
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> Rapid {
        self.context = Some(context.into());
        self
    }

    /// Images, videos or audio shown with the task (URLs or files, uploaded when the
    /// rapid is added; one item is sent as a single asset, several as a multi-asset).
    /// Not for select words.
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::classification("Same style?", ["Yes", "No"], "a.jpg", ["Yes"])
    ///     .media_context(["https://example.com/reference.jpg"]);
    /// ```
    pub fn media_context<I>(mut self, items: I) -> Rapid
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        self.media_context = items.into_iter().map(Into::into).collect();
        self
    }

    /// Why the truth is right, shown to labelers who answer wrongly.
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::timestamp("Stop at the goal.", "a.mp4", [(0, 500)]).explanation("The ball crosses the line at 0.3 s.");
    /// ```
    pub fn explanation(mut self, explanation: impl Into<String>) -> Rapid {
        self.explanation = Some(explanation.into());
        self
    }

    /// Settings for how the task is shown (sent as its feature flags; replaces settings
    /// given before).
    ///
    /// ```
    /// use rapidata::{validation::Rapid, Setting};
    /// let rapid = Rapid::compare("Which?", ["a.jpg", "b.jpg"], "b.jpg").settings([Setting::no_shuffle()]);
    /// ```
    pub fn settings(mut self, settings: impl IntoIterator<Item = Setting>) -> Rapid {
        self.settings = settings.into_iter().collect();
        self
    }

    /// Select words only: the share of the selected words that must be right (default 1,
    /// no wrong word).
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::select_words("Select the animals.", "a.jpg", "a cat and a dog", [1, 4]).required_precision(0.5);
    /// ```
    pub fn required_precision(mut self, share: f64) -> Rapid {
        self.required_precision = Some(share);
        self
    }

    /// Select words only: the share of the right words that must be selected (default 1,
    /// all of them).
    ///
    /// ```
    /// use rapidata::validation::Rapid;
    /// let rapid = Rapid::select_words("Select the animals.", "a.jpg", "a cat and a dog", [1, 4]).required_completeness(0.5);
    /// ```
    pub fn required_completeness(mut self, share: f64) -> Rapid {
        self.required_completeness = Some(share);
        self
    }

    /// The items shown as the task itself, in order.
    fn datapoint(&self) -> Vec<DataItem> {
        match &self.task {
            Task::Compare { datapoint, .. } => datapoint.clone(),
            Task::Classification { datapoint, .. }
            | Task::SelectWords { datapoint, .. }
            | Task::Boxes { datapoint, .. }
            | Task::Timestamp { datapoint, .. } => vec![datapoint.clone()],
        }
    }

    /// Every item to upload: the datapoint items, then the media context.
    pub(crate) fn items(&self) -> Vec<DataItem> {
        let mut items = self.datapoint();
        items.extend(self.media_context.iter().cloned());
        items
    }

    /// Checks every input; `at` names them as the caller knows them.
    pub(crate) fn validate(&self, at: At) -> Result<()> {
        validate_instruction(&at.arg("instruction"), &self.instruction)?;
        let select_words = matches!(self.task, Task::SelectWords { .. });
        match &self.task {
            Task::Classification {
                options,
                datapoint,
                truths,
            } => {
                task_checks::options_and_truth(
                    &at.arg("answer_options"),
                    options,
                    &at.arg("truths"),
                    truths,
                )?;
                datapoint.validate(&at.arg("datapoint"))?;
            }
            Task::Compare { datapoint, truth } => {
                task_checks::compare(&at.arg("datapoint"), datapoint, &at.arg("truth"), truth)?;
            }
            Task::SelectWords {
                datapoint,
                sentence,
                truths,
            } => {
                task_checks::word_truths(&at.arg("sentence"), sentence, &at.arg("truths"), truths)?;
                datapoint.validate(&at.arg("datapoint"))?;
            }
            Task::Boxes {
                draw,
                datapoint,
                truths,
            } => {
                let kind = if *draw {
                    "a draw rapid"
                } else {
                    "a locate rapid"
                };
                if truths.is_empty() {
                    return Err(Error::invalid_input(
                        at.arg("truths"),
                        "[]",
                        format!("{kind} needs at least one truth box"),
                    ));
                }
                for (j, b) in truths.iter().enumerate() {
                    b.validate(&format!("{}[{j}]", at.arg("truths")))?;
                }
                media_datapoint(at, datapoint, kind)?;
            }
            Task::Timestamp { datapoint, truths } => {
                if truths.is_empty() {
                    return Err(Error::invalid_input(
                        at.arg("truths"),
                        "[]",
                        "a timestamp rapid needs at least one truth range",
                    ));
                }
                for (j, &(start, end)) in truths.iter().enumerate() {
                    if start > end {
                        return Err(Error::invalid_input(
                            format!("{}[{j}]", at.arg("truths")),
                            (start, end),
                            "a range is (start, end) in milliseconds; the start must not be after the end",
                        ));
                    }
                    if i32::try_from(end).is_err() {
                        return Err(Error::invalid_input(
                            format!("{}[{j}]", at.arg("truths")),
                            (start, end),
                            format!("the API takes milliseconds up to {}", i32::MAX),
                        ));
                    }
                }
                media_datapoint(at, datapoint, "a timestamp rapid")?;
            }
        }
        for (field, value) in [
            ("required_precision", self.required_precision),
            ("required_completeness", self.required_completeness),
        ] {
            if let Some(v) = value {
                if !select_words {
                    return Err(Error::invalid_input(
                        at.arg(field),
                        v,
                        "only select-words rapids have a required precision or completeness",
                    ));
                }
                task_checks::share(&at.arg(field), v)?;
            }
        }
        if select_words {
            if let Some(context) = &self.context {
                return Err(Error::invalid_input(
                    at.arg("context"),
                    context,
                    "a select-words rapid shows its sentence as its context and takes no other",
                ));
            }
            if !self.media_context.is_empty() {
                return Err(Error::invalid_input(
                    at.arg("media_context"),
                    &self.media_context,
                    "a select-words rapid takes no media context",
                ));
            }
        }
        if let Some(explanation) = &self.explanation {
            if explanation.trim().is_empty() {
                return Err(Error::invalid_input(
                    at.arg("explanation"),
                    explanation,
                    "must not be blank (leave it out instead)",
                ));
            }
        }
        task_checks::media_context(&at.arg("media_context"), &self.media_context)
    }

    /// The task and its truth on the wire, with `names` the upload results of
    /// [`items`](Self::items), and the chance of guessing right.
    fn payload_truth(
        &self,
        names: &[Option<String>],
    ) -> (types::IRapidPayload, types::IValidationTruth, f64) {
        let instruction = self.instruction.clone();
        match &self.task {
            Task::Classification {
                options, truths, ..
            } => (
                types::IRapidPayloadClassifyPayload::new(
                    options
                        .iter()
                        .map(|o| types::ClassifyPayloadCategory {
                            value: Some(Some(o.clone())),
                            ..types::ClassifyPayloadCategory::new(o.clone())
                        })
                        .collect(),
                    instruction,
                )
                .into(),
                types::IValidationTruthAttachCategoryTruth::new(truths.clone()).into(),
                truths.len() as f64 / options.len() as f64,
            ),
            Task::Compare { datapoint, truth } => {
                let index = task_checks::compare_truth_index(datapoint, truth)
                    .expect("the truth was checked to be one of the items");
                let winner_id = match &datapoint[index] {
                    DataItem::Text(text) => text.clone(),
                    _ => names[index].clone().expect("media items have names"),
                };
                (
                    types::IRapidPayloadComparePayload::new(instruction).into(),
                    types::IValidationTruthCompareTruth::new(winner_id).into(),
                    0.5,
                )
            }
            Task::SelectWords {
                sentence, truths, ..
            } => {
                let words = task_checks::words(sentence);
                let index = |i: usize| i32::try_from(i).unwrap_or(i32::MAX);
                let shown = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        types::TranscriptionPayloadTranscriptionWord::new(w.to_string(), index(i))
                    })
                    .collect();
                let correct: Vec<types::TranscriptionTruthTranscriptionWord> = truths
                    .iter()
                    .map(|&t| {
                        types::TranscriptionTruthTranscriptionWord::new(
                            words[t].to_owned(),
                            index(t),
                        )
                    })
                    .collect();
                let probability = correct.len() as f64 / words.len() as f64;
                (
                    types::IRapidPayloadTranscriptionPayload::new(instruction, shown).into(),
                    types::IValidationTruthTranscriptionTruth {
                        required_precision: Some(Some(self.required_precision.unwrap_or(1.0))),
                        required_completeness: Some(Some(
                            self.required_completeness.unwrap_or(1.0),
                        )),
                        ..types::IValidationTruthTranscriptionTruth::new(correct)
                    }
                    .into(),
                    probability,
                )
            }
            Task::Boxes { draw, truths, .. } => {
                let payload = if *draw {
                    types::IRapidPayloadLinePayload::new(instruction).into()
                } else {
                    types::IRapidPayloadLocatePayload::new(instruction).into()
                };
                let boxes = truths.iter().map(|b| box_truth(*b)).collect();
                (
                    payload,
                    types::IValidationTruthLocateBoxTruth::new(boxes).into(),
                    crate::audience::example::coverage(truths),
                )
            }
            Task::Timestamp { truths, .. } => {
                let ms = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
                let ranges = truths
                    .iter()
                    .map(|&(start, end)| types::ScrubTruthScrubRange::new(ms(end), ms(start)))
                    .collect();
                (
                    types::IRapidPayloadScrubPayload::new(instruction).into(),
                    types::IValidationTruthScrubTruth::new(ranges).into(),
                    0.5,
                )
            }
        }
    }

    /// The request body, with `names` the upload results of [`items`](Self::items):
    /// `context`, `explanation`, `randomCorrectProbability` and `featureFlags` always
    /// present (`null` when unset, as the official SDK sends them), `contextAsset` only
    /// with media context.
    pub(crate) fn body(&self, names: &[Option<String>]) -> types::AddValidationRapidEndpointInput {
        let datapoint = self.datapoint();
        let (payload, truth, probability) = self.payload_truth(names);
        let feature_flags = (!self.settings.is_empty())
            .then(|| self.settings.iter().map(Setting::to_feature_flag).collect());
        let shown = datapoint.len();
        types::AddValidationRapidEndpointInput {
            truth: Some(truth),
            random_correct_probability: Some(Some(probability)),
            explanation: Some(self.explanation.clone()),
            context: Some(self.context.clone()),
            context_asset: (!self.media_context.is_empty())
                .then(|| asset::asset_input(&self.media_context, &names[shown..])),
            feature_flags: Some(feature_flags),
            ..types::AddValidationRapidEndpointInput::new(
                asset::asset_input(&datapoint, &names[..shown]),
                payload,
            )
        }
    }
}

/// Refuses a text where the task needs an image, video or audio.
fn media_datapoint(at: At, datapoint: &DataItem, kind: &str) -> Result<()> {
    if !datapoint.is_media() {
        return Err(Error::invalid_input(
            at.arg("datapoint"),
            datapoint,
            format!("{kind} needs media (a URL or a file), not a text"),
        ));
    }
    datapoint.validate(&at.arg("datapoint"))
}

/// A truth box in percent, as the API takes it.
// Every field is set today; the update stays so that a property the API adds later is
// one more `None` rather than a compile error.
#[allow(clippy::needless_update)]
fn box_truth(b: BoundingBox) -> types::LocateBoxTruthBox {
    types::LocateBoxTruthBox {
        x_min: Some(Some(b.x_min * 100.0)),
        y_min: Some(Some(b.y_min * 100.0)),
        x_max: Some(Some(b.x_max * 100.0)),
        y_max: Some(Some(b.y_max * 100.0)),
        ..types::LocateBoxTruthBox::new()
    }
}

/// A validation task of a set as the server lists it (`GET /validation-set/{id}/rapids`).
///
/// ```no_run
/// # let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_1")?;
/// for rapid in set.rapids().iter() {
///     let rapid = rapid?;
///     println!("{} {}: {} right, {} wrong", rapid.id(), rapid.kind(), rapid.correct_count(), rapid.incorrect_count());
/// }
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct ValidationRapid {
    raw: types::GetValidationRapidsEndpointOutput,
}

impl ValidationRapid {
    pub(crate) fn new(raw: types::GetValidationRapidsEndpointOutput) -> ValidationRapid {
        ValidationRapid { raw }
    }

    /// The rapid's id.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{}", r.id()); }
    /// ```
    pub fn id(&self) -> &str {
        &self.raw.id
    }

    /// The kind of task, as the server names it (for example `Classify`).
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{}", r.kind()); }
    /// ```
    pub fn kind(&self) -> &str {
        &self.raw.type_
    }

    /// What the labeler looks at.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.asset()); }
    /// ```
    pub fn asset(&self) -> &types::IAsset {
        &self.raw.asset
    }

    /// The task.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.payload()); }
    /// ```
    pub fn payload(&self) -> &types::IRapidPayload {
        &self.raw.payload
    }

    /// The correct answer, if the server lists it.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.truth()); }
    /// ```
    pub fn truth(&self) -> Option<&types::IValidationTruth> {
        self.raw.truth.as_ref()
    }

    /// The text shown with the task, if any.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.context()); }
    /// ```
    pub fn context(&self) -> Option<&str> {
        self.raw.context.as_ref().and_then(|c| c.as_deref())
    }

    /// The explanation shown to labelers who answer wrongly, if any.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.explanation()); }
    /// ```
    pub fn explanation(&self) -> Option<&str> {
        self.raw.explanation.as_ref().and_then(|c| c.as_deref())
    }

    /// How many answers to it were right.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{}", r.correct_count()); }
    /// ```
    pub fn correct_count(&self) -> u64 {
        u64::try_from(self.raw.correct_validation_count).unwrap_or(0)
    }

    /// How many answers to it were wrong.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{}", r.incorrect_count()); }
    /// ```
    pub fn incorrect_count(&self) -> u64 {
        u64::try_from(self.raw.invalid_validation_count).unwrap_or(0)
    }

    /// Where the rapid stands (labeling, flagged, …).
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.state()); }
    /// ```
    pub fn state(&self) -> &types::RapidState {
        &self.raw.state
    }

    /// The listed item as the API sent it.
    ///
    /// ```no_run
    /// # fn demo(r: &rapidata::validation::ValidationRapid) { println!("{:?}", r.as_api().random_correct_probability); }
    /// ```
    pub fn as_api(&self) -> &types::GetValidationRapidsEndpointOutput {
        &self.raw
    }

    /// Whether this listed rapid is the one `body` describes (after a lost answer).
    pub(crate) fn matches(&self, body: &types::AddValidationRapidEndpointInput) -> bool {
        let raw = &self.raw;
        raw.context.clone().flatten() == body.context.clone().flatten()
            && raw.payload == body.payload
            && (raw.truth.is_none() || raw.truth == body.truth)
            && crate::audience::example::same_asset(&raw.asset, &body.asset)
    }
}
