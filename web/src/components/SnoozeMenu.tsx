// Snooze: the thread leaves the inbox and comes back at a chosen time — later today,
// tomorrow morning, the start of my next working day (the server knows my hours), or a
// date and time I pick (read in my time zone).

import { useState } from 'preact/hooks';
import { fromZoned, nowSeconds, zonedParts } from '../time';
import { Icon } from './Icon';
import { Popover } from './Popover';

export type SnoozeChoice = { until_ts: number } | { until: 'next_workday' };

function laterToday(): number {
  // Three hours from now, on the hour.
  return Math.ceil((nowSeconds() + 3 * 3600) / 3600) * 3600;
}

function tomorrowMorning(): number {
  const p = zonedParts(nowSeconds() + 86400);
  return fromZoned(p.year, p.month, p.day, 9, 0);
}

export function SnoozeMenu({ onSnooze, label = 'Snooze' }: { onSnooze: (c: SnoozeChoice) => void; label?: string }) {
  const [picking, setPicking] = useState(false);
  const [value, setValue] = useState('');
  return (
    <Popover label={label} button={<Icon name="clock" />}>
      {(close) => {
        const pick = (c: SnoozeChoice) => {
          close();
          setPicking(false);
          onSnooze(c);
        };
        return (
          <div class="menu-list snooze-menu">
            <div class="menu-caption">Bring it back…</div>
            <button type="button" class="menu-item" onClick={() => pick({ until_ts: laterToday() })}>
              Later today
            </button>
            <button type="button" class="menu-item" onClick={() => pick({ until_ts: tomorrowMorning() })}>
              Tomorrow morning
            </button>
            <button type="button" class="menu-item" onClick={() => pick({ until: 'next_workday' })}>
              Next working day
            </button>
            {!picking ? (
              <button type="button" class="menu-item" onClick={() => setPicking(true)}>
                Pick a date and time…
              </button>
            ) : (
              <form
                class="snooze-pick"
                onSubmit={(e) => {
                  e.preventDefault();
                  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
                  if (!m) return;
                  const ts = fromZoned(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
                  if (ts > nowSeconds()) pick({ until_ts: ts });
                }}
              >
                <label>
                  <span class="sr-only">Date and time</span>
                  <input type="datetime-local" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
                </label>
                <button type="submit" class="btn btn-primary btn-small">
                  Snooze
                </button>
              </form>
            )}
          </div>
        );
      }}
    </Popover>
  );
}
