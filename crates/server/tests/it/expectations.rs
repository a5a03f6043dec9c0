//! Reply expectations: asking someone for an answer gives a due time in *their* working
//! hours, one reminder before it (through quiet delivery), "overdue" after, and is met when
//! they answer. Every time rule runs on the fake clock, across weekends, away days, days
//! off and daylight-saving changes.

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

const H: i64 = 3600;
/// Friday 2026-11-27, 20:00 UTC (15:00 in New York).
const FRIDAY_3PM_NY: i64 = START + 4 * 86_400 + 11 * H;

/// Bo works 09:00–17:00, Monday to Friday, in New York (UTC-5 in November).
async fn bo_in_new_york(t: &Team) {
    t.bo.post("schedules/update", json!({"timezone": "America/New_York"})).await.unwrap();
}

async fn list(c: &weft_client::Client, ws: i64, role: &str, state: &str) -> Value {
    c.get("expectations/get", json!({"workspace_id": ws, "role": role, "state": state})).await.unwrap()
}

fn ids(list: &Value) -> Vec<i64> {
    list["expectations"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

async fn notifications_of(c: &weft_client::Client, reason: &str) -> Vec<Value> {
    let all = c.get("notifications/get", json!({})).await.unwrap();
    let items = all.get("notifications").unwrap_or(&all).as_array().cloned().unwrap_or_default();
    items.into_iter().filter(|n| n["reason"] == reason).collect()
}

both_backends! {
    async fn an_answer_is_due_in_the_working_hours_of_the_person_asked(b: Backend) {
        let t = Team::on(b).await;
        bo_in_new_york(&t).await;
        // Monday 09:00 UTC is 04:00 in New York: Bo's eight hours run 09:00–17:00 there,
        // 14:00–22:00 UTC.
        let mut bo_stream = t.bo.stream(t.ws, None).await.unwrap();
        bo_stream.drain(Duration::from_millis(200)).await;
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Budget", "content": "Numbers?", "request_reply": [t.bo_id]})).await.unwrap();
        let asked = &th["reply_expected"][0];
        assert_eq!(asked["user_id"], t.bo_id);
        assert_eq!(asked["due_ts"], START + 13 * H, "{th}");
        assert_eq!(asked["working_minutes_left"], 480);
        assert_eq!(asked["state"], "open");
        let id = asked["id"].as_i64().unwrap();
        // Bo is notified of the question, and his app hears of the request.
        let mut created = None;
        while let Some(e) = bo_stream.next(Duration::from_secs(5)).await {
            if e.event == "expectation_created" {
                created = Some(e);
                break;
            }
        }
        assert_eq!(created.expect("expectation_created on Bo's stream").data["data"]["id"], id);
        let inbox = t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(inbox.to_string().contains(&format!("\"id\":{}", th["id"])), "{inbox}");

        // What Bo owes; what Ana waits for; the counts of both sides.
        let owed = list(&t.bo, t.ws, "owed", "open").await;
        assert_eq!(ids(&owed), vec![id]);
        assert_eq!(owed["expectations"][0]["title"], "Budget");
        assert_eq!(owed["expectations"][0]["requester_id"], t.ana_id);
        assert_eq!(owed["counts"], json!({"owed_open": 1, "owed_overdue": 0, "waiting_open": 0, "waiting_overdue": 0}));
        let waiting = list(&t.ana, t.ws, "waiting", "open").await;
        assert_eq!(ids(&waiting), vec![id]);
        assert_eq!(waiting["counts"]["waiting_open"], 1);
        assert_eq!(ids(&list(&t.ana, t.ws, "owed", "open").await), Vec::<i64>::new());

        // Out of range is refused, even as a retry of a channel made before.
        let ok = t.ana.post("channels/add", json!({"workspace_id": t.ws, "name": "ops", "temp_id": 7, "expected_response_hours": 4})).await.unwrap();
        assert_eq!(ok["expected_response_hours"], 4);
        for h in [-1, 161] {
            let (status, body) = call(&t.ana, weft::api::Verb::Post, "channels/add", &json!({"workspace_id": t.ws, "name": "ops", "temp_id": 7, "expected_response_hours": h})).await;
            assert_eq!((status, body["error_extra"]["argument"].clone()), (400, json!("expected_response_hours")), "{body}");
        }
        // A channel's own response time: two working hours in #general.
        t.ana.post("channels/update", json!({"id": t.general, "expected_response_hours": 2})).await.unwrap();
        let th2 = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Quick one", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        assert_eq!(th2["reply_expected"][0]["due_ts"], START + 7 * H);
        // A due time the requester sets is kept as it is.
        let by = START + 2 * 86_400;
        let th3 = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "By Wednesday", "content": "?", "request_reply": [t.bo_id], "reply_by_ts": by})).await.unwrap();
        assert_eq!(th3["reply_expected"][0]["due_ts"], by);
        assert_eq!(th3["reply_expected"][0]["reply_by_ts"], by);
        // Asking again in the same thread keeps the first request.
        let again = t.ana.post("comments/add", json!({"thread_id": th["id"], "content": "Bo?", "request_reply": [t.bo_id]})).await.unwrap();
        assert_eq!(again["reply_expected"][0]["id"], id);
        assert_eq!(list(&t.bo, t.ws, "owed", "open").await["counts"]["owed_open"], 3);

        // Bo answers in the thread: met, as of his comment.
        t.app.clock.set(START + 6 * H);
        t.bo.post("comments/add", json!({"thread_id": th["id"], "content": "Here they are"})).await.unwrap();
        let done = list(&t.ana, t.ws, "waiting", "done").await;
        assert_eq!(ids(&done), vec![id]);
        assert_eq!(done["expectations"][0]["resolution"], "answered");
        assert_eq!(done["expectations"][0]["resolved_ts"], START + 6 * H);
        assert_eq!(done["counts"]["waiting_open"], 2);
        t.app.stop().await;
    }

    async fn weekends_and_away_days_do_not_count_and_one_reminder_comes_before_it_is_due(b: Backend) {
        let t = Team::on(b).await;
        bo_in_new_york(&t).await;
        t.app.clock.set(FRIDAY_3PM_NY);
        // Eight hours from Friday 15:00: two on Friday, six on Monday → Monday 15:00 New
        // York (20:00 UTC); the reminder an hour before.
        let monday_3pm = FRIDAY_3PM_NY + 3 * 86_400;
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Review", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        assert_eq!(th["reply_expected"][0]["due_ts"], monday_3pm, "{th}");
        let id = th["reply_expected"][0]["id"].as_i64().unwrap();

        // Bo focuses Monday 13:00–15:00: the reminder is written then, its push waits.
        let focus = json!([{"weekday": 1, "start": "13:00", "end": "15:00"}]);
        t.bo.post("schedules/update", json!({"dnd": focus})).await.unwrap();
        t.app.clock.set(monday_3pm - H - 60);
        t.app.step_workers().await;
        assert!(notifications_of(&t.bo, "reply_due").await.is_empty(), "no reminder yet");
        let held = t.app.pending_pushes(t.bo_id).await;
        t.app.clock.set(monday_3pm - H);
        t.app.step_workers().await;
        let reminders = notifications_of(&t.bo, "reply_due").await;
        assert_eq!(reminders.len(), 1, "one reminder");
        assert_eq!(reminders[0]["thread_id"], th["id"]);
        assert_eq!(reminders[0]["type_id"], 10);
        assert_eq!(t.app.pending_pushes(t.bo_id).await, held + 1, "its push waits for the end of do-not-disturb");

        // Past due: overdue on both sides, and no second reminder.
        let mut ana = t.ana.stream(t.ws, None).await.unwrap();
        ana.drain(Duration::from_millis(200)).await;
        t.app.clock.set(monday_3pm);
        t.app.step_workers().await;
        let mut overdue = None;
        while let Some(e) = ana.next(Duration::from_secs(5)).await {
            if e.event == "expectation_overdue" {
                overdue = Some(e);
                break;
            }
        }
        assert_eq!(overdue.expect("Ana hears it is overdue").data["data"]["id"], id);
        let waiting = list(&t.ana, t.ws, "waiting", "overdue").await;
        assert_eq!(ids(&waiting), vec![id]);
        assert_eq!(waiting["expectations"][0]["state"], "overdue");
        assert_eq!(waiting["counts"]["waiting_overdue"], 1);
        assert_eq!(list(&t.bo, t.ws, "owed", "open").await["counts"]["owed_overdue"], 1);
        t.app.clock.set(monday_3pm + 86_400);
        t.app.step_workers().await;
        assert_eq!(notifications_of(&t.bo, "reply_due").await.len(), 1, "no nagging");

        // An away period pauses the clock: asked Monday 16:00 (one hour left that day),
        // Bo then takes Tuesday and Wednesday off: due Thursday 16:00, not Tuesday.
        t.app.clock.set(FRIDAY_3PM_NY + 3 * 86_400 + H);
        let th2 = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Plan", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        let tuesday_4pm = FRIDAY_3PM_NY + 4 * 86_400 + H;
        assert_eq!(th2["reply_expected"][0]["due_ts"], tuesday_4pm);
        let away = json!({"type": "vacation", "date_from": "2026-12-01", "date_to": "2026-12-02", "note": "Moving house"});
        t.bo.post("users/update", json!({"away_mode": away})).await.unwrap();
        let owed = list(&t.bo, t.ws, "owed", "open").await;
        let moved = owed["expectations"].as_array().unwrap().iter().find(|e| e["thread_id"] == th2["id"]).unwrap().clone();
        assert_eq!(moved["due_ts"], tuesday_4pm + 2 * 86_400, "{owed}");
        // Back early: the time already passed stays passed, the days back count again.
        t.bo.post("users/update", json!({"away_mode": ""})).await.unwrap();
        let owed = list(&t.bo, t.ws, "owed", "open").await;
        let back = owed["expectations"].as_array().unwrap().iter().find(|e| e["thread_id"] == th2["id"]).unwrap().clone();
        assert_eq!(back["due_ts"], tuesday_4pm);
        t.app.stop().await;
    }

    async fn due_times_follow_days_off_and_daylight_saving(b: Backend) {
        let t = Team::on(b).await;
        bo_in_new_york(&t).await;
        // Friday 2027-03-12 15:00 EST (20:00 UTC); New York moves to EDT on Sunday the 14th.
        let friday = 1_804_809_600 + 20 * H;
        t.app.clock.set(friday);
        let preview = |hours_by: Option<i64>| {
            let mut p = json!({"channel_id": t.general, "user_ids": [t.bo_id]});
            if let Some(by) = hours_by {
                p["reply_by_ts"] = json!(by);
            }
            p
        };
        t.ana.post("workspaces/update", json!({"id": t.ws, "expected_response_hours": 4})).await.unwrap();
        // Two hours on Friday, two on Monday from 09:00 EDT (13:00 UTC): 15:00 UTC.
        let due = t.ana.get("expectations/preview", preview(None)).await.unwrap();
        assert_eq!(due, json!([{"user_id": t.bo_id, "due_ts": friday + 2 * 86_400 + 19 * H, "working_minutes": 240}]));
        // Mondays off: Tuesday instead.
        t.bo.post("users/update", json!({"off_days": [1, 6, 7]})).await.unwrap();
        let due = t.ana.get("expectations/preview", preview(None)).await.unwrap();
        assert_eq!(due[0]["due_ts"], friday + 3 * 86_400 + 19 * H);
        // A due time of the requester's is kept; its working time is what lies before it.
        let by = friday + 3 * 86_400 + 18 * H; // Tuesday 10:00 EDT (14:00 UTC)
        let due = t.ana.get("expectations/preview", preview(Some(by))).await.unwrap();
        assert_eq!(due[0]["due_ts"], by);
        assert_eq!(due[0]["working_minutes"], 180);
        t.app.stop().await;
    }

    async fn only_the_two_sides_see_resolve_or_withdraw_an_expectation(b: Backend) {
        let t = Team::on(b).await;
        let ask = |title: &'static str| {
            let t = &t;
            async move {
                let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": title, "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
                th["reply_expected"][0]["id"].as_i64().unwrap()
            }
        };
        let first = ask("One").await;
        // Bo says no answer is needed; Ana cannot resolve on his behalf; nobody twice.
        assert_eq!(call(&t.ana, weft::api::Verb::Post, "expectations/resolve", &json!({"id": first, "resolution": "answered"})).await.0, 403);
        let r = t.bo.post("expectations/resolve", json!({"id": first, "resolution": "no_reply_needed"})).await.unwrap();
        assert_eq!((r["state"].clone(), r["resolution"].clone()), (json!("done"), json!("no_reply_needed")));
        assert_eq!(call(&t.bo, weft::api::Verb::Post, "expectations/resolve", &json!({"id": first, "resolution": "answered"})).await.0, 409);
        // Ana withdraws the second; Bo cannot.
        let second = ask("Two").await;
        assert_eq!(call(&t.bo, weft::api::Verb::Post, "expectations/withdraw", &json!({"id": second})).await.0, 403);
        assert_eq!(t.ana.post("expectations/withdraw", json!({"id": second})).await.unwrap()["resolution"], "withdrawn");
        // Outsiders: not found, as for an id that does not exist.
        let third = ask("Three").await;
        for (who, c) in [("Gus", &t.gus), ("Oz", &t.oz)] {
            let (status, _) = call(c, weft::api::Verb::Post, "expectations/resolve", &json!({"id": third, "resolution": "answered"})).await;
            assert_eq!(status, 404, "{who}");
        }
        assert_eq!(list(&t.gus, t.ws, "waiting", "open").await["expectations"], json!([]));

        // Someone who cannot see the thread is not asked: they are among those not notified.
        let th = t.ana.post("threads/add", json!({"channel_id": t.private, "title": "Secret", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        assert_eq!(th["reply_expected"], json!([]));
        assert_eq!(th["not_notified"], json!([{"user_id": t.bo_id, "reason": "not_in_private_channel"}]));
        // Bo is taken out of a private channel: what he owes there leaves his lists, and he
        // can no longer resolve it.
        let design = t.ana.add_channel(t.ws, "design", false, &[t.bo_id]).await.unwrap().id.0;
        let th = t.ana.post("threads/add", json!({"channel_id": design, "title": "Logo", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        let hidden = th["reply_expected"][0]["id"].as_i64().unwrap();
        assert!(ids(&list(&t.bo, t.ws, "owed", "open").await).contains(&hidden));
        t.ana.post("channels/remove_users", json!({"id": design, "user_ids": [t.bo_id]})).await.unwrap();
        let owed = list(&t.bo, t.ws, "owed", "open").await;
        assert_eq!(ids(&owed), vec![third], "{owed}");
        assert_eq!(owed["counts"]["owed_open"], 1);
        let (status, _) = call(&t.bo, weft::api::Verb::Post, "expectations/resolve", &json!({"id": hidden, "resolution": "answered"})).await;
        assert_eq!(status, 404);
        // So does a thread moved to a channel he cannot see.
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Moving", "content": "?", "request_reply": [t.bo_id]})).await.unwrap();
        let moving = th["reply_expected"][0]["id"].as_i64().unwrap();
        assert!(ids(&list(&t.bo, t.ws, "owed", "open").await).contains(&moving));
        t.ana.post("threads/move_to_channel", json!({"id": th["id"], "to_channel": t.private})).await.unwrap();
        assert!(!ids(&list(&t.bo, t.ws, "owed", "open").await).contains(&moving));
        assert!(ids(&list(&t.ana, t.ws, "waiting", "open").await).contains(&moving), "Ana, who sees #private, still waits");

        // Bad requests change nothing.
        let before = t.ana.get("threads/get", json!({"channel_id": t.general})).await.unwrap().as_array().unwrap().len();
        let bad = [
            json!({"channel_id": t.general, "title": "x", "content": "x", "request_reply": [t.ana_id]}),
            json!({"channel_id": t.general, "title": "x", "content": "x", "request_reply": [t.bo_id], "reply_by_ts": START - 1}),
            json!({"channel_id": t.general, "title": "x", "content": "x", "reply_by_ts": START + H}),
        ];
        for params in bad {
            let (status, body) = call(&t.ana, weft::api::Verb::Post, "threads/add", &params).await;
            assert_eq!(status, 400, "{params} → {body}");
            assert!(body["error_string"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
        }
        let after = t.ana.get("threads/get", json!({"channel_id": t.general})).await.unwrap().as_array().unwrap().len();
        assert_eq!(before, after);
        t.app.stop().await;
    }

    async fn a_direct_message_asks_and_the_next_message_answers(b: Backend) {
        let t = Team::on(b).await;
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let m = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "Lunch?", "request_reply": [t.bo_id]})).await.unwrap();
        let asked = &m["reply_expected"][0];
        assert_eq!((asked["conversation_id"].clone(), asked["message_id"].clone()), (conv["id"].clone(), m["id"].clone()));
        // Gus is not in the conversation: not asked, and said so.
        let m2 = t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "Gus?", "request_reply": [t.gus_id]})).await.unwrap();
        assert_eq!(m2["reply_expected"], json!([]));
        assert_eq!(m2["not_notified"], json!([{"user_id": t.gus_id, "reason": "not_in_conversation"}]));
        // Ana's own later message answers nothing; Bo's does.
        t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "Bo?"})).await.unwrap();
        assert_eq!(list(&t.ana, t.ws, "waiting", "open").await["counts"]["waiting_open"], 1);
        t.bo.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "Sure"})).await.unwrap();
        let done = list(&t.ana, t.ws, "waiting", "done").await;
        assert_eq!(ids(&done), vec![asked["id"].as_i64().unwrap()]);
        assert_eq!(done["counts"]["waiting_open"], 0);
        t.app.stop().await;
    }
}
