//! Uploading a job definition's datapoints as one pipeline: URL assets through the batch
//! endpoint (`POST /asset/url/batch`), files one by one (`POST /asset/file`), and each
//! datapoint created (`POST /dataset/{id}/datapoint`) as soon as
//! its own assets exist, while the dataset is created and other requests run alongside;
//! everything on at most `max_workers` threads. A datapoint whose creation failed in a way
//! that may still have created it is looked up in a listing of the dataset before it is
//! sent again, so each is created exactly once (see `src/flow/reconcile.rs`).

mod batches;
mod listing;
mod pipeline;
mod resend;
#[cfg(test)]
mod tests;
mod tuning;

pub(crate) use pipeline::{upload_datapoints, Alongside, Dataset};
