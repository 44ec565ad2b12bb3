//! Logging in through the browser (the official SDK's bridge-token login), for machines
//! with no credentials yet. See [`ClientBuilder::login_in_browser`](crate::ClientBuilder::login_in_browser).
//!
//! The flow (all requests to the auth server, none authenticated until the last):
//!
//! 1. `POST <auth>/identity/bridge-token?clientId=rapidata-cli` gives a read key and a write
//!    key;
//! 2. the person opens `<auth>/connect/authorize/external?clientId=rapidata-cli&scope=…&
//!    writeKey=<write key>` in a browser and logs in;
//! 3. meanwhile `GET <auth>/identity/bridge-token?readKey=<read key>` is polled: 202 while
//!    the login is pending, then 200 with an access token for the person;
//! 4. with that token `POST <auth>/client` creates a client id and secret for this
//!    machine, which are saved to the credentials file (the SDK's store), so later
//!    [`Client::new`](crate::Client::new) calls find them.

use std::time::Duration;

use serde_json::Value;

use crate::auth::Secret;
use crate::clock::{poll, Clock, Step};
use crate::error::{
    ApiError, Error, OperationInfo, RedirectError, ResponseDecodeError, Result, WaitTimeout,
};
use crate::http::transport::{HttpRequest, Payload, Transport, X_CLIENT};
use crate::request::{encode_query_component, DecodeError, Method};
use crate::retry::RetryMode;

/// The OAuth client id of the interactive login, the official SDK's.
pub(crate) const LOGIN_CLIENT_ID: &str = "rapidata-cli";
/// The scopes the interactive login asks for (the SDK's).
const LOGIN_SCOPE: &str = "openid profile email api";
const MAX_BRIDGE_RESPONSE_BYTES: u64 = 1 << 20;

/// Settings of [`ClientBuilder::login_in_browser`](crate::ClientBuilder::login_in_browser).
///
/// ```
/// use std::time::Duration;
/// let login = rapidata::BrowserLogin::new()
///     .timeout(Duration::from_secs(120))
///     .display_name("build server - Rust client");
/// ```
#[derive(Debug, Clone)]
pub struct BrowserLogin {
    pub(crate) poll_interval: Duration,
    pub(crate) timeout: Duration,
    pub(crate) display_name: Option<String>,
}

impl Default for BrowserLogin {
    fn default() -> Self {
        BrowserLogin::new()
    }
}

impl BrowserLogin {
    /// The SDK's defaults: poll every second, give up after 5 minutes; the client is named
    /// `<host name> - Rust API Client`.
    pub fn new() -> BrowserLogin {
        BrowserLogin {
            poll_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(300),
            display_name: None,
        }
    }

    /// How often the login's state is asked for (default 1 s; at least 10 ms).
    pub fn poll_interval(mut self, interval: Duration) -> BrowserLogin {
        self.poll_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How long to wait for the person to log in (default 5 minutes).
    pub fn timeout(mut self, timeout: Duration) -> BrowserLogin {
        self.timeout = timeout;
        self
    }

    /// The name of the client created for this machine, as shown on the dashboard's API
    /// keys page and stored as `display_name` (default `<host name> - Rust API Client`).
    pub fn display_name(mut self, name: impl Into<String>) -> BrowserLogin {
        self.display_name = Some(name.into());
        self
    }
}

/// The two keys of a bridge-token login.
pub(crate) struct Bridge {
    pub(crate) read_key: String,
    pub(crate) write_key: String,
}

/// Step 1: a new bridge.
pub(crate) fn create_bridge(transport: &Transport, auth_url: &str) -> Result<Bridge> {
    let url = format!("{auth_url}/identity/bridge-token?clientId={LOGIN_CLIENT_ID}");
    let info = OperationInfo::new(
        "create_bridge_token",
        Method::Post,
        "/identity/bridge-token",
    );
    let (_, value) = exchange(transport, &info, &url, vec![], Payload::Empty, true)?;
    let key = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match (key("readKey"), key("writeKey")) {
        (Some(read_key), Some(write_key)) => Ok(Bridge {
            read_key,
            write_key,
        }),
        _ => Err(decode_error(
            &info,
            200,
            "expected `readKey` and `writeKey`",
        )),
    }
}

/// Step 2: the page the person opens.
pub(crate) fn login_url(auth_url: &str, bridge: &Bridge) -> String {
    format!(
        "{auth_url}/connect/authorize/external?clientId={LOGIN_CLIENT_ID}&scope={}&writeKey={}",
        encode_query_component(LOGIN_SCOPE),
        encode_query_component(&bridge.write_key)
    )
}

/// Step 3: polls until the login is done; the person's access token.
pub(crate) fn wait_for_login(
    clock: &dyn Clock,
    transport: &Transport,
    auth_url: &str,
    bridge: &Bridge,
    options: &BrowserLogin,
) -> Result<Secret> {
    let url = format!(
        "{auth_url}/identity/bridge-token?readKey={}",
        encode_query_component(&bridge.read_key)
    );
    let info = OperationInfo::new("read_bridge_token", Method::Get, "/identity/bridge-token");
    let polled = poll(clock, Some(options.timeout), |_| {
        let (status, value) = exchange(transport, &info, &url, vec![], Payload::Empty, true)?;
        if status == 200 {
            return match value.get("accessToken").and_then(Value::as_str) {
                Some(t) if !t.is_empty() => Ok(Step::Done(Secret::new(t))),
                _ => Err(decode_error(&info, status, "expected `accessToken`")),
            };
        }
        // 202: the person has not logged in yet.
        Ok(Step::Again {
            state: "not logged in yet".to_owned(),
            pause: options.poll_interval,
        })
    })?;
    polled.map_err(|timed_out| WaitTimeout::of_poll("the browser login to complete", timed_out))
}

/// Step 4: a client id and secret for this machine.
pub(crate) fn create_client(
    transport: &Transport,
    auth_url: &str,
    access_token: &Secret,
    display_name: &str,
) -> Result<(String, Secret)> {
    let url = format!("{auth_url}/client");
    let info = OperationInfo::new("create_client", Method::Post, "/client");
    let body = serde_json::to_vec(&serde_json::json!({ "displayName": display_name }))
        .expect("a JSON object always serializes");
    let headers = vec![("authorization", format!("Bearer {}", access_token.expose()))];
    // Creates something: repeated only when provably not processed.
    let (status, value) = exchange(
        transport,
        &info,
        &url,
        headers,
        Payload::Bytes {
            content_type: "application/json",
            bytes: &body,
        },
        false,
    )?;
    let text = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match (text("clientId"), text("clientSecret")) {
        (Some(id), Some(secret)) => Ok((id, Secret::new(secret))),
        _ => Err(decode_error(
            &info,
            status,
            "expected `clientId` and `clientSecret`",
        )),
    }
}

/// `<host name> - Rust API Client`.
pub(crate) fn default_display_name() -> String {
    format!("{} - Rust API Client", host_name())
}

fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for `len` bytes; gethostname writes at most that many.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let name = String::from_utf8_lossy(&buf[..end]).trim().to_owned();
            if !name.is_empty() {
                return name;
            }
        }
    }
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown host".to_owned())
}

fn decode_error(info: &OperationInfo, status: u16, message: &str) -> Error {
    ResponseDecodeError::new(
        info.clone(),
        status,
        None,
        1,
        DecodeError {
            path: String::new(),
            message: message.to_owned(),
        },
    )
    .into()
}

/// One request to the auth server with the client's retries; a 2xx answer's status and
/// JSON body (an empty body counts as `null`).
fn exchange(
    transport: &Transport,
    info: &OperationInfo,
    url: &str,
    mut headers: Vec<(&'static str, String)>,
    payload: Payload<'_>,
    idempotent: bool,
) -> Result<(u16, Value)> {
    headers.push(("accept", "application/json".to_owned()));
    headers.push(("x-client", X_CLIENT.to_owned()));
    let request = HttpRequest {
        method: info.method(),
        url,
        headers,
        payload,
        max_body: MAX_BRIDGE_RESPONSE_BYTES,
    };
    let mode = if idempotent {
        RetryMode::Always
    } else {
        RetryMode::Auto
    };
    let (outcome, attempts) = transport.run(info, mode, transport.policy.max_attempts, || {
        transport.execute(&request)
    })?;
    let resp = outcome.into_response(info, attempts)?;
    if resp.is_redirect() {
        return Err(RedirectError::new(info.clone(), resp.status, resp.location, attempts).into());
    }
    if !resp.is_success() {
        return Err(ApiError::new(
            info.clone(),
            resp.status,
            resp.trace_id,
            &resp.body,
            resp.retry_after,
            attempts,
        )
        .into());
    }
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok((resp.status, Value::Null));
    }
    serde_json::from_slice(&resp.body)
        .map(|v| (resp.status, v))
        .map_err(|e| {
            ResponseDecodeError::new(
                info.clone(),
                resp.status,
                resp.trace_id,
                attempts,
                DecodeError {
                    path: String::new(),
                    message: format!("not JSON: {e}"),
                },
            )
            .into()
        })
}
