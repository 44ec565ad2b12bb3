//! Where credentials come from: builder values, environment variables, and the credential
//! store `~/.config/rapidata/credentials.json` shared with the official Python SDK.
//!
//! Resolution order (the official SDK's, first match wins):
//!
//! 1. an access token given to [`ClientBuilder::token`](crate::ClientBuilder::token);
//! 2. a token file: [`ClientBuilder::token_file`](crate::ClientBuilder::token_file), else
//!    the environment variable `RAPIDATA_TOKEN_FILE`;
//! 3. [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials);
//! 4. the environment variables `RAPIDATA_CLIENT_ID` and `RAPIDATA_CLIENT_SECRET` (an empty
//!    value counts as unset);
//! 5. the credentials file `<config dir>/credentials.json`, where the config dir is
//!    [`ClientBuilder::config_dir`](crate::ClientBuilder::config_dir), else
//!    `$HOME/.config/rapidata`. It maps the auth base URL (`https://auth.rapidata.ai`) to a
//!    list of `{display_name, client_id, client_secret, endpoint, created_at, last_used}`;
//!    the only entry, or the one used last (`last_used`), is taken, and its `last_used` is
//!    set to now (as the official SDK does).
//!
//! The file is also written in the SDK's format —
//! [`Client::save_credentials`](crate::Client::save_credentials) adds or updates an entry,
//! [`Client::reset_credentials`](crate::Client::reset_credentials) removes the auth URL's
//! entries — always atomically (a temporary file in the same folder, then a rename), the
//! file 0600 in a 0700 folder on Unix. Members and entries this crate does not know are
//! kept. A file that is not valid JSON is never overwritten.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::private_file::write_private_file;
use super::token::{json_syntax_position, AccessToken, Secret};
use crate::error::{ConfigProblem, Error, Result};

/// Reads an environment variable (injectable so tests need not touch the process
/// environment).
pub(crate) type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment.
pub(crate) fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// An environment variable's value; empty counts as unset.
pub(crate) fn env_value(env: &EnvLookup, name: &str) -> Option<String> {
    env(name).filter(|v| !v.is_empty())
}

/// Environment variable naming a token file.
pub(crate) const ENV_TOKEN_FILE: &str = "RAPIDATA_TOKEN_FILE";
/// Environment variable holding the client id.
pub(crate) const ENV_CLIENT_ID: &str = "RAPIDATA_CLIENT_ID";
/// Environment variable holding the client secret.
pub(crate) const ENV_CLIENT_SECRET: &str = "RAPIDATA_CLIENT_SECRET";

/// Where a client's credentials came from; see
/// [`Client::credential_source`](crate::Client::credential_source).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// An access token given to [`ClientBuilder::token`](crate::ClientBuilder::token).
    Token,
    /// A token file given to [`ClientBuilder::token_file`](crate::ClientBuilder::token_file).
    TokenFile(PathBuf),
    /// A token file named by `RAPIDATA_TOKEN_FILE`.
    TokenFileFromEnv(PathBuf),
    /// Client credentials given to
    /// [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials).
    ClientCredentials {
        /// The client id (not secret).
        client_id: String,
    },
    /// `RAPIDATA_CLIENT_ID` and `RAPIDATA_CLIENT_SECRET`.
    Environment {
        /// The client id (not secret).
        client_id: String,
    },
    /// The credentials file.
    CredentialsFile {
        /// The file.
        path: PathBuf,
        /// The client id of the entry used (not secret).
        client_id: String,
        /// The entry's `display_name`.
        display_name: Option<String>,
    },
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Token => write!(f, "access token given to ClientBuilder::token"),
            CredentialSource::TokenFile(p) => write!(f, "token file {}", p.display()),
            CredentialSource::TokenFileFromEnv(p) => {
                write!(f, "token file {} (from {ENV_TOKEN_FILE})", p.display())
            }
            CredentialSource::ClientCredentials { client_id } => write!(
                f,
                "client credentials given to ClientBuilder::client_credentials (client id {client_id})"
            ),
            CredentialSource::Environment { client_id } => write!(
                f,
                "{ENV_CLIENT_ID}/{ENV_CLIENT_SECRET} (client id {client_id})"
            ),
            CredentialSource::CredentialsFile {
                path,
                client_id,
                display_name,
            } => {
                write!(f, "credentials file {} (client id {client_id}", path.display())?;
                if let Some(n) = display_name {
                    write!(f, ", {n:?}")?;
                }
                write!(f, ")")
            }
        }
    }
}

/// What the builder gathered.
pub(crate) struct Inputs<'a> {
    pub(crate) token: Option<&'a AccessToken>,
    pub(crate) token_file: Option<&'a Path>,
    pub(crate) client_credentials: Option<(&'a str, &'a Secret)>,
    pub(crate) config_dir: Option<&'a Path>,
    pub(crate) auth_url: &'a str,
    pub(crate) dashboard_url: &'a str,
    pub(crate) env: &'a EnvLookup,
}

/// The credentials found.
pub(crate) enum Resolved {
    Token(AccessToken),
    TokenFile(PathBuf),
    ClientCredentials { client_id: String, secret: Secret },
}

/// Finds credentials in the documented order.
pub(crate) fn resolve(inputs: &Inputs<'_>) -> Result<(Resolved, CredentialSource)> {
    let mut tried = Vec::new();

    if let Some(token) = inputs.token {
        return Ok((Resolved::Token(token.clone()), CredentialSource::Token));
    }
    tried.push("access token (ClientBuilder::token): not given".to_owned());

    if let Some(path) = inputs.token_file {
        return Ok((
            Resolved::TokenFile(path.to_path_buf()),
            CredentialSource::TokenFile(path.to_path_buf()),
        ));
    }
    if let Some(path) = env_value(inputs.env, ENV_TOKEN_FILE) {
        let path = PathBuf::from(path);
        return Ok((
            Resolved::TokenFile(path.clone()),
            CredentialSource::TokenFileFromEnv(path),
        ));
    }
    tried.push(format!(
        "token file (ClientBuilder::token_file, {ENV_TOKEN_FILE}): not given"
    ));

    if let Some((id, secret)) = inputs.client_credentials {
        return Ok((
            Resolved::ClientCredentials {
                client_id: id.to_owned(),
                secret: secret.clone(),
            },
            CredentialSource::ClientCredentials {
                client_id: id.to_owned(),
            },
        ));
    }
    tried.push("client credentials (ClientBuilder::client_credentials): not given".to_owned());

    match (
        env_value(inputs.env, ENV_CLIENT_ID),
        env_value(inputs.env, ENV_CLIENT_SECRET),
    ) {
        (Some(id), Some(secret)) => {
            return Ok((
                Resolved::ClientCredentials {
                    client_id: id.clone(),
                    secret: Secret::new(secret),
                },
                CredentialSource::Environment { client_id: id },
            ))
        }
        (Some(_), None) => tried.push(format!(
            "environment variables {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}: only {ENV_CLIENT_ID} is set"
        )),
        (None, Some(_)) => tried.push(format!(
            "environment variables {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}: only {ENV_CLIENT_SECRET} is set"
        )),
        (None, None) => tried.push(format!(
            "environment variables {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}: not set"
        )),
    }

    match credentials_file_path(inputs.config_dir, inputs.env) {
        Some(path) => match read_stored(&path, inputs.auth_url)? {
            Stored::Found(entry) => {
                let source = CredentialSource::CredentialsFile {
                    path,
                    client_id: entry.client_id.clone(),
                    display_name: entry.display_name,
                };
                return Ok((
                    Resolved::ClientCredentials {
                        client_id: entry.client_id,
                        secret: entry.secret,
                    },
                    source,
                ));
            }
            Stored::Missing(why) => {
                tried.push(format!("credentials file {}: {why}", path.display()))
            }
        },
        None => tried.push(
            "credentials file ~/.config/rapidata/credentials.json: no home directory (HOME is not set)"
                .to_owned(),
        ),
    }

    Err(ConfigProblem::MissingCredentials {
        tried,
        dashboard_url: inputs.dashboard_url.to_owned(),
    }
    .into())
}

/// `<config dir>/credentials.json`; the config dir defaults to `$HOME/.config/rapidata`.
pub(crate) fn credentials_file_path(config_dir: Option<&Path>, env: &EnvLookup) -> Option<PathBuf> {
    let dir = match config_dir {
        Some(d) => d.to_path_buf(),
        None => {
            let home = env_value(env, "HOME").or_else(|| env_value(env, "USERPROFILE"))?;
            Path::new(&home).join(".config").join("rapidata")
        }
    };
    Some(dir.join("credentials.json"))
}

/// One entry of the credentials file.
struct StoredCredential {
    client_id: String,
    secret: Secret,
    display_name: Option<String>,
}

enum Stored {
    Found(StoredCredential),
    /// Why nothing usable was found (for the "tried" list).
    Missing(String),
}

/// Reads the entry for `auth_url` from the credentials file.
fn read_stored(path: &Path, auth_url: &str) -> Result<Stored> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Stored::Missing("does not exist".to_owned()))
        }
        Err(e) => return Err(Error::io("read the credentials file", path, e)),
    };
    let invalid = |reason: String| {
        Error::from(ConfigProblem::InvalidCredentialsFile {
            path: path.to_path_buf(),
            reason,
        })
    };
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(format!("not valid JSON ({})", json_syntax_position(&e))))?;
    let map = value
        .as_object()
        .ok_or_else(|| invalid("expected a JSON object keyed by auth URL".to_owned()))?;
    let wanted = auth_url.trim_end_matches('/');
    // The key may be spelled with or without a trailing slash, and both may be present:
    // the entries of every matching key compete.
    let lists: Vec<&Value> = map
        .iter()
        .filter(|(k, _)| k.trim_end_matches('/') == wanted)
        .map(|(_, v)| v)
        .collect();
    if lists.is_empty() {
        return Ok(Stored::Missing(format!("has no entry for {wanted}")));
    }
    let mut entries = Vec::new();
    for list in lists {
        entries.extend(list.as_array().ok_or_else(|| {
            invalid(format!(
                "the value for {wanted} is not a list of credentials"
            ))
        })?);
    }
    let mut best: Option<(Option<i128>, StoredCredential)> = None;
    for entry in entries {
        let text = |k: &str| {
            entry
                .get(k)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (Some(client_id), Some(secret)) = (text("client_id"), text("client_secret")) else {
            continue;
        };
        let last_used = text("last_used").and_then(|t| parse_timestamp_micros(&t));
        let candidate = StoredCredential {
            client_id,
            secret: Secret::new(secret),
            display_name: text("display_name"),
        };
        // The latest `last_used` wins; on a tie (or none parsable) the later entry.
        let better = match &best {
            None => true,
            Some((best_used, _)) => last_used >= *best_used,
        };
        if better {
            best = Some((last_used, candidate));
        }
    }
    Ok(match best {
        Some((_, c)) => Stored::Found(c),
        None => Stored::Missing(format!(
            "the entry for {wanted} holds no client_id/client_secret"
        )),
    })
}

/// The credentials file as a JSON object; `None` when it does not exist. A file that is not
/// a JSON object is an error (so it is never overwritten).
fn read_store(path: &Path) -> Result<Option<serde_json::Map<String, Value>>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read the credentials file", path, e)),
    };
    let invalid = |reason: String| {
        Error::from(ConfigProblem::InvalidCredentialsFile {
            path: path.to_path_buf(),
            reason,
        })
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(invalid(
            "expected a JSON object keyed by auth URL".to_owned(),
        )),
        Err(e) => Err(invalid(format!(
            "not valid JSON ({})",
            json_syntax_position(&e)
        ))),
    }
}

/// Writes the credentials file: indented JSON (as the SDK writes it), atomically, 0600.
/// `tighten_dir`: also set an existing folder to 0700 (only for the default folder, which
/// is ours; a folder given explicitly is left as it is).
fn write_store(path: &Path, map: serde_json::Map<String, Value>, tighten_dir: bool) -> Result<()> {
    let mut bytes =
        serde_json::to_vec_pretty(&Value::Object(map)).expect("a JSON map always serializes");
    bytes.push(b'\n');
    #[cfg(unix)]
    if tighten_dir {
        use std::os::unix::fs::PermissionsExt;
        if let Some(dir) = path.parent().filter(|d| d.is_dir()) {
            if let Err(e) = fs::set_permissions(dir, fs::Permissions::from_mode(0o700)) {
                log::debug!("could not set {} to 0700: {e}", dir.display());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tighten_dir;
    write_private_file(path, &bytes, "write the credentials file")
}

/// The keys of `map` that name `auth_url` (with or without a trailing slash).
fn matching_keys(map: &serde_json::Map<String, Value>, auth_url: &str) -> Vec<String> {
    let wanted = auth_url.trim_end_matches('/');
    map.keys()
        .filter(|k| k.trim_end_matches('/') == wanted)
        .cloned()
        .collect()
}

/// Sets `last_used` to now on the entries for `auth_url` with this client id.
pub(crate) fn touch_last_used(
    path: &Path,
    auth_url: &str,
    client_id: &str,
    tighten_dir: bool,
) -> Result<()> {
    let Some(mut map) = read_store(path)? else {
        return Ok(());
    };
    let now = Value::from(now_timestamp());
    let mut touched = false;
    for key in matching_keys(&map, auth_url) {
        if let Some(Value::Array(entries)) = map.get_mut(&key) {
            for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
                if entry.get("client_id").and_then(Value::as_str) == Some(client_id) {
                    entry.insert("last_used".to_owned(), now.clone());
                    touched = true;
                }
            }
        }
    }
    if touched {
        write_store(path, map, tighten_dir)?;
    }
    Ok(())
}

/// Adds client credentials for `auth_url` in the SDK's layout, or updates the entry with
/// the same client id (secret, display name, `last_used`; `created_at` kept).
pub(crate) fn save(
    path: &Path,
    auth_url: &str,
    client_id: &str,
    secret: &Secret,
    display_name: &str,
    tighten_dir: bool,
) -> Result<()> {
    let mut map = read_store(path)?.unwrap_or_default();
    let endpoint = auth_url.trim_end_matches('/');
    let now = now_timestamp();
    let key = matching_keys(&map, endpoint)
        .into_iter()
        .find(|k| map[k].is_array())
        .unwrap_or_else(|| endpoint.to_owned());
    let list = map.entry(key).or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(entries) = list else {
        return Err(ConfigProblem::InvalidCredentialsFile {
            path: path.to_path_buf(),
            reason: format!("the value for {endpoint} is not a list of credentials"),
        }
        .into());
    };
    let existing = entries
        .iter_mut()
        .filter_map(Value::as_object_mut)
        .find(|e| e.get("client_id").and_then(Value::as_str) == Some(client_id));
    match existing {
        Some(entry) => {
            entry.insert("client_secret".into(), Value::from(secret.expose()));
            entry.insert("display_name".into(), Value::from(display_name));
            entry.insert("endpoint".into(), Value::from(endpoint));
            entry
                .entry("created_at")
                .or_insert_with(|| Value::from(now.clone()));
            entry.insert("last_used".into(), Value::from(now));
        }
        None => {
            let mut entry = serde_json::Map::new();
            entry.insert("display_name".into(), Value::from(display_name));
            entry.insert("client_id".into(), Value::from(client_id));
            entry.insert("client_secret".into(), Value::from(secret.expose()));
            entry.insert("endpoint".into(), Value::from(endpoint));
            entry.insert("created_at".into(), Value::from(now.clone()));
            entry.insert("last_used".into(), Value::from(now));
            entries.push(Value::Object(entry));
        }
    }
    write_store(path, map, tighten_dir)
}

/// Removes every entry for `auth_url`; whether there was one. A missing file is fine.
pub(crate) fn remove(path: &Path, auth_url: &str, tighten_dir: bool) -> Result<bool> {
    let Some(mut map) = read_store(path)? else {
        return Ok(false);
    };
    let keys = matching_keys(&map, auth_url);
    if keys.is_empty() {
        return Ok(false);
    }
    for key in keys {
        map.remove(&key);
    }
    write_store(path, map, tighten_dir)?;
    Ok(true)
}

/// Now as the SDK writes timestamps: UTC, microseconds, `Z`
/// (`2026-08-22T08:15:02.000001Z`).
pub(crate) fn now_timestamp() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format_timestamp_micros(
        i128::from(since.as_secs()) * 1_000_000 + i128::from(since.subsec_micros()),
    )
}

/// Microseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
fn format_timestamp_micros(micros: i128) -> String {
    let secs = micros.div_euclid(1_000_000) as i64;
    let frac = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Parses an RFC 3339 / ISO 8601 timestamp (`2026-08-22T08:15:02.000001Z`,
/// `…+00:00`, or without offset = UTC) into microseconds since the Unix epoch.
pub(crate) fn parse_timestamp_micros(text: &str) -> Option<i128> {
    let t = text.trim();
    let (date, rest) = t.split_at_checked(10)?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let rest = rest.strip_prefix(['T', 't', ' ']).unwrap_or(rest);
    // Split the offset off the time of day.
    let (time, offset_secs) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        (time, 0i64)
    } else if let Some(pos) = rest.rfind(['+', '-']) {
        let (time, off) = rest.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let off = &off[1..];
        let (h, m) = off
            .split_once(':')
            .unwrap_or((off.get(..2)?, off.get(2..)?));
        let h: i64 = h.parse().ok()?;
        let m: i64 = if m.is_empty() { 0 } else { m.parse().ok()? };
        (time, sign * (h * 3600 + m * 60))
    } else {
        (rest, 0)
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut parts = hms.split(':');
    let hour: i64 = parts
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("0")
        .parse()
        .ok()?;
    let minute: i64 = parts.next().unwrap_or("0").parse().ok()?;
    let second: i64 = parts.next().unwrap_or("0").parse().ok()?;
    let mut micros: i64 = 0;
    if !frac.is_empty() {
        let digits: String = frac.chars().take(6).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        micros = format!("{digits:0<6}").parse().ok()?;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(i128::from(secs) * 1_000_000 + i128::from(micros))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_in_common_forms() {
        let z = parse_timestamp_micros("2026-08-22T08:15:02.000001Z").unwrap();
        let plus = parse_timestamp_micros("2026-08-22T08:15:02.000001+00:00").unwrap();
        let naive = parse_timestamp_micros("2026-08-22T08:15:02.000001").unwrap();
        assert_eq!(z, plus);
        assert_eq!(z, naive);
        let shifted = parse_timestamp_micros("2026-08-22T10:15:02.000001+02:00").unwrap();
        assert_eq!(z, shifted);
        assert_eq!(
            parse_timestamp_micros("1970-01-01T00:00:01Z"),
            Some(1_000_000)
        );
        assert!(parse_timestamp_micros("yesterday").is_none());
        assert!(
            parse_timestamp_micros("2026-08-22T08:15:03Z").unwrap()
                > parse_timestamp_micros("2026-08-22T08:15:02.9Z").unwrap()
        );
    }

    #[test]
    fn timestamps_format_and_parse_back() {
        for micros in [0i128, 1, 1_787_386_502_000_001, 951_782_400_123_456, -1] {
            let text = format_timestamp_micros(micros);
            assert_eq!(parse_timestamp_micros(&text), Some(micros), "{text}");
        }
        assert_eq!(
            format_timestamp_micros(1_787_386_502_000_001),
            "2026-08-22T08:15:02.000001Z"
        );
        assert_eq!(format_timestamp_micros(0), "1970-01-01T00:00:00.000000Z");
        for days in [-800_000i64, -1, 0, 59, 60, 11_017, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
