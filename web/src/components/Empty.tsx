import type { ComponentChildren } from 'preact';
import { Icon, type IconName } from './Icon';

/** What an empty place says: what it is for and what to do next. */
export function Empty({ icon, title, children }: { icon: IconName; title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <div class="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h2>{title}</h2>
      {children && <div class="empty-text">{children}</div>}
    </div>
  );
}
