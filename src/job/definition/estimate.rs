//! The cost estimate of a definition (or job) and the poll that waits for it.

use crate::api::types;
use crate::request::{self, DecodeError, Decoder, Operation, WithDecoder};
use crate::{Client, Result};

use super::super::poll::poll_until;
use super::super::progress::{SharedReporter, Stage, StageReport, WaitOptions};

/// The cost estimate of a job definition.
///
/// ```no_run
/// # fn demo(d: rapidata::job::JobDefinition) -> rapidata::Result<()> {
/// let e = d.cost_estimate(std::time::Duration::from_secs(300))?;
/// println!("{:.2} ({} datapoints × {:.3} per response)", e.estimated_cost, e.datapoint_count, e.cost_per_response);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct CostEstimate {
    /// The estimated total cost.
    pub estimated_cost: f64,
    /// The cost of one response.
    pub cost_per_response: f64,
    /// Number of datapoints.
    pub datapoint_count: i64,
    /// Number of responses to collect.
    pub required_responses: i64,
}

/// The answer of either cost-estimate endpoint (`GET /job/definition/{id}/cost-estimate`,
/// `GET /job/{id}/cost-estimate`), where an empty 200 body means "not ready". Both answer
/// the same four figures.
pub(crate) struct EstimateOrNotReady;

impl Decoder for EstimateOrNotReady {
    type Output = Option<CostEstimate>;

    fn decode(bytes: &[u8]) -> std::result::Result<Self::Output, DecodeError> {
        if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
            return Ok(None);
        }
        // The job's answer (`GetJobCostEstimateEndpoint_Output`) has the same members.
        let out: types::GetJobDefinitionCostEstimateEndpointOutput = request::decode_json(bytes)?;
        Ok(Some(CostEstimate {
            estimated_cost: out.estimated_cost,
            cost_per_response: out.cost_per_response,
            datapoint_count: out.datapoint_count,
            required_responses: out.required_responses,
        }))
    }
}

/// Polls a cost-estimate endpoint until it answers, reporting [`Stage::Estimating`] to
/// `reporter` (bars on a terminal when `None`) once it had to wait; `what` names the
/// estimate's owner in a timeout.
pub(crate) fn poll_cost_estimate<O: Operation>(
    client: &Client,
    op: &WithDecoder<O, EstimateOrNotReady>,
    what: &str,
    reporter: Option<SharedReporter>,
    options: WaitOptions,
) -> Result<CostEstimate> {
    // Started at the first answer that is not ready: no stage when none is waited for.
    let mut stage: Option<StageReport> = None;
    let what = format!("the cost estimate of {what}");
    let estimate = poll_until(client, &options, &what, "not ready", || {
        match client.send(op) {
            Ok(Some(estimate)) => return Ok(Some(estimate)),
            Ok(None) => {}
            Err(e) if e.status() == Some(409) => {}
            Err(e) => return Err(e),
        }
        match &stage {
            None => {
                let reporter = reporter
                    .clone()
                    .unwrap_or_else(SharedReporter::default_bars);
                stage = Some(reporter.start(Stage::Estimating, None));
            }
            Some(stage) => stage.tick(),
        }
        Ok(None)
    })?;
    if let Some(stage) = &stage {
        stage.finish();
    }
    Ok(estimate)
}
