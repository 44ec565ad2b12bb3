//! Validation sets with their rapids: the `create_*_set` builders of the
//! [`ValidationSetManager`], [`ValidationSet::add_rapid`] and [`ValidationSet::rapids`].
//!
//! Adding a rapid answers no id (`204`), so a rapid whose answer was lost is recovered
//! with [`crate::flow::reconcile`]: the set's rapids are listed again and a new rapid with the
//! same asset, task, truth and context is taken for the one sent (an identical rapid that
//! appeared in between cannot be told apart and makes the add fail with
//! [`Error::UnresolvedCreate`] instead of being sent twice).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::api::{operations, types};
use crate::asset::{self, DataItem};
use crate::audience::example::planned_names;
use crate::audience::BoundingBox;
use crate::flow::find::Find;
use crate::flow::paging::LIST_PAGE_SIZE;
use crate::flow::paging::{Fetched, PagedOutput, Pages};
use crate::flow::reconcile::{create_once_from, Verdict};
use crate::{Client, Error, Result};

use super::rapid::{At, Rapid, ValidationRapid};
use super::set::{check_new_set, post_new_set, ValidationSet, ValidationSetManager};

/// How the `i`th rapid's inputs are named in errors ([`At::Set`] or [`At::Mixed`]).
type Naming = fn(usize) -> At;

/// The inputs of one `create_*_set` call, per kind.
#[derive(Debug, Clone)]
enum Source {
    Classification {
        instruction: String,
        options: Vec<String>,
        datapoints: Vec<DataItem>,
        truths: Vec<Vec<String>>,
    },
    Compare {
        instruction: String,
        datapoints: Vec<Vec<DataItem>>,
        truths: Vec<DataItem>,
    },
    SelectWords {
        instruction: String,
        datapoints: Vec<DataItem>,
        sentences: Vec<String>,
        truths: Vec<Vec<usize>>,
    },
    Boxes {
        draw: bool,
        instruction: String,
        datapoints: Vec<DataItem>,
        truths: Vec<Vec<BoundingBox>>,
    },
    Timestamp {
        instruction: String,
        datapoints: Vec<DataItem>,
        truths: Vec<Vec<(u64, u64)>>,
    },
    Mixed(Vec<Rapid>),
}

/// Builder of a validation set with rapids, from one of the `create_*_set` methods of the
/// [`ValidationSetManager`]. Nothing is checked or sent before [`send`](Self::send);
/// [`validate`](Self::validate) runs its checks alone.
///
/// The per-datapoint lists ([`contexts`](Self::contexts),
/// [`media_contexts`](Self::media_contexts), [`explanations`](Self::explanations)) must
/// have one entry per datapoint when given.
///
/// ```no_run
/// let set = rapidata::Client::new()?
///     .validation()
///     .create_compare_set(
///         "Prompt following checks",
///         "Which image follows the prompt better?",
///         [["https://example.com/good.jpg", "https://example.com/bad.jpg"]],
///         ["https://example.com/good.jpg"],
///     )
///     .contexts(["A red bus in the snow"])
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is called"]
pub struct CreateRapidSet {
    client: Client,
    name: String,
    source: Source,
    dimensions: Vec<String>,
    contexts: Option<Vec<String>>,
    media_contexts: Option<Vec<Vec<DataItem>>>,
    explanations: Option<Vec<Option<String>>>,
    required_precision: Option<f64>,
    required_completeness: Option<f64>,
}

fn items<I>(items: I) -> Vec<DataItem>
where
    I: IntoIterator,
    I::Item: Into<DataItem>,
{
    items.into_iter().map(Into::into).collect()
}

impl ValidationSetManager {
    fn rapid_set(&self, name: impl Into<String>, source: Source) -> CreateRapidSet {
        CreateRapidSet {
            client: self.client.clone(),
            name: name.into(),
            source,
            dimensions: Vec::new(),
            contexts: None,
            media_contexts: None,
            explanations: None,
            required_precision: None,
            required_completeness: None,
        }
    }

    /// A set of classification rapids: for each datapoint, labelers choose among
    /// `answer_options` and every option in its `truths` entry counts as right (see
    /// [`Rapid::classification`]). Items are URLs, files or texts ([`DataItem::text`]).
    ///
    /// ```no_run
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_classification_set(
    ///         "Animal checks",
    ///         "What animal is this?",
    ///         ["Cat", "Dog", "Bird"],
    ///         ["https://example.com/cat.jpg", "https://example.com/dog.jpg"],
    ///         [vec!["Cat"], vec!["Dog"]],
    ///     )
    ///     .explanations([Some("Whiskers and pointy ears."), None])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_classification_set<O, D, T, S>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        answer_options: O,
        datapoints: D,
        truths: T,
    ) -> CreateRapidSet
    where
        O: IntoIterator,
        O::Item: Into<String>,
        D: IntoIterator,
        D::Item: Into<DataItem>,
        T: IntoIterator,
        T::Item: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rapid_set(
            name,
            Source::Classification {
                instruction: instruction.into(),
                options: answer_options.into_iter().map(Into::into).collect(),
                datapoints: items(datapoints),
                truths: truths
                    .into_iter()
                    .map(|t| t.into_iter().map(Into::into).collect())
                    .collect(),
            },
        )
    }

    /// A set of comparison rapids: each datapoint is a pair of items and its `truths`
    /// entry the one that should win (see [`Rapid::compare`]).
    ///
    /// ```no_run
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_compare_set("Sharpness", "Which image is sharper?", [["a.jpg", "b.jpg"]], ["a.jpg"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_compare_set<D, P, T>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: D,
        truths: T,
    ) -> CreateRapidSet
    where
        D: IntoIterator,
        D::Item: IntoIterator<Item = P>,
        P: Into<DataItem>,
        T: IntoIterator,
        T::Item: Into<DataItem>,
    {
        self.rapid_set(
            name,
            Source::Compare {
                instruction: instruction.into(),
                datapoints: datapoints.into_iter().map(items).collect(),
                truths: items(truths),
            },
        )
    }

    /// A set of select-words rapids: for each datapoint, labelers select the words of its
    /// sentence (split at spaces) at the indices of its `truths` entry (see
    /// [`Rapid::select_words`]).
    ///
    /// ```no_run
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_select_words_set(
    ///         "Caption checks",
    ///         "Select the words the image does not show.",
    ///         ["https://example.com/black_cat.jpg"],
    ///         ["a white cat"],
    ///         [vec![1]],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_select_words_set<D, W, T>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: D,
        sentences: W,
        truths: T,
    ) -> CreateRapidSet
    where
        D: IntoIterator,
        D::Item: Into<DataItem>,
        W: IntoIterator,
        W::Item: Into<String>,
        T: IntoIterator,
        T::Item: IntoIterator<Item = usize>,
    {
        self.rapid_set(
            name,
            Source::SelectWords {
                instruction: instruction.into(),
                datapoints: items(datapoints),
                sentences: sentences.into_iter().map(Into::into).collect(),
                truths: truths
                    .into_iter()
                    .map(|t| t.into_iter().collect())
                    .collect(),
            },
        )
    }

    /// A set of locate rapids: for each datapoint, a tap inside one of the boxes of its
    /// `truths` entry counts as right (see [`Rapid::locate`]).
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_locate_set("Glitches", "Tap the glitch.", ["a.jpg"], [vec![BoundingBox::new(0.1, 0.1, 0.3, 0.3)]])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_locate_set<D, T>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: D,
        truths: T,
    ) -> CreateRapidSet
    where
        D: IntoIterator,
        D::Item: Into<DataItem>,
        T: IntoIterator,
        T::Item: IntoIterator<Item = BoundingBox>,
    {
        self.box_set(false, name, instruction, datapoints, truths)
    }

    /// A set of draw rapids: for each datapoint, lines inside the boxes of its `truths`
    /// entry count as right (see [`Rapid::draw`]).
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_draw_set("Outlines", "Draw over the cat.", ["a.jpg"], [vec![BoundingBox::new(0.2, 0.2, 0.6, 0.8)]])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_draw_set<D, T>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: D,
        truths: T,
    ) -> CreateRapidSet
    where
        D: IntoIterator,
        D::Item: Into<DataItem>,
        T: IntoIterator,
        T::Item: IntoIterator<Item = BoundingBox>,
    {
        self.box_set(true, name, instruction, datapoints, truths)
    }

    fn box_set<D, T>(
        &self,
        draw: bool,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: D,
        truths: T,
    ) -> CreateRapidSet
    where
        D: IntoIterator,
        D::Item: Into<DataItem>,
        T: IntoIterator,
        T::Item: IntoIterator<Item = BoundingBox>,
    {
        self.rapid_set(
            name,
            Source::Boxes {
                draw,
                instruction: instruction.into(),
                datapoints: items(datapoints),
                truths: truths
                    .into_iter()
                    .map(|t| t.into_iter().collect())
                    .collect(),
            },
        )
    }

    /// A set of timestamp rapids: for each datapoint (a video or audio), a stop inside one
    /// of the ranges of its `truths` entry (milliseconds) counts as right (see
    /// [`Rapid::timestamp`]).
    ///
    /// ```no_run
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_timestamp_set("Goals", "Stop when the ball crosses the line.", ["goal.mp4"], [vec![(1200, 1900)]])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_timestamp_set<D, T>(
        &self,
        name: impl Into<String>,
        instruction: impl Into<String>,
        datapoints: D,
        truths: T,
    ) -> CreateRapidSet
    where
        D: IntoIterator,
        D::Item: Into<DataItem>,
        T: IntoIterator,
        T::Item: IntoIterator<Item = (u64, u64)>,
    {
        self.rapid_set(
            name,
            Source::Timestamp {
                instruction: instruction.into(),
                datapoints: items(datapoints),
                truths: truths
                    .into_iter()
                    .map(|t| t.into_iter().collect())
                    .collect(),
            },
        )
    }

    /// A set of rapids of any kinds, each built on its own ([`Rapid`]); per-datapoint
    /// lists are not taken here (set context and explanation on each rapid).
    ///
    /// ```no_run
    /// use rapidata::validation::Rapid;
    /// let set = rapidata::Client::new()?
    ///     .validation()
    ///     .create_mixed_set(
    ///         "Mixed checks",
    ///         [
    ///             Rapid::classification("Animal?", ["Cat", "Dog"], "cat.jpg", ["Cat"]),
    ///             Rapid::compare("Sharper?", ["a.jpg", "b.jpg"], "a.jpg").context("Same scene"),
    ///         ],
    ///     )
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn create_mixed_set(
        &self,
        name: impl Into<String>,
        rapids: impl IntoIterator<Item = Rapid>,
    ) -> CreateRapidSet {
        self.rapid_set(name, Source::Mixed(rapids.into_iter().collect()))
    }
}

impl CreateRapidSet {
    /// The score dimensions labelers' answers count towards (set after the rapids).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_compare_set("S", "Sharper?", [["a.jpg", "b.jpg"]], ["a.jpg"])
    ///     .dimensions(["sharpness"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn dimensions<I>(mut self, dimensions: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.dimensions = dimensions.into_iter().map(Into::into).collect();
        self
    }

    /// One text per datapoint, shown with its task (not for select-words sets).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_compare_set("S", "Fits the prompt?", [["a.jpg", "b.jpg"]], ["a.jpg"])
    ///     .contexts(["A red bus"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn contexts<I>(mut self, contexts: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.contexts = Some(contexts.into_iter().map(Into::into).collect());
        self
    }

    /// One list of media (URLs or files) per datapoint, shown with its task (not for
    /// select-words sets).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_classification_set("S", "Same style?", ["Yes", "No"], ["a.jpg"], [["Yes"]])
    ///     .media_contexts([["https://example.com/reference.jpg"]]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_contexts<I, M>(mut self, media_contexts: I) -> Self
    where
        I: IntoIterator,
        I::Item: IntoIterator<Item = M>,
        M: Into<DataItem>,
    {
        self.media_contexts = Some(media_contexts.into_iter().map(items).collect());
        self
    }

    /// One explanation per datapoint (`None` for none), shown to labelers who answer
    /// its task wrongly.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_compare_set("S", "Sharper?", [["a.jpg", "b.jpg"], ["c.jpg", "d.jpg"]], ["a.jpg", "d.jpg"])
    ///     .explanations([Some("b.jpg is out of focus."), None]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn explanations<I, S>(mut self, explanations: I) -> Self
    where
        I: IntoIterator<Item = Option<S>>,
        S: Into<String>,
    {
        self.explanations = Some(
            explanations
                .into_iter()
                .map(|e| e.map(Into::into))
                .collect(),
        );
        self
    }

    /// Select-words sets only: the share of the selected words that must be right
    /// (default 1).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_select_words_set("S", "Select the animals.", ["a.jpg"], ["a cat and a dog"], [vec![1, 4]])
    ///     .required_precision(0.5).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn required_precision(mut self, share: f64) -> Self {
        self.required_precision = Some(share);
        self
    }

    /// Select-words sets only: the share of the right words that must be selected
    /// (default 1).
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation().create_select_words_set("S", "Select the animals.", ["a.jpg"], ["a cat and a dog"], [vec![1, 4]])
    ///     .required_completeness(0.5).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn required_completeness(mut self, share: f64) -> Self {
        self.required_completeness = Some(share);
        self
    }

    /// The rapids, one per datapoint (or the mixed set's), after checking that every
    /// per-datapoint list has one entry per datapoint; with how their inputs are named.
    fn rapids(&self) -> Result<(Vec<Rapid>, Naming)> {
        let (instruction, count) = match &self.source {
            Source::Mixed(rapids) => {
                if rapids.is_empty() {
                    return Err(Error::invalid_input(
                        "rapids",
                        "[]",
                        "give at least one rapid",
                    ));
                }
                for (field, given) in [
                    ("contexts", self.contexts.is_some()),
                    ("media_contexts", self.media_contexts.is_some()),
                    ("explanations", self.explanations.is_some()),
                    ("required_precision", self.required_precision.is_some()),
                    (
                        "required_completeness",
                        self.required_completeness.is_some(),
                    ),
                ] {
                    if given {
                        return Err(Error::invalid_input(
                            field,
                            "…",
                            "a mixed set takes this on each Rapid, not on the set",
                        ));
                    }
                }
                return Ok((rapids.clone(), At::Mixed));
            }
            Source::Classification {
                instruction,
                datapoints,
                truths,
                ..
            } => (
                instruction,
                same_length(datapoints.len(), "truths", truths.len())?,
            ),
            Source::Compare {
                instruction,
                datapoints,
                truths,
            } => (
                instruction,
                same_length(datapoints.len(), "truths", truths.len())?,
            ),
            Source::SelectWords {
                instruction,
                datapoints,
                sentences,
                truths,
            } => {
                same_length(datapoints.len(), "sentences", sentences.len())?;
                (
                    instruction,
                    same_length(datapoints.len(), "truths", truths.len())?,
                )
            }
            Source::Boxes {
                instruction,
                datapoints,
                truths,
                ..
            } => (
                instruction,
                same_length(datapoints.len(), "truths", truths.len())?,
            ),
            Source::Timestamp {
                instruction,
                datapoints,
                truths,
            } => (
                instruction,
                same_length(datapoints.len(), "truths", truths.len())?,
            ),
        };
        if let Some(c) = &self.contexts {
            same_length(count, "contexts", c.len())?;
        }
        if let Some(m) = &self.media_contexts {
            same_length(count, "media_contexts", m.len())?;
        }
        if let Some(e) = &self.explanations {
            same_length(count, "explanations", e.len())?;
        }
        let mut rapids = Vec::with_capacity(count);
        for i in 0..count {
            let mut rapid = match &self.source {
                Source::Classification {
                    options,
                    datapoints,
                    truths,
                    ..
                } => Rapid::classification(
                    instruction.clone(),
                    options.clone(),
                    datapoints[i].clone(),
                    truths[i].clone(),
                ),
                Source::Compare {
                    datapoints, truths, ..
                } => Rapid::compare(
                    instruction.clone(),
                    datapoints[i].clone(),
                    truths[i].clone(),
                ),
                Source::SelectWords {
                    datapoints,
                    sentences,
                    truths,
                    ..
                } => Rapid::select_words(
                    instruction.clone(),
                    datapoints[i].clone(),
                    sentences[i].clone(),
                    truths[i].clone(),
                ),
                Source::Boxes {
                    draw: false,
                    datapoints,
                    truths,
                    ..
                } => Rapid::locate(
                    instruction.clone(),
                    datapoints[i].clone(),
                    truths[i].clone(),
                ),
                Source::Boxes {
                    datapoints, truths, ..
                } => Rapid::draw(
                    instruction.clone(),
                    datapoints[i].clone(),
                    truths[i].clone(),
                ),
                Source::Timestamp {
                    datapoints, truths, ..
                } => Rapid::timestamp(
                    instruction.clone(),
                    datapoints[i].clone(),
                    truths[i].clone(),
                ),
                Source::Mixed(_) => unreachable!("mixed sets returned above"),
            };
            if let Some(c) = &self.contexts {
                rapid = rapid.context(c[i].clone());
            }
            if let Some(m) = &self.media_contexts {
                rapid = rapid.media_context(m[i].clone());
            }
            if let Some(Some(e)) = self.explanations.as_ref().map(|e| e[i].clone()) {
                rapid = rapid.explanation(e);
            }
            if let Some(p) = self.required_precision {
                rapid = rapid.required_precision(p);
            }
            if let Some(c) = self.required_completeness {
                rapid = rapid.required_completeness(c);
            }
            rapids.push(rapid);
        }
        Ok((rapids, At::Set))
    }

    /// Checks every input (nothing is uploaded or sent if one is invalid), uploads every
    /// media item in parallel (through the client's upload cache), creates the set
    /// (`POST /validation-set`), adds the rapids one by one in order
    /// (`POST /validation-set/{id}/rapid`, as the official SDK does), then sets the
    /// dimensions (`PATCH`) when given.
    ///
    /// If adding a rapid fails, the set already exists with the rapids before it; the
    /// error is returned (and the set's id logged) without adding the rest.
    ///
    /// Errors: [`Error::InvalidInput`] naming the argument and index (`truths[2][0]`,
    /// `media_contexts[1]`, `rapids[3].datapoint`) for a blank name or dimension, no
    /// datapoints, per-datapoint lists of another length than the datapoints, and every
    /// check of the rapid kind ([`Rapid`]); upload and API errors otherwise.
    ///
    /// ```no_run
    /// # let client = rapidata::Client::new()?;
    /// let set = client.validation()
    ///     .create_timestamp_set("Goals", "Stop at the goal.", ["goal.mp4"], [vec![(1200, 1900)]])
    ///     .send()?;
    /// println!("{}", set.view_url());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<ValidationSet> {
        let rapids = self.checked_rapids()?;
        let bodies = upload_bodies(&self.client, &rapids)?;
        let mut set = post_new_set(self.client, self.name)?;
        for (i, body) in bodies.into_iter().enumerate() {
            // The set is new: every rapid listed in it was added by this call.
            if let Err(e) = set.post_rapid(body, Ok(HashSet::new())) {
                log::warn!(
                    "validation set {} was created, but adding rapid {i} failed; it holds the rapids before it",
                    set.id
                );
                return Err(e);
            }
        }
        if !self.dimensions.is_empty() {
            set.update_dimensions(self.dimensions)?;
        }
        Ok(set)
    }

    /// The rapids to add, after every check of [`send`](Self::send).
    fn checked_rapids(&self) -> Result<Vec<Rapid>> {
        check_new_set(&self.name, &self.dimensions)?;
        let (rapids, at) = self.rapids()?;
        for (i, rapid) in rapids.iter().enumerate() {
            rapid.validate(at(i))?;
        }
        Ok(rapids)
    }

    /// Runs every check of [`send`](Self::send) without uploading or sending anything,
    /// and returns the bodies of the rapids `send` would add
    /// (`POST /validation-set/{id}/rapid`), in order, with each media item (URL or file)
    /// named by its [`identifier`](DataItem::identifier) where `send` puts the server
    /// name its upload returns. (The set itself is created with `{"name"}` alone; the
    /// dimensions follow in a `PATCH`.)
    ///
    /// ```no_run
    /// use rapidata::DataItem;
    /// # let client = rapidata::Client::new()?;
    /// let bodies = client
    ///     .validation()
    ///     .create_classification_set("Maths", "True?", ["Yes", "No"], [DataItem::text("1 + 1 = 2")], [vec!["Yes"]])
    ///     .validate()?;
    /// assert_eq!(bodies.len(), 1);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<Vec<types::AddValidationRapidEndpointInput>> {
        let rapids = self.checked_rapids()?;
        Ok(rapids
            .iter()
            .map(|rapid| rapid.body(&planned_names(&rapid.items())))
            .collect())
    }
}

/// `Ok(n)` when a per-datapoint list has one entry for each of the `n` datapoints.
fn same_length(datapoints: usize, field: &str, len: usize) -> Result<usize> {
    if datapoints == 0 {
        return Err(Error::invalid_input(
            "datapoints",
            "[]",
            "give at least one datapoint",
        ));
    }
    if len != datapoints {
        return Err(Error::invalid_input(
            field,
            format!("{len} entries"),
            format!("needs one entry per datapoint: {datapoints}"),
        ));
    }
    Ok(datapoints)
}

/// Uploads the media of every rapid at once (in parallel) and returns their bodies, or
/// the first failure.
fn upload_bodies(
    client: &Client,
    rapids: &[Rapid],
) -> Result<Vec<types::AddValidationRapidEndpointInput>> {
    let per_rapid: Vec<Vec<DataItem>> = rapids.iter().map(Rapid::items).collect();
    let all: Vec<DataItem> = per_rapid.iter().flatten().cloned().collect();
    let names: Vec<Option<String>> = asset::upload_all(client, &all)
        .into_iter()
        .collect::<Result<_>>()?;
    let mut offset = 0;
    Ok(rapids
        .iter()
        .zip(&per_rapid)
        .map(|(rapid, items)| {
            let body = rapid.body(&names[offset..offset + items.len()]);
            offset += items.len();
            body
        })
        .collect())
}

impl ValidationSet {
    /// Adds one rapid (`POST /validation-set/{id}/rapid`) after checking it and uploading
    /// its media. The set's rapids are listed first, so that a lost answer can be
    /// recovered without adding the rapid twice (see the `validation` module docs).
    ///
    /// ```no_run
    /// use rapidata::validation::Rapid;
    /// # let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_1")?;
    /// set.add_rapid(Rapid::classification("Animal?", ["Cat", "Dog"], "cat.jpg", ["Cat"]))?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn add_rapid(&self, rapid: Rapid) -> Result<&Self> {
        rapid.validate(At::One)?;
        let body = upload_bodies(&self.client, std::slice::from_ref(&rapid))?
            .pop()
            .expect("one body per rapid");
        let before = self.rapid_ids(&RefCell::new(HashMap::new()));
        self.post_rapid(body, before)?;
        Ok(self)
    }

    /// The ids of every rapid in the set; the rapids are kept in `seen` for judging.
    fn rapid_ids(
        &self,
        seen: &RefCell<HashMap<String, ValidationRapid>>,
    ) -> Result<HashSet<String>> {
        let mut ids = HashSet::new();
        for rapid in self.rapids().amount(LIST_PAGE_SIZE as u32).iter() {
            let rapid = rapid?;
            ids.insert(rapid.id().to_owned());
            seen.borrow_mut().insert(rapid.id().to_owned(), rapid);
        }
        Ok(ids)
    }

    /// Sends one rapid exactly once (`before`: the ids listed before sending).
    fn post_rapid(
        &self,
        body: types::AddValidationRapidEndpointInput,
        before: Result<HashSet<String>>,
    ) -> Result<()> {
        let op = operations::PostValidationSetByValidationSetIdRapid::new(&self.id, body.clone());
        let seen = RefCell::new(HashMap::new());
        create_once_from(
            &self.client,
            "validation rapid",
            before,
            || self.rapid_ids(&seen),
            |id| {
                Ok(match seen.borrow().get(id) {
                    Some(listed) if listed.matches(&body) => Verdict::Ours,
                    Some(_) => Verdict::NotOurs("another asset, task, truth or context".into()),
                    None => Verdict::NotOurs("not listed".into()),
                })
            },
            || self.client.send(&op),
        )?;
        Ok(())
    }

    /// The set's rapids (`GET /validation-set/{id}/rapids`): 10 a page from page 1 unless
    /// told otherwise; one page with [`send`](FindRapids::send), all with
    /// [`iter`](FindRapids::iter).
    ///
    /// ```no_run
    /// # let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_1")?;
    /// let rapids: Vec<_> = set.rapids().iter().collect::<Result<_, _>>()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn rapids(&self) -> FindRapids {
        let query = RapidsQuery {
            set_id: self.id.clone(),
        };
        Find::with_query(self.client.clone(), query)
    }
}

/// What a list of rapids filters on: the validation set. The query of [`FindRapids`].
#[derive(Debug, Clone)]
pub struct RapidsQuery {
    set_id: String,
}

/// Builder for [`ValidationSet::rapids`]: 10 a page from page 1 unless told otherwise
/// ([`amount`](Find::amount), [`page`](Find::page)).
///
/// ```no_run
/// # let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_1")?;
/// let first = set.rapids().amount(50).send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type FindRapids = Find<RapidsQuery>;

impl Find<RapidsQuery> {
    fn fetch(&self, page: i64) -> Result<Fetched<ValidationRapid>> {
        let mut op = operations::GetValidationSetByValidationSetIdRapids::new(&self.query.set_id);
        op.page = Some(page);
        op.page_size = Some(i64::from(self.spec.amount));
        Ok(self
            .client
            .send(&op)?
            .into_fetched()
            .map(ValidationRapid::new))
    }

    /// Sends `GET /validation-set/{id}/rapids?page=…&page_size=…` and returns that page.
    ///
    /// ```no_run
    /// # let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_1")?;
    /// let page = set.rapids().page(2).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<Vec<ValidationRapid>> {
        self.first_page(Self::fetch)
    }

    /// Every rapid from [`page`](Find::page) on, a page at a time.
    ///
    /// ```no_run
    /// # let set = rapidata::Client::new()?.validation().get_validation_set_by_id("vs_1")?;
    /// let count = set.rapids().iter().count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn iter(self) -> Pages<ValidationRapid> {
        self.all_pages("rapids", Self::fetch)
    }
}
