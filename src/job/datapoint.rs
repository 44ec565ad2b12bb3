//! One datapoint of a definition's dataset: the validated values ([`DatapointSpec`]) and
//! the body that creates it (`POST /dataset/{id}/datapoint`) as segments of the API's
//! default dataset schema. Used by the definition builders and by the upload pipeline.

use std::collections::{BTreeMap, HashMap};

use crate::api::types;
use crate::asset::DataItem;

/// One validated datapoint, ready to upload.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DatapointSpec {
    pub(crate) index: usize,
    pub(crate) items: Vec<DataItem>,
    pub(crate) context: Option<String>,
    pub(crate) media_context: Option<DataItem>,
    /// A classification datapoint's own answer options.
    pub(crate) answer_options: Option<Vec<String>>,
    pub(crate) private_metadata: Option<BTreeMap<String, String>>,
    /// The group (ranking list) the datapoint belongs to; its context is the group's.
    pub(crate) group: Option<String>,
    /// A select-words datapoint's sentence (`transcription` segment).
    pub(crate) sentence: Option<String>,
}

impl DatapointSpec {
    /// Every item to upload: the datapoint's items, then its media context.
    pub(crate) fn media(&self) -> impl Iterator<Item = &DataItem> {
        self.items
            .iter()
            .chain(self.media_context.iter())
            .filter(|i| i.is_media())
    }
}

/// The dataset segment keys of the API's default dataset schema.
pub(crate) mod segment {
    /// The datapoint's item(s): one asset, or a compare pair as a two-item multi asset.
    pub(crate) const ASSET: &str = "asset";
    /// The text context shown with the item.
    pub(crate) const CONTEXT: &str = "context";
    /// The media context shown with the item.
    pub(crate) const CONTEXT_ASSET: &str = "context_asset";
    /// A classification datapoint's answer options.
    pub(crate) const ANSWER_OPTIONS: &str = "answer_options";
    /// A select-words datapoint's sentence.
    pub(crate) const TRANSCRIPTION: &str = "transcription";
}

pub(crate) fn asset_segment(key: &str, asset: types::IAssetInput) -> types::DatasetSegmentInput {
    types::DatasetSegmentInput {
        asset: Some(Some(asset)),
        ..types::DatasetSegmentInput::new(key.to_owned(), types::DatasetSegmentKind::Asset)
    }
}

pub(crate) fn text_segment(key: &str, text: &str) -> types::DatasetSegmentInput {
    types::DatasetSegmentInput {
        text: Some(Some(text.to_owned())),
        ..types::DatasetSegmentInput::new(key.to_owned(), types::DatasetSegmentKind::Text)
    }
}

fn options_segment(key: &str, options: &[String]) -> types::DatasetSegmentInput {
    types::DatasetSegmentInput {
        options: Some(Some(
            options
                .iter()
                .map(|o| types::DatasetSegmentOption::new(o.clone(), o.clone()))
                .collect(),
        )),
        ..types::DatasetSegmentInput::new(key.to_owned(), types::DatasetSegmentKind::OptionList)
    }
}

/// Where [`datapoint_body`] finds the server file names of uploaded media: a map from
/// item to name, or the upload pipeline's own table (which refers to the caller's items
/// instead of copying them).
pub(crate) trait AssetNames {
    /// The file name `item` was uploaded as, if it was.
    fn name_of(&self, item: &DataItem) -> Option<String>;
}

impl AssetNames for HashMap<DataItem, String> {
    fn name_of(&self, item: &DataItem) -> Option<String> {
        self.get(item).cloned()
    }
}

/// The body of `POST /dataset/{id}/datapoint`: the datapoint as segments of the default
/// dataset schema (its asset, then context, media context and answer options when it has
/// them), its sort index, and `group` and `privateMetadata` always sent (null when unset),
/// as the official SDK 3.27.1 sends them. `names` gives every media item's uploaded file
/// name.
pub(crate) fn datapoint_body(
    dp: &DatapointSpec,
    names: &impl AssetNames,
) -> types::CreateDatapointEndpointInput {
    let item_names: Vec<Option<String>> = dp.items.iter().map(|i| names.name_of(i)).collect();
    // A compare datapoint is always a two-item MultiAssetInput; a classification one a
    // single asset. `asset_input` does exactly that from the item count.
    let mut segments = vec![asset_segment(
        segment::ASSET,
        crate::asset::asset_input(&dp.items, &item_names),
    )];
    if let Some(context) = &dp.context {
        segments.push(text_segment(segment::CONTEXT, context));
    }
    if let Some(m) = &dp.media_context {
        let asset = crate::asset::asset_input(std::slice::from_ref(m), &[names.name_of(m)]);
        segments.push(asset_segment(segment::CONTEXT_ASSET, asset));
    }
    if let Some(sentence) = &dp.sentence {
        segments.push(text_segment(segment::TRANSCRIPTION, sentence));
    }
    if let Some(options) = &dp.answer_options {
        segments.push(options_segment(segment::ANSWER_OPTIONS, options));
    }
    types::CreateDatapointEndpointInput {
        segments: Some(Some(segments)),
        group: Some(dp.group.clone()),
        private_metadata: Some(
            dp.private_metadata
                .as_ref()
                .filter(|m| !m.is_empty())
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        ),
        sort_index: Some(Some(dp.index as i64)),
        ..types::CreateDatapointEndpointInput::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn datapoint_body_sends_explicit_nulls() {
        let dp = DatapointSpec {
            index: 3,
            items: vec![DataItem::url("https://e.com/a.png"), DataItem::text("b")],
            context: None,
            media_context: None,
            answer_options: None,
            private_metadata: None,
            group: None,
            sentence: None,
        };
        let names = HashMap::from([(DataItem::url("https://e.com/a.png"), "f_a.png".to_owned())]);
        let body = serde_json::to_value(datapoint_body(&dp, &names)).unwrap();
        assert_eq!(
            body,
            json!({
                "segments": [{"key": "asset", "kind": "Asset", "asset": {
                    "_t": "MultiAssetInput", "assets": [
                        {"_t": "ExistingAssetInput", "name": "f_a.png"},
                        {"_t": "TextAssetInput", "text": "b"}]}}],
                "sortIndex": 3, "group": null, "privateMetadata": null
            })
        );
    }

    #[test]
    fn datapoint_body_carries_context_media_context_and_options_as_segments() {
        let dp = DatapointSpec {
            index: 0,
            items: vec![DataItem::url("https://e.com/a.png")],
            context: Some("the prompt".into()),
            media_context: Some(DataItem::url("https://e.com/ref.png")),
            answer_options: Some(vec!["cat".into(), "dog".into()]),
            private_metadata: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
            group: None,
            sentence: None,
        };
        let names = HashMap::from([
            (DataItem::url("https://e.com/a.png"), "f_a.png".to_owned()),
            (
                DataItem::url("https://e.com/ref.png"),
                "f_ref.png".to_owned(),
            ),
        ]);
        let body = serde_json::to_value(datapoint_body(&dp, &names)).unwrap();
        assert_eq!(
            body,
            json!({
                "segments": [
                    {"key": "asset", "kind": "Asset",
                     "asset": {"_t": "ExistingAssetInput", "name": "f_a.png"}},
                    {"key": "context", "kind": "Text", "text": "the prompt"},
                    {"key": "context_asset", "kind": "Asset",
                     "asset": {"_t": "ExistingAssetInput", "name": "f_ref.png"}},
                    {"key": "answer_options", "kind": "OptionList", "options": [
                        {"label": "cat", "value": "cat"}, {"label": "dog", "value": "dog"}]}],
                "sortIndex": 0, "group": null, "privateMetadata": {"k": "v"}
            })
        );
    }
}
