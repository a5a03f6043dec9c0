//! `users/export`: a person's own data — what they wrote, where they are, what they set — and
//! nothing of anyone else's they cannot read: not another person's private channel, not a
//! conversation between two others, not a thread retitled after they left its channel.

use crate::helpers::*;
use serde_json::{Value, json};

/// Bo's export, the file's envelope checked, its document parsed.
async fn export(c: &weft_client::Client) -> (String, Value) {
    let file = c.get("users/export", json!({})).await.unwrap();
    assert_eq!(file["content_type"], "application/json; charset=utf-8");
    assert!(file["file_name"].as_str().unwrap().ends_with(".json"), "{}", file["file_name"]);
    let text = file["content"].as_str().unwrap().to_string();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((doc["format"].clone(), doc["version"].clone()), (json!("weft-personal-export"), json!(1)));
    (text, doc)
}

fn texts(list: &Value, key: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v[key].as_str().unwrap_or_default().to_string()).collect()
}

both_backends! {
    async fn an_export_holds_what_i_wrote_and_nothing_i_cannot_read(b: Backend) {
        let t = Team::on(b).await;
        // What Bo writes and sets.
        let mine = t.bo.add_thread(t.general, "Bo's plan", "bo-thread-body").await.unwrap();
        let anas = t.ana.add_thread(t.general, "Ana's question", "ana-public-body").await.unwrap();
        t.bo.post("comments/add", json!({"thread_id": anas.id.0, "content": "bo-comment-body"})).await.unwrap();
        t.bo.post("reactions/add", json!({"thread_id": anas.id.0, "reaction": "👍"})).await.unwrap();
        t.bo.post("notifications_settings/v2/update", json!({"workspace_id": t.ws, "setting": "email_threads", "value": false})).await.unwrap();
        t.bo.post("schedules/update", json!({"working_hours": [{"weekday": 2, "start": "10:00", "end": "14:00"}]})).await.unwrap();
        t.bo.post("channels/set_notifications", json!({"id": t.general, "level": "direct"})).await.unwrap();
        let file = upload(&t.bo, "bo-file-1", "notes.txt", "text/plain", b"bo's notes".to_vec()).await;
        let with_ana = t.bo.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.ana_id]})).await.unwrap();
        t.bo.post("conversation_messages/add", json!({"conversation_id": with_ana["id"], "content": "bo-message-body"})).await.unwrap();
        t.ana.post("conversation_messages/add", json!({"conversation_id": with_ana["id"], "content": "ana-reply-to-bo"})).await.unwrap();

        // What Bo must never get: Ana's private channel, a conversation between Ana and Gus,
        // and a thread in a private channel retitled after Bo left it.
        let secret = t.ana.add_thread(t.private, "Secret roadmap", "private-thread-body").await.unwrap();
        t.ana.post("comments/add", json!({"thread_id": secret.id.0, "content": "private-comment-body"})).await.unwrap();
        let ana_gus = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.gus_id]})).await.unwrap();
        t.ana.post("conversation_messages/add", json!({"conversation_id": ana_gus["id"], "content": "ana-gus-message"})).await.unwrap();
        t.gus.post("conversation_messages/add", json!({"conversation_id": ana_gus["id"], "content": "gus-ana-message"})).await.unwrap();
        let ops = t.ana.add_channel(t.ws, "ops", false, &[t.bo_id]).await.unwrap();
        let ops_thread = t.ana.add_thread(ops.id.0, "Ops rota", "ops-body").await.unwrap();
        t.bo.post("comments/add", json!({"thread_id": ops_thread.id.0, "content": "bo-in-ops"})).await.unwrap();
        t.ana.post("channels/remove_user", json!({"id": ops.id.0, "user_id": t.bo_id})).await.unwrap();
        t.ana.post("threads/update", json!({"id": ops_thread.id.0, "title": "Renamed after Bo left"})).await.unwrap();

        let (text, doc) = export(&t.bo).await;
        assert_eq!(doc["complete"], true);
        assert_eq!(doc["account"]["email"], "bo@example.test");
        for never in ["password", "token", "private-thread-body", "private-comment-body", "Secret roadmap",
            "ana-gus-message", "gus-ana-message", "Renamed after Bo left", "ops-body", "ana-public-body"] {
            assert!(!text.contains(never), "the export holds {never:?}: {text}");
        }
        // Threads and comments, with their places and times both ways.
        let threads = &doc["threads"];
        assert_eq!(texts(threads, "content"), ["bo-thread-body"]);
        assert_eq!((threads[0]["id"].clone(), threads[0]["channel_name"].clone(), threads[0]["workspace_name"].clone()),
            (json!(mine.id.0), json!("General"), json!("Acme")));
        let posted = threads[0]["posted_ts"].as_i64().unwrap();
        let at = jiff::Timestamp::from_second(posted).unwrap().to_string();
        assert_eq!(threads[0]["posted_at"], json!(at));
        assert!(at.ends_with('Z'), "{at}");
        let comments = doc["comments"].as_array().unwrap();
        assert_eq!(texts(&doc["comments"], "content"), ["bo-comment-body", "bo-in-ops"], "his own, even where he left");
        assert_eq!(comments[0]["thread_title"], "Ana's question");
        assert!(comments[1].get("thread_title").is_none(), "a title he cannot read now: {}", comments[1]);
        // His conversation with every message; the other one not at all.
        let convs = doc["conversations"].as_array().unwrap();
        assert_eq!(convs.len(), 1, "{convs:?}");
        assert_eq!((convs[0]["id"].clone(), convs[0]["readable"].clone()), (with_ana["id"].clone(), json!(true)));
        assert_eq!(texts(&convs[0]["messages"], "content"), ["bo-message-body", "ana-reply-to-bo"]);
        let names: Vec<String> = texts(&convs[0]["members"], "name");
        assert_eq!(names.len(), 2, "{names:?}");
        // Reactions, uploads, settings.
        assert_eq!((doc["reactions"][0]["target_kind"].clone(), doc["reactions"][0]["target_id"].clone(), doc["reactions"][0]["emoji"].clone()),
            (json!("thread"), json!(anas.id.0), json!("👍")));
        assert_eq!(doc["uploads"].as_array().unwrap().len(), 1);
        assert_eq!(doc["uploads"][0]["attachment"]["url"], file["url"]);
        assert_eq!(doc["uploads"][0]["attachment"]["file_name"], "notes.txt");
        let settings = &doc["settings"];
        let acme = settings["notifications"].as_array().unwrap().iter().find(|n| n["workspace_id"] == json!(t.ws)).unwrap();
        assert_eq!((acme["settings"]["email_threads"].clone(), acme["settings"]["email_comments"].clone()), (json!(false), json!(true)));
        assert_eq!(settings["schedule"]["working_hours"], json!([{"weekday": 2, "start": "10:00", "end": "14:00"}]));
        assert_eq!(settings["channel_notifications"], json!([{"workspace_id": t.ws, "channel_id": t.general, "channel_name": "General", "level": "direct"}]));

        // The cost is a handful of statements, whatever the amount (fewest of three tries:
        // other reads may run in the background), counted once the fan-out of the posts
        // before it is done (its statements are not the export's).
        let store = t.app.server.as_ref().unwrap().app.store.clone();
        let cost = || async {
            t.app.node().fanned_out().await;
            let mut fewest = u64::MAX;
            for _ in 0..3 {
                let before = store.statements();
                t.bo.get("users/export", json!({})).await.unwrap();
                fewest = fewest.min(store.statements() - before);
            }
            fewest
        };
        let small = cost().await;
        for i in 0..6 {
            t.bo.add_thread(t.general, "More", &format!("more-{i}")).await.unwrap();
            t.bo.post("comments/add", json!({"thread_id": anas.id.0, "content": format!("again-{i}")})).await.unwrap();
            t.ana.post("conversation_messages/add", json!({"conversation_id": with_ana["id"], "content": format!("ana-{i}")})).await.unwrap();
        }
        assert_eq!(cost().await, small, "an export's statements grow with what it holds");

        // Cut by a budget, oldest first, saying what and how much: by rows, then by text
        // (the first row always, even past the text budget).
        let within = |items: i64, text: i64| {
            let store = store.clone();
            let bo = weft_core::UserId(t.bo_id);
            async move {
                let budget = weft_core::store::Budget { items, text };
                let doc = store.read(move |tx| weft_core::services::personal_export::document_within(tx, bo, START, budget)).await.unwrap();
                serde_json::to_value(doc).unwrap()
            }
        };
        let cut = within(3, 1_000_000).await;
        assert_eq!(cut["complete"], false);
        assert_eq!(cut["truncated"], json!([
            {"area": "threads", "included": 3, "total": 7},
            {"area": "comments", "included": 3, "total": 8},
            {"area": "messages", "included": 3, "total": 8},
        ]));
        assert_eq!(texts(&cut["threads"], "content"), ["bo-thread-body", "more-0", "more-1"]);
        let cut = within(100, 5).await;
        assert_eq!(texts(&cut["threads"], "content"), ["bo-thread-body"]);
        assert_eq!(texts(&cut["comments"], "content"), ["bo-comment-body"]);
        assert_eq!(cut["truncated"][0], json!({"area": "threads", "included": 1, "total": 7}));
        assert_eq!(within(100, 1_000_000).await["complete"], true);

        // Deactivated, Bo still takes out what he wrote; Ana's messages stay out.
        t.ana.post("workspace_users/deactivate", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        let (text, doc) = export(&t.bo).await;
        assert_eq!(doc["threads"].as_array().unwrap().len(), 7);
        assert_eq!(doc["workspaces"][0]["deactivated"], true);
        let conv = &doc["conversations"][0];
        assert_eq!(conv["readable"], false);
        assert_eq!(texts(&conv["messages"], "content"), ["bo-message-body"]);
        assert!(conv["members"].as_array().unwrap().is_empty());
        assert!(!text.contains("ana-reply-to-bo"), "{text}");
        t.app.stop().await;
    }
}
