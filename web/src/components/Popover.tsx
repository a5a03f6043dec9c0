// A button that opens a small panel (a menu of actions, a picker). Escape or a click
// outside closes it and gives focus back to the button; nothing traps focus.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  label: string;
  /** The button's visible content; `label` is its accessible name. */
  button: ComponentChildren;
  buttonClass?: string;
  align?: 'left' | 'right';
  placement?: 'below' | 'above';
  /** The button shows text of its own: `label` is added for screen readers after it, not
   * instead of it (the visible words stay part of the accessible name). */
  textButton?: boolean;
  children: (close: () => void) => ComponentChildren;
}

export function Popover({ label, button, buttonClass = 'btn-icon', align = 'right', placement = 'below', textButton = false, children }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) close(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey, true);
    // Focus the first control inside, so keyboard users land in the panel.
    root.current?.querySelector<HTMLElement>('.popover button, .popover input, .popover a')?.focus();
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  return (
    <div class="popover-root" ref={root}>
      <button
        type="button"
        ref={trigger}
        class={buttonClass}
        aria-label={textButton ? undefined : label}
        title={label}
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {button}
        {textButton && <span class="sr-only">, {label}</span>}
      </button>
      {open && <div class={`popover popover-${align} popover-${placement}`}>{children(() => close())}</div>}
    </div>
  );
}
