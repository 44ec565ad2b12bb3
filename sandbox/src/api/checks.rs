//! What handlers of several services share: collected validation errors, text limits,
//! metadata and asset checks, and the asset echo of responses.

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::api_types::{
    IAssetInput, IAssetInputExistingAssetInput, IAssetInputMultiAssetInput,
    IAssetInputTextAssetInput, IMetadataInput, IMetadataInputTextMetadataInput,
    MetadataInputCollection,
};
use crate::exchange::{ApiError, Ctx};
use crate::store::State;
use crate::wire::*;

/// Collected validation errors.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Vec<(String, String)>);

impl Errors {
    pub(crate) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push((path.into(), message.into()));
    }

    pub(crate) fn done(&mut self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(std::mem::take(&mut self.0)))
        }
    }
}

/// Maximum length of instructions, criteria, titles and targets.
pub(crate) const MAX_INSTRUCTION: usize = 250;
/// Maximum length of a datapoint context.
pub(crate) const MAX_CONTEXT: usize = 400;

pub(crate) fn check_text(errors: &mut Errors, path: &str, label: &str, text: &str, max: usize) {
    let n = text.chars().count();
    if text.trim().is_empty() {
        errors.add(path, format!("'{label}' must not be empty."));
    } else if n > max {
        errors.add(
            path,
            format!("The length of '{label}' must be {max} characters or fewer. You entered {n} characters."),
        );
    }
}

pub(crate) fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::NotFound(format!("{what} '{id}' was not found."))
}

pub(crate) fn now_system(st: &State, c: &Ctx<'_>) -> SystemTime {
    st.system_at(c.now)
}

/// The members of the spec's `MetadataVisibilities` item enum. (The generated model holds
/// them as plain strings, so the strict parse cannot reject unknown ones.)
const METADATA_VISIBILITIES: &[&str] =
    &["None", "Users", "Customers", "Admins", "Dashboard", "All"];

/// Checks the visibilities of an asset's metadata entries.
pub(crate) fn check_metadata(
    errors: &mut Errors,
    metadata: &Option<Option<MetadataInputCollection>>,
    path: &str,
) {
    let Some(Some(MetadataInputCollection(entries))) = metadata else {
        return;
    };
    let mut keys: Vec<&String> = entries.keys().collect();
    keys.sort();
    for key in keys {
        if let IMetadataInput::TextMetadataInput(IMetadataInputTextMetadataInput {
            visibilities,
            ..
        }) = &entries[key]
        {
            for (i, v) in visibilities.iter().enumerate() {
                if !METADATA_VISIBILITIES.contains(&v.as_str()) {
                    let e = crate::strict::unknown_value(
                        &format!("{path}.metadata.{key}.visibilities[{i}]"),
                        "MetadataVisibilities item",
                        v,
                        METADATA_VISIBILITIES,
                    );
                    errors.add(e.path, e.message);
                }
            }
        }
    }
}

/// Checks that every `ExistingAssetInput` names an uploaded asset.
pub(crate) fn check_asset(st: &State, errors: &mut Errors, asset: &IAssetInput, path: &str) {
    match asset {
        IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput {
            name, metadata, ..
        }) => {
            if st.original_of(name).is_none() {
                errors.add(
                    format!("{path}.name"),
                    format!(
                        "Asset '{name}' does not exist. Upload it first (POST /asset/url or /asset/file) and use the returned fileName."
                    ),
                );
            }
            check_metadata(errors, metadata, path);
        }
        IAssetInput::TextAssetInput(IAssetInputTextAssetInput { text, metadata, .. }) => {
            if text.is_empty() {
                errors.add(format!("{path}.text"), "'Text' must not be empty.");
            }
            check_metadata(errors, metadata, path);
        }
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput {
            assets, metadata, ..
        }) => {
            if assets.is_empty() {
                errors.add(format!("{path}.assets"), "'Assets' must not be empty.");
            }
            for (i, a) in assets.iter().enumerate() {
                check_asset(st, errors, a, &format!("{path}.assets[{i}]"));
            }
            check_metadata(errors, metadata, path);
        }
        // Rejected when the request is parsed.
        _ => {}
    }
}

/// The response-side form of an asset.
pub(crate) fn asset_output(st: &State, asset: &IAssetInput) -> Asset {
    match asset {
        IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput {
            name, identifier, ..
        }) => Asset::File {
            file_name: name.clone(),
            metadata: BTreeMap::new(),
            identifier: identifier
                .clone()
                .flatten()
                .or_else(|| st.original_of(name).map(str::to_string))
                .unwrap_or_else(|| name.clone()),
        },
        IAssetInput::TextAssetInput(IAssetInputTextAssetInput {
            text, identifier, ..
        }) => Asset::Text {
            text: text.clone(),
            metadata: BTreeMap::new(),
            identifier: identifier.clone().flatten().unwrap_or_else(|| text.clone()),
        },
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput {
            assets, identifier, ..
        }) => Asset::Multi {
            assets: assets.iter().map(|a| asset_output(st, a)).collect(),
            metadata: BTreeMap::new(),
            identifier: identifier.clone().flatten().unwrap_or_default(),
        },
        // Rejected when the request is parsed; never stored.
        _ => Asset::Null {
            metadata: BTreeMap::new(),
            identifier: String::new(),
        },
    }
}
