-- Binary-quantized copies of the embedding vectors (sqlite-vec bit[384], 48
-- bytes each) for a fast coarse KNN over long histories; search rescores the
-- coarse candidates with the float vectors (benches/knn.rs: brute-force
-- float KNN over 100,000 vectors misses the 15 ms p95 goal, this path meets
-- it). Derived data like the float vectors: not exported; the store fills
-- missing copies when it opens (an INSERT ... SELECT here would lose the
-- bit subtype that vec_quantize_binary gives its result).
-- The name keeps it (and its shadow tables) under the "%vectors_%" patterns
-- that backup, export and `wagner db check` already leave out.
CREATE VIRTUAL TABLE quick_entry_embedding_vectors_bits USING vec0 (
    embedding_id TEXT PRIMARY KEY,
    user_id TEXT,
    embedding bit[384]
);

CREATE TRIGGER quick_entry_embeddings_delete_vector_bits
AFTER DELETE ON quick_entry_embeddings
BEGIN
    DELETE FROM quick_entry_embedding_vectors_bits WHERE embedding_id = OLD.id;
END;

CREATE TRIGGER quick_entry_embeddings_sync_vector_bits_user
AFTER UPDATE OF user_id ON quick_entry_embeddings
WHEN NEW.user_id IS NOT OLD.user_id
BEGIN
    UPDATE quick_entry_embedding_vectors_bits SET user_id = NEW.user_id WHERE embedding_id = OLD.id;
END;
