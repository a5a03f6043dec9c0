//! `Conversations` in SQL: conversations and their messages (with their search documents).

use super::{Row, SqlTx, Value, args, item_filters, json, placeholders};
use std::collections::HashMap;
use weft_core::model::*;
use weft_core::store::{ConversationState, Conversations, ItemQuery, NewConversation, Search, message_doc};
use weft_core::{ConversationId, MessageId, Result, UserId, WorkspaceId};

const CONV_COLS: &str = "c.id, c.workspace_id, c.creator, c.created_ts, c.title, c.private, c.message_count, \
     c.last_obj_index, c.last_active_ts, c.snippet, c.snippet_creators, c.version, \
     COALESCE(s.archived, 0), s.muted_until_ts, COALESCE(s.last_read_obj_index, -1)";

fn conversation_from(r: &Row) -> Result<Conversation> {
    Ok(Conversation {
        id: ConversationId(r.i64(0)?),
        workspace_id: WorkspaceId(r.i64(1)?),
        creator: UserId(r.i64(2)?),
        created_ts: r.i64(3)?,
        title: r.opt_text(4)?,
        private: r.bool(5)?,
        message_count: r.i64(6)?,
        last_obj_index: r.i64(7)?,
        last_active_ts: r.i64(8)?,
        snippet: r.text(9)?,
        snippet_creators: r.json(10)?,
        version: r.i64(11)?,
        archived: r.bool(12)?,
        muted_until_ts: r.opt_i64(13)?,
        last_read_obj_index: r.i64(14)?,
        user_ids: Vec::new(),
        last_message: None,
    })
}

const MESSAGE_COLS: &str = "m.id, m.conversation_id, c.workspace_id, m.obj_index, m.content, m.creator, u.name, \
     m.posted_ts, m.last_edited_ts, m.direct_mentions, m.direct_group_mentions, m.attachments, m.actions, \
     m.system_message, m.version";

const MESSAGE_FROM: &str =
    "FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id = m.creator";

fn message_from(r: &Row) -> Result<Message> {
    Ok(Message {
        id: MessageId(r.i64(0)?),
        conversation_id: ConversationId(r.i64(1)?),
        workspace_id: WorkspaceId(r.i64(2)?),
        obj_index: r.i64(3)?,
        content: r.text(4)?,
        creator: UserId(r.i64(5)?),
        creator_name: r.opt_text(6)?,
        posted_ts: r.i64(7)?,
        last_edited_ts: r.opt_i64(8)?,
        direct_mentions: r.json(9)?,
        direct_group_mentions: r.json(10)?,
        attachments: r.json(11)?,
        actions: r.json(12)?,
        system_message: r.opt_json(13)?,
        version: r.i64(14)?,
        reactions: Reactions::new(),
        deleted: false,
        is_deleted: false,
    })
}

impl Conversations for SqlTx<'_> {
    fn conversation_by_key(&mut self, ws: WorkspaceId, key: &str) -> Result<Option<ConversationId>> {
        self.one("SELECT id FROM conversations WHERE workspace_id = ? AND member_key = ?", args![ws, key])?
            .map(|r| r.i64(0).map(ConversationId))
            .transpose()
    }

    fn insert_conversation(&mut self, c: &NewConversation) -> Result<ConversationId> {
        let id = self.insert_id(
            "INSERT INTO conversations (workspace_id, creator, title, private, member_key, created_ts, last_active_ts) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            args![c.workspace_id, c.creator, c.title.clone(), c.private, c.key.clone(), c.now, c.now],
        )?;
        let id = ConversationId(id);
        self.add_conversation_members(id, &c.user_ids)?;
        Ok(id)
    }

    fn conversation(&mut self, id: ConversationId, viewer: UserId) -> Result<Option<Conversation>> {
        let sql = format!(
            "SELECT {CONV_COLS} FROM conversations c \
             LEFT JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? WHERE c.id = ?"
        );
        let Some(r) = self.one(&sql, args![viewer, id])? else { return Ok(None) };
        let mut c = conversation_from(&r)?;
        c.user_ids = self
            .conn
            .query("SELECT user_id FROM conversation_users WHERE conversation_id = ? ORDER BY user_id", args![id])?
            .iter()
            .map(|r| r.i64(0).map(UserId))
            .collect::<Result<_>>()?;
        Ok(Some(c))
    }

    fn conversations_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<Vec<Conversation>> {
        let sql = format!(
            "SELECT {CONV_COLS} FROM conversations c \
             JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? \
             WHERE c.workspace_id = ? ORDER BY c.last_active_ts DESC, c.id DESC"
        );
        let mut convs: Vec<Conversation> =
            self.conn.query(&sql, args![user, ws])?.iter().map(conversation_from).collect::<Result<_>>()?;
        let members = self.conn.query(
            "SELECT m.conversation_id, m.user_id FROM conversation_users m \
             JOIN conversation_users me ON me.conversation_id = m.conversation_id AND me.user_id = ? \
             JOIN conversations c ON c.id = m.conversation_id WHERE c.workspace_id = ? \
             ORDER BY m.conversation_id, m.user_id",
            args![user, ws],
        )?;
        let mut by_conv: HashMap<i64, Vec<UserId>> = HashMap::new();
        for m in &members {
            by_conv.entry(m.i64(0)?).or_default().push(UserId(m.i64(1)?));
        }
        for c in &mut convs {
            c.user_ids = by_conv.remove(&c.id.0).unwrap_or_default();
        }
        Ok(convs)
    }

    fn conversation_ids_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<Vec<ConversationId>> {
        let rows = self.conn.query(
            "SELECT c.id FROM conversations c JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? \
             WHERE c.workspace_id = ?",
            args![user, ws],
        )?;
        rows.iter().map(|r| Ok(ConversationId(r.i64(0)?))).collect()
    }

    fn update_conversation(&mut self, c: &Conversation) -> Result<()> {
        self.conn.send(
            "UPDATE conversations SET title = ?, last_active_ts = ?, last_obj_index = ?, message_count = ?, \
             snippet = ?, snippet_creators = ?, version = ? WHERE id = ?",
            &[
                c.title.clone().into(),
                c.last_active_ts.into(),
                c.last_obj_index.into(),
                c.message_count.into(),
                (&c.snippet).into(),
                json(&c.snippet_creators),
                c.version.into(),
                c.id.into(),
            ],
        )?;
        Ok(())
    }

    fn set_conversation_key(&mut self, id: ConversationId, key: Option<&str>) -> Result<()> {
        self.conn.send("UPDATE conversations SET member_key = ? WHERE id = ?", args![key, id])?;
        Ok(())
    }

    fn put_conversation_state(&mut self, c: ConversationId, user: UserId, s: ConversationState) -> Result<()> {
        self.conn.send(
            "UPDATE conversation_users SET archived = ?, muted_until_ts = ?, last_read_obj_index = ? \
             WHERE conversation_id = ? AND user_id = ?",
            args![s.archived, s.muted_until_ts, s.last_read_obj_index, c, user],
        )?;
        Ok(())
    }

    fn add_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.send(
                "INSERT INTO conversation_users (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![c, u],
            )?;
        }
        Ok(())
    }

    fn remove_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.send("DELETE FROM conversation_users WHERE conversation_id = ? AND user_id = ?", args![c, u])?;
        }
        Ok(())
    }

    fn insert_message(&mut self, m: &Message) -> Result<MessageId> {
        let id = self.insert_new(
            "messages",
            "conversation_id, obj_index, content, creator, posted_ts, direct_mentions, \
             direct_group_mentions, attachments, actions, system_message",
            &[
                m.conversation_id.into(),
                m.obj_index.into(),
                (&m.content).into(),
                m.creator.into(),
                m.posted_ts.into(),
                json(&m.direct_mentions),
                json(&m.direct_group_mentions),
                json(&m.attachments),
                json(&m.actions),
                m.system_message.as_ref().map_or(Value::Null, json),
            ],
        )?;
        let id = MessageId(id);
        self.add_doc(&message_doc(&Message { id, ..m.clone() }))?;
        Ok(id)
    }

    fn message(&mut self, id: MessageId) -> Result<Option<Message>> {
        let sql = format!("SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.id = ?");
        self.one(&sql, args![id])?.map(|r| message_from(&r)).transpose()
    }

    fn messages_by_ids(&mut self, ids: &[MessageId]) -> Result<Vec<Message>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.id IN ({})", placeholders(ids.len()));
        let params: Vec<Value> = ids.iter().map(|m| Value::from(*m)).collect();
        self.conn.query(&sql, &params)?.iter().map(message_from).collect()
    }

    fn messages(&mut self, c: ConversationId, q: &ItemQuery) -> Result<Vec<Message>> {
        let mut where_ = String::from("m.conversation_id = ?");
        let mut params: Vec<Value> = vec![c.into()];
        item_filters(q, &mut where_, &mut params, "m");
        let dir = if q.ascending { "ASC" } else { "DESC" };
        let sql = format!("SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE {where_} ORDER BY m.obj_index {dir} LIMIT ?");
        params.push(q.limit.into());
        self.conn.query(&sql, &params)?.iter().map(message_from).collect()
    }

    fn last_message(&mut self, c: ConversationId) -> Result<Option<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.conversation_id = ? ORDER BY m.obj_index DESC LIMIT 1"
        );
        self.one(&sql, args![c])?.map(|r| message_from(&r)).transpose()
    }

    fn update_message(&mut self, m: &Message) -> Result<()> {
        self.conn.send(
            "UPDATE messages SET content = ?, last_edited_ts = ?, direct_mentions = ?, direct_group_mentions = ?, \
             attachments = ?, version = ? WHERE id = ?",
            &[
                (&m.content).into(),
                m.last_edited_ts.into(),
                json(&m.direct_mentions),
                json(&m.direct_group_mentions),
                json(&m.attachments),
                m.version.into(),
                m.id.into(),
            ],
        )?;
        self.index_doc(&message_doc(m))
    }

    fn delete_message(&mut self, id: MessageId) -> Result<()> {
        self.conn.send("DELETE FROM reactions WHERE target_kind = 'message' AND target_id = ?", args![id])?;
        self.unindex_doc("message", id.0)?;
        self.conn.send("DELETE FROM messages WHERE id = ?", args![id])?;
        Ok(())
    }
}
