//! Quiet delivery: a notification is recorded and shown in the app at once; its *push*
//! waits until the person is available (working hours, not in do-not-disturb, not away),
//! batched by their preference, and is dropped if they read the item in the app first.

use super::{emit, schedules};
use crate::error::Result;
use crate::event::Audience;
use crate::ids::*;
use crate::schedule::{self, Delivery};
use crate::store::{Push, Tx};
use serde_json::json;
use std::collections::BTreeMap;

/// Holds a push for a new notification until its person's moment.
pub fn plan(
    tx: &mut dyn Tx,
    user: UserId,
    workspace: WorkspaceId,
    notification_id: i64,
    thread: Option<ThreadId>,
    obj_index: i64,
    now: i64,
) -> Result<()> {
    let Some(u) = tx.user(user)? else { return Ok(()) };
    let s = schedules::effective(tx, &u, now)?;
    let due_ts = schedule::push_due(&s, u.away_mode.as_ref(), now);
    tx.insert_push(&Push { id: 0, user, workspace, notification_id, thread, obj_index, created_ts: now, due_ts })?;
    Ok(())
}

/// After a person's schedule, away time or do-not-disturb changed: every push still held
/// for them gets a new time.
pub fn replan(tx: &mut dyn Tx, user: UserId, now: i64) -> Result<()> {
    let pending = tx.pending_pushes_of(user)?;
    if pending.is_empty() {
        return Ok(());
    }
    let Some(u) = tx.user(user)? else { return Ok(()) };
    let s = schedules::effective(tx, &u, now)?;
    let due = schedule::push_due(&s, u.away_mode.as_ref(), now);
    for p in pending {
        if p.due_ts != due {
            tx.set_push_due(p.id, due)?;
        }
    }
    Ok(())
}

/// Sends what is due: per person and workspace, one `push` event with every item (a batch
/// when several waited), except items they have read meanwhile, which are dropped. One
/// write transaction: on several nodes each push goes out once.
pub fn run_due(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let due = tx.due_pushes(now, 1000)?;
    let mut by_person: BTreeMap<(UserId, WorkspaceId), Vec<Push>> = BTreeMap::new();
    for p in due {
        by_person.entry((p.user, p.workspace)).or_default().push(p);
    }
    let mut sent = 0;
    for ((user, ws), pushes) in by_person {
        let Some(u) = tx.user(user)? else { continue };
        let s = schedules::effective(tx, &u, now)?;
        if !schedule::available(&s, u.away_mode.as_ref(), now) {
            // Their plans changed since: hold again.
            replan(tx, user, now)?;
            continue;
        }
        let (mut send, mut drop) = (Vec::new(), Vec::new());
        for p in pushes {
            let read = match p.thread {
                Some(t) => tx.thread(t, user)?.is_none_or(|t| t.last_read_obj_index >= p.obj_index),
                None => false,
            };
            if read { drop.push(p.id) } else { send.push(p) }
        }
        tx.finish_pushes(&drop, "dropped", now)?;
        if send.is_empty() {
            continue;
        }
        let items: Vec<_> = send
            .iter()
            .map(|p| json!({"notification_id": p.notification_id, "thread_id": p.thread, "obj_index": p.obj_index, "created_ts": p.created_ts}))
            .collect();
        let delivery = match s.delivery {
            Delivery::Each => "each",
            Delivery::Hourly => "hourly",
            Delivery::Daily => "daily",
        };
        emit(tx, ws, "push", Audience::user(user), &json!({"delivery": delivery, "items": items}), now)?;
        tx.finish_pushes(&send.iter().map(|p| p.id).collect::<Vec<_>>(), "delivered", now)?;
        sent += send.len();
    }
    Ok(sent)
}
