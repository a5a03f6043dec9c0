//! The last-admin rule, on every path: random sequences of invitations, acceptances, role
//! changes, removals and departures, deactivations and reactivations, and account
//! deletions, by random people, never leave a workspace without an active admin, and a
//! change refused for that reason changes nothing.

use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use weft_core::input::Email;
use weft_core::model::UserType;
use weft_core::services::{invitations, users, workspace_users, workspaces};
use weft_core::store::{Membership, NewUser, Store};
use weft_core::{Error, UserId, WorkspaceId};
use weft_store::Location;

/// People in a run: person 0 makes the workspace, the others start outside it.
const PEOPLE: usize = 4;

#[derive(Debug, Clone)]
enum Op {
    Invite { by: usize, whom: usize, role: UserType },
    Accept { who: usize },
    Update { by: usize, whom: usize, role: UserType },
    Remove { by: usize, whom: usize },
    SetActive { by: usize, whom: usize, active: bool },
    DeleteAccount { who: usize },
}

fn role() -> impl Strategy<Value = UserType> {
    prop_oneof![Just(UserType::Admin), Just(UserType::User), Just(UserType::Guest)]
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0..PEOPLE;
    prop_oneof![
        (p.clone(), p.clone(), role()).prop_map(|(by, whom, role)| Op::Invite { by, whom, role }),
        p.clone().prop_map(|who| Op::Accept { who }),
        (p.clone(), p.clone(), role()).prop_map(|(by, whom, role)| Op::Update { by, whom, role }),
        (p.clone(), p.clone()).prop_map(|(by, whom)| Op::Remove { by, whom }),
        (p.clone(), p.clone(), any::<bool>()).prop_map(|(by, whom, active)| Op::SetActive { by, whom, active }),
        p.prop_map(|who| Op::DeleteAccount { who }),
    ]
}

struct World {
    store: Arc<dyn Store>,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    runs: AtomicUsize,
}

fn world() -> &'static World {
    static WORLD: std::sync::OnceLock<World> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = weft_store::open(&Location::Sqlite(dir.path().to_path_buf()), Default::default()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        World { store, rt, _dir: dir, runs: AtomicUsize::new(0) }
    })
}

fn links() -> invitations::Links {
    invitations::Links { base_url: "http://weft.test".into(), invitation_ttl_s: 86_400, send_email: false }
}

/// Every person's membership in the workspace.
fn memberships(w: &World, ws: WorkspaceId, people: &[UserId]) -> Vec<Option<Membership>> {
    let people = people.to_vec();
    w.rt.block_on(w.store.read(move |tx| people.iter().map(|&u| tx.membership(ws, u)).collect())).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn a_workspace_always_keeps_an_active_admin(ops in proptest::collection::vec(op(), 1..40)) {
        let w = world();
        let run = w.runs.fetch_add(1, Ordering::Relaxed);
        let emails: Vec<String> = (0..PEOPLE).map(|i| format!("p{i}.run{run}@example.test")).collect();
        let now = 1_800_000_000;
        let e = emails.clone();
        let (people, ws) = w.rt.block_on(w.store.write(move |tx| {
            let ids = e
                .iter()
                .map(|email| {
                    tx.insert_user(&NewUser {
                        email: email.clone(),
                        name: email.clone(),
                        password_hash: "!".into(),
                        timezone: "UTC".into(),
                        bot: false,
                        now,
                    })
                })
                .collect::<weft_core::Result<Vec<_>>>()?;
            let ws = workspaces::add(tx, ids[0], "Acme".into(), None, now)?;
            Ok((ids, ws.id))
        })).unwrap();
        for op in ops {
            let before = memberships(w, ws, &people);
            let (p, e) = (people.clone(), emails.clone());
            let op2 = op.clone();
            let result = w.rt.block_on(w.store.write(move |tx| match op2 {
                Op::Invite { by, whom, role } => {
                    let email = Email::parse(&e[whom])?;
                    workspace_users::add(tx, p[by], ws, &email, None, role, &[], &links(), now).map(|_| ())
                }
                Op::Accept { who } => invitations::accept_pending(tx, p[who], ws, now).map(|_| ()),
                Op::Update { by, whom, role } => workspace_users::update(tx, p[by], ws, p[whom], role, now).map(|_| ()),
                Op::Remove { by, whom } => workspace_users::remove(tx, p[by], ws, p[whom], now),
                Op::SetActive { by, whom, active } => {
                    workspace_users::set_active(tx, p[by], ws, p[whom], active, now).map(|_| ())
                }
                Op::DeleteAccount { who } => users::delete(tx, p[who], now),
            }));
            let after = memberships(w, ws, &people);
            let admins = after.iter().flatten().filter(|m| m.is_active() && m.user_type == UserType::Admin).count();
            prop_assert!(admins >= 1, "no active admin left after {op:?}: {after:?}");
            let counted = w.rt.block_on(w.store.read(move |tx| tx.admin_count(ws))).unwrap();
            prop_assert_eq!(counted as usize, admins);
            if let Err(err) = result {
                prop_assert_eq!(&before, &after, "{:?} failed ({}) but changed memberships", op, err);
                if matches!(err, Error::LastAdmin | Error::LastAdminOf(_)) {
                    prop_assert_eq!(admins, 1);
                }
            }
        }
    }
}
