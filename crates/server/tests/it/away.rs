//! Away replies: whoever notifies or messages someone who is away hears so, once per away
//! period and thread or conversation, with their note and who covers.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

both_backends! {
    async fn notifying_someone_away_answers_once_per_period_and_thread(b: Backend) {
        let t = Team::on(b).await;
        // Monday 23 November: Bo is away all week.
        let away = json!({"type": "vacation", "date_from": "2026-11-23", "date_to": "2026-11-27", "note": "Hiking, no signal"});
        t.bo.post("users/update", json!({"away_mode": away})).await.unwrap();
        let back = t.ana.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let until_ts = back[0]["away_until_ts"].clone();
        assert!(until_ts.as_i64().is_some_and(|ts| ts > START + 4 * 86_400), "{back}");
        let bo_away = |covered_by: Value| {
            json!([{"user_id": t.bo_id, "until": "2026-11-27", "until_ts": until_ts, "note": "Hiking, no signal", "covered_by": covered_by}])
        };

        let mut ana = t.ana.stream(t.ws, None).await.unwrap();
        ana.drain(Duration::from_millis(200)).await;
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Q4", "content": "x", "recipients": [t.bo_id]})).await.unwrap();
        assert_eq!(th["away"], bo_away(Value::Null));
        // On Ana's own stream too (her other devices), and nobody else's.
        let mut seen = Vec::new();
        while let Some(e) = ana.next(Duration::from_secs(5)).await {
            if e.event == "away_reply" {
                seen.push(e);
                break;
            }
        }
        assert_eq!(seen[0].data["data"]["replies"], bo_away(Value::Null));
        assert_eq!(seen[0].data["data"]["thread_id"], th["id"]);
        // Once per thread and away period: the next reply there is quiet.
        let c = t.ana.post("comments/add", json!({"thread_id": th["id"], "content": "y", "recipients": [t.bo_id]})).await.unwrap();
        assert_eq!(c["away"], json!([]));

        // In a channel with a rotation, the reply names who is on duty (Cy, as Bo is away).
        let (_, cy) = t.app.user("Cy").await;
        t.app.join(&t.ana, t.ws, cy.id.0, "USER").await;
        t.ana.post("channels/add_users", json!({"id": t.general, "user_ids": [cy.id.0]})).await.unwrap();
        let rotation = json!({"channel_id": t.general, "user_ids": [t.bo_id, cy.id.0], "shift_hours": 24,
            "handoff_time": "09:00", "timezone": "UTC", "starts_on": "2026-11-23"});
        t.ana.post("rotations/add", rotation).await.unwrap();
        let mention = format!("[Bo](twist-mention://{}) ?", t.bo_id);
        let th2 = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Hotfix", "content": mention})).await.unwrap();
        assert_eq!(th2["away"], bo_away(json!(cy.id.0)));
        // An announcement to everyone in the channel names nobody: no away replies.
        let all = json!({"channel_id": t.general, "title": "Offsite", "content": "x", "recipients": "EVERYONE"});
        assert_eq!(t.ana.post("threads/add", all).await.unwrap()["away"], json!([]));

        // A direct message: once per conversation.
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "hi"})).await.unwrap();
        assert_eq!(m["away"], bo_away(Value::Null));
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "again"})).await.unwrap();
        assert_eq!(m["away"], json!([]));

        // Back early: nothing more.
        t.bo.post("users/update", json!({"away_mode": ""})).await.unwrap();
        let th3 = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Later", "content": "x", "recipients": [t.bo_id]})).await.unwrap();
        assert_eq!(th3["away"], json!([]));
        t.app.stop().await;
    }

    async fn nobody_gets_an_away_reply_from_someone_who_cannot_see_the_post(b: Backend) {
        let t = Team::on(b).await;
        let away = json!({"type": "vacation", "date_to": "2026-12-31", "note": "Sabbatical"});
        t.bo.post("users/update", json!({"away_mode": away})).await.unwrap();
        // #private is Ana's alone: Bo is not notified, and says nothing of his plans there.
        let th = t.ana.post("threads/add", json!({"channel_id": t.private, "title": "Salary", "content": "x", "recipients": [t.bo_id]})).await.unwrap();
        assert_eq!(th["away"], json!([]));
        assert_eq!(th["not_notified"], json!([{"user_id": t.bo_id, "reason": "not_in_private_channel"}]));
        // Nor does the away person hear of their own post.
        let own = t.bo.post("threads/add", json!({"channel_id": t.general, "title": "Note", "content": "x", "recipients": [t.ana_id]})).await.unwrap();
        assert_eq!(own["away"], json!([]));
        t.app.stop().await;
    }
}
