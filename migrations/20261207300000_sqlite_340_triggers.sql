-- The database stays writable by the SQLite most systems ship (Debian 12's
-- sqlite3 shell and Python's sqlite3 are 3.40): the sync triggers and the
-- daily summary trigger used unixepoch('subsec'), which needs SQLite 3.42;
-- with 3.40 it is NULL and every insert into a synced table failed
-- ("NOT NULL constraint failed: sync_clock.ms"). The same triggers again,
-- with the current Unix time in milliseconds computed from julianday('now')
-- (every SQLite version): julianday keeps whole milliseconds internally, so
-- round(julianday * 86400000) is exact and 210866760000000 is the Unix
-- epoch (Julian day 2440587.5) in those milliseconds. Within a statement
-- 'now' is one instant, as before. tests/sqlite_cli.rs writes through the
-- system sqlite3 to keep it so.
--
-- Newer-than-3.40 things nothing else here uses: keep it that way in
-- triggers, CHECKs and DEFAULTs (no unixepoch('subsec'), concat, unhex,
-- octet_length, timediff, jsonb, string_agg). STRICT tables (3.37) and the
-- JSON functions (built in since 3.38) are fine.

DROP TRIGGER IF EXISTS sync_users_insert;
CREATE TRIGGER sync_users_insert AFTER INSERT ON users
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'users', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_users_update;
CREATE TRIGGER sync_users_update AFTER UPDATE ON users
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'users', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_users_delete;
CREATE TRIGGER sync_users_delete AFTER DELETE ON users
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'users', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_quick_entry_logs_insert;
CREATE TRIGGER sync_quick_entry_logs_insert AFTER INSERT ON quick_entry_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'quick_entry_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_quick_entry_logs_update;
CREATE TRIGGER sync_quick_entry_logs_update AFTER UPDATE ON quick_entry_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'quick_entry_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_quick_entry_logs_delete;
CREATE TRIGGER sync_quick_entry_logs_delete AFTER DELETE ON quick_entry_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'quick_entry_logs', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_foods_enhanced_insert;
CREATE TRIGGER sync_foods_enhanced_insert AFTER INSERT ON foods_enhanced
WHEN (SELECT applying FROM sync_clock) = 0 AND NEW.user_id IS NOT NULL
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'foods_enhanced', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_foods_enhanced_update;
CREATE TRIGGER sync_foods_enhanced_update AFTER UPDATE ON foods_enhanced
WHEN (SELECT applying FROM sync_clock) = 0 AND NEW.user_id IS NOT NULL
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'foods_enhanced', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_foods_enhanced_delete;
CREATE TRIGGER sync_foods_enhanced_delete AFTER DELETE ON foods_enhanced
WHEN (SELECT applying FROM sync_clock) = 0 AND OLD.user_id IS NOT NULL
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'foods_enhanced', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_meal_logs_insert;
CREATE TRIGGER sync_meal_logs_insert AFTER INSERT ON meal_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'meal_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_meal_logs_update;
CREATE TRIGGER sync_meal_logs_update AFTER UPDATE ON meal_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'meal_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_meal_logs_delete;
CREATE TRIGGER sync_meal_logs_delete AFTER DELETE ON meal_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'meal_logs', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activities_insert;
CREATE TRIGGER sync_activities_insert AFTER INSERT ON activities
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activities', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activities_update;
CREATE TRIGGER sync_activities_update AFTER UPDATE ON activities
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activities', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activities_delete;
CREATE TRIGGER sync_activities_delete AFTER DELETE ON activities
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activities', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activity_segments_insert;
CREATE TRIGGER sync_activity_segments_insert AFTER INSERT ON activity_segments
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_segments', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activity_segments_update;
CREATE TRIGGER sync_activity_segments_update AFTER UPDATE ON activity_segments
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_segments', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activity_segments_delete;
CREATE TRIGGER sync_activity_segments_delete AFTER DELETE ON activity_segments
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_segments', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activity_streams_insert;
CREATE TRIGGER sync_activity_streams_insert AFTER INSERT ON activity_streams
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_streams', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activity_streams_update;
CREATE TRIGGER sync_activity_streams_update AFTER UPDATE ON activity_streams
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_streams', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_activity_streams_delete;
CREATE TRIGGER sync_activity_streams_delete AFTER DELETE ON activity_streams
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_streams', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_body_measurements_insert;
CREATE TRIGGER sync_body_measurements_insert AFTER INSERT ON body_measurements
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'body_measurements', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_body_measurements_update;
CREATE TRIGGER sync_body_measurements_update AFTER UPDATE ON body_measurements
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'body_measurements', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_body_measurements_delete;
CREATE TRIGGER sync_body_measurements_delete AFTER DELETE ON body_measurements
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'body_measurements', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_coach_messages_insert;
CREATE TRIGGER sync_coach_messages_insert AFTER INSERT ON coach_messages
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'coach_messages', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_coach_messages_update;
CREATE TRIGGER sync_coach_messages_update AFTER UPDATE ON coach_messages
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'coach_messages', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_coach_messages_delete;
CREATE TRIGGER sync_coach_messages_delete AFTER DELETE ON coach_messages
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'coach_messages', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_generated_programs_insert;
CREATE TRIGGER sync_ai_generated_programs_insert AFTER INSERT ON ai_generated_programs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_generated_programs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_generated_programs_update;
CREATE TRIGGER sync_ai_generated_programs_update AFTER UPDATE ON ai_generated_programs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_generated_programs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_generated_programs_delete;
CREATE TRIGGER sync_ai_generated_programs_delete AFTER DELETE ON ai_generated_programs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_generated_programs', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_program_days_insert;
CREATE TRIGGER sync_ai_program_days_insert AFTER INSERT ON ai_program_days
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_days', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_program_days_update;
CREATE TRIGGER sync_ai_program_days_update AFTER UPDATE ON ai_program_days
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_days', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_program_days_delete;
CREATE TRIGGER sync_ai_program_days_delete AFTER DELETE ON ai_program_days
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_days', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_program_items_insert;
CREATE TRIGGER sync_ai_program_items_insert AFTER INSERT ON ai_program_items
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_items', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_program_items_update;
CREATE TRIGGER sync_ai_program_items_update AFTER UPDATE ON ai_program_items
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_items', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_ai_program_items_delete;
CREATE TRIGGER sync_ai_program_items_delete AFTER DELETE ON ai_program_items
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_items', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_integrations_insert;
CREATE TRIGGER sync_integrations_insert AFTER INSERT ON integrations
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'integrations', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_integrations_update;
CREATE TRIGGER sync_integrations_update AFTER UPDATE ON integrations
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'integrations', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_integrations_delete;
CREATE TRIGGER sync_integrations_delete AFTER DELETE ON integrations
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'integrations', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_user_goals_insert;
CREATE TRIGGER sync_user_goals_insert AFTER INSERT ON user_goals
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'user_goals', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_user_goals_update;
CREATE TRIGGER sync_user_goals_update AFTER UPDATE ON user_goals
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'user_goals', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS sync_user_goals_delete;
CREATE TRIGGER sync_user_goals_delete AFTER DELETE ON user_goals
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'user_goals', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

DROP TRIGGER IF EXISTS daily_nutrition_refresh_apply;
CREATE TRIGGER daily_nutrition_refresh_apply
INSTEAD OF INSERT ON daily_nutrition_refresh
BEGIN
    -- The day has no meals left: drop its summary.
    DELETE FROM daily_nutrition_summaries
     WHERE user_id = NEW.user_id AND date = NEW.date
       AND NOT EXISTS (SELECT 1 FROM meal_logs m WHERE m.user_id = NEW.user_id AND m.local_date = NEW.date);

    -- Otherwise upsert the exact sums. The id is a UUIDv7 built in SQL
    -- (48-bit ms timestamp, version 7, RFC 4122 variant, random rest).
    INSERT INTO daily_nutrition_summaries (
        id, user_id, date,
        total_calories, total_protein_g, total_carbs_g, total_fat_g,
        total_fiber_g, total_sugar_g, total_sodium_mg, nutrients, meal_count,
        calorie_target, protein_target_g, carbs_target_g, fat_target_g)
    SELECT
        (SELECT substr(t, 1, 8) || '-' || substr(t, 9, 4) || '-7' || substr(r, 1, 3) || '-'
                || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(r, 4, 3) || '-' || substr(r, 7, 12)
           FROM (SELECT printf('%012x', (CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000)) AS t,
                        lower(hex(randomblob(9))) AS r)),
        m.user_id, m.local_date,
        total(m.total_calories), total(m.total_protein_g), total(m.total_carbs_g), total(m.total_fat_g),
        sum(m.total_fiber_g), sum(m.total_sugar_g), sum(m.total_sodium_mg),
        (SELECT json_group_object(k, v)
           FROM (SELECT j.key AS k, sum(j.value) AS v
                   FROM meal_logs m2, json_each(m2.nutrients) AS j
                  WHERE m2.user_id = NEW.user_id AND m2.local_date = NEW.date
                    AND j.type IN ('integer', 'real')
                  GROUP BY j.key
                  ORDER BY j.key)),
        count(*),
        u.daily_calorie_target, u.daily_protein_target_g, u.daily_carbs_target_g, u.daily_fat_target_g
      FROM meal_logs m
      JOIN users u ON u.id = m.user_id
     WHERE m.user_id = NEW.user_id AND m.local_date = NEW.date
     GROUP BY m.user_id, m.local_date
    ON CONFLICT (user_id, date) DO UPDATE SET
        total_calories   = excluded.total_calories,
        total_protein_g  = excluded.total_protein_g,
        total_carbs_g    = excluded.total_carbs_g,
        total_fat_g      = excluded.total_fat_g,
        total_fiber_g    = excluded.total_fiber_g,
        total_sugar_g    = excluded.total_sugar_g,
        total_sodium_mg  = excluded.total_sodium_mg,
        nutrients        = excluded.nutrients,
        meal_count       = excluded.meal_count,
        calorie_target   = excluded.calorie_target,
        protein_target_g = excluded.protein_target_g,
        carbs_target_g   = excluded.carbs_target_g,
        fat_target_g     = excluded.fat_target_g;
END;
