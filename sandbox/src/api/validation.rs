//! Validation sets (`/validation-set…`): created empty, read, listed, renamed, given score
//! dimensions and flags, deleted. A job definition revision may pin one
//! (`validationSetId`); pinning an id that does not exist is refused with 404, and a set
//! pinned by a revision cannot be deleted (409).
//!
//! Validation tasks (rapids) are added one at a time (`POST /validation-set/{id}/rapid`,
//! checked like qualification examples: uploaded assets, a truth of the payload's kind
//! that fits it) and listed with their answer counts (`GET /validation-set/{id}/rapids`;
//! each is listed with `state` `Labeling` and `type` its payload's kind, such as
//! `Classify`). A set is still listed with empty asset types, modalities and prompt types.
//!
//! Pinned sets check the labelers of a job: see [`crate::store::validation`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api_types::{
    AddValidationRapidEndpointInput, CreateValidationSetEndpointInput, IAssetInput,
    IAssetInputMultiAssetInput, IRapidPayload, IRapidPayloadClassifyPayload,
    IRapidPayloadComparePayload, IRapidPayloadLinePayload, IRapidPayloadLocatePayload,
    IRapidPayloadScrubPayload, IRapidPayloadTranscriptionPayload, IValidationTruth,
    IValidationTruthAttachCategoryTruth, IValidationTruthCompareTruth,
    IValidationTruthLocateBoxTruth, IValidationTruthScrubTruth, IValidationTruthTranscriptionTruth,
    UpdateValidationSetEndpointInput,
};
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::store::validation::{RapidRec, ValidationSetRec};
use crate::store::{State, ORGANIZATION_ID, OWNER_ID, OWNER_MAIL};
use crate::util::iso_time;
use crate::wire::Asset;

use super::checks::{asset_output, check_asset, check_text, Errors, MAX_INSTRUCTION};
use super::example::option_names;

/// `GetValidationRapidsEndpoint_Output`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RapidItem {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    asset: Asset,
    truth: Option<IValidationTruth>,
    payload: IRapidPayload,
    context: Option<String>,
    context_asset: Option<Asset>,
    correct_validation_count: u64,
    invalid_validation_count: u64,
    explanation: Option<String>,
    random_correct_probability: Option<f64>,
    state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutput {
    validation_set_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetOutput {
    id: String,
    name: String,
    is_public: bool,
    owner_mail: &'static str,
    organization_id: &'static str,
    owner_id: &'static str,
    dimensions: Vec<String>,
    created_at: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem {
    id: String,
    name: String,
    asset_type: Vec<String>,
    modality: Vec<String>,
    prompt_type: Vec<String>,
    dimensions: Option<Vec<String>>,
    is_public: bool,
    owner_id: &'static str,
    owner_mail: &'static str,
    organization_id: &'static str,
    created_at: String,
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("Validation set '{id}' was not found."))
}

/// Whether validation set `id` exists (for pinning it on a revision).
pub(crate) fn exists(st: &State, id: &str) -> bool {
    st.validation_sets.contains_key(id)
}

/// The refusal of pinning a validation set that does not exist.
pub(crate) fn unknown(id: &str) -> ApiError {
    not_found(id)
}

/// `POST /validation-set`.
pub(crate) fn create(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateValidationSetEndpointInput = c.body()?;
    if input.name.trim().is_empty() {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }
    let (id, seq) = st.new_id(c.cfg);
    let created_at = st.system_at(c.now);
    st.validation_sets.insert(
        id.clone(),
        ValidationSetRec {
            seq,
            name: input.name,
            dimensions: Vec::new(),
            should_alert: true,
            is_public: false,
            flag_overruled: false,
            created_at,
            rapids: Vec::new(),
            checked: BTreeMap::new(),
        },
    );
    json(&CreateOutput {
        validation_set_id: id,
    })
}

/// `GET /validation-set/{id}`.
pub(crate) fn get(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let v = st.validation_sets.get(id).ok_or_else(|| not_found(id))?;
    json(&GetOutput {
        id: id.to_string(),
        name: v.name.clone(),
        is_public: v.is_public,
        owner_mail: OWNER_MAIL,
        organization_id: ORGANIZATION_ID,
        owner_id: OWNER_ID,
        dimensions: v.dimensions.clone(),
        created_at: iso_time(v.created_at),
    })
}

/// `PATCH /validation-set/{id}`: every member given replaces the stored one.
pub(crate) fn patch(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let input: UpdateValidationSetEndpointInput = c.body()?;
    // (The model cannot tell `"dimensions": []`, which clears them, from no member.)
    let raw: serde_json::Value = serde_json::from_slice(&c.req.body).unwrap_or_default();
    let dimensions = raw.get("dimensions").map(|_| input.dimensions.clone());
    if input.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::field("name", "'Name' must not be empty."));
    }
    let v = st
        .validation_sets
        .get_mut(&id)
        .ok_or_else(|| not_found(&id))?;
    if let Some(name) = input.name {
        v.name = name;
    }
    if let Some(dimensions) = dimensions {
        v.dimensions = dimensions;
    }
    if let Some(alert) = input.should_alert {
        v.should_alert = alert;
    }
    if let Some(public) = input.is_public {
        v.is_public = public;
    }
    if let Some(overruled) = input.is_flag_overruled {
        v.flag_overruled = overruled;
    }
    Ok(Reply::NoContent)
}

/// `DELETE /validation-set/{id}`; 409 while a revision pins it.
pub(crate) fn delete(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    if !st.validation_sets.contains_key(id) {
        return Err(not_found(id));
    }
    let pinned_by = st.definitions.values().find(|d| {
        d.revisions
            .iter()
            .any(|r| r.validation_set_id.as_deref() == Some(id))
    });
    if let Some(d) = pinned_by {
        return Err(ApiError::Conflict(format!(
            "Validation set '{id}' is pinned by job definition '{}'.",
            d.id
        )));
    }
    st.validation_sets.remove(id);
    Ok(Reply::NoContent)
}

const VALIDATION_SET_LIST: ListSpec = ListSpec {
    sorts: &["name", "-name", "created_at", "-created_at"],
    filters: &["id", "name", "is_public", "owner_mail", "created_at"],
    default_sort: "-created_at",
};

/// `GET /validation-sets`.
pub(crate) fn list_sets(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let rows = st
        .validation_sets
        .iter()
        .map(|(id, v)| {
            let created_at = iso_time(v.created_at);
            Row {
                fields: vec![
                    ("id", id.clone()),
                    ("name", v.name.clone()),
                    ("is_public", v.is_public.to_string()),
                    ("owner_mail", OWNER_MAIL.to_string()),
                    ("created_at", created_at.clone()),
                ],
                seq: v.seq,
                item: ListItem {
                    id: id.clone(),
                    name: v.name.clone(),
                    asset_type: Vec::new(),
                    modality: Vec::new(),
                    prompt_type: Vec::new(),
                    dimensions: Some(v.dimensions.clone()),
                    is_public: v.is_public,
                    owner_id: OWNER_ID,
                    owner_mail: OWNER_MAIL,
                    organization_id: ORGANIZATION_ID,
                    created_at,
                },
            }
        })
        .collect();
    list(&c.query, &VALIDATION_SET_LIST, rows)
}

/// The kind of a payload, as rapids are typed in listings (`ClassifyPayload` → `Classify`).
fn payload_kind(payload: &IRapidPayload) -> String {
    let tagged = serde_json::to_value(payload).unwrap_or_default();
    let tag = tagged
        .get("_t")
        .and_then(|t| t.as_str())
        .unwrap_or("Unknown");
    tag.strip_suffix("Payload").unwrap_or(tag).to_string()
}

/// Checks that the truth is of the payload's kind and fits it.
fn check_truth(errors: &mut Errors, input: &AddValidationRapidEndpointInput) {
    use IRapidPayload as P;
    use IValidationTruth as T;
    let Some(truth) = &input.truth else {
        errors.add("truth", "A validation rapid needs a truth.");
        return;
    };
    let percent = |v: Option<Option<f64>>| v.flatten().is_some_and(|v| (0.0..=100.0).contains(&v));
    match (&input.payload, truth) {
        (
            P::ClassifyPayload(IRapidPayloadClassifyPayload {
                categories, title, ..
            }),
            T::AttachCategoryTruth(IValidationTruthAttachCategoryTruth {
                correct_categories, ..
            }),
        ) => {
            check_text(errors, "payload.title", "Title", title, MAX_INSTRUCTION);
            if correct_categories.is_empty() {
                errors.add(
                    "truth.correctCategories",
                    "'Correct Categories' must not be empty.",
                );
            }
            for (i, c) in correct_categories.iter().enumerate() {
                let known = categories
                    .iter()
                    .any(|k| k.value.clone().flatten().as_deref().unwrap_or(&k.label) == c);
                if !known {
                    errors.add(
                        format!("truth.correctCategories[{i}]"),
                        format!("'{c}' is not one of the payload's categories."),
                    );
                }
            }
        }
        (
            P::ComparePayload(IRapidPayloadComparePayload { criteria, .. }),
            T::CompareTruth(IValidationTruthCompareTruth { winner_id, .. }),
        ) => {
            check_text(
                errors,
                "payload.criteria",
                "Criteria",
                criteria,
                MAX_INSTRUCTION,
            );
            if !matches!(&input.asset, IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) if assets.len() == 2)
            {
                errors.add(
                    "asset",
                    "A compare rapid needs a MultiAssetInput of exactly 2 assets.",
                );
            }
            if !option_names(&input.asset).contains(winner_id) {
                errors.add(
                    "truth.winnerId",
                    format!("'{winner_id}' is not one of the rapid's assets."),
                );
            }
        }
        (
            P::TranscriptionPayload(IRapidPayloadTranscriptionPayload {
                title,
                transcription,
                ..
            }),
            T::TranscriptionTruth(IValidationTruthTranscriptionTruth { correct_words, .. }),
        ) => {
            check_text(errors, "payload.title", "Title", title, MAX_INSTRUCTION);
            if correct_words.is_empty() {
                errors.add("truth.correctWords", "'Correct Words' must not be empty.");
            }
            for (i, w) in correct_words.iter().enumerate() {
                let shown = transcription
                    .iter()
                    .any(|t| t.word_index == w.word_index && t.word == w.word);
                if !shown {
                    errors.add(
                        format!("truth.correctWords[{i}]"),
                        format!(
                            "Word {} ('{}') is not in the transcription.",
                            w.word_index, w.word
                        ),
                    );
                }
            }
        }
        (
            P::LocatePayload(IRapidPayloadLocatePayload { target, .. })
            | P::LinePayload(IRapidPayloadLinePayload { target, .. }),
            T::LocateBoxTruth(IValidationTruthLocateBoxTruth { bounding_boxes, .. }),
        ) => {
            check_text(errors, "payload.target", "Target", target, MAX_INSTRUCTION);
            if bounding_boxes.is_empty() {
                errors.add("truth.boundingBoxes", "'Bounding Boxes' must not be empty.");
            }
            for (i, b) in bounding_boxes.iter().enumerate() {
                let ok = [b.x_min, b.y_min, b.x_max, b.y_max]
                    .into_iter()
                    .all(percent);
                if !ok {
                    errors.add(
                        format!("truth.boundingBoxes[{i}]"),
                        "Box edges are percentages from 0 to 100.",
                    );
                }
            }
        }
        (
            P::ScrubPayload(IRapidPayloadScrubPayload { target, .. }),
            T::ScrubTruth(IValidationTruthScrubTruth { valid_ranges, .. }),
        ) => {
            check_text(errors, "payload.target", "Target", target, MAX_INSTRUCTION);
            if valid_ranges.is_empty() {
                errors.add("truth.validRanges", "'Valid Ranges' must not be empty.");
            }
            for (i, r) in valid_ranges.iter().enumerate() {
                if r.start < 0 || r.start > r.end {
                    errors.add(
                        format!("truth.validRanges[{i}]"),
                        "A range starts at 0 or later and not after its end.",
                    );
                }
            }
        }
        (payload, _) => errors.add(
            "truth",
            format!(
                "The truth does not fit a {} payload.",
                payload_kind(payload)
            ),
        ),
    }
}

/// `POST /validation-set/{id}/rapid`.
pub(crate) fn add_rapid(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    if !st.validation_sets.contains_key(&id) {
        return Err(not_found(&id));
    }
    let input: AddValidationRapidEndpointInput = c.body()?;
    let mut errors = Errors::default();
    check_asset(st, &mut errors, &input.asset, "asset");
    if let Some(ca) = &input.context_asset {
        check_asset(st, &mut errors, ca, "contextAsset");
    }
    check_truth(&mut errors, &input);
    if let Some(Some(p)) = input.random_correct_probability {
        if !(0.0..=1.0).contains(&p) {
            errors.add(
                "randomCorrectProbability",
                "'Random Correct Probability' must be between 0 and 1.",
            );
        }
    }
    errors.done()?;
    let (rapid_id, seq) = st.new_id(c.cfg);
    let set = st
        .validation_sets
        .get_mut(&id)
        .ok_or_else(|| not_found(&id))?;
    set.rapids.push(RapidRec {
        id: rapid_id,
        seq,
        asset: input.asset,
        payload: input.payload,
        truth: input.truth,
        context: input.context.flatten(),
        context_asset: input.context_asset,
        explanation: input.explanation.flatten(),
        random_correct_probability: input.random_correct_probability.flatten(),
        correct: 0,
        invalid: 0,
    });
    Ok(Reply::NoContent)
}

const RAPID_LIST: ListSpec = ListSpec {
    sorts: &["created_at", "-created_at"],
    filters: &["id", "type", "state"],
    default_sort: "created_at",
};

/// `GET /validation-set/{id}/rapids`.
pub(crate) fn list_rapids(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let set = st.validation_sets.get(id).ok_or_else(|| not_found(id))?;
    let rows = set
        .rapids
        .iter()
        .map(|r| {
            let kind = payload_kind(&r.payload);
            Row {
                fields: vec![
                    ("id", r.id.clone()),
                    ("type", kind.clone()),
                    ("state", "Labeling".to_string()),
                    ("created_at", format!("{:020}", r.seq)),
                ],
                seq: r.seq,
                item: RapidItem {
                    id: r.id.clone(),
                    kind,
                    asset: asset_output(st, &r.asset),
                    truth: r.truth.clone(),
                    payload: r.payload.clone(),
                    context: r.context.clone(),
                    context_asset: r.context_asset.as_ref().map(|a| asset_output(st, a)),
                    correct_validation_count: r.correct,
                    invalid_validation_count: r.invalid,
                    explanation: r.explanation.clone(),
                    random_correct_probability: r.random_correct_probability,
                    state: "Labeling",
                },
            }
        })
        .collect();
    list(&c.query, &RAPID_LIST, rows)
}
