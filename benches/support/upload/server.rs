//! The sandbox the benchmark runs against: `--serve-sandbox` mode, and a running sandbox in
//! this process or a child process.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rapidata_sandbox::{Sandbox, Stats};

use super::config::SandboxMode;

/// `--serve-sandbox` mode: runs a sandbox until standard input closes (so it never outlives
/// the benchmark), with the `rapidata-sandbox` binary's flags `--latency-ms`, `--addr`,
/// `--threads` and its first stdout line `listening on URL`.
pub fn serve_sandbox(args: impl IntoIterator<Item = String>) -> Result<(), String> {
    let mut builder = Sandbox::builder();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        builder = match flag.as_str() {
            "--latency-ms" => builder.latency(Duration::from_millis(
                value()?.parse().map_err(|_| "bad --latency-ms")?,
            )),
            "--response-interval-ms" => builder.response_interval(Duration::from_millis(
                value()?.parse().map_err(|_| "bad --response-interval-ms")?,
            )),
            "--addr" => builder.addr(value()?.as_str()),
            "--threads" => builder.threads(value()?.parse().map_err(|_| "bad --threads")?),
            other => return Err(format!("unknown sandbox flag {other:?}")),
        };
    }
    let sandbox = builder.start().map_err(|e| format!("cannot start: {e}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", sandbox.url()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    // Until the parent closes our stdin (or dies).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(sandbox);
    Ok(())
}

/// A running sandbox: in this process, or a child process.
pub(super) enum Server {
    InProcess(Sandbox),
    Process {
        child: Child,
        url: String,
        description: String,
    },
}

impl Server {
    pub(super) fn start(
        mode: &SandboxMode,
        latency: Duration,
        response_interval: Duration,
    ) -> Result<Server, String> {
        // Enough server threads that the server never queues the client's requests.
        let threads = 64;
        let (program, mut args, description) = match mode {
            SandboxMode::InProcess => {
                let sandbox = Sandbox::builder()
                    .latency(latency)
                    .response_interval(response_interval)
                    .threads(threads)
                    .start()
                    .map_err(|e| format!("cannot start the sandbox: {e}"))?;
                return Ok(Server::InProcess(sandbox));
            }
            SandboxMode::OwnBinary => {
                let exe = std::env::current_exe().map_err(|e| e.to_string())?;
                (
                    exe,
                    vec!["--serve-sandbox".to_owned()],
                    "separate process (this binary with --serve-sandbox)".to_owned(),
                )
            }
            SandboxMode::Binary(path) => (
                path.clone(),
                Vec::new(),
                format!("separate process ({})", path.display()),
            ),
        };
        args.extend([
            "--latency-ms".to_owned(),
            latency.as_millis().to_string(),
            "--response-interval-ms".to_owned(),
            response_interval.as_millis().to_string(),
            "--addr".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--threads".to_owned(),
            threads.to_string(),
        ]);
        let mut child = Command::new(&program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let url = match (read, line.trim().strip_prefix("listening on ")) {
            (Ok(_), Some(url)) => url.to_owned(),
            _ => {
                let _ = child.kill();
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                return Err(format!(
                    "the sandbox {} did not say where it listens (got {line:?}, {status})",
                    program.display()
                ));
            }
        };
        let description = format!("{description}, pid {}", child.id());
        Ok(Server::Process {
            child,
            url,
            description,
        })
    }

    pub(super) fn url(&self) -> String {
        match self {
            Server::InProcess(s) => s.url(),
            Server::Process { url, .. } => url.clone(),
        }
    }

    pub(super) fn description(&self) -> String {
        match self {
            Server::InProcess(_) => {
                "in this process (CPU and memory below include the server)".to_owned()
            }
            Server::Process { description, .. } => description.clone(),
        }
    }

    pub(super) fn credentials(&self) -> (String, String) {
        match self {
            Server::InProcess(s) => (s.client_id().to_owned(), s.client_secret().to_owned()),
            Server::Process { .. } => (
                rapidata_sandbox::DEFAULT_CLIENT_ID.to_owned(),
                rapidata_sandbox::DEFAULT_CLIENT_SECRET.to_owned(),
            ),
        }
    }

    /// CPU time (user + system) the sandbox process has used so far; `None` in-process.
    pub(super) fn cpu(&self) -> Option<Duration> {
        let Server::Process { child, .. } = self else {
            return None;
        };
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).ok()?;
        // The fields after the parenthesised command name; utime and stime (the 14th and
        // 15th fields of the line) are in clock ticks.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        // SAFETY: sysconf only reads a configuration value.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        (per_second > 0).then(|| Duration::from_secs_f64(ticks as f64 / per_second as f64))
    }

    /// The sandbox's counters (`GET /_sandbox/stats`: never delayed, faulted or counted).
    pub(super) fn stats(&self) -> Result<Stats, String> {
        match self {
            Server::InProcess(s) => Ok(s.stats()),
            Server::Process { url, .. } => {
                let mut resp = ureq::get(format!("{url}/_sandbox/stats"))
                    .call()
                    .map_err(|e| format!("GET /_sandbox/stats: {e}"))?;
                let text = resp
                    .body_mut()
                    .read_to_string()
                    .map_err(|e| format!("GET /_sandbox/stats: {e}"))?;
                serde_json::from_str(&text).map_err(|e| format!("GET /_sandbox/stats: {e}"))
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::Process { child, .. } = self {
            // Closing stdin stops a --serve-sandbox child; the binary needs the kill.
            drop(child.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
