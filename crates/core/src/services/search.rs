//! Full-text search over thread titles and bodies, comments and conversation messages.
//! The storage layer keeps the index in step with every write (same transaction), with the
//! documents `store::search` builds; this module decides what a searcher may find.

use super::access;
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::store::{SearchHit, SearchQuery, Tx};
use crate::text;
use serde::Serialize;
use std::collections::HashMap;

pub const DEFAULT_LIMIT: i64 = 30;
pub const MAX_LIMIT: i64 = 100;
const MAX_WORDS: usize = 16;
const SNIPPET_CHARS: usize = 160;

/// The words of a query: letters and digits, lower-cased, at most 16.
pub fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(MAX_WORDS)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Threads,
    Messages,
    All,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub workspace_id: WorkspaceId,
    pub query: String,
    pub title_only: bool,
    pub kind: Kind,
    pub channel_ids: Option<Vec<ChannelId>>,
    pub conversation_ids: Option<Vec<ConversationId>>,
    pub author_ids: Vec<UserId>,
    pub mention_self: bool,
    /// Only posts that carry attachments.
    pub has_attachments: bool,
    /// Messages in conversations with this person.
    pub to_user: Option<UserId>,
    pub from_ts: Option<i64>,
    pub to_ts: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// One page of `search` results.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(rename = "SearchPage")]
pub struct Page {
    pub items: Vec<SearchResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor_mark: Option<String>,
    pub has_more: bool,
    pub is_plan_restricted: bool,
}

/// Where `actor` may look in `ws`: the channels they can see, the conversations they are in.
fn reach(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<(Vec<Channel>, Vec<Conversation>)> {
    let role = access::role_in(tx, ws, actor)?;
    let mut channels = tx.channels_in(ws, actor)?;
    channels.retain(|c| policy::can_see_channel(role, c, actor));
    let conversations = tx.conversations_of(ws, actor)?;
    Ok((channels, conversations))
}

pub fn search(tx: &mut dyn Tx, actor: UserId, input: Input) -> Result<Page> {
    let words = words(&input.query);
    if words.is_empty() && !input.mention_self && !input.has_attachments {
        return Err(Error::missing("query"));
    }
    // An empty window is a mistake too (e.g. date_from the day after date_to).
    if let (Some(from), Some(to)) = (input.from_ts, input.to_ts)
        && from >= to
    {
        return Err(Error::InvalidDateRange);
    }
    let (mut channels, mut conversations) = reach(tx, actor, input.workspace_id)?;
    // Filters name only what the searcher can see; a channel they cannot see is as unknown
    // as one that does not exist.
    if let Some(only) = &input.channel_ids {
        if only.iter().any(|id| !channels.iter().any(|c| c.id == *id)) {
            return Err(Error::NotFound(NotFound::Channel));
        }
        channels.retain(|c| only.contains(&c.id));
        if input.conversation_ids.is_none() {
            conversations.clear();
        }
    }
    if let Some(only) = &input.conversation_ids {
        if only.iter().any(|id| !conversations.iter().any(|c| c.id == *id)) {
            return Err(Error::NotFound(NotFound::Conversation));
        }
        conversations.retain(|c| only.contains(&c.id));
        if input.channel_ids.is_none() {
            channels.clear();
        }
    }
    for &author in input.author_ids.iter().chain(input.to_user.iter()) {
        if tx.membership(input.workspace_id, author)?.is_none() {
            return Err(Error::invalid("author_ids", format!("user {author} is not in this workspace")));
        }
    }
    if let Some(to) = input.to_user {
        conversations.retain(|c| c.user_ids.contains(&to));
        channels.clear();
    }
    let kinds: Vec<&'static str> = match input.kind {
        Kind::Threads => {
            conversations.clear();
            vec!["thread", "comment"]
        }
        Kind::Messages => {
            channels.clear();
            vec!["message"]
        }
        Kind::All if input.title_only => vec!["thread"],
        Kind::All => vec![],
    };
    let q = SearchQuery {
        workspace_id: input.workspace_id,
        words: words.clone(),
        title_only: input.title_only,
        channels: channels.iter().map(|c| c.id).collect(),
        conversations: conversations.iter().map(|c| c.id).collect(),
        kinds,
        thread_id: None,
        author_ids: input.author_ids.clone(),
        mentioning: input.mention_self.then_some(actor),
        has_attachments: input.has_attachments,
        from_ts: input.from_ts,
        to_ts: input.to_ts,
        offset: input.offset,
        limit: input.limit + 1,
    };
    let mut hits = tx.search(&q)?;
    let has_more = hits.len() as i64 > input.limit;
    hits.truncate(input.limit as usize);
    // Thread titles and states for the page, in one query.
    let mut thread_ids: Vec<ThreadId> = hits.iter().filter_map(|h| h.thread_id).collect();
    thread_ids.sort_unstable();
    thread_ids.dedup();
    let threads: HashMap<ThreadId, Thread> =
        tx.threads_by_ids(&thread_ids, actor)?.into_iter().map(|t| (t.id, t)).collect();
    let by_channel: HashMap<ChannelId, &Channel> = channels.iter().map(|c| (c.id, c)).collect();
    let items = hits.iter().map(|h| result(h, &words, &threads, &by_channel)).collect();
    Ok(Page {
        items,
        next_cursor_mark: has_more.then(|| (input.offset + input.limit).to_string()),
        has_more,
        is_plan_restricted: false,
    })
}

fn result(
    h: &SearchHit,
    words: &[String],
    threads: &HashMap<ThreadId, Thread>,
    channels: &HashMap<ChannelId, &Channel>,
) -> SearchResult {
    let thread = h.thread_id.and_then(|t| threads.get(&t));
    let channel = h.channel_id.and_then(|c| channels.get(&c));
    let source = if h.kind == "thread" && !matches_any(&h.body, words) { &h.title } else { &h.body };
    SearchResult {
        id: format!("{}-{}", h.kind, h.obj_id),
        kind: h.kind.clone(),
        snippet: snippet_around(source, words),
        snippet_creator_id: h.author_id,
        snippet_last_updated_ts: h.posted_ts,
        thread_id: h.thread_id,
        comment_id: match h.kind.as_str() {
            "comment" => Some(h.obj_id),
            "thread" => Some(-1),
            _ => None,
        },
        conversation_id: h.conversation_id,
        message_id: (h.kind == "message").then_some(MessageId(h.obj_id)),
        channel_id: h.channel_id,
        channel_name: channel.map(|c| c.name.clone()),
        channel_color: channel.and_then(|c| c.color),
        title: thread.map(|t| t.title.clone()),
        closed: thread.map(|t| t.closed),
    }
}

fn matches_any(text: &str, words: &[String]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w.as_str()))
}

/// How much Markdown around the first match a snippet reads: a long post costs no more to
/// show than a short one.
const SNIPPET_WINDOW: usize = 2_000;

/// The byte offset in `text` of the first of `words` found in its lower-cased form (lower
/// case can change a character's length, so the offset is mapped back character by character).
fn first_match(text: &str, words: &[String]) -> Option<usize> {
    let lower = text.to_lowercase();
    let at = words.iter().filter_map(|w| lower.find(w.as_str())).min()?;
    let mut lowered = 0;
    for (i, c) in text.char_indices() {
        if lowered >= at {
            return Some(i);
        }
        lowered += c.to_lowercase().map(char::len_utf8).sum::<usize>();
    }
    Some(text.len())
}

/// The largest char boundary of `text` at or below `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    (0..=i.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0)
}

/// A one-line preview of `text` that starts a little before the first query word.
fn snippet_around(text: &str, words: &[String]) -> String {
    // Only Markdown near the first match is read: from a window before it to a window after.
    let at = first_match(text, words).unwrap_or(0);
    let from = floor_boundary(text, at.saturating_sub(SNIPPET_WINDOW));
    let to = floor_boundary(text, at.saturating_add(SNIPPET_WINDOW));
    let plain = text::plain_text(&text[from..to]);
    let first = first_match(&plain, words).unwrap_or(0);
    // Start up to 40 characters before the match, on a word boundary.
    let mut start = plain[..first].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    if start > 0 {
        start = plain[start..].find(' ').map_or(start, |s| start + s + 1);
    }
    let tail = text::cut(&plain[start..], SNIPPET_CHARS);
    if start > 0 || from > 0 { format!("…{tail}") } else { tail }
}

/// `search/thread`: the comments of one thread that match.
pub fn in_thread(
    tx: &mut dyn Tx,
    actor: UserId,
    thread: ThreadId,
    query: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<CommentId>> {
    let (t, _, _) = access::thread(tx, thread, actor)?;
    let words = words(query);
    if words.is_empty() {
        return Err(Error::missing("query"));
    }
    let q = SearchQuery {
        workspace_id: t.workspace_id,
        words,
        channels: vec![t.channel_id],
        kinds: vec!["comment"],
        thread_id: Some(thread),
        offset,
        limit,
        ..Default::default()
    };
    Ok(tx.search(&q)?.into_iter().map(|h| CommentId(h.obj_id)).collect())
}

/// `search/conversation`: the messages of one conversation that match.
pub fn in_conversation(
    tx: &mut dyn Tx,
    actor: UserId,
    conversation: ConversationId,
    query: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<MessageId>> {
    let (c, _) = access::conversation(tx, conversation, actor)?;
    let words = words(query);
    if words.is_empty() {
        return Err(Error::missing("query"));
    }
    let q = SearchQuery {
        workspace_id: c.workspace_id,
        words,
        conversations: vec![conversation],
        kinds: vec!["message"],
        offset,
        limit,
        ..Default::default()
    };
    Ok(tx.search(&q)?.into_iter().map(|h| MessageId(h.obj_id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_letters_and_digits() {
        assert_eq!(words("Q3 \"plan\" -- décisions!"), ["q3", "plan", "décisions"]);
        assert!(words("  ** ").is_empty());
    }

    #[test]
    fn snippets_start_near_the_match() {
        let text = "a ".repeat(100) + "the budget decision is final";
        let s = snippet_around(&text, &["budget".into()]);
        assert!(s.starts_with('…'), "{s}");
        assert!(s.contains("budget decision"));
        assert_eq!(snippet_around("short text", &["zzz".into()]), "short text");
    }

    /// Lower case changes some characters' length (İ is 2 bytes, i̇ is 3): the match is
    /// found where it is, without slicing inside a character.
    #[test]
    fn snippets_find_the_match_after_characters_that_grow_in_lower_case() {
        let text = "İ".repeat(60) + " the budget decision" + &" and more".repeat(30);
        let s = snippet_around(&text, &["budget".into()]);
        assert!(s.contains("budget decision"), "{s}");
    }

    /// A match deep in a long post: the snippet reads a window around it, not the post.
    #[test]
    fn snippets_of_long_posts_read_a_window() {
        let text = "[".repeat(400_000) + " the budget decision " + &"*a".repeat(100_000);
        let s = snippet_around(&text, &["budget".into()]);
        assert!(s.starts_with('…') && s.contains("the budget decision"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 2, "{s}");
    }
}
