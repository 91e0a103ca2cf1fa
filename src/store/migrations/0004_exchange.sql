-- Migration 4: offline exchange by USB (src/exchange) and the village
-- agent's cases (src/lifecycle/bag.rs).

-- LOCAL: this device's ed25519 signing key, made at `bianmin init`. The
-- secret never leaves this file (batches carry only the public key).
CREATE TABLE device_key (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    secret_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- LOCAL: events of a batch that arrived before an earlier batch of the same
-- device (a gap in its seq); applied as soon as the gap is filled.
CREATE TABLE pending_events (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    event     TEXT NOT NULL,
    source    TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

-- LOCAL: every batch written, per destination; `ranges` is the JSON list of
-- (device, first seq, last seq) it carried.
CREATE TABLE batch_exports (
    destination     TEXT NOT NULL,
    batch_no        INTEGER NOT NULL,
    file_name       TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    ranges          TEXT NOT NULL,
    events          INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (destination, batch_no)
);

-- LOCAL: every batch imported.
CREATE TABLE batch_imports (
    manifest_sha256 TEXT PRIMARY KEY,
    file_name       TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    device_code     TEXT NOT NULL,
    batch_no        INTEGER NOT NULL,
    added           INTEGER NOT NULL,
    pending         INTEGER NOT NULL,
    imported_at     TEXT NOT NULL
);

-- LOCAL: where the projections stand in the canonical event order (see
-- src/store/order.rs): the greatest key applied, and whether an event
-- applied since sorts before it (then the next import replays the log).
CREATE TABLE projection_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    ms        INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    stale     INTEGER NOT NULL CHECK (stale IN (0, 1))
);

-- LOCAL: per device, the latest event time applied (a device's clock set
-- back must not reorder its own events).
CREATE TABLE device_clocks (
    device_id TEXT PRIMARY KEY,
    max_ms    INTEGER NOT NULL
);

-- PROJECTION: devices whose batches this machine accepts (`device.trusted`
-- events, by a manager, or the first device's own at set-up).
CREATE TABLE devices (
    device_id   TEXT PRIMARY KEY,
    device_code TEXT NOT NULL,
    role        TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    trusted_at  TEXT NOT NULL,
    trusted_by  TEXT NOT NULL
);

-- PROJECTION: events kept in the log that did not change the projections
-- because, in the canonical order, they were no longer allowed (two devices
-- completing the same case). Shown to a manager.
CREATE TABLE conflicts (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    case_id   TEXT,
    kind      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

-- A village agent's case: the bag number (一事一袋) the center confirmed and
-- the day the center accepted it (the promised clock starts then);
-- `received_on` stays the day of the village intake.
ALTER TABLE cases ADD COLUMN accepted_on TEXT;
ALTER TABLE cases ADD COLUMN bag_no TEXT;
ALTER TABLE cases ADD COLUMN agent_user_id TEXT;
