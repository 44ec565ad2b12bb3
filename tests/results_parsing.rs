//! Result files: both layouts, ties, Both/Neither, missing fields,
//! and CSV output checked cell by cell.

use rapidata::job::{JobResults, ResultKind};
use serde_json::json;

/// A compare result file as aggregator 4.1.0 writes it.
const COMPARE_41: &str = r#"{
  "info": {"createdAt": "2026-07-13T11:07:53.577348+00:00", "version": "4.1.0", "type": "Compare",
           "name": "Example Image Prompt Alignment", "instruction": "Which image matches the description better?"},
  "results": [{
    "context": "A small blue book sitting on a large red book.",
    "winner": "flux-1-pro_37_0.jpg", "winnerIndex": 1,
    "weightedWinner": "flux-1-pro_37_0.jpg", "weightedWinnerIndex": 1,
    "winner_index": 1,
    "assetUrls": {"midjourney-5.2_37_3.jpg": "https://assets.rapidata.ai/f8bb.jpg",
                  "flux-1-pro_37_0.jpg": "https://assets.rapidata.ai/e856.jpg"},
    "aggregatedResults": {"midjourney-5.2_37_3.jpg": 0, "flux-1-pro_37_0.jpg": 3},
    "aggregatedResultsRatios": {"midjourney-5.2_37_3.jpg": 0.0, "flux-1-pro_37_0.jpg": 1.0},
    "summedUserScores": {"midjourney-5.2_37_3.jpg": 0.0, "flux-1-pro_37_0.jpg": 2.552},
    "summedUserScoresRatios": {"midjourney-5.2_37_3.jpg": 0.0, "flux-1-pro_37_0.jpg": 1.0},
    "detailedResults": [{"votedFor": "flux-1-pro_37_0.jpg",
      "userDetails": {"country": "EG", "language": "ar", "userScores": {"global": 0.845},
                      "demographics": {"age": "18-29", "gender": "Other", "occupation": "Not currently working"}}}]
  }],
  "summary": {"A_wins_total": 0, "B_wins_total": 1}
}"#;

/// A tie with Both/Neither options, private metadata, and no assetUrls.
const COMPARE_TIE: &str = r#"{
  "info": {"type": "Compare", "version": "4.1.0"},
  "results": [{
    "context": null,
    "winner": null, "winnerIndex": null,
    "aggregatedResults": {"left, \"quoted\".png": 2, "right.png": 2, "Both": 1, "Neither": 0},
    "aggregatedResultsRatios": {"left, \"quoted\".png": 0.4, "right.png": 0.4, "Both": 0.2, "Neither": 0.0},
    "privateMetadata": {"source": "batch-7"},
    "detailedResults": [
      {"votedFor": "Both", "userDetails": {"country": "US", "language": "en", "userScores": {"global": 0.5}, "demographics": {}}},
      {"votedFor": "right.png", "userDetails": {"country": "DE"}}
    ]
  }]
}"#;

const CLASSIFICATION_NEW: &str = r#"{
  "info": {"type": "Classification", "version": "3.0.0"},
  "results": [{
    "identifier": "image1.jpg", "originalFileName": "image1.jpg",
    "assetUrl": "https://assets.rapidata.ai/u1.jpg",
    "aggregatedResults": {"Cat": 15, "Dog": 8},
    "aggregatedResultsRatios": {"Cat": 0.6522, "Dog": 0.3478},
    "summedUserScores": {"Cat": 9.5, "Dog": 4.2},
    "summedUserScoresRatios": {"Cat": 0.6934, "Dog": 0.3066},
    "confidencePerCategory": {"Cat": 0.989, "Dog": 0.011},
    "detailedResults": [{"selectedCategory": "Cat",
      "userDetails": {"country": "US", "language": "en", "userScores": {"global": 0.75}}}]
  }, {
    "identifier": "image2.jpg",
    "aggregatedResults": {"Cat": 1, "Dog": 1}
  }],
  "summary": {"Cat": 15, "Dog": 8}
}"#;

/// The older layout (docs of 3.21): results.globalAggregatedData + results.data,
/// userDetails.userScore as a number, no info.type.
const CLASSIFICATION_OLD: &str = r#"{
  "info": {"createdAt": "2099-12-30T00:00:00.000000+00:00", "version": "3.0.0"},
  "results": {
    "globalAggregatedData": {"Fish": 0, "Cat": 0, "Wallaby": 3, "Airplane": 0},
    "data": [{
      "originalFileName": "wallaby.jpg",
      "aggregatedResults": {"Fish": 0, "Cat": 0, "Wallaby": 3, "Airplane": 0},
      "aggregatedResultsRatios": {"Fish": 0.0, "Cat": 0.0, "Wallaby": 1.0, "Airplane": 0.0},
      "summedUserScores": {"Fish": 0.0, "Cat": 0.0, "Wallaby": 1.77, "Airplane": 0.0},
      "summedUserScoresRatios": {"Fish": 0.0, "Cat": 0.0, "Wallaby": 1.0, "Airplane": 0.0},
      "detailedResults": [
        {"selectedCategory": "Wallaby", "userDetails": {"country": "DZ", "language": "ar", "userScore": 0.6409}},
        {"selectedCategory": "Wallaby", "userDetails": {"country": "EG", "language": "ar", "userScore": 0.7608}}
      ]
    }]
  }
}"#;

fn csv_rows(results: &JobResults, detailed: bool) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    results.write_csv(&mut out, detailed).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_slice());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn compare_list_layout_is_typed() {
    let r = JobResults::from_slice(COMPARE_41.as_bytes()).unwrap();
    assert_eq!(r.kind(), &ResultKind::Compare);
    assert_eq!(r.info().version.as_deref(), Some("4.1.0"));
    assert_eq!(
        r.info().name.as_deref(),
        Some("Example Image Prompt Alignment")
    );
    let c = r.compare().unwrap();
    assert_eq!(c.datapoints.len(), 1);
    let dp = &c.datapoints[0];
    // A/B order is the order of assetUrls in the file, not alphabetical.
    assert_eq!(dp.asset_a(), Some("midjourney-5.2_37_3.jpg"));
    assert_eq!(dp.asset_b(), Some("flux-1-pro_37_0.jpg"));
    assert_eq!(dp.winner.as_deref(), Some("flux-1-pro_37_0.jpg"));
    assert_eq!(dp.winner_index, Some(1));
    assert_eq!(dp.weighted_winner.as_deref(), Some("flux-1-pro_37_0.jpg"));
    assert_eq!(
        dp.context.as_deref(),
        Some("A small blue book sitting on a large red book.")
    );
    let b = dp.tally("flux-1-pro_37_0.jpg").unwrap();
    assert_eq!(b.votes, Some(3));
    assert_eq!(b.ratio, Some(1.0));
    assert_eq!(b.summed_user_score, Some(2.552));
    assert_eq!(b.summed_user_score_ratio, Some(1.0));
    assert_eq!(b.confidence, None);
    assert_eq!(dp.tally("midjourney-5.2_37_3.jpg").unwrap().votes, Some(0));
    assert!(dp.both.is_none() && dp.neither.is_none());
    assert_eq!(
        dp.asset_urls["flux-1-pro_37_0.jpg"],
        "https://assets.rapidata.ai/e856.jpg"
    );
    assert_eq!(dp.responses.len(), 1);
    let resp = &dp.responses[0];
    assert_eq!(resp.voted_for.as_deref(), Some("flux-1-pro_37_0.jpg"));
    assert_eq!(resp.user.country.as_deref(), Some("EG"));
    assert_eq!(resp.user.language.as_deref(), Some("ar"));
    assert_eq!(resp.user.user_scores["global"], 0.845);
    assert_eq!(resp.user.demographics["age"], "18-29");
    assert_eq!(
        resp.user.demographics["occupation"],
        "Not currently working"
    );
    assert_eq!(c.summary.a_wins, 0);
    assert_eq!(c.summary.b_wins, 1);
    assert_eq!(c.summary.no_winner, 0);
    assert!(!dp.is_tie());
    // The raw JSON stays available.
    assert_eq!(r.raw()["results"][0]["winnerIndex"], 1);
    let shown = r.to_string();
    assert!(shown.contains("midjourney-5.2_37_3.jpg"), "{shown}");
    assert!(shown.contains("B wins 1"), "{shown}");
}

#[test]
fn compare_tie_with_both_and_neither() {
    let r = JobResults::from_slice(COMPARE_TIE.as_bytes()).unwrap();
    let c = r.compare().unwrap();
    let dp = &c.datapoints[0];
    assert_eq!(dp.assets, ["left, \"quoted\".png", "right.png"]);
    assert_eq!(dp.winner, None);
    assert_eq!(dp.winner_index, None);
    assert!(dp.is_tie());
    assert_eq!(dp.context, None);
    assert_eq!(dp.both.as_ref().unwrap().votes, Some(1));
    assert_eq!(dp.both.as_ref().unwrap().ratio, Some(0.2));
    assert_eq!(dp.neither.as_ref().unwrap().votes, Some(0));
    assert_eq!(dp.tallies.len(), 2);
    assert_eq!(dp.private_metadata["source"], "batch-7");
    assert_eq!(dp.responses[0].voted_for.as_deref(), Some("Both"));
    assert!(dp.responses[0].user.demographics.is_empty());
    // A response with almost nothing in it.
    assert_eq!(dp.responses[1].user.country.as_deref(), Some("DE"));
    assert_eq!(dp.responses[1].user.language, None);
    assert!(dp.responses[1].user.user_scores.is_empty());
    // No summary in the file: counted.
    assert_eq!(
        (c.summary.a_wins, c.summary.b_wins, c.summary.no_winner),
        (0, 0, 1)
    );
    assert!(r.to_string().contains("(tie)"));
}

#[test]
fn compare_csv_has_the_sdk_columns_cell_by_cell() {
    let r = JobResults::from_slice(COMPARE_41.as_bytes()).unwrap();
    let rows = csv_rows(&r, false);
    assert_eq!(
        rows[0],
        [
            "context",
            "winner",
            "winnerIndex",
            "weightedWinner",
            "weightedWinnerIndex",
            "winner_index",
            "assetA",
            "assetB",
            "A_assetUrls",
            "B_assetUrls",
            "A_aggregatedResults",
            "B_aggregatedResults",
            "A_aggregatedResultsRatios",
            "B_aggregatedResultsRatios",
            "A_summedUserScores",
            "B_summedUserScores",
            "A_summedUserScoresRatios",
            "B_summedUserScoresRatios",
        ]
    );
    assert_eq!(
        rows[1],
        [
            "A small blue book sitting on a large red book.",
            "flux-1-pro_37_0.jpg",
            "1",
            "flux-1-pro_37_0.jpg",
            "1",
            "1",
            "midjourney-5.2_37_3.jpg",
            "flux-1-pro_37_0.jpg",
            "https://assets.rapidata.ai/f8bb.jpg",
            "https://assets.rapidata.ai/e856.jpg",
            "0",
            "3",
            "0.0",
            "1.0",
            "0.0",
            "2.552",
            "0.0",
            "1.0",
        ]
    );
    assert_eq!(rows.len(), 2);
}

#[test]
fn compare_csv_tie_quotes_and_both_neither_columns() {
    let r = JobResults::from_slice(COMPARE_TIE.as_bytes()).unwrap();
    let mut raw = Vec::new();
    r.write_csv(&mut raw, false).unwrap();
    let text = String::from_utf8(raw).unwrap();
    // The comma and quotes in the identifier are quoted properly.
    assert!(
        text.contains(r#""left, ""quoted"".png""#),
        "unquoted identifier: {text}"
    );
    let rows = csv_rows(&r, false);
    assert_eq!(
        rows[0],
        [
            "context",
            "winner",
            "winnerIndex",
            "assetA",
            "assetB",
            "A_aggregatedResults",
            "B_aggregatedResults",
            "Both_aggregatedResults",
            "Neither_aggregatedResults",
            "A_aggregatedResultsRatios",
            "B_aggregatedResultsRatios",
            "Both_aggregatedResultsRatios",
            "Neither_aggregatedResultsRatios",
            "privateMetadata_source",
        ]
    );
    assert_eq!(
        rows[1],
        [
            "",
            "",
            "",
            "left, \"quoted\".png",
            "right.png",
            "2",
            "2",
            "1",
            "0",
            "0.4",
            "0.4",
            "0.2",
            "0.0",
            "batch-7",
        ]
    );
}

#[test]
fn compare_detailed_csv_has_one_row_per_response() {
    let r = JobResults::from_slice(COMPARE_TIE.as_bytes()).unwrap();
    let rows = csv_rows(&r, true);
    assert_eq!(rows.len(), 3);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &header[14..],
        [
            "votedFor",
            "userDetails_country",
            "userDetails_language",
            "userDetails_userScores_global",
        ]
    );
    assert_eq!(rows[1][col("votedFor")], "Both");
    assert_eq!(rows[1][col("userDetails_country")], "US");
    assert_eq!(rows[1][col("userDetails_userScores_global")], "0.5");
    assert_eq!(rows[2][col("votedFor")], "right.png");
    assert_eq!(rows[2][col("userDetails_country")], "DE");
    assert_eq!(rows[2][col("userDetails_language")], "");
    // The datapoint's columns are repeated on every response row.
    assert_eq!(rows[1][col("assetB")], "right.png");
    assert_eq!(rows[2][col("Both_aggregatedResults")], "1");
    assert_eq!(rows[2][col("privateMetadata_source")], "batch-7");
}

#[test]
fn classification_list_layout_is_typed() {
    let r = JobResults::from_slice(CLASSIFICATION_NEW.as_bytes()).unwrap();
    assert_eq!(r.kind(), &ResultKind::Classification);
    let c = r.classification().unwrap();
    assert_eq!(c.datapoints.len(), 2);
    let dp = &c.datapoints[0];
    assert_eq!(dp.identifier.as_deref(), Some("image1.jpg"));
    assert_eq!(
        dp.asset_url.as_deref(),
        Some("https://assets.rapidata.ai/u1.jpg")
    );
    assert_eq!(dp.categories, ["Cat", "Dog"]);
    let cat = &dp.tallies["Cat"];
    assert_eq!(cat.votes, Some(15));
    assert_eq!(cat.ratio, Some(0.6522));
    assert_eq!(cat.summed_user_score, Some(9.5));
    assert_eq!(cat.summed_user_score_ratio, Some(0.6934));
    assert_eq!(cat.confidence, Some(0.989));
    assert_eq!(dp.top_category(), Some("Cat"));
    assert_eq!(dp.responses[0].selected_category.as_deref(), Some("Cat"));
    assert_eq!(dp.responses[0].user.user_scores["global"], 0.75);
    // Missing optional fields are None, and a 1:1 split has no top category.
    let dp2 = &c.datapoints[1];
    assert_eq!(dp2.original_file_name, None);
    assert_eq!(dp2.asset_url, None);
    assert_eq!(dp2.tallies["Dog"].ratio, None);
    assert_eq!(dp2.tallies["Dog"].confidence, None);
    assert!(dp2.responses.is_empty());
    assert_eq!(dp2.top_category(), None);
    assert_eq!(c.totals["Cat"], 15);
    assert_eq!(c.totals["Dog"], 8);
    assert!(r.to_string().contains("image1.jpg"));
}

#[test]
fn classification_older_layout_is_typed() {
    let r = JobResults::from_slice(CLASSIFICATION_OLD.as_bytes()).unwrap();
    // No info.type and no info.orderType: recognized from `selectedCategory`.
    assert_eq!(r.kind(), &ResultKind::Classification);
    assert_eq!(r.len(), 1);
    let c = r.classification().unwrap();
    let dp = &c.datapoints[0];
    assert_eq!(dp.identifier.as_deref(), Some("wallaby.jpg"));
    assert_eq!(dp.original_file_name.as_deref(), Some("wallaby.jpg"));
    assert_eq!(dp.categories, ["Fish", "Cat", "Wallaby", "Airplane"]);
    assert_eq!(dp.tallies["Wallaby"].votes, Some(3));
    assert_eq!(dp.tallies["Wallaby"].summed_user_score, Some(1.77));
    assert_eq!(dp.top_category(), Some("Wallaby"));
    assert_eq!(dp.responses.len(), 2);
    assert_eq!(dp.responses[0].user.user_score, Some(0.6409));
    assert!(dp.responses[0].user.user_scores.is_empty());
    assert_eq!(c.totals["Wallaby"], 3);
    assert_eq!(c.totals["Fish"], 0);
}

#[test]
fn info_order_type_is_the_fallback() {
    let r = JobResults::from_value(
        json!({"info": {"orderType": "Compare"}, "results": {"data": [
        {"aggregatedResults": {"x": 1, "y": 0}, "winner": "x"}]}}),
    );
    assert_eq!(r.kind(), &ResultKind::Compare);
    assert_eq!(r.info().result_type.as_deref(), Some("Compare"));
    let c = r.compare().unwrap();
    assert_eq!(c.summary.a_wins, 1);
    let r = JobResults::from_value(json!({"info": {"type": "Classify"}}));
    assert_eq!(r.kind(), &ResultKind::Classification);
    let r = JobResults::from_value(json!({"info": {"type": "Locate"}, "results": []}));
    assert_eq!(r.kind(), &ResultKind::Locate);
    let r =
        JobResults::from_value(json!({"info": {"type": "Polygon"}, "results": [{"a": {"b": 1}}]}));
    assert_eq!(r.kind(), &ResultKind::Other("Polygon".into()));
    assert!(r.compare().is_none() && r.classification().is_none());
    assert_eq!(csv_rows(&r, false), [["a_b"], ["1"]]);
}

#[test]
fn classification_csv_has_one_row_per_datapoint_with_category_columns() {
    let r = JobResults::from_slice(CLASSIFICATION_NEW.as_bytes()).unwrap();
    let rows = csv_rows(&r, false);
    assert_eq!(
        rows[0],
        [
            "identifier",
            "originalFileName",
            "assetUrl",
            "aggregatedResults_Cat",
            "aggregatedResults_Dog",
            "aggregatedResultsRatios_Cat",
            "aggregatedResultsRatios_Dog",
            "summedUserScores_Cat",
            "summedUserScores_Dog",
            "summedUserScoresRatios_Cat",
            "summedUserScoresRatios_Dog",
            "confidencePerCategory_Cat",
            "confidencePerCategory_Dog",
        ]
    );
    assert_eq!(
        rows[1],
        [
            "image1.jpg",
            "image1.jpg",
            "https://assets.rapidata.ai/u1.jpg",
            "15",
            "8",
            "0.6522",
            "0.3478",
            "9.5",
            "4.2",
            "0.6934",
            "0.3066",
            "0.989",
            "0.011",
        ]
    );
    assert_eq!(
        rows[2],
        [
            "image2.jpg",
            "",
            "",
            "1",
            "1",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ""
        ]
    );
    let detailed = csv_rows(&r, true);
    // Two rows: one response of image1, and image2 (no responses) kept as it is.
    assert_eq!(detailed.len(), 3);
    let h = &detailed[0];
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(detailed[1][col("selectedCategory")], "Cat");
    assert_eq!(detailed[1][col("userDetails_userScores_global")], "0.75");
    assert_eq!(detailed[2][col("identifier")], "image2.jpg");
    assert_eq!(detailed[2][col("selectedCategory")], "");
}

#[test]
fn files_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let r = JobResults::from_slice(COMPARE_41.as_bytes()).unwrap();
    let json_path = dir.path().join("r.json");
    r.to_json(&json_path).unwrap();
    let text = std::fs::read_to_string(&json_path).unwrap();
    // Key order of the file is kept.
    let urls = &text[text.find("assetUrls").unwrap()..];
    assert!(urls.find("midjourney").unwrap() < urls.find("flux").unwrap());
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, r.raw());
    let csv_path = dir.path().join("r.csv");
    r.to_csv(&csv_path).unwrap();
    let csv_text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv_text.starts_with("context,winner,"));
    let detailed = dir.path().join("d.csv");
    r.to_csv_detailed(&detailed).unwrap();
    assert_eq!(
        std::fs::read_to_string(&detailed).unwrap().lines().count(),
        2
    );
    let err = r.to_csv(dir.path().join("missing/dir/x.csv")).unwrap_err();
    assert!(matches!(err, rapidata::Error::Io(_)), "{err:?}");
}

#[test]
fn broken_input_is_an_error_not_a_panic() {
    assert!(JobResults::from_slice(b"\x00\x01").is_err());
    let r =
        JobResults::from_slice(br#"{"info": null, "results": [null, 3, {"winner": 5}]}"#).unwrap();
    assert_eq!(r.len(), 3);
    let _ = r.to_string();
}
