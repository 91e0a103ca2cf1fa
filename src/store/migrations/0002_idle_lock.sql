-- 2: the idle lock of the window, in minutes, set by a manager.
ALTER TABLE center_profile ADD COLUMN idle_minutes INTEGER NOT NULL DEFAULT 10
         CHECK (idle_minutes BETWEEN 1 AND 240);
