-- Search documents. quick_entry_embeddings becomes the one searchable
-- document table (the design's "replaces every embedding table"): one row per
-- completed quick entry as before, plus one per meal, activity or body
-- measurement logged outside quick entry (manual, file import, Strava, scale),
-- pointed at by source_kind/source_id. Vectors stay in
-- quick_entry_embedding_vectors keyed by the row id; keyword search uses the
-- FTS5 table search_fts kept in step by triggers.
--
-- SQLite cannot relax NOT NULL in place, so the table is rebuilt. DROP TABLE
-- fires no triggers, so the vectors of existing rows survive and keep their ids.

CREATE TABLE quick_entry_embeddings_new (
    id                      TEXT PRIMARY KEY NOT NULL,
    quick_entry_log_id      TEXT UNIQUE,                                -- set for quick entry documents (1:1)
    user_id                 TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source_kind             TEXT NOT NULL DEFAULT 'quick_entry'
                            CHECK (source_kind IN ('quick_entry', 'meal', 'activity', 'body_measurement')),
    source_id               TEXT,                                       -- meal/activity/measurement id when not from quick entry
    embedding_type          TEXT NOT NULL DEFAULT 'text' CHECK (embedding_type IN ('text', 'image', 'multimodal')),
    content_text            TEXT,
    content_summary         TEXT,
    source_classification   TEXT CHECK (source_classification IS NULL OR source_classification IN ('meal', 'workout', 'body_measurement', 'multiple', 'unknown')),
    embedding_model         TEXT NOT NULL,  -- the model the vector is (or will be) computed with; re-embed when it changes
    logged_at               TEXT NOT NULL
                            CHECK (logged_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z'),
    local_date              TEXT CHECK (local_date IS NULL OR local_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    content_hash            TEXT,           -- sha256 of content_text
    embedded_hash           TEXT,           -- content_hash the stored vector was computed from; NULL = no vector yet
    stale                   INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)), -- set by triggers when the source rows change
    created_at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                            CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z'),
    updated_at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                            CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z'),
    CHECK ((source_kind = 'quick_entry') = (quick_entry_log_id IS NOT NULL)),
    CHECK ((source_kind = 'quick_entry') = (source_id IS NULL)),
    FOREIGN KEY (quick_entry_log_id, user_id) REFERENCES quick_entry_logs (id, user_id) ON DELETE CASCADE
) STRICT;

INSERT INTO quick_entry_embeddings_new (id, quick_entry_log_id, user_id, source_kind, embedding_type, content_text,
    content_summary, source_classification, embedding_model, logged_at, stale, created_at, updated_at)
SELECT id, quick_entry_log_id, user_id, 'quick_entry', embedding_type, content_text,
    content_summary, source_classification, embedding_model, logged_at, 1, created_at, updated_at
FROM quick_entry_embeddings;

DROP TABLE quick_entry_embeddings;
ALTER TABLE quick_entry_embeddings_new RENAME TO quick_entry_embeddings;

CREATE INDEX quick_entry_embeddings_user_logged_at ON quick_entry_embeddings (user_id, logged_at);
CREATE INDEX quick_entry_embeddings_user_local_date ON quick_entry_embeddings (user_id, local_date);
CREATE UNIQUE INDEX quick_entry_embeddings_source ON quick_entry_embeddings (source_kind, source_id)
    WHERE source_id IS NOT NULL;
-- Same text, same vector: the queue copies instead of embedding again.
CREATE INDEX quick_entry_embeddings_user_hash ON quick_entry_embeddings (user_id, content_hash);
CREATE INDEX quick_entry_embeddings_stale ON quick_entry_embeddings (user_id) WHERE stale = 1;

-- The triggers of the initial schema went with the old table.
CREATE TRIGGER quick_entry_embeddings_delete_vector
AFTER DELETE ON quick_entry_embeddings
BEGIN
    DELETE FROM quick_entry_embedding_vectors WHERE embedding_id = OLD.id;
END;

CREATE TRIGGER quick_entry_embeddings_sync_vector_user
AFTER UPDATE OF user_id ON quick_entry_embeddings
WHEN NEW.user_id IS NOT OLD.user_id
BEGIN
    UPDATE quick_entry_embedding_vectors SET user_id = NEW.user_id WHERE embedding_id = OLD.id;
END;

CREATE TRIGGER quick_entry_embeddings_id_immutable
BEFORE UPDATE OF id ON quick_entry_embeddings
WHEN NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'quick_entry_embeddings.id is immutable');
END;

CREATE TRIGGER quick_entry_embeddings_touch_updated_at AFTER UPDATE ON quick_entry_embeddings
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE quick_entry_embeddings SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- Keyword search (BM25). doc_id/user_id are filters, not searched text.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    content,
    doc_id UNINDEXED,
    user_id UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO search_fts (content, doc_id, user_id)
SELECT coalesce(content_text, ''), id, user_id FROM quick_entry_embeddings;

CREATE TRIGGER quick_entry_embeddings_fts_insert AFTER INSERT ON quick_entry_embeddings
BEGIN
    INSERT INTO search_fts (content, doc_id, user_id) VALUES (coalesce(NEW.content_text, ''), NEW.id, NEW.user_id);
END;

CREATE TRIGGER quick_entry_embeddings_fts_update
AFTER UPDATE OF content_text, user_id ON quick_entry_embeddings
BEGIN
    DELETE FROM search_fts WHERE doc_id = OLD.id;
    INSERT INTO search_fts (content, doc_id, user_id) VALUES (coalesce(NEW.content_text, ''), NEW.id, NEW.user_id);
END;

CREATE TRIGGER quick_entry_embeddings_fts_delete AFTER DELETE ON quick_entry_embeddings
BEGIN
    DELETE FROM search_fts WHERE doc_id = OLD.id;
END;

-- Source rows changed: their document is rebuilt by the embedding queue (and
-- re-embedded only if its text changed). A deleted item takes its document,
-- and through the trigger above its vector, with it.
CREATE TRIGGER quick_entry_logs_stale_document
AFTER UPDATE OF raw_text, raw_transcription, processing_status, logged_at ON quick_entry_logs
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = NEW.id;
END;

CREATE TRIGGER meal_logs_stale_document_insert AFTER INSERT ON meal_logs
WHEN NEW.quick_entry_log_id IS NOT NULL
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = NEW.quick_entry_log_id;
END;

CREATE TRIGGER meal_logs_stale_document_update AFTER UPDATE ON meal_logs
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1
     WHERE (source_kind = 'meal' AND source_id = OLD.id)
        OR quick_entry_log_id IN (OLD.quick_entry_log_id, NEW.quick_entry_log_id);
END;

CREATE TRIGGER meal_logs_delete_document AFTER DELETE ON meal_logs
BEGIN
    DELETE FROM quick_entry_embeddings WHERE source_kind = 'meal' AND source_id = OLD.id;
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = OLD.quick_entry_log_id;
END;

CREATE TRIGGER activities_stale_document_insert AFTER INSERT ON activities
WHEN NEW.quick_entry_log_id IS NOT NULL
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = NEW.quick_entry_log_id;
END;

CREATE TRIGGER activities_stale_document_update AFTER UPDATE ON activities
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1
     WHERE (source_kind = 'activity' AND source_id = OLD.id)
        OR quick_entry_log_id IN (OLD.quick_entry_log_id, NEW.quick_entry_log_id);
END;

CREATE TRIGGER activities_delete_document AFTER DELETE ON activities
BEGIN
    DELETE FROM quick_entry_embeddings WHERE source_kind = 'activity' AND source_id = OLD.id;
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = OLD.quick_entry_log_id;
END;

-- Strength sets are part of an activity's text.
CREATE TRIGGER activity_segments_stale_document AFTER INSERT ON activity_segments
WHEN NEW.segment_type = 'set'
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1
     WHERE (source_kind = 'activity' AND source_id = NEW.activity_id)
        OR quick_entry_log_id = (SELECT quick_entry_log_id FROM activities WHERE id = NEW.activity_id);
END;

CREATE TRIGGER body_measurements_stale_document_insert AFTER INSERT ON body_measurements
WHEN NEW.quick_entry_log_id IS NOT NULL
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = NEW.quick_entry_log_id;
END;

CREATE TRIGGER body_measurements_stale_document_update AFTER UPDATE ON body_measurements
BEGIN
    UPDATE quick_entry_embeddings SET stale = 1
     WHERE (source_kind = 'body_measurement' AND source_id = OLD.id)
        OR quick_entry_log_id IN (OLD.quick_entry_log_id, NEW.quick_entry_log_id);
END;

CREATE TRIGGER body_measurements_delete_document AFTER DELETE ON body_measurements
BEGIN
    DELETE FROM quick_entry_embeddings WHERE source_kind = 'body_measurement' AND source_id = OLD.id;
    UPDATE quick_entry_embeddings SET stale = 1 WHERE quick_entry_log_id = OLD.quick_entry_log_id;
END;
