//! Personal API tokens: shown once, listed with their last use, scoped to reading or to
//! one workspace by the one rule of `api::grants`, revoked at once — and never a way to
//! manage tokens or the account itself.

use crate::attachments::download;
use crate::helpers::*;
use serde_json::{Value, json};
use weft_client::Client;

async fn status(client: &Client, path: &str, params: Value) -> (u16, Value) {
    let verb = if path.contains("/get") || path == "search" { weft::api::Verb::Get } else { weft::api::Verb::Post };
    call(client, verb, path, &params).await
}

both_backends! {
async fn a_token_does_what_its_scope_and_workspace_allow_and_nothing_else(b: Backend) {
    let t = Team::on(b).await;
    let second = t.ana.add_workspace("Side project").await.unwrap();
    let side_channel = second.default_channel.unwrap().0;
    let side_thread = t.ana.add_thread(side_channel, "Side thread", "x").await.unwrap();
    let main_thread = t.ana.add_thread(t.general, "Main thread", "x").await.unwrap();
    let side_file = upload(&t.ana, "0b6f1c1e-side", "side.txt", "text/plain", b"side".to_vec()).await;
    t.ana.post("comments/add", json!({"thread_id": side_thread.id.0, "content": "f", "attachments": [side_file.clone()]})).await.unwrap();

    let writer = t.ana.post("api_tokens/add", json!({"name": "CI reports", "scope": "write"})).await.unwrap();
    let secret = writer["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("weft_pat_") && secret.len() > 60, "{secret}");
    let reader = t
        .ana
        .post("api_tokens/add", json!({"name": "dashboard", "scope": "read", "workspace_id": t.ws}))
        .await
        .unwrap();
    // Listed without their secrets, newest first, never used yet; stored only as a hash.
    let listed = t.ana.get("api_tokens/get", json!({})).await.unwrap();
    assert_eq!(listed.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect::<Vec<_>>(), ["dashboard", "CI reports"]);
    assert!(listed.as_array().unwrap().iter().all(|x| x.get("token").is_none() && x["last_used_ts"].is_null()));
    assert!(!database_text(&t.app).await.contains(&secret), "the secret is not stored");

    // A write token posts as Ana, in any of her workspaces.
    let ci = t.app.anon.with_token(&secret);
    let posted = ci.add_thread(t.general, "Build 42 passed", "all green").await.unwrap();
    assert_eq!(posted.creator.0, t.ana_id);
    assert_eq!(status(&ci, "threads/getone", json!({"id": side_thread.id.0})).await.0, 200);
    // It manages neither tokens nor the account.
    let (code, body) = status(&ci, "api_tokens/add", json!({"name": "more", "scope": "write"})).await;
    assert_eq!(code, 403, "{body}");
    assert!(body["error_string"].as_str().unwrap().contains("signed-in session"), "{body}");
    assert_eq!(status(&ci, "users/update_password", json!({"current_password": "password-Ana", "new_password": "taken over!"})).await.0, 403);

    // A read token of one workspace reads there, and nowhere else, and writes nothing.
    let dash = t.app.anon.with_token(reader["token"].as_str().unwrap());
    assert_eq!(status(&dash, "threads/get", json!({"channel_id": t.general})).await.0, 200);
    assert_eq!(status(&dash, "threads/getone", json!({"id": main_thread.id.0})).await.0, 200);
    let (code, body) = status(&dash, "threads/add", json!({"channel_id": t.general, "title": "x", "content": "y"})).await;
    assert_eq!(code, 403, "{body}");
    assert!(body["error_string"].as_str().unwrap().contains("read-only"), "{body}");
    for (path, params) in [
        ("threads/getone", json!({"id": side_thread.id.0})),
        ("threads/get", json!({"channel_id": side_channel})),
        ("comments/get", json!({"thread_id": side_thread.id.0})),
        ("search", json!({"workspace_id": second.id.0, "query": "side"})),
        ("notifications/get", json!({})),
        // Naming its own workspace does not open another one named beside it.
        ("threads/get", json!({"workspace_id": t.ws, "channel_id": side_channel})),
    ] {
        let (code, body) = status(&dash, path, params.clone()).await;
        assert_eq!(code, 403, "{path} {params}: {body}");
    }
    // A batch is checked request by request.
    let batch = json!({"requests": [{"method": "GET", "url": format!("/api/v3/threads/getone?id={}", side_thread.id.0)}]});
    let (code, body) = call(&dash, weft::api::Verb::Post, "batch", &batch).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body[0]["code"], 403, "{body}");
    // Files of the other workspace, and its event stream, are out of reach too.
    assert_eq!(download(&dash, side_file["url"].as_str().unwrap()).await.0, 403);
    assert_eq!(download(&ci, side_file["url"].as_str().unwrap()).await.0, 200);
    let url = format!("{}/api/v3/events/stream?workspace_id={}", t.app.base, second.id.0);
    let resp = reqwest::Client::new().get(&url).bearer_auth(reader["token"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);

    // Its use is noted; a changed password ends sessions, not tokens; revoking ends it at once.
    let listed = t.ana.get("api_tokens/get", json!({})).await.unwrap();
    assert!(listed.as_array().unwrap().iter().all(|x| x["last_used_ts"].as_i64() == Some(START)), "{listed}");
    t.ana.post("users/update_password", json!({"current_password": "password-Ana", "new_password": "password-Ana-2"})).await.unwrap();
    assert_eq!(status(&ci, "threads/getone", json!({"id": main_thread.id.0})).await.0, 200);
    let (ana, _) = t.app.anon.login("ana@example.test", "password-Ana-2").await.unwrap();
    ana.post("api_tokens/remove", json!({"id": writer["id"]})).await.unwrap();
    let (code, body) = status(&ci, "threads/getone", json!({"id": main_thread.id.0})).await;
    assert_eq!((code, body["error_string"].as_str()), (403, Some("Invalid token")), "as a signed-out session's: {body}");
    // Someone else's token: not found.
    let (code, _) = status(&t.bo, "api_tokens/remove", json!({"id": reader["id"]})).await;
    assert_eq!(code, 404);
    assert_eq!(status(&dash, "threads/get", json!({"channel_id": t.general})).await.0, 200);
    // A token is not a browser session: the app's page sends it to sign in.
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = no_redirects
        .get(format!("{}/", t.app.base))
        .header("cookie", format!("weft_session={}", reader["token"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 303);
    let signed_in_page = no_redirects
        .get(format!("{}/", t.app.base))
        .header("cookie", format!("weft_session={}", t.bo.token().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in_page.status().as_u16(), 200, "the same request with a real session opens the app");
}
}
