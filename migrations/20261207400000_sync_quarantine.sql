-- Sync: rows kept aside, and the last synced state of editable rows.
--
-- sync_quarantine: a pulled server row that cannot be applied here (a value
-- the local schema refuses, a version from the far future, a slot still
-- taken) is kept aside with its reason instead of stopping the sync. It is
-- retried on every sync and leaves this table once it applies, once the
-- local row is newer, or once the server drops it.
CREATE TABLE sync_quarantine (
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    reason      TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_tried  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    PRIMARY KEY (tbl, row_id)
) STRICT;

-- sync_base: per editable row, its column values as this install last saw
-- them on the server (pushed or pulled). A pulled version that meets a local
-- edit not pushed yet is merged per column against it: columns only one side
-- changed keep that side's value; columns both changed go to the newer
-- version (per-field last writer wins).
CREATE TABLE sync_base (
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    data        TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (tbl, row_id)
) STRICT, WITHOUT ROWID;
