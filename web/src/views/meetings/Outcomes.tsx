// The outcomes prompt: after a meeting has started, its organizer writes down what it
// settled — posted in its agenda thread for the attendees — and may make it the thread's
// decision at once.

import { useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { meetingWhen } from '../../meetings';
import { href, navigate } from '../../router';
import { app, refreshExpectations, rememberMeeting } from '../../state/app';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';
import { setUi } from '../../state/ui';

export function OutcomesDialog({ ws, meetingId }: { ws: number; meetingId: number }) {
  const meeting = useSelect(app, (s) => s.meetings.find((m) => m.id === meetingId));
  const [text, setText] = useState('');
  const [decision, setDecision] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClose = () => setUi({ outcomesFor: null });

  const post = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await call('meetings/post_outcomes', { id: meetingId, content: text.trim(), ...(decision ? { decision: true } : {}) });
      rememberMeeting(answer.meeting);
      void refreshExpectations().catch(() => undefined);
      onClose();
      showToast(decision ? 'Outcomes posted, as the decision' : 'Outcomes posted in the agenda thread');
      const m = answer.meeting;
      if (m.channel_id != null && m.thread_id != null) navigate(href.thread(ws, m.channel_id, m.thread_id, answer.comment.id));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Post the outcomes" onClose={onClose}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void post();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void post();
          }
        }}
      >
        {meeting && (
          <p class="muted outcomes-of">
            {meeting.title} · {meetingWhen(meeting)}
          </p>
        )}
        <label class="field">
          <span>What did the meeting settle?</span>
          <textarea class="plain-textarea" rows={6} value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="Decisions, who does what by when, open questions" />
        </label>
        <label class="check-line">
          <input type="checkbox" checked={decision} onChange={(e) => setDecision(e.currentTarget.checked)} />
          <span>This is the decision</span>
          <span class="muted"> — marks it as the agenda thread’s decision, in the decision log</span>
        </label>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <div class="composer-actions dialog-actions">
          <button type="button" class="btn btn-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={!text.trim() || busy}>
            {busy ? 'Posting…' : 'Post outcomes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
