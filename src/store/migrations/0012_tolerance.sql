-- Migration 12: 容缺受理 (src/intake/tolerance.rs). The center's switch that
-- allows it; per material line of a case the day a 容缺 material is due
-- and when and by whom it was supplied (补齐); per case the earliest due
-- day of its outstanding 容缺 materials, which the watch lists read beside
-- the due date.
ALTER TABLE center_profile ADD COLUMN tolerance_allowed INTEGER NOT NULL DEFAULT 0 CHECK (tolerance_allowed IN (0, 1));
ALTER TABLE case_materials ADD COLUMN tolerated_until TEXT;
ALTER TABLE case_materials ADD COLUMN supplied_on TEXT;
ALTER TABLE case_materials ADD COLUMN supplied_by TEXT;
ALTER TABLE cases ADD COLUMN tolerance_due TEXT;
CREATE INDEX cases_by_state_tolerance_due ON cases (state, tolerance_due) WHERE tolerance_due IS NOT NULL;
