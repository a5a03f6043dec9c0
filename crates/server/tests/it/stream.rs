//! The event stream: in order, resumable without gaps or repeats, filtered by access.

use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

both_backends! {
    async fn a_stream_delivers_live_events_in_order_and_resumes_exactly(b: Backend) {
        let t = Team::on(b).await;
        let mut s = t.bo.stream(t.ws, None).await.unwrap();
        let th = t.ana.add_thread(t.general, "Live", "x").await.unwrap();
        let first = s.next(WAIT).await.expect("thread_added arrives");
        assert_eq!(first.event, "thread_added");
        assert_eq!(first.data["data"]["id"], th.id.0);
        let c = t.ana.add_comment(th.id.0, "one").await.unwrap();
        let second = s.next(WAIT).await.expect("comment_added arrives");
        assert_eq!(second.event, "comment_added");
        assert_eq!(second.data["data"]["id"], c.id.0);
        assert!(second.id.unwrap() > first.id.unwrap());
        let last_seen = second.id.unwrap();
        drop(s);

        // While Bo is away: three comments.
        for text in ["two", "three", "four"] {
            t.ana.add_comment(th.id.0, text).await.unwrap();
        }
        let mut resumed = t.bo.stream(t.ws, Some(last_seen)).await.unwrap();
        let missed = resumed.drain(QUIET).await;
        let contents: Vec<&str> = missed.iter().map(|e| e.data["data"]["content"].as_str().unwrap()).collect();
        assert_eq!(contents, ["two", "three", "four"]);
        let ids: Vec<i64> = missed.iter().map(|e| e.id.unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids[0] > last_seen);
        // Then live ones, with no repeat.
        t.ana.add_comment(th.id.0, "five").await.unwrap();
        let live = resumed.next(WAIT).await.unwrap();
        assert_eq!(live.data["data"]["content"], "five");
        t.app.stop().await;
    }
}

both_backends! {
    async fn nobody_receives_events_they_may_not_see(b: Backend) {
        let t = Team::on(b).await;
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        let mut gus = t.gus.stream(t.ws, None).await.unwrap();
        let secret = t.ana.add_thread(t.private, "Secret", "salaries").await.unwrap();
        t.ana.add_comment(secret.id.0, "more secrets").await.unwrap();
        let public = t.ana.add_thread(t.general, "Public", "hello all").await.unwrap();
        let for_guests = t.ana.add_thread(t.guests, "For guests", "welcome").await.unwrap();

        let bo_got = bo.drain(QUIET).await;
        let titles = |evs: &[weft_client::SseEvent]| -> Vec<String> {
            evs.iter().filter(|e| e.event == "thread_added").map(|e| e.data["data"]["title"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(titles(&bo_got), ["Public"]);
        assert!(bo_got.iter().all(|e| e.data["data"]["thread_id"] != secret.id.0), "{bo_got:?}");
        let gus_got = gus.drain(QUIET).await;
        assert_eq!(titles(&gus_got), ["For guests"]);
        let _ = (public, for_guests);

        // Once Bo joins the private channel, its new events reach him.
        t.ana.post("channels/add_users", json!({"id": t.private, "user_ids": [t.bo_id]})).await.unwrap();
        t.ana.add_comment(secret.id.0, "welcome Bo").await.unwrap();
        let after = bo.drain(QUIET).await;
        assert!(after.iter().any(|e| e.event == "channel_user_added"));
        assert!(after.iter().any(|e| e.data["data"]["content"] == "welcome Bo"), "{after:?}");

        // Someone outside the workspace cannot open its stream.
        let err = t.oz.stream(t.ws, None).await.err().expect("refused");
        assert_eq!(err.status, 404);
        t.app.stop().await;
    }
}

both_backends! {
    async fn the_long_poll_returns_missed_events_then_waits_for_new_ones(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Poll", "x").await.unwrap();
        let page = t.bo.get("events/get", json!({"workspace_id": t.ws, "after": 0, "timeout": 0})).await.unwrap();
        let events = page["events"].as_array().unwrap();
        assert!(events.iter().any(|e| e["type"] == "thread_added" && e["data"]["id"] == th.id.0));
        let last = page["last_seq"].as_i64().unwrap();
        let bo = t.bo.clone();
        let ws = t.ws;
        let waiting = tokio::spawn(async move { bo.get("events/get", json!({"workspace_id": ws, "after": last, "timeout": 10})).await });
        tokio::time::sleep(Duration::from_millis(200)).await;
        t.ana.add_comment(th.id.0, "wake up").await.unwrap();
        let page = waiting.await.unwrap().unwrap();
        assert_eq!(page["events"][0]["data"]["content"], "wake up");
        t.app.stop().await;
    }
}

both_backends! {
    async fn a_stream_gets_its_own_events_among_everyone_elses(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Saved", "x").await.unwrap();
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        let mut ana = t.ana.stream(t.ws, None).await.unwrap();
        // Many events addressed to Ana alone, then one to Bo alone, then more of Ana's.
        for _ in 0..20 {
            t.ana.post("threads/star", json!({"id": th.id.0})).await.unwrap();
        }
        t.bo.post("threads/star", json!({"id": th.id.0})).await.unwrap();
        for _ in 0..5 {
            t.ana.post("threads/unstar", json!({"id": th.id.0})).await.unwrap();
        }
        let bo_got = bo.drain(QUIET).await;
        let kinds: Vec<&str> = bo_got.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(kinds, ["thread_state_updated"], "{bo_got:?}");
        assert_eq!(bo_got[0].data["data"]["starred"], true);
        let ana_got = ana.drain(QUIET).await;
        assert_eq!(ana_got.len(), 25, "{ana_got:?}");
        let ids: Vec<i64> = ana_got.iter().map(|e| e.id.unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ana_got.iter().all(|e| e.event == "thread_state_updated"));

        // A shared event after a run of other people's events still arrives, once.
        t.ana.add_comment(th.id.0, "for all").await.unwrap();
        let shared = bo.next(WAIT).await.expect("comment_added arrives");
        assert_eq!(shared.data["data"]["content"], "for all");
        let rest = bo.drain(QUIET).await;
        assert!(rest.iter().all(|e| e.data["data"]["content"] != "for all"), "{rest:?}");

        // Resuming from before Bo's own event replays it exactly.
        let before = bo_got[0].id.unwrap() - 1;
        let mut again = t.bo.stream(t.ws, Some(before)).await.unwrap();
        let replay = again.drain(QUIET).await;
        assert_eq!(replay.first().map(|e| e.id.unwrap()), Some(bo_got[0].id.unwrap()), "{replay:?}");
        t.app.stop().await;
    }
}

both_backends! {
    async fn events_carry_only_what_everyone_shares_not_the_actors_own_state(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Shared", "x").await.unwrap();
        t.ana.post("threads/star", json!({"id": th.id.0})).await.unwrap();
        t.ana.post("channels/favorite", json!({"id": t.general})).await.unwrap();
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        // Ana pins her starred thread, comments (her read position moves) and renames the channel.
        t.ana.post("threads/pin", json!({"id": th.id.0})).await.unwrap();
        t.ana.add_comment(th.id.0, "a reply").await.unwrap();
        t.ana.post("channels/update", json!({"id": t.general, "name": "Everyone"})).await.unwrap();
        let got = bo.drain(QUIET).await;
        let threads: Vec<_> = got.iter().filter(|e| e.event == "thread_updated").collect();
        assert!(!threads.is_empty(), "{got:?}");
        for e in threads {
            let data = e.data["data"].as_object().unwrap();
            assert_eq!(data["id"], th.id.0);
            for own in ["starred", "is_saved", "is_archived", "muted_until_ts", "last_read_obj_index"] {
                assert!(!data.contains_key(own), "Ana's {own} reached Bo: {data:?}");
            }
        }
        let channel = got.iter().find(|e| e.event == "channel_updated").expect("channel_updated");
        assert_eq!(channel.data["data"]["name"], "Everyone");
        assert!(channel.data["data"].get("is_favorited").is_none(), "{:?}", channel.data);
        // Each still reads their own state through the API.
        let mine = t.ana.thread(th.id.0).await.unwrap();
        assert!(mine.starred);
        assert!(!t.bo.thread(th.id.0).await.unwrap().starred);
        t.app.stop().await;
    }
}
