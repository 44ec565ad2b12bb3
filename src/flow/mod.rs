//! The mechanisms of many requests, built on [`Client::send`](crate::Client::send):
//!
//! * [`poll`]: asking again until there is an answer or a deadline has passed (the one
//!   poll loop of the crate: job waits, cost estimates, preliminary results, the browser
//!   login);
//! * [`reconcile`]: creating things exactly once although an answer can be lost, and
//!   sending a create again;
//! * [`paging`]: listing endpoints read page by page ([`Pages`](crate::Pages)), the
//!   listing page size and the newest-first order;
//! * [`find`]: [`Find<Q>`](crate::Find), the one shape of every list builder;
//! * [`parallel`]: running many requests on worker threads.
//!
//! Every pause goes through the client's [`Clock`](crate::Clock).

pub(crate) mod find;
pub(crate) mod paging;
pub(crate) mod parallel;
pub(crate) mod poll;
pub(crate) mod reconcile;
