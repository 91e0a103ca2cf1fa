# Sourced by run.sh and test-printers.sh: the PC's print service (CUPS) and
# virtual PDF printers (cups-pdf), started and added only when missing and
# remembered in a state folder, so that `cups_down` removes and stops only
# what was started here. Needs root (lpadmin).

cups_running() { LC_ALL=C lpstat -r 2>/dev/null | grep -q "is running"; }

# cups_up STATE: starts CUPS unless it is running (as a system service it
# usually is).
cups_up() {
  mkdir -p "$1"
  if ! cups_running; then
    cupsd
    touch "$1/cupsd"
    for _ in $(seq 1 50); do cups_running && break; sleep 0.2; done
    cups_running || { echo "CUPS did not start" >&2; return 1; }
  fi
}

# cups_pdf_printer STATE NAME DESCRIPTION: adds a cups-pdf printer unless
# one of that name exists. It writes each job into the PDF folder of the
# user who printed.
cups_pdf_printer() {
  if ! LC_ALL=C lpstat -p "$2" >/dev/null 2>&1; then
    # lpadmin warns that printer drivers are deprecated; cups-pdf has no other way.
    lpadmin -p "$2" -v cups-pdf:/ -E -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd -D "$3" 2>/dev/null
    touch "$1/printer-$2"
  fi
}

# cups_down STATE: removes the printers added and stops CUPS if started here.
cups_down() {
  local f
  for f in "$1"/printer-*; do
    [ -e "$f" ] || continue
    lpadmin -x "${f##*/printer-}" || true
    rm -f "$f"
  done
  if [ -e "$1/cupsd" ]; then
    pkill -x cupsd || true
    rm -f "$1/cupsd"
  fi
}
