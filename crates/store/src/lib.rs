//! Weft's storage: one implementation of the data access (`sql`), and the backends that run
//! it. The backend is chosen at run time from the configuration, never at compile time.

pub mod sql;
pub mod sqlite;

use std::path::Path;
use std::sync::Arc;
use weft_core::store::Store;

/// Opens (creating if needed) the embedded SQLite database in `data_dir`.
pub fn open_sqlite(data_dir: &Path) -> weft_core::Result<Arc<dyn Store>> {
    Ok(Arc::new(sqlite::SqliteStore::open(data_dir)?))
}
