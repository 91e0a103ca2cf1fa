-- Bianmin Counter: the one SQLite schema, as it is now (version 14).
--
-- A new database is made from this file. The event log (`events`) is the
-- source of truth. Every table filled from events is a projection: it is
-- updated in the same transaction as the event that changes it and can be
-- dropped and rebuilt from the log at any time (`bianmin rebuild`); each
-- belongs to one area's projector (src/projections.rs). Tables marked LOCAL
-- are this device's own and never travel.
--
-- An older file is brought up to date by the numbered steps in
-- src/store/migrations/ (never edited once released). A change adds a step
-- there AND changes this file; tests/schema.rs checks that a new database
-- and every released version upgraded have the same schema.

-- Identity of this device, written once by `bianmin init`. Local, not an event.
CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    device_code TEXT NOT NULL,
    center_code TEXT NOT NULL,
    center_name TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('counter', 'agent', 'hub')),
    created_at  TEXT NOT NULL
);

-- The append-only event log. `pos` is this file's local insertion order;
-- (device_id, seq) is the global identity of an event and is gap-free per
-- device; `hash` chains each device's events through `prev_hash`.
CREATE TABLE events (
    pos       INTEGER PRIMARY KEY,
    event_id  TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    ts        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    case_id   TEXT,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    UNIQUE (device_id, seq)
);
CREATE INDEX events_by_case ON events (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX events_by_day ON events (substr(ts, 1, 10));

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- ======================== PROJECTIONS ========================

CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    staff_no      TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'agent', 'manager', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    -- Consecutive failed logins, and until when the account is locked.
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    -- 1 after an admin reset the password: the user must choose a new one.
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    -- The unlock key (src/auth/password.rs): argon2id parameters and salt,
    -- and the X25519 public half; NULL until set with a password.
    unlock_kdf    TEXT,
    unlock_public TEXT
);

-- Every published version of every matter; `definition` is the full matter
-- as JSON, the other columns are copies for querying.
CREATE TABLE matter_versions (
    code           TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    name           TEXT NOT NULL,
    case_type      TEXT NOT NULL,
    promised_days  INTEGER NOT NULL,
    statutory_days INTEGER NOT NULL,
    fee            TEXT NOT NULL,
    definition     TEXT NOT NULL,
    published_at   TEXT NOT NULL,
    published_by   TEXT NOT NULL REFERENCES users (user_id),
    PRIMARY KEY (code, version),
    CHECK (promised_days <= statutory_days)
);

-- The version of each matter that new intakes use.
CREATE TABLE matters (
    code            TEXT PRIMARY KEY,
    current_version INTEGER NOT NULL,
    name            TEXT NOT NULL,
    FOREIGN KEY (code, current_version) REFERENCES matter_versions (code, version)
);

-- A matter stopped from being taken in (停用); its row goes when re-enabled.
CREATE TABLE matter_withdrawals (
    code         TEXT PRIMARY KEY REFERENCES matters (code),
    reason       TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL,
    withdrawn_by TEXT NOT NULL REFERENCES users (user_id)
);

-- PROJECTION (catalogue::bundle): each 一件事 bundle's latest definition
-- (src/catalogue/bundle.rs), the Bundle as JSON.
CREATE TABLE bundles (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);

CREATE TABLE calendar_years (
    year      INTEGER PRIMARY KEY,
    source    TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL REFERENCES users (user_id),
    -- 1: computed from the statutory rules, not the official schedule (暂定).
    provisional INTEGER NOT NULL DEFAULT 0 CHECK (provisional IN (0, 1))
);

-- Only the exceptions to "Monday to Friday": official holidays and
-- official make-up working days (调休上班).
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

-- One row per intake attempt (accepted, on the spot, one-time notice or refusal).
CREATE TABLE cases (
    case_id             TEXT PRIMARY KEY,
    case_no             TEXT NOT NULL UNIQUE,
    query_code          TEXT NOT NULL,
    matter_code         TEXT NOT NULL,
    matter_version      INTEGER NOT NULL,
    matter_name         TEXT NOT NULL,
    case_type           TEXT NOT NULL,
    outcome             TEXT NOT NULL CHECK (outcome IN ('on_the_spot', 'accepted', 'notice', 'refused')),
    state               TEXT NOT NULL,
    applicant_name      TEXT NOT NULL,
    applicant_id_type   TEXT NOT NULL,
    applicant_id_number TEXT NOT NULL,
    applicant_phone     TEXT NOT NULL,
    applicant_address   TEXT NOT NULL,
    proxy_name          TEXT,
    proxy_id_type       TEXT,
    proxy_id_number     TEXT,
    proxy_phone         TEXT,
    proxy_relation      TEXT,
    received_at         TEXT NOT NULL,
    received_on         TEXT NOT NULL,
    promised_days       INTEGER NOT NULL,
    due_date            TEXT,
    completed_at        TEXT,
    refusal_reason      TEXT,
    legal_basis         TEXT NOT NULL,
    fee                 TEXT NOT NULL,
    clerk_user_id       TEXT NOT NULL REFERENCES users (user_id),
    device_id           TEXT NOT NULL,
    previous_case_id    TEXT REFERENCES cases (case_id),
    -- Lifecycle (src/lifecycle): who handles it, where it was forwarded,
    -- the paused clock, an approved extension, the result and its delivery.
    handler_user_id     TEXT REFERENCES users (user_id),
    forwarded_to        TEXT,
    forwarded_on        TEXT,
    suspended_since     TEXT,
    suspended_days      INTEGER NOT NULL DEFAULT 0,
    extension_reason    TEXT,
    extended_by         TEXT REFERENCES users (user_id),
    result              TEXT,
    result_reason       TEXT,
    completed_on        TEXT,
    delivery            TEXT,
    delivered_at        TEXT,
    archived_at         TEXT,
    closed_reason       TEXT,
    -- A village agent's case (version 4): the bag number (一事一袋) the
    -- center confirmed and the day the center accepted it (the promised
    -- clock starts then); `received_on` stays the day of the village intake.
    accepted_on         TEXT,
    bag_no              TEXT,
    agent_user_id       TEXT,
    -- 容缺受理 (version 12): the earliest due day of the case's 容缺
    -- materials not yet supplied; NULL when none is outstanding.
    tolerance_due       TEXT,
    -- 告知承诺制 (version 12): the day the case's 核查 is due while it is
    -- open; its result (属实 / 不实) and the day it was recorded.
    verify_due          TEXT,
    verify_result       TEXT CHECK (verify_result IN ('属实', '不实')),
    verified_on         TEXT,
    -- 一件事 (version 13): the bundle intake that took this case in with
    -- its siblings (one id per intake), and the bundle's code and name.
    bundle_id           TEXT,
    bundle_code         TEXT,
    bundle_name         TEXT,
    FOREIGN KEY (matter_code, matter_version) REFERENCES matter_versions (code, version)
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
CREATE INDEX cases_by_state_due ON cases (state, due_date);
CREATE INDEX cases_by_completed_on ON cases (completed_on) WHERE completed_on IS NOT NULL;
CREATE INDEX cases_by_received_on ON cases (received_on);
CREATE INDEX cases_by_applicant_id ON cases (applicant_id_number);
CREATE INDEX cases_by_applicant_name ON cases (applicant_name);
CREATE INDEX cases_by_applicant_phone ON cases (applicant_phone);
CREATE INDEX cases_by_query_code ON cases (query_code);
CREATE INDEX cases_by_previous ON cases (previous_case_id) WHERE previous_case_id IS NOT NULL;
CREATE INDEX cases_by_state_tolerance_due ON cases (state, tolerance_due) WHERE tolerance_due IS NOT NULL;
CREATE INDEX cases_by_verify_due ON cases (verify_due) WHERE verify_due IS NOT NULL;
CREATE INDEX cases_by_bundle ON cases (bundle_id) WHERE bundle_id IS NOT NULL;

-- The catalogue materials of a case's matter version and whether each was brought.
CREATE TABLE case_materials (
    case_id  TEXT NOT NULL REFERENCES cases (case_id),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    form     TEXT NOT NULL,
    copies   INTEGER NOT NULL,
    required INTEGER NOT NULL CHECK (required IN (0, 1)),
    provided INTEGER NOT NULL CHECK (provided IN (0, 1)),
    note     TEXT NOT NULL,
    -- 容缺受理 (version 12): the day a material accepted as missing is due,
    -- and the day and user it was supplied (补齐).
    tolerated_until TEXT,
    supplied_on     TEXT,
    supplied_by     TEXT,
    -- 告知承诺制 (version 12): the applicant signed a promise instead.
    promised        INTEGER NOT NULL DEFAULT 0 CHECK (promised IN (0, 1)),
    PRIMARY KEY (case_id, position)
);

-- The last per-device daily serial used in a case number.
CREATE TABLE daily_serials (
    device_id   TEXT NOT NULL,
    day         TEXT NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (device_id, day)
);

-- 首问负责制: enquiries at the counter or by phone, with follow-up when
-- another department must answer, and the intake they turned into.
CREATE TABLE consultations (
    consultation_id      TEXT PRIMARY KEY,
    asked_at             TEXT NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('walk_in', 'phone')),
    asker_name           TEXT NOT NULL,
    asker_phone          TEXT NOT NULL,
    question             TEXT NOT NULL,
    matter_code          TEXT,
    answer               TEXT NOT NULL,
    owner_user_id        TEXT NOT NULL REFERENCES users (user_id),
    follow_up_department TEXT,
    follow_up_due        TEXT,
    follow_up_reply      TEXT,
    follow_up_replied_at TEXT,
    case_id              TEXT REFERENCES cases (case_id)
);

-- 好差评: one evaluation per case (or consultation) and channel.
CREATE TABLE evaluations (
    evaluation_id   TEXT PRIMARY KEY,
    case_id         TEXT REFERENCES cases (case_id),
    consultation_id TEXT REFERENCES consultations (consultation_id),
    level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    reasons         TEXT NOT NULL,
    comment         TEXT NOT NULL,
    channel         TEXT NOT NULL,
    evaluated_at    TEXT NOT NULL,
    recorded_by     TEXT NOT NULL REFERENCES users (user_id),
    CHECK ((case_id IS NULL) <> (consultation_id IS NULL))
);
CREATE UNIQUE INDEX evaluations_once_per_channel
    ON evaluations (coalesce(case_id, consultation_id), channel);

-- 整改: opened by a 不满意 / 非常不满意 evaluation, closed only with a result.
CREATE TABLE rectifications (
    rectification_id TEXT PRIMARY KEY,
    evaluation_id    TEXT NOT NULL REFERENCES evaluations (evaluation_id),
    assigned_to      TEXT NOT NULL REFERENCES users (user_id),
    due_date         TEXT NOT NULL,
    result           TEXT,
    closed_at        TEXT,
    closed_by        TEXT REFERENCES users (user_id),
    -- ZG-A01-003 (src/service/numbers.rs); NULL for older items.
    number           TEXT
);

-- 回访: completed cases drawn for a follow-up call, and what the call found.
CREATE TABLE follow_up_calls (
    call_id    TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (case_id),
    sampled_at TEXT NOT NULL,
    sampled_by TEXT NOT NULL REFERENCES users (user_id),
    reached    INTEGER,
    outcome    TEXT,
    called_at  TEXT,
    called_by  TEXT REFERENCES users (user_id),
    -- HF-A01-012 (src/service/numbers.rs); NULL for older calls.
    number     TEXT
);

-- 投诉来访登记.
CREATE TABLE complaints (
    complaint_id        TEXT PRIMARY KEY,
    received_on         TEXT NOT NULL,
    channel             TEXT NOT NULL,
    complainant_name    TEXT NOT NULL,
    complainant_contact TEXT NOT NULL,
    target              TEXT NOT NULL,
    category            TEXT NOT NULL,
    content             TEXT NOT NULL,
    transferred_to      TEXT,
    deadline            TEXT NOT NULL,
    result              TEXT,
    feedback            TEXT,
    feedback_on         TEXT,
    accepted            INTEGER,
    rechecks            INTEGER NOT NULL DEFAULT 0,
    state               TEXT NOT NULL CHECK (state IN ('open', 'answered', 'recheck', 'closed')),
    recorded_by         TEXT NOT NULL REFERENCES users (user_id),
    recorded_at         TEXT NOT NULL,
    -- TS-A01-007 (src/service/numbers.rs); NULL for older complaints.
    number              TEXT
);

-- AB角: a stand-in who may act on an absent clerk's cases for a date range.
CREATE TABLE stand_ins (
    absent_user_id   TEXT NOT NULL REFERENCES users (user_id),
    stand_in_user_id TEXT NOT NULL REFERENCES users (user_id),
    from_day         TEXT NOT NULL,
    to_day           TEXT NOT NULL,
    set_by           TEXT NOT NULL REFERENCES users (user_id),
    set_at           TEXT NOT NULL,
    PRIMARY KEY (absent_user_id, stand_in_user_id, from_day)
);

-- The center's contact details printed on every document (one row; absent
-- until a manager first sets them).
CREATE TABLE center_profile (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    address         TEXT NOT NULL,
    phone           TEXT NOT NULL,
    complaint_phone TEXT NOT NULL,
    supply_days     INTEGER NOT NULL CHECK (supply_days BETWEEN 1 AND 30),
    warning_days    INTEGER NOT NULL DEFAULT 2 CHECK (warning_days BETWEEN 0 AND 10),
    lockout_attempts INTEGER NOT NULL DEFAULT 5 CHECK (lockout_attempts BETWEEN 3 AND 10),
    lockout_minutes INTEGER NOT NULL DEFAULT 15 CHECK (lockout_minutes BETWEEN 1 AND 1440),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES users (user_id),
    -- The idle lock of the window, in minutes (version 2).
    idle_minutes    INTEGER NOT NULL DEFAULT 10 CHECK (idle_minutes BETWEEN 1 AND 240),
    -- Working days a 差评 rectification is due in, and the share of completed
    -- cases drawn for follow-up calls (version 6).
    rectify_days    INTEGER NOT NULL DEFAULT 5 CHECK (rectify_days BETWEEN 1 AND 15),
    sample_percent  INTEGER NOT NULL DEFAULT 10 CHECK (sample_percent BETWEEN 1 AND 100),
    -- 办公时间, printed on the 办事指南 (version 7).
    office_hours    TEXT NOT NULL DEFAULT '工作日上午 8:30—12:00，下午 13:30—17:30（法定节假日除外）',
    -- The name papers print; '' until a manager sets it: the device's (version 7).
    name            TEXT NOT NULL DEFAULT '',
    -- Whether 容缺受理 is allowed (version 12).
    tolerance_allowed INTEGER NOT NULL DEFAULT 0 CHECK (tolerance_allowed IN (0, 1)),
    -- The largest scanned file a case keeps, in MB (version 14).
    scan_max_mb     INTEGER NOT NULL DEFAULT 10 CHECK (scan_max_mb BETWEEN 1 AND 50)
);

-- LOCAL (scans): the content of scanned materials (扫描件), keyed by its
-- SHA-256, with a PNG thumbnail of an image; inside the database so that a
-- file commits with its event, backups hold it and an encrypted laptop
-- encrypts it (src/scans/mod.rs).
CREATE TABLE scan_files (
    sha256    TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('jpeg', 'png', 'pdf')),
    bytes     INTEGER NOT NULL,
    content   BLOB NOT NULL,
    thumbnail BLOB
);

-- PROJECTION (scans): each scan attached to a case's material line.
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

-- Every document printed for a case: which one, which copy (2 and up are
-- reprints, 补打), its template version and the SHA-256 of the PDF.
CREATE TABLE printed_documents (
    case_id    TEXT NOT NULL REFERENCES cases (case_id),
    kind       TEXT NOT NULL,
    copy       INTEGER NOT NULL CHECK (copy >= 1),
    template   TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    pages      INTEGER NOT NULL,
    printed_at TEXT NOT NULL,
    printed_by TEXT NOT NULL REFERENCES users (user_id),
    -- The printer it last went to (document.printed to a printer, or
    -- document.sent); NULL: saved as a PDF only.
    printer    TEXT,
    PRIMARY KEY (case_id, kind, copy)
);

-- Local to this PC (src/printing/): where each document kind prints, and
-- whether by itself after an intake.
CREATE TABLE printer_choices (
    kind    TEXT PRIMARY KEY,
    printer TEXT NOT NULL,
    auto    INTEGER NOT NULL CHECK (auto IN (0, 1)),
    set_by  TEXT NOT NULL,
    set_at  TEXT NOT NULL
);

-- Local to this PC (src/sync/settings.rs): whether it syncs over the
-- hall's LAN, and the hub's address (empty: found on the LAN, or this PC
-- is the hub). set_by is NULL when the PC set it itself on joining the
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

-- One row per printed 办事指南: one matter's, or the catalogue's booklet.
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

-- Offline exchange by USB (src/exchange) and the village agent's cases
-- (version 4).

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
    trusted_by  TEXT NOT NULL,
    -- `device.revoked`: a lost or stolen device's key. Its events after
    -- `revoked_after_seq` are refused (src/exchange/devices.rs).
    revoked_at        TEXT,
    revoked_by        TEXT,
    revoked_reason    TEXT,
    revoked_after_seq INTEGER
);

-- Where each event stands in the canonical order (src/store/order.rs), so
-- a case's history reads in that order on every device.
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

-- The window's backup settings and the record of every backup attempt
-- (src/backup/schedule.rs), version 5. Both LOCAL: a folder is a path on
-- this machine, and a backup says nothing about cases.

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
