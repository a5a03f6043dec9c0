//! The emergency lane: through do-not-disturb, acknowledged, escalated, visible to everyone
//! who sees its channel.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

async fn urgent_pushes(s: &mut weft_client::EventStream) -> Vec<Value> {
    let urgent = |e: &weft_client::SseEvent| e.event == "push" && e.data["data"]["delivery"] == "urgent";
    // Waits for the first (a loaded machine may pause between events longer than a quiet
    // spell), then for any more until the stream has been quiet a while.
    let mut events = Vec::new();
    while let Some(e) = s.next(Duration::from_secs(10)).await {
        let found = urgent(&e);
        events.push(e);
        if found {
            break;
        }
    }
    events.extend(s.drain(Duration::from_millis(400)).await);
    events.into_iter().filter(urgent).map(|e| e.data["data"].clone()).collect()
}

both_backends! {
    async fn an_emergency_reaches_people_through_dnd_and_escalates_when_nobody_answers(b: Backend) {
        let t = Team::on(b).await;
        // Only admins make emergency channels.
        let err = t.bo.post("channels/add", json!({"workspace_id": t.ws, "name": "incidents", "emergency": true})).await.unwrap_err();
        assert_eq!(err.status, 403);
        let ch = t
            .ana
            .post("channels/add", json!({"workspace_id": t.ws, "name": "incidents", "public": true, "emergency": true, "user_ids": [t.bo_id]}))
            .await
            .unwrap();
        assert_eq!(ch["emergency"], true);
        t.ana.post("workspaces/update", json!({"id": t.ws, "escalation_minutes": 5})).await.unwrap();

        // Bo is in a focus block.
        t.bo.post("schedules/update", json!({"focus_minutes": 120})).await.unwrap();
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        // Posting there needs an explicit confirmation, explained.
        let err = t.ana.post("threads/add", json!({"channel_id": id(&ch), "title": "DB down", "content": "x", "recipients": "EVERYONE"})).await.unwrap_err();
        assert_eq!(err.status, 400);
        assert!(err.body["error_string"].as_str().unwrap().contains("emergency channel"), "{err}");
        let err = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "x", "content": "x", "urgent": true})).await.unwrap_err();
        assert_eq!(err.status, 400, "urgent is only for emergency channels");
        let th = t
            .ana
            .post("threads/add", json!({"channel_id": id(&ch), "title": "DB down", "content": "x", "recipients": "EVERYONE", "urgent": true}))
            .await
            .unwrap();
        // Bo is pushed at once, in spite of his focus.
        let got = urgent_pushes(&mut bo).await;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["items"][0]["thread_id"], th["id"]);
        // The log, for everyone who sees the channel.
        let log = t.bo.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!((log[0]["raised_by"].as_i64(), &log[0]["reached"]), (Some(t.ana_id), &json!([t.bo_id])));
        let first = log[0]["id"].as_i64().unwrap();
        // The guest does not see the channel: neither its emergencies nor how to acknowledge them.
        assert_eq!(t.gus.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap(), json!([]));
        assert_eq!(t.gus.post("emergencies/ack", json!({"id": first})).await.unwrap_err().status, 404);
        // Bo acknowledges: it will not escalate.
        let acked = t.bo.post("emergencies/ack", json!({"id": first})).await.unwrap();
        assert_eq!(acked["acks"][0]["user_id"], t.bo_id);

        // A second one nobody acknowledges, raised by Bo: after 5 minutes the admins (Ana) get it.
        let mut ana = t.ana.stream(t.ws, None).await.unwrap();
        t.bo
            .post("threads/add", json!({"channel_id": id(&ch), "title": "Disk full", "content": "x", "recipients": [], "urgent": true}))
            .await
            .unwrap();
        // Nobody was named: the admins are reached at once.
        assert_eq!(urgent_pushes(&mut ana).await.len(), 1);
        t.app.clock.advance_secs(301);
        t.app.step_workers().await;
        assert_eq!(urgent_pushes(&mut ana).await.len(), 1, "escalated to the admins");
        let log = t.ana.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!((log[0]["escalated_to"].clone(), log[1]["escalated_to"].clone()), (json!([t.ana_id]), json!([])));
        // A private emergency channel: only its members see its emergencies, on the log and
        // on their streams.
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();
        let mut gus = t.gus.stream(t.ws, None).await.unwrap();
        let secret = t
            .ana
            .post("channels/add", json!({"workspace_id": t.ws, "name": "sec-incidents", "public": false, "emergency": true, "user_ids": [t.gus_id]}))
            .await
            .unwrap();
        t.ana
            .post("threads/add", json!({"channel_id": id(&secret), "title": "Breach", "content": "x", "recipients": [t.gus_id], "urgent": true}))
            .await
            .unwrap();
        let raised = |events: Vec<weft_client::SseEvent>| events.into_iter().filter(|e| e.event == "emergency_raised").count();
        assert_eq!(raised(gus.drain(Duration::from_millis(400)).await), 1);
        assert_eq!(raised(bo.drain(Duration::from_millis(400)).await), 0, "Bo does not see the private channel");
        let bo_log = t.bo.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(bo_log.as_array().unwrap().iter().all(|e| e["channel_id"] != secret["id"]), "{bo_log}");
        let gus_log = t.gus.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(gus_log.as_array().unwrap().len(), 1, "{gus_log}");
        assert_eq!(t.bo.post("emergencies/ack", json!({"id": gus_log[0]["id"]})).await.unwrap_err().status, 404);
        t.gus.post("emergencies/ack", json!({"id": gus_log[0]["id"]})).await.unwrap();
        // Outsiders see nothing.
        assert_eq!(t.oz.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap_err().status, 404);
        assert_eq!(t.oz.post("emergencies/ack", json!({"id": first})).await.unwrap_err().status, 404);
        t.app.stop().await;
    }
}
