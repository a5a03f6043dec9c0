//! `Inbox` in SQL: inbox items, read positions, mentions and mutes.

use super::posts::{THREAD_COLS, THREAD_FROM, THREAD_NCOLS, thread_from};
use super::{Dialect, ROWS_PER_INSERT, Row, SqlTx, Value, all_distinct, args, placeholders};
use std::collections::HashMap;
use weft_core::model::*;
use weft_core::store::{ArchiveFilter, Inbox, InboxQuery, InboxTouch};
use weft_core::{ChannelId, ConversationId, Result, ThreadId, UserId, WorkspaceId};

/// An inbox row's person's read position in its thread, -2 when they never opened it:
/// the value the row keeps in `read_obj_index`.
macro_rules! read_position {
    () => {
        "COALESCE((SELECT s.last_read_obj_index FROM thread_states s \
         WHERE s.thread_id = inbox_items.thread_id AND s.user_id = inbox_items.user_id), -2)"
    };
}

/// Sets an inbox row's copy of the read position and its unread flag from the read
/// position and the thread, as they are in the transaction.
macro_rules! set_from_read_position {
    () => {
        concat!(
            "read_obj_index = ",
            read_position!(),
            ", unread = CASE WHEN ",
            read_position!(),
            " < (SELECT t.last_obj_index FROM threads t WHERE t.id = inbox_items.thread_id) THEN 1 ELSE 0 END"
        )
    };
}

/// Sets every inbox row's read position and unread flag, as the migration that added them
/// did: for data loaded around Weft (the benchmark's seed).
pub const RECOMPUTE_UNREAD_FLAGS: &str = concat!("UPDATE inbox_items SET ", set_from_read_position!());

/// `read_obj_index` of a row inserted by a touch until the same call sets it.
const READ_UNKNOWN: i64 = -9;

const INBOX_COLS: &str = "i.archived, i.snoozed_until, i.reminder, i.activity_ts";

/// The visibility rule of `policy::can_see_channel` as SQL over the channel `c` and the
/// viewer's membership row `cu`; the one parameter is 1 for guests.
const CHANNEL_VISIBLE: &str = "(cu.user_id IS NOT NULL OR (c.public = 1 AND ? = 0))";

fn inbox_state_from(r: &Row, at: usize) -> Result<InboxState> {
    Ok(InboxState {
        archived: r.bool(at)?,
        snoozed_until: r.opt_i64(at + 1)?,
        reminder: r.bool(at + 2)?,
        activity_ts: r.i64(at + 3)?,
    })
}

impl Inbox for SqlTx<'_> {
    fn touch_inboxes(&mut self, touches: &[InboxTouch]) -> Result<()> {
        // One statement may touch a row once: a person twice takes one statement per touch.
        let size = if all_distinct(touches.iter().map(|t| (t.user, t.thread))) { ROWS_PER_INSERT } else { 1 };
        // A touch leaves a row's read position and unread flag as they are: every write
        // of either keeps them. A new row's are not known yet (its person may have read
        // the thread before it reached their inbox): they are set below, from the read
        // position and the thread as they are in this transaction, for new rows alone.
        for chunk in touches.chunks(size) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
            for t in chunk {
                let mention = t.mention_obj_index.unwrap_or(-3);
                params.extend(
                    args![t.user, t.thread, t.workspace, t.channel, t.now, !t.bring_back, mention].iter().cloned(),
                );
            }
            let sql = format!(
                "INSERT INTO inbox_items (user_id, thread_id, workspace_id, channel_id, activity_ts, archived, \
                 mention_obj_index, read_obj_index, unread) VALUES {} ON CONFLICT (user_id, thread_id) DO UPDATE SET \
                 activity_ts = excluded.activity_ts, \
                 archived = CASE WHEN excluded.archived = 0 THEN 0 ELSE inbox_items.archived END, \
                 reminder = CASE WHEN excluded.archived = 0 THEN 0 ELSE inbox_items.reminder END, \
                 mention_obj_index = CASE WHEN excluded.mention_obj_index > inbox_items.mention_obj_index \
                     THEN excluded.mention_obj_index ELSE inbox_items.mention_obj_index END",
                vec![format!("(?, ?, ?, ?, ?, ?, ?, {READ_UNKNOWN}, 0)"); chunk.len()].join(", ")
            );
            self.conn.send(&sql, &params)?;
        }
        let mut threads: Vec<ThreadId> = touches.iter().map(|t| t.thread).collect();
        threads.sort_unstable();
        threads.dedup();
        for chunk in threads.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "UPDATE inbox_items SET {} WHERE read_obj_index = {READ_UNKNOWN} AND thread_id IN ({})",
                set_from_read_position!(),
                placeholders(chunk.len())
            );
            let params: Vec<Value> = chunk.iter().map(|t| Value::from(*t)).collect();
            self.conn.send(&sql, &params)?;
        }
        Ok(())
    }

    fn flag_unread(&mut self, thread: ThreadId) -> Result<()> {
        self.conn.send(
            "UPDATE inbox_items SET unread = 1 WHERE thread_id = ? AND unread = 0 \
             AND read_obj_index < (SELECT t.last_obj_index FROM threads t WHERE t.id = ?)",
            args![thread, thread],
        )?;
        Ok(())
    }

    fn inbox_state(&mut self, user: UserId, thread: ThreadId) -> Result<Option<InboxState>> {
        let sql = format!("SELECT {INBOX_COLS} FROM inbox_items i WHERE i.user_id = ? AND i.thread_id = ?");
        self.one(&sql, args![user, thread])?.map(|r| inbox_state_from(&r, 0)).transpose()
    }

    fn put_inbox_state(&mut self, user: UserId, thread: ThreadId, st: InboxState) -> Result<()> {
        self.conn.send(
            "UPDATE inbox_items SET archived = ?, snoozed_until = ?, reminder = ?, activity_ts = ? \
             WHERE user_id = ? AND thread_id = ?",
            args![st.archived, st.snoozed_until, st.reminder, st.activity_ts, user, thread],
        )?;
        Ok(())
    }

    fn inbox(&mut self, q: &InboxQuery) -> Result<Vec<InboxThread>> {
        if self.conn.dialect() == Dialect::Postgres {
            // One plan per connection: the page is the same walk down the person's inbox
            // whatever the values, and planning this join afresh for each call (as
            // PostgreSQL chose to, the LIMIT swaying its estimate) cost 2-3 ms against 1 ms
            // of work. Only reads list the inbox, so this never outlives a read.
            self.conn.send("SET LOCAL plan_cache_mode = force_generic_plan", &[])?;
        }
        let mut params: Vec<Value> =
            vec![q.user.into(), q.user.into(), q.user.into(), q.workspace.into(), q.guest.into()];
        let mut sql = format!(
            "SELECT {THREAD_COLS}, {INBOX_COLS} {THREAD_FROM} \
             JOIN inbox_items i ON i.thread_id = t.id AND i.user_id = ? \
             JOIN channels c ON c.id = t.channel_id \
             LEFT JOIN channel_users cu ON cu.channel_id = c.id AND cu.user_id = ? \
             WHERE i.workspace_id = ? AND {CHANNEL_VISIBLE}"
        );
        sql.push_str(match q.filter {
            ArchiveFilter::Active => " AND i.archived = 0 AND i.snoozed_until IS NULL",
            ArchiveFilter::Archived => " AND (i.archived = 1 OR i.snoozed_until IS NOT NULL)",
            ArchiveFilter::All => "",
        });
        if let Some(v) = q.newer_than_ts {
            sql.push_str(" AND i.activity_ts > ?");
            params.push(v.into());
        }
        if let Some(v) = q.older_than_ts {
            sql.push_str(" AND i.activity_ts < ?");
            params.push(v.into());
        }
        if let Some((ts, id)) = q.after {
            sql.push_str(" AND (i.activity_ts < ? OR (i.activity_ts = ? AND t.id < ?))");
            params.extend([Value::from(ts), Value::from(ts), Value::from(id)]);
        }
        sql.push_str(" ORDER BY i.activity_ts DESC, t.id DESC LIMIT ?");
        params.push(q.limit.into());
        let rows = self.conn.query(&sql, &params)?;
        rows.iter()
            .map(|r| {
                let mut thread = thread_from(r)?;
                let st = inbox_state_from(r, THREAD_NCOLS)?;
                thread.is_archived = st.archived;
                let unread = thread.last_read_obj_index < thread.last_obj_index;
                Ok(InboxThread {
                    in_inbox: !st.archived && st.snoozed_until.is_none(),
                    unread,
                    snoozed_until_ts: st.snoozed_until,
                    is_reminder: st.reminder,
                    activity_ts: st.activity_ts,
                    thread,
                })
            })
            .collect()
    }

    fn inbox_unread_count(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM inbox_items i JOIN channels c ON c.id = i.channel_id \
             LEFT JOIN channel_users cu ON cu.channel_id = c.id AND cu.user_id = i.user_id \
             WHERE i.user_id = ? AND i.workspace_id = ? AND i.unread = 1 AND i.archived = 0 \
             AND i.snoozed_until IS NULL AND {CHANNEL_VISIBLE}"
        );
        self.count(&sql, args![user, ws, guest])
    }

    fn archive_inbox(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        channels: Option<&[ChannelId]>,
        older_than: Option<i64>,
    ) -> Result<Vec<ThreadId>> {
        let mut where_ = String::from("user_id = ? AND workspace_id = ? AND archived = 0");
        let mut params: Vec<Value> = vec![user.into(), ws.into()];
        if let Some(chs) = channels {
            where_.push_str(&format!(" AND channel_id IN ({})", placeholders(chs.len())));
            params.extend(chs.iter().map(|c| Value::from(*c)));
        }
        if let Some(ts) = older_than {
            where_.push_str(" AND activity_ts < ?");
            params.push(ts.into());
        }
        let ids: Vec<ThreadId> = self
            .conn
            .query(&format!("SELECT thread_id FROM inbox_items WHERE {where_} ORDER BY thread_id"), &params)?
            .iter()
            .map(|r| r.i64(0).map(ThreadId))
            .collect::<Result<_>>()?;
        self.conn.send(&format!("UPDATE inbox_items SET archived = 1, reminder = 0 WHERE {where_}"), &params)?;
        Ok(ids)
    }

    fn inbox_version(&mut self, user: UserId, ws: WorkspaceId) -> Result<i64> {
        self.count(
            "SELECT COALESCE(MAX(seq), 0) FROM user_event_heads WHERE user_id = ? AND workspace_id = ?",
            args![user, ws],
        )
    }

    fn due_snoozes(&mut self, now: i64, limit: i64) -> Result<Vec<(UserId, ThreadId, WorkspaceId)>> {
        let rows = self.conn.query(
            "SELECT user_id, thread_id, workspace_id FROM inbox_items WHERE snoozed_until <= ? \
             ORDER BY snoozed_until, user_id, thread_id LIMIT ?",
            args![now, limit],
        )?;
        rows.iter().map(|r| Ok((UserId(r.i64(0)?), ThreadId(r.i64(1)?), WorkspaceId(r.i64(2)?)))).collect()
    }

    fn move_inbox_items(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()> {
        self.conn.send("UPDATE inbox_items SET channel_id = ? WHERE thread_id = ?", args![channel, thread])?;
        Ok(())
    }

    fn unread_threads(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<Vec<UnreadThread>> {
        // One range of the unread rows' index, which holds every column answered; the
        // channels the user sees are found once, not once per row.
        let sql = format!(
            "SELECT i.thread_id, i.channel_id, i.read_obj_index, i.mention_obj_index FROM inbox_items i \
             WHERE i.user_id = ? AND i.workspace_id = ? AND i.unread = 1 \
             AND i.channel_id IN (SELECT c.id FROM channels c \
                 LEFT JOIN channel_users cu ON cu.channel_id = c.id AND cu.user_id = ? \
                 WHERE c.workspace_id = ? AND {CHANNEL_VISIBLE}) \
             ORDER BY i.activity_ts DESC, i.thread_id DESC"
        );
        let rows = self.conn.query(&sql, args![user, ws, user, ws, guest])?;
        rows.iter()
            .map(|r| {
                let read = r.i64(2)?;
                Ok(UnreadThread {
                    thread_id: ThreadId(r.i64(0)?),
                    channel_id: ChannelId(r.i64(1)?),
                    obj_index: read,
                    direct_mention: r.i64(3)? > read,
                })
            })
            .collect()
    }

    fn mark_threads_read(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        channel: Option<ChannelId>,
    ) -> Result<Vec<ThreadId>> {
        // The threads whose read position is behind: those of the inbox, or all of one channel.
        let (sql, params) = match channel {
            None => (
                "SELECT t.id, t.last_obj_index FROM inbox_items i JOIN threads t ON t.id = i.thread_id \
                 LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = i.user_id \
                 WHERE i.user_id = ? AND i.workspace_id = ? AND COALESCE(s.last_read_obj_index, -2) < t.last_obj_index",
                vec![Value::from(user), Value::from(ws)],
            ),
            Some(ch) => (
                "SELECT t.id, t.last_obj_index FROM threads t \
                 LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = ? \
                 WHERE t.channel_id = ? AND COALESCE(s.last_read_obj_index, -2) < t.last_obj_index",
                vec![Value::from(user), Value::from(ch)],
            ),
        };
        let rows = self.conn.query(sql, &params)?;
        let mut changed = Vec::with_capacity(rows.len());
        for r in &rows {
            let (thread, last) = (ThreadId(r.i64(0)?), r.i64(1)?);
            self.conn.send(
                "INSERT INTO thread_states (thread_id, user_id, last_read_obj_index) VALUES (?, ?, ?) \
                 ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_obj_index = excluded.last_read_obj_index",
                args![thread, user, last],
            )?;
            changed.push(thread);
        }
        for chunk in changed.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "UPDATE inbox_items SET unread = 0, read_obj_index = (SELECT t.last_obj_index FROM threads t \
                 WHERE t.id = inbox_items.thread_id) WHERE user_id = ? AND thread_id IN ({})",
                placeholders(chunk.len())
            );
            let params: Vec<Value> =
                std::iter::once(Value::from(user)).chain(chunk.iter().map(|t| Value::from(*t))).collect();
            self.conn.send(&sql, &params)?;
        }
        Ok(changed)
    }

    fn mark_unread_for_others(&mut self, thread: ThreadId, actor: UserId, obj_index: i64) -> Result<Vec<UserId>> {
        let position = obj_index - 1;
        let rows = self.conn.query(
            "SELECT user_id FROM thread_states WHERE thread_id = ? AND user_id <> ? AND last_read_obj_index > ? \
             ORDER BY user_id",
            args![thread, actor, position],
        )?;
        self.conn.send(
            "UPDATE thread_states SET last_read_obj_index = ? WHERE thread_id = ? AND user_id <> ? AND last_read_obj_index > ?",
            args![position, thread, actor, position],
        )?;
        self.conn.send(
            "UPDATE inbox_items SET read_obj_index = ? WHERE thread_id = ? AND user_id <> ? AND read_obj_index > ?",
            args![position, thread, actor, position],
        )?;
        self.flag_unread(thread)?;
        rows.iter().map(|r| r.i64(0).map(UserId)).collect()
    }

    fn unread_conversations(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<UnreadConversation>> {
        let rows = self.conn.query(
            "SELECT c.id, s.last_read_obj_index, s.mention_obj_index FROM conversations c \
             JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? \
             WHERE c.workspace_id = ? AND s.last_read_obj_index < c.last_obj_index \
             ORDER BY c.last_active_ts DESC, c.id DESC",
            args![user, ws],
        )?;
        rows.iter()
            .map(|r| {
                let read = r.i64(1)?;
                Ok(UnreadConversation {
                    conversation_id: ConversationId(r.i64(0)?),
                    obj_index: read,
                    direct_mention: r.i64(2)? > read,
                })
            })
            .collect()
    }

    fn note_conversation_mentions(&mut self, c: ConversationId, users: &[UserId], obj_index: i64) -> Result<()> {
        for &u in users {
            self.conn.send(
                "UPDATE conversation_users SET mention_obj_index = ? WHERE conversation_id = ? AND user_id = ?",
                args![obj_index, c, u],
            )?;
        }
        Ok(())
    }

    fn mark_conversations_read(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<ConversationId>> {
        let rows = self.conn.query(
            "SELECT c.id, c.last_obj_index FROM conversations c \
             JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? \
             WHERE c.workspace_id = ? AND s.last_read_obj_index < c.last_obj_index",
            args![user, ws],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            let (c, last) = (ConversationId(r.i64(0)?), r.i64(1)?);
            self.conn.send(
                "UPDATE conversation_users SET last_read_obj_index = ? WHERE conversation_id = ? AND user_id = ?",
                args![last, c, user],
            )?;
            out.push(c);
        }
        Ok(out)
    }

    fn read_positions(&mut self, user: UserId, threads: &[ThreadId]) -> Result<HashMap<ThreadId, i64>> {
        if threads.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT thread_id, last_read_obj_index FROM thread_states WHERE user_id = ? AND thread_id IN ({})",
            placeholders(threads.len())
        );
        let mut params: Vec<Value> = vec![user.into()];
        params.extend(threads.iter().map(|t| Value::from(*t)));
        self.conn.query(&sql, &params)?.iter().map(|r| Ok((ThreadId(r.i64(0)?), r.i64(1)?))).collect()
    }

    fn conversation_read_positions(
        &mut self,
        user: UserId,
        conversations: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>> {
        if conversations.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT conversation_id, last_read_obj_index FROM conversation_users WHERE user_id = ? \
             AND conversation_id IN ({})",
            placeholders(conversations.len())
        );
        let mut params: Vec<Value> = vec![user.into()];
        params.extend(conversations.iter().map(|c| Value::from(*c)));
        self.conn.query(&sql, &params)?.iter().map(|r| Ok((ConversationId(r.i64(0)?), r.i64(1)?))).collect()
    }

    fn conversation_muted_users(&mut self, c: ConversationId, users: &[UserId], now: i64) -> Result<Vec<UserId>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT user_id FROM conversation_users WHERE conversation_id = ? AND muted_until_ts > ? \
             AND user_id IN ({})",
            placeholders(users.len())
        );
        let mut params: Vec<Value> = vec![c.into(), now.into()];
        params.extend(users.iter().map(|u| Value::from(*u)));
        self.conn.query(&sql, &params)?.iter().map(|r| Ok(UserId(r.i64(0)?))).collect()
    }
}
