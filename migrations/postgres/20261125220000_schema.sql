-- Wagner Coach on Postgres: the sync server's schema (schema.md in Postgres
-- terms). Each desktop install keeps its SQLite file as the source of truth
-- and syncs the user tables here (src/sync/).
--
--   * UUID ids, TIMESTAMPTZ instants, DATE local days, JSONB documents,
--     TEXT[]/UUID[] lists, NUMERIC amounts, BOOLEAN flags, BYTEA streams.
--   * Row-level security on every user table, FORCEd so the owner is bound
--     too: a session sees only rows of the user named by the session setting
--     app.user_id (SET app.user_id = '<uuid>'; the sync client does this on
--     every connection). Roles that sync are members of `wagner_sync`.
--   * _extra JSONB on every synced table carries SQLite columns this schema
--     does not know yet (added by later SQLite migrations), so nothing is lost
--     in transit.
--   * sync_rows is the version index: one row per synced (table, row) with
--     its HLC version, tombstone flag and a server sequence number that
--     clients pull from.
--   * Embeddings: vector(384) with an HNSW index when pgvector is available,
--     real[] otherwise.

CREATE OR REPLACE FUNCTION wagner_current_user() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.user_id', true), '')::uuid
$$;

CREATE OR REPLACE FUNCTION wagner_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Keep a value the statement set itself (replayed by sync), as SQLite does.
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wagner_sync') THEN
        CREATE ROLE wagner_sync NOLOGIN;
    END IF;
END $$;

-- One id per server database: a client that is pointed at another server
-- starts its pull from the beginning.
CREATE TABLE sync_server (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sync_server DEFAULT VALUES;

-- 1. users
CREATE TABLE users (
    id                      uuid PRIMARY KEY,
    full_name               text NOT NULL,
    email                   text CHECK (email IS NULL OR email LIKE '%_@_%'),
    age                     integer CHECK (age IS NULL OR age BETWEEN 1 AND 150),
    biological_sex          text CHECK (biological_sex IN ('male', 'female', 'other')),
    height_cm               numeric CHECK (height_cm > 0 AND height_cm < 300),
    current_weight_kg       numeric CHECK (current_weight_kg > 0 AND current_weight_kg < 700),
    goal_weight_kg          numeric CHECK (goal_weight_kg > 0 AND goal_weight_kg < 700),
    primary_goal            text,
    experience_level        text CHECK (experience_level IN ('beginner', 'intermediate', 'advanced')),
    training_frequency      integer CHECK (training_frequency BETWEEN 0 AND 14),
    available_equipment     text[] NOT NULL DEFAULT '{}',
    dietary_restrictions    text[] NOT NULL DEFAULT '{}',
    injury_limitations      text[] NOT NULL DEFAULT '{}',
    daily_calorie_target    integer CHECK (daily_calorie_target >= 0),
    daily_protein_target_g  integer CHECK (daily_protein_target_g >= 0),
    daily_carbs_target_g    integer CHECK (daily_carbs_target_g >= 0),
    daily_fat_target_g      integer CHECK (daily_fat_target_g >= 0),
    settings                jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
    onboarding_completed    boolean NOT NULL DEFAULT false,
    onboarding_data         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(onboarding_data) = 'object'),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    last_active_at          timestamptz,
    _extra                  jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;

-- 2. quick_entry_logs
CREATE TABLE quick_entry_logs (
    id                          uuid PRIMARY KEY,
    user_id                     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    input_type                  text NOT NULL DEFAULT 'text' CHECK (input_type IN ('text', 'voice', 'image', 'multimodal', 'pdf')),
    raw_text                    text,
    raw_transcription           text,
    image_urls                  text[] NOT NULL DEFAULT '{}',
    audio_url                   text,
    document_urls               text[] NOT NULL DEFAULT '{}',
    ai_provider                 text,
    ai_model                    text,
    ai_cost_usd                 numeric NOT NULL DEFAULT 0 CHECK (ai_cost_usd >= 0),
    ai_classification           text CHECK (ai_classification IN ('meal', 'workout', 'body_measurement', 'multiple', 'unknown')),
    ai_extracted_data           jsonb CHECK (ai_extracted_data IS NULL OR jsonb_typeof(ai_extracted_data) = 'object'),
    ai_confidence_score         numeric CHECK (ai_confidence_score BETWEEN 0 AND 1),
    contains_meal               boolean NOT NULL DEFAULT false,
    contains_workout            boolean NOT NULL DEFAULT false,
    contains_body_measurement   boolean NOT NULL DEFAULT false,
    meal_log_ids                uuid[] NOT NULL DEFAULT '{}',
    processing_status           text NOT NULL DEFAULT 'pending' CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed')),
    error_message               text,
    attempts                    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    logged_at                   timestamptz NOT NULL DEFAULT now(),
    processed_at                timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    _extra                      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX quick_entry_logs_user_logged_at ON quick_entry_logs (user_id, logged_at);

-- 3. quick_entry_embeddings (server-side search; desktop installs embed locally)
CREATE TABLE quick_entry_embeddings (
    id                      uuid PRIMARY KEY,
    quick_entry_log_id      uuid NOT NULL UNIQUE REFERENCES quick_entry_logs (id) ON DELETE CASCADE,
    user_id                 uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    embedding_type          text NOT NULL DEFAULT 'text' CHECK (embedding_type IN ('text', 'image', 'multimodal')),
    content_text            text,
    content_summary         text,
    source_classification   text,
    embedding_model         text NOT NULL,
    logged_at               timestamptz NOT NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quick_entry_embeddings_user_logged_at ON quick_entry_embeddings (user_id, logged_at);
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE EXTENSION IF NOT EXISTS vector;
        ALTER TABLE quick_entry_embeddings ADD COLUMN embedding vector(384);
        CREATE INDEX quick_entry_embeddings_hnsw ON quick_entry_embeddings
            USING hnsw (embedding vector_cosine_ops);
    ELSE
        ALTER TABLE quick_entry_embeddings ADD COLUMN embedding real[]
            CHECK (embedding IS NULL OR array_length(embedding, 1) = 384);
    END IF;
END $$;

-- 4. meal_logs
CREATE TABLE meal_logs (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    quick_entry_log_id  uuid REFERENCES quick_entry_logs (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    category            text NOT NULL CHECK (category IN ('breakfast', 'lunch', 'dinner', 'snack')),
    name                text,
    notes               text,
    logged_at           timestamptz NOT NULL,
    local_date          date NOT NULL,
    foods               jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(foods) = 'array'),
    total_calories      numeric NOT NULL DEFAULT 0 CHECK (total_calories >= 0),
    total_protein_g     numeric NOT NULL DEFAULT 0 CHECK (total_protein_g >= 0),
    total_carbs_g       numeric NOT NULL DEFAULT 0 CHECK (total_carbs_g >= 0),
    total_fat_g         numeric NOT NULL DEFAULT 0 CHECK (total_fat_g >= 0),
    total_fiber_g       numeric CHECK (total_fiber_g >= 0),
    total_sugar_g       numeric CHECK (total_sugar_g >= 0),
    total_sodium_mg     numeric CHECK (total_sodium_mg >= 0),
    nutrients           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(nutrients) = 'object'),
    source              text NOT NULL DEFAULT 'manual' CHECK (source IN ('quick_entry', 'manual', 'imported', 'program')),
    ai_extracted        boolean NOT NULL DEFAULT false,
    ai_confidence       numeric CHECK (ai_confidence BETWEEN 0 AND 1),
    image_url           text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    _extra              jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX meal_logs_user_logged_at ON meal_logs (user_id, logged_at);
CREATE INDEX meal_logs_user_local_date ON meal_logs (user_id, local_date);
CREATE INDEX meal_logs_quick_entry_log_id ON meal_logs (quick_entry_log_id);

-- 5. foods_enhanced: only users' own foods and recipes are synced (the
--    bundled database ships with every install).
CREATE TABLE foods_enhanced (
    id                      uuid PRIMARY KEY,
    user_id                 uuid REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    name                    text NOT NULL,
    brand_name              text,
    description             text,
    food_group              text,
    barcode_upc             text CHECK (barcode_upc ~ '^[0-9]{12}$'),
    barcode_ean             text CHECK (barcode_ean ~ '^[0-9]{13}$'),
    serving_size            numeric CHECK (serving_size > 0),
    serving_unit            text,
    serving_grams           numeric CHECK (serving_grams > 0),
    portions                jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(portions) = 'array'),
    calories numeric, protein_g numeric, total_carbs_g numeric, dietary_fiber_g numeric,
    total_sugars_g numeric, added_sugars_g numeric, total_fat_g numeric, saturated_fat_g numeric,
    monounsaturated_fat_g numeric, polyunsaturated_fat_g numeric, trans_fat_g numeric,
    cholesterol_mg numeric, sodium_mg numeric, potassium_mg numeric, calcium_mg numeric,
    iron_mg numeric, magnesium_mg numeric, zinc_mg numeric, phosphorus_mg numeric,
    selenium_ug numeric, copper_mg numeric, manganese_mg numeric, vitamin_a_ug numeric,
    vitamin_c_mg numeric, vitamin_d_ug numeric, vitamin_e_mg numeric, vitamin_k_ug numeric,
    thiamin_mg numeric, riboflavin_mg numeric, niacin_mg numeric, pantothenic_acid_mg numeric,
    vitamin_b6_mg numeric, biotin_ug numeric, folate_ug numeric, vitamin_b12_ug numeric,
    choline_mg numeric, caffeine_mg numeric, alcohol_g numeric, water_g numeric, starch_g numeric,
    omega3_g numeric, omega6_g numeric, iodine_ug numeric, chromium_ug numeric,
    molybdenum_ug numeric, fluoride_ug numeric,
    source                  text NOT NULL DEFAULT 'custom' CHECK (source IN ('usda_sr24', 'usda_fndds', 'open_food_facts', 'custom', 'recipe')),
    source_id               text,
    is_verified             boolean NOT NULL DEFAULT false,
    is_recipe               boolean NOT NULL DEFAULT false,
    recipe_ingredients      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(recipe_ingredients) = 'array'),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    _extra                  jsonb NOT NULL DEFAULT '{}',
    CHECK (source NOT IN ('custom', 'recipe') OR user_id IS NOT NULL)
);
CREATE INDEX foods_enhanced_user_id ON foods_enhanced (user_id);

-- 6. activities
CREATE TABLE activities (
    id                      uuid PRIMARY KEY,
    user_id                 uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    quick_entry_log_id      uuid REFERENCES quick_entry_logs (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    source                  text NOT NULL DEFAULT 'manual' CHECK (source IN ('strava', 'garmin', 'manual', 'quick_entry', 'file', 'apple_health')),
    external_id             text,
    file_hash               text,
    original_file_path      text CHECK (original_file_path !~ '^(/|\\|[A-Za-z]:)' AND original_file_path NOT LIKE '%..%'),
    name                    text,
    activity_type           text NOT NULL CHECK (activity_type IN ('run', 'ride', 'swim', 'walk', 'hike', 'strength', 'yoga', 'rowing', 'elliptical', 'cardio', 'sport', 'other')),
    start_date              timestamptz NOT NULL,
    timezone                text,
    local_date              date,
    elapsed_time_seconds    integer CHECK (elapsed_time_seconds >= 0),
    moving_time_seconds     integer CHECK (moving_time_seconds >= 0),
    distance_meters         numeric CHECK (distance_meters >= 0),
    total_elevation_gain_m  numeric CHECK (total_elevation_gain_m >= 0),
    total_elevation_loss_m  numeric CHECK (total_elevation_loss_m >= 0),
    calories                integer CHECK (calories >= 0),
    average_heartrate       integer CHECK (average_heartrate > 0 AND average_heartrate < 300),
    max_heartrate           integer CHECK (max_heartrate > 0 AND max_heartrate < 300),
    average_power_w         numeric CHECK (average_power_w >= 0),
    max_power_w             numeric CHECK (max_power_w >= 0),
    normalized_power_w      numeric CHECK (normalized_power_w >= 0),
    average_cadence         numeric CHECK (average_cadence >= 0),
    average_speed_mps       numeric CHECK (average_speed_mps >= 0),
    max_speed_mps           numeric CHECK (max_speed_mps >= 0),
    training_load           numeric CHECK (training_load >= 0),
    perceived_exertion      integer CHECK (perceived_exertion BETWEEN 1 AND 10),
    notes                   text,
    ai_extracted            boolean NOT NULL DEFAULT false,
    ai_confidence           numeric CHECK (ai_confidence BETWEEN 0 AND 1),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    _extra                  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX activities_user_start_date ON activities (user_id, start_date);
CREATE INDEX activities_quick_entry_log_id ON activities (quick_entry_log_id);
CREATE UNIQUE INDEX activities_external_key ON activities (user_id, source, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX activities_file_hash_key ON activities (user_id, file_hash) WHERE file_hash IS NOT NULL;

-- 7. activity_segments (laps, splits, sets)
CREATE TABLE activity_segments (
    id                      uuid PRIMARY KEY,
    activity_id             uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    user_id                 uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    segment_type            text NOT NULL CHECK (segment_type IN ('lap', 'split', 'interval', 'set', 'length')),
    segment_index           integer NOT NULL CHECK (segment_index >= 0),
    start_offset_seconds    numeric, elapsed_time_seconds numeric, moving_time_seconds numeric,
    distance_meters         numeric,
    average_heartrate       integer, max_heartrate integer,
    average_power_w         numeric, average_cadence numeric, average_speed_mps numeric,
    elevation_gain_m        numeric,
    exercise_name           text,
    set_type                text CHECK (set_type IN ('warmup', 'working', 'dropset', 'failure')),
    reps                    integer CHECK (reps >= 0),
    weight_kg               numeric CHECK (weight_kg >= 0),
    rpe                     numeric CHECK (rpe BETWEEN 1 AND 10),
    notes                   text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    _extra                  jsonb NOT NULL DEFAULT '{}',
    UNIQUE (activity_id, segment_type, segment_index) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX activity_segments_user_id ON activity_segments (user_id);

-- 8. activity_streams (compact little-endian arrays)
CREATE TABLE activity_streams (
    id              uuid PRIMARY KEY,
    activity_id     uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    stream_type     text NOT NULL CHECK (stream_type IN ('time', 'distance', 'heartrate', 'power', 'cadence', 'altitude', 'latlng', 'speed', 'temperature', 'grade')),
    encoding        text NOT NULL CHECK (encoding IN ('f32le', 'f64le')),
    sample_count    integer NOT NULL CHECK (sample_count >= 0),
    data            bytea NOT NULL,
    resolution      text NOT NULL DEFAULT 'raw' CHECK (resolution IN ('raw', 'high', 'medium', 'low')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    _extra          jsonb NOT NULL DEFAULT '{}',
    UNIQUE (activity_id, stream_type) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX activity_streams_user_id ON activity_streams (user_id);

-- 9. body_measurements
CREATE TABLE body_measurements (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    quick_entry_log_id  uuid REFERENCES quick_entry_logs (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    measured_at         timestamptz NOT NULL,
    local_date          date NOT NULL,
    weight_kg           numeric CHECK (weight_kg > 0 AND weight_kg < 700),
    body_fat_pct        numeric CHECK (body_fat_pct BETWEEN 0 AND 100),
    measurements        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(measurements) = 'object'),
    source              text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'quick_entry', 'scale', 'import')),
    ai_extracted        boolean NOT NULL DEFAULT false,
    notes               text,
    photo_url           text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    _extra              jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX body_measurements_user_measured_at ON body_measurements (user_id, measured_at);
CREATE INDEX body_measurements_quick_entry_log_id ON body_measurements (quick_entry_log_id);

-- 10. coach_messages
CREATE TABLE coach_messages (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    conversation_id uuid NOT NULL,
    role            text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content         text NOT NULL,
    context_used    jsonb,
    ai_provider     text,
    ai_model        text,
    tokens_input    integer CHECK (tokens_input >= 0),
    tokens_output   integer CHECK (tokens_output >= 0),
    tokens_used     integer CHECK (tokens_used >= 0),
    cost_usd        numeric NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    _extra          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX coach_messages_user_conversation ON coach_messages (user_id, conversation_id, created_at);

-- 11. ai_generated_programs
CREATE TABLE ai_generated_programs (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    name                text NOT NULL,
    description         text,
    goal                text,
    duration_weeks      integer NOT NULL DEFAULT 12 CHECK (duration_weeks BETWEEN 1 AND 12),
    total_days          integer NOT NULL DEFAULT 84 CHECK (total_days BETWEEN 1 AND 84),
    is_active           boolean NOT NULL DEFAULT false,
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'paused', 'archived')),
    current_day         integer NOT NULL DEFAULT 1 CHECK (current_day BETWEEN 1 AND 84),
    start_date          date,
    paused_at           timestamptz,
    paused_days         integer NOT NULL DEFAULT 0 CHECK (paused_days >= 0),
    questions_answers   jsonb NOT NULL DEFAULT '{}',
    ai_provider         text,
    ai_model            text,
    ai_cost_usd         numeric NOT NULL DEFAULT 0 CHECK (ai_cost_usd >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    _extra              jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX ai_generated_programs_user_id ON ai_generated_programs (user_id, created_at);

-- 12. ai_program_days
CREATE TABLE ai_program_days (
    id              uuid PRIMARY KEY,
    program_id      uuid NOT NULL REFERENCES ai_generated_programs (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    day_number      integer NOT NULL CHECK (day_number BETWEEN 1 AND 84),
    week_number     integer NOT NULL CHECK (week_number BETWEEN 1 AND 12),
    day_of_week     integer NOT NULL CHECK (day_of_week BETWEEN 1 AND 7),
    day_name        text,
    day_focus       text,
    is_rest_day     boolean NOT NULL DEFAULT false,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'skipped')),
    is_completed    boolean NOT NULL DEFAULT false,
    completed_at    timestamptz,
    scheduled_date  date,
    notes           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    _extra          jsonb NOT NULL DEFAULT '{}',
    UNIQUE (program_id, day_number) DEFERRABLE INITIALLY IMMEDIATE
);

-- 13. ai_program_items
CREATE TABLE ai_program_items (
    id                          uuid PRIMARY KEY,
    program_id                  uuid NOT NULL REFERENCES ai_generated_programs (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    program_day_id              uuid NOT NULL REFERENCES ai_program_days (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    item_type                   text NOT NULL CHECK (item_type IN ('meal', 'workout')),
    item_order                  integer NOT NULL CHECK (item_order >= 0),
    title                       text,
    description                 text,
    meal_type                   text CHECK (meal_type IN ('breakfast', 'lunch', 'dinner', 'snack')),
    meal_name                   text,
    meal_foods                  jsonb,
    meal_calories               numeric, meal_protein_g numeric, meal_carbs_g numeric, meal_fat_g numeric,
    workout_name                text,
    workout_type                text,
    workout_exercises           jsonb,
    workout_duration_minutes    integer CHECK (workout_duration_minutes > 0),
    status                      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'skipped')),
    is_completed                boolean NOT NULL DEFAULT false,
    completed_at                timestamptz,
    linked_activity_id          uuid REFERENCES activities (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    linked_meal_log_id          uuid REFERENCES meal_logs (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    _extra                      jsonb NOT NULL DEFAULT '{}',
    CHECK (item_type <> 'meal' OR meal_name IS NOT NULL),
    CHECK (item_type <> 'workout' OR workout_name IS NOT NULL),
    UNIQUE (program_day_id, item_order) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX ai_program_items_program_id ON ai_program_items (program_id);
CREATE INDEX ai_program_items_linked_activity_id ON ai_program_items (linked_activity_id);
CREATE INDEX ai_program_items_linked_meal_log_id ON ai_program_items (linked_meal_log_id);

-- integrations (no tokens: those stay in each machine's keyring)
CREATE TABLE integrations (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    provider            text NOT NULL CHECK (provider IN ('strava', 'garmin', 'apple_health', 'google_fit', 'withings')),
    external_account_id text,
    scopes              text[] NOT NULL DEFAULT '{}',
    token_expires_at    timestamptz,
    last_sync_at        timestamptz,
    status              text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'disconnected', 'error', 'expired')),
    error_message       text,
    settings            jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    _extra              jsonb NOT NULL DEFAULT '{}',
    UNIQUE (user_id, provider)
);

-- user_goals
CREATE TABLE user_goals (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    goal_type       text NOT NULL CHECK (goal_type IN ('weight', 'body_fat', 'protein', 'calories', 'training_volume', 'distance', 'strength', 'habit', 'custom')),
    title           text NOT NULL,
    target_value    numeric, target_unit text, start_value numeric, current_value numeric,
    start_date      date,
    target_date     date,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'achieved', 'abandoned', 'paused')),
    notes           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    _extra          jsonb NOT NULL DEFAULT '{}',
    CHECK (start_date IS NULL OR target_date IS NULL OR target_date >= start_date)
);
CREATE INDEX user_goals_user_status ON user_goals (user_id, status);

-- daily_nutrition_summaries: derived; each install recomputes its own from
-- meal_logs. Kept here for server-side reporting (refreshed by the view below).

-- The version index clients push to and pull from.
CREATE TABLE sync_rows (
    tbl         text NOT NULL,
    row_id      uuid NOT NULL,
    user_id     uuid NOT NULL,
    hlc         text NOT NULL,
    deleted     boolean NOT NULL DEFAULT false,
    seq         bigint NOT NULL,
    origin      text,               -- node id of the install that pushed this version
    PRIMARY KEY (tbl, row_id)
);
CREATE SEQUENCE sync_rows_seq;
CREATE INDEX sync_rows_user_seq ON sync_rows (user_id, seq);

-- Attachments (photos, voice notes, PDFs) by content: path relative to the
-- data folder (it carries the hash), bytes once per user.
CREATE TABLE sync_attachments (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path        text NOT NULL CHECK (path !~ '^(/|\\)' AND path NOT LIKE '%..%'),
    sha256      text NOT NULL,
    bytes       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, path)
);

-- updated_at triggers
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'quick_entry_logs', 'quick_entry_embeddings', 'meal_logs', 'foods_enhanced',
                             'activities', 'body_measurements', 'coach_messages', 'ai_generated_programs',
                             'ai_program_days', 'ai_program_items', 'integrations', 'user_goals'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION wagner_touch_updated_at()',
                       t || '_touch_updated_at', t);
    END LOOP;
END $$;

-- Row-level security: every user table, forced for the owner too.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['quick_entry_logs', 'quick_entry_embeddings', 'meal_logs', 'activities',
                             'activity_segments', 'activity_streams', 'body_measurements', 'coach_messages',
                             'ai_generated_programs', 'integrations', 'user_goals', 'sync_rows',
                             'sync_attachments', 'foods_enhanced'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_rows ON %I USING (user_id = wagner_current_user()) '
                       'WITH CHECK (user_id = wagner_current_user())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO wagner_sync', t);
    END LOOP;
END $$;

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON users USING (id = wagner_current_user()) WITH CHECK (id = wagner_current_user());
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO wagner_sync;

ALTER TABLE ai_program_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_program_days FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON ai_program_days
    USING (EXISTS (SELECT 1 FROM ai_generated_programs p WHERE p.id = program_id AND p.user_id = wagner_current_user()))
    WITH CHECK (EXISTS (SELECT 1 FROM ai_generated_programs p WHERE p.id = program_id AND p.user_id = wagner_current_user()));
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_program_days TO wagner_sync;

ALTER TABLE ai_program_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_program_items FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON ai_program_items
    USING (EXISTS (SELECT 1 FROM ai_generated_programs p WHERE p.id = program_id AND p.user_id = wagner_current_user()))
    WITH CHECK (EXISTS (SELECT 1 FROM ai_generated_programs p WHERE p.id = program_id AND p.user_id = wagner_current_user()));
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_program_items TO wagner_sync;

GRANT SELECT ON sync_server TO wagner_sync;
-- sqlx creates its bookkeeping table before this runs: sync roles read it to
-- see that the schema is current.
GRANT SELECT ON _sqlx_migrations TO wagner_sync;
GRANT USAGE ON SEQUENCE sync_rows_seq TO wagner_sync;

-- A joining install learns which profiles the server holds (ids and names
-- only) before it has a user id to set.
CREATE FUNCTION wagner_profiles() RETURNS TABLE (id uuid, full_name text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT id, full_name, created_at FROM users ORDER BY created_at, id
$$;
REVOKE ALL ON FUNCTION wagner_profiles() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wagner_profiles() TO wagner_sync;

-- Views (security_invoker: the caller's RLS applies).
CREATE VIEW v_daily_nutrition WITH (security_invoker = true) AS
SELECT user_id, local_date AS date, count(*) AS meal_count,
       sum(total_calories) AS total_calories, sum(total_protein_g) AS total_protein_g,
       sum(total_carbs_g) AS total_carbs_g, sum(total_fat_g) AS total_fat_g
  FROM meal_logs GROUP BY user_id, local_date;

CREATE VIEW v_weekly_training_volume WITH (security_invoker = true) AS
SELECT a.user_id,
       date_trunc('week', COALESCE(a.local_date, (a.start_date AT TIME ZONE 'UTC')::date))::date AS week_start,
       a.activity_type,
       count(*) AS activity_count,
       COALESCE(sum(a.elapsed_time_seconds), 0) AS total_elapsed_seconds,
       COALESCE(sum(a.distance_meters), 0) AS total_distance_meters
  FROM activities a
 GROUP BY 1, 2, 3;

CREATE VIEW v_program_progress WITH (security_invoker = true) AS
SELECT p.id AS program_id, p.user_id, p.name, p.status, p.current_day, p.total_days,
       count(i.*) AS items_total,
       count(i.*) FILTER (WHERE i.status = 'completed') AS items_completed,
       round(100.0 * count(i.*) FILTER (WHERE i.status = 'completed') / NULLIF(count(i.*), 0), 1) AS completion_pct
  FROM ai_generated_programs p
  LEFT JOIN ai_program_items i ON i.program_id = p.id
 GROUP BY p.id;

GRANT SELECT ON v_daily_nutrition, v_weekly_training_volume, v_program_progress TO wagner_sync;

COMMENT ON TABLE users IS 'One row per person; RLS: a session sees its own row (app.user_id).';
COMMENT ON TABLE sync_rows IS 'Version index of synced rows: HLC version, tombstone, pull sequence.';
COMMENT ON TABLE sync_attachments IS 'Attachment files by relative content-addressed path, once per user.';
