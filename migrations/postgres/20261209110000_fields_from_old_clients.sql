-- Field versions for pushes from clients older than per-field versions
-- (20261208100000_sync_fields.sql): such a client writes its rows and their
-- sync_rows versions but never `fields`, so the versions stayed those of the
-- previous push and a pending edit elsewhere of a field that client changed
-- later won over it. Now, in a push that does not write field versions
-- itself (current clients say they do: app.sync_fields = '1'), every column
-- the push changes is recorded at the version the push gives the row:
--   1. AFTER UPDATE on each table merged per field marks the changed
--      columns in the row's sync_rows.fields ("changed");
--   2. BEFORE UPDATE on sync_rows, when the push sets the new version, puts
--      that version in place of the marks (a tombstone has none).
-- Edits by hand (no app.sync_push) are left alone, as before.

CREATE FUNCTION wagner_old_push_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
BEGIN
    IF current_setting('app.sync_push', true) IS DISTINCT FROM '1'
       OR current_setting('app.sync_fields', true) IS NOT DISTINCT FROM '1' THEN
        RETURN NULL;
    END IF;
    SELECT jsonb_object_agg(n.key, 'changed') INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n
     WHERE n.key NOT IN ('id', '_extra') AND n.value IS DISTINCT FROM (to_jsonb(OLD) -> n.key);
    IF changed IS NOT NULL THEN
        UPDATE sync_rows SET fields = fields || changed WHERE tbl = TG_TABLE_NAME AND row_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'foods_enhanced', 'meal_logs', 'activities', 'body_measurements',
                             'ai_generated_programs', 'ai_program_days', 'ai_program_items',
                             'integrations', 'user_goals'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION wagner_old_push_changed()',
                       t || '_old_push_changed', t);
    END LOOP;
END $$;

CREATE FUNCTION wagner_old_push_fields() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('app.sync_push', true) IS DISTINCT FROM '1'
       OR current_setting('app.sync_fields', true) IS NOT DISTINCT FROM '1'
       OR NEW.hlc IS NOT DISTINCT FROM OLD.hlc THEN
        RETURN NEW;
    END IF;
    IF NEW.deleted THEN
        NEW.fields := '{}';
    ELSE
        NEW.fields := COALESCE(
            (SELECT jsonb_object_agg(f.key, CASE WHEN f.value = '"changed"' THEN to_jsonb(NEW.hlc) ELSE f.value END)
               FROM jsonb_each(NEW.fields) f),
            '{}');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sync_rows_old_push_fields BEFORE UPDATE ON sync_rows
    FOR EACH ROW EXECUTE FUNCTION wagner_old_push_fields();
