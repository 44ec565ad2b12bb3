//! Preliminary result downloads (`POST /pipeline/{pipelineId}/preliminary-download`, then
//! `GET /pipeline/preliminary-download/{id}`): a snapshot of a job's result file with the
//! votes collected when it was asked for.
//!
//! The snapshot is taken when it is asked for and is "being prepared" for the first poll,
//! which answers 202 without a body; every later poll answers 200 with the file.

use serde::Serialize;

use crate::api_types::StartPreliminaryDownloadEndpointInput;
use crate::exchange::{json, ApiError, Ctx, Reply};
use crate::results::results_file;
use crate::store::records::PreliminaryRec;
use crate::store::State;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartOutput {
    download_id: String,
}

/// `POST /pipeline/{pipelineId}/preliminary-download`: the job running on that pipeline,
/// snapshotted now.
pub(crate) fn start(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let pipeline_id = c.param(0);
    let _input: StartPreliminaryDownloadEndpointInput = c.body()?;
    let job = st
        .jobs
        .values()
        .find(|j| j.pipeline_id == pipeline_id)
        .ok_or_else(|| ApiError::NotFound(format!("Pipeline '{pipeline_id}' was not found.")))?;
    let body = results_file(st, c, job)?;
    let (download_id, _) = st.new_id(c.cfg);
    st.preliminary
        .insert(download_id.clone(), PreliminaryRec { body, polls: 0 });
    json(&StartOutput { download_id })
}

/// `GET /pipeline/preliminary-download/{preliminaryDownloadId}`: 202 on the first poll,
/// then the snapshot.
pub(crate) fn get(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let rec = st
        .preliminary
        .get_mut(id)
        .ok_or_else(|| ApiError::NotFound(format!("Preliminary download '{id}' was not found.")))?;
    rec.polls += 1;
    if rec.polls == 1 {
        return Ok(Reply::Other {
            status: 202,
            content_type: "application/json",
            body: Vec::new(),
        });
    }
    Ok(Reply::Other {
        status: 200,
        content_type: "application/json",
        body: rec.body.clone(),
    })
}
