#!/usr/bin/env bash
# The tests' print service: CUPS with three virtual PDF printers (cups-pdf),
# one for 80 mm slips, one for A4, one paused. `start` starts what is
# missing and prints the variable the tests read (for `eval`); `stop`
# removes what `start` added. Idempotent; needs root (lpadmin).
set -euo pipefail
source "$(dirname "$0")/cups.sh"
state=/run/bianmin-test-printers

case "${1:-}" in
  start)
    cups_up "$state"
    cups_pdf_printer "$state" BianminTest80 "测试 80 mm 小票打印机"
    cups_pdf_printer "$state" BianminTestA4 "测试 A4 打印机"
    cups_pdf_printer "$state" BianminTestStopped "测试 已暂停的打印机"
    cupsdisable -r "测试：已暂停" BianminTestStopped
    # cups-pdf writes each job into the PDF folder of the user who printed.
    echo "export BIANMIN_TEST_PRINTED=$(getent passwd "$(id -un)" | cut -d: -f6)/PDF"
    ;;
  stop) cups_down "$state" ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
