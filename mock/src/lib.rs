//! Typed [httpmock](https://docs.rs/httpmock) helpers for every operation of the Rapidata
//! API, generated from the same OpenAPI documents as `rapidata::api` by rapidata's own
//! generator (`rapidata_codegen::Builder::mocks`).
//!
//! [`MockServerExt`] adds one method per operation to [`httpmock::MockServer`], named
//! like the operation's request type in snake case (`PostAudience` →
//! `server.post_audience(…)`). The method matches the operation's HTTP method and path;
//! its `When` (here [`PostAudienceWhen`]) has a setter per path parameter and per scalar
//! query parameter, and `body(&Model)` for the JSON body, each taking the types of
//! `rapidata::api`; its `Then` ([`PostAudienceThen`]) answers with `ok(&Output)` in the
//! operation's own output type, or `status(code)` and `json_value(serde_json::Value)` for
//! an error or a deliberately malformed answer. `into_inner()` gives the plain httpmock
//! builder for anything else.
//!
//! Add it as a dev-dependency of the crate whose tests mock the API; it depends on
//! httpmock (with its async runtime), which `rapidata` itself never does.
//!
//! ```
//! use rapidata::api::operations::{GetAudienceByAudienceId, PatchAudienceByAudienceId};
//! use rapidata::api::types::{UpdateAudienceEndpointInput, UpdateAudienceEndpointOutput};
//! use rapidata_mock::httpmock::MockServer;
//! use rapidata_mock::MockServerExt;
//!
//! let server = MockServer::start();
//! let input = UpdateAudienceEndpointInput {
//!     name: Some("Renamed".into()),
//!     ..UpdateAudienceEndpointInput::new()
//! };
//! let patch = server.patch_audience_by_audience_id(|when, then| {
//!     when.audience_id("aud_1").body(&input);
//!     then.ok(&UpdateAudienceEndpointOutput::new());
//! });
//! // An id the test does not expect answers 404 with a problem body.
//! server.get_audience_by_audience_id(|when, then| {
//!     when.audience_id("aud_unknown");
//!     then.status(404)
//!         .json_value(serde_json::json!({"title": "Not Found", "status": 404}));
//! });
//!
//! let client = rapidata::Client::builder()
//!     .api_url(server.base_url())
//!     .auth_url(server.base_url())
//!     .token("test-token")
//!     .env_lookup(|_| None)
//!     .build()?;
//! client.send(&PatchAudienceByAudienceId::new("aud_1", input))?;
//! patch.assert();
//! assert!(client.send(&GetAudienceByAudienceId::new("aud_unknown")).is_err());
//! # Ok::<(), rapidata::Error>(())
//! ```

/// The httpmock the helpers are built on, so that a test uses the same version.
pub use httpmock;

// The generated module names the models as `super::types`, as the generated operations do.
use rapidata::api::types;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/mock.rs"));
}

pub use generated::*;

#[cfg(test)]
mod tests;
