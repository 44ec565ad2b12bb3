use super::text::shorten_name;

use super::*;

#[test]
fn long_names_keep_their_end() {
    assert_eq!(
        shorten_name("https://a.example/flux_book.jpg", 12),
        "…ux_book.jpg"
    );
    assert_eq!(shorten_name("short.jpg", 12), "short.jpg");
}

#[test]
fn compare_assets_keep_file_order() {
    let r = JobResults::from_slice(
        br#"{"info":{"type":"Compare"},"results":[{"assetUrls":{"z.jpg":"u1","a.jpg":"u2"},
        "aggregatedResults":{"a.jpg":1,"z.jpg":2,"Both":1}}]}"#,
    )
    .unwrap();
    let dp = &r.compare().unwrap().datapoints[0];
    assert_eq!(dp.assets, ["z.jpg", "a.jpg"]);
    assert_eq!(dp.both.as_ref().unwrap().votes, Some(1));
    assert!(!dp.tallies.contains_key("Both"));
}

#[test]
fn garbage_never_panics() {
    for text in [
        "null",
        "1",
        "[]",
        r#"{"results":5}"#,
        r#"{"results":[1,"x",null,[]]}"#,
        r#"{"info":{"type":"Compare"},"results":[1,{"detailedResults":[1,{"userDetails":7}]}]}"#,
        r#"{"info":{"type":"Classification"},"results":{"data":[{"aggregatedResults":[1]}]}}"#,
        r#"{"info":{"type":5},"summary":"x"}"#,
    ] {
        let r = JobResults::from_slice(text.as_bytes()).unwrap();
        let _ = r.to_string();
        let _ = r.csv_table(true);
        let _ = r.csv_table(false);
    }
}
