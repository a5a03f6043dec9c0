//! Group commit, shared by every backend: one writer thread per process takes every write
//! job queued at that moment and commits them in one transaction, each job inside its own
//! savepoint so that a failing job rolls back alone. Replies go out only after COMMIT, so
//! an acknowledged write is durable.

use crate::sql::{Conn, Dialect, FtsIndexing, PendingEvents, SqlTx, fts_catch_up, fts_indexed_through};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot, watch};
use weft_core::store::{AnyBox, BoxFuture, Job, WriteScope, WriterStats};
use weft_core::{Error, Result};

/// The most jobs committed together; bounds the latency of the first one.
pub const MAX_BATCH: usize = 512;

pub struct WriteRequest {
    pub job: Job,
    pub scope: WriteScope,
    pub reply: oneshot::Sender<Result<AnyBox>>,
}

/// What the group-commit loop needs from a backend's write connection.
pub trait WriteConn {
    /// Makes sure there is a working connection (reconnecting if it was lost).
    fn ensure_connected(&mut self) -> Result<()>;
    /// Starts the batch's transaction, takes the locks its jobs' `scopes` need, and runs
    /// `then` (the first job's `SAVEPOINT`); PostgreSQL sends it all in one round trip.
    fn begin(&mut self, scopes: &[WriteScope], then: &[&str]) -> Result<()>;
    /// Takes the exclusive section for numbering events, if `begin` did not (see
    /// `flush_events`), and answers the newest event's sequence number.
    fn lock_event_log(&mut self) -> Result<i64> {
        self.conn().event_head()
    }
    /// Ends the batch's last job (`end_job` with nothing after it), then takes the event
    /// log's section (`lock_event_log`). PostgreSQL sends both in one round trip.
    fn end_job_locking_event_log(&mut self, ok: bool) -> Result<(Result<()>, i64)> {
        let settled = self.end_job(ok, &[])?;
        Ok((settled, self.lock_event_log()?))
    }
    fn run_sql(&mut self, sql: &str) -> Result<()>;
    /// Runs statements in order, stopping at the first that fails. PostgreSQL sends them
    /// together: one round trip.
    fn run_sqls(&mut self, statements: &[&str]) -> Result<()> {
        statements.iter().try_for_each(|sql| self.run_sql(sql))
    }
    fn conn(&mut self) -> &mut dyn Conn;
    /// Ends the job that ran last and runs `then` (the next job's `SAVEPOINT`, or the
    /// commit): waits for the writes the job left in flight (`Conn::send`), releases its
    /// savepoint — or rolls back to it, if the job (`ok` false) or one of those writes
    /// failed. Answers that write's error, the job's; an error of the writer's own
    /// statements is the outer one. PostgreSQL sends it all behind the writes in flight.
    fn end_job(&mut self, ok: bool, then: &[&str]) -> Result<Result<()>> {
        let settled = self.conn().settle();
        let end = if ok && settled.is_ok() { RELEASE } else { ROLLBACK_TO };
        self.run_sqls(&[&[end][..], then].concat())?;
        Ok(if ok { settled } else { Ok(()) })
    }
    /// The statements that commit the batch; `appended_events` says whether it appended
    /// events (PostgreSQL then wakes the other nodes).
    fn commit_statements(&self, appended_events: bool) -> Vec<String>;
    /// Runs `commit` (`commit_statements`) once the writes in flight succeeded; their
    /// error if one failed. (PostgreSQL answers the COMMIT of a transaction an error aborted
    /// by rolling back without an error: the writes' answers say it.) PostgreSQL sends it
    /// behind them, in the same round trip.
    fn commit_behind(&mut self, commit: &[&str]) -> Result<()> {
        self.conn().settle()?;
        self.run_sqls(commit)
    }
    /// Called after a batch's replies went out: upkeep that should not delay them.
    fn after_batch(&mut self) {}
    /// Called once when the queue closes.
    fn close(self);
}

/// What a job did besides its result.
pub struct JobEffects {
    pub appended_events: bool,
    /// The events it appended, to number at the end of the batch (see `flush_events`).
    pub pending_events: Vec<PendingEvents>,
    pub deferred_docs: bool,
    /// The event head after the job, if it read or moved it.
    pub event_head: Option<i64>,
}

/// Runs a reader's job: a write it sent without waiting may still fail, and the job
/// fails with it.
pub fn run_job(conn: &mut dyn Conn, job: Job) -> Result<AnyBox> {
    let (out, _) = start_job(conn, job, WriteScope::Everything, FtsIndexing::Immediate, (None, false));
    let settled = conn.settle();
    out.and_then(|v| settled.map(|()| v))
}

/// Runs a job of the writer's batch, leaving the writes it sent in flight: they are
/// settled with the job's end (`WriteConn::end_job`). `fts` is the batch's (see
/// `SqlTx::in_batch`); so is `event_head`, and with `numbered_at_end` the job's events wait
/// for `flush_events` instead.
fn start_job(
    conn: &mut dyn Conn,
    job: Job,
    scope: WriteScope,
    fts: FtsIndexing,
    (event_head, numbered_at_end): (Option<i64>, bool),
) -> (Result<AnyBox>, JobEffects) {
    let mut tx = SqlTx::in_batch(conn, fts, event_head).scoped(scope, numbered_at_end);
    let out = catch_unwind(AssertUnwindSafe(|| job(&mut tx)))
        .unwrap_or_else(|_| Err(Error::Internal("a storage job panicked".into())));
    let effects = JobEffects {
        appended_events: tx.appended_events,
        pending_events: tx.pending_events.take().unwrap_or_default(),
        deferred_docs: tx.deferred_docs,
        event_head: tx.event_head,
    };
    (out, effects)
}

/// Whether a batch of jobs of these scopes numbers its events just before it commits: when
/// every job keeps to a workspace. Such batches hold only their workspaces' locks while
/// their jobs run, so that batches of other workspaces (other nodes) run beside them, and
/// take the event log's exclusive section only to number and commit (`flush_events`). A
/// batch with a job that may change anything holds every lock from the start and numbers
/// events as they come.
fn numbers_events_at_end(scopes: &[WriteScope]) -> bool {
    scopes.iter().all(|s| matches!(s, WriteScope::Workspace(_)))
}

/// Numbers and writes the events the batch's jobs appended, in the jobs' order, inside the
/// event log's exclusive section (`WriteConn::lock_event_log`), which the commit then ends:
/// sequence numbers stay the next integers, gap-free and in commit order, across nodes.
/// `locked` is the head if the section is already held.
fn flush_events<W: WriteConn>(w: &mut W, batch: &mut Batch, locked: Option<i64>) -> Result<()> {
    if batch.pending_events.is_empty() {
        return Ok(());
    }
    let head = match locked {
        Some(head) => head,
        None => w.lock_event_log()?,
    };
    let mut tx = SqlTx::in_batch(w.conn(), FtsIndexing::Immediate, Some(head));
    for (events, now) in std::mem::take(&mut batch.pending_events) {
        tx.number_events(&events, now)?;
    }
    batch.event_head = tx.event_head;
    batch.appended = true;
    // The inserts are still in flight: `WriteConn::commit_behind` commits after them.
    Ok(())
}

pub(crate) const SAVEPOINT: &str = "SAVEPOINT job";
pub(crate) const RELEASE: &str = "RELEASE SAVEPOINT job";
pub(crate) const ROLLBACK_TO: &str = "ROLLBACK TO SAVEPOINT job";

/// Runs and commits one batch; answers each job's result and, if the batch appended
/// events, the new head of the log. If a statement of the writer's own fails (a
/// savepoint, the commit), the whole batch is rolled back and every job gets the error.
fn commit_batch<W: WriteConn>(w: &mut W, jobs: Vec<(Job, WriteScope)>) -> (Vec<Result<AnyBox>>, Option<i64>) {
    let n = jobs.len();
    let mut batch = Batch {
        results: Vec::with_capacity(n),
        appended: false,
        deferred_docs: false,
        event_head: None,
        pending_events: Vec::new(),
    };
    match run_batch(w, jobs, &mut batch) {
        Ok(()) => (batch.results, batch.event_head.filter(|_| batch.appended)),
        Err(e) => {
            tracing::error!(error = %e, "the batch failed; it is rolled back whole");
            let _ = w.run_sql("ROLLBACK");
            ((0..n).map(|_| Err(e.clone())).collect(), None)
        }
    }
}

/// What the jobs of a batch committed so far did.
struct Batch {
    results: Vec<Result<AnyBox>>,
    appended: bool,
    deferred_docs: bool,
    /// The event head as the jobs kept so far left it; a job rolled back leaves it as it
    /// was, so its sequence numbers are reused and the log has no gaps.
    event_head: Option<i64>,
    /// The events of the jobs kept so far, to number before the commit.
    pending_events: Vec<PendingEvents>,
}

impl Batch {
    /// Records a job whose savepoint has ended (released, or rolled back if it failed).
    fn settle(&mut self, (out, effects): (Result<AnyBox>, JobEffects)) {
        if out.is_ok() {
            self.appended |= effects.appended_events;
            self.pending_events.extend(effects.pending_events);
            self.deferred_docs |= effects.deferred_docs;
            self.event_head = effects.event_head.or(self.event_head);
        }
        self.results.push(out);
    }
}

/// Each job runs in a savepoint. A job's end — settling the writes it left in flight,
/// ending its savepoint — goes in the same call as the next job's `SAVEPOINT`, and the last
/// job's in the same call as the commit: on PostgreSQL, where each call is a round trip,
/// that is one round trip per job. (Ending the last savepoint explicitly is not only tidy:
/// PostgreSQL answers COMMIT in a transaction that an error aborted by rolling back without
/// an error, while RELEASE fails.)
fn run_batch<W: WriteConn>(w: &mut W, jobs: Vec<(Job, WriteScope)>, batch: &mut Batch) -> Result<()> {
    w.ensure_connected()?;
    let scopes: Vec<WriteScope> = jobs.iter().map(|(_, scope)| *scope).collect();
    let first_savepoint: &[&str] = if jobs.is_empty() { &[] } else { &[SAVEPOINT] };
    w.begin(&scopes, first_savepoint)?;
    let numbered_at_end = numbers_events_at_end(&scopes);
    let fts = match w.conn().dialect() {
        Dialect::Sqlite => FtsIndexing::Deferred { indexed_through: fts_indexed_through(w.conn())? },
        Dialect::Postgres => FtsIndexing::Immediate,
    };
    // The job that ran last, its savepoint still open and its writes perhaps in flight.
    let mut open: Option<(Result<AnyBox>, JobEffects)> = None;
    for (job, scope) in jobs {
        // The first job's savepoint was opened with the transaction.
        if let Some(ran) = open.take() {
            let settled = w.end_job(ran.0.is_ok(), &[SAVEPOINT])?;
            batch.settle(with_writes(ran, settled));
        }
        open = Some(start_job(w.conn(), job, scope, fts, (batch.event_head, numbered_at_end)));
    }
    let Some(last) = open else { return w.run_sqls(&["COMMIT"]) };
    let ok = last.0.is_ok();
    let index_docs = matches!(fts, FtsIndexing::Deferred { .. }) && (batch.deferred_docs || ok && last.1.deferred_docs);
    let number_events = !batch.pending_events.is_empty() || ok && !last.1.pending_events.is_empty();
    if index_docs || number_events {
        let (settled, locked) = if number_events {
            let (settled, head) = w.end_job_locking_event_log(ok)?;
            (settled, Some(head))
        } else {
            (w.end_job(ok, &[])?, None)
        };
        batch.settle(with_writes(last, settled));
        flush_events(w, batch, locked)?;
        if let FtsIndexing::Deferred { indexed_through } = fts
            && index_docs
        {
            fts_catch_up(w.conn(), indexed_through)?;
        }
        let commit = w.commit_statements(batch.appended);
        return w.commit_behind(&commit.iter().map(String::as_str).collect::<Vec<_>>());
    }
    // Whether the last job's writes all succeed is known only with the commit: the other
    // nodes are woken if it appended events, even if it then turns out to have failed (a
    // wake-up finds nothing new).
    let commit = w.commit_statements(batch.appended || ok && last.1.appended_events);
    let settled = w.end_job(ok, &commit.iter().map(String::as_str).collect::<Vec<_>>())?;
    batch.settle(with_writes(last, settled));
    Ok(())
}

/// A job's result once the writes it left in flight are settled.
fn with_writes((out, effects): (Result<AnyBox>, JobEffects), settled: Result<()>) -> (Result<AnyBox>, JobEffects) {
    (out.and_then(|v| settled.map(|()| v)), effects)
}

/// `stats` counts each batch's size and how long it took to commit, for `/metrics`.
pub fn writer_loop<W: WriteConn>(
    mut w: W,
    mut rx: mpsc::Receiver<WriteRequest>,
    head: watch::Sender<i64>,
    stats: Arc<WriterStats>,
) {
    let mut batch: Vec<WriteRequest> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        let (jobs, replies): (Vec<_>, Vec<_>) = batch.drain(..).map(|r| ((r.job, r.scope), r.reply)).unzip();
        let (size, started) = (jobs.len(), std::time::Instant::now());
        let (results, new_head) = commit_batch(&mut w, jobs);
        stats.record_batch(size, started.elapsed());
        if let Some(seq) = new_head {
            head.send_if_modified(|h| {
                let newer = seq > *h;
                if newer {
                    *h = seq;
                }
                newer
            });
        }
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
        w.after_batch();
    }
    w.close();
}

/// How many jobs are queued for the writer thread and not taken yet (none once closed).
pub fn queued(writer: &Mutex<Option<mpsc::Sender<WriteRequest>>>) -> usize {
    writer.lock().expect("writer lock").as_ref().map_or(0, |s| s.max_capacity() - s.capacity())
}

/// Queues a write job for the writer thread and waits for its committed result.
pub fn submit(
    writer: &Mutex<Option<mpsc::Sender<WriteRequest>>>,
    job: Job,
    scope: WriteScope,
) -> BoxFuture<Result<AnyBox>> {
    let sender = writer.lock().expect("writer lock").clone();
    Box::pin(async move {
        let sender = sender.ok_or_else(|| Error::Unavailable("the server is shutting down".into()))?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(WriteRequest { job, scope, reply })
            .await
            .map_err(|_| Error::Unavailable("the database writer has stopped".into()))?;
        answer.await.map_err(|_| Error::Internal("the database writer dropped a job".into()))?
    })
}
