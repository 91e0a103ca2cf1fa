-- Migration 8: the counter's printers (src/printing/). Which printer of
-- this PC each document kind goes to, and whether it prints by itself
-- right after an intake; a printed document names the printer it went to
-- (document.printed to a printer, document.sent of a saved copy).
-- Complaints, rectifications and follow-up calls get short human numbers
-- (src/service/numbers.rs).

CREATE TABLE printer_choices (
    kind    TEXT PRIMARY KEY,
    printer TEXT NOT NULL,
    auto    INTEGER NOT NULL CHECK (auto IN (0, 1)),
    set_by  TEXT NOT NULL,
    set_at  TEXT NOT NULL
);

ALTER TABLE printed_documents ADD COLUMN printer TEXT;

ALTER TABLE complaints ADD COLUMN number TEXT;
ALTER TABLE rectifications ADD COLUMN number TEXT;
ALTER TABLE follow_up_calls ADD COLUMN number TEXT;
