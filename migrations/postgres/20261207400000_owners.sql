-- Safe by default: a sync role acts for one profile only, and no write can
-- move a row (or its version) to another profile.
--
--   * sync_role_profiles binds a login role to the profile it syncs: the
--     client claims its profile at the start of every sync
--     (wagner_claim_profile); the first role to claim a profile owns it.
--   * wagner_current_user() (used by every policy) now returns app.user_id
--     only when the session's role owns that profile, or is a superuser /
--     BYPASSRLS role (RLS does not bind those anyway; the client refuses
--     them unless asked). Setting another user's id shows nothing.
--   * wagner_keep_owner(): BEFORE INSERT OR UPDATE on every user table and
--     sync_rows: a row's owner never changes, and rows written in a session
--     acting for a profile belong to that profile (also for superusers).

CREATE TABLE sync_role_profiles (
    role_name   text PRIMARY KEY,
    user_id     uuid NOT NULL UNIQUE,
    claimed_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON sync_role_profiles FROM PUBLIC;

CREATE OR REPLACE FUNCTION wagner_current_user() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT s.u
      FROM (SELECT NULLIF(current_setting('app.user_id', true), '')::uuid AS u) s
     WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = session_user AND (r.rolsuper OR r.rolbypassrls))
        OR EXISTS (SELECT 1 FROM sync_role_profiles p WHERE p.role_name = session_user AND p.user_id = s.u)
$$;

-- Claims `profile` for the session's role; refuses a profile another role
-- owns and a second profile for the same role.
CREATE FUNCTION wagner_claim_profile(profile uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    mine uuid;
    owner text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = session_user AND (r.rolsuper OR r.rolbypassrls)) THEN
        RETURN;
    END IF;
    SELECT user_id INTO mine FROM sync_role_profiles WHERE role_name = session_user;
    IF mine = profile THEN
        RETURN;
    ELSIF mine IS NOT NULL THEN
        RAISE EXCEPTION 'server role % syncs profile %, not %', session_user, mine, profile
            USING ERRCODE = '42501';
    END IF;
    SELECT role_name INTO owner FROM sync_role_profiles WHERE user_id = profile;
    IF owner IS NOT NULL THEN
        RAISE EXCEPTION 'profile % is synced by another server role', profile USING ERRCODE = '42501';
    END IF;
    -- Trust on first use: the first role to sync a profile owns it (an
    -- admin may assign it beforehand: INSERT INTO sync_role_profiles).
    INSERT INTO sync_role_profiles (role_name, user_id) VALUES (session_user, profile);
END $$;
REVOKE ALL ON FUNCTION wagner_claim_profile(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wagner_claim_profile(uuid) TO wagner_sync;

-- --join: the profiles this role may join (its own, or any a privileged role sees).
CREATE OR REPLACE FUNCTION wagner_profiles() RETURNS TABLE (id uuid, full_name text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT u.id, u.full_name, u.created_at FROM users u
     WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = session_user AND (r.rolsuper OR r.rolbypassrls))
        OR EXISTS (SELECT 1 FROM sync_role_profiles p WHERE p.role_name = session_user AND p.user_id = u.id)
     ORDER BY u.created_at, u.id
$$;

CREATE FUNCTION wagner_keep_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    acting uuid := wagner_current_user();
    new_owner uuid;
    old_owner uuid;
    what text := COALESCE(to_jsonb(NEW) ->> 'id', to_jsonb(NEW) ->> 'row_id', to_jsonb(NEW) ->> 'path');
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        new_owner := NEW.id;
        old_owner := CASE WHEN TG_OP = 'UPDATE' THEN OLD.id END;
    ELSIF TG_TABLE_NAME IN ('ai_program_days', 'ai_program_items') THEN
        SELECT p.user_id INTO new_owner FROM ai_generated_programs p WHERE p.id = NEW.program_id;
        IF TG_OP = 'UPDATE' THEN
            SELECT p.user_id INTO old_owner FROM ai_generated_programs p WHERE p.id = OLD.program_id;
        END IF;
    ELSE
        new_owner := (to_jsonb(NEW) ->> 'user_id')::uuid;
        IF TG_OP = 'UPDATE' THEN
            old_owner := (to_jsonb(OLD) ->> 'user_id')::uuid;
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND old_owner IS DISTINCT FROM new_owner THEN
        RAISE EXCEPTION '% row % belongs to another profile: its owner cannot change', TG_TABLE_NAME, what
            USING ERRCODE = '42501';
    END IF;
    IF acting IS NOT NULL AND new_owner IS NOT NULL AND new_owner <> acting THEN
        RAISE EXCEPTION '% row % belongs to another profile', TG_TABLE_NAME, what
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'quick_entry_logs', 'quick_entry_embeddings', 'meal_logs', 'foods_enhanced',
                             'activities', 'activity_segments', 'activity_streams', 'body_measurements',
                             'coach_messages', 'ai_generated_programs', 'ai_program_days', 'ai_program_items',
                             'integrations', 'user_goals', 'sync_rows', 'sync_attachments'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION wagner_keep_owner()',
                       t || '_keep_owner', t);
    END LOOP;
END $$;

-- A pushed row keeps the updated_at its install gave it, even when equal to
-- the server's (a merge can keep it): bumping it here would leave the
-- server's copy different from the install's for good.
CREATE OR REPLACE FUNCTION wagner_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('app.sync_push', true) = '1' THEN
        RETURN NEW;
    END IF;
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
