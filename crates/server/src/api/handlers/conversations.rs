//! `conversations/*` and `conversation_messages/*`: direct conversations between people.
//! A conversation is named by `id`, or by `conversation_id` as older clients send it.

use super::comments::ItemPage;
use super::{ListOrIds, NotifyList, PostExtras, PostOptions, objects, post_input};
use crate::api::decode::Joined;
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{Conversation, Message, PostedOrScheduled};
use weft_core::services::conversations as conv;
use weft_core::services::scheduled;
use weft_core::store::ObjectKind;
use weft_core::{ConversationId, Error, MessageId, Result, UserId, WorkspaceId, input};

/// `id`, or `conversation_id` when `id` is not given.
fn conversation(id: Option<ConversationId>, alias: Option<ConversationId>) -> Result<ConversationId> {
    id.or(alias).ok_or_else(|| Error::missing("id"))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    #[serde(default)]
    pub archived: Option<bool>,
}

pub async fn get(cx: Cx, p: Get) -> Result<Vec<Conversation>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| conv::list(tx, actor, p.workspace_id, p.archived)).await
}

/// A conversation named by `id` (or `conversation_id`).
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["id"]}, {"required": ["conversation_id"]}]))]
pub struct ById {
    #[serde(default)]
    pub id: Option<ConversationId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
}

pub async fn getone(cx: Cx, p: ById) -> Result<Conversation> {
    let actor = cx.actor()?.id;
    let id = conversation(p.id, p.conversation_id)?;
    cx.read(move |tx| conv::get(tx, actor, id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetOrCreate {
    pub workspace_id: WorkspaceId,
    /// Everyone in the conversation (the caller is added).
    pub user_ids: input::List<UserId>,
    #[serde(default)]
    pub title: Option<input::ConversationTitle>,
}

pub async fn get_or_create(cx: Cx, p: GetOrCreate) -> Result<Stored<Conversation>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| conv::get_or_create(tx, actor, p.workspace_id, &p.user_ids, p.title.map(Into::into), now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["id"]}, {"required": ["conversation_id"]}]))]
pub struct Update {
    #[serde(default)]
    pub id: Option<ConversationId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    #[serde(default)]
    #[schemars(length(max = input::MAX_TITLE_LEN))]
    pub title: Option<input::ConversationTitle>,
    #[serde(default)]
    pub archived: Option<bool>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Conversation>> {
    let actor = cx.actor()?.id;
    let id = conversation(p.id, p.conversation_id)?;
    if p.title.as_ref().is_some_and(|t| t.chars().count() > input::MAX_TITLE_LEN) {
        return Err(Error::invalid("title", "too long"));
    }
    let now = cx.now();
    cx.write(move |tx| conv::update(tx, actor, id, p.title.map(Into::into), p.archived, now)).await
}

async fn archive_to(cx: Cx, p: ById, archived: bool) -> Result<Status> {
    let actor = cx.actor()?.id;
    let id = conversation(p.id, p.conversation_id)?;
    cx.write(move |tx| conv::set_state(tx, actor, id, |s| s.archived = archived)).await?;
    Ok(ok())
}

pub async fn archive(cx: Cx, p: ById) -> Result<Status> {
    archive_to(cx, p, true).await
}

pub async fn unarchive(cx: Cx, p: ById) -> Result<Status> {
    archive_to(cx, p, false).await
}

/// One person to add or remove.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["id"]}, {"required": ["conversation_id"]}]))]
pub struct Person {
    #[serde(default)]
    pub id: Option<ConversationId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    pub user_id: UserId,
}

/// People to add or remove: `user_ids`, or `user_id` for one.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("allOf" = [
    {"anyOf": [{"required": ["id"]}, {"required": ["conversation_id"]}]},
    {"anyOf": [{"required": ["user_ids"]}, {"required": ["user_id"]}]},
]))]
pub struct People {
    #[serde(default)]
    pub id: Option<ConversationId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    #[serde(default)]
    pub user_ids: Option<input::List<UserId>>,
    /// One person; wins over `user_ids` when both are given.
    #[serde(default)]
    pub user_id: Option<UserId>,
}

impl People {
    fn split(self) -> Result<(ConversationId, Vec<UserId>)> {
        let id = conversation(self.id, self.conversation_id)?;
        let users = match (self.user_id, self.user_ids) {
            (Some(one), _) => vec![one],
            (None, Some(many)) => many.into(),
            (None, None) => return Err(Error::missing("user_ids")),
        };
        Ok((id, users))
    }
}

impl From<Person> for People {
    fn from(p: Person) -> Self {
        People { id: p.id, conversation_id: p.conversation_id, user_ids: None, user_id: Some(p.user_id) }
    }
}

pub async fn add_user(cx: Cx, p: Person) -> Result<Status> {
    add_users(cx, p.into()).await
}

pub async fn add_users(cx: Cx, p: People) -> Result<Status> {
    let actor = cx.actor()?.id;
    let (id, users) = p.split()?;
    let now = cx.now();
    cx.write(move |tx| conv::add_users(tx, actor, id, &users, now)).await?;
    Ok(ok())
}

pub async fn remove_user(cx: Cx, p: Person) -> Result<Status> {
    remove_users(cx, p.into()).await
}

pub async fn remove_users(cx: Cx, p: People) -> Result<Status> {
    let actor = cx.actor()?.id;
    let (id, users) = p.split()?;
    let now = cx.now();
    cx.write(move |tx| conv::remove_users(tx, actor, id, &users, now)).await?;
    Ok(ok())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["id"]}, {"required": ["conversation_id"]}]))]
pub struct Mute {
    #[serde(default)]
    pub id: Option<ConversationId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    /// For how long, in minutes (at most a year).
    #[schemars(range(min = 1, max = super::threads::MAX_MUTE_MINUTES))]
    pub minutes: i64,
}

pub async fn mute(cx: Cx, p: Mute) -> Result<Stored<Conversation>> {
    let actor = cx.actor()?.id;
    let id = conversation(p.id, p.conversation_id)?;
    if !(1..=super::threads::MAX_MUTE_MINUTES).contains(&p.minutes) {
        return Err(Error::invalid("minutes", "out of range"));
    }
    let until = cx.now() + p.minutes * 60;
    cx.write(move |tx| conv::set_state(tx, actor, id, |s| s.muted_until_ts = Some(until))).await
}

pub async fn unmute(cx: Cx, p: ById) -> Result<Stored<Conversation>> {
    let actor = cx.actor()?.id;
    let id = conversation(p.id, p.conversation_id)?;
    cx.write(move |tx| conv::set_state(tx, actor, id, |s| s.muted_until_ts = None)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OfConversation {
    pub conversation_id: ConversationId,
    /// Accepted for compatibility; paging is by `*_ts` and `*_obj_index`.
    #[serde(default)]
    pub cursor: Option<input::Short>,
}

pub async fn messages_get(
    cx: Cx,
    Joined(p, page): Joined<OfConversation, ItemPage>,
) -> Result<ListOrIds<Message, MessageId>> {
    let actor = cx.actor()?.id;
    let (id, q) = (p.conversation_id, page.query());
    let found = cx.read(move |tx| conv::messages(tx, actor, id, q)).await?;
    Ok(page.answer(found, |m| m.id))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MessageById {
    pub id: MessageId,
}

pub async fn messages_getone(cx: Cx, p: MessageById) -> Result<Message> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| conv::get_message(tx, actor, p.id)).await
}

/// `conversation_messages/add`: the message, its extras and whose answer it asks.
pub type MessagesAdd = Joined<Joined<NewMessage, PostExtras>, PostOptions>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    /// Some clients also send the workspace; it must then be the conversation's.
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    /// The client's id for this message: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
    /// Blank only when the message carries attachments.
    pub content: input::Content,
}

pub async fn messages_add(
    cx: Cx,
    Joined(Joined(p, extras), options): MessagesAdd,
) -> Result<Stored<PostedOrScheduled<Message>>> {
    let actor = cx.actor()?.clone();
    let (id, ws) = (p.conversation_id, p.workspace_id);
    // A file alone is a message; otherwise a message says something.
    let content = if extras.attachments.as_ref().is_some_and(|a| !a.is_empty()) {
        p.content.into_inner()
    } else {
        input::content("content", p.content.as_str(), false)?
    };
    let later = options.when()?;
    let post = post_input(content, extras, NotifyList::default(), &options);
    let now = cx.now();
    cx.write_in_workspace_of((ObjectKind::Conversation, id.0), move |tx| {
        if let Some(ws) = ws {
            let c = conv::get(tx, actor.id, id)?;
            if c.workspace_id != ws {
                return Err(Error::invalid("workspace_id", "not the conversation's workspace"));
            }
        }
        match later {
            None => conv::add_message(tx, &actor, id, post, now).map(PostedOrScheduled::Posted),
            Some(when) => scheduled::schedule(tx, &actor, scheduled::Draft::message(id, &post), when, now)
                .map(|p| PostedOrScheduled::Scheduled(Box::new(p))),
        }
    })
    .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MessagesUpdate {
    pub id: MessageId,
    #[serde(default)]
    pub content: Option<input::Text>,
    #[serde(default)]
    pub attachments: Option<input::Objects>,
}

pub async fn messages_update(cx: Cx, p: MessagesUpdate) -> Result<Stored<Message>> {
    let actor = cx.actor()?.id;
    let content = p.content.map(input::Text::into_inner);
    let attachments = objects(p.attachments);
    let id = p.id;
    let now = cx.now();
    cx.write(move |tx| conv::update_message(tx, actor, id, content, attachments, now)).await
}

pub async fn messages_remove(cx: Cx, p: MessageById) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| conv::remove_message(tx, actor, p.id, now)).await?;
    Ok(ok())
}
