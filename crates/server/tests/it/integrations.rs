//! Bots and incoming webhooks: an admin's bot acts through its own token under every rule
//! a member has; a webhook's secret URL posts as its own bot in Twist's shape and Slack's,
//! and stops the moment it is revoked.

use crate::helpers::*;
use serde_json::{Value, json};

async fn post_json(url: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new().post(url).json(&body).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

both_backends! {
async fn a_bot_acts_by_its_token_within_its_workspace_and_its_owner_controls_it(b: Backend) {
    let t = Team::on(b).await;
    let (code, _) = call(&t.bo, weft::api::Verb::Post, "bots/add", &json!({"workspace_id": t.ws, "name": "Deploys"})).await;
    assert_eq!(code, 403, "only admins make bots");
    let made = t.ana.post("bots/add", json!({"workspace_id": t.ws, "name": "Deploys"})).await.unwrap();
    assert_eq!(made["user"]["bot"], true);
    assert_eq!(made["owner_id"], t.ana_id);
    let bot_id = made["user"]["id"].as_i64().unwrap();
    let bot = t.app.anon.with_token(made["token"].as_str().unwrap());

    // It posts as itself; members see it listed; it reaches nothing a member could not.
    let th = bot.add_thread(t.general, "v1.4 deployed", "to production").await.unwrap();
    assert_eq!(th.creator.0, bot_id);
    let listed = t.bo.get("bots/get", json!({"workspace_id": t.ws})).await.unwrap();
    assert_eq!(listed[0]["user"]["name"], "Deploys");
    assert_eq!(call(&t.oz, weft::api::Verb::Get, "bots/get", &json!({"workspace_id": t.ws})).await.0, 404);
    assert_ne!(call(&bot, weft::api::Verb::Get, "threads/get", &json!({"channel_id": t.private})).await.0, 200);
    assert_eq!(call(&bot, weft::api::Verb::Get, "workspaces/getone", &json!({"id": t.other_ws})).await.0, 403);
    // No password signs it in.
    assert!(t.app.anon.login(made["user"]["email"].as_str().unwrap(), "!").await.is_err());

    // A new token replaces the old one.
    let fresh = t.ana.post("bots/new_token", json!({"id": bot_id})).await.unwrap();
    assert_eq!(call(&bot, weft::api::Verb::Get, "users/get_session_user", &json!({})).await.0, 403);
    let bot = t.app.anon.with_token(fresh["token"].as_str().unwrap());
    assert_eq!(call(&bot, weft::api::Verb::Get, "users/get_session_user", &json!({})).await.0, 200);

    // Only its owner or an admin removes it; then its token stops and its posts stay.
    assert_eq!(call(&t.bo, weft::api::Verb::Post, "bots/remove", &json!({"id": bot_id})).await.0, 403);
    t.ana.post("bots/remove", json!({"id": bot_id})).await.unwrap();
    assert_eq!(call(&bot, weft::api::Verb::Get, "users/get_session_user", &json!({})).await.0, 403);
    assert_eq!(t.bo.get("threads/getone", json!({"id": th.id.0})).await.unwrap()["title"], "v1.4 deployed");
    assert_eq!(t.bo.get("bots/get", json!({"workspace_id": t.ws})).await.unwrap(), json!([]));
}

async fn an_incoming_webhook_posts_as_its_bot_in_twist_and_slack_shapes_until_revoked(b: Backend) {
    let t = Team::on(b).await;
    assert_eq!(call(&t.gus, weft::api::Verb::Post, "incoming_webhooks/add", &json!({"channel_id": t.guests, "name": "CI"})).await.0, 403);
    assert_eq!(call(&t.bo, weft::api::Verb::Post, "incoming_webhooks/add", &json!({"channel_id": t.private, "name": "CI"})).await.0, 404);
    let hook = t.bo.post("incoming_webhooks/add", json!({"channel_id": t.general, "name": "CI"})).await.unwrap();
    let url = hook["url"].as_str().unwrap().to_string();
    assert!(url.contains("/api/v3/integration_incoming/post_data?install_id=") && url.contains("install_token="), "{url}");
    let listed = t.ana.get("incoming_webhooks/get", json!({"channel_id": t.general})).await.unwrap();
    assert!(listed[0].get("url").is_none(), "the secret URL is shown once");

    // Twist's shape: a titled thread, by the webhook's bot.
    let (code, made) = post_json(&url, json!({"title": "Build 42 passed", "content": "All **green**."})).await;
    assert_eq!(code, 200, "{made}");
    let th = t.bo.get("threads/getone", json!({"id": made["thread_id"]})).await.unwrap();
    assert_eq!((th["title"].as_str(), th["creator"].as_i64()), (Some("Build 42 passed"), hook["bot_id"].as_i64()));
    // Slack's shape: the first line titles the thread.
    let (code, made) = post_json(&url, json!({"text": "Build 43 failed\nsee the logs"})).await;
    assert_eq!(code, 200, "{made}");
    let th2 = t.bo.get("threads/getone", json!({"id": made["thread_id"]})).await.unwrap();
    assert_eq!(th2["title"], "Build 43 failed");
    // Naming a thread adds a comment to it.
    let (code, made) = post_json(&url, json!({"content": "Fixed in 44", "thread_id": th2["id"]})).await;
    assert_eq!(code, 200, "{made}");
    assert!(made["comment_id"].as_i64().is_some());
    // Bad requests change nothing and say why.
    let (code, body) = post_json(&url, json!({"title": "no text"})).await;
    assert_eq!(code, 400, "{body}");
    let wrong = url.replace("install_token=", "install_token=x");
    assert_eq!(post_json(&wrong, json!({"text": "forged"})).await.0, 403);

    // Someone else's webhook: only its maker or an admin revokes it.
    assert_eq!(call(&t.gus, weft::api::Verb::Post, "incoming_webhooks/remove", &json!({"id": hook["id"]})).await.0, 404);
    t.ana.post("incoming_webhooks/remove", json!({"id": hook["id"]})).await.unwrap();
    assert_eq!(post_json(&url, json!({"text": "after revoking"})).await.0, 403);
    assert_eq!(t.bo.get("threads/getone", json!({"id": th["id"]})).await.unwrap()["title"], "Build 42 passed");
}
}
