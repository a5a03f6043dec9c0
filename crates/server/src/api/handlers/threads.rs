//! `threads/*`: titled posts in channels, and the caller's own state of them.

use super::{ListOrIds, NotifyList, Order, PostExtras, PostOptions, objects, post_input};
use crate::api::decode::Joined;
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{PostedOrScheduled, Thread, ThreadStatus};
use weft_core::services::decisions::Steer;
use weft_core::services::threads::{self, ListInput, NewThreadInput, Update as ThreadUpdate};
use weft_core::services::{clamp_limit, scheduled};
use weft_core::store::{ObjectKind, ThreadQuery};
use weft_core::{ChannelId, Error, Result, ThreadId, UserId, WorkspaceId, input};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 500;

/// `threads/get`: a channel's threads (or the whole workspace's), newest activity first.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["workspace_id"]}, {"required": ["channel_id"]}]))]
pub struct Get {
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    /// Only the caller's archived threads (true) or only the others (false).
    #[serde(default)]
    pub archived: Option<bool>,
    #[serde(default)]
    pub newer_than_ts: Option<i64>,
    #[serde(default)]
    pub older_than_ts: Option<i64>,
    #[serde(default)]
    pub before_id: Option<ThreadId>,
    #[serde(default)]
    pub after_id: Option<ThreadId>,
    #[serde(default)]
    pub exclude_thread_ids: Option<input::List<ThreadId>>,
    #[serde(default)]
    pub is_pinned: Option<bool>,
    #[serde(default)]
    pub is_starred: Option<bool>,
    #[serde(default)]
    pub order_by: Option<Order>,
    /// At most 500 (larger values are clamped; default 20).
    #[serde(default)]
    pub limit: Option<i64>,
    /// Answer only the threads' ids.
    #[serde(default)]
    pub as_ids: Option<bool>,
}

pub async fn get(cx: Cx, p: Get) -> Result<ListOrIds<Thread, ThreadId>> {
    let actor = cx.actor()?.id;
    let query = ThreadQuery {
        newer_than_ts: p.newer_than_ts,
        older_than_ts: p.older_than_ts,
        before_id: p.before_id,
        after_id: p.after_id,
        exclude_ids: p.exclude_thread_ids.map(Vec::from).unwrap_or_default(),
        pinned: p.is_pinned,
        starred: p.is_starred,
        archived: p.archived,
        ascending: p.order_by == Some(Order::Asc),
        limit: clamp_limit(p.limit, DEFAULT_LIMIT, MAX_LIMIT),
        ..Default::default()
    };
    let list = ListInput { workspace_id: p.workspace_id, channel_id: p.channel_id, query };
    let found = cx.read(move |tx| threads::list(tx, actor, list)).await?;
    if p.as_ids == Some(true) {
        return Ok(ListOrIds::Ids(found.iter().map(|t| t.id).collect()));
    }
    Ok(ListOrIds::Items(super::within_page_bytes(found)))
}

/// A thread named by its `id`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    pub id: ThreadId,
}

pub async fn getone(cx: Cx, p: ById) -> Result<Thread> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| threads::get(tx, actor, p.id)).await
}

/// `threads/add`: a new thread, its post's extras, who it notifies and whose answer it asks.
pub type Add = Joined<Joined<NewThread, PostExtras>, Joined<NotifyList, PostOptions>>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewThread {
    pub channel_id: ChannelId,
    pub title: input::Title,
    #[serde(default)]
    pub content: Option<input::Content>,
    /// The client's id for this thread: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
}

pub async fn add(
    cx: Cx,
    Joined(Joined(p, extras), Joined(notify, options)): Add,
) -> Result<Stored<PostedOrScheduled<Thread>>> {
    let actor = cx.actor()?.clone();
    let urgent = notify.urgent.unwrap_or(false);
    let later = options.when()?;
    let content = p.content.map(input::Content::into_inner).unwrap_or_default();
    let new = NewThreadInput {
        channel_id: p.channel_id,
        title: p.title.into_inner(),
        post: post_input(content, extras, notify, &options),
        urgent,
    };
    let now = cx.now();
    let channel = (ObjectKind::Channel, new.channel_id.0);
    cx.write_in_workspace_of(channel, move |tx| match later {
        None => threads::add(tx, &actor, new, now).map(PostedOrScheduled::Posted),
        Some(when) if !new.urgent => {
            let draft = scheduled::Draft::thread(new.channel_id, new.title, &new.post);
            scheduled::schedule(tx, &actor, draft, when, now).map(|p| PostedOrScheduled::Scheduled(Box::new(p)))
        }
        Some(_) => Err(Error::invalid("send_at", "an urgent post cannot wait")),
    })
    .await
}

/// `threads/update`: what to change of a thread; what is left out stays.
pub type Update = Joined<Edit, PostExtras>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Edit {
    pub id: ThreadId,
    #[serde(default)]
    pub title: Option<input::Title>,
    #[serde(default)]
    pub content: Option<input::Content>,
    /// Weft: the thread's DRI, who decides (0: none). The author, the DRI or an admin
    /// changes it, the status and the due date.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub dri_id: Option<i64>,
    /// Weft: `open`, `decided` or `closed` (which closes the thread as Twist does).
    #[serde(default)]
    pub status: Option<ThreadStatus>,
    /// Weft: when the DRI's decision is due (0: no date). Until it is made, it shows in the
    /// DRI's Owed view.
    #[serde(default)]
    pub decision_due_ts: Option<i64>,
}

pub async fn update(cx: Cx, Joined(p, extras): Update) -> Result<Stored<Thread>> {
    let actor = cx.actor()?.id;
    let up = ThreadUpdate {
        title: p.title.map(input::Title::into_inner),
        content: p.content.map(input::Content::into_inner),
        attachments: objects(extras.attachments),
        actions: objects(extras.actions),
        direct_mentions: extras.direct_mentions.map(Into::into),
        direct_group_mentions: extras.direct_group_mentions.map(Into::into),
        steer: Steer {
            dri: p.dri_id.map(|id| (id != 0).then_some(UserId(id))),
            status: p.status,
            decision_due_ts: p.decision_due_ts.map(|ts| (ts != 0).then_some(ts)),
        },
    };
    let now = cx.now();
    up.steer.check(now)?;
    cx.write(move |tx| threads::update(tx, actor, p.id, up, now)).await
}

pub async fn remove(cx: Cx, p: ById) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| threads::remove(tx, actor, p.id, now)).await?;
    Ok(ok())
}

async fn pin_to(cx: Cx, p: ById, pinned: bool) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| threads::set_pinned(tx, actor, p.id, pinned, now)).await?;
    Ok(ok())
}

pub async fn pin(cx: Cx, p: ById) -> Result<Status> {
    pin_to(cx, p, true).await
}

pub async fn unpin(cx: Cx, p: ById) -> Result<Status> {
    pin_to(cx, p, false).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MoveToChannel {
    pub id: ThreadId,
    pub to_channel: ChannelId,
}

pub async fn move_to_channel(cx: Cx, p: MoveToChannel) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| threads::move_to_channel(tx, actor, p.id, p.to_channel, now)).await?;
    Ok(ok())
}

/// Star, unstar, per-user archive and unarchive: the caller's own state of the thread.
async fn state(cx: Cx, p: ById, star: Option<bool>, archive: Option<bool>) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| {
        threads::set_state(
            tx,
            actor,
            p.id,
            |s| {
                if let Some(v) = star {
                    s.starred = v;
                }
                if let Some(v) = archive {
                    s.archived = v;
                }
            },
            now,
        )
    })
    .await?;
    Ok(ok())
}

pub async fn star(cx: Cx, p: ById) -> Result<Status> {
    state(cx, p, Some(true), None).await
}

pub async fn unstar(cx: Cx, p: ById) -> Result<Status> {
    state(cx, p, Some(false), None).await
}

pub async fn archive(cx: Cx, p: ById) -> Result<Status> {
    state(cx, p, None, Some(true)).await
}

pub async fn unarchive(cx: Cx, p: ById) -> Result<Status> {
    state(cx, p, None, Some(false)).await
}

pub const MAX_MUTE_MINUTES: i64 = 60 * 24 * 365;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Mute {
    pub id: ThreadId,
    /// For how long, in minutes (at most a year).
    #[schemars(range(min = 1, max = MAX_MUTE_MINUTES))]
    pub minutes: i64,
}

pub async fn mute(cx: Cx, p: Mute) -> Result<Stored<Thread>> {
    let actor = cx.actor()?.id;
    if !(1..=MAX_MUTE_MINUTES).contains(&p.minutes) {
        return Err(Error::invalid("minutes", format!("expected 1 to {MAX_MUTE_MINUTES} minutes")));
    }
    let (id, minutes) = (p.id, p.minutes);
    let now = cx.now();
    cx.write(move |tx| threads::set_state(tx, actor, id, |s| s.muted_until_ts = Some(now + minutes * 60), now)).await
}

pub async fn unmute(cx: Cx, p: ById) -> Result<Stored<Thread>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| threads::set_state(tx, actor, p.id, |s| s.muted_until_ts = None, now)).await
}
