//! What the services need from storage. `Tx` is the data access of one transaction: one
//! trait per area (`Accounts`, `Workspaces`, `Channels`, `Posts`, …, one file each), all
//! of which every backend implements. `Store` runs jobs (closures over a `Tx`) as write or
//! read transactions. Backends live in the `weft-store` crate and pass the same contract
//! suite.

pub mod accounts;
pub mod analytics;
pub mod attachments;
pub mod channels;
pub mod conversations;
pub mod decisions;
pub mod emergencies;
pub mod events;
pub mod expectations;
pub mod health;
pub mod idempotency;
pub mod imports;
pub mod inbox;
pub mod integrations;
pub mod mail;
pub mod notifications;
pub mod own_data;
pub mod posts;
pub mod retention;
pub mod scheduled;
pub mod schedules;
pub mod search;
pub mod webhooks;
pub mod workspaces;

pub use accounts::*;
pub use analytics::*;
pub use attachments::*;
pub use channels::*;
pub use conversations::*;
pub use decisions::*;
pub use emergencies::*;
pub use events::*;
pub use expectations::*;
pub use health::*;
pub use idempotency::*;
pub use imports::*;
pub use inbox::*;
pub use integrations::*;
pub use mail::*;
pub use notifications::*;
pub use own_data::*;
pub use posts::*;
pub use retention::*;
pub use scheduled::*;
pub use schedules::*;
pub use search::*;
pub use webhooks::*;
pub use workspaces::*;

use crate::error::Result;
use crate::ids::WorkspaceId;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub type AnyBox = Box<dyn Any + Send>;
pub type Job = Box<dyn FnOnce(&mut dyn Tx) -> Result<AnyBox> + Send>;

/// What a write job may change. It decides what the job's transaction locks on PostgreSQL,
/// where several nodes share the database: a workspace's jobs wait only for other writes of
/// that workspace, so nodes write different workspaces at once (ARCHITECTURE.md, "Parallel
/// writers"). SQLite has one writer and ignores it, but checks it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteScope {
    /// Anything: the job's batch runs alone in the cluster. The default.
    Everything,
    /// The rows of one workspace, each person's rows about it, and the event log for it:
    /// an event of another workspace fails the job.
    Workspace(WorkspaceId),
}

pub trait Store: Send + Sync {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// Runs `job` in a write transaction that may change what `scope` covers. The future
    /// resolves after the transaction is durably committed (or rolled back if the job failed).
    fn write_job(&self, job: Job, scope: WriteScope) -> BoxFuture<Result<AnyBox>>;
    /// Runs `job` in a read-only transaction (one consistent snapshot).
    fn read_job(&self, job: Job) -> BoxFuture<Result<AnyBox>>;
    /// The sequence number of the newest committed event; changes after each commit.
    fn head(&self) -> tokio::sync::watch::Receiver<i64>;
    /// The newest committed event's sequence number as the database has it now: on a
    /// database several nodes share, also what the others committed that this node has not
    /// heard of yet (`head` learns it a moment later).
    fn committed_head(&self) -> BoxFuture<Result<i64>> {
        let head = *self.head().borrow();
        Box::pin(std::future::ready(Ok(head)))
    }
    /// Finishes queued writes and closes the database cleanly.
    fn close(&self) -> BoxFuture<()>;
    /// How many SQL statements this store has run: tests use it to prove that a list
    /// costs a fixed number of queries whatever its length.
    fn statements(&self) -> u64;
    /// How many write jobs are waiting for the writer (not counting the batch it is
    /// running): tests use it to line jobs up behind one that holds the writer.
    fn queued_writes(&self) -> usize;
    /// Lets go of what idle connections hold (their caches and mapped pages) while the
    /// server is quiet; they are opened again when needed.
    fn release_idle(&self) {}
    /// What the group-commit writer counted (None for a store without one).
    fn writer_stats(&self) -> Option<&WriterStats> {
        None
    }
    /// The size of the write-ahead log in bytes, where the store keeps one Weft can
    /// measure (SQLite's `-wal` file; PostgreSQL's WAL is the server's own).
    fn wal_bytes(&self) -> Option<u64> {
        None
    }
}

impl dyn Store {
    /// Runs `f` in a write transaction that may change anything.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        self.write_scoped(WriteScope::Everything, f).await
    }

    /// Runs `f` in a write transaction that changes only workspace `ws` (`WriteScope`).
    pub async fn write_in<T, F>(&self, ws: WorkspaceId, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        self.write_scoped(WriteScope::Workspace(ws), f).await
    }

    pub async fn write_scoped<T, F>(&self, scope: WriteScope, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let out = self.write_job(Box::new(move |tx| f(tx).map(|v| Box::new(v) as AnyBox)), scope).await?;
        Ok(*out.downcast::<T>().expect("a job returns the type it was built with"))
    }

    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let out = self.read_job(Box::new(move |tx| f(tx).map(|v| Box::new(v) as AnyBox))).await?;
        Ok(*out.downcast::<T>().expect("a job returns the type it was built with"))
    }
}

/// A page of a thread's comments or a conversation's messages.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    pub newer_than_ts: Option<i64>,
    pub older_than_ts: Option<i64>,
    pub from_obj_index: Option<i64>,
    pub to_obj_index: Option<i64>,
    pub ascending: bool,
    pub limit: i64,
}

/// Declares `Tx` as every area at once, implements it for whatever implements them all, and
/// gathers the area traits in `prelude`: the list of areas is written once, below.
macro_rules! tx_of_areas {
    ($($area:ident),+ $(,)?) => {
        /// The data access of one transaction: every area. Lookups return `Ok(None)` for a
        /// missing row and keep `Err` for real storage failures.
        ///
        /// A method of an area trait is callable on a `&mut dyn Tx` without importing that
        /// trait (it is a supertrait of `Tx`); on a concrete type (a backend's own
        /// transaction), bring the area traits into scope with `use weft_core::store::prelude::*`.
        pub trait Tx: $($area +)+ {}

        /// A backend implements the areas one by one; whatever implements them all is a `Tx`.
        impl<T: ?Sized $(+ $area)+> Tx for T {}

        /// The area traits and `Tx`, for code that calls them on a concrete type.
        pub mod prelude {
            pub use super::{Tx, $($area),+};
        }
    };
}

tx_of_areas!(
    Accounts,
    Integrations,
    Workspaces,
    Channels,
    Posts,
    Conversations,
    Inbox,
    Notifications,
    Search,
    Schedules,
    Emergencies,
    Mail,
    Events,
    Idempotency,
    Retention,
    Attachments,
    Expectations,
    ScheduledPosts,
    Decisions,
    Analytics,
    Imports,
    OwnData,
    Health,
    Webhooks,
);
