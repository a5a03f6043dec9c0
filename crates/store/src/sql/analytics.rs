//! `Analytics` in SQL: facts for calm analytics, read when asked.

use super::{Row, SqlTx, Value, args, placeholders};
use weft_core::model::Expectation;
use weft_core::store::{AccessRequestFact, Analytics, EmergencyFact, EventFact};
use weft_core::*;

impl SqlTx<'_> {
    /// The first event at or after `seq` (there may be gaps): its seq and time.
    fn event_at_or_after(&mut self, seq: i64) -> Result<Option<(i64, i64)>> {
        let row = self.one("SELECT seq, created_ts FROM events WHERE seq >= ? ORDER BY seq LIMIT 1", args![seq])?;
        row.map(|r| Ok((r.i64(0)?, r.i64(1)?))).transpose()
    }
}

fn fact(r: &Row) -> Result<EventFact> {
    Ok(EventFact {
        kind: r.text(0)?,
        ts: r.i64(1)?,
        user: r.opt_i64(2)?.map(UserId),
        author: r.opt_i64(3)?.map(UserId),
        urgent: r.bool(4)?,
    })
}

impl Analytics for SqlTx<'_> {
    fn event_seq_at(&mut self, ts: i64) -> Result<i64> {
        // Two subqueries: each end is one step down the key (SQLite reads the whole index for
        // a MIN and a MAX in one select).
        let ends = "SELECT (SELECT MIN(seq) FROM events), (SELECT MAX(seq) FROM events)";
        let Some(bounds) = self.one(ends, &[])? else { return Ok(1) };
        let (Some(first), Some(last)) = (bounds.opt_i64(0)?, bounds.opt_i64(1)?) else { return Ok(1) };
        // Events below `lo` are earlier than `ts`; from `hi` on, none is. Each step is one
        // lookup by key; a gap in the sequence (a missing seq) counts as its next event.
        let (mut lo, mut hi) = (first, last + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.event_at_or_after(mid)? {
                Some((seq, t)) if t < ts => lo = seq + 1,
                _ => hi = mid,
            }
        }
        Ok(lo)
    }

    fn event_facts(
        &mut self,
        ws: WorkspaceId,
        from: i64,
        to: i64,
        kinds: &[&str],
        person: Option<UserId>,
    ) -> Result<Vec<EventFact>> {
        if kinds.is_empty() || from >= to {
            return Ok(Vec::new());
        }
        // Columns only: a post's author has a column of its own, and an urgent push says so
        // in its text; no payload is parsed.
        let sql = format!(
            "SELECT kind, created_ts, user_id, author_id, \
             CASE WHEN kind = 'push' AND payload LIKE '%\"delivery\":\"urgent\"%' THEN 1 ELSE 0 END FROM events \
             WHERE workspace_id = ? AND seq >= ? AND seq < ? AND kind IN ({})",
            placeholders(kinds.len())
        );
        let mut params: Vec<Value> = vec![ws.into(), from.into(), to.into()];
        params.extend(kinds.iter().map(|k| Value::from(*k)));
        let mut sql = sql;
        if let Some(p) = person {
            sql.push_str(" AND (author_id = ? OR user_id = ?)");
            params.extend([Value::from(p), Value::from(p)]);
        }
        self.conn.query(&sql, &params)?.iter().map(fact).collect()
    }

    fn emergency_facts(&mut self, ws: WorkspaceId, from: i64, to: i64) -> Result<Vec<EmergencyFact>> {
        let rows = self.conn.query(
            "SELECT e.raised_by, e.raised_ts, (SELECT MIN(a.ts) FROM emergency_acks a WHERE a.emergency_id = e.id) \
             FROM emergencies e WHERE e.workspace_id = ? AND e.raised_ts >= ? AND e.raised_ts < ?",
            args![ws, from, to],
        )?;
        rows.iter()
            .map(|r| {
                Ok(EmergencyFact { raised_by: UserId(r.i64(0)?), raised_ts: r.i64(1)?, first_ack_ts: r.opt_i64(2)? })
            })
            .collect()
    }

    fn access_request_facts(&mut self, ws: WorkspaceId, from: i64, to: i64) -> Result<Vec<AccessRequestFact>> {
        let rows = self.conn.query(
            "SELECT user_id, created_ts, decision, decided_ts FROM access_requests \
             WHERE workspace_id = ? AND created_ts >= ? AND created_ts < ?",
            args![ws, from, to],
        )?;
        rows.iter()
            .map(|r| {
                Ok(AccessRequestFact {
                    user: UserId(r.i64(0)?),
                    created_ts: r.i64(1)?,
                    decision: r.opt_text(2)?,
                    decided_ts: r.opt_i64(3)?,
                })
            })
            .collect()
    }

    fn expectations_asked_between(&mut self, ws: WorkspaceId, from: i64, to: i64) -> Result<Vec<Expectation>> {
        self.expectations_where("workspace_id = ? AND requested_ts >= ? AND requested_ts < ?", args![ws, from, to])
    }
}
