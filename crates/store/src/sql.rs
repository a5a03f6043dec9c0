//! The SQL behind `Tx`, written once for every backend. Backends provide a `Conn` that runs
//! a statement with positional `?` parameters; the SQL here sticks to what SQLite and
//! PostgreSQL both understand (`RETURNING`, `ON CONFLICT`, integer flags, JSON as text).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use std::collections::HashMap;
use weft_core::event::{Audience, Event, NewEvent};
use weft_core::model::*;
use weft_core::services::search;
use weft_core::store::*;
use weft_core::*;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(v.into())
            }
        }
    )*};
}
value_from_int!(i64, i32, bool);

macro_rules! value_from_id {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(v.0)
            }
        }
    )*};
}
value_from_id!(UserId, WorkspaceId, ChannelId, ThreadId, CommentId, GroupId, ConversationId, MessageId);

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// `args![a, b, c]` builds a parameter list.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$(Value::from($v)),*][..] };
}

pub struct Row(pub Vec<Value>);

impl Row {
    pub fn i64(&self, i: usize) -> Result<i64> {
        match &self.0[i] {
            Value::Int(v) => Ok(*v),
            other => Err(Error::Internal(format!("column {i}: expected an integer, found {other:?}"))),
        }
    }
    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        match &self.0[i] {
            Value::Null => Ok(None),
            _ => self.i64(i).map(Some),
        }
    }
    pub fn bool(&self, i: usize) -> Result<bool> {
        Ok(self.i64(i)? != 0)
    }
    pub fn text(&self, i: usize) -> Result<String> {
        match &self.0[i] {
            Value::Text(v) => Ok(v.clone()),
            other => Err(Error::Internal(format!("column {i}: expected text, found {other:?}"))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match &self.0[i] {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn json<T: DeserializeOwned>(&self, i: usize) -> Result<T> {
        let raw = self.text(i)?;
        serde_json::from_str(&raw).map_err(|e| Error::Internal(format!("column {i}: bad JSON: {e}")))
    }
    pub fn opt_json<T: DeserializeOwned>(&self, i: usize) -> Result<Option<T>> {
        match &self.0[i] {
            Value::Null => Ok(None),
            _ => self.json(i).map(Some),
        }
    }
}

fn json<T: Serialize + ?Sized>(v: &T) -> Value {
    Value::Text(serde_json::to_string(v).expect("plain data serializes"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One open connection (inside a transaction) of some backend.
pub trait Conn {
    /// For the few statements that differ: full-text search.
    fn dialect(&self) -> Dialect;
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;
    /// The newest event's sequence number (0 for none). Its own method because PostgreSQL
    /// must plan it afresh each time: a plan cached while the log was small scans the
    /// whole table once it is large.
    fn event_head(&mut self) -> Result<i64>;
}

/// Rows per multi-row INSERT: well under both engines' limits on parameters.
const ROWS_PER_INSERT: usize = 500;

fn all_distinct<T: Eq + std::hash::Hash>(items: impl Iterator<Item = T>) -> bool {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().all(|i| seen.insert(i))
}

/// `(?, ?), (?, ?)` for `rows` rows of `width` values.
fn rows_of(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; rows].join(", ")
}

/// `?, ?, ?` for an IN list of `n` values (at least one, so the SQL stays valid).
fn placeholders(n: usize) -> String {
    if n == 0 { "NULL".to_string() } else { vec!["?"; n].join(", ") }
}

/// When new search documents enter SQLite's full-text index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FtsIndexing {
    /// With the statement that adds the document.
    Immediate,
    /// Once, for every job of a group commit, just before COMMIT (`fts_catch_up`). Writing
    /// to FTS5 inside a job's savepoint makes the next savepoint flush FTS5's pending terms
    /// into a segment of their own: a segment, and later merges of it, per post. Documents
    /// above `indexed_through` (search_docs ids are never reused) are not in the index yet.
    Deferred { indexed_through: i64 },
}

/// `Tx` over any backend's `Conn`.
pub struct SqlTx<'a> {
    conn: &'a mut dyn Conn,
    fts: FtsIndexing,
    /// The newest event's sequence number, once known: the writer holds the exclusive
    /// write section for its whole batch, so after one read (or a previous job's appends)
    /// the head changes only by this transaction's own appends. Saves a round trip per
    /// append on PostgreSQL.
    pub event_head: Option<i64>,
    /// Whether this transaction appended to the event log (so commit must wake streams).
    pub appended_events: bool,
    /// Whether it added search documents that still wait for the full-text index.
    pub deferred_docs: bool,
}

impl<'a> SqlTx<'a> {
    pub fn new(conn: &'a mut dyn Conn) -> Self {
        Self::in_batch(conn, FtsIndexing::Immediate, None)
    }

    /// A job of the writer's batch: `event_head` is the head left by the batch's previous
    /// jobs, if one read it.
    pub fn in_batch(conn: &'a mut dyn Conn, fts: FtsIndexing, event_head: Option<i64>) -> Self {
        SqlTx { conn, fts, event_head, appended_events: false, deferred_docs: false }
    }

    /// Records, for each person some of `events` are addressed to, their newest own event
    /// in its workspace (`events` were numbered from `head + 1`, in order).
    fn move_user_event_heads(&mut self, events: &[NewEvent], head: i64) -> Result<()> {
        let mut heads = std::collections::BTreeMap::new();
        for (seq, e) in (head + 1..).zip(events) {
            if let Some(user) = e.audience.user_id {
                heads.insert((user, e.workspace_id), seq);
            }
        }
        let heads: Vec<_> = heads.into_iter().collect();
        for chunk in heads.chunks(ROWS_PER_INSERT) {
            let params: Vec<Value> =
                chunk.iter().flat_map(|&((user, ws), seq)| [user.into(), ws.into(), seq.into()]).collect();
            let sql = format!(
                "INSERT INTO user_event_heads (user_id, workspace_id, seq) VALUES {} \
                 ON CONFLICT (user_id, workspace_id) DO UPDATE SET seq = excluded.seq",
                rows_of(chunk.len(), 3)
            );
            self.conn.execute(&sql, &params)?;
        }
        Ok(())
    }

    fn one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.conn.query(sql, params)?.into_iter().next())
    }

    fn insert_id(&mut self, sql: &str, params: &[Value]) -> Result<i64> {
        self.one(sql, params)?.ok_or(Error::Internal("INSERT returned no id".into()))?.i64(0)
    }

    /// Adds the search document of a new object.
    fn add_doc(&mut self, d: &SearchDoc) -> Result<()> {
        let mentions: String = d.mentions.iter().map(|u| format!(",{u}")).collect::<String>() + ",";
        let id = self.insert_id(
            "INSERT INTO search_docs (kind, obj_id, workspace_id, channel_id, conversation_id, thread_id, author_id, \
             posted_ts, title, body, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                d.kind.into(),
                d.obj_id.into(),
                d.workspace_id.into(),
                d.channel_id.into(),
                d.conversation_id.into(),
                d.thread_id.into(),
                d.author_id.into(),
                d.posted_ts.into(),
                (&d.title).into(),
                (&d.body).into(),
                mentions.into(),
            ],
        )?;
        if self.conn.dialect() == Dialect::Sqlite {
            match self.fts {
                FtsIndexing::Immediate => {
                    self.conn.execute(&format!("{FTS_INSERT} WHERE id = ?"), args![id])?;
                }
                FtsIndexing::Deferred { .. } => self.deferred_docs = true,
            }
        }
        Ok(())
    }

    /// `filter` on search_docs narrowed to the documents already in SQLite's full-text
    /// index (those a deferred batch added are not yet), with its parameters.
    fn indexed_docs(&self, filter: &str, params: &[Value]) -> (String, Vec<Value>) {
        let mut params = params.to_vec();
        match self.fts {
            FtsIndexing::Immediate => (filter.to_string(), params),
            FtsIndexing::Deferred { indexed_through } => {
                params.push(indexed_through.into());
                (format!("{filter} AND id <= ?"), params)
            }
        }
    }

    /// Takes the documents matching `filter` out of SQLite's full-text index; a no-op on
    /// PostgreSQL, whose index lives on the document rows.
    fn fts_delete(&mut self, filter: &str, params: &[Value]) -> Result<()> {
        if self.conn.dialect() != Dialect::Sqlite {
            return Ok(());
        }
        let (filter, params) = self.indexed_docs(filter, params);
        let sql = format!("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE {filter})");
        self.conn.execute(&sql, &params)?;
        Ok(())
    }

    /// Emergencies from their rows, with their acknowledgements (one more query).
    fn with_acks(&mut self, rows: Vec<Row>) -> Result<Vec<Emergency>> {
        let mut out: Vec<Emergency> = rows
            .iter()
            .map(|r| {
                Ok(Emergency {
                    id: r.i64(0)?,
                    workspace_id: WorkspaceId(r.i64(1)?),
                    channel_id: ChannelId(r.i64(2)?),
                    thread_id: ThreadId(r.i64(3)?),
                    comment_id: r.opt_i64(4)?.map(CommentId),
                    raised_by: UserId(r.i64(5)?),
                    raised_ts: r.i64(6)?,
                    reached: r.json(7)?,
                    escalate_ts: r.opt_i64(8)?,
                    escalated_ts: r.opt_i64(9)?,
                    escalated_to: r.json(10)?,
                    acks: Vec::new(),
                })
            })
            .collect::<Result<_>>()?;
        if out.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT emergency_id, user_id, ts FROM emergency_acks WHERE emergency_id IN ({}) ORDER BY ts, user_id",
            placeholders(out.len())
        );
        let params: Vec<Value> = out.iter().map(|e| Value::Int(e.id)).collect();
        for r in self.conn.query(&sql, &params)? {
            let id = r.i64(0)?;
            if let Some(e) = out.iter_mut().find(|e| e.id == id) {
                e.acks.push(EmergencyAck { user_id: UserId(r.i64(1)?), ts: r.i64(2)? });
            }
        }
        Ok(out)
    }

    /// Removes the search documents whose `column` (channel_id or workspace_id) is `id`.
    fn delete_docs(&mut self, column: &str, id: i64) -> Result<()> {
        self.fts_delete(&format!("{column} = ?"), &[Value::Int(id)])?;
        self.conn.execute(&format!("DELETE FROM search_docs WHERE {column} = ?"), &[Value::Int(id)])?;
        Ok(())
    }

    fn count(&mut self, sql: &str, params: &[Value]) -> Result<i64> {
        self.one(sql, params)?.map_or(Ok(0), |r| r.i64(0))
    }
}

const USER_COLS: &str = "u.id, u.name, u.short_name, u.email, u.bot, u.timezone, u.removed, u.lang, u.profession, \
     u.contact_info, u.away_mode, u.off_days, u.snooze_dnd_start, u.snooze_dnd_end, u.snooze_until, \
     u.default_workspace, u.created_ts";

fn user_from(r: &Row) -> Result<User> {
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

const WS_COLS: &str =
    "w.id, w.name, w.creator, w.created_ts, w.color, w.default_channel, w.version, w.escalation_minutes";

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
    })
}

const WU_COLS: &str = "u.id, u.name, u.short_name, u.email, u.bot, u.timezone, u.away_mode, u.off_days, \
     wu.user_type, wu.removed, wu.version";

fn workspace_user_from(r: &Row) -> Result<WorkspaceUser> {
    Ok(WorkspaceUser {
        id: UserId(r.i64(0)?),
        name: r.text(1)?,
        short_name: r.text(2)?,
        email: r.text(3)?,
        bot: r.bool(4)?,
        timezone: r.text(5)?,
        away_mode: r.opt_json(6)?,
        off_days: r.json(7)?,
        user_type: UserType::parse(&r.text(8)?).unwrap_or(UserType::User),
        removed: r.bool(9)?,
        version: r.i64(10)?,
    })
}

const CHANNEL_COLS: &str = "c.id, c.name, c.workspace_id, c.creator, c.public, c.archived, c.created_ts, \
     c.description, c.color, c.icon, c.use_default_recipients, c.default_groups, c.default_recipients, c.version, \
     (SELECT COUNT(*) FROM channel_favorites f WHERE f.channel_id = c.id AND f.user_id = ?), c.emergency";

fn channel_from(r: &Row) -> Result<Channel> {
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
        user_ids: Vec::new(),
    })
}

const THREAD_COLS: &str = "t.id, t.channel_id, t.workspace_id, t.title, t.content, t.creator, u.name, t.posted_ts, \
     t.last_updated_ts, t.last_edited_ts, t.comment_count, t.last_obj_index, t.closed, t.pinned, t.pinned_ts, \
     t.participants, t.recipients, t.notify_groups, t.direct_mentions, t.direct_group_mentions, t.attachments, \
     t.actions, t.snippet, t.snippet_creator, t.version, \
     COALESCE(s.starred, 0), COALESCE(s.archived, 0), s.muted_until_ts, COALESCE(s.last_read_obj_index, -2)";

const THREAD_FROM: &str = "FROM threads t JOIN users u ON u.id = t.creator \
     LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = ?";

fn thread_from(r: &Row) -> Result<Thread> {
    let starred = r.bool(25)?;
    Ok(Thread {
        id: ThreadId(r.i64(0)?),
        channel_id: ChannelId(r.i64(1)?),
        workspace_id: WorkspaceId(r.i64(2)?),
        title: r.text(3)?,
        content: r.text(4)?,
        creator: UserId(r.i64(5)?),
        creator_name: r.opt_text(6)?,
        posted_ts: r.i64(7)?,
        last_updated_ts: r.i64(8)?,
        last_edited_ts: r.opt_i64(9)?,
        comment_count: r.i64(10)?,
        last_obj_index: r.i64(11)?,
        closed: r.bool(12)?,
        pinned: r.bool(13)?,
        pinned_ts: r.opt_i64(14)?,
        participants: r.json(15)?,
        recipients: r.json(16)?,
        groups: r.json(17)?,
        direct_mentions: r.json(18)?,
        direct_group_mentions: r.json(19)?,
        attachments: r.json(20)?,
        actions: r.json(21)?,
        snippet: r.text(22)?,
        snippet_creator: UserId(r.i64(23)?),
        version: r.i64(24)?,
        starred,
        is_saved: starred,
        is_archived: r.bool(26)?,
        muted_until_ts: r.opt_i64(27)?,
        last_read_obj_index: r.i64(28)?,
        reactions: Reactions::new(),
        to_emails: vec![],
        last_comment: None,
    })
}

const COMMENT_COLS: &str = "c.id, c.thread_id, t.channel_id, t.workspace_id, c.obj_index, c.content, c.creator, \
     u.name, c.posted_ts, c.last_edited_ts, c.recipients, c.notify_groups, c.direct_mentions, \
     c.direct_group_mentions, c.attachments, c.actions, c.system_message, c.thread_action, c.version";

const EVENT_COLS: &str =
    "seq, workspace_id, kind, channel_id, conversation_id, user_id, also_user_id, payload, created_ts";

fn event_from(r: &Row) -> Result<Event> {
    Ok(Event {
        seq: r.i64(0)?,
        workspace_id: WorkspaceId(r.i64(1)?),
        kind: r.text(2)?,
        audience: Audience {
            channel_id: r.opt_i64(3)?.map(ChannelId),
            conversation_id: r.opt_i64(4)?.map(ConversationId),
            user_id: r.opt_i64(5)?.map(UserId),
            also_user_id: r.opt_i64(6)?.map(UserId),
        },
        data: r.json::<Json>(7)?,
        created_ts: r.i64(8)?,
    })
}

const NOTIFICATION_COLS: &str = "id, type_id, reason, workspace_id, channel_id, thread_id, comment_id, \
                                 conversation_id, message_id, by_user_id, posted_ts, is_read";

fn notification_from(r: &Row) -> Result<Notification> {
    Ok(Notification {
        id: r.i64(0)?,
        type_id: r.i64(1)?,
        reason: NotifyReason::parse(&r.text(2)?).unwrap_or(NotifyReason::Recipient),
        workspace_id: WorkspaceId(r.i64(3)?),
        channel_id: r.opt_i64(4)?.map(ChannelId),
        thread_id: r.opt_i64(5)?.map(ThreadId),
        comment_id: r.opt_i64(6)?.map(CommentId),
        conversation_id: r.opt_i64(7)?.map(ConversationId),
        message_id: r.opt_i64(8)?.map(MessageId),
        by_user_id: UserId(r.i64(9)?),
        posted_ts: r.i64(10)?,
        is_read: r.bool(11)?,
    })
}

const OUTBOX_COLS: &str = "id, event_seq, to_addr, subject, text_body, html_body, unsubscribe_url, attempts";

fn outbox_from(r: &Row) -> Result<OutboxMail> {
    Ok(OutboxMail {
        id: r.i64(0)?,
        event_seq: r.i64(1)?,
        to: r.text(2)?,
        subject: r.text(3)?,
        text: r.text(4)?,
        html: r.text(5)?,
        unsubscribe_url: r.text(6)?,
        attempts: r.i64(7)?,
    })
}

const COMMENT_FROM: &str = "FROM comments c JOIN threads t ON t.id = c.thread_id JOIN users u ON u.id = c.creator";

fn comment_from(r: &Row) -> Result<Comment> {
    Ok(Comment {
        id: CommentId(r.i64(0)?),
        thread_id: ThreadId(r.i64(1)?),
        channel_id: ChannelId(r.i64(2)?),
        workspace_id: WorkspaceId(r.i64(3)?),
        obj_index: r.i64(4)?,
        content: r.text(5)?,
        creator: UserId(r.i64(6)?),
        creator_name: r.opt_text(7)?,
        posted_ts: r.i64(8)?,
        last_edited_ts: r.opt_i64(9)?,
        recipients: r.json(10)?,
        groups: r.json(11)?,
        direct_mentions: r.json(12)?,
        direct_group_mentions: r.json(13)?,
        attachments: r.json(14)?,
        actions: r.json(15)?,
        system_message: r.opt_json(16)?,
        thread_action: r.opt_text(17)?,
        version: r.i64(18)?,
        reactions: Reactions::new(),
        deleted: false,
        to_emails: vec![],
    })
}

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

/// Appends the WHERE fragments and parameters of an `ItemQuery` (comments and messages).
fn item_filters(q: &ItemQuery, where_: &mut String, params: &mut Vec<Value>, alias: &str) {
    if let Some(v) = q.newer_than_ts {
        where_.push_str(&format!(" AND {alias}.posted_ts > ?"));
        params.push(v.into());
    }
    if let Some(v) = q.older_than_ts {
        where_.push_str(&format!(" AND {alias}.posted_ts < ?"));
        params.push(v.into());
    }
    if let Some(v) = q.from_obj_index {
        where_.push_str(&format!(" AND {alias}.obj_index >= ?"));
        params.push(v.into());
    }
    if let Some(v) = q.to_obj_index {
        where_.push_str(&format!(" AND {alias}.obj_index <= ?"));
        params.push(v.into());
    }
}

const EMERGENCY_COLS: &str = "id, workspace_id, channel_id, thread_id, comment_id, raised_by, raised_ts, reached, \
     escalate_ts, escalated_ts, escalated_to";

const PUSH_COLS: &str =
    "id, user_id, workspace_id, notification_id, thread_id, obj_index, created_ts, due_ts, conversation_id";

fn push_from(r: &Row) -> Result<Push> {
    Ok(Push {
        id: r.i64(0)?,
        user: UserId(r.i64(1)?),
        workspace: WorkspaceId(r.i64(2)?),
        notification_id: r.i64(3)?,
        thread: r.opt_i64(4)?.map(ThreadId),
        obj_index: r.i64(5)?,
        created_ts: r.i64(6)?,
        due_ts: r.opt_i64(7)?,
        conversation: r.opt_i64(8)?.map(ConversationId),
    })
}

const INBOX_COLS: &str = "i.archived, i.snoozed_until, i.reminder, i.activity_ts";

/// The visibility rule of `policy::can_see_channel` as SQL over the channel `c` and the
/// viewer's membership row `cu`; the one parameter is 1 for guests.
const CHANNEL_VISIBLE: &str = "(cu.user_id IS NOT NULL OR (c.public = 1 AND ? = 0))";

fn inbox_state_from(r: &Row, at: usize) -> Result<InboxState> {
    Ok(InboxState {
        archived: r.bool(at)?,
        snoozed_until: r.opt_i64(at + 1)?,
        reminder: r.bool(at + 2)?,
        activity_ts: r.i64(at + 3)?,
    })
}

/// The conditions of a search besides its words: where the searcher may look (the
/// workspace, channels they see and conversations they are in) and the filters they chose.
fn search_filters(q: &SearchQuery) -> (String, Vec<Value>) {
    let mut sql = format!(
        " AND d.workspace_id = ? AND (d.channel_id IN ({}) OR d.conversation_id IN ({}))",
        placeholders(q.channels.len()),
        placeholders(q.conversations.len())
    );
    let mut params: Vec<Value> = vec![q.workspace_id.into()];
    params.extend(q.channels.iter().map(|c| Value::from(*c)));
    params.extend(q.conversations.iter().map(|c| Value::from(*c)));
    if !q.kinds.is_empty() {
        sql.push_str(&format!(" AND d.kind IN ({})", placeholders(q.kinds.len())));
        params.extend(q.kinds.iter().map(|k| Value::from(*k)));
    }
    if let Some(t) = q.thread_id {
        sql.push_str(" AND d.thread_id = ?");
        params.push(t.into());
    }
    if !q.author_ids.is_empty() {
        sql.push_str(&format!(" AND d.author_id IN ({})", placeholders(q.author_ids.len())));
        params.extend(q.author_ids.iter().map(|u| Value::from(*u)));
    }
    if let Some(u) = q.mentioning {
        sql.push_str(" AND d.mentions LIKE ?");
        params.push(format!("%,{u},%").into());
    }
    if let Some(ts) = q.from_ts {
        sql.push_str(" AND d.posted_ts >= ?");
        params.push(ts.into());
    }
    if let Some(ts) = q.to_ts {
        sql.push_str(" AND d.posted_ts < ?");
        params.push(ts.into());
    }
    (sql, params)
}

/// Words as an FTS5 query: all of them, each quoted (so no word is read as syntax), the
/// last one also as a prefix when `prefix`; in the title and body (never in the filter
/// tokens).
fn fts5_query(words: &[String], title_only: bool, prefix: bool) -> String {
    let n = words.len();
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', ""));
            if prefix && i + 1 == n { format!("{quoted}*") } else { quoted }
        })
        .collect();
    let q = terms.join(" ");
    if title_only { format!("title : ({q})") } else { format!("{{title body}} : ({q})") }
}

/// Copies search documents into the full-text index (append `WHERE …`). Besides the text,
/// each gets filter tokens — `a<author>`, `c<channel>`, `v<conversation>`, `t<thread>` — so
/// that a search narrowed to a few authors, places or a thread intersects short posting
/// lists inside FTS5 instead of checking thousands of matches' documents. The same
/// expression fills the index in migration 0009.
pub const FTS_INSERT: &str = "INSERT INTO search_fts (rowid, title, body, tags) SELECT id, title, body, \
     'a' || author_id || COALESCE(' c' || channel_id, '') || COALESCE(' v' || conversation_id, '') \
     || COALESCE(' t' || thread_id, '') FROM search_docs";

/// The newest search document in SQLite's full-text index: at the start of a group
/// commit, every document (they enter the index in the transaction that adds them).
pub fn fts_indexed_through(conn: &mut dyn Conn) -> Result<i64> {
    conn.query("SELECT COALESCE(MAX(id), 0) FROM search_docs", &[])?.first().map_or(Ok(0), |r| r.i64(0))
}

/// Adds the documents of a group commit's jobs to the full-text index, in one statement.
pub fn fts_catch_up(conn: &mut dyn Conn, indexed_through: i64) -> Result<()> {
    conn.execute(&format!("{FTS_INSERT} WHERE id > ?"), &[Value::Int(indexed_through)]).map(drop)
}

/// Places filtered by tokens when there are at most this many (the searcher's whole set of
/// visible channels is better checked on the documents).
const FTS_TAGGED_PLACES: usize = 8;

/// The narrowing filters of a search as groups of filter tokens (`a<author>`,
/// `c<channel>`, `v<conversation>`, `t<thread>`): a document must carry one token of each
/// group. Each engine indexes these tokens beside the words (SQLite: FTS5's `tags` column;
/// PostgreSQL: `_`-prefixed lexemes of `tsv`), so the full-text index does the narrowing.
fn filter_tokens(q: &SearchQuery) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    if !q.author_ids.is_empty() {
        groups.push(q.author_ids.iter().map(|u| format!("a{u}")).collect());
    }
    let places = q.channels.len() + q.conversations.len();
    if places > 0 && places <= FTS_TAGGED_PLACES {
        let mut tokens: Vec<String> = q.channels.iter().map(|c| format!("c{c}")).collect();
        tokens.extend(q.conversations.iter().map(|c| format!("v{c}")));
        groups.push(tokens);
    }
    if let Some(t) = q.thread_id {
        groups.push(vec![format!("t{t}")]);
    }
    groups
}

/// The filters as FTS5 conditions on the `tags` column (ANDed to the words).
fn fts5_filters(q: &SearchQuery) -> String {
    filter_tokens(q).iter().map(|group| format!(" AND tags : ({})", group.join(" OR "))).collect()
}

/// The filters as a PostgreSQL tsquery of `_`-prefixed lexemes, which no search word can
/// produce (`tsquery` keeps letters and digits only); None without filters.
fn tsquery_filters(q: &SearchQuery) -> Option<String> {
    let groups: Vec<String> = filter_tokens(q)
        .iter()
        .map(|group| format!("({})", group.iter().map(|t| format!("'_{t}'")).collect::<Vec<_>>().join(" | ")))
        .collect();
    (!groups.is_empty()).then(|| groups.join(" & "))
}

/// A word in at least this many documents is common: ranking by BM25 would read its whole
/// posting list (for its document frequency), and as a prefix its expansions would be merged.
const COMMON_WORD_DOCS: i64 = 1000;
/// The id of the Nth newest document matching an FTS5 query (parameters: query, N - 1).
const FTS_NTH_NEWEST: &str =
    "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?";
/// The last word of a search also matches as a prefix (search as you type) from this length.
const MIN_PREFIX_CHARS: usize = 3;

/// How one search runs on this backend.
struct SearchPlan {
    /// `FROM … WHERE <the match>`; the filters are appended.
    from: String,
    /// The column that orders documents by age.
    id: &'static str,
    match_params: Vec<Value>,
    /// The id of the Nth newest match (parameters: `match_params`, then N - 1); None: no
    /// window (every match is ranked).
    newest_first: Option<String>,
    /// What orders results before recency: empty, or `<expression>, `.
    order: String,
    order_params: Vec<OrderParam>,
}

enum OrderParam {
    Value(Value),
    /// The window's oldest id.
    Floor,
}

impl SearchPlan {
    fn mentions_only() -> SearchPlan {
        SearchPlan {
            from: "FROM search_docs d WHERE 1 = 1".into(),
            id: "d.id",
            match_params: vec![],
            newest_first: None,
            order: String::new(),
            order_params: vec![],
        }
    }

    /// PostgreSQL: `ts_rank` needs no corpus statistics, only the window. Filtered by
    /// author or thread, an index narrows the matches better than recency: no window.
    fn postgres(q: &SearchQuery) -> SearchPlan {
        let column = if q.title_only { "to_tsvector('english', d.title)" } else { "d.tsv" };
        let query = Value::from(tsquery(&q.words));
        let narrowed = !q.author_ids.is_empty() || q.thread_id.is_some();
        // The filter lexemes are in `tsv` (migration 10), not in a title's own vector.
        let (matches, match_params) = match tsquery_filters(q).filter(|_| !q.title_only) {
            Some(filters) => (
                format!("{column} @@ (to_tsquery('english', ?) && (?::text)::tsquery)"),
                vec![query.clone(), filters.into()],
            ),
            None => (format!("{column} @@ to_tsquery('english', ?)"), vec![query.clone()]),
        };
        SearchPlan {
            from: format!("FROM search_docs d WHERE {matches}"),
            id: "d.id",
            match_params,
            newest_first: (!narrowed)
                .then(|| format!("SELECT d.id FROM search_docs d WHERE {matches} ORDER BY d.id DESC LIMIT 1 OFFSET ?")),
            order: format!("-ts_rank({column}, to_tsquery('english', ?)), "),
            order_params: vec![OrderParam::Value(query)],
        }
    }
}

impl SqlTx<'_> {
    /// SQLite's FTS5: BM25 (titles weigh four times bodies) when every word is rare. When
    /// one is common, BM25 alone would read its whole posting list, so the window's matches
    /// with the words in their title come first, then the newest.
    fn fts5_plan(&mut self, q: &SearchQuery) -> Result<SearchPlan> {
        let mut common = Vec::with_capacity(q.words.len());
        for w in &q.words {
            let probe = fts5_query(std::slice::from_ref(w), false, false);
            let nth = self.one(FTS_NTH_NEWEST, args![probe, COMMON_WORD_DOCS - 1])?;
            common.push(nth.is_some());
        }
        let last_is_word = q.words.last().is_some_and(|w| w.chars().count() >= MIN_PREFIX_CHARS);
        let prefix = last_is_word && common.last() == Some(&false);
        let query = fts5_query(&q.words, q.title_only, prefix) + &fts5_filters(q);
        let (order, order_params) = if common.contains(&true) {
            (
                "search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid >= ?) DESC, "
                    .to_string(),
                vec![OrderParam::Value(fts5_query(&q.words, true, prefix).into()), OrderParam::Floor],
            )
        } else {
            ("bm25(search_fts, 4.0, 1.0, 0.0), ".to_string(), vec![])
        };
        Ok(SearchPlan {
            from: "FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH ?".into(),
            id: "search_fts.rowid",
            match_params: vec![query.into()],
            newest_first: Some(FTS_NTH_NEWEST.into()),
            order,
            order_params,
        })
    }
}

/// Search words as a PostgreSQL tsquery: AND of the words, the last one as a prefix.
fn tsquery(words: &[String]) -> String {
    let n = words.len();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let clean: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            if i + 1 == n { format!("{clean}:*") } else { clean }
        })
        .filter(|t| t != ":*" && !t.is_empty())
        .collect::<Vec<_>>()
        .join(" & ")
}

impl Tx for SqlTx<'_> {
    fn insert_user(&mut self, u: &NewUser) -> Result<UserId> {
        let short = weft_core::services::users::short_name(&u.name);
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
        self.conn.execute(
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
        self.conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", args![hash, id])?;
        Ok(())
    }

    fn insert_token(&mut self, user: UserId, token_hash: &str, now: i64) -> Result<()> {
        self.conn
            .execute("INSERT INTO tokens (hash, user_id, created_ts) VALUES (?, ?, ?)", args![token_hash, user, now])?;
        Ok(())
    }

    fn user_by_token(&mut self, token_hash: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM tokens k JOIN users u ON u.id = k.user_id WHERE k.hash = ?");
        self.one(&sql, args![token_hash])?.map(|r| user_from(&r)).transpose()
    }

    fn delete_token(&mut self, token_hash: &str) -> Result<()> {
        self.conn.execute("DELETE FROM tokens WHERE hash = ?", args![token_hash])?;
        Ok(())
    }

    fn delete_tokens_of(&mut self, user: UserId) -> Result<()> {
        self.conn.execute("DELETE FROM tokens WHERE user_id = ?", args![user])?;
        Ok(())
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
             WHERE wu.user_id = ? AND wu.removed = 0 ORDER BY w.id"
        );
        self.conn.query(&sql, args![user])?.iter().map(workspace_from).collect()
    }

    fn update_workspace(&mut self, ws: &Workspace) -> Result<()> {
        self.conn.execute(
            "UPDATE workspaces SET name = ?, color = ?, default_channel = ?, escalation_minutes = ?, \
             version = version + 1 WHERE id = ?",
            args![&ws.name, ws.color, ws.default_channel, ws.escalation_minutes, ws.id],
        )?;
        Ok(())
    }

    fn delete_workspace(&mut self, id: WorkspaceId) -> Result<()> {
        self.conn.execute("UPDATE users SET default_workspace = NULL WHERE default_workspace = ?", args![id])?;
        self.delete_docs("workspace_id", id.0)?;
        self.conn.execute("DELETE FROM inbox_items WHERE workspace_id = ?", args![id])?;
        self.conn.execute("DELETE FROM notifications WHERE workspace_id = ?", args![id])?;
        self.conn.execute("DELETE FROM workspaces WHERE id = ?", args![id])?;
        Ok(())
    }

    fn membership(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Membership>> {
        let row = self.one(
            "SELECT user_type, removed FROM workspace_users WHERE workspace_id = ? AND user_id = ?",
            args![ws, user],
        )?;
        row.map(|r| {
            Ok(Membership { user_type: UserType::parse(&r.text(0)?).unwrap_or(UserType::User), removed: r.bool(1)? })
        })
        .transpose()
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

    fn put_membership(&mut self, ws: WorkspaceId, user: UserId, m: Membership, now: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO workspace_users (workspace_id, user_id, user_type, removed, added_ts) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET user_type = excluded.user_type, \
             removed = excluded.removed, version = workspace_users.version + 1",
            args![ws, user, m.user_type.as_str(), m.removed, now],
        )?;
        Ok(())
    }

    fn admin_count(&mut self, ws: WorkspaceId) -> Result<i64> {
        self.count(
            "SELECT COUNT(*) FROM workspace_users WHERE workspace_id = ? AND user_type = 'ADMIN' AND removed = 0",
            args![ws],
        )
    }

    fn insert_channel(&mut self, ch: &NewChannel) -> Result<ChannelId> {
        self.insert_id(
            "INSERT INTO channels (workspace_id, name, description, creator, public, color, icon, \
             use_default_recipients, default_groups, default_recipients, created_ts, emergency) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            ],
        )
        .map(ChannelId)
    }

    fn channel(&mut self, id: ChannelId, viewer: UserId) -> Result<Option<Channel>> {
        let sql = format!("SELECT {CHANNEL_COLS} FROM channels c WHERE c.id = ?");
        let Some(row) = self.one(&sql, args![viewer, id])? else { return Ok(None) };
        let mut ch = channel_from(&row)?;
        ch.user_ids = self
            .conn
            .query("SELECT user_id FROM channel_users WHERE channel_id = ? ORDER BY user_id", args![id])?
            .iter()
            .map(|r| r.i64(0).map(UserId))
            .collect::<Result<_>>()?;
        Ok(Some(ch))
    }

    fn channels_in(&mut self, ws: WorkspaceId, viewer: UserId) -> Result<Vec<Channel>> {
        let sql = format!("SELECT {CHANNEL_COLS} FROM channels c WHERE c.workspace_id = ? ORDER BY c.id");
        let mut channels: Vec<Channel> =
            self.conn.query(&sql, args![viewer, ws])?.iter().map(channel_from).collect::<Result<_>>()?;
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

    fn update_channel(&mut self, ch: &Channel) -> Result<()> {
        self.conn.execute(
            "UPDATE channels SET name = ?, description = ?, public = ?, archived = ?, color = ?, icon = ?, \
             use_default_recipients = ?, default_groups = ?, default_recipients = ?, emergency = ?, \
             version = version + 1 WHERE id = ?",
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
                ch.id.into(),
            ],
        )?;
        Ok(())
    }

    fn delete_channel(&mut self, id: ChannelId) -> Result<()> {
        self.delete_docs("channel_id", id.0)?;
        self.conn.execute("DELETE FROM channels WHERE id = ?", args![id])?;
        Ok(())
    }

    fn add_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.execute(
                "INSERT INTO channel_users (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![ch, u],
            )?;
        }
        Ok(())
    }

    fn remove_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.execute("DELETE FROM channel_users WHERE channel_id = ? AND user_id = ?", args![ch, u])?;
        }
        Ok(())
    }

    fn set_channel_favorite(&mut self, ch: ChannelId, user: UserId, favorite: bool) -> Result<()> {
        if favorite {
            self.conn.execute(
                "INSERT INTO channel_favorites (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![ch, user],
            )?;
        } else {
            self.conn.execute("DELETE FROM channel_favorites WHERE channel_id = ? AND user_id = ?", args![ch, user])?;
        }
        Ok(())
    }

    fn insert_thread(&mut self, t: &Thread) -> Result<ThreadId> {
        let id = self.insert_id(
            "INSERT INTO threads (workspace_id, channel_id, title, content, creator, posted_ts, last_updated_ts, \
             participants, recipients, notify_groups, direct_mentions, direct_group_mentions, attachments, actions, \
             snippet, snippet_creator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                t.workspace_id.into(),
                t.channel_id.into(),
                (&t.title).into(),
                (&t.content).into(),
                t.creator.into(),
                t.posted_ts.into(),
                t.last_updated_ts.into(),
                json(&t.participants),
                json(&t.recipients),
                json(&t.groups),
                json(&t.direct_mentions),
                json(&t.direct_group_mentions),
                json(&t.attachments),
                json(&t.actions),
                (&t.snippet).into(),
                t.snippet_creator.into(),
            ],
        )?;
        let id = ThreadId(id);
        // The search index changes in the same transaction as the content.
        self.add_doc(&search::thread_doc(&Thread { id, ..t.clone() }))?;
        Ok(id)
    }

    fn thread(&mut self, id: ThreadId, viewer: UserId) -> Result<Option<Thread>> {
        let sql = format!("SELECT {THREAD_COLS} {THREAD_FROM} WHERE t.id = ?");
        self.one(&sql, args![viewer, id])?.map(|r| thread_from(&r)).transpose()
    }

    fn threads(&mut self, q: &ThreadQuery, viewer: UserId) -> Result<Vec<Thread>> {
        let mut params: Vec<Value> = vec![viewer.into()];
        let mut sql =
            format!("SELECT {THREAD_COLS} {THREAD_FROM} WHERE t.channel_id IN ({})", placeholders(q.channel_ids.len()));
        params.extend(q.channel_ids.iter().map(|c| Value::from(*c)));
        if let Some(ws) = q.workspace_id {
            sql.push_str(" AND t.workspace_id = ?");
            params.push(ws.into());
        }
        if let Some(v) = q.newer_than_ts {
            sql.push_str(" AND t.last_updated_ts > ?");
            params.push(v.into());
        }
        if let Some(v) = q.older_than_ts {
            sql.push_str(" AND t.last_updated_ts < ?");
            params.push(v.into());
        }
        if let Some(v) = q.before_id {
            sql.push_str(" AND t.id < ?");
            params.push(v.into());
        }
        if let Some(v) = q.after_id {
            sql.push_str(" AND t.id > ?");
            params.push(v.into());
        }
        if !q.exclude_ids.is_empty() {
            sql.push_str(&format!(" AND t.id NOT IN ({})", placeholders(q.exclude_ids.len())));
            params.extend(q.exclude_ids.iter().map(|t| Value::from(*t)));
        }
        if let Some(p) = q.pinned {
            sql.push_str(" AND t.pinned = ?");
            params.push(p.into());
        }
        if let Some(s) = q.starred {
            sql.push_str(" AND COALESCE(s.starred, 0) = ?");
            params.push(s.into());
        }
        if let Some(a) = q.archived {
            sql.push_str(" AND COALESCE(s.archived, 0) = ?");
            params.push(a.into());
        }
        let dir = if q.ascending { "ASC" } else { "DESC" };
        sql.push_str(&format!(" ORDER BY t.last_updated_ts {dir}, t.id {dir} LIMIT ?"));
        params.push(q.limit.into());
        self.conn.query(&sql, &params)?.iter().map(thread_from).collect()
    }

    fn update_thread(&mut self, t: &Thread) -> Result<()> {
        self.conn.execute(
            "UPDATE threads SET channel_id = ?, title = ?, content = ?, last_updated_ts = ?, last_edited_ts = ?, \
             comment_count = ?, last_obj_index = ?, closed = ?, pinned = ?, pinned_ts = ?, participants = ?, \
             recipients = ?, notify_groups = ?, direct_mentions = ?, direct_group_mentions = ?, attachments = ?, \
             actions = ?, snippet = ?, snippet_creator = ?, version = ? WHERE id = ?",
            &[
                t.channel_id.into(),
                (&t.title).into(),
                (&t.content).into(),
                t.last_updated_ts.into(),
                t.last_edited_ts.into(),
                t.comment_count.into(),
                t.last_obj_index.into(),
                t.closed.into(),
                t.pinned.into(),
                t.pinned_ts.into(),
                json(&t.participants),
                json(&t.recipients),
                json(&t.groups),
                json(&t.direct_mentions),
                json(&t.direct_group_mentions),
                json(&t.attachments),
                json(&t.actions),
                (&t.snippet).into(),
                t.snippet_creator.into(),
                t.version.into(),
                t.id.into(),
            ],
        )?;
        Ok(())
    }

    fn delete_thread(&mut self, id: ThreadId) -> Result<()> {
        self.conn.execute(
            "DELETE FROM reactions WHERE target_kind = 'comment' AND target_id IN (SELECT id FROM comments WHERE thread_id = ?)",
            args![id],
        )?;
        self.conn.execute("DELETE FROM reactions WHERE target_kind = 'thread' AND target_id = ?", args![id])?;
        self.delete_docs("thread_id", id.0)?;
        self.conn.execute("DELETE FROM threads WHERE id = ?", args![id])?;
        Ok(())
    }

    fn put_thread_state(&mut self, thread: ThreadId, user: UserId, s: ThreadState) -> Result<()> {
        self.conn.execute(
            "INSERT INTO thread_states (thread_id, user_id, starred, archived, muted_until_ts, last_read_obj_index) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id, user_id) DO UPDATE SET starred = excluded.starred, \
             archived = excluded.archived, muted_until_ts = excluded.muted_until_ts, \
             last_read_obj_index = excluded.last_read_obj_index",
            args![thread, user, s.starred, s.archived, s.muted_until_ts, s.last_read_obj_index],
        )?;
        Ok(())
    }

    fn insert_comment(&mut self, c: &Comment) -> Result<CommentId> {
        let id = self.insert_id(
            "INSERT INTO comments (thread_id, obj_index, content, creator, posted_ts, recipients, notify_groups, \
             direct_mentions, direct_group_mentions, attachments, actions, system_message, thread_action) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                c.thread_id.into(),
                c.obj_index.into(),
                (&c.content).into(),
                c.creator.into(),
                c.posted_ts.into(),
                json(&c.recipients),
                json(&c.groups),
                json(&c.direct_mentions),
                json(&c.direct_group_mentions),
                json(&c.attachments),
                json(&c.actions),
                c.system_message.as_ref().map_or(Value::Null, json),
                c.thread_action.clone().into(),
            ],
        )?;
        let id = CommentId(id);
        self.add_doc(&search::comment_doc(&Comment { id, ..c.clone() }))?;
        Ok(id)
    }

    fn comment(&mut self, id: CommentId) -> Result<Option<Comment>> {
        let sql = format!("SELECT {COMMENT_COLS} {COMMENT_FROM} WHERE c.id = ?");
        self.one(&sql, args![id])?.map(|r| comment_from(&r)).transpose()
    }

    fn comments_by_ids(&mut self, ids: &[CommentId]) -> Result<Vec<Comment>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {COMMENT_COLS} {COMMENT_FROM} WHERE c.id IN ({})", placeholders(ids.len()));
        let params: Vec<Value> = ids.iter().map(|c| Value::from(*c)).collect();
        self.conn.query(&sql, &params)?.iter().map(comment_from).collect()
    }

    fn comments(&mut self, thread: ThreadId, q: &ItemQuery) -> Result<Vec<Comment>> {
        let mut where_ = String::from("c.thread_id = ?");
        let mut params: Vec<Value> = vec![thread.into()];
        item_filters(q, &mut where_, &mut params, "c");
        let dir = if q.ascending { "ASC" } else { "DESC" };
        let sql = format!("SELECT {COMMENT_COLS} {COMMENT_FROM} WHERE {where_} ORDER BY c.obj_index {dir} LIMIT ?");
        params.push(q.limit.into());
        self.conn.query(&sql, &params)?.iter().map(comment_from).collect()
    }

    fn last_comment(&mut self, thread: ThreadId) -> Result<Option<Comment>> {
        let sql =
            format!("SELECT {COMMENT_COLS} {COMMENT_FROM} WHERE c.thread_id = ? ORDER BY c.obj_index DESC LIMIT 1");
        self.one(&sql, args![thread])?.map(|r| comment_from(&r)).transpose()
    }

    fn update_comment(&mut self, c: &Comment) -> Result<()> {
        self.conn.execute(
            "UPDATE comments SET content = ?, last_edited_ts = ?, direct_mentions = ?, direct_group_mentions = ?, \
             attachments = ?, actions = ?, version = ? WHERE id = ?",
            &[
                (&c.content).into(),
                c.last_edited_ts.into(),
                json(&c.direct_mentions),
                json(&c.direct_group_mentions),
                json(&c.attachments),
                json(&c.actions),
                c.version.into(),
                c.id.into(),
            ],
        )?;
        self.index_doc(&search::comment_doc(c))
    }

    fn delete_comment(&mut self, id: CommentId) -> Result<()> {
        self.conn.execute("DELETE FROM reactions WHERE target_kind = 'comment' AND target_id = ?", args![id])?;
        self.unindex_doc("comment", id.0)?;
        self.conn.execute("DELETE FROM comments WHERE id = ?", args![id])?;
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
        self.conn.execute(
            "UPDATE user_groups SET name = ?, description = ?, color = ?, version = version + 1 WHERE id = ?",
            args![&g.name, &g.description, g.color, g.id],
        )?;
        Ok(())
    }

    fn delete_group(&mut self, id: GroupId) -> Result<()> {
        self.conn.execute("DELETE FROM user_groups WHERE id = ?", args![id])?;
        Ok(())
    }

    fn add_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.execute(
                "INSERT INTO group_users (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![id, u],
            )?;
        }
        if !users.is_empty() {
            self.conn.execute("UPDATE user_groups SET version = version + 1 WHERE id = ?", args![id])?;
        }
        Ok(())
    }

    fn remove_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.execute("DELETE FROM group_users WHERE group_id = ? AND user_id = ?", args![id, u])?;
        }
        if !users.is_empty() {
            self.conn.execute("UPDATE user_groups SET version = version + 1 WHERE id = ?", args![id])?;
        }
        Ok(())
    }

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

    fn update_conversation(&mut self, c: &Conversation) -> Result<()> {
        self.conn.execute(
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
        self.conn.execute("UPDATE conversations SET member_key = ? WHERE id = ?", args![key, id])?;
        Ok(())
    }

    fn put_conversation_state(&mut self, c: ConversationId, user: UserId, s: ConversationState) -> Result<()> {
        self.conn.execute(
            "UPDATE conversation_users SET archived = ?, muted_until_ts = ?, last_read_obj_index = ? \
             WHERE conversation_id = ? AND user_id = ?",
            args![s.archived, s.muted_until_ts, s.last_read_obj_index, c, user],
        )?;
        Ok(())
    }

    fn add_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn.execute(
                "INSERT INTO conversation_users (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                args![c, u],
            )?;
        }
        Ok(())
    }

    fn remove_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()> {
        for &u in users {
            self.conn
                .execute("DELETE FROM conversation_users WHERE conversation_id = ? AND user_id = ?", args![c, u])?;
        }
        Ok(())
    }

    fn insert_message(&mut self, m: &Message) -> Result<MessageId> {
        let id = self.insert_id(
            "INSERT INTO messages (conversation_id, obj_index, content, creator, posted_ts, direct_mentions, \
             direct_group_mentions, attachments, actions, system_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
        self.add_doc(&search::message_doc(&Message { id, ..m.clone() }))?;
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
        self.conn.execute(
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
        self.index_doc(&search::message_doc(m))
    }

    fn delete_message(&mut self, id: MessageId) -> Result<()> {
        self.conn.execute("DELETE FROM reactions WHERE target_kind = 'message' AND target_id = ?", args![id])?;
        self.unindex_doc("message", id.0)?;
        self.conn.execute("DELETE FROM messages WHERE id = ?", args![id])?;
        Ok(())
    }

    fn add_reaction(&mut self, target: ReactionTarget, user: UserId, emoji: &str, now: i64) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO reactions (target_kind, target_id, emoji, user_id, created_ts) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
            args![target.kind(), target.id(), emoji, user, now],
        )?;
        Ok(n > 0)
    }

    fn remove_reaction(&mut self, target: ReactionTarget, user: UserId, emoji: &str) -> Result<bool> {
        let n = self.conn.execute(
            "DELETE FROM reactions WHERE target_kind = ? AND target_id = ? AND emoji = ? AND user_id = ?",
            args![target.kind(), target.id(), emoji, user],
        )?;
        Ok(n > 0)
    }

    fn reactions(&mut self, kind: &str, ids: &[i64]) -> Result<HashMap<i64, Reactions>> {
        let mut out: HashMap<i64, Reactions> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT target_id, emoji, user_id FROM reactions WHERE target_kind = ? AND target_id IN ({}) \
             ORDER BY target_id, created_ts, user_id",
            placeholders(ids.len())
        );
        let mut params: Vec<Value> = vec![kind.into()];
        params.extend(ids.iter().map(|i| Value::Int(*i)));
        for r in self.conn.query(&sql, &params)? {
            out.entry(r.i64(0)?).or_default().entry(r.text(1)?).or_default().push(UserId(r.i64(2)?));
        }
        Ok(out)
    }

    fn append_event(&mut self, e: &NewEvent, now: i64) -> Result<i64> {
        Ok(self.append_events(std::slice::from_ref(e), now)?.first().copied().unwrap_or_default())
    }

    fn append_events(&mut self, events: &[NewEvent], now: i64) -> Result<Vec<i64>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        // Sequence numbers are the next integers, allocated inside the writer's exclusive
        // section (see ARCHITECTURE.md): gap-free and in commit order.
        let head = match self.event_head {
            Some(head) => head,
            None => self.conn.event_head()?,
        };
        let mut seq = head;
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 9);
            for e in chunk {
                seq += 1;
                let a = &e.audience;
                params.extend([
                    seq.into(),
                    e.workspace_id.into(),
                    e.kind.into(),
                    a.channel_id.into(),
                    a.conversation_id.into(),
                    a.user_id.into(),
                    a.also_user_id.into(),
                    json(&e.payload),
                    now.into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO events (seq, workspace_id, kind, channel_id, conversation_id, user_id, also_user_id, \
                 payload, created_ts) VALUES {}",
                rows_of(chunk.len(), 9)
            );
            self.conn.execute(&sql, &params)?;
        }
        self.move_user_event_heads(events, head)?;
        self.appended_events = true;
        self.event_head = Some(seq);
        Ok((head + 1..=seq).collect())
    }

    fn events_after(&mut self, after: i64, limit: i64) -> Result<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
        self.conn.query(&sql, args![after, limit])?.iter().map(event_from).collect()
    }

    fn events_of_kind_after(&mut self, kind: &str, after: i64, limit: i64) -> Result<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLS} FROM events WHERE seq > ? AND kind = ? ORDER BY seq LIMIT ?");
        self.conn.query(&sql, args![after, kind, limit])?.iter().map(event_from).collect()
    }

    fn event_head(&mut self) -> Result<i64> {
        self.conn.event_head()
    }

    fn touch_inboxes(&mut self, touches: &[InboxTouch]) -> Result<()> {
        // One statement may touch a row once: a person twice takes one statement per touch.
        let size = if all_distinct(touches.iter().map(|t| (t.user, t.thread))) { ROWS_PER_INSERT } else { 1 };
        for chunk in touches.chunks(size) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
            for t in chunk {
                let mention = t.mention_obj_index.unwrap_or(-3);
                params.extend(
                    args![t.user, t.thread, t.workspace, t.channel, t.now, !t.bring_back, mention].iter().cloned(),
                );
            }
            let sql = format!(
                "INSERT INTO inbox_items (user_id, thread_id, workspace_id, channel_id, activity_ts, archived, \
                 mention_obj_index) VALUES {} ON CONFLICT (user_id, thread_id) DO UPDATE SET \
                 activity_ts = excluded.activity_ts, \
                 archived = CASE WHEN excluded.archived = 0 THEN 0 ELSE inbox_items.archived END, \
                 reminder = CASE WHEN excluded.archived = 0 THEN 0 ELSE inbox_items.reminder END, \
                 mention_obj_index = CASE WHEN excluded.mention_obj_index > inbox_items.mention_obj_index \
                     THEN excluded.mention_obj_index ELSE inbox_items.mention_obj_index END",
                rows_of(chunk.len(), 7)
            );
            self.conn.execute(&sql, &params)?;
        }
        Ok(())
    }

    fn inbox_state(&mut self, user: UserId, thread: ThreadId) -> Result<Option<InboxState>> {
        let sql = format!("SELECT {INBOX_COLS} FROM inbox_items i WHERE i.user_id = ? AND i.thread_id = ?");
        self.one(&sql, args![user, thread])?.map(|r| inbox_state_from(&r, 0)).transpose()
    }

    fn put_inbox_state(&mut self, user: UserId, thread: ThreadId, st: InboxState) -> Result<()> {
        self.conn.execute(
            "UPDATE inbox_items SET archived = ?, snoozed_until = ?, reminder = ?, activity_ts = ? \
             WHERE user_id = ? AND thread_id = ?",
            args![st.archived, st.snoozed_until, st.reminder, st.activity_ts, user, thread],
        )?;
        Ok(())
    }

    fn inbox(&mut self, q: &InboxQuery) -> Result<Vec<InboxThread>> {
        let mut params: Vec<Value> =
            vec![q.user.into(), q.user.into(), q.user.into(), q.workspace.into(), q.guest.into()];
        let mut sql = format!(
            "SELECT {THREAD_COLS}, {INBOX_COLS} {THREAD_FROM} \
             JOIN inbox_items i ON i.thread_id = t.id AND i.user_id = ? \
             JOIN channels c ON c.id = t.channel_id \
             LEFT JOIN channel_users cu ON cu.channel_id = c.id AND cu.user_id = ? \
             WHERE i.workspace_id = ? AND {CHANNEL_VISIBLE}"
        );
        sql.push_str(match q.filter {
            ArchiveFilter::Active => " AND i.archived = 0 AND i.snoozed_until IS NULL",
            ArchiveFilter::Archived => " AND (i.archived = 1 OR i.snoozed_until IS NOT NULL)",
            ArchiveFilter::All => "",
        });
        if let Some(v) = q.newer_than_ts {
            sql.push_str(" AND i.activity_ts > ?");
            params.push(v.into());
        }
        if let Some(v) = q.older_than_ts {
            sql.push_str(" AND i.activity_ts < ?");
            params.push(v.into());
        }
        if let Some((ts, id)) = q.after {
            sql.push_str(" AND (i.activity_ts < ? OR (i.activity_ts = ? AND t.id < ?))");
            params.extend([Value::from(ts), Value::from(ts), Value::from(id)]);
        }
        sql.push_str(" ORDER BY i.activity_ts DESC, t.id DESC LIMIT ?");
        params.push(q.limit.into());
        let rows = self.conn.query(&sql, &params)?;
        rows.iter()
            .map(|r| {
                let mut thread = thread_from(r)?;
                let st = inbox_state_from(r, 29)?;
                thread.is_archived = st.archived;
                let unread = thread.last_read_obj_index < thread.last_obj_index;
                Ok(InboxThread {
                    in_inbox: !st.archived && st.snoozed_until.is_none(),
                    unread,
                    snoozed_until_ts: st.snoozed_until,
                    is_reminder: st.reminder,
                    activity_ts: st.activity_ts,
                    thread,
                })
            })
            .collect()
    }

    fn inbox_unread_count(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM inbox_items i JOIN threads t ON t.id = i.thread_id \
             JOIN channels c ON c.id = t.channel_id \
             LEFT JOIN channel_users cu ON cu.channel_id = c.id AND cu.user_id = i.user_id \
             LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = i.user_id \
             WHERE i.user_id = ? AND i.workspace_id = ? AND i.archived = 0 AND i.snoozed_until IS NULL \
             AND {CHANNEL_VISIBLE} AND COALESCE(s.last_read_obj_index, -2) < t.last_obj_index"
        );
        self.count(&sql, args![user, ws, guest])
    }

    fn archive_inbox(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        channels: Option<&[ChannelId]>,
        older_than: Option<i64>,
    ) -> Result<Vec<ThreadId>> {
        let mut where_ = String::from("user_id = ? AND workspace_id = ? AND archived = 0");
        let mut params: Vec<Value> = vec![user.into(), ws.into()];
        if let Some(chs) = channels {
            where_.push_str(&format!(" AND channel_id IN ({})", placeholders(chs.len())));
            params.extend(chs.iter().map(|c| Value::from(*c)));
        }
        if let Some(ts) = older_than {
            where_.push_str(" AND activity_ts < ?");
            params.push(ts.into());
        }
        let ids: Vec<ThreadId> = self
            .conn
            .query(&format!("SELECT thread_id FROM inbox_items WHERE {where_} ORDER BY thread_id"), &params)?
            .iter()
            .map(|r| r.i64(0).map(ThreadId))
            .collect::<Result<_>>()?;
        self.conn.execute(&format!("UPDATE inbox_items SET archived = 1, reminder = 0 WHERE {where_}"), &params)?;
        Ok(ids)
    }

    fn inbox_version(&mut self, user: UserId, ws: WorkspaceId) -> Result<i64> {
        self.count(
            "SELECT COALESCE(MAX(seq), 0) FROM user_event_heads WHERE user_id = ? AND workspace_id = ?",
            args![user, ws],
        )
    }

    fn muted_users(&mut self, thread: ThreadId, users: &[UserId], now: i64) -> Result<Vec<UserId>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT user_id FROM thread_states WHERE thread_id = ? AND muted_until_ts > ? AND user_id IN ({})",
            placeholders(users.len())
        );
        let mut params: Vec<Value> = vec![thread.into(), now.into()];
        params.extend(users.iter().map(|u| Value::from(*u)));
        self.conn.query(&sql, &params)?.iter().map(|r| r.i64(0).map(UserId)).collect()
    }

    fn threads_by_ids(&mut self, ids: &[ThreadId], viewer: UserId) -> Result<Vec<Thread>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {THREAD_COLS} {THREAD_FROM} WHERE t.id IN ({})", placeholders(ids.len()));
        let mut params: Vec<Value> = vec![viewer.into()];
        params.extend(ids.iter().map(|t| Value::from(*t)));
        self.conn.query(&sql, &params)?.iter().map(thread_from).collect()
    }

    fn due_snoozes(&mut self, now: i64, limit: i64) -> Result<Vec<(UserId, ThreadId, WorkspaceId)>> {
        let rows = self.conn.query(
            "SELECT user_id, thread_id, workspace_id FROM inbox_items WHERE snoozed_until <= ? \
             ORDER BY snoozed_until, user_id, thread_id LIMIT ?",
            args![now, limit],
        )?;
        rows.iter().map(|r| Ok((UserId(r.i64(0)?), ThreadId(r.i64(1)?), WorkspaceId(r.i64(2)?)))).collect()
    }

    fn last_comments(&mut self, threads: &[ThreadId]) -> Result<HashMap<ThreadId, Comment>> {
        if threads.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT {COMMENT_COLS} {COMMENT_FROM} WHERE c.thread_id IN ({}) \
             AND c.obj_index = (SELECT MAX(c2.obj_index) FROM comments c2 WHERE c2.thread_id = c.thread_id)",
            placeholders(threads.len())
        );
        let params: Vec<Value> = threads.iter().map(|t| Value::from(*t)).collect();
        let mut out = HashMap::new();
        for r in self.conn.query(&sql, &params)? {
            let c = comment_from(&r)?;
            out.insert(c.thread_id, c);
        }
        Ok(out)
    }

    fn move_inbox_items(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()> {
        self.conn.execute("UPDATE inbox_items SET channel_id = ? WHERE thread_id = ?", args![channel, thread])?;
        Ok(())
    }

    fn unread_threads(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<Vec<UnreadThread>> {
        // The channels the user sees are found once, not once per inbox row.
        let sql = format!(
            "SELECT t.id, t.channel_id, COALESCE(s.last_read_obj_index, -2), i.mention_obj_index \
             FROM inbox_items i JOIN threads t ON t.id = i.thread_id \
             LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = i.user_id \
             WHERE i.user_id = ? AND i.workspace_id = ? AND t.channel_id IN (SELECT c.id FROM channels c \
                 LEFT JOIN channel_users cu ON cu.channel_id = c.id AND cu.user_id = ? \
                 WHERE c.workspace_id = ? AND {CHANNEL_VISIBLE}) \
             AND COALESCE(s.last_read_obj_index, -2) < t.last_obj_index ORDER BY i.activity_ts DESC, t.id DESC"
        );
        let rows = self.conn.query(&sql, args![user, ws, user, ws, guest])?;
        rows.iter()
            .map(|r| {
                let read = r.i64(2)?;
                Ok(UnreadThread {
                    thread_id: ThreadId(r.i64(0)?),
                    channel_id: ChannelId(r.i64(1)?),
                    obj_index: read,
                    direct_mention: r.i64(3)? > read,
                })
            })
            .collect()
    }

    fn mark_threads_read(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        channel: Option<ChannelId>,
    ) -> Result<Vec<ThreadId>> {
        // The threads whose read position is behind: those of the inbox, or all of one channel.
        let (sql, params) = match channel {
            None => (
                "SELECT t.id, t.last_obj_index FROM inbox_items i JOIN threads t ON t.id = i.thread_id \
                 LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = i.user_id \
                 WHERE i.user_id = ? AND i.workspace_id = ? AND COALESCE(s.last_read_obj_index, -2) < t.last_obj_index",
                vec![Value::from(user), Value::from(ws)],
            ),
            Some(ch) => (
                "SELECT t.id, t.last_obj_index FROM threads t \
                 LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = ? \
                 WHERE t.channel_id = ? AND COALESCE(s.last_read_obj_index, -2) < t.last_obj_index",
                vec![Value::from(user), Value::from(ch)],
            ),
        };
        let rows = self.conn.query(sql, &params)?;
        let mut changed = Vec::with_capacity(rows.len());
        for r in &rows {
            let (thread, last) = (ThreadId(r.i64(0)?), r.i64(1)?);
            self.conn.execute(
                "INSERT INTO thread_states (thread_id, user_id, last_read_obj_index) VALUES (?, ?, ?) \
                 ON CONFLICT (thread_id, user_id) DO UPDATE SET last_read_obj_index = excluded.last_read_obj_index",
                args![thread, user, last],
            )?;
            changed.push(thread);
        }
        Ok(changed)
    }

    fn mark_unread_for_others(&mut self, thread: ThreadId, actor: UserId, obj_index: i64) -> Result<Vec<UserId>> {
        let position = obj_index - 1;
        let rows = self.conn.query(
            "SELECT user_id FROM thread_states WHERE thread_id = ? AND user_id <> ? AND last_read_obj_index > ? \
             ORDER BY user_id",
            args![thread, actor, position],
        )?;
        self.conn.execute(
            "UPDATE thread_states SET last_read_obj_index = ? WHERE thread_id = ? AND user_id <> ? AND last_read_obj_index > ?",
            args![position, thread, actor, position],
        )?;
        rows.iter().map(|r| r.i64(0).map(UserId)).collect()
    }

    fn unread_conversations(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<UnreadConversation>> {
        let rows = self.conn.query(
            "SELECT c.id, s.last_read_obj_index, s.mention_obj_index FROM conversations c \
             JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? \
             WHERE c.workspace_id = ? AND s.last_read_obj_index < c.last_obj_index \
             ORDER BY c.last_active_ts DESC, c.id DESC",
            args![user, ws],
        )?;
        rows.iter()
            .map(|r| {
                let read = r.i64(1)?;
                Ok(UnreadConversation {
                    conversation_id: ConversationId(r.i64(0)?),
                    obj_index: read,
                    direct_mention: r.i64(2)? > read,
                })
            })
            .collect()
    }

    fn note_conversation_mentions(&mut self, c: ConversationId, users: &[UserId], obj_index: i64) -> Result<()> {
        for &u in users {
            self.conn.execute(
                "UPDATE conversation_users SET mention_obj_index = ? WHERE conversation_id = ? AND user_id = ?",
                args![obj_index, c, u],
            )?;
        }
        Ok(())
    }

    fn mark_conversations_read(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<ConversationId>> {
        let rows = self.conn.query(
            "SELECT c.id, c.last_obj_index FROM conversations c \
             JOIN conversation_users s ON s.conversation_id = c.id AND s.user_id = ? \
             WHERE c.workspace_id = ? AND s.last_read_obj_index < c.last_obj_index",
            args![user, ws],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            let (c, last) = (ConversationId(r.i64(0)?), r.i64(1)?);
            self.conn.execute(
                "UPDATE conversation_users SET last_read_obj_index = ? WHERE conversation_id = ? AND user_id = ?",
                args![last, c, user],
            )?;
            out.push(c);
        }
        Ok(out)
    }

    fn insert_notification(&mut self, user: UserId, n: &Notification) -> Result<i64> {
        let ids = self.insert_notifications(&[(user, n.clone())])?;
        ids.first().copied().ok_or(Error::Internal("INSERT returned no id".into()))
    }

    fn insert_notifications(&mut self, items: &[(UserId, Notification)]) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(items.len());
        // Ids come back matched by person: a person twice takes one statement per row.
        let size = if all_distinct(items.iter().map(|(u, _)| *u)) { ROWS_PER_INSERT } else { 1 };
        for chunk in items.chunks(size) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 11);
            for (user, n) in chunk {
                params.extend([
                    (*user).into(),
                    n.workspace_id.into(),
                    n.type_id.into(),
                    n.reason.as_str().into(),
                    n.channel_id.into(),
                    n.thread_id.into(),
                    n.comment_id.into(),
                    n.conversation_id.into(),
                    n.message_id.into(),
                    n.by_user_id.into(),
                    n.posted_ts.into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO notifications (user_id, workspace_id, type_id, reason, channel_id, thread_id, comment_id, \
                 conversation_id, message_id, by_user_id, posted_ts) VALUES {} RETURNING id, user_id",
                rows_of(chunk.len(), 11)
            );
            // RETURNING does not promise the order of the rows: match them by person.
            let rows = self.conn.query(&sql, &params)?;
            let by_user: HashMap<i64, i64> = rows.iter().map(|r| Ok((r.i64(1)?, r.i64(0)?))).collect::<Result<_>>()?;
            for (user, _) in chunk {
                ids.push(*by_user.get(&user.0).ok_or(Error::Internal("a notification was not inserted".into()))?);
            }
        }
        Ok(ids)
    }

    fn notifications(&mut self, user: UserId, limit: i64) -> Result<Vec<Notification>> {
        let sql = format!("SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?");
        self.conn.query(&sql, args![user, limit])?.iter().map(notification_from).collect()
    }

    fn notifications_by_ids(&mut self, user: UserId, ids: &[i64]) -> Result<Vec<Notification>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE user_id = ? AND id IN ({}) ORDER BY id",
            placeholders(ids.len())
        );
        let mut params: Vec<Value> = vec![user.into()];
        params.extend(ids.iter().map(|i| Value::Int(*i)));
        self.conn.query(&sql, &params)?.iter().map(notification_from).collect()
    }

    fn mark_notification_read(&mut self, user: UserId, id: Option<i64>) -> Result<u64> {
        match id {
            Some(id) => {
                self.conn.execute("UPDATE notifications SET is_read = 1 WHERE user_id = ? AND id = ?", args![user, id])
            }
            None => {
                self.conn.execute("UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0", args![user])
            }
        }
    }

    fn notification_settings(&mut self, user: UserId, ws: WorkspaceId) -> Result<Option<Json>> {
        self.one("SELECT settings FROM notification_settings WHERE user_id = ? AND workspace_id = ?", args![user, ws])?
            .map(|r| r.json(0))
            .transpose()
    }

    fn put_notification_settings(&mut self, user: UserId, ws: WorkspaceId, settings: &Json) -> Result<()> {
        self.conn.execute(
            "INSERT INTO notification_settings (user_id, workspace_id, settings) VALUES (?, ?, ?) \
             ON CONFLICT (user_id, workspace_id) DO UPDATE SET settings = excluded.settings",
            &[user.into(), ws.into(), json(settings)],
        )?;
        Ok(())
    }

    fn index_doc(&mut self, d: &SearchDoc) -> Result<()> {
        self.unindex_doc(d.kind, d.obj_id)?;
        self.add_doc(d)
    }

    fn unindex_doc(&mut self, kind: &str, obj_id: i64) -> Result<()> {
        self.fts_delete("kind = ? AND obj_id = ?", args![kind, obj_id])?;
        self.conn.execute("DELETE FROM search_docs WHERE kind = ? AND obj_id = ?", args![kind, obj_id])?;
        Ok(())
    }

    fn unindex_thread(&mut self, thread: ThreadId) -> Result<()> {
        self.fts_delete("thread_id = ?", args![thread])?;
        self.conn.execute("DELETE FROM search_docs WHERE thread_id = ?", args![thread])?;
        Ok(())
    }

    fn move_thread_docs(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()> {
        self.fts_delete("thread_id = ?", args![thread])?;
        self.conn.execute("UPDATE search_docs SET channel_id = ? WHERE thread_id = ?", args![channel, thread])?;
        if self.conn.dialect() == Dialect::Sqlite {
            // The channel is one of the document's filter tokens. Documents still waiting
            // for the index get it when they enter.
            let (filter, params) = self.indexed_docs("thread_id = ?", args![thread]);
            self.conn.execute(&format!("{FTS_INSERT} WHERE {filter}"), &params)?;
        }
        Ok(())
    }

    fn search(&mut self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        if q.words.is_empty() && q.mentioning.is_none() {
            return Ok(Vec::new());
        }
        if self.conn.dialect() == Dialect::Postgres {
            // Plan for the actual values: the window's bounds decide between walking the
            // newest documents and the text index, which a plan cached for any value cannot.
            self.conn.execute("SET LOCAL plan_cache_mode = force_custom_plan", &[])?;
        }
        let plan = match (self.conn.dialect(), q.words.is_empty()) {
            (_, true) => SearchPlan::mentions_only(),
            (Dialect::Sqlite, false) => self.fts5_plan(q)?,
            (Dialect::Postgres, false) => SearchPlan::postgres(q),
        };
        let (filters, filter_params) = search_filters(q);
        let select = "SELECT d.kind, d.obj_id, d.channel_id, d.conversation_id, d.thread_id, d.author_id, \
                      d.posted_ts, d.title, d.body";
        // Rank only the most recent matches (documents' ids grow with time), in a window that
        // widens until it fills the page or holds every match.
        let mut window = search::RANK_CANDIDATES;
        loop {
            let floor = match &plan.newest_first {
                Some(newest) => {
                    let mut params = plan.match_params.clone();
                    params.push(Value::Int(window - 1));
                    self.one(newest, &params)?.map(|r| r.i64(0)).transpose()?
                }
                None => None,
            };
            let mut sql = format!("{select} {}{filters} AND {} >= ?", plan.from, plan.id);
            let mut params: Vec<Value> = plan.match_params.clone();
            params.extend(filter_params.iter().cloned());
            params.push(Value::Int(floor.unwrap_or(0)));
            sql.push_str(&format!(" ORDER BY {}d.posted_ts DESC, d.id DESC LIMIT ? OFFSET ?", plan.order));
            for p in &plan.order_params {
                params.push(match p {
                    OrderParam::Value(v) => v.clone(),
                    OrderParam::Floor => Value::Int(floor.unwrap_or(0)),
                });
            }
            params.push(q.limit.into());
            params.push(q.offset.into());
            let rows = self.conn.query(&sql, &params)?;
            if floor.is_some() && (rows.len() as i64) < q.limit {
                // Too few pass the filters: widen to about what should fill the page, judging
                // by how many passed in this window.
                let passed = q.offset + rows.len() as i64;
                let wanted = (q.offset + q.limit) as f64;
                let factor = if passed == 0 { 16.0 } else { (wanted / passed as f64 * 1.5).clamp(2.0, 16.0) };
                window = window.saturating_mul(factor.ceil() as i64);
                continue;
            }
            return rows
                .iter()
                .map(|r| {
                    Ok(SearchHit {
                        kind: r.text(0)?,
                        obj_id: r.i64(1)?,
                        channel_id: r.opt_i64(2)?.map(ChannelId),
                        conversation_id: r.opt_i64(3)?.map(ConversationId),
                        thread_id: r.opt_i64(4)?.map(ThreadId),
                        author_id: UserId(r.i64(5)?),
                        posted_ts: r.i64(6)?,
                        title: r.text(7)?,
                        body: r.text(8)?,
                    })
                })
                .collect();
        }
    }

    fn schedule(&mut self, user: UserId) -> Result<Option<weft_core::schedule::Schedule>> {
        self.one("SELECT schedule FROM schedules WHERE user_id = ?", args![user])?.map(|r| r.json(0)).transpose()
    }

    fn users_with_schedules(&mut self, ids: &[UserId]) -> Result<Vec<(User, Option<weft_core::schedule::Schedule>)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {USER_COLS}, sc.schedule FROM users u LEFT JOIN schedules sc ON sc.user_id = u.id WHERE u.id IN ({})",
            placeholders(ids.len())
        );
        let params: Vec<Value> = ids.iter().map(|u| Value::from(*u)).collect();
        self.conn.query(&sql, &params)?.iter().map(|r| Ok((user_from(r)?, r.opt_json(17)?))).collect()
    }

    fn read_positions(&mut self, user: UserId, threads: &[ThreadId]) -> Result<HashMap<ThreadId, i64>> {
        if threads.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT thread_id, last_read_obj_index FROM thread_states WHERE user_id = ? AND thread_id IN ({})",
            placeholders(threads.len())
        );
        let mut params: Vec<Value> = vec![user.into()];
        params.extend(threads.iter().map(|t| Value::from(*t)));
        self.conn.query(&sql, &params)?.iter().map(|r| Ok((ThreadId(r.i64(0)?), r.i64(1)?))).collect()
    }

    fn conversation_read_positions(
        &mut self,
        user: UserId,
        conversations: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>> {
        if conversations.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT conversation_id, last_read_obj_index FROM conversation_users WHERE user_id = ? \
             AND conversation_id IN ({})",
            placeholders(conversations.len())
        );
        let mut params: Vec<Value> = vec![user.into()];
        params.extend(conversations.iter().map(|c| Value::from(*c)));
        self.conn.query(&sql, &params)?.iter().map(|r| Ok((ConversationId(r.i64(0)?), r.i64(1)?))).collect()
    }

    fn conversation_muted_users(&mut self, c: ConversationId, users: &[UserId], now: i64) -> Result<Vec<UserId>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT user_id FROM conversation_users WHERE conversation_id = ? AND muted_until_ts > ? \
             AND user_id IN ({})",
            placeholders(users.len())
        );
        let mut params: Vec<Value> = vec![c.into(), now.into()];
        params.extend(users.iter().map(|u| Value::from(*u)));
        self.conn.query(&sql, &params)?.iter().map(|r| Ok(UserId(r.i64(0)?))).collect()
    }

    fn put_schedule(&mut self, user: UserId, s: &weft_core::schedule::Schedule, now: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO schedules (user_id, schedule, updated_ts) VALUES (?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET schedule = excluded.schedule, updated_ts = excluded.updated_ts",
            &[user.into(), json(s), now.into()],
        )?;
        Ok(())
    }

    fn insert_pushes(&mut self, pushes: &[Push]) -> Result<()> {
        for chunk in pushes.chunks(ROWS_PER_INSERT) {
            let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 8);
            for p in chunk {
                let row = args![
                    p.user,
                    p.workspace,
                    p.notification_id,
                    p.thread,
                    p.obj_index,
                    p.created_ts,
                    p.due_ts,
                    p.conversation
                ];
                params.extend(row.iter().cloned());
            }
            let sql = format!(
                "INSERT INTO pushes (user_id, workspace_id, notification_id, thread_id, obj_index, created_ts, due_ts, \
                 conversation_id) VALUES {}",
                rows_of(chunk.len(), 8)
            );
            self.conn.execute(&sql, &params)?;
        }
        Ok(())
    }

    fn due_pushes(&mut self, now: i64, limit: i64) -> Result<Vec<Push>> {
        let rows = self.conn.query(
            &format!(
                "SELECT {PUSH_COLS} FROM pushes WHERE state = 'pending' AND due_ts <= ? ORDER BY due_ts, id LIMIT ?"
            ),
            args![now, limit],
        )?;
        rows.iter().map(push_from).collect()
    }

    fn pending_pushes_of(&mut self, user: UserId) -> Result<Vec<Push>> {
        let rows = self.conn.query(
            &format!("SELECT {PUSH_COLS} FROM pushes WHERE state = 'pending' AND user_id = ? ORDER BY id"),
            args![user],
        )?;
        rows.iter().map(push_from).collect()
    }

    fn set_push_due(&mut self, id: i64, due_ts: Option<i64>) -> Result<()> {
        self.conn.execute("UPDATE pushes SET due_ts = ? WHERE id = ?", args![due_ts, id])?;
        Ok(())
    }

    fn finish_pushes(&mut self, ids: &[i64], state: &str, now: i64) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!("UPDATE pushes SET state = ?, done_ts = ? WHERE id IN ({})", placeholders(ids.len()));
        let mut params: Vec<Value> = vec![state.into(), now.into()];
        params.extend(ids.iter().map(|i| Value::Int(*i)));
        self.conn.execute(&sql, &params)?;
        Ok(())
    }

    fn mail_cursor(&mut self) -> Result<Option<i64>> {
        self.one("SELECT seq FROM mail_cursor WHERE id = 1", &[])?.map(|r| r.i64(0)).transpose()
    }

    fn set_mail_cursor(&mut self, seq: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO mail_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
            args![seq],
        )?;
        Ok(())
    }

    fn insert_mail(&mut self, m: &NewMail) -> Result<bool> {
        let inserted = self.conn.execute(
            "INSERT INTO mail_outbox (event_seq, user_id, workspace_id, to_addr, subject, text_body, html_body, \
             unsubscribe_url, next_attempt_ts, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
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
                m.created_ts
            ],
        )?;
        Ok(inserted > 0)
    }

    fn mail_due(&mut self, now: i64) -> Result<bool> {
        let due = self.one(
            "SELECT id FROM mail_outbox WHERE (state = 'queued' AND next_attempt_ts <= ?) \
             OR (state = 'sending' AND lease_until_ts <= ?) LIMIT 1",
            args![now, now],
        )?;
        Ok(due.is_some())
    }

    fn claim_mail(&mut self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxMail>> {
        let rows = self.conn.query(
            "SELECT id FROM mail_outbox WHERE (state = 'queued' AND next_attempt_ts <= ?) \
             OR (state = 'sending' AND lease_until_ts <= ?) ORDER BY next_attempt_ts, id LIMIT ?",
            args![now, now, limit],
        )?;
        let ids: Vec<Value> = rows.iter().map(|r| r.i64(0).map(Value::Int)).collect::<Result<_>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(ids.len());
        let mut params: Vec<Value> = vec![lease_until.into()];
        params.extend(ids.iter().cloned());
        self.conn.execute(
            &format!(
                "UPDATE mail_outbox SET state = 'sending', lease_until_ts = ?, attempts = attempts + 1 \
                 WHERE id IN ({list})"
            ),
            &params,
        )?;
        let sql = format!("SELECT {OUTBOX_COLS} FROM mail_outbox WHERE id IN ({list}) ORDER BY next_attempt_ts, id");
        self.conn.query(&sql, &ids)?.iter().map(outbox_from).collect()
    }

    fn finish_mail(&mut self, id: i64, outcome: &MailOutcome, now: i64) -> Result<()> {
        match outcome {
            MailOutcome::Sent => self.conn.execute(
                "UPDATE mail_outbox SET state = 'sent', sent_ts = ?, lease_until_ts = NULL, last_error = NULL \
                 WHERE id = ?",
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

    fn mail_token(&mut self, user: UserId, ws: WorkspaceId) -> Result<Option<String>> {
        self.one("SELECT token FROM mail_unsubscribe WHERE user_id = ? AND workspace_id = ?", args![user, ws])?
            .map(|r| r.text(0))
            .transpose()
    }

    fn insert_mail_token(&mut self, user: UserId, ws: WorkspaceId, token: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO mail_unsubscribe (user_id, workspace_id, token) VALUES (?, ?, ?)",
            args![user, ws, token],
        )?;
        Ok(())
    }

    fn mail_token_owner(&mut self, token: &str) -> Result<Option<(UserId, WorkspaceId)>> {
        self.one("SELECT user_id, workspace_id FROM mail_unsubscribe WHERE token = ?", args![token])?
            .map(|r| Ok((UserId(r.i64(0)?), WorkspaceId(r.i64(1)?))))
            .transpose()
    }

    fn insert_emergency(&mut self, e: &Emergency) -> Result<i64> {
        self.insert_id(
            "INSERT INTO emergencies (workspace_id, channel_id, thread_id, comment_id, raised_by, raised_ts, reached, \
             escalate_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                e.workspace_id.into(),
                e.channel_id.into(),
                e.thread_id.into(),
                e.comment_id.into(),
                e.raised_by.into(),
                e.raised_ts.into(),
                json(&e.reached),
                e.escalate_ts.into(),
            ],
        )
    }

    fn emergency(&mut self, id: i64) -> Result<Option<Emergency>> {
        let rows = self.conn.query(&format!("SELECT {EMERGENCY_COLS} FROM emergencies WHERE id = ?"), args![id])?;
        Ok(self.with_acks(rows)?.into_iter().next())
    }

    fn emergencies(&mut self, ws: WorkspaceId, limit: i64) -> Result<Vec<Emergency>> {
        let rows = self.conn.query(
            &format!("SELECT {EMERGENCY_COLS} FROM emergencies WHERE workspace_id = ? ORDER BY id DESC LIMIT ?"),
            args![ws, limit],
        )?;
        self.with_acks(rows)
    }

    fn ack_emergency(&mut self, id: i64, user: UserId, ts: i64) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO emergency_acks (emergency_id, user_id, ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            args![id, user, ts],
        )?;
        Ok(n > 0)
    }

    fn due_escalations(&mut self, now: i64) -> Result<Vec<Emergency>> {
        let rows = self.conn.query(
            &format!(
                "SELECT {EMERGENCY_COLS} FROM emergencies WHERE escalated_ts IS NULL AND escalate_ts <= ? ORDER BY id LIMIT 100"
            ),
            args![now],
        )?;
        self.with_acks(rows)
    }

    fn set_escalated(&mut self, id: i64, to: &[UserId], ts: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE emergencies SET escalated_ts = ?, escalated_to = ? WHERE id = ?",
            &[ts.into(), json(to), Value::Int(id)],
        )?;
        Ok(())
    }

    fn rotation(&mut self, channel: ChannelId) -> Result<Option<weft_core::rotation::Rotation>> {
        self.one("SELECT rotation FROM rotations WHERE channel_id = ?", args![channel])?.map(|r| r.json(0)).transpose()
    }

    fn put_rotation(&mut self, channel: ChannelId, r: &weft_core::rotation::Rotation, now: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO rotations (channel_id, rotation, updated_ts) VALUES (?, ?, ?) \
             ON CONFLICT (channel_id) DO UPDATE SET rotation = excluded.rotation, updated_ts = excluded.updated_ts",
            &[channel.into(), json(r), now.into()],
        )?;
        Ok(())
    }

    fn delete_rotation(&mut self, channel: ChannelId) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM rotations WHERE channel_id = ?", args![channel])? > 0)
    }

    fn idempotent_response(&mut self, user: UserId, key: &str) -> Result<Option<Json>> {
        self.one("SELECT response FROM idempotency WHERE user_id = ? AND key = ?", args![user, key])?
            .map(|r| r.json(0))
            .transpose()
    }

    fn save_idempotent_response(&mut self, user: UserId, key: &str, response: &Json, now: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO idempotency (user_id, key, response, created_ts) VALUES (?, ?, ?, ?)",
            &[user.into(), key.into(), json(response), now.into()],
        )?;
        Ok(())
    }
}
