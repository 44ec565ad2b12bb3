//! [`ClientBuilder`]: every setting of a [`Client`], checked when it is built, and the
//! browser login that builds one for a machine without credentials.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::credentials::{self, CredentialSource, EnvLookup, Inputs, Resolved};
use crate::auth::{
    token_request_body, AccessToken, Auth, Secret, TokenSource, DEFAULT_OAUTH_SCOPE, TOKEN_PATH,
};
use crate::clock::{Clock, SystemClock};
use crate::error::{ConfigProblem, Error, Result};
use crate::http::retry::RetryPolicy;
use crate::http::transport::{Timeouts, Transport, TransportConfig};

use super::handle::{invalid_setting, Client, Inner};

/// The environment used when none is configured.
pub const DEFAULT_ENVIRONMENT: &str = "rapidata.ai";
/// The default number of parallel workers for uploads and datapoint creation.
pub const DEFAULT_MAX_WORKERS: usize = 25;

const ENV_ENVIRONMENT: &str = "RAPIDATA_ENVIRONMENT";
/// Explicit base URLs, overriding the ones derived from the environment (the builder's
/// `api_url`/`auth_url`/`app_url` override these in turn).
const ENV_API_URL: &str = "RAPIDATA_API_URL";
const ENV_AUTH_URL: &str = "RAPIDATA_AUTH_URL";
const ENV_APP_URL: &str = "RAPIDATA_APP_URL";
/// Case-sensitive, like the official SDK's `RAPIDATA_<fieldName>` overrides.
const ENV_MAX_WORKERS: &str = "RAPIDATA_maxWorkers";

impl Client {
    /// A client configured from the environment: the same as
    /// `Client::builder().build()`.
    ///
    /// Credentials come from `RAPIDATA_TOKEN_FILE`, `RAPIDATA_CLIENT_ID` /
    /// `RAPIDATA_CLIENT_SECRET` or `~/.config/rapidata/credentials.json` (see
    /// [`ClientBuilder`] for the full order); the environment from `RAPIDATA_ENVIRONMENT`,
    /// default `rapidata.ai`.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn new() -> Result<Client> {
        Client::builder().build()
    }

    /// A builder to configure credentials, environment, URLs, timeouts and retries.
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder()
    ///     .client_credentials("my-client-id", "my-client-secret")
    ///     .environment("rapidata.ai")
    ///     .build()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }
}

/// Configures and builds a [`Client`].
///
/// Every setting is optional. Credentials are looked for in this order (first match wins;
/// the official Python SDK's order):
///
/// 1. [`token`](ClientBuilder::token);
/// 2. [`token_file`](ClientBuilder::token_file), else the file named by
///    `RAPIDATA_TOKEN_FILE` — re-read whenever the token in memory has expired;
/// 3. [`client_credentials`](ClientBuilder::client_credentials);
/// 4. `RAPIDATA_CLIENT_ID` and `RAPIDATA_CLIENT_SECRET` (empty counts as unset);
/// 5. `credentials.json` in [`config_dir`](ClientBuilder::config_dir) (default
///    `$HOME/.config/rapidata`), the official SDK's credential store: the entry for the
///    auth URL, the one used last when there are several (its `last_used` is then set to
///    now; [`Client::save_credentials`] and [`Client::reset_credentials`] write the store).
///
/// When none gives credentials, [`build`](ClientBuilder::build) fails with
/// a [`ConfigError`](crate::error::ConfigError) of kind [`MissingCredentials`](crate::error::ConfigErrorKind::MissingCredentials), listing what was tried.
///
/// The environment is [`environment`](ClientBuilder::environment), else
/// `RAPIDATA_ENVIRONMENT`, else `rapidata.ai`; it sets the API (`https://api.<env>`), auth
/// (`https://auth.<env>`) and dashboard (`https://app.<env>`) URLs, each of which can be
/// overridden: by `RAPIDATA_API_URL`, `RAPIDATA_AUTH_URL` and `RAPIDATA_APP_URL` (an empty
/// value counts as unset), and above those by [`api_url`](ClientBuilder::api_url),
/// [`auth_url`](ClientBuilder::auth_url) and [`app_url`](ClientBuilder::app_url). Plain
/// `http://` is refused except for loopback hosts, wherever the URL comes from.
///
/// `Debug` output never shows the client secret or the token.
///
/// ```no_run
/// use std::time::Duration;
///
/// let client = rapidata::Client::builder()
///     .environment("rapidata.ai")
///     .timeout(Duration::from_secs(60))
///     .max_attempts(6)
///     .max_workers(8)
///     .build()?;
/// # Ok::<(), rapidata::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    token: Option<AccessToken>,
    token_file: Option<PathBuf>,
    client_credentials: Option<(String, Secret)>,
    config_dir: Option<PathBuf>,
    environment: Option<String>,
    api_url: Option<String>,
    auth_url: Option<String>,
    app_url: Option<String>,
    max_workers: Option<usize>,
    token_leeway: Duration,
    oauth_scope: String,
    quiet: bool,
    timeouts: Timeouts,
    policy: RetryPolicy,
    env: Option<EnvLookup>,
    /// PEM bundles from `add_root_certificate_pem`, parsed in `build`.
    root_certificates: Vec<Vec<u8>>,
    clock: Arc<dyn Clock>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> ClientBuilder {
        ClientBuilder {
            token: None,
            token_file: None,
            client_credentials: None,
            config_dir: None,
            environment: None,
            api_url: None,
            auth_url: None,
            app_url: None,
            max_workers: None,
            token_leeway: Duration::from_secs(60),
            oauth_scope: DEFAULT_OAUTH_SCOPE.to_owned(),
            quiet: false,
            timeouts: Timeouts::default(),
            policy: RetryPolicy::default(),
            env: None,
            root_certificates: Vec::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses this access token as it is (no token exchange, never refreshed).
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder().token("eyJhbGciOi...").build()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn token(mut self, token: impl Into<AccessToken>) -> ClientBuilder {
        self.token = Some(token.into());
        self
    }

    /// Reads the access token from this JSON file (as written by
    /// [`Client::write_token_file`]), and again whenever the token in memory has expired.
    /// Overrides `RAPIDATA_TOKEN_FILE`.
    pub fn token_file(mut self, path: impl Into<PathBuf>) -> ClientBuilder {
        self.token_file = Some(path.into());
        self
    }

    /// Authenticates with this client id and secret (an API key from the dashboard).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> ClientBuilder {
        self.client_credentials = Some((client_id.into(), Secret::new(client_secret)));
        self
    }

    /// The directory holding `credentials.json` (default `$HOME/.config/rapidata`).
    pub fn config_dir(mut self, dir: impl Into<PathBuf>) -> ClientBuilder {
        self.config_dir = Some(dir.into());
        self
    }

    /// The environment domain (default `RAPIDATA_ENVIRONMENT`, else `rapidata.ai`).
    pub fn environment(mut self, environment: impl Into<String>) -> ClientBuilder {
        self.environment = Some(environment.into());
        self
    }

    /// The API base URL (default `RAPIDATA_API_URL`, else `https://api.<environment>`).
    pub fn api_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.api_url = Some(url.into());
        self
    }

    /// The auth server base URL; tokens come from `<auth_url>/connect/token` (default
    /// `RAPIDATA_AUTH_URL`, else `https://auth.<environment>`). It is also the key of the
    /// credentials file's entries.
    pub fn auth_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.auth_url = Some(url.into());
        self
    }

    /// The dashboard base URL used for links (default `RAPIDATA_APP_URL`, else
    /// `https://app.<environment>`).
    pub fn app_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.app_url = Some(url.into());
        self
    }

    /// Parallel workers for bulk operations (default `RAPIDATA_maxWorkers`, else 25; at
    /// least 1).
    pub fn max_workers(mut self, workers: usize) -> ClientBuilder {
        self.max_workers = Some(workers);
        self
    }

    /// Obtain a new token when the current one expires within this margin (default
    /// 60 s).
    pub fn token_leeway(mut self, leeway: Duration) -> ClientBuilder {
        self.token_leeway = leeway;
        self
    }

    /// The scopes (space-separated) asked for when client credentials are exchanged for a
    /// token (default [`DEFAULT_OAUTH_SCOPE`](crate::DEFAULT_OAUTH_SCOPE),
    /// `openid email api`, the official SDK's). Not used with a token or token file.
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder().oauth_scope("openid api").build()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn oauth_scope(mut self, scope: impl Into<String>) -> ClientBuilder {
        self.oauth_scope = scope.into();
        self
    }

    /// Keeps the client from printing (default `false`). This crate prints in only two
    /// places, both meant for an interactive session:
    /// [`JobDefinition::preview`](crate::JobDefinition::preview) and
    /// [`Job::view`](crate::Job::view), which print their dashboard link on standard
    /// output. A quiet client's `preview()`/`view()` only return the link and log it at
    /// `info` level — for servers, daemons and programs whose standard output is data.
    /// (Progress bars are drawn only when asked for, and only on a terminal.)
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder().quiet(true).build()?;
    /// assert!(client.is_quiet());
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn quiet(mut self, quiet: bool) -> ClientBuilder {
        self.quiet = quiet;
        self
    }

    /// Time allowed to establish a connection, DNS and TLS included (default 15 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeouts.connect = timeout;
        self
    }

    /// Time allowed for the server to answer, and for any single read or write of the
    /// body to make progress (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeouts.io = timeout;
        self
    }

    /// The longest one HTTP exchange may take from start to end — connecting, sending the
    /// request (an upload's whole file included), waiting, and reading the whole answer
    /// (default 10 minutes). [`timeout`](ClientBuilder::timeout) bounds each wait for
    /// progress; this bounds the total, so a server that trickles its answer a byte at a
    /// time cannot hold a call forever. A missed deadline is an
    /// [`Error::Transport`] of kind
    /// [`Deadline`](crate::error::TransportErrorKind::Deadline) and is not retried, so one
    /// call takes at most about this long (plus earlier attempts that failed otherwise).
    ///
    /// The default leaves room for large files on slow links (with 25 parallel uploads a
    /// 20 MB video on a 20 Mbit/s uplink takes over three minutes); lower it for
    /// interactive use, raise it for bigger files.
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder()
    ///     .deadline(std::time::Duration::from_secs(30))
    ///     .build()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn deadline(mut self, deadline: Duration) -> ClientBuilder {
        self.timeouts.deadline = deadline;
        self
    }

    /// Attempts per request in total, the first included (default 4; at least 1). See
    /// [`crate::retry`] for what is retried, and what the default rides out.
    pub fn max_attempts(mut self, attempts: u32) -> ClientBuilder {
        self.policy.max_attempts = attempts;
        self
    }

    /// Base of the exponential backoff between attempts (default 0.5 s).
    pub fn backoff_base(mut self, base: Duration) -> ClientBuilder {
        self.policy.backoff_base = base;
        self
    }

    /// Largest backoff ceiling between attempts (default 30 s).
    pub fn backoff_max(mut self, max: Duration) -> ClientBuilder {
        self.policy.backoff_max = max;
        self
    }

    /// Longest `Retry-After` delay honoured; longer ones are cut to it (default 60 s).
    pub fn retry_after_cap(mut self, cap: Duration) -> ClientBuilder {
        self.policy.retry_after_cap = cap;
        self
    }

    /// Trusts the CA certificate(s) in this PEM text (e.g. mkcert's `rootCA.pem` for a
    /// development server, or a TLS-inspecting proxy's CA). May be called several times.
    ///
    /// Once any certificate is added, the client trusts **only** the added certificates,
    /// not the built-in Mozilla (webpki) roots, so give every CA the API and auth servers
    /// need. Certificate verification itself is always on: there is no option to turn it
    /// off.
    ///
    /// [`build`](ClientBuilder::build) fails with a [`ConfigError`](crate::error::ConfigError) of kind [`InvalidSetting`](crate::error::ConfigErrorKind::InvalidSetting)
    /// (`add_root_certificate_pem`) when the text is not PEM, holds no certificate, or a
    /// certificate is not DER-encoded.
    ///
    /// ```no_run
    /// let pem = std::fs::read("rootCA.pem")?;
    /// let client = rapidata::Client::builder()
    ///     .environment("rapidata.dev")
    ///     .add_root_certificate_pem(pem)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> ClientBuilder {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// The clock the client takes its pauses on and times its waits with; default
    /// [`SystemClock`], the real one.
    ///
    /// Every wait of the client goes through it: the backoff between retries, the pause
    /// between two polls of [`Job::wait`](crate::Job::wait) (and its timeout), of the cost
    /// estimates, preliminary results and the [browser login](Self::login_in_browser), and
    /// the pause before a create whose answer was lost is sent again. A test can pass a
    /// clock whose [`sleep`](Clock::sleep) only advances its [`now`](Clock::now): a
    /// ten-minute [`WaitOptions::timeout`](crate::job::WaitOptions::timeout) then passes in
    /// no real time, and the clock can count how long the client paused. (The timeouts of
    /// one HTTP exchange — [`connect_timeout`](Self::connect_timeout),
    /// [`timeout`](Self::timeout), [`deadline`](Self::deadline) — are the HTTP library's
    /// and run on real time.) See [`Clock`] for an example.
    pub fn clock(mut self, clock: impl Clock + 'static) -> ClientBuilder {
        self.clock = Arc::new(clock);
        self
    }

    /// Where environment variables (`RAPIDATA_*`, `HOME`) are read from; default the
    /// process environment. Useful to isolate a client from the environment:
    ///
    /// ```
    /// let err = rapidata::Client::builder()
    ///     .env_lookup(|_| None) // ignore the process environment
    ///     .config_dir("/nonexistent")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("no Rapidata credentials found"));
    /// ```
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> ClientBuilder {
        self.env = Some(Arc::new(lookup));
        self
    }

    /// Logs in through the browser, as the official SDK does on a machine without
    /// credentials, and builds a client with the result: a new client id and secret for
    /// this machine, created on the person's behalf and saved to the credentials file (see
    /// [`Client::save_credentials`]), so later [`Client::new`] calls — and the Python SDK —
    /// find them.
    ///
    /// `show_url` receives the page the person must open to log in
    /// (`https://auth.<env>/connect/authorize/external?…`): print it, open a browser on it,
    /// or both. The call then waits (polling the auth server every
    /// [`poll_interval`](crate::BrowserLogin::poll_interval)) until the login is done or
    /// [`timeout`](crate::BrowserLogin::timeout) has passed. Every setting of the builder
    /// (environment, URLs, timeouts, root certificates, config dir) applies; a
    /// [`token`](ClientBuilder::token) or [`token_file`](ClientBuilder::token_file) given
    /// to it is ignored.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] when nobody logged in in time; [`Error::Api`],
    /// [`Error::Transport`] or [`Error::Decode`] when the auth server refused or could not
    /// be reached; [`Error::Config`] or [`Error::Io`] from the settings or the credentials
    /// file.
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder()
    ///     .login_in_browser(&rapidata::BrowserLogin::new(), |url| {
    ///         eprintln!("Open this URL in your browser to log in to Rapidata:\n  {url}");
    ///     })?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn login_in_browser(
        mut self,
        login: &crate::BrowserLogin,
        show_url: impl FnOnce(&str),
    ) -> Result<Client> {
        use super::login;
        self.token = None;
        self.token_file = None;
        // A client with a placeholder token checks every setting and gives the transport;
        // it never sends the token.
        let probe = self
            .clone()
            .token(AccessToken::new("browser-login"))
            .build()?;
        let (transport, auth_url) = (probe.transport(), probe.auth_url());
        let bridge = login::create_bridge(transport, auth_url)?;
        show_url(&login::login_url(auth_url, &bridge));
        let person = login::wait_for_login(probe.clock(), transport, auth_url, &bridge, login)?;
        let name = login
            .display_name
            .clone()
            .unwrap_or_else(login::default_display_name);
        let (client_id, secret) = login::create_client(transport, auth_url, &person, &name)?;
        log::debug!("browser login created client {client_id} ({name:?})");
        let client = self
            .client_credentials(client_id, secret.expose())
            .build()?;
        client.save_credentials(&name)?;
        Ok(client)
    }

    /// Checks the settings, finds the credentials and builds the client. No network
    /// request is made; the first token is fetched with the first API call (or
    /// [`Client::get_token`]). A token file is read now, so a missing file fails here.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for missing or empty credentials, an invalid environment or URL,
    /// plain `http://` to a non-loopback host, a setting out of range, or a root certificate
    /// that does not parse; [`Error::Io`] or
    /// [`Error::Config`] for an unreadable token or credentials file.
    pub fn build(self) -> Result<Client> {
        let env = self.env.clone().unwrap_or_else(credentials::process_env);

        let environment = match &self.environment {
            Some(e) => e.clone(),
            None => credentials::env_value(&env, ENV_ENVIRONMENT)
                .unwrap_or_else(|| DEFAULT_ENVIRONMENT.to_owned()),
        };
        let environment = validate_environment(&environment)?;
        // The builder's URL, else the environment variable's, else derived from the
        // environment domain.
        let base = |setting: &'static str,
                    given: &Option<String>,
                    variable: &'static str,
                    host: &str| match given {
            Some(url) => validate_base_url(setting, url),
            None => match credentials::env_value(&env, variable) {
                Some(url) => validate_base_url(variable, &url),
                None => Ok(format!("https://{host}.{environment}")),
            },
        };
        let api_url = base("api_url", &self.api_url, ENV_API_URL, "api")?;
        let auth_url = base("auth_url", &self.auth_url, ENV_AUTH_URL, "auth")?;
        let app_url = base("app_url", &self.app_url, ENV_APP_URL, "app")?;

        let max_workers = match self.max_workers {
            Some(n) => n,
            None => match credentials::env_value(&env, ENV_MAX_WORKERS) {
                Some(v) => v.trim().parse::<usize>().map_err(|_| {
                    Error::from(ConfigProblem::InvalidSetting {
                        setting: ENV_MAX_WORKERS.to_owned(),
                        value: format!("{v:?}"),
                        reason: "must be a whole number of at least 1".to_owned(),
                    })
                })?,
                None => DEFAULT_MAX_WORKERS,
            },
        };
        if max_workers == 0 {
            return Err(invalid_setting("max_workers", 0, "must be at least 1"));
        }
        if max_workers > 200 {
            log::warn!("max_workers = {max_workers} is high; the API may rate-limit such bursts");
        }
        if self.policy.max_attempts == 0 {
            return Err(invalid_setting(
                "max_attempts",
                0,
                "must be at least 1 (1 = no retries)",
            ));
        }
        if self.timeouts.connect.is_zero() {
            return Err(invalid_setting(
                "connect_timeout",
                "0s",
                "must be longer than zero",
            ));
        }
        if self.timeouts.io.is_zero() {
            return Err(invalid_setting("timeout", "0s", "must be longer than zero"));
        }
        if self.timeouts.deadline.is_zero() {
            return Err(invalid_setting(
                "deadline",
                "0s",
                "must be longer than zero",
            ));
        }
        let mut policy = self.policy.clone();
        if policy.backoff_max < policy.backoff_base {
            policy.backoff_max = policy.backoff_base;
        }
        if self.oauth_scope.trim().is_empty() {
            return Err(invalid_setting(
                "oauth_scope",
                "empty",
                "must name at least one scope (default \"openid email api\")",
            ));
        }
        let root_certificates = crate::http::tls::parse_root_certificates(&self.root_certificates)?;
        // Empty credentials would only be refused by the server, after a request.
        if self
            .token
            .as_ref()
            .is_some_and(|t| t.secret().trim().is_empty())
        {
            return Err(invalid_setting("token", "empty", "must not be empty"));
        }
        if let Some((id, secret)) = &self.client_credentials {
            if id.trim().is_empty() {
                return Err(invalid_setting("client_id", "empty", "must not be empty"));
            }
            if secret.expose().trim().is_empty() {
                return Err(invalid_setting(
                    "client_secret",
                    "empty",
                    "must not be empty",
                ));
            }
        }

        let inputs = Inputs {
            token: self.token.as_ref(),
            token_file: self.token_file.as_deref(),
            client_credentials: self
                .client_credentials
                .as_ref()
                .map(|(id, secret)| (id.as_str(), secret)),
            config_dir: self.config_dir.as_deref(),
            auth_url: &auth_url,
            dashboard_url: &app_url,
            env: &env,
        };
        let (resolved, credential_source) = credentials::resolve(&inputs)?;
        let credentials_file = credentials::credentials_file_path(self.config_dir.as_deref(), &env);
        let default_config_dir = self.config_dir.is_none();
        if let CredentialSource::CredentialsFile {
            path, client_id, ..
        } = &credential_source
        {
            // As the SDK does: the entry used is marked `last_used`. Best effort: a
            // read-only home must not stop the client.
            if let Err(e) =
                credentials::touch_last_used(path, &auth_url, client_id, default_config_dir)
            {
                log::warn!("could not update last_used in {}: {e}", path.display());
            }
        }
        let auth = match resolved {
            Resolved::Token(t) => Auth::new(TokenSource::Static, self.token_leeway, Some(t)),
            Resolved::TokenFile(path) => {
                let first = AccessToken::read_file(&path)?;
                Auth::new(TokenSource::File(path), self.token_leeway, Some(first))
            }
            Resolved::ClientCredentials { client_id, secret } => Auth::new(
                TokenSource::ClientCredentials {
                    token_url: format!("{auth_url}{TOKEN_PATH}"),
                    client_id,
                    secret,
                    body: token_request_body(&self.oauth_scope),
                },
                self.token_leeway,
                None,
            ),
        };
        log::debug!(
            "rapidata client for {environment} ({api_url}); credentials: {credential_source}"
        );
        warn_if_wire_dump_logged();

        Ok(Client {
            inner: Arc::new(Inner {
                environment,
                api_url,
                auth_url,
                app_url,
                max_workers,
                credential_source,
                credentials_file,
                default_config_dir,
                token_leeway: self.token_leeway,
                quiet: self.quiet,
                timeouts: self.timeouts,
                transport: Transport::new(TransportConfig {
                    timeouts: self.timeouts,
                    policy,
                    root_certs: &root_certificates,
                    clock: Arc::clone(&self.clock),
                }),
                auth,
                asset_cache: crate::asset::AssetCache::default(),
                clock: self.clock,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("token_file", &self.token_file)
            .field(
                "client_credentials",
                &self
                    .client_credentials
                    .as_ref()
                    .map(|(id, secret)| (id, secret)),
            )
            .field("config_dir", &self.config_dir)
            .field("environment", &self.environment)
            .field("api_url", &self.api_url)
            .field("auth_url", &self.auth_url)
            .field("app_url", &self.app_url)
            .field("max_workers", &self.max_workers)
            .field("token_leeway", &self.token_leeway)
            .field("oauth_scope", &self.oauth_scope)
            .field("quiet", &self.quiet)
            .field("connect_timeout", &self.timeouts.connect)
            .field("timeout", &self.timeouts.io)
            .field("deadline", &self.timeouts.deadline)
            .field("retry_policy", &self.policy)
            .field("root_certificates", &self.root_certificates.len())
            .field("clock", &self.clock)
            .field(
                "env_lookup",
                &if self.env.is_some() {
                    "custom"
                } else {
                    "process environment"
                },
            )
            .finish()
    }
}

/// `ureq_proto` (the HTTP library's protocol crate) hex-dumps every byte sent and received
/// at `trace` level, `Authorization` headers and token responses included, and offers no
/// switch to stop it. Warns once per process when the installed logger would record it.
fn warn_if_wire_dump_logged() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let dump = log::Metadata::builder()
        .level(log::Level::Trace)
        .target("ureq_proto::util")
        .build();
    if log::max_level() >= log::LevelFilter::Trace && log::logger().enabled(&dump) {
        WARNED.call_once(|| {
            log::warn!(
                "trace logging is on for `ureq_proto`, which records raw HTTP traffic \
                 including access tokens and client credentials; set it to `debug` or lower \
                 (e.g. RUST_LOG=trace,ureq_proto=debug) wherever logs are kept"
            )
        });
    }
}

/// Checks an environment domain such as `rapidata.ai`.
fn validate_environment(value: &str) -> Result<String> {
    let env = value.trim().to_ascii_lowercase();
    let invalid = |reason: &str| {
        Error::from(ConfigProblem::InvalidEnvironment {
            value: value.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if env.is_empty() {
        return Err(invalid("it is empty"));
    }
    if env.contains("://") || env.contains('/') {
        return Err(invalid("give the bare domain, not a URL"));
    }
    if !env
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(invalid("only letters, digits, `-` and `.` are allowed"));
    }
    if env.starts_with(['.', '-']) || env.ends_with(['.', '-']) || env.contains("..") {
        return Err(invalid("it is not a valid domain name"));
    }
    Ok(env)
}

/// Checks a base URL: `https://`, or `http://` to a loopback host; no user info, query or
/// fragment. Returns it without trailing slashes.
fn validate_base_url(setting: &'static str, url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let invalid = |shown: &str, reason: &str| {
        Error::from(ConfigProblem::InvalidUrl {
            setting,
            url: shown.to_owned(),
            reason: reason.to_owned(),
        })
    };
    let uri: ureq::http::Uri = trimmed
        .parse()
        .map_err(|_| invalid(trimmed, "not a valid URL"))?;
    let Some(authority) = uri.authority() else {
        return Err(invalid(
            trimmed,
            "it has no host (expected e.g. https://api.rapidata.ai)",
        ));
    };
    if authority.as_str().contains('@') {
        // Do not echo user info: it may hold a password.
        return Err(invalid(
            &format!(
                "{}://…@{}",
                uri.scheme_str().unwrap_or("?"),
                authority.host()
            ),
            "credentials in the URL are not supported",
        ));
    }
    if uri.query().is_some() || trimmed.contains('#') {
        return Err(invalid(
            trimmed,
            "a base URL cannot have a query or fragment",
        ));
    }
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => {}
        Some(s) if s.eq_ignore_ascii_case("http") => {
            if !is_loopback_host(authority.host()) {
                return Err(ConfigProblem::InsecureUrl {
                    setting,
                    url: trimmed.to_owned(),
                }
                .into());
            }
        }
        _ => return Err(invalid(trimmed, "the scheme must be https://")),
    }
    Ok(trimmed.to_owned())
}

/// `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ConfigErrorKind;

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            validate_base_url("api_url", "https://api.example.com/").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            validate_base_url("api_url", "http://127.0.0.1:8080//").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(validate_base_url("api_url", "http://[::1]:1").is_ok());
        assert!(validate_base_url("api_url", "http://localhost:1/prefix").is_ok());
        assert!(validate_base_url("api_url", "http://127.1.2.3").is_ok());
        let insecure = validate_base_url("api_url", "http://example.com").unwrap_err();
        assert!(matches!(
            insecure,
            Error::Config(ref c) if c.kind() == ConfigErrorKind::InsecureUrl
        ));
        assert!(validate_base_url("api_url", "http://128.0.0.1").is_err());
        assert!(validate_base_url("api_url", "ftp://example.com").is_err());
        assert!(validate_base_url("api_url", "example.com").is_err());
        let with_user = validate_base_url("api_url", "https://u:pw@example.com").unwrap_err();
        assert!(!with_user.to_string().contains("pw"));
    }

    #[test]
    fn client_and_builder_are_thread_safe() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<Client>();
        assert_send_sync::<ClientBuilder>();
    }

    #[test]
    fn environments_must_be_domains() {
        assert_eq!(
            validate_environment(" Rapidata.AI ").unwrap(),
            "rapidata.ai"
        );
        assert!(validate_environment("https://rapidata.ai").is_err());
        assert!(validate_environment("").is_err());
        assert!(validate_environment("a..b").is_err());
        assert!(validate_environment("rapi data.ai").is_err());
    }
}
