//! `Channels` in SQL: channels, their members, favourites and notification levels.

use super::{Row, SqlTx, Value, args, json, membership_from, placeholders};
use std::collections::HashMap;
use weft_core::model::*;
use weft_core::store::{Channels, Membership, NewChannel, Sight};
use weft_core::{ChannelId, Error, Result, UserId, WorkspaceId};

pub(super) const CHANNEL_COLS: &str = "c.id, c.name, c.workspace_id, c.creator, c.public, c.archived, c.created_ts, \
     c.description, c.color, c.icon, c.use_default_recipients, c.default_groups, c.default_recipients, c.version, \
     (SELECT COUNT(*) FROM channel_favorites f WHERE f.channel_id = c.id AND f.user_id = ?), c.emergency, \
     (SELECT n.level FROM channel_notification_levels n WHERE n.channel_id = c.id AND n.user_id = ?), \
     c.expected_response_hours";

/// After `CHANNEL_COLS`: whether the viewer is a member, and their membership of the
/// workspace (with `VIEWER_JOIN`; the viewer is bound once here and once there).
pub(super) const VIEWER_COLS: &str = "EXISTS (SELECT 1 FROM channel_users m WHERE m.channel_id = c.id AND m.user_id = ?), \
     wu.user_type, wu.removed, wu.pending, wu.deactivated";
pub(super) const VIEWER_JOIN: &str =
    "LEFT JOIN workspace_users wu ON wu.workspace_id = c.workspace_id AND wu.user_id = ?";

/// A row of `CHANNEL_COLS, VIEWER_COLS`: the channel, its `user_ids` holding `viewer` alone if a
/// member, and the viewer's membership of its workspace.
pub(super) fn seen_channel_from(row: &Row, viewer: UserId) -> Result<(Channel, Option<Membership>)> {
    let mut ch = channel_from(row)?;
    let at = row.0.len() - 5;
    if row.bool(at)? {
        ch.user_ids = vec![viewer];
    }
    let membership = match row.opt_text(at + 1)? {
        Some(_) => Some(membership_from(row, at + 1)?),
        None => None,
    };
    Ok((ch, membership))
}

/// `Channels::channel_sight_among`'s query, of the people `users` (SQL: a list or a
/// subquery) as channel `channel` and workspace `ws` (SQL expressions) know them.
pub(super) fn sight_sql(channel: &str, ws: &str, users: &str) -> String {
    format!(
        "SELECT wu.user_id, wu.user_type, wu.removed, wu.pending, wu.deactivated, \
         EXISTS (SELECT 1 FROM channel_users m WHERE m.channel_id = {channel} AND m.user_id = wu.user_id), \
         u.away_mode FROM workspace_users wu JOIN users u ON u.id = wu.user_id \
         WHERE wu.workspace_id = {ws} AND wu.user_id IN ({users})"
    )
}

/// A row of `sight_sql`.
pub(super) fn sight_from(r: &Row) -> Result<Sight> {
    Ok(Sight {
        user: UserId(r.i64(0)?),
        membership: membership_from(r, 1)?,
        member: r.bool(5)?,
        away_mode: r.opt_json(6)?,
    })
}

pub(super) fn channel_from(r: &Row) -> Result<Channel> {
    Ok(Channel {
        id: ChannelId(r.i64(0)?),
        name: r.text(1)?,
        workspace_id: WorkspaceId(r.i64(2)?),
        creator: UserId(r.i64(3)?),
        public: r.bool(4)?,
        archived: r.bool(5)?,
        created_ts: r.i64(6)?,
        description: r.text(7)?,
        color: r.opt_i64(8)?,
        icon: r.opt_i64(9)?,
        use_default_recipients: r.bool(10)?,
        default_groups: r.json(11)?,
        default_recipients: r.json(12)?,
        version: r.i64(13)?,
        is_favorited: r.bool(14)?,
        emergency: r.bool(15)?,
        notifications: match r.opt_text(16)? {
            Some(level) => ChannelNotifications::parse(&level)
                .ok_or_else(|| Error::Internal(format!("unknown channel notification level {level}")))?,
            None => ChannelNotifications::All,
        },
        expected_response_hours: r.opt_i64(17)?,
        user_ids: Vec::new(),
    })
}

impl Channels for SqlTx<'_> {
    fn insert_channel(&mut self, ch: &NewChannel) -> Result<ChannelId> {
        self.insert_id(
            "INSERT INTO channels (workspace_id, name, description, creator, public, color, icon, \
             use_default_recipients, default_groups, default_recipients, created_ts, emergency, \
             expected_response_hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                ch.workspace_id.into(),
                (&ch.name).into(),
                (&ch.description).into(),
                ch.creator.into(),
                ch.public.into(),
                ch.color.into(),
                ch.icon.into(),
                ch.use_default_recipients.into(),
                json(&ch.default_groups),
                json(&ch.default_recipients),
                ch.now.into(),
                ch.emergency.into(),
                ch.expected_response_hours.into(),
            ],
        )
        .map(ChannelId)
    }

    fn channel(&mut self, id: ChannelId, viewer: UserId) -> Result<Option<Channel>> {
        let sql = format!("SELECT {CHANNEL_COLS} FROM channels c WHERE c.id = ?");
        let Some(row) = self.one(&sql, args![viewer, viewer, id])? else { return Ok(None) };
        let mut ch = channel_from(&row)?;
        ch.user_ids = self
            .conn
            .query("SELECT user_id FROM channel_users WHERE channel_id = ? ORDER BY user_id", args![id])?
            .iter()
            .map(|r| r.i64(0).map(UserId))
            .collect::<Result<_>>()?;
        Ok(Some(ch))
    }

    fn channel_members_from(&mut self, id: ChannelId, after: Option<UserId>, limit: usize) -> Result<Vec<UserId>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.conn.query(
            "SELECT user_id FROM channel_users WHERE channel_id = ? AND user_id > ? ORDER BY user_id LIMIT ?",
            args![id, after.map_or(0, |u| u.0), limit],
        )?;
        rows.iter().map(|r| r.i64(0).map(UserId)).collect()
    }

    fn channel_seen_by(&mut self, id: ChannelId, viewer: UserId) -> Result<Option<(Channel, Option<Membership>)>> {
        let sql = format!("SELECT {CHANNEL_COLS}, {VIEWER_COLS} FROM channels c {VIEWER_JOIN} WHERE c.id = ?");
        let Some(row) = self.one(&sql, args![viewer, viewer, viewer, viewer, id])? else { return Ok(None) };
        seen_channel_from(&row, viewer).map(Some)
    }

    fn channel_sight_among(
        &mut self,
        ws: WorkspaceId,
        channel: Option<ChannelId>,
        users: &[UserId],
    ) -> Result<Vec<Sight>> {
        let channel = channel.map_or(0, |c| c.0);
        let mut out = Vec::new();
        for chunk in users.chunks(super::ROWS_PER_INSERT) {
            let sql = sight_sql("?", "?", &placeholders(chunk.len()));
            let params: Vec<Value> =
                [Value::Int(channel), ws.into()].into_iter().chain(chunk.iter().map(|u| Value::from(*u))).collect();
            for r in self.conn.query(&sql, &params)? {
                out.push(sight_from(&r)?);
            }
        }
        Ok(out)
    }

    fn insert_access_request(&mut self, r: &AccessRequest) -> Result<i64> {
        let row = self.one(
            "INSERT INTO access_requests (workspace_id, channel_id, user_id, note, created_ts) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
            args![r.workspace_id, r.channel_id, r.user_id, r.note.as_str(), r.created_ts],
        )?;
        row.ok_or_else(|| Error::Internal("no id for the access request".into()))?.i64(0)
    }

    fn access_request(&mut self, id: i64) -> Result<Option<AccessRequest>> {
        let sql = format!("SELECT {ACCESS_REQUEST_COLS} FROM access_requests WHERE id = ?");
        self.one(&sql, args![id])?.map(|r| access_request_from(&r)).transpose()
    }

    fn pending_access_request(&mut self, channel: ChannelId, user: UserId) -> Result<Option<AccessRequest>> {
        let sql = format!(
            "SELECT {ACCESS_REQUEST_COLS} FROM access_requests \
             WHERE channel_id = ? AND user_id = ? AND decision IS NULL"
        );
        self.one(&sql, args![channel, user])?.map(|r| access_request_from(&r)).transpose()
    }

    fn decide_access_request(&mut self, id: i64, decision: AccessDecision, by: UserId, now: i64) -> Result<()> {
        self.conn.send(
            "UPDATE access_requests SET decision = ?, decided_by = ?, decided_ts = ? WHERE id = ?",
            args![decision.as_str(), by, now, id],
        )?;
        Ok(())
    }

    fn access_requests_in(&mut self, ws: WorkspaceId, pending_only: bool, limit: i64) -> Result<Vec<AccessRequest>> {
        let pending = if pending_only { " AND decision IS NULL" } else { "" };
        let sql = format!(
            "SELECT {ACCESS_REQUEST_COLS} FROM access_requests WHERE workspace_id = ?{pending} ORDER BY id DESC LIMIT ?"
        );
        self.conn.query(&sql, args![ws, limit])?.iter().map(access_request_from).collect()
    }

    fn channels_in(&mut self, ws: WorkspaceId, viewer: UserId) -> Result<Vec<Channel>> {
        let sql = format!("SELECT {CHANNEL_COLS} FROM channels c WHERE c.workspace_id = ? ORDER BY c.id");
        let mut channels: Vec<Channel> =
            self.conn.query(&sql, args![viewer, viewer, ws])?.iter().map(channel_from).collect::<Result<_>>()?;
        let members = self.conn.query(
            "SELECT cu.channel_id, cu.user_id FROM channel_users cu JOIN channels c ON c.id = cu.channel_id \
             WHERE c.workspace_id = ? ORDER BY cu.channel_id, cu.user_id",
            args![ws],
        )?;
        let mut by_channel: HashMap<i64, Vec<UserId>> = HashMap::new();
        for r in &members {
            by_channel.entry(r.i64(0)?).or_default().push(UserId(r.i64(1)?));
        }
        for ch in &mut channels {
            ch.user_ids = by_channel.remove(&ch.id.0).unwrap_or_default();
        }
        Ok(channels)
    }

    fn visible_channel_ids(&mut self, ws: WorkspaceId, viewer: UserId, public_too: bool) -> Result<Vec<ChannelId>> {
        let member = "EXISTS (SELECT 1 FROM channel_users cu WHERE cu.channel_id = c.id AND cu.user_id = ?)";
        let visible = if public_too { format!("(c.public = 1 OR {member})") } else { member.to_string() };
        let sql = format!("SELECT c.id FROM channels c WHERE c.workspace_id = ? AND {visible}");
        let rows = self.conn.query(&sql, args![ws, viewer])?;
        rows.iter().map(|r| Ok(ChannelId(r.i64(0)?))).collect()
    }

    fn update_channel(&mut self, ch: &Channel) -> Result<()> {
        self.conn.send(
            "UPDATE channels SET name = ?, description = ?, public = ?, archived = ?, color = ?, icon = ?, \
             use_default_recipients = ?, default_groups = ?, default_recipients = ?, emergency = ?, \
             expected_response_hours = ?, version = version + 1 WHERE id = ?",
            &[
                (&ch.name).into(),
                (&ch.description).into(),
                ch.public.into(),
                ch.archived.into(),
                ch.color.into(),
                ch.icon.into(),
                ch.use_default_recipients.into(),
                json(&ch.default_groups),
                json(&ch.default_recipients),
                ch.emergency.into(),
                ch.expected_response_hours.into(),
                ch.id.into(),
            ],
        )?;
        Ok(())
    }

    fn delete_channel(&mut self, id: ChannelId) -> Result<()> {
        self.delete_docs("channel_id", id.0)?;
        self.conn.send("DELETE FROM channels WHERE id = ?", args![id])?;
        Ok(())
    }

    fn add_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.send(
                "INSERT INTO channel_users (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![ch, u],
            )?;
        }
        Ok(())
    }

    fn remove_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.send("DELETE FROM channel_users WHERE channel_id = ? AND user_id = ?", args![ch, u])?;
        }
        Ok(())
    }

    fn set_channel_favorite(&mut self, ch: ChannelId, user: UserId, favorite: bool) -> Result<()> {
        if favorite {
            self.conn.send(
                "INSERT INTO channel_favorites (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![ch, user],
            )?;
        } else {
            self.conn.send("DELETE FROM channel_favorites WHERE channel_id = ? AND user_id = ?", args![ch, user])?;
        }
        Ok(())
    }

    fn set_channel_notifications(&mut self, ch: ChannelId, user: UserId, level: ChannelNotifications) -> Result<()> {
        // The default is the absence of a row, so the table holds only exceptions.
        if level == ChannelNotifications::All {
            self.conn.send(
                "DELETE FROM channel_notification_levels WHERE channel_id = ? AND user_id = ?",
                args![ch, user],
            )?;
        } else {
            self.conn.send(
                "INSERT INTO channel_notification_levels (channel_id, user_id, level) VALUES (?, ?, ?) \
                 ON CONFLICT (channel_id, user_id) DO UPDATE SET level = excluded.level",
                args![ch, user, level.as_str()],
            )?;
        }
        Ok(())
    }
}

const ACCESS_REQUEST_COLS: &str =
    "id, workspace_id, channel_id, user_id, note, created_ts, decision, decided_by, decided_ts";

fn access_request_from(r: &Row) -> Result<AccessRequest> {
    Ok(AccessRequest {
        id: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        channel_id: ChannelId(r.i64(2)?),
        user_id: UserId(r.i64(3)?),
        note: r.text(4)?,
        created_ts: r.i64(5)?,
        decision: r.opt_text(6)?.as_deref().and_then(AccessDecision::parse),
        decided_by: r.opt_i64(7)?.map(UserId),
        decided_ts: r.opt_i64(8)?,
    })
}
