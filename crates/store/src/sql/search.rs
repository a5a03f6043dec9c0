//! `Search` in SQL: search documents and both engines' full-text search (FTS5, tsvector).

use super::{Conn, Dialect, FtsIndexing, SqlTx, Value, args, placeholders};
use weft_core::store::{RANK_CANDIDATES, Search, SearchDoc, SearchHit, SearchQuery};
use weft_core::{ChannelId, ConversationId, Result, ThreadId, UserId};

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
    if q.has_attachments {
        sql.push_str(" AND d.has_attachments = 1");
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
    fn without_words() -> SearchPlan {
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

impl SqlTx<'_> {
    /// Adds the search document of a new object.
    pub(super) fn add_doc(&mut self, d: &SearchDoc) -> Result<()> {
        let mentions: String = d.mentions.iter().map(|u| format!(",{u}")).collect::<String>() + ",";
        const INSERT_DOC: &str = "INSERT INTO search_docs (kind, obj_id, workspace_id, channel_id, conversation_id, \
             thread_id, author_id, posted_ts, title, body, mentions, has_attachments) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        let params: [Value; 12] = [
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
            d.has_attachments.into(),
        ];
        // PostgreSQL indexes the document with its row; SQLite's full-text table needs its id.
        match (self.conn.dialect(), self.fts) {
            (Dialect::Sqlite, FtsIndexing::Immediate) => {
                let id = self.insert_id(&format!("{INSERT_DOC} RETURNING id"), &params)?;
                self.conn.send(&format!("{FTS_INSERT} WHERE id = ?"), args![id])?;
            }
            (Dialect::Sqlite, FtsIndexing::Deferred { .. }) => {
                self.conn.send(INSERT_DOC, &params)?;
                self.deferred_docs = true;
            }
            (Dialect::Postgres, _) => self.conn.send(INSERT_DOC, &params)?,
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
        self.conn.send(&sql, &params)?;
        Ok(())
    }

    /// Removes the search documents whose `column` (channel_id or workspace_id) is `id`.
    pub(super) fn delete_docs(&mut self, column: &str, id: i64) -> Result<()> {
        self.fts_delete(&format!("{column} = ?"), &[Value::Int(id)])?;
        self.conn.send(&format!("DELETE FROM search_docs WHERE {column} = ?"), &[Value::Int(id)])?;
        Ok(())
    }
}

impl Search for SqlTx<'_> {
    fn index_doc(&mut self, d: &SearchDoc) -> Result<()> {
        self.unindex_doc(d.kind, d.obj_id)?;
        self.add_doc(d)
    }

    fn unindex_doc(&mut self, kind: &str, obj_id: i64) -> Result<()> {
        self.fts_delete("kind = ? AND obj_id = ?", args![kind, obj_id])?;
        self.conn.send("DELETE FROM search_docs WHERE kind = ? AND obj_id = ?", args![kind, obj_id])?;
        Ok(())
    }

    fn unindex_thread(&mut self, thread: ThreadId) -> Result<()> {
        self.fts_delete("thread_id = ?", args![thread])?;
        self.conn.send("DELETE FROM search_docs WHERE thread_id = ?", args![thread])?;
        Ok(())
    }

    fn move_thread_docs(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()> {
        self.fts_delete("thread_id = ?", args![thread])?;
        self.conn.send("UPDATE search_docs SET channel_id = ? WHERE thread_id = ?", args![channel, thread])?;
        if self.conn.dialect() == Dialect::Sqlite {
            // The channel is one of the document's filter tokens. Documents still waiting
            // for the index get it when they enter.
            let (filter, params) = self.indexed_docs("thread_id = ?", args![thread]);
            self.conn.send(&format!("{FTS_INSERT} WHERE {filter}"), &params)?;
        }
        Ok(())
    }

    fn search(&mut self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        if q.words.is_empty() && q.mentioning.is_none() && !q.has_attachments {
            return Ok(Vec::new());
        }
        if self.conn.dialect() == Dialect::Postgres {
            // Plan for the actual values: the window's bounds decide between walking the
            // newest documents and the text index, which a plan cached for any value cannot.
            self.conn.send("SET LOCAL plan_cache_mode = force_custom_plan", &[])?;
        }
        let plan = match (self.conn.dialect(), q.words.is_empty()) {
            (_, true) => SearchPlan::without_words(),
            (Dialect::Sqlite, false) => self.fts5_plan(q)?,
            (Dialect::Postgres, false) => SearchPlan::postgres(q),
        };
        let (filters, filter_params) = search_filters(q);
        let select = "SELECT d.kind, d.obj_id, d.channel_id, d.conversation_id, d.thread_id, d.author_id, \
                      d.posted_ts, d.title, d.body";
        // Rank only the most recent matches (documents' ids grow with time), in a window that
        // widens until it fills the page or holds every match.
        let mut window = RANK_CANDIDATES;
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
}
