//! Accounts, end to end: invitations (emailed, accepted through the plain page, resent,
//! join links), password reset through the emailed link, the current password for
//! password and email changes, and what leaving a workspace takes away.

use crate::helpers::*;
use crate::smtp::{Mail, SmtpSink};
use reqwest::StatusCode;
use serde_json::{Value, json};
use weft::Config;
use weft_client::Client;

const PUBLIC: &str = "https://weft.acme.test";

fn with_mail(sink: &SmtpSink) -> impl FnOnce(&mut Config) + use<> {
    let url = sink.url();
    move |c: &mut Config| {
        c.smtp_url = Some(url);
        c.mail_from = Some("Weft <weft@acme.test>".into());
        c.public_url = Some(PUBLIC.into());
    }
}

/// A browser that follows no redirects, so each answer can be looked at.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.strip_prefix("weft_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_string())
    })
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// Runs the workers and answers the emails sent to `to` so far.
async fn mails_to(t: &TestApp, sink: &SmtpSink, to: &str) -> Vec<Mail> {
    t.step_workers().await;
    sink.mails().into_iter().filter(|m| m.to == [to]).collect()
}

/// The path of the first link to `PUBLIC` + `prefix` in an email's text.
fn link_path(mail: &Mail, prefix: &str) -> String {
    let start = format!("{PUBLIC}{prefix}");
    let at = mail.text.find(&start).unwrap_or_else(|| panic!("no {start} link in {}", mail.text));
    let rest = &mail.text[at + PUBLIC.len()..];
    rest.split(|c: char| c.is_whitespace()).next().unwrap().to_string()
}

async fn page(t: &TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut req = browser().get(format!("{}{path}", t.base));
    if let Some(c) = cookie {
        req = req.header("cookie", format!("weft_session={c}"));
    }
    let r = req.send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn submit(t: &TestApp, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> reqwest::Response {
    let mut req = browser().post(format!("{}{path}", t.base)).header("sec-fetch-site", "same-origin").form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", format!("weft_session={c}"));
    }
    req.send().await.unwrap()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker).nth(1).unwrap_or_else(|| panic!("no {name} in {html}")).split('"').next().unwrap().to_string()
}

fn status_code(e: &weft_client::ApiError) -> (u16, i64) {
    (e.status, e.body["error_code"].as_i64().unwrap_or_default())
}

both_backends! {
    async fn someone_new_is_invited_by_email_accepts_through_the_page_and_posts(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        let ops = t.ana.add_channel(t.ws, "ops", false, &[]).await.unwrap();
        let wu = t
            .ana
            .post("workspace_users/add", json!({"id": t.ws, "email": "Dee@Example.test", "name": "Dee", "channel_ids": [ops.id.0]}))
            .await
            .unwrap();
        assert_eq!((wu["invite_pending"].as_bool(), wu["name"].as_str()), (Some(true), Some("Dee")));
        // Pending members are listed (Twist clients see a member), but are not members yet.
        let ids = t.ana.get("workspace_users/get_ids", json!({"id": t.ws})).await.unwrap();
        assert!(!ids.as_array().unwrap().contains(&wu["id"]), "{ids}");
        let all = t.bo.get("workspace_users/get", json!({"id": t.ws})).await.unwrap();
        assert!(all.as_array().unwrap().iter().any(|u| u["id"] == wu["id"] && u["invite_pending"] == true));

        let mails = mails_to(&t.app, &sink, "dee@example.test").await;
        assert_eq!(mails.len(), 1, "{mails:#?}");
        assert_eq!(mails[0].subject(), "Ana invited you to Acme on Weft");
        assert!(mails[0].header("List-Unsubscribe").is_none(), "an invitation is not a newsletter");
        let path = link_path(&mails[0], "/invite/");
        let code = path.trim_start_matches("/invite/").to_string();
        assert!(mails[0].html.contains(&format!("href=\"{PUBLIC}{path}\"")));
        // The code is not stored in plain text anywhere (the sent email's body was blanked).
        assert!(!database_text(&t.app).await.contains(&code), "the invitation code is stored in plain text");

        let (status, html) = page(&t.app, &path, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Join Acme") && html.contains("value=\"Dee\""), "{html}");
        // A bad password is explained, and nothing is used up.
        let r = submit(&t.app, &path, None, &[("name", "Dee Dee"), ("password", "short"), ("timezone", "Europe/Lisbon")]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        // Another site's form is refused.
        let r = browser()
            .post(format!("{}{path}", t.app.base))
            .header("sec-fetch-site", "cross-site")
            .form(&[("name", "Dee"), ("password", "long enough pw")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = submit(&t.app, &path, None, &[("name", "Dee Dee"), ("password", "long enough pw"), ("timezone", "Europe/Lisbon")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
        assert_eq!(location(&r), format!("/a/{}", t.ws));
        let cookie = session_cookie(&r).expect("signed in");

        // Signed in, in the workspace, in the channels the inviter chose and #general.
        let (dee, me) = t.app.anon.login("dee@example.test", "long enough pw").await.unwrap();
        assert_eq!((me.name.as_str(), me.timezone.as_str()), ("Dee Dee", "Europe/Lisbon"));
        dee.add_thread(ops.id.0, "Hello ops", "first post").await.unwrap();
        dee.add_thread(t.general, "Hello all", "hi").await.unwrap();
        let member = t.ana.get("workspace_users/getone", json!({"id": t.ws, "user_id": me.id.0})).await.unwrap();
        assert_eq!(member["invite_pending"], false);
        assert!(!cookie.is_empty());
        // The link worked once.
        assert_eq!(page(&t.app, &path, None).await.0, StatusCode::NOT_FOUND);
        t.app.stop().await;
    }

    async fn an_invitation_answers_the_same_for_known_and_unknown_emails(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        // Oz has an account, a time zone and an away note; Ana must learn none of it.
        t.oz.post("users/update", json!({"timezone": "Asia/Tokyo", "away_mode": {"type": "vacation", "date_to": "2026-12-24", "note": "in Kyoto"}}))
            .await
            .unwrap();
        let known = t.ana.post("workspace_users/add", json!({"id": t.ws, "email": "oz@example.test"})).await.unwrap();
        let unknown = t.ana.post("workspace_users/add", json!({"id": t.ws, "email": "zed@example.test"})).await.unwrap();
        let strip = |v: &Value| {
            let mut v = v.clone();
            for k in ["id", "email", "name", "short_name"] {
                v.as_object_mut().unwrap().remove(k);
            }
            v
        };
        assert_eq!(strip(&known), strip(&unknown), "{known} vs {unknown}");
        assert_eq!((known["name"].as_str(), known["timezone"].as_str()), (Some("oz"), Some("UTC")));
        assert!(known.get("away_mode").is_none());
        // Nor through the member's other reads.
        let one = t.ana.get("workspace_users/getone", json!({"id": t.ws, "user_id": known["id"]})).await.unwrap();
        assert_eq!(strip(&one), strip(&unknown));
        let local = t.ana.get("workspace_users/get_local_time", json!({"id": t.ws, "user_id": known["id"]})).await.unwrap();
        let utc = t.ana.get("workspace_users/get_local_time", json!({"id": t.ws, "user_id": unknown["id"]})).await.unwrap();
        assert_eq!(local, utc);

        // Oz, pending, reads nothing of the workspace.
        for (path, params) in [("workspaces/getone", json!({"id": t.ws})), ("channels/get", json!({"workspace_id": t.ws})), ("workspace_users/get", json!({"id": t.ws}))] {
            assert_eq!(t.oz.get(path, params).await.unwrap_err().status, 404, "{path}");
        }
        let ws_list = t.oz.get("workspaces/get", json!({})).await.unwrap();
        assert_eq!(ws_list.as_array().unwrap().len(), 1, "only his own: {ws_list}");

        // Both got an invitation; Oz's asks him to sign in, and accepting signed in works.
        let mail = mails_to(&t.app, &sink, "oz@example.test").await.pop().expect("Oz's invitation");
        assert!(mail.text.contains("sign in"), "{}", mail.text);
        assert_eq!(mails_to(&t.app, &sink, "zed@example.test").await.len(), 1);
        let path = link_path(&mail, "/invite/");
        let (status, html) = page(&t.app, &path, None).await;
        assert!(status == StatusCode::OK && html.contains("Sign in to accept"), "{html}");
        // Signed in as someone else: refused.
        let bo_cookie = t.bo.token().unwrap().to_string();
        assert_eq!(page(&t.app, &path, Some(&bo_cookie)).await.0, StatusCode::FORBIDDEN);
        let oz_cookie = t.oz.token().unwrap().to_string();
        let (status, html) = page(&t.app, &path, Some(&oz_cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let csrf = hidden(&html, "csrf");
        assert_eq!(submit(&t.app, &path, Some(&oz_cookie), &[("csrf", "wrong")]).await.status(), StatusCode::FORBIDDEN);
        let r = submit(&t.app, &path, Some(&oz_cookie), &[("csrf", &csrf)]).await;
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, format!("/a/{}", t.ws)));
        t.oz.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap();
        // Now a member, his own profile shows.
        let one = t.ana.get("workspace_users/getone", json!({"id": t.ws, "user_id": known["id"]})).await.unwrap();
        assert_eq!((one["timezone"].as_str(), one["invite_pending"].as_bool()), (Some("Asia/Tokyo"), Some(false)));
        t.app.stop().await;
    }

    async fn a_resent_invitation_replaces_the_old_link(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        t.ana.add_member(t.ws, "kim@example.test", "GUEST").await.unwrap();
        let first = link_path(&mails_to(&t.app, &sink, "kim@example.test").await[0], "/invite/");
        // Only admins resend; an active member has nothing to resend.
        let err = t.bo.post("workspace_users/resend_invite", json!({"id": t.ws, "email": "kim@example.test"})).await.unwrap_err();
        assert_eq!(err.status, 403);
        let err = t.ana.post("workspace_users/resend_invite", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap_err();
        assert_eq!(err.status, 400);
        t.ana.post("workspace_users/resend_invite", json!({"id": t.ws, "email": "kim@example.test"})).await.unwrap();
        let mails = mails_to(&t.app, &sink, "kim@example.test").await;
        assert_eq!(mails.len(), 2);
        let second = link_path(&mails[1], "/invite/");
        assert_ne!(first, second);
        assert_eq!(page(&t.app, &first, None).await.0, StatusCode::NOT_FOUND, "the old link stops working");
        assert_eq!(page(&t.app, &second, None).await.0, StatusCode::OK);
        // An expired link does not work either.
        t.app.clock.advance_secs(7 * 86_400 + 1);
        assert_eq!(page(&t.app, &second, None).await.0, StatusCode::NOT_FOUND);
        t.app.stop().await;
    }

    async fn a_join_link_admits_people_until_its_limit_or_revocation(b: Backend) {
        let t = Team::on(b).await;
        let err = t.bo.post("join_links/add", json!({"workspace_id": t.ws})).await.unwrap_err();
        assert_eq!(err.status, 403);
        let link = t.ana.post("join_links/add", json!({"workspace_id": t.ws, "max_uses": 1, "user_type": "GUEST", "channel_ids": [t.guests]})).await.unwrap();
        let code = link["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let listed = t.ana.get("join_links/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert!(listed[0].get("url").is_none(), "the URL is shown once: {listed}");
        assert!(!database_text(&t.app).await.contains(&code), "the join code is stored in plain text");

        let (cy, cy_user) = t.app.user("Cy").await;
        let ws = cy.post("url_join/join_workspace", json!({"url_invite_code": code})).await.unwrap();
        assert_eq!(ws["id"], t.ws);
        let me = t.ana.get("workspace_users/getone", json!({"id": t.ws, "user_id": cy_user.id.0})).await.unwrap();
        assert_eq!(me["user_type"], "GUEST");
        cy.get("channels/getone", json!({"id": t.guests})).await.unwrap();
        // Used up.
        let (dan, _) = t.app.user("Dan").await;
        let err = dan.post("url_join/join_workspace", json!({"url_invite_code": code})).await.unwrap_err();
        assert_eq!(err.status, 404);
        // Revoked.
        let open = t.ana.post("join_links/add", json!({"workspace_id": t.ws})).await.unwrap();
        let open_code = open["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let revoked = t.ana.post("join_links/revoke", json!({"id": open["id"]})).await.unwrap();
        assert_eq!(revoked["revoked"], true);
        let err = dan.post("url_join/join_workspace", json!({"url_invite_code": open_code})).await.unwrap_err();
        assert_eq!(err.status, 404);
        assert_eq!(page(&t.app, &format!("/join/{open_code}"), None).await.0, StatusCode::NOT_FOUND);
        t.app.stop().await;
    }

    async fn a_join_link_opened_signed_out_emails_an_invitation(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        let link = t.ana.post("join_links/add", json!({"workspace_id": t.ws, "max_uses": 5})).await.unwrap();
        let path = format!("/join/{}", link["url"].as_str().unwrap().rsplit('/').next().unwrap());
        let (status, html) = page(&t.app, &path, None).await;
        assert!(status == StatusCode::OK && html.contains("Sign in to join") && html.contains("Email me an invitation"), "{html}");
        // The same answer for someone new and for an account (Oz's).
        let new = submit(&t.app, &path, None, &[("email", "fay@example.test")]).await;
        let (new_status, new_page) = (new.status(), new.text().await.unwrap());
        let known = submit(&t.app, &path, None, &[("email", "oz@example.test")]).await;
        assert_eq!((new_status, new_page.clone()), (known.status(), known.text().await.unwrap()));
        assert!(new_page.contains("Check your email"), "{new_page}");
        let invitation = mails_to(&t.app, &sink, "fay@example.test").await.pop().expect("an invitation");
        let invite = link_path(&invitation, "/invite/");
        let r = submit(&t.app, &invite, None, &[("name", "Fay"), ("password", "fay's password")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(mails_to(&t.app, &sink, "oz@example.test").await.len(), 1, "Oz is invited, to accept signed in");
        let links = t.ana.get("join_links/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(links[0]["uses"], 2);
        t.app.stop().await;
    }

    async fn a_password_is_reset_through_the_emailed_link(b: Backend) {
        let sink = SmtpSink::start().await;
        let t = Team::on_with(b, with_mail(&sink)).await;
        // The same answer for an account and for no account; only the account gets email.
        let known = t.app.anon.post("users/reset_password", json!({"email": "bo@example.test"})).await.unwrap();
        let unknown = t.app.anon.post("users/reset_password", json!({"email": "nobody@example.test"})).await.unwrap();
        assert_eq!(known, unknown);
        assert!(mails_to(&t.app, &sink, "nobody@example.test").await.is_empty());
        let mails: Vec<Mail> =
            mails_to(&t.app, &sink, "bo@example.test").await.into_iter().filter(|m| m.subject().contains("password")).collect();
        assert_eq!(mails.len(), 1, "{mails:#?}");
        assert_eq!(mails[0].subject(), "Reset your Weft password");
        let path = link_path(&mails[0], "/reset-password/");
        let code = path.trim_start_matches("/reset-password/").to_string();
        assert!(!database_text(&t.app).await.contains(&code), "the reset code is stored in plain text");

        let (status, html) = page(&t.app, &path, None).await;
        assert!(status == StatusCode::OK && html.contains("Choose a new password"), "{html}");
        let r = submit(&t.app, &path, None, &[("password", "brand new secret")]).await;
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/".to_string()));
        assert!(session_cookie(&r).is_some_and(|c| !c.is_empty()));
        // Every old session is out; the new password works, the old one not.
        assert_eq!(t.bo.get("users/get_session_user", json!({})).await.unwrap_err().status, 403);
        t.app.anon.login("bo@example.test", "brand new secret").await.unwrap();
        assert!(t.app.anon.login("bo@example.test", "password-Bo").await.is_err());
        // Once only.
        assert_eq!(page(&t.app, &path, None).await.0, StatusCode::NOT_FOUND);

        // Through the API, as Twist's users/set_password: the user with a new token.
        t.app.anon.post("users/reset_password", json!({"email": "gus@example.test"})).await.unwrap();
        let mail = mails_to(&t.app, &sink, "gus@example.test").await.pop().unwrap();
        let code = link_path(&mail, "/reset-password/").trim_start_matches("/reset-password/").to_string();
        let user = t.app.anon.post("users/set_password", json!({"reset_code": code, "new_password": "gus gets a new one"})).await.unwrap();
        assert_eq!(user["email"], "gus@example.test");
        let fresh = t.app.anon.with_token(user["token"].as_str().unwrap());
        fresh.get("users/get_session_user", json!({})).await.unwrap();
        assert_eq!(t.gus.get("users/get_session_user", json!({})).await.unwrap_err().status, 403);
        let err = t.app.anon.post("users/set_password", json!({"reset_code": code, "new_password": "and another"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 20));
        // An expired code does not work.
        t.app.anon.post("users/reset_password", json!({"email": "ana@example.test"})).await.unwrap();
        let mail = mails_to(&t.app, &sink, "ana@example.test").await.pop().unwrap();
        let code = link_path(&mail, "/reset-password/").trim_start_matches("/reset-password/").to_string();
        t.app.clock.advance_secs(3601);
        let err = t.app.anon.post("users/set_password", json!({"reset_code": code, "new_password": "too late now"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 20));
        t.app.stop().await;
    }

    async fn reset_requests_are_throttled_per_email_and_per_address(b: Backend) {
        let t = TestApp::spawn(b).await;
        for _ in 0..5 {
            t.anon.post("users/reset_password", json!({"email": "x@example.test"})).await.unwrap();
        }
        let err = t.anon.post("users/reset_password", json!({"email": "x@example.test"})).await.unwrap_err();
        assert_eq!(err.status, 429);
        // Per address: 20 requests in the window, whatever the emails.
        for i in 0..15 {
            t.anon.post("users/reset_password", json!({"email": format!("p{i}@example.test")})).await.unwrap();
        }
        let err = t.anon.post("users/reset_password", json!({"email": "fresh@example.test"})).await.unwrap_err();
        assert_eq!(err.status, 429);
        t.clock.advance_secs(15 * 60 + 1);
        t.anon.post("users/reset_password", json!({"email": "x@example.test"})).await.unwrap();
        t.stop().await;
    }

    async fn changing_the_password_or_email_takes_the_current_password(b: Backend) {
        let t = Team::on(b).await;
        let err = t.bo.post("users/update_password", json!({"new_password": "stolen session"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 19));
        let err = t.bo.post("users/update_password", json!({"new_password": "stolen session", "current_password": "guess"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 104));
        let err = t.bo.post("users/update", json!({"email": "thief@example.test"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 19));
        let err = t.bo.post("users/update", json!({"email": "thief@example.test", "password": "guess"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 104));
        // Nothing changed.
        let me = t.bo.get("users/get_session_user", json!({})).await.unwrap();
        assert_eq!(me["email"], "bo@example.test");
        t.app.anon.login("bo@example.test", "password-Bo").await.unwrap();
        // The same email, or other fields, need no password.
        t.bo.post("users/update", json!({"email": "bo@example.test", "profession": "Tester"})).await.unwrap();
        // With the current password, both work.
        t.bo.post("users/update", json!({"email": "bo2@example.test", "password": "password-Bo"})).await.unwrap();
        let user = t.bo.post("users/update_password", json!({"new_password": "a better one", "current_password": "password-Bo"})).await.unwrap();
        assert!(user["token"].is_string());
        t.app.anon.login("bo2@example.test", "a better one").await.unwrap();
        t.app.stop().await;
    }

    async fn leaving_a_workspace_takes_away_its_channels_conversations_groups_and_notifications(b: Backend) {
        let t = Team::on(b).await;
        let ops = t.ana.add_channel(t.ws, "ops", false, &[t.bo_id]).await.unwrap();
        let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        let group = t.ana.post("groups/add", json!({"workspace_id": t.ws, "name": "oncall", "user_ids": [t.bo_id]})).await.unwrap();
        // A push held for Bo (in a focus block) when he leaves.
        t.bo.post("schedules/update", json!({"focus_minutes": 120})).await.unwrap();
        t.ana.add_thread_to(t.general, "Before", json!([t.bo_id])).await;
        t.ana.post("workspace_users/remove", json!({"id": t.ws, "user_id": t.bo_id})).await.unwrap();

        let ops_now = t.ana.get("channels/getone", json!({"id": ops.id.0})).await.unwrap();
        assert!(!ops_now["user_ids"].as_array().unwrap().contains(&json!(t.bo_id)), "{ops_now}");
        let general = t.ana.get("channels/getone", json!({"id": t.general})).await.unwrap();
        assert!(!general["user_ids"].as_array().unwrap().contains(&json!(t.bo_id)), "{general}");
        let conv_now = t.ana.get("conversations/getone", json!({"id": conv["id"]})).await.unwrap();
        assert!(!conv_now["user_ids"].as_array().unwrap().contains(&json!(t.bo_id)), "{conv_now}");
        let group_now = t.ana.get("groups/getone", json!({"id": group["id"]})).await.unwrap();
        assert!(!group_now["user_ids"].as_array().unwrap().contains(&json!(t.bo_id)), "{group_now}");
        let held = t.app.pending_pushes(t.bo_id).await;
        assert_eq!(held, 0, "what was held for Bo is dropped");

        // Posts after he left do not notify him, even when he comes back.
        let away = t.ana.add_thread_to(t.general, "While away", json!("EVERYONE")).await;
        t.app.join(&t.ana, t.ws, t.bo_id, "USER").await;
        let notes = t.bo.get("notifications/get", json!({})).await.unwrap();
        let about_it = notes["notifications"].as_array().unwrap().iter().filter(|n| n["thread_id"] == away["id"]).count();
        assert_eq!(about_it, 0, "{notes}");
        // (He is notified again now that he is back.)
        let back = t.ana.add_thread_to(t.general, "Welcome back", json!("EVERYONE")).await;
        let notes = t.bo.get("notifications/get", json!({})).await.unwrap();
        assert!(notes["notifications"].as_array().unwrap().iter().any(|n| n["thread_id"] == back["id"]), "{notes}");
        // Back in the workspace, not back in the private channel.
        assert_eq!(t.bo.get("channels/getone", json!({"id": ops.id.0})).await.unwrap_err().status, 404);
        t.app.stop().await;
    }

    async fn operators_print_invitation_and_reset_links(b: Backend) {
        let t = Team::on(b).await;
        let admin = |args: &[&str]| {
            let config = t.app.node().config.clone();
            let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            match &config.database_url {
                Some(url) => all.extend(["--database-url".to_string(), url.clone()]),
                None => all.extend(["--data".to_string(), config.data.display().to_string()]),
            }
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft")).args(&all).output().unwrap();
            (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_string())
        };
        let ws = t.ws.to_string();
        let (ok, link) = admin(&["admin", "invite", "--email", "eve@example.test", "--workspace", &ws]);
        assert!(ok && link.contains("/invite/"), "{link}");
        let path = format!("/invite/{}", link.rsplit('/').next().unwrap());
        let r = submit(&t.app, &path, None, &[("name", "Eve"), ("password", "eve's good password")]).await;
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, format!("/a/{}", t.ws)));
        let (eve, _) = t.app.anon.login("eve@example.test", "eve's good password").await.unwrap();
        eve.get("channels/get", json!({"workspace_id": t.ws})).await.unwrap();
        // Already a member: nothing to invite.
        assert!(!admin(&["admin", "invite", "--email", "bo@example.test", "--workspace", &ws]).0);

        let (ok, link) = admin(&["admin", "reset-password", "--email", "bo@example.test"]);
        assert!(ok && link.contains("/reset-password/"), "{link}");
        let path = format!("/reset-password/{}", link.rsplit('/').next().unwrap());
        let r = submit(&t.app, &path, None, &[("password", "bo's new password")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        t.app.anon.login("bo@example.test", "bo's new password").await.unwrap();
        assert!(!admin(&["admin", "reset-password", "--email", "nobody@example.test"]).0);
        t.app.stop().await;
    }

    async fn adding_never_changes_an_active_members_role(b: Backend) {
        let t = Team::on(b).await;
        // The last admin, "added" again as a member, stays the admin.
        let me = t.ana.post("workspace_users/add", json!({"id": t.ws, "email": "ana@example.test", "user_type": "USER"})).await.unwrap();
        assert_eq!(me["user_type"], "ADMIN");
        let bo = t.ana.post("workspace_users/add", json!({"id": t.ws, "email": "bo@example.test", "user_type": "ADMIN"})).await.unwrap();
        assert_eq!((bo["user_type"].as_str(), bo["invite_pending"].as_bool()), (Some("USER"), Some(false)));
        // A pending admin does not count: the last active admin still cannot step down.
        t.ana.post("workspace_users/add", json!({"id": t.ws, "email": "new.admin@example.test", "user_type": "ADMIN"})).await.unwrap();
        let err = t.ana.post("workspace_users/update", json!({"id": t.ws, "user_id": t.ana_id, "user_type": "USER"})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 127));
        let err = t.ana.post("workspace_users/remove", json!({"id": t.ws, "user_id": t.ana_id})).await.unwrap_err();
        assert_eq!(status_code(&err), (400, 127));
        t.app.stop().await;
    }
}

/// Every text value stored in the database: a secret must be found nowhere in it.
trait ThreadTo {
    async fn add_thread_to(&self, channel: i64, title: &str, recipients: Value) -> Value;
}

impl ThreadTo for Client {
    async fn add_thread_to(&self, channel: i64, title: &str, recipients: Value) -> Value {
        self.post(
            "threads/add",
            json!({"channel_id": channel, "title": title, "content": "x", "recipients": recipients}),
        )
        .await
        .unwrap()
    }
}
