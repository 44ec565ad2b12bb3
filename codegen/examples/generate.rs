//! Generates code from a folder of OpenAPI documents and prints what it made.
//!
//! `cargo run -p rapidata-codegen --example generate -- <spec-dir> [<out-dir>]`
//! `--each` generates every document on its own instead (a check that each one stands alone).

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let each = args.iter().any(|a| a == "--each");
    args.retain(|a| a != "--each");
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: generate [--each] <spec-dir> [<out-dir>]");
        std::process::exit(2);
    };
    let out = args.get(1).map(PathBuf::from);
    let mut failed = false;
    let runs: Vec<Vec<PathBuf>> = if each {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("spec dir readable")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files.into_iter().map(|f| vec![f]).collect()
    } else {
        vec![vec![]]
    };
    for files in runs {
        let start = Instant::now();
        let result = if files.is_empty() {
            rapidata_codegen::generate_dir(&dir)
        } else {
            files
                .iter()
                .map(|f| rapidata_codegen::read_document(f))
                .collect::<Result<Vec<_>, _>>()
                .and_then(rapidata_codegen::generate_documents)
        };
        let label = if files.is_empty() {
            dir.display().to_string()
        } else {
            files[0].display().to_string()
        };
        match result {
            Ok(g) => {
                let lines = g.types.lines().count() + g.operations.lines().count();
                let skipped = if g.skipped.is_empty() {
                    String::new()
                } else {
                    format!(" ({} skipped, see the warnings)", g.skipped.len())
                };
                println!(
                    "{label}: {} operations{skipped}, {} schemas, {lines} lines, {:.2?}",
                    g.operation_count,
                    g.schema_count,
                    start.elapsed()
                );
                for w in &g.warnings {
                    println!("  warning: {w}");
                }
                if let Some(out) = &out {
                    std::fs::create_dir_all(out).expect("out dir");
                    std::fs::write(out.join("types.rs"), &g.types).expect("write");
                    std::fs::write(out.join("operations.rs"), &g.operations).expect("write");
                }
            }
            Err(e) => {
                println!("{label}: error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
