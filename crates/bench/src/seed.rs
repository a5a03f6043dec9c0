//! Realistic data, written straight into the database before the server starts (so that a
//! million comments take seconds, not an hour of API calls). It writes the rows Weft's own
//! services write for the same content — users, a workspace, channels, threads with their
//! participants, comments, read positions, inbox rows and search documents — except the
//! event log, which the scenarios do not read.

use weft_core::Result;
use weft_store::sql::{Conn, Value};

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Spec {
    pub users: i64,
    pub channels: i64,
    pub threads: i64,
    pub comments: i64,
    pub participants: i64,
}

/// Every seeded account has this password.
pub const PASSWORD: &str = "bench-password";
pub const WORKSPACE: i64 = 1;

pub fn email(user: i64) -> String {
    format!("user{user}@bench.test")
}

/// A small deterministic generator (xorshift): the same data on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: i64) -> i64 {
        (self.next() % n.max(1) as u64) as i64
    }
}

/// Words with a Zipf-like frequency: a few very common, a long tail of rare ones.
pub struct Vocabulary {
    pub words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    pub fn new(size: usize) -> Self {
        const SYLLABLES: [&str; 24] = [
            "ka", "lo", "mi", "ser", "tan", "vo", "re", "dun", "pa", "quel", "tri", "so", "na", "bex", "ul", "fi",
            "gor", "ha", "ji", "ven", "wo", "zu", "yel", "cam",
        ];
        let mut words = Vec::with_capacity(size);
        let mut i = 0usize;
        while words.len() < size {
            let (a, b, c) = (i % 24, (i / 24) % 24, (i / 576) % 24);
            let w = if i < 576 {
                format!("{}{}", SYLLABLES[a], SYLLABLES[b])
            } else {
                format!("{}{}{}", SYLLABLES[a], SYLLABLES[b], SYLLABLES[c])
            };
            words.push(w);
            i += 1;
        }
        let mut total = 0.0;
        let cumulative = (0..size)
            .map(|k| {
                total += 1.0 / (k as f64 + 1.0);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    pub fn word(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = (rng.next() % 1_000_000) as f64 / 1_000_000.0 * total;
        let i = self.cumulative.partition_point(|c| *c < x).min(self.words.len() - 1);
        &self.words[i]
    }

    pub fn sentence(&self, rng: &mut Rng, n: usize) -> String {
        (0..n).map(|_| self.word(rng)).collect::<Vec<_>>().join(" ")
    }
}

/// Multi-row INSERTs of up to `rows` rows each.
struct Batch<'a> {
    conn: &'a mut dyn Conn,
    table: &'static str,
    columns: &'static str,
    width: usize,
    values: Vec<Value>,
    rows_per_statement: usize,
}

impl<'a> Batch<'a> {
    fn new(conn: &'a mut dyn Conn, table: &'static str, columns: &'static str) -> Self {
        let width = columns.split(',').count();
        Batch { conn, table, columns, width, values: Vec::new(), rows_per_statement: (30_000 / width).min(500) }
    }

    fn row(&mut self, values: Vec<Value>) -> Result<()> {
        debug_assert_eq!(values.len(), self.width);
        self.values.extend(values);
        if self.values.len() >= self.rows_per_statement * self.width {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.values.is_empty() {
            return Ok(());
        }
        let rows = self.values.len() / self.width;
        let one = format!("({})", vec!["?"; self.width].join(", "));
        let sql = format!("INSERT INTO {} ({}) VALUES {}", self.table, self.columns, vec![one; rows].join(", "));
        self.conn.execute(&sql, &self.values)?;
        self.values.clear();
        Ok(())
    }
}

fn ids_json(ids: &[i64]) -> Value {
    Value::Text(serde_json::to_string(ids).expect("ids serialize"))
}

/// Writes the data set. `sqlite_fts` adds the rows of SQLite's full-text table (PostgreSQL
/// computes its own from the documents). `progress` is called with (what, done, total).
pub fn seed(
    conn: &mut dyn Conn,
    spec: Spec,
    password_hash: &str,
    now: i64,
    sqlite_fts: bool,
    mut progress: impl FnMut(&str, i64, i64),
) -> Result<()> {
    let vocab = Vocabulary::new(5000);
    let mut rng = Rng::new(42);
    conn.execute("BEGIN", &[])?;
    {
        let mut b = Batch::new(conn, "users", "id, email, name, short_name, password_hash, timezone, created_ts");
        for u in 1..=spec.users {
            b.row(vec![
                Value::Int(u),
                Value::Text(email(u)),
                Value::Text(format!("User {u}")),
                Value::Text(format!("User {u}")),
                Value::Text(password_hash.into()),
                Value::Text("UTC".into()),
                Value::Int(now),
            ])?;
        }
        b.flush()?;
    }
    conn.execute(
        "INSERT INTO workspaces (id, name, creator, default_channel, created_ts) VALUES (?, 'Bench', 1, 1, ?)",
        &[Value::Int(WORKSPACE), Value::Int(now)],
    )?;
    {
        let mut b = Batch::new(conn, "workspace_users", "workspace_id, user_id, user_type, added_ts");
        for u in 1..=spec.users {
            let kind = if u == 1 { "ADMIN" } else { "USER" };
            b.row(vec![Value::Int(WORKSPACE), Value::Int(u), Value::Text(kind.into()), Value::Int(now)])?;
        }
        b.flush()?;
    }
    {
        let mut b = Batch::new(conn, "channels", "id, workspace_id, name, creator, public, created_ts");
        for c in 1..=spec.channels {
            b.row(vec![
                Value::Int(c),
                Value::Int(WORKSPACE),
                Value::Text(format!("channel-{c}")),
                Value::Int(1),
                Value::Int(1),
                Value::Int(now),
            ])?;
        }
        b.flush()?;
    }
    {
        let mut b = Batch::new(conn, "channel_users", "channel_id, user_id");
        for c in 1..=spec.channels {
            for u in 1..=spec.users {
                b.row(vec![Value::Int(c), Value::Int(u)])?;
            }
        }
        b.flush()?;
    }
    conn.execute("COMMIT", &[])?;

    let per_thread = (spec.comments / spec.threads.max(1)).max(0);
    let mut comment_id = 0i64;
    let mut doc_id = 0i64;
    let start_ts = now - spec.comments - spec.threads;
    let mut ts = start_ts;
    let step = 2000;
    let mut t0 = 1;
    while t0 <= spec.threads {
        let t1 = (t0 + step - 1).min(spec.threads);
        conn.execute("BEGIN", &[])?;
        let mut threads = Vec::new();
        let mut comments = Vec::new();
        let mut docs = Vec::new();
        let mut inbox = Vec::new();
        let mut states = Vec::new();
        for t in t0..=t1 {
            let channel = 1 + (t - 1) % spec.channels;
            let mut people: Vec<i64> = Vec::new();
            while (people.len() as i64) < spec.participants.min(spec.users) {
                let u = 1 + rng.below(spec.users);
                if !people.contains(&u) {
                    people.push(u);
                }
            }
            let title = vocab.sentence(&mut rng, 6);
            let content = vocab.sentence(&mut rng, 30);
            ts += 1;
            let posted = ts;
            doc_id += 1;
            docs.push((doc_id, "thread", t, channel, t, people[0], posted, title.clone(), content.clone()));
            let mut last_text = content.clone();
            let mut last_author = people[0];
            for i in 0..per_thread {
                comment_id += 1;
                ts += 1;
                let author = people[rng.below(people.len() as i64) as usize];
                let text = vocab.sentence(&mut rng, 20);
                doc_id += 1;
                docs.push((doc_id, "comment", comment_id, channel, t, author, ts, String::new(), text.clone()));
                comments.push((comment_id, t, i, text.clone(), author, ts, people.clone()));
                last_text = text;
                last_author = author;
            }
            let snippet = weft_core::text::snippet(&last_text, 140);
            threads.push((t, channel, title, content, people.clone(), posted, ts, per_thread, snippet, last_author));
            for &u in &people {
                let archived = rng.below(10) < 3;
                inbox.push((u, t, channel, ts, archived));
                states.push((t, u, rng.below(per_thread + 1) - 1));
            }
        }
        {
            let mut b = Batch::new(
                conn,
                "threads",
                "id, workspace_id, channel_id, title, content, creator, posted_ts, last_updated_ts, comment_count, \
                 last_obj_index, participants, snippet, snippet_creator",
            );
            for (t, channel, title, content, people, posted, last, n, snippet, last_author) in threads {
                b.row(vec![
                    Value::Int(t),
                    Value::Int(WORKSPACE),
                    Value::Int(channel),
                    Value::Text(title),
                    Value::Text(content),
                    Value::Int(people[0]),
                    Value::Int(posted),
                    Value::Int(last),
                    Value::Int(n),
                    Value::Int(n - 1),
                    ids_json(&people),
                    Value::Text(snippet),
                    Value::Int(last_author),
                ])?;
            }
            b.flush()?;
        }
        {
            let mut b =
                Batch::new(conn, "comments", "id, thread_id, obj_index, content, creator, posted_ts, recipients");
            for (id, t, i, text, author, ts, people) in comments {
                let others: Vec<i64> = people.iter().copied().filter(|u| *u != author).collect();
                b.row(vec![
                    Value::Int(id),
                    Value::Int(t),
                    Value::Int(i),
                    Value::Text(text),
                    Value::Int(author),
                    Value::Int(ts),
                    ids_json(&others),
                ])?;
            }
            b.flush()?;
        }
        {
            let mut b = Batch::new(
                conn,
                "search_docs",
                "id, kind, obj_id, workspace_id, channel_id, thread_id, author_id, posted_ts, title, body, mentions",
            );
            for (id, kind, obj, channel, t, author, ts, title, body) in &docs {
                b.row(vec![
                    Value::Int(*id),
                    Value::Text((*kind).into()),
                    Value::Int(*obj),
                    Value::Int(WORKSPACE),
                    Value::Int(*channel),
                    Value::Int(*t),
                    Value::Int(*author),
                    Value::Int(*ts),
                    Value::Text(title.clone()),
                    Value::Text(body.clone()),
                    Value::Text(",".into()),
                ])?;
            }
            b.flush()?;
        }
        if sqlite_fts && let (Some(first), Some(last)) = (docs.first(), docs.last()) {
            // The same statement Weft indexes documents with.
            conn.execute(
                &format!("{} WHERE id BETWEEN ? AND ?", weft_store::sql::FTS_INSERT),
                &[Value::Int(first.0), Value::Int(last.0)],
            )?;
        }
        {
            let mut b =
                Batch::new(conn, "inbox_items", "user_id, thread_id, workspace_id, channel_id, activity_ts, archived");
            for (u, t, channel, ts, archived) in inbox {
                b.row(vec![
                    Value::Int(u),
                    Value::Int(t),
                    Value::Int(WORKSPACE),
                    Value::Int(channel),
                    Value::Int(ts),
                    Value::Int(archived.into()),
                ])?;
            }
            b.flush()?;
        }
        {
            let mut b = Batch::new(conn, "thread_states", "thread_id, user_id, last_read_obj_index");
            for (t, u, read) in states {
                b.row(vec![Value::Int(t), Value::Int(u), Value::Int(read)])?;
            }
            b.flush()?;
        }
        conn.execute("COMMIT", &[])?;
        progress("comments", comment_id, spec.comments);
        t0 = t1 + 1;
    }
    conn.execute(weft_store::sql::RECOMPUTE_UNREAD_FLAGS, &[])?;
    // A live database has statistics for its planner (autovacuum, `PRAGMA optimize`); a
    // freshly bulk-loaded one must be given them, or the figures measure a bad plan.
    conn.execute("ANALYZE", &[])?;
    Ok(())
}
