//! An account's end and a member's pause: deleting one's account (`users/delete`) and
//! admins deactivating and reactivating members.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;
use weft_client::Client;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

fn status_code(e: &weft_client::ApiError) -> (u16, i64) {
    (e.status, e.body["error_code"].as_i64().unwrap_or_default())
}

async fn thread_to(c: &Client, channel: i64, title: &str, recipients: Value) -> Value {
    c.post("threads/add", json!({"channel_id": channel, "title": title, "content": "x", "recipients": recipients}))
        .await
        .unwrap()
}

/// The threads (`thread:ID`) and messages (`message:ID`) `c` was notified of.
async fn notified_of(c: &Client) -> Vec<String> {
    let notes = c.get("notifications/get", json!({})).await.unwrap();
    let mut out = Vec::new();
    for n in notes["notifications"].as_array().unwrap() {
        if !n["thread_id"].is_null() {
            out.push(format!("thread:{}", n["thread_id"]));
        }
        if !n["message_id"].is_null() {
            out.push(format!("message:{}", n["message_id"]));
        }
    }
    out
}

fn thread_key(t: &Value) -> String {
    format!("thread:{}", t["id"])
}

fn member_ids(channel: &Value) -> Vec<i64> {
    channel["user_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect()
}

both_backends! {
    async fn deleting_an_account_erases_it_keeps_its_posts_and_ends_its_sessions_at_once(b: Backend) {
        let t = Team::on(b).await;
        let posted = t.bo.add_thread(t.general, "Bo's plan", "Let us ship on Friday").await.unwrap();
        t.bo.add_comment(posted.id.0, "Or Monday").await.unwrap();
        t.bo.post("users/update", json!({"profession": "Tester", "contact_info": "+1 555 0100",
            "away_mode": {"type": "vacation", "date_to": "2026-12-24"}})).await.unwrap();
        t.bo.post("users/heartbeat", json!({"platform": "desktop"})).await.unwrap();
        let phone = t.app.session(t.bo_id).await;
        let mut bos_stream = t.bo.stream(t.ws, None).await.unwrap();
        let mut anas_stream = t.ana.stream(t.ws, None).await.unwrap();

        // A wrong or missing password changes nothing.
        let err = t.bo.post("users/delete", json!({"password": "a guess"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 104));
        let err = t.bo.post("users/delete", json!({})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 19));
        let me = t.bo.get("users/get_session_user", json!({})).await.unwrap();
        assert_eq!((me["email"].as_str(), me["removed"].as_bool()), (Some("bo@example.test"), Some(false)));
        phone.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap();

        let done = t.bo.post("users/delete", json!({"password": "password-Bo"})).await.unwrap();
        assert_eq!(done, json!({"status": "ok"}));

        // Every session and stream ends at once; nobody signs in again.
        assert!(bos_stream.closed(WAIT).await, "the deleted account's stream ends");
        assert_eq!(t.bo.get("users/get_session_user", json!({})).await.unwrap_err().status, 403);
        assert_eq!(phone.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap_err().status, 403);
        let err = t.app.anon.login("bo@example.test", "password-Bo").await.unwrap_err();
        assert_eq!(status_code(&err), (400, 104));

        // Colleagues see "Deleted user", and hear of it.
        let got = anas_stream.drain(QUIET).await;
        let removed = got.iter().find(|e| e.event == "workspace_user_removed").expect("Ana's stream hears of it");
        assert_eq!(removed.data["data"]["name"], "Deleted user");
        let member = t.ana.get("workspace_users/getone", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!((member["name"].as_str(), member["short_name"].as_str()), (Some("Deleted user"), Some("Deleted user")));
        assert_eq!((member["removed"].as_bool(), member["deleted"].as_bool()), (Some(true), Some(true)));
        assert_ne!(member["email"], "bo@example.test");
        assert!(member.get("away_mode").is_none(), "{member}");
        // Posts stay, by the same id.
        let thread = t.ana.get("threads/getone", json!({"id": posted.id.0})).await.unwrap();
        assert_eq!((thread["creator"].as_i64(), thread["content"].as_str()), (Some(t.bo_id), Some("Let us ship on Friday")));
        let general = t.ana.get("channels/getone", json!({"id": t.general})).await.unwrap();
        assert!(!member_ids(&general).contains(&t.bo_id), "{general}");

        // Personal data is gone from the account.
        let store = t.app.node().store.clone();
        let bo = weft_core::UserId(t.bo_id);
        let (user, activity, hash) = store
            .read(move |tx| Ok((tx.user(bo)?.unwrap(), tx.activity(bo)?, tx.password_hash(bo)?)))
            .await
            .unwrap();
        assert_eq!((user.name.as_str(), user.removed), ("Deleted user", true));
        assert!(user.profession.is_none() && user.contact_info.is_none() && user.away_mode.is_none(), "{user:?}");
        assert!(activity.is_empty(), "{activity:?}");
        assert_eq!(hash.as_deref(), Some(""));

        // Nothing stored keeps his address, and the log replays neither it nor his name
        // (from the database, and from the memory of recent events).
        let location = t.app.node().config.location();
        let stored = tokio::task::spawn_blocking(move || weft_store::stored_text(&location)).await.unwrap().unwrap();
        assert!(!stored.contains("bo@example.test"), "his address is stored somewhere");
        for after in [0, 1] {
            let page = t.ana.get("events/get", json!({"workspace_id": t.ws, "after": after, "timeout": 0, "limit": 1000})).await.unwrap();
            let log = page["events"].to_string();
            assert!(!log.contains("bo@example.test") && !log.contains(r#""Bo""#), "{log}");
            assert!(log.contains("Or Monday"), "his comment stays");
        }

        // The address is free again: inviting it makes someone new.
        let again = t.ana.add_member(t.ws, "bo@example.test", "USER").await.unwrap();
        assert_ne!(again.id.0, t.bo_id);
        t.app.stop().await;
    }

    async fn the_last_admin_cannot_delete_their_account_and_nothing_changes(b: Backend) {
        let t = Team::on(b).await;
        let err = t.ana.post("users/delete", json!({"password": "password-Ana"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 127));
        let why = err.body["error_string"].as_str().unwrap();
        assert!(why.contains("Acme"), "{why}");
        assert!(!why.contains("Elsewhere"), "{why}");
        // Nothing changed: still signed in, still a member of everything.
        let me = t.ana.get("users/get_session_user", json!({})).await.unwrap();
        assert_eq!(me["name"], "Ana");
        let general = t.ana.get("channels/getone", json!({"id": t.general})).await.unwrap();
        assert!(member_ids(&general).contains(&t.ana_id));
        // Once someone else is an admin, she may go.
        t.ana.post("workspace_users/update", json!({"id": t.ws, "user_id": t.bo_id, "user_type": "ADMIN"})).await.unwrap();
        t.ana.post("users/delete", json!({"password": "password-Ana"})).await.unwrap();
        let members = t.bo.get("workspace_users/get", json!({"id": t.ws})).await.unwrap();
        let ana = members.as_array().unwrap().iter().find(|m| m["id"] == t.ana_id).unwrap();
        assert_eq!((ana["name"].as_str(), ana["removed"].as_bool()), (Some("Deleted user"), Some(true)));
        t.app.stop().await;
    }

    async fn a_deactivated_member_reads_and_hears_nothing_until_reactivated(b: Backend) {
        let t = Team::on(b).await;
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let group = t.ana.post("groups/add", json!({"workspace_id": t.ws, "name": "oncall", "user_ids": [t.bo_id]})).await.unwrap();
        // A push held for Bo (in a focus block) when he is deactivated.
        t.bo.post("schedules/update", json!({"focus_minutes": 120})).await.unwrap();
        thread_to(&t.ana, t.general, "Before", json!([t.bo_id])).await;
        assert!(t.app.pending_pushes(t.bo_id).await > 0);
        let mut bos_stream = t.bo.stream(t.ws, None).await.unwrap();

        // Only admins; nobody deactivates themselves.
        let err = t.gus.post("workspace_users/deactivate", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap_err();
        assert_eq!(err.status, 403);
        let err = t.ana.post("workspace_users/deactivate", json!({"id": t.ws, "user_id": t.ana_id})).await.unwrap_err();
        assert_eq!(err.status, 400);

        let bo = t.ana.post("workspace_users/deactivate", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!((bo["deactivated"].as_bool(), bo["removed"].as_bool()), (Some(true), Some(false)));
        assert!(bos_stream.closed(WAIT).await, "the deactivated member's stream of the workspace ends");
        assert_eq!(t.app.pending_pushes(t.bo_id).await, 0, "what was held for Bo is dropped");
        // His token reads nothing of the workspace.
        assert_eq!(t.bo.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap_err().status, 404);
        assert_eq!(t.bo.get("threads/get", json!({"channel_id": t.general})).await.unwrap_err().status, 404);
        assert_eq!(t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap_err().status, 404);
        assert_eq!(t.bo.stream(t.ws, None).await.err().map(|e| e.status), Some(404));
        let mine = t.bo.get("workspaces/get", json!({})).await.unwrap();
        assert!(mine.as_array().unwrap().iter().all(|w| w["id"] != t.ws), "{mine}");
        let info = t.ana.get("workspace_users/get_info", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(info["is_active"], false);
        // He keeps his channels, but is notified of nothing: mentions, recipients, everyone,
        // direct messages.
        let general = t.ana.get("channels/getone", json!({"id": t.general})).await.unwrap();
        assert!(member_ids(&general).contains(&t.bo_id), "{general}");
        // Named as a recipient, he is refused as a removed member would be; through a group
        // he is skipped.
        let err = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "x", "content": "x",
            "recipients": [t.bo_id]})).await.unwrap_err();
        assert_eq!(err.status, 404);
        let to_him = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "While deactivated",
            "content": "x", "groups": [group["id"]]})).await.unwrap();
        let everyone = thread_to(&t.ana, t.general, "To everyone", json!("EVERYONE")).await;
        let dm = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "psst"})).await.unwrap();
        assert_eq!(t.app.pending_pushes(t.bo_id).await, 0);
        // An invitation or a join link does not undo it.
        let err = t.ana.add_member(t.ws, "bo@example.test", "USER").await.unwrap_err();
        assert_eq!(err.status, 400);

        let bo = t.ana.post("workspace_users/reactivate", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(bo["deactivated"], false);
        // Everything is back: the workspace, its channels, his stream.
        t.bo.get("channels/getone", json!({"id": t.general})).await.unwrap();
        let mut bos_stream = t.bo.stream(t.ws, None).await.unwrap();
        let notes = notified_of(&t.bo).await;
        for missed in [thread_key(&to_him), thread_key(&everyone), format!("message:{}", dm["id"])] {
            assert!(!notes.contains(&missed), "not notified of {missed} while deactivated: {notes:?}");
        }
        let inbox = t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        let in_inbox: Vec<&Value> = inbox.as_array().unwrap().iter().map(|th| &th["id"]).collect();
        assert!(!in_inbox.contains(&&to_him["id"]), "{inbox}");
        // New posts reach him again.
        let back = thread_to(&t.ana, t.general, "Welcome back", json!([t.bo_id])).await;
        assert!(notified_of(&t.bo).await.contains(&thread_key(&back)));
        let got = bos_stream.drain(QUIET).await;
        assert!(got.iter().any(|e| e.event == "thread_added" && e.data["data"]["id"] == back["id"]), "{got:?}");
        t.app.stop().await;
    }

    async fn a_deactivated_member_is_never_on_duty(b: Backend) {
        let t = Team::on(b).await;
        let (cy, cy_user) = t.app.user("Cy").await;
        t.app.join(&t.ana, t.ws, cy_user.id.0, "USER").await;
        let ch = t.ana.add_channel(t.ws, "support", true, &[t.bo_id, cy_user.id.0]).await.unwrap();
        // Monday 09:00 UTC: Bo on duty until Tuesday, then Cy.
        let rotation = json!({"channel_id": ch.id.0, "user_ids": [t.bo_id, cy_user.id.0], "shift_hours": 24,
            "handoff_time": "09:00", "timezone": "UTC", "starts_on": "2026-11-23"});
        t.ana.post("rotations/add", rotation).await.unwrap();
        t.ana.post("workspace_users/deactivate", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        // Ana is focusing; a question to her is covered by the next active member on duty.
        t.ana.post("schedules/update", json!({"focus_minutes": 90})).await.unwrap();
        let th = thread_to(&cy, ch.id.0, "Refund?", json!([t.ana_id])).await;
        let notes = t.ana.get("notifications/get", json!({})).await.unwrap();
        assert!(notes["notifications"].as_array().unwrap().iter().any(|n| n["thread_id"] == th["id"]));
        t.ana.post("workspace_users/reactivate", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert!(!notified_of(&t.bo).await.contains(&thread_key(&th)), "the deactivated Bo did not cover");
        t.app.stop().await;
    }
}
