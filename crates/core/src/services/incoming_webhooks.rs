//! Incoming webhooks: a secret URL per channel (or per thread) that tools post to without
//! an account — CI results, forms, alerts. Each webhook posts as its own bot (made with it,
//! owned by the person who made it, a member of the channel), so posts say who sent them
//! and every access rule of a member applies. A channel's members (or the workspace's
//! admins) make them; their maker or an admin revokes them.
//!
//! The URL is Twist's: `…/api/v3/integration_incoming/post_data?install_id=ID&install_token=SECRET`,
//! taking Twist's `{content, title?, thread_id?}` and Slack's `{"text": …}` bodies, so
//! existing senders work unchanged. Without a title, a new thread is titled by the first
//! line of the text.

use super::threads::{NewThreadInput, PostInput};
use super::{access, auth, bots, comments, threads};
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::{IncomingWebhook, UserType};
use crate::store::{NewIncomingWebhook, Tx};

/// The most webhooks one channel may have.
pub const MAX_PER_CHANNEL: usize = 20;
/// A title made from the text is cut here (at a word).
const TITLE_FROM_TEXT: usize = 80;

/// The URL a webhook takes posts at.
pub fn url(base_url: &str, id: i64, secret: &str) -> String {
    format!(
        "{}/api/v3/integration_incoming/post_data?install_id={id}&install_token={secret}",
        base_url.trim_end_matches('/')
    )
}

/// `incoming_webhooks/add`: by a member who may post in the channel (or an admin).
pub fn add(
    tx: &mut dyn Tx,
    actor: UserId,
    channel: ChannelId,
    thread: Option<ThreadId>,
    name: &str,
    base_url: &str,
    now: i64,
) -> Result<IncomingWebhook> {
    let (ch, role) = access::channel_to_post(tx, channel, actor)?;
    if role == UserType::Guest {
        return Err(Error::forbidden("guests cannot make webhooks"));
    }
    if ch.archived {
        return Err(Error::forbidden("the channel is archived"));
    }
    if let Some(t) = thread {
        let (th, ..) = access::thread(tx, t, actor)?;
        if th.channel_id != channel {
            return Err(Error::invalid("thread_id", "the thread is in another channel"));
        }
    }
    if tx.incoming_webhooks_of(channel)?.len() >= MAX_PER_CHANNEL {
        return Err(Error::LimitReached(format!("{MAX_PER_CHANNEL} webhooks per channel; remove one first")));
    }
    let bot = bots::make(tx, ch.workspace_id, name, actor, now)?;
    tx.add_channel_members(channel, &[bot.id])?;
    super::emit_member_change(tx, ch.workspace_id, crate::payload::Members::Channel(channel), bot.id, true, now)?;
    let (secret, token_hash) = auth::new_token()?;
    let id = tx.insert_incoming_webhook(&NewIncomingWebhook {
        workspace: ch.workspace_id,
        channel,
        thread,
        name: name.to_string(),
        bot: bot.id,
        creator: actor,
        token_hash,
        now,
    })?;
    let mut hook = tx.incoming_webhook(id)?.ok_or(Error::Internal("webhook vanished".into()))?;
    hook.url = Some(url(base_url, id, &secret));
    Ok(hook)
}

/// `incoming_webhooks/get`: a channel's webhooks, for those who see the channel.
pub fn list(tx: &mut dyn Tx, actor: UserId, channel: ChannelId) -> Result<Vec<IncomingWebhook>> {
    access::channel(tx, channel, actor)?;
    tx.incoming_webhooks_of(channel)
}

/// `incoming_webhooks/remove`: by its maker or an admin; its URL stops working at once, its
/// bot leaves (its posts stay).
pub fn remove(tx: &mut dyn Tx, actor: UserId, id: i64, now: i64) -> Result<()> {
    let hook = tx.incoming_webhook(id)?.ok_or(Error::NotFound(NotFound::Resource))?;
    // Someone who cannot see the channel learns nothing about it.
    let (_, role) = access::channel(tx, hook.channel_id, actor).map_err(|_| Error::NotFound(NotFound::Resource))?;
    if hook.creator_id != actor && role != UserType::Admin {
        return Err(Error::forbidden("only the webhook's maker or an admin removes it"));
    }
    tx.delete_incoming_webhook(id)?;
    if let Some(bot) = tx.bot(hook.bot_id)? {
        bots::retire(tx, &bot, now)?;
    }
    Ok(())
}

/// What a sender posts.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    pub content: String,
    pub title: Option<String>,
    pub thread: Option<ThreadId>,
}

/// What a post through a webhook made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    Thread(ThreadId),
    Comment(ThreadId, CommentId),
}

/// A title from the first line of `text`, cut at a word.
fn title_from(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("Message");
    if line.chars().count() <= TITLE_FROM_TEXT {
        return line.to_string();
    }
    let cut: String = line.chars().take(TITLE_FROM_TEXT).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > TITLE_FROM_TEXT / 2).map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end())
}

/// `integration_incoming/post_data`: checks the secret, then posts as the webhook's bot: a
/// comment when a thread is named (by the webhook or the sender), else a new thread.
pub fn post(tx: &mut dyn Tx, id: i64, secret: &str, d: Delivery, now: i64) -> Result<Made> {
    let hook = tx
        .incoming_webhook_by_secret(id, &auth::token_hash(secret))?
        .ok_or_else(|| Error::forbidden("unknown webhook, or a wrong install_token (was it removed?)"))?;
    let bot = tx.user(hook.bot_id)?.filter(|u| !u.removed).ok_or(Error::InvalidToken)?;
    tx.touch_incoming_webhook(id, now)?;
    let post = PostInput { content: d.content.clone(), ..Default::default() };
    match d.thread.or(hook.thread_id) {
        Some(thread) => {
            if hook.thread_id.is_some_and(|t| t != thread) {
                return Err(Error::invalid("thread_id", "this webhook posts in its own thread only"));
            }
            let (th, ..) = access::thread(tx, thread, bot.id)?;
            if th.channel_id != hook.channel_id {
                return Err(Error::invalid("thread_id", "the thread is not in the webhook's channel"));
            }
            let input = comments::NewCommentInput {
                thread_id: thread,
                post,
                thread_action: None,
                mark_thread_position: true,
                urgent: false,
            };
            let c = comments::add(tx, &bot, input, now)?;
            Ok(Made::Comment(thread, c.item.id))
        }
        None => {
            let title = match d.title {
                Some(t) => crate::input::title(&t)?,
                None => title_from(&d.content),
            };
            let input = NewThreadInput { channel_id: hook.channel_id, title, post, urgent: false };
            let t = threads::add(tx, &bot, input, now)?;
            Ok(Made::Thread(t.item.id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_the_first_line_cut_at_a_word() {
        assert_eq!(title_from("\n  Build 42 passed\nall green"), "Build 42 passed");
        let long = "word ".repeat(40);
        let t = title_from(&long);
        assert!(t.ends_with('…') && t.chars().count() <= TITLE_FROM_TEXT + 1, "{t}");
        assert!(!t.contains("wor…"), "cut at a word: {t}");
        assert_eq!(title_from("   "), "Message");
    }
}
