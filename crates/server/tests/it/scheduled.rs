//! Scheduled send: a post written now is posted later — at a time given, or at "their
//! morning" — seen by its author alone until then, posted exactly once as if new, late if
//! the server was not running at its time, and not at all if its author lost access.

use crate::helpers::*;
use serde_json::{Value, json};
use weft::api::Verb;
use weft::workers::Worker;
use weft_client::Client;

const H: i64 = 3600;

async fn titles(c: &Client, channel: i64) -> Vec<String> {
    let list = c.get("threads/get", json!({"channel_id": channel})).await.unwrap();
    list.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
}

async fn waiting(c: &Client, ws: i64) -> Vec<Value> {
    c.get("scheduled/get", json!({"workspace_id": ws})).await.unwrap().as_array().unwrap().clone()
}

both_backends! {
    async fn a_scheduled_post_waits_unseen_and_is_posted_once_at_its_time(b: Backend) {
        let t = Team::on(b).await;
        let at = START + 2 * H;
        let s = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Offsite plan", "content": "Draft",
            "recipients": [t.bo_id], "request_reply": [t.bo_id], "send_at_ts": at})).await.unwrap();
        assert_eq!((s["state"].clone(), s["send_at_ts"].clone(), s["kind"].clone()), (json!("scheduled"), json!(at), json!("thread")));
        let id = s["id"].as_i64().unwrap();
        // Only Ana sees it: not in the channel, not in Bo's inbox or lists, not his to change.
        assert!(titles(&t.bo, t.general).await.is_empty());
        assert!(titles(&t.ana, t.general).await.is_empty());
        assert_eq!(t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap(), json!([]));
        assert!(waiting(&t.bo, t.ws).await.is_empty());
        let (status, _) = call(&t.bo, Verb::Post, "scheduled/update", &json!({"id": id, "content": "mine now"})).await;
        assert_eq!(status, 404);
        assert_eq!(call(&t.bo, Verb::Post, "scheduled/cancel", &json!({"id": id})).await.0, 404);
        // Ana edits it while it waits.
        let edited = t.ana.post("scheduled/update", json!({"id": id, "content": "Final plan"})).await.unwrap();
        assert_eq!(edited["post"]["content"], "Final plan");
        assert_eq!(waiting(&t.ana, t.ws).await.len(), 1);

        // A comment and a message wait too; a cancelled one never goes.
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Now", "content": "x"})).await.unwrap();
        t.ana.post("comments/add", json!({"thread_id": th["id"], "content": "Later reply", "send_at_ts": at})).await.unwrap();
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "Later hello", "send_at_ts": at})).await.unwrap();
        let dropped = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Never", "content": "x", "send_at_ts": at})).await.unwrap();
        let cancelled = t.ana.post("scheduled/cancel", json!({"id": dropped["id"]})).await.unwrap();
        assert_eq!(cancelled["state"], "cancelled");
        assert_eq!(call(&t.ana, Verb::Post, "scheduled/update", &json!({"id": dropped["id"], "content": "y"})).await.0, 400);

        // Not a second early.
        t.app.clock.set(at - 1);
        t.app.step_workers().await;
        assert_eq!(titles(&t.bo, t.general).await, vec!["Now".to_string()]);
        // At its time: posted, as if new — Bo is notified, asked, and sees it.
        t.app.clock.set(at);
        t.app.step_workers().await;
        t.app.step_workers().await;
        assert_eq!(titles(&t.bo, t.general).await, vec!["Offsite plan".to_string(), "Now".to_string()]);
        let sent = t.ana.get("scheduled/get", json!({"workspace_id": t.ws, "finished": true})).await.unwrap();
        let sent = sent.as_array().unwrap().iter().find(|p| p["id"] == id).unwrap().clone();
        assert_eq!((sent["state"].clone(), sent["late"].clone(), sent["sent_ts"].clone()), (json!("sent"), json!(false), json!(at)));
        let thread = t.bo.get("threads/getone", json!({"id": sent["posted_id"]})).await.unwrap();
        assert_eq!((thread["content"].clone(), thread["posted_ts"].clone()), (json!("Final plan"), json!(at)));
        let inbox = t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(inbox.to_string().contains("Offsite plan"), "{inbox}");
        let owed = t.bo.get("expectations/get", json!({"workspace_id": t.ws, "role": "owed"})).await.unwrap();
        assert_eq!(owed["expectations"][0]["requested_ts"], at);
        let comments = t.bo.get("comments/get", json!({"thread_id": th["id"]})).await.unwrap();
        assert_eq!(comments[0]["content"], "Later reply");
        let messages = t.bo.get("conversation_messages/get", json!({"conversation_id": conv["id"]})).await.unwrap();
        assert_eq!(messages[0]["content"], "Later hello");
        assert!(waiting(&t.ana, t.ws).await.is_empty());
        // Once.
        t.app.clock.set(at + H);
        t.app.step_workers().await;
        assert_eq!(titles(&t.bo, t.general).await.len(), 2);
        t.app.stop().await;
    }

    async fn their_morning_is_the_start_of_the_next_working_period_of_most_recipients(b: Backend) {
        let t = Team::on(b).await;
        // Monday 09:00 UTC: 18:00 in Tokyo (Bo), 04:00 in New York (Cy), 09:00 in Lisbon (Di).
        t.bo.post("schedules/update", json!({"timezone": "Asia/Tokyo"})).await.unwrap();
        let (cy, cy_user) = t.app.user("Cy").await;
        let (di, di_user) = t.app.user("Di").await;
        for (c, id, tz) in [(&cy, cy_user.id.0, "America/New_York"), (&di, di_user.id.0, "Europe/Lisbon")] {
            t.app.join(&t.ana, t.ws, id, "USER").await;
            c.post("schedules/update", json!({"timezone": tz})).await.unwrap();
        }
        // One person: Bo's Tuesday 09:00 in Tokyo, Monday 24:00 UTC.
        let s = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "For Bo", "content": "x",
            "recipients": [t.bo_id], "send_at": "recipient_morning"})).await.unwrap();
        assert_eq!(s["send_at_ts"], START + 15 * H, "{s}");
        assert_eq!(s["send_at"], "recipient_morning");
        assert_eq!(s["explained"], "Bo's next working period starts Tue 24 Nov 09:00 (Asia/Tokyo)");
        // Three people: Cy starts at 14:00 UTC, Bo at 24:00, Di (working now) Tuesday 09:00:
        // by Bo's start two of the three have begun their day.
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id, cy_user.id.0, di_user.id.0]})).await.unwrap();
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "Morning all", "send_at": "recipient_morning"})).await.unwrap();
        assert_eq!(m["send_at_ts"], START + 15 * H);
        assert_eq!(m["explained"], "2 of the 3 people it goes to have started their working day by then: Tue 24 Nov 09:00 for Bo (Asia/Tokyo)");
        // Sending it now instead: at the scheduler's next step.
        let now = t.ana.post("scheduled/update", json!({"id": s["id"], "send_now": true})).await.unwrap();
        assert_eq!(now["send_at_ts"], START);
        t.app.step_workers().await;
        assert_eq!(titles(&t.bo, t.general).await, vec!["For Bo".to_string()]);
        // Moving it to a time Ana picks.
        let moved = t.ana.post("scheduled/update", json!({"id": m["id"], "send_at_ts": START + H})).await.unwrap();
        assert_eq!((moved["send_at_ts"].clone(), moved["send_at"].clone()), (json!(START + H), json!("time")));
        // Written on Friday evening: Bo's morning is Monday's, after his weekend.
        t.app.clock.set(START + 4 * 86_400 + 11 * H);
        let s = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Weekend over", "content": "x",
            "recipients": [t.bo_id], "send_at": "recipient_morning"})).await.unwrap();
        assert_eq!(s["send_at_ts"], START + 7 * 86_400 - 9 * H, "Monday 09:00 in Tokyo, 00:00 UTC: {s}");
        // Nobody to wake up for: a time is needed.
        let (status, body) = call(&t.ana, Verb::Post, "threads/add", &json!({"channel_id": t.general, "title": "x", "content": "x", "send_at": "recipient_morning"})).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["error_string"].as_str().unwrap().contains("send_at_ts"), "{body}");
        drop((cy, di));
        t.app.stop().await;
    }

    async fn a_post_whose_author_lost_access_is_not_sent_and_the_author_is_told(b: Backend) {
        let t = Team::on(b).await;
        let design = t.ana.add_channel(t.ws, "design", false, &[t.bo_id]).await.unwrap().id.0;
        let s = t.bo.post("threads/add", json!({"channel_id": design, "title": "Logo", "content": "x", "send_at_ts": START + H})).await.unwrap();
        t.ana.post("channels/remove_users", json!({"id": design, "user_ids": [t.bo_id]})).await.unwrap();
        t.app.clock.set(START + H);
        t.app.step_workers().await;
        assert!(titles(&t.ana, design).await.is_empty(), "not posted");
        let done = t.bo.get("scheduled/get", json!({"workspace_id": t.ws, "finished": true})).await.unwrap();
        assert_eq!(done[0]["id"], s["id"]);
        assert_eq!((done[0]["state"].clone(), done[0]["error"].clone()), (json!("failed"), json!("you can no longer post there")));
        let notes = t.bo.get("notifications/get", json!({})).await.unwrap();
        let told: Vec<&Value> = notes["notifications"].as_array().unwrap().iter().filter(|n| n["reason"] == "scheduled_not_sent").collect();
        assert_eq!(told.len(), 1, "{notes}");
        assert_eq!(told[0]["type_id"], 11);
        // Nothing more on the next steps.
        t.app.step_workers().await;
        assert!(titles(&t.ana, design).await.is_empty());
        t.app.stop().await;
    }

    async fn what_came_due_while_the_server_was_down_is_posted_on_start_marked_late(b: Backend) {
        let t = Team::on(b).await;
        let s = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Monday note", "content": "x", "send_at_ts": START + H})).await.unwrap();
        // Nothing ran between its time and three hours later (the server was down).
        t.app.clock.set(START + 4 * H);
        t.app.step_workers().await;
        assert_eq!(titles(&t.bo, t.general).await, vec!["Monday note".to_string()]);
        let done = t.ana.get("scheduled/get", json!({"workspace_id": t.ws, "finished": true})).await.unwrap();
        assert_eq!((done[0]["id"].clone(), done[0]["late"].clone(), done[0]["sent_ts"].clone()), (s["id"].clone(), json!(true), json!(START + 4 * H)));
        t.app.stop().await;
    }

    async fn files_of_a_scheduled_post_outlive_the_sweep_of_unposted_uploads(b: Backend) {
        let t = Team::on(b).await;
        let file = upload(&t.ana, "brief-2027", "brief.txt", "text/plain", b"the brief".to_vec()).await;
        let at = START + 2 * 86_400;
        t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Brief", "content": "attached",
            "attachments": [file], "send_at_ts": at})).await.unwrap();
        // A day and more later the sweep deletes uploads nobody posted, but not this one.
        t.app.clock.set(START + 30 * H);
        t.app.node().workers().step(Worker::Sweeper).await.unwrap();
        t.app.clock.set(at);
        t.app.step_workers().await;
        let done = t.ana.get("scheduled/get", json!({"workspace_id": t.ws, "finished": true})).await.unwrap();
        assert_eq!(done[0]["state"], "sent", "{done}");
        let thread = t.bo.get("threads/getone", json!({"id": done[0]["posted_id"]})).await.unwrap();
        assert_eq!(thread["attachments"][0]["attachment_id"], "brief-2027");
        let (status, _, bytes) = crate::attachments::download(&t.bo, thread["attachments"][0]["url"].as_str().unwrap()).await;
        assert_eq!((status, bytes), (200, b"the brief".to_vec()), "the file is there for whoever sees the post");
        t.app.stop().await;
    }

    async fn bad_schedules_get_a_clear_error_and_change_nothing(b: Backend) {
        let t = Team::on(b).await;
        let cases = [
            ("threads/add", json!({"channel_id": t.general, "title": "x", "content": "x", "send_at_ts": START - 1}), "send_at_ts"),
            ("threads/add", json!({"channel_id": t.general, "title": "x", "content": "x", "send_at_ts": START + H, "send_at": "recipient_morning"}), "send_at"),
            ("threads/add", json!({"channel_id": t.general, "title": "x", "content": "x", "send_at_ts": START + 400 * 86_400}), "send_at_ts"),
            ("threads/add", json!({"channel_id": t.general, "title": "x", "content": "x", "send_at_ts": START + 2 * H,
                "request_reply": [t.bo_id], "reply_by_ts": START + H}), "reply_by_ts"),
        ];
        for (path, params, field) in cases {
            let (status, body) = call(&t.ana, Verb::Post, path, &params).await;
            assert_eq!(status, 400, "{params} → {body}");
            assert_eq!(body["error_extra"]["argument"], field, "{body}");
        }
        // Where one may not post, one may not schedule either.
        let (status, _) = call(&t.gus, Verb::Post, "threads/add", &json!({"channel_id": t.general, "title": "x", "content": "x", "send_at_ts": START + H})).await;
        assert_eq!(status, 404);
        assert!(waiting(&t.ana, t.ws).await.is_empty());
        assert!(waiting(&t.gus, t.ws).await.is_empty());
        t.app.stop().await;
    }
}

/// Two nodes run their schedulers at the same moment: each post goes out once.
#[tokio::test]
async fn two_nodes_post_a_scheduled_post_once() {
    if postgres_url().is_none() {
        return;
    }
    let t = Team::on(Backend::Postgres).await;
    let node2 = t.app.second_node().await;
    for n in 0..5 {
        t.ana
            .post(
                "threads/add",
                json!({"channel_id": t.general, "title": format!("S{n}"), "content": "x", "send_at_ts": START + H}),
            )
            .await
            .unwrap();
    }
    t.app.clock.set(START + H);
    let (a, b) =
        tokio::join!(t.app.node().workers().step(Worker::Scheduler), node2.app.workers().step(Worker::Scheduler));
    a.unwrap();
    b.unwrap();
    let mut got = titles(&t.bo, t.general).await;
    got.sort();
    assert_eq!(got, ["S0", "S1", "S2", "S3", "S4"]);
    node2.stop().await;
    t.app.stop().await;
}
