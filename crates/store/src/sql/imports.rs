//! `Imports` in SQL: history written row by row as it was, in few statements (multi-row
//! inserts), with no event and no fan-out.

use super::{ROWS_PER_INSERT, SqlTx, Value, args, json, rows_of};
use std::collections::HashMap;
use weft_core::store::{ImportMapping, ImportedPost, ImportedThread, Imports, SearchDoc};
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

impl SqlTx<'_> {
    /// Inserts rows of `width` values into `table (cols)`, `ROWS_PER_INSERT` at a time,
    /// answering what `returning` names of each row (nothing when it is empty).
    fn insert_rows(
        &mut self,
        head: &str,
        width: usize,
        rows: &[Vec<Value>],
        returning: &str,
    ) -> Result<Vec<super::Row>> {
        let mut out = Vec::new();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let params: Vec<Value> = chunk.iter().flatten().cloned().collect();
            let sql = format!("{head} VALUES {}{returning}", rows_of(chunk.len(), width));
            if returning.is_empty() {
                self.conn.send(&sql, &params)?;
            } else {
                out.extend(self.conn.query(&sql, &params)?);
            }
        }
        Ok(out)
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
             last_edited_ts, comment_count, last_obj_index, participants, direct_mentions, snippet, snippet_creator) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                ]
            })
            .collect();
        let ids = self.insert_rows(
            "INSERT INTO comments (thread_id, obj_index, content, creator, posted_ts, last_edited_ts, direct_mentions)",
            7,
            &rows,
            " RETURNING obj_index, id",
        )?;
        let mut by_index = HashMap::with_capacity(ids.len());
        for r in &ids {
            by_index.insert(r.i64(0)?, r.i64(1)?);
        }
        let doc = |kind: &'static str, obj_id: i64, p: &ImportedPost, title: &str| SearchDoc {
            kind,
            obj_id,
            workspace_id: t.workspace_id,
            channel_id: Some(t.channel_id),
            conversation_id: None,
            thread_id: Some(id),
            author_id: p.creator,
            posted_ts: p.posted_ts,
            title: title.to_string(),
            body: p.content.clone(),
            mentions: p.mentions.clone(),
            has_attachments: false,
        };
        self.add_doc(&doc("thread", id.0, first, &t.title))?;
        let mut targets = vec![(id.0, first)];
        let mut comment_targets = Vec::with_capacity(rest.len());
        for (i, c) in rest.iter().enumerate() {
            let cid = *by_index.get(&(i as i64)).ok_or(Error::Internal("an imported comment has no id".into()))?;
            self.add_doc(&doc("comment", cid, c, ""))?;
            comment_targets.push((cid, c));
        }
        self.import_reactions("thread", &targets)?;
        targets.clear();
        self.import_reactions("comment", &comment_targets)?;
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
                ]
            })
            .collect();
        let ids = self.insert_rows(
            "INSERT INTO messages (conversation_id, obj_index, content, creator, posted_ts, last_edited_ts, \
             direct_mentions)",
            7,
            &rows,
            " RETURNING obj_index, id",
        )?;
        let mut by_index = HashMap::with_capacity(ids.len());
        for r in &ids {
            by_index.insert(r.i64(0)?, r.i64(1)?);
        }
        let mut targets = Vec::with_capacity(posts.len());
        for (i, m) in posts.iter().enumerate() {
            let mid =
                *by_index.get(&(start + i as i64)).ok_or(Error::Internal("an imported message has no id".into()))?;
            self.add_doc(&SearchDoc {
                kind: "message",
                obj_id: mid,
                workspace_id: ws,
                channel_id: None,
                conversation_id: Some(conversation),
                thread_id: None,
                author_id: m.creator,
                posted_ts: m.posted_ts,
                title: String::new(),
                body: m.content.clone(),
                mentions: m.mentions.clone(),
                has_attachments: false,
            })?;
            targets.push((mid, m));
        }
        self.import_reactions("message", &targets)?;
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
