//! A misconfigured client.

use std::fmt;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// ConfigError

/// The client is misconfigured: which way is [`kind`](ConfigError::kind), the details
/// come through the accessors.
///
/// ```
/// use rapidata::error::ConfigErrorKind;
/// let err = rapidata::Client::builder()
///     .api_url("http://api.example.com")
///     .token("t")
///     .build()
///     .unwrap_err();
/// let rapidata::Error::Config(config) = &err else { panic!("{err:?}") };
/// assert_eq!(config.kind(), ConfigErrorKind::InsecureUrl);
/// assert_eq!(config.setting(), Some("api_url"));
/// assert_eq!(config.value(), Some("http://api.example.com"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(ConfigProblem);

/// The ways a client can be misconfigured ([`ConfigError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// No credentials were found in any of the places looked at
    /// ([`tried`](ConfigError::tried) lists them).
    MissingCredentials,
    /// The environment name is not a domain like `rapidata.ai`.
    InvalidEnvironment,
    /// A plain `http://` URL to a host that is not loopback.
    InsecureUrl,
    /// A URL that cannot be used as a base URL.
    InvalidUrl,
    /// A builder setting or environment variable with a value that cannot be used.
    InvalidSetting,
    /// The credentials file exists but cannot be used.
    InvalidCredentialsFile,
    /// The token file exists but does not hold a token.
    InvalidTokenFile,
}

impl ConfigError {
    /// Which way the client is misconfigured.
    pub fn kind(&self) -> ConfigErrorKind {
        match &self.0 {
            ConfigProblem::MissingCredentials { .. } => ConfigErrorKind::MissingCredentials,
            ConfigProblem::InvalidEnvironment { .. } => ConfigErrorKind::InvalidEnvironment,
            ConfigProblem::InsecureUrl { .. } => ConfigErrorKind::InsecureUrl,
            ConfigProblem::InvalidUrl { .. } => ConfigErrorKind::InvalidUrl,
            ConfigProblem::InvalidSetting { .. } => ConfigErrorKind::InvalidSetting,
            ConfigProblem::InvalidCredentialsFile { .. } => ConfigErrorKind::InvalidCredentialsFile,
            ConfigProblem::InvalidTokenFile { .. } => ConfigErrorKind::InvalidTokenFile,
        }
    }

    /// The builder setting (`api_url`, `max_workers`, …) or environment variable
    /// (`RAPIDATA_API_URL`, …) that gave the rejected value, for
    /// [`InsecureUrl`](ConfigErrorKind::InsecureUrl),
    /// [`InvalidUrl`](ConfigErrorKind::InvalidUrl) and
    /// [`InvalidSetting`](ConfigErrorKind::InvalidSetting).
    pub fn setting(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::InsecureUrl { setting, .. }
            | ConfigProblem::InvalidUrl { setting, .. } => Some(setting),
            ConfigProblem::InvalidSetting { setting, .. } => Some(setting),
            _ => None,
        }
    }

    /// The rejected value: the environment name, the URL (user info removed) or the
    /// setting's value.
    pub fn value(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::InvalidEnvironment { value, .. }
            | ConfigProblem::InvalidSetting { value, .. } => Some(value),
            ConfigProblem::InsecureUrl { url, .. } | ConfigProblem::InvalidUrl { url, .. } => {
                Some(url)
            }
            _ => None,
        }
    }

    /// Why the value or file was rejected, when there is more to say than the kind.
    pub fn reason(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::InvalidEnvironment { reason, .. }
            | ConfigProblem::InvalidUrl { reason, .. }
            | ConfigProblem::InvalidSetting { reason, .. }
            | ConfigProblem::InvalidCredentialsFile { reason, .. }
            | ConfigProblem::InvalidTokenFile { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The credentials or token file that cannot be used.
    pub fn path(&self) -> Option<&Path> {
        match &self.0 {
            ConfigProblem::InvalidCredentialsFile { path, .. }
            | ConfigProblem::InvalidTokenFile { path, .. } => Some(path),
            _ => None,
        }
    }

    /// For [`MissingCredentials`](ConfigErrorKind::MissingCredentials): each source that
    /// was tried, in order, with why it gave nothing; empty otherwise.
    pub fn tried(&self) -> &[String] {
        match &self.0 {
            ConfigProblem::MissingCredentials { tried, .. } => tried,
            _ => &[],
        }
    }

    /// For [`MissingCredentials`](ConfigErrorKind::MissingCredentials): the dashboard
    /// where API keys are created.
    pub fn dashboard_url(&self) -> Option<&str> {
        match &self.0 {
            ConfigProblem::MissingCredentials { dashboard_url, .. } => Some(dashboard_url),
            _ => None,
        }
    }
}

impl From<ConfigProblem> for ConfigError {
    fn from(p: ConfigProblem) -> Self {
        ConfigError(p)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The details of a [`ConfigError`], one variant per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConfigProblem {
    /// No credentials were found in any of the places looked at.
    MissingCredentials {
        /// Each source that was tried, in order, with why it gave nothing.
        tried: Vec<String>,
        /// The dashboard where API keys are created.
        dashboard_url: String,
    },
    /// The environment name is not a domain like `rapidata.ai`.
    InvalidEnvironment {
        /// The rejected value.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A plain `http://` URL to a host that is not loopback.
    InsecureUrl {
        /// The builder setting (`api_url`, `auth_url`, `app_url`) or environment variable
        /// (`RAPIDATA_API_URL`, …) that gave it.
        setting: &'static str,
        /// The rejected URL.
        url: String,
    },
    /// A URL that cannot be used as a base URL.
    InvalidUrl {
        /// The builder setting (`api_url`, `auth_url`, `app_url`) or environment variable
        /// (`RAPIDATA_API_URL`, …) that gave it.
        setting: &'static str,
        /// The rejected URL (with any user info removed).
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A builder value or environment variable out of range or unparsable.
    InvalidSetting {
        /// The setting or environment variable.
        setting: String,
        /// The rejected value.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The credentials file exists but cannot be used.
    InvalidCredentialsFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The token file exists but does not hold a token.
    InvalidTokenFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::MissingCredentials {
                tried,
                dashboard_url,
            } => {
                write!(f, "no Rapidata credentials found; tried, in order:")?;
                for (i, t) in tried.iter().enumerate() {
                    write!(f, " ({}) {t}", i + 1)?;
                    if i + 1 < tried.len() {
                        write!(f, ";")?;
                    }
                }
                write!(
                    f,
                    ". To fix: create an API key (client id and secret) in the Rapidata \
                     dashboard ({dashboard_url}, API keys), then set RAPIDATA_CLIENT_ID and \
                     RAPIDATA_CLIENT_SECRET or pass them to ClientBuilder::client_credentials; \
                     or give an access token with ClientBuilder::token or RAPIDATA_TOKEN_FILE."
                )
            }
            ConfigProblem::InvalidEnvironment { value, reason } => write!(
                f,
                "invalid Rapidata environment {value:?}: {reason}. Use a domain such as \
                 `rapidata.ai`, or set api_url/auth_url for a custom server."
            ),
            ConfigProblem::InsecureUrl { setting, url } => write!(
                f,
                "refusing plain-HTTP {setting} {url:?}: credentials would travel unencrypted. \
                 Use https://, or http:// only for a loopback host (localhost, 127.0.0.1, ::1)."
            ),
            ConfigProblem::InvalidUrl {
                setting,
                url,
                reason,
            } => write!(f, "invalid {setting} {url:?}: {reason}."),
            ConfigProblem::InvalidSetting {
                setting,
                value,
                reason,
            } => write!(f, "invalid {setting} ({value}): {reason}."),
            ConfigProblem::InvalidCredentialsFile { path, reason } => write!(
                f,
                "cannot use the credentials file {}: {reason}. Fix or delete it, or set \
                 RAPIDATA_CLIENT_ID and RAPIDATA_CLIENT_SECRET.",
                path.display()
            ),
            ConfigProblem::InvalidTokenFile { path, reason } => write!(
                f,
                "cannot use the token file {}: {reason}. It must hold JSON like \
                 {{\"access_token\": \"…\", \"token_type\": \"Bearer\", \"expires_at\": <epoch seconds>}}, \
                 as written by Client::write_token_file.",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
