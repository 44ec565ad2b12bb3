//! Audience readiness: whether an audience exists, its qualification (run once recruiting
//! started and its delay passed) and the view of it jobs and handlers see: status, funnel
//! counts, eligible labelers. Unlisted audiences are ready with the people who opened their
//! link.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::sim::{self, ExampleView, Labeler, Qualification};
use crate::wire::AudienceStatus;

use super::records::{AudienceKind, AudienceRec, AudienceView};
use super::unlisted::parse_link;
use super::State;

impl State {
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
            return AudienceView::created();
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
                    _ if !recruiting => AudienceView::created(),
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

    /// The view of an unlisted audience: ready, with the people who opened its link.
    pub(crate) fn unlisted_view(&self, id: &str) -> Option<AudienceView> {
        self.unlisted.get(id).map(|u| u.view())
    }

    /// Adds the people who opened the link of job `job_id` to `view` (its audience's).
    pub(crate) fn add_job_link_visitors(
        &self,
        view: &mut AudienceView,
        audience: &str,
        job_id: &str,
    ) {
        if let Some(u) = self.unlisted.get(audience) {
            u.add_job_link_visitors(view, job_id);
        }
    }

    /// `annotators` more people open `link`; `false` when it is not the link of an existing
    /// unlisted audience (or of a job of it).
    pub(crate) fn open_link(
        &mut self,
        link: &str,
        annotators: usize,
        pool: usize,
        now: Instant,
    ) -> bool {
        let Some((audience, job)) = parse_link(link) else {
            return false;
        };
        if let Some(job) = &job {
            if self.jobs.get(job).is_none_or(|j| j.audience_id != audience) {
                return false;
            }
        }
        let Some(u) = self.unlisted.get_mut(&audience) else {
            return false;
        };
        u.open(job, annotators, pool, now);
        true
    }
}
