//! The qualification examples of custom audiences: added, listed, updated, deleted.

use crate::api_types::{
    AddExampleToAudienceEndpointInput, ExampleBoxShape, ExampleVisibility, IAssetInput,
    IAssetInputExistingAssetInput, IAssetInputMultiAssetInput, IAssetInputTextAssetInput,
    IExamplePayload, IExamplePayloadClassifyExamplePayload, IExamplePayloadCompareExamplePayload,
    IExamplePayloadLineExamplePayload, IExamplePayloadLocateExamplePayload,
    IExamplePayloadScrubExamplePayload, IExamplePayloadTranscriptionExamplePayload, IExampleTruth,
    IExampleTruthClassifyExampleTruth, IExampleTruthCompareExampleTruth,
    IExampleTruthLineExampleTruth, IExampleTruthLocateExampleTruth,
    UpdateAudienceExampleEndpointInput,
};
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::store::records::{AudienceKind, ExampleRec};
use crate::store::State;
use crate::wire::*;

use super::audience::custom;
use super::checks::{asset_output, check_asset, check_text, not_found, Errors, MAX_INSTRUCTION};

/// The names a compare truth may use for an option: the file name, or the text.
pub(crate) fn option_names(asset: &IAssetInput) -> Vec<String> {
    match asset {
        IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput { name, .. }) => {
            vec![name.clone()]
        }
        IAssetInput::TextAssetInput(IAssetInputTextAssetInput { text, .. }) => vec![text.clone()],
        IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) => {
            assets.iter().flat_map(option_names).collect()
        }
        _ => Vec::new(),
    }
}

fn check_payload(errors: &mut Errors, payload: &IExamplePayload, path: &str) {
    match payload {
        IExamplePayload::CompareExamplePayload(IExamplePayloadCompareExamplePayload {
            criteria,
            ..
        }) => check_text(
            errors,
            &format!("{path}.criteria"),
            "Criteria",
            criteria,
            MAX_INSTRUCTION,
        ),
        IExamplePayload::ClassifyExamplePayload(IExamplePayloadClassifyExamplePayload {
            categories,
            title,
            ..
        }) => {
            check_text(
                errors,
                &format!("{path}.title"),
                "Title",
                title,
                MAX_INSTRUCTION,
            );
            if categories.len() < 2 {
                errors.add(
                    format!("{path}.categories"),
                    "At least 2 categories are required.",
                );
            }
        }
        IExamplePayload::LocateExamplePayload(IExamplePayloadLocateExamplePayload {
            target,
            ..
        })
        | IExamplePayload::LineExamplePayload(IExamplePayloadLineExamplePayload {
            target, ..
        })
        | IExamplePayload::ScrubExamplePayload(IExamplePayloadScrubExamplePayload {
            target, ..
        }) => {
            check_text(
                errors,
                &format!("{path}.target"),
                "Target",
                target,
                MAX_INSTRUCTION,
            );
        }
        IExamplePayload::TranscriptionExamplePayload(
            IExamplePayloadTranscriptionExamplePayload { title, .. },
        ) => {
            check_text(
                errors,
                &format!("{path}.title"),
                "Title",
                title,
                MAX_INSTRUCTION,
            );
        }
        _ => {}
    }
}

fn check_truth(
    errors: &mut Errors,
    asset: &IAssetInput,
    payload: &IExamplePayload,
    truth: Option<&IExampleTruth>,
) {
    use IExamplePayload as P;
    use IExampleTruth as T;
    let Some(truth) = truth else {
        errors.add("truth", "The truth field is required.");
        return;
    };
    let kind_ok = matches!(
        (payload, truth),
        (P::CompareExamplePayload(_), T::CompareExampleTruth(_))
            | (P::ClassifyExamplePayload(_), T::ClassifyExampleTruth(_))
            | (P::LocateExamplePayload(_), T::LocateExampleTruth(_))
            | (P::LineExamplePayload(_), T::LineExampleTruth(_))
            | (P::ScrubExamplePayload(_), T::ScrubExampleTruth(_))
            | (
                P::TranscriptionExamplePayload(_),
                T::TranscriptionExampleTruth(_)
            )
    );
    if !kind_ok {
        errors.add("truth._t", "The truth does not match the payload kind.");
        return;
    }
    match (payload, truth) {
        (_, T::CompareExampleTruth(IExampleTruthCompareExampleTruth { winner_id, .. })) => {
            let names = option_names(asset);
            let two = matches!(asset, IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) if assets.len() == 2);
            if !two {
                errors.add(
                    "asset",
                    "A compare example needs a MultiAssetInput with exactly 2 assets.",
                );
            } else if !names.contains(winner_id) {
                errors.add(
                    "truth.winnerId",
                    format!(
                        "The winner '{}' is not one of the example's assets ({}).",
                        winner_id,
                        names.join(", ")
                    ),
                );
            }
        }
        (
            P::ClassifyExamplePayload(IExamplePayloadClassifyExamplePayload { categories, .. }),
            T::ClassifyExampleTruth(IExampleTruthClassifyExampleTruth {
                correct_categories, ..
            }),
        ) => {
            if correct_categories.is_empty() {
                errors.add(
                    "truth.correctCategories",
                    "At least one correct category is required.",
                );
            }
            for (i, cat) in correct_categories.iter().enumerate() {
                if !categories
                    .iter()
                    .any(|c| &c.label == cat || &c.value == cat)
                {
                    errors.add(
                        format!("truth.correctCategories[{i}]"),
                        format!("'{cat}' is not one of the payload's categories."),
                    );
                }
            }
        }
        (_, T::LocateExampleTruth(IExampleTruthLocateExampleTruth { bounding_boxes, .. })) => {
            check_boxes(errors, bounding_boxes, "truth.boundingBoxes");
        }
        (_, T::LineExampleTruth(IExampleTruthLineExampleTruth { bounding_boxes, .. })) => {
            check_boxes(
                errors,
                bounding_boxes
                    .as_ref()
                    .and_then(|b| b.as_deref())
                    .unwrap_or(&[]),
                "truth.boundingBoxes",
            );
        }
        _ => {}
    }
}

fn check_boxes(errors: &mut Errors, boxes: &[ExampleBoxShape], path: &str) {
    for (i, b) in boxes.iter().enumerate() {
        for (name, v) in [
            ("xMin", b.x_min.flatten()),
            ("yMin", b.y_min.flatten()),
            ("xMax", b.x_max.flatten()),
            ("yMax", b.y_max.flatten()),
        ] {
            if v.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                errors.add(
                    format!("{path}[{i}].{name}"),
                    "Coordinates are percentages and must be between 0 and 100.",
                );
            }
        }
    }
}

pub(crate) fn add_example(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    custom(st, &id, "adding examples")?;
    let input: AddExampleToAudienceEndpointInput = c.body()?;
    let mut errors = Errors::default();
    check_asset(st, &mut errors, &input.asset, "asset");
    if let Some(ca) = &input.context_asset {
        check_asset(st, &mut errors, ca, "contextAsset");
    }
    check_payload(&mut errors, &input.payload, "payload");
    check_truth(
        &mut errors,
        &input.asset,
        &input.payload,
        input.truth.as_ref(),
    );
    if !(0.0..=1.0).contains(&input.random_correct_probability) {
        errors.add(
            "randomCorrectProbability",
            "'Random Correct Probability' must be between 0 and 1.",
        );
    }
    errors.done()?;
    let (example_id, seq) = st.new_id(c.cfg);
    let (recalculation_id, _) = st.new_id(c.cfg);
    let aud = custom(st, &id, "adding examples")?;
    let sort_index = input.sort_index.flatten().unwrap_or_else(|| {
        aud.examples
            .iter()
            .map(|e| e.sort_index + 1)
            .max()
            .unwrap_or(0)
    });
    let mut example = ExampleRec {
        id: example_id,
        seq,
        asset: input.asset,
        payload: input.payload,
        truth: input.truth,
        random_correct_probability: input.random_correct_probability,
        explanation: input.explanation.flatten(),
        context: input.context.flatten(),
        context_asset: input.context_asset,
        sort_index,
        is_common_sense: input.is_common_sense.flatten(),
        flag_if_incorrect: input.flag_if_incorrect.flatten(),
        visibility: input.visibility.unwrap_or(ExampleVisibility::Private),
        created: c.now,
        key: 0,
    };
    example.rekey();
    aud.examples.push(example);
    aud.version += 1;
    json(&RecalculationOutput {
        recalculation_id: Some(recalculation_id),
    })
}

const EXAMPLE_LIST: ListSpec = ListSpec {
    sorts: &["sort_index", "-sort_index"],
    filters: &["visibility", "is_common_sense", "flag_if_incorrect"],
    default_sort: "sort_index",
};

pub(crate) fn list_examples(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    if !st.audience_exists(&id) {
        return Err(not_found("Audience", &id));
    }
    let counts = if st
        .audiences
        .get(&id)
        .is_some_and(|a| a.kind == AudienceKind::Custom)
    {
        st.example_counts(c.cfg, c.pool, &id, c.now)
    } else {
        Default::default()
    };
    let examples = st
        .audiences
        .get(&id)
        .map(|a| a.examples.clone())
        .unwrap_or_default();
    let rows = examples
        .iter()
        .map(|e| {
            let (correct, incorrect) = counts.get(&e.id).copied().unwrap_or((0, 0));
            Row {
                fields: vec![
                    ("visibility", e.visibility.as_str().to_string()),
                    (
                        "is_common_sense",
                        e.is_common_sense.map(|b| b.to_string()).unwrap_or_default(),
                    ),
                    (
                        "flag_if_incorrect",
                        e.flag_if_incorrect
                            .map(|b| b.to_string())
                            .unwrap_or_default(),
                    ),
                    ("sort_index", e.sort_index.to_string()),
                ],
                seq: e.seq,
                item: ExampleItem {
                    id: e.id.clone(),
                    rapid_id: None,
                    asset: asset_output(st, &e.asset),
                    payload: e.payload.clone(),
                    correct_count: correct,
                    incorrect_count: incorrect,
                    truth: e.truth.clone(),
                    context: e.context.clone(),
                    context_asset: e.context_asset.as_ref().map(|a| asset_output(st, a)),
                    explanation: e.explanation.clone(),
                    random_correct_probability: e.random_correct_probability,
                    is_common_sense: e.is_common_sense,
                    flag_if_incorrect: e.flag_if_incorrect,
                    sort_index: e.sort_index,
                    visibility: e.visibility.clone(),
                },
            }
        })
        .collect();
    list(&c.query, &EXAMPLE_LIST, rows)
}

pub(crate) fn patch_example(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    let example_id = c.param(1).to_string();
    let aud = custom(st, &id, "updating examples")?;
    let Some(current) = aud.examples.iter().find(|e| e.id == example_id).cloned() else {
        return Err(not_found("Example", &example_id));
    };
    let input: UpdateAudienceExampleEndpointInput = c.body()?;
    let mut updated = current;
    let mut errors = Errors::default();
    if let Some(text) = &input.instruction_text {
        check_text(
            &mut errors,
            "instructionText",
            "Instruction Text",
            text,
            MAX_INSTRUCTION,
        );
        match &mut updated.payload {
            IExamplePayload::CompareExamplePayload(IExamplePayloadCompareExamplePayload {
                criteria,
                ..
            }) => *criteria = text.clone(),
            IExamplePayload::ClassifyExamplePayload(IExamplePayloadClassifyExamplePayload {
                title,
                ..
            })
            | IExamplePayload::TranscriptionExamplePayload(
                IExamplePayloadTranscriptionExamplePayload { title, .. },
            ) => *title = text.clone(),
            IExamplePayload::LocateExamplePayload(IExamplePayloadLocateExamplePayload {
                target,
                ..
            })
            | IExamplePayload::LineExamplePayload(IExamplePayloadLineExamplePayload {
                target,
                ..
            })
            | IExamplePayload::ScrubExamplePayload(IExamplePayloadScrubExamplePayload {
                target,
                ..
            }) => *target = text.clone(),
            _ => {}
        }
    }
    if let Some(truth) = input.truth {
        if truth.is_some() {
            check_truth(
                &mut errors,
                &updated.asset,
                &updated.payload,
                truth.as_ref(),
            );
        }
        updated.truth = truth;
    }
    if let Some(ca) = input.context_asset {
        if let Some(ca) = &ca {
            check_asset(st, &mut errors, ca, "contextAsset");
        }
        updated.context_asset = ca;
    }
    if let Some(Some(p)) = input.random_correct_probability {
        if !(0.0..=1.0).contains(&p) {
            errors.add(
                "randomCorrectProbability",
                "'Random Correct Probability' must be between 0 and 1.",
            );
        }
        updated.random_correct_probability = p;
    }
    errors.done()?;
    if let Some(e) = input.explanation {
        updated.explanation = e;
    }
    if let Some(ctx) = input.context {
        updated.context = ctx;
    }
    if let Some(b) = input.is_common_sense {
        updated.is_common_sense = b;
    }
    if let Some(b) = input.flag_if_incorrect {
        updated.flag_if_incorrect = b;
    }
    if let Some(i) = input.sort_index {
        updated.sort_index = i;
    }
    if let Some(v) = input.visibility {
        updated.visibility = v;
    }
    updated.rekey();
    let aud = custom(st, &id, "updating examples")?;
    if let Some(slot) = aud.examples.iter_mut().find(|e| e.id == example_id) {
        *slot = updated;
    }
    aud.version += 1;
    Ok(Reply::NoContent)
}

pub(crate) fn delete_example(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let example_id = c.param(0).to_string();
    let (recalculation_id, _) = st.new_id(c.cfg);
    for aud in st.audiences.values_mut().filter(|a| !a.deleted) {
        if let Some(pos) = aud.examples.iter().position(|e| e.id == example_id) {
            aud.examples.remove(pos);
            aud.version += 1;
            return json(&RecalculationOutput {
                recalculation_id: Some(recalculation_id),
            });
        }
    }
    Err(not_found("Example", &example_id))
}
