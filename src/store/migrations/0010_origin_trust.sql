-- Migration 10: exchange you can trust (docs/batch-format.md, version 2).
--
-- Where each event stands in the canonical order (src/store/order.rs), so
-- a case's history reads in that order on every device; filled from the
-- events already there (src/store/migrations.rs FILLS).
CREATE TABLE event_order (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    ms        INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- LOCAL: chain heads signed by the device that made the events
-- (src/exchange/origin.rs), as received; relayed on with the events.
CREATE TABLE chain_heads (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- LOCAL: two different events, each signed by its device, claiming the
-- same place in that device's chain (src/exchange/forks.rs).
CREATE TABLE forks (
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    held_event  TEXT NOT NULL,
    other_event TEXT NOT NULL,
    batch_file  TEXT NOT NULL,
    writer_code TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

-- PROJECTION of `device.revoked`: a lost or stolen device's key. Events of
-- the device after `revoked_after_seq` are refused.
ALTER TABLE devices ADD COLUMN revoked_at TEXT;
ALTER TABLE devices ADD COLUMN revoked_by TEXT;
ALTER TABLE devices ADD COLUMN revoked_reason TEXT;
ALTER TABLE devices ADD COLUMN revoked_after_seq INTEGER;
