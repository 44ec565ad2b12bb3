//! Locate and draw qualification examples: labelers must tap (locate) or draw (draw)
//! inside the truth boxes.

use crate::api::types;
use crate::asset::{self, DataItem};
use crate::{Error, Result};

use super::super::handle::Audience;
use super::add::{AddExample, Body, TakesContext};
use super::checks::{validate_instruction, validate_media_context};

/// A rectangle of an image, in ratios of its size (0.0–1.0 on both axes, origin top left):
/// the truth of a locate example. Sent to the API in percent (ratio × 100).
///
/// Checked when the example is sent: every coordinate within 0–1, and `x_min < x_max`,
/// `y_min < y_max`.
///
/// ```
/// let b = rapidata::audience::BoundingBox::new(0.44, 0.42, 0.58, 0.63);
/// assert!((b.area() - 0.14 * 0.21).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Left edge (ratio of the width).
    pub x_min: f64,
    /// Top edge (ratio of the height).
    pub y_min: f64,
    /// Right edge (ratio of the width).
    pub x_max: f64,
    /// Bottom edge (ratio of the height).
    pub y_max: f64,
}

impl BoundingBox {
    /// A box from its edges, in ratios of the image size.
    ///
    /// ```
    /// let b = rapidata::audience::BoundingBox::new(0.1, 0.2, 0.3, 0.5);
    /// assert_eq!(b.x_max, 0.3);
    /// ```
    pub fn new(x_min: f64, y_min: f64, x_max: f64, y_max: f64) -> BoundingBox {
        BoundingBox {
            x_min,
            y_min,
            x_max,
            y_max,
        }
    }

    /// The box's share of the image area.
    ///
    /// ```
    /// assert_eq!(rapidata::audience::BoundingBox::new(0.0, 0.0, 0.5, 0.5).area(), 0.25);
    /// ```
    pub fn area(&self) -> f64 {
        (self.x_max - self.x_min) * (self.y_max - self.y_min)
    }

    /// Checks the box (argument `argument`, e.g. `truths[0]`).
    pub(crate) fn validate(&self, argument: &str) -> Result<()> {
        let edges = [
            ("x_min", self.x_min),
            ("y_min", self.y_min),
            ("x_max", self.x_max),
            ("y_max", self.y_max),
        ];
        for (name, v) in edges {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::invalid_input(
                    format!("{argument}.{name}"),
                    v,
                    "box coordinates are ratios of the image size and must be between 0 and 1",
                ));
            }
        }
        if self.x_min >= self.x_max {
            return Err(Error::invalid_input(
                format!("{argument}.x_min"),
                (self.x_min, self.x_max),
                "x_min must be less than x_max",
            ));
        }
        if self.y_min >= self.y_max {
            return Err(Error::invalid_input(
                format!("{argument}.y_min"),
                (self.y_min, self.y_max),
                "y_min must be less than y_max",
            ));
        }
        Ok(())
    }

    /// The box in percent, as the API takes it.
    // Every field is set today; the update stays so that a property the API adds later
    // is one more `None` rather than a compile error.
    #[allow(clippy::needless_update)]
    pub(crate) fn to_shape(self) -> types::ExampleBoxShape {
        types::ExampleBoxShape {
            x_min: Some(Some(self.x_min * 100.0)),
            y_min: Some(Some(self.y_min * 100.0)),
            x_max: Some(Some(self.x_max * 100.0)),
            y_max: Some(Some(self.y_max * 100.0)),
            ..types::ExampleBoxShape::new()
        }
    }
}

/// The share of the image area the union of `boxes` covers: the chance that a random tap
/// lands in a truth box (`randomCorrectProbability`).
///
/// A sweep over x: between two consecutive box edges, the merged y-extent of the boxes
/// open there times the strip's width. The order of the additions is the official SDK's,
/// so the value is the same to the last bit. (Hand-written: a dozen lines, no crate does
/// exactly this.)
pub(crate) fn coverage(boxes: &[BoundingBox]) -> f64 {
    let mut events: Vec<(f64, bool, usize)> = Vec::with_capacity(boxes.len() * 2);
    for (i, b) in boxes.iter().enumerate() {
        events.push((b.x_min, false, i));
        events.push((b.x_max, true, i));
    }
    // Stable: equal keys keep their order. Starts before ends at the same x.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut total = 0.0;
    let mut active: Vec<usize> = Vec::new();
    let mut prev_x = 0.0;
    for (x, is_end, id) in events {
        if !active.is_empty() && x > prev_x {
            let mut spans: Vec<(f64, f64)> = active
                .iter()
                .map(|&i| (boxes[i].y_min, boxes[i].y_max))
                .collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut merged: Vec<(f64, f64)> = Vec::new();
            for (start, end) in spans {
                match merged.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            let y: f64 = merged.iter().fold(0.0, |acc, (s, e)| acc + (e - s));
            total += (x - prev_x) * y;
        }
        if is_end {
            active.retain(|&i| i != id);
        } else if !active.contains(&id) {
            active.push(id);
        }
        prev_x = x;
    }
    total
}

/// Which task a box example trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoxTask {
    /// Taps (`LocateExamplePayload`).
    Locate,
    /// Drawn lines (`LineExamplePayload`).
    Draw,
}

impl BoxTask {
    fn name(self) -> &'static str {
        match self {
            BoxTask::Locate => "a locate example",
            BoxTask::Draw => "a draw example",
        }
    }
}

/// What only a locate or draw example has: the task, the image or video and the truth
/// boxes. The kind of [`AddLocateExample`] and [`AddDrawExample`].
#[derive(Debug)]
pub struct BoxKind {
    task: BoxTask,
    datapoint: DataItem,
    truths: Vec<BoundingBox>,
}

impl TakesContext for BoxKind {}

/// Builder for [`Audience::add_locate_example`] and [`Audience::add_draw_example`] (also
/// named [`AddDrawExample`]). Nothing is checked or sent before
/// [`send`](AddExample::<BoxKind>::send).
///
/// ```no_run
/// use rapidata::audience::BoundingBox;
/// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
/// audience
///     .add_locate_example(
///         "Tap on any visual glitches or errors in the image.",
///         "https://assets.rapidata.ai/glitch.jpg",
///         [BoundingBox::new(0.44, 0.42, 0.58, 0.63)],
///     )
///     .explanation("The hand has six fingers.")
///     .send()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
pub type AddLocateExample = AddExample<BoxKind>;

/// The builder of [`Audience::add_draw_example`]: the same as a locate example's, sent
/// as a `LineExamplePayload` with a `LineExampleTruth`.
pub type AddDrawExample = AddExample<BoxKind>;

/// The name this builder had before it owned its audience; the same builder.
pub type LocateExample<'a> = AddLocateExample;

/// The name this builder had before it owned its audience; the same builder.
pub type DrawExample<'a> = AddDrawExample;

impl AddExample<BoxKind> {
    fn items(&self) -> Vec<DataItem> {
        self.with_media_context(std::slice::from_ref(&self.kind.datapoint))
    }

    fn check(&self) -> Result<()> {
        let k = &self.kind;
        validate_instruction("instruction", &self.instruction)?;
        if k.truths.is_empty() {
            return Err(Error::invalid_input(
                "truths",
                "[]",
                format!("{} needs at least one truth box", k.task.name()),
            ));
        }
        for (i, b) in k.truths.iter().enumerate() {
            b.validate(&format!("truths[{i}]"))?;
        }
        if !k.datapoint.is_media() {
            return Err(Error::invalid_input(
                "datapoint",
                &k.datapoint,
                format!(
                    "{} needs an image or video (a URL or a file), not a text",
                    k.task.name()
                ),
            ));
        }
        k.datapoint.validate("datapoint")?;
        validate_media_context(&self.common.media_context)
    }

    fn body(&self, names: &[Option<String>]) -> Result<Body> {
        self.check()?;
        let k = &self.kind;
        let target = self.instruction.clone();
        let boxes: Vec<types::ExampleBoxShape> = k.truths.iter().map(|b| b.to_shape()).collect();
        let (payload, truth) = match k.task {
            BoxTask::Locate => (
                types::IExamplePayloadLocateExamplePayload::new(target).into(),
                types::IExampleTruthLocateExampleTruth {
                    required_completeness: Some(None),
                    required_precision: Some(None),
                    ..types::IExampleTruthLocateExampleTruth::new(boxes)
                }
                .into(),
            ),
            BoxTask::Draw => (
                types::IExamplePayloadLineExamplePayload::new(target).into(),
                types::IExampleTruthLineExampleTruth {
                    bounding_boxes: Some(Some(boxes)),
                    required_completeness: Some(None),
                    required_precision: Some(None),
                    ..types::IExampleTruthLineExampleTruth::new()
                }
                .into(),
            ),
        };
        Ok(self.common.body(
            asset::asset_input(std::slice::from_ref(&k.datapoint), &names[..1]),
            payload,
            truth,
            coverage(&k.truths),
            &names[1..],
        ))
    }

    /// Runs every check of [`send`](Self::send) without uploading or sending anything,
    /// and returns the body `send` would post, with the datapoint and each media context
    /// item named by its [`identifier`](DataItem::identifier) where `send` puts the
    /// server name its upload returns.
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// let body = audience
    ///     .add_locate_example("Tap the dent.", "https://example.com/car.jpg", [BoundingBox::new(0.0, 0.0, 0.5, 0.5)])
    ///     .validate()?;
    /// assert_eq!(body.random_correct_probability, 0.25);
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn validate(&self) -> Result<types::AddExampleToAudienceEndpointInput> {
        self.planned(&self.items(), Self::body)
    }

    /// Checks every argument (nothing is uploaded or sent if one is invalid), uploads the
    /// datapoint and media context in parallel, then adds the example.
    ///
    /// The body follows the official SDK: payload `LocateExamplePayload` (draw:
    /// `LineExamplePayload`) with the instruction as target, truth `LocateExampleTruth`
    /// (draw: `LineExampleTruth`) with the boxes in percent (and no required precision or
    /// completeness: the API's defaults), and `randomCorrectProbability` the share of the
    /// image the boxes cover.
    ///
    /// Errors: [`Error::InvalidInput`] for an empty or over-long instruction, no truth
    /// box, a box outside 0–1 or with `min >= max`, a text datapoint, a missing or
    /// unreadable file, an invalid URL, or text in the media context; upload and API
    /// errors otherwise.
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_locate_example("Tap the dent.", "car.jpg", [BoundingBox::new(0.2, 0.2, 0.4, 0.5)])
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send(self) -> Result<()> {
        self.upload_and_add(&self.items(), Self::body)
    }
}

impl Audience {
    /// Starts adding a locate example (`POST /audience/{id}/example`): labelers see
    /// `datapoint` (an image or video, URL or file) and must tap inside one of the
    /// `truths` boxes (ratios of the image size, 0–1). Finish with
    /// [`send`](AddExample::<BoxKind>::send).
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_locate_example(
    ///         "Tap on the cat.",
    ///         "https://example.com/room.jpg",
    ///         [BoundingBox::new(0.6, 0.5, 0.9, 0.95)],
    ///     )
    ///     .context("The cat hides behind the sofa.")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn add_locate_example(
        &self,
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = BoundingBox>,
    ) -> AddLocateExample {
        self.box_example(BoxTask::Locate, instruction, datapoint, truths)
    }

    /// Starts adding a draw example (`POST /audience/{id}/example`): labelers see
    /// `datapoint` (an image or video, URL or file) and pass when the lines they draw fall
    /// within the `truths` boxes (ratios of the image size, 0–1). Finish with
    /// [`send`](AddExample::<BoxKind>::send).
    ///
    /// ```no_run
    /// use rapidata::audience::BoundingBox;
    /// # let audience = rapidata::Client::new()?.audience().get_audience_by_id("aud_1")?;
    /// audience
    ///     .add_draw_example(
    ///         "Color in any visual glitches or errors in the image.",
    ///         "https://example.com/artifact.jpg",
    ///         [BoundingBox::new(0.44, 0.42, 0.58, 0.63)],
    ///     )
    ///     .explanation("The artifact is within the highlighted region.")
    ///     .send()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn add_draw_example(
        &self,
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = BoundingBox>,
    ) -> AddDrawExample {
        self.box_example(BoxTask::Draw, instruction, datapoint, truths)
    }

    fn box_example(
        &self,
        task: BoxTask,
        instruction: impl Into<String>,
        datapoint: impl Into<DataItem>,
        truths: impl IntoIterator<Item = BoundingBox>,
    ) -> AddLocateExample {
        let kind = BoxKind {
            task,
            datapoint: datapoint.into(),
            truths: truths.into_iter().collect(),
        };
        AddExample::new(self, instruction, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_of_overlapping_and_separate_boxes() {
        let a = BoundingBox::new(0.0, 0.0, 0.5, 0.5);
        let b = BoundingBox::new(0.25, 0.25, 0.75, 0.75);
        assert_eq!(coverage(&[a]), 0.25);
        // Union of two 0.25 boxes overlapping in 0.0625.
        assert!((coverage(&[a, b]) - 0.4375).abs() < 1e-12);
        let far = BoundingBox::new(0.8, 0.8, 1.0, 1.0);
        assert!((coverage(&[a, far]) - 0.29).abs() < 1e-12);
        assert_eq!(coverage(&[]), 0.0);
    }

    #[test]
    fn boxes_are_checked() {
        assert!(BoundingBox::new(0.1, 0.1, 0.2, 0.2).validate("t").is_ok());
        let e = BoundingBox::new(0.1, 0.1, 1.2, 0.2)
            .validate("truths[0]")
            .unwrap_err();
        assert!(e.to_string().contains("truths[0].x_max"), "{e}");
        let e = BoundingBox::new(0.3, 0.1, 0.2, 0.2)
            .validate("t")
            .unwrap_err();
        assert!(e.to_string().contains("x_min must be less"), "{e}");
    }
}
