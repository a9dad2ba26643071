-- Programs: a workout the user unlinked from a logged activity is not linked
-- again automatically.
ALTER TABLE ai_program_items ADD COLUMN auto_link INTEGER NOT NULL DEFAULT 1 CHECK (auto_link IN (0, 1));

CREATE INDEX ai_program_days_scheduled ON ai_program_days (program_id, scheduled_date);
