-- One AI budget: every provider call (entries, photos, transcription, the
-- coach, programs) is one row here, so the month's spend the cap checks is
-- the sum over all providers and call kinds (it was kept per provider, and
-- switching provider started the cap from zero).
--
-- A call is admitted with the most it can cost (reserved_usd, from its token
-- limits and the model's price) inside the admission transaction, and settled
-- with what it did cost (cost_usd). Until then it counts at its reservation,
-- so calls running at once can never pass the cap together; a call whose
-- process died keeps counting at that most (the provider may well have
-- charged it). Per install, like rate_limits: not synced.
CREATE TABLE ai_spend (
    id              TEXT PRIMARY KEY NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    month           TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),   -- YYYY-MM, UTC
    provider        TEXT NOT NULL,
    call_kind       TEXT NOT NULL CHECK (call_kind IN ('entry', 'photo', 'transcription', 'coach', 'program', 'earlier')),
    reserved_usd    REAL NOT NULL DEFAULT 0 CHECK (reserved_usd >= 0),
    cost_usd        REAL CHECK (cost_usd IS NULL OR cost_usd >= 0),                        -- NULL while the call runs
    created_at      TEXT NOT NULL
                    CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z'),
    settled_at      TEXT CHECK (settled_at IS NULL OR settled_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z')
) STRICT;

CREATE INDEX ai_spend_user_month ON ai_spend (user_id, month);

-- What was spent before, per provider and month, carried over as settled rows.
INSERT INTO ai_spend (id, user_id, month, provider, call_kind, reserved_usd, cost_usd, created_at, settled_at)
SELECT 'earlier-' || id, user_id, month, provider, 'earlier', 0, month_spend_usd, updated_at, updated_at
  FROM rate_limits
 WHERE operation = 'ai' AND month IS NOT NULL AND month_spend_usd > 0;
