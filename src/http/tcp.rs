//! The TCP layer under ureq: connects, and sends with fewer, fuller writes.
//!
//! ureq's own TCP transport writes every buffer it is handed as soon as it gets it and
//! checks a pooled connection with three system calls. Over many small API calls (a
//! datapoint creation is a ~400-byte header plus a ~300-byte body) that doubles the
//! packets and wake-ups per request. This layer is a TCP transport with the same
//! buffers, timeouts and error mapping as ureq's, and two differences:
//!
//! - **Coalesced writes.** Output of up to [`COALESCE_MAX`] bytes is held back until more
//!   output arrives or the response is awaited, then sent together with it in one
//!   `writev`. A request's header and body leave in one packet; a file upload's header
//!   leaves with the first chunk of the file. Nothing waits on a timer: held bytes are
//!   sent at the latest when ureq starts reading, which it does right after a request.
//! - **One-call liveness probe.** Checking whether a pooled connection is still usable is
//!   a single non-blocking `MSG_PEEK` `recv` (on Unix), instead of switching the socket to
//!   non-blocking mode and back around a read.
//!
//! Connecting, proxies (`CONNECT`), TLS (rustls, chained on top of this) and every
//! timeout behave as with ureq's default connector.

use std::io::{self, IoSlice, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout,
    RustlsConnector, ShutdownHandle, Transport,
};

/// Output up to this size is held back to be sent with what follows.
pub(crate) const COALESCE_MAX: usize = 16 * 1024;

/// The shortest connect budget given to one address when a host has several.
const MIN_PER_ADDRESS: Duration = Duration::from_millis(10);

/// The connector chain the client's agent uses: `CONNECT` proxies, this TCP layer, rustls.
pub(crate) fn connector() -> impl Connector<(), Out = impl Transport> {
    ().chain(ConnectProxyConnector::default())
        .chain(LeanTcpConnector)
        .chain(RustlsConnector::default())
}

/// Opens plain TCP connections as [`LeanTcpTransport`]s (unless an earlier connector in
/// the chain, a proxy, already made the connection).
#[derive(Debug, Default)]
pub(crate) struct LeanTcpConnector;

impl<In: Transport> Connector<In> for LeanTcpConnector {
    type Out = Either<In, LeanTcpTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(transport) = chained {
            return Ok(Some(Either::A(transport)));
        }
        warn_on_socks_proxy(details);
        let stream = connect_any(
            &details.addrs,
            details.timeout.not_zero().map(|d| *d),
            details.timeout.reason,
        )?;
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let stream = Arc::new(stream);
        let handle: Weak<dyn ShutdownHandle> = Arc::downgrade(&stream) as _;
        (details.register_shutdown)(handle)?;
        Ok(Some(Either::B(LeanTcpTransport {
            stream,
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            held: Vec::new(),
            read_timeout: None,
            write_timeout: None,
        })))
    }
}

/// ureq's default chain warns when a SOCKS proxy is configured but not supported (the
/// `socks-proxy` feature is off) and then connects directly; so does this one.
fn warn_on_socks_proxy(details: &ConnectionDetails) {
    use ureq::ProxyProtocol as P;
    if let Some(proxy) = details.config.proxy() {
        if matches!(
            proxy.protocol(),
            P::Socks4 | P::Socks4A | P::Socks5 | P::Socks5h
        ) {
            log::warn!("SOCKS proxies are not supported; connecting directly");
        }
    }
}

/// Tries the resolved addresses in order. With several, each but the last gets half of
/// what is left of the connect budget (at least [`MIN_PER_ADDRESS`]), so one address
/// that does not answer cannot use up the time of the others.
fn connect_any(
    addrs: &[SocketAddr],
    budget: Option<Duration>,
    reason: ureq::Timeout,
) -> Result<TcpStream, ureq::Error> {
    let started = Instant::now();
    let count = addrs.len();
    let mut last: Option<ureq::Error> = None;
    for (i, addr) in addrs.iter().enumerate() {
        let left = budget.map(|total| total.saturating_sub(started.elapsed()));
        if i > 0 && left == Some(Duration::ZERO) {
            return Err(ureq::Error::Timeout(reason));
        }
        let per_address = left.map(|left| {
            let share = if i + 1 < count { left / 2 } else { left };
            share.max(MIN_PER_ADDRESS)
        });
        let result = match per_address {
            Some(timeout) => TcpStream::connect_timeout(addr, timeout),
            None => TcpStream::connect(addr),
        };
        match result {
            Ok(stream) => {
                log::debug!("connected to {addr}");
                return Ok(stream);
            }
            Err(e) if is_timeout(&e) => last = Some(ureq::Error::Timeout(reason)),
            Err(e) => last = Some(ureq::Error::Io(e)),
        }
    }
    Err(last.unwrap_or_else(|| {
        ureq::Error::Io(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "the host resolved to no address",
        ))
    }))
}

/// A socket timeout shows as `TimedOut` or, on Unix, `WouldBlock`.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// A TCP connection whose small writes are coalesced (see the module docs).
pub(crate) struct LeanTcpTransport {
    /// In an `Arc` so that the agent's shutdown handle can close it while in use.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    /// Output held back to go out with the next write (at most [`COALESCE_MAX`] bytes).
    held: Vec<u8>,
    /// The socket's timeouts as last set, to make the system call only on a change.
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl std::fmt::Debug for LeanTcpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanTcpTransport")
            .field("peer", &self.stream.peer_addr().ok())
            .field("held", &self.held.len())
            .finish()
    }
}

impl LeanTcpTransport {
    /// Sends the held bytes, if any.
    fn flush_held(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.held.is_empty() {
            return Ok(());
        }
        let result = write_all_vectored(
            &self.stream,
            &self.held,
            &[],
            timeout,
            &mut self.write_timeout,
        );
        self.held.clear();
        result
    }
}

impl Transport for LeanTcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let output = &self.buffers.output()[..amount];
        if self.held.len() + amount <= COALESCE_MAX {
            self.held.extend_from_slice(output);
            return Ok(());
        }
        let result = write_all_vectored(
            &self.stream,
            &self.held,
            output,
            timeout,
            &mut self.write_timeout,
        );
        self.held.clear();
        result
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        // ureq reads only once a request is fully handed over: send what is held first.
        self.flush_held(timeout)?;
        let timeout = timeout.for_read();
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        let wanted = timeout.not_zero().map(|d| *d);
        set_timeout_if_changed(&mut self.read_timeout, wanted, |t| {
            self.stream.set_read_timeout(t)
        })?;
        let started = Instant::now();
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match (&*self.stream).read(input) {
                Ok(n) => break n,
                // Linux does not restart socket reads that have a timeout after a signal:
                // read again with what is left of the timeout.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    let Some(total) = wanted else {
                        return Err(e.into());
                    };
                    let left = total.saturating_sub(started.elapsed());
                    if left.is_zero() {
                        return Err(ureq::Error::Timeout(timeout.reason));
                    }
                    self.stream.set_read_timeout(Some(left))?;
                    self.read_timeout = Some(left);
                }
                Err(e) if is_timeout(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        // Bytes still held would mean a request was never finished: not reusable.
        self.held.is_empty() && probe(&self.stream)
    }
}

/// Calls `set` (a socket timeout setter) only when `wanted` differs from `current`.
fn set_timeout_if_changed(
    current: &mut Option<Duration>,
    wanted: Option<Duration>,
    set: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    if *current != wanted {
        set(wanted)?;
        *current = wanted;
    }
    Ok(())
}

/// Writes `first` then `second` completely with `writev`, within `timeout`'s write limit.
fn write_all_vectored(
    writer: &TcpStream,
    first: &[u8],
    second: &[u8],
    timeout: NextTimeout,
    current_timeout: &mut Option<Duration>,
) -> Result<(), ureq::Error> {
    let timeout = timeout.for_write();
    if timeout.after.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    let wanted = timeout.not_zero().map(|d| *d);
    set_timeout_if_changed(current_timeout, wanted, |t| writer.set_write_timeout(t))?;
    let mut slices = [IoSlice::new(first), IoSlice::new(second)];
    let mut slices: &mut [IoSlice<'_>] = &mut slices;
    while !slices.is_empty() {
        match (&*writer).write_vectored(slices) {
            Ok(0) => {
                return Err(ureq::Error::Io(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the connection accepted no more bytes",
                )))
            }
            Ok(n) => IoSlice::advance_slices(&mut slices, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
            Err(e) => return Err(ureq::Error::Io(e)),
        }
    }
    Ok(())
}

/// Whether a pooled connection can be used: no unread bytes and not closed by the peer.
#[cfg(unix)]
fn probe(stream: &TcpStream) -> bool {
    use std::os::fd::AsRawFd;
    let mut byte = 0u8;
    loop {
        // SAFETY: `recv` writes at most one byte into `byte`, which outlives the call, on
        // a socket this transport keeps open.
        let n = unsafe {
            libc::recv(
                stream.as_raw_fd(),
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        if n >= 0 {
            // 0: closed by the peer; 1: bytes nobody asked for. Neither is reusable.
            return false;
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::WouldBlock => return true,
            io::ErrorKind::Interrupted => continue,
            _ => return false,
        }
    }
}

/// Elsewhere: a non-blocking one-byte peek.
#[cfg(not(unix))]
fn probe(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let open = matches!(stream.peek(&mut [0u8]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).is_ok() && open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};
    use std::net::TcpListener;

    fn timeout(secs: u64) -> NextTimeout {
        NextTimeout {
            after: Duration::from_secs(secs).into(),
            reason: ureq::Timeout::RecvResponse,
            per_read: None,
            per_write: None,
        }
    }

    /// A transport connected to a loopback listener, and the server's end.
    fn pair() -> (LeanTcpTransport, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stream = connect_any(
            &[addr],
            Some(Duration::from_secs(5)),
            ureq::Timeout::Connect,
        )
        .unwrap();
        let (server, _) = listener.accept().unwrap();
        server
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let transport = LeanTcpTransport {
            stream: Arc::new(stream),
            buffers: LazyBuffers::new(64 * 1024, 64 * 1024),
            held: Vec::new(),
            read_timeout: None,
            write_timeout: None,
        };
        (transport, server)
    }

    fn send(t: &mut LeanTcpTransport, bytes: &[u8]) {
        t.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        t.transmit_output(bytes.len(), timeout(5)).unwrap();
    }

    /// Whatever the server can read without waiting.
    fn available(server: &TcpStream) -> Vec<u8> {
        SystemClock.sleep(Duration::from_millis(50));
        server.set_nonblocking(true).unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        while let Ok(n) = (&*server).read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        server.set_nonblocking(false).unwrap();
        out
    }

    #[test]
    fn small_writes_are_held_until_the_response_is_awaited() {
        let (mut t, mut server) = pair();
        send(&mut t, b"POST /x HTTP/1.1\r\ncontent-length: 2\r\n\r\n");
        send(&mut t, b"{}");
        assert!(
            available(&server).is_empty(),
            "nothing is sent before a read"
        );
        // Awaiting the response sends the held bytes first, in order.
        let reply = std::thread::spawn(move || {
            let mut got = vec![0u8; 41];
            server.read_exact(&mut got).unwrap();
            server
                .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                .unwrap();
            got
        });
        assert!(t.await_input(timeout(5)).unwrap());
        assert_eq!(
            reply.join().unwrap(),
            b"POST /x HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}".to_vec()
        );
        assert!(t.buffers().input().starts_with(b"HTTP/1.1 204"));
    }

    #[test]
    fn a_large_write_goes_out_at_once_behind_the_held_bytes() {
        let (mut t, server) = pair();
        send(&mut t, b"HEADER");
        let big: Vec<u8> = (0..COALESCE_MAX + 1).map(|i| (i % 253) as u8).collect();
        send(&mut t, &big);
        let mut expected = b"HEADER".to_vec();
        expected.extend_from_slice(&big);
        let mut got = available(&server);
        while got.len() < expected.len() {
            let more = available(&server);
            assert!(
                !more.is_empty(),
                "the data stopped after {} bytes",
                got.len()
            );
            got.extend(more);
        }
        assert_eq!(got, expected);
        assert!(t.held.is_empty());
    }

    #[test]
    fn the_probe_tells_idle_from_closed_or_dirty_connections() {
        let (mut t, server) = pair();
        assert!(t.is_open(), "an idle connection is reusable");
        assert!(t.is_open(), "probing does not change that");
        send(&mut t, b"held");
        assert!(
            !t.is_open(),
            "a connection with an unfinished request is not"
        );

        let (mut t, mut server2) = pair();
        server2.write_all(b"junk").unwrap();
        SystemClock.sleep(Duration::from_millis(50));
        assert!(!t.is_open(), "bytes nobody asked for make it unusable");

        let (mut t3, server3) = pair();
        drop(server3);
        SystemClock.sleep(Duration::from_millis(50));
        assert!(
            !t3.is_open(),
            "a connection the peer closed is not reusable"
        );
        drop(server);
    }

    #[test]
    fn reads_time_out_with_the_reason_given() {
        let (mut t, _server) = pair();
        let mut short = timeout(0);
        short.after = Duration::from_millis(100).into();
        let started = Instant::now();
        let err = t.await_input(short).unwrap_err();
        assert!(
            matches!(err, ureq::Error::Timeout(ureq::Timeout::RecvResponse)),
            "{err:?}"
        );
        assert!(started.elapsed() >= Duration::from_millis(100));
        // A spent budget fails at once.
        let err = t.await_input(timeout(0)).unwrap_err();
        assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
    }

    #[test]
    fn connecting_skips_refusing_addresses_and_reports_the_last_failure() {
        // A port nothing listens on: bind, note the port, close.
        let closed = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        let stream = connect_any(
            &[closed, open],
            Some(Duration::from_secs(5)),
            ureq::Timeout::Connect,
        )
        .unwrap();
        assert_eq!(stream.peer_addr().unwrap(), open);

        let err = connect_any(
            &[closed],
            Some(Duration::from_secs(5)),
            ureq::Timeout::Connect,
        )
        .unwrap_err();
        assert!(
            matches!(&err, ureq::Error::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused),
            "{err:?}"
        );
        let err = connect_any(&[], None, ureq::Timeout::Connect).unwrap_err();
        assert!(matches!(err, ureq::Error::Io(_)), "{err:?}");
        // A spent budget stops before the next address, with the reason given.
        let err =
            connect_any(&[closed, open], Some(Duration::ZERO), ureq::Timeout::Global).unwrap_err();
        assert!(
            matches!(err, ureq::Error::Timeout(ureq::Timeout::Global)),
            "{err:?}"
        );
    }
}
