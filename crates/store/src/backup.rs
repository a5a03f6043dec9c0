//! The database side of `weft admin backup` and `restore` for the embedded database.
//!
//! A backup is `VACUUM INTO`: one read transaction writes a compact copy of the database as
//! it was when that transaction began. It needs no lock a writer waits for, so a running
//! server keeps writing meanwhile; every write it acknowledged before the backup began is
//! in the copy (acknowledged means committed, with `synchronous = FULL`).
//!
//! A running `weft serve` holds an exclusive lock on `<data>/weft.lock` (`lock_data_dir`):
//! restoring takes the same lock, so it can never replace a database under a live server.

use crate::sql::{Conn, Value};
use crate::sqlite::{DB_FILE, Db, open_reader};
use std::fs::File;
use std::path::{Path, PathBuf};
/// Errors are sentences for an operator at a shell.
type Result<T> = std::result::Result<T, String>;

/// The file a running server keeps locked in its data directory.
pub const LOCK_FILE: &str = "weft.lock";

/// What a snapshot holds, read back from the copy itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub schema_version: i64,
    /// The SHA-256 names of the attachments' blobs the database knows.
    pub blobs: Vec<String>,
    pub bytes: u64,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("{what} {}: {e}", path.display())
}

fn db(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Takes the data directory's lock for as long as the returned file is open; fails when a
/// server (or a restore) holds it. The kernel releases it when the process ends, however it
/// ends, so a crashed server leaves no stale lock.
pub fn lock_data_dir(dir: &Path) -> Result<File> {
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))?;
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io("cannot open", &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(format!("a Weft server is running on {} (it holds {LOCK_FILE}); stop it first", dir.display()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock", &path, e)),
    }
}

/// Writes a consistent copy of the database in `data_dir` to `out` (which must not exist).
pub fn snapshot(data_dir: &Path, out: &Path) -> Result<Snapshot> {
    let source = data_dir.join(DB_FILE);
    if !source.is_file() {
        return Err(format!("no Weft database in {} (no {DB_FILE} there)", data_dir.display()));
    }
    if out.exists() {
        return Err(format!("{} already exists", out.display()));
    }
    let target = out.to_str().ok_or_else(|| format!("{} is not valid UTF-8", out.display()))?;
    let conn = open_reader(&source).map_err(db)?;
    conn.execute("VACUUM INTO ?1", [target]).map_err(|e| format!("cannot copy the database: {e}"))?;
    drop(conn);
    inspect(out)
}

/// The schema version and blobs of a database file, after checking that it is whole.
pub fn inspect(file: &Path) -> Result<Snapshot> {
    let conn = open_reader(file).map_err(db)?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| format!("{} is not a Weft database: {e}", file.display()))?;
    if check != "ok" {
        return Err(format!("{} is damaged: {check}", file.display()));
    }
    let mut db_conn = Db(conn, Default::default());
    let not_weft = |e: weft_core::Error| format!("{} is not a Weft database: {e}", file.display());
    let version = db_conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).map_err(not_weft)?;
    let schema_version = version.first().map_or(Ok(0), |r| r.i64(0)).map_err(not_weft)?;
    let rows = db_conn.query("SELECT sha256 FROM attachment_blobs ORDER BY sha256", &[]).map_err(not_weft)?;
    let blobs = rows.iter().map(|r| r.text(0)).collect::<weft_core::Result<Vec<_>>>().map_err(not_weft)?;
    let bytes = std::fs::metadata(file).map_err(|e| io("cannot read", file, e))?.len();
    Ok(Snapshot { schema_version, blobs, bytes })
}

/// Puts the database file `from` in place as `data_dir`'s database. The caller holds the
/// data directory's lock. The database there before, if any, is moved aside with its WAL
/// (never deleted) and the path it went to returned.
pub fn install(from: &Path, data_dir: &Path, now: i64) -> Result<Option<PathBuf>> {
    let db = data_dir.join(DB_FILE);
    let staged = data_dir.join(format!("{DB_FILE}.restoring"));
    std::fs::copy(from, &staged).map_err(|e| io("cannot copy the backup to", &staged, e))?;
    File::open(&staged).and_then(|f| f.sync_all()).map_err(|e| io("cannot flush", &staged, e))?;
    let mut aside = None;
    if db.exists() {
        let old = data_dir.join(format!("{DB_FILE}.before-restore-{now}"));
        // The WAL and shared-memory files belong to the database beside them: they move
        // with it, or SQLite would apply the old database's WAL to the restored one.
        for suffix in ["-wal", "-shm", ""] {
            let from = data_dir.join(format!("{DB_FILE}{suffix}"));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", old.display()));
                std::fs::rename(&from, &to).map_err(|e| io("cannot move aside", &from, e))?;
            }
        }
        aside = Some(old);
    }
    std::fs::rename(&staged, &db).map_err(|e| io("cannot put in place", &db, e))?;
    File::open(data_dir).and_then(|d| d.sync_all()).map_err(|e| io("cannot flush", data_dir, e))?;
    Ok(aside)
}

/// The newest schema this build knows: a backup from a newer Weft is refused.
pub fn latest_schema_version() -> i64 {
    crate::sqlite::latest_schema_version()
}

/// Whether a PostgreSQL database already holds Weft's schema.
pub fn postgres_has_schema(url: &str) -> Result<bool> {
    crate::pg::off_runtime(|| {
        let mut c = crate::pg::PgConn::new(url, std::time::Duration::from_secs(5));
        let rows =
            c.query("SELECT COUNT(*) FROM pg_tables WHERE tablename = ?", &[Value::Text("schema_migrations".into())])?;
        Ok(rows.first().map_or(Ok(0), |r| r.i64(0))? > 0)
    })
    .map_err(db)
}
