//! Weft's storage: one implementation of the data access (`sql`), and the backends that run
//! it. The backend is chosen at run time from the configuration, never at compile time.

pub mod copy;
pub mod pg;
pub mod pg_tls;
pub mod sql;
pub mod sqlite;
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
