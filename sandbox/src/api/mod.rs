//! The endpoint handlers, one service per file. Each takes the locked [`State`] and the
//! request context and answers with a [`Reply`] or an [`ApiError`]; [`dispatch`] routes a
//! matched request to its handler.

mod asset;
mod audience;
mod checks;
mod dataset;
mod definition;
mod example;
mod job;
mod preliminary;
mod revision;
mod unlisted;
mod validation;

use crate::exchange::{ApiError, Ctx, Reply};
use crate::routes::Route;
use crate::store::State;

use asset::{abort_batch, batch_result, batch_status, create_batch, upload_file, upload_url};
use audience::{
    audience_jobs, create_audience, delete_audience, filter_audience, get_audience, list_audiences,
    patch_audience, recruit, user_metrics,
};
use dataset::{
    create_datapoint, create_dataset, create_group, dataset_progress, get_dataset, list_datapoints,
    shorten_context,
};
use definition::{create_definition, delete_definition, get_definition, list_definitions};
use example::{add_example, delete_example, list_examples, patch_example};
use job::{
    create_job, delete_job, download_results, get_job, job_cost, job_progress, list_jobs,
    pause_job, resume_job, retry_job,
};
use revision::{create_revision, definition_cost, get_revision, list_revisions};

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
