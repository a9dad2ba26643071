-- Full-text search over the food database.
--
-- foods_fts keeps its own copy of the searchable text plus the food id:
-- foods_enhanced has a TEXT primary key, so its implicit rowid may change on
-- VACUUM and cannot anchor an external-content index. Triggers keep the copy
-- in sync in the same transaction as every write to foods_enhanced.
--
-- The porter tokenizer stems both the text and the query ("eggs" and "egg",
-- "berries" and "berry" meet), and it applies to prefix queries as the user
-- types ("chick"* finds "chicken"). Ranking beyond BM25 (whole-word head
-- matches, common portions, the user's own history) is done by the app.
CREATE VIRTUAL TABLE foods_fts USING fts5 (
    food_id UNINDEXED,
    name,
    brand_name,
    description,
    food_group,
    tokenize = 'porter unicode61 remove_diacritics 2',
    -- Prefix indexes: the first keystrokes expand to hundreds of terms.
    prefix = '1 2 3'
);

INSERT INTO foods_fts (food_id, name, brand_name, description, food_group)
SELECT id, name, brand_name, description, food_group FROM foods_enhanced;

CREATE TRIGGER foods_enhanced_fts_after_insert AFTER INSERT ON foods_enhanced
BEGIN
    INSERT INTO foods_fts (food_id, name, brand_name, description, food_group)
    VALUES (NEW.id, NEW.name, NEW.brand_name, NEW.description, NEW.food_group);
END;

CREATE TRIGGER foods_enhanced_fts_after_update
AFTER UPDATE OF id, name, brand_name, description, food_group ON foods_enhanced
BEGIN
    DELETE FROM foods_fts WHERE food_id = OLD.id;
    INSERT INTO foods_fts (food_id, name, brand_name, description, food_group)
    VALUES (NEW.id, NEW.name, NEW.brand_name, NEW.description, NEW.food_group);
END;

CREATE TRIGGER foods_enhanced_fts_after_delete AFTER DELETE ON foods_enhanced
BEGIN
    DELETE FROM foods_fts WHERE food_id = OLD.id;
END;
