//! `Notifications` in SQL: notifications, their settings, and pushes.

use super::{ROWS_PER_INSERT, Row, SqlTx, Value, all_distinct, among_queries, args, json, placeholders, rows_of};
use serde_json::Value as Json;
use std::collections::HashMap;
use weft_core::model::*;
use weft_core::store::{Notifications, PeopleFacts, Push};
use weft_core::{ChannelId, CommentId, ConversationId, Error, MessageId, Result, ThreadId, UserId, WorkspaceId};

const NOTIFICATION_COLS: &str = "id, type_id, reason, workspace_id, channel_id, thread_id, comment_id, \
                                 conversation_id, message_id, by_user_id, posted_ts, is_read";

fn notification_from(r: &Row) -> Result<Notification> {
    Ok(Notification {
        id: r.i64(0)?,
        type_id: NotificationType::from_id(r.i64(1)?).unwrap_or(NotificationType::Thread),
        reason: NotifyReason::parse(&r.text(2)?).unwrap_or(NotifyReason::Recipient),
        workspace_id: WorkspaceId(r.i64(3)?),
        channel_id: r.opt_i64(4)?.map(ChannelId),
        thread_id: r.opt_i64(5)?.map(ThreadId),
        comment_id: r.opt_i64(6)?.map(CommentId),
        conversation_id: r.opt_i64(7)?.map(ConversationId),
        message_id: r.opt_i64(8)?.map(MessageId),
        by_user_id: UserId(r.i64(9)?),
        posted_ts: r.i64(10)?,
        is_read: r.bool(11)?,
    })
}

const PUSH_COLS: &str =
    "id, user_id, workspace_id, notification_id, thread_id, obj_index, created_ts, due_ts, conversation_id";

fn push_from(r: &Row) -> Result<Push> {
    Ok(Push {
        id: r.i64(0)?,
        user: UserId(r.i64(1)?),
        workspace: WorkspaceId(r.i64(2)?),
        notification_id: r.i64(3)?,
        thread: r.opt_i64(4)?.map(ThreadId),
        obj_index: r.i64(5)?,
        created_ts: r.i64(6)?,
        due_ts: r.opt_i64(7)?,
        conversation: r.opt_i64(8)?.map(ConversationId),
    })
}

impl Notifications for SqlTx<'_> {
    fn people_facts(
        &mut self,
        workspaces: &[WorkspaceId],
        channels: &[ChannelId],
        threads: &[ThreadId],
        users: &[UserId],
    ) -> Result<PeopleFacts> {
        let workspaces: Vec<i64> = workspaces.iter().map(|w| w.0).collect();
        let channels: Vec<i64> = channels.iter().map(|c| c.0).collect();
        let threads: Vec<i64> = threads.iter().map(|t| t.0).collect();
        let parts = [
            among_queries(
                "SELECT workspace_id, user_id, user_type FROM workspace_users \
                 WHERE removed = 0 AND pending = 0 AND deactivated = 0 AND",
                "workspace_id",
                &workspaces,
                users,
            ),
            among_queries("SELECT channel_id, user_id FROM channel_users WHERE", "channel_id", &channels, users),
            among_queries(
                "SELECT thread_id, user_id, muted_until_ts FROM thread_states WHERE muted_until_ts IS NOT NULL AND",
                "thread_id",
                &threads,
                users,
            ),
            among_queries(
                "SELECT channel_id, user_id, level FROM channel_notification_levels WHERE",
                "channel_id",
                &channels,
                users,
            ),
            super::schedules::users_with_schedules_queries(users),
        ];
        let counts: Vec<usize> = parts.iter().map(Vec::len).collect();
        let mut answers = self.conn.query_many(&parts.concat())?.into_iter();
        let mut rows_of_part = |part: usize| -> Vec<Row> { answers.by_ref().take(counts[part]).flatten().collect() };
        let (roles, members, mutes, levels, accounts) =
            (rows_of_part(0), rows_of_part(1), rows_of_part(2), rows_of_part(3), rows_of_part(4));
        Ok(PeopleFacts {
            roles: roles
                .iter()
                .map(|r| {
                    let role = UserType::parse(&r.text(2)?).unwrap_or(UserType::User);
                    Ok((WorkspaceId(r.i64(0)?), UserId(r.i64(1)?), role))
                })
                .collect::<Result<_>>()?,
            members: members.iter().map(|r| Ok((ChannelId(r.i64(0)?), UserId(r.i64(1)?)))).collect::<Result<_>>()?,
            mutes: mutes
                .iter()
                .map(|r| Ok((ThreadId(r.i64(0)?), UserId(r.i64(1)?), r.i64(2)?)))
                .collect::<Result<_>>()?,
            levels: levels
                .iter()
                .map(|r| {
                    let level = r.text(2)?;
                    let level = ChannelNotifications::parse(&level)
                        .ok_or_else(|| Error::Internal(format!("unknown channel notification level {level}")))?;
                    Ok((ChannelId(r.i64(0)?), UserId(r.i64(1)?), level))
                })
                .collect::<Result<_>>()?,
            accounts: accounts.iter().map(super::schedules::user_with_schedule_from).collect::<Result<_>>()?,
        })
    }

    fn insert_notification(&mut self, user: UserId, n: &Notification) -> Result<i64> {
        let ids = self.insert_notifications(&[(user, n.clone())])?;
        ids.first().copied().ok_or(Error::Internal("INSERT returned no id".into()))
    }

    fn insert_notifications(&mut self, items: &[(UserId, Notification)]) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(items.len());
        // Ids come back matched by person and what the notification is about (a post notifies
        // a person once): a pair twice takes one statement per row.
        let key = |user: UserId, n: &Notification| {
            (user.0, n.thread_id.map(|t| t.0), n.comment_id.map(|c| c.0), n.message_id.map(|m| m.0))
        };
        let size = if all_distinct(items.iter().map(|(u, n)| key(*u, n))) { ROWS_PER_INSERT } else { 1 };
        for chunk in items.chunks(size) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 11);
            for (user, n) in chunk {
                params.extend([
                    (*user).into(),
                    n.workspace_id.into(),
                    n.type_id.id().into(),
                    n.reason.as_str().into(),
                    n.channel_id.into(),
                    n.thread_id.into(),
                    n.comment_id.into(),
                    n.conversation_id.into(),
                    n.message_id.into(),
                    n.by_user_id.into(),
                    n.posted_ts.into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO notifications (user_id, workspace_id, type_id, reason, channel_id, thread_id, comment_id, \
                 conversation_id, message_id, by_user_id, posted_ts) VALUES {} \
                 RETURNING id, user_id, thread_id, comment_id, message_id",
                rows_of(chunk.len(), 11)
            );
            // RETURNING does not promise the order of the rows: match them by key.
            let rows = self.conn.query(&sql, &params)?;
            let mut by_key = HashMap::with_capacity(rows.len());
            for r in &rows {
                by_key.insert((r.i64(1)?, r.opt_i64(2)?, r.opt_i64(3)?, r.opt_i64(4)?), r.i64(0)?);
            }
            for (user, n) in chunk {
                let id = by_key.get(&key(*user, n));
                ids.push(*id.ok_or(Error::Internal("a notification was not inserted".into()))?);
            }
        }
        Ok(ids)
    }

    fn notifications(&mut self, user: UserId, limit: i64) -> Result<Vec<Notification>> {
        let sql = format!("SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?");
        self.conn.query(&sql, args![user, limit])?.iter().map(notification_from).collect()
    }

    fn notifications_by_ids(&mut self, user: UserId, ids: &[i64]) -> Result<Vec<Notification>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = ? AND id IN ({}) ORDER BY id",
            placeholders(ids.len())
        );
        let mut params: Vec<Value> = vec![user.into()];
        params.extend(ids.iter().map(|i| Value::Int(*i)));
        self.conn.query(&sql, &params)?.iter().map(notification_from).collect()
    }

    fn mark_notification_read(&mut self, user: UserId, id: Option<i64>) -> Result<u64> {
        match id {
            Some(id) => {
                self.conn.execute("UPDATE notifications SET is_read = 1 WHERE user_id = ? AND id = ?", args![user, id])
            }
            None => {
                self.conn.execute("UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0", args![user])
            }
        }
    }

    fn notification_settings(&mut self, user: UserId, ws: WorkspaceId) -> Result<Option<Json>> {
        self.one("SELECT settings FROM notification_settings WHERE user_id = ? AND workspace_id = ?", args![user, ws])?
            .map(|r| r.json(0))
            .transpose()
    }

    fn put_notification_settings(&mut self, user: UserId, ws: WorkspaceId, settings: &Json) -> Result<()> {
        self.conn.send(
            "INSERT INTO notification_settings (user_id, workspace_id, settings) VALUES (?, ?, ?) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET settings = excluded.settings",
            &[user.into(), ws.into(), json(settings)],
        )?;
        Ok(())
    }

    fn insert_pushes(&mut self, pushes: &[Push]) -> Result<()> {
        for chunk in pushes.chunks(ROWS_PER_INSERT) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 8);
            for p in chunk {
                let row = args![
                    p.user,
                    p.workspace,
                    p.notification_id,
                    p.thread,
                    p.obj_index,
                    p.created_ts,
                    p.due_ts,
                    p.conversation
                ];
                params.extend(row.iter().cloned());
            }
            let sql = format!(
                "INSERT INTO pushes (user_id, workspace_id, notification_id, thread_id, obj_index, created_ts, due_ts, \
                 conversation_id) VALUES {}",
                rows_of(chunk.len(), 8)
            );
            self.conn.send(&sql, &params)?;
        }
        Ok(())
    }

    fn due_pushes(&mut self, now: i64, limit: i64) -> Result<Vec<Push>> {
        let rows = self.conn.query(
            &format!(
                "SELECT {PUSH_COLS} FROM pushes WHERE state = 'pending' AND due_ts <= ? ORDER BY due_ts, id LIMIT ?"
            ),
            args![now, limit],
        )?;
        rows.iter().map(push_from).collect()
    }

    fn pending_pushes_of(&mut self, user: UserId) -> Result<Vec<Push>> {
        let rows = self.conn.query(
            &format!("SELECT {PUSH_COLS} FROM pushes WHERE state = 'pending' AND user_id = ? ORDER BY id"),
            args![user],
        )?;
        rows.iter().map(push_from).collect()
    }

    fn set_push_due(&mut self, id: i64, due_ts: Option<i64>) -> Result<()> {
        self.conn.send("UPDATE pushes SET due_ts = ? WHERE id = ?", args![due_ts, id])?;
        Ok(())
    }

    fn finish_pushes(&mut self, ids: &[i64], state: &str, now: i64) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!("UPDATE pushes SET state = ?, done_ts = ? WHERE id IN ({})", placeholders(ids.len()));
        let mut params: Vec<Value> = vec![state.into(), now.into()];
        params.extend(ids.iter().map(|i| Value::Int(*i)));
        self.conn.send(&sql, &params)?;
        Ok(())
    }
}
