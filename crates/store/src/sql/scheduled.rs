//! `ScheduledPosts` in SQL: posts to be sent later.

use super::{Row, SqlTx, args, json};
use weft_core::model::*;
use weft_core::store::ScheduledPosts;
use weft_core::*;

const COLS: &str = "id, workspace_id, author_id, kind, channel_id, thread_id, conversation_id, post, send_at_ts, rule, \
     explained, created_ts, updated_ts, state, sent_ts, posted_id, late, error";

fn kind_str(k: ScheduledKind) -> &'static str {
    match k {
        ScheduledKind::Thread => "thread",
        ScheduledKind::Comment => "comment",
        ScheduledKind::Message => "message",
    }
}

fn state_str(s: ScheduledState) -> &'static str {
    match s {
        ScheduledState::Scheduled => "scheduled",
        ScheduledState::Sent => "sent",
        ScheduledState::Failed => "failed",
        ScheduledState::Cancelled => "cancelled",
    }
}

fn rule_str(r: SendAt) -> &'static str {
    match r {
        SendAt::Time => "time",
        SendAt::RecipientMorning => "recipient_morning",
    }
}

/// One of the names above, back from its text.
fn parse<T: serde::de::DeserializeOwned>(column: usize, text: String) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.clone()))
        .map_err(|_| Error::Internal(format!("column {column}: unknown value {text}")))
}

fn scheduled_from(r: &Row) -> Result<ScheduledPost> {
    Ok(ScheduledPost {
        id: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        author_id: UserId(r.i64(2)?),
        kind: parse(3, r.text(3)?)?,
        channel_id: r.opt_i64(4)?.map(ChannelId),
        thread_id: r.opt_i64(5)?.map(ThreadId),
        conversation_id: r.opt_i64(6)?.map(ConversationId),
        post: r.json(7)?,
        send_at_ts: r.i64(8)?,
        send_at: parse(9, r.text(9)?)?,
        explained: r.text(10)?,
        created_ts: r.i64(11)?,
        updated_ts: r.i64(12)?,
        state: parse(13, r.text(13)?)?,
        sent_ts: r.opt_i64(14)?,
        posted_id: r.opt_i64(15)?,
        late: r.bool(16)?,
        error: r.opt_text(17)?,
    })
}

impl ScheduledPosts for SqlTx<'_> {
    fn insert_scheduled(&mut self, p: &ScheduledPost) -> Result<i64> {
        self.insert_id(
            "INSERT INTO scheduled_posts (workspace_id, author_id, kind, channel_id, thread_id, conversation_id, post, \
             send_at_ts, rule, explained, created_ts, updated_ts, state) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                p.workspace_id.into(),
                p.author_id.into(),
                kind_str(p.kind).into(),
                p.channel_id.into(),
                p.thread_id.into(),
                p.conversation_id.into(),
                json(&p.post),
                p.send_at_ts.into(),
                rule_str(p.send_at).into(),
                (&p.explained).into(),
                p.created_ts.into(),
                p.updated_ts.into(),
                state_str(p.state).into(),
            ],
        )
    }

    fn scheduled(&mut self, id: i64) -> Result<Option<ScheduledPost>> {
        let sql = format!("SELECT {COLS} FROM scheduled_posts WHERE id = ?");
        self.one(&sql, args![id])?.map(|r| scheduled_from(&r)).transpose()
    }

    fn scheduled_of(
        &mut self,
        ws: WorkspaceId,
        author: UserId,
        finished: bool,
        limit: i64,
    ) -> Result<Vec<ScheduledPost>> {
        let sql = if finished {
            format!(
                "SELECT {COLS} FROM scheduled_posts WHERE author_id = ? AND workspace_id = ? AND state <> 'scheduled' \
                 ORDER BY id DESC LIMIT ?"
            )
        } else {
            format!(
                "SELECT {COLS} FROM scheduled_posts WHERE author_id = ? AND workspace_id = ? AND state = 'scheduled' \
                 ORDER BY send_at_ts, id LIMIT ?"
            )
        };
        self.conn.query(&sql, args![author, ws, limit])?.iter().map(scheduled_from).collect()
    }

    fn update_scheduled(&mut self, p: &ScheduledPost) -> Result<()> {
        self.conn.send(
            "UPDATE scheduled_posts SET post = ?, send_at_ts = ?, rule = ?, explained = ?, updated_ts = ?, state = ?, \
             sent_ts = ?, posted_id = ?, late = ?, error = ? WHERE id = ?",
            &[
                json(&p.post),
                p.send_at_ts.into(),
                rule_str(p.send_at).into(),
                (&p.explained).into(),
                p.updated_ts.into(),
                state_str(p.state).into(),
                p.sent_ts.into(),
                p.posted_id.into(),
                p.late.into(),
                p.error.clone().into(),
                p.id.into(),
            ],
        )
    }

    fn due_scheduled(&mut self, now: i64, limit: i64) -> Result<Vec<i64>> {
        let rows = self.conn.query(
            "SELECT id FROM scheduled_posts WHERE state = 'scheduled' AND send_at_ts <= ? ORDER BY send_at_ts, id LIMIT ?",
            args![now, limit],
        )?;
        rows.iter().map(|r| r.i64(0)).collect()
    }

    fn move_scheduled_replies(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()> {
        self.conn.send("UPDATE scheduled_posts SET channel_id = ? WHERE thread_id = ?", args![channel, thread])
    }

    fn set_scheduled_attachments(&mut self, id: i64, attachment_ids: &[String]) -> Result<()> {
        self.conn.send("DELETE FROM scheduled_attachments WHERE scheduled_id = ?", args![id])?;
        for a in attachment_ids {
            self.conn.send(
                "INSERT INTO scheduled_attachments (scheduled_id, attachment_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![id, a.as_str()],
            )?;
        }
        Ok(())
    }
}
