//! [`Client`]: what a built client holds and tells (URLs, credentials, token, retry
//! policy, clock). It is built by [`ClientBuilder`](crate::ClientBuilder) and sends with
//! [`Client::send`] (`send.rs`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::credentials::{self, CredentialSource};
use crate::auth::{AccessToken, Auth};
use crate::clock::Clock;
use crate::error::{ConfigProblem, Error, Result};
use crate::http::retry::RetryPolicy;
use crate::http::transport::{Timeouts, Transport};

/// A connection to the Rapidata API.
///
/// Cheap to clone (an `Arc` inside) and safe to share between threads; clones share the
/// connection pool and the cached access token. Build one with [`Client::new`] (credentials
/// and environment from the environment variables or the credentials file) or
/// [`Client::builder`].
///
/// Every API call goes through [`send`](Client::send), which executes any generated
/// operation from [`crate::api::operations`] with authentication, retries and error
/// mapping.
///
/// ```no_run
/// let client = rapidata::Client::new()?;
/// println!("talking to {}", client.api_url());
/// # Ok::<(), rapidata::Error>(())
/// ```
///
/// # Logging
///
/// Through the `log` facade: every attempt at `debug` level (method, path, status,
/// duration, attempt number), every retry at `warn` level. Headers, tokens and secrets are
/// never logged by this crate.
///
/// **Caveat outside this crate:** at `trace` level the HTTP library's protocol crate
/// (target `ureq_proto`) hex-dumps every byte sent and received: the `Authorization`
/// header (bearer token, or the base64 of `client_id:client_secret` on token requests) and
/// the token endpoint's response (the access token). ureq offers no switch for this, so
/// keep `trace` off for `ureq_proto` wherever logs are kept (for `env_logger`, e.g.
/// `RUST_LOG=trace,ureq_proto=debug`). [`ClientBuilder::build`](crate::ClientBuilder::build) logs a warning when the
/// installed logger has it on.
///
/// # TLS
///
/// Certificates are always verified; no setting turns verification off. A private CA (a
/// development server, a TLS-inspecting proxy) is trusted only when given explicitly with
/// [`ClientBuilder::add_root_certificate_pem`](crate::ClientBuilder::add_root_certificate_pem).
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

/// What clones of a [`Client`] share; built by `ClientBuilder::build`.
pub(super) struct Inner {
    pub(super) environment: String,
    pub(super) api_url: String,
    pub(super) auth_url: String,
    pub(super) app_url: String,
    pub(super) max_workers: usize,
    pub(super) credential_source: CredentialSource,
    /// `<config dir>/credentials.json` (`None` without a config dir and a home).
    pub(super) credentials_file: Option<PathBuf>,
    /// Whether that is the default folder (`~/.config/rapidata`), which may be set 0700.
    pub(super) default_config_dir: bool,
    pub(super) token_leeway: Duration,
    pub(super) quiet: bool,
    pub(super) timeouts: Timeouts,
    pub(super) transport: Transport,
    pub(super) auth: Auth,
    /// Uploaded assets (item → server file name), shared by clones of the client.
    pub(super) asset_cache: crate::asset::AssetCache,
    /// Every pause and every timed wait of the client (the transport holds it too).
    pub(super) clock: Arc<dyn Clock>,
}

impl Client {
    /// The environment domain, e.g. `rapidata.ai`.
    pub fn environment(&self) -> &str {
        &self.inner.environment
    }

    /// The API base URL without trailing slash, e.g. `https://api.rapidata.ai`.
    pub fn api_url(&self) -> &str {
        &self.inner.api_url
    }

    /// The auth server base URL without trailing slash, e.g. `https://auth.rapidata.ai`.
    pub fn auth_url(&self) -> &str {
        &self.inner.auth_url
    }

    /// The dashboard base URL without trailing slash, e.g. `https://app.rapidata.ai`.
    pub fn app_url(&self) -> &str {
        &self.inner.app_url
    }

    /// How many parallel workers bulk operations (uploads, datapoint creation) may use.
    pub fn max_workers(&self) -> usize {
        self.inner.max_workers
    }

    /// Whether the client is quiet: [`JobDefinition::preview`](crate::JobDefinition::preview)
    /// and [`Job::view`](crate::Job::view) then only return their link (and log it at
    /// `info` level) instead of printing it. See [`ClientBuilder::quiet`](crate::ClientBuilder::quiet).
    pub fn is_quiet(&self) -> bool {
        self.inner.quiet
    }

    /// Shows a line meant for the person at the terminal: on standard output, or only in
    /// the log (`info`) when the client is quiet.
    pub(crate) fn announce(&self, line: fmt::Arguments<'_>) {
        if self.inner.quiet {
            log::info!("{line}");
        } else {
            println!("{line}");
        }
    }

    /// The per-client upload cache (see [`crate::asset`]).
    pub(crate) fn asset_cache(&self) -> &crate::asset::AssetCache {
        &self.inner.asset_cache
    }

    /// Where the credentials came from.
    pub fn credential_source(&self) -> &CredentialSource {
        &self.inner.credential_source
    }

    /// The credentials file this client reads and writes
    /// (`<config dir>/credentials.json`, default `~/.config/rapidata/credentials.json`),
    /// whether or not it exists; `None` when there is no config dir and no home directory.
    pub fn credentials_file(&self) -> Option<&Path> {
        self.inner.credentials_file.as_deref()
    }

    /// Saves this client's client credentials to the credentials file, in the official
    /// Python SDK's format, so that later `Client::new()` calls (and the Python SDK) on this
    /// machine find them: under the auth URL (`https://auth.<env>`), an entry with
    /// `display_name`, `client_id`, `client_secret`, `endpoint`, `created_at` and
    /// `last_used`. An entry with the same client id is updated instead of repeated.
    /// Other entries and members are kept.
    ///
    /// The file is written atomically (a temporary file in the same folder, then a rename),
    /// readable only by its owner (0600) in a folder only its owner may enter (0700; a
    /// missing folder is created so; the default folder is also tightened, as the SDK
    /// does). Returns the file's path.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the client has no client credentials (built from a token
    /// or token file) or `display_name` is blank; [`Error::Config`] when there is no config
    /// dir, or the existing file is not valid JSON (it is then left alone); [`Error::Io`]
    /// when it cannot be read or written.
    ///
    /// ```no_run
    /// let client = rapidata::Client::builder()
    ///     .client_credentials("my-client-id", "my-client-secret")
    ///     .build()?;
    /// let path = client.save_credentials("my laptop - Rust client")?;
    /// // From now on, on this machine:
    /// let client = rapidata::Client::new()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn save_credentials(&self, display_name: &str) -> Result<PathBuf> {
        let Some((client_id, secret)) = self.inner.auth.client_credentials() else {
            return Err(Error::invalid_input(
                "client",
                format_args!("{}", self.inner.credential_source),
                "only client credentials (client id and secret) can be saved, not an access                  token",
            ));
        };
        if display_name.trim().is_empty() {
            return Err(Error::invalid_input(
                "display_name",
                display_name,
                "must not be empty",
            ));
        }
        let path = self.require_credentials_file()?;
        credentials::save(
            &path,
            &self.inner.auth_url,
            client_id,
            secret,
            display_name,
            self.inner.default_config_dir,
        )?;
        Ok(path)
    }

    /// Removes the credentials stored for this client's auth URL from the credentials
    /// file (the official SDK's `reset_credentials`: every entry under that URL), keeping
    /// those of other environments. Returns whether there were any; a missing file is
    /// `Ok(false)`. The client itself keeps working with the credentials it has.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// if client.reset_credentials()? {
    ///     println!("logged out of {}", client.environment());
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn reset_credentials(&self) -> Result<bool> {
        let path = self.require_credentials_file()?;
        credentials::remove(&path, &self.inner.auth_url, self.inner.default_config_dir)
    }

    fn require_credentials_file(&self) -> Result<PathBuf> {
        self.inner.credentials_file.clone().ok_or_else(|| {
            invalid_setting(
                "config_dir",
                "none",
                "no credentials file: HOME is not set; give ClientBuilder::config_dir",
            )
        })
    }

    /// The clock every pause and timed wait of this client goes through (see
    /// [`ClientBuilder::clock`](crate::ClientBuilder::clock)).
    pub(crate) fn clock(&self) -> &dyn Clock {
        &*self.inner.clock
    }

    /// The transport, for requests outside the API (the auth server's login endpoints).
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The retry limits and delays.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.transport.policy
    }

    /// A valid access token: the cached one, or a new one (client credentials exchanged
    /// at the token endpoint, or the token file re-read) when it expires within the
    /// leeway. Concurrent callers share one token request.
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// let token = client.get_token()?;
    /// println!("{token:?}"); // AccessToken(***, expires_at=…)
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn get_token(&self) -> Result<AccessToken> {
        self.inner.auth.token(&self.inner.transport)
    }

    /// Replaces the cached access token. With client credentials or a token file, a new
    /// token is still obtained once this one expires.
    pub fn set_token(&self, token: AccessToken) {
        self.inner.auth.set(token);
    }

    /// Writes the current access token (obtaining one if needed) to `path` as JSON, so
    /// other processes can use it through `RAPIDATA_TOKEN_FILE` or
    /// [`ClientBuilder::token_file`](crate::ClientBuilder::token_file) without holding the client secret. The file is
    /// written atomically and readable only by its owner; see [`AccessToken::write_file`].
    ///
    /// ```no_run
    /// let client = rapidata::Client::new()?;
    /// client.write_token_file("/tmp/rapidata/token.json")?;
    /// // In a worker process:
    /// let worker = rapidata::Client::builder().token_file("/tmp/rapidata/token.json").build()?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn write_token_file(&self, path: impl AsRef<Path>) -> Result<()> {
        self.get_token()?.write_file(path)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        f.debug_struct("Client")
            .field("environment", &i.environment)
            .field("api_url", &i.api_url)
            .field("auth_url", &i.auth_url)
            .field("app_url", &i.app_url)
            .field("credentials", &format_args!("{}", i.credential_source))
            .field("max_workers", &i.max_workers)
            .field("token_leeway", &i.token_leeway)
            .field("quiet", &i.quiet)
            .field("connect_timeout", &i.timeouts.connect)
            .field("timeout", &i.timeouts.io)
            .field("deadline", &i.timeouts.deadline)
            .field("retry_policy", &i.transport.policy)
            .field("clock", &i.clock)
            .finish_non_exhaustive()
    }
}

/// The [`Error::Config`] for a setting whose value is refused, and why.
pub(super) fn invalid_setting(setting: &str, value: impl fmt::Display, reason: &str) -> Error {
    ConfigProblem::InvalidSetting {
        setting: setting.to_owned(),
        value: value.to_string(),
        reason: reason.to_owned(),
    }
    .into()
}
