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
    async fn a_poll_right_after_a_write_returns_it_even_before_the_feed_has_it(b: Backend) {
        // The feed reads each commit from the log a moment after the write is answered; a
        // client polling at once must still get its own write, every time.
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Quick", "x").await.unwrap().id.0;
        let mut after = 0;
        for n in 0..60 {
            let c = t.ana.add_comment(th, &format!("comment {n}")).await.unwrap();
            let page = t.ana.get("events/get", json!({"workspace_id": t.ws, "after": after, "timeout": 0})).await.unwrap();
            let ids: Vec<i64> = page["events"].as_array().unwrap().iter().filter_map(|e| e["data"]["id"].as_i64()).collect();
            assert!(ids.contains(&c.id.0), "comment {n} was answered but the poll after it missed it: {page}");
            after = page["last_seq"].as_i64().unwrap();
        }
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

both_backends! {
    async fn one_person_past_the_stream_cap_is_refused_with_the_limit_named(b: Backend) {
        let t = Team::on_with(b, |c| c.max_streams_per_user = 3).await;
        let mut open = Vec::new();
        for _ in 0..3 {
            open.push(t.bo.stream(t.ws, None).await.expect("within the cap"));
        }
        let err = t.bo.stream(t.ws, None).await.err().expect("the fourth stream is refused");
        assert_eq!(err.status, 429, "{:?}", err.body);
        assert!(err.body["error_string"].as_str().unwrap().contains("max_streams_per_user"), "{:?}", err.body);
        // A long poll counts too; someone else's streams do not.
        let poll = t.bo.get("events/get", json!({"workspace_id": t.ws, "timeout": 1})).await.expect_err("refused");
        assert_eq!(poll.status, 429);
        let mut ana = t.ana.stream(t.ws, None).await.expect("Ana has her own cap");

        // Closing one frees its place.
        drop(open.pop());
        let mut again = None;
        for _ in 0..100 {
            match t.bo.stream(t.ws, None).await {
                Ok(s) => {
                    again = Some(s);
                    break;
                }
                Err(e) => {
                    assert_eq!(e.status, 429);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        let mut again = again.expect("a place frees up once a stream is closed");
        let th = t.ana.add_thread(t.general, "Still live", "x").await.unwrap();
        assert_eq!(again.next(WAIT).await.unwrap().data["data"]["id"], th.id.0);
        assert_eq!(ana.next(WAIT).await.unwrap().data["data"]["id"], th.id.0);
        t.app.stop().await;
    }
}

both_backends! {
    async fn a_persons_streams_share_one_read_of_their_access_per_change(b: Backend) {
        let t = Team::on(b).await;
        let mut streams = Vec::new();
        for _ in 0..20 {
            streams.push(t.bo.stream(t.ws, None).await.unwrap());
        }
        let reads_before = t.app.node().streams.access_reads();
        t.ana.post("channels/add_users", json!({"id": t.private, "user_ids": [t.bo_id]})).await.unwrap();
        let th = t.ana.add_thread(t.private, "Now Bo sees this", "x").await.unwrap();
        for s in &mut streams {
            let got = s.drain(QUIET).await;
            assert!(got.iter().any(|e| e.event == "thread_added" && e.data["data"]["id"] == th.id.0), "{got:?}");
        }
        // One change of access, read once for all twenty streams (it was once per stream).
        let reads = t.app.node().streams.access_reads() - reads_before;
        assert_eq!(reads, 1, "access reads for 20 streams and one membership change");
        t.app.stop().await;
    }
}

both_backends! {
    async fn a_stream_ends_when_its_sign_in_ends_and_only_then(b: Backend) {
        let t = Team::on(b).await;
        let bo_phone = t.app.session(t.bo_id).await;
        let mut by_token = t.bo.stream(t.ws, None).await.unwrap();
        let mut on_phone = bo_phone.stream(t.ws, None).await.unwrap();
        let mut anas = t.ana.stream(t.ws, None).await.unwrap();

        // Signing out one session ends its stream only.
        t.bo.post("users/logout", json!({})).await.unwrap();
        assert!(by_token.closed(WAIT).await, "the signed-out token's stream ends");
        let th = t.ana.add_thread(t.general, "After logout", "x").await.unwrap();
        assert_eq!(on_phone.next(WAIT).await.unwrap().data["data"]["id"], th.id.0);
        assert_eq!(anas.next(WAIT).await.unwrap().data["data"]["id"], th.id.0);

        // A long poll waiting on the phone's token ends when the password changes, which
        // signs out every session; the phone's stream ends with it.
        let phone = bo_phone.clone();
        let ws = t.ws;
        let waiting = tokio::spawn(async move { phone.get("events/get", json!({"workspace_id": ws, "timeout": 50})).await });
        let bo = weft_core::UserId(t.bo_id);
        tokio::time::timeout(WAIT, async {
            while t.app.node().streams.open_of(bo) < 2 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("the long poll is waiting");
        bo_phone
            .post("users/update_password", json!({"current_password": "password-Bo", "new_password": "a much newer secret"}))
            .await
            .unwrap();
        assert!(on_phone.closed(WAIT).await, "the stream ends when the password changes");
        let poll = tokio::time::timeout(WAIT, waiting).await.expect("the long poll ends").unwrap();
        assert_eq!(poll.expect_err("answered as signed out").status, 403);

        // Ana's stream is unaffected.
        let th = t.ana.add_thread(t.general, "Still here", "x").await.unwrap();
        let got = anas.drain(QUIET).await;
        assert!(got.iter().any(|e| e.event == "thread_added" && e.data["data"]["id"] == th.id.0), "{got:?}");
        t.app.stop().await;
    }
}

#[tokio::test]
async fn a_stream_on_another_node_ends_within_the_token_cache_window() {
    if postgres_url().is_none() {
        return;
    }
    let t = Team::on(Backend::Postgres).await;
    let node2 = t.app.second_node().await;
    let bo_on_2 = weft_client::Client::new(&format!("http://{}", node2.addr)).with_token(t.bo.token().unwrap());
    let mut s = bo_on_2.stream(t.ws, None).await.unwrap();
    t.bo.post("users/logout", json!({})).await.unwrap();
    let window = Duration::from_millis(weft::api::TOKEN_CACHE_MS as u64) + WAIT;
    assert!(s.closed(window).await, "node 2 ends the stream of a token signed out on node 1");
    node2.stop().await;
    t.app.stop().await;
}

both_backends! {
    async fn the_feed_keeps_to_its_byte_budget_and_resuming_past_it_misses_nothing(b: Backend) {
        let budget = 24 * 1024;
        let t = Team::on_with(b, |c| c.event_feed_bytes = budget).await;
        let th = t.ana.add_thread(t.general, "Big", "x").await.unwrap();
        let elsewhere = t.oz.get("channels/get", json!({"workspace_id": t.other_ws})).await.unwrap()[0]["id"].as_i64().unwrap();
        let mut live = t.bo.stream(t.ws, None).await.unwrap();
        let resume_from = t.bo.get("events/get", json!({"workspace_id": t.ws, "timeout": 0})).await.unwrap()["last_seq"]
            .as_i64()
            .unwrap();
        let big = "b".repeat(8 * 1024);
        let mut sent = Vec::new();
        for i in 0..10 {
            // Other workspaces' events in between are skipped over, not sent.
            t.oz.add_thread(elsewhere, "elsewhere", "x").await.unwrap();
            sent.push(t.ana.add_comment(th.id.0, &format!("{i} {big}")).await.unwrap().id.0);
        }
        let (_, bytes) = t.app.node().feed.held();
        assert!(bytes <= budget, "the feed holds {bytes} bytes, more than its budget of {budget}");
        // Live: every comment once, in order.
        let got: Vec<i64> =
            live.drain(QUIET).await.iter().filter(|e| e.event == "comment_added").map(|e| e.data["data"]["id"].as_i64().unwrap()).collect();
        assert_eq!(got, sent);
        // Resuming from before them reads the log: every comment once, in order.
        let mut resumed = t.bo.stream(t.ws, Some(resume_from)).await.unwrap();
        let replayed = resumed.drain(QUIET).await;
        assert!(replayed.iter().all(|e| e.data["workspace_id"] == t.ws), "{replayed:?}");
        let got: Vec<i64> =
            replayed.iter().filter(|e| e.event == "comment_added").map(|e| e.data["data"]["id"].as_i64().unwrap()).collect();
        assert_eq!(got, sent);
        let page = t.bo.get("events/get", json!({"workspace_id": t.ws, "after": resume_from, "timeout": 0})).await.unwrap();
        let got: Vec<i64> = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "comment_added")
            .map(|e| e["data"]["id"].as_i64().unwrap())
            .collect();
        assert_eq!(got, sent);
        t.app.stop().await;
    }
}

both_backends! {
    async fn a_quiet_server_keeps_only_its_newest_events_in_memory_and_resuming_misses_nothing(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Quiet", "x").await.unwrap();
        let mut live = t.bo.stream(t.ws, None).await.unwrap();
        let resume_from = t.bo.get("events/get", json!({"workspace_id": t.ws, "timeout": 0})).await.unwrap()["last_seq"]
            .as_i64()
            .unwrap();
        let mut sent = Vec::new();
        for i in 0..8 {
            sent.push(t.ana.add_comment(th.id.0, &format!("before the quiet {i}")).await.unwrap().id.0);
        }
        let comments = |events: &[weft_client::SseEvent]| -> Vec<i64> {
            events.iter().filter(|e| e.event == "comment_added").map(|e| e.data["data"]["id"].as_i64().unwrap()).collect()
        };
        assert_eq!(comments(&live.drain(QUIET).await), sent);
        // What the memory trimmer does once the server is quiet.
        t.app.node().feed.keep_newest(3);
        assert_eq!(t.app.node().feed.held().0, 3);
        // The open stream goes on from where it was.
        sent.push(t.ana.add_comment(th.id.0, "after the quiet").await.unwrap().id.0);
        assert_eq!(comments(&live.drain(QUIET).await), sent[8..]);
        // Resuming from before what memory still holds reads the log: every comment once, in order.
        let mut resumed = t.bo.stream(t.ws, Some(resume_from)).await.unwrap();
        assert_eq!(comments(&resumed.drain(QUIET).await), sent);
        t.app.stop().await;
    }
}
