//! `rapidata-sandbox`: runs the offline Rapidata API server until killed.
//!
//! The first line on stdout is exactly `listening on http://127.0.0.1:PORT`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use rapidata_sandbox::Sandbox;

const HELP: &str = "\
rapidata-sandbox: an offline server speaking the Rapidata API, with simulated labelers.

USAGE:
    rapidata-sandbox [OPTIONS]

The first stdout line is `listening on http://HOST:PORT`; the server runs until killed.
Point a client at that URL for both the API and the token endpoint (/connect/token).

OPTIONS:
    --addr ADDR                  address to bind [default: 127.0.0.1:0 (a free port)]
    --seed N                     seed of every random draw [default: 42]
    --labelers N                 size of the simulated crowd [default: 300]
    --response-interval-ms MS    one vote per datapoint per interval [default: 200]
    --qualification-delay-ms MS  time a custom audience needs to qualify [default: 2 intervals]
    --cost-estimate-delay-ms MS  cost estimates answer 409 this long [default: 1000]
    --latency-ms MS              added to every request [default: 0]
    --rate-429 P                 share of requests answered 429 [default: 0]
    --retry-after-secs N         Retry-After sent with a 429 [default: 1]
    --rate-503 P                 share of requests answered 503 [default: 0]
    --rate-drop P                share of connections closed without an answer [default: 0]
    --token-lifetime-secs N      lifetime of access tokens [default: 3600]
    --client-id ID               accepted client id [default: sandbox-client]
    --client-secret SECRET       accepted client secret [default: sandbox-secret]
    --threads N                  worker threads [default: 64]
    --balance X                  account balance for cost warnings [default: 1000]
    -h, --help                   print this help
";

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("invalid value '{value}' for {flag}"))
}

fn run() -> Result<(), String> {
    let mut builder = Sandbox::builder();
    let mut client = (
        rapidata_sandbox::DEFAULT_CLIENT_ID.to_string(),
        rapidata_sandbox::DEFAULT_CLIENT_SECRET.to_string(),
    );
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            print!("{HELP}");
            return Ok(());
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let ms = |v: String| parse::<u64>(&flag, &v).map(Duration::from_millis);
        builder = match flag.as_str() {
            "--addr" => builder.addr(value()?.as_str()),
            "--seed" => builder.seed(parse(&flag, &value()?)?),
            "--labelers" => builder.labelers(parse(&flag, &value()?)?),
            "--response-interval-ms" => builder.response_interval(ms(value()?)?),
            "--qualification-delay-ms" => builder.qualification_delay(ms(value()?)?),
            "--cost-estimate-delay-ms" => builder.cost_estimate_delay(ms(value()?)?),
            "--latency-ms" => builder.latency(ms(value()?)?),
            "--rate-429" => builder.rate_429(parse(&flag, &value()?)?),
            "--retry-after-secs" => builder.retry_after_secs(parse(&flag, &value()?)?),
            "--rate-503" => builder.rate_503(parse(&flag, &value()?)?),
            "--rate-drop" => builder.rate_drop(parse(&flag, &value()?)?),
            "--token-lifetime-secs" => {
                builder.token_lifetime(Duration::from_secs(parse(&flag, &value()?)?))
            }
            "--client-id" => {
                client.0 = value()?;
                builder.client_credentials(client.0.clone(), client.1.clone())
            }
            "--client-secret" => {
                client.1 = value()?;
                builder.client_credentials(client.0.clone(), client.1.clone())
            }
            "--threads" => builder.threads(parse(&flag, &value()?)?),
            "--balance" => builder.balance(parse(&flag, &value()?)?),
            other => return Err(format!("unknown option '{other}' (see --help)")),
        };
    }
    let sandbox = builder.start().map_err(|e| format!("cannot start: {e}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", sandbox.url()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    eprintln!(
        "client id: {}  client secret: {}  seed: {}",
        sandbox.client_id(),
        sandbox.client_secret(),
        sandbox.seed()
    );
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapidata-sandbox: {e}");
            ExitCode::from(2)
        }
    }
}
