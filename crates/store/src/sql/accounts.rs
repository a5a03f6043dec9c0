//! `Accounts` in SQL: users, passwords and sign-in tokens.

use super::{Row, SqlTx, Value, args, json, placeholders};
use weft_core::model::*;
use weft_core::store::{Accounts, NewApiToken, NewUser, TokenGrant};
use weft_core::{Result, UserId, WorkspaceId};

pub(super) const USER_COLS: &str = "u.id, u.name, u.short_name, u.email, u.bot, u.timezone, u.removed, u.lang, u.profession, \
     u.contact_info, u.away_mode, u.off_days, u.snooze_dnd_start, u.snooze_dnd_end, u.snooze_until, \
     u.default_workspace, u.created_ts";

pub(super) fn user_from(r: &Row) -> Result<User> {
    let snooze_until = r.i64(14)?;
    Ok(User {
        id: UserId(r.i64(0)?),
        name: r.text(1)?,
        short_name: r.text(2)?,
        email: r.text(3)?,
        bot: r.bool(4)?,
        timezone: r.text(5)?,
        removed: r.bool(6)?,
        lang: r.text(7)?,
        profession: r.opt_text(8)?,
        contact_info: r.opt_text(9)?,
        away_mode: r.opt_json(10)?,
        off_days: r.json(11)?,
        snooze_dnd_start: r.opt_text(12)?,
        snooze_dnd_end: r.opt_text(13)?,
        snooze_until,
        snoozed: false,
        default_workspace: r.opt_i64(15)?.map(WorkspaceId),
        token: None,
        created_ts: r.i64(16)?,
    })
}

impl Accounts for SqlTx<'_> {
    fn insert_user(&mut self, u: &NewUser) -> Result<UserId> {
        let short = short_name(&u.name);
        self.insert_id(
            // Days off match the default schedule: Monday to Friday, 09:00–17:00.
            "INSERT INTO users (email, name, short_name, password_hash, timezone, bot, created_ts, off_days) \
             VALUES (?, ?, ?, ?, ?, ?, ?, '[6,7]') RETURNING id",
            args![&u.email, &u.name, short, &u.password_hash, &u.timezone, u.bot, u.now],
        )
        .map(UserId)
    }

    fn user(&mut self, id: UserId) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id = ?");
        self.one(&sql, args![id])?.map(|r| user_from(&r)).transpose()
    }

    fn users_by_ids(&mut self, ids: &[UserId]) -> Result<Vec<User>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id IN ({})", placeholders(ids.len()));
        let params: Vec<Value> = ids.iter().map(|u| Value::from(*u)).collect();
        self.conn.query(&sql, &params)?.iter().map(user_from).collect()
    }

    fn user_by_email(&mut self, email: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.email = ?");
        self.one(&sql, args![email])?.map(|r| user_from(&r)).transpose()
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        self.conn.send(
            "UPDATE users SET email = ?, name = ?, short_name = ?, timezone = ?, profession = ?, contact_info = ?, \
             away_mode = ?, off_days = ?, snooze_until = ?, snooze_dnd_start = ?, snooze_dnd_end = ?, \
             default_workspace = ?, version = version + 1 WHERE id = ?",
            &[
                Value::from(&u.email),
                Value::from(&u.name),
                Value::from(&u.short_name),
                Value::from(&u.timezone),
                Value::from(u.profession.clone()),
                Value::from(u.contact_info.clone()),
                u.away_mode.as_ref().map_or(Value::Null, json),
                json(&u.off_days),
                Value::from(u.snooze_until),
                Value::from(u.snooze_dnd_start.clone()),
                Value::from(u.snooze_dnd_end.clone()),
                Value::from(u.default_workspace),
                Value::from(u.id),
            ],
        )?;
        Ok(())
    }

    fn user_count(&mut self) -> Result<i64> {
        self.count("SELECT COUNT(*) FROM users", &[])
    }

    fn password_hash(&mut self, id: UserId) -> Result<Option<String>> {
        self.one("SELECT password_hash FROM users WHERE id = ?", args![id])?.map(|r| r.text(0)).transpose()
    }

    fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()> {
        self.conn.send("UPDATE users SET password_hash = ? WHERE id = ?", args![hash, id])?;
        Ok(())
    }

    fn insert_token(&mut self, user: UserId, token_hash: &str, now: i64) -> Result<()> {
        self.conn
            .send("INSERT INTO tokens (hash, user_id, created_ts) VALUES (?, ?, ?)", args![token_hash, user, now])?;
        Ok(())
    }

    fn user_by_token(&mut self, token_hash: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM tokens k JOIN users u ON u.id = k.user_id WHERE k.hash = ?");
        self.one(&sql, args![token_hash])?.map(|r| user_from(&r)).transpose()
    }

    fn delete_token(&mut self, token_hash: &str) -> Result<()> {
        self.conn.send("DELETE FROM tokens WHERE hash = ?", args![token_hash])?;
        Ok(())
    }

    fn live_tokens(&mut self, token_hashes: &[String]) -> Result<Vec<String>> {
        if token_hashes.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(token_hashes.len());
        let sql = format!(
            "SELECT k.hash FROM tokens k JOIN users u ON u.id = k.user_id WHERE u.removed = 0 AND k.hash IN ({list}) \
             UNION ALL SELECT k.hash FROM api_tokens k JOIN users u ON u.id = k.user_id \
             WHERE u.removed = 0 AND k.hash IN ({list})"
        );
        let params: Vec<Value> = token_hashes.iter().chain(token_hashes).map(Value::from).collect();
        self.conn.query(&sql, &params)?.iter().map(|r| r.text(0)).collect()
    }

    fn delete_tokens_of(&mut self, user: UserId) -> Result<()> {
        self.conn.send("DELETE FROM tokens WHERE user_id = ?", args![user])?;
        Ok(())
    }

    fn insert_api_token(&mut self, user: UserId, t: &NewApiToken) -> Result<i64> {
        self.insert_id(
            "INSERT INTO api_tokens (user_id, name, scope, workspace_id, hash, created_ts) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            args![user, &t.name, t.scope.as_str(), t.workspace, &t.hash, t.now],
        )
    }

    fn api_tokens_of(&mut self, user: UserId) -> Result<Vec<ApiToken>> {
        let rows = self.conn.query(
            "SELECT id, name, scope, workspace_id, created_ts, last_used_ts FROM api_tokens \
             WHERE user_id = ? ORDER BY id DESC",
            args![user],
        )?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.i64(0)?,
                    name: r.text(1)?,
                    scope: scope_of(&r.text(2)?)?,
                    workspace_id: r.opt_i64(3)?.map(WorkspaceId),
                    created_ts: r.i64(4)?,
                    last_used_ts: r.opt_i64(5)?,
                    token: None,
                })
            })
            .collect()
    }

    fn delete_api_token(&mut self, user: UserId, id: i64) -> Result<Option<String>> {
        let row = self.one("DELETE FROM api_tokens WHERE id = ? AND user_id = ? RETURNING hash", args![id, user])?;
        row.map(|r| r.text(0)).transpose()
    }

    fn user_by_api_token(&mut self, token_hash: &str) -> Result<Option<(User, TokenGrant)>> {
        let sql = format!(
            "SELECT {USER_COLS}, k.id, k.scope, k.workspace_id, k.last_used_ts FROM api_tokens k \
             JOIN users u ON u.id = k.user_id WHERE k.hash = ?"
        );
        let Some(r) = self.one(&sql, args![token_hash])? else { return Ok(None) };
        let grant = TokenGrant {
            id: r.i64(17)?,
            scope: scope_of(&r.text(18)?)?,
            workspace: r.opt_i64(19)?.map(WorkspaceId),
            last_used_ts: r.opt_i64(20)?,
        };
        Ok(Some((user_from(&r)?, grant)))
    }

    fn touch_api_token(&mut self, id: i64, now: i64) -> Result<()> {
        self.conn.send("UPDATE api_tokens SET last_used_ts = ? WHERE id = ?", args![now, id])?;
        Ok(())
    }

    fn record_activity(&mut self, user: UserId, platform: Platform, ts: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO user_activity (user_id, platform, ts) VALUES (?, ?, ?) \
             ON CONFLICT (user_id, platform) DO UPDATE SET ts = excluded.ts WHERE user_activity.ts < excluded.ts",
            args![user, platform.as_str(), ts],
        )?;
        Ok(())
    }

    fn insert_password_reset(&mut self, user: UserId, code_hash: &str, now: i64, expires_ts: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO password_resets (code_hash, user_id, created_ts, expires_ts) VALUES (?, ?, ?, ?)",
            args![code_hash, user, now, expires_ts],
        )?;
        Ok(())
    }

    fn activity(&mut self, user: UserId) -> Result<Vec<(Platform, i64)>> {
        let rows = self.conn.query("SELECT platform, ts FROM user_activity WHERE user_id = ?", args![user])?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let name = r.text(0)?;
            let platform =
                Platform::parse(&name).ok_or_else(|| weft_core::Error::Internal(format!("unknown platform {name}")))?;
            out.push((platform, r.i64(1)?));
        }
        Ok(out)
    }

    fn password_reset(&mut self, code_hash: &str) -> Result<Option<(UserId, i64)>> {
        let row = self.one("SELECT user_id, expires_ts FROM password_resets WHERE code_hash = ?", args![code_hash])?;
        row.map(|r| Ok((UserId(r.i64(0)?), r.i64(1)?))).transpose()
    }

    fn take_password_reset(&mut self, code_hash: &str) -> Result<Option<(UserId, i64)>> {
        let row = self
            .one("DELETE FROM password_resets WHERE code_hash = ? RETURNING user_id, expires_ts", args![code_hash])?;
        row.map(|r| Ok((UserId(r.i64(0)?), r.i64(1)?))).transpose()
    }

    fn delete_password_resets_of(&mut self, user: UserId) -> Result<()> {
        self.conn.send("DELETE FROM password_resets WHERE user_id = ?", args![user])?;
        Ok(())
    }

    fn erase_user(&mut self, user: UserId, email: &str, name: &str) -> Result<()> {
        self.conn.send(
            "UPDATE users SET email = ?, name = ?, short_name = ?, password_hash = '', timezone = 'UTC', \
             removed = 1, profession = NULL, contact_info = NULL, away_mode = NULL, off_days = '[]', \
             snooze_until = -1, snooze_dnd_start = NULL, snooze_dnd_end = NULL, default_workspace = NULL, \
             version = version + 1 WHERE id = ?",
            args![email, name, name, user],
        )?;
        for table in [
            "tokens",
            "api_tokens",
            "password_resets",
            "user_activity",
            "schedules",
            "inbox_items",
            "notifications",
            "pushes",
            "thread_states",
            "channel_favorites",
            "channel_notification_levels",
            "notification_settings",
            "idempotency",
            "mail_outbox",
            "mail_unsubscribe",
            // Their deliveries go with them (ON DELETE CASCADE).
            "webhook_subscriptions",
        ] {
            self.conn.send(&format!("DELETE FROM {table} WHERE user_id = ?"), args![user])?;
        }
        Ok(())
    }
}

fn scope_of(s: &str) -> Result<TokenScope> {
    TokenScope::parse(s).ok_or_else(|| weft_core::Error::Internal(format!("unknown token scope {s}")))
}
