-- Migration 6: a year's holidays may be provisional (computed from the
-- statutory rules before the official schedule is published), and a due
-- date that the official schedule moved is recorded (src/calendar/recompute.rs);
-- an admin's password reset makes the user choose a new one at next login;
-- the center sets its 差评整改 days and follow-up sample share.

ALTER TABLE calendar_years ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0 CHECK (provisional IN (0, 1));

-- One row per `case.due_date_recomputed`: an open case whose due date a
-- newly loaded year's schedule changed, for the workbench's list.
CREATE TABLE due_date_changes (
    event_id     TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (case_id),
    year         INTEGER NOT NULL,
    old_due_date TEXT NOT NULL,
    new_due_date TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX due_date_changes_by_case ON due_date_changes (case_id);

ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

ALTER TABLE center_profile ADD COLUMN rectify_days INTEGER NOT NULL DEFAULT 5 CHECK (rectify_days BETWEEN 1 AND 15);
ALTER TABLE center_profile ADD COLUMN sample_percent INTEGER NOT NULL DEFAULT 10 CHECK (sample_percent BETWEEN 1 AND 100);
