//! The asset service: uploads by URL and by file, and batch uploads.

use crate::api_types::CreateBatchUploadEndpointInput;
use crate::exchange::{json, ApiError, Ctx, Reply};
use crate::store::records::{BatchItem, BatchRec};
use crate::store::{base_name, State};
use crate::util::parse_multipart;
use crate::wire::*;

use super::checks::{not_found, Errors};

/// The host of an absolute http(s) URL, lower-cased; `None` if it is not one.
fn url_host(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_string()
    } else {
        host_port.split(':').next()?.to_string()
    };
    (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host)
}

/// The simulated download outcome of a URL: hosts under `.invalid` (RFC 2606) and URLs that
/// contain `sandbox-fail` fail with an upstream 404.
fn download_fails(url: &str) -> Option<(String, &'static str, i32)> {
    let host = url_host(url)?;
    (host.ends_with(".invalid") || host == "invalid" || url.contains("sandbox-fail")).then(|| {
        (
            format!("Downloading '{url}' failed: the upstream server answered 404 Not Found."),
            "download",
            404,
        )
    })
}

fn check_compression_query(c: &Ctx<'_>) -> Result<bool, ApiError> {
    let compress = c.query.bool("compress")?;
    if let Some(q) = c.query.int("quality")? {
        if !(1..=100).contains(&q) {
            return Err(ApiError::field(
                "quality",
                "'quality' must be between 1 and 100.",
            ));
        }
    }
    if let Some(d) = c.query.int("maxdim")? {
        if d < 1 {
            return Err(ApiError::field("maxdim", "'maxdim' must be at least 1."));
        }
    }
    Ok(compress.unwrap_or(false))
}

pub(crate) fn upload_url(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let url = match c.query.get("url") {
        None | Some("") => return Err(ApiError::field("url", "The url field is required.")),
        Some(u) => u.to_string(),
    };
    if url_host(&url).is_none() {
        return Err(ApiError::field(
            "url",
            format!("'{url}' is not an absolute http(s) URL."),
        ));
    }
    let compressed = check_compression_query(c)?;
    if let Some((detail, stage, upstream)) = download_fails(&url) {
        return Err(ApiError::AssetDownload {
            detail,
            stage,
            upstream: Some(upstream),
        });
    }
    let file_name = st.register_asset(c.cfg, &url);
    json(&UploadOutput {
        file_name,
        warnings: Vec::new(),
        was_compressed: compressed,
        original_size_bytes: None,
        final_size_bytes: None,
    })
}

pub(crate) fn upload_file(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let content_type = c.req.header("content-type").unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(ApiError::UnsupportedMediaType);
    }
    let compressed = check_compression_query(c)?;
    let parts =
        parse_multipart(content_type, &c.req.body).map_err(|e| ApiError::field("file", e))?;
    let Some(part) = parts.into_iter().find(|p| p.name == "file") else {
        return Err(ApiError::field("file", "The file field is required."));
    };
    let Some(filename) = part
        .filename
        .as_deref()
        .map(base_name)
        .filter(|f| !f.is_empty())
    else {
        return Err(ApiError::field("file", "The file part has no file name."));
    };
    if part.data.is_empty() {
        return Err(ApiError::field("file", "The file is empty."));
    }
    let file_name = st.register_asset(c.cfg, &filename);
    let size = part.data.len() as i64;
    json(&UploadOutput {
        file_name,
        warnings: Vec::new(),
        was_compressed: compressed,
        original_size_bytes: Some(size),
        final_size_bytes: Some(size),
    })
}

pub(crate) fn create_batch(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateBatchUploadEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.urls.is_empty() {
        errors.add("urls", "'Urls' must not be empty.");
    }
    for (i, u) in input.urls.iter().enumerate() {
        if url_host(u).is_none() {
            errors.add(
                format!("urls[{i}]"),
                format!("'{u}' is not an absolute http(s) URL."),
            );
        }
    }
    if let Some(q) = input.compression.as_ref().and_then(|c| c.quality.flatten()) {
        if !(1..=100).contains(&q) {
            errors.add(
                "compression.quality",
                "'Quality' must be between 1 and 100.",
            );
        }
    }
    errors.done()?;
    let (id, seq) = st.new_id(c.cfg);
    let items = input
        .urls
        .iter()
        .map(|url| match download_fails(url) {
            Some((msg, stage, status)) => BatchItem {
                url: url.clone(),
                file_name: None,
                error: Some((msg, stage.to_string(), status)),
            },
            None => BatchItem {
                url: url.clone(),
                file_name: Some(st.register_asset(c.cfg, url)),
                error: None,
            },
        })
        .collect();
    st.batches.insert(
        id.clone(),
        BatchRec {
            id: id.clone(),
            seq,
            correlation_id: input.correlation_id.flatten(),
            done_at: c.now + c.cfg.response_interval / 2,
            aborted: false,
            items,
        },
    );
    json(&CreateBatchUploadOutput {
        batch_upload_id: id,
    })
}

pub(crate) fn batch_status(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let correlation = c.query.get("correlationId").filter(|s| !s.is_empty());
    let ids = c.query.all("batchUploadIds");
    if correlation.is_none() && ids.is_empty() {
        return Err(ApiError::field(
            "correlationId",
            "Either correlationId or batchUploadIds is required.",
        ));
    }
    let mut batches: Vec<&BatchRec> = st
        .batches
        .values()
        .filter(|b| {
            correlation.is_some_and(|cid| b.correlation_id.as_deref() == Some(cid))
                || ids.contains(&b.id.as_str())
        })
        .collect();
    batches.sort_by_key(|b| b.seq);
    let mut out = BatchUploadStatusOutput {
        status: BatchUploadStatus::Completed,
        total_count: 0,
        completed_count: 0,
        failed_count: 0,
        completed_batches: Vec::new(),
    };
    let mut processing = false;
    let mut aborted = false;
    for b in batches {
        out.total_count += b.items.len() as i32;
        if b.aborted {
            aborted = true;
        } else if c.now >= b.done_at {
            out.completed_count += b.items.iter().filter(|i| i.error.is_none()).count() as i32;
            out.failed_count += b.items.iter().filter(|i| i.error.is_some()).count() as i32;
            out.completed_batches.push(b.id.clone());
        } else {
            processing = true;
        }
    }
    out.status = if processing {
        BatchUploadStatus::Processing
    } else if aborted {
        BatchUploadStatus::Aborted
    } else {
        BatchUploadStatus::Completed
    };
    json(&out)
}

pub(crate) fn batch_result(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let b = st
        .batches
        .get(id)
        .ok_or_else(|| not_found("Batch upload", id))?;
    let done = !b.aborted && c.now >= b.done_at;
    let items: Vec<BatchUploadUrlOutput> = b
        .items
        .iter()
        .map(|i| {
            let (status, file_name, error) = if b.aborted {
                (
                    BatchUploadUrlStatus::Failed,
                    None,
                    Some((
                        "The batch upload was aborted.".to_string(),
                        "internal".to_string(),
                        None,
                    )),
                )
            } else if !done {
                (BatchUploadUrlStatus::Pending, None, None)
            } else if let Some((msg, stage, status)) = &i.error {
                (
                    BatchUploadUrlStatus::Failed,
                    None,
                    Some((msg.clone(), stage.clone(), Some(*status))),
                )
            } else {
                (BatchUploadUrlStatus::Completed, i.file_name.clone(), None)
            };
            BatchUploadUrlOutput {
                url: i.url.clone(),
                file_name,
                warnings: Vec::new(),
                status,
                error_message: error.as_ref().map(|e| e.0.clone()),
                stage: error.as_ref().map(|e| e.1.clone()),
                upstream_http_status: error.and_then(|e| e.2),
            }
        })
        .collect();
    let completed = items
        .iter()
        .filter(|i| i.status == BatchUploadUrlStatus::Completed)
        .count() as i32;
    let failed = items
        .iter()
        .filter(|i| i.status == BatchUploadUrlStatus::Failed)
        .count() as i32;
    json(&BatchUploadResultOutput {
        batch_upload_id: b.id.clone(),
        status: if b.aborted {
            BatchUploadStatus::Aborted
        } else if done {
            BatchUploadStatus::Completed
        } else {
            BatchUploadStatus::Processing
        },
        total_count: items.len() as i32,
        completed_count: completed,
        failed_count: failed,
        items,
    })
}

pub(crate) fn abort_batch(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let b = st
        .batches
        .get_mut(id)
        .ok_or_else(|| not_found("Batch upload", id))?;
    if c.now < b.done_at {
        b.aborted = true;
    }
    Ok(Reply::NoContent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            url_host("https://Assets.Rapidata.ai/a.jpg").as_deref(),
            Some("assets.rapidata.ai")
        );
        assert_eq!(url_host("http://u:p@h.x:8080/a").as_deref(), Some("h.x"));
        assert!(url_host("ftp://x/a").is_none());
        assert!(url_host("/local/file.jpg").is_none());
        assert!(download_fails("https://img.invalid/a.jpg").is_some());
        assert!(download_fails("https://ok.example/a.jpg").is_none());
    }
}
