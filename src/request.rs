//! The contract between generated request types and the transport.
//!
//! `build.rs` emits one plain struct per API operation (see [`crate::api::operations`]).
//! Each implements [`Operation`]: it knows its HTTP method, its percent-encoded path, its
//! query pairs and its body, and how to decode a successful response. It knows nothing of
//! HTTP clients; [`crate::Client::send`] executes any of them.

use std::fmt;
use std::path::PathBuf;

use serde::de::DeserializeOwned;

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// Whether repeating the request has the same effect as sending it once (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of a request, already serialized.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// No body and no `Content-Type`.
    Empty,
    /// `application/json` bytes.
    Json(Vec<u8>),
    /// `multipart/form-data` parts.
    Multipart(Vec<MultipartPart>),
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPart {
    /// The form field name (`file` for asset uploads).
    pub name: String,
    /// The content of the part.
    pub content: FilePart,
}

/// A file sent in a multipart body: streamed from disk or taken from memory.
#[derive(Clone, PartialEq)]
pub struct FilePart {
    /// Where the bytes come from.
    pub source: FileSource,
    /// The file name announced in the part header (the basename of a path by default).
    pub file_name: String,
    /// The part's `Content-Type` (guessed from the extension by default).
    pub content_type: String,
}

/// Where the bytes of a [`FilePart`] come from.
#[derive(Clone, PartialEq)]
pub enum FileSource {
    /// A file on disk, streamed when the request is sent.
    Path(PathBuf),
    /// Bytes held in memory.
    Bytes(Vec<u8>),
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            FileSource::Path(p) => format!("Path({})", p.display()),
            FileSource::Bytes(b) => format!("Bytes({} bytes)", b.len()),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl FilePart {
    /// A part streamed from `path`; file name and content type are derived from the path.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        let content_type = content_type_for(&file_name).to_owned();
        FilePart {
            source: FileSource::Path(path),
            file_name,
            content_type,
        }
    }

    /// A part made of bytes in memory.
    pub fn from_bytes(file_name: impl Into<String>, bytes: Vec<u8>) -> Self {
        let file_name = file_name.into();
        let content_type = content_type_for(&file_name).to_owned();
        FilePart {
            source: FileSource::Bytes(bytes),
            file_name,
            content_type,
        }
    }
}

/// The MIME type for a file name's extension, `application/octet-stream` when unknown.
///
/// A short table of the media types labelers see; hand-written because pulling a MIME
/// database crate in for a dozen entries would cost more build time than it saves.
pub fn content_type_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "tif" | "tiff" => "image/tiff",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "txt" => "text/plain",
        "json" => "application/json",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A failure to turn a response body into the operation's output type.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// JSON path of the value that failed (`.items[3].state`), empty at the top level.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() || self.path == "." {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes a JSON response body, naming the JSON path of the first value that does not fit.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| DecodeError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Decodes a response whose body carries nothing of interest (204 and friends).
pub fn decode_empty(_bytes: &[u8]) -> Result<(), DecodeError> {
    Ok(())
}

/// Returns a non-JSON response body as raw bytes.
pub fn decode_bytes(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    Ok(bytes.to_vec())
}

/// Serializes a JSON request body.
pub fn encode_json<T: serde::Serialize + ?Sized>(value: &T) -> RequestBody {
    // Serializing generated models into memory cannot fail: they hold only strings,
    // numbers, maps with string keys and sequences.
    RequestBody::Json(serde_json::to_vec(value).expect("request models always serialize"))
}

/// A deepObject filter on one field of a paged list (`field[op]=value`).
///
/// Every operator value is a string on the wire, booleans and dates included; `in` is sent
/// as repeated keys (`state[in]=Running&state[in]=Paused`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryFilter {
    /// `eq`: equal to.
    pub eq: Option<String>,
    /// `neq`: not equal to.
    pub neq: Option<String>,
    /// `gt`: greater than.
    pub gt: Option<String>,
    /// `gte`: greater than or equal to.
    pub gte: Option<String>,
    /// `lt`: less than.
    pub lt: Option<String>,
    /// `lte`: less than or equal to.
    pub lte: Option<String>,
    /// `contains`: substring match.
    pub contains: Option<String>,
    /// `starts_with`: prefix match.
    pub starts_with: Option<String>,
    /// `ends_with`: suffix match.
    pub ends_with: Option<String>,
    /// `not_contains`: no substring match.
    pub not_contains: Option<String>,
    /// `in`: one of these values.
    pub in_: Vec<String>,
}

impl QueryFilter {
    /// A filter `field[eq]=value`.
    pub fn eq(value: impl Into<String>) -> Self {
        QueryFilter {
            eq: Some(value.into()),
            ..Self::default()
        }
    }

    /// A filter `field[contains]=value`.
    pub fn contains(value: impl Into<String>) -> Self {
        QueryFilter {
            contains: Some(value.into()),
            ..Self::default()
        }
    }

    /// A filter `field[in]=a&field[in]=b…`.
    pub fn one_of<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        QueryFilter {
            in_: values.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Appends this filter's `field[op]=value` pairs (unencoded) to `out`, in a fixed order.
    pub fn encode(&self, field: &str, out: &mut Vec<(String, String)>) {
        let ops: [(&str, &Option<String>); 10] = [
            ("eq", &self.eq),
            ("neq", &self.neq),
            ("gt", &self.gt),
            ("gte", &self.gte),
            ("lt", &self.lt),
            ("lte", &self.lte),
            ("contains", &self.contains),
            ("starts_with", &self.starts_with),
            ("ends_with", &self.ends_with),
            ("not_contains", &self.not_contains),
        ];
        for (op, value) in ops {
            if let Some(v) = value {
                out.push((format!("{field}[{op}]"), v.clone()));
            }
        }
        for v in &self.in_ {
            out.push((format!("{field}[in]"), v.clone()));
        }
    }
}

/// Something that can be sent as a query value.
pub trait QueryValue {
    /// The value's text on the wire (booleans as `true`/`false`, numbers in decimal).
    fn to_query(&self) -> String;
}

macro_rules! query_value_display {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String { self.to_string() }
        }
    )*};
}
query_value_display!(String, str, bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

/// Percent-encodes one path segment (every byte outside `A-Z a-z 0-9 - . _ ~`).
///
/// A segment that is exactly `.` or `..` has its dots encoded too, so an id can never
/// turn into a relative path step that a server or proxy would resolve.
pub fn encode_path_segment(segment: &str) -> String {
    if segment == "." || segment == ".." {
        return "%2E".repeat(segment.len());
    }
    percent_encode(segment, b"")
}

/// Percent-encodes a query key or value the way the official SDK does (`/` is kept).
pub fn encode_query_component(text: &str) -> String {
    percent_encode(text, b"/")
}

/// Builds `a=b&c=d` from unencoded pairs, encoding keys and values.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode_query_component(k));
        out.push('=');
        out.push_str(&encode_query_component(v));
    }
    out
}

fn percent_encode(text: &str, keep: &[u8]) -> String {
    // Hand-written: the rule is five lines, and it must match the Python SDK byte for byte
    // (RFC 3986 unreserved set plus `keep`), which a general-purpose encoder's sets do not.
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b)
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The largest page size the handwritten list builders send (`.amount(n)`); a larger one
/// is refused with [`Error::InvalidInput`](crate::Error::InvalidInput) before any request.
///
/// The API documents no maximum, but refuses absurd sizes (`page_size=4294967295` is a
/// 400). A refusal rather than a silent clamp: a clamped page is shorter than asked for,
/// which a caller would take for the last page.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The largest answer read for an operation that returns a JSON document (16 MiB, after
/// decompression): the API's documents (a page of a list, an audience, a job) are a few
/// kilobytes to a few hundred.
pub const MAX_JSON_RESPONSE_BYTES: u64 = 16 << 20;

/// The largest answer read for an operation that returns a file (512 MiB, after
/// decompression), such as a job's result file.
pub const MAX_FILE_RESPONSE_BYTES: u64 = 512 << 20;

/// The default of [`Operation::MAX_RESPONSE_BYTES`]: [`MAX_JSON_RESPONSE_BYTES`] when
/// `accept` is a JSON media type, else [`MAX_FILE_RESPONSE_BYTES`].
pub const fn default_max_response_bytes(accept: &str) -> u64 {
    // `str::contains` is not `const`: look for `json` by hand.
    let b = accept.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i].eq_ignore_ascii_case(&b'j')
            && b[i + 1].eq_ignore_ascii_case(&b's')
            && b[i + 2].eq_ignore_ascii_case(&b'o')
            && b[i + 3].eq_ignore_ascii_case(&b'n')
        {
            return MAX_JSON_RESPONSE_BYTES;
        }
        i += 1;
    }
    MAX_FILE_RESPONSE_BYTES
}

/// One API operation: a plain value holding path parameters, query parameters and body.
///
/// Implemented by every generated request type in [`crate::api::operations`]; executed by
/// [`crate::Client::send`].
pub trait Operation {
    /// What a successful response decodes into (`()` for bodiless responses, `Vec<u8>` for
    /// binary downloads, a generated model otherwise).
    type Output;

    /// The operation id (given in the spec, or synthesized from method and path).
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template as written in the spec (`/audience/{audienceId}`).
    const PATH_TEMPLATE: &'static str;
    /// The `Accept` header the operation expects.
    const ACCEPT: &'static str = "application/json";
    /// The largest success body read, in bytes after decompression; a longer answer fails
    /// with [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) instead of filling
    /// memory. Default: [`default_max_response_bytes`] of [`ACCEPT`](Self::ACCEPT) (16 MiB
    /// for JSON, 512 MiB for files).
    const MAX_RESPONSE_BYTES: u64 = default_max_response_bytes(Self::ACCEPT);

    /// The path with its parameters substituted and percent-encoded.
    fn path(&self) -> String;

    /// The query pairs, not yet percent-encoded, in a fixed order.
    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Header parameters (name, value), sent after the client's own headers; none by
    /// default. [`Client::send`](crate::Client::send) refuses a name that is not an HTTP
    /// token and a value that is not visible ASCII (a line break, say) with
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) before sending anything.
    fn headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The request body.
    fn body(&self) -> RequestBody {
        RequestBody::Empty
    }

    /// Decodes a successful (2xx) response body.
    fn decode(bytes: &[u8]) -> Result<Self::Output, DecodeError>;
}

/// Decodes a successful response body: the decoding half of an [`Operation`], for
/// [`WithDecoder`].
pub trait Decoder {
    /// What the body decodes into.
    type Output;

    /// The largest success body read, when it differs from the operation's own limit
    /// (a result file behind an operation described as JSON, say); `None` keeps the
    /// operation's.
    const MAX_RESPONSE_BYTES: Option<u64> = None;

    /// Decodes a successful (2xx) response body.
    fn decode(bytes: &[u8]) -> Result<Self::Output, DecodeError>;
}

/// An operation sent exactly as it is (method, path, query, headers, body and `Accept` all
/// its own) whose successful answer is decoded by `D` instead (with `D`'s size limit, if
/// it sets one).
///
/// For code that needs another reading of a generated operation's answer — a result file
/// parsed into its own types, an empty body meaning "not ready yet", fields the API
/// description leaves out — without restating the operation's path.
///
/// ```
/// use rapidata::api::operations::GetJobByJobId;
/// use rapidata::request::{DecodeError, Decoder, Operation, WithDecoder};
///
/// /// The job as loose JSON, whatever fields it has.
/// struct Loose;
/// impl Decoder for Loose {
///     type Output = serde_json::Value;
///     fn decode(bytes: &[u8]) -> Result<serde_json::Value, DecodeError> {
///         rapidata::request::decode_json(bytes)
///     }
/// }
///
/// let op = WithDecoder::<_, Loose>::new(GetJobByJobId::new("job_1"));
/// assert_eq!(op.path(), "/job/job_1");
/// let value = <WithDecoder<GetJobByJobId, Loose>>::decode(br#"{"x": 1}"#).unwrap();
/// assert_eq!(value["x"], 1);
/// ```
pub struct WithDecoder<O, D> {
    op: O,
    decoder: std::marker::PhantomData<fn() -> D>,
}

impl<O, D> WithDecoder<O, D> {
    /// `op`, to be decoded by `D`.
    pub fn new(op: O) -> Self {
        WithDecoder {
            op,
            decoder: std::marker::PhantomData,
        }
    }

    /// The operation sent.
    pub fn operation(&self) -> &O {
        &self.op
    }
}

impl<O: fmt::Debug, D> fmt::Debug for WithDecoder<O, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithDecoder")
            .field("op", &self.op)
            .field("decoder", &std::any::type_name::<D>())
            .finish()
    }
}

impl<O: Operation, D: Decoder> Operation for WithDecoder<O, D> {
    type Output = D::Output;
    const ID: &'static str = O::ID;
    const METHOD: Method = O::METHOD;
    const PATH_TEMPLATE: &'static str = O::PATH_TEMPLATE;
    const ACCEPT: &'static str = O::ACCEPT;
    const MAX_RESPONSE_BYTES: u64 = match D::MAX_RESPONSE_BYTES {
        Some(limit) => limit,
        None => O::MAX_RESPONSE_BYTES,
    };

    fn path(&self) -> String {
        self.op.path()
    }

    fn query(&self) -> Vec<(String, String)> {
        self.op.query()
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        self.op.headers()
    }

    fn body(&self) -> RequestBody {
        self.op.body()
    }

    fn decode(bytes: &[u8]) -> Result<D::Output, DecodeError> {
        D::decode(bytes)
    }
}

/// An operation sent with a JSON body of the caller's instead of its own, everything else
/// (method, path, query, headers, decoding) unchanged.
///
/// For bodies a generated model cannot express: an empty list the model would leave out
/// but the server must see (`"dimensions": []` clears them, a missing one keeps them), or
/// fields of an earlier answer carried back unchanged.
///
/// ```
/// use rapidata::api::{operations::PatchValidationSetByValidationSetId, types};
/// use rapidata::request::{Operation, RequestBody, WithJsonBody};
///
/// let op = WithJsonBody::new(
///     PatchValidationSetByValidationSetId::new("vs_1", types::UpdateValidationSetEndpointInput::new()),
///     serde_json::json!({"dimensions": []}),
/// );
/// assert_eq!(op.path(), "/validation-set/vs_1");
/// let RequestBody::Json(bytes) = op.body() else { panic!() };
/// assert_eq!(bytes, br#"{"dimensions":[]}"#);
/// ```
#[derive(Debug)]
pub struct WithJsonBody<O> {
    op: O,
    body: serde_json::Value,
}

impl<O> WithJsonBody<O> {
    /// `op`, sent with `body` as its JSON body.
    pub fn new(op: O, body: serde_json::Value) -> Self {
        WithJsonBody { op, body }
    }
}

impl<O: Operation> Operation for WithJsonBody<O> {
    type Output = O::Output;
    const ID: &'static str = O::ID;
    const METHOD: Method = O::METHOD;
    const PATH_TEMPLATE: &'static str = O::PATH_TEMPLATE;
    const ACCEPT: &'static str = O::ACCEPT;
    const MAX_RESPONSE_BYTES: u64 = O::MAX_RESPONSE_BYTES;

    fn path(&self) -> String {
        self.op.path()
    }

    fn query(&self) -> Vec<(String, String)> {
        self.op.query()
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        self.op.headers()
    }

    fn body(&self) -> RequestBody {
        encode_json(&self.body)
    }

    fn decode(bytes: &[u8]) -> Result<O::Output, DecodeError> {
        O::decode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_matches_the_official_encoding() {
        let mut pairs = vec![
            ("page".to_owned(), "1".to_owned()),
            ("page_size".to_owned(), "10".to_owned()),
            ("sort".to_owned(), "-created_at".to_owned()),
        ];
        QueryFilter::contains("").encode("name", &mut pairs);
        assert_eq!(
            encode_query(&pairs),
            "page=1&page_size=10&sort=-created_at&name%5Bcontains%5D="
        );
    }

    #[test]
    fn url_values_keep_slashes_and_escape_the_rest() {
        assert_eq!(
            encode_query_component("https://example.com/a b.png?x=1"),
            "https%3A//example.com/a%20b.png%3Fx%3D1"
        );
        assert_eq!(encode_path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_path_segment(".."), "%2E%2E");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(encode_path_segment("a..b"), "a..b");
    }

    #[test]
    fn in_filters_repeat_the_key() {
        let mut pairs = Vec::new();
        QueryFilter::one_of(["Running", "Paused"]).encode("state", &mut pairs);
        assert_eq!(
            encode_query(&pairs),
            "state%5Bin%5D=Running&state%5Bin%5D=Paused"
        );
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        struct Outer {
            #[allow(dead_code)]
            items: Vec<Inner>,
        }
        #[derive(serde::Deserialize, Debug)]
        struct Inner {
            #[allow(dead_code)]
            n: i64,
        }
        let err = decode_json::<Outer>(br#"{"items":[{"n":1},{"n":"x"}]}"#).unwrap_err();
        assert_eq!(err.path, "items[1].n");
        assert!(err.to_string().contains("items[1].n"));
    }

    #[test]
    fn response_limits_follow_the_accept_header() {
        assert_eq!(
            default_max_response_bytes("application/json"),
            MAX_JSON_RESPONSE_BYTES
        );
        assert_eq!(
            default_max_response_bytes("application/problem+JSON"),
            MAX_JSON_RESPONSE_BYTES
        );
        assert_eq!(
            default_max_response_bytes("application/octet-stream"),
            MAX_FILE_RESPONSE_BYTES
        );
        assert_eq!(default_max_response_bytes(""), MAX_FILE_RESPONSE_BYTES);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type_for("a.JPG"), "image/jpeg");
        assert_eq!(content_type_for("noext"), "application/octet-stream");
        let part = FilePart::from_path("/tmp/x/photo.png");
        assert_eq!(part.file_name, "photo.png");
        assert_eq!(part.content_type, "image/png");
    }
}
