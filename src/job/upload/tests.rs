use std::collections::{HashMap, HashSet};

use super::listing::*;
use super::pipeline::*;
use crate::asset::DataItem;
use crate::job::datapoint::{datapoint_body, DatapointSpec};

#[test]
fn uuids_are_version_4() {
    let a = uuid_v4();
    assert_eq!(a.len(), 36);
    let parts: Vec<&str> = a.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(parts[2].starts_with('4'));
    assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
    assert_ne!(a, uuid_v4());
}

#[test]
fn content_match_compares_segments_and_counts_duplicates() {
    let names: HashMap<DataItem, String> =
        HashMap::from([(DataItem::url("https://e.com/a.png"), "a.png".to_owned())]);
    let dp = DatapointSpec {
        index: 0,
        items: vec![DataItem::url("https://e.com/a.png"), DataItem::text("t")],
        context: Some("c".into()),
        media_context: None,
        answer_options: None,
        private_metadata: None,
        group: None,
        sentence: None,
    };
    let body = datapoint_body(&dp, &names);
    let listed = serde_json::json!({"id": "d1", "datasetId": "ds", "segments": [
        {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAsset", "assets": [
            {"_t": "FileAsset", "fileName": "a.png"}, {"_t": "TextAsset", "text": "t"}]}},
        {"key": "context", "kind": "Text", "originalText": "c", "englishText": null}]});
    assert_eq!(listed_content(&listed).unwrap(), sent_content(&body));
    let other = serde_json::json!({"segments": [listed["segments"][0].clone()]});
    assert_ne!(listed_content(&other).unwrap(), sent_content(&body));

    // Without sort indices, the listing is searched by content, one listed item per
    // datapoint: a second datapoint of the same content is not there.
    let mut unindexed = DatasetListing {
        indexed: false,
        sort_indexes: HashSet::new(),
        by_content: HashMap::from([(listed_content(&listed).unwrap(), 1)]),
    };
    assert!(unindexed.claim(0, || body.clone()));
    assert!(!unindexed.claim(1, || body.clone()));
    // Once the server reports any sort index, only sort indices count.
    let mut indexed = DatasetListing {
        indexed: true,
        sort_indexes: HashSet::from([1]),
        by_content: HashMap::new(),
    };
    assert!(!indexed.claim(0, || body.clone()));
    assert!(indexed.claim(1, || body.clone()));
}

#[test]
fn answer_options_are_part_of_the_content() {
    let names = HashMap::from([(DataItem::url("https://e.com/a.png"), "a.png".to_owned())]);
    let mut dp = DatapointSpec {
        index: 0,
        items: vec![DataItem::url("https://e.com/a.png")],
        context: None,
        media_context: None,
        answer_options: Some(vec!["cat".into(), "dog".into()]),
        private_metadata: None,
        group: None,
        sentence: None,
    };
    let two = sent_content(&datapoint_body(&dp, &names));
    dp.answer_options = Some(vec!["cat".into(), "dog".into(), "bird".into()]);
    let three = sent_content(&datapoint_body(&dp, &names));
    assert_ne!(two, three);
    let listed = serde_json::json!({"segments": [
        {"key": "asset", "kind": "Asset", "asset": {"_t": "FileAsset", "fileName": "a.png"}},
        {"key": "answer_options", "kind": "OptionList", "options": [
            {"label": "cat", "value": "cat"}, {"label": "dog", "value": "dog"}]}]});
    assert_eq!(listed_content(&listed).unwrap(), two);
}
