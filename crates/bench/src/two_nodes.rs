//! `two_nodes`: two `weft serve` processes on one PostgreSQL database, as behind a load
//! balancer. How many posts a second one node takes, then two nodes writing two different
//! workspaces at once, then two nodes writing the same workspace; and afterwards whether
//! the event log kept its promises: each workspace's log, read from the start through the
//! API on both nodes, holds every acknowledged comment exactly once in strictly increasing
//! order, and the log as a whole has no gap.

use crate::Args;
use crate::load::{Latencies, http_client, login, ms, percentile};
use crate::report::{Scenario, fig};
use crate::scenarios::{step, wait_for_fanout, words};
use crate::seed;
use crate::server::Server;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};
use weft_store::sql::Conn;

/// Threads each workspace has; client `c` posts in thread `c % THREADS`.
pub const THREADS: usize = 8;
/// Other members each comment names as its recipients (the `post` scenario's threads have
/// about five participants: the author and four others).
pub const RECIPIENTS: usize = 4;

/// One seeded workspace: its members (user ids and their tokens) and its threads.
struct Workspace {
    id: i64,
    members: Vec<(i64, String)>,
    threads: Vec<i64>,
}

impl Workspace {
    /// Four other members of the workspace, for client `c`'s comments.
    fn recipients(&self, c: usize) -> Vec<i64> {
        let n = self.members.len();
        (1..=RECIPIENTS.min(n - 1)).map(|k| self.members[(c + k) % n].0).collect()
    }
}

/// One posting client: the node it talks to, whose token, where it posts.
struct Poster {
    node: usize,
    workspace: usize,
    base: String,
    token: String,
    thread: i64,
    recipients: Vec<i64>,
}

/// What one phase measured.
#[derive(Default)]
struct Burst {
    elapsed_s: f64,
    /// Acknowledged posts per node.
    per_node: [usize; 2],
    latencies_ms: Vec<f64>,
}

impl Burst {
    fn total(&self) -> usize {
        self.per_node.iter().sum()
    }
    fn rate(&self) -> f64 {
        self.total() as f64 / self.elapsed_s
    }
    fn node_rate(&self, node: usize) -> f64 {
        self.per_node[node] as f64 / self.elapsed_s
    }
}

async fn post_json(http: &reqwest::Client, url: &str, token: &str, body: &Value) -> Result<Value, String> {
    let r = http.post(url).bearer_auth(token).json(body).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if status.is_success() { Ok(v) } else { Err(format!("{url}: {status} {v}")) }
}

async fn get_json(http: &reqwest::Client, url: &str, token: &str, query: &[(&str, String)]) -> Result<Value, String> {
    let r = http.get(url).bearer_auth(token).query(query).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if status.is_success() { Ok(v) } else { Err(format!("{url}: {status} {v}")) }
}

/// Runs a blocking database job of the benchmark's own off the async runtime.
async fn on_database<T: Send + 'static>(
    url: &str,
    job: impl FnOnce(&mut weft_store::pg::PgConn) -> weft_core::Result<T> + Send + 'static,
) -> Result<T, String> {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        weft_store::pg::off_runtime(|| {
            let mut c = weft_store::pg::PgConn::new(&url, Duration::from_secs(10));
            job(&mut c)
        })
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())
}

/// The accounts of both workspaces, written into the database with the servers stopped.
async fn seed_accounts(url: &str, users: i64) -> Result<(), String> {
    let hash = weft_core::services::auth::hash_password(seed::PASSWORD).map_err(|e| e.to_string())?;
    let now = weft_core::Clock::now(&weft_core::SystemClock);
    on_database(url, move |c| {
        c.execute("BEGIN", &[])?;
        seed::users(c, 1..=users, &hash, now)?;
        c.execute("COMMIT", &[])?;
        weft_store::copy::reset_identities(c)
    })
    .await
}

/// A workspace made through the API by its first member, the others invited into it and
/// into its channel, and its threads.
async fn make_workspace(
    http: &reqwest::Client,
    base: &str,
    name: &str,
    users: std::ops::RangeInclusive<i64>,
) -> Result<Workspace, String> {
    let api = |path: &str| format!("{base}/api/v3/{path}");
    let mut members = Vec::new();
    for u in users {
        members.push((u, login(http, base, &seed::email(u), seed::PASSWORD).await?));
    }
    let admin = members[0].1.clone();
    let ws = post_json(http, &api("workspaces/add"), &admin, &json!({"name": name})).await?;
    let ws = ws["id"].as_i64().ok_or_else(|| format!("workspaces/add answered no id: {ws}"))?;
    let channel = post_json(
        http,
        &api("channels/add"),
        &admin,
        &json!({"workspace_id": ws, "name": "two-nodes", "public": true}),
    )
    .await?;
    let channel = channel["id"].as_i64().ok_or_else(|| format!("channels/add answered no id: {channel}"))?;
    for (u, token) in &members[1..] {
        let invite = json!({"id": ws, "email": seed::email(*u), "user_type": "USER", "channel_ids": [channel]});
        post_json(http, &api("workspace_users/add"), &admin, &invite).await?;
        post_json(http, &api("workspace_users/accept_invite"), token, &json!({"id": ws})).await?;
    }
    let mut threads = Vec::new();
    for k in 0..THREADS {
        let body = json!({"channel_id": channel, "title": format!("{name}: thread {}", k + 1),
            "content": words(30, k as u64), "recipients": []});
        let t = post_json(http, &api("threads/add"), &admin, &body).await?;
        threads.push(t["id"].as_i64().ok_or_else(|| format!("threads/add answered no id: {t}"))?);
    }
    Ok(Workspace { id: ws, members, threads })
}

/// Every poster at full speed for `secs` seconds; the ids of the acknowledged comments go
/// into `acked`, by workspace.
async fn burst(
    http: &reqwest::Client,
    posters: Vec<Poster>,
    secs: u64,
    acked: &mut [BTreeSet<i64>; 2],
) -> Result<Burst, String> {
    #[derive(serde::Deserialize)]
    struct Posted {
        id: i64,
    }
    let until = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in posters {
        let http = http.clone();
        tasks.push(tokio::spawn(async move {
            let url = format!("{}/api/v3/comments/add", p.base);
            let mut lat = Vec::new();
            let mut ids = Vec::new();
            let mut i = 0u64;
            while Instant::now() < until {
                i += 1;
                let body = json!({"thread_id": p.thread, "content": words(20, i), "recipients": p.recipients});
                let t = Instant::now();
                let r = http.post(&url).bearer_auth(&p.token).json(&body).send().await.map_err(|e| e.to_string())?;
                if !r.status().is_success() {
                    return Err(format!("comments/add answered {} on node {}", r.status(), node_name(p.node)));
                }
                let bytes = r.bytes().await.map_err(|e| e.to_string())?;
                lat.push(ms(t.elapsed()));
                let posted: Posted = serde_json::from_slice(&bytes).map_err(|e| format!("comments/add: {e}"))?;
                ids.push(posted.id);
            }
            Ok((p.node, p.workspace, lat, ids))
        }));
    }
    let mut out = Burst::default();
    for t in tasks {
        let (node, workspace, lat, ids) = t.await.map_err(|e| e.to_string())??;
        out.per_node[node] += lat.len();
        out.latencies_ms.extend(lat);
        for id in ids {
            if !acked[workspace].insert(id) {
                return Err(format!("comments/add answered the same comment id {id} twice"));
            }
        }
    }
    out.elapsed_s = started.elapsed().as_secs_f64();
    Ok(out)
}

fn node_name(node: usize) -> &'static str {
    if node == 0 { "A" } else { "B" }
}

/// `count` posters on `node`, posting in `ws` as its members `first..first + count`.
fn posters(ws: &Workspace, index: usize, node: usize, base: &str, first: usize, count: usize) -> Vec<Poster> {
    (first..first + count)
        .map(|c| Poster {
            node,
            workspace: index,
            base: base.to_string(),
            token: ws.members[c % ws.members.len()].1.clone(),
            thread: ws.threads[c % ws.threads.len()],
            recipients: ws.recipients(c),
        })
        .collect()
}

/// One workspace's log as `token` reads it through `base`: `events/get` from the start,
/// page after page until an empty one. Answers (seq, workspace, kind, comment id) per event.
async fn read_log(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    ws: i64,
) -> Result<Vec<(i64, i64, String, Option<i64>)>, String> {
    let url = format!("{base}/api/v3/events/get");
    let mut after = 0i64;
    let mut out = Vec::new();
    // Bounded: a page holds at least one event, and the log is finite.
    for _ in 0..1_000_000 {
        let query = [
            ("workspace_id", ws.to_string()),
            ("after", after.to_string()),
            ("timeout", "0".to_string()),
            ("limit", "1000".to_string()),
        ];
        let page = get_json(http, &url, token, &query).await?;
        let events = page["events"].as_array().ok_or_else(|| format!("events/get answered {page}"))?;
        if events.is_empty() {
            return Ok(out);
        }
        for e in events {
            let seq = e["seq"].as_i64().ok_or_else(|| format!("an event without seq: {e}"))?;
            let kind = e["type"].as_str().unwrap_or_default().to_string();
            let comment = (kind == "comment_added").then(|| e["data"]["id"].as_i64()).flatten();
            out.push((seq, e["workspace_id"].as_i64().unwrap_or(-1), kind, comment));
        }
        after = page["last_seq"].as_i64().ok_or_else(|| format!("events/get answered no last_seq: {page}"))?;
    }
    Err("events/get did not come to an end".into())
}

/// What is wrong with one workspace's log as read through one node (empty: nothing).
fn check_log(log: &[(i64, i64, String, Option<i64>)], ws: i64, acked: &BTreeSet<i64>, label: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    if let Some(w) = log.windows(2).find(|w| w[1].0 <= w[0].0) {
        wrong.push(format!("{label}: seq {} follows seq {} (not strictly increasing)", w[1].0, w[0].0));
    }
    let foreign: Vec<i64> = log.iter().filter(|e| e.1 != ws).map(|e| e.0).collect();
    if !foreign.is_empty() {
        wrong.push(format!(
            "{label}: {} events of another workspace, seqs {:?}",
            foreign.len(),
            &foreign[..foreign.len().min(10)]
        ));
    }
    let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
    for id in log.iter().filter_map(|e| e.3) {
        *seen.entry(id).or_default() += 1;
    }
    let twice: Vec<i64> = seen.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    let missing: Vec<i64> = acked.iter().filter(|id| !seen.contains_key(id)).copied().collect();
    let unasked: Vec<i64> = seen.keys().filter(|id| !acked.contains(id)).copied().collect();
    for (what, ids) in [
        ("comments in the log more than once", twice),
        ("acknowledged comments missing from the log", missing),
        ("comments in the log that no client was answered", unasked),
    ] {
        if !ids.is_empty() {
            wrong.push(format!("{label}: {} {what}, e.g. {:?}", ids.len(), &ids[..ids.len().min(10)]));
        }
    }
    wrong
}

/// The gaps in `seqs` (sorted), which should run on from `head` without one: each as the
/// seqs either side of it.
fn gaps(head: i64, seqs: &[i64]) -> Vec<(i64, i64)> {
    let mut before = head;
    let mut out = Vec::new();
    for &seq in seqs {
        if seq != before + 1 {
            out.push((before, seq));
        }
        before = seq;
    }
    out
}

/// The scenario, on a scratch PostgreSQL database `url` (made and migrated, with nothing in
/// it). Answers the scenario and what its checks found wrong (empty when nothing was).
pub async fn two_nodes(
    args: &Args,
    binary: &Path,
    url: &str,
    json: Map<String, Value>,
) -> Result<(Scenario, Vec<String>), String> {
    let clients = args.clients.max(2);
    let half = clients / 2;
    let http = http_client();
    let dirs = [tempfile::tempdir().map_err(|e| e.to_string())?, tempfile::tempdir().map_err(|e| e.to_string())?];

    // ---- two workspaces of `clients` members each ----
    step(&format!("two_nodes: two workspaces of {clients} members, {THREADS} threads each"));
    seed_accounts(url, 2 * clients as i64).await?;
    let (node_a, _) = Server::start(binary, dirs[0].path(), Some(url)).await?;
    let n = clients as i64;
    let ws = [
        make_workspace(&http, &node_a.url, "Two nodes 1", 1..=n).await?,
        make_workspace(&http, &node_a.url, "Two nodes 2", n + 1..=2 * n).await?,
    ];
    wait_for_fanout(&http, &node_a.url).await?;
    let head_before = on_database(url, |c| {
        c.query("SELECT COALESCE(MAX(seq), 0) FROM events", &[])?.first().map_or(Ok(0), |r| r.i64(0))
    })
    .await?;
    let mut acked: [BTreeSet<i64>; 2] = Default::default();

    // ---- phase 1: one node, one workspace ----
    step(&format!("two_nodes: one node, {clients} clients posting in workspace 1 for {} s", args.post_secs));
    let one = burst(&http, posters(&ws[0], 0, 0, &node_a.url, 0, clients), args.post_secs, &mut acked).await?;
    wait_for_fanout(&http, &node_a.url).await?;

    // ---- phase 2: two nodes, two workspaces ----
    let (node_b, _) = Server::start(binary, dirs[1].path(), Some(url)).await?;
    let nodes = [node_a.url.clone(), node_b.url.clone()];
    step(&format!(
        "two_nodes: two nodes, {half} clients in workspace 1 through A and {} in workspace 2 through B, {} s",
        clients - half,
        args.post_secs
    ));
    let mut split = posters(&ws[0], 0, 0, &nodes[0], 0, half);
    split.extend(posters(&ws[1], 1, 1, &nodes[1], 0, clients - half));
    let two = burst(&http, split, args.post_secs, &mut acked).await?;
    for base in &nodes {
        wait_for_fanout(&http, base).await?;
    }

    // ---- phase 2b: two nodes, the same workspace ----
    step(&format!(
        "two_nodes: two nodes, {half} clients through A and {} through B, all in workspace 1, {} s",
        clients - half,
        args.post_secs
    ));
    let mut same = posters(&ws[0], 0, 0, &nodes[0], 0, half);
    same.extend(posters(&ws[0], 0, 1, &nodes[1], half, clients - half));
    let same = burst(&http, same, args.post_secs, &mut acked).await?;
    for base in &nodes {
        wait_for_fanout(&http, base).await?;
    }

    // ---- the log: each workspace through the API on both nodes, then the whole of it ----
    step("two_nodes: reading each workspace's log from the start through both nodes");
    let mut wrong = Vec::new();
    let mut events_checked = 0usize;
    let mut api_seqs: BTreeMap<i64, i64> = BTreeMap::new();
    for (i, w) in ws.iter().enumerate() {
        // The workspace's first member: in its channel, a member of no other workspace.
        let reader = &w.members[0].1;
        let mut logs = Vec::new();
        for (node, base) in nodes.iter().enumerate() {
            let log = read_log(&http, base, reader, w.id).await?;
            let label = format!("workspace {} through node {}", i + 1, node_name(node));
            wrong.extend(check_log(&log, w.id, &acked[i], &label));
            logs.push(log);
        }
        if logs[0] != logs[1] {
            wrong.push(format!(
                "workspace {}: nodes A and B answer different logs ({} and {} events)",
                i + 1,
                logs[0].len(),
                logs[1].len()
            ));
        }
        events_checked += logs[0].len();
        api_seqs.extend(logs[0].iter().map(|e| (e.0, e.1)));
    }
    // No API reader sees every event (each person's own inbox and push events are theirs
    // alone), so the log as a whole is read by the benchmark's own connection.
    let logged: Vec<(i64, i64)> = on_database(url, move |c| {
        let rows = c.query("SELECT seq, workspace_id FROM events WHERE seq > ? ORDER BY seq", &[head_before.into()])?;
        rows.iter().map(|r| Ok((r.i64(0)?, r.i64(1)?))).collect()
    })
    .await?;
    let ids = [ws[0].id, ws[1].id];
    let seqs: Vec<i64> = logged.iter().map(|e| e.0).collect();
    let gaps = gaps(head_before, &seqs);
    let gap_free = gaps.is_empty();
    if !gap_free {
        wrong.push(format!(
            "the log has {} gaps after seq {head_before} (the seqs either side of each), e.g. {:?}",
            gaps.len(),
            &gaps[..gaps.len().min(10)],
        ));
    }
    let elsewhere = logged.iter().filter(|e| !ids.contains(&e.1)).count();
    if elsewhere > 0 {
        wrong.push(format!("{elsewhere} events of the run belong to neither workspace"));
    }
    let by_seq: BTreeMap<i64, i64> = logged.iter().copied().collect();
    let misplaced = api_seqs.iter().filter(|(seq, w)| **seq > head_before && by_seq.get(seq) != Some(w)).count();
    if misplaced > 0 {
        wrong.push(format!("{misplaced} events the API answered are not in the log under the same workspace"));
    }
    let run_events = logged.len();
    drop(node_b);
    drop(node_a);

    let (one_p, two_p, same_p) = (
        Latencies(one.latencies_ms.clone()).sorted(),
        Latencies(two.latencies_ms.clone()).sorted(),
        Latencies(same.latencies_ms.clone()).sorted(),
    );
    let speedup = two.rate() / one.rate();
    let mut json = json;
    json.insert("gap_free".into(), json!(gap_free));
    let acked_total = acked[0].len() + acked[1].len();
    let scenario = Scenario {
        name: "two_nodes",
        how: format!(
            "two `weft serve` processes on one PostgreSQL database (each its own port and data directory), two \
             workspaces of {clients} members made through the API ({THREADS} threads each, one channel); clients \
             POST comments/add (20 words, {RECIPIENTS} other members named as recipients) at full speed for {} s \
             per phase over keep-alive HTTP: one node = {clients} clients in workspace 1 through node A alone \
             (node B not started yet); two nodes = {half} in workspace 1 through A and {} in workspace 2 through \
             B at once; same workspace = the same split, both in workspace 1; the fan-out caught up between \
             phases (GET /health's fanout_behind on each node). Then each workspace's log read from seq 0 with \
             events/get by its first member through both nodes (the same answer required): seqs strictly \
             increasing, no event of the other workspace, each of the {acked_total} acknowledged comments exactly \
             once; and the {run_events} events the run appended, read by the benchmark's own connection (no \
             API reader sees other people's own events): gap-free = {gap_free}",
            args.post_secs,
            clients - half
        ),
        figures: vec![
            fig("one_node_posts_per_s", one.rate(), "posts/s"),
            fig("p50_ms_one_node", percentile(&one_p, 50.0), "ms"),
            fig("p99_ms_one_node", percentile(&one_p, 99.0), "ms"),
            fig("two_nodes_posts_per_s", two.rate(), "posts/s").baseline(one.rate()),
            fig("node_a_posts_per_s", two.node_rate(0), "posts/s"),
            fig("node_b_posts_per_s", two.node_rate(1), "posts/s"),
            fig("p50_ms_two_nodes", percentile(&two_p, 50.0), "ms"),
            fig("p99_ms_two_nodes", percentile(&two_p, 99.0), "ms"),
            fig("same_workspace_posts_per_s", same.rate(), "posts/s").baseline(one.rate()),
            fig("p99_ms_same_workspace", percentile(&same_p, 99.0), "ms"),
            fig("speedup", speedup, "×"),
            fig("events_checked", events_checked as f64, "events"),
        ],
        json,
    };
    Ok((scenario, wrong))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: i64, ws: i64, comment: Option<i64>) -> (i64, i64, String, Option<i64>) {
        let kind = if comment.is_some() { "comment_added" } else { "inbox_updated" };
        (seq, ws, kind.to_string(), comment)
    }

    #[test]
    fn a_whole_log_passes() {
        let log = [ev(3, 1, Some(10)), ev(5, 1, None), ev(8, 1, Some(11))];
        assert!(check_log(&log, 1, &BTreeSet::from([10, 11]), "ws").is_empty());
        assert!(gaps(2, &[3, 4, 5]).is_empty());
        assert!(gaps(2, &[]).is_empty());
    }

    #[test]
    fn the_checks_catch_what_they_are_for() {
        let acked = BTreeSet::from([10, 11, 12]);
        let found = |log: &[(i64, i64, String, Option<i64>)], what: &str| {
            let wrong = check_log(log, 1, &acked, "ws");
            assert!(wrong.iter().any(|w| w.contains(what)), "{what} not found in {wrong:?}");
        };
        let whole = vec![ev(1, 1, Some(10)), ev(2, 1, Some(11)), ev(3, 1, Some(12))];
        let mut reordered = whole.clone();
        reordered.swap(1, 2);
        found(&reordered, "not strictly increasing");
        let mut repeated = whole.clone();
        repeated.push(ev(4, 1, Some(11)));
        found(&repeated, "more than once");
        found(&whole[..2], "missing from the log");
        let mut foreign = whole.clone();
        foreign.push(ev(4, 2, Some(13)));
        found(&foreign, "of another workspace");
        found(&foreign, "no client was answered");
        assert_eq!(gaps(2, &[3, 5, 6]), [(3, 5)]);
        assert_eq!(gaps(2, &[4, 5]), [(2, 4)], "the first seq after the head is missing");
    }
}
