//! Result files as CSV: one row per datapoint (or per response, detailed).

#[cfg(feature = "csv")]
use std::fs::File;
#[cfg(feature = "csv")]
use std::io::{self, BufWriter, Write};
#[cfg(feature = "csv")]
use std::path::Path;

use super::super::json::Json;
use super::compare::compare_assets;
use super::parse::result_items;
use super::{JobResults, ResultKind};
#[cfg(feature = "csv")]
use crate::{Error, Result};

impl JobResults {
    /// Writes one CSV row per datapoint to `path` (the official SDK's `to_pandas()`
    /// columns; see [`JobResults::write_csv`]). Only with the `csv` feature (on by default).
    ///
    /// ```no_run
    /// # fn demo(results: rapidata::job::JobResults) -> rapidata::Result<()> {
    /// results.to_csv("results.csv")?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "csv")]
    pub fn to_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        self.csv_to_path(path.as_ref(), false)
    }

    /// Writes one CSV row per single response to `path` (the SDK's
    /// `to_pandas(split_details=True)`). Only with the `csv` feature (on by default).
    ///
    /// ```no_run
    /// # fn demo(results: rapidata::job::JobResults) -> rapidata::Result<()> {
    /// results.to_csv_detailed("responses.csv")?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "csv")]
    pub fn to_csv_detailed(&self, path: impl AsRef<Path>) -> Result<()> {
        self.csv_to_path(path.as_ref(), true)
    }

    #[cfg(feature = "csv")]
    fn csv_to_path(&self, path: &Path, detailed: bool) -> Result<()> {
        let file = File::create(path).map_err(|e| Error::io("create the CSV file", path, e))?;
        self.write_csv_inner(BufWriter::new(file), detailed)
            .map_err(|e| Error::io("write the CSV file", path, e))
    }

    /// Writes the results as CSV to any writer. Only with the `csv` feature (on by
    /// default).
    ///
    /// Columns follow the official SDK's `to_pandas()`:
    ///
    /// * **Compare**: the entry's scalar fields (`context`, `winner`, `winnerIndex`, …) in
    ///   the file's order, then `assetA`, `assetB`, then for every object keyed by asset
    ///   identifier (`assetUrls`, `aggregatedResults`, `aggregatedResultsRatios`,
    ///   `summedUserScores`, `summedUserScoresRatios`, …) the columns `A_<field>`,
    ///   `B_<field>` (and `Both_<field>`, `Neither_<field>` when present); other objects
    ///   (`privateMetadata`) are flattened as `<field>_<key>`; lists are left out. With more
    ///   than two assets (ranking) the columns are `<asset>_<field>`.
    /// * **Classification and other types**: scalar fields, then every object flattened as
    ///   `<field>_<key>` (`aggregatedResults_Cat`, `confidencePerCategory_Dog`, …).
    /// * `detailed = true`: one row per `detailedResults` entry, the datapoint's columns
    ///   repeated, followed by the entry flattened (`votedFor` / `selectedCategory`,
    ///   `userDetails_country`, `userDetails_userScores_global`, …).
    ///
    /// Columns are the union over all rows in order of first appearance; missing values are
    /// empty cells. Unlike the SDK, a compare entry with fewer than two assets is kept (with
    /// empty `assetA`/`assetB`) rather than dropped.
    ///
    /// ```
    /// let r = rapidata::job::JobResults::from_slice(br#"{"info":{"type":"Compare"},
    ///   "results":[{"context":"c","aggregatedResults":{"a":2,"b":1}}]}"#).unwrap();
    /// let mut out = Vec::new();
    /// r.write_csv(&mut out, false)?;
    /// assert_eq!(String::from_utf8(out).unwrap(),
    ///            "context,assetA,assetB,A_aggregatedResults,B_aggregatedResults\nc,a,b,2,1\n");
    /// # Ok::<(), rapidata::Error>(())
    /// ```
    #[cfg(feature = "csv")]
    pub fn write_csv<W: Write>(&self, writer: W, detailed: bool) -> Result<()> {
        self.write_csv_inner(writer, detailed)
            .map_err(|e| Error::io("write CSV", "<writer>", e))
    }

    #[cfg(feature = "csv")]
    fn write_csv_inner<W: Write>(&self, writer: W, detailed: bool) -> io::Result<()> {
        let (header, rows) = self.csv_table(detailed);
        let mut w = ::csv::Writer::from_writer(writer);
        if !header.is_empty() {
            w.write_record(&header)?;
        }
        for row in rows {
            w.write_record(&row)?;
        }
        w.flush()
    }

    /// The CSV content as a header and rows of cells.
    pub(super) fn csv_table(&self, detailed: bool) -> (Vec<String>, Vec<Vec<String>>) {
        let items = result_items(&self.tree);
        let mut rows: Vec<Row> = Vec::new();
        for item in items {
            // The SDK reads rankings as compares of more than two assets.
            let base = if matches!(self.kind, ResultKind::Compare | ResultKind::Ranking) {
                compare_row(item)
            } else {
                generic_row(item)
            };
            if detailed {
                if let Some(details) = item
                    .get("detailedResults")
                    .and_then(Json::as_array)
                    .filter(|d| !d.is_empty())
                {
                    for d in details {
                        let mut row = base.clone();
                        flatten_into(&mut row, "", d, true);
                        rows.push(row);
                    }
                    continue;
                }
            }
            rows.push(base);
        }
        let mut header: Vec<String> = Vec::new();
        for row in &rows {
            for (k, _) in &row.0 {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
        let table = rows
            .into_iter()
            .map(|row| {
                header
                    .iter()
                    .map(|h| row.get(h).unwrap_or_default().to_owned())
                    .collect()
            })
            .collect();
        (header, table)
    }
}

/// One CSV row: ordered column → cell, a later `set` replacing an earlier value.
#[derive(Debug, Clone, Default)]
struct Row(Vec<(String, String)>);

impl Row {
    fn set(&mut self, key: impl Into<String>, value: String) {
        let key = key.into();
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        } else {
            self.0.push((key, value));
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}_{key}")
    }
}

/// Flattens `value` into `row` under `prefix`; arrays become JSON text when
/// `keep_lists`, else are left out.
fn flatten_into(row: &mut Row, prefix: &str, value: &Json, keep_lists: bool) {
    match value {
        Json::Object(members) => {
            for (k, v) in members {
                flatten_into(row, &join_key(prefix, k), v, keep_lists);
            }
        }
        Json::Array(_) if !keep_lists => {}
        other => {
            if !prefix.is_empty() {
                row.set(prefix, other.cell());
            }
        }
    }
}

fn compare_row(item: &Json) -> Row {
    let mut row = Row::default();
    let members = item.as_object().unwrap_or(&[]);
    for (k, v) in members {
        if v.is_scalar() {
            row.set(k.as_str(), v.cell());
        }
    }
    let assets = compare_assets(item);
    let pairwise = assets.len() <= 2;
    if pairwise {
        row.set("assetA", assets.first().cloned().unwrap_or_default());
        row.set("assetB", assets.get(1).cloned().unwrap_or_default());
    } else {
        for (i, a) in assets.iter().enumerate() {
            row.set(format!("asset_{}", i + 1), a.clone());
        }
    }
    for (k, v) in members {
        let Some(obj) = v.as_object().filter(|o| !o.is_empty()) else {
            continue;
        };
        let keyed_by_asset = obj.iter().any(|(key, _)| assets.contains(key));
        if !keyed_by_asset {
            flatten_into(&mut row, k, v, false);
            continue;
        }
        let cell = |name: &str| v.get(name).map(Json::cell).unwrap_or_default();
        if pairwise {
            row.set(
                format!("A_{k}"),
                assets.first().map(|a| cell(a)).unwrap_or_default(),
            );
            row.set(
                format!("B_{k}"),
                assets.get(1).map(|a| cell(a)).unwrap_or_default(),
            );
            for extra in ["Both", "Neither"] {
                if v.get(extra).is_some() {
                    row.set(format!("{extra}_{k}"), cell(extra));
                }
            }
        } else {
            for a in &assets {
                row.set(format!("{a}_{k}"), cell(a));
            }
        }
    }
    row
}

fn generic_row(item: &Json) -> Row {
    let mut row = Row::default();
    match item {
        Json::Object(_) => flatten_into(&mut row, "", item, false),
        other => row.set("value", other.cell()),
    }
    row
}
