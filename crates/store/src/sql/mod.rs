//! The SQL behind `Tx`, written once for every backend: one file per area of `Tx`
//! (`accounts.rs`, `channels.rs`, …, each implementing its area trait for `SqlTx`), and
//! here what they share: values and rows, the `Conn` a backend provides, and `SqlTx`.
//! Backends provide a `Conn` that runs a statement with positional `?` parameters; the SQL
//! sticks to what SQLite and PostgreSQL both understand (`RETURNING`, `ON CONFLICT`,
//! integer flags, JSON as text).

mod accounts;
mod analytics;
mod attachments;
mod channels;
mod conversations;
mod decisions;
mod emergencies;
pub(crate) mod events;
mod expectations;
mod health;
mod idempotency;
mod imports;
mod inbox;
mod integrations;
mod mail;
mod notifications;
mod own_data;
mod posts;
mod retention;
mod scheduled;
mod schedules;
pub(crate) mod search;
mod webhooks;
mod workspaces;

pub use inbox::RECOMPUTE_UNREAD_FLAGS;
pub use search::{FTS_INSERT, fts_catch_up, fts_indexed_through};

use serde::Serialize;
use serde::de::DeserializeOwned;
use weft_core::event::NewEvent;
use weft_core::store::{ItemQuery, WriteScope};
use weft_core::{
    ChannelId, CommentId, ConversationId, Error, GroupId, MessageId, Result, ThreadId, UserId, WorkspaceId,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(v.into())
            }
        }
    )*};
}
value_from_int!(i64, i32, bool);

macro_rules! value_from_id {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(v.0)
            }
        }
    )*};
}
value_from_id!(UserId, WorkspaceId, ChannelId, ThreadId, CommentId, GroupId, ConversationId, MessageId);

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// `args![a, b, c]` builds a parameter list.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::sql::Value::from($v)),*][..] };
}
pub(crate) use args;

pub struct Row(pub Vec<Value>);

impl Row {
    pub fn i64(&self, i: usize) -> Result<i64> {
        match &self.0[i] {
            Value::Int(v) => Ok(*v),
            other => Err(Error::Internal(format!("column {i}: expected an integer, found {other:?}"))),
        }
    }
    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        match &self.0[i] {
            Value::Null => Ok(None),
            _ => self.i64(i).map(Some),
        }
    }
    pub fn bool(&self, i: usize) -> Result<bool> {
        Ok(self.i64(i)? != 0)
    }
    pub fn text(&self, i: usize) -> Result<String> {
        match &self.0[i] {
            Value::Text(v) => Ok(v.clone()),
            other => Err(Error::Internal(format!("column {i}: expected text, found {other:?}"))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match &self.0[i] {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn json<T: DeserializeOwned>(&self, i: usize) -> Result<T> {
        let raw = self.text(i)?;
        serde_json::from_str(&raw).map_err(|e| Error::Internal(format!("column {i}: bad JSON: {e}")))
    }
    pub fn opt_json<T: DeserializeOwned>(&self, i: usize) -> Result<Option<T>> {
        match &self.0[i] {
            Value::Null => Ok(None),
            _ => self.json(i).map(Some),
        }
    }
}

/// A workspace membership from the four columns `user_type, removed, pending, deactivated`
/// starting at `at`.
fn membership_from(r: &Row, at: usize) -> Result<weft_core::store::Membership> {
    Ok(weft_core::store::Membership {
        user_type: weft_core::model::UserType::parse(&r.text(at)?).unwrap_or(weft_core::model::UserType::User),
        removed: r.bool(at + 1)?,
        pending: r.bool(at + 2)?,
        deactivated: r.bool(at + 3)?,
    })
}

fn json<T: Serialize + ?Sized>(v: &T) -> Value {
    Value::Text(serde_json::to_string(v).expect("plain data serializes"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One open connection (inside a transaction) of some backend.
pub trait Conn {
    /// For the few statements that differ: full-text search.
    fn dialect(&self) -> Dialect;
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Runs a write whose answer the caller does not need. PostgreSQL sends it without
    /// waiting, to travel with the statements after it (one round trip for a run of them);
    /// if it fails, the next statement of the job, or `settle`, returns its error.
    fn send(&mut self, sql: &str, params: &[Value]) -> Result<()> {
        self.execute(sql, params).map(|_| ())
    }
    /// An id for a new row of `table`, taken from its sequence ahead of the INSERT, so that
    /// the INSERT can be sent (`send`) rather than wait for `RETURNING id`. PostgreSQL takes
    /// them a block at a time (one round trip per block); SQLite, where an INSERT costs no
    /// round trip, has none (`None`: the INSERT returns it).
    fn reserve_id(&mut self, _table: &str) -> Result<Option<i64>> {
        Ok(None)
    }
    /// Waits for every statement `send` left in flight; the first error among them.
    fn settle(&mut self) -> Result<()> {
        Ok(())
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;
    /// Runs queries that do not depend on each other; their rows, in order. PostgreSQL sends
    /// them together: one round trip.
    fn query_many(&mut self, queries: &[(String, Vec<Value>)]) -> Result<Vec<Vec<Row>>> {
        queries.iter().map(|(sql, params)| self.query(sql, params)).collect()
    }
    /// The newest event's sequence number (0 for none). Its own method because PostgreSQL
    /// must plan it afresh each time: a plan cached while the log was small scans the
    /// whole table once it is large.
    fn event_head(&mut self) -> Result<i64>;
}

/// The condition of an outbox row (columns prefixed by `p`) whose turn has come: queued and
/// due, or leased by a worker whose lease ran out (`SqlTx::lease_outbox`). Parameters: now,
/// now.
fn outbox_due(p: &str) -> String {
    format!("(({p}state = 'queued' AND {p}next_attempt_ts <= ?) OR ({p}state = 'sending' AND {p}lease_until_ts <= ?))")
}

/// Rows per multi-row INSERT: well under both engines' limits on parameters.
const ROWS_PER_INSERT: usize = 500;

/// The queries for `select … {column} IN (ids) AND user_id IN (users)`, in chunks whatever
/// the lists' length.
fn among_queries(select: &str, column: &str, ids: &[i64], users: &[UserId]) -> Vec<(String, Vec<Value>)> {
    let (mut ids, mut users) = (ids.to_vec(), users.to_vec());
    ids.sort_unstable();
    ids.dedup();
    users.sort_unstable();
    users.dedup();
    let mut out = Vec::new();
    for ids in ids.chunks(ROWS_PER_INSERT / 2) {
        for chunk in users.chunks(ROWS_PER_INSERT / 2) {
            let sql = format!(
                "{select} {column} IN ({}) AND user_id IN ({})",
                placeholders(ids.len()),
                placeholders(chunk.len())
            );
            let params: Vec<Value> =
                ids.iter().map(|i| Value::Int(*i)).chain(chunk.iter().map(|u| Value::from(*u))).collect();
            out.push((sql, params));
        }
    }
    out
}

fn all_distinct<T: Eq + std::hash::Hash>(items: impl Iterator<Item = T>) -> bool {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().all(|i| seen.insert(i))
}

/// `(?, ?), (?, ?)` for `rows` rows of `width` values.
fn rows_of(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

/// `?, ?, ?` for an IN list of `n` values (at least one, so the SQL stays valid).
fn placeholders(n: usize) -> String {
    if n == 0 { "NULL".to_string() } else { vec!["?"; n].join(", ") }
}

/// When new search documents enter SQLite's full-text index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FtsIndexing {
    /// With the statement that adds the document.
    Immediate,
    /// Once, for every job of a group commit, just before COMMIT (`fts_catch_up`). Writing
    /// to FTS5 inside a job's savepoint makes the next savepoint flush FTS5's pending terms
    /// into a segment of their own: a segment, and later merges of it, per post. Documents
    /// above `indexed_through` (search_docs ids are never reused) are not in the index yet.
    Deferred { indexed_through: i64 },
}

/// `Tx` over any backend's `Conn`.
pub struct SqlTx<'a> {
    conn: &'a mut dyn Conn,
    fts: FtsIndexing,
    /// The newest event's sequence number, once known: the writer holds the exclusive
    /// write section for its whole batch, so after one read (or a previous job's appends)
    /// the head changes only by this transaction's own appends. Saves a round trip per
    /// append on PostgreSQL.
    pub event_head: Option<i64>,
    /// Whether this transaction appended to the event log (so commit must wake streams).
    pub appended_events: bool,
    /// Whether it added search documents that still wait for the full-text index.
    pub deferred_docs: bool,
    /// What the job may change: its events must be of that workspace.
    scope: WriteScope,
    /// The events appended, not numbered yet, when the writer numbers them at the end of its
    /// batch (`writer::flush_events`); `None` when they are numbered as they come.
    pub pending_events: Option<Vec<PendingEvents>>,
}

/// Events appended together by a job whose batch numbers them just before it commits.
pub type PendingEvents = (Vec<NewEvent>, i64);

impl<'a> SqlTx<'a> {
    pub fn new(conn: &'a mut dyn Conn) -> Self {
        Self::in_batch(conn, FtsIndexing::Immediate, None)
    }

    /// A job of the writer's batch: `event_head` is the head left by the batch's previous
    /// jobs, if one read it.
    pub fn in_batch(conn: &'a mut dyn Conn, fts: FtsIndexing, event_head: Option<i64>) -> Self {
        SqlTx {
            conn,
            fts,
            event_head,
            appended_events: false,
            deferred_docs: false,
            scope: WriteScope::Everything,
            pending_events: None,
        }
    }

    /// The job may change only what `scope` covers; with `defer_events`, its events wait in
    /// `pending_events` for the writer to number them.
    pub fn scoped(self, scope: WriteScope, defer_events: bool) -> Self {
        SqlTx { scope, pending_events: defer_events.then(Vec::new), ..self }
    }

    fn one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.conn.query(sql, params)?.into_iter().next())
    }

    /// Leases the outbox rows `ids` of `table` (mail, webhook deliveries) to this worker
    /// until `lease_until`, counting an attempt: other workers skip them until the lease
    /// runs out (`outbox_due`).
    fn lease_outbox(&mut self, table: &str, ids: &[Value], lease_until: i64) -> Result<()> {
        let mut params: Vec<Value> = vec![lease_until.into()];
        params.extend(ids.iter().cloned());
        let sql = format!(
            "UPDATE {table} SET state = 'sending', lease_until_ts = ?, attempts = attempts + 1 WHERE id IN ({})",
            placeholders(ids.len())
        );
        self.conn.send(&sql, &params)
    }

    fn insert_id(&mut self, sql: &str, params: &[Value]) -> Result<i64> {
        self.one(sql, params)?.ok_or(Error::Internal("INSERT returned no id".into()))?.i64(0)
    }

    /// Inserts a row of `table` with these `columns` and `params` and answers its new id:
    /// without waiting for the database where ids can be reserved (`Conn::reserve_id`).
    fn insert_new(&mut self, table: &str, columns: &str, params: &[Value]) -> Result<i64> {
        let values = placeholders(params.len());
        match self.conn.reserve_id(table)? {
            Some(id) => {
                let sql = format!("INSERT INTO {table} (id, {columns}) VALUES (?, {values})");
                let params: Vec<Value> = std::iter::once(Value::Int(id)).chain(params.iter().cloned()).collect();
                self.conn.send(&sql, &params)?;
                Ok(id)
            }
            None => self.insert_id(&format!("INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id"), params),
        }
    }

    /// The first column of the one row `sql` answers, as a number (0 for no row).
    fn count(&mut self, sql: &str, params: &[Value]) -> Result<i64> {
        self.one(sql, params)?.map_or(Ok(0), |r| r.i64(0))
    }
}

/// Appends the WHERE fragments and parameters of an `ItemQuery` (comments and messages).
fn item_filters(q: &ItemQuery, where_: &mut String, params: &mut Vec<Value>, alias: &str) {
    if let Some(v) = q.newer_than_ts {
        where_.push_str(&format!(" AND {alias}.posted_ts > ?"));
        params.push(v.into());
    }
    if let Some(v) = q.older_than_ts {
        where_.push_str(&format!(" AND {alias}.posted_ts < ?"));
        params.push(v.into());
    }
    if let Some(v) = q.from_obj_index {
        where_.push_str(&format!(" AND {alias}.obj_index >= ?"));
        params.push(v.into());
    }
    if let Some(v) = q.to_obj_index {
        where_.push_str(&format!(" AND {alias}.obj_index <= ?"));
        params.push(v.into());
    }
}
