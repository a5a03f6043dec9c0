//! Outgoing webhooks end to end, against a receiver on loopback (which the tests' servers
//! allow, `allow_webhooks_to = 127.0.0.0/8`): signed deliveries of what the owner may see,
//! retries with the same id, a subscription turned off after failing and its owner told,
//! loopback refused without the range, and unsubscribing.

use crate::helpers::*;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

#[derive(Default)]
struct Inbox {
    got: Vec<Received>,
    /// Statuses to answer to requests without a query string, in order; then 200.
    answers: VecDeque<u16>,
    always: Option<u16>,
}

/// A small HTTP server on 127.0.0.1 that records what it receives.
struct Receiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let state = inbox.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    let mut s = state.lock().unwrap();
                    s.got.push(Received { headers, body });
                    let queued = if uri.query().is_none() { s.answers.pop_front() } else { None };
                    let code = queued.or(s.always).unwrap_or(200);
                    StatusCode::from_u16(code).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, inbox }
    }

    fn got(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().got.clone()
    }

    fn answer(&self, codes: &[u16]) {
        self.inbox.lock().unwrap().answers.extend(codes);
    }

    fn always(&self, code: u16) {
        self.inbox.lock().unwrap().always = Some(code);
    }
}

/// Whether `r` carries a valid Standard Webhooks signature for `secret`, computed here
/// with the HMAC crate (not the server's code).
fn signed_by(r: &Received, secret: &str) -> bool {
    let key = B64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = hmac::Hmac::<sha2_11::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.header("webhook-id"), r.header("webhook-timestamp"), r.body).as_bytes());
    let expected = format!("v1,{}", B64.encode(mac.finalize().into_bytes()));
    r.header("webhook-signature").split(' ').any(|s| s == expected)
}

async fn loopback_team(b: Backend) -> Team {
    Team::on_with(b, |c| c.allow_webhooks_to = vec!["127.0.0.0/8".parse().unwrap()]).await
}

async fn hooks_of(client: &weft_client::Client) -> Vec<Value> {
    client.get("hooks/get", json!({})).await.unwrap().as_array().unwrap().clone()
}

both_backends! {
async fn events_the_owner_sees_are_delivered_signed_and_retried_with_the_same_id(b: Backend) {
    let t = loopback_team(b).await;
    let rx = Receiver::start().await;
    rx.answer(&[500]);
    // Bo: comments of #general, and every comment of the workspace to the same receiver.
    let sub = t
        .bo
        .post("hooks/subscribe", json!({"target_url": rx.url, "event": "comment_added", "channel_id": t.general}))
        .await
        .unwrap();
    let secret = sub["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{sub}");
    let everywhere = format!("{}?all", rx.url);
    t.bo.post("hooks/subscribe", json!({"target_url": everywhere, "event_type": "comment_added", "workspace_id": t.ws}))
        .await
        .unwrap();
    // A private channel Bo is in, until he is taken out of it after subscribing.
    let team = t.ana.add_channel(t.ws, "team", false, &[t.bo_id]).await.unwrap();
    t.bo.post("hooks/subscribe", json!({"target_url": rx.url, "event_type": "comment_added", "channel_id": team.id.0}))
        .await
        .unwrap();
    t.ana.post("channels/remove_user", json!({"id": team.id.0, "user_id": t.bo_id})).await.unwrap();

    let thread = t.ana.add_thread(t.general, "Launch", "Tuesday").await.unwrap();
    let comment = t.ana.add_comment(thread.id.0, "Ready").await.unwrap();
    let hidden = t.ana.add_thread(t.private, "Only Ana", "x").await.unwrap();
    t.ana.add_comment(hidden.id.0, "secret plans").await.unwrap();
    let gone = t.ana.add_thread(team.id.0, "Team only", "x").await.unwrap();
    t.ana.add_comment(gone.id.0, "not for Bo any more").await.unwrap();
    // Nothing is sent from the request path: only the worker sends.
    assert!(rx.got().is_empty());
    t.app.step_workers().await;

    // The comment in #general, twice (its channel's subscription and the workspace's); the
    // thread (not subscribed), #private and #team (not Bo's to see) never.
    let got = rx.got();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|r| !r.body.contains("secret plans") && !r.body.contains("not for Bo")));
    let first = got.iter().find(|r| signed_by(r, &secret)).expect("the channel's delivery, signed with its secret");
    let body: Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!((body["id"].as_i64(), body["content"].as_str()), (Some(comment.id.0), Some("Ready")));
    assert_eq!(first.header("content-type"), "application/json");
    assert_eq!(first.header("webhook-timestamp"), START.to_string());
    let id = first.header("webhook-id").to_string();
    assert!(!id.is_empty());

    // It answered 500: tried again after the backoff, not before, with the same id.
    t.app.step_workers().await;
    assert_eq!(rx.got().len(), 2, "no retry before its time");
    t.app.clock.set(START + 61);
    t.app.step_workers().await;
    let got = rx.got();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].header("webhook-id"), id);
    assert_eq!(got[2].header("webhook-timestamp"), (START + 61).to_string());
    assert!(signed_by(&got[2], &secret));

    // The delivery log: delivered on the second try.
    let hooks = hooks_of(&t.bo).await;
    assert_eq!(hooks.len(), 3);
    let channel_hook = hooks.iter().find(|h| h["channel_id"] == t.general).unwrap();
    assert!(channel_hook.get("secret").is_none(), "shown once");
    let log = channel_hook["deliveries"].as_array().unwrap();
    assert_eq!(log.len(), 1, "{channel_hook}");
    assert_eq!((log[0]["id"].as_str(), log[0]["state"].as_str(), log[0]["attempts"].as_i64()), (Some(id.as_str()), Some("delivered"), Some(2)));
    assert_eq!(log[0]["last_status"], 200);
    assert_eq!(hooks.iter().find(|h| h["channel_id"] == team.id.0).unwrap().get("deliveries"), None);

    // Unsubscribing stops deliveries to that address at once.
    t.bo.post("hooks/unsubscribe", json!({"target_url": rx.url})).await.unwrap();
    assert_eq!(hooks_of(&t.bo).await.len(), 1);
    t.ana.add_comment(thread.id.0, "One more").await.unwrap();
    t.app.step_workers().await;
    let got = rx.got();
    assert_eq!(got.len(), 4, "only the workspace's subscription remains");
    assert!(got[3].body.contains("One more") && !signed_by(&got[3], &secret));
    t.app.stop().await;
}

async fn a_receiver_that_keeps_failing_is_turned_off_and_its_owner_told(b: Backend) {
    let sink = crate::smtp::SmtpSink::start().await;
    let smtp = sink.url();
    let t = Team::on_with(b, move |c| {
        c.allow_webhooks_to = vec!["127.0.0.0/8".parse().unwrap()];
        c.smtp_url = Some(smtp);
        c.mail_from = Some("Weft <weft@acme.test>".into());
    })
    .await;
    let rx = Receiver::start().await;
    rx.always(503);
    t.bo.post("hooks/subscribe", json!({"target_url": rx.url, "event_type": "thread_added", "workspace_id": t.ws}))
        .await
        .unwrap();
    t.ana.add_thread(t.general, "One", "x").await.unwrap();
    let tries = weft_core::services::webhooks::DISABLE_AFTER;
    for i in 0..tries {
        t.app.clock.set(START + i * 86_400);
        t.app.step_workers().await;
    }
    assert_eq!(rx.got().len() as i64, tries);
    let hook = &hooks_of(&t.bo).await[0];
    assert_eq!((hook["active"].as_bool(), hook["failures"].as_i64()), (Some(false), Some(tries)), "{hook}");
    assert_eq!(hook["deliveries"][0]["state"], "abandoned");
    assert_eq!(hook["deliveries"][0]["last_status"], 503);
    // Bo hears of it on his own stream.
    let events = t.bo.get("events/get", json!({"workspace_id": t.ws, "after": 0, "timeout": 0})).await.unwrap();
    let told = events.to_string();
    assert!(told.contains("webhook_disabled") && told.contains(&rx.url), "{told}");
    let others = t.ana.get("events/get", json!({"workspace_id": t.ws, "after": 0, "timeout": 0})).await.unwrap();
    assert!(!others.to_string().contains("webhook_disabled"));
    // … and by email, in the same round.
    let mails: Vec<_> = sink.mails().into_iter().filter(|m| m.subject().contains("webhook")).collect();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, ["bo@example.test"]);
    assert!(mails[0].text.contains(&rx.url) && mails[0].text.contains("503"), "{}", mails[0].text);

    // Turned off, it sends nothing more; subscribing again turns it back on.
    t.ana.add_thread(t.general, "Two", "x").await.unwrap();
    t.app.clock.set(START + 30 * 86_400);
    t.app.step_workers().await;
    assert_eq!(rx.got().len() as i64, tries);
    rx.inbox.lock().unwrap().always = None;
    t.bo.post("hooks/subscribe", json!({"target_url": rx.url, "event_type": "thread_added", "workspace_id": t.ws}))
        .await
        .unwrap();
    t.ana.add_thread(t.general, "Three", "x").await.unwrap();
    t.app.step_workers().await;
    let got = rx.got();
    assert_eq!(got.len() as i64, tries + 1);
    assert!(got.last().unwrap().body.contains("Three"));
    assert_eq!(hooks_of(&t.bo).await.len(), 1, "the same subscription, replaced");

    // Sight is checked again at each try: Bo taken out of a channel between a failed try
    // and the next, the retry is dropped unsent.
    let team = t.ana.add_channel(t.ws, "team", false, &[t.bo_id]).await.unwrap();
    rx.answer(&[500]);
    t.ana.add_thread(team.id.0, "Team plans", "x").await.unwrap();
    t.app.step_workers().await;
    assert_eq!(rx.got().len() as i64, tries + 2);
    t.ana.post("channels/remove_user", json!({"id": team.id.0, "user_id": t.bo_id})).await.unwrap();
    t.app.clock.set(START + 31 * 86_400);
    t.app.step_workers().await;
    assert_eq!(rx.got().len() as i64, tries + 2, "not sent once Bo may no longer see it");
    let log = hooks_of(&t.bo).await[0]["deliveries"].clone();
    assert_eq!((log[0]["state"].as_str(), log[0]["attempts"].as_i64()), (Some("dropped"), Some(2)), "{log}");
    // Finished deliveries leave the log after a week (retention).
    t.app.clock.set(START + 40 * 86_400);
    t.app.step_workers().await;
    assert!(hooks_of(&t.bo).await[0].get("deliveries").is_none());
    t.app.stop().await;
}

async fn loopback_and_private_addresses_are_refused_without_the_operators_range(b: Backend) {
    let t = Team::on(b).await;
    for url in ["http://127.0.0.1:9/hook", "http://2130706433/", "http://[::ffff:10.0.0.1]/", "http://localhost/x"] {
        let (code, body) = call(
            &t.bo,
            weft::api::Verb::Post,
            "hooks/subscribe",
            &json!({"target_url": url, "event_type": "comment_added", "workspace_id": t.ws}),
        )
        .await;
        assert_eq!(code, 400, "{url}: {body}");
        assert!(body["error_string"].as_str().unwrap().contains("--allow-webhooks-to"), "{body}");
    }
    // Nor anywhere the subscriber cannot see (the same answer as a channel that does not exist).
    let (code, _) = call(
        &t.bo,
        weft::api::Verb::Post,
        "hooks/subscribe",
        &json!({"target_url": "http://203.0.113.9/hook", "event_type": "comment_added", "channel_id": t.private}),
    )
    .await;
    assert_eq!(code, 404);
    assert!(hooks_of(&t.bo).await.is_empty());
    t.app.stop().await;
}
}
