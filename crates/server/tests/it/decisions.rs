//! Deciding in writing: a thread's DRI, status and decision due date; the decision marked by
//! the DRI (replaceable, history kept); the decision log, its search and its export; and
//! meetings that must give a reason, open an agenda thread, hand out calendar entries and
//! leave their organizer owing the outcomes.

use crate::helpers::*;
use serde_json::{Value, json};
use weft::api::Verb::{Get, Post};

const H: i64 = 3600;

async fn owed(c: &weft_client::Client, ws: i64, state: &str) -> Vec<Value> {
    let l = c.get("expectations/get", json!({"workspace_id": ws, "role": "owed", "state": state})).await.unwrap();
    l["expectations"].as_array().unwrap().clone()
}

async fn waiting(c: &weft_client::Client, ws: i64) -> Vec<Value> {
    let l =
        c.get("expectations/get", json!({"workspace_id": ws, "role": "waiting", "state": "pending"})).await.unwrap();
    l["expectations"].as_array().unwrap().clone()
}

fn of_kind<'a>(list: &'a [Value], kind: &str) -> Vec<&'a Value> {
    list.iter().filter(|e| e["kind"] == kind).collect()
}

async fn log(c: &weft_client::Client, params: Value) -> Vec<Value> {
    c.get("decisions/get", params).await.unwrap().as_array().unwrap().clone()
}

both_backends! {
    async fn the_dri_decides_by_the_due_date_and_the_log_keeps_every_decision(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Pick a database", "content": "Which one?"})).await.unwrap();
        let id = th["id"].clone();
        assert_eq!(th["status"], "open");
        let c1 = t.bo.post("comments/add", json!({"thread_id": id, "content": "Plan B: PostgreSQL, with SQLite for tests"})).await.unwrap();
        let c2 = t.ana.post("comments/add", json!({"thread_id": id, "content": "Plan C: both, chosen per install"})).await.unwrap();

        // The author names Bo the DRI, due in two days.
        let due = START + 2 * 86_400;
        let up = t.ana.post("threads/update", json!({"id": id, "dri_id": t.bo_id, "decision_due_ts": due})).await.unwrap();
        assert_eq!((up["dri_id"].clone(), up["decision_due_ts"].clone(), up["status"].clone()), (json!(t.bo_id), json!(due), json!("open")));
        assert_eq!(up["title"], "Pick a database", "steering is not an edit");
        // Bo is told he decides.
        let told = t.bo.get("notifications/get", json!({})).await.unwrap();
        let told = told.get("notifications").unwrap_or(&told).as_array().unwrap().clone();
        let dri: Vec<&Value> = told.iter().filter(|n| n["reason"] == "dri_assigned").collect();
        assert_eq!(dri.len(), 1, "{told:?}");
        assert_eq!((dri[0]["thread_id"].clone(), dri[0]["type_id"].clone()), (id.clone(), json!(12)));
        assert!(up.get("last_edited_ts").is_none(), "{up}");
        // It is in Bo's Owed view, and Ana waits for it.
        let bo_owes = owed(&t.bo, t.ws, "open").await;
        let decision = of_kind(&bo_owes, "decision");
        assert_eq!(decision.len(), 1, "{bo_owes:?}");
        assert_eq!((decision[0]["thread_id"].clone(), decision[0]["due_ts"].clone(), decision[0]["title"].clone()), (id.clone(), json!(due), json!("Pick a database")));
        assert_eq!(of_kind(&waiting(&t.ana, t.ws).await, "decision").len(), 1);

        // Nobody else marks it; nobody outside sees the thread to try.
        let (status, body) = call(&t.bo, Post, "threads/update", &json!({"id": id, "title": "Renamed"})).await;
        assert_eq!(status, 403, "the DRI steers but does not edit: {body}");
        for (c, code) in [(&t.gus, 404), (&t.oz, 404)] {
            let (status, _) = call(c, Post, "comments/mark_decision", &json!({"id": c1["id"]})).await;
            assert_eq!(status, code);
            let (status, _) = call(c, Post, "threads/update", &json!({"id": id, "status": "closed"})).await;
            assert_eq!(status, code);
        }
        // Bad input changes nothing.
        for (params, arg) in [
            (json!({"id": id, "decision_due_ts": START - 1}), "decision_due_ts"),
            (json!({"id": id, "dri_id": t.gus_id}), "dri_id"),
        ] {
            let (status, body) = call(&t.ana, Post, "threads/update", &params).await;
            assert_eq!((status, body["error_extra"]["argument"].clone()), (400, json!(arg)), "{body}");
        }
        let (status, _) = call(&t.ana, Post, "threads/update", &json!({"id": id, "status": "maybe"})).await;
        assert_eq!(status, 400);
        let (status, _) = call(&t.ana, Post, "threads/update", &json!({"id": id, "dri_id": t.oz_id})).await;
        assert_eq!(status, 404, "a stranger cannot be the DRI");
        let same = t.ana.get("threads/getone", json!({"id": id})).await.unwrap();
        assert_eq!((same["dri_id"].clone(), same["decision_due_ts"].clone()), (json!(t.bo_id), json!(due)));

        // Bo marks Plan B: the thread is decided, the expectation met.
        t.app.clock.set(START + H);
        let decided = t.bo.post("comments/mark_decision", json!({"id": c1["id"]})).await.unwrap();
        assert_eq!(decided["status"], "decided");
        assert_eq!(decided["status_by"], t.bo_id);
        assert_eq!(decided["status_ts"], START + H);
        assert_eq!(decided["decision_comment_id"], c1["id"]);
        assert!(of_kind(&owed(&t.bo, t.ws, "open").await, "decision").is_empty());
        let done = owed(&t.bo, t.ws, "done").await;
        assert_eq!(of_kind(&done, "decision")[0]["resolution"], "answered");

        // The log, newest first, searchable, only what the reader sees.
        let entries = log(&t.gus, json!({"workspace_id": t.ws})).await;
        assert!(entries.is_empty(), "the guest does not see #general");
        let entries = log(&t.ana, json!({"workspace_id": t.ws})).await;
        assert_eq!(entries.len(), 1);
        let d = &entries[0];
        assert_eq!((d["thread_id"].clone(), d["comment_id"].clone(), d["marked_by"].clone(), d["author_id"].clone(), d["dri_id"].clone()), (id.clone(), c1["id"].clone(), json!(t.bo_id), json!(t.bo_id), json!(t.bo_id)));
        assert_eq!((d["channel_name"].clone(), d["thread_title"].clone()), (json!("General"), json!("Pick a database")));
        assert_eq!(log(&t.ana, json!({"workspace_id": t.ws, "query": "postgresql"})).await.len(), 1);
        assert_eq!(log(&t.ana, json!({"workspace_id": t.ws, "query": "database plan"})).await.len(), 1, "words of the title and the decision");
        assert_eq!(log(&t.ana, json!({"workspace_id": t.ws, "query": "mongo"})).await.len(), 0);
        assert_eq!(log(&t.ana, json!({"workspace_id": t.ws, "query": "100%"})).await.len(), 0, "% is a character, not a wildcard");
        assert_eq!(log(&t.ana, json!({"workspace_id": t.ws, "from": START + 2 * H})).await.len(), 0);

        // A decision elsewhere that Bo cannot see stays out of his log.
        let secret = t.ana.post("threads/add", json!({"channel_id": t.private, "title": "Salaries", "content": "?"})).await.unwrap();
        let sc = t.ana.post("comments/add", json!({"thread_id": secret["id"], "content": "Raise all by 3"})).await.unwrap();
        t.ana.post("comments/mark_decision", json!({"id": sc["id"]})).await.unwrap();
        assert_eq!(log(&t.ana, json!({"workspace_id": t.ws})).await.len(), 2);
        assert_eq!(log(&t.bo, json!({"workspace_id": t.ws})).await.len(), 1);
        let (status, _) = call(&t.bo, Get, "decisions/get", &json!({"workspace_id": t.ws, "channel_id": t.private})).await;
        assert_eq!(status, 404);
        let (status, _) = call(&t.bo, Get, "decisions/get", &json!({"workspace_id": t.ws, "thread_id": secret["id"]})).await;
        assert_eq!(status, 404);
        let (status, _) = call(&t.oz, Get, "decisions/get", &json!({"workspace_id": t.ws})).await;
        assert_eq!(status, 404);

        // Only the DRI (or an admin) decides: with Ana as DRI, Bo may not.
        t.ana.post("threads/update", json!({"id": id, "dri_id": t.ana_id})).await.unwrap();
        let (status, body) = call(&t.bo, Post, "comments/mark_decision", &json!({"id": c2["id"]})).await;
        assert_eq!(status, 403, "{body}");
        // Ana replaces the decision: the log shows the new one, the history both.
        t.app.clock.set(START + 2 * H);
        let replaced = t.ana.post("comments/mark_decision", json!({"id": c2["id"]})).await.unwrap();
        assert_eq!(replaced["decision_comment_id"], c2["id"]);
        let current = log(&t.bo, json!({"workspace_id": t.ws})).await;
        assert_eq!(current.len(), 1);
        assert_eq!(current[0]["comment_id"], c2["id"]);
        let history = log(&t.bo, json!({"workspace_id": t.ws, "thread_id": id})).await;
        assert_eq!(history.iter().map(|d| d["comment_id"].clone()).collect::<Vec<_>>(), vec![c2["id"].clone(), c1["id"].clone()]);
        assert_eq!((history[1]["replaced_by"].clone(), history[1]["replaced_ts"].clone()), (json!(t.ana_id), json!(START + 2 * H)));
        assert!(history[0].get("replaced_ts").is_none());

        // Exports, in the reader's time zone.
        t.bo.post("schedules/update", json!({"timezone": "Asia/Tokyo"})).await.unwrap();
        let md = t.bo.get("decisions/export", json!({"workspace_id": t.ws, "format": "markdown"})).await.unwrap();
        assert!(md["file_name"].as_str().unwrap().ends_with(".md"), "{md}");
        let text = md["content"].as_str().unwrap();
        assert!(text.starts_with("# Decisions — Acme\n"), "{text}");
        assert!(text.contains("## Pick a database\n"), "{text}");
        assert!(text.contains("> Plan C: both, chosen per install\n"), "{text}");
        // 11:00 UTC is 20:00 in Tokyo.
        assert!(text.contains("#General · decided Mon 23 Nov 20:00 by Ana"), "{text}");
        assert!(!text.contains("Salaries"), "{text}");
        let csv = t.ana.get("decisions/export", json!({"workspace_id": t.ws, "format": "csv"})).await.unwrap();
        let text = csv["content"].as_str().unwrap();
        assert_eq!(csv["content_type"], "text/csv; charset=utf-8");
        assert!(text.starts_with("decided_at,channel,thread_id,thread,decision,written_by,marked_by,dri\r\n"), "{text}");
        assert!(text.contains(",\"Plan C: both, chosen per install\",Ana,Ana,Ana\r\n"), "{text}");
        assert_eq!(text.lines().count(), 3, "a header and two decisions: {text}");

        // Closing and reopening: status follows; a reopened thread is decided again.
        let closed = t.ana.post("threads/update", json!({"id": id, "status": "closed"})).await.unwrap();
        assert_eq!((closed["status"].clone(), closed["closed"].clone()), (json!("closed"), json!(true)));
        let reopened = t.ana.post("comments/add", json!({"thread_id": id, "content": "One more thing", "thread_action": "reopen"})).await.unwrap();
        assert_eq!(reopened["thread_id"], id);
        let th = t.ana.get("threads/getone", json!({"id": id})).await.unwrap();
        assert_eq!((th["status"].clone(), th["closed"].clone()), (json!("decided"), json!(false)));
        // Taking the mark back opens it; deleting the decided comment does too.
        let open = t.ana.post("comments/unmark_decision", json!({"id": c2["id"]})).await.unwrap();
        assert_eq!(open["status"], "open");
        assert!(open.get("decision_comment_id").is_none());
        let (status, _) = call(&t.ana, Post, "comments/unmark_decision", &json!({"id": c2["id"]})).await;
        assert_eq!(status, 400, "not the decision any more");
        t.ana.post("comments/mark_decision", json!({"id": c1["id"]})).await.unwrap();
        t.bo.post("comments/remove", json!({"id": c1["id"]})).await.unwrap();
        let th = t.ana.get("threads/getone", json!({"id": id})).await.unwrap();
        assert_eq!(th["status"], "open");
        assert!(th.get("decision_comment_id").is_none());
        assert!(log(&t.ana, json!({"workspace_id": t.ws, "channel_id": t.general})).await.is_empty());
        t.app.stop().await;
    }

    async fn a_decision_past_due_turns_overdue_and_a_new_dri_owes_it_afresh(b: Backend) {
        let t = Team::on(b).await;
        let th = t.bo.post("threads/add", json!({"channel_id": t.general, "title": "Offsite", "content": "Where?"})).await.unwrap();
        // Bo names himself: he owes it, and waits for nobody.
        t.bo.post("threads/update", json!({"id": th["id"], "dri_id": t.bo_id, "decision_due_ts": START + 3 * H})).await.unwrap();
        assert_eq!(of_kind(&owed(&t.bo, t.ws, "open").await, "decision").len(), 1);
        assert!(waiting(&t.bo, t.ws).await.is_empty(), "nobody waits for themselves");
        t.app.clock.set(START + 3 * H);
        t.app.step_workers().await;
        let overdue = owed(&t.bo, t.ws, "overdue").await;
        assert_eq!(of_kind(&overdue, "decision").len(), 1, "{overdue:?}");
        // The author hands it to Ana with a new date: Bo no longer owes it, Ana does.
        t.bo.post("threads/update", json!({"id": th["id"], "dri_id": t.ana_id, "decision_due_ts": START + 30 * H})).await.unwrap();
        assert!(of_kind(&owed(&t.bo, t.ws, "pending").await, "decision").is_empty());
        let ana = owed(&t.ana, t.ws, "open").await;
        assert_eq!(of_kind(&ana, "decision").len(), 1);
        assert_eq!(of_kind(&ana, "decision")[0]["requester_id"], t.bo_id);
        // Clearing the date drops it.
        t.bo.post("threads/update", json!({"id": th["id"], "decision_due_ts": 0})).await.unwrap();
        assert!(of_kind(&owed(&t.ana, t.ws, "pending").await, "decision").is_empty());
        let th = t.bo.get("threads/getone", json!({"id": th["id"]})).await.unwrap();
        assert!(th.get("decision_due_ts").is_none(), "{th}");
        assert_eq!(th["dri_id"], t.ana_id);
        let th = t.bo.post("threads/update", json!({"id": th["id"], "dri_id": 0})).await.unwrap();
        assert!(th.get("dri_id").is_none(), "{th}");
        t.app.stop().await;
    }
}

/// Tuesday 2026-11-24, 15:00 UTC (midnight in Tokyo).
const TUESDAY_3PM: i64 = START + 86_400 + 6 * H;

fn meeting(t: &Team, reason: &str) -> Value {
    json!({
        "workspace_id": t.ws,
        "title": "Q1 kickoff",
        "reason": reason,
        "attendee_ids": [t.bo_id],
        "starts_ts": TUESDAY_3PM,
        "duration_min": 30,
        "agenda": "1. Goals\n2. Owners",
    })
}

both_backends! {
    async fn a_meeting_gives_its_reason_tells_its_attendees_and_its_organizer_owes_the_outcomes(b: Backend) {
        let t = Team::on(b).await;
        t.bo.post("schedules/update", json!({"timezone": "Asia/Tokyo"})).await.unwrap();

        // A status update is no reason to meet: a thread is suggested instead.
        let (status, body) = call(&t.ana, Post, "meetings/add", &meeting(&t, "status_update")).await;
        assert_eq!((status, body["error_extra"]["argument"].clone()), (400, json!("reason")), "{body}");
        assert!(body["error_string"].as_str().unwrap().contains("start a thread instead"), "{body}");
        // Other bad input: nothing is written.
        for (change, arg) in [
            (json!({"duration_min": 2}), "duration_min"),
            (json!({"starts_ts": START - 60}), "starts_ts"),
            (json!({"attendee_ids": []}), "attendee_ids"),
            (json!({"attendee_ids": [t.gus_id]}), "attendee_ids"),
            (json!({"agenda": "  "}), "agenda"),
        ] {
            let mut params = meeting(&t, "kickoff");
            params.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
            let (status, body) = call(&t.ana, Post, "meetings/add", &params).await;
            assert_eq!((status, body["error_extra"]["argument"].clone()), (400, json!(arg)), "{params}: {body}");
        }
        assert!(t.ana.get("meetings/get", json!({"workspace_id": t.ws})).await.unwrap().as_array().unwrap().is_empty());
        let (status, _) = call(&t.oz, Post, "meetings/add", &meeting(&t, "kickoff")).await;
        assert_eq!(status, 404, "not in the workspace");

        let planned = t.ana.post("meetings/add", meeting(&t, "kickoff")).await.unwrap();
        let m = &planned["meeting"];
        let id = m["id"].clone();
        assert_eq!((m["reason"].clone(), m["ends_ts"].clone(), m["channel_id"].clone()), (json!("kickoff"), json!(TUESDAY_3PM + 1800), json!(t.general)));
        assert_eq!(m["outcomes_owed"], false);
        // Midnight in Tokyo: Bo is warned about; Ana (UTC, 15:00) is not.
        let outside = planned["outside_working_hours"].as_array().unwrap();
        assert_eq!(outside.len(), 1, "{planned}");
        assert_eq!((outside[0]["user_id"].clone(), outside[0]["local_start"].clone(), outside[0]["timezone"].clone(), outside[0]["working_minutes"].clone()), (json!(t.bo_id), json!("Wed 25 Nov 00:00"), json!("Asia/Tokyo"), json!(0)));

        // The agenda thread tells Bo (in his inbox, like any post for him).
        let thread = t.ana.get("threads/getone", json!({"id": m["thread_id"]})).await.unwrap();
        assert_eq!(thread["title"], "Q1 kickoff");
        assert!(thread["content"].as_str().unwrap().contains("**Meeting** · Kickoff"), "{thread}");
        assert!(thread["content"].as_str().unwrap().contains("1. Goals"), "{thread}");
        t.app.node().fanned_out().await;
        let inbox = t.bo.get("inbox/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(inbox.to_string().contains(&format!("\"id\":{}", m["thread_id"])), "{inbox}");

        // A calendar entry in each person's own time zone.
        let ics = t.bo.get("meetings/ics", json!({"id": id})).await.unwrap();
        assert_eq!(ics["content_type"], "text/calendar; charset=utf-8");
        let text = ics["content"].as_str().unwrap();
        assert!(text.contains("DTSTART;TZID=Asia/Tokyo:20261125T000000\r\n"), "{text}");
        assert!(text.contains("DTEND;TZID=Asia/Tokyo:20261125T003000\r\n"), "{text}");
        assert!(text.contains("SUMMARY:Q1 kickoff\r\n"), "{text}");
        assert!(text.contains("ATTENDEE;CN=\"Bo\";ROLE=REQ-PARTICIPANT:mailto:bo@example.test\r\n"), "{text}");
        let text = t.ana.get("meetings/ics", json!({"id": id})).await.unwrap()["content"].as_str().unwrap().to_string();
        assert!(text.contains("DTSTART;TZID=UTC:20261124T150000\r\n"), "{text}");

        // Who sees it: the guest and the stranger do not.
        for c in [&t.gus, &t.oz] {
            for path in ["meetings/getone", "meetings/ics"] {
                let (status, _) = call(c, Get, path, &json!({"id": id})).await;
                assert_eq!(status, 404, "{path}");
            }
        }
        assert!(t.gus.get("meetings/get", json!({"workspace_id": t.ws})).await.unwrap().as_array().unwrap().is_empty());
        assert_eq!(t.bo.get("meetings/get", json!({"workspace_id": t.ws})).await.unwrap().as_array().unwrap().len(), 1);

        // Before it ends nothing is owed; after, Ana owes the outcomes.
        assert!(of_kind(&owed(&t.ana, t.ws, "pending").await, "outcomes").is_empty());
        let (status, _) = call(&t.ana, Post, "meetings/post_outcomes", &json!({"id": id, "content": "Too early"})).await;
        assert_eq!(status, 400, "not started yet");
        t.app.clock.set(TUESDAY_3PM + 1800);
        let owes = owed(&t.ana, t.ws, "open").await;
        assert_eq!(of_kind(&owes, "outcomes").len(), 1, "{owes:?}");
        assert_eq!(of_kind(&owes, "outcomes")[0]["thread_id"], m["thread_id"]);
        assert!(waiting(&t.ana, t.ws).await.is_empty());
        let listed = t.ana.get("meetings/getone", json!({"id": id})).await.unwrap();
        assert_eq!(listed["outcomes_owed"], true);
        // A day later it is overdue.
        t.app.clock.set(TUESDAY_3PM + 1800 + 86_400);
        t.app.step_workers().await;
        assert_eq!(of_kind(&owed(&t.ana, t.ws, "overdue").await, "outcomes").len(), 1);

        // Only the organizer writes them; with `decision`, they are the thread's decision.
        let (status, _) = call(&t.bo, Post, "meetings/post_outcomes", &json!({"id": id, "content": "Mine"})).await;
        assert_eq!(status, 403);
        let posted = t.ana.post("meetings/post_outcomes", json!({"id": id, "content": "Ship in March; Bo owns it", "decision": true})).await.unwrap();
        assert_eq!(posted["meeting"]["outcomes_owed"], false);
        let comment_id = posted["comment"]["id"].clone();
        assert_eq!(posted["meeting"]["outcomes_comment_id"], comment_id);
        assert!(posted["comment"]["content"].as_str().unwrap().contains("Ship in March"));
        assert!(of_kind(&owed(&t.ana, t.ws, "pending").await, "outcomes").is_empty());
        let decisions = log(&t.bo, json!({"workspace_id": t.ws})).await;
        assert_eq!((decisions[0]["comment_id"].clone(), decisions[0]["meeting_id"].clone()), (comment_id, id.clone()));
        let thread = t.bo.get("threads/getone", json!({"id": m["thread_id"]})).await.unwrap();
        assert_eq!(thread["status"], "decided");
        t.app.stop().await;
    }

    async fn a_cancelled_meeting_owes_nothing_and_says_so_in_its_thread(b: Backend) {
        let t = Team::on(b).await;
        let planned = t.ana.post("meetings/add", meeting(&t, "brainstorming")).await.unwrap();
        let id = planned["meeting"]["id"].clone();
        let (status, _) = call(&t.bo, Post, "meetings/cancel", &json!({"id": id})).await;
        assert_eq!(status, 403, "only the organizer or an admin");
        let cancelled = t.ana.post("meetings/cancel", json!({"id": id})).await.unwrap();
        assert_eq!(cancelled["cancelled_ts"], START);
        let comments = t.bo.get("comments/get", json!({"thread_id": planned["meeting"]["thread_id"]})).await.unwrap();
        assert!(comments.to_string().contains("**Cancelled**"), "{comments}");
        let ics = t.bo.get("meetings/ics", json!({"id": id})).await.unwrap();
        assert!(ics["content"].as_str().unwrap().contains("STATUS:CANCELLED"), "{ics}");
        t.app.clock.set(TUESDAY_3PM + 3600);
        assert!(of_kind(&owed(&t.ana, t.ws, "pending").await, "outcomes").is_empty());
        assert_eq!(t.ana.get("meetings/getone", json!({"id": id})).await.unwrap()["outcomes_owed"], false);
        let (status, _) = call(&t.ana, Post, "meetings/post_outcomes", &json!({"id": id, "content": "x"})).await;
        assert_eq!(status, 400);
        let (status, _) = call(&t.ana, Post, "meetings/cancel", &json!({"id": id})).await;
        assert_eq!(status, 409, "already cancelled");
        t.app.stop().await;
    }
}

both_backends! {
    async fn every_attendee_hears_of_a_meeting_live(b: Backend) {
        let t = Team::on(b).await;
        let sam = t.app.account("Sam").await.id.0;
        t.app.join(&t.ana, t.ws, sam, "USER").await;
        let sam_client = t.app.session(sam).await;
        let mut streams = vec![t.bo.stream(t.ws, None).await.unwrap(), sam_client.stream(t.ws, None).await.unwrap()];
        for s in &mut streams {
            s.drain(std::time::Duration::from_millis(200)).await;
        }
        let mut params = meeting(&t, "kickoff");
        params["attendee_ids"] = json!([t.bo_id, sam]);
        let planned = t.ana.post("meetings/add", params).await.unwrap();
        for s in &mut streams {
            let mut heard = None;
            while let Some(e) = s.next(std::time::Duration::from_secs(5)).await {
                if e.event == "meeting_added" {
                    heard = Some(e);
                    break;
                }
            }
            assert_eq!(heard.expect("meeting_added on each attendee's stream").data["data"]["id"], planned["meeting"]["id"]);
        }
        t.app.stop().await;
    }
}
