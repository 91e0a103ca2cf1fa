-- 3: the ledger and dashboard look up cases by completion day and
-- events by day; an on-the-spot case is completed on its intake day.
CREATE INDEX cases_by_completed_on ON cases (completed_on) WHERE completed_on IS NOT NULL;
CREATE INDEX events_by_day ON events (substr(ts, 1, 10));
UPDATE cases SET completed_on = received_on WHERE outcome = 'on_the_spot' AND completed_on IS NULL;
