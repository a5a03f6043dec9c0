//! `Decisions` in SQL: decisions marked in threads, and meetings.

use super::{Row, SqlTx, Value, args, json, placeholders};
use weft_core::model::*;
use weft_core::store::{DecisionQuery, Decisions};
use weft_core::*;

const DECISION_COLS: &str = "d.id, d.workspace_id, t.channel_id, ch.name, d.thread_id, t.title, d.comment_id, \
     c.content, c.creator, t.dri_id, d.marked_by, d.marked_ts, d.replaced_by, d.replaced_ts, d.meeting_id";

const DECISION_FROM: &str = "FROM decisions d JOIN threads t ON t.id = d.thread_id \
     JOIN channels ch ON ch.id = t.channel_id JOIN comments c ON c.id = d.comment_id";

fn decision_from(r: &Row) -> Result<Decision> {
    Ok(Decision {
        id: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        channel_id: ChannelId(r.i64(2)?),
        channel_name: r.text(3)?,
        thread_id: ThreadId(r.i64(4)?),
        thread_title: r.text(5)?,
        comment_id: CommentId(r.i64(6)?),
        content: r.text(7)?,
        author_id: UserId(r.i64(8)?),
        dri_id: r.opt_i64(9)?.map(UserId),
        marked_by: UserId(r.i64(10)?),
        marked_ts: r.i64(11)?,
        replaced_by: r.opt_i64(12)?.map(UserId),
        replaced_ts: r.opt_i64(13)?,
        meeting_id: r.opt_i64(14)?,
    })
}

const MEETING_COLS: &str = "m.id, m.workspace_id, m.thread_id, t.channel_id, m.organizer_id, m.title, m.reason, \
     m.attendee_ids, m.starts_ts, m.duration_min, m.agenda, m.created_ts, m.outcomes_comment_id, m.outcomes_ts, \
     m.cancelled_ts";

const MEETING_FROM: &str = "FROM meetings m LEFT JOIN threads t ON t.id = m.thread_id";

fn meeting_from(r: &Row) -> Result<Meeting> {
    let reason = r.text(6)?;
    let starts_ts = r.i64(8)?;
    let duration_min = r.i64(9)?;
    Ok(Meeting {
        id: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        thread_id: r.opt_i64(2)?.map(ThreadId),
        channel_id: r.opt_i64(3)?.map(ChannelId),
        organizer_id: UserId(r.i64(4)?),
        title: r.text(5)?,
        reason: MeetingReason::parse(&reason)
            .ok_or_else(|| Error::Internal(format!("unknown meeting reason {reason}")))?,
        attendee_ids: r.json(7)?,
        starts_ts,
        duration_min,
        ends_ts: starts_ts + duration_min * 60,
        agenda: r.text(10)?,
        created_ts: r.i64(11)?,
        outcomes_comment_id: r.opt_i64(12)?.map(CommentId),
        outcomes_ts: r.opt_i64(13)?,
        cancelled_ts: r.opt_i64(14)?,
        outcomes_owed: false,
    })
}

/// `text` as a LIKE pattern that matches it anywhere, its own `%`, `_` and `\` taken literally.
fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

impl Decisions for SqlTx<'_> {
    fn mark_decision(
        &mut self,
        ws: WorkspaceId,
        thread: ThreadId,
        comment: CommentId,
        by: UserId,
        meeting: Option<i64>,
        now: i64,
    ) -> Result<i64> {
        self.end_decision(thread, by, now)?;
        self.insert_id(
            "INSERT INTO decisions (workspace_id, thread_id, comment_id, marked_by, marked_ts, meeting_id) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            args![ws, thread, comment, by, now, meeting],
        )
    }

    fn end_decision(&mut self, thread: ThreadId, by: UserId, now: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE decisions SET replaced_by = ?, replaced_ts = ? WHERE thread_id = ? AND replaced_ts IS NULL",
            args![by, now, thread],
        )?;
        Ok(n > 0)
    }

    fn decisions(&mut self, q: &DecisionQuery) -> Result<Vec<Decision>> {
        if q.channels.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!(
            "SELECT {DECISION_COLS} {DECISION_FROM} WHERE d.workspace_id = ? AND t.channel_id IN ({})",
            placeholders(q.channels.len())
        );
        let mut params: Vec<Value> = vec![q.workspace.into()];
        params.extend(q.channels.iter().map(|c| Value::from(*c)));
        if !q.history {
            sql.push_str(" AND d.replaced_ts IS NULL");
        }
        if let Some(t) = q.thread {
            sql.push_str(" AND d.thread_id = ?");
            params.push(t.into());
        }
        if let Some(from) = q.from {
            sql.push_str(" AND d.marked_ts >= ?");
            params.push(from.into());
        }
        if let Some(to) = q.to {
            sql.push_str(" AND d.marked_ts < ?");
            params.push(to.into());
        }
        if let Some(before) = q.before_id {
            sql.push_str(" AND d.id < ?");
            params.push(before.into());
        }
        if let Some(words) = q.query.as_deref() {
            for word in words.split_whitespace().take(8) {
                sql.push_str(" AND (lower(t.title) LIKE ? ESCAPE '\\' OR lower(c.content) LIKE ? ESCAPE '\\')");
                let pattern = contains_pattern(word);
                params.extend([Value::from(pattern.clone()), Value::from(pattern)]);
            }
        }
        sql.push_str(" ORDER BY d.marked_ts DESC, d.id DESC LIMIT ?");
        params.push(q.limit.into());
        self.conn.query(&sql, &params)?.iter().map(decision_from).collect()
    }

    fn insert_meeting(&mut self, m: &Meeting) -> Result<i64> {
        self.insert_id(
            "INSERT INTO meetings (workspace_id, thread_id, organizer_id, title, reason, attendee_ids, starts_ts, \
             duration_min, agenda, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                m.workspace_id.into(),
                m.thread_id.into(),
                m.organizer_id.into(),
                (&m.title).into(),
                m.reason.as_str().into(),
                json(&m.attendee_ids),
                m.starts_ts.into(),
                m.duration_min.into(),
                (&m.agenda).into(),
                m.created_ts.into(),
            ],
        )
    }

    fn meeting(&mut self, id: i64) -> Result<Option<Meeting>> {
        let sql = format!("SELECT {MEETING_COLS} {MEETING_FROM} WHERE m.id = ?");
        self.one(&sql, args![id])?.map(|r| meeting_from(&r)).transpose()
    }

    fn meetings_between(&mut self, ws: WorkspaceId, from: i64, to: i64, limit: i64) -> Result<Vec<Meeting>> {
        let sql = format!(
            "SELECT {MEETING_COLS} {MEETING_FROM} WHERE m.workspace_id = ? AND m.starts_ts >= ? AND m.starts_ts < ? \
             ORDER BY m.starts_ts, m.id LIMIT ?"
        );
        self.conn.query(&sql, args![ws, from, to, limit])?.iter().map(meeting_from).collect()
    }

    fn meetings_of_threads(&mut self, threads: &[ThreadId]) -> Result<Vec<Meeting>> {
        if threads.is_empty() {
            return Ok(Vec::new());
        }
        let sql =
            format!("SELECT {MEETING_COLS} {MEETING_FROM} WHERE m.thread_id IN ({})", placeholders(threads.len()));
        let params: Vec<Value> = threads.iter().map(|t| Value::from(*t)).collect();
        self.conn.query(&sql, &params)?.iter().map(meeting_from).collect()
    }

    fn update_meeting(&mut self, m: &Meeting) -> Result<()> {
        self.conn.send(
            "UPDATE meetings SET outcomes_comment_id = ?, outcomes_ts = ?, cancelled_ts = ? WHERE id = ?",
            args![m.outcomes_comment_id, m.outcomes_ts, m.cancelled_ts, m.id],
        )
    }
}
