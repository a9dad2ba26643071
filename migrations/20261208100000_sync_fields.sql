-- Sync: per-field versions (as cr-sqlite keeps per column).
--
-- sync_fields: for each row of a table merged per field, the version of the
-- latest change of each column made on this install or taken from the
-- server. The update triggers below (the ones of 20261207300000 again, plus
-- one statement) record every column whose value changed, at the version
-- the same update gave the row in sync_rows; pulls write the server's field
-- versions (src/sync/apply.rs). A column without an entry still holds the
-- value the row was created with (version "", older than any edit). Two
-- versions of a row merge column by column: the higher field version wins;
-- equal versions with different values (edits from before this migration)
-- fall back to the row merge against sync_base.
--
-- A column a later migration adds to one of these tables must be added to
-- its update trigger here (tests/schema.rs checks every column is covered);
-- until then it merges as the row does.
--
-- SQLite 3.40 (Debian 12's sqlite3, Python's sqlite3) must still write the
-- file: no unixepoch('subsec') and nothing newer (see 20261207300000); VALUES
-- in a FROM clause and upserts are older than 3.24.
--
-- Deleting a row drops its field versions (also for pulled deletes and
-- cascades: no WHEN on applying), so a row put back starts afresh.

CREATE TABLE sync_fields (
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    col         TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, col)
) STRICT, WITHOUT ROWID;


-- users
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'users', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('full_name', OLD."full_name" IS NOT NEW."full_name"),
                 ('email', OLD."email" IS NOT NEW."email"),
                 ('age', OLD."age" IS NOT NEW."age"),
                 ('biological_sex', OLD."biological_sex" IS NOT NEW."biological_sex"),
                 ('height_cm', OLD."height_cm" IS NOT NEW."height_cm"),
                 ('current_weight_kg', OLD."current_weight_kg" IS NOT NEW."current_weight_kg"),
                 ('goal_weight_kg', OLD."goal_weight_kg" IS NOT NEW."goal_weight_kg"),
                 ('primary_goal', OLD."primary_goal" IS NOT NEW."primary_goal"),
                 ('experience_level', OLD."experience_level" IS NOT NEW."experience_level"),
                 ('training_frequency', OLD."training_frequency" IS NOT NEW."training_frequency"),
                 ('available_equipment', OLD."available_equipment" IS NOT NEW."available_equipment"),
                 ('dietary_restrictions', OLD."dietary_restrictions" IS NOT NEW."dietary_restrictions"),
                 ('injury_limitations', OLD."injury_limitations" IS NOT NEW."injury_limitations"),
                 ('daily_calorie_target', OLD."daily_calorie_target" IS NOT NEW."daily_calorie_target"),
                 ('daily_protein_target_g', OLD."daily_protein_target_g" IS NOT NEW."daily_protein_target_g"),
                 ('daily_carbs_target_g', OLD."daily_carbs_target_g" IS NOT NEW."daily_carbs_target_g"),
                 ('daily_fat_target_g', OLD."daily_fat_target_g" IS NOT NEW."daily_fat_target_g"),
                 ('settings', OLD."settings" IS NOT NEW."settings"),
                 ('onboarding_completed', OLD."onboarding_completed" IS NOT NEW."onboarding_completed"),
                 ('onboarding_data', OLD."onboarding_data" IS NOT NEW."onboarding_data"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at"),
                 ('last_active_at', OLD."last_active_at" IS NOT NEW."last_active_at")) c
     WHERE s.tbl = 'users' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_users_delete;
CREATE TRIGGER sync_fields_users_delete AFTER DELETE ON users
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'users' AND row_id = OLD.id;
END;

-- foods_enhanced
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'foods_enhanced', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('name', OLD."name" IS NOT NEW."name"),
                 ('brand_name', OLD."brand_name" IS NOT NEW."brand_name"),
                 ('description', OLD."description" IS NOT NEW."description"),
                 ('food_group', OLD."food_group" IS NOT NEW."food_group"),
                 ('barcode_upc', OLD."barcode_upc" IS NOT NEW."barcode_upc"),
                 ('barcode_ean', OLD."barcode_ean" IS NOT NEW."barcode_ean"),
                 ('serving_size', OLD."serving_size" IS NOT NEW."serving_size"),
                 ('serving_unit', OLD."serving_unit" IS NOT NEW."serving_unit"),
                 ('serving_grams', OLD."serving_grams" IS NOT NEW."serving_grams"),
                 ('portions', OLD."portions" IS NOT NEW."portions"),
                 ('calories', OLD."calories" IS NOT NEW."calories"),
                 ('protein_g', OLD."protein_g" IS NOT NEW."protein_g"),
                 ('total_carbs_g', OLD."total_carbs_g" IS NOT NEW."total_carbs_g"),
                 ('dietary_fiber_g', OLD."dietary_fiber_g" IS NOT NEW."dietary_fiber_g"),
                 ('total_sugars_g', OLD."total_sugars_g" IS NOT NEW."total_sugars_g"),
                 ('added_sugars_g', OLD."added_sugars_g" IS NOT NEW."added_sugars_g"),
                 ('total_fat_g', OLD."total_fat_g" IS NOT NEW."total_fat_g"),
                 ('saturated_fat_g', OLD."saturated_fat_g" IS NOT NEW."saturated_fat_g"),
                 ('monounsaturated_fat_g', OLD."monounsaturated_fat_g" IS NOT NEW."monounsaturated_fat_g"),
                 ('polyunsaturated_fat_g', OLD."polyunsaturated_fat_g" IS NOT NEW."polyunsaturated_fat_g"),
                 ('trans_fat_g', OLD."trans_fat_g" IS NOT NEW."trans_fat_g"),
                 ('cholesterol_mg', OLD."cholesterol_mg" IS NOT NEW."cholesterol_mg"),
                 ('sodium_mg', OLD."sodium_mg" IS NOT NEW."sodium_mg"),
                 ('potassium_mg', OLD."potassium_mg" IS NOT NEW."potassium_mg"),
                 ('calcium_mg', OLD."calcium_mg" IS NOT NEW."calcium_mg"),
                 ('iron_mg', OLD."iron_mg" IS NOT NEW."iron_mg"),
                 ('magnesium_mg', OLD."magnesium_mg" IS NOT NEW."magnesium_mg"),
                 ('zinc_mg', OLD."zinc_mg" IS NOT NEW."zinc_mg"),
                 ('phosphorus_mg', OLD."phosphorus_mg" IS NOT NEW."phosphorus_mg"),
                 ('selenium_ug', OLD."selenium_ug" IS NOT NEW."selenium_ug"),
                 ('copper_mg', OLD."copper_mg" IS NOT NEW."copper_mg"),
                 ('manganese_mg', OLD."manganese_mg" IS NOT NEW."manganese_mg"),
                 ('vitamin_a_ug', OLD."vitamin_a_ug" IS NOT NEW."vitamin_a_ug"),
                 ('vitamin_c_mg', OLD."vitamin_c_mg" IS NOT NEW."vitamin_c_mg"),
                 ('vitamin_d_ug', OLD."vitamin_d_ug" IS NOT NEW."vitamin_d_ug"),
                 ('vitamin_e_mg', OLD."vitamin_e_mg" IS NOT NEW."vitamin_e_mg"),
                 ('vitamin_k_ug', OLD."vitamin_k_ug" IS NOT NEW."vitamin_k_ug"),
                 ('thiamin_mg', OLD."thiamin_mg" IS NOT NEW."thiamin_mg"),
                 ('riboflavin_mg', OLD."riboflavin_mg" IS NOT NEW."riboflavin_mg"),
                 ('niacin_mg', OLD."niacin_mg" IS NOT NEW."niacin_mg"),
                 ('pantothenic_acid_mg', OLD."pantothenic_acid_mg" IS NOT NEW."pantothenic_acid_mg"),
                 ('vitamin_b6_mg', OLD."vitamin_b6_mg" IS NOT NEW."vitamin_b6_mg"),
                 ('biotin_ug', OLD."biotin_ug" IS NOT NEW."biotin_ug"),
                 ('folate_ug', OLD."folate_ug" IS NOT NEW."folate_ug"),
                 ('vitamin_b12_ug', OLD."vitamin_b12_ug" IS NOT NEW."vitamin_b12_ug"),
                 ('choline_mg', OLD."choline_mg" IS NOT NEW."choline_mg"),
                 ('caffeine_mg', OLD."caffeine_mg" IS NOT NEW."caffeine_mg"),
                 ('alcohol_g', OLD."alcohol_g" IS NOT NEW."alcohol_g"),
                 ('water_g', OLD."water_g" IS NOT NEW."water_g"),
                 ('starch_g', OLD."starch_g" IS NOT NEW."starch_g"),
                 ('omega3_g', OLD."omega3_g" IS NOT NEW."omega3_g"),
                 ('omega6_g', OLD."omega6_g" IS NOT NEW."omega6_g"),
                 ('iodine_ug', OLD."iodine_ug" IS NOT NEW."iodine_ug"),
                 ('chromium_ug', OLD."chromium_ug" IS NOT NEW."chromium_ug"),
                 ('molybdenum_ug', OLD."molybdenum_ug" IS NOT NEW."molybdenum_ug"),
                 ('fluoride_ug', OLD."fluoride_ug" IS NOT NEW."fluoride_ug"),
                 ('source', OLD."source" IS NOT NEW."source"),
                 ('source_id', OLD."source_id" IS NOT NEW."source_id"),
                 ('is_verified', OLD."is_verified" IS NOT NEW."is_verified"),
                 ('is_recipe', OLD."is_recipe" IS NOT NEW."is_recipe"),
                 ('recipe_ingredients', OLD."recipe_ingredients" IS NOT NEW."recipe_ingredients"),
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'foods_enhanced' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_foods_enhanced_delete;
CREATE TRIGGER sync_fields_foods_enhanced_delete AFTER DELETE ON foods_enhanced
WHEN OLD.user_id IS NOT NULL
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'foods_enhanced' AND row_id = OLD.id;
END;

-- meal_logs
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'meal_logs', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('quick_entry_log_id', OLD."quick_entry_log_id" IS NOT NEW."quick_entry_log_id"),
                 ('category', OLD."category" IS NOT NEW."category"),
                 ('name', OLD."name" IS NOT NEW."name"),
                 ('notes', OLD."notes" IS NOT NEW."notes"),
                 ('logged_at', OLD."logged_at" IS NOT NEW."logged_at"),
                 ('local_date', OLD."local_date" IS NOT NEW."local_date"),
                 ('foods', OLD."foods" IS NOT NEW."foods"),
                 ('total_calories', OLD."total_calories" IS NOT NEW."total_calories"),
                 ('total_protein_g', OLD."total_protein_g" IS NOT NEW."total_protein_g"),
                 ('total_carbs_g', OLD."total_carbs_g" IS NOT NEW."total_carbs_g"),
                 ('total_fat_g', OLD."total_fat_g" IS NOT NEW."total_fat_g"),
                 ('total_fiber_g', OLD."total_fiber_g" IS NOT NEW."total_fiber_g"),
                 ('total_sugar_g', OLD."total_sugar_g" IS NOT NEW."total_sugar_g"),
                 ('total_sodium_mg', OLD."total_sodium_mg" IS NOT NEW."total_sodium_mg"),
                 ('nutrients', OLD."nutrients" IS NOT NEW."nutrients"),
                 ('source', OLD."source" IS NOT NEW."source"),
                 ('ai_extracted', OLD."ai_extracted" IS NOT NEW."ai_extracted"),
                 ('ai_confidence', OLD."ai_confidence" IS NOT NEW."ai_confidence"),
                 ('image_url', OLD."image_url" IS NOT NEW."image_url"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at"),
                 ('import_key', OLD."import_key" IS NOT NEW."import_key")) c
     WHERE s.tbl = 'meal_logs' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_meal_logs_delete;
CREATE TRIGGER sync_fields_meal_logs_delete AFTER DELETE ON meal_logs
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'meal_logs' AND row_id = OLD.id;
END;

-- activities
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'activities', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('quick_entry_log_id', OLD."quick_entry_log_id" IS NOT NEW."quick_entry_log_id"),
                 ('source', OLD."source" IS NOT NEW."source"),
                 ('external_id', OLD."external_id" IS NOT NEW."external_id"),
                 ('file_hash', OLD."file_hash" IS NOT NEW."file_hash"),
                 ('original_file_path', OLD."original_file_path" IS NOT NEW."original_file_path"),
                 ('name', OLD."name" IS NOT NEW."name"),
                 ('activity_type', OLD."activity_type" IS NOT NEW."activity_type"),
                 ('start_date', OLD."start_date" IS NOT NEW."start_date"),
                 ('timezone', OLD."timezone" IS NOT NEW."timezone"),
                 ('local_date', OLD."local_date" IS NOT NEW."local_date"),
                 ('elapsed_time_seconds', OLD."elapsed_time_seconds" IS NOT NEW."elapsed_time_seconds"),
                 ('moving_time_seconds', OLD."moving_time_seconds" IS NOT NEW."moving_time_seconds"),
                 ('distance_meters', OLD."distance_meters" IS NOT NEW."distance_meters"),
                 ('total_elevation_gain_m', OLD."total_elevation_gain_m" IS NOT NEW."total_elevation_gain_m"),
                 ('total_elevation_loss_m', OLD."total_elevation_loss_m" IS NOT NEW."total_elevation_loss_m"),
                 ('calories', OLD."calories" IS NOT NEW."calories"),
                 ('average_heartrate', OLD."average_heartrate" IS NOT NEW."average_heartrate"),
                 ('max_heartrate', OLD."max_heartrate" IS NOT NEW."max_heartrate"),
                 ('average_power_w', OLD."average_power_w" IS NOT NEW."average_power_w"),
                 ('max_power_w', OLD."max_power_w" IS NOT NEW."max_power_w"),
                 ('normalized_power_w', OLD."normalized_power_w" IS NOT NEW."normalized_power_w"),
                 ('average_cadence', OLD."average_cadence" IS NOT NEW."average_cadence"),
                 ('average_speed_mps', OLD."average_speed_mps" IS NOT NEW."average_speed_mps"),
                 ('max_speed_mps', OLD."max_speed_mps" IS NOT NEW."max_speed_mps"),
                 ('training_load', OLD."training_load" IS NOT NEW."training_load"),
                 ('perceived_exertion', OLD."perceived_exertion" IS NOT NEW."perceived_exertion"),
                 ('notes', OLD."notes" IS NOT NEW."notes"),
                 ('ai_extracted', OLD."ai_extracted" IS NOT NEW."ai_extracted"),
                 ('ai_confidence', OLD."ai_confidence" IS NOT NEW."ai_confidence"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'activities' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_activities_delete;
CREATE TRIGGER sync_fields_activities_delete AFTER DELETE ON activities
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'activities' AND row_id = OLD.id;
END;

-- body_measurements
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'body_measurements', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('quick_entry_log_id', OLD."quick_entry_log_id" IS NOT NEW."quick_entry_log_id"),
                 ('measured_at', OLD."measured_at" IS NOT NEW."measured_at"),
                 ('local_date', OLD."local_date" IS NOT NEW."local_date"),
                 ('weight_kg', OLD."weight_kg" IS NOT NEW."weight_kg"),
                 ('body_fat_pct', OLD."body_fat_pct" IS NOT NEW."body_fat_pct"),
                 ('measurements', OLD."measurements" IS NOT NEW."measurements"),
                 ('source', OLD."source" IS NOT NEW."source"),
                 ('ai_extracted', OLD."ai_extracted" IS NOT NEW."ai_extracted"),
                 ('notes', OLD."notes" IS NOT NEW."notes"),
                 ('photo_url', OLD."photo_url" IS NOT NEW."photo_url"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'body_measurements' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_body_measurements_delete;
CREATE TRIGGER sync_fields_body_measurements_delete AFTER DELETE ON body_measurements
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'body_measurements' AND row_id = OLD.id;
END;

-- ai_generated_programs
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'ai_generated_programs', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('name', OLD."name" IS NOT NEW."name"),
                 ('description', OLD."description" IS NOT NEW."description"),
                 ('goal', OLD."goal" IS NOT NEW."goal"),
                 ('duration_weeks', OLD."duration_weeks" IS NOT NEW."duration_weeks"),
                 ('total_days', OLD."total_days" IS NOT NEW."total_days"),
                 ('is_active', OLD."is_active" IS NOT NEW."is_active"),
                 ('status', OLD."status" IS NOT NEW."status"),
                 ('current_day', OLD."current_day" IS NOT NEW."current_day"),
                 ('start_date', OLD."start_date" IS NOT NEW."start_date"),
                 ('paused_at', OLD."paused_at" IS NOT NEW."paused_at"),
                 ('paused_days', OLD."paused_days" IS NOT NEW."paused_days"),
                 ('questions_answers', OLD."questions_answers" IS NOT NEW."questions_answers"),
                 ('ai_provider', OLD."ai_provider" IS NOT NEW."ai_provider"),
                 ('ai_model', OLD."ai_model" IS NOT NEW."ai_model"),
                 ('ai_cost_usd', OLD."ai_cost_usd" IS NOT NEW."ai_cost_usd"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'ai_generated_programs' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_ai_generated_programs_delete;
CREATE TRIGGER sync_fields_ai_generated_programs_delete AFTER DELETE ON ai_generated_programs
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'ai_generated_programs' AND row_id = OLD.id;
END;

-- ai_program_days
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'ai_program_days', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('program_id', OLD."program_id" IS NOT NEW."program_id"),
                 ('day_number', OLD."day_number" IS NOT NEW."day_number"),
                 ('week_number', OLD."week_number" IS NOT NEW."week_number"),
                 ('day_of_week', OLD."day_of_week" IS NOT NEW."day_of_week"),
                 ('day_name', OLD."day_name" IS NOT NEW."day_name"),
                 ('day_focus', OLD."day_focus" IS NOT NEW."day_focus"),
                 ('is_rest_day', OLD."is_rest_day" IS NOT NEW."is_rest_day"),
                 ('status', OLD."status" IS NOT NEW."status"),
                 ('is_completed', OLD."is_completed" IS NOT NEW."is_completed"),
                 ('completed_at', OLD."completed_at" IS NOT NEW."completed_at"),
                 ('scheduled_date', OLD."scheduled_date" IS NOT NEW."scheduled_date"),
                 ('notes', OLD."notes" IS NOT NEW."notes"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'ai_program_days' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_ai_program_days_delete;
CREATE TRIGGER sync_fields_ai_program_days_delete AFTER DELETE ON ai_program_days
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'ai_program_days' AND row_id = OLD.id;
END;

-- ai_program_items
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'ai_program_items', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('program_id', OLD."program_id" IS NOT NEW."program_id"),
                 ('program_day_id', OLD."program_day_id" IS NOT NEW."program_day_id"),
                 ('item_type', OLD."item_type" IS NOT NEW."item_type"),
                 ('item_order', OLD."item_order" IS NOT NEW."item_order"),
                 ('title', OLD."title" IS NOT NEW."title"),
                 ('description', OLD."description" IS NOT NEW."description"),
                 ('meal_type', OLD."meal_type" IS NOT NEW."meal_type"),
                 ('meal_name', OLD."meal_name" IS NOT NEW."meal_name"),
                 ('meal_foods', OLD."meal_foods" IS NOT NEW."meal_foods"),
                 ('meal_calories', OLD."meal_calories" IS NOT NEW."meal_calories"),
                 ('meal_protein_g', OLD."meal_protein_g" IS NOT NEW."meal_protein_g"),
                 ('meal_carbs_g', OLD."meal_carbs_g" IS NOT NEW."meal_carbs_g"),
                 ('meal_fat_g', OLD."meal_fat_g" IS NOT NEW."meal_fat_g"),
                 ('workout_name', OLD."workout_name" IS NOT NEW."workout_name"),
                 ('workout_type', OLD."workout_type" IS NOT NEW."workout_type"),
                 ('workout_exercises', OLD."workout_exercises" IS NOT NEW."workout_exercises"),
                 ('workout_duration_minutes', OLD."workout_duration_minutes" IS NOT NEW."workout_duration_minutes"),
                 ('status', OLD."status" IS NOT NEW."status"),
                 ('is_completed', OLD."is_completed" IS NOT NEW."is_completed"),
                 ('completed_at', OLD."completed_at" IS NOT NEW."completed_at"),
                 ('linked_activity_id', OLD."linked_activity_id" IS NOT NEW."linked_activity_id"),
                 ('linked_meal_log_id', OLD."linked_meal_log_id" IS NOT NEW."linked_meal_log_id"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at"),
                 ('auto_link', OLD."auto_link" IS NOT NEW."auto_link")) c
     WHERE s.tbl = 'ai_program_items' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_ai_program_items_delete;
CREATE TRIGGER sync_fields_ai_program_items_delete AFTER DELETE ON ai_program_items
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'ai_program_items' AND row_id = OLD.id;
END;

-- integrations
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'integrations', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('provider', OLD."provider" IS NOT NEW."provider"),
                 ('external_account_id', OLD."external_account_id" IS NOT NEW."external_account_id"),
                 ('scopes', OLD."scopes" IS NOT NEW."scopes"),
                 ('token_expires_at', OLD."token_expires_at" IS NOT NEW."token_expires_at"),
                 ('last_sync_at', OLD."last_sync_at" IS NOT NEW."last_sync_at"),
                 ('status', OLD."status" IS NOT NEW."status"),
                 ('error_message', OLD."error_message" IS NOT NEW."error_message"),
                 ('settings', OLD."settings" IS NOT NEW."settings"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'integrations' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_integrations_delete;
CREATE TRIGGER sync_fields_integrations_delete AFTER DELETE ON integrations
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'integrations' AND row_id = OLD.id;
END;

-- user_goals
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
    INSERT INTO sync_fields (tbl, row_id, col, hlc)
    SELECT 'user_goals', NEW.id, c.column1, s.hlc
      FROM sync_rows s,
           (VALUES
                 ('user_id', OLD."user_id" IS NOT NEW."user_id"),
                 ('goal_type', OLD."goal_type" IS NOT NEW."goal_type"),
                 ('title', OLD."title" IS NOT NEW."title"),
                 ('target_value', OLD."target_value" IS NOT NEW."target_value"),
                 ('target_unit', OLD."target_unit" IS NOT NEW."target_unit"),
                 ('start_value', OLD."start_value" IS NOT NEW."start_value"),
                 ('current_value', OLD."current_value" IS NOT NEW."current_value"),
                 ('start_date', OLD."start_date" IS NOT NEW."start_date"),
                 ('target_date', OLD."target_date" IS NOT NEW."target_date"),
                 ('status', OLD."status" IS NOT NEW."status"),
                 ('notes', OLD."notes" IS NOT NEW."notes"),
                 ('created_at', OLD."created_at" IS NOT NEW."created_at"),
                 ('updated_at', OLD."updated_at" IS NOT NEW."updated_at")) c
     WHERE s.tbl = 'user_goals' AND s.row_id = NEW.id AND c.column2
    ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc;
END;

DROP TRIGGER IF EXISTS sync_fields_user_goals_delete;
CREATE TRIGGER sync_fields_user_goals_delete AFTER DELETE ON user_goals
BEGIN
    DELETE FROM sync_fields WHERE tbl = 'user_goals' AND row_id = OLD.id;
END;
