//! The authorization matrix: every endpoint of the route table, called by every kind of
//! caller, against every state of the resource it names.
//!
//! Callers: Ana (admin, made the workspace), Bo (member), Gus (guest, only in #guests),
//! Oz (member of another workspace only) and a caller without a token.
//!
//! Each row of `rows()` names an endpoint, says how to build a valid request for a caller
//! in a given state (creating fresh resources when the call changes them, so rows do not
//! disturb each other) and the expected outcome for each caller. The test fails when an
//! endpoint of `Api::new().endpoints` has no row. For every 404 the matrix also checks that
//! the same call with an id that does not exist gets the same status and body (but for
//! `error_uuid`): nobody can probe for things they may not see.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use weft::api::{Api, Verb};
use weft_client::Client;

use Actor::*;
use Ch::*;
use Cv::*;

const ANA_ASKS_BO: &str = "Ana asked Bo in a public thread";
const BO_ASKS_ANA: &str = "Bo asked Ana in a public thread";
const STEER_ANAS: &str = "Ana's public thread, steered (DRI, status, due date)";
const STEER_BO_DRI: &str = "Ana's public thread with Bo as its DRI, steered";
const ANAS_MEETING: &str = "Ana's meeting with Bo in #general";
const STARTED: &str = "Ana's meeting with Bo in #general, just started";

/// An id nothing has.
pub const MISSING: i64 = 987_654_321;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    /// Admin, creator of the workspace.
    Ana,
    /// Member.
    Bo,
    /// Guest, only in #guests.
    Gus,
    /// Member of another workspace only.
    Oz,
    /// No token.
    Anon,
}

/// The callers, in the order of the columns of the matrix.
pub const ACTORS: [Actor; 5] = [Ana, Bo, Gus, Oz, Anon];

impl Actor {
    fn name(self) -> &'static str {
        match self {
            Ana => "Ana",
            Bo => "Bo",
            Gus => "Gus",
            Oz => "Oz",
            Anon => "Anon",
        }
    }
    pub fn email(self) -> String {
        format!("{}@example.test", self.name().to_lowercase())
    }
    pub fn password(self) -> String {
        format!("password-{}", self.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Out {
    Ok,
    NotFound,
    Forbidden,
    Unauthorized,
    BadRequest,
}

const OK: Out = Out::Ok;
const NF: Out = Out::NotFound;
const FB: Out = Out::Forbidden;
const UA: Out = Out::Unauthorized;
const BR: Out = Out::BadRequest;

impl Out {
    pub fn status(self) -> u16 {
        match self {
            Out::Ok => 200,
            Out::NotFound => 404,
            Out::Forbidden => 403,
            Out::Unauthorized => 401,
            Out::BadRequest => 400,
        }
    }
}

/// Kinds of channel. Ana made all but `ByBo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ch {
    /// #general: public; Ana, Bo (and Sam) in it.
    Public,
    /// #private: private; only Ana in it.
    Private,
    /// #guests: private; Ana and Gus in it.
    Guests,
    /// Public, archived; Ana, Bo and Gus in it.
    Archived,
    /// Public, made by Bo; Bo and Gus in it (Ana is not).
    ByBo,
    /// Public; only Ana in it (only made fresh, never shared).
    Open,
}

impl Ch {
    fn creator(self) -> Actor {
        if self == ByBo { Bo } else { Ana }
    }
    fn public(self) -> bool {
        !matches!(self, Private | Guests)
    }
}

/// Conversations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cv {
    /// Ana (who started it) and Bo.
    AnaBo,
    /// Bo (who started it) and Gus: Ana, an admin, is not in it.
    BoGus,
}

impl Cv {
    fn creator(self) -> Actor {
        if self == AnaBo { Ana } else { Bo }
    }
}

/// The state of the resource a request names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum St {
    /// The team's workspace (or no resource at all).
    Ws,
    /// A channel, or a thread of its creator in it.
    In(Ch),
    /// A thread or comment written by this person in a channel of this kind.
    By(Ch, Actor),
    /// A comment of the channel's creator.
    CommentIn(Ch),
    /// A conversation, or a message of its creator in it.
    Conv(Cv),
    /// A message written by this person in this conversation.
    MsgBy(Cv, Actor),
    /// A state only one row uses; the row's builder knows it.
    Other(&'static str),
}

impl St {
    fn ch(self) -> Ch {
        match self {
            St::In(c) | St::By(c, _) | St::CommentIn(c) => c,
            other => panic!("no channel in {other:?}"),
        }
    }
    fn cv(self) -> Cv {
        match self {
            St::Conv(c) | St::MsgBy(c, _) => c,
            other => panic!("no conversation in {other:?}"),
        }
    }
}

/// A built request: its parameters and, when the row needs one, a client of its own.
pub struct Req {
    pub params: Value,
    pub client: Option<Client>,
}

impl From<Value> for Req {
    fn from(params: Value) -> Self {
        Req { params, client: None }
    }
}

pub type Fut = Pin<Box<dyn Future<Output = Req>>>;
/// Builds a valid request for a caller and a state, creating what it needs.
pub type Build = fn(Arc<Fx>, St, Actor) -> Fut;

macro_rules! b {
    (|$fx:ident, $st:ident, $a:ident| $body:expr) => {
        (|$fx: Arc<Fx>, $st: St, $a: Actor| -> Fut {
            Box::pin(async move {
                let _ = (&$fx, &$st, &$a);
                Req::from($body)
            })
        }) as Build
    };
}

pub struct Row {
    pub path: &'static str,
    pub build: Build,
    /// States, each with the outcome for Ana, Bo, Gus, Oz and no token.
    pub cases: Vec<(St, [Out; 5])>,
    /// The call ends every session of the caller: give them a new one afterwards.
    pub relogin: bool,
    /// A batch: the outcome is that of its one sub-request.
    pub batch: bool,
}

fn row(path: &'static str, build: Build, cases: &[(St, [Out; 5])]) -> Row {
    Row { path, build, cases: cases.to_vec(), relogin: false, batch: false }
}

impl Row {
    fn relogin(mut self) -> Self {
        self.relogin = true;
        self
    }
    fn batch(mut self) -> Self {
        self.batch = true;
        self
    }
}

// Common columns: [Ana, Bo, Gus, Oz, no token].
const ANYONE: [Out; 5] = [OK, OK, OK, OK, OK];
const SIGNED_IN: [Out; 5] = [OK, OK, OK, OK, UA];
const MEMBERS: [Out; 5] = [OK, OK, OK, NF, UA];
const NON_GUESTS: [Out; 5] = [OK, OK, FB, NF, UA];
const ADMINS: [Out; 5] = [OK, FB, FB, NF, UA];
const CONV_ANA_BO: [Out; 5] = [OK, OK, NF, NF, UA];
const CONV_BO_GUS: [Out; 5] = [NF, OK, OK, NF, UA];

/// Who sees a channel (and what is in it).
fn sight() -> Vec<(St, [Out; 5])> {
    vec![
        (St::In(Public), [OK, OK, NF, NF, UA]),
        (St::In(Private), [OK, NF, NF, NF, UA]),
        (St::In(Guests), [OK, NF, OK, NF, UA]),
        (St::In(Archived), [OK, OK, OK, NF, UA]),
        (St::In(ByBo), [OK, OK, OK, NF, UA]),
    ]
}

/// Who posts in a channel: who sees it, unless it is archived.
fn posting() -> Vec<(St, [Out; 5])> {
    vec![
        (St::In(Public), [OK, OK, NF, NF, UA]),
        (St::In(Private), [OK, NF, NF, NF, UA]),
        (St::In(Guests), [OK, NF, OK, NF, UA]),
        (St::In(Archived), [FB, FB, FB, NF, UA]),
        (St::In(ByBo), [OK, OK, OK, NF, UA]),
    ]
}

/// Who manages a channel: its creator and admins (among those who see it).
fn managing() -> Vec<(St, [Out; 5])> {
    vec![
        (St::In(Public), [OK, FB, NF, NF, UA]),
        (St::In(Private), [OK, NF, NF, NF, UA]),
        (St::In(Guests), [OK, NF, FB, NF, UA]),
        (St::In(Archived), [OK, FB, FB, NF, UA]),
        (St::In(ByBo), [OK, OK, FB, NF, UA]),
    ]
}

/// Who decides a request to join a channel: admins, and its members who may add people.
/// The requester (Gus for the public and private channels, Bo for #guests) cannot.
fn deciding() -> Vec<(St, [Out; 5])> {
    vec![
        (St::In(Public), [OK, OK, NF, NF, UA]),
        (St::In(Private), [OK, NF, NF, NF, UA]),
        (St::In(Guests), [OK, NF, FB, NF, UA]),
    ]
}

/// Who edits or removes a thread or comment: its author and admins (who see it).
fn editing() -> Vec<(St, [Out; 5])> {
    vec![
        (St::By(Public, Bo), [OK, OK, NF, NF, UA]),
        (St::By(Public, Ana), [OK, FB, NF, NF, UA]),
        (St::By(Private, Ana), [OK, NF, NF, NF, UA]),
        (St::By(Guests, Gus), [OK, NF, OK, NF, UA]),
        (St::By(Guests, Ana), [OK, NF, FB, NF, UA]),
        // Editing is not posting: authors and admins still edit in archived channels.
        (St::By(Archived, Bo), [OK, OK, FB, NF, UA]),
        // Bo made the channel, but only the author and admins edit a post.
        (St::By(ByBo, Gus), [OK, FB, OK, NF, UA]),
    ]
}

/// Who marks a thread's decision: its DRI (while it has none, its author: the channel's
/// creator here) or an admin, among those who see it; nobody in an archived channel.
fn deciding_threads() -> Vec<(St, [Out; 5])> {
    vec![
        (St::CommentIn(Public), [OK, FB, NF, NF, UA]),
        (St::CommentIn(Private), [OK, NF, NF, NF, UA]),
        (St::CommentIn(Guests), [OK, NF, FB, NF, UA]),
        (St::CommentIn(Archived), [FB, FB, FB, NF, UA]),
        (St::CommentIn(ByBo), [OK, OK, FB, NF, UA]),
    ]
}

fn conv_cases() -> Vec<(St, [Out; 5])> {
    vec![(St::Conv(AnaBo), CONV_ANA_BO), (St::Conv(BoGus), CONV_BO_GUS)]
}

/// The shared world of a matrix run: a team and resources in every state.
pub struct Fx {
    pub t: Team,
    pub sam: i64,
    chans: HashMap<Ch, i64>,
    threads: HashMap<Ch, i64>,
    comments: HashMap<Ch, i64>,
    convs: HashMap<Cv, i64>,
    msgs: HashMap<Cv, i64>,
    pub group: i64,
    /// Public, made by Ana, Ana, Bo and Gus in it: where threads are moved to.
    pub target: i64,
    clients: Mutex<HashMap<Actor, Client>>,
    n: AtomicUsize,
}

fn must<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> T {
    r.unwrap_or_else(|e| panic!("setup failed: {what}: {e}"))
}

impl Fx {
    /// The team (on a server with open registration) and resources in every state.
    pub async fn new(backend: Backend) -> Fx {
        let t = Team::on_with(backend, |c| c.open_registration = true).await;
        let sam = t.app.account("Sam").await.id.0;
        t.app.join(&t.ana, t.ws, sam, "USER").await;
        let clients = [(Ana, t.ana.clone()), (Bo, t.bo.clone()), (Gus, t.gus.clone()), (Oz, t.oz.clone())];
        let mut fx = Fx {
            chans: [(Public, t.general), (Private, t.private), (Guests, t.guests)].into(),
            sam,
            t,
            threads: HashMap::new(),
            comments: HashMap::new(),
            convs: HashMap::new(),
            msgs: HashMap::new(),
            group: 0,
            target: 0,
            clients: Mutex::new(clients.into()),
            n: AtomicUsize::new(0),
        };
        let by_bo = fx.make_chan(ByBo, &[]).await;
        fx.chans.insert(ByBo, by_bo);
        let archived = fx.make_chan(Archived, &[]).await;
        fx.chans.insert(Archived, archived);
        for ch in [Public, Private, Guests, Archived, ByBo] {
            let author = fx.client(ch.creator());
            let th = must(author.add_thread(fx.chans[&ch], "Shared", "shared thread").await, "shared thread").id.0;
            let c = must(author.add_comment(th, "shared comment").await, "shared comment").id.0;
            fx.threads.insert(ch, th);
            fx.comments.insert(ch, c);
        }
        fx.archive(archived).await;
        fx.target = fx.make_chan(Archived, &[]).await; // same people as #archived, left active
        for cv in [AnaBo, BoGus] {
            let id = fx.conv_with(cv, &[]).await;
            let m = must(
                fx.client(cv.creator())
                    .post("conversation_messages/add", json!({"conversation_id": id, "content": "hi"}))
                    .await,
                "shared message",
            );
            fx.convs.insert(cv, id);
            fx.msgs.insert(cv, id_of(&m));
        }
        fx.group = id_of(&must(
            fx.client(Ana)
                .post("groups/add", json!({"workspace_id": fx.t.ws, "name": "design", "user_ids": [fx.t.bo_id]}))
                .await,
            "group",
        ));
        fx
    }

    pub fn client(&self, a: Actor) -> Client {
        match a {
            Anon => self.t.app.anon.clone(),
            _ => self.clients.lock().unwrap()[&a].clone(),
        }
    }

    pub fn uid(&self, a: Actor) -> i64 {
        match a {
            Ana => self.t.ana_id,
            Bo => self.t.bo_id,
            Gus => self.t.gus_id,
            Oz => self.t.oz_id,
            Anon => self.t.ana_id,
        }
    }

    /// A new session of the caller (none for the caller without a token).
    pub async fn session(&self, a: Actor) -> Option<Client> {
        match a {
            Anon => None,
            _ => Some(self.t.app.session(self.uid(a)).await),
        }
    }

    /// Replaces the caller's main session (after a call that ended it).
    pub async fn relogin(&self, a: Actor) {
        if let Some(c) = self.session(a).await {
            self.clients.lock().unwrap().insert(a, c);
        }
    }

    fn next(&self) -> usize {
        self.n.fetch_add(1, Ordering::Relaxed)
    }

    pub fn uniq(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.next())
    }

    pub fn ws(&self) -> i64 {
        self.t.ws
    }
    pub fn chan(&self, ch: Ch) -> i64 {
        self.chans[&ch]
    }
    pub fn thread(&self, ch: Ch) -> i64 {
        self.threads[&ch]
    }
    pub fn comment(&self, ch: Ch) -> i64 {
        self.comments[&ch]
    }
    pub fn conv(&self, cv: Cv) -> i64 {
        self.convs[&cv]
    }
    pub fn msg(&self, cv: Cv) -> i64 {
        self.msgs[&cv]
    }

    /// A new channel of this kind (active even if the kind is `Archived`), with `extra` in it.
    pub async fn make_chan(&self, ch: Ch, extra: &[i64]) -> i64 {
        let (bo, gus) = (self.t.bo_id, self.t.gus_id);
        let mut members = match ch {
            Public => vec![bo],
            Private | Open => vec![],
            Guests => vec![gus],
            Archived => vec![bo, gus],
            ByBo => vec![gus],
        };
        members.extend_from_slice(extra);
        let name = self.uniq("chan");
        must(self.client(ch.creator()).add_channel(self.ws(), &name, ch.public(), &members).await, "channel").id.0
    }

    pub async fn archive(&self, channel: i64) {
        must(self.client(Ana).post("channels/archive", json!({"id": channel})).await, "archive");
    }

    /// A new channel of this kind, archived if the kind is `Archived`.
    pub async fn fresh_chan(&self, ch: Ch, extra: &[i64]) -> i64 {
        let id = self.make_chan(ch, extra).await;
        if ch == Archived {
            self.archive(id).await;
        }
        id
    }

    /// A channel of this kind to post in: the shared one, or a new one for archived and
    /// open channels (archive it with `done` once the posts are in).
    async fn chan_to_post_in(&self, ch: Ch) -> i64 {
        match ch {
            Archived | Open => self.make_chan(ch, &[]).await,
            _ => self.chan(ch),
        }
    }

    async fn done(&self, ch: Ch, channel: i64) {
        if ch == Archived {
            self.archive(channel).await;
        }
    }

    /// A new thread by `author` in a channel of this kind.
    pub async fn fresh_thread(&self, ch: Ch, author: Actor) -> i64 {
        let chan = self.chan_to_post_in(ch).await;
        let th = must(self.client(author).add_thread(chan, "Fresh", "fresh thread").await, "fresh thread").id.0;
        self.done(ch, chan).await;
        th
    }

    /// A new thread by `author` in a channel of this kind, carrying a file they uploaded:
    /// the thread's id and the attachment's.
    pub async fn fresh_thread_with_file(&self, ch: Ch, author: Actor) -> (i64, String) {
        let client = self.client(author);
        let aid = self.uniq("file-");
        let upload = json!({"attachment_id": aid, "file_name": "f.txt", "file": "content"});
        let (status, object) = call(&client, Verb::Post, "attachments/upload", &upload).await;
        assert_eq!(status, 200, "setup failed: upload: {object}");
        let chan = self.chan_to_post_in(ch).await;
        let thread = json!({"channel_id": chan, "title": "Fresh", "content": "with a file", "attachments": [object]});
        let th = id_of(&must(client.post("threads/add", thread).await, "thread with a file"));
        self.done(ch, chan).await;
        (th, aid)
    }

    /// The id of the person who made channels of this kind.
    pub fn creator_id(&self, ch: Ch) -> i64 {
        if ch.creator() == Bo { self.t.bo_id } else { self.t.ana_id }
    }

    /// A pending request to join a new channel of this kind, by someone outside it: Bo for
    /// #guests' kind, Gus otherwise.
    pub async fn fresh_access_request(&self, ch: Ch) -> i64 {
        let channel = self.make_chan(ch, &[]).await;
        let requester = if ch == Guests { Bo } else { Gus };
        let r = self.client(requester).post("access/request", json!({"channel_id": channel})).await;
        must(r, "access request")["id"].as_i64().unwrap()
    }

    /// A new public thread in which Ana asks Bo for an answer, or Bo Ana (`st`): the
    /// expectation's id.
    pub async fn fresh_expectation(&self, st: St) -> i64 {
        let chan = self.make_chan(Public, &[]).await;
        let (asker, asked) = if st == St::Other(BO_ASKS_ANA) { (Bo, self.t.ana_id) } else { (Ana, self.t.bo_id) };
        let params = json!({"channel_id": chan, "title": "Question", "content": "?", "request_reply": [asked]});
        let th = must(self.client(asker).post("threads/add", params).await, "thread asking for an answer");
        th["reply_expected"][0]["id"].as_i64().expect("an expectation")
    }

    /// A new comment of the channel's creator marked as their thread's decision (before an
    /// archived channel is archived).
    pub async fn fresh_decision(&self, ch: Ch) -> i64 {
        let chan = self.chan_to_post_in(ch).await;
        let author = self.client(ch.creator());
        let th = must(author.add_thread(chan, "Fresh", "x").await, "thread").id.0;
        let c = must(author.add_comment(th, "decided").await, "comment").id.0;
        must(author.post("comments/mark_decision", json!({"id": c})).await, "mark the decision");
        self.done(ch, chan).await;
        c
    }

    /// A new meeting Ana plans with Bo in #general, tomorrow: its id.
    pub async fn fresh_meeting(&self) -> i64 {
        let at = weft_core::Clock::now(&*self.t.app.clock) + 86_400;
        let params = json!({"workspace_id": self.ws(), "title": "Sync", "reason": "kickoff",
            "attendee_ids": [self.t.bo_id], "starts_ts": at, "duration_min": 30, "agenda": "Plans"});
        must(self.client(Ana).post("meetings/add", params).await, "meeting")["meeting"]["id"].as_i64().unwrap()
    }

    /// A new meeting Ana planned with Bo in #general, started: the shared clock moves on a
    /// minute to its start (nothing else here depends on the time).
    pub async fn started_meeting(&self) -> i64 {
        let at = weft_core::Clock::now(&*self.t.app.clock) + 60;
        let params = json!({"workspace_id": self.ws(), "title": "Sync", "reason": "kickoff",
            "attendee_ids": [self.t.bo_id], "starts_ts": at, "duration_min": 30, "agenda": "Plans"});
        let id = must(self.client(Ana).post("meetings/add", params).await, "meeting")["meeting"]["id"].as_i64();
        self.t.app.clock.set(at);
        id.unwrap()
    }

    /// A new thread Ana scheduled in a public channel, for an hour from now: its id.
    pub async fn fresh_scheduled(&self) -> i64 {
        let chan = self.make_chan(Public, &[]).await;
        let at = weft_core::Clock::now(&*self.t.app.clock) + 3600;
        let params = json!({"channel_id": chan, "title": "Later", "content": "x", "send_at_ts": at});
        must(self.client(Ana).post("threads/add", params).await, "scheduled thread")["id"].as_i64().expect("an id")
    }

    /// A new channel of this kind with a rotation (of its creator), archived if the kind is.
    pub async fn rotation_chan(&self, ch: Ch) -> i64 {
        let id = self.make_chan(ch, &[]).await;
        let params = json!({"channel_id": id, "user_ids": [self.creator_id(ch)], "shift_hours": 24,
            "handoff_time": "09:00", "timezone": "UTC", "starts_on": "2026-11-23"});
        must(self.client(ch.creator()).post("rotations/add", params).await, "rotation");
        if ch == Archived {
            self.archive(id).await;
        }
        id
    }

    /// A new thread by the channel's creator that notifies everyone in the channel.
    pub async fn fresh_inbox_thread(&self, ch: Ch) -> i64 {
        // A channel of its own, so that nobody joined it in another row.
        let chan = self.make_chan(ch, &[]).await;
        let params = json!({"channel_id": chan, "title": "For all", "content": "x", "recipients": "EVERYONE"});
        let th = must(self.client(ch.creator()).post("threads/add", params).await, "thread for everyone");
        self.done(ch, chan).await;
        th["id"].as_i64().unwrap()
    }

    /// A new comment by `author` in a new thread of the channel's creator.
    pub async fn fresh_comment(&self, ch: Ch, author: Actor) -> i64 {
        let chan = self.chan_to_post_in(ch).await;
        let th = must(self.client(ch.creator()).add_thread(chan, "Fresh", "x").await, "thread").id.0;
        let c = must(self.client(author).add_comment(th, "fresh comment").await, "fresh comment").id.0;
        self.done(ch, chan).await;
        c
    }

    /// A new member of the team's workspace (a user, in #general).
    pub async fn fresh_member(&self) -> (i64, String) {
        let name = self.uniq("Member");
        let user = self.t.app.account(&name).await;
        self.t.app.join(&self.client(Ana), self.ws(), user.id.0, "USER").await;
        (user.id.0, user.email)
    }

    /// A new conversation of this kind, with `extra` in it too.
    async fn conv_with(&self, cv: Cv, extra: &[i64]) -> i64 {
        let other = if cv == AnaBo { self.t.bo_id } else { self.t.gus_id };
        let mut users = vec![other];
        users.extend_from_slice(extra);
        let c = must(
            self.client(cv.creator())
                .post("conversations/get_or_create", json!({"workspace_id": self.ws(), "user_ids": users}))
                .await,
            "conversation",
        );
        id_of(&c)
    }

    /// A new conversation of this kind (made unique by a new member in it), and that member.
    pub async fn fresh_conv(&self, cv: Cv) -> (i64, i64) {
        let (x, _) = self.fresh_member().await;
        (self.conv_with(cv, &[x]).await, x)
    }

    pub async fn fresh_msg(&self, cv: Cv, author: Actor) -> i64 {
        let m = must(
            self.client(author)
                .post("conversation_messages/add", json!({"conversation_id": self.conv(cv), "content": "fresh"}))
                .await,
            "fresh message",
        );
        id_of(&m)
    }

    /// Someone new invited to the team's workspace, not accepted yet.
    pub async fn fresh_invitee(&self) -> i64 {
        let email = format!("{}@example.test", self.uniq("invitee"));
        let wu = must(self.client(Ana).add_member(self.ws(), &email, "USER").await, "invite");
        wu.id.0
    }

    /// A new workspace of Sam's (Ana, Bo, Gus and Oz are not in it), `invited` invited to it.
    pub async fn sams_ws(&self, invited: Option<Actor>) -> i64 {
        let sam = self.t.app.session(self.sam).await;
        let ws = must(sam.add_workspace(&self.uniq("Sams")).await, "Sam's workspace").id.0;
        if let Some(a) = invited.filter(|a| *a != Anon) {
            must(sam.add_member(ws, &a.email(), "USER").await, "invite");
        }
        ws
    }

    /// A new join link of `ws`, made by `admin` (its answer, with the URL).
    pub async fn join_link(&self, admin: Client, ws: i64) -> Value {
        must(admin.post("join_links/add", json!({"workspace_id": ws})).await, "join link")
    }

    /// A password-reset code of a new account.
    pub async fn reset_code(&self) -> String {
        let user = self.t.app.account(&self.uniq("Forgetful")).await;
        let store = self.t.app.node().store.clone();
        let now = weft_core::Clock::now(&*self.t.app.clock);
        store
            .write(move |tx| weft_core::services::password_reset::request(tx, &user.email, "http://x", false, now))
            .await
            .expect("reset code")
            .expect("an account with a password")
    }

    /// A new workspace of Ana's, with Bo as a member and Gus as a guest.
    pub async fn fresh_ws(&self) -> i64 {
        let ana = self.client(Ana);
        let ws = must(ana.add_workspace(&self.uniq("Ws")).await, "workspace").id.0;
        self.t.app.join(&ana, ws, self.t.bo_id, "USER").await;
        self.t.app.join(&ana, ws, self.t.gus_id, "GUEST").await;
        ws
    }

    pub async fn fresh_group(&self, with_sam: bool) -> i64 {
        let users = if with_sam { vec![self.sam] } else { vec![] };
        let name = self.uniq("group");
        let g = must(
            self.client(Ana)
                .post("groups/add", json!({"workspace_id": self.ws(), "name": name, "user_ids": users}))
                .await,
            "group",
        );
        id_of(&g)
    }
}

fn id_of(v: &Value) -> i64 {
    id(v)
}

/// The other person of a caller's new conversation.
fn partner(fx: &Fx, a: Actor) -> i64 {
    if a == Ana { fx.t.bo_id } else { fx.t.ana_id }
}

/// The reaction target of a state: a thread, a comment or a message.
fn reaction_target(fx: &Fx, st: St) -> Value {
    match st {
        St::In(ch) => json!({"reaction": "👍", "thread_id": fx.thread(ch)}),
        St::CommentIn(ch) => json!({"reaction": "👍", "comment_id": fx.comment(ch)}),
        St::Conv(cv) => json!({"reaction": "👍", "message_id": fx.msg(cv)}),
        other => panic!("no reaction target in {other:?}"),
    }
}

fn reaction_cases() -> Vec<(St, [Out; 5])> {
    let mut cases = sight();
    cases.extend([
        (St::CommentIn(Public), [OK, OK, NF, NF, UA]),
        (St::CommentIn(Private), [OK, NF, NF, NF, UA]),
        (St::CommentIn(Guests), [OK, NF, OK, NF, UA]),
        (St::Conv(AnaBo), CONV_ANA_BO),
        (St::Conv(BoGus), CONV_BO_GUS),
    ]);
    cases
}

/// The authorization matrix: one row per endpoint of the route table.
pub fn rows() -> Vec<Row> {
    let ws = &[(St::Ws, MEMBERS)];
    vec![
        // ---- users ----
        row(
            "users/login",
            b!(|fx, st, a| {
                let who = if a == Anon { Ana } else { a };
                json!({"email": who.email(), "password": who.password()})
            }),
            &[(St::Ws, ANYONE)],
        ),
        row(
            "users/register",
            b!(
                |fx, st, a| json!({"name": "Newcomer", "email": format!("{}@example.test", fx.uniq("new")), "password": "long enough"})
            ),
            &[(St::Ws, ANYONE)],
        ),
        row(
            "users/logout",
            b!(|fx, st, a| Req { params: json!({}), client: fx.session(a).await }),
            &[(St::Ws, SIGNED_IN)],
        ),
        row("users/get_session_user", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        // ---- personal API tokens: their owner's alone ----
        row(
            "api_tokens/add",
            b!(|fx, st, a| json!({"name": "ci", "scope": "read", "workspace_id": fx.ws()})),
            &[(St::Ws, MEMBERS)],
        ),
        row("api_tokens/get", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        // ---- bots: admins make them; their owner or an admin manages them ----
        row("bots/add", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "name": "Deploys"})), &[(St::Ws, ADMINS)]),
        row("bots/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), &[(St::Ws, MEMBERS)]),
        row(
            "bots/new_token",
            b!(|fx, st, a| {
                let bot = fx.client(Ana).post("bots/add", json!({"workspace_id": fx.ws(), "name": "Deploys"})).await;
                json!({"id": must(bot, "bot")["user"]["id"]})
            }),
            &[(St::Other("a bot of Ana's"), ADMINS)],
        ),
        row(
            "bots/remove",
            b!(|fx, st, a| {
                let bot = fx.client(Ana).post("bots/add", json!({"workspace_id": fx.ws(), "name": "Deploys"})).await;
                json!({"id": must(bot, "bot")["user"]["id"]})
            }),
            &[(St::Other("a bot of Ana's"), ADMINS)],
        ),
        // ---- incoming webhooks: a channel's members make them; the secret URL posts ----
        row(
            "incoming_webhooks/add",
            b!(|fx, st, a| json!({"channel_id": fx.t.general, "name": "CI"})),
            &[(St::Ws, [OK, OK, NF, NF, UA])],
        ),
        row(
            "incoming_webhooks/get",
            b!(|fx, st, a| json!({"channel_id": fx.t.general})),
            &[(St::Ws, [OK, OK, NF, NF, UA])],
        ),
        row(
            "incoming_webhooks/remove",
            b!(|fx, st, a| {
                let hook = fx
                    .client(Ana)
                    .post("incoming_webhooks/add", json!({"channel_id": fx.t.general, "name": "CI"}))
                    .await;
                json!({"id": id_of(&must(hook, "webhook"))})
            }),
            &[(St::Other("Ana's webhook in #general"), [OK, FB, NF, NF, UA])],
        ),
        row(
            "integration_incoming/post_data",
            b!(|fx, st, a| {
                let hook = fx
                    .client(Ana)
                    .post("incoming_webhooks/add", json!({"channel_id": fx.t.general, "name": "CI"}))
                    .await;
                let url = must(hook, "webhook")["url"].as_str().unwrap().to_string();
                let query: std::collections::HashMap<String, String> =
                    form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
                json!({"install_id": query["install_id"].parse::<i64>().unwrap(), "install_token": query["install_token"], "text": "hi"})
            }),
            &[(St::Other("a webhook's secret URL"), ANYONE)],
        ),
        row(
            "api_tokens/remove",
            b!(|fx, st, a| {
                let token = fx.client(Ana).post("api_tokens/add", json!({"name": "ci", "scope": "write"})).await;
                json!({"id": id_of(&must(token, "api token"))})
            }),
            &[(St::Other("a token of Ana's"), [OK, NF, NF, NF, UA])],
        ),
        // ---- outgoing webhooks: a place the caller sees; their own subscriptions alone ----
        row(
            "hooks/subscribe",
            b!(|fx, st, a| {
                // A public address: nothing is sent, no worker runs here.
                let base = json!({"target_url": "http://203.0.113.9/hook", "event_type": "comment_added"});
                let mut p = base.as_object().unwrap().clone();
                match st {
                    St::Ws => p.insert("workspace_id".into(), json!(fx.ws())),
                    _ => p.insert("channel_id".into(), json!(fx.chan(st.ch()))),
                };
                Value::Object(p)
            }),
            &[vec![(St::Ws, MEMBERS)], sight()].concat(),
        ),
        row(
            "hooks/unsubscribe",
            b!(|fx, st, a| json!({"target_url": "http://203.0.113.9/hook"})),
            &[(St::Ws, SIGNED_IN)],
        ),
        row("hooks/get", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row("users/update", b!(|fx, st, a| json!({"profession": "Tester"})), &[(St::Ws, SIGNED_IN)]),
        row(
            "users/update_password",
            b!(|fx, st, a| json!({"new_password": a.password(), "current_password": a.password()})),
            &[(St::Ws, SIGNED_IN)],
        )
        .relogin(),
        row(
            "users/invalidate_token",
            b!(|fx, st, a| Req { params: json!({}), client: fx.session(a).await }),
            &[(St::Ws, SIGNED_IN)],
        ),
        row(
            "users/validate_token",
            b!(|fx, st, a| {
                let who = if a == Anon { Ana } else { a };
                let token = fx.session(who).await.unwrap().token().unwrap().to_string();
                json!({"token": token})
            }),
            &[(St::Ws, ANYONE)],
        ),
        row(
            "users/reset_password",
            b!(|fx, st, a| json!({"email": format!("{}@example.test", fx.uniq("nobody"))})),
            &[(St::Ws, ANYONE)],
        ),
        row(
            "users/set_password",
            b!(|fx, st, a| {
                let code = fx.reset_code().await;
                json!({"reset_code": code, "new_password": "a new password"})
            }),
            &[(St::Ws, ANYONE)],
        ),
        row(
            "users/delete",
            b!(|fx, st, a| match a {
                Anon => Req::from(json!({"password": "whatever"})),
                // Each caller deletes a new account of its own, with that account's password.
                _ => {
                    let name = fx.uniq("Leaver");
                    let (client, _) = fx.t.app.user(&name).await;
                    Req { params: json!({"password": format!("password-{name}")}), client: Some(client) }
                }
            }),
            &[(St::Ws, SIGNED_IN)],
        ),
        // Only the caller's own data, whoever they are (the content is checked in own_export.rs).
        row("users/export", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row(
            "users/heartbeat",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "platform": "desktop"})),
            &[(St::Ws, SIGNED_IN)],
        ),
        row(
            "users/reset_presence",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "platform": "desktop"})),
            &[(St::Ws, SIGNED_IN)],
        ),
        // ---- workspaces ----
        row("workspaces/get", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row("workspaces/getone", b!(|fx, st, a| json!({"id": fx.ws()})), ws),
        row("workspaces/get_default", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row("workspaces/add", b!(|fx, st, a| json!({"name": fx.uniq("Ws")})), &[(St::Ws, SIGNED_IN)]),
        row("workspaces/update", b!(|fx, st, a| json!({"id": fx.ws(), "name": "Acme"})), &[(St::Ws, ADMINS)]),
        row(
            "workspaces/remove",
            b!(|fx, st, a| json!({"id": fx.fresh_ws().await, "current_password": a.password()})),
            &[(St::Ws, ADMINS)],
        ),
        row("workspaces/get_public_channels", b!(|fx, st, a| json!({"id": fx.ws()})), ws),
        // ---- workspace users ----
        row("workspace_users/get", b!(|fx, st, a| json!({"id": fx.ws()})), ws),
        row("workspace_users/get_ids", b!(|fx, st, a| json!({"id": fx.ws()})), ws),
        row("workspace_users/getone", b!(|fx, st, a| json!({"id": fx.ws(), "user_id": fx.t.bo_id})), ws),
        row("workspace_users/get_by_email", b!(|fx, st, a| json!({"id": fx.ws(), "email": Bo.email()})), ws),
        row("workspace_users/get_local_time", b!(|fx, st, a| json!({"id": fx.ws(), "user_id": fx.t.bo_id})), ws),
        row("workspace_users/get_info", b!(|fx, st, a| json!({"id": fx.ws(), "user_id": fx.t.bo_id})), ws),
        row(
            "workspace_users/add",
            b!(|fx, st, a| {
                let user = fx.t.app.account(&fx.uniq("Joiner")).await;
                json!({"id": fx.ws(), "email": user.email, "user_type": "USER"})
            }),
            &[(St::Ws, ADMINS)],
        ),
        row(
            "workspace_users/resend_invite",
            b!(|fx, st, a| json!({"id": fx.ws(), "user_id": fx.fresh_invitee().await})),
            &[(St::Ws, ADMINS)],
        ),
        row(
            "workspace_users/accept_invite",
            b!(|fx, st, a| match st {
                // Sam's new workspace, the caller invited to it.
                St::Ws => json!({"id": fx.sams_ws(Some(a)).await}),
                // Not invited: nothing to accept.
                _ => json!({"id": fx.sams_ws(None).await}),
            }),
            &[(St::Ws, SIGNED_IN), (St::Other("not invited"), [NF, NF, NF, NF, UA])],
        ),
        row(
            "workspace_users/update",
            b!(|fx, st, a| json!({"id": fx.ws(), "user_id": fx.fresh_member().await.0, "user_type": "GUEST"})),
            &[(St::Ws, ADMINS)],
        ),
        row(
            "workspace_users/remove",
            b!(|fx, st, a| match st {
                // Removing someone else: admins only.
                St::Ws => json!({"id": fx.ws(), "user_id": fx.fresh_member().await.0}),
                // Leaving: anyone, but the last admin.
                _ => json!({"id": fx.fresh_ws().await, "user_id": fx.uid(a)}),
            }),
            &[(St::Ws, ADMINS), (St::Other("leave"), [BR, OK, OK, NF, UA])],
        ),
        row(
            "workspace_users/deactivate",
            b!(|fx, st, a| json!({"id": fx.ws(), "user_id": fx.fresh_member().await.0})),
            &[(St::Ws, ADMINS)],
        ),
        row(
            "workspace_users/reactivate",
            b!(|fx, st, a| {
                let (user, _) = fx.fresh_member().await;
                let ws = fx.ws();
                let deactivate = json!({"id": ws, "user_id": user});
                must(fx.client(Ana).post("workspace_users/deactivate", deactivate).await, "deactivate");
                json!({"id": ws, "user_id": user})
            }),
            &[(St::Ws, ADMINS)],
        ),
        // ---- join links ----
        row("join_links/add", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "max_uses": 3})), &[(St::Ws, ADMINS)]),
        row("join_links/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), &[(St::Ws, ADMINS)]),
        row(
            "join_links/revoke",
            b!(|fx, st, a| json!({"id": id_of(&fx.join_link(fx.client(Ana), fx.ws()).await)})),
            &[(St::Ws, ADMINS)],
        ),
        row(
            "url_join/join_workspace",
            b!(|fx, st, a| {
                let ws = fx.sams_ws(None).await;
                let link = fx.join_link(fx.t.app.session(fx.sam).await, ws).await;
                let code = link["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
                json!({"url_invite_code": code})
            }),
            &[(St::Ws, SIGNED_IN)],
        ),
        // ---- channels ----
        row("channels/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("channels/getone", b!(|fx, st, a| json!({"id": fx.chan(st.ch())})), &sight()),
        row(
            "channels/add",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "name": fx.uniq("chan")})),
            &[(St::Ws, NON_GUESTS)],
        ),
        row(
            "channels/update",
            b!(
                |fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await, "name": fx.uniq("renamed"), "description": "d"})
            ),
            &managing(),
        ),
        row(
            "channels/remove",
            b!(|fx, st, a| {
                let id = fx.make_chan(if let St::In(ch) = st { ch } else { Public }, &[]).await;
                if let St::In(ch) = st {
                    // Only archived channels can be removed: archive it as its creator.
                    must(fx.client(ch.creator()).post("channels/archive", json!({"id": id})).await, "archive");
                }
                json!({"id": id})
            }),
            &{
                let mut cases = managing();
                cases.push((St::Other("active channel"), [BR, FB, NF, NF, UA]));
                cases
            },
        ),
        row("channels/archive", b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await})), &managing()),
        row("channels/unarchive", b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await})), &managing()),
        row("channels/favorite", b!(|fx, st, a| json!({"id": fx.chan(st.ch())})), &sight()),
        row("channels/unfavorite", b!(|fx, st, a| json!({"id": fx.chan(st.ch())})), &sight()),
        row("channels/set_notifications", b!(|fx, st, a| json!({"id": fx.chan(st.ch()), "level": "direct"})), &sight()),
        row(
            "channels/add_user",
            b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await, "user_id": fx.sam})),
            &adding(),
        ),
        row(
            "channels/add_users",
            b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await, "user_ids": [fx.sam]})),
            &adding(),
        ),
        row(
            "channels/remove_user",
            b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[fx.sam]).await, "user_id": fx.sam})),
            &managing(),
        ),
        row(
            "channels/remove_users",
            b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[fx.sam]).await, "user_ids": [fx.sam]})),
            &managing(),
        ),
        row("channels/join", b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await})), &{
            let mut cases = posting();
            cases.push((St::In(Open), [OK, OK, NF, NF, UA]));
            cases
        }),
        row("channels/leave", b!(|fx, st, a| json!({"id": fx.fresh_chan(st.ch(), &[]).await})), &sight()),
        // ---- threads ----
        row(
            "threads/get",
            b!(|fx, st, a| match st {
                St::Ws => json!({"workspace_id": fx.ws()}),
                _ => json!({"channel_id": fx.chan(st.ch())}),
            }),
            &{
                let mut cases = vec![(St::Ws, MEMBERS)];
                cases.extend(sight());
                cases
            },
        ),
        row("threads/getone", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &sight()),
        row(
            "threads/add",
            b!(|fx, st, a| {
                let chan = fx.fresh_chan(st.ch(), &[]).await;
                json!({"channel_id": chan, "title": "New", "content": "hello"})
            }),
            &{
                let mut cases = posting();
                // Posting in a public channel one is not in joins it.
                cases.push((St::In(Open), [OK, OK, NF, NF, UA]));
                cases
            },
        ),
        row(
            "threads/update",
            b!(|fx, st, a| match st {
                St::Other(STEER_ANAS) => json!({"id": fx.fresh_thread(Public, Ana).await, "status": "decided"}),
                St::Other(_) => {
                    let id = fx.fresh_thread(Public, Ana).await;
                    let dri = json!({"id": id, "dri_id": fx.t.bo_id});
                    must(fx.client(Ana).post("threads/update", dri).await, "a DRI");
                    json!({"id": id, "decision_due_ts": weft_core::Clock::now(&*fx.t.app.clock) + 3600})
                }
                St::By(ch, author) => json!({"id": fx.fresh_thread(ch, author).await, "title": "Edited"}),
                _ => unreachable!(),
            }),
            &[
                editing(),
                vec![
                    // Steering: the author, the DRI and admins.
                    (St::Other(STEER_ANAS), [OK, FB, NF, NF, UA]),
                    (St::Other(STEER_BO_DRI), [OK, OK, NF, NF, UA]),
                ],
            ]
            .concat(),
        ),
        row(
            "threads/remove",
            b!(|fx, st, a| {
                let St::By(ch, author) = st else { unreachable!() };
                json!({"id": fx.fresh_thread(ch, author).await})
            }),
            &editing(),
        ),
        row("threads/star", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &sight()),
        row("threads/unstar", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &sight()),
        row("threads/pin", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &posting()),
        row("threads/unpin", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &posting()),
        row("threads/archive", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &sight()),
        row("threads/unarchive", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &sight()),
        row(
            "threads/move_to_channel",
            b!(|fx, st, a| match st {
                St::By(ch, author) => json!({"id": fx.fresh_thread(ch, author).await, "to_channel": fx.target}),
                St::Other("to #private") =>
                    json!({"id": fx.fresh_thread(Public, Bo).await, "to_channel": fx.chan(Private)}),
                _ => json!({"id": fx.fresh_thread(Public, Bo).await, "to_channel": fx.chan(Archived)}),
            }),
            &[
                (St::By(Public, Bo), [OK, OK, NF, NF, UA]),
                (St::By(Public, Ana), [OK, FB, NF, NF, UA]),
                (St::By(Private, Ana), [OK, NF, NF, NF, UA]),
                (St::By(Guests, Gus), [OK, NF, OK, NF, UA]),
                // A channel one cannot see is "not found" as an argument.
                (St::Other("to #private"), [OK, BR, NF, NF, UA]),
                (St::Other("to an archived channel"), [FB, FB, NF, NF, UA]),
            ],
        ),
        row("threads/mute", b!(|fx, st, a| json!({"id": fx.thread(st.ch()), "minutes": 60})), &sight()),
        row("threads/unmute", b!(|fx, st, a| json!({"id": fx.thread(st.ch())})), &sight()),
        // ---- comments ----
        row("comments/get", b!(|fx, st, a| json!({"thread_id": fx.thread(st.ch())})), &sight()),
        row("comments/getone", b!(|fx, st, a| json!({"id": fx.comment(st.ch())})), &sight()),
        row(
            "comments/add",
            b!(|fx, st, a| {
                let ch = st.ch();
                json!({"thread_id": fx.fresh_thread(ch, ch.creator()).await, "content": "reply"})
            }),
            &posting(),
        ),
        row(
            "comments/update",
            b!(|fx, st, a| {
                let St::By(ch, author) = st else { unreachable!() };
                json!({"id": fx.fresh_comment(ch, author).await, "content": "edited"})
            }),
            &editing(),
        ),
        row(
            "comments/remove",
            b!(|fx, st, a| {
                let St::By(ch, author) = st else { unreachable!() };
                json!({"id": fx.fresh_comment(ch, author).await})
            }),
            &editing(),
        ),
        // ---- groups ----
        row("groups/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("groups/getone", b!(|fx, st, a| json!({"id": fx.group})), ws),
        row(
            "groups/add",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "name": fx.uniq("group")})),
            &[(St::Ws, NON_GUESTS)],
        ),
        row(
            "groups/update",
            b!(|fx, st, a| json!({"id": fx.fresh_group(false).await, "name": fx.uniq("renamed")})),
            &[(St::Ws, NON_GUESTS)],
        ),
        row("groups/remove", b!(|fx, st, a| json!({"id": fx.fresh_group(false).await})), &[(St::Ws, NON_GUESTS)]),
        row(
            "groups/add_user",
            b!(|fx, st, a| json!({"id": fx.fresh_group(false).await, "user_id": fx.sam})),
            &[(St::Ws, NON_GUESTS)],
        ),
        row(
            "groups/add_users",
            b!(|fx, st, a| json!({"id": fx.fresh_group(false).await, "user_ids": [fx.sam]})),
            &[(St::Ws, NON_GUESTS)],
        ),
        row(
            "groups/remove_user",
            b!(|fx, st, a| json!({"id": fx.fresh_group(true).await, "user_id": fx.sam})),
            &[(St::Ws, NON_GUESTS)],
        ),
        row(
            "groups/remove_users",
            b!(|fx, st, a| json!({"id": fx.fresh_group(true).await, "user_ids": [fx.sam]})),
            &[(St::Ws, NON_GUESTS)],
        ),
        // ---- conversations: only their participants, admins included ----
        row("conversations/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("conversations/getone", b!(|fx, st, a| json!({"id": fx.conv(st.cv())})), &conv_cases()),
        row(
            "conversations/get_or_create",
            b!(|fx, st, a| match st {
                St::Ws => json!({"workspace_id": fx.ws(), "user_ids": [partner(&fx, a)]}),
                _ => json!({"workspace_id": fx.ws(), "user_ids": [fx.t.oz_id]}),
            }),
            &[(St::Ws, MEMBERS), (St::Other("with an outsider"), [NF, NF, NF, NF, UA])],
        ),
        row("conversations/update", b!(|fx, st, a| json!({"id": fx.conv(st.cv()), "title": "Plans"})), &conv_cases()),
        row("conversations/archive", b!(|fx, st, a| json!({"id": fx.conv(st.cv())})), &conv_cases()),
        row("conversations/unarchive", b!(|fx, st, a| json!({"id": fx.conv(st.cv())})), &conv_cases()),
        row(
            "conversations/add_user",
            b!(|fx, st, a| json!({"id": fx.fresh_conv(st.cv()).await.0, "user_id": fx.sam})),
            &conv_cases(),
        ),
        row(
            "conversations/add_users",
            b!(|fx, st, a| json!({"id": fx.fresh_conv(st.cv()).await.0, "user_ids": [fx.sam]})),
            &conv_cases(),
        ),
        row(
            "conversations/remove_user",
            b!(|fx, st, a| {
                let (id, x) = fx.fresh_conv(st.cv()).await;
                json!({"id": id, "user_id": x})
            }),
            &conv_cases(),
        ),
        row(
            "conversations/remove_users",
            b!(|fx, st, a| {
                let (id, x) = fx.fresh_conv(st.cv()).await;
                json!({"id": id, "user_ids": [x]})
            }),
            &conv_cases(),
        ),
        row("conversations/mute", b!(|fx, st, a| json!({"id": fx.conv(st.cv()), "minutes": 60})), &conv_cases()),
        row("conversations/unmute", b!(|fx, st, a| json!({"id": fx.conv(st.cv())})), &conv_cases()),
        // ---- conversation messages ----
        row("conversation_messages/get", b!(|fx, st, a| json!({"conversation_id": fx.conv(st.cv())})), &conv_cases()),
        row("conversation_messages/getone", b!(|fx, st, a| json!({"id": fx.msg(st.cv())})), &conv_cases()),
        row(
            "conversation_messages/add",
            b!(|fx, st, a| json!({"conversation_id": fx.conv(st.cv()), "content": "hello"})),
            &conv_cases(),
        ),
        row(
            "conversation_messages/update",
            b!(|fx, st, a| {
                let St::MsgBy(cv, author) = st else { unreachable!() };
                json!({"id": fx.fresh_msg(cv, author).await, "content": "edited"})
            }),
            &messages(),
        ),
        row(
            "conversation_messages/remove",
            b!(|fx, st, a| {
                let St::MsgBy(cv, author) = st else { unreachable!() };
                json!({"id": fx.fresh_msg(cv, author).await})
            }),
            &messages(),
        ),
        // ---- reactions ----
        row("reactions/add", b!(|fx, st, a| reaction_target(&fx, st)), &reaction_cases()),
        row("reactions/remove", b!(|fx, st, a| reaction_target(&fx, st)), &reaction_cases()),
        row(
            "reactions/get",
            b!(|fx, st, a| {
                let mut p = reaction_target(&fx, st);
                p.as_object_mut().unwrap().remove("reaction");
                p
            }),
            &reaction_cases(),
        ),
        // ---- attachments ----
        row(
            "attachments/upload",
            b!(|fx, st, a| json!({"attachment_id": fx.uniq("up-"), "file_name": "notes.txt", "file": "some notes"})),
            &[(St::Ws, SIGNED_IN)],
        ),
        row(
            "attachments/remove",
            b!(|fx, st, a| {
                let St::By(ch, author) = st else { unreachable!() };
                let (thread, attachment) = fx.fresh_thread_with_file(ch, author).await;
                json!({"attachment_id": attachment, "thread_id": thread})
            }),
            &editing(),
        ),
        // ---- events and batches ----
        row("events/get", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "timeout": 0})), ws),
        row(
            "batch",
            b!(|fx, st, a| {
                let url = format!("/api/v3/threads/getone?id={}", fx.thread(st.ch()));
                json!({"requests": [{"method": "GET", "url": url}]})
            }),
            &sight(),
        )
        .batch(),
        // ---- the inbox and read state ----
        row("inbox/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("inbox/get_count", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("inbox/mark_all_read", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("inbox/archive_all", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("inbox/archive", b!(|fx, st, a| json!({"id": fx.fresh_inbox_thread(st.ch()).await})), &inbox_sight()),
        row("inbox/unarchive", b!(|fx, st, a| json!({"id": fx.fresh_inbox_thread(st.ch()).await})), &inbox_sight()),
        row(
            "inbox/snooze",
            b!(|fx, st, a| json!({"id": fx.fresh_inbox_thread(st.ch()).await, "until_ts": START + 86_400})),
            &inbox_sight(),
        ),
        row(
            "inbox/unsnooze",
            b!(|fx, st, a| {
                let id = fx.fresh_inbox_thread(st.ch()).await;
                if let Some(c) = fx.session(a).await {
                    let _ = c.post("inbox/snooze", json!({"id": id, "until_ts": START + 86_400})).await;
                }
                json!({"id": id})
            }),
            &inbox_sight(),
        ),
        row("threads/get_unread", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("threads/clear_unread", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row(
            "threads/mark_all_read",
            b!(|fx, st, a| match st {
                St::Ws => json!({"workspace_id": fx.ws()}),
                _ => json!({"channel_id": fx.chan(st.ch())}),
            }),
            &[vec![(St::Ws, MEMBERS)], sight()].concat(),
        ),
        row("threads/mark_read", b!(|fx, st, a| json!({"id": fx.thread(st.ch()), "obj_index": 0})), &sight()),
        row("threads/mark_unread", b!(|fx, st, a| json!({"id": fx.thread(st.ch()), "obj_index": -1})), &sight()),
        row(
            "threads/mark_unread_for_others",
            b!(|fx, st, a| json!({"id": fx.thread(st.ch()), "obj_index": 0})),
            &sight(),
        ),
        row(
            "comments/mark_position",
            b!(|fx, st, a| json!({"thread_id": fx.thread(st.ch()), "comment_id": fx.comment(st.ch())})),
            &sight(),
        ),
        row("conversations/get_unread", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("conversations/mark_all_read", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row("conversations/mark_read", b!(|fx, st, a| json!({"id": fx.conv(st.cv())})), &conv_cases()),
        row(
            "conversations/mark_unread",
            b!(|fx, st, a| json!({"id": fx.conv(st.cv()), "obj_index": 0})),
            &conv_cases(),
        ),
        // ---- notifications ----
        row("notifications/get", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row("notifications/reset", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row(
            "notifications/mark_read",
            b!(|fx, st, a| match st {
                St::Other("someone's own notification") => {
                    // A thread addressed to the caller gives them a notification of their own.
                    let (author, channel) = match a {
                        Ana => (Bo, fx.chan(Public)),
                        Gus => (Ana, fx.chan(Guests)),
                        _ => (Ana, fx.chan(Public)),
                    };
                    let to = match a {
                        Ana => fx.t.ana_id,
                        Gus => fx.t.gus_id,
                        _ => fx.t.bo_id,
                    };
                    let params = json!({"channel_id": channel, "title": "For you", "content": "x", "recipients": [to]});
                    must(fx.client(author).post("threads/add", params).await, "thread for the caller");
                    let reader = if matches!(a, Oz | Anon) { Bo } else { a };
                    let page = must(fx.client(reader).get("notifications/get", json!({})).await, "notifications");
                    json!({"notification_id": page["notifications"][0]["id"]})
                }
                _ => {
                    // Bo was notified when Ana added him to the workspace.
                    let page = must(fx.client(Bo).get("notifications/get", json!({})).await, "Bo's notifications");
                    json!({"notification_id": page["notifications"][0]["id"]})
                }
            }),
            &[
                (St::Other("someone's own notification"), [OK, OK, OK, NF, UA]),
                (St::Other("Bo's notification"), [NF, OK, NF, NF, UA]),
            ],
        ),
        row("notifications_settings/v2/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row(
            "notifications_settings/v2/update",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "setting": "email_comments", "value": false})),
            ws,
        ),
        row(
            "notifications_settings/v2/update_many",
            b!(
                |fx, st, a| json!({"workspace_id": fx.ws(), "mapping": {"email_comments": false, "push_threads": true}})
            ),
            ws,
        ),
        // ---- the emergency lane ----
        row("emergencies/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row(
            "emergencies/ack",
            b!(|fx, st, a| {
                // A new emergency in a new emergency channel: public, or private with Gus.
                let (public, users) = match st {
                    St::In(Guests) => (false, vec![fx.t.gus_id]),
                    _ => (true, vec![]),
                };
                let params = json!({"workspace_id": fx.ws(), "name": fx.uniq("sos"), "public": public,
                    "emergency": true, "user_ids": users});
                let ch = must(fx.client(Ana).post("channels/add", params).await, "emergency channel");
                let params = json!({"channel_id": ch["id"], "title": "Help", "content": "x", "urgent": true});
                must(fx.client(Ana).post("threads/add", params).await, "emergency");
                let log = must(fx.client(Ana).get("emergencies/get", json!({"workspace_id": fx.ws()})).await, "log");
                json!({"id": log[0]["id"]})
            }),
            // Acknowledging takes sight of the channel.
            &[(St::In(Public), [OK, OK, NF, NF, UA]), (St::In(Guests), [OK, NF, OK, NF, UA])],
        ),
        // ---- rotations ----
        row(
            "rotations/add",
            b!(
                |fx, st, a| json!({"channel_id": fx.fresh_chan(st.ch(), &[]).await, "user_ids": [fx.creator_id(st.ch())],
                "shift_hours": 24, "handoff_time": "09:00", "timezone": "UTC", "starts_on": "2026-11-23"})
            ),
            &managing(),
        ),
        row(
            "rotations/update",
            b!(|fx, st, a| json!({"channel_id": fx.rotation_chan(st.ch()).await, "shift_hours": 48})),
            &managing(),
        ),
        row("rotations/remove", b!(|fx, st, a| json!({"channel_id": fx.rotation_chan(st.ch()).await})), &managing()),
        row("rotations/get", b!(|fx, st, a| json!({"channel_id": fx.rotation_chan(st.ch()).await})), &sight()),
        row("rotations/on_duty", b!(|fx, st, a| json!({"channel_id": fx.rotation_chan(st.ch()).await})), &sight()),
        // ---- sharing checks: only who sees a channel or conversation asks who else does ----
        row(
            "access/check",
            b!(|fx, st, a| match st {
                St::Conv(cv) => json!({"conversation_id": fx.conv(cv), "user_ids": [fx.t.bo_id]}),
                St::CommentIn(ch) => json!({"thread_id": fx.thread(ch), "user_ids": [fx.t.bo_id]}),
                _ => json!({"channel_id": fx.chan(st.ch()), "user_ids": [fx.t.gus_id]}),
            }),
            &[
                sight(),
                vec![
                    // A thread, as its channel.
                    (St::CommentIn(Private), [OK, NF, NF, NF, UA]),
                    (St::CommentIn(Guests), [OK, NF, OK, NF, UA]),
                ],
                conv_cases(),
            ]
            .concat(),
        ),
        // Asking to join: whoever is in the workspace but cannot see the channel (a fresh
        // one of each kind, so that no earlier request is pending).
        row(
            "access/request",
            b!(|fx, st, a| match st {
                St::Other(_) => {
                    let name = fx.uniq("bos");
                    let ch = must(fx.client(Bo).add_channel(fx.ws(), &name, false, &[]).await, "Bo's channel");
                    json!({"channel_id": ch.id.0, "note": "please"})
                }
                _ => json!({"channel_id": fx.fresh_chan(st.ch(), &[]).await, "note": "please"}),
            }),
            &[
                (St::Other("a private channel of Bo's alone"), [OK, BR, OK, NF, UA]),
                (St::In(Public), [BR, BR, OK, NF, UA]),
                (St::In(Private), [BR, OK, OK, NF, UA]),
                (St::In(Guests), [BR, OK, BR, NF, UA]),
                (St::In(Archived), [BR, BR, BR, NF, UA]),
            ],
        ),
        // Deciding: admins, and members who may add people (not guests); a fresh request
        // each time, by someone outside the channel.
        row("access/approve", b!(|fx, st, a| json!({"id": fx.fresh_access_request(st.ch()).await})), &deciding()),
        row("access/deny", b!(|fx, st, a| json!({"id": fx.fresh_access_request(st.ch()).await})), &deciding()),
        row("access/get_requests", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        // ---- deciding in writing ----
        // The thread's author (the channel's creator here, and no DRI) or an admin, who
        // see it and may post there.
        row(
            "comments/mark_decision",
            b!(|fx, st, a| json!({"id": fx.fresh_comment(st.ch(), st.ch().creator()).await})),
            &deciding_threads(),
        ),
        row(
            "comments/unmark_decision",
            b!(|fx, st, a| json!({"id": fx.fresh_decision(st.ch()).await})),
            &deciding_threads(),
        ),
        row("decisions/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        // Analytics: admins the workspace's, others their own (the default).
        row(
            "analytics/get",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "from": START - 86_400, "to": START + 86_400})),
            ws,
        ),
        row(
            "analytics/export",
            b!(|fx, st, a| json!({"workspace_id": fx.ws(), "from": START - 86_400, "to": START + 86_400})),
            ws,
        ),
        row("decisions/export", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "format": "csv"})), ws),
        // Planned in #general (the default channel), with Sam: the guest does not see it.
        row(
            "meetings/add",
            b!(|fx, st, a| {
                let at = weft_core::Clock::now(&*fx.t.app.clock) + 86_400;
                json!({"workspace_id": fx.ws(), "title": "Sync", "reason": "crisis", "attendee_ids": [fx.sam],
                    "starts_ts": at, "duration_min": 15, "agenda": "What broke"})
            }),
            // The guest does not see the default channel: they must name one.
            &[(St::Ws, [OK, OK, BR, NF, UA])],
        ),
        row("meetings/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row(
            "meetings/getone",
            b!(|fx, st, a| json!({"id": fx.fresh_meeting().await})),
            &[(St::Other(ANAS_MEETING), [OK, OK, NF, NF, UA])],
        ),
        row(
            "meetings/ics",
            b!(|fx, st, a| json!({"id": fx.fresh_meeting().await})),
            &[(St::Other(ANAS_MEETING), [OK, OK, NF, NF, UA])],
        ),
        row(
            "meetings/post_outcomes",
            b!(|fx, st, a| json!({"id": fx.started_meeting().await, "content": "Settled"})),
            &[(St::Other(STARTED), [OK, FB, NF, NF, UA])],
        ),
        row(
            "meetings/cancel",
            b!(|fx, st, a| json!({"id": fx.fresh_meeting().await})),
            &[(St::Other(ANAS_MEETING), [OK, FB, NF, NF, UA])],
        ),
        // ---- scheduled posts: their author's alone ----
        row("scheduled/get", b!(|fx, st, a| json!({"workspace_id": fx.ws()})), ws),
        row(
            "scheduled/update",
            b!(|fx, st, a| json!({"id": fx.fresh_scheduled().await, "content": "edited"})),
            &[(St::Other("a post Ana scheduled in a public channel"), [OK, NF, NF, NF, UA])],
        ),
        row(
            "scheduled/cancel",
            b!(|fx, st, a| json!({"id": fx.fresh_scheduled().await})),
            &[(St::Other("a post Ana scheduled in a public channel"), [OK, NF, NF, NF, UA])],
        ),
        // ---- reply expectations: only their two sides see them ----
        row("expectations/get", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "role": "waiting"})), ws),
        row(
            "expectations/preview",
            b!(|fx, st, a| {
                // Someone other than the caller (nobody asks themselves).
                let other = if a == Ana { fx.t.bo_id } else { fx.t.ana_id };
                match st {
                    St::Conv(cv) => {
                        let other = if a == Bo && cv == BoGus { fx.t.gus_id } else { other };
                        json!({"conversation_id": fx.conv(cv), "user_ids": [other]})
                    }
                    _ => json!({"channel_id": fx.chan(st.ch()), "user_ids": [other]}),
                }
            }),
            &[sight(), conv_cases()].concat(),
        ),
        // One asks the other in a public thread: the one asked resolves, the asker
        // withdraws, nobody else sees it.
        row(
            "expectations/resolve",
            b!(|fx, st, a| json!({"id": fx.fresh_expectation(st).await, "resolution": "no_reply_needed"})),
            &[(St::Other(ANA_ASKS_BO), [FB, OK, NF, NF, UA]), (St::Other(BO_ASKS_ANA), [OK, FB, NF, NF, UA])],
        ),
        row(
            "expectations/withdraw",
            b!(|fx, st, a| json!({"id": fx.fresh_expectation(st).await})),
            &[(St::Other(ANA_ASKS_BO), [OK, FB, NF, NF, UA]), (St::Other(BO_ASKS_ANA), [FB, OK, NF, NF, UA])],
        ),
        // ---- schedules ----
        row("schedules/get", b!(|fx, st, a| json!({})), &[(St::Ws, SIGNED_IN)]),
        row("schedules/update", b!(|fx, st, a| json!({"delivery": "daily"})), &[(St::Ws, SIGNED_IN)]),
        row("availability/get", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "user_ids": [fx.t.bo_id]})), ws),
        // ---- markdown ----
        row("markdown/render", b!(|fx, st, a| json!({"texts": ["**hi**"]})), &[(St::Ws, SIGNED_IN)]),
        // ---- search ----
        row("search", b!(|fx, st, a| json!({"workspace_id": fx.ws(), "query": "shared"})), ws),
        row("search/thread", b!(|fx, st, a| json!({"thread_id": fx.thread(st.ch()), "query": "shared"})), &sight()),
        row(
            "search/conversation",
            b!(|fx, st, a| json!({"conversation_id": fx.conv(st.cv()), "query": "hello"})),
            &conv_cases(),
        ),
    ]
}

/// Who has a thread "for everyone in the channel" in their inbox: the channel's members.
/// Ana can see Bo's public channel but is not in it, so the thread is not in her inbox.
fn inbox_sight() -> Vec<(St, [Out; 5])> {
    vec![
        (St::In(Public), [OK, OK, NF, NF, UA]),
        (St::In(Private), [OK, NF, NF, NF, UA]),
        (St::In(Guests), [OK, NF, OK, NF, UA]),
        (St::In(Archived), [OK, OK, OK, NF, UA]),
        (St::In(ByBo), [BR, OK, OK, NF, UA]),
    ]
}

/// Who adds people to a channel: its managers and its members who are not guests; nobody
/// while it is archived.
fn adding() -> Vec<(St, [Out; 5])> {
    vec![
        (St::In(Public), [OK, OK, NF, NF, UA]),
        (St::In(Private), [OK, NF, NF, NF, UA]),
        (St::In(Guests), [OK, NF, FB, NF, UA]),
        (St::In(Archived), [FB, FB, FB, NF, UA]),
        (St::In(ByBo), [OK, OK, FB, NF, UA]),
        // Bo sees this public channel but is not in it.
        (St::In(Open), [OK, FB, NF, NF, UA]),
    ]
}

/// Who edits or removes a direct message: only its author.
fn messages() -> Vec<(St, [Out; 5])> {
    vec![
        (St::MsgBy(AnaBo, Ana), [OK, FB, NF, NF, UA]),
        (St::MsgBy(AnaBo, Bo), [FB, OK, NF, NF, UA]),
        (St::MsgBy(BoGus, Gus), [NF, FB, OK, NF, UA]),
    ]
}

fn outcome_of(status: u16) -> Option<Out> {
    [Out::Ok, Out::NotFound, Out::Forbidden, Out::Unauthorized, Out::BadRequest]
        .into_iter()
        .find(|o| o.status() == status)
}

/// The first sub-request's answer of a batch.
fn batch_inner(body: &Value) -> (u16, Value) {
    let first = &body[0];
    let code = first["code"].as_u64().unwrap_or(0) as u16;
    let inner = first["body"].as_str().and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
    (code, inner)
}

/// The parameter naming the resource of a request, to replace by a missing id.
fn primary_key(params: &Value, body: &Value) -> Option<&'static str> {
    // A "not found" about something named in a list (people, channels, groups) is probed
    // with one that does not exist.
    let listed: &[&'static str] = match body["error_code"].as_i64() {
        Some(106) => &["user_ids", "user_id"],
        Some(107) => &["channel_ids", "to_channel"],
        Some(119) => &["groups", "default_groups", "direct_group_mentions"],
        Some(124) => &["conversation_ids"],
        _ => &[],
    };
    if let Some(key) = listed.iter().copied().find(|k| params.get(*k).is_some()) {
        return Some(key);
    }
    ["id", "thread_id", "comment_id", "message_id", "conversation_id", "channel_id", "workspace_id"]
        .into_iter()
        .find(|k| params.get(*k).is_some_and(Value::is_i64))
}

/// An error body without its (random) uuid.
pub fn without_uuid(body: &Value) -> Value {
    let mut b = body.clone();
    if let Some(o) = b.as_object_mut() {
        o.remove("error_uuid");
    }
    b
}

/// Checks the error shape `{error_code, error_string, error_uuid, error_extra}`.
pub fn error_shape_problem(body: &Value) -> Option<String> {
    let ok = body["error_code"].is_i64()
        && body["error_string"].is_string()
        && body["error_uuid"].is_string()
        && body["error_extra"].is_object();
    (!ok).then(|| format!("not an error body: {body}"))
}

both_backends! {
async fn every_endpoint_answers_each_caller_as_the_access_rules_say(backend: Backend) {
    let api = Api::new();
    let rows = rows();

    // Every endpoint has exactly one row, and every row an endpoint.
    let paths: HashSet<&str> = api.endpoints.iter().map(|e| e.path).collect();
    let mut seen = HashSet::new();
    for r in &rows {
        assert!(paths.contains(r.path), "the matrix has a row for {}, which is not in the route table", r.path);
        assert!(seen.insert(r.path), "two rows for {}", r.path);
        assert!(!r.cases.is_empty(), "the row of {} has no cases", r.path);
    }
    let missing: Vec<&str> = api.endpoints.iter().map(|e| e.path).filter(|p| !seen.contains(p)).collect();
    assert!(missing.is_empty(), "endpoints without a row in the authorization matrix: {missing:?}");

    let fx = Arc::new(Fx::new(backend).await);
    let mut failures = Vec::new();
    let mut probed: HashMap<&str, usize> = HashMap::new();
    let mut cells = 0;
    for row in &rows {
        let endpoint = api.find(row.path).unwrap();
        for (st, expected) in &row.cases {
            for (actor, want) in ACTORS.iter().copied().zip(expected.iter().copied()) {
                cells += 1;
                let req = (row.build)(fx.clone(), *st, actor).await;
                let client = req.client.clone().unwrap_or_else(|| fx.client(actor));
                let send = |params: Value| {
                    let client = client.clone();
                    async move {
                        let (status, body) = call(&client, endpoint.verb, row.path, &params).await;
                        if row.batch && status == 200 { batch_inner(&body) } else { (status, body) }
                    }
                };
                let (status, body) = send(req.params.clone()).await;
                let at = format!("{} {:?} as {:?} with {}", row.path, st, actor, req.params);
                if outcome_of(status) != Some(want) {
                    failures.push(format!("{at}: expected {want:?} ({}), got {status} {body}", want.status()));
                } else if status != 200
                    && let Some(problem) = error_shape_problem(&body)
                {
                    failures.push(format!("{at}: {problem}"));
                }
                if want == NF && status == 404 {
                    // A hidden thing and a missing one must be indistinguishable.
                    if let Some(key) = primary_key(&req.params, &body) {
                        let mut params = req.params.clone();
                        params[key] = if params[key].is_array() { json!([MISSING]) } else { json!(MISSING) };
                        let (s2, b2) = send(params).await;
                        *probed.entry(row.path).or_default() += 1;
                        if s2 != status || without_uuid(&b2) != without_uuid(&body) {
                            failures.push(format!(
                                "{at}: LEAK: a hidden resource answers {status} {body}, a missing one ({key}={MISSING}) {s2} {b2}"
                            ));
                        }
                    }
                }
                if row.relogin {
                    fx.relogin(actor).await;
                }
            }
        }
    }
    for path in ["threads/getone", "comments/getone", "channels/getone", "conversations/getone"] {
        assert!(probed.get(path).copied().unwrap_or(0) >= 3, "{path}: hidden-vs-missing was not compared: {probed:?}");
    }
    assert!(failures.is_empty(), "{} of {cells} cells of the matrix failed:\n{}", failures.len(), failures.join("\n"));
    Arc::try_unwrap(fx).ok().expect("no builder holds the fixture").t.app.stop().await;
}
}

// The bodies, not only the statuses, of hidden and missing threads and comments are the
// same but for `error_uuid`.
both_backends! {
async fn hidden_threads_and_comments_look_exactly_like_missing_ones(backend: Backend) {
    let t = Team::on(backend).await;
    let private = t.ana.add_thread(t.private, "Salaries", "secret").await.unwrap();
    let private_comment = t.ana.add_comment(private.id.0, "more secrets").await.unwrap();
    let public = t.ana.add_thread(t.general, "Hello", "all").await.unwrap();
    let public_comment = t.ana.add_comment(public.id.0, "hi").await.unwrap();
    let get = |c: &Client, path: &'static str, id: i64| {
        let c = c.clone();
        async move { call(&c, Verb::Get, path, &json!({"id": id})).await }
    };
    // (caller, endpoint, id of something that exists but the caller may not see)
    let cases = [
        (&t.bo, "threads/getone", private.id.0),
        (&t.gus, "threads/getone", private.id.0),
        (&t.gus, "threads/getone", public.id.0),
        (&t.oz, "threads/getone", public.id.0),
        (&t.bo, "comments/getone", private_comment.id.0),
        (&t.gus, "comments/getone", public_comment.id.0),
        (&t.oz, "comments/getone", public_comment.id.0),
        (&t.bo, "channels/getone", t.private),
        (&t.gus, "channels/getone", t.general),
        (&t.oz, "channels/getone", t.general),
    ];
    for (who, path, hidden) in cases {
        let (s1, b1) = get(who, path, hidden).await;
        let (s2, b2) = get(who, path, MISSING).await;
        assert_eq!(s1, 404, "{path} {hidden}: {b1}");
        assert_eq!((s1, without_uuid(&b1)), (s2, without_uuid(&b2)), "{path}: hidden {hidden} vs missing");
        assert_ne!(b1["error_uuid"], b2["error_uuid"], "each error has its own uuid");
    }
    // The owner sees them.
    assert_eq!(get(&t.ana, "threads/getone", private.id.0).await.0, 200);
    assert_eq!(get(&t.ana, "comments/getone", private_comment.id.0).await.0, 200);
    t.app.stop().await;
}
}

// Lists hold only what the caller may see: guests only their channels, conversations
// only their participants.
both_backends! {
async fn lists_hold_only_what_the_caller_may_see(backend: Backend) {
    let fx = Fx::new(backend).await;
    let ids = |v: &Value, key: &str| -> HashSet<i64> {
        v.as_array().unwrap_or_else(|| panic!("not a list: {v}")).iter().map(|x| x[key].as_i64().unwrap()).collect()
    };
    let get = |a: Actor, path: &'static str, params: Value| {
        let c = fx.client(a);
        async move { must(c.get(path, params).await, path) }
    };
    let ws = fx.ws();
    let everything: HashSet<i64> = ids(&get(Ana, "channels/get", json!({"workspace_id": ws})).await, "id");
    for ch in [Public, Private, Guests, Archived] {
        assert!(everything.contains(&fx.chan(ch)), "Ana sees {ch:?}");
    }
    // Ana is not in Bo's public channel but, as a member, sees it.
    assert!(everything.contains(&fx.chan(ByBo)));

    let bo = ids(&get(Bo, "channels/get", json!({"workspace_id": ws})).await, "id");
    assert!(bo.contains(&fx.chan(Public)) && bo.contains(&fx.chan(ByBo)) && bo.contains(&fx.chan(Archived)));
    assert!(!bo.contains(&fx.chan(Private)) && !bo.contains(&fx.chan(Guests)), "Bo sees private channels: {bo:?}");

    // Gus sees exactly the channels he is in.
    let gus = ids(&get(Gus, "channels/get", json!({"workspace_id": ws})).await, "id");
    let expected: HashSet<i64> = [Guests, Archived, ByBo].iter().map(|c| fx.chan(*c)).chain([fx.target]).collect();
    assert_eq!(gus, expected, "a guest sees only the channels he is in");
    let gus_public = ids(&get(Gus, "workspaces/get_public_channels", json!({"id": ws})).await, "id");
    assert!(gus_public.iter().all(|c| expected.contains(c)), "{gus_public:?}");
    assert!(!gus_public.contains(&fx.chan(Public)));

    // Threads of the workspace: only those of visible channels.
    let threads = |a: Actor| get(a, "threads/get", json!({"workspace_id": ws, "limit": 500}));
    let bo_threads = ids(&threads(Bo).await, "id");
    assert!(bo_threads.contains(&fx.thread(Public)));
    assert!(!bo_threads.contains(&fx.thread(Private)) && !bo_threads.contains(&fx.thread(Guests)));
    let gus_threads = ids(&threads(Gus).await, "id");
    assert!(gus_threads.contains(&fx.thread(Guests)));
    assert!(!gus_threads.contains(&fx.thread(Public)) && !gus_threads.contains(&fx.thread(Private)));

    // Conversations: only one's own, even for an admin.
    let convs = |a: Actor| get(a, "conversations/get", json!({"workspace_id": ws}));
    let ana_convs = ids(&convs(Ana).await, "id");
    assert!(ana_convs.contains(&fx.conv(AnaBo)) && !ana_convs.contains(&fx.conv(BoGus)));
    let gus_convs = ids(&convs(Gus).await, "id");
    assert!(gus_convs.contains(&fx.conv(BoGus)) && !gus_convs.contains(&fx.conv(AnaBo)));
    let bo_convs = ids(&convs(Bo).await, "id");
    assert!(bo_convs.contains(&fx.conv(BoGus)) && bo_convs.contains(&fx.conv(AnaBo)));

    // The outsider's own workspace lists show nothing of the team's.
    let oz_ws = ids(&get(Oz, "workspaces/get", json!({})).await, "id");
    assert_eq!(oz_ws, HashSet::from([fx.t.other_ws]));
    fx.t.app.stop().await;
}
}
