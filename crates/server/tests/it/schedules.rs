//! Working hours, do-not-disturb, away: what the composer of any client can show —
//! "Bo is off until 10:00 his time".

use crate::helpers::*;
use serde_json::json;

both_backends! {
    async fn availability_follows_each_persons_schedule_and_zone(b: Backend) {
        let t = Team::on(b).await;
        let weekdays = |start: &str, end: &str| -> Vec<serde_json::Value> {
            (1..=5).map(|d| json!({"weekday": d, "start": start, "end": end})).collect()
        };
        let s = t
            .bo
            .post("schedules/update", json!({
                "timezone": "Asia/Tokyo",
                "working_hours": weekdays("09:00", "18:00"),
                "dnd": weekdays("09:00", "10:00"),
                "delivery": "hourly",
            }))
            .await
            .unwrap();
        assert_eq!((s["timezone"].as_str(), s["delivery"].as_str()), (Some("Asia/Tokyo"), Some("hourly")));
        // Twist's fields follow: the zone and the days off.
        let me = t.bo.get("users/get_session_user", json!({})).await.unwrap();
        assert_eq!((me["timezone"].as_str(), &me["off_days"]), (Some("Asia/Tokyo"), &json!([6, 7])));

        // Monday 09:00 UTC is 18:00 in Tokyo: Bo is off, back Tuesday 10:00 his time (after his
        // focus block), which is Tuesday 01:00 UTC.
        let a = t.ana.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.bo_id, t.ana_id]})).await.unwrap();
        let bo = &a[0];
        assert_eq!(bo["user_id"], t.bo_id);
        assert_eq!(bo["local_time"], "2026-11-23 18:00:00");
        assert_eq!(bo["working_now"], false);
        assert_eq!(bo["next_available_ts"], START + 16 * 3600);
        // Ana keeps the default (UTC, Monday to Friday 09–17): available now.
        assert_eq!((a[1]["working_now"].as_bool(), a[1]["next_available_ts"].as_i64()), (Some(true), Some(START)));
        // A person named again is answered once.
        let again = t.ana.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.bo_id, t.ana_id, t.bo_id, t.bo_id]})).await.unwrap();
        assert_eq!(again, a);

        // Focus for 30 minutes: in DND until then.
        t.ana.post("schedules/update", json!({"focus_minutes": 30})).await.unwrap();
        let a = t.bo.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.ana_id]})).await.unwrap();
        assert_eq!((a[0]["dnd_until_ts"].as_i64(), a[0]["next_available_ts"].as_i64()), (Some(START + 1800), Some(START + 1800)));

        // Away (Twist's away_mode) with a note, through Wednesday.
        t.ana
            .post("users/update", json!({"away_mode": {"type": "vacation", "date_from": "2026-11-23", "date_to": "2026-11-25", "note": "Offsite"}}))
            .await
            .unwrap();
        let a = t.bo.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.ana_id]})).await.unwrap();
        assert_eq!((a[0]["away_until_ts"].as_i64(), a[0]["away_note"].as_str()), (Some(START + 3 * 86_400 - 9 * 3600), Some("Offsite")));
        assert_eq!(a[0]["next_available_ts"], START + 3 * 86_400);

        // Days off set through Twist's field take the hours away from those days.
        t.bo.post("users/update", json!({"off_days": [5, 6, 7]})).await.unwrap();
        let s = t.bo.get("schedules/get", json!({})).await.unwrap();
        assert!(s["working_hours"].as_array().unwrap().iter().all(|i| i["weekday"].as_i64().unwrap() < 5), "{s}");
        t.app.stop().await;
    }

    async fn schedules_refuse_what_cannot_be(b: Backend) {
        let t = Team::on(b).await;
        for (body, code) in [
            (json!({"working_hours": [{"weekday": 1, "start": "17:00", "end": "09:00"}]}), 20),
            (json!({"working_hours": [{"weekday": 9, "start": "09:00", "end": "17:00"}]}), 20),
            (json!({"working_hours": [{"weekday": 1, "start": "9am", "end": "17:00"}]}), 20),
            (json!({"working_hours": [{"day": 1}]}), 20),
            (json!({"dnd_ranges": [{"from_ts": 10, "to_ts": 5}]}), 20),
            (json!({"timezone": "Mars/Olympus"}), 121),
            (json!({"delivery": "sometimes"}), 20),
            (json!({"focus_minutes": 0}), 20),
        ] {
            let err = t.bo.post("schedules/update", body.clone()).await.unwrap_err();
            assert_eq!((err.status, err.code()), (400, code), "{body}");
        }
        // Nothing changed.
        let s = t.bo.get("schedules/get", json!({})).await.unwrap();
        assert_eq!((s["timezone"].as_str(), s["working_hours"].as_array().unwrap().len()), (Some("UTC"), 5));
        // Only members, about members: someone outside the workspace is not found.
        assert_eq!(t.oz.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap_err().status, 404);
        let err = t.bo.get("availability/get", json!({"workspace_id": t.ws, "user_ids": [t.oz_id]})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (404, 106));
        t.app.stop().await;
    }
}
