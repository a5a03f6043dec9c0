// The composer of a conversation: chat-like, so Enter sends and Shift+Enter starts a new
// line. Markdown, @mentions, files (picked, dropped or pasted, as in the thread composer),
// and a draft kept per conversation across reloads (the same drafts as the thread composer).

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Attachment } from '../../api/upload';
import { app } from '../../state/app';
import { useSelect } from '../../state/observable';
import { clearDraft, loadDraft, saveDraft } from '../composer/drafts';
import { candidates, mentionMarkup, mentionQuery, type Candidate } from '../composer/mentions';
import { MentionList } from '../composer/MentionList';
import { closeWhenLeft } from '../../keyboard';
import { AttachButton, UploadList, useFileDrop, useUploads } from '../composer/Uploads';
import { AskReply, noAsk, type Ask } from '../composer/AskReply';
import { SendLaterMenu, type Later } from '../composer/SendLater';

interface Props {
  conversationId: number;
  placeholder: string;
  /** The conversation's other people: who may be asked for a reply. */
  others: number[];
  onSend: (content: string, attachments: Attachment[], ask: Ask, later: Later) => void;
  /** Up in an empty box edits my last message, as in most chat apps. */
  onEditLast?: () => void;
}

export function ChatComposer({ conversationId, placeholder, others, onSend, onEditLast }: Props) {
  const place = `msg:${conversationId}`;
  const users = useSelect(app, (s) => s.users);
  const groups = useSelect(app, (s) => s.groups);
  const me = useSelect(app, (s) => s.me?.id);
  const [text, setText] = useState(() => loadDraft(place).content);
  const [mention, setMention] = useState<{ start: number; list: Candidate[]; index: number } | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const uploads = useUploads();
  const drop = useFileDrop(form, uploads);
  const [ask, setAsk] = useState<Ask>(noAsk);
  const [later, setLater] = useState<Later>(null);

  useEffect(() => saveDraft(place, { title: '', content: text }), [place, text]);

  // Something to send, and no file still on its way.
  const canSend = (text.trim() !== '' || uploads.attachments.length > 0) && !uploads.busy;
  const send = () => {
    if (!canSend) return;
    onSend(text, uploads.attachments, ask, later);
    clearDraft(place);
    setText('');
    setAsk(noAsk);
    setLater(null);
    uploads.clear();
    box.current?.focus();
  };

  const updateMention = (el: HTMLTextAreaElement) => {
    const q = mentionQuery(el.value, el.selectionStart ?? el.value.length);
    if (!q) return setMention(null);
    const list = candidates(q.query, Object.values(users), groups, me);
    setMention(list.length ? { start: q.start, list, index: 0 } : null);
  };

  const insertMention = (c: Candidate) => {
    const el = box.current;
    if (!el || !mention) return;
    const caret = el.selectionStart ?? el.value.length;
    const markup = `${mentionMarkup(c)} `;
    const content = el.value.slice(0, mention.start) + markup + el.value.slice(caret);
    const at = mention.start + markup.length;
    el.value = content;
    el.setSelectionRange(at, at);
    setText(content);
    setMention(null);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mention) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setMention({ ...mention, index: (mention.index + step + mention.list.length) % mention.list.length });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
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
    if (e.key === 'ArrowUp' && text === '' && onEditLast) {
      e.preventDefault();
      onEditLast();
      return;
    }
    // Enter sends; Shift+Enter is a new line; an input method composing a word keeps its Enter.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey) {
      e.preventDefault();
      send();
    }
  };

  const ids = { text: `chat-box-${conversationId}`, list: `chat-mentions-${conversationId}`, hint: `chat-hint-${conversationId}` };
  return (
    <form
      ref={form}
      class={`composer chat-composer ${drop.dragging ? 'is-dropping' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      {...drop.handlers}
    >
      <UploadList uploads={uploads} />
      <div class="composer-body">
        <label class="sr-only" for={ids.text}>
          Message
        </label>
        <textarea
          id={ids.text}
          ref={box}
          rows={1}
          placeholder={placeholder}
          value={text}
          aria-describedby={ids.hint}
          aria-autocomplete="list"
          aria-controls={mention ? ids.list : undefined}
          aria-activedescendant={mention ? `${ids.list}-${mention.index}` : undefined}
          onInput={(e) => {
            setText(e.currentTarget.value);
            updateMention(e.currentTarget);
          }}
          onKeyDown={onKeyDown}
          onBlur={closeWhenLeft(() => setMention(null))}
        />
        {mention && <MentionList id={ids.list} list={mention.list} index={mention.index} pick={insertMention} />}
        <AttachButton uploads={uploads} />
        <SendLaterMenu value={later} onChange={setLater} />
        <button type="submit" class="btn btn-primary btn-small chat-send" disabled={!canSend}>
          {later ? 'Schedule' : 'Send'}
        </button>
      </div>
      <AskReply place={{ conversation_id: conversationId }} candidates={others} value={ask} onChange={setAsk} />
      <div class="chat-hint" id={ids.hint}>
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd> + <kbd>Enter</kbd> for a new line · <kbd>↑</kbd> edits your last · Markdown, @mentions and files work
      </div>
    </form>
  );
}
