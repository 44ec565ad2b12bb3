//! Sending one operation: [`Client::send`], [`Client::send_with`] and their
//! [`SendOptions`] — the request is checked, authenticated, handed to the transport's
//! retry loop, and its answer decoded or turned into an [`Error`].

use crate::error::{ApiError, Error, OperationInfo, RedirectError, ResponseDecodeError, Result};
use crate::http::retry::RetryMode;
use crate::http::transport::{HttpRequest, Payload, X_CLIENT};
use crate::request::{encode_query, Operation, RequestBody};

use super::handle::Client;

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
    /// [`RetryPolicy::max_attempts`](crate::RetryPolicy::max_attempts).
    pub fn max_attempts(mut self, attempts: u32) -> SendOptions {
        self.max_attempts = Some(attempts.max(1));
        self
    }
}

impl Client {
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
            let resp = outcome.into_response(&info, attempts)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
