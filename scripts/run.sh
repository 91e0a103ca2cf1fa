#!/usr/bin/env bash
# Builds Bianmin Counter and runs it: for now the command-line demo, which
# sets up a demonstration center in a new database (default catalogue and
# holiday calendars) and takes one application of each outcome.
# Pass another `bianmin` command to run that instead, e.g.
#   bash scripts/run.sh catalog list
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh build-essential pkg-config ca-certificates
source scripts/require-cargo.sh
cargo build --release -q
bin=target/release/bianmin
if [ $# -gt 0 ]; then
  exec "$bin" "$@"
fi
db="${BIANMIN_DB:-$PWD/demo/bianmin-demo.db}"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" --db "$db" demo
echo
echo "演示数据库已保存，可继续使用，例如："
echo "  $bin --db $db cases --search 刘桂英"
echo "  $bin --db $db catalog list"
