//! The client's upload cache: an item uploaded once through a client is not uploaded
//! again, and concurrent uploads of one item share one request.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use super::item::DataItem;
use crate::sync::lock;
use crate::Result;

impl DataItem {
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
