//! HTTP execution: one `ureq::Agent` per client, one attempt at a time, and the retry loop
//! around attempts.
//!
//! Nothing here knows about tokens or operations' output types; [`crate::Client`] and the
//! auth module put requests together and turn the outcome into results or
//! [`crate::Error`]s.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use super::multipart::MultipartBody;
use super::resolver::{lock_cache, resolve_cache_key, CachingResolver, ResolveCache};
use super::retry::{self, Failure, RetryMode, RetryPolicy};
use crate::clock::Clock;
use crate::error::{Error, OperationInfo, TransportErrorKind};
use crate::request::{Method, MultipartPart};

/// The `X-Client` header (and `User-Agent`) every request carries.
pub(crate) const X_CLIENT: &str = concat!("RapidataRustSDK/", env!("CARGO_PKG_VERSION"));

/// The largest error body read; error bodies are small JSON documents. (Success bodies
/// are capped per operation: [`HttpRequest::max_body`].)
const MAX_ERROR_BODY: u64 = 1 << 20;

/// Multipart bodies larger than this are sent with `Expect: 100-continue`, so a server
/// that refuses them (HTTP 413, 401, …) can say so before the body is streamed; curl uses
/// the same threshold. Smaller bodies go out at once (waiting for `100 Continue` would
/// cost a round trip per upload).
pub(crate) const EXPECT_CONTINUE_MIN: u64 = 1 << 20;

/// The longest timeout handed to ureq.
const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Timeouts of the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// DNS resolution plus TCP connect plus TLS handshake.
    pub(crate) connect: Duration,
    /// Waiting for the response head, and any single read or write stalling.
    pub(crate) io: Duration,
    /// The whole exchange of one attempt: connect, send, wait, and read the whole body.
    pub(crate) deadline: Duration,
}

/// The default of [`Timeouts::deadline`] (`ClientBuilder::deadline`).
pub(crate) const DEFAULT_DEADLINE: Duration = Duration::from_secs(600);

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            io: Duration::from_secs(120),
            deadline: DEFAULT_DEADLINE,
        }
    }
}

/// A request body ready to send.
pub(crate) enum Payload<'a> {
    /// No body and no `Content-Type`.
    Empty,
    /// Bytes with their content type.
    Bytes {
        content_type: &'a str,
        bytes: &'a [u8],
    },
    /// A `multipart/form-data` body, rebuilt (files reopened) for every attempt.
    Multipart(&'a [MultipartPart]),
}

/// One HTTP request. `headers` may hold credentials: never log them.
pub(crate) struct HttpRequest<'a> {
    pub(crate) method: Method,
    pub(crate) url: &'a str,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) payload: Payload<'a>,
    /// The largest success body read (after decompression); more fails the attempt with
    /// [`AttemptError::TooLarge`].
    pub(crate) max_body: u64,
}

/// A response of any status, body read.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) trace_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    /// The `Location` header (of a redirect).
    pub(crate) location: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A 3xx answer. Redirects are never followed: the API does not redirect, and
    /// following one would turn a `POST` into a `GET` without credentials.
    pub(crate) fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }
}

/// Why one attempt produced no response.
pub(crate) enum AttemptError {
    /// The HTTP exchange failed.
    Transport(ureq::Error),
    /// A local failure before sending (e.g. an upload file could not be opened); never
    /// retried.
    Local(Error),
    /// A success body longer than [`HttpRequest::max_body`] (this many bytes); never
    /// retried.
    TooLarge(u64),
}

/// How a transport failure bears on retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Classified {
    pub(crate) kind: TransportErrorKind,
    /// Whether (part of) the request may have reached the server.
    pub(crate) sent: bool,
    /// Whether trying again may help.
    pub(crate) retryable: bool,
}

/// The end of a retry loop: a response (of any status) or the last transport failure.
pub(crate) enum Outcome {
    Response(RawResponse),
    Failed(crate::error::BoxError, Classified),
}

impl Outcome {
    /// The response, or the transport failure as an [`Error::Transport`] of `info` after
    /// `attempts` attempts in all.
    pub(crate) fn into_response(
        self,
        info: &OperationInfo,
        attempts: u32,
    ) -> Result<RawResponse, Error> {
        match self {
            Outcome::Response(resp) => Ok(resp),
            Outcome::Failed(e, class) => Err(crate::error::TransportError::new(
                info.clone(),
                class.kind,
                class.sent,
                class.retryable,
                attempts,
                e,
            )
            .into()),
        }
    }
}

/// The source of a [`TransportErrorKind::Deadline`] failure: names the deadline.
#[derive(Debug)]
pub(crate) struct DeadlineExceeded(pub(crate) Duration);

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the exchange (connect, send, wait for and read the whole answer) did not finish \
             within its deadline of {:?}",
            self.0
        )
    }
}

impl std::error::Error for DeadlineExceeded {}

/// What a [`Transport`] is built from.
pub(crate) struct TransportConfig<'a> {
    pub(crate) timeouts: Timeouts,
    pub(crate) policy: RetryPolicy,
    /// Empty: the built-in Mozilla (webpki) roots; otherwise exactly these.
    pub(crate) root_certs: &'a [ureq::tls::Certificate<'static>],
    /// Times attempts and takes the pauses between them.
    pub(crate) clock: Arc<dyn Clock>,
}

/// The agent plus the retry policy.
pub(crate) struct Transport {
    agent: ureq::Agent,
    pub(crate) policy: RetryPolicy,
    /// The client's clock: the backoff between attempts sleeps on it.
    clock: Arc<dyn Clock>,
    /// The per-attempt deadline, for error messages.
    deadline: Duration,
    /// The agent's resolver cache, shared so a failed connect can drop a stale entry.
    resolve_cache: ResolveCache,
}

impl Transport {
    /// The transport `config` describes. Certificate verification is never disabled.
    pub(crate) fn new(config: TransportConfig<'_>) -> Transport {
        let TransportConfig {
            timeouts,
            policy,
            root_certs,
            clock,
        } = config;
        // ureq adds each timeout to `Instant::now()`, which panics on overflow: cap them
        // (a year is "as long as it takes" in practice, e.g. for `Duration::MAX`).
        let timeouts = Timeouts {
            connect: timeouts.connect.min(MAX_TIMEOUT),
            io: timeouts.io.min(MAX_TIMEOUT),
            deadline: timeouts.deadline.min(MAX_TIMEOUT),
        };
        let config = ureq::Agent::config_builder()
            .tls_config(super::tls::config(root_certs))
            // Error statuses come back as responses so their bodies can be read.
            .http_status_as_error(false)
            // Never follow redirects: a 301/302/303 would turn a POST into a GET without
            // the bearer token. A 3xx comes back as a response and becomes an error.
            .max_redirects(0)
            // One budget for the whole exchange, body included: per-read timeouts alone
            // let a server that trickles a byte at a time hold a call forever.
            .timeout_global(Some(timeouts.deadline))
            .timeout_resolve(Some(timeouts.connect))
            .timeout_connect(Some(timeouts.connect))
            .timeout_recv_response(Some(timeouts.io))
            .timeout_per_read(Some(timeouts.io))
            .timeout_per_write(Some(timeouts.io))
            .user_agent(X_CLIENT)
            // Parallel uploads use up to `max_workers` (default 25) connections.
            .max_idle_connections_per_host(32)
            .build();
        let resolver = CachingResolver::default();
        let resolve_cache = resolver.cache.clone();
        Transport {
            // ureq resolves the host before every request, pooled connection or not, and
            // with a resolve timeout it spawns a thread for each lookup: a thread and a
            // getaddrinfo per API call. The cache makes that one lookup per host a minute.
            // ureq's default chain (CONNECT proxies, TCP, rustls) with our TCP layer,
            // which coalesces small writes: see `super::tcp`.
            agent: ureq::Agent::with_parts(config, super::tcp::connector(), resolver),
            policy,
            clock,
            deadline: timeouts.deadline,
            resolve_cache,
        }
    }

    /// Sends `req` once and reads the response body.
    pub(crate) fn execute(&self, req: &HttpRequest<'_>) -> Result<RawResponse, AttemptError> {
        let mut builder = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(req.url);
        for (name, value) in &req.headers {
            builder = builder.header(*name, value.as_str());
        }
        let http_err = |e: ureq::http::Error| AttemptError::Transport(ureq::Error::Http(e));
        let result = match req.payload {
            // A bodiless POST/PUT/PATCH announces `Content-Length: 0` (no body, no content
            // type) instead of an empty chunked body; GET/DELETE send no length at all.
            Payload::Empty if matches!(req.method, Method::Post | Method::Put | Method::Patch) => {
                self.agent.run(builder.body(&[][..]).map_err(http_err)?)
            }
            Payload::Empty => self.agent.run(builder.body(()).map_err(http_err)?),
            Payload::Bytes {
                content_type,
                bytes,
            } => self.agent.run(
                builder
                    .header("content-type", content_type)
                    .body(bytes)
                    .map_err(http_err)?,
            ),
            Payload::Multipart(parts) => {
                // Files are opened (and sized) now, so a missing file is a local error.
                let mut body = MultipartBody::new(parts).map_err(AttemptError::Local)?;
                let mut builder = builder
                    .header("content-type", body.content_type())
                    .header("content-length", body.len());
                if body.len() > EXPECT_CONTINUE_MIN {
                    // A server that refuses the upload answers before the body is sent;
                    // ureq then reads that answer instead of streaming the file into a
                    // closed connection. A server that ignores `Expect` gets the body
                    // after ureq's 1 s wait.
                    builder = builder.header("expect", "100-continue");
                }
                let request = builder
                    .body(ureq::SendBody::from_reader(&mut body))
                    .map_err(http_err)?;
                self.agent.run(request)
            }
        };
        let mut response = result.map_err(|e| {
            let e = match e {
                // A file that changed while being sent: a local error, not a lost connection.
                ureq::Error::Io(io) => match super::multipart::changed_file(&io) {
                    Some(path) => {
                        let path = path.to_path_buf();
                        return AttemptError::Local(Error::io("upload the file", path, io));
                    }
                    None => ureq::Error::Io(io),
                },
                e => e,
            };
            if classify(&e).kind == TransportErrorKind::Connect {
                // The cached addresses may be stale (the host moved): look the host up
                // again on the next attempt instead of failing on them until the TTL ends.
                if let Some(key) = req
                    .url
                    .parse::<ureq::http::Uri>()
                    .ok()
                    .and_then(|u| resolve_cache_key(&u))
                {
                    lock_cache(&self.resolve_cache).remove(&key);
                }
            }
            AttemptError::Transport(e)
        })?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
        };
        let trace_id = header("x-trace-id").filter(|t| !t.is_empty());
        let retry_after = header("retry-after").and_then(|v| retry::parse_retry_after(&v));
        let location = header("location").filter(|l| !l.is_empty());
        let body = if (200..300).contains(&status) {
            // The limit counts decompressed bytes, so a small gzip body cannot inflate
            // past it.
            response
                .body_mut()
                .with_config()
                .limit(req.max_body)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(limit) => AttemptError::TooLarge(limit),
                    e => AttemptError::Transport(e),
                })?
        } else {
            // Keep whatever part of an error body arrives; the status is what matters.
            let mut buf = Vec::new();
            let _ = response
                .body_mut()
                .as_reader()
                .take(MAX_ERROR_BODY)
                .read_to_end(&mut buf);
            buf
        };
        Ok(RawResponse {
            status,
            trace_id,
            retry_after,
            location,
            body,
        })
    }

    /// Runs `attempt` until it yields a response that is not worth retrying, a failure that
    /// may not be retried under `mode`, or `max_attempts` attempts were made. Returns the
    /// outcome and the number of attempts made. Local failures end the loop with `Err`.
    pub(crate) fn run(
        &self,
        what: &OperationInfo,
        mode: RetryMode,
        max_attempts: u32,
        mut attempt: impl FnMut() -> Result<RawResponse, AttemptError>,
    ) -> Result<(Outcome, u32), Error> {
        let max_attempts = max_attempts.max(1);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let started = self.clock.now();
            let result = attempt();
            let elapsed = self.clock.now().saturating_duration_since(started);
            let (retry_after, description) = match result {
                Ok(resp) => {
                    log::debug!(
                        "{} {} -> {} in {:.3}s (attempt {attempts})",
                        what.method(),
                        what.path(),
                        resp.status,
                        elapsed.as_secs_f64()
                    );
                    if resp.is_success() {
                        return Ok((Outcome::Response(resp), attempts));
                    }
                    let failure = Failure::Status(resp.status);
                    if attempts >= max_attempts
                        || !retry::should_retry(mode, what.method(), failure)
                    {
                        return Ok((Outcome::Response(resp), attempts));
                    }
                    (resp.retry_after, format!("HTTP {}", resp.status))
                }
                Err(AttemptError::Local(e)) => return Err(e),
                Err(AttemptError::TooLarge(limit)) => {
                    return Err(
                        crate::error::ResponseTooLarge::new(what.clone(), limit, attempts).into(),
                    )
                }
                Err(AttemptError::Transport(e)) => {
                    let class = classify(&e);
                    log::debug!(
                        "{} {} failed in {:.3}s (attempt {attempts}): {e}",
                        what.method(),
                        what.path(),
                        elapsed.as_secs_f64()
                    );
                    let failure = Failure::Transport {
                        sent: class.sent,
                        retryable: class.retryable,
                    };
                    if attempts >= max_attempts
                        || !retry::should_retry(mode, what.method(), failure)
                    {
                        return Ok((Outcome::Failed(self.describe(e, class), class), attempts));
                    }
                    (None, e.to_string())
                }
            };
            let delay = self.policy.delay(attempts - 1, retry_after);
            log::warn!(
                "{} {}: {description}; retrying in {:.3}s (attempt {attempts} of {max_attempts})",
                what.method(),
                what.path(),
                delay.as_secs_f64()
            );
            self.clock.sleep(delay);
        }
    }
}

impl Transport {
    /// The source of a transport error: ureq's error, or for a missed deadline one that
    /// names the deadline.
    fn describe(&self, e: ureq::Error, class: Classified) -> crate::error::BoxError {
        if class.kind == TransportErrorKind::Deadline {
            Box::new(DeadlineExceeded(self.deadline))
        } else {
            Box::new(e)
        }
    }
}

/// Sorts a ureq failure into kind, "may have been sent" and "worth retrying".
pub(crate) fn classify(e: &ureq::Error) -> Classified {
    use std::io::ErrorKind as K;
    use ureq::Error as E;
    use ureq::Timeout as T;
    let c = |kind, sent, retryable| Classified {
        kind,
        sent,
        retryable,
    };
    match e {
        E::HostNotFound | E::ConnectionFailed | E::ConnectProxyFailed(_) => {
            c(TransportErrorKind::Connect, false, true)
        }
        E::Timeout(T::Resolve | T::Connect) => c(TransportErrorKind::Connect, false, true),
        // Not retried: the deadline bounds how long one call may take, and a server that
        // slow is not a passing blip.
        E::Timeout(T::Global | T::PerCall) => c(TransportErrorKind::Deadline, true, false),
        E::Timeout(_) => c(TransportErrorKind::Timeout, true, true),
        // ureq hands TLS failures during the handshake (an unknown issuer, an expired or
        // mismatched certificate) back as `io::Error`s wrapping the rustls error. Never
        // retried, like the other TLS errors.
        E::Io(io)
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>()) =>
        {
            let before_request = matches!(
                io.get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>()),
                Some(
                    rustls::Error::InvalidCertificate(_)
                        | rustls::Error::NoCertificatesPresented
                        | rustls::Error::PeerIncompatible(_)
                )
            );
            c(TransportErrorKind::Tls, !before_request, false)
        }
        E::Io(io) => match io.kind() {
            K::ConnectionRefused
            | K::AddrNotAvailable
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown => c(TransportErrorKind::Connect, false, true),
            K::TimedOut | K::WouldBlock => c(TransportErrorKind::Timeout, true, true),
            K::NotFound | K::PermissionDenied | K::InvalidInput | K::Unsupported => {
                c(TransportErrorKind::Other, true, false)
            }
            _ => c(TransportErrorKind::ConnectionLost, true, true),
        },
        E::BodyStalled => c(TransportErrorKind::ConnectionLost, true, true),
        E::Protocol(_) | E::Decompress(..) => c(TransportErrorKind::Protocol, true, true),
        E::Tls(_) | E::Rustls(_) | E::Pem(_) | E::TlsRequired => {
            c(TransportErrorKind::Tls, false, false)
        }
        E::BadUri(_) | E::Http(_) | E::RequireHttpsOnly(_) | E::InvalidProxyUrl => {
            c(TransportErrorKind::Other, false, false)
        }
        _ => c(TransportErrorKind::Other, true, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_separates_unsent_from_ambiguous() {
        let refused = ureq::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(
            classify(&refused),
            Classified {
                kind: TransportErrorKind::Connect,
                sent: false,
                retryable: true
            }
        );
        let reset = ureq::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(classify(&reset).sent && classify(&reset).retryable);
        let read_timeout = ureq::Error::Timeout(ureq::Timeout::RecvResponse);
        assert_eq!(classify(&read_timeout).kind, TransportErrorKind::Timeout);
        assert!(classify(&read_timeout).sent);
        let connect_timeout = ureq::Error::Timeout(ureq::Timeout::Connect);
        assert!(!classify(&connect_timeout).sent);
        assert!(!classify(&ureq::Error::Tls("bad certificate")).retryable);
        let unknown_issuer = ureq::Error::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ));
        assert_eq!(
            classify(&unknown_issuer),
            Classified {
                kind: TransportErrorKind::Tls,
                sent: false,
                retryable: false
            }
        );
    }

    #[test]
    fn a_cached_address_that_refuses_connections_is_resolved_again() {
        use std::io::Write as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                );
            }
        });
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let policy = RetryPolicy {
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(2),
            ..RetryPolicy::default()
        };
        let transport = Transport::new(TransportConfig {
            timeouts: Timeouts::default(),
            policy,
            root_certs: &[],
            clock: Arc::new(crate::SystemClock),
        });
        // The host "moved": the cached address no longer accepts connections.
        let url = format!("http://127.0.0.1:{port}/thing");
        let mut stale = ureq::unversioned::resolver::ResolvedSocketAddrs::from_fn(|_| {
            std::net::SocketAddr::from(([0, 0, 0, 0], 0))
        });
        stale.push(std::net::SocketAddr::from(([127, 0, 0, 1], closed)));
        transport.resolve_cache.lock().unwrap().insert(
            resolve_cache_key(&url.parse().unwrap()).unwrap(),
            (std::time::Instant::now(), stale),
        );
        let request = HttpRequest {
            method: Method::Get,
            url: &url,
            headers: Vec::new(),
            payload: Payload::Empty,
            max_body: 1 << 20,
        };
        let info = OperationInfo::new("get_thing", Method::Get, "/thing");
        let (outcome, attempts) = transport
            .run(&info, RetryMode::Auto, 3, || transport.execute(&request))
            .unwrap();
        assert!(
            matches!(outcome, Outcome::Response(ref r) if r.status == 200),
            "the stale address was used for every attempt"
        );
        assert_eq!(attempts, 2);
    }
}
