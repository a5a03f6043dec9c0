//! How people join a workspace: nobody becomes a member without saying yes.
//!
//! An admin's `workspace_users/add` makes a *pending* member and emails a personal
//! invitation: a single-use link that expires. Someone without an account gets one with no
//! password, which the link sets up (name, password); someone with an account accepts while
//! signed in. Until then the pending member reads nothing, and the workspace sees only what
//! the inviter typed — the answer is the same whether the email had an account or not.
//! Admins can also make reusable join links (expiry, use limit, revocable). Codes are random
//! and stored only as SHA-256 hashes.

use super::{access, auth, emit, emit_member_change, notify};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::input::Email;
use crate::mail::AccountEmail;
use crate::model::*;
use crate::payload::Members;
use crate::policy;
use crate::store::{Invitation, Membership, NewMail, NewUser, Tx};

/// Where the links point, and how long a personal invitation lasts.
#[derive(Debug, Clone)]
pub struct Links {
    pub base_url: String,
    pub invitation_ttl_s: i64,
    /// Whether to email invitations (an SMTP server is configured).
    pub send_email: bool,
}

pub fn invitation_url(base_url: &str, code: &str) -> String {
    format!("{base_url}/invite/{code}")
}

pub fn join_url(base_url: &str, code: &str) -> String {
    format!("{base_url}/join/{code}")
}

/// An invitation that is not valid: unknown, used, expired, revoked or cancelled. One
/// answer for all, so a code reveals nothing but that it does not work.
fn invalid() -> Error {
    Error::NotFound(NotFound::Resource)
}

/// Invites `email` to `ws` on behalf of `inviter` (the caller checked they may): makes the
/// account if there is none (no password yet) and a pending membership with the role, and
/// issues a personal invitation to the channels given. An active member stays as they are
/// (their role included: `workspace_users/update` changes roles, under the last-admin rule).
/// Answers the member and the new code (None for an active member).
#[allow(clippy::too_many_arguments)]
pub fn invite(
    tx: &mut dyn Tx,
    inviter: UserId,
    ws: &Workspace,
    email: &Email,
    name: Option<&str>,
    user_type: UserType,
    channels: &[ChannelId],
    links: &Links,
    now: i64,
) -> Result<(WorkspaceUser, Option<String>)> {
    let user = match tx.user_by_email(email.as_str())? {
        // Only a deleted account's stand-in address can name one (the real one is free).
        Some(u) if u.removed => return Err(Error::invalid("email", "this is not the address of a person")),
        Some(u) => u.id,
        None => tx.insert_user(&NewUser {
            email: email.as_str().to_string(),
            name: name.map_or_else(|| local_part(email), str::to_string),
            password_hash: String::new(),
            timezone: super::users::DEFAULT_TIMEZONE.to_string(),
            bot: false,
            now,
        })?,
    };
    match tx.membership(ws.id, user)? {
        Some(m) if m.is_active() => {
            let wu = tx.workspace_user(ws.id, user)?.ok_or(Error::Internal("member vanished".into()))?;
            return Ok((wu, None));
        }
        Some(m) if m.deactivated && !m.removed => {
            return Err(Error::BadRequest(
                "this person is a deactivated member of the workspace: reactivate them instead".into(),
            ));
        }
        _ => {}
    }
    tx.put_membership(ws.id, user, Membership { user_type, removed: false, pending: true, deactivated: false }, now)?;
    tx.set_invited_name(ws.id, user, name)?;
    let code = issue(tx, ws, user, inviter, user_type, channels, links, now)?;
    let wu = tx.workspace_user(ws.id, user)?.ok_or(Error::Internal("member vanished".into()))?;
    emit(tx, ws.id, "workspace_user_invited", Audience::workspace(), &wu, now)?;
    Ok((wu, Some(code)))
}

fn local_part(email: &Email) -> String {
    email.as_str().split('@').next().unwrap_or_default().to_string()
}

/// A new personal invitation for a pending member (earlier ones stop working), emailed
/// when email is on. Answers the code.
#[allow(clippy::too_many_arguments)]
fn issue(
    tx: &mut dyn Tx,
    ws: &Workspace,
    user: UserId,
    inviter: UserId,
    user_type: UserType,
    channels: &[ChannelId],
    links: &Links,
    now: i64,
) -> Result<String> {
    tx.delete_invitations_of(ws.id, user)?;
    let (code, code_hash) = auth::new_token()?;
    let inv = Invitation {
        id: 0,
        workspace_id: ws.id,
        user_id: Some(user),
        inviter,
        user_type,
        channel_ids: channels.to_vec(),
        created_ts: now,
        expires_ts: now + links.invitation_ttl_s,
        max_uses: Some(1),
        uses: 0,
        revoked: false,
    };
    tx.insert_invitation(&inv, &code_hash)?;
    if links.send_email {
        let invitee = tx.user(user)?.ok_or(Error::NotFound(NotFound::User))?;
        let has_account = tx.password_hash(user)?.is_some_and(|h| !h.is_empty());
        let by = tx.user(inviter)?.map_or_else(|| "Someone".to_string(), |u| u.name);
        let days = (links.invitation_ttl_s / 86_400).max(1);
        let url = invitation_url(&links.base_url, &code);
        let mail = AccountEmail::invitation(&by, &ws.name, &url, days, has_account);
        tx.insert_mail(&NewMail {
            event_seq: None,
            user,
            workspace: ws.id,
            to: invitee.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            unsubscribe_url: String::new(),
            created_ts: now,
            secret: true,
            calendar: None,
        })?;
    }
    Ok(code)
}

/// Channels of `ws` the actor can see, for an invitation to put the newcomer in.
pub fn check_channels(
    tx: &mut dyn Tx,
    actor: UserId,
    role: UserType,
    ws: WorkspaceId,
    ids: &[ChannelId],
) -> Result<()> {
    for &id in ids {
        match tx.channel(id, actor)? {
            Some(ch) if ch.workspace_id == ws && policy::can_see_channel(role, &ch, actor) => {}
            _ => return Err(Error::NotFound(NotFound::Channel)),
        }
    }
    Ok(())
}

/// `workspace_users/resend_invite`: a fresh link for a pending member (the old one stops
/// working). Admins only. Answers the code.
pub fn resend(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    user: UserId,
    links: &Links,
    now: i64,
) -> Result<String> {
    let (workspace, role) = access::workspace(tx, ws, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can invite people"));
    }
    let m = match tx.membership(ws, user)? {
        Some(m) if m.pending && !m.removed => m,
        Some(m) if m.is_active() => {
            return Err(Error::BadRequest("this person already accepted the invitation".into()));
        }
        _ => return Err(Error::NotFound(NotFound::User)),
    };
    let channels = pending_channels(tx, ws, user)?;
    issue(tx, &workspace, user, actor, m.user_type, &channels, links, now)
}

/// The channels the newest personal invitation of a pending member names.
fn pending_channels(tx: &mut dyn Tx, ws: WorkspaceId, user: UserId) -> Result<Vec<ChannelId>> {
    Ok(tx.personal_invitation(ws, user)?.map(|i| i.channel_ids).unwrap_or_default())
}

/// What an invitation link leads to, for the page that opens it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub invitation: Invitation,
    pub workspace: Workspace,
    pub inviter: String,
    /// The invited account (personal invitations).
    pub invitee: Option<User>,
    /// The invited account has no password yet: the page sets it up.
    pub needs_setup: bool,
}

/// Reads a code (personal invitation or join link); `invalid()` unless it can still be used.
pub fn open(tx: &mut dyn Tx, code: &str, now: i64) -> Result<Opened> {
    let inv = tx.invitation_by_code(&auth::token_hash(code))?.ok_or_else(invalid)?;
    if !inv.usable(now) {
        return Err(invalid());
    }
    let workspace = tx.workspace(inv.workspace_id)?.ok_or_else(invalid)?;
    let inviter = tx.user(inv.inviter)?.map_or_else(|| "Someone".to_string(), |u| u.name);
    let (invitee, needs_setup) = match inv.user_id {
        Some(u) => {
            // Cancelled (removed) or already accepted: the link is spent.
            if !tx.membership(inv.workspace_id, u)?.is_some_and(|m| m.pending && !m.removed) {
                return Err(invalid());
            }
            let user = tx.user(u)?.ok_or_else(invalid)?;
            let setup = tx.password_hash(u)?.is_none_or(|h| h.is_empty());
            (Some(user), setup)
        }
        None => (None, false),
    };
    Ok(Opened { invitation: inv, workspace, inviter, invitee, needs_setup })
}

/// A new account's acceptance: the invitation sets the name, time zone and password of
/// the account it made, makes the membership active and signs in (`token`).
#[allow(clippy::too_many_arguments)]
pub fn accept_new_account(
    tx: &mut dyn Tx,
    code: &str,
    name: &str,
    timezone: Option<String>,
    password_hash: &str,
    token: &str,
    token_hash: &str,
    now: i64,
) -> Result<(User, WorkspaceId)> {
    let opened = open(tx, code, now)?;
    let Some(mut user) = opened.invitee.filter(|_| opened.needs_setup) else {
        return Err(Error::BadRequest("this invitation is for an existing account: sign in to accept it".into()));
    };
    user.short_name = short_name(name);
    user.name = name.to_string();
    if let Some(tz) = timezone {
        user.timezone = tz;
    }
    tx.update_user(&user)?;
    tx.set_password_hash(user.id, password_hash)?;
    use_up(tx, &opened.invitation)?;
    let role = tx.membership(opened.workspace.id, user.id)?.map_or(UserType::User, |m| m.user_type);
    activate(tx, &opened.workspace, user.id, role, &opened.invitation.channel_ids, opened.invitation.inviter, now)?;
    let signed_in = super::users::issue_token(tx, user.id, token, token_hash, now)?;
    Ok((signed_in, opened.workspace.id))
}

/// A signed-in person's acceptance of a personal invitation to their account, or their
/// use of a join link. Answers the workspace they are now in.
pub fn accept_as(tx: &mut dyn Tx, code: &str, actor: UserId, now: i64) -> Result<Workspace> {
    let opened = open(tx, code, now)?;
    let inv = &opened.invitation;
    let ws = &opened.workspace;
    match inv.user_id {
        Some(invitee) if invitee != actor => {
            Err(Error::forbidden("this invitation is for another account: sign in as the person invited"))
        }
        Some(_) => {
            use_up(tx, inv)?;
            let role = tx.membership(ws.id, actor)?.map_or(inv.user_type, |m| m.user_type);
            activate(tx, ws, actor, role, &inv.channel_ids, inv.inviter, now)?;
            Ok(ws.clone())
        }
        None => {
            match tx.membership(ws.id, actor)? {
                Some(m) if m.is_active() => return Ok(ws.clone()), // already in: the link keeps its uses
                // An admin's decision a link cannot undo.
                Some(m) if m.deactivated && !m.removed => {
                    return Err(Error::forbidden("your membership of this workspace is deactivated: ask an admin"));
                }
                _ => {}
            }
            use_up(tx, inv)?;
            activate(tx, ws, actor, inv.user_type, &inv.channel_ids, inv.inviter, now)?;
            Ok(ws.clone())
        }
    }
}

/// `workspace_users/accept_invite`: a signed-in person accepts their pending membership
/// (no code needed: the invitation was addressed to the account they are signed in to).
pub fn accept_pending(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, now: i64) -> Result<Workspace> {
    let m = match tx.membership(ws, actor)? {
        Some(m) if m.pending && !m.removed => m,
        _ => return Err(Error::NotFound(NotFound::Workspace)),
    };
    let workspace = tx.workspace(ws)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    let inv = tx.personal_invitation(ws, actor)?;
    let (channels, by) = inv.map_or((Vec::new(), workspace.creator), |i| (i.channel_ids, i.inviter));
    activate(tx, &workspace, actor, m.user_type, &channels, by, now)?;
    Ok(workspace)
}

/// Counts a use of the code; refused when another use took the last one meanwhile.
fn use_up(tx: &mut dyn Tx, inv: &Invitation) -> Result<()> {
    if tx.use_invitation(inv.id)? { Ok(()) } else { Err(invalid()) }
}

/// Makes `user` an active member with `role`, in the default channel (but guests) and in
/// `channels` (those still in the workspace and open).
fn activate(
    tx: &mut dyn Tx,
    ws: &Workspace,
    user: UserId,
    role: UserType,
    channels: &[ChannelId],
    by: UserId,
    now: i64,
) -> Result<WorkspaceUser> {
    tx.put_membership(ws.id, user, Membership::active(role), now)?;
    tx.set_invited_name(ws.id, user, None)?;
    tx.delete_invitations_of(ws.id, user)?;
    let mut ids: Vec<ChannelId> = channels.to_vec();
    if role != UserType::Guest
        && let Some(general) = ws.default_channel
        && !ids.contains(&general)
    {
        ids.push(general);
    }
    let wu = tx.workspace_user(ws.id, user)?.ok_or(Error::Internal("member vanished".into()))?;
    emit(tx, ws.id, "workspace_user_added", Audience::workspace().and_user(user), &wu, now)?;
    notify::membership(tx, user, ws.id, None, NotifyReason::AddedToWorkspace, by, now)?;
    for id in ids {
        let Some(ch) = tx.channel(id, user)? else { continue };
        if ch.workspace_id != ws.id || ch.archived || ch.user_ids.contains(&user) {
            continue;
        }
        tx.add_channel_members(ch.id, &[user])?;
        emit_member_change(tx, ws.id, Members::Channel(ch.id), user, true, now)?;
    }
    Ok(wu)
}

// ---------------------------------------------------------------------------------------
// Join links

/// What an admin sets on a new join link.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub user_type: UserType,
    pub channel_ids: Vec<ChannelId>,
    pub expires_ts: i64,
    pub max_uses: Option<i64>,
}

fn link_of(inv: &Invitation, url: Option<String>) -> JoinLink {
    JoinLink {
        id: inv.id,
        workspace_id: inv.workspace_id,
        creator: inv.inviter,
        user_type: inv.user_type,
        channel_ids: inv.channel_ids.clone(),
        created_ts: inv.created_ts,
        expires_ts: inv.expires_ts,
        max_uses: inv.max_uses,
        uses: inv.uses,
        revoked: inv.revoked,
        url,
    }
}

fn admin_of(tx: &mut dyn Tx, ws: WorkspaceId, actor: UserId) -> Result<UserType> {
    let role = access::role_in(tx, ws, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins manage join links"));
    }
    Ok(role)
}

/// Makes a join link; its URL (with the code) is in this answer only.
pub fn create_link(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    link: NewLink,
    base_url: &str,
    now: i64,
) -> Result<JoinLink> {
    let role = admin_of(tx, ws, actor)?;
    check_channels(tx, actor, role, ws, &link.channel_ids)?;
    if link.expires_ts <= now {
        return Err(Error::invalid("expires_ts", "must be in the future"));
    }
    let (code, code_hash) = auth::new_token()?;
    let mut inv = Invitation {
        id: 0,
        workspace_id: ws,
        user_id: None,
        inviter: actor,
        user_type: link.user_type,
        channel_ids: link.channel_ids,
        created_ts: now,
        expires_ts: link.expires_ts,
        max_uses: link.max_uses,
        uses: 0,
        revoked: false,
    };
    inv.id = tx.insert_invitation(&inv, &code_hash)?;
    Ok(link_of(&inv, Some(join_url(base_url, &code))))
}

pub fn links(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<JoinLink>> {
    admin_of(tx, ws, actor)?;
    Ok(tx.join_links(ws)?.iter().map(|i| link_of(i, None)).collect())
}

pub fn revoke_link(tx: &mut dyn Tx, actor: UserId, id: i64) -> Result<JoinLink> {
    let inv = tx.invitation(id)?.filter(|i| i.user_id.is_none()).ok_or(Error::NotFound(NotFound::Resource))?;
    admin_of(tx, inv.workspace_id, actor).map_err(|e| match e {
        Error::NotFound(_) => Error::NotFound(NotFound::Resource),
        other => other,
    })?;
    tx.revoke_invitation(id)?;
    let inv = tx.invitation(id)?.ok_or(Error::NotFound(NotFound::Resource))?;
    Ok(link_of(&inv, None))
}

/// Someone signed out opened a join link and gave their email: they get a personal
/// invitation there (whether or not the email has an account: the page answers the same),
/// which counts as a use of the link.
pub fn request_by_link(tx: &mut dyn Tx, code: &str, email: &Email, links: &Links, now: i64) -> Result<()> {
    let opened = open(tx, code, now)?;
    let inv = opened.invitation;
    if inv.user_id.is_some() {
        return Err(invalid());
    }
    use_up(tx, &inv)?;
    invite(tx, inv.inviter, &opened.workspace, email, None, inv.user_type, &inv.channel_ids, links, now)?;
    Ok(())
}

/// `weft admin invite`: an operator's invitation, made in the name of the workspace's
/// first admin. Answers the link.
pub fn operator_invite(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    email: &Email,
    user_type: UserType,
    links: &Links,
    now: i64,
) -> Result<String> {
    let workspace = tx.workspace(ws)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    let admin = tx
        .workspace_users(ws)?
        .into_iter()
        .find(|u| u.user_type == UserType::Admin && !u.removed && !u.invite_pending)
        .map_or(workspace.creator, |u| u.id);
    match invite(tx, admin, &workspace, email, None, user_type, &[], links, now)? {
        (_, Some(code)) => Ok(invitation_url(&links.base_url, &code)),
        (_, None) => Err(Error::AlreadyExists(format!("{} as a member of {}", email.as_str(), workspace.name))),
    }
}
