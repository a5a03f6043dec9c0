//! Running at scale: several nodes on one PostgreSQL, moving from SQLite, and surviving a
//! database outage. These run when a PostgreSQL server is available.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use weft_client::Client;
use weft_core::model::*;

#[tokio::test]
async fn two_nodes_on_one_database_behave_as_one_server() {
    if postgres_url().is_none() {
        return;
    }
    let t = Team::on(Backend::Postgres).await;
    let node2 = t.app.second_node().await;
    let ana2 = Client::new(&format!("http://{}", node2.addr)).with_token(t.ana.token().unwrap());
    let bo2 = Client::new(&format!("http://{}", node2.addr)).with_token(t.bo.token().unwrap());
    let th = t.ana.add_thread(t.general, "Across nodes", "x").await.unwrap();
    // Bo streams from node 1; writes go through node 2.
    let mut stream = t.bo.stream(t.ws, None).await.unwrap();
    let written = ana2.add_comment(th.id.0, "via node 2").await.unwrap();
    let sent = Instant::now();
    let got = loop {
        let ev = stream.next(Duration::from_secs(1)).await.expect("node 1 delivers node 2's write within a second");
        if ev.event == "comment_added" {
            break ev;
        }
    };
    assert!(sent.elapsed() < Duration::from_secs(1));
    assert_eq!(got.data["data"]["id"], written.id.0);

    // Both nodes write at once; node 1's stream gets every event, in order, without gaps.
    let mut writers = Vec::new();
    for (i, client) in [t.ana.clone(), ana2.clone(), t.bo.clone(), bo2.clone()].into_iter().enumerate() {
        let thread = th.id.0;
        writers.push(tokio::spawn(async move {
            for n in 0..15 {
                client.add_comment(thread, &format!("writer {i} comment {n}")).await.unwrap();
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let events = stream.drain(Duration::from_millis(1500)).await;
    let seqs: Vec<i64> = events.iter().map(|e| e.id.unwrap()).collect();
    let comments_seen = events.iter().filter(|e| e.event == "comment_added").count();
    assert_eq!(comments_seen, 60, "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[1] > w[0]), "reordered: {seqs:?}");
    // Without gaps: exactly what the log holds for Bo after that point, as the long poll
    // (which reads the database) answers it.
    let page =
        t.bo.get("events/get", json!({"workspace_id": t.ws, "after": got.id.unwrap(), "timeout": 0, "limit": 1000}))
            .await
            .unwrap();
    let logged: Vec<i64> = page["events"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, logged);
    // Every comment got its own obj_index, 0..=60 with no duplicate.
    let comments: Vec<Comment> =
        t.ana.get_as("comments/get", json!({"thread_id": th.id.0, "limit": 500})).await.unwrap();
    let idx: Vec<i64> = comments.iter().map(|c| c.obj_index).collect();
    assert_eq!(idx, (0..61).collect::<Vec<_>>());
    // A client resuming on node 2 from node 1's position sees the same sequence.
    let mut again = bo2.stream(t.ws, Some(got.id.unwrap())).await.unwrap();
    let replay: Vec<i64> = again.drain(Duration::from_millis(500)).await.iter().map(|e| e.id.unwrap()).collect();
    assert_eq!(replay, seqs);
    node2.stop().await;
    t.app.stop().await;
}

#[tokio::test]
async fn a_sqlite_instance_moves_to_postgres_and_a_rerun_adds_no_duplicates() {
    let Some(base) = postgres_url() else { return };
    // An instance with some life in it, on SQLite.
    let t = Team::on(Backend::Sqlite).await;
    let th = t.ana.add_thread(t.general, "Before the move", "x").await.unwrap();
    for n in 0..30 {
        t.bo.add_comment(th.id.0, &format!("comment {n}")).await.unwrap();
    }
    t.ana.post("threads/star", json!({"id": th.id.0})).await.unwrap();
    t.ana.post("reactions/add", json!({"thread_id": th.id.0, "reaction": "👍"})).await.unwrap();
    let file = upload(&t.ana, "moved-file", "moved.txt", "text/plain", b"moves along".to_vec()).await;
    t.ana
        .post("comments/add", json!({"thread_id": th.id.0, "content": "a file", "attachments": [file]}))
        .await
        .unwrap();
    upload(&t.bo, "not-posted", "draft.txt", "text/plain", b"draft".to_vec()).await;
    // A decision and a meeting.
    let decided = t.ana.add_thread(t.general, "Decided", "x").await.unwrap();
    let decision = t.bo.add_comment(decided.id.0, "We go").await.unwrap();
    t.ana.post("comments/mark_decision", json!({"id": decision.id.0})).await.unwrap();
    let meeting = json!({"workspace_id": t.ws, "title": "Kickoff", "reason": "kickoff", "attendee_ids": [t.bo_id],
        "starts_ts": START + 86_400, "duration_min": 30, "agenda": "Scope"});
    t.ana.post("meetings/add", meeting).await.unwrap();
    // An unsubscribe link Bo was emailed (its secret's hash is what is stored).
    let unsubscribe = "ef".repeat(32);
    let (hash, bo_id, ws_id) = (weft_core::services::auth::token_hash(&unsubscribe), t.bo_id, t.ws);
    let store = t.app.node().store.clone();
    store
        .write(move |tx| tx.insert_mail_token(weft_core::UserId(bo_id), weft_core::WorkspaceId(ws_id), &hash, START, 0))
        .await
        .unwrap();
    let bo_token = t.bo.token().unwrap().to_string();
    let dir = t.app.dir.path().to_path_buf();
    let (ana_token, ws, general) = (t.ana.token().unwrap().to_string(), t.ws, t.general);
    let mut app = t.app;
    app.server.take().unwrap().stop().await;

    let target = weft_store::pg::create_scratch_database(&base).unwrap();
    let (d, to) = (dir.clone(), target.clone());
    let reports = tokio::task::spawn_blocking(move || weft_store::copy::sqlite_to_postgres(&d, &to, |_| {}))
        .await
        .unwrap()
        .unwrap();
    assert!(reports.iter().all(|r| r.ok()), "{reports:?}");
    let comments = reports.iter().find(|r| r.table == "comments").unwrap();
    assert_eq!(comments.source_rows, 32, "31 in the first thread, the decision in the second");
    for (table, rows) in [
        ("attachments", 2),
        ("attachment_uses", 1),
        ("attachment_blobs", 2),
        ("mail_unsubscribe", 1),
        ("decisions", 1),
        ("meetings", 1),
    ] {
        let r = reports.iter().find(|r| r.table == table).unwrap();
        assert_eq!((r.source_rows, r.ok()), (rows, true), "{table}");
    }

    // An interrupted copy: part of the rows are missing. Running it again completes it.
    let to = target.clone();
    tokio::task::spawn_blocking(move || {
        let mut c: postgres::Client = to.parse::<postgres::Config>().unwrap().connect(postgres::NoTls).unwrap();
        c.batch_execute(
            "DELETE FROM comments WHERE id % 2 = 0; DELETE FROM events WHERE seq > 10; DELETE FROM attachment_uses; \
             DELETE FROM attachments WHERE attachment_id = 'not-posted'",
        )
        .unwrap();
    })
    .await
    .unwrap();
    let (d, to) = (dir.clone(), target.clone());
    let reports = tokio::task::spawn_blocking(move || weft_store::copy::sqlite_to_postgres(&d, &to, |_| {}))
        .await
        .unwrap()
        .unwrap();
    assert!(reports.iter().all(|r| r.ok()), "{reports:?}");

    // Weft on PostgreSQL serves the same data to the same tokens, and new ids continue.
    // Uploaded files stay in the data directory: the new server is pointed at it.
    let config = weft::Config {
        data: dir.clone(),
        database_url: Some(target.clone()),
        listen: "127.0.0.1:0".parse().unwrap(),
        ..weft::Config::default()
    };
    let store = config.open_store().unwrap();
    let server = weft::Server::start(config, store, app.clock.clone()).await.unwrap();
    let ana = Client::new(&format!("http://{}", server.addr)).with_token(&ana_token);
    let moved: Thread = ana.get_as("threads/getone", json!({"id": th.id.0})).await.unwrap();
    assert_eq!((moved.comment_count, moved.starred), (31, true));
    assert_eq!(moved.reactions.get("👍").map(Vec::len), Some(1));
    let all: Vec<Value> = ana.get_as("comments/get", json!({"thread_id": th.id.0, "limit": 100})).await.unwrap();
    assert_eq!(all.len(), 31);
    // The file is served from PostgreSQL's records, to those who see its post.
    let bo = Client::new(&format!("http://{}", server.addr)).with_token(&bo_token);
    let url = file["url"].as_str().unwrap().replace(&app.base, &format!("http://{}", server.addr));
    let (status, _, body) = crate::attachments::download(&bo, &url).await;
    assert_eq!((status, body), (200, b"moves along".to_vec()));
    // The emailed unsubscribe link still works.
    let unsubscribed = reqwest::Client::new()
        .get(format!("http://{}/mail/unsubscribe?token={unsubscribe}", server.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(unsubscribed.status(), 200);
    let log = ana.get("decisions/get", json!({"workspace_id": ws})).await.unwrap();
    assert_eq!(log[0]["comment_id"], decision.id.0, "{log}");
    let meetings = ana.get("meetings/get", json!({"workspace_id": ws})).await.unwrap();
    assert_eq!(meetings[0]["title"], "Kickoff", "{meetings}");
    let next = ana.add_thread(general, "After the move", "y").await.unwrap();
    assert!(next.id.0 > th.id.0);
    let page =
        ana.get("events/get", json!({"workspace_id": ws, "after": 0, "timeout": 0, "limit": 1000})).await.unwrap();
    assert!(page["events"].as_array().unwrap().len() > 30);
    server.stop().await;
    weft_store::pg::drop_scratch_database(&base, &target);
}

#[tokio::test]
async fn a_database_outage_gives_503_then_service_resumes() {
    let Some(base) = postgres_url() else { return };
    let proxy = Proxy::start(host_port(&base));
    let port = proxy.addr.port();
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        let url = c.database_url.clone().unwrap();
        let hp = host_port(&url);
        c.database_url = Some(url.replacen(&hp, &format!("127.0.0.1:{port}"), 1));
    })
    .await;
    let (ana, _) = app.user("Ana").await;
    let ws = ana.add_workspace("Acme").await.unwrap();
    let general = ws.default_channel.unwrap().0;
    ana.add_thread(general, "Before", "x").await.unwrap();

    proxy.cut();
    let err = ana.add_thread(general, "During", "x").await.unwrap_err();
    assert_eq!(err.status, 503, "{err}");
    // The answer says what happened, not the driver's words (host, port, its errors).
    assert_eq!(err.body["error_string"], json!(weft::api::error::UNAVAILABLE), "{err}");
    let err = ana.get("threads/get", json!({"workspace_id": ws.id.0})).await.unwrap_err();
    assert_eq!(err.status, 503, "{err}");
    assert_eq!(err.body["error_string"], json!(weft::api::error::UNAVAILABLE), "{err}");
    let (status, health) = ana.send(ana.http().get(format!("{}/health", app.base))).await.unwrap();
    assert_eq!((status, &health["backend"], &health["database_reachable"]), (503, &json!("postgres"), &json!(false)));

    proxy.restore();
    let after = ana.add_thread(general, "After", "x").await.unwrap();
    let threads: Vec<Thread> = ana.get_as("threads/get", json!({"workspace_id": ws.id.0})).await.unwrap();
    let titles: Vec<&str> = threads.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["After", "Before"]);
    assert!(after.id.0 > 0);
    app.stop().await;
}

#[tokio::test]
async fn scheduled_work_happens_once_across_nodes() {
    if postgres_url().is_none() {
        return;
    }
    let t = Team::on(Backend::Postgres).await;
    let node2 = t.app.second_node().await;
    let mut threads = Vec::new();
    for n in 0..12 {
        let th: Thread = t
            .ana
            .post_as(
                "threads/add",
                json!({"channel_id": t.general, "title": format!("S{n}"), "content": "x", "recipients": [t.bo_id]}),
            )
            .await
            .unwrap();
        t.bo.post("inbox/snooze", json!({"id": th.id.0, "until_ts": START + 600})).await.unwrap();
        threads.push(th.id.0);
    }
    t.app.clock.advance_secs(601);
    // Both nodes' schedulers step at the same time.
    let (ra, rb) = tokio::join!(t.app.node().workers().step_all(), node2.app.workers().step_all());
    ra.unwrap();
    rb.unwrap();
    let items: Vec<InboxThread> = t.bo.get_as("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
    assert_eq!(items.len(), threads.len(), "every snoozed item is back");
    assert!(items.iter().all(|i| i.is_reminder));
    // Exactly one reminder per item in the shared event log, whichever node sent it.
    let page =
        t.bo.get("events/get", json!({"workspace_id": t.ws, "after": 0, "timeout": 0, "limit": 1000})).await.unwrap();
    for th in &threads {
        let reminders = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["type"] == "inbox_updated" && e["data"]["thread_id"] == *th && e["data"]["is_reminder"] == true
            })
            .count();
        assert_eq!(reminders, 1, "thread {th}");
    }
    node2.stop().await;
    t.app.stop().await;
}
