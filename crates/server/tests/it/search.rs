//! Search: stemming, prefixes, filters, freshness and — above all — nobody finds what they
//! may not see.

use crate::helpers::*;
use serde_json::{Value, json};
use weft_client::Client;
use weft_core::ThreadId;
use weft_core::model::*;

async fn find(c: &Client, ws: i64, params: Value) -> Vec<SearchResult> {
    let mut p = params;
    p["workspace_id"] = json!(ws);
    let page = c.get("search", p).await.unwrap();
    serde_json::from_value(page["items"].clone()).unwrap()
}

fn snippets(r: &[SearchResult]) -> Vec<&str> {
    r.iter().map(|r| r.snippet.as_str()).collect()
}

both_backends! {
    async fn search_finds_words_by_stem_and_prefix_and_ranks_titles_first(b: Backend) {
        let t = Team::on(b).await;
        let budget = t.ana.add_thread(t.general, "Budget planning", "Numbers for next year").await.unwrap();
        let other = t.ana.add_thread(t.general, "Offsite", "We talked about the budget over lunch").await.unwrap();
        t.bo.add_comment(other.id.0, "I plan to bring slides").await.unwrap();
        // Stemming: "plans" finds "planning" and "plan".
        let r = find(&t.bo, t.ws, json!({"query": "plans"})).await;
        let kinds: Vec<(&str, Option<ThreadId>)> = r.iter().map(|r| (r.kind.as_str(), r.thread_id)).collect();
        assert!(kinds.contains(&("thread", Some(budget.id))), "{r:?}");
        assert!(kinds.contains(&("comment", Some(other.id))), "{r:?}");
        // The last word matches as a prefix, as people type.
        let r = find(&t.bo, t.ws, json!({"query": "budg"})).await;
        assert_eq!(r.len(), 2);
        // A title match ranks above a body match.
        assert_eq!(r[0].thread_id, Some(budget.id));
        assert_eq!(r[0].comment_id, Some(-1));
        assert_eq!(r[0].title.as_deref(), Some("Budget planning"));
        assert_eq!(r[0].channel_name.as_deref(), Some("General"));
        // Only titles.
        let r = find(&t.bo, t.ws, json!({"query": "budget", "title": true})).await;
        assert_eq!(r.len(), 1);
        t.app.stop().await;
    }

    async fn the_index_changes_with_every_edit_and_delete(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Notes", "first draft").await.unwrap();
        let c = t.ana.add_comment(th.id.0, "the zebra decision").await.unwrap();
        assert_eq!(find(&t.bo, t.ws, json!({"query": "zebra"})).await.len(), 1);
        t.ana.post("comments/update", json!({"id": c.id.0, "content": "the giraffe decision"})).await.unwrap();
        assert!(find(&t.bo, t.ws, json!({"query": "zebra"})).await.is_empty());
        assert_eq!(find(&t.bo, t.ws, json!({"query": "giraffe"})).await.len(), 1);
        t.ana.post("threads/update", json!({"id": th.id.0, "title": "Meeting notes"})).await.unwrap();
        assert_eq!(find(&t.bo, t.ws, json!({"query": "meeting"})).await.len(), 1);
        t.ana.post("comments/remove", json!({"id": c.id.0})).await.unwrap();
        assert!(find(&t.bo, t.ws, json!({"query": "giraffe"})).await.is_empty());
        // Moving a thread to a private channel takes it out of Bo's reach at once.
        t.ana.post("threads/move_to_channel", json!({"id": th.id.0, "to_channel": t.private})).await.unwrap();
        assert!(find(&t.bo, t.ws, json!({"query": "meeting"})).await.is_empty());
        assert_eq!(find(&t.ana, t.ws, json!({"query": "meeting"})).await.len(), 1);
        t.ana.post("threads/remove", json!({"id": th.id.0})).await.unwrap();
        assert!(find(&t.ana, t.ws, json!({"query": "meeting"})).await.is_empty());
        t.app.stop().await;
    }

    async fn nobody_finds_what_they_may_not_see(b: Backend) {
        let t = Team::on(b).await;
        t.ana.add_thread(t.private, "Salaries", "secret pineapple numbers").await.unwrap();
        t.ana.add_thread(t.general, "Lunch", "public pineapple pizza").await.unwrap();
        t.ana.add_thread(t.guests, "Welcome", "guest pineapple guide").await.unwrap();
        let conv: Conversation =
            t.ana.post_as("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        t.ana.post("conversation_messages/add", json!({"conversation_id": conv.id.0, "content": "private pineapple chat"})).await.unwrap();

        let seen = |r: Vec<SearchResult>| -> Vec<String> {
            let mut s: Vec<String> = r.into_iter().map(|r| r.snippet).collect();
            s.sort();
            s
        };
        assert_eq!(
            seen(find(&t.ana, t.ws, json!({"query": "pineapple"})).await),
            ["guest pineapple guide", "private pineapple chat", "public pineapple pizza", "secret pineapple numbers"]
        );
        // Bo: not the private channel, not the guests' channel; his conversation yes.
        assert_eq!(seen(find(&t.bo, t.ws, json!({"query": "pineapple"})).await), ["private pineapple chat", "public pineapple pizza"]);
        // Gus the guest: only his channel, not even the public one.
        assert_eq!(seen(find(&t.gus, t.ws, json!({"query": "pineapple"})).await), ["guest pineapple guide"]);
        // Oz is not in the workspace at all.
        let err = t.oz.get("search", json!({"workspace_id": t.ws, "query": "pineapple"})).await.unwrap_err();
        assert_eq!(err.status, 404);
        // Naming a channel one cannot see is refused like a missing one.
        let err = t.bo.get("search", json!({"workspace_id": t.ws, "query": "pineapple", "channel_ids": [t.private]})).await.unwrap_err();
        let missing = t.bo.get("search", json!({"workspace_id": t.ws, "query": "pineapple", "channel_ids": [987654]})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (missing.status, missing.code()));
        t.app.stop().await;
    }

    async fn search_filters_and_pages(b: Backend) {
        let t = Team::on(b).await;
        let th = t.ana.add_thread(t.general, "Quarterly", "orange report").await.unwrap();
        t.app.clock.advance_secs(3 * 86_400);
        t.bo.add_comment(th.id.0, "orange numbers look fine").await.unwrap();
        t.bo.post("comments/add", json!({"thread_id": th.id.0, "content": "orange for [Ana](twist-mention://1)"})).await.unwrap();
        let conv: Conversation =
            t.ana.post_as("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
        t.bo.post("conversation_messages/add", json!({"conversation_id": conv.id.0, "content": "orange juice?"})).await.unwrap();

        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange"})).await.len(), 4);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "author_ids": [t.bo_id]})).await.len(), 3);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "type": "messages"})).await.len(), 1);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "type": "threads"})).await.len(), 3);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "conversation_ids": [conv.id.0]})).await.len(), 1);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "channel_ids": [t.general]})).await.len(), 3);
        let mentions = find(&t.ana, t.ws, json!({"mention_self": true})).await;
        assert_eq!(snippets(&mentions), ["orange for Ana"]);
        // Dates are days in the searcher's time zone; date_to includes its day.
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "date_from": "2026-11-25"})).await.len(), 3);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "date_to": "2026-11-23"})).await.len(), 1);
        let err = t.ana.get("search", json!({"workspace_id": t.ws, "query": "orange", "date_from": "2026-11-25", "date_to": "2026-11-23"})).await.unwrap_err();
        assert_eq!(err.code(), 128);
        // The day after the last day is no range either.
        let err = t.ana.get("search", json!({"workspace_id": t.ws, "query": "orange", "date_from": "2026-11-24", "date_to": "2026-11-23"})).await.unwrap_err();
        assert_eq!(err.code(), 128);
        // Pages.
        let page = t.ana.get("search", json!({"workspace_id": t.ws, "query": "orange", "limit": 3})).await.unwrap();
        assert_eq!((page["items"].as_array().unwrap().len(), page["has_more"].as_bool()), (3, Some(true)));
        let next = t.ana.get("search", json!({"workspace_id": t.ws, "query": "orange", "limit": 3, "cursor_mark": page["next_cursor_mark"]})).await.unwrap();
        assert_eq!((next["items"].as_array().unwrap().len(), next["has_more"].as_bool()), (1, Some(false)));
        // Within one thread, within one conversation.
        let ids = t.ana.get("search/thread", json!({"thread_id": th.id.0, "query": "numbers"})).await.unwrap();
        assert_eq!(ids["comment_ids"].as_array().unwrap().len(), 1);
        let ids = t.ana.get("search/conversation", json!({"conversation_id": conv.id.0, "query": "juice"})).await.unwrap();
        assert_eq!(ids["message_ids"].as_array().unwrap().len(), 1);
        let err = t.ana.get("search", json!({"workspace_id": t.ws})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (400, 19));

        // Filters are matched inside the text index: a moved thread's documents follow it,
        // and a word that looks like a filter token finds nothing of it.
        for token in [format!("a{}", t.bo_id), format!("_a{}", t.bo_id), format!("_c{}", t.general)] {
            assert!(find(&t.ana, t.ws, json!({"query": token})).await.is_empty(), "{token}");
        }
        t.ana.post("threads/move_to_channel", json!({"id": th.id.0, "to_channel": t.private})).await.unwrap();
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "channel_ids": [t.general]})).await.len(), 0);
        assert_eq!(find(&t.ana, t.ws, json!({"query": "orange", "channel_ids": [t.private]})).await.len(), 3);
        let by_bo_there = json!({"query": "orange", "channel_ids": [t.private], "author_ids": [t.bo_id]});
        assert_eq!(find(&t.ana, t.ws, by_bo_there).await.len(), 2);
        t.app.stop().await;
    }
}
