use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use crate::clock::{Clock, SystemClock};

use super::check::validate_url;
use super::*;
use crate::Error;

#[test]
fn strings_are_urls_or_files() {
    assert_eq!(
        DataItem::from("https://a.com/x"),
        DataItem::url("https://a.com/x")
    );
    assert_eq!(
        DataItem::from("HTTP://a.com/x".to_owned()),
        DataItem::url("HTTP://a.com/x")
    );
    assert_eq!(
        DataItem::from("ftp://a.com/x"),
        DataItem::file("ftp://a.com/x")
    );
    assert_eq!(DataItem::from("httpsfoo"), DataItem::file("httpsfoo"));
    assert_eq!(
        DataItem::from(Path::new("a/b.png")),
        DataItem::file("a/b.png")
    );
    assert_eq!(DataItem::file("a/b.png").identifier(), "b.png");
    assert_eq!(DataItem::text("hi").raw(), "hi");
}

#[test]
fn urls_are_checked() {
    for ok in [
        "https://example.com/a%20b.png?x=1",
        "http://127.0.0.1:8080/a.png",
        "https://user@[::1]:443/x",
        "HTTPS://EXAMPLE.COM",
    ] {
        assert!(validate_url(ok).is_ok(), "{ok}");
    }
    for bad in [
        "https://",
        "https:///path",
        "https://exa mple.com/a.png",
        "https://example.com:99999/",
        "https://example.com/a\n.png",
        "https://[::1/x",
    ] {
        assert!(validate_url(bad).is_err(), "{bad}");
    }
    let err = DataItem::url("https://")
        .validate("datapoint[1]")
        .unwrap_err();
    let e = err.as_invalid_input().unwrap();
    assert_eq!(e.argument(), "datapoint[1]");
    assert_eq!(e.value(), "\"https://\"");
}

#[test]
fn files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.png");
    std::fs::write(&file, b"png").unwrap();
    assert!(DataItem::file(&file).validate("x").is_ok());
    let err = DataItem::file(dir.path().join("missing.png"))
        .validate("datapoint[0]")
        .unwrap_err();
    let e = err.as_invalid_input().unwrap();
    assert_eq!(e.argument(), "datapoint[0]");
    assert!(e.value().contains("missing.png"));
    assert!(e.reason().contains("no such file"));
    let err = DataItem::file(dir.path()).validate("d").unwrap_err();
    assert!(err
        .as_invalid_input()
        .unwrap()
        .reason()
        .contains("not a regular file"));
    assert!(DataItem::text(" ").validate("t").is_err());
}

#[test]
fn cache_keys_follow_file_content_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.png");
    std::fs::write(&file, b"one").unwrap();
    let cache = AssetCache::default();
    let item = DataItem::file(&file);
    // A different spelling of the same path shares the entry.
    let other_spelling = DataItem::file(dir.path().join(".").join("a.png"));
    cache.insert(&item, "srv-1.png".into());
    assert_eq!(cache.get(&other_spelling).as_deref(), Some("srv-1.png"));
    std::fs::write(&file, b"longer content").unwrap();
    assert_eq!(cache.get(&item), None, "size changed: a new key");
    assert_eq!(cache.get(&DataItem::text("a")), None);
    cache.insert(&DataItem::url("https://e.com/a"), "u.png".into());
    assert_eq!(
        cache.get(&DataItem::url("https://e.com/a")).as_deref(),
        Some("u.png")
    );
}

#[test]
fn cache_is_single_flight() {
    let cache = AssetCache::default();
    let calls = AtomicUsize::new(0);
    let item = DataItem::url("https://e.com/a");
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let name = cache
                    .get_or_upload(&item, || {
                        calls.fetch_add(1, Ordering::SeqCst);
                        SystemClock.sleep(std::time::Duration::from_millis(50));
                        Ok("srv.png".into())
                    })
                    .unwrap();
                assert_eq!(&*name, "srv.png");
            });
        }
    });
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Failures are not cached.
    let other = DataItem::url("https://e.com/b");
    assert!(cache
        .get_or_upload(&other, || Err(Error::invalid_input("x", 1, "boom")))
        .is_err());
    assert_eq!(
        &*cache.get_or_upload(&other, || Ok("b.png".into())).unwrap(),
        "b.png"
    );
}

#[test]
fn a_panicking_upload_neither_blocks_nor_hides_later_uploads() {
    let cache = AssetCache::default();
    let item = DataItem::url("https://e.com/p");
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = cache.get_or_upload(&item, || panic!("upload blew up"));
    }));
    assert!(panicked.is_err());
    // The next caller uploads again (nothing was cached) instead of hanging ...
    assert_eq!(
        &*cache.get_or_upload(&item, || Ok("p.png".into())).unwrap(),
        "p.png"
    );
    // ... and what it cached is visible to every lookup, also to `get`.
    assert_eq!(cache.get(&item).as_deref(), Some("p.png"));
    assert_eq!(
        cache
            .get_or_upload(&item, || panic!("must come from the cache"))
            .unwrap()
            .as_ref(),
        "p.png"
    );
}

#[test]
fn asset_inputs_have_the_exact_wire_form() {
    let one = asset_input(
        &[DataItem::url("https://e.com/a")],
        &[Some("a1.jpg".into())],
    );
    assert_eq!(
        serde_json::to_value(&one).unwrap(),
        json!({"_t": "ExistingAssetInput", "name": "a1.jpg"})
    );
    let text = asset_input(&[DataItem::text("The sky is green.")], &[None]);
    assert_eq!(
        serde_json::to_value(&text).unwrap(),
        json!({"_t": "TextAssetInput", "text": "The sky is green."})
    );
    let multi = asset_input(
        &[DataItem::file("a.jpg"), DataItem::url("https://e.com/b")],
        &[Some("a1.jpg".into()), Some("b2.jpg".into())],
    );
    let text = serde_json::to_string(&multi).unwrap();
    assert_eq!(
        text,
        r#"{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput","name":"a1.jpg"},{"_t":"ExistingAssetInput","name":"b2.jpg"}]}"#
    );
}
