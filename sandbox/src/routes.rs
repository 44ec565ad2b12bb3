//! Every endpoint the sandbox serves, matching a request's method and path to one, and
//! dispatching a matched request to its handler in [`crate::api`].

use crate::api::asset::{
    abort_batch, batch_result, batch_status, create_batch, upload_file, upload_url,
};
use crate::api::audience::{
    audience_jobs, create_audience, delete_audience, filter_audience, get_audience, list_audiences,
    patch_audience, recruit, user_metrics,
};
use crate::api::dataset::{
    create_datapoint, create_dataset, create_group, dataset_progress, get_dataset, list_datapoints,
    shorten_context,
};
use crate::api::definition::{
    create_definition, delete_definition, get_definition, list_definitions,
};
use crate::api::example::{add_example, delete_example, list_examples, patch_example};
use crate::api::job::{
    create_job, delete_job, download_results, get_job, job_cost, job_progress, list_jobs,
    pause_job, resume_job, retry_job,
};
use crate::api::revision::{create_revision, definition_cost, get_revision, list_revisions};
use crate::api::{preliminary, unlisted, validation};
use crate::exchange::*;
use crate::store::State;
use crate::util::percent_decode;

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

/// Every endpoint the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Token,
    UserInfo,
    CreateAudience,
    GetAudience,
    PatchAudience,
    DeleteAudience,
    ListAudiences,
    FilterAudience,
    Recruit,
    UserMetrics,
    AudienceJobs,
    AddExample,
    ListExamples,
    PatchExample,
    DeleteExample,
    UploadUrl,
    UploadFile,
    CreateBatch,
    BatchStatus,
    BatchResult,
    AbortBatch,
    ShortenContext,
    CreateDataset,
    GetDataset,
    CreateDatapoint,
    ListDatapoints,
    DatasetProgress,
    CreateGroup,
    CreateDefinition,
    GetDefinition,
    DeleteDefinition,
    ListDefinitions,
    CreateRevision,
    GetLatestRevision,
    GetRevision,
    ListRevisions,
    DefinitionCost,
    CreateJob,
    GetJob,
    DeleteJob,
    JobProgress,
    JobCost,
    PauseJob,
    ResumeJob,
    RetryJob,
    DownloadResults,
    ListJobs,
    StartPreliminaryDownload,
    GetPreliminaryDownload,
    CreateUnlistedAudience,
    GetUnlistedAudience,
    CreateValidationSet,
    GetValidationSet,
    PatchValidationSet,
    DeleteValidationSet,
    ListValidationSets,
    AddValidationRapid,
    ListValidationRapids,
    BridgeCreate,
    BridgeRead,
    AuthorizeExternal,
    CreateClient,
}

/// (method, path template, route).
type RouteEntry = (&'static str, &'static str, Route);

/// Every route. Templates use the spec's parameter names.
pub(crate) const ROUTES: &[RouteEntry] = &[
    ("POST", "/connect/token", Route::Token),
    // The browser (bridge-token) login: see `bridge` below.
    ("POST", "/identity/bridge-token", Route::BridgeCreate),
    ("GET", "/identity/bridge-token", Route::BridgeRead),
    (
        "GET",
        "/connect/authorize/external",
        Route::AuthorizeExternal,
    ),
    ("POST", "/client", Route::CreateClient),
    // The official SDK spells it `/Client`.
    ("POST", "/Client", Route::CreateClient),
    ("GET", "/connect/userinfo", Route::UserInfo),
    ("POST", "/audience", Route::CreateAudience),
    ("GET", "/audience/{audienceId}", Route::GetAudience),
    ("PATCH", "/audience/{audienceId}", Route::PatchAudience),
    ("DELETE", "/audience/{audienceId}", Route::DeleteAudience),
    ("GET", "/audiences", Route::ListAudiences),
    (
        "POST",
        "/audience/{baseAudienceId}/filter",
        Route::FilterAudience,
    ),
    ("POST", "/audience/{audienceId}/recruit", Route::Recruit),
    (
        "GET",
        "/audience/{audienceId}/user-metrics",
        Route::UserMetrics,
    ),
    ("GET", "/audience/{audienceId}/jobs", Route::AudienceJobs),
    ("POST", "/audience/{audienceId}/example", Route::AddExample),
    (
        "GET",
        "/audience/{audienceId}/examples",
        Route::ListExamples,
    ),
    (
        "PATCH",
        "/audience/{audienceId}/example/{exampleId}",
        Route::PatchExample,
    ),
    (
        "DELETE",
        "/audience/example/{exampleId}",
        Route::DeleteExample,
    ),
    ("POST", "/asset/url", Route::UploadUrl),
    ("POST", "/asset/file", Route::UploadFile),
    ("POST", "/asset/batch-upload", Route::CreateBatch),
    ("GET", "/asset/batch-upload/status", Route::BatchStatus),
    (
        "GET",
        "/asset/batch-upload/{batchUploadId}",
        Route::BatchResult,
    ),
    (
        "POST",
        "/asset/batch-upload/{batchUploadId}/abort",
        Route::AbortBatch,
    ),
    ("POST", "/datasets/shorten-context", Route::ShortenContext),
    ("POST", "/dataset", Route::CreateDataset),
    ("GET", "/dataset/{datasetId}", Route::GetDataset),
    (
        "POST",
        "/dataset/{datasetId}/datapoint",
        Route::CreateDatapoint,
    ),
    (
        "GET",
        "/dataset/{datasetId}/datapoints",
        Route::ListDatapoints,
    ),
    (
        "GET",
        "/dataset/{datasetId}/progress",
        Route::DatasetProgress,
    ),
    ("POST", "/dataset/{datasetId}/group", Route::CreateGroup),
    ("POST", "/job/definition", Route::CreateDefinition),
    (
        "GET",
        "/job/definition/{definitionId}",
        Route::GetDefinition,
    ),
    (
        "DELETE",
        "/job/definition/{definitionId}",
        Route::DeleteDefinition,
    ),
    ("GET", "/job/definitions", Route::ListDefinitions),
    (
        "POST",
        "/job/definition/{definitionId}/revision",
        Route::CreateRevision,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/revision",
        Route::GetLatestRevision,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/revision/{revisionNumber}",
        Route::GetRevision,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/revisions",
        Route::ListRevisions,
    ),
    (
        "GET",
        "/job/definition/{definitionId}/cost-estimate",
        Route::DefinitionCost,
    ),
    ("POST", "/job", Route::CreateJob),
    ("GET", "/job/{jobId}", Route::GetJob),
    ("DELETE", "/job/{jobId}", Route::DeleteJob),
    ("GET", "/job/{jobId}/progress", Route::JobProgress),
    ("GET", "/job/{jobId}/cost-estimate", Route::JobCost),
    ("POST", "/job/{jobId}/pause", Route::PauseJob),
    ("POST", "/job/{jobId}/resume", Route::ResumeJob),
    ("POST", "/job/{jobId}/retry", Route::RetryJob),
    (
        "GET",
        "/job/{jobId}/download-results",
        Route::DownloadResults,
    ),
    ("GET", "/jobs", Route::ListJobs),
    (
        "POST",
        "/pipeline/{pipelineId}/preliminary-download",
        Route::StartPreliminaryDownload,
    ),
    (
        "GET",
        "/pipeline/preliminary-download/{preliminaryDownloadId}",
        Route::GetPreliminaryDownload,
    ),
    ("POST", "/audience/unlisted", Route::CreateUnlistedAudience),
    (
        "GET",
        "/audience/unlisted/{audienceId}",
        Route::GetUnlistedAudience,
    ),
    ("POST", "/validation-set", Route::CreateValidationSet),
    (
        "GET",
        "/validation-set/{validationSetId}",
        Route::GetValidationSet,
    ),
    (
        "PATCH",
        "/validation-set/{validationSetId}",
        Route::PatchValidationSet,
    ),
    (
        "DELETE",
        "/validation-set/{validationSetId}",
        Route::DeleteValidationSet,
    ),
    (
        "POST",
        "/validation-set/{validationSetId}/rapid",
        Route::AddValidationRapid,
    ),
    (
        "GET",
        "/validation-set/{validationSetId}/rapids",
        Route::ListValidationRapids,
    ),
    ("GET", "/validation-sets", Route::ListValidationSets),
];

/// A matched route.
pub(crate) struct Matched {
    pub route: Route,
    /// `"POST /audience/{audienceId}/example"`.
    pub key: String,
    /// Decoded path parameters, in template order.
    pub params: Vec<String>,
}

/// Finds the most specific route for a path (literal segments beat parameters).
pub(crate) fn match_route(method: &str, raw_path: &str) -> Result<Matched, ApiError> {
    let trimmed = if raw_path.len() > 1 {
        raw_path.strip_suffix('/').unwrap_or(raw_path)
    } else {
        raw_path
    };
    let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
    let mut best: Option<(usize, &RouteEntry, Vec<String>)> = None;
    let mut allowed: Vec<&str> = Vec::new();
    for entry in ROUTES {
        let template: Vec<&str> = entry.1.split('/').skip(1).collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut literals = 0;
        let mut params = Vec::new();
        let ok = template.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') {
                let decoded = percent_decode(s, false);
                params.push(decoded);
                !s.is_empty()
            } else {
                literals += 1;
                t == s
            }
        });
        if !ok {
            continue;
        }
        if entry.0 != method {
            allowed.push(entry.0);
            continue;
        }
        if best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
            best = Some((literals, entry, params));
        }
    }
    match best {
        Some((_, entry, params)) => Ok(Matched {
            route: entry.2,
            key: format!("{} {}", entry.0, entry.1),
            params,
        }),
        None if !allowed.is_empty() => {
            allowed.dedup();
            Err(ApiError::MethodNotAllowed(allowed.join(", ")))
        }
        None => Err(ApiError::NoRoute),
    }
}

/// Routes a matched request to its handler.
pub(crate) fn dispatch(route: Route, st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    match route {
        Route::Token
        | Route::UserInfo
        | Route::BridgeCreate
        | Route::BridgeRead
        | Route::AuthorizeExternal
        | Route::CreateClient => Err(ApiError::NoRoute),
        Route::CreateAudience => create_audience(st, c),
        Route::GetAudience => get_audience(st, c),
        Route::PatchAudience => patch_audience(st, c),
        Route::DeleteAudience => delete_audience(st, c),
        Route::ListAudiences => list_audiences(st, c),
        Route::FilterAudience => filter_audience(st, c),
        Route::Recruit => recruit(st, c),
        Route::UserMetrics => user_metrics(st, c),
        Route::AudienceJobs => audience_jobs(st, c),
        Route::AddExample => add_example(st, c),
        Route::ListExamples => list_examples(st, c),
        Route::PatchExample => patch_example(st, c),
        Route::DeleteExample => delete_example(st, c),
        Route::UploadUrl => upload_url(st, c),
        Route::UploadFile => upload_file(st, c),
        Route::CreateBatch => create_batch(st, c),
        Route::BatchStatus => batch_status(st, c),
        Route::BatchResult => batch_result(st, c),
        Route::AbortBatch => abort_batch(st, c),
        Route::ShortenContext => shorten_context(c),
        Route::CreateDataset => create_dataset(st, c),
        Route::GetDataset => get_dataset(st, c),
        Route::CreateDatapoint => create_datapoint(st, c),
        Route::ListDatapoints => list_datapoints(st, c),
        Route::DatasetProgress => dataset_progress(st, c),
        Route::CreateGroup => create_group(st, c),
        Route::CreateDefinition => create_definition(st, c),
        Route::GetDefinition => get_definition(st, c),
        Route::DeleteDefinition => delete_definition(st, c),
        Route::ListDefinitions => list_definitions(st, c),
        Route::CreateRevision => create_revision(st, c),
        Route::GetLatestRevision => get_revision(st, c, None),
        Route::GetRevision => {
            let n = c.param(1).parse::<i32>().map_err(|_| {
                ApiError::field(
                    "revisionNumber",
                    format!("The value '{}' is not valid.", c.param(1)),
                )
            })?;
            get_revision(st, c, Some(n))
        }
        Route::ListRevisions => list_revisions(st, c),
        Route::DefinitionCost => definition_cost(st, c),
        Route::CreateJob => create_job(st, c),
        Route::GetJob => get_job(st, c),
        Route::DeleteJob => delete_job(st, c),
        Route::JobProgress => job_progress(st, c),
        Route::JobCost => job_cost(st, c),
        Route::PauseJob => pause_job(st, c),
        Route::ResumeJob => resume_job(st, c),
        Route::RetryJob => retry_job(st, c),
        Route::DownloadResults => download_results(st, c),
        Route::ListJobs => list_jobs(st, c),
        Route::StartPreliminaryDownload => preliminary::start(st, c),
        Route::CreateUnlistedAudience => unlisted::create(st, c),
        Route::GetUnlistedAudience => unlisted::get(st, c),
        Route::CreateValidationSet => validation::create(st, c),
        Route::GetValidationSet => validation::get(st, c),
        Route::PatchValidationSet => validation::patch(st, c),
        Route::DeleteValidationSet => validation::delete(st, c),
        Route::ListValidationSets => validation::list_sets(st, c),
        Route::AddValidationRapid => validation::add_rapid(st, c),
        Route::ListValidationRapids => validation::list_rapids(st, c),
        Route::GetPreliminaryDownload => preliminary::get(st, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win() {
        assert_eq!(
            match_route("GET", "/job/definitions").unwrap().route,
            Route::ListDefinitions
        );
        assert_eq!(match_route("GET", "/job/abc").unwrap().route, Route::GetJob);
        assert_eq!(
            match_route("GET", "/asset/batch-upload/status")
                .unwrap()
                .route,
            Route::BatchStatus
        );
        let m = match_route("POST", "/audience/aud%5Fx/example").unwrap();
        assert_eq!(m.route, Route::AddExample);
        assert_eq!(m.params, vec!["aud_x".to_string()]);
        assert_eq!(m.key, "POST /audience/{audienceId}/example");
        assert!(matches!(
            match_route("PUT", "/audience/x"),
            Err(ApiError::MethodNotAllowed(_))
        ));
        assert!(matches!(
            match_route("GET", "/nope"),
            Err(ApiError::NoRoute)
        ));
        assert_eq!(
            match_route("DELETE", "/audience/example/e1").unwrap().route,
            Route::DeleteExample
        );
    }
}
