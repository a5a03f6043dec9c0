//! Attachments end to end: uploads (images measured and thumbnailed), posts that carry
//! them, downloads only for the people who can see such a post, the headers that keep a
//! file from ever running as a page, the size limit, the orphan sweep, detaching, search
//! by "has attachments", and the S3-compatible store (against a local moto server).

use crate::authz::without_uuid;
use crate::helpers::*;
use serde_json::{Value, json};
use weft_client::Client;

/// A GET of a file: status, headers and bytes.
pub async fn download(client: &Client, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    // Without --public-url a file's URL is a path of the server.
    let url = match url.strip_prefix('/') {
        Some(path) => format!("{}{path}", client.url("").trim_end_matches("api/v3/")),
        None => url.to_string(),
    };
    let mut req = client.http().get(&url);
    if let Some(token) = client.token() {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("the download answers");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.expect("the body").to_vec())
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// A PNG of this size (opaque: its thumbnail is a JPEG).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Every file response is a download or an image, never a page that runs anything.
fn assert_file_headers(h: &reqwest::header::HeaderMap) {
    assert_eq!(header(h, "x-content-type-options"), "nosniff");
    assert_eq!(header(h, "content-security-policy"), "sandbox; default-src 'none'");
}

both_backends! {
async fn an_image_and_a_file_reach_exactly_the_people_who_see_a_post_carrying_them(backend: Backend) {
    let t = Team::on(backend).await;
    let picture = png(800, 600);
    let img = upload(&t.ana, "0b6f1c1e-image", "holiday.png", "application/octet-stream", picture.clone()).await;
    let notes = b"meeting notes\n".to_vec();
    let file = upload(&t.ana, "0b6f1c1e-notes", "notes.txt", "text/plain", notes.clone()).await;

    // Twist's Attachment objects, the image's type and size read from its bytes.
    assert_eq!(img["url_type"], "image");
    assert_eq!(img["underlying_type"], "image/png");
    assert_eq!((img["image_width"].as_i64(), img["image_height"].as_i64()), (Some(800), Some(600)));
    assert_eq!(img["file_size"], picture.len());
    assert_eq!(img["upload_state"], "uploaded");
    assert_eq!(file["url_type"], "file");
    assert_eq!(file["underlying_type"], "text/plain");
    assert_eq!(file["file_name"], "notes.txt");
    assert!(file.get("image").is_none());
    let file_url = file["url"].as_str().unwrap().to_string();
    assert_eq!(file_url, "/files/0b6f1c1e-notes/notes.txt", "without --public-url: a path of the server");

    // Before it is posted, only its uploader can fetch it.
    assert_eq!(download(&t.ana, &file_url).await.0, 200);
    assert_eq!(download(&t.bo, &file_url).await.0, 404);

    // Posted in #general: the thread carries the stored objects, whatever the client sent.
    let mut forged = file.clone();
    forged["url"] = json!("https://elsewhere.example/x");
    forged["file_size"] = json!(1);
    let thread = t
        .ana
        .post("threads/add", json!({"channel_id": t.general, "title": "Files", "content": "see", "attachments": [img, forged]}))
        .await
        .unwrap();
    assert_eq!(thread["attachments"], json!([img, file]));

    // Bo, a member of #general, downloads both: the file as an attachment, the image inline.
    let (status, h, body) = download(&t.bo, &file_url).await;
    assert_eq!((status, body), (200, notes));
    assert_file_headers(&h);
    assert!(header(&h, "content-disposition").starts_with("attachment; filename=\"notes.txt\""), "{h:?}");
    assert_eq!(header(&h, "content-type"), "text/plain");
    let (status, h, body) = download(&t.bo, img["url"].as_str().unwrap()).await;
    assert_eq!((status, body == picture), (200, true));
    assert_file_headers(&h);
    assert_eq!(header(&h, "content-type"), "image/png");
    assert!(header(&h, "content-disposition").starts_with("inline;"), "{h:?}");
    // The thumbnail: a small JPEG of the same proportions.
    let (status, h, thumb) = download(&t.bo, img["image"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), "image/jpeg");
    let small = image::load_from_memory(&thumb).unwrap();
    assert_eq!((small.width(), small.height()), (400, 300));

    // A browser session (the cookie alone) is a reader too.
    let cookie_only = Client::new(&t.app.base);
    let token = t.bo.token().unwrap().to_string();
    let absolute = format!("{}{file_url}", t.app.base);
    let resp = cookie_only.http().get(&absolute).header("cookie", format!("weft_session={token}")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);

    // Gus (a guest outside #general), Oz (another workspace): not found, exactly as a file
    // that does not exist. No token: not signed in.
    let missing = file_url.replace("0b6f1c1e-notes", "0b6f1c1e-nothing");
    let (_, _, none) = download(&t.gus, &missing).await;
    for outsider in [&t.gus, &t.oz] {
        for url in [&file_url, img["url"].as_str().unwrap(), img["image"].as_str().unwrap()] {
            let (status, h, body) = download(outsider, url).await;
            assert_eq!(status, 404, "{url}");
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(without_uuid(&body), without_uuid(&serde_json::from_slice(&none).unwrap()));
            assert!(h.get("content-disposition").is_none());
        }
    }
    assert_eq!(download(&t.app.anon, &file_url).await.0, 401);

    // In a private channel: Bo, not in it, cannot fetch it by its URL.
    let secret = upload(&t.ana, "secret-plan", "plan.pdf", "application/pdf", b"%PDF-1.4 plan".to_vec()).await;
    t.ana
        .post("threads/add", json!({"channel_id": t.private, "title": "Plan", "content": "x", "attachments": [secret]}))
        .await
        .unwrap();
    assert_eq!(download(&t.ana, secret["url"].as_str().unwrap()).await.0, 200);
    assert_eq!(download(&t.bo, secret["url"].as_str().unwrap()).await.0, 404);

    // Naming it in his own post does not give Bo the file: the object stays as he sent it
    // and grants nothing.
    let posted = t
        .bo
        .post("threads/add", json!({"channel_id": t.general, "title": "Mine", "content": "x", "attachments": [secret]}))
        .await
        .unwrap();
    assert_eq!(posted["attachments"], json!([secret]));
    assert_eq!(download(&t.bo, secret["url"].as_str().unwrap()).await.0, 404);

    // But a file Bo can read, carried into a channel Gus is in, reaches Gus.
    let shared = t.bo.add_channel(t.ws, "with-gus", true, &[t.gus_id]).await.unwrap();
    let forwarded = t
        .bo
        .post("threads/add", json!({"channel_id": shared.id.0, "title": "Fwd", "content": "x", "attachments": [file]}))
        .await
        .unwrap();
    assert_eq!(download(&t.gus, &file_url).await.0, 200);
    // A deleted post takes its readers with it.
    t.bo.post("threads/remove", json!({"id": id(&forwarded)})).await.unwrap();
    assert_eq!(download(&t.gus, &file_url).await.0, 404);
    assert_eq!(download(&t.bo, &file_url).await.0, 200);

    // The same in comments and direct messages.
    let in_comment = upload(&t.ana, "in-comment", "c.txt", "text/plain", b"c".to_vec()).await;
    let comment = t
        .ana
        .post("comments/add", json!({"thread_id": id(&thread), "content": "more", "attachments": [in_comment]}))
        .await
        .unwrap();
    assert_eq!(download(&t.bo, in_comment["url"].as_str().unwrap()).await.0, 200);
    assert_eq!(download(&t.gus, in_comment["url"].as_str().unwrap()).await.0, 404);
    let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.gus_id]})).await.unwrap();
    let in_dm = upload(&t.ana, "in-dm", "d.txt", "text/plain", b"d".to_vec()).await;
    let message = t
        .ana
        .post("conversation_messages/add", json!({"conversation_id": id(&conv), "content": "hi", "attachments": [in_dm]}))
        .await
        .unwrap();
    assert_eq!(download(&t.gus, in_dm["url"].as_str().unwrap()).await.0, 200);
    assert_eq!(download(&t.bo, in_dm["url"].as_str().unwrap()).await.0, 404);

    // Taken off its comment, or its message, a file is no longer theirs to read.
    t.ana.post("attachments/remove", json!({"attachment_id": "in-comment", "comment_id": id(&comment)})).await.unwrap();
    assert_eq!(download(&t.bo, in_comment["url"].as_str().unwrap()).await.0, 404);
    t.ana.post("attachments/remove", json!({"attachment_id": "in-dm", "message_id": id(&message)})).await.unwrap();
    assert_eq!(download(&t.gus, in_dm["url"].as_str().unwrap()).await.0, 404);
    let got = t.gus.get("conversation_messages/getone", json!({"id": id(&message)})).await.unwrap();
    assert_eq!(got["attachments"], json!([]));
    t.app.stop().await;
}
}

both_backends! {
async fn a_file_alone_is_a_reply_or_a_message_and_an_empty_one_is_refused(backend: Backend) {
    let t = Team::on(backend).await;
    let thread = t.ana.add_thread(t.general, "Files", "x").await.unwrap().id.0;
    let conv = t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
    // Nothing to say and nothing attached: refused, and nothing is posted.
    for (path, params) in [
        ("comments/add", json!({"thread_id": thread, "content": "  "})),
        ("comments/add", json!({"thread_id": thread, "attachments": []})),
        ("conversation_messages/add", json!({"conversation_id": id(&conv), "content": ""})),
        ("conversation_messages/add", json!({"conversation_id": id(&conv)})),
    ] {
        let (status, body) = call(&t.ana, weft::api::Verb::Post, path, &params).await;
        assert_eq!(status, 400, "{path} {params}: {body}");
    }
    assert_eq!(t.ana.get("comments/get", json!({"thread_id": thread})).await.unwrap().as_array().unwrap().len(), 0);
    // A file alone is enough.
    let a = upload(&t.ana, "alone-1", "a.txt", "text/plain", b"a".to_vec()).await;
    let comment = t.ana.post("comments/add", json!({"thread_id": thread, "content": "", "attachments": [a]})).await.unwrap();
    assert_eq!((comment["content"].as_str(), comment["attachments"][0]["file_name"].as_str()), (Some(""), Some("a.txt")));
    let b = upload(&t.ana, "alone-2", "b.txt", "text/plain", b"b".to_vec()).await;
    let message =
        t.ana.post("conversation_messages/add", json!({"conversation_id": id(&conv), "content": "", "attachments": [b]})).await.unwrap();
    assert_eq!(message["attachments"][0]["file_name"], "b.txt");
    assert_eq!(download(&t.bo, b["url"].as_str().unwrap()).await.0, 200);
    // Lists preview such a post by its files' names.
    let listed = t.bo.get("conversations/getone", json!({"id": id(&conv)})).await.unwrap();
    assert_eq!(listed["snippet"], "📎 b.txt");
    let listed = t.bo.get("threads/getone", json!({"id": thread})).await.unwrap();
    assert_eq!(listed["snippet"], "📎 a.txt");
    t.app.stop().await;
}
}

both_backends! {
async fn html_and_svg_files_are_downloads_never_pages(backend: Backend) {
    let t = Team::on(backend).await;
    let html = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    let cases = [
        ("page-html", "page.html", "text/html", html.clone(), "text/html"),
        ("drawing-svg", "drawing.svg", "image/svg+xml", svg.clone(), "image/svg+xml"),
        // Claimed to be a PNG, but its bytes are not one: a download of unknown type.
        ("fake-png", "cat.png", "image/png", html.clone(), "application/octet-stream"),
    ];
    for (aid, name, claimed, bytes, served) in cases {
        let a = upload(&t.ana, aid, name, claimed, bytes.clone()).await;
        assert_eq!(a["url_type"], "file", "{name}");
        assert!(a.get("image").is_none());
        t.ana
            .post("threads/add", json!({"channel_id": t.general, "title": name, "content": "x", "attachments": [a]}))
            .await
            .unwrap();
        let (status, h, body) = download(&t.bo, a["url"].as_str().unwrap()).await;
        assert_eq!((status, body), (200, bytes), "{name}");
        assert_file_headers(&h);
        assert_eq!(header(&h, "content-type"), served, "{name}");
        assert!(header(&h, "content-disposition").starts_with("attachment;"), "{name}: {h:?}");
        // Not an image: no thumbnail either.
        let thumb = a["url"].as_str().unwrap().replace(&format!("/{aid}/"), &format!("/{aid}/thumbnail/"));
        assert_eq!(download(&t.bo, &thumb).await.0, 404);
    }
    // A file name that could break out of the header is quoted safely.
    let odd = upload(&t.ana, "odd-name", "a\"b;c ü.txt", "text/plain", b"x".to_vec()).await;
    let (status, h, _) = download(&t.ana, odd["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-disposition"), "attachment; filename=\"a_b;c _.txt\"; filename*=UTF-8''a%22b%3Bc%20%C3%BC.txt");
    t.app.stop().await;
}
}

both_backends! {
async fn an_upload_over_the_size_limit_is_refused_with_413(backend: Backend) {
    let limit = 1024 * 1024;
    let t = Team::on_with(backend, |c| c.files.max_upload_bytes = limit).await;
    let parts = |id: &str, n: u64| {
        vec![
            ("attachment_id".to_string(), Part::text(id)),
            ("file".to_string(), Part::file("big.bin", "application/octet-stream", vec![7u8; n as usize])),
        ]
    };
    let (status, body) = upload_parts(&t.ana, &parts("exactly", limit)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["file_size"], limit);
    let (status, body) = upload_parts(&t.ana, &parts("one-more", limit + 1)).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error_code"], 114);
    assert!(body["error_string"].as_str().unwrap().contains(&limit.to_string()), "{body}");
    // Nothing of it was kept.
    let url = format!("{}/files/one-more/big.bin", t.app.base);
    assert_eq!(download(&t.ana, &url).await.0, 404);
    let spool = t.app.dir.path().join("files").join("tmp");
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0, "the spool is empty");
    t.app.stop().await;

    // The API's 5 MB body limit does not apply to uploads: the default limit is 100 MiB.
    // (With --public-url, links are absolute.)
    let t = Team::on_with(backend, |c| c.public_url = Some("https://weft.example.com/".into())).await;
    let (status, body) = upload_parts(&t.ana, &parts("six-mb", 6 * 1024 * 1024)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["url"], "https://weft.example.com/files/six-mb/big.bin");
    t.app.stop().await;
}
}

both_backends! {
async fn uploads_nobody_posts_are_swept_after_a_day_and_their_blobs_with_them(backend: Backend) {
    let t = Team::on(backend).await;
    let node = t.app.node().clone();
    let kept = upload(&t.ana, "kept", "kept.txt", "text/plain", b"same bytes".to_vec()).await;
    // The same content twice is stored once.
    let twin = upload(&t.bo, "twin", "twin.txt", "text/plain", b"same bytes".to_vec()).await;
    let lone = upload(&t.ana, "lone", "lone.txt", "text/plain", b"nobody posts me".to_vec()).await;
    let blob_of = |bytes: &[u8]| sha256_hex(bytes);
    t.ana
        .post("threads/add", json!({"channel_id": t.general, "title": "Kept", "content": "x", "attachments": [kept]}))
        .await
        .unwrap();
    let blobs = t.app.dir.path().join("files").join("blobs");
    let count_blobs = || walk(&blobs);
    assert_eq!(count_blobs(), 2);

    // Within the day nothing goes.
    t.app.clock.advance_secs(23 * 3600);
    t.app.step_workers().await;
    assert_eq!(download(&t.ana, lone["url"].as_str().unwrap()).await.0, 200);

    // A day after their upload, the unposted ones go; the posted one stays, and so does
    // the blob it shares with one that went.
    t.app.clock.advance_secs(3600 + 1);
    t.app.step_workers().await;
    assert_eq!(download(&t.ana, lone["url"].as_str().unwrap()).await.0, 404);
    assert_eq!(download(&t.bo, twin["url"].as_str().unwrap()).await.0, 404);
    assert_eq!(download(&t.bo, kept["url"].as_str().unwrap()).await.0, 200);
    assert!(!node.files.has_blob(&blob_of(b"nobody posts me")).await.unwrap());
    assert!(node.files.has_blob(&blob_of(b"same bytes")).await.unwrap());
    assert_eq!(count_blobs(), 1);

    // Taken off its post, a file goes at the next sweep (its day has passed).
    let thread = t.ana.post("threads/get", json!({"channel_id": t.general})).await.unwrap();
    let thread_id = thread.as_array().unwrap().iter().find(|th| th["title"] == "Kept").map(id).unwrap();
    let (status, body) =
        call(&t.bo, weft::api::Verb::Post, "attachments/remove", &json!({"attachment_id": "kept", "thread_id": thread_id})).await;
    assert_eq!(status, 403, "only the author or an admin edits the post: {body}");
    t.ana.post("attachments/remove", json!({"attachment_id": "kept", "thread_id": thread_id})).await.unwrap();
    assert_eq!(t.ana.thread(thread_id).await.unwrap().attachments, Vec::<Value>::new());
    let (status, _) =
        call(&t.ana, weft::api::Verb::Post, "attachments/remove", &json!({"attachment_id": "kept", "thread_id": thread_id})).await;
    assert_eq!(status, 404, "no longer on the post");
    assert_eq!(download(&t.bo, kept["url"].as_str().unwrap()).await.0, 404);
    t.app.step_workers().await;
    assert_eq!(download(&t.ana, kept["url"].as_str().unwrap()).await.0, 404);
    assert_eq!(count_blobs(), 0);
    t.app.stop().await;
}
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// How many files are under `dir`, at any depth.
fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

both_backends! {
async fn uploads_refuse_what_is_not_an_upload(backend: Backend) {
    let t = Team::on(backend).await;
    let file = || ("file".to_string(), Part::file("x.txt", "text/plain", b"x".to_vec()));
    let id = |v: &str| ("attachment_id".to_string(), Part::text(v));
    // Missing parts, bad ids and names.
    for (parts, code, argument) in [
        (vec![id("no-file")], 19, "file"),
        (vec![file()], 19, "attachment_id"),
        (vec![id("has space"), file()], 20, "attachment_id"),
        (vec![id(&"x".repeat(101)), file()], 20, "attachment_id"),
        (vec![id("bad-name"), ("file_name".into(), Part::text("../etc/passwd")), file()], 20, "file_name"),
        (vec![id("two-files"), file(), file()], 20, "file"),
        (vec![id("extra"), ("thumbnail".into(), Part::text("x")), file()], 20, "thumbnail"),
    ] {
        let (status, body) = upload_parts(&t.ana, &parts).await;
        assert_eq!((status, body["error_code"].as_i64()), (400, Some(code)), "{body}");
        assert_eq!(body["error_extra"]["argument"], argument, "{body}");
    }
    // Not multipart at all, broken multipart, another method, no session.
    let url = t.ana.url("attachments/upload");
    let (status, body) = t.ana.send(t.ana.http().post(&url).json(&json!({"attachment_id": "x"}))).await.unwrap();
    assert_eq!(status, 400, "{body}");
    let broken = t.ana.http().post(&url).header("content-type", "multipart/form-data; boundary=zz").body("--zz\r\nnonsense");
    let (status, body) = t.ana.send(broken).await.unwrap();
    assert_eq!(status, 400, "{body}");
    let (status, body) = t.ana.send(t.ana.http().get(&url)).await.unwrap();
    assert_eq!(status, 405, "{body}");
    let (status, _) = upload_parts(&t.app.anon, &[id("anon"), file()]).await;
    assert_eq!(status, 401);
    // The web app uploads with its session cookie and the page's CSRF token; the cookie
    // alone (another site's form) is refused.
    let token = t.ana.token().unwrap().to_string();
    let csrf = weft::web::session::csrf_token(&weft_core::services::auth::token_hash(&token));
    let by_cookie = |csrf: Option<&str>| {
        let mut req = t
            .app
            .anon
            .http()
            .post(&url)
            .header("cookie", format!("weft_session={token}"))
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(multipart_body(&[id(&format!("cookie-{}", csrf.is_some())), file()]));
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        req
    };
    assert_eq!(t.app.anon.send(by_cookie(None)).await.unwrap().0, 403);
    assert_eq!(t.app.anon.send(by_cookie(Some(&csrf))).await.unwrap().0, 200);
    // Inside a batch (forms only): refused.
    let sub = json!([{"method": "POST", "url": "/api/v3/attachments/upload", "body": "attachment_id=a&file=x"}]);
    let answer = t.ana.post("batch", json!({"requests": sub})).await.unwrap();
    assert_eq!(answer[0]["code"], 400);

    // An id is its uploader's: uploading again replaces it until it is posted; someone
    // else, or after it is posted, gets 409.
    upload(&t.ana, "mine", "a.txt", "text/plain", b"first".to_vec()).await;
    let again = upload(&t.ana, "mine", "a.txt", "text/plain", b"second".to_vec()).await;
    assert_eq!(download(&t.ana, again["url"].as_str().unwrap()).await.2, b"second");
    let (status, body) = upload_parts(&t.bo, &[id("mine"), file()]).await;
    assert_eq!((status, body["error_code"].as_i64()), (409, Some(131)), "{body}");
    t.ana
        .post("threads/add", json!({"channel_id": t.general, "title": "t", "content": "x", "attachments": [again]}))
        .await
        .unwrap();
    let (status, _) = upload_parts(&t.ana, &[id("mine"), file()]).await;
    assert_eq!(status, 409);
    t.app.stop().await;
}
}

both_backends! {
async fn search_keeps_to_posts_with_attachments(backend: Backend) {
    let t = Team::on(backend).await;
    let a = upload(&t.ana, "report", "report.txt", "text/plain", b"q3".to_vec()).await;
    let with = t
        .ana
        .post("threads/add", json!({"channel_id": t.general, "title": "Quarterly report", "content": "attached", "attachments": [a]}))
        .await
        .unwrap();
    t.ana.add_thread(t.general, "Quarterly plans", "no files").await.unwrap();
    let ids = |page: Value| page["items"].as_array().unwrap().iter().map(|i| i["thread_id"].as_i64().unwrap()).collect::<Vec<_>>();
    let all = t.bo.get("search", json!({"workspace_id": t.ws, "query": "quarterly"})).await.unwrap();
    assert_eq!(ids(all).len(), 2);
    let only = t.bo.get("search", json!({"workspace_id": t.ws, "query": "quarterly", "has_attachments": true})).await.unwrap();
    assert_eq!(ids(only), vec![id(&with)]);
    // Without words: every post with files the searcher can see.
    let files = t.bo.get("search", json!({"workspace_id": t.ws, "has_attachments": true})).await.unwrap();
    assert_eq!(ids(files), vec![id(&with)]);
    let none = t.gus.get("search", json!({"workspace_id": t.ws, "has_attachments": true})).await.unwrap();
    assert_eq!(ids(none), Vec::<i64>::new());
    t.app.stop().await;
}
}

/// A local S3-compatible server (moto's, from PyPI) on a free loopback port, stopped
/// (killed by its process id) when dropped.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto's server, or None when it is not installed (a failure when
/// `WEFT_REQUIRE_S3=1`, as in CI).
async fn moto() -> Option<Moto> {
    let required = std::env::var("WEFT_REQUIRE_S3").is_ok_and(|v| v == "1");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let spawned = std::process::Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(e) if required => {
            panic!(
                "WEFT_REQUIRE_S3=1 but moto_server cannot start ({e}); install it: python3 -m pip install 'moto[server]'"
            )
        }
        Err(_) => {
            eprintln!("skipped: moto_server is not installed (python3 -m pip install 'moto[server]')");
            return None;
        }
    };
    let moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}") };
    // Ready when it answers (it takes a moment to start); give up after a minute.
    let http = reqwest::Client::new();
    for _ in 0..600 {
        if http.get(&moto.endpoint).send().await.is_ok() {
            return Some(moto);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("moto_server did not start on {}", moto.endpoint);
}

#[tokio::test]
async fn attachments_round_trip_through_an_s3_compatible_store() {
    let Some(moto) = moto().await else { return };
    let bucket = format!("{}/weft-test", moto.endpoint);
    let created = reqwest::Client::new().put(&bucket).send().await.unwrap();
    assert!(created.status().is_success(), "create the bucket: {}", created.status());
    let endpoint = moto.endpoint.clone();
    let t = Team::on_with(Backend::Sqlite, move |c| {
        c.files.url = Some("s3://weft-test/attachments".into());
        c.files.s3_endpoint = Some(endpoint);
        c.files.s3_access_key_id = Some("testing".into());
        c.files.s3_secret_access_key = Some("testing".into());
    })
    .await;
    let node = t.app.node().clone();
    let picture = png(1200, 900);
    let img = upload(&t.ana, "s3-image", "big.png", "image/png", picture.clone()).await;
    let doc = b"stored in a bucket".to_vec();
    let file = upload(&t.ana, "s3-file", "doc.txt", "text/plain", doc.clone()).await;
    let lone = upload(&t.ana, "s3-lone", "lone.txt", "text/plain", b"never posted".to_vec()).await;
    t.ana
        .post(
            "threads/add",
            json!({"channel_id": t.general, "title": "S3", "content": "x", "attachments": [img, file]}),
        )
        .await
        .unwrap();

    // The bytes are in the bucket (under the prefix), not under the data directory.
    assert!(node.files.has_blob(&sha256_hex(&doc)).await.unwrap());
    assert_eq!(walk(&t.app.dir.path().join("files").join("blobs")), 0);

    let (status, h, body) = download(&t.bo, file["url"].as_str().unwrap()).await;
    assert_eq!((status, body), (200, doc));
    assert_file_headers(&h);
    let (status, _, body) = download(&t.bo, img["url"].as_str().unwrap()).await;
    assert_eq!((status, body == picture), (200, true));
    let (status, _, thumb) = download(&t.bo, img["image"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(image::load_from_memory(&thumb).map(|i| (i.width(), i.height())).unwrap(), (400, 300));
    assert_eq!(download(&t.gus, file["url"].as_str().unwrap()).await.0, 404);

    // The sweep deletes from the bucket too.
    let lone_sha = sha256_hex(b"never posted");
    assert!(node.files.has_blob(&lone_sha).await.unwrap());
    t.app.clock.advance_secs(24 * 3600 + 1);
    t.app.step_workers().await;
    assert!(!node.files.has_blob(&lone_sha).await.unwrap());
    assert_eq!(download(&t.ana, lone["url"].as_str().unwrap()).await.0, 404);
    assert!(node.files.has_blob(&sha256_hex(b"stored in a bucket")).await.unwrap());
    t.app.stop().await;
    drop(moto);
}

/// A PNG that declares `width` × `height` pixels but carries almost no data: decoding it
/// would take gigabytes.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend(data);
        out.extend(&typed);
        out.extend(crc32(&typed).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x03, 0x00]);
    chunk(&mut png, b"IEND", &[]);
    png
}

both_backends! {
async fn a_decompression_bomb_is_measured_but_never_decoded(backend: Backend) {
    let t = Team::on(backend).await;
    // 16,000 × 16,000 (a gigabyte of pixels): its size is read, no thumbnail is made.
    let big = upload(&t.ana, "bomb", "bomb.png", "image/png", png_bomb(16_000, 16_000)).await;
    assert_eq!(big["url_type"], "image");
    assert_eq!((big["image_width"].as_i64(), big["image_height"].as_i64()), (Some(16_000), Some(16_000)));
    assert_eq!(big["image"], big["url"], "no thumbnail: the image itself");
    // Wider than any image Weft decodes: a plain file.
    let wide = upload(&t.ana, "wide", "wide.png", "image/png", png_bomb(100_000, 10)).await;
    assert_eq!(wide["url_type"], "file");
    assert_eq!(wide["underlying_type"], "application/octet-stream");
    t.app.stop().await;
}
}
