-- An entry that was read but needs the user before its numbers can be trusted
-- (a food that resolved to nothing, an implausible number) gets its own
-- status, 'needs_review', with the reason in error_message. And processing
-- claims an entry with an owner and a time (claimed_by, claimed_at) so two
-- processes on one file never read the same entry twice.
--
-- Loosening a CHECK leaves every stored row valid, so the table's SQL is
-- edited in place, as SQLite documents for constraint-only changes
-- (lang_altertable.html, "Making Other Kinds Of Table Schema Changes"), rather
-- than a rebuild that would drop every trigger on the table and cascade
-- through the foreign keys that point at it. The guard fails the migration if
-- the text to replace was not found.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (processing_status IN (''pending'', ''processing'', ''completed'', ''failed''))',
    'CHECK (processing_status IN (''pending'', ''processing'', ''completed'', ''failed'', ''needs_review''))')
WHERE type = 'table' AND name = 'quick_entry_logs';
PRAGMA writable_schema = RESET;

CREATE TEMP TABLE _entry_review_guard (found INTEGER NOT NULL CHECK (found = 1));
INSERT INTO _entry_review_guard
SELECT instr(sql, '''needs_review''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'quick_entry_logs';
DROP TABLE _entry_review_guard;

-- The ALTERs also bump the schema cookie, so connections other processes hold
-- open reload the loosened CHECK.
ALTER TABLE quick_entry_logs ADD COLUMN claimed_by TEXT;
ALTER TABLE quick_entry_logs ADD COLUMN claimed_at TEXT
    CHECK (claimed_at IS NULL OR claimed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z');

-- The entries waiting for the user, for Today's "needs attention" and the Log filter.
CREATE INDEX quick_entry_logs_needs_review ON quick_entry_logs (user_id, logged_at)
    WHERE processing_status = 'needs_review';
