-- Meals imported from another tracker (MyFitnessPal, Cronometer) carry the
-- key of the day and meal they came from, so importing the same export again
-- updates those meals instead of logging them twice.
ALTER TABLE meal_logs ADD COLUMN import_key TEXT;

CREATE UNIQUE INDEX meal_logs_user_import_key ON meal_logs (user_id, import_key) WHERE import_key IS NOT NULL;
