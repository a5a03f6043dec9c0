// The emergency lane, made visible: an urgent post that reached me (or was escalated to
// me) and that I have not acknowledged stays on top of every screen until I do. The only
// red in the app is here.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { components } from '../api/schema';
import { Icon } from '../components/Icon';
import { href } from '../router';
import { app, userName } from '../state/app';
import { announce } from '../state/announce';
import { onLiveEvent } from '../state/live';
import { useSelect } from '../state/observable';
import { nowSeconds } from '../time';

type Emergency = components['schemas']['Emergency'];
/** Older ones are history (emergencies/get keeps them all), not something to act on. */
const RECENT = 24 * 3600;

export function EmergencyBanner({ ws }: { ws: number }) {
  const me = useSelect(app, (s) => s.me?.id);
  const [open, setOpen] = useState<Emergency[]>([]);
  const [titles, setTitles] = useState<Record<number, string>>({});
  /** The emergencies whose whole sentence shows (on a phone each is one short line until tapped). */
  const [expanded, setExpanded] = useState<Record<number, boolean>>({});

  useEffect(() => {
    const load = () =>
      call('emergencies/get', { workspace_id: ws })
        .then((list) =>
          setOpen(
            list.filter(
              (e) =>
                nowSeconds() - e.raised_ts < RECENT &&
                (e.reached.includes(me ?? -1) || e.escalated_to.includes(me ?? -1)) &&
                !e.acks.some((a) => a.user_id === me),
            ),
          ),
        )
        .catch(() => undefined);
    void load();
    return onLiveEvent((e) => {
      if (e.type.startsWith('emergency_')) void load();
    });
  }, [ws, me]);

  useEffect(() => {
    for (const e of open) {
      if (titles[e.thread_id] !== undefined) continue;
      call('threads/getone', { id: e.thread_id })
        .then((t) => setTitles((all) => ({ ...all, [e.thread_id]: t.title })))
        .catch(() => undefined);
    }
  }, [open]);

  if (open.length === 0) return null;
  const s = app.get();
  const ack = async (e: Emergency) => {
    setOpen((list) => list.filter((x) => x.id !== e.id));
    try {
      await call('emergencies/ack', { id: e.id });
      announce('Emergency acknowledged');
    } catch (err) {
      announce(`Could not acknowledge: ${describeError(err)}`);
    }
  };
  return (
    <div class="emergency-banner" role="alert">
      {open.slice(0, 3).map((e) => {
        const where = `#${s.channels[e.channel_id]?.name ?? 'a channel'}${titles[e.thread_id] ? `: ${titles[e.thread_id]}` : ''}`;
        return (
          <div class={`emergency-item ${expanded[e.id] ? 'is-expanded' : ''}`} key={e.id}>
            <Icon name="alert" size={18} />
            {/* The sentence, and on a phone its short form; a tap shows it all (and "Open"). */}
            <button type="button" class="emergency-text" aria-expanded={!!expanded[e.id]} title={expanded[e.id] ? 'Show less' : 'Show the details'} onClick={() => setExpanded((x) => ({ ...x, [e.id]: !x[e.id] }))}>
              <span class="emergency-long">
                <strong>{userName(s, e.raised_by)}</strong> raised an emergency in {where}
              </span>
              <span class="emergency-short">
                <strong>Emergency</strong> in {where}
              </span>
            </button>
            <a class="btn btn-small emergency-open" href={href.thread(ws, e.channel_id, e.thread_id, e.comment_id ?? undefined)}>
              Open
            </a>
            <button type="button" class="btn btn-small btn-urgent" onClick={() => void ack(e)}>
              Acknowledge
            </button>
          </div>
        );
      })}
    </div>
  );
}
