-- Migration 7: a manager may stop a matter from being taken in (停用,
-- src/catalogue/withdrawal.rs), and a printed 办事指南 — one matter's or the
-- whole catalogue's booklet — is recorded (src/documents/guide.rs); the
-- center's name and office hours are settings; a manager resolves a flagged
-- exchange conflict (src/exchange/conflicts.rs).

CREATE TABLE matter_withdrawals (
    code         TEXT PRIMARY KEY REFERENCES matters (code),
    reason       TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL,
    withdrawn_by TEXT NOT NULL REFERENCES users (user_id)
);

CREATE TABLE printed_guides (
    event_id   TEXT PRIMARY KEY,
    -- 1: the whole catalogue as one booklet (公示); 0: one matter's guide.
    booklet    INTEGER NOT NULL CHECK (booklet IN (0, 1)),
    -- The matters printed, as "code@version" joined by ",".
    matters    TEXT NOT NULL,
    template   TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    pages      INTEGER NOT NULL,
    printed_at TEXT NOT NULL,
    printed_by TEXT NOT NULL REFERENCES users (user_id)
);

-- 办公时间 printed on the 办事指南 under 办理时间.
ALTER TABLE center_profile ADD COLUMN office_hours TEXT NOT NULL DEFAULT '工作日上午 8:30—12:00，下午 13:30—17:30（法定节假日除外）';

-- The center's name as papers print it; '' means the name set up with.
ALTER TABLE center_profile ADD COLUMN name TEXT NOT NULL DEFAULT '';

-- A flagged conflict a manager resolved (src/exchange/conflicts.rs): kept
-- as it stands, or the refused step applied anew as the event named.
CREATE TABLE conflict_resolutions (
    device_id        TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    resolution       TEXT NOT NULL,
    reason           TEXT NOT NULL,
    applied_event_id TEXT,
    resolved_at      TEXT NOT NULL,
    resolved_by      TEXT NOT NULL REFERENCES users (user_id),
    PRIMARY KEY (device_id, seq)
);
