//! The human-readable summary of a result file (`Display for JobResults`).

use std::fmt;

use super::kinds;
use super::text::{shorten, shorten_name};
use super::JobResults;

fn fmt_opt_u64(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

impl fmt::Display for JobResults {
    /// A readable table: one line per datapoint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self
            .info
            .name
            .as_deref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        if let Some(c) = &self.compare {
            writeln!(
                f,
                "Compare results{name}: {} datapoints (A wins {}, B wins {}, no winner {})",
                c.datapoints.len(),
                c.summary.a_wins,
                c.summary.b_wins,
                c.summary.no_winner
            )?;
            writeln!(
                f,
                "{:>4}  {:<28}  {:<28}  {:>6}  {:>6}  {:>5}  {:>7}  winner",
                "#", "A", "B", "votesA", "votesB", "both", "neither"
            )?;
            for (i, dp) in c.datapoints.iter().enumerate() {
                let votes = |a: Option<&str>| {
                    fmt_opt_u64(a.and_then(|a| dp.tally(a)).and_then(|t| t.votes))
                };
                let winner = match (&dp.winner, dp.is_tie()) {
                    (Some(w), _) => shorten_name(w, 28),
                    (None, true) => "(tie)".to_owned(),
                    (None, false) => "(no votes)".to_owned(),
                };
                writeln!(
                    f,
                    "{:>4}  {:<28}  {:<28}  {:>6}  {:>6}  {:>5}  {:>7}  {}",
                    i,
                    shorten_name(dp.asset_a().unwrap_or("-"), 28),
                    shorten_name(dp.asset_b().unwrap_or("-"), 28),
                    votes(dp.asset_a()),
                    votes(dp.asset_b()),
                    fmt_opt_u64(dp.both.as_ref().and_then(|t| t.votes)),
                    fmt_opt_u64(dp.neither.as_ref().and_then(|t| t.votes)),
                    winner
                )?;
                if let Some(ctx) = &dp.context {
                    writeln!(f, "      context: {}", shorten(ctx, 70))?;
                }
            }
            return Ok(());
        }
        if let Some(c) = &self.classification {
            writeln!(
                f,
                "Classification results{name}: {} datapoints",
                c.datapoints.len()
            )?;
            writeln!(f, "{:>4}  {:<32}  {:<16}  votes", "#", "datapoint", "top")?;
            for (i, dp) in c.datapoints.iter().enumerate() {
                let votes: Vec<String> = dp
                    .categories
                    .iter()
                    .map(|cat| {
                        format!(
                            "{cat} {}",
                            fmt_opt_u64(dp.tallies.get(cat).and_then(|t| t.votes))
                        )
                    })
                    .collect();
                writeln!(
                    f,
                    "{:>4}  {:<32}  {:<16}  {}",
                    i,
                    shorten_name(dp.identifier.as_deref().unwrap_or("-"), 32),
                    shorten(dp.top_category().unwrap_or("(none)"), 16),
                    votes.join(", ")
                )?;
            }
            let totals: Vec<String> = c.totals.iter().map(|(k, v)| format!("{k} {v}")).collect();
            return writeln!(f, "totals: {}", totals.join(", "));
        }
        if let Some(r) = &self.free_text {
            return kinds::fmt_free_text(f, &name, r);
        }
        if let Some(r) = &self.locate {
            return kinds::fmt_locate(f, &name, r);
        }
        if let Some(r) = &self.ranking {
            return kinds::fmt_ranking(f, &name, r);
        }
        if let Some(r) = &self.select_words {
            return kinds::fmt_select_words(f, &name, r);
        }
        if let Some(r) = &self.draw {
            return kinds::fmt_draw(f, &name, r);
        }
        if let Some(r) = &self.timestamp {
            return kinds::fmt_timestamp(f, &name, r);
        }
        writeln!(
            f,
            "{} results{name}: {} entries (see raw() for the content)",
            self.kind,
            self.len()
        )
    }
}
