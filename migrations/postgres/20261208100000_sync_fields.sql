-- Per-field versions on the server's row records (as the clients keep in
-- their sync_fields): for a row of a table merged per field, the version of
-- the latest change of each column, {"column": "hlc", ...}. A column
-- without an entry still holds the value the row was created with. A push
-- replaces a row only when it knows every field at least at these versions
-- (else the next pull merges it first), and sets them to its own; a
-- tombstone has none. An admin who edits a row here directly should set the
-- edited columns' versions too (fields || '{"name": "<new hlc>"}'), or a
-- pending edit of the same field elsewhere wins over the edit.
ALTER TABLE sync_rows ADD COLUMN fields jsonb NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(fields) = 'object');
COMMENT ON COLUMN sync_rows.fields IS 'Per-field versions {column: hlc} of rows merged per field.';
