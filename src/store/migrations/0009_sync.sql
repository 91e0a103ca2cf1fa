-- Migration 9: live sync over the hall's LAN (src/sync/). Local to this
-- PC: whether it syncs over the LAN and the hub's address (empty: found
-- on the LAN, or this PC is the hub); on the hub, the requests to join the
-- center over the LAN.

CREATE TABLE sync_settings (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    hub_address TEXT NOT NULL,
    set_by      TEXT,
    set_at      TEXT NOT NULL
);

-- Requests to join the center over the LAN, waiting on the hub for a
-- manager (src/sync/enrol.rs). Local to the hub: the approval itself is the
-- `device.trusted` event, which travels. A request whose PC went away
-- before anybody decided is withdrawn.
CREATE TABLE join_requests (
    request_no   INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id    TEXT NOT NULL,
    device_code  TEXT NOT NULL,
    role         TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    peer_address TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn')),
    decided_by   TEXT,
    decided_at   TEXT
);
