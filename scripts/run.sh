#!/usr/bin/env bash
# Builds Bianmin Counter and opens the counter window (便民服务台) on a
# demonstration database: the default catalogue of township matters, the
# holiday calendars, demo accounts and one application of each outcome.
# The demo database is kept in ./demo/ and reused on the next run; delete it
# (or pass --fresh) to start again, or set BIANMIN_DB to open another file
# (a new file shows the first-run set-up screen).
# Pass a `bianmin` command to run the command-line tool instead, e.g.
#   bash scripts/run.sh catalog list
set -euo pipefail
cd "$(dirname "$0")/.."
# libssl-dev: SQLCipher links libcrypto; fonts-noto-cjk: the window's
# Chinese text (WebKit draws with the system's fonts) and, with
# fonts-hanazono, the printed documents' fonts; cups, cups-client and
# printer-driver-cups-pdf: the print service the window prints through,
# with a virtual PDF printer to try it on; sane-utils: scanimage, for a
# flatbed scanner at the counter (offered on a case's page when found).
bash scripts/system-packages.sh build-essential pkg-config ca-certificates libssl-dev \
  libwebkit2gtk-4.1-dev fonts-noto-cjk fonts-hanazono cups cups-client printer-driver-cups-pdf \
  sane-utils
source scripts/require-cargo.sh
if [ $# -gt 0 ] && [ "$1" != "--fresh" ]; then
  cargo build --release -q -p bianmin
  exec target/release/bianmin "$@"
fi
cargo build --release -q -p bianmin -p bianmin-desk
if [ -n "${BIANMIN_DB:-}" ]; then
  db="$BIANMIN_DB"
else
  db="$PWD/demo/bianmin-demo.db"
  if [ "${1:-}" = "--fresh" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
  fi
  if [ ! -f "$db" ]; then
    target/release/bianmin --db "$db" demo
  else
    echo "使用已有的演示数据库：$db（账号 wangfang / clerk2026 窗口人员，zhangli / manager2026 负责人，admin / admin2026 管理员）"
  fi
fi
# The print service, started if it is not running, and a virtual PDF
# printer (jobs land in ~/PDF) for 设置—打印机; both undone at the end if
# added here.
source scripts/cups.sh
cups_state=/run/bianmin-demo-printers
trap 'cups_down "$cups_state"' EXIT
if cups_up "$cups_state"; then
  cups_pdf_printer "$cups_state" BianminDemoPDF "演示用 PDF 打印机（输出到 ~/PDF）" \
    || echo "未能添加演示用 PDF 打印机（需要管理员权限）。"
else
  echo "打印服务（CUPS）未能启动：窗口仍可使用，文书保存为 PDF。"
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # No screen (a server or CI): run the window on a virtual one.
  bash scripts/system-packages.sh xvfb xauth
  echo "没有图形显示（DISPLAY 未设置），在虚拟屏幕 Xvfb 上运行窗口。"
  xvfb-run -a -s "-screen 0 1366x768x24" target/release/bianmin-desk --db "$db"
else
  target/release/bianmin-desk --db "$db"
fi
