//! `Imports` in SQL: history written row by row as it was, in few statements (multi-row
//! inserts), with no event and no fan-out.

use super::{Dialect, FTS_INSERT, FtsIndexing, ROWS_PER_INSERT, SqlTx, Value, args, json, rows_of};
use weft_core::store::{Attachments, ImportMapping, ImportedPost, ImportedThread, Imports, PostRef, SearchDoc};
use weft_core::{ConversationId, Error, Result, ThreadId, UserId, WorkspaceId};

/// The distinct people of `posts`, in order of first appearance.
fn authors(posts: &[ImportedPost]) -> Vec<UserId> {
    let mut seen = Vec::new();
    for p in posts {
        if !seen.contains(&p.creator) {
            seen.push(p.creator);
        }
    }
    seen
}

/// A post's `attachments` JSON: the objects of the files it carries.
fn attachments_of(p: &ImportedPost) -> Value {
    json(&p.attachments.iter().map(|a| a.object.clone()).collect::<Vec<_>>())
}

/// Whether a post just inserted (aliased `p`) carries files, for its search document.
const HAS_ATTACHMENTS: &str = "CASE WHEN p.attachments = '[]' THEN 0 ELSE 1 END";

/// A search document's `mentions` (",1,2,") from a post's `direct_mentions` JSON ("[1,2]"),
/// as `add_doc` writes it.
const MENTIONS_OF: &str = "CASE WHEN p.direct_mentions = '[]' THEN ',' \
     ELSE REPLACE(REPLACE(p.direct_mentions, '[', ','), ']', ',') END";

impl SqlTx<'_> {
    /// Adds the search documents of posts just inserted, read back by `filter` (on the
    /// posts' table, aliased `p`), in one statement: their ids are never waited for.
    fn import_docs(&mut self, select: &str, filter: &str, params: &[Value]) -> Result<()> {
        let sql = format!(
            "INSERT INTO search_docs (kind, obj_id, workspace_id, channel_id, conversation_id, thread_id, author_id, \
             posted_ts, title, body, mentions, has_attachments) {select} WHERE {filter} ORDER BY p.obj_index"
        );
        let before = match (self.conn.dialect(), self.fts) {
            (Dialect::Sqlite, FtsIndexing::Immediate) => {
                Some(self.count("SELECT COALESCE(MAX(id), 0) FROM search_docs", &[])?)
            }
            _ => None,
        };
        self.conn.send(&sql, params)?;
        match (self.conn.dialect(), self.fts, before) {
            (Dialect::Sqlite, FtsIndexing::Immediate, Some(b)) => {
                self.conn.send(&format!("{FTS_INSERT} WHERE id > ?"), args![b])?;
            }
            (Dialect::Sqlite, FtsIndexing::Deferred { .. }, _) => self.deferred_docs = true,
            _ => {}
        }
        Ok(())
    }

    /// Reactions to posts just inserted, each found by `find` (a SELECT of the post's id
    /// with one `?` for its `obj_index` last).
    fn import_reactions_at(
        &mut self,
        kind: &str,
        find: &str,
        key: &[Value],
        posts: &[(i64, &ImportedPost)],
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO reactions (target_kind, target_id, emoji, user_id, created_ts) \
             SELECT ?, p.id, ?, ?, ? FROM {find} ON CONFLICT DO NOTHING"
        );
        for (obj_index, post) in posts {
            for (emoji, users) in &post.reactions {
                for u in users {
                    let mut params: Vec<Value> = vec![kind.into(), emoji.into(), (*u).into(), post.posted_ts.into()];
                    params.extend(key.iter().cloned());
                    params.push(Value::Int(*obj_index));
                    self.conn.send(&sql, &params)?;
                }
            }
        }
        Ok(())
    }

    /// Inserts rows of `width` values (`head` names the table and columns),
    /// `ROWS_PER_INSERT` at a time, without waiting for answers.
    fn insert_rows(&mut self, head: &str, width: usize, rows: &[Vec<Value>]) -> Result<()> {
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let params: Vec<Value> = chunk.iter().flatten().cloned().collect();
            self.conn.send(&format!("{head} VALUES {}", rows_of(chunk.len(), width)), &params)?;
        }
        Ok(())
    }

    /// The `attachment_uses` of posts just inserted, each found by `find` (a SELECT of the
    /// post's id with one `?` for its `obj_index` last); `column` names the post's kind.
    fn import_uses_at(
        &mut self,
        column: &str,
        find: &str,
        key: &[Value],
        posts: &[(i64, &ImportedPost)],
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO attachment_uses (attachment_id, {column}) SELECT ?, p.id FROM {find} ON CONFLICT DO NOTHING"
        );
        for (obj_index, post) in posts {
            let mut ids: Vec<&str> = post.attachments.iter().map(|a| a.attachment_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                let mut params: Vec<Value> = vec![id.into()];
                params.extend(key.iter().cloned());
                params.push(Value::Int(*obj_index));
                self.conn.send(&sql, &params)?;
            }
        }
        Ok(())
    }

    fn import_reactions(&mut self, kind: &str, targets: &[(i64, &ImportedPost)]) -> Result<()> {
        let mut rows = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (id, post) in targets {
            for (emoji, users) in &post.reactions {
                for u in users {
                    if seen.insert((*id, emoji.as_str(), *u)) {
                        rows.push(vec![kind.into(), Value::Int(*id), emoji.into(), (*u).into(), post.posted_ts.into()]);
                    }
                }
            }
        }
        let head = "INSERT INTO reactions (target_kind, target_id, emoji, user_id, created_ts)";
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let params: Vec<Value> = chunk.iter().flatten().cloned().collect();
            let sql = format!("{head} VALUES {} ON CONFLICT DO NOTHING", rows_of(chunk.len(), 5));
            self.conn.send(&sql, &params)?;
        }
        Ok(())
    }
}

impl Imports for SqlTx<'_> {
    fn import_mappings(&mut self, ws: WorkspaceId, source: &str) -> Result<Vec<ImportMapping>> {
        self.conn
            .query(
                "SELECT kind, external_id, weft_id FROM import_map WHERE workspace_id = ? AND source = ?",
                args![ws, source],
            )?
            .iter()
            .map(|r| Ok(ImportMapping { kind: r.text(0)?, external_id: r.text(1)?, weft_id: r.i64(2)? }))
            .collect()
    }

    fn put_import_mapping(&mut self, ws: WorkspaceId, source: &str, m: &ImportMapping) -> Result<()> {
        self.conn.send(
            "INSERT INTO import_map (workspace_id, source, kind, external_id, weft_id) VALUES (?, ?, ?, ?, ?)",
            args![ws, source, m.kind.as_str(), m.external_id.as_str(), m.weft_id],
        )
    }

    fn import_thread(&mut self, t: &ImportedThread) -> Result<ThreadId> {
        let (first, rest) = t.posts.split_first().ok_or(Error::Internal("an imported thread has no post".into()))?;
        let last = t.posts.last().unwrap_or(first);
        let last_obj_index = rest.len() as i64 - 1;
        let id = ThreadId(self.insert_id(
            "INSERT INTO threads (workspace_id, channel_id, title, content, creator, posted_ts, last_updated_ts, \
             last_edited_ts, comment_count, last_obj_index, participants, direct_mentions, snippet, snippet_creator, \
             attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            &[
                t.workspace_id.into(),
                t.channel_id.into(),
                (&t.title).into(),
                (&first.content).into(),
                first.creator.into(),
                first.posted_ts.into(),
                last.posted_ts.into(),
                first.last_edited_ts.into(),
                Value::Int(rest.len() as i64),
                last_obj_index.into(),
                json(&authors(&t.posts)),
                json(&first.mentions),
                (&t.snippet).into(),
                last.creator.into(),
                attachments_of(first),
            ],
        )?);
        let rows: Vec<Vec<Value>> = rest
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    id.into(),
                    Value::Int(i as i64),
                    (&c.content).into(),
                    c.creator.into(),
                    c.posted_ts.into(),
                    c.last_edited_ts.into(),
                    json(&c.mentions),
                    attachments_of(c),
                ]
            })
            .collect();
        self.insert_rows(
            "INSERT INTO comments (thread_id, obj_index, content, creator, posted_ts, last_edited_ts, direct_mentions, \
             attachments)",
            8,
            &rows,
        )?;
        self.add_doc(&SearchDoc {
            kind: "thread",
            obj_id: id.0,
            workspace_id: t.workspace_id,
            channel_id: Some(t.channel_id),
            conversation_id: None,
            thread_id: Some(id),
            author_id: first.creator,
            posted_ts: first.posted_ts,
            title: t.title.clone(),
            body: first.content.clone(),
            mentions: first.mentions.clone(),
            has_attachments: !first.attachments.is_empty(),
        })?;
        if !rest.is_empty() {
            self.import_docs(
                &format!(
                    "SELECT 'comment', p.id, ?, ?, NULL, p.thread_id, p.creator, p.posted_ts, '', p.content, \
                     {MENTIONS_OF}, {HAS_ATTACHMENTS} FROM comments p"
                ),
                "p.thread_id = ?",
                args![t.workspace_id, t.channel_id, id],
            )?;
        }
        self.import_reactions("thread", &[(id.0, first)])?;
        let mut carried: Vec<String> = first.attachments.iter().map(|a| a.attachment_id.clone()).collect();
        carried.sort_unstable();
        carried.dedup();
        if !carried.is_empty() {
            self.set_attachment_uses(PostRef::Thread(id), &carried)?;
        }
        let comments: Vec<(i64, &ImportedPost)> = rest.iter().enumerate().map(|(i, c)| (i as i64, c)).collect();
        self.import_uses_at(
            "comment_id",
            "comments p WHERE p.thread_id = ? AND p.obj_index = ?",
            args![id],
            &comments,
        )?;
        self.import_reactions_at(
            "comment",
            "comments p WHERE p.thread_id = ? AND p.obj_index = ?",
            args![id],
            &comments,
        )?;
        // History is read: every member of the channel has read the thread to its end.
        self.conn.send(
            "INSERT INTO thread_states (thread_id, user_id, last_read_obj_index) \
             SELECT ?, user_id, ? FROM channel_users WHERE channel_id = ? ON CONFLICT DO NOTHING",
            args![id, last_obj_index, t.channel_id],
        )?;
        Ok(id)
    }

    fn import_messages(
        &mut self,
        ws: WorkspaceId,
        conversation: ConversationId,
        posts: &[ImportedPost],
        snippet: &str,
    ) -> Result<()> {
        let Some(last) = posts.last() else { return Ok(()) };
        let row = self
            .one("SELECT last_obj_index, snippet_creators FROM conversations WHERE id = ?", args![conversation])?
            .ok_or(Error::Internal("an imported conversation vanished".into()))?;
        let start = row.i64(0)? + 1;
        let mut creators: Vec<UserId> = row.json(1)?;
        for u in authors(posts).into_iter().rev() {
            creators.retain(|c| *c != u);
            creators.insert(0, u);
        }
        creators.truncate(3);
        let rows: Vec<Vec<Value>> = posts
            .iter()
            .enumerate()
            .map(|(i, m)| {
                vec![
                    conversation.into(),
                    Value::Int(start + i as i64),
                    (&m.content).into(),
                    m.creator.into(),
                    m.posted_ts.into(),
                    m.last_edited_ts.into(),
                    json(&m.mentions),
                    attachments_of(m),
                ]
            })
            .collect();
        self.insert_rows(
            "INSERT INTO messages (conversation_id, obj_index, content, creator, posted_ts, last_edited_ts, \
             direct_mentions, attachments)",
            8,
            &rows,
        )?;
        self.import_docs(
            &format!(
                "SELECT 'message', p.id, ?, NULL, p.conversation_id, NULL, p.creator, p.posted_ts, '', p.content, \
                 {MENTIONS_OF}, {HAS_ATTACHMENTS} FROM messages p"
            ),
            "p.conversation_id = ? AND p.obj_index >= ?",
            args![ws, conversation, start],
        )?;
        let targets: Vec<(i64, &ImportedPost)> = posts.iter().enumerate().map(|(i, m)| (start + i as i64, m)).collect();
        self.import_uses_at(
            "message_id",
            "messages p WHERE p.conversation_id = ? AND p.obj_index = ?",
            args![conversation],
            &targets,
        )?;
        self.import_reactions_at(
            "message",
            "messages p WHERE p.conversation_id = ? AND p.obj_index = ?",
            args![conversation],
            &targets,
        )?;
        let last_index = start + posts.len() as i64 - 1;
        self.conn.send(
            "UPDATE conversations SET last_obj_index = ?, message_count = message_count + ?, \
             last_active_ts = CASE WHEN last_active_ts > ? THEN last_active_ts ELSE ? END, snippet = ?, \
             snippet_creators = ? WHERE id = ?",
            args![
                last_index,
                posts.len() as i64,
                last.posted_ts,
                last.posted_ts,
                snippet,
                json(&creators),
                conversation
            ],
        )?;
        // History is read: nobody's read position stays behind imported messages.
        self.conn.send(
            "UPDATE conversation_users SET last_read_obj_index = ? WHERE conversation_id = ? \
             AND last_read_obj_index >= ?",
            args![last_index, conversation, start - 1],
        )?;
        Ok(())
    }
}
