//! `Events` in SQL: the event log and each person's event head.

use super::{Dialect, ROWS_PER_INSERT, Row, SqlTx, Value, args, json, rows_of};
use serde_json::Value as Json;
use weft_core::event::{self, Audience, Event, NewEvent, Redacted, Redaction, Subject};
use weft_core::store::{Events, FanoutCursor, PendingFanout, WriteScope};
use weft_core::{ChannelId, ConversationId, Error, Result, UserId, WorkspaceId};

/// The advisory lock of the fan-out's turn ("WEFO"), in the one-key space of the writer's
/// own locks (`pg.rs`).
const FANOUT_LOCK: i64 = 0x5745_464F;

const EVENT_COLS: &str =
    "seq, workspace_id, kind, channel_id, conversation_id, user_id, also_user_id, payload, created_ts";

fn event_from(r: &Row) -> Result<Event> {
    Ok(Event {
        seq: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        kind: r.text(2)?,
        audience: Audience {
            channel_id: r.opt_i64(3)?.map(ChannelId),
            conversation_id: r.opt_i64(4)?.map(ConversationId),
            user_id: r.opt_i64(5)?.map(UserId),
            also_user_id: r.opt_i64(6)?.map(UserId),
        },
        data: r.json::<Json>(7)?,
        created_ts: r.i64(8)?,
    })
}

/// A page of one workspace's log for one person. The innermost query takes the page
/// through the index `events_workspace`; the one around it counts the payload before each
/// row, so the page stops at about `max_bytes` (a row that starts within the budget is
/// kept: at least one). Parameters: workspace, after, through, the person twice, limit,
/// max_bytes.
pub(crate) fn workspace_page_sql() -> String {
    format!(
        "SELECT {EVENT_COLS} FROM (SELECT {EVENT_COLS}, SUM(LENGTH(payload)) OVER (ORDER BY seq) - LENGTH(payload) \
         AS before_row FROM (SELECT {EVENT_COLS} FROM events WHERE workspace_id = ? AND seq > ? AND seq <= ? \
         AND (user_id IS NULL OR user_id = ? OR also_user_id = ?) ORDER BY seq LIMIT ?) page) sized \
         WHERE before_row < ? ORDER BY seq"
    )
}

impl SqlTx<'_> {
    /// Rewrites the events of `whose` before `seq` without the text `what` names. Comments
    /// are found through their rows: a thread or channel is redacted before it is deleted.
    fn redact_events(&mut self, whose: Redacted, what: Redaction, seq: i64) -> Result<()> {
        // The index holds only events that still carry text (`redacted = 0`).
        const COLS: &str = "SELECT seq, payload FROM events WHERE redacted = 0 AND seq < ? AND subject IN";
        let comments_of_threads = "SELECT 'comment:' || c.id FROM comments c";
        let rows = match whose {
            Redacted::One(subject) => self.conn.query(&format!("{COLS} (?)"), args![seq, subject.key()])?,
            Redacted::Thread(thread) => self.conn.query(
                &format!("{COLS} (?) UNION ALL {COLS} ({comments_of_threads} WHERE c.thread_id = ?)"),
                args![seq, Subject::Thread(thread).key(), seq, thread],
            )?,
            Redacted::Channel(channel) => self.conn.query(
                &format!(
                    "{COLS} (SELECT 'thread:' || t.id FROM threads t WHERE t.channel_id = ?) UNION ALL \
                     {COLS} ({comments_of_threads} JOIN threads t ON t.id = c.thread_id WHERE t.channel_id = ?)"
                ),
                args![seq, channel, seq, channel],
            )?,
        };
        for r in rows {
            let (seq, mut payload) = (r.i64(0)?, r.json::<Json>(1)?);
            if event::redact(&mut payload, what) {
                // Text gone for good leaves the index; a preview may have more to lose.
                let gone = what == Redaction::Text;
                self.conn.send(
                    "UPDATE events SET payload = ?, redacted = ? WHERE seq = ?",
                    args![json(&payload), gone, seq],
                )?;
            }
        }
        Ok(())
    }

    /// Appends `events`, numbered after the head: the next integers, allocated inside the
    /// writer's exclusive section for the event log (ARCHITECTURE.md, "Parallel writers"),
    /// so gap-free and in commit order.
    pub(crate) fn number_events(&mut self, events: &[NewEvent], now: i64) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let head = match self.event_head {
            Some(head) => head,
            None => self.conn.event_head()?,
        };
        let mut seq = head;
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 12);
            for e in chunk {
                seq += 1;
                let a = &e.audience;
                params.extend([
                    seq.into(),
                    e.workspace_id.into(),
                    e.kind.into(),
                    a.channel_id.into(),
                    a.conversation_id.into(),
                    a.user_id.into(),
                    a.also_user_id.into(),
                    json(&e.payload),
                    now.into(),
                    Subject::of(e.kind, &e.payload).map(|s| s.key()).into(),
                    e.fanout.as_ref().map_or(Value::Null, json),
                    event::post_author(e.kind, &e.payload, now).into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO events (seq, workspace_id, kind, channel_id, conversation_id, user_id, also_user_id, \
                 payload, created_ts, subject, fanout, author_id) VALUES {}",
                rows_of(chunk.len(), 12)
            );
            self.conn.send(&sql, &params)?;
            // What the new events replace or delete loses its text (`event::redactions`).
            for (seq, e) in (seq - chunk.len() as i64 + 1..).zip(chunk) {
                for (whose, what) in event::redactions(e.kind, &e.payload) {
                    self.redact_events(whose, what, seq)?;
                }
            }
        }
        self.move_user_event_heads(events, head)?;
        self.appended_events = true;
        self.event_head = Some(seq);
        Ok(())
    }

    /// Records, for each person some of `events` are addressed to, their newest own event
    /// in its workspace (`events` were numbered from `head + 1`, in order).
    fn move_user_event_heads(&mut self, events: &[NewEvent], head: i64) -> Result<()> {
        let mut heads = std::collections::BTreeMap::new();
        for (seq, e) in (head + 1..).zip(events) {
            if let Some(user) = e.audience.user_id {
                heads.insert((user, e.workspace_id), seq);
            }
        }
        let heads: Vec<_> = heads.into_iter().collect();
        for chunk in heads.chunks(ROWS_PER_INSERT) {
            let params: Vec<Value> =
                chunk.iter().flat_map(|&((user, ws), seq)| [user.into(), ws.into(), seq.into()]).collect();
            let sql = format!(
                "INSERT INTO user_event_heads (user_id, workspace_id, seq) VALUES {} \
                 ON CONFLICT (user_id, workspace_id) DO UPDATE SET seq = excluded.seq",
                rows_of(chunk.len(), 3)
            );
            self.conn.send(&sql, &params)?;
        }
        Ok(())
    }
}

impl Events for SqlTx<'_> {
    fn erase_person_from_events(&mut self, ws: WorkspaceId, user: UserId) -> Result<()> {
        let kinds: Vec<String> = event::PERSON_KINDS.iter().map(|k| format!("'{k}'")).collect();
        let sql = format!(
            "SELECT seq, kind, payload FROM events WHERE workspace_id = ? AND kind IN ({}) ORDER BY seq",
            kinds.join(", ")
        );
        for r in self.conn.query(&sql, args![ws])? {
            let (seq, kind, mut payload) = (r.i64(0)?, r.text(1)?, r.json::<Json>(2)?);
            if event::erase_person(&kind, &mut payload, user) {
                self.conn.send("UPDATE events SET payload = ? WHERE seq = ?", args![json(&payload), seq])?;
            }
        }
        Ok(())
    }

    fn append_event(&mut self, e: &NewEvent, now: i64) -> Result<()> {
        self.append_events(std::slice::from_ref(e), now)
    }

    fn append_events(&mut self, events: &[NewEvent], now: i64) -> Result<()> {
        if let WriteScope::Workspace(ws) = self.scope
            && let Some(e) = events.iter().find(|e| e.workspace_id != ws)
        {
            return Err(Error::Internal(format!(
                "a write of workspace {ws} appended a {} event of workspace {}",
                e.kind, e.workspace_id
            )));
        }
        match &mut self.pending_events {
            Some(pending) if !events.is_empty() => pending.push((events.to_vec(), now)),
            Some(_) => {}
            None => self.number_events(events, now)?,
        }
        Ok(())
    }

    fn events_after(&mut self, after: i64, limit: i64) -> Result<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
        self.conn.query(&sql, args![after, limit])?.iter().map(event_from).collect()
    }

    fn workspace_events_after(
        &mut self,
        ws: WorkspaceId,
        user: UserId,
        after: i64,
        through: i64,
        limit: i64,
        max_bytes: i64,
    ) -> Result<Vec<Event>> {
        let rows =
            self.conn.query(&workspace_page_sql(), args![ws, after, through, user, user, limit, max_bytes.max(1)])?;
        rows.iter().map(event_from).collect()
    }

    fn lock_fanout(&mut self) -> Result<()> {
        // SQLite has one writer, which runs jobs one at a time.
        if self.conn.dialect() == Dialect::Postgres {
            // Sent, not awaited: the job's next read goes out behind it and runs once it holds.
            self.conn.send(&format!("SELECT pg_advisory_xact_lock({FANOUT_LOCK})"), &[])?;
        }
        Ok(())
    }

    fn set_fanout_cursor(&mut self, c: FanoutCursor) -> Result<()> {
        self.conn.send(
            "INSERT INTO fanout_cursor (id, seq, after_user) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, after_user = excluded.after_user",
            args![c.seq, c.after_user],
        )?;
        Ok(())
    }

    fn fanout_pending(&mut self, limit: i64) -> Result<(FanoutCursor, Vec<PendingFanout>)> {
        // The events' range starts where the cursor says (`FanoutCursor`), read in the same
        // round trip; with no cursor yet, at the log's start.
        let mut answers = self
            .conn
            .query_many(&[
                ("SELECT seq, after_user FROM fanout_cursor WHERE id = 1".to_string(), vec![]),
                (
                    "SELECT seq, fanout, workspace_id FROM events WHERE fanout IS NOT NULL AND seq >= \
                 COALESCE((SELECT CASE WHEN after_user IS NULL THEN seq + 1 ELSE seq END \
                 FROM fanout_cursor WHERE id = 1), 1) ORDER BY seq LIMIT ?"
                        .to_string(),
                    vec![Value::Int(limit)],
                ),
            ])?
            .into_iter();
        let (cursor, pending) = (answers.next().unwrap_or_default(), answers.next().unwrap_or_default());
        let cursor = match cursor.first() {
            Some(r) => FanoutCursor { seq: r.i64(0)?, after_user: r.opt_i64(1)?.map(UserId) },
            None => FanoutCursor::default(),
        };
        let pending = pending
            .iter()
            .map(|r| Ok(PendingFanout { seq: r.i64(0)?, fanout: r.json(1)?, workspace_id: WorkspaceId(r.i64(2)?) }))
            .collect::<Result<_>>()?;
        Ok((cursor, pending))
    }

    fn events_of_kind_after(&mut self, kind: &str, after: i64, limit: i64) -> Result<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLS} FROM events WHERE seq > ? AND kind = ? ORDER BY seq LIMIT ?");
        self.conn.query(&sql, args![after, kind, limit])?.iter().map(event_from).collect()
    }

    fn event_head(&mut self) -> Result<i64> {
        self.conn.event_head()
    }
}
