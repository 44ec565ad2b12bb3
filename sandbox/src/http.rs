//! A small blocking HTTP/1.1 server: one thread per connection for I/O, a fixed pool of
//! worker threads that turn a parsed [`Request`] into an [`Outcome`].
//!
//! It exists (instead of tiny_http) because the fault injector has to be able to close a
//! connection without answering, which needs the socket itself.
//!
//! Supported: HTTP/1.0 and 1.1, keep-alive, `Content-Length` and `chunked` request bodies,
//! `Expect: 100-continue`, absolute-form targets. Not supported: pipelining beyond reading
//! requests one after another (which is all keep-alive clients do), trailers (read and dropped).

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::SystemTime;

use crate::util::http_date;

/// Largest request head (request line and headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The path part of the target, still percent-encoded.
    pub path: String,
    /// The query part of the target (after `?`), still percent-encoded.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn with_body(mut self, content_type: &str, body: Vec<u8>) -> Response {
        self.headers
            .push(("Content-Type".to_string(), content_type.to_string()));
        self.body = body;
        self
    }
}

/// What a handler decided.
pub(crate) enum Outcome {
    /// Write this response.
    Respond(Response),
    /// Close the connection without writing anything.
    Drop,
}

pub(crate) type Handler = Arc<dyn Fn(Request) -> Outcome + Send + Sync>;

enum Job {
    Run(Request, Sender<Outcome>),
    Stop,
}

/// A running server. Dropping it stops the accept thread and the workers and closes every
/// open connection.
pub(crate) struct Server {
    addr: SocketAddr,
    closing: Arc<AtomicBool>,
    connections: Arc<Mutex<HashMap<u64, TcpStream>>>,
    jobs: Sender<Job>,
    accept: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` and starts `threads` workers running `handler`.
    pub fn start<A: ToSocketAddrs>(
        addr: A,
        threads: usize,
        handler: Handler,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let closing = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<HashMap<u64, TcpStream>>> = Arc::default();
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let job_rx = Arc::new(Mutex::new(job_rx));

        let mut workers = Vec::new();
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&job_rx);
            let handler = Arc::clone(&handler);
            let worker = thread::Builder::new()
                .name(format!("sandbox-worker-{i}"))
                .spawn(move || worker_loop(&rx, &handler))?;
            workers.push(worker);
        }

        let accept = {
            let closing = Arc::clone(&closing);
            let connections = Arc::clone(&connections);
            let jobs = jobs.clone();
            thread::Builder::new()
                .name("sandbox-accept".to_string())
                .spawn(move || accept_loop(listener, &closing, &connections, &jobs))?
        };

        Ok(Server {
            addr,
            closing,
            connections,
            jobs,
            accept: Some(accept),
            workers,
        })
    }

    /// The bound address (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        // Wake the accept thread with a connection to ourselves.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, std::time::Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        for (_, conn) in self.connections.lock().unwrap().drain() {
            let _ = conn.shutdown(Shutdown::Both);
        }
        for _ in &self.workers {
            let _ = self.jobs.send(Job::Stop);
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn worker_loop(rx: &Mutex<Receiver<Job>>, handler: &Handler) {
    loop {
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Run(request, reply)) => {
                // A bug in a handler answers 500 instead of killing the worker.
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(request)))
                        .unwrap_or_else(|_| {
                            Outcome::Respond(
                                Response::new(500)
                                    .with_body(
                                        "text/plain; charset=utf-8",
                                        b"sandbox handler panicked".to_vec(),
                                    )
                                    .with_header("x-trace-id", "0".repeat(32)),
                            )
                        });
                let _ = reply.send(outcome);
            }
            Ok(Job::Stop) | Err(_) => return,
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    closing: &Arc<AtomicBool>,
    connections: &Arc<Mutex<HashMap<u64, TcpStream>>>,
    jobs: &Sender<Job>,
) {
    let next_id = AtomicU64::new(0);
    for stream in listener.incoming() {
        if closing.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let id = next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            connections.lock().unwrap().insert(id, clone);
        }
        let registry = Arc::clone(connections);
        let jobs = jobs.clone();
        let spawned = thread::Builder::new()
            .name("sandbox-conn".to_string())
            .spawn(move || {
                serve_connection(stream, &jobs);
                registry.lock().unwrap().remove(&id);
            });
        if spawned.is_err() {
            // Out of threads: the stream went down with the failed closure.
            connections.lock().unwrap().remove(&id);
        }
    }
}

enum ReadError {
    /// Answer with this status and close.
    Bad(u16),
    /// The peer went away (or an I/O error): just close.
    Gone,
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Gone
    }
}

fn serve_connection(stream: TcpStream, jobs: &Sender<Job>) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader, &mut writer) {
            Ok(Some(request)) => request,
            Ok(None) | Err(ReadError::Gone) => return,
            Err(ReadError::Bad(status)) => {
                let _ = write_response(&mut writer, &Response::new(status), true);
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        };
        let keep_alive = request.keep_alive;
        let (reply_tx, reply_rx) = mpsc::channel();
        if jobs.send(Job::Run(request, reply_tx)).is_err() {
            return;
        }
        match reply_rx.recv() {
            Ok(Outcome::Respond(response)) => {
                if write_response(&mut writer, &response, !keep_alive).is_err() || !keep_alive {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
            }
            Ok(Outcome::Drop) | Err(_) => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

/// Reads one line (up to `\n`), counting against the head budget.
fn read_line(
    reader: &mut BufReader<TcpStream>,
    budget: &mut usize,
) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let limit = (*budget + 1) as u64;
    let n = reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(ReadError::Bad(431));
    }
    *budget -= n;
    if buf.last() != Some(&b'\n') {
        // EOF in the middle of a line.
        return Err(ReadError::Gone);
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::Bad(400))
}

fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Option<Request>, ReadError> {
    let mut budget = MAX_HEAD;
    // Request line (tolerate empty lines before it, RFC 9112 §2.2).
    let line = loop {
        match read_line(reader, &mut budget)? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400));
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        v if v.starts_with("HTTP/") => return Err(ReadError::Bad(505)),
        _ => return Err(ReadError::Bad(400)),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ReadError::Bad(400));
    }

    let mut headers = Vec::new();
    loop {
        let Some(line) = read_line(reader, &mut budget)? else {
            return Err(ReadError::Gone);
        };
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad(400));
        };
        if name.is_empty() || name.ends_with(' ') || name.ends_with('\t') {
            return Err(ReadError::Bad(400));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };

    // Target: origin-form, or absolute-form (strip scheme and authority).
    let mut target = target;
    if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        target = rest.find('/').map_or("/", |i| &rest[i..]);
    }
    if !target.starts_with('/') {
        return Err(ReadError::Bad(400));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };

    let connection = header("connection").map(str::to_ascii_lowercase);
    let keep_alive = match connection.as_deref() {
        Some(c) if c.contains("close") => false,
        Some(c) if c.contains("keep-alive") => true,
        _ => !http10,
    };

    let chunked = header("transfer-encoding")
        .map(|te| te.to_ascii_lowercase().contains("chunked"))
        .unwrap_or(false);
    let content_length = match header("content-length") {
        Some(v) if !chunked => Some(v.parse::<usize>().map_err(|_| ReadError::Bad(400))?),
        _ => None,
    };
    if content_length.is_some_and(|n| n > MAX_BODY) {
        return Err(ReadError::Bad(413));
    }
    if header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        && (chunked || content_length.is_some_and(|n| n > 0))
    {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }

    let body = if chunked {
        read_chunked(reader)?
    } else if let Some(n) = content_length {
        let mut body = vec![0; n];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };

    Ok(Some(Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body,
        keep_alive,
    }))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let Some(line) = read_line(reader, &mut budget)? else {
            return Err(ReadError::Gone);
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| ReadError::Bad(400))?;
        if size == 0 {
            // Trailers until the empty line.
            let mut budget = MAX_HEAD;
            loop {
                match read_line(reader, &mut budget)? {
                    Some(line) if !line.is_empty() => continue,
                    _ => return Ok(body),
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Bad(413));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Bad(400));
        }
    }
}

/// The reason phrase for the status codes the sandbox uses.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

fn write_response(writer: &mut TcpStream, response: &Response, close: bool) -> io::Result<()> {
    let mut out = Vec::with_capacity(256 + response.body.len());
    write!(
        out,
        "HTTP/1.1 {} {}\r\nDate: {}\r\n",
        response.status,
        reason(response.status),
        http_date(SystemTime::now())
    )?;
    let bodiless = response.status == 204 || response.status == 304 || response.status < 200;
    if !bodiless {
        write!(out, "Content-Length: {}\r\n", response.body.len())?;
    }
    for (name, value) in &response.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !bodiless {
        out.extend_from_slice(&response.body);
    }
    writer.write_all(&out)?;
    writer.flush()
}
