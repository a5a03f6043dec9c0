//! The fan-out after commit: a post's people are told after it committed, each once, in
//! slices, and only those who can still see it.

use crate::helpers::*;
use serde_json::{Value, json};
use weft::Worker;
use weft_client::Client;

/// What `c` has been told: notifications, and the threads of their inbox (titles).
async fn told(c: &Client, ws: i64) -> (usize, Vec<String>) {
    let notes = c.get("notifications/get", json!({"limit": 200})).await.unwrap();
    let inbox: Value = c.get("inbox/get", json!({"workspace_id": ws})).await.unwrap();
    let titles = inbox.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect();
    (notes["notifications"].as_array().unwrap().len(), titles)
}

both_backends! {
    async fn a_post_reaches_its_people_in_slices_each_once(b: Backend) {
        let t = Team::on_with(b, |c| {
            c.hold_fanout = true;
            c.fanout_slice = Some(1);
        })
        .await;
        let ch = t.ana.add_channel(t.ws, "all", false, &[t.bo_id, t.gus_id]).await.unwrap();
        let before = (told(&t.bo, t.ws).await, told(&t.gus, t.ws).await);
        let body = json!({"channel_id": ch.id.0, "title": "Everyone", "content": "x", "groups": [1]});
        let thread = t.ana.post("threads/add", body).await.unwrap();
        assert_eq!(thread["title"], "Everyone", "the author's answer is the post");
        // Committed; its people not told yet.
        assert_eq!((told(&t.bo, t.ws).await, told(&t.gus, t.ws).await), before);

        let jobs = t.app.node().workers().step(Worker::Fanout).await.unwrap();
        assert!(jobs >= 2, "two people, one per transaction: {jobs} jobs");
        let now = (told(&t.bo, t.ws).await, told(&t.gus, t.ws).await);
        for (who, (notes, inbox), (notes_before, _)) in [("Bo", now.0, before.0.clone()), ("Gus", now.1, before.1.clone())] {
            assert_eq!(notes, notes_before + 1, "{who} is told once");
            assert_eq!(inbox, ["Everyone"], "{who}'s inbox");
        }
        // Run again: nothing is done twice.
        assert_eq!(t.app.node().workers().step(Worker::Fanout).await.unwrap(), 0);
        assert_eq!(told(&t.bo, t.ws).await.0, before.0.0 + 1);
        t.app.stop().await;
    }

    async fn who_may_hear_of_a_post_is_looked_up_for_the_people_it_names(b: Backend) {
        // A public channel Ana alone is in: Bo (a member of the workspace) sees it without
        // joining, Gus (a guest) does not; nobody outside #private sees what is posted there.
        let t = Team::on(b).await;
        let open = t.ana.add_channel(t.ws, "open", true, &[]).await.unwrap();
        let post = |ch: i64, title: &str| json!({"channel_id": ch, "title": title, "content": "x", "recipients": [t.bo_id, t.gus_id]});
        t.ana.post("threads/add", post(open.id.0, "Open")).await.unwrap();
        t.ana.post("threads/add", post(t.private, "Closed")).await.unwrap();
        assert_eq!(told(&t.bo, t.ws).await.1, ["Open"], "Bo: the public channel's thread only");
        assert!(told(&t.gus, t.ws).await.1.is_empty(), "Gus, a guest, sees neither channel");
        t.app.stop().await;
    }

    async fn a_fan_out_job_costs_the_same_statements_for_3_posts_as_for_30(b: Backend) {
        // Comments in three threads of two channels, to Bo and Gus (Bo muted one thread, Gus
        // chose a level in one channel; Gus, a guest, cannot see #general): what a job reads about them is read once for all
        // its posts, so its statements do not grow with the number of posts.
        let t = Team::on_with(b, |c| c.hold_fanout = true).await;
        let store = t.app.server.as_ref().unwrap().app.store.clone();
        let notes_before = told(&t.bo, t.ws).await.0;
        let other = t.ana.add_channel(t.ws, "other", true, &[t.bo_id, t.gus_id]).await.unwrap();
        let mut threads = Vec::new();
        for (ch, title) in [(t.general, "A"), (t.general, "B"), (other.id.0, "C")] {
            let body = json!({"channel_id": ch, "title": title, "content": "x", "recipients": [t.bo_id, t.gus_id]});
            threads.push(t.ana.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap());
        }
        t.bo.post("threads/mute", json!({"id": threads[0], "minutes": 60})).await.unwrap();
        t.gus.post("channels/set_notifications", json!({"id": other.id.0, "level": "direct"})).await.unwrap();
        t.app.node().workers().step(Worker::Fanout).await.unwrap();
        let mut cost = Vec::new();
        for posts in [3, 30] {
            for k in 0..posts {
                let body = json!({"thread_id": threads[k % 3], "content": format!("c{k}"), "recipients": [t.bo_id, t.gus_id]});
                t.ana.post("comments/add", body).await.unwrap();
            }
            let before = store.statements();
            let jobs = t.app.node().workers().step(Worker::Fanout).await.unwrap();
            cost.push((jobs, store.statements() - before));
        }
        // The scheduler's background reads count too: a few statements of slack, far below
        // the 27 more that one read per post would cost.
        let [(jobs3, few), (jobs30, many)] = cost[..] else { unreachable!() };
        assert!(jobs3 == jobs30 && many <= few + 3, "(jobs, statements) for 3 posts, then 30: {cost:?}");
        assert_eq!(told(&t.bo, t.ws).await.0 - notes_before, 3 + 33, "Bo: a notification per post");
        t.app.stop().await;
    }

    async fn nobody_hears_of_a_post_they_lost_sight_of_before_its_fan_out(b: Backend) {
        let t = Team::on_with(b, |c| c.hold_fanout = true).await;
        let ch = t.ana.add_channel(t.ws, "plans", false, &[t.bo_id, t.gus_id]).await.unwrap();
        let post = |title: &str| json!({"channel_id": ch.id.0, "title": title, "content": "x", "recipients": [t.bo_id, t.gus_id]});
        t.ana.post("threads/add", post("Secret")).await.unwrap();
        // Gus leaves the channel after the post committed, before its fan-out.
        t.ana.post("channels/remove_user", json!({"id": ch.id.0, "user_id": t.gus_id})).await.unwrap();
        t.app.node().workers().step(Worker::Fanout).await.unwrap();
        assert_eq!(told(&t.bo, t.ws).await.1, ["Secret"], "Bo still sees it");
        let (_, gus_inbox) = told(&t.gus, t.ws).await;
        assert!(gus_inbox.is_empty(), "Gus no longer sees the channel: {gus_inbox:?}");
        let notes = t.gus.get("notifications/get", json!({})).await.unwrap();
        let about: Vec<&Value> = notes["notifications"].as_array().unwrap().iter().filter(|n| !n["thread_id"].is_null()).collect();
        assert!(about.is_empty(), "no notification about the thread: {about:?}");
        t.app.stop().await;
    }

    async fn a_reader_finds_the_post_the_moment_it_was_acknowledged(b: Backend) {
        // The fan-out follows the log by itself; a read of derived state waits for it.
        let t = Team::on(b).await;
        for n in 0..20 {
            let body = json!({"channel_id": t.general, "title": format!("T{n}"), "content": "x", "recipients": [t.bo_id]});
            t.ana.post("threads/add", body).await.unwrap();
            let (_, inbox) = told(&t.bo, t.ws).await;
            assert_eq!(inbox.first().map(String::as_str), Some(format!("T{n}").as_str()));
        }
        t.app.stop().await;
    }
}

/// Two nodes follow the same log: each post is fanned out once, whichever node does it.
#[tokio::test]
async fn two_nodes_fan_out_each_post_once() {
    if postgres_url().is_none() {
        return;
    }
    let t = Team::on(Backend::Postgres).await;
    let node2 = t.app.second_node().await;
    let ana2 = Client::new(&format!("http://{}", node2.addr)).with_token(t.ana.token().unwrap());
    for n in 0..30 {
        let (c, title) = if n % 2 == 0 { (&t.ana, format!("A{n}")) } else { (&ana2, format!("B{n}")) };
        let body = json!({"channel_id": t.general, "title": title, "content": "x", "recipients": [t.bo_id]});
        c.post("threads/add", body).await.unwrap();
    }
    node2.app.fanned_out().await;
    let (notes, inbox) = told(&t.bo, t.ws).await;
    assert_eq!(inbox.len(), 30, "every thread in Bo's inbox once");
    let about_threads = t.bo.get("notifications/get", json!({"limit": 200})).await.unwrap()["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| !n["thread_id"].is_null())
        .count();
    assert_eq!(about_threads, 30, "one notification per thread ({notes} in all)");
    node2.stop().await;
    t.app.stop().await;
}

both_backends! {
    async fn the_unread_list_follows_comments_and_read_positions(b: Backend) {
        // The list reads only inbox rows flagged as maybe unread: the flag must follow every
        // way a thread becomes unread or read.
        let t = Team::on(b).await;
        let unread = |c: Client| {
            let ws = t.ws;
            async move {
                let list = c.get("threads/get_unread", json!({"workspace_id": ws})).await.unwrap();
                list.as_array().unwrap().iter().map(|u| u["thread_id"].as_i64().unwrap()).collect::<Vec<_>>()
            }
        };
        let body = json!({"channel_id": t.general, "title": "Plan", "content": "x", "recipients": [t.bo_id]});
        let th = t.ana.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap();
        assert_eq!(unread(t.bo.clone()).await, [th], "a new thread for Bo");
        assert!(unread(t.ana.clone()).await.is_empty(), "Ana wrote it");
        t.bo.post("threads/mark_read", json!({"id": th, "obj_index": -1})).await.unwrap();
        assert!(unread(t.bo.clone()).await.is_empty(), "read");
        // A comment that notifies nobody still makes the thread unread in Bo's inbox.
        t.ana.post("comments/add", json!({"thread_id": th, "content": "quiet", "recipients": []})).await.unwrap();
        assert_eq!(unread(t.bo.clone()).await, [th], "a comment since he read it");
        assert!(unread(t.ana.clone()).await.is_empty(), "her own comment");
        t.bo.post("threads/mark_read", json!({"id": th, "obj_index": 0})).await.unwrap();
        assert!(unread(t.bo.clone()).await.is_empty());
        t.bo.post("threads/mark_unread", json!({"id": th, "obj_index": 0})).await.unwrap();
        assert_eq!(unread(t.bo.clone()).await, [th], "marked unread");
        t.bo.post("threads/mark_read", json!({"id": th, "obj_index": 0})).await.unwrap();
        t.ana.post("threads/mark_unread_for_others", json!({"id": th, "obj_index": 0})).await.unwrap();
        assert_eq!(unread(t.bo.clone()).await, [th], "marked unread for others");
        t.bo.post("threads/mark_all_read", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(unread(t.bo.clone()).await.is_empty(), "all read");
        t.app.stop().await;
    }

    async fn the_unread_marker_is_exact_when_a_reader_is_faster_than_the_fan_out(b: Backend) {
        // The unread list and count read the inbox row's own marker and read position, and
        // nothing else: the marker must be right even when its person read the thread
        // between a comment's commit and its fan-out, and the list must follow the thread
        // to a channel its person cannot see.
        let t = Team::on_with(b, |c| c.hold_fanout = true).await;
        let fan_out = || async { t.app.node().workers().step(Worker::Fanout).await.unwrap() };
        let unread = |c: Client| {
            let ws = t.ws;
            async move {
                let list: Value = c.get("threads/get_unread", json!({"workspace_id": ws})).await.unwrap();
                let count = c.get("inbox/get_count", json!({"workspace_id": ws})).await.unwrap()["data"].as_i64().unwrap();
                let list = list.as_array().unwrap().iter().map(|u| (u["thread_id"].as_i64().unwrap(), u["obj_index"].as_i64().unwrap())).collect::<Vec<_>>();
                (list, count)
            }
        };
        let body = json!({"channel_id": t.general, "title": "Plan", "content": "x", "recipients": [t.bo_id]});
        let th = t.ana.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap();
        fan_out().await;
        assert_eq!(unread(t.bo.clone()).await, (vec![(th, -2)], 1), "new for Bo, who never opened it");
        // Ana comments, once without notifying Bo and once to him; each time Bo reads it
        // before its fan-out, which must not make it unread again (nor, the second time,
        // bringing it back to his inbox).
        for (obj_index, recipients) in [(0, json!([])), (1, json!([t.bo_id]))] {
            t.ana.post("comments/add", json!({"thread_id": th, "content": "c", "recipients": recipients})).await.unwrap();
            t.bo.post("threads/mark_read", json!({"id": th, "obj_index": obj_index})).await.unwrap();
            fan_out().await;
            assert_eq!(unread(t.bo.clone()).await, (vec![], 0), "read before the fan-out of comment {obj_index}");
        }
        // The next comment makes it unread from where he was.
        t.ana.post("comments/add", json!({"thread_id": th, "content": "two", "recipients": [t.bo_id]})).await.unwrap();
        fan_out().await;
        assert_eq!(unread(t.bo.clone()).await, (vec![(th, 1)], 1), "unread from comment 2 on");
        // Moved to a private channel Bo is not in: gone from his list and count.
        let secret = t.ana.add_channel(t.ws, "secret", false, &[]).await.unwrap();
        t.ana.post("threads/move_to_channel", json!({"id": th, "to_channel": secret.id.0})).await.unwrap();
        fan_out().await;
        assert_eq!(unread(t.bo.clone()).await, (vec![], 0), "not visible to Bo any more");
        t.ana.post("threads/move_to_channel", json!({"id": th, "to_channel": t.general})).await.unwrap();
        fan_out().await;
        assert_eq!(unread(t.bo.clone()).await, (vec![(th, 1)], 1), "back in view, still unread");
        // A thread reaches Gus's inbox for the first time with a comment he read before
        // its fan-out: his new inbox row starts from his read position, not unread.
        let plans = t.ana.add_channel(t.ws, "plans", false, &[t.bo_id, t.gus_id]).await.unwrap();
        let body = json!({"channel_id": plans.id.0, "title": "Q3", "content": "x", "recipients": []});
        let q3 = t.ana.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap();
        fan_out().await;
        t.ana.post("comments/add", json!({"thread_id": q3, "content": "Gus?", "recipients": [t.gus_id]})).await.unwrap();
        t.gus.post("threads/mark_read", json!({"id": q3, "obj_index": 0})).await.unwrap();
        fan_out().await;
        assert_eq!(unread(t.gus.clone()).await, (vec![], 0), "Gus read it before it reached his inbox");
        assert_eq!(told(&t.gus, t.ws).await.1, ["Q3"], "in his inbox all the same");
        // An urgent comment reaches its people in its own transaction, without a fan-out:
        // it makes a thread Bo had read unread all the same.
        let body = json!({"workspace_id": t.ws, "name": "incidents", "public": true, "emergency": true, "user_ids": [t.bo_id]});
        let incidents = t.ana.post("channels/add", body).await.unwrap()["id"].as_i64().unwrap();
        let body = json!({"channel_id": incidents, "title": "DB down", "content": "x", "recipients": [t.bo_id], "urgent": true});
        let urgent = t.ana.post("threads/add", body).await.unwrap()["id"].as_i64().unwrap();
        t.bo.post("threads/mark_read", json!({"id": urgent, "obj_index": -1})).await.unwrap();
        t.bo.post("threads/mark_read", json!({"id": th, "obj_index": 2})).await.unwrap();
        let body = json!({"thread_id": urgent, "content": "still down", "recipients": [], "urgent": true});
        t.ana.post("comments/add", body).await.unwrap();
        assert_eq!(unread(t.bo.clone()).await, (vec![(urgent, -1)], 1), "an urgent comment, unread");
        t.app.stop().await;
    }
}
