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
use crate::api::{Cx, TOKEN_CACHE_MS, authenticate_reader, signed_in};
use crate::app::App;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;
use weft_core::event::{self, Event, Redacted, Redaction, TextOf};
use weft_core::policy::{StreamAccess, can_see_event};
use weft_core::services::{stream, users};
use weft_core::{Error, Result, UserId, WorkspaceId};

/// How many recent events stay in memory for streams to read (at most; the feed's byte
/// budget, `--event-feed-mb`, usually binds first).
const FEED_CAPACITY: usize = 8192;
/// What one event costs the feed besides its frame: the event's fields and the list's slot.
const FEED_EVENT_OVERHEAD: usize = 256;
/// Events read from the log per step.
const PAGE: i64 = 1000;
/// About how many bytes of payload one stream reads from the log per step when it resumes
/// from further back than the feed reaches.
const REPLAY_PAGE_BYTES: i64 = 4 * 1024 * 1024;
pub const HEARTBEAT: Duration = Duration::from_secs(15);
pub const MAX_POLL_SECS: i64 = 60;

pub struct FeedEvent {
    /// The event without its payload (`data` is null): who receives it is decided from
    /// this; the payload lives only in `frame`, serialized once.
    pub event: Event,
    /// The event's Server-Sent-Events frame, made once and shared by every stream that
    /// sends it.
    pub frame: Bytes,
    /// The event's JSON as `events/get` answers it: a slice of `frame`.
    pub json: Bytes,
    /// What a later redaction needs to find it (`event::redactions`).
    text_of: TextOf,
    /// The account whose deletion this event tells, if it does (`event::deleted_person`).
    deleted_person: Option<UserId>,
}

impl FeedEvent {
    fn new(mut event: Event) -> Arc<FeedEvent> {
        let text_of = TextOf::of(&event.kind, &event.data);
        let deleted_person = event::deleted_person(&event.kind, &event.data);
        let json = serde_json::to_string(&wire(&event)).expect("an event serializes");
        event.data = Value::Null;
        // serde_json escapes newlines, so the data is a single line.
        let prefix = format!("id: {}\nevent: {}\ndata: ", event.seq, event.kind);
        let frame = Bytes::from(format!("{prefix}{json}\n\n"));
        let json = frame.slice(prefix.len()..prefix.len() + json.len());
        Arc::new(FeedEvent { event, frame, json, text_of, deleted_person })
    }

    /// What keeping it in memory costs.
    fn size(&self) -> usize {
        self.frame.len() + FEED_EVENT_OVERHEAD
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
    recent: RwLock<Recent>,
    head: watch::Sender<i64>,
    /// The newest event not addressed to one person (a channel's, a conversation's, a
    /// workspace's): every stream has to look at it.
    shared: watch::Sender<i64>,
    /// The newest event addressed to each person with an open stream. Streams wake for
    /// these two signals only, so an event for one person does not wake every stream.
    personal: Mutex<Personal>,
    /// The most the recent events may take in memory, frames included.
    max_bytes: usize,
}

/// The recent events, and how far back they reach, under one lock: a reader that finds its
/// cursor covered reads the very list that covers it.
struct Recent {
    events: VecDeque<Arc<FeedEvent>>,
    /// The feed holds every event with a sequence number in (covered_after, head].
    covered_after: i64,
    bytes: usize,
}

impl Recent {
    /// Drops the oldest events while `too_many` holds; streams whose cursor falls behind
    /// what is left read the log instead.
    fn drop_oldest_while(&mut self, too_many: impl Fn(&Recent) -> bool) {
        while too_many(self) {
            let Some(old) = self.events.pop_front() else { break };
            self.bytes -= old.size();
            self.covered_after = old.event.seq;
        }
    }
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
    pub fn new(start: i64, max_bytes: usize) -> Self {
        Feed {
            recent: RwLock::new(Recent { events: VecDeque::new(), covered_after: start, bytes: 0 }),
            head: watch::channel(start).0,
            shared: watch::channel(start).0,
            personal: Mutex::new(Personal { through: start, users: HashMap::new() }),
            max_bytes,
        }
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

    /// How many events, and how many bytes, the feed holds now.
    pub fn held(&self) -> (usize, usize) {
        let recent = self.recent.read().expect("feed lock");
        (recent.events.len(), recent.bytes)
    }

    /// Forgets all but the newest `keep` events, and the room the others took: a quiet
    /// server's streams have read them (one that resumes from further back reads the log).
    pub fn keep_newest(&self, keep: usize) {
        let mut recent = self.recent.write().expect("feed lock");
        recent.drop_oldest_while(|r| r.events.len() > keep);
        recent.events.shrink_to_fit();
    }

    /// Up to `max` events after `cursor`, or `None` if memory no longer reaches back that far.
    fn after(&self, cursor: i64, max: usize) -> Option<Vec<Arc<FeedEvent>>> {
        let recent = self.recent.read().expect("feed lock");
        if cursor < recent.covered_after {
            return None;
        }
        let start = recent.events.partition_point(|e| e.event.seq <= cursor);
        Some(recent.events.iter().skip(start).take(max).cloned().collect())
    }

    fn push(&self, events: Vec<Event>) {
        let Some(last) = events.last().map(|e| e.seq) else { return };
        let shared = events.iter().rev().find(|e| e.audience.user_id.is_none()).map(|e| e.seq);
        let addressed: Vec<(UserId, i64)> = events
            .iter()
            .flat_map(|e| [e.audience.user_id, e.audience.also_user_id].into_iter().flatten().map(|u| (u, e.seq)))
            .collect();
        // What each event makes the feed forget, read before its payload is folded into
        // its frame.
        let events: Vec<_> =
            events.into_iter().map(|e| (event::redactions(&e.kind, &e.data), FeedEvent::new(e))).collect();
        {
            let mut recent = self.recent.write().expect("feed lock");
            for (redactions, event) in events {
                for (whose, what) in redactions {
                    forget(&mut recent, whose, what);
                }
                if let Some(user) = event.deleted_person {
                    forget_person(&mut recent, event.event.workspace_id, user);
                }
                recent.bytes += event.size();
                recent.events.push_back(event);
            }
            let max_bytes = self.max_bytes;
            recent.drop_oldest_while(|r| r.events.len() > FEED_CAPACITY || r.bytes > max_bytes);
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

/// A deleted account's earlier events in memory forget who they were, as the log did
/// (`event::erase_person`). Rare: the few events of the feed are read back once.
fn forget_person(recent: &mut Recent, ws: WorkspaceId, user: UserId) {
    let mut bytes = recent.bytes;
    for slot in recent.events.iter_mut() {
        if slot.event.workspace_id != ws || !event::PERSON_KINDS.contains(&slot.event.kind.as_str()) {
            continue;
        }
        let Ok(mut wire) = serde_json::from_slice::<Value>(&slot.json) else { continue };
        let Some(mut data) = wire.get_mut("data").map(Value::take) else { continue };
        if event::erase_person(&slot.event.kind, &mut data, user) {
            let mut event = slot.event.clone();
            event.data = data;
            let fresh = FeedEvent::new(event);
            bytes = bytes - slot.size() + fresh.size();
            *slot = fresh;
        }
    }
    recent.bytes = bytes;
}

/// The log has forgotten some text (`event::redactions`): so do the copies in memory.
/// Only the few events it covers are read back from their frames and made again.
fn forget(recent: &mut Recent, whose: Redacted, what: Redaction) {
    let mut bytes = recent.bytes;
    for slot in recent.events.iter_mut() {
        if !whose.covers_text_of(&slot.text_of) {
            continue;
        }
        let Ok(mut wire) = serde_json::from_slice::<Value>(&slot.json) else { continue };
        let Some(mut data) = wire.get_mut("data").map(Value::take) else { continue };
        if event::redact(&mut data, what) {
            let mut event = slot.event.clone();
            event.data = data;
            let fresh = FeedEvent::new(event);
            bytes = bytes - slot.size() + fresh.size();
            *slot = fresh;
        }
    }
    recent.bytes = bytes;
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

/// The event streams and waiting long polls open on this node, by person: it caps how many
/// one person may hold (`--max-streams-per-user`), shares what each person may see between
/// their streams, and ends the streams of a sign-in that ended.
pub struct OpenStreams {
    users: Mutex<HashMap<UserId, UserStreams>>,
    max_per_user: usize,
    /// How many times a person's access was read from the database: once per change
    /// for all of their streams, not once per stream.
    access_reads: AtomicU64,
}

#[derive(Default)]
struct UserStreams {
    open: usize,
    /// The sign-in tokens their streams were opened with, and how many streams use each;
    /// setting the flag ends those streams.
    tokens: HashMap<String, (watch::Sender<bool>, usize)>,
    /// What they may see in each workspace, shared by their streams there.
    access: HashMap<WorkspaceId, Arc<AccessSlot>>,
}

/// One person's access to one workspace, and the log position it reflects.
#[derive(Default)]
struct AccessSlot(tokio::sync::Mutex<Option<(i64, Arc<StreamAccess>)>>);

/// One open stream's place in `OpenStreams`; dropping it closes the place.
pub struct Ticket {
    streams: Arc<OpenStreams>,
    user: UserId,
    token: String,
    workspace: WorkspaceId,
    /// Turns true when the stream's sign-in ends (signed out, password changed, account
    /// removed): the stream must end.
    ended: watch::Receiver<bool>,
    access: Arc<AccessSlot>,
}

impl OpenStreams {
    pub fn new(max_per_user: usize) -> Self {
        OpenStreams { users: Mutex::new(HashMap::new()), max_per_user, access_reads: AtomicU64::new(0) }
    }

    /// A place for one more stream of `user`, signed in with `token` (its hash), on `ws`;
    /// refused when they already hold the most allowed.
    pub fn open(self: &Arc<Self>, user: UserId, token: &str, ws: WorkspaceId) -> Result<Ticket> {
        let mut users = self.users.lock().expect("streams lock");
        let mine = users.entry(user).or_default();
        if mine.open >= self.max_per_user {
            return Err(Error::LimitReached(format!(
                "at most {} event streams and waiting long polls per user may be open at once \
                 (max_streams_per_user); close one first",
                self.max_per_user
            )));
        }
        mine.open += 1;
        let (ended, count) = mine.tokens.entry(token.to_string()).or_insert_with(|| (watch::channel(false).0, 0));
        *count += 1;
        let ended = ended.subscribe();
        let access = mine.access.entry(ws).or_default().clone();
        Ok(Ticket { streams: self.clone(), user, token: token.to_string(), workspace: ws, ended, access })
    }

    /// The tokens open streams were opened with.
    pub fn tokens(&self) -> Vec<String> {
        let users = self.users.lock().expect("streams lock");
        users.values().flat_map(|u| u.tokens.keys().cloned()).collect()
    }

    /// Ends the streams of those of `checked` not in `live`.
    pub fn end_unless_live(&self, checked: &[String], live: &HashSet<String>) {
        let checked: HashSet<&String> = checked.iter().collect();
        let users = self.users.lock().expect("streams lock");
        for u in users.values() {
            for (token, (ended, _)) in &u.tokens {
                if !live.contains(token) && checked.contains(token) {
                    ended.send_replace(true);
                }
            }
        }
    }

    /// How many streams and waiting long polls `user` holds open.
    pub fn open_of(&self, user: UserId) -> usize {
        self.users.lock().expect("streams lock").get(&user).map_or(0, |u| u.open)
    }

    /// How many streams and waiting long polls are open on this node.
    pub fn open_count(&self) -> usize {
        self.users.lock().expect("streams lock").values().map(|u| u.open).sum()
    }

    pub fn access_reads(&self) -> u64 {
        self.access_reads.load(Ordering::Relaxed)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut users = self.streams.users.lock().expect("streams lock");
        let Some(mine) = users.get_mut(&self.user) else { return };
        mine.open -= 1;
        if let Some((_, count)) = mine.tokens.get_mut(&self.token) {
            *count -= 1;
            if *count == 0 {
                mine.tokens.remove(&self.token);
            }
        }
        if Arc::strong_count(&self.access) == 2 {
            // Only this ticket and the map hold it: the last stream on that workspace.
            mine.access.remove(&self.workspace);
        }
        if mine.open == 0 {
            users.remove(&self.user);
        }
    }
}

impl Ticket {
    fn ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// What the person may see, as of position `at_least` of the log or later: read from
    /// the database by the first of their streams that needs it, then shared.
    async fn access(&self, app: &Arc<App>, at_least: i64) -> Result<Arc<StreamAccess>> {
        let mut slot = self.access.0.lock().await;
        if let Some((as_of, access)) = &*slot
            && *as_of >= at_least
        {
            return Ok(access.clone());
        }
        // Everything up to the head is committed, so the read below sees it.
        let as_of = (*app.store.head().borrow()).max(at_least);
        let (user, ws) = (self.user, self.workspace);
        let access = Arc::new(app.store.read(move |tx| stream::access(tx, user, ws)).await?);
        self.streams.access_reads.fetch_add(1, Ordering::Relaxed);
        *slot = Some((as_of, access.clone()));
        Ok(access)
    }
}

/// Ends the streams whose sign-in ended: at once for a change made on this node (it
/// forgets the person's cached tokens), and every `TOKEN_CACHE_MS` for changes made on
/// other nodes. One read checks every open stream's token.
pub async fn run_token_checks(app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(TOKEN_CACHE_MS as u64)) => {}
            _ = app.tokens.forgotten.notified() => {}
            _ = shutdown.changed() => return,
        }
        let tokens = app.streams.tokens();
        if tokens.is_empty() {
            continue;
        }
        let checked = tokens.clone();
        match app.store.read(move |tx| users::live_tokens(tx, &checked)).await {
            Ok(live) => app.streams.end_unless_live(&tokens, &live),
            Err(e) => tracing::warn!(error = %e, "checking the open streams' tokens failed"),
        }
    }
}

/// One reader of the feed for one user in one workspace.
struct Cursor {
    app: Arc<App>,
    ticket: Ticket,
    access: Arc<StreamAccess>,
    cursor: i64,
    pending: VecDeque<Arc<FeedEvent>>,
    /// When `pending` came from the log: the position the read reached, where the cursor
    /// goes once `pending` is sent.
    replayed_through: i64,
    /// The store's head when the cursor opened: every write answered before then. Until
    /// the feed has them too, they are read from the log, so a client never misses its own
    /// answered write.
    answered_head: i64,
}

impl Cursor {
    async fn open(app: Arc<App>, ticket: Ticket, after: Option<i64>) -> Result<Self> {
        // Without a position, a stream starts after everything committed so far: the store's
        // head (published before any write is answered), not the feed's, which may still be
        // catching up with a write the client has already seen answered.
        let head = *app.store.head().borrow();
        let access = ticket.access(&app, head).await?;
        if !access.is_member {
            return Err(Error::NotFound(weft_core::NotFound::Workspace));
        }
        let cursor = after.unwrap_or(head).max(0);
        Ok(Cursor {
            app,
            ticket,
            access,
            cursor,
            pending: VecDeque::new(),
            replayed_through: cursor,
            answered_head: head,
        })
    }

    /// Fills `pending` with the next events after the cursor; answers whether there was
    /// anything to move on to.
    async fn fetch(&mut self) -> Result<bool> {
        let feed_is_current = self.cursor >= self.answered_head || self.app.feed.head() >= self.answered_head;
        if feed_is_current && let Some(events) = self.app.feed.after(self.cursor, PAGE as usize) {
            let any = !events.is_empty();
            self.pending.extend(events);
            return Ok(any);
        }
        let (user, ws, cursor) = (self.access.user, self.access.workspace, self.cursor);
        let page = self.app.store.read(move |tx| stream::replay(tx, user, ws, cursor, PAGE, REPLAY_PAGE_BYTES)).await?;
        self.pending.extend(page.events.into_iter().map(FeedEvent::new));
        self.replayed_through = page.through;
        Ok(!self.pending.is_empty() || page.through > cursor)
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
            let Some(ev) = self.pending.pop_front() else {
                self.cursor = self.cursor.max(self.replayed_through);
                if !self.fetch().await? {
                    return Ok(None);
                }
                continue;
            };
            self.cursor = ev.event.seq;
            if ev.event.changes_access() && ev.event.workspace_id == self.access.workspace {
                self.access = self.ticket.access(&self.app, ev.event.seq).await?;
            }
            if can_see_event(&self.access, &ev.event) {
                return Ok(Some(ev));
            }
        }
    }
}

/// The caller of a stream and the hash of the token they signed in with.
async fn stream_user(app: &Arc<App>, headers: &HeaderMap, query: &StreamQuery) -> Result<(UserId, String)> {
    let caller = match authenticate_reader(app, headers).await? {
        Some(c) => c,
        // Browsers' EventSource cannot send headers: a client without the session cookie
        // may pass its token in the query string.
        None => match &query.access_token {
            Some(token) => signed_in(app, token).await?,
            None => return Err(Error::NotLoggedIn),
        },
    };
    if let Some(grant) = &caller.grant {
        crate::api::grants::may_reach(grant, query.workspace_id)?;
    }
    Ok((caller.user.id, caller.token_hash))
}

/// One open Server-Sent-Events stream.
struct SseState {
    cursor: Cursor,
    signals: Signals,
    shutdown: watch::Receiver<bool>,
    ended: watch::Receiver<bool>,
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
    let (user, token) = stream_user(&app, &headers, &query).await?;
    let ticket = app.streams.open(user, &token, ws)?;
    let ended = ticket.ended.clone();
    let cursor = Cursor::open(app.clone(), ticket, after).await?;
    let state = SseState {
        signals: app.feed.signals(user),
        shutdown: app.shutdown.clone(),
        ended,
        heartbeat: Box::pin(tokio::time::sleep(HEARTBEAT)),
        cursor,
    };
    let frames = futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if *s.shutdown.borrow() || s.cursor.ticket.ended() {
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
                _ = s.ended.changed() => return None,
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
/// as the next `after`. While it waits it counts as one of the caller's streams.
pub async fn long_poll(cx: Cx, p: LongPoll) -> Result<EventPage> {
    let user = cx.actor()?.id;
    let token = cx.token_hash.clone().ok_or(Error::NotLoggedIn)?;
    let ws = p.workspace_id;
    let timeout = p.timeout.unwrap_or(30).clamp(0, MAX_POLL_SECS);
    let limit = p.limit.unwrap_or(500).clamp(1, PAGE) as usize;
    let app = cx.app.clone();
    let ticket = app.streams.open(user, &token, ws)?;
    let mut ended = ticket.ended.clone();
    let mut signals = app.feed.signals(user);
    let mut c = Cursor::open(app.clone(), ticket, p.after).await?;
    let mut shutdown = app.shutdown.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout as u64);
    let mut out = Vec::new();
    loop {
        if c.ticket.ended() {
            return Err(Error::InvalidToken);
        }
        while out.len() < limit {
            match c.next_visible().await? {
                Some(ev) => {
                    out.push(serde_json::from_slice::<Value>(&ev.json).map_err(|e| Error::Internal(e.to_string()))?)
                }
                None => break,
            }
        }
        if !out.is_empty() || !c.access.is_member || *shutdown.borrow() {
            break;
        }
        if !c.idle(&mut signals) {
            continue;
        }
        tokio::select! {
            _ = signals.changed() => {}
            _ = ended.changed() => {}
            _ = shutdown.changed() => break,
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    Ok(EventPage { events: out, last_seq: c.cursor })
}
