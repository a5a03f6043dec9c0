// The client-side router: URLs under /a/{workspace}/… mapped to typed routes, over the
// History API. The server answers the app's HTML shell for "/" and "/a/*", so every route
// is also a real, bookmarkable URL.

import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'root' }
  | { name: 'inbox'; ws: number }
  | { name: 'saved'; ws: number }
  | { name: 'owed'; ws: number; tab: ExpectationTab }
  | { name: 'waiting'; ws: number; tab: ExpectationTab }
  | { name: 'scheduled'; ws: number; finished: boolean }
  | { name: 'decisions'; ws: number }
  | { name: 'meetings'; ws: number }
  | { name: 'analytics'; ws: number }
  | { name: 'channel'; ws: number; channel: number }
  | { name: 'thread'; ws: number; channel: number; thread: number; comment?: number }
  | { name: 'conversations'; ws: number }
  | { name: 'conversation'; ws: number; conversation: number; message?: number }
  | { name: 'search'; ws: number; query: string }
  | { name: 'settings'; ws: number; section: string }
  | { name: 'admin'; ws: number; section: string }
  | { name: 'not_found'; ws?: number };

/** Which expectations a list of answers shows. */
export type ExpectationTab = 'open' | 'overdue' | 'done';
const tabOf = (s: string | undefined): ExpectationTab | undefined =>
  s === undefined ? 'open' : s === 'open' || s === 'overdue' || s === 'done' ? s : undefined;

const id = (s: string | undefined): number | undefined => {
  if (s === undefined || !/^[1-9][0-9]{0,15}$/.test(s)) return undefined;
  return Number(s);
};

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'root' };
  if (parts[0] !== 'a') return { name: 'not_found' };
  const ws = id(parts[1]);
  if (ws === undefined) return { name: 'not_found' };
  const [, , section, a, b, c, d, e] = parts;
  switch (section) {
    case undefined:
    case 'inbox':
      return parts.length <= 3 ? { name: 'inbox', ws } : { name: 'not_found', ws };
    case 'saved':
      return { name: 'saved', ws };
    case 'scheduled':
      if (a === undefined || a === 'finished') return { name: 'scheduled', ws, finished: a === 'finished' };
      break;
    case 'decisions':
    case 'meetings':
    case 'analytics':
      if (a === undefined) return { name: section, ws };
      break;
    case 'owed':
    case 'waiting': {
      const tab = tabOf(a);
      if (tab === undefined) break;
      return { name: section, ws, tab };
    }
    case 'ch': {
      const channel = id(a);
      if (channel === undefined) break;
      if (b === undefined) return { name: 'channel', ws, channel };
      const thread = id(c);
      if (b !== 't' || thread === undefined) break;
      if (d === undefined) return { name: 'thread', ws, channel, thread };
      const comment = id(e);
      if (d === 'c' && comment !== undefined) return { name: 'thread', ws, channel, thread, comment };
      break;
    }
    case 'msg': {
      if (a === undefined) return { name: 'conversations', ws };
      const conversation = id(a);
      if (conversation === undefined) break;
      if (b === undefined) return { name: 'conversation', ws, conversation };
      const message = id(c);
      if (b === 'm' && message !== undefined) return { name: 'conversation', ws, conversation, message };
      break;
    }
    case 'search':
      return { name: 'search', ws, query: new URLSearchParams(search).get('q') ?? '' };
    case 'settings':
      return { name: 'settings', ws, section: a ?? 'profile' };
    case 'admin':
      return { name: 'admin', ws, section: a ?? 'general' };
  }
  return { name: 'not_found', ws };
}

/** The URL of a route; the inverse of parseRoute. */
export const href = {
  inbox: (ws: number) => `/a/${ws}/inbox`,
  saved: (ws: number) => `/a/${ws}/saved`,
  owed: (ws: number, tab: ExpectationTab = 'open') => `/a/${ws}/owed` + (tab === 'open' ? '' : `/${tab}`),
  waiting: (ws: number, tab: ExpectationTab = 'open') => `/a/${ws}/waiting` + (tab === 'open' ? '' : `/${tab}`),
  scheduled: (ws: number, finished = false) => `/a/${ws}/scheduled` + (finished ? '/finished' : ''),
  decisions: (ws: number) => `/a/${ws}/decisions`,
  meetings: (ws: number) => `/a/${ws}/meetings`,
  /** The period and person are in the query (`?period=…&from=…&until=…&person=…`). */
  analytics: (ws: number, query = '') => `/a/${ws}/analytics` + (query ? `?${query}` : ''),
  channel: (ws: number, channel: number) => `/a/${ws}/ch/${channel}`,
  thread: (ws: number, channel: number, thread: number, comment?: number) =>
    `/a/${ws}/ch/${channel}/t/${thread}` + (comment ? `/c/${comment}` : ''),
  conversations: (ws: number) => `/a/${ws}/msg`,
  conversation: (ws: number, conversation: number, message?: number) =>
    `/a/${ws}/msg/${conversation}` + (message ? `/m/${message}` : ''),
  search: (ws: number, query: string) => `/a/${ws}/search` + (query ? `?q=${encodeURIComponent(query)}` : ''),
  settings: (ws: number, section = 'profile') => `/a/${ws}/settings/${section}`,
  admin: (ws: number, section = 'general') => `/a/${ws}/admin/${section}`,
};

const ROUTE_CHANGED = 'weft:route';

export function currentRoute(): Route {
  return parseRoute(location.pathname, location.search);
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (url === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(ROUTE_CHANGED));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener('popstate', changed);
    window.addEventListener(ROUTE_CHANGED, changed);
    return () => {
      window.removeEventListener('popstate', changed);
      window.removeEventListener(ROUTE_CHANGED, changed);
    };
  }, []);
  return route;
}

/** Follows same-origin links inside the app without reloading the page (plain clicks only:
 * modified clicks keep the browser's behaviour, e.g. open in a new tab). */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/a/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
