//! Two nodes on one PostgreSQL database, writing two workspaces at once through both: what
//! each person sees is what one server would have shown them. Each workspace's stream and
//! log, on either node, holds every acknowledged comment once, in strictly increasing
//! sequence order, and nothing of the other workspace; each inbox has the threads that
//! concern its person. Runs when a PostgreSQL server is available.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use weft_client::{Client, EventStream};

/// Comments each of the four writers posts.
const POSTS: usize = 50;
/// How long a stream may stay silent while acknowledged comments are still missing from it
/// before the test gives up: a bound on a stall, not a timing expectation.
const STALL: Duration = Duration::from_secs(30);

/// One event as a reader got it: its sequence number, workspace, type, and the comment it
/// added (for `comment_added`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    seq: i64,
    workspace: i64,
    kind: String,
    comment: Option<i64>,
}

impl Seen {
    fn of(wire: &Value) -> Seen {
        let kind = wire["type"].as_str().expect("an event type").to_string();
        Seen {
            seq: wire["seq"].as_i64().expect("a seq"),
            workspace: wire["workspace_id"].as_i64().expect("a workspace"),
            comment: if kind == "comment_added" { wire["data"]["id"].as_i64() } else { None },
            kind,
        }
    }
}

/// What one reader must have seen of workspace `ws`: strictly increasing sequence numbers,
/// no event of another workspace, and each comment of `acked` once, and no other comment.
fn assert_one_log(events: &[Seen], ws: i64, acked: &BTreeSet<i64>, who: &str) {
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{who}: sequence numbers not strictly increasing: {seqs:?}");
    let foreign: Vec<&Seen> = events.iter().filter(|e| e.workspace != ws).collect();
    assert!(foreign.is_empty(), "{who}: events of another workspace: {foreign:?}");
    let mut times: BTreeMap<i64, usize> = BTreeMap::new();
    for id in events.iter().filter_map(|e| e.comment) {
        *times.entry(id).or_default() += 1;
    }
    let twice: Vec<i64> = times.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    assert!(twice.is_empty(), "{who}: comments delivered more than once: {twice:?}");
    let got: BTreeSet<i64> = times.into_keys().collect();
    assert_eq!(&got, acked, "{who}: the comments must be exactly the acknowledged ones");
}

/// The whole log of `ws` as `client` reads it: `events/get` from the start, page by page,
/// until a page is empty (every write acknowledged before the first call is in it).
async fn log_of(client: &Client, ws: i64) -> Vec<Seen> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let page = client
            .get("events/get", json!({"workspace_id": ws, "after": after, "timeout": 0, "limit": 1000}))
            .await
            .unwrap();
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return out;
        }
        out.extend(events.iter().map(Seen::of));
        after = page["last_seq"].as_i64().unwrap();
    }
}

/// Reads `stream` until every comment of `acked` has come; answers what it read.
async fn read_until_all(stream: &mut EventStream, acked: &BTreeSet<i64>, who: &str) -> Vec<Seen> {
    let mut out = Vec::new();
    let mut missing = acked.clone();
    while !missing.is_empty() {
        let Some(ev) = stream.next(STALL).await else {
            panic!("{who}: the stream stalled with {} acknowledged comments missing: {missing:?}", missing.len());
        };
        let seen = Seen::of(&ev.data);
        assert_eq!(ev.id, Some(seen.seq), "{who}: the SSE id is the event's seq");
        if let Some(id) = seen.comment {
            missing.remove(&id);
        }
        out.push(seen);
    }
    out
}

/// The threads of `client`'s inbox in `ws`.
async fn inbox(client: &Client, ws: i64) -> BTreeSet<i64> {
    let items = client.get("inbox/get", json!({"workspace_id": ws, "limit": 100})).await.unwrap();
    items.as_array().unwrap().iter().map(|i| i["id"].as_i64().expect("an inbox thread id")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_writing_two_workspaces_keep_each_log_whole_and_apart() {
    if postgres_url().is_none() {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres).await;
    let node_b = app.second_node().await;
    let base_b = format!("http://{}", node_b.addr);
    let on_b = |c: &Client| Client::new(&base_b).with_token(c.token().unwrap());

    // Workspace One: Ana (admin) and Bo; workspace Two: Cy (admin) and Di; Eve is in both.
    let mut ids = BTreeMap::new();
    for name in ["Ana", "Bo", "Cy", "Di", "Eve"] {
        ids.insert(name, app.account(name).await.id.0);
    }
    let ana = app.session(ids["Ana"]).await;
    let cy = app.session(ids["Cy"]).await;
    let one = ana.add_workspace("One").await.unwrap();
    let two = cy.add_workspace("Two").await.unwrap();
    let (ws1, ws2) = (one.id.0, two.id.0);
    for (admin, ws, who) in [(&ana, ws1, "Bo"), (&ana, ws1, "Eve"), (&cy, ws2, "Di"), (&cy, ws2, "Eve")] {
        app.join(admin, ws, ids[who], "USER").await;
    }
    let (bo, di, eve) = (app.session(ids["Bo"]).await, app.session(ids["Di"]).await, app.session(ids["Eve"]).await);
    // Each writer's thread, started with nobody told: only the comments below tell anyone.
    let mut threads = BTreeMap::new();
    for (who, client, ws) in [("Ana", &ana, &one), ("Bo", &bo, &one), ("Cy", &cy, &two), ("Di", &di, &two)] {
        let body = json!({"channel_id": ws.default_channel.unwrap().0, "title": format!("{who}'s thread"),
            "content": "x", "recipients": []});
        threads.insert(who, client.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap());
    }

    // Bo (only in One) and Di (only in Two) follow their workspace on both nodes, from the
    // start of the log.
    let mut streams = Vec::new();
    for (who, client, ws) in [("Bo", &bo, ws1), ("Di", &di, ws2)] {
        streams.push((format!("{who} on node A"), ws, client.stream(ws, Some(0)).await.unwrap()));
        streams.push((format!("{who} on node B"), ws, on_b(client).stream(ws, Some(0)).await.unwrap()));
    }
    // Neither may open the other workspace's stream or log, on either node.
    for (client, other) in [(&bo, ws2), (&di, ws1)] {
        for c in [client.clone(), on_b(client)] {
            assert_eq!(c.stream(other, Some(0)).await.err().expect("refused").status, 404);
            let err = c.get("events/get", json!({"workspace_id": other, "after": 0, "timeout": 0})).await.unwrap_err();
            assert_eq!(err.status, 404, "{err}");
        }
    }

    // Four writers at once: node A into One, node B into Two, node A into Two, node B into One.
    let writers = [
        (ana.clone(), ws1, threads["Ana"], vec![ids["Bo"]]),
        (on_b(&di), ws2, threads["Di"], vec![ids["Cy"], ids["Eve"]]),
        (cy.clone(), ws2, threads["Cy"], vec![ids["Di"]]),
        (on_b(&bo), ws1, threads["Bo"], vec![ids["Ana"], ids["Eve"]]),
    ];
    let mut tasks = Vec::new();
    for (i, (client, ws, thread, recipients)) in writers.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for n in 0..POSTS {
                let body = json!({"thread_id": thread, "content": format!("writer {i} comment {n}"), "recipients": recipients});
                let c = client.post("comments/add", body).await.unwrap();
                acked.push(c["id"].as_i64().unwrap());
            }
            (ws, thread, acked)
        }));
    }
    let mut acked: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut by_thread = BTreeMap::new();
    for t in tasks {
        let (ws, thread, ids) = t.await.unwrap();
        acked.entry(ws).or_default().extend(ids.iter().copied());
        by_thread.insert(thread, ids);
    }
    assert_eq!(acked.values().map(BTreeSet::len).sum::<usize>(), 4 * POSTS, "every comment id is distinct");

    // The streams: every acknowledged comment of their workspace once, in order, nothing else.
    let mut streamed = Vec::new();
    for (who, ws, stream) in &mut streams {
        let events = read_until_all(stream, &acked[ws], who).await;
        assert_one_log(&events, *ws, &acked[ws], who);
        streamed.push((who.clone(), *ws, events));
    }

    // The log read from the start, on each node, by a member of that workspace alone and by
    // Eve, who is in both: the same on both nodes, and what the streams showed.
    for (who, client, ws) in [("Bo", &bo, ws1), ("Di", &di, ws2), ("Eve", &eve, ws1), ("Eve", &eve, ws2)] {
        let on_a = log_of(client, ws).await;
        let on_b = log_of(&on_b(client), ws).await;
        assert_one_log(&on_a, ws, &acked[&ws], &format!("{who}'s log of workspace {ws} on node A"));
        assert_eq!(on_a, on_b, "{who}'s log of workspace {ws}: nodes A and B answer the same");
        for (stream, _, events) in streamed.iter().filter(|(s, w, _)| *w == ws && s.starts_with(who)) {
            let last = events.last().unwrap().seq;
            let logged: Vec<&Seen> = on_a.iter().take_while(|e| e.seq <= last).collect();
            assert_eq!(logged, events.iter().collect::<Vec<_>>(), "{stream}: the stream is the log");
        }
    }

    // Every comment is in its thread once, with its own position, whichever node wrote it
    // (as Eve, in both workspaces, reads them through each node).
    for (thread, ids) in &by_thread {
        for c in [eve.clone(), on_b(&eve)] {
            let comments = c.get("comments/get", json!({"thread_id": thread, "limit": 500})).await.unwrap();
            let got: Vec<i64> = comments.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
            let positions: Vec<i64> =
                comments.as_array().unwrap().iter().map(|c| c["obj_index"].as_i64().unwrap()).collect();
            assert_eq!(&got, ids, "thread {thread}: its comments, in the order they were acknowledged");
            assert_eq!(positions, (0..POSTS as i64).collect::<Vec<_>>(), "thread {thread}");
        }
    }

    // Inboxes, once both nodes' fan-out has done every post they know of: the threads that
    // concern each person, in their workspace only, on either node.
    app.node().fanned_out().await;
    node_b.app.fanned_out().await;
    let expected = [
        ("Ana", &ana, ws1, vec!["Ana", "Bo"]),
        ("Bo", &bo, ws1, vec!["Ana", "Bo"]),
        ("Eve", &eve, ws1, vec!["Bo"]),
        ("Cy", &cy, ws2, vec!["Cy", "Di"]),
        ("Di", &di, ws2, vec!["Cy", "Di"]),
        ("Eve", &eve, ws2, vec!["Di"]),
    ];
    for (who, client, ws, writers) in expected {
        let want: BTreeSet<i64> = writers.iter().map(|w| threads[w]).collect();
        assert_eq!(inbox(client, ws).await, want, "{who}'s inbox in workspace {ws} on node A");
        assert_eq!(inbox(&on_b(client), ws).await, want, "{who}'s inbox in workspace {ws} on node B");
    }

    // A thread one node acknowledged is in the inbox the other node answers right after:
    // its barrier waits for the head as the database has it, not as it last heard.
    let channel = one.default_channel.unwrap().0;
    for n in 0..20 {
        let (writer, reader) = if n % 2 == 0 { (on_b(&ana), bo.clone()) } else { (ana.clone(), on_b(&bo)) };
        let body =
            json!({"channel_id": channel, "title": format!("Told {n}"), "content": "x", "recipients": [ids["Bo"]]});
        let thread = writer.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap();
        assert!(inbox(&reader, ws1).await.contains(&thread), "thread {n} is in Bo's inbox on the other node at once");
    }

    node_b.stop().await;
    app.stop().await;
}
