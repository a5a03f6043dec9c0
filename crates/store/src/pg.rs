//! The PostgreSQL backend, for several Weft nodes sharing one database.
//!
//! - Writes: one writer thread per node, with the same group commit as SQLite
//!   (`writer.rs`), and transaction-scoped advisory locks between nodes (`begin`). A batch
//!   whose jobs each keep to a workspace (`WriteScope::Workspace`) takes `WRITE_LOCK`
//!   shared and its workspaces' locks, in id order: batches of other workspaces run beside
//!   it, those of the same workspace wait (so read-modify-writes such as a thread's next
//!   `obj_index` stay serialized). It takes `EVENT_LOG_LOCK` only to number its events,
//!   just before it commits (`lock_event_log`). Any other batch takes `WRITE_LOCK`
//!   exclusively, alone in the cluster. Either way event sequence numbers (the next
//!   integers, allocated under a lock held until commit) are gap-free and commit in order —
//!   a reader can never see seq N+1 before N. Locks are always taken in the order
//!   `WRITE_LOCK`, workspaces by id, `EVENT_LOG_LOCK`: no deadlock.
//! - A batch that appended events runs `pg_notify` before COMMIT; PostgreSQL delivers it at
//!   commit to every node's listener, which then publishes the new head to its streams. The
//!   listener also polls once a second, so a lost notification delays, never loses, events.
//! - Reads: a pool of reader threads, each with its own connection; each job runs in one
//!   REPEATABLE READ, READ ONLY snapshot.
//! - A lost connection is reopened on the next job; meanwhile calls fail with
//!   `Unavailable` (HTTP 503) instead of hanging or crashing.

use crate::pg_tls::SslMode;
use crate::sql::{Conn, Dialect, Row, Value};
use crate::writer::{RELEASE, ROLLBACK_TO, WriteConn, WriteRequest, run_job, writer_loop};
use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::collections::HashMap;
use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc as std_mpsc};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_postgres::{Client, NoTls, Statement};
use weft_core::store::{AnyBox, BoxFuture, Job, Store, WriteScope};
use weft_core::{Error, Result};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (2, include_str!("../migrations/postgres/0002_inbox_search.sql")),
    (3, include_str!("../migrations/postgres/0003_schedules.sql")),
    (4, include_str!("../migrations/postgres/0004_pushes.sql")),
    (5, include_str!("../migrations/postgres/0005_emergencies.sql")),
    (6, include_str!("../migrations/postgres/0006_rotations.sql")),
    (7, include_str!("../migrations/postgres/0007_mail.sql")),
    (8, include_str!("../migrations/postgres/0008_search_by_author.sql")),
    (9, include_str!("../migrations/postgres/0009_conversation_pushes.sql")),
    (10, include_str!("../migrations/postgres/0010_search_filter_lexemes.sql")),
    (11, include_str!("../migrations/postgres/0011_user_event_heads.sql")),
    (12, include_str!("../migrations/postgres/0012_channel_notification_levels.sql")),
    (13, include_str!("../migrations/postgres/0013_user_activity.sql")),
    (14, include_str!("../migrations/postgres/0014_invitations.sql")),
    (15, include_str!("../migrations/postgres/0015_retention.sql")),
    (16, include_str!("../migrations/postgres/0016_attachments.sql")),
    (17, include_str!("../migrations/postgres/0017_events_by_workspace.sql")),
    (18, include_str!("../migrations/postgres/0018_deactivated_members.sql")),
    (19, include_str!("../migrations/postgres/0019_mail_secrets.sql")),
    (20, include_str!("../migrations/postgres/0020_fanout.sql")),
    (21, include_str!("../migrations/postgres/0021_access_requests.sql")),
    (22, include_str!("../migrations/postgres/0022_away_replies.sql")),
    (23, include_str!("../migrations/postgres/0023_expectations.sql")),
    (24, include_str!("../migrations/postgres/0024_scheduled_posts.sql")),
    (25, include_str!("../migrations/postgres/0025_away_reply_retention.sql")),
    (26, include_str!("../migrations/postgres/0026_decisions_meetings.sql")),
    (27, include_str!("../migrations/postgres/0027_import_map.sql")),
    (28, include_str!("../migrations/postgres/0028_api_tokens.sql")),
    (29, include_str!("../migrations/postgres/0029_webhooks.sql")),
    (30, include_str!("../migrations/postgres/0030_bots_incoming_webhooks.sql")),
    (31, include_str!("../migrations/postgres/0031_unread_marker.sql")),
];
/// The advisory lock every batch takes: shared by batches that keep to workspaces, taken
/// exclusively by the others, which so run alone in the cluster ("WEFT").
pub const WRITE_LOCK: i64 = 0x5745_4654;
/// The advisory lock under which a batch of workspaces numbers its events ("WELG").
const EVENT_LOG_LOCK: i64 = 0x5745_4C47;
/// The class of the workspaces' advisory locks, in PostgreSQL's two-key space (apart from
/// the one-key space of the two above); the workspace id folded to 32 bits is the other
/// key. Two workspaces that fold alike merely take turns.
const WORKSPACE_LOCKS: i32 = 0x5746;

/// The statements that start a batch of jobs of these scopes (see the module's comment).
fn begin_statements(scopes: &[WriteScope]) -> String {
    let mut keys = Vec::with_capacity(scopes.len());
    for scope in scopes {
        match scope {
            WriteScope::Workspace(ws) => keys.push(((ws.0 >> 32) ^ ws.0) as i32),
            WriteScope::Everything => return format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let mut sql = format!("BEGIN; SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})");
    for key in keys {
        sql.push_str(&format!("; SELECT pg_advisory_xact_lock({WORKSPACE_LOCKS}, {key})"));
    }
    sql
}
pub const NOTIFY_CHANNEL: &str = "weft_events";

/// How many ids `Conn::reserve_id` takes from a sequence at once.
const IDS_PER_BLOCK: usize = 64;
const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Reader connections (and threads) per node.
    pub readers: usize,
    pub connect_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions { readers: 8, connect_timeout: Duration::from_secs(5) }
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => v.to_string().as_str().to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// The driver's settings for `url`, and the TLS its `sslmode` asks for (`pg_tls`).
fn config_of(url: &str) -> Result<(SslMode, tokio_postgres::Config)> {
    let (mode, driver_url) = crate::pg_tls::ssl_mode(url)?;
    let config = driver_url.parse().map_err(|e| Error::Internal(format!("invalid database URL: {e}")))?;
    Ok((mode, config))
}

fn unreachable(e: postgres::Error, mode: SslMode) -> Error {
    // The driver's message alone can be just "error performing TLS handshake": the
    // reason (a certificate not valid for the host …) is in its sources.
    let mut why = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        why.push_str(&format!(": {s}"));
        source = s.source();
    }
    tracing::warn!(error = %why, sslmode = ?mode, "cannot connect to PostgreSQL");
    Error::Unavailable(format!("the database is unreachable (sslmode {mode:?}): {why}"))
}

/// A blocking connection to the database `url` names, over TLS as its `sslmode` asks.
pub fn open(url: &str, configure: impl FnOnce(&mut tokio_postgres::Config)) -> Result<postgres::Client> {
    let (mode, mut config) = config_of(url)?;
    configure(&mut config);
    let config = postgres::Config::from(config);
    let connected = match crate::pg_tls::connector(mode)? {
        Some(tls) => config.connect(tls),
        None => config.connect(NoTls),
    };
    connected.map_err(|e| unreachable(e, mode))
}

/// The same, for the connections of the writer and readers (`PgConn`): its driver runs as
/// a task of the calling thread's runtime.
async fn open_async(url: &str, configure: impl FnOnce(&mut tokio_postgres::Config)) -> Result<Client> {
    let (mode, mut config) = config_of(url)?;
    configure(&mut config);
    let connected = match crate::pg_tls::connector(mode)? {
        Some(tls) => connect_driven(&config, tls).await,
        None => connect_driven(&config, NoTls).await,
    };
    connected.map_err(|e| unreachable(e, mode))
}

async fn connect_driven<T>(config: &tokio_postgres::Config, tls: T) -> std::result::Result<Client, postgres::Error>
where
    T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>,
    T::Stream: Send + 'static,
{
    let (client, connection) = config.connect(tls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "PostgreSQL connection ended");
        }
    });
    Ok(client)
}

/// Waits for every statement in flight; the first error among them.
/// Polls a request once, which puts it in the connection's queue behind those already
/// there (the statements in flight): they all go out together when the runtime next writes.
/// Its answer if that came at once.
async fn queue<F: Future>(mut request: Pin<&mut F>) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(request.as_mut().poll(cx))).await
}

async fn answers(in_flight: Vec<InFlight>) -> std::result::Result<(), postgres::Error> {
    let mut first = Ok(());
    for statement in in_flight {
        let answer = statement.await.map(drop);
        first = first.and(answer);
    }
    first
}

fn pg_error(e: postgres::Error) -> Error {
    if e.is_closed() || e.code().is_none() && e.source().is_some_and(|s| s.is::<std::io::Error>()) {
        return Error::Unavailable("the database is unreachable".into());
    }
    match e.code() {
        Some(c) if c.code().starts_with("08") || c.code().starts_with("57P") => {
            Error::Unavailable("the database is unreachable".into())
        }
        _ => Error::Internal(format!("postgres: {e}")),
    }
}

/// `?` placeholders (the shared SQL's) become `$1, $2, …`.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

/// A statement sent and not answered yet (`Conn::send`).
type InFlight = Pin<Box<dyn Future<Output = std::result::Result<u64, postgres::Error>> + Send>>;

/// A connection and the single-threaded runtime that drives it, only while its thread
/// waits for an answer: everything sent meanwhile goes out together.
struct Link {
    client: Arc<Client>,
    runtime: tokio::runtime::Runtime,
}

/// A connection with its prepared statements; reconnects when found closed.
pub struct PgConn {
    statements: Arc<AtomicU64>,
    url: String,
    timeout: Duration,
    link: Option<Link>,
    prepared: HashMap<String, Statement>,
    in_flight: Vec<InFlight>,
    /// Ids taken from tables' sequences and not used yet (`Conn::reserve_id`). Kept across
    /// transactions and connections: a sequence never hands a value out twice.
    reserved: HashMap<String, Vec<i64>>,
    /// Where the writer's connection counts the answers it waits for (`WriterStats`).
    writer_stats: Option<Arc<weft_core::store::WriterStats>>,
}

impl PgConn {
    pub fn new(url: &str, timeout: Duration) -> Self {
        Self::counted(url, timeout, Default::default())
    }

    fn counted(url: &str, timeout: Duration, counter: Arc<AtomicU64>) -> Self {
        PgConn {
            statements: counter,
            url: url.to_string(),
            timeout,
            link: None,
            prepared: HashMap::new(),
            in_flight: Vec::new(),
            reserved: HashMap::new(),
            writer_stats: None,
        }
    }

    fn connect(url: &str, timeout: Duration) -> Result<Link> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start a database runtime: {e}")))?;
        let client = runtime.block_on(open_async(url, |config| {
            config.connect_timeout(timeout);
            config.application_name("weft");
            // Weft reads by primary keys and narrow indexes, from a working set that is
            // normally in memory: planned with the default cost of a random read (4, a
            // spinning disk), PostgreSQL scans whole tables instead (threads/get_unread at 1M
            // comments: 27-46 ms with a scan of `threads`, 13-25 ms with index lookups).
            config.options("-c client_min_messages=warning -c random_page_cost=1.1");
        }))?;
        Ok(Link { client: Arc::new(client), runtime })
    }

    fn ensure(&mut self) -> Result<&Link> {
        if self.link.as_ref().is_none_or(|l| l.client.is_closed()) {
            self.forget();
            self.link = Some(Self::connect(&self.url, self.timeout)?);
        }
        Ok(self.link.as_ref().expect("connected"))
    }

    fn count_round_trip(&self) {
        if let Some(stats) = &self.writer_stats {
            stats.round_trips.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn forget(&mut self) {
        self.link = None;
        self.prepared.clear();
        self.in_flight.clear();
    }

    /// Sends the request `make` builds behind the statements in flight, in the same round
    /// trip, and waits for its answer. If one of those failed, their first error is the
    /// answer (the request failed too: the transaction was aborted).
    fn call<T, F>(&mut self, make: impl FnOnce(Arc<Client>) -> F) -> Result<T>
    where
        F: Future<Output = std::result::Result<T, postgres::Error>>,
    {
        self.count_round_trip();
        let in_flight = std::mem::take(&mut self.in_flight);
        let link = self.ensure()?;
        let client = link.client.clone();
        let r = link.runtime.block_on(async move {
            let mut own = std::pin::pin!(make(client));
            let answered = queue(own.as_mut()).await;
            answers(in_flight).await?;
            match answered {
                Poll::Ready(answer) => answer,
                Poll::Pending => own.await,
            }
        });
        self.forget_if_broken(r.map_err(pg_error))
    }

    /// Runs the simple statements `sql` behind the writes in flight, in the same round trip.
    /// Answers the first of those writes' errors (if one failed, `sql` failed too: the
    /// transaction was aborted) and `sql`'s own answer; a lost connection is the outer error.
    fn batch_behind(&mut self, sql: &str) -> Result<(Result<()>, Result<Vec<postgres::SimpleQueryMessage>>)> {
        self.count_round_trip();
        let in_flight = std::mem::take(&mut self.in_flight);
        let link = self.ensure()?;
        let client = link.client.clone();
        let (earlier, own) = link.runtime.block_on(async move {
            let mut own = std::pin::pin!(client.simple_query(sql));
            let answered = queue(own.as_mut()).await;
            let earlier = answers(in_flight).await;
            let own = match answered {
                Poll::Ready(answer) => answer,
                Poll::Pending => own.await,
            };
            (earlier.map_err(pg_error), own.map_err(pg_error))
        });
        if let Err(Error::Unavailable(why)) = earlier.as_ref().and(own.as_ref()) {
            let lost = Error::Unavailable(why.clone());
            return self.forget_if_broken(Err(lost));
        }
        Ok((earlier, own))
    }

    pub fn batch(&mut self, sql: &str) -> Result<()> {
        self.call(|c| async move { c.batch_execute(sql).await })
    }

    /// Starts a transaction. A pooled connection may have died while idle (the server
    /// restarted): that shows on its first statement, before any job ran, so it is safe to
    /// reconnect and try once more.
    fn begin_fresh(&mut self, sql: &str) -> Result<()> {
        self.fresh(|c| c.batch(sql))
    }

    /// Runs `first`, the first call since the connection was last used, once more on a new
    /// connection if the old one turns out to have died while idle: nothing ran on it yet.
    fn fresh<T>(&mut self, mut first: impl FnMut(&mut Self) -> Result<T>) -> Result<T> {
        let had_link = self.link.is_some();
        match first(self) {
            Err(Error::Unavailable(_)) if had_link => first(self),
            other => other,
        }
    }

    fn forget_if_broken<T>(&mut self, r: Result<T>) -> Result<T> {
        if let Err(Error::Unavailable(_)) = &r {
            self.forget();
        }
        r
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(st) = self.prepared.get(sql) {
            return Ok(st.clone());
        }
        let text = numbered(sql);
        let st = self.call(|c| async move { c.prepare(&text).await })?;
        self.prepared.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

fn params_of(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// The first column of the last statement's row, from `… ; SELECT seq …`, as a sequence
/// number (0 for no row).
fn head_of(messages: Vec<postgres::SimpleQueryMessage>) -> Result<i64> {
    let mut head = Ok(0);
    for m in messages {
        match m {
            postgres::SimpleQueryMessage::Row(row) => {
                let text = row.get(0).unwrap_or("0");
                head = text.parse().map_err(|_| Error::Internal(format!("bad event sequence number {text:?}")));
            }
            // A later statement's answer replaces an earlier one's.
            postgres::SimpleQueryMessage::RowDescription(_) => head = Ok(0),
            _ => {}
        }
    }
    head
}

/// Not prepared: planned with the table's current size, it reads the end of the primary
/// key (a plan kept from when the log was small scans every row).
const EVENT_HEAD: &str = "SELECT seq FROM events ORDER BY seq DESC LIMIT 1";

impl Conn for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let st = self.statement(sql)?;
        self.call(|c| async move { c.execute(&st, &params_of(params)).await })
    }

    fn send(&mut self, sql: &str, params: &[Value]) -> Result<()> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let st = self.statement(sql)?;
        let client = self.ensure()?.client.clone();
        let params = params.to_vec();
        let mut statement: InFlight = Box::pin(async move { client.execute(&st, &params_of(&params)).await });
        // Its first poll puts the request in the connection's queue; the runtime writes
        // it out with the next request this thread waits for.
        match statement.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Pending => self.in_flight.push(statement),
            Poll::Ready(answer) => self.in_flight.push(Box::pin(std::future::ready(answer))),
        }
        Ok(())
    }

    fn reserve_id(&mut self, table: &str) -> Result<Option<i64>> {
        if let Some(id) = self.reserved.get_mut(table).and_then(Vec::pop) {
            return Ok(Some(id));
        }
        // Gaps are harmless (a rolled-back INSERT leaves one too); what is left unused when
        // the server stops is at most a block.
        let rows = self.query(
            &format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, {IDS_PER_BLOCK})"
            ),
            &[],
        )?;
        let mut ids = rows.iter().map(|r| r.i64(0)).collect::<Result<Vec<i64>>>()?;
        // Handed out smallest first: ids still grow in the order rows are written.
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let id = ids.pop();
        self.reserved.insert(table.to_string(), ids);
        Ok(id)
    }

    fn settle(&mut self) -> Result<()> {
        if self.in_flight.is_empty() {
            return Ok(());
        }
        self.call(|_| std::future::ready(Ok(())))
    }

    fn query_many(&mut self, queries: &[(String, Vec<Value>)]) -> Result<Vec<Vec<Row>>> {
        self.statements.fetch_add(queries.len() as u64, Ordering::Relaxed);
        let statements: Vec<Statement> = queries.iter().map(|(sql, _)| self.statement(sql)).collect::<Result<_>>()?;
        let answers = self.call(|c| async move {
            let params: Vec<_> = queries.iter().map(|(_, params)| params_of(params)).collect();
            let mut pending: Vec<_> =
                statements.iter().zip(&params).map(|(st, params)| Box::pin(c.query(st, params))).collect();
            let mut answered = Vec::with_capacity(pending.len());
            for query in &mut pending {
                answered.push(queue(query.as_mut()).await);
            }
            let mut rows = Vec::with_capacity(pending.len());
            for (query, answer) in pending.iter_mut().zip(answered) {
                rows.push(match answer {
                    Poll::Ready(answer) => answer?,
                    Poll::Pending => query.await?,
                });
            }
            Ok(rows)
        })?;
        answers.iter().map(|rows| rows.iter().map(row_of).collect()).collect()
    }

    fn event_head(&mut self) -> Result<i64> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let messages = self.call(|c| async move { c.simple_query(EVENT_HEAD).await })?;
        head_of(messages)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let st = self.statement(sql)?;
        let rows = self.call(|c| async move { c.query(&st, &params_of(params)).await })?;
        rows.iter().map(row_of).collect()
    }
}

fn row_of(r: &postgres::Row) -> Result<Row> {
    let bad = |e: postgres::Error| Error::Internal(format!("postgres column: {e}"));
    let mut values = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => r.try_get::<_, Option<i64>>(i).map_err(bad)?.map(Value::Int),
            Type::INT4 => r.try_get::<_, Option<i32>>(i).map_err(bad)?.map(|v| Value::Int(v.into())),
            Type::INT2 => r.try_get::<_, Option<i16>>(i).map_err(bad)?.map(|v| Value::Int(v.into())),
            Type::BOOL => r.try_get::<_, Option<bool>>(i).map_err(bad)?.map(|v| Value::Int(v.into())),
            Type::NUMERIC => {
                return Err(Error::Internal(format!("column {} is NUMERIC; cast it to BIGINT", col.name())));
            }
            _ => r.try_get::<_, Option<String>>(i).map_err(bad)?.map(Value::Text),
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

/// Takes the event log's exclusive section and reads its head: two statements, so that the
/// head is read after the lock is held (in READ COMMITTED each statement sees what committed
/// before it started).
fn lock_event_log_statements() -> String {
    format!("SELECT pg_advisory_xact_lock({EVENT_LOG_LOCK}); {EVENT_HEAD}")
}

impl WriteConn for PgConn {
    fn ensure_connected(&mut self) -> Result<()> {
        self.ensure().map(|_| ())
    }
    fn begin(&mut self, scopes: &[WriteScope], then: &[&str]) -> Result<()> {
        self.begin_fresh(&[&[begin_statements(scopes).as_str()][..], then].concat().join("; "))
    }
    fn lock_event_log(&mut self) -> Result<i64> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let sql = lock_event_log_statements();
        let messages = self.call(|c| async move { c.simple_query(&sql).await })?;
        head_of(messages)
    }
    fn end_job_locking_event_log(&mut self, ok: bool) -> Result<(Result<()>, i64)> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let end = if ok { RELEASE } else { ROLLBACK_TO };
        let (earlier, own) = self.batch_behind(&format!("{end}; {}", lock_event_log_statements()))?;
        match earlier {
            // As in `end_job`: the RELEASE and the lock failed in the aborted transaction.
            Err(e) if ok => {
                self.batch(ROLLBACK_TO)?;
                Ok((Err(e), self.lock_event_log()?))
            }
            _ => Ok((Ok(()), head_of(own?)?)),
        }
    }
    fn run_sql(&mut self, sql: &str) -> Result<()> {
        self.batch(sql)
    }
    fn run_sqls(&mut self, statements: &[&str]) -> Result<()> {
        self.batch(&statements.join("; "))
    }
    fn conn(&mut self) -> &mut dyn Conn {
        self
    }
    fn end_job(&mut self, ok: bool, then: &[&str]) -> Result<Result<()>> {
        let end = if ok { RELEASE } else { ROLLBACK_TO };
        let (earlier, own) = self.batch_behind(&[&[end][..], then].concat().join("; "))?;
        let own = own.map(drop);
        match earlier {
            // A write the job sent failed after it went on: its RELEASE failed with it, in the
            // aborted transaction, and its savepoint is still there to roll back to.
            Err(e) if ok => {
                self.batch(&[&[ROLLBACK_TO][..], then].concat().join("; "))?;
                Ok(Err(e))
            }
            // The job failed anyway: what it left in flight does not matter.
            _ => own.map(Ok),
        }
    }
    fn commit_behind(&mut self, commit: &[&str]) -> Result<()> {
        let (earlier, own) = self.batch_behind(&commit.join("; "))?;
        earlier.and(own.map(drop))
    }
    fn commit_statements(&self, appended_events: bool) -> Vec<String> {
        let notify = appended_events.then(|| format!("SELECT pg_notify('{NOTIFY_CHANNEL}', '')"));
        notify.into_iter().chain(["COMMIT".to_string()]).collect()
    }
    fn close(self) {}
}

/// Applies the embedded migrations not yet recorded, under the write lock so that two
/// nodes starting together do not both apply them.
pub fn migrate(c: &mut PgConn) -> Result<()> {
    c.batch(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); \
         CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_ts BIGINT NOT NULL)"
    ))?;
    let current = c.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?;
    let current = current.first().map_or(Ok(0), |r| r.i64(0))?;
    crate::announce_migrations(current, MIGRATIONS.last().map_or(0, |(v, _)| *v));
    for (version, sql) in MIGRATIONS {
        let done = c.query("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", &[Value::Int(*version)])?;
        if done.first().map_or(Ok(0), |r| r.i64(0))? == 0 {
            if let Err(e) = c.batch(sql) {
                let _ = c.batch("ROLLBACK");
                return Err(e);
            }
            c.execute(
                "INSERT INTO schema_migrations (version, applied_ts) VALUES (?, EXTRACT(EPOCH FROM now())::BIGINT)",
                &[Value::Int(*version)],
            )?;
            tracing::debug!(version, "applied migration");
        }
    }
    c.batch("COMMIT")
}

/// What a reader is asked to do.
enum Read {
    /// A job, in a snapshot of its own.
    Job(Job),
    /// The head of the event log: one statement, needing no transaction of its own (two
    /// round trips less than a job).
    Head,
}

type ReadRequest = (Read, oneshot::Sender<Result<AnyBox>>);

/// Hands read jobs to the reader threads, the most recently idle first: at low concurrency
/// the same few connections serve every read, so their prepared statements and plans are
/// warm (with a queue shared by all, reads rotated through every connection, and each
/// connection's first run of a query paid for parsing and planning it).
#[derive(Default)]
struct Readers {
    state: Mutex<ReadersState>,
}

#[derive(Default)]
struct ReadersState {
    /// Idle readers, each waiting on its own channel; the last one pushed goes first.
    idle: Vec<std_mpsc::Sender<ReadRequest>>,
    /// Jobs that came while every reader was busy, oldest first.
    waiting: std::collections::VecDeque<ReadRequest>,
    closed: bool,
}

impl Readers {
    /// Hands `read` to a reader and waits for its answer.
    fn ask(&self, read: Read) -> BoxFuture<Result<AnyBox>> {
        let (reply, answer) = oneshot::channel();
        let submitted = self.submit((read, reply));
        Box::pin(async move {
            submitted?;
            answer.await.map_err(|_| Error::Internal("a database reader dropped a job".into()))?
        })
    }

    fn submit(&self, request: ReadRequest) -> Result<()> {
        let mut state = self.state.lock().expect("readers");
        if state.closed {
            return Err(Error::Unavailable("the server is shutting down".into()));
        }
        let mut request = request;
        while let Some(reader) = state.idle.pop() {
            match reader.send(request) {
                Ok(()) => return Ok(()),
                // That reader has stopped: try the next one.
                Err(std_mpsc::SendError(back)) => request = back,
            }
        }
        state.waiting.push_back(request);
        Ok(())
    }

    /// The next job for a reader that has finished its last one: a waiting job, or (once
    /// the reader is idle) the next one handed to it. None once the pool is closed and no
    /// job is left waiting.
    fn next(&self) -> Option<ReadRequest> {
        let handed = {
            let mut state = self.state.lock().expect("readers");
            if let Some(request) = state.waiting.pop_front() {
                return Some(request);
            }
            if state.closed {
                return None;
            }
            let (hand, handed) = std_mpsc::channel();
            state.idle.push(hand);
            handed
        };
        handed.recv().ok()
    }

    /// Stops taking jobs. Idle readers stop; busy ones finish the jobs already waiting, then
    /// stop.
    fn close(&self) {
        let mut state = self.state.lock().expect("readers");
        state.closed = true;
        state.idle.clear();
    }
}

pub struct PgStore {
    writer: Mutex<Option<mpsc::Sender<WriteRequest>>>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
    readers: Arc<Readers>,
    head: watch::Receiver<i64>,
    stop: Arc<AtomicBool>,
    statements: Arc<AtomicU64>,
    stats: Arc<weft_core::store::WriterStats>,
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map_err(|e| Error::Internal(format!("cannot start thread {name}: {e}")))
}

fn reader_loop(mut conn: PgConn, readers: Arc<Readers>) {
    while let Some((read, reply)) = readers.next() {
        let job = match read {
            Read::Job(job) => job,
            Read::Head => {
                // Outside any transaction: the read changes nothing.
                let _ = reply.send(conn.fresh(Conn::event_head).map(|head| Box::new(head) as AnyBox));
                continue;
            }
        };
        if let Err(e) = conn.begin_fresh("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
            let _ = reply.send(Err(e));
            continue;
        }
        let out = run_job(&mut conn, job);
        // A read-only snapshot has nothing to commit: answer first, then end it (a round
        // trip less in every read's latency).
        let _ = reply.send(out);
        let _ = conn.batch("COMMIT");
    }
}

/// Publishes the head of the shared event log: on each notification, and once a second.
fn listener_loop(url: String, timeout: Duration, head: watch::Sender<i64>, stop: Arc<AtomicBool>) {
    let mut listening: Option<postgres::Client> = None;
    while !stop.load(Ordering::Relaxed) {
        let Some(client) = listening.as_mut().filter(|c| !c.is_closed()) else {
            let connected = open(&url, |config| {
                config.connect_timeout(timeout);
                config.application_name("weft");
            })
            .and_then(|mut c| c.batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}")).map(|()| c).map_err(pg_error));
            listening = connected.ok();
            if listening.is_none() {
                std::thread::sleep(POLL);
            }
            continue;
        };
        // Wait for a notification (or the poll interval), then drain the others: one head
        // query covers them all.
        {
            let mut notifications = client.notifications();
            if matches!(notifications.timeout_iter(POLL).next(), Ok(Some(_))) {
                while let Ok(Some(_)) = notifications.iter().next() {}
            }
        }
        let seen = client.simple_query(EVENT_HEAD).map_err(pg_error).and_then(head_of);
        match seen {
            Ok(seq) => {
                head.send_if_modified(|h| {
                    let newer = seq > *h;
                    if newer {
                        *h = seq;
                    }
                    newer
                });
            }
            Err(_) => listening = None,
        }
    }
}

impl PgStore {
    pub fn open(url: &str, options: PgOptions) -> Result<Self> {
        // The synchronous client runs its own small runtime, which cannot be started on a
        // thread that is driving async tasks: connect and migrate on a plain thread.
        let statements = Arc::new(AtomicU64::new(0));
        let stats = Arc::new(weft_core::store::WriterStats::default());
        let (writer, head0) = off_runtime({
            let (url, timeout, counter) = (url.to_string(), options.connect_timeout, statements.clone());
            let stats = stats.clone();
            move || {
                let mut writer = PgConn::counted(&url, timeout, counter);
                writer.writer_stats = Some(stats);
                migrate(&mut writer)?;
                let head = Conn::event_head(&mut writer)?;
                Ok((writer, head))
            }
        })?;
        let (head_tx, head) = watch::channel(head0);
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let (tx, rx) = mpsc::channel::<WriteRequest>(4096);
        let writer_head = head_tx.clone();
        let writer_stats = stats.clone();
        threads.push(spawn("weft-pg-writer", move || writer_loop(writer, rx, writer_head, writer_stats))?);
        let readers = Arc::new(Readers::default());
        for i in 0..options.readers.max(1) {
            let conn = PgConn::counted(url, options.connect_timeout, statements.clone());
            let pool = readers.clone();
            threads.push(spawn(&format!("weft-pg-reader-{i}"), move || reader_loop(conn, pool))?);
        }
        let (url2, timeout, stop2) = (url.to_string(), options.connect_timeout, stop.clone());
        threads.push(spawn("weft-pg-listener", move || listener_loop(url2, timeout, head_tx, stop2))?);
        Ok(PgStore {
            writer: Mutex::new(Some(tx)),
            threads: Mutex::new(threads),
            readers,
            head,
            stop,
            statements,
            stats,
        })
    }
}

impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn write_job(&self, job: Job, scope: WriteScope) -> BoxFuture<Result<AnyBox>> {
        crate::writer::submit(&self.writer, job, scope)
    }

    fn read_job(&self, job: Job) -> BoxFuture<Result<AnyBox>> {
        self.readers.ask(Read::Job(job))
    }

    fn head(&self) -> watch::Receiver<i64> {
        self.head.clone()
    }

    fn committed_head(&self) -> BoxFuture<Result<i64>> {
        let head = self.readers.ask(Read::Head);
        Box::pin(async move { Ok(*head.await?.downcast::<i64>().expect("a head is an i64")) })
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

    fn close(&self) -> BoxFuture<()> {
        self.writer.lock().expect("writer lock").take();
        self.readers.close();
        self.stop.store(true, Ordering::Relaxed);
        let threads: Vec<_> = self.threads.lock().expect("threads").drain(..).collect();
        Box::pin(async move {
            let _ = tokio::task::spawn_blocking(move || {
                for t in threads {
                    let _ = t.join();
                }
            })
            .await;
        })
    }
}

/// Runs `f` on a plain thread and waits for it (see `PgStore::open`).
pub fn off_runtime<T: Send>(f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|s| {
        s.spawn(f).join().unwrap_or_else(|_| Err(Error::Internal("a database thread panicked".into())))
    })
}

/// Table → sorted column names, from the catalog (the schema comparison test uses it).
/// The full-text engine's `tsv` column is left out: it is PostgreSQL's counterpart of
/// SQLite's `search_fts` table.
pub fn columns_of(url: &str) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    off_runtime(|| {
        let mut c = PgConn::new(url, Duration::from_secs(5));
        let rows = c.query(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
             WHERE table_schema = 'public' AND NOT (table_name = 'search_docs' AND column_name = 'tsv')",
            &[],
        )?;
        let mut out = std::collections::BTreeMap::new();
        for r in rows {
            out.entry(r.text(0)?).or_insert_with(Vec::new).push(r.text(1)?);
        }
        for cols in out.values_mut() {
            cols.sort();
        }
        Ok(out)
    })
}

/// For tests: creates a fresh, empty database next to the one `base_url` names, and
/// returns its URL. Each test gets its own, so tests run in parallel.
pub fn create_scratch_database(base_url: &str) -> Result<String> {
    off_runtime(|| create_scratch_database_now(base_url))
}

fn create_scratch_database_now(base_url: &str) -> Result<String> {
    let mut client = open(base_url, |_| {})?;
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let name = format!("weft_test_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    client.batch_execute(&format!("CREATE DATABASE {name}")).map_err(pg_error)?;
    Ok(with_dbname(base_url, &name))
}

/// `postgres://u@h:5432/db?x=y` with `db` replaced by `name`.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| scheme_end + i);
    let mut out = match path_start {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => format!("{base}/{name}"),
    };
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// For tests: drops a database made by `create_scratch_database`.
pub fn drop_scratch_database(base_url: &str, url: &str) {
    let _ = off_runtime(|| {
        drop_scratch_database_now(base_url, url);
        Ok(())
    });
}

fn drop_scratch_database_now(base_url: &str, url: &str) {
    let name = url.split('?').next().unwrap_or("").rsplit('/').next().unwrap_or("").to_string();
    if !name.starts_with("weft_test_") {
        return;
    }
    if let Ok(mut client) = open(base_url, |_| {}) {
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one after another all go to the reader that finished last (its plans are warm);
    /// reads that come together spread over the others; closing stops the idle readers.
    #[test]
    fn the_most_recently_idle_reader_takes_the_next_read() {
        let readers = Arc::new(Readers::default());
        // Each reader says it took a read, then holds it until the test drops `done`.
        let (served_tx, served) = std_mpsc::channel::<(usize, std_mpsc::Sender<()>)>();
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let (readers, served_tx) = (readers.clone(), served_tx.clone());
                std::thread::spawn(move || {
                    while readers.next().is_some() {
                        let (done, until_done) = std_mpsc::channel();
                        served_tx.send((i, done)).unwrap();
                        let _ = until_done.recv();
                    }
                })
            })
            .collect();
        let all_idle = || {
            while readers.state.lock().unwrap().idle.len() < 4 {
                std::thread::yield_now();
            }
        };
        all_idle();
        let read = || Read::Job(Box::new(|_| Ok(Box::new(()) as AnyBox)));
        let mut who = Vec::new();
        for _ in 0..20 {
            let (reply, _answer) = oneshot::channel();
            readers.submit((read(), reply)).unwrap();
            who.push(served.recv().unwrap().0);
            all_idle();
        }
        assert!(who.iter().all(|i| *i == who[0]), "one after another: {who:?}");

        // Five reads at once: each reader takes one; the fifth waits for the first done.
        for _ in 0..5 {
            let (reply, _answer) = oneshot::channel();
            readers.submit((read(), reply)).unwrap();
        }
        let busy: Vec<_> = (0..4).map(|_| served.recv().unwrap()).collect();
        let mut at_once: Vec<usize> = busy.iter().map(|(i, _)| *i).collect();
        at_once.sort_unstable();
        assert_eq!(at_once, [0, 1, 2, 3], "every reader took a read");
        assert!(served.recv_timeout(Duration::from_millis(50)).is_err(), "the fifth read waits");
        let mut busy = busy.into_iter();
        let (first, done) = busy.next().unwrap();
        drop(done);
        assert_eq!(served.recv().unwrap().0, first, "the reader done first takes the waiting read");
        drop(busy);

        readers.close();
        for t in threads {
            t.join().unwrap();
        }
        let (reply, _answer) = oneshot::channel();
        assert!(matches!(readers.submit((read(), reply)), Err(Error::Unavailable(_))));
    }

    /// The "mail secrets" migration keeps only the hash of each unsubscribe secret given
    /// out before (its link keeps working) and blanks the sent emails that carried one;
    /// one still queued keeps its body, to be sent. (With `WEFT_TEST_DATABASE_URL` only.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unsubscribe_secrets_stored_before_are_hashed_and_sent_ones_blanked() {
        let Some(base) = std::env::var("WEFT_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
            assert!(
                std::env::var("WEFT_REQUIRE_POSTGRES").map_or(true, |v| v != "1"),
                "WEFT_REQUIRE_POSTGRES=1 but WEFT_TEST_DATABASE_URL is not set"
            );
            return;
        };
        let url = create_scratch_database(&base).unwrap();
        let token = "cd".repeat(32);
        let (u, t) = (url.clone(), token.clone());
        let outbox = tokio::task::spawn_blocking(move || {
            let mut c = open(&u, |_| {}).unwrap();
            c.batch_execute("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_ts BIGINT NOT NULL)")
                .unwrap();
            for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v < 19) {
                c.batch_execute(sql).unwrap();
                c.execute("INSERT INTO schema_migrations (version, applied_ts) VALUES ($1, 0)", &[version]).unwrap();
            }
            c.batch_execute(&crate::sqlite::old_mail_rows(&t)).unwrap();
            migrate(&mut PgConn::new(&u, Duration::from_secs(10))).unwrap();
            let stored: Vec<String> =
                c.query("SELECT token_hash FROM mail_unsubscribe", &[]).unwrap().iter().map(|r| r.get(0)).collect();
            assert_eq!(stored, [weft_core::services::auth::token_hash(&t)]);
            c.query("SELECT text_body, unsubscribe_url, secret FROM mail_outbox ORDER BY id", &[])
                .unwrap()
                .iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, i64>(2)))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap();
        assert_eq!(outbox[0], (String::new(), String::new(), 1), "sent: blanked");
        assert!(outbox[1].0.contains(&token) && outbox[1].2 == 1, "queued: kept to be sent, blanked once sent");
        let store: Arc<dyn Store> = Arc::new(PgStore::open(&url, PgOptions::default()).unwrap());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let owner = store.read(move |tx| weft_core::services::mail::link_owner(tx, &token, now)).await.unwrap();
        assert_eq!(owner, (weft_core::UserId(1), weft_core::WorkspaceId(2)), "the link already sent still works");
        store.close().await;
        drop_scratch_database(&base, &url);
    }

    #[test]
    fn placeholders_are_numbered() {
        assert_eq!(numbered("SELECT ? WHERE a = ? AND b IN (?, ?)"), "SELECT $1 WHERE a = $2 AND b IN ($3, $4)");
    }

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(with_dbname("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_dbname("postgres://h/test?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
        assert_eq!(with_dbname("postgres://h", "x"), "postgres://h/x");
    }
}
