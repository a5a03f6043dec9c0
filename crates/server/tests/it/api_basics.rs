//! The API as a client sees it: accounts, the thread-first core, encodings, errors.

use crate::helpers::*;
use serde_json::{Value, json};
use weft_core::model::*;

both_backends! {
    async fn a_team_holds_a_threaded_discussion(b: Backend) {
        let t = Team::on(b).await;
        let thread = t.ana.add_thread(t.general, "Quarterly plan", "Let's decide by Friday, [Bo](twist-mention://2)").await.unwrap();
        assert_eq!(thread.title, "Quarterly plan");
        assert_eq!(thread.direct_mentions, vec![weft_core::UserId(t.bo_id)]);
        assert_eq!(thread.snippet, "Let's decide by Friday, Bo");
        assert_eq!(thread.last_obj_index, -1);

        let c0 = t.bo.add_comment(thread.id.0, "Sounds good").await.unwrap();
        let c1 = t.ana.add_comment(thread.id.0, "Great").await.unwrap();
        let c2 = t.bo.add_comment(thread.id.0, "Done").await.unwrap();
        assert_eq!((c0.obj_index, c1.obj_index, c2.obj_index), (0, 1, 2));
        // Bo's comment notifies the thread's participants by default.
        assert_eq!(c0.recipients, vec![weft_core::UserId(t.ana_id)]);

        let now = t.ana.thread(thread.id.0).await.unwrap();
        assert_eq!(now.comment_count, 3);
        assert_eq!(now.last_obj_index, 2);
        assert_eq!(now.participants, vec![weft_core::UserId(t.ana_id), weft_core::UserId(t.bo_id)]);
        assert_eq!(now.snippet, "Done");
        assert_eq!(now.snippet_creator, weft_core::UserId(t.bo_id));

        // Comments come back oldest first, and in ranges of obj_index.
        let all: Vec<Comment> = t.ana.get_as("comments/get", json!({"thread_id": thread.id.0})).await.unwrap();
        assert_eq!(all.iter().map(|c| c.content.as_str()).collect::<Vec<_>>(), ["Sounds good", "Great", "Done"]);
        let tail: Vec<Comment> =
            t.ana.get_as("comments/get", json!({"thread_id": thread.id.0, "from_obj_index": 1, "order_by": "desc"})).await.unwrap();
        assert_eq!(tail.iter().map(|c| c.obj_index).collect::<Vec<_>>(), [2, 1]);

        // getone wraps the comment.
        let one = t.ana.get("comments/getone", json!({"id": c1.id.0})).await.unwrap();
        assert_eq!(one["comment"]["content"], "Great");

        // Closing and reopening go through comments/add.
        t.bo.post("comments/add", json!({"thread_id": thread.id.0, "content": "Closing", "thread_action": "close"})).await.unwrap();
        assert!(t.ana.thread(thread.id.0).await.unwrap().closed);
        t.bo.post("comments/add", json!({"thread_id": thread.id.0, "content": "", "thread_action": "reopen"})).await.unwrap();
        let reopened = t.ana.thread(thread.id.0).await.unwrap();
        assert!(!reopened.closed);
        assert_eq!(reopened.last_obj_index, 4);
        t.app.stop().await;
    }
}

both_backends! {
    async fn every_encoding_twist_clients_use_is_understood(b: Backend) {
        let t = Team::on(b).await;
        let http = t.ana.http();
        let token = t.ana.token().unwrap().to_string();
        // Form-encoded body with a comma-joined list.
        let (status, th) = t
            .ana
            .send(http.post(t.ana.url("threads/add")).form(&[
                ("channel_id", t.general.to_string()),
                ("title", "Form".into()),
                ("content", "hi".into()),
                ("recipients", format!("{},{}", t.bo_id, t.ana_id)),
            ]))
            .await
            .unwrap();
        assert_eq!(status, 200, "{th}");
        assert_eq!(th["recipients"], json!([t.bo_id]), "the author is never a recipient");
        // POST parameters in the query string (as n8n sends them).
        let url = format!("{}?thread_id={}&content=from%20the%20query", t.ana.url("comments/add"), id(&th));
        let (status, c) = t.ana.send(http.post(url).bearer_auth(&token)).await.unwrap();
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["content"], "from the query");
        // A JSON list inside a form field (as twist-cli sends it), and "EVERYONE".
        let (status, th2) = t
            .ana
            .send(http.post(t.ana.url("threads/add")).form(&[
                ("channel_id", t.general.to_string()),
                ("title", "Everyone".into()),
                ("content", "all hands".into()),
                ("recipients", "EVERYONE".into()),
                ("groups", "[1]".into()),
            ]))
            .await
            .unwrap();
        assert_eq!(status, 200, "{th2}");
        assert_eq!(th2["recipients"], json!([t.bo_id]));
        assert_eq!(th2["groups"], json!([1]));
        // The same call works inside a batch, answered as {code, headers, body}.
        let requests = json!([
            {"method": "GET", "url": format!("{}/api/v3/threads/getone?id={}", t.app.base, id(&th))},
            {"method": "POST", "url": format!("{}/api/v3/comments/add", t.app.base), "body": format!("thread_id={}&content=batched", id(&th))},
            {"method": "GET", "url": format!("{}/api/v3/threads/getone?id=999999", t.app.base)},
        ]);
        let (status, out) =
            t.ana.send(http.post(t.ana.url("batch")).form(&[("requests", requests.to_string())])).await.unwrap();
        assert_eq!(status, 200, "{out}");
        let codes: Vec<i64> = out.as_array().unwrap().iter().map(|r| r["code"].as_i64().unwrap()).collect();
        assert_eq!(codes, [200, 200, 404]);
        let body: Value = serde_json::from_str(out[1]["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["content"], "batched");
        assert_eq!(body["obj_index"], 1);
        t.app.stop().await;
    }
}

both_backends! {
    async fn retries_with_the_same_temp_id_or_idempotency_key_create_one_object(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Retry", "x").await.unwrap();
        let args = json!({"thread_id": th.id.0, "content": "once", "temp_id": -17});
        let first = t.ana.post("comments/add", args.clone()).await.unwrap();
        let second = t.ana.post("comments/add", args).await.unwrap();
        assert_eq!(first, second);
        let http = t.ana.http();
        let send = || {
            t.ana.send(
                http.post(t.ana.url("threads/add"))
                    .header("Idempotency-Key", "abc-1")
                    .json(&json!({"channel_id": t.general, "title": "Once", "content": "y"})),
            )
        };
        let (s1, a) = send().await.unwrap();
        let (s2, b) = send().await.unwrap();
        assert_eq!((s1, s2), (200, 200));
        assert_eq!(a, b);
        let threads: Vec<Thread> = t.ana.get_as("threads/get", json!({"channel_id": t.general})).await.unwrap();
        assert_eq!(threads.iter().filter(|x| x.title == "Once").count(), 1);
        assert_eq!(t.ana.thread(th.id.0).await.unwrap().comment_count, 1);
        t.app.stop().await;
    }
}

both_backends! {
    async fn bad_input_gets_a_clear_error_and_changes_nothing(b: Backend) {
        let t = Team::on(b).await;
        let http = t.ana.http();
        // Malformed JSON.
        let (s, e) = t
            .ana
            .send(http.post(t.ana.url("threads/add")).header("content-type", "application/json").body("{\"channel_id\": "))
            .await
            .unwrap();
        assert_eq!(s, 400);
        assert_eq!(e["error_code"], 114);
        // Missing argument, wrong type, empty title, unknown ids.
        let err = t.ana.post("threads/add", json!({"title": "x", "content": "y"})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (400, 19));
        assert_eq!(err.body["error_extra"]["argument"], "channel_id");
        let err = t.ana.post("threads/add", json!({"channel_id": "abc", "title": "x", "content": "y"})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (400, 20));
        let err = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "  ", "content": "y"})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (400, 20));
        let err = t.ana.post("threads/add", json!({"channel_id": 424242, "title": "x", "content": "y"})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (404, 107));
        // Invalid time zone.
        let err = t.ana.post("users/update", json!({"timezone": "Mars/Olympus"})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (400, 121));
        // A body over 5 MB.
        let big = "x".repeat(5 * 1024 * 1024 + 10);
        let (s, e) = t
            .ana
            .send(http.post(t.ana.url("threads/add")).json(&json!({"channel_id": t.general, "title": "big", "content": big})))
            .await
            .unwrap();
        assert_eq!(s, 413);
        assert!(e["error_string"].as_str().unwrap().contains("5 MB"));
        // Unknown endpoint, no token, bad token.
        let (s, e) = t.ana.send(http.get(format!("{}/api/v3/threads/nope", t.app.base))).await.unwrap();
        assert_eq!(s, 404);
        assert!(e["error_string"].as_str().unwrap().contains("threads/nope"));
        let err = t.app.anon.get("threads/get", json!({"workspace_id": t.ws})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (401, 120));
        let err = t.app.anon.with_token("nope").get("threads/get", json!({"workspace_id": t.ws})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (403, 200));
        // Nothing was created by any of it.
        let threads: Vec<Thread> = t.ana.get_as("threads/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(threads.is_empty(), "{threads:?}");
        t.app.stop().await;
    }
}

both_backends! {
    async fn accounts_sign_in_out_and_are_throttled_after_repeated_failures(b: Backend) {
        let app = TestApp::spawn(b).await;
        let (ana, user) = app.user("Ana").await;
        assert!(user.token.is_some());
        let me: User = ana.get_as("users/get_session_user", json!({})).await.unwrap();
        assert_eq!(me.email, "ana@example.test");
        // The token is stored hashed: its text is nowhere in the database files.
        let token = ana.token().unwrap().to_string();
        for entry in std::fs::read_dir(app.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue; // files/: attachments, none uploaded here
            }
            let bytes = std::fs::read(path).unwrap();
            assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()), "token stored in clear");
        }
        // Profile updates are validated and kept.
        let updated: User = ana
            .post_as("users/update", json!({"name": "Ana Lima", "timezone": "Asia/Kolkata", "off_days": [6, 7],
                "away_mode": {"type": "vacation", "date_from": "2026-12-01", "date_to": "2026-12-10"}}))
            .await
            .unwrap();
        assert_eq!((updated.short_name.as_str(), updated.timezone.as_str()), ("Ana L.", "Asia/Kolkata"));
        assert_eq!(updated.away_mode.unwrap().date_to, "2026-12-10");
        // Wrong passwords: 400 each; once the email has had five, each attempt waits a
        // little longer (2 s, 4 s, … up to a minute) — slowed, never locked.
        for _ in 0..5 {
            let err = app.anon.login("ana@example.test", "wrong-password").await.unwrap_err();
            assert_eq!((err.status, err.code()), (400, 104));
        }
        let err = app.anon.login("ana@example.test", "password-Ana").await.unwrap_err();
        assert_eq!(err.status, 429);
        assert_eq!(err.body["error_extra"]["retry_after"], 2);
        app.clock.advance_secs(2);
        let (again, _) = app.anon.login("ana@example.test", "password-Ana").await.unwrap();
        // Logging out ends that token only.
        again.post("users/logout", json!({})).await.unwrap();
        assert_eq!(again.get("users/get_session_user", json!({})).await.unwrap_err().status, 403);
        ana.get("users/get_session_user", json!({})).await.unwrap();
        // Registration is closed by default.
        let err = app.anon.post("users/register", json!({"name": "Eve", "email": "eve@x.org", "password": "long enough"})).await.unwrap_err();
        assert_eq!(err.status, 403);
        app.stop().await;
    }
}

both_backends! {
    async fn open_registration_creates_accounts_with_a_token(b: Backend) {
        let app = TestApp::spawn_with(b, |c| c.open_registration = true).await;
        let user: User =
            app.anon.post_as("users/register", json!({"name": "Eve", "email": "eve@x.org", "password": "long enough"})).await.unwrap();
        assert!(user.token.is_some());
        let err = app.anon.post("users/register", json!({"name": "Eve", "email": "EVE@x.org", "password": "long enough"})).await.unwrap_err();
        assert_eq!(err.code(), 101);
        let err = app.anon.post("users/register", json!({"name": "Eve", "email": "e2@x.org", "password": "short"})).await.unwrap_err();
        assert_eq!(err.code(), 102);
        app.stop().await;
    }
}

both_backends! {
    async fn conversations_are_one_per_set_of_people_and_private_to_them(b: Backend) {
        let t = Team::on(b).await;
        let c1: Conversation =
            t.ana.post_as("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let c2: Conversation =
            t.bo.post_as("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.ana_id, t.bo_id]})).await.unwrap();
        assert_eq!(c1.id, c2.id);
        let m: Message =
            t.bo.post_as("conversation_messages/add", json!({"conversation_id": c1.id.0, "content": "hey"})).await.unwrap();
        assert_eq!(m.obj_index, 0);
        let err = t.gus.get("conversations/getone", json!({"id": c1.id.0})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (404, 124));
        let err = t.gus.get("conversation_messages/getone", json!({"id": m.id.0})).await.unwrap_err();
        assert_eq!(err.status, 404);
        let msgs: Vec<Message> = t.ana.get_as("conversation_messages/get", json!({"conversation_id": c1.id.0})).await.unwrap();
        assert_eq!(msgs.len(), 1);
        t.app.stop().await;
    }
}

both_backends! {
    async fn the_openapi_document_lists_every_endpoint(b: Backend) {
        let app = TestApp::spawn(b).await;
        let (status, doc) = app.anon.send(app.anon.http().get(format!("{}/api/v3/openapi.json", app.base))).await.unwrap();
        assert_eq!(status, 200);
        let paths = doc["paths"].as_object().unwrap();
        let api = weft::api::Api::new();
        for e in &api.endpoints {
            assert!(paths.contains_key(&format!("/api/v3/{}", e.path)), "{} missing", e.path);
        }
        assert_eq!(doc["paths"]["/api/v3/events/stream"]["get"]["x-weft-extension"], true);
        assert_eq!(doc["paths"]["/api/v3/channels/join"]["post"]["x-weft-extension"], true);
        assert!(doc["paths"]["/api/v3/threads/add"]["post"].get("x-weft-extension").is_none());
        app.stop().await;
    }
}

/// The fields the official SDK's schemas require: each must be required by the generated
/// OpenAPI document, and present in the answer.
const SDK_REQUIRED: &[(&str, &[&str])] = &[
    ("User", &["id", "name", "short_name", "bot", "timezone", "removed", "email", "lang"]),
    ("WorkspaceUser", &["id", "name", "short_name", "bot", "timezone", "removed", "user_type", "version"]),
    ("Workspace", &["id", "name", "creator", "created_ts"]),
    ("Channel", &["id", "name", "creator", "public", "workspace_id", "archived", "created_ts", "version"]),
    (
        "Thread",
        &[
            "id",
            "title",
            "content",
            "creator",
            "channel_id",
            "workspace_id",
            "comment_count",
            "last_updated_ts",
            "pinned",
            "posted_ts",
            "snippet",
            "snippet_creator",
            "starred",
            "is_archived",
        ],
    ),
    ("Comment", &["id", "content", "creator", "thread_id", "workspace_id", "channel_id", "posted_ts"]),
    (
        "Conversation",
        &[
            "id",
            "workspace_id",
            "user_ids",
            "last_obj_index",
            "snippet",
            "snippet_creators",
            "last_active_ts",
            "archived",
            "created_ts",
            "creator",
        ],
    ),
    ("ConversationMessage", &["id", "content", "creator", "conversation_id", "posted_ts", "workspace_id"]),
    ("Group", &["id", "name", "workspace_id", "user_ids", "version"]),
    ("Notification", &["id", "type_id", "reason", "workspace_id", "by_user_id", "posted_ts", "is_read"]),
    ("SearchResult", &["id", "type", "snippet", "snippet_creator_id", "snippet_last_updated_ts"]),
];

fn assert_required(schema: &str, v: &Value) {
    let doc = weft::api::openapi::document_of_api();
    let declared: Vec<&str> = doc["components"]["schemas"][schema]["required"]
        .as_array()
        .unwrap_or_else(|| panic!("no schema {schema} with required fields"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let sdk = SDK_REQUIRED.iter().find(|(n, _)| *n == schema).map(|(_, f)| *f).unwrap_or(&[]);
    for f in sdk {
        assert!(declared.contains(f), "the document does not require {schema}.{f}");
    }
    for f in declared {
        assert!(v.get(f).is_some_and(|x| !x.is_null()), "{schema} lacks {f}: {v}");
    }
    // Times are Unix seconds in *_ts fields, with no plain-named twin.
    if let Some(obj) = v.as_object() {
        for (k, val) in obj {
            if let Some(plain) = k.strip_suffix("_ts") {
                assert!(val.is_i64() || val.is_null(), "{schema}.{k} is not seconds: {val}");
                assert!(!obj.contains_key(plain) || plain == "pinned", "{schema} has both {k} and {plain}");
            }
        }
    }
}

both_backends! {
    async fn responses_carry_every_field_the_sdk_requires(b: Backend) {
        let t = Team::on(b).await;
        let th: Value = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Fields", "content": "x", "recipients": [t.bo_id]})).await.unwrap();
        let c = t.bo.post("comments/add", json!({"thread_id": id(&th), "content": "reply"})).await.unwrap();
        t.ana.post("threads/star", json!({"id": id(&th)})).await.unwrap();
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": id(&conv), "content": "hi"})).await.unwrap();
        let g = t.ana.post("groups/add", json!({"workspace_id": t.ws, "name": "Design", "user_ids": [t.bo_id]})).await.unwrap();
        assert!(id(&g) > 2, "group ids 1 and 2 are reserved");

        assert_required("User", &t.ana.get("users/get_session_user", json!({})).await.unwrap());
        assert_required("Workspace", &t.ana.get("workspaces/getone", json!({"id": t.ws})).await.unwrap());
        assert_required("WorkspaceUser", &t.ana.get("workspace_users/getone", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap());
        assert_required("Channel", &t.ana.get("channels/getone", json!({"id": t.general})).await.unwrap());
        assert_required("Thread", &t.ana.get("threads/getone", json!({"id": id(&th)})).await.unwrap());
        assert_required("Comment", &c);
        assert_required("Comment", &t.ana.get("comments/getone", json!({"id": id(&c)})).await.unwrap()["comment"]);
        assert_required("Conversation", &t.ana.get("conversations/getone", json!({"id": id(&conv)})).await.unwrap());
        assert_required("ConversationMessage", &m);
        assert_required("Group", &g);
        let inbox = t.ana.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_required("InboxThread", &inbox[0]);
        assert_required("Comment", &inbox[0]["last_comment"]);
        t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Unread", "content": "x", "recipients": [t.bo_id]})).await.unwrap();
        let unread = t.bo.get("threads/get_unread", json!({"workspace_id": t.ws})).await.unwrap();
        assert_required("UnreadThread", &unread[0]);
        let found = t.ana.get("search", json!({"workspace_id": t.ws, "query": "reply"})).await.unwrap();
        assert_required("SearchPage", &found);
        assert_required("SearchResult", &found["items"][0]);
        let n = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert_required("NotificationPage", &n);
        assert_required("Notification", &n["notifications"][0]);
        assert_eq!(t.ana.get("workspace_users/get_local_time", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap(), json!("2026-11-23 09:00:00"));
        // The Saved list is the starred threads.
        let saved: Vec<Thread> = t.ana.get_as("threads/get", json!({"workspace_id": t.ws, "is_starred": true})).await.unwrap();
        assert_eq!(saved.iter().map(|t| t.id.0).collect::<Vec<_>>(), [id(&th)]);
        assert!(saved[0].is_saved);
        let not_saved: Vec<Thread> = t.bo.get_as("threads/get", json!({"workspace_id": t.ws, "is_starred": true})).await.unwrap();
        assert!(not_saved.is_empty(), "stars are per person");
        t.app.stop().await;
    }
}

both_backends! {
    async fn json_bodies_are_typed_while_queries_and_forms_keep_the_text_encodings(b: Backend) {
        let t = Team::on(b).await;
        let http = t.ana.http();
        let th = t.ana.add_thread(t.general, "Typed", "x").await.unwrap().id.0;
        let members = |v: &Value| {
            let mut ids: Vec<i64> = v["user_ids"].as_array().unwrap().iter().map(|i| i.as_i64().unwrap()).collect();
            ids.sort();
            ids
        };
        let before = members(&t.ana.get("channels/getone", json!({"id": t.private})).await.unwrap());
        assert_eq!(before, [t.ana_id]);
        let ana = &t.ana;
        let channels = |ws: i64| async move {
            let list = ana.get("channels/get", json!({"workspace_id": ws})).await.unwrap();
            list.as_array().unwrap().len()
        };
        let channel_count = channels(t.ws).await;

        // In a JSON body an integer is a JSON number, a flag a JSON boolean and a list a JSON
        // array: text encodings there are invalid values (20) naming the parameter.
        for (path, body, field) in [
            ("comments/add", json!({"thread_id": th.to_string(), "content": "no"}), "thread_id"),
            ("channels/add", json!({"workspace_id": t.ws, "name": "typed", "public": "1"}), "public"),
            ("channels/add", json!({"workspace_id": t.ws, "name": "typed", "public": 1}), "public"),
            ("channels/add_users", json!({"id": t.private, "user_ids": format!("{},{}", t.bo_id, t.gus_id)}), "user_ids"),
            ("channels/add_users", json!({"id": t.private, "user_ids": [t.bo_id.to_string()]}), "user_ids"),
            ("channels/add_users", json!({"id": t.private, "user_ids": format!("[{}]", t.bo_id)}), "user_ids"),
            ("threads/add", json!({"channel_id": t.general, "title": "t", "content": "c", "recipients": t.bo_id.to_string()}), "recipients"),
        ] {
            let (status, err) = t.ana.send(http.post(t.ana.url(path)).json(&body)).await.unwrap();
            assert_eq!(status, 400, "{path} {body}: {err}");
            assert_eq!(err["error_code"], 20, "{path} {body}: {err}");
            assert_eq!(err["error_extra"]["argument"], field, "{path} {body}: {err}");
        }
        // Nothing changed.
        assert_eq!(t.ana.thread(th).await.unwrap().comment_count, 0);
        assert_eq!(channels(t.ws).await, channel_count);
        assert_eq!(members(&t.ana.get("channels/getone", json!({"id": t.private})).await.unwrap()), before);

        // The same values as text, in a form body or a query string, are read.
        let (status, c) = t
            .ana
            .send(http.post(t.ana.url("comments/add")).form(&[("thread_id", th.to_string()), ("content", "form".into())]))
            .await
            .unwrap();
        assert_eq!((status, c["content"].as_str()), (200, Some("form")), "{c}");
        let (status, ch) = t
            .ana
            .send(http.post(t.ana.url("channels/add")).form(&[
                ("workspace_id", t.ws.to_string()),
                ("name", "as-text".into()),
                ("public", "0".into()),
            ]))
            .await
            .unwrap();
        assert_eq!((status, &ch["public"]), (200, &json!(false)), "{ch}");
        let url = format!("{}?id={}&user_ids={}", t.ana.url("channels/add_users"), t.private, t.bo_id);
        let (status, out) = t.ana.send(http.post(url)).await.unwrap();
        assert_eq!(status, 200, "{out}");
        let (status, out) = t
            .ana
            .send(http.post(t.ana.url("channels/add_users")).form(&[
                ("id", t.private.to_string()),
                ("user_ids", format!("[{}]", t.gus_id)),
            ]))
            .await
            .unwrap();
        assert_eq!(status, 200, "{out}");
        let url = format!("{}?channel_id={}&as_ids=1&limit=5", t.ana.url("threads/get"), t.general);
        let (status, ids) = t.ana.send(http.get(url)).await.unwrap();
        assert_eq!((status, ids), (200, json!([th])));
        assert_eq!(
            members(&t.ana.get("channels/getone", json!({"id": t.private})).await.unwrap()),
            [t.ana_id, t.bo_id, t.gus_id]
        );

        // A JSON body with real types works, and so do the alternatives the document states.
        let c = t.ana.post("comments/add", json!({"thread_id": th, "content": "typed"})).await.unwrap();
        assert_eq!(c["content"], "typed");
        let ch = t.ana.post("channels/add", json!({"workspace_id": t.ws, "name": "typed", "public": false})).await.unwrap();
        assert_eq!(ch["public"], false);
        t.ana.post("channels/add_users", json!({"id": id(&ch), "user_ids": [t.bo_id]})).await.unwrap();
        assert_eq!(members(&t.ana.get("channels/getone", json!({"id": id(&ch)})).await.unwrap()), [t.ana_id, t.bo_id]);
        let all = json!({"channel_id": t.general, "title": "All", "content": "c", "recipients": "EVERYONE"});
        assert_eq!(t.ana.post("threads/add", all).await.unwrap()["recipients"], json!([t.bo_id]));
        // In a JSON body `null` is a value not given: the alternative given is used, and
        // with none given the parameter is missing (19).
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let got = t.ana.post("conversations/getone", json!({"id": null, "conversation_id": id(&conv)})).await.unwrap();
        assert_eq!(id(&got), id(&conv));
        let (status, err) = t.ana.send(http.post(t.ana.url("conversations/getone")).json(&json!({"id": null}))).await.unwrap();
        assert_eq!((status, &err["error_code"]), (400, &json!(19)), "{err}");
        t.app.stop().await;
    }
}

both_backends! {
    async fn heartbeats_record_when_someone_was_last_active_for_get_info(b: Backend) {
        let t = Team::on(b).await;
        let info = t.ana.get("workspace_users/get_info", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(info["activity"], json!({"desktop": -1, "mobile": -1, "api": -1, "email": -1}), "never active");
        assert!(info.get("latest_activity").is_none());
        assert_eq!((info["is_active"].as_bool(), info["user"]["id"].as_i64()), (Some(true), Some(t.bo_id)));
        assert_eq!(info["local_time"], t.ana.get("workspace_users/get_local_time", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap());

        t.bo.post("users/heartbeat", json!({"workspace_id": t.ws, "platform": "desktop"})).await.unwrap();
        t.app.clock.advance_secs(600);
        t.bo.post("users/heartbeat", json!({"platform": "mobile"})).await.unwrap();
        let info = t.ana.get("workspace_users/get_info", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(info["activity"]["desktop"], START);
        assert_eq!(info["activity"]["mobile"], START + 600);
        assert_eq!(info["latest_activity"], json!(["mobile", START + 600]));
        // Kept to the minute: a heartbeat 30 s later changes nothing.
        t.app.clock.advance_secs(30);
        t.bo.post("users/heartbeat", json!({"platform": "mobile"})).await.unwrap();
        let info = t.ana.get("workspace_users/get_info", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(info["activity"]["mobile"], START + 600);
        let err = t.bo.post("users/heartbeat", json!({"platform": "fax"})).await.unwrap_err();
        assert_eq!(err.status, 400);

        // A removed member is not active; someone outside the workspace sees nothing.
        t.ana.post("workspace_users/remove", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        let info = t.ana.get("workspace_users/get_info", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(info["is_active"], false);
        let err = t.bo.get("workspace_users/get_info", json!({"id": t.ws, "user_id": t.ana_id})).await.unwrap_err();
        assert_eq!(err.status, 404, "{err}");
        t.app.stop().await;
    }
}

#[tokio::test]
async fn a_page_of_large_posts_stays_under_the_byte_limit_and_the_next_page_has_the_rest() {
    use weft::api::handlers::MAX_PAGE_BYTES;
    let t = Team::on(Backend::Sqlite).await;
    let content = "lorem ipsum ".repeat(weft_core::input::MAX_CONTENT_LEN / 12);
    let n = MAX_PAGE_BYTES / content.len() + 2;
    let mut made = Vec::new();
    for i in 0..n {
        made.push(t.ana.add_thread(t.general, &format!("Big {i}"), &content).await.unwrap().id.0);
    }
    let mut seen = Vec::new();
    let mut params = json!({"channel_id": t.general, "limit": 500});
    loop {
        let page = t.ana.get("threads/get", params.clone()).await.unwrap();
        let size = serde_json::to_vec(&page).unwrap().len();
        let items = page.as_array().unwrap();
        assert!(size <= MAX_PAGE_BYTES, "a page of {} threads is {size} bytes", items.len());
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().map(id));
        params["before_id"] = json!(id(items.last().unwrap()));
    }
    assert!(seen.len() > 1, "pages hold several large threads");
    made.reverse();
    assert_eq!(seen, made, "newest first, each thread once");
    t.app.stop().await;
}

#[tokio::test]
async fn health_tells_the_version_to_admins_only() {
    let t = Team::on(Backend::Sqlite).await;
    let url = format!("{}/health", t.app.base);
    let anonymous = reqwest::Client::new().get(&url).send().await.unwrap().json::<Value>().await.unwrap();
    assert_eq!((&anonymous["status"], anonymous.get("version")), (&json!("ok"), None), "{anonymous}");
    // Bo is a member, not an admin; Ana administers the team's workspace.
    let (_, member) = t.bo.send(t.bo.http().get(&url)).await.unwrap();
    assert_eq!(member.get("version"), None, "{member}");
    let (status, admin) = t.ana.send(t.ana.http().get(&url)).await.unwrap();
    assert_eq!((status, &admin["version"]), (200, &json!(env!("CARGO_PKG_VERSION"))), "{admin}");
    t.app.stop().await;
}
