//! Access tokens: the value type, token files, and how a client obtains and refreshes them
//! (OAuth2 client credentials at `<auth>/connect/token`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::Value;

use super::private_file::write_private_file;
use crate::error::{AuthError, ConfigProblem, Error, OperationInfo, Result};
use crate::http::transport::{HttpRequest, Outcome, Payload, Transport, X_CLIENT};
use crate::request::Method;
use crate::retry::RetryMode;
use crate::sync::lock;

/// The scopes asked for in the client-credentials token request unless
/// [`ClientBuilder::oauth_scope`](crate::ClientBuilder::oauth_scope) says otherwise (the
/// official SDK's).
pub const DEFAULT_OAUTH_SCOPE: &str = "openid email api";

/// The form body of the token request: client credentials grant and the scopes
/// (space-separated; sent form-encoded, `openid+email+api`).
pub(crate) fn token_request_body(scope: &str) -> String {
    let scope: Vec<String> = scope
        .split_whitespace()
        .map(crate::request::encode_query_component)
        .collect();
    format!("grant_type=client_credentials&scope={}", scope.join("+"))
}
/// The largest token endpoint answer read.
const MAX_TOKEN_RESPONSE_BYTES: u64 = 1 << 20;
/// The token endpoint's path below the auth base URL.
pub(crate) const TOKEN_PATH: &str = "/connect/token";

/// An OAuth2 access token (bearer token) with its expiry.
///
/// `Debug` and `Display` never show the token itself; read it explicitly with
/// [`secret`](AccessToken::secret).
///
/// ```
/// use std::time::Duration;
/// use rapidata::AccessToken;
///
/// let token = AccessToken::new("eyJhbGciOi...").with_lifetime(Duration::from_secs(3600));
/// assert!(!token.is_expired(Duration::from_secs(60)));
/// assert!(!format!("{token:?}").contains("eyJ"));
/// assert_eq!(token.secret(), "eyJhbGciOi...");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    secret: String,
    token_type: String,
    expires_in: Option<u64>,
    expires_at: Option<u64>,
    scope: Option<String>,
}

impl AccessToken {
    /// A bearer token with unknown expiry.
    pub fn new(secret: impl Into<String>) -> AccessToken {
        AccessToken {
            secret: secret.into(),
            token_type: "Bearer".to_owned(),
            expires_in: None,
            expires_at: None,
            scope: None,
        }
    }

    /// Sets the expiry as Unix epoch seconds.
    pub fn with_expires_at(mut self, epoch_seconds: u64) -> AccessToken {
        self.expires_at = Some(epoch_seconds);
        self
    }

    /// Sets the expiry to `lifetime` from now (and `expires_in` accordingly).
    pub fn with_lifetime(mut self, lifetime: Duration) -> AccessToken {
        self.expires_in = Some(lifetime.as_secs());
        self.expires_at = Some(now_epoch().saturating_add(lifetime.as_secs()));
        self
    }

    /// Sets the granted scopes (space separated).
    pub fn with_scope(mut self, scope: impl Into<String>) -> AccessToken {
        self.scope = Some(scope.into());
        self
    }

    /// Sets the token type (default `Bearer`).
    pub fn with_token_type(mut self, token_type: impl Into<String>) -> AccessToken {
        self.token_type = token_type.into();
        self
    }

    /// The token itself. Treat it like a password.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The token type, normally `Bearer`.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// The lifetime the token endpoint announced, in seconds.
    pub fn expires_in(&self) -> Option<u64> {
        self.expires_in
    }

    /// When the token expires, as Unix epoch seconds (`None` when unknown).
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// The granted scopes, when announced.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Whether the token expires within `leeway` from now. A token with unknown expiry
    /// never counts as expired here.
    pub fn is_expired(&self, leeway: Duration) -> bool {
        match self.expires_at {
            Some(at) => now_epoch().saturating_add(leeway.as_secs()) >= at,
            None => false,
        }
    }

    /// Reads a token file: JSON with `access_token`, optionally `token_type`, `expires_in`,
    /// `scope` and `expires_at` (integer Unix epoch seconds), as written by
    /// [`write_file`](AccessToken::write_file).
    ///
    /// ```no_run
    /// let token = rapidata::AccessToken::read_file("/run/secrets/rapidata-token.json")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn read_file(path: impl AsRef<Path>) -> Result<AccessToken> {
        let path = path.as_ref();
        let text = std::fs::read(path).map_err(|e| Error::io("read the token file", path, e))?;
        let invalid = |reason: String| {
            Error::from(ConfigProblem::InvalidTokenFile {
                path: path.to_path_buf(),
                reason,
            })
        };
        let value: Value = serde_json::from_slice(&text)
            .map_err(|e| invalid(format!("not valid JSON ({})", json_syntax_position(&e))))?;
        let mut token = token_from_json(&value).map_err(invalid)?;
        // Only an integer `expires_at` counts; without one the token is re-read every time.
        token.expires_at = value
            .get("expires_at")
            .and_then(|v| v.as_i64())
            .map(|v| v.max(0) as u64);
        Ok(token)
    }

    /// Writes the token as JSON to `path` so other processes can use it (e.g. through
    /// `RAPIDATA_TOKEN_FILE`): atomically (temporary file, then rename), the file readable
    /// only by its owner (0600 on Unix), a missing parent directory created 0700.
    ///
    /// ```no_run
    /// # let token = rapidata::AccessToken::new("t");
    /// token.write_file("/tmp/rapidata/token.json")?;
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    pub fn write_file(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut map = serde_json::Map::new();
        map.insert("access_token".into(), Value::from(self.secret.as_str()));
        map.insert("token_type".into(), Value::from(self.token_type.as_str()));
        if let Some(v) = self.expires_in {
            map.insert("expires_in".into(), Value::from(v));
        }
        if let Some(v) = &self.scope {
            map.insert("scope".into(), Value::from(v.as_str()));
        }
        if let Some(v) = self.expires_at {
            map.insert("expires_at".into(), Value::from(v));
        }
        let mut bytes =
            serde_json::to_vec_pretty(&Value::Object(map)).expect("a JSON map always serializes");
        bytes.push(b'\n');
        write_private_file(path.as_ref(), &bytes, "write the token file")
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken(***, expires_at=")?;
        match self.expires_at {
            Some(at) => write!(f, "{at})"),
            None => write!(f, "unknown)"),
        }
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<&str> for AccessToken {
    fn from(secret: &str) -> Self {
        AccessToken::new(secret)
    }
}

impl From<String> for AccessToken {
    fn from(secret: String) -> Self {
        AccessToken::new(secret)
    }
}

/// A client secret: shown as `***` everywhere.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where new tokens come from.
#[derive(Debug)]
pub(crate) enum TokenSource {
    /// A token given by the caller: used as it is, never refreshed.
    Static,
    /// A token file, re-read whenever the cached token is expired.
    File(PathBuf),
    /// OAuth2 client credentials exchanged at `token_url`.
    ClientCredentials {
        token_url: String,
        client_id: String,
        secret: Secret,
        /// The form body, scopes included (holds no secret).
        body: String,
    },
}

/// How long before its expiry a token from the token endpoint is renewed: the configured
/// leeway, but at most half the lifetime the endpoint announced. Without the cap a token
/// that lives shorter than the leeway (60 s by default) would count as expired the moment
/// it arrives, and every API request would fetch a new one first.
fn renewal_leeway(leeway: Duration, expires_in: Option<u64>) -> Duration {
    match expires_in {
        Some(lifetime) => leeway.min(Duration::from_secs(lifetime / 2)),
        None => leeway,
    }
}

/// The token cache of a client. `refresh` is held while a new token is obtained, so
/// concurrent callers wait for one token request instead of each making their own — unless
/// the cached token is still valid (only due for renewal within the leeway): then they go
/// on with it rather than wait for the token endpoint. `cache` is only ever held briefly.
#[derive(Debug)]
pub(crate) struct Auth {
    source: TokenSource,
    leeway: Duration,
    cache: Mutex<Option<AccessToken>>,
    refresh: Mutex<()>,
}

impl Auth {
    pub(crate) fn new(source: TokenSource, leeway: Duration, initial: Option<AccessToken>) -> Auth {
        Auth {
            source,
            leeway,
            cache: Mutex::new(initial),
            refresh: Mutex::new(()),
        }
    }

    /// The client id and secret, when tokens come from client credentials.
    pub(crate) fn client_credentials(&self) -> Option<(&str, &Secret)> {
        match &self.source {
            TokenSource::ClientCredentials {
                client_id, secret, ..
            } => Some((client_id, secret)),
            _ => None,
        }
    }

    fn refresh_lock(&self) -> MutexGuard<'_, ()> {
        lock(&self.refresh)
    }

    /// The cached token when it is known to be valid right now (even if due for renewal).
    fn still_valid(&self) -> Option<AccessToken> {
        self.lock()
            .as_ref()
            .filter(|t| t.expires_at.is_some() && !t.is_expired(Duration::ZERO))
            .cloned()
    }

    /// The cached token unless a new one is needed.
    fn fresh_cached(&self) -> Option<AccessToken> {
        self.lock().as_ref().filter(|t| !self.needs_new(t)).cloned()
    }

    /// Obtains a new token from the source (network or file); no cache lock held.
    fn obtain(&self, transport: &Transport) -> Result<AccessToken> {
        match &self.source {
            // Built with a token (`ClientBuilder::token`), so the cache is never empty.
            TokenSource::Static => self.lock().clone().ok_or_else(|| {
                Error::from(ConfigProblem::InvalidSetting {
                    setting: "token".to_owned(),
                    value: "none".to_owned(),
                    reason: "no access token was given".to_owned(),
                })
            }),
            TokenSource::File(path) => AccessToken::read_file(path),
            TokenSource::ClientCredentials {
                token_url,
                client_id,
                secret,
                body,
            } => fetch_token(transport, token_url, client_id, secret, body),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<AccessToken>> {
        // A panic while holding the lock leaves at worst a stale token, which is replaced.
        lock(&self.cache)
    }

    fn needs_new(&self, token: &AccessToken) -> bool {
        match &self.source {
            TokenSource::Static => false,
            TokenSource::File(_) => token.expires_at.is_none() || token.is_expired(self.leeway),
            TokenSource::ClientCredentials { .. } => {
                token.is_expired(renewal_leeway(self.leeway, token.expires_in))
            }
        }
    }

    /// A token that is valid for at least the leeway (as far as known), obtaining a new one
    /// when needed.
    pub(crate) fn token(&self, transport: &Transport) -> Result<AccessToken> {
        if let Some(t) = self.fresh_cached() {
            return Ok(t);
        }
        if let TokenSource::Static = self.source {
            return self.obtain(transport);
        }
        let _refreshing = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            // Another thread is obtaining a token: use the current one while it is valid,
            // else wait for that thread.
            Err(TryLockError::WouldBlock) => match self.still_valid() {
                Some(t) => return Ok(t),
                None => self.refresh_lock(),
            },
        };
        // Another thread may have renewed it meanwhile.
        if let Some(t) = self.fresh_cached() {
            return Ok(t);
        }
        let fresh = self.obtain(transport)?;
        *self.lock() = Some(fresh.clone());
        Ok(fresh)
    }

    /// After the API rejected `rejected` with 401: a different token to retry with, or
    /// `None` when no other token can be had (static token; token file unchanged).
    pub(crate) fn replace_rejected(
        &self,
        rejected: &AccessToken,
        transport: &Transport,
    ) -> Result<Option<AccessToken>> {
        if let TokenSource::Static = self.source {
            return Ok(None);
        }
        let _refreshing = self.refresh_lock();
        if let Some(current) = self.lock().as_ref() {
            if current.secret != rejected.secret {
                // Another thread already replaced it.
                return Ok(Some(current.clone()));
            }
        }
        let fresh = self.obtain(transport)?;
        if fresh.secret == rejected.secret {
            // The token file still holds the rejected token.
            return Ok(None);
        }
        *self.lock() = Some(fresh.clone());
        Ok(Some(fresh))
    }

    /// Replaces the cached token.
    pub(crate) fn set(&self, token: AccessToken) {
        *self.lock() = Some(token);
    }
}

/// Exchanges client credentials for a token.
///
/// A hand-written form POST rather than the `oauth2` crate: `oauth2` still depends on
/// ureq 2, and we want a single ureq (3) in the dependency tree and the client's own agent
/// — with its timeouts, TLS settings and retry policy — for token requests too. The
/// client-credentials grant is one small request, so little is lost.
pub(crate) fn fetch_token(
    transport: &Transport,
    token_url: &str,
    client_id: &str,
    secret: &Secret,
    body: &str,
) -> Result<AccessToken> {
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{client_id}:{}", secret.expose()));
    let request = HttpRequest {
        method: Method::Post,
        url: token_url,
        headers: vec![
            ("authorization", format!("Basic {basic}")),
            ("accept", "application/json".to_owned()),
            ("x-client", X_CLIENT.to_owned()),
        ],
        payload: Payload::Bytes {
            content_type: "application/x-www-form-urlencoded;charset=UTF-8",
            bytes: body.as_bytes(),
        },
        // A token answer is a small JSON object.
        max_body: MAX_TOKEN_RESPONSE_BYTES,
    };
    let info = OperationInfo::new("connect_token", Method::Post, TOKEN_PATH);
    // Issuing a token has no side effect worth protecting, so every transient failure may
    // be retried.
    let (outcome, attempts) = transport.run(
        &info,
        RetryMode::Always,
        transport.policy.max_attempts,
        || transport.execute(&request),
    )?;
    let resp = match outcome {
        Outcome::Response(resp) => resp,
        Outcome::Failed(e, class) => {
            return Err(AuthError::transport(token_url, class.retryable, attempts, e).into())
        }
    };
    if resp.is_redirect() {
        // Not followed: the client credentials would go wherever the server points.
        return Err(AuthError::redirected(
            token_url,
            resp.status,
            resp.location,
            resp.trace_id,
            attempts,
        )
        .into());
    }
    let value: Option<Value> = serde_json::from_slice(&resp.body).ok();
    if !resp.is_success() {
        let field = |k: &str| {
            value
                .as_ref()
                .and_then(|v| v.get(k))
                .and_then(|v| v.as_str())
                .map(|s| scrub(s, &[secret.expose(), &basic]))
        };
        return Err(AuthError::rejected(
            token_url,
            resp.status,
            field("error"),
            field("error_description"),
            resp.trace_id,
            attempts,
        )
        .into());
    }
    let Some(value) = value else {
        return Err(AuthError::invalid_response(
            token_url,
            resp.status,
            "the body is not JSON".to_owned(),
            resp.trace_id,
        )
        .into());
    };
    let mut token = token_from_json(&value).map_err(|reason| {
        Error::from(AuthError::invalid_response(
            token_url,
            resp.status,
            reason,
            resp.trace_id.clone(),
        ))
    })?;
    token.expires_at = token.expires_in.map(|s| now_epoch().saturating_add(s));
    log::debug!(
        "obtained an access token from {token_url} (expires in {})",
        token
            .expires_in
            .map(|s| format!("{s}s"))
            .unwrap_or_else(|| "unknown".to_owned())
    );
    Ok(token)
}

/// Reads the standard OAuth2 token members from JSON. Error texts name fields, never
/// values (which could be secrets).
fn token_from_json(value: &Value) -> std::result::Result<AccessToken, String> {
    let obj = value
        .as_object()
        .ok_or_else(|| "expected a JSON object".to_owned())?;
    let secret = match obj.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) => return Err("`access_token` is empty".to_owned()),
        Some(_) => return Err("`access_token` is not a string".to_owned()),
        None => return Err("`access_token` is missing".to_owned()),
    };
    let token_type = match obj.get("token_type") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => "Bearer".to_owned(),
    };
    let expires_in = obj.get("expires_in").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let scope = obj.get("scope").and_then(|v| v.as_str()).map(str::to_owned);
    Ok(AccessToken {
        secret,
        token_type,
        expires_in,
        expires_at: None,
        scope,
    })
}

/// Where a JSON syntax error is, without quoting the input.
pub(crate) fn json_syntax_position(e: &serde_json::Error) -> String {
    format!("line {}, column {}", e.line(), e.column())
}

/// Removes secrets from server-provided text, in case the server echoes them (the client
/// secret, or the whole `Authorization: Basic` value it was sent in).
fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "***");
    }
    // Cut after redacting, so a cut cannot leave part of a secret unrecognised.
    crate::error::truncate_chars(&text, 500)
}

/// `body` with every occurrence of `secret` (e.g. the bearer token a server echoed in an
/// error body) replaced by `***`.
pub(crate) fn redact_bytes<'a>(body: &'a [u8], secret: &str) -> std::borrow::Cow<'a, [u8]> {
    let needle = secret.as_bytes();
    if needle.is_empty() || !body.windows(needle.len()).any(|w| w == needle) {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while !rest.is_empty() {
        if rest.starts_with(needle) {
            out.extend_from_slice(b"***");
            rest = &rest[needle.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Now as Unix epoch seconds.
pub(crate) fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_and_display_hide_the_secret() {
        let t = AccessToken::new("very-secret-value").with_expires_at(42);
        assert_eq!(format!("{t:?}"), "AccessToken(***, expires_at=42)");
        assert_eq!(t.to_string(), "AccessToken(***, expires_at=42)");
        assert_eq!(format!("{:?}", Secret::new("x")), "***");
    }

    #[test]
    fn token_request_bodies_are_form_encoded() {
        assert_eq!(
            token_request_body(DEFAULT_OAUTH_SCOPE),
            "grant_type=client_credentials&scope=openid+email+api"
        );
        assert_eq!(
            token_request_body("  api  offline_access "),
            "grant_type=client_credentials&scope=api+offline_access"
        );
        assert_eq!(
            token_request_body("a&b=c"),
            "grant_type=client_credentials&scope=a%26b%3Dc"
        );
    }

    #[test]
    fn expiry_uses_the_leeway() {
        let t = AccessToken::new("x").with_lifetime(Duration::from_secs(30));
        assert!(t.is_expired(Duration::from_secs(60)));
        assert!(!t.is_expired(Duration::ZERO));
        assert!(!AccessToken::new("x").is_expired(Duration::from_secs(3600)));
    }

    #[test]
    fn short_lived_tokens_are_renewed_at_half_their_lifetime() {
        let auth = Auth::new(
            TokenSource::ClientCredentials {
                token_url: "http://127.0.0.1:9/connect/token".into(),
                client_id: "id".into(),
                secret: Secret::new("s"),
                body: token_request_body(DEFAULT_OAUTH_SCOPE),
            },
            Duration::from_secs(60),
            None,
        );
        // A 10 s token is good for 5 s, not stale on arrival because the leeway is 60 s.
        assert!(!auth.needs_new(&AccessToken::new("x").with_lifetime(Duration::from_secs(10))));
        let stale = AccessToken::new("x")
            .with_lifetime(Duration::from_secs(10))
            .with_expires_at(now_epoch() + 4);
        assert!(auth.needs_new(&stale));
        // Long-lived tokens keep the configured leeway.
        let hour = AccessToken::new("x")
            .with_lifetime(Duration::from_secs(3600))
            .with_expires_at(now_epoch() + 59);
        assert!(auth.needs_new(&hour));
        assert_eq!(
            renewal_leeway(Duration::from_secs(60), None),
            Duration::from_secs(60)
        );
        assert_eq!(
            renewal_leeway(Duration::from_secs(60), Some(5)),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn token_json_errors_do_not_quote_values() {
        let v: Value = serde_json::json!({"access_token": 123456789});
        let err = token_from_json(&v).unwrap_err();
        assert!(!err.contains("123456789"));
        let v: Value = serde_json::json!({"access_token": "abc", "expires_in": 3600});
        let t = token_from_json(&v).unwrap();
        assert_eq!(t.expires_in(), Some(3600));
        assert_eq!(t.token_type(), "Bearer");
    }

    #[test]
    fn scrub_removes_echoed_secrets() {
        assert_eq!(
            scrub("bad secret s3cr3t given", &["s3cr3t"]),
            "bad secret *** given"
        );
        assert_eq!(
            scrub("Basic aWQ6czNjcjN0", &["s3cr3t", "aWQ6czNjcjN0"]),
            "Basic ***"
        );
        assert_eq!(
            &*redact_bytes(b"Bearer tok tok!", "tok"),
            b"Bearer *** ***!"
        );
        assert_eq!(&*redact_bytes(b"nothing", ""), b"nothing");
    }
}
