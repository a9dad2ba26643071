//! The registry of the tables that hold a profile's data, in the order that
//! satisfies their references (parents first): what sync pushes and applies
//! in that order, what stays on each install and why, and the order backup
//! exports and re-imports them. One list, so a new table is placed once; the
//! tests check that the sync triggers of the migrations cover exactly the
//! synced tables and that every user table of the schema is registered.

/// Whether a table travels with sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// Logged by the sync triggers, pushed and pulled.
    Synced,
    /// Kept on each install, for this reason (shown by `sync status`).
    Local(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub sync: Sync,
}

const fn synced(name: &'static str) -> Table {
    Table { name, sync: Sync::Synced }
}

const fn local(name: &'static str, why: &'static str) -> Table {
    Table { name, sync: Sync::Local(why) }
}

/// Every table of a profile's data, parents before children.
pub const TABLES: &[Table] = &[
    synced("users"),
    synced("quick_entry_logs"),
    local("quick_entry_embeddings", "derived; each install embeds its own entries"),
    local("quick_entry_embedding_vectors", "the vector index of quick_entry_embeddings"),
    synced("foods_enhanced"),
    synced("meal_logs"),
    synced("activities"),
    synced("activity_segments"),
    synced("activity_streams"),
    synced("body_measurements"),
    synced("coach_messages"),
    synced("ai_generated_programs"),
    synced("ai_program_days"),
    synced("ai_program_items"),
    synced("integrations"),
    synced("user_goals"),
    local("webhook_events", "per-install inbox"),
    local("rate_limits", "per-install request counters"),
    local("daily_nutrition_summaries", "derived from meal_logs; recomputed on each install"),
    local("ai_spend", "per-install AI spend against the monthly budget"),
    local("food_choices", "foods picked for typed names; learned again from the next pick"),
];

const fn count_synced() -> usize {
    let (mut i, mut n) = (0, 0);
    while i < TABLES.len() {
        if matches!(TABLES[i].sync, Sync::Synced) {
            n += 1;
        }
        i += 1;
    }
    n
}

const NAMES: [&str; TABLES.len()] = {
    let mut out = [""; TABLES.len()];
    let mut i = 0;
    while i < TABLES.len() {
        out[i] = TABLES[i].name;
        i += 1;
    }
    out
};

const SYNCED_NAMES: [&str; count_synced()] = {
    let mut out = [""; count_synced()];
    let (mut i, mut j) = (0, 0);
    while i < TABLES.len() {
        if matches!(TABLES[i].sync, Sync::Synced) {
            out[j] = TABLES[i].name;
            j += 1;
        }
        i += 1;
    }
    out
};

const LOCAL: [(&str, &str); TABLES.len() - count_synced()] = {
    let mut out = [("", ""); TABLES.len() - count_synced()];
    let (mut i, mut j) = (0, 0);
    while i < TABLES.len() {
        if let Sync::Local(why) = TABLES[i].sync {
            out[j] = (TABLES[i].name, why);
            j += 1;
        }
        i += 1;
    }
    out
};

/// Every registered table's name, parents before children (export and import order).
pub const ALL: &[&str] = &NAMES;
/// The synced tables, parents before children (push and apply order).
pub const SYNCED: &[&str] = &SYNCED_NAMES;
/// The tables kept on each install, with the reason.
pub const LOCAL_ONLY: &[(&str, &str)] = &LOCAL;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::store::Store;

    async fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
        (dir, store)
    }

    #[test]
    fn each_table_is_registered_once_and_the_views_agree() {
        let names: BTreeSet<&str> = ALL.iter().copied().collect();
        assert_eq!(names.len(), TABLES.len(), "a table is registered twice");
        assert_eq!(SYNCED.len() + LOCAL_ONLY.len(), ALL.len());
        assert_eq!(SYNCED[0], "users", "profiles go first: every row references one");
        assert!(LOCAL_ONLY.iter().all(|(_, why)| !why.is_empty()));
    }

    /// The migrations' triggers log changes (into `sync_rows`) of exactly the
    /// synced tables, on insert, update and delete each.
    #[tokio::test]
    async fn the_sync_triggers_cover_exactly_the_synced_tables() {
        let (_dir, store) = fresh().await;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%sync\\_rows%' ESCAPE '\\'",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        let logged: BTreeSet<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
        let synced: BTreeSet<&str> = SYNCED.iter().copied().collect();
        assert_eq!(logged, synced, "tables with sync triggers vs the registry's synced tables");
        for table in SYNCED {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                let has = rows.iter().any(|(t, sql)| {
                    t == table
                        && sql.to_uppercase().contains(&format!("AFTER {event} ON {}", table.to_uppercase()))
                });
                assert!(has, "{table} has no sync trigger AFTER {event}");
            }
        }
    }

    /// A table the schema gains must be placed in the registry (synced or not, and where).
    #[tokio::test]
    async fn every_user_table_of_the_schema_is_registered() {
        let (_dir, store) = fresh().await;
        let tables: BTreeSet<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sync\\_%' ESCAPE '\\' \
             AND name NOT LIKE '%\\_fts%' ESCAPE '\\' AND name NOT LIKE '%vectors\\_%' ESCAPE '\\' \
             AND (sql NOT LIKE 'CREATE VIRTUAL%' OR name = 'quick_entry_embedding_vectors')",
        )
        .fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
        let registered: BTreeSet<String> = ALL.iter().map(|t| t.to_string()).collect();
        assert_eq!(tables, registered, "the schema's user tables vs the registry");
    }
}
