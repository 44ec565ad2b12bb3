#!/usr/bin/env bash
# Generates the bindings of a folder of OpenAPI documents and compiles them on their own,
# in a scratch crate (no handwritten layer): the generated code must always compile, even
# for a generation of the API the handwritten layer does not speak.
#
#   bash .ci/generated-compiles.sh DOCS_DIR
#
# The scratch crate lives in a temporary folder and depends on this repository's
# `rapidata` crate only for its `request` runtime (the Operation trait the generated
# operations implement). It shares the workspace's target directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
docs=$(cd "${1:?usage: generated-compiles.sh DOCS_DIR}" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src"
(cd "$repo" && cargo run -q -p rapidata-codegen --example generate -- "$docs" "$scratch/src")
cat > "$scratch/Cargo.toml" <<TOML
[package]
name = "generated-bindings-check"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
rapidata = { path = "$repo" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
TOML
cat > "$scratch/src/lib.rs" <<'RS'
//! The generated bindings of one document set, compiled on their own.
pub use rapidata::request;

#[allow(clippy::all, dead_code, unused_imports, unused_mut)]
pub mod types {
    include!("types.rs");
}

#[allow(clippy::all, dead_code, unused_imports, unused_mut)]
pub mod operations {
    include!("operations.rs");
}
RS
lines=$(cat "$scratch/src/types.rs" "$scratch/src/operations.rs" | wc -l)
echo "generated $lines lines from $docs"
# The workspace's lock file pins the same dependency versions as the crate's own build.
cp "$repo/Cargo.lock" "$scratch/Cargo.lock"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}" cargo build -q --manifest-path "$scratch/Cargo.toml"
echo "ok: the generated code of $docs compiles on its own"
