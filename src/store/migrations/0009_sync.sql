-- Migration 9: live sync over the hall's LAN (src/sync/). Local to this
-- PC: whether it syncs over the LAN and the hub's address (empty: found
-- on the LAN, or this PC is the hub).

CREATE TABLE sync_settings (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    hub_address TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL
);
