//! `multipart/form-data` request bodies, streamed from disk.
//!
//! Written here instead of using ureq's `multipart` feature, for three reasons that show in
//! the upload benchmark (`cargo bench --bench upload`):
//!
//! - **Full buffers.** Every [`Read::read`] call fills the caller's buffer across part
//!   boundaries (part header, file bytes, closing boundary), so a 200 KiB file goes out in
//!   two writes instead of four, and the closing boundary never travels alone.
//! - **No read past the end.** The file's length is known from `fstat`, so reading stops
//!   at it instead of asking the kernel once more for end-of-file. A file that grew or
//!   shrank while being sent is still caught, and fails the request instead of sending a
//!   mix of old and new content (see [`MultipartBody::read`]).
//! - **Exact length up front.** The body's size is computed before sending, so the request
//!   carries a `Content-Length` and is never chunk-encoded.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::request::{FileSource, MultipartPart};
use crate::Error;

/// A `multipart/form-data` body ready to stream: the parts' files are open and sized.
pub(crate) struct MultipartBody<'a> {
    boundary: String,
    segments: Vec<Segment<'a>>,
    /// The segment being read and how far into it.
    current: usize,
    offset: u64,
    len: u64,
}

/// One stretch of the body.
enum Segment<'a> {
    /// Bytes built here: boundaries and part headers.
    Owned(Vec<u8>),
    /// Bytes the caller holds in memory.
    Borrowed(&'a [u8]),
    /// A file on disk, `len` bytes long when it was opened.
    File {
        file: File,
        len: u64,
        path: &'a Path,
    },
}

impl Segment<'_> {
    fn len(&self) -> u64 {
        match self {
            Segment::Owned(b) => b.len() as u64,
            Segment::Borrowed(b) => b.len() as u64,
            Segment::File { len, .. } => *len,
        }
    }
}

impl<'a> MultipartBody<'a> {
    /// Opens the parts' files (a missing or unreadable file is an [`Error`] now, before
    /// anything is sent) and lays out the body. Part names, file names and content types
    /// are checked so that none can break out of its header line.
    pub(crate) fn new(parts: &'a [MultipartPart]) -> Result<MultipartBody<'a>, Error> {
        let boundary = format!(
            "----rapidata-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let mut segments = Vec::with_capacity(parts.len() * 2 + 1);
        for (i, part) in parts.iter().enumerate() {
            let content_type = &part.content.content_type;
            if !is_mime_type(content_type) {
                return Err(Error::invalid_input(
                    "content_type",
                    content_type,
                    "not a valid MIME type (expected e.g. `image/png`)",
                ));
            }
            let mut head = Vec::with_capacity(160);
            if i > 0 {
                head.extend_from_slice(b"\r\n");
            }
            head.extend_from_slice(b"--");
            head.extend_from_slice(boundary.as_bytes());
            head.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            head.extend_from_slice(header_safe(&part.name).as_bytes());
            head.extend_from_slice(b"\"; filename=\"");
            head.extend_from_slice(header_safe(&part.content.file_name).as_bytes());
            head.extend_from_slice(b"\"\r\nContent-Type: ");
            head.extend_from_slice(content_type.as_bytes());
            head.extend_from_slice(b"\r\n\r\n");
            segments.push(Segment::Owned(head));
            segments.push(match &part.content.source {
                FileSource::Path(path) => open_sized(path)?,
                FileSource::Bytes(bytes) => Segment::Borrowed(bytes),
            });
        }
        let mut tail = Vec::with_capacity(boundary.len() + 8);
        if !parts.is_empty() {
            tail.extend_from_slice(b"\r\n");
        }
        tail.extend_from_slice(b"--");
        tail.extend_from_slice(boundary.as_bytes());
        tail.extend_from_slice(b"--\r\n");
        segments.push(Segment::Owned(tail));
        let len = segments.iter().map(Segment::len).sum();
        Ok(MultipartBody {
            boundary,
            segments,
            current: 0,
            offset: 0,
            len,
        })
    }

    /// The request's `Content-Type`, with this body's boundary.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body's exact length in bytes (the request's `Content-Length`).
    pub(crate) fn len(&self) -> u64 {
        self.len
    }
}

fn open_sized(path: &Path) -> Result<Segment<'_>, Error> {
    let io_error = |e| Error::io("open the file to upload", PathBuf::from(path), e);
    let file = File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    Ok(Segment::File { file, len, path })
}

impl Read for MultipartBody<'_> {
    /// Fills as much of `buf` as the body has left, crossing segment boundaries.
    ///
    /// A file is read up to the length it had when opened. When the rest of a file fits
    /// in `buf`, one byte more is asked for, so a file that grew is noticed without an
    /// extra read (only a file whose end falls exactly on the end of `buf` costs a one-byte
    /// probe at the next call); a file that ends early is noticed by its short read.
    /// Either fails with an `io::Error` naming the file.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            let Some(segment) = self.segments.get_mut(self.current) else {
                break;
            };
            let room = &mut buf[filled..];
            // How many bytes went into `room`, and whether the segment is finished.
            let (n, finished) = match segment {
                Segment::Owned(bytes) => copy_from(bytes, self.offset, room),
                Segment::Borrowed(bytes) => copy_from(bytes, self.offset, room),
                Segment::File { file, len, path } => {
                    let left = *len - self.offset;
                    if left == 0 {
                        // An empty file, or one whose last byte filled the previous
                        // buffer exactly: check that nothing follows. The probe byte
                        // lands in `room` but is not counted.
                        if read_full(file, &mut room[..1])? != 0 {
                            return Err(changed(path, *len));
                        }
                        (0, true)
                    } else if left < room.len() as u64 {
                        // The rest fits: ask for one byte more to catch growth.
                        let got = read_full(file, &mut room[..left as usize + 1])?;
                        if got as u64 != left {
                            return Err(changed(path, *len));
                        }
                        (got, true)
                    } else {
                        let got = read_full(file, room)?;
                        if got < room.len() {
                            return Err(changed(path, *len));
                        }
                        (got, false)
                    }
                }
            };
            filled += n;
            self.offset += n as u64;
            if finished {
                self.current += 1;
                self.offset = 0;
            }
        }
        Ok(filled)
    }
}

/// Copies what fits of `bytes[offset..]` into `room`: (bytes copied, all of it copied).
fn copy_from(bytes: &[u8], offset: u64, room: &mut [u8]) -> (usize, bool) {
    let rest = &bytes[offset as usize..];
    let n = rest.len().min(room.len());
    room[..n].copy_from_slice(&rest[..n]);
    (n, n == rest.len())
}

/// Reads until `buf` is full or the file ends (a short read is not the end of a file).
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

fn changed(path: &Path, len: u64) -> io::Error {
    io::Error::other(FileChanged {
        path: path.to_path_buf(),
        len,
    })
}

/// A file that grew or shrank while its upload was being sent. Travels through ureq inside
/// an `io::Error`; the transport turns it back into a local [`Error::Io`] (not retried,
/// nothing was carried out: the request's body was cut short).
#[derive(Debug)]
struct FileChanged {
    path: PathBuf,
    len: u64,
}

impl std::fmt::Display for FileChanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} changed while it was being uploaded (it was {} bytes when opened)",
            self.path.display(),
            self.len
        )
    }
}

impl std::error::Error for FileChanged {}

/// The path of the file that changed, if that is why a request failed with `io`.
pub(crate) fn changed_file(io: &io::Error) -> Option<&Path> {
    io.get_ref()?
        .downcast_ref::<FileChanged>()
        .map(|c| c.path.as_path())
}

/// A `type/subtype` MIME type with optional parameters, and nothing that could end the
/// header line.
fn is_mime_type(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or("").trim();
    let Some((ty, sub)) = essence.split_once('/') else {
        return false;
    };
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    token(ty) && token(sub) && s.bytes().all(|b| b == b'\t' || (b' '..0x7f).contains(&b))
}

/// A name that cannot break its `Content-Disposition` header: quotes and line breaks are
/// percent-encoded, as browsers do.
pub(crate) fn header_safe(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::FilePart;

    fn read_in_chunks(body: &mut MultipartBody<'_>, chunk: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = body.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    fn part(name: &str, content: FilePart) -> MultipartPart {
        MultipartPart {
            name: name.into(),
            content,
        }
    }

    #[test]
    fn the_body_has_the_exact_wire_form_and_length_for_any_buffer_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.png");
        let content: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let parts = vec![
            part("file", FilePart::from_path(&path)),
            part("note", FilePart::from_bytes("n.txt", b"hi".to_vec())),
        ];
        for chunk in [1, 7, 64, 4096, 4999, 5000, 5001, 1 << 17] {
            let mut body = MultipartBody::new(&parts).unwrap();
            let b = body.boundary.clone();
            let declared = body.len();
            let bytes = read_in_chunks(&mut body, chunk).unwrap();
            let mut expected = format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .into_bytes();
            expected.extend_from_slice(&content);
            expected.extend_from_slice(
                format!(
                    "\r\n--{b}\r\nContent-Disposition: form-data; name=\"note\"; \
                     filename=\"n.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--{b}--\r\n"
                )
                .as_bytes(),
            );
            assert_eq!(bytes, expected, "chunk size {chunk}");
            assert_eq!(declared, expected.len() as u64, "chunk size {chunk}");
        }
    }

    #[test]
    fn each_read_fills_the_buffer_across_part_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jpg");
        std::fs::write(&path, vec![7u8; 200 * 1024]).unwrap();
        let parts = vec![part("file", FilePart::from_path(&path))];
        let mut body = MultipartBody::new(&parts).unwrap();
        let total = body.len() as usize;
        let mut buf = vec![0u8; 128 * 1024];
        // Header and file bytes in the first read, the rest of the file and the closing
        // boundary in the second: two writes for the whole body.
        assert_eq!(body.read(&mut buf).unwrap(), buf.len());
        assert_eq!(body.read(&mut buf).unwrap(), total - buf.len());
        assert_eq!(body.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn boundaries_differ_between_bodies() {
        let parts = vec![part("file", FilePart::from_bytes("a.png", vec![1, 2]))];
        let a = MultipartBody::new(&parts).unwrap();
        let b = MultipartBody::new(&parts).unwrap();
        assert_ne!(a.boundary, b.boundary);
        assert!(a.content_type().ends_with(&a.boundary));
    }

    #[test]
    fn a_file_that_grows_or_shrinks_while_sent_fails_the_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        // Each case: size when opened, size while sent, and the buffer size (0: the one
        // that makes the file's end fall exactly on the end of the first buffer).
        for (before, after, chunk) in [
            // The rest fits in the buffer: growth is caught by the extra byte asked for.
            (100usize, 150usize, 4096usize),
            (100, 50, 4096),
            // The file ends exactly at the buffer's end: growth is caught by the probe.
            (100, 150, 0),
            // Spans buffers and shrinks: caught by a short read.
            (10_000, 5000, 4096),
        ] {
            std::fs::write(&path, vec![1u8; before]).unwrap();
            let parts = vec![part("file", FilePart::from_path(&path))];
            let mut body = MultipartBody::new(&parts).unwrap();
            let tail = body.boundary.len() + 8;
            let chunk = if chunk == 0 {
                body.len() as usize - tail
            } else {
                chunk
            };
            std::fs::write(&path, vec![2u8; after]).unwrap();
            let err = read_in_chunks(&mut body, chunk).unwrap_err();
            assert!(
                err.to_string()
                    .contains("changed while it was being uploaded"),
                "{before} -> {after}: {err}"
            );
        }
        // The exact-fill case with an unchanged file needs the probe and passes it.
        std::fs::write(&path, vec![3u8; 100]).unwrap();
        let parts = vec![part("file", FilePart::from_path(&path))];
        let mut body = MultipartBody::new(&parts).unwrap();
        let chunk = body.len() as usize - (body.boundary.len() + 8);
        let declared = body.len();
        assert_eq!(
            read_in_chunks(&mut body, chunk).unwrap().len() as u64,
            declared
        );
        // An empty file is fine.
        std::fs::write(&path, b"").unwrap();
        let parts = vec![part("file", FilePart::from_path(&path))];
        let mut body = MultipartBody::new(&parts).unwrap();
        let declared = body.len();
        assert_eq!(read_in_chunks(&mut body, 3).unwrap().len() as u64, declared);
    }

    #[test]
    fn a_missing_file_or_bad_content_type_fails_before_sending() {
        let parts = vec![part("file", FilePart::from_path("/no/such/file.png"))];
        let err = MultipartBody::new(&parts).err().unwrap();
        assert!(err.to_string().contains("/no/such/file.png"), "{err}");
        let mut bad = FilePart::from_bytes("a.png", vec![1]);
        for ct in ["image", "image/png\r\nX-Evil: 1", "/png", "image/", ""] {
            bad.content_type = ct.into();
            let parts = vec![part("file", bad.clone())];
            let err = MultipartBody::new(&parts).err().unwrap();
            assert_eq!(
                err.as_invalid_input().unwrap().argument(),
                "content_type",
                "{ct:?}"
            );
        }
        bad.content_type = "text/plain; charset=utf-8".into();
        assert!(MultipartBody::new(&[part("file", bad)]).is_ok());
    }

    #[test]
    fn names_cannot_break_the_part_header() {
        assert_eq!(header_safe("a\"b\r\n.png"), "a%22b%0D%0A.png");
        assert_eq!(header_safe("photo 1.png"), "photo 1.png");
    }
}
