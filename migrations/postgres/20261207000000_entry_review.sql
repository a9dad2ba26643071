-- Entries waiting for the user ('needs_review'), as in the SQLite schema.
-- (The local claim columns are per-install processing state; they ride in _extra.)
ALTER TABLE quick_entry_logs DROP CONSTRAINT quick_entry_logs_processing_status_check;
ALTER TABLE quick_entry_logs ADD CONSTRAINT quick_entry_logs_processing_status_check
    CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed', 'needs_review'));
