//! The inbox — the threads that concern a person, worked through and marked Done — and
//! read state, snoozing, and the unread lists.

use super::{access, emit, threads};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::payload::{ConversationRead, InboxUpdated};
use crate::store::{ArchiveFilter, ConversationState, InboxQuery, Tx};
use serde_json::json;

pub const DEFAULT_LIMIT: i64 = 30;
pub const MAX_LIMIT: i64 = 500;
/// Where a working day starts until people set their own hours.
pub const DEFAULT_DAY_START: (i8, i8) = (9, 0);

fn is_guest(tx: &mut dyn Tx, ws: WorkspaceId, user: UserId) -> Result<bool> {
    Ok(access::role_in(tx, ws, user)? == UserType::Guest)
}

pub struct ListInput {
    pub workspace_id: WorkspaceId,
    pub filter: ArchiveFilter,
    pub newer_than_ts: Option<i64>,
    pub older_than_ts: Option<i64>,
    pub cursor: Option<(i64, ThreadId)>,
    pub limit: i64,
}

/// `inbox/get`: newest activity first, each item with its last comment. A fixed number of
/// queries whatever the page size.
pub fn get(tx: &mut dyn Tx, actor: UserId, input: ListInput) -> Result<Vec<InboxThread>> {
    let guest = is_guest(tx, input.workspace_id, actor)?;
    let mut items = tx.inbox(&InboxQuery {
        user: actor,
        workspace: input.workspace_id,
        guest,
        filter: input.filter,
        newer_than_ts: input.newer_than_ts,
        older_than_ts: input.older_than_ts,
        after: input.cursor,
        limit: input.limit,
    })?;
    let ids: Vec<ThreadId> = items.iter().map(|i| i.thread.id).collect();
    let mut last = tx.last_comments(&ids)?;
    let mut reactions = tx.reactions("thread", &ids.iter().map(|t| t.0).collect::<Vec<_>>())?;
    for item in &mut items {
        item.thread.last_comment = last.remove(&item.thread.id).map(Box::new);
        item.thread.reactions = reactions.remove(&item.thread.id.0).unwrap_or_default();
    }
    Ok(items)
}

/// `inbox/get_count`: unread items in the active inbox, and the inbox's version.
pub fn count(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<(i64, i64)> {
    let guest = is_guest(tx, ws, actor)?;
    Ok((tx.inbox_unread_count(actor, ws, guest)?, tx.inbox_version(actor, ws)?))
}

/// Changes the actor's inbox state of one thread and tells their other clients.
fn change(
    tx: &mut dyn Tx,
    actor: UserId,
    thread: ThreadId,
    now: i64,
    f: impl FnOnce(&mut InboxState) -> Result<()>,
) -> Result<InboxState> {
    let (t, _, _) = access::thread(tx, thread, actor)?;
    let mut state =
        tx.inbox_state(actor, thread)?.ok_or_else(|| Error::BadRequest("this thread is not in your inbox".into()))?;
    f(&mut state)?;
    tx.put_inbox_state(actor, thread, state)?;
    let payload = InboxUpdated::new(t.id, Some(t.channel_id), &state);
    emit(tx, t.workspace_id, "inbox_updated", Audience::user(actor), &payload, now)?;
    Ok(state)
}

/// Done: out of the inbox until something new concerns the person.
pub fn archive(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, now: i64) -> Result<()> {
    change(tx, actor, thread, now, |s| {
        s.archived = true;
        s.snoozed_until = None;
        s.reminder = false;
        Ok(())
    })
    .map(drop)
}

pub fn unarchive(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, now: i64) -> Result<()> {
    change(tx, actor, thread, now, |s| {
        s.archived = false;
        Ok(())
    })
    .map(drop)
}

/// Out of the inbox until `until`, then back as a reminder even if nothing happened.
pub fn snooze(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, until: i64, now: i64) -> Result<InboxState> {
    if until <= now {
        return Err(Error::invalid("until_ts", "must be in the future"));
    }
    change(tx, actor, thread, now, |s| {
        s.snoozed_until = Some(until);
        s.archived = false;
        s.reminder = false;
        Ok(())
    })
}

pub fn unsnooze(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, now: i64) -> Result<InboxState> {
    change(tx, actor, thread, now, |s| {
        if s.snoozed_until.is_none() {
            return Err(Error::BadRequest("this thread is not snoozed".into()));
        }
        s.snoozed_until = None;
        Ok(())
    })
}

/// Returns the snoozed items whose time has come, as reminders. One write transaction: on
/// several nodes the first to run takes them, the others find nothing.
pub fn return_snoozed(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let due = tx.due_snoozes(now, 500)?;
    for &(user, thread, ws) in &due {
        let Some(mut s) = tx.inbox_state(user, thread)? else { continue };
        s.snoozed_until = None;
        s.archived = false;
        s.reminder = true;
        s.activity_ts = now;
        tx.put_inbox_state(user, thread, s)?;
        let channel = tx.thread(thread, user)?.map(|t| t.channel_id);
        emit(tx, ws, "inbox_updated", Audience::user(user), &InboxUpdated::new(thread, channel, &s), now)?;
    }
    Ok(due.len())
}

/// The start of the person's next working day after `now`: the first working interval of
/// the next day (in their time zone) that has one.
pub fn next_workday_start(s: &crate::schedule::Schedule, now: i64) -> Result<i64> {
    let tz = jiff::tz::TimeZone::get(&s.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let here = jiff::Timestamp::from_second(now).map_err(|e| Error::Internal(e.to_string()))?.to_zoned(tz.clone());
    let mut day = here.date();
    for _ in 0..14 {
        day = day.tomorrow().map_err(|e| Error::Internal(e.to_string()))?;
        let weekday = day.weekday().to_monday_one_offset();
        let first = s.working_hours.iter().filter(|i| i.weekday == weekday).map(|i| i.start.clone()).min();
        if let Some(start) = first {
            let time: jiff::civil::Time = start.parse().map_err(|_| Error::Internal(format!("bad time {start}")))?;
            let zoned = day.to_datetime(time).to_zoned(tz).map_err(|e| Error::Internal(e.to_string()))?;
            return Ok(zoned.timestamp().as_second());
        }
    }
    Err(Error::invalid("until", "there are no working hours in the schedule"))
}

/// Snoozes until the start of the person's next working day.
pub fn snooze_until_next_workday(tx: &mut dyn Tx, actor: &User, thread: ThreadId, now: i64) -> Result<InboxState> {
    let s = super::schedules::effective(tx, actor, now)?;
    let until = next_workday_start(&s, now)?;
    snooze(tx, actor.id, thread, until, now)
}

/// `inbox/archive_all`.
pub fn archive_all(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    channels: Option<Vec<ChannelId>>,
    older_than: Option<i64>,
    now: i64,
) -> Result<()> {
    access::role_in(tx, ws, actor)?;
    for &ch in channels.iter().flatten() {
        match access::channel(tx, ch, actor) {
            Ok((c, _)) if c.workspace_id == ws => {}
            _ => return Err(Error::NotFound(NotFound::Channel)),
        }
    }
    let changed = tx.archive_inbox(actor, ws, channels.as_deref(), older_than)?;
    if !changed.is_empty() {
        let payload = json!({"archived_thread_ids": changed});
        emit(tx, ws, "inbox_updated", Audience::user(actor), &payload, now)?;
    }
    Ok(())
}

/// `threads/mark_all_read` (workspace or channel), `inbox/mark_all_read`, `threads/clear_unread`.
pub fn mark_all_read(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: Option<WorkspaceId>,
    channel: Option<ChannelId>,
    now: i64,
) -> Result<()> {
    let (ws, channel) = match (ws, channel) {
        (_, Some(ch)) => {
            let (c, _) = access::channel(tx, ch, actor)?;
            (c.workspace_id, Some(ch))
        }
        (Some(ws), None) => {
            access::role_in(tx, ws, actor)?;
            (ws, None)
        }
        (None, None) => return Err(Error::missing("workspace_id")),
    };
    let changed = tx.mark_threads_read(actor, ws, channel)?;
    if !changed.is_empty() {
        emit(tx, ws, "threads_marked_read", Audience::user(actor), &json!({"thread_ids": changed}), now)?;
    }
    Ok(())
}

/// `threads/mark_read`: everything up to `obj_index` (-1 = the thread's own post) is read.
pub fn mark_read(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, obj_index: i64, now: i64) -> Result<()> {
    let (t, _, _) = access::thread(tx, thread, actor)?;
    if obj_index < -1 || obj_index > t.last_obj_index {
        return Err(Error::invalid("obj_index", format!("expected -1 to {}", t.last_obj_index)));
    }
    threads::set_state(tx, actor, thread, |s| s.last_read_obj_index = obj_index, now).map(drop)
}

/// `threads/mark_unread`: from `obj_index` on is unread; -1 makes the whole thread unread.
pub fn mark_unread(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, obj_index: i64, now: i64) -> Result<()> {
    let (t, _, _) = access::thread(tx, thread, actor)?;
    if obj_index < -1 || obj_index > t.last_obj_index {
        return Err(Error::invalid("obj_index", format!("expected -1 to {}", t.last_obj_index)));
    }
    let position = if obj_index == -1 { -2 } else { obj_index - 1 };
    threads::set_state(tx, actor, thread, |s| s.last_read_obj_index = position, now).map(drop)
}

/// `threads/mark_unread_for_others`: everyone else who read past `obj_index` has it unread again.
pub fn mark_unread_for_others(
    tx: &mut dyn Tx,
    actor: UserId,
    thread: ThreadId,
    obj_index: i64,
    now: i64,
) -> Result<()> {
    let (t, _, _) = access::thread(tx, thread, actor)?;
    if obj_index < 0 || obj_index > t.last_obj_index {
        return Err(Error::invalid("obj_index", format!("expected 0 to {}", t.last_obj_index)));
    }
    for user in tx.mark_unread_for_others(thread, actor, obj_index)? {
        let payload = json!({"thread_id": thread, "channel_id": t.channel_id, "last_read_obj_index": obj_index - 1});
        emit(tx, t.workspace_id, "thread_state_updated", Audience::user(user), &payload, now)?;
    }
    Ok(())
}

pub fn unread_threads(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<UnreadThread>> {
    let guest = is_guest(tx, ws, actor)?;
    tx.unread_threads(actor, ws, guest)
}

pub fn unread_conversations(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<UnreadConversation>> {
    access::role_in(tx, ws, actor)?;
    tx.unread_conversations(actor, ws)
}

/// Where a conversation read-state call points: an obj_index or a message id.
pub enum Position {
    ObjIndex(i64),
    Message(MessageId),
    End,
}

fn resolve(tx: &mut dyn Tx, c: &Conversation, at: Position) -> Result<i64> {
    match at {
        Position::End => Ok(c.last_obj_index),
        Position::ObjIndex(i) if (-1..=c.last_obj_index).contains(&i) => Ok(i),
        Position::ObjIndex(_) => Err(Error::invalid("obj_index", format!("expected -1 to {}", c.last_obj_index))),
        Position::Message(id) => match tx.message(id)? {
            Some(m) if m.conversation_id == c.id => Ok(m.obj_index),
            _ => Err(Error::NotFound(NotFound::Message)),
        },
    }
}

/// Moves the actor's read position in a conversation and tells their other clients.
fn set_conversation_read(tx: &mut dyn Tx, actor: UserId, c: &Conversation, read: i64, now: i64) -> Result<()> {
    super::conversations::set_state(tx, actor, c.id, |s: &mut ConversationState| s.last_read_obj_index = read)?;
    let payload = ConversationRead { conversation_id: c.id, last_read_obj_index: read };
    emit(tx, c.workspace_id, "conversation_state_updated", Audience::user(actor), &payload, now)?;
    Ok(())
}

pub fn conversation_mark_read(
    tx: &mut dyn Tx,
    actor: UserId,
    id: ConversationId,
    at: Position,
    now: i64,
) -> Result<()> {
    let c = super::conversations::get(tx, actor, id)?;
    let read = resolve(tx, &c, at)?;
    set_conversation_read(tx, actor, &c, read, now)
}

pub fn conversation_mark_unread(
    tx: &mut dyn Tx,
    actor: UserId,
    id: ConversationId,
    at: Position,
    now: i64,
) -> Result<()> {
    let c = super::conversations::get(tx, actor, id)?;
    let from = match at {
        Position::End => c.last_obj_index,
        other => resolve(tx, &c, other)?,
    };
    let read = (from - 1).max(-1);
    set_conversation_read(tx, actor, &c, read, now)
}

pub fn conversations_mark_all_read(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, now: i64) -> Result<()> {
    access::role_in(tx, ws, actor)?;
    let changed = tx.mark_conversations_read(actor, ws)?;
    if !changed.is_empty() {
        emit(tx, ws, "conversations_marked_read", Audience::user(actor), &json!({"conversation_ids": changed}), now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(tz: &str, days: &[i8]) -> crate::schedule::Schedule {
        let mut s = crate::schedule::Schedule::default_in(tz);
        s.working_hours = days
            .iter()
            .map(|d| crate::schedule::Interval { weekday: *d, start: "09:00".into(), end: "17:00".into() })
            .collect();
        s
    }

    fn ts(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_second()
    }

    #[test]
    fn the_next_workday_skips_the_weekend_in_the_persons_zone() {
        // Friday 2026-11-27 20:00 UTC is already Saturday morning in Tokyo.
        let tokyo = week("Asia/Tokyo", &[1, 2, 3, 4, 5]);
        assert_eq!(next_workday_start(&tokyo, ts("2026-11-27T20:00:00Z")).unwrap(), ts("2026-11-30T00:00:00Z"));
        // Wednesday in Lisbon: Thursday 09:00 Lisbon (UTC+0 in winter).
        let lisbon = week("Europe/Lisbon", &[1, 2, 3, 4, 5]);
        assert_eq!(next_workday_start(&lisbon, ts("2026-11-25T10:00:00Z")).unwrap(), ts("2026-11-26T09:00:00Z"));
        // Someone who works Sunday to Thursday.
        let dubai = week("Asia/Dubai", &[7, 1, 2, 3, 4]);
        assert_eq!(next_workday_start(&dubai, ts("2026-11-26T10:00:00Z")).unwrap(), ts("2026-11-29T05:00:00Z"));
        // Half-hour zone.
        let kolkata = week("Asia/Kolkata", &[1, 2, 3, 4, 5]);
        assert_eq!(next_workday_start(&kolkata, ts("2026-11-25T10:00:00Z")).unwrap(), ts("2026-11-26T03:30:00Z"));
    }
}
