//! Sharing checks: who can see a channel, thread or conversation and why not
//! (`access/check`), and posts that say whom they named but could not notify.

use crate::helpers::*;
use serde_json::{Value, json};

fn cannot(user: i64, reason: &str) -> Value {
    json!({"user_id": user, "reason": reason})
}

both_backends! {
    async fn access_check_says_who_cannot_see_and_why(b: Backend) {
        let t = Team::on(b).await;
        let (_, cy) = t.app.user("Cy").await;
        let cy = cy.id.0;
        t.app.join(&t.ana, t.ws, cy, "USER").await;
        t.ana.post("workspace_users/deactivate", json!({"id": t.ws, "user_id": cy})).await.unwrap();
        let dee = t.ana.post("workspace_users/add", json!({"id": t.ws, "email": "dee@example.test", "name": "Dee"})).await.unwrap();
        let dee = dee["id"].as_i64().unwrap();
        let (_, ed) = t.app.user("Ed").await;
        let ed = ed.id.0;
        t.app.join(&t.ana, t.ws, ed, "USER").await;
        t.ana.post("workspace_users/remove", json!({"id": t.ws, "user_id": ed})).await.unwrap();
        let everyone = json!([t.ana_id, t.bo_id, t.gus_id, ed, dee, cy]);

        let private = t.ana.get("access/check", json!({"channel_id": t.private, "user_ids": everyone})).await.unwrap();
        assert_eq!(
            private,
            json!({"can_see": [t.ana_id], "cannot_see": [
                cannot(t.bo_id, "not_in_private_channel"), cannot(t.gus_id, "not_in_private_channel"),
                cannot(ed, "not_in_workspace"), cannot(dee, "invited"), cannot(cy, "deactivated")]})
        );
        // Like a post's recipients, someone who never joined the workspace is not found,
        // whether or not they have an account.
        for stranger in [t.oz_id, 999_999] {
            let asked = json!({"channel_id": t.general, "user_ids": [t.bo_id, stranger]});
            assert_eq!(t.ana.get("access/check", asked).await.unwrap_err().status, 404);
        }
        // A public channel: every active member but the guest, who sees only their channels.
        let general = json!({"channel_id": t.general, "user_ids": [t.bo_id, t.gus_id, t.bo_id]});
        let answer = t.bo.get("access/check", general).await.unwrap();
        assert_eq!(answer, json!({"can_see": [t.bo_id], "cannot_see": [cannot(t.gus_id, "guest_not_in_channel")]}));
        // A thread is seen as its channel is; the guest sees the threads of his channel.
        let th = t.ana.post("threads/add", json!({"channel_id": t.guests, "title": "Hi", "content": "x"})).await.unwrap();
        let answer = t.gus.get("access/check", json!({"thread_id": th["id"], "user_ids": [t.ana_id, t.bo_id]})).await.unwrap();
        assert_eq!(answer, json!({"can_see": [t.ana_id], "cannot_see": [cannot(t.bo_id, "not_in_private_channel")]}));
        // A conversation: its members only.
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let answer = t.bo.get("access/check", json!({"conversation_id": conv["id"], "user_ids": [t.ana_id, t.gus_id]})).await.unwrap();
        assert_eq!(answer, json!({"can_see": [t.ana_id], "cannot_see": [cannot(t.gus_id, "not_in_conversation")]}));

        // Nobody learns anything of what they cannot see themselves.
        for (who, asked) in [
            (&t.bo, json!({"channel_id": t.private, "user_ids": [t.ana_id]})),
            (&t.gus, json!({"channel_id": t.general, "user_ids": [t.ana_id]})),
            (&t.oz, json!({"thread_id": th["id"], "user_ids": [t.ana_id]})),
            (&t.gus, json!({"conversation_id": conv["id"], "user_ids": [t.ana_id]})),
        ] {
            assert_eq!(who.get("access/check", asked.clone()).await.unwrap_err().status, 404, "{asked}");
        }
        // One thing at a time, and someone to check.
        let two = json!({"channel_id": t.general, "thread_id": th["id"], "user_ids": [t.bo_id]});
        assert_eq!(t.ana.get("access/check", two).await.unwrap_err().status, 400);
        assert_eq!(t.ana.get("access/check", json!({"user_ids": [t.bo_id]})).await.unwrap_err().status, 400);
        assert_eq!(t.ana.get("access/check", json!({"channel_id": t.general, "user_ids": []})).await.unwrap_err().status, 400);
        t.app.stop().await;
    }

    async fn a_post_lists_the_people_it_named_who_cannot_see_it(b: Backend) {
        let t = Team::on(b).await;
        // Bo, named in a private channel he is not in: not notified, and the answer says so.
        let th = t
            .ana
            .post("threads/add", json!({"channel_id": t.private, "title": "Budget", "content": "x", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        assert_eq!(th["not_notified"], json!([cannot(t.bo_id, "not_in_private_channel")]));
        assert_eq!(th["title"], "Budget", "the thread itself is the answer, as before");
        // A comment mentioning the guest in a public channel; a group naming Bo and Gus.
        let group = t.ana.post("groups/add", json!({"workspace_id": t.ws, "name": "leads", "user_ids": [t.bo_id, t.gus_id]})).await.unwrap();
        let open = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Plan", "content": "x"})).await.unwrap();
        assert_eq!(open["not_notified"], json!([]));
        let mention = format!("[Gus](twist-mention://{}) can you look?", t.gus_id);
        let c = t.ana.post("comments/add", json!({"thread_id": open["id"], "content": mention, "recipients": [t.bo_id]})).await.unwrap();
        assert_eq!(c["not_notified"], json!([cannot(t.gus_id, "guest_not_in_channel")]));
        let c = t.ana.post("comments/add", json!({"thread_id": open["id"], "content": "y", "groups": [group["id"]]})).await.unwrap();
        assert_eq!(c["not_notified"], json!([cannot(t.gus_id, "guest_not_in_channel")]));
        let c = t.bo.post("comments/add", json!({"thread_id": open["id"], "content": "z", "recipients": [t.ana_id]})).await.unwrap();
        assert_eq!(c["not_notified"], json!([]));

        // A message mentioning someone outside the conversation.
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let mention = format!("ask [Gus](twist-mention://{})", t.gus_id);
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": mention})).await.unwrap();
        assert_eq!(m["not_notified"], json!([cannot(t.gus_id, "not_in_conversation")]));
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "hi", "direct_mentions": [t.bo_id]})).await.unwrap();
        assert_eq!(m["not_notified"], json!([]));

        // None of them heard of what they cannot see; Bo heard of the rest.
        t.app.node().fanned_out().await;
        let threads_notified = |notes: Value| -> Vec<Value> {
            notes["notifications"].as_array().unwrap().iter().map(|n| n["thread_id"].clone()).collect()
        };
        let bo = threads_notified(t.bo.get("notifications/get", json!({})).await.unwrap());
        assert!(!bo.contains(&th["id"]) && bo.contains(&open["id"]), "{bo:?}");
        let gus = threads_notified(t.gus.get("notifications/get", json!({})).await.unwrap());
        assert!(!gus.contains(&open["id"]), "{gus:?}");
        t.app.stop().await;
    }

    async fn people_ask_to_join_a_channel_and_its_members_or_admins_decide(b: Backend) {
        let t = Team::on(b).await;
        // Gus, a guest, asks to join #general; Bo asks to join #private (Ana's alone).
        let ask = |channel: i64, note: &str| json!({"channel_id": channel, "note": note});
        let gus_req = t.gus.post("access/request", ask(t.general, "I run the partner launch")).await.unwrap();
        assert_eq!((gus_req["decision"].clone(), gus_req["note"].clone()), (Value::Null, json!("I run the partner launch")));
        let again = t.gus.post("access/request", ask(t.general, "again")).await.unwrap();
        assert_eq!(again["id"], gus_req["id"], "one pending request per person and channel");
        let bo_req = t.bo.post("access/request", ask(t.private, "")).await.unwrap();
        // Nothing to ask for what one sees; nothing to learn of other workspaces or of nothing.
        assert_eq!(t.bo.post("access/request", ask(t.general, "")).await.unwrap_err().status, 400);
        assert_eq!(t.oz.post("access/request", ask(t.private, "")).await.unwrap_err().status, 404);
        assert_eq!(t.bo.post("access/request", ask(987_654_321, "")).await.unwrap_err().status, 404);

        // The channel's creator and admins are told (here Ana, both), not every member.
        t.app.node().fanned_out().await;
        let reasons = |notes: Value| -> Vec<(Value, Value)> {
            let list = notes["notifications"].as_array().unwrap().iter();
            list.map(|n| (n["reason"].clone(), n["channel_id"].clone())).collect()
        };
        let ana_notes = reasons(t.ana.get("notifications/get", json!({})).await.unwrap());
        for channel in [t.general, t.private] {
            assert!(ana_notes.contains(&(json!("access_requested"), json!(channel))), "{ana_notes:?}");
        }
        let bo_notes = reasons(t.bo.get("notifications/get", json!({})).await.unwrap());
        assert!(!bo_notes.iter().any(|(r, _)| r == "access_requested"), "{bo_notes:?}");

        // Who sees which: Ana (admin) both; Bo his own and Gus's (he may add people to
        // #general); Gus his own.
        let pending = json!({"workspace_id": t.ws, "pending_only": true});
        let ids = |v: Value| -> Vec<Value> { v.as_array().unwrap().iter().map(|r| r["id"].clone()).collect() };
        for (who, expected) in [
            (&t.ana, vec![bo_req["id"].clone(), gus_req["id"].clone()]),
            (&t.bo, vec![bo_req["id"].clone(), gus_req["id"].clone()]),
            (&t.gus, vec![gus_req["id"].clone()]),
        ] {
            assert_eq!(ids(who.get("access/get_requests", pending.clone()).await.unwrap()), expected);
        }

        // Gus cannot decide Bo's request (he cannot see #private); Bo cannot decide his own.
        assert_eq!(t.gus.post("access/approve", json!({"id": bo_req["id"]})).await.unwrap_err().status, 404);
        assert_eq!(t.bo.post("access/approve", json!({"id": bo_req["id"]})).await.unwrap_err().status, 404);

        // An hour later Bo, a member of #general, lets Gus in: Gus sees it and is told.
        t.app.clock.advance_secs(3600);
        let approved = t.bo.post("access/approve", json!({"id": gus_req["id"]})).await.unwrap();
        assert_eq!((approved["decision"].clone(), approved["decided_by"].clone()), (json!("approved"), json!(t.bo_id)));
        assert_eq!(approved["decided_ts"].as_i64().unwrap() - approved["created_ts"].as_i64().unwrap(), 3600, "time to grant");
        t.gus.get("channels/getone", json!({"id": t.general})).await.unwrap();
        t.app.node().fanned_out().await;
        let notes = t.gus.get("notifications/get", json!({})).await.unwrap();
        assert!(notes["notifications"].as_array().unwrap().iter().any(|n| n["channel_id"] == json!(t.general)), "{notes}");
        assert_eq!(t.ana.post("access/deny", json!({"id": gus_req["id"]})).await.unwrap_err().status, 409, "decided once");

        // Ana, the admin, denies Bo: he stays out, and his list says so.
        let denied = t.ana.post("access/deny", json!({"id": bo_req["id"]})).await.unwrap();
        assert_eq!(denied["decision"], "denied");
        let bo_notes = reasons(t.bo.get("notifications/get", json!({})).await.unwrap());
        assert!(bo_notes.contains(&(json!("access_denied"), json!(t.private))), "told: {bo_notes:?}");
        assert_eq!(t.bo.get("channels/getone", json!({"id": t.private})).await.unwrap_err().status, 404);
        let mine = t.bo.get("access/get_requests", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(mine.as_array().unwrap().iter().any(|r| r["id"] == bo_req["id"] && r["decision"] == "denied"), "{mine}");
        t.app.stop().await;
    }
}
