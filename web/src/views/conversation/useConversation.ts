// A conversation's data while it is open: the conversation, a window of its messages (the
// newest page first, earlier pages on demand), my pending messages, and the stream's
// changes to all of it. A message shows at once (pending, with its temp_id) and is
// reconciled with the server's answer or the stream's message_added — never twice.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import { objects } from '../../api/lists';
import type { Conversation, Message, StreamEvent } from '../../api/types';
import type { Attachment } from '../../api/upload';
import { attachmentsOf } from '../../components/Attachments';
import { prerender } from '../../markdown';
import { app, patch } from '../../state/app';
import { announce } from '../../state/announce';
import { onLiveEvent } from '../../state/live';
import { withReaction } from '../thread/Reactions';
import { askParams, noAsk, type Ask } from '../composer/AskReply';
import { isScheduled, laterParams, reportScheduled, type Later } from '../composer/SendLater';
import { reportPosted } from '../composer/sharing';

export const PAGE = 50;

export interface PendingMessage {
  tempId: number;
  content: string;
  attachments: Attachment[];
  ask: Ask;
  later: Later;
  state: 'sending' | 'failed';
  error?: string;
}

export function useConversation(conversationId: number, messageId: number | undefined) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [hasEarlier, setHasEarlier] = useState(false);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  /** My read position when I opened it: where the "new" divider goes. */
  const [readAt, setReadAt] = useState<number | null>(null);
  const loadingRef = useRef(false);

  useEffect(() => {
    let live = true;
    setError(null);
    (async () => {
      try {
        const pageOf = async (): Promise<Message[]> => {
          if (!messageId) {
            return objects(await call('conversation_messages/get', { conversation_id: conversationId, order_by: 'desc', limit: PAGE })).reverse();
          }
          // Open at that message: from a little before it to the newest.
          const target = await call('conversation_messages/getone', { id: messageId });
          return objects(
            await call('conversation_messages/get', { conversation_id: conversationId, from_obj_index: Math.max(0, target.obj_index - 10), limit: 500 }),
          );
        };
        const [c, page] = await Promise.all([call('conversations/getone', { id: conversationId }), pageOf()]);
        await prerender(page.map((m) => m.content));
        if (!live) return;
        setConversation(c);
        setReadAt(c.last_read_obj_index);
        setMessages(page);
        setHasEarlier((page[0]?.obj_index ?? 0) > 0);
      } catch (e) {
        if (live) setError(describeError(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [conversationId, messageId]);

  const loadEarlier = async () => {
    const first = messages[0];
    if (!first || loadingRef.current) return;
    loadingRef.current = true;
    setLoadingEarlier(true);
    try {
      const page = objects(
        await call('conversation_messages/get', { conversation_id: conversationId, to_obj_index: first.obj_index - 1, order_by: 'desc', limit: PAGE }),
      ).reverse();
      await prerender(page.map((m) => m.content));
      setMessages((list) => [...page.filter((m) => !list.some((x) => x.id === m.id)), ...list]);
      setHasEarlier((page[0]?.obj_index ?? 0) > 0);
    } catch (e) {
      announce(`Could not load earlier messages: ${describeError(e)}`);
    } finally {
      loadingRef.current = false;
      setLoadingEarlier(false);
    }
  };

  // Follow the stream.
  useEffect(
    () =>
      onLiveEvent((event: StreamEvent) => {
        const d = event.data as Record<string, unknown>;
        const me = app.get().me?.id;
        switch (event.type) {
          case 'message_added': {
            const m = d as unknown as Message;
            if (m.conversation_id !== conversationId) return;
            void prerender([m.content]);
            setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m]));
            setConversation((c) => (c ? { ...c, last_obj_index: Math.max(c.last_obj_index, m.obj_index) } : c));
            // My own message coming back through the stream: its pending twin goes.
            if (m.creator === me) setPending((list) => dropFirst(list, (p) => p.state === 'sending' && p.content === m.content));
            else announce(`New message from ${m.creator_name ?? 'someone'}`);
            break;
          }
          case 'message_updated': {
            const m = d as unknown as Message;
            if (m.conversation_id === conversationId) setMessages((list) => list.map((x) => (x.id === m.id ? { ...m, reactions: m.reactions ?? x.reactions } : x)));
            break;
          }
          case 'message_deleted':
            if (d.conversation_id === conversationId) setMessages((list) => list.filter((x) => x.id !== d.id));
            break;
          case 'conversation_updated': {
            const c = d as unknown as Conversation;
            if (c.id === conversationId) setConversation((old) => (old ? { ...c, last_read_obj_index: old.last_read_obj_index, muted_until_ts: old.muted_until_ts } : c));
            break;
          }
          case 'conversation_user_removed':
            if (d.conversation_id === conversationId && d.user_id === me) setGone(true);
            break;
          case 'reaction_added':
          case 'reaction_removed': {
            if (typeof d.message_id !== 'number') return;
            const user = d.user_id as number;
            if (user === me) return; // Mine are applied when I click.
            const on = event.type === 'reaction_added';
            setMessages((list) => list.map((m) => (m.id === d.message_id ? { ...m, reactions: withReaction(m.reactions, d.reaction as string, user, on) } : m)));
            break;
          }
        }
      }),
    [conversationId],
  );

  // --- Sending, optimistic ---------------------------------------------------------

  const send = async (content: string, attachments: Attachment[] = [], ask: Ask = noAsk, later: Later = null, tempId = Math.floor(Math.random() * 2 ** 31)) => {
    setPending((list) => [...list.filter((p) => p.tempId !== tempId), { tempId, content, attachments, ask, later, state: 'sending' }]);
    try {
      const m = await call('conversation_messages/add', { conversation_id: conversationId, content, attachments, temp_id: tempId, ...askParams(ask), ...laterParams(later) });
      if (isScheduled(m)) {
        setPending((list) => list.filter((p) => p.tempId !== tempId));
        announce('Message scheduled');
        reportScheduled(m);
        return;
      }
      setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m]));
      setPending((list) => list.filter((p) => p.tempId !== tempId));
      setConversation((c) => (c ? { ...c, last_obj_index: Math.max(c.last_obj_index, m.obj_index), last_read_obj_index: Math.max(c.last_read_obj_index, m.obj_index) } : c));
      bumpInSidebar(conversationId, m);
      announce('Message sent');
      reportPosted(m);
    } catch (e) {
      const message = describeError(e);
      setPending((list) => list.map((p) => (p.tempId === tempId ? { ...p, state: 'failed', error: message } : p)));
      announce(`Your message was not sent: ${message}`);
    }
  };

  // Retrying with the same temp_id: if the first try did reach the server, nothing doubles.
  const retry = (p: PendingMessage) => void send(p.content, p.attachments, p.ask, p.later, p.tempId);
  const discard = (p: PendingMessage) => setPending((list) => list.filter((x) => x.tempId !== p.tempId));

  return {
    conversation, setConversation, messages, setMessages, hasEarlier, loadingEarlier, loadEarlier,
    pending, send, retry, discard, error, gone, readAt,
  };
}

/** The sidebar orders conversations by their last activity: mine counts at once. */
function bumpInSidebar(conversationId: number, m: Message): void {
  const s = app.get();
  const c = s.conversations.find((x) => x.id === conversationId);
  if (!c) return;
  const fresh = { ...c, last_active_ts: Math.max(c.last_active_ts, m.posted_ts), last_obj_index: Math.max(c.last_obj_index, m.obj_index), snippet: m.content.trim() ? m.content : `📎 ${attachmentsOf(m).map((a) => a.file_name).join(', ')}`, snippet_creators: [m.creator, ...c.snippet_creators.filter((u) => u !== m.creator)] };
  patch({ conversations: s.conversations.map((x) => (x.id === conversationId ? fresh : x)) });
}

function dropFirst<T>(list: T[], match: (x: T) => boolean): T[] {
  const i = list.findIndex(match);
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)];
}
