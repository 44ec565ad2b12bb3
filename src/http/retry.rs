//! When and how long to wait before repeating a failed request.
//!
//! # Policy
//!
//! A request is repeated, up to [`RetryPolicy::max_attempts`] attempts in total (default
//! 4), when it failed in a way that is likely temporary:
//!
//! * a transport failure — connection refused or reset, DNS failure, timeout, a connection
//!   dropped mid-response, a malformed response. TLS failures (e.g. certificate
//!   verification) are never retried: they do not fix themselves;
//! * HTTP 429, 502, 503 or 504. HTTP 500 and every other status are returned at once.
//!
//! Whether a failure may be retried also depends on the HTTP method, because repeating a
//! request the server already carried out must not create things twice
//! ([`RetryMode::Auto`], the default):
//!
//! * `GET`, `PUT`, `DELETE` are idempotent: they are retried on all of the above;
//! * `POST`, `PATCH` are retried only when the request provably was not processed: the
//!   connection could not be established (connection refused, DNS failure, connect
//!   timeout), or the server answered 429 or 503 (rejections before processing).
//!   Ambiguous failures — a read timeout, a connection lost after sending, 502 or 504 — are
//!   returned as an error whose [`Error::may_have_been_processed`](crate::Error::may_have_been_processed)
//!   is `true`, so the caller can look up what exists before repeating the request.
//!
//! [`RetryMode::Always`] lifts the method rule for operations the caller has made safe to
//! repeat; [`RetryMode::Never`] disables retries. Choose the mode per request with
//! [`Client::send_with`](crate::Client::send_with).
//!
//! The SDK's own creates do not stop at an ambiguous failure. Those that are harmless to
//! repeat are sent in [`RetryMode::Always`]: asset uploads (file, URL and batch), starting
//! to recruit, and `POST /dataset` (at worst an empty dataset nothing refers to). The
//! others are looked up before they are sent again, so they happen exactly once:
//! audiences, job definitions and jobs (their ids are listed before the create and
//! compared after it), qualification examples (the audience's examples are searched for
//! one with the same assets, context, instruction and truth) and datapoints (by sort index).
//!
//! # Delays
//!
//! Equal-jitter exponential backoff: before retry number `n` (0-based) the client waits
//! `ceiling/2 + U(0, ceiling/2)` with `ceiling = min(backoff_base · 2ⁿ, backoff_max)` —
//! with the defaults (0.5 s, 30 s) that is 0.25–0.5 s, 0.5–1 s, 1–2 s. A numeric
//! `Retry-After` header (seconds) on a 429/503 response replaces the backoff, capped at
//! [`RetryPolicy::retry_after_cap`] (default 60 s).
//!
//! Each retry is logged at `warn` level with method, path, the failure, the attempt number
//! and the delay — never headers or tokens.
//!
//! Not retried at all: redirects (never followed, see
//! [`Error::Redirect`](crate::Error::Redirect)), a missed
//! [deadline](crate::ClientBuilder::deadline), an answer over the operation's size limit,
//! and HTTP 413.
//!
//! # What the defaults ride out
//!
//! Four attempts, like the official SDK, waiting about 0.4 s, 0.75 s and 1.5 s between
//! them: enough for short blips. At a 5 % rate of transient failures a request gives up
//! with probability 0.05⁴ ≈ 6·10⁻⁶ (≈ 0.6 % over a 1,000-request workflow). Not enough for
//! an outage: at 40 % (say 20 % HTTP 503, 10 % 429 and 10 % dropped connections) a request
//! gives up 2.6 % of the time, and most workflows of a hundred requests fail; 10 attempts
//! bring that to 10⁻⁴ per request. Every error that gave up after retrying names the
//! setting to raise: [`ClientBuilder::max_attempts`](crate::ClientBuilder::max_attempts)
//! (or [`SendOptions::max_attempts`](crate::SendOptions::max_attempts) for one call).

use std::time::Duration;

use crate::request::Method;

/// Which failed requests may be repeated automatically; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// Idempotent methods (`GET`, `PUT`, `DELETE`) are retried on every transient failure;
    /// `POST` and `PATCH` only when the request provably was not processed (no connection,
    /// HTTP 429 or 503).
    #[default]
    Auto,
    /// Retry every transient failure regardless of the method. Use it for an operation
    /// that is safe to repeat (the server deduplicates it, or the caller reconciles).
    Always,
    /// Never retry; every failure is returned at once.
    Never,
}

/// Limits and delays of the automatic retries. Set them with the
/// [`ClientBuilder`](crate::ClientBuilder) (`max_attempts`, `backoff_base`, `backoff_max`,
/// `retry_after_cap`); read them with [`Client::retry_policy`](crate::Client::retry_policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) backoff_base: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Attempts in total, the first one included (default 4).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The base of the exponential backoff (default 0.5 s).
    pub fn backoff_base(&self) -> Duration {
        self.backoff_base
    }

    /// The largest backoff ceiling (default 30 s).
    pub fn backoff_max(&self) -> Duration {
        self.backoff_max
    }

    /// The longest `Retry-After` delay honoured (default 60 s); longer ones are cut to it.
    pub fn retry_after_cap(&self) -> Duration {
        self.retry_after_cap
    }

    /// The equal-jitter backoff before retry number `retry` (0-based).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2f64.powi(retry.min(62) as i32);
        // `Duration::mul_f64` panics past `Duration::MAX`: saturate instead.
        let ceiling =
            Duration::try_from_secs_f64(self.backoff_base.as_secs_f64() * factor.min(1e9))
                .unwrap_or(Duration::MAX)
                .min(self.backoff_max);
        let half = ceiling / 2;
        let jitter = Duration::try_from_secs_f64(half.as_secs_f64() * fastrand::f64())
            .unwrap_or(half)
            .min(half);
        half.saturating_add(jitter)
    }

    /// The delay before retry number `retry`: the server's `Retry-After` (capped) when
    /// given, else the backoff.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(d) => d.min(self.retry_after_cap),
            None => self.backoff(retry),
        }
    }
}

/// A failed attempt, as far as the retry decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status.
    Status(u16),
    /// No usable response.
    Transport {
        /// Whether (part of) the request may have reached the server.
        sent: bool,
        /// Whether the failure is transient at all (false for TLS and local errors).
        retryable: bool,
    },
}

/// Whether `failure` of a `method` request may be retried under `mode` (attempt limits
/// aside).
pub(crate) fn should_retry(mode: RetryMode, method: Method, failure: Failure) -> bool {
    match (mode, failure) {
        (RetryMode::Never, _) => false,
        (
            _,
            Failure::Transport {
                retryable: false, ..
            },
        ) => false,
        (RetryMode::Always, Failure::Transport { .. }) => true,
        (RetryMode::Always, Failure::Status(s)) => matches!(s, 429 | 502 | 503 | 504),
        // Auto: rejections before processing are safe for every method.
        (RetryMode::Auto, Failure::Status(429 | 503)) => true,
        (RetryMode::Auto, Failure::Status(502 | 504)) => method.is_idempotent(),
        (RetryMode::Auto, Failure::Status(_)) => false,
        (RetryMode::Auto, Failure::Transport { sent: false, .. }) => true,
        (RetryMode::Auto, Failure::Transport { sent: true, .. }) => method.is_idempotent(),
    }
}

/// Parses a `Retry-After` header given in seconds; the HTTP-date form is ignored.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    match v.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Some(Duration::from_secs_f64(secs.min(1e9))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_in_the_equal_jitter_band() {
        let p = RetryPolicy::default();
        for _ in 0..200 {
            let d0 = p.backoff(0);
            assert!(d0 >= Duration::from_millis(250) && d0 <= Duration::from_millis(500));
            let d2 = p.backoff(2);
            assert!(d2 >= Duration::from_secs(1) && d2 <= Duration::from_secs(2));
            let d20 = p.backoff(20);
            assert!(d20 >= Duration::from_secs(15) && d20 <= Duration::from_secs(30));
            let huge = p.backoff(u32::MAX);
            assert!(huge <= Duration::from_secs(30));
        }
    }

    #[test]
    fn backoff_with_huge_settings_saturates_instead_of_panicking() {
        let p = RetryPolicy {
            backoff_base: Duration::MAX,
            backoff_max: Duration::MAX,
            ..RetryPolicy::default()
        };
        for retry in [0, 1, 40, u32::MAX] {
            assert!(p.backoff(retry) >= Duration::MAX / 2);
        }
        let p = RetryPolicy {
            backoff_base: Duration::from_secs(1 << 40),
            backoff_max: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert!(p.backoff(60) >= Duration::from_secs(1 << 40));
    }

    #[test]
    fn retry_after_is_capped_and_replaces_backoff() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(600))),
            Duration::from_secs(60)
        );
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn posts_are_retried_only_when_provably_unprocessed() {
        use Failure::*;
        let auto = RetryMode::Auto;
        for s in [429, 503] {
            assert!(should_retry(auto, Method::Post, Status(s)));
        }
        for s in [502, 504, 500, 400, 404] {
            assert!(!should_retry(auto, Method::Post, Status(s)));
        }
        for s in [429, 502, 503, 504] {
            assert!(should_retry(auto, Method::Get, Status(s)));
            assert!(should_retry(RetryMode::Always, Method::Post, Status(s)));
            assert!(!should_retry(RetryMode::Never, Method::Get, Status(s)));
        }
        assert!(!should_retry(auto, Method::Get, Status(500)));
        let unsent = Transport {
            sent: false,
            retryable: true,
        };
        let sent = Transport {
            sent: true,
            retryable: true,
        };
        let tls = Transport {
            sent: false,
            retryable: false,
        };
        assert!(should_retry(auto, Method::Post, unsent));
        assert!(!should_retry(auto, Method::Post, sent));
        assert!(!should_retry(auto, Method::Patch, sent));
        assert!(should_retry(auto, Method::Put, sent));
        assert!(should_retry(RetryMode::Always, Method::Post, sent));
        assert!(!should_retry(RetryMode::Always, Method::Get, tls));
    }
}
