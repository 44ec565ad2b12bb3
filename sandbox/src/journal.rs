//! The request journal behind `GET /_sandbox/requests` and [`crate::Sandbox::requests`]:
//! every API request (not `/_sandbox/*`) in arrival order, with the status it got and its
//! request and response bodies.
//!
//! Memory is bounded: at most [`MAX_ENTRIES`] entries are kept (the oldest are forgotten
//! first), and a body larger than [`MAX_BODY`] bytes is recorded as
//! `{"omitted": true, "size": n}` instead of its content.

use std::collections::VecDeque;

use serde_json::{json, Value};

use crate::http::{Outcome, Request};
use crate::util::parse_multipart;

/// Most entries kept; older ones are dropped first.
pub(crate) const MAX_ENTRIES: usize = 100_000;
/// Largest body (request or response) recorded with its content.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// The journal: entries by arrival number; `None` while a request is in flight.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    /// Arrival number of `entries[0]`.
    first: u64,
    entries: VecDeque<Option<Value>>,
}

impl Journal {
    /// Reserves the next arrival slot (call when a request arrives).
    pub fn reserve(&mut self) -> u64 {
        let slot = self.first + self.entries.len() as u64;
        self.entries.push_back(None);
        while self.entries.len() > MAX_ENTRIES {
            self.entries.pop_front();
            self.first += 1;
        }
        slot
    }

    /// Fills a reserved slot (a no-op if it was forgotten meanwhile).
    pub fn fill(&mut self, slot: u64, entry: Value) {
        if let Some(i) = slot.checked_sub(self.first) {
            if let Some(e) = self.entries.get_mut(i as usize) {
                *e = Some(entry);
            }
        }
    }

    /// The finished entries, in arrival order.
    pub fn entries(&self) -> Vec<Value> {
        self.entries.iter().flatten().cloned().collect()
    }
}

/// The journal entry of a request and what it got (a dropped connection has status 0 and
/// no response).
pub(crate) fn entry(req: &Request, outcome: &Outcome) -> Value {
    let (status, mut response) = match outcome {
        Outcome::Respond(r) => (r.status, body_value(&r.body)),
        Outcome::Drop => (0, Value::Null),
    };
    if req.path.eq_ignore_ascii_case("/client") {
        // A new client's secret stays out of the journal too.
        if let Some(secret) = response.get_mut("clientSecret") {
            *secret = Value::from("***");
        }
    }
    let body = if req.path == "/connect/token" {
        // Credentials stay out of the journal.
        Value::Null
    } else {
        request_body(req)
    };
    json!({
        "method": req.method,
        "path": req.path,
        "query": req.query,
        "status": status,
        "body": body,
        "response": response,
    })
}

fn request_body(req: &Request) -> Value {
    let content_type = req.header("content-type").unwrap_or("");
    if content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/")
    {
        if let Ok(parts) = parse_multipart(content_type, &req.body) {
            let parts: Vec<Value> = parts
                .iter()
                .map(|p| {
                    json!({
                        "name": p.name,
                        "filename": p.filename,
                        "content_type": p.content_type,
                        "size": p.data.len(),
                    })
                })
                .collect();
            return json!({ "multipart": parts });
        }
    }
    body_value(&req.body)
}

/// `null` when empty, the parsed JSON when it is JSON (whatever the content type says, so
/// that result files show as JSON), else the text (lossy UTF-8).
fn body_value(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    if body.len() > MAX_BODY {
        return json!({"omitted": true, "size": body.len()});
    }
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_keep_arrival_order_and_the_bound() {
        let mut j = Journal::default();
        let a = j.reserve();
        let b = j.reserve();
        j.fill(b, json!(2));
        assert_eq!(j.entries(), vec![json!(2)]);
        j.fill(a, json!(1));
        assert_eq!(j.entries(), vec![json!(1), json!(2)]);
        for _ in 0..MAX_ENTRIES {
            let s = j.reserve();
            j.fill(s, json!(0));
        }
        assert_eq!(j.entries().len(), MAX_ENTRIES);
        j.fill(a, json!("late")); // forgotten: no effect
        assert!(!j.entries().contains(&json!("late")));
    }

    #[test]
    fn bodies() {
        assert_eq!(body_value(b""), Value::Null);
        assert_eq!(body_value(b"{\"a\":1}"), json!({"a": 1}));
        assert_eq!(body_value(b"ok"), json!("ok"));
    }
}
