//! The dataset service: datasets with their segment schemas, datapoints, groups,
//! progress and context shortening.

use std::collections::{BTreeMap, BTreeSet};

use crate::api_types::{
    CreateDatapointEndpointInput, CreateDatasetEndpointInput, CreateDatasetGroupEndpointInput,
    DatasetSegmentInput, DatasetSegmentKind, ShortenContextEndpointInput,
};
use crate::exchange::{json, list, ApiError, Ctx, ListSpec, Reply, Row};
use crate::store::records::{
    default_schema, DatapointRec, DatasetRec, Segment, SegmentDef, SegmentKind, SegmentValue,
};
use crate::store::State;
use crate::util::iso_time;
use crate::wire::*;

use super::checks::{asset_output, check_asset, not_found, now_system, Errors, MAX_CONTEXT};

/// Shortens a context to at most 400 characters (cut at a word boundary, `…` appended).
fn shorten(context: &str) -> String {
    if context.chars().count() <= MAX_CONTEXT {
        return context.to_string();
    }
    let cut: String = context.chars().take(MAX_CONTEXT - 1).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > MAX_CONTEXT / 2 => cut[..i].trim_end().to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

pub(crate) fn shorten_context(c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: ShortenContextEndpointInput = c.body()?;
    let mut errors = Errors::default();
    for (i, item) in input.items.iter().enumerate() {
        if item.context.is_empty() {
            errors.add(
                format!("items[{i}].context"),
                "'Context' must not be empty.",
            );
        }
    }
    errors.done()?;
    json(&ShortenContextOutput {
        items: input
            .items
            .iter()
            .map(|i| ShortenedContext {
                shortened_context: shorten(&i.context),
            })
            .collect(),
    })
}

/// Most and fewest options of an OptionList segment or a literal options binding.
const MIN_OPTIONS: usize = 2;
const MAX_OPTIONS: usize = 8;

fn segment_kind(kind: &DatasetSegmentKind) -> SegmentKind {
    match kind {
        DatasetSegmentKind::Text => SegmentKind::Text,
        DatasetSegmentKind::Asset => SegmentKind::Asset,
        // (Unknown kinds are refused when the request is parsed.)
        _ => SegmentKind::OptionList,
    }
}

/// Checks 2–8 options with unique labels and values (`what` names them in messages).
pub(crate) fn check_options<'a>(
    errors: &mut Errors,
    path: &str,
    options: impl ExactSizeIterator<Item = (&'a str, &'a str)>,
) {
    let n = options.len();
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&n) {
        errors.add(
            path,
            format!("Between {MIN_OPTIONS} and {MAX_OPTIONS} options are required; got {n}."),
        );
        return;
    }
    let mut labels = BTreeSet::new();
    let mut values = BTreeSet::new();
    for (label, value) in options {
        if label.trim().is_empty() {
            errors.add(path, "Option labels must not be empty.");
            return;
        }
        if !labels.insert(label) || !values.insert(value) {
            errors.add(
                path,
                format!("Options must be unique; '{label}' is given twice."),
            );
            return;
        }
    }
}

pub(crate) fn create_dataset(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let input: CreateDatasetEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.name.trim().is_empty() {
        errors.add("name", "'Name' must not be empty.");
    }
    let schema = match input.schema.flatten() {
        None => default_schema(),
        Some(defs) => {
            if defs.is_empty() {
                errors.add("schema", "A schema needs at least one segment.");
            }
            let mut keys = BTreeSet::new();
            let mut schema = Vec::new();
            for (i, d) in defs.iter().enumerate() {
                let key = d.key.trim();
                if key.is_empty() {
                    errors.add(format!("schema[{i}].key"), "'Key' must not be empty.");
                } else if !keys.insert(key.to_string()) {
                    errors.add(
                        format!("schema[{i}].key"),
                        format!("The segment key '{key}' is defined twice."),
                    );
                }
                let max_length = d.max_length.flatten();
                if max_length.is_some_and(|m| m < 1) {
                    errors.add(
                        format!("schema[{i}].maxLength"),
                        "'Max Length' must be at least 1.",
                    );
                }
                schema.push(SegmentDef {
                    key: key.to_string(),
                    kind: segment_kind(&d.kind),
                    label: d.label.clone().flatten(),
                    required: d.required,
                    max_length: max_length.map(|m| m.max(0) as usize),
                });
            }
            schema
        }
    };
    errors.done()?;
    let (id, _) = st.new_id(c.cfg);
    st.datasets.insert(
        id.clone(),
        DatasetRec {
            name: input.name,
            schema,
            datapoints: Vec::new(),
            groups: BTreeMap::new(),
        },
    );
    json(&CreateDatasetOutput { dataset_id: id })
}

fn dataset<'a>(st: &'a State, id: &str) -> Result<&'a DatasetRec, ApiError> {
    st.datasets.get(id).ok_or_else(|| not_found("Dataset", id))
}

pub(crate) fn get_dataset(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let ds = dataset(st, c.param(0))?;
    json(&GetDatasetOutput {
        name: ds.name.clone(),
        schema: ds
            .schema
            .iter()
            .map(|d| SegmentDefOutput {
                key: d.key.clone(),
                kind: d.kind.as_str(),
                label: d.label.clone(),
                required: d.required,
                max_length: d.max_length.map(|m| m as i64),
            })
            .collect(),
    })
}

/// Checks segments against a dataset's schema (keys known and not repeated, kinds right, the
/// kind's value present and valid; with `all_required`, every required segment present) and
/// returns them in stored form.
fn check_segments(
    st: &State,
    errors: &mut Errors,
    ds: &DatasetRec,
    segments: &[DatasetSegmentInput],
    all_required: bool,
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let known = || {
        ds.schema
            .iter()
            .map(|d| d.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, seg) in segments.iter().enumerate() {
        let p = format!("segments[{i}]");
        if !seen.insert(seg.key.as_str()) {
            errors.add(
                format!("{p}.key"),
                format!("The segment '{}' is given twice.", seg.key),
            );
            continue;
        }
        let Some(def) = ds.segment_def(&seg.key) else {
            errors.add(
                format!("{p}.key"),
                format!(
                    "Unknown segment '{}'; the dataset's schema has: {}.",
                    seg.key,
                    known()
                ),
            );
            continue;
        };
        let kind = segment_kind(&seg.kind);
        if kind != def.kind {
            errors.add(
                format!("{p}.kind"),
                format!(
                    "The segment '{}' is a {} segment, not {}.",
                    def.key,
                    def.kind.as_str(),
                    kind.as_str()
                ),
            );
            continue;
        }
        let text = seg.text.clone().flatten();
        let asset = seg.asset.clone().flatten();
        let options = seg.options.clone().flatten();
        let stray = [
            ("text", text.is_some() && kind != SegmentKind::Text),
            ("asset", asset.is_some() && kind != SegmentKind::Asset),
            (
                "options",
                options.is_some() && kind != SegmentKind::OptionList,
            ),
        ];
        for (field, bad) in stray {
            if bad {
                errors.add(
                    format!("{p}.{field}"),
                    format!("A {} segment has no '{field}'.", kind.as_str()),
                );
            }
        }
        let value = match kind {
            SegmentKind::Text => match text {
                None => {
                    errors.add(format!("{p}.text"), "A Text segment needs 'text'.");
                    continue;
                }
                Some(t) => {
                    let n = t.chars().count();
                    if let Some(max) = def.max_length.filter(|&m| n > m) {
                        errors.add(
                            format!("{p}.text"),
                            format!("The length of '{}' must be {max} characters or fewer. You entered {n} characters.", def.key),
                        );
                    }
                    SegmentValue::Text(t)
                }
            },
            SegmentKind::Asset => match asset {
                None => {
                    errors.add(format!("{p}.asset"), "An Asset segment needs 'asset'.");
                    continue;
                }
                Some(a) => {
                    check_asset(st, errors, &a, &format!("{p}.asset"));
                    SegmentValue::Asset(a)
                }
            },
            SegmentKind::OptionList => match options {
                None => {
                    errors.add(
                        format!("{p}.options"),
                        "An OptionList segment needs 'options'.",
                    );
                    continue;
                }
                Some(o) => {
                    check_options(
                        errors,
                        &format!("{p}.options"),
                        o.iter().map(|o| (o.label.as_str(), o.value.as_str())),
                    );
                    SegmentValue::Options(o.into_iter().map(|o| (o.label, o.value)).collect())
                }
            },
        };
        out.push(Segment {
            key: seg.key.clone(),
            value,
        });
    }
    if all_required {
        for def in ds.schema.iter().filter(|d| d.required) {
            if !seen.contains(def.key.as_str()) {
                errors.add(
                    "segments",
                    format!("The segment '{}' is required.", def.key),
                );
            }
        }
    }
    out
}

pub(crate) fn create_datapoint(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    dataset(st, &id)?;
    let input: CreateDatapointEndpointInput = c.body()?;
    let sort_index = input.sort_index.flatten();
    let mut errors = Errors::default();
    let segments = check_segments(
        st,
        &mut errors,
        &st.datasets[&id],
        &input.segments.flatten().unwrap_or_default(),
        true,
    );
    if sort_index.is_some_and(|i| i < 0) {
        errors.add(
            "sortIndex",
            "'Sort Index' must be greater than or equal to 0.",
        );
    }
    errors.done()?;
    let (datapoint_id, seq) = st.new_id(c.cfg);
    let created_at = now_system(st, c);
    let ds = st.datasets.get_mut(&id).expect("checked above");
    let sort_index = sort_index.unwrap_or(ds.datapoints.len() as i64);
    ds.datapoints.push(DatapointRec {
        id: datapoint_id.clone(),
        seq,
        sort_index,
        segments,
        private_metadata: input
            .private_metadata
            .flatten()
            .map(|m| m.into_iter().collect()),
        group: input.group.flatten(),
        created_at,
    });
    json(&CreateDatapointOutput { datapoint_id })
}

const DATAPOINT_LIST: ListSpec = ListSpec {
    sorts: &["id", "-id", "created_at", "-created_at"],
    filters: &["id", "created_at"],
    default_sort: "created_at",
};

/// The response form of a datapoint's segments.
fn segments_output(st: &State, ds: &DatasetRec, segments: &[Segment]) -> Vec<SegmentOutput> {
    segments
        .iter()
        .map(|seg| {
            let kind = ds
                .segment_def(&seg.key)
                .map_or(SegmentKind::Text, |d| d.kind);
            let mut out = SegmentOutput {
                key: seg.key.clone(),
                kind: kind.as_str(),
                original_text: None,
                english_text: None,
                asset: None,
                options: None,
            };
            match &seg.value {
                SegmentValue::Text(t) => {
                    out.original_text = Some(t.clone());
                    out.english_text = Some(t.clone());
                }
                SegmentValue::Asset(a) => out.asset = Some(asset_output(st, a)),
                SegmentValue::Options(o) => {
                    out.options = Some(
                        o.iter()
                            .map(|(label, value)| SegmentOptionOutput {
                                label: label.clone(),
                                value: value.clone(),
                            })
                            .collect(),
                    );
                }
            }
            out
        })
        .collect()
}

pub(crate) fn list_datapoints(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0);
    let ds = dataset(st, id)?;
    let rows = ds
        .datapoints
        .iter()
        .map(|d| Row {
            fields: vec![("id", d.id.clone()), ("created_at", iso_time(d.created_at))],
            seq: d.seq,
            item: DatapointItem {
                id: d.id.clone(),
                dataset_id: id.to_string(),
                segments: segments_output(st, ds, &d.segments),
            },
        })
        .collect();
    list(&c.query, &DATAPOINT_LIST, rows)
}

pub(crate) fn dataset_progress(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let n = dataset(st, c.param(0))?.datapoints.len() as i32;
    json(&DatasetProgressOutput {
        total: n,
        ready: n,
        pending: 0,
        failed: 0,
    })
}

/// `POST /dataset/{id}/group`: validated (segments against the schema, none required) and
/// kept (a ranking list's context comes from its group).
pub(crate) fn create_group(st: &mut State, c: &Ctx<'_>) -> Result<Reply, ApiError> {
    let id = c.param(0).to_string();
    dataset(st, &id)?;
    let input: CreateDatasetGroupEndpointInput = c.body()?;
    let mut errors = Errors::default();
    if input.group.trim().is_empty() {
        errors.add("group", "'Group' must not be empty.");
    }
    let segments = check_segments(
        st,
        &mut errors,
        &st.datasets[&id],
        &input.segments.flatten().unwrap_or_default(),
        false,
    );
    errors.done()?;
    let ds = st.datasets.get_mut(&id).expect("checked above");
    ds.groups.insert(input.group, segments);
    Ok(Reply::NoContent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortening() {
        let long = "word ".repeat(200);
        let s = shorten(&long);
        assert!(s.chars().count() <= MAX_CONTEXT, "{}", s.chars().count());
        assert_eq!(shorten("short"), "short");
    }
}
