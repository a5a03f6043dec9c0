//! Outgoing webhooks: subscriptions, the cursor, and the deliveries' outbox.

use super::{Row, SqlTx, Value, args, outbox_due, placeholders};
use weft_core::model::{HookEvent, WebhookDelivery, WebhookSubscription};
use weft_core::store::{DueHookDelivery, HookOutcome, HookRow, NewHook, NewHookDelivery, Webhooks};
use weft_core::{ChannelId, ConversationId, Error, Result, ThreadId, UserId, WorkspaceId};

const HOOK_COLS: &str = "id, workspace_id, channel_id, thread_id, conversation_id, event_type, target_url, active, \
                         failures, created_ts, disabled_ts, secret, after_seq, user_id";

fn hook_from(r: &Row) -> Result<HookRow> {
    let kind = r.text(5)?;
    let event_type =
        HookEvent::parse(&kind).ok_or_else(|| Error::Internal(format!("unknown webhook event type {kind}")))?;
    Ok(HookRow {
        sub: WebhookSubscription {
            id: r.i64(0)?,
            workspace_id: WorkspaceId(r.i64(1)?),
            channel_id: r.opt_i64(2)?.map(ChannelId),
            thread_id: r.opt_i64(3)?.map(ThreadId),
            conversation_id: r.opt_i64(4)?.map(ConversationId),
            event_type,
            target_url: r.text(6)?,
            active: r.bool(7)?,
            failures: r.i64(8)?,
            created_ts: r.i64(9)?,
            disabled_ts: r.opt_i64(10)?,
            secret: None,
            deliveries: Vec::new(),
        },
        user: UserId(r.i64(13)?),
        secret: r.text(11)?,
        after_seq: r.i64(12)?,
    })
}

/// The `webhook-id` of a delivery.
fn webhook_id(id: i64) -> String {
    format!("msg_weft_{id}")
}

impl Webhooks for SqlTx<'_> {
    fn insert_hook(&mut self, h: &NewHook) -> Result<i64> {
        self.insert_id(
            "INSERT INTO webhook_subscriptions (user_id, workspace_id, channel_id, thread_id, conversation_id, \
             event_type, target_url, secret, after_seq, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            args![
                h.user,
                h.workspace,
                h.channel,
                h.thread,
                h.conversation,
                &h.event_type,
                &h.target_url,
                &h.secret,
                h.after_seq,
                h.now
            ],
        )
    }

    fn hooks_of(&mut self, user: UserId) -> Result<Vec<HookRow>> {
        let sql = format!("SELECT {HOOK_COLS} FROM webhook_subscriptions WHERE user_id = ? ORDER BY id DESC");
        self.conn.query(&sql, args![user])?.iter().map(hook_from).collect()
    }

    fn delete_hooks(&mut self, user: UserId, target_url: &str) -> Result<u64> {
        self.conn
            .execute("DELETE FROM webhook_subscriptions WHERE user_id = ? AND target_url = ?", args![user, target_url])
    }

    fn delete_hook(&mut self, id: i64) -> Result<()> {
        self.conn.send("DELETE FROM webhook_subscriptions WHERE id = ?", args![id])?;
        Ok(())
    }

    fn active_hooks_in(&mut self, workspaces: &[WorkspaceId]) -> Result<Vec<HookRow>> {
        if workspaces.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {HOOK_COLS} FROM webhook_subscriptions WHERE active = 1 AND workspace_id IN ({}) ORDER BY id",
            placeholders(workspaces.len())
        );
        let params: Vec<Value> = workspaces.iter().map(|w| Value::from(*w)).collect();
        self.conn.query(&sql, &params)?.iter().map(hook_from).collect()
    }

    fn any_active_hook(&mut self) -> Result<bool> {
        Ok(self.one("SELECT 1 FROM webhook_subscriptions WHERE active = 1 LIMIT 1", &[])?.is_some())
    }

    fn webhook_cursor(&mut self) -> Result<Option<i64>> {
        self.one("SELECT seq FROM webhook_cursor WHERE id = 1", &[])?.map(|r| r.i64(0)).transpose()
    }

    fn set_webhook_cursor(&mut self, seq: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO webhook_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
            args![seq],
        )?;
        Ok(())
    }

    fn insert_hook_deliveries(&mut self, d: &[NewHookDelivery]) -> Result<()> {
        for x in d {
            self.conn.send(
                "INSERT INTO webhook_deliveries (subscription_id, event_seq, event_type, next_attempt_ts, created_ts) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (subscription_id, event_seq) DO NOTHING",
                args![x.subscription, x.event_seq, &x.event_type, x.now, x.now],
            )?;
        }
        Ok(())
    }

    fn hook_deliveries_due(&mut self, now: i64) -> Result<bool> {
        let sql = format!("SELECT 1 FROM webhook_deliveries WHERE {} LIMIT 1", outbox_due(""));
        Ok(self.one(&sql, args![now, now])?.is_some())
    }

    fn claim_hook_deliveries(&mut self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<DueHookDelivery>> {
        let sql = format!(
            "SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
             WHERE s.active = 1 AND {} ORDER BY d.next_attempt_ts, d.id LIMIT ?",
            outbox_due("d.")
        );
        let rows = self.conn.query(&sql, args![now, now, limit])?;
        let ids: Vec<Value> = rows.iter().map(|r| r.i64(0).map(Value::Int)).collect::<Result<_>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.lease_outbox("webhook_deliveries", &ids, lease_until)?;
        let list = placeholders(ids.len());
        let sql = format!(
            "SELECT d.id, d.subscription_id, s.user_id, s.workspace_id, d.event_seq, d.event_type, \
             s.target_url, s.secret, d.attempts FROM webhook_deliveries d \
             JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id IN ({list}) \
             ORDER BY d.next_attempt_ts, d.id"
        );
        self.conn
            .query(&sql, &ids)?
            .iter()
            .map(|r| {
                Ok(DueHookDelivery {
                    id: r.i64(0)?,
                    subscription: r.i64(1)?,
                    user: UserId(r.i64(2)?),
                    workspace: WorkspaceId(r.i64(3)?),
                    event_seq: r.i64(4)?,
                    event_type: r.text(5)?,
                    webhook_id: webhook_id(r.i64(0)?),
                    body: String::new(),
                    target_url: r.text(6)?,
                    secret: r.text(7)?,
                    attempts: r.i64(8)?,
                })
            })
            .collect()
    }

    fn finish_hook_delivery(&mut self, id: i64, outcome: &HookOutcome, now: i64) -> Result<()> {
        match outcome {
            HookOutcome::Delivered { status } => self.conn.send(
                "UPDATE webhook_deliveries SET state = 'delivered', lease_until_ts = NULL, \
                 last_status = ?, last_error = NULL, finished_ts = ? WHERE id = ?",
                args![*status, now, id],
            )?,
            HookOutcome::Retry { at, status, error } => self.conn.send(
                "UPDATE webhook_deliveries SET state = 'queued', lease_until_ts = NULL, next_attempt_ts = ?, \
                 last_status = ?, last_error = ? WHERE id = ?",
                args![*at, *status, error, id],
            )?,
            HookOutcome::Dropped { error } => self.conn.send(
                "UPDATE webhook_deliveries SET state = 'dropped', lease_until_ts = NULL, \
                 last_error = ?, finished_ts = ? WHERE id = ?",
                args![error, now, id],
            )?,
        };
        Ok(())
    }

    fn hook_failed(&mut self, subscription: i64) -> Result<i64> {
        let row = self.one(
            "UPDATE webhook_subscriptions SET failures = failures + 1 WHERE id = ? RETURNING failures",
            args![subscription],
        )?;
        Ok(row.map(|r| r.i64(0)).transpose()?.unwrap_or(0))
    }

    fn hook_succeeded(&mut self, subscription: i64) -> Result<()> {
        self.conn.send("UPDATE webhook_subscriptions SET failures = 0 WHERE id = ?", args![subscription])?;
        Ok(())
    }

    fn disable_hook(&mut self, subscription: i64, now: i64) -> Result<()> {
        self.conn.send(
            "UPDATE webhook_subscriptions SET active = 0, disabled_ts = ? WHERE id = ?",
            args![now, subscription],
        )?;
        self.conn.send(
            "UPDATE webhook_deliveries SET state = 'abandoned', lease_until_ts = NULL, finished_ts = ? \
             WHERE subscription_id = ? AND state IN ('queued', 'sending')",
            args![now, subscription],
        )?;
        Ok(())
    }

    fn hook_deliveries_of(&mut self, subscription: i64, limit: i64) -> Result<Vec<WebhookDelivery>> {
        let rows = self.conn.query(
            "SELECT id, event_type, event_seq, state, attempts, last_status, last_error, created_ts, \
             next_attempt_ts, finished_ts FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT ?",
            args![subscription, limit],
        )?;
        rows.iter()
            .map(|r| {
                Ok(WebhookDelivery {
                    id: webhook_id(r.i64(0)?),
                    event_type: r.text(1)?,
                    event_seq: r.i64(2)?,
                    state: r.text(3)?,
                    attempts: r.i64(4)?,
                    last_status: r.opt_i64(5)?,
                    last_error: r.opt_text(6)?,
                    created_ts: r.i64(7)?,
                    next_attempt_ts: r.i64(8)?,
                    finished_ts: r.opt_i64(9)?,
                })
            })
            .collect()
    }
}
