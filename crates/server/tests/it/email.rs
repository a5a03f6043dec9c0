//! Email, end to end: a post notifies Bo, his push waits for his working hours, and the
//! email arrives at a real SMTP server on loopback — once, with both parts, links and a
//! way out; through SMTP outages, restarts and several nodes.

use crate::helpers::*;
use crate::smtp::{Mail, Mode, SmtpSink};
use serde_json::{Value, json};
use std::time::Duration;
use weft::{Config, Server, Worker};

const PUBLIC: &str = "https://weft.acme.test";

fn with_mail(sink: &SmtpSink) -> impl FnOnce(&mut Config) + use<> {
    let url = sink.url();
    move |c: &mut Config| {
        c.smtp_url = Some(url);
        c.mail_from = Some("Weft <weft@acme.test>".into());
        c.public_url = Some(PUBLIC.into());
    }
}

/// What each node does every second: due pushes, then a round of mail. Answers the emails
/// to Bo received so far.
async fn round(t: &Team, sink: &SmtpSink) -> Vec<Mail> {
    t.app.step_workers().await;
    to_bo(sink)
}

fn to_bo(sink: &SmtpSink) -> Vec<Mail> {
    sink.mails().into_iter().filter(|m| m.to == ["bo@example.test"]).collect()
}

fn about<'a>(mails: &'a [Mail], title: &str) -> Vec<&'a Mail> {
    mails.iter().filter(|m| m.subject().contains(title) || m.text.contains(title)).collect()
}

async fn thread_for_bo(t: &Team, title: &str) -> Value {
    t.ana
        .post(
            "threads/add",
            json!({"channel_id": t.general, "title": title, "content": "Body of it", "recipients": [t.bo_id]}),
        )
        .await
        .unwrap()
}

async fn mail_status(t: &Team) -> weft_core::store::MailStatus {
    let store = t.app.server.as_ref().unwrap().app.store.clone();
    store.read(|tx| tx.mail_status(20)).await.unwrap()
}

both_backends! {
    async fn email_waits_for_working_hours_and_arrives_once_with_both_parts(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        round(&t, &sink).await;

        // Friday 18:00: in Bo's inbox at once, but no email until Monday 09:00 his time.
        t.app.clock.set(START + 4 * 86_400 + 9 * 3600);
        let thread = thread_for_bo(&t, "Friday evening").await;
        assert!(about(&round(&t, &sink).await, "Friday evening").is_empty());
        t.app.clock.set(START + 6 * 86_400 + 12 * 3600); // Sunday noon
        assert!(about(&round(&t, &sink).await, "Friday evening").is_empty());
        t.app.clock.set(START + 7 * 86_400); // Monday 09:00
        round(&t, &sink).await;
        round(&t, &sink).await;
        let mails = to_bo(&sink);
        let got = about(&mails, "Friday evening");
        assert_eq!(got.len(), 1, "exactly one email: {mails:#?}");
        let m = got[0];
        assert_eq!(m.from, "weft@acme.test");
        assert_eq!(m.auth.as_deref(), Some("\0weft\0s3cret"), "signed in with the URL's credentials");
        assert_eq!(m.subject(), "[Acme] Ana started \"Friday evening\" in #General");
        let link = format!("{PUBLIC}/a/{}/ch/{}/t/{}", t.ws, t.general, id(&thread));
        assert!(m.text.contains(&link) && m.text.contains("> Body of it"), "{}", m.text);
        assert!(m.html.contains(&format!("href=\"{link}\"")), "{}", m.html);
        let unsubscribe = m.header("List-Unsubscribe").unwrap();
        assert!(unsubscribe.starts_with(&format!("<{PUBLIC}/mail/unsubscribe?token=")), "{unsubscribe}");
        assert_eq!(m.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
        assert!(m.header("Message-ID").is_some_and(|id| id.ends_with("@acme.test>")));

        // A comment links to itself and quotes what was said.
        let c = t.ana
            .post("comments/add", json!({"thread_id": id(&thread), "content": "Deploy **now**", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        round(&t, &sink).await;
        let mails = to_bo(&sink);
        let got: Vec<&Mail> = mails.iter().filter(|m| m.subject().contains("Ana commented on")).collect();
        assert_eq!(got.len(), 1, "{mails:#?}");
        assert!(got[0].text.contains(&format!("{link}/c/{}", id(&c))), "{}", got[0].text);
        assert!(got[0].text.contains("> Deploy now"), "the excerpt reads as text, without its markup: {}", got[0].text);
        let status = mail_status(&t).await;
        assert_eq!((status.queued, status.sending, status.parked), (0, 0, 0), "{status:?}");

        // Held over the weekend in a private channel Bo is then removed from: never mailed.
        let secret = t.ana.add_channel(t.ws, "secret", false, &[t.bo_id]).await.unwrap();
        t.app.clock.set(START + 11 * 86_400 + 9 * 3600); // Friday 18:00
        t.ana
            .post("threads/add", json!({"channel_id": secret.id.0, "title": "Secret plan", "content": "x", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        round(&t, &sink).await;
        t.ana.post("channels/remove_user", json!({"id": secret.id.0, "user_id": t.bo_id})).await.unwrap();
        t.app.clock.set(START + 14 * 86_400); // Monday 09:00
        round(&t, &sink).await;
        assert!(about(&round(&t, &sink).await, "Secret plan").is_empty(), "not mailed once out of sight");
        t.app.stop().await;
    }

    async fn email_settings_the_unsubscribe_link_and_batches_are_honoured(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        round(&t, &sink).await;

        // Bo wants no email about new threads: the push still reaches his stream, no email.
        t.bo.post("notifications_settings/v2/update", json!({"workspace_id": t.ws, "setting": "email_threads", "value": false}))
            .await
            .unwrap();
        let thread = thread_for_bo(&t, "Quiet thread").await;
        assert!(about(&round(&t, &sink).await, "Quiet thread").is_empty());
        t.ana.post("comments/add", json!({"thread_id": id(&thread), "content": "first reply", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        let mails = round(&t, &sink).await;
        assert_eq!(about(&mails, "first reply").len(), 1, "comments still email: {mails:#?}");
        let link = mails.last().unwrap().header("List-Unsubscribe").unwrap().trim_matches(['<', '>']).to_string();
        let link = link.replace(PUBLIC, &t.app.base);
        // Its secret is stored only as a hash (as sign-in tokens are), nor kept in the sent
        // email's row.
        let token = link.rsplit("token=").next().unwrap().to_string();
        let stored = database_text(&t.app).await;
        assert!(!stored.contains(&token), "the unsubscribe secret is stored in plain text");
        assert!(stored.contains(&weft_core::services::auth::token_hash(&token)), "its hash is");

        // Opening the link changes nothing (mail scanners open links); the button does.
        let http = t.app.anon.http();
        let page = http.get(&link).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("<form method=\"post\""));
        let settings = t.bo.get("notifications_settings/v2/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(settings["email_comments"], true);
        let bad = http.post(format!("{}/mail/unsubscribe?token=nope", t.app.base)).send().await.unwrap();
        assert_eq!(bad.status(), 404);
        let bad = http.get(format!("{}/mail/unsubscribe?token={}", t.app.base, "a".repeat(64))).send().await.unwrap();
        assert_eq!(bad.status(), 404, "a link that is not one says so at once");
        let done = http.post(&link).body("List-Unsubscribe=One-Click").send().await.unwrap();
        assert_eq!(done.status(), 200);
        let settings = t.bo.get("notifications_settings/v2/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(settings["email_comments"], false);
        assert_eq!(settings["desktop_comments"], true, "only email stops");
        t.ana.post("comments/add", json!({"thread_id": id(&thread), "content": "second reply", "recipients": [t.bo_id]}))
            .await
            .unwrap();
        assert!(about(&round(&t, &sink).await, "second reply").is_empty());

        // Back on, hourly: two comments in the hour make one email.
        t.bo.post("notifications_settings/v2/update", json!({"workspace_id": t.ws, "setting": "email_comments", "value": true}))
            .await
            .unwrap();
        t.bo.post("schedules/update", json!({"delivery": "hourly"})).await.unwrap();
        t.app.clock.set(START + 3600 + 600);
        for text in ["batched one", "batched two"] {
            t.ana.post("comments/add", json!({"thread_id": id(&thread), "content": text, "recipients": [t.bo_id]}))
                .await
                .unwrap();
        }
        assert!(about(&round(&t, &sink).await, "batched").is_empty());
        t.app.clock.set(START + 2 * 3600);
        round(&t, &sink).await;
        let mails = round(&t, &sink).await;
        let got = about(&mails, "batched one");
        assert_eq!(got.len(), 1, "{mails:#?}");
        assert_eq!(got[0].subject(), "[Acme] 2 notifications this past hour");
        assert!(got[0].text.contains("batched two") && got[0].html.contains("batched two"));
        // Each email has a link of its own; the earlier ones keep working.
        let newest = got[0].header("List-Unsubscribe").unwrap().trim_matches(['<', '>']).replace(PUBLIC, &t.app.base);
        assert_ne!(newest, link);
        assert_eq!(http.get(&link).send().await.unwrap().status(), 200, "an earlier email's link");
        assert_eq!(http.get(&newest).send().await.unwrap().status(), 200);
        t.app.stop().await;
    }

    async fn direct_messages_are_pushed_and_emailed_quietly(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        round(&t, &sink).await;
        let conv = t.ana
            .post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.ana_id, t.bo_id]}))
            .await
            .unwrap();
        let say = |text: &'static str| {
            let ana = t.ana.clone();
            let id = id(&conv);
            async move { ana.post("conversation_messages/add", json!({"conversation_id": id, "content": text})).await.unwrap() }
        };
        let mut bo = t.bo.stream(t.ws, None).await.unwrap();

        // Friday 18:00: Bo has the message at once in the app, but no push or email until Monday.
        t.app.clock.set(START + 4 * 86_400 + 9 * 3600);
        let m = say("Lunch on Monday?").await;
        assert!(about(&round(&t, &sink).await, "Lunch on Monday").is_empty());
        let notes = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert!(notes.to_string().contains(&format!("\"message_id\":{}", id(&m))), "{notes}");
        t.app.clock.set(START + 7 * 86_400); // Monday 09:00
        round(&t, &sink).await;
        let mails = round(&t, &sink).await;
        let got = about(&mails, "Lunch on Monday");
        assert_eq!(got.len(), 1, "{mails:#?}");
        assert_eq!(got[0].subject(), "[Acme] Ana wrote to you");
        assert!(got[0].text.contains(&format!("{PUBLIC}/a/{}/msg/{}/m/{}", t.ws, id(&conv), id(&m))), "{}", got[0].text);
        let pushed = bo.drain(Duration::from_millis(300)).await;
        assert!(
            pushed.iter().any(|e| e.event == "push" && e.data["data"]["items"][0]["conversation_id"] == conv["id"]),
            "{pushed:?}"
        );

        // Read in the app before its time: dropped. Muted: not even notified.
        t.app.clock.set(START + 11 * 86_400 + 9 * 3600); // Friday 18:00
        say("Already read").await;
        t.bo.post("conversations/mark_read", json!({"id": id(&conv)})).await.unwrap();
        t.bo.post("conversations/mute", json!({"id": id(&conv), "minutes": 60})).await.unwrap();
        let muted = say("While muted").await;
        let notes = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert!(!notes.to_string().contains(&format!("\"message_id\":{}", id(&muted))), "{notes}");
        t.app.clock.set(START + 14 * 86_400); // Monday 09:00
        round(&t, &sink).await;
        let mails = round(&t, &sink).await;
        assert!(about(&mails, "Already read").is_empty() && about(&mails, "While muted").is_empty(), "{mails:#?}");
        t.app.stop().await;
    }

    async fn the_emergency_lane_emails_at_once_even_at_night(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        round(&t, &sink).await;
        let ch = t.ana
            .post("channels/add", json!({"workspace_id": t.ws, "name": "incidents", "public": true, "emergency": true, "user_ids": [t.bo_id]}))
            .await
            .unwrap();
        t.app.clock.set(START + 5 * 86_400 + 17 * 3600); // Saturday 02:00
        t.ana
            .post("threads/add", json!({"channel_id": id(&ch), "title": "Database down", "content": "All hands", "recipients": [t.bo_id], "urgent": true}))
            .await
            .unwrap();
        let mails = round(&t, &sink).await;
        let got = about(&mails, "Database down");
        assert_eq!(got.len(), 1, "{mails:#?}");
        assert_eq!(got[0].subject(), "[URGENT] [Acme] Ana raised \"Database down\" in #incidents");
        t.app.stop().await;
    }

    async fn the_outbox_parks_retries_and_survives_a_restart(b: Backend) {
        let sink = SmtpSink::start().await;
        let mut t = Team::on_with(b, with_mail(&sink)).await;
        round(&t, &sink).await;

        // Refused for good: parked at once, visible to admins, and queued again on request.
        sink.set_mode(Mode::RejectRecipients);
        thread_for_bo(&t, "Unknown mailbox").await;
        round(&t, &sink).await;
        let status = mail_status(&t).await;
        assert_eq!(status.parked, 1, "{status:?} {:#?}", sink.mails().iter().map(|m| (m.to.clone(), m.subject().to_string())).collect::<Vec<_>>());
        assert!(status.problems[0].last_error.contains("550"), "{status:?}");
        let config = t.app.server.as_ref().unwrap().app.config.clone();
        let mut args = vec!["admin".to_string(), "mail-status".to_string()];
        match &config.database_url {
            Some(url) => args.extend(["--database-url".to_string(), url.clone()]),
            None => args.extend(["--data".to_string(), config.data.display().to_string()]),
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft")).args(&args).output().unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && shown.contains("1 parked") && shown.contains("No such user"), "{shown}");
        sink.set_mode(Mode::Accept);
        args.extend(["--retry-parked".to_string(), "--json".to_string()]);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft")).args(&args).output().unwrap();
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!((shown["requeued"].as_i64(), shown["parked"].as_i64()), (Some(1), Some(0)), "{shown}");
        round(&t, &sink).await;
        assert_eq!(about(&to_bo(&sink), "Unknown mailbox").len(), 1);

        // The SMTP server is down: the email waits, tried again with growing pauses.
        sink.set_mode(Mode::Down);
        thread_for_bo(&t, "Through the outage").await;
        round(&t, &sink).await;
        let status = mail_status(&t).await;
        assert_eq!(status.queued, 1, "{status:?}");
        assert!(status.problems[0].last_error.contains("421"), "{status:?}");
        assert_eq!(status.problems[0].next_attempt_ts, START + 30);
        let tried = sink.sessions();
        round(&t, &sink).await;
        assert_eq!(sink.sessions(), tried, "not tried again before its time");
        t.app.clock.set(START + 30);
        round(&t, &sink).await;
        assert!(sink.sessions() > tried);
        assert_eq!(mail_status(&t).await.problems[0].next_attempt_ts, START + 30 + 60);

        // Weft restarts meanwhile; the SMTP server comes back: sent once.
        t.app.server.take().unwrap().stop().await;
        let store = config.open_store().unwrap();
        t.app.server = Some(Server::start(config.clone(), store, t.app.clock.clone()).await.unwrap());
        sink.set_mode(Mode::Accept);
        t.app.clock.set(START + 90);
        round(&t, &sink).await;
        round(&t, &sink).await;
        assert_eq!(about(&to_bo(&sink), "Through the outage").len(), 1);
        let status = mail_status(&t).await;
        assert_eq!((status.queued, status.sending, status.parked), (0, 0, 0), "{status:?}");
        t.app.stop().await;
    }
}

#[tokio::test]
async fn two_nodes_send_each_email_once() {
    if postgres_url().is_none() {
        return;
    }
    let sink = SmtpSink::start().await;
    let t = Team::on_with(Backend::Postgres, with_mail(&sink)).await;
    let node2 = t.app.second_node_with(with_mail(&sink)).await;
    round(&t, &sink).await;
    for i in 0..6 {
        thread_for_bo(&t, &format!("Parallel {i}")).await;
    }
    let (one, two) = (t.app.node().workers(), node2.app.workers());
    for _ in 0..3 {
        for worker in Worker::ALL {
            let (a, b) = tokio::join!(one.step(worker), two.step(worker));
            a.unwrap();
            b.unwrap();
        }
    }
    let mails = to_bo(&sink);
    for i in 0..6 {
        assert_eq!(about(&mails, &format!("Parallel {i}")).len(), 1, "{mails:#?}");
    }
    node2.stop().await;
    t.app.stop().await;
}

both_backends! {
    async fn a_meeting_invitation_email_carries_its_calendar_entry_in_the_recipients_time_zone(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        round(&t, &sink).await;
        t.bo.post("schedules/update", json!({"timezone": "Europe/Paris"})).await.unwrap();
        // Monday 09:00 UTC (10:00 in Paris): Ana plans Tuesday 15:00 UTC with Bo.
        t.ana
            .post("meetings/add", json!({"workspace_id": t.ws, "title": "Roadmap kickoff", "reason": "kickoff",
                "attendee_ids": [t.bo_id], "starts_ts": START + 86_400 + 6 * 3600, "duration_min": 45, "agenda": "Scope"}))
            .await
            .unwrap();
        round(&t, &sink).await;
        let mails = round(&t, &sink).await;
        let got = about(&mails, "Roadmap kickoff");
        assert_eq!(got.len(), 1, "{mails:#?}");
        let m = got[0];
        assert!(m.text.contains("Scope"), "the text part is still read: {}", m.text);
        assert!(m.calendar.contains("BEGIN:VEVENT"), "{m:#?}");
        // 15:00 UTC is 16:00 in Paris.
        assert!(m.calendar.contains("DTSTART;TZID=Europe/Paris:20261124T160000"), "{}", m.calendar);
        assert!(m.calendar.contains("DTEND;TZID=Europe/Paris:20261124T164500"), "{}", m.calendar);
        assert!(m.calendar.contains(&format!("URL:{PUBLIC}/a/{}/ch/{}/t/", t.ws, t.general)), "{}", m.calendar);
        // A comment in the agenda thread is an ordinary email.
        let th = t.ana.get("meetings/get", json!({"workspace_id": t.ws})).await.unwrap()[0]["thread_id"].clone();
        t.ana.post("comments/add", json!({"thread_id": th, "content": "Added an item", "recipients": [t.bo_id]})).await.unwrap();
        round(&t, &sink).await;
        let mails = to_bo(&sink);
        let comment: Vec<&Mail> = mails.iter().filter(|m| m.subject().contains("commented on")).collect();
        assert_eq!(comment.len(), 1, "{mails:#?}");
        assert!(comment[0].calendar.is_empty());
        t.app.stop().await;
    }
}
