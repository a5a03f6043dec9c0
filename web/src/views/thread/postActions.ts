// What I can do to the posts of an open thread — react, edit, delete, mark unread from
// one — each applied to the view at once (or right after the server agrees) and told to
// screen readers.

import { call, describeError } from '../../api/client';
import type { Comment, Thread } from '../../api/types';
import { href, navigate } from '../../router';
import { refreshUnread } from '../../state/app';
import { announce } from '../../state/announce';
import { showToast } from '../../state/toast';
import { withServerThread } from './Deciding';
import { withReaction } from './Reactions';

type Update<T> = (change: (current: T) => T) => void;

export function postActions(ws: number, thread: Thread, channelId: number, me: number, setThread: Update<Thread | null>, setComments: Update<Comment[]>) {
  /** Reactions are shown at once and taken back if the server refuses. */
  const react = (target: { thread_id: number } | { comment_id: number }, emoji: string, on: boolean) => {
    const apply = (add: boolean) => {
      if ('thread_id' in target) setThread((x) => (x ? { ...x, reactions: withReaction(x.reactions, emoji, me, add) } : x));
      else setComments((list) => list.map((c) => (c.id === target.comment_id ? { ...c, reactions: withReaction(c.reactions, emoji, me, add) } : c)));
    };
    apply(on);
    call(on ? 'reactions/add' : 'reactions/remove', { ...target, reaction: emoji }).catch((e) => {
      apply(!on);
      announce(`Could not react: ${describeError(e)}`);
    });
  };

  const editComment = (c: Comment) => async (content: string) => {
    try {
      const updated = await call('comments/update', { id: c.id, content });
      setComments((list) => list.map((x) => (x.id === c.id ? { ...x, ...updated } : x)));
      return true;
    } catch (e) {
      announce(`Could not save: ${describeError(e)}`);
      return false;
    }
  };

  const deleteComment = (c: Comment) => async () => {
    if (!window.confirm('Delete this comment? This cannot be undone.')) return;
    try {
      await call('comments/remove', { id: c.id });
      setComments((list) => list.filter((x) => x.id !== c.id));
      announce('Comment deleted');
    } catch (e) {
      announce(`Could not delete: ${describeError(e)}`);
    }
  };

  /** Everything from `objIndex` on is unread again (-1: the whole thread); back to the inbox,
   * or opening the thread would mark it read at once. */
  const markUnreadFrom = (objIndex: number) => async () => {
    try {
      await call('threads/mark_unread', { id: thread.id, obj_index: objIndex });
      announce('Marked unread');
      void refreshUnread();
      navigate(href.inbox(ws));
    } catch (e) {
      announce(`Could not mark unread: ${describeError(e)}`);
    }
  };

  const editThread = async (content: string, title?: string) => {
    try {
      const updated = await call('threads/update', { id: thread.id, content, ...(title ? { title } : {}) });
      // The answer carries my own state of the thread too, but keep what the view knows.
      setThread((x) => (x ? { ...x, ...updated, starred: x.starred, last_read_obj_index: x.last_read_obj_index } : x));
      return true;
    } catch (e) {
      announce(`Could not save: ${describeError(e)}`);
      return false;
    }
  };

  const deleteThread = async () => {
    if (!window.confirm('Delete this thread and all its comments? This cannot be undone.')) return;
    try {
      await call('threads/remove', { id: thread.id });
      announce('Thread deleted');
      navigate(href.channel(ws, channelId));
    } catch (e) {
      announce(`Could not delete: ${describeError(e)}`);
    }
  };

  /** Marks a comment as the thread's decision (replacing any earlier one), or takes the mark back. */
  const decide = (c: Comment, on: boolean) => async () => {
    try {
      const fresh = await call(on ? 'comments/mark_decision' : 'comments/unmark_decision', { id: c.id });
      setThread((x) => withServerThread(x, fresh));
      showToast(on ? 'Marked as the decision' : 'No longer the decision');
    } catch (e) {
      announce(`Could not change the decision: ${describeError(e)}`);
      showToast(`Could not change the decision: ${describeError(e)}`);
    }
  };

  return { react, editComment, deleteComment, markUnreadFrom, editThread, deleteThread, decide };
}
