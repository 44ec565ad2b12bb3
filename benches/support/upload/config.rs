//! The benchmark's settings: what the datapoints are made of, where the sandbox runs, and
//! the command-line flags.

use std::path::PathBuf;
use std::time::Duration;

/// The sandbox's own default.
const DEFAULT_RESPONSE_INTERVAL: Duration = Duration::from_millis(200);

/// What the datapoints are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Distinct local `.jpg` files of `file_size_kib` each, uploaded with `POST /asset/file`.
    Files,
    /// Distinct `https://` URLs, uploaded through the batch endpoint.
    Urls,
    /// Texts, sent inline (no upload).
    Text,
}

impl Input {
    pub(super) fn name(self) -> &'static str {
        match self {
            Input::Files => "files",
            Input::Urls => "urls",
            Input::Text => "text",
        }
    }

    fn parse(s: &str) -> Result<Input, String> {
        match s.trim() {
            "files" | "file" => Ok(Input::Files),
            "urls" | "url" => Ok(Input::Urls),
            "text" | "texts" => Ok(Input::Text),
            other => Err(format!(
                "unknown input {other:?} (expected files, urls, text)"
            )),
        }
    }
}

/// Where the sandbox runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxMode {
    /// On threads of this process (CPU and memory figures include the server).
    InProcess,
    /// This benchmark's binary again, with `--serve-sandbox`.
    OwnBinary,
    /// The `rapidata-sandbox` binary at this path.
    Binary(PathBuf),
}

/// The benchmark's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Datapoints per definition; each N is measured.
    pub ns: Vec<usize>,
    /// Latency the sandbox adds to every request.
    pub latency: Duration,
    /// The client's `max_workers`; each count is measured.
    pub workers: Vec<usize>,
    /// Size of each generated file.
    pub file_size_kib: usize,
    /// Which inputs to measure, in order.
    pub inputs: Vec<Input>,
    /// Where the sandbox runs.
    pub sandbox: SandboxMode,
    /// The sandbox's simulated speed; its batch uploads finish half of it after creation.
    pub response_interval: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ns: vec![100, 1000, 10_000],
            latency: Duration::from_millis(25),
            workers: vec![rapidata::DEFAULT_MAX_WORKERS],
            file_size_kib: 200,
            inputs: vec![Input::Files, Input::Urls, Input::Text],
            sandbox: SandboxMode::OwnBinary,
            response_interval: DEFAULT_RESPONSE_INTERVAL,
        }
    }
}

pub const USAGE: &str = "\
cargo bench --bench upload -- [--n N[,N...]] [--latency-ms L] [--workers C[,C...]]
                              [--file-size-kib K] [--inputs files,urls,text]
                              [--response-interval-ms MS] [--in-process | --sandbox-bin PATH]
defaults: N = 100,1000,10000, L = 25 ms, C = the library's default max_workers (25),
K = 200, all three inputs, the sandbox in a separate process (this binary with
--serve-sandbox); --concurrency is another name for --workers";

impl Config {
    /// Parses the benchmark's flags (`--flag value` or `--flag=value`). `--bench`, which
    /// `cargo bench` passes, is ignored.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let mut config = Config::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            let number = |v: String| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("invalid value {v:?} for {flag}"))
            };
            let list = |v: String| {
                v.split(',')
                    .map(|x| number(x.to_owned()).map(|n| n as usize))
                    .collect::<Result<Vec<usize>, String>>()
            };
            match flag.as_str() {
                "--bench" => {}
                "--n" => {
                    config.ns = list(value()?)?;
                }
                "--latency-ms" => config.latency = Duration::from_millis(number(value()?)?),
                "--response-interval-ms" => {
                    config.response_interval = Duration::from_millis(number(value()?)?)
                }
                "--workers" | "--concurrency" => {
                    config.workers = list(value()?)?;
                }
                "--file-size-kib" => config.file_size_kib = number(value()?)? as usize,
                "--inputs" => {
                    config.inputs = value()?
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(Input::parse)
                        .collect::<Result<_, _>>()?
                }
                "--in-process" => config.sandbox = SandboxMode::InProcess,
                "--sandbox-bin" => config.sandbox = SandboxMode::Binary(value()?.into()),
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
            }
        }
        let zero = |v: &[usize]| v.is_empty() || v.contains(&0);
        if zero(&config.ns) || zero(&config.workers) || config.inputs.is_empty() {
            return Err(format!(
                "--n, --workers and --inputs must not be zero or empty\n{USAGE}"
            ));
        }
        Ok(config)
    }
}
