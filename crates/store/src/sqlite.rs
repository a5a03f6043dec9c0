//! The embedded SQLite backend.
//!
//! - WAL mode, `synchronous=FULL` on every connection: a write is durable once acknowledged.
//! - One writer thread owns the only write connection and commits in groups (`writer.rs`);
//!   being the only writer makes it the exclusive section in which event sequence numbers
//!   are allocated.
//! - Reads run on a small pool of read-only connections (at most `READERS` at once), each
//!   job in one snapshot.

use crate::sql::{Conn, Dialect, Row, Value};
use crate::writer::{WriteConn, WriteRequest, run_job, submit, writer_loop};
use rusqlite::{Connection, OpenFlags, ToSql, params_from_iter, types::ValueRef};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use weft_core::store::{AnyBox, BoxFuture, Job, Store, WriteScope};
use weft_core::{Error, Result};

pub const DB_FILE: &str = "weft.db";
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_inbox_search.sql")),
    (3, include_str!("../migrations/sqlite/0003_schedules.sql")),
    (4, include_str!("../migrations/sqlite/0004_pushes.sql")),
    (5, include_str!("../migrations/sqlite/0005_emergencies.sql")),
    (6, include_str!("../migrations/sqlite/0006_rotations.sql")),
    (7, include_str!("../migrations/sqlite/0007_mail.sql")),
    (8, include_str!("../migrations/sqlite/0008_conversation_pushes.sql")),
    (9, include_str!("../migrations/sqlite/0009_search_filter_tokens.sql")),
    (10, include_str!("../migrations/sqlite/0010_user_event_heads.sql")),
    (11, include_str!("../migrations/sqlite/0011_channel_notification_levels.sql")),
    (12, include_str!("../migrations/sqlite/0012_user_activity.sql")),
    (13, include_str!("../migrations/sqlite/0013_invitations.sql")),
    (14, include_str!("../migrations/sqlite/0014_retention.sql")),
    (15, include_str!("../migrations/sqlite/0015_attachments.sql")),
    (16, include_str!("../migrations/sqlite/0016_events_by_workspace.sql")),
    (17, include_str!("../migrations/sqlite/0017_deactivated_members.sql")),
    (18, include_str!("../migrations/sqlite/0018_mail_secrets.sql")),
    (19, include_str!("../migrations/sqlite/0019_fanout.sql")),
    (20, include_str!("../migrations/sqlite/0020_access_requests.sql")),
    (21, include_str!("../migrations/sqlite/0021_away_replies.sql")),
    (22, include_str!("../migrations/sqlite/0022_expectations.sql")),
    (23, include_str!("../migrations/sqlite/0023_scheduled_posts.sql")),
    (24, include_str!("../migrations/sqlite/0024_away_reply_retention.sql")),
    (25, include_str!("../migrations/sqlite/0025_decisions_meetings.sql")),
    (26, include_str!("../migrations/sqlite/0026_import_map.sql")),
    (27, include_str!("../migrations/sqlite/0027_api_tokens.sql")),
    (28, include_str!("../migrations/sqlite/0028_webhooks.sql")),
    (29, include_str!("../migrations/sqlite/0029_bots_incoming_webhooks.sql")),
    (30, include_str!("../migrations/sqlite/0030_unread_marker.sql")),
];
/// The most reads that run at once (as PostgreSQL's reader pool), each on a blocking thread
/// with a connection of its own; the connections are kept for the next reads. Left
/// unbounded, 64 clients posting opened and closed a connection for every read past the
/// eighth.
const READERS: usize = 8;
/// How much of the database file connections map into memory (SQLite's default build
/// caps it at just under 2 GiB; the rest of a larger file is read as usual).
const MMAP_BYTES: i64 = 2 * 1024 * 1024 * 1024;
/// How often the checkpointer copies the WAL back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// A WAL of more frames (pages) than this is rewound to its start by the writer (below).
const REWIND_FRAMES: i64 = 16384;
/// A WAL file larger than this is truncated (briefly pausing writers): the last resort if
/// rewinding keeps failing, e.g. under a long-running reader.
pub const WAL_LIMIT_BYTES: u64 = 256 * 1024 * 1024;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<WriteRequest>>>,
    writer_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    readers: Arc<Mutex<Vec<Db>>>,
    /// A permit per read running (`READERS`).
    reading: Arc<tokio::sync::Semaphore>,
    head: watch::Receiver<i64>,
    statements: Arc<AtomicU64>,
    checkpointer: Mutex<Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>>,
    /// Set by `release_idle`: the writer lets go of its mapped pages and cache after its
    /// next batch.
    release: Arc<AtomicBool>,
    stats: Arc<weft_core::store::WriterStats>,
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ToSqlOutput;
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

pub(crate) fn storage_error(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            Error::Unavailable("the database is busy; try again".into())
        }
        _ => Error::Internal(format!("sqlite: {e}")),
    }
}

/// A connection that runs the shared SQL (`sql/`).
pub struct Db(pub Connection, pub Arc<AtomicU64>);

impl Conn for Db {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.1.fetch_add(1, Ordering::Relaxed);
        let mut st = self.0.prepare_cached(sql).map_err(storage_error)?;
        st.execute(params_from_iter(params.iter())).map(|n| n as u64).map_err(storage_error)
    }

    fn event_head(&mut self) -> Result<i64> {
        // The rowid's maximum: SQLite reads it off the end of the table.
        let rows = self.query("SELECT COALESCE(MAX(seq), 0) FROM events", &[])?;
        rows.first().map_or(Ok(0), |r| r.i64(0))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.1.fetch_add(1, Ordering::Relaxed);
        let mut st = self.0.prepare_cached(sql).map_err(storage_error)?;
        let n = st.column_count();
        let mut rows = st.query(params_from_iter(params.iter())).map_err(storage_error)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(storage_error)? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match r.get_ref(i).map_err(storage_error)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Int(v as i64),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Savepoint journals (one per job of a group commit) in memory, not in temp files:
    // on disk they were a fifth of the writer's time.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(256);
    // Reads map the database file instead of copying pages through read() into each
    // connection's small page cache: every reader shares the kernel's copy (measured at 1M
    // comments: threads/get_unread p50 14 -> 9.5 ms, filtered search p99 ~140 -> 80 ms).
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    Ok(())
}

pub(crate) fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    configure(&conn)?;
    // No checkpoints inside COMMIT: they made every thousandth page of WAL wait for a copy
    // and an fsync of the database file (commit p90 5 ms against 1 ms without). The
    // checkpointer thread copies the WAL back instead; see `SqliteWriter::after_batch`.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    Ok(conn)
}

/// The write connection, and the checkpointer's request to rewind the WAL.
///
/// SQLite starts the WAL over only when a checkpoint has copied all of it and no reader
/// still uses it. Under steady writes the checkpointer thread never gets that far — new
/// commits land while it copies — so the WAL would grow without end. When it reports a
/// long WAL, the writer itself checkpoints between batches, after their replies went out:
/// nothing is committed meanwhile, so that checkpoint copies the few frames the checkpointer
/// left, completes, and the next transaction starts the WAL from its beginning.
struct SqliteWriter {
    db: Db,
    rewind: Arc<AtomicBool>,
    release: Arc<AtomicBool>,
}

impl WriteConn for SqliteWriter {
    fn ensure_connected(&mut self) -> Result<()> {
        Ok(())
    }
    fn begin(&mut self, _scopes: &[WriteScope], then: &[&str]) -> Result<()> {
        // One writer: the database's own write lock is the only one.
        self.run_sql("BEGIN IMMEDIATE")?;
        self.run_sqls(then)
    }
    fn run_sql(&mut self, sql: &str) -> Result<()> {
        // The writer's own statements (BEGIN, SAVEPOINT, RELEASE…) run for every job: keep
        // them prepared rather than parsing them each time.
        let mut st = self.db.0.prepare_cached(sql).map_err(storage_error)?;
        st.raw_execute().map(drop).map_err(storage_error)
    }
    fn conn(&mut self) -> &mut dyn Conn {
        &mut self.db
    }
    fn commit_statements(&self, _appended_events: bool) -> Vec<String> {
        vec!["COMMIT".to_string()]
    }
    fn after_batch(&mut self) {
        if self.rewind.load(Ordering::Relaxed) {
            // Once this checkpoint has copied everything, the WAL starts over as the next
            // batch begins — unless a reader still uses it then; the checkpointer asks again
            // if so.
            match checkpoint(&self.db.0, "PASSIVE") {
                Ok(Some(wal)) if wal.copied == wal.frames => self.rewind.store(false, Ordering::Relaxed),
                // Another checkpoint was running, or a reader holds frames back: after the next batch.
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "checkpoint failed"),
            }
        }
        if self.release.swap(false, Ordering::Relaxed) {
            // Mapping the file again leaves its pages out of this process until they are
            // read; the page cache is emptied, and the prepared statements (up to 256, one
            // per IN-list length of a query, each holding its compiled program) are
            // finalized. All refill as work comes back.
            self.db.0.flush_prepared_statement_cache();
            let pragmas = format!("PRAGMA mmap_size = 0; PRAGMA mmap_size = {MMAP_BYTES}; PRAGMA shrink_memory;");
            if let Err(e) = self.db.0.execute_batch(&pragmas) {
                tracing::warn!(error = %e, "releasing the writer's memory failed");
            }
        }
    }
    fn close(self) {
        // Fold the WAL back into the database and close.
        if let Err(e) = checkpoint(&self.db.0, "TRUNCATE") {
            tracing::warn!(error = %e, "final checkpoint failed");
        }
        if let Err((_, e)) = self.db.0.close() {
            tracing::warn!(error = %e, "closing the database failed");
        }
    }
}

/// The WAL's length and how much of it is in the database, in frames (pages).
struct Wal {
    frames: i64,
    copied: i64,
}

/// Runs a checkpoint; `None` if another one was running.
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<Option<Wal>> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        let (busy, frames, copied): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok((busy == 0 && frames >= 0).then_some(Wal { frames, copied }))
    })
}

/// Copies the WAL back into the database off the writer's path: a passive checkpoint
/// every quarter second (it never blocks); asks the writer to rewind a long WAL; and
/// truncates the file if it ever grows past `WAL_LIMIT_BYTES` all the same.
fn checkpointer(path: PathBuf, stop: Arc<AtomicBool>, rewind: Arc<AtomicBool>, rewind_frames: i64) {
    let Ok(conn) = Connection::open(&path) else { return };
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
    let wal = path.with_extension("db-wal");
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(CHECKPOINT_EVERY);
        let big = std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_LIMIT_BYTES);
        let mode = if big { "TRUNCATE" } else { "PASSIVE" };
        match checkpoint(&conn, mode) {
            Ok(Some(wal)) if wal.frames > rewind_frames => rewind.store(true, Ordering::Relaxed),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, mode, "checkpoint failed"),
        }
    }
}

pub(crate) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

/// The newest schema version this build's migrations make.
pub fn latest_schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// Applies the embedded migrations not yet recorded in `schema_migrations`. They may call
/// `weft_sha256(text)`: the SHA-256 of a text, in hex, as `auth::token_hash` makes it (to
/// keep only the hash of a secret stored before).
pub(crate) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "weft_sha256",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |cx| {
            let text: String = cx.get(0)?;
            Ok(weft_core::services::auth::token_hash(&text))
        },
    )?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ts INTEGER NOT NULL)",
    )?;
    let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    crate::announce_migrations(current, MIGRATIONS.last().map_or(0, |(v, _)| *v));
    for (version, sql) in MIGRATIONS {
        let done: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)", [version], |r| {
                r.get(0)
            })?;
        if !done {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_migrations (version, applied_ts) VALUES (?, unixepoch())", [version])?;
            tx.commit()?;
            tracing::debug!(version, "applied migration");
        }
    }
    Ok(())
}

impl SqliteStore {
    pub fn open(data_dir: &Path) -> Result<Self> {
        Self::open_with(data_dir, REWIND_FRAMES)
    }

    /// `open`, with the WAL rewound past `rewind_frames` pages (tests use a small WAL).
    fn open_with(data_dir: &Path, rewind_frames: i64) -> Result<Self> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::Internal(format!("cannot create data directory {}: {e}", data_dir.display())))?;
        let path = data_dir.join(DB_FILE);
        let conn = open_writer(&path).map_err(storage_error)?;
        migrate(&conn).map_err(storage_error)?;
        let statements = Arc::new(AtomicU64::new(0));
        let rewind = Arc::new(AtomicBool::new(false));
        let release = Arc::new(AtomicBool::new(false));
        let mut writer =
            SqliteWriter { db: Db(conn, statements.clone()), rewind: rewind.clone(), release: release.clone() };
        let (head_tx, head) = watch::channel(Conn::event_head(&mut writer.db)?);
        let (tx, rx) = mpsc::channel::<WriteRequest>(4096);
        let stats = Arc::new(weft_core::store::WriterStats::default());
        let writer_stats = stats.clone();
        let thread = std::thread::Builder::new()
            .name("weft-sqlite-writer".into())
            .spawn(move || writer_loop(writer, rx, head_tx, writer_stats))
            .map_err(|e| Error::Internal(format!("cannot start the writer thread: {e}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (path.clone(), stop.clone());
        let checkpoints = std::thread::Builder::new()
            .name("weft-sqlite-checkpointer".into())
            .spawn(move || checkpointer(p, s, rewind, rewind_frames))
            .map_err(|e| Error::Internal(format!("cannot start the checkpointer: {e}")))?;
        Ok(SqliteStore {
            path,
            writer: Mutex::new(Some(tx)),
            writer_thread: Mutex::new(Some(thread)),
            readers: Arc::new(Mutex::new(Vec::new())),
            reading: Arc::new(tokio::sync::Semaphore::new(READERS)),
            head,
            statements,
            checkpointer: Mutex::new(Some((stop, checkpoints))),
            release,
            stats,
        })
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn write_job(&self, job: Job, scope: WriteScope) -> BoxFuture<Result<AnyBox>> {
        submit(&self.writer, job, scope)
    }

    fn read_job(&self, job: Job) -> BoxFuture<Result<AnyBox>> {
        let readers = self.readers.clone();
        let path = self.path.clone();
        let statements = self.statements.clone();
        let reading = self.reading.clone();
        Box::pin(async move {
            let permit = reading.acquire_owned().await.map_err(|_| Error::Unavailable("the store is closed".into()))?;
            tokio::task::spawn_blocking(move || {
                // Held until the read ends, even if its caller stopped waiting.
                let _permit = permit;
                let pooled = readers.lock().expect("reader pool").pop();
                let mut conn = match pooled {
                    Some(c) => c,
                    None => Db(open_reader(&path).map_err(storage_error)?, statements),
                };
                conn.0.execute_batch("BEGIN").map_err(storage_error)?;
                let out = run_job(&mut conn, job);
                let _ = conn.0.execute_batch("COMMIT");
                // Kept for the next read: there are never more than `READERS`, one per permit.
                readers.lock().expect("reader pool").push(conn);
                out
            })
            .await
            .map_err(|e| Error::Internal(format!("read task failed: {e}")))?
        })
    }

    fn head(&self) -> watch::Receiver<i64> {
        self.head.clone()
    }

    fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    fn queued_writes(&self) -> usize {
        crate::writer::queued(&self.writer)
    }

    fn writer_stats(&self) -> Option<&weft_core::store::WriterStats> {
        Some(&self.stats)
    }

    fn wal_bytes(&self) -> Option<u64> {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        // No file: the WAL was folded back (at shutdown) or never written.
        Some(std::fs::metadata(wal).map_or(0, |m| m.len()))
    }

    fn release_idle(&self) {
        // Closing a reader unmaps the database file from it and frees its page cache.
        self.readers.lock().expect("reader pool").clear();
        // The writer does the same between batches; an empty job wakes it.
        self.release.store(true, Ordering::Relaxed);
        if let Some(writer) = self.writer.lock().expect("writer lock").clone() {
            let (reply, _) = tokio::sync::oneshot::channel();
            let job: Job = Box::new(|_| Ok(Box::new(()) as AnyBox));
            let _ = writer.try_send(WriteRequest { job, scope: WriteScope::Everything, reply });
        }
    }

    fn close(&self) -> BoxFuture<()> {
        // Dropping the last sender lets the writer finish its queue and close the file.
        self.writer.lock().expect("writer lock").take();
        let checkpointer = self.checkpointer.lock().expect("checkpointer lock").take().map(|(stop, t)| {
            stop.store(true, Ordering::Relaxed);
            t
        });
        let thread = self.writer_thread.lock().expect("writer thread lock").take();
        self.readers.lock().expect("reader pool").clear();
        Box::pin(async move {
            if let Some(t) = thread {
                let _ = tokio::task::spawn_blocking(move || {
                    if let Some(c) = checkpointer {
                        let _ = c.join();
                    }
                    t.join()
                })
                .await;
            }
        })
    }
}

/// Table → sorted column names, from the catalog (the schema comparison test uses it).
/// The full-text engine's own tables (`search_fts*`) are left out: they are SQLite's
/// counterpart of PostgreSQL's `tsv` column.
pub fn columns_of(path: &Path) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let conn = open_reader(path).map_err(storage_error)?;
    let mut out = std::collections::BTreeMap::new();
    let mut st = conn
        .prepare("SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'search_fts%'")
        .map_err(storage_error)?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(storage_error)?;
    for row in rows {
        let (table, column) = row.map_err(storage_error)?;
        out.entry(table).or_insert_with(Vec::new).push(column);
    }
    for cols in out.values_mut() {
        cols.sort();
    }
    Ok(out)
}

#[cfg(test)]
/// A person's unsubscribe secret as stored before the "mail secrets" migration, and two
/// emails that carry it: one sent, one queued.
pub(crate) fn old_mail_rows(token: &str) -> String {
    format!(
        "INSERT INTO mail_unsubscribe (user_id, workspace_id, token) VALUES (1, 2, '{token}'); \
         INSERT INTO mail_outbox (event_seq, user_id, workspace_id, to_addr, subject, text_body, html_body, \
         unsubscribe_url, state, next_attempt_ts, created_ts, sent_ts) VALUES \
         (1, 1, 2, 'a@example.test', 's', 'Stop: {token}', '<a>{token}</a>', 'https://w.test/mail/unsubscribe?token={token}', 'sent', 0, 0, 5), \
         (2, 1, 2, 'a@example.test', 's', 'Stop: {token}', '<a>{token}</a>', 'https://w.test/mail/unsubscribe?token={token}', 'queued', 0, 0, NULL)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_core::event::{Audience, NewEvent};
    use weft_core::ids::WorkspaceId;

    /// The "mail secrets" migration keeps only the hash of each unsubscribe secret given
    /// out before (its link keeps working) and blanks the sent emails that carried one;
    /// one still queued keeps its body, to be sent.
    #[tokio::test]
    async fn unsubscribe_secrets_stored_before_are_hashed_and_sent_ones_blanked() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ts INTEGER NOT NULL)")
            .unwrap();
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v < 18) {
            conn.execute_batch(sql).unwrap();
            conn.execute("INSERT INTO schema_migrations (version, applied_ts) VALUES (?, 0)", [version]).unwrap();
        }
        let token = "ab".repeat(32);
        conn.execute_batch(&super::old_mail_rows(&token)).unwrap();
        migrate(&conn).unwrap();
        let stored: Vec<String> = conn
            .prepare("SELECT token_hash FROM mail_unsubscribe")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(stored, [weft_core::services::auth::token_hash(&token)]);
        let outbox: Vec<(String, String, String, i64)> = conn
            .prepare("SELECT text_body, html_body, unsubscribe_url, secret FROM mail_outbox ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(outbox[0], (String::new(), String::new(), String::new(), 1), "sent: blanked");
        assert!(outbox[1].0.contains(&token) && outbox[1].3 == 1, "queued: kept to be sent, blanked once sent");
        drop(conn);
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let owner = store.read(move |tx| weft_core::services::mail::link_owner(tx, &token, now)).await.unwrap();
        assert_eq!(owner, (weft_core::UserId(1), WorkspaceId(2)), "the link already sent still works");
        store.close().await;
    }

    /// A stream's replay reads its own workspace's events through their index, not the
    /// whole log in sequence order.
    #[tokio::test]
    async fn a_workspace_replay_reads_through_the_workspace_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_with(dir.path(), 256).unwrap();
        store.close().await;
        let conn = Connection::open(dir.path().join("weft.db")).unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", crate::sql::events::workspace_page_sql());
        let mut stmt = conn.prepare(&sql).unwrap();
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params![1, 0, 10, 1, 1, 10, 1000], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().any(|step| step.contains("USING INDEX events_workspace")), "{plan:?}");
    }

    /// Letting go of idle memory closes the pooled readers and has the writer unmap the
    /// file between batches; reads and writes carry on as before.
    #[tokio::test]
    async fn a_store_that_let_go_of_its_idle_memory_keeps_working() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let event = |n: i64| NewEvent {
            workspace_id: WorkspaceId(1),
            kind: "test_event",
            audience: Audience::workspace(),
            payload: serde_json::json!({ "n": n }),
            fanout: None,
        };
        let append = |n| -> Job { Box::new(move |tx| Ok(Box::new(tx.append_events(&[event(n)], n)?) as AnyBox)) };
        store.write_job(append(1), WriteScope::Everything).await.unwrap();
        store.read_job(Box::new(|tx| Ok(Box::new(tx.events_after(0, 10)?) as AnyBox))).await.unwrap();
        assert_eq!(store.readers.lock().unwrap().len(), 1, "a reader is pooled");
        store.release_idle();
        assert_eq!(store.readers.lock().unwrap().len(), 0, "the pooled readers are closed");
        for _ in 0..500 {
            if !store.release.load(Ordering::Relaxed) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(!store.release.load(Ordering::Relaxed), "the writer let go after its wake-up batch");
        store.write_job(append(2), WriteScope::Everything).await.unwrap();
        let events = store.read_job(Box::new(|tx| Ok(Box::new(tx.events_after(0, 10)?) as AnyBox))).await.unwrap();
        let events = events.downcast::<Vec<weft_core::event::Event>>().unwrap();
        assert_eq!(events.iter().map(|e| e.data["n"].as_i64()).collect::<Vec<_>>(), [Some(1), Some(2)]);
        store.close().await;
    }

    /// Under steady writes, with reads going on, the WAL is rewound instead of growing with
    /// everything written (the truncating fallback is far above what this writes).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_is_rewound_under_steady_writes() {
        let dir = tempfile::tempdir().unwrap();
        // Rewound past 1 MiB of WAL.
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open_with(dir.path(), 256).unwrap());
        let wal = dir.path().join("weft.db-wal");
        // Four writers without pause for two seconds (the checkpointer looks every 250 ms),
        // so that a checkpoint racing them never copies the whole WAL by itself — and on a
        // busy machine, longer, until each wrote 3 MiB.
        let start = std::time::Instant::now();
        let (least, most) = (start + Duration::from_secs(2), start + Duration::from_secs(60));
        const EACH: u64 = 3 << 20;
        let writers: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut written = 0u64;
                    loop {
                        let now = std::time::Instant::now();
                        if now >= most || (now >= least && written >= EACH) {
                            break;
                        }
                        let event = NewEvent {
                            workspace_id: WorkspaceId(1),
                            kind: "test_event",
                            audience: Audience::workspace(),
                            payload: serde_json::json!({ "filler": "x".repeat(50_000) }),
                            fanout: None,
                        };
                        store.write(move |tx| tx.append_events(&[event], 1)).await.unwrap();
                        store.read(|tx| tx.events_after(0, 1)).await.unwrap();
                        written += 50_000;
                    }
                    written
                })
            })
            .collect();
        let mut largest = 0u64;
        while writers.iter().any(|w| !w.is_finished()) {
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut written = 0;
        for w in writers {
            written += w.await.unwrap();
        }
        assert!(written > 8 << 20, "only {written} bytes written");
        assert!(largest < written / 2, "the WAL reached {largest} bytes after {written} written");
        store.close().await;
    }
}
