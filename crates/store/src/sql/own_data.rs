//! `OwnData` in SQL: a person's own data, one statement per area. Each budgeted area counts
//! its rows and the running length of their text in the same statement (window functions),
//! so the database stops at the budget and no row past it is read into memory.
//!
//! There is no index on the author columns: an export is rare, and every post would pay for
//! one; each area is one scan.

use super::{Row, SqlTx, args};
use weft_core::store::{
    Budget, ConversationMessage, OwnChannelLevel, OwnComment, OwnConversation, OwnData, OwnReaction, OwnThread,
    OwnUpload, Place, Taken,
};
use weft_core::*;

/// The conversations a person reads now: in them, and an active member of their workspace.
/// One parameter: the person.
const READABLE: &str = "SELECT cu.conversation_id FROM conversation_users cu \
     JOIN conversations c2 ON c2.id = cu.conversation_id \
     JOIN workspace_users wu ON wu.workspace_id = c2.workspace_id AND wu.user_id = cu.user_id \
     WHERE cu.user_id = ? AND wu.removed = 0 AND wu.pending = 0 AND wu.deactivated = 0";

/// `select` (its columns, `FROM` and `WHERE`) cut to a budget: rows in `order`, while the
/// `len` of the text before each stays under the budget's text, at most its items. Three
/// columns follow the selected ones: the row's length, the running length and the total
/// count of rows. Two parameters follow the select's: the text and the item budgets.
fn budgeted(columns: &str, from_where: &str, len: &str, order: &str) -> String {
    format!(
        "SELECT * FROM (SELECT {columns}, CAST({len} AS BIGINT) AS len_, \
         CAST(SUM({len}) OVER (ORDER BY {order} ROWS UNBOUNDED PRECEDING) AS BIGINT) AS run_, \
         CAST(COUNT(*) OVER () AS BIGINT) AS total_, \
         CAST(ROW_NUMBER() OVER (ORDER BY {order}) AS BIGINT) AS n_ {from_where}) x \
         WHERE x.run_ - x.len_ < ? AND x.n_ <= ? ORDER BY x.n_"
    )
}

/// Reads the rows of a `budgeted` statement whose selected columns are `width` wide.
fn taken<T>(rows: Vec<Row>, width: usize, read: impl Fn(&Row) -> Result<T>) -> Result<Taken<T>> {
    let total = match rows.first() {
        Some(r) => r.i64(width + 2)?,
        None => 0,
    };
    Ok(Taken { items: rows.iter().map(read).collect::<Result<_>>()?, total })
}

/// Reads the rows of a statement whose last column is `COUNT(*) OVER ()`.
fn counted<T>(rows: Vec<Row>, width: usize, read: impl Fn(&Row) -> Result<T>) -> Result<Taken<T>> {
    let total = match rows.first() {
        Some(r) => r.i64(width)?,
        None => 0,
    };
    Ok(Taken { items: rows.iter().map(read).collect::<Result<_>>()?, total })
}

impl OwnData for SqlTx<'_> {
    fn own_notification_settings(&mut self, user: UserId) -> Result<Vec<(WorkspaceId, serde_json::Value)>> {
        let rows = self.conn.query(
            "SELECT workspace_id, settings FROM notification_settings WHERE user_id = ? ORDER BY workspace_id",
            args![user],
        )?;
        rows.iter().map(|r| Ok((WorkspaceId(r.i64(0)?), r.json(1)?))).collect()
    }

    fn own_channel_levels(&mut self, user: UserId) -> Result<Vec<OwnChannelLevel>> {
        let rows = self.conn.query(
            "SELECT c.workspace_id, l.channel_id, c.name, l.level FROM channel_notification_levels l \
             JOIN channels c ON c.id = l.channel_id WHERE l.user_id = ? ORDER BY l.channel_id",
            args![user],
        )?;
        rows.iter()
            .map(|r| {
                Ok(OwnChannelLevel {
                    workspace_id: WorkspaceId(r.i64(0)?),
                    channel_id: ChannelId(r.i64(1)?),
                    channel_name: r.text(2)?,
                    level: r.text(3)?,
                })
            })
            .collect()
    }

    fn own_threads(&mut self, user: UserId, budget: Budget) -> Result<Taken<OwnThread>> {
        let sql = budgeted(
            "t.id, t.workspace_id, w.name, t.channel_id, c.name AS channel_name, t.title, t.content, t.posted_ts, \
             t.last_edited_ts, t.status, t.attachments",
            "FROM threads t JOIN channels c ON c.id = t.channel_id JOIN workspaces w ON w.id = t.workspace_id \
             WHERE t.creator = ?",
            "LENGTH(t.title) + LENGTH(t.content) + LENGTH(t.attachments)",
            "t.id",
        );
        let rows = self.conn.query(&sql, args![user, budget.text, budget.items])?;
        taken(rows, 11, |r| {
            Ok(OwnThread {
                id: ThreadId(r.i64(0)?),
                place: Place {
                    workspace_id: WorkspaceId(r.i64(1)?),
                    workspace_name: r.text(2)?,
                    channel_id: ChannelId(r.i64(3)?),
                    channel_name: r.text(4)?,
                },
                title: r.text(5)?,
                content: r.text(6)?,
                posted_ts: r.i64(7)?,
                last_edited_ts: r.opt_i64(8)?,
                status: r.text(9)?,
                attachments: r.json(10)?,
            })
        })
    }

    fn own_comments(&mut self, user: UserId, budget: Budget) -> Result<Taken<OwnComment>> {
        // The thread's title only where the person wrote the thread or sees its channel now
        // (`policy::sees_channel`, as an active member).
        let sql = budgeted(
            "cm.id, cm.thread_id, CASE WHEN t.creator = ? OR EXISTS (SELECT 1 FROM workspace_users wu \
                 WHERE wu.workspace_id = t.workspace_id AND wu.user_id = ? AND wu.removed = 0 AND wu.pending = 0 \
                 AND wu.deactivated = 0 AND (EXISTS (SELECT 1 FROM channel_users chu WHERE chu.channel_id = c.id \
                 AND chu.user_id = ?) OR (c.public = 1 AND wu.user_type <> 'GUEST'))) THEN t.title END AS thread_title, \
             t.workspace_id, w.name, t.channel_id, c.name AS channel_name, cm.obj_index, cm.content, cm.posted_ts, \
             cm.last_edited_ts, cm.system_message, cm.attachments",
            "FROM comments cm JOIN threads t ON t.id = cm.thread_id JOIN channels c ON c.id = t.channel_id \
             JOIN workspaces w ON w.id = t.workspace_id WHERE cm.creator = ?",
            "LENGTH(cm.content) + LENGTH(cm.attachments)",
            "cm.id",
        );
        let rows = self.conn.query(&sql, args![user, user, user, user, budget.text, budget.items])?;
        taken(rows, 13, |r| {
            Ok(OwnComment {
                id: CommentId(r.i64(0)?),
                thread_id: ThreadId(r.i64(1)?),
                thread_title: r.opt_text(2)?,
                place: Place {
                    workspace_id: WorkspaceId(r.i64(3)?),
                    workspace_name: r.text(4)?,
                    channel_id: ChannelId(r.i64(5)?),
                    channel_name: r.text(6)?,
                },
                obj_index: r.i64(7)?,
                content: r.text(8)?,
                posted_ts: r.i64(9)?,
                last_edited_ts: r.opt_i64(10)?,
                system_message: r.opt_text(11)?,
                attachments: r.json(12)?,
            })
        })
    }

    fn own_conversations(&mut self, user: UserId) -> Result<Vec<OwnConversation>> {
        let sql = format!(
            "SELECT cv.id, cv.workspace_id, w.name, cv.title, cv.created_ts, \
             CASE WHEN cv.id IN ({READABLE}) THEN 1 ELSE 0 END \
             FROM conversations cv JOIN workspaces w ON w.id = cv.workspace_id \
             WHERE cv.id IN (SELECT conversation_id FROM conversation_users WHERE user_id = ?) \
             OR cv.id IN (SELECT conversation_id FROM messages WHERE creator = ?) ORDER BY cv.id"
        );
        let rows = self.conn.query(&sql, args![user, user, user])?;
        rows.iter()
            .map(|r| {
                let readable = r.bool(5)?;
                Ok(OwnConversation {
                    id: ConversationId(r.i64(0)?),
                    workspace_id: WorkspaceId(r.i64(1)?),
                    workspace_name: r.text(2)?,
                    // A title set after the person lost sight of it is not theirs to read.
                    title: if readable { r.opt_text(3)? } else { None },
                    created_ts: r.i64(4)?,
                    readable,
                })
            })
            .collect()
    }

    fn own_conversation_members(&mut self, user: UserId) -> Result<Vec<(ConversationId, UserId, String)>> {
        let sql = format!(
            "SELECT cu.conversation_id, cu.user_id, u.name FROM conversation_users cu \
             JOIN users u ON u.id = cu.user_id WHERE cu.conversation_id IN ({READABLE}) \
             ORDER BY cu.conversation_id, cu.user_id"
        );
        let rows = self.conn.query(&sql, args![user])?;
        rows.iter().map(|r| Ok((ConversationId(r.i64(0)?), UserId(r.i64(1)?), r.text(2)?))).collect()
    }

    fn own_conversation_messages(&mut self, user: UserId, budget: Budget) -> Result<Taken<ConversationMessage>> {
        let sql = budgeted(
            "m.id, m.conversation_id, m.obj_index, m.creator, u.name, m.content, m.posted_ts, m.last_edited_ts, \
             m.system_message, m.attachments",
            &format!(
                "FROM messages m JOIN users u ON u.id = m.creator \
                 WHERE m.creator = ? OR m.conversation_id IN ({READABLE})"
            ),
            "LENGTH(m.content) + LENGTH(m.attachments)",
            "m.conversation_id, m.obj_index",
        );
        let rows = self.conn.query(&sql, args![user, user, budget.text, budget.items])?;
        taken(rows, 10, |r| {
            Ok(ConversationMessage {
                id: MessageId(r.i64(0)?),
                conversation_id: ConversationId(r.i64(1)?),
                obj_index: r.i64(2)?,
                creator: UserId(r.i64(3)?),
                creator_name: r.text(4)?,
                content: r.text(5)?,
                posted_ts: r.i64(6)?,
                last_edited_ts: r.opt_i64(7)?,
                system_message: r.opt_text(8)?,
                attachments: r.json(9)?,
            })
        })
    }

    fn own_reactions(&mut self, user: UserId, limit: i64) -> Result<Taken<OwnReaction>> {
        let rows = self.conn.query(
            "SELECT target_kind, target_id, emoji, created_ts, CAST(COUNT(*) OVER () AS BIGINT) FROM reactions \
             WHERE user_id = ? ORDER BY created_ts, target_kind, target_id, emoji LIMIT ?",
            args![user, limit],
        )?;
        counted(rows, 4, |r| {
            Ok(OwnReaction { target_kind: r.text(0)?, target_id: r.i64(1)?, emoji: r.text(2)?, created_ts: r.i64(3)? })
        })
    }

    fn own_uploads(&mut self, user: UserId, limit: i64) -> Result<Taken<OwnUpload>> {
        let rows = self.conn.query(
            "SELECT attachment_id, uploaded_ts, object, CAST(COUNT(*) OVER () AS BIGINT) FROM attachments \
             WHERE uploader = ? ORDER BY uploaded_ts, attachment_id LIMIT ?",
            args![user, limit],
        )?;
        counted(rows, 3, |r| Ok(OwnUpload { attachment_id: r.text(0)?, uploaded_ts: r.i64(1)?, object: r.json(2)? }))
    }
}
