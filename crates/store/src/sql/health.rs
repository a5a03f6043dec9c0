//! `Health` in SQL: the figures an operator watches, in a fixed number of statements.

use super::{Dialect, SqlTx, args};
use weft_core::Result;
use weft_core::payload::Push;
use weft_core::store::{Events, Health, HealthFigures, Mail};

impl Health for SqlTx<'_> {
    fn health_figures(&mut self, now: i64, mail_on: bool) -> Result<HealthFigures> {
        let mut f = HealthFigures::default();
        let i64_of = |tx: &mut Self, sql: &str, params: &[super::Value]| -> Result<Option<i64>> {
            match tx.one(sql, params)? {
                Some(r) => r.opt_i64(0),
                None => Ok(None),
            }
        };
        f.schema_version = i64_of(self, "SELECT MAX(version) FROM schema_migrations", &[])?.unwrap_or(0);
        f.event_head = self.event_head()?;
        let size_sql = match self.conn.dialect() {
            Dialect::Sqlite => "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            Dialect::Postgres => "SELECT pg_database_size(current_database())",
        };
        f.database_bytes = i64_of(self, size_sql, &[])?.unwrap_or(0);

        // The fan-out: the first post event it has not finished, through its index.
        if let Some(p) = self.fanout_pending(1)?.1.first() {
            f.fanout_behind_events = f.event_head - (p.seq - 1);
            let made = i64_of(self, "SELECT created_ts FROM events WHERE seq = ?", args![p.seq])?;
            f.fanout_lag_s = made.map_or(0, |t| (now - t).max(0));
        }

        // Email: the first push after the cursor (what the mailer reads next).
        if let Some(cursor) = self.mail_cursor()? {
            f.mail_behind_events = Some((f.event_head - cursor).max(0));
            if mail_on {
                let made = i64_of(
                    self,
                    "SELECT created_ts FROM events WHERE seq > ? AND kind = ? ORDER BY seq LIMIT 1",
                    args![cursor, Push::KIND],
                )?;
                f.mail_lag_s = made.map_or(0, |t| (now - t).max(0));
            }
        }
        for r in self.conn.query(
            "SELECT state, COUNT(*), MIN(created_ts), MIN(next_attempt_ts) FROM mail_outbox \
             WHERE state IN ('queued', 'sending', 'parked') GROUP BY state",
            &[],
        )? {
            let n = r.i64(1)?;
            match r.text(0)?.as_str() {
                "queued" => {
                    f.mail_queued = n;
                    f.oldest_queued_mail_ts = r.opt_i64(2)?;
                    f.mail_overdue_s = r.opt_i64(3)?.map_or(0, |due| (now - due).max(0));
                }
                "sending" => f.mail_sending = n,
                _ => f.mail_parked = n,
            }
        }

        // The scheduler: held pushes and scheduled posts whose time has come.
        let mut oldest_due: Option<i64> = None;
        for sql in [
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_ts <= ? THEN 1 ELSE 0 END), 0), MIN(due_ts) \
             FROM pushes WHERE state = 'pending'",
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN send_at_ts <= ? THEN 1 ELSE 0 END), 0), MIN(send_at_ts) \
             FROM scheduled_posts WHERE state = 'scheduled'",
        ] {
            let Some(r) = self.one(sql, args![now])? else { continue };
            let (all, due, first) = (r.i64(0)?, r.i64(1)?, r.opt_i64(2)?);
            if sql.contains("pushes") {
                (f.pushes_held, f.pushes_due) = (all, due);
            } else {
                (f.scheduled_posts_waiting, f.scheduled_posts_due) = (all, due);
            }
            if let Some(t) = first.filter(|t| *t <= now) {
                oldest_due = Some(oldest_due.map_or(t, |o| o.min(t)));
            }
        }
        f.scheduler_lag_s = oldest_due.map_or(0, |t| now - t);
        Ok(f)
    }
}
