// The header of the main pane: on a phone, a way back (to the sidebar or the list the
// view came from); the view's title; its actions.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { setUi } from '../state/ui';
import { Icon } from './Icon';

interface Props {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  /** Where the back button goes; without it, the phone-only button opens the sidebar. */
  back?: { label: string; onBack: () => void };
  actions?: ComponentChildren;
}

export function ViewHeader({ title, subtitle, back, actions }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  // A new view takes the focus when the old one had it (or nothing had it), so keyboard
  // and screen-reader users land at its title; a click in the sidebar keeps focus there.
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || active.closest('main')) heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header class="view-header">
      {back ? (
        <button type="button" class="btn-icon back-button" aria-label={back.label} title={back.label} onClick={back.onBack}>
          <Icon name="back" />
        </button>
      ) : (
        <button type="button" class="btn-icon phone-only" aria-label="Show sidebar" title="Show sidebar" onClick={() => setUi({ sidebarOpen: true })}>
          <Icon name="menu" />
        </button>
      )}
      <div class="view-title">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {subtitle && <div class="view-subtitle">{subtitle}</div>}
      </div>
      {actions && <div class="view-actions">{actions}</div>}
    </header>
  );
}
