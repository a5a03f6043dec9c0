//! Data that should be gone is gone: deleted and replaced text leaves the event log (in the
//! database and in the stream's memory) and search; a deleted workspace takes its log; no
//! stored answer keeps a token; expiring rows are pruned by the retention worker.

use crate::helpers::*;
use serde_json::json;
use weft::Worker;
use weft_core::WorkspaceId;

/// Every event of the workspace Ana can replay from the start, as the API sends them.
async fn replay(t: &Team) -> String {
    let page = t.ana.get("events/get", json!({"workspace_id": t.ws, "after": 0, "timeout": 0, "limit": 1000})).await;
    page.unwrap()["events"].to_string()
}

/// The whole log as stored, every workspace.
async fn stored_log(t: &Team) -> String {
    let events = t.app.node().store.read(|tx| tx.events_after(0, 100_000)).await.unwrap();
    serde_json::to_string(&events).unwrap()
}

async fn found(t: &Team, word: &str) -> usize {
    let page = t.ana.get("search", json!({"workspace_id": t.ws, "query": word})).await.unwrap();
    page["items"].as_array().unwrap().len()
}

both_backends! {
    async fn deleted_and_replaced_text_is_not_replayed_or_found(b: Backend) {
        let t = Team::on(b).await;
        // A thread with replies, then deleted.
        let gone = t.ana.add_thread(t.general, "Aardvark plans", "aardvark budget").await.unwrap().id.0;
        t.bo.add_comment(gone, "bison reply").await.unwrap();
        // A comment edited, another deleted, in a thread that stays.
        let kept = t.ana.add_thread(t.general, "Kept", "emu body").await.unwrap().id.0;
        let edited = t.bo.add_comment(kept, "camel draft").await.unwrap().id.0;
        t.bo.post("comments/update", json!({"id": edited, "content": "dingo final"})).await.unwrap();
        let removed = t.bo.add_comment(kept, "kiwi oops").await.unwrap().id.0;
        t.bo.post("comments/remove", json!({"id": removed})).await.unwrap();
        // The thread itself edited (its snippet quoted the deleted comment until then).
        t.ana.post("threads/update", json!({"id": kept, "title": "Kept", "content": "ferret body"})).await.unwrap();
        // Direct messages: one edited, one deleted.
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": id(&conv), "content": "gecko typo"})).await.unwrap();
        t.ana.post("conversation_messages/update", json!({"id": id(&m), "content": "heron fixed"})).await.unwrap();
        let m2 = t.ana.post("conversation_messages/add", json!({"conversation_id": id(&conv), "content": "ibis secret"})).await.unwrap();
        t.ana.post("conversations/update", json!({"id": id(&conv), "title": "Pair"})).await.unwrap();
        t.ana.post("conversation_messages/remove", json!({"id": id(&m2)})).await.unwrap();
        t.ana.post("threads/remove", json!({"id": gone})).await.unwrap();

        // From the stream's memory (a fresh server's feed covers the whole log) and from the
        // database: neither has the old words; the current ones are replayed.
        for (place, log) in [("the stream", replay(&t).await), ("the database", stored_log(&t).await)] {
            for word in ["aardvark", "bison", "camel", "kiwi", "emu", "gecko", "ibis"] {
                assert!(!log.contains(word), "{place} still holds {word:?}: {log}");
            }
            for word in ["dingo final", "ferret body", "heron fixed"] {
                assert!(log.contains(word), "{place} lost the current text {word:?}");
            }
            assert!(log.contains("\"redacted\":true"), "redacted events say so");
        }
        // The events themselves stay: a resuming client skips nothing.
        let events = t.ana.get("events/get", json!({"workspace_id": t.ws, "after": 0, "timeout": 0, "limit": 1000})).await.unwrap();
        let kinds: Vec<&str> = events["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "thread_added").count(), 2);
        // A server started afresh replays from the database alone.
        for word in ["aardvark", "bison", "camel", "kiwi"] {
            assert_eq!(found(&t, word).await, 0, "search still finds {word:?}");
        }
        assert_eq!(found(&t, "dingo").await, 1);
        t.app.stop().await;
    }
}

both_backends! {
    async fn a_deleted_workspace_takes_its_event_log_but_the_news_of_it(b: Backend) {
        let t = Team::on(b).await;
        let other = t.other_ws;
        let ch = t.oz.get("channels/get", json!({"workspace_id": other})).await.unwrap()[0]["id"].as_i64().unwrap();
        t.oz.add_thread(ch, "Jaguar", "jaguar notes").await.unwrap();
        t.ana.add_thread(t.general, "Stays", "llama notes").await.unwrap();
        t.oz.post("workspaces/remove", json!({"id": other, "current_password": "password-Oz"})).await.unwrap();

        let events = t.app.node().store.read(|tx| tx.events_after(0, 100_000)).await.unwrap();
        let left: Vec<&str> =
            events.iter().filter(|e| e.workspace_id == WorkspaceId(other)).map(|e| e.kind.as_str()).collect();
        assert_eq!(left, ["workspace_deleted"]);
        assert!(events.iter().any(|e| e.workspace_id == WorkspaceId(t.ws) && e.data["content"] == "llama notes"));
        t.app.stop().await;
    }
}

both_backends! {
    async fn an_answer_with_a_token_is_not_stored_and_a_retry_is_refused_for_the_old_token(b: Backend) {
        let t = Team::on(b).await;
        let http = t.bo.http();
        let rotate = || {
            http.post(t.bo.url("users/invalidate_token")).header("Idempotency-Key", "rotate-1").json(&json!({}))
        };
        let (status, fresh) = t.bo.send(rotate()).await.unwrap();
        assert_eq!(status, 200);
        let token = fresh["token"].as_str().unwrap().to_string();
        let stored: Vec<(i64, String)> = stored_answers(&t).await;
        assert!(stored.iter().all(|(_, answer)| !answer.contains(&token)), "the new token was stored: {stored:?}");
        // The retry carries the old token, which is gone: signed out, not a second rotation.
        let (status, body) = t.bo.send(rotate()).await.unwrap();
        assert_eq!((status, body["error_string"].as_str()), (403, Some("Invalid token")), "{body}");
        // Other writes keep their answers for retries.
        let th = t.bo.with_token(&token);
        let key = |c: &weft_client::Client| {
            c.http()
                .post(c.url("threads/add"))
                .header("Idempotency-Key", "t-1")
                .json(&json!({"channel_id": t.general, "title": "Once", "content": "x"}))
        };
        let (_, first) = th.send(key(&th)).await.unwrap();
        let (_, again) = th.send(key(&th)).await.unwrap();
        assert_eq!(first, again);
        assert_eq!(stored_answers(&t).await.len(), 1);
        t.app.stop().await;
    }
}

/// Every stored idempotent answer: (user, answer).
async fn stored_answers(t: &Team) -> Vec<(i64, String)> {
    let store = t.app.node().store.clone();
    let mut out = Vec::new();
    for user in [t.ana_id, t.bo_id, t.gus_id, t.oz_id] {
        let (u, key1, key2) = (weft_core::UserId(user), "users/invalidate_token\nkey:rotate-1", "threads/add\nkey:t-1");
        let answers = store
            .read(move |tx| Ok([tx.idempotent_response(u, key1)?, tx.idempotent_response(u, key2)?]))
            .await
            .unwrap();
        out.extend(answers.into_iter().flatten().map(|a| (user, a.to_string())));
    }
    out
}

both_backends! {
    async fn the_retention_worker_prunes_what_expired_in_batches_and_keeps_the_rest(b: Backend) {
        let t = Team::on_with(b, |c| {
            c.retention.batch = 2;
        })
        .await;
        let r = t.app.node().config.retention;
        let post = |n: i64| {
            t.ana
                .http()
                .post(t.ana.url("threads/add"))
                .header("Idempotency-Key", format!("k{n}"))
                .json(&json!({"channel_id": t.general, "title": format!("T{n}"), "content": "x", "recipients": [t.bo_id]}))
        };
        for n in 0..5 {
            t.ana.send(post(n)).await.unwrap();
        }
        let notifications = || async { t.bo.get("notifications/get", json!({})).await.unwrap()["notifications"].as_array().unwrap().len() };
        assert_eq!(notifications().await, 6, "added to the workspace, then five threads");
        // Nothing has expired yet.
        assert_eq!(t.app.node().workers().step(Worker::Retention).await.unwrap(), 0);
        // Past the idempotency keys' time: a retry is a new write.
        t.app.clock.advance_secs(r.idempotency_keys + 1);
        assert_eq!(t.app.node().workers().step(Worker::Retention).await.unwrap(), 5, "five keys, in batches of two");
        let (_, again) = t.ana.send(post(0)).await.unwrap();
        assert_eq!(again["title"], "T0");
        let threads = t.ana.get("threads/get", json!({"channel_id": t.general})).await.unwrap();
        assert_eq!(threads.as_array().unwrap().len(), 6, "the retry made a new thread once its key expired");
        // Past the notifications' time: the old ones go, the newer one stays.
        assert_eq!(notifications().await, 7);
        t.app.clock.advance_secs(r.notifications);
        t.app.node().workers().step(Worker::Retention).await.unwrap();
        assert_eq!(notifications().await, 1);
        t.app.stop().await;
    }

    async fn away_replies_are_remembered_for_their_retention_then_given_once_more(b: Backend) {
        let t = Team::on(b).await;
        let r = t.app.node().config.retention;
        let away = json!({"type": "parental", "date_to": "2027-12-31", "note": "Parental leave"});
        t.bo.post("users/update", json!({"away_mode": away})).await.unwrap();
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Q1", "content": "x", "recipients": [t.bo_id]})).await.unwrap();
        assert_eq!(th["away"].as_array().unwrap().len(), 1);
        let again = || t.ana.post("comments/add", json!({"thread_id": th["id"], "content": "y", "recipients": [t.bo_id]}));
        assert_eq!(again().await.unwrap()["away"], json!([]), "once per thread and period");
        // Still remembered a moment before its time; forgotten after it: one more reply.
        t.app.clock.advance_secs(r.away_replies - 60);
        t.app.node().workers().step(Worker::Retention).await.unwrap();
        assert_eq!(again().await.unwrap()["away"], json!([]));
        t.app.clock.advance_secs(120);
        assert!(t.app.node().workers().step(Worker::Retention).await.unwrap() >= 1);
        assert_eq!(again().await.unwrap()["away"].as_array().unwrap().len(), 1);
        t.app.stop().await;
    }

    async fn the_retention_worker_prunes_sent_and_parked_mail(b: Backend) {
        let sink = crate::smtp::SmtpSink::start().await;
        let url = sink.url();
        let t = Team::on_with(b, move |c| {
            c.retention.batch = 2;
            c.smtp_url = Some(url);
            c.mail_from = Some("Weft <weft@acme.test>".into());
        })
        .await;
        let r = t.app.node().config.retention;
        let status = || async {
            let store = t.app.node().store.clone();
            let s = store.read(|tx| tx.mail_status(0)).await.unwrap();
            (s.sent, s.parked)
        };
        let (ana, general, bo) = (t.ana.clone(), t.general, t.bo_id);
        let thread_for_bo = |title: &'static str| {
            let ana = ana.clone();
            async move {
                ana.post("threads/add", json!({"channel_id": general, "title": title, "content": "x", "recipients": [bo]}))
                    .await
                    .unwrap();
            }
        };
        t.app.step_workers().await; // the team's invitations go out
        let (invitations, _) = status().await;
        for title in ["One", "Two", "Three"] {
            thread_for_bo(title).await;
        }
        t.app.step_workers().await;
        assert_eq!(status().await, (invitations + 3, 0));
        // Bo's address is refused for good from now on: the next emails are parked.
        sink.set_mode(crate::smtp::Mode::RejectRecipients);
        t.app.clock.advance_secs(3600);
        for title in ["Four", "Five", "Six"] {
            thread_for_bo(title).await;
        }
        t.app.step_workers().await;
        assert_eq!(status().await, (invitations + 3, 3));
        // A day on, sent email goes (in batches of two); parked email stays for an admin.
        t.app.clock.advance_secs(r.sent_mail - 3600 + 1);
        t.app.node().workers().step(Worker::Retention).await.unwrap();
        assert_eq!(status().await, (0, 3));
        // Parked email goes once its own time has passed since it was made (an hour after
        // the sent ones), in batches of two too.
        t.app.clock.advance_secs(r.parked_mail - r.sent_mail - 1);
        t.app.node().workers().step(Worker::Retention).await.unwrap();
        assert_eq!(status().await, (0, 3), "not yet");
        t.app.clock.advance_secs(3601);
        t.app.node().workers().step(Worker::Retention).await.unwrap();
        assert_eq!(status().await, (0, 0));
        t.app.stop().await;
    }
}
