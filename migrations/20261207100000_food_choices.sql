-- The food a user picked for a typed food name ("latte" → what they chose in
-- the review panel), used first the next time that name is resolved: by the
-- offline parser, for an AI provider's foods, for voice transcripts and in
-- the window's food search. One row per (user, cleaned phrase); the latest
-- pick wins. Kept on each install (not synced): a preference learned again
-- from the next pick, and the food it points at may be a custom food.
CREATE TABLE food_choices (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    phrase      TEXT NOT NULL CHECK (length(phrase) BETWEEN 1 AND 200),
    food_id     TEXT NOT NULL REFERENCES foods_enhanced(id) ON DELETE CASCADE,
    unit        TEXT,
    uses        INTEGER NOT NULL DEFAULT 1 CHECK (uses >= 1),
    chosen_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, phrase)
) WITHOUT ROWID;
