//! The endpoint handlers, one service per file. Each takes the locked
//! [`State`](crate::store::State) and the request context and answers with a
//! [`Reply`](crate::exchange::Reply) or an [`ApiError`](crate::exchange::ApiError);
//! [`crate::routes::dispatch`] calls the one a request matched.

pub(crate) mod asset;
pub(crate) mod audience;
mod checks;
pub(crate) mod dataset;
pub(crate) mod definition;
pub(crate) mod example;
pub(crate) mod job;
pub(crate) mod preliminary;
pub(crate) mod revision;
pub(crate) mod unlisted;
pub(crate) mod validation;
