//! Uploading items: `POST /asset/url` for URLs, multipart `POST /asset/file` for files.

use std::sync::Arc;

use super::item::DataItem;
use crate::api::{operations, types};
use crate::request::FilePart;
use crate::{Client, Error, Result};

// ---------------------------------------------------------------------------------------
// Uploads

/// Uploads one item (or takes it from the client's cache): `Some(server file name)` for a
/// URL (`POST /asset/url?url=…`, no body) or a file (multipart `POST /asset/file`, part
/// `file`, streamed from disk); `None` for a text, which is never uploaded.
fn upload(client: &Client, item: &DataItem) -> Result<Option<String>> {
    Ok(upload_shared(client, item)?.map(|name| name.to_string()))
}

/// [`upload`], the name shared with the client's upload cache rather than copied.
pub(crate) fn upload_shared(client: &Client, item: &DataItem) -> Result<Option<Arc<str>>> {
    let name = match item {
        DataItem::Text(_) => return Ok(None),
        DataItem::Url(url) => client.asset_cache().get_or_upload(item, || {
            let out =
                client.send_with(&operations::PostAssetUrl::new(url.clone()), repeatable())?;
            log_warnings(item, &out.warnings);
            Ok(out.file_name)
        })?,
        DataItem::File(path) => client.asset_cache().get_or_upload(item, || {
            let out = client
                .send_with(
                    &operations::PostAssetFile::new(FilePart::from_path(path)),
                    repeatable(),
                )
                .map_err(|e| too_large(e, path))?;
            log_warnings(item, &out.warnings);
            Ok(out.file_name)
        })?,
    };
    Ok(Some(name))
}

/// A 413 answer to the upload of `path` as an error naming the file and its size; other
/// errors as they are.
fn too_large(err: Error, path: &std::path::Path) -> Error {
    match err {
        Error::Api(api) if api.status() == 413 => {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            crate::error::FileTooLarge::new(path.to_path_buf(), size, *api).into()
        }
        other => other,
    }
}

/// Uploads are safe to repeat: an upload whose answer was lost at worst leaves a stored
/// file that nothing refers to, and the next one gets a file name of its own. So every
/// transient failure is retried, not only those that provably were not processed.
fn repeatable() -> crate::SendOptions {
    crate::SendOptions::new().retry_mode(crate::RetryMode::Always)
}

fn log_warnings(item: &DataItem, warnings: &[String]) {
    for w in warnings {
        log::warn!("upload of {item}: {w}");
    }
}

/// Uploads every item, in parallel on at most `client.max_workers()` threads; results in
/// input order (`None` for texts). Items that occur several times are uploaded once (the
/// cache is single-flight).
pub(crate) fn upload_all(client: &Client, items: &[DataItem]) -> Vec<Result<Option<String>>> {
    // Texts cost no request: `upload` answers them at once.
    crate::flow::parallel::parallel_map(client.max_workers(), items, |item| upload(client, item))
}

/// The request-side asset for `items` with their uploaded `names` (from [`upload_all`]):
/// one item → `ExistingAssetInput` (media) or `TextAssetInput` (text); several →
/// `MultiAssetInput` of those, in order.
///
/// # Panics
///
/// If `names` is shorter than `items` or a media item has no name (an upload result was
/// not checked).
pub(crate) fn asset_input(items: &[DataItem], names: &[Option<String>]) -> types::IAssetInput {
    assert_eq!(items.len(), names.len(), "one upload result per item");
    let one = |item: &DataItem, name: &Option<String>| match item {
        DataItem::Text(text) => types::IAssetInputTextAssetInput::new(text.clone()).into(),
        _ => types::IAssetInputExistingAssetInput::new(
            name.clone()
                .expect("media items are uploaded before their asset is built"),
        )
        .into(),
    };
    if items.len() == 1 {
        one(&items[0], &names[0])
    } else {
        types::IAssetInputMultiAssetInput::new(
            items.iter().zip(names).map(|(i, n)| one(i, n)).collect(),
        )
        .into()
    }
}
