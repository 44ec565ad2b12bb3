//! Request and response bodies of the Rapidata API, as the 2026-08-21 OpenAPI documents
//! define them (camelCase JSON, `_t`-tagged unions, required vs optional vs nullable).
//!
//! Everything that crosses the wire lives here, so that these hand-written types can later be
//! replaced by types generated from the project's spec. Request types are parsed strictly:
//! required fields are required, types must match, an unknown `_t` is an error, and every
//! error names the JSON path of the offending field (see [`parse`]). Unknown properties are
//! ignored, as the ASP.NET backend does.
//!
//! The structs mirror the schemas completely, including fields the simulation never reads.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Strict parsing with field paths
// ---------------------------------------------------------------------------------------------

/// A request body that could not be turned into its type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldError {
    /// JSON path of the field, `a.b[0].c`; `$` for the body as a whole.
    pub path: String,
    pub message: String,
}

/// Marks a nested error message that carries its own relative path: `\u{1}path\u{1}message`.
const NESTED: char = '\u{1}';

fn render(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
            }
            serde_path_to_error::Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            serde_path_to_error::Segment::Enum { .. } => {}
            serde_path_to_error::Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

fn join(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_string(),
        (false, true) => outer.to_string(),
        (false, false) if inner.starts_with('[') => format!("{outer}{inner}"),
        (false, false) => format!("{outer}.{inner}"),
    }
}

fn split_nested(message: &str) -> (&str, &str) {
    if let Some(rest) = message.strip_prefix(NESTED) {
        if let Some((path, msg)) = rest.split_once(NESTED) {
            return (path, msg);
        }
    }
    ("", message)
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let outer = render(e.path());
    let message = e.inner().to_string();
    let (inner, msg) = split_nested(&message);
    (join(&outer, inner), msg.to_string())
}

/// Deserializes a union variant from its JSON object, keeping the path of any error.
fn nested<T: DeserializeOwned, E: de::Error>(value: Value) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (path, msg) = path_error(e);
        E::custom(format!("{NESTED}{path}{NESTED}{msg}"))
    })
}

/// Reads and checks the `_t` discriminator of a union object.
fn union_tag<E: de::Error>(value: &Value, union: &str, tags: &[&str]) -> Result<String, E> {
    let nested_err = |path: &str, msg: String| E::custom(format!("{NESTED}{path}{NESTED}{msg}"));
    let Some(object) = value.as_object() else {
        return Err(E::custom(format!(
            "invalid type: expected a {union} object with a `_t` discriminator"
        )));
    };
    match object.get("_t") {
        None => Err(nested_err(
            "_t",
            format!(
                "The `_t` discriminator of {union} is required; expected one of: {}.",
                tags.join(", ")
            ),
        )),
        Some(Value::String(tag)) if tags.contains(&tag.as_str()) => Ok(tag.clone()),
        Some(other) => Err(nested_err(
            "_t",
            format!(
                "Unknown {union} discriminator {other}; expected one of: {}.",
                tags.join(", ")
            ),
        )),
    }
}

/// Parses a JSON request body strictly into `T`.
///
/// Errors: malformed JSON → path `$`; a missing required field → the field's path and
/// "The x field is required."; a wrong type → the field's path and serde's message.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, FieldError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(FieldError {
            path: "$".into(),
            message: "A non-empty request body is required.".into(),
        });
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| FieldError {
        path: "$".into(),
        message: format!(
            "The request body is not valid JSON: {e} (line {}, column {}).",
            e.line(),
            e.column()
        ),
    })?;
    from_value(value)
}

/// [`parse`] for a value that is already JSON.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (mut path, mut message) = path_error(e);
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            path = join(&path, field);
            message = format!("The {field} field is required.");
        }
        if path.is_empty() {
            path = "$".into();
        }
        FieldError { path, message }
    })
}

/// For PATCH bodies: absent → `None`, `null` → `Some(None)`, a value → `Some(Some(v))`.
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// For fields that are required but nullable: must be present, may be `null`.
fn required_nullable<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// Declares a `_t`-tagged union: derived `Serialize` (tag first), strict path-keeping
/// `Deserialize`.
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($label:literal) {
            $( $(#[$vmeta:meta])* $tag:literal => $variant:ident($ty:ty), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "_t")]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $tag)] $variant($ty), )+
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(d)?;
                let tag = union_tag::<D::Error>(&value, $label, &[$($tag),+])?;
                match tag.as_str() {
                    $( $tag => nested::<$ty, D::Error>(value).map($name::$variant), )+
                    _ => Err(de::Error::custom("unreachable discriminator")),
                }
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/// `FeatureFlag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FeatureFlag {
    pub key: String,
    pub value: String,
}

/// `MetadataVisibilities` item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum MetadataVisibility {
    None,
    Users,
    Customers,
    Admins,
    Dashboard,
    All,
}

/// `TextMetadataInput`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TextMetadataInput {
    #[serde(deserialize_with = "required_nullable")]
    pub text: Option<String>,
    pub visibilities: Vec<MetadataVisibility>,
}

tagged_union! {
    /// `IMetadataInput`.
    pub(crate) enum MetadataInput ("IMetadataInput") {
        "TextMetadataInput" => Text(TextMetadataInput),
    }
}

/// `ExistingAssetInput` (the untagged form used for `logo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExistingAssetInput {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, MetadataInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

/// `TextAssetInput`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TextAssetInput {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, MetadataInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

/// `MultiAssetInput`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MultiAssetInput {
    pub assets: Vec<AssetInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, MetadataInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

tagged_union! {
    /// `IAssetInput`.
    pub(crate) enum AssetInput ("IAssetInput") {
        "ExistingAssetInput" => Existing(ExistingAssetInput),
        "MultiAssetInput" => Multi(MultiAssetInput),
        "TextAssetInput" => Text(TextAssetInput),
    }
}

/// `IAsset` (response side). `metadata` is always an empty map here.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "_t")]
pub(crate) enum Asset {
    #[serde(rename = "FileAsset", rename_all = "camelCase")]
    File {
        file_name: String,
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
    #[serde(rename = "MultiAsset", rename_all = "camelCase")]
    Multi {
        assets: Vec<Asset>,
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
    #[serde(rename = "TextAsset", rename_all = "camelCase")]
    Text {
        text: String,
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
    #[serde(rename = "NullAsset", rename_all = "camelCase")]
    Null {
        metadata: BTreeMap<String, Value>,
        identifier: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Audiences
// ---------------------------------------------------------------------------------------------

/// `DeviceType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum DeviceType {
    Unknown,
    Phone,
    Tablet,
}

/// `AndFilter` / `OrFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FilterList {
    pub filters: Vec<AudienceFilter>,
}

/// `NotFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NotFilter {
    pub filter: Box<AudienceFilter>,
}

/// `CountryFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CountryFilter {
    pub countries: Vec<String>,
}

/// `LanguageFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LanguageFilter {
    pub languages: Vec<String>,
}

/// `DemographicFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DemographicFilter {
    pub identifier: String,
    pub values: Vec<String>,
}

/// `DeviceFilter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeviceFilter {
    pub device_types: Vec<DeviceType>,
}

tagged_union! {
    /// `IAudienceFilter`.
    pub(crate) enum AudienceFilter ("IAudienceFilter") {
        "AndFilter" => And(FilterList),
        "CountryFilter" => Country(CountryFilter),
        "DemographicFilter" => Demographic(DemographicFilter),
        "DeviceFilter" => Device(DeviceFilter),
        "LanguageFilter" => Language(LanguageFilter),
        "NotFilter" => Not(NotFilter),
        "OrFilter" => Or(FilterList),
    }
}

/// `TaskAccuracy` graduation rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskAccuracyRule {
    pub target_accuracy: f64,
    pub min_tasks: i32,
    #[serde(default)]
    pub max_tasks: Option<i32>,
}

/// `ScoreThreshold` graduation rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScoreThresholdRule {
    pub graduation_score: f64,
    #[serde(default)]
    pub demotion_score: Option<f64>,
    #[serde(default)]
    pub min_responses_to_graduate: Option<u32>,
}

/// `AcceptedFreeText` graduation rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AcceptedFreeTextRule {
    pub min_accepted_responses: u32,
    pub min_accepted_ratio: f64,
    #[serde(default)]
    pub demotion_ratio: Option<f64>,
}

tagged_union! {
    /// `IGraduationRule`.
    pub(crate) enum GraduationRule ("IGraduationRule") {
        "AcceptedFreeText" => AcceptedFreeText(AcceptedFreeTextRule),
        "ScoreThreshold" => ScoreThreshold(ScoreThresholdRule),
        "TaskAccuracy" => TaskAccuracy(TaskAccuracyRule),
    }
}

/// `RetrievalMode`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum RetrievalMode {
    Random,
    Shuffled,
    Sequential,
}

/// `CreateAudienceEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateAudienceInput {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub filters: Option<Vec<AudienceFilter>>,
    #[serde(default)]
    pub graduation_rule: Option<GraduationRule>,
    #[serde(default)]
    pub minimum_size_for_activation: Option<i64>,
    #[serde(default)]
    pub logo: Option<ExistingAssetInput>,
    #[serde(default)]
    pub max_distilling_responses: Option<u32>,
    #[serde(default)]
    pub drop_min_responses: Option<u32>,
    #[serde(default)]
    pub drop_score: Option<f64>,
    #[serde(default)]
    pub is_distilling_campaign_sticky: Option<bool>,
    #[serde(default)]
    pub max_distilling_sessions: Option<u32>,
    #[serde(default)]
    pub inactivity_drop_days: Option<u32>,
    #[serde(default)]
    pub min_submission_rate: Option<f64>,
    #[serde(default)]
    pub min_sessions_for_submission_rate: Option<u32>,
    #[serde(default)]
    pub min_submission_rate_graduated: Option<f64>,
    #[serde(default)]
    pub distilling_retrieval_mode: Option<RetrievalMode>,
    #[serde(default)]
    pub min_distilling_for_global_boost: Option<i32>,
    #[serde(default)]
    pub min_graduated_for_distilling_boost: Option<i32>,
}

/// `CreateAudienceEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateAudienceOutput {
    pub audience_id: String,
}

/// `UpdateAudienceEndpoint_Input` (PATCH: absent = unchanged, `null` = clear).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateAudienceInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub filters: Option<Vec<AudienceFilter>>,
    #[serde(default, deserialize_with = "double_option")]
    pub logo: Option<Option<ExistingAssetInput>>,
    #[serde(default, deserialize_with = "double_option")]
    pub min_graduated_for_distilling_boost: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub min_distilling_for_global_boost: Option<Option<i32>>,
    #[serde(default)]
    pub graduation_rule: Option<GraduationRule>,
    #[serde(default, deserialize_with = "double_option")]
    pub max_distilling_responses: Option<Option<u32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub drop_min_responses: Option<Option<u32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub drop_score: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    pub max_distilling_sessions: Option<Option<u32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub inactivity_drop_days: Option<Option<u32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub min_submission_rate: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    pub min_sessions_for_submission_rate: Option<Option<u32>>,
    #[serde(default, deserialize_with = "double_option")]
    pub min_submission_rate_graduated: Option<Option<f64>>,
    #[serde(default)]
    pub distilling_retrieval_mode: Option<RetrievalMode>,
}

/// `UpdateAudienceEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateAudienceOutput {
    pub recalculation_id: Option<String>,
    pub inactivity_sync_id: Option<String>,
}

/// `CreateFilteredAudienceEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateFilteredAudienceInput {
    pub filter: AudienceFilter,
}

/// `AudienceStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum AudienceStatus {
    Created,
    Pending,
    Recruiting,
    Ready,
}

impl AudienceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AudienceStatus::Created => "Created",
            AudienceStatus::Pending => "Pending",
            AudienceStatus::Recruiting => "Recruiting",
            AudienceStatus::Ready => "Ready",
        }
    }
}

/// `BoostLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) enum BoostLevel {
    None,
    Stable,
    Distilling,
    Global,
}

/// `GetAudienceByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetAudienceOutput {
    pub id: String,
    pub base_audience_id: String,
    pub filter: Option<AudienceFilter>,
    pub name: String,
    pub description: Option<String>,
    pub status: AudienceStatus,
    pub qualified_user_count: i64,
    pub filters: Vec<AudienceFilter>,
    pub logo: Option<String>,
    pub created_at: String,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
    pub is_public: bool,
    pub is_distilling: bool,
    pub distilling_campaign_id: String,
    pub min_graduated_for_distilling_boost: Option<i32>,
    pub min_distilling_for_global_boost: Option<i32>,
    pub graduation_rule: GraduationRule,
    pub max_distilling_responses: Option<u32>,
    pub drop_min_responses: Option<u32>,
    pub drop_score: Option<f64>,
    pub max_distilling_sessions: Option<u32>,
    pub inactivity_drop_days: Option<u32>,
    pub min_submission_rate: Option<f64>,
    pub min_sessions_for_submission_rate: Option<u32>,
    pub min_submission_rate_graduated: Option<f64>,
    pub distilling_retrieval_mode: RetrievalMode,
    pub boost_level: BoostLevel,
    pub random_admission_probability: Option<f64>,
    pub health: Option<f64>,
    pub graduated: i64,
    pub dropped: i64,
}

/// `QueryAudiencesEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QueryAudiencesItem {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: AudienceStatus,
    pub qualified_user_count: i64,
    pub filters: Vec<AudienceFilter>,
    pub logo: Option<String>,
    pub created_at: String,
    pub owner_mail: String,
    pub organization_id: String,
    pub is_public: bool,
    pub is_distilling: bool,
    pub graduation_rule: GraduationRule,
    pub random_admission_probability: Option<f64>,
    pub health: Option<f64>,
    pub graduated: i64,
    pub dropped: i64,
}

/// `GetAudienceUserStateMetricsResult`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserStateMetrics {
    pub users_per_state: BTreeMap<String, i32>,
}

/// `QueryAudienceJobsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AudienceJobItem {
    pub job_id: String,
    pub name: String,
    pub definition_id: String,
    pub audience_id: String,
    pub revision_number: i32,
    pub pipeline_id: String,
    pub state: JobState,
    pub created_at: String,
}

// ---------------------------------------------------------------------------------------------
// Qualification examples
// ---------------------------------------------------------------------------------------------

/// `ExampleCategory` / `AttachCategoryRapidBlueprint_Category`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Category {
    pub label: String,
    pub value: String,
}

/// `ExampleTranscriptionWord`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TranscriptionWord {
    pub word: String,
    pub word_index: i32,
}

/// `ClassifyExamplePayload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyExamplePayload {
    pub categories: Vec<Category>,
    pub title: String,
}

/// `CompareExamplePayload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareExamplePayload {
    pub criteria: String,
}

/// `LocateExamplePayload` / `LineExamplePayload` / `ScrubExamplePayload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TargetPayload {
    pub target: String,
}

/// `TranscriptionExamplePayload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TranscriptionExamplePayload {
    pub title: String,
    pub transcription: Vec<TranscriptionWord>,
}

tagged_union! {
    /// `IExamplePayload`.
    pub(crate) enum ExamplePayload ("IExamplePayload") {
        "ClassifyExamplePayload" => Classify(ClassifyExamplePayload),
        "CompareExamplePayload" => Compare(CompareExamplePayload),
        "LineExamplePayload" => Line(TargetPayload),
        "LocateExamplePayload" => Locate(TargetPayload),
        "ScrubExamplePayload" => Scrub(TargetPayload),
        "TranscriptionExamplePayload" => Transcription(TranscriptionExamplePayload),
    }
}

/// `ExampleBoxShape` (percentages 0–100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BoxShape {
    #[serde(default)]
    pub x_min: Option<f64>,
    #[serde(default)]
    pub y_min: Option<f64>,
    #[serde(default)]
    pub x_max: Option<f64>,
    #[serde(default)]
    pub y_max: Option<f64>,
}

/// `ExampleScrubRange`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScrubRange {
    pub start: i32,
    pub end: i32,
}

/// `ClassifyExampleTruth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyExampleTruth {
    pub correct_categories: Vec<String>,
}

/// `CompareExampleTruth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareExampleTruth {
    pub winner_id: String,
}

/// `LocateExampleTruth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LocateExampleTruth {
    pub bounding_boxes: Vec<BoxShape>,
    #[serde(default)]
    pub required_precision: Option<f64>,
    #[serde(default)]
    pub required_completeness: Option<f64>,
}

/// `LineExampleTruth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LineExampleTruth {
    #[serde(default)]
    pub bounding_boxes: Option<Vec<BoxShape>>,
    #[serde(default)]
    pub required_precision: Option<f64>,
    #[serde(default)]
    pub required_completeness: Option<f64>,
}

/// `ScrubExampleTruth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScrubExampleTruth {
    pub valid_ranges: Vec<ScrubRange>,
}

/// `TranscriptionExampleTruth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TranscriptionExampleTruth {
    pub correct_words: Vec<TranscriptionWord>,
    #[serde(default)]
    pub strict_grading: Option<bool>,
    #[serde(default)]
    pub required_precision: Option<f64>,
    #[serde(default)]
    pub required_completeness: Option<f64>,
}

tagged_union! {
    /// `IExampleTruth`.
    pub(crate) enum ExampleTruth ("IExampleTruth") {
        "ClassifyExampleTruth" => Classify(ClassifyExampleTruth),
        "CompareExampleTruth" => Compare(CompareExampleTruth),
        "LineExampleTruth" => Line(LineExampleTruth),
        "LocateExampleTruth" => Locate(LocateExampleTruth),
        "ScrubExampleTruth" => Scrub(ScrubExampleTruth),
        "TranscriptionExampleTruth" => Transcription(TranscriptionExampleTruth),
    }
}

/// `ExampleVisibility`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum ExampleVisibility {
    Private,
    Public,
}

/// `AddExampleToAudienceEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddExampleInput {
    pub asset: AssetInput,
    pub payload: ExamplePayload,
    #[serde(default)]
    pub truth: Option<ExampleTruth>,
    pub random_correct_probability: f64,
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub context_asset: Option<AssetInput>,
    #[serde(default)]
    pub sort_index: Option<i32>,
    #[serde(default)]
    pub feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default)]
    pub is_common_sense: Option<bool>,
    #[serde(default)]
    pub visibility: Option<ExampleVisibility>,
}

/// `AddExampleToAudienceEndpoint_Output` / `DeleteAudienceExampleEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecalculationOutput {
    pub recalculation_id: Option<String>,
}

/// `UpdateAudienceExampleEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateExampleInput {
    #[serde(default, deserialize_with = "double_option")]
    pub truth: Option<Option<ExampleTruth>>,
    #[serde(default)]
    pub instruction_text: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub explanation: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub context: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub context_asset: Option<Option<AssetInput>>,
    #[serde(default, deserialize_with = "double_option")]
    pub random_correct_probability: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    pub is_common_sense: Option<Option<bool>>,
    #[serde(default)]
    pub sort_index: Option<i32>,
    #[serde(default)]
    pub visibility: Option<ExampleVisibility>,
}

/// `QueryExamplesForAudienceEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExampleItem {
    pub id: String,
    pub rapid_id: Option<String>,
    pub asset: Asset,
    pub payload: ExamplePayload,
    pub correct_count: i32,
    pub incorrect_count: i32,
    pub truth: Option<ExampleTruth>,
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_asset: Option<Asset>,
    pub explanation: Option<String>,
    pub random_correct_probability: f64,
    pub is_common_sense: Option<bool>,
    pub sort_index: i32,
    pub visibility: ExampleVisibility,
}

// ---------------------------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------------------------

/// `UploadFileEndpoint_Output` / `UploadFileFromUrlEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadOutput {
    pub file_name: String,
    pub warnings: Vec<String>,
    pub was_compressed: bool,
    pub original_size_bytes: Option<i64>,
    pub final_size_bytes: Option<i64>,
}

/// `CompressionOverride`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompressionOverride {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub quality: Option<i32>,
    #[serde(default)]
    pub max_dimension: Option<i32>,
}

/// `CreateBatchUploadEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateBatchUploadInput {
    pub urls: Vec<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    #[serde(default)]
    pub compression: Option<CompressionOverride>,
}

/// `CreateBatchUploadEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateBatchUploadOutput {
    pub batch_upload_id: String,
}

/// `BatchUploadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum BatchUploadStatus {
    Processing,
    Completed,
    Aborted,
}

/// `BatchUploadUrlStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum BatchUploadUrlStatus {
    Pending,
    Completed,
    Failed,
}

/// `GetBatchUploadStatusEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUploadStatusOutput {
    pub status: BatchUploadStatus,
    pub total_count: i32,
    pub completed_count: i32,
    pub failed_count: i32,
    pub completed_batches: Vec<String>,
}

/// `GetBatchUploadResultEndpoint_UrlOutput`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUploadUrlOutput {
    pub url: String,
    pub file_name: Option<String>,
    pub warnings: Vec<String>,
    pub status: BatchUploadUrlStatus,
    pub error_message: Option<String>,
    pub stage: Option<String>,
    pub upstream_http_status: Option<i32>,
}

/// `GetBatchUploadResultEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchUploadResultOutput {
    pub batch_upload_id: String,
    pub status: BatchUploadStatus,
    pub total_count: i32,
    pub completed_count: i32,
    pub failed_count: i32,
    pub items: Vec<BatchUploadUrlOutput>,
}

// ---------------------------------------------------------------------------------------------
// Datasets
// ---------------------------------------------------------------------------------------------

/// `ShortenContextEndpoint_InputItem`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortenContextItem {
    pub context: String,
    pub question: String,
}

/// `ShortenContextEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortenContextInput {
    pub items: Vec<ShortenContextItem>,
}

/// `ShortenContextEndpoint_OutputItem`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortenedContext {
    pub shortened_context: String,
}

/// `ShortenContextEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortenContextOutput {
    pub items: Vec<ShortenedContext>,
}

/// `CreateDatasetEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatasetInput {
    pub name: String,
}

/// `CreateDatasetEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatasetOutput {
    pub dataset_id: String,
}

/// `GetDatasetByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetDatasetOutput {
    pub name: String,
}

/// `CreateDatapointEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatapointInput {
    pub asset: AssetInput,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub context_asset: Option<AssetInput>,
    #[serde(default)]
    pub sort_index: Option<i64>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub transcription: Option<String>,
    #[serde(default)]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// `CreateDatapointEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatapointOutput {
    pub datapoint_id: String,
}

/// `QueryDatapointsByDatasetIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DatapointItem {
    pub id: String,
    pub dataset_id: String,
    pub asset: Asset,
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_asset: Option<Asset>,
}

/// `GetDatasetProgressEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DatasetProgressOutput {
    pub total: i32,
    pub ready: i32,
    pub pending: i32,
    pub failed: i32,
}

/// `CreateDatasetGroupEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateDatasetGroupInput {
    pub group: String,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub context_asset: Option<AssetInput>,
}

// ---------------------------------------------------------------------------------------------
// Workflows, referees, job definitions
// ---------------------------------------------------------------------------------------------

/// `ClassifyBlueprint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyBlueprint {
    pub categories: Vec<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possible_categories: Option<Vec<String>>,
    pub title: String,
}

/// `CompareBlueprint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareBlueprint {
    pub criteria: String,
    #[serde(default)]
    pub index_identifiers: Option<Vec<String>>,
}

/// `FreeTextBlueprint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FreeTextBlueprint {
    pub question: String,
    #[serde(default)]
    pub should_validate_response: Option<bool>,
    #[serde(default)]
    pub validation_system_prompt: Option<String>,
}

/// `NamedEntityBlueprint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NamedEntityBlueprint {
    pub target: String,
    pub classes: Vec<String>,
}

/// `TranscriptionBlueprint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TranscriptionBlueprint {
    pub title: String,
}

tagged_union! {
    /// `IRapidBlueprint`.
    pub(crate) enum RapidBlueprint ("IRapidBlueprint") {
        "ClassifyBlueprint" => Classify(ClassifyBlueprint),
        "BoundingBoxBlueprint" => BoundingBox(TargetPayload),
        "CompareBlueprint" => Compare(CompareBlueprint),
        "FreeTextBlueprint" => FreeText(FreeTextBlueprint),
        "LineBlueprint" => Line(TargetPayload),
        "LocateBlueprint" => Locate(TargetPayload),
        "NamedEntityBlueprint" => NamedEntity(NamedEntityBlueprint),
        "PolygonBlueprint" => Polygon(TargetPayload),
        "ScrubBlueprint" => Scrub(TargetPayload),
        "TranscriptionBlueprint" => Transcription(TranscriptionBlueprint),
    }
}

/// `FullPermutationPairMaker`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FullPermutationPairMaker {}

/// `OnlinePairMaker`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OnlinePairMaker {
    #[serde(default)]
    pub random_matches_ratio: Option<f32>,
    #[serde(default)]
    pub total_comparison_budget: Option<i32>,
}

tagged_union! {
    /// `IPairMakerConfig`.
    pub(crate) enum PairMakerConfig ("IPairMakerConfig") {
        "FullPermutationPairMaker" => FullPermutation(FullPermutationPairMaker),
        "OnlinePairMaker" => Online(OnlinePairMaker),
    }
}

/// `EloConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EloConfig {
    pub starting_score: i32,
    pub k_factor: i32,
    pub scaling_factor: i32,
}

/// `BradleyTerryRankingConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BradleyTerryConfig {
    pub starting_score: i32,
}

tagged_union! {
    /// `IRankingConfig`.
    pub(crate) enum RankingConfig ("IRankingConfig") {
        "BradleyTerryRankingConfig" => BradleyTerry(BradleyTerryConfig),
        "EloConfig" => Elo(EloConfig),
    }
}

/// `SimpleWorkflow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SimpleWorkflow {
    pub blueprint: RapidBlueprint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_flags: Option<Vec<FeatureFlag>>,
}

/// `GroupedRankingWorkflow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GroupedRankingWorkflow {
    pub criteria: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair_maker_config: Option<PairMakerConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elo_config: Option<EloConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranking_config: Option<RankingConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contexts: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_assets: Option<BTreeMap<String, AssetInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parallelism: Option<i32>,
}

/// `EvaluationWorkflow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EvaluationWorkflow {
    pub validation_set_id: String,
    pub should_accept_incorrect: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_flags: Option<Vec<FeatureFlag>>,
}

tagged_union! {
    /// `IOrderWorkflowInput`.
    pub(crate) enum WorkflowInput ("IOrderWorkflowInput") {
        "EvaluationWorkflow" => Evaluation(EvaluationWorkflow),
        "GroupedRankingWorkflow" => GroupedRanking(GroupedRankingWorkflow),
        "SimpleWorkflow" => Simple(SimpleWorkflow),
    }
}

/// `BudgetReferee`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BudgetReferee {
    pub total_budget: i32,
}

/// `EarlyStoppingReferee`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EarlyStoppingReferee {
    pub max_votes: i32,
    pub threshold: f64,
}

/// `NaiveReferee`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NaiveReferee {
    pub total_votes: i32,
}

/// `QuorumReferee`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QuorumReferee {
    pub max_votes: i32,
    pub threshold: i32,
}

tagged_union! {
    /// `IReferee`.
    pub(crate) enum Referee ("IReferee") {
        "BudgetReferee" => Budget(BudgetReferee),
        "EarlyStoppingReferee" => EarlyStopping(EarlyStoppingReferee),
        "NaiveReferee" => Naive(NaiveReferee),
        "QuorumReferee" => Quorum(QuorumReferee),
    }
}

/// `AggregatorType` (the spec lists `null` as a member; that is `None` here).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum AggregatorType {
    NonCommittal,
    MajorityVote,
    SimpleMatchup,
    LocateCluster,
    Classification,
    Locate,
    BoundingBox,
    Line,
    Transcription,
    SinglePointLocate,
    FreeText,
    Scrub,
    Ranking,
    MultiRanking,
}

/// `CreateJobDefinitionEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobDefinitionInput {
    pub definition_name: String,
    pub workflow: WorkflowInput,
    pub referee: Referee,
    pub dataset_id: String,
    /// Deprecated in the spec; still accepted.
    #[serde(default)]
    pub feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default)]
    pub rapid_feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default)]
    pub campaign_feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default)]
    pub aggregator_type: Option<AggregatorType>,
}

/// `CreateJobDefinitionEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobDefinitionOutput {
    pub definition_id: String,
    pub pipeline_id: String,
}

/// `DefinitionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum DefinitionType {
    Unknown,
    Classify,
    Compare,
    BoundingBox,
    Line,
    Polygon,
    Locate,
    Transcription,
    NamedEntity,
    FreeText,
    Scrub,
    Ranking,
    GroupedRanking,
    Evaluation,
}

impl DefinitionType {
    pub fn as_str(self) -> &'static str {
        match self {
            DefinitionType::Unknown => "Unknown",
            DefinitionType::Classify => "Classify",
            DefinitionType::Compare => "Compare",
            DefinitionType::BoundingBox => "BoundingBox",
            DefinitionType::Line => "Line",
            DefinitionType::Polygon => "Polygon",
            DefinitionType::Locate => "Locate",
            DefinitionType::Transcription => "Transcription",
            DefinitionType::NamedEntity => "NamedEntity",
            DefinitionType::FreeText => "FreeText",
            DefinitionType::Scrub => "Scrub",
            DefinitionType::Ranking => "Ranking",
            DefinitionType::GroupedRanking => "GroupedRanking",
            DefinitionType::Evaluation => "Evaluation",
        }
    }
}

/// `GetJobDefinitionByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetJobDefinitionOutput {
    pub definition_id: String,
    pub name: String,
    pub definition_type: DefinitionType,
    pub is_public: bool,
    pub created_at: String,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
}

/// `QueryJobDefinitionsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobDefinitionItem {
    pub definition_id: String,
    pub name: String,
    pub definition_type: DefinitionType,
    pub created_at: String,
    pub revision_count: i32,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
}

/// `CreateJobRevisionEndpoint_Input` (fields left out are inherited).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobRevisionInput {
    #[serde(default)]
    pub workflow: Option<WorkflowInput>,
    #[serde(default)]
    pub referee: Option<Referee>,
    #[serde(default)]
    pub dataset_id: Option<String>,
    #[serde(default)]
    pub feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default)]
    pub rapid_feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default)]
    pub campaign_feature_flags: Option<Vec<FeatureFlag>>,
    #[serde(default, deserialize_with = "double_option")]
    pub aggregator_type: Option<Option<AggregatorType>>,
    #[serde(default, deserialize_with = "double_option")]
    pub validation_set_id: Option<Option<String>>,
}

/// `CreateJobRevisionEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobRevisionOutput {
    pub revision_number: i32,
    pub pipeline_id: String,
}

/// `JobDefinitionRevisionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum RevisionState {
    Pending,
    Completed,
    Failed,
}

/// `GetJobRevisionEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetJobRevisionOutput {
    pub definition_id: String,
    pub revision_number: i32,
    pub state: RevisionState,
    pub pipeline_id: String,
    pub dataset_id: String,
    pub aggregator_type: Option<AggregatorType>,
    pub workflow: WorkflowInput,
    pub referee: Referee,
    pub feature_flags: Vec<FeatureFlag>,
    pub created_at: String,
    pub created_by_id: String,
    pub created_by_mail: String,
    pub is_instruction_complex: Option<bool>,
    pub instruction_complexity_reason: Option<String>,
}

/// `QueryJobRevisionsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobRevisionItem {
    pub definition_id: String,
    pub revision_number: i32,
    pub created_at: String,
    pub state: RevisionState,
}

/// `GetJobDefinitionCostEstimateEndpoint_Output` / `GetJobCostEstimateEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CostEstimateOutput {
    pub estimated_cost: f64,
    pub cost_per_response: f64,
    pub datapoint_count: i64,
    pub required_responses: i64,
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/// `CreateJobEndpoint_Input`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobInput {
    pub job_definition_id: String,
    pub audience_id: String,
    #[serde(default)]
    pub revision_number: Option<i32>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub priority: Option<i32>,
    #[serde(default)]
    pub preceding_job_id: Option<String>,
    #[serde(default)]
    pub notify_owner_on_completion: Option<bool>,
    #[serde(default)]
    pub check_for_explicit_content: Option<bool>,
}

/// `CreateJobEndpoint_CostWarning`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CostWarning {
    pub estimated_cost: f64,
    pub available_balance: f64,
    pub shortfall: f64,
}

/// `CreateJobEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateJobOutput {
    pub job_id: String,
    pub recruiting_started: bool,
    pub content_check_skip_denied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_warning: Option<CostWarning>,
}

/// `AudienceJobState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum JobState {
    Submitted,
    Running,
    Completed,
    Failed,
    ManualApproval,
    Queued,
    Paused,
    StaleResults,
    SpendLimited,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Submitted => "Submitted",
            JobState::Running => "Running",
            JobState::Completed => "Completed",
            JobState::Failed => "Failed",
            JobState::ManualApproval => "ManualApproval",
            JobState::Queued => "Queued",
            JobState::Paused => "Paused",
            JobState::StaleResults => "StaleResults",
            JobState::SpendLimited => "SpendLimited",
        }
    }
}

/// `GetJobByIdEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetJobOutput {
    pub job_id: String,
    pub name: String,
    pub definition_id: String,
    pub audience_id: String,
    pub revision_number: i32,
    pub pipeline_id: String,
    pub campaign_id: Option<String>,
    pub audience_name: Option<String>,
    pub state: JobState,
    pub is_public: bool,
    pub audience_deleted: bool,
    pub completed_at: Option<String>,
    pub result_file_name: Option<String>,
    pub failed_at: Option<String>,
    pub failure_message: Option<String>,
    pub review_reason: Option<String>,
    pub created_at: String,
    pub owner_id: String,
    pub owner_mail: String,
    pub organization_id: String,
}

/// `LabelingState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum LabelingState {
    Created,
    Started,
    Labeling,
    Paused,
    Done,
    Failed,
}

/// `GetJobProgressEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobProgressOutput {
    pub completion_percentage: f64,
    pub total: i64,
    pub completed: i64,
    pub state: LabelingState,
}

/// `QueryJobsEndpoint_Output`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobItem {
    pub job_id: String,
    pub name: String,
    pub job_definition_id: String,
    pub audience_id: String,
    pub revision_number: i32,
    pub pipeline_id: String,
    pub state: JobState,
    pub owner_mail: String,
    pub organization_id: String,
    pub created_at: String,
    pub progress: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// Paging, errors, auth
// ---------------------------------------------------------------------------------------------

/// `*_PagedResultOfOutput`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Paged<T> {
    pub total: i64,
    pub page: i32,
    pub page_size: i32,
    pub items: Vec<T>,
    pub total_pages: i32,
}

/// `ValidationProblemDetails` (plus the `traceId` extension the backend adds).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValidationProblemDetails {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: i32,
    pub errors: BTreeMap<String, Vec<String>>,
    pub trace_id: String,
}

/// `ProblemDetails` (404, 409, 429, 503 …).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProblemDetails {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub trace_id: String,
}

/// The OAuth2 token response of `POST /connect/token`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    pub scope: String,
}

/// An OAuth2 error response (`{"error":"invalid_client"}`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OAuthError {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Result files (GET /job/{jobId}/download-results; no schema in the spec, layout of §7.5)
// ---------------------------------------------------------------------------------------------

/// A JSON object whose keys keep their insertion order (A before B, categories as defined).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    /// Sets `key` (keeps the position of an existing key).
    pub fn set(&mut self, key: &str, value: V) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// `info` of a result file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResultInfo {
    pub created_at: String,
    pub version: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub instruction: String,
}

/// `userScores`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UserScores {
    pub global: f64,
}

/// `demographics`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Demographics {
    pub age: &'static str,
    pub gender: &'static str,
    pub occupation: &'static str,
}

/// `userDetails` of one vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDetails {
    pub country: &'static str,
    pub language: &'static str,
    pub user_scores: UserScores,
    pub demographics: Demographics,
}

/// One compare vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareDetail {
    pub voted_for: String,
    pub user_details: UserDetails,
}

/// One compare datapoint's result (aggregator 4.1.0).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompareResult {
    pub context: Option<String>,
    pub winner: Option<String>,
    pub winner_index: Option<usize>,
    pub weighted_winner: Option<String>,
    pub weighted_winner_index: Option<usize>,
    /// Deprecated alias of `winnerIndex`.
    #[serde(rename = "winner_index")]
    pub winner_index_alias: Option<usize>,
    pub asset_urls: Ordered<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    pub detailed_results: Vec<CompareDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// Compare `summary`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CompareSummary {
    #[serde(rename = "A_wins_total")]
    pub a_wins_total: usize,
    #[serde(rename = "B_wins_total")]
    pub b_wins_total: usize,
}

/// One classification vote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyDetail {
    pub selected_category: String,
    pub user_details: UserDetails,
}

/// One classification datapoint's result (aggregator 3.0.0).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassifyResult {
    pub identifier: String,
    pub original_file_name: Option<String>,
    pub asset_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub aggregated_results: Ordered<usize>,
    pub aggregated_results_ratios: Ordered<f64>,
    pub summed_user_scores: Ordered<f64>,
    pub summed_user_scores_ratios: Ordered<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_per_category: Option<Ordered<f64>>,
    pub detailed_results: Vec<ClassifyDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<BTreeMap<String, String>>,
}

/// A whole result file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResultFile<R, S> {
    pub info: ResultInfo,
    pub results: Vec<R>,
    pub summary: S,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> FieldError {
        parse::<T>(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn unions_round_trip_with_tag_first() {
        let json = r#"{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput","name":"a.jpg"},{"_t":"TextAssetInput","text":"hi"}]}"#;
        let asset: AssetInput = parse(json.as_bytes()).unwrap();
        let AssetInput::Multi(multi) = &asset else {
            panic!()
        };
        assert_eq!(multi.assets.len(), 2);
        assert_eq!(serde_json::to_string(&asset).unwrap(), json);
    }

    #[test]
    fn errors_name_the_nested_field() {
        let e = err::<CreateDatapointInput>(
            r#"{"asset":{"_t":"MultiAssetInput","assets":[{"_t":"ExistingAssetInput"}]}}"#,
        );
        assert_eq!(e.path, "asset.assets[0].name");
        assert_eq!(e.message, "The name field is required.");

        let e = err::<CreateDatapointInput>(
            r#"{"asset":{"_t":"MultiAssetInput","assets":[{"_t":"Nope","name":"x"}]}}"#,
        );
        assert_eq!(e.path, "asset.assets[0]._t");
        assert!(e.message.contains("Nope"), "{}", e.message);

        let e = err::<CreateDatapointInput>(
            r#"{"asset":{"_t":"TextAssetInput","text":"x"},"sortIndex":"one"}"#,
        );
        assert_eq!(e.path, "sortIndex");

        let e = err::<CreateAudienceInput>(
            r#"{"name":"x","filters":[{"_t":"NotFilter","filter":{"_t":"CountryFilter","countries":[1]}}]}"#,
        );
        assert_eq!(e.path, "filters[0].filter.countries[0]");

        let e = err::<CreateAudienceInput>(r#"{"filters":[]}"#);
        assert_eq!(e.path, "name");

        let e = err::<CreateAudienceInput>(r#"{"name": "#);
        assert_eq!(e.path, "$");

        let e = err::<CreateJobDefinitionInput>(
            r#"{"definitionName":"d","datasetId":"x","referee":{"_t":"NaiveReferee","totalVotes":3},"workflow":{"_t":"SimpleWorkflow"}}"#,
        );
        assert_eq!(e.path, "workflow.blueprint");

        let e = err::<CreateJobDefinitionInput>(
            r#"{"definitionName":"d","datasetId":"x","referee":{"totalVotes":3},"workflow":{"_t":"SimpleWorkflow","blueprint":{"_t":"CompareBlueprint","criteria":"c"}}}"#,
        );
        assert_eq!(e.path, "referee._t");
    }

    #[test]
    fn patch_fields_have_three_states() {
        let u: UpdateAudienceInput = parse(br#"{"description":null}"#).unwrap();
        assert_eq!(u.description, Some(None));
        assert_eq!(u.drop_score, None);
        let u: UpdateAudienceInput = parse(br#"{"dropScore":0.5}"#).unwrap();
        assert_eq!(u.drop_score, Some(Some(0.5)));
    }

    #[test]
    fn required_nullable_must_be_present() {
        let e = err::<ExistingAssetInput>(
            r#"{"name":"a","metadata":{"k":{"_t":"TextMetadataInput","visibilities":[]}}}"#,
        );
        assert_eq!(e.path, "metadata.k.text");
    }
}
