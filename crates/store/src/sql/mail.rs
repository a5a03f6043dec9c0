//! `Mail` in SQL: the mail cursor, the outbox and unsubscribe tokens.

use super::{Row, SqlTx, Value, args, outbox_due, placeholders};
use weft_core::store::{Mail, MailOutcome, MailProblem, MailStatus, NewMail, OutboxMail};
use weft_core::{Result, UserId, WorkspaceId};

const OUTBOX_COLS: &str = "id, event_seq, to_addr, subject, text_body, html_body, unsubscribe_url, attempts, calendar";

fn outbox_from(r: &Row) -> Result<OutboxMail> {
    Ok(OutboxMail {
        id: r.i64(0)?,
        event_seq: r.opt_i64(1)?,
        to: r.text(2)?,
        subject: r.text(3)?,
        text: r.text(4)?,
        html: r.text(5)?,
        unsubscribe_url: r.text(6)?,
        attempts: r.i64(7)?,
        calendar: r.opt_text(8)?,
    })
}

impl Mail for SqlTx<'_> {
    fn mail_cursor(&mut self) -> Result<Option<i64>> {
        self.one("SELECT seq FROM mail_cursor WHERE id = 1", &[])?.map(|r| r.i64(0)).transpose()
    }

    fn set_mail_cursor(&mut self, seq: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO mail_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
            args![seq],
        )?;
        Ok(())
    }

    fn insert_mail(&mut self, m: &NewMail) -> Result<bool> {
        let inserted = self.conn.execute(
            "INSERT INTO mail_outbox (event_seq, user_id, workspace_id, to_addr, subject, text_body, html_body, \
             unsubscribe_url, next_attempt_ts, created_ts, secret, calendar) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (event_seq) DO NOTHING",
            args![
                m.event_seq,
                m.user,
                m.workspace,
                &m.to,
                &m.subject,
                &m.text,
                &m.html,
                &m.unsubscribe_url,
                m.created_ts,
                m.created_ts,
                m.secret,
                m.calendar.as_deref()
            ],
        )?;
        Ok(inserted > 0)
    }

    fn mail_due(&mut self, now: i64) -> Result<bool> {
        let sql = format!("SELECT id FROM mail_outbox WHERE {} LIMIT 1", outbox_due(""));
        Ok(self.one(&sql, args![now, now])?.is_some())
    }

    fn claim_mail(&mut self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxMail>> {
        let sql = format!("SELECT id FROM mail_outbox WHERE {} ORDER BY next_attempt_ts, id LIMIT ?", outbox_due(""));
        let rows = self.conn.query(&sql, args![now, now, limit])?;
        let ids: Vec<Value> = rows.iter().map(|r| r.i64(0).map(Value::Int)).collect::<Result<_>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.lease_outbox("mail_outbox", &ids, lease_until)?;
        let list = placeholders(ids.len());
        let sql = format!("SELECT {OUTBOX_COLS} FROM mail_outbox WHERE id IN ({list}) ORDER BY next_attempt_ts, id");
        self.conn.query(&sql, &ids)?.iter().map(outbox_from).collect()
    }

    fn finish_mail(&mut self, id: i64, outcome: &MailOutcome, now: i64) -> Result<()> {
        match outcome {
            // A body with a secret in it (a code, an unsubscribe link) is not kept once delivered.
            MailOutcome::Sent => self.conn.execute(
                "UPDATE mail_outbox SET state = 'sent', sent_ts = ?, lease_until_ts = NULL, last_error = NULL, \
                 text_body = CASE WHEN secret = 1 THEN '' ELSE text_body END, \
                 html_body = CASE WHEN secret = 1 THEN '' ELSE html_body END, \
                 unsubscribe_url = CASE WHEN secret = 1 THEN '' ELSE unsubscribe_url END WHERE id = ?",
                args![now, id],
            )?,
            MailOutcome::Retry { at, error } => self.conn.execute(
                "UPDATE mail_outbox SET state = 'queued', next_attempt_ts = ?, lease_until_ts = NULL, last_error = ? \
                 WHERE id = ?",
                args![*at, error, id],
            )?,
            MailOutcome::Parked { error } => self.conn.execute(
                "UPDATE mail_outbox SET state = 'parked', lease_until_ts = NULL, last_error = ? WHERE id = ?",
                args![error, id],
            )?,
        };
        Ok(())
    }

    fn mail_status(&mut self, problems: i64) -> Result<MailStatus> {
        let mut status = MailStatus::default();
        for r in self
            .conn
            .query("SELECT state, COUNT(*), MIN(created_ts), MAX(sent_ts) FROM mail_outbox GROUP BY state", &[])?
        {
            let n = r.i64(1)?;
            match r.text(0)?.as_str() {
                "queued" => {
                    status.queued = n;
                    status.oldest_queued_ts = r.opt_i64(2)?;
                }
                "sending" => status.sending = n,
                "sent" => {
                    status.sent = n;
                    status.last_sent_ts = r.opt_i64(3)?;
                }
                _ => status.parked = n,
            }
        }
        let rows = self.conn.query(
            "SELECT id, state, to_addr, subject, attempts, last_error, created_ts, next_attempt_ts FROM mail_outbox \
             WHERE last_error IS NOT NULL AND state IN ('parked', 'queued') \
             ORDER BY CASE WHEN state = 'parked' THEN 0 ELSE 1 END, id DESC LIMIT ?",
            args![problems],
        )?;
        status.problems = rows
            .iter()
            .map(|r| {
                Ok(MailProblem {
                    id: r.i64(0)?,
                    state: r.text(1)?,
                    to: r.text(2)?,
                    subject: r.text(3)?,
                    attempts: r.i64(4)?,
                    last_error: r.text(5)?,
                    created_ts: r.i64(6)?,
                    next_attempt_ts: r.i64(7)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(status)
    }

    fn requeue_parked_mail(&mut self) -> Result<u64> {
        self.conn.execute(
            "UPDATE mail_outbox SET state = 'queued', attempts = 0, next_attempt_ts = 0 WHERE state = 'parked'",
            &[],
        )
    }

    fn insert_mail_token(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        token_hash: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<()> {
        self.conn.send(
            "DELETE FROM mail_unsubscribe WHERE user_id = ? AND workspace_id = ? AND created_ts < ?",
            args![user, ws, forget_before],
        )?;
        self.conn.send(
            "INSERT INTO mail_unsubscribe (token_hash, user_id, workspace_id, created_ts) VALUES (?, ?, ?, ?)",
            args![token_hash, user, ws, now],
        )?;
        Ok(())
    }

    fn mail_token_owner(&mut self, token_hash: &str, made_after: i64) -> Result<Option<(UserId, WorkspaceId)>> {
        self.one(
            "SELECT user_id, workspace_id FROM mail_unsubscribe WHERE token_hash = ? AND created_ts >= ?",
            args![token_hash, made_after],
        )?
        .map(|r| Ok((UserId(r.i64(0)?), WorkspaceId(r.i64(1)?))))
        .transpose()
    }
}
