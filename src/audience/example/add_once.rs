//! Adding an example exactly once: the upload of its items, the `POST`, and, when the
//! answer is lost, recognising the example in the audience's listing.

use crate::api::{operations, types};
use crate::asset::{self, DataItem};
use crate::flow::reconcile::{resend, AfterLoss};
use crate::Result;

use super::super::handle::Audience;

/// Uploads `items` (in parallel) and returns their server names, or the first failure.
pub(super) fn upload_names(audience: &Audience, items: &[DataItem]) -> Result<Vec<Option<String>>> {
    asset::upload_all(audience.client_ref(), items)
        .into_iter()
        .collect()
}

/// Adds an example (`POST /audience/{id}/example`) exactly once.
///
/// The create answers no id, so after a failure that may have been carried out (the
/// answer was lost) the audience's examples are listed: an example with the same asset
/// (uploaded file names or texts), context, instruction and truth means it was created;
/// otherwise the request is sent again, up to
/// [`CREATE_ATTEMPTS`](crate::flow::reconcile::CREATE_ATTEMPTS) times. (An identical
/// example that was already there is taken for this one: the audience holds it either way.)
pub(super) fn add_example(
    audience: &Audience,
    body: types::AddExampleToAudienceEndpointInput,
) -> Result<()> {
    let client = audience.client_ref();
    let op = operations::PostAudienceByAudienceIdExample::new(audience.id(), body.clone());
    resend(
        client,
        "example",
        || client.send(&op).map(drop),
        |err| match audience.examples() {
            Ok(existing) if existing.iter().any(|e| is_same_example(&e.raw, &body)) => {
                log::debug!("the example was added although its answer was lost ({err})");
                AfterLoss::Created(())
            }
            Ok(_) => AfterLoss::NotCreated(err),
            Err(list_err) => {
                log::warn!("could not check whether the example was added ({list_err})");
                AfterLoss::Give(err)
            }
        },
    )
}

/// Whether a listed example is the one `body` describes.
pub(super) fn is_same_example(
    listed: &types::QueryExamplesForAudienceEndpointOutput,
    body: &types::AddExampleToAudienceEndpointInput,
) -> bool {
    listed.context.clone().flatten() == body.context.clone().flatten()
        && payload_instruction(&listed.payload) == payload_instruction(&body.payload)
        && (listed.truth.is_none() || listed.truth == body.truth)
        && same_asset(&listed.asset, &body.asset)
}

/// The instruction of an example payload (criteria, title or target).
pub(super) fn payload_instruction(payload: &types::IExamplePayload) -> Option<&str> {
    use types::IExamplePayload as P;
    match payload {
        P::ClassifyExamplePayload(p) => Some(&p.title),
        P::TranscriptionExamplePayload(p) => Some(&p.title),
        P::CompareExamplePayload(p) => Some(&p.criteria),
        P::LineExamplePayload(p) => Some(&p.target),
        P::LocateExamplePayload(p) => Some(&p.target),
        P::ScrubExamplePayload(p) => Some(&p.target),
        // `Unknown`, or a kind added to the documents later: no instruction we can read.
        _ => None,
    }
}

/// Whether a listed asset is the one sent as `sent`.
pub(crate) fn same_asset(listed: &types::IAsset, sent: &types::IAssetInput) -> bool {
    use types::{IAsset as L, IAssetInput as S};
    match (listed, sent) {
        (L::FileAsset(l), S::ExistingAssetInput(s)) => l.file_name == s.name,
        (L::TextAsset(l), S::TextAssetInput(s)) => l.text == s.text,
        (L::MultiAsset(l), S::MultiAssetInput(s)) => {
            l.assets.len() == s.assets.len()
                && l.assets
                    .iter()
                    .zip(&s.assets)
                    .all(|(l, s)| same_asset(l, s))
        }
        _ => false,
    }
}
