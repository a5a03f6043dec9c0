// A dialog over the app. It does not trap focus (people can still reach the page), but it
// takes focus when it opens, Escape closes it, and focus goes back where it was.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function Dialog({ title, onClose, children, wide = false }: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>('input, textarea, select, button:not(.dialog-close)');
    (first ?? panel.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      before?.focus?.();
    };
  }, []);
  return (
    <div class="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div class={`dialog ${wide ? 'dialog-wide' : ''}`} role="dialog" aria-modal="false" aria-labelledby="dialog-title" ref={panel} tabIndex={-1}>
        <header class="dialog-header">
          <h2 id="dialog-title">{title}</h2>
          <button type="button" class="btn-icon dialog-close" aria-label="Close" title="Close (Esc)" onClick={onClose}>
            ×
          </button>
        </header>
        <div class="dialog-body">{children}</div>
      </div>
    </div>
  );
}
