//! Assets: the media and texts labelers see.
//!
//! A [`DataItem`] is a URL, a local file or a text. URLs and files are uploaded to the API
//! first (`POST /asset/url`, `POST /asset/file`), and requests then refer to them by the
//! server's file name; texts are sent inline and never uploaded.
//!
//! Strings convert with [`DataItem::detect`], like the official SDK: a string starting
//! with `http://` or `https://` (any case) is a URL, **anything else is a local file
//! path**. Text items must be made explicitly with [`DataItem::text`].
//!
//! ```
//! use rapidata::DataItem;
//!
//! assert_eq!(DataItem::from("https://example.com/a.jpg"), DataItem::url("https://example.com/a.jpg"));
//! assert_eq!(DataItem::from("images/a.jpg"), DataItem::file("images/a.jpg"));
//! assert_eq!(DataItem::text("The sky is green.").identifier(), "The sky is green.");
//! ```
//!
//! Every client keeps an upload cache: an item already uploaded through the same client
//! (the same URL, or the same file with unchanged size and modification time) is not
//! uploaded again, and concurrent uploads of one item share a single request.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use crate::api::{operations, types};
use crate::request::FilePart;
use crate::sync::lock;
use crate::{Client, Error, Result};

/// One datapoint item: a URL, a local file or a text.
///
/// `From<&str>` and `From<String>` use [`DataItem::detect`] (URL if it starts with
/// `http://`/`https://`, file path otherwise); `From<PathBuf>`/`From<&Path>` make files.
/// Use [`DataItem::text`] for text.
///
/// ```
/// use rapidata::DataItem;
/// use std::path::Path;
///
/// let items: Vec<DataItem> = vec![
///     "HTTPS://example.com/cat.png".into(),
///     Path::new("dog.png").into(),
///     DataItem::text("A cat."),
/// ];
/// assert!(matches!(items[0], DataItem::Url(_)));
/// assert!(matches!(items[1], DataItem::File(_)));
/// assert!(matches!(items[2], DataItem::Text(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataItem {
    /// A public `http(s)` URL the server downloads.
    Url(String),
    /// A local file, uploaded by the client.
    File(PathBuf),
    /// A text, sent inline.
    Text(String),
}

impl DataItem {
    /// A URL item.
    ///
    /// ```
    /// let item = rapidata::DataItem::url("https://example.com/a.jpg");
    /// assert_eq!(item.identifier(), "https://example.com/a.jpg");
    /// ```
    pub fn url(url: impl Into<String>) -> DataItem {
        DataItem::Url(url.into())
    }

    /// A local file item.
    ///
    /// ```
    /// let item = rapidata::DataItem::file("photos/a.jpg");
    /// assert_eq!(item.identifier(), "a.jpg");
    /// ```
    pub fn file(path: impl Into<PathBuf>) -> DataItem {
        DataItem::File(path.into())
    }

    /// A text item (never uploaded; shown as text).
    ///
    /// ```
    /// let item = rapidata::DataItem::text("https://not-a-link");
    /// assert!(matches!(item, rapidata::DataItem::Text(_)));
    /// ```
    pub fn text(text: impl Into<String>) -> DataItem {
        DataItem::Text(text.into())
    }

    /// A URL if `s` starts with `http://` or `https://` (case-insensitive), else a local
    /// file path. Never a text: use [`DataItem::text`] for that.
    ///
    /// ```
    /// use rapidata::DataItem;
    /// assert!(matches!(DataItem::detect("Http://x.org/a.png"), DataItem::Url(_)));
    /// assert!(matches!(DataItem::detect("x.org/a.png"), DataItem::File(_)));
    /// ```
    pub fn detect(s: &str) -> DataItem {
        if is_http_url(s) {
            DataItem::Url(s.to_owned())
        } else {
            DataItem::File(PathBuf::from(s))
        }
    }

    /// What results are keyed by: the file's base name, the URL, or the text.
    ///
    /// ```
    /// use rapidata::DataItem;
    /// assert_eq!(DataItem::file("/tmp/x/b.png").identifier(), "b.png");
    /// assert_eq!(DataItem::url("https://e.com/b.png").identifier(), "https://e.com/b.png");
    /// ```
    pub fn identifier(&self) -> String {
        match self {
            DataItem::Url(u) => u.clone(),
            DataItem::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.to_string_lossy().into_owned()),
            DataItem::Text(t) => t.clone(),
        }
    }

    /// Whether the item is uploaded (URL or file) rather than sent as text.
    ///
    /// ```
    /// use rapidata::DataItem;
    /// assert!(DataItem::url("https://e.com/a.png").is_media());
    /// assert!(!DataItem::text("hello").is_media());
    /// ```
    pub fn is_media(&self) -> bool {
        !matches!(self, DataItem::Text(_))
    }

    /// The item as the caller wrote it: URL, path, or text.
    pub(crate) fn raw(&self) -> std::borrow::Cow<'_, str> {
        match self {
            DataItem::Url(u) => u.into(),
            DataItem::File(p) => p.to_string_lossy(),
            DataItem::Text(t) => t.into(),
        }
    }

    /// Checks the item without sending anything: a file must exist, be a regular file and
    /// be readable; a URL must be a well-formed `http(s)` URL; a text must not be empty.
    /// Errors are [`Error::InvalidInput`]s naming `argument` and the item.
    pub(crate) fn validate(&self, argument: &str) -> Result<()> {
        match self {
            DataItem::Url(url) => {
                validate_url(url).map_err(|reason| Error::invalid_input(argument, url, reason))
            }
            DataItem::File(path) => {
                let shown = path.display().to_string();
                let meta = std::fs::metadata(path).map_err(|e| {
                    let reason = if e.kind() == std::io::ErrorKind::NotFound {
                        "no such file (a string not starting with http:// or https:// is \
                         taken as a local file path; use DataItem::text for text)"
                            .to_owned()
                    } else {
                        format!("cannot read the file: {e}")
                    };
                    Error::invalid_input(argument, &shown, reason)
                })?;
                if !meta.is_file() {
                    return Err(Error::invalid_input(
                        argument,
                        &shown,
                        "not a regular file (a directory or special file)",
                    ));
                }
                std::fs::File::open(path).map_err(|e| {
                    Error::invalid_input(argument, &shown, format!("cannot read the file: {e}"))
                })?;
                Ok(())
            }
            DataItem::Text(text) => {
                if text.trim().is_empty() {
                    return Err(Error::invalid_input(
                        argument,
                        text,
                        "a text item must not be empty",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The cache key: the URL, or file identity + size + modification time for files.
    fn cache_key(&self) -> Option<CacheKey> {
        match self {
            DataItem::Url(u) => Some(CacheKey::Url(u.clone())),
            DataItem::File(p) => {
                let meta = std::fs::metadata(p).ok()?;
                // Nanoseconds since 1970 fit 64 bits until 2554 (a smaller key, as every
                // cached item has one).
                let mtime_ns = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
                Some(CacheKey::File {
                    id: file_identity(p, &meta)?,
                    size: meta.len(),
                    mtime_ns,
                })
            }
            DataItem::Text(_) => None,
        }
    }
}

impl fmt::Display for DataItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataItem::Url(u) => f.write_str(u),
            DataItem::File(p) => write!(f, "{}", p.display()),
            DataItem::Text(t) => write!(f, "{t:?}"),
        }
    }
}

impl From<&str> for DataItem {
    fn from(s: &str) -> Self {
        DataItem::detect(s)
    }
}

impl From<String> for DataItem {
    fn from(s: String) -> Self {
        if is_http_url(&s) {
            DataItem::Url(s)
        } else {
            DataItem::File(PathBuf::from(s))
        }
    }
}

impl From<&String> for DataItem {
    fn from(s: &String) -> Self {
        DataItem::detect(s)
    }
}

impl From<PathBuf> for DataItem {
    fn from(p: PathBuf) -> Self {
        DataItem::File(p)
    }
}

impl From<&Path> for DataItem {
    fn from(p: &Path) -> Self {
        DataItem::File(p.to_path_buf())
    }
}

impl From<&PathBuf> for DataItem {
    fn from(p: &PathBuf) -> Self {
        DataItem::File(p.clone())
    }
}

impl From<&DataItem> for DataItem {
    fn from(item: &DataItem) -> Self {
        item.clone()
    }
}

fn is_http_url(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://"))
        || (b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://"))
}

/// A light syntax check of an `http(s)` URL: scheme, a host, a numeric port if any, and
/// no whitespace or control characters outside the path.
fn validate_url(url: &str) -> std::result::Result<(), &'static str> {
    if !is_http_url(url) {
        return Err("not an http:// or https:// URL");
    }
    if url.chars().any(|c| c.is_control()) {
        return Err("URLs must not contain control characters");
    }
    let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(stripped) = host_port.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => return Err("unclosed `[` in the host"),
        }
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err("the URL has no host");
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || "<>\"{}|\\^`%".contains(c))
    {
        return Err("the host contains characters a host name cannot have");
    }
    if let Some(p) = port {
        if !p.is_empty() && p.parse::<u16>().is_err() {
            return Err("the port is not a number from 0 to 65535");
        }
    }
    if url.trim() != url {
        return Err("the URL starts or ends with whitespace");
    }
    Ok(())
}

/// Checks every item, naming item `i` `{argument}[i]`.
pub(crate) fn validate_all(argument: &str, items: &[DataItem]) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        item.validate(&format!("{argument}[{i}]"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Cache

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum CacheKey {
    Url(String),
    File {
        id: FileIdentity,
        size: u64,
        mtime_ns: u64,
    },
}

/// Which file a path names, whatever its spelling: device and inode where there are
/// inodes (one `stat`, which the size and mtime need anyway), else the canonical path
/// (a `realpath`, a `readlink` per path component).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileIdentity {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode { dev: u64, ino: u64 },
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

#[cfg(unix)]
fn file_identity(_path: &Path, meta: &std::fs::Metadata) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some(FileIdentity::Inode {
        dev: meta.dev(),
        ino: meta.ino(),
    })
}

#[cfg(not(unix))]
fn file_identity(path: &Path, _meta: &std::fs::Metadata) -> Option<FileIdentity> {
    std::fs::canonicalize(path).ok().map(FileIdentity::Path)
}

/// One cache entry; its mutex is held for the duration of an upload, so concurrent
/// requests for the same key wait for that upload instead of starting their own. The name
/// is shared (not copied) with the upload pipeline's table of the same item.
type Slot = Arc<Mutex<Option<Arc<str>>>>;

/// Per-client upload cache: item → the server's file name.
///
/// Thread-safe and single-flight: concurrent [`get_or_upload`](AssetCache::get_or_upload)
/// calls for the same key run one upload; the others wait and reuse its result (or try
/// again themselves if it failed; failures are not cached). Keys are the URL, or a
/// file's identity (device and inode; the canonical path where there are no inodes) with
/// its size and modification time (so an edited file is uploaded again).
#[derive(Default)]
pub(crate) struct AssetCache {
    slots: Mutex<HashMap<CacheKey, Slot>>,
}

impl fmt::Debug for AssetCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.slots.lock().map(|s| s.len()).unwrap_or(0);
        f.debug_struct("AssetCache").field("entries", &n).finish()
    }
}

impl AssetCache {
    fn slot(&self, key: CacheKey) -> Slot {
        let mut slots = lock(&self.slots);
        slots.entry(key).or_default().clone()
    }

    /// Makes room for `additional` more entries at once (a table that grows holds its old
    /// and its new storage together for a moment).
    pub(crate) fn reserve(&self, additional: usize) {
        lock(&self.slots).reserve(additional);
    }

    /// The cached file name of `item`, if it was uploaded already. Does not wait for an
    /// upload in flight.
    #[allow(dead_code)] // part of the API the job definitions use
    pub(crate) fn get(&self, item: &DataItem) -> Option<Arc<str>> {
        let key = item.cache_key()?;
        let slot = lock(&self.slots).get(&key)?.clone();
        // A slot poisoned by an upload that panicked holds `None` or a later upload's
        // result, either of which is valid.
        let guard = match slot.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        guard.clone()
    }

    /// Records that `item` is stored on the server as `file_name` (for uploads made
    /// elsewhere, e.g. batch URL uploads).
    #[allow(dead_code)] // part of the API the job definitions use
    pub(crate) fn insert(&self, item: &DataItem, file_name: Arc<str>) {
        if let Some(key) = item.cache_key() {
            let slot = self.slot(key);
            *lock(&slot) = Some(file_name);
        }
    }

    /// The cached file name of `item`, or the result of `upload` (cached on success).
    /// Concurrent calls for the same item run `upload` once.
    pub(crate) fn get_or_upload(
        &self,
        item: &DataItem,
        upload: impl FnOnce() -> Result<String>,
    ) -> Result<Arc<str>> {
        let Some(key) = item.cache_key() else {
            return upload().map(Arc::from);
        };
        let slot = self.slot(key);
        let mut guard = lock(&slot);
        if let Some(name) = guard.as_ref() {
            return Ok(name.clone());
        }
        let name: Arc<str> = upload()?.into();
        *guard = Some(name.clone());
        Ok(name)
    }
}

// ---------------------------------------------------------------------------------------
// Uploads

/// Uploads one item (or takes it from the client's cache): `Some(server file name)` for a
/// URL (`POST /asset/url?url=…`, no body) or a file (multipart `POST /asset/file`, part
/// `file`, streamed from disk); `None` for a text, which is never uploaded.
pub(crate) fn upload(client: &Client, item: &DataItem) -> Result<Option<String>> {
    Ok(upload_shared(client, item)?.map(|name| name.to_string()))
}

/// [`upload`], the name shared with the client's upload cache rather than copied.
pub(crate) fn upload_shared(client: &Client, item: &DataItem) -> Result<Option<Arc<str>>> {
    let name = match item {
        DataItem::Text(_) => return Ok(None),
        DataItem::Url(url) => client.asset_cache().get_or_upload(item, || {
            let out =
                client.send_with(&operations::PostAssetUrl::new(url.clone()), repeatable())?;
            log_warnings(item, &out.warnings);
            Ok(out.file_name)
        })?,
        DataItem::File(path) => client.asset_cache().get_or_upload(item, || {
            let out = client
                .send_with(
                    &operations::PostAssetFile::new(FilePart::from_path(path)),
                    repeatable(),
                )
                .map_err(|e| too_large(e, path))?;
            log_warnings(item, &out.warnings);
            Ok(out.file_name)
        })?,
    };
    Ok(Some(name))
}

/// A 413 answer to the upload of `path` as an error naming the file and its size; other
/// errors as they are.
fn too_large(err: Error, path: &std::path::Path) -> Error {
    match err {
        Error::Api(api) if api.status() == 413 => {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            crate::error::FileTooLarge::new(path.to_path_buf(), size, *api).into()
        }
        other => other,
    }
}

/// Uploads are safe to repeat: an upload whose answer was lost at worst leaves a stored
/// file that nothing refers to, and the next one gets a file name of its own. So every
/// transient failure is retried, not only those that provably were not processed.
fn repeatable() -> crate::SendOptions {
    crate::SendOptions::new().retry_mode(crate::RetryMode::Always)
}

fn log_warnings(item: &DataItem, warnings: &[String]) {
    for w in warnings {
        log::warn!("upload of {item}: {w}");
    }
}

/// Uploads every item, in parallel on at most `client.max_workers()` threads; results in
/// input order (`None` for texts). Items that occur several times are uploaded once (the
/// cache is single-flight).
pub(crate) fn upload_all(client: &Client, items: &[DataItem]) -> Vec<Result<Option<String>>> {
    // Texts cost no request: `upload` answers them at once.
    crate::parallel::parallel_map(client.max_workers(), items, |item| upload(client, item))
}

/// The request-side asset for `items` with their uploaded `names` (from [`upload_all`]):
/// one item → `ExistingAssetInput` (media) or `TextAssetInput` (text); several →
/// `MultiAssetInput` of those, in order.
///
/// # Panics
///
/// If `names` is shorter than `items` or a media item has no name (an upload result was
/// not checked).
pub(crate) fn asset_input(items: &[DataItem], names: &[Option<String>]) -> types::IAssetInput {
    assert_eq!(items.len(), names.len(), "one upload result per item");
    let one = |item: &DataItem, name: &Option<String>| match item {
        DataItem::Text(text) => types::IAssetInputTextAssetInput::new(text.clone()).into(),
        _ => types::IAssetInputExistingAssetInput::new(
            name.clone()
                .expect("media items are uploaded before their asset is built"),
        )
        .into(),
    };
    if items.len() == 1 {
        one(&items[0], &names[0])
    } else {
        types::IAssetInputMultiAssetInput::new(
            items.iter().zip(names).map(|(i, n)| one(i, n)).collect(),
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
                            std::thread::sleep(std::time::Duration::from_millis(50));
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
}
