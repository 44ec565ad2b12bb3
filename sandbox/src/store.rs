//! The server's state: every entity the API creates, plus the glue between entities and the
//! simulation (audience readiness, job progress, result files, stats).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::api_types::{
    AggregatorType, ExampleVisibility, FeatureFlag, IAssetInput, IAssetInputExistingAssetInput,
    IAssetInputMultiAssetInput, IAssetInputTextAssetInput, IAudienceFilter, IExamplePayload,
    IExampleTruth, IGraduationRule, IGraduationRuleTaskAccuracyRule, IOrderWorkflowInput, IReferee,
    RetrievalMode,
};
use crate::config::Config;
use crate::kinds;
use crate::rng::{self, Mix};
use crate::sim::{
    self, ExampleView, Item, JobSim, Labeler, Leaning, OptionRef, OptionsSource, Qualification,
    Task, TextSource,
};
use crate::util::iso_time;
use crate::wire::{AudienceStatus, JobState, LabelingState};
use crate::{AudienceStats, DatasetStats, FaultStats, JobStats, Stats};

/// Owner fields shown on everything the sandbox client creates.
pub(crate) const OWNER_ID: &str = "5a4db0c5-0000-4000-8000-5a4db0c50001";
pub(crate) const OWNER_MAIL: &str = "sandbox-client@sandbox.rapidata.local";
/// Display name of the sandbox user (`GET /connect/userinfo`).
pub(crate) const OWNER_NAME: &str = "Sandbox User";
pub(crate) const ORGANIZATION_ID: &str = "org_sandbox";
/// Owner mail of the built-in public audiences.
pub(crate) const RAPIDATA_MAIL: &str = "curation@sandbox.rapidata.local";
/// The failure message of a job blocked without a reason.
pub(crate) const DEFAULT_BLOCK_REASON: &str =
    "A rapid in this job was flagged; the job is blocked until the rapid is reviewed.";
/// Where result files say assets live.
pub(crate) const ASSET_BASE: &str = "https://assets.rapidata.ai/";
/// The built-in curated audience.
pub(crate) const CURATED_ID: &str = "aud_curated_alignment";
pub(crate) const GLOBAL_ID: &str = "global";

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

/// Everything the server remembers.
pub(crate) struct State {
    pub base_instant: Instant,
    pub base_system: SystemTime,
    counter: u64,
    pub tokens: HashMap<String, Instant>,
    pub tokens_issued: u64,
    pub fault_seen: HashMap<u64, u64>,
    pub faults: FaultStats,
    pub routes: BTreeMap<String, u64>,
    pub assets: HashMap<String, AssetRec>,
    upload_seen: HashMap<String, u64>,
    pub batches: BTreeMap<String, BatchRec>,
    pub audiences: BTreeMap<String, AudienceRec>,
    pub filtered: BTreeMap<String, FilteredRec>,
    pub datasets: BTreeMap<String, DatasetRec>,
    pub definitions: BTreeMap<String, DefinitionRec>,
    pub jobs: BTreeMap<String, JobRec>,
    /// Bridge-token logins in progress, by read key.
    pub bridges: HashMap<String, BridgeRec>,
    /// Clients created with `POST /client`: id → secret.
    pub clients: HashMap<String, String>,
    /// Preliminary result downloads, by download id.
    pub preliminary: HashMap<String, crate::preliminary::PreliminaryRec>,
    /// Unlisted audiences (`ula_…`).
    pub unlisted: BTreeMap<String, crate::unlisted::UnlistedRec>,
    /// Validation sets.
    pub validation_sets: crate::validation::ValidationSets,
}

/// A bridge-token login in progress.
#[derive(Debug, Clone)]
pub(crate) struct BridgeRec {
    pub write_key: String,
    /// Whether the (simulated) browser login happened.
    pub approved: bool,
}

impl State {
    pub fn new(cfg: &Config) -> State {
        let base_instant = Instant::now();
        let base_system = SystemTime::now();
        let mut st = State {
            base_instant,
            base_system,
            counter: 0,
            tokens: HashMap::new(),
            tokens_issued: 0,
            fault_seen: HashMap::new(),
            faults: FaultStats::default(),
            routes: BTreeMap::new(),
            assets: HashMap::new(),
            upload_seen: HashMap::new(),
            batches: BTreeMap::new(),
            audiences: BTreeMap::new(),
            filtered: BTreeMap::new(),
            datasets: BTreeMap::new(),
            definitions: BTreeMap::new(),
            jobs: BTreeMap::new(),
            bridges: HashMap::new(),
            clients: HashMap::new(),
            preliminary: HashMap::new(),
            unlisted: BTreeMap::new(),
            validation_sets: BTreeMap::new(),
        };
        let _ = cfg;
        let mut global = AudienceRec::new(
            GLOBAL_ID.into(),
            0,
            AudienceKind::Global,
            "Global",
            base_system,
        );
        global.description = Some("Every labeler of the sandbox crowd.".into());
        st.audiences.insert(GLOBAL_ID.into(), global);
        let mut curated = AudienceRec::new(
            CURATED_ID.into(),
            1,
            AudienceKind::Curated,
            "Alignment",
            base_system,
        );
        curated.description = Some(
            "Curated labelers trained on prompt alignment (sandbox: labelers with skill ≥ 0.7)."
                .into(),
        );
        st.audiences.insert(CURATED_ID.into(), curated);
        st.counter = 2;
        st
    }

    /// The wall-clock time of an instant.
    pub fn system_at(&self, t: Instant) -> SystemTime {
        if t >= self.base_instant {
            self.base_system + (t - self.base_instant)
        } else {
            self.base_system - (self.base_instant - t)
        }
    }

    /// A fresh sequence number.
    pub fn seq(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn id_mix(&mut self, cfg: &Config) -> (u64, Mix) {
        let n = self.seq();
        (n, Mix::new(cfg.seed, "id").num(n))
    }

    /// A 24-hex id (ObjectId-like) and its sequence number.
    pub fn new_id(&mut self, cfg: &Config) -> (String, u64) {
        let (n, mix) = self.id_mix(cfg);
        (rng::hex(mix, 24), n)
    }

    /// A prefixed base-62 id such as `aud_MU1GZYoESyO`.
    pub fn new_prefixed(&mut self, cfg: &Config, prefix: &str) -> (String, u64) {
        let (n, mix) = self.id_mix(cfg);
        (format!("{prefix}{}", rng::base62(mix, 11)), n)
    }

    /// Issues a bearer token.
    pub fn issue_token(&mut self, cfg: &Config, now: Instant) -> String {
        self.tokens_issued += 1;
        let token = format!(
            "sbx_{}",
            rng::hex(Mix::new(cfg.seed, "token").num(self.tokens_issued), 32)
        );
        self.tokens.insert(token.clone(), now + cfg.token_lifetime);
        token
    }

    /// Whether a bearer token is known and unexpired.
    pub fn token_valid(&mut self, token: &str, now: Instant) -> bool {
        match self.tokens.get(token) {
            Some(&expiry) if expiry > now => true,
            Some(_) => {
                self.tokens.remove(token);
                false
            }
            None => false,
        }
    }

    /// Registers an upload and returns its server file name: a UUID drawn from the seed, the
    /// original name and how often it was uploaded before, plus the original extension.
    pub fn register_asset(&mut self, cfg: &Config, original: &str) -> String {
        let n = self.upload_seen.entry(original.to_string()).or_insert(0);
        let mix = Mix::new(cfg.seed, "file").str(original).num(*n);
        *n += 1;
        let file_name = format!("{}{}", rng::uuid(mix), extension(original));
        self.assets.insert(
            file_name.clone(),
            AssetRec {
                original: original.to_string(),
            },
        );
        file_name
    }

    /// The original name (file name, URL) of an uploaded asset.
    pub fn original_of(&self, file_name: &str) -> Option<&str> {
        self.assets.get(file_name).map(|a| a.original.as_str())
    }

    // -----------------------------------------------------------------------------------------
    // Audiences
    // -----------------------------------------------------------------------------------------

    /// Resolves an audience id (regular or `fau_`) that exists and is not deleted.
    pub fn audience_exists(&self, id: &str) -> bool {
        if self.unlisted.contains_key(id) {
            return true;
        }
        if let Some(f) = self.filtered.get(id) {
            return self.audience_exists(&f.base);
        }
        self.audiences.get(id).is_some_and(|a| !a.deleted)
    }

    /// The qualification of a custom audience (cached per version).
    fn qualification(&mut self, cfg: &Config, pool: &[Labeler], id: &str) -> Arc<Qualification> {
        let aud = self.audiences.get_mut(id).expect("audience");
        if let Some((v, q)) = &aud.cache {
            if *v == aud.version {
                return Arc::clone(q);
            }
        }
        let sorted = aud.sorted_examples();
        let views: Vec<ExampleView> = sorted.iter().map(|e| ExampleView { key: e.key }).collect();
        let q = Arc::new(sim::qualify(
            cfg.seed,
            pool,
            &aud.filters,
            &aud.rule,
            &views,
        ));
        aud.cache = Some((aud.version, Arc::clone(&q)));
        q
    }

    /// Per-example (correct, incorrect) counts, keyed by example id, once qualification ran.
    pub fn example_counts(
        &mut self,
        cfg: &Config,
        pool: &[Labeler],
        id: &str,
        now: Instant,
    ) -> HashMap<String, (i32, i32)> {
        let due = self
            .audiences
            .get(id)
            .and_then(|a| self.qualify_at(cfg, a))
            .is_some_and(|at| now >= at);
        if !due {
            return HashMap::new();
        }
        let q = self.qualification(cfg, pool, id);
        let aud = &self.audiences[id];
        aud.sorted_examples()
            .iter()
            .zip(&q.per_example)
            .map(|(e, c)| (e.id.clone(), *c))
            .collect()
    }

    /// When a custom audience's qualification results are in: recruiting started, ≥ 1
    /// example, plus the qualification delay.
    fn qualify_at(&self, cfg: &Config, aud: &AudienceRec) -> Option<Instant> {
        let recruit = aud.recruit_at?;
        let first = aud.examples.iter().map(|e| e.created).min()?;
        Some(recruit.max(first) + cfg.qualification_delay)
    }

    /// Status, funnel counts and eligible labelers of an audience (regular or filtered).
    pub fn audience_view(
        &mut self,
        cfg: &Config,
        pool: &[Labeler],
        id: &str,
        now: Instant,
    ) -> AudienceView {
        if let Some(f) = self.filtered.get(id).cloned() {
            let mut base = self.audience_view(cfg, pool, &f.base, now);
            base.eligible = base.eligible.map(|e| {
                e.into_iter()
                    .filter(|&l| sim::matches(&f.filter, &pool[l]))
                    .collect::<Vec<_>>()
            });
            if base.eligible.as_ref().is_some_and(Vec::is_empty) {
                base.eligible = None;
                base.ready_at = None;
            }
            return base;
        }
        if let Some(view) = self.unlisted_view(id) {
            return view;
        }
        let Some(aud) = self.audiences.get(id) else {
            return AudienceView {
                status: AudienceStatus::Created,
                graduated: 0,
                dropped: 0,
                distilling: 0,
                eligible: None,
                ready_at: None,
            };
        };
        let deleted = aud.deleted;
        let mut view = match aud.kind {
            AudienceKind::Global => AudienceView {
                status: AudienceStatus::Ready,
                graduated: pool.len(),
                dropped: 0,
                distilling: 0,
                eligible: Some((0..pool.len()).collect()),
                ready_at: Some(self.base_instant),
            },
            AudienceKind::Curated => {
                let e: Vec<usize> = pool
                    .iter()
                    .filter(|l| l.skill >= sim::CURATED_MIN_SKILL)
                    .map(|l| l.index)
                    .collect();
                AudienceView {
                    status: AudienceStatus::Ready,
                    graduated: e.len(),
                    dropped: 0,
                    distilling: 0,
                    eligible: Some(e),
                    ready_at: Some(self.base_instant),
                }
            }
            AudienceKind::Custom => {
                let recruiting = aud.recruit_at.is_some();
                let has_examples = !aud.examples.is_empty();
                let min_size = aud.min_size.unwrap_or(1).max(1) as usize;
                match self.qualify_at(cfg, aud) {
                    _ if !recruiting => AudienceView {
                        status: AudienceStatus::Created,
                        graduated: 0,
                        dropped: 0,
                        distilling: 0,
                        eligible: None,
                        ready_at: None,
                    },
                    Some(at) if now >= at => {
                        let q = self.qualification(cfg, pool, id);
                        let ready = q.graduated.len() >= min_size;
                        AudienceView {
                            status: if ready {
                                AudienceStatus::Ready
                            } else {
                                AudienceStatus::Recruiting
                            },
                            graduated: q.graduated.len(),
                            dropped: q.dropped.len(),
                            distilling: 0,
                            eligible: ready.then(|| q.graduated.clone()),
                            ready_at: ready.then_some(at),
                        }
                    }
                    _ => {
                        let candidates = if has_examples {
                            let aud = &self.audiences[id];
                            pool.iter()
                                .filter(|l| aud.filters.iter().all(|f| sim::matches(f, l)))
                                .count()
                        } else {
                            0
                        };
                        AudienceView {
                            status: AudienceStatus::Recruiting,
                            graduated: 0,
                            dropped: 0,
                            distilling: candidates,
                            eligible: None,
                            ready_at: None,
                        }
                    }
                }
            }
        };
        if deleted {
            view.eligible = None;
            view.ready_at = None;
        }
        view
    }

    // -----------------------------------------------------------------------------------------
    // Jobs
    // -----------------------------------------------------------------------------------------

    /// Brings every job up to `now`: starts the ones whose audience is ready and runs the vote
    /// rounds that are due.
    pub fn advance(&mut self, cfg: &Config, pool: &[Labeler], now: Instant) {
        let mut order: Vec<(u64, String)> = self
            .jobs
            .values()
            .filter(|j| !j.sim.finished())
            .map(|j| (j.seq, j.id.clone()))
            .collect();
        order.sort();
        for (_, id) in order {
            let (audience, preceding, earliest, unsupported, started, paused) = {
                let j = &self.jobs[&id];
                (
                    j.audience_id.clone(),
                    j.preceding.clone(),
                    j.sim.earliest_start,
                    matches!(j.sim.task, Task::Unsupported { .. }),
                    j.sim.started,
                    j.sim.paused,
                )
            };
            if unsupported {
                if now >= earliest {
                    let job = self.jobs.get_mut(&id).expect("job");
                    if let Task::Unsupported { workflow } = &job.sim.task {
                        job.sim.failure_message = Some(format!(
                            "The sandbox does not simulate {workflow} jobs (only Compare, Classify, FreeText, Locate, Line, Scrub and Transcription rapids and GroupedRanking workflows)."
                        ));
                    }
                    job.sim.failed_at = Some(earliest);
                }
                continue;
            }
            let mut view = self.audience_view(cfg, pool, &audience, now);
            self.add_job_link_visitors(&mut view, &audience, &id);
            if !started && !paused {
                let after = match &preceding {
                    None => Some(earliest),
                    Some(p) => self
                        .jobs
                        .get(p)
                        .and_then(|p| p.sim.completed_at.or(p.sim.failed_at))
                        .map(|t| t.max(earliest)),
                };
                let anyone = view.eligible.as_ref().is_some_and(|e| !e.is_empty());
                if let (Some(after), Some(ready), true) = (after, view.ready_at, anyone) {
                    let at = after.max(ready);
                    if at <= now {
                        self.jobs.get_mut(&id).expect("job").sim.start(at);
                    }
                }
            }
            let mut eligible = view.eligible.unwrap_or_default();
            if let Some(set) = self.pinned_validation_set(&id) {
                eligible = crate::validation::screen(self, cfg.seed, pool, &set, &id, eligible);
            }
            let job = self.jobs.get_mut(&id).expect("job");
            job.sim
                .advance(now, cfg.response_interval, cfg.seed, pool, &eligible);
        }
    }

    /// The validation set pinned by the revision job `job_id` runs on, if any.
    fn pinned_validation_set(&self, job_id: &str) -> Option<String> {
        let job = self.jobs.get(job_id)?;
        self.definitions
            .get(&job.definition_id)?
            .revisions
            .iter()
            .find(|r| r.number == job.revision)?
            .validation_set_id
            .clone()
    }

    /// The `AudienceJobState` of a job.
    pub fn job_state(&self, job: &JobRec) -> JobState {
        let s = &job.sim;
        if s.failed_at.is_some() {
            JobState::Failed
        } else if s.completed_at.is_some() {
            JobState::Completed
        } else if s.blocked.is_some() {
            JobState::Blocked
        } else if s.paused {
            JobState::Paused
        } else if s.started {
            JobState::Running
        } else if job
            .preceding
            .as_ref()
            .and_then(|p| self.jobs.get(p))
            .is_some_and(|p| !p.sim.finished())
        {
            JobState::Queued
        } else {
            JobState::Submitted
        }
    }

    /// The `LabelingState` of a job that started.
    pub fn labeling_state(&self, job: &JobRec) -> LabelingState {
        let s = &job.sim;
        if s.failed_at.is_some() {
            LabelingState::Failed
        } else if s.completed_at.is_some() {
            LabelingState::Done
        } else if s.paused || s.blocked.is_some() {
            // (LabelingState has no Blocked: the labelling is halted.)
            LabelingState::Paused
        } else if s.vote_count() == 0 {
            LabelingState::Started
        } else {
            LabelingState::Labeling
        }
    }

    /// The datapoints of a dataset as job items (sorted by sort index), with the deterministic
    /// leaning of each: the task's bindings resolved against each datapoint's segments.
    pub fn job_items(&self, dataset_id: &str, task: &Task) -> Vec<Item> {
        let Some(ds) = self.datasets.get(dataset_id) else {
            return Vec::new();
        };
        if let Task::Ranking {
            full_permutation,
            budget,
        } = task
        {
            return kinds::ranking_items(self, ds, *full_permutation, *budget);
        }
        let mut dps: Vec<&DatapointRec> = ds.datapoints.iter().collect();
        dps.sort_by_key(|d| (d.sort_index, d.seq));
        let text = |dp: &DatapointRec, source: &TextSource| -> Option<String> {
            match source {
                TextSource::Literal(l) => Some(l.clone()),
                TextSource::Segment(k) => dp.text(k).map(str::to_string),
            }
        };
        dps.into_iter()
            .map(|dp| {
                let (assets, context, labels) = match task {
                    Task::Compare { asset, context } => (
                        dp.asset(asset)
                            .map(|a| self.option_refs(a))
                            .unwrap_or_default(),
                        text(dp, context),
                        Vec::new(),
                    ),
                    Task::Classify {
                        asset,
                        context,
                        categories,
                    } => (
                        dp.asset(asset)
                            .map(|a| vec![self.option_ref(a)])
                            .unwrap_or_default(),
                        text(dp, context),
                        match categories {
                            OptionsSource::Literal(labels) => labels.clone(),
                            OptionsSource::Segment(k) => dp
                                .options(k)
                                .map(|o| o.iter().map(|(label, _)| label.clone()).collect())
                                .unwrap_or_default(),
                        },
                    ),
                    Task::FreeText { asset, context }
                    | Task::Locate { asset, context }
                    | Task::Draw { asset, context }
                    | Task::Timestamp { asset, context } => {
                        let assets: Vec<OptionRef> = dp
                            .asset(asset)
                            .map(|a| vec![self.option_ref(a)])
                            .unwrap_or_default();
                        let context = text(dp, context);
                        let labels = match (task, assets.first()) {
                            (Task::FreeText { .. }, Some(a)) => kinds::free_text_answers(
                                &a.identifier,
                                context.as_deref(),
                                dp.private_metadata.as_ref(),
                            ),
                            _ => Vec::new(),
                        };
                        (assets, context, labels)
                    }
                    Task::SelectWords { asset, words } => (
                        dp.asset(asset)
                            .map(|a| vec![self.option_ref(a)])
                            .unwrap_or_default(),
                        None,
                        text(dp, words)
                            .map(|t| t.split_whitespace().map(str::to_string).collect())
                            .unwrap_or_default(),
                    ),
                    Task::Ranking { .. } | Task::Unsupported { .. } => {
                        (Vec::new(), None, Vec::new())
                    }
                };
                let names: Vec<&str> = assets.iter().map(|a| a.identifier.as_str()).collect();
                let key = Mix::new(0, "datapoint")
                    .str(&names.join("\u{0}"))
                    .str(context.as_deref().unwrap_or(""))
                    .str(&labels.join("\u{0}"))
                    .num(dp.sort_index as u64)
                    .u64();
                let leaning = match task {
                    Task::Compare { .. } => {
                        sim::compare_leaning(context.as_deref(), dp.private_metadata.as_ref())
                    }
                    Task::Classify { .. } => {
                        // Match labels against the file name part of files and URLs, and
                        // against the whole text of text assets.
                        let hay: Vec<String> = assets
                            .iter()
                            .map(|a| match a.file_name {
                                Some(_) => base_name(&a.identifier),
                                None => a.identifier.clone(),
                            })
                            .collect();
                        sim::classify_leaning(
                            context.as_deref(),
                            dp.private_metadata.as_ref(),
                            &hay.join(" "),
                            &labels,
                        )
                    }
                    // The first candidate answer, and the tap near the target.
                    Task::FreeText { .. }
                    | Task::Locate { .. }
                    | Task::Draw { .. }
                    | Task::Timestamp { .. }
                    | Task::SelectWords { .. } => Leaning::Option(0),
                    Task::Ranking { .. } | Task::Unsupported { .. } => Leaning::Option(0),
                };
                // A datapoint added after the definition was checked may lack what the rapid
                // binds: nothing to ask, so it is done without votes.
                let done = match task {
                    Task::Compare { .. } => assets.len() != 2,
                    Task::Classify { .. } => assets.is_empty() || labels.len() < 2,
                    Task::FreeText { .. }
                    | Task::Locate { .. }
                    | Task::Draw { .. }
                    | Task::Timestamp { .. } => assets.is_empty(),
                    Task::SelectWords { .. } => assets.is_empty() || labels.len() < 2,
                    Task::Ranking { .. } | Task::Unsupported { .. } => false,
                };
                Item {
                    assets,
                    context,
                    labels,
                    private_metadata: dp.private_metadata.clone(),
                    key,
                    leaning,
                    votes: Vec::new(),
                    done,
                }
            })
            .collect()
    }

    /// The options of an asset input: one per item of a multi asset, else the asset itself.
    pub fn option_refs(&self, asset: &IAssetInput) -> Vec<OptionRef> {
        match asset {
            IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput { assets, .. }) => {
                assets.iter().map(|a| self.option_ref(a)).collect()
            }
            other => vec![self.option_ref(other)],
        }
    }

    /// The whole asset as one option (its identifier and first file name).
    pub fn option_ref(&self, asset: &IAssetInput) -> OptionRef {
        match asset {
            IAssetInput::ExistingAssetInput(IAssetInputExistingAssetInput {
                name,
                identifier,
                ..
            }) => OptionRef {
                identifier: identifier
                    .clone()
                    .flatten()
                    .or_else(|| self.original_of(name).map(str::to_string))
                    .unwrap_or_else(|| name.clone()),
                file_name: Some(name.clone()),
            },
            IAssetInput::TextAssetInput(IAssetInputTextAssetInput {
                text, identifier, ..
            }) => OptionRef {
                identifier: identifier.clone().flatten().unwrap_or_else(|| text.clone()),
                file_name: None,
            },
            IAssetInput::MultiAssetInput(IAssetInputMultiAssetInput {
                assets, identifier, ..
            }) => {
                let parts: Vec<OptionRef> = assets.iter().map(|a| self.option_ref(a)).collect();
                OptionRef {
                    identifier: identifier.clone().flatten().unwrap_or_else(|| {
                        parts
                            .iter()
                            .map(|p| p.identifier.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    }),
                    file_name: parts.into_iter().find_map(|p| p.file_name),
                }
            }
            // Rejected when the request is parsed; never stored.
            _ => OptionRef {
                identifier: String::new(),
                file_name: None,
            },
        }
    }

    // -----------------------------------------------------------------------------------------
    // Stats
    // -----------------------------------------------------------------------------------------

    /// The counters behind `GET /_sandbox/stats`.
    pub fn stats(&self) -> Stats {
        Stats {
            routes: self.routes.clone(),
            datasets: self
                .datasets
                .iter()
                .map(|(id, ds)| {
                    let mut sort_indexes: Vec<i64> =
                        ds.datapoints.iter().map(|d| d.sort_index).collect();
                    sort_indexes.sort_unstable();
                    (
                        id.clone(),
                        DatasetStats {
                            datapoints: ds.datapoints.len(),
                            sort_indexes,
                        },
                    )
                })
                .collect(),
            audiences: self
                .audiences
                .values()
                .filter(|a| a.kind == AudienceKind::Custom)
                .map(|a| {
                    (
                        a.id.clone(),
                        AudienceStats {
                            examples: a.examples.len(),
                        },
                    )
                })
                .collect(),
            jobs: self
                .jobs
                .values()
                .map(|j| {
                    (
                        j.id.clone(),
                        JobStats {
                            state: self.job_state(j).as_str().to_string(),
                            votes: j.sim.vote_count(),
                            completion_percentage: j.sim.percentage(),
                        },
                    )
                })
                .collect(),
            tokens_issued: self.tokens_issued,
            faults: self.faults.clone(),
            // Known to the server around the state (`App::stats_of`).
            max_in_flight: 0,
        }
    }

    /// Blocks a job (the control behind `POST /_sandbox/jobs/{jobId}/block`): `Err` with a
    /// reason when it does not exist or already finished or was blocked.
    pub fn block_job(
        &mut self,
        cfg: &Config,
        pool: &[Labeler],
        id: &str,
        reason: Option<&str>,
        now: Instant,
    ) -> Result<(), String> {
        self.advance(cfg, pool, now);
        let state = match self.jobs.get(id) {
            None => return Err(format!("Job '{id}' was not found.")),
            Some(j) => self.job_state(j),
        };
        let job = self.jobs.get_mut(id).expect("checked");
        let reason = reason
            .filter(|r| !r.trim().is_empty())
            .unwrap_or(DEFAULT_BLOCK_REASON)
            .to_string();
        if job.sim.block(now, reason) {
            Ok(())
        } else {
            Err(format!(
                "Job '{id}' is {} and cannot be blocked.",
                state.as_str()
            ))
        }
    }

    /// `createdAt`-style text of an instant.
    pub fn iso_at(&self, t: Instant) -> String {
        iso_time(self.system_at(t))
    }
}

/// `.jpg` from `photo.JPG`, `https://x/a.png?x=1` → `.png`; empty when there is none.
pub(crate) fn extension(original: &str) -> String {
    let path = original.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit(['/', '\\']).next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

/// The last path segment of a file name or URL.
pub(crate) fn base_name(original: &str) -> String {
    let path = original.split(['?', '#']).next().unwrap_or("");
    path.rsplit(['/', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or(original)
        .to_string()
}

/// Seconds → `Duration`, for cost-estimate readiness checks.
pub(crate) fn elapsed(since: Instant, now: Instant) -> Duration {
    now.saturating_duration_since(since)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(extension("a/b/photo.JPG"), ".jpg");
        assert_eq!(extension("https://x.y/a.png?x=1.2"), ".png");
        assert_eq!(extension("https://x.y/a"), "");
        assert_eq!(extension(".bashrc"), "");
        assert_eq!(base_name("https://x.y/p/a.png?x"), "a.png");
        assert_eq!(base_name("C:\\x\\b.jpg"), "b.jpg");
    }

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
