//! Creating things exactly once although an answer can be lost.
//!
//! A `POST` whose answer never arrived (connection dropped after the request was sent, read
//! timeout, 502/504) may or may not have been carried out, so the transport does not repeat
//! it ([`RetryMode::Auto`](crate::RetryMode::Auto)); the error says
//! [`may_have_been_processed`](crate::Error::may_have_been_processed). For creates whose
//! results can be listed, [`create_once`] recovers from that without ever creating twice:
//!
//! 1. before sending, it lists the ids of the candidates (e.g. the audiences with the same
//!    name) — one extra `GET` per create;
//! 2. after an ambiguous failure it lists them again: exactly one new id is what the lost
//!    request created, and is returned; no new id means the request was not carried out,
//!    and it is sent again (up to [`CREATE_ATTEMPTS`] times); several new ids (someone else
//!    created look-alikes meanwhile) cannot be told apart, and the original error is
//!    returned.
//!
//! When the first listing fails (an endpoint that is not available to these credentials,
//! a mock server), the create is sent once as before and an ambiguous failure is returned.

use std::collections::HashSet;

use crate::{Client, Result};

/// Sends of one create in total (each send has the transport's own retries for 429/503).
pub(crate) const CREATE_ATTEMPTS: u32 = 3;

/// What [`create_once`] ended with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Created<T> {
    /// The create request succeeded; its answer.
    Answered(T),
    /// The answer was lost, but the listing shows the request was carried out: the new id.
    Found(String),
}

/// Sends `send` until it succeeds or fails unambiguously, never creating twice; `list`
/// returns the ids of every existing thing the create could have made. See the
/// [module docs](self).
pub(crate) fn create_once<T>(
    client: &Client,
    what: &str,
    list: impl Fn() -> Result<HashSet<String>>,
    send: impl Fn() -> Result<T>,
) -> Result<Created<T>> {
    let before = list();
    create_once_from(client, what, before, list, send)
}

/// [`create_once`] with the first listing already made (`before`, e.g. taken while other
/// requests were in flight, so it costs no time of its own).
pub(crate) fn create_once_from<T>(
    client: &Client,
    what: &str,
    before: Result<HashSet<String>>,
    list: impl Fn() -> Result<HashSet<String>>,
    send: impl Fn() -> Result<T>,
) -> Result<Created<T>> {
    let before = match before {
        Ok(ids) => Some(ids),
        Err(e) => {
            log::debug!("could not list existing {what}s before creating one ({e}); a lost answer will not be recovered");
            None
        }
    };
    let mut sends = 0;
    loop {
        sends += 1;
        let err = match send() {
            Ok(out) => return Ok(Created::Answered(out)),
            Err(e) => e,
        };
        let Some(before) = before.as_ref() else {
            return Err(err);
        };
        if !err.may_have_been_processed() {
            return Err(err);
        }
        let after = match list() {
            Ok(ids) => ids,
            Err(list_err) => {
                log::warn!("could not check whether the {what} was created ({list_err})");
                return Err(err);
            }
        };
        let new: Vec<&String> = after.difference(before).collect();
        match new.as_slice() {
            [id] => {
                log::debug!("the {what} {id} was created although its answer was lost ({err})");
                return Ok(Created::Found((*id).clone()));
            }
            [] if sends < CREATE_ATTEMPTS => {
                let policy = client.retry_policy();
                let delay = policy.backoff_base().min(policy.backoff_max());
                log::warn!(
                    "the {what} was not created ({err}); sending it again in {:.3}s (send {} of {CREATE_ATTEMPTS})",
                    delay.as_secs_f64(),
                    sends + 1
                );
                std::thread::sleep(delay);
            }
            [] => return Err(err),
            several => {
                log::warn!(
                    "{} new {what}s appeared while creating one ({err}); cannot tell which is ours",
                    several.len()
                );
                return Err(err);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{OperationInfo, TransportError, TransportErrorKind};
    use crate::request::Method;
    use crate::Error;
    use std::cell::RefCell;

    fn client() -> Client {
        Client::builder()
            .token("t")
            .api_url("http://127.0.0.1:9")
            .backoff_base(std::time::Duration::from_millis(1))
            .env_lookup(|_| None)
            .build()
            .unwrap()
    }

    fn lost() -> Error {
        TransportError::new(
            OperationInfo::new("create", Method::Post, "/thing".to_owned()),
            TransportErrorKind::ConnectionLost,
            true,
            true,
            1,
            Box::new(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
        )
        .into()
    }

    fn ids(v: &[&str]) -> HashSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// A fake server: `existing` ids; each send runs the next of `sends` (true = the
    /// request was carried out, then its answer was lost / answered).
    struct Fake {
        existing: RefCell<HashSet<String>>,
        outcomes: RefCell<Vec<(bool, bool)>>,
        sends: RefCell<u32>,
    }

    impl Fake {
        fn new(existing: &[&str], outcomes: &[(bool, bool)]) -> Fake {
            Fake {
                existing: RefCell::new(ids(existing)),
                outcomes: RefCell::new(outcomes.iter().rev().copied().collect()),
                sends: RefCell::new(0),
            }
        }
        fn list(&self) -> Result<HashSet<String>> {
            Ok(self.existing.borrow().clone())
        }
        fn send(&self) -> Result<String> {
            let n = {
                let mut s = self.sends.borrow_mut();
                *s += 1;
                *s
            };
            let (processed, answered) = self.outcomes.borrow_mut().pop().expect("no more sends");
            let id = format!("new-{n}");
            if processed {
                self.existing.borrow_mut().insert(id.clone());
            }
            if answered {
                Ok(id)
            } else {
                Err(lost())
            }
        }
    }

    #[test]
    fn a_lost_answer_of_a_processed_create_is_found_not_repeated() {
        let fake = Fake::new(&["old"], &[(true, false)]);
        let out = create_once(&client(), "thing", || fake.list(), || fake.send()).unwrap();
        assert_eq!(out, Created::Found("new-1".into()));
        assert_eq!(*fake.sends.borrow(), 1);
        assert_eq!(fake.existing.borrow().len(), 2);
    }

    #[test]
    fn an_unprocessed_create_is_sent_again() {
        let fake = Fake::new(&["old"], &[(false, false), (true, true)]);
        let out = create_once(&client(), "thing", || fake.list(), || fake.send()).unwrap();
        assert_eq!(out, Created::Answered("new-2".into()));
        assert_eq!(fake.existing.borrow().len(), 2);
    }

    #[test]
    fn attempts_are_bounded_and_the_last_error_returned() {
        let fake = Fake::new(&[], &[(false, false); CREATE_ATTEMPTS as usize]);
        let err = create_once(&client(), "thing", || fake.list(), || fake.send()).unwrap_err();
        assert!(err.may_have_been_processed());
        assert_eq!(*fake.sends.borrow(), CREATE_ATTEMPTS);
    }

    #[test]
    fn without_a_baseline_an_ambiguous_failure_is_returned() {
        let fake = Fake::new(&[], &[(true, false)]);
        let err = create_once(
            &client(),
            "thing",
            || Err(Error::invalid_input("x", 1, "no listing")),
            || fake.send(),
        )
        .unwrap_err();
        assert!(err.may_have_been_processed());
        assert_eq!(*fake.sends.borrow(), 1);
    }

    #[test]
    fn look_alikes_created_meanwhile_are_not_taken_for_ours() {
        let fake = Fake::new(&[], &[(true, false)]);
        let err = create_once(
            &client(),
            "thing",
            || {
                let mut ids = fake.list()?;
                if *fake.sends.borrow() > 0 {
                    ids.insert("someone-else".into());
                }
                Ok(ids)
            },
            || fake.send(),
        )
        .unwrap_err();
        assert!(err.may_have_been_processed());
    }
}
