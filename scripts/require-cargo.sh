#!/usr/bin/env bash
# Makes sure a Rust toolchain (cargo) is on PATH, including rustup's usual place.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo was not found: install a Rust toolchain (1.80 or newer) with rustup first." >&2
  exit 1
fi
