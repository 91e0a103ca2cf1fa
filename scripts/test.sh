#!/usr/bin/env bash
# Runs every check and test of Bianmin Counter: formatting, lints, the core
# crate's unit and integration tests (which drive the `bianmin` binary), and
# the end-to-end tests of the desktop window (tauri-driver + WebKitWebDriver
# under Xvfb). Installs the system packages and tauri-driver it needs first
# (idempotently).
set -euo pipefail
cd "$(dirname "$0")/.."
# poppler-utils: pdftotext, pdffonts, pdfinfo check the printed documents.
# libssl-dev: SQLCipher (the encrypted database) links libcrypto.
# libwebkit2gtk-4.1-dev builds the window; xvfb, xauth and
# webkit2gtk-driver (WebKitWebDriver) run it headless under WebDriver;
# fonts-noto-cjk draws its Chinese text (screenshots are looked at) and,
# with fonts-hanazono, holds the fonts the printed documents are set in.
# cups, cups-client and printer-driver-cups-pdf: a real print service with
# virtual PDF printers, which the printing tests print to; cups-pdf draws
# a job again through PostScript (no text layer), so the tests read the
# printed page with tesseract-ocr and its simplified-Chinese data.
# iproute2: the LAN tests make two network namespaces of their own (ip
# netns) to send a real broadcast; e2fsprogs and mount: the window's USB
# test loop-mounts a stick image it makes under /media. sane-utils:
# scanimage, with SANE's own test backend (a virtual flatbed) that the
# scanner tests scan from.
bash scripts/system-packages.sh build-essential pkg-config ca-certificates poppler-utils \
  libssl-dev libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver fonts-noto-cjk fonts-hanazono \
  cups cups-client printer-driver-cups-pdf tesseract-ocr tesseract-ocr-chi-sim \
  iproute2 e2fsprogs mount sane-utils
# Started (when not running) and added for the tests, removed at the end.
trap 'bash scripts/test-printers.sh stop' EXIT
eval "$(bash scripts/test-printers.sh start)"
source scripts/require-cargo.sh
export CARGO_TERM_COLOR=never
# A clean clone gains nothing from incremental caches, and they were half of
# a 30 GB target directory: a CI run once ran out of disk. Off unless asked.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "== installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (core, window, end-to-end tests, benchmarks) -D warnings"
cargo clippy --all-targets -p bianmin -- -D warnings
cargo clippy --all-targets -p bianmin-desk -- -D warnings
cargo clippy --all-targets -p bianmin-e2e -- -D warnings
cargo clippy --all-targets -p bianmin-bench -- -D warnings
echo "== cargo test -p bianmin"
cargo test -p bianmin
echo "== cargo test -p bianmin-bench"
cargo test -p bianmin-bench
echo "== the window, end to end"
cargo build -p bianmin-desk
# Bounded, so that a hung WebDriver call cannot hang CI.
timeout -k 30 1200 xvfb-run -a -s "-screen 0 1366x768x24" cargo test -p bianmin-e2e -- --test-threads=1
