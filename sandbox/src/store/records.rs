//! The records the store keeps: one struct per entity the API creates (assets, batch
//! uploads, audiences and their examples, datasets and datapoints, job definitions and
//! their revisions, jobs, bridge logins, preliminary downloads). Plain data with the lookups
//! on one record; nothing here knows the [`State`](super::State) or a handler.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use serde_json::Value;

use crate::api_types::{
    AggregatorType, ExampleVisibility, FeatureFlag, IAssetInput, IAudienceFilter, IExamplePayload,
    IExampleTruth, IGraduationRule, IGraduationRuleTaskAccuracyRule, IOrderWorkflowInput, IReferee,
    RetrievalMode,
};
use crate::rng::Mix;
use crate::sim::{JobSim, Qualification};
use crate::wire::AudienceStatus;

/// An uploaded asset.
#[derive(Debug, Clone)]
pub(crate) struct AssetRec {
    /// The original file name or source URL (what results are keyed by).
    pub original: String,
}

/// One URL of a batch upload.
#[derive(Debug, Clone)]
pub(crate) struct BatchItem {
    pub url: String,
    pub file_name: Option<String>,
    /// (message, stage, upstream HTTP status) when the simulated download fails.
    pub error: Option<(String, String, i32)>,
}

/// A batch upload.
#[derive(Debug, Clone)]
pub(crate) struct BatchRec {
    pub id: String,
    pub seq: u64,
    pub correlation_id: Option<String>,
    pub done_at: Instant,
    pub aborted: bool,
    pub items: Vec<BatchItem>,
}

/// The kinds of audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AudienceKind {
    /// `global`: every labeler.
    Global,
    /// A public, curated audience (always ready).
    Curated,
    /// One created through `POST /audience`.
    Custom,
}

/// Optional tuning fields of an audience (stored and echoed, not simulated).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tuning {
    pub min_graduated_for_distilling_boost: Option<i32>,
    pub min_distilling_for_global_boost: Option<i32>,
    pub max_distilling_responses: Option<u32>,
    pub drop_min_responses: Option<u32>,
    pub drop_score: Option<f64>,
    pub max_distilling_sessions: Option<u32>,
    pub inactivity_drop_days: Option<u32>,
    pub min_submission_rate: Option<f64>,
    pub min_sessions_for_submission_rate: Option<u32>,
    pub min_submission_rate_graduated: Option<f64>,
}

/// A qualification example.
#[derive(Debug, Clone)]
pub(crate) struct ExampleRec {
    pub id: String,
    pub seq: u64,
    pub asset: IAssetInput,
    pub payload: IExamplePayload,
    pub truth: Option<IExampleTruth>,
    pub random_correct_probability: f64,
    pub explanation: Option<String>,
    pub context: Option<String>,
    pub context_asset: Option<IAssetInput>,
    pub sort_index: i32,
    pub is_common_sense: Option<bool>,
    pub flag_if_incorrect: Option<bool>,
    pub visibility: ExampleVisibility,
    pub created: Instant,
    /// Content hash: the key of the labelers' answer draws.
    pub key: u64,
}

impl ExampleRec {
    /// Recomputes the content key (after an update).
    pub fn rekey(&mut self) {
        self.key = Mix::new(0, "example")
            .str(&canonical(&self.asset))
            .str(&canonical(&self.payload))
            .str(&canonical(&self.truth))
            .str(self.context.as_deref().unwrap_or(""))
            .u64();
    }
}

/// The JSON of a value with every object's keys sorted, so that content keys do not depend
/// on field or hash-map order.
pub(crate) fn canonical<T: serde::Serialize>(value: &T) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::from(k.as_str()).to_string());
                    out.push(':');
                    write(v, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(v, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(&serde_json::to_value(value).unwrap_or_default(), &mut out);
    out
}

/// An audience.
#[derive(Debug, Clone)]
pub(crate) struct AudienceRec {
    pub id: String,
    pub seq: u64,
    pub kind: AudienceKind,
    pub name: String,
    pub description: Option<String>,
    pub logo: Option<String>,
    pub filters: Vec<IAudienceFilter>,
    pub rule: IGraduationRule,
    pub created_at: SystemTime,
    pub recruit_at: Option<Instant>,
    pub deleted: bool,
    pub min_size: Option<i64>,
    pub retrieval_mode: RetrievalMode,
    pub tuning: Tuning,
    pub distilling_campaign_id: String,
    pub examples: Vec<ExampleRec>,
    /// Bumped on every change that affects qualification.
    pub version: u64,
    pub cache: Option<(u64, Arc<Qualification>)>,
}

/// The default graduation rule: 0.75 accuracy over 10 tasks.
pub(crate) fn default_rule() -> IGraduationRule {
    IGraduationRuleTaskAccuracyRule::new(10, 0.75).into()
}

impl AudienceRec {
    pub fn new(
        id: String,
        seq: u64,
        kind: AudienceKind,
        name: &str,
        created_at: SystemTime,
    ) -> AudienceRec {
        AudienceRec {
            distilling_campaign_id: if kind == AudienceKind::Custom {
                format!("cmp_{}", &id[id.len().saturating_sub(11)..])
            } else {
                String::new()
            },
            id,
            seq,
            kind,
            name: name.to_string(),
            description: None,
            logo: None,
            filters: Vec::new(),
            rule: default_rule(),
            created_at,
            recruit_at: None,
            deleted: false,
            min_size: None,
            retrieval_mode: RetrievalMode::Random,
            tuning: Tuning::default(),
            examples: Vec::new(),
            version: 0,
            cache: None,
        }
    }

    /// Examples in qualification order (sort index, then creation).
    pub fn sorted_examples(&self) -> Vec<&ExampleRec> {
        let mut v: Vec<&ExampleRec> = self.examples.iter().collect();
        v.sort_by_key(|e| (e.sort_index, e.seq));
        v
    }
}

/// A filtered view on an audience (`fau_…`).
#[derive(Debug, Clone)]
pub(crate) struct FilteredRec {
    pub base: String,
    pub filter: IAudienceFilter,
}

/// The kind of a dataset segment (`DatasetSegmentKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    Text,
    Asset,
    OptionList,
}

impl SegmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Text => "Text",
            SegmentKind::Asset => "Asset",
            SegmentKind::OptionList => "OptionList",
        }
    }
}

/// One segment definition of a dataset's schema (`DatasetSegmentDefinition`).
#[derive(Debug, Clone)]
pub(crate) struct SegmentDef {
    pub key: String,
    pub kind: SegmentKind,
    pub label: Option<String>,
    pub required: bool,
    pub max_length: Option<usize>,
}

/// The schema of a dataset created with `"schema": null`: `asset` (required), `context`
/// (Text, optional, at most 400 characters) and `context_asset` (Asset, optional).
pub(crate) fn default_schema() -> Vec<SegmentDef> {
    vec![
        SegmentDef {
            key: "asset".into(),
            kind: SegmentKind::Asset,
            label: Some("Asset".into()),
            required: true,
            max_length: None,
        },
        SegmentDef {
            key: "context".into(),
            kind: SegmentKind::Text,
            label: Some("Context".into()),
            required: false,
            max_length: Some(400),
        },
        SegmentDef {
            key: "context_asset".into(),
            kind: SegmentKind::Asset,
            label: Some("Context asset".into()),
            required: false,
            max_length: None,
        },
    ]
}

/// The value of a datapoint's segment.
#[derive(Debug, Clone)]
pub(crate) enum SegmentValue {
    Text(String),
    Asset(IAssetInput),
    /// (label, value) pairs.
    Options(Vec<(String, String)>),
}

/// One segment of a datapoint.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub key: String,
    pub value: SegmentValue,
}

/// A datapoint: its segments, in the order they were sent.
#[derive(Debug, Clone)]
pub(crate) struct DatapointRec {
    pub id: String,
    pub seq: u64,
    pub sort_index: i64,
    pub segments: Vec<Segment>,
    pub private_metadata: Option<BTreeMap<String, String>>,
    /// The dataset group (ranking list) it belongs to.
    pub group: Option<String>,
    pub created_at: SystemTime,
}

impl DatapointRec {
    fn segment(&self, key: &str) -> Option<&SegmentValue> {
        self.segments
            .iter()
            .find(|s| s.key == key)
            .map(|s| &s.value)
    }

    /// The asset of an Asset segment.
    pub fn asset(&self, key: &str) -> Option<&IAssetInput> {
        match self.segment(key)? {
            SegmentValue::Asset(a) => Some(a),
            _ => None,
        }
    }

    /// The text of a Text segment.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.segment(key)? {
            SegmentValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The (label, value) pairs of an OptionList segment.
    pub fn options(&self, key: &str) -> Option<&[(String, String)]> {
        match self.segment(key)? {
            SegmentValue::Options(o) => Some(o),
            _ => None,
        }
    }
}

/// A dataset.
#[derive(Debug, Clone)]
pub(crate) struct DatasetRec {
    pub name: String,
    /// The schema its datapoints follow ([`default_schema`] when created without one).
    pub schema: Vec<SegmentDef>,
    pub datapoints: Vec<DatapointRec>,
    /// The groups created with `POST /dataset/{id}/group`, with their segments (a
    /// ranking list's context).
    pub groups: BTreeMap<String, Vec<Segment>>,
}

impl DatasetRec {
    /// The definition of a segment key.
    pub fn segment_def(&self, key: &str) -> Option<&SegmentDef> {
        self.schema.iter().find(|d| d.key == key)
    }
}

/// A revision of a job definition.
#[derive(Debug, Clone)]
pub(crate) struct RevisionRec {
    pub number: i32,
    pub pipeline_id: String,
    pub dataset_id: String,
    pub workflow: IOrderWorkflowInput,
    pub referee: IReferee,
    pub rapid_flags: Vec<FeatureFlag>,
    pub campaign_flags: Vec<FeatureFlag>,
    pub validation_set_id: Option<String>,
    pub base_revision_number: Option<i32>,
    pub aggregator: Option<AggregatorType>,
    pub created_at: SystemTime,
    /// When it was saved (its preview is built after `cost_estimate_delay`).
    pub created: Instant,
}

/// A job definition.
#[derive(Debug, Clone)]
pub(crate) struct DefinitionRec {
    pub id: String,
    pub seq: u64,
    pub name: String,
    pub created_at: SystemTime,
    pub created: Instant,
    pub revisions: Vec<RevisionRec>,
}

/// A job (a definition revision assigned to an audience).
#[derive(Debug, Clone)]
pub(crate) struct JobRec {
    pub id: String,
    pub seq: u64,
    pub name: String,
    pub definition_id: String,
    pub definition_name: String,
    pub instruction: String,
    pub revision: i32,
    pub pipeline_id: String,
    pub campaign_id: String,
    pub audience_id: String,
    pub preceding: Option<String>,
    /// `experimentId` of `POST /job`, echoed.
    pub experiment_id: Option<String>,
    pub created_at: SystemTime,
    pub created: Instant,
    pub sim: JobSim,
}

/// Readiness and counts of an audience at one moment.
#[derive(Debug, Clone)]
pub(crate) struct AudienceView {
    pub status: AudienceStatus,
    pub graduated: usize,
    pub dropped: usize,
    pub distilling: usize,
    /// Labelers who may vote (sorted), once the audience is ready.
    pub eligible: Option<Vec<usize>>,
    /// When it became ready.
    pub ready_at: Option<Instant>,
}

impl AudienceView {
    /// An audience that is not recruiting (or does not exist): created, nobody in it.
    pub(crate) fn created() -> AudienceView {
        AudienceView {
            status: AudienceStatus::Created,
            graduated: 0,
            dropped: 0,
            distilling: 0,
            eligible: None,
            ready_at: None,
        }
    }
}

/// A bridge-token login in progress.
#[derive(Debug, Clone)]
pub(crate) struct BridgeRec {
    pub write_key: String,
    /// Whether the (simulated) browser login happened.
    pub approved: bool,
}

/// A snapshot asked for.
#[derive(Debug, Clone)]
pub(crate) struct PreliminaryRec {
    /// The result file as it was when the snapshot was asked for.
    pub body: Vec<u8>,
    /// Polls answered so far.
    pub polls: u32,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn canonical_json_sorts_keys() {
        let a: HashMap<&str, i32> = [("b", 2), ("a", 1), ("c", 3)].into_iter().collect();
        assert_eq!(canonical(&a), r#"{"a":1,"b":2,"c":3}"#);
        assert_eq!(
            canonical(&serde_json::json!([{"y": "\"", "x": null}])),
            r#"[{"x":null,"y":"\""}]"#
        );
    }
}
