//! `big_channel`: an author posts threads that notify everyone in a channel of thousands of
//! members, while another member keeps posting elsewhere. What the author waits for, how
//! long until the last member's inbox has each thread, and what everyone else's posts wait
//! meanwhile.

use crate::Args;
use crate::load::{Latencies, http_client, login, ms, percentile, timed_get};
use crate::report::{Scenario, fig};
use crate::scenarios::{private_thread, step, words};
use crate::seed;
use crate::server::Server;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use weft_store::sql::{Conn, Value as SqlValue};

/// The seeded channel every member is in (the seeder's channel 1).
const CHANNEL: i64 = 1;
/// The other member's posts per second, sent on schedule (open loop).
const OTHERS_PER_S: u64 = 20;
/// How long one thread may take to reach every inbox before the scenario fails.
const INBOX_DEADLINE: Duration = Duration::from_secs(120);

/// The server's database, read directly by the inbox watcher.
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

/// One question to the watcher: when does every member's active inbox have this thread?
struct Watch {
    thread: i64,
    reply: tokio::sync::oneshot::Sender<Result<Instant, String>>,
}

/// What the watcher polls: a sample of members' rows by key, then all of a thread's rows.
struct Polls {
    sample: Vec<i64>,
    sample_sql: String,
    expected: i64,
}

const ALL_SQL: &str = "SELECT COUNT(*) FROM inbox_items WHERE thread_id = ? AND archived = 0";

impl Polls {
    fn new(sample: Vec<i64>, expected: i64) -> Polls {
        let sample_sql = format!(
            "SELECT COUNT(*) FROM inbox_items WHERE thread_id = ? AND archived = 0 AND user_id IN ({})",
            vec!["?"; sample.len()].join(", ")
        );
        Polls { sample, sample_sql, expected }
    }

    fn sampled(&self, conn: &mut dyn Conn, thread: i64) -> weft_core::Result<i64> {
        let mut params = vec![SqlValue::Int(thread)];
        params.extend(self.sample.iter().map(|u| SqlValue::Int(*u)));
        count(conn, &self.sample_sql, &params)
    }

    fn all(&self, conn: &mut dyn Conn, thread: i64) -> weft_core::Result<i64> {
        count(conn, ALL_SQL, &[SqlValue::Int(thread)])
    }

    /// Polls until every member's active inbox row holds the thread. The sample (the last
    /// seeded member among them) is looked up by key every millisecond; only once all of them
    /// have it is the whole thread counted (an index range of a row per member), then every
    /// 5 ms.
    fn wait(&self, conn: &mut dyn Conn, thread: i64) -> weft_core::Result<Result<Instant, String>> {
        let deadline = Instant::now() + INBOX_DEADLINE;
        loop {
            let mut pause = Duration::from_millis(1);
            if self.sampled(conn, thread)? as usize == self.sample.len() {
                let all = self.all(conn, thread)?;
                if all >= self.expected {
                    return Ok(Ok(Instant::now()));
                }
                if Instant::now() > deadline {
                    let secs = INBOX_DEADLINE.as_secs();
                    return Ok(Err(format!("thread {thread} reached {all} of {} inboxes in {secs} s", self.expected)));
                }
                pause = Duration::from_millis(5);
            } else if Instant::now() > deadline {
                let secs = INBOX_DEADLINE.as_secs();
                return Ok(Err(format!("thread {thread} is missing from sampled inboxes after {secs} s")));
            }
            std::thread::sleep(pause);
        }
    }
}

fn count(conn: &mut dyn Conn, sql: &str, params: &[SqlValue]) -> weft_core::Result<i64> {
    conn.query(sql, params)?.first().map_or(Ok(0), |r| r.i64(0))
}

/// A thread of its own with one database connection that polls the inbox table. Reading the
/// table costs the server nothing but the reads themselves (on SQLite they run in this
/// process, on the shared WAL), where polling `inbox/get` for many members would be load of
/// its own. It connects and prepares its statements before it answers ready.
fn watcher(db: Database, polls: Polls) -> Result<std::sync::mpsc::Sender<Watch>, String> {
    let (tx, rx) = std::sync::mpsc::channel::<Watch>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
    std::thread::spawn(move || {
        let mut conn: Box<dyn Conn> = match db {
            Database::Sqlite(path) => match rusqlite::Connection::open(&path) {
                Ok(c) => {
                    let _ = c.busy_timeout(Duration::from_secs(5));
                    Box::new(weft_store::sqlite::Db(c, Default::default()))
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            },
            Database::Postgres(url) => Box::new(weft_store::pg::PgConn::new(&url, Duration::from_secs(10))),
        };
        let warm = polls.sampled(conn.as_mut(), 0).and_then(|_| polls.all(conn.as_mut(), 0));
        let _ = ready_tx.send(warm.map(|_| ()).map_err(|e| e.to_string()));
        while let Ok(w) = rx.recv() {
            let answer = polls.wait(conn.as_mut(), w.thread).map_err(|e| e.to_string()).and_then(|r| r);
            let _ = w.reply.send(answer);
        }
    });
    ready_rx.recv().map_err(|e| e.to_string())??;
    Ok(tx)
}

async fn post_json(http: &reqwest::Client, url: &str, token: &str, body: &Value) -> Result<Value, String> {
    let r = http.post(url).bearer_auth(token).json(body).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if status.is_success() { Ok(v) } else { Err(format!("{url}: {status} {v}")) }
}

/// The scenario, on a server whose database holds `members` users, all in channel 1.
pub async fn big_channel(
    args: &Args,
    server: &Server,
    db: Database,
    members: i64,
    json: Map<String, Value>,
) -> Result<Scenario, String> {
    let http = http_client();
    let threads = args.big_channel_threads.max(1);
    let author = login(&http, &server.url, &seed::email(1), seed::PASSWORD).await?;
    let other = login(&http, &server.url, &seed::email(2), seed::PASSWORD).await?;
    let last = login(&http, &server.url, &seed::email(members), seed::PASSWORD).await?;
    // The other member writes in a private channel of their own: a post of a few rows,
    // so that its latency shows the wait behind the big posts, not its own cost.
    let other_thread = private_thread(server, &http, &other).await?;
    let sample: Vec<i64> = {
        let mut s = vec![2, members / 4, members / 2, 3 * members / 4, members];
        s.retain(|u| *u >= 1);
        s.sort_unstable();
        s.dedup();
        s
    };
    let watch = watcher(db, Polls::new(sample, members))?;
    let add_url = format!("{}/api/v3/threads/add", server.url);
    let comment_url = format!("{}/api/v3/comments/add", server.url);

    step(&format!(
        "big_channel: {threads} threads notifying all {members} members, another member posting {OTHERS_PER_S}/s"
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let others = {
        let (http, url, token, stop) = (http.clone(), comment_url.clone(), other.clone(), stop.clone());
        tokio::spawn(async move {
            let start = tokio::time::Instant::now();
            let interval = Duration::from_millis(1000 / OTHERS_PER_S);
            let mut sent = Vec::new();
            let mut k = 0u32;
            loop {
                tokio::time::sleep_until(start + interval * k).await;
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                k += 1;
                let (http, url, token) = (http.clone(), url.clone(), token.clone());
                sent.push(tokio::spawn(async move {
                    let t = Instant::now();
                    let body = json!({"thread_id": other_thread, "content": words(12, k as u64), "recipients": []});
                    post_json(&http, &url, &token, &body).await.map(|_| ms(t.elapsed()))
                }));
            }
            let mut lat = Vec::with_capacity(sent.len());
            for s in sent {
                lat.push(s.await.map_err(|e| e.to_string())??);
            }
            Ok::<_, String>(lat)
        })
    };

    let mut author_lat = Vec::new();
    let mut last_inbox = Vec::new();
    let mut from_send = Vec::new();
    // One announcement a second (or as soon as the previous one is in every inbox, if that
    // takes longer), so that the other member's posts sample the whole span evenly.
    let pace = if args.quick { Duration::from_millis(250) } else { Duration::from_secs(1) };
    let first = tokio::time::Instant::now();
    let result: Result<(), String> = async {
        for k in 0..threads {
            tokio::time::sleep_until(first + pace * k as u32).await;
            let body = json!({
                "channel_id": CHANNEL,
                "title": format!("Announcement {}", k + 1),
                "content": words(40, k as u64),
                "groups": [1],
            });
            let sent = Instant::now();
            let thread = post_json(&http, &add_url, &author, &body).await?;
            let answered = Instant::now();
            author_lat.push(ms(answered - sent));
            let id = thread["id"].as_i64().ok_or_else(|| format!("threads/add answered no id: {thread}"))?;
            let (reply, arrived) = tokio::sync::oneshot::channel();
            watch.send(Watch { thread: id, reply }).map_err(|_| "the inbox watcher stopped".to_string())?;
            let at = arrived.await.map_err(|_| "the inbox watcher stopped".to_string())??;
            last_inbox.push(ms(at.saturating_duration_since(answered)));
            from_send.push(ms(at.saturating_duration_since(sent)));
        }
        Ok(())
    }
    .await;
    stop.store(true, Ordering::Relaxed);
    let others = others.await.map_err(|e| e.to_string())?;
    result?;
    let others = Latencies(others?).sorted();

    // The API agrees with the table: the last seeded member's inbox shows the last thread.
    let inbox_url = format!("{}/api/v3/inbox/get?workspace_id={}&limit=5", server.url, seed::WORKSPACE);
    let (_, inbox) = timed_get(&http, &inbox_url, &last).await?;
    if !inbox.as_array().is_some_and(|items| items.iter().any(|i| i["title"] == format!("Announcement {threads}"))) {
        return Err(format!("member {members}'s inbox/get does not show the last announcement: {inbox}"));
    }

    let author_lat = Latencies(author_lat).sorted();
    let max = |v: &[f64]| v.iter().copied().fold(f64::NAN, f64::max);
    Ok(Scenario {
        name: "big_channel",
        how: format!(
            "{members} members in one channel (seeded into the database); user 1 posts {threads} threads with \
             groups [1] (everyone in the channel), one every {} s \
             (or once the previous one is in every inbox); author = threads/add latency; last inbox = \
             from the author's answer until every member's active inbox row has the thread (max over the threads; \
             from_send: from the request), read from the inbox table by the benchmark's own connection: a \
             sample of members, the last seeded among them, looked up by key every 1 ms, then all rows counted; \
             others = comments/add by another member, {OTHERS_PER_S}/s on schedule (open loop) in a private \
             channel of their own, throughout ({} posts)",
            pace.as_secs_f64(),
            others.len()
        ),
        figures: vec![
            fig("members", members as f64, "members"),
            fig("author_p50_ms", percentile(&author_lat, 50.0), "ms"),
            fig("author_p99_ms", percentile(&author_lat, 99.0), "ms").at_most(20.0),
            fig("last_inbox_ms", max(&last_inbox), "ms").at_most(2000.0),
            fig("last_inbox_from_send_ms", max(&from_send), "ms"),
            fig("others_p50_ms", percentile(&others, 50.0), "ms"),
            fig("others_p99_ms", percentile(&others, 99.0), "ms").at_most(20.0),
            fig("others_max_ms", others.last().copied().unwrap_or(f64::NAN), "ms"),
        ],
        json,
    })
}
