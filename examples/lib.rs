//! Runnable examples of rapidata-rs (no library code), each run from the repository root
//! with `cargo run --example NAME`: `custom_audience` (the guide's compare workflow),
//! `free_text`, `locate`, `draw`, `ranking`, `select_words`, `timestamp`.
