//! Model-based sync test: random operation sequences on three installs
//! against a real Postgres (WAGNER_TEST_PG_URL), checked against a reference
//! model of what must survive.
//!
//! Operations: edits of any of three meal fields on any install (each
//! field's surviving write with the highest field version must win, as
//! per-field last-writer-wins says; the model reads each write's version
//! from the install's `sync_fields`),
//! deletes (a delete anywhere wins), new meals, program day moves and
//! regenerations (install A; the others pull them), backups and restores,
//! a database file copied over an install, syncs killed mid-way, a server
//! that is unreachable, and hostile server rows (NaN) that are repaired
//! later. A restore drops the install's writes made after its backup that
//! had not been synced; everything else the model keeps.
//!
//! Bounded by default (2 seeds × 30 steps); `WAGNER_SYNC_MODEL_SEEDS` and
//! `WAGNER_SYNC_MODEL_STEPS` run longer (scripts/sync-model.sh).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sqlx::Connection;
use wagner::Store;
use wagner::sync::{self, SyncOptions};

/// xorshift64*: reproducible from the seed printed on failure.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A TCP relay to the server that can be taken down (an outage).
struct Relay {
    port: u16,
    target: SocketAddr,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let relay = Relay { port, target, tasks: Arc::default() };
        relay.serve(listener);
        relay
    }
    fn serve(&self, listener: tokio::net::TcpListener) {
        let tasks = self.tasks.clone();
        let target = self.target;
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(conn);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }
    fn down(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }
    async fn up(&self) {
        // The aborted accept task drops its listener on its next poll: wait
        // for the port to be free.
        let mut tries = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(l) => break l,
                Err(e) if tries < 100 && e.kind() == std::io::ErrorKind::AddrInUse => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(e) => panic!("relay port {}: {e}", self.port),
            }
        };
        self.serve(listener);
    }
}

const FIELDS: [&str; 3] = ["name", "notes", "total_calories"];

#[derive(Debug, Clone)]
enum Event {
    Write { row: String, field: usize, value: String, version: String },
    Delete { row: String },
    Create { row: String },
}

#[derive(Debug, Clone)]
struct Logged {
    install: usize,
    event: Event,
    synced: bool,
    seq: usize,
}

struct Install {
    dir: tempfile::TempDir,
    store: Option<Store>,
    backup: Option<(PathBuf, usize)>,
}

impl Install {
    fn store(&self) -> &Store {
        self.store.as_ref().expect("open")
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("wagner.db")
    }
}

async fn exists(store: &Store, id: &str) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM meal_logs WHERE id = ?")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
        > 0
}

fn opts() -> SyncOptions {
    SyncOptions { batch_size: 60, allow_privileged: true, ..SyncOptions::default() }
}

async fn run_model(seed: u64, steps: usize) {
    let Some(url) = support::fresh_server("wagner_model").await else { return };
    let target = {
        let u = reqwest::Url::parse(&url).unwrap();
        tokio::net::lookup_host((u.host_str().unwrap(), u.port().unwrap_or(5432)))
            .await
            .unwrap()
            .next()
            .unwrap()
    };
    let relay = Relay::start(target).await;
    let relayed = {
        let mut u = reqwest::Url::parse(&url).unwrap();
        u.set_port(Some(relay.port)).unwrap();
        u.to_string()
    };
    let mut rng = Rng(seed.max(1));

    // A holds the demo profile; B and C join it.
    let mut installs = Vec::new();
    for i in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
        if i == 0 {
            wagner::demo::load(&store, wagner::clock::now(), Some("UTC".into())).await.unwrap();
        } else {
            support::new_profile(&store, "Me", "UTC").await;
        }
        installs.push(Install { dir, store: Some(store), backup: None });
    }
    sync::sync(installs[0].store(), &relayed, &opts()).await.expect("first push");
    for install in &installs[1..] {
        sync::join(install.store(), &relayed, None, &opts()).await.expect("join");
    }
    let user: String =
        sqlx::query_scalar("SELECT id FROM users").fetch_one(installs[0].store().pool()).await.unwrap();
    let mut rows: Vec<String> = sqlx::query_scalar("SELECT id FROM meal_logs ORDER BY id LIMIT 8")
        .fetch_all(installs[0].store().pool())
        .await
        .unwrap();
    let demo: BTreeSet<String> = rows.iter().cloned().collect();
    let mut initial: BTreeMap<String, [String; 3]> = BTreeMap::new();
    for id in &rows {
        let (n, no, k): (Option<String>, Option<String>, f64) =
            sqlx::query_as("SELECT name, notes, total_calories FROM meal_logs WHERE id = ?")
                .bind(id)
                .fetch_one(installs[0].store().pool())
                .await
                .unwrap();
        initial.insert(id.clone(), [n.unwrap_or_default(), no.unwrap_or_default(), format!("{k}")]);
    }
    let mut log: Vec<Logged> = Vec::new();
    let mut hostile: BTreeSet<String> = BTreeSet::new();
    let mut down = false;
    let mut trace = Vec::new();

    for step in 0..steps {
        let who = rng.below(3);
        let op = rng.below(100);
        let seq = log.len();
        match op {
            // An edit of one field, on any install.
            0..=34 => {
                let row = rows[rng.below(rows.len())].clone();
                let field = rng.below(3);
                let store = installs[who].store();
                if !exists(store, &row).await {
                    continue;
                }
                let value = format!("{}", 100 + step * 3 + who);
                let set = if field == 2 {
                    format!("total_calories = {value}")
                } else {
                    format!("{} = 'v{value}'", FIELDS[field])
                };
                let value = if field == 2 {
                    format!("{}", value.parse::<f64>().unwrap())
                } else {
                    format!("v{value}")
                };
                sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE meal_logs SET {set} WHERE id = '{row}'")))
                    .execute(store.pool())
                    .await
                    .unwrap();
                let version: String = sqlx::query_scalar(
                    "SELECT hlc FROM sync_fields WHERE tbl = 'meal_logs' AND row_id = ? AND col = ?",
                )
                .bind(&row)
                .bind(FIELDS[field])
                .fetch_one(store.pool())
                .await
                .unwrap();
                trace.push(format!("{step}: {who} sets {} of {row} to {value} ({version})", FIELDS[field]));
                log.push(Logged {
                    install: who,
                    event: Event::Write { row, field, value, version },
                    synced: false,
                    seq,
                });
            }
            35..=41 => {
                let row = rows[rng.below(rows.len())].clone();
                let store = installs[who].store();
                if !exists(store, &row).await {
                    continue;
                }
                sqlx::query("DELETE FROM meal_logs WHERE id = ?")
                    .bind(&row)
                    .execute(store.pool())
                    .await
                    .unwrap();
                trace.push(format!("{step}: {who} deletes {row}"));
                log.push(Logged { install: who, event: Event::Delete { row }, synced: false, seq });
            }
            42..=47 => {
                let row = wagner::new_id();
                let store = installs[who].store();
                sqlx::query(
                    "INSERT INTO meal_logs (id, user_id, category, name, notes, logged_at, local_date, total_calories) \
                     VALUES (?, ?, 'snack', 'new', 'new', '2026-12-01T10:00:00.000Z', '2026-12-01', 100)",
                )
                .bind(&row)
                .bind(&user)
                .execute(store.pool())
                .await
                .unwrap();
                initial.insert(row.clone(), ["new".into(), "new".into(), "100".into()]);
                rows.push(row.clone());
                trace.push(format!("{step}: {who} creates {row}"));
                log.push(Logged { install: who, event: Event::Create { row }, synced: false, seq });
            }
            // Program changes on A, synced at once (the others pull them).
            48..=53 if !down => {
                let store = installs[0].store();
                let me = wagner::profile::require_default(store).await.unwrap();
                if rng.below(3) == 0 {
                    let week = 6 + rng.below(6) as u32;
                    if wagner::programs::tracking::regenerate_from(
                        store,
                        &me,
                        week,
                        wagner::clock::now().date_naive(),
                    )
                    .await
                    .is_err()
                    {
                        continue;
                    }
                    trace.push(format!("{step}: A regenerates from week {week}"));
                } else {
                    let d1 = 40 + rng.below(44) as i64;
                    let d2 = if d1 == 84 { 83 } else { d1 + 1 };
                    if wagner::programs::tracking::move_day(store, &me.id, d1, d2).await.is_err() {
                        continue;
                    }
                    trace.push(format!("{step}: A moves day {d1} and {d2}"));
                }
                sync::sync(store, &relayed, &opts()).await.expect("A syncs its program change");
                mark_synced(&mut log, 0);
            }
            54..=75 => {
                let r = sync::sync(installs[who].store(), &relayed, &opts()).await;
                trace.push(format!("{step}: {who} syncs ({})", if down { "server down" } else { "up" }));
                match (down, r) {
                    (true, Err(e)) => assert!(e.to_string().contains("could not connect"), "{e}"),
                    (true, Ok(_)) => panic!("a sync succeeded while the server was down"),
                    (false, Ok(_)) => mark_synced(&mut log, who),
                    (false, Err(e)) => {
                        panic!("seed {seed} step {step}: sync failed: {e}\n{}", trace.join("\n"))
                    }
                }
            }
            // A sync killed mid-way, then run again.
            76..=79 if !down => {
                let stop =
                    SyncOptions { fail_after_batches: Some(1 + rng.below(2)), batch_size: 5, ..opts() };
                let _ = sync::sync(installs[who].store(), &relayed, &stop).await;
                sync::sync(installs[who].store(), &relayed, &opts()).await.expect("resumes");
                mark_synced(&mut log, who);
                trace.push(format!("{step}: {who} sync killed and rerun"));
            }
            80..=83 => {
                let file = installs[who].dir.path().join(format!("backup-{step}.zip"));
                wagner::backup::create(installs[who].store(), &file).await.unwrap();
                installs[who].backup = Some((file, seq));
                trace.push(format!("{step}: {who} backs up"));
            }
            84..=87 => {
                let Some((file, at)) = installs[who].backup.clone() else { continue };
                let old = installs[who].store.take().unwrap();
                let (store, outcome) = wagner::backup::live::restore_live(&old, &file, false).await;
                outcome.expect("restore");
                installs[who].store = Some(store.expect("restored store"));
                // Writes after the backup that never reached the server are gone.
                log.retain(|l| !(l.install == who && l.seq >= at && !l.synced));
                trace.push(format!("{step}: {who} restores its backup"));
            }
            // C's file replaced by a copy of A's (a new laptop), synced at once.
            88..=90 if !down => {
                installs[2].store.take().unwrap().close().await;
                let db = installs[2].db();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
                sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{}'", db.display())))
                    .execute(installs[0].store().pool())
                    .await
                    .unwrap();
                installs[2].store = Some(Store::open(&db).await.unwrap());
                installs[2].backup = None;
                log.retain(|l| l.install != 2 || l.synced);
                sync::sync(installs[2].store(), &relayed, &opts()).await.expect("the copy syncs");
                // The copy pushed A's pending writes.
                mark_synced(&mut log, 0);
                mark_synced(&mut log, 2);
                trace.push(format!("{step}: C becomes a copy of A"));
            }
            91..=94 => {
                if down {
                    relay.up().await;
                } else {
                    relay.down();
                }
                down = !down;
                trace.push(format!("{step}: server {}", if down { "down" } else { "up" }));
            }
            _ => {
                // A hostile server row: a NaN in a live meal, repaired at the end.
                let row = rows[rng.below(rows.len())].clone();
                let mut pg = sqlx::PgConnection::connect(&url).await.unwrap();
                let hit = sqlx::query("UPDATE meal_logs SET total_calories = 'NaN' WHERE id = $1::uuid")
                    .bind(&row)
                    .execute(&mut pg)
                    .await
                    .unwrap()
                    .rows_affected();
                if hit == 1 {
                    bump(&mut pg, &row).await;
                    hostile.insert(row.clone());
                    trace.push(format!("{step}: the server's {row} gets NaN calories"));
                }
            }
        }
    }

    // Repairs, then sync rounds until nothing moves.
    if down {
        relay.up().await;
    }
    let mut pg = sqlx::PgConnection::connect(&url).await.unwrap();
    for row in &hostile {
        let seq = log.len();
        let hit = sqlx::query(
            "UPDATE meal_logs SET total_calories = 777 WHERE id = $1::uuid AND total_calories = 'NaN'",
        )
        .bind(row)
        .execute(&mut pg)
        .await
        .unwrap()
        .rows_affected();
        if hit == 1 {
            let version = bump(&mut pg, row).await;
            // The repair is the field's latest write.
            log.push(Logged {
                install: 9,
                event: Event::Write { row: row.clone(), field: 2, value: "777".into(), version },
                synced: true,
                seq,
            });
        }
    }
    for _ in 0..3 {
        for i in [0, 1, 2] {
            sync::sync(installs[i].store(), &relayed, &opts())
                .await
                .unwrap_or_else(|e| panic!("seed {seed}: final sync of {i}: {e}\n{}", trace.join("\n")));
        }
    }

    // The model: what must be there.
    let ctx = format!("seed {seed}\n{}", trace.join("\n"));
    let deleted: BTreeSet<&str> = log
        .iter()
        .filter_map(|l| if let Event::Delete { row } = &l.event { Some(row.as_str()) } else { None })
        .collect();
    let created: BTreeSet<&str> = log
        .iter()
        .filter_map(|l| if let Event::Create { row } = &l.event { Some(row.as_str()) } else { None })
        .collect();
    let first = sync::snapshot(installs[0].store()).await.unwrap();
    for (i, install) in installs.iter().enumerate() {
        let store = install.store();
        let status = sync::status(store).await.unwrap();
        let pending: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT tbl, row_id, hlc, deleted FROM sync_rows WHERE pending = 1")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert!(
            pending.is_empty(),
            "install {i} has pending rows {pending:?}, kept aside {:?}\n{ctx}",
            status.quarantined
        );
        assert_eq!(
            status.quarantined_total, 0,
            "install {i} kept rows aside: {:?}\n{ctx}",
            status.quarantined
        );
        let fk: i64 = sqlx::query_scalar("SELECT count(*) FROM pragma_foreign_key_check")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(fk, 0, "install {i}: dangling references\n{ctx}");
        let snap = sync::snapshot(store).await.unwrap();
        for (table, rows) in &first {
            let (ra, rb) = (rows.as_array().unwrap(), snap[table].as_array().unwrap());
            assert_eq!(ra.len(), rb.len(), "install {i}: {table} row counts differ from A\n{ctx}");
            for (x, y) in ra.iter().zip(rb) {
                if x != y {
                    let diff: Vec<String> = x
                        .as_object()
                        .unwrap()
                        .iter()
                        .filter(|(k, v)| y.get(k.as_str()) != Some(v))
                        .map(|(k, v)| {
                            format!(
                                "{k}: A {v} / {i} {}",
                                y.get(k.as_str()).unwrap_or(&serde_json::Value::Null)
                            )
                        })
                        .collect();
                    panic!(
                        "install {i} differs from A in {table} row {}: {}\n{ctx}",
                        x["id"],
                        diff.join("; ")
                    );
                }
            }
        }
        for row in &rows {
            let born = demo.contains(row) || created.contains(row.as_str());
            let want_present = born && !deleted.contains(row.as_str());
            let present = exists(store, row).await;
            assert_eq!(present, want_present, "install {i}: meal {row} present={present}\n{ctx}");
            if !present {
                continue;
            }
            let (n, no, k): (Option<String>, Option<String>, f64) =
                sqlx::query_as("SELECT name, notes, total_calories FROM meal_logs WHERE id = ?")
                    .bind(row)
                    .fetch_one(store.pool())
                    .await
                    .unwrap();
            let got = [n.unwrap_or_default(), no.unwrap_or_default(), format!("{k}")];
            for f in 0..3 {
                let want = log
                    .iter()
                    .filter_map(|l| match &l.event {
                        Event::Write { row: r, field, value, version } if r == row && *field == f => {
                            Some((version, value))
                        }
                        _ => None,
                    })
                    .max()
                    .map(|(_, value)| value.clone())
                    .unwrap_or_else(|| initial[row][f].clone());
                assert_eq!(got[f], want, "install {i}: meal {row} field {}\n{ctx}", FIELDS[f]);
            }
        }
    }
}

fn mark_synced(log: &mut [Logged], install: usize) {
    for l in log.iter_mut().filter(|l| l.install == install) {
        l.synced = true;
    }
}

/// A new version of a row edited on the server by an admin: the row's and
/// its edited field's (total_calories), as the README asks of such edits.
async fn bump(pg: &mut sqlx::PgConnection, row: &str) -> String {
    let hlc = format!("{:015}-00000000-ffffffffffffffff", wagner::clock::now().timestamp_millis());
    sqlx::query(
        "UPDATE sync_rows SET hlc = $1, seq = nextval('sync_rows_seq'), origin = 'admin', \
                fields = fields || jsonb_build_object('total_calories', $1) WHERE row_id = $2::uuid",
    )
    .bind(&hlc)
    .bind(row)
    .execute(pg)
    .await
    .unwrap();
    hlc
}

#[tokio::test]
async fn three_installs_converge_to_the_model_under_random_operations() {
    let seeds: u64 = std::env::var("WAGNER_SYNC_MODEL_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    let steps: usize =
        std::env::var("WAGNER_SYNC_MODEL_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let base: u64 = std::env::var("WAGNER_SYNC_MODEL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(24);
    for seed in base..base + seeds {
        run_model(seed, steps).await;
    }
}
