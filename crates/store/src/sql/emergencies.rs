//! `Emergencies` in SQL: the emergency lane and channel rotations.

use super::{Row, SqlTx, Value, args, json, placeholders};
use weft_core::model::*;
use weft_core::store::Emergencies;
use weft_core::{ChannelId, CommentId, Result, ThreadId, UserId, WorkspaceId};

const EMERGENCY_COLS: &str = "id, workspace_id, channel_id, thread_id, comment_id, raised_by, raised_ts, reached, \
     escalate_ts, escalated_ts, escalated_to";

impl SqlTx<'_> {
    /// Emergencies from their rows, with their acknowledgements (one more query).
    fn with_acks(&mut self, rows: Vec<Row>) -> Result<Vec<Emergency>> {
        let mut out: Vec<Emergency> = rows
            .iter()
            .map(|r| {
                Ok(Emergency {
                    id: r.i64(0)?,
                    workspace_id: WorkspaceId(r.i64(1)?),
                    channel_id: ChannelId(r.i64(2)?),
                    thread_id: ThreadId(r.i64(3)?),
                    comment_id: r.opt_i64(4)?.map(CommentId),
                    raised_by: UserId(r.i64(5)?),
                    raised_ts: r.i64(6)?,
                    reached: r.json(7)?,
                    escalate_ts: r.opt_i64(8)?,
                    escalated_ts: r.opt_i64(9)?,
                    escalated_to: r.json(10)?,
                    acks: Vec::new(),
                })
            })
            .collect::<Result<_>>()?;
        if out.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT emergency_id, user_id, ts FROM emergency_acks WHERE emergency_id IN ({}) ORDER BY ts, user_id",
            placeholders(out.len())
        );
        let params: Vec<Value> = out.iter().map(|e| Value::Int(e.id)).collect();
        for r in self.conn.query(&sql, &params)? {
            let id = r.i64(0)?;
            if let Some(e) = out.iter_mut().find(|e| e.id == id) {
                e.acks.push(EmergencyAck { user_id: UserId(r.i64(1)?), ts: r.i64(2)? });
            }
        }
        Ok(out)
    }
}

impl Emergencies for SqlTx<'_> {
    fn insert_emergency(&mut self, e: &Emergency) -> Result<i64> {
        self.insert_id(
            "INSERT INTO emergencies (workspace_id, channel_id, thread_id, comment_id, raised_by, raised_ts, reached, \
             escalate_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                e.workspace_id.into(),
                e.channel_id.into(),
                e.thread_id.into(),
                e.comment_id.into(),
                e.raised_by.into(),
                e.raised_ts.into(),
                json(&e.reached),
                e.escalate_ts.into(),
            ],
        )
    }

    fn emergency(&mut self, id: i64) -> Result<Option<Emergency>> {
        let rows = self.conn.query(&format!("SELECT {EMERGENCY_COLS} FROM emergencies WHERE id = ?"), args![id])?;
        Ok(self.with_acks(rows)?.into_iter().next())
    }

    fn emergencies(&mut self, ws: WorkspaceId, limit: i64) -> Result<Vec<Emergency>> {
        let rows = self.conn.query(
            &format!("SELECT {EMERGENCY_COLS} FROM emergencies WHERE workspace_id = ? ORDER BY id DESC LIMIT ?"),
            args![ws, limit],
        )?;
        self.with_acks(rows)
    }

    fn ack_emergency(&mut self, id: i64, user: UserId, ts: i64) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO emergency_acks (emergency_id, user_id, ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            args![id, user, ts],
        )?;
        Ok(n > 0)
    }

    fn due_escalations(&mut self, now: i64) -> Result<Vec<Emergency>> {
        let rows = self.conn.query(
            &format!(
                "SELECT {EMERGENCY_COLS} FROM emergencies WHERE escalated_ts IS NULL AND escalate_ts <= ? ORDER BY id LIMIT 100"
            ),
            args![now],
        )?;
        self.with_acks(rows)
    }

    fn set_escalated(&mut self, id: i64, to: &[UserId], ts: i64) -> Result<()> {
        self.conn.send(
            "UPDATE emergencies SET escalated_ts = ?, escalated_to = ? WHERE id = ?",
            &[ts.into(), json(to), Value::Int(id)],
        )?;
        Ok(())
    }

    fn rotation(&mut self, channel: ChannelId) -> Result<Option<weft_core::rotation::Rotation>> {
        self.one("SELECT rotation FROM rotations WHERE channel_id = ?", args![channel])?.map(|r| r.json(0)).transpose()
    }

    fn put_rotation(&mut self, channel: ChannelId, r: &weft_core::rotation::Rotation, now: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO rotations (channel_id, rotation, updated_ts) VALUES (?, ?, ?) \
             ON CONFLICT (channel_id) DO UPDATE SET rotation = excluded.rotation, updated_ts = excluded.updated_ts",
            &[channel.into(), json(r), now.into()],
        )?;
        Ok(())
    }

    fn delete_rotation(&mut self, channel: ChannelId) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM rotations WHERE channel_id = ?", args![channel])? > 0)
    }
}
