// My menu: who I am, my settings, the workspace's (admins), analytics (the team's for
// admins, else my own), desktop notifications, shortcuts, sign out.
// Sign out is a real form posted to /logout with the CSRF token, as the server expects.

import { useState } from 'preact/hooks';
import { csrfToken } from '../api/client';
import type { User } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Popover } from '../components/Popover';
import { amAdmin, app } from '../state/app';
import { askNotificationPermission, notificationsSupported } from '../state/notify';
import { useSelect } from '../state/observable';
import { setUi } from '../state/ui';
import { href } from '../router';

export function UserMenu({ me, ws }: { me: User; ws: number }) {
  const [permission, setPermission] = useState(notificationsSupported() ? Notification.permission : 'denied');
  const admin = useSelect(app, amAdmin);
  return (
    <Popover
      label="Your menu"
      buttonClass="user-button"
      textButton
      align="left"
      placement="above"
      button={
        <>
          <Avatar id={me.id} name={me.name} />
          <span class="user-button-text">
            <span class="user-name">{me.name}</span>
          </span>
        </>
      }
    >
      {(close) => (
        <div class="menu-list">
          <div class="menu-header">
            <strong>{me.name}</strong>
            <span>{me.email}</span>
          </div>
          <a class="menu-item" href={href.settings(ws, 'profile')} onClick={close}>
            Profile and time zone
          </a>
          <a class="menu-item" href={href.settings(ws, 'hours')} onClick={close}>
            Working hours and do not disturb
          </a>
          <a class="menu-item" href={href.settings(ws, 'away')} onClick={close}>
            Away
          </a>
          <a class="menu-item" href={href.settings(ws, 'notifications')} onClick={close}>
            Notifications
          </a>
          {admin && (
            <a class="menu-item" href={href.admin(ws)} onClick={close}>
              Workspace settings
            </a>
          )}
          <a class="menu-item" href={href.analytics(ws)} onClick={close}>
            {admin ? 'Analytics' : 'My analytics'}
          </a>
          {notificationsSupported() && permission !== 'granted' && (
            <button
              type="button"
              class="menu-item"
              disabled={permission === 'denied'}
              onClick={async () => setPermission(await askNotificationPermission())}
            >
              {permission === 'denied' ? 'Desktop notifications are blocked by the browser' : 'Turn on desktop notifications'}
            </button>
          )}
          {permission === 'granted' && <div class="menu-note">Desktop notifications are on</div>}
          <button
            type="button"
            class="menu-item"
            onClick={() => {
              close();
              setUi({ shortcutsOpen: true });
            }}
          >
            Keyboard shortcuts <kbd>?</kbd>
          </button>
          <form method="post" action="/logout" class="menu-form">
            <input type="hidden" name="csrf" value={csrfToken()} />
            <button type="submit" class="menu-item">
              Sign out
            </button>
          </form>
        </div>
      )}
    </Popover>
  );
}
