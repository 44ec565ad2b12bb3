//! The server's state: every entity the API creates (its records are in [`records`],
//! [`unlisted`] and [`validation`]), ids, tokens and uploaded assets. The glue between entities
//! and the simulation is in `audience` (audience readiness), `job` (job progress) and
//! `stats`.

mod audience;
mod job;
pub(crate) mod records;
mod stats;
pub(crate) mod unlisted;
pub(crate) mod validation;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime};

use crate::api_types::{
    IAssetInput, IAssetInputExistingAssetInput, IAssetInputMultiAssetInput,
    IAssetInputTextAssetInput,
};
use crate::config::Config;
use crate::rng::{self, Mix};
use crate::sim::OptionRef;
use crate::stats::FaultStats;
use crate::util::iso_time;

use self::records::{
    AssetRec, AudienceKind, AudienceRec, BatchRec, BridgeRec, DatasetRec, DefinitionRec,
    FilteredRec, JobRec, PreliminaryRec,
};
use self::unlisted::UnlistedRec;
use self::validation::ValidationSets;

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
    pub preliminary: HashMap<String, PreliminaryRec>,
    /// Unlisted audiences (`ula_…`).
    pub unlisted: BTreeMap<String, UnlistedRec>,
    /// Validation sets.
    pub validation_sets: ValidationSets,
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
}
