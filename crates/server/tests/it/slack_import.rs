//! `weft admin import slack`: a small export built here (no real people's data), imported
//! into a workspace and looked at through the API as its people would; run again (nothing
//! doubles), interrupted and resumed, and hostile archives refused with nothing written.

use crate::helpers::*;
use serde_json::{Value, json};
use std::io::Write;
use weft::import::slack::{self, Options};
use weft_core::WorkspaceId;

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn j(v: Value) -> Vec<u8> {
    serde_json::to_vec(&v).unwrap()
}

/// A Slack export with every feature the importer handles.
fn export() -> Vec<(&'static str, Vec<u8>)> {
    let users = json!([
        {"id": "U1", "name": "ana", "profile": {"email": "Ana@example.test", "real_name": "Ana"}},
        {"id": "U2", "name": "carla", "profile": {"email": "carla@example.test", "real_name": "Carla Dias"}},
        {"id": "U3", "name": "dave", "deleted": true, "profile": {"real_name": "Dave Gone"}},
        {"id": "UB", "name": "deploybot", "is_bot": true, "profile": {"real_name": "Deploy Bot"}}
    ]);
    let channels = json!([{"id": "C1", "name": "general", "created": 1_709_500_000, "creator": "U1",
        "members": ["U1", "U2", "U3"], "topic": {"value": "Daily chatter"}, "purpose": {"value": "Everything about Acme"}}]);
    let groups = json!([{"id": "G1", "name": "secret", "created": 1_709_500_000, "creator": "U1",
        "members": ["U1", "U2"], "topic": {"value": ""}, "purpose": {"value": "Plans"}}]);
    let dms = json!([{"id": "D1", "created": 1_709_500_000, "members": ["U1", "U2"]}]);
    let mpims = json!([{"id": "G2", "name": "mpdm-ana--carla--dave-1", "created": 1_709_500_000,
        "members": ["U1", "U2", "U3"]}]);
    let day1 = json!([
        {"type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined the channel", "ts": "1709550000.000100"},
        {"type": "message", "user": "U1", "text": "*Hello* <@U2>, see <#G1|secret> and ~old~ `code` &amp; <https://example.test/x|the doc>",
         "ts": "1709550100.000200", "edited": {"user": "U1", "ts": "1709550200.000000"},
         "reactions": [{"name": "+1", "users": ["U2", "U3"], "count": 2}, {"name": "custom-blob", "users": ["U2"], "count": 1}]},
        {"type": "message", "user": "U2", "text": "Pineapple question: who orders lunch?", "ts": "1709551000.000300",
         "thread_ts": "1709551000.000300", "reply_count": 2},
        {"type": "message", "user": "U1", "text": "&gt; who orders lunch?\nI do", "ts": "1709551100.000400", "thread_ts": "1709551000.000300"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B9", "username": "CI", "text": "Build passed", "ts": "1709552000.000500"},
        {"type": "message", "user": "UB", "text": "Deployed", "ts": "1709552100.000600",
         "files": [{"name": "report.pdf", "url_private": "https://files.example.test/report.pdf"}]},
        {"type": "message", "subtype": "channel_topic", "user": "U1", "text": "<@U1> set the channel topic: Daily chatter", "ts": "1709552200.000700"}
    ]);
    let day2 = json!([
        {"type": "message", "user": "U3", "text": "```let x = 1 &lt; 2;```", "ts": "1709636400.000100"},
        {"type": "message", "user": "U2", "text": "Late reply in the thread", "ts": "1709636500.000200", "thread_ts": "1709551000.000300"}
    ]);
    vec![
        ("users.json", j(users)),
        ("channels.json", j(channels)),
        ("groups.json", j(groups)),
        ("dms.json", j(dms)),
        ("mpims.json", j(mpims)),
        ("general/2024-03-04.json", j(day1)),
        ("general/2024-03-05.json", j(day2)),
        (
            "secret/2024-03-04.json",
            j(json!([{"type": "message", "user": "U2", "text": "Surprise party on Friday", "ts": "1709550000.000100",
                    "files": [{"id": "F0PLAN1", "name": "plan.txt", "mimetype": "text/plain",
                        "url_private": "https://files.example.test/files-pri/T1-F0PLAN1/plan.txt"}]}])),
        ),
        (
            "D1/2024-03-04.json",
            j(json!([
                {"type": "message", "user": "U1", "text": "Hi Carla", "ts": "1709550000.000100"},
                {"type": "message", "user": "U2", "text": "Hi Ana :wave:", "ts": "1709550060.000100",
                 "reactions": [{"name": "heart", "users": ["U1"], "count": 1}]}
            ])),
        ),
        (
            "mpdm-ana--carla--dave-1/2024-03-04.json",
            j(json!([{"type": "message", "user": "U3", "text": "Group hello", "ts": "1709550000.000100"}])),
        ),
        // The file's bytes, as tools that download them lay them out.
        ("__uploads/F0PLAN1/plan.txt", PLAN.to_vec()),
    ]
}

/// The bytes of the one file the export holds.
const PLAN: &[u8] = b"1. cake\n2. balloons\n";

fn write(dir: &tempfile::TempDir, name: &str, files: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, zip_of(files)).unwrap();
    path
}

async fn threads_of(c: &weft_client::Client, channel: i64) -> Vec<Value> {
    let v = c.get("threads/get", json!({"channel_id": channel, "limit": 100})).await.unwrap();
    v.as_array().cloned().unwrap_or_default()
}

async fn row_counts(t: &Team) -> Vec<i64> {
    let ws = WorkspaceId(t.ws);
    let mapped = t.app.node().store.read(move |tx| tx.import_mappings(ws, "slack")).await.unwrap().len() as i64;
    let mut out = vec![mapped];
    for ch in [t.general, t.private] {
        out.push(threads_of(&t.ana, ch).await.len() as i64);
    }
    out
}

both_backends! {
    async fn a_slack_export_is_imported_once_resumably_and_hostile_archives_change_nothing(b: Backend) {
        let t = Team::on(b).await;
        let store = t.app.node().store.clone();
        let dir = tempfile::tempdir().unwrap();
        let ws = WorkspaceId(t.ws);

        // Hostile archives: refused with a clear reason, before anything is written.
        let before = t.ana.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap();
        let mut traversal = export();
        traversal.push(("../escape.json", b"[]".to_vec()));
        let mut bomb = export();
        bomb.push(("general/2024-03-06.json", vec![b' '; 4 * 1024 * 1024]));
        let mut malformed = export();
        malformed.push(("general/2024-03-07.json", b"[{\"ts\": ".to_vec()));
        for (name, files, expect) in [
            ("traversal.zip", traversal, "not a plain relative path"),
            ("bomb.zip", bomb, "zip bomb"),
            ("malformed.zip", malformed, "not valid export JSON"),
        ] {
            let err = slack::import(store.clone(), &t.app.node().files, &write(&dir, name, &files), &Options::new(ws)).await.unwrap_err();
            assert!(err.contains(expect), "{name}: {err}");
        }
        let err = slack::import(store.clone(), &t.app.node().files, &write(&dir, "empty.zip", &[]), &Options::new(ws)).await.unwrap_err();
        assert!(err.contains("users.json"), "{err}");
        assert_eq!(t.ana.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap(), before);
        assert!(store.read(move |tx| tx.import_mappings(ws, "slack")).await.unwrap().is_empty());

        // Interrupted after one batch of posts (as if killed), then run to the end.
        let path = write(&dir, "export.zip", &export());
        let mut first = Options::new(ws);
        first.batch_posts = 2;
        first.stop_after_batches = Some(1);
        let s = slack::import(store.clone(), &t.app.node().files, &path, &first).await.unwrap();
        assert!(s.stopped && s.threads + s.messages > 0 && s.users_created == 4 && s.users_matched == 1, "{s:?}");
        assert_eq!(s.invited, ["carla@example.test"], "the deleted user and the bots are not invited");
        let s = slack::import(store.clone(), &t.app.node().files, &path, &Options::new(ws)).await.unwrap();
        assert!(!s.stopped);
        assert_eq!(s.users_created + s.users_matched, 0, "people are not made twice: {s:?}");
        assert!(s.skipped.keys().any(|k| k.contains("join and leave")), "{:?}", s.skipped);
        assert!(s.skipped.keys().any(|k| k.contains("custom or unknown emoji")), "{:?}", s.skipped);
        assert_eq!((s.files_linked, s.files_attached), (1, 1), "{s:?}");

        // What Ana (matched by email) sees.
        let channels = t.ana.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap();
        let channels = channels.as_array().unwrap();
        let general = channels.iter().find(|c| c["name"] == "general").expect("#general imported");
        assert_eq!(general["description"], "Everything about Acme\n\nTopic: Daily chatter");
        let secret = channels.iter().find(|c| c["name"] == "secret").expect("the private channel");
        assert_eq!(secret["public"], false);
        let (general, secret) = (id(general), id(secret));
        assert!(!t.bo.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap().as_array().unwrap()
            .iter().any(|c| c["name"] == "secret"), "Bo was not in the private channel");

        let threads = threads_of(&t.ana, general).await;
        let titles: Vec<&str> = threads.iter().map(|t| t["title"].as_str().unwrap()).collect();
        assert_eq!(threads.len(), 3, "{titles:?}");
        let slack_thread = threads.iter().find(|t| t["title"] == "Pineapple question: who orders lunch?").expect("the Slack thread");
        assert_eq!(slack_thread["comment_count"], 2);
        assert_eq!(slack_thread["posted_ts"], 1_709_551_000);
        assert!(slack_thread["last_read_obj_index"].as_i64().unwrap() >= slack_thread["last_obj_index"].as_i64().unwrap(),
            "old posts are read: {slack_thread}");
        let comments = t.ana.get("comments/get", json!({"thread_id": id(slack_thread)})).await.unwrap();
        let texts: Vec<&str> = comments.as_array().unwrap().iter().map(|c| c["content"].as_str().unwrap()).collect();
        assert_eq!(texts, ["> who orders lunch?\nI do", "Late reply in the thread"]);
        let day1 = threads.iter().find(|t| t["title"].as_str().unwrap().starts_with("2024-03-04: ")).expect("the day's thread");
        let content = day1["content"].as_str().unwrap();
        let carla = s_user(&t, "carla@example.test").await;
        assert!(content.starts_with(&format!(
            "**Hello** [Carla Dias](twist-mention://{carla}), see [#secret](/a/{}/ch/{secret}) and ~~old~~ `code` & [the doc](https://example.test/x)",
            t.ws
        )), "{content}");
        assert_eq!(day1["last_edited_ts"], 1_709_550_200);
        assert_eq!(day1["reactions"]["👍"].as_array().map(Vec::len), Some(2), "{}", day1["reactions"]);
        let day_comments = t.ana.get("comments/get", json!({"thread_id": id(day1)})).await.unwrap();
        let texts: Vec<&str> = day_comments.as_array().unwrap().iter().map(|c| c["content"].as_str().unwrap()).collect();
        assert_eq!(texts, [
            "Build passed",
            "Deployed\n\n📎 [report.pdf](https://files.example.test/report.pdf)",
            &format!("_[Ana](twist-mention://{}) set the channel topic: Daily chatter_", t.ana_id),
        ]);
        let day2 = threads.iter().find(|t| t["title"].as_str().unwrap().starts_with("2024-03-05: ")).unwrap();
        assert_eq!(day2["content"], "```\nlet x = 1 < 2;\n```");
        // The file the archive held is an attachment of its post: Ana, a member of the
        // private channel, downloads the same bytes; Bo, who is not, finds nothing.
        let secret_threads = threads_of(&t.ana, secret).await;
        assert_eq!(secret_threads.len(), 1);
        let carried = secret_threads[0]["attachments"].as_array().unwrap();
        assert_eq!(carried.len(), 1, "{carried:?}");
        let file = &carried[0];
        assert_eq!(file["attachment_id"], format!("slack-{}-F0PLAN1", t.ws));
        assert_eq!((file["file_name"].as_str(), file["file_size"].as_u64()), (Some("plan.txt"), Some(PLAN.len() as u64)));
        assert_eq!(file["underlying_type"], "text/plain");
        assert_eq!(secret_threads[0]["content"], "Surprise party on Friday", "no link besides the attachment");
        let url = file["url"].as_str().unwrap();
        let (status, _, body) = crate::attachments::download(&t.ana, url).await;
        assert_eq!((status, body.as_slice()), (200, PLAN));
        assert_eq!(crate::attachments::download(&t.bo, url).await.0, 404);

        // Conversations: the DM and the group DM.
        let convs = t.ana.get("conversations/get", json!({"workspace_id": t.ws})).await.unwrap();
        let convs = convs.as_array().unwrap();
        assert_eq!(convs.len(), 2, "{convs:?}");
        let dm = convs.iter().find(|c| c["user_ids"].as_array().unwrap().len() == 2).unwrap();
        let msgs = t.ana.get("conversation_messages/get", json!({"conversation_id": id(dm)})).await.unwrap();
        let texts: Vec<&str> = msgs.as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
        assert_eq!(texts.len(), 2);
        assert!(texts.contains(&"Hi Carla"));

        // Search finds imported posts; nothing reached an inbox.
        for (query, field) in [("pineapple", "thread_id"), ("late reply", "comment_id"), ("group hello", "message_id")] {
            let found = t.ana.get("search", json!({"workspace_id": t.ws, "query": query})).await.unwrap();
            let items = found["items"].as_array().unwrap();
            assert!(items.iter().any(|i| i[field].as_i64().is_some_and(|v| v > 0)), "{query}: {found}");
        }
        // Mentions are searchable too (the search document's mentions, as a post writes them).
        let found = t.ana.get("search", json!({"workspace_id": t.ws, "mention_self": true})).await.unwrap();
        assert!(!found["items"].as_array().unwrap().is_empty(), "{found}");
        let inbox = t.ana.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(inbox.as_array().unwrap().iter().all(|i| i["channel_id"] != general), "{inbox}");

        // Again: nothing new.
        let counts = row_counts(&t).await;
        let s = slack::import(store.clone(), &t.app.node().files, &path, &Options::new(ws)).await.unwrap();
        assert_eq!((s.threads, s.comments, s.messages, s.users_created), (0, 0, 0, 0), "{s:?}");
        assert_eq!(threads_of(&t.ana, general).await.len(), 3);
        assert_eq!(row_counts(&t).await, counts);
        let msgs = t.ana.get("conversation_messages/get", json!({"conversation_id": id(dm)})).await.unwrap();
        assert_eq!(msgs.as_array().unwrap().len(), 2);
        let again = threads_of(&t.ana, secret).await;
        assert_eq!(again[0]["attachments"].as_array().map(Vec::len), Some(1));
        assert_eq!(crate::attachments::download(&t.ana, url).await.2, PLAN);
    }
}

async fn s_user(t: &Team, email: &'static str) -> i64 {
    let store = t.app.node().store.clone();
    store.read(move |tx| tx.user_by_email(email)).await.unwrap().expect("the imported account").id.0
}

/// The benchmark (BENCHMARKS.md, "Slack import"): a synthetic export of 100,000 messages —
/// 5 channels × 200 days × 100 messages, a tenth of them starting Slack threads of three
/// replies, with mentions, mrkdwn and reactions — imported into an empty workspace.
/// `cargo test -p weft --test it slack_import_benchmark -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn slack_import_benchmark() {
    let backend = if postgres_url().is_some() { Backend::Postgres } else { Backend::Sqlite };
    let t = Team::on(backend).await;
    let users: Vec<Value> = (0..20)
        .map(|u| json!({"id": format!("U{u}"), "name": format!("p{u}"), "profile": {"email": format!("p{u}@bench.test"), "real_name": format!("Person {u}")}}))
        .collect();
    let members: Vec<String> = (0..20).map(|u| format!("U{u}")).collect();
    let channels: Vec<Value> = (0..5).map(|c| json!({"id": format!("C{c}"), "name": format!("chan{c}"), "created": 1_600_000_000, "members": members})).collect();
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("users.json".into(), j(json!(users))), ("channels.json".into(), j(json!(channels)))];
    let mut n = 0;
    for c in 0..5 {
        for d in 0..200 {
            let day_ts = 1_600_000_000 + d * 86_400;
            let msgs: Vec<Value> = (0..100)
                .map(|i| {
                    n += 1;
                    let ts = format!("{}.{:06}", day_ts + i * 60, i);
                    let mut m = json!({"type": "message", "user": format!("U{}", i % 20), "ts": ts,
                        "text": format!("Message {n} about *plans* for <@U{}> and the ~old~ `build` &amp; more", (i + 1) % 20)});
                    match i % 10 {
                        0 => { m["thread_ts"] = json!(ts); }
                        1..=3 => { m["thread_ts"] = json!(format!("{}.{:06}", day_ts + (i - i % 10) * 60, i - i % 10)); }
                        5 => { m["reactions"] = json!([{"name": "+1", "users": ["U1", "U2"]}]); }
                        _ => {}
                    }
                    m
                })
                .collect();
            files.push((format!("chan{c}/2020-{:03}.json", d), j(json!(msgs))));
        }
    }
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "bench.zip", &refs);
    let started = std::time::Instant::now();
    let s = slack::import(t.app.node().store.clone(), &t.app.node().files, &path, &Options::new(WorkspaceId(t.ws)))
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(s.comments + s.threads, 100_000, "{s:?}");
    println!(
        "slack import on {backend:?}: {n} messages ({} threads, {} comments, {} reactions) in {:.1} s = {:.0} messages/s",
        s.threads,
        s.comments,
        s.reactions,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
}
