//! The fan-out: what a post means for each person it concerns — their inbox row, their
//! notification, its push (at once or held), the events on their stream, coverage — is
//! derived *after* the post committed, from its event in the log (`Fanout`). A post
//! therefore writes the same few rows whether it concerns five people or ten thousand.
//!
//! Exactly once, in order: one job takes the post events after the cursor in log order,
//! writes what they mean and moves the cursor, all in one write transaction, so a crash
//! loses or repeats nothing and nodes that run it at once take turns (the second finds the
//! work done). A post that concerns many people is done in slices (`people_per_job`), in
//! order of user id, the cursor noting the last person done, so other writes get the writer
//! between slices. Who a post concerns is worked out when its slice runs, from the channel
//! or conversation as it is then: someone who lost sight of it meanwhile hears nothing.

use super::expectations::{self, Answer};
use super::notify;
use crate::error::Result;
use crate::event::Fanout;
use crate::ids::*;
use crate::model::*;
use crate::rotation::Rotation;
use crate::store::{FanoutCursor, PendingFanout, Tx};
use std::collections::{HashMap, HashSet};

/// The most people one job delivers to: bounds how long it holds the writer, and so how long
/// other writes wait behind a post that concerns thousands. PostgreSQL takes longer per
/// row (each batch a round trip to another process): smaller slices there.
pub fn people_per_job(backend: &str) -> usize {
    if backend == "postgres" { 100 } else { 250 }
}

/// The most post events one job reads.
const EVENTS_PER_JOB: i64 = 100;

/// What one job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Every post event up to this sequence number is fanned out.
    pub done_through: i64,
    /// Whether work remains (the job stopped at its budget).
    pub more: bool,
    /// How many posts it worked on: one, when a post concerns more people than a job takes.
    pub posts: usize,
}

/// One job, which keeps to workspace `ws` (`WriteScope::Workspace`): fans out post events
/// from the cursor on, until they run out, its budget of `people` (at least one;
/// `people_per_job` in a server) does, or a post of another workspace comes.
pub fn run(tx: &mut dyn Tx, ws: WorkspaceId, people: usize, now: i64) -> Result<Progress> {
    tx.lock_fanout()?;
    // Read before the events: everything up to it has committed, so the read below sees
    // it (other workspaces' writes commit meanwhile).
    let head = tx.event_head()?;
    let (start, mut pending) = tx.fanout_pending(EVENTS_PER_JOB)?;
    let full = pending.len() as i64 == EVENTS_PER_JOB;
    // Where another workspace's post waits: this job stops before it.
    let elsewhere = pending.iter().position(|p| p.workspace_id != ws).map(|at| {
        let seq = pending[at].seq;
        pending.truncate(at);
        seq
    });
    let mut cursor = start;
    let mut budget = people.max(1);
    let mut stopped = false;
    let mut job = Job::default();
    job.prefetch(tx, &pending)?;
    let mut posts = 0;
    for p in &pending {
        posts += 1;
        let after = if p.seq == start.seq { start.after_user } else { None };
        let last = job.derive(tx, p, after, &mut budget)?;
        cursor = FanoutCursor { seq: p.seq, after_user: last };
        if last.is_some() || budget == 0 {
            stopped = true;
            break;
        }
    }
    job.write(tx, now)?;
    if cursor != start {
        tx.set_fanout_cursor(cursor)?;
    }
    let more = stopped || full || elsewhere.is_some();
    let done_through = match elsewhere {
        Some(seq) if !stopped => seq - 1,
        // The event at the cursor may be done only in part.
        _ if more => {
            if cursor.after_user.is_some() {
                cursor.seq - 1
            } else {
                cursor.seq
            }
        }
        _ => head,
    };
    Ok(Progress { done_through, more, posts })
}

/// Whether post events wait for the fan-out, read without taking the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// Every post event up to this sequence number is done (the head of the log when none
    /// waits).
    pub done_through: i64,
    /// The workspace of the first post event that waits, if one does: a job for it keeps
    /// to that workspace (`run`), so writes of other workspaces go on beside it.
    pub workspace: Option<WorkspaceId>,
}

pub fn waiting(tx: &mut dyn Tx) -> Result<Waiting> {
    Ok(match tx.fanout_pending(1)?.1.first() {
        Some(p) => Waiting { done_through: p.seq - 1, workspace: Some(p.workspace_id) },
        None => Waiting { done_through: tx.event_head()?, workspace: None },
    })
}

/// What one job has gathered: the writes of all its posts, and what it read once for
/// several of them. The fan-out changes no thread, channel, membership or rotation, so what
/// it read stays true for the rest of its transaction.
#[derive(Default)]
struct Job {
    out: notify::Deliveries,
    /// What each post gives its people, in log order, once all of them are known: who may
    /// hear of a post, and how, is looked up for all of them at once (`notify::Facts`).
    steps: Vec<Step>,
    /// Threads as they are now (the latest comment included: it committed before).
    threads: HashMap<ThreadId, Thread>,
    /// The comments of the job's posts (a comment deleted since is missing).
    comments: HashMap<CommentId, Comment>,
    /// Channels (without their member lists) and their rotations.
    channels: HashMap<ChannelId, (Channel, Option<Rotation>)>,
    /// The open expectations in the threads, which the job's comments may meet.
    open_expectations: Vec<Expectation>,
    /// Threads a comment made unread in the inboxes that hold them (but for people who
    /// have read to the end, as their own comment's author has).
    unread: HashSet<ThreadId>,
}

/// A post's share of a job, delivered once the job knows all of its people.
enum Step {
    /// A thread's own post (`comment` None) or one of its comments, to the people of this
    /// slice who are asked, not yet checked against who can see it.
    Post {
        thread: ThreadId,
        comment: Option<Comment>,
        asked: Vec<(UserId, NotifyReason)>,
    },
    Message {
        conversation: Conversation,
        message: Message,
    },
}

impl Job {
    /// Reads the threads, comments and channels of all the job's posts at once.
    fn prefetch(&mut self, tx: &mut dyn Tx, pending: &[PendingFanout]) -> Result<()> {
        let (mut threads, mut comments) = (Vec::new(), Vec::new());
        for p in pending {
            match p.fanout {
                Fanout::Thread { thread_id } => threads.push(thread_id),
                Fanout::Comment { thread_id, comment_id } => {
                    threads.push(thread_id);
                    comments.push(comment_id);
                }
                Fanout::Message { .. } => {}
            }
        }
        if threads.is_empty() {
            return Ok(());
        }
        threads.sort_unstable();
        threads.dedup();
        let read = tx.posts_and_places(&threads, &comments)?;
        self.threads = read.threads.into_iter().map(|t| (t.id, t)).collect();
        self.comments = read.comments.into_iter().map(|c| (c.id, c)).collect();
        self.channels = read.channels.into_iter().map(|(ch, rotation)| (ch.id, (ch, rotation))).collect();
        self.open_expectations = read.open_expectations;
        Ok(())
    }

    /// Writes what the job gathered: works out each post's deliveries (who may hear of it,
    /// their mutes and levels looked up once for all), flags the unread threads (one
    /// statement per thread, its latest comment's author spared: an earlier comment of the
    /// job is before their own, which they have read), then writes every person's
    /// deliveries.
    fn write(mut self, tx: &mut dyn Tx, now: i64) -> Result<()> {
        let people: Vec<(&Thread, Vec<UserId>)> = self
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Post { thread, asked, .. } => {
                    Some((&self.threads[thread], asked.iter().map(|(u, _)| *u).collect()))
                }
                Step::Message { .. } => None,
            })
            .collect();
        let people: Vec<(&Thread, &[UserId])> = people.iter().map(|(t, users)| (*t, users.as_slice())).collect();
        let facts = notify::Facts::load(tx, &people)?;
        // Comments and messages may answer what their authors were asked.
        let answers: Vec<Answer> = self
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Post { comment, .. } => comment.as_ref().map(Answer::comment),
                Step::Message { message, .. } => Some(Answer::message(message)),
            })
            .collect();
        let open = std::mem::take(&mut self.open_expectations);
        expectations::answered_in_threads_read(tx, &answers, open, now)?;
        for step in std::mem::take(&mut self.steps) {
            match step {
                Step::Post { thread, comment, asked } => {
                    let thread = &self.threads[&thread];
                    let (channel, _) = &self.channels[&thread.channel_id];
                    let slice = facts.able(channel, asked);
                    notify::deliver(&facts, &mut self.out, thread, comment.as_ref(), &slice, false)?;
                }
                Step::Message { conversation, message } => {
                    notify::message(tx, &mut self.out, &conversation, &message)?;
                }
            }
        }
        for thread in self.unread {
            tx.flag_unread(thread)?;
        }
        self.out.write(tx, Some(&facts), now)
    }

    /// Fans out one post to the people after `after` (by id), as many as `budget` allows.
    /// Answers the last person done if some remain, `None` when the post is done.
    fn derive(
        &mut self,
        tx: &mut dyn Tx,
        p: &PendingFanout,
        after: Option<UserId>,
        budget: &mut usize,
    ) -> Result<Option<UserId>> {
        match p.fanout {
            Fanout::Thread { thread_id } => self.post(tx, thread_id, None, after, budget),
            Fanout::Comment { thread_id, comment_id } => {
                // A comment deleted before its fan-out concerns nobody any more.
                let Some(comment) = self.comments.remove(&comment_id) else { return Ok(None) };
                self.post(tx, thread_id, Some(comment), after, budget)
            }
            Fanout::Message { conversation_id, message_id } => {
                self.message(tx, conversation_id, message_id, budget)?;
                Ok(None)
            }
        }
    }

    /// A thread's own post (`comment` None) or one of its comments.
    fn post(
        &mut self,
        tx: &mut dyn Tx,
        thread_id: ThreadId,
        comment: Option<Comment>,
        after: Option<UserId>,
        budget: &mut usize,
    ) -> Result<Option<UserId>> {
        // The thread and its channel as they are now (what is read of them here is the same
        // for every viewer).
        let Some(thread) = self.threads.get(&thread_id) else { return Ok(None) };
        let Some((channel, rotation)) = self.channels.get(&thread.channel_id) else { return Ok(None) };
        let ask = notify::Post::of(thread, comment.as_ref());
        // A post to everyone in the channel asks its members. The first slice's coverage (in
        // a channel with a rotation) looks at all of them; otherwise a slice needs only the
        // members after the last person done, as many as it can take, one more to know
        // whether some remain, and one more for the author, who is never asked. Who may see
        // the post is looked up for each slice's people alone (`notify::Facts::able`).
        let members = if !ask.groups.contains(&GROUP_EVERYONE_IN_CHANNEL) {
            Vec::new()
        } else if after.is_none() && rotation.is_some() {
            tx.channel_members_from(channel.id, None, usize::MAX)?
        } else {
            tx.channel_members_from(channel.id, after, *budget + 2)?
        };
        let mut asked = notify::asked(tx, &members, &thread.participants, &ask)?;
        asked.sort_by_key(|(u, _)| *u);
        if after.is_none() {
            // With the first slice: coverage looks at everyone the post concerns at once (who
            // is available and who is on duty as of the post's time), and a comment may make
            // the thread unread in every inbox that holds it.
            let posted = comment.as_ref().map_or(thread.posted_ts, |c| c.posted_ts);
            notify::cover(tx, thread, comment.as_ref(), channel, rotation.as_ref(), &asked, posted)?;
            if comment.is_some() {
                self.unread.insert(thread.id);
            }
        }
        // A slice is the next people asked, by id; those of them who may hear of it are
        // found for the slice alone (a lookup of a few hundred, not of the whole channel).
        let rest: Vec<(UserId, NotifyReason)> =
            asked.into_iter().filter(|(u, _)| after.is_none_or(|a| *u > a)).collect();
        let take = rest.len().min(*budget);
        *budget -= take;
        self.steps.push(Step::Post { thread: thread.id, comment, asked: rest[..take].to_vec() });
        // A job starts a post with budget left (`run`), so a slice holds someone.
        Ok((take < rest.len()).then(|| rest[take - 1].0))
    }

    /// A direct message: its conversation's other members (a conversation is small enough
    /// to be done in one job).
    fn message(&mut self, tx: &mut dyn Tx, id: ConversationId, message: MessageId, budget: &mut usize) -> Result<()> {
        let Some(m) = tx.message(message)? else { return Ok(()) };
        let Some(c) = tx.conversation(id, m.creator)? else { return Ok(()) };
        *budget = budget.saturating_sub(c.user_ids.len());
        notify::conversation_mentions(tx, &m, &c.user_ids)?;
        self.steps.push(Step::Message { conversation: c, message: m });
        Ok(())
    }
}
