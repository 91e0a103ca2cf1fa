-- Migration 13: 一件事 bundles (src/catalogue/bundle.rs,
-- src/intake/bundle.rs): each bundle's latest definition, and per case the
-- bundle intake that took it in with its siblings.
CREATE TABLE bundles (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL
);
ALTER TABLE cases ADD COLUMN bundle_id TEXT;
ALTER TABLE cases ADD COLUMN bundle_code TEXT;
ALTER TABLE cases ADD COLUMN bundle_name TEXT;
CREATE INDEX cases_by_bundle ON cases (bundle_id) WHERE bundle_id IS NOT NULL;
