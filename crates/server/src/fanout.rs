//! Runs the fan-out (`weft_core::services::fanout`) on this node, and the barrier through
//! which a request that reads what it derives (inboxes, notifications, unread lists, the
//! long poll) waits for it to catch up with the writes this node knew of when the request
//! came — so whoever was told "posted" finds the post in the inboxes it concerns.

use crate::app::App;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use weft_core::services::fanout;

/// The longest a request waits for the fan-out; past it, it answers with what is there
/// (the fan-out is late, not stopped: a database that does not answer fails the request
/// by itself).
pub const BARRIER_MAX: Duration = Duration::from_secs(5);

/// How far the fan-out has got, as this node knows it.
pub struct FanoutProgress {
    /// Every post event up to this sequence number is fanned out.
    done: watch::Sender<i64>,
}

impl FanoutProgress {
    pub fn new() -> Self {
        FanoutProgress { done: watch::Sender::new(0) }
    }

    fn publish(&self, through: i64) {
        self.done.send_if_modified(|d| {
            let newer = through > *d;
            if newer {
                *d = through;
            }
            newer
        });
    }
}

impl Default for FanoutProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl App {
    /// How many entries of the log as this node knows it the fan-out has not reached yet
    /// (0 when it has caught up, or is held).
    pub fn fanout_behind(&self) -> i64 {
        if self.config.hold_fanout {
            return 0;
        }
        (*self.store.head().borrow() - *self.fanout.done.borrow()).max(0)
    }

    /// The barrier: waits until the fan-out has done every post up to the log's head as the
    /// database has it now — so a post another node acknowledged is covered too (at most
    /// `BARRIER_MAX`). At once when nothing waits.
    pub async fn fanned_out(&self) {
        if self.config.hold_fanout {
            return;
        }
        let known = *self.store.head().borrow();
        let head = match self.store.committed_head().await {
            Ok(committed) => committed.max(known),
            Err(_) => known,
        };
        let mut done = self.fanout.done.subscribe();
        if *done.borrow_and_update() >= head {
            return;
        }
        if tokio::time::timeout(BARRIER_MAX, done.wait_for(|d| *d >= head)).await.is_err() {
            tracing::warn!(head, done = *done.borrow(), "the fan-out is late; answering with what it has done");
        }
    }
}

/// Follows the log: after each commit this node hears of, fans out what waits. Once a
/// second too, in case a wake-up was missed. Runs until the server shuts down.
pub(crate) async fn follow(app: Arc<App>) {
    let mut head = app.store.head();
    let mut shutdown = app.shutdown.clone();
    loop {
        head.borrow_and_update();
        if let Err(e) = catch_up(&app).await {
            tracing::warn!(error = %e, "the fan-out failed; retrying");
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { return },
            _ = tokio::time::sleep(crate::workers::TICK) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Fans out every post event up to the head as this node knows it, a job at a time (each
/// its own write transaction, so other writes go between them). Answers how many jobs ran.
/// Safe on several nodes at once: the jobs take turns on the cursor.
pub(crate) async fn catch_up(app: &App) -> weft_core::Result<usize> {
    let head = *app.store.head().borrow();
    if *app.fanout.done.borrow() >= head {
        return Ok(0);
    }
    // Most commits carry no post: a read says so without taking the writer.
    let waiting = app.store.read(fanout::waiting).await?;
    app.fanout.publish(waiting.done_through);
    if waiting.done_through >= head {
        return Ok(0);
    }
    let mut progress = job_for(app, waiting).await?;
    let mut jobs = 1;
    while progress.more {
        if progress.posts == 1 {
            // Slices of one post that concerns many: one at a time, so other writes wait
            // for one slice at most.
            progress = job(app).await?;
            jobs += 1;
            continue;
        }
        // A backlog of posts (a burst): two jobs at a time, so that each group commit of the
        // writer fans out two jobs' worth while posts keep coming in. Each job reads the
        // cursor, so their order does not matter.
        let (a, b) = tokio::join!(job(app), job(app));
        let (a, b) = (a?, b?);
        jobs += 2;
        let later = if b.done_through >= a.done_through { b } else { a };
        progress = fanout::Progress { more: a.more || b.more, ..later };
    }
    Ok(jobs)
}

/// One fan-out job, for what waits now.
async fn job(app: &App) -> weft_core::Result<fanout::Progress> {
    let waiting = app.store.read(fanout::waiting).await?;
    job_for(app, waiting).await
}

/// One fan-out job for what `waiting` found; publishes how far it got. It keeps to the
/// workspace of the first post that waits, so that other workspaces' writes go on beside it
/// (`WriteScope`).
async fn job_for(app: &App, waiting: fanout::Waiting) -> weft_core::Result<fanout::Progress> {
    let people = app.config.fanout_slice.unwrap_or_else(|| fanout::people_per_job(app.store.backend()));
    let now = app.clock.now();
    let progress = match waiting.workspace {
        Some(ws) => app.store.write_in(ws, move |tx| fanout::run(tx, ws, people, now)).await?,
        // Nothing waits (another node did it meanwhile).
        None => fanout::Progress { done_through: waiting.done_through, more: false, posts: 0 },
    };
    app.fanout.publish(progress.done_through);
    Ok(progress)
}
