//! Crash safety, checked: writers post threads with idempotency keys to a real `weft serve`
//! child process, which is killed with SIGKILL at random moments and restarted on the same
//! data; writes never answered are retried with the same key. Every acknowledged write must
//! be there exactly once — lost = 0, duplicated = 0 — and so must every retried one.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CYCLES: usize = 6;
const WRITERS: usize = 4;
const EMAIL: &str = "crash@example.test";
const PASSWORD: &str = "password-crash";

/// What the client side knows of each write, by idempotency key.
#[derive(Debug, Default)]
struct Ledger {
    /// Answered 200: the thread's id.
    acked: BTreeMap<String, i64>,
    /// Sent, never answered (the server died): retried after the restart.
    unanswered: Vec<String>,
    /// How many were retried.
    retried: usize,
    /// How many of those had committed before the kill (the retry must answer them from the
    /// stored answer, not write them again).
    committed_unanswered: usize,
}

/// What the checker found.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    /// Acknowledged writes missing from the server.
    lost: Vec<String>,
    /// Acknowledged writes present more than once.
    duplicated: Vec<String>,
    /// Present, but not under the id the acknowledgement gave.
    moved: Vec<String>,
}

/// Compares the acknowledged writes with what the server holds (title → ids).
fn check(acked: &BTreeMap<String, i64>, found: &[(String, i64)]) -> Verdict {
    let mut by_title: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (title, id) in found {
        by_title.entry(title).or_default().push(*id);
    }
    let mut v = Verdict { lost: vec![], duplicated: vec![], moved: vec![] };
    for (key, id) in acked {
        match by_title.get(key.as_str()).map(Vec::as_slice) {
            None | Some([]) => v.lost.push(key.clone()),
            Some([one]) if one == id => {}
            Some([_]) => v.moved.push(key.clone()),
            Some(_) => v.duplicated.push(key.clone()),
        }
    }
    v
}

/// A small deterministic generator: the seed is printed, so a failing run can be replayed
/// with `WEFT_CRASH_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `weft <args>` on the data of this run (and nothing from the test's environment).
fn weft(args: &[&str], data: &Path, database_url: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_weft"));
    cmd.env_clear().env("WEFT_LOG", "error").stdout(Stdio::null()).stderr(Stdio::null());
    cmd.args(args).arg("--data").arg(data);
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    cmd
}

/// A running `weft serve`, killed (SIGKILL) when dropped, so a failing test leaves none.
struct Node(Child);

impl Node {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `weft serve` and waits until it answers.
async fn serve(data: &Path, database_url: Option<&str>) -> (Node, String) {
    serve_with(data, database_url, &[]).await
}

/// Starts `weft serve` with `extra` arguments and waits until it answers.
async fn serve_with(data: &Path, database_url: Option<&str>, extra: &[&str]) -> (Node, String) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    // As fast as it can: the per-person write limit would refuse most of this run's writes.
    let mut args = vec!["serve", "--listen", &listen, "--rate-writes", "0", "--rate-writes-per-address", "0"];
    args.extend_from_slice(extra);
    let node = Node(weft(&args, data, database_url).spawn().expect("weft serve starts"));
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..3000 {
        if http.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            return (node, base);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("weft serve did not answer within 30 s");
}

/// Posts thread `key` with `key` as its idempotency key; answers its id if acknowledged.
async fn post(http: &reqwest::Client, base: &str, token: &str, channel: i64, key: &str) -> Option<i64> {
    let body = json!({"channel_id": channel, "title": key, "content": "crash test"});
    let r = http
        .post(format!("{base}/api/v3/threads/add"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .ok()?;
    if !r.status().is_success() {
        return None;
    }
    r.json::<Value>().await.ok()?["id"].as_i64()
}

/// Every thread of the channel: (title, id).
async fn threads_of(http: &reqwest::Client, base: &str, token: &str, channel: i64) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut q = vec![("channel_id", channel.to_string()), ("limit", "500".to_string())];
        if let Some(b) = before {
            q.push(("before_id", b.to_string()));
        }
        let page: Vec<Value> = http
            .get(format!("{base}/api/v3/threads/get"))
            .bearer_auth(token)
            .query(&q)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if page.is_empty() {
            return out;
        }
        for t in &page {
            out.push((t["title"].as_str().unwrap().to_string(), t["id"].as_i64().unwrap()));
        }
        before = page.iter().filter_map(|t| t["id"].as_i64()).min();
    }
}

async fn kill_and_restart_under_load(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let scratch = Scratch::for_backend(b);
    let url = scratch.as_ref().map(|s| s.0.as_str());
    let seed = std::env::var("WEFT_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    let mut rng = Rng(seed);

    let create = ["admin", "create-user", "--email", EMAIL, "--name", "Crash", "--password", PASSWORD];
    assert!(weft(&create, dir.path(), url).status().unwrap().success());

    let http = reqwest::Client::new();
    let (mut node, mut base) = serve(dir.path(), url).await;
    let login: Value = http
        .post(format!("{base}/api/v3/users/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    let ws: Value = http
        .post(format!("{base}/api/v3/workspaces/add"))
        .bearer_auth(&token)
        .json(&json!({"name": "Crash"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let channel = ws["default_channel"].as_i64().unwrap();

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut kills = 0;
    for cycle in 0..CYCLES {
        // Writers post until the server stops answering them.
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (http, base, token, ledger) = (http.clone(), base.clone(), token.clone(), ledger.clone());
            writers.push(tokio::spawn(async move {
                for n in 0.. {
                    let key = format!("c{cycle}-w{w}-{n}");
                    match post(&http, &base, &token, channel, &key).await {
                        Some(id) => {
                            ledger.lock().unwrap().acked.insert(key, id);
                        }
                        None => {
                            ledger.lock().unwrap().unanswered.push(key);
                            return;
                        }
                    }
                }
            }));
        }
        // Killed at a random moment while they write.
        tokio::time::sleep(Duration::from_millis(50 + rng.next(400))).await;
        node.kill();
        kills += 1;
        for w in writers {
            w.await.unwrap();
        }
        (node, base) = serve(dir.path(), url).await;
        // Unanswered writes retried with the same key: each becomes acknowledged, once.
        let retry: Vec<String> = std::mem::take(&mut ledger.lock().unwrap().unanswered);
        let present = threads_of(&http, &base, &token, channel).await;
        let committed = retry.iter().filter(|k| present.iter().any(|(t, _)| t == *k)).count();
        ledger.lock().unwrap().retried += retry.len();
        ledger.lock().unwrap().committed_unanswered += committed;
        for key in retry {
            let id = post(&http, &base, &token, channel, &key).await;
            let id = id.unwrap_or_else(|| panic!("the retry of {key} failed (seed {seed})"));
            ledger.lock().unwrap().acked.insert(key, id);
        }
    }

    let found = threads_of(&http, &base, &token, channel).await;
    let (acked, retried, committed) = {
        let mut l = ledger.lock().unwrap();
        (std::mem::take(&mut l.acked), l.retried, l.committed_unanswered)
    };
    let verdict = check(&acked, &found);
    assert_eq!(
        verdict,
        Verdict { lost: vec![], duplicated: vec![], moved: vec![] },
        "{b:?}, seed {seed}: {} acknowledged writes, {} threads, {kills} kills",
        acked.len(),
        found.len()
    );
    assert_eq!(found.len(), acked.len(), "{b:?}, seed {seed}: a thread nobody acknowledged or retried");
    assert!(kills >= 5 && acked.len() > retried + CYCLES, "{b:?}: the run wrote too little to mean much");
    // The negative control on real data: the same checker, shown one acknowledged thread
    // fewer, reports it lost.
    let (dropped, _) = found[found.len() / 2].clone();
    let fewer: Vec<(String, i64)> = found.iter().filter(|(t, _)| *t != dropped).cloned().collect();
    assert_eq!(check(&acked, &fewer).lost, vec![dropped]);
    eprintln!(
        "crash test, {b:?}: {kills} kills, {} acknowledged writes, {retried} retried \
         ({committed} of them committed before the kill), seed {seed}",
        acked.len()
    );

    drop(node);
}

/// A call to a running `weft serve`, answered 2xx with JSON.
async fn api(http: &reqwest::Client, base: &str, token: Option<&str>, path: &str, body: Value) -> Value {
    let mut r = http.post(format!("{base}/api/v3/{path}")).json(&body);
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// What Bo has been told: notifications, inbox threads, `inbox_updated` events.
async fn told(http: &reqwest::Client, base: &str, token: &str, ws: i64) -> (usize, usize, usize) {
    let notes = api(http, base, Some(token), "notifications/get", json!({"limit": 200})).await;
    let inbox = api(http, base, Some(token), "inbox/get", json!({"workspace_id": ws, "limit": 500})).await;
    let events =
        api(http, base, Some(token), "events/get", json!({"workspace_id": ws, "after": 0, "timeout": 0})).await;
    let inbox_events = events["events"].as_array().unwrap().iter().filter(|e| e["type"] == "inbox_updated").count();
    (notes["notifications"].as_array().unwrap().len(), inbox.as_array().unwrap().len(), inbox_events)
}

/// Posts commit before their fan-out: a node killed between the two (held here, so the
/// kill surely falls between) fans them out when it comes back — each person told of each
/// post once, and once more after another restart.
async fn fan_out_after_kill_9(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let scratch = Scratch::for_backend(b);
    let url = scratch.as_ref().map(|s| s.0.as_str());
    for (email, name) in [(EMAIL, "Ana"), ("bo@example.test", "Bo")] {
        let create = ["admin", "create-user", "--email", email, "--name", name, "--password", PASSWORD];
        assert!(weft(&create, dir.path(), url).status().unwrap().success());
    }
    let http = reqwest::Client::new();
    let (node, base) = serve_with(dir.path(), url, &["--hold-fanout"]).await;
    let sign_in = |email: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let user = api(&http, &base, None, "users/login", json!({"email": email, "password": PASSWORD})).await;
            (user["token"].as_str().unwrap().to_string(), user["id"].as_i64().unwrap())
        }
    };
    let (ana, _) = sign_in(EMAIL).await;
    let (bo, bo_id) = sign_in("bo@example.test").await;
    let ws = api(&http, &base, Some(&ana), "workspaces/add", json!({"name": "Crash"})).await;
    let (ws, channel) = (ws["id"].as_i64().unwrap(), ws["default_channel"].as_i64().unwrap());
    api(&http, &base, Some(&ana), "workspace_users/add", json!({"id": ws, "email": "bo@example.test"})).await;
    api(&http, &base, Some(&bo), "workspace_users/accept_invite", json!({"id": ws})).await;

    // Being added to the workspace told him once already.
    let (notes, inbox, events) = told(&http, &base, &bo, ws).await;
    // Five threads and five comments for Bo, three direct messages: all acknowledged.
    let mut first = None;
    for n in 0..5 {
        let body = json!({"channel_id": channel, "title": format!("T{n}"), "content": "x", "recipients": [bo_id]});
        let t = api(&http, &base, Some(&ana), "threads/add", body).await;
        first.get_or_insert(t["id"].as_i64().unwrap());
    }
    for n in 0..5 {
        let body = json!({"thread_id": first, "content": format!("c{n}"), "recipients": [bo_id]});
        api(&http, &base, Some(&ana), "comments/add", body).await;
    }
    let conv =
        api(&http, &base, Some(&ana), "conversations/get_or_create", json!({"workspace_id": ws, "user_ids": [bo_id]}))
            .await;
    for n in 0..3 {
        let body = json!({"conversation_id": conv["id"], "content": format!("m{n}")});
        api(&http, &base, Some(&ana), "conversation_messages/add", body).await;
    }
    // Committed, and nobody told yet: the fan-out is held.
    assert_eq!(told(&http, &base, &bo, ws).await, (notes, inbox, events), "{b:?}: the fan-out ran while held");

    drop(node); // SIGKILL
    let (node, base) = serve(dir.path(), url).await;
    // 13 notifications (5 threads, 5 comments, 3 messages), 5 threads in the inbox, an
    // inbox event per thread or comment.
    let expected = (notes + 13, inbox + 5, events + 10);
    assert_eq!(told(&http, &base, &bo, ws).await, expected, "{b:?}: after the restart");
    drop(node);
    let (node, base) = serve(dir.path(), url).await;
    assert_eq!(told(&http, &base, &bo, ws).await, expected, "{b:?}: after a second restart");
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_killed_before_its_fan_out_reaches_everyone_once_sqlite() {
    fan_out_after_kill_9(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_killed_before_its_fan_out_reaches_everyone_once_postgres() {
    if postgres_url().is_some() {
        fan_out_after_kill_9(Backend::Postgres).await;
    }
}

/// A scratch PostgreSQL database (its URL, and the server's), dropped at the end.
struct Scratch(String, String);

impl Scratch {
    /// A scratch database on PostgreSQL; none on SQLite (the data directory holds it).
    fn for_backend(b: Backend) -> Option<Scratch> {
        match b {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let base = postgres_url().unwrap();
                Some(Scratch(weft_store::pg::create_scratch_database(&base).unwrap(), base))
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        weft_store::pg::drop_scratch_database(&self.1, &self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_write_is_lost_or_duplicated_across_kill_9_sqlite() {
    kill_and_restart_under_load(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledged_write_is_lost_or_duplicated_across_kill_9_postgres() {
    if postgres_url().is_some() {
        kill_and_restart_under_load(Backend::Postgres).await;
    }
}

/// The checker catches what it is there to catch: a write acknowledged and missing, one
/// present twice, one under another id.
#[test]
fn the_checker_reports_loss_duplication_and_a_wrong_id() {
    let acked: BTreeMap<String, i64> = [("a", 1), ("b", 2), ("c", 3), ("d", 4)].map(|(k, v)| (k.to_string(), v)).into();
    let found: Vec<(String, i64)> =
        [("a", 1), ("c", 3), ("c", 5), ("d", 9), ("e", 6)].map(|(k, v)| (k.to_string(), v)).into();
    assert_eq!(
        check(&acked, &found),
        Verdict { lost: vec!["b".into()], duplicated: vec!["c".into()], moved: vec!["d".into()] }
    );
    let all: Vec<(String, i64)> = acked.iter().map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(check(&acked, &all), Verdict { lost: vec![], duplicated: vec![], moved: vec![] });
}
