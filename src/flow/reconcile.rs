//! Creating things exactly once although an answer can be lost.
//!
//! A `POST` whose answer never arrived (connection dropped after the request was sent, read
//! timeout, 502/504) may or may not have been carried out, so the transport does not repeat
//! it ([`RetryMode::Auto`](crate::RetryMode::Auto)); the error says
//! [`may_have_been_processed`](crate::Error::may_have_been_processed). For creates whose
//! results can be listed, [`create_once`] recovers from that without ever creating twice
//! and without ever taking someone else's look-alike for ours:
//!
//! 1. before sending, it lists the ids of the candidates (e.g. the audiences with the same
//!    name) — one extra `GET` per create;
//! 2. after an ambiguous failure it lists them again, and judges every new id against what
//!    was sent (`judge`: one `GET` per new id, e.g. the definition's dataset must be ours):
//!    new ids that provably are not ours (another client creating the same name meanwhile)
//!    are set aside;
//! 3. exactly one new id that is ours is what the lost request created, and is returned;
//!    no new id of ours means the request was not carried out, and it is sent again (up to
//!    [`CREATE_ATTEMPTS`] times); several ids that match, or one that could not be judged,
//!    cannot be decided: [`Error::UnresolvedCreate`] says so, and nothing is adopted.
//!
//! When the first listing fails (an endpoint that is not available to these credentials,
//! a mock server), the create is sent once as before and an ambiguous failure is returned.

use std::collections::HashSet;

use crate::error::UnresolvedCreate;
use crate::{Client, Error, Result};

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

/// Whether a thing found after a lost answer is the one the lost request created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Everything that was sent matches (for a definition: its dataset is ours).
    Ours,
    /// It differs from what was sent in this way: someone else's.
    NotOurs(String),
}

/// Why the listing after a lost answer does not decide whether it was carried out: the
/// reason and the candidates (id, why it could be ours).
#[derive(Debug)]
pub(crate) struct Undecided {
    reason: String,
    candidates: Vec<(String, String)>,
}

impl Undecided {
    /// The [`Error::UnresolvedCreate`] for a create of `what` that failed with `lost`
    /// (`None`: the failure was reported by an earlier call).
    pub(crate) fn into_error(self, what: &str, lost: Option<Error>) -> Error {
        Error::UnresolvedCreate(Box::new(UnresolvedCreate {
            what: what.to_owned(),
            candidates: self.candidates,
            reason: self.reason,
            lost: lost.map(Box::new),
        }))
    }
}

/// The new ids of `after` (not in `before`), judged: the one that is ours, `None` when
/// none is (the create was not carried out), or [`Undecided`] when several are ours or one
/// could not be judged.
pub(crate) fn resolve(
    what: &str,
    before: &HashSet<String>,
    after: &HashSet<String>,
    judge: impl Fn(&str) -> Result<Verdict>,
) -> std::result::Result<Option<String>, Undecided> {
    let mut new: Vec<&String> = after.difference(before).collect();
    new.sort();
    let mut ours = Vec::new();
    let mut undecided = Vec::new();
    for id in new {
        match judge(id) {
            Ok(Verdict::Ours) => ours.push(id.clone()),
            Ok(Verdict::NotOurs(why)) => {
                log::info!("{what} {id} appeared meanwhile but is not ours: {why}");
            }
            Err(e) => undecided.push((id.clone(), format!("could not be checked: {e}"))),
        }
    }
    if undecided.is_empty() && ours.len() <= 1 {
        return Ok(ours.pop());
    }
    let reason = if undecided.is_empty() {
        format!(
            "{} new {what}s match everything that was sent, so which one is ours cannot be told",
            ours.len()
        )
    } else {
        format!("a new {what} that could be ours could not be checked")
    };
    log::warn!("cannot tell whether the {what} was created: {reason}");
    let mut candidates: Vec<(String, String)> = ours
        .into_iter()
        .map(|id| (id, "matches what was sent".to_owned()))
        .collect();
    candidates.extend(undecided);
    Err(Undecided { reason, candidates })
}

/// Sends `send` until it succeeds or fails unambiguously, never creating twice and never
/// adopting what is not ours; `list` returns the ids of every existing thing the create
/// could have made, `judge` tells whether a new one is what was sent. See the
/// [module docs](self).
pub(crate) fn create_once<T>(
    client: &Client,
    what: &str,
    list: impl Fn() -> Result<HashSet<String>>,
    judge: impl Fn(&str) -> Result<Verdict>,
    send: impl Fn() -> Result<T>,
) -> Result<Created<T>> {
    let before = list();
    create_once_from(client, what, before, list, judge, send)
}

/// [`create_once`] with the first listing already made (`before`, e.g. taken while other
/// requests were in flight, so it costs no time of its own).
pub(crate) fn create_once_from<T>(
    client: &Client,
    what: &str,
    before: Result<HashSet<String>>,
    list: impl Fn() -> Result<HashSet<String>>,
    judge: impl Fn(&str) -> Result<Verdict>,
    send: impl Fn() -> Result<T>,
) -> Result<Created<T>> {
    let before = match before {
        Ok(ids) => Some(ids),
        Err(e) => {
            log::debug!("could not list existing {what}s before creating one ({e}); a lost answer will not be recovered");
            None
        }
    };
    resend(
        client,
        what,
        || send().map(Created::Answered),
        |err| {
            let Some(baseline) = before.as_ref() else {
                return AfterLoss::Give(err);
            };
            let after = match list() {
                Ok(ids) => ids,
                Err(list_err) => {
                    log::warn!("could not check whether the {what} was created ({list_err})");
                    return AfterLoss::Give(err);
                }
            };
            match resolve(what, baseline, &after, &judge) {
                Ok(Some(id)) => {
                    log::debug!("the {what} {id} was created although its answer was lost ({err})");
                    AfterLoss::Created(Created::Found(id))
                }
                Ok(None) => AfterLoss::NotCreated(err),
                Err(undecided) => AfterLoss::Give(undecided.into_error(what, Some(err))),
            }
        },
    )
}

/// What the look after a lost answer found (see [`resend`]).
pub(crate) enum AfterLoss<T> {
    /// The lost request was carried out: this stands for its answer.
    Created(T),
    /// It was not carried out: the create may be sent again (this error is returned if
    /// no send is left).
    NotCreated(Error),
    /// Whether it was carried out cannot be told, or must not be guessed: this error ends
    /// the create.
    Give(Error),
}

/// Sends a create until it is answered, up to [`CREATE_ATTEMPTS`] sends: after a failure
/// that may have been carried out ([`Error::may_have_been_processed`]), `after_loss` looks
/// whether it was, and only when it provably was not is the create sent again, after the
/// client's backoff base (paused on the client's clock). Any other failure is returned at
/// once. The one resend loop behind [`create_once`] and the qualification examples.
pub(crate) fn resend<T>(
    client: &Client,
    what: &str,
    mut send: impl FnMut() -> Result<T>,
    mut after_loss: impl FnMut(Error) -> AfterLoss<T>,
) -> Result<T> {
    let mut sends = 0;
    loop {
        sends += 1;
        let err = match send() {
            Ok(out) => return Ok(out),
            Err(e) => e,
        };
        if !err.may_have_been_processed() {
            return Err(err);
        }
        let err = match after_loss(err) {
            AfterLoss::Created(out) => return Ok(out),
            AfterLoss::Give(e) => return Err(e),
            AfterLoss::NotCreated(err) => err,
        };
        if sends >= CREATE_ATTEMPTS {
            return Err(err);
        }
        let policy = client.retry_policy();
        let delay = policy.backoff_base().min(policy.backoff_max());
        log::warn!(
            "the {what} was not created ({err}); sending it again in {:.3}s (send {} of {CREATE_ATTEMPTS})",
            delay.as_secs_f64(),
            sends + 1
        );
        client.clock().sleep(delay);
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

    /// What the fake sends is ours; anything else was made by someone else.
    fn judge(id: &str) -> Result<Verdict> {
        Ok(if id.starts_with("new-") {
            Verdict::Ours
        } else {
            Verdict::NotOurs("another writer's".into())
        })
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
        let out = create_once(&client(), "thing", || fake.list(), judge, || fake.send()).unwrap();
        assert_eq!(out, Created::Found("new-1".into()));
        assert_eq!(*fake.sends.borrow(), 1);
        assert_eq!(fake.existing.borrow().len(), 2);
    }

    #[test]
    fn an_unprocessed_create_is_sent_again() {
        let fake = Fake::new(&["old"], &[(false, false), (true, true)]);
        let out = create_once(&client(), "thing", || fake.list(), judge, || fake.send()).unwrap();
        assert_eq!(out, Created::Answered("new-2".into()));
        assert_eq!(fake.existing.borrow().len(), 2);
    }

    #[test]
    fn attempts_are_bounded_and_the_last_error_returned() {
        let fake = Fake::new(&[], &[(false, false); CREATE_ATTEMPTS as usize]);
        let err =
            create_once(&client(), "thing", || fake.list(), judge, || fake.send()).unwrap_err();
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
            judge,
            || fake.send(),
        )
        .unwrap_err();
        assert!(err.may_have_been_processed());
        assert_eq!(*fake.sends.borrow(), 1);
    }

    /// `list` of `fake` plus, once something was sent, the ids in `others` (another writer
    /// creating the same name meanwhile).
    fn with_others<'a>(
        fake: &'a Fake,
        others: &'a [&'a str],
    ) -> impl Fn() -> Result<HashSet<String>> + 'a {
        move || {
            let mut ids = fake.list()?;
            if *fake.sends.borrow() > 0 {
                ids.extend(others.iter().map(|s| s.to_string()));
            }
            Ok(ids)
        }
    }

    #[test]
    fn a_look_alike_created_meanwhile_is_set_aside_and_ours_found() {
        let fake = Fake::new(&[], &[(true, false)]);
        let out = create_once(
            &client(),
            "thing",
            with_others(&fake, &["someone-else"]),
            judge,
            || fake.send(),
        )
        .unwrap();
        assert_eq!(out, Created::Found("new-1".into()));
        assert_eq!(*fake.sends.borrow(), 1);
    }

    /// Issue 16, defect 1: the create was lost before the server carried it out, and
    /// meanwhile another writer created a look-alike. It used to be adopted as ours (the
    /// only new id); now it is set aside and ours is sent again.
    #[test]
    fn a_lost_create_does_not_adopt_another_writers_look_alike() {
        let fake = Fake::new(&[], &[(false, false), (true, true)]);
        let out = create_once(
            &client(),
            "thing",
            with_others(&fake, &["someone-else"]),
            judge,
            || fake.send(),
        )
        .unwrap();
        assert_eq!(out, Created::Answered("new-2".into()));
        assert_eq!(*fake.sends.borrow(), 2);
    }

    #[test]
    fn several_matching_look_alikes_are_an_unresolved_create() {
        let fake = Fake::new(&[], &[(true, false)]);
        // `new-x` matches what was sent as well as ours does.
        let err = create_once(
            &client(),
            "thing",
            with_others(&fake, &["new-x"]),
            judge,
            || fake.send(),
        )
        .unwrap_err();
        assert!(err.may_have_been_processed());
        let Error::UnresolvedCreate(u) = &err else {
            panic!("{err:?}")
        };
        let ids: Vec<&str> = u.candidates().iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["new-1", "new-x"]);
        assert!(err.to_string().contains("cannot be told"), "{err}");
        assert_eq!(*fake.sends.borrow(), 1);
    }

    #[test]
    fn a_look_alike_that_cannot_be_checked_is_an_unresolved_create() {
        let fake = Fake::new(&[], &[(false, false)]);
        let err = create_once(
            &client(),
            "thing",
            with_others(&fake, &["someone-else"]),
            |_| Err(Error::invalid_input("id", 1, "not readable")),
            || fake.send(),
        )
        .unwrap_err();
        assert!(err.may_have_been_processed());
        assert!(matches!(err, Error::UnresolvedCreate(_)), "{err:?}");
        assert!(err.to_string().contains("could not be checked"), "{err}");
        assert_eq!(*fake.sends.borrow(), 1);
    }
}
