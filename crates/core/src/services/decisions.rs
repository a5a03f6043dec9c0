//! Deciding in writing: a thread may name its DRI (the one person who decides), carry a
//! status (open → decided → closed, with who and when) and a date by which the decision is
//! due. The DRI (or an admin) marks a comment as *the* decision; marking another replaces
//! it, and the log keeps every one. A decision due and not yet made is an expectation of
//! the DRI (`services::expectations`, kind `decision`): it shows in their Owed view, gets
//! its reminder and turns overdue like an answer asked for.

use super::delivery::PushOf;
use super::{access, expectations, notify, scheduled::local_time, threads};
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::store::{DecisionQuery, Tx};
use std::collections::HashMap;

/// The furthest ahead a decision may be due.
pub const MAX_DUE_S: i64 = 366 * 86_400;
/// The most decisions a log page answers.
pub const MAX_LIMIT: i64 = 500;
/// The most decisions an export holds.
pub const EXPORT_LIMIT: i64 = 10_000;

/// What `threads/update` changes of who decides and where it stands; `None`: unchanged.
#[derive(Debug, Clone, Default)]
pub struct Steer {
    /// `Some(None)`: no DRI any more.
    pub dri: Option<Option<UserId>>,
    pub status: Option<ThreadStatus>,
    /// `Some(None)`: no due date any more.
    pub decision_due_ts: Option<Option<i64>>,
}

impl Steer {
    pub fn is_empty(&self) -> bool {
        self.dri.is_none() && self.status.is_none() && self.decision_due_ts.is_none()
    }

    /// Checks what needs no storage: a due date in the future, within a year.
    pub fn check(&self, now: i64) -> Result<()> {
        if let Some(Some(id)) = self.dri
            && id.0 < 0
        {
            return Err(Error::invalid("dri_id", "expected a person's id, or 0 for none"));
        }
        if let Some(Some(due)) = self.decision_due_ts {
            if due <= now {
                return Err(Error::invalid("decision_due_ts", "the due date has passed"));
            }
            if due > now + MAX_DUE_S {
                return Err(Error::invalid("decision_due_ts", "at most a year ahead"));
            }
        }
        Ok(())
    }
}

/// Applies `s` to a thread the actor may steer (`threads/update`); the caller saves it.
pub(crate) fn steer(
    tx: &mut dyn Tx,
    actor: UserId,
    t: &mut Thread,
    ch: &Channel,
    role: UserType,
    s: Steer,
    now: i64,
) -> Result<()> {
    s.check(now)?;
    if !policy::can_steer_thread(role, t, actor) {
        return Err(Error::forbidden("only the thread's author, its DRI or an admin can change who decides"));
    }
    if let Some(dri) = s.dri {
        if let Some(user) = dri {
            // The DRI must see the thread to decide it.
            access::require_members(tx, ch.workspace_id, &[user])?;
            if access::channel(tx, ch.id, user).is_err() {
                return Err(Error::invalid("dri_id", "this person cannot see the channel"));
            }
        }
        if let Some(user) = dri.filter(|u| *u != actor && t.dri_id != Some(*u)) {
            tell_dri(tx, t, user, actor, now)?;
        }
        t.dri_id = dri;
    }
    if let Some(due) = s.decision_due_ts {
        t.decision_due_ts = due;
    }
    if let Some(status) = s.status
        && status != t.status
    {
        t.set_status(status, actor, now);
    }
    t.version += 1;
    Ok(())
}

/// Tells someone they were made a thread's DRI: a notification (`dri_assigned`), pushed
/// through quiet delivery like any other.
fn tell_dri(tx: &mut dyn Tx, t: &Thread, user: UserId, actor: UserId, now: i64) -> Result<()> {
    let n = Notification {
        channel_id: Some(t.channel_id),
        thread_id: Some(t.id),
        ..Notification::new(t.workspace_id, NotifyReason::DriAssigned, false, actor, now)
    };
    // Read past the thread's newest post, the push is no longer news.
    let obj_index = t.last_obj_index + 1;
    let push = PushOf { workspace: t.workspace_id, thread: Some(t.id), conversation: None, obj_index, at: now };
    notify::one(tx, user, n, push, now)
}

/// Keeps the DRI's decision expectation in step with the thread: one while it has a DRI, a
/// due date and is still open; met when it is decided or closed, dropped when the DRI or the
/// due date change (a new one starts from the new ones).
pub(crate) fn sync_due(tx: &mut dyn Tx, t: &Thread, ch: &Channel, actor: UserId, now: i64) -> Result<()> {
    let wanted = match (t.dri_id, t.decision_due_ts, t.status) {
        (Some(dri), Some(due), ThreadStatus::Open) => Some((dri, due)),
        _ => None,
    };
    let open: Vec<Expectation> =
        tx.open_expectations_in(&[t.id], &[])?.into_iter().filter(|e| e.kind == ExpectationKind::Decision).collect();
    let kept = open.iter().any(|e| Some((e.user_id, e.due_ts)) == wanted);
    if !kept && !open.is_empty() {
        let resolution = if t.status == ThreadStatus::Open { Resolution::Withdrawn } else { Resolution::Answered };
        expectations::settle_in_thread(tx, ExpectationKind::Decision, t.id, resolution, actor, now)?;
    }
    if let (Some((dri, due)), false) = (wanted, kept) {
        let due = expectations::InThread {
            kind: ExpectationKind::Decision,
            requester: actor,
            user: dri,
            channel: ch,
            thread: t.id,
            from_ts: now,
            due_ts: due,
        };
        expectations::expect_in_thread(tx, due, now)?;
    }
    Ok(())
}

/// `comments/mark_decision`: the comment becomes its thread's decision (replacing the one
/// before, kept in the history) and an open thread becomes decided. `meeting`: marked in a
/// meeting's outcomes.
pub fn mark(tx: &mut dyn Tx, actor: UserId, id: CommentId, meeting: Option<i64>, now: i64) -> Result<Thread> {
    let (c, mut t, ch, role) = access::comment(tx, id, actor)?;
    if !policy::can_decide(role, &t, actor) {
        return Err(Error::forbidden(
            "only the thread's DRI (its author while it has none) or an admin marks the decision",
        ));
    }
    if !policy::can_post_in_channel(role, &ch, actor) {
        return Err(Error::forbidden("the channel is archived"));
    }
    if c.system_message.is_some() {
        return Err(Error::invalid("id", "a system message cannot be the decision"));
    }
    if t.decision_comment_id == Some(id) {
        return Ok(t);
    }
    tx.mark_decision(t.workspace_id, t.id, id, actor, meeting, now)?;
    t.decision_comment_id = Some(id);
    if t.status == ThreadStatus::Open {
        t.set_status(ThreadStatus::Decided, actor, now);
    }
    t.version += 1;
    let t = threads::save_and_emit(tx, t, actor, now)?;
    sync_due(tx, &t, &ch, actor, now)?;
    Ok(t)
}

/// `comments/unmark_decision`: the thread's decision is taken back (kept in the history); a
/// decided thread is open again.
pub fn unmark(tx: &mut dyn Tx, actor: UserId, id: CommentId, now: i64) -> Result<Thread> {
    let (_, mut t, ch, role) = access::comment(tx, id, actor)?;
    if !policy::can_decide(role, &t, actor) {
        return Err(Error::forbidden(
            "only the thread's DRI (its author while it has none) or an admin marks the decision",
        ));
    }
    if !policy::can_post_in_channel(role, &ch, actor) {
        return Err(Error::forbidden("the channel is archived"));
    }
    if t.decision_comment_id != Some(id) {
        return Err(Error::invalid("id", "this comment is not the thread's decision"));
    }
    tx.end_decision(t.id, actor, now)?;
    t.decision_comment_id = None;
    if t.status == ThreadStatus::Decided {
        t.set_status(ThreadStatus::Open, actor, now);
    }
    t.version += 1;
    let t = threads::save_and_emit(tx, t, actor, now)?;
    sync_due(tx, &t, &ch, actor, now)?;
    Ok(t)
}

/// The comment that was a thread's decision is gone: the thread has none any more.
pub(crate) fn comment_removed(t: &mut Thread, id: CommentId, actor: UserId, now: i64) {
    if t.decision_comment_id == Some(id) {
        t.decision_comment_id = None;
        if t.status == ThreadStatus::Decided {
            t.set_status(ThreadStatus::Open, actor, now);
        }
    }
}

/// What a decision log asks for.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub workspace: WorkspaceId,
    pub channel: Option<ChannelId>,
    pub thread: Option<ThreadId>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub query: Option<String>,
    pub history: bool,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// `decisions/get`: the decisions of the channels the actor sees, newest first.
pub fn list(tx: &mut dyn Tx, actor: UserId, q: LogQuery) -> Result<Vec<Decision>> {
    let role = access::role_in(tx, q.workspace, actor)?;
    let channels: Vec<ChannelId> = match (q.channel, q.thread) {
        (_, Some(t)) => {
            let (thread, ..) = access::thread(tx, t, actor)?;
            if thread.workspace_id != q.workspace {
                return Err(Error::NotFound(NotFound::Thread));
            }
            vec![thread.channel_id]
        }
        (Some(c), None) => {
            let (ch, _) = access::channel(tx, c, actor)?;
            if ch.workspace_id != q.workspace {
                return Err(Error::NotFound(NotFound::Channel));
            }
            vec![c]
        }
        (None, None) => tx
            .channels_in(q.workspace, actor)?
            .into_iter()
            .filter(|c| policy::can_see_channel(role, c, actor))
            .map(|c| c.id)
            .collect(),
    };
    let query = q.query.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    tx.decisions(&DecisionQuery {
        workspace: q.workspace,
        channels,
        thread: q.thread,
        from: q.from,
        to: q.to,
        query,
        history: q.history || q.thread.is_some(),
        before_id: q.before_id,
        limit: q.limit.clamp(1, MAX_LIMIT),
    })
}

/// How a decision log is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Markdown,
    Csv,
}

/// A file to download: its name, type and text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct TextFile {
    pub file_name: String,
    pub content_type: String,
    pub content: String,
}

/// `decisions/export`: the log as Markdown (to read or paste) or CSV (for a spreadsheet),
/// times in the actor's time zone.
pub fn export(tx: &mut dyn Tx, actor: &User, q: LogQuery, format: ExportFormat, now: i64) -> Result<TextFile> {
    let ws = tx.workspace(q.workspace)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    let list = list(tx, actor.id, LogQuery { limit: EXPORT_LIMIT, ..q })?;
    let mut ids: Vec<UserId> =
        list.iter().flat_map(|d| [Some(d.author_id), Some(d.marked_by), d.dri_id]).flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<UserId, String> = tx.users_by_ids(&ids)?.into_iter().map(|u| (u.id, u.name)).collect();
    let name = |u: Option<UserId>| u.and_then(|u| names.get(&u).cloned()).unwrap_or_default();
    let when = |ts: i64| local_time(ts, &actor.timezone);
    let date = jiff::Timestamp::from_second(now)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::get(&actor.timezone).unwrap_or(jiff::tz::TimeZone::UTC)))
        .map(|z| z.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let slug: String =
        ws.name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    Ok(match format {
        ExportFormat::Markdown => {
            let mut out = format!("# Decisions — {}\n\n", ws.name);
            out.push_str(&format!(
                "Exported {date} by {} · {} decision{} · times in {}\n",
                actor.name,
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                actor.timezone
            ));
            for d in &list {
                out.push_str(&format!("\n## {}\n\n", d.thread_title.trim()));
                let mut line =
                    format!("#{} · decided {} by {}", d.channel_name, when(d.marked_ts), name(Some(d.marked_by)));
                if d.dri_id.is_some() {
                    line.push_str(&format!(" · DRI {}", name(d.dri_id)));
                }
                if d.author_id != d.marked_by {
                    line.push_str(&format!(" · written by {}", name(Some(d.author_id))));
                }
                out.push_str(&line);
                out.push_str("\n\n");
                for l in d.content.trim().lines() {
                    out.push_str(if l.is_empty() { ">" } else { "> " });
                    out.push_str(l);
                    out.push('\n');
                }
            }
            TextFile {
                file_name: format!("decisions-{slug}-{date}.md"),
                content_type: "text/markdown; charset=utf-8".into(),
                content: out,
            }
        }
        ExportFormat::Csv => {
            let mut out = String::from("decided_at,channel,thread_id,thread,decision,written_by,marked_by,dri\r\n");
            for d in &list {
                let at = jiff::Timestamp::from_second(d.marked_ts).map(|t| t.to_string()).unwrap_or_default();
                let row = [
                    at,
                    d.channel_name.clone(),
                    d.thread_id.0.to_string(),
                    d.thread_title.clone(),
                    d.content.clone(),
                    name(Some(d.author_id)),
                    name(Some(d.marked_by)),
                    name(d.dri_id),
                ];
                out.push_str(&row.iter().map(|v| csv_field(v)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            TextFile {
                file_name: format!("decisions-{slug}-{date}.csv"),
                content_type: "text/csv; charset=utf-8".into(),
                content: out,
            }
        }
    })
}

/// One CSV field (RFC 4180), with text a spreadsheet would run as a formula made inert.
pub fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_inert() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"yes\""), "\"say \"\"yes\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
