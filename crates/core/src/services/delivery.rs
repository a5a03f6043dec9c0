//! Quiet delivery: a notification is recorded and shown in the app at once; its *push*
//! waits until the person is available (working hours, not in do-not-disturb, not away),
//! batched by their preference, and is dropped if they read the item in the app first.

use super::{emit, schedules};
use crate::error::Result;
use crate::event::Audience;
use crate::ids::*;
use crate::payload::{self, PushDelivery, PushItem};
use crate::schedule::{self, Delivery};
use crate::store::{Push, Tx};
use std::collections::BTreeMap;

/// What a push is about, and when that happened: its push is planned from then (a fan-out
/// that ran late leaves pushes already due, which the scheduler sends on its next tick).
#[derive(Debug, Clone, Copy)]
pub struct PushOf {
    pub workspace: WorkspaceId,
    pub thread: Option<ThreadId>,
    pub conversation: Option<ConversationId>,
    pub obj_index: i64,
    pub at: i64,
}

/// A new notification whose push is to be planned.
#[derive(Debug, Clone, Copy)]
pub struct Planned {
    pub user: UserId,
    pub notification_id: i64,
    pub of: PushOf,
}

/// People's accounts and stored schedules, by id (`Tx::users_with_schedules`).
pub type Accounts = std::collections::HashMap<UserId, (crate::model::User, Option<schedule::Schedule>)>;

/// Holds a push for each new notification until its person's moment, or pushes it now
/// to those available who take pushes one by one. One query for all the people, one
/// insert for the held pushes and one for the events, however many notifications (of
/// however many posts).
pub fn plan(tx: &mut dyn Tx, planned: &[Planned], known: Option<&Accounts>, now: i64) -> Result<()> {
    if planned.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<UserId> =
        planned.iter().map(|p| p.user).filter(|u| known.is_none_or(|k| !k.contains_key(u))).collect();
    ids.sort();
    ids.dedup();
    let read: Accounts = tx.users_with_schedules(&ids)?.into_iter().map(|(u, stored)| (u.id, (u, stored))).collect();
    let person = |u: &UserId| read.get(u).or_else(|| known.and_then(|k| k.get(u)));
    let (mut now_pushes, mut held) = (Vec::new(), Vec::new());
    for &Planned { user, notification_id, of } in planned {
        let Some((u, stored)) = person(&user) else { continue };
        let s = schedules::effective_from(stored.clone(), u, of.at);
        let due_ts = schedule::push_due(&s, u.away_mode.as_ref(), of.at);
        let push = Push {
            id: 0,
            user,
            workspace: of.workspace,
            notification_id,
            thread: of.thread,
            conversation: of.conversation,
            obj_index: of.obj_index,
            created_ts: of.at,
            due_ts,
        };
        if due_ts == Some(of.at) && s.delivery == Delivery::Each {
            // Available and pushed one by one: no need to hold it.
            let payload = payload::Push::one(PushDelivery::Each, item(&push));
            now_pushes.push(super::event(of.workspace, payload::Push::KIND, Audience::user(user), &payload)?);
            continue;
        }
        held.push(push);
    }
    tx.append_events(&now_pushes, now)?;
    tx.insert_pushes(&held)
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

/// Pushes handled per transaction.
pub const BATCH: i64 = 2000;

/// Sends what is due: per person and workspace, one `push` event with every item (a batch
/// when several waited), except items they have read meanwhile, which are dropped. One
/// write transaction: on several nodes each push goes out once. Answers how many pushes it
/// handled (the caller runs it again while it handles a full batch).
pub fn run_due(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let due = tx.due_pushes(now, BATCH)?;
    let handled = due.len();
    let mut by_person: BTreeMap<(UserId, WorkspaceId), Vec<Push>> = BTreeMap::new();
    for p in due {
        by_person.entry((p.user, p.workspace)).or_default().push(p);
    }
    for ((user, ws), pushes) in by_person {
        let Some(u) = tx.user(user)? else { continue };
        let s = schedules::effective(tx, &u, now)?;
        if !schedule::available(&s, u.away_mode.as_ref(), now) {
            // Their plans changed since: hold again.
            replan(tx, user, now)?;
            continue;
        }
        let threads: Vec<ThreadId> = pushes.iter().filter_map(|p| p.thread).collect();
        let positions = tx.read_positions(user, &threads)?;
        let conversations: Vec<ConversationId> = pushes.iter().filter_map(|p| p.conversation).collect();
        let read_in_conversations = tx.conversation_read_positions(user, &conversations)?;
        let (mut send, mut drop) = (Vec::new(), Vec::new());
        for p in pushes {
            let read = p.thread.is_some_and(|t| positions.get(&t).is_some_and(|r| *r >= p.obj_index))
                || p.conversation.is_some_and(|c| read_in_conversations.get(&c).is_some_and(|r| *r >= p.obj_index));
            if read { drop.push(p.id) } else { send.push(p) }
        }
        tx.finish_pushes(&drop, "dropped", now)?;
        if send.is_empty() {
            continue;
        }
        let payload = payload::Push { delivery: s.delivery.into(), items: send.iter().map(item).collect() };
        emit(tx, ws, payload::Push::KIND, Audience::user(user), &payload, now)?;
        tx.finish_pushes(&send.iter().map(|p| p.id).collect::<Vec<_>>(), "delivered", now)?;
    }
    Ok(handled)
}

/// What a push tells of a notification it carries.
fn item(p: &Push) -> PushItem {
    PushItem::Notification {
        notification_id: p.notification_id,
        thread_id: p.thread,
        conversation_id: p.conversation,
        obj_index: p.obj_index,
        created_ts: p.created_ts,
    }
}
