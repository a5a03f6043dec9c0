//! Calm analytics: figures of a period computed from the event log and the app's records —
//! posts outside the writer's working hours, pushes and interruptions during do-not-disturb,
//! time to answer, meetings without outcomes, the emergency lane, access requests — with
//! each person's figures for admins and their own for everyone else.

use crate::helpers::*;
use serde_json::{Value, json};
use weft::api::Verb::Get;

const MIN: i64 = 60;
const H: i64 = 3600;

async fn report(c: &weft_client::Client, params: Value) -> Value {
    c.get("analytics/get", params).await.unwrap()
}

both_backends! {
    async fn a_week_of_work_in_figures(b: Backend) {
        let t = Team::on(b).await;
        // Bo works 09:00–17:00 in New York: Monday 09:00 UTC is 04:00 for him.
        t.bo.post("schedules/update", json!({"timezone": "America/New_York"})).await.unwrap();
        let incidents = t.ana.post("channels/add", json!({"workspace_id": t.ws, "name": "incidents", "public": true, "emergency": true, "user_ids": [t.bo_id]})).await.unwrap();

        // 04:00 in New York: Bo writes outside his hours.
        t.bo.post("threads/add", json!({"channel_id": t.general, "title": "Night thought", "content": "x", "recipients": [t.ana_id]})).await.unwrap();
        // (Its push goes out before the clock moves on: a push is counted when it is sent.)
        t.app.node().fanned_out().await;
        t.app.clock.set(START + H);
        let morning = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Morning", "content": "x"})).await.unwrap();
        // Ana focuses; Bo raises an emergency, which reaches her anyway. She acknowledges it
        // a quarter of an hour later.
        t.ana.post("schedules/update", json!({"focus_minutes": 120})).await.unwrap();
        t.app.clock.set(START + H + 10 * MIN);
        t.bo.post("threads/add", json!({"channel_id": incidents["id"], "title": "DB down", "content": "x", "recipients": "EVERYONE", "urgent": true})).await.unwrap();
        let emergency = t.ana.get("emergencies/get", json!({"workspace_id": t.ws})).await.unwrap()[0]["id"].clone();
        t.app.clock.set(START + H + 25 * MIN);
        t.ana.post("emergencies/ack", json!({"id": emergency})).await.unwrap();

        // Ana asks Bo at 15:00 UTC (10:00 for him); he answers an hour later.
        t.app.clock.set(START + 6 * H);
        let asked = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Budget", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        // Gus asks to join #general; Ana lets him in half an hour later.
        let request = t.gus.post("access/request", json!({"channel_id": t.general, "note": "launch"})).await.unwrap();
        // A meeting at 17:00 whose outcomes never come.
        t.ana.post("meetings/add", json!({"workspace_id": t.ws, "title": "Sync", "reason": "kickoff", "attendee_ids": [t.bo_id], "starts_ts": START + 8 * H, "duration_min": 30, "agenda": "Plans"})).await.unwrap();
        t.app.clock.set(START + 6 * H + 30 * MIN);
        t.ana.post("access/approve", json!({"id": request["id"]})).await.unwrap();
        t.app.clock.set(START + 7 * H);
        t.bo.post("comments/add", json!({"thread_id": asked["id"], "content": "Here"})).await.unwrap();
        t.app.clock.set(START + 2 * 86_400);
        // An edit takes the old text out of the log; the post still counts.
        t.ana.post("threads/update", json!({"id": morning["id"], "content": "edited"})).await.unwrap();
        t.app.node().fanned_out().await;

        let week = json!({"workspace_id": t.ws, "from": START, "to": START + 7 * 86_400});
        let r = report(&t.ana, week.clone()).await;
        assert!(r.get("user_id").is_none(), "the workspace: {r}");
        assert_eq!(r["people"], 3, "Ana, Bo and Gus");
        // Six posts (four threads of people, the emergency, the meeting's agenda thread, Bo's
        // answer): Bo's two before his day started are outside his hours.
        assert_eq!(r["posts"]["total"], 6, "{r}");
        assert_eq!(r["posts"]["outside_working_hours"], 2, "{r}");
        assert_eq!(r["posts"]["share_outside"], 0.333);
        assert_eq!((r["threads"].clone(), r["meetings"].clone()), (json!(5), json!(1)));
        assert_eq!(r["meetings_without_outcomes_count"], 1);
        assert_eq!(r["meetings_without_outcomes"][0]["title"], "Sync");
        assert_eq!(r["answers"]["asked"], 1);
        assert_eq!(r["answers"]["answered"], 1);
        assert_eq!(r["answers"]["on_time"], 1);
        assert_eq!(r["answers"]["median_minutes"], 60);
        assert_eq!(r["answers"]["median_working_minutes"], 60);
        assert_eq!(r["emergencies"], json!({"raised": 1, "acknowledged": 1, "median_ack_minutes": 15, "p90_ack_minutes": 15}));
        assert_eq!(r["access_requests"]["granted"], 1);
        assert_eq!(r["access_requests"]["median_grant_minutes"], 30);
        // The emergency reached Ana in her focus time, as only emergencies should.
        assert!(r["pushes"]["urgent"].as_i64().unwrap() >= 1, "{r}");
        assert_eq!(r["pushes"]["during_dnd"], r["pushes"]["during_dnd_urgent"], "{r}");
        assert!(r["pushes"]["during_dnd_urgent"].as_i64().unwrap() >= 1, "{r}");
        let days = r["days"].as_array().unwrap();
        assert_eq!(days[0]["date"], "2026-11-23");
        assert_eq!(days[0]["posts"], 6);
        // Each person, for admins.
        let by_person = r["by_person"].as_array().unwrap();
        assert_eq!(by_person.len(), 3);
        let bo = by_person.iter().find(|p| p["user_id"] == t.bo_id).unwrap();
        // Working days so far: Monday and Tuesday (it is Wednesday 04:00 in New York).
        assert_eq!((bo["posts"].clone(), bo["posts_outside_working_hours"].clone(), bo["working_days"].clone()), (json!(3), json!(2), json!(2)));

        // Bo sees his own figures, by default; not Ana's, nor the workspace's.
        let mine = report(&t.bo, week.clone()).await;
        assert_eq!(mine["user_id"], t.bo_id);
        assert_eq!((mine["posts"]["total"].clone(), mine["posts"]["share_outside"].clone()), (json!(3), json!(0.667)));
        assert_eq!(mine["answers"]["answered"], 1, "the answer he gave");
        assert!(mine["by_person"].as_array().unwrap().is_empty());
        assert_eq!(mine["meetings_without_outcomes_count"], 0, "Ana owes them, not Bo");
        let mut others = week.clone();
        others["user_id"] = json!(t.ana_id);
        let (status, body) = call(&t.bo, Get, "analytics/get", &others).await;
        assert_eq!(status, 403, "{body}");
        let theirs = report(&t.ana, json!({"workspace_id": t.ws, "from": START, "to": START + 7 * 86_400, "user_id": t.bo_id})).await;
        assert_eq!(theirs["posts"]["total"], 3);
        let (status, _) = call(&t.oz, Get, "analytics/get", &week).await;
        assert_eq!(status, 404);
        // A period that does not make sense.
        for (from, to) in [(START, START), (START, START + 400 * 86_400)] {
            let (status, body) = call(&t.ana, Get, "analytics/get", &json!({"workspace_id": t.ws, "from": from, "to": to})).await;
            assert_eq!((status, body["error_extra"]["argument"].clone()), (400, json!("to")), "{body}");
        }
        // An earlier week holds nothing.
        let before = report(&t.ana, json!({"workspace_id": t.ws, "from": START - 7 * 86_400, "to": START})).await;
        assert_eq!((before["posts"]["total"].clone(), before["pushes"]["total"].clone()), (json!(0), json!(0)));

        // The CSV: one figure per row.
        let csv = t.ana.get("analytics/export", week).await.unwrap();
        let text = csv["content"].as_str().unwrap();
        assert!(text.starts_with("scope,user_id,date,metric,value\r\n"), "{text}");
        assert!(text.contains("workspace,,,posts_outside_working_hours,2\r\n"), "{text}");
        assert!(text.contains(&format!("person,{},,posts,3\r\n", t.bo_id)), "{text}");
        assert!(text.contains("workspace,,2026-11-23,posts,6\r\n"), "{text}");
        t.app.stop().await;
    }
}
