// "Send later": a post written now and sent at a better moment — "their morning" (the start
// of the next working period of the person it goes to, or of most of them; Weft explains
// the time it picks) or a time chosen here. Until then only its author sees it (Scheduled).

import { useState } from 'preact/hooks';
import type { ScheduledPost } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Popover } from '../../components/Popover';
import { dueWhen } from '../../expectations';
import { showToast } from '../../state/toast';

export type Later = { kind: 'morning' } | { kind: 'at'; ts: number } | null;

/** The time to send in the API's terms (`send_at`, `send_at_ts` of a new post). */
export function laterParams(later: Later | undefined): { send_at?: 'recipient_morning'; send_at_ts?: number } {
  if (!later) return {};
  return later.kind === 'morning' ? { send_at: 'recipient_morning' } : { send_at_ts: later.ts };
}

/** Whether a post's answer is a scheduled post rather than the post itself. */
export function isScheduled(answer: object): answer is ScheduledPost {
  return 'explained' in answer && 'send_at_ts' in answer;
}

/** Says when a scheduled post goes, and why then. */
export function reportScheduled(p: ScheduledPost): void {
  const why = p.send_at === 'recipient_morning' ? ` — ${p.explained}` : '';
  showToast(`Scheduled for ${dueWhen(p.send_at_ts)} your time${why}. Only you see it until then.`);
}

export function laterWords(later: Later): string {
  if (!later) return '';
  return later.kind === 'morning' ? 'their morning' : dueWhen(later.ts);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The menu next to Send: pick when; the choice shows as a chip until sent or cleared. */
export function SendLaterMenu({ value, onChange, morning = true }: { value: Later; onChange: (l: Later) => void; morning?: boolean }) {
  const [picking, setPicking] = useState(false);
  const [local, setLocal] = useState('');
  const inMinutes = (m: number): Later => ({ kind: 'at', ts: Math.ceil((nowSeconds() + m * 60) / 60) * 60 });
  return (
    <>
      {value && (
        <span class="later-chip">
          <Icon name="clock" size={14} /> Sends {laterWords(value)}
          <button type="button" class="btn-icon btn-small" aria-label="Send now instead" title="Send now instead" onClick={() => onChange(null)}>
            <Icon name="close" size={12} />
          </button>
        </span>
      )}
      <Popover label="Send later" button={<Icon name="clock" />} placement="above">
        {(close) =>
          picking ? (
            <form
              class="later-pick"
              onSubmit={(e) => {
                e.preventDefault();
                const t = new Date(local).getTime();
                if (!Number.isFinite(t) || t / 1000 <= nowSeconds()) return;
                onChange({ kind: 'at', ts: Math.floor(t / 1000) });
                setPicking(false);
                close();
              }}
            >
              <label>
                Send at (your time)
                <input type="datetime-local" required value={local} onInput={(e) => setLocal(e.currentTarget.value)} />
              </label>
              <button type="submit" class="btn btn-primary btn-small">
                Set
              </button>
            </form>
          ) : (
            <div class="menu-list" role="menu" aria-label="Send later">
              {morning && (
                <button type="button" role="menuitem" class="menu-item" onClick={() => (onChange({ kind: 'morning' }), close())}>
                  Their morning <span class="muted">— when their working day starts</span>
                </button>
              )}
              <button type="button" role="menuitem" class="menu-item" onClick={() => (onChange(inMinutes(60)), close())}>
                In an hour
              </button>
              <button type="button" role="menuitem" class="menu-item" onClick={() => (onChange(inMinutes(3 * 60)), close())}>
                In three hours
              </button>
              <button type="button" role="menuitem" class="menu-item" onClick={() => (onChange(inMinutes(24 * 60)), close())}>
                Tomorrow at this time
              </button>
              <button type="button" role="menuitem" class="menu-item" onClick={() => setPicking(true)}>
                Pick a time…
              </button>
            </div>
          )
        }
      </Popover>
    </>
  );
}
