//! The pipeline's limits and pacing, in one place.

use std::time::Duration;

/// URLs per `POST /asset/batch-upload` request.
pub(super) const BATCH_SIZE: usize = 1000;
/// The pause between a batch's creation and the first status poll.
pub(super) const BATCH_POLL_FIRST: Duration = Duration::from_millis(20);
/// The shortest pause between two batch status polls.
pub(super) const BATCH_POLL_MIN: Duration = Duration::from_millis(10);
/// The longest pause between two batch status polls.
pub(super) const BATCH_POLL_MAX: Duration = Duration::from_millis(500);
/// Between two polls, the wait is this fraction (1 / n) of how long the oldest open batch
/// has taken so far: a batch is seen done at most about a sixth of its own duration after
/// it finished, and the number of polls grows with the logarithm of the duration (about
/// 8 for 0.1 s, 30 for 5 s, then one every [`BATCH_POLL_MAX`]). Quick batches are seen
/// quickly, slow ones cost few requests.
pub(super) const BATCH_POLL_DIVISOR: u32 = 6;
/// Batch creations in flight at once (each one's body holds its URLs once more): the
/// first batches start at once, the others as those are created, long before the
/// datapoints of the first ones are done.
pub(super) const BATCHES_IN_FLIGHT: usize = 2;
/// Attempts in total to create one datapoint.
pub(super) const DATAPOINT_ATTEMPTS: u32 = 3;
/// The most datapoints a dataset listing walks through (at most 10,000 pages).
pub(super) const MAX_LISTED_DATAPOINTS: u64 = 1_000_000;

/// The pipeline's queue lanes, the lower served first: what everything else waits for
/// (the dataset, batch creation, polls and results, the listing run alongside), then
/// datapoints whose assets exist; file uploads are drawn when both lanes are empty.
pub(super) const LANE_CONTROL: usize = 0;
pub(super) const LANE_DATAPOINT: usize = 1;
pub(super) const LANES: usize = 2;
