//! The live event stream: Server-Sent Events (`events/stream`) and its long-poll twin
//! (`events/get`).
//!
//! One feeder task reads each new committed event from the log once and keeps the recent
//! ones in memory, already serialized. Every open stream walks that shared list from its
//! own cursor, filtering by what its user may see (`policy::can_see_event`), so an idle
//! stream costs a cursor and a small access set, and a new event costs one database read
//! in total, not one per stream. A client that reconnects with `Last-Event-ID` resumes
//! from its cursor: from memory if the list still covers it, else from the database.

use crate::api::decode::decode_params;
use crate::api::error::ApiError;
use crate::api::{Cx, authenticate_reader, signed_in};
use crate::app::App;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;
use weft_core::event::{self, Event, Redacted, Redaction};
use weft_core::policy::{StreamAccess, can_see_event};
use weft_core::services::stream;
use weft_core::{Error, Result, UserId, WorkspaceId};

/// How many recent events stay in memory for streams to read.
const FEED_CAPACITY: usize = 8192;
/// Events read from the log per step.
const PAGE: i64 = 1000;
pub const HEARTBEAT: Duration = Duration::from_secs(15);
pub const MAX_POLL_SECS: i64 = 60;

pub struct FeedEvent {
    pub event: Event,
    /// The event's Server-Sent-Events frame, made once and shared by every stream that
    /// sends it.
    pub frame: Bytes,
}

impl FeedEvent {
    fn new(event: Event) -> Arc<FeedEvent> {
        let json = serde_json::to_string(&wire(&event)).expect("an event serializes");
        // serde_json escapes newlines, so the data is a single line.
        let frame = Bytes::from(format!("id: {}\nevent: {}\ndata: {json}\n\n", event.seq, event.kind));
        Arc::new(FeedEvent { event, frame })
    }
}

/// An event as clients receive it, on the stream and from `events/get`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Event")]
pub struct WireEvent<'a> {
    /// Its position in the log: resume after it with `Last-Event-ID` or `after`.
    pub seq: i64,
    /// Named like Twist's hook events: `thread_added`, `comment_updated`, …
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub workspace_id: WorkspaceId,
    pub created_ts: i64,
    /// The object the event is about, as the API answers it.
    pub data: &'a Value,
}

fn wire(e: &Event) -> WireEvent<'_> {
    WireEvent { seq: e.seq, kind: &e.kind, workspace_id: e.workspace_id, created_ts: e.created_ts, data: &e.data }
}

/// `events/stream`: the workspace's events as Server-Sent Events.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct StreamQuery {
    pub workspace_id: WorkspaceId,
    /// Resume after this sequence number (`Last-Event-ID` takes precedence).
    #[serde(default)]
    pub after: Option<i64>,
    /// For browsers' `EventSource`, which cannot send an `Authorization` header.
    #[serde(default)]
    pub access_token: Option<weft_core::input::Short>,
}

/// `events/get`: events after `after`, waiting up to `timeout` seconds for the first.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct LongPoll {
    pub workspace_id: WorkspaceId,
    #[serde(default)]
    pub after: Option<i64>,
    /// Seconds to wait for the first event (at most 60; default 30).
    #[serde(default)]
    pub timeout: Option<i64>,
    /// Events per answer (default 500, at most 1000).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The answer of `events/get`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EventPage {
    #[schemars(with = "Vec<WireEvent<'static>>")]
    pub events: Vec<Value>,
    /// The cursor to pass as `after` next time.
    pub last_seq: i64,
}

/// What a stream sends when it has been quiet for a while, so proxies keep it open.
const HEARTBEAT_FRAME: &[u8] = b": heartbeat\n\n";

pub struct Feed {
    recent: RwLock<VecDeque<Arc<FeedEvent>>>,
    /// The feed holds every event with a sequence number in (covered_after, head].
    covered_after: RwLock<i64>,
    head: watch::Sender<i64>,
    /// The newest event not addressed to one person (a channel's, a conversation's, a
    /// workspace's): every stream has to look at it.
    shared: watch::Sender<i64>,
    /// The newest event addressed to each person with an open stream. Streams wake for
    /// these two signals only, so an event for one person does not wake every stream.
    personal: Mutex<Personal>,
}

struct Personal {
    /// Every event up to here has been signalled.
    through: i64,
    users: HashMap<UserId, watch::Sender<i64>>,
}

/// What wakes one stream: shared events and those addressed to its person.
pub struct Signals {
    shared: watch::Receiver<i64>,
    personal: watch::Receiver<i64>,
}

impl Signals {
    async fn changed(&mut self) -> bool {
        tokio::select! {
            r = self.shared.changed() => r.is_ok(),
            r = self.personal.changed() => r.is_ok(),
        }
    }
}

impl Feed {
    pub fn new(start: i64) -> Self {
        Feed {
            recent: RwLock::new(VecDeque::new()),
            covered_after: RwLock::new(start),
            head: watch::channel(start).0,
            shared: watch::channel(start).0,
            personal: Mutex::new(Personal { through: start, users: HashMap::new() }),
        }
    }

    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    pub fn signals(&self, user: UserId) -> Signals {
        let mut p = self.personal.lock().expect("feed lock");
        let through = p.through;
        let personal = p.users.entry(user).or_insert_with(|| watch::channel(through).0).subscribe();
        Signals { shared: self.shared.subscribe(), personal }
    }

    pub fn head(&self) -> i64 {
        *self.head.borrow()
    }

    /// Up to `max` events after `cursor`, or `None` if memory no longer reaches back that far.
    fn after(&self, cursor: i64, max: usize) -> Option<Vec<Arc<FeedEvent>>> {
        if cursor < *self.covered_after.read().expect("feed lock") {
            return None;
        }
        let recent = self.recent.read().expect("feed lock");
        let start = recent.partition_point(|e| e.event.seq <= cursor);
        Some(recent.iter().skip(start).take(max).cloned().collect())
    }

    fn push(&self, events: Vec<Event>) {
        let Some(last) = events.last().map(|e| e.seq) else { return };
        let shared = events.iter().rev().find(|e| e.audience.user_id.is_none()).map(|e| e.seq);
        let addressed: Vec<(UserId, i64)> = events
            .iter()
            .flat_map(|e| [e.audience.user_id, e.audience.also_user_id].into_iter().flatten().map(|u| (u, e.seq)))
            .collect();
        {
            let mut recent = self.recent.write().expect("feed lock");
            for event in events {
                for (whose, what) in event::redactions(&event.kind, &event.data) {
                    forget(&mut recent, whose, what);
                }
                recent.push_back(FeedEvent::new(event));
            }
            while recent.len() > FEED_CAPACITY {
                if let Some(old) = recent.pop_front() {
                    *self.covered_after.write().expect("feed lock") = old.event.seq;
                }
            }
        }
        {
            let mut p = self.personal.lock().expect("feed lock");
            for (user, seq) in addressed {
                if let Some(signal) = p.users.get(&user) {
                    signal.send_replace(seq);
                }
            }
            p.through = last;
            p.users.retain(|_, signal| signal.receiver_count() > 0);
        }
        // The events first, then their signals, the head last (see `Cursor::idle`).
        if let Some(seq) = shared {
            self.shared.send_replace(seq);
        }
        self.head.send_replace(last);
    }
}

/// The log has forgotten some text (`event::redactions`): so do the copies in memory.
fn forget(recent: &mut VecDeque<Arc<FeedEvent>>, whose: Redacted, what: Redaction) {
    for slot in recent.iter_mut() {
        if whose.covers(&slot.event.kind, &slot.event.data) {
            let mut event = slot.event.clone();
            if event::redact(&mut event.data, what) {
                *slot = FeedEvent::new(event);
            }
        }
    }
}

/// Reads each newly committed event once and appends it to the feed.
pub async fn run_feeder(app: Arc<App>) {
    let mut store_head = app.store.head();
    let mut shutdown = app.shutdown.clone();
    let mut cursor = app.feed.head();
    loop {
        while *store_head.borrow_and_update() > cursor {
            match app.store.read(move |tx| stream::events_after(tx, cursor, PAGE)).await {
                Ok(events) if events.is_empty() => break,
                Ok(events) => {
                    cursor = events.last().map_or(cursor, |e| e.seq);
                    app.feed.push(events);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reading the event log failed; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        tokio::select! {
            changed = store_head.changed() => if changed.is_err() { return },
            _ = shutdown.changed() => return,
        }
    }
}

/// One reader of the feed for one user in one workspace.
struct Cursor {
    app: Arc<App>,
    access: StreamAccess,
    cursor: i64,
    pending: VecDeque<Arc<FeedEvent>>,
}

impl Cursor {
    async fn open(app: Arc<App>, user: UserId, ws: WorkspaceId, after: Option<i64>) -> Result<Self> {
        let access = app.store.read(move |tx| stream::open(tx, user, ws)).await?;
        // Without a position, a stream starts after everything committed so far: the store's
        // head (published before any write is answered), not the feed's, which may still be
        // catching up with a write the client has already seen answered.
        let cursor = after.unwrap_or_else(|| *app.store.head().borrow()).max(0);
        Ok(Cursor { app, access, cursor, pending: VecDeque::new() })
    }

    /// Fills `pending` with the next events after the cursor, if there are any yet.
    async fn fetch(&mut self) -> Result<()> {
        if let Some(events) = self.app.feed.after(self.cursor, PAGE as usize) {
            self.pending.extend(events);
            return Ok(());
        }
        let cursor = self.cursor;
        let events = self.app.store.read(move |tx| stream::events_after(tx, cursor, PAGE)).await?;
        self.pending.extend(events.into_iter().map(FeedEvent::new));
        Ok(())
    }

    /// Moves the cursor to the head if nothing after it can concern this stream (only
    /// other people's events); answers whether the stream has nothing to read. The head
    /// is read first: the signals of every event up to it were set before it was.
    fn idle(&mut self, signals: &mut Signals) -> bool {
        let head = self.app.feed.head();
        let shared = *signals.shared.borrow_and_update();
        let personal = *signals.personal.borrow_and_update();
        if shared > self.cursor || personal > self.cursor {
            return false;
        }
        self.cursor = self.cursor.max(head);
        true
    }

    /// The next event this user may see, if one is ready. Advances past the others.
    async fn next_visible(&mut self) -> Result<Option<Arc<FeedEvent>>> {
        loop {
            if self.pending.is_empty() {
                self.fetch().await?;
                if self.pending.is_empty() {
                    return Ok(None);
                }
            }
            let ev = self.pending.pop_front().expect("not empty");
            self.cursor = ev.event.seq;
            if ev.event.changes_access() && ev.event.workspace_id == self.access.workspace {
                let (user, ws) = (self.access.user, self.access.workspace);
                self.access = self.app.store.read(move |tx| stream::access(tx, user, ws)).await?;
            }
            if can_see_event(&self.access, &ev.event) {
                return Ok(Some(ev));
            }
        }
    }
}

async fn stream_user(app: &Arc<App>, headers: &HeaderMap, query: &StreamQuery) -> Result<UserId> {
    if let Some((u, _)) = authenticate_reader(app, headers).await? {
        return Ok(u.id);
    }
    // Browsers' EventSource cannot send headers: a client without the session cookie may
    // pass its token in the query string.
    match &query.access_token {
        Some(token) => Ok(signed_in(app, token).await?.0.id),
        None => Err(Error::NotLoggedIn),
    }
}

/// One open Server-Sent-Events stream.
struct SseState {
    cursor: Cursor,
    signals: Signals,
    shutdown: watch::Receiver<bool>,
    /// Sent when the stream has been quiet for `HEARTBEAT`; reset by every frame.
    heartbeat: std::pin::Pin<Box<tokio::time::Sleep>>,
}

/// `GET /api/v3/events/stream?workspace_id=W[&after=N]` — Server-Sent Events.
pub async fn sse(State(app): State<Arc<App>>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    match open_sse(app, headers, query).await {
        Ok(r) => r,
        Err(e) => ApiError(e).into_response(),
    }
}

async fn open_sse(app: Arc<App>, headers: HeaderMap, query: Option<String>) -> Result<Response> {
    let query: StreamQuery = decode_params(crate::api::params::parse(query.as_deref(), None, &[])?)?;
    let ws = query.workspace_id;
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<i64>().map_err(|_| Error::invalid("Last-Event-ID", "expected a sequence number")))
        .transpose()?;
    let after = last_event_id.or(query.after);
    let user = stream_user(&app, &headers, &query).await?;
    let cursor = Cursor::open(app.clone(), user, ws, after).await?;
    let state = SseState {
        signals: app.feed.signals(user),
        shutdown: app.shutdown.clone(),
        heartbeat: Box::pin(tokio::time::sleep(HEARTBEAT)),
        cursor,
    };
    let frames = futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if *s.shutdown.borrow() {
                return None;
            }
            match s.cursor.next_visible().await {
                Ok(Some(ev)) => {
                    s.heartbeat.as_mut().reset(tokio::time::Instant::now() + HEARTBEAT);
                    return Some((Ok::<_, Infallible>(ev.frame.clone()), s));
                }
                Ok(None) if !s.cursor.access.is_member => return None,
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "event stream ended by an error");
                    return None;
                }
            }
            if !s.cursor.idle(&mut s.signals) {
                continue;
            }
            tokio::select! {
                open = s.signals.changed() => if !open { return None },
                _ = s.shutdown.changed() => return None,
                _ = s.heartbeat.as_mut() => {
                    s.heartbeat.as_mut().reset(tokio::time::Instant::now() + HEARTBEAT);
                    return Some((Ok(Bytes::from_static(HEARTBEAT_FRAME)), s));
                }
            }
        }
    });
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-cache"),
        // Proxies must not buffer the stream.
        (HeaderName::from_static("x-accel-buffering"), "no"),
    ];
    Ok((headers, Body::from_stream(frames)).into_response())
}

/// `events/get`: the events after `after` (or, without it, those from now on), waiting up
/// to `timeout` seconds for the first one. Answers `{events, last_seq}`; pass `last_seq`
/// as the next `after`.
pub async fn long_poll(cx: Cx, p: LongPoll) -> Result<EventPage> {
    let user = cx.actor()?.id;
    let ws = p.workspace_id;
    let after = p.after;
    let timeout = p.timeout.unwrap_or(30).clamp(0, MAX_POLL_SECS);
    let limit = p.limit.unwrap_or(500).clamp(1, PAGE) as usize;
    let app = cx.app.clone();
    let mut c = Cursor::open(app.clone(), user, ws, after).await?;
    let mut head = app.feed.subscribe();
    let mut shutdown = app.shutdown.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout as u64);
    let mut out = Vec::new();
    loop {
        while out.len() < limit {
            match c.next_visible().await? {
                Some(ev) => out.push(crate::api::to_json(wire(&ev.event))?),
                None => break,
            }
        }
        if !out.is_empty() || !c.access.is_member || *shutdown.borrow() {
            break;
        }
        if *head.borrow_and_update() > c.cursor {
            continue;
        }
        tokio::select! {
            _ = head.changed() => {}
            _ = shutdown.changed() => break,
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    Ok(EventPage { events: out, last_seq: c.cursor })
}
