-- Migration 5: the window's backup settings and the record of every backup
-- attempt (src/backup/schedule.rs). Both LOCAL: a folder is a path on this
-- machine, and a backup says nothing about cases, so neither travels in a
-- batch nor is touched by a projection rebuild.

-- LOCAL: where this machine backs itself up, set by a manager or admin.
CREATE TABLE backup_settings (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    folder    TEXT NOT NULL CHECK (folder <> ''),
    keep      INTEGER NOT NULL CHECK (keep BETWEEN 1 AND 365),
    -- 1: back up automatically on the first start of each day.
    daily     INTEGER NOT NULL CHECK (daily IN (0, 1)),
    -- The user id (no foreign key: `users` is a projection, rebuilt at will).
    set_by    TEXT NOT NULL,
    set_at    TEXT NOT NULL
);

-- LOCAL: every backup attempt, made or failed, newest last.
CREATE TABLE backup_runs (
    run_id    INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    -- The center-local day of `at`, for "already backed up today".
    day       TEXT NOT NULL,
    trigger   TEXT NOT NULL CHECK (trigger IN ('manual', 'daily')),
    -- NULL for the automatic daily backup.
    user_id   TEXT,
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    path      TEXT,
    sha256    TEXT,
    bytes     INTEGER,
    -- Why it failed, in Chinese; NULL when made.
    message   TEXT
);
