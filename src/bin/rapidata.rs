//! `rapidata`: log in, check and log out from the command line (feature `cli`).
//!
//! ```text
//! rapidata login  [--environment ENV] [--no-browser] [--name NAME]
//! rapidata status [--environment ENV]
//! rapidata logout [--environment ENV]
//! ```
//!
//! The environment defaults to `RAPIDATA_ENVIRONMENT`, else `rapidata.ai`; every other
//! setting comes from the environment variables `Client::new()` reads (`RAPIDATA_AUTH_URL`,
//! `RAPIDATA_CLIENT_ID`, …). Credentials are saved to and removed from
//! `~/.config/rapidata/credentials.json`, shared with the official Python SDK.

use std::process::ExitCode;

use rapidata::error::ConfigErrorKind;
use rapidata::{BrowserLogin, Client, ClientBuilder, Error};

const USAGE: &str = "\
usage: rapidata <command> [options]

commands:
  login    log in through the browser and save credentials for Client::new()
  status   report whether this machine can authenticate, without logging in
  logout   remove the credentials saved for the environment

options:
  --environment ENV   Rapidata environment (default: RAPIDATA_ENVIRONMENT, else rapidata.ai)
  --no-browser        login: only print the login URL, do not open a browser
  --name NAME         login: the name of the client created for this machine
";

struct Args {
    command: String,
    environment: Option<String>,
    open_browser: bool,
    name: Option<String>,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = argv.next().ok_or("no command given")?;
    if command == "-h" || command == "--help" || command == "help" {
        return Err(String::new());
    }
    let mut args = Args {
        command,
        environment: None,
        open_browser: true,
        name: None,
    };
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--environment" => args.environment = Some(value()?),
            "--name" => args.name = Some(value()?),
            "--no-browser" => args.open_browser = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(args)
}

fn builder(args: &Args) -> ClientBuilder {
    let builder = Client::builder();
    match &args.environment {
        Some(env) => builder.environment(env),
        None => builder,
    }
}

fn is_missing_credentials(e: &Error) -> bool {
    matches!(e, Error::Config(c) if c.kind() == ConfigErrorKind::MissingCredentials)
}

/// The client `Client::new()` would build, or `None` when there are no credentials.
fn existing(args: &Args) -> Result<Option<Client>, Error> {
    match builder(args).build() {
        Ok(client) => Ok(Some(client)),
        Err(e) if is_missing_credentials(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn status(args: &Args) -> Result<ExitCode, Error> {
    match existing(args)? {
        Some(client) => {
            println!(
                "Authenticated for {} via {}.",
                client.environment(),
                client.credential_source()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            println!(
                "Not logged in. Run `rapidata login` to log in in the browser, or set \
                 RAPIDATA_CLIENT_ID and RAPIDATA_CLIENT_SECRET."
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn login(args: &Args) -> Result<ExitCode, Error> {
    if let Some(client) = existing(args)? {
        println!(
            "Already authenticated for {} via {}.",
            client.environment(),
            client.credential_source()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut options = BrowserLogin::new();
    if let Some(name) = &args.name {
        options = options.display_name(name);
    }
    let client = builder(args).login_in_browser(&options, |url| {
        let opened = args.open_browser && open_browser(url);
        if opened {
            eprintln!(
                "Log in to Rapidata in the browser window that just opened, or open this URL:"
            );
        } else {
            eprintln!("Open this URL in your browser to log in to Rapidata:");
        }
        eprintln!("  {url}");
    })?;
    println!(
        "Logged in to {}. Client::new() now reuses these credentials ({}).",
        client.environment(),
        client
            .credentials_file()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

fn logout(args: &Args) -> Result<ExitCode, Error> {
    let Some(client) = existing(args)? else {
        println!("No saved credentials to remove.");
        return Ok(ExitCode::SUCCESS);
    };
    if client.reset_credentials()? {
        println!("Removed the saved credentials for {}.", client.auth_url());
    } else {
        println!("No saved credentials for {}.", client.auth_url());
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks the desktop to open `url`; whether a browser could be started.
fn open_browser(url: &str) -> bool {
    use std::process::{Command, Stdio};
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if message.is_empty() {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match args.command.as_str() {
        "login" => login(&args),
        "status" => status(&args),
        "logout" => logout(&args),
        other => {
            eprintln!("error: unknown command {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            // `Debug` is the message and its causes.
            eprintln!("Error: {e:?}");
            ExitCode::FAILURE
        }
    }
}
