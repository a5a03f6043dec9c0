// The app's frame: loads the session, follows the workspace in the URL, lays out the
// sidebar and the main pane, and picks the view for the route.

import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/client';
import { app, loadSession, loadWorkspace, patch } from '../state/app';
import { announcement } from '../state/announce';
import { followWorkspace } from '../state/live';
import { useSelect } from '../state/observable';
import { setUi, ui } from '../state/ui';
import { useShortcuts } from '../keyboard';
import { href, navigate, useRoute, type Route } from '../router';
import { Empty } from '../components/Empty';
import { ToastView } from '../components/ToastView';
import { Sidebar } from './Sidebar';
import { InboxView } from './Inbox';
import { SavedView } from './Saved';
import { ExpectationsView } from './Expectations';
import { ScheduledView } from './Scheduled';
import { DecisionsView } from './Decisions';
import { MeetingsView } from './Meetings';
import { AnalyticsView } from './Analytics';
import { PlanMeetingDialog } from './meetings/PlanMeeting';
import { OutcomesDialog } from './meetings/Outcomes';
import { ChannelView } from './Channel';
import { ThreadView } from './Thread';
import { ConversationsView } from './conversations';
import { SearchView } from './search';
import { AdminView } from './admin';
import { SettingsView } from './settings';
import { ShortcutsDialog } from './Shortcuts';
import { BrowseChannels } from './BrowseChannels';
import { EmergencyBanner } from './EmergencyBanner';

export function App() {
  const route = useRoute();
  const me = useSelect(app, (s) => s.me);
  const ws = useSelect(app, (s) => s.ws);
  const fatal = useSelect(app, (s) => s.fatal);
  const inboxCount = useSelect(app, (s) => s.inboxCount);
  const { sidebarOpen, shortcutsOpen, browseChannelsOpen, planMeetingOpen, outcomesFor } = useSelect(ui, (s) => s);
  const [defaultWs, setDefaultWs] = useState<number | null | undefined>(undefined);
  /** The workspace whose stream position is known: views load their data only after that. */
  const [following, setFollowing] = useState<number | null>(null);

  useEffect(() => {
    loadSession()
      .then(setDefaultWs)
      .catch((e) => patch({ fatal: describeError(e) }));
  }, []);

  // "/" opens the default workspace's inbox.
  useEffect(() => {
    if (route.name === 'root' && defaultWs) navigate(href.inbox(defaultWs), { replace: true });
  }, [route.name, defaultWs]);

  // Follow the workspace named in the URL.
  const routeWs = 'ws' in route ? route.ws : defaultWs ?? null;
  useEffect(() => {
    if (!me || !routeWs || routeWs === ws) return;
    patch({ ws: routeWs, channels: {}, users: {}, conversations: [], unreadThreads: {}, unreadConversations: {}, inboxCount: 0, inboxIds: {} });
    followWorkspace(routeWs)
      .then(() => {
        setFollowing(routeWs);
        return loadWorkspace(routeWs);
      })
      .catch((e) => patch({ fatal: describeError(e) }));
  }, [me, routeWs]);

  // The tab's title carries the inbox's unread count.
  useEffect(() => {
    document.title = inboxCount > 0 ? `(${inboxCount}) Weft` : 'Weft';
  }, [inboxCount]);

  // On a phone, opening anything shows the main pane again.
  useEffect(() => setUi({ sidebarOpen: false }), [route]);

  useShortcuts({
    '/': () => {
      // On a phone the search box is in the sidebar, which is then the pane shown.
      if (matchMedia('(max-width: 719px)').matches) setUi({ sidebarOpen: true });
      document.getElementById('search-box')?.focus();
    },
    '?': () => setUi({ shortcutsOpen: true }),
    'g i': () => void (ws && navigate(href.inbox(ws))),
    'g s': () => void (ws && navigate(href.saved(ws))),
    'g o': () => void (ws && navigate(href.owed(ws))),
    'g w': () => void (ws && navigate(href.waiting(ws))),
    'g d': () => void (ws && navigate(href.decisions(ws))),
    'g m': () => void (ws && navigate(href.meetings(ws))),
    'g a': () => void (ws && navigate(href.analytics(ws))),
    Escape: () => {
      if (!ui.get().sidebarOpen) return false;
      setUi({ sidebarOpen: false });
    },
  });

  if (fatal) {
    return (
      <main class="fatal">
        <Empty icon="alert" title="Weft could not load">
          <p>{fatal}</p>
          <p>
            <button type="button" class="btn" onClick={() => location.reload()}>
              Try again
            </button>
          </p>
        </Empty>
      </main>
    );
  }
  if (defaultWs === null) {
    return (
      <main class="fatal">
        <Empty icon="globe" title="You are not in any workspace yet">
          Ask an admin of your team to add you to their workspace.
        </Empty>
      </main>
    );
  }
  if (!me || !ws || following !== ws) return <div class="loading-screen" aria-busy="true" aria-label="Loading Weft" />;

  return (
    <div class={`layout ${sidebarOpen ? 'show-sidebar' : 'show-main'}`}>
      <nav
        class="sidebar"
        aria-label="Workspace"
        onClick={(e) => {
          // On a phone, following any link in the sidebar shows the main pane again.
          if ((e.target as Element).closest('a[href]')) setUi({ sidebarOpen: false });
        }}
      >
        <Sidebar route={route} />
      </nav>
      <main class="main" id="main">
        <EmergencyBanner ws={ws} />
        <View route={route} ws={ws} />
      </main>
      <LiveRegion />
      <ToastView />
      {shortcutsOpen && <ShortcutsDialog onClose={() => setUi({ shortcutsOpen: false })} />}
      {browseChannelsOpen && <BrowseChannels ws={ws} onClose={() => setUi({ browseChannelsOpen: false })} />}
      {planMeetingOpen && <PlanMeetingDialog ws={ws} />}
      {outcomesFor !== null && <OutcomesDialog key={outcomesFor} ws={ws} meetingId={outcomesFor} />}
    </div>
  );
}

function View({ route, ws }: { route: Route; ws: number }) {
  switch (route.name) {
    case 'root':
    case 'inbox':
      return <InboxView ws={ws} />;
    case 'saved':
      return <SavedView ws={ws} />;
    case 'owed':
    case 'waiting':
      return <ExpectationsView ws={ws} role={route.name} tab={route.tab} />;
    case 'scheduled':
      return <ScheduledView ws={ws} finished={route.finished} />;
    case 'decisions':
      return <DecisionsView ws={ws} />;
    case 'meetings':
      return <MeetingsView ws={ws} />;
    case 'analytics':
      return <AnalyticsView ws={ws} />;
    case 'channel':
      return <ChannelView key={route.channel} ws={ws} channelId={route.channel} />;
    case 'thread':
      return <ThreadView key={`${route.thread}/${route.comment ?? ""}`} ws={ws} channelId={route.channel} threadId={route.thread} commentId={route.comment} />;
    case 'conversations':
    case 'conversation':
      return <ConversationsView ws={ws} route={route} />;
    case 'search':
      return <SearchView ws={ws} query={route.query} />;
    case 'settings':
      return <SettingsView ws={ws} section={route.section} />;
    case 'admin':
      return <AdminView ws={ws} section={route.section} />;
    case 'not_found':
      return (
        <Empty icon="alert" title="Nothing here">
          This address does not lead anywhere in Weft. <a href={href.inbox(ws)}>Go to your inbox</a>.
        </Empty>
      );
  }
}

/** The polite live region: screen readers hear new items, sent posts and errors. */
function LiveRegion() {
  const { text, n } = useSelect(announcement, (a) => a);
  return (
    <div class="sr-only" aria-live="polite" aria-atomic="true">
      {/* The key makes a repeated sentence be announced again. */}
      <span key={n}>{text}</span>
    </div>
  );
}
