//! The one builder every kind of qualification example is added with: [`AddExample<K>`],
//! its setters shared by all kinds, and the upload-then-add step they end with.
//!
//! The kind `K` holds what only that kind has (the compare pair, the classification
//! options, the locate boxes, the select-words sentence); everything else lives here once.

use crate::api::types;
use crate::asset::{self, DataItem};
use crate::settings::Setting;
use crate::Result;

use super::super::handle::Audience;
use super::add_once::{add_example, upload_names};

/// The body of `POST /audience/{id}/example`.
pub(super) type Body = types::AddExampleToAudienceEndpointInput;

/// How a kind builds its body from the server names of its items (its datapoint items,
/// then the media context, in that order): every check first, so a bad argument is an
/// error before any upload.
pub(super) type BuildBody<K> = fn(&AddExample<K>, &[Option<String>]) -> Result<Body>;

/// The fields every example body shares.
#[derive(Debug)]
pub(super) struct Common {
    pub(super) context: Option<String>,
    pub(super) media_context: Vec<DataItem>,
    pub(super) explanation: Option<String>,
    pub(super) settings: Vec<Setting>,
}

impl Common {
    pub(super) fn new() -> Common {
        Common {
            context: None,
            media_context: Vec::new(),
            explanation: None,
            settings: Vec::new(),
        }
    }

    /// The body: `explanation`, `context` and `featureFlags` always present (`null` when
    /// unset), `contextAsset` only with media context.
    pub(super) fn body(
        &self,
        asset: types::IAssetInput,
        payload: types::IExamplePayload,
        truth: types::IExampleTruth,
        random_correct_probability: f64,
        context_names: &[Option<String>],
    ) -> Body {
        let feature_flags = if self.settings.is_empty() {
            None
        } else {
            Some(self.settings.iter().map(Setting::to_feature_flag).collect())
        };
        types::AddExampleToAudienceEndpointInput {
            truth: Some(truth),
            explanation: Some(self.explanation.clone()),
            context: Some(self.context.clone()),
            context_asset: (!self.media_context.is_empty())
                .then(|| asset::asset_input(&self.media_context, context_names)),
            feature_flags: Some(feature_flags),
            ..types::AddExampleToAudienceEndpointInput::new(
                asset,
                payload,
                random_correct_probability,
            )
        }
    }
}

/// The names `validate()` puts where `send()` puts the server names of uploaded items:
/// each media item's [`identifier`](DataItem::identifier) (its URL or path), nothing for
/// texts (they are sent inline).
pub(crate) fn planned_names(items: &[DataItem]) -> Vec<Option<String>> {
    items
        .iter()
        .map(|item| item.is_media().then(|| item.identifier()))
        .collect()
}

/// Builder of a qualification example of kind `K`, from one of the `add_*_example`
/// methods of [`Audience`]; it owns a handle of the audience, so it can be kept, moved
/// to another thread or returned. Nothing is checked, uploaded or sent before
/// [`send`](AddExample::send) (or checked only, with `validate`).
///
/// The setters every kind has are here; those only some kinds have are on
/// `AddExample<ThatKind>` ([`AddCompareExample`](super::AddCompareExample),
/// [`AddClassificationExample`](super::AddClassificationExample),
/// [`AddLocateExample`](super::AddLocateExample),
/// [`AddSelectWordsExample`](super::AddSelectWordsExample)).
///
/// ```no_run
/// use rapidata::audience::AddCompareExample;
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// let example: AddCompareExample = audience
///     .add_compare_example("Which is sharper?", ["a.jpg", "b.jpg"], "a.jpg")
///     .explanation("The second one is blurred.");
/// std::thread::spawn(move || example.send()).join().unwrap()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is called"]
pub struct AddExample<K> {
    pub(super) audience: Audience,
    pub(super) instruction: String,
    pub(super) kind: K,
    pub(super) common: Common,
}

impl<K> AddExample<K> {
    pub(super) fn new(audience: &Audience, instruction: impl Into<String>, kind: K) -> Self {
        AddExample {
            audience: audience.clone(),
            instruction: instruction.into(),
            kind,
            common: Common::new(),
        }
    }

    /// Why the truth is correct, shown to labelers who answer wrongly.
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_compare_example("Which shows text?", ["a.jpg", "b.jpg"], "a.jpg")
    ///     .explanation("Only the first image shows the text.")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn explanation(mut self, explanation: impl Into<String>) -> Self {
        self.common.explanation = Some(explanation.into());
        self
    }

    /// Settings for how the task is shown (replaces settings given before).
    ///
    /// ```no_run
    /// use rapidata::Setting;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_select_words_example("Select the wrong words.", "a.jpg", "a red car", [1])
    ///     .settings([Setting::no_shuffle(), Setting::mute_video()])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn settings(mut self, settings: impl IntoIterator<Item = Setting>) -> Self {
        self.common.settings = settings.into_iter().collect();
        self
    }

    /// Adds one setting.
    ///
    /// ```no_run
    /// use rapidata::Setting;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_classification_example("Animal?", ["Cat", "Dog"], "cat.jpg", ["Cat"])
    ///     .setting(Setting::no_shuffle())
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn setting(mut self, setting: Setting) -> Self {
        self.common.settings.push(setting);
        self
    }

    /// The body `build` makes with [`planned_names`] for `items`: what `validate()`
    /// returns.
    pub(super) fn planned(&self, items: &[DataItem], build: BuildBody<K>) -> Result<Body> {
        build(self, &planned_names(items))
    }

    /// Checks every argument (by building the planned body), uploads `items` in parallel,
    /// then adds the example with the body built from their server names.
    pub(super) fn upload_and_add(&self, items: &[DataItem], build: BuildBody<K>) -> Result<()> {
        self.planned(items, build)?;
        let names = upload_names(&self.audience, items)?;
        add_example(&self.audience, build(self, &names)?)
    }

    /// The example's items: `datapoint`, then the media context.
    pub(super) fn with_media_context(&self, datapoint: &[DataItem]) -> Vec<DataItem> {
        let mut items = datapoint.to_vec();
        items.extend(self.common.media_context.iter().cloned());
        items
    }
}

/// The example kinds shown with a context (text and media beside the task): compare,
/// classification, locate and draw examples. (Select-words examples are sent without
/// one, as the official SDK sends them.)
pub trait TakesContext {}

impl<K: TakesContext> AddExample<K> {
    /// Text shown with the task (for example the prompt the images were made from).
    ///
    /// ```no_run
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_compare_example("Which follows the prompt?", ["a.jpg", "b.jpg"], "a.jpg")
    ///     .context("A small blue book sitting on a large red book.")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.common.context = Some(context.into());
        self
    }

    /// Images, videos or audio shown with the task (URLs or local files, uploaded when
    /// sending; text is not allowed here). One item is sent as a single asset, several
    /// as a multi-asset.
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_locate_example("Tap the glitch.", "a.jpg", [BoundingBox::new(0.1, 0.1, 0.3, 0.3)])
    ///     .media_context(["https://example.com/reference.jpg"])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn media_context<I>(mut self, items: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<DataItem>,
    {
        self.common.media_context = items.into_iter().map(Into::into).collect();
        self
    }
}
