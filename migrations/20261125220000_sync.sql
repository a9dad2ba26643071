-- Sync bookkeeping for the optional Postgres sync (src/sync/).
--
-- Every change to a synced table is recorded by the triggers below as one row
-- per (table, row id) in sync_rows: the row's hybrid-logical-clock version
-- (hlc), whether it is now deleted (a tombstone) and whether it still has to
-- be pushed. Only keys are kept: the row itself is read at push time, so
-- columns that later migrations add are carried without touching this file.
--
-- HLC text: 15-digit physical milliseconds, 8-digit logical counter and the
-- install's node id, so plain text comparison orders versions
-- ('000001764000000000-00000003-9f2c…'). Last writer (highest hlc) wins.
--
-- Applying pulled rows sets sync_clock.applying = 1 inside the same write
-- transaction, and the triggers skip their logging while it is set: pulled
-- rows are never re-logged as local changes. Writers are serialised by
-- SQLite, so no other connection ever sees the flag set.
--
-- Not synced, on purpose (see README "Sync"):
--   * daily_nutrition_summaries: derived; the meal_logs triggers recompute it
--     on every install when pulled meals are applied.
--   * quick_entry_embeddings (+ their vectors): derived; each install embeds
--     its entries itself.
--   * rate_limits, webhook_events: per-install counters and inbox.
--   * foods_enhanced rows with user_id NULL: the bundled food database.

CREATE TABLE sync_clock (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    node        TEXT NOT NULL,                        -- random per install
    ms          INTEGER NOT NULL CHECK (ms >= 0),     -- last physical ms used
    ctr         INTEGER NOT NULL CHECK (ctr >= 0),    -- logical counter within ms
    applying    INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1))
) STRICT;

INSERT INTO sync_clock (id, node, ms, ctr, applying)
VALUES (1, lower(hex(randomblob(8))), CAST(unixepoch('subsec') * 1000 AS INTEGER), 0, 0);

CREATE TABLE sync_rows (
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    pending     INTEGER NOT NULL DEFAULT 1 CHECK (pending IN (0, 1)),  -- 1 = not pushed yet
    PRIMARY KEY (tbl, row_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX sync_rows_pending ON sync_rows (tbl, row_id) WHERE pending = 1;

-- Local sync settings and progress (server URL without password, pull
-- cursor, last result). Never synced.
CREATE TABLE sync_state (
    key     TEXT PRIMARY KEY NOT NULL,
    value   TEXT NOT NULL
) STRICT;

-- users
CREATE TRIGGER sync_users_insert AFTER INSERT ON users
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'users', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_users_update AFTER UPDATE ON users
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'users', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_users_delete AFTER DELETE ON users
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'users', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- quick_entry_logs
CREATE TRIGGER sync_quick_entry_logs_insert AFTER INSERT ON quick_entry_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'quick_entry_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_quick_entry_logs_update AFTER UPDATE ON quick_entry_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'quick_entry_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_quick_entry_logs_delete AFTER DELETE ON quick_entry_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'quick_entry_logs', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- foods_enhanced
CREATE TRIGGER sync_foods_enhanced_insert AFTER INSERT ON foods_enhanced
WHEN (SELECT applying FROM sync_clock) = 0 AND NEW.user_id IS NOT NULL
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'foods_enhanced', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_foods_enhanced_update AFTER UPDATE ON foods_enhanced
WHEN (SELECT applying FROM sync_clock) = 0 AND NEW.user_id IS NOT NULL
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'foods_enhanced', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_foods_enhanced_delete AFTER DELETE ON foods_enhanced
WHEN (SELECT applying FROM sync_clock) = 0 AND OLD.user_id IS NOT NULL
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'foods_enhanced', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- meal_logs
CREATE TRIGGER sync_meal_logs_insert AFTER INSERT ON meal_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'meal_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_meal_logs_update AFTER UPDATE ON meal_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'meal_logs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_meal_logs_delete AFTER DELETE ON meal_logs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'meal_logs', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- activities
CREATE TRIGGER sync_activities_insert AFTER INSERT ON activities
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activities', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_activities_update AFTER UPDATE ON activities
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activities', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_activities_delete AFTER DELETE ON activities
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activities', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- activity_segments
CREATE TRIGGER sync_activity_segments_insert AFTER INSERT ON activity_segments
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_segments', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_activity_segments_update AFTER UPDATE ON activity_segments
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_segments', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_activity_segments_delete AFTER DELETE ON activity_segments
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_segments', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- activity_streams
CREATE TRIGGER sync_activity_streams_insert AFTER INSERT ON activity_streams
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_streams', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_activity_streams_update AFTER UPDATE ON activity_streams
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_streams', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_activity_streams_delete AFTER DELETE ON activity_streams
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'activity_streams', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- body_measurements
CREATE TRIGGER sync_body_measurements_insert AFTER INSERT ON body_measurements
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'body_measurements', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_body_measurements_update AFTER UPDATE ON body_measurements
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'body_measurements', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_body_measurements_delete AFTER DELETE ON body_measurements
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'body_measurements', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- coach_messages
CREATE TRIGGER sync_coach_messages_insert AFTER INSERT ON coach_messages
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'coach_messages', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_coach_messages_update AFTER UPDATE ON coach_messages
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'coach_messages', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_coach_messages_delete AFTER DELETE ON coach_messages
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'coach_messages', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- ai_generated_programs
CREATE TRIGGER sync_ai_generated_programs_insert AFTER INSERT ON ai_generated_programs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_generated_programs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_ai_generated_programs_update AFTER UPDATE ON ai_generated_programs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_generated_programs', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_ai_generated_programs_delete AFTER DELETE ON ai_generated_programs
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_generated_programs', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- ai_program_days
CREATE TRIGGER sync_ai_program_days_insert AFTER INSERT ON ai_program_days
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_days', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_ai_program_days_update AFTER UPDATE ON ai_program_days
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_days', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_ai_program_days_delete AFTER DELETE ON ai_program_days
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_days', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- ai_program_items
CREATE TRIGGER sync_ai_program_items_insert AFTER INSERT ON ai_program_items
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_items', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_ai_program_items_update AFTER UPDATE ON ai_program_items
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_items', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_ai_program_items_delete AFTER DELETE ON ai_program_items
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'ai_program_items', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- integrations
CREATE TRIGGER sync_integrations_insert AFTER INSERT ON integrations
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'integrations', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_integrations_update AFTER UPDATE ON integrations
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'integrations', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_integrations_delete AFTER DELETE ON integrations
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'integrations', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- user_goals
CREATE TRIGGER sync_user_goals_insert AFTER INSERT ON user_goals
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'user_goals', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_user_goals_update AFTER UPDATE ON user_goals
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'user_goals', NEW.id, printf('%015d-%08d-%s', ms, ctr, node), 0, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

CREATE TRIGGER sync_user_goals_delete AFTER DELETE ON user_goals
WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET
        ctr = CASE WHEN CAST(unixepoch('subsec') * 1000 AS INTEGER) > ms THEN 0 ELSE ctr + 1 END,
        ms = max(ms, CAST(unixepoch('subsec') * 1000 AS INTEGER));
    INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
    SELECT 'user_goals', OLD.id, printf('%015d-%08d-%s', ms, ctr, node), 1, 1 FROM sync_clock WHERE true
    ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, deleted = excluded.deleted, pending = 1;
END;

-- Rows that exist before sync is first used are all pending, versioned now.
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'users', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM users t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'quick_entry_logs', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM quick_entry_logs t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'foods_enhanced', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM foods_enhanced t, sync_clock c WHERE t.user_id IS NOT NULL;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'meal_logs', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM meal_logs t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'activities', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM activities t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'activity_segments', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM activity_segments t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'activity_streams', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM activity_streams t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'body_measurements', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM body_measurements t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'coach_messages', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM coach_messages t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'ai_generated_programs', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM ai_generated_programs t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'ai_program_days', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM ai_program_days t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'ai_program_items', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM ai_program_items t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'integrations', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM integrations t, sync_clock c;
INSERT INTO sync_rows (tbl, row_id, hlc, deleted, pending)
SELECT 'user_goals', t.id, printf('%015d-%08d-%s', c.ms, 0, c.node), 0, 1 FROM user_goals t, sync_clock c;
