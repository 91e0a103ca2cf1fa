#!/usr/bin/env bash
# Runs every check and test of Bianmin Counter: formatting, lints, the core
# crate's unit and integration tests (which drive the `bianmin` binary).
# Installs the system packages it needs first (idempotently).
set -euo pipefail
cd "$(dirname "$0")/.."
# poppler-utils: pdftotext, pdffonts, pdfinfo check the printed documents.
bash scripts/system-packages.sh build-essential pkg-config ca-certificates poppler-utils
source scripts/require-cargo.sh
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings
echo "== cargo test -p bianmin"
cargo test -p bianmin
