//! `Integrations` in SQL: bots and incoming webhooks.

use super::accounts::{USER_COLS, user_from};
use super::{Row, SqlTx, args};
use weft_core::model::{Bot, IncomingWebhook};
use weft_core::store::{Integrations, NewIncomingWebhook};
use weft_core::{ChannelId, Result, ThreadId, UserId, WorkspaceId};

const HOOK_COLS: &str = "id, name, workspace_id, channel_id, thread_id, bot_id, creator_id, created_ts, last_used_ts";

fn hook_from(r: &Row) -> Result<IncomingWebhook> {
    Ok(IncomingWebhook {
        id: r.i64(0)?,
        name: r.text(1)?,
        workspace_id: WorkspaceId(r.i64(2)?),
        channel_id: ChannelId(r.i64(3)?),
        thread_id: r.opt_i64(4)?.map(ThreadId),
        bot_id: UserId(r.i64(5)?),
        creator_id: UserId(r.i64(6)?),
        created_ts: r.i64(7)?,
        last_used_ts: r.opt_i64(8)?,
        url: None,
    })
}

/// The user's columns (0..=16), then the bot's.
fn bot_from(r: &Row) -> Result<Bot> {
    Ok(Bot {
        user: user_from(r)?,
        workspace_id: WorkspaceId(r.i64(17)?),
        owner_id: UserId(r.i64(18)?),
        created_ts: r.i64(19)?,
    })
}

impl Integrations for SqlTx<'_> {
    fn insert_bot(&mut self, bot: UserId, ws: WorkspaceId, owner: UserId, now: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO bots (user_id, workspace_id, owner_id, created_ts) VALUES (?, ?, ?, ?)",
            args![bot, ws, owner, now],
        )?;
        Ok(())
    }

    fn bots_of(&mut self, ws: WorkspaceId) -> Result<Vec<Bot>> {
        let sql = format!(
            "SELECT {USER_COLS}, b.workspace_id, b.owner_id, b.created_ts FROM bots b JOIN users u ON u.id = b.user_id \
             WHERE b.workspace_id = ? AND u.removed = 0 ORDER BY b.user_id"
        );
        self.conn.query(&sql, args![ws])?.iter().map(bot_from).collect()
    }

    fn bot(&mut self, bot: UserId) -> Result<Option<Bot>> {
        let sql = format!(
            "SELECT {USER_COLS}, b.workspace_id, b.owner_id, b.created_ts FROM bots b JOIN users u ON u.id = b.user_id \
             WHERE b.user_id = ?"
        );
        self.one(&sql, args![bot])?.map(|r| bot_from(&r)).transpose()
    }

    fn delete_bot(&mut self, bot: UserId) -> Result<()> {
        self.conn.send("DELETE FROM bots WHERE user_id = ?", args![bot])?;
        Ok(())
    }

    fn insert_incoming_webhook(&mut self, h: &NewIncomingWebhook) -> Result<i64> {
        self.insert_id(
            "INSERT INTO incoming_webhooks (workspace_id, channel_id, thread_id, name, bot_id, creator_id, token_hash, \
             created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            args![h.workspace, h.channel, h.thread, &h.name, h.bot, h.creator, &h.token_hash, h.now],
        )
    }

    fn incoming_webhooks_of(&mut self, channel: ChannelId) -> Result<Vec<IncomingWebhook>> {
        let sql = format!("SELECT {HOOK_COLS} FROM incoming_webhooks WHERE channel_id = ? ORDER BY id");
        self.conn.query(&sql, args![channel])?.iter().map(hook_from).collect()
    }

    fn incoming_webhook(&mut self, id: i64) -> Result<Option<IncomingWebhook>> {
        let sql = format!("SELECT {HOOK_COLS} FROM incoming_webhooks WHERE id = ?");
        self.one(&sql, args![id])?.map(|r| hook_from(&r)).transpose()
    }

    fn incoming_webhook_by_secret(&mut self, id: i64, token_hash: &str) -> Result<Option<IncomingWebhook>> {
        let sql = format!("SELECT {HOOK_COLS} FROM incoming_webhooks WHERE id = ? AND token_hash = ?");
        self.one(&sql, args![id, token_hash])?.map(|r| hook_from(&r)).transpose()
    }

    fn touch_incoming_webhook(&mut self, id: i64, now: i64) -> Result<()> {
        self.conn.send("UPDATE incoming_webhooks SET last_used_ts = ? WHERE id = ?", args![now, id])?;
        Ok(())
    }

    fn delete_incoming_webhook(&mut self, id: i64) -> Result<()> {
        self.conn.send("DELETE FROM incoming_webhooks WHERE id = ?", args![id])?;
        Ok(())
    }
}
