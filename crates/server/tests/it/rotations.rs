//! Rotating coverage: who is on duty, and "covering for" someone who is not available.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

both_backends! {
    async fn the_person_on_duty_covers_for_someone_unavailable(b: Backend) {
        let t = Team::on(b).await;
        let (cy, cy_user) = t.app.user("Cy").await;
        t.app.join(&t.ana, t.ws, cy_user.id.0, "USER").await;
        let ch = t.ana.add_channel(t.ws, "support", true, &[t.bo_id, cy_user.id.0]).await.unwrap();
        let rotation = json!({"channel_id": ch.id.0, "user_ids": [t.bo_id, t.ana_id], "shift_hours": 24,
            "handoff_time": "09:00", "timezone": "UTC", "starts_on": "2026-11-23"});
        // Only the channel's managers set it up; members must be in the channel.
        assert_eq!(cy.post("rotations/add", rotation.clone()).await.unwrap_err().status, 403);
        let mut bad = rotation.clone();
        bad["user_ids"] = json!([t.gus_id]);
        assert_eq!(t.ana.post("rotations/add", bad).await.unwrap_err().status, 400);
        for (field, value, code) in [("shift_hours", json!(0), 20), ("timezone", json!("Mars/Olympus"), 121), ("handoff_time", json!("9h"), 20)] {
            let mut bad = rotation.clone();
            bad[field] = value;
            assert_eq!(t.ana.post("rotations/add", bad).await.unwrap_err().code(), code, "{field}");
        }
        t.ana.post("rotations/add", rotation.clone()).await.unwrap();
        assert_eq!(t.ana.post("rotations/add", rotation).await.unwrap_err().status, 409);

        // Monday 09:00 UTC: Bo until Tuesday 09:00, then Ana.
        let duty = cy.get("rotations/on_duty", json!({"channel_id": ch.id.0})).await.unwrap();
        assert_eq!(duty, json!({"user_id": t.bo_id, "until_ts": START + 86_400, "next_user_id": t.ana_id}));
        let later = cy.get("rotations/on_duty", json!({"channel_id": ch.id.0, "at_ts": START + 86_400})).await.unwrap();
        assert_eq!(later["user_id"], t.ana_id);

        // Ana is focusing; Cy asks her something in #support: Bo covers for her, at once.
        t.ana.post("schedules/update", json!({"focus_minutes": 90})).await.unwrap();
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        let th = cy
            .post("threads/add", json!({"channel_id": ch.id.0, "title": "Refund?", "content": "x", "recipients": [t.ana_id]}))
            .await
            .unwrap();
        let events = bo.drain(Duration::from_millis(400)).await;
        let covering: Vec<_> = events.iter().filter(|e| e.event == "push" && e.data["data"]["delivery"] == "covering").collect();
        assert_eq!(covering.len(), 1, "{events:?}");
        assert_eq!(covering[0].data["data"]["items"][0]["covering_for"], json!([t.ana_id]));
        let note = t.bo.get("notifications/get", json!({"limit": 1})).await.unwrap();
        assert_eq!(note["notifications"][0]["reason"], "covering");
        assert_eq!(t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap()[0]["id"], th["id"]);
        // Ana still has it, quietly: in her inbox now, pushed when her focus ends.
        assert_eq!(t.ana.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap()[0]["id"], th["id"]);

        // A swap: Bo takes Tuesday afternoon from Ana.
        t.ana
            .post("rotations/update", json!({"channel_id": ch.id.0, "overrides": [{"from_ts": START + 86_400 + 3 * 3600, "to_ts": START + 86_400 + 9 * 3600, "user_id": t.bo_id}]}))
            .await
            .unwrap();
        let swapped = cy.get("rotations/on_duty", json!({"channel_id": ch.id.0, "at_ts": START + 86_400 + 4 * 3600})).await.unwrap();
        assert_eq!(swapped["user_id"], t.bo_id);
        t.ana.post("rotations/remove", json!({"channel_id": ch.id.0})).await.unwrap();
        // The channel has no rotation any more: null (and no duty).
        assert_eq!(cy.get("rotations/get", json!({"channel_id": ch.id.0})).await.unwrap(), Value::Null);
        assert_eq!(cy.get("rotations/on_duty", json!({"channel_id": ch.id.0})).await.unwrap_err().status, 404);
        t.app.stop().await;
    }

    async fn people_who_leave_a_channel_leave_its_rotation(b: Backend) {
        let t = Team::on(b).await;
        let (cy, cy_user) = t.app.user("Cy").await;
        let cy_id = cy_user.id.0;
        t.app.join(&t.ana, t.ws, cy_id, "USER").await;
        let ch = t.ana.add_channel(t.ws, "support", true, &[t.bo_id, cy_id]).await.unwrap();
        let swap = json!({"from_ts": START + 3600, "to_ts": START + 7200, "user_id": cy_id});
        let rotation = json!({"channel_id": ch.id.0, "user_ids": [t.bo_id, cy_id, t.ana_id], "shift_hours": 24,
            "handoff_time": "09:00", "timezone": "UTC", "starts_on": "2026-11-23", "overrides": [swap]});
        t.ana.post("rotations/add", rotation).await.unwrap();
        let get = || t.ana.get("rotations/get", json!({"channel_id": ch.id.0}));

        // Cy leaves: out of the order and of the swap; the shifts close up, Ana follows Bo.
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        cy.post("channels/leave", json!({"id": ch.id.0})).await.unwrap();
        let r = get().await.unwrap();
        assert_eq!((r["user_ids"].clone(), r["overrides"].clone()), (json!([t.bo_id, t.ana_id]), json!([])));
        let later = t.ana.get("rotations/on_duty", json!({"channel_id": ch.id.0, "at_ts": START + 86_400})).await.unwrap();
        assert_eq!(later["user_id"], t.ana_id);
        let events = bo.drain(Duration::from_millis(400)).await;
        let told: Vec<_> = events.iter().filter(|e| e.event == "rotation_updated").collect();
        assert_eq!(told.len(), 1, "Bo's app hears of the new order: {events:?}");
        assert_eq!(told[0].data["data"]["rotation"]["user_ids"], json!([t.bo_id, t.ana_id]));
        // What the managers see can be saved as it is.
        t.ana.post("rotations/update", json!({"channel_id": ch.id.0, "user_ids": r["user_ids"], "shift_hours": 48})).await.unwrap();

        // Bo leaves the workspace: out of the rotation too. Ana, the last one, leaves the
        // channel: the rotation ends.
        t.ana.post("workspace_users/remove", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();
        assert_eq!(get().await.unwrap()["user_ids"], json!([t.ana_id]));
        t.ana.post("channels/remove_user", json!({"id": ch.id.0, "user_id": t.ana_id})).await.unwrap();
        t.ana.post("channels/join", json!({"id": ch.id.0})).await.unwrap();
        assert_eq!(get().await.unwrap(), Value::Null);
        t.app.stop().await;
    }
}
