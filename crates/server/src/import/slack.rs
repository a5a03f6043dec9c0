//! `weft admin import slack`: a standard Slack export (zip) into a workspace.
//!
//! Two phases. First the whole archive is read and checked (names, sizes, every JSON
//! file), so a hostile or broken archive is refused before anything is written. Then it is
//! written in batches: people, channels, conversations, then posts — many per write job,
//! each job recording in `import_map` what it wrote, so a rerun (or a run restarted after
//! being killed) skips what is done. Old posts go through `Imports`, not the post path: no
//! inbox rows, notifications, pushes, email or events (ARCHITECTURE.md, "Importing from
//! Slack").

use super::archive::{self, Limits};
use super::mrkdwn::{self, Names};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use weft_core::model::UserType;
use weft_core::services::threads::preview;
use weft_core::store::{
    ImportMapping, ImportedPost, ImportedThread, Membership, NewChannel, NewConversation, NewUser, Store, Tx,
};
use weft_core::{ChannelId, ConversationId, Error, UserId, WorkspaceId};

const SOURCE: &str = "slack";
/// Posts per write job: big enough that a commit's cost is shared, small enough that a
/// running server's other writers wait little.
pub const BATCH_POSTS: usize = 2000;
const TITLE_CHARS: usize = 80;

#[derive(Debug, Clone)]
pub struct Options {
    pub workspace: WorkspaceId,
    pub limits: Limits,
    pub batch_posts: usize,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Stop (as if killed) after this many batches of posts: for the resume test.
    pub stop_after_batches: Option<usize>,
    /// The server's `--public-url`, for the links of imported files (None: paths).
    pub public_url: Option<String>,
}

impl Options {
    pub fn new(workspace: WorkspaceId) -> Self {
        Options {
            workspace,
            limits: Limits::default(),
            batch_posts: BATCH_POSTS,
            progress: false,
            stop_after_batches: None,
            public_url: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub users_matched: usize,
    pub users_created: usize,
    pub channels: usize,
    pub conversations: usize,
    pub threads: usize,
    pub comments: usize,
    pub messages: usize,
    pub reactions: usize,
    pub files_linked: usize,
    /// Files whose bytes the archive held, imported as attachments.
    pub files_attached: usize,
    /// Why things were not imported, and how many.
    pub skipped: BTreeMap<String, usize>,
    /// Emails of the people created, who get in through an invitation.
    pub invited: Vec<String>,
    /// Stopped early (`stop_after_batches`).
    pub stopped: bool,
}

impl Summary {
    fn skip(&mut self, why: &str, n: usize) {
        if n > 0 {
            *self.skipped.entry(why.to_string()).or_default() += n;
        }
    }
}

// ---------------------------------------------------------------- the export's JSON

#[derive(Debug, Deserialize, Default)]
struct SUser {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    real_name: Option<String>,
    #[serde(default)]
    deleted: bool,
    #[serde(default)]
    is_bot: bool,
    #[serde(default)]
    profile: SProfile,
}

#[derive(Debug, Deserialize, Default)]
struct SProfile {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    real_name: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SChannel {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    created: i64,
    #[serde(default)]
    creator: Option<String>,
    #[serde(default)]
    is_archived: bool,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    topic: Option<SText>,
    #[serde(default)]
    purpose: Option<SText>,
}

#[derive(Debug, Deserialize)]
struct SText {
    #[serde(default)]
    value: String,
}

#[derive(Debug, Deserialize, Clone)]
struct SMessage {
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    bot_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    ts: Option<String>,
    #[serde(default)]
    thread_ts: Option<String>,
    #[serde(default)]
    edited: Option<SEdited>,
    #[serde(default)]
    reactions: Vec<SReaction>,
    #[serde(default)]
    files: Vec<SFile>,
    #[serde(default)]
    attachments: Vec<SAttachment>,
    #[serde(default)]
    bot_profile: Option<SBotProfile>,
}

#[derive(Debug, Deserialize, Clone)]
struct SEdited {
    #[serde(default)]
    ts: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
struct SReaction {
    name: String,
    #[serde(default)]
    users: Vec<String>,
}

#[derive(Debug, Deserialize, Clone)]
struct SFile {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    mimetype: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    url_private: Option<String>,
    #[serde(default)]
    permalink: Option<String>,
    #[serde(default)]
    mode: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
struct SAttachment {
    #[serde(default)]
    fallback: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
struct SBotProfile {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Public,
    Private,
    GroupDm,
    Dm,
}

/// A channel, private channel, group DM or DM of the export, with its messages by day.
struct Place {
    kind: Kind,
    channel: SChannel,
    days: BTreeMap<String, Vec<SMessage>>,
}

impl Place {
    fn folder(&self) -> String {
        match self.kind {
            Kind::Dm => self.channel.id.clone(),
            _ => self.channel.name.clone().unwrap_or_else(|| self.channel.id.clone()),
        }
    }
}

/// The whole export, read and checked.
struct Export {
    users: Vec<SUser>,
    places: Vec<Place>,
    skipped: BTreeMap<String, usize>,
    /// Files' bytes the archive holds, by Slack file id.
    files: HashMap<String, Vec<u8>>,
}

/// Whether `s` looks like a Slack file id (`F` and capitals or digits).
fn is_file_id(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('F') && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| archive::refuse(format!("{name} is not valid export JSON ({e})")))
}

/// Phase one: reads and checks everything.
fn read_export(path: &Path, limits: &Limits) -> Result<Export, String> {
    let mut users = None;
    let mut lists: Vec<(Kind, Vec<SChannel>)> = Vec::new();
    let mut folders: HashMap<String, BTreeMap<String, Vec<SMessage>>> = HashMap::new();
    let mut skipped = BTreeMap::new();
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    archive::read_all(path, limits, |name, bytes| {
        // Slack puts the export in the archive's root; some tools wrap it in one folder.
        let parts: Vec<&str> = name.split('/').collect();
        match parts.as_slice() {
            // Enterprise Grid names the people's list org_users.json.
            ["users.json" | "org_users.json"] => users = Some(parse::<Vec<SUser>>(name, &bytes)?),
            ["channels.json"] => lists.push((Kind::Public, parse(name, &bytes)?)),
            ["groups.json"] => lists.push((Kind::Private, parse(name, &bytes)?)),
            ["mpims.json"] => lists.push((Kind::GroupDm, parse(name, &bytes)?)),
            ["dms.json"] => lists.push((Kind::Dm, parse(name, &bytes)?)),
            [folder, day] if day.ends_with(".json") && !folder.starts_with("__MACOSX") => {
                let messages: Vec<SMessage> = parse(name, &bytes)?;
                let day = day.trim_end_matches(".json").to_string();
                folders.entry(folder.to_string()).or_default().insert(day, messages);
            }
            // A file's bytes, as tools that download them lay them out (`__uploads/<id>/<name>`):
            // any entry whose folder is a Slack file id. The first one of an id counts.
            [_, .., id, file] if is_file_id(id) && !file.is_empty() && !files.contains_key(*id) => {
                files.insert(id.to_string(), bytes);
            }
            _ => {
                let why = "files of the archive not imported (integration logs, canvases, content flags, others)";
                *skipped.entry(why.to_string()).or_default() += 1
            }
        }
        Ok(())
    })?;
    let users = users.ok_or_else(|| archive::refuse("it has no users.json: is it a Slack export?"))?;
    if lists.is_empty() {
        return Err(archive::refuse("it has no channels.json: is it a Slack export?"));
    }
    let mut places = Vec::new();
    for (kind, channels) in lists {
        for channel in channels {
            let mut place = Place { kind, channel, days: BTreeMap::new() };
            place.days = folders.remove(&place.folder()).unwrap_or_default();
            places.push(place);
        }
    }
    let orphan: usize = folders.values().map(|d| d.values().map(Vec::len).sum::<usize>()).sum();
    if orphan > 0 {
        skipped.insert("messages in folders no channel or conversation of the export names".to_string(), orphan);
    }
    Ok(Export { users, places, skipped, files })
}

// ---------------------------------------------------------------- timestamps and titles

/// Slack's `ts` ("1700000000.000100") as seconds and an order key.
fn ts_of(ts: &str) -> Option<(i64, i64)> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, "0"));
    let secs: i64 = secs.parse().ok()?;
    let micros: i64 = format!("{:0<6}", &frac[..frac.len().min(6)]).parse().ok()?;
    (secs >= 0).then_some((secs, secs * 1_000_000 + micros))
}

/// A title from a post: its text on one line, cut at a word near `TITLE_CHARS`.
fn title_of(content: &str, fallback: &str) -> String {
    let plain: String =
        weft_core::text::plain_text(content).chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    if plain.is_empty() {
        return fallback.to_string();
    }
    if plain.chars().count() <= TITLE_CHARS {
        return plain;
    }
    let cut: String = plain.chars().take(TITLE_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > TITLE_CHARS / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

// ---------------------------------------------------------------- people

/// Who wrote what: Slack user ids (and bot ids) → Weft users.
#[derive(Default)]
struct People {
    by_slack: HashMap<String, (UserId, String)>,
}

struct Person {
    key: String,
    name: String,
    email: Option<String>,
    bot: bool,
    deleted: bool,
}

fn people_of(export: &Export, ws: WorkspaceId) -> Vec<Person> {
    let mut out = Vec::new();
    let mut known = HashSet::new();
    for u in &export.users {
        let name = [u.profile.real_name.as_deref(), u.real_name.as_deref(), u.profile.display_name.as_deref()]
            .into_iter()
            .flatten()
            .find(|n| !n.trim().is_empty())
            .unwrap_or(&u.name)
            .trim()
            .to_string();
        known.insert(u.id.clone());
        out.push(Person {
            key: u.id.clone(),
            name: if name.is_empty() { u.id.clone() } else { name },
            email: u.profile.email.clone().filter(|e| !e.trim().is_empty()),
            bot: u.is_bot,
            deleted: u.deleted,
        });
    }
    // Authors and reactors the export does not list (deleted long ago, other workspaces'
    // people, bots without a user): a stand-in each, so nothing loses its author.
    for place in &export.places {
        for m in place.days.values().flatten() {
            let mut extra: Vec<(String, String, bool)> = Vec::new();
            match (&m.user, &m.bot_id) {
                (Some(u), _) => extra.push((u.clone(), format!("Slack user {u}"), false)),
                (None, Some(b)) => {
                    let name = m
                        .bot_profile
                        .as_ref()
                        .and_then(|p| p.name.clone())
                        .or_else(|| m.username.clone())
                        .unwrap_or_else(|| format!("Slack bot {b}"));
                    extra.push((b.clone(), name, true))
                }
                _ => {}
            }
            for r in &m.reactions {
                extra.extend(r.users.iter().map(|u| (u.clone(), format!("Slack user {u}"), false)));
            }
            for (key, name, bot) in extra {
                if known.insert(key.clone()) {
                    out.push(Person { key, name, email: None, bot, deleted: !bot });
                }
            }
        }
    }
    let _ = ws;
    out
}

fn stand_in_email(ws: WorkspaceId, key: &str) -> String {
    format!("slack-{}-{}@import.invalid", ws.0, key.to_lowercase())
}

// ---------------------------------------------------------------- writing

struct Unit {
    kind: &'static str,
    external_id: String,
    what: UnitData,
}

enum UnitData {
    Thread(ImportedThread),
    Messages { conversation: ConversationId, posts: Vec<ImportedPost>, snippet: String },
}

impl Unit {
    fn posts(&self) -> usize {
        match &self.what {
            UnitData::Thread(t) => t.posts.len(),
            UnitData::Messages { posts, .. } => posts.len(),
        }
    }
}

fn internal(e: Error) -> String {
    format!("cannot write to the database: {e}")
}

/// Imports the export at `path` into `opts.workspace`.
pub async fn import(
    store: Arc<dyn Store>,
    blobs: &crate::files::Files,
    path: &Path,
    opts: &Options,
) -> Result<Summary, String> {
    let (path_buf, limits) = (path.to_path_buf(), opts.limits);
    let mut export = tokio::task::spawn_blocking(move || read_export(&path_buf, &limits))
        .await
        .map_err(|e| format!("reading the archive failed: {e}"))??;
    let ws = opts.workspace;
    let mut summary = Summary { skipped: export.skipped.clone(), ..Summary::default() };

    let (workspace, done) =
        store.read(move |tx| Ok((tx.workspace(ws)?, tx.import_mappings(ws, SOURCE)?))).await.map_err(internal)?;
    let workspace = workspace.ok_or_else(|| format!("there is no workspace {}", ws.0))?;
    let mut done: HashMap<(String, String), i64> =
        done.into_iter().map(|m| ((m.kind, m.external_id), m.weft_id)).collect();
    let now = weft_core::Clock::now(&weft_core::SystemClock);

    // People, in one job.
    let persons = people_of(&export, ws);
    let todo: Vec<Person> =
        persons.into_iter().filter(|p| !done.contains_key(&("user".to_string(), p.key.clone()))).collect();
    let (written, matched, created, invited) =
        store.write(move |tx| write_people(tx, ws, &todo, now)).await.map_err(internal)?;
    summary.users_matched = matched;
    summary.users_created = created;
    summary.invited = invited;
    for (key, id) in written {
        done.insert(("user".into(), key), id);
    }
    let mut people = People::default();
    let ids: Vec<(String, UserId)> =
        done.iter().filter(|((k, _), _)| k == "user").map(|((_, e), id)| (e.clone(), UserId(*id))).collect();
    let users = store
        .read({
            let ids: Vec<UserId> = ids.iter().map(|(_, u)| *u).collect();
            move |tx| tx.users_by_ids(&ids)
        })
        .await
        .map_err(internal)?;
    let names: HashMap<UserId, String> = users.into_iter().map(|u| (u.id, u.name)).collect();
    for (key, id) in ids {
        let name = names.get(&id).cloned().unwrap_or_else(|| key.clone());
        people.by_slack.insert(key, (id, name));
    }
    let fallback_creator = workspace.creator;

    // Channels and conversations, a job each.
    let mut text_names = Names { workspace: ws, users: people.by_slack.clone(), ..Names::default() };
    let mut places: Vec<(Place, i64)> = Vec::new();
    for place in export.places {
        let kind = if matches!(place.kind, Kind::Public | Kind::Private) { "channel" } else { "conversation" };
        let key = (kind.to_string(), place.channel.id.clone());
        let id = match done.get(&key) {
            Some(id) => {
                summary.skip("channels and conversations imported before (new posts still go into them)", 1);
                *id
            }
            None => {
                if kind == "channel" {
                    summary.channels += 1;
                } else {
                    summary.conversations += 1;
                }
                let members: Vec<UserId> =
                    place.channel.members.iter().filter_map(|m| people.by_slack.get(m).map(|p| p.0)).collect();
                let creator = place
                    .channel
                    .creator
                    .as_ref()
                    .and_then(|c| people.by_slack.get(c).map(|p| p.0))
                    .unwrap_or(fallback_creator);
                let p = PlaceRow {
                    kind: place.kind,
                    id: place.channel.id.clone(),
                    name: place.channel.name.clone().unwrap_or_else(|| place.channel.id.clone()),
                    description: description(&place.channel),
                    archived: place.channel.is_archived,
                    created: if place.channel.created > 0 { place.channel.created } else { now },
                    creator,
                    members,
                };
                let id = store.write(move |tx| write_place(tx, ws, &p)).await.map_err(internal)?;
                done.insert(key, id);
                id
            }
        };
        if kind == "channel" {
            let name = place.channel.name.clone().unwrap_or_default();
            text_names.channels.insert(place.channel.id.clone(), (ChannelId(id), name));
        }
        places.push((place, id));
    }

    // Files the archive holds, into the blob store (before the rows that name them).
    let attached = store_files(&store, blobs, &mut export.files, &places, &people, ws, opts, now).await?;

    // Posts, in batches.
    let mut units = Vec::new();
    for (place, id) in &places {
        build_units(place, *id, ws, &text_names, &people, &attached, &done, &mut summary, &mut units);
    }
    let total: usize = units.iter().map(Unit::posts).sum();
    let bar = if opts.progress {
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} posts ({per_sec}, {eta} left) {msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut batches = 0;
    let mut units = units.into_iter().peekable();
    while units.peek().is_some() {
        if opts.stop_after_batches.is_some_and(|n| batches >= n) {
            summary.stopped = true;
            break;
        }
        let mut batch = Vec::new();
        let mut n = 0;
        while let Some(u) = units.next_if(|u| n == 0 || n + u.posts() <= opts.batch_posts) {
            n += u.posts();
            batch.push(u);
        }
        let written = store.write(move |tx| write_units(tx, ws, &batch)).await.map_err(internal)?;
        for (kind, posts, reactions) in written {
            match kind {
                "thread" => {
                    summary.threads += 1;
                    summary.comments += posts - 1;
                }
                _ => summary.messages += posts,
            }
            summary.reactions += reactions;
        }
        bar.inc(n as u64);
        batches += 1;
    }
    bar.finish_and_clear();
    Ok(summary)
}

/// The attachment a Slack file becomes: the same id on every run.
fn attachment_id(ws: WorkspaceId, file: &str) -> String {
    format!("slack-{}-{file}", ws.0)
}

/// Moves the files the archive holds, of the messages that will be posts, into the blob
/// store (as uploads do), and answers their records by Slack file id. A file imported
/// before keeps its record, and its blob is not written again.
#[allow(clippy::too_many_arguments)]
async fn store_files(
    store: &Arc<dyn Store>,
    blobs: &crate::files::Files,
    bytes: &mut HashMap<String, Vec<u8>>,
    places: &[(Place, i64)],
    people: &People,
    ws: WorkspaceId,
    opts: &Options,
    now: i64,
) -> Result<HashMap<String, weft_core::store::StoredAttachment>, String> {
    let base = opts.public_url.as_deref().map_or("", |u| u.trim_end_matches('/'));
    let mut out = HashMap::new();
    for (place, _) in places {
        for m in place.days.values().flatten() {
            let author = m.user.as_ref().or(m.bot_id.as_ref()).and_then(|k| people.by_slack.get(k)).map(|p| p.0);
            let Some(uploader) = author else { continue };
            for f in &m.files {
                let Some(fid) = f.id.as_deref() else { continue };
                if out.contains_key(fid) || matches!(f.mode.as_deref(), Some("tombstone" | "hidden_by_limit")) {
                    continue;
                }
                let Some(data) = bytes.remove(fid) else { continue };
                let id = attachment_id(ws, fid);
                let lookup = id.clone();
                let existing = store.read(move |tx| tx.attachment(&lookup)).await.map_err(internal)?;
                let record = match existing {
                    Some(a) => a,
                    None => {
                        let name = f.name.as_deref().or(f.title.as_deref()).unwrap_or("file");
                        let name = weft_core::input::file_name(name).unwrap_or_else(|_| "file".into());
                        let spooled = crate::files::spool_bytes(blobs, &data).await.map_err(internal)?;
                        crate::files::store_file(
                            blobs,
                            store,
                            spooled,
                            id,
                            name,
                            f.mimetype.as_deref(),
                            uploader,
                            base,
                            now,
                        )
                        .await
                        .map_err(internal)?
                    }
                };
                out.insert(fid.to_string(), record);
            }
        }
    }
    bytes.clear();
    Ok(out)
}

struct PlaceRow {
    kind: Kind,
    id: String,
    name: String,
    description: String,
    archived: bool,
    created: i64,
    creator: UserId,
    members: Vec<UserId>,
}

fn description(c: &SChannel) -> String {
    let purpose = c.purpose.as_ref().map(|p| p.value.trim()).unwrap_or_default();
    let topic = c.topic.as_ref().map(|t| t.value.trim()).unwrap_or_default();
    let text = match (purpose.is_empty(), topic.is_empty()) {
        (false, false) => format!("{purpose}\n\nTopic: {topic}"),
        (false, true) => purpose.to_string(),
        (true, false) => format!("Topic: {topic}"),
        (true, true) => String::new(),
    };
    text.chars().take(10_000).collect()
}

#[allow(clippy::type_complexity)]
fn write_people(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    people: &[Person],
    now: i64,
) -> weft_core::Result<(Vec<(String, i64)>, usize, usize, Vec<String>)> {
    let (mut out, mut matched, mut created, mut invited) = (Vec::new(), 0, 0, Vec::new());
    for p in people {
        let email = p
            .email
            .as_deref()
            .and_then(|e| weft_core::input::Email::parse(e).ok())
            .map(|e| e.into_inner())
            .unwrap_or_else(|| stand_in_email(ws, &p.key));
        let existing = tx.user_by_email(&email)?.filter(|u| !u.removed);
        let id = match existing {
            Some(u) => {
                matched += 1;
                u.id
            }
            None => {
                created += 1;
                let name: String = p.name.chars().filter(|c| !c.is_control()).take(200).collect();
                // No password: an account that cannot sign in until its invitation sets one.
                tx.insert_user(&NewUser {
                    email: email.clone(),
                    name,
                    password_hash: String::new(),
                    timezone: weft_core::services::users::DEFAULT_TIMEZONE.to_string(),
                    bot: p.bot,
                    now,
                })?
            }
        };
        if tx.membership(ws, id)?.is_none() {
            // Bots are members at once (nobody accepts for them); people who left Slack are
            // former members; everyone else is invited.
            let m = Membership {
                user_type: UserType::User,
                removed: p.deleted && !p.bot,
                pending: !p.bot && !p.deleted,
                deactivated: false,
            };
            tx.put_membership(ws, id, m, now)?;
            if m.pending {
                invited.push(email.clone());
            }
        }
        tx.put_import_mapping(
            ws,
            SOURCE,
            &ImportMapping { kind: "user".into(), external_id: p.key.clone(), weft_id: id.0 },
        )?;
        out.push((p.key.clone(), id.0));
    }
    Ok((out, matched, created, invited))
}

fn write_place(tx: &mut dyn Tx, ws: WorkspaceId, p: &PlaceRow) -> weft_core::Result<i64> {
    let (kind, id) = match p.kind {
        Kind::Public | Kind::Private => {
            let name: String = p.name.chars().filter(|c| !c.is_control()).take(200).collect();
            let id = tx.insert_channel(&NewChannel {
                description: p.description.clone(),
                ..NewChannel::plain(ws, p.creator, name, p.kind == Kind::Public, p.created)
            })?;
            let mut members = p.members.clone();
            members.push(p.creator);
            members.sort_unstable();
            members.dedup();
            tx.add_channel_members(id, &members)?;
            if p.archived
                && let Some(mut ch) = tx.channel(id, p.creator)?
            {
                ch.archived = true;
                tx.update_channel(&ch)?;
            }
            ("channel", id.0)
        }
        Kind::GroupDm | Kind::Dm => {
            let mut members = p.members.clone();
            members.sort_unstable();
            members.dedup();
            if members.is_empty() {
                members.push(p.creator);
            }
            let key = members.iter().map(|u| u.0.to_string()).collect::<Vec<_>>().join(",");
            // The same people's conversation, if they already have one here.
            let id = match tx.conversation_by_key(ws, &key)? {
                Some(id) => id,
                None => tx.insert_conversation(&NewConversation {
                    workspace_id: ws,
                    creator: members[0],
                    user_ids: members.clone(),
                    title: None,
                    private: true,
                    key: Some(key),
                    now: p.created,
                })?,
            };
            ("conversation", id.0)
        }
    };
    tx.put_import_mapping(ws, SOURCE, &ImportMapping { kind: kind.into(), external_id: p.id.clone(), weft_id: id })?;
    Ok(id)
}

fn write_units(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    units: &[Unit],
) -> weft_core::Result<Vec<(&'static str, usize, usize)>> {
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let all: &[ImportedPost] = match &u.what {
            UnitData::Thread(t) => &t.posts,
            UnitData::Messages { posts, .. } => posts,
        };
        // The records of the files the posts carry, in the same transaction as the posts.
        for a in all.iter().flat_map(|p| &p.attachments) {
            if tx.attachment(&a.attachment_id)?.is_none() {
                let mut claimed = vec![a.sha256.clone()];
                claimed.extend(a.thumbnail_sha256.clone());
                tx.claim_blobs(&claimed, a.uploaded_ts)?;
                tx.put_attachment(a)?;
            }
        }
        let (id, posts) = match &u.what {
            UnitData::Thread(t) => (tx.import_thread(t)?.0, &t.posts),
            UnitData::Messages { conversation, posts, snippet } => {
                tx.import_messages(ws, *conversation, posts, snippet)?;
                (conversation.0, posts)
            }
        };
        let reactions = posts.iter().map(|p| p.reactions.iter().map(|r| r.1.len()).sum::<usize>()).sum();
        tx.put_import_mapping(
            ws,
            SOURCE,
            &ImportMapping { kind: u.kind.into(), external_id: u.external_id.clone(), weft_id: id },
        )?;
        out.push((u.kind, posts.len(), reactions));
    }
    Ok(out)
}

/// The files imported as attachments, by Slack file id.
type Attached = HashMap<String, weft_core::store::StoredAttachment>;

/// Subtypes that say someone joined or left: membership comes from the channel lists.
const MEMBERSHIP_SUBTYPES: &[&str] = &["channel_join", "channel_leave", "group_join", "group_leave"];
/// Subtypes that are Slack's own notes (shown in italics, by whoever caused them).
const SYSTEM_SUBTYPES: &[&str] = &[
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "channel_unarchive",
    "group_topic",
    "group_purpose",
    "group_name",
    "group_archive",
    "group_unarchive",
    "pinned_item",
    "unpinned_item",
];

/// One Slack message as a post, or why it is skipped.
fn post_of(
    m: &SMessage,
    names: &Names,
    people: &People,
    attached: &Attached,
    summary: &mut Summary,
) -> Option<(i64, ImportedPost)> {
    let subtype = m.subtype.as_deref().unwrap_or("");
    if MEMBERSHIP_SUBTYPES.contains(&subtype) {
        summary.skip("join and leave messages (membership comes from the channel lists)", 1);
        return None;
    }
    if matches!(subtype, "tombstone" | "message_deleted") {
        summary.skip("deleted messages", 1);
        return None;
    }
    let Some((secs, order)) = m.ts.as_deref().and_then(ts_of) else {
        summary.skip("messages without a valid ts", 1);
        return None;
    };
    let author = m.user.as_ref().or(m.bot_id.as_ref()).and_then(|k| people.by_slack.get(k)).map(|p| p.0);
    let Some(creator) = author else {
        summary.skip("messages without an author", 1);
        return None;
    };
    let mut text = mrkdwn::convert(&m.text, names);
    if text.is_empty() {
        let fallbacks: Vec<String> = m
            .attachments
            .iter()
            .filter_map(|a| a.fallback.as_deref())
            .map(|f| mrkdwn::convert(f, names))
            .filter(|f| !f.is_empty())
            .collect();
        text = fallbacks.join("\n\n");
    }
    if SYSTEM_SUBTYPES.contains(&subtype) && !text.is_empty() {
        text = format!("_{}_", text.replace('_', "\\_"));
    }
    let mut attachments: Vec<weft_core::store::StoredAttachment> = Vec::new();
    for f in &m.files {
        if matches!(f.mode.as_deref(), Some("tombstone" | "hidden_by_limit")) {
            summary.skip("files Slack no longer had (deleted or past the plan's limit)", 1);
            continue;
        }
        if let Some(a) = f.id.as_deref().and_then(|id| attached.get(id)) {
            if !attachments.iter().any(|b| b.attachment_id == a.attachment_id) {
                attachments.push(a.clone());
                summary.files_attached += 1;
            }
            continue;
        }
        let Some(url) = f.url_private.as_ref().or(f.permalink.as_ref()) else {
            summary.skip("files without an address", 1);
            continue;
        };
        let label = f.name.as_ref().or(f.title.as_ref()).cloned().unwrap_or_else(|| "file".into());
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("📎 [{}]({})", label.replace('[', "\\[").replace(']', "\\]"), url.replace(')', "%29")));
        summary.files_linked += 1;
    }
    if text.trim().is_empty() && attachments.is_empty() {
        summary.skip("messages with no text or files", 1);
        return None;
    }
    let mut reactions = Vec::new();
    for r in &m.reactions {
        match mrkdwn::emoji(&r.name) {
            Some(e) => {
                let users: Vec<UserId> = r.users.iter().filter_map(|u| people.by_slack.get(u).map(|p| p.0)).collect();
                if !users.is_empty() {
                    reactions.push((e.to_string(), users));
                }
            }
            None => summary.skip("reactions with custom or unknown emoji", r.users.len()),
        }
    }
    let last_edited_ts = m.edited.as_ref().and_then(|e| e.ts.as_deref()).and_then(ts_of).map(|t| t.0);
    let mentions = weft_core::text::user_mentions(&text);
    Some((
        order,
        ImportedPost { creator, content: text, posted_ts: secs, last_edited_ts, reactions, mentions, attachments },
    ))
}

#[allow(clippy::too_many_arguments)]
fn build_units(
    place: &Place,
    id: i64,
    ws: WorkspaceId,
    names: &Names,
    people: &People,
    attached: &Attached,
    done: &HashMap<(String, String), i64>,
    summary: &mut Summary,
    units: &mut Vec<Unit>,
) {
    let cid = &place.channel.id;
    let is_done = |kind: &str, ext: &str| done.contains_key(&(kind.to_string(), ext.to_string()));
    match place.kind {
        Kind::Dm | Kind::GroupDm => {
            // Conversations have no threads: replies take their place in time.
            for (day, messages) in &place.days {
                let ext = format!("{cid}/{day}");
                if is_done("messages", &ext) {
                    summary.skip("days of conversations imported before", 1);
                    continue;
                }
                let mut posts: Vec<(i64, ImportedPost)> =
                    messages.iter().filter_map(|m| post_of(m, names, people, attached, summary)).collect();
                posts.sort_by_key(|p| p.0);
                let posts: Vec<ImportedPost> = posts.into_iter().map(|p| p.1).collect();
                let Some(last) = posts.last() else { continue };
                let snippet = preview(&last.content, &[]);
                units.push(Unit {
                    kind: "messages",
                    external_id: ext,
                    what: UnitData::Messages { conversation: ConversationId(id), posts, snippet },
                });
            }
        }
        Kind::Public | Kind::Private => {
            // A Slack thread is a thread; the other messages of a day (a day file) are one
            // thread of that day.
            let mut threads: BTreeMap<String, Vec<(i64, ImportedPost)>> = BTreeMap::new();
            let mut days: BTreeMap<&str, Vec<(i64, ImportedPost)>> = BTreeMap::new();
            for (day, messages) in &place.days {
                for m in messages {
                    let Some(post) = post_of(m, names, people, attached, summary) else { continue };
                    match m.thread_ts.as_deref() {
                        Some(t) if ts_of(t).is_some() => threads.entry(t.to_string()).or_default().push(post),
                        _ => days.entry(day).or_default().push(post),
                    }
                }
            }
            // (order, external id, day or "" for a Slack thread, posts)
            #[allow(clippy::type_complexity)]
            let mut found: Vec<(i64, String, String, Vec<(i64, ImportedPost)>)> = Vec::new();
            for (ts, posts) in threads {
                let order = ts_of(&ts).map_or(0, |t| t.1);
                found.push((order, format!("{cid}/thread/{ts}"), String::new(), posts));
            }
            for (day, posts) in days {
                let order = posts.iter().map(|p| p.0).min().unwrap_or(0);
                found.push((order, format!("{cid}/day/{day}"), day.to_string(), posts));
            }
            found.sort_by_key(|f| f.0);
            for (_, ext, day, mut posts) in found {
                if is_done("thread", &ext) {
                    summary.skip("threads imported before", 1);
                    continue;
                }
                posts.sort_by_key(|p| p.0);
                let posts: Vec<ImportedPost> = posts.into_iter().map(|p| p.1).collect();
                let (Some(first), Some(last)) = (posts.first(), posts.last()) else { continue };
                let title = if day.is_empty() {
                    title_of(&first.content, "Slack thread")
                } else {
                    format!("{day}: {}", title_of(&first.content, "messages"))
                };
                let snippet = preview(&last.content, &[]);
                units.push(Unit {
                    kind: "thread",
                    external_id: ext,
                    what: UnitData::Thread(ImportedThread {
                        workspace_id: ws,
                        channel_id: ChannelId(id),
                        title,
                        posts,
                        snippet,
                    }),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_titles() {
        assert_eq!(ts_of("1700000000.000100"), Some((1_700_000_000, 1_700_000_000_000_100)));
        assert_eq!(ts_of("17x"), None);
        assert_eq!(title_of("**Short** one", "x"), "Short one");
        let long = "word ".repeat(40);
        let t = title_of(&long, "x");
        assert!(t.ends_with('…') && t.chars().count() <= TITLE_CHARS + 1, "{t}");
        assert_eq!(title_of("", "fallback"), "fallback");
    }

    #[test]
    fn file_folders_are_slack_file_ids() {
        for ok in ["F0PLAN1", "F07ABC123"] {
            assert!(is_file_id(ok), "{ok}");
        }
        for bad in ["F", "general", "f0abc", "C0123", "F0-1"] {
            assert!(!is_file_id(bad), "{bad}");
        }
    }
}
