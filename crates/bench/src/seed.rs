//! Realistic data, written straight into the database before the server starts (so that a
//! million comments take seconds, not an hour of API calls). It writes the rows Weft's own
//! services write for the same content — users, a workspace, channels, threads with their
//! participants, comments, read positions, inbox rows and search documents — and the event
//! log of those posts as Weft appends it (`analytics/get` reads it): a `thread_added` per
//! thread and a `comment_added` per comment, their payloads the objects as the server
//! serializes them, and a `push` per comment to one other person in the thread. The
//! notifications those pushes name are not written (nothing the scenarios call reads them).
//!
//! Time: the posts fill consecutive working days (Monday to Friday, in UTC, the seeded
//! people's zone) that end with the last one before today, `POSTS_PER_PERSON_PER_DAY` per
//! person a day: nine in ten within working hours (09:00–17:00), the rest in the evening
//! (17:00–21:00), whose pushes wait for the recipient's next working morning (09:00) as
//! Weft holds them. Every post has a time of its own, in the order they are generated, and
//! the log's `seq` grows with time. A million comments of 200 people span about ten months.

use weft_core::model::{Comment, Thread};
use weft_core::payload::{Push, PushDelivery, PushItem, Shared};
use weft_core::{ChannelId, CommentId, Result, ThreadId, UserId, WorkspaceId};
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

/// Posts a person writes on a working day, on average (threads and comments).
pub const POSTS_PER_PERSON_PER_DAY: i64 = 25;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// Whether the UTC day starting at `day` is a Monday to Friday (1970-01-01 was a Thursday).
fn is_weekday(day: i64) -> bool {
    (day.div_euclid(DAY) + 3).rem_euclid(7) < 5
}

/// The start of the UTC day of `ts`.
pub fn day_start(ts: i64) -> i64 {
    ts.div_euclid(DAY) * DAY
}

/// When each seeded post was written: post `k` (threads and comments in the order they are
/// generated) on which working day and at what time. See the top of the file.
pub struct Timeline {
    /// The working days, oldest first (the start of each, UTC).
    days: Vec<i64>,
    per_day: i64,
    /// Posts of a day within working hours; the rest are in the evening.
    working: i64,
    /// Posts missing from the first day (so that the last day is full).
    skipped: i64,
}

impl Timeline {
    pub fn new(posts: i64, users: i64, now: i64) -> Timeline {
        // At most one post a second in working hours, whatever the number of people.
        let per_day = (users * POSTS_PER_PERSON_PER_DAY).clamp(10, 20_000);
        let working = per_day * 9 / 10;
        let n_days = (posts.max(0) + per_day - 1) / per_day;
        let mut days = Vec::new();
        let mut day = day_start(now) - DAY;
        while (days.len() as i64) < n_days {
            if is_weekday(day) {
                days.push(day);
            }
            day -= DAY;
        }
        days.reverse();
        Timeline { days, per_day, working, skipped: n_days * per_day - posts.max(0) }
    }

    /// The day (an index into the working days) and the time of post `k`.
    pub fn at(&self, k: i64) -> (usize, i64) {
        let k = k + self.skipped;
        let (d, i) = ((k / self.per_day) as usize, k % self.per_day);
        let day = self.days.get(d).copied().unwrap_or_default();
        let ts = if i < self.working {
            day + 9 * HOUR + i * 8 * HOUR / self.working
        } else {
            day + 17 * HOUR + (i - self.working) * 4 * HOUR / (self.per_day - self.working)
        };
        (d, ts)
    }

    /// Whether post `k` is written after working hours.
    fn evening(&self, k: i64) -> bool {
        (k + self.skipped) % self.per_day >= self.working
    }

    /// When the first day starts (or `now`'s day, with no posts).
    pub fn start(&self, now: i64) -> i64 {
        self.days.first().copied().unwrap_or_else(|| day_start(now))
    }

    /// The working morning (09:00) after day `d`: the next seeded day, or the next weekday.
    fn next_morning(&self, d: usize) -> i64 {
        let day = match self.days.get(d + 1) {
            Some(&next) => next,
            None => {
                let mut day = self.days.get(d).copied().unwrap_or_default() + DAY;
                while !is_weekday(day) {
                    day += DAY;
                }
                day
            }
        };
        day + 9 * HOUR
    }
}

/// The month the analytics scenario reports on: the 30 UTC days before today, which hold
/// the newest seeded working days.
pub fn month(now: i64) -> (i64, i64) {
    let to = day_start(now);
    (to - 30 * DAY, to)
}

struct SeedThread {
    id: i64,
    channel: i64,
    title: String,
    content: String,
    people: Vec<i64>,
    posted: i64,
    last: i64,
    comments: i64,
    snippet: String,
    last_author: i64,
}

struct SeedComment {
    id: i64,
    thread: i64,
    channel: i64,
    obj_index: i64,
    text: String,
    author: i64,
    ts: i64,
    /// The thread's other participants (the comment's recipients).
    others: Vec<i64>,
}

/// One entry of the log, its payload made when it is written.
enum Logged {
    /// The index of the thread in the batch.
    Thread(usize),
    /// The index of the comment in the batch.
    Comment(usize),
    Push {
        user: i64,
        delivery: PushDelivery,
        items: Vec<PushItem>,
    },
}

fn user_name(u: i64) -> String {
    format!("User {u}")
}

/// `thread_added`'s payload: the thread as it was posted, without the viewer's fields.
fn thread_payload(t: &SeedThread) -> String {
    let creator = t.people[0];
    let snippet = weft_core::services::threads::preview(&t.content, &[]);
    let thread = Thread {
        id: ThreadId(t.id),
        creator_name: Some(user_name(creator)),
        recipients: t.people[1..].iter().copied().map(UserId).collect(),
        ..Thread::draft(
            (ChannelId(t.channel), WorkspaceId(WORKSPACE)),
            UserId(creator),
            t.title.clone(),
            t.content.clone(),
            snippet,
            t.posted,
        )
    };
    serde_json::to_string(&Shared(&thread)).expect("a thread serializes")
}

/// `comment_added`'s payload: the comment as the server sends it.
fn comment_payload(c: &SeedComment) -> String {
    let comment = Comment {
        id: CommentId(c.id),
        creator_name: Some(user_name(c.author)),
        recipients: c.others.iter().copied().map(UserId).collect(),
        ..Comment::draft(
            (ThreadId(c.thread), ChannelId(c.channel), WorkspaceId(WORKSPACE)),
            UserId(c.author),
            c.obj_index,
            c.text.clone(),
            c.ts,
        )
    };
    serde_json::to_string(&comment).expect("a comment serializes")
}

/// The event log's rows, numbered on from `seq`.
struct Log {
    seq: i64,
    entries: Vec<(i64, i64, Logged)>,
    /// Each person's newest own event (`user_event_heads`).
    heads: std::collections::BTreeMap<i64, i64>,
    /// Items of evening posts held for each person's next working morning.
    held: std::collections::BTreeMap<i64, Vec<PushItem>>,
    notification_id: i64,
}

impl Log {
    fn add(&mut self, ts: i64, what: Logged) {
        self.seq += 1;
        if let Logged::Push { user, .. } = &what {
            self.heads.insert(*user, self.seq);
        }
        self.entries.push((self.seq, ts, what));
    }

    /// A push to `user` of comment `c`: now, or, after working hours, at the next morning.
    fn notify(&mut self, user: i64, c: &SeedComment, held: bool) {
        self.notification_id += 1;
        let item = PushItem::Notification {
            notification_id: self.notification_id,
            thread_id: Some(ThreadId(c.thread)),
            conversation_id: None,
            obj_index: c.obj_index,
            created_ts: c.ts,
        };
        if held {
            self.held.entry(user).or_default().push(item);
        } else {
            self.add(c.ts, Logged::Push { user, delivery: PushDelivery::Each, items: vec![item] });
        }
    }

    /// The held pushes, one per person with everything held for them, at `at`.
    fn release(&mut self, at: i64) {
        for (user, items) in std::mem::take(&mut self.held) {
            self.add(at, Logged::Push { user, delivery: PushDelivery::Each, items });
        }
    }

    fn write(&mut self, conn: &mut dyn Conn, threads: &[SeedThread], comments: &[SeedComment]) -> Result<()> {
        let mut b = Batch::new(
            conn,
            "events",
            "seq, workspace_id, kind, channel_id, user_id, payload, created_ts, subject, author_id",
        );
        for (seq, ts, what) in self.entries.drain(..) {
            let (kind, channel, user, payload, subject, author) = match what {
                Logged::Thread(i) => {
                    let t = &threads[i];
                    let subject = format!("thread:{}", t.id);
                    (
                        "thread_added",
                        Value::Int(t.channel),
                        Value::Null,
                        thread_payload(t),
                        subject,
                        Value::Int(t.people[0]),
                    )
                }
                Logged::Comment(i) => {
                    let c = &comments[i];
                    let subject = format!("comment:{}", c.id);
                    (
                        "comment_added",
                        Value::Int(c.channel),
                        Value::Null,
                        comment_payload(c),
                        subject,
                        Value::Int(c.author),
                    )
                }
                Logged::Push { user, delivery, items } => {
                    let push = serde_json::to_string(&Push { delivery, items }).expect("a push serializes");
                    (Push::KIND, Value::Null, Value::Int(user), push, String::new(), Value::Null)
                }
            };
            b.row(vec![
                Value::Int(seq),
                Value::Int(WORKSPACE),
                Value::Text(kind.into()),
                channel,
                user,
                Value::Text(payload),
                Value::Int(ts),
                if subject.is_empty() { Value::Null } else { Value::Text(subject) },
                author,
            ])?;
        }
        b.flush()
    }
}

/// Accounts `ids` (`email(u)`, password `PASSWORD` hashed as `password_hash`), in no
/// workspace yet.
pub fn users(conn: &mut dyn Conn, ids: std::ops::RangeInclusive<i64>, password_hash: &str, created: i64) -> Result<()> {
    let mut b = Batch::new(conn, "users", "id, email, name, short_name, password_hash, timezone, created_ts");
    for u in ids {
        b.row(vec![
            Value::Int(u),
            Value::Text(email(u)),
            Value::Text(user_name(u)),
            Value::Text(user_name(u)),
            Value::Text(password_hash.into()),
            Value::Text("UTC".into()),
            Value::Int(created),
        ])?;
    }
    b.flush()
}

/// What was written, for the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seeded {
    pub events: i64,
    /// When the first and last post were written.
    pub first_post_ts: i64,
    pub last_post_ts: i64,
}

/// Writes the data set. `sqlite_fts` adds the rows of SQLite's full-text table (PostgreSQL
/// computes its own from the documents). `progress` is called with (what, done, total).
/// The log's `seq` is set here and continues from the last one (Weft numbers events from
/// the log's head, on both backends: there is no sequence to advance).
pub fn seed(
    conn: &mut dyn Conn,
    spec: Spec,
    password_hash: &str,
    now: i64,
    sqlite_fts: bool,
    mut progress: impl FnMut(&str, i64, i64),
) -> Result<Seeded> {
    let vocab = Vocabulary::new(5000);
    let mut rng = Rng::new(42);
    let per_thread = (spec.comments / spec.threads.max(1)).max(0);
    let timeline = Timeline::new(spec.threads + spec.threads * per_thread, spec.users, now);
    // The people, the workspace and its channels exist from the first post's day on.
    let created = (timeline.start(now) + 8 * HOUR).min(now);
    conn.execute("BEGIN", &[])?;
    users(conn, 1..=spec.users, password_hash, created)?;
    conn.execute(
        "INSERT INTO workspaces (id, name, creator, default_channel, created_ts) VALUES (?, 'Bench', 1, 1, ?)",
        &[Value::Int(WORKSPACE), Value::Int(created)],
    )?;
    {
        let mut b = Batch::new(conn, "workspace_users", "workspace_id, user_id, user_type, added_ts");
        for u in 1..=spec.users {
            // User 1 made the workspace: its admin.
            let kind = if u == 1 { "ADMIN" } else { "USER" };
            b.row(vec![Value::Int(WORKSPACE), Value::Int(u), Value::Text(kind.into()), Value::Int(created)])?;
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
                Value::Int(created),
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

    let head = conn.event_head()?;
    let mut log =
        Log { seq: head, entries: Vec::new(), heads: Default::default(), held: Default::default(), notification_id: 0 };
    let mut seeded = Seeded::default();
    let mut post = 0i64;
    let mut day = 0usize;
    // The next post's time, and the log's morning release of held pushes before it.
    let mut next_post = |log: &mut Log| {
        let (d, ts) = timeline.at(post);
        if d != day {
            log.release(timeline.next_morning(day));
            day = d;
        }
        let evening = timeline.evening(post);
        post += 1;
        (ts, evening)
    };
    let mut comment_id = 0i64;
    let mut doc_id = 0i64;
    let step = 2000;
    let mut t0 = 1;
    while t0 <= spec.threads {
        let t1 = (t0 + step - 1).min(spec.threads);
        conn.execute("BEGIN", &[])?;
        let mut threads: Vec<SeedThread> = Vec::new();
        let mut comments: Vec<SeedComment> = Vec::new();
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
            let (posted, _) = next_post(&mut log);
            let mut ts = posted;
            doc_id += 1;
            docs.push((doc_id, "thread", t, channel, t, people[0], posted, title.clone(), content.clone()));
            log.add(posted, Logged::Thread(threads.len()));
            let mut last_text = content.clone();
            let mut last_author = people[0];
            for i in 0..per_thread {
                comment_id += 1;
                let (at, evening) = next_post(&mut log);
                ts = at;
                let author = people[rng.below(people.len() as i64) as usize];
                let text = vocab.sentence(&mut rng, 20);
                doc_id += 1;
                docs.push((doc_id, "comment", comment_id, channel, t, author, ts, String::new(), text.clone()));
                let others: Vec<i64> = people.iter().copied().filter(|u| *u != author).collect();
                let c = SeedComment {
                    id: comment_id,
                    thread: t,
                    channel,
                    obj_index: i,
                    text: text.clone(),
                    author,
                    ts,
                    others,
                };
                log.add(ts, Logged::Comment(comments.len()));
                // One of the others is pushed about it (not from the random stream, which
                // would change the rest of the data).
                if !c.others.is_empty() {
                    let to = c.others[(comment_id as usize) % c.others.len()];
                    log.notify(to, &c, evening);
                }
                comments.push(c);
                last_text = text;
                last_author = author;
            }
            let snippet = weft_core::text::snippet(&last_text, 140);
            threads.push(SeedThread {
                id: t,
                channel,
                title,
                content,
                people: people.clone(),
                posted,
                last: ts,
                comments: per_thread,
                snippet,
                last_author,
            });
            for &u in &people {
                let archived = rng.below(10) < 3;
                inbox.push((u, t, channel, ts, archived));
                states.push((t, u, rng.below(per_thread + 1) - 1));
            }
            if t == 1 {
                seeded.first_post_ts = posted;
            }
            seeded.last_post_ts = ts;
        }
        log.write(conn, &threads, &comments)?;
        {
            let mut b = Batch::new(
                conn,
                "threads",
                "id, workspace_id, channel_id, title, content, creator, posted_ts, last_updated_ts, comment_count, \
                 last_obj_index, participants, snippet, snippet_creator",
            );
            for t in threads {
                b.row(vec![
                    Value::Int(t.id),
                    Value::Int(WORKSPACE),
                    Value::Int(t.channel),
                    Value::Text(t.title),
                    Value::Text(t.content),
                    Value::Int(t.people[0]),
                    Value::Int(t.posted),
                    Value::Int(t.last),
                    Value::Int(t.comments),
                    Value::Int(t.comments - 1),
                    ids_json(&t.people),
                    Value::Text(t.snippet),
                    Value::Int(t.last_author),
                ])?;
            }
            b.flush()?;
        }
        {
            let mut b =
                Batch::new(conn, "comments", "id, thread_id, obj_index, content, creator, posted_ts, recipients");
            for c in comments {
                b.row(vec![
                    Value::Int(c.id),
                    Value::Int(c.thread),
                    Value::Int(c.obj_index),
                    Value::Text(c.text),
                    Value::Int(c.author),
                    Value::Int(c.ts),
                    ids_json(&c.others),
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
        progress("comments (and their events)", comment_id, spec.comments);
        t0 = t1 + 1;
    }
    // The last evening's pushes go out the next working morning, if it has come.
    conn.execute("BEGIN", &[])?;
    if !log.held.is_empty() && timeline.next_morning(day) <= now {
        log.release(timeline.next_morning(day));
        log.write(conn, &[], &[])?;
    }
    {
        let mut b = Batch::new(conn, "user_event_heads", "user_id, workspace_id, seq");
        for (&u, &seq) in &log.heads {
            b.row(vec![Value::Int(u), Value::Int(WORKSPACE), Value::Int(seq)])?;
        }
        b.flush()?;
    }
    conn.execute("COMMIT", &[])?;
    seeded.events = log.seq - head;
    conn.execute(weft_store::sql::RECOMPUTE_UNREAD_FLAGS, &[])?;
    // A live database has statistics for its planner (autovacuum, `PRAGMA optimize`); a
    // freshly bulk-loaded one must be given them, or the figures measure a bad plan. On
    // PostgreSQL autovacuum would also have cleared the dead row versions the update above
    // left (one per inbox row) and marked the pages all-visible, which index-only scans
    // (the unread list's) rely on: VACUUM does both now rather than whenever it wakes.
    conn.execute(if sqlite_fts { "ANALYZE" } else { "VACUUM ANALYZE" }, &[])?;
    Ok(seeded)
}
