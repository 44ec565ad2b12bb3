//! What a datapoint is made of: a URL, a local file or a text.

use std::fmt;
use std::path::{Path, PathBuf};

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

pub(super) fn is_http_url(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://"))
        || (b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://"))
}
