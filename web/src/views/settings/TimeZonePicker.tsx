// A searchable list of the time zones the API accepts (its Timezone enum): type any part
// of a name ("york", "lisbon", "tokyo"), move with the arrow keys, Enter picks, Escape
// closes. Each choice shows the time it is there now.

import { useMemo, useRef, useState } from 'preact/hooks';
import { TIMEZONES } from './timezones';
import { closeWhenLeft } from '../../keyboard';

/** Zones that are of no use to a person picking where they live. */
const HIDDEN = new Set<string>(['localtime', 'posixrules', 'Factory']);
const ALL: string[] = TIMEZONES.filter((z) => !HIDDEN.has(z));
const SHOWN = 60;

export const isZone = (z: string) => ALL.includes(z);

function nowIn(zone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: zone }).format(Date.now());
  } catch {
    return '';
  }
}

const label = (z: string) => z.replace(/_/g, ' ');

interface Props {
  id: string;
  value: string;
  onPick: (zone: string) => void;
  describedBy?: string;
  invalid?: boolean;
}

export function TimeZonePicker({ id, value, onPick, describedBy, invalid }: Props) {
  const [text, setText] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const input = useRef<HTMLInputElement>(null);

  const q = (text ?? '').trim().toLowerCase().replace(/\s+/g, '_');
  const matches = useMemo(() => {
    if (!q) return ALL;
    const hits = ALL.filter((z) => z.toLowerCase().includes(q));
    // A city's own name first ("lisbon" → Europe/Lisbon before others containing it).
    const rank = (z: string) => (lastPart(z).startsWith(q) ? 0 : 1);
    return hits.sort((a, b) => rank(a) - rank(b));
  }, [q]);
  const shown = matches.slice(0, SHOWN);
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));

  const pick = (z: string) => {
    onPick(z);
    setText(null);
    setOpen(false);
    // Typing again replaces the name picked.
    requestAnimationFrame(() => input.current?.select());
  };
  const move = (step: number) => {
    const next = Math.max(0, Math.min(shown.length - 1, activeIndex + step));
    setActive(next);
    list.current?.children[next]?.scrollIntoView({ block: 'nearest' });
  };

  const listId = `${id}-list`;
  return (
    <div class="tz-picker">
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && shown[activeIndex] ? `${listId}-${activeIndex}` : undefined}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        placeholder="Type a city or region"
        value={text ?? label(value)}
        onFocus={(e) => {
          setText('');
          setOpen(true);
          setActive(Math.max(0, ALL.indexOf(value)));
          e.currentTarget.select();
        }}
        onClick={(e) => {
          if (open) return;
          setText('');
          setOpen(true);
          e.currentTarget.select();
        }}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setActive(0);
          setOpen(true);
        }}
        onBlur={closeWhenLeft(() => {
          setOpen(false);
          setText(null);
        })}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (!open) setOpen(true);
            move(e.key === 'ArrowDown' ? 1 : -1);
          } else if (e.key === 'Enter') {
            if (open && shown[activeIndex]) {
              e.preventDefault();
              pick(shown[activeIndex]!);
            }
          } else if (e.key === 'Escape' && open) {
            e.preventDefault();
            e.stopPropagation();
            setOpen(false);
            setText(null);
          }
        }}
      />
      {open && (
        <ul class="tz-list" id={listId} role="listbox" aria-label="Time zones" ref={list}>
          {shown.length === 0 && <li class="tz-none muted">No time zone matches “{text}”.</li>}
          {shown.map((z, i) => (
            <li
              key={z}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={z === value}
              class={`tz-option ${i === activeIndex ? 'is-active' : ''} ${z === value ? 'is-current' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(z);
              }}
            >
              <span>{label(z)}</span>
              <span class="muted">{nowIn(z)}</span>
            </li>
          ))}
          {matches.length > SHOWN && <li class="tz-none muted">{matches.length - SHOWN} more — keep typing to narrow it down.</li>}
        </ul>
      )}
    </div>
  );
}

function lastPart(z: string): string {
  return z.slice(z.lastIndexOf('/') + 1).toLowerCase();
}
