//! The daily loop, as people describe it: the inbox, Done, read state, mute, snooze.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use weft_client::Client;
use weft_core::model::*;

async fn inbox(c: &Client, ws: i64, filter: &str) -> Vec<InboxThread> {
    c.get_as("inbox/get", json!({"workspace_id": ws, "archive_filter": filter})).await.unwrap()
}

/// The next event of a kind (others, such as pushes, are passed over).
async fn next_of(s: &mut weft_client::EventStream, kind: &str) -> weft_client::SseEvent {
    loop {
        let ev = s.next(Duration::from_secs(5)).await.unwrap_or_else(|| panic!("no {kind} event"));
        if ev.event == kind {
            return ev;
        }
    }
}

fn titles(items: &[InboxThread]) -> Vec<&str> {
    items.iter().map(|i| i.thread.title.as_str()).collect()
}

async fn comment(c: &Client, thread: i64, text: &str, recipients: Value) -> Comment {
    c.post_as("comments/add", json!({"thread_id": thread, "content": text, "recipients": recipients})).await.unwrap()
}

both_backends! {
    async fn done_keeps_a_thread_out_until_something_new_concerns_you(b: Backend) {
        let t = Team::on(b).await;
        let th: Thread = t
            .ana
            .post_as("threads/add", json!({"channel_id": t.general, "title": "Launch plan", "content": "Draft", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        // The thread notified Bo: it is in his inbox, unread.
        let items = inbox(&t.bo, t.ws, "active").await;
        assert_eq!(titles(&items), ["Launch plan"]);
        assert!(items[0].in_inbox && items[0].unread && !items[0].thread.closed);

        // Bob marks the thread Done.
        t.bo.post("inbox/archive", json!({"id": th.id.0})).await.unwrap();
        assert!(inbox(&t.bo, t.ws, "active").await.is_empty());
        assert_eq!(titles(&inbox(&t.bo, t.ws, "archived").await), ["Launch plan"]);

        // Ana comments without notifying Bob: the thread stays out of his inbox.
        t.app.clock.advance_secs(60);
        comment(&t.ana, th.id.0, "Small fix", json!([])).await;
        assert!(inbox(&t.bo, t.ws, "active").await.is_empty());

        // Ana comments notifying Bob: it is back, unread, with that comment as its last.
        t.app.clock.advance_secs(60);
        let c = comment(&t.ana, th.id.0, "Bo, can you check the numbers?", json!([t.bo_id])).await;
        let items = inbox(&t.bo, t.ws, "active").await;
        assert_eq!(titles(&items), ["Launch plan"]);
        assert!(items[0].unread && items[0].in_inbox);
        assert_eq!(items[0].thread.last_comment.as_ref().unwrap().id, c.id);
        assert_eq!(items[0].activity_ts, START + 120);
        let all = inbox(&t.bo, t.ws, "all").await;
        assert_eq!(all.len(), 1);
        t.app.stop().await;
    }

    async fn the_inbox_is_newest_first_and_pages_with_a_cursor(b: Backend) {
        let t = Team::on(b).await;
        for n in 0..5 {
            t.app.clock.advance_secs(10);
            t.ana
                .post("threads/add", json!({"channel_id": t.general, "title": format!("T{n}"), "content": "x", "recipients": "EVERYONE"}))
                .await
                .unwrap();
        }
        let first: Vec<InboxThread> = t.bo.get_as("inbox/get", json!({"workspace_id": t.ws, "limit": 2})).await.unwrap();
        assert_eq!(titles(&first), ["T4", "T3"]);
        let last = &first[1];
        let cursor = format!("{}:{}", last.activity_ts, last.thread.id.0);
        let next: Vec<InboxThread> =
            t.bo.get_as("inbox/get", json!({"workspace_id": t.ws, "limit": 2, "cursor": cursor})).await.unwrap();
        assert_eq!(titles(&next), ["T2", "T1"]);
        let count = t.bo.get("inbox/get_count", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(count["data"], 5);
        let v1 = count["version"].as_i64().unwrap();
        // Everything older than T2 is Done at once; the count and version follow.
        let t2 = next[0].activity_ts;
        t.bo.post("inbox/archive_all", json!({"workspace_id": t.ws, "older_than_ts": t2})).await.unwrap();
        let left = inbox(&t.bo, t.ws, "active").await;
        assert_eq!(titles(&left), ["T4", "T3", "T2"]);
        let count = t.bo.get("inbox/get_count", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(count["data"], 3);
        assert!(count["version"].as_i64().unwrap() > v1);
        // Marking all read empties the unread count but keeps the items.
        t.bo.post("inbox/mark_all_read", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(t.bo.get("inbox/get_count", json!({"workspace_id": t.ws})).await.unwrap()["data"], 0);
        assert!(inbox(&t.bo, t.ws, "active").await.iter().all(|i| !i.unread));
        let err = t.bo.get("inbox/get", json!({"workspace_id": t.ws, "archive_filter": "soon"})).await.unwrap_err();
        assert_eq!(err.status, 400);
        t.app.stop().await;
    }

    async fn read_positions_follow_obj_index(b: Backend) {
        let t = Team::on(b).await;
        let th: Thread = t
            .ana
            .post_as("threads/add", json!({"channel_id": t.general, "title": "Numbers", "content": "x", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        let unread: Vec<UnreadThread> = t.bo.get_as("threads/get_unread", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(unread.len(), 1);
        assert_eq!((unread[0].thread_id, unread[0].obj_index, unread[0].direct_mention), (th.id, -2, false));
        // Ana's own post is read for her; her comments move her position (unless she says not to).
        assert!(t.ana.get_as::<Vec<UnreadThread>>("threads/get_unread", json!({"workspace_id": t.ws})).await.unwrap().is_empty());
        comment(&t.ana, th.id.0, "one", json!([t.bo_id])).await;
        t.ana.post("comments/add", json!({"thread_id": th.id.0, "content": "two [Bo](twist-mention://2)", "recipients": [t.bo_id], "mark_thread_position": false})).await.unwrap();
        let mine = t.ana.thread(th.id.0).await.unwrap();
        assert_eq!(mine.last_read_obj_index, 0);
        // Bo was mentioned in an unread comment.
        let unread: Vec<UnreadThread> = t.bo.get_as("threads/get_unread", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(unread[0].direct_mention, "{unread:?}");
        t.bo.post("threads/mark_read", json!({"id": th.id.0, "obj_index": 1})).await.unwrap();
        assert!(t.bo.get_as::<Vec<UnreadThread>>("threads/get_unread", json!({"workspace_id": t.ws})).await.unwrap().is_empty());
        t.bo.post("threads/mark_unread", json!({"id": th.id.0, "obj_index": 1})).await.unwrap();
        assert_eq!(t.bo.thread(th.id.0).await.unwrap().last_read_obj_index, 0);
        t.bo.post("threads/mark_unread", json!({"id": th.id.0, "obj_index": -1})).await.unwrap();
        assert_eq!(t.bo.thread(th.id.0).await.unwrap().last_read_obj_index, -2);
        let err = t.bo.post("threads/mark_read", json!({"id": th.id.0, "obj_index": 7})).await.unwrap_err();
        assert_eq!(err.status, 400);
        // Ana asks everyone to look again from comment 1.
        t.bo.post("threads/mark_read", json!({"id": th.id.0, "obj_index": 1})).await.unwrap();
        t.ana.post("threads/mark_unread_for_others", json!({"id": th.id.0, "obj_index": 1})).await.unwrap();
        assert_eq!(t.bo.thread(th.id.0).await.unwrap().last_read_obj_index, 0);
        assert_eq!(t.ana.thread(th.id.0).await.unwrap().last_read_obj_index, 0, "not for Ana herself");
        // A channel marked read.
        t.bo.post("threads/mark_all_read", json!({"channel_id": t.general})).await.unwrap();
        assert_eq!(t.bo.thread(th.id.0).await.unwrap().last_read_obj_index, 1);
        t.app.stop().await;
    }

    async fn a_muted_thread_stays_out_until_the_mute_ends(b: Backend) {
        let t = Team::on(b).await;
        let th: Thread = t
            .ana
            .post_as("threads/add", json!({"channel_id": t.general, "title": "Noisy", "content": "x", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        t.bo.post("inbox/archive", json!({"id": th.id.0})).await.unwrap();
        let muted: Thread = t.bo.post_as("threads/mute", json!({"id": th.id.0, "minutes": 60})).await.unwrap();
        assert_eq!(muted.muted_until_ts, Some(START + 3600));
        comment(&t.ana, th.id.0, "ping", json!([t.bo_id])).await;
        assert!(inbox(&t.bo, t.ws, "active").await.is_empty(), "muted: stays Done");
        t.app.clock.advance_secs(3601);
        comment(&t.ana, th.id.0, "ping again", json!([t.bo_id])).await;
        assert_eq!(titles(&inbox(&t.bo, t.ws, "active").await), ["Noisy"]);
        t.app.stop().await;
    }

    async fn a_snoozed_item_comes_back_as_a_reminder_at_its_time(b: Backend) {
        let t = Team::on(b).await;
        let th: Thread = t
            .ana
            .post_as("threads/add", json!({"channel_id": t.general, "title": "Review", "content": "x", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        // Streams from after the post reached Bo's inbox.
        t.app.node().fanned_out().await;
        let mut other_client = t.bo.stream(t.ws, None).await.unwrap();
        let mut anas = t.ana.stream(t.ws, None).await.unwrap();
        let out = t.bo.post("inbox/snooze", json!({"id": th.id.0, "until_ts": START + 7200})).await.unwrap();
        assert_eq!(out["snoozed_until_ts"], START + 7200);
        assert!(inbox(&t.bo, t.ws, "active").await.is_empty());
        let snoozed = inbox(&t.bo, t.ws, "archived").await;
        assert_eq!(snoozed[0].snoozed_until_ts, Some(START + 7200));
        // Bo's other client hears of it; Ana does not.
        let ev = next_of(&mut other_client, "inbox_updated").await;
        assert_eq!(ev.data["data"]["snoozed_until_ts"], json!(START + 7200));

        // Nothing happens before its time...
        t.app.clock.advance_secs(3600);
        t.app.step_workers().await;
        assert!(inbox(&t.bo, t.ws, "active").await.is_empty());
        // ...and at its time it is back, marked as a reminder, though nothing new happened.
        t.app.clock.advance_secs(3600);
        assert!(inbox(&t.bo, t.ws, "active").await.is_empty(), "not before the scheduler's step");
        t.app.step_workers().await;
        let back = inbox(&t.bo, t.ws, "active").await;
        assert_eq!(titles(&back), ["Review"]);
        assert!(back[0].is_reminder && back[0].snoozed_until_ts.is_none());
        let ev = next_of(&mut other_client, "inbox_updated").await;
        assert_eq!(ev.data["data"]["is_reminder"], true);
        assert!(anas.drain(Duration::from_millis(300)).await.iter().all(|e| e.event != "inbox_updated" || e.data["data"]["thread_id"] != th.id.0 || e.data["data"]["is_reminder"] != true));

        // "Tomorrow at the start of my working day": Bo is in UTC, it is Monday.
        let out = t.bo.post("inbox/snooze", json!({"id": th.id.0, "until": "next_workday"})).await.unwrap();
        assert_eq!(out["snoozed_until_ts"], START + 86_400);
        t.bo.post("inbox/unsnooze", json!({"id": th.id.0})).await.unwrap();
        let back = inbox(&t.bo, t.ws, "active").await;
        assert!(!back[0].is_reminder);
        let err = t.bo.post("inbox/snooze", json!({"id": th.id.0, "until_ts": START})).await.unwrap_err();
        assert_eq!(err.status, 400);
        t.app.stop().await;
    }

    async fn conversations_keep_their_own_unread_list(b: Backend) {
        let t = Team::on(b).await;
        let c: Conversation =
            t.ana.post_as("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        for text in ["hi", "are you there, [Bo](twist-mention://2)?"] {
            t.ana.post("conversation_messages/add", json!({"conversation_id": c.id.0, "content": text})).await.unwrap();
        }
        let unread: Vec<UnreadConversation> = t.bo.get_as("conversations/get_unread", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(unread.len(), 1);
        assert_eq!((unread[0].conversation_id, unread[0].obj_index, unread[0].direct_mention), (c.id, -1, true));
        assert!(t.ana.get_as::<Vec<UnreadConversation>>("conversations/get_unread", json!({"workspace_id": t.ws})).await.unwrap().is_empty());
        // Conversations are not threads: never in the inbox.
        assert!(inbox(&t.bo, t.ws, "all").await.is_empty());
        t.bo.post("conversations/mark_read", json!({"id": c.id.0, "obj_index": 0})).await.unwrap();
        let unread: Vec<UnreadConversation> = t.bo.get_as("conversations/get_unread", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(unread[0].obj_index, 0);
        t.bo.post("conversations/mark_read", json!({"id": c.id.0})).await.unwrap();
        assert!(t.bo.get_as::<Vec<UnreadConversation>>("conversations/get_unread", json!({"workspace_id": t.ws})).await.unwrap().is_empty());
        t.bo.post("conversations/mark_unread", json!({"conversation_id": c.id.0, "obj_index": 1})).await.unwrap();
        let unread: Vec<UnreadConversation> = t.bo.get_as("conversations/get_unread", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(unread[0].obj_index, 0);
        t.app.stop().await;
    }

    async fn notifications_are_recorded_with_their_reason(b: Backend) {
        let t = Team::on(b).await;
        // Bo was added to the workspace by Ana.
        let page = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert_eq!(page["notifications"][0]["reason"], "added_to_workspace");
        assert_eq!(page["notifications"][0]["type_id"], 3);
        t.ana
            .post("threads/add", json!({"channel_id": t.general, "title": "Hi", "content": "for [Bo](twist-mention://2)", "recipients": []}))
            .await
            .unwrap();
        let page = t.bo.get("notifications/get", json!({"limit": 1})).await.unwrap();
        let n = &page["notifications"][0];
        assert_eq!((n["reason"].as_str(), n["type_id"].as_i64(), n["by_user_id"].as_i64()), (Some("mention"), Some(2), Some(t.ana_id)));
        t.bo.post("notifications/mark_read", json!({"notification_id": n["id"]})).await.unwrap();
        let page = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert_eq!(page["last_read"], n["id"]);
        let err = t.gus.post("notifications/mark_read", json!({"notification_id": n["id"]})).await.unwrap_err();
        assert_eq!(err.status, 404, "not Gus's");
        t.bo.post("notifications/reset", json!({})).await.unwrap();
        let page = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert!(page["notifications"].as_array().unwrap().iter().all(|n| n["is_read"] == true));
        // Settings: defaults, one change, many changes; unknown names refused.
        let s = t.bo.get("notifications_settings/v2/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!((s["email_comments"].as_bool(), s["email_aggregate"].as_bool()), (Some(true), Some(false)));
        t.bo.post("notifications_settings/v2/update", json!({"workspace_id": t.ws, "setting": "email_comments", "value": false})).await.unwrap();
        t.bo.post("notifications_settings/v2/update_many", json!({"workspace_id": t.ws, "mapping": {"push_threads": false, "badge_threads": false}})).await.unwrap();
        let s = t.bo.get("notifications_settings/v2/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!((s["email_comments"].as_bool(), s["push_threads"].as_bool(), s["badge_threads"].as_bool()), (Some(false), Some(false), Some(false)));
        let err = t.bo.post("notifications_settings/v2/update", json!({"workspace_id": t.ws, "setting": "email_everything", "value": true})).await.unwrap_err();
        assert_eq!(err.status, 400);
        t.app.stop().await;
    }

    async fn lists_cost_a_fixed_number_of_queries(b: Backend) {
        let t = Team::on(b).await;
        let store = t.app.server.as_ref().unwrap().app.store.clone();
        let mut cost = Vec::new();
        for size in [3, 30] {
            while inbox(&t.bo, t.ws, "all").await.len() < size {
                let th: Thread = t
                    .ana
                    .post_as("threads/add", json!({"channel_id": t.general, "title": "Load", "content": "budget words", "recipients": [t.bo_id]}))
                    .await
                    .unwrap();
                comment(&t.ana, th.id.0, "more budget talk", json!([t.bo_id])).await;
            }
            let mut per_call = Vec::new();
            for (path, params) in [
                ("inbox/get", json!({"workspace_id": t.ws, "limit": 100})),
                ("threads/get_unread", json!({"workspace_id": t.ws})),
                ("conversations/get_unread", json!({"workspace_id": t.ws})),
                ("search", json!({"workspace_id": t.ws, "query": "budget", "limit": 100})),
                ("threads/get", json!({"workspace_id": t.ws, "limit": 100})),
            ] {
                // The scheduler reads in the background every second: the fewest of three
                // tries is the call's own cost.
                let mut fewest = u64::MAX;
                for _ in 0..3 {
                    let before = store.statements();
                    t.bo.get(path, params.clone()).await.unwrap();
                    fewest = fewest.min(store.statements() - before);
                }
                per_call.push((path, fewest));
            }
            cost.push(per_call);
        }
        assert_eq!(cost[0], cost[1], "the cost of a list grows with its length: {cost:?}");
        t.app.stop().await;
    }
}
