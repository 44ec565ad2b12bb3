//! [`Client`] and [`ClientBuilder`]: credentials, environment, and sending operations.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::credentials::{self, CredentialSource, EnvLookup, Inputs, Resolved};
use crate::auth::{
    token_request_body, AccessToken, Auth, Secret, TokenSource, DEFAULT_OAUTH_SCOPE, TOKEN_PATH,
};
use crate::error::{
    ApiError, ConfigProblem, Error, OperationInfo, RedirectError, ResponseDecodeError, Result,
    TransportError,
};
use crate::request::{encode_query, Operation, RequestBody};
use crate::retry::{RetryMode, RetryPolicy};
use crate::transport::{HttpRequest, Outcome, Payload, Timeouts, Transport, X_CLIENT};

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
/// `RUST_LOG=trace,ureq_proto=debug`). [`ClientBuilder::build`] logs a warning when the
/// installed logger has it on.
///
/// # TLS
///
/// Certificates are always verified; no setting turns verification off. A private CA (a
/// development server, a TLS-inspecting proxy) is trusted only when given explicitly with
/// [`ClientBuilder::add_root_certificate_pem`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    environment: String,
    api_url: String,
    auth_url: String,
    app_url: String,
    max_workers: usize,
    credential_source: CredentialSource,
    /// `<config dir>/credentials.json` (`None` without a config dir and a home).
    credentials_file: Option<PathBuf>,
    /// Whether that is the default folder (`~/.config/rapidata`), which may be set 0700.
    default_config_dir: bool,
    token_leeway: Duration,
    quiet: bool,
    timeouts: Timeouts,
    transport: Transport,
    auth: Auth,
    /// Uploaded assets (item → server file name), shared by clones of the client.
    asset_cache: crate::asset::AssetCache,
}

/// Options for one [`Client::send_with`] call.
///
/// ```
/// use rapidata::{RetryMode, SendOptions};
///
/// // This create-operation is deduplicated server-side, so repeating it is safe.
/// let options = SendOptions::new().retry_mode(RetryMode::Always).max_attempts(6);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendOptions {
    retry_mode: RetryMode,
    max_attempts: Option<u32>,
}

impl SendOptions {
    /// The defaults: [`RetryMode::Auto`] and the client's attempt limit.
    pub fn new() -> SendOptions {
        SendOptions::default()
    }

    /// Which failures may be retried; see [`RetryMode`].
    pub fn retry_mode(mut self, mode: RetryMode) -> SendOptions {
        self.retry_mode = mode;
        self
    }

    /// Attempts in total for this call (at least 1), instead of the client's
    /// [`RetryPolicy::max_attempts`].
    pub fn max_attempts(mut self, attempts: u32) -> SendOptions {
        self.max_attempts = Some(attempts.max(1));
        self
    }
}

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
    /// `info` level) instead of printing it. See [`ClientBuilder::quiet`].
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
    /// [`ClientBuilder::token_file`] without holding the client secret. The file is
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

    /// Sends an API operation and decodes its success response.
    ///
    /// The request goes to [`api_url`](Client::api_url) + the operation's path and query,
    /// with `Authorization: Bearer …`, `X-Client: RapidataRustSDK/<version>` and the
    /// operation's `Accept` header; JSON bodies as `application/json`, multipart bodies
    /// streamed from disk. Transient failures are retried per the
    /// [retry policy](crate::retry) in [`RetryMode::Auto`]; a 401 answer causes one token
    /// refresh and one more try.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer (match on [`Error::status`] for "not ready"
    /// answers such as 404 or 409), [`Error::Transport`] when no response arrived,
    /// [`Error::Decode`] when the body does not fit `O::Output`, [`Error::Auth`] when no
    /// token could be obtained.
    ///
    /// ```no_run
    /// use rapidata::request::{decode_json, DecodeError, Method, Operation};
    ///
    /// /// A hand-written operation; generated ones look the same.
    /// struct GetAudience { id: String }
    ///
    /// impl Operation for GetAudience {
    ///     type Output = serde_json::Value;
    ///     const ID: &'static str = "get_audience";
    ///     const METHOD: Method = Method::Get;
    ///     const PATH_TEMPLATE: &'static str = "/audience/{audienceId}";
    ///     fn path(&self) -> String {
    ///         format!("/audience/{}", rapidata::request::encode_path_segment(&self.id))
    ///     }
    ///     fn decode(bytes: &[u8]) -> Result<Self::Output, DecodeError> {
    ///         decode_json(bytes)
    ///     }
    /// }
    ///
    /// let client = rapidata::Client::new()?;
    /// match client.send(&GetAudience { id: "aud_123".into() }) {
    ///     Ok(audience) => println!("{audience}"),
    ///     Err(e) if e.status() == Some(404) => println!("no such audience"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send<O: Operation>(&self, op: &O) -> Result<O::Output> {
        self.send_with(op, SendOptions::default())
    }

    /// [`send`](Client::send) with per-call options: the [`RetryMode`] and the attempt
    /// limit.
    ///
    /// ```no_run
    /// # use rapidata::request::{decode_empty, DecodeError, Method, Operation};
    /// # struct CreateThing;
    /// # impl Operation for CreateThing {
    /// #     type Output = ();
    /// #     const ID: &'static str = "create_thing";
    /// #     const METHOD: Method = Method::Post;
    /// #     const PATH_TEMPLATE: &'static str = "/thing";
    /// #     fn path(&self) -> String { "/thing".into() }
    /// #     fn decode(b: &[u8]) -> Result<(), DecodeError> { decode_empty(b) }
    /// # }
    /// use rapidata::{RetryMode, SendOptions};
    ///
    /// let client = rapidata::Client::new()?;
    /// match client.send_with(&CreateThing, SendOptions::new().retry_mode(RetryMode::Auto)) {
    ///     Err(e) if e.may_have_been_processed() => {
    ///         // Look up whether the thing exists before creating it again.
    ///     }
    ///     other => other?,
    /// }
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn send_with<O: Operation>(&self, op: &O, options: SendOptions) -> Result<O::Output> {
        let inner = &*self.inner;
        let path = op.path();
        if let Some(parameter) = empty_path_parameter(O::PATH_TEMPLATE, &path) {
            // `GET /job/` instead of `GET /job/{jobId}`: refused before any request.
            return Err(Error::invalid_input(
                parameter,
                "",
                format!(
                    "must not be empty (a path parameter of {} {})",
                    O::METHOD,
                    O::PATH_TEMPLATE
                ),
            ));
        }
        let info = OperationInfo::new(O::ID, O::METHOD, path.clone());
        let mut url = String::with_capacity(inner.api_url.len() + path.len());
        url.push_str(&inner.api_url);
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(&path);
        let query = op.query();
        if !query.is_empty() {
            url.push('?');
            url.push_str(&encode_query(&query));
        }
        let body = op.body();
        let extra_headers = op.headers();
        for (name, value) in &extra_headers {
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if name.is_empty() || !name.bytes().all(token) {
                return Err(Error::invalid_input(
                    "header name",
                    name,
                    "must be letters, digits and `-` (an HTTP token)",
                ));
            }
            if !value
                .bytes()
                .all(|b| b == b'\t' || (0x20..=0x7e).contains(&b))
            {
                return Err(Error::invalid_input(
                    *name,
                    value,
                    "a header value must be visible ASCII: no line breaks or other control characters, no non-ASCII text",
                ));
            }
        }
        let max_attempts = options
            .max_attempts
            .unwrap_or(inner.transport.policy.max_attempts);

        let mut token = inner.auth.token(&inner.transport)?;
        let mut attempts = 0u32;
        let mut refreshed = false;
        loop {
            let payload = match &body {
                RequestBody::Empty => Payload::Empty,
                RequestBody::Json(bytes) => Payload::Bytes {
                    content_type: "application/json",
                    bytes,
                },
                RequestBody::Multipart(parts) => Payload::Multipart(parts),
            };
            // Carries the token: never logged.
            let mut headers = vec![
                ("authorization", format!("Bearer {}", token.secret())),
                ("x-client", X_CLIENT.to_owned()),
                ("accept", O::ACCEPT.to_owned()),
            ];
            headers.extend(extra_headers.iter().cloned());
            let request = HttpRequest {
                method: O::METHOD,
                url: &url,
                headers,
                payload,
                max_body: O::MAX_RESPONSE_BYTES,
            };
            let (outcome, n) =
                inner
                    .transport
                    .run(&info, options.retry_mode, max_attempts, || {
                        inner.transport.execute(&request)
                    })?;
            attempts += n;
            let resp = match outcome {
                Outcome::Response(resp) => resp,
                Outcome::Failed(e, class) => {
                    return Err(TransportError::new(
                        info,
                        class.kind,
                        class.sent,
                        class.retryable,
                        attempts,
                        e,
                    )
                    .into())
                }
            };
            if resp.is_redirect() {
                let location = resp.location.map(|l| {
                    String::from_utf8_lossy(&crate::auth::redact_bytes(
                        l.as_bytes(),
                        token.secret(),
                    ))
                    .into_owned()
                });
                return Err(RedirectError::new(info, resp.status, location, attempts).into());
            }
            if resp.is_success() {
                return O::decode(&resp.body).map_err(|e| {
                    ResponseDecodeError::new(
                        info.clone(),
                        resp.status,
                        resp.trace_id.clone(),
                        attempts,
                        e,
                    )
                    .into()
                });
            }
            if resp.status == 401 && !refreshed {
                refreshed = true;
                if let Some(fresh) = inner.auth.replace_rejected(&token, &inner.transport)? {
                    log::debug!(
                        "{} {}: HTTP 401, retrying once with a new access token",
                        info.method(),
                        info.path()
                    );
                    token = fresh;
                    continue;
                }
            }
            // A server may echo the request's `Authorization` header in its error body.
            let body = crate::auth::redact_bytes(&resp.body, token.secret());
            return Err(ApiError::new(
                info,
                resp.status,
                resp.trace_id,
                &body,
                resp.retry_after,
                attempts,
            )
            .into());
        }
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
            .finish_non_exhaustive()
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
        use crate::login;
        self.token = None;
        self.token_file = None;
        // A client with a placeholder token checks every setting and gives the transport;
        // it never sends the token.
        let probe = self
            .clone()
            .token(AccessToken::new("browser-login"))
            .build()?;
        let (transport, auth_url) = (&probe.inner.transport, probe.inner.auth_url.as_str());
        let bridge = login::create_bridge(transport, auth_url)?;
        show_url(&login::login_url(auth_url, &bridge));
        let person = login::wait_for_login(transport, auth_url, &bridge, login)?;
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
        let root_certificates = parse_root_certificates(&self.root_certificates)?;
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
                transport: Transport::new(self.timeouts, policy, &root_certificates),
                auth,
                asset_cache: crate::asset::AssetCache::default(),
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

fn invalid_setting(setting: &str, value: impl fmt::Display, reason: &str) -> Error {
    ConfigProblem::InvalidSetting {
        setting: setting.to_owned(),
        value: value.to_string(),
        reason: reason.to_owned(),
    }
    .into()
}

/// Parses the PEM bundles given to [`ClientBuilder::add_root_certificate_pem`]: each must
/// parse and hold at least one certificate, and every certificate must be a DER sequence.
fn parse_root_certificates(bundles: &[Vec<u8>]) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    use ureq::tls::PemItem;
    let mut certificates = Vec::new();
    for pem in bundles {
        let invalid = |reason: &str| {
            invalid_setting(
                "add_root_certificate_pem",
                format_args!("{} bytes", pem.len()),
                reason,
            )
        };
        let before = certificates.len();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(cert)) => {
                    if !is_der_sequence(cert.der()) {
                        return Err(invalid("a certificate in it is not DER-encoded X.509"));
                    }
                    certificates.push(cert);
                }
                Ok(_) => {}
                Err(_) => return Err(invalid("not valid PEM")),
            }
        }
        if certificates.len() == before {
            return Err(invalid(
                "holds no certificate (expected `-----BEGIN CERTIFICATE-----` blocks)",
            ));
        }
    }
    Ok(certificates)
}

/// Whether `der` is exactly one DER `SEQUENCE` (an X.509 certificate's outer shape).
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, body) = if first & 0x80 == 0 {
        (usize::from(*first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return false;
        }
        let (len_bytes, body) = rest.split_at(n);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, body)
    };
    len == body.len()
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

/// The name of a path parameter that `path` (rendered from `template`) leaves empty, as in
/// `/job/` from `/job/{jobId}`. Path segments are percent-encoded, so a parameter is
/// always exactly one segment.
fn empty_path_parameter<'t>(template: &'t str, path: &str) -> Option<&'t str> {
    let template_segments = template.split('/');
    let path_segments = path.split('/');
    if template_segments.clone().count() != path_segments.clone().count() {
        return None;
    }
    template_segments.zip(path_segments).find_map(|(t, p)| {
        match t.strip_prefix('{')?.strip_suffix('}') {
            Some(name) if p.is_empty() => Some(name),
            _ => None,
        }
    })
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
    fn empty_path_parameters_are_found() {
        assert_eq!(empty_path_parameter("/job/{jobId}", "/job/"), Some("jobId"));
        assert_eq!(
            empty_path_parameter("/job/{jobId}/progress", "/job//progress"),
            Some("jobId")
        );
        assert_eq!(empty_path_parameter("/job/{jobId}", "/job/j1"), None);
        assert_eq!(empty_path_parameter("/jobs", "/jobs"), None);
        assert_eq!(empty_path_parameter("/job/{jobId}", "/other"), None);
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
