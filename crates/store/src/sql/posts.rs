//! `Posts` in SQL: threads, comments and reactions (with their search documents).

use super::channels::{CHANNEL_COLS, VIEWER_COLS, VIEWER_JOIN, seen_channel_from};
use super::{Dialect, Row, SqlTx, Value, args, item_filters, json, placeholders};
use std::collections::HashMap;
use weft_core::model::*;
use weft_core::store::{
    ItemQuery, Membership, Posts, PostsAndPlaces, Search, Sight, ThreadQuery, ThreadState, comment_doc, thread_doc,
};
use weft_core::{ChannelId, CommentId, Result, ThreadId, UserId, WorkspaceId};

pub(super) const THREAD_COLS: &str = "t.id, t.channel_id, t.workspace_id, t.title, t.content, t.creator, u.name, t.posted_ts, \
     t.last_updated_ts, t.last_edited_ts, t.comment_count, t.last_obj_index, t.closed, t.pinned, t.pinned_ts, \
     t.participants, t.recipients, t.notify_groups, t.direct_mentions, t.direct_group_mentions, t.attachments, \
     t.actions, t.snippet, t.snippet_creator, t.version, \
     COALESCE(s.starred, 0), COALESCE(s.archived, 0), s.muted_until_ts, COALESCE(s.last_read_obj_index, -2), \
     t.dri_id, t.status, t.status_by, t.status_ts, t.decision_due_ts, t.decision_comment_id";

/// How many columns `THREAD_COLS` selects (what a query selects after them starts here).
pub(super) const THREAD_NCOLS: usize = 35;

pub(super) const THREAD_FROM: &str = "FROM threads t JOIN users u ON u.id = t.creator \
     LEFT JOIN thread_states s ON s.thread_id = t.id AND s.user_id = ?";

/// `Posts::thread_seen_by`'s query. Parameters: the viewer five times, the thread.
fn thread_seen_by_sql() -> String {
    format!(
        "SELECT {THREAD_COLS}, {CHANNEL_COLS}, {VIEWER_COLS} {THREAD_FROM} \
         JOIN channels c ON c.id = t.channel_id {VIEWER_JOIN} WHERE t.id = ?"
    )
}

/// A row of `thread_seen_by_sql`.
fn thread_seen_from(mut row: Row, viewer: UserId) -> Result<(Thread, Channel, Option<Membership>)> {
    let channel = Row(row.0.split_off(THREAD_NCOLS));
    let (ch, membership) = seen_channel_from(&channel, viewer)?;
    Ok((thread_from(&row)?, ch, membership))
}

pub(super) fn thread_from(r: &Row) -> Result<Thread> {
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
        dri_id: r.opt_i64(29)?.map(UserId),
        status: ThreadStatus::parse(&r.text(30)?),
        status_by: r.opt_i64(31)?.map(UserId),
        status_ts: r.opt_i64(32)?,
        decision_due_ts: r.opt_i64(33)?,
        decision_comment_id: r.opt_i64(34)?.map(CommentId),
    })
}

const COMMENT_COLS: &str = "c.id, c.thread_id, t.channel_id, t.workspace_id, c.obj_index, c.content, c.creator, \
     u.name, c.posted_ts, c.last_edited_ts, c.recipients, c.notify_groups, c.direct_mentions, \
     c.direct_group_mentions, c.attachments, c.actions, c.system_message, c.thread_action, c.version";

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

impl Posts for SqlTx<'_> {
    fn insert_thread(&mut self, t: &Thread) -> Result<ThreadId> {
        let id = self.insert_new(
            "threads",
            "workspace_id, channel_id, title, content, creator, posted_ts, last_updated_ts, \
             participants, recipients, notify_groups, direct_mentions, direct_group_mentions, attachments, actions, \
             snippet, snippet_creator",
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
        self.add_doc(&thread_doc(&Thread { id, ..t.clone() }))?;
        Ok(id)
    }

    fn thread(&mut self, id: ThreadId, viewer: UserId) -> Result<Option<Thread>> {
        let sql = format!("SELECT {THREAD_COLS} {THREAD_FROM} WHERE t.id = ?");
        self.one(&sql, args![viewer, id])?.map(|r| thread_from(&r)).transpose()
    }

    fn thread_seen_by(
        &mut self,
        id: ThreadId,
        viewer: UserId,
    ) -> Result<Option<(Thread, Channel, Option<Membership>)>> {
        let Some(row) = self.one(&thread_seen_by_sql(), args![viewer, viewer, viewer, viewer, viewer, id])? else {
            return Ok(None);
        };
        thread_seen_from(row, viewer).map(Some)
    }

    fn thread_and_participants_seen_by(
        &mut self,
        id: ThreadId,
        viewer: UserId,
    ) -> Result<Option<(Thread, Channel, Option<Membership>, Vec<Sight>)>> {
        let of_thread = |column: &str| format!("(SELECT {column} FROM threads WHERE id = ?)");
        let participants = match self.conn.dialect() {
            Dialect::Sqlite => format!("SELECT value FROM json_each({})", of_thread("participants")),
            Dialect::Postgres => {
                "SELECT CAST(jsonb_array_elements_text(participants::jsonb) AS BIGINT) FROM threads WHERE id = ?"
                    .to_string()
            }
        };
        let sight = super::channels::sight_sql(&of_thread("channel_id"), &of_thread("workspace_id"), &participants);
        let mut answers = self
            .conn
            .query_many(&[
                (thread_seen_by_sql(), args![viewer, viewer, viewer, viewer, viewer, id].to_vec()),
                (sight, args![id, id, id].to_vec()),
            ])?
            .into_iter();
        let (thread, sight) = (answers.next().unwrap_or_default(), answers.next().unwrap_or_default());
        let Some(row) = thread.into_iter().next() else { return Ok(None) };
        let (t, ch, membership) = thread_seen_from(row, viewer)?;
        let sight = sight.iter().map(super::channels::sight_from).collect::<Result<_>>()?;
        Ok(Some((t, ch, membership, sight)))
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
        self.conn.send(
            "UPDATE threads SET channel_id = ?, title = ?, content = ?, last_updated_ts = ?, last_edited_ts = ?, \
             comment_count = ?, last_obj_index = ?, closed = ?, pinned = ?, pinned_ts = ?, participants = ?, \
             recipients = ?, notify_groups = ?, direct_mentions = ?, direct_group_mentions = ?, attachments = ?, \
             actions = ?, snippet = ?, snippet_creator = ?, version = ?, dri_id = ?, status = ?, status_by = ?, \
             status_ts = ?, decision_due_ts = ?, decision_comment_id = ? WHERE id = ?",
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
                t.dri_id.into(),
                t.status.as_str().into(),
                t.status_by.into(),
                t.status_ts.into(),
                t.decision_due_ts.into(),
                t.decision_comment_id.into(),
                t.id.into(),
            ],
        )?;
        Ok(())
    }

    fn delete_thread(&mut self, id: ThreadId) -> Result<()> {
        self.conn.send(
            "DELETE FROM reactions WHERE target_kind = 'comment' AND target_id IN (SELECT id FROM comments WHERE thread_id = ?)",
            args![id],
        )?;
        self.conn.send("DELETE FROM reactions WHERE target_kind = 'thread' AND target_id = ?", args![id])?;
        self.delete_docs("thread_id", id.0)?;
        self.conn.send("DELETE FROM threads WHERE id = ?", args![id])?;
        Ok(())
    }

    fn put_thread_state(&mut self, thread: ThreadId, user: UserId, s: ThreadState) -> Result<()> {
        self.conn.send(
            "INSERT INTO thread_states (thread_id, user_id, starred, archived, muted_until_ts, last_read_obj_index) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id, user_id) DO UPDATE SET starred = excluded.starred, \
             archived = excluded.archived, muted_until_ts = excluded.muted_until_ts, \
             last_read_obj_index = excluded.last_read_obj_index",
            args![thread, user, s.starred, s.archived, s.muted_until_ts, s.last_read_obj_index],
        )?;
        // The inbox row keeps the read position, and its unread flag follows it.
        self.conn.send(
            "UPDATE inbox_items SET read_obj_index = ?, unread = CASE WHEN ? < (SELECT t.last_obj_index \
             FROM threads t WHERE t.id = inbox_items.thread_id) THEN 1 ELSE 0 END WHERE user_id = ? AND thread_id = ?",
            args![s.last_read_obj_index, s.last_read_obj_index, user, thread],
        )?;
        Ok(())
    }

    fn insert_comment(&mut self, c: &Comment) -> Result<CommentId> {
        let id = self.insert_new(
            "comments",
            "thread_id, obj_index, content, creator, posted_ts, recipients, notify_groups, \
             direct_mentions, direct_group_mentions, attachments, actions, system_message, thread_action",
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
        self.add_doc(&comment_doc(&Comment { id, ..c.clone() }))?;
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

    fn posts_and_places(&mut self, threads: &[ThreadId], comments: &[CommentId]) -> Result<PostsAndPlaces> {
        if threads.is_empty() {
            return Ok(PostsAndPlaces::default());
        }
        let nobody = Value::from(UserId(0));
        let thread_ids: Vec<Value> = threads.iter().map(|t| Value::from(*t)).collect();
        let mut queries = vec![
            (
                format!("SELECT {THREAD_COLS} {THREAD_FROM} WHERE t.id IN ({})", placeholders(threads.len())),
                std::iter::once(nobody.clone()).chain(thread_ids.clone()).collect(),
            ),
            (
                format!(
                    "SELECT {CHANNEL_COLS}, r.rotation FROM channels c LEFT JOIN rotations r ON r.channel_id = c.id \
                     WHERE c.id IN (SELECT channel_id FROM threads WHERE id IN ({}))",
                    placeholders(threads.len())
                ),
                [nobody.clone(), nobody].into_iter().chain(thread_ids).collect(),
            ),
            super::expectations::open_in_threads_query(threads),
        ];
        if !comments.is_empty() {
            let sql = format!("SELECT {COMMENT_COLS} {COMMENT_FROM} WHERE c.id IN ({})", placeholders(comments.len()));
            queries.push((sql, comments.iter().map(|c| Value::from(*c)).collect()));
        }
        let mut answers = self.conn.query_many(&queries)?.into_iter();
        let mut next = || answers.next().unwrap_or_default();
        let (threads, channels, expectations, comments) = (next(), next(), next(), next());
        Ok(PostsAndPlaces {
            threads: threads.iter().map(thread_from).collect::<Result<_>>()?,
            comments: comments.iter().map(comment_from).collect::<Result<_>>()?,
            channels: channels
                .iter()
                .map(|r| Ok((super::channels::channel_from(r)?, r.opt_json(r.0.len() - 1)?)))
                .collect::<Result<_>>()?,
            open_expectations: expectations.iter().map(super::expectations::expectation_from).collect::<Result<_>>()?,
        })
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
        self.conn.send(
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
        self.index_doc(&comment_doc(c))
    }

    fn delete_comment(&mut self, id: CommentId) -> Result<()> {
        self.conn.send("DELETE FROM reactions WHERE target_kind = 'comment' AND target_id = ?", args![id])?;
        self.unindex_doc("comment", id.0)?;
        self.conn.send("DELETE FROM comments WHERE id = ?", args![id])?;
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

    fn threads_by_ids(&mut self, ids: &[ThreadId], viewer: UserId) -> Result<Vec<Thread>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {THREAD_COLS} {THREAD_FROM} WHERE t.id IN ({})", placeholders(ids.len()));
        let params: Vec<Value> = std::iter::once(viewer.into()).chain(ids.iter().map(|t| Value::from(*t))).collect();
        self.conn.query(&sql, &params)?.iter().map(thread_from).collect()
    }

    fn last_comments(&mut self, threads: &[ThreadId]) -> Result<HashMap<ThreadId, Comment>> {
        if threads.is_empty() {
            return Ok(HashMap::new());
        }
        // Per thread: its newest obj_index, then that one comment, by key (matching the
        // newest among all of a thread's comments instead reads every one of them).
        let sql = format!(
            "SELECT {COMMENT_COLS} FROM threads t JOIN comments c ON c.thread_id = t.id \
             AND c.obj_index = (SELECT MAX(c2.obj_index) FROM comments c2 WHERE c2.thread_id = t.id) \
             JOIN users u ON u.id = c.creator WHERE t.id IN ({})",
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
}
