#!/usr/bin/env bash
# Proves that the ledger and monthly report open in an office suite: makes
# a demonstration database, exports the daily ledger (XLSX) and the monthly
# report (XLSX), converts both with LibreOffice headless to PDF and checks
# the converted text. Installs libreoffice-calc-nogui when missing (large;
# not part of scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh libreoffice-calc-nogui poppler-utils
source scripts/require-cargo.sh
cargo build --release -q -p bianmin
bin=target/release/bianmin
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" --db "$dir/demo.db" demo >/dev/null
export BIANMIN_PASSWORD=manager2026
"$bin" --db "$dir/demo.db" --user zhangli ledger --format xlsx --out "$dir/ledger.xlsx" >/dev/null
"$bin" --db "$dir/demo.db" --user zhangli report --month "$(date +%Y-%m)" --format xlsx --out "$dir/month.xlsx" >/dev/null
for f in ledger month; do
  soffice --headless --convert-to pdf --outdir "$dir/lo" "$dir/$f.xlsx" >/dev/null 2>&1
  test -s "$dir/lo/$f.pdf" || { echo "LibreOffice could not open $f.xlsx" >&2; exit 1; }
done
ledger=$(pdftotext -layout "$dir/lo/ledger.pdf" - | tr -s ' ')
month=$(pdftotext -layout "$dir/lo/month.pdf" - | tr -s ' ')
for needle in "日台账" "接件 4" "受理 1" "即办 1" "一次性告知 1" "不予受理 1" "收费合计(元) 0.00"; do
  grep -qF "$needle" <<<"$ledger" || { echo "ledger.xlsx in LibreOffice lacks: $needle" >&2; exit 1; }
done
for needle in "名称" "合计"; do
  grep -qF "$needle" <<<"$month" || { echo "month.xlsx in LibreOffice lacks: $needle" >&2; exit 1; }
done
echo "LibreOffice opened the ledger and the monthly report; totals as computed."
