//! A loopback proxy that loses chosen answers: it carries each request to the upstream
//! server and, for the requests its rules name, closes the client's connection instead of
//! passing the answer on (or loses the request before it reaches the upstream).

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// Which answers a [`LosingProxy`] loses: the `nth` (1-based) request with this method
/// whose path (without query) satisfies `path`. `forward`: whether the request reaches the
/// sandbox (and is carried out) before the connection is closed, or is lost before it.
pub struct Lose {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// Which paths (without query) the rule is for.
    pub path: fn(&str) -> bool,
    /// The 1-based number of the matching request to lose.
    pub nth: usize,
    /// Whether the request reaches the upstream before the connection is closed.
    pub forward: bool,
}

/// What a [`LosingProxy`] does when it loses a request (`"METHOD /path"`), before the
/// client sees its connection close: e.g. another client creating a look-alike.
pub type Meanwhile = Arc<dyn Fn(&str) + Send + Sync>;

/// A proxy before the sandbox that carries every request out but, for the requests its
/// rules name, closes the client's connection instead of passing the answer on: the
/// request was processed and its answer lost — what a connection dropped after the server
/// acted looks like — or, for rules that do not `forward`, the request was lost before it
/// reached the server. (The sandbox drops connections too, but at random; this proxy picks
/// exactly which.)
pub struct LosingProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Every request lost so far, as `"METHOD /path"`.
    pub lost: Arc<Mutex<Vec<String>>>,
}

impl LosingProxy {
    /// Starts the proxy on a free loopback port before `upstream`.
    pub fn start(upstream: std::net::SocketAddr, rules: Vec<Lose>) -> LosingProxy {
        Self::start_with(upstream, rules, Arc::new(|_: &str| {}))
    }

    /// [`start`](Self::start), running `meanwhile` for every request it loses.
    pub fn start_with(
        upstream: std::net::SocketAddr,
        rules: Vec<Lose>,
        meanwhile: Meanwhile,
    ) -> LosingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let lost = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(Mutex::new(vec![0usize; rules.len()]));
        let rules = Arc::new(rules);
        let lost2 = lost.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let (rules, seen, lost) = (rules.clone(), seen.clone(), lost2.clone());
                let meanwhile = meanwhile.clone();
                std::thread::spawn(move || {
                    let _ = serve(client, upstream, &rules, &seen, &lost, &*meanwhile);
                });
            }
        });
        LosingProxy { url, lost }
    }
}

/// Reads one HTTP/1.1 message head and its `Content-Length` body; `None` at end of stream.
fn read_message(reader: &mut impl BufRead) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.trim().parse().unwrap_or(0));
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some((head, body)))
}

fn serve(
    client: TcpStream,
    upstream: std::net::SocketAddr,
    rules: &[Lose],
    seen: &Mutex<Vec<usize>>,
    lost: &Mutex<Vec<String>>,
    meanwhile: &(dyn Fn(&str) + Send + Sync),
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut writer = client;
    while let Some((head, body)) = read_message(&mut reader)? {
        let mut words = head.split_whitespace();
        let method = words.next().unwrap_or("").to_owned();
        let target = words.next().unwrap_or("").to_owned();
        let path = target.split('?').next().unwrap_or("");
        // `Some(forward)` when a rule loses this request.
        let lose = {
            let mut seen = seen.lock().unwrap();
            let mut lose = None;
            for (i, rule) in rules.iter().enumerate() {
                if rule.method == method && (rule.path)(path) {
                    seen[i] += 1;
                    if seen[i] == rule.nth {
                        lose = Some(rule.forward);
                    }
                }
            }
            lose
        };
        if lose == Some(false) {
            let what = format!("{method} {path}");
            meanwhile(&what);
            lost.lock()
                .unwrap()
                .push(format!("{what} (before forwarding)"));
            writer.shutdown(Shutdown::Both)?;
            return Ok(());
        }
        let mut up = TcpStream::connect(upstream)?;
        up.write_all(head.as_bytes())?;
        up.write_all(&body)?;
        let Some((answer_head, answer_body)) = read_message(&mut BufReader::new(&mut up))? else {
            return Ok(());
        };
        if lose.is_some() {
            let what = format!("{method} {path}");
            meanwhile(&what);
            lost.lock().unwrap().push(what);
            writer.shutdown(Shutdown::Both)?;
            return Ok(());
        }
        writer.write_all(answer_head.as_bytes())?;
        writer.write_all(&answer_body)?;
        writer.flush()?;
    }
    Ok(())
}
