//! Runnable examples of rapidata-rs (no library code): see `custom_audience/main.rs`, run
//! with `cargo run --example custom_audience` from the repository root.
