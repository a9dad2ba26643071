-- wagner_keep_owner() (20261207400000_owners.sql) with the same rules, made
-- cheaper per row for the 25k-row first push (issue 24's 5,000 rows/s goal):
-- the owner is read from the row's column instead of three to_jsonb() of the
-- whole row, the row's name only on an error, and wagner_current_user()
-- (two catalog lookups) only when the row's owner is not the profile the
-- session acts for: it returns either that profile or NULL, and neither
-- refuses such a row.
CREATE OR REPLACE FUNCTION wagner_keep_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    acting uuid;
    new_owner uuid;
    old_owner uuid;
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        new_owner := NEW.id;
        old_owner := CASE WHEN TG_OP = 'UPDATE' THEN OLD.id END;
    ELSIF TG_TABLE_NAME IN ('ai_program_days', 'ai_program_items') THEN
        SELECT p.user_id INTO new_owner FROM ai_generated_programs p WHERE p.id = NEW.program_id;
        IF TG_OP = 'UPDATE' THEN
            IF NEW.program_id IS NOT DISTINCT FROM OLD.program_id THEN
                old_owner := new_owner;
            ELSE
                SELECT p.user_id INTO old_owner FROM ai_generated_programs p WHERE p.id = OLD.program_id;
            END IF;
        END IF;
    ELSE
        new_owner := NEW.user_id;
        IF TG_OP = 'UPDATE' THEN
            old_owner := OLD.user_id;
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND old_owner IS DISTINCT FROM new_owner THEN
        RAISE EXCEPTION '% row % belongs to another profile: its owner cannot change', TG_TABLE_NAME,
            COALESCE(to_jsonb(NEW) ->> 'id', to_jsonb(NEW) ->> 'row_id', to_jsonb(NEW) ->> 'path')
            USING ERRCODE = '42501';
    END IF;
    IF new_owner IS NULL
       OR new_owner = NULLIF(current_setting('app.user_id', true), '')::uuid THEN
        RETURN NEW;
    END IF;
    acting := wagner_current_user();
    IF acting IS NOT NULL AND new_owner <> acting THEN
        RAISE EXCEPTION '% row % belongs to another profile', TG_TABLE_NAME,
            COALESCE(to_jsonb(NEW) ->> 'id', to_jsonb(NEW) ->> 'row_id', to_jsonb(NEW) ->> 'path')
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
