-- Migration 14: scanned materials kept with the case (src/scans/mod.rs):
-- the center's size limit per file, the files' content by SHA-256 (this
-- device's own), and each scan attached to a case's material line.
ALTER TABLE center_profile ADD COLUMN scan_max_mb INTEGER NOT NULL DEFAULT 10 CHECK (scan_max_mb BETWEEN 1 AND 50);
CREATE TABLE scan_files (
    sha256    TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('jpeg', 'png', 'pdf')),
    bytes     INTEGER NOT NULL,
    content   BLOB NOT NULL,
    thumbnail BLOB
);
CREATE TABLE case_scans (
    case_id     TEXT NOT NULL REFERENCES cases (case_id),
    position    INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    attached_at TEXT NOT NULL,
    attached_by TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    PRIMARY KEY (case_id, position, sha256)
);
