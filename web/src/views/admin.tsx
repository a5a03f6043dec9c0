// Workspace settings, for its admins (/a/{ws}/admin/{section}): the workspace itself (name,
// how long an emergency waits before the admins are called), its members and their roles,
// its channels (visibility, emergency lane, archive), the rotations that cover them and
// requests to join channels, its bots (Integrations); and a way to the team's analytics.
// Everyone else is told plainly that these are an admin's.

import { useEffect } from 'preact/hooks';
import { Empty } from '../components/Empty';
import { ViewHeader } from '../components/ViewHeader';
import { href } from '../router';
import { amAdmin, app } from '../state/app';
import { useSelect } from '../state/observable';
import { BotsSection } from './admin/Bots';
import { ChannelsSection } from './admin/Channels';
import { GeneralSection } from './admin/General';
import { MembersSection } from './admin/Members';
import { RotationsSection } from './admin/Rotations';
import { AccessRequestsSection } from './accessRequests';
import '../styles/settings.css';

const SECTIONS = [
  ['general', 'General'],
  ['members', 'Members'],
  ['channels', 'Channels'],
  ['rotations', 'Rotations'],
  ['requests', 'Access requests'],
  ['integrations', 'Integrations'],
] as const;

export function AdminView({ ws, section }: { ws: number; section: string }) {
  const admin = useSelect(app, amAdmin);
  const workspace = useSelect(app, (s) => s.workspaces.find((w) => w.id === ws));
  const current = SECTIONS.find(([s]) => s === section)?.[0];
  const title = SECTIONS.find(([s]) => s === current)?.[1] ?? 'Workspace settings';
  // On a phone the tabs scroll sideways: keep the current one in sight.
  useEffect(() => {
    document.querySelector('.settings-tab.is-current')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [current, admin]);

  return (
    <section class="view settings-view" aria-labelledby="view-title">
      <ViewHeader title={<span id="view-title">{workspace?.name ?? 'Workspace'} settings</span>} subtitle={title} />
      {!admin ? (
        <Empty icon="lock" title="Only admins change the workspace">
          Ask an admin of {workspace?.name ?? 'this workspace'} if something here needs to change. <a href={href.settings(ws)}>Your own settings</a>
        </Empty>
      ) : (
        <>
          <nav class="settings-nav" aria-label="Workspace settings sections">
            {SECTIONS.map(([s, label]) => (
              <a key={s} href={href.admin(ws, s)} class={`settings-tab ${s === current ? 'is-current' : ''}`} aria-current={s === current ? 'page' : undefined}>
                {label}
              </a>
            ))}
            {/* The team's figures are a page of their own; admins look for them here too. */}
            <a href={href.analytics(ws)} class="settings-tab">
              Analytics
            </a>
          </nav>
          <div class="settings-body">
            {!current && (
              <Empty icon="gear" title="No such settings page">
                <a href={href.admin(ws)}>Go to the workspace’s settings</a>
              </Empty>
            )}
            {current === 'general' && workspace && <GeneralSection key={ws} workspace={workspace} />}
            {current === 'members' && <MembersSection ws={ws} />}
            {current === 'channels' && <ChannelsSection ws={ws} />}
            {current === 'rotations' && <RotationsSection ws={ws} />}
            {current === 'requests' && <AccessRequestsSection ws={ws} />}
            {current === 'integrations' && <BotsSection ws={ws} />}
          </div>
        </>
      )}
    </section>
  );
}
