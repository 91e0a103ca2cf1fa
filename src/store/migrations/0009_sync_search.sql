-- Migration 9: live sync over the hall's LAN (src/sync/). Local to this
-- PC: whether it syncs over the LAN and the hub's address (empty: found
-- on the LAN, or this PC is the hub); on the hub, the requests to join the
-- center over the LAN. And the quick search's index of the cases, filled
-- from the cases already there (src/store/migrations.rs FILLS).

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

-- PROJECTION (intake::record): what the quick search finds a case by
-- (src/intake/search_index.rs), rowid = the case's rowid: numbers and their
-- tails, names and address by characters and pairs, names' pinyin.
CREATE VIRTUAL TABLE case_search USING fts5(
    numbers, names, places,
    tokenize = 'unicode61 remove_diacritics 0',
    detail = 'column',
    columnsize = 0
);
-- Its segments are merged off the commit path, while writes pause
-- (src/store/checkpoint.rs); a burst of intakes merges inline only once
-- one level holds 200 segments.
INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0);
INSERT INTO case_search (case_search, rank) VALUES ('crisismerge', 200);
