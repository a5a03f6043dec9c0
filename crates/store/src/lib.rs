//! Weft's storage: one implementation of the data access (`sql`), and the backends that run
//! it. The backend is chosen at run time from the configuration, never at compile time.

pub mod backup;
pub mod copy;
pub mod pg;
pub mod pg_tls;
pub mod sql;
pub mod sqlite;
pub mod transfer;
pub mod writer;

use std::path::Path;
use std::sync::Arc;
use weft_core::store::Store;

/// Opens (creating if needed) the embedded SQLite database in `data_dir`.
pub fn open_sqlite(data_dir: &Path) -> weft_core::Result<Arc<dyn Store>> {
    Ok(Arc::new(sqlite::SqliteStore::open(data_dir)?))
}

/// Where the data lives: the embedded SQLite database in a directory, or PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(dir) => format!("SQLite database in {}", dir.display()),
            Location::Postgres(url) => format!("PostgreSQL at {}", redact(url)),
        }
    }
}

/// A database URL without its password, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Says, before migrating, whether the schema is being created or upgraded: some
/// migrations rebuild an index over every document, which takes a while.
fn announce_migrations(current: i64, latest: i64) {
    if current == 0 {
        tracing::info!(version = latest, "creating the database schema");
    } else if current < latest {
        tracing::info!(from = current, to = latest, "upgrading the database schema (minutes on a large database)");
    }
}

pub fn open(location: &Location, pg: pg::PgOptions) -> weft_core::Result<Arc<dyn Store>> {
    match location {
        Location::Sqlite(dir) => open_sqlite(dir),
        Location::Postgres(url) => Ok(Arc::new(pg::PgStore::open(url, pg)?)),
    }
}

/// For tests: every text value in every table, joined, read while a server may run. A
/// secret (a token, an invitation or reset code) must be found nowhere in it.
pub fn stored_text(location: &Location) -> weft_core::Result<String> {
    use sql::Conn;
    // The columns `columns_of` lists: all but derived ones (PostgreSQL's search vector).
    let read_all = |conn: &mut dyn Conn, tables: Vec<(String, Vec<String>)>| -> weft_core::Result<String> {
        let mut out = String::new();
        for (table, columns) in tables {
            for row in conn.query(&format!("SELECT {} FROM {table}", columns.join(", ")), &[])? {
                for v in row.0 {
                    if let sql::Value::Text(t) = v {
                        out.push_str(&t);
                        out.push('\n');
                    }
                }
            }
        }
        Ok(out)
    };
    match location {
        Location::Sqlite(dir) => {
            let path = dir.join(sqlite::DB_FILE);
            let tables = sqlite::columns_of(&path)?.into_iter().collect();
            let conn = sqlite::open_reader(&path).map_err(sqlite::storage_error)?;
            read_all(&mut sqlite::Db(conn, Default::default()), tables)
        }
        Location::Postgres(url) => {
            let tables = pg::columns_of(url)?.into_iter().collect();
            pg::off_runtime(|| read_all(&mut pg::PgConn::new(url, std::time::Duration::from_secs(5)), tables))
        }
    }
}
