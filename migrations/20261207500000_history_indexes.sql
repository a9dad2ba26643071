-- Indexes that match the hot queries over a long history (issue 23). Without
-- planner statistics SQLite picked (user_id, logged_at) for
-- "user_id = ? AND quick_entry_log_id = ? ORDER BY logged_at" and for a day's
-- meals, walking every row the user ever logged; these cover the filter and
-- the order, so the right index wins with or without statistics.
-- Local indexes only: nothing here syncs.

-- Search/embed documents: the items of one quick entry.
CREATE INDEX meal_logs_user_entry ON meal_logs (user_id, quick_entry_log_id, logged_at);
CREATE INDEX activities_user_entry ON activities (user_id, quick_entry_log_id, start_date);
CREATE INDEX body_measurements_user_entry ON body_measurements (user_id, quick_entry_log_id, measured_at);

-- A day's meals (meals_on, copy-day, delete-day) in the order they are shown.
CREATE INDEX meal_logs_user_day ON meal_logs (user_id, local_date, logged_at);
DROP INDEX meal_logs_user_local_date;

-- Days with a measurement (streaks, week and month pages).
CREATE INDEX body_measurements_user_day ON body_measurements (user_id, local_date);

-- Entries that need the user, newest first, within a recent window.
CREATE INDEX quick_entry_logs_user_status_logged ON quick_entry_logs (user_id, processing_status, logged_at);
DROP INDEX quick_entry_logs_user_status;

-- The coach's latest message before a day (Today's tip).
CREATE INDEX coach_messages_user_role_created ON coach_messages (user_id, role, created_at);

-- One activity's streams and sets: with only (user_id) beside the unique
-- (activity_id, …) key, a file without statistics read every stream of the
-- user. (user_id, activity_id) serves both that and the users foreign key.
CREATE INDEX activity_streams_user_activity ON activity_streams (user_id, activity_id);
DROP INDEX activity_streams_user_id;
CREATE INDEX activity_segments_user_activity ON activity_segments (user_id, activity_id);
DROP INDEX activity_segments_user_id;
