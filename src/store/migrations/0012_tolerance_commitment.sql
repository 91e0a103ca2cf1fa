-- Migration 12: 容缺受理 (src/intake/tolerance.rs) and 告知承诺制
-- (src/intake/commitment.rs). The center's switch that allows 容缺受理;
-- per material line of a case the day a 容缺 material is due and when and
-- by whom it was supplied (补齐), and whether the applicant signed a
-- promise instead of bringing it; per case the earliest due day of its
-- outstanding 容缺 materials, which the watch lists read beside the due
-- date, and its 核查: the day it is due while open, its result and day.
ALTER TABLE center_profile ADD COLUMN tolerance_allowed INTEGER NOT NULL DEFAULT 0 CHECK (tolerance_allowed IN (0, 1));
ALTER TABLE case_materials ADD COLUMN tolerated_until TEXT;
ALTER TABLE case_materials ADD COLUMN supplied_on TEXT;
ALTER TABLE case_materials ADD COLUMN supplied_by TEXT;
ALTER TABLE case_materials ADD COLUMN promised INTEGER NOT NULL DEFAULT 0 CHECK (promised IN (0, 1));
ALTER TABLE cases ADD COLUMN tolerance_due TEXT;
ALTER TABLE cases ADD COLUMN verify_due TEXT;
ALTER TABLE cases ADD COLUMN verify_result TEXT CHECK (verify_result IN ('属实', '不实'));
ALTER TABLE cases ADD COLUMN verified_on TEXT;
CREATE INDEX cases_by_state_tolerance_due ON cases (state, tolerance_due) WHERE tolerance_due IS NOT NULL;
CREATE INDEX cases_by_verify_due ON cases (verify_due) WHERE verify_due IS NOT NULL;
