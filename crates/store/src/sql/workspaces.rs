//! `Workspaces` in SQL: workspaces, their members and their groups.

use super::{ROWS_PER_INSERT, Row, SqlTx, Value, args, json, membership_from, placeholders};
use std::collections::HashMap;
use weft_core::model::*;
use weft_core::store::{Invitation, Membership, ObjectKind, Workspaces};
use weft_core::{ChannelId, GroupId, Result, UserId, WorkspaceId};

const WS_COLS: &str = "w.id, w.name, w.creator, w.created_ts, w.color, w.default_channel, w.version, w.escalation_minutes, \
     w.expected_response_hours";

fn workspace_from(r: &Row) -> Result<Workspace> {
    Ok(Workspace {
        id: WorkspaceId(r.i64(0)?),
        name: r.text(1)?,
        creator: UserId(r.i64(2)?),
        created_ts: r.i64(3)?,
        color: r.opt_i64(4)?,
        default_channel: r.opt_i64(5)?.map(ChannelId),
        plan: "unlimited".to_string(),
        version: r.i64(6)?,
        escalation_minutes: r.i64(7)?,
        expected_response_hours: r.i64(8)?,
    })
}

const WU_COLS: &str = "u.id, u.name, u.short_name, u.email, u.bot, u.timezone, u.away_mode, u.off_days, \
     wu.user_type, wu.removed, wu.version, wu.pending, wu.invited_name, wu.deactivated, u.removed";

fn workspace_user_from(r: &Row) -> Result<WorkspaceUser> {
    let email = r.text(3)?;
    let pending = r.bool(11)?;
    let mut wu = WorkspaceUser {
        id: UserId(r.i64(0)?),
        name: r.text(1)?,
        short_name: r.text(2)?,
        bot: r.bool(4)?,
        timezone: r.text(5)?,
        away_mode: r.opt_json(6)?,
        off_days: r.json(7)?,
        user_type: UserType::parse(&r.text(8)?).unwrap_or(UserType::User),
        removed: r.bool(9)?,
        version: r.i64(10)?,
        invite_pending: pending,
        deactivated: r.bool(13)?,
        deleted: r.bool(14)?,
        email,
    };
    if pending {
        // Until they accept, only what the inviter gave: an invitation must not reveal
        // whether the email has an account, nor that account's profile.
        let name = r.opt_text(12)?.unwrap_or_else(|| wu.email.split('@').next().unwrap_or_default().to_string());
        wu.short_name = short_name(&name);
        wu.name = name;
        wu.timezone = "UTC".into();
        wu.away_mode = None;
        wu.off_days = Vec::new();
        wu.bot = false;
    }
    Ok(wu)
}

const INV_COLS: &str = "id, workspace_id, user_id, inviter, user_type, channel_ids, created_ts, expires_ts, max_uses, \
     uses, revoked";

fn invitation_from(r: &Row) -> Result<Invitation> {
    Ok(Invitation {
        id: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        user_id: r.opt_i64(2)?.map(UserId),
        inviter: UserId(r.i64(3)?),
        user_type: UserType::parse(&r.text(4)?).unwrap_or(UserType::User),
        channel_ids: r.json(5)?,
        created_ts: r.i64(6)?,
        expires_ts: r.i64(7)?,
        max_uses: r.opt_i64(8)?,
        uses: r.i64(9)?,
        revoked: r.bool(10)?,
    })
}

/// Where an object's workspace is read from: `SELECT workspace_id FROM …`, then `WHERE
/// <id> IN (…)`.
fn workspace_source(kind: ObjectKind) -> (&'static str, &'static str) {
    match kind {
        ObjectKind::Workspace => ("id AS workspace_id FROM workspaces", "id"),
        ObjectKind::Channel => ("workspace_id FROM channels", "id"),
        ObjectKind::Thread => ("workspace_id FROM threads", "id"),
        ObjectKind::Comment => ("t.workspace_id FROM comments c JOIN threads t ON t.id = c.thread_id", "c.id"),
        ObjectKind::Conversation => ("workspace_id FROM conversations", "id"),
        ObjectKind::Message => {
            ("v.workspace_id FROM messages m JOIN conversations v ON v.id = m.conversation_id", "m.id")
        }
        ObjectKind::Group => ("workspace_id FROM user_groups", "id"),
        ObjectKind::AccessRequest => ("workspace_id FROM access_requests", "id"),
        ObjectKind::Expectation => ("workspace_id FROM expectations", "id"),
        ObjectKind::Invitation => ("workspace_id FROM invitations", "id"),
        ObjectKind::Meeting => ("workspace_id FROM meetings", "id"),
        ObjectKind::ScheduledPost => ("workspace_id FROM scheduled_posts", "id"),
        ObjectKind::Emergency => ("workspace_id FROM emergencies", "id"),
    }
}

impl Workspaces for SqlTx<'_> {
    fn workspaces_of_objects(&mut self, objects: &[(ObjectKind, i64)]) -> Result<Vec<WorkspaceId>> {
        let mut by_kind: HashMap<ObjectKind, Vec<i64>> = HashMap::new();
        for (kind, id) in objects {
            by_kind.entry(*kind).or_default().push(*id);
        }
        let mut out = Vec::new();
        for (kind, ids) in by_kind {
            let (from, key) = workspace_source(kind);
            let sql = format!("SELECT DISTINCT {from} WHERE {key} IN ({})", placeholders(ids.len()));
            let params: Vec<Value> = ids.into_iter().map(Value::Int).collect();
            for r in self.conn.query(&sql, &params)? {
                out.push(WorkspaceId(r.i64(0)?));
            }
        }
        Ok(out)
    }

    fn attachment_workspaces(&mut self, attachment_id: &str) -> Result<Vec<WorkspaceId>> {
        let rows = self.conn.query(
            "SELECT t.workspace_id FROM attachment_uses u JOIN threads t ON t.id = u.thread_id WHERE u.attachment_id = ? \
             UNION SELECT t.workspace_id FROM attachment_uses u JOIN comments c ON c.id = u.comment_id \
             JOIN threads t ON t.id = c.thread_id WHERE u.attachment_id = ? \
             UNION SELECT v.workspace_id FROM attachment_uses u JOIN messages m ON m.id = u.message_id \
             JOIN conversations v ON v.id = m.conversation_id WHERE u.attachment_id = ?",
            args![attachment_id, attachment_id, attachment_id],
        )?;
        rows.iter().map(|r| Ok(WorkspaceId(r.i64(0)?))).collect()
    }
    fn insert_workspace(&mut self, name: &str, color: Option<i64>, creator: UserId, now: i64) -> Result<WorkspaceId> {
        self.insert_id(
            "INSERT INTO workspaces (name, creator, color, created_ts) VALUES (?, ?, ?, ?) RETURNING id",
            args![name, creator, color, now],
        )
        .map(WorkspaceId)
    }

    fn workspace(&mut self, id: WorkspaceId) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WS_COLS} FROM workspaces w WHERE w.id = ?");
        self.one(&sql, args![id])?.map(|r| workspace_from(&r)).transpose()
    }

    fn workspaces_of(&mut self, user: UserId) -> Result<Vec<Workspace>> {
        let sql = format!(
            "SELECT {WS_COLS} FROM workspaces w JOIN workspace_users wu ON wu.workspace_id = w.id \
             WHERE wu.user_id = ? AND wu.removed = 0 AND wu.pending = 0 AND wu.deactivated = 0 ORDER BY w.id"
        );
        self.conn.query(&sql, args![user])?.iter().map(workspace_from).collect()
    }

    fn update_workspace(&mut self, ws: &Workspace) -> Result<()> {
        self.conn.send(
            "UPDATE workspaces SET name = ?, color = ?, default_channel = ?, escalation_minutes = ?, \
             expected_response_hours = ?, version = version + 1 WHERE id = ?",
            args![&ws.name, ws.color, ws.default_channel, ws.escalation_minutes, ws.expected_response_hours, ws.id],
        )?;
        Ok(())
    }

    fn delete_workspace(&mut self, id: WorkspaceId) -> Result<()> {
        self.conn.send("UPDATE users SET default_workspace = NULL WHERE default_workspace = ?", args![id])?;
        self.delete_docs("workspace_id", id.0)?;
        self.conn.send("DELETE FROM inbox_items WHERE workspace_id = ?", args![id])?;
        self.conn.send("DELETE FROM notifications WHERE workspace_id = ?", args![id])?;
        self.conn.send("DELETE FROM pushes WHERE workspace_id = ?", args![id])?;
        self.conn.send("DELETE FROM notification_settings WHERE workspace_id = ?", args![id])?;
        self.conn.send("DELETE FROM mail_unsubscribe WHERE workspace_id = ?", args![id])?;
        self.conn.send("DELETE FROM mail_outbox WHERE workspace_id = ?", args![id])?;
        // Its log goes too, but for the news that it is gone: streams learn it from that.
        self.conn.send("DELETE FROM events WHERE workspace_id = ? AND kind <> 'workspace_deleted'", args![id])?;
        self.conn.send("DELETE FROM user_event_heads WHERE workspace_id = ?", args![id])?;
        self.conn.send("DELETE FROM workspaces WHERE id = ?", args![id])?;
        Ok(())
    }

    fn membership(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Membership>> {
        let row = self.one(
            "SELECT user_type, removed, pending, deactivated FROM workspace_users WHERE workspace_id = ? AND user_id = ?",
            args![ws, user],
        )?;
        row.map(|r| membership_from(&r, 0)).transpose()
    }

    fn active_members(&mut self, ws: WorkspaceId, users: &[UserId]) -> Result<Vec<UserId>> {
        let mut out = Vec::new();
        for chunk in users.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "SELECT user_id FROM workspace_users WHERE workspace_id = ? AND removed = 0 AND pending = 0 \
                 AND deactivated = 0 AND user_id IN ({})",
                placeholders(chunk.len())
            );
            let params: Vec<Value> = std::iter::once(ws.into()).chain(chunk.iter().map(|u| Value::from(*u))).collect();
            for r in self.conn.query(&sql, &params)? {
                out.push(UserId(r.i64(0)?));
            }
        }
        Ok(out)
    }

    fn workspace_users(&mut self, ws: WorkspaceId) -> Result<Vec<WorkspaceUser>> {
        let sql = format!(
            "SELECT {WU_COLS} FROM workspace_users wu JOIN users u ON u.id = wu.user_id \
             WHERE wu.workspace_id = ? ORDER BY u.id"
        );
        self.conn.query(&sql, args![ws])?.iter().map(workspace_user_from).collect()
    }

    fn workspace_user(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<WorkspaceUser>> {
        let sql = format!(
            "SELECT {WU_COLS} FROM workspace_users wu JOIN users u ON u.id = wu.user_id \
             WHERE wu.workspace_id = ? AND wu.user_id = ?"
        );
        self.one(&sql, args![ws, user])?.map(|r| workspace_user_from(&r)).transpose()
    }

    fn memberships_of(&mut self, user: UserId) -> Result<Vec<(Workspace, Membership)>> {
        let sql = format!(
            "SELECT {WS_COLS}, wu.user_type, wu.pending, wu.deactivated FROM workspaces w \
             JOIN workspace_users wu ON wu.workspace_id = w.id WHERE wu.user_id = ? AND wu.removed = 0 ORDER BY w.id"
        );
        let rows = self.conn.query(&sql, args![user])?;
        rows.iter()
            .map(|r| {
                // The membership's columns follow the workspace's, whatever their number.
                let at = r.0.len() - 3;
                let m = Membership {
                    user_type: UserType::parse(&r.text(at)?).unwrap_or(UserType::User),
                    removed: false,
                    pending: r.bool(at + 1)?,
                    deactivated: r.bool(at + 2)?,
                };
                Ok((workspace_from(r)?, m))
            })
            .collect()
    }

    fn put_membership(&mut self, ws: WorkspaceId, user: UserId, m: Membership, now: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO workspace_users (workspace_id, user_id, user_type, removed, pending, deactivated, added_ts) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET user_type = excluded.user_type, \
             removed = excluded.removed, pending = excluded.pending, deactivated = excluded.deactivated, \
             version = workspace_users.version + 1",
            args![ws, user, m.user_type.as_str(), m.removed, m.pending, m.deactivated, now],
        )?;
        Ok(())
    }

    fn admin_count(&mut self, ws: WorkspaceId) -> Result<i64> {
        self.count(
            "SELECT COUNT(*) FROM workspace_users WHERE workspace_id = ? AND user_type = 'ADMIN' AND removed = 0 \
             AND pending = 0 AND deactivated = 0",
            args![ws],
        )
    }

    fn is_admin_anywhere(&mut self, user: UserId) -> Result<bool> {
        let n = self.count(
            "SELECT COUNT(*) FROM (SELECT 1 FROM workspace_users WHERE user_id = ? AND user_type = 'ADMIN' \
             AND removed = 0 AND pending = 0 AND deactivated = 0 LIMIT 1) AS one",
            args![user],
        )?;
        Ok(n > 0)
    }

    fn set_invited_name(&mut self, ws: WorkspaceId, user: UserId, name: Option<&str>) -> Result<()> {
        self.conn.send(
            "UPDATE workspace_users SET invited_name = ? WHERE workspace_id = ? AND user_id = ?",
            args![name, ws, user],
        )?;
        Ok(())
    }

    fn insert_invitation(&mut self, inv: &Invitation, code_hash: &str) -> Result<i64> {
        self.insert_id(
            "INSERT INTO invitations (code_hash, workspace_id, user_id, inviter, user_type, channel_ids, created_ts, \
             expires_ts, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            args![
                code_hash,
                inv.workspace_id,
                inv.user_id,
                inv.inviter,
                inv.user_type.as_str(),
                json(&inv.channel_ids),
                inv.created_ts,
                inv.expires_ts,
                inv.max_uses
            ],
        )
    }

    fn invitation(&mut self, id: i64) -> Result<Option<Invitation>> {
        let sql = format!("SELECT {INV_COLS} FROM invitations WHERE id = ?");
        self.one(&sql, args![id])?.map(|r| invitation_from(&r)).transpose()
    }

    fn invitation_by_code(&mut self, code_hash: &str) -> Result<Option<Invitation>> {
        let sql = format!("SELECT {INV_COLS} FROM invitations WHERE code_hash = ?");
        self.one(&sql, args![code_hash])?.map(|r| invitation_from(&r)).transpose()
    }

    fn personal_invitation(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Invitation>> {
        let sql = format!(
            "SELECT {INV_COLS} FROM invitations WHERE workspace_id = ? AND user_id = ? ORDER BY id DESC LIMIT 1"
        );
        self.one(&sql, args![ws, user])?.map(|r| invitation_from(&r)).transpose()
    }

    fn join_links(&mut self, ws: WorkspaceId) -> Result<Vec<Invitation>> {
        let sql =
            format!("SELECT {INV_COLS} FROM invitations WHERE workspace_id = ? AND user_id IS NULL ORDER BY id DESC");
        self.conn.query(&sql, args![ws])?.iter().map(invitation_from).collect()
    }

    fn use_invitation(&mut self, id: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE invitations SET uses = uses + 1 WHERE id = ? AND revoked = 0 \
             AND (max_uses IS NULL OR uses < max_uses)",
            args![id],
        )?;
        Ok(n > 0)
    }

    fn revoke_invitation(&mut self, id: i64) -> Result<()> {
        self.conn.send("UPDATE invitations SET revoked = 1 WHERE id = ?", args![id])?;
        Ok(())
    }

    fn delete_invitations_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<()> {
        self.conn.send("DELETE FROM invitations WHERE workspace_id = ? AND user_id = ?", args![ws, user])?;
        Ok(())
    }

    fn insert_group(&mut self, ws: WorkspaceId, name: &str, description: &str, color: Option<i64>) -> Result<GroupId> {
        self.insert_id(
            "INSERT INTO user_groups (workspace_id, name, description, color) VALUES (?, ?, ?, ?) RETURNING id",
            args![ws, name, description, color],
        )
        .map(GroupId)
    }

    fn group(&mut self, id: GroupId) -> Result<Option<Group>> {
        let row = self.one(
            "SELECT id, workspace_id, name, description, color, version FROM user_groups WHERE id = ?",
            args![id],
        )?;
        let Some(r) = row else { return Ok(None) };
        let members =
            self.conn.query("SELECT user_id FROM group_users WHERE group_id = ? ORDER BY user_id", args![id])?;
        Ok(Some(Group {
            id: GroupId(r.i64(0)?),
            workspace_id: WorkspaceId(r.i64(1)?),
            name: r.text(2)?,
            description: r.text(3)?,
            color: r.opt_i64(4)?,
            version: r.i64(5)?,
            user_ids: members.iter().map(|m| m.i64(0).map(UserId)).collect::<Result<_>>()?,
        }))
    }

    fn groups_among(&mut self, ws: WorkspaceId, groups: &[GroupId]) -> Result<Vec<GroupId>> {
        let mut out = Vec::new();
        for chunk in groups.chunks(ROWS_PER_INSERT) {
            let sql =
                format!("SELECT id FROM user_groups WHERE workspace_id = ? AND id IN ({})", placeholders(chunk.len()));
            let params: Vec<Value> = std::iter::once(ws.into()).chain(chunk.iter().map(|g| Value::from(*g))).collect();
            for r in self.conn.query(&sql, &params)? {
                out.push(GroupId(r.i64(0)?));
            }
        }
        Ok(out)
    }

    fn groups_in(&mut self, ws: WorkspaceId) -> Result<Vec<Group>> {
        let rows = self.conn.query(
            "SELECT id, workspace_id, name, description, color, version FROM user_groups WHERE workspace_id = ? ORDER BY id",
            args![ws],
        )?;
        let members = self.conn.query(
            "SELECT gu.group_id, gu.user_id FROM group_users gu JOIN user_groups g ON g.id = gu.group_id \
             WHERE g.workspace_id = ? ORDER BY gu.group_id, gu.user_id",
            args![ws],
        )?;
        let mut by_group: HashMap<i64, Vec<UserId>> = HashMap::new();
        for m in &members {
            by_group.entry(m.i64(0)?).or_default().push(UserId(m.i64(1)?));
        }
        rows.iter()
            .map(|r| {
                Ok(Group {
                    id: GroupId(r.i64(0)?),
                    workspace_id: WorkspaceId(r.i64(1)?),
                    name: r.text(2)?,
                    description: r.text(3)?,
                    color: r.opt_i64(4)?,
                    version: r.i64(5)?,
                    user_ids: by_group.remove(&r.i64(0)?).unwrap_or_default(),
                })
            })
            .collect()
    }

    fn update_group(&mut self, g: &Group) -> Result<()> {
        self.conn.send(
            "UPDATE user_groups SET name = ?, description = ?, color = ?, version = version + 1 WHERE id = ?",
            args![&g.name, &g.description, g.color, g.id],
        )?;
        Ok(())
    }

    fn delete_group(&mut self, id: GroupId) -> Result<()> {
        self.conn.send("DELETE FROM user_groups WHERE id = ?", args![id])?;
        Ok(())
    }

    fn add_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.send(
                "INSERT INTO group_users (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![id, u],
            )?;
        }
        if !users.is_empty() {
            self.conn.send("UPDATE user_groups SET version = version + 1 WHERE id = ?", args![id])?;
        }
        Ok(())
    }

    fn remove_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.send("DELETE FROM group_users WHERE group_id = ? AND user_id = ?", args![id, u])?;
        }
        if !users.is_empty() {
            self.conn.send("UPDATE user_groups SET version = version + 1 WHERE id = ?", args![id])?;
        }
        Ok(())
    }
}
