// The composer, for a reply or a new thread: Markdown with a preview, @mentions, who to
// notify (with when it reaches each of them), the emergency lane's urgent confirmation,
// a draft kept per place, Ctrl/Cmd+Enter to send.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Channel, Thread } from '../../api/types';
import type { Attachment } from '../../api/upload';
import { Markdown } from '../../components/Markdown';
import { app } from '../../state/app';
import { useSelect } from '../../state/observable';
import { clearDraft, loadDraft, saveDraft } from './drafts';
import { candidates, mentionMarkup, mentionQuery, type Candidate } from './mentions';
import { MentionList } from './MentionList';
import { closeWhenLeft } from '../../keyboard';
import { defaultNotify, NotifyPicker, notifyParams, NotifySummary, type Notify } from './NotifyPicker';
import { AttachButton, UploadList, useFileDrop, useUploads } from './Uploads';
import { AskReply, noAsk, type Ask } from './AskReply';
import { SendLaterMenu, type Later } from './SendLater';

export interface Post {
  title: string;
  content: string;
  recipients: number[] | 'EVERYONE' | 'EVERYONE_IN_THREAD';
  groups: number[];
  urgent: boolean;
  /** Uploaded files that go with the post. */
  attachments: Attachment[];
  /** Whose answer it asks for, and by when. */
  ask: Ask;
  /** Sent later, or now (null). */
  later: Later;
}

interface Props {
  ws: number;
  /** Where the draft is kept, e.g. "reply:42" or "thread-in:7". */
  place: string;
  channel: Channel;
  thread?: Thread | undefined;
  withTitle?: boolean;
  submitLabel?: string;
  /** Answers whether the post was taken (then the composer empties). */
  onSend: (post: Post) => Promise<boolean> | boolean;
  onCancel?: () => void;
  textareaId?: string;
  autoFocus?: boolean;
}

export function Composer({ ws, place, channel, thread, withTitle = false, submitLabel = 'Send', onSend, onCancel, textareaId, autoFocus }: Props) {
  const me = useSelect(app, (s) => s.me);
  const users = useSelect(app, (s) => s.users);
  const groups = useSelect(app, (s) => s.groups);
  const [draft, setDraft] = useState(() => loadDraft(place));
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [notify, setNotify] = useState<Notify>(() => defaultNotify(channel, thread, me?.id));
  const [urgent, setUrgent] = useState(false);
  const [ask, setAsk] = useState<Ask>(noAsk);
  const [later, setLater] = useState<Later>(null);
  const [sending, setSending] = useState(false);
  const [mention, setMention] = useState<{ start: number; query: string; list: Candidate[]; index: number } | null>(null);
  const uploads = useUploads();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const title = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  // Compact until used: while nothing in it has the focus, the composer is a short text box
  // and a one-line summary of who is notified. Focus opens it; the full notify list (each
  // person's availability) opens with it on a wide screen, and on a tap of the summary.
  const [active, setActive] = useState(!!autoFocus);
  const drop = useFileDrop(form, uploads, () => setActive(true));
  const [notifyOpen, setNotifyOpen] = useState(false);
  const lastPointer = useRef(0);
  const compact = !active && tab === 'write' && !mention && uploads.uploads.length === 0;
  const showPicker = notifyOpen || (active && !isPhone());
  // Opening pushes the composer's lower part (Send) down: keep it in view.
  useEffect(() => {
    if (active) form.current?.scrollIntoView({ block: 'nearest' });
  }, [active, showPicker]);

  useEffect(() => saveDraft(place, draft), [place, draft]);
  useEffect(() => {
    if (textarea.current && draft.content) growToFit(textarea.current);
    if (autoFocus) (withTitle ? title.current : textarea.current)?.focus();
  }, []);

  const hasBody = draft.content.trim() !== '' || uploads.attachments.length > 0;
  const canSend = hasBody && (!withTitle || draft.title.trim() !== '') && (!channel.emergency || urgent) && !sending && !uploads.busy;

  // A ref, not state: a second Ctrl+Enter in the same tick must see the first.
  const inFlight = useRef(false);
  const send = async () => {
    if (!canSend || inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    const post: Post = { title: draft.title.trim(), content: draft.content, ...notifyParams(notify), urgent: channel.emergency && urgent, attachments: uploads.attachments, ask, later: channel.emergency ? null : later };
    try {
      if (await onSend(post)) {
        clearDraft(place);
        setDraft({ title: '', content: '' });
        setTab('write');
        setUrgent(false);
        setAsk(noAsk);
        setLater(null);
        uploads.clear();
        if (textarea.current) textarea.current.style.height = '';
        textarea.current?.focus();
      }
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  const updateMention = (el: HTMLTextAreaElement) => {
    const q = mentionQuery(el.value, el.selectionStart ?? el.value.length);
    if (!q) return setMention(null);
    const list = candidates(q.query, Object.values(users), groups, me?.id);
    setMention(list.length ? { ...q, list, index: 0 } : null);
  };

  const insertMention = (c: Candidate) => {
    const el = textarea.current;
    if (!el || !mention) return;
    const caret = el.selectionStart ?? el.value.length;
    const markup = `${mentionMarkup(c)} `;
    const content = el.value.slice(0, mention.start) + markup + el.value.slice(caret);
    const at = mention.start + markup.length;
    // Set the field and caret now, not after the re-render, so fast typing lands after the mention.
    el.value = content;
    el.setSelectionRange(at, at);
    setDraft((d) => ({ ...d, content }));
    setMention(null);
    // A mentioned person is notified too; show them in the list with their availability.
    if (c.kind === 'user' && !notify.users.includes(c.id) && notify.everyone === 'none') setNotify({ ...notify, users: [...notify.users, c.id] });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mention) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setMention({ ...mention, index: (mention.index + step + mention.list.length) % mention.list.length });
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        insertMention(mention.list[mention.index]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setMention(null);
        return;
      }
    }
  };

  /** The summary's tap: the full list opens, and the focus goes to its "add people" button. */
  const openNotify = () => {
    setNotifyOpen(true);
    setActive(true);
    setTimeout(() => form.current?.querySelector<HTMLElement>('.notify [aria-haspopup]')?.focus(), 0);
  };

  const ids = { text: textareaId ?? `composer-${place}`, list: `mentions-${place}` };
  return (
    <form
      ref={form}
      class={`composer ${channel.emergency ? 'is-emergency' : ''} ${compact ? 'is-compact' : ''} ${drop.dragging ? 'is-dropping' : ''}`}
      {...drop.handlers}
      onFocusIn={(e) => {
        // The summary button opens the list itself (on its click, not as it takes the focus).
        if (!(e.target as Element).closest('.notify-summary')) setActive(true);
      }}
      onFocusOut={() =>
        setTimeout(() => {
          // Still inside (a menu, a chip), or a tap inside that moves no focus: stay open.
          if (!form.current || form.current.contains(document.activeElement) || Date.now() - lastPointer.current < 400) return;
          setActive(false);
          setNotifyOpen(false);
        }, 120)
      }
      onPointerDown={() => (lastPointer.current = Date.now())}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
          e.preventDefault();
          void send();
        }
      }}
    >
      {withTitle && (
        <label class="composer-title">
          <span class="sr-only">Title</span>
          <input ref={title} type="text" placeholder="Title" maxLength={300} value={draft.title} onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })} />
        </label>
      )}
      <div class="composer-body">
        {tab === 'write' ? (
          <>
            <label class="sr-only" for={ids.text}>
              {withTitle ? 'What is it about?' : 'Reply'}
            </label>
            <textarea
              id={ids.text}
              ref={textarea}
              rows={compact ? (withTitle ? 2 : 1) : withTitle ? 6 : 3}
              placeholder={withTitle ? 'Share the context people need to answer in their own time…' : 'Write a reply…'}
              value={draft.content}
              aria-autocomplete="list"
              aria-controls={mention ? ids.list : undefined}
              aria-activedescendant={mention ? `${ids.list}-${mention.index}` : undefined}
              onInput={(e) => {
                setDraft({ ...draft, content: e.currentTarget.value });
                updateMention(e.currentTarget);
                growToFit(e.currentTarget);
              }}
              onKeyDown={onKeyDown}
              onBlur={closeWhenLeft(() => setMention(null))}
            />
            {mention && <MentionList id={ids.list} list={mention.list} index={mention.index} pick={insertMention} />}
          </>
        ) : (
          <div class="composer-preview" role="tabpanel">
            <Markdown text={draft.content} />
          </div>
        )}
      </div>
      <UploadList uploads={uploads} />
      {showPicker && <NotifyPicker ws={ws} channel={channel} thread={thread} value={notify} urgent={urgent} onChange={setNotify} />}
      {!compact && <AskReply place={{ channel_id: channel.id }} candidates={notify.users} value={ask} onChange={setAsk} />}
      {channel.emergency && !compact && (
        <div class="urgent-box">
          <label class="urgent-toggle">
            <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
            <strong>This is urgent</strong>
          </label>
          <p>
            #{channel.name} is an emergency lane: a post here reaches the people notified at once, through
            do-not-disturb and outside their working hours, must be acknowledged, and the whole team sees every use.
          </p>
        </div>
      )}
      <div class="composer-actions">
        {!showPicker && <NotifySummary ws={ws} channel={channel} value={notify} urgent={urgent} onOpen={openNotify} />}
        {!compact && (
          <>
            <div class="composer-tabs" role="tablist" aria-label="Write or preview">
              <button type="button" role="tab" aria-selected={tab === 'write'} class="tab" onClick={() => setTab('write')}>
                Write
              </button>
              <button type="button" role="tab" aria-selected={tab === 'preview'} class="tab" onClick={() => setTab('preview')} disabled={!draft.content.trim()}>
                Preview
              </button>
            </div>
            <AttachButton uploads={uploads} />
            <span class="muted composer-keys">
              Markdown · @ mentions · <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> sends
            </span>
          </>
        )}
        {onCancel && (
          <button type="button" class="btn btn-quiet" onClick={onCancel}>
            Cancel
          </button>
        )}
        {!compact && !channel.emergency && <SendLaterMenu value={later} onChange={setLater} />}
        <button type="submit" class={`btn ${channel.emergency ? 'btn-urgent' : 'btn-primary'}`} disabled={!canSend}>
          {sending ? 'Sending…' : channel.emergency ? 'Send urgently' : later ? 'Schedule' : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The text box grows with what is written, up to a point; then it scrolls. (A CSSOM
 * style property: allowed by the page's Content-Security-Policy, unlike a style attribute.) */
function growToFit(el: HTMLTextAreaElement): void {
  el.style.height = 'auto';
  el.style.height = `${Math.min(el.scrollHeight + 2, 420)}px`;
}

/** The phone layout (one pane; the same width as the stylesheet's phone rules). */
function isPhone(): boolean {
  return matchMedia('(max-width: 719px)').matches;
}
