//! The dataset groups of a ranking (one per list), created before its definition.

use crate::api::{operations, types};
use crate::asset;
use crate::{Client, Result};

use super::super::datapoint::{asset_segment, segment, text_segment};
use super::spec::GroupSpec;

/// Creates the groups (`POST /dataset/{id}/group`), each with its context and uploaded
/// media context as segments (an empty list without them), as the official SDK does.
///
/// `created` counts the groups already created by earlier attempts; they are skipped, and
/// it grows with each group created here, so a `retry()` after a failed group sends only
/// that group and the ones after it. (No operation lists a dataset's groups, so a group
/// whose answer was lost is sent again by the retry.)
pub(super) fn create_groups(
    client: &Client,
    dataset_id: &str,
    groups: &[GroupSpec],
    created: &mut usize,
) -> Result<()> {
    for g in groups.iter().skip(*created) {
        let mut segments = Vec::new();
        if let Some(context) = &g.context {
            segments.push(text_segment(segment::CONTEXT, context));
        }
        if let Some(m) = &g.media_context {
            let names = asset::upload_all(client, std::slice::from_ref(m))
                .into_iter()
                .collect::<Result<Vec<_>>>()?;
            segments.push(asset_segment(
                segment::CONTEXT_ASSET,
                asset::asset_input(std::slice::from_ref(m), &names),
            ));
        }
        client.send(&operations::PostDatasetByDatasetIdGroup::new(
            dataset_id,
            types::CreateDatasetGroupEndpointInput {
                segments: Some(Some(segments)),
                ..types::CreateDatasetGroupEndpointInput::new(g.name.clone())
            },
        ))?;
        *created += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use httpmock::prelude::*;
    use std::time::Duration;

    fn group(name: &str) -> GroupSpec {
        GroupSpec {
            name: name.to_owned(),
            context: None,
            media_context: None,
        }
    }

    #[test]
    fn a_retry_sends_only_the_groups_not_created_yet() {
        let server = MockServer::start();
        let first = server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/group")
                .json_body_includes(r#"{"group":"g1"}"#);
            then.status(204);
        });
        // The second group is refused (an unambiguous error) until the mock is replaced.
        let mut second = server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/group")
                .json_body_includes(r#"{"group":"g2"}"#);
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"title":"not now"}"#);
        });
        let client = Client::builder()
            .api_url(server.base_url())
            .auth_url(server.base_url())
            .token("test-token")
            .env_lookup(|_| None)
            .max_attempts(1)
            .backoff_base(Duration::from_millis(1))
            .build()
            .unwrap();
        let groups = [group("g1"), group("g2")];
        let mut created = 0;
        let err = create_groups(&client, "ds_1", &groups, &mut created).unwrap_err();
        assert_eq!(err.status(), Some(400), "{err:?}");
        assert_eq!(created, 1);

        second.delete();
        second = server.mock(|when, then| {
            when.method(POST)
                .path("/dataset/ds_1/group")
                .json_body_includes(r#"{"group":"g2"}"#);
            then.status(204);
        });
        create_groups(&client, "ds_1", &groups, &mut created).unwrap();
        assert_eq!(created, 2);
        first.assert_calls(1);
        second.assert_calls(1);
        // Once every group exists, another attempt sends none.
        create_groups(&client, "ds_1", &groups, &mut created).unwrap();
        first.assert_calls(1);
        second.assert_calls(1);
    }
}
