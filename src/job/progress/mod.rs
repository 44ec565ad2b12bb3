//! Job progress as data, and where to show it.
//!
//! [`Progress`] is one reading of a job's state and completion. While waiting, a
//! [`Job`](crate::job::Job) hands every reading to a [`ProgressSink`]: `()` ignores them,
//! [`ProgressBarSink`] draws an indicatif bar on standard error when it is a terminal (and
//! nothing otherwise), and any type of your own can log or forward them.

#[cfg(feature = "progress-bar")]
mod bars;
mod sink;
mod stage;
mod wait;
mod waiting;

#[cfg(feature = "progress-bar")]
pub use bars::{ProgressBarSink, ProgressBars};
pub use sink::{Progress, ProgressSink};
pub use stage::{EventKind, ProgressEvent, Reporter, Stage};
pub(crate) use stage::{SharedReporter, StageReport};
pub use wait::WaitOptions;
pub(crate) use wait::{next_poll_interval, Reading};
pub use waiting::WaitingStage;

#[cfg(all(test, feature = "progress-bar"))]
mod tests;

impl SharedReporter {
    /// The default: bars on standard error when it is a terminal, nothing otherwise
    /// (and nothing at all without the `progress-bar` feature).
    pub(crate) fn default_bars() -> SharedReporter {
        #[cfg(feature = "progress-bar")]
        return SharedReporter::new(ProgressBars::new());
        #[cfg(not(feature = "progress-bar"))]
        return SharedReporter::new(());
    }
}
