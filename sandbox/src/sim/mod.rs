//! The simulated crowd: labelers, qualification (graduation) of custom audiences, and the
//! votes a running job receives.
//!
//! Every draw is a pure function of the seed and of content (labeler index, example and
//! datapoint contents, vote number), so the same seed and the same inputs give the same
//! audiences and the same results, whatever the timing or order of the client's requests.

mod crowd;
mod leaning;
mod qualification;
mod votes;

pub(crate) use crowd::*;
pub(crate) use leaning::*;
pub(crate) use qualification::*;
pub(crate) use votes::*;
