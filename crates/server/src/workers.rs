//! A node's background work — the scheduler, the mailer, outgoing webhooks, retention and
//! the attachments' sweep — run every tick (or less often), or only when stepped (tests).

use crate::app::App;
use std::sync::Arc;
use std::time::Duration;
use weft_core::services::{delivery, emergencies, expectations, inbox, mail, scheduled};
use weft_core::store::{Expiring, MailOutcome};

/// How often each node's workers look for work that has come due.
pub const TICK: Duration = Duration::from_secs(1);

/// Whether the workers run by themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkerMode {
    /// Every tick, until the server shuts down (a server in production).
    #[default]
    Background,
    /// Only when stepped (`app.workers().step_all()`): a test moves the clock, steps, then
    /// looks, with no round of its own racing it.
    OnDemand,
}

/// One kind of background work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worker {
    /// Posts scheduled posts whose time came, escalates unacknowledged emergencies, returns
    /// snoozed inbox items, reminds of answers due soon and marks overdue ones, sends due
    /// pushes.
    Scheduler,
    /// Turns new pushes into email and sends what is due (with `--smtp-url` only).
    Mailer,
    /// Deletes what is kept only for a while (`Config.retention`), in small batches.
    Retention,
    /// Deletes uploads nobody posted a day after their upload, and blobs no attachment
    /// names.
    Sweeper,
    /// Fans out posts (`fanout.rs`). It does not tick: it follows the log on its own, in
    /// tests too — unless held (`Config.hold_fanout`), when only a step runs it.
    Fanout,
    /// Matches new events to webhook subscriptions and sends the deliveries due
    /// (`webhooks.rs`).
    Webhooks,
}

impl Worker {
    /// Every worker, in the order `step_all` runs them: what the scheduler pushes is mailed
    /// in the same step.
    pub const ALL: [Worker; 6] =
        [Worker::Fanout, Worker::Scheduler, Worker::Webhooks, Worker::Mailer, Worker::Retention, Worker::Sweeper];

    fn name(self) -> &'static str {
        match self {
            Worker::Scheduler => "scheduled work",
            Worker::Mailer => "the mailer",
            Worker::Retention => "pruning expired rows",
            Worker::Sweeper => "the attachments' sweep",
            Worker::Fanout => "the fan-out",
            Worker::Webhooks => "outgoing webhooks",
        }
    }

    /// How often it runs: what expires does so by the day, so retention looks once a minute.
    fn every(self) -> Duration {
        match self {
            Worker::Scheduler | Worker::Mailer | Worker::Webhooks => TICK,
            Worker::Retention | Worker::Sweeper => 60 * TICK,
            Worker::Fanout => TICK,
        }
    }

    /// Whether this node has this work at all.
    fn runs_on(self, app: &App) -> bool {
        match self {
            Worker::Scheduler => true,
            Worker::Mailer => app.mailer.is_some(),
            Worker::Retention => true,
            Worker::Sweeper => true,
            Worker::Webhooks => true,
            // Its own loop follows the log (`fanout::follow`).
            Worker::Fanout => false,
        }
    }
}

/// Steps a node's workers by hand: `app.workers()`.
#[derive(Clone, Copy)]
pub struct Workers<'a> {
    app: &'a App,
}

impl App {
    pub fn workers(&self) -> Workers<'_> {
        Workers { app: self }
    }
}

impl Workers<'_> {
    /// One step of one worker. Safe on several nodes at once, and alongside the background
    /// loop. Answers how much it did (items come back, pushes handled, emails sent).
    pub async fn step(self, worker: Worker) -> weft_core::Result<usize> {
        match worker {
            Worker::Scheduler => scheduler_step(self.app).await,
            Worker::Mailer => mailer_step(self.app).await,
            Worker::Retention => retention_step(self.app).await,
            Worker::Sweeper => crate::files::sweep(self.app).await,
            Worker::Fanout => crate::fanout::catch_up(self.app).await,
            Worker::Webhooks => crate::webhooks::step(self.app).await,
        }
    }

    /// One step of every worker, in order (the fan-out first: what it plans the scheduler
    /// may send); stops at the first that fails.
    pub async fn step_all(self) -> weft_core::Result<usize> {
        let mut done = 0;
        for worker in Worker::ALL {
            done += self.step(worker).await?;
        }
        Ok(done)
    }
}

/// Starts a loop per worker this node has, unless they run on demand.
pub(crate) fn start(app: &Arc<App>) {
    if app.config.workers == WorkerMode::OnDemand {
        return;
    }
    for worker in Worker::ALL.into_iter().filter(|w| w.runs_on(app)) {
        tokio::spawn(every_tick(app.clone(), worker));
    }
}

/// Steps `worker` once a tick until the server shuts down; a failed step is tried again on
/// the next tick.
async fn every_tick(app: Arc<App>, worker: Worker) {
    let mut shutdown = app.shutdown.clone();
    loop {
        match app.workers().step(worker).await {
            // A step cut short by the shutdown is not a failure worth a warning.
            Err(_) if *shutdown.borrow() => return,
            Err(e) => tracing::warn!(error = %e, "{} failed; retrying on the next tick", worker.name()),
            Ok(_) => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(worker.every()) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One step of the scheduler: escalates unacknowledged emergencies, returns snoozed inbox
/// items whose time has come and sends the pushes that are due. Safe on several nodes at
/// once: the work happens in one write transaction, and a node that comes second finds
/// nothing left to do.
async fn scheduler_step(app: &App) -> weft_core::Result<usize> {
    let now = app.clock.now();
    // Most ticks find nothing: look with a cheap read before taking the writer.
    let (snoozes, pushes, escalations, answers_due, posts_due) = app
        .store
        .read(move |tx| {
            let due = |v: usize| v > 0;
            Ok((
                due(tx.due_snoozes(now, 1)?.len()),
                due(tx.due_pushes(now, 1)?.len()),
                due(tx.due_escalations(now)?.len()),
                due(tx.due_expectations(now, 1)?.len()),
                due(tx.due_scheduled(now, 1)?.len()),
            ))
        })
        .await?;
    let mut done = 0;
    // Scheduled posts first: what they notify is pushed below, in the same step.
    if posts_due {
        done += send_scheduled(app, now).await?;
    }
    // Reminders first: what they push is sent below, in the same step.
    if answers_due {
        loop {
            let handled = app.store.write(move |tx| expectations::run_due(tx, now)).await?;
            done += handled;
            if handled < expectations::BATCH as usize {
                break;
            }
        }
    }
    if escalations {
        done += app.store.write(move |tx| emergencies::escalate_due(tx, now)).await?;
    }
    if snoozes {
        done += app.store.write(move |tx| inbox::return_snoozed(tx, now)).await?;
    }
    if pushes {
        // In transactions of a bounded size, so posts are not held up behind one big one.
        loop {
            let handled = app.store.write(move |tx| delivery::run_due(tx, now)).await?;
            done += handled;
            if handled < delivery::BATCH as usize {
                break;
            }
        }
    }
    Ok(done)
}

/// Posts the scheduled posts whose time has come, each in a write transaction of its own
/// (which also records it sent, so it is posted once whichever node runs it). One that can
/// never be posted (its author lost access, its thread is gone) is recorded as failed and
/// its author told, in a transaction of its own; a passing failure (the database) leaves it
/// for the next tick.
async fn send_scheduled(app: &App, now: i64) -> weft_core::Result<usize> {
    let mut sent = 0;
    loop {
        let due = app.store.read(move |tx| scheduled::due(tx, now)).await?;
        let full = due.len() as i64 == scheduled::BATCH;
        for id in due {
            match app.store.write(move |tx| scheduled::send(tx, id, now)).await {
                Ok(p) => sent += usize::from(p.is_some()),
                Err(e) if scheduled::for_good(&e) => {
                    tracing::info!(scheduled = id, error = %e, "a scheduled post could not be sent");
                    app.store.write(move |tx| scheduled::fail(tx, id, &e, now)).await?;
                }
                Err(e) => return Err(e),
            }
        }
        if !full {
            return Ok(sent);
        }
    }
}

/// One round of the mailer: queues the email of new pushes, then sends what is due. Safe
/// on several nodes at once (the cursor moves in the writer; each email is leased to one
/// node). Answers how many emails were sent.
async fn mailer_step(app: &App) -> weft_core::Result<usize> {
    let Some(mailer) = &app.mailer else { return Ok(0) };
    let now = app.clock.now();
    let (enqueue, due) = app.store.read(move |tx| Ok((mail::enqueue_due(tx)?, tx.mail_due(now)?))).await?;
    if enqueue {
        // In transactions of a bounded size, so posts are not held up behind one big one.
        loop {
            let base = app.base_url.clone();
            let read = app.store.write(move |tx| mail::enqueue(tx, &base, now)).await?;
            if (read as i64) < mail::ENQUEUE_BATCH {
                break;
            }
        }
    }
    if !due && !enqueue {
        return Ok(0);
    }
    let mut sent = 0;
    loop {
        let batch = app.store.write(move |tx| mail::claim(tx, now)).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let full = batch.len() as i64 == mail::SEND_BATCH;
        let mut results = Vec::with_capacity(batch.len());
        let mut server_down: Option<String> = None;
        for m in &batch {
            let outcome = match &server_down {
                // The server just failed us: do not wait on it once per email.
                Some(error) => mail::after_failure(m.attempts, false, error, now),
                None => match mailer.send(m).await {
                    Ok(()) => {
                        sent += 1;
                        MailOutcome::Sent
                    }
                    Err((permanent, error)) => {
                        tracing::warn!(mail = m.id, to = %m.to, attempt = m.attempts, %error, "sending an email failed");
                        if !permanent {
                            server_down = Some(error.clone());
                        }
                        mail::after_failure(m.attempts, permanent, &error, now)
                    }
                },
            };
            results.push((m.id, outcome));
        }
        app.store.write(move |tx| mail::finish(tx, &results, now)).await?;
        if !full || server_down.is_some() {
            return Ok(sent);
        }
    }
}

/// One round of retention: for each kind of expiring row kept for a limited time, deletes
/// those past it, a small batch per write transaction, so the writer serves other writes
/// between batches. Safe on several nodes at once (a row is deleted once). Answers how many
/// rows it deleted.
async fn retention_step(app: &App) -> weft_core::Result<usize> {
    let now = app.clock.now();
    let r = app.config.retention;
    let batch = r.batch.max(1);
    let mut done = 0;
    for what in Expiring::ALL {
        let keep = r.of(what);
        if keep <= 0 {
            continue;
        }
        let before = now.saturating_sub(keep);
        loop {
            let deleted = app.store.write(move |tx| tx.prune(what, before, batch)).await?;
            done += deleted;
            if (deleted as i64) < batch {
                break;
            }
        }
    }
    Ok(done)
}
