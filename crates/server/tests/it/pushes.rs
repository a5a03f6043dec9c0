//! Quiet delivery, as people would describe it: a comment lands in the inbox at once, and
//! its push waits for the person's working hours.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use weft_client::{Client, EventStream};

/// Steps the workers once (as every node does each second) and answers the pushes Bo's
/// stream received meanwhile.
async fn pushes(t: &Team, stream: &mut EventStream) -> Vec<Value> {
    t.app.step_workers().await;
    stream
        .drain(Duration::from_millis(400))
        .await
        .into_iter()
        .filter(|e| e.event == "push")
        .map(|e| e.data["data"].clone())
        .collect()
}

async fn notify_bo(t: &Team, ana: &Client, title: &str) -> Value {
    ana.post("threads/add", json!({"channel_id": t.general, "title": title, "content": "x", "recipients": [t.bo_id]}))
        .await
        .unwrap()
}

both_backends! {
    async fn pushes_wait_for_working_hours_and_skip_what_was_read(b: Backend) {
        let t = Team::on(b).await;
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        // Monday 09:00 UTC: Bo is at work; the push goes out at once.
        let first = notify_bo(&t, &t.ana, "Now").await;
        let got = pushes(&t, &mut bo).await;
        assert_eq!(got.len(), 1, "{got:?}");
        // With it goes the push of Ana adding him to the workspace.
        let items = got[0]["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["thread_id"] == first["id"]), "{got:?}");

        // Friday 18:00: in his inbox at once, but no push until Monday 09:00.
        t.app.clock.set(START + 4 * 86_400 + 9 * 3600);
        let late = notify_bo(&t, &t.ana, "Friday evening").await;
        let inbox = t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(inbox[0]["title"], "Friday evening");
        assert!(pushes(&t, &mut bo).await.is_empty());
        t.app.clock.set(START + 6 * 86_400 + 23 * 3600); // Sunday 23:00
        assert!(pushes(&t, &mut bo).await.is_empty());
        t.app.clock.set(START + 7 * 86_400); // Monday 09:00
        let got = pushes(&t, &mut bo).await;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["items"][0]["thread_id"], late["id"]);

        // Read in the app before the push is due: dropped.
        t.app.clock.set(START + 7 * 86_400 + 10 * 3600); // Monday 19:00
        let read = notify_bo(&t, &t.ana, "Read it already").await;
        t.bo.post("threads/mark_read", json!({"id": read["id"], "obj_index": -1})).await.unwrap();
        t.app.clock.set(START + 8 * 86_400); // Tuesday 09:00
        assert!(pushes(&t, &mut bo).await.is_empty(), "a read item is not pushed");
        t.app.stop().await;
    }

    async fn becoming_available_releases_what_was_held(b: Backend) {
        let t = Team::on(b).await;
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        // Bo focuses for two hours: held.
        t.bo.post("schedules/update", json!({"focus_minutes": 120})).await.unwrap();
        notify_bo(&t, &t.ana, "During focus").await;
        assert!(pushes(&t, &mut bo).await.is_empty());
        // He ends the focus early: what was held goes out at the next tick.
        t.bo.post("schedules/update", json!({"dnd_ranges": []})).await.unwrap();
        assert_eq!(pushes(&t, &mut bo).await.len(), 1);

        // An hourly batch: two notifications at 10:10 and 10:40 arrive together at 11:00.
        t.bo.post("schedules/update", json!({"delivery": "hourly"})).await.unwrap();
        t.app.clock.set(START + 3600 + 600);
        notify_bo(&t, &t.ana, "One").await;
        t.app.clock.set(START + 3600 + 2400);
        notify_bo(&t, &t.ana, "Two").await;
        assert!(pushes(&t, &mut bo).await.is_empty());
        t.app.clock.set(START + 2 * 3600);
        let got = pushes(&t, &mut bo).await;
        assert_eq!(got.len(), 1, "one batch: {got:?}");
        assert_eq!(got[0]["items"].as_array().unwrap().len(), 2);
        assert_eq!(got[0]["delivery"], "hourly");
        // Nobody else hears Bo's pushes.
        let mut ana = t.ana.stream(t.ws, Some(0)).await.unwrap();
        let seen = ana.drain(Duration::from_millis(400)).await;
        assert!(seen.iter().all(|e| e.event != "push" || e.data["data"]["items"][0]["thread_id"].is_null()), "{seen:?}");
        t.app.stop().await;
    }
}

both_backends! {
    async fn in_production_the_workers_run_by_themselves(b: Backend) {
        // Every other test steps the workers; a server in production runs them every tick.
        let t = Team::on_with(b, |c| c.workers = weft::WorkerMode::Background).await;
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        t.bo.post("schedules/update", json!({"focus_minutes": 120})).await.unwrap();
        let held = notify_bo(&t, &t.ana, "Held, then released").await;
        t.bo.post("schedules/update", json!({"dnd_ranges": []})).await.unwrap();
        // Nobody steps anything: the scheduler's next tick sends it.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let ev = bo.next(left).await.expect("the background scheduler sends the push within seconds");
            if ev.event == "push" && ev.data["data"]["items"][0]["thread_id"] == held["id"] {
                break;
            }
        }
        t.app.stop().await;
    }
}

/// The threads of Bo's notifications, newest first.
async fn notified_threads(t: &Team) -> Vec<i64> {
    let page = t.bo.get("notifications/get", json!({})).await.unwrap();
    page["notifications"].as_array().unwrap().iter().filter_map(|n| n["thread_id"].as_i64()).collect()
}

async fn inbox_titles(t: &Team) -> Vec<String> {
    let inbox = t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
    inbox.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
}

both_backends! {
    async fn a_channels_notification_level_decides_what_notifies(b: Backend) {
        let t = Team::on(b).await;
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        pushes(&t, &mut bo).await; // Being added to the workspace.
        let level = |c: &Value| c["notifications"].as_str().unwrap().to_string();
        assert_eq!(level(&t.bo.get("channels/getone", json!({"id": t.general})).await.unwrap()), "all");

        // "direct": a post to everyone in the channel reaches his inbox quietly; a post that
        // names him notifies him and is pushed.
        let ch = t.bo.post("channels/set_notifications", json!({"id": t.general, "level": "direct"})).await.unwrap();
        assert_eq!(level(&ch), "direct");
        let changed: Vec<_> = bo.drain(Duration::from_millis(300)).await.into_iter().filter(|e| e.event == "channel_updated").collect();
        assert_eq!(changed.len(), 1, "his other sessions hear of it");
        assert_eq!(changed[0].data["data"]["notifications"], "direct");
        assert_eq!(level(&t.ana.get("channels/getone", json!({"id": t.general})).await.unwrap()), "all", "the level is his own");
        let everyone = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "To all", "content": "x", "groups": [1]})).await.unwrap();
        assert!(inbox_titles(&t).await.contains(&"To all".to_string()));
        assert!(!notified_threads(&t).await.contains(&everyone["id"].as_i64().unwrap()));
        assert!(pushes(&t, &mut bo).await.is_empty(), "no push for a post to everyone");
        let named = notify_bo(&t, &t.ana, "For Bo").await;
        assert_eq!(notified_threads(&t).await.first(), named["id"].as_i64().as_ref());
        assert_eq!(pushes(&t, &mut bo).await.len(), 1);

        // "none": even a post that names him neither notifies him nor comes to his inbox.
        t.bo.post("channels/set_notifications", json!({"id": t.general, "level": "none"})).await.unwrap();
        let quiet = notify_bo(&t, &t.ana, "Muted channel").await;
        assert!(!inbox_titles(&t).await.contains(&"Muted channel".to_string()));
        assert!(!notified_threads(&t).await.contains(&quiet["id"].as_i64().unwrap()));
        assert!(pushes(&t, &mut bo).await.is_empty());

        // Back to "all": a post to everyone notifies him again.
        t.bo.post("channels/set_notifications", json!({"id": t.general, "level": "all"})).await.unwrap();
        let again = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "All again", "content": "x", "groups": [1]})).await.unwrap();
        assert_eq!(notified_threads(&t).await.first(), again["id"].as_i64().as_ref());

        // Not a level: refused, nothing changed.
        let err = t.bo.post("channels/set_notifications", json!({"id": t.general, "level": "some"})).await.unwrap_err();
        assert_eq!(err.status, 400, "{err}");
        assert_eq!(level(&t.bo.get("channels/getone", json!({"id": t.general})).await.unwrap()), "all");
        t.app.stop().await;
    }

    async fn an_urgent_post_notifies_whatever_the_channels_level(b: Backend) {
        let t = Team::on(b).await;
        let ch = t
            .ana
            .post("channels/add", json!({"workspace_id": t.ws, "name": "incidents", "public": true, "emergency": true, "user_ids": [t.bo_id]}))
            .await
            .unwrap();
        t.bo.post("channels/set_notifications", json!({"id": ch["id"], "level": "none"})).await.unwrap();
        let th = t
            .ana
            .post("threads/add", json!({"channel_id": ch["id"], "title": "DB down", "content": "x", "recipients": "EVERYONE", "urgent": true}))
            .await
            .unwrap();
        assert_eq!(notified_threads(&t).await.first(), th["id"].as_i64().as_ref());
        assert!(inbox_titles(&t).await.contains(&"DB down".to_string()));
        t.app.stop().await;
    }
}
