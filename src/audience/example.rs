//! Qualification examples: tasks with a known answer that labelers must get right to join
//! an audience.

use crate::api::{operations, types};
use crate::asset::{self, DataItem};
use crate::flow::paging::{PageCounts, Pager, LIST_PAGE_SIZE};
use crate::{Error, Result};

use super::handle::Audience;

/// The most examples [`Audience::examples`] lists (so at most 1,000 pages): far more than
/// an audience's qualification needs.
const MAX_EXAMPLES: u64 = 100_000;

// The checks and the add-exactly-once step every kind shares, then each kind in its own
// file, on the one generic builder of `add.rs`. (The children import only each other,
// never this file.)
mod add;
mod add_once;
mod checks;
mod classification;
mod compare;
mod locate;
mod select_words;

pub(crate) use add_once::same_asset;
use add_once::{payload_instruction, upload_names};
use checks::validate_media_context;
pub(crate) use checks::{validate_instruction, MAX_INSTRUCTION_CHARS};

pub(crate) use add::planned_names;
pub use add::{AddExample, TakesContext};
pub use classification::{AddClassificationExample, ClassificationExample, ClassificationKind};
pub use compare::{AddCompareExample, CompareExample, CompareKind};
pub(crate) use locate::coverage;
pub use locate::{
    AddDrawExample, AddLocateExample, BoundingBox, BoxKind, DrawExample, LocateExample,
};
pub use select_words::{AddSelectWordsExample, SelectWordsExample, SelectWordsKind};

impl Audience {
    /// Every qualification example of the audience (`GET /audience/{id}/examples`, all
    /// pages).
    ///
    /// Paging follows what the server sends, not what it claims: it stops at the first
    /// empty, short or repeated page whatever `total` and `totalPages` say, and after at
    /// most 1,000 pages of 100.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for example in audience.examples()? {
    ///     println!("{}: {} right, {} wrong", example.id(), example.correct_count(), example.incorrect_count());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn examples(&self) -> Result<Vec<Example>> {
        let mut examples = Vec::new();
        let mut pager = Pager::new("examples", LIST_PAGE_SIZE, MAX_EXAMPLES);
        loop {
            let mut op = operations::GetAudienceByAudienceIdExamples::new(self.id());
            op.page = Some(pager.page());
            op.page_size = Some(LIST_PAGE_SIZE);
            let out = self.client_ref().send(&op)?;
            let items = out.items.len();
            let before = examples.len();
            for raw in out.items {
                if pager.is_new(&raw.id) {
                    examples.push(Example { raw });
                }
            }
            let more = pager.advance(PageCounts {
                items,
                new_items: examples.len() - before,
                page_size: Some(i64::from(out.page_size)),
                total: Some(out.total),
                total_pages: out.total_pages.map(i64::from),
            });
            if !more {
                break;
            }
        }
        Ok(examples)
    }

    /// Starts changing the example `example_id` (`PATCH /audience/{id}/example/{exampleId}`);
    /// only the fields set on the builder are sent. Finish with [`UpdateExample::send`].
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .update_example("ex_1")
    ///     .explanation("Look at the lettering.")
    ///     .clear_context()
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn update_example(&self, example_id: impl Into<String>) -> UpdateExample {
        UpdateExample {
            audience: self.clone(),
            example_id: example_id.into(),
            body: types::UpdateAudienceExampleEndpointInput::new(),
            media_context: None,
        }
    }

    /// Deletes the example `example_id` (`DELETE /audience/example/{exampleId}`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.delete_example("ex_1")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn delete_example(&self, example_id: impl Into<String>) -> Result<()> {
        let id = example_id.into();
        crate::error::require_id("example_id", &id)?;
        self.client_ref()
            .send(&operations::DeleteAudienceExampleByExampleId::new(id))?;
        Ok(())
    }
}

/// Builder for [`Audience::update_example`]: a `PATCH` that changes only the fields set.
///
/// Fields the API lets you clear have `clear_*` setters that send an explicit `null`.
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .update_example("ex_1")
///     .classification_truth(["Cat"])
///     .random_correct_probability(0.5)
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is called"]
pub struct UpdateExample {
    audience: Audience,
    example_id: String,
    body: types::UpdateAudienceExampleEndpointInput,
    media_context: Option<Vec<DataItem>>,
}

impl UpdateExample {
    /// A new instruction (at most 250 characters; sent as `instructionText`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").instruction("Which image is sharper?").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn instruction(mut self, instruction: impl Into<String>) -> Self {
        self.body.instruction_text = Some(instruction.into());
        self
    }

    /// A new truth for a comparison: the winner's server file name (see
    /// [`Example::asset`]) or, for text comparisons, the winning text.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").compare_truth("e8563fc4.jpg").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn compare_truth(mut self, winner_id: impl Into<String>) -> Self {
        self.body.truth = Some(Some(
            types::IExampleTruthCompareExampleTruth::new(winner_id.into()).into(),
        ));
        self
    }

    /// A new truth for a classification: the correct categories (at least one).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").classification_truth(["Dog"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn classification_truth<I>(mut self, categories: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.body.truth = Some(Some(
            types::IExampleTruthClassifyExampleTruth::new(
                categories.into_iter().map(Into::into).collect(),
            )
            .into(),
        ));
        self
    }

    /// A new truth of any kind, in the API's form.
    ///
    /// ```no_run
    /// use rapidata::api::types::{IExampleTruth, IExampleTruthCompareExampleTruth};
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let truth = IExampleTruth::from(IExampleTruthCompareExampleTruth::new("a.jpg".into()));
    /// audience.update_example("ex_1").truth(truth).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn truth(mut self, truth: types::IExampleTruth) -> Self {
        self.body.truth = Some(Some(truth));
        self
    }

    /// A new explanation.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").explanation("Count the fingers.").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn explanation(mut self, explanation: impl Into<String>) -> Self {
        self.body.explanation = Some(Some(explanation.into()));
        self
    }

    /// Removes the explanation (sends `"explanation": null`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").clear_explanation().send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn clear_explanation(mut self) -> Self {
        self.body.explanation = Some(None);
        self
    }

    /// A new context text.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").context("A red car.").send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.body.context = Some(Some(context.into()));
        self
    }

    /// Removes the context text (sends `"context": null`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").clear_context().send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn clear_context(mut self) -> Self {
        self.body.context = Some(None);
        self
    }

    /// New media context (URLs or files, uploaded when sending).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").media_context(["ref.jpg"]).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_context<I>(mut self, items: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        self.media_context = Some(items.into_iter().map(Into::into).collect());
        self.body.context_asset = None;
        self
    }

    /// Removes the media context (sends `"contextAsset": null`).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").clear_media_context().send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn clear_media_context(mut self) -> Self {
        self.media_context = None;
        self.body.context_asset = Some(None);
        self
    }

    /// The chance (0 to 1) of answering correctly by guessing.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").random_correct_probability(0.25).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn random_correct_probability(mut self, probability: f64) -> Self {
        self.body.random_correct_probability = Some(Some(probability));
        self
    }

    /// The example's position in the order examples are shown.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").sort_index(0).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn sort_index(mut self, index: i32) -> Self {
        self.body.sort_index = Some(index);
        self
    }

    fn check(&self) -> Result<()> {
        crate::error::require_id("example_id", &self.example_id)?;
        if let Some(Some(types::IExampleTruth::CompareExampleTruth(t))) = &self.body.truth {
            crate::error::require_id("winner_id", &t.winner_id)?;
        }
        if let Some(instruction) = &self.body.instruction_text {
            validate_instruction("instruction", instruction)?;
        }
        if let Some(Some(types::IExampleTruth::ClassifyExampleTruth(t))) = &self.body.truth {
            if t.correct_categories.is_empty() {
                return Err(Error::invalid_input(
                    "truth",
                    &t.correct_categories,
                    "give at least one correct category",
                ));
            }
        }
        if let Some(Some(p)) = self.body.random_correct_probability {
            if !(0.0..=1.0).contains(&p) {
                return Err(Error::invalid_input(
                    "random_correct_probability",
                    p,
                    "must be a number from 0 to 1",
                ));
            }
        }
        if let Some(items) = &self.media_context {
            if items.is_empty() {
                return Err(Error::invalid_input(
                    "media_context",
                    items,
                    "give at least one item (use clear_media_context to remove it)",
                ));
            }
            validate_media_context(items)?;
        }
        Ok(())
    }

    /// Runs every check of [`send`](Self::send) without uploading or sending anything,
    /// and returns the body of the `PATCH`, with new media context items named by their
    /// [`identifier`](DataItem::identifier) where `send` puts the server names their
    /// uploads return.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let body = audience.update_example("ex_1").sort_index(3).validate()?;
    /// assert_eq!(body.sort_index, Some(3));
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::UpdateAudienceExampleEndpointInput> {
        self.check()?;
        let mut body = self.body.clone();
        if let Some(items) = &self.media_context {
            let names = planned_names(items);
            body.context_asset = Some(Some(asset::asset_input(items, &names)));
        }
        Ok(body)
    }

    /// Checks the values (nothing is uploaded or sent if one is invalid), uploads new
    /// media context, then sends the `PATCH`.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience.update_example("ex_1").sort_index(3).send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(mut self) -> Result<()> {
        self.check()?;
        if let Some(items) = &self.media_context {
            let names = upload_names(&self.audience, items)?;
            self.body.context_asset = Some(Some(asset::asset_input(items, &names)));
        }
        self.audience.client_ref().send(
            &operations::PatchAudienceByAudienceIdExampleByExampleId::new(
                self.audience.id(),
                self.example_id,
                self.body,
            ),
        )
    }
}

/// A qualification example as read from the API ([`Audience::examples`]).
///
/// ```no_run
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// let examples = audience.examples()?;
/// let hardest = examples.iter().max_by_key(|e| e.incorrect_count());
/// # Ok::<(), rapidata::Error>(())
/// ```
///
/// Serialized as the API's example record (camelCase, as `GET /audience/{id}/examples`
/// returns it).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Example {
    raw: types::QueryExamplesForAudienceEndpointOutput,
}

impl Example {
    /// The example id (for [`Audience::update_example`] and [`Audience::delete_example`]).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{}", e.id());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.raw.id
    }

    /// The instruction: a comparison's criteria, a classification's title, or the target
    /// of locate/line/scrub examples.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{}", e.instruction().unwrap_or("?"));
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn instruction(&self) -> Option<&str> {
        payload_instruction(&self.raw.payload)
    }

    /// The asset shown (files carry their server `fileName`; its URL is
    /// `https://assets.<environment>/<fileName>`).
    ///
    /// ```no_run
    /// use rapidata::api::types::IAsset;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     if let IAsset::MultiAsset(multi) = e.asset() {
    ///         println!("{} items", multi.assets.len());
    ///     }
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn asset(&self) -> &types::IAsset {
        &self.raw.asset
    }

    /// The task shown (`CompareExamplePayload`, `ClassifyExamplePayload`, …).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.payload());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn payload(&self) -> &types::IExamplePayload {
        &self.raw.payload
    }

    /// The correct answer, if the API returned it.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.truth());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn truth(&self) -> Option<&types::IExampleTruth> {
        self.raw.truth.as_ref()
    }

    /// The context text, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{}", e.context().unwrap_or(""));
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context(&self) -> Option<&str> {
        self.raw.context.as_ref().and_then(|c| c.as_deref())
    }

    /// The media context, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let with_media = audience.examples()?.iter().filter(|e| e.context_asset().is_some()).count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context_asset(&self) -> Option<&types::IAsset> {
        self.raw.context_asset.as_ref()
    }

    /// The explanation, if any.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let unexplained = audience.examples()?.iter().filter(|e| e.explanation().is_none()).count();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn explanation(&self) -> Option<&str> {
        self.raw.explanation.as_ref().and_then(|e| e.as_deref())
    }

    /// How often labelers answered correctly.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let answers: u64 = audience.examples()?.iter().map(|e| e.correct_count()).sum();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn correct_count(&self) -> u64 {
        self.raw.correct_count.max(0) as u64
    }

    /// How often labelers answered wrongly.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let mistakes: u64 = audience.examples()?.iter().map(|e| e.incorrect_count()).sum();
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn incorrect_count(&self) -> u64 {
        self.raw.incorrect_count.max(0) as u64
    }

    /// The chance of answering correctly by guessing, if returned.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.random_correct_probability());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn random_correct_probability(&self) -> Option<f64> {
        self.raw.random_correct_probability
    }

    /// The position in the order examples are shown, if returned.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let mut examples = audience.examples()?;
    /// examples.sort_by_key(|e| e.sort_index());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn sort_index(&self) -> Option<i32> {
        self.raw.sort_index
    }

    /// Everything the API returned for this example.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// for e in audience.examples()? {
    ///     println!("{:?}", e.as_api().visibility);
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn as_api(&self) -> &types::QueryExamplesForAudienceEndpointOutput {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::add_once::is_same_example;
    use super::*;

    #[test]
    fn a_listed_example_is_recognised_by_asset_context_instruction_and_truth() {
        let listed = |context: &str, a: &str, criteria: &str, winner: &str| {
            serde_json::from_value::<types::QueryExamplesForAudienceEndpointOutput>(
                serde_json::json!({
                    "id": "ex_1", "correctCount": 0, "incorrectCount": 0, "context": context,
                    "asset": {"_t": "MultiAsset", "identifier": "", "metadata": {}, "assets": [
                        {"_t": "FileAsset", "fileName": a, "identifier": "x", "metadata": {}},
                        {"_t": "TextAsset", "text": "t", "identifier": "t", "metadata": {}}]},
                    "payload": {"_t": "CompareExamplePayload", "criteria": criteria},
                    "truth": {"_t": "CompareExampleTruth", "winnerId": winner}
                }),
            )
            .unwrap()
        };
        let mut common = add::Common::new();
        common.context = Some("prompt".into());
        let body = common.body(
            asset::asset_input(
                &[DataItem::url("https://e.com/a.jpg"), DataItem::text("t")],
                &[Some("srv_a.jpg".into()), None],
            ),
            types::IExamplePayloadCompareExamplePayload::new("Which?".into()).into(),
            types::IExampleTruthCompareExampleTruth::new("srv_a.jpg".into()).into(),
            0.5,
            &[],
        );
        assert!(is_same_example(
            &listed("prompt", "srv_a.jpg", "Which?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("other", "srv_a.jpg", "Which?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("prompt", "srv_b.jpg", "Which?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("prompt", "srv_a.jpg", "Which not?", "srv_a.jpg"),
            &body
        ));
        assert!(!is_same_example(
            &listed("prompt", "srv_a.jpg", "Which?", "t"),
            &body
        ));
    }

    #[test]
    fn instructions_are_limited_to_250_characters() {
        assert!(validate_instruction("instruction", &"é".repeat(250)).is_ok());
        let err = validate_instruction("instruction", &"é".repeat(251)).unwrap_err();
        let e = err.as_invalid_input().unwrap();
        assert_eq!(e.argument(), "instruction");
        assert!(e.reason().contains("251"));
        assert!(validate_instruction("instruction", "  ").is_err());
    }
}
