//! `Expectations` in SQL: answers someone asked for.

use super::{Row, SqlTx, Value, args, placeholders};
use weft_core::model::*;
use weft_core::store::{ExpectationRole, Expectations};
use weft_core::*;

const COLS: &str = "id, workspace_id, requester_id, user_id, channel_id, thread_id, comment_id, conversation_id, \
     message_id, asked_index, requested_ts, due_ts, reply_by_ts, remind_ts, overdue_ts, resolution, resolved_by, \
     resolved_ts, kind";

pub(super) fn expectation_from(r: &Row) -> Result<Expectation> {
    let resolution = r.opt_text(15)?.as_deref().and_then(Resolution::parse);
    Ok(Expectation {
        id: r.i64(0)?,
        kind: ExpectationKind::parse(&r.text(18)?),
        workspace_id: WorkspaceId(r.i64(1)?),
        requester_id: UserId(r.i64(2)?),
        user_id: UserId(r.i64(3)?),
        channel_id: r.opt_i64(4)?.map(ChannelId),
        thread_id: r.opt_i64(5)?.map(ThreadId),
        comment_id: r.opt_i64(6)?.map(CommentId),
        conversation_id: r.opt_i64(7)?.map(ConversationId),
        message_id: r.opt_i64(8)?.map(MessageId),
        asked_index: r.i64(9)?,
        requested_ts: r.i64(10)?,
        due_ts: r.i64(11)?,
        reply_by_ts: r.opt_i64(12)?,
        remind_ts: r.opt_i64(13)?,
        overdue_ts: r.opt_i64(14)?,
        // Open or done as stored; whether an open one is overdue depends on the time.
        state: if resolution.is_some() { ExpectationState::Done } else { ExpectationState::Open },
        resolution,
        resolved_by: r.opt_i64(16)?.map(UserId),
        resolved_ts: r.opt_i64(17)?,
        working_minutes_left: None,
        title: None,
    })
}

/// The query for the open expectations in these threads (at least one).
pub(super) fn open_in_threads_query(threads: &[ThreadId]) -> (String, Vec<Value>) {
    let sql = format!(
        "SELECT {COLS} FROM expectations WHERE thread_id IN ({}) AND resolution IS NULL",
        placeholders(threads.len())
    );
    (sql, threads.iter().map(|t| Value::from(*t)).collect())
}

impl SqlTx<'_> {
    pub(super) fn expectations_where(&mut self, condition: &str, params: &[Value]) -> Result<Vec<Expectation>> {
        let sql = format!("SELECT {COLS} FROM expectations WHERE {condition}");
        self.conn.query(&sql, params)?.iter().map(expectation_from).collect()
    }
}

impl Expectations for SqlTx<'_> {
    fn insert_expectation(&mut self, e: &Expectation) -> Result<Option<i64>> {
        let row = self.one(
            "INSERT INTO expectations (workspace_id, requester_id, user_id, channel_id, thread_id, comment_id, \
             conversation_id, message_id, asked_index, requested_ts, due_ts, reply_by_ts, remind_ts, kind) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            args![
                e.workspace_id,
                e.requester_id,
                e.user_id,
                e.channel_id,
                e.thread_id,
                e.comment_id,
                e.conversation_id,
                e.message_id,
                e.asked_index,
                e.requested_ts,
                e.due_ts,
                e.reply_by_ts,
                e.remind_ts,
                e.kind.as_str(),
            ],
        )?;
        row.map(|r| r.i64(0)).transpose()
    }

    fn expectation(&mut self, id: i64) -> Result<Option<Expectation>> {
        Ok(self.expectations_where("id = ?", args![id])?.pop())
    }

    fn expectations_of(
        &mut self,
        ws: WorkspaceId,
        user: UserId,
        role: ExpectationRole,
        open: bool,
        limit: i64,
    ) -> Result<Vec<Expectation>> {
        let side = match role {
            ExpectationRole::Owed => "user_id",
            ExpectationRole::Waiting => "requester_id",
        };
        let state = if open { "resolution IS NULL" } else { "resolution IS NOT NULL" };
        self.expectations_where(
            &format!("{side} = ? AND workspace_id = ? AND {state} ORDER BY id DESC LIMIT ?"),
            args![user, ws, limit],
        )
    }

    fn open_expectations_in(
        &mut self,
        threads: &[ThreadId],
        conversations: &[ConversationId],
    ) -> Result<Vec<Expectation>> {
        let mut out = Vec::new();
        if !threads.is_empty() {
            let (sql, params) = open_in_threads_query(threads);
            out.extend(self.conn.query(&sql, &params)?.iter().map(expectation_from).collect::<Result<Vec<_>>>()?);
        }
        if !conversations.is_empty() {
            let params: Vec<Value> = conversations.iter().map(|c| Value::from(*c)).collect();
            let condition =
                format!("conversation_id IN ({}) AND resolution IS NULL", placeholders(conversations.len()));
            out.extend(self.expectations_where(&condition, &params)?);
        }
        Ok(out)
    }

    fn counted_expectations_owed_by(&mut self, user: UserId, now: i64) -> Result<Vec<Expectation>> {
        self.expectations_where(
            "user_id = ? AND resolution IS NULL AND reply_by_ts IS NULL AND due_ts > ?",
            args![user, now],
        )
    }

    fn due_expectations(&mut self, now: i64, limit: i64) -> Result<Vec<Expectation>> {
        // Two index range scans (`expectations_remind`, `expectations_due`).
        let mut out = self.expectations_where(
            "resolution IS NULL AND remind_ts IS NOT NULL AND remind_ts <= ? ORDER BY remind_ts LIMIT ?",
            args![now, limit],
        )?;
        for e in self.expectations_where(
            "resolution IS NULL AND overdue_ts IS NULL AND due_ts <= ? ORDER BY due_ts LIMIT ?",
            args![now, limit],
        )? {
            if !out.iter().any(|o| o.id == e.id) {
                out.push(e);
            }
        }
        Ok(out)
    }

    fn set_expectation_times(&mut self, e: &Expectation) -> Result<()> {
        self.conn.send(
            "UPDATE expectations SET due_ts = ?, remind_ts = ?, overdue_ts = ? WHERE id = ?",
            args![e.due_ts, e.remind_ts, e.overdue_ts, e.id],
        )
    }

    fn move_thread_expectations(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()> {
        self.conn.send("UPDATE expectations SET channel_id = ? WHERE thread_id = ?", args![channel, thread])
    }

    fn resolve_expectations(&mut self, ids: &[i64], resolution: Resolution, by: UserId, now: i64) -> Result<usize> {
        if ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "UPDATE expectations SET resolution = ?, resolved_by = ?, resolved_ts = ?, remind_ts = NULL \
             WHERE resolution IS NULL AND id IN ({})",
            placeholders(ids.len())
        );
        let mut params = vec![Value::from(resolution.as_str()), Value::from(by), Value::from(now)];
        params.extend(ids.iter().map(|i| Value::from(*i)));
        Ok(self.conn.execute(&sql, &params)? as usize)
    }
}
